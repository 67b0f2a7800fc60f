/* Writes the committed fuzz seeds that hold certificates and handshakes
 * (`make fuzz-seeds`): the tests' police CA (seed 11, as in the fuzz
 * targets) issues officer Jan de Vries (officer number 100001); an officer
 * (participant 1) and an interpreter (3) each meet a citizen (2) in the
 * fuzz targets' room, and their HELLO, KEYS and REVEAL are written as they
 * went out. So the fuzzers start from inputs that pass the authenticators.
 * The documents target gets a time-stamp request and answer, a signature
 * and a consent, made over the all-zero hash it checks against.
 *   make_seeds CORPUS_DIR   (tests/fuzz/corpus) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "beeldbel/call.h"
#include "beeldbel/cms.h"
#include "beeldbel/consent.h"
#include "beeldbel/e2ee.h"
#include "beeldbel/error.h"
#include "../common/police_ca.h"

#define ROOM "groningen-noord-4711"
static const uint8_t invite[24] = "one-time-invite-secret!";
static const char *dir;

static void put(const char *sub, const char *name, const void *data, size_t len)
{
    char path[512];
    snprintf(path, sizeof(path), "%s/%s/%s", dir, sub, name);
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(data, 1, len, f) != len || fclose(f)) {
        fprintf(stderr, "make_seeds: cannot write %s\n", path);
        exit(1);
    }
}

static bb_e2ee *party(uint16_t id, bb_role role, bb_trust *trust, const police_officer *o,
                      bb_seeded_rng *rng)
{
    bb_e2ee_config c;
    memset(&c, 0, sizeof(c));
    c.room = ROOM;
    c.self_id = id;
    c.role = role;
    c.trust = trust;
    c.rng = bb_rng_seeded;
    c.rng_ctx = rng;
    c.invite_secret = invite;
    c.invite_len = sizeof(invite);
    c.expected_officer = "100001";
    if (o) {
        c.cert = (const uint8_t *)o->cert;
        c.cert_len = strlen(o->cert);
        c.key = (const uint8_t *)o->key;
        c.key_len = strlen(o->key);
    }
    bb_e2ee *e;
    if (bb_e2ee_new(&e, &c)) {
        fprintf(stderr, "make_seeds: participant %u\n", id);
        exit(1);
    }
    return e;
}

/* The first HELLO, KEYS and REVEAL `who` sends while meeting a citizen;
 * for the officer also the same three as one call-core input (feed 1). */
static void meet(const char *who, uint16_t id, bb_role role, bb_trust *trust,
                 const police_officer *o)
{
    static const char *names[] = { "", "hello", "keys", "reveal" };
    bb_seeded_rng ra, rc;
    bb_seeded_rng_init(&ra, 100 + id);
    bb_seeded_rng_init(&rc, 7);
    bb_e2ee *a = party(id, role, trust, o, &ra), *c = party(2, BB_ROLE_CITIZEN, trust, NULL, &rc);
    uint8_t msg[BB_E2EE_MAX_MSG], call[3 * (BB_E2EE_MAX_MSG + 5)];
    size_t n, used = 0;
    int written[4] = { 0 };
    uint64_t now = (uint64_t)PCA_NOW * 1000000u;
    for (int round = 0; round < 10; round++) {
        while (bb_e2ee_poll(a, msg, sizeof(msg), &n) == BB_OK) {
            bb_hs_msg m;
            if (bb_hs_parse(msg, n, &m) == BB_OK && !written[m.type]) {
                char name[64];
                snprintf(name, sizeof(name), "%s_%s", who, names[m.type]);
                put("handshake", name, msg, n);
                written[m.type] = 1;
                if (o && m.type == BB_HS_HELLO) { /* the same HELLO on another's feed */
                    uint8_t wrong[BB_E2EE_MAX_MSG + 5] = { 0, 3, (uint8_t)((n + 1) >> 8), (uint8_t)(n + 1),
                                                           BB_CALL_TAG_HANDSHAKE };
                    memcpy(wrong + 5, msg, n);
                    put("call", "officer_hello_wrong_feed", wrong, n + 5);
                }
                uint8_t *p = call + used;
                p[0] = 0, p[1] = (uint8_t)id, p[2] = (uint8_t)((n + 1) >> 8), p[3] = (uint8_t)(n + 1);
                p[4] = BB_CALL_TAG_HANDSHAKE;
                memcpy(p + 5, msg, n);
                used += n + 5;
            }
            (void)bb_e2ee_receive_on(c, id, msg, n, now);
        }
        while (bb_e2ee_poll(c, msg, sizeof(msg), &n) == BB_OK)
            (void)bb_e2ee_receive_on(a, 2, msg, n, now);
    }
    if (!written[1] || !written[2] || !written[3]) {
        fprintf(stderr, "make_seeds: %s did not finish its handshake\n", who);
        exit(1);
    }
    if (o)
        put("call", "officer_handshake", call, used);
    bb_e2ee_free(a);
    bb_e2ee_free(c);
}

/* One seed for the documents target: its selector byte, then the bytes. */
static void doc_seed(const char *name, uint8_t selector, const uint8_t *d, size_t n)
{
    uint8_t *b = malloc(n + 1);
    if (!b)
        exit(1);
    b[0] = selector;
    memcpy(b + 1, d, n);
    put("documents", name, b, n + 1);
    free(b);
}

