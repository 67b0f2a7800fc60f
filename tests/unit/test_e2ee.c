/*
 * Key agreement for 2-5 participants through an SFU that may misbehave:
 * the SFU is simulated as a loop that carries every handshake message to
 * everyone else and can drop, alter or substitute messages on the way.
 */
#include <stdlib.h>

#include "beeldbel/consent.h"
#include "beeldbel/e2ee.h"
#include "beeldbel/error.h"
#include "beeldbel/identity.h"
#include "../common/bb_test.h"
#include "../common/police_ca.h"

#define NOW_US ((uint64_t)PCA_NOW * 1000000u)
#define JAN "Jan de Vries"
#define JAN_NO "100001" /* his officer number: what the invitation names */
#define ROOM "groningen-noord-4711"

static police_ca ca, rogue_ca;
static police_officer jan, piet, expired, revoked, rogue, namesake;
static bb_trust *trust;
static int fixture_rc = -1;
static const uint8_t invite[24] = "one-time-invite-secret!";

static int fixture(void)
{
    if (fixture_rc != -1)
        return fixture_rc;
    static char crl[BB_CA_PEM_MAX];
    uint64_t revoked_serials[] = {3004};
    int rc = pca_init(&ca, 11, "Politie Demo Root CA");
    if (!rc) rc = pca_officer(&ca, &jan, "Jan de Vries", "100001", 3001, -1, 12);
    if (!rc) rc = pca_officer(&ca, &piet, "Piet Jansen", "100002", 3002, -1, 12);
    if (!rc) rc = pca_officer(&ca, &expired, "Jan de Vries", "100001", 3003, -30, -2);
    if (!rc) rc = pca_officer(&ca, &revoked, "Jan de Vries", "100001", 3004, -1, 12);
    if (!rc) rc = pca_officer(&ca, &namesake, "Jan de Vries", "100007", 3005, -1, 12);
    if (!rc) rc = pca_init(&rogue_ca, 12, "Politie Root CA");
    if (!rc) rc = pca_officer(&rogue_ca, &rogue, "Jan de Vries", "100001", 3001, -1, 12);
    if (!rc) rc = bb_trust_new(&trust, (const uint8_t *)ca.root_cert, strlen(ca.root_cert));
    if (!rc) rc = bb_ca_make_crl(ca.root_key, ca.root_cert, revoked_serials, 1, PCA_NOW - 60,
                                 PCA_NOW + 86400, 1, crl, sizeof(crl), bb_rng_seeded, &ca.rng);
    if (!rc) rc = bb_trust_set_crl(trust, (const uint8_t *)crl, strlen(crl));
    fixture_rc = rc;
    return rc;
}

#define MAXP 7
typedef struct party {
    bb_e2ee *e;
    bb_seeded_rng rng;
    int present;
} party;

static party P[MAXP];

/* The SFU: gets each message (from, to) and may change it; returns 0 to drop. */
typedef int (*sfu_fn)(int from, int to, uint8_t *msg, size_t *len);
static int honest(int from, int to, uint8_t *msg, size_t *len)
{
    (void)from; (void)to; (void)msg; (void)len;
    return 1;
}

static void reset(void)
{
    for (int i = 0; i < MAXP; i++) {
        bb_e2ee_free(P[i].e);
        memset(&P[i], 0, sizeof(P[i]));
    }
}

/* Participant in slot i with participant id `id` (an attacker may claim any). */
static int join_as(int i, uint16_t id, bb_role role, const police_officer *o, const uint8_t *secret,
                   const char *room, const char *expect)
{
    bb_e2ee_config c;
    memset(&c, 0, sizeof(c));
    bb_seeded_rng_init(&P[i].rng, 100 + (uint64_t)i);
    c.room = room ? room : ROOM;
    c.self_id = id;
    c.role = role;
    c.trust = trust;
    c.expected_officer = expect;
    if (secret) {
        c.invite_secret = secret;
        c.invite_len = sizeof(invite);
    }
    if (o) {
        c.cert = (const uint8_t *)o->cert;
        c.cert_len = strlen(o->cert);
        c.key = (const uint8_t *)o->key;
        c.key_len = strlen(o->key);
    }
    c.rng = bb_rng_seeded;
    c.rng_ctx = &P[i].rng;
    P[i].present = 1;
    return bb_e2ee_new(&P[i].e, &c);
}

/* Participant in slot i, id i + 1. */
static int join(int i, bb_role role, const police_officer *o, const uint8_t *secret,
                const char *room, const char *expect)
{
    return join_as(i, (uint16_t)(i + 1), role, o, secret, room, expect);
}

/* Carries messages until nobody has anything to send. */
static int run_sfu(sfu_fn sfu)
{
    uint8_t msg[BB_E2EE_MAX_MSG], copy[BB_E2EE_MAX_MSG];
    size_t n;
    for (int round = 0; round < 50; round++) {
        int moved = 0;
        for (int i = 0; i < MAXP; i++) {
            while (P[i].present && bb_e2ee_poll(P[i].e, msg, sizeof(msg), &n) == BB_OK) {
                moved = 1;
                for (int j = 0; j < MAXP; j++) {
                    if (j == i || !P[j].present)
                        continue;
                    size_t m = n;
                    memcpy(copy, msg, n);
                    if (sfu(i, j, copy, &m))
                        bb_e2ee_receive(P[j].e, copy, m, NOW_US);
                }
            }
        }
        if (!moved)
            return BB_OK;
    }
    return BB_E_STATE;
}

/* Seals text at a and opens it at b; returns what b's unprotect returned. */
static int say(int a, int b, const char *text)
{
    uint8_t ct[256], pt[256];
    size_t n, m;
    uint16_t from = 0;
    int rc = bb_e2ee_protect(P[a].e, NULL, 0, (const uint8_t *)text, strlen(text), ct, sizeof(ct), &n);
    if (rc)
        return rc;
    rc = bb_e2ee_unprotect(P[b].e, NULL, 0, ct, n, pt, sizeof(pt), &m, &from);
    if (rc)
        return rc;
    return m == strlen(text) && memcmp(pt, text, m) == 0 && from == a + 1 ? BB_OK : -100;
}

/* Both have a code, and it is the same. */
static int sas_equal(int a, int b)
{
    char x[8], y[8];
    return bb_e2ee_sas(P[a].e, x) == BB_OK && bb_e2ee_sas(P[b].e, y) == BB_OK && strcmp(x, y) == 0;
}

/* A fresh room with officer Jan (0) and a citizen who expects him (1), not met yet. */
static int pair(void)
{
    int rc = fixture();
    if (rc)
        return rc;
    reset();
    if ((rc = join(0, BB_ROLE_OFFICER, &jan, invite, NULL, NULL)))
        return rc;
    return join(1, BB_ROLE_CITIZEN, NULL, invite, NULL, JAN_NO);
}

