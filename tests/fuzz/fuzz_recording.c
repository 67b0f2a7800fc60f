/* libFuzzer target: what beeldbel-verify reads from a recording someone
 * handed over, chosen by the first byte (modulo 3): 0 a WebM's header (its
 * tracks), 1 a manifest and its recording (two bytes of manifest length,
 * the manifest, then the file), checked against the tests' police CA (seed
 * 11, as make_seeds.c), 2 the manifest attached to a WebM, and whether the
 * bytes are one whole Attachments element. */
#include <stdlib.h>
#include <string.h>

#include "beeldbel/error.h"
#include "beeldbel/seal.h"
#include "beeldbel/webm.h"
#include "../common/police_ca.h"

static bb_trust *trust;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    trust = pca_fuzz_trust();
    if (size < 1)
        return 0;
    const uint8_t *d = data + 1;
    size_t n = size - 1;
    if (data[0] % 3 == 2) {
        const uint8_t *a = NULL;
        size_t al = 0;
        int rc = bb_webm_read_attachment(d, n, "manifest.json", &a, &al);
        if (rc == BB_OK ? !a || a < d || al > n || a + al > d + n : rc != BB_E_AGAIN && rc != BB_E_PARSE)
            abort();
        /* Whether the bytes are a whole Attachments element and nothing more: a yes or a no. */
        if ((unsigned)bb_webm_is_attachments(d, n) > 1)
            abort();
        return 0;
    }
    if (data[0] % 3 == 0) {
        bb_webm_track_info t[4];
        int count = -1;
        int rc = bb_webm_read_tracks(d, n, t, 4, &count);
        if ((rc != BB_OK && rc != BB_E_PARSE) || count < 0)
            abort();
        for (int i = 0; i < (count < 4 ? count : 4) && rc == BB_OK; i++)
            if (strlen(t[i].name) > BB_WEBM_MAX_NAME)
                abort();
        return 0;
    }
    if (n < 2)
        return 0;
    size_t mlen = (size_t)(d[0] << 8 | d[1]);
    if (mlen > n - 2)
        return 0;
    const char *manifest = (const char *)d + 2;
    const uint8_t *file = d + 2 + mlen;
    size_t flen = n - 2 - mlen;
    bb_rec_report r;
    int rc = bb_rec_verify(file, flen, manifest, mlen, trust, PCA_NOW, &r);
    if (rc == BB_OK && (r.reason != BB_REC_OK || r.sealed > r.segments || r.sealed_bytes > flen || !r.seals))
        abort();
    if (rc == BB_E_PARSE && r.reason != BB_REC_MANIFEST)
        abort();
    if (rc == BB_E_AUTH && (r.reason <= BB_REC_MANIFEST || r.reason >= BB_REC_REASON_COUNT ||
                            r.bad_segment >= (int64_t)r.segments))
        abort();
    if (rc != BB_OK && rc != BB_E_PARSE && rc != BB_E_AUTH && rc != BB_E_NOMEM)
        abort();
    return 0;
}
