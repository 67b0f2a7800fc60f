/*
 * The demo police CA: P-256 keys, a self-signed root, officer certificates
 * and CRLs. Mbed TLS 2.28 writes certificates but not CRLs, so the CRL is
 * assembled here from its ASN.1 pieces (RFC 5280 5.1) and signed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mbedtls/asn1write.h>
#include <mbedtls/ecp.h>
#include <mbedtls/oid.h>
#include <mbedtls/pem.h>
#include <mbedtls/pk.h>
#include <mbedtls/platform_util.h>
#include <mbedtls/sha256.h>
#include <mbedtls/x509_crt.h>

#include "beeldbel/ca.h"
#include "beeldbel/identity.h"
#include "beeldbel/error.h"
#include "civil_time.h"

#define ORG ",O=Politie (demo),C=NL"

static int pem_len(const char *pem, size_t *n)
{
    if (!pem)
        return BB_E_ARG;
    *n = strlen(pem) + 1; /* Mbed TLS wants the NUL counted for PEM */
    return BB_OK;
}

static int load_key(mbedtls_pk_context *pk, const char *pem)
{
    size_t n;
    mbedtls_pk_init(pk);
    if (pem_len(pem, &n))
        return BB_E_ARG;
    if (mbedtls_pk_parse_key(pk, (const unsigned char *)pem, n, NULL, 0))
        return BB_E_PARSE;
    if (!mbedtls_pk_can_do(pk, MBEDTLS_PK_ECKEY) ||
        mbedtls_pk_ec(*pk)->grp.id != MBEDTLS_ECP_DP_SECP256R1)
        return BB_E_UNSUPPORTED;
    return BB_OK;
}

static int load_cert(mbedtls_x509_crt *c, const char *pem)
{
    size_t n;
    mbedtls_x509_crt_init(c);
    if (pem_len(pem, &n))
        return BB_E_ARG;
    return mbedtls_x509_crt_parse(c, (const unsigned char *)pem, n) ? BB_E_PARSE : BB_OK;
}

int bb_ca_make_key(char *key_pem, size_t cap, bb_rng_fn rng, void *rng_ctx)
{
    if (!key_pem || !rng)
        return BB_E_ARG;
    mbedtls_pk_context pk;
    mbedtls_pk_init(&pk);
    int rc = BB_E_CRYPTO;
    if (!mbedtls_pk_setup(&pk, mbedtls_pk_info_from_type(MBEDTLS_PK_ECKEY)) &&
        !mbedtls_ecp_gen_key(MBEDTLS_ECP_DP_SECP256R1, mbedtls_pk_ec(pk), rng, rng_ctx))
        rc = mbedtls_pk_write_key_pem(&pk, (unsigned char *)key_pem, cap) ? BB_E_BUFFER : BB_OK;
    mbedtls_pk_free(&pk);
    return rc;
}

/* Subject fields end up in a comma-separated DN string: refuse what would
 * change its meaning, and control characters. UTF-8 passes through. */
static int field_ok(const char *s)
{
    if (!s || !*s || strlen(s) > 64)
        return 0;
    for (; *s; s++) {
        unsigned char ch = (unsigned char)*s;
        if (ch < 0x20 || ch == 0x7f || strchr(",=+\"\\<>;#", ch))
            return 0;
    }
    return 1;
}

static void fmt_time(int64_t t, char out[15])
{
    int y, mo, d, h, mi, s;
    bb_civil_from_unix(t, &y, &mo, &d, &h, &mi, &s);
    snprintf(out, 15, "%04d%02d%02d%02d%02d%02d", y % 10000, mo, d, h, mi, s);
}