/* Officer, citizen and interpreter in a fresh room, met through an honest SFU. */
static int trio(void)
{
    int rc = fixture();
    if (rc)
        return rc;
    reset();
    if ((rc = join(0, BB_ROLE_OFFICER, &jan, invite, NULL, NULL)) ||
        (rc = join(1, BB_ROLE_CITIZEN, NULL, invite, NULL, JAN_NO)) ||
        (rc = join(2, BB_ROLE_INTERPRETER, NULL, invite, NULL, JAN_NO)))
        return rc;
    return run_sfu(honest);
}

/* The two meet through sfu. */
static int meet(sfu_fn sfu)
{
    int rc = pair();
    return rc ? rc : run_sfu(sfu);
}

TEST(e2ee_officer_and_citizen_agree_and_citizen_sees_verified_officer)
{
    CHECK_OK(fixture());
    reset();
    CHECK_OK(join(0, BB_ROLE_OFFICER, &jan, invite, NULL, NULL));
    CHECK_OK(join(1, BB_ROLE_CITIZEN, NULL, invite, NULL, JAN_NO));
    CHECK_OK(run_sfu(honest));
    CHECK_EQ_INT(bb_e2ee_peer_count(P[1].e), 1);
    bb_e2ee_peer info;
    CHECK_OK(bb_e2ee_peer_info(P[1].e, 0, &info));
    CHECK_EQ_INT(info.role, BB_ROLE_OFFICER);
    CHECK_EQ_INT(info.officer.status, BB_OFFICER_OK);
    CHECK(strcmp(info.officer.name, "Jan de Vries") == 0);
    CHECK(strcmp(info.officer.neighbourhood, "Groningen-Noord") == 0);
    CHECK(info.has_key);
    CHECK_OK(say(0, 1, "Goedemiddag, u spreekt met uw wijkagent."));
    CHECK_OK(say(1, 0, "Dank u wel."));
    CHECK(sas_equal(0, 1));
    char sas[8];
    CHECK_OK(bb_e2ee_sas(P[0].e, sas));
    CHECK(strlen(sas) == 7 && sas[3] == ' ');
    reset();
}

TEST(e2ee_replayed_or_tampered_media_is_rejected)
{
    CHECK_OK(meet(honest));
    uint8_t ct[64], pt[64];
    size_t n, m;
    CHECK_OK(bb_e2ee_protect(P[0].e, NULL, 0, (const uint8_t *)"frame", 5, ct, sizeof(ct), &n));
    CHECK_OK(bb_e2ee_unprotect(P[1].e, NULL, 0, ct, n, pt, sizeof(pt), &m, NULL));
    CHECK_EQ_INT(bb_e2ee_unprotect(P[1].e, NULL, 0, ct, n, pt, sizeof(pt), &m, NULL), BB_E_PROTO);
    CHECK_EQ_INT(bb_e2ee_sframe_stats(P[1].e)->rejected[BB_SFRAME_REJECT_REPLAY], 1);
    CHECK_OK(bb_e2ee_protect(P[0].e, NULL, 0, (const uint8_t *)"frame", 5, ct, sizeof(ct), &n));
    ct[n - 1] ^= 0x80;
    CHECK_EQ_INT(bb_e2ee_unprotect(P[1].e, NULL, 0, ct, n, pt, sizeof(pt), &m, NULL), BB_E_AUTH);
    /* The SFU reflecting our own message back is not a message from us. */
    CHECK_OK(bb_e2ee_protect(P[1].e, NULL, 0, (const uint8_t *)"echo", 4, ct, sizeof(ct), &n));
    CHECK_EQ_INT(bb_e2ee_unprotect(P[1].e, NULL, 0, ct, n, pt, sizeof(pt), &m, NULL), BB_E_PROTO);
    CHECK_EQ_INT(bb_e2ee_get_stats(P[1].e)->reflected, 1);
    reset();
}

TEST(e2ee_join_rekeys_old_key_rejected_and_newcomer_cannot_read_the_past)
{
    CHECK_OK(meet(honest));
    uint8_t before[64], pt[64];
    size_t bn, m;
    CHECK_OK(bb_e2ee_protect(P[0].e, NULL, 0, (const uint8_t *)"vooraf", 6, before, sizeof(before), &bn));
    /* A sign-language interpreter joins (same invitation). */
    CHECK_OK(join(2, BB_ROLE_INTERPRETER, NULL, invite, NULL, JAN_NO));
    CHECK_OK(run_sfu(honest));
    CHECK_EQ_INT(bb_e2ee_peer_count(P[0].e), 2);
    CHECK_EQ_INT(bb_e2ee_peer_count(P[2].e), 2);
    /* The newcomer cannot open what was sent before it came ... */
    CHECK_EQ_INT(bb_e2ee_unprotect(P[2].e, NULL, 0, before, bn, pt, sizeof(pt), &m, NULL), BB_E_PROTO);
    /* ... and the officer's pre-join key is gone everywhere (old key after rekey). */
    CHECK_EQ_INT(bb_e2ee_unprotect(P[1].e, NULL, 0, before, bn, pt, sizeof(pt), &m, NULL), BB_E_PROTO);
    CHECK(bb_e2ee_sframe_stats(P[1].e)->rejected[BB_SFRAME_REJECT_UNKNOWN_KID] == 1);
    for (int a = 0; a < 3; a++)
        for (int b = 0; b < 3; b++)
            if (a != b)
                CHECK_OK(say(a, b, "iedereen hoort iedereen"));
    CHECK(sas_equal(0, 1) && sas_equal(1, 2));
    CHECK(bb_e2ee_get_stats(P[0].e)->rekeys >= 2);
    reset();
}

/* The call moved to another SFU: keys renewed, the old ones open nothing
 * more, the code stays the same on every side; also when everyone renews
 * at once, and when one renews before the others have its code value. */
