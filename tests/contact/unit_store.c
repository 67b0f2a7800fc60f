/*
 * The store as several service instances use it: two stores on one
 * database (PostgreSQL, or one SQLite file), racing from threads. What one
 * instance wrote the other reads; a claim, a link's redeem and a second
 * factor's code each have exactly one winner. And the schema's numbered
 * migrations, applied once, whoever opens the database first.
 */
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "bb_test.h"
#include "beeldbel/error.h"
#include "test_store.h"

static int64_t request(bb_store *s, const char *ref, int64_t now)
{
    bb_callback_request r = {0};
    strcpy(r.name, "Anna de Vries");
    strcpy(r.phone, "+31612345678");
    strcpy(r.neighbourhood, "groningen-noord");
    strcpy(r.topic, "Overlast");
    strcpy(r.preference, "video");
    strcpy(r.window, "any");
    strcpy(r.lang, "nl");
    int64_t id = 0;
    return bb_store_create_request(s, &r, ref, now, &id) == BB_OK ? id : -1;
}

enum { RACERS = 8, ROUNDS = 12 };

typedef struct {
    bb_store *store;
    int64_t id;
    int which;
    const char *token;
    pthread_barrier_t *start;
    int rc;
} racer;

static void *claim(void *arg)
{
    racer *r = arg;
    pthread_barrier_wait(r->start);
    r->rc = bb_store_claim(r->store, r->id, 100 + r->which, 1000);
    return NULL;
}

static void *redeem(void *arg)
{
    racer *r = arg;
    bb_invitation out;
    pthread_barrier_wait(r->start);
    r->rc = bb_store_invitation_redeem(r->store, r->token, 500, 0, 1, &out, NULL);
    return NULL;
}

static void *code(void *arg)
{
    racer *r = arg;
    pthread_barrier_wait(r->start);
    r->rc = bb_store_officer_totp_used(r->store, r->id, 7777);
    return NULL;
}

/* RACERS threads, half on each store, run fn at once: how many won (BB_OK),
 * or -1 when one failed otherwise than losing (BB_E_STATE). */
static int race(bb_store *a, bb_store *b, void *(*fn)(void *), int64_t id, const char *token)
{
    pthread_t t[RACERS];
    racer r[RACERS];
    pthread_barrier_t start;
    pthread_barrier_init(&start, NULL, RACERS);
    for (int i = 0; i < RACERS; i++) {
        r[i] = (racer){.store = i % 2 ? b : a, .id = id, .which = i, .token = token, .start = &start};
        pthread_create(&t[i], NULL, fn, &r[i]);
    }
    int won = 0, other = 0;
    for (int i = 0; i < RACERS; i++) {
        pthread_join(t[i], NULL);
        won += r[i].rc == BB_OK;
        other += r[i].rc != BB_OK && r[i].rc != BB_E_STATE;
    }
    pthread_barrier_destroy(&start);
    return other ? -1 : won;
}

TEST(a_claim_raced_from_two_instances_has_one_winner)
{
    bb_store *a, *b;
    CHECK_OK(test_store_open_shared(&a, &b));
    for (int round = 0; round < ROUNDS; round++) {
        char ref[16];
        snprintf(ref, sizeof(ref), "BB-0000-0C%02d", round);
        int64_t id = request(round % 2 ? a : b, ref, 100);
        CHECK(id > 0);
        CHECK_EQ_INT(race(a, b, claim, id, NULL), 1);
        bb_stored_request got;
        CHECK_OK(bb_store_get(round % 2 ? b : a, id, &got));
        CHECK(!strcmp(got.status, "claimed") && got.claimed_by >= 100 && got.claimed_by < 100 + RACERS);
    }
    test_store_close_shared(a, b);
}

