/*
 * Statements: their JSON read strictly, their PDF the same on every engine,
 * and the whole signing of a frozen one (consent, signature, timestamp).
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "beeldbel/cms.h"
#include "beeldbel/consent.h"
#include "beeldbel/error.h"
#include "beeldbel/statement.h"
#include "../common/bb_test.h"
#include "../common/police_ca.h"

#define STMT(frozen, fields)                                                                   \
    "{\"v\":1,\"version\":3,\"reference\":\"BB-7K3M-Q9XZ\",\"lang\":\"nl\",\"frozen_at\":" frozen \
    ",\"officer\":{\"name\":\"Jan de Vries\",\"number\":\"100001\",\"team\":\"Basisteam "       \
    "Groningen-Noord\"},\"fields\":{" fields "}}"
#define FIELDS                                                                                  \
    "\"citizen\":\"Anouk Kuipers\",\"when\":\"dinsdag 1 december 2026, rond 17.30 uur\","      \
    "\"where\":\"Fietsenstalling station Groningen Noord\",\"goods\":\"Gazelle damesfiets, "   \
    "zwart, waarde \\u20ac 650\",\"what\":\"Mijn fiets stond op slot in de stalling.\\nToen "   \
    "ik terugkwam was hij weg.\",\"own_words\":\"Ik heb niemand gezien. Het slot lag er nog, " \
    "doorgeknipt. \\u201cDit is al de tweede keer\\u201d, zei de beheerder.\""

static const char *draft = STMT("0", FIELDS);
static const char *frozen = STMT("1796000000", FIELDS);

static int parse(const char *json, bb_statement *s, bb_statement_reject *why, const char **field)
{
    return bb_statement_parse((const uint8_t *)json, strlen(json), s, why, field);
}

TEST(statement_json_is_read_strictly_and_names_what_is_wrong)
{
    bb_statement s;
    bb_statement_reject why;
    const char *field;
    CHECK_EQ_INT(parse(draft, &s, &why, &field), BB_OK);
    CHECK_EQ_INT(s.version, 3);
    CHECK(!strcmp(s.field[BB_STMT_CITIZEN], "Anouk Kuipers"));
    CHECK(strstr(s.field[BB_STMT_GOODS], "\xe2\x82\xac 650"));
    bb_statement_free(&s);

    static const struct {
        const char *json;
        bb_statement_reject why;
        const char *field;
    } bad[] = {
        { STMT("0", FIELDS ",\"extra\":\"x\""), BB_STMT_REJECT_FIELD, "fields" },
        { STMT("0", "\"citizen\":\"a\""), BB_STMT_REJECT_FIELD, "fields" },
        { STMT("-1", FIELDS), BB_STMT_REJECT_RANGE, "frozen_at" },
        { STMT("0", "\"citizen\":\"Iğdır\",\"when\":\"\",\"where\":\"\",\"goods\":\"\","
                    "\"what\":\"\",\"own_words\":\"\""), BB_STMT_REJECT_TEXT, "citizen" },
        { STMT("0", "\"citizen\":\"a\",\"when\":\"\",\"where\":\"twee\\nregels\",\"goods\":\"\","
                    "\"what\":\"\",\"own_words\":\"\""), BB_STMT_REJECT_TEXT, "where" },
        { STMT("0", "\"citizen\":7,\"when\":\"\",\"where\":\"\",\"goods\":\"\","
                    "\"what\":\"\",\"own_words\":\"\""), BB_STMT_REJECT_FIELD, "citizen" },
        { "{\"v\":1}", BB_STMT_REJECT_FIELD, NULL },
        { "[1,2]", BB_STMT_REJECT_JSON, NULL },
        { "{\"v\":1,", BB_STMT_REJECT_JSON, NULL },
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        CHECK_EQ_INT(parse(bad[i].json, &s, &why, &field), BB_E_PARSE);
        CHECK_EQ_INT(why, bad[i].why);
        CHECK(bad[i].field ? field && !strcmp(field, bad[i].field) : !field);
    }
    char ref[2048];
    snprintf(ref, sizeof(ref), "%s", draft);
    memcpy(strstr(ref, "BB-7K3M"), "bb-7K3M", 7);
    CHECK_EQ_INT(parse(ref, &s, &why, &field), BB_E_PARSE);
    CHECK(field && !strcmp(field, "reference"));
}

static uint8_t *pdf_of(const char *json, int with_sig, size_t *len, bb_pdf_sig_slot *slot)
{
    bb_statement s;
    if (parse(json, &s, NULL, NULL))
        return NULL;
    uint8_t *out = NULL;
    if (bb_statement_pdf(&s, with_sig, NULL, 0, len, slot) == BB_E_BUFFER && (out = malloc(*len)) &&
        bb_statement_pdf(&s, with_sig, out, *len, len, slot)) {
        free(out);
        out = NULL;
    }
    bb_statement_free(&s);
    return out;
}

TEST(statement_pdf_is_the_same_bytes_every_time_and_only_a_frozen_one_is_signable)
{
    size_t a_len, b_len;
    bb_pdf_sig_slot a_slot, b_slot;
    uint8_t *a = pdf_of(frozen, 1, &a_len, &a_slot), *b = pdf_of(frozen, 1, &b_len, &b_slot);
    CHECK(a && b);
    CHECK(a_len == b_len && !memcmp(a, b, a_len));
    CHECK_EQ_INT(a_slot.contents_len, 2 * BB_STATEMENT_SIG_CAPACITY + 2);
    bb_test_digest("statement_pdf", a, a_len);
    free(a);
    free(b);
    bb_statement s;
    CHECK_OK(parse(draft, &s, NULL, NULL));
    size_t n;
    CHECK_EQ_INT(bb_statement_pdf(&s, 1, NULL, 0, &n, NULL), BB_E_STATE);
    CHECK_EQ_INT(bb_statement_pdf(&s, 0, NULL, 0, &n, NULL), BB_E_BUFFER);
    bb_statement_free(&s);
}

TEST(statement_signed_with_consent_and_timestamp_verifies_and_a_changed_byte_does_not)
{
    police_ca ca;
    police_officer jan, tsa;
    CHECK_OK(pca_init(&ca, 21, "Politie Demo Root CA"));
    CHECK_OK(pca_officer(&ca, &jan, "Jan de Vries", "100001", 1001, -1, 12));
    CHECK_OK(pca_tsa(&ca, &tsa, 2001));
    bb_trust *trust = NULL;
    CHECK_OK(bb_trust_new(&trust, (const uint8_t *)ca.root_cert, strlen(ca.root_cert) + 1));

    size_t len;
    bb_pdf_sig_slot slot;
    uint8_t *pdf = pdf_of(frozen, 1, &len, &slot);
    CHECK(pdf);
    uint8_t digest[32], roster[32];
    CHECK_OK(bb_pdf_signed_digest(pdf, len, &slot, digest));
    memset(roster, 0x77, sizeof(roster));
    /* The citizen consents over the same bytes (its engine made the same PDF). */
    bb_consent_key k;
    CHECK_OK(bb_consent_key_new(&k, bb_rng_seeded, &ca.rng));
    uint8_t ev[BB_CONSENT_MAX], cms[BB_CMS_MAX], imprint[32], again[32];
    size_t ev_len, cms_len;
    CHECK_OK(bb_consent_make(&k, BB_CONSENT_SIGN, digest, roster, "room-1", PCA_NOW, ev, sizeof(ev),
                             &ev_len));
    bb_pades_request rq = { digest, (const uint8_t *)jan.key, strlen(jan.key) + 1, jan.der,
                            jan.der_len, ev, ev_len };
    CHECK_OK(bb_pades_sign(&rq, NULL, 0, cms, sizeof(cms), &cms_len, imprint));
    /* The police time-stamping service stamps the signature value. */
    uint8_t nonce[BB_TSP_NONCE_LEN] = { 9, 8, 7 }, req[BB_TSP_MAX_REQUEST], resp[BB_TSP_MAX_RESPONSE];
    size_t req_len, resp_len;
    bb_tsa_request trq;
    int fail;
    CHECK_OK(bb_tsp_request(imprint, nonce, req, sizeof(req), &req_len));
    CHECK_OK(bb_tsa_parse_request(req, req_len, &trq, &fail));
    CHECK_OK(bb_tsa_grant(&trq, (const uint8_t *)tsa.key, strlen(tsa.key) + 1, tsa.der, tsa.der_len,
                          PCA_NOW, bb_rng_seeded, &ca.rng, resp, sizeof(resp), &resp_len));
    const uint8_t *tok;
    size_t tok_len;
    int64_t when;
    CHECK_OK(bb_tsp_check_response(resp, resp_len, imprint, nonce, trust, &tok, &tok_len, &when));
    CHECK_OK(bb_pades_sign(&rq, tok, tok_len, cms, sizeof(cms), &cms_len, again));
    CHECK(!memcmp(imprint, again, 32));
    CHECK_OK(bb_pdf_put_signature(pdf, len, &slot, cms, cms_len));

    /* Anyone with the file: find the signature, hash, verify. */
    bb_pdf_sig_slot found;
    CHECK_OK(bb_pdf_find_signature(pdf, len, &found));
    CHECK(found.contents_at == slot.contents_at && found.contents_len == slot.contents_len);
    uint8_t d2[32];
    CHECK_OK(bb_pdf_signed_digest(pdf, len, &found, d2));
    CHECK(!memcmp(d2, digest, 32));
    uint8_t back[BB_CMS_MAX];
    size_t back_len;
    CHECK_OK(bb_pdf_get_signature(pdf, len, &found, back, sizeof(back), &back_len));
    CHECK(back_len == cms_len && !memcmp(back, cms, cms_len));
    CHECK_EQ_INT(bb_pdf_get_signature(pdf, len, &found, back, 10, &back_len), BB_E_BUFFER);
    bb_pades_result res;
    CHECK_OK(bb_pades_verify(cms, cms_len, d2, trust, "100001", PCA_NOW, 1, &res));
    CHECK_EQ_INT(res.consent_len, ev_len);
    bb_consent_claim claim;
    CHECK_OK(bb_consent_read(res.consent, res.consent_len, &claim));
    CHECK(!memcmp(claim.document, d2, 32));
    /* One byte of the text changed: the hash no longer matches. */
    uint8_t *hit = memmem(pdf, len, "BT", 2);
    CHECK(hit);
    hit[0] = 'b';
    CHECK_OK(bb_pdf_signed_digest(pdf, len, &found, d2));
    CHECK_EQ_INT(bb_pades_verify(cms, cms_len, d2, trust, "100001", PCA_NOW, 1, &res), BB_E_AUTH);
    free(pdf);
    bb_trust_free(trust);
}
