/*
 * beeldbel — signatures on documents: the officer's PAdES signature (a CMS
 * SignedData, RFC 5652, with the CAdES attributes PAdES baseline asks for)
 * and its timestamp from the police time-stamping service (RFC 3161), both
 * ends of it: the request and the check of the answer (the officer's
 * engine), and the service itself (the contact service).
 *
 * Keys are ECDSA P-256 and hashes SHA-256 throughout. Signatures are
 * deterministic (RFC 6979): signing the same thing twice gives the same
 * bytes, which is how a timestamp over the signature value is added
 * afterwards (bb_pades_sign twice, the second time with the token).
 *
 * The PAdES signature (SubFilter ETSI.CAdES.detached):
 *   SignedData { digestAlgorithms {sha256}, encapContentInfo {id-data, no
 *   content}, certificates {the officer's}, one SignerInfo: sid
 *   issuerAndSerialNumber; signed attributes contentType, messageDigest (the
 *   PDF's signed bytes, bb_pdf_signed_digest), signingCertificateV2 (the
 *   officer certificate's SHA-256), and the citizen's consent evidence when
 *   there is one (BB_CMS_CONSENT_OID: the DER the consent module made,
 *   inside what the officer signs); unsigned attribute
 *   signatureTimeStampToken (RFC 3161 token over the signature value). }
 * There is no signing-time attribute: in PAdES the time is the signature
 * dictionary's /M, and the proven time is the timestamp's.
 *
 * The timestamp (RFC 3161): a TimeStampToken is a SignedData whose content
 * is a TSTInfo (policy BB_TSA_POLICY_OID, the message imprint, a random
 * serial, genTime, the requester's nonce), signed with the service's key;
 * its certificate is issued by the police root with the (critical) key
 * usage id-kp-timeStamping and travels in the token.
 *
 * Untrusted input: bb_tsp_check_response (what the service answered),
 * bb_tsa_parse_request (what a client asked) and bb_pades_verify (a
 * signature someone handed over) read strictly: DER only, the shapes above
 * only, every length checked. Errors: BB_E_ARG, BB_E_PARSE (not such a
 * structure), BB_E_PROTO (well formed but not what was asked: another
 * imprint or nonce, a refused request), BB_E_AUTH (a signature or a
 * certificate that does not verify), BB_E_UNSUPPORTED (a request this
 * service does not grant: another hash, policy or an extension),
 * BB_E_BUFFER (*len says how much is needed), BB_E_TOO_LARGE.
 */
#ifndef BEELDBEL_CMS_H
#define BEELDBEL_CMS_H

#include <stddef.h>
#include <stdint.h>

#include "beeldbel/crypto.h"
#include "beeldbel/identity.h"

