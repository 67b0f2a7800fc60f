/*
 * Janus VideoRoom signalling, sans-I/O. See include/beeldbel/janus.h.
 *
 * One publisher handle (our data channel, published to the room) and one
 * subscriber handle (Janus 1.x multistream: every remote publisher's data
 * arrives on that one peer connection, in a channel labelled with the
 * publisher's feed id). Requests are matched to replies by transaction;
 * every request has a deadline, and a missed one is reported as a
 * connection problem so the host reconnects and we reclaim the session.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "beeldbel/error.h"
#include "beeldbel/janus.h"

#define MAX_PENDING 32
#define MAX_OUT 64
#define MAX_EVENTS 32
#define MAX_ID 9007199254740992.0 /* 2^53: Janus keeps ids exact in JS */

enum tx_kind {
    TX_NONE = 0, TX_CREATE, TX_CLAIM, TX_ATTACH_PUB, TX_ATTACH_SUB, TX_JOIN,
    TX_PUBLISH, TX_SUB_JOIN, TX_SUB_UPDATE, TX_START, TX_TRICKLE,
    TX_KEEPALIVE, TX_LEAVE, TX_DESTROY
};

enum state { ST_IDLE = 0, ST_CREATING, ST_RECLAIMING, ST_ATTACHING, ST_JOINING,
             ST_JOINED, ST_LEAVING, ST_LEFT };

enum sub_state { SUB_NONE = 0, SUB_ATTACHING, SUB_ATTACHED, SUB_WAIT_OFFER, SUB_NEGOTIATING,
                 SUB_ACTIVE };
#define JANUS_VIDEOROOM_NO_SUCH_FEED 428
#define MAX_SUB_REFUSALS 3
/* Where a feed stands on our subscriber handle. */
enum { FEED_NOT = 0, FEED_SUBSCRIBED, FEED_ASKED };

struct pending {
    enum tx_kind kind;
    uint32_t id;
    uint64_t deadline_us;
};

struct feed {
    uint64_t id;
    char display[BB_JANUS_MAX_DISPLAY + 1];
    int subscribed; /* FEED_*: asked for (until Janus answers), or on our subscriber handle */
};

struct queued_event {
    bb_janus_event ev;
    char *sdp; /* owned */
};

struct bb_janus {
    /* configuration (owned copies) */
    uint64_t room, want_feed_id;
    char *token, *pin, *display;
    uint64_t timeout_us, keepalive_us;

    enum state state;
    enum sub_state sub;
    uint64_t session_id, pub_handle, sub_handle, feed_id, private_id;
    int published;          /* our offer was answered */
    int sub_dirty;          /* feeds changed while negotiating */
    int sub_joined;         /* the subscriber handle has joined (had its first offer) */
    int sub_refusals;       /* subscribe/update refusals in a row */

    struct feed feeds[BB_JANUS_MAX_FEEDS];
    int n_feeds;

    struct pending pending[MAX_PENDING];
    uint32_t next_tx;
    uint64_t next_keepalive_us;

    char *out[MAX_OUT];
    int out_head, out_len;
    struct queued_event events[MAX_EVENTS];
    int ev_head, ev_len;
    char *last_sdp; /* the sdp handed out by the last poll_event */

    bb_janus_stats stats;
};

static const char *const reject_names[BB_JANUS_REJECT_COUNT] = {
    "size", "json", "field", "transaction", "session", "state",
};

const char *bb_janus_reject_name(bb_janus_reject r)
{
    return (unsigned)r < BB_JANUS_REJECT_COUNT ? reject_names[r] : "unknown";
}

/* ---- small helpers ------------------------------------------------------- */

static char *dup_str(const char *s)
{
    if (!s)
        return NULL;
    size_t n = strlen(s) + 1;
    char *d = malloc(n);
    if (d)
        memcpy(d, s, n);
    return d;
}

static int display_ok(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n > BB_JANUS_MAX_DISPLAY)
        return 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
              (c >= '0' && c <= '9') || c == ' ' || c == '.' || c == '_' || c == '-'))
            return 0;
    }
    return 1;
}

/* Janus ids are JSON numbers: exact integers in [1, 2^53]. */
static int get_id(const cJSON *obj, const char *key, uint64_t *out)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    if (!cJSON_IsNumber(v))
        return 0;
    double d = v->valuedouble;
    if (!(d >= 1 && d <= MAX_ID) || d != (double)(uint64_t)d)
        return 0;
    *out = (uint64_t)d;
    return 1;
}

