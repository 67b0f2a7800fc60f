/*
 * The media engine's frame: create and free, the paced queue of messages to
 * send, the one entry point for received bytes (dispatch by type, rejection
 * counting), timers and statistics. See engine.h for how the work is split.
 */
#include <stdlib.h>
#include <string.h>

#include "beeldbel/error.h"
#include "engine.h"

/* ---- out queue ---- */

int bbm_media_enqueue(bb_media *m, const uint8_t *data, size_t len, int cls)
{
    if (m->out_n == OUTQ || len > BB_MEDIA_MAX_MSG)
        return BB_E_BUFFER;
    struct out_msg *o = &m->outq[(m->out_head + m->out_n) % OUTQ];
    memcpy(o->data, data, len);
    o->len = (uint16_t)len;
    o->cls = (uint8_t)cls;
    m->out_n++;
    m->out_bytes += len;
    return BB_OK;
}

int bbm_media_send_wire(bb_media *m, const wire_msg *w, int cls)
{
    uint8_t buf[BB_MEDIA_MAX_MSG];
    size_t n = bbm_wire_write(w, buf, sizeof(buf));
    if (!n)
        return BB_E_ARG;
    return bbm_media_enqueue(m, buf, n, cls);
}

/*
 * The pacer: a keyframe encoded in one go would otherwise leave as one
 * burst, fill the bottleneck's queue for a moment, and look like congestion
 * to the receiver's delay estimator (and cost loss on shallow queues).
 * Budget accrues at 2.5x the target rate, up to 10 ms worth.
 */
static void pace_refill(bb_media *m)
{
    double rate = m->st.target_kbps * 2.5 * 1000 / 8 / 1e6; /* bytes per us */
    double max = rate * 10000;
    if (max < 2 * BB_MEDIA_MAX_MSG)
        max = 2 * BB_MEDIA_MAX_MSG;
    if (m->now > m->pace_at)
        m->pace_budget += (double)(m->now - m->pace_at) * rate;
    m->pace_at = m->now;
    if (m->pace_budget > max)
        m->pace_budget = max;
}

static int64_t pace_next(const bb_media *m)
{
    if (!m->out_n || m->pace_budget >= 0)
        return m->now;
    double rate = m->st.target_kbps * 2.5 * 1000 / 8 / 1e6;
    return m->now + (int64_t)(-m->pace_budget / rate) + 1;
}

int bb_media_poll_send(bb_media *m, uint8_t *out, size_t cap, size_t *len,
                       bb_media_msg_class *cls)
{
    if (!m || !out || !len)
        return BB_E_ARG;
    *len = 0;
    if (!m->out_n)
        return BB_E_AGAIN;
    pace_refill(m);
    if (m->pace_budget < 0)
        return BB_E_AGAIN; /* more at bb_media_next_deadline() */
    struct out_msg *o = &m->outq[m->out_head];
    if (o->len > cap)
        return BB_E_BUFFER;
    m->pace_budget -= o->len;
    memcpy(out, o->data, o->len);
    /* Send time is when it leaves the pacer, not when it was made: the
     * receiver's delay estimate must see the network, not our queue. */
    bbm_wire_set_send_time(out, o->len, (uint32_t)m->now);
    *len = o->len;
    if (cls)
        *cls = (bb_media_msg_class)o->cls;
    m->out_head = (m->out_head + 1) % OUTQ;
    m->out_n--;
    m->out_bytes -= o->len;
    m->st.msgs_sent++;
    m->st.bytes_sent += *len;
    return BB_OK;
}

/* ---- create / free ---- */

void bb_media_config_default(bb_media_config *cfg, uint32_t ssrc)
{
    memset(cfg, 0, sizeof(*cfg));
    cfg->ssrc = ssrc;
    cfg->seed = ssrc;
    cfg->width = 640;
    cfg->height = 360;
    cfg->fps = 30;
    cfg->start_kbps = 800;
    cfg->max_kbps = 2500;
    cfg->profile = BB_MEDIA_PROFILE_DEFAULT;
}

