/*
 * beeldbel — the police certificate authority (demo): makes the root CA,
 * issues short-lived officer certificates and writes revocation lists.
 * Used by the command-line tool src/tools/beeldbel-ca.c and by the tests;
 * the widget only verifies (identity.h), so none of this is linked into it.
 *
 * Keys are ECDSA P-256, signatures ECDSA-SHA256. All output is PEM text,
 * NUL-terminated. Times are Unix seconds (UTC); randomness is injected.
 */
#ifndef BEELDBEL_CA_H
#define BEELDBEL_CA_H

#include <stddef.h>
#include <stdint.h>

#include "beeldbel/crypto.h"

#ifdef __cplusplus
extern "C" {
#endif

#define BB_CA_PEM_MAX 4096

/* What goes into an officer certificate's subject (UTF-8, max 64 bytes each;
 * ',', '=', '+', '"', '\\' and control characters are refused). */
typedef struct bb_officer_subject {
    const char *name;          /* CN, e.g. "Jan de Vries" */
    const char *team;          /* OU, e.g. "Basisteam Groningen-Noord" */
    const char *neighbourhood; /* L,  e.g. "Groningen-Noord" */
    const char *officer_id;    /* serialNumber (2.5.4.5): the police's own number for the
                                * officer, unique and the same in each of their
                                * certificates; BB_OFFICER_ID_CHARS, 1..BB_OFFICER_ID_MAX */
} bb_officer_subject;

/* A new P-256 key pair as PEM (private key). */
int bb_ca_make_key(char *key_pem, size_t cap, bb_rng_fn rng, void *rng_ctx);

/* A self-signed root CA certificate for key_pem, named cn. */
int bb_ca_make_root(const char *key_pem, const char *cn, uint64_t serial,
                    int64_t not_before, int64_t not_after,
                    char *cert_pem, size_t cap, bb_rng_fn rng, void *rng_ctx);

/* An officer certificate for officer_key_pem's public key, signed by the CA. */
int bb_ca_issue_officer(const char *ca_key_pem, const char *ca_cert_pem,
                        const char *officer_key_pem, const bb_officer_subject *s,
                        uint64_t serial, int64_t not_before, int64_t not_after,
                        char *cert_pem, size_t cap, bb_rng_fn rng, void *rng_ctx);

/* The police time-stamping service's certificate (cms.h) for tsa_key_pem's
 * public key, named cn, signed by the CA: key usage digitalSignature and
 * nonRepudiation, extended key usage id-kp-timeStamping only, critical. */
int bb_ca_issue_tsa(const char *ca_key_pem, const char *ca_cert_pem, const char *tsa_key_pem,
                    const char *cn, uint64_t serial, int64_t not_before, int64_t not_after,
                    char *cert_pem, size_t cap, bb_rng_fn rng, void *rng_ctx);

/* A CRL (v2) signed by the CA listing the given serials as revoked, with
 * its CRL number (each list's higher than the last's). next_update or
 * number 0 leaves the field out: such a list is refused by
 * bb_trust_set_crl (tests make them to show that). */
int bb_ca_make_crl(const char *ca_key_pem, const char *ca_cert_pem,
                   const uint64_t *serials, size_t n_serials,
                   int64_t this_update, int64_t next_update, uint64_t number,
                   char *crl_pem, size_t cap, bb_rng_fn rng, void *rng_ctx);

/* PEM certificate -> DER (what travels in handshake messages). */
int bb_ca_pem_to_der(const char *pem, uint8_t *der, size_t cap, size_t *der_len);

#ifdef __cplusplus
}
#endif

#endif /* BEELDBEL_CA_H */
