/*
 * The call core: the key agreement and the media engine on one wire (see
 * include/beeldbel/call.h for the wire, the sender binding and the timers).
 */
#include <stdlib.h>
#include <string.h>

#include "beeldbel/call.h"
#include "beeldbel/error.h"
#include "docs.h"
#include "files.h"

typedef struct wire_buf {
    size_t len;
    uint8_t b[BB_CALL_MAX_WIRE];
} wire_buf;

/* Handshake messages waiting to go out: fresh ones and repetitions. */
#define SEND_QUEUE 16

struct bb_call {
    bb_e2ee *e2ee;
    bb_media *media;
    uint16_t self;
    uint32_t room[BB_CALL_MAX_ROOM]; /* feeds the SFU announced */
    int nroom;
    wire_buf kept[BB_CALL_HS_KEPT];  /* the last handshakes, for repetition */
    int nkept;
    wire_buf queue[SEND_QUEUE];
    int qhead, qlen;
    uint64_t repeat_at, answer_at, ask_at;
    uint64_t last_arrival;           /* the media clock never runs back */
    size_t keyed;                    /* peers whose key we hold */
    uint32_t roster_print;
    int roster_dirty;
    bb_call_event events[BB_CALL_EVENTS_KEPT];
    uint8_t *event_doc[BB_CALL_EVENTS_KEPT]; /* a DOC event's bytes, owned */
    uint8_t *handed_doc;             /* the last DOC event the host took */
    int ehead, elen;
    docs *docs;
    files *files;
    uint32_t text_seq;
    bb_control_stats control;
    bb_call_stats st;
    uint8_t plain[BB_CALL_MAX_WIRE];  /* the last media message before SFrame */
    uint8_t hs[BB_E2EE_MAX_MSG];
    bb_control_msg msg;
};

static int valid_feed(const bb_call *c, uint32_t feed)
{
    return feed >= 1 && feed <= 0xffff && feed != c->self;
}

/* ---- the roster ---- */

static uint32_t fnv(uint32_t h, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        h = (h ^ ((v >> (8 * i)) & 0xff)) * 16777619u;
    return h;
}

/* A digest of what the roster shows: members, roles, keys, the code, the
 * announced feeds and whether an officer's certificate failed. */
static uint32_t roster_print(const bb_call *c)
{
    uint32_t h = 2166136261u;
    size_t n = bb_e2ee_peer_count(c->e2ee);
    for (size_t i = 0; i < n; i++) {
        bb_e2ee_peer p;
        if (bb_e2ee_peer_info(c->e2ee, i, &p) == BB_OK)
            h = fnv(fnv(fnv(h, p.id), (uint32_t)p.role), (uint32_t)p.has_key << 1 | p.officer.status);
    }
    char code[8];
    if (bb_e2ee_sas(c->e2ee, code) == BB_OK)
        for (int i = 0; i < 7; i++)
            h = fnv(h, (uint8_t)code[i]);
    for (int i = 0; i < c->nroom; i++)
        h = fnv(h, c->room[i] | 0x80000000u);
    return fnv(h, bb_e2ee_officer_failure(c->e2ee) != NULL);
}

static void roster_check(bb_call *c)
{
    uint32_t p = roster_print(c);
    if (p != c->roster_print) {
        c->roster_print = p;
        c->roster_dirty = 1;
    }
}

/* The peers whose key we hold: how many, and (to, if not NULL, room for
 * BB_CALL_MAX_ROOM) their feeds. */
static size_t keyed_feeds(const bb_call *c, uint16_t *to)
{
    size_t n = bb_e2ee_peer_count(c->e2ee), k = 0;
    for (size_t i = 0; i < n; i++) {
        bb_e2ee_peer p;
        if (bb_e2ee_peer_info(c->e2ee, i, &p) == BB_OK && p.has_key) {
            if (to && k < BB_CALL_MAX_ROOM)
                to[k] = p.id;
            k++;
        }
    }
    return k;
}

