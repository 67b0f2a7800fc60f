/*
 * The receiving side, per remote sender: transport bookkeeping (duplicates,
 * replays, loss detection with reordering tolerance, jitter, the delay
 * estimator), frame reassembly, the audio buffer's intake, and the receiver
 * reports with NACKs and keyframe requests that go back.
 */
#include <stdlib.h>
#include <string.h>

#include "beeldbel/error.h"
#include "engine.h"

static void nack_remove(struct peer *p, int64_t seq, int64_t now, int is_rtx)
{
    for (int i = 0; i < p->n_nack; i++) {
        if (p->nack[i].seq != seq)
            continue;
        if (!is_rtx) {
            /* Not lost, only overtaken: learn how long to wait before
             * asking, so reordering does not cause a retransmission storm.
             * Decays by 1/64 per sample towards the present. */
            int64_t late = now - p->nack[i].detected_us;
            if (late > p->reorder_us)
                p->reorder_us = late;
            else
                p->reorder_us -= (p->reorder_us - late) / 64;
        } else if (p->nack[i].tries) { /* it came back because we asked: an RTT sample */
            int64_t s = now - p->nack[i].last_sent_us;
            if (s > 0 && s < 3000000)
                p->rx_rtt_us = (p->rx_rtt_us * 7 + s) / 8;
            p->st.recovered_nack++;
        }
        p->nack[i] = p->nack[--p->n_nack];
        return;
    }
}

/*
 * Transport bookkeeping for a media packet: duplicate and replay checks,
 * loss detection (new NACK entries), jitter, delay estimation. Returns 0,
 * or a rejection reason + 1.
 */
int bbm_receiver_track_packet(bb_media *m, struct peer *p, const wire_msg *w, size_t len)
{
    int64_t now = m->now;
    int64_t seq = p->have_tseq ? unwrap(p->max_tseq, w->tseq, 16) : EXT_BASE + w->tseq;
    if (p->have_tseq && seq <= p->max_tseq - RECV_WIN)
        return 1 + BB_MEDIA_REJECT_STALE;
    if (p->have_tseq && p->rx_seq[seq % RECV_WIN] == seq)
        return 1 + BB_MEDIA_REJECT_DUPLICATE;
    if (!p->have_tseq) {
        p->have_tseq = 1;
        p->max_tseq = seq;
        p->interval_base = seq - 1;
    } else if (seq > p->max_tseq) {
        int64_t gap = seq - p->max_tseq - 1;
        if (gap > MAX_NACKS) { /* a long outage: NACKs can't help, a keyframe will */
            p->n_nack = 0;
            p->interval_base = seq - 1;
            p->interval_received = 0;
        } else {
            for (int64_t s = p->max_tseq + 1; s < seq; s++) {
                if (p->n_nack == MAX_NACKS)
                    memmove(p->nack, p->nack + 1, sizeof(p->nack[0]) * --p->n_nack);
                p->nack[p->n_nack++] = (struct nack_entry){ s, now, 0, 0 };
                p->loss_seen_us = now;
            }
        }
        p->max_tseq = seq;
    } else {
        nack_remove(p, seq, now, 0);
    }
    p->rx_seq[seq % RECV_WIN] = seq;
    p->interval_received++;
    p->st.packets++;

    /* Sender clock, unwrapped. */
    if (!p->have_clock) {
        p->have_clock = 1;
        p->last_send_ext = w->send_us;
        p->last_capture_ext = w->capture_us;
    }
    int64_t send = unwrap(p->last_send_ext, w->send_us, 32);
    if (send > p->last_send_ext)
        p->last_send_ext = send;
    if (seq == p->max_tseq) {
        p->newest_send_us = w->send_us;
        p->newest_arrival = now;
    }
    int64_t transit = now - send;
    if (p->have_transit) {
        int64_t d = transit - p->prev_transit;
        if (d < 0)
            d = -d;
        p->jitter_us += ((double)d - p->jitter_us) / 16.0;
    }
    p->prev_transit = transit;
    p->have_transit = 1;
    p->st.jitter_us = (int)p->jitter_us;
    bbm_delay_est_packet(&p->est, send, now, (int)len);
    if (w->flags & WIRE_FLAG_RTX) {
        int64_t orig = unwrap(p->max_tseq, w->orig_tseq, 16);
        nack_remove(p, orig, now, 1);
        /* The original number counts as received now, so a late copy of
         * the original is seen as the duplicate it is. */
        if (orig > p->max_tseq - RECV_WIN)
            p->rx_seq[orig % RECV_WIN] = orig;
    }
    return 0;
}