TEST(an_invitation_redeemed_at_two_instances_at_once_opens_once)
{
    bb_store *a, *b;
    CHECK_OK(test_store_open_shared(&a, &b));
    int64_t id = request(a, "BB-0000-0I01", 100);
    CHECK(id > 0);
    CHECK_OK(bb_store_room_add(b, id, 4242, "room-secret", "pin", "", 100));
    for (int round = 0; round < ROUNDS; round++) {
        char token[32];
        snprintf(token, sizeof(token), "token-hash-%d", round);
        bb_invitation inv = {.request_id = id, .officer_id = 1, .room = 4242, .expires_at = 1000};
        strcpy(inv.participant_id, "citizen-1");
        strcpy(inv.role, "interpreter"); /* retires nothing: every round's link stays */
        CHECK_OK(bb_store_invitation_create(round % 2 ? a : b, token, &inv));
        CHECK_EQ_INT(race(a, b, redeem, 0, token), 1);
    }
    test_store_close_shared(a, b);
}

TEST(a_second_factor_code_used_at_two_instances_at_once_counts_once)
{
    bb_store *a, *b;
    CHECK_OK(test_store_open_shared(&a, &b));
    bb_officer o = {.iterations = 1};
    strcpy(o.username, "jan");
    strcpy(o.display_name, "Jan de Vries");
    strcpy(o.team, "Team Noord");
    strcpy(o.neighbourhoods, "groningen-noord");
    CHECK_OK(bb_store_add_officer(a, &o));
    CHECK_OK(bb_store_officer_by_name(b, "jan", &o));
    CHECK_EQ_INT(race(a, b, code, o.id, NULL), 1);
    CHECK_EQ_INT(race(a, b, code, o.id, NULL), 0); /* used: nobody wins it again */
    test_store_close_shared(a, b);
}

/* An officer logged in through one instance is known to the other; logging
 * out at the other ends the session for both. */
TEST(a_session_made_at_one_instance_serves_at_the_other)
{
    bb_store *a, *b;
    CHECK_OK(test_store_open_shared(&a, &b));
    CHECK_OK(bb_store_session_create(a, "session-hash", 7, "csrf-token", 1000, 1000 + 3600));
    int64_t officer = 0;
    char csrf[64] = "";
    CHECK_OK(bb_store_session_get(b, "session-hash", 1100, 600, &officer, csrf));
    CHECK_EQ_INT(officer, 7);
    CHECK(!strcmp(csrf, "csrf-token"));
    /* Used at b: a sees the activity (idle limit 600 s from 1100, not 1000). */
    CHECK_OK(bb_store_session_get(a, "session-hash", 1650, 600, &officer, csrf));
    CHECK_OK(bb_store_session_delete(b, "session-hash"));
    CHECK_EQ_INT(bb_store_session_get(a, "session-hash", 1700, 600, &officer, csrf), BB_E_AGAIN);
    test_store_close_shared(a, b);
}

static void *open_store(void *arg)
{
    racer *r = arg;
    bb_store *s = NULL;
    pthread_barrier_wait(r->start);
    r->rc = bb_store_open(r->token, &s);
    bb_store_close(s);
    return NULL;
}

/* Instances starting at once on an empty database: each opens it, the
 * migrations are applied once, and each version is recorded once. */
TEST(the_schema_is_numbered_and_applied_once_whoever_starts_first)
{
    const char *where = test_store_fresh();
    CHECK(where != NULL);
    pthread_t t[4];
    racer r[4];
    pthread_barrier_t start;
    pthread_barrier_init(&start, NULL, 4);
    for (int i = 0; i < 4; i++) {
        r[i] = (racer){.token = where, .start = &start};
        pthread_create(&t[i], NULL, open_store, &r[i]);
    }
    int opened = 0;
    for (int i = 0; i < 4; i++) {
        pthread_join(t[i], NULL);
        opened += r[i].rc == BB_OK;
    }
    pthread_barrier_destroy(&start);
    CHECK_EQ_INT(opened, 4);
    int64_t count = 0, newest = 0;
    CHECK_OK(test_store_versions(&count, &newest));
    CHECK_EQ_INT(count, bb_store_schema_version());
    CHECK_EQ_INT(newest, bb_store_schema_version());
    /* What was stored stays when an instance starts again. */
    bb_store *a;
    CHECK_OK(bb_store_open(where, &a));
    int64_t id = request(a, "BB-0000-0S01", 100);
    bb_store_close(a);
    CHECK_OK(bb_store_open(where, &a));
    bb_stored_request got;
    int rc = bb_store_get(a, id, &got);
    test_store_close_shared(a, NULL);
    CHECK_OK(rc);
    CHECK(!strcmp(got.reference, "BB-0000-0S01"));
}