static int config_valid(const bb_media_config *c)
{
    return c && c->ssrc && c->width >= 16 && c->height >= 16 && !(c->width & 1) &&
           !(c->height & 1) && c->width <= BB_VIDEO_MAX_DIM && c->height <= BB_VIDEO_MAX_DIM &&
           c->fps >= 1 && c->fps <= 60 && c->start_kbps >= 30 && c->start_kbps <= 20000 &&
           c->max_kbps >= c->start_kbps && c->max_kbps <= 20000 &&
           c->profile >= BB_MEDIA_PROFILE_DEFAULT && c->profile <= BB_MEDIA_PROFILE_LOW_BANDWIDTH;
}

static void peer_release(struct peer *p)
{
    bb_video_decoder_free(p->dec);
    bb_audio_decoder_free(p->adec);
    for (int i = 0; i < VSLOTS; i++)
        free(p->vf[i].buf);
    memset(p, 0, sizeof(*p));
}

void bb_media_free(bb_media *m)
{
    if (!m)
        return;
    for (int i = 0; i < BB_MEDIA_MAX_PEERS; i++)
        peer_release(&m->peers[i]);
    bb_video_encoder_free(m->venc);
    bb_audio_encoder_free(m->aenc);
    free(m->outq);
    free(m->hist);
    free(m->inbox);
    free(m->scaled);
    free(m->bits);
    free(m->frame_buf);
    free(m);
}

int bb_media_new(bb_media **out, const bb_media_config *cfg)
{
    if (!out)
        return BB_E_ARG;
    *out = NULL;
    if (!config_valid(cfg))
        return BB_E_ARG;
    bb_media *m = calloc(1, sizeof(*m));
    if (!m)
        return BB_E_NOMEM;
    m->cfg = *cfg;
    m->rng = cfg->seed ? cfg->seed : 0x9e3779b97f4a7c15ULL;
    m->outq = calloc(OUTQ, sizeof(*m->outq));
    m->hist = calloc(HISTORY, sizeof(*m->hist));
    m->inbox = calloc(CTL_INBOX, sizeof(*m->inbox));
    m->bits_cap = bb_i420_size(cfg->width, cfg->height) + 4096;
    m->bits = malloc(m->bits_cap);
    m->scaled = malloc(bb_i420_size(cfg->width, cfg->height));
    if (!m->outq || !m->hist || !m->inbox || !m->bits || !m->scaled) {
        bb_media_free(m);
        return BB_E_NOMEM;
    }
    /* Random starting numbers, as RTP does: wrap-around is then exercised
     * from the first minute, not after an hour. */
    m->tseq = (uint16_t)rng_next(&m->rng);
    m->frame_id = (uint16_t)rng_next(&m->rng);
    m->audio_seq = (uint16_t)rng_next(&m->rng);
    m->ctl_seq = (uint32_t)rng_next(&m->rng) & 0xffff;
    m->loss_kbps = cfg->start_kbps;
    media_plan p;
    bbm_rate_plan(cfg->profile, cfg->start_kbps, cfg->width, cfg->height, cfg->fps, &p);
    int rc = bbm_sender_apply_plan(m, &p);
    if (rc) {
        bb_media_free(m);
        return rc;
    }
    m->want = m->plan;
    m->st.target_kbps = cfg->start_kbps;
    *out = m;
    return BB_OK;
}

int bb_media_set_profile(bb_media *m, bb_media_profile profile)
{
    if (!m || profile < BB_MEDIA_PROFILE_DEFAULT || profile > BB_MEDIA_PROFILE_LOW_BANDWIDTH)
        return BB_E_ARG;
    m->cfg.profile = profile;
    m->want_since = 0; /* re-plan at the next rate update, without delay */
    m->next_rate_us = 0;
    return BB_OK;
}


/* ---- peers ---- */

struct peer *bbm_media_find_peer(bb_media *m, uint32_t ssrc)
{
    for (int i = 0; i < BB_MEDIA_MAX_PEERS; i++)
        if (m->peers[i].used && m->peers[i].ssrc == ssrc)
            return &m->peers[i];
    return NULL;
}

