/*
 * SFrame (RFC 9605): header codec, key derivation, the AES-GCM and
 * AES-CTR+HMAC suites, and a context with a replay window per KID.
 */
#include <stdlib.h>
#include <string.h>

#include <mbedtls/aes.h>
#include <mbedtls/gcm.h>
#include <mbedtls/hkdf.h>
#include <mbedtls/md.h>
#include <mbedtls/platform_util.h>

#include "beeldbel/error.h"
#include "beeldbel/sframe.h"

/* Largest payload the context accepts: Janus relays at most 64 KiB, and a
 * bound keeps a hostile length from reaching the ciphers. */
#define MAX_PAYLOAD (1u << 20)

/* ---- header (4.3) ---- */

static size_t min_bytes(uint64_t v)
{
    size_t n = 1;
    while (n < 8 && (v >> (8 * n)) != 0)
        n++;
    return n;
}

static void put_be(uint8_t *out, uint64_t v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        out[i] = (uint8_t)(v >> (8 * (n - 1 - i)));
}

int bb_sframe_header_encode(uint64_t kid, uint64_t ctr, uint8_t *out,
                            size_t cap, size_t *out_len)
{
    if (!out || !out_len)
        return BB_E_ARG;
    *out_len = 0;
    size_t kl = kid < 8 ? 0 : min_bytes(kid);
    size_t cl = ctr < 8 ? 0 : min_bytes(ctr);
    if (cap < 1 + kl + cl)
        return BB_E_BUFFER;
    /* X K K K Y C C C: X/Y set = "the next K+1 / C+1 bytes hold the value". */
    uint8_t cfg = 0;
    cfg |= kl ? (uint8_t)(0x80 | ((kl - 1) << 4)) : (uint8_t)(kid << 4);
    cfg |= cl ? (uint8_t)(0x08 | (cl - 1)) : (uint8_t)ctr;
    out[0] = cfg;
    put_be(out + 1, kid, kl);
    put_be(out + 1 + kl, ctr, cl);
    *out_len = 1 + kl + cl;
    return BB_OK;
}

/* Reads one value of the header; BB_E_PROTO when not the shortest form. */
static int read_field(const uint8_t *in, size_t len, size_t *pos, int extended,
                      unsigned bits, uint64_t *v)
{
    if (!extended) {
        *v = bits;
        return BB_OK;
    }
    size_t n = bits + 1;
    if (len - *pos < n)
        return BB_E_PARSE;
    uint64_t x = 0;
    for (size_t i = 0; i < n; i++)
        x = (x << 8) | in[*pos + i];
    *pos += n;
    if (x < 8 || min_bytes(x) != n)
        return BB_E_PROTO;
    *v = x;
    return BB_OK;
}

int bb_sframe_header_parse(const uint8_t *in, size_t len, uint64_t *kid,
                           uint64_t *ctr, size_t *hdr_len)
{
    if ((!in && len) || !kid || !ctr || !hdr_len)
        return BB_E_ARG;
    if (len < 1)
        return BB_E_PARSE;
    uint8_t cfg = in[0];
    size_t pos = 1;
    uint64_t k, c;
    int rc = read_field(in, len, &pos, cfg & 0x80, (cfg >> 4) & 7, &k);
    if (rc)
        return rc;
    rc = read_field(in, len, &pos, cfg & 0x08, cfg & 7, &c);
    if (rc)
        return rc;
    *kid = k;
    *ctr = c;
    *hdr_len = pos;
    return BB_OK;
}

/* ---- suites and key derivation (4.4.2, 4.5) ---- */

struct suite_info {
    int gcm;
    size_t nk, nka, nt; /* key, AES part of the key (CTR), tag */
    mbedtls_md_type_t hash;
};

static int suite_info(bb_sframe_suite s, struct suite_info *si)
{
    switch (s) {
    case BB_SFRAME_AES_128_CTR_HMAC_SHA256_80:
        *si = (struct suite_info){0, 48, 16, 10, MBEDTLS_MD_SHA256};
        return BB_OK;
    case BB_SFRAME_AES_128_CTR_HMAC_SHA256_64:
        *si = (struct suite_info){0, 48, 16, 8, MBEDTLS_MD_SHA256};
        return BB_OK;
    case BB_SFRAME_AES_128_CTR_HMAC_SHA256_32:
        *si = (struct suite_info){0, 48, 16, 4, MBEDTLS_MD_SHA256};
        return BB_OK;
    case BB_SFRAME_AES_128_GCM_SHA256_128:
        *si = (struct suite_info){1, 16, 16, 16, MBEDTLS_MD_SHA256};
        return BB_OK;
    case BB_SFRAME_AES_256_GCM_SHA512_128:
        *si = (struct suite_info){1, 32, 32, 16, MBEDTLS_MD_SHA512};
        return BB_OK;
    }
    return BB_E_UNSUPPORTED;
}