static int set_serial(mbedtls_x509write_cert *w, uint64_t serial)
{
    uint8_t be[8];
    for (int i = 0; i < 8; i++)
        be[i] = (uint8_t)(serial >> (56 - 8 * i));
    mbedtls_mpi m;
    mbedtls_mpi_init(&m);
    int r = mbedtls_mpi_read_binary(&m, be, 8);
    if (!r)
        r = mbedtls_x509write_crt_set_serial(w, &m);
    mbedtls_mpi_free(&m);
    return r;
}

/* Rebuilds "CN=..,O=..,C=.." from a parsed name, in DER order, so the issuer
 * of an officer certificate is byte-for-byte the root's subject. */
static int dn_string(const mbedtls_x509_name *n, char *out, size_t cap)
{
    size_t used = 0;
    out[0] = 0;
    for (; n; n = n->next) {
        const char *k = NULL;
        if (!n->oid.p)
            continue;
        if (MBEDTLS_OID_CMP(MBEDTLS_OID_AT_CN, &n->oid) == 0) k = "CN";
        else if (MBEDTLS_OID_CMP(MBEDTLS_OID_AT_ORGANIZATION, &n->oid) == 0) k = "O";
        else if (MBEDTLS_OID_CMP(MBEDTLS_OID_AT_ORG_UNIT, &n->oid) == 0) k = "OU";
        else if (MBEDTLS_OID_CMP(MBEDTLS_OID_AT_LOCALITY, &n->oid) == 0) k = "L";
        else if (MBEDTLS_OID_CMP(MBEDTLS_OID_AT_COUNTRY, &n->oid) == 0) k = "C";
        else return BB_E_UNSUPPORTED;
        int w = snprintf(out + used, cap - used, "%s%s=%.*s", used ? "," : "", k,
                         (int)n->val.len, (const char *)n->val.p);
        if (w < 0 || (size_t)w >= cap - used)
            return BB_E_BUFFER;
        used += (size_t)w;
    }
    return BB_OK;
}

enum cert_kind { KIND_OFFICER = 0, KIND_ROOT = 1, KIND_TSA = 2 };

