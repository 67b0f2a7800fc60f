/*
 * CMS SignedData with one signer, ECDSA P-256 and SHA-256 (signed_data.h).
 */
#include "signed_data.h"

#include <stdlib.h>
#include <string.h>

#include "beeldbel/crypto.h"
#include "beeldbel/error.h"
#include "beeldbel/identity.h"
#include "mbedtls/sha256.h"
#include "mbedtls/x509_crt.h"

#define OID_SIGNED_DATA "\x2a\x86\x48\x86\xf7\x0d\x01\x07\x02"
#define OID_ECDSA_SHA256 "\x2a\x86\x48\xce\x3d\x04\x03\x02"
#define OID_CONTENT_TYPE "\x2a\x86\x48\x86\xf7\x0d\x01\x09\x03"
#define OID_MESSAGE_DIGEST "\x2a\x86\x48\x86\xf7\x0d\x01\x09\x04"
#define OID_SIGNING_CERT_V2 "\x2a\x86\x48\x86\xf7\x0d\x01\x09\x10\x02\x2f"
#define OID_TIMESTAMP_TOKEN "\x2a\x86\x48\x86\xf7\x0d\x01\x09\x10\x02\x0e"
#define MAX_ATTRS 4

void sd_sha256(const uint8_t *d, size_t n, uint8_t out[32])
{
    mbedtls_sha256_ret(d, n, out, 0);
}

/* One attribute: SEQUENCE { type, SET { value } }, value already DER. */
static void attr(der_w *w, const char *oid, size_t oid_len, const uint8_t *value, size_t n)
{
    der_open(w, 0x30);
    der_oid(w, (const uint8_t *)oid, oid_len);
    der_open(w, 0x31);
    der_raw(w, value, n);
    der_close(w);
    der_close(w);
}

/* One attribute into a fresh out from the value in v (freed here). */
static void attr_of(der_w *out, const char *oid, size_t oid_len, der_w *v)
{
    der_init(out);
    attr(out, oid, oid_len, v->p, v->len);
    if (v->err)
        out->err = v->err;
    der_free(v);
}

struct enc {
    const uint8_t *p;
    size_t n;
};

/* DER orders a SET OF by the encodings, shorter ones padded with zeros. */
static int enc_cmp(const void *a, const void *b)
{
    const struct enc *x = a, *y = b;
    size_t n = x->n < y->n ? x->n : y->n;
    int c = memcmp(x->p, y->p, n);
    if (c)
        return c;
    return x->n < y->n ? -1 : x->n > y->n;
}

/* The signed attributes, as the SET OF that is signed (tag 0x31). */
static int signed_attrs(const sd_in *in, der_w *out)
{
    der_w a[MAX_ATTRS];
    int n = 0;
    uint8_t cert_hash[32];
    sd_sha256(in->cert, in->cert_len, cert_hash);

    der_w v;
    der_init(&v);
    der_oid(&v, in->type, in->type_len);
    attr_of(&a[n++], OID_CONTENT_TYPE, OIDLEN(OID_CONTENT_TYPE), &v);
    der_init(&v);
    der_prim(&v, 0x04, in->digest, 32);
    attr_of(&a[n++], OID_MESSAGE_DIGEST, OIDLEN(OID_MESSAGE_DIGEST), &v);
    /* SigningCertificateV2 { certs { ESSCertIDv2 { certHash } } } (SHA-256 is the default). */
    der_init(&v);
    der_open(&v, 0x30);
    der_open(&v, 0x30);
    der_open(&v, 0x30);
    der_prim(&v, 0x04, cert_hash, 32);
    der_close(&v);
    der_close(&v);
    der_close(&v);
    attr_of(&a[n++], OID_SIGNING_CERT_V2, OIDLEN(OID_SIGNING_CERT_V2), &v);
    if (in->extra_oid) {
        der_init(&a[n]);
        attr(&a[n], (const char *)in->extra_oid, in->extra_oid_len, in->extra, in->extra_len);
        n++;
    }
    struct enc e[MAX_ATTRS];
    int err = 0;
    for (int i = 0; i < n; i++) {
        e[i].p = a[i].p;
        e[i].n = a[i].len;
        if (a[i].err)
            err = a[i].err;
    }
    if (!err) {
        qsort(e, (size_t)n, sizeof(e[0]), enc_cmp);
        der_open(out, 0x31);
        for (int i = 0; i < n; i++)
            der_raw(out, e[i].p, e[i].n);
        der_close(out);
    }
    for (int i = 0; i < n; i++)
        der_free(&a[i]);
    return err ? err : out->err;
}

