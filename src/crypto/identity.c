/*
 * Officer verification against the pinned police root and its CRL.
 *
 * Mbed TLS checks the signature chain and the revocation list; it would also
 * check validity periods against the system clock, which the engine must not
 * read. So its time flags are masked in the verify callback and validity is
 * compared with the caller's now_s here instead.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mbedtls/ecp.h>
#include <mbedtls/md.h>
#include <mbedtls/oid.h>
#include <mbedtls/pk.h>
#include <mbedtls/sha256.h>
#include <mbedtls/asn1.h>
#include <mbedtls/x509_crl.h>
#include <mbedtls/x509_crt.h>

#include "beeldbel/error.h"
#include "beeldbel/identity.h"
#include "civil_time.h"

/* Certificates larger than this are refused before parsing. */
#define MAX_CERT_INPUT 16384

#define CRL_NUMBER_MAX 20 /* octets (RFC 5280 5.2.3) */

struct bb_trust {
    mbedtls_x509_crt root;
    mbedtls_x509_crl crl;
    int has_crl;
    int64_t crl_next_update, crl_this_update;
    uint8_t crl_number[CRL_NUMBER_MAX]; /* big-endian, no leading zeros */
    size_t crl_number_len;
    int64_t crl_floor; /* no list issued before this is accepted */
    bb_trust_stats stats;
};

/* Only ECDSA P-256 with SHA-256, in the chain and the CRL. */
static const mbedtls_x509_crt_profile police_profile = {
    MBEDTLS_X509_ID_FLAG(MBEDTLS_MD_SHA256),
    MBEDTLS_X509_ID_FLAG(MBEDTLS_PK_ECDSA) | MBEDTLS_X509_ID_FLAG(MBEDTLS_PK_ECKEY),
    MBEDTLS_X509_ID_FLAG(MBEDTLS_ECP_DP_SECP256R1),
    2048,
};

static int64_t x509_unix(const mbedtls_x509_time *t)
{
    return bb_unix_from_civil(t->year, t->mon, t->day, t->hour, t->min, t->sec);
}

static int is_p256(const mbedtls_pk_context *pk)
{
    return mbedtls_pk_can_do(pk, MBEDTLS_PK_ECKEY) &&
           mbedtls_pk_ec(*pk)->grp.id == MBEDTLS_ECP_DP_SECP256R1;
}

/* PEM input must be NUL-terminated for Mbed TLS; DER is used as is. */
static int parse_crt(mbedtls_x509_crt *c, const uint8_t *in, size_t len)
{
    if (!in || !len || len > MAX_CERT_INPUT)
        return BB_E_PARSE;
    int rc;
    if (len > 10 && memcmp(in, "-----BEGIN", 10) == 0) {
        char *z = malloc(len + 1);
        if (!z)
            return BB_E_NOMEM;
        memcpy(z, in, len);
        z[len] = 0;
        rc = mbedtls_x509_crt_parse(c, (unsigned char *)z, strlen(z) + 1);
        free(z);
    } else {
        rc = mbedtls_x509_crt_parse_der(c, in, len);
    }
    /* Exactly one certificate: a bundle is not an officer. */
    return rc || c->next ? BB_E_PARSE : BB_OK;
}

int bb_trust_new(bb_trust **out, const uint8_t *root, size_t root_len)
{
    if (!out)
        return BB_E_ARG;
    *out = NULL;
    bb_trust *t = calloc(1, sizeof(*t));
    if (!t)
        return BB_E_NOMEM;
    mbedtls_x509_crt_init(&t->root);
    mbedtls_x509_crl_init(&t->crl);
    int rc = parse_crt(&t->root, root, root_len);
    if (!rc && (!t->root.ca_istrue || !is_p256(&t->root.pk)))
        rc = BB_E_PROTO;
    if (rc) {
        bb_trust_free(t);
        return rc;
    }
    *out = t;
    return BB_OK;
}

void bb_trust_free(bb_trust *t)
{
    if (!t)
        return;
    mbedtls_x509_crt_free(&t->root);
    mbedtls_x509_crl_free(&t->crl);
    free(t);
}

