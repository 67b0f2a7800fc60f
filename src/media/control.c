/*
 * The reliable control channel. The SFU relays everything unordered and
 * unreliably, so control messages carry their own sequence numbers; every
 * peer acknowledges cumulatively; the sender repeats each message until all
 * known peers have it (or 10 s pass); receivers deliver in order, once.
 */
#include <stdlib.h>
#include <string.h>

#include "beeldbel/error.h"
#include "engine.h"

static void inbox_put(bb_media *m, uint32_t from, const uint8_t *d, size_t len)
{
    if (m->in_n == CTL_INBOX) /* host not reading: oldest goes */
        m->in_head = (m->in_head + 1) % CTL_INBOX, m->in_n--;
    struct inbox_msg *x = &m->inbox[(m->in_head + m->in_n) % CTL_INBOX];
    x->from = from;
    x->len = (uint16_t)len;
    memcpy(x->data, d, len);
    m->in_n++;
}

/* Delivers what waited in the stash for the next number. */
static void deliver_stashed(bb_media *m, struct peer *p)
{
    for (;;) {
        struct ctl_stash *s = &p->stash[p->next_ctl % CTL_STASH];
        if (!s->used || s->seq != p->next_ctl)
            return;
        inbox_put(m, p->ssrc, s->data, s->len);
        s->used = 0;
        p->next_ctl++;
    }
}

int bbm_control_receive(bb_media *m, struct peer *p, const wire_msg *w)
{
    /* A peer new to this sender starts at the oldest message the sender
     * still repeats, so nothing sent since it became known is skipped. */
    if (!p->have_ctl) {
        p->have_ctl = 1;
        p->next_ctl = EXT_BASE + w->ctl_base;
    }
    int64_t seq = unwrap(p->next_ctl, w->ctl_seq, 32);
    p->ack_pending = 1; /* duplicates too: our earlier ack may be lost */
    /* What the sender no longer repeats (it gave up after CTL_GIVE_UP_US
     * without everyone's ack: we were away) will not come again; waiting
     * for it would stop this sender's channel for good. Its user learns of
     * the gap from what it numbers itself (a file's offsets). The base is
     * the sender's own, sealed with its key, and never past the message. */
    int64_t base = unwrap(p->next_ctl, w->ctl_base, 32);
    if (base > p->next_ctl && base <= seq) {
        for (int i = 0; i < CTL_STASH; i++)
            if (p->stash[i].used && p->stash[i].seq < base)
                p->stash[i].used = 0;
        m->st.control_skipped += (uint64_t)(base - p->next_ctl);
        p->next_ctl = base;
        deliver_stashed(m, p);
    }
    if (seq < p->next_ctl)
        return 1 + BB_MEDIA_REJECT_DUPLICATE;
    if (seq >= p->next_ctl + CTL_STASH)
        return 1 + BB_MEDIA_REJECT_STALE; /* outside the window; it will come again */
    if (seq == p->next_ctl) {
        inbox_put(m, p->ssrc, w->payload, w->payload_len);
        p->next_ctl++;
        deliver_stashed(m, p);
        return 0;
    }
    struct ctl_stash *s = &p->stash[seq % CTL_STASH];
    if (s->used && s->seq == seq)
        return 1 + BB_MEDIA_REJECT_DUPLICATE;
    s->used = 1;
    s->seq = seq;
    s->len = (uint16_t)w->payload_len;
    memcpy(s->data, w->payload, w->payload_len);
    return 0;
}

void bbm_control_receive_ack(bb_media *m, struct peer *p, const wire_msg *w)
{
    if (w->to != m->cfg.ssrc)
        return;
    int64_t base = (int64_t)m->ctl_seq;
    int64_t acked = unwrap(base, w->ctl_seq, 32);
    if (acked > base)
        return; /* acknowledges what we never sent */
    if (acked > p->ctl_acked || !p->ctl_acked)
        p->ctl_acked = acked;
}

