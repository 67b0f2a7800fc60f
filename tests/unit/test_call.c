/*
 * The call core, whole (key agreement + media), for three participants —
 * officer, citizen, interpreter — through a simulated SFU: every message
 * goes up a lossy link to the SFU, which forwards it down a lossy link to
 * everyone else, labelled with the sender's feed. The SFU may also lie
 * about who sent a message.
 */
#include <stdlib.h>

#include <mbedtls/sha256.h>

#include "beeldbel/call.h"
#include "beeldbel/error.h"
#include "beeldbel/filetype.h"
#include "../common/bb_test.h"
#include "../common/netsim.h"
#include "../common/police_ca.h"
#include "../common/synth.h"

#define ROOM "groningen-noord-4711"
#define JAN "Jan de Vries"
#define JAN_NO "100001" /* his officer number: what the invitation names */
#define W 160
#define H 120
#define FPS 15
#define NP 3
#define WALL0 ((uint64_t)PCA_NOW * 1000000u)

static const uint8_t invite[24] = "one-time-invite-secret!";
static police_ca ca;
static police_officer jan;
static bb_trust *trust;
static int fixture_rc = -1;

static int fixture(void)
{
    if (fixture_rc != -1)
        return fixture_rc;
    int rc = pca_init(&ca, 11, "Politie Demo Root CA");
    if (!rc) rc = pca_officer(&ca, &jan, JAN, JAN_NO, 3001, -1, 12);
    if (!rc) rc = bb_trust_new(&trust, (const uint8_t *)ca.root_cert, strlen(ca.root_cert));
    fixture_rc = rc;
    return rc;
}

typedef struct person {
    bb_call *call;
    bb_seeded_rng rng;
    netsim *up, *down;       /* to the SFU, from the SFU */
    uint16_t feed;
    uint64_t shown[NP];      /* pictures shown, by sender index */
    uint64_t texts_from[NP];
    uint64_t rosters;
    char last_text[BB_CONTROL_MAX_TEXT + 1];
    uint64_t docs_from[NP];
    int last_doc_kind;
    size_t last_doc_len;
    uint8_t last_doc_hash[32];
    uint64_t files_from[NP], file_offers, file_progress;
    size_t last_file_len;
    int last_file_type;
    uint8_t last_file_hash[32];
    char last_file_name[BB_CALL_MAX_FILE_NAME + 1];
    uint64_t files_ended;
    bb_call_file_end last_end;
    uint32_t last_end_from, last_end_by;
} person;

static person P[NP];
static uint64_t seed_base; /* varies the network's fates */

/* The SFU's lie, if any: it may relabel a message on its way to one person. */
typedef uint16_t (*sfu_fn)(int from, int to, const uint8_t *msg, size_t len);
static uint16_t honest(int from, int to, const uint8_t *msg, size_t len)
{
    (void)to; (void)msg; (void)len;
    return P[from].feed;
}

static int join(int i, bb_role role, double loss)
{
    bb_call_config c;
    memset(&c, 0, sizeof(c));
    bb_seeded_rng_init(&P[i].rng, 500 + (uint64_t)i);
    P[i].feed = (uint16_t)(i + 1);
    c.e2ee.room = ROOM;
    c.e2ee.self_id = P[i].feed;
    c.e2ee.role = role;
    c.e2ee.trust = trust;
    c.e2ee.rng = bb_rng_seeded;
    c.e2ee.rng_ctx = &P[i].rng;
    c.e2ee.invite_secret = invite;
    c.e2ee.invite_len = sizeof(invite);
    if (role == BB_ROLE_OFFICER) {
        c.e2ee.cert = (const uint8_t *)jan.cert;
        c.e2ee.cert_len = strlen(jan.cert);
        c.e2ee.key = (const uint8_t *)jan.key;
        c.e2ee.key_len = strlen(jan.key);
    } else {
        c.e2ee.expected_officer = JAN_NO;
    }
    bb_media_config_default(&c.media, 0);
    c.media.seed = 77 + (uint64_t)i;
    c.media.width = W;
    c.media.height = H;
    c.media.fps = FPS;
    c.media.start_kbps = 300;
    c.media.max_kbps = 600;
    netsim_config nc = { .delay_us = 20000, .jitter_us = 5000, .loss = loss };
    P[i].up = netsim_new(&nc, seed_base + 900 + (uint64_t)i);
    P[i].down = netsim_new(&nc, seed_base + 950 + (uint64_t)i);
    if (!P[i].up || !P[i].down)
        return BB_E_NOMEM;
    return bb_call_new(&P[i].call, &c);
}

