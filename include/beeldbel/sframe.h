/*
 * beeldbel — SFrame (RFC 9605): end-to-end encryption of every media, text
 * and file message, so the SFU forwards only ciphertext.
 *
 * A message is  header(KID, CTR) || ciphertext || tag.  The header is sent
 * in the clear and authenticated as AAD together with caller metadata.
 * Keys are derived per KID from a base key with HKDF (RFC 9605 4.4.2); the
 * nonce is the salt XOR the counter (4.4.3).
 *
 * Two layers:
 *  - bb_sframe_key_*: one derived key; seal/open with an explicit KID and
 *    CTR. Pure functions of their inputs (the RFC test vectors use these).
 *  - bb_sframe_ctx: a set of keys by KID, one of them the sending key with
 *    its counter, a replay window per KID and counted rejection reasons.
 *    This is what the engine uses; bb_e2ee (e2ee.h) feeds it keys.
 *
 * The caller owns every buffer. bb_sframe_ctx is not thread-safe.
 */
#ifndef BEELDBEL_SFRAME_H
#define BEELDBEL_SFRAME_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Cipher suites, numbered as in the IANA registry (RFC 9605 8.1). */
typedef enum bb_sframe_suite {
    BB_SFRAME_AES_128_CTR_HMAC_SHA256_80 = 1,
    BB_SFRAME_AES_128_CTR_HMAC_SHA256_64 = 2,
    BB_SFRAME_AES_128_CTR_HMAC_SHA256_32 = 3, /* RFC vectors only; too short a tag for us */
    BB_SFRAME_AES_128_GCM_SHA256_128 = 4,
    BB_SFRAME_AES_256_GCM_SHA512_128 = 5
} bb_sframe_suite;

#define BB_SFRAME_MAX_HEADER 17 /* 1 config byte + 8 KID + 8 CTR bytes */
#define BB_SFRAME_MAX_TAG 16
#define BB_SFRAME_NONCE_LEN 12
/* Bytes a protected message adds at most: header + tag. */
#define BB_SFRAME_MAX_OVERHEAD (BB_SFRAME_MAX_HEADER + BB_SFRAME_MAX_TAG)

/* ---- header (RFC 9605 4.3) ---- */

/* Writes the shortest encoding of (kid, ctr) into out. */
int bb_sframe_header_encode(uint64_t kid, uint64_t ctr, uint8_t *out,
                            size_t cap, size_t *out_len);

/*
 * Parses a header at the start of in. On success sets kid, ctr and the
 * header length. BB_E_PARSE if in is too short, BB_E_PROTO if a value is
 * not in its shortest form (our encoder never writes those, and accepting
 * two spellings of one header would make the AAD ambiguous).
 */
int bb_sframe_header_parse(const uint8_t *in, size_t len, uint64_t *kid,
                           uint64_t *ctr, size_t *hdr_len);

/* ---- one key ---- */

typedef struct bb_sframe_key {
    bb_sframe_suite suite;
    uint8_t key[48];  /* Nk bytes: AES key, or AES key || HMAC key for CTR */
    uint8_t salt[BB_SFRAME_NONCE_LEN];
    size_t key_len, tag_len;
    void *impl;       /* prepared cipher state; owned, see bb_sframe_key_free */
} bb_sframe_key;

/* Tag length of a suite (0 if unknown). */
size_t bb_sframe_suite_tag_len(bb_sframe_suite suite);

/*
 * derive_key_salt(KID, base_key) of RFC 9605 4.4.2. base_key is any length
 * from 16 to 64 bytes. The key must be released with bb_sframe_key_free.
 */
int bb_sframe_key_derive(bb_sframe_key *k, bb_sframe_suite suite, uint64_t kid,
                         const uint8_t *base_key, size_t base_len);

/* A key from raw material (Nk bytes) and salt, for tests and for callers
 * that derive keys themselves. Release with bb_sframe_key_free. */
int bb_sframe_key_import(bb_sframe_key *k, bb_sframe_suite suite,
                         const uint8_t *key, size_t key_len,
                         const uint8_t salt[BB_SFRAME_NONCE_LEN]);

/* The suite's AEAD alone (RFC 9605 4.5): out = ct || tag. */
int bb_sframe_aead_encrypt(const bb_sframe_key *k, const uint8_t nonce[BB_SFRAME_NONCE_LEN],
                           const uint8_t *aad, size_t aad_len,
                           const uint8_t *pt, size_t pt_len,
                           uint8_t *out, size_t cap, size_t *out_len);
