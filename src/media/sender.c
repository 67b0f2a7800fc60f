/*
 * The sending side: camera frames are decimated and scaled to what rate
 * control allows, VP8-encoded and cut into equal parts; audio is Opus-encoded;
 * each message is kept for NACK. Feedback from receivers drives the
 * loss-based bound, retransmissions and keyframes.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "beeldbel/error.h"
#include "scale.h"
#include "engine.h"

/* Makes the encoders match plan p (creating them on first use). */
int bbm_sender_apply_plan(bb_media *m, const media_plan *p)
{
    int rc;
    if (!m->aenc) {
        rc = bb_audio_encoder_new(&m->aenc, p->audio_bps);
        if (rc)
            return rc;
    } else if (p->audio_bps != m->plan.audio_bps) {
        bb_audio_encoder_set_bitrate(m->aenc, p->audio_bps);
    }
    if (p->video_kbps) {
        int kbps = p->video_kbps < 20 ? 20 : p->video_kbps;
        if (!m->venc) {
            /* Created by the first bb_media_push_video(): an engine that
             * only receives never pays for a VP8 encoder. */
        } else {
            if (p->width != m->plan.width || p->height != m->plan.height ||
                p->fps != m->plan.fps) {
                rc = bb_video_encoder_reconfigure(m->venc, p->width, p->height, p->fps);
                if (rc)
                    return rc;
            }
            bb_video_encoder_set_bitrate(m->venc, kbps);
        }
        if (!m->plan.video_kbps || p->width != m->plan.width)
            m->force_key = 1; /* a receiver may have nothing to predict from */
    }
    m->plan = *p;
    m->st.video_kbps = p->video_kbps;
    m->st.audio_bps = p->audio_bps;
    m->st.width = p->video_kbps ? p->width : 0;
    m->st.height = p->video_kbps ? p->height : 0;
    m->st.fps = p->video_kbps ? p->fps : 0;
    return BB_OK;
}

static int same_shape(const media_plan *a, const media_plan *b)
{
    return (a->video_kbps > 0) == (b->video_kbps > 0) && a->width == b->width &&
           a->height == b->height && a->fps == b->fps;
}

static int shape_rank(const media_plan *p) /* bigger = more video */
{
    return p->video_kbps ? p->width * p->height / 64 * 64 + p->fps : 0;
}

/* How long a sign of congestion keeps lower estimates binding. After that
 * quiet time the target probes back up to the start rate (see below). */
#define EVIDENCE_HOLD_US 10000000
/* Probing back to the start rate: 8 % a second, the estimator's own growth,
 * so a path that cannot take it shows a queue long before. */
#define PROBE_GROWTH 1.08

/* The ceiling of the target: the configured one, and more while a file
 * goes (bb_media_set_side). */
static double ceiling_kbps(const bb_media *m)
{
    return m->cfg.max_kbps + (m->side_on ? BB_MEDIA_SIDE_MAX_KBPS : 0);
}

int bbm_side_kbps(const bb_media *m, int target)
{
    int k = target - BB_MEDIA_SIDE_VIDEO_KEEP;
    if (k > target / 2)
        k = target / 2;
    if (k < target / 5)
        k = target / 5;
    if (k < target - m->cfg.max_kbps)
        k = target - m->cfg.max_kbps;
    return k;
}

/* Every peer's report is fresh: growth needs a path that answers (in an
 * outage no report says anything is wrong, and nothing says it is right). */
static int all_heard(const bb_media *m)
{
    int any = 0;
    for (int i = 0; i < BB_MEDIA_MAX_PEERS; i++) {
        const struct peer *p = &m->peers[i];
        if (!p->used)
            continue;
        if (!p->remb_at || m->now - p->remb_at > 1000000)
            return 0;
        any = 1;
    }
    return any;
}

/* Corroboration the sender can see in a receiver's report: loss, or a
 * queue that persisted (the receiver reports its time-weighted mean, which
 * host stalls do not raise) in two reports running. */
static void note_report_evidence(bb_media *m, struct peer *p, const wire_msg *w)
{
    if (w->loss_q8 >= 6) /* 2 % */
        p->evidence_at = m->now;
    if (w->queue_ms >= 25 && p->queue_rep_ms >= 25)
        p->evidence_at = p->queue_evidence_at = m->now;
    p->queue_rep_ms = w->queue_ms;
}