/* Local time minus sender capture time, minimum over the last 5-10 s: the
 * fastest path plus the clock offset. Playout is scheduled from it. */
static void update_base(struct peer *p, int64_t capture, int64_t now)
{
    int64_t d = now - capture;
    if (!p->base_window_start) {
        p->base_window_start = now;
        p->base_cur = p->base_prev = d;
    }
    if (now - p->base_window_start > 5000000) {
        p->base_prev = p->base_cur;
        p->base_cur = d;
        p->base_window_start = now;
    }
    if (d < p->base_cur)
        p->base_cur = d;
}

int64_t bbm_receiver_base(const struct peer *p)
{
    return p->base_cur < p->base_prev ? p->base_cur : p->base_prev;
}

static int64_t capture_ext(struct peer *p, uint32_t cap)
{
    int64_t c = unwrap(p->last_capture_ext, cap, 32);
    if (c > p->last_capture_ext)
        p->last_capture_ext = c;
    return c;
}

/* Media that arrives more than this behind the usual delay is dropped:
 * after an outage an SFU's SCTP delivers what it held all at once, seconds
 * late. Played, or counted as jitter, it would hold the playout seconds
 * behind for good; a conversation is better off without it. */
#define MAX_LATE_US 1000000

static int too_late(struct peer *p, uint32_t capture_us, int64_t now)
{
    return p->base_window_start && now - capture_ext(p, capture_us) - bbm_receiver_base(p) > MAX_LATE_US;
}

/* Nothing from a peer for this long, then media again: its path was down
 * (or it sent nothing). What was captured before the path came back and
 * arrives now is late because of the outage (an SFU's SCTP holds it, then
 * delivers it at once), not because of the path's jitter: followed as
 * jitter, it would hold the playout up to MAX_LATE_US behind for the
 * seconds the need takes to decay. Well above the gaps of a call going
 * well: Opus DTX sends a packet every 400 ms in silence, the lowest rung
 * 5 pictures a second. (After a shorter outage the window holds enough
 * other samples for playout_need() to let its burst go as a spike.) */
#define OUTAGE_US 700000

static void media_arrived(struct peer *p, int64_t now)
{
    if (p->last_media_us && now - p->last_media_us > OUTAGE_US)
        p->resumed_us = now;
    p->last_media_us = now;
}

/* Whether media captured at capture (local clock) was due before the path
 * came back: held by the outage, its delay says nothing of the path. */
static int held_by_outage(const struct peer *p, int64_t capture)
{
    return p->resumed_us && capture + bbm_receiver_base(p) < p->resumed_us;
}

/* How long the sender held this packet's media before it sent it (its
 * encoder, pacer, and any stall of its own thread), on the sender's clock.
 * A retransmission is stamped anew when it is sent: its wait is loss
 * recovery, part of the path, so it has no hold of its own here. */
static int64_t sender_hold(const wire_msg *w)
{
    if (w->flags & WIRE_FLAG_RTX)
        return -1;
    int32_t h = (int32_t)(w->send_us - w->capture_us);
    return h < 0 ? 0 : h;
}

