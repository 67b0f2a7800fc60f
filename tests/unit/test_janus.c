/* Janus VideoRoom signalling against a scripted Janus: the exact messages
 * Janus 1.1 sends, in order, and what goes wrong on a real network. */
#include <stdarg.h>
#include <stdlib.h>

#include <cjson/cJSON.h>

#include "beeldbel/error.h"
#include "beeldbel/janus.h"
#include "../common/bb_test.h"

#define SESSION 4503599627370001ULL
#define PUB_H 11
#define SUB_H 22
#define OUR_FEED 7001
#define FEED_A 8001
#define FEED_B 8002
#define SEC 1000000ULL

static const char SDP[] = "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\nm=application 9 UDP/DTLS/SCTP webrtc-datachannel\r\n";

static bb_janus *make(void)
{
    bb_janus_config cfg = { .room = 1234, .token = "tok", .display = "citizen-1" };
    bb_janus *j = NULL;
    bb_janus_new(&j, &cfg);
    return j;
}

/* Pops the next outgoing message; returns it parsed (caller frees). */
static cJSON *sent(bb_janus *j)
{
    static char buf[BB_JANUS_MAX_MSG];
    size_t n;
    if (bb_janus_poll_send(j, buf, sizeof(buf), &n) != BB_OK)
        return NULL;
    return cJSON_Parse(buf);
}

static const char *str(const cJSON *o, const char *path1, const char *path2)
{
    const cJSON *v = cJSON_GetObjectItem(o, path1);
    if (path2)
        v = cJSON_GetObjectItem(v, path2);
    return cJSON_IsString(v) ? v->valuestring : "";
}

/* Pops the next message, checks its verb (and body.request), returns its
 * transaction in tx. */
static int expect(bb_janus *j, const char *verb, const char *body_request, char *tx)
{
    cJSON *m = sent(j);
    int ok = m && strcmp(str(m, "janus", NULL), verb) == 0 &&
             strcmp(str(m, "token", NULL), "tok") == 0 &&
             (!body_request || strcmp(str(m, "body", "request"), body_request) == 0);
    if (ok && tx)
        snprintf(tx, 16, "%s", str(m, "transaction", NULL));
    if (!ok)
        printf("  unexpected message: %s\n", m ? cJSON_PrintUnformatted(m) : "(none)");
    cJSON_Delete(m);
    return ok;
}

static int feed(bb_janus *j, uint64_t now, const char *fmt, ...)
{
    char buf[8192];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    return bb_janus_recv(j, buf, strlen(buf), now);
}

static int next_event(bb_janus *j, bb_janus_event *ev, bb_janus_event_type want)
{
    if (bb_janus_poll_event(j, ev) != BB_OK) {
        printf("  no event, wanted %d\n", want);
        return 0;
    }
    if (ev->type != want)
        printf("  event %d, wanted %d\n", ev->type, want);
    return ev->type == want;
}

/* A publisher announced in the room (an event on our publisher handle). */
static void publisher_joins(bb_janus *j, uint64_t now, uint64_t id, const char *display)
{
    feed(j, now, "{\"janus\":\"event\",\"session_id\":%llu,\"sender\":%d,\"plugindata\":{\"plugin\":"
                 "\"janus.plugin.videoroom\",\"data\":{\"videoroom\":\"event\",\"room\":1234,"
                 "\"publishers\":[{\"id\":%llu,\"display\":\"%s\"}]}}}", SESSION, PUB_H,
         (unsigned long long)id, display);
}

/* A publisher joins, is reported, and our subscriber asks Janus for it
 * (the update's transaction in tx, if tx). */
static int joins_and_is_asked_for(bb_janus *j, uint64_t now, uint64_t id, const char *display, char *tx)
{
    bb_janus_event ev;
    publisher_joins(j, now, id, display);
    return next_event(j, &ev, BB_JANUS_EV_PARTICIPANT_JOINED) && ev.feed_id == id &&
           expect(j, "message", "update", tx);
}

