/*
 * HTTP layer of the contact service (API contract: src/contact/API.md).
 * Bodies are collected up to BB_CONTACT_MAX_BODY, then handed to the one
 * parser (validate.c); storage is behind store.h. Logs carry the time,
 * method, route, status and duration — never names, phone numbers, e-mail
 * or topics.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <microhttpd.h>

#include "beeldbel/cms.h"
#include "beeldbel/pdf.h"
#include "beeldbel/contact.h"
#include "beeldbel/e2ee.h"
#include "beeldbel/error.h"
#include "cjson/cJSON.h"
#include "evidence.h"
#include "hashpool.h"
#include "janus_admin.h"
#include "janus_pool.h"
#include "pilot.h"
#include "mbedtls/platform_util.h"
#include "mbedtls/sha256.h"
#include "service.h"

/* The officer's session cookie (HttpOnly, Secure, SameSite=Strict, Path=/). */
#define SESSION_COOKIE "__Host-bb_session"
/* Logins: 10 a minute per address; per (user, address) 5 failures free, then
 * a lockout doubling from 1 s up to 15 min. Others keep logging in. */
#define LOGIN_PER_MINUTE 10
/* Several Janus servers: each is asked how it is this often (a dead one
 * gets no new calls within this and its one-second timeout). */
#define JANUS_CHECK_MS 1000
#define LOGIN_FREE_FAILURES 5
#define LOGIN_MAX_LOCK_S 900
/* Video call-backs per officer: each makes a Janus room. 10 per 10 minutes
 * is far above any officer's pace and bounds what a stolen session can make. */
#define VIDEO_PER_10_MIN 10
/* Password hashing: 2 threads of its own, 32 logins waiting at most. */
#define HASH_THREADS 2
#define HASH_QUEUE 32
#define CALL_TOKEN_TTL_S (2 * 3600)
#define FEEDBACK_TTL_S (7 * 86400)   /* the questions after a call can be answered for a week */
/* A call holds at most BB_E2EE_MAX_PARTICIPANTS: the officer, the citizen,
 * and interpreters and colleagues, each with a link of their own. */
#define MAX_OTHERS (BB_E2EE_MAX_PARTICIPANTS - 2)

/* A rate limit: capacity per period_s, in memory (mem) for one instance or
 * in the store for instances sharing it. */
typedef struct {
    bb_ratelimit *mem;
    double capacity;
    unsigned period_s;
} limit;

struct bb_contact_service {
    bb_contact_config cfg;
    bb_store *store;
    struct MHD_Daemon *daemon;
    pthread_mutex_t lock;         /* guards the limiters and stats */
    limit create_rl, call_rl, login_rl, video_rl;
    bb_backoff *login_backoff;
    int shared;   /* limits kept in the store, shared with other instances */
    bb_janus_pool *janus;   /* the Janus servers calls go to; NULL: no video */
    bb_hashpool *hashes;
    bb_contact_stats stats;
    bb_evidence_config evidence;
    pthread_t purger;
    pthread_cond_t stop_cond;
    int stopping;
};

/* A login waiting for its password hash (hashpool.h). */
typedef struct {
    bb_hash_job job;
    struct MHD_Connection *c;
    bb_officer officer;
    int found;
    char code[BB_TOTP_DIGITS + 1]; /* the second factor, as given ("" when none) */
    char backoff_key[160];
    enum { LOGIN_HASHING = 1, LOGIN_HASHED, LOGIN_BUSY } state;
} pending_login;

typedef struct {
    char *body;
    size_t len, max;   /* max: the largest body this request's route takes */
    pending_login *login;
} conn_ctx;

/* ---- replies ---------------------------------------------------------------------- */

static enum MHD_Result send_json(struct MHD_Connection *c, unsigned status, cJSON *o,
                                 const char *cookie, unsigned retry_after)
{
    char *text = o ? cJSON_PrintUnformatted(o) : NULL;
    cJSON_Delete(o);
    if (!text) {
        text = strdup("{\"error\":{\"code\":\"internal\"}}");
        status = 500;
        if (!text)
            return MHD_NO;
    }
    struct MHD_Response *r =
        MHD_create_response_from_buffer(strlen(text), text, MHD_RESPMEM_MUST_FREE);
    if (!r) {
        free(text);
        return MHD_NO;
    }
    MHD_add_response_header(r, "Content-Type", "application/json; charset=utf-8");
    MHD_add_response_header(r, "Cache-Control", "no-store");
    MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
    if (cookie)
        MHD_add_response_header(r, "Set-Cookie", cookie);
    if (retry_after) {
        char ra[16];
        snprintf(ra, sizeof(ra), "%u", retry_after);
        MHD_add_response_header(r, "Retry-After", ra);
    }
    enum MHD_Result ret = MHD_queue_response(c, status, r);
    MHD_destroy_response(r);
    return ret;
}

static enum MHD_Result send_error(struct MHD_Connection *c, unsigned status, const char *code,
                                  const char *field, unsigned retry_after)
{
    /* What failed for want of the database (PostgreSQL restarting) is said
     * as such: nothing was done, and asking again soon may work. */
    if (status == 500 && !strcmp(code, "internal") && bb_store_unreachable_here()) {
        status = 503;
        code = "database_unavailable";
        retry_after = 5;
    }
    cJSON *o = cJSON_CreateObject(), *e = cJSON_AddObjectToObject(o, "error");
    cJSON_AddStringToObject(e, "code", code);
    if (field)
        cJSON_AddStringToObject(e, "field", field);
    cJSON *m = cJSON_AddObjectToObject(e, "message");
    cJSON_AddStringToObject(m, "nl", bb_contact_msg_nl(code));
    cJSON_AddStringToObject(m, "en", bb_contact_msg_en(code));
    return send_json(c, status, o, NULL, retry_after);
}

static enum MHD_Result send_parse_error(struct MHD_Connection *c, const bb_contact_err *err)
{
    return send_error(c, 400, err->code, err->field, 0);
}

/* ---- helpers ------------------------------------------------------------------------ */

static void iso_time(int64_t t, char out[32])
{
    time_t tt = (time_t)t;
    struct tm tm;
    gmtime_r(&tt, &tm);
    strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static void sha256_hex(const char *s, char out[65])
{
    uint8_t h[32];
    mbedtls_sha256_ret((const unsigned char *)s, strlen(s), h, 0);
    for (int i = 0; i < 32; i++)
        snprintf(out + 2 * i, 3, "%02x", h[i]);
}

static int random_b64url(bb_contact_service *svc, size_t bytes, char *out)
{
    uint8_t buf[48];
    if (bytes > sizeof(buf) || svc->cfg.random(buf, bytes) != BB_OK)
        return BB_E_CRYPTO;
    bb_b64url(buf, bytes, out);
    return BB_OK;
}

/* X-Forwarded-For, every header line of it in order, joined by commas. */
typedef struct {
    char buf[1024];
    size_t len;
} header_join;

static enum MHD_Result join_xff(void *cls, enum MHD_ValueKind kind, const char *key,
                                const char *value)
{
    header_join *j = cls;
    if (!key || strcasecmp(key, "X-Forwarded-For") || !value)
        return MHD_YES;
    size_t n = strlen(value);
    if (j->len + n + 2 > sizeof(j->buf)) {
        /* Keep the right end: that is where trusted proxies write. */
        j->len = 0;
        if (n + 1 > sizeof(j->buf))
            value += n - (sizeof(j->buf) - 1), n = sizeof(j->buf) - 1;
    }
    if (j->len)
        j->buf[j->len++] = ',';
    memcpy(j->buf + j->len, value, n);
    j->len += n;
    j->buf[j->len] = 0;
    return MHD_YES;
}

static void client_address(bb_contact_service *svc, struct MHD_Connection *c, char out[BB_CLIENT_KEY_MAX])
{
    char peer[INET6_ADDRSTRLEN] = "";
    const union MHD_ConnectionInfo *ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    if (ci && ci->client_addr && ci->client_addr->sa_family == AF_INET)
        inet_ntop(AF_INET, &((const struct sockaddr_in *)ci->client_addr)->sin_addr, peer, sizeof(peer));
    else if (ci && ci->client_addr && ci->client_addr->sa_family == AF_INET6)
        inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)ci->client_addr)->sin6_addr, peer, sizeof(peer));
    header_join xff = {.len = 0};
    if (svc->cfg.proxy_hops)
        MHD_get_connection_values(c, MHD_HEADER_KIND, join_xff, &xff);
    bb_http_client_key(xff.len ? xff.buf : NULL, peer, svc->cfg.proxy_hops, out);
}

static uint64_t now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

static limit new_limit(unsigned slots, double capacity, unsigned period_s, const uint8_t key[16])
{
    return (limit){bb_ratelimit_new(slots, capacity, (uint64_t)period_s * 1000000, key), capacity, period_s};
}

static int64_t wall_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Takes a token from limit l for key; returns seconds to wait or 0.
 * Instances sharing a database share the limit, which the store keeps by a
 * digest of the key, never the address (so do the login backoffs below). */
static unsigned limited(bb_contact_service *svc, const limit *l, const char *prefix, const char *key)
{
    char k[160];
    snprintf(k, sizeof(k), "%s|%s", prefix, key);
    unsigned wait = 0;
    if (svc->shared) {
        char h[65];
        sha256_hex(k, h);
        /* Without the database the request fails at its own use of it. */
        if (bb_store_rate_take(svc->store, h, l->capacity, (int64_t)l->period_s * 1000, wall_ms(), &wait) != BB_OK)
            wait = 0;
        return wait;
    }
    pthread_mutex_lock(&svc->lock);
    wait = bb_ratelimit_take(l->mem, k, now_us());
    pthread_mutex_unlock(&svc->lock);
    return wait;
}

/* A login's failure backoff for key: seconds to wait, a failure, a success. */
static unsigned backoff_wait(bb_contact_service *svc, const char *key)
{
    unsigned wait = 0;
    if (svc->shared) {
        char h[65];
        sha256_hex(key, h);
        return bb_store_backoff_wait(svc->store, h, wall_ms(), &wait) == BB_OK ? wait : 0;
    }
    pthread_mutex_lock(&svc->lock);
    wait = bb_backoff_wait(svc->login_backoff, key, now_us());
    pthread_mutex_unlock(&svc->lock);
    return wait;
}

