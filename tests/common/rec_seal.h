/*
 * The recorded call of rec_sample.h, sealed for tests: its three segments
 * (up to each cut, the first with the header: 0-2 s, 2-4 s, 4-5 s) in a
 * manifest (seal.h), sealed by an officer of police_ca.h with a timestamp
 * from a time-stamping service. Header-only, like police_ca.h.
 */
#ifndef BB_TEST_REC_SEAL_H
#define BB_TEST_REC_SEAL_H

#include <stdlib.h>
#include <string.h>

#include "beeldbel/cms.h"
#include "beeldbel/seal.h"
#include "police_ca.h"
#include "rec_sample.h"

static const int64_t rec_seg_ms[4] = { 0, 2000, 4000, 5000 };
static inline size_t rec_seg_at(const rec_sample *r, int k) { return k ? r->cut_at[k - 1] : 0; }

/* When the time-stamping service stamps (Unix seconds). */
static int64_t rec_stamp_at = PCA_NOW;

/* The officer's signature over digest by o, timestamped by svc (whose
 * root, PEM, is svc_root) at rec_stamp_at: the CMS into cms (BB_CMS_MAX). */
static inline int rec_sign(const uint8_t digest[32], const police_officer *o, const police_officer *svc,
                           const char *svc_root, uint8_t *cms, size_t *len)
{
    uint8_t imprint[32], req[BB_TSP_MAX_REQUEST], resp[BB_TSP_MAX_RESPONSE];
    static const uint8_t nonce[BB_TSP_NONCE_LEN] = { 9, 8, 7 };
    size_t req_len, resp_len;
    bb_pades_request rq = { .digest = digest, .key = (const uint8_t *)o->key, .key_len = strlen(o->key) + 1,
                            .cert = o->der, .cert_len = o->der_len };
    int rc = bb_pades_sign(&rq, NULL, 0, cms, BB_CMS_MAX, len, imprint);
    if (!rc) rc = bb_tsp_request(imprint, nonce, req, sizeof(req), &req_len);
    bb_tsa_request tr;
    int fail_bit;
    if (!rc) rc = bb_tsa_parse_request(req, req_len, &tr, &fail_bit);
    if (!rc)
        rc = bb_tsa_grant(&tr, (const uint8_t *)svc->key, strlen(svc->key) + 1, svc->der, svc->der_len,
                          rec_stamp_at, bb_rng_os, NULL, resp, sizeof(resp), &resp_len);
    const uint8_t *tst = NULL;
    size_t tst_len = 0;
    bb_trust *t = NULL;
    if (!rc) rc = bb_trust_new(&t, (const uint8_t *)svc_root, strlen(svc_root) + 1);
    int64_t when;
    if (!rc) rc = bb_tsp_check_response(resp, resp_len, imprint, nonce, t, &tst, &tst_len, &when);
    bb_trust_free(t);
    if (!rc) rc = bb_pades_sign(&rq, tst, tst_len, cms, BB_CMS_MAX, len, NULL);
    return rc;
}

/* A seal over the manifest as it stands (rec_sign). */
static inline int rec_seal(bb_rec_manifest *m, const police_officer *o, const police_officer *svc, const char *svc_root)
{
    uint8_t digest[32], cms[BB_CMS_MAX];
    size_t len;
    int rc = bb_rec_manifest_digest(m, digest);
    if (!rc) rc = rec_sign(digest, o, svc, svc_root, cms, &len);
    if (!rc) rc = bb_rec_manifest_seal(m, cms, len);
    return rc;
}

/* The manifest (JSON, malloc'd) of file f, laid out as r, started at
 * started_ms, sealed after `first` segments (0: not) and at the end (`end`
 * 0: not); NULL on error. */
static inline char *rec_manifest_at(const rec_sample *r, const uint8_t *f, const police_officer *o,
                                    const police_officer *svc, const char *svc_root, int first, int end,
                                    int64_t started_ms)
{
    bb_rec_manifest *m;
    if (bb_rec_manifest_new(&m, REC_SAMPLE_TITLE, started_ms, "100001"))
        return NULL;
    int rc = 0;
    for (int k = 0; k < 3 && !rc; k++) {
        rc = bb_rec_manifest_segment(m, f + rec_seg_at(r, k), rec_seg_at(r, k + 1) - rec_seg_at(r, k),
                                     rec_seg_ms[k], rec_seg_ms[k + 1]);
        if (!rc && ((first && k + 1 == first) || (end && k == 2)))
            rc = rec_seal(m, o, svc, svc_root);
    }
    char *j = NULL;
    if (!rc)
        rc = bb_rec_manifest_json(m, &j, NULL);
    bb_rec_manifest_free(m);
    return rc ? NULL : j;
}

/* rec_manifest_at, started at REC_SAMPLE_STARTED_MS. */
static inline char *rec_manifest(const rec_sample *r, const uint8_t *f, const police_officer *o,
                                 const police_officer *svc, const char *svc_root, int first, int end)
{
    return rec_manifest_at(r, f, o, svc, svc_root, first, end, REC_SAMPLE_STARTED_MS);
}

#endif