/* Shared part of root, officer and time-stamping certificates. */
static int write_cert(mbedtls_pk_context *subject_key, mbedtls_pk_context *issuer_key,
                      const char *subject, const char *issuer, enum cert_kind kind,
                      uint64_t serial, int64_t nb, int64_t na,
                      char *cert_pem, size_t cap, bb_rng_fn rng, void *rng_ctx)
{
    int is_ca = kind == KIND_ROOT;
    char from[15], to[15];
    fmt_time(nb, from);
    fmt_time(na, to);
    mbedtls_x509write_cert w;
    mbedtls_x509write_crt_init(&w);
    mbedtls_x509write_crt_set_version(&w, MBEDTLS_X509_CRT_VERSION_3);
    mbedtls_x509write_crt_set_md_alg(&w, MBEDTLS_MD_SHA256);
    mbedtls_x509write_crt_set_subject_key(&w, subject_key);
    mbedtls_x509write_crt_set_issuer_key(&w, issuer_key);
    int r = mbedtls_x509write_crt_set_subject_name(&w, subject);
    if (!r) r = mbedtls_x509write_crt_set_issuer_name(&w, issuer);
    if (!r) r = set_serial(&w, serial);
    if (!r) r = mbedtls_x509write_crt_set_validity(&w, from, to);
    if (!r) r = mbedtls_x509write_crt_set_basic_constraints(&w, is_ca, is_ca ? 0 : -1);
    /* No subject/authority key identifiers: Mbed TLS makes them with SHA-1,
     * which the trimmed build leaves out; one root needs no key lookup. */
    if (!r) r = mbedtls_x509write_crt_set_key_usage(&w, is_ca
                    ? (MBEDTLS_X509_KU_KEY_CERT_SIGN | MBEDTLS_X509_KU_CRL_SIGN)
                    : (MBEDTLS_X509_KU_DIGITAL_SIGNATURE | MBEDTLS_X509_KU_NON_REPUDIATION));
    if (!r && kind == KIND_TSA) {
        /* extKeyUsage: SEQUENCE { id-kp-timeStamping }, critical (RFC 3161 2.3). */
        unsigned char eku[4 + BB_TSA_EKU_OID_LEN] = {0x30, BB_TSA_EKU_OID_LEN + 2, 0x06,
                                                     BB_TSA_EKU_OID_LEN};
        memcpy(eku + 4, BB_TSA_EKU_OID, BB_TSA_EKU_OID_LEN);
        r = mbedtls_x509write_crt_set_extension(&w, MBEDTLS_OID_EXTENDED_KEY_USAGE,
                                                MBEDTLS_OID_SIZE(MBEDTLS_OID_EXTENDED_KEY_USAGE),
                                                1, eku, sizeof(eku));
    }
    if (!r && kind == KIND_OFFICER) {
        /* extKeyUsage: SEQUENCE { the beeldbel officer OID (identity.h),
         * id-kp-emailProtection, id-kp-documentSigning (RFC 9336) }. The
         * officer's key also signs statements (cms.h), and PDF readers and
         * CMS tools (NSS, OpenSSL) accept a signer's certificate only with
         * e-mail protection among its usages. */
        static const unsigned char more[] = {
            0x06, 0x08, 0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x03, 0x04,
            0x06, 0x08, 0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x03, 0x24,
        };
        unsigned char eku[4 + BB_OFFICER_EKU_OID_LEN + sizeof(more)] = {
            0x30, BB_OFFICER_EKU_OID_LEN + 2 + sizeof(more), 0x06, BB_OFFICER_EKU_OID_LEN};
        memcpy(eku + 4, BB_OFFICER_EKU_OID, BB_OFFICER_EKU_OID_LEN);
        memcpy(eku + 4 + BB_OFFICER_EKU_OID_LEN, more, sizeof(more));
        r = mbedtls_x509write_crt_set_extension(&w, MBEDTLS_OID_EXTENDED_KEY_USAGE,
                                                MBEDTLS_OID_SIZE(MBEDTLS_OID_EXTENDED_KEY_USAGE),
                                                0, eku, sizeof(eku));
    }
    int rc = r ? BB_E_CRYPTO : BB_OK;
    if (!rc && mbedtls_x509write_crt_pem(&w, (unsigned char *)cert_pem, cap, rng, rng_ctx))
        rc = BB_E_BUFFER;
    mbedtls_x509write_crt_free(&w);
    return rc;
}

int bb_ca_make_root(const char *key_pem, const char *cn, uint64_t serial,
                    int64_t not_before, int64_t not_after,
                    char *cert_pem, size_t cap, bb_rng_fn rng, void *rng_ctx)
{
    if (!cert_pem || !rng || !field_ok(cn) || not_after <= not_before)
        return BB_E_ARG;
    mbedtls_pk_context pk;
    int rc = load_key(&pk, key_pem);
    char dn[200];
    snprintf(dn, sizeof(dn), "CN=%s" ORG, cn);
    if (!rc)
        rc = write_cert(&pk, &pk, dn, dn, KIND_ROOT, serial, not_before, not_after,
                        cert_pem, cap, rng, rng_ctx);
    mbedtls_pk_free(&pk);
    return rc;
}

/* A certificate for subject_key_pem's public key named subject, signed by
 * the CA; never one with the CA's own name (it would pass for the root). */