static void backoff_failed(bb_contact_service *svc, const char *key)
{
    if (svc->shared) {
        char h[65];
        unsigned lock_s;
        sha256_hex(key, h);
        bb_store_backoff_failed(svc->store, h, LOGIN_FREE_FAILURES, LOGIN_MAX_LOCK_S, wall_ms(), &lock_s);
        return;
    }
    pthread_mutex_lock(&svc->lock);
    bb_backoff_failed(svc->login_backoff, key, now_us());
    pthread_mutex_unlock(&svc->lock);
}

static void backoff_succeeded(bb_contact_service *svc, const char *key)
{
    if (svc->shared) {
        char h[65];
        sha256_hex(key, h);
        bb_store_backoff_clear(svc->store, h);
        return;
    }
    pthread_mutex_lock(&svc->lock);
    bb_backoff_succeeded(svc->login_backoff, key);
    pthread_mutex_unlock(&svc->lock);
}

static void merge_stats(bb_contact_service *svc, const bb_contact_stats *st)
{
    pthread_mutex_lock(&svc->lock);
    svc->stats.accepted += st->accepted;
    for (int i = 0; i < BB_CONTACT_REASONS; i++)
        svc->stats.rejected[i] += st->rejected[i];
    pthread_mutex_unlock(&svc->lock);
}

static cJSON *needs_array(unsigned needs)
{
    static const char *const names[] = {"captions", "sign_language", "speech_to_text", "high_contrast"};
    cJSON *a = cJSON_CreateArray();
    for (int i = 0; i < 4; i++)
        if (needs & (1u << i))
            cJSON_AddItemToArray(a, cJSON_CreateString(names[i]));
    return a;
}

/* Destroys the Janus rooms of a request that has ended (closed, cancelled,
 * deleted; request_id 0: of every ended request): their PIN and tokens stop
 * giving access at once. A room is forgotten only when Janus confirms it is
 * gone; one Janus could not destroy is tried again on the next retention
 * run (every minute), never on a citizen's or officer's request. */
static void end_rooms(bb_contact_service *svc, int64_t request_id, int64_t now)
{
    int64_t rooms[16];
    char secrets[16][48], servers[16][256], token[BB_JANUS_TOKEN_MAX];
    int n = 0;
    if (bb_store_rooms_ended(svc->store, request_id, rooms, secrets, servers, 16, &n) != BB_OK || n == 0)
        return;
    if (!svc->janus || !svc->cfg.janus_token_secret ||
        bb_janus_token(svc->cfg.janus_token_secret, now + 60, NULL, token, sizeof(token)))
        return;
    for (int i = 0; i < n; i++) {
        /* A room on a server no longer in the list went with it. */
        int at = bb_janus_pool_find(svc->janus, servers[i]);
        if (at < 0 || bb_janus_destroy_room(bb_janus_pool_http(svc->janus, at), token, rooms[i], secrets[i]) == BB_OK)
            bb_store_room_forget(svc->store, rooms[i]);
        else
            fprintf(stderr, "contact: Janus room %lld not destroyed yet; trying again later\n",
                    (long long)rooms[i]);
    }
    mbedtls_platform_zeroize(secrets, sizeof(secrets));
}

/* ---- citizen ------------------------------------------------------------------------- */

/* A citizen's request (addr: their address), or one the service centre
 * enters for a caller of 0900-8844 (centre: its account; limited per
 * account, and recorded with the caller's consent and who entered it). */
static enum MHD_Result create_request(bb_contact_service *svc, struct MHD_Connection *c,
                                      const conn_ctx *ctx, const char *addr, const bb_officer *centre,
                                      int64_t now)
{
    char key[32];
    if (centre)
        snprintf(key, sizeof(key), "centre-%lld", (long long)centre->id);
    unsigned wait = limited(svc, &svc->create_rl, "create", centre ? key : addr);
    if (wait)
        return send_error(c, 429, "rate_limited", NULL, wait);
    bb_callback_request *r = malloc(sizeof(*r));
    bb_contact_err err = {0};
    bb_contact_stats st = {0};
    if (!r)
        return send_error(c, 500, "internal", NULL, 0);
    int rc = centre ? bb_contact_parse_phone_request((const uint8_t *)ctx->body, ctx->len, now / 86400, r, &err, &st)
                    : bb_contact_parse_request((const uint8_t *)ctx->body, ctx->len, now / 86400, r, &err, &st);
    if (rc == BB_OK && centre)
        r->entered_by = centre->id;
    merge_stats(svc, &st);
    if (rc != BB_OK) {
        free(r);
        return send_parse_error(c, &err);
    }
    /* However often a number was given before, the answer is the same (no
     * oracle, no way to block someone else's number): officers see repeats
     * counted in the queue instead. */
    char reference[13];
    int64_t id = 0;
    rc = BB_E_STATE;
    for (int attempt = 0; attempt < 4 && rc == BB_E_STATE; attempt++) {
        uint8_t rnd[5];
        if (svc->cfg.random(rnd, sizeof(rnd)) != BB_OK)
            break;
        bb_reference_from_bytes(rnd, reference);
        rc = bb_store_create_request(svc->store, r, reference, now, &id); /* E_STATE: taken */
    }
    if (rc != BB_OK) {
        free(r);
        return send_error(c, 500, "internal", NULL, 0);
    }
    bb_pilot_request(svc->store, r, now);
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "reference", reference);
    cJSON_AddStringToObject(o, "status", "queued");
    cJSON_AddStringToObject(o, "neighbourhood", r->neighbourhood);
    free(r);
    return send_json(c, 201, o, NULL, 0);
}

static enum MHD_Result lookup_request(bb_contact_service *svc, struct MHD_Connection *c,
                                      const conn_ctx *ctx, int cancel)
{
    bb_request_lookup q;
    bb_contact_err err = {0};
    bb_contact_stats st = {0};
    int rc = bb_contact_parse_lookup((const uint8_t *)ctx->body, ctx->len, &q, &err, &st);
    merge_stats(svc, &st);
    if (rc != BB_OK)
        return send_parse_error(c, &err);
    bb_stored_request *r = malloc(sizeof(*r));
    if (!r)
        return send_error(c, 500, "internal", NULL, 0);
    rc = bb_store_find(svc->store, q.reference, q.phone, r);
    if (rc == BB_E_AGAIN) {
        free(r);
        return send_error(c, 404, "request_unknown", NULL, 0);
    }
    if (rc != BB_OK || (cancel && bb_store_delete_request(svc->store, r->id) != BB_OK)) {
        free(r);
        return send_error(c, 500, "internal", NULL, 0);
    }
    if (cancel)
        end_rooms(svc, r->id, (int64_t)time(NULL));
    cJSON *o = cJSON_CreateObject();
    if (cancel) {
        cJSON_AddStringToObject(o, "reference", r->reference);
        cJSON_AddStringToObject(o, "status", "cancelled");
    } else {
        char created[32];
        iso_time(r->created_at, created);
        cJSON_AddStringToObject(o, "reference", r->reference);
        cJSON_AddStringToObject(o, "status", r->status);
        cJSON_AddStringToObject(o, "preference", r->req.preference);
        cJSON_AddStringToObject(o, "created_at", created);
    }
    free(r);
    return send_json(c, 200, o, NULL, 0);
}

/* A participant's Janus token for one call: signed with the shared secret,
 * valid for CALL_TOKEN_TTL_S, and scoped to the room and participant, so
 * that it is on that room's access list and no other. */
static int call_token(bb_contact_service *svc, int64_t room, const char *participant, int64_t now,
                      char token[BB_JANUS_TOKEN_MAX])
{
    char scope[72];
    int n = snprintf(scope, sizeof(scope), "bb-call-%lld-%s", (long long)room, participant);
    if (n <= 0 || (size_t)n >= sizeof(scope))
        return BB_E_ARG;
    return bb_janus_token(svc->cfg.janus_token_secret, now + CALL_TOKEN_TTL_S, scope, token,
                          BB_JANUS_TOKEN_MAX);
}

/* The Janus server a room is on (its index in the list), -1 when unknown. */
static int room_server(bb_contact_service *svc, int64_t room)
{
    char secret[48], pin[24], server[256];
    int at = -1;
    if (svc->janus && bb_store_room_get(svc->store, room, NULL, secret, pin, server) == BB_OK)
        at = bb_janus_pool_find(svc->janus, server);
    mbedtls_platform_zeroize(secret, sizeof(secret));
    return at;
}

static void count_calls(void *ctx, const char *server, int64_t calls)
{
    void **a = ctx;
    int at = bb_janus_pool_find(a[0], server);
    if (at >= 0)
        ((int *)a[1])[at] += (int)calls;
}

/* The server a new call goes to: the healthy one with the fewest calls
 * (counted in the store, so across instances); -1 when none is healthy. */
static int place_call(bb_contact_service *svc)
{
    int calls[BB_JANUS_SERVERS_MAX] = {0};
    void *ctx[2] = {svc->janus, calls};
    if (!svc->janus || bb_store_calls_per_server(svc->store, count_calls, ctx) != BB_OK)
        return -1;
    return bb_janus_pool_pick(svc->janus, calls);
}

/* The call credentials every participant gets: same room and PIN, own
 * participant id and Janus token (from call_token). */
static cJSON *call_object(const bb_invitation *inv, const char *janus_url, const char *participant,
                          const char *token)
{
    cJSON *call = cJSON_CreateObject();
    char call_id[32];
    snprintf(call_id, sizeof(call_id), "call-%lld", (long long)inv->room);
    cJSON_AddStringToObject(call, "call_id", call_id);
    cJSON_AddNumberToObject(call, "room", (double)inv->room);
    cJSON_AddStringToObject(call, "pin", inv->pin);
    cJSON_AddStringToObject(call, "janus_url", janus_url);
    cJSON_AddStringToObject(call, "janus_token", token);
    cJSON_AddStringToObject(call, "participant_id", participant);
    return call;
}

/* Where a participant's call is now (calls/where, officer/calls/where),
 * asked with the Janus token the service gave them. On a server that
 * answers its health checks the call stays; on one that does not, it moves
 * to the healthy one with the fewest calls, once, whoever asks first (the
 * store's move is conditional): the room is made there again with its id,
 * secret and PIN. Everyone who asks gets a new token on the room's list. */
