/*
 * Playout: when a reassembled video frame is decoded and shown (lip sync
 * with the audio, catching up after a late retransmission, giving up and
 * asking for a keyframe), and what audio is played every 20 ms (decode, Opus
 * FEC, PLC, stretching and dropping to follow the jitter-buffer target).
 */
#include <stdlib.h>
#include <string.h>

#include "beeldbel/error.h"
#include "engine.h"

static int cmp_int(const void *a, const void *b)
{
    int x = *(const int *)a, y = *(const int *)b;
    return (x > y) - (x < y);
}

/* The q-quantile of a ring of delay samples (us); 0 when empty. */
static int quantile(const int *ring, int n, double q)
{
    int tmp[DELAY_HIST];
    if (n <= 0)
        return 0;
    memcpy(tmp, ring, sizeof(int) * (size_t)n);
    qsort(tmp, (size_t)n, sizeof(int), cmp_int);
    int i = (int)(q * (n - 1) + 0.5);
    return tmp[i];
}

/* ---- video playout ---- */

/* Playout delay for video: its own need (98th percentile of frame
 * completion delay), but never ahead of the audio it must match. */
static int64_t video_target(const struct peer *p)
{
    int64_t need = quantile(p->video_delays, p->n_vd, 0.98) + 10000;
    if (need > 500000)
        need = 500000;
    if (p->audio_started && p->audio_realized_us > need)
        need = p->audio_realized_us;
    return need; /* audio may lag video by up to 40 ms: see audio_target() */
}

static struct vframe *decodable(struct peer *p)
{
    if (p->need_key) { /* the oldest complete keyframe not yet passed */
        struct vframe *best = NULL;
        for (int i = 0; i < VSLOTS; i++) {
            struct vframe *f = &p->vf[i];
            if (f->used && f->complete && f->key && f->id >= p->next_id &&
                (!best || f->id < best->id))
                best = f;
        }
        return best;
    }
    struct vframe *f = &p->vf[p->next_id % VSLOTS];
    return f->used && f->id == p->next_id && f->complete ? f : NULL;
}

static void request_keyframe(bb_media *m, struct peer *p)
{
    if (m->now - p->last_pli_us < PLI_MIN_US && p->last_pli_us)
        return;
    p->pli_pending = 1;
}

/* Gives up on a frame that retransmission did not bring in time and asks
 * for a keyframe instead. */
void playout_check_video(bb_media *m, struct peer *p)
{
    if (!p->have_frame_id)
        return;
    if (decodable(p)) {
        p->blocked_since = 0;
        return;
    }
    if (p->need_key) {
        request_keyframe(m, p);
        return;
    }
    if (p->max_frame_id <= p->next_id && !(p->vf[p->next_id % VSLOTS].used))
        return; /* simply nothing newer has arrived yet */
    if (!p->blocked_since)
        p->blocked_since = m->now;
    int64_t wait = 3 * p->rx_rtt_us + 60000;
    if (wait < 250000)
        wait = 250000;
    if (m->now - p->blocked_since > wait) {
        p->need_key = 1;
        p->blocked_since = 0;
        request_keyframe(m, p);
    }
}

/* A decoder could not decode (or had to drop) a frame: nothing after it can
 * be decoded until a keyframe comes. */
void playout_decode_failed(bb_media *m, struct peer *p)
{
    m->st.rejected[BB_MEDIA_REJECT_DECODE]++;
    p->need_key = 1;
    request_keyframe(m, p);
}

/* Takes the next frame whose playout time has come out of reassembly, its
 * parts joined into m->frame_buf. Returns 1, 0 when none is due, or an
 * error; BB_E_BUFFER (d->len set, the frame left in place) when it is larger
 * than max_len. d->show is 0 when playout is far behind (a late
 * retransmission held the queue) and the next frame is due too: decode this
 * one, but show the next, to regain sync. */
