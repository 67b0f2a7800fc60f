/*
 * Officer verification: a genuine officer is shown with name, team and
 * neighbourhood; every failure has its own precise reason and is counted.
 * The CA is made on the fly (tests/common/police_ca.h).
 */
#include <time.h>

#include <mbedtls/bignum.h>
#include <mbedtls/oid.h>
#include <mbedtls/pk.h>
#include <mbedtls/x509_crt.h>

#include "beeldbel/ca.h"
#include "beeldbel/error.h"
#include "beeldbel/identity.h"
#include "../common/bb_test.h"
#include "../common/police_ca.h"

static police_ca ca, other_ca, fake_ca;
static police_officer jan, old, revoked, stranger, forged;
static int fixture_rc = -1;

/* One CA, some officers, a second CA and a forger who copies our root's name. */
static int fixture(void)
{
    if (fixture_rc != -1)
        return fixture_rc;
    int rc = pca_init(&ca, 1, "Politie Demo Root CA");
    if (!rc) rc = pca_officer(&ca, &jan, "Jan de Vries", "100001", 1001, -1, 12);
    if (!rc) rc = pca_officer(&ca, &old, "Jan de Vries", "100001", 1002, -48, -24);
    if (!rc) rc = pca_officer(&ca, &revoked, "Jan de Vries", "100001", 1003, -1, 12);
    if (!rc) rc = pca_init(&other_ca, 2, "Andere CA");
    if (!rc) rc = pca_officer(&other_ca, &stranger, "Jan de Vries", "100001", 1001, -1, 12);
    if (!rc) rc = pca_init(&fake_ca, 3, "Politie Demo Root CA");
    if (!rc) rc = pca_officer(&fake_ca, &forged, "Jan de Vries", "100001", 1001, -1, 12);
    fixture_rc = rc;
    return rc;
}

static bb_trust *trust_with_crl(int64_t next_update_h)
{
    bb_trust *t = NULL;
    static char crl[BB_CA_PEM_MAX];
    uint64_t serials[] = {1003, 77};
    if (bb_trust_new(&t, (const uint8_t *)ca.root_cert, strlen(ca.root_cert)))
        return NULL;
    if (bb_ca_make_crl(ca.root_key, ca.root_cert, serials, 2, PCA_NOW - PCA_HOUR,
                       PCA_NOW + next_update_h * PCA_HOUR, 5, crl, sizeof(crl),
                       bb_rng_seeded, &ca.rng) ||
        bb_trust_set_crl(t, (const uint8_t *)crl, strlen(crl))) {
        bb_trust_free(t);
        return NULL;
    }
    return t;
}

TEST(identity_genuine_officer_is_verified_with_name_team_neighbourhood)
{
    CHECK_OK(fixture());
    bb_trust *t = trust_with_crl(24);
    CHECK(t != NULL);
    bb_officer_result r;
    int rc = bb_trust_verify_officer(t, jan.der, jan.der_len, "100001", PCA_NOW, &r);
    bb_trust_free(t);
    CHECK_OK(rc);
    CHECK_EQ_INT(r.status, BB_OFFICER_OK);
    CHECK(strcmp(r.name, "Jan de Vries") == 0);
    CHECK(strcmp(r.team, "Basisteam Groningen-Noord") == 0);
    CHECK(strcmp(r.neighbourhood, "Groningen-Noord") == 0);
    CHECK(strcmp(r.officer_id, "100001") == 0);
    CHECK_EQ_INT(r.not_after, PCA_NOW + 12 * PCA_HOUR);
    CHECK_EQ_INT(r.revocation_checked, 1);
    CHECK(strcmp(r.serial, "03e9") == 0); /* 1001 */
}

/* Runs one verification and returns its status (or -1 on a setup failure). */
static int status_of(const police_officer *o, const char *name, int64_t now, int64_t crl_h)
{
    bb_trust *t = trust_with_crl(crl_h);
    if (!t)
        return -1;
    bb_officer_result r;
    int rc = bb_trust_verify_officer(t, o->der, o->der_len, name, now, &r);
    int counted = (int)bb_trust_get_stats(t)->rejected[r.status];
    bb_trust_free(t);
    if (r.status == BB_OFFICER_OK)
        return rc == BB_OK ? 0 : -2;
    /* A failure must return BB_E_AUTH and be counted under its reason. */
    return rc == BB_E_AUTH && counted == 1 ? (int)r.status : -3;
}