static enum MHD_Result call_where(bb_contact_service *svc, struct MHD_Connection *c, const conn_ctx *ctx,
                                  int64_t now)
{
    char given[BB_JANUS_TOKEN_MAX], participant[40], secret[48], server[256];
    char token[BB_JANUS_TOKEN_MAX], service_token[BB_JANUS_TOKEN_MAX];
    bb_contact_err err = {0};
    bb_contact_stats st = {0};
    int rc = bb_contact_parse_call_where((const uint8_t *)ctx->body, ctx->len, given, &err, &st);
    merge_stats(svc, &st);
    if (rc != BB_OK)
        return send_parse_error(c, &err);
    if (!svc->janus || !svc->cfg.janus_token_secret || !svc->cfg.videoroom_admin_key)
        return send_error(c, 503, "call_unavailable", NULL, 60);
    bb_invitation inv = {0};
    if (bb_janus_call_token_check(svc->cfg.janus_token_secret, given, now, &inv.room, participant) != BB_OK)
        return send_error(c, 403, "call_token_invalid", NULL, 0);
    int64_t request_id = 0;
    rc = bb_store_room_get(svc->store, inv.room, &request_id, secret, inv.pin, server);
    bb_stored_request *r = rc == BB_OK ? malloc(sizeof(*r)) : NULL;
    int open = r && bb_store_get(svc->store, request_id, r) == BB_OK && strcmp(r->status, "done");
    free(r);
    if (rc == BB_E_AGAIN || (rc == BB_OK && !open)) {
        mbedtls_platform_zeroize(secret, sizeof(secret));
        return send_error(c, 410, "call_ended", NULL, 0);
    }
    int at = rc == BB_OK ? bb_janus_pool_find(svc->janus, server) : -1, moved = 0, raced = 0, listed = 0;
    if (rc == BB_OK && call_token(svc, inv.room, participant, now, token) == BB_OK &&
        bb_janus_token(svc->cfg.janus_token_secret, now + 60, NULL, service_token, sizeof(service_token)) == BB_OK) {
        /* A server that does not answer now is dead, whatever its last health
         * check said (the next one, a second away, sees it too; with one server
         * there is none, and nowhere else to go). */
        if (at >= 0 && bb_janus_pool_healthy(svc->janus, at))
            listed = bb_janus_allow(bb_janus_pool_http(svc->janus, at), service_token, inv.room, secret, token) == BB_OK;
        if (at >= 0 && !listed && bb_janus_pool_size(svc->janus) > 1 &&
            bb_janus_ping(bb_janus_pool_http(svc->janus, at)) != BB_OK)
            bb_janus_pool_set_healthy(svc->janus, at, 0);
        if (!listed && (at < 0 || !bb_janus_pool_healthy(svc->janus, at))) {
            int to = place_call(svc);
            if (to >= 0 && bb_store_room_move(svc->store, inv.room, server, bb_janus_pool_ws(svc->janus, to)) == BB_OK) {
                /* Made by us, or meanwhile by another who asked (below). */
                moved = bb_janus_create_room(bb_janus_pool_http(svc->janus, to), service_token,
                                             svc->cfg.videoroom_admin_key, inv.room, secret, inv.pin, token) == BB_OK ||
                        bb_janus_allow(bb_janus_pool_http(svc->janus, to), service_token, inv.room, secret, token) == BB_OK;
                if (!moved) /* let the next one try again */
                    bb_store_room_move(svc->store, inv.room, bb_janus_pool_ws(svc->janus, to), server);
                at = moved ? to : -1;
            } else {
                /* Moved by someone else in between (or nowhere to go). */
                raced = 1;
                at = bb_store_room_get(svc->store, inv.room, NULL, secret, inv.pin, server) == BB_OK
                         ? bb_janus_pool_find(svc->janus, server)
                         : -1;
                if (at >= 0 && !bb_janus_pool_healthy(svc->janus, at))
                    at = -1;
            }
        }
        /* The room is not where the store says: its server restarted without
         * it, or another who asked moved it there and is still making it. It
         * is made there (Janus makes a room once: whoever comes second is
         * refused and listed in the one made). */
        if (at >= 0 && !moved && !listed && raced)
            listed = bb_janus_allow(bb_janus_pool_http(svc->janus, at), service_token, inv.room, secret, token) == BB_OK;
        if (at >= 0 && !moved && !listed) {
            moved = bb_janus_create_room(bb_janus_pool_http(svc->janus, at), service_token,
                                         svc->cfg.videoroom_admin_key, inv.room, secret, inv.pin, token) == BB_OK;
            if (!moved && bb_janus_allow(bb_janus_pool_http(svc->janus, at), service_token, inv.room, secret, token) != BB_OK)
                at = -1;
        }
    } else if (rc == BB_OK) {
        rc = BB_E_STATE;
    }
    mbedtls_platform_zeroize(secret, sizeof(secret));
    if (rc != BB_OK)
        return send_error(c, 500, "internal", NULL, 0);
    if (at < 0)
        return send_error(c, 503, "call_unavailable", NULL, 2);
    cJSON *o = cJSON_CreateObject();
    cJSON_AddItemToObject(o, "call", call_object(&inv, bb_janus_pool_ws(svc->janus, at), participant, token));
    cJSON_AddBoolToObject(o, "moved", moved);
    return send_json(c, 200, o, NULL, 0);
}

/* Redeems a link: the citizen's or an interpreter's (staff 0, anyone with
 * the link), or a colleague's (staff 1, a logged-in officer). */
static enum MHD_Result redeem_invitation(bb_contact_service *svc, struct MHD_Connection *c,
                                         const conn_ctx *ctx, int staff, int64_t now)
{
    char token[44], hash[65];
    bb_contact_err err = {0};
    bb_contact_stats st = {0};
    int rc = bb_contact_parse_redeem((const uint8_t *)ctx->body, ctx->len, token, &err, &st);
    merge_stats(svc, &st);
    if (rc != BB_OK)
        return send_parse_error(c, &err);
    if (!svc->cfg.janus_token_secret)
        return send_error(c, 503, "call_unavailable", NULL, 60);
    sha256_hex(token, hash);
    bb_invitation inv;
    char room_secret[48], janus_token[BB_JANUS_TOKEN_MAX], service_token[BB_JANUS_TOKEN_MAX];
    int at = -1;
    /* First a look, then the participant's token goes on the room's access
     * list, and only then is the link used: when Janus cannot be reached,
     * the link still works a moment later. (A token listed for a link that
     * another click wins is never handed out.) */
    for (int use = 0; use < 2; use++) {
        rc = bb_store_invitation_redeem(svc->store, hash, now, staff, use, &inv, use ? NULL : room_secret);
        if (rc == BB_E_AGAIN)
            return send_error(c, 404, "invitation_unknown", NULL, 0);
        if (rc == BB_E_STATE && inv.request_id)
            return send_error(c, 410, inv.used_at ? "invitation_used" : "invitation_expired", NULL, 0);
        if (rc != BB_OK)
            return send_error(c, 500, "internal", NULL, 0);
        if (use)
            break;
        at = room_server(svc, inv.room);
        int listed = at >= 0 && call_token(svc, inv.room, inv.participant_id, now, janus_token) == BB_OK &&
                     bb_janus_token(svc->cfg.janus_token_secret, now + 60, NULL, service_token,
                                    sizeof(service_token)) == BB_OK &&
                     bb_janus_allow(bb_janus_pool_http(svc->janus, at), service_token, inv.room, room_secret,
                                    janus_token) == BB_OK;
        mbedtls_platform_zeroize(room_secret, sizeof(room_secret));
        if (!listed) {
            fprintf(stderr, "contact: Janus did not list a participant's token\n");
            return send_error(c, 503, "call_unavailable", NULL, 30);
        }
    }
    bb_officer off;
    if (bb_store_officer_by_id(svc->store, inv.officer_id, &off) != BB_OK)
        return send_error(c, 500, "internal", NULL, 0);
    const char *role = inv.role[0] ? inv.role : "citizen";
    /* The citizen's call: counted for the pilot, and a one-time token for
     * the two questions after it, which knows the neighbourhood and week
     * and nothing of the request or the person. */
    char feedback[44] = "";
    if (!strcmp(role, "citizen")) {
        char week[BB_ISO_WEEK_LEN], fb_hash[65];
        bb_store_set_status(svc->store, inv.request_id, "in_call", NULL, now);
        bb_pilot_call(svc->store, inv.neighbourhood, 1, now);
        bb_iso_week(now, week);
        if (random_b64url(svc, 32, feedback) == BB_OK) {
            sha256_hex(feedback, fb_hash);
            if (bb_store_feedback_token_add(svc->store, fb_hash, inv.neighbourhood, week,
                                            now + FEEDBACK_TTL_S) != BB_OK)
                feedback[0] = 0;
        }
    }
    cJSON *o = call_object(&inv, bb_janus_pool_ws(svc->janus, at), inv.participant_id, janus_token);
    if (feedback[0])
        cJSON_AddStringToObject(o, "feedback_token", feedback);
    cJSON_AddStringToObject(o, "role", role);
    cJSON *officer = cJSON_AddObjectToObject(o, "officer");
    cJSON_AddStringToObject(officer, "display_name", off.display_name);
    cJSON_AddStringToObject(officer, "team", off.team);
    cJSON_AddStringToObject(officer, "number", off.number);
    char exp[32];
    iso_time(now + CALL_TOKEN_TTL_S, exp);
    cJSON_AddStringToObject(o, "expires_at", exp);
    return send_json(c, 200, o, NULL, 0);
}

/* A citizen's answers to the two questions after a call, counted for the
 * pilot under the token's neighbourhood and week; the token goes. */
static enum MHD_Result give_feedback(bb_contact_service *svc, struct MHD_Connection *c, const conn_ctx *ctx,
                                     int64_t now)
{
    bb_feedback f;
    bb_contact_err err = {0};
    bb_contact_stats st = {0};
    int rc = bb_contact_parse_feedback((const uint8_t *)ctx->body, ctx->len, &f, &err, &st);
    merge_stats(svc, &st);
    if (rc != BB_OK)
        return send_parse_error(c, &err);
    char hash[65], nb[32], week[BB_ISO_WEEK_LEN];
    sha256_hex(f.token, hash);
    rc = bb_store_feedback_token_take(svc->store, hash, now, nb, week);
    if (rc == BB_E_AGAIN)
        return send_error(c, 404, "feedback_unknown", NULL, 0);
    if (rc != BB_OK)
        return send_error(c, 500, "internal", NULL, 0);
    bb_pilot_feedback(svc->store, nb, week, f.how, f.again);
    cJSON *o = cJSON_CreateObject();
    cJSON_AddBoolToObject(o, "ok", 1);
    return send_json(c, 200, o, NULL, 0);
}

/* ---- officer -------------------------------------------------------------------------- */

static void hash_done(bb_hash_job *job, void *arg)
{
    pending_login *pl = arg;
    pl->state = LOGIN_HASHED;
    MHD_resume_connection(pl->c);
}