/* Corroboration from our own RTT: every sample for half a second at least
 * 60 ms above the lowest of the last 10-20 s. One delayed batch of reports
 * (a stall on either host) is followed by normal samples again. */
static void note_rtt(bb_media *m, int64_t rtt)
{
    if (!m->rtt_win_start || m->now - m->rtt_win_start > 10000000) {
        m->rtt_min_prev = m->rtt_win_start ? m->rtt_min_cur : rtt;
        m->rtt_min_cur = rtt;
        m->rtt_win_start = m->now;
    }
    if (rtt < m->rtt_min_cur)
        m->rtt_min_cur = rtt;
    int64_t low = m->rtt_min_cur < m->rtt_min_prev ? m->rtt_min_cur : m->rtt_min_prev;
    if (rtt < low + 60000)
        m->rtt_high_since = 0;
    else if (!m->rtt_high_since)
        m->rtt_high_since = m->now;
    else if (m->now - m->rtt_high_since >= 500000)
        m->rtt_evidence_at = m->now;
}

static int recent(const bb_media *m, int64_t at)
{
    return at && m->now - at < EVIDENCE_HOLD_US;
}

/* Combines the receivers' delay-based estimates with the loss-based bound
 * and re-plans. Stepping down waits 0.5 s, stepping up 3 s: each new
 * resolution costs a keyframe, so flapping would cost more than it saves.
 *
 * Where each check lives: a receiver lowers its estimate only for a queue
 * that persists and grows in its packets' arrival times (it alone sees
 * every packet). The sender decides whether to obey, because it alone
 * knows whether it is application-limited and what its RTT does: a lower
 * estimate is a cut only with corroboration on that path (loss, a queue
 * that persisted and grew across the receiver's reports, or RTT growth),
 * and while application-limited only when the path does not carry even
 * what is sent. Without corroboration a lower estimate holds the target
 * (it may also just be a receiver that has not yet seen us use more). */