int playout_take(bb_media *m, struct peer *p, size_t max_len, struct due_frame *d)
{
    int64_t target = video_target(p), base = receiver_base(p);
    p->st.video_delay_us = (int)target;
    struct vframe *f = decodable(p);
    if (!f)
        return 0;
    int64_t due = f->capture + base + target;
    if (due > m->now)
        return 0;
    size_t total = 0;
    for (int i = 0; i < f->parts; i++)
        total += f->plen[i];
    d->len = total;
    if (total > max_len)
        return BB_E_BUFFER;
    if (m->frame_cap < total) {
        uint8_t *nb = realloc(m->frame_buf, total);
        if (!nb)
            return BB_E_NOMEM;
        m->frame_buf = nb;
        m->frame_cap = total;
    }
    size_t off = 0;
    for (int i = 0; i < f->parts; i++) {
        memcpy(m->frame_buf + off, f->buf + (size_t)i * WIRE_VIDEO_PAYLOAD, f->plen[i]);
        off += f->plen[i];
    }
    d->id = f->id;
    d->capture = f->capture;
    d->key = f->key;
    p->next_id = f->id + 1;
    p->need_key = 0;
    f->used = 0;
    struct vframe *n = decodable(p);
    d->show = !(n && n->capture + base + target <= m->now && m->now - due > 150000);
    return 1;
}

int bb_media_pull_frame(bb_media *m, uint32_t ssrc, uint64_t now_us, bb_media_frame *out)
{
    if (!m || !out)
        return BB_E_ARG;
    struct peer *p = media_find_peer(m, ssrc);
    if (!p)
        return BB_E_ARG;
    m->now = (int64_t)now_us;
    int shown = 0;
    bb_image img;
    struct due_frame d;
    while (playout_take(m, p, SIZE_MAX, &d) == 1) {
        if (bb_video_decoder_decode(p->dec, m->frame_buf, d.len, &img)) {
            playout_decode_failed(m, p);
            continue;
        }
        p->st.frames_decoded++;
        if (!d.show) {
            p->st.frames_skipped++;
            continue;
        }
        out->image = img;
        out->ssrc = ssrc;
        out->capture_us = (uint64_t)d.capture;
        out->frame_id = (uint64_t)d.id;
        shown = 1;
        break;
    }
    playout_check_video(m, p);
    if (!shown)
        return BB_E_AGAIN;
    p->st.frames_shown++;
    return BB_OK;
}

/* ---- audio playout ---- */

/* What jitter alone asks of the audio buffer: the largest packet delay of
 * the last 2.5 s (any lower quantile lets the rare late packet through as a
 * gap), plus one packet when loss is about (so the next packet's FEC is
 * there in time). */
static int64_t audio_jitter_need(const struct peer *p, int64_t now)
{
    int64_t t = quantile(p->audio_delays, p->n_ad, 0.97) + 5000;
    if (p->loss_seen_us && now - p->loss_seen_us < 10000000)
        t += AUDIO_US;
    return t;
}

/* The audio buffer's target: the jitter need, but close enough to the
 * video delay for lip sync (A/V within 100 ms; 40 ms slack). */
static int64_t audio_target(const struct peer *p, int64_t now)
{
    int64_t t = audio_jitter_need(p, now);
    int64_t v = quantile(p->video_delays, p->n_vd, 0.98) + 10000;
    if (v > 500000)
        v = 500000;
    if (t < v - 40000)
        t = v - 40000;
    return t;
}

static int64_t audio_capture_of(const struct peer *p, int64_t seq)
{
    return p->anchor_capture + (seq - p->anchor_seq) * AUDIO_US;
}

static struct aframe *audio_at(struct peer *p, int64_t seq)
{
    struct aframe *a = &p->af[seq % ASLOTS];
    return a->used && a->seq == seq ? a : NULL;
}

static int later_audio(const struct peer *p, int64_t seq)
{
    return p->have_audio_seq && p->max_audio_seq > seq;
}

static void plc(struct peer *p, int16_t *pcm)
{
    int n;
    if (bb_audio_decoder_decode(p->adec, NULL, 0, 0, pcm, &n) || n != BB_AUDIO_FRAME)
        memset(pcm, 0, BB_AUDIO_FRAME * sizeof(*pcm));
}