/* A publisher gone from the room. */
static void publisher_leaves(bb_janus *j, uint64_t now, uint64_t id)
{
    feed(j, now, "{\"janus\":\"event\",\"session_id\":%llu,\"sender\":%d,\"plugindata\":{\"plugin\":"
                 "\"janus.plugin.videoroom\",\"data\":{\"videoroom\":\"event\",\"room\":1234,\"leaving\":%llu}}}",
         SESSION, PUB_H, (unsigned long long)id);
}

/* Janus' answer on the subscriber handle to the request with transaction tx. */
static void subscriber_answer(bb_janus *j, uint64_t now, const char *tx, const char *data)
{
    feed(j, now, "{\"janus\":\"event\",\"session_id\":%llu,\"transaction\":\"%s\",\"sender\":%d,"
                 "\"plugindata\":{\"plugin\":\"janus.plugin.videoroom\",\"data\":%s}}", SESSION, tx, SUB_H, data);
}

/* Drives j from nothing to joined with FEED_A already in the room and the
 * subscriber negotiated. */
static int join_room(bb_janus *j)
{
    char tx[16];
    bb_janus_event ev;
    if (bb_janus_ws_open(j, 0) || !expect(j, "create", NULL, tx))
        return 0;
    feed(j, 1, "{\"janus\":\"success\",\"transaction\":\"%s\",\"data\":{\"id\":%llu}}", tx, SESSION);
    if (!expect(j, "attach", NULL, tx))
        return 0;
    feed(j, 2, "{\"janus\":\"success\",\"session_id\":%llu,\"transaction\":\"%s\",\"data\":{\"id\":%d}}", SESSION, tx, PUB_H);
    if (!expect(j, "message", "join", tx))
        return 0;
    feed(j, 3, "{\"janus\":\"ack\",\"session_id\":%llu,\"transaction\":\"%s\"}", SESSION, tx);
    feed(j, 4, "{\"janus\":\"event\",\"session_id\":%llu,\"transaction\":\"%s\",\"sender\":%d,"
               "\"plugindata\":{\"plugin\":\"janus.plugin.videoroom\",\"data\":{\"videoroom\":\"joined\","
               "\"room\":1234,\"id\":%d,\"private_id\":99,\"publishers\":[{\"id\":%d,\"display\":\"officer\"}]}}}",
         SESSION, tx, PUB_H, OUR_FEED, FEED_A);
    if (!next_event(j, &ev, BB_JANUS_EV_JOINED) || ev.feed_id != OUR_FEED)
        return 0;
    if (!next_event(j, &ev, BB_JANUS_EV_PUBLISH_OFFER_NEEDED))
        return 0;
    if (!next_event(j, &ev, BB_JANUS_EV_PARTICIPANT_JOINED) || ev.feed_id != FEED_A ||
        strcmp(ev.display, "officer"))
        return 0;
    /* Publishing our data channel. */
    if (bb_janus_publish(j, SDP, 5) || !expect(j, "attach", NULL, tx))
        return 0; /* the subscriber attach was queued first */
    char pub_tx[16];
    if (!expect(j, "message", "publish", pub_tx))
        return 0;
    feed(j, 6, "{\"janus\":\"success\",\"session_id\":%llu,\"transaction\":\"%s\",\"data\":{\"id\":%d}}", SESSION, tx, SUB_H);
    feed(j, 7, "{\"janus\":\"event\",\"session_id\":%llu,\"transaction\":\"%s\",\"sender\":%d,"
               "\"plugindata\":{\"plugin\":\"janus.plugin.videoroom\",\"data\":{\"videoroom\":\"event\",\"configured\":\"ok\"}},"
               "\"jsep\":{\"type\":\"answer\",\"sdp\":\"%s\"}}", SESSION, pub_tx, PUB_H, "v=0\\r\\nanswer");
    if (!next_event(j, &ev, BB_JANUS_EV_PUBLISH_ANSWER) || !ev.sdp || strncmp(ev.sdp, "v=0", 3))
        return 0;
    /* Subscribing to FEED_A. */
    cJSON *m = sent(j);
    const cJSON *body = cJSON_GetObjectItem(m, "body");
    const cJSON *streams = cJSON_GetObjectItem(body, "streams");
    int ok = m && strcmp(str(body, "ptype", NULL), "subscriber") == 0 &&
             cJSON_GetArraySize(streams) == 1 &&
             cJSON_GetObjectItem(cJSON_GetArrayItem(streams, 0), "feed")->valuedouble == FEED_A &&
             cJSON_GetObjectItem(body, "private_id")->valuedouble == 99 &&
             cJSON_GetObjectItem(m, "handle_id")->valuedouble == SUB_H;
    snprintf(tx, sizeof(tx), "%s", str(m, "transaction", NULL));
    cJSON_Delete(m);
    if (!ok)
        return 0;
    feed(j, 8, "{\"janus\":\"event\",\"session_id\":%llu,\"transaction\":\"%s\",\"sender\":%d,"
               "\"plugindata\":{\"plugin\":\"janus.plugin.videoroom\",\"data\":{\"videoroom\":\"attached\",\"room\":1234}},"
               "\"jsep\":{\"type\":\"offer\",\"sdp\":\"v=0\\r\\noffer\"}}", SESSION, tx, SUB_H);
    if (!next_event(j, &ev, BB_JANUS_EV_SUBSCRIBE_OFFER) || ev.n_feeds != 1 || ev.feeds[0] != FEED_A)
        return 0;
    if (bb_janus_subscribe_answer(j, SDP, 9) || !expect(j, "message", "start", NULL))
        return 0;
    return 1;
}

