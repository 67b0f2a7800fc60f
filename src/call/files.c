/*
 * Files in the call: the owner's side and the receivers' (files.h).
 */
#include "files.h"

#include <stdlib.h>
#include <string.h>

#include "beeldbel/error.h"
#include "beeldbel/filetype.h"
#include "docs.h"
#include "mbedtls/sha256.h"
#include "../core/bytes.h"
#include "../core/utf8.h"

#define OFFER_FIXED 43
#define EVENTS 32
#define REPLIES 16
#define BURST_BYTES (16 * 1024)

enum rx_state { RX_GOING = 0, RX_HAS_IT, RX_OUT };

struct receiver {
    uint16_t feed;
    int state;
    bb_call_file_end why; /* RX_OUT */
    uint32_t have;        /* acknowledged from the start */
};

struct outgoing {
    int active;
    uint32_t id;
    uint8_t type;
    uint8_t sha[32];
    char name[BB_CALL_MAX_FILE_NAME + 1];
    size_t name_len;
    uint8_t *data;
    uint32_t size, next;
    int offer_due;
    struct receiver rx[BB_CALL_MAX_ROOM];
    int nrx;
    uint64_t progress_at;   /* the last time a receiver had more */
    uint32_t reported;      /* progress last given to the host */
    double budget;          /* bytes the file may still send now */
    uint64_t budget_at;
};

struct incoming {
    uint16_t from;          /* 0: free */
    uint32_t done_id;       /* every file of from's up to this one is over */
    int active;
    uint32_t id;
    uint8_t type;
    uint8_t sha[32];
    char name[BB_CALL_MAX_FILE_NAME + 1];
    uint8_t *data;
    uint32_t size, have, acked, reported;
    mbedtls_sha256_context hash;
    uint64_t asked_at;      /* the last resume or offer request */
};

/* A control message a receiver owes an owner (ACK) or anyone (CANCEL). */
struct reply {
    uint8_t msg[12];
    uint8_t len;
};

struct files {
    uint16_t self;
    uint32_t next_id;
    struct outgoing out;
    struct incoming in[BB_CALL_MAX_ROOM];
    size_t holding;         /* bytes allocated for incoming files */
    struct reply replies[REPLIES];
    int rhead, rlen;
    bb_call_event ev[EVENTS];
    uint8_t *ev_bytes[EVENTS];
    int ehead, elen;
    uint64_t now;
};

files *files_new(uint16_t self)
{
    files *f = calloc(1, sizeof(*f));
    if (f) {
        f->self = self;
        f->next_id = 1;
    }
    return f;
}

static void in_drop(files *f, struct incoming *x)
{
    if (x->active) {
        mbedtls_sha256_free(&x->hash);
        free(x->data);
        f->holding -= x->size;
        if (x->id > x->done_id)
            x->done_id = x->id;
    }
    x->active = 0;
    x->data = NULL;
    x->asked_at = 0;
}

static void out_drop(files *f)
{
    free(f->out.data);
    memset(&f->out, 0, sizeof(f->out));
}

void files_free(files *f)
{
    if (!f)
        return;
    out_drop(f);
    for (int i = 0; i < BB_CALL_MAX_ROOM; i++)
        in_drop(f, &f->in[i]);
    for (int i = 0; i < EVENTS; i++)
        free(f->ev_bytes[i]);
    free(f);
}

/* ---- events ---- */

static bb_call_event *event(files *f, bb_call_event_type type, uint32_t from, uint32_t id,
                            uint8_t *bytes)
{
    if (f->elen == EVENTS) { /* the host stopped reading: the oldest goes */
        free(f->ev_bytes[f->ehead]);
        f->ev_bytes[f->ehead] = NULL;
        f->ehead = (f->ehead + 1) % EVENTS;
        f->elen--;
    }
    int at = (f->ehead + f->elen++) % EVENTS;
    bb_call_event *e = &f->ev[at];
    memset(e, 0, sizeof(*e));
    e->type = type;
    e->from = from;
    e->file_id = id;
    f->ev_bytes[at] = bytes;
    return e;
}

static void describe_in(bb_call_event *e, const struct incoming *x)
{
    e->file_type = x->type;
    e->file_size = x->size;
    e->file_done = x->have;
    memcpy(e->file_sha256, x->sha, 32);
    memcpy(e->text, x->name, sizeof(x->name));
}

static void ended(files *f, uint32_t from, uint32_t id, bb_call_file_end why, uint32_t by)
{
    bb_call_event *e = event(f, BB_CALL_EVENT_FILE_ENDED, from, id, NULL);
    e->file_end = why;
    e->file_by = by;
}

