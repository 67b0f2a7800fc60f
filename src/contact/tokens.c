/*
 * Hashing and tokens for the contact service: PBKDF2 for officer passwords,
 * Janus's signed tokens, base64url, references. No randomness in here: the
 * caller passes random bytes in (tests are deterministic).
 */
#include <stdio.h>
#include <string.h>

#include "beeldbel/contact.h"
#include "beeldbel/error.h"
#include "mbedtls/base64.h"
#include "mbedtls/md.h"
#include "mbedtls/platform_util.h"
#include "mbedtls/sha1.h"

/* RFC 8018 section 5.2 on Mbed TLS's HMAC API (MBEDTLS_PKCS5_C is not in
 * the shared trimmed config, and PBKDF2 is a dozen lines on top of HMAC). */
int bb_pbkdf2_sha256(const uint8_t *pw, size_t pw_len, const uint8_t *salt, size_t salt_len,
                     uint32_t iterations, uint8_t *out, size_t out_len)
{
    if (!pw || !salt || !out || iterations == 0 || out_len == 0 || out_len > 1024)
        return BB_E_ARG;
    const mbedtls_md_info_t *info = mbedtls_md_info_from_type(MBEDTLS_MD_SHA256);
    mbedtls_md_context_t md;
    uint8_t u[32], t[32], ctr[4];
    int rc = BB_OK;
    mbedtls_md_init(&md);
    if (!info || mbedtls_md_setup(&md, info, 1) || mbedtls_md_hmac_starts(&md, pw, pw_len)) {
        rc = BB_E_CRYPTO;
        goto done;
    }
    for (uint32_t block = 1; out_len > 0; block++) {
        ctr[0] = (uint8_t)(block >> 24); ctr[1] = (uint8_t)(block >> 16);
        ctr[2] = (uint8_t)(block >> 8);  ctr[3] = (uint8_t)block;
        if (mbedtls_md_hmac_reset(&md) || mbedtls_md_hmac_update(&md, salt, salt_len) ||
            mbedtls_md_hmac_update(&md, ctr, 4) || mbedtls_md_hmac_finish(&md, u)) {
            rc = BB_E_CRYPTO;
            goto done;
        }
        memcpy(t, u, 32);
        for (uint32_t i = 1; i < iterations; i++) {
            if (mbedtls_md_hmac_reset(&md) || mbedtls_md_hmac_update(&md, u, 32) ||
                mbedtls_md_hmac_finish(&md, u)) {
                rc = BB_E_CRYPTO;
                goto done;
            }
            for (int k = 0; k < 32; k++)
                t[k] ^= u[k];
        }
        size_t n = out_len < 32 ? out_len : 32;
        memcpy(out, t, n);
        out += n;
        out_len -= n;
    }
done:
    mbedtls_md_free(&md);
    mbedtls_platform_zeroize(u, sizeof(u));
    mbedtls_platform_zeroize(t, sizeof(t));
    return rc;
}

/* HMAC-SHA1 (RFC 2104): Janus's token format fixes SHA-1. SHA-1 is not in
 * the shared config, so the service links Mbed TLS's sha1.c on its own
 * (Makefile, contact section) and builds HMAC here. */
static int hmac_sha1(const uint8_t *key, size_t key_len, const uint8_t *msg, size_t msg_len,
                     uint8_t mac[20])
{
    uint8_t k[64] = {0}, pad[64], inner[20];
    mbedtls_sha1_context c;
    int rc = 0;
    if (key_len > 64) {
        if (mbedtls_sha1_ret(key, key_len, k))
            return BB_E_CRYPTO;
    } else {
        memcpy(k, key, key_len);
    }
    mbedtls_sha1_init(&c);
    for (int i = 0; i < 64; i++)
        pad[i] = k[i] ^ 0x36;
    rc |= mbedtls_sha1_starts_ret(&c) | mbedtls_sha1_update_ret(&c, pad, 64) |
          mbedtls_sha1_update_ret(&c, msg, msg_len) | mbedtls_sha1_finish_ret(&c, inner);
    for (int i = 0; i < 64; i++)
        pad[i] = k[i] ^ 0x5c;
    rc |= mbedtls_sha1_starts_ret(&c) | mbedtls_sha1_update_ret(&c, pad, 64) |
          mbedtls_sha1_update_ret(&c, inner, 20) | mbedtls_sha1_finish_ret(&c, mac);
    mbedtls_sha1_free(&c);
    mbedtls_platform_zeroize(k, sizeof(k));
    mbedtls_platform_zeroize(pad, sizeof(pad));
    return rc ? BB_E_CRYPTO : BB_OK;
}