/* The first half of a login: limits, then the password goes to the hashing
 * pool and the connection waits (suspended) without holding a request
 * thread. The second half, login_finish, runs when the hash is done. */
static enum MHD_Result login(bb_contact_service *svc, struct MHD_Connection *c, conn_ctx *ctx,
                             const char *addr, int64_t now)
{
    unsigned wait = limited(svc, &svc->login_rl, "login", addr);
    if (wait)
        return send_error(c, 429, "rate_limited", NULL, wait);
    bb_officer_login q;
    bb_contact_err err = {0};
    bb_contact_stats st = {0};
    int rc = bb_contact_parse_login((const uint8_t *)ctx->body, ctx->len, &q, &err, &st);
    merge_stats(svc, &st);
    if (rc != BB_OK)
        return send_parse_error(c, &err);
    pending_login *pl = calloc(1, sizeof(*pl));
    if (!pl) {
        mbedtls_platform_zeroize(&q, sizeof(q));
        return send_error(c, 500, "internal", NULL, 0);
    }
    ctx->login = pl;
    pl->c = c;
    snprintf(pl->backoff_key, sizeof(pl->backoff_key), "%s|%s", q.username, addr);
    wait = backoff_wait(svc, pl->backoff_key);
    if (wait) {
        mbedtls_platform_zeroize(&q, sizeof(q));
        return send_error(c, 429, "rate_limited", NULL, wait);
    }
    pl->found = bb_store_officer_by_name(svc->store, q.username, &pl->officer) == BB_OK;
    if (!pl->found) {
        /* Same work for an unknown user, so timing does not tell names. */
        memset(&pl->officer, 0, sizeof(pl->officer));
        pl->officer.iterations = BB_PBKDF2_ITERATIONS;
    }
    /* Never cut: the job holds every password the parser accepts. */
    _Static_assert(sizeof(pl->job.password) >= sizeof(q.password) - 1, "hash job password too small");
    size_t pw_len = strlen(q.password);
    memcpy(pl->job.password, q.password, pw_len);
    memcpy(pl->code, q.code, sizeof(pl->code));
    mbedtls_platform_zeroize(&q, sizeof(q));
    pl->job.password_len = pw_len;
    memcpy(pl->job.salt, pl->officer.salt, sizeof(pl->job.salt));
    pl->job.iterations = pl->officer.iterations;
    pl->job.done = hash_done;
    pl->job.arg = pl;
    pl->state = LOGIN_HASHING;
    MHD_suspend_connection(c);
    if (bb_hashpool_submit(svc->hashes, &pl->job) != BB_OK) {
        mbedtls_platform_zeroize(pl->job.password, sizeof(pl->job.password));
        pl->state = LOGIN_BUSY;
        MHD_resume_connection(c);
    }
    return MHD_YES;
}

/* The right password for an account without a second factor: the key to
 * enrol (made now, or the one offered before until its first code), as
 * base32 text, otpauth:// link and QR code, and no session yet. */
static enum MHD_Result offer_second_factor(bb_contact_service *svc, struct MHD_Connection *c,
                                           pending_login *pl)
{
    bb_officer *off = &pl->officer;
    uint8_t key[BB_TOTP_KEY_BYTES];
    if (!off->has_pending) {
        if (svc->cfg.random(key, sizeof(key)) != BB_OK ||
            bb_store_officer_totp_offer(svc->store, off->id, key) != BB_OK ||
            bb_store_officer_by_id(svc->store, off->id, off) != BB_OK || !off->has_pending) {
            mbedtls_platform_zeroize(key, sizeof(key));
            return send_error(c, 500, "internal", NULL, 0);
        }
        mbedtls_platform_zeroize(key, sizeof(key));
    }
    char b32[40], uri[BB_TOTP_URI_MAX];
    uint8_t *modules = malloc(BB_QR_MAX_SIZE * BB_QR_MAX_SIZE);
    int size = 0;
    if (!modules || bb_totp_uri(off->totp_pending, off->username, uri, sizeof(uri)) ||
        bb_qr_encode((const uint8_t *)uri, strlen(uri), modules, &size)) {
        free(modules);
        return send_error(c, 500, "internal", NULL, 0);
    }
    bb_base32(off->totp_pending, sizeof(off->totp_pending), b32);
    cJSON *o = cJSON_CreateObject();
    cJSON *e = cJSON_AddObjectToObject(o, "enrol");
    cJSON_AddStringToObject(e, "secret", b32);
    cJSON_AddStringToObject(e, "uri", uri);
    cJSON *rows = cJSON_AddArrayToObject(e, "qr");
    char row[BB_QR_MAX_SIZE + 1];
    for (int y = 0; y < size; y++) {
        for (int x = 0; x < size; x++)
            row[x] = modules[y * size + x] ? '1' : '0';
        row[size] = 0;
        cJSON_AddItemToArray(rows, cJSON_CreateString(row));
    }
    free(modules);
    mbedtls_platform_zeroize(b32, sizeof(b32));
    mbedtls_platform_zeroize(uri, sizeof(uri));
    return send_json(c, 200, o, NULL, 0);
}

static enum MHD_Result login_finish(bb_contact_service *svc, struct MHD_Connection *c,
                                    pending_login *pl, int64_t now)
{
    if (pl->state == LOGIN_BUSY)
        return send_error(c, 503, "busy", NULL, 5);
    const bb_officer *off = &pl->officer;
    unsigned diff = 0;
    for (int i = 0; i < 32; i++)
        diff |= pl->job.out[i] ^ off->hash[i];
    /* Every officer also needs this moment's code, once: a missing, wrong
     * or replayed one fails like a wrong password, so the answer never tells
     * whether the password was right. An account without a second factor
     * yet (new, or reset) is offered a key with the right password alone,
     * and has it from its first code on. */
    int second_ok = 0, password_ok = pl->job.rc == BB_OK && pl->found && !diff;
    if (password_ok && off->has_totp) {
        int64_t step = bb_totp_check(off->totp, sizeof(off->totp), pl->code, now, off->totp_last_step);
        second_ok = step >= 0 && bb_store_officer_totp_used(svc->store, off->id, step) == BB_OK;
    } else if (password_ok) {
        if (!off->has_pending || !pl->code[0])
            return offer_second_factor(svc, c, pl);
        int64_t step = bb_totp_check(off->totp_pending, sizeof(off->totp_pending), pl->code, now, 0);
        second_ok = step >= 0 && bb_store_officer_totp_enrol(svc->store, off->id, step) == BB_OK;
    }
    if (!password_ok || !second_ok) {
        backoff_failed(svc, pl->backoff_key);
        return send_error(c, 401, "login_failed", NULL, 0);
    }
    backoff_succeeded(svc, pl->backoff_key);

    char session[44], csrf[44], key[65];
    if (random_b64url(svc, 32, session) || random_b64url(svc, 32, csrf))
        return send_error(c, 500, "internal", NULL, 0);
    sha256_hex(session, key);
    if (bb_store_session_create(svc->store, key, off->id, csrf, now, now + svc->cfg.session_max_s) != BB_OK)
        return send_error(c, 500, "internal", NULL, 0);
    /* __Host-: only ever set by this origin over a secure connection (HTTPS,
     * or loopback), for the whole origin, never for another (sub)domain. */
    char cookie[200];
    snprintf(cookie, sizeof(cookie), SESSION_COOKIE "=%s; HttpOnly; Secure; SameSite=Strict; Path=/; Max-Age=%lld",
             session, (long long)svc->cfg.session_max_s);
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "csrf_token", csrf);
    cJSON_AddNumberToObject(o, "idle_timeout_s", (double)svc->cfg.session_idle_s);
    cJSON *jo = cJSON_AddObjectToObject(o, "officer");
    cJSON_AddStringToObject(jo, "name", off->display_name);
    cJSON_AddStringToObject(jo, "team", off->team);
    cJSON_AddStringToObject(jo, "number", off->number);
    cJSON_AddStringToObject(jo, "role", off->role[0] ? off->role : "officer");
    cJSON *nbs = cJSON_AddArrayToObject(jo, "neighbourhoods");
    char list[256];
    snprintf(list, sizeof(list), "%s", off->neighbourhoods);
    char *save = NULL;
    for (char *t = strtok_r(list, ",", &save); t; t = strtok_r(NULL, ",", &save))
        cJSON_AddItemToArray(nbs, cJSON_CreateString(t));
    return send_json(c, 200, o, cookie, 0);
}

typedef struct {
    int64_t officer_id;
    char csrf[64];
    char key[65];
    bb_officer officer;
} session;

/* 0 when the request carries a live session (and, for POST, the CSRF
 * token); otherwise the error reply has been queued into *ret. */
static int authenticate(bb_contact_service *svc, struct MHD_Connection *c, int is_post, int64_t now,
                        session *s, enum MHD_Result *ret)
{
    char cookie[44];
    if (bb_http_cookie(MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Cookie"), SESSION_COOKIE, cookie,
                       sizeof(cookie)) ||
        strlen(cookie) != 43) {
        *ret = send_error(c, 401, "not_logged_in", NULL, 0);
        return -1;
    }
    sha256_hex(cookie, s->key);
    if (bb_store_session_get(svc->store, s->key, now, svc->cfg.session_idle_s, &s->officer_id, s->csrf) != BB_OK ||
        bb_store_officer_by_id(svc->store, s->officer_id, &s->officer) != BB_OK) {
        *ret = send_error(c, 401, "not_logged_in", NULL, 0);
        return -1;
    }
    if (is_post) {
        const char *t = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "X-CSRF-Token");
        if (!t || !bb_ct_streq(t, s->csrf)) {
            *ret = send_error(c, 403, "csrf", NULL, 0);
            return -1;
        }
    }
    return 0;
}

static int officer_serves(const bb_officer *o, const char *neighbourhood)
{
    char list[260], want[40];
    snprintf(list, sizeof(list), ",%s,", o->neighbourhoods);
    snprintf(want, sizeof(want), ",%s,", neighbourhood);
    return strstr(list, want) != NULL;
}

/* The queue as the officer sees it: requests past their time window (and
 * not yet being called back) first, then the rest; oldest first in each. */
typedef struct {
    cJSON *late, *rest;
    int64_t now;
} queue_build;