static size_t keyed_peers(const bb_call *c)
{
    return keyed_feeds(c, NULL);
}

int bb_call_settled(const bb_call *c)
{
    if (!c || c->nroom == 0)
        return 0;
    char code[8];
    if (bb_e2ee_sas(c->e2ee, code) != BB_OK)
        return 0;
    size_t n = bb_e2ee_peer_count(c->e2ee);
    for (int r = 0; r < c->nroom; r++) {
        int found = 0;
        for (size_t i = 0; i < n && !found; i++) {
            bb_e2ee_peer p;
            found = bb_e2ee_peer_info(c->e2ee, i, &p) == BB_OK && p.id == c->room[r] && p.has_key;
        }
        if (!found)
            return 0;
    }
    return 1;
}

/* ---- handshakes out ---- */

static void enqueue(bb_call *c, const wire_buf *w)
{
    if (c->qlen == SEND_QUEUE) { /* the oldest goes; it is repeated anyway */
        c->qhead = (c->qhead + 1) % SEND_QUEUE;
        c->qlen--;
    }
    c->queue[(c->qhead + c->qlen++) % SEND_QUEUE] = *w;
}

/* Every handshake message the key agreement made goes out at once and is
 * kept for repetition. */
static void take_handshakes(bb_call *c)
{
    size_t n;
    for (;;) {
        int rc = bb_e2ee_poll(c->e2ee, c->hs, sizeof(c->hs), &n);
        if (rc != BB_OK)
            return;
        if (n + 1 > BB_CALL_MAX_WIRE) {
            c->st.handshakes_too_large++;
            continue;
        }
        if (c->nkept == BB_CALL_HS_KEPT)
            memmove(&c->kept[0], &c->kept[1], sizeof(c->kept[0]) * (BB_CALL_HS_KEPT - 1));
        else
            c->nkept++;
        wire_buf *w = &c->kept[c->nkept - 1];
        w->b[0] = BB_CALL_TAG_HANDSHAKE;
        memcpy(w->b + 1, c->hs, n);
        w->len = n + 1;
        enqueue(c, w);
    }
}

static void send_kept(bb_call *c)
{
    for (int i = 0; i < c->nkept; i++)
        enqueue(c, &c->kept[i]);
}

/* The kept handshakes go out again, unless the call is settled. */
static void repeat(bb_call *c, uint64_t now_us)
{
    c->repeat_at = now_us + BB_CALL_HS_REPEAT_US;
    if (!bb_call_settled(c))
        send_kept(c);
}

/* Someone repeats handshakes we already have: it still waits for something
 * of ours (we may have settled before our REVEAL reached it). The kept
 * handshakes go out once more as answers, at most once per repetition
 * period; an answer is never answered, so two settled sides cannot echo. */
static void answer(bb_call *c, uint64_t now_us)
{
    if (now_us < c->answer_at || !bb_call_settled(c))
        return;
    c->answer_at = now_us + BB_CALL_HS_REPEAT_US;
    for (int i = 0; i < c->nkept; i++) {
        wire_buf w = c->kept[i];
        w.b[0] = BB_CALL_TAG_HANDSHAKE_ANSWER;
        enqueue(c, &w);
    }
    /* It may have missed our key, and with it our pictures: one to start from. */
    (void)bb_media_force_keyframe(c->media);
}

/* Media from a member under a key we do not have, once settled: its renewed
 * key's KEYS was lost. Our handshakes go out once more, which it answers
 * with its own. */
static void ask_keys(bb_call *c, uint64_t now_us)
{
    if (now_us < c->ask_at || !bb_call_settled(c)) /* unsettled, ours are repeated anyway */
        return;
    c->ask_at = now_us + BB_CALL_HS_REPEAT_US;
    send_kept(c);
}

/* ---- life ---- */