void bbm_sender_rate_update(bb_media *m, int64_t now)
{
    /* What we actually sent over the last second or so. */
    if (!m->sent_mark_us) {
        m->sent_mark_us = now;
        m->sent_mark_bytes = m->st.bytes_sent;
    } else if (now - m->sent_mark_us >= 1000000) {
        double kbps = (double)(m->st.bytes_sent - m->sent_mark_bytes) * 8.0 / ((double)(now - m->sent_mark_us) / 1000.0);
        m->sent_kbps = m->sent_kbps ? 0.5 * m->sent_kbps + 0.5 * kbps : kbps;
        m->sent_mark_us = now;
        m->sent_mark_bytes = m->st.bytes_sent;
    }
    double dt = m->last_rate_us ? (double)(now - m->last_rate_us) / 1e6 : 0;
    if (dt > 1)
        dt = 1;
    m->last_rate_us = now;
    /* Application-limited: a still picture (or a host that cannot keep up)
     * leaves the encoder far under its budget. A receiver's estimate is
     * then only "the path carries what you send" (it grows with use),
     * which is no reason to plan a smaller picture; but neither is there
     * proof for a larger budget. Hold the target until the sender uses it,
     * a corroborated queue shows under what is actually sent, or packets
     * are lost. */
    int app_limited = m->sent_kbps > 0 && m->sent_kbps < 0.6 * m->st.target_kbps && m->st.loss_pct < 2;
    int rtt_evidence = recent(m, m->rtt_evidence_at), any_evidence = rtt_evidence;
    int delay_evidence = rtt_evidence; /* a queue or RTT growth: congestion, not random loss */
    double target = m->loss_kbps;
    int held = 0, queue_now = 0;
    for (int i = 0; i < BB_MEDIA_MAX_PEERS; i++) {
        struct peer *p = &m->peers[i];
        if (!p->used)
            continue;
        int evidence = rtt_evidence || recent(m, p->evidence_at);
        delay_evidence |= recent(m, p->queue_evidence_at);
        queue_now |= p->queue_rep_ms >= 10;
        any_evidence |= evidence;
        if (!p->remb_kbps || now - p->remb_at >= 3000000 || p->remb_kbps >= target)
            continue;
        if (app_limited && p->remb_kbps > 1.2 * m->sent_kbps)
            continue;
        if (p->remb_kbps < m->st.target_kbps &&
            (!evidence || (app_limited && p->remb_kbps >= m->sent_kbps))) {
            held = 1; /* a delay-based cut without proof: keep what we have */
            continue;
        }
        target = p->remb_kbps;
    }
    if ((app_limited || held) && m->st.target_kbps && target > m->st.target_kbps)
        target = m->st.target_kbps;
    /* Probing back up: with no sign of congestion for a while, nothing
     * justifies staying under the configured start rate (a wrong cut, or an
     * application-limited hold that the receiver's growth cannot lift,
     * would otherwise last the whole call). Not while any queue shows:
     * near a known capacity the estimate's own slow growth probes. */
    if (!any_evidence && !queue_now && target < m->cfg.start_kbps && target < m->loss_kbps) {
        double up = m->st.target_kbps * pow(PROBE_GROWTH, dt);
        if (up > m->cfg.start_kbps)
            up = m->cfg.start_kbps;
        if (up > m->loss_kbps)
            up = m->loss_kbps;
        if (up > target)
            target = up;
    }
    /* A file going fills what video leaves; while nothing shows a queue
     * (delay is what congestion shows first; loss under 10 % may be the
     * radio's, as GCC holds) its share grows faster than the estimator's
     * own 8 % (see bb_media_set_side). */
    if (m->side_on && !delay_evidence && !queue_now && m->st.loss_pct < 10 && all_heard(m)) {
        double up = m->st.target_kbps * pow(BB_MEDIA_SIDE_GROWTH, dt);
        if (up > target)
            target = up;
    }
    if (target > ceiling_kbps(m))
        target = ceiling_kbps(m);
    if (target < 30)
        target = 30;
    m->st.target_kbps = (int)target;
    int media_kbps = (int)target - (m->side_on ? bbm_side_kbps(m, (int)target) : 0);
    if (media_kbps < 30)
        media_kbps = 30;
    media_plan p;
    bbm_rate_plan_capped(m->cfg.profile, media_kbps, m->cfg.width, m->cfg.height, m->cfg.fps,
                     m->cpu_rung, &p);
    m->st.cpu_limited = 0;
    if (m->cpu_rung) {
        media_plan net;
        bbm_rate_plan(m->cfg.profile, media_kbps, m->cfg.width, m->cfg.height, m->cfg.fps, &net);
        m->st.cpu_limited = !same_shape(&net, &p);
    }
    if (same_shape(&p, &m->plan)) {
        m->want_since = 0;
        if (p.video_kbps != m->plan.video_kbps || p.audio_bps != m->plan.audio_bps)
            bbm_sender_apply_plan(m, &p);
        return;
    }
    if (!m->want_since || !same_shape(&p, &m->want))
        m->want_since = now;
    m->want = p; /* keep the bitrate fresh while the shape waits */
    int64_t hold = shape_rank(&p) < shape_rank(&m->plan) ? 500000 : 3000000;
    if (now - m->want_since >= hold) {
        bbm_sender_apply_plan(m, &p);
        m->want_since = 0;
    } else if (p.video_kbps && m->plan.video_kbps) {
        int kbps = p.video_kbps < 20 ? 20 : p.video_kbps;
        bb_video_encoder_set_bitrate(m->venc, kbps);
        m->plan.video_kbps = p.video_kbps;
        m->st.video_kbps = p.video_kbps;
    }
}

static void remember(bb_media *m, const uint8_t *msg, size_t len, uint16_t tseq)
{
    struct sent_pkt *h = &m->hist[tseq % HISTORY];
    h->valid = 1;
    h->tseq = tseq;
    h->len = (uint16_t)len;
    h->last_rtx_us = 0;
    memcpy(h->data, msg, len);
}

static int packetize_video(bb_media *m, const uint8_t *bits, size_t len, int key,
                           uint64_t capture_us, int64_t now)
{
    size_t parts = (len + WIRE_VIDEO_PAYLOAD - 1) / WIRE_VIDEO_PAYLOAD;
    if (parts > MAX_FRAME_PARTS)
        return BB_E_TOO_LARGE;
    /* Equal-sized parts: one loss then costs the same whatever part it hits. */
    size_t chunk = (len + parts - 1) / parts;
    uint16_t fid = m->frame_id++;
    for (size_t i = 0; i < parts; i++) {
        wire_msg w = { 0 };
        size_t off = i * chunk;
        w.type = WIRE_VIDEO;
        w.flags = key ? WIRE_FLAG_KEY : 0;
        w.ssrc = m->cfg.ssrc;
        w.tseq = m->tseq++;
        w.send_us = (uint32_t)now;
        w.capture_us = (uint32_t)capture_us;
        w.stream_seq = fid;
        w.part = (uint8_t)i;
        w.parts = (uint8_t)parts;
        w.payload = bits + off;
        w.payload_len = off + chunk > len ? len - off : chunk;
        uint8_t buf[BB_MEDIA_MAX_MSG];
        size_t n = bbm_wire_write(&w, buf, sizeof(buf));
        if (!n || bbm_media_enqueue(m, buf, n, BB_MEDIA_MSG_MEDIA))
            return BB_E_BUFFER;
        remember(m, buf, n, w.tseq);
    }
    return BB_OK;
}