static int crl_signed_by(const mbedtls_x509_crl *crl, const mbedtls_x509_crt *ca)
{
    unsigned char hash[MBEDTLS_MD_MAX_SIZE];
    const mbedtls_md_info_t *md = mbedtls_md_info_from_type(crl->sig_md);
    if (!md || crl->sig_md != MBEDTLS_MD_SHA256 || crl->sig_pk != MBEDTLS_PK_ECDSA)
        return 0;
    if (crl->issuer_raw.len != ca->subject_raw.len ||
        memcmp(crl->issuer_raw.p, ca->subject_raw.p, ca->subject_raw.len) != 0)
        return 0;
    if (mbedtls_md(md, crl->tbs.p, crl->tbs.len, hash))
        return 0;
    return mbedtls_pk_verify_ext(crl->sig_pk, crl->sig_opts, (mbedtls_pk_context *)&ca->pk,
                                 crl->sig_md, hash, mbedtls_md_get_size(md),
                                 crl->sig.p, crl->sig.len) == 0;
}

/* The cRLNumber extension (2.5.29.20) of a parsed CRL: its INTEGER's
 * octets without leading zeros (a zero number has none). 0, or -1 when
 * absent, negative or longer than CRL_NUMBER_MAX. */
static int crl_number(const mbedtls_x509_crl *c, uint8_t out[CRL_NUMBER_MAX], size_t *out_len)
{
    static const uint8_t oid[] = {0x55, 0x1d, 0x14};
    unsigned char *p = c->crl_ext.p, *end;
    size_t len;
    if (!p || mbedtls_asn1_get_tag(&p, c->crl_ext.p + c->crl_ext.len, &len,
                                   MBEDTLS_ASN1_CONSTRUCTED | MBEDTLS_ASN1_SEQUENCE))
        return -1;
    end = p + len;
    while (p < end) {
        unsigned char *ext_end;
        if (mbedtls_asn1_get_tag(&p, end, &len, MBEDTLS_ASN1_CONSTRUCTED | MBEDTLS_ASN1_SEQUENCE))
            return -1;
        ext_end = p + len;
        if (mbedtls_asn1_get_tag(&p, ext_end, &len, MBEDTLS_ASN1_OID))
            return -1;
        int is_number = len == sizeof(oid) && !memcmp(p, oid, sizeof(oid));
        p += len;
        int critical = 0;
        int r = mbedtls_asn1_get_bool(&p, ext_end, &critical);
        if (r && r != MBEDTLS_ERR_ASN1_UNEXPECTED_TAG)
            return -1;
        if (mbedtls_asn1_get_tag(&p, ext_end, &len, MBEDTLS_ASN1_OCTET_STRING))
            return -1;
        if (is_number) {
            unsigned char *q = p;
            size_t ilen;
            if (mbedtls_asn1_get_tag(&q, p + len, &ilen, MBEDTLS_ASN1_INTEGER) || q + ilen != p + len ||
                ilen == 0 || (q[0] & 0x80))
                return -1;
            while (ilen > 0 && q[0] == 0)
                q++, ilen--;
            if (ilen > CRL_NUMBER_MAX)
                return -1;
            memcpy(out, q, ilen);
            *out_len = ilen;
            return 0;
        }
        p = ext_end;
    }
    return -1;
}

/* a < b for numbers as crl_number() gives them. */
static int number_less(const uint8_t *a, size_t alen, const uint8_t *b, size_t blen)
{
    if (alen != blen)
        return alen < blen;
    return memcmp(a, b, alen) < 0;
}

void bb_trust_set_crl_floor(bb_trust *t, int64_t min_this_update)
{
    if (t)
        t->crl_floor = min_this_update;
}

int bb_trust_crl_info(const bb_trust *t, int64_t *this_update, int64_t *next_update)
{
    if (!t || !t->has_crl)
        return BB_E_STATE;
    if (this_update)
        *this_update = t->crl_this_update;
    if (next_update)
        *next_update = t->crl_next_update;
    return BB_OK;
}

