/*
 * The officer's PAdES signature (cms.h): a detached CMS SignedData over the
 * PDF's signed bytes, with the citizen's consent among the signed
 * attributes and the police timestamp over the signature value.
 */
#include <string.h>

#include "beeldbel/cms.h"
#include "beeldbel/error.h"
#include "signed_data.h"

int bb_pades_sign(const bb_pades_request *rq, const uint8_t *tst, size_t tst_len,
                  uint8_t *out, size_t cap, size_t *len, uint8_t imprint[32])
{
    if (!rq || !rq->digest || !rq->key || !rq->cert || !out || !len ||
        (rq->consent && !rq->consent_len))
        return BB_E_ARG;
    sd_in in = { 0 };
    in.type = (const uint8_t *)OID_DATA;
    in.type_len = OIDLEN(OID_DATA);
    in.digest = rq->digest;
    in.key = rq->key;
    in.key_len = rq->key_len;
    in.cert = rq->cert;
    in.cert_len = rq->cert_len;
    if (rq->consent) {
        in.extra_oid = (const uint8_t *)BB_CMS_CONSENT_OID;
        in.extra_oid_len = BB_CMS_CONSENT_OID_LEN;
        in.extra = rq->consent;
        in.extra_len = rq->consent_len;
    }
    in.tst = tst;
    in.tst_len = tst ? tst_len : 0;
    der_w w;
    der_init(&w);
    int rc = sd_write(&in, &w, imprint);
    if (!rc) {
        *len = w.len;
        if (w.len > cap || w.len > BB_CMS_MAX)
            rc = w.len > BB_CMS_MAX ? BB_E_TOO_LARGE : BB_E_BUFFER;
        else
            memcpy(out, w.p, w.len);
    }
    der_free(&w);
    return rc;
}

int bb_pades_verify(const uint8_t *cms, size_t cms_len, const uint8_t digest[32],
                    bb_trust *trust, const char *expected_id, int64_t now_s,
                    int require_timestamp, bb_pades_result *res)
{
    if (!cms || !digest || !trust || !res)
        return BB_E_ARG;
    memset(res, 0, sizeof(*res));
    if (cms_len > BB_CMS_MAX)
        return BB_E_TOO_LARGE;
    sd_parsed sd;
    int rc = sd_parse(cms, cms_len, (const uint8_t *)BB_CMS_CONSENT_OID, BB_CMS_CONSENT_OID_LEN,
                      &sd);
    if (rc)
        return rc;
    if (!der_is_oid(&sd.type, (const uint8_t *)OID_DATA, OIDLEN(OID_DATA)) || sd.content)
        return BB_E_PARSE; /* detached, over data */
    if (memcmp(sd.message_digest, digest, 32) != 0)
        return BB_E_AUTH;
    rc = sd_verify(&sd);
    if (rc)
        return rc;
    int64_t when = now_s;
    if (sd.tst) {
        uint8_t h[32];
        sd_sha256(sd.sig.v, sd.sig.len, h);
        rc = tst_check(sd.tst, sd.tst_len, h, NULL, trust, &res->timestamp);
        if (rc)
            return rc;
        when = res->timestamp;
    } else if (require_timestamp) {
        return BB_E_PROTO;
    }
    if (bb_trust_verify_officer(trust, sd.cert, sd.cert_len, expected_id, when, &res->signer))
        return BB_E_AUTH;
    res->consent = sd.extra;
    res->consent_len = sd.extra_len;
    return BB_OK;
}