int sd_write(const sd_in *in, der_w *w, uint8_t sig_hash[32])
{
    if (!in || !in->type || !in->digest || !in->key || !in->cert || !in->cert_len ||
        (in->extra_oid && !in->extra))
        return BB_E_ARG;
    mbedtls_x509_crt crt;
    mbedtls_x509_crt_init(&crt);
    if (mbedtls_x509_crt_parse_der(&crt, in->cert, in->cert_len)) {
        mbedtls_x509_crt_free(&crt);
        return BB_E_ARG;
    }
    der_w sa;
    der_init(&sa);
    int rc = signed_attrs(in, &sa);
    uint8_t sig[80];
    size_t sig_len = 0;
    if (!rc)
        rc = bb_identity_sign(in->key, in->key_len, sa.p, sa.len, sig, sizeof(sig), &sig_len,
                              bb_rng_os, NULL);
    if (!rc) {
        if (sig_hash)
            sd_sha256(sig, sig_len, sig_hash);
        int is_data = in->type_len == OIDLEN(OID_DATA) && !memcmp(in->type, OID_DATA, in->type_len);
        der_open(w, 0x30);
        der_oid(w, (const uint8_t *)OID_SIGNED_DATA, OIDLEN(OID_SIGNED_DATA));
        der_open(w, 0xa0);
        der_open(w, 0x30);
        der_small(w, is_data ? 1 : 3);
        der_open(w, 0x31);
        der_alg(w, (const uint8_t *)OID_SHA256, OIDLEN(OID_SHA256));
        der_close(w);
        der_open(w, 0x30);
        der_oid(w, in->type, in->type_len);
        if (in->content) {
            der_open(w, 0xa0);
            der_prim(w, 0x04, in->content, in->content_len);
            der_close(w);
        }
        der_close(w);
        der_open(w, 0xa0);
        der_raw(w, in->cert, in->cert_len);
        der_close(w);
        der_open(w, 0x31);
        der_open(w, 0x30);
        der_small(w, 1);
        der_open(w, 0x30);
        der_raw(w, crt.issuer_raw.p, crt.issuer_raw.len);
        der_prim(w, 0x02, crt.serial.p, crt.serial.len);
        der_close(w);
        der_alg(w, (const uint8_t *)OID_SHA256, OIDLEN(OID_SHA256));
        uint8_t tag = 0xa0; /* [0] IMPLICIT: the signed SET, retagged */
        der_raw(w, &tag, 1);
        der_raw(w, sa.p + 1, sa.len - 1);
        der_alg(w, (const uint8_t *)OID_ECDSA_SHA256, OIDLEN(OID_ECDSA_SHA256));
        der_prim(w, 0x04, sig, sig_len);
        if (in->tst) {
            der_open(w, 0xa1);
            attr(w, OID_TIMESTAMP_TOKEN, OIDLEN(OID_TIMESTAMP_TOKEN), in->tst, in->tst_len);
            der_close(w);
        }
        der_close(w);
        der_close(w);
        der_close(w);
        der_close(w);
        der_close(w);
        rc = w->err;
    }
    der_free(&sa);
    mbedtls_x509_crt_free(&crt);
    return rc;
}

/* AlgorithmIdentifier { oid [, NULL] }. */
static int read_alg(der_r *r, const char *oid, size_t n)
{
    der_tlv a, o, p;
    if (der_next_is(r, 0x30, &a))
        return -1;
    der_r in = der_in(&a);
    if (der_next(&in, &o) || !der_is_oid(&o, (const uint8_t *)oid, n))
        return -1;
    if (der_more(&in) && (der_next_is(&in, 0x05, &p) || p.len))
        return -1;
    return der_more(&in) ? -1 : 0;
}

/* The single value of an attribute's SET. */
static int one_value(const der_tlv *set, der_tlv *v)
{
    der_r r = der_in(set);
    if (set->tag != 0x31 || der_next(&r, v) || der_more(&r))
        return -1;
    return 0;
}