static void leave(int i)
{
    bb_call_free(P[i].call);
    netsim_free(P[i].up);
    netsim_free(P[i].down);
    memset(&P[i], 0, sizeof(P[i]));
}

static void reset(void)
{
    for (int i = 0; i < NP; i++)
        leave(i);
}

/* Three people, everyone announced to everyone by the SFU. */
static int three(double loss)
{
    int rc = fixture();
    if (!rc) rc = join(0, BB_ROLE_OFFICER, loss);
    if (!rc) rc = join(1, BB_ROLE_CITIZEN, loss);
    if (!rc) rc = join(2, BB_ROLE_INTERPRETER, loss);
    for (int i = 0; i < NP && !rc; i++)
        for (int j = 0; j < NP && !rc; j++)
            if (i != j)
                rc = bb_call_peer_joined(P[i].call, P[j].feed, 0);
    return rc;
}

static int index_of(uint32_t feed)
{
    for (int i = 0; i < NP; i++)
        if (P[i].call && P[i].feed == feed)
            return i;
    return -1;
}

static int failed(const char *what, int rc)
{
    fprintf(stderr, "  %s: %s\n", what, bb_strerror(rc));
    return rc;
}

/* Runs everyone for `seconds` of simulated time from *now, with camera and
 * microphone, through the SFU. */
static int run(uint64_t *now, double seconds, sfu_fn sfu)
{
    static uint8_t cam[W * H * 3 / 2];
    int16_t pcm[BB_AUDIO_FRAME];
    uint8_t msg[BB_CALL_MAX_WIRE + 2];
    size_t n;
    uint64_t end = *now + (uint64_t)(seconds * 1e6);
    for (; *now < end; *now += 1000) {
        uint64_t t = *now, wall = WALL0 + t;
        for (int i = 0; i < NP; i++) {
            person *p = &P[i];
            if (!p->call)
                continue;
            bb_media *m = bb_call_media(p->call);
            if (t % (1000000 / FPS) < 1000) {
                synth_video_frame(cam, W, H, (int)(t / (1000000 / FPS)));
                bb_image img;
                int rc = bb_image_wrap_i420(&img, cam, W, H);
                if (!rc) rc = bb_media_push_video(m, &img, t, t);
                if (rc)
                    return failed("camera frame", rc);
            }
            if (t % 20000 == 0) {
                synth_audio_frame(pcm, (int)(t / 20000));
                int rc = bb_media_push_audio(m, pcm, t, t);
                if (rc)
                    return failed("microphone frame", rc);
            }
            int rc = t >= bb_call_next_deadline(p->call) ? bb_call_tick(p->call, t) : BB_OK;
            if (rc)
                return failed("tick", rc);
            while (bb_call_poll_send(p->call, msg, sizeof(msg), &n, NULL) == BB_OK)
                netsim_send(p->up, t, msg, n);
            /* The SFU forwards what reached it, labelled with the feed it names. */
            int len;
            while ((len = netsim_recv(p->up, t, msg + 2, sizeof(msg) - 2)) > 0)
                for (int j = 0; j < NP; j++) {
                    if (j == i || !P[j].call)
                        continue;
                    uint16_t feed = sfu(i, j, msg + 2, (size_t)len);
                    msg[0] = (uint8_t)(feed >> 8);
                    msg[1] = (uint8_t)feed;
                    netsim_send(P[j].down, t, msg, (size_t)len + 2);
                }
        }
        for (int i = 0; i < NP; i++) {
            person *p = &P[i];
            if (!p->call)
                continue;
            int len;
            while ((len = netsim_recv(p->down, t, msg, sizeof(msg))) > 0)
                (void)bb_call_receive(p->call, (uint32_t)(msg[0] << 8 | msg[1]), msg + 2,
                                      (size_t)len - 2, t, wall);
            bb_call_event ev;
            while (bb_call_poll_event(p->call, &ev) == BB_OK) {
                if (ev.type == BB_CALL_EVENT_ROSTER)
                    p->rosters++;
                else if (ev.type == BB_CALL_EVENT_FILE_OFFER)
                    p->file_offers++;
                else if (ev.type == BB_CALL_EVENT_FILE_PROGRESS)
                    p->file_progress++;
                else if (ev.type == BB_CALL_EVENT_FILE && index_of(ev.from) >= 0) {
                    p->files_from[index_of(ev.from)]++;
                    p->last_file_len = ev.doc_len;
                    p->last_file_type = ev.file_type;
                    memcpy(p->last_file_name, ev.text, sizeof(p->last_file_name));
                    mbedtls_sha256_ret(ev.doc, ev.doc_len, p->last_file_hash, 0);
                } else if (ev.type == BB_CALL_EVENT_FILE_ENDED) {
                    p->files_ended++;
                    p->last_end = ev.file_end;
                    p->last_end_from = ev.from;
                    p->last_end_by = ev.file_by;
                }
                else if (ev.type == BB_CALL_EVENT_DOC && index_of(ev.from) >= 0) {
                    p->docs_from[index_of(ev.from)]++;
                    p->last_doc_kind = ev.doc_kind;
                    p->last_doc_len = ev.doc_len;
                    mbedtls_sha256_ret(ev.doc, ev.doc_len, p->last_doc_hash, 0);
                } else if (index_of(ev.from) >= 0) {
                    p->texts_from[index_of(ev.from)]++;
                    memcpy(p->last_text, ev.text, sizeof(ev.text));
                }
            }
            if (t % 10000 == 0) {
                bb_media *m = bb_call_media(p->call);
                uint32_t ssrc[BB_MEDIA_MAX_PEERS];
                int k = bb_media_peers(m, ssrc);
                for (int s = 0; s < k; s++) {
                    bb_media_frame f;
                    if (bb_media_pull_frame(m, ssrc[s], t, &f) == BB_OK && index_of(ssrc[s]) >= 0)
                        p->shown[index_of(ssrc[s])]++;
                    if (t % 20000 == 0)
                        (void)bb_media_pull_audio(m, ssrc[s], t, pcm);
                }
            }
        }
    }
    return BB_OK;
}