TEST(identity_each_failure_has_its_own_reason)
{
    CHECK_OK(fixture());
    CHECK_EQ_INT(status_of(&old, NULL, PCA_NOW, 24), BB_OFFICER_EXPIRED);
    CHECK_EQ_INT(status_of(&jan, NULL, PCA_NOW - 2 * PCA_HOUR, 24), BB_OFFICER_NOT_YET_VALID);
    CHECK_EQ_INT(status_of(&jan, NULL, PCA_NOW + 13 * PCA_HOUR, 24), BB_OFFICER_EXPIRED);
    CHECK_EQ_INT(status_of(&stranger, NULL, PCA_NOW, 24), BB_OFFICER_UNKNOWN_CA);
    CHECK_EQ_INT(status_of(&forged, NULL, PCA_NOW, 24), BB_OFFICER_BAD_SIGNATURE);
    CHECK_EQ_INT(status_of(&revoked, NULL, PCA_NOW, 24), BB_OFFICER_REVOKED);
    CHECK_EQ_INT(status_of(&jan, "100002", PCA_NOW, 24), BB_OFFICER_WRONG_OFFICER);
    CHECK_EQ_INT(status_of(&jan, NULL, PCA_NOW, 0), BB_OFFICER_OK);
    CHECK_EQ_INT(status_of(&jan, NULL, PCA_NOW + 2 * PCA_HOUR, 1), BB_OFFICER_CRL_STALE);
}

TEST(identity_root_or_garbage_is_not_an_officer)
{
    CHECK_OK(fixture());
    bb_trust *t;
    CHECK_OK(bb_trust_new(&t, (const uint8_t *)ca.root_cert, strlen(ca.root_cert)));
    bb_officer_result r;
    uint8_t junk[300];
    for (size_t i = 0; i < sizeof(junk); i++)
        junk[i] = (uint8_t)(i * 31);
    int a = bb_trust_verify_officer(t, (const uint8_t *)ca.root_cert, strlen(ca.root_cert), NULL, PCA_NOW, &r);
    int sa = r.status;
    int b = bb_trust_verify_officer(t, junk, sizeof(junk), NULL, PCA_NOW, &r);
    int sb = r.status;
    /* One flipped bit in the signed part of a genuine certificate. */
    uint8_t bent[2048];
    memcpy(bent, jan.der, jan.der_len);
    bent[jan.der_len / 2] ^= 1;
    int c = bb_trust_verify_officer(t, bent, jan.der_len, NULL, PCA_NOW, &r);
    int sc = r.status;
    int d = bb_trust_verify_officer(t, jan.der, jan.der_len - 1, NULL, PCA_NOW, &r);
    int sd = r.status;
    /* Without a CRL the officer verifies, and the result says it was not checked. */
    int e = bb_trust_verify_officer(t, revoked.der, revoked.der_len, NULL, PCA_NOW, &r);
    int re = r.revocation_checked;
    bb_trust_free(t);
    CHECK(a == BB_E_AUTH && sa == BB_OFFICER_NOT_OFFICER);
    CHECK(b == BB_E_AUTH && sb == BB_OFFICER_MALFORMED);
    CHECK(c == BB_E_AUTH && sc != BB_OFFICER_OK);
    CHECK(d == BB_E_AUTH && sd == BB_OFFICER_MALFORMED);
    CHECK(e == BB_OK && re == 0);
}

#define SUBJECT_OF(number) \
    "CN=Jan de Vries,OU=Basisteam Groningen-Noord,L=Groningen-Noord," number "O=Politie (demo),C=NL"
static const char *other_subject = SUBJECT_OF("serialNumber=100001,");

/* What the police root might sign for another purpose: a well-formed officer-looking
 * certificate (name, team, neighbourhood, officer number, digital signature; the subject
 * other_subject) with extKeyUsage eku (NULL: none). */