size_t bb_sframe_suite_tag_len(bb_sframe_suite suite)
{
    struct suite_info si;
    return suite_info(suite, &si) ? 0 : si.nt;
}

/* Prepared cipher state, so a message costs no key schedule. */
struct key_impl {
    int gcm;
    mbedtls_gcm_context g;
    mbedtls_aes_context aes;
    mbedtls_md_context_t hmac;
};

/* "SFrame 1.0 Secret key " / "... salt " + KID (8 bytes BE) + suite (2 BE). */
static size_t make_label(uint8_t *out, const char *what, uint64_t kid,
                         bb_sframe_suite suite)
{
    static const char base[] = "SFrame 1.0 Secret ";
    size_t n = sizeof(base) - 1, w = strlen(what);
    memcpy(out, base, n);
    memcpy(out + n, what, w);
    n += w;
    put_be(out + n, kid, 8);
    put_be(out + n + 8, (uint64_t)suite, 2);
    return n + 10;
}

static int impl_setup(bb_sframe_key *k, const struct suite_info *si)
{
    struct key_impl *im = calloc(1, sizeof(*im));
    if (!im)
        return BB_E_NOMEM;
    im->gcm = si->gcm;
    int r;
    if (si->gcm) {
        mbedtls_gcm_init(&im->g);
        r = mbedtls_gcm_setkey(&im->g, MBEDTLS_CIPHER_ID_AES, k->key,
                               (unsigned)(si->nk * 8));
    } else {
        mbedtls_aes_init(&im->aes);
        mbedtls_md_init(&im->hmac);
        r = mbedtls_aes_setkey_enc(&im->aes, k->key, (unsigned)(si->nka * 8));
        if (!r)
            r = mbedtls_md_setup(&im->hmac, mbedtls_md_info_from_type(MBEDTLS_MD_SHA256), 1);
        if (!r)
            r = mbedtls_md_hmac_starts(&im->hmac, k->key + si->nka, si->nk - si->nka);
    }
    k->impl = im;
    if (r) {
        bb_sframe_key_free(k);
        return r == MBEDTLS_ERR_MD_ALLOC_FAILED ? BB_E_NOMEM : BB_E_CRYPTO;
    }
    return BB_OK;
}

int bb_sframe_key_derive(bb_sframe_key *k, bb_sframe_suite suite, uint64_t kid,
                         const uint8_t *base_key, size_t base_len)
{
    struct suite_info si;
    if (!k || !base_key || base_len < 16 || base_len > 64)
        return BB_E_ARG;
    memset(k, 0, sizeof(*k));
    if (suite_info(suite, &si))
        return BB_E_UNSUPPORTED;
    const mbedtls_md_info_t *md = mbedtls_md_info_from_type(si.hash);
    uint8_t secret[MBEDTLS_MD_MAX_SIZE], label[64];
    int r = mbedtls_hkdf_extract(md, NULL, 0, base_key, base_len, secret);
    size_t ln = make_label(label, "key ", kid, suite);
    if (!r)
        r = mbedtls_hkdf_expand(md, secret, mbedtls_md_get_size(md), label, ln,
                                k->key, si.nk);
    ln = make_label(label, "salt ", kid, suite);
    if (!r)
        r = mbedtls_hkdf_expand(md, secret, mbedtls_md_get_size(md), label, ln,
                                k->salt, BB_SFRAME_NONCE_LEN);
    mbedtls_platform_zeroize(secret, sizeof(secret));
    if (r) {
        mbedtls_platform_zeroize(k, sizeof(*k));
        return BB_E_CRYPTO;
    }
    k->suite = suite;
    k->key_len = si.nk;
    k->tag_len = si.nt;
    return impl_setup(k, &si);
}

void bb_sframe_key_free(bb_sframe_key *k)
{
    if (!k)
        return;
    struct key_impl *im = k->impl;
    if (im) {
        if (im->gcm) {
            mbedtls_gcm_free(&im->g);
        } else {
            mbedtls_aes_free(&im->aes);
            mbedtls_md_free(&im->hmac);
        }
        mbedtls_platform_zeroize(im, sizeof(*im));
        free(im);
    }
    mbedtls_platform_zeroize(k, sizeof(*k));
}

