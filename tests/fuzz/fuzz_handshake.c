/* libFuzzer target: the handshake parser (pointers must stay inside the
 * input), then a citizen's key agreement receiving the bytes: every input is
 * either accepted or rejected with a counted reason; nothing crashes. The
 * police CA and the citizen are made once, with the seeded RNG. */
#include <stdlib.h>
#include <string.h>

#include "beeldbel/e2ee.h"
#include "beeldbel/error.h"
#include "beeldbel/identity.h"
#include "../common/police_ca.h"

static const uint8_t invite[24] = "one-time-invite-secret!";

static bb_e2ee *make_citizen(bb_trust *trust, bb_seeded_rng *rng)
{
    bb_e2ee_config c;
    memset(&c, 0, sizeof(c));
    c.room = "groningen-noord-4711";
    c.self_id = 2;
    c.role = BB_ROLE_CITIZEN;
    c.expected_officer = "100001";
    c.invite_secret = invite;
    c.invite_len = sizeof(invite);
    c.trust = trust;
    c.rng = bb_rng_seeded;
    c.rng_ctx = rng;
    bb_e2ee *e;
    if (bb_e2ee_new(&e, &c))
        abort();
    return e;
}

static int inside(const uint8_t *p, size_t n, const uint8_t *d, size_t size)
{
    return !p || (p >= d && n <= size && p + n <= d + size);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static bb_trust *trust;
    static bb_seeded_rng rng;
    static bb_e2ee *citizen;
    if (!trust) {
        trust = pca_fuzz_trust();
        bb_seeded_rng_init(&rng, 7);
    }
    bb_hs_msg m;
    if (bb_hs_parse(data, size, &m) == BB_OK) {
        if (!inside(m.x25519, 32, data, size) || !inside(m.nonce, 16, data, size) ||
            !inside(m.cert, m.cert_len, data, size) ||
            !inside(m.authenticator, m.auth_len, data, size) || m.signed_len > size)
            abort();
        for (int i = 0; i < m.n_keys; i++)
            if (!inside(m.keys[i].wrapped, BB_HS_WRAPPED_LEN, data, size))
                abort();
    }
    /* A citizen who has admitted someone is replaced, so state stays small. */
    if (!citizen || bb_e2ee_peer_count(citizen) > 0) {
        bb_e2ee_free(citizen);
        citizen = make_citizen(trust, &rng);
    }
    const bb_e2ee_stats *st = bb_e2ee_get_stats(citizen);
    uint64_t before = st->hellos_accepted + st->keys_accepted + st->duplicates + st->deferred;
    for (int r = 0; r < BB_HS_REJECT_COUNT; r++)
        before += st->rejected[r];
    /* One refill of the verification ration per input, so every input is verified
     * (within the hour the fixture's certificates are valid in). */
    static uint64_t k;
    uint64_t now_us = (uint64_t)PCA_NOW * 1000000u + (k++ % 3600) * BB_E2EE_VERIFY_REFILL_US;
    int rc = bb_e2ee_receive(citizen, data, size, now_us);
    uint64_t after = st->hellos_accepted + st->keys_accepted + st->duplicates + st->deferred;
    for (int r = 0; r < BB_HS_REJECT_COUNT; r++)
        after += st->rejected[r];
    /* Own reflected HELLO is the one silent case; everything else is counted
     * (an accepted HELLO may also handle a kept KEYS: then more than one). */
    if (rc != BB_OK && after != before + 1)
        abort();
    return 0;
}