int files_poll_event(files *f, bb_call_event *ev, uint8_t **bytes)
{
    *bytes = NULL;
    if (f->elen) {
        *ev = f->ev[f->ehead];
        *bytes = f->ev_bytes[f->ehead];
        f->ev_bytes[f->ehead] = NULL;
        f->ehead = (f->ehead + 1) % EVENTS;
        f->elen--;
        return BB_OK;
    }
    /* Progress is a state, not a queue: only its latest value is given. */
    struct outgoing *o = &f->out;
    if (o->active) {
        uint32_t least = o->size;
        for (int i = 0; i < o->nrx; i++)
            if (o->rx[i].state == RX_GOING && o->rx[i].have < least)
                least = o->rx[i].have;
        if (least != o->reported) {
            o->reported = least;
            memset(ev, 0, sizeof(*ev));
            ev->type = BB_CALL_EVENT_FILE_PROGRESS;
            ev->from = f->self;
            ev->file_id = o->id;
            ev->file_type = o->type;
            ev->file_size = o->size;
            ev->file_done = least;
            return BB_OK;
        }
    }
    for (int i = 0; i < BB_CALL_MAX_ROOM; i++) {
        struct incoming *x = &f->in[i];
        if (x->active && x->have != x->reported) {
            x->reported = x->have;
            memset(ev, 0, sizeof(*ev));
            ev->type = BB_CALL_EVENT_FILE_PROGRESS;
            ev->from = x->from;
            ev->file_id = x->id;
            describe_in(ev, x);
            return BB_OK;
        }
    }
    return BB_E_AGAIN;
}

/* ---- the owner's side ---- */

int files_send(files *f, const uint16_t *to, int nto, int type, const char *name,
               size_t name_len, const uint8_t *data, size_t len, uint32_t *id)
{
    if (!data || !name || !id || type < BB_FILE_PDF || type > BB_FILE_PNG || !len || !name_len ||
        name_len > BB_CALL_MAX_FILE_NAME ||
        !bb_utf8_plain_name((const unsigned char *)name, name_len))
        return BB_E_ARG;
    if (len > BB_CALL_MAX_FILE)
        return BB_E_TOO_LARGE;
    if (bb_file_sniff(data, len, NULL) != type)
        return BB_E_PARSE;
    if (nto <= 0)
        return BB_E_STATE;
    if (f->out.active)
        return BB_E_AGAIN;
    struct outgoing *o = &f->out;
    memset(o, 0, sizeof(*o));
    if (!(o->data = malloc(len)))
        return BB_E_NOMEM;
    memcpy(o->data, data, len);
    mbedtls_sha256_ret(data, len, o->sha, 0);
    memcpy(o->name, name, name_len);
    o->name_len = name_len;
    o->active = 1;
    o->id = f->next_id++;
    o->type = (uint8_t)type;
    o->size = (uint32_t)len;
    o->offer_due = 1;
    o->progress_at = f->now;
    o->budget_at = f->now;
    for (int i = 0; i < nto && i < BB_CALL_MAX_ROOM; i++)
        o->rx[o->nrx++] = (struct receiver){ .feed = to[i] };
    *id = o->id;
    return BB_OK;
}

/* Every receiver has it or is out: the file is over. */
static void out_check_done(files *f)
{
    struct outgoing *o = &f->out;
    if (!o->active)
        return;
    bb_call_file_end why = BB_CALL_FILE_DELIVERED;
    uint32_t by = 0;
    for (int i = 0; i < o->nrx; i++) {
        if (o->rx[i].state == RX_GOING)
            return;
        if (o->rx[i].state == RX_OUT && why == BB_CALL_FILE_DELIVERED) {
            why = o->rx[i].why; /* the first who does not have it says why */
            by = o->rx[i].feed;
        }
    }
    ended(f, f->self, o->id, why, by);
    out_drop(f);
}

static struct receiver *receiver(struct outgoing *o, uint32_t feed)
{
    for (int i = 0; i < o->nrx; i++)
        if (o->rx[i].feed == feed)
            return &o->rx[i];
    return NULL;
}

static void take_ack(files *f, uint32_t from, uint32_t id, uint32_t have, int flags)
{
    struct outgoing *o = &f->out;
    struct receiver *r = o->active && o->id == id ? receiver(o, from) : NULL;
    if (!r || r->state != RX_GOING || have > o->size)
        return;
    if (flags & FILE_ACK_OFFER) {
        o->offer_due = 1;
        o->next = 0;
        return;
    }
    if (have > r->have) {
        r->have = have;
        o->progress_at = f->now;
    }
    if ((flags & FILE_ACK_RESUME) && have < o->next)
        o->next = have;
    if (r->have == o->size) {
        r->state = RX_HAS_IT;
        out_check_done(f);
    }
}

