/*
 * beeldbel — crypto module (Mbed TLS).
 *
 * This first slice is authenticated encryption of one message with AES-GCM:
 * the primitive under SFrame. Keys are 16 or 32 bytes (AES-128/256-GCM), the
 * nonce is 12 bytes, the tag 16 bytes and appended to the ciphertext.
 * The caller owns every buffer; nothing is kept between calls.
 */
#ifndef BEELDBEL_CRYPTO_H
#define BEELDBEL_CRYPTO_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define BB_AEAD_NONCE_LEN 12
#define BB_AEAD_TAG_LEN 16

/*
 * Encrypts pt and authenticates it together with aad. Writes ciphertext
 * followed by the tag (pt_len + BB_AEAD_TAG_LEN bytes) to out; out may not
 * overlap pt.
 */
int bb_aead_seal(const uint8_t *key, size_t key_len,
                 const uint8_t nonce[BB_AEAD_NONCE_LEN],
                 const uint8_t *aad, size_t aad_len,
                 const uint8_t *pt, size_t pt_len,
                 uint8_t *out, size_t cap, size_t *out_len);

/*
 * Checks and decrypts what bb_aead_seal produced. Returns BB_E_AUTH, and
 * writes nothing usable, when the key, nonce, aad or any byte is wrong.
 */
int bb_aead_open(const uint8_t *key, size_t key_len,
                 const uint8_t nonce[BB_AEAD_NONCE_LEN],
                 const uint8_t *aad, size_t aad_len,
                 const uint8_t *ct, size_t ct_len,
                 uint8_t *out, size_t cap, size_t *out_len);

/* Fills buf with len bytes from the operating system / browser. */
int bb_random_os(uint8_t *buf, size_t len);

/*
 * Randomness is injected: every function that needs random bytes takes a
 * bb_rng_fn and its context (the same shape as Mbed TLS's f_rng, so it can be
 * passed straight through). Returns 0 or a negative value on failure.
 */
typedef int (*bb_rng_fn)(void *ctx, unsigned char *buf, size_t len);

/* bb_rng_fn over bb_random_os (ctx unused): for real keys. */
int bb_rng_os(void *ctx, unsigned char *buf, size_t len);

/*
 * A deterministic generator for tests and benchmarks: SHA-256 of the seed and
 * a block counter. Same seed, same bytes, natively and in WASM. Never use it
 * for real keys.
 */
typedef struct bb_seeded_rng {
    uint8_t seed[32];
    uint64_t block;
} bb_seeded_rng;
/* bb_rng_seeded is a bb_rng_fn whose ctx is a bb_seeded_rng: 0, BB_E_ARG
 * for a NULL ctx (or buf), BB_E_CRYPTO if the hash fails. */
void bb_seeded_rng_init(bb_seeded_rng *r, uint64_t seed);
int bb_rng_seeded(void *ctx, unsigned char *buf, size_t len);

/* Mbed TLS version string, for diagnostics. */
const char *bb_crypto_version(void);

#ifdef __cplusplus
}
#endif

#endif /* BEELDBEL_CRYPTO_H */