int bbm_receiver_video(bb_media *m, struct peer *p, const wire_msg *w)
{
    media_arrived(p, m->now);
    if (too_late(p, w->capture_us, m->now))
        return 1 + BB_MEDIA_REJECT_STALE;
    int64_t id = p->have_frame_id ? unwrap(p->max_frame_id, w->stream_seq, 16)
                                : EXT_BASE + w->stream_seq;
    if (!p->have_frame_id) {
        p->have_frame_id = 1;
        p->max_frame_id = id;
        p->next_id = id;
    }
    if (id < p->next_id)
        return 1 + BB_MEDIA_REJECT_STALE; /* already decoded or given up */
    if (id >= p->next_id + VSLOTS) {
        /* After an outage the frames in between are gone for good: only a
         * keyframe from here on can restart the picture. */
        p->next_id = id - VSLOTS + 1;
        p->need_key = 1;
        p->blocked_since = 0;
    }
    if (w->parts > MAX_FRAME_PARTS)
        return 1 + BB_MEDIA_REJECT_FIELD;
    struct vframe *f = &p->vf[id % VSLOTS];
    if (f->used && f->id != id) {
        if (f->id > id)
            return 1 + BB_MEDIA_REJECT_STALE;
        f->used = 0; /* an older, never-finished frame makes room */
    }
    if (!f->used) {
        f->used = 1;
        f->id = id;
        f->parts = w->parts;
        f->got = 0;
        f->key = 0;
        f->rtx = 0;
        f->complete = 0;
        f->hold = -1;
        memset(f->have, 0, sizeof(f->have));
        f->capture = capture_ext(p, w->capture_us);
    } else if (f->parts != w->parts) {
        return 1 + BB_MEDIA_REJECT_FIELD;
    }
    if (f->have[w->part])
        return 1 + BB_MEDIA_REJECT_DUPLICATE;
    size_t need = (size_t)f->parts * WIRE_VIDEO_PAYLOAD;
    if (f->buf_cap < need) {
        uint8_t *nb = realloc(f->buf, need);
        if (!nb)
            return 1 + BB_MEDIA_REJECT_FIELD;
        f->buf = nb;
        f->buf_cap = need;
    }
    memcpy(f->buf + (size_t)w->part * WIRE_VIDEO_PAYLOAD, w->payload, w->payload_len);
    f->plen[w->part] = (uint16_t)w->payload_len;
    f->have[w->part] = 1;
    f->got++;
    if (w->flags & WIRE_FLAG_KEY)
        f->key = 1;
    if (w->flags & WIRE_FLAG_RTX)
        f->rtx = 1;
    int64_t hold = sender_hold(w);
    if (f->hold < 0)
        f->hold = hold;
    if (id > p->max_frame_id)
        p->max_frame_id = id;
    update_base(p, f->capture, m->now);
    if (f->got == f->parts) {
        f->complete = 1;
        f->complete_at = m->now;
        /* A keyframe is several times larger and arrives later: counted,
         * it would hold every frame back for its sake. It is shown late once. */
        if (!f->key && !media_host_catching_up(m) && !held_by_outage(p, f->capture))
            bbm_delay_hist_add(&p->vd, m->now, m->now - f->capture - bbm_receiver_base(p),
                           hold >= 0 ? hold : f->hold > 0 ? f->hold : 0);
    }
    return 0;
}

int bbm_receiver_audio(bb_media *m, struct peer *p, const wire_msg *w)
{
    media_arrived(p, m->now);
    if (too_late(p, w->capture_us, m->now))
        return 1 + BB_MEDIA_REJECT_STALE;
    int64_t seq = p->have_audio_seq ? unwrap(p->max_audio_seq, w->stream_seq, 16)
                                  : EXT_BASE + w->stream_seq;
    if (!p->have_audio_seq) {
        p->have_audio_seq = 1;
        p->max_audio_seq = seq;
    }
    if (p->audio_started && seq < p->play_seq)
        return 1 + BB_MEDIA_REJECT_STALE; /* too late to play */
    if (seq <= p->max_audio_seq - ASLOTS)
        return 1 + BB_MEDIA_REJECT_STALE;
    if (seq >= p->max_audio_seq + ASLOTS) {
        /* Back after a long outage: restart playout from this frame. */
        for (int i = 0; i < ASLOTS; i++)
            p->af[i].used = 0;
        p->audio_started = 0;
        p->anchor_capture = 0;
        p->max_audio_seq = seq;
    }
    struct aframe *a = &p->af[seq % ASLOTS];
    if (a->used && a->seq == seq)
        return 1 + BB_MEDIA_REJECT_DUPLICATE;
    a->used = 1;
    a->seq = seq;
    p->st.audio_received++;
    a->capture = capture_ext(p, w->capture_us);
    a->len = (uint16_t)w->payload_len;
    memcpy(a->data, w->payload, w->payload_len);
    if (seq > p->max_audio_seq)
        p->max_audio_seq = seq;
    if (!p->anchor_capture && !p->audio_started) {
        p->anchor_seq = seq;
        p->anchor_capture = a->capture;
    }
    update_base(p, a->capture, m->now);
    /* What waited for this host while it stalled says nothing about the
     * path, and no buffer could have hidden the host's own stall. */
    if (!media_host_catching_up(m) && !held_by_outage(p, a->capture))
        bbm_delay_hist_add(&p->ad, m->now, m->now - a->capture - bbm_receiver_base(p),
                       sender_hold(w) > 0 ? sender_hold(w) : 0);
    return 0;
}


/* ---- reports ---- */

/* First ask once the packet is later than reordering explains (capped, so
 * heavy jitter still gets NACKs); ask again after an RTT. */
static int nack_entry_due(const struct peer *p, const struct nack_entry *e, int64_t now,
                          int64_t again)
{
    if (!e->tries) {
        int64_t wait = p->reorder_us + p->reorder_us / 4;
        if (wait > 100000)
            wait = 100000;
        return now - e->detected_us >= wait;
    }
    return now - e->last_sent_us >= again;
}