static void *take_token(void *arg)
{
    racer *r = arg;
    unsigned wait = 0;
    pthread_barrier_wait(r->start);
    r->rc = bb_store_rate_take(r->store, "limit-key", 3, 60000, 5000000, &wait);
    if (r->rc == BB_OK && wait)
        r->rc = BB_E_STATE; /* held back: lost */
    return NULL;
}

/* A limit of 3 a minute is 3 a minute whichever instances the requests
 * reach, also all at once; it refills as one. */
TEST(a_rate_limit_holds_across_instances)
{
    bb_store *a, *b;
    CHECK_OK(test_store_open_shared(&a, &b));
    CHECK_EQ_INT(race(a, b, take_token, 0, NULL), 3);
    unsigned wait = 0;
    CHECK_OK(bb_store_rate_take(a, "limit-key", 3, 60000, 5000001, &wait));
    CHECK(wait >= 19 && wait <= 20); /* one token comes every 20 s */
    CHECK_OK(bb_store_rate_take(b, "limit-key", 3, 60000, 5000000 + 20000, &wait));
    CHECK_EQ_INT(wait, 0);
    CHECK_OK(bb_store_rate_take(a, "limit-key", 3, 60000, 5000000 + 20001, &wait));
    CHECK(wait > 0);
    CHECK_OK(bb_store_rate_take(b, "other-key", 3, 60000, 5000000 + 20001, &wait));
    CHECK_EQ_INT(wait, 0);
    test_store_close_shared(a, b);
}

/* Failed logins count at every instance: after the free ones, the lockout
 * one instance starts holds at the other, and a success clears it. */
TEST(a_login_backoff_holds_across_instances)
{
    bb_store *a, *b;
    CHECK_OK(test_store_open_shared(&a, &b));
    unsigned lock = 9, wait = 9;
    int64_t t = 7000000;
    CHECK_OK(bb_store_backoff_failed(a, "jan|addr", 2, 900, t, &lock));
    CHECK_EQ_INT(lock, 0);
    CHECK_OK(bb_store_backoff_failed(b, "jan|addr", 2, 900, t + 1, &lock));
    CHECK_EQ_INT(lock, 0);
    CHECK_OK(bb_store_backoff_wait(a, "jan|addr", t + 2, &wait));
    CHECK_EQ_INT(wait, 0);
    CHECK_OK(bb_store_backoff_failed(a, "jan|addr", 2, 900, t + 2, &lock));
    CHECK_EQ_INT(lock, 1);
    CHECK_OK(bb_store_backoff_wait(b, "jan|addr", t + 3, &wait));
    CHECK_EQ_INT(wait, 1);
    CHECK_OK(bb_store_backoff_failed(b, "jan|addr", 2, 900, t + 1003, &lock));
    CHECK_EQ_INT(lock, 2); /* twice the last */
    CHECK_OK(bb_store_backoff_clear(a, "jan|addr"));
    CHECK_OK(bb_store_backoff_wait(b, "jan|addr", t + 1004, &wait));
    CHECK_EQ_INT(wait, 0);
    /* Quiet for the whole maximum: it starts over. */
    CHECK_OK(bb_store_backoff_failed(a, "piet|addr", 0, 4, t, &lock));
    CHECK_EQ_INT(lock, 1);
    CHECK_OK(bb_store_backoff_failed(a, "piet|addr", 0, 4, t + 4001, &lock));
    CHECK_EQ_INT(lock, 1);
    test_store_close_shared(a, b);
}