static int issue(const char *ca_key_pem, const char *ca_cert_pem, const char *subject_key_pem,
                 const char *subject, enum cert_kind kind, uint64_t serial, int64_t not_before,
                 int64_t not_after, char *cert_pem, size_t cap, bb_rng_fn rng, void *rng_ctx)
{
    mbedtls_pk_context ca_key, key;
    mbedtls_x509_crt ca;
    char issuer[300];
    int rc = load_key(&ca_key, ca_key_pem);
    int rc2 = load_key(&key, subject_key_pem);
    int rc3 = load_cert(&ca, ca_cert_pem);
    if (!rc) rc = rc2;
    if (!rc) rc = rc3;
    if (!rc)
        rc = dn_string(&ca.subject, issuer, sizeof(issuer));
    if (!rc && !strcmp(subject, issuer))
        rc = BB_E_ARG;
    if (!rc)
        rc = write_cert(&key, &ca_key, subject, issuer, kind, serial, not_before, not_after,
                        cert_pem, cap, rng, rng_ctx);
    mbedtls_pk_free(&ca_key);
    mbedtls_pk_free(&key);
    mbedtls_x509_crt_free(&ca);
    return rc;
}

int bb_ca_issue_officer(const char *ca_key_pem, const char *ca_cert_pem,
                        const char *officer_key_pem, const bb_officer_subject *s,
                        uint64_t serial, int64_t not_before, int64_t not_after,
                        char *cert_pem, size_t cap, bb_rng_fn rng, void *rng_ctx)
{
    if (!s || !cert_pem || !rng || !field_ok(s->name) || !field_ok(s->team) ||
        !field_ok(s->neighbourhood) || !bb_officer_id_valid(s->officer_id) ||
        not_after <= not_before)
        return BB_E_ARG;
    char subject[300];
    snprintf(subject, sizeof(subject), "CN=%s,OU=%s,L=%s,serialNumber=%s" ORG, s->name, s->team,
             s->neighbourhood, s->officer_id);
    return issue(ca_key_pem, ca_cert_pem, officer_key_pem, subject, KIND_OFFICER, serial, not_before,
                 not_after, cert_pem, cap, rng, rng_ctx);
}

int bb_ca_issue_tsa(const char *ca_key_pem, const char *ca_cert_pem, const char *tsa_key_pem,
                    const char *cn, uint64_t serial, int64_t not_before, int64_t not_after,
                    char *cert_pem, size_t cap, bb_rng_fn rng, void *rng_ctx)
{
    if (!cert_pem || !rng || !field_ok(cn) || not_after <= not_before)
        return BB_E_ARG;
    char subject[200];
    snprintf(subject, sizeof(subject), "CN=%s" ORG, cn);
    return issue(ca_key_pem, ca_cert_pem, tsa_key_pem, subject, KIND_TSA, serial, not_before,
                 not_after, cert_pem, cap, rng, rng_ctx);
}

/* UTCTime for 1950-2049, GeneralizedTime otherwise (RFC 5280 4.1.2.5). */
static int write_time(unsigned char **p, unsigned char *start, int64_t t)
{
    char full[15], z[16];
    fmt_time(t, full);
    int y;
    sscanf(full, "%4d", &y);
    if (y >= 1950 && y < 2050) {
        snprintf(z, sizeof(z), "%sZ", full + 2);
        return mbedtls_asn1_write_tagged_string(p, start, MBEDTLS_ASN1_UTC_TIME, z, 13);
    }
    snprintf(z, sizeof(z), "%sZ", full);
    return mbedtls_asn1_write_tagged_string(p, start, MBEDTLS_ASN1_GENERALIZED_TIME, z, 15);
}

static int write_serial(unsigned char **p, unsigned char *start, uint64_t serial)
{
    uint8_t be[8];
    for (int i = 0; i < 8; i++)
        be[i] = (uint8_t)(serial >> (56 - 8 * i));
    mbedtls_mpi m;
    mbedtls_mpi_init(&m);
    int r = mbedtls_mpi_read_binary(&m, be, 8);
    if (!r)
        r = mbedtls_asn1_write_mpi(p, start, &m); /* same minimal form as the cert */
    mbedtls_mpi_free(&m);
    return r;
}

