/*
 * Entropy for Mbed TLS and for the engine's key generation. getentropy() is
 * the kernel's CSPRNG natively and crypto.getRandomValues() under Emscripten,
 * so neither build opens /dev/urandom.
 */
#include <stddef.h>
#include <stdint.h>
#include <unistd.h>
#if defined(__linux__) && !defined(__EMSCRIPTEN__)
#include <sys/random.h>
#endif

#include <mbedtls/version.h>

#include "beeldbel/crypto.h"
#include "beeldbel/error.h"

int bb_random_os(uint8_t *buf, size_t len)
{
    if (!buf && len)
        return BB_E_ARG;
    while (len > 0) {
        size_t n = len > 256 ? 256 : len; /* getentropy's per-call limit */
        if (getentropy(buf, n) != 0)
            return BB_E_CRYPTO;
        buf += n;
        len -= n;
    }
    return BB_OK;
}

/* Called by Mbed TLS's entropy module (MBEDTLS_ENTROPY_HARDWARE_ALT). */
int mbedtls_hardware_poll(void *data, unsigned char *output, size_t len,
                          size_t *olen);
int mbedtls_hardware_poll(void *data, unsigned char *output, size_t len,
                          size_t *olen)
{
    (void)data;
    *olen = 0;
    if (bb_random_os(output, len) != BB_OK)
        return -1;
    *olen = len;
    return 0;
}

const char *bb_crypto_version(void)
{
    return MBEDTLS_VERSION_STRING_FULL;
}
