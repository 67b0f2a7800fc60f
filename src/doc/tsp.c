/*
 * RFC 3161 time stamps (cms.h): the request and the check of the answer,
 * and the police time-stamping service's side.
 */
#include <string.h>

#include "beeldbel/cms.h"
#include "beeldbel/error.h"
#include "signed_data.h"

static int out_copy(der_w *w, uint8_t *out, size_t cap, size_t *len)
{
    int rc = w->err;
    if (!rc) {
        *len = w->len;
        if (w->len > cap)
            rc = BB_E_BUFFER;
        else
            memcpy(out, w->p, w->len);
    }
    der_free(w);
    return rc;
}

static void imprint(der_w *w, const uint8_t h[32])
{
    der_open(w, 0x30);
    der_alg(w, (const uint8_t *)OID_SHA256, OIDLEN(OID_SHA256));
    der_prim(w, 0x04, h, 32);
    der_close(w);
}

int bb_tsp_request(const uint8_t hash[32], const uint8_t nonce[BB_TSP_NONCE_LEN], uint8_t *out,
                   size_t cap, size_t *len)
{
    if (!hash || !nonce || !out || !len)
        return BB_E_ARG;
    der_w w;
    der_init(&w);
    der_open(&w, 0x30);
    der_small(&w, 1);
    imprint(&w, hash);
    der_uint(&w, nonce, BB_TSP_NONCE_LEN);
    uint8_t yes = 0xff;
    der_prim(&w, 0x01, &yes, 1);
    der_close(&w);
    return out_copy(&w, out, cap, len);
}

/* An INTEGER's magnitude without leading zeros; -1 if negative or empty. */
static int magnitude(const der_tlv *t, const uint8_t **m, size_t *n)
{
    if (t->tag != 0x02 || !t->len || (t->v[0] & 0x80))
        return -1;
    if (t->len > 1 && t->v[0] == 0 && !(t->v[1] & 0x80))
        return -1; /* not minimal */
    *m = t->v;
    *n = t->len;
    while (*n > 1 && **m == 0)
        (*m)++, (*n)--;
    return 0;
}

/* MessageImprint { sha256, 32 bytes }: 0, or the failure bit. */
static int read_imprint(const der_tlv *mi, const uint8_t **h)
{
    der_r r = der_in(mi);
    der_tlv a, o, p, oct;
    if (mi->tag != 0x30 || der_next_is(&r, 0x30, &a))
        return BB_TSA_FAIL_BAD_DATA_FORMAT;
    der_r ar = der_in(&a);
    if (der_next_is(&ar, 0x06, &o))
        return BB_TSA_FAIL_BAD_DATA_FORMAT;
    if (der_more(&ar) && (der_next_is(&ar, 0x05, &p) || p.len || der_more(&ar)))
        return BB_TSA_FAIL_BAD_DATA_FORMAT;
    if (!der_is_oid(&o, (const uint8_t *)OID_SHA256, OIDLEN(OID_SHA256)))
        return BB_TSA_FAIL_BAD_ALG;
    if (der_next_is(&r, 0x04, &oct) || oct.len != 32 || der_more(&r))
        return BB_TSA_FAIL_BAD_DATA_FORMAT;
    *h = oct.v;
    return -1;
}