int bb_call_new(bb_call **out, const bb_call_config *cfg)
{
    if (!out || !cfg)
        return BB_E_ARG;
    *out = NULL;
    bb_call *c = calloc(1, sizeof(*c));
    if (!c)
        return BB_E_NOMEM;
    bb_media_config mc = cfg->media;
    mc.ssrc = cfg->e2ee.self_id;
    int rc = bb_e2ee_new(&c->e2ee, &cfg->e2ee);
    if (rc == BB_OK)
        rc = bb_media_new(&c->media, &mc);
    if (rc == BB_OK && !(c->docs = docs_new()))
        rc = BB_E_NOMEM;
    if (rc == BB_OK && !(c->files = files_new(cfg->e2ee.self_id)))
        rc = BB_E_NOMEM;
    if (rc != BB_OK) {
        bb_call_free(c);
        return rc;
    }
    c->self = cfg->e2ee.self_id;
    c->roster_print = roster_print(c);
    take_handshakes(c);
    *out = c;
    return BB_OK;
}

void bb_call_free(bb_call *c)
{
    if (!c)
        return;
    bb_e2ee_free(c->e2ee);
    bb_media_free(c->media);
    docs_free(c->docs);
    files_free(c->files);
    for (int i = 0; i < BB_CALL_EVENTS_KEPT; i++)
        free(c->event_doc[i]);
    free(c->handed_doc);
    memset(c, 0, sizeof(*c)); /* handshakes and plaintext do not linger */
    free(c);
}

int bb_call_peer_joined(bb_call *c, uint32_t feed, uint64_t now_us)
{
    if (!c || !valid_feed(c, feed))
        return BB_E_ARG;
    for (int i = 0; i < c->nroom; i++)
        if (c->room[i] == feed)
            return BB_OK;
    if (c->nroom == BB_CALL_MAX_ROOM)
        return BB_E_TOO_LARGE;
    c->room[c->nroom++] = feed;
    repeat(c, now_us); /* the newcomer may have missed everything */
    roster_check(c);
    return BB_OK;
}

int bb_call_peer_left(bb_call *c, uint32_t feed, uint64_t now_us, uint64_t wall_us)
{
    if (!c || !valid_feed(c, feed))
        return BB_E_ARG;
    for (int i = 0; i < c->nroom; i++)
        if (c->room[i] == feed) {
            c->room[i] = c->room[--c->nroom];
            break;
        }
    (void)bb_e2ee_remove_peer(c->e2ee, (uint16_t)feed, wall_us); /* BB_E_ARG: never a member */
    (void)bb_media_remove_peer(c->media, feed);                 /* BB_E_ARG: never heard */
    docs_forget(c->docs, feed);
    files_forget(c->files, feed);
    c->keyed = keyed_peers(c);
    take_handshakes(c); /* the new epoch's keys */
    repeat(c, now_us);
    roster_check(c);
    return BB_OK;
}

int bb_call_renew_keys(bb_call *c, uint64_t now_us)
{
    if (!c)
        return BB_E_ARG;
    int rc = bb_e2ee_renew(c->e2ee);
    if (rc == BB_OK)
        c->st.keys_renewed++;
    take_handshakes(c);
    repeat(c, now_us);
    return rc;
}

/* ---- in ---- */

/* Queues ev; doc (owned from here on) holds a DOC event's bytes. */
static void push_event(bb_call *c, const bb_call_event *ev, uint8_t *doc)
{
    if (c->elen == BB_CALL_EVENTS_KEPT) {
        free(c->event_doc[c->ehead]);
        c->event_doc[c->ehead] = NULL;
        c->ehead = (c->ehead + 1) % BB_CALL_EVENTS_KEPT;
        c->elen--;
        c->st.events_dropped++;
    }
    int at = (c->ehead + c->elen++) % BB_CALL_EVENTS_KEPT;
    c->events[at] = *ev;
    c->event_doc[at] = doc;
}