/* nonce = salt XOR CTR, the counter right-aligned big-endian (4.4.3). */
static void make_nonce(const bb_sframe_key *k, uint64_t ctr, uint8_t nonce[12])
{
    memcpy(nonce, k->salt, 12);
    for (int i = 0; i < 8; i++)
        nonce[11 - i] ^= (uint8_t)(ctr >> (8 * i));
}

/* compute_tag of 4.5.1: HMAC over the lengths, nonce, AAD and ciphertext. */
static int ctr_tag(struct key_impl *im, size_t nt, const uint8_t nonce[12],
                   const uint8_t *aad, size_t aad_len, const uint8_t *ct,
                   size_t ct_len, uint8_t tag[32])
{
    uint8_t lens[24];
    put_be(lens, (uint64_t)aad_len, 8);
    put_be(lens + 8, (uint64_t)ct_len, 8);
    put_be(lens + 16, (uint64_t)nt, 8);
    mbedtls_md_context_t *h = &im->hmac;
    if (mbedtls_md_hmac_reset(h) || mbedtls_md_hmac_update(h, lens, 24) ||
        mbedtls_md_hmac_update(h, nonce, 12) ||
        (aad_len && mbedtls_md_hmac_update(h, aad, aad_len)) ||
        (ct_len && mbedtls_md_hmac_update(h, ct, ct_len)) ||
        mbedtls_md_hmac_finish(h, tag))
        return BB_E_CRYPTO;
    return BB_OK;
}

static int ctr_crypt(struct key_impl *im, const uint8_t nonce[12],
                     const uint8_t *in, size_t len, uint8_t *out)
{
    uint8_t counter[16] = {0}, stream[16];
    size_t off = 0;
    memcpy(counter, nonce, 12); /* nonce || 0x00000000 */
    int r = len ? mbedtls_aes_crypt_ctr(&im->aes, len, &off, counter, stream, in, out) : 0;
    mbedtls_platform_zeroize(stream, sizeof(stream));
    return r ? BB_E_CRYPTO : BB_OK;
}

int bb_sframe_key_import(bb_sframe_key *k, bb_sframe_suite suite,
                         const uint8_t *key, size_t key_len,
                         const uint8_t salt[BB_SFRAME_NONCE_LEN])
{
    struct suite_info si;
    if (!k || !key || !salt)
        return BB_E_ARG;
    memset(k, 0, sizeof(*k));
    if (suite_info(suite, &si))
        return BB_E_UNSUPPORTED;
    if (key_len != si.nk)
        return BB_E_ARG;
    memcpy(k->key, key, key_len);
    memcpy(k->salt, salt, BB_SFRAME_NONCE_LEN);
    k->suite = suite;
    k->key_len = si.nk;
    k->tag_len = si.nt;
    return impl_setup(k, &si);
}

int bb_sframe_aead_encrypt(const bb_sframe_key *k, const uint8_t nonce[12],
                           const uint8_t *aad, size_t aad_len,
                           const uint8_t *pt, size_t pt_len,
                           uint8_t *out, size_t cap, size_t *out_len)
{
    if (!k || !k->impl || !nonce || !out || !out_len || (!aad && aad_len) ||
        (!pt && pt_len))
        return BB_E_ARG;
    *out_len = 0;
    if (pt_len > SIZE_MAX - 64 || cap < pt_len + k->tag_len)
        return BB_E_BUFFER;
    struct key_impl *im = k->impl;
    if (im->gcm) {
        if (mbedtls_gcm_crypt_and_tag(&im->g, MBEDTLS_GCM_ENCRYPT, pt_len, nonce,
                                      12, aad, aad_len, pt, out, 16, out + pt_len))
            return BB_E_CRYPTO;
    } else {
        uint8_t tag[32];
        int rc = ctr_crypt(im, nonce, pt, pt_len, out);
        if (!rc)
            rc = ctr_tag(im, k->tag_len, nonce, aad, aad_len, out, pt_len, tag);
        if (rc)
            return rc;
        memcpy(out + pt_len, tag, k->tag_len);
    }
    *out_len = pt_len + k->tag_len;
    return BB_OK;
}

static int ct_equal(const uint8_t *a, const uint8_t *b, size_t n)
{
    uint8_t d = 0;
    for (size_t i = 0; i < n; i++)
        d |= (uint8_t)(a[i] ^ b[i]);
    return d == 0;
}