static int issue_for_other_use(police_officer *o, const char *eku_oid, size_t eku_len)
{
    mbedtls_pk_context ck, ok;
    mbedtls_pk_init(&ck);
    mbedtls_pk_init(&ok);
    mbedtls_x509write_cert w;
    mbedtls_x509write_crt_init(&w);
    mbedtls_mpi serial;
    mbedtls_mpi_init(&serial);
    int r = bb_ca_make_key(o->key, sizeof(o->key), bb_rng_seeded, &ca.rng);
    if (!r) r = mbedtls_pk_parse_key(&ck, (const uint8_t *)ca.root_key, strlen(ca.root_key) + 1, NULL, 0);
    if (!r) r = mbedtls_pk_parse_key(&ok, (const uint8_t *)o->key, strlen(o->key) + 1, NULL, 0);
    mbedtls_x509write_crt_set_version(&w, MBEDTLS_X509_CRT_VERSION_3);
    mbedtls_x509write_crt_set_md_alg(&w, MBEDTLS_MD_SHA256);
    mbedtls_x509write_crt_set_subject_key(&w, &ok);
    mbedtls_x509write_crt_set_issuer_key(&w, &ck);
    if (!r) r = mbedtls_x509write_crt_set_subject_name(&w, other_subject);
    if (!r) r = mbedtls_x509write_crt_set_issuer_name(&w, "CN=Politie Demo Root CA,O=Politie (demo),C=NL");
    if (!r) r = mbedtls_mpi_lset(&serial, 4242);
    if (!r) r = mbedtls_x509write_crt_set_serial(&w, &serial);
    char from[16], to[16];
    time_t a = (time_t)(PCA_NOW - 24 * PCA_HOUR), b = (time_t)(PCA_NOW + 24 * PCA_HOUR);
    struct tm ta, tb;
    strftime(from, sizeof(from), "%Y%m%d%H%M%S", gmtime_r(&a, &ta));
    strftime(to, sizeof(to), "%Y%m%d%H%M%S", gmtime_r(&b, &tb));
    if (!r) r = mbedtls_x509write_crt_set_validity(&w, from, to);
    if (!r) r = mbedtls_x509write_crt_set_basic_constraints(&w, 0, -1);
    if (!r) r = mbedtls_x509write_crt_set_key_usage(&w, MBEDTLS_X509_KU_DIGITAL_SIGNATURE);
    if (!r && eku_oid) {
        unsigned char v[64] = {0x30, (unsigned char)(eku_len + 2), 0x06, (unsigned char)eku_len};
        memcpy(v + 4, eku_oid, eku_len);
        r = mbedtls_x509write_crt_set_extension(&w, MBEDTLS_OID_EXTENDED_KEY_USAGE,
                                                MBEDTLS_OID_SIZE(MBEDTLS_OID_EXTENDED_KEY_USAGE), 0, v,
                                                eku_len + 4);
    }
    if (!r) r = mbedtls_x509write_crt_pem(&w, (unsigned char *)o->cert, sizeof(o->cert), bb_rng_seeded, &ca.rng);
    mbedtls_x509write_crt_free(&w);
    mbedtls_pk_free(&ck);
    mbedtls_pk_free(&ok);
    mbedtls_mpi_free(&serial);
    if (!r) r = bb_ca_pem_to_der(o->cert, o->der, sizeof(o->der), &o->der_len);
    return r ? BB_E_CRYPTO : BB_OK;
}

/* Only a certificate the CA issued as a beeldbel officer certificate is one. */
TEST(identity_police_certificate_for_another_use_is_not_an_officer)
{
    CHECK_OK(fixture());
    static police_officer none, tls, any, ours;
    CHECK_OK(issue_for_other_use(&none, NULL, 0));
    CHECK_OK(issue_for_other_use(&tls, MBEDTLS_OID_CLIENT_AUTH, MBEDTLS_OID_SIZE(MBEDTLS_OID_CLIENT_AUTH)));
    CHECK_OK(issue_for_other_use(&any, MBEDTLS_OID_ANY_EXTENDED_KEY_USAGE,
                                 MBEDTLS_OID_SIZE(MBEDTLS_OID_ANY_EXTENDED_KEY_USAGE)));
    CHECK_OK(issue_for_other_use(&ours, BB_OFFICER_EKU_OID, BB_OFFICER_EKU_OID_LEN));
    CHECK_EQ_INT(status_of(&none, NULL, PCA_NOW, 24), BB_OFFICER_NOT_OFFICER);
    CHECK_EQ_INT(status_of(&tls, NULL, PCA_NOW, 24), BB_OFFICER_NOT_OFFICER);
    CHECK_EQ_INT(status_of(&any, NULL, PCA_NOW, 24), BB_OFFICER_NOT_OFFICER);
    /* The same certificate with the beeldbel key usage is an officer's: the helper is sound. */
    CHECK_EQ_INT(status_of(&ours, NULL, PCA_NOW, 24), BB_OFFICER_OK);
}

/* An officer is named by number: a certificate without one, or with one that is not a
 * number, is no officer's; the number, not the name, is what an invitation's check compares. */