TEST(janus_join_publishes_and_subscribes)
{
    bb_janus *j = make();
    CHECK(j != NULL);
    CHECK(join_room(j));
    bb_janus_event ev;
    CHECK_EQ_INT(bb_janus_poll_event(j, &ev), BB_E_AGAIN);
    const bb_janus_stats *st = bb_janus_get_stats(j);
    for (int r = 0; r < BB_JANUS_REJECT_COUNT; r++)
        CHECK_EQ_INT(st->rejected[r], 0);
    bb_janus_free(j);
}

TEST(janus_new_publisher_updates_subscription_and_leaver_is_reported)
{
    bb_janus *j = make();
    CHECK(join_room(j));
    char tx[16];
    bb_janus_event ev;
    CHECK(joins_and_is_asked_for(j, 10, FEED_B, "tolk", tx));
    feed(j, 11, "{\"janus\":\"event\",\"session_id\":%llu,\"transaction\":\"%s\",\"sender\":%d,"
                "\"plugindata\":{\"plugin\":\"janus.plugin.videoroom\",\"data\":{\"videoroom\":\"updated\"}},"
                "\"jsep\":{\"type\":\"offer\",\"sdp\":\"v=0\\r\\nupdated\"}}", SESSION, tx, SUB_H);
    CHECK(next_event(j, &ev, BB_JANUS_EV_SUBSCRIBE_OFFER));
    CHECK_EQ_INT(ev.n_feeds, 2);
    CHECK(bb_janus_subscribe_answer(j, SDP, 12) == BB_OK);
    CHECK(expect(j, "message", "start", NULL));
    publisher_leaves(j, 13, FEED_A);
    CHECK(next_event(j, &ev, BB_JANUS_EV_PARTICIPANT_LEFT));
    CHECK(ev.feed_id == FEED_A);
    bb_janus_free(j);
}

/* Janus 1.1 adds a data-only feed to the existing m-line: "updated" comes
 * without an offer, and the host must open the new feed's channel itself. */