/* Whether the frame captured at capture_us is to be encoded at all: frame-rate
 * decimation against the plan's rate, and nothing new while the pacer is
 * backed up. 1 to encode, 0 to skip (counted). */
int bbm_sender_take_frame(bb_media *m, uint64_t capture_us)
{
    if (!m->plan.video_kbps)
        return 0; /* audio only for now (rate control) */
    int64_t cap = (int64_t)capture_us;
    double early = m->plan.fps * 8000 / 1e6, take = 1 - (early < 0.2 ? early : 0.2);
    /* Frame-rate decimation by the frames' own capture times: a credit of
     * frames that grows at the plan's rate. A frame is taken up to 8 ms
     * (at most a fifth of a frame) early, so a camera frame that comes a
     * few ms early (a page's timer, a busy thread) is not dropped: with a
     * fixed schedule and a few ms of slack, a 30 fps camera jittering
     * around a 30 fps plan loses every other frame. The cap of 1.5 lets an uneven camera catch up by one
     * frame, never more, so the rate holds on average. */
    if (m->have_frame_time) {
        int64_t dt = cap - m->last_frame_cap;
        if (dt > 0)
            m->frame_credit += (double)dt * m->plan.fps / 1e6;
        if (m->frame_credit > 1.5)
            m->frame_credit = 1.5;
    } else {
        m->frame_credit = 1;
    }
    if (cap > m->last_frame_cap || !m->have_frame_time)
        m->last_frame_cap = cap;
    m->have_frame_time = 1;
    /* More than 300 ms of data still waiting in the pacer: a new frame
     * would only arrive late. Skip it (the encoder never sees it), and do
     * not make up for it afterwards with an extra frame: the skipped frame
     * uses its credit. */
    if ((double)m->out_bytes > m->st.target_kbps * 1000.0 / 8 * 0.3) {
        if (m->frame_credit >= take)
            m->frame_credit -= 1;
        m->st.frames_dropped_by_rate++;
        return 0;
    }
    if (m->frame_credit < take) {
        m->st.frames_dropped_by_rate++;
        return 0;
    }
    m->frame_credit -= 1;
    return 1;
}

/* One encoded frame, whichever encoder made it, onto the wire. */
int bbm_sender_send_frame(bb_media *m, const uint8_t *bits, size_t len, int key,
                      uint64_t capture_us)
{
    m->st.frames_encoded++;
    if (!len)
        return BB_OK;
    if (key) {
        m->force_key = 0;
        m->last_key_us = m->now;
        m->st.keyframes_sent++;
    }
    int rc = packetize_video(m, bits, len, key, capture_us, m->now);
    if (!rc && m->tap)
        m->tap(m->tap_ctx, m->cfg.ssrc, BB_MEDIA_TAP_VIDEO, bits, len, key, capture_us);
    if (rc == BB_E_TOO_LARGE)
        m->force_key = 1; /* that frame is lost to everyone: start over */
    return rc;
}

int bb_media_push_video(bb_media *m, const bb_image *img, uint64_t capture_us,
                        uint64_t now_us)
{
    if (!m || !img || !img->plane[0] || !img->plane[1] || !img->plane[2])
        return BB_E_ARG;
    if (img->width < 2 || img->height < 2 || (img->width | img->height) & 1 ||
        (int64_t)img->width * img->height > BB_MEDIA_MAX_CAMERA_PIXELS)
        return BB_E_ARG;
    media_clock(m, (int64_t)now_us);
    if (!m->plan.video_kbps)
        return BB_OK; /* audio only for now (rate control) */
    if (!m->venc) {
        bb_video_config vc;
        bb_video_config_default(&vc, m->plan.width, m->plan.height);
        vc.fps = m->plan.fps;
        vc.bitrate_kbps = m->plan.video_kbps < 20 ? 20 : m->plan.video_kbps;
        int rc = bb_video_encoder_new(&m->venc, &vc);
        if (rc)
            return rc;
        m->force_key = 1;
    }
    if (!bbm_sender_take_frame(m, capture_us))
        return BB_OK;

    bb_image src = *img, scaled;
    if (m->plan.width != img->width || m->plan.height != img->height) {
        bbm_media_scale_i420(img, m->scaled, m->plan.width, m->plan.height);
        bb_image_wrap_i420(&scaled, m->scaled, m->plan.width, m->plan.height);
        src = scaled;
    }
    int force = m->force_key;
    size_t len = 0;
    int key = 0;
    int rc = bb_video_encoder_encode(m->venc, &src, (int64_t)capture_us, force, m->bits,
                                     m->bits_cap, &len, &key);
    if (rc)
        return rc;
    return bbm_sender_send_frame(m, m->bits, len, key, capture_us);
}