static void queue_row(void *ctx, const bb_stored_request *r)
{
    queue_build *q = ctx;
    cJSON *o = cJSON_CreateObject();
    char created[32], ends[32];
    iso_time(r->created_at, created);
    int64_t window_end = bb_window_end(r->req.window, r->req.date, r->created_at);
    int late = q->now > window_end && (!strcmp(r->status, "queued") || !strcmp(r->status, "claimed"));
    iso_time(window_end, ends);
    cJSON_AddNumberToObject(o, "id", (double)r->id);
    cJSON_AddStringToObject(o, "reference", r->reference);
    cJSON_AddStringToObject(o, "name", r->req.name);
    cJSON_AddStringToObject(o, "phone", r->req.phone);
    if (r->req.email[0])
        cJSON_AddStringToObject(o, "email", r->req.email);
    else
        cJSON_AddNullToObject(o, "email");
    cJSON_AddStringToObject(o, "neighbourhood", r->req.neighbourhood);
    cJSON_AddStringToObject(o, "topic", r->req.topic);
    cJSON_AddStringToObject(o, "preference", r->req.preference);
    cJSON_AddStringToObject(o, "window", r->req.window);
    if (r->req.date[0])
        cJSON_AddStringToObject(o, "date", r->req.date);
    else
        cJSON_AddNullToObject(o, "date");
    cJSON_AddItemToObject(o, "needs", needs_array(r->req.needs));
    cJSON_AddStringToObject(o, "lang", r->req.lang);
    cJSON_AddStringToObject(o, "status", r->status);
    cJSON_AddStringToObject(o, "created_at", created);
    if (r->claimed_by)
        cJSON_AddStringToObject(o, "claimed_by", r->claimed_by_name);
    else
        cJSON_AddNullToObject(o, "claimed_by");
    cJSON_AddStringToObject(o, "outcome", r->outcome);
    cJSON_AddStringToObject(o, "notes", r->notes);
    cJSON_AddNumberToObject(o, "repeats", r->repeats);
    cJSON_AddBoolToObject(o, "via_phone", r->req.via_phone);
    cJSON_AddBoolToObject(o, "statement", r->statements > 0);
    cJSON_AddStringToObject(o, "window_ends_at", ends);
    cJSON_AddBoolToObject(o, "overdue", late);
    cJSON_AddItemToArray(late ? q->late : q->rest, o);
}

/* A new link: stores the invitation under the hash of its token and
 * answers { invitation_url: <base><page>=<token>, expires_at }; NULL when it
 * could not be stored. */
static cJSON *new_invitation(bb_contact_service *svc, const bb_invitation *inv, const char *token,
                             const char *base, const char *page)
{
    char token_hash[65], url[600], exp[32];
    sha256_hex(token, token_hash);
    if (bb_store_invitation_create(svc->store, token_hash, inv) != BB_OK)
        return NULL;
    snprintf(url, sizeof(url), "%s%s=%s", base, page, token);
    iso_time(inv->expires_at, exp);
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "invitation_url", url);
    cJSON_AddStringToObject(o, "expires_at", exp);
    return o;
}

/* A claimed request not yet called back (no video call started, no phone
 * outcome recorded): what the officer does now is its first callback. */
static int first_callback(const bb_stored_request *r)
{
    return !strcmp(r->status, "claimed") && !r->outcome[0];
}

static enum MHD_Result start_video(bb_contact_service *svc, struct MHD_Connection *c,
                                   const session *s, const bb_stored_request *r, int64_t now)
{
    if (!svc->janus || !svc->cfg.janus_token_secret || !svc->cfg.videoroom_admin_key)
        return send_error(c, 503, "call_unavailable", NULL, 60);
    char officer_key[24];
    snprintf(officer_key, sizeof(officer_key), "%lld", (long long)s->officer_id);
    unsigned wait = limited(svc, &svc->video_rl, "video", officer_key);
    if (wait)
        return send_error(c, 429, "rate_limited", NULL, wait);
    bb_invitation inv = {.request_id = r->id, .officer_id = s->officer_id};
    char room_secret[44], token[44], admin_token[BB_JANUS_TOKEN_MAX], officer_token[BB_JANUS_TOKEN_MAX];
    char officer_participant[40];
    uint8_t rnd[8];
    snprintf(officer_participant, sizeof(officer_participant), "officer-%lld",
             (long long)s->officer_id);
    if (random_b64url(svc, 16, inv.pin) || random_b64url(svc, 24, room_secret) ||
        random_b64url(svc, 32, token) ||
        svc->cfg.random(rnd, sizeof(rnd)) ||
        bb_janus_token(svc->cfg.janus_token_secret, now + 60, NULL, admin_token, sizeof(admin_token)))
        return send_error(c, 500, "internal", NULL, 0);
    /* Room ids stay below 2^31 so every client reads them exactly. */
    inv.room = 1 + (int64_t)(((uint32_t)rnd[0] << 24 | (uint32_t)rnd[1] << 16 | (uint32_t)rnd[2] << 8 | rnd[3]) & 0x7ffffffe);
    snprintf(inv.participant_id, sizeof(inv.participant_id), "citizen-%02x%02x%02x%02x", rnd[4],
             rnd[5], rnd[6], rnd[7]);
    inv.expires_at = now + svc->cfg.invite_ttl_s;
    if (call_token(svc, inv.room, officer_participant, now, officer_token))
        return send_error(c, 500, "internal", NULL, 0);
    int at = place_call(svc);
    if (at < 0 || bb_janus_create_room(bb_janus_pool_http(svc->janus, at), admin_token, svc->cfg.videoroom_admin_key,
                                       inv.room, room_secret, inv.pin, officer_token) != BB_OK) {
        fprintf(stderr, "contact: Janus room creation failed%s\n", at < 0 ? " (no Janus server answers)" : "");
        return send_error(c, 503, "call_unavailable", NULL, 30);
    }
    cJSON *o = NULL;
    if (bb_store_room_add(svc->store, r->id, inv.room, room_secret, inv.pin, bb_janus_pool_ws(svc->janus, at), now) != BB_OK ||
        !(o = new_invitation(svc, &inv, token, svc->cfg.site_url, "/demo/#invite")) ||
        bb_store_set_status(svc->store, r->id, "inviting", NULL, now) != BB_OK) {
        cJSON_Delete(o);
        return send_error(c, 500, "internal", NULL, 0);
    }
    cJSON_AddItemToObject(o, "call", call_object(&inv, bb_janus_pool_ws(svc->janus, at), officer_participant, officer_token));
    if (first_callback(r))
        bb_pilot_callback(svc->store, r, now);
    return send_json(c, 200, o, NULL, 0);
}

/* A one-time link of their own for someone else in the request's current
 * call (the room of its latest citizen link): an interpreter (through the
 * widget, with the call's end-to-end secret the console adds to the link,
 * as to the citizen's) or a colleague (through their own console, logged
 * in, with their own police certificate). Every participant is shown on
 * every screen by the role their handshake proves. */
static enum MHD_Result invite_other(bb_contact_service *svc, struct MHD_Connection *c,
                                    const session *s, const bb_stored_request *r, const char *role,
                                    int64_t now)
{
    if (!svc->cfg.janus_token_secret)
        return send_error(c, 503, "call_unavailable", NULL, 60);
    bb_invitation inv;
    int others = 0;
    int rc = bb_store_current_call(svc->store, r->id, &inv, &others);
    if (rc == BB_E_AGAIN)
        return send_error(c, 409, "no_call", NULL, 0);
    if (rc != BB_OK)
        return send_error(c, 500, "internal", NULL, 0);
    if (others >= MAX_OTHERS)
        return send_error(c, 409, "too_many_participants", NULL, 0);
    char token[44];
    uint8_t rnd[4];
    if (random_b64url(svc, 32, token) || svc->cfg.random(rnd, sizeof(rnd)))
        return send_error(c, 500, "internal", NULL, 0);
    inv.officer_id = s->officer_id;
    snprintf(inv.role, sizeof(inv.role), "%s", role);
    snprintf(inv.participant_id, sizeof(inv.participant_id), "%s-%02x%02x%02x%02x", role, rnd[0],
             rnd[1], rnd[2], rnd[3]);
    inv.expires_at = now + svc->cfg.invite_ttl_s;
    int colleague = !strcmp(role, "colleague");
    cJSON *o = new_invitation(svc, &inv, token, colleague ? svc->cfg.console_url : svc->cfg.site_url,
                              colleague ? "/console/#join" : "/demo/#invite");
    if (!o)
        return send_error(c, 500, "internal", NULL, 0);
    cJSON_AddStringToObject(o, "role", role);
    return send_json(c, 200, o, NULL, 0);
}

