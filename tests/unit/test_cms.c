/*
 * The officer's PAdES signature and the police timestamp (cms.h): made,
 * checked, and refused when anything in them is not what it should be.
 */
#include <string.h>

#include "../common/bb_test.h"
#include "beeldbel/cms.h"
#include "beeldbel/error.h"
#include "../common/police_ca.h"

static police_ca ca, other_ca;
static police_officer jan, tsa, other_tsa, stranger;
static int fixture_rc = -1;

static int fixture(void)
{
    if (fixture_rc != -1)
        return fixture_rc;
    int rc = pca_init(&ca, 11, "Politie Demo Root CA");
    if (!rc) rc = pca_officer(&ca, &jan, "Jan de Vries", "100001", 1001, -1, 12);
    if (!rc) rc = pca_tsa(&ca, &tsa, 2001);
    if (!rc) rc = pca_init(&other_ca, 12, "Andere CA");
    if (!rc) rc = pca_tsa(&other_ca, &other_tsa, 2001);
    if (!rc) rc = pca_officer(&other_ca, &stranger, "Jan de Vries", "100001", 1001, -1, 12);
    fixture_rc = rc;
    return rc;
}

static bb_trust *trust(void)
{
    bb_trust *t = NULL;
    if (bb_trust_new(&t, (const uint8_t *)ca.root_cert, strlen(ca.root_cert) + 1))
        return NULL;
    return t;
}

static const uint8_t nonce[BB_TSP_NONCE_LEN] = { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15 };

/* The service's answer to a request for hash, made by key/cert at now. */
static int stamp(const police_officer *svc, const uint8_t hash[32], const uint8_t *n,
                 uint8_t *resp, size_t *resp_len)
{
    uint8_t req[BB_TSP_MAX_REQUEST];
    size_t req_len;
    int rc = bb_tsp_request(hash, n, req, sizeof(req), &req_len);
    bb_tsa_request rq;
    int fail;
    if (!rc) rc = bb_tsa_parse_request(req, req_len, &rq, &fail);
    if (!rc)
        rc = bb_tsa_grant(&rq, (const uint8_t *)svc->key, strlen(svc->key) + 1, svc->der,
                          svc->der_len, PCA_NOW, bb_rng_os, NULL, resp, BB_TSP_MAX_RESPONSE,
                          resp_len);
    return rc;
}

TEST(a_timestamp_request_round_trips_and_the_token_checks)
{
    CHECK_EQ_INT(fixture(), BB_OK);
    bb_trust *t = trust();
    CHECK(t);
    uint8_t hash[32], resp[BB_TSP_MAX_RESPONSE];
    memset(hash, 0xab, sizeof(hash));
    size_t resp_len;
    CHECK_EQ_INT(stamp(&tsa, hash, nonce, resp, &resp_len), BB_OK);
    const uint8_t *tok;
    size_t tok_len;
    int64_t when = 0;
    CHECK_EQ_INT(bb_tsp_check_response(resp, resp_len, hash, nonce, t, &tok, &tok_len, &when),
                 BB_OK);
    CHECK_EQ_INT(when, PCA_NOW);
    CHECK(tok > resp && tok + tok_len == resp + resp_len);

    uint8_t other[32];
    memset(other, 0xac, sizeof(other));
    CHECK_EQ_INT(bb_tsp_check_response(resp, resp_len, other, nonce, t, &tok, &tok_len, &when),
                 BB_E_PROTO);
    uint8_t n2[BB_TSP_NONCE_LEN];
    memcpy(n2, nonce, sizeof(n2));
    n2[15] ^= 1;
    CHECK_EQ_INT(bb_tsp_check_response(resp, resp_len, hash, n2, t, &tok, &tok_len, &when),
                 BB_E_PROTO);
    /* Any byte changed: refused, never accepted. */
    for (size_t i = 0; i < resp_len; i += 7) {
        resp[i] ^= 0x01;
        CHECK(bb_tsp_check_response(resp, resp_len, hash, nonce, t, &tok, &tok_len, &when) != BB_OK);
        resp[i] ^= 0x01;
    }
    bb_trust_free(t);
}