TEST(e2ee_renewed_keys_leave_the_old_ones_useless_and_the_code_as_it_was)
{
    CHECK_OK(trio());
    char code[8], now[8];
    CHECK_OK(bb_e2ee_sas(P[0].e, code));
    uint8_t before[64], pt[64];
    size_t bn, m;
    CHECK_OK(bb_e2ee_protect(P[0].e, NULL, 0, (const uint8_t *)"vooraf", 6, before, sizeof(before), &bn));
    uint64_t rekeys = bb_e2ee_get_stats(P[1].e)->rekeys;
    CHECK_OK(bb_e2ee_renew(P[0].e));
    CHECK_OK(run_sfu(honest));
    for (int i = 0; i < 3; i++) {
        CHECK_OK(bb_e2ee_sas(P[i].e, now));
        CHECK(strcmp(now, code) == 0);
    }
    CHECK_EQ_INT(bb_e2ee_get_stats(P[1].e)->rekeys, rekeys); /* the others keep theirs */
    CHECK_EQ_INT(bb_e2ee_unprotect(P[1].e, NULL, 0, before, bn, pt, sizeof(pt), &m, NULL), BB_E_PROTO);
    CHECK_OK(say(0, 1, "na de verhuizing"));
    CHECK_OK(say(1, 0, "ik hoor u"));
    /* Everyone at once, as when all of them found the call on its new server. */
    for (int i = 0; i < 3; i++)
        CHECK_OK(bb_e2ee_renew(P[i].e));
    CHECK_OK(run_sfu(honest));
    for (int a = 0; a < 3; a++) {
        CHECK_OK(bb_e2ee_sas(P[a].e, now));
        CHECK(strcmp(now, code) == 0);
        for (int b = 0; b < 3; b++)
            if (a != b)
                CHECK_OK(say(a, b, "iedereen weer"));
    }
    reset();
    /* Renewed before the other had its code value: the code still comes, the same on both sides. */
    CHECK_OK(pair());
    uint8_t msg[BB_E2EE_MAX_MSG];
    size_t n;
    while (bb_e2ee_poll(P[0].e, msg, sizeof(msg), &n) == BB_OK)
        bb_e2ee_receive(P[1].e, msg, n, NOW_US);
    CHECK_OK(bb_e2ee_renew(P[0].e));
    CHECK_OK(run_sfu(honest));
    CHECK(sas_equal(0, 1));
    CHECK_OK(say(0, 1, "toch"));
    reset();
}

TEST(e2ee_removed_participant_cannot_read_what_follows)
{
    CHECK_OK(trio());
    CHECK_OK(say(0, 2, "nog even"));
    char sas3[8];
    bb_e2ee_sas(P[0].e, sas3);
    /* The interpreter leaves; the SFU still forwards it everything. */
    CHECK_OK(bb_e2ee_remove_peer(P[0].e, 3, NOW_US));
    CHECK_OK(bb_e2ee_remove_peer(P[1].e, 3, NOW_US));
    P[2].present = 0;
    CHECK_OK(run_sfu(honest));
    uint8_t ct[64], pt[64];
    size_t n, m;
    CHECK_OK(bb_e2ee_protect(P[0].e, NULL, 0, (const uint8_t *)"vertrouwelijk", 13, ct, sizeof(ct), &n));
    CHECK_EQ_INT(bb_e2ee_unprotect(P[2].e, NULL, 0, ct, n, pt, sizeof(pt), &m, NULL), BB_E_PROTO);
    CHECK_OK(bb_e2ee_unprotect(P[1].e, NULL, 0, ct, n, pt, sizeof(pt), &m, NULL));
    CHECK_OK(say(1, 0, "alleen wij"));
    /* The leaver's messages are no longer accepted either. */
    CHECK_OK(bb_e2ee_protect(P[2].e, NULL, 0, (const uint8_t *)"hallo?", 6, ct, sizeof(ct), &n));
    CHECK_EQ_INT(bb_e2ee_unprotect(P[0].e, NULL, 0, ct, n, pt, sizeof(pt), &m, NULL), BB_E_PROTO);
    char sas2[8];
    bb_e2ee_sas(P[0].e, sas2);
    CHECK(strcmp(sas2, sas3) != 0 && sas_equal(0, 1));
    reset();
}

static uint8_t saved_hello[BB_E2EE_MAX_MSG];
static size_t saved_len;
static int record_interpreter_hello(int from, int to, uint8_t *msg, size_t *len)
{
    bb_hs_msg m;
    if (from == 2 && bb_hs_parse(msg, *len, &m) == BB_OK && m.type == BB_HS_HELLO) {
        memcpy(saved_hello, msg, *len);
        saved_len = *len;
    }
    return 1;
}

TEST(e2ee_sfu_cannot_bring_back_a_removed_participant)
{
    CHECK_OK(fixture());
    reset();
    CHECK_OK(join(0, BB_ROLE_OFFICER, &jan, invite, NULL, NULL));
    CHECK_OK(join(2, BB_ROLE_INTERPRETER, NULL, invite, NULL, JAN_NO));
    CHECK_OK(run_sfu(record_interpreter_hello));
    CHECK(saved_len > 0);
    CHECK_OK(bb_e2ee_remove_peer(P[0].e, 3, NOW_US));
    CHECK_EQ_INT(bb_e2ee_receive(P[0].e, saved_hello, saved_len, NOW_US), BB_E_PROTO);
    CHECK_EQ_INT(bb_e2ee_get_stats(P[0].e)->rejected[BB_HS_REJECT_REPLAY], 1);
    CHECK_EQ_INT(bb_e2ee_peer_count(P[0].e), 0);
    reset();
}

/* A fresh room with the officer (0) and a citizen (1) who have not met yet;
 * msg gets the first handshake message participant `who` sends. */
static int officer_and_citizen(int who, uint8_t msg[BB_E2EE_MAX_MSG], size_t *n)
{
    int rc = pair();
    return rc ? rc : bb_e2ee_poll(P[who].e, msg, BB_E2EE_MAX_MSG, n);
}

/* The SFU hands us a participant's HELLO as if another feed had sent it:
 * refused before anything else, and counted. */
TEST(e2ee_handshake_on_another_feed_is_refused)
{
    uint8_t msg[BB_E2EE_MAX_MSG];
    size_t n;
    CHECK_OK(officer_and_citizen(1, msg, &n)); /* the citizen's HELLO */
    uint16_t from = (uint16_t)(msg[5] << 8 | msg[6]);
    CHECK_EQ_INT(bb_e2ee_receive_on(P[0].e, (uint16_t)(from + 1), msg, n, NOW_US), BB_E_PROTO);
    CHECK_EQ_INT(bb_e2ee_get_stats(P[0].e)->rejected[BB_HS_REJECT_WRONG_FEED], 1);
    CHECK_EQ_INT(bb_e2ee_peer_count(P[0].e), 0);
    CHECK_OK(bb_e2ee_receive_on(P[0].e, from, msg, n, NOW_US)); /* on its own feed: fine */
    CHECK_EQ_INT(bb_e2ee_peer_count(P[0].e), 1);
    reset();
}

/* The citizen's HELLO made into another sender's (feed), variant v: its MAC no longer fits. */
static size_t forged_hello(const uint8_t *hello, size_t n, uint16_t feed, uint8_t v, uint8_t *out)
{
    memcpy(out, hello, n);
    out[5] = (uint8_t)(feed >> 8);
    out[6] = (uint8_t)feed;
    out[n - 1] ^= (uint8_t)(v + 1);
    return n;
}