static int code_of(int i, char out[8])
{
    return bb_e2ee_sas(bb_call_e2ee(P[i].call), out);
}

/* Everyone sees both others with their authenticated roles, holds their keys,
 * and shows the same code. */
static int everyone_agrees(void)
{
    char c0[8], ci[8];
    if (code_of(0, c0))
        return 0;
    for (int i = 0; i < NP; i++) {
        const bb_e2ee *e = bb_call_e2ee(P[i].call);
        if (bb_e2ee_peer_count(e) != NP - 1 || !bb_call_settled(P[i].call) || code_of(i, ci) ||
            strcmp(c0, ci))
            return 0;
        for (size_t k = 0; k < NP - 1; k++) {
            bb_e2ee_peer p;
            if (bb_e2ee_peer_info(e, k, &p) || !p.has_key || index_of(p.id) < 0)
                return 0;
        }
    }
    return 1;
}

TEST(call_three_people_under_5pct_loss_agree_and_see_and_hear_each_other)
{
    uint64_t now = 0;
    CHECK_OK(three(0.05));
    CHECK_OK(run(&now, 6.0, honest));
    CHECK(everyone_agrees());
    for (int i = 0; i < NP; i++) {
        bb_media_stats st;
        CHECK_OK(bb_media_get_stats(bb_call_media(P[i].call), &st));
        CHECK_EQ_INT(st.npeers, NP - 1);
        for (int k = 0; k < st.npeers; k++)
            CHECK(st.peer[k].audio_frames > 150); /* of ~300 in 6 s: it started and plays */
        for (int j = 0; j < NP; j++)
            if (j != i)
                CHECK(P[i].shown[j] > 3 * FPS); /* of ~90: both others are seen */
        const bb_call_stats *cs = bb_call_get_stats(P[i].call);
        CHECK_EQ_INT(cs->spoofed, 0);
        CHECK(cs->handshakes_in > 0);
        CHECK(P[i].rosters >= 1);
    }
    /* The officer is shown as the verified officer, to the citizen and the interpreter. */
    for (int i = 1; i < NP; i++) {
        bb_e2ee_peer p;
        const bb_e2ee *e = bb_call_e2ee(P[i].call);
        int seen = 0;
        for (size_t k = 0; k < bb_e2ee_peer_count(e); k++)
            if (bb_e2ee_peer_info(e, k, &p) == BB_OK && p.id == 1)
                seen = p.role == BB_ROLE_OFFICER && p.officer.status == BB_OFFICER_OK &&
                       !strcmp(p.officer.name, JAN);
        CHECK(seen);
    }
    reset();
}

TEST(call_text_reaches_everyone_in_order_from_its_sender)
{
    uint64_t now = 0;
    CHECK_OK(three(0.05));
    CHECK_OK(run(&now, 2.0, honest));
    const char *line = "Mijn fiets is gestolen bij het station.";
    CHECK_OK(bb_call_send_text(P[1].call, BB_CALL_TEXT_RTT, 1, line, strlen(line), now));
    CHECK_OK(run(&now, 2.0, honest));
    for (int i = 0; i < NP; i++)
        if (i != 1) {
            CHECK_EQ_INT(P[i].texts_from[1], 1);
            CHECK(!strcmp(P[i].last_text, line));
        }
    CHECK_EQ_INT(bb_call_send_text(P[1].call, 7, 1, "x", 1, now), BB_E_ARG);
    CHECK_EQ_INT(bb_call_send_text(P[1].call, BB_CALL_TEXT_RTT, 0, "\xff", 1, now), BB_E_ARG);
    reset();
}