/* SEQUENCE { OID ecdsa-with-SHA256 } (no parameters, RFC 5758 3.2). */
static int write_sig_alg(unsigned char **p, unsigned char *start)
{
    int len = mbedtls_asn1_write_oid(p, start, MBEDTLS_OID_ECDSA_SHA256,
                                     MBEDTLS_OID_SIZE(MBEDTLS_OID_ECDSA_SHA256));
    if (len < 0)
        return len;
    int l2 = mbedtls_asn1_write_len(p, start, (size_t)len);
    if (l2 < 0)
        return l2;
    int l3 = mbedtls_asn1_write_tag(p, start, MBEDTLS_ASN1_CONSTRUCTED | MBEDTLS_ASN1_SEQUENCE);
    return l3 < 0 ? l3 : len + l2 + l3;
}

#define CHK(expr) do { int r_ = (expr); if (r_ < 0) return BB_E_BUFFER; len += (size_t)r_; } while (0)

/* crlExtensions [0] EXPLICIT { SEQUENCE { Extension { cRLNumber, OCTET STRING { INTEGER } } } } */
static int write_crl_number(unsigned char **p, unsigned char *start, uint64_t number)
{
    static const char crl_number_oid[] = "\x55\x1d\x14"; /* 2.5.29.20 */
    size_t len = 0, inner = 0;
    CHK(write_serial(p, start, number)); /* a non-negative INTEGER, minimal */
    inner = len;
    CHK(mbedtls_asn1_write_len(p, start, inner));
    CHK(mbedtls_asn1_write_tag(p, start, MBEDTLS_ASN1_OCTET_STRING));
    CHK(mbedtls_asn1_write_oid(p, start, crl_number_oid, 3));
    CHK(mbedtls_asn1_write_len(p, start, len));
    CHK(mbedtls_asn1_write_tag(p, start, MBEDTLS_ASN1_CONSTRUCTED | MBEDTLS_ASN1_SEQUENCE));
    CHK(mbedtls_asn1_write_len(p, start, len));
    CHK(mbedtls_asn1_write_tag(p, start, MBEDTLS_ASN1_CONSTRUCTED | MBEDTLS_ASN1_SEQUENCE));
    CHK(mbedtls_asn1_write_len(p, start, len));
    CHK(mbedtls_asn1_write_tag(p, start, MBEDTLS_ASN1_CONTEXT_SPECIFIC | MBEDTLS_ASN1_CONSTRUCTED | 0));
    return (int)len;
}

static int write_tbs(unsigned char **p, unsigned char *start, const mbedtls_x509_crt *ca,
                     const uint64_t *serials, size_t n, int64_t this_u, int64_t next_u,
                     uint64_t number, size_t *out_len)
{
    size_t len = 0;
    if (number)
        CHK(write_crl_number(p, start, number));
    if (n) {
        size_t list = len;
        for (size_t i = n; i-- > 0;) {
            size_t e = len;
            CHK(write_time(p, start, this_u));
            CHK(write_serial(p, start, serials[i]));
            CHK(mbedtls_asn1_write_len(p, start, len - e));
            CHK(mbedtls_asn1_write_tag(p, start, MBEDTLS_ASN1_CONSTRUCTED | MBEDTLS_ASN1_SEQUENCE));
        }
        CHK(mbedtls_asn1_write_len(p, start, len - list));
        CHK(mbedtls_asn1_write_tag(p, start, MBEDTLS_ASN1_CONSTRUCTED | MBEDTLS_ASN1_SEQUENCE));
    }
    if (next_u)
        CHK(write_time(p, start, next_u));
    CHK(write_time(p, start, this_u));
    CHK(mbedtls_asn1_write_raw_buffer(p, start, ca->subject_raw.p, ca->subject_raw.len));
    CHK(write_sig_alg(p, start));
    CHK(mbedtls_asn1_write_int(p, start, 1)); /* v2 */
    CHK(mbedtls_asn1_write_len(p, start, len));
    CHK(mbedtls_asn1_write_tag(p, start, MBEDTLS_ASN1_CONSTRUCTED | MBEDTLS_ASN1_SEQUENCE));
    *out_len = len;
    return BB_OK;
}