static enum MHD_Result officer_action(bb_contact_service *svc, struct MHD_Connection *c,
                                      const conn_ctx *ctx, const session *s, int64_t id,
                                      const char *action, int64_t now)
{
    int kind = !strcmp(action, "phone")   ? BB_ACTION_PHONE
               : !strcmp(action, "notes") ? BB_ACTION_NOTES
               : !strcmp(action, "close") ? BB_ACTION_CLOSE
               : (!strcmp(action, "claim") || !strcmp(action, "video") ||
                  !strcmp(action, "interpreter") || !strcmp(action, "colleague"))
                   ? BB_ACTION_EMPTY
                                                                        : 0;
    if (!kind)
        return send_error(c, 404, "not_found", NULL, 0);
    bb_officer_action *a = malloc(sizeof(*a));
    bb_stored_request *r = malloc(sizeof(*r));
    bb_contact_err err = {0};
    bb_contact_stats st = {0};
    enum MHD_Result ret;
    if (!a || !r) {
        ret = send_error(c, 500, "internal", NULL, 0);
        goto out;
    }
    int rc = bb_contact_parse_action(kind, (const uint8_t *)ctx->body, ctx->len, a, &err, &st);
    merge_stats(svc, &st);
    if (rc != BB_OK) {
        ret = send_parse_error(c, &err);
        goto out;
    }
    rc = bb_store_get(svc->store, id, r);
    if (rc == BB_E_AGAIN) {
        ret = send_error(c, 404, "not_found", NULL, 0);
        goto out;
    }
    if (rc != BB_OK) {
        ret = send_error(c, 500, "internal", NULL, 0);
        goto out;
    }
    /* Another neighbourhood's request: forbidden, whatever the action. */
    if (!officer_serves(&s->officer, r->req.neighbourhood)) {
        ret = send_error(c, 403, "forbidden", NULL, 0);
        goto out;
    }
    if (!strcmp(action, "claim")) {
        rc = bb_store_claim(svc->store, id, s->officer_id, now);
        /* Refused: read again, since a colleague (at this instance or
         * another) may have claimed it after the first read. */
        if (rc == BB_E_STATE && !r->claimed_by && bb_store_get(svc->store, id, r) != BB_OK)
            r->claimed_by = 0;
        if (rc == BB_E_STATE)
            ret = send_error(c, 409, r->claimed_by ? "already_claimed" : "wrong_state", NULL, 0);
        else if (rc != BB_OK)
            ret = send_error(c, 500, "internal", NULL, 0);
        else {
            cJSON *o = cJSON_CreateObject();
            cJSON_AddNumberToObject(o, "id", (double)id);
            cJSON_AddStringToObject(o, "status", "claimed");
            ret = send_json(c, 200, o, NULL, 0);
        }
        goto out;
    }
    /* Every other action needs the request claimed by this officer. */
    if (r->claimed_by != s->officer_id) {
        ret = send_error(c, 409, "not_claimed_by_you", NULL, 0);
        goto out;
    }
    if (!strcmp(r->status, "done")) {
        ret = send_error(c, 409, "wrong_state", NULL, 0);
        goto out;
    }
    if (kind == BB_ACTION_EMPTY) { /* video, interpreter, colleague */
        ret = !strcmp(action, "video") ? start_video(svc, c, s, r, now)
                                       : invite_other(svc, c, s, r, action, now);
        goto out;
    }
    const char *status = r->status;
    if (kind == BB_ACTION_PHONE) {
        /* no_answer leaves the request with the officer to try again. */
        status = strcmp(a->outcome, "no_answer") ? "done" : r->status;
        if (first_callback(r))
            bb_pilot_callback(svc->store, r, now);
        if (!strcmp(a->outcome, "reached"))
            bb_pilot_call(svc->store, r->req.neighbourhood, 0, now);
    }
    else if (kind == BB_ACTION_CLOSE)
        status = "done";
    if (a->note[0]) {
        rc = bb_store_add_note(svc->store, id, a->note);
        if (rc != BB_OK) {
            ret = rc == BB_E_TOO_LARGE ? send_error(c, 413, "too_large", "note", 0)
                                       : send_error(c, 500, "internal", NULL, 0);
            goto out;
        }
    }
    if (bb_store_set_status(svc->store, id, status,
                            a->outcome[0] ? a->outcome : (kind == BB_ACTION_CLOSE ? "done" : NULL),
                            now) != BB_OK) {
        ret = send_error(c, 500, "internal", NULL, 0);
        goto out;
    }
    if (!strcmp(status, "done"))
        end_rooms(svc, id, now);
    cJSON *o = cJSON_CreateObject();
    cJSON_AddNumberToObject(o, "id", (double)id);
    cJSON_AddStringToObject(o, "status", status);
    ret = send_json(c, 200, o, NULL, 0);
out:
    free(a);
    free(r);
    return ret;
}

/* The pilot's figures of the team lead's neighbourhoods, as JSON or CSV. */
static enum MHD_Result pilot_figures(struct MHD_Connection *c, bb_contact_service *svc, const bb_officer *lead,
                                     int as_csv)
{
    cJSON *o = NULL;
    char *csv = NULL;
    if (bb_pilot_report(svc->store, lead->neighbourhoods, &o, &csv) != 0)
        return send_error(c, 500, "internal", NULL, 0);
    if (!as_csv) {
        free(csv);
        return send_json(c, 200, o, NULL, 0);
    }
    cJSON_Delete(o);
    struct MHD_Response *r = MHD_create_response_from_buffer(strlen(csv), csv, MHD_RESPMEM_MUST_FREE);
    if (!r) {
        free(csv);
        return MHD_NO;
    }
    MHD_add_response_header(r, "Content-Type", "text/csv; charset=utf-8");
    MHD_add_response_header(r, "Content-Disposition", "attachment; filename=\"beeldbel-pilot.csv\"");
    MHD_add_response_header(r, "Cache-Control", "no-store");
    MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
    enum MHD_Result ret = MHD_queue_response(c, 200, r);
    MHD_destroy_response(r);
    return ret;
}

/* Answers 200 with bytes (owned from here on) of a type, optionally as a download. */
static enum MHD_Result send_bytes(struct MHD_Connection *c, uint8_t *data, size_t len, const char *type,
                                  const char *disposition)
{
    struct MHD_Response *r = MHD_create_response_from_buffer(len, data, MHD_RESPMEM_MUST_FREE);
    if (!r) {
        free(data);
        return MHD_NO;
    }
    MHD_add_response_header(r, "Content-Type", type);
    if (disposition)
        MHD_add_response_header(r, "Content-Disposition", disposition);
    MHD_add_response_header(r, "Cache-Control", "no-store");
    MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
    enum MHD_Result ret = MHD_queue_response(c, 200, r);
    MHD_destroy_response(r);
    return ret;
}

static int tsa_random(void *svc, unsigned char *buf, size_t len)
{
    return ((bb_contact_service *)svc)->cfg.random(buf, len);
}

/* The police time-stamping service: a TimeStampReq in, a TimeStampResp out
 * (RFC 3161 over HTTP). Officers' engines ask it to timestamp their
 * signatures; only the route and the outcome are logged, never the hash. */
static enum MHD_Result timestamp(bb_contact_service *svc, struct MHD_Connection *c,
                                 const conn_ctx *ctx, int64_t now)
{
    if (!svc->cfg.tsa_key_pem || !svc->cfg.tsa_cert_der)
        return send_error(c, 503, "timestamp_unavailable", NULL, 0);
    const char *ct = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Type");
    if (!ct || strcmp(ct, "application/timestamp-query"))
        return send_error(c, 415, "unsupported_media_type", NULL, 0);
    uint8_t *out = malloc(BB_TSP_MAX_RESPONSE);
    if (!out)
        return send_error(c, 500, "internal", NULL, 0);
    bb_tsa_request rq;
    int fail;
    size_t len = 0;
    int rc = bb_tsa_parse_request((const uint8_t *)ctx->body, ctx->len, &rq, &fail);
    if (rc == BB_OK)
        rc = bb_tsa_grant(&rq, (const uint8_t *)svc->cfg.tsa_key_pem,
                          strlen(svc->cfg.tsa_key_pem) + 1, svc->cfg.tsa_cert_der,
                          svc->cfg.tsa_cert_len, now, tsa_random, svc, out, BB_TSP_MAX_RESPONSE,
                          &len);
    else /* refused, saying why (RFC 3161 PKIFailureInfo) */
        rc = bb_tsa_refuse(fail, out, BB_TSP_MAX_RESPONSE, &len);
    if (rc != BB_OK && bb_tsa_refuse(BB_TSA_FAIL_SYSTEM_FAILURE, out, BB_TSP_MAX_RESPONSE, &len)) {
        free(out);
        return send_error(c, 500, "internal", NULL, 0);
    }
    return send_bytes(c, out, len, "application/timestamp-reply", NULL);
}

/* Request id of a neighbourhood the officer serves: 1 (its reference into
 * reference, when given); else 0 with the answer sent into *ret. */
static int request_served(bb_contact_service *svc, struct MHD_Connection *c, const session *s, int64_t id,
                          char *reference, enum MHD_Result *ret)
{
    bb_stored_request *r = malloc(sizeof(*r));
    if (!r) {
        *ret = send_error(c, 500, "internal", NULL, 0);
        return 0;
    }
    int rc = bb_store_get(svc->store, id, r);
    int serves = rc == BB_OK && officer_serves(&s->officer, r->req.neighbourhood);
    if (reference)
        snprintf(reference, sizeof(r->reference), "%s", rc == BB_OK ? r->reference : "");
    free(r);
    if (rc == BB_OK && serves)
        return 1;
    *ret = rc == BB_E_AGAIN ? send_error(c, 404, "not_found", NULL, 0)
           : rc != BB_OK    ? send_error(c, 500, "internal", NULL, 0)
                            : send_error(c, 403, "forbidden", NULL, 0);
    return 0;
}

/* A signed statement kept with its request: POST stores the PDF (its PAdES
 * signature must verify, by the police root, as this officer's, with a
 * timestamp); GET gives the latest one back. Only the route and the outcome
 * are logged; the PDF never. */
static enum MHD_Result statement(bb_contact_service *svc, struct MHD_Connection *c, const conn_ctx *ctx,
                                 const session *s, int64_t id, int is_post, int64_t now)
{
    char reference[sizeof(((bb_stored_request *)0)->reference)];
    enum MHD_Result ret;
    if (!request_served(svc, c, s, id, reference, &ret))
        return ret;
    int rc;
    if (!is_post) {
        uint8_t *pdf;
        size_t len;
        rc = bb_store_statement_latest(svc->store, id, &pdf, &len);
        if (rc == BB_E_AGAIN)
            return send_error(c, 404, "not_found", NULL, 0);
        if (rc != BB_OK)
            return send_error(c, 500, "internal", NULL, 0);
        char disposition[96];
        snprintf(disposition, sizeof(disposition), "attachment; filename=\"proces-verbaal-%s.pdf\"", reference);
        return send_bytes(c, pdf, len, "application/pdf", disposition);
    }
    const char *ct = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Type");
    if (!ct || strcmp(ct, "application/pdf"))
        return send_error(c, 415, "unsupported_media_type", NULL, 0);
    const uint8_t *pdf = (const uint8_t *)ctx->body;
    size_t len = ctx->len;
    if (!svc->cfg.police)
        return send_error(c, 503, "statement_unavailable", NULL, 0);
    bb_pdf_sig_slot slot;
    uint8_t digest[32], hash[32];
    bb_pades_result res;
    if (len < 8 || memcmp(pdf, "%PDF-", 5) || bb_pdf_find_signature(pdf, len, &slot) ||
        bb_pdf_signed_digest(pdf, len, &slot, digest))
        return send_error(c, 422, "statement_invalid", NULL, 0);
    uint8_t *der = malloc(BB_CMS_MAX);
    if (!der)
        return send_error(c, 500, "internal", NULL, 0);
    size_t cms_len = 0;
    if (bb_pdf_get_signature(pdf, len, &slot, der, BB_CMS_MAX, &cms_len))
        cms_len = 0;
    pthread_mutex_lock(&svc->lock); /* the trust store keeps counters */
    rc = cms_len ? bb_pades_verify(der, cms_len, digest, svc->cfg.police, s->officer.number, now, 1, &res)
                 : BB_E_PARSE;
    pthread_mutex_unlock(&svc->lock);
    free(der);
    if (rc != BB_OK)
        return send_error(c, 422, "statement_invalid", NULL, 0);
    mbedtls_sha256_ret(pdf, len, hash, 0);
    char hex[65];
    for (int i = 0; i < 32; i++)
        snprintf(hex + 2 * i, 3, "%02x", hash[i]);
    int64_t sid = 0;
    rc = bb_store_statement_add(svc->store, id, s->officer.id, pdf, len, hex, now, &sid);
    if (rc != BB_OK)
        return send_error(c, 500, "internal", NULL, 0);
    cJSON *o = cJSON_CreateObject();
    cJSON_AddNumberToObject(o, "id", (double)sid);
    cJSON_AddStringToObject(o, "sha256", hex);
    cJSON_AddNumberToObject(o, "size", (double)len);
    cJSON_AddNumberToObject(o, "timestamp", (double)res.timestamp);
    return send_json(c, 201, o, NULL, 0);
}