TEST(call_long_text_keeps_its_end_cut_on_a_character)
{
    uint64_t now = 0;
    CHECK_OK(three(0));
    CHECK_OK(run(&now, 1.5, honest));
    static char line[2000];
    size_t n = 0;
    while (n + 2 <= 1999) { /* "é" is two bytes: an odd cut would split one */
        line[n++] = '\xc3';
        line[n++] = '\xa9';
    }
    line[n++] = '!';
    CHECK_OK(bb_call_send_text(P[0].call, BB_CALL_TEXT_CAPTION, 0, line, n, now));
    CHECK_OK(run(&now, 1.0, honest));
    CHECK_EQ_INT(P[1].texts_from[0], 1);
    size_t got = strlen(P[1].last_text);
    CHECK(got <= BB_CALL_MAX_TEXT && got >= BB_CALL_MAX_TEXT - 1);
    CHECK(!strcmp(P[1].last_text, line + n - got));
    reset();
}

/* The SFU hands the interpreter's messages to the citizen as the officer's. */
static uint16_t interpreter_as_officer(int from, int to, const uint8_t *msg, size_t len)
{
    (void)msg; (void)len;
    return from == 2 && to == 1 ? P[0].feed : P[from].feed;
}

TEST(call_message_on_another_senders_feed_is_dropped_and_counted)
{
    uint64_t now = 0;
    CHECK_OK(three(0));
    CHECK_OK(run(&now, 2.0, honest));
    CHECK(everyone_agrees());
    uint64_t before = P[1].shown[0];
    CHECK_OK(run(&now, 2.0, interpreter_as_officer));
    const bb_call_stats *cs = bb_call_get_stats(P[1].call);
    CHECK(cs->spoofed > 50);  /* every media message of the interpreter's */
    CHECK(P[1].shown[0] > before + FPS); /* the officer's own pictures still come */
    CHECK_EQ_INT(bb_call_get_stats(P[0].call)->spoofed, 0);
    reset();
}

/* A handshake relabelled as another participant's is refused before it is read. */
TEST(call_handshake_on_another_senders_feed_is_refused)
{
    CHECK_OK(three(0));
    uint8_t msg[BB_CALL_MAX_WIRE];
    size_t n;
    bb_call_sent s;
    CHECK_OK(bb_call_poll_send(P[2].call, msg, sizeof(msg), &n, &s)); /* the interpreter's HELLO */
    CHECK_EQ_INT(s.cls, BB_CALL_MSG_HANDSHAKE);
    CHECK_EQ_INT(msg[0], BB_CALL_TAG_HANDSHAKE);
    CHECK(bb_call_receive(P[1].call, P[0].feed, msg, n, 0, WALL0) < 0);
    CHECK_EQ_INT(bb_e2ee_get_stats(bb_call_e2ee(P[1].call))->rejected[BB_HS_REJECT_WRONG_FEED], 1);
    CHECK_EQ_INT(bb_call_get_stats(P[1].call)->handshakes_refused, 1);
    CHECK_EQ_INT(bb_e2ee_peer_count(bb_call_e2ee(P[1].call)), 0);
    CHECK_OK(bb_call_receive(P[1].call, P[2].feed, msg, n, 0, WALL0));
    CHECK_EQ_INT(bb_e2ee_peer_count(bb_call_e2ee(P[1].call)), 1);
    reset();
}

TEST(call_wire_refuses_junk_and_counts_it)
{
    CHECK_OK(three(0));
    bb_call *c = P[1].call;
    uint8_t big[BB_CALL_MAX_WIRE + 1] = { BB_CALL_TAG_MEDIA };
    const uint8_t junk[] = { 9, 1, 2, 3 }, nudge[] = { 0 };
    CHECK_OK(bb_call_receive(c, 1, nudge, 1, 0, WALL0));
    CHECK_EQ_INT(bb_call_receive(c, 1, big, sizeof(big), 0, WALL0), BB_E_TOO_LARGE);
    CHECK_EQ_INT(bb_call_receive(c, 1, junk, sizeof(junk), 0, WALL0), BB_E_PROTO);
    CHECK(bb_call_receive(c, 1, big, 40, 0, WALL0) < 0); /* media that no key opens */
    CHECK_EQ_INT(bb_call_receive(c, P[1].feed, junk, sizeof(junk), 0, WALL0), BB_E_PROTO);
    CHECK_EQ_INT(bb_call_receive(c, 70000, junk, sizeof(junk), 0, WALL0), BB_E_PROTO);
    const bb_call_stats *st = bb_call_get_stats(c);
    CHECK_EQ_INT(st->oversize, 1);
    CHECK_EQ_INT(st->unknown_tag, 1);
    CHECK_EQ_INT(st->undecryptable, 1);
    CHECK_EQ_INT(st->spoofed, 2);
    uint8_t small[100];
    size_t n;
    CHECK_EQ_INT(bb_call_poll_send(c, small, sizeof(small), &n, NULL), BB_E_BUFFER);
    CHECK_EQ_INT(bb_call_peer_joined(c, P[1].feed, 0), BB_E_ARG);
    CHECK_EQ_INT(bb_call_peer_joined(c, 0, 0), BB_E_ARG);
    reset();
}