int bb_sframe_aead_decrypt(const bb_sframe_key *k, const uint8_t nonce[12],
                           const uint8_t *aad, size_t aad_len,
                           const uint8_t *ct, size_t ct_len,
                           uint8_t *out, size_t cap, size_t *out_len)
{
    if (!k || !k->impl || !nonce || !out_len || (!aad && aad_len) ||
        (!ct && ct_len) || (!out && cap))
        return BB_E_ARG;
    *out_len = 0;
    if (ct_len < k->tag_len)
        return BB_E_AUTH;
    size_t n = ct_len - k->tag_len;
    if (cap < n)
        return BB_E_BUFFER;
    const uint8_t *tag = ct + n;
    struct key_impl *im = k->impl;
    if (im->gcm) {
        int r = mbedtls_gcm_auth_decrypt(&im->g, n, nonce, 12, aad, aad_len, tag,
                                         16, ct, n ? out : NULL);
        if (r == MBEDTLS_ERR_GCM_AUTH_FAILED) {
            if (n)
                mbedtls_platform_zeroize(out, n); /* no unauthenticated plaintext */
            return BB_E_AUTH;
        }
        if (r)
            return BB_E_CRYPTO;
    } else {
        uint8_t want[32];
        int rc = ctr_tag(im, k->tag_len, nonce, aad, aad_len, ct, n, want);
        if (rc)
            return rc;
        /* Encrypt-then-MAC: check before decrypting anything. */
        if (!ct_equal(want, tag, k->tag_len))
            return BB_E_AUTH;
        rc = ctr_crypt(im, nonce, ct, n, out);
        if (rc)
            return rc;
    }
    *out_len = n;
    return BB_OK;
}

/* AAD = header || metadata, contiguous (GCM and the HMAC both want it so). */
struct aad_buf {
    uint8_t stack[BB_SFRAME_MAX_HEADER + 256];
    uint8_t *p;
};

static int aad_make(struct aad_buf *a, const uint8_t *hdr, size_t hl,
                    const uint8_t *meta, size_t ml)
{
    a->p = a->stack;
    if (hl + ml > sizeof(a->stack) && !(a->p = malloc(hl + ml)))
        return BB_E_NOMEM;
    memcpy(a->p, hdr, hl);
    if (ml)
        memcpy(a->p + hl, meta, ml);
    return BB_OK;
}

static void aad_free(struct aad_buf *a)
{
    if (a->p != a->stack)
        free(a->p);
}

int bb_sframe_key_seal(const bb_sframe_key *k, uint64_t kid, uint64_t ctr,
                       const uint8_t *metadata, size_t meta_len,
                       const uint8_t *pt, size_t pt_len,
                       uint8_t *out, size_t cap, size_t *out_len)
{
    if (!k || !out || !out_len || (!metadata && meta_len) || meta_len > MAX_PAYLOAD)
        return BB_E_ARG;
    *out_len = 0;
    size_t hl, n;
    int rc = bb_sframe_header_encode(kid, ctr, out, cap, &hl);
    if (rc)
        return rc;
    uint8_t nonce[12];
    make_nonce(k, ctr, nonce);
    struct aad_buf a;
    if ((rc = aad_make(&a, out, hl, metadata, meta_len)))
        return rc;
    rc = bb_sframe_aead_encrypt(k, nonce, a.p, hl + meta_len, pt, pt_len,
                                out + hl, cap - hl, &n);
    aad_free(&a);
    if (rc == BB_OK)
        *out_len = hl + n;
    return rc;
}

int bb_sframe_key_open(const bb_sframe_key *k, uint64_t ctr, size_t hdr_len,
                       const uint8_t *metadata, size_t meta_len,
                       const uint8_t *msg, size_t msg_len,
                       uint8_t *out, size_t cap, size_t *out_len)
{
    if (!k || !msg || !out_len || (!metadata && meta_len) || hdr_len > msg_len ||
        meta_len > MAX_PAYLOAD)
        return BB_E_ARG;
    *out_len = 0;
    uint8_t nonce[12];
    make_nonce(k, ctr, nonce);
    struct aad_buf a;
    int rc = aad_make(&a, msg, hdr_len, metadata, meta_len);
    if (rc)
        return rc;
    rc = bb_sframe_aead_decrypt(k, nonce, a.p, hdr_len + meta_len, msg + hdr_len,
                                msg_len - hdr_len, out, cap, out_len);
    aad_free(&a);
    return rc;
}