static int send_ctl(bb_media *m, const uint8_t *msg, size_t len, uint64_t now_us)
{
    if (bb_media_control_room(m) <= DOC_KEEP_ROOM)
        return BB_E_AGAIN;
    return bb_media_send_control(m, msg, len, now_us);
}

static void out_pump(files *f, bb_media *m, uint64_t now_us)
{
    struct outgoing *o = &f->out;
    bb_media_set_side(m, o->active);
    if (!o->active)
        return;
    int kbps = bb_media_side_kbps(m);
    double rate = kbps * 1000.0 / 8 / 1e6; /* bytes per microsecond */
    if (now_us > o->budget_at)
        o->budget += (double)(now_us - o->budget_at) * rate;
    o->budget_at = now_us;
    if (o->budget > BURST_BYTES)
        o->budget = BURST_BYTES;
    uint8_t msg[BB_MEDIA_MAX_CONTROL];
    if (o->offer_due) {
        msg[0] = FILE_TAG_OFFER;
        wr32(msg + 1, o->id);
        wr32(msg + 5, o->size);
        msg[9] = o->type;
        memcpy(msg + 10, o->sha, 32);
        msg[42] = (uint8_t)o->name_len;
        memcpy(msg + OFFER_FIXED, o->name, o->name_len);
        if (send_ctl(m, msg, OFFER_FIXED + o->name_len, now_us) != BB_OK)
            return;
        o->offer_due = 0;
    }
    /* Everything sent, but someone still lacks a part the channel gave
     * up: from what everyone holds, again. */
    if (o->next >= o->size && now_us - o->progress_at >= FILE_STALL_US) {
        uint32_t least = o->size;
        for (int i = 0; i < o->nrx; i++)
            if (o->rx[i].state == RX_GOING && o->rx[i].have < least)
                least = o->rx[i].have;
        o->next = least;
        o->progress_at = now_us;
    }
    while (o->next < o->size && o->budget >= FILE_PART_HEADER + FILE_PART) {
        uint32_t n = o->size - o->next < FILE_PART ? o->size - o->next : FILE_PART;
        msg[0] = FILE_TAG_PART;
        wr32(msg + 1, o->id);
        wr32(msg + 5, o->next);
        memcpy(msg + FILE_PART_HEADER, o->data + o->next, n);
        if (send_ctl(m, msg, FILE_PART_HEADER + n, now_us) != BB_OK)
            return;
        o->next += n;
        o->budget -= FILE_PART_HEADER + n;
    }
}

/* ---- the receivers' side ---- */

static void reply(files *f, const uint8_t *msg, size_t len)
{
    if (f->rlen == REPLIES) /* the oldest is repeated by what caused it */
        f->rhead = (f->rhead + 1) % REPLIES, f->rlen--;
    struct reply *r = &f->replies[(f->rhead + f->rlen++) % REPLIES];
    memcpy(r->msg, msg, len);
    r->len = (uint8_t)len;
}

static void send_cancel(files *f, uint32_t owner, uint32_t id, bb_call_file_end why)
{
    uint8_t msg[8] = { FILE_TAG_CANCEL };
    wr16(msg + 1, owner);
    wr32(msg + 3, id);
    msg[7] = (uint8_t)why;
    reply(f, msg, sizeof(msg));
}

static struct incoming *incoming(files *f, uint32_t from, int make)
{
    struct incoming *free_slot = NULL;
    for (int i = 0; i < BB_CALL_MAX_ROOM; i++) {
        if (f->in[i].from == from)
            return &f->in[i];
        if (!f->in[i].from && !free_slot)
            free_slot = &f->in[i];
    }
    if (!make || !free_slot)
        return NULL;
    memset(free_slot, 0, sizeof(*free_slot));
    free_slot->from = (uint16_t)from;
    return free_slot;
}