int bb_trust_set_crl(bb_trust *t, const uint8_t *crl, size_t crl_len)
{
    if (!t || (!crl && crl_len))
        return BB_E_ARG;
    if (!crl_len || crl_len > 4 * 1024 * 1024) {
        t->stats.crl_unreadable++;
        return BB_E_PARSE;
    }
    mbedtls_x509_crl c;
    mbedtls_x509_crl_init(&c);
    int r;
    if (crl_len > 10 && memcmp(crl, "-----BEGIN", 10) == 0) {
        char *z = malloc(crl_len + 1);
        if (!z)
            return BB_E_NOMEM;
        memcpy(z, crl, crl_len);
        z[crl_len] = 0;
        r = mbedtls_x509_crl_parse(&c, (unsigned char *)z, strlen(z) + 1);
        free(z);
    } else {
        r = mbedtls_x509_crl_parse_der(&c, crl, crl_len);
    }
    if (r || c.next) {
        mbedtls_x509_crl_free(&c);
        t->stats.crl_unreadable++;
        return BB_E_PARSE;
    }
    if (!crl_signed_by(&c, &t->root)) {
        mbedtls_x509_crl_free(&c);
        t->stats.crl_not_ours++;
        return BB_E_AUTH;
    }
    /* A list must say when it goes stale and which list it is, and never be
     * older than one already seen: a server replaying last week's list
     * (from before a revocation) is refused. */
    uint8_t number[CRL_NUMBER_MAX];
    size_t number_len = 0;
    int64_t this_update = x509_unix(&c.this_update);
    int rc = BB_OK;
    if (!c.next_update.year || crl_number(&c, number, &number_len))
        rc = BB_E_PROTO;
    else if (this_update < t->crl_floor ||
             (t->has_crl && (this_update < t->crl_this_update ||
                             number_less(number, number_len, t->crl_number, t->crl_number_len))))
        rc = BB_E_STATE;
    if (rc) {
        mbedtls_x509_crl_free(&c);
        t->stats.crl_not_fresh++;
        return rc;
    }
    mbedtls_x509_crl_free(&t->crl);
    t->crl = c; /* the struct owns its heap parts; moving it is fine */
    t->has_crl = 1;
    t->crl_next_update = x509_unix(&c.next_update);
    t->crl_this_update = this_update;
    memcpy(t->crl_number, number, number_len);
    t->crl_number_len = number_len;
    return BB_OK;
}

/* Time is ours to judge (now_s), not the library's system clock. */
static int mask_time(void *p, mbedtls_x509_crt *c, int depth, uint32_t *flags)
{
    (void)p;
    (void)c;
    (void)depth;
    *flags &= ~(uint32_t)(MBEDTLS_X509_BADCERT_EXPIRED | MBEDTLS_X509_BADCERT_FUTURE |
                          MBEDTLS_X509_BADCRL_EXPIRED | MBEDTLS_X509_BADCRL_FUTURE);
    return 0;
}

static void copy_field(char *dst, const mbedtls_x509_buf *v)
{
    size_t n = v->len > BB_OFFICER_FIELD_MAX ? BB_OFFICER_FIELD_MAX : v->len;
    memcpy(dst, v->p, n);
    dst[n] = 0;
    for (size_t i = 0; i < n; i++) /* never hand control bytes to a UI */
        if ((unsigned char)dst[i] < 0x20 || dst[i] == 0x7f)
            dst[i] = '?';
}

static void read_subject(const mbedtls_x509_crt *c, bb_officer_result *res)
{
    for (const mbedtls_x509_name *n = &c->subject; n; n = n->next) {
        if (!n->oid.p)
            continue;
        if (MBEDTLS_OID_CMP(MBEDTLS_OID_AT_CN, &n->oid) == 0)
            copy_field(res->name, &n->val);
        else if (MBEDTLS_OID_CMP(MBEDTLS_OID_AT_ORG_UNIT, &n->oid) == 0)
            copy_field(res->team, &n->val);
        else if (MBEDTLS_OID_CMP(MBEDTLS_OID_AT_LOCALITY, &n->oid) == 0)
            copy_field(res->neighbourhood, &n->val);
        else if (MBEDTLS_OID_CMP(MBEDTLS_OID_AT_SERIAL_NUMBER, &n->oid) == 0 &&
                 n->val.len <= BB_OFFICER_ID_MAX) {
            memcpy(res->officer_id, n->val.p, n->val.len);
            res->officer_id[n->val.len] = 0;
            if (!bb_officer_id_valid(res->officer_id))
                res->officer_id[0] = 0; /* not a number: as if there were none */
        }
    }
    size_t sl = c->serial.len > 20 ? 20 : c->serial.len;
    for (size_t i = 0; i < sl; i++)
        snprintf(res->serial + 2 * i, 3, "%02x", c->serial.p[i]);
    res->not_after = x509_unix(&c->valid_to);
}

/* Carries the extended key usage eku (the beeldbel officer's, identity.h,
 * or time stamping); anyExtendedKeyUsage is not enough. */
static int has_eku(const mbedtls_x509_crt *c, const char *eku, size_t eku_len)
{
    if (!(c->ext_types & MBEDTLS_X509_EXT_EXTENDED_KEY_USAGE))
        return 0;
    for (const mbedtls_x509_sequence *s = &c->ext_key_usage; s && s->buf.p; s = s->next)
        if (s->buf.len == eku_len && memcmp(s->buf.p, eku, eku_len) == 0)
            return 1;
    return 0;
}