/* Handshakes are repeated on the call's deadlines until settled, then stop;
 * whoever settled first still answers those who wait for its code value. */
TEST(call_handshakes_repeat_until_settled_then_stop)
{
    for (seed_base = 0; seed_base < 4000; seed_base += 1000) {
        uint64_t now = 0;
        CHECK_OK(three(0.3)); /* heavy loss: only repetition gets the keys through */
        CHECK_OK(run(&now, 5.0, honest));
        CHECK(everyone_agrees());
        uint64_t out[NP];
        for (int i = 0; i < NP; i++) {
            out[i] = bb_call_get_stats(P[i].call)->handshakes_out;
            CHECK(out[i] > 8);
        }
        CHECK_OK(run(&now, 2.0, honest));
        for (int i = 0; i < NP; i++)
            CHECK_EQ_INT(bb_call_get_stats(P[i].call)->handshakes_out, out[i]);
        reset();
    }
    seed_base = 0;
}

/* Someone leaves: the others rekey without them and agree again, two of them. */
TEST(call_leaver_is_forgotten_and_the_rest_rekey)
{
    uint64_t now = 0;
    CHECK_OK(three(0.05));
    CHECK_OK(run(&now, 3.0, honest));
    CHECK(everyone_agrees());
    char before[8], after0[8], after1[8];
    CHECK_OK(code_of(0, before));
    leave(2);
    for (int i = 0; i < 2; i++)
        CHECK_OK(bb_call_peer_left(P[i].call, 3, now, WALL0 + now));
    CHECK_OK(run(&now, 3.0, honest));
    for (int i = 0; i < 2; i++) {
        CHECK_EQ_INT(bb_e2ee_peer_count(bb_call_e2ee(P[i].call)), 1);
        CHECK(bb_call_settled(P[i].call));
    }
    CHECK_OK(code_of(0, after0));
    CHECK_OK(code_of(1, after1));
    CHECK(!strcmp(after0, after1));
    CHECK(strcmp(before, after0)); /* a new roster, a new code */
    reset();
}

/* The first few of the officer's handshake messages after a renewal go nowhere. */
static int officer_handshakes_to_lose;
static uint16_t officer_keys_lost(int from, int to, const uint8_t *msg, size_t len)
{
    (void)to; (void)len;
    if (from == 0 && officer_handshakes_to_lose > 0 && msg[0] == BB_CALL_TAG_HANDSHAKE) {
        officer_handshakes_to_lose--;
        return 0; /* refused where it arrives: as good as lost */
    }
    return P[from].feed;
}

/* The call moved to another SFU: the officer renews its key, and its KEYS
 * is lost on the way to both others. Its video under the new key makes them
 * ask for it; they see the officer again, and the code stays on every screen. */
TEST(call_renewed_keys_reach_everyone_even_when_lost_and_the_code_stays)
{
    uint64_t now = 0;
    CHECK_OK(three(0.05));
    CHECK_OK(run(&now, 3.0, honest));
    CHECK(everyone_agrees());
    char before[8], after[8];
    CHECK_OK(code_of(0, before));
    uint64_t seen[NP], refused[NP];
    for (int i = 1; i < NP; i++) {
        seen[i] = P[i].shown[0];
        refused[i] = bb_call_get_stats(P[i].call)->undecryptable;
    }
    officer_handshakes_to_lose = 2 * (NP - 1); /* KEYS and REVEAL, to each */
    CHECK_OK(bb_call_renew_keys(P[0].call, now));
    CHECK_OK(run(&now, 3.0, officer_keys_lost));
    CHECK_EQ_INT(officer_handshakes_to_lose, 0);
    CHECK_EQ_INT(bb_call_get_stats(P[0].call)->keys_renewed, 1);
    CHECK(everyone_agrees());
    for (int i = 1; i < NP; i++) {
        CHECK(bb_call_get_stats(P[i].call)->undecryptable > refused[i]); /* the new key came late */
        printf("  shown %llu -> %llu, refused %llu -> %llu\n", (unsigned long long)seen[i], (unsigned long long)P[i].shown[0], (unsigned long long)refused[i], (unsigned long long)bb_call_get_stats(P[i].call)->undecryptable);
        CHECK(P[i].shown[0] > seen[i] + 2 * FPS);                        /* and then the officer again */
        CHECK_OK(code_of(i, after));
        CHECK(!strcmp(before, after));
    }
    reset();
}