int bb_tsa_parse_request(const uint8_t *req, size_t len, bb_tsa_request *out, int *fail_bit)
{
    int fb = BB_TSA_FAIL_BAD_DATA_FORMAT;
    if (fail_bit)
        *fail_bit = fb;
    if (!req || !out || !fail_bit)
        return BB_E_ARG;
    memset(out, 0, sizeof(*out));
    if (len > BB_TSP_MAX_REQUEST)
        return BB_E_TOO_LARGE;
    der_r top = { req, req + len }, r;
    der_tlv s, v, mi, t;
    if (der_next_is(&top, 0x30, &s) || der_more(&top))
        return BB_E_PARSE;
    r = der_in(&s);
    if (der_next_is(&r, 0x02, &v) || v.len != 1 || v.v[0] != 1) {
        *fail_bit = BB_TSA_FAIL_BAD_REQUEST;
        return BB_E_PARSE;
    }
    const uint8_t *h = NULL;
    if (der_next(&r, &mi))
        return BB_E_PARSE;
    fb = read_imprint(&mi, &h);
    if (fb >= 0) {
        *fail_bit = fb;
        return fb == BB_TSA_FAIL_BAD_ALG ? BB_E_UNSUPPORTED : BB_E_PARSE;
    }
    memcpy(out->imprint, h, 32);
    if (!der_next_is(&r, 0x06, &t) &&
        !der_is_oid(&t, (const uint8_t *)BB_TSA_POLICY_OID, BB_TSA_POLICY_OID_LEN)) {
        *fail_bit = BB_TSA_FAIL_UNACCEPTED_POLICY;
        return BB_E_UNSUPPORTED;
    }
    if (!der_next_is(&r, 0x02, &t)) {
        const uint8_t *m;
        size_t n;
        if (magnitude(&t, &m, &n) || n > sizeof(out->nonce))
            return BB_E_PARSE;
        memcpy(out->nonce, m, n);
        out->nonce_len = n;
    }
    if (!der_next_is(&r, 0x01, &t)) {
        if (t.len != 1 || (t.v[0] != 0 && t.v[0] != 0xff))
            return BB_E_PARSE;
        out->cert_req = t.v[0] == 0xff;
    }
    if (!der_next_is(&r, 0xa0, &t)) {
        *fail_bit = BB_TSA_FAIL_UNACCEPTED_EXTENSION;
        return BB_E_UNSUPPORTED;
    }
    if (der_more(&r))
        return BB_E_PARSE;
    *fail_bit = -1;
    return BB_OK;
}

int bb_tsa_refuse(int fail_bit, uint8_t *out, size_t cap, size_t *len)
{
    if (fail_bit < 0 || fail_bit > 31 || !out || !len)
        return BB_E_ARG;
    uint8_t bits[5] = { 0 };
    size_t nbytes = (size_t)fail_bit / 8 + 1;
    bits[0] = (uint8_t)(7 - fail_bit % 8); /* unused bits after the last one set */
    bits[nbytes] = (uint8_t)(0x80 >> (fail_bit % 8));
    der_w w;
    der_init(&w);
    der_open(&w, 0x30);
    der_open(&w, 0x30);
    der_small(&w, 2); /* rejection */
    der_prim(&w, 0x03, bits, nbytes + 1);
    der_close(&w);
    der_close(&w);
    return out_copy(&w, out, cap, len);
}

int bb_tsa_grant(const bb_tsa_request *rq, const uint8_t *key, size_t key_len,
                 const uint8_t *cert, size_t cert_len, int64_t now_s, bb_rng_fn rng,
                 void *rng_ctx, uint8_t *out, size_t cap, size_t *len)
{
    if (!rq || !key || !cert || !rng || !out || !len || rq->nonce_len > sizeof(rq->nonce))
        return BB_E_ARG;
    uint8_t serial[16];
    if (rng(rng_ctx, serial, sizeof(serial)))
        return BB_E_CRYPTO;
    serial[0] = (uint8_t)((serial[0] & 0x7f) | 0x40); /* 16 bytes, positive */
    der_w info;
    der_init(&info);
    der_open(&info, 0x30);
    der_small(&info, 1);
    der_oid(&info, (const uint8_t *)BB_TSA_POLICY_OID, BB_TSA_POLICY_OID_LEN);
    imprint(&info, rq->imprint);
    der_uint(&info, serial, sizeof(serial));
    der_time(&info, now_s);
    if (rq->nonce_len)
        der_uint(&info, rq->nonce, rq->nonce_len);
    der_close(&info);
    if (info.err) {
        int e = info.err;
        der_free(&info);
        return e;
    }
    uint8_t digest[32];
    sd_sha256(info.p, info.len, digest);
    sd_in in = { 0 };
    in.type = (const uint8_t *)OID_TSTINFO;
    in.type_len = OIDLEN(OID_TSTINFO);
    in.content = info.p;
    in.content_len = info.len;
    in.digest = digest;
    in.key = key;
    in.key_len = key_len;
    in.cert = cert;
    in.cert_len = cert_len;
    der_w w;
    der_init(&w);
    der_open(&w, 0x30);
    der_open(&w, 0x30);
    der_small(&w, 0); /* granted */
    der_close(&w);
    int rc = sd_write(&in, &w, NULL);
    der_close(&w);
    der_free(&info);
    if (rc) {
        der_free(&w);
        return rc;
    }
    return out_copy(&w, out, cap, len);
}