TEST(identity_officer_certificate_needs_an_officer_number)
{
    CHECK_OK(fixture());
    static police_officer none, bad, ours;
    other_subject = SUBJECT_OF("");
    int r1 = issue_for_other_use(&none, BB_OFFICER_EKU_OID, BB_OFFICER_EKU_OID_LEN);
    other_subject = SUBJECT_OF("serialNumber=10 01,");
    int r2 = issue_for_other_use(&bad, BB_OFFICER_EKU_OID, BB_OFFICER_EKU_OID_LEN);
    other_subject = SUBJECT_OF("serialNumber=100001,");
    CHECK_OK(r1);
    CHECK_OK(r2);
    CHECK_OK(issue_for_other_use(&ours, BB_OFFICER_EKU_OID, BB_OFFICER_EKU_OID_LEN));
    CHECK_EQ_INT(status_of(&none, NULL, PCA_NOW, 24), BB_OFFICER_NOT_OFFICER);
    CHECK_EQ_INT(status_of(&bad, NULL, PCA_NOW, 24), BB_OFFICER_NOT_OFFICER);
    CHECK_EQ_INT(status_of(&ours, "100001", PCA_NOW, 24), BB_OFFICER_OK);
    CHECK_EQ_INT(status_of(&ours, "100002", PCA_NOW, 24), BB_OFFICER_WRONG_OFFICER);
    CHECK_EQ_INT(status_of(&ours, "Jan de Vries", PCA_NOW, 24), BB_OFFICER_WRONG_OFFICER);
    CHECK(bb_officer_id_valid("PN-00a9") && !bb_officer_id_valid("") && !bb_officer_id_valid(NULL) &&
          !bb_officer_id_valid("10 01") && !bb_officer_id_valid("123456789012345678901234567890123"));
}

TEST(identity_crl_from_another_ca_is_refused)
{
    CHECK_OK(fixture());
    bb_trust *t;
    static char crl[BB_CA_PEM_MAX];
    uint64_t s = 1001;
    CHECK_OK(bb_trust_new(&t, (const uint8_t *)ca.root_cert, strlen(ca.root_cert)));
    CHECK_OK(bb_ca_make_crl(fake_ca.root_key, fake_ca.root_cert, &s, 1, PCA_NOW, PCA_NOW + 3600,
                            1, crl, sizeof(crl), bb_rng_seeded, &fake_ca.rng));
    int rc = bb_trust_set_crl(t, (const uint8_t *)crl, strlen(crl));
    int rc2 = bb_trust_set_crl(t, (const uint8_t *)"-----BEGIN X509 CRL-----\nxx", 28);
    int counted = bb_trust_get_stats(t)->crl_not_ours == 1 && bb_trust_get_stats(t)->crl_unreadable == 1;
    bb_trust_free(t);
    CHECK(counted);
    CHECK_EQ_INT(rc, BB_E_AUTH);
    CHECK_EQ_INT(rc2, BB_E_PARSE);
    CHECK_EQ_INT(bb_trust_new(&t, jan.der, jan.der_len), BB_E_PROTO); /* not a CA */
}

/* A list of ours, made at this_update with number (0: none) and valid
 * until next_update (0: no nextUpdate). */
static int set_list(bb_trust *t, int64_t this_update, int64_t next_update, uint64_t number)
{
    static char crl[BB_CA_PEM_MAX];
    uint64_t s = 1003;
    int rc = bb_ca_make_crl(ca.root_key, ca.root_cert, &s, 1, this_update, next_update, number, crl,
                            sizeof(crl), bb_rng_seeded, &ca.rng);
    return rc ? rc : bb_trust_set_crl(t, (const uint8_t *)crl, strlen(crl));
}

/* A revocation list must say when it goes stale and which list it is, and
 * nobody may hand the widget one older than it has seen or than its bundle
 * knows: last week's list, from before a revocation, is refused. */
