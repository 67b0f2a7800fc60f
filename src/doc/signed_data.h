/*
 * The CMS SignedData (RFC 5652) that both the PAdES signature and the
 * time-stamp token are: written, read strictly and verified. Private to
 * the document module.
 */
#ifndef BB_DOC_SIGNED_DATA_H
#define BB_DOC_SIGNED_DATA_H

#include <stddef.h>
#include <stdint.h>

#include "beeldbel/identity.h"
#include "der.h"

#define OID_DATA "\x2a\x86\x48\x86\xf7\x0d\x01\x07\x01"
#define OID_TSTINFO "\x2a\x86\x48\x86\xf7\x0d\x01\x09\x10\x01\x04"
#define OID_SHA256 "\x60\x86\x48\x01\x65\x03\x04\x02\x01"
#define OIDLEN(o) (sizeof(o) - 1)

typedef struct sd_in {
    const uint8_t *type;             /* eContentType OID (content octets) */
    size_t type_len;
    const uint8_t *content;          /* eContent; NULL: detached */
    size_t content_len;
    const uint8_t *digest;           /* 32: the messageDigest attribute */
    const uint8_t *key;              /* signer's private key, PEM+NUL or DER */
    size_t key_len;
    const uint8_t *cert;             /* signer's certificate, DER */
    size_t cert_len;
    const uint8_t *extra_oid;        /* one more signed attribute, or NULL */
    size_t extra_oid_len;
    const uint8_t *extra;            /* its value: one DER element */
    size_t extra_len;
    const uint8_t *tst;              /* unsigned signatureTimeStampToken, or NULL */
    size_t tst_len;
} sd_in;

/* Writes the ContentInfo into w; sig_hash (may be NULL) gets SHA-256 of the
 * signature value. */
int sd_write(const sd_in *in, der_w *w, uint8_t sig_hash[32]);

typedef struct sd_parsed {
    der_tlv type;                    /* eContentType OID */
    const uint8_t *content;          /* eContent's octets, or NULL */
    size_t content_len;
    const uint8_t *cert;             /* the one certificate, DER */
    size_t cert_len;
    der_tlv sid_issuer, sid_serial;
    der_tlv signed_attrs;            /* the [0] IMPLICIT SET, whole */
    const uint8_t *message_digest;   /* 32 */
    const uint8_t *ess_hash;         /* 32: signingCertificateV2's certHash */
    const uint8_t *extra;            /* the extra signed attribute's value, or NULL */
    size_t extra_len;
    der_tlv sig;                     /* the signature value (OCTET STRING content) */
    const uint8_t *tst;              /* the unsigned timestamp token, or NULL */
    size_t tst_len;
} sd_parsed;

/* Reads a ContentInfo holding exactly the SignedData sd_write makes
 * (untrusted). extra_oid: the one extra signed attribute allowed (NULL:
 * none). BB_OK or BB_E_PARSE. */
int sd_parse(const uint8_t *p, size_t len, const uint8_t *extra_oid, size_t extra_oid_len,
             sd_parsed *out);

/* The signature over the signed attributes made with the one certificate's
 * key, the certificate the one signingCertificateV2 names and the sid
 * names. BB_OK, BB_E_AUTH or BB_E_PARSE. */
int sd_verify(const sd_parsed *sd);

/* A TimeStampToken (untrusted) over hash: its signature, its TSTInfo (the
 * police policy, the imprint, and nonce unless NULL), and its certificate
 * (a time-stamping one of trust's root at genTime). BB_OK and *gen_time. */
int tst_check(const uint8_t *tok, size_t tok_len, const uint8_t hash[32], const uint8_t *nonce,
              bb_trust *trust, int64_t *gen_time);

/* SHA-256 */
void sd_sha256(const uint8_t *d, size_t n, uint8_t out[32]);

#endif /* BB_DOC_SIGNED_DATA_H */