static struct peer *add_peer(bb_media *m, uint32_t ssrc)
{
    for (int i = 0; i < BB_MEDIA_MAX_PEERS; i++) {
        struct peer *p = &m->peers[i];
        if (p->used)
            continue;
        memset(p, 0, sizeof(*p));
        if (bb_video_decoder_new(&p->dec) || bb_audio_decoder_new(&p->adec)) {
            peer_release(p);
            return NULL;
        }
        p->used = 1;
        p->ssrc = ssrc;
        p->st.ssrc = ssrc;
        p->need_key = 1;
        p->rx_rtt_us = 150000;
        p->next_ctl = -1;
        for (int j = 0; j < RECV_WIN; j++)
            p->rx_seq[j] = -1;
        bbm_delay_est_init(&p->est);
        return p;
    }
    return NULL;
}

int bb_media_peers(const bb_media *m, uint32_t ssrc[BB_MEDIA_MAX_PEERS])
{
    if (!m || !ssrc)
        return BB_E_ARG;
    int n = 0;
    for (int i = 0; i < BB_MEDIA_MAX_PEERS; i++)
        if (m->peers[i].used)
            ssrc[n++] = m->peers[i].ssrc;
    return n;
}

void bb_media_set_tap(bb_media *m, bb_media_tap_fn fn, void *ctx)
{
    if (!m)
        return;
    m->tap = fn;
    m->tap_ctx = fn ? ctx : NULL;
}

int bb_media_force_keyframe(bb_media *m)
{
    if (!m)
        return BB_E_ARG;
    if (m->now - m->last_key_us >= KEY_MIN_US)
        m->force_key = 1;
    return BB_OK;
}

int bb_media_remove_peer(bb_media *m, uint32_t ssrc)
{
    struct peer *p = m ? bbm_media_find_peer(m, ssrc) : NULL;
    if (!p)
        return BB_E_ARG;
    peer_release(p);
    return BB_OK;
}


/* ---- receive entry point ---- */

static int count_reject(bb_media *m, int reason)
{
    m->st.rejected[reason]++;
    return reason == BB_MEDIA_REJECT_TRUNCATED || reason == BB_MEDIA_REJECT_VERSION ||
                   reason == BB_MEDIA_REJECT_TYPE || reason == BB_MEDIA_REJECT_OVERSIZE
               ? BB_E_PARSE
               : BB_E_PROTO;
}

int bb_media_receive(bb_media *m, const uint8_t *data, size_t len, uint64_t now_us)
{
    if (!m || (!data && len))
        return BB_E_ARG;
    media_clock(m, (int64_t)now_us);
    wire_msg w;
    int rc = bbm_wire_parse(data, len, &w);
    if (rc < 0)
        return count_reject(m, -rc - 1);
    if (w.ssrc == m->cfg.ssrc)
        return count_reject(m, BB_MEDIA_REJECT_OWN);
    struct peer *p = bbm_media_find_peer(m, w.ssrc);
    if (!p && !(p = add_peer(m, w.ssrc)))
        return count_reject(m, BB_MEDIA_REJECT_PEERS);
    int r = 0;
    switch (w.type) {
    case WIRE_VIDEO:
    case WIRE_AUDIO:
        r = bbm_receiver_track_packet(m, p, &w, len);
        if (!r) {
            p->has_media = 1;
            r = w.type == WIRE_VIDEO ? bbm_receiver_video(m, p, &w) : bbm_receiver_audio(m, p, &w);
        }
        break;
    case WIRE_FEEDBACK:
        bbm_sender_feedback(m, p, &w);
        break;
    case WIRE_CONTROL:
        /* A file going through the control channel uses the path as much
         * as video does: the incoming rate that bounds the estimate counts it. */
        bbm_delay_est_bytes(&p->est, m->now, (int)len);
        r = bbm_control_receive(m, p, &w);
        break;
    case WIRE_CONTROL_ACK:
        bbm_control_receive_ack(m, p, &w);
        break;
    }
    return r ? count_reject(m, r - 1) : BB_OK;
}