int bb_media_send_control(bb_media *m, const uint8_t *data, size_t len, uint64_t now_us)
{
    if (!m || !data || !len || len > BB_MEDIA_MAX_CONTROL)
        return BB_E_ARG;
    media_clock(m, (int64_t)now_us);
    struct ctl_out *c = NULL;
    for (int i = 0; i < CTL_PENDING && !c; i++)
        if (!m->ctl[i].used)
            c = &m->ctl[i];
    if (!c)
        return BB_E_AGAIN; /* too much unacknowledged: the caller retries */
    wire_msg w = { 0 };
    w.type = WIRE_CONTROL;
    w.ssrc = m->cfg.ssrc;
    w.ctl_seq = m->ctl_seq++;
    w.ctl_base = w.ctl_seq;
    for (int i = 0; i < CTL_PENDING; i++) /* the oldest still pending */
        if (m->ctl[i].used && (int32_t)((uint32_t)m->ctl[i].seq - w.ctl_base) < 0)
            w.ctl_base = (uint32_t)m->ctl[i].seq;
    w.payload = data;
    w.payload_len = len;
    size_t n = bbm_wire_write(&w, c->data, sizeof(c->data));
    if (!n)
        return BB_E_ARG;
    c->used = 1;
    c->seq = w.ctl_seq;
    c->len = (uint16_t)n;
    c->first_us = c->last_us = m->now;
    /* Taken: from here on it is sent, now or by the retransmission timer
     * when the send queue is full, so the caller must not send it again. */
    if (bbm_media_enqueue(m, c->data, n, BB_MEDIA_MSG_CONTROL) != BB_OK)
        c->last_us = m->now - CTL_GIVE_UP_US; /* due at the next timer run */
    return BB_OK;
}

int bb_media_control_room(const bb_media *m)
{
    int n = 0;
    for (int i = 0; m && i < CTL_PENDING; i++)
        n += !m->ctl[i].used;
    return n;
}

int bb_media_poll_control(bb_media *m, uint32_t *from, uint8_t *out, size_t cap, size_t *len)
{
    if (!m || !from || !out || !len)
        return BB_E_ARG;
    *len = 0;
    if (!m->in_n)
        return BB_E_AGAIN;
    struct inbox_msg *x = &m->inbox[m->in_head];
    if (x->len > cap)
        return BB_E_BUFFER;
    memcpy(out, x->data, x->len);
    *len = x->len;
    *from = x->from;
    m->in_head = (m->in_head + 1) % CTL_INBOX;
    m->in_n--;
    return BB_OK;
}

/* 1 while someone in the call has not acknowledged c (or nobody is there). */
static int ctl_unacked(const bb_media *m, const struct ctl_out *c)
{
    int any = 0;
    for (int j = 0; j < BB_MEDIA_MAX_PEERS; j++) {
        const struct peer *p = &m->peers[j];
        if (!p->used)
            continue;
        any = 1;
        /* ctl_acked 0 means "nothing acked yet" (seq 0 is never used
         * as an ack value by a peer that received something). */
        if (!p->ctl_acked || unwrap(c->seq, (uint32_t)p->ctl_acked, 32) <= c->seq)
            return 1;
    }
    return !any;
}

int bb_media_control_unacked(const bb_media *m)
{
    int n = 0;
    for (int i = 0; m && i < CTL_PENDING; i++)
        n += m->ctl[i].used && ctl_unacked(m, &m->ctl[i]);
    return n;
}

/* Retransmits control messages some peer has not acknowledged; drops those
 * all peers have, or that are 10 s old. */
void bbm_control_timers(bb_media *m)
{
    int64_t every = m->srtt_us ? m->srtt_us * 2 : 200000;
    if (every < 50000)
        every = 50000;
    for (int i = 0; i < CTL_PENDING; i++) {
        struct ctl_out *c = &m->ctl[i];
        if (!c->used)
            continue;
        if (!ctl_unacked(m, c)) {
            c->used = 0;
            continue;
        }
        if (m->now - c->first_us > CTL_GIVE_UP_US) {
            c->used = 0;
            m->st.control_given_up++;
            continue;
        }
        if (m->now - c->last_us >= every && !bbm_media_enqueue(m, c->data, c->len, BB_MEDIA_MSG_CONTROL))
            c->last_us = m->now;
    }
}


void bbm_control_send_ack(bb_media *m, struct peer *p)
{
    wire_msg w = { 0 };
    w.type = WIRE_CONTROL_ACK;
    w.ssrc = m->cfg.ssrc;
    w.to = p->ssrc;
    w.ctl_seq = (uint32_t)p->next_ctl;
    if (!bbm_media_send_wire(m, &w, BB_MEDIA_MSG_CONTROL))
        p->ack_pending = 0;
}
