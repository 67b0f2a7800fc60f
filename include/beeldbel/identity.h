/*
 * beeldbel — officer identity: is the person on screen really a police
 * officer? (A defence against fake-police fraud.)
 *
 * The widget pins the police root CA. An officer presents an X.509
 * certificate (ECDSA P-256) issued by that root, with the officer's name
 * (CN), team (OU), neighbourhood (L) and officer number (serialNumber,
 * 2.5.4.5) in the subject. Names are what people see; the officer number is
 * what identifies: two officers may share a name, never a number, and an
 * invitation names the officer it was made for by number. The police publish a
 * revocation list (CRL) signed by the same root.
 *
 * bb_trust holds the pinned root and, optionally, the current CRL.
 * bb_trust_verify_officer gives either a result the UI can show (name,
 * team, neighbourhood, expiry) or one precise reason for failure. Time is the
 * caller's "now" (Unix seconds, UTC); nothing here reads a clock.
 * Certificates and CRLs are accepted as DER or PEM.
 */
#ifndef BEELDBEL_IDENTITY_H
#define BEELDBEL_IDENTITY_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Why verification failed (BB_OFFICER_OK when it did not); indexes stats. */
typedef enum bb_officer_status {
    BB_OFFICER_OK = 0,
    BB_OFFICER_MALFORMED,      /* not a parseable certificate */
    BB_OFFICER_UNKNOWN_CA,     /* not issued by the pinned police root */
    BB_OFFICER_BAD_SIGNATURE,  /* claims the police root, but the signature is wrong */
    BB_OFFICER_EXPIRED,        /* now is after notAfter */
    BB_OFFICER_NOT_YET_VALID,  /* now is before notBefore */
    BB_OFFICER_REVOKED,        /* serial is on the police revocation list */
    BB_OFFICER_WRONG_OFFICER,  /* valid, but another officer number than the call was set up with */
    BB_OFFICER_NOT_OFFICER,    /* a CA certificate, a wrong key type, missing name fields or
                                * officer number, or no beeldbel officer key usage
                                * (BB_OFFICER_EKU_OID) */
    BB_OFFICER_CRL_STALE,      /* the revocation list is past its nextUpdate */
    BB_OFFICER_STATUS_COUNT
} bb_officer_status;

#define BB_OFFICER_FIELD_MAX 64 /* bytes of UTF-8 per name field */
#define BB_OFFICER_ID_MAX 32    /* bytes of an officer number */
#define BB_OFFICER_ID_CHARS "0-9, A-Z, a-z and '-'"

/* 1 when id is a well-formed officer number (BB_OFFICER_ID_CHARS,
 * 1..BB_OFFICER_ID_MAX bytes), else 0 (also for NULL). Inline, so that the
 * contact service's tools check numbers by the same rule without the engine. */
static inline int bb_officer_id_valid(const char *id)
{
    if (!id || !id[0])
        return 0;
    for (int n = 0; id[n]; n++) {
        char ch = id[n];
        if (n >= BB_OFFICER_ID_MAX || !((ch >= '0' && ch <= '9') || (ch >= 'A' && ch <= 'Z') ||
                                        (ch >= 'a' && ch <= 'z') || ch == '-'))
            return 0;
    }
    return 1;
}

/*
 * The extended key usage that makes a certificate a beeldbel officer
 * certificate: the police CA writes it into every officer certificate it
 * issues for beeldbel (bb_ca_issue_officer), and verification requires it
 * (anyExtendedKeyUsage does not do), so another certificate the police root
 * signs — for some other use — is never "a verified officer" here
 * (BB_OFFICER_NOT_OFFICER). A self-assigned UUID OID (ITU-T X.667, arc 2.25):
 * 2.25.108279400126614396932566657458384466911, DER content octets below.
 */
#define BB_OFFICER_EKU_OID "\x69\x81\xa2\xf5\xed\xa6\xb3\xc5\xba\x9d\xf7\xb1\xf1\xb4\x95\xae\x8f\x93\xe7\x5f"
#define BB_OFFICER_EKU_OID_LEN 20

typedef struct bb_officer_result {
    bb_officer_status status;
    char name[BB_OFFICER_FIELD_MAX + 1];          /* CN */
    char team[BB_OFFICER_FIELD_MAX + 1];          /* OU */
    char neighbourhood[BB_OFFICER_FIELD_MAX + 1]; /* L */
    char officer_id[BB_OFFICER_ID_MAX + 1];       /* serialNumber: the officer number */
    int64_t not_after;   /* Unix seconds */
    int revocation_checked; /* 1 if a CRL was set and consulted */
    char serial[41];     /* hex, for the audit log */
} bb_officer_result;