static int take_offer(files *f, uint32_t from, const uint8_t *p, size_t len)
{
    if (len < OFFER_FIXED || len != OFFER_FIXED + (size_t)p[42])
        return -1;
    uint32_t id = rd32(p + 1), size = rd32(p + 5);
    size_t name_len = p[42];
    if (!id || !size || size > BB_CALL_MAX_FILE || p[9] < BB_FILE_PDF || p[9] > BB_FILE_PNG ||
        !name_len || name_len > BB_CALL_MAX_FILE_NAME ||
        !bb_utf8_plain_name(p + OFFER_FIXED, name_len))
        return -1;
    struct incoming *x = incoming(f, from, 1);
    if (!x)
        return -1;
    if (id <= x->done_id || (x->active && x->id == id))
        return 0; /* over, or offered again for one that missed it */
    if (x->active) { /* its sender moved on to another file */
        ended(f, from, x->id, BB_CALL_FILE_CANCELLED, 0);
        in_drop(f, x);
    }
    if (f->holding + size > FILE_MEMORY || !(x->data = malloc(size))) {
        x->done_id = id;
        send_cancel(f, from, id, BB_CALL_FILE_NO_ROOM);
        bb_call_event *e = event(f, BB_CALL_EVENT_FILE_ENDED, from, id, NULL);
        e->file_end = BB_CALL_FILE_NO_ROOM;
        e->file_size = size;
        return 0;
    }
    f->holding += size;
    x->active = 1;
    x->id = id;
    x->type = p[9];
    x->size = size;
    x->have = x->acked = x->reported = 0;
    memcpy(x->sha, p + 10, 32);
    memset(x->name, 0, sizeof(x->name));
    memcpy(x->name, p + OFFER_FIXED, name_len);
    mbedtls_sha256_init(&x->hash);
    mbedtls_sha256_starts_ret(&x->hash, 0);
    describe_in(event(f, BB_CALL_EVENT_FILE_OFFER, from, id, NULL), x);
    return 0;
}

/* Asks the owner for what the channel lost: the rest from what we hold
 * (FILE_ACK_RESUME) or the offer (FILE_ACK_OFFER); at most once per
 * FILE_ASK_AGAIN_US while nothing new arrives. */
static void ask(files *f, struct incoming *x, uint32_t id, int flags)
{
    if (x->asked_at && f->now - x->asked_at < FILE_ASK_AGAIN_US)
        return;
    uint8_t msg[12] = { FILE_TAG_ACK };
    wr16(msg + 1, x->from);
    wr32(msg + 3, id);
    wr32(msg + 7, flags & FILE_ACK_OFFER ? 0 : x->have);
    msg[11] = (uint8_t)flags;
    reply(f, msg, sizeof(msg));
    x->asked_at = f->now ? f->now : 1;
}

static void acknowledge(files *f, struct incoming *x)
{
    uint8_t msg[12] = { FILE_TAG_ACK };
    wr16(msg + 1, x->from);
    wr32(msg + 3, x->id);
    wr32(msg + 7, x->have);
    msg[11] = 0;
    reply(f, msg, sizeof(msg));
    x->acked = x->have;
}

static void finish(files *f, struct incoming *x)
{
    uint8_t sha[32];
    mbedtls_sha256_finish_ret(&x->hash, sha);
    bb_call_file_end why = 0;
    if (memcmp(sha, x->sha, 32))
        why = BB_CALL_FILE_DAMAGED;
    else if (bb_file_sniff(x->data, x->size, NULL) != x->type)
        why = BB_CALL_FILE_WRONG_TYPE;
    if (why) {
        send_cancel(f, x->from, x->id, why);
        ended(f, x->from, x->id, why, 0);
        in_drop(f, x);
        return;
    }
    acknowledge(f, x);
    bb_call_event *e = event(f, BB_CALL_EVENT_FILE, x->from, x->id, x->data);
    describe_in(e, x);
    e->doc = x->data;
    e->doc_len = x->size;
    x->data = NULL; /* the event's now */
    mbedtls_sha256_free(&x->hash);
    f->holding -= x->size;
    x->done_id = x->id;
    x->active = 0;
}

/* About 32 acknowledgements a file, for the sender's progress bar: at
 * least every FILE_ACK_MIN bytes, at most every FILE_ACK_EVERY. */
static uint32_t ack_every(uint32_t size)
{
    uint32_t n = size / 32;
    return n < FILE_ACK_MIN ? FILE_ACK_MIN : n > FILE_ACK_EVERY ? FILE_ACK_EVERY : n;
}