/* TSTInfo (untrusted, inside a verified token): policy, imprint, nonce, time. */
static int read_tstinfo(const uint8_t *p, size_t n, const uint8_t hash[32],
                        const uint8_t nonce[BB_TSP_NONCE_LEN], int64_t *gen_time)
{
    der_r top = { p, p + n };
    der_tlv s, v, pol, mi, serial, gt, t;
    if (der_next_is(&top, 0x30, &s) || der_more(&top))
        return BB_E_PARSE;
    der_r r = der_in(&s);
    const uint8_t *h = NULL;
    if (der_next_is(&r, 0x02, &v) || v.len != 1 || v.v[0] != 1 ||
        der_next_is(&r, 0x06, &pol) || der_next(&r, &mi) || read_imprint(&mi, &h) >= 0 ||
        der_next_is(&r, 0x02, &serial) || der_next_is(&r, 0x18, &gt) ||
        der_read_time(&gt, gen_time))
        return BB_E_PARSE;
    if (!der_is_oid(&pol, (const uint8_t *)BB_TSA_POLICY_OID, BB_TSA_POLICY_OID_LEN) ||
        memcmp(h, hash, 32) != 0)
        return BB_E_PROTO;
    der_next_is(&r, 0x30, &t); /* accuracy */
    der_next_is(&r, 0x01, &t); /* ordering */
    if (!der_next_is(&r, 0x02, &t)) {
        const uint8_t *m;
        size_t mn;
        if (magnitude(&t, &m, &mn))
            return BB_E_PARSE;
        if (nonce) {
            const uint8_t *want = nonce;
            size_t wn = BB_TSP_NONCE_LEN;
            while (wn > 1 && *want == 0)
                want++, wn--;
            if (mn != wn || memcmp(m, want, wn) != 0)
                return BB_E_PROTO;
        }
    } else if (nonce) {
        return BB_E_PROTO; /* our request always has a nonce */
    }
    der_next_is(&r, 0xa0, &t); /* tsa name */
    return der_more(&r) ? BB_E_PARSE : BB_OK;
}

int tst_check(const uint8_t *tok, size_t tok_len, const uint8_t hash[32], const uint8_t *nonce,
              bb_trust *trust, int64_t *gen_time)
{
    sd_parsed sd;
    int rc = sd_parse(tok, tok_len, NULL, 0, &sd);
    if (rc)
        return rc;
    if (!der_is_oid(&sd.type, (const uint8_t *)OID_TSTINFO, OIDLEN(OID_TSTINFO)) || !sd.content)
        return BB_E_PARSE;
    uint8_t d[32];
    sd_sha256(sd.content, sd.content_len, d);
    if (memcmp(d, sd.message_digest, 32) != 0)
        return BB_E_AUTH;
    rc = sd_verify(&sd);
    if (rc)
        return rc;
    int64_t t = 0;
    rc = read_tstinfo(sd.content, sd.content_len, hash, nonce, &t);
    if (rc)
        return rc;
    bb_officer_status st;
    if (bb_trust_verify_tsa(trust, sd.cert, sd.cert_len, t, &st))
        return BB_E_AUTH;
    *gen_time = t;
    return BB_OK;
}

int bb_tsp_check_response(const uint8_t *resp, size_t len, const uint8_t hash[32],
                          const uint8_t nonce[BB_TSP_NONCE_LEN], bb_trust *trust,
                          const uint8_t **tst, size_t *tst_len, int64_t *gen_time)
{
    if (!resp || !hash || !nonce || !trust || !tst || !tst_len || !gen_time)
        return BB_E_ARG;
    if (len > BB_TSP_MAX_RESPONSE)
        return BB_E_TOO_LARGE;
    der_r top = { resp, resp + len };
    der_tlv s, st, code, tok;
    if (der_next_is(&top, 0x30, &s) || der_more(&top))
        return BB_E_PARSE;
    der_r r = der_in(&s);
    if (der_next_is(&r, 0x30, &st))
        return BB_E_PARSE;
    der_r sr = der_in(&st);
    if (der_next_is(&sr, 0x02, &code) || code.len != 1)
        return BB_E_PARSE;
    if (code.v[0] > 1)
        return BB_E_PROTO; /* refused */
    if (der_next_is(&r, 0x30, &tok) || der_more(&r))
        return BB_E_PARSE;
    int rc = tst_check(tok.whole, tok.whole_len, hash, nonce, trust, gen_time);
    if (rc)
        return rc;
    *tst = tok.whole;
    *tst_len = tok.whole_len;
    return BB_OK;
}