TEST(call_a_document_arrives_whole_under_loss_with_text_flowing_beside_it)
{
    uint64_t now = 0;
    CHECK_OK(three(0.05));
    CHECK_OK(run(&now, 2.0, honest));
    static uint8_t doc[60000];
    for (size_t i = 0; i < sizeof(doc); i++)
        doc[i] = (uint8_t)(i * 7 + i / 251);
    uint8_t want[32];
    mbedtls_sha256_ret(doc, sizeof(doc), want, 0);
    CHECK_EQ_INT(bb_call_unacked(P[0].call), 0);
    CHECK_OK(bb_call_send_doc(P[0].call, 3, doc, sizeof(doc), now));
    /* Unacknowledged from the moment it is sent (the recording's notice waits on this). */
    CHECK(bb_call_unacked(P[0].call) > 0);
    const char *line = "Ik lees mee.";
    CHECK_OK(run(&now, 0.2, honest));
    CHECK(bb_call_unacked(P[0].call) > 0);
    CHECK_OK(bb_call_send_text(P[0].call, BB_CALL_TEXT_RTT, 1, line, strlen(line), now));
    CHECK_OK(run(&now, 6.0, honest));
    CHECK_EQ_INT(bb_call_unacked(P[0].call), 0);
    for (int i = 1; i < NP; i++) {
        CHECK_EQ_INT(P[i].docs_from[0], 1);
        CHECK_EQ_INT(P[i].last_doc_kind, 3);
        CHECK_EQ_INT(P[i].last_doc_len, sizeof(doc));
        CHECK(memcmp(P[i].last_doc_hash, want, 32) == 0);
        CHECK_EQ_INT(P[i].texts_from[0], 1);
        CHECK_EQ_INT(bb_call_get_stats(P[i].call)->docs_refused, 0);
    }
    reset();
}

TEST(call_documents_are_bounded_in_size_kind_and_queue)
{
    uint64_t now = 0;
    CHECK_OK(three(0.0));
    static uint8_t big[BB_CALL_MAX_DOC + 1];
    CHECK_EQ_INT(bb_call_send_doc(P[0].call, 1, big, sizeof(big), now), BB_E_TOO_LARGE);
    CHECK_EQ_INT(bb_call_send_doc(P[0].call, 0, big, 10, now), BB_E_ARG);
    CHECK_EQ_INT(bb_call_send_doc(P[0].call, BB_CALL_DOC_KIND_MAX + 1, big, 10, now), BB_E_ARG);
    CHECK_EQ_INT(bb_call_send_doc(P[0].call, 1, big, 0, now), BB_E_ARG);
    /* Nobody acknowledges before the call runs: the queue fills. */
    int rc = BB_OK, sent = 0;
    while ((rc = bb_call_send_doc(P[0].call, 1, big, BB_CALL_MAX_DOC, now)) == BB_OK)
        sent++;
    CHECK_EQ_INT(rc, BB_E_AGAIN);
    CHECK(sent >= BB_CALL_DOCS_QUEUED);
    /* Text still gets through while they go. */
    CHECK_OK(bb_call_send_text(P[0].call, BB_CALL_TEXT_RTT, 1, "hallo", 5, now));
    CHECK_OK(run(&now, 15.0, honest));
    CHECK_EQ_INT(P[1].docs_from[0], (uint64_t)sent);
    CHECK_EQ_INT(P[1].texts_from[0], 1);
    reset();
}

/* A PDF as far as the sniffer can tell (the renderer reads the rest). */
static size_t make_pdf(uint8_t *buf, size_t len, unsigned salt)
{
    memcpy(buf, "%PDF-1.7\n", 9);
    for (size_t i = 9; i < len - 7; i++)
        buf[i] = (uint8_t)(' ' + (i * 31 + i / 97 + salt) % 90);
    memcpy(buf + len - 7, "\n%%EOF\n", 7);
    return len;
}

static uint64_t seen_from(int who, int sender)
{
    return P[who].shown[sender];
}