void bbm_receiver_report(bb_media *m, struct peer *p)
{
    int64_t now = m->now;
    wire_msg w = { 0 };
    w.type = WIRE_FEEDBACK;
    w.ssrc = m->cfg.ssrc;
    w.to = p->ssrc;
    w.highest_tseq = (uint16_t)p->max_tseq;
    /* Loss and the estimate go out every 100 ms; feedback sent early for a
     * NACK or keyframe request says nothing about them (a 2 ms interval
     * would read as 0 % or 100 % loss). */
    int full = now >= p->next_report_us;
    if (full) {
        int64_t expected = p->max_tseq - p->interval_base;
        int64_t lost = expected - (int64_t)p->interval_received;
        /* A packet overtaken into the next interval was counted lost in
         * this one and shows as one too many in the next: it is taken off
         * a later report's loss, so that reordering (a jittery path) does
         * not read as loss and cut the rate. */
        if (lost < 0) {
            p->loss_credit -= lost;
            if (p->loss_credit > RECV_WIN)
                p->loss_credit = RECV_WIN;
            lost = 0;
        } else {
            int64_t c = p->loss_credit < lost ? p->loss_credit : lost;
            lost -= c;
            p->loss_credit -= c;
        }
        if (expected > 0) {
            w.loss_q8 = (uint8_t)(lost * 255 / expected);
            p->st.lost += (uint64_t)lost;
        }
        p->interval_base = p->max_tseq;
        p->interval_received = 0;
        w.flags |= WIRE_FLAG_REPORT;
        w.estimate_kbps = (uint32_t)bbm_delay_est_update(&p->est, now);
        p->st.estimate_kbps = (int)w.estimate_kbps;
        p->next_report_us = now + REPORT_US;
    }
    w.jitter_us = (uint32_t)p->jitter_us;
    w.echo_send_us = p->newest_send_us;
    w.hold_us = (uint32_t)(now - p->newest_arrival);
    int64_t q = bbm_delay_est_queue(&p->est) / 1000;
    w.queue_ms = (uint16_t)(q > 65535 ? 65535 : q < 0 ? 0 : q);
    w.gradient = (int16_t)bbm_delay_est_gradient(&p->est);
    /* NACKs due: new ones, and old ones whose repeat had an RTT to come. */
    int64_t again = p->rx_rtt_us * 5 / 4;
    if (again < 20000)
        again = 20000;
    for (int i = 0; i < p->n_nack;) {
        struct nack_entry *e = &p->nack[i];
        if (e->tries >= NACK_MAX_TRIES || now - e->detected_us > NACK_MAX_AGE_US) {
            *e = p->nack[--p->n_nack];
            continue;
        }
        if (w.n_nack < WIRE_MAX_NACK && nack_entry_due(p, e, now, again)) {
            w.nack[w.n_nack++] = (uint16_t)e->seq;
            e->tries++;
            e->last_sent_us = now;
            p->st.nacks_sent++;
        }
        i++;
    }
    if (p->pli_pending) {
        w.flags |= WIRE_FLAG_PLI;
        p->pli_pending = 0;
        p->last_pli_us = now;
        p->st.keyframe_requests++;
    }
    bbm_media_send_wire(m, &w, BB_MEDIA_MSG_FEEDBACK);
}

/* When the earliest NACK becomes due (INT64_MAX: none). */
int64_t bbm_receiver_nack_next_time(const struct peer *p)
{
    int64_t again = p->rx_rtt_us * 5 / 4, t = INT64_MAX;
    if (again < 20000)
        again = 20000;
    int64_t wait = p->reorder_us + p->reorder_us / 4;
    if (wait > 100000)
        wait = 100000;
    for (int i = 0; i < p->n_nack; i++) {
        const struct nack_entry *e = &p->nack[i];
        if (e->tries >= NACK_MAX_TRIES)
            continue;
        int64_t due = e->tries ? e->last_sent_us + again : e->detected_us + wait;
        if (due < t)
            t = due;
    }
    return t;
}

int bbm_receiver_nack_due(const struct peer *p, int64_t now)
{
    int64_t again = p->rx_rtt_us * 5 / 4;
    if (again < 20000)
        again = 20000;
    for (int i = 0; i < p->n_nack; i++)
        if (p->nack[i].tries < NACK_MAX_TRIES && nack_entry_due(p, &p->nack[i], now, again))
            return 1;
    return 0;
}