TEST(identity_crl_must_be_fresh_complete_and_never_go_back)
{
    CHECK_OK(fixture());
    bb_trust *t;
    CHECK_OK(bb_trust_new(&t, (const uint8_t *)ca.root_cert, strlen(ca.root_cert)));
    int no_next = set_list(t, PCA_NOW - 60, 0, 7);
    int no_number = set_list(t, PCA_NOW - 60, PCA_NOW + PCA_HOUR, 0);
    int current = set_list(t, PCA_NOW - 60, PCA_NOW + PCA_HOUR, 7);
    int again = set_list(t, PCA_NOW - 60, PCA_NOW + PCA_HOUR, 7);
    int lower_number = set_list(t, PCA_NOW, PCA_NOW + PCA_HOUR, 6);
    int older = set_list(t, PCA_NOW - 120, PCA_NOW + PCA_HOUR, 8);
    int newer = set_list(t, PCA_NOW, PCA_NOW + 2 * PCA_HOUR, 300); /* a longer number too */
    int64_t this_update = 0, next_update = 0;
    CHECK_OK(bb_trust_crl_info(t, &this_update, &next_update));
    uint64_t refused = bb_trust_get_stats(t)->crl_not_fresh;
    bb_trust_free(t);
    CHECK_EQ_INT(no_next, BB_E_PROTO);
    CHECK_EQ_INT(no_number, BB_E_PROTO);
    CHECK_OK(current);
    CHECK_OK(again);
    CHECK_EQ_INT(lower_number, BB_E_STATE);
    CHECK_EQ_INT(older, BB_E_STATE);
    CHECK_OK(newer);
    CHECK(this_update == PCA_NOW && next_update == PCA_NOW + 2 * PCA_HOUR);
    CHECK(refused == 4);
    /* The bundle's floor: a list from before it is refused, even the first. */
    CHECK_OK(bb_trust_new(&t, (const uint8_t *)ca.root_cert, strlen(ca.root_cert)));
    bb_trust_set_crl_floor(t, PCA_NOW);
    int before_floor = set_list(t, PCA_NOW - 60, PCA_NOW + PCA_HOUR, 9);
    int at_floor = set_list(t, PCA_NOW, PCA_NOW + PCA_HOUR, 9);
    int none = bb_trust_crl_info(NULL, NULL, NULL);
    bb_trust_free(t);
    CHECK_EQ_INT(before_floor, BB_E_STATE);
    CHECK_OK(at_floor);
    CHECK_EQ_INT(none, BB_E_STATE);
}

TEST(identity_handshake_signature_checks_out)
{
    CHECK_OK(fixture());
    uint8_t sig[100];
    size_t n;
    const uint8_t msg[] = "hello from officer";
    CHECK_OK(bb_identity_sign((const uint8_t *)jan.key, strlen(jan.key), msg, sizeof(msg),
                              sig, sizeof(sig), &n, bb_rng_seeded, &ca.rng));
    CHECK_OK(bb_identity_verify_signature(jan.der, jan.der_len, msg, sizeof(msg), sig, n));
    CHECK_EQ_INT(bb_identity_verify_signature(old.der, old.der_len, msg, sizeof(msg), sig, n), BB_E_AUTH);
    uint8_t m2[sizeof(msg)];
    memcpy(m2, msg, sizeof(msg));
    m2[0] ^= 1;
    CHECK_EQ_INT(bb_identity_verify_signature(jan.der, jan.der_len, m2, sizeof(m2), sig, n), BB_E_AUTH);
}

TEST(ca_refuses_subject_fields_that_change_the_dn)
{
    CHECK_OK(fixture());
    char out[BB_CA_PEM_MAX];
    bb_officer_subject s = {"Jan, de Vries", "Team", "Wijk", "100001"};
    CHECK_EQ_INT(bb_ca_issue_officer(ca.root_key, ca.root_cert, jan.key, &s, 5, PCA_NOW, PCA_NOW + 60,
                                     out, sizeof(out), bb_rng_seeded, &ca.rng), BB_E_ARG);
    s.name = "Jan=de Vries";
    CHECK_EQ_INT(bb_ca_issue_officer(ca.root_key, ca.root_cert, jan.key, &s, 5, PCA_NOW, PCA_NOW + 60,
                                     out, sizeof(out), bb_rng_seeded, &ca.rng), BB_E_ARG);
    s.name = "Jan de Vries";
    CHECK_EQ_INT(bb_ca_issue_officer(ca.root_key, ca.root_cert, jan.key, &s, 5, PCA_NOW + 60, PCA_NOW,
                                     out, sizeof(out), bb_rng_seeded, &ca.rng), BB_E_ARG);
    const char *bad_numbers[] = {NULL, "", "1,O=x", "10 01"};
    for (int i = 0; i < 4; i++) {
        s.officer_id = bad_numbers[i];
        CHECK_EQ_INT(bb_ca_issue_officer(ca.root_key, ca.root_cert, jan.key, &s, 5, PCA_NOW, PCA_NOW + 60,
                                         out, sizeof(out), bb_rng_seeded, &ca.rng), BB_E_ARG);
    }
    CHECK(strcmp(bb_officer_status_name(BB_OFFICER_REVOKED), "revoked") == 0);
    CHECK(strstr(bb_officer_status_text(BB_OFFICER_REVOKED, 1), "ingetrokken") != NULL);
}