/* 2 % on each link: about 4 % from sender to receiver, through the SFU. */
TEST(call_a_file_arrives_whole_and_checked_under_loss_while_video_goes_on)
{
    uint64_t now = 0;
    CHECK_OK(three(0.02));
    CHECK_OK(run(&now, 2.0, honest));
    static uint8_t pdf[40000];
    make_pdf(pdf, sizeof(pdf), 1);
    uint8_t want[32];
    mbedtls_sha256_ret(pdf, sizeof(pdf), want, 0);
    uint32_t id = 0;
    const char *name = "aangifte-bijlage.pdf";
    uint64_t before = seen_from(1, 0);
    CHECK_OK(bb_call_send_file(P[0].call, BB_FILE_PDF, name, strlen(name), pdf, sizeof(pdf), now,
                               &id));
    CHECK(id != 0);
    CHECK_OK(run(&now, 0.5, honest));
    CHECK_OK(bb_call_send_text(P[1].call, BB_CALL_TEXT_RTT, 1, "ok", 2, now));
    CHECK_OK(run(&now, 12.0, honest));
    bb_media_stats ms;
    CHECK_OK(bb_media_get_stats(bb_call_media(P[0].call), &ms));
    printf("  target %d kbps at %d %% loss after the file\n", ms.target_kbps, ms.loss_pct);
    for (int i = 1; i < NP; i++) {
        CHECK_EQ_INT(P[i].files_from[0], 1);
        CHECK_EQ_INT(P[i].file_offers, 1);
        CHECK(P[i].file_progress >= 2);
        CHECK_EQ_INT(P[i].last_file_len, sizeof(pdf));
        CHECK_EQ_INT(P[i].last_file_type, BB_FILE_PDF);
        CHECK(!strcmp(P[i].last_file_name, name));
        CHECK(!memcmp(P[i].last_file_hash, want, 32));
        CHECK_EQ_INT(bb_call_get_stats(P[i].call)->files_refused, 0);
    }
    CHECK_EQ_INT(P[0].files_ended, 1);
    CHECK_EQ_INT(P[0].last_end, BB_CALL_FILE_DELIVERED);
    CHECK(P[0].file_progress >= 2);
    CHECK_EQ_INT(P[0].texts_from[1], 1);            /* text went beside it */
    printf("  citizen saw %llu officer frames in 12.5 s while the file went\n",
           (unsigned long long)(seen_from(1, 0) - before));
    CHECK(seen_from(1, 0) - before > 8 * FPS);      /* and video */
    /* The next file may go now; a PDF cut short is refused before it goes. */
    CHECK_EQ_INT(bb_call_send_file(P[0].call, BB_FILE_PDF, name, strlen(name), pdf, 1000, now, &id),
                 BB_E_PARSE);
    CHECK_OK(bb_call_send_file(P[0].call, BB_FILE_PDF, name, strlen(name), pdf, make_pdf(pdf, 1000, 5),
                               now, &id));
    reset();
}

TEST(call_files_are_refused_when_wrong_too_large_badly_named_or_busy)
{
    uint64_t now = 0;
    CHECK_OK(three(0.0));
    static uint8_t pdf[4000];
    make_pdf(pdf, sizeof(pdf), 2);
    uint32_t id;
    /* Nobody holds our key yet. */
    CHECK_EQ_INT(bb_call_send_file(P[0].call, BB_FILE_PDF, "a.pdf", 5, pdf, sizeof(pdf), now, &id),
                 BB_E_STATE);
    CHECK_OK(run(&now, 2.0, honest));
    CHECK_EQ_INT(bb_call_send_file(P[0].call, BB_FILE_PNG, "a.png", 5, pdf, sizeof(pdf), now, &id),
                 BB_E_PARSE);
    CHECK_EQ_INT(bb_call_send_file(P[0].call, BB_FILE_PDF, "a.pdf", 5, pdf,
                                   (size_t)BB_CALL_MAX_FILE + 1, now, &id), BB_E_TOO_LARGE);
    const char *bad[] = { "", "a\nb.pdf", "foto\xe2\x80\xaegpj.exe", "\xc3(.pdf", "x\x7f" };
    for (size_t k = 0; k < sizeof(bad) / sizeof(bad[0]); k++)
        CHECK_EQ_INT(bb_call_send_file(P[0].call, BB_FILE_PDF, bad[k], strlen(bad[k]), pdf,
                                       sizeof(pdf), now, &id), BB_E_ARG);
    char longname[BB_CALL_MAX_FILE_NAME + 2];
    memset(longname, 'a', sizeof(longname));
    CHECK_EQ_INT(bb_call_send_file(P[0].call, BB_FILE_PDF, longname, sizeof(longname), pdf,
                                   sizeof(pdf), now, &id), BB_E_ARG);
    CHECK_OK(bb_call_send_file(P[0].call, BB_FILE_PDF, "a.pdf", 5, pdf, sizeof(pdf), now, &id));
    CHECK_EQ_INT(bb_call_send_file(P[0].call, BB_FILE_PDF, "b.pdf", 5, pdf, sizeof(pdf), now, &id),
                 BB_E_AGAIN);
    CHECK_EQ_INT(bb_call_cancel_file(P[0].call, 1, id + 1, now), BB_E_ARG);
    CHECK_EQ_INT(bb_call_cancel_file(P[0].call, 2, 1, now), BB_E_ARG);
    reset();
}