static int read_signed_attrs(const der_tlv *attrs, const uint8_t *extra_oid, size_t extra_oid_len,
                             sd_parsed *o)
{
    der_r r = der_in(attrs);
    int have_type = 0;
    while (der_more(&r)) {
        der_tlv a, oid, set, v;
        if (der_next_is(&r, 0x30, &a))
            return -1;
        der_r ar = der_in(&a);
        if (der_next_is(&ar, 0x06, &oid) || der_next(&ar, &set) || der_more(&ar) ||
            one_value(&set, &v))
            return -1;
        if (der_is_oid(&oid, (const uint8_t *)OID_CONTENT_TYPE, OIDLEN(OID_CONTENT_TYPE))) {
            if (have_type || v.tag != 0x06 || v.len != o->type.len ||
                memcmp(v.v, o->type.v, v.len))
                return -1;
            have_type = 1;
        } else if (der_is_oid(&oid, (const uint8_t *)OID_MESSAGE_DIGEST,
                              OIDLEN(OID_MESSAGE_DIGEST))) {
            if (o->message_digest || v.tag != 0x04 || v.len != 32)
                return -1;
            o->message_digest = v.v;
        } else if (der_is_oid(&oid, (const uint8_t *)OID_SIGNING_CERT_V2,
                              OIDLEN(OID_SIGNING_CERT_V2))) {
            /* SigningCertificateV2 { SEQUENCE OF ESSCertIDv2 }: the first names the signer's. */
            der_tlv certs, id, h;
            der_r sr = der_in(&v);
            if (o->ess_hash || v.tag != 0x30 || der_next_is(&sr, 0x30, &certs))
                return -1;
            der_r cr = der_in(&certs);
            if (der_next_is(&cr, 0x30, &id))
                return -1;
            der_r ir = der_in(&id);
            if (!der_next_is(&ir, 0x30, &h)) { /* hashAlgorithm present: must be SHA-256 */
                der_r again = der_in(&id);
                if (read_alg(&again, OID_SHA256, OIDLEN(OID_SHA256)))
                    return -1;
                ir = again;
            }
            if (der_next_is(&ir, 0x04, &h) || h.len != 32)
                return -1;
            o->ess_hash = h.v;
        } else if (extra_oid && der_is_oid(&oid, extra_oid, extra_oid_len)) {
            if (o->extra)
                return -1;
            o->extra = v.whole;
            o->extra_len = v.whole_len;
        } else {
            return -1; /* nothing else is ever signed here */
        }
    }
    return have_type && o->message_digest && o->ess_hash ? 0 : -1;
}

