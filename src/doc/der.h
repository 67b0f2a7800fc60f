/*
 * DER, written front to back: a growing buffer where a constructed value is
 * opened, filled and closed (its length is put in when it closes), and a
 * strict reader over untrusted bytes. Private to the document module.
 */
#ifndef BB_DOC_DER_H
#define BB_DOC_DER_H

#include <stddef.h>
#include <stdint.h>

#define DER_DEPTH 12

typedef struct der_w {
    uint8_t *p;
    size_t len, cap;
    size_t open[DER_DEPTH]; /* where each open value's content starts */
    int depth;
    int err;                /* a BB_E_* code once anything failed; sticky */
} der_w;

void der_init(der_w *w);
void der_free(der_w *w);
/* Appends raw bytes (an already encoded value). */
void der_raw(der_w *w, const void *d, size_t n);
/* A whole primitive value: tag, length, content. */
void der_prim(der_w *w, uint8_t tag, const void *d, size_t n);
/* Opens a constructed value (SEQUENCE 0x30, SET 0x31, [n] 0xa0 | n, OCTET
 * STRING 0x04 around an encoding, ...); der_close() puts its length in. */
void der_open(der_w *w, uint8_t tag);
void der_close(der_w *w);
/* An OID from its content octets; a non-negative INTEGER from big-endian
 * magnitude bytes (leading zeros dropped, a 0x00 added where needed); a
 * GeneralizedTime "YYYYMMDDHHMMSSZ" from Unix seconds. */
void der_oid(der_w *w, const uint8_t *oid, size_t n);
void der_uint(der_w *w, const uint8_t *mag, size_t n);
void der_small(der_w *w, unsigned v);
void der_time(der_w *w, int64_t unix_s);
/* AlgorithmIdentifier { oid } without parameters (SHA-256, ECDSA). */
void der_alg(der_w *w, const uint8_t *oid, size_t n);

/* Reading: one TLV at a time within [p, end). */
typedef struct der_r {
    const uint8_t *p, *end;
} der_r;

typedef struct der_tlv {
    uint8_t tag;
    const uint8_t *v;     /* content */
    size_t len;
    const uint8_t *whole; /* the TLV itself, tag to end of content */
    size_t whole_len;
} der_tlv;

/* The next TLV (single-byte tags, definite minimal lengths only; 0 = ok,
 * -1 = malformed). der_next_is takes it only if its tag is tag (else -1,
 * nothing consumed). */
int der_next(der_r *r, der_tlv *t);
int der_next_is(der_r *r, uint8_t tag, der_tlv *t);
/* Whether r holds more bytes. */
int der_more(const der_r *r);
/* A reader over a TLV's content. */
der_r der_in(const der_tlv *t);
/* 1 when t is an OID equal to oid. */
int der_is_oid(const der_tlv *t, const uint8_t *oid, size_t n);
/* A GeneralizedTime "YYYYMMDDHHMMSS[.f]Z" as Unix seconds (0 ok, -1 not). */
int der_read_time(const der_tlv *t, int64_t *unix_s);

#endif /* BB_DOC_DER_H */