int bb_media_push_audio(bb_media *m, const int16_t *pcm, uint64_t capture_us,
                        uint64_t now_us)
{
    if (!m || !pcm)
        return BB_E_ARG;
    media_clock(m, (int64_t)now_us);
    uint8_t pkt[BB_AUDIO_MAX_PACKET];
    size_t len;
    int rc = bb_audio_encoder_encode(m->aenc, pcm, pkt, sizeof(pkt), &len);
    if (rc)
        return rc;
    /* DTX frames (1-2 bytes) are still sent: they keep the receiver's
     * playout clock running at 23 bytes per 20 ms. */
    /* Frames the host lost before they reached us (a microphone that
     * stalled, or was off) are a gap in the numbering too: receivers map
     * numbers to capture times (20 ms apart) and conceal what is missing.
     * A gap longer than their buffer restarts their playout. */
    int64_t gap = (int64_t)capture_us - m->audio_last_capture;
    if (m->audio_last_capture && gap > AUDIO_US * 3 / 2) {
        int64_t skip = (gap + AUDIO_US / 2) / AUDIO_US - 1;
        m->audio_seq = (uint16_t)(m->audio_seq + (skip > 4 * ASLOTS ? 4 * ASLOTS : skip));
    }
    m->audio_last_capture = (int64_t)capture_us;
    if (m->tap)
        m->tap(m->tap_ctx, m->cfg.ssrc, BB_MEDIA_TAP_AUDIO, pkt, len, 1, capture_us);
    wire_msg w = { 0 };
    w.type = WIRE_AUDIO;
    w.ssrc = m->cfg.ssrc;
    w.tseq = m->tseq++;
    w.send_us = (uint32_t)now_us;
    w.capture_us = (uint32_t)capture_us;
    w.stream_seq = m->audio_seq++;
    w.parts = 1;
    w.payload = pkt;
    w.payload_len = len;
    uint8_t buf[BB_MEDIA_MAX_MSG];
    size_t n = bbm_wire_write(&w, buf, sizeof(buf));
    if (!n)
        return BB_E_ARG;
    /* A full send queue is congestion here: the frame is lost as on the
     * network (receivers conceal the gap in the numbering). */
    if (bbm_media_enqueue(m, buf, n, BB_MEDIA_MSG_MEDIA))
        m->st.audio_dropped_queue++;
    return BB_OK;
}

/* A retransmission is sent at most once per RTT per packet: an earlier
 * copy may still be on its way. */
static void handle_nack(bb_media *m, uint16_t tseq)
{
    struct sent_pkt *h = &m->hist[tseq % HISTORY];
    if (!h->valid || h->tseq != tseq)
        return; /* audio, or too old: Opus FEC covers audio */
    int64_t min_gap = m->srtt_us ? m->srtt_us * 3 / 4 : 50000;
    if (h->last_rtx_us && m->now - h->last_rtx_us < min_gap)
        return;
    /* Retransmissions get at most a quarter of the target rate: on a
     * congested link each one would otherwise cause the next loss. */
    double rate = m->st.target_kbps * 0.25 * 1000 / 8 / 1e6; /* bytes per us */
    if (m->now > m->rtx_at)
        m->rtx_budget += (double)(m->now - m->rtx_at) * rate;
    m->rtx_at = m->now;
    if (m->rtx_budget > rate * 200000 + BB_MEDIA_MAX_MSG)
        m->rtx_budget = rate * 200000 + BB_MEDIA_MAX_MSG;
    if (m->rtx_budget < h->len) {
        m->st.retransmits_skipped++;
        return;
    }
    m->rtx_budget -= h->len;
    uint8_t buf[BB_MEDIA_MAX_MSG];
    memcpy(buf, h->data, h->len);
    uint16_t nt = m->tseq++;
    bbm_wire_mark_rtx(buf, h->len, nt, (uint32_t)m->now);
    if (bbm_media_enqueue(m, buf, h->len, BB_MEDIA_MSG_MEDIA))
        return;
    h->last_rtx_us = m->now;
    m->st.retransmits++;
    /* The repeat can be NACKed again under its new number. */
    struct sent_pkt *n2 = &m->hist[nt % HISTORY];
    n2->valid = 1;
    n2->tseq = nt;
    n2->len = h->len;
    n2->last_rtx_us = m->now;
    memcpy(n2->data, buf, h->len);
}