/* A feed sending HELLO after HELLO cannot make us verify more than its ration, nor can many
 * feeds together; genuine senders on other feeds still get through, and one more fits once
 * the ration refills. */
TEST(e2ee_hello_verification_is_rationed_per_sender_and_in_all)
{
    uint8_t hello[BB_E2EE_MAX_MSG], bad[BB_E2EE_MAX_MSG];
    size_t n;
    CHECK_OK(officer_and_citizen(1, hello, &n));
    const bb_e2ee_stats *st = bb_e2ee_get_stats(P[0].e);
    for (int v = 0; v < 100; v++)
        CHECK(bb_e2ee_receive_on(P[0].e, 9, bad, forged_hello(hello, n, 9, (uint8_t)v, bad), NOW_US) < 0);
    CHECK_EQ_INT(st->verified, BB_E2EE_VERIFY_BURST);
    CHECK_EQ_INT(st->rejected[BB_HS_REJECT_INVITE], BB_E2EE_VERIFY_BURST);
    CHECK_EQ_INT(st->rejected[BB_HS_REJECT_RATE], 100 - BB_E2EE_VERIFY_BURST);
    CHECK_EQ_INT(bb_e2ee_receive_on(P[0].e, 9, bad, forged_hello(hello, n, 9, 200, bad), NOW_US), BB_E_STATE);
    /* One refill later, one more is verified, and only one. */
    uint64_t later = NOW_US + BB_E2EE_VERIFY_REFILL_US;
    CHECK_EQ_INT(bb_e2ee_receive_on(P[0].e, 9, bad, forged_hello(hello, n, 9, 201, bad), later), BB_E_AUTH);
    CHECK_EQ_INT(bb_e2ee_receive_on(P[0].e, 9, bad, forged_hello(hello, n, 9, 202, bad), later), BB_E_STATE);
    CHECK_EQ_INT(st->verified, BB_E2EE_VERIFY_BURST + 1);
    /* The genuine citizen on its own feed, at the same moment. */
    CHECK_OK(bb_e2ee_receive_on(P[0].e, 2, hello, n, later));
    CHECK_EQ_INT(bb_e2ee_peer_count(P[0].e), 1);

    /* Many feeds at once: all of them together get BB_E2EE_VERIFY_ALL_BURST. */
    CHECK_OK(officer_and_citizen(1, hello, &n));
    st = bb_e2ee_get_stats(P[0].e);
    for (uint16_t feed = 10; feed < 20; feed++)
        for (int v = 0; v < BB_E2EE_VERIFY_BURST; v++)
            bb_e2ee_receive_on(P[0].e, feed, bad, forged_hello(hello, n, feed, (uint8_t)v, bad), NOW_US);
    CHECK_EQ_INT(st->verified, BB_E2EE_VERIFY_ALL_BURST);
    CHECK_EQ_INT(st->rejected[BB_HS_REJECT_RATE], 10 * BB_E2EE_VERIFY_BURST - BB_E2EE_VERIFY_ALL_BURST);
    /* The genuine citizen waits for its HELLO's next copy. */
    CHECK_EQ_INT(bb_e2ee_receive_on(P[0].e, 2, hello, n, NOW_US), BB_E_STATE);
    CHECK_OK(bb_e2ee_receive_on(P[0].e, 2, hello, n, NOW_US + BB_E2EE_VERIFY_ALL_REFILL_US));
    CHECK_EQ_INT(bb_e2ee_peer_count(P[0].e), 1);
    reset();
}

/* The same failing HELLO again and again is verified once; it keeps its reason. */
TEST(e2ee_failed_hello_is_refused_again_without_verifying)
{
    uint8_t hello[BB_E2EE_MAX_MSG], bad[BB_E2EE_MAX_MSG];
    size_t n;
    CHECK_OK(officer_and_citizen(1, hello, &n));
    const bb_e2ee_stats *st = bb_e2ee_get_stats(P[0].e);
    size_t m = forged_hello(hello, n, 9, 0, bad);
    for (int i = 0; i < 10; i++)
        CHECK_EQ_INT(bb_e2ee_receive_on(P[0].e, 9, bad, m, NOW_US + (uint64_t)i), BB_E_AUTH);
    CHECK_EQ_INT(st->verified, 1);
    CHECK_EQ_INT(st->remembered, 9);
    CHECK_EQ_INT(st->rejected[BB_HS_REJECT_INVITE], 10);
    /* An officer with a certificate from another CA, over and over: one chain check. */
    reset();
    CHECK_OK(join(0, BB_ROLE_OFFICER, &rogue, invite, NULL, NULL));
    CHECK_OK(join(1, BB_ROLE_CITIZEN, NULL, invite, NULL, JAN_NO));
    CHECK_OK(bb_e2ee_poll(P[0].e, hello, sizeof(hello), &n));
    st = bb_e2ee_get_stats(P[1].e);
    for (int i = 0; i < 10; i++)
        CHECK_EQ_INT(bb_e2ee_receive_on(P[1].e, 1, hello, n, NOW_US), BB_E_AUTH);
    CHECK_EQ_INT(st->verified, 1);
    CHECK_EQ_INT(st->rejected[BB_HS_REJECT_CERTIFICATE], 10);
    CHECK_EQ_INT((int)bb_e2ee_officer_failure(P[1].e)->status, BB_OFFICER_UNKNOWN_CA);
    reset();
}

TEST(e2ee_knowing_the_room_is_not_enough_to_join)
{
    CHECK_OK(fixture());
    reset();
    static const uint8_t guess[24] = "guessed-invite-secret!!";
    CHECK_OK(join(0, BB_ROLE_OFFICER, &jan, invite, NULL, NULL));
    CHECK_OK(join(1, BB_ROLE_CITIZEN, NULL, guess, NULL, NULL));       /* right room, wrong secret */
    CHECK_OK(join(2, BB_ROLE_CITIZEN, NULL, invite, "other-room", NULL)); /* right secret, other room */
    CHECK_OK(run_sfu(honest));
    CHECK_EQ_INT(bb_e2ee_peer_count(P[0].e), 0);
    /* At least once each (a HELLO is sent again whenever its sender meets someone new). */
    CHECK(bb_e2ee_get_stats(P[0].e)->rejected[BB_HS_REJECT_INVITE] >= 2);
    /* A citizen who claims to be an officer without a certificate (to an interpreter). */
    reset();
    CHECK_OK(join(0, BB_ROLE_INTERPRETER, NULL, invite, NULL, JAN_NO));
    CHECK_OK(join(1, BB_ROLE_CITIZEN, NULL, invite, NULL, JAN_NO));
    uint8_t msg[BB_E2EE_MAX_MSG];
    size_t n;
    CHECK_OK(bb_e2ee_poll(P[1].e, msg, sizeof(msg), &n));
    msg[7] = BB_ROLE_OFFICER;
    CHECK_EQ_INT(bb_e2ee_receive(P[0].e, msg, n, NOW_US), BB_E_PROTO);
    CHECK_EQ_INT(bb_e2ee_get_stats(P[0].e)->rejected[BB_HS_REJECT_ROLE], 1);
    reset();
}