/* A part of a document; a whole one becomes an event. */
static void take_doc_part(bb_call *c, uint32_t from, size_t n)
{
    uint8_t kind, *doc;
    size_t len;
    int r = docs_receive(c->docs, from, c->hs, n, &kind, &doc, &len);
    if (r < 0)
        c->st.docs_refused++;
    if (r <= 0)
        return;
    bb_call_event e = { .type = BB_CALL_EVENT_DOC, .from = from, .doc_kind = kind, .doc = doc,
                        .doc_len = len };
    c->st.docs_in++;
    push_event(c, &e, doc);
}

/* Control messages that arrived in order become text events. */
static void take_controls(bb_call *c)
{
    uint32_t from;
    size_t n;
    while (bb_media_poll_control(c->media, &from, c->hs, sizeof(c->hs), &n) == BB_OK) {
        if (n && c->hs[0] == DOC_TAG) {
            take_doc_part(c, from, n);
            continue;
        }
        if (n && c->hs[0] >= FILE_TAG_OFFER && c->hs[0] <= FILE_TAG_CANCEL) {
            if (files_receive(c->files, from, c->hs, n, c->last_arrival) < 0)
                c->st.files_refused++;
            continue;
        }
        if (bb_control_parse(c->hs, n, &c->msg, &c->control) != BB_OK) {
            c->st.controls_refused++;
            continue;
        }
        if (c->msg.type != BB_CONTROL_TEXT && c->msg.type != BB_CONTROL_TEXT_FINAL)
            continue;
        bb_call_event e = { .type = BB_CALL_EVENT_TEXT, .from = from,
                            .kind = strcmp(c->msg.from, "caption") ? BB_CALL_TEXT_RTT
                                                                   : BB_CALL_TEXT_CAPTION,
                            .final = c->msg.type == BB_CONTROL_TEXT_FINAL };
        memcpy(e.text, c->msg.text, sizeof(e.text));
        c->st.texts_in++;
        push_event(c, &e, NULL);
    }
}

static int receive_handshake(bb_call *c, uint16_t feed, int tag, const uint8_t *body, size_t len,
                             uint64_t now_us, uint64_t wall_us)
{
    c->st.handshakes_in++;
    uint64_t dups = bb_e2ee_get_stats(c->e2ee)->duplicates;
    int rc = bb_e2ee_receive_on(c->e2ee, feed, body, len, wall_us);
    if (rc < 0 && rc != BB_E_AGAIN)
        c->st.handshakes_refused++;
    /* Someone new can read us from now on: a picture to start from. */
    size_t keyed = keyed_peers(c);
    if (keyed > c->keyed)
        (void)bb_media_force_keyframe(c->media);
    c->keyed = keyed;
    take_handshakes(c);
    roster_check(c);
    if (tag == BB_CALL_TAG_HANDSHAKE && bb_e2ee_get_stats(c->e2ee)->duplicates > dups)
        answer(c, now_us);
    return rc;
}

static int receive_media(bb_call *c, uint16_t feed, const uint8_t *body, size_t len,
                         uint64_t now_us)
{
    size_t n;
    uint16_t from = 0;
    uint64_t unknown = bb_e2ee_sframe_stats(c->e2ee)->rejected[BB_SFRAME_REJECT_UNKNOWN_KID];
    int rc = bb_e2ee_unprotect(c->e2ee, NULL, 0, body, len, c->plain, sizeof(c->plain), &n, &from);
    if (rc != BB_OK) {
        c->st.undecryptable++;
        if (bb_e2ee_sframe_stats(c->e2ee)->rejected[BB_SFRAME_REJECT_UNKNOWN_KID] != unknown)
            ask_keys(c, now_us);
        return rc;
    }
    if (from != feed || bb_media_msg_sender(c->plain, n) != feed) {
        c->st.spoofed++;
        return BB_E_PROTO;
    }
    /* Arrival as the host saw it, but never before an arrival already given. */
    if (now_us < c->last_arrival)
        now_us = c->last_arrival;
    c->last_arrival = now_us;
    rc = bb_media_receive(c->media, c->plain, n, now_us);
    take_controls(c);
    return rc;
}