int bb_media_tick(bb_media *m, uint64_t now_us)
{
    if (!m)
        return BB_E_ARG;
    media_clock(m, (int64_t)now_us);
    for (int i = 0; i < BB_MEDIA_MAX_PEERS; i++) {
        struct peer *p = &m->peers[i];
        if (!p->used)
            continue;
        if (p->ack_pending)
            bbm_control_send_ack(m, p);
        if (!p->has_media)
            continue;
        bbm_playout_check_video(m, p);
        if (m->now >= p->next_report_us || p->pli_pending || bbm_receiver_nack_due(p, m->now))
            bbm_receiver_report(m, p);
    }
    bbm_control_timers(m);
    if (m->now >= m->next_rate_us) {
        bbm_sender_rate_update(m, m->now);
        m->next_rate_us = m->now + RATE_US;
    }
    return BB_OK;
}

uint64_t bb_media_next_deadline(const bb_media *m)
{
    if (!m)
        return UINT64_MAX;
    int64_t t = m->next_rate_us;
    if (m->out_n && pace_next(m) < t)
        t = pace_next(m);
    for (int i = 0; i < BB_MEDIA_MAX_PEERS; i++) {
        const struct peer *p = &m->peers[i];
        if (!p->used)
            continue;
        if (p->ack_pending || p->pli_pending)
            return (uint64_t)m->now;
        if (p->has_media && p->next_report_us < t)
            t = p->next_report_us;
        if (p->has_media && bbm_receiver_nack_next_time(p) < t)
            t = bbm_receiver_nack_next_time(p);
    }
    for (int i = 0; i < CTL_PENDING; i++)
        if (m->ctl[i].used) {
            int64_t c = m->ctl[i].last_us + 50000;
            if (c < t)
                t = c;
        }
    return (uint64_t)(t < m->now ? m->now : t);
}

/* CPU cap thresholds: high load must last long enough that one slow frame
 * or a garbage collection does not cost a rung; coming back waits longer,
 * since each rung change costs a keyframe and a too-early step up would
 * only be taken back. */
#define CPU_HIGH_PCT 85
#define CPU_LOW_PCT 50
#define CPU_DOWN_US 1500000
#define CPU_UP_US 5000000

int bb_media_set_side(bb_media *m, int on)
{
    if (!m)
        return BB_E_ARG;
    m->side_on = on != 0;
    return BB_OK;
}

int bb_media_side_kbps(const bb_media *m)
{
    return m && m->side_on ? bbm_side_kbps(m, m->st.target_kbps) : 0;
}

int bb_media_report_load(bb_media *m, int busy_pct, uint64_t now_us)
{
    if (!m || busy_pct < 0)
        return BB_E_ARG;
    media_clock(m, (int64_t)now_us);
    int64_t now = m->now;
    int rung = m->cpu_rung;
    if (busy_pct > CPU_HIGH_PCT) {
        m->cpu_low_since = 0;
        if (!m->cpu_high_since)
            m->cpu_high_since = now;
        else if (now - m->cpu_high_since >= CPU_DOWN_US && rung < RATE_RUNGS - 1) {
            rung++;
            m->cpu_high_since = now; /* the next rung needs its own proof */
        }
    } else if (busy_pct < CPU_LOW_PCT) {
        m->cpu_high_since = 0;
        if (!m->cpu_low_since)
            m->cpu_low_since = now;
        else if (now - m->cpu_low_since >= CPU_UP_US && rung > 0) {
            rung--;
            m->cpu_low_since = now;
        }
    } else {
        m->cpu_high_since = m->cpu_low_since = 0;
    }
    if (rung != m->cpu_rung) {
        m->cpu_rung = rung;
        m->st.cpu_rung = rung;
        m->next_rate_us = 0; /* re-plan at the next tick */
    }
    return BB_OK;
}

int bb_media_get_stats(const bb_media *m, bb_media_stats *st)
{
    if (!m || !st)
        return BB_E_ARG;
    *st = m->st;
    st->control_pending = bb_media_control_unacked(m);
    st->npeers = 0;
    for (int i = 0; i < BB_MEDIA_MAX_PEERS; i++)
        if (m->peers[i].used)
            st->peer[st->npeers++] = m->peers[i].st;
    return BB_OK;
}

const char *bb_media_reject_name(int reason)
{
    static const char *names[BB_MEDIA_REJECT_COUNT] = {
        "truncated", "version", "type", "field", "oversize",
        "duplicate", "stale", "peers", "own", "decode",
    };
    return reason >= 0 && reason < BB_MEDIA_REJECT_COUNT ? names[reason] : "unknown";
}