typedef struct bb_trust_stats {
    uint64_t verified;
    uint64_t rejected[BB_OFFICER_STATUS_COUNT]; /* [BB_OFFICER_OK] unused */
    uint64_t crl_unreadable, crl_not_ours, crl_not_fresh; /* refused revocation lists */
} bb_trust_stats;

typedef struct bb_trust bb_trust;

/* Pins root (a self-signed CA certificate, DER or PEM with its NUL). */
int bb_trust_new(bb_trust **out, const uint8_t *root, size_t root_len);
void bb_trust_free(bb_trust *t);

/*
 * Installs a revocation list. It must be issued and signed by the pinned
 * root (BB_E_AUTH if not; BB_E_PARSE if unreadable), carry a nextUpdate and
 * a CRL number (BB_E_PROTO if not), and be no older than the floor and than
 * the list it replaces: thisUpdate not earlier, CRL number not lower
 * (BB_E_STATE if it is; the same list again is fine). Refused lists leave
 * the installed one in place.
 */
int bb_trust_set_crl(bb_trust *t, const uint8_t *crl, size_t crl_len);

/* The oldest thisUpdate a list may have (Unix seconds; 0 = any): the widget
 * bundle carries the thisUpdate of the list current when it was sealed, so
 * no server can hand it an older one. */
void bb_trust_set_crl_floor(bb_trust *t, int64_t min_this_update);

/* The installed list's thisUpdate and nextUpdate; BB_E_STATE when none. */
int bb_trust_crl_info(const bb_trust *t, int64_t *this_update, int64_t *next_update);

/*
 * Verifies an officer certificate at now_s (Unix seconds). expected_id (may
 * be NULL: any officer) is the officer number the invitation gave; another
 * number fails as WRONG_OFFICER, whatever the name. Returns BB_OK with
 * res->status == BB_OFFICER_OK; BB_E_AUTH with the reason in res->status
 * (the name fields are filled when they could be read); BB_E_ARG for NULL t
 * or res. res is the caller's; cert is only read.
 */
int bb_trust_verify_officer(bb_trust *t, const uint8_t *cert, size_t cert_len,
                            const char *expected_id, int64_t now_s,
                            bb_officer_result *res);

/*
 * The police time-stamping service's certificate (cms.h) at now_s: chains to
 * the pinned root, not revoked, valid then, a P-256 key allowed to sign, and
 * the extended key usage id-kp-timeStamping (BB_TSA_EKU_OID). BB_OK, or
 * BB_E_AUTH with the reason in *status (the officer reasons; NOT_OFFICER
 * for a certificate that is not a time-stamping one). Not counted in stats.
 */
#define BB_TSA_EKU_OID "\x2b\x06\x01\x05\x05\x07\x03\x08" /* 1.3.6.1.5.5.7.3.8 */
#define BB_TSA_EKU_OID_LEN 8
int bb_trust_verify_tsa(bb_trust *t, const uint8_t *cert, size_t cert_len, int64_t now_s,
                        bb_officer_status *status);

/* Counters of what the trust store checked and refused; owned by t, valid
 * while it lives. */
const bb_trust_stats *bb_trust_get_stats(const bb_trust *t);

/* Machine name ("expired", ...) and a sentence for people, NL and EN. */
const char *bb_officer_status_name(bb_officer_status s);
const char *bb_officer_status_text(bb_officer_status s, int dutch);

/*
 * For bb_e2ee: checks an ECDSA P-256 signature over SHA-256(msg) made with
 * the key of cert (which the caller verified first). BB_E_AUTH if wrong.
 */
int bb_identity_verify_signature(const uint8_t *cert, size_t cert_len,
                                 const uint8_t *msg, size_t msg_len,
                                 const uint8_t *sig, size_t sig_len);

/* Signs SHA-256(msg) with a PEM or DER private key; sig gets DER ECDSA. */
int bb_identity_sign(const uint8_t *key, size_t key_len,
                     const uint8_t *msg, size_t msg_len,
                     uint8_t *sig, size_t cap, size_t *sig_len,
                     int (*rng)(void *, unsigned char *, size_t), void *rng_ctx);

#ifdef __cplusplus
}
#endif

#endif /* BEELDBEL_IDENTITY_H */