int bb_janus_token(const char *secret, int64_t expiry_unix, const char *scope, char *out,
                   size_t out_size)
{
    char data[BB_JANUS_TOKEN_MAX - 32];
    uint8_t mac[20];
    size_t b64len;
    if (!secret || !*secret || !out || out_size < BB_JANUS_TOKEN_MAX || expiry_unix <= 0)
        return BB_E_ARG;
    /* The scope is one more descriptor: Janus reads the list as plugin
     * names, so it must hold none of the format's separators. */
    if (scope && (!*scope || strlen(scope) > 64 || strpbrk(scope, ",: ")))
        return BB_E_ARG;
    int n = snprintf(data, sizeof(data), "%lld,janus,janus.plugin.videoroom%s%s",
                     (long long)expiry_unix, scope ? "," : "", scope ? scope : "");
    if (n <= 0 || (size_t)n >= sizeof(data))
        return BB_E_ARG;
    if (hmac_sha1((const uint8_t *)secret, strlen(secret), (const uint8_t *)data, (size_t)n, mac))
        return BB_E_CRYPTO;
    memcpy(out, data, (size_t)n);
    out[n] = ':';
    if (mbedtls_base64_encode((unsigned char *)out + n + 1, out_size - (size_t)n - 1, &b64len, mac, 20))
        return BB_E_BUFFER;
    return BB_OK;
}

int bb_janus_call_token_check(const char *secret, const char *token, int64_t now, int64_t *room,
                              char participant[40])
{
    static const char MIDDLE[] = ",janus,janus.plugin.videoroom,bb-call-";
    *room = 0;
    participant[0] = 0;
    if (!secret || !*secret || !token)
        return BB_E_ARG;
    size_t len = strnlen(token, BB_JANUS_TOKEN_MAX);
    if (len == 0 || len >= BB_JANUS_TOKEN_MAX)
        return BB_E_PARSE;
    /* <expiry>: 1 to 12 digits */
    const char *p = token;
    int64_t expiry = 0;
    int digits = 0;
    while (*p >= '0' && *p <= '9' && digits < 12) {
        expiry = expiry * 10 + (*p++ - '0');
        digits++;
    }
    if (!digits || expiry <= 0 || strncmp(p, MIDDLE, sizeof(MIDDLE) - 1))
        return BB_E_PARSE;
    p += sizeof(MIDDLE) - 1;
    /* <room>-<participant>: */
    int64_t r = 0;
    digits = 0;
    while (*p >= '0' && *p <= '9' && digits < 15) {
        r = r * 10 + (*p++ - '0');
        digits++;
    }
    if (!digits || r <= 0 || *p++ != '-')
        return BB_E_PARSE;
    size_t n = 0;
    while (n < 39 && ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '-'))
        participant[n++] = *p++;
    participant[n] = 0;
    if (!n || *p != ':') {
        participant[0] = 0;
        return BB_E_PARSE;
    }
    /* Made again from its parts, it must be the same, byte for byte. */
    char scope[72], again[BB_JANUS_TOKEN_MAX];
    snprintf(scope, sizeof(scope), "bb-call-%lld-%s", (long long)r, participant);
    int rc = bb_janus_token(secret, expiry, scope, again, sizeof(again));
    unsigned diff = rc != BB_OK || strlen(again) != len;
    for (size_t i = 0; !diff && i < len; i++)
        diff |= (unsigned)(again[i] ^ token[i]);
    if (diff || expiry <= now) {
        participant[0] = 0;
        return rc == BB_E_ARG ? BB_E_PARSE : BB_E_AUTH;
    }
    *room = r;
    return BB_OK;
}

