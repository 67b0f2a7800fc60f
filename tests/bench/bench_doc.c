/*
 * Signing a statement, as the officer's engine does it once the citizen
 * consents: the PDF from the statement, its hash, the citizen's consent
 * checked, the PAdES signature, the time-stamp request, the police
 * service's token (made here: its own cost is the service's, counted too),
 * its check, the signature again with the token, and the PDF filled in —
 * as whole signings per second. Plus the PDF alone, and checking a signed
 * statement (what the citizen's engine does). Best of two half seconds.
 */
#include <stdlib.h>
#include <string.h>

#include "bench.h"

#include "beeldbel/cms.h"
#include "beeldbel/consent.h"
#include "beeldbel/statement.h"
#include "../common/police_ca.h"

#define RUN_S 0.5

static const char STATEMENT[] =
    "{\"v\":1,\"version\":3,\"reference\":\"BB-7K3M-Q9XZ\",\"lang\":\"nl\",\"frozen_at\":1796000000,"
    "\"officer\":{\"name\":\"Jan de Vries\",\"number\":\"100001\",\"team\":\"Basisteam Groningen-Noord\"},"
    "\"fields\":{\"citizen\":\"Anouk Kuipers\",\"when\":\"dinsdag 1 december 2026, rond 17.30 uur\","
    "\"where\":\"Fietsenstalling station Groningen Noord\",\"goods\":\"Gazelle damesfiets, zwart, \\u20ac 650\","
    "\"what\":\"Mijn fiets stond op slot in de stalling.\\nToen ik terugkwam was hij weg.\","
    "\"own_words\":\"Ik heb niemand gezien. Het slot lag er nog, doorgeknipt. \\u201cDit is al de tweede "
    "keer\\u201d, zei de beheerder. Daarna ben ik naar huis gelopen en heb ik om een terugbelverzoek gevraagd.\"}}";

static police_ca ca;
static police_officer jan, tsa;
static bb_trust *trust;
static bb_consent_key citizen;
static uint8_t roster[32];
static uint8_t pdf[1 << 17], cms[BB_CMS_MAX];
static size_t pdf_len, cms_len;
static bb_pdf_sig_slot slot;

static int make_pdf(void)
{
    bb_statement s;
    int rc = bb_statement_parse((const uint8_t *)STATEMENT, sizeof(STATEMENT) - 1, &s, NULL, NULL);
    if (!rc)
        rc = bb_statement_pdf(&s, 1, pdf, sizeof(pdf), &pdf_len, &slot);
    bb_statement_free(&s);
    return rc;
}

static int sign_once(void *unused)
{
    (void)unused;
    uint8_t digest[32], ev[BB_CONSENT_MAX], imprint[32], again[32], nonce[BB_TSP_NONCE_LEN] = { 1, 2, 3 };
    uint8_t req[BB_TSP_MAX_REQUEST], resp[BB_TSP_MAX_RESPONSE];
    size_t ev_len = 0, req_len = 0, resp_len = 0, tok_len = 0;
    const uint8_t *tok;
    int64_t when;
    bb_tsa_request rq;
    int fail;
    bb_consent_claim claim;
    int rc = make_pdf();
    if (!rc) rc = bb_pdf_signed_digest(pdf, pdf_len, &slot, digest);
    if (!rc) rc = bb_consent_make(&citizen, BB_CONSENT_SIGN, digest, roster, "room", PCA_NOW, ev, sizeof(ev), &ev_len);
    if (!rc) rc = bb_consent_check(ev, ev_len, citizen.pub, digest, roster, "room", PCA_NOW, &claim);
    bb_pades_request pr = { digest, (const uint8_t *)jan.key, strlen(jan.key) + 1, jan.der, jan.der_len, ev, ev_len };
    if (!rc) rc = bb_pades_sign(&pr, NULL, 0, cms, sizeof(cms), &cms_len, imprint);
    if (!rc) rc = bb_tsp_request(imprint, nonce, req, sizeof(req), &req_len);
    if (!rc) rc = bb_tsa_parse_request(req, req_len, &rq, &fail);
    if (!rc) rc = bb_tsa_grant(&rq, (const uint8_t *)tsa.key, strlen(tsa.key) + 1, tsa.der, tsa.der_len, PCA_NOW,
                               bb_rng_seeded, &ca.rng, resp, sizeof(resp), &resp_len);
    if (!rc) rc = bb_tsp_check_response(resp, resp_len, imprint, nonce, trust, &tok, &tok_len, &when);
    if (!rc) rc = bb_pades_sign(&pr, tok, tok_len, cms, sizeof(cms), &cms_len, again);
    if (!rc) rc = bb_pdf_put_signature(pdf, pdf_len, &slot, cms, cms_len);
    return rc;
}

static int pdf_once(void *unused)
{
    (void)unused;
    return make_pdf();
}

static int verify_once(void *unused)
{
    (void)unused;
    uint8_t digest[32];
    bb_pdf_sig_slot found;
    bb_pades_result r;
    int rc = bb_pdf_find_signature(pdf, pdf_len, &found);
    if (!rc) rc = bb_pdf_signed_digest(pdf, pdf_len, &found, digest);
    if (!rc) rc = bb_pades_verify(cms, cms_len, digest, trust, "100001", PCA_NOW, 1, &r);
    return rc;
}

static double rate(int (*fn)(void *))
{
    for (double w = bench_now_s(); bench_now_s() - w < 0.1;)
        if (fn(NULL))
            abort();
    long n = 0;
    double t0 = bench_now_s(), t;
    do {
        if (fn(NULL))
            abort();
        n++;
    } while ((t = bench_now_s() - t0) < RUN_S);
    return n / t;
}

BENCH(doc)
{
    if (pca_init(&ca, 31, "Politie Demo Root CA") || pca_officer(&ca, &jan, "Jan de Vries", "100001", 1001, -1, 12) ||
        pca_tsa(&ca, &tsa, 2001) || bb_trust_new(&trust, (const uint8_t *)ca.root_cert, strlen(ca.root_cert) + 1) ||
        bb_consent_key_new(&citizen, bb_rng_seeded, &ca.rng))
        abort();
    memset(roster, 0x11, sizeof(roster));
    bench_report("doc.pdf", bench_best(rate(pdf_once), rate(pdf_once)), "pdf/s");
    bench_report("doc.sign", bench_best(rate(sign_once), rate(sign_once)), "signings/s");
    bench_report("doc.verify", bench_best(rate(verify_once), rate(verify_once)), "checks/s");
    bb_trust_free(trust);
}