/* ---- context ---- */

struct slot {
    int used;
    uint64_t kid;
    bb_sframe_key key;
    /* Replay window: the highest counter accepted and a bitmap of the
     * BB_SFRAME_REPLAY_WINDOW counters below it (bit i = top - i). */
    int seen_any;
    uint64_t top;
    uint64_t bits[BB_SFRAME_REPLAY_WINDOW / 64];
    /* Next counter when this key sends. Only ever grows while the slot
     * lives, so a (key, nonce) pair is never used twice. */
    uint64_t send_ctr;
};

struct bb_sframe_ctx {
    bb_sframe_suite suite;
    struct slot slots[BB_SFRAME_MAX_KEYS];
    int sender; /* slot index, -1 if none */
    bb_sframe_stats stats;
};

int bb_sframe_ctx_new(bb_sframe_ctx **out, bb_sframe_suite suite)
{
    struct suite_info si;
    if (!out)
        return BB_E_ARG;
    *out = NULL;
    /* A 32-bit tag lets a forger through once in 2^32 tries: fine for the
     * RFC's vectors (bb_sframe_key_*), not for a call. */
    if (suite_info(suite, &si) || si.nt < 8)
        return BB_E_UNSUPPORTED;
    bb_sframe_ctx *c = calloc(1, sizeof(*c));
    if (!c)
        return BB_E_NOMEM;
    c->suite = suite;
    c->sender = -1;
    *out = c;
    return BB_OK;
}

void bb_sframe_ctx_free(bb_sframe_ctx *c)
{
    if (!c)
        return;
    for (int i = 0; i < BB_SFRAME_MAX_KEYS; i++)
        bb_sframe_key_free(&c->slots[i].key);
    mbedtls_platform_zeroize(c, sizeof(*c));
    free(c);
}

static int find_slot(const bb_sframe_ctx *c, uint64_t kid)
{
    for (int i = 0; i < BB_SFRAME_MAX_KEYS; i++)
        if (c->slots[i].used && c->slots[i].kid == kid)
            return i;
    return -1;
}

int bb_sframe_ctx_add_key(bb_sframe_ctx *c, uint64_t kid,
                          const uint8_t *base_key, size_t base_len)
{
    if (!c)
        return BB_E_ARG;
    int i = find_slot(c, kid);
    if (i < 0)
        for (i = 0; i < BB_SFRAME_MAX_KEYS && c->slots[i].used; i++)
            ;
    if (i == BB_SFRAME_MAX_KEYS)
        return BB_E_TOO_LARGE;
    bb_sframe_key k;
    int rc = bb_sframe_key_derive(&k, c->suite, kid, base_key, base_len);
    if (rc)
        return rc;
    struct slot *s = &c->slots[i];
    uint64_t ctr = s->used ? s->send_ctr : 0; /* a replaced key keeps counting */
    bb_sframe_key_free(&s->key);
    memset(s, 0, sizeof(*s));
    s->used = 1;
    s->kid = kid;
    s->key = k;
    s->send_ctr = ctr;
    return BB_OK;
}

int bb_sframe_ctx_remove_key(bb_sframe_ctx *c, uint64_t kid)
{
    if (!c)
        return BB_E_ARG;
    int i = find_slot(c, kid);
    if (i < 0)
        return BB_E_ARG;
    bb_sframe_key_free(&c->slots[i].key);
    memset(&c->slots[i], 0, sizeof(c->slots[i]));
    if (c->sender == i)
        c->sender = -1;
    return BB_OK;
}

int bb_sframe_ctx_set_sender(bb_sframe_ctx *c, uint64_t kid)
{
    if (!c)
        return BB_E_ARG;
    int i = find_slot(c, kid);
    if (i < 0)
        return BB_E_ARG;
    c->sender = i; /* its counter continues where it was */
    return BB_OK;
}

int bb_sframe_protect(bb_sframe_ctx *c, const uint8_t *metadata, size_t meta_len,
                      const uint8_t *pt, size_t pt_len,
                      uint8_t *out, size_t cap, size_t *out_len)
{
    if (!c || !out_len)
        return BB_E_ARG;
    *out_len = 0;
    if (c->sender < 0)
        return BB_E_STATE;
    if (pt_len > MAX_PAYLOAD)
        return BB_E_TOO_LARGE;
    struct slot *s = &c->slots[c->sender];
    if (s->send_ctr == UINT64_MAX)
        return BB_E_STATE; /* never reuse a nonce; a rekey must come first */
    int rc = bb_sframe_key_seal(&s->key, s->kid, s->send_ctr, metadata, meta_len,
                                pt, pt_len, out, cap, out_len);
    if (rc == BB_OK) {
        s->send_ctr++;
        c->stats.protected_msgs++;
    }
    return rc;
}

