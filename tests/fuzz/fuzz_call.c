/* libFuzzer target: the call core's input. The input is a sequence of
 * data-channel messages as the SFU could deliver them — each a feed id
 * (2 bytes), a length (2 bytes) and that many bytes — handed to a citizen's
 * call in order, with its timers run and its output and events drained
 * between them. Every message is either taken or refused and counted;
 * nothing crashes, leaks or reads out of bounds. The seeds hold an officer's
 * real handshake messages, so the fuzzer starts past the authenticators. */
#include <stdlib.h>
#include <string.h>

#include "beeldbel/call.h"
#include "beeldbel/error.h"
#include "../common/police_ca.h"

static const uint8_t invite[24] = "one-time-invite-secret!";

static bb_call *make_citizen(bb_trust *trust, bb_seeded_rng *rng)
{
    bb_call_config c;
    memset(&c, 0, sizeof(c));
    c.e2ee.room = "groningen-noord-4711";
    c.e2ee.self_id = 2;
    c.e2ee.role = BB_ROLE_CITIZEN;
    c.e2ee.expected_officer = "100001";
    c.e2ee.invite_secret = invite;
    c.e2ee.invite_len = sizeof(invite);
    c.e2ee.trust = trust;
    c.e2ee.rng = bb_rng_seeded;
    c.e2ee.rng_ctx = rng;
    bb_media_config_default(&c.media, 0);
    c.media.width = 64;
    c.media.height = 48;
    bb_call *call;
    if (bb_call_new(&call, &c))
        abort();
    return call;
}

static uint64_t counted(const bb_call *c)
{
    const bb_call_stats *s = bb_call_get_stats(c);
    return s->handshakes_in + s->spoofed + s->undecryptable + s->unknown_tag + s->oversize;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static bb_trust *trust;
    static bb_seeded_rng rng;
    if (!trust) {
        trust = pca_fuzz_trust();
        bb_seeded_rng_init(&rng, 7);
    }
    bb_call *call = make_citizen(trust, &rng);
    uint64_t now = 1000, wall = (uint64_t)PCA_NOW * 1000000u;
    uint8_t out[BB_CALL_MAX_WIRE];
    size_t n;
    bb_call_event ev;
    (void)bb_call_peer_joined(call, 1, now);
    while (size >= 4) {
        uint32_t feed = (uint32_t)(data[0] << 8 | data[1]);
        size_t len = (size_t)(data[2] << 8 | data[3]);
        data += 4;
        size -= 4;
        if (len > size)
            len = size;
        uint64_t before = counted(call);
        int rc = bb_call_receive(call, feed, data, len, now, wall);
        /* Every message of two bytes or more is looked at and counted. */
        if (len >= 2 && counted(call) != before + 1)
            abort();
        if (len < 2 && rc != BB_OK)
            abort();
        data += len;
        size -= len;
        now += 7000;
        wall += 7000;
        if (now >= bb_call_next_deadline(call))
            (void)bb_call_tick(call, now);
        while (bb_call_poll_send(call, out, sizeof(out), &n, NULL) == BB_OK)
            if (n > BB_CALL_MAX_WIRE)
                abort();
        while (bb_call_poll_event(call, &ev) == BB_OK)
            if (ev.type == BB_CALL_EVENT_TEXT && strlen(ev.text) > BB_CONTROL_MAX_TEXT)
                abort();
    }
    bb_call_free(call);
    return 0;
}