static int write_crl(unsigned char **p, unsigned char *start, const unsigned char *tbs,
                     size_t tbs_len, const unsigned char *sig, size_t sig_len,
                     size_t *out_len)
{
    size_t len = 0;
    CHK(mbedtls_asn1_write_bitstring(p, start, sig, sig_len * 8));
    CHK(write_sig_alg(p, start));
    CHK(mbedtls_asn1_write_raw_buffer(p, start, tbs, tbs_len));
    CHK(mbedtls_asn1_write_len(p, start, len));
    CHK(mbedtls_asn1_write_tag(p, start, MBEDTLS_ASN1_CONSTRUCTED | MBEDTLS_ASN1_SEQUENCE));
    *out_len = len;
    return BB_OK;
}

#define CRL_MAX_SERIALS 1000

int bb_ca_make_crl(const char *ca_key_pem, const char *ca_cert_pem,
                   const uint64_t *serials, size_t n_serials,
                   int64_t this_update, int64_t next_update, uint64_t number,
                   char *crl_pem, size_t cap, bb_rng_fn rng, void *rng_ctx)
{
    if (!crl_pem || !rng || (!serials && n_serials) || n_serials > CRL_MAX_SERIALS ||
        (next_update && next_update <= this_update))
        return BB_E_ARG;
    enum { TBS_CAP = CRL_MAX_SERIALS * 40 + 1024, CRL_CAP = TBS_CAP + 256 };
    unsigned char *tbs_buf = malloc(TBS_CAP), *crl_buf = malloc(CRL_CAP);
    if (!tbs_buf || !crl_buf) {
        free(tbs_buf);
        free(crl_buf);
        return BB_E_NOMEM;
    }
    mbedtls_pk_context key;
    mbedtls_x509_crt ca;
    int rc = load_key(&key, ca_key_pem);
    int rc2 = load_cert(&ca, ca_cert_pem);
    if (!rc)
        rc = rc2;
    unsigned char *p = tbs_buf + TBS_CAP;
    size_t tbs_len = 0, crl_len = 0, sig_len = 0, olen = 0;
    unsigned char hash[32], sig[MBEDTLS_PK_SIGNATURE_MAX_SIZE];
    if (!rc)
        rc = write_tbs(&p, tbs_buf, &ca, serials, n_serials, this_update, next_update, number,
                       &tbs_len);
    if (!rc && (mbedtls_sha256_ret(p, tbs_len, hash, 0) ||
                mbedtls_pk_sign(&key, MBEDTLS_MD_SHA256, hash, 32, sig, &sig_len, rng, rng_ctx)))
        rc = BB_E_CRYPTO;
    unsigned char *q = crl_buf + CRL_CAP;
    if (!rc)
        rc = write_crl(&q, crl_buf, p, tbs_len, sig, sig_len, &crl_len);
    if (!rc && mbedtls_pem_write_buffer("-----BEGIN X509 CRL-----\n", "-----END X509 CRL-----\n",
                                        q, crl_len, (unsigned char *)crl_pem, cap, &olen))
        rc = BB_E_BUFFER;
    mbedtls_pk_free(&key);
    mbedtls_x509_crt_free(&ca);
    free(tbs_buf);
    free(crl_buf);
    return rc;
}

int bb_ca_pem_to_der(const char *pem, uint8_t *der, size_t cap, size_t *der_len)
{
    if (!der || !der_len)
        return BB_E_ARG;
    *der_len = 0;
    mbedtls_x509_crt c;
    int rc = load_cert(&c, pem);
    if (!rc && c.raw.len > cap)
        rc = BB_E_BUFFER;
    if (!rc) {
        memcpy(der, c.raw.p, c.raw.len);
        *der_len = c.raw.len;
    }
    mbedtls_x509_crt_free(&c);
    return rc;
}