/* The citizen meets an officer whose certificate is bad in one way. */
static int officer_status(const police_officer *o, const char *expect, int *peers)
{
    reset();
    if (join(0, BB_ROLE_OFFICER, o, invite, NULL, NULL) ||
        join(1, BB_ROLE_CITIZEN, NULL, invite, NULL, expect) || run_sfu(honest))
        return -1;
    *peers = (int)bb_e2ee_peer_count(P[1].e);
    const bb_officer_result *r = bb_e2ee_officer_failure(P[1].e);
    int st = r ? (int)r->status : 0;
    /* No key may have been taken from it: the officer's media must not open. */
    if (say(0, 1, "test") == BB_OK)
        st = -2;
    if (r && bb_e2ee_get_stats(P[1].e)->rejected[BB_HS_REJECT_CERTIFICATE] < 1)
        st = -3;
    reset();
    return st;
}

/* An invitation admits one citizen: a second one with the same secret is refused (and not
 * remembered: the same HELLO passes once the first citizen has left). */
TEST(e2ee_a_call_has_one_citizen)
{
    CHECK_OK(meet(honest));
    CHECK_OK(join(2, BB_ROLE_CITIZEN, NULL, invite, NULL, JAN_NO));
    uint8_t hello[BB_E2EE_MAX_MSG];
    size_t n;
    CHECK_OK(bb_e2ee_poll(P[2].e, hello, sizeof(hello), &n));
    CHECK_EQ_INT(bb_e2ee_receive_on(P[0].e, 3, hello, n, NOW_US), BB_E_PROTO);
    CHECK_EQ_INT(bb_e2ee_receive_on(P[0].e, 3, hello, n, NOW_US), BB_E_PROTO);
    CHECK_EQ_INT(bb_e2ee_get_stats(P[0].e)->rejected[BB_HS_REJECT_ROLE_TAKEN], 2);
    CHECK_EQ_INT(bb_e2ee_get_stats(P[0].e)->verified, 1); /* only the first citizen's */
    CHECK_EQ_INT(bb_e2ee_peer_count(P[0].e), 1);
    CHECK_OK(bb_e2ee_remove_peer(P[0].e, 2, NOW_US));
    CHECK_OK(bb_e2ee_receive_on(P[0].e, 3, hello, n, NOW_US));
    CHECK_EQ_INT(bb_e2ee_peer_count(P[0].e), 1);
    reset();
}

/* "Verified officer" fails closed: without the officer number the invitation gave (missing or empty),
 * no certificate holder is admitted as the officer, however good the certificate; a
 * colleague's certificate is admitted in its own role, never as the officer. */
TEST(e2ee_officer_needs_the_invited_number_and_a_colleague_is_not_the_officer)
{
    CHECK_OK(fixture());
    const char *no_name[] = {NULL, ""};
    for (int i = 0; i < 2; i++) {
        int peers = -1;
        CHECK_EQ_INT(officer_status(&jan, no_name[i], &peers), BB_OFFICER_WRONG_OFFICER);
        CHECK_EQ_INT(peers, 0);
    }
    /* Piet as a colleague: admitted with his own name and role, the call's officer is Jan. */
    reset();
    CHECK_OK(join(0, BB_ROLE_OFFICER, &jan, invite, NULL, NULL));
    CHECK_OK(join(1, BB_ROLE_CITIZEN, NULL, invite, NULL, JAN_NO));
    CHECK_OK(join(2, BB_ROLE_COLLEAGUE, &piet, invite, NULL, JAN_NO));
    CHECK_OK(run_sfu(honest));
    CHECK_EQ_INT(bb_e2ee_peer_count(P[1].e), 2);
    int officers = 0, colleagues = 0;
    for (size_t i = 0; i < 2; i++) {
        bb_e2ee_peer p;
        CHECK_OK(bb_e2ee_peer_info(P[1].e, i, &p));
        officers += p.role == BB_ROLE_OFFICER && strcmp(p.officer.name, JAN) == 0;
        colleagues += p.role == BB_ROLE_COLLEAGUE && strcmp(p.officer.name, "Piet Jansen") == 0;
    }
    CHECK_EQ_INT(officers, 1);
    CHECK_EQ_INT(colleagues, 1);
    /* Piet claiming the officer's role is refused (he is not the invited officer). */
    reset();
    CHECK_OK(join(0, BB_ROLE_OFFICER, &piet, invite, NULL, NULL));
    CHECK_OK(join(1, BB_ROLE_CITIZEN, NULL, invite, NULL, JAN_NO));
    CHECK_OK(run_sfu(honest));
    CHECK_EQ_INT(bb_e2ee_peer_count(P[1].e), 0);
    CHECK_EQ_INT((int)bb_e2ee_officer_failure(P[1].e)->status, BB_OFFICER_WRONG_OFFICER);
    reset();
}

TEST(e2ee_officer_key_that_is_not_the_certificates_is_refused_at_once)
{
    CHECK_OK(fixture());
    police_officer mixed = jan;
    memcpy(mixed.key, piet.key, sizeof(mixed.key)); /* Jan's certificate, Piet's key */
    CHECK_EQ_INT(join(0, BB_ROLE_OFFICER, &mixed, NULL, NULL, NULL), BB_E_AUTH);
    CHECK(P[0].e == NULL);
    P[0].present = 0;
    CHECK_OK(join(0, BB_ROLE_OFFICER, &jan, NULL, NULL, NULL));
    reset();
}

TEST(e2ee_bad_officer_certificate_gives_its_reason_and_no_key)
{
    CHECK_OK(fixture());
    int peers = -1;
    CHECK_EQ_INT(officer_status(&expired, NULL, &peers), BB_OFFICER_EXPIRED);
    CHECK_EQ_INT(peers, 0);
    CHECK_EQ_INT(officer_status(&revoked, NULL, &peers), BB_OFFICER_REVOKED);
    CHECK_EQ_INT(officer_status(&rogue, NULL, &peers), BB_OFFICER_UNKNOWN_CA);
    CHECK_EQ_INT(officer_status(&piet, JAN_NO, &peers), BB_OFFICER_WRONG_OFFICER);
    CHECK_EQ_INT(peers, 0);
    /* Another officer of the same name: the number decides, not the name. */
    CHECK_EQ_INT(officer_status(&namesake, JAN_NO, &peers), BB_OFFICER_WRONG_OFFICER);
    CHECK_EQ_INT(peers, 0);
}