static void documents(police_ca *ca, const police_officer *jan)
{
    static police_officer tsa;
    static const uint8_t zero[32];
    static uint8_t req[BB_TSP_MAX_REQUEST], resp[BB_TSP_MAX_RESPONSE], cms[BB_CMS_MAX], ev[BB_CONSENT_MAX];
    size_t req_len, resp_len, cms_len, ev_len;
    bb_tsa_request rq;
    int fail;
    bb_consent_key k;
    bb_pades_request pr = { zero, (const uint8_t *)jan->key, strlen(jan->key) + 1, jan->der, jan->der_len,
                            NULL, 0 };
    if (pca_tsa(ca, &tsa, 3100) || bb_tsp_request(zero, zero, req, sizeof(req), &req_len) ||
        bb_tsa_parse_request(req, req_len, &rq, &fail) ||
        bb_tsa_grant(&rq, (const uint8_t *)tsa.key, strlen(tsa.key) + 1, tsa.der, tsa.der_len, PCA_NOW,
                     bb_rng_seeded, &ca->rng, resp, sizeof(resp), &resp_len) ||
        bb_consent_key_new(&k, bb_rng_seeded, &ca->rng) ||
        bb_consent_make(&k, BB_CONSENT_SIGN, zero, zero, ROOM, PCA_NOW, ev, sizeof(ev), &ev_len)) {
        fprintf(stderr, "make_seeds: documents\n");
        exit(1);
    }
    pr.consent = ev;
    pr.consent_len = ev_len;
    const uint8_t *tok;
    size_t tok_len;
    int64_t t;
    bb_trust *trust = NULL;
    uint8_t imprint[32];
    if (bb_trust_new(&trust, (const uint8_t *)ca->root_cert, strlen(ca->root_cert) + 1) ||
        bb_tsp_check_response(resp, resp_len, zero, zero, trust, &tok, &tok_len, &t) ||
        bb_pades_sign(&pr, tok, tok_len, cms, sizeof(cms), &cms_len, imprint)) {
        fprintf(stderr, "make_seeds: signature\n");
        exit(1);
    }
    bb_trust_free(trust);
    doc_seed("tsa_request", 0, req, req_len);
    doc_seed("tsa_response", 1, resp, resp_len);
    doc_seed("signature", 2, cms, cms_len);
    doc_seed("consent", 3, ev, ev_len);
    static const char stmt[] =
        "{\"v\":1,\"version\":1,\"reference\":\"BB-7K3M-Q9XZ\",\"lang\":\"nl\",\"frozen_at\":1796000000,"
        "\"officer\":{\"name\":\"Jan de Vries\",\"number\":\"100001\",\"team\":\"Basisteam\"},"
        "\"fields\":{\"citizen\":\"A\",\"when\":\"gisteren\",\"where\":\"station\",\"goods\":\"fiets, \u20ac 650\","
        "\"what\":\"Weg.\\nGestolen.\",\"own_words\":\"\u201cNiemand gezien.\u201d\"}}";
    doc_seed("statement", 4, (const uint8_t *)stmt, sizeof(stmt) - 1);
    /* Two parts of one document: length, header, bytes (docs.h). */
    uint8_t p[2 * (2 + 14 + 5)], *q = p;
    for (int part = 0; part < 2; part++) {
        static const uint8_t head[14] = { 0xD0, 1, 0, 0, 0, 7, 0, 0, 0, 1, 0, 0, 0, 5 };
        *q++ = 0, *q++ = 14 + 5;
        memcpy(q, head, 14);
        q[7] = (uint8_t)part;
        q += 14;
        memcpy(q, "hallo", 5);
        q += 5;
    }
    doc_seed("parts_single", 5, p, (size_t)(q - p) / 2);
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: make_seeds CORPUS_DIR\n");
        return 2;
    }
    dir = argv[1];
    static police_ca ca;
    static police_officer jan;
    static char crl[BB_CA_PEM_MAX];
    bb_trust *trust = NULL;
    uint64_t revoked[] = { 3004 };
    if (pca_init(&ca, 11, "Politie Demo Root CA") ||
        pca_officer(&ca, &jan, "Jan de Vries", "100001", 3001, -1, 12) ||
        bb_trust_new(&trust, (const uint8_t *)ca.root_cert, strlen(ca.root_cert)) ||
        bb_ca_make_crl(ca.root_key, ca.root_cert, revoked, 1, PCA_NOW - 60, PCA_NOW + 86400, 1, crl,
                       sizeof(crl), bb_rng_seeded, &ca.rng)) {
        fprintf(stderr, "make_seeds: the test CA\n");
        return 1;
    }
    put("certificate", "officer.pem", jan.cert, strlen(jan.cert));
    put("certificate", "officer.der", jan.der, jan.der_len);
    put("certificate", "crl.pem", crl, strlen(crl));
    meet("officer", 1, BB_ROLE_OFFICER, trust, &jan);
    meet("interpreter", 3, BB_ROLE_INTERPRETER, trust, NULL);
    documents(&ca, &jan);
    bb_trust_free(trust);
    return 0;
}