static bb_officer_status chain_status(bb_trust *t, mbedtls_x509_crt *c, int64_t now,
                                      const char *eku, size_t eku_len)
{
    if (c->ca_istrue || !is_p256(&c->pk) || !c->subject.oid.p)
        return BB_OFFICER_NOT_OFFICER;
    uint32_t flags = 0;
    mbedtls_x509_crt_verify_with_profile(c, &t->root, t->has_crl ? &t->crl : NULL,
                                         &police_profile, NULL, &flags, mask_time, NULL);
    if (flags & MBEDTLS_X509_BADCERT_NOT_TRUSTED) {
        /* Same issuer name as our root but not its signature: a forgery,
         * not merely some other CA. */
        int same_name = c->issuer_raw.len == t->root.subject_raw.len &&
                        memcmp(c->issuer_raw.p, t->root.subject_raw.p, c->issuer_raw.len) == 0;
        return same_name ? BB_OFFICER_BAD_SIGNATURE : BB_OFFICER_UNKNOWN_CA;
    }
    if (t->has_crl && now > t->crl_next_update)
        return BB_OFFICER_CRL_STALE;
    if (flags & MBEDTLS_X509_BADCERT_REVOKED)
        return BB_OFFICER_REVOKED;
    if (flags)
        return BB_OFFICER_NOT_OFFICER; /* key usage, hash or curve not allowed */
    if (now < x509_unix(&c->valid_from) || now < x509_unix(&t->root.valid_from))
        return BB_OFFICER_NOT_YET_VALID;
    if (now > x509_unix(&c->valid_to) || now > x509_unix(&t->root.valid_to))
        return BB_OFFICER_EXPIRED;
    /* An officer key signs handshakes; a certificate that limits its key to
     * something else is not an officer's. */
    if ((c->ext_types & MBEDTLS_X509_EXT_KEY_USAGE) &&
        !(c->key_usage & MBEDTLS_X509_KU_DIGITAL_SIGNATURE))
        return BB_OFFICER_NOT_OFFICER;
    if (!has_eku(c, eku, eku_len))
        return BB_OFFICER_NOT_OFFICER;
    return BB_OFFICER_OK;
}

int bb_trust_verify_officer(bb_trust *t, const uint8_t *cert, size_t cert_len,
                            const char *expected_id, int64_t now_s,
                            bb_officer_result *res)
{
    if (!t || !res)
        return BB_E_ARG;
    memset(res, 0, sizeof(*res));
    res->revocation_checked = t->has_crl;
    mbedtls_x509_crt c;
    mbedtls_x509_crt_init(&c);
    bb_officer_status st;
    if (parse_crt(&c, cert, cert_len) != BB_OK) {
        st = BB_OFFICER_MALFORMED;
    } else {
        read_subject(&c, res);
        st = chain_status(t, &c, now_s, BB_OFFICER_EKU_OID, BB_OFFICER_EKU_OID_LEN);
        if (st == BB_OFFICER_OK && (!res->name[0] || !res->team[0] || !res->neighbourhood[0] ||
                                    !res->officer_id[0]))
            st = BB_OFFICER_NOT_OFFICER;
        if (st == BB_OFFICER_OK && expected_id && strcmp(expected_id, res->officer_id) != 0)
            st = BB_OFFICER_WRONG_OFFICER;
    }
    mbedtls_x509_crt_free(&c);
    res->status = st;
    if (st != BB_OFFICER_OK) {
        t->stats.rejected[st]++;
        return BB_E_AUTH;
    }
    t->stats.verified++;
    return BB_OK;
}

int bb_trust_verify_tsa(bb_trust *t, const uint8_t *cert, size_t cert_len, int64_t now_s,
                        bb_officer_status *status)
{
    if (!t || !status)
        return BB_E_ARG;
    mbedtls_x509_crt c;
    mbedtls_x509_crt_init(&c);
    bb_officer_status st = parse_crt(&c, cert, cert_len) != BB_OK
                               ? BB_OFFICER_MALFORMED
                               : chain_status(t, &c, now_s, BB_TSA_EKU_OID, BB_TSA_EKU_OID_LEN);
    mbedtls_x509_crt_free(&c);
    *status = st;
    return st == BB_OFFICER_OK ? BB_OK : BB_E_AUTH;
}

const bb_trust_stats *bb_trust_get_stats(const bb_trust *t)
{
    return t ? &t->stats : NULL;
}