TEST(janus_update_without_offer_reports_new_feeds)
{
    bb_janus *j = make();
    CHECK(join_room(j));
    char tx[16];
    bb_janus_event ev;
    CHECK(joins_and_is_asked_for(j, 10, FEED_B, "tolk", tx));
    subscriber_answer(j, 11, tx, "{\"videoroom\":\"updated\",\"room\":1234}");
    CHECK(next_event(j, &ev, BB_JANUS_EV_SUBSCRIPTION_CHANGED));
    CHECK_EQ_INT(ev.n_feeds, 2);
    CHECK(ev.feeds[0] == FEED_A && ev.feeds[1] == FEED_B);
    /* The subscription is usable again: a third publisher updates at once. */
    CHECK(joins_and_is_asked_for(j, 12, 9003, "collega", NULL));
    bb_janus_free(j);
}

/* A publisher leaves while we ask Janus for it: Janus refuses the whole
 * update (428, no such feed). That is the room moving on, not a failure of
 * the call: no error, and whoever else was asked for (or came meanwhile) is
 * asked for again at once, without the one who left. */
TEST(janus_feed_gone_while_subscribing_is_asked_again_without_it)
{
    bb_janus *j = make();
    CHECK(join_room(j));
    char tx[16];
    bb_janus_event ev;
    CHECK(joins_and_is_asked_for(j, 10, FEED_B, "tolk", tx));
    /* Meanwhile B leaves and C comes. */
    publisher_leaves(j, 11, FEED_B);
    CHECK(next_event(j, &ev, BB_JANUS_EV_PARTICIPANT_LEFT));
    publisher_joins(j, 12, 9003, "collega");
    CHECK(next_event(j, &ev, BB_JANUS_EV_PARTICIPANT_JOINED));
    CHECK(ev.feed_id == 9003);
    CHECK_EQ_INT(bb_janus_poll_send(j, (char[8]){0}, 8, &(size_t){0}), BB_E_AGAIN); /* one negotiation at a time */
    /* Janus refuses the update: B is gone. */
    subscriber_answer(j, 13, tx, "{\"videoroom\":\"event\",\"error_code\":428,\"error\":\"No such feed (8002)\"}");
    CHECK_EQ_INT(bb_janus_poll_event(j, &ev), BB_E_AGAIN); /* no error for the call */
    cJSON *m = sent(j);
    const cJSON *body = cJSON_GetObjectItem(m, "body");
    const cJSON *list = cJSON_GetObjectItem(body, "subscribe");
    CHECK(m && strcmp(str(body, "request", NULL), "update") == 0);
    CHECK_EQ_INT(cJSON_GetArraySize(list), 1);
    CHECK(cJSON_GetObjectItem(cJSON_GetArrayItem(list, 0), "feed")->valuedouble == 9003);
    snprintf(tx, sizeof(tx), "%s", str(m, "transaction", NULL));
    cJSON_Delete(m);
    subscriber_answer(j, 14, tx, "{\"videoroom\":\"updated\",\"room\":1234}");
    CHECK(next_event(j, &ev, BB_JANUS_EV_SUBSCRIPTION_CHANGED));
    CHECK_EQ_INT(ev.n_feeds, 2);
    CHECK(ev.feeds[0] == FEED_A && ev.feeds[1] == 9003);
    /* Another refusal is still reported. */
    CHECK(joins_and_is_asked_for(j, 15, 9004, "tolk", tx));
    subscriber_answer(j, 16, tx, "{\"videoroom\":\"event\",\"error_code\":433,\"error\":\"Unauthorized\"}");
    CHECK(next_event(j, &ev, BB_JANUS_EV_ERROR));
    CHECK_EQ_INT(ev.code, 433);
    bb_janus_free(j);
}

TEST(janus_keepalive_on_schedule)
{
    bb_janus *j = make();
    CHECK(join_room(j));
    CHECK(bb_janus_next_deadline(j) <= 9 + 25 * SEC);
    CHECK_OK(bb_janus_tick(j, 20 * SEC));
    CHECK(sent(j) == NULL);
    CHECK_OK(bb_janus_tick(j, 9 + 25 * SEC));
    char tx[16];
    CHECK(expect(j, "keepalive", NULL, tx));
    feed(j, 26 * SEC, "{\"janus\":\"ack\",\"session_id\":%llu,\"transaction\":\"%s\"}", SESSION, tx);
    CHECK(bb_janus_next_deadline(j) > 50 * SEC);
    bb_janus_free(j);
}

