/*
 * DER writer and reader for the document module (der.h).
 */
#include "der.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../crypto/civil_time.h"
#include "beeldbel/error.h"

void der_init(der_w *w)
{
    memset(w, 0, sizeof(*w));
}

void der_free(der_w *w)
{
    free(w->p);
    memset(w, 0, sizeof(*w));
}

static int reserve(der_w *w, size_t n)
{
    if (w->err)
        return 0;
    if (n > ((size_t)1 << 24) || w->len + n > ((size_t)1 << 24)) {
        w->err = BB_E_TOO_LARGE;
        return 0;
    }
    if (w->len + n <= w->cap)
        return 1;
    size_t cap = w->cap ? w->cap : 256;
    while (cap < w->len + n)
        cap *= 2;
    uint8_t *p = realloc(w->p, cap);
    if (!p) {
        w->err = BB_E_NOMEM;
        return 0;
    }
    w->p = p;
    w->cap = cap;
    return 1;
}

void der_raw(der_w *w, const void *d, size_t n)
{
    if (!reserve(w, n))
        return;
    if (n)
        memcpy(w->p + w->len, d, n);
    w->len += n;
}

static size_t len_bytes(size_t n, uint8_t out[5])
{
    if (n < 0x80) {
        out[0] = (uint8_t)n;
        return 1;
    }
    size_t k = 0;
    for (size_t v = n; v; v >>= 8)
        k++;
    out[0] = (uint8_t)(0x80 | k);
    for (size_t i = 0; i < k; i++)
        out[1 + i] = (uint8_t)(n >> (8 * (k - 1 - i)));
    return 1 + k;
}

void der_prim(der_w *w, uint8_t tag, const void *d, size_t n)
{
    uint8_t l[5];
    size_t ln = len_bytes(n, l);
    der_raw(w, &tag, 1);
    der_raw(w, l, ln);
    der_raw(w, d, n);
}

void der_open(der_w *w, uint8_t tag)
{
    if (w->depth == DER_DEPTH) {
        w->err = w->err ? w->err : BB_E_ARG;
        return;
    }
    der_raw(w, &tag, 1);
    w->open[w->depth++] = w->len;
}

void der_close(der_w *w)
{
    if (!w->depth) {
        w->err = w->err ? w->err : BB_E_ARG;
        return;
    }
    size_t at = w->open[--w->depth];
    if (w->err)
        return;
    size_t n = w->len - at;
    uint8_t l[5];
    size_t ln = len_bytes(n, l);
    if (!reserve(w, ln))
        return;
    memmove(w->p + at + ln, w->p + at, n);
    memcpy(w->p + at, l, ln);
    w->len += ln;
}

void der_oid(der_w *w, const uint8_t *oid, size_t n)
{
    der_prim(w, 0x06, oid, n);
}

void der_uint(der_w *w, const uint8_t *mag, size_t n)
{
    while (n > 1 && mag[0] == 0)
        mag++, n--;
    uint8_t tag = 0x02;
    uint8_t l[5];
    int pad = n == 0 || (mag[0] & 0x80);
    size_t ln = len_bytes(n + (size_t)pad, l);
    der_raw(w, &tag, 1);
    der_raw(w, l, ln);
    if (pad) {
        uint8_t z = 0;
        der_raw(w, &z, 1);
    }
    der_raw(w, mag, n);
}

void der_small(der_w *w, unsigned v)
{
    uint8_t b[4] = { (uint8_t)(v >> 24), (uint8_t)(v >> 16), (uint8_t)(v >> 8), (uint8_t)v };
    der_uint(w, b, 4);
}

void der_time(der_w *w, int64_t unix_s)
{
    int y, mo, d, h, mi, s;
    bb_civil_from_unix(unix_s, &y, &mo, &d, &h, &mi, &s);
    if (y < 1 || y > 9999) {
        w->err = w->err ? w->err : BB_E_ARG;
        return;
    }
    char t[16];
    snprintf(t, sizeof(t), "%04d%02d%02d%02d%02d%02dZ", y, mo, d, h, mi, s);
    der_prim(w, 0x18, t, 15);
}

void der_alg(der_w *w, const uint8_t *oid, size_t n)
{
    der_open(w, 0x30);
    der_oid(w, oid, n);
    der_close(w);
}

int der_next(der_r *r, der_tlv *t)
{
    const uint8_t *p = r->p;
    size_t avail = (size_t)(r->end - p);
    if (avail < 2 || (p[0] & 0x1f) == 0x1f)
        return -1;
    size_t len, hdr;
    if (p[1] < 0x80) {
        len = p[1];
        hdr = 2;
    } else {
        size_t k = p[1] & 0x7f;
        if (k == 0 || k > 3 || avail < 2 + k || p[2] == 0)
            return -1; /* indefinite, too long, or not minimal */
        len = 0;
        for (size_t i = 0; i < k; i++)
            len = len << 8 | p[2 + i];
        if (len < 0x80)
            return -1;
        hdr = 2 + k;
    }
    if (len > avail - hdr)
        return -1;
    t->tag = p[0];
    t->v = p + hdr;
    t->len = len;
    t->whole = p;
    t->whole_len = hdr + len;
    r->p = p + hdr + len;
    return 0;
}

int der_next_is(der_r *r, uint8_t tag, der_tlv *t)
{
    der_r save = *r;
    if (der_next(r, t) || t->tag != tag) {
        *r = save;
        return -1;
    }
    return 0;
}

int der_more(const der_r *r)
{
    return r->p < r->end;
}

der_r der_in(const der_tlv *t)
{
    der_r r = { t->v, t->v + t->len };
    return r;
}

int der_is_oid(const der_tlv *t, const uint8_t *oid, size_t n)
{
    return t->tag == 0x06 && t->len == n && memcmp(t->v, oid, n) == 0;
}

static int digits(const uint8_t *p, int n)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (p[i] < '0' || p[i] > '9')
            return -1;
        v = v * 10 + (p[i] - '0');
    }
    return v;
}

int der_read_time(const der_tlv *t, int64_t *unix_s)
{
    if (t->tag != 0x18 || t->len < 15 || t->v[t->len - 1] != 'Z')
        return -1;
    if (t->len > 15) { /* fraction: ".d+" */
        if (t->v[14] != '.' || t->len < 17)
            return -1;
        for (size_t i = 15; i + 1 < t->len; i++)
            if (t->v[i] < '0' || t->v[i] > '9')
                return -1;
    }
    int y = digits(t->v, 4), mo = digits(t->v + 4, 2), d = digits(t->v + 6, 2);
    int h = digits(t->v + 8, 2), mi = digits(t->v + 10, 2), s = digits(t->v + 12, 2);
    if (y < 0 || mo < 1 || mo > 12 || d < 1 || d > 31 || h < 0 || h > 23 || mi < 0 ||
        mi > 59 || s < 0 || s > 60)
        return -1;
    *unix_s = bb_unix_from_civil(y, mo, d, h, mi, s);
    return 0;
}
