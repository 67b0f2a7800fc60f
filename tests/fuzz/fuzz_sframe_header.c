/* libFuzzer target: the SFrame header parser (a canonical header must encode
 * back to the same bytes), then the whole unprotect path of a context that
 * holds a few keys: any input is rejected with a counted reason or opened,
 * never read past its end. */
#include <stdlib.h>
#include <string.h>

#include "beeldbel/error.h"
#include "beeldbel/sframe.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static bb_sframe_ctx *ctx[2];
    if (!ctx[0]) {
        uint8_t base[16] = {1, 2, 3};
        if (bb_sframe_ctx_new(&ctx[0], BB_SFRAME_AES_128_GCM_SHA256_128) ||
            bb_sframe_ctx_new(&ctx[1], BB_SFRAME_AES_128_CTR_HMAC_SHA256_80))
            abort();
        for (int c = 0; c < 2; c++)
            for (uint64_t kid = 0; kid < 4; kid++)
                if (bb_sframe_ctx_add_key(ctx[c], kid * 0x101, base, 16))
                    abort();
    }
    uint64_t kid, ctr;
    size_t hl, n;
    if (bb_sframe_header_parse(data, size, &kid, &ctr, &hl) == BB_OK) {
        uint8_t again[BB_SFRAME_MAX_HEADER];
        if (hl > size || hl > BB_SFRAME_MAX_HEADER ||
            bb_sframe_header_encode(kid, ctr, again, sizeof(again), &n) != BB_OK ||
            n != hl || memcmp(again, data, hl) != 0)
            abort();
    }
    uint8_t *out = malloc(size + 1);
    if (!out)
        return 0;
    for (int c = 0; c < 2; c++) {
        const bb_sframe_stats *st = bb_sframe_ctx_stats(ctx[c]);
        uint64_t before = st->accepted;
        for (int r = 0; r < BB_SFRAME_REJECT_COUNT; r++)
            before += st->rejected[r];
        int rc = bb_sframe_unprotect(ctx[c], NULL, 0, data, size, out, size + 1, &n, NULL);
        uint64_t after = st->accepted;
        for (int r = 0; r < BB_SFRAME_REJECT_COUNT; r++)
            after += st->rejected[r];
        if (after != before + 1 || (rc == BB_OK && n > size))
            abort(); /* every input is counted exactly once */
    }
    free(out);
    return 0;
}