const char *bb_officer_status_name(bb_officer_status s)
{
    static const char *n[BB_OFFICER_STATUS_COUNT] = {
        "ok", "malformed", "unknown_ca", "bad_signature", "expired", "not_yet_valid",
        "revoked", "wrong_officer", "not_officer", "crl_stale"};
    return (unsigned)s < BB_OFFICER_STATUS_COUNT ? n[s] : "unknown";
}

const char *bb_officer_status_text(bb_officer_status s, int dutch)
{
    static const char *en[BB_OFFICER_STATUS_COUNT] = {
        "Verified police officer.",
        "The officer's certificate could not be read.",
        "The certificate was not issued by the police.",
        "The certificate's signature is not genuine.",
        "The officer's certificate has expired.",
        "The officer's certificate is not valid yet.",
        "The officer's certificate has been revoked.",
        "This is not the officer this call was arranged with.",
        "This certificate does not belong to a police officer.",
        "The police revocation list is out of date."};
    static const char *nl[BB_OFFICER_STATUS_COUNT] = {
        "Geverifieerde politieagent.",
        "Het certificaat van de agent kon niet worden gelezen.",
        "Het certificaat is niet door de politie uitgegeven.",
        "De handtekening op het certificaat is niet echt.",
        "Het certificaat van de agent is verlopen.",
        "Het certificaat van de agent is nog niet geldig.",
        "Het certificaat van de agent is ingetrokken.",
        "Dit is niet de agent met wie dit gesprek is afgesproken.",
        "Dit certificaat hoort niet bij een politieagent.",
        "De intrekkingslijst van de politie is verouderd."};
    if ((unsigned)s >= BB_OFFICER_STATUS_COUNT)
        return dutch ? "Onbekende fout." : "Unknown error.";
    return dutch ? nl[s] : en[s];
}

int bb_identity_verify_signature(const uint8_t *cert, size_t cert_len,
                                 const uint8_t *msg, size_t msg_len,
                                 const uint8_t *sig, size_t sig_len)
{
    if ((!msg && msg_len) || (!sig && sig_len))
        return BB_E_ARG;
    mbedtls_x509_crt c;
    mbedtls_x509_crt_init(&c);
    unsigned char hash[32];
    int rc = parse_crt(&c, cert, cert_len);
    if (!rc && !is_p256(&c.pk))
        rc = BB_E_PROTO;
    if (!rc && mbedtls_sha256_ret(msg, msg_len, hash, 0))
        rc = BB_E_CRYPTO;
    if (!rc && mbedtls_pk_verify(&c.pk, MBEDTLS_MD_SHA256, hash, 32, sig, sig_len))
        rc = BB_E_AUTH;
    mbedtls_x509_crt_free(&c);
    return rc;
}

int bb_identity_sign(const uint8_t *key, size_t key_len,
                     const uint8_t *msg, size_t msg_len,
                     uint8_t *sig, size_t cap, size_t *sig_len,
                     int (*rng)(void *, unsigned char *, size_t), void *rng_ctx)
{
    if (!key || !key_len || key_len > MAX_CERT_INPUT || (!msg && msg_len) || !sig ||
        !sig_len || !rng)
        return BB_E_ARG;
    *sig_len = 0;
    mbedtls_pk_context pk;
    mbedtls_pk_init(&pk);
    unsigned char hash[32], s[MBEDTLS_PK_SIGNATURE_MAX_SIZE];
    size_t n = 0;
    int rc = BB_OK;
    /* PEM keys must be NUL-terminated for Mbed TLS. */
    unsigned char *z = malloc(key_len + 1);
    if (!z)
        return BB_E_NOMEM;
    memcpy(z, key, key_len);
    z[key_len] = 0;
    size_t zl = (key_len > 10 && memcmp(key, "-----BEGIN", 10) == 0) ? strlen((char *)z) + 1 : key_len;
    if (mbedtls_pk_parse_key(&pk, z, zl, NULL, 0))
        rc = BB_E_PARSE;
    free(z);
    if (!rc && !is_p256(&pk))
        rc = BB_E_UNSUPPORTED;
    if (!rc && (mbedtls_sha256_ret(msg, msg_len, hash, 0) ||
                mbedtls_pk_sign(&pk, MBEDTLS_MD_SHA256, hash, 32, s, &n, rng, rng_ctx)))
        rc = BB_E_CRYPTO;
    if (!rc && n > cap)
        rc = BB_E_BUFFER;
    if (!rc) {
        memcpy(sig, s, n);
        *sig_len = n;
    }
    mbedtls_pk_free(&pk);
    return rc;
}