/* MITM 1: the SFU swaps the X25519 key in the officer's HELLO for its own. */
static int swap_officer_key(int from, int to, uint8_t *msg, size_t *len)
{
    bb_hs_msg m;
    if (from == 0 && bb_hs_parse(msg, *len, &m) == BB_OK && m.type == BB_HS_HELLO)
        msg[8] ^= 0x55; /* first byte of the X25519 key */
    return 1;
}

/* MITM 2: same for the citizen's HELLO (MAC'd with the invitation). */
static int swap_citizen_key(int from, int to, uint8_t *msg, size_t *len)
{
    bb_hs_msg m;
    if (from == 1 && bb_hs_parse(msg, *len, &m) == BB_OK && m.type == BB_HS_HELLO)
        msg[20] ^= 0x01;
    return 1;
}

TEST(e2ee_sfu_substituting_keys_is_detected_by_signature_or_mac)
{
    CHECK_OK(fixture());
    reset();
    CHECK_OK(join(0, BB_ROLE_OFFICER, &jan, invite, NULL, NULL));
    CHECK_OK(join(1, BB_ROLE_CITIZEN, NULL, invite, NULL, JAN_NO));
    CHECK_OK(run_sfu(swap_officer_key));
    CHECK(bb_e2ee_get_stats(P[1].e)->rejected[BB_HS_REJECT_SIGNATURE] >= 1);
    CHECK_EQ_INT(bb_e2ee_officer_failure(P[1].e)->status, BB_OFFICER_BAD_SIGNATURE);
    CHECK_EQ_INT(bb_e2ee_peer_count(P[1].e), 0);
    reset();
    CHECK_OK(join(0, BB_ROLE_OFFICER, &jan, invite, NULL, NULL));
    CHECK_OK(join(1, BB_ROLE_CITIZEN, NULL, invite, NULL, JAN_NO));
    CHECK_OK(run_sfu(swap_citizen_key));
    CHECK(bb_e2ee_get_stats(P[0].e)->rejected[BB_HS_REJECT_INVITE] >= 1);
    CHECK_EQ_INT(bb_e2ee_peer_count(P[0].e), 0);
    reset();
}

/*
 * MITM 3: an SFU operator who also stole the invitation link runs its own
 * "citizen" (id 2) towards the officer and hides the real citizen's HELLO.
 * Every authenticator checks out, so only people can notice: the SAS the
 * officer reads out differs from the one the real citizen sees.
 */
static int impersonate_citizen(int from, int to, uint8_t *msg, size_t *len)
{
    if (from == 1 && to == 0)
        return 0; /* the real citizen never reaches the officer */
    if (from == 5 && to != 0)
        return 0; /* mallory only talks to the officer */
    if (from == 5) {
        bb_hs_msg m;
        return bb_hs_parse(msg, *len, &m) == BB_OK;
    }
    if (to == 5 && from != 0)
        return 0;
    return 1;
}

TEST(e2ee_sfu_with_stolen_invitation_is_exposed_by_sas_mismatch)
{
    CHECK_OK(fixture());
    reset();
    CHECK_OK(join(0, BB_ROLE_OFFICER, &jan, invite, NULL, NULL));
    CHECK_OK(join(1, BB_ROLE_CITIZEN, NULL, invite, NULL, JAN_NO));
    /* Mallory: slot 5 but claims id 2, the citizen's. */
    CHECK_OK(join_as(5, 2, BB_ROLE_CITIZEN, NULL, invite, NULL, NULL));
    CHECK_OK(run_sfu(impersonate_citizen));
    CHECK_EQ_INT(bb_e2ee_peer_count(P[0].e), 1);
    CHECK_EQ_INT(bb_e2ee_peer_count(P[1].e), 1); /* the citizen does see the real officer */
    CHECK(!sas_equal(0, 1));
    reset();
}

/* The SFU flips the last bit of every message of one type on its way to the citizen. */
static bb_hs_type bent_type;
static int bend_to_citizen(int from, int to, uint8_t *msg, size_t *len)
{
    bb_hs_msg m;
    (void)from;
    if (to == 1 && bb_hs_parse(msg, *len, &m) == BB_OK && m.type == bent_type)
        msg[*len - 1] ^= 1;
    return 1;
}

/* Officer and citizen meet through that SFU. */
static int meet_bending(bb_hs_type type)
{
    bent_type = type;
    return meet(bend_to_citizen);
}

/* A code value must open the commitment its sender made before it saw ours: a changed one is
 * refused, and there is no code. */
TEST(e2ee_code_value_that_does_not_open_its_commitment_is_refused)
{
    CHECK_OK(meet_bending(BB_HS_REVEAL));
    CHECK(bb_e2ee_get_stats(P[1].e)->rejected[BB_HS_REJECT_REVEAL] >= 1);
    char code[8];
    CHECK_EQ_INT(bb_e2ee_sas(P[1].e, code), BB_E_AGAIN);
    CHECK_EQ_INT(bb_e2ee_sas(P[0].e, code), BB_OK); /* the officer got the citizen's */
    CHECK_OK(say(0, 1, "media still flows")); /* keys are not the code's business */
    reset();
}

/* Nobody reveals a code value before holding the others' commitments. */
TEST(e2ee_code_value_is_revealed_only_after_the_others_commit)
{
    uint8_t msg[BB_E2EE_MAX_MSG];
    size_t n;
    CHECK_OK(officer_and_citizen(0, msg, &n)); /* the officer's HELLO */
    CHECK_OK(bb_e2ee_receive(P[1].e, msg, n, NOW_US));
    /* The citizen answers with its HELLO and KEYS, but no REVEAL: no commitment of the officer yet. */
    int reveals = 0;
    bb_hs_msg m;
    while (bb_e2ee_poll(P[1].e, msg, sizeof(msg), &n) == BB_OK)
        reveals += bb_hs_parse(msg, n, &m) == BB_OK && m.type == BB_HS_REVEAL;
    CHECK_EQ_INT(reveals, 0);
    char code[8];
    CHECK_EQ_INT(bb_e2ee_sas(P[1].e, code), BB_E_AGAIN);
    reset();
}

/* The SFU shows a third participant to the citizen only (the officer never hears of it). */
static int ghost_for_citizen_only(int from, int to, uint8_t *msg, size_t *len)
{
    (void)msg; (void)len;
    return !((from == 2 && to == 0) || (from == 0 && to == 2));
}

/* ... or one participant with one id and another HELLO to each side (both ghosts hear all). */
static int a_ghost_each(int from, int to, uint8_t *msg, size_t *len)
{
    (void)msg; (void)len;
    if (from == 2) return to == 1;    /* ghost A: shown to the citizen only */
    if (from == 3) return to == 0;    /* ghost B (same id): shown to the officer only */
    return 1;
}