/* ---- the evidence store (evidence.h) ---- */

static enum MHD_Result send_evidence(struct MHD_Connection *c, bb_evidence_reply *r)
{
    if (r->error) {
        cJSON *o = cJSON_CreateObject(), *e = cJSON_AddObjectToObject(o, "error");
        cJSON_AddStringToObject(e, "code", r->error);
        cJSON *m = cJSON_AddObjectToObject(e, "message");
        cJSON_AddStringToObject(m, "nl", bb_contact_msg_nl(r->error));
        cJSON_AddStringToObject(m, "en", bb_contact_msg_en(r->error));
        /* What the client needs to go on: how much is kept, or the first bad segment. */
        for (cJSON *k = r->json ? r->json->child : NULL; k; k = k->next)
            if (!strcmp(k->string, "size") || !strcmp(k->string, "segment") || !strcmp(k->string, "start_ms"))
                cJSON_AddNumberToObject(e, k->string, k->valuedouble);
        cJSON_Delete(r->json);
        return send_json(c, r->status, o, NULL, 0);
    }
    if (r->json)
        return send_json(c, r->status, r->json, NULL, 0);
    if (r->bytes)
        return send_bytes(c, (uint8_t *)r->bytes, r->len, r->type, r->disposition);
    struct MHD_Response *resp = MHD_create_response_from_fd((uint64_t)r->size, r->fd);
    if (!resp) {
        close(r->fd);
        return MHD_NO;
    }
    MHD_add_response_header(resp, "Content-Type", r->type);
    MHD_add_response_header(resp, "Content-Disposition", r->disposition);
    MHD_add_response_header(resp, "Cache-Control", "no-store");
    MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
    enum MHD_Result ret = MHD_queue_response(c, 200, resp);
    MHD_destroy_response(resp);
    return ret;
}

static enum MHD_Result evidence_route(bb_contact_service *svc, struct MHD_Connection *c, const conn_ctx *ctx,
                                      const session *s, const bb_route *route, int is_post, int64_t now)
{
    bb_evidence_reply r;
    int64_t id = route->id, officer = s->officer.id;
    switch (route->kind) {
    case BB_ROUTE_RECORDING_NEW: {
        enum MHD_Result ret;
        if (!request_served(svc, c, s, id, NULL, &ret))
            return ret;
        bb_evidence_create(&svc->evidence, svc->store, officer, id, now, &r);
        break;
    }
    case BB_ROUTE_RECORDING:
        bb_evidence_status(&svc->evidence, svc->store, officer, id, &r);
        break;
    case BB_ROUTE_RECORDING_FILE:
        if (is_post) {
            const char *ct = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Type");
            if (!ct || strcmp(ct, "application/octet-stream"))
                return send_error(c, 415, "unsupported_media_type", NULL, 0);
            const char *at = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Upload-Offset");
            uint64_t offset;
            int64_t off = at && !bb_http_content_length(at, &offset) ? (int64_t)offset : -1;
            bb_evidence_append(&svc->evidence, svc->store, officer, id, off, (const uint8_t *)ctx->body, ctx->len, &r);
        } else {
            bb_evidence_get(&svc->evidence, svc->store, officer, id, 0, now, &r);
        }
        break;
    default: /* the manifest */
        if (is_post) {
            const char *last = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "last");
            bb_evidence_manifest(&svc->evidence, svc->store, officer, id, ctx->body, ctx->len,
                                 last && !strcmp(last, "1"), now, &r);
        } else {
            bb_evidence_get(&svc->evidence, svc->store, officer, id, 1, now, &r);
        }
        break;
    }
    return send_evidence(c, &r);
}

static int is_evidence(bb_route_kind k)
{
    return k == BB_ROUTE_RECORDING_NEW || k == BB_ROUTE_RECORDING || k == BB_ROUTE_RECORDING_FILE ||
           k == BB_ROUTE_RECORDING_MANIFEST;
}

/* Routes that need an officer's session. */
static enum MHD_Result officer_route(bb_contact_service *svc, struct MHD_Connection *c,
                                     const conn_ctx *ctx, const bb_route *route, int is_post,
                                     int64_t now)
{
    session s;
    enum MHD_Result ret;
    if (authenticate(svc, c, is_post, now, &s, &ret))
        return ret;
    /* Each role its own routes: the service centre enters requests, team
     * leads read the pilot's figures, officers do the rest. Logging out and
     * keeping a session alive are for everyone. */
    const char *needs_role = route->kind == BB_ROUTE_PHONE_REQUEST ? "service_centre"
                             : route->kind == BB_ROUTE_PILOT || route->kind == BB_ROUTE_PILOT_CSV ? "team_lead"
                                                                                                   : "officer";
    if (route->kind != BB_ROUTE_LOGOUT && route->kind != BB_ROUTE_SESSION && strcmp(s.officer.role, needs_role))
        return send_error(c, 403, "forbidden_role", NULL, 0);
    switch (route->kind) {
    case BB_ROUTE_PILOT:
    case BB_ROUTE_PILOT_CSV:
        return pilot_figures(c, svc, &s.officer, route->kind == BB_ROUTE_PILOT_CSV);
    case BB_ROUTE_PHONE_REQUEST:
        return create_request(svc, c, ctx, NULL, &s.officer, now);
    case BB_ROUTE_LOGOUT: {
        bb_store_session_delete(svc->store, s.key);
        cJSON *o = cJSON_CreateObject();
        cJSON_AddBoolToObject(o, "ok", 1);
        return send_json(c, 200, o, SESSION_COOKIE "=; HttpOnly; Secure; SameSite=Strict; Path=/; Max-Age=0", 0);
    }
    case BB_ROUTE_QUEUE: {
        cJSON *o = cJSON_CreateObject(), *a = cJSON_AddArrayToObject(o, "requests");
        queue_build q = {cJSON_CreateArray(), cJSON_CreateArray(), now};
        int rc = bb_store_queue(svc->store, s.officer.neighbourhoods, queue_row, &q);
        for (cJSON *part = q.late; part; part = part == q.late ? q.rest : NULL)
            while (part->child)
                cJSON_AddItemToArray(a, cJSON_DetachItemViaPointer(part, part->child));
        cJSON_Delete(q.late);
        cJSON_Delete(q.rest);
        if (rc != BB_OK) {
            cJSON_Delete(o);
            return send_error(c, 500, "internal", NULL, 0);
        }
        return send_json(c, 200, o, NULL, 0);
    }
    case BB_ROUTE_SESSION: { /* the console in a call: the officer is at work */
        cJSON *o = cJSON_CreateObject();
        cJSON_AddBoolToObject(o, "ok", 1);
        cJSON_AddNumberToObject(o, "idle_timeout_s", (double)svc->cfg.session_idle_s);
        return send_json(c, 200, o, NULL, 0);
    }
    case BB_ROUTE_TIMESTAMP:
        return timestamp(svc, c, ctx, now);
    case BB_ROUTE_STATEMENT:
        return statement(svc, c, ctx, &s, route->id, is_post, now);
    case BB_ROUTE_COLLEAGUE_REDEEM: /* a colleague's link, by the colleague logged in */
        return redeem_invitation(svc, c, ctx, 1, now);
    case BB_ROUTE_RECORDING_NEW:
    case BB_ROUTE_RECORDING:
    case BB_ROUTE_RECORDING_FILE:
    case BB_ROUTE_RECORDING_MANIFEST:
        return evidence_route(svc, c, ctx, &s, route, is_post, now);
    default:
        return officer_action(svc, c, ctx, &s, route->id, route->action, now);
    }
}

/* ---- dispatch ----------------------------------------------------------------------- */

static enum MHD_Result dispatch(bb_contact_service *svc, struct MHD_Connection *c, const char *url,
                                const char *method, conn_ctx *ctx)
{
    int64_t now = (int64_t)time(NULL);
    if (ctx->login) /* back from the hashing pool */
        return login_finish(svc, c, ctx->login, now);
    bb_route route;
    int status = bb_http_route(method, url, &route);
    if (status)
        return send_error(c, status, status == 405 ? "method_not_allowed" : "not_found", NULL, 0);
    if (ctx->len > 0 && route.kind != BB_ROUTE_TIMESTAMP && route.kind != BB_ROUTE_STATEMENT &&
        route.kind != BB_ROUTE_RECORDING_FILE) { /* DER, PDF, a recording's part */
        const char *ct = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Type");
        if (!ct || (strcmp(ct, "application/json") && strncmp(ct, "application/json;", 17)))
            return send_error(c, 415, "unsupported_media_type", NULL, 0);
    }
    char addr[BB_CLIENT_KEY_MAX];
    client_address(svc, c, addr);
    unsigned wait;
    switch (route.kind) {
    case BB_ROUTE_HEALTH: {
        cJSON *o = cJSON_CreateObject(), *rej = cJSON_CreateObject();
        cJSON_AddBoolToObject(o, "ok", 1);
        pthread_mutex_lock(&svc->lock);
        cJSON_AddNumberToObject(o, "accepted", (double)svc->stats.accepted);
        for (int i = 0; i < BB_CONTACT_REASONS; i++)
            if (svc->stats.rejected[i])
                cJSON_AddNumberToObject(rej, bb_contact_reason_name(i), (double)svc->stats.rejected[i]);
        pthread_mutex_unlock(&svc->lock);
        cJSON_AddItemToObject(o, "rejected", rej);
        return send_json(c, 200, o, NULL, 0);
    }
    case BB_ROUTE_LOGIN:
        return login(svc, c, ctx, addr, now);
    case BB_ROUTE_CREATE:
    case BB_ROUTE_STATUS:
    case BB_ROUTE_CANCEL:
    case BB_ROUTE_REDEEM:
    case BB_ROUTE_FEEDBACK:
    case BB_ROUTE_CALL_WHERE:
        if ((wait = limited(svc, &svc->call_rl, "call", addr)))
            return send_error(c, 429, "rate_limited", NULL, wait);
        if (route.kind == BB_ROUTE_CALL_WHERE)
            return call_where(svc, c, ctx, now);
        if (route.kind == BB_ROUTE_FEEDBACK)
            return give_feedback(svc, c, ctx, now);
        if (route.kind == BB_ROUTE_CREATE)
            return create_request(svc, c, ctx, addr, NULL, now);
        if (route.kind == BB_ROUTE_REDEEM)
            return redeem_invitation(svc, c, ctx, 0, now);
        return lookup_request(svc, c, ctx, route.kind == BB_ROUTE_CANCEL);
    default:
        /* The route checked the method: a POST needs the CSRF token. */
        return officer_route(svc, c, ctx, &route, !strcmp(method, "POST"), now);
    }
}