static void *count_pilot(void *arg)
{
    racer *r = arg;
    const char *metrics[] = {"requests", "video"};
    const int64_t values[] = {1, 2};
    pthread_barrier_wait(r->start);
    r->rc = BB_OK;
    for (int i = 0; i < 10 && r->rc == BB_OK; i++)
        r->rc = bb_store_pilot_add(r->store, "2026-W49", "groningen-noord", metrics, values, 2);
    return NULL;
}

typedef struct {
    int rows;
    int64_t requests, video;
} pilot_sum;

static void sum_row(void *ctx, const char *week, const char *neighbourhood, const char *metric, int64_t value)
{
    pilot_sum *p = ctx;
    p->rows++;
    if (!strcmp(week, "2026-W49") && !strcmp(neighbourhood, "groningen-noord"))
        *(strcmp(metric, "requests") ? &p->video : &p->requests) += value;
}

/* The pilot's counts, added at once from every instance's threads, read
 * as one row per count with every addition in it. */
TEST(pilot_counts_added_everywhere_at_once_are_read_whole)
{
    bb_store *a, *b;
    CHECK_OK(test_store_open_shared(&a, &b));
    CHECK_EQ_INT(race(a, b, count_pilot, 0, NULL), RACERS);
    pilot_sum p = {0};
    CHECK_OK(bb_store_pilot_rows(b, "groningen-noord", sum_row, &p));
    CHECK_EQ_INT(p.rows, 2);
    CHECK_EQ_INT(p.requests, RACERS * 10);
    CHECK_EQ_INT(p.video, RACERS * 10 * 2);
    test_store_close_shared(a, b);
}

typedef struct {
    int64_t a, b;
} per_server;

static void server_calls(void *ctx, const char *server, int64_t calls)
{
    per_server *p = ctx;
    *(strcmp(server, "wss://a") ? &p->b : &p->a) += calls;
}

/* Calls are counted per Janus server for every instance to place the next
 * one; a call moved off a server that died is moved once, whoever asks. */
TEST(calls_are_counted_per_janus_server_and_moved_once)
{
    bb_store *a, *b;
    CHECK_OK(test_store_open_shared(&a, &b));
    int64_t r1 = request(a, "BB-0000-0J01", 100), r2 = request(a, "BB-0000-0J02", 100);
    int64_t r3 = request(b, "BB-0000-0J03", 100);
    CHECK_OK(bb_store_room_add(a, r1, 1, "s1", "p1", "wss://a", 100));
    CHECK_OK(bb_store_room_add(b, r2, 2, "s2", "p2", "wss://a", 100));
    CHECK_OK(bb_store_room_add(a, r3, 3, "s3", "p3", "wss://b", 100));
    CHECK_OK(bb_store_set_status(b, r2, "done", "reached", 200)); /* ended: not counted */
    per_server p = {0};
    CHECK_OK(bb_store_calls_per_server(b, server_calls, &p));
    CHECK(p.a == 1 && p.b == 1);
    CHECK_OK(bb_store_room_move(a, 1, "wss://a", "wss://b"));
    CHECK_EQ_INT(bb_store_room_move(b, 1, "wss://a", "wss://c"), BB_E_STATE);
    char secret[48], pin[24], server[256];
    int64_t req = 0;
    CHECK_OK(bb_store_room_get(b, 1, &req, secret, pin, server));
    CHECK(req == r1 && !strcmp(secret, "s1") && !strcmp(pin, "p1") && !strcmp(server, "wss://b"));
    CHECK_EQ_INT(bb_store_room_get(b, 99, &req, secret, pin, server), BB_E_AGAIN);
    test_store_close_shared(a, b);
}