int bb_media_pull_audio(bb_media *m, uint32_t ssrc, uint64_t now_us, int16_t *pcm)
{
    if (!m || !pcm)
        return BB_E_ARG;
    memset(pcm, 0, BB_AUDIO_FRAME * sizeof(*pcm));
    struct peer *p = media_find_peer(m, ssrc);
    if (!p)
        return BB_E_ARG;
    int64_t now = m->now = (int64_t)now_us, base = receiver_base(p);
    int64_t target = audio_target(p, now);
    p->st.audio_delay_us = (int)target;
    if (!p->audio_started) {
        if (!p->have_audio_seq)
            return BB_OK;
        /* Start with the oldest buffered frame once its time has come. */
        int64_t first = p->max_audio_seq;
        for (int64_t s = p->max_audio_seq - ASLOTS + 1; s <= p->max_audio_seq; s++)
            if (audio_at(p, s)) {
                first = s;
                break;
            }
        struct aframe *a = audio_at(p, first);
        if (!a || now < a->capture + base + target)
            return BB_OK;
        p->audio_started = 1;
        p->play_seq = first;
        p->anchor_seq = first;
        p->anchor_capture = a->capture;
    }
    int64_t seq = p->play_seq;
    p->audio_realized_us = now - audio_capture_of(p, seq) - base;
    p->st.audio_latency_us = now - audio_capture_of(p, seq);
    /* The target grew (more jitter, or video needs longer for lip sync):
     * stretch by one concealed frame, at most every 100 ms. */
    int64_t floor = target - 30000, need = audio_jitter_need(p, now);
    if (floor < need)
        floor = need; /* below what jitter needs, a gap is coming: stretch now */
    if (p->audio_realized_us < floor && now - p->last_accel_us > 100000) {
        plc(p, pcm);
        p->st.audio_plc++;
        p->st.audio_stretched++;
        p->last_accel_us = now;
        return BB_OK;
    }
    struct aframe *a = audio_at(p, seq);
    int n = 0;
    if (a) {
        if (bb_audio_decoder_decode(p->adec, a->data, a->len, 0, pcm, &n) || n != BB_AUDIO_FRAME) {
            m->st.rejected[BB_MEDIA_REJECT_DECODE]++;
            plc(p, pcm);
            p->st.audio_plc++;
        } else {
            p->st.audio_frames++;
        }
        a->used = 0;
        p->play_seq++;
    } else if (audio_at(p, seq + 1)) {
        struct aframe *nx = audio_at(p, seq + 1); /* rebuild from its FEC copy */
        if (bb_audio_decoder_decode(p->adec, nx->data, nx->len, 1, pcm, &n) || n != BB_AUDIO_FRAME) {
            plc(p, pcm);
            p->st.audio_plc++;
        } else {
            p->st.audio_fec++;
        }
        p->play_seq++;
    } else if (later_audio(p, seq)) {
        plc(p, pcm); /* lost, and no FEC: conceal and move on */
        p->st.audio_plc++;
        p->play_seq++;
    } else {
        /* Nothing newer at all: the buffer ran dry. Conceal without moving
         * on, which stretches the delay by 20 ms. */
        plc(p, pcm);
        p->st.audio_plc++;
        p->st.audio_underflow++;
    }
    /* Too much delay queued (the jitter went down): drop one frame, at
     * most every 200 ms so it stays inaudible in practice. */
    if (p->audio_realized_us > target + 40000 && now - p->last_accel_us > 200000 &&
        audio_at(p, p->play_seq) && audio_at(p, p->play_seq + 1)) {
        int16_t scratch[BB_AUDIO_FRAME];
        struct aframe *d = audio_at(p, p->play_seq);
        int k;
        bb_audio_decoder_decode(p->adec, d->data, d->len, 0, scratch, &k); /* keep decoder state */
        d->used = 0;
        p->play_seq++;
        p->last_accel_us = now;
        p->st.audio_dropped++;
    }
    return BB_OK;
}
