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

void bbm_delay_hist_add(struct delay_hist *h, int64_t at, int64_t d, int64_t hold)
{
    if (hold > d)
        hold = d; /* the base is a minimum of the whole delay */
    h->at[h->pos] = at;
    h->d[h->pos] = (int)(d > 2000000 ? 2000000 : d < 0 ? 0 : d);
    h->hold[h->pos] = (int)(hold > 2000000 ? 2000000 : hold < 0 ? 0 : hold);
    h->pos = (h->pos + 1) % DELAY_HIST;
    if (h->n < DELAY_HIST)
        h->n++;
}

#define BIN_US 100000
#define BINS (DELAY_WINDOW_US / BIN_US)
#define VIDEO_Q 0.9
#define AUDIO_Q 0.8

static int quantile_sorted(int *v, int n, double q)
{
    qsort(v, (size_t)n, sizeof(int), cmp_int);
    return v[(int)(q * (n - 1) + 0.5)];
}

/*
 * What a playout buffer must wait for, in us over the base (0 when
 * nothing is known), from the samples of the last 2.5 s (bounded in time,
 * so a change of path is followed within seconds whatever the frame rate).
 *
 * A sample's delay has two parts that call for different answers. The
 * sender's hold (send - capture: its encoder and pacer, and any stall of
 * the sender's own thread) is known per sample from its two timestamps;
 * the rest is the path (and the receiver's stamping of arrivals). Only the
 * path's part is jitter a buffer should follow: a frame that its sender
 * held for 140 ms is late whatever the receiver buffers, and buffering for
 * it would cost the same 140 ms on every frame after. So the need is the
 * sender's typical hold (the median) plus the path's jitter: a sender stall
 * becomes one short freeze, not lasting delay. *stall returns how far the
 * sender's longest hold of the window went above the typical one, for
 * audio, which may cover some of it (see audio_target()).
 *
 * The path's jitter is the worst (delay - hold) of each 100 ms, and of
 * those the q-quantile (0.9: the worst two of 25 are let go). A spike (a
 * route hiccup) fills one to three bins and is not kept as the target: the
 * frames it hit come late once, which costs less than holding the whole
 * call back for the next seconds. Spikes that recur in more than a tenth
 * of the bins are the path's jitter (retransmissions on a lossy path, say)
 * and are followed. Arrivals the receiver stamped late because its own
 * thread stalled never get here (media_host_catching_up()), nor what an
 * outage held back (held_by_outage() in receiver.c).
 */
static int64_t playout_need(const struct delay_hist *h, int64_t now, double q, int64_t *stall)
{
    int net[BINS], holds[DELAY_HIST], n = 0, nh = 0, most = 0;
    for (int i = 0; i < BINS; i++)
        net[i] = -1;
    for (int i = 0; i < h->n; i++) {
        int64_t age = now - h->at[i];
        if (age < 0 || age >= DELAY_WINDOW_US)
            continue;
        int b = (int)(age / BIN_US);
        if (h->d[i] - h->hold[i] > net[b])
            net[b] = h->d[i] - h->hold[i];
        if (h->hold[i] > most)
            most = h->hold[i];
        holds[nh++] = h->hold[i];
    }
    if (!nh) {
        *stall = 0;
        return 0;
    }
    for (int i = 0; i < BINS; i++)
        if (net[i] >= 0)
            net[n++] = net[i];
    int typical = quantile_sorted(holds, nh, 0.5);
    *stall = most - typical;
    return quantile_sorted(net, n, q) + typical;
}

/* A need that grew is followed at once; one that shrank is let go at
 * 100 ms a second, so audio and video (which follow each other for lip
 * sync) move together and a jittery path does not flap. */
#define NEED_DECAY_PER_S 100000

static int64_t follow(int64_t cur, int64_t want, int64_t dt)
{
    if (want >= cur)
        return want;
    int64_t down = cur - NEED_DECAY_PER_S * dt / 1000000;
    return down > want ? down : want;
}

static void update_needs(struct peer *p, int64_t now)
{
    if (now == p->need_at)
        return;
    int64_t dt = p->need_at && now > p->need_at ? now - p->need_at : 0;
    p->need_at = now;
    int64_t vstall, astall;
    int64_t v = playout_need(&p->vd, now, VIDEO_Q, &vstall) + 10000;
    p->vneed = follow(p->vneed, v > 500000 ? 500000 : v, dt);
    p->aneed = follow(p->aneed, playout_need(&p->ad, now, AUDIO_Q, &astall) + 5000, dt);
    p->astall = follow(p->astall, astall, dt);
}

/* ---- video playout ---- */

/*
 * Lip sync: audio may play up to AV_LAG_US behind the video it belongs to,
 * never ahead of it by more than AV_LEAD_US. People notice sound that
 * comes early much sooner than sound that comes late (ITU-R BT.1359:
 * about 45 ms early, 125 ms late); both stay well within the 100 ms the
 * call promises. The lag lets audio ride out a sender's stall that video
 * shows as a short freeze: a gap in speech costs more than a still frame.
 */
#define AV_LAG_US 60000
#define AV_LEAD_US 30000