static const char *get_str(const cJSON *obj, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* Copies a string Janus sent into a bounded buffer, keeping printable ASCII
 * only: these texts may end up on a screen or in a log. */
static void copy_text(char *dst, size_t cap, const char *src)
{
    size_t j = 0;
    for (size_t i = 0; src && src[i] && j + 1 < cap; i++)
        dst[j++] = (src[i] >= 0x20 && src[i] < 0x7f) ? src[i] : '?';
    dst[j] = 0;
}

/* ---- queues ----------------------------------------------------------------- */

static int push_out(bb_janus *j, cJSON *msg)
{
    char *text = msg ? cJSON_PrintUnformatted(msg) : NULL;
    cJSON_Delete(msg);
    if (!text)
        return BB_E_NOMEM;
    if (j->out_len == MAX_OUT) {
        cJSON_free(text);
        return BB_E_STATE; /* the host stopped sending: refuse to grow */
    }
    j->out[(j->out_head + j->out_len++) % MAX_OUT] = text;
    return BB_OK;
}

static bb_janus_event *push_event(bb_janus *j, bb_janus_event_type type)
{
    if (j->ev_len == MAX_EVENTS) {
        /* Drop the oldest event rather than the newest state change. */
        free(j->events[j->ev_head].sdp);
        j->ev_head = (j->ev_head + 1) % MAX_EVENTS;
        j->ev_len--;
    }
    struct queued_event *q = &j->events[(j->ev_head + j->ev_len++) % MAX_EVENTS];
    memset(q, 0, sizeof(*q));
    q->ev.type = type;
    return &q->ev;
}

/* Attaches an sdp copy to the event just pushed. */
static int last_event_sdp(bb_janus *j, const char *sdp)
{
    struct queued_event *q = &j->events[(j->ev_head + j->ev_len - 1) % MAX_EVENTS];
    q->sdp = dup_str(sdp);
    return q->sdp ? BB_OK : BB_E_NOMEM;
}

static void error_event(bb_janus *j, int code, const char *reason)
{
    bb_janus_event *ev = push_event(j, BB_JANUS_EV_ERROR);
    ev->code = code;
    copy_text(ev->reason, sizeof(ev->reason), reason);
}

/* ---- requests ---------------------------------------------------------------- */

/* Ids go out as exact integers: cJSON prints numbers with 15 significant
 * digits when that round-trips "closely enough", which turns a 16-digit
 * Janus handle into another handle. */
static void add_id(cJSON *obj, const char *key, uint64_t id)
{
    char buf[24];
    snprintf(buf, sizeof(buf), "%llu", (unsigned long long)id);
    cJSON_AddRawToObject(obj, key, buf);
}

/* Starts a request: the "janus" verb, transaction, token and session. */
static cJSON *request(bb_janus *j, const char *verb, enum tx_kind kind, uint64_t now_us)
{
    struct pending *slot = NULL;
    for (int i = 0; i < MAX_PENDING; i++)
        if (j->pending[i].kind == TX_NONE) {
            slot = &j->pending[i];
            break;
        }
    if (!slot)
        return NULL;
    cJSON *m = cJSON_CreateObject();
    if (!m)
        return NULL;
    char tx[16];
    snprintf(tx, sizeof(tx), "bb%u", (unsigned)++j->next_tx);
    cJSON_AddStringToObject(m, "janus", verb);
    cJSON_AddStringToObject(m, "transaction", tx);
    cJSON_AddStringToObject(m, "token", j->token);
    if (j->session_id && kind != TX_CREATE)
        add_id(m, "session_id", j->session_id);
    slot->kind = kind;
    slot->id = j->next_tx;
    slot->deadline_us = now_us + j->timeout_us;
    /* Any request shows Janus we are alive. */
    j->next_keepalive_us = now_us + j->keepalive_us;
    return m;
}

static cJSON *plugin_message(bb_janus *j, uint64_t handle, enum tx_kind kind,
                             uint64_t now_us, cJSON **body)
{
    cJSON *m = request(j, "message", kind, now_us);
    if (!m)
        return NULL;
    add_id(m, "handle_id", handle);
    *body = cJSON_AddObjectToObject(m, "body");
    return m;
}

static int send_create(bb_janus *j, uint64_t now_us)
{
    j->state = ST_CREATING;
    j->session_id = 0;
    return push_out(j, request(j, "create", TX_CREATE, now_us));
}

static int send_attach(bb_janus *j, enum tx_kind kind, uint64_t now_us)
{
    cJSON *m = request(j, "attach", kind, now_us);
    if (m)
        cJSON_AddStringToObject(m, "plugin", "janus.plugin.videoroom");
    return push_out(j, m);
}

/* A "join" into our room as ptype, with the PIN when there is one and the token. */
static cJSON *join_message(bb_janus *j, uint64_t handle, enum tx_kind kind,
                           const char *ptype, uint64_t now_us, cJSON **body)
{
    cJSON *m = plugin_message(j, handle, kind, now_us, body);
    if (!m)
        return NULL;
    cJSON_AddStringToObject(*body, "request", "join");
    cJSON_AddStringToObject(*body, "ptype", ptype);
    add_id(*body, "room", j->room);
    if (j->pin)
        cJSON_AddStringToObject(*body, "pin", j->pin);
    /* A call's room lets in only the tokens on its access list. */
    cJSON_AddStringToObject(*body, "token", j->token);
    return m;
}

static int send_join(bb_janus *j, uint64_t now_us)
{
    cJSON *body;
    cJSON *m = join_message(j, j->pub_handle, TX_JOIN, "publisher", now_us, &body);
    if (!m)
        return push_out(j, NULL);
    cJSON_AddStringToObject(body, "display", j->display);
    if (j->want_feed_id)
        add_id(body, "id", j->want_feed_id);
    j->state = ST_JOINING;
    return push_out(j, m);
}

/* The feeds not yet on our subscriber handle, which are now asked for. */
static cJSON *ask_for_feeds(bb_janus *j)
{
    cJSON *arr = cJSON_CreateArray();
    for (int i = 0; arr && i < j->n_feeds; i++) {
        if (j->feeds[i].subscribed != FEED_NOT)
            continue;
        cJSON *f = cJSON_CreateObject();
        add_id(f, "feed", j->feeds[i].id);
        cJSON_AddItemToArray(arr, f);
        j->feeds[i].subscribed = FEED_ASKED;
    }
    return arr;
}

/* Janus answered a subscribe or update: what was asked for is ours (ok), or
 * none of it is (refused: e.g. 428, a feed left while we asked for it), and
 * is asked for again, without whoever left, at the next change in the room. */
static void settle_asked(bb_janus *j, int ok)
{
    for (int i = 0; i < j->n_feeds; i++)
        if (j->feeds[i].subscribed == FEED_ASKED)
            j->feeds[i].subscribed = ok ? FEED_SUBSCRIBED : FEED_NOT;
    if (ok)
        j->sub_refusals = 0;
}

static int send_sub_join(bb_janus *j, uint64_t now_us);

/* Brings the subscriber handle in line with the feeds in the room. */
static int reconcile_subscriptions(bb_janus *j, uint64_t now_us)
{
    int unsubscribed = 0;
    for (int i = 0; i < j->n_feeds; i++)
        unsubscribed += j->feeds[i].subscribed == FEED_NOT;
    if (!unsubscribed || j->state != ST_JOINED)
        return BB_OK;
    if (j->sub == SUB_NONE) {
        j->sub = SUB_ATTACHING;
        return send_attach(j, TX_ATTACH_SUB, now_us);
    }
    if (j->sub == SUB_ATTACHED)
        return send_sub_join(j, now_us);
    if (j->sub != SUB_ACTIVE) {
        j->sub_dirty = 1; /* after the current negotiation */
        return BB_OK;
    }
    cJSON *body;
    cJSON *m = plugin_message(j, j->sub_handle, TX_SUB_UPDATE, now_us, &body);
    if (!m)
        return push_out(j, NULL);
    cJSON_AddStringToObject(body, "request", "update");
    cJSON_AddItemToObject(body, "subscribe", ask_for_feeds(j));
    j->sub = SUB_WAIT_OFFER;
    return push_out(j, m);
}

static int send_sub_join(bb_janus *j, uint64_t now_us)
{
    cJSON *body;
    cJSON *m = join_message(j, j->sub_handle, TX_SUB_JOIN, "subscriber", now_us, &body);
    if (!m)
        return push_out(j, NULL);
    if (j->private_id)
        add_id(body, "private_id", j->private_id);
    cJSON_AddItemToObject(body, "streams", ask_for_feeds(j));
    j->sub = SUB_WAIT_OFFER;
    return push_out(j, m);
}

/* ---- feeds ---------------------------------------------------------------------- */

static struct feed *find_feed(bb_janus *j, uint64_t id)
{
    for (int i = 0; i < j->n_feeds; i++)
        if (j->feeds[i].id == id)
            return &j->feeds[i];
    return NULL;
}

static void add_publishers(bb_janus *j, const cJSON *list)
{
    const cJSON *p;
    cJSON_ArrayForEach(p, list) {
        uint64_t id;
        if (!cJSON_IsObject(p) || !get_id(p, "id", &id) || id == j->feed_id ||
            find_feed(j, id) || j->n_feeds == BB_JANUS_MAX_FEEDS)
            continue;
        struct feed *f = &j->feeds[j->n_feeds++];
        memset(f, 0, sizeof(*f));
        f->id = id;
        copy_text(f->display, sizeof(f->display), get_str(p, "display"));
        bb_janus_event *ev = push_event(j, BB_JANUS_EV_PARTICIPANT_JOINED);
        ev->feed_id = id;
        memcpy(ev->display, f->display, sizeof(ev->display));
    }
}

static void remove_feed(bb_janus *j, uint64_t id)
{
    for (int i = 0; i < j->n_feeds; i++) {
        if (j->feeds[i].id != id)
            continue;
        j->feeds[i] = j->feeds[--j->n_feeds];
        push_event(j, BB_JANUS_EV_PARTICIPANT_LEFT)->feed_id = id;
        return;
    }
}

/* ---- lifecycle -------------------------------------------------------------------- */

static void drop_pending(bb_janus *j)
{
    memset(j->pending, 0, sizeof(j->pending));
}

/* Janus no longer knows our session: forget every handle and start over. */
static int restart(bb_janus *j, uint64_t now_us)
{
    drop_pending(j);
    j->pub_handle = j->sub_handle = j->feed_id = j->private_id = 0;
    j->published = 0;
    j->sub = SUB_NONE;
    j->sub_dirty = j->sub_joined = j->sub_refusals = 0;
    /* Everyone else is gone with the session; they will appear again. */
    for (int i = 0; i < j->n_feeds; i++)
        push_event(j, BB_JANUS_EV_PARTICIPANT_LEFT)->feed_id = j->feeds[i].id;
    j->n_feeds = 0;
    push_event(j, BB_JANUS_EV_SESSION_LOST);
    return send_create(j, now_us);
}

int bb_janus_new(bb_janus **out, const bb_janus_config *cfg)
{
    if (!out)
        return BB_E_ARG;
    *out = NULL;
    if (!cfg || !cfg->token || !cfg->token[0] || strlen(cfg->token) > 1024 ||
        cfg->room < 1 || (double)cfg->room > MAX_ID || !cfg->display ||
        !display_ok(cfg->display) || (cfg->pin && strlen(cfg->pin) > 64) ||
        (double)cfg->feed_id > MAX_ID)
        return BB_E_ARG;
    bb_janus *j = calloc(1, sizeof(*j));
    if (!j)
        return BB_E_NOMEM;
    j->room = cfg->room;
    j->want_feed_id = cfg->feed_id;
    j->token = dup_str(cfg->token);
    j->pin = dup_str(cfg->pin);
    j->display = dup_str(cfg->display);
    j->timeout_us = (uint64_t)(cfg->request_timeout_ms ? cfg->request_timeout_ms : 10000) * 1000;
    j->keepalive_us = (uint64_t)(cfg->keepalive_ms ? cfg->keepalive_ms : 25000) * 1000;
    if (!j->token || !j->display || (cfg->pin && !j->pin)) {
        bb_janus_free(j);
        return BB_E_NOMEM;
    }
    *out = j;
    return BB_OK;
}

void bb_janus_free(bb_janus *j)
{
    if (!j)
        return;
    for (int i = 0; i < j->out_len; i++)
        cJSON_free(j->out[(j->out_head + i) % MAX_OUT]);
    for (int i = 0; i < j->ev_len; i++)
        free(j->events[(j->ev_head + i) % MAX_EVENTS].sdp);
    free(j->last_sdp);
    free(j->token);
    free(j->pin);
    free(j->display);
    free(j);
}

int bb_janus_ws_open(bb_janus *j, uint64_t now_us)
{
    if (!j || j->state == ST_LEFT || j->state == ST_LEAVING)
        return j ? BB_E_STATE : BB_E_ARG;
    /* Whatever was in flight on the old socket is lost. */
    drop_pending(j);
    for (int i = 0; i < j->out_len; i++)
        cJSON_free(j->out[(j->out_head + i) % MAX_OUT]);
    j->out_len = 0;
    if (!j->session_id)
        return send_create(j, now_us);
    j->state = ST_RECLAIMING;
    return push_out(j, request(j, "claim", TX_CLAIM, now_us));
}

int bb_janus_leave(bb_janus *j, uint64_t now_us)
{
    if (!j)
        return BB_E_ARG;
    if (j->state == ST_LEFT || j->state == ST_LEAVING)
        return BB_OK;
    if (!j->session_id) {
        j->state = ST_LEFT;
        push_event(j, BB_JANUS_EV_LEFT);
        return BB_OK;
    }
    drop_pending(j);
    j->state = ST_LEAVING;
    if (j->pub_handle) {
        cJSON *body;
        cJSON *m = plugin_message(j, j->pub_handle, TX_LEAVE, now_us, &body);
        if (m)
            cJSON_AddStringToObject(body, "request", "leave");
        push_out(j, m);
    }
    return push_out(j, request(j, "destroy", TX_DESTROY, now_us));
}

/* ---- outgoing SDP and candidates ----------------------------------------------------- */

static int jsep_message(bb_janus *j, uint64_t handle, enum tx_kind kind,
                        const char *request_name, const char *type,
                        const char *sdp, uint64_t now_us)
{
    cJSON *body;
    cJSON *m = plugin_message(j, handle, kind, now_us, &body);
    if (!m)
        return push_out(j, NULL);
    cJSON_AddStringToObject(body, "request", request_name);
    cJSON *jsep = cJSON_AddObjectToObject(m, "jsep");
    cJSON_AddStringToObject(jsep, "type", type);
    cJSON_AddStringToObject(jsep, "sdp", sdp);
    return push_out(j, m);
}

static int sdp_ok(const char *sdp)
{
    return sdp && strncmp(sdp, "v=0", 3) == 0 && strlen(sdp) < BB_JANUS_MAX_MSG / 2;
}

int bb_janus_publish(bb_janus *j, const char *sdp_offer, uint64_t now_us)
{
    if (!j || !sdp_ok(sdp_offer))
        return BB_E_ARG;
    if (j->state != ST_JOINED)
        return BB_E_STATE;
    return jsep_message(j, j->pub_handle, TX_PUBLISH, "publish", "offer", sdp_offer, now_us);
}

int bb_janus_subscribe_answer(bb_janus *j, const char *sdp_answer, uint64_t now_us)
{
    if (!j || !sdp_ok(sdp_answer))
        return BB_E_ARG;
    if (j->sub != SUB_NEGOTIATING)
        return BB_E_STATE;
    int rc = jsep_message(j, j->sub_handle, TX_START, "start", "answer", sdp_answer, now_us);
    if (rc == BB_OK)
        j->sub = SUB_ACTIVE;
    if (rc == BB_OK && j->sub_dirty) {
        j->sub_dirty = 0;
        rc = reconcile_subscriptions(j, now_us);
    }
    return rc;
}

int bb_janus_trickle(bb_janus *j, bb_janus_pc pc, const char *candidate,
                     const char *sdp_mid, int mline_index, uint64_t now_us)
{
    if (!j || (pc != BB_JANUS_PUBLISHER && pc != BB_JANUS_SUBSCRIBER) ||
        (candidate && strlen(candidate) > 1024) || (sdp_mid && strlen(sdp_mid) > 64))
        return BB_E_ARG;
    uint64_t handle = pc == BB_JANUS_PUBLISHER ? j->pub_handle : j->sub_handle;
    if (!handle || j->state != ST_JOINED)
        return BB_E_STATE;
    cJSON *m = request(j, "trickle", TX_TRICKLE, now_us);
    if (!m)
        return push_out(j, NULL);
    add_id(m, "handle_id", handle);
    cJSON *c = cJSON_AddObjectToObject(m, "candidate");
    if (candidate) {
        cJSON_AddStringToObject(c, "candidate", candidate);
        if (sdp_mid)
            cJSON_AddStringToObject(c, "sdpMid", sdp_mid);
        cJSON_AddNumberToObject(c, "sdpMLineIndex", mline_index);
    } else {
        cJSON_AddTrueToObject(c, "completed");
    }
    return push_out(j, m);
}

/* ---- incoming ------------------------------------------------------------------------ */

static struct pending *find_pending(bb_janus *j, const char *tx)
{
    if (!tx || strncmp(tx, "bb", 2) != 0)
        return NULL;
    char *end;
    unsigned long id = strtoul(tx + 2, &end, 10);
    if (*end || end == tx + 2)
        return NULL;
    for (int i = 0; i < MAX_PENDING; i++)
        if (j->pending[i].kind != TX_NONE && j->pending[i].id == id)
            return &j->pending[i];
    return NULL;
}

/* A reply of type "success" to create/claim/attach/destroy. */
static int on_success(bb_janus *j, enum tx_kind kind, const cJSON *msg, uint64_t now_us)
{
    const cJSON *data = cJSON_GetObjectItemCaseSensitive(msg, "data");
    uint64_t id = 0;
    switch (kind) {
    case TX_CREATE:
        if (j->state != ST_CREATING || !get_id(data, "id", &id))
            return BB_JANUS_REJECT_FIELD;
        j->session_id = id;
        j->stats.sessions_created++;
        j->state = ST_ATTACHING;
        send_attach(j, TX_ATTACH_PUB, now_us);
        return -1;
    case TX_CLAIM:
        j->stats.reclaims++;
        push_event(j, BB_JANUS_EV_RECLAIMED);
        /* Handles survive a reclaim; carry on where we were. */
        j->state = j->feed_id ? ST_JOINED : (j->pub_handle ? ST_JOINING : ST_ATTACHING);
        if (j->state == ST_ATTACHING)
            send_attach(j, TX_ATTACH_PUB, now_us);
        else if (j->state == ST_JOINING)
            send_join(j, now_us);
        return -1;
    case TX_ATTACH_PUB:
        if (!get_id(data, "id", &id))
            return BB_JANUS_REJECT_FIELD;
        j->pub_handle = id;
        send_join(j, now_us);
        return -1;
    case TX_ATTACH_SUB:
        if (!get_id(data, "id", &id))
            return BB_JANUS_REJECT_FIELD;
        j->sub_handle = id;
        send_sub_join(j, now_us);
        return -1;
    case TX_DESTROY:
        j->state = ST_LEFT;
        j->session_id = 0;
        push_event(j, BB_JANUS_EV_LEFT);
        return -1;
    default:
        return -1; /* keepalive, trickle, leave: nothing to do */
    }
}

static int on_publisher_event(bb_janus *j, const cJSON *data, const cJSON *jsep)
{
    const char *what = get_str(data, "videoroom");
    if (!what)
        return BB_JANUS_REJECT_FIELD;
    if (strcmp(what, "joined") == 0) {
        uint64_t id, priv = 0;
        if (j->state != ST_JOINING || !get_id(data, "id", &id))
            return BB_JANUS_REJECT_STATE;
        get_id(data, "private_id", &priv);
        j->feed_id = id;
        j->private_id = priv;
        j->state = ST_JOINED;
        push_event(j, BB_JANUS_EV_JOINED)->feed_id = id;
        push_event(j, BB_JANUS_EV_PUBLISH_OFFER_NEEDED);
        add_publishers(j, cJSON_GetObjectItemCaseSensitive(data, "publishers"));
        return -1;
    }
    if (strcmp(what, "event") == 0) {
        const cJSON *pubs = cJSON_GetObjectItemCaseSensitive(data, "publishers");
        if (pubs)
            add_publishers(j, pubs);
        uint64_t gone;
        if (get_id(data, "unpublished", &gone) || get_id(data, "leaving", &gone))
            remove_feed(j, gone);
        if (jsep) {
            const char *type = get_str(jsep, "type"), *sdp = get_str(jsep, "sdp");
            if (!type || strcmp(type, "answer") != 0 || !sdp_ok(sdp))
                return BB_JANUS_REJECT_FIELD;
            j->published = 1;
            push_event(j, BB_JANUS_EV_PUBLISH_ANSWER);
            last_event_sdp(j, sdp);
        }
        return -1;
    }
    return -1; /* talking, destroyed, ...: of no interest */
}

static void feeds_event(bb_janus *j, bb_janus_event *ev)
{
    for (int i = 0; i < j->n_feeds && ev->n_feeds < BB_JANUS_MAX_FEEDS; i++)
        if (j->feeds[i].subscribed)
            ev->feeds[ev->n_feeds++] = j->feeds[i].id;
}

static int on_subscriber_event(bb_janus *j, const cJSON *data, const cJSON *jsep)
{
    if (!jsep) {
        /* An "updated" without an offer: the new feeds' data rides the
         * m-line we already have. Nothing else ("started", ...) matters. */
        const char *what = get_str(data, "videoroom");
        if (what && strcmp(what, "updated") == 0 && j->sub == SUB_WAIT_OFFER) {
            settle_asked(j, 1);
            j->sub = SUB_ACTIVE;
            feeds_event(j, push_event(j, BB_JANUS_EV_SUBSCRIPTION_CHANGED));
            j->sub_dirty = 1; /* reconciled by the caller (on_event) */
        }
        return -1;
    }
    const char *type = get_str(jsep, "type"), *sdp = get_str(jsep, "sdp");
    if (!type || strcmp(type, "offer") != 0 || !sdp_ok(sdp))
        return BB_JANUS_REJECT_FIELD;
    settle_asked(j, 1);
    j->sub_joined = 1;
    j->sub = SUB_NEGOTIATING;
    feeds_event(j, push_event(j, BB_JANUS_EV_SUBSCRIBE_OFFER));
    last_event_sdp(j, sdp);
    (void)data;
    return -1;
}

static int on_event(bb_janus *j, const cJSON *msg, struct pending *p, uint64_t now_us)
{
    uint64_t sender;
    if (!get_id(msg, "sender", &sender))
        return BB_JANUS_REJECT_FIELD;
    const cJSON *pd = cJSON_GetObjectItemCaseSensitive(msg, "plugindata");
    const cJSON *data = cJSON_GetObjectItemCaseSensitive(pd, "data");
    const cJSON *jsep = cJSON_GetObjectItemCaseSensitive(msg, "jsep");
    if (!cJSON_IsObject(data) || (jsep && !cJSON_IsObject(jsep)))
        return BB_JANUS_REJECT_FIELD;
    if (p)
        p->kind = TX_NONE; /* the asynchronous answer to our request */
    /* Plugin errors ("error_code" in plugindata) arrive as normal events. */
    const cJSON *code = cJSON_GetObjectItemCaseSensitive(data, "error_code");
    if (cJSON_IsNumber(code)) {
        /* Our subscribe or update refused? Usually a feed left while we
         * asked for it (428, no such feed): the room moved on, nothing to
         * report; ask again for the others, a few times in a row at most
         * (then at the next change in the room). */
        int refused = sender == j->sub_handle && j->sub == SUB_WAIT_OFFER;
        if (refused && code->valueint == JANUS_VIDEOROOM_NO_SUCH_FEED)
            j->stats.ignored++;
        else
            error_event(j, code->valueint, get_str(data, "error"));
        if (refused) {
            settle_asked(j, 0);
            j->sub = j->sub_joined ? SUB_ACTIVE : SUB_ATTACHED;
            if (j->sub_refusals++ < MAX_SUB_REFUSALS)
                reconcile_subscriptions(j, now_us);
        } else if (sender == j->sub_handle && j->sub != SUB_ACTIVE) {
            j->sub = j->sub_handle ? SUB_ACTIVE : SUB_NONE;
        }
        return -1;
    }
    int rc;
    if (sender == j->pub_handle)
        rc = on_publisher_event(j, data, jsep);
    else if (sender == j->sub_handle)
        rc = on_subscriber_event(j, data, jsep);
    else
        return BB_JANUS_REJECT_SESSION;
    if (rc < 0 && j->state == ST_JOINED && sender == j->pub_handle)
        reconcile_subscriptions(j, now_us);
    if (rc < 0 && sender == j->sub_handle && j->sub == SUB_ACTIVE && j->sub_dirty) {
        j->sub_dirty = 0;
        reconcile_subscriptions(j, now_us);
    }
    return rc;
}

/* Returns -1 when handled, or a bb_janus_reject reason. */
static int dispatch(bb_janus *j, const cJSON *msg, uint64_t now_us)
{
    const char *kind = get_str(msg, "janus");
    if (!kind)
        return BB_JANUS_REJECT_FIELD;
    const char *tx = get_str(msg, "transaction");
    struct pending *p = find_pending(j, tx);
    uint64_t sid = 0;
    int has_sid = get_id(msg, "session_id", &sid);
    if (has_sid && j->session_id && sid != j->session_id)
        return BB_JANUS_REJECT_SESSION;

    if (strcmp(kind, "ack") == 0) {
        if (!p)
            return BB_JANUS_REJECT_TRANSACTION;
        /* Plugin messages get their real answer later as an event. */
        if (p->kind != TX_JOIN && p->kind != TX_PUBLISH && p->kind != TX_SUB_JOIN &&
            p->kind != TX_SUB_UPDATE && p->kind != TX_START)
            p->kind = TX_NONE;
        return -1;
    }
    if (strcmp(kind, "success") == 0) {
        if (!p)
            return BB_JANUS_REJECT_TRANSACTION;
        enum tx_kind k = p->kind;
        p->kind = TX_NONE;
        /* Synchronous plugin replies carry plugindata like events do. */
        if (cJSON_GetObjectItemCaseSensitive(msg, "plugindata"))
            return on_event(j, msg, NULL, now_us);
        return on_success(j, k, msg, now_us);
    }
    if (strcmp(kind, "error") == 0) {
        const cJSON *err = cJSON_GetObjectItemCaseSensitive(msg, "error");
        const cJSON *code = cJSON_GetObjectItemCaseSensitive(err, "code");
        if (!p || !cJSON_IsNumber(code))
            return p ? BB_JANUS_REJECT_FIELD : BB_JANUS_REJECT_TRANSACTION;
        enum tx_kind k = p->kind;
        p->kind = TX_NONE;
        /* 458: no such session — after a reclaim or a keepalive. */
        if (code->valueint == 458 && j->state != ST_LEAVING) {
            restart(j, now_us);
            return -1;
        }
        error_event(j, code->valueint, get_str(err, "reason"));
        if (k == TX_DESTROY) {
            j->state = ST_LEFT;
            push_event(j, BB_JANUS_EV_LEFT);
        }
        return -1;
    }
    if (strcmp(kind, "event") == 0)
        return on_event(j, msg, p, now_us);
    if (strcmp(kind, "timeout") == 0) {
        if (j->state != ST_LEAVING && j->state != ST_LEFT)
            restart(j, now_us);
        return -1;
    }
    if (strcmp(kind, "hangup") == 0) {
        uint64_t sender;
        if (get_id(msg, "sender", &sender) && sender == j->sub_handle) {
            /* The subscriber PC died: subscribe again from scratch. */
            j->sub = SUB_NONE;
            j->sub_handle = 0;
            j->sub_joined = j->sub_refusals = 0;
            for (int i = 0; i < j->n_feeds; i++)
                j->feeds[i].subscribed = FEED_NOT;
            reconcile_subscriptions(j, now_us);
        } else if (get_id(msg, "sender", &sender) && sender == j->pub_handle) {
            j->published = 0;
            push_event(j, BB_JANUS_EV_PUBLISH_OFFER_NEEDED);
        }
        return -1;
    }
    j->stats.ignored++; /* webrtcup, media, slowlink, detached, ... */
    return -1;
}

const char *bb_janus_event_name(bb_janus_event_type type)
{
    switch (type) {
    case BB_JANUS_EV_JOINED: return "joined";
    case BB_JANUS_EV_PUBLISH_OFFER_NEEDED: return "publish-offer-needed";
    case BB_JANUS_EV_PUBLISH_ANSWER: return "publish-answer";
    case BB_JANUS_EV_SUBSCRIBE_OFFER: return "subscribe-offer";
    case BB_JANUS_EV_PARTICIPANT_JOINED: return "participant-joined";
    case BB_JANUS_EV_PARTICIPANT_LEFT: return "participant-left";
    case BB_JANUS_EV_CONNECTION_PROBLEM: return "connection-problem";
    case BB_JANUS_EV_SESSION_LOST: return "session-lost";
    case BB_JANUS_EV_ERROR: return "error";
    case BB_JANUS_EV_LEFT: return "left";
    case BB_JANUS_EV_SUBSCRIPTION_CHANGED: return "subscription-changed";
    case BB_JANUS_EV_RECLAIMED: return "reclaimed";
    }
    return "unknown";
}

int bb_janus_recv(bb_janus *j, const char *data, size_t len, uint64_t now_us)
{
    if (!j || (!data && len))
        return BB_E_ARG;
    j->stats.received++;
    int reason;
    if (len == 0 || len > BB_JANUS_MAX_MSG) {
        reason = BB_JANUS_REJECT_SIZE;
    } else {
        cJSON *msg = cJSON_ParseWithLength(data, len);
        if (!cJSON_IsObject(msg))
            reason = BB_JANUS_REJECT_JSON;
        else
            reason = dispatch(j, msg, now_us);
        cJSON_Delete(msg);
    }
    if (reason < 0)
        return BB_OK;
    j->stats.rejected[reason]++;
    return reason == BB_JANUS_REJECT_SIZE ? BB_E_TOO_LARGE
         : reason == BB_JANUS_REJECT_JSON ? BB_E_PARSE : BB_E_PROTO;
}

/* ---- polling and timers ------------------------------------------------------------------ */

int bb_janus_poll_send(bb_janus *j, char *out, size_t cap, size_t *len)
{
    if (!j || !out || !len)
        return BB_E_ARG;
    *len = 0;
    if (!j->out_len)
        return BB_E_AGAIN;
    char *m = j->out[j->out_head];
    size_t n = strlen(m) + 1;
    if (n > cap) {
        *len = n;
        return BB_E_BUFFER;
    }
    memcpy(out, m, n);
    *len = n - 1;
    cJSON_free(m);
    j->out_head = (j->out_head + 1) % MAX_OUT;
    j->out_len--;
    return BB_OK;
}

int bb_janus_poll_event(bb_janus *j, bb_janus_event *ev)
{
    if (!j || !ev)
        return BB_E_ARG;
    free(j->last_sdp);
    j->last_sdp = NULL;
    if (!j->ev_len)
        return BB_E_AGAIN;
    struct queued_event *q = &j->events[j->ev_head];
    *ev = q->ev;
    j->last_sdp = q->sdp; /* ownership moves: freed on the next call */
    ev->sdp = q->sdp;
    q->sdp = NULL;
    j->ev_head = (j->ev_head + 1) % MAX_EVENTS;
    j->ev_len--;
    return BB_OK;
}

int bb_janus_tick(bb_janus *j, uint64_t now_us)
{
    if (!j)
        return BB_E_ARG;
    int timed_out = 0;
    for (int i = 0; i < MAX_PENDING; i++) {
        if (j->pending[i].kind != TX_NONE && now_us >= j->pending[i].deadline_us) {
            j->pending[i].kind = TX_NONE;
            timed_out = 1;
        }
    }
    if (timed_out) {
        j->stats.timeouts++;
        if (j->state == ST_LEAVING) {
            j->state = ST_LEFT;
            push_event(j, BB_JANUS_EV_LEFT);
        } else {
            push_event(j, BB_JANUS_EV_CONNECTION_PROBLEM);
        }
        return BB_OK;
    }
    if (j->session_id && j->state >= ST_ATTACHING && j->state <= ST_JOINED &&
        now_us >= j->next_keepalive_us)
        return push_out(j, request(j, "keepalive", TX_KEEPALIVE, now_us));
    return BB_OK;
}

uint64_t bb_janus_next_deadline(const bb_janus *j)
{
    if (!j)
        return UINT64_MAX;
    uint64_t next = UINT64_MAX;
    for (int i = 0; i < MAX_PENDING; i++)
        if (j->pending[i].kind != TX_NONE && j->pending[i].deadline_us < next)
            next = j->pending[i].deadline_us;
    if (j->session_id && j->state >= ST_ATTACHING && j->state <= ST_JOINED &&
        j->next_keepalive_us < next)
        next = j->next_keepalive_us;
    return next;
}

const bb_janus_stats *bb_janus_get_stats(const bb_janus *j)
{
    return j ? &j->stats : NULL;
}