/* 1 if ctr may be accepted (not seen, not too old). */
static int replay_check(const struct slot *s, uint64_t ctr)
{
    if (!s->seen_any || ctr > s->top)
        return 1;
    uint64_t age = s->top - ctr;
    if (age >= BB_SFRAME_REPLAY_WINDOW)
        return 0;
    return !((s->bits[age / 64] >> (age % 64)) & 1);
}

static void window_shift(struct slot *s, uint64_t by)
{
    const int words = BB_SFRAME_REPLAY_WINDOW / 64;
    if (by >= BB_SFRAME_REPLAY_WINDOW) {
        memset(s->bits, 0, sizeof(s->bits));
        return;
    }
    int ws = (int)(by / 64), bs = (int)(by % 64);
    for (int i = words - 1; i >= 0; i--) {
        uint64_t v = 0;
        if (i - ws >= 0) {
            v = s->bits[i - ws] << bs;
            if (bs && i - ws - 1 >= 0)
                v |= s->bits[i - ws - 1] >> (64 - bs);
        }
        s->bits[i] = v;
    }
}

/* Records ctr as seen; only called after the tag verified, so forged
 * messages cannot move the window. */
static void replay_commit(struct slot *s, uint64_t ctr)
{
    if (!s->seen_any || ctr > s->top) {
        if (s->seen_any)
            window_shift(s, ctr - s->top);
        else
            memset(s->bits, 0, sizeof(s->bits));
        s->top = ctr;
        s->seen_any = 1;
    }
    uint64_t age = s->top - ctr;
    s->bits[age / 64] |= (uint64_t)1 << (age % 64);
}

static int reject(bb_sframe_ctx *c, bb_sframe_reject why, int rc)
{
    c->stats.rejected[why]++;
    return rc;
}

int bb_sframe_unprotect(bb_sframe_ctx *c, const uint8_t *metadata, size_t meta_len,
                        const uint8_t *msg, size_t msg_len,
                        uint8_t *out, size_t cap, size_t *out_len, uint64_t *kid)
{
    if (!c || !out_len || (!msg && msg_len) || (!metadata && meta_len))
        return BB_E_ARG;
    *out_len = 0;
    if (msg_len > MAX_PAYLOAD + BB_SFRAME_MAX_OVERHEAD)
        return reject(c, BB_SFRAME_REJECT_SIZE, BB_E_TOO_LARGE);
    uint64_t k, ctr;
    size_t hl;
    int rc = bb_sframe_header_parse(msg, msg_len, &k, &ctr, &hl);
    if (rc)
        return reject(c, BB_SFRAME_REJECT_HEADER, rc);
    int i = find_slot(c, k);
    if (i < 0)
        return reject(c, BB_SFRAME_REJECT_UNKNOWN_KID, BB_E_PROTO);
    struct slot *s = &c->slots[i];
    if (msg_len - hl < s->key.tag_len)
        return reject(c, BB_SFRAME_REJECT_SIZE, BB_E_PARSE);
    if (!replay_check(s, ctr))
        return reject(c, BB_SFRAME_REJECT_REPLAY, BB_E_PROTO);
    rc = bb_sframe_key_open(&s->key, ctr, hl, metadata, meta_len, msg, msg_len,
                            out, cap, out_len);
    if (rc == BB_E_AUTH)
        return reject(c, BB_SFRAME_REJECT_AUTH, rc);
    if (rc)
        return rc; /* caller's buffer or arguments: not the sender's fault */
    replay_commit(s, ctr);
    c->stats.accepted++;
    if (kid)
        *kid = k;
    return BB_OK;
}

const bb_sframe_stats *bb_sframe_ctx_stats(const bb_sframe_ctx *c)
{
    return c ? &c->stats : NULL;
}

const char *bb_sframe_reject_name(bb_sframe_reject r)
{
    static const char *names[BB_SFRAME_REJECT_COUNT] = {
        "header", "unknown_kid", "replay", "auth", "size"};
    return (unsigned)r < BB_SFRAME_REJECT_COUNT ? names[r] : "unknown";
}