/* A report covers 100 ms: at a few hundred kbit/s that is a handful of
 * packets, and 25 % random loss reads anywhere from 0 to 40 % in it. The
 * loss-based bound acts on the loss of all packets the reports of the last
 * LOSS_POOL_US cover (each report's share weighted by the packets it
 * expected: the difference of its highest sequence number and the
 * previous one's), so noise neither stalls a needed back-off nor grows
 * the rate in the middle of a lossy spell. */
#define LOSS_POOL_US 500000

static double pooled_loss(bb_media *m, struct peer *p, const wire_msg *w)
{
    int expected = p->have_rep_tseq ? (uint16_t)(w->highest_tseq - p->rep_tseq) : 0;
    p->rep_tseq = w->highest_tseq;
    p->have_rep_tseq = 1;
    p->rep_at[p->rep_pos] = m->now;
    p->rep_expected[p->rep_pos] = expected;
    p->rep_lost[p->rep_pos] = (w->loss_q8 * expected + 127) / 255;
    p->rep_pos = (p->rep_pos + 1) % LOSS_REPORTS;
    int64_t e = 0, l = 0;
    for (int i = 0; i < LOSS_REPORTS; i++)
        if (p->rep_at[i] && m->now - p->rep_at[i] < LOSS_POOL_US) {
            e += p->rep_expected[i];
            l += p->rep_lost[i];
        }
    return e > 0 ? (double)l / (double)e : w->loss_q8 / 256.0;
}

void bbm_sender_feedback(bb_media *m, struct peer *p, const wire_msg *w)
{
    if (w->to != m->cfg.ssrc)
        return; /* a report about someone else's media */
    uint32_t rtt = (uint32_t)m->now - w->echo_send_us - w->hold_us;
    if (w->echo_send_us && rtt < 5000000u) {
        m->srtt_us = m->srtt_us ? (m->srtt_us * 7 + rtt) / 8 : rtt;
        note_rtt(m, rtt);
    }
    m->st.rtt_us = (int)m->srtt_us;
    if (w->estimate_kbps) {
        p->remb_kbps = (int)w->estimate_kbps;
        p->remb_at = m->now;
    }
    for (int i = 0; i < w->n_nack; i++)
        handle_nack(m, w->nack[i]);
    if ((w->flags & WIRE_FLAG_PLI) && m->now - m->last_key_us >= KEY_MIN_US)
        m->force_key = 1;
    if (!(w->flags & WIRE_FLAG_REPORT))
        return; /* sent early for NACK or PLI: its loss field is stale */
    note_report_evidence(m, p, w);
    double loss = pooled_loss(m, p, w);
    m->st.loss_pct = (int)(loss * 100 + 0.5);
    /* Loss-based bound (GCC): back off above 10 %, grow below 2 %. */
    if (loss > 0.10) {
        if (m->now - m->last_loss_cut_us > 300000) {
            m->loss_kbps = m->st.target_kbps * (1 - 0.5 * loss);
            m->last_loss_cut_us = m->now;
        }
    } else if (loss < 0.02) {
        m->loss_kbps *= 1.05;
        double ceiling = m->st.target_kbps * 1.5 + 50;
        if (m->loss_kbps > ceiling)
            m->loss_kbps = ceiling;
    }
    if (m->loss_kbps > ceiling_kbps(m))
        m->loss_kbps = ceiling_kbps(m);
    if (m->loss_kbps < 30)
        m->loss_kbps = 30;
    if (m->aenc)
        bb_audio_encoder_set_loss(m->aenc, m->st.loss_pct < 5 ? 5 : m->st.loss_pct);
}