int sd_parse(const uint8_t *p, size_t len, const uint8_t *extra_oid, size_t extra_oid_len,
             sd_parsed *o)
{
    if (!p || !o)
        return BB_E_ARG;
    memset(o, 0, sizeof(*o));
    der_r top = { p, p + len };
    der_tlv ci, oid, ex, sdt, ver, algs, encap, t, sis, si;
    if (der_next_is(&top, 0x30, &ci) || der_more(&top))
        return BB_E_PARSE;
    der_r cr = der_in(&ci);
    if (der_next(&cr, &oid) || !der_is_oid(&oid, (const uint8_t *)OID_SIGNED_DATA,
                                           OIDLEN(OID_SIGNED_DATA)) ||
        der_next_is(&cr, 0xa0, &ex) || der_more(&cr))
        return BB_E_PARSE;
    der_r er = der_in(&ex);
    if (der_next_is(&er, 0x30, &sdt) || der_more(&er))
        return BB_E_PARSE;
    der_r s = der_in(&sdt);
    if (der_next_is(&s, 0x02, &ver) || ver.len != 1 || (ver.v[0] != 1 && ver.v[0] != 3))
        return BB_E_PARSE;
    if (der_next_is(&s, 0x31, &algs))
        return BB_E_PARSE;
    der_r ar = der_in(&algs);
    if (read_alg(&ar, OID_SHA256, OIDLEN(OID_SHA256)) || der_more(&ar))
        return BB_E_PARSE;
    if (der_next_is(&s, 0x30, &encap))
        return BB_E_PARSE;
    der_r enr = der_in(&encap);
    if (der_next_is(&enr, 0x06, &o->type))
        return BB_E_PARSE;
    if (der_more(&enr)) {
        der_tlv wrap, oct;
        if (der_next_is(&enr, 0xa0, &wrap) || der_more(&enr))
            return BB_E_PARSE;
        der_r wr = der_in(&wrap);
        if (der_next_is(&wr, 0x04, &oct) || der_more(&wr))
            return BB_E_PARSE;
        o->content = oct.v;
        o->content_len = oct.len;
    }
    if (!der_next_is(&s, 0xa0, &t)) { /* certificates: exactly one */
        der_r tr = der_in(&t);
        der_tlv c;
        if (der_next_is(&tr, 0x30, &c) || der_more(&tr))
            return BB_E_PARSE;
        o->cert = c.whole;
        o->cert_len = c.whole_len;
    }
    if (!o->cert || der_next_is(&s, 0x31, &sis) || der_more(&s))
        return BB_E_PARSE; /* no revocation lists, one set of signers */
    der_r sr = der_in(&sis);
    if (der_next_is(&sr, 0x30, &si) || der_more(&sr))
        return BB_E_PARSE;
    der_r r = der_in(&si);
    der_tlv sv, sid;
    if (der_next_is(&r, 0x02, &sv) || sv.len != 1 || sv.v[0] != 1 ||
        der_next_is(&r, 0x30, &sid))
        return BB_E_PARSE;
    der_r idr = der_in(&sid);
    if (der_next_is(&idr, 0x30, &o->sid_issuer) || der_next_is(&idr, 0x02, &o->sid_serial) ||
        der_more(&idr))
        return BB_E_PARSE;
    if (read_alg(&r, OID_SHA256, OIDLEN(OID_SHA256)) || der_next_is(&r, 0xa0, &o->signed_attrs) ||
        read_signed_attrs(&o->signed_attrs, extra_oid, extra_oid_len, o) ||
        read_alg(&r, OID_ECDSA_SHA256, OIDLEN(OID_ECDSA_SHA256)) ||
        der_next_is(&r, 0x04, &o->sig) || !o->sig.len)
        return BB_E_PARSE;
    if (der_more(&r)) {
        der_tlv u, a, aoid, set, v;
        if (der_next_is(&r, 0xa1, &u) || der_more(&r))
            return BB_E_PARSE;
        der_r ur = der_in(&u);
        if (der_next_is(&ur, 0x30, &a) || der_more(&ur))
            return BB_E_PARSE;
        der_r aar = der_in(&a);
        if (der_next_is(&aar, 0x06, &aoid) ||
            !der_is_oid(&aoid, (const uint8_t *)OID_TIMESTAMP_TOKEN, OIDLEN(OID_TIMESTAMP_TOKEN)) ||
            der_next(&aar, &set) || der_more(&aar) || one_value(&set, &v) || v.tag != 0x30)
            return BB_E_PARSE;
        o->tst = v.whole;
        o->tst_len = v.whole_len;
    }
    return BB_OK;
}

int sd_verify(const sd_parsed *sd)
{
    uint8_t h[32];
    sd_sha256(sd->cert, sd->cert_len, h);
    if (memcmp(h, sd->ess_hash, 32) != 0)
        return BB_E_AUTH;
    mbedtls_x509_crt crt;
    mbedtls_x509_crt_init(&crt);
    if (mbedtls_x509_crt_parse_der(&crt, sd->cert, sd->cert_len)) {
        mbedtls_x509_crt_free(&crt);
        return BB_E_PARSE;
    }
    int rc = BB_OK;
    if (crt.issuer_raw.len != sd->sid_issuer.whole_len ||
        memcmp(crt.issuer_raw.p, sd->sid_issuer.whole, crt.issuer_raw.len) ||
        crt.serial.len != sd->sid_serial.len || memcmp(crt.serial.p, sd->sid_serial.v, crt.serial.len))
        rc = BB_E_AUTH;
    mbedtls_x509_crt_free(&crt);
    if (rc)
        return rc;
    /* What was signed is the attributes with their SET tag. */
    uint8_t *m = malloc(sd->signed_attrs.whole_len);
    if (!m)
        return BB_E_NOMEM;
    memcpy(m, sd->signed_attrs.whole, sd->signed_attrs.whole_len);
    m[0] = 0x31;
    rc = bb_identity_verify_signature(sd->cert, sd->cert_len, m, sd->signed_attrs.whole_len,
                                      sd->sig.v, sd->sig.len);
    free(m);
    return rc ? BB_E_AUTH : BB_OK;
}