TEST(a_token_from_another_root_or_from_an_officer_key_is_refused)
{
    CHECK_EQ_INT(fixture(), BB_OK);
    bb_trust *t = trust();
    CHECK(t);
    uint8_t hash[32], resp[BB_TSP_MAX_RESPONSE];
    memset(hash, 0x11, sizeof(hash));
    size_t resp_len;
    const uint8_t *tok;
    size_t tok_len;
    int64_t when;
    CHECK_EQ_INT(stamp(&other_tsa, hash, nonce, resp, &resp_len), BB_OK);
    CHECK_EQ_INT(bb_tsp_check_response(resp, resp_len, hash, nonce, t, &tok, &tok_len, &when),
                 BB_E_AUTH);
    /* An officer certificate of the right root is not a time-stamping one. */
    CHECK_EQ_INT(stamp(&jan, hash, nonce, resp, &resp_len), BB_OK);
    CHECK_EQ_INT(bb_tsp_check_response(resp, resp_len, hash, nonce, t, &tok, &tok_len, &when),
                 BB_E_AUTH);
    bb_trust_free(t);
}

TEST(the_service_refuses_what_it_does_not_grant_and_says_why)
{
    uint8_t req[BB_TSP_MAX_REQUEST], hash[32] = { 1 };
    size_t len;
    bb_tsa_request rq;
    int fail;
    CHECK_EQ_INT(bb_tsp_request(hash, nonce, req, sizeof(req), &len), BB_OK);
    CHECK_EQ_INT(bb_tsa_parse_request(req, len, &rq, &fail), BB_OK);
    CHECK_EQ_INT(fail, -1);
    CHECK(rq.cert_req);
    CHECK_EQ_INT(rq.nonce_len, 15); /* the leading zero byte is not part of the number */
    CHECK(memcmp(rq.imprint, hash, 32) == 0);

    /* SHA-1 instead of SHA-256 (the OID's last byte 0x01 -> the sha1 arc). */
    static const uint8_t sha1_req[] = { 0x30, 0x24, 0x02, 0x01, 0x01, 0x30, 0x1f, 0x30, 0x07,
        0x06, 0x05, 0x2b, 0x0e, 0x03, 0x02, 0x1a, 0x04, 0x14, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10,
        11, 12, 13, 14, 15, 16, 17, 18, 19, 20 };
    CHECK_EQ_INT(bb_tsa_parse_request(sha1_req, sizeof(sha1_req), &rq, &fail), BB_E_UNSUPPORTED);
    CHECK_EQ_INT(fail, BB_TSA_FAIL_BAD_ALG);
    /* Extensions: not accepted. */
    uint8_t ext[BB_TSP_MAX_REQUEST];
    memcpy(ext, req, len);
    ext[1] += 2;
    ext[len] = 0xa0;
    ext[len + 1] = 0;
    CHECK_EQ_INT(bb_tsa_parse_request(ext, len + 2, &rq, &fail), BB_E_UNSUPPORTED);
    CHECK_EQ_INT(fail, BB_TSA_FAIL_UNACCEPTED_EXTENSION);
    /* Truncated, version 2, trailing bytes. */
    CHECK_EQ_INT(bb_tsa_parse_request(req, len - 1, &rq, &fail), BB_E_PARSE);
    memcpy(ext, req, len);
    ext[4] = 2;
    CHECK_EQ_INT(bb_tsa_parse_request(ext, len, &rq, &fail), BB_E_PARSE);
    CHECK_EQ_INT(fail, BB_TSA_FAIL_BAD_REQUEST);

    uint8_t resp[64];
    size_t rl;
    CHECK_EQ_INT(bb_tsa_refuse(BB_TSA_FAIL_BAD_ALG, resp, sizeof(resp), &rl), BB_OK);
    static const uint8_t want[] = { 0x30, 0x09, 0x30, 0x07, 0x02, 0x01, 0x02, 0x03, 0x02, 0x07, 0x80 };
    CHECK_EQ_INT(rl, sizeof(want));
    CHECK(memcmp(resp, want, rl) == 0);
    bb_trust *t = NULL;
    CHECK_EQ_INT(fixture(), BB_OK);
    t = trust();
    const uint8_t *tok;
    size_t tok_len;
    int64_t when;
    CHECK_EQ_INT(bb_tsp_check_response(resp, rl, hash, nonce, t, &tok, &tok_len, &when), BB_E_PROTO);
    bb_trust_free(t);
}

