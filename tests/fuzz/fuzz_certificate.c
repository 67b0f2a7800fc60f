/* libFuzzer target: officer certificate verification and CRL loading on
 * untrusted bytes (DER or PEM). Every certificate is verified or refused with
 * one reason, counted once; a CRL not signed by the pinned root is refused. */
#include <stdlib.h>
#include <string.h>

#include "beeldbel/error.h"
#include "beeldbel/identity.h"
#include "../common/police_ca.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static police_ca ca;
    static bb_trust *trust;
    if (!trust) {
        if (pca_init(&ca, 11, "Politie Demo Root CA") ||
            bb_trust_new(&trust, (const uint8_t *)ca.root_cert, strlen(ca.root_cert)))
            abort();
    }
    bb_officer_result r;
    const bb_trust_stats *st = bb_trust_get_stats(trust);
    uint64_t before = st->verified;
    for (int i = 0; i < BB_OFFICER_STATUS_COUNT; i++)
        before += st->rejected[i];
    int rc = bb_trust_verify_officer(trust, data, size, "100001", PCA_NOW, &r);
    uint64_t after = st->verified;
    for (int i = 0; i < BB_OFFICER_STATUS_COUNT; i++)
        after += st->rejected[i];
    if (after != before + 1 || (rc == BB_OK) != (r.status == BB_OFFICER_OK) ||
        memchr(r.name, 0, sizeof(r.name)) == NULL)
        abort();
    bb_trust *t2;
    if (bb_trust_new(&t2, (const uint8_t *)ca.root_cert, strlen(ca.root_cert)))
        abort();
    bb_trust_set_crl(t2, data, size);
    bb_trust_free(t2);
    return 0;
}