int bb_call_receive(bb_call *c, uint32_t feed, const uint8_t *data, size_t len,
                    uint64_t now_us, uint64_t wall_us)
{
    if (!c || (!data && len))
        return BB_E_ARG;
    if (len < 2)
        return BB_OK;
    if (len > BB_CALL_MAX_WIRE) {
        c->st.oversize++;
        return BB_E_TOO_LARGE;
    }
    if (!valid_feed(c, feed)) { /* nobody in the call: at most our own, reflected */
        c->st.spoofed++;
        return BB_E_PROTO;
    }
    switch (data[0]) {
    case BB_CALL_TAG_HANDSHAKE:
    case BB_CALL_TAG_HANDSHAKE_ANSWER:
        return receive_handshake(c, (uint16_t)feed, data[0], data + 1, len - 1, now_us, wall_us);
    case BB_CALL_TAG_MEDIA:
        return receive_media(c, (uint16_t)feed, data + 1, len - 1, now_us);
    default:
        c->st.unknown_tag++;
        return BB_E_PROTO;
    }
}

/* ---- out ---- */

/* The start of the last max bytes of s, on a character boundary. */
static size_t utf8_tail(const char *s, size_t len, size_t max)
{
    if (len <= max)
        return 0;
    size_t start = len - max;
    while (start < len && ((uint8_t)s[start] & 0xc0) == 0x80)
        start++;
    return start;
}

int bb_call_send_text(bb_call *c, bb_call_text_kind kind, int final, const char *text,
                      size_t len, uint64_t now_us)
{
    if (!c || (!text && len) || (kind != BB_CALL_TEXT_RTT && kind != BB_CALL_TEXT_CAPTION) ||
        memchr(text ? text : "", 0, len))
        return BB_E_ARG;
    size_t start = utf8_tail(text, len, BB_CALL_MAX_TEXT);
    bb_control_msg *m = &c->msg;
    memset(m, 0, sizeof(*m));
    m->type = final ? BB_CONTROL_TEXT_FINAL : BB_CONTROL_TEXT;
    m->seq = ++c->text_seq;
    strcpy(m->from, kind == BB_CALL_TEXT_CAPTION ? "caption" : "rtt");
    if (len)
        memcpy(m->text, text + start, len - start);
    size_t n;
    int rc = bb_control_write(m, (char *)c->hs, sizeof(c->hs), &n);
    if (rc != BB_OK)
        return rc == BB_E_PROTO || rc == BB_E_PARSE ? BB_E_ARG : rc;
    return bb_media_send_control(c->media, c->hs, n, now_us);
}

int bb_call_send_doc(bb_call *c, int kind, const uint8_t *data, size_t len, uint64_t now_us)
{
    if (!c || kind < 1 || kind > BB_CALL_DOC_KIND_MAX)
        return BB_E_ARG;
    int rc = docs_queue(c->docs, (uint8_t)kind, data, len);
    if (rc == BB_OK)
        docs_pump(c->docs, c->media, now_us);
    return rc;
}

int bb_call_unacked(const bb_call *c)
{
    return c ? docs_queued(c->docs) + bb_media_control_unacked(c->media) : 0;
}

int bb_call_send_file(bb_call *c, int type, const char *name, size_t name_len,
                      const uint8_t *data, size_t len, uint64_t now_us, uint32_t *id)
{
    if (!c)
        return BB_E_ARG;
    uint16_t to[BB_CALL_MAX_ROOM];
    size_t nto = keyed_feeds(c, to);
    int rc = files_send(c->files, to, nto < BB_CALL_MAX_ROOM ? (int)nto : BB_CALL_MAX_ROOM, type,
                        name, name_len, data, len, id);
    if (rc == BB_OK)
        files_pump(c->files, c->media, now_us);
    return rc;
}