/* Playout delay for video: its own need, but no further ahead of the audio
 * than lip sync allows. */
static int64_t video_target(const struct peer *p, int64_t now)
{
    int64_t need = p->vneed;
    if (p->audio_started && p->audio_realized_us - AV_LAG_US > need)
        need = p->audio_realized_us - AV_LAG_US;
    return need;
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

int bb_media_request_keyframe(bb_media *m, uint32_t ssrc)
{
    struct peer *p = m ? bbm_media_find_peer(m, ssrc) : NULL;
    if (!p)
        return BB_E_ARG;
    request_keyframe(m, p);
    return BB_OK;
}

/* Gives up on a frame that retransmission did not bring in time and asks
 * for a keyframe instead. */
void bbm_playout_check_video(bb_media *m, struct peer *p)
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
    /* While the frames behind the missing one are not yet due, the playout
     * buffer still hides the wait for its retransmission. A keyframe asked
     * for now would come no sooner than one more round trip and would then
     * wait out the same target: a freeze of target + RTT at least. */
    int64_t due = video_target(p, m->now) + bbm_receiver_base(p);
    int hidden = 0;
    for (int i = 0; i < VSLOTS && !hidden; i++) {
        const struct vframe *f = &p->vf[i];
        hidden = f->used && f->complete && f->id > p->next_id && f->capture + due > m->now;
    }
    if (m->now - p->blocked_since > wait && !hidden) {
        p->need_key = 1;
        p->blocked_since = 0;
        request_keyframe(m, p);
    }
}

/* The time of a playout call, and the delay needs as of then. */
void bbm_playout_clock(bb_media *m, struct peer *p, int64_t now)
{
    media_clock(m, now);
    update_needs(p, m->now);
}

/* A decoder skipped a frame: nothing after it can be decoded until a
 * keyframe comes. */
void bbm_playout_restart_from_key(bb_media *m, struct peer *p)
{
    p->need_key = 1;
    request_keyframe(m, p);
}

/* A decoder could not decode a frame. */
void bbm_playout_decode_failed(bb_media *m, struct peer *p)
{
    m->st.rejected[BB_MEDIA_REJECT_DECODE]++;
    bbm_playout_restart_from_key(m, p);
}

/* Takes the next frame whose playout time has come out of reassembly, its
 * parts joined into m->frame_buf. Returns 1, 0 when none is due, or an
 * error; BB_E_BUFFER (d->len set, the frame left in place) when it is larger
 * than max_len. d->show is 0 when playout is far behind (a late
 * retransmission held the queue) and the next frame is due too: decode this
 * one, but show the next, to regain sync. */