TEST(e2ee_participant_shown_to_one_side_gets_no_matching_code)
{
    CHECK_OK(fixture());
    reset();
    CHECK_OK(join(0, BB_ROLE_OFFICER, &jan, invite, NULL, NULL));
    CHECK_OK(join(1, BB_ROLE_CITIZEN, NULL, invite, NULL, JAN_NO));
    CHECK_OK(join(2, BB_ROLE_INTERPRETER, NULL, invite, NULL, JAN_NO));
    CHECK_OK(run_sfu(ghost_for_citizen_only));
    CHECK_EQ_INT(bb_e2ee_peer_count(P[0].e), 1);
    CHECK_EQ_INT(bb_e2ee_peer_count(P[1].e), 2);
    /* They do not see the same participants: neither gets a code. */
    char code[8];
    CHECK_EQ_INT(bb_e2ee_sas(P[0].e, code), BB_E_AGAIN);
    CHECK_EQ_INT(bb_e2ee_sas(P[1].e, code), BB_E_AGAIN);

    /* Same ids on both sides (a ghost with id 3 to each, different HELLOs): no matching code
     * (the ghost the officer sees cannot open the citizen's keys, so it has no commitment of
     * the citizen's to reveal against; one that revealed anyway would have committed before
     * the officer's value was out). */
    reset();
    CHECK_OK(join(0, BB_ROLE_OFFICER, &jan, invite, NULL, NULL));
    CHECK_OK(join(1, BB_ROLE_CITIZEN, NULL, invite, NULL, JAN_NO));
    CHECK_OK(join(2, BB_ROLE_INTERPRETER, NULL, invite, NULL, JAN_NO));
    CHECK_OK(join_as(3, 3, BB_ROLE_INTERPRETER, NULL, invite, NULL, JAN_NO)); /* id 3 like ghost A */
    CHECK_OK(run_sfu(a_ghost_each));
    CHECK_EQ_INT(bb_e2ee_peer_count(P[0].e), 2);
    CHECK_EQ_INT(bb_e2ee_peer_count(P[1].e), 2);
    CHECK(!sas_equal(0, 1));
    reset();
}

/* One bit of the wrapped key in KEYS messages to the citizen flipped. */
TEST(e2ee_tampered_keys_message_is_rejected)
{
    CHECK_OK(meet_bending(BB_HS_KEYS));
    CHECK(bb_e2ee_get_stats(P[1].e)->rejected[BB_HS_REJECT_KEYS_AUTH] >= 1);
    CHECK(say(0, 1, "kan niet") != BB_OK);
    CHECK_OK(say(1, 0, "wel andersom"));
    reset();
}

TEST(e2ee_five_participants_and_no_sixth)
{
    CHECK_OK(fixture());
    reset();
    CHECK_OK(join(0, BB_ROLE_OFFICER, &jan, invite, NULL, NULL));
    CHECK_OK(join(1, BB_ROLE_CITIZEN, NULL, invite, NULL, JAN_NO));
    CHECK_OK(join(2, BB_ROLE_INTERPRETER, NULL, invite, NULL, JAN_NO));
    CHECK_OK(join(3, BB_ROLE_COLLEAGUE, &piet, invite, NULL, JAN_NO));
    CHECK_OK(join(4, BB_ROLE_INTERPRETER, NULL, invite, NULL, JAN_NO));
    CHECK_OK(run_sfu(honest));
    for (int a = 0; a < 5; a++) {
        CHECK_EQ_INT(bb_e2ee_peer_count(P[a].e), 4);
        for (int b = 0; b < 5; b++)
            if (a != b)
                CHECK_OK(say(a, b, "vijf"));
    }
    CHECK(sas_equal(0, 4) && sas_equal(1, 3));
    CHECK_OK(join(5, BB_ROLE_INTERPRETER, NULL, invite, NULL, JAN_NO));
    CHECK_OK(run_sfu(honest));
    CHECK_EQ_INT(bb_e2ee_peer_count(P[0].e), 4);
    CHECK_EQ_INT(bb_e2ee_get_stats(P[0].e)->rejected[BB_HS_REJECT_FULL], 1);
    reset();
}

TEST(e2ee_malformed_handshake_bytes_are_counted_not_crashed_on)
{
    uint8_t msg[BB_E2EE_MAX_MSG];
    size_t n;
    CHECK_OK(officer_and_citizen(0, msg, &n));
    uint64_t before = bb_e2ee_get_stats(P[1].e)->rejected[BB_HS_REJECT_FORMAT];
    for (size_t cut = 0; cut < n; cut++)
        CHECK(bb_e2ee_receive(P[1].e, msg, cut, NOW_US) < 0);
    CHECK_EQ_INT(bb_e2ee_get_stats(P[1].e)->rejected[BB_HS_REJECT_FORMAT] - before, n);
    CHECK_EQ_INT(bb_e2ee_peer_count(P[1].e), 0);
    CHECK_OK(bb_e2ee_receive(P[1].e, msg, n, NOW_US)); /* the whole one is fine */
    CHECK_EQ_INT(bb_e2ee_peer_count(P[1].e), 1);
    bb_e2ee_config bad;
    memset(&bad, 0, sizeof(bad));
    bb_e2ee *x;
    CHECK_EQ_INT(bb_e2ee_new(&x, &bad), BB_E_ARG);
    bad.room = ROOM, bad.self_id = 9, bad.role = BB_ROLE_CITIZEN, bad.rng = bb_rng_seeded;
    CHECK_EQ_INT(bb_e2ee_new(&x, &bad), BB_E_ARG); /* a citizen needs the invitation */
    bad.invite_secret = invite, bad.invite_len = 8;
    CHECK_EQ_INT(bb_e2ee_new(&x, &bad), BB_E_ARG); /* too short to be a secret */
    reset();
}

/* The SFU (or a retransmission) delivers the officer's KEYS before its HELLO. */
static int hold_officer_hello(int from, int to, uint8_t *msg, size_t *len)
{
    bb_hs_msg m;
    if (from == 0 && to == 1 && bb_hs_parse(msg, *len, &m) == BB_OK && m.type == BB_HS_HELLO) {
        memcpy(saved_hello, msg, *len);
        saved_len = *len;
        return 0;
    }
    return 1;
}