TEST(call_a_file_withdrawn_or_declined_ends_for_everyone_as_it_should)
{
    uint64_t now = 0;
    CHECK_OK(three(0.0));
    CHECK_OK(run(&now, 2.0, honest));
    static uint8_t pdf[60000];
    make_pdf(pdf, sizeof(pdf), 3);
    uint32_t id;
    /* Withdrawn by its sender: nobody gets it, everyone hears why. */
    CHECK_OK(bb_call_send_file(P[0].call, BB_FILE_PDF, "a.pdf", 5, pdf, sizeof(pdf), now, &id));
    CHECK_OK(run(&now, 1.0, honest));
    CHECK_OK(bb_call_cancel_file(P[0].call, P[0].feed, id, now));
    CHECK_OK(run(&now, 8.0, honest));
    for (int i = 0; i < NP; i++) {
        CHECK_EQ_INT(P[i].files_from[0], 0);
        CHECK_EQ_INT(P[i].files_ended, 1);
        CHECK_EQ_INT(P[i].last_end, BB_CALL_FILE_CANCELLED);
    }
    /* Declined by the citizen: the interpreter still gets it; the sender
     * hears that the citizen declined. */
    CHECK_OK(bb_call_send_file(P[0].call, BB_FILE_PDF, "b.pdf", 5, pdf, sizeof(pdf), now, &id));
    CHECK_OK(run(&now, 1.0, honest));
    CHECK_OK(bb_call_cancel_file(P[1].call, P[0].feed, id, now));
    CHECK_OK(run(&now, 10.0, honest));
    CHECK_EQ_INT(P[1].files_from[0], 0);
    CHECK_EQ_INT(P[1].last_end, BB_CALL_FILE_DECLINED);
    CHECK_EQ_INT(P[2].files_from[0], 1);
    CHECK_EQ_INT(P[0].files_ended, 2);
    CHECK_EQ_INT(P[0].last_end, BB_CALL_FILE_DECLINED);
    CHECK_EQ_INT(P[0].last_end_by, P[1].feed);
    reset();
}

/* An outage longer than the control channel repeats its messages: what was
 * given up is asked for again, and the file goes on from where it was. */
TEST(call_a_file_goes_on_after_an_outage_longer_than_the_channel_repeats)
{
    uint64_t now = 0;
    CHECK_OK(three(0.0));
    CHECK_OK(run(&now, 2.0, honest));
    static uint8_t pdf[60000];
    make_pdf(pdf, sizeof(pdf), 4);
    uint8_t want[32];
    mbedtls_sha256_ret(pdf, sizeof(pdf), want, 0);
    uint32_t id;
    CHECK_OK(bb_call_send_file(P[0].call, BB_FILE_PDF, "c.pdf", 5, pdf, sizeof(pdf), now, &id));
    CHECK_OK(run(&now, 1.5, honest));
    netsim_config cut = { .delay_us = 20000, .loss = 1.0 }, good = { .delay_us = 20000 };
    netsim_set_config(P[1].up, &cut);
    netsim_set_config(P[1].down, &cut);
    CHECK_OK(run(&now, 12.0, honest));
    CHECK_EQ_INT(P[1].files_from[0], 0);
    netsim_set_config(P[1].up, &good);
    netsim_set_config(P[1].down, &good);
    CHECK_OK(run(&now, 20.0, honest));
    bb_media_stats ms;
    CHECK_OK(bb_media_get_stats(bb_call_media(P[1].call), &ms));
    printf("  citizen skipped %llu control messages given up; file %s\n",
           (unsigned long long)ms.control_skipped, P[1].files_from[0] ? "whole" : "missing");
    CHECK(ms.control_skipped > 0);
    CHECK_EQ_INT(P[1].files_from[0], 1);
    CHECK(!memcmp(P[1].last_file_hash, want, 32));
    CHECK_EQ_INT(P[2].files_from[0], 1);
    CHECK_EQ_INT(P[0].last_end, BB_CALL_FILE_DELIVERED);
    reset();
}