int bbm_playout_take(bb_media *m, struct peer *p, size_t max_len, struct due_frame *d)
{
    int64_t target = video_target(p, m->now), base = bbm_receiver_base(p);
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
    if (m->tap)
        m->tap(m->tap_ctx, p->ssrc, BB_MEDIA_TAP_VIDEO, m->frame_buf, total, f->key,
               (uint64_t)(f->capture + base));
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
    struct peer *p = bbm_media_find_peer(m, ssrc);
    if (!p)
        return BB_E_ARG;
    bbm_playout_clock(m, p, (int64_t)now_us);
    int shown = 0;
    bb_image img;
    struct due_frame d;
    while (bbm_playout_take(m, p, SIZE_MAX, &d) == 1) {
        if (bb_video_decoder_decode(p->dec, m->frame_buf, d.len, &img)) {
            bbm_playout_decode_failed(m, p);
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
    bbm_playout_check_video(m, p);
    if (!shown)
        return BB_E_AGAIN;
    p->st.frames_shown++;
    return BB_OK;
}

/* ---- audio playout ---- */

/* What jitter alone asks of the audio buffer, plus one packet when loss is
 * about (so the next packet's FEC is there in time). */
static int64_t audio_jitter_need(const struct peer *p, int64_t now)
{
    int64_t t = p->aneed;
    if (p->loss_seen_us && now - p->loss_seen_us < 10000000)
        t += AUDIO_US;
    return t;
}

/* The audio buffer's target: the jitter need, plus as much of the
 * sender's recent stalls as lip sync leaves room for (audio concealed for
 * every stall would be heard; video just holds a frame), and never so far
 * ahead of the video that sound leads the picture. */
static int64_t audio_target(const struct peer *p, int64_t now)
{
    int64_t t = audio_jitter_need(p, now), v = p->vneed;
    int64_t room = v + AV_LAG_US - t;
    if (room > 0)
        t += p->astall < room ? p->astall : room;
    if (t < v - AV_LEAD_US)
        t = v - AV_LEAD_US;
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

/* How far playout may fall behind its target before it skips ahead
 * instead of dropping a frame now and then. */
#define AUDIO_RESYNC_US 500000

/* The oldest buffered frame, and the newest whose time has come (-1 if
 * none has). */
static int64_t audio_oldest(struct peer *p)
{
    for (int64_t s = p->max_audio_seq - ASLOTS + 1; s <= p->max_audio_seq; s++)
        if (audio_at(p, s))
            return s;
    return -1;
}

static int64_t audio_newest_due(struct peer *p, int64_t now, int64_t base, int64_t target)
{
    for (int64_t s = p->max_audio_seq; s > p->max_audio_seq - ASLOTS; s--) {
        struct aframe *a = audio_at(p, s);
        if (a && now >= a->capture + base + target)
            return s;
    }
    return -1;
}

/* Playout goes on from seq, its time taken from the frame's own. */
/* A received packet, as playout takes it, for the tap (bb_media_set_tap). */
static void tap_audio(bb_media *m, struct peer *p, const struct aframe *a)
{
    if (m->tap)
        m->tap(m->tap_ctx, p->ssrc, BB_MEDIA_TAP_AUDIO, a->data, a->len, 1,
               (uint64_t)(a->capture + bbm_receiver_base(p)));
}

static void audio_jump(struct peer *p, int64_t seq)
{
    p->play_seq = seq;
    p->anchor_seq = seq;
    p->anchor_capture = audio_at(p, seq)->capture;
}

int bb_media_pull_audio(bb_media *m, uint32_t ssrc, uint64_t now_us, int16_t *pcm)
{
    if (!m || !pcm)
        return BB_E_ARG;
    memset(pcm, 0, BB_AUDIO_FRAME * sizeof(*pcm));
    struct peer *p = bbm_media_find_peer(m, ssrc);
    if (!p)
        return BB_E_ARG;
    media_clock(m, (int64_t)now_us);
    int64_t now = m->now, base = bbm_receiver_base(p);
    update_needs(p, now);
    int64_t target = audio_target(p, now);
    p->st.audio_delay_us = (int)target;
    /* Pulls in a burst: the host is catching up with the audio device
     * after a stall of its own. The delay it sees then is not the
     * buffer's; stretching or dropping for it would only add artefacts. */
    int64_t gap = p->last_pull_us ? now - p->last_pull_us : 0;
    int burst = p->last_pull_us && gap < AUDIO_US / 2;
    /* Pulls at the device's pace: the delay seen now is the buffer's. */
    int steady = !burst && gap <= 2 * AUDIO_US;
    p->last_pull_us = now;
    if (!p->audio_started) {
        if (!p->have_audio_seq)
            return BB_OK;
        /* Start with the oldest buffered frame once its time has come. */
        int64_t first = audio_oldest(p);
        if (first < 0 || now < audio_at(p, first)->capture + base + target)
            return BB_OK;
        p->audio_started = 1;
        audio_jump(p, first);
    } else if (p->play_seq <= p->max_audio_seq - ASLOTS ||
               (steady && now - audio_capture_of(p, p->play_seq) - base - target > AUDIO_RESYNC_US)) {
        /* Far behind: the frames due now were overwritten, or the device
         * pulls at its pace again after it fell further behind than dropping
         * a frame now and then makes good in a second or two. Skip to what
         * is due now. (Right after a stall of the host the pulls come in a
         * burst that catches up by itself.) */
        int64_t due = audio_newest_due(p, now, base, target);
        if (due < 0 && p->play_seq <= p->max_audio_seq - ASLOTS)
            due = audio_oldest(p);
        if (due > p->play_seq) {
            p->st.audio_dropped += (uint64_t)(due - p->play_seq);
            audio_jump(p, due);
        }
    }
    int64_t seq = p->play_seq;
    p->audio_realized_us = now - audio_capture_of(p, seq) - base;
    p->st.audio_latency_us = now - audio_capture_of(p, seq);
    /* The target grew (more jitter, or video needs longer for lip sync):
     * stretch by one concealed frame, at most every 100 ms. */
    int64_t floor = target - 30000, need = audio_jitter_need(p, now);
    if (floor < need)
        floor = need; /* below what jitter needs, a gap is coming: stretch now */
    if (!burst && p->audio_realized_us < floor && now - p->last_accel_us > 100000) {
        plc(p, pcm);
        p->st.audio_plc++;
        p->st.audio_stretched++;
        p->last_accel_us = now;
        return BB_OK;
    }
    struct aframe *a = audio_at(p, seq);
    int n = 0;
    if (a) {
        tap_audio(m, p, a);
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
    /* Too much delay queued (the jitter went down, or a spike passed):
     * drop one frame, at most every 200 ms so it stays inaudible in
     * practice; far above the target (after a stall) every 50 ms, so the
     * call is back to its delay within a second or two. */
    int64_t over = p->audio_realized_us - target;
    int64_t every = over > 100000 ? 50000 : over > 60000 ? 100000 : 200000;
    if (!burst && over > 40000 && now - p->last_accel_us > every &&
        audio_at(p, p->play_seq) && audio_at(p, p->play_seq + 1)) {
        int16_t scratch[BB_AUDIO_FRAME];
        struct aframe *d = audio_at(p, p->play_seq);
        int k;
        tap_audio(m, p, d);
        bb_audio_decoder_decode(p->adec, d->data, d->len, 0, scratch, &k); /* keep decoder state */
        d->used = 0;
        p->play_seq++;
        p->last_accel_us = now;
        p->st.audio_dropped++;
    }
    return BB_OK;
}