TEST(janus_unanswered_request_reports_connection_problem)
{
    bb_janus *j = make();
    CHECK_OK(bb_janus_ws_open(j, 0));
    CHECK(expect(j, "create", NULL, NULL));
    CHECK(bb_janus_next_deadline(j) == 10 * SEC);
    CHECK_OK(bb_janus_tick(j, 10 * SEC));
    bb_janus_event ev;
    CHECK(next_event(j, &ev, BB_JANUS_EV_CONNECTION_PROBLEM));
    CHECK_EQ_INT(bb_janus_get_stats(j)->timeouts, 1);
    /* After the host reconnects, we simply create again (no session yet). */
    CHECK_OK(bb_janus_ws_open(j, 11 * SEC));
    CHECK(expect(j, "create", NULL, NULL));
    bb_janus_free(j);
}

TEST(janus_reconnect_reclaims_session_and_keeps_handles)
{
    bb_janus *j = make();
    CHECK(join_room(j));
    char tx[16];
    CHECK_OK(bb_janus_ws_open(j, 30 * SEC)); /* the WebSocket came back */
    CHECK(expect(j, "claim", NULL, tx));
    feed(j, 31 * SEC, "{\"janus\":\"success\",\"session_id\":%llu,\"transaction\":\"%s\"}", SESSION, tx);
    bb_janus_event ev;
    CHECK(next_event(j, &ev, BB_JANUS_EV_RECLAIMED)); /* the peer connections carry on */
    CHECK(strcmp(bb_janus_event_name(ev.type), "reclaimed") == 0);
    CHECK(strcmp(bb_janus_event_name((bb_janus_event_type)99), "unknown") == 0);
    CHECK_EQ_INT(bb_janus_poll_event(j, &ev), BB_E_AGAIN); /* nothing to redo */
    CHECK(sent(j) == NULL);
    CHECK_EQ_INT(bb_janus_get_stats(j)->reclaims, 1);
    CHECK_EQ_INT(bb_janus_trickle(j, BB_JANUS_PUBLISHER, NULL, NULL, 0, 32 * SEC), BB_OK);
    bb_janus_free(j);
}

TEST(janus_lost_session_starts_over)
{
    bb_janus *j = make();
    CHECK(join_room(j));
    char tx[16];
    CHECK_OK(bb_janus_ws_open(j, 90 * SEC)); /* too late: Janus dropped us */
    CHECK(expect(j, "claim", NULL, tx));
    feed(j, 91 * SEC, "{\"janus\":\"error\",\"transaction\":\"%s\",\"error\":{\"code\":458,"
                      "\"reason\":\"No such session %llu\"}}", tx, SESSION);
    bb_janus_event ev;
    CHECK(next_event(j, &ev, BB_JANUS_EV_PARTICIPANT_LEFT)); /* FEED_A went with it */
    CHECK(ev.feed_id == FEED_A);
    CHECK(next_event(j, &ev, BB_JANUS_EV_SESSION_LOST));
    CHECK_EQ_INT(bb_janus_poll_event(j, &ev), BB_E_AGAIN); /* not reclaimed */
    CHECK(expect(j, "create", NULL, NULL));
    CHECK_EQ_INT(bb_janus_publish(j, SDP, 92 * SEC), BB_E_STATE); /* not joined yet */
    bb_janus_free(j);
}

