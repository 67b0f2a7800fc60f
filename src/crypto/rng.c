/*
 * The two random sources behind bb_rng_fn: the operating system (real keys)
 * and a seeded SHA-256 counter generator (tests, reproducible benchmarks).
 */
#include <string.h>

#include <mbedtls/sha256.h>
#include <mbedtls/platform_util.h>

#include "beeldbel/crypto.h"
#include "beeldbel/error.h"

int bb_rng_os(void *ctx, unsigned char *buf, size_t len)
{
    (void)ctx;
    return bb_random_os(buf, len);
}

void bb_seeded_rng_init(bb_seeded_rng *r, uint64_t seed)
{
    uint8_t s[8 + 16] = "beeldbel seeded ";
    for (int i = 0; i < 8; i++)
        s[16 + i] = (uint8_t)(seed >> (8 * i));
    mbedtls_sha256_ret(s, sizeof(s), r->seed, 0);
    r->block = 0;
}

int bb_rng_seeded(void *ctx, unsigned char *buf, size_t len)
{
    bb_seeded_rng *r = ctx;
    if (!r || (!buf && len))
        return BB_E_ARG;
    while (len) {
        uint8_t in[40], out[32];
        memcpy(in, r->seed, 32);
        for (int i = 0; i < 8; i++)
            in[32 + i] = (uint8_t)(r->block >> (8 * i));
        r->block++;
        if (mbedtls_sha256_ret(in, sizeof(in), out, 0))
            return BB_E_CRYPTO;
        size_t n = len < 32 ? len : 32;
        memcpy(buf, out, n);
        mbedtls_platform_zeroize(out, sizeof(out));
        buf += n;
        len -= n;
    }
    return BB_OK;
}