TEST(e2ee_keys_before_hello_are_kept_until_the_hello_arrives)
{
    CHECK_OK(fixture());
    reset();
    saved_len = 0;
    CHECK_OK(join(0, BB_ROLE_OFFICER, &jan, invite, NULL, NULL));
    CHECK_OK(join(1, BB_ROLE_CITIZEN, NULL, invite, NULL, JAN_NO));
    CHECK_OK(run_sfu(hold_officer_hello));
    CHECK(saved_len > 0);
    CHECK_EQ_INT(bb_e2ee_peer_count(P[1].e), 0);
    CHECK(bb_e2ee_get_stats(P[1].e)->deferred >= 1);
    CHECK(say(0, 1, "nog niet") != BB_OK);
    /* The late HELLO arrives: the kept KEYS is used, nothing new is needed. */
    CHECK_OK(bb_e2ee_receive(P[1].e, saved_hello, saved_len, NOW_US));
    CHECK_OK(say(0, 1, "nu wel"));
    CHECK_EQ_INT(bb_e2ee_get_stats(P[1].e)->rejected[BB_HS_REJECT_UNKNOWN_SENDER], 0);
    reset();
}

/* The citizen's consent key, bound for the officer (slot 0) by the citizen (slot 1). */
static int bind_consent_key(bb_consent_key *k, bb_seeded_rng *rng, uint8_t mac[32])
{
    int rc = bb_consent_key_new(k, bb_rng_seeded, rng);
    return rc ? rc : bb_e2ee_consent_key_mac(P[1].e, k->pub, sizeof(k->pub), mac);
}

TEST(e2ee_the_citizens_consent_key_is_bound_to_the_invitation_and_this_call)
{
    CHECK_OK(meet(honest));
    bb_seeded_rng rng;
    bb_seeded_rng_init(&rng, 7);
    bb_consent_key k, other;
    uint8_t mac[32], other_mac[32];
    CHECK_OK(bind_consent_key(&k, &rng, mac));
    CHECK_OK(bb_e2ee_consent_key_check(P[0].e, 2, k.pub, sizeof(k.pub), mac));
    /* Another key with this MAC, a MAC off by a bit, a sender who is the
     * officer or nobody on the roster: all refused. */
    CHECK_OK(bb_consent_key_new(&other, bb_rng_seeded, &rng));
    CHECK_EQ_INT(bb_e2ee_consent_key_check(P[0].e, 2, other.pub, sizeof(other.pub), mac), BB_E_AUTH);
    mac[31] ^= 1;
    CHECK_EQ_INT(bb_e2ee_consent_key_check(P[0].e, 2, k.pub, sizeof(k.pub), mac), BB_E_AUTH);
    mac[31] ^= 1;
    CHECK_EQ_INT(bb_e2ee_consent_key_check(P[0].e, 1, k.pub, sizeof(k.pub), mac), BB_E_PROTO);
    CHECK_EQ_INT(bb_e2ee_consent_key_check(P[0].e, 5, k.pub, sizeof(k.pub), mac), BB_E_PROTO);
    /* Only an invitation's holder can bind a key. */
    CHECK_EQ_INT(bb_e2ee_consent_key_mac(P[0].e, k.pub, sizeof(k.pub), other_mac), BB_E_STATE);
    /* The same citizen in another call (room) makes another binding. */
    reset();
    CHECK_OK(fixture());
    CHECK_OK(join(0, BB_ROLE_OFFICER, &jan, invite, "another-room", NULL));
    CHECK_OK(join(1, BB_ROLE_CITIZEN, NULL, invite, "another-room", JAN_NO));
    CHECK_OK(run_sfu(honest));
    CHECK_OK(bb_e2ee_consent_key_mac(P[1].e, k.pub, sizeof(k.pub), other_mac));
    CHECK(memcmp(mac, other_mac, 32) != 0);
    CHECK_EQ_INT(bb_e2ee_consent_key_check(P[0].e, 2, k.pub, sizeof(k.pub), mac), BB_E_AUTH);
    reset();
}

TEST(e2ee_a_consent_counts_only_for_this_document_roster_and_call)
{
    CHECK_OK(meet(honest));
    uint8_t roster[32], roster_officer[32], doc[32], mac[32], ev[BB_CONSENT_MAX];
    CHECK_OK(bb_e2ee_roster_digest(P[1].e, roster));
    CHECK_OK(bb_e2ee_roster_digest(P[0].e, roster_officer));
    CHECK(memcmp(roster, roster_officer, 32) == 0);
    memset(doc, 0x42, sizeof(doc));
    bb_seeded_rng rng;
    bb_seeded_rng_init(&rng, 8);
    bb_consent_key k, other;
    CHECK_OK(bind_consent_key(&k, &rng, mac));
    size_t n;
    CHECK_OK(bb_consent_make(&k, BB_CONSENT_SIGN, doc, roster, ROOM, PCA_NOW, ev, sizeof(ev), &n));
    bb_consent_claim c;
    CHECK_OK(bb_consent_check(ev, n, k.pub, doc, roster_officer, ROOM, PCA_NOW + 10, &c));
    CHECK_EQ_INT(c.decision, BB_CONSENT_SIGN);
    CHECK_EQ_INT(c.time, PCA_NOW);
    uint8_t doc2[32];
    memset(doc2, 0x43, sizeof(doc2));
    CHECK_EQ_INT(bb_consent_check(ev, n, k.pub, doc2, roster_officer, ROOM, PCA_NOW, &c), BB_E_PROTO);
    CHECK_EQ_INT(bb_consent_check(ev, n, k.pub, doc, roster_officer, "another-room", PCA_NOW, &c),
                 BB_E_PROTO);
    CHECK_EQ_INT(bb_consent_check(ev, n, k.pub, doc, roster_officer, ROOM, PCA_NOW + 301, &c), BB_E_PROTO);
    /* Made by a key the citizen did not bind (someone not on the roster). */
    CHECK_OK(bb_consent_key_new(&other, bb_rng_seeded, &rng));
    size_t m;
    uint8_t ev2[BB_CONSENT_MAX];
    CHECK_OK(bb_consent_make(&other, BB_CONSENT_SIGN, doc, roster, ROOM, PCA_NOW, ev2, sizeof(ev2), &m));
    CHECK_EQ_INT(bb_consent_check(ev2, m, k.pub, doc, roster_officer, ROOM, PCA_NOW, &c), BB_E_AUTH);
    /* Any byte changed: refused. */
    for (size_t i = 0; i < n; i++) {
        ev[i] ^= 0x04;
        CHECK(bb_consent_check(ev, n, k.pub, doc, roster_officer, ROOM, PCA_NOW, &c) != BB_OK);
        ev[i] ^= 0x04;
    }
    /* Someone joins: the roster the consent named is no longer the call's. */
    CHECK_OK(join(2, BB_ROLE_INTERPRETER, NULL, invite, NULL, JAN_NO));
    CHECK_OK(run_sfu(honest));
    CHECK_OK(bb_e2ee_roster_digest(P[0].e, roster_officer));
    CHECK_EQ_INT(bb_consent_check(ev, n, k.pub, doc, roster_officer, ROOM, PCA_NOW, &c), BB_E_PROTO);
    reset();
}
