/*
 * Documents in the call, cut into control messages and put together again
 * (docs.h).
 */
#include "docs.h"

#include <stdlib.h>
#include <string.h>

#include "beeldbel/error.h"
#include "../core/bytes.h"

struct outgoing {
    uint8_t kind;
    uint32_t id;
    uint8_t *data;
    size_t len;
    uint16_t next, parts;
};

struct incoming {
    uint32_t from;  /* 0: free */
    uint8_t kind;
    uint32_t id;
    uint16_t next, parts;
    uint8_t *data;
    size_t len, have;
};

struct docs {
    struct outgoing out[BB_CALL_DOCS_QUEUED];
    int ohead, olen;
    uint32_t next_id;
    struct incoming in[BB_CALL_MAX_ROOM];
};


docs *docs_new(void)
{
    docs *d = calloc(1, sizeof(*d));
    if (d)
        d->next_id = 1;
    return d;
}

void docs_free(docs *d)
{
    if (!d)
        return;
    for (int i = 0; i < BB_CALL_DOCS_QUEUED; i++)
        free(d->out[i].data);
    for (int i = 0; i < BB_CALL_MAX_ROOM; i++)
        free(d->in[i].data);
    free(d);
}

int docs_queue(docs *d, uint8_t kind, const uint8_t *data, size_t len)
{
    if (!kind || kind > BB_CALL_DOC_KIND_MAX || !data || !len)
        return BB_E_ARG;
    if (len > BB_CALL_MAX_DOC)
        return BB_E_TOO_LARGE;
    if (d->olen == BB_CALL_DOCS_QUEUED)
        return BB_E_AGAIN;
    struct outgoing *o = &d->out[(d->ohead + d->olen) % BB_CALL_DOCS_QUEUED];
    o->data = malloc(len);
    if (!o->data)
        return BB_E_NOMEM;
    memcpy(o->data, data, len);
    o->len = len;
    o->kind = kind;
    o->id = d->next_id++;
    o->next = 0;
    o->parts = (uint16_t)((len + DOC_PART - 1) / DOC_PART);
    d->olen++;
    return BB_OK;
}

int docs_queued(const docs *d)
{
    return d ? d->olen : 0;
}

void docs_pump(docs *d, bb_media *m, uint64_t now_us)
{
    uint8_t msg[BB_MEDIA_MAX_CONTROL];
    while (d->olen && bb_media_control_room(m) > DOC_KEEP_ROOM) {
        struct outgoing *o = &d->out[d->ohead];
        size_t at = (size_t)o->next * DOC_PART, n = o->len - at < DOC_PART ? o->len - at : DOC_PART;
        msg[0] = DOC_TAG;
        msg[1] = o->kind;
        wr32(msg + 2, o->id);
        wr16(msg + 6, o->next);
        wr16(msg + 8, o->parts);
        wr32(msg + 10, (uint32_t)o->len);
        memcpy(msg + DOC_HEADER, o->data + at, n);
        if (bb_media_send_control(m, msg, DOC_HEADER + n, now_us) != BB_OK)
            return;
        if (++o->next == o->parts) {
            free(o->data);
            memset(o, 0, sizeof(*o));
            d->ohead = (d->ohead + 1) % BB_CALL_DOCS_QUEUED;
            d->olen--;
        }
    }
}

static struct incoming *slot_for(docs *d, uint32_t from)
{
    struct incoming *free_slot = NULL;
    for (int i = 0; i < BB_CALL_MAX_ROOM; i++) {
        if (d->in[i].from == from)
            return &d->in[i];
        if (!d->in[i].from && !free_slot)
            free_slot = &d->in[i];
    }
    if (free_slot)
        free_slot->from = from;
    return free_slot;
}

static void drop(struct incoming *x)
{
    free(x->data);
    uint32_t from = x->from;
    memset(x, 0, sizeof(*x));
    x->from = from;
}

int docs_receive(docs *d, uint32_t from, const uint8_t *p, size_t len, uint8_t *out_kind,
                 uint8_t **out, size_t *out_len)
{
    if (len <= DOC_HEADER || p[0] != DOC_TAG || !from)
        return -1;
    uint8_t kind = p[1];
    uint32_t id = rd32(p + 2), total = rd32(p + 10);
    uint16_t part = rd16(p + 6), parts = rd16(p + 8);
    size_t n = len - DOC_HEADER;
    if (!kind || kind > BB_CALL_DOC_KIND_MAX || !total || total > BB_CALL_MAX_DOC ||
        parts != (total + DOC_PART - 1) / DOC_PART || part >= parts ||
        n != (part + 1u == parts ? total - (size_t)part * DOC_PART : DOC_PART))
        return -1;
    struct incoming *x = slot_for(d, from);
    if (!x)
        return -1;
    if (part == 0) {
        drop(x);
        x->data = malloc(total);
        if (!x->data)
            return -1;
        x->kind = kind;
        x->id = id;
        x->parts = parts;
        x->len = total;
    } else if (!x->data || x->id != id || x->kind != kind || x->next != part || x->len != total) {
        drop(x); /* a part of something we do not hold: its start was given up */
        return -1;
    }
    memcpy(x->data + x->have, p + DOC_HEADER, n);
    x->have += n;
    x->next++;
    if (x->next < x->parts)
        return 0;
    *out_kind = x->kind;
    *out = x->data;
    *out_len = x->len;
    x->data = NULL;
    drop(x);
    return 1;
}

void docs_forget(docs *d, uint32_t from)
{
    for (int i = 0; i < BB_CALL_MAX_ROOM; i++)
        if (d->in[i].from == from) {
            drop(&d->in[i]);
            d->in[i].from = 0;
        }
}