/* A signature with its timestamp over digest, as the officer's engine makes it. */
static int pades(const police_officer *o, const uint8_t digest[32], const uint8_t *consent,
                 size_t consent_len, uint8_t *cms, size_t *cms_len)
{
    bb_pades_request rq = { digest, (const uint8_t *)o->key, strlen(o->key) + 1, o->der,
                            o->der_len, consent, consent_len };
    uint8_t imprint[32], first[BB_CMS_MAX], resp[BB_TSP_MAX_RESPONSE];
    size_t first_len, resp_len;
    int rc = bb_pades_sign(&rq, NULL, 0, first, sizeof(first), &first_len, imprint);
    if (!rc) rc = stamp(&tsa, imprint, nonce, resp, &resp_len);
    bb_trust *t = trust();
    const uint8_t *tok = NULL;
    size_t tok_len = 0;
    int64_t when;
    if (!rc) rc = bb_tsp_check_response(resp, resp_len, imprint, nonce, t, &tok, &tok_len, &when);
    bb_trust_free(t);
    uint8_t again[32];
    if (!rc) rc = bb_pades_sign(&rq, tok, tok_len, cms, BB_CMS_MAX, cms_len, again);
    if (!rc && memcmp(again, imprint, 32) != 0)
        rc = -100; /* the signature changed between the two */
    return rc;
}

TEST(a_pades_signature_with_consent_and_timestamp_verifies)
{
    CHECK_EQ_INT(fixture(), BB_OK);
    uint8_t digest[32], cms[BB_CMS_MAX];
    memset(digest, 0x5a, sizeof(digest));
    static const uint8_t consent[] = { 0x30, 0x03, 0x02, 0x01, 0x07 };
    size_t cms_len;
    CHECK_EQ_INT(pades(&jan, digest, consent, sizeof(consent), cms, &cms_len), BB_OK);
    bb_trust *t = trust();
    bb_pades_result res;
    CHECK_EQ_INT(bb_pades_verify(cms, cms_len, digest, t, "100001", PCA_NOW + 30 * 24 * PCA_HOUR, 1,
                                 &res), BB_OK); /* a month later: the timestamp's time counts */
    CHECK_EQ_INT(res.timestamp, PCA_NOW);
    CHECK(strcmp(res.signer.name, "Jan de Vries") == 0);
    CHECK_EQ_INT(res.consent_len, sizeof(consent));
    CHECK(memcmp(res.consent, consent, sizeof(consent)) == 0);

    uint8_t other[32];
    memset(other, 0x5b, sizeof(other));
    CHECK_EQ_INT(bb_pades_verify(cms, cms_len, other, t, NULL, PCA_NOW, 1, &res), BB_E_AUTH);
    CHECK_EQ_INT(bb_pades_verify(cms, cms_len, digest, t, "100002", PCA_NOW, 1, &res), BB_E_AUTH);
    for (size_t i = 0; i < cms_len; i += 5) {
        cms[i] ^= 0x20;
        CHECK(bb_pades_verify(cms, cms_len, digest, t, NULL, PCA_NOW, 1, &res) != BB_OK);
        cms[i] ^= 0x20;
    }
    bb_trust_free(t);
}

TEST(a_signature_without_timestamp_or_by_a_stranger_is_refused)
{
    CHECK_EQ_INT(fixture(), BB_OK);
    uint8_t digest[32], cms[BB_CMS_MAX];
    memset(digest, 0x33, sizeof(digest));
    size_t cms_len;
    bb_pades_request rq = { digest, (const uint8_t *)jan.key, strlen(jan.key) + 1, jan.der,
                            jan.der_len, NULL, 0 };
    CHECK_EQ_INT(bb_pades_sign(&rq, NULL, 0, cms, sizeof(cms), &cms_len, NULL), BB_OK);
    bb_trust *t = trust();
    bb_pades_result res;
    CHECK_EQ_INT(bb_pades_verify(cms, cms_len, digest, t, NULL, PCA_NOW, 1, &res), BB_E_PROTO);
    CHECK_EQ_INT(bb_pades_verify(cms, cms_len, digest, t, NULL, PCA_NOW, 0, &res), BB_OK);
    CHECK(!res.consent);
    rq.key = (const uint8_t *)stranger.key;
    rq.key_len = strlen(stranger.key) + 1;
    rq.cert = stranger.der;
    rq.cert_len = stranger.der_len;
    CHECK_EQ_INT(bb_pades_sign(&rq, NULL, 0, cms, sizeof(cms), &cms_len, NULL), BB_OK);
    CHECK_EQ_INT(bb_pades_verify(cms, cms_len, digest, t, NULL, PCA_NOW, 0, &res), BB_E_AUTH);
    CHECK_EQ_INT(bb_pades_sign(&rq, NULL, 0, cms, 100, &cms_len, NULL), BB_E_BUFFER);
    CHECK(cms_len > 100);
    bb_trust_free(t);
}
