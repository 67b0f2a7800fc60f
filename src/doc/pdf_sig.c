/*
 * The signature slot of a PDF (pdf.h): found from the file's last
 * /ByteRange, which must cover the whole file but the /Contents hex string,
 * '<' and '>' included. These functions read untrusted bytes: every offset
 * is checked against the length, every number for overflow.
 */
#include <stdint.h>
#include <string.h>

#include "mbedtls/sha256.h"

#include "beeldbel/error.h"
#include "beeldbel/pdf.h"

#define KEY "/ByteRange ["
#define KEY_LEN (sizeof(KEY) - 1)

/* A hex digit's value, or -1. */
static int hex_value(uint8_t c)
{
    return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10
                                          : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

static int is_hex(uint8_t c) { return hex_value(c) >= 0; }

static int is_space(uint8_t c)
{
    return c == ' ' || c == '\n' || c == '\r' || c == '\t';
}

/* The slot lies inside the file and is a hex string: '<', an even number of
 * hex digits, '>'. */
static int slot_is_hex(const uint8_t *pdf, size_t len, const bb_pdf_sig_slot *s)
{
    size_t at = s->contents_at, n = s->contents_len;
    if (at > len || n > len - at || n < 2 || n % 2)
        return 0;
    if (pdf[at] != '<' || pdf[at + n - 1] != '>')
        return 0;
    for (size_t i = at + 1; i < at + n - 1; i++)
        if (!is_hex(pdf[i]))
            return 0;
    return 1;
}

/* The offset just after the last "/ByteRange [" in the file, or 0. */
static size_t last_byte_range(const uint8_t *pdf, size_t len)
{
    if (len < KEY_LEN)
        return 0;
    for (size_t i = len - KEY_LEN + 1; i-- > 0;)
        if (pdf[i] == '/' && memcmp(pdf + i, KEY, KEY_LEN) == 0)
            return i + KEY_LEN;
    return 0;
}

/* A decimal number at pdf[*at] that fits a size_t; BB_OK and *at past
 * it, or BB_E_PARSE. */
static int read_number(const uint8_t *pdf, size_t len, size_t *at, size_t *v)
{
    size_t i = *at;
    *v = 0;
    for (; i < len && pdf[i] >= '0' && pdf[i] <= '9'; i++) {
        size_t d = (size_t)(pdf[i] - '0');
        if (*v > (SIZE_MAX - d) / 10)
            return BB_E_PARSE;
        *v = *v * 10 + d;
    }
    if (i == *at)
        return BB_E_PARSE;
    *at = i;
    return BB_OK;
}

/* The four numbers of the last /ByteRange: "[" 4 numbers "]", whitespace
 * between, nothing else. */
static int read_byte_range(const uint8_t *pdf, size_t len, size_t v[4])
{
    size_t i = last_byte_range(pdf, len);
    if (!i)
        return BB_E_PARSE;
    for (int k = 0; k < 4; k++) {
        size_t from = i;
        while (i < len && is_space(pdf[i]))
            i++;
        if (k > 0 && i == from)
            return BB_E_PARSE;  /* numbers need a space between them */
        if (read_number(pdf, len, &i, &v[k]))
            return BB_E_PARSE;
    }
    while (i < len && is_space(pdf[i]))
        i++;
    return i < len && pdf[i] == ']' ? BB_OK : BB_E_PARSE;
}

/* The slot is a hex string and the file's /ByteRange is exactly
 * [0 at at+n len-(at+n)]. */
static int check_slot(const uint8_t *pdf, size_t len, const bb_pdf_sig_slot *s)
{
    size_t v[4];
    if (!slot_is_hex(pdf, len, s) || read_byte_range(pdf, len, v))
        return BB_E_PARSE;
    size_t end = s->contents_at + s->contents_len;
    if (v[0] != 0 || v[1] != s->contents_at || v[2] != end || v[3] != len - end)
        return BB_E_PARSE;
    return BB_OK;
}

int bb_pdf_find_signature(const uint8_t *pdf, size_t len, bb_pdf_sig_slot *sig)
{
    size_t v[4];
    if (!pdf || !sig)
        return BB_E_ARG;
    if (read_byte_range(pdf, len, v))
        return BB_E_PARSE;
    if (v[0] != 0 || v[1] >= v[2] || v[2] > len || v[3] != len - v[2])
        return BB_E_PARSE;
    bb_pdf_sig_slot s = { v[1], v[2] - v[1] };
    if (!slot_is_hex(pdf, len, &s))
        return BB_E_PARSE;
    *sig = s;
    return BB_OK;
}

int bb_pdf_signed_digest(const uint8_t *pdf, size_t len, const bb_pdf_sig_slot *sig,
                         uint8_t digest[32])
{
    if (!pdf || !sig || !digest)
        return BB_E_ARG;
    if (check_slot(pdf, len, sig))
        return BB_E_PARSE;
    size_t end = sig->contents_at + sig->contents_len;
    mbedtls_sha256_context c;
    mbedtls_sha256_init(&c);
    int rc = mbedtls_sha256_starts_ret(&c, 0) ||
             mbedtls_sha256_update_ret(&c, pdf, sig->contents_at) ||
             mbedtls_sha256_update_ret(&c, pdf + end, len - end) ||
             mbedtls_sha256_finish_ret(&c, digest);
    mbedtls_sha256_free(&c);
    return rc ? BB_E_CRYPTO : BB_OK;
}

int bb_pdf_put_signature(uint8_t *pdf, size_t len, const bb_pdf_sig_slot *sig,
                         const uint8_t *der, size_t der_len)
{
    static const char hex[] = "0123456789abcdef";
    if (!pdf || !sig || (!der && der_len))
        return BB_E_ARG;
    if (check_slot(pdf, len, sig))
        return BB_E_PARSE;
    size_t room = (sig->contents_len - 2) / 2;
    if (der_len > room)
        return BB_E_TOO_LARGE;
    uint8_t *h = pdf + sig->contents_at + 1;
    for (size_t i = 0; i < room; i++) {
        uint8_t b = i < der_len ? der[i] : 0;
        h[2 * i] = (uint8_t)hex[b >> 4];
        h[2 * i + 1] = (uint8_t)hex[b & 15];
    }
    return BB_OK;
}

/* Byte i of a hex string already checked (slot_is_hex). */
static uint8_t hex_byte(const uint8_t *hex, size_t i)
{
    return (uint8_t)(hex_value(hex[2 * i]) << 4 | hex_value(hex[2 * i + 1]));
}

int bb_pdf_get_signature(const uint8_t *pdf, size_t len, const bb_pdf_sig_slot *sig, uint8_t *der,
                         size_t cap, size_t *der_len)
{
    if (!pdf || !sig || !der || !der_len)
        return BB_E_ARG;
    *der_len = 0;
    if (sig->contents_len < 6 || !slot_is_hex(pdf, len, sig))
        return BB_E_PARSE;
    const uint8_t *hex = pdf + sig->contents_at + 1;
    size_t bytes = (sig->contents_len - 2) / 2;
    /* The outer value's length: a SEQUENCE, then a definite length of at most 4 bytes. */
    if (hex_byte(hex, 0) != 0x30)
        return BB_E_PARSE;
    uint8_t l = hex_byte(hex, 1);
    size_t total;
    if (l < 0x80) {
        total = 2 + (size_t)l;
    } else {
        size_t k = l & 0x7f;
        if (k == 0 || k > 4 || bytes < 2 + k)
            return BB_E_PARSE;
        size_t n = 0;
        for (size_t i = 0; i < k; i++)
            n = n << 8 | hex_byte(hex, 2 + i);
        total = 2 + k + n;
    }
    if (total > bytes)
        return BB_E_PARSE;
    if (total > cap) {
        *der_len = total;
        return BB_E_BUFFER;
    }
    for (size_t i = 0; i < total; i++)
        der[i] = hex_byte(hex, i);
    *der_len = total;
    return BB_OK;
}