/* A body that cannot fit is refused as soon as that is known: a declared
 * length at once (nothing of the body is read; the connection closes after
 * the answer), an undeclared (chunked) one by closing the connection when
 * it goes over. */
static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
                                  const char *method, const char *version, const char *upload,
                                  size_t *upload_size, void **con_cls)
{
    bb_contact_service *svc = cls;
    conn_ctx *ctx = *con_cls;
    if (!ctx) {
        ctx = calloc(1, sizeof(*ctx));
        if (!ctx)
            return MHD_NO;
        *con_cls = ctx;
        /* A signed statement's PDF and a recording's parts and manifest may be larger than anything else. */
        bb_route route;
        int routed = bb_http_route(method, url, &route) == 0;
        ctx->max = !routed ? BB_CONTACT_MAX_BODY
                   : route.kind == BB_ROUTE_STATEMENT ? BB_STATEMENT_PDF_MAX
                   : route.kind == BB_ROUTE_RECORDING_FILE ? BB_EVIDENCE_PART_MAX
                   : route.kind == BB_ROUTE_RECORDING_MANIFEST ? BB_EVIDENCE_MANIFEST_MAX
                                                              : BB_CONTACT_MAX_BODY;
        /* Those large bodies only from a logged-in officer: asked before a byte of them is read. */
        if (routed && is_evidence(route.kind)) {
            session s;
            enum MHD_Result ret;
            if (authenticate(svc, c, !strcmp(method, "POST"), (int64_t)time(NULL), &s, &ret))
                return ret;
        }
        const char *cl = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Length");
        uint64_t len;
        if (cl && (bb_http_content_length(cl, &len) || len > ctx->max))
            return send_error(c, 413, "too_large", NULL, 0);
        return MHD_YES;
    }
    if (*upload_size) {
        if (ctx->len + *upload_size > ctx->max)
            return MHD_NO;
        char *nb = realloc(ctx->body, ctx->len + *upload_size + 1);
        if (!nb)
            return MHD_NO;
        memcpy(nb + ctx->len, upload, *upload_size);
        ctx->body = nb;
        ctx->len += *upload_size;
        *upload_size = 0;
        return MHD_YES;
    }
    uint64_t t0 = now_us();
    enum MHD_Result ret = dispatch(svc, c, url, method, ctx);
    const union MHD_ConnectionInfo *ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_HTTP_STATUS);
    /* The route only: no query strings, bodies, names or numbers. */
    char route[48];
    snprintf(route, sizeof(route), "%s", url);
    for (char *p = route; *p; p++)
        if ((unsigned char)*p < 0x20 || (unsigned char)*p > 0x7e)
            *p = '?';
    if (getenv("BB_CONTACT_LOG_REQUESTS") && !(ctx->login && ctx->login->state == LOGIN_HASHING)) {
        char at[32];
        iso_time((int64_t)time(NULL), at);
        fprintf(stderr, "contact: %s %.6s %s %u %.1f ms\n", at, method, route,
                ci ? ci->http_status : 0, (double)(now_us() - t0) / 1000.0);
    }
    return ret;
}

static void on_completed(void *cls, struct MHD_Connection *c, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
    conn_ctx *ctx = *con_cls;
    if (ctx) {
        free(ctx->body);
        if (ctx->login)
            mbedtls_platform_zeroize(ctx->login, sizeof(*ctx->login));
        free(ctx->login);
        free(ctx);
        *con_cls = NULL;
    }
}

/* ---- retention --------------------------------------------------------------------- */

void bb_contact_service_purge(bb_contact_service *svc)
{
    int deleted = 0;
    int64_t now = (int64_t)time(NULL);
    if (bb_store_purge(svc->store, now, svc->cfg.retention_s, svc->cfg.open_max_s, &deleted) == BB_OK) {
        if (deleted)
            fprintf(stderr, "contact: retention deleted %d request(s)\n", deleted);
    } else {
        fprintf(stderr, "contact: retention run failed\n");
    }
    int gone = bb_evidence_purge(&svc->evidence, svc->store, now);
    if (gone > 0)
        fprintf(stderr, "contact: retention deleted %d recording(s)\n", gone);
    else if (gone < 0)
        fprintf(stderr, "contact: retention of recordings failed\n");
    end_rooms(svc, 0, now);
}

static void *purge_loop(void *arg)
{
    bb_contact_service *svc = arg;
    pthread_mutex_lock(&svc->lock);
    while (!svc->stopping) {
        struct timespec until;
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_sec += 60;
        while (!svc->stopping &&
               pthread_cond_timedwait(&svc->stop_cond, &svc->lock, &until) == 0)
            ;
        if (svc->stopping)
            break;
        pthread_mutex_unlock(&svc->lock);
        bb_contact_service_purge(svc);
        pthread_mutex_lock(&svc->lock);
    }
    pthread_mutex_unlock(&svc->lock);
    return NULL;
}

int bb_contact_service_start(const bb_contact_config *cfg, bb_store *store, bb_contact_service **out)
{
    *out = NULL;
    bb_contact_service *svc = calloc(1, sizeof(*svc));
    if (!svc)
        return BB_E_NOMEM;
    svc->cfg = *cfg;
    svc->evidence = (bb_evidence_config){ .dir = cfg->evidence_dir, .max_bytes = cfg->evidence_max_bytes,
                                          .retention_s = cfg->evidence_retention_s, .police = cfg->police,
                                          .trust_lock = &svc->lock };
    svc->store = store;
    svc->shared = bb_store_shared(store);
    pthread_mutex_init(&svc->lock, NULL);
    pthread_cond_init(&svc->stop_cond, NULL);
    /* One secret hash key for all limiters, new at every start. */
    uint8_t key[16];
    if (cfg->random(key, sizeof(key)) != BB_OK) {
        bb_contact_service_stop(svc);
        return BB_E_CRYPTO;
    }
    svc->create_rl = new_limit(16384, cfg->create_per_hour, 3600, key);
    svc->call_rl = new_limit(16384, cfg->calls_per_minute, 60, key);
    svc->login_rl = new_limit(4096, LOGIN_PER_MINUTE, 60, key);
    svc->video_rl = new_limit(1024, VIDEO_PER_10_MIN, 600, key);
    svc->login_backoff = bb_backoff_new(4096, LOGIN_FREE_FAILURES, LOGIN_MAX_LOCK_S, key);
    svc->hashes = bb_hashpool_new(HASH_THREADS, HASH_QUEUE);
    char one[600];
    const char *servers = cfg->janus_servers;
    if (!servers && cfg->janus_http_url && cfg->janus_ws_url &&
        snprintf(one, sizeof(one), "%s|%s", cfg->janus_http_url, cfg->janus_ws_url) < (int)sizeof(one))
        servers = one;
    if (servers && (!(svc->janus = bb_janus_pool_new(servers)) ||
                    (bb_janus_pool_size(svc->janus) > 1 &&
                     bb_janus_pool_watch(svc->janus, bb_janus_ping, JANUS_CHECK_MS) != BB_OK))) {
        bb_contact_service_stop(svc);
        return BB_E_ARG;
    }
    mbedtls_platform_zeroize(key, sizeof(key));
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)cfg->port)};
    if (!svc->create_rl.mem || !svc->call_rl.mem || !svc->login_rl.mem || !svc->video_rl.mem || !svc->login_backoff ||
        !svc->hashes ||
        inet_pton(AF_INET, cfg->bind_ip, &sa.sin_addr) != 1) {
        bb_contact_service_stop(svc);
        return BB_E_ARG;
    }
    /* Retention runs before the first request is served, then every minute. */
    bb_contact_service_purge(svc);
    svc->daemon = MHD_start_daemon(
        MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ERROR_LOG | MHD_ALLOW_SUSPEND_RESUME, (uint16_t)cfg->port,
        NULL, NULL, on_request, svc, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa,
        MHD_OPTION_THREAD_POOL_SIZE, 4u, MHD_OPTION_CONNECTION_LIMIT, 1000u,
        MHD_OPTION_PER_IP_CONNECTION_LIMIT, 0u, MHD_OPTION_CONNECTION_TIMEOUT, 30u,
        MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)65536, MHD_OPTION_NOTIFY_COMPLETED,
        on_completed, svc, MHD_OPTION_END);
    if (!svc->daemon) {
        bb_contact_service_stop(svc);
        return BB_E_STATE;
    }
    if (pthread_create(&svc->purger, NULL, purge_loop, svc) != 0) {
        bb_contact_service_stop(svc);
        return BB_E_STATE;
    }
    *out = svc;
    return BB_OK;
}

unsigned bb_contact_service_port(bb_contact_service *svc)
{
    const union MHD_DaemonInfo *di = MHD_get_daemon_info(svc->daemon, MHD_DAEMON_INFO_BIND_PORT);
    return di ? di->port : 0;
}

void bb_contact_service_stop(bb_contact_service *svc)
{
    if (!svc)
        return;
    if (svc->purger) {
        pthread_mutex_lock(&svc->lock);
        svc->stopping = 1;
        pthread_cond_signal(&svc->stop_cond);
        pthread_mutex_unlock(&svc->lock);
        pthread_join(svc->purger, NULL);
    }
    /* Hashing finishes first: it resumes every suspended login, and MHD
     * must not stop with a connection suspended. */
    bb_hashpool_free(svc->hashes);
    if (svc->daemon)
        MHD_stop_daemon(svc->daemon);
    bb_ratelimit_free(svc->create_rl.mem);
    bb_ratelimit_free(svc->call_rl.mem);
    bb_ratelimit_free(svc->login_rl.mem);
    bb_ratelimit_free(svc->video_rl.mem);
    bb_backoff_free(svc->login_backoff);
    bb_janus_pool_free(svc->janus);
    pthread_cond_destroy(&svc->stop_cond);
    pthread_mutex_destroy(&svc->lock);
    free(svc);
}