#ifdef __cplusplus
extern "C" {
#endif

#define BB_CMS_MAX 16384        /* a PAdES signature with its timestamp, bytes */
#define BB_TSP_MAX_REQUEST 512  /* a TimeStampReq this service reads */
#define BB_TSP_MAX_RESPONSE 8192
#define BB_TSP_NONCE_LEN 16

/*
 * The policy under which the police time-stamping service issues tokens and
 * the signed attribute that carries the citizen's consent: self-assigned UUID
 * OIDs (ITU-T X.667, arc 2.25), DER content octets.
 *   BB_TSA_POLICY_OID   2.25.188463851647975435845666282622541734100
 *   BB_CMS_CONSENT_OID  2.25.259720927370943266630295700364666388038
 */
#define BB_TSA_POLICY_OID "\x69\x82\x9b\xc8\xe8\xd2\xb9\xca\x9a\x85\xb1\x96\x97\x98\xc7\xbf\x94\xc6\xc1\x54"
#define BB_TSA_POLICY_OID_LEN 20
#define BB_CMS_CONSENT_OID "\x69\x83\x86\xe4\xb7\x97\xbd\xe5\x8a\x8d\x99\x9f\xc2\x9a\xf1\xa9\xe9\xf2\xfc\x46"
#define BB_CMS_CONSENT_OID_LEN 20

/* ---- the officer's PAdES signature ---- */

typedef struct bb_pades_request {
    const uint8_t *digest;      /* 32 bytes: SHA-256 of the PDF's signed bytes */
    const uint8_t *key;         /* the signer's private key, PEM (with its NUL) or DER */
    size_t key_len;
    const uint8_t *cert;        /* the signer's certificate, DER */
    size_t cert_len;
    const uint8_t *consent;     /* consent evidence (DER) to sign along, or NULL */
    size_t consent_len;
} bb_pades_request;

/*
 * Makes the CMS SignedData (DER) into out. tst: a TimeStampToken to carry as
 * the signature's timestamp (checked first with bb_tsp_check_response), or
 * NULL. imprint (may be NULL) gets SHA-256 of the signature value: what the
 * timestamp is asked over.
 */
int bb_pades_sign(const bb_pades_request *rq, const uint8_t *tst, size_t tst_len,
                  uint8_t *out, size_t cap, size_t *len, uint8_t imprint[32]);

/* What bb_pades_verify found. */
typedef struct bb_pades_result {
    bb_officer_result signer;     /* who signed (the officer's certificate) */
    int64_t timestamp;            /* the token's genTime (Unix seconds); 0: no timestamp */
    const uint8_t *consent;       /* the consent evidence inside cms, or NULL */
    size_t consent_len;
} bb_pades_result;

/*
 * Checks a PAdES signature (untrusted cms) over digest: the officer's
 * certificate (bb_trust_verify_officer at the timestamp's time, else at
 * now_s; expected_id as there), the signature, the certificate binding, the
 * timestamp when there is one (require_timestamp: it must be), its imprint
 * and its service's certificate. BB_OK and *res.
 */
int bb_pades_verify(const uint8_t *cms, size_t cms_len, const uint8_t digest[32],
                    bb_trust *trust, const char *expected_id, int64_t now_s,
                    int require_timestamp, bb_pades_result *res);

/* ---- the timestamp, asked for and checked (the officer's engine) ---- */

/* A TimeStampReq for imprint (SHA-256) with nonce, asking for the certificate. */
int bb_tsp_request(const uint8_t imprint[32], const uint8_t nonce[BB_TSP_NONCE_LEN],
                   uint8_t *out, size_t cap, size_t *len);

/*
 * Checks a TimeStampResp (untrusted): granted, one token whose TSTInfo has
 * our imprint, our nonce and the police policy, signed by a time-stamping
 * certificate of trust's root valid at its genTime. BB_OK with *tst (the
 * token inside resp) and *gen_time; BB_E_PROTO for a refusal or another
 * imprint or nonce.
 */
int bb_tsp_check_response(const uint8_t *resp, size_t len, const uint8_t imprint[32],
                          const uint8_t nonce[BB_TSP_NONCE_LEN], bb_trust *trust,
                          const uint8_t **tst, size_t *tst_len, int64_t *gen_time);

/* ---- the time-stamping service (the contact service) ---- */

/* RFC 3161 PKIFailureInfo bits a refusal names. */
enum {
    BB_TSA_FAIL_BAD_ALG = 0,
    BB_TSA_FAIL_BAD_REQUEST = 2,
    BB_TSA_FAIL_BAD_DATA_FORMAT = 5,
    BB_TSA_FAIL_UNACCEPTED_POLICY = 15,
    BB_TSA_FAIL_UNACCEPTED_EXTENSION = 16,
    BB_TSA_FAIL_SYSTEM_FAILURE = 25,
};

typedef struct bb_tsa_request {
    uint8_t imprint[32];
    uint8_t nonce[32];      /* big-endian magnitude, nonce_len bytes (0: none) */
    size_t nonce_len;
    int cert_req;
} bb_tsa_request;

/*
 * Reads a TimeStampReq (untrusted). BB_OK; otherwise the code and *fail_bit,
 * the PKIFailureInfo bit to answer with (bb_tsa_refuse).
 */
int bb_tsa_parse_request(const uint8_t *req, size_t len, bb_tsa_request *out, int *fail_bit);

/*
 * The granted TimeStampResp for rq at now_s, signed with the service's key
 * (PEM with NUL, or DER) and carrying its certificate (DER); the serial
 * number is 16 bytes from rng.
 */
int bb_tsa_grant(const bb_tsa_request *rq, const uint8_t *key, size_t key_len,
                 const uint8_t *cert, size_t cert_len, int64_t now_s,
                 bb_rng_fn rng, void *rng_ctx, uint8_t *out, size_t cap, size_t *len);

/* A TimeStampResp that refuses, naming fail_bit. */
int bb_tsa_refuse(int fail_bit, uint8_t *out, size_t cap, size_t *len);

#ifdef __cplusplus
}
#endif

#endif /* BEELDBEL_CMS_H */