TEST(janus_plugin_error_is_reported_with_clean_text)
{
    bb_janus *j = make();
    char tx[16];
    bb_janus_ws_open(j, 0);
    CHECK(expect(j, "create", NULL, tx));
    feed(j, 1, "{\"janus\":\"success\",\"transaction\":\"%s\",\"data\":{\"id\":%llu}}", tx, SESSION);
    CHECK(expect(j, "attach", NULL, tx));
    feed(j, 2, "{\"janus\":\"success\",\"session_id\":%llu,\"transaction\":\"%s\",\"data\":{\"id\":%d}}", SESSION, tx, PUB_H);
    CHECK(expect(j, "message", "join", tx));
    feed(j, 3, "{\"janus\":\"event\",\"session_id\":%llu,\"transaction\":\"%s\",\"sender\":%d,"
               "\"plugindata\":{\"plugin\":\"janus.plugin.videoroom\",\"data\":{\"videoroom\":\"event\","
               "\"error_code\":426,\"error\":\"No such room (1234)\\u0007\\n\"}}}", SESSION, tx, PUB_H);
    bb_janus_event ev;
    CHECK(next_event(j, &ev, BB_JANUS_EV_ERROR));
    CHECK_EQ_INT(ev.code, 426);
    CHECK(strcmp(ev.reason, "No such room (1234)??") == 0);
    bb_janus_free(j);
}

TEST(janus_leave_destroys_session)
{
    bb_janus *j = make();
    CHECK(join_room(j));
    char tx[16];
    CHECK_OK(bb_janus_leave(j, 40 * SEC));
    CHECK(expect(j, "message", "leave", NULL));
    CHECK(expect(j, "destroy", NULL, tx));
    feed(j, 41 * SEC, "{\"janus\":\"success\",\"session_id\":%llu,\"transaction\":\"%s\"}", SESSION, tx);
    bb_janus_event ev;
    CHECK(next_event(j, &ev, BB_JANUS_EV_LEFT));
    CHECK_EQ_INT(bb_janus_ws_open(j, 42 * SEC), BB_E_STATE);
    bb_janus_free(j);
}

TEST(janus_rejects_hostile_input_by_reason)
{
    bb_janus *j = make();
    CHECK(join_room(j));
    const bb_janus_stats *st = bb_janus_get_stats(j);
    CHECK_EQ_INT(bb_janus_recv(j, "", 0, 50), BB_E_TOO_LARGE);
    CHECK_EQ_INT(bb_janus_recv(j, "{\"janus\":", 9, 50), BB_E_PARSE);
    CHECK_EQ_INT(bb_janus_recv(j, "[1]", 3, 50), BB_E_PARSE);
    CHECK_EQ_INT(feed(j, 50, "{\"transaction\":\"bb1\"}"), BB_E_PROTO);
    CHECK_EQ_INT(feed(j, 50, "{\"janus\":\"success\",\"transaction\":\"bb99999\",\"data\":{\"id\":5}}"), BB_E_PROTO);
    CHECK_EQ_INT(feed(j, 50, "{\"janus\":\"event\",\"session_id\":123,\"sender\":%d,\"plugindata\":{\"data\":{}}}", PUB_H), BB_E_PROTO);
    CHECK_EQ_INT(feed(j, 50, "{\"janus\":\"event\",\"session_id\":%llu,\"sender\":999,\"plugindata\":{\"data\":{\"videoroom\":\"event\"}}}", SESSION), BB_E_PROTO);
    CHECK_EQ_INT(feed(j, 50, "{\"janus\":\"event\",\"session_id\":%llu,\"sender\":%d,\"plugindata\":{\"data\":{\"videoroom\":\"event\"}},"
                             "\"jsep\":{\"type\":\"answer\",\"sdp\":\"not an sdp\"}}", SESSION, PUB_H), BB_E_PROTO);
    CHECK_EQ_INT(feed(j, 50, "{\"janus\":\"event\",\"session_id\":%llu,\"sender\":1e300,\"plugindata\":{\"data\":{}}}", SESSION), BB_E_PROTO);
    /* A second "joined" while joined is a state error, not a new identity. */
    CHECK_EQ_INT(feed(j, 50, "{\"janus\":\"event\",\"session_id\":%llu,\"sender\":%d,\"plugindata\":{\"data\":"
                             "{\"videoroom\":\"joined\",\"id\":666}}}", SESSION, PUB_H), BB_E_PROTO);
    CHECK_EQ_INT(st->rejected[BB_JANUS_REJECT_SIZE], 1);
    CHECK_EQ_INT(st->rejected[BB_JANUS_REJECT_JSON], 2);
    CHECK_EQ_INT(st->rejected[BB_JANUS_REJECT_FIELD], 3);
    CHECK_EQ_INT(st->rejected[BB_JANUS_REJECT_TRANSACTION], 1);
    CHECK_EQ_INT(st->rejected[BB_JANUS_REJECT_SESSION], 2);
    CHECK_EQ_INT(st->rejected[BB_JANUS_REJECT_STATE], 1);
    /* Nine publishers with garbage among them: only valid ones, at most 8 feeds. */
    feed(j, 51, "{\"janus\":\"event\",\"session_id\":%llu,\"sender\":%d,\"plugindata\":{\"data\":{\"videoroom\":\"event\","
                "\"publishers\":[{\"id\":-1},{\"id\":\"x\"},{\"id\":1.5},{\"id\":%d},{\"id\":2},{\"id\":3},{\"id\":4},"
                "{\"id\":5},{\"id\":6},{\"id\":7},{\"id\":8},{\"id\":9}]}}}", SESSION, PUB_H, OUR_FEED);
    int joined = 0;
    bb_janus_event ev;
    while (bb_janus_poll_event(j, &ev) == BB_OK)
        joined += ev.type == BB_JANUS_EV_PARTICIPANT_JOINED;
    CHECK_EQ_INT(joined, BB_JANUS_MAX_FEEDS - 1); /* FEED_A already held one slot */
    bb_janus_free(j);
}