int bb_call_cancel_file(bb_call *c, uint32_t owner, uint32_t id, uint64_t now_us)
{
    if (!c)
        return BB_E_ARG;
    int rc = files_cancel(c->files, owner, id);
    if (rc == BB_OK)
        files_pump(c->files, c->media, now_us);
    return rc;
}

int bb_call_poll_send(bb_call *c, uint8_t *out, size_t cap, size_t *len, bb_call_sent *sent)
{
    if (!c || !out || !len)
        return BB_E_ARG;
    if (cap < BB_CALL_MAX_WIRE)
        return BB_E_BUFFER;
    if (c->qlen) {
        const wire_buf *w = &c->queue[c->qhead];
        memcpy(out, w->b, w->len);
        *len = w->len;
        c->qhead = (c->qhead + 1) % SEND_QUEUE;
        c->qlen--;
        c->st.handshakes_out++;
        if (sent)
            *sent = (bb_call_sent){ BB_CALL_MSG_HANDSHAKE, NULL, 0 };
        return BB_OK;
    }
    size_t n, sealed;
    bb_media_msg_class cls;
    int rc = bb_media_poll_send(c->media, c->plain, sizeof(c->plain), &n, &cls);
    if (rc != BB_OK)
        return rc;
    out[0] = BB_CALL_TAG_MEDIA;
    rc = bb_e2ee_protect(c->e2ee, NULL, 0, c->plain, n, out + 1, cap - 1, &sealed);
    if (rc != BB_OK)
        return rc;
    *len = sealed + 1;
    if (sent)
        *sent = (bb_call_sent){ (bb_call_msg_class)cls, c->plain, n };
    return BB_OK;
}

int bb_call_tick(bb_call *c, uint64_t now_us)
{
    if (!c)
        return BB_E_ARG;
    if (now_us >= c->repeat_at)
        repeat(c, now_us);
    int rc = bb_media_tick(c->media, now_us);
    docs_pump(c->docs, c->media, now_us); /* acknowledged parts make room */
    take_controls(c);
    files_pump(c->files, c->media, now_us); /* after documents, and answering what came */
    return rc;
}

uint64_t bb_call_next_deadline(const bb_call *c)
{
    if (!c)
        return UINT64_MAX;
    uint64_t d = bb_media_next_deadline(c->media);
    if (!bb_call_settled(c) && c->repeat_at < d)
        d = c->repeat_at;
    return d;
}

int bb_call_poll_event(bb_call *c, bb_call_event *ev)
{
    if (!c || !ev)
        return BB_E_ARG;
    if (c->roster_dirty) {
        c->roster_dirty = 0;
        memset(ev, 0, sizeof(*ev));
        ev->type = BB_CALL_EVENT_ROSTER;
        return BB_OK;
    }
    free(c->handed_doc);
    c->handed_doc = NULL;
    if (!c->elen) {
        int rc = files_poll_event(c->files, ev, &c->handed_doc);
        if (rc == BB_OK && ev->type == BB_CALL_EVENT_FILE)
            c->st.files_in++;
        return rc;
    }
    *ev = c->events[c->ehead];
    c->handed_doc = c->event_doc[c->ehead];
    c->event_doc[c->ehead] = NULL;
    c->ehead = (c->ehead + 1) % BB_CALL_EVENTS_KEPT;
    c->elen--;
    return BB_OK;
}

bb_media *bb_call_media(bb_call *c) { return c ? c->media : NULL; }
const bb_e2ee *bb_call_e2ee(const bb_call *c) { return c ? c->e2ee : NULL; }
const bb_call_stats *bb_call_get_stats(const bb_call *c) { return c ? &c->st : NULL; }