static int take_part(files *f, uint32_t from, const uint8_t *p, size_t len)
{
    if (len <= FILE_PART_HEADER)
        return -1;
    uint32_t id = rd32(p + 1), at = rd32(p + 5), n = (uint32_t)(len - FILE_PART_HEADER);
    struct incoming *x = incoming(f, from, 1);
    if (!x)
        return -1;
    if (!x->active || x->id != id) {
        if (id > x->done_id && (!x->active || id > x->id))
            ask(f, x, id, FILE_ACK_OFFER); /* its offer was lost to an outage */
        return 0;
    }
    if (at > x->size || n > x->size - at)
        return -1;
    if (at < x->have)
        return 0; /* sent again for someone else */
    if (at > x->have) {
        ask(f, x, id, FILE_ACK_RESUME); /* a gap: the channel gave parts up */
        return 0;
    }
    memcpy(x->data + at, p + FILE_PART_HEADER, n);
    mbedtls_sha256_update_ret(&x->hash, p + FILE_PART_HEADER, n);
    x->have += n;
    x->asked_at = 0;
    if (x->have == x->size)
        finish(f, x);
    else if (x->have - x->acked >= ack_every(x->size))
        acknowledge(f, x);
    return 0;
}

static int take_cancel(files *f, uint32_t from, const uint8_t *p, size_t len)
{
    if (len != 8 || !p[7] || p[7] > BB_CALL_FILE_LEFT)
        return -1;
    uint32_t owner = rd16(p + 1), id = rd32(p + 3);
    if (owner == from) { /* withdrawn by its sender */
        struct incoming *x = incoming(f, from, 0);
        if (x && x->active && x->id == id) {
            ended(f, from, id, BB_CALL_FILE_CANCELLED, 0);
            in_drop(f, x);
        } else if (x && id > x->done_id) {
            x->done_id = id;
        }
        return 0;
    }
    if (owner != f->self)
        return 0; /* between others */
    struct outgoing *o = &f->out;
    struct receiver *r = o->active && o->id == id ? receiver(o, from) : NULL;
    if (r && r->state == RX_GOING) {
        r->state = RX_OUT;
        r->why = p[7] == BB_CALL_FILE_NO_ROOM || p[7] == BB_CALL_FILE_DAMAGED ||
                         p[7] == BB_CALL_FILE_WRONG_TYPE
                     ? (bb_call_file_end)p[7]
                     : BB_CALL_FILE_DECLINED;
        out_check_done(f);
    }
    return 0;
}

int files_receive(files *f, uint32_t from, const uint8_t *p, size_t len, uint64_t now_us)
{
    if (!from || from > 0xffff || from == f->self || !len)
        return -1;
    if (now_us > f->now)
        f->now = now_us;
    switch (p[0]) {
    case FILE_TAG_OFFER:
        return take_offer(f, from, p, len);
    case FILE_TAG_PART:
        return take_part(f, from, p, len);
    case FILE_TAG_ACK:
        if (len != 12 || p[11] > (FILE_ACK_RESUME | FILE_ACK_OFFER))
            return -1;
        if (rd16(p + 1) == f->self)
            take_ack(f, from, rd32(p + 3), rd32(p + 7), p[11]);
        return 0;
    case FILE_TAG_CANCEL:
        return take_cancel(f, from, p, len);
    }
    return -1;
}

int files_cancel(files *f, uint32_t owner, uint32_t id)
{
    if (owner == f->self) {
        if (!f->out.active || f->out.id != id)
            return BB_E_ARG;
        send_cancel(f, owner, id, BB_CALL_FILE_CANCELLED);
        ended(f, owner, id, BB_CALL_FILE_CANCELLED, 0);
        out_drop(f);
        return BB_OK;
    }
    struct incoming *x = incoming(f, owner, 0);
    if (!x || !x->active || x->id != id)
        return BB_E_ARG;
    send_cancel(f, owner, id, BB_CALL_FILE_DECLINED);
    ended(f, owner, id, BB_CALL_FILE_DECLINED, f->self);
    in_drop(f, x);
    return BB_OK;
}

void files_forget(files *f, uint32_t from)
{
    struct incoming *x = incoming(f, from, 0);
    if (x) {
        if (x->active)
            ended(f, from, x->id, BB_CALL_FILE_LEFT, 0);
        in_drop(f, x);
        x->from = 0; /* a feed number may come back as someone else */
    }
    struct receiver *r = f->out.active ? receiver(&f->out, from) : NULL;
    if (r && r->state == RX_GOING) {
        r->state = RX_OUT;
        r->why = BB_CALL_FILE_LEFT;
        out_check_done(f);
    }
}

void files_pump(files *f, bb_media *m, uint64_t now_us)
{
    if (now_us > f->now)
        f->now = now_us;
    while (f->rlen) { /* what receivers owe first: small, and others wait on it */
        struct reply *r = &f->replies[f->rhead];
        if (send_ctl(m, r->msg, r->len, now_us) != BB_OK)
            return;
        f->rhead = (f->rhead + 1) % REPLIES;
        f->rlen--;
    }
    out_pump(f, m, now_us);
}