TEST(janus_config_is_validated)
{
    bb_janus *j = (bb_janus *)1;
    bb_janus_config cfg = { .room = 1234, .token = "tok", .display = "citizen 1" };
    CHECK_OK(bb_janus_new(&j, &cfg));
    bb_janus_free(j);
    cfg.display = "<script>";
    CHECK_EQ_INT(bb_janus_new(&j, &cfg), BB_E_ARG);
    CHECK(j == NULL);
    cfg.display = "ok";
    cfg.token = "";
    CHECK_EQ_INT(bb_janus_new(&j, &cfg), BB_E_ARG);
    cfg.token = "tok";
    cfg.room = 0;
    CHECK_EQ_INT(bb_janus_new(&j, &cfg), BB_E_ARG);
}

/* Regression: cJSON printed 16-digit ids with 15 significant digits, so a
 * real Janus answered "Handle not found" (459) for the join. */
TEST(janus_sends_16_digit_ids_exactly)
{
    bb_janus *j = make();
    char tx[16];
    bb_janus_ws_open(j, 0);
    CHECK(expect(j, "create", NULL, tx));
    feed(j, 1, "{\"janus\":\"success\",\"transaction\":\"%s\",\"data\":{\"id\":8888888888888881}}", tx);
    CHECK(expect(j, "attach", NULL, tx));
    feed(j, 2, "{\"janus\":\"success\",\"session_id\":8888888888888881,\"transaction\":\"%s\","
               "\"data\":{\"id\":9007199254740991}}", tx);
    static char buf[4096];
    size_t n;
    CHECK_OK(bb_janus_poll_send(j, buf, sizeof(buf), &n));
    CHECK(strstr(buf, "\"session_id\":8888888888888881") != NULL);
    CHECK(strstr(buf, "\"handle_id\":9007199254740991") != NULL);
    bb_janus_free(j);
}

TEST(janus_poll_send_reports_needed_size)
{
    bb_janus *j = make();
    bb_janus_ws_open(j, 0);
    char small[8];
    size_t n;
    CHECK_EQ_INT(bb_janus_poll_send(j, small, sizeof(small), &n), BB_E_BUFFER);
    CHECK(n > sizeof(small));
    char *big = malloc(n);
    size_t m;
    CHECK_OK(bb_janus_poll_send(j, big, n, &m));
    CHECK_EQ_INT(m + 1, n);
    free(big);
    bb_janus_free(j);
}