/* BB_E_AUTH, and no plaintext, if anything was changed. */
int bb_sframe_aead_decrypt(const bb_sframe_key *k, const uint8_t nonce[BB_SFRAME_NONCE_LEN],
                           const uint8_t *aad, size_t aad_len,
                           const uint8_t *ct, size_t ct_len,
                           uint8_t *out, size_t cap, size_t *out_len);

/* Wipes the key and frees its cipher state. Safe on a zeroed struct. */
void bb_sframe_key_free(bb_sframe_key *k);

/* Writes header || ct || tag for (kid, ctr); out must not overlap pt. */
int bb_sframe_key_seal(const bb_sframe_key *k, uint64_t kid, uint64_t ctr,
                       const uint8_t *metadata, size_t meta_len,
                       const uint8_t *pt, size_t pt_len,
                       uint8_t *out, size_t cap, size_t *out_len);

/*
 * Opens a message whose header (hdr_len bytes at msg) was already parsed
 * into ctr. BB_E_AUTH on any change; nothing usable is written then.
 */
int bb_sframe_key_open(const bb_sframe_key *k, uint64_t ctr, size_t hdr_len,
                       const uint8_t *metadata, size_t meta_len,
                       const uint8_t *msg, size_t msg_len,
                       uint8_t *out, size_t cap, size_t *out_len);

/* ---- context: keys by KID, sending counter, replay window ---- */

#define BB_SFRAME_MAX_KEYS 32
#define BB_SFRAME_REPLAY_WINDOW 128 /* counters this far behind the newest still accepted once */

typedef enum bb_sframe_reject {
    BB_SFRAME_REJECT_HEADER = 0, /* header truncated or not canonical */
    BB_SFRAME_REJECT_UNKNOWN_KID,/* no key for this KID (never had it, or removed by a rekey) */
    BB_SFRAME_REJECT_REPLAY,     /* counter already seen, or older than the window */
    BB_SFRAME_REJECT_AUTH,       /* tag does not verify: tampered, or wrong key */
    BB_SFRAME_REJECT_SIZE,       /* shorter than a tag, or too large */
    BB_SFRAME_REJECT_COUNT
} bb_sframe_reject;

typedef struct bb_sframe_stats {
    uint64_t protected_msgs, accepted;
    uint64_t rejected[BB_SFRAME_REJECT_COUNT];
} bb_sframe_stats;

typedef struct bb_sframe_ctx bb_sframe_ctx;

/* BB_E_UNSUPPORTED for suite 3 (32-bit tag): vectors only, never for a call. */
int bb_sframe_ctx_new(bb_sframe_ctx **out, bb_sframe_suite suite);
void bb_sframe_ctx_free(bb_sframe_ctx *c);

/*
 * Adds (or replaces) the key for kid; its replay window starts empty. A
 * replaced key keeps the slot's send counter. Never add the same base key
 * again after removing its KID: its counter would start over at 0.
 */
int bb_sframe_ctx_add_key(bb_sframe_ctx *c, uint64_t kid,
                          const uint8_t *base_key, size_t base_len);
/* Forgets kid (BB_E_ARG if unknown). Messages under it are then rejected. */
int bb_sframe_ctx_remove_key(bb_sframe_ctx *c, uint64_t kid);
/* Selects the key used by bb_sframe_protect (counter starts at 0 for a new key). */
int bb_sframe_ctx_set_sender(bb_sframe_ctx *c, uint64_t kid);

/* Seals with the sending key and the next counter. */
int bb_sframe_protect(bb_sframe_ctx *c, const uint8_t *metadata, size_t meta_len,
                      const uint8_t *pt, size_t pt_len,
                      uint8_t *out, size_t cap, size_t *out_len);

/*
 * Parses, checks the replay window, opens. On success kid (may be NULL)
 * names the key used. Every failure is counted in the context's stats and
 * returns BB_E_PARSE / BB_E_PROTO / BB_E_AUTH / BB_E_TOO_LARGE.
 */
int bb_sframe_unprotect(bb_sframe_ctx *c, const uint8_t *metadata, size_t meta_len,
                        const uint8_t *msg, size_t msg_len,
                        uint8_t *out, size_t cap, size_t *out_len, uint64_t *kid);

/* Counters of protected, accepted and rejected messages (by reason); owned
 * by c and valid while it lives. */
const bb_sframe_stats *bb_sframe_ctx_stats(const bb_sframe_ctx *c);

/* Name of a reject reason ("header", "unknown_kid", ...). */
const char *bb_sframe_reject_name(bb_sframe_reject r);

#ifdef __cplusplus
}
#endif

#endif /* BEELDBEL_SFRAME_H */