int bb_totp(const uint8_t *key, size_t key_len, uint64_t step, char out[BB_TOTP_DIGITS + 1])
{
    uint8_t msg[8], mac[20];
    if (!key || !key_len || !out)
        return BB_E_ARG;
    for (int i = 0; i < 8; i++)
        msg[i] = (uint8_t)(step >> (56 - 8 * i));
    if (hmac_sha1(key, key_len, msg, sizeof(msg), mac))
        return BB_E_CRYPTO;
    /* RFC 4226 5.3: dynamic truncation. */
    int off = mac[19] & 0x0f;
    uint32_t bin = ((uint32_t)(mac[off] & 0x7f) << 24) | ((uint32_t)mac[off + 1] << 16) |
                   ((uint32_t)mac[off + 2] << 8) | mac[off + 3];
    snprintf(out, BB_TOTP_DIGITS + 1, "%06u", bin % 1000000u);
    return BB_OK;
}

int64_t bb_totp_check(const uint8_t *key, size_t key_len, const char *code, int64_t now, int64_t last_step)
{
    if (!code || strlen(code) != BB_TOTP_DIGITS || strspn(code, "0123456789") != BB_TOTP_DIGITS || now < 0)
        return -1;
    int64_t step = now / BB_TOTP_PERIOD, found = -1;
    /* Every candidate is computed and compared, whichever matches. */
    for (int64_t s = step - 1; s <= step + 1; s++) {
        char want[BB_TOTP_DIGITS + 1];
        if (s <= last_step || s < 0 || bb_totp(key, key_len, (uint64_t)s, want) != BB_OK)
            continue;
        if (bb_ct_streq(want, code) && found < 0)
            found = s;
    }
    return found;
}

void bb_base32(const uint8_t *in, size_t len, char *out)
{
    static const char a[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    size_t o = 0;
    uint32_t buf = 0;
    int bits = 0;
    for (size_t i = 0; i < len; i++) {
        buf = buf << 8 | in[i];
        bits += 8;
        while (bits >= 5) {
            out[o++] = a[(buf >> (bits - 5)) & 31];
            bits -= 5;
        }
    }
    if (bits > 0)
        out[o++] = a[(buf << (5 - bits)) & 31];
    out[o] = 0;
}

int bb_totp_uri(const uint8_t key[BB_TOTP_KEY_BYTES], const char *user, char *out, size_t out_size)
{
    char b32[40], label[200];
    size_t o = 0;
    if (!key || !user || !out)
        return BB_E_ARG;
    for (const unsigned char *p = (const unsigned char *)user; *p; p++) {
        if (o + 4 > sizeof(label))
            return BB_E_BUFFER;
        if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
            *p == '-' || *p == '.' || *p == '_' || *p == '~')
            label[o++] = (char)*p;
        else
            o += (size_t)snprintf(label + o, 4, "%%%02X", *p);
    }
    label[o] = 0;
    bb_base32(key, BB_TOTP_KEY_BYTES, b32);
    int n = snprintf(out, out_size,
                     "otpauth://totp/Beeldbel:%s?secret=%s&issuer=Beeldbel&algorithm=SHA1&digits=%d&period=%d",
                     label, b32, BB_TOTP_DIGITS, BB_TOTP_PERIOD);
    mbedtls_platform_zeroize(b32, sizeof(b32));
    return n > 0 && (size_t)n < out_size ? BB_OK : BB_E_BUFFER;
}

void bb_b64url(const uint8_t *in, size_t len, char *out)
{
    static const char a[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    size_t o = 0;
    for (size_t i = 0; i < len; i += 3) {
        uint32_t v = (uint32_t)in[i] << 16;
        if (i + 1 < len) v |= (uint32_t)in[i + 1] << 8;
        if (i + 2 < len) v |= in[i + 2];
        out[o++] = a[(v >> 18) & 63];
        out[o++] = a[(v >> 12) & 63];
        if (i + 1 < len) out[o++] = a[(v >> 6) & 63];
        if (i + 2 < len) out[o++] = a[v & 63];
    }
    out[o] = 0;
}

void bb_reference_from_bytes(const uint8_t rnd[5], char out[13])
{
    static const char a[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    uint64_t v = 0;
    for (int i = 0; i < 5; i++)
        v = (v << 8) | rnd[i];
    memcpy(out, "BB-", 3);
    for (int i = 0; i < 8; i++)
        out[3 + i + (i >= 4)] = a[(v >> (35 - 5 * i)) & 31];
    out[7] = '-';
    out[12] = 0;
}

int bb_ct_streq(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    unsigned diff = (unsigned)(la ^ lb);
    for (size_t i = 0; i < la && i < lb; i++)
        diff |= (unsigned char)(a[i] ^ b[i]);
    return diff == 0;
}
