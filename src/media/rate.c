/*
 * GCC-like bandwidth estimation. The receiver groups packets sent within
 * 5 ms, and tracks how the one-way delay between groups accumulates; a
 * linear trend over the last 20 groups above an adaptive threshold means a
 * queue may be building. That alone is not acted on: a host that stalls
 * (a busy browser thread stamping arrivals late, a sender that posts a
 * backlog at once) makes the same trend. An overuse is taken only when the
 * queue also persists over real arrival time (see QUEUE_AVG_US), or a
 * large queue stands. Then the estimate
 * drops to 85 % of what actually arrives, less what is needed to drain the
 * queue within three seconds, but by at most 30 % of the current estimate
 * per cut: when the flow is application-limited, what arrives says nothing
 * about the path, and a wrong cut from it would be the call's floor.
 * Otherwise it grows by 8 % a second, never far above what the sender
 * really sends. Constants follow the GCC draft (draft-ietf-rmcat-gcc-02)
 * where it gives them.
 */
#include <math.h>
#include <string.h>

#include "rate.h"

#define GROUP_US 5000
#define BIN_US 50000
#define TREND_GAIN 4.0
#define K_UP 0.0087
#define K_DOWN 0.039
#define OVERUSE_TIME_US 10000
/* A queue that corroborates the trend: its mean over ~300 ms of arrival
 * time, each delay weighted by how long it held until the next packet came,
 * above 25 ms. A host stall cannot fake it: what waited for the host is
 * stamped with one arrival time (no weight), and the stall itself is held
 * at the delay of the last packet before it. A link near its capacity
 * whose every frame waits in a queue can. */
#define QUEUE_AVG_US 300000.0
#define QUEUE_PERSIST_US 25000

void bbm_delay_est_init(delay_estimator *e)
{
    memset(e, 0, sizeof(*e));
    e->threshold = 12.5;
    e->min_owd = INT64_MAX;
}

static void add_bytes(delay_estimator *e, int64_t t, int bytes)
{
    if (!e->bin_start)
        e->bin_start = t;
    /* Advance the ring of bins to the one that holds t. */
    while (t >= e->bin_start + BIN_US) {
        e->bin_start += BIN_US;
        e->bin_cur = (e->bin_cur + 1) % RATE_BINS;
        e->bin_bytes[e->bin_cur] = 0;
        if (t - e->bin_start > (int64_t)BIN_US * RATE_BINS) { /* long silence */
            memset(e->bin_bytes, 0, sizeof(e->bin_bytes));
            e->bin_start = t - (t - e->bin_start) % BIN_US;
        }
    }
    e->bin_bytes[e->bin_cur] += (uint64_t)bytes;
}

double bbm_delay_est_incoming_kbps(const delay_estimator *e, int64_t now_us)
{
    if (!e->bin_start || now_us - e->bin_start > (int64_t)BIN_US * RATE_BINS)
        return 0;
    /* Less than half a window of data says little about the rate. */
    if (now_us - e->first_arrival < (int64_t)BIN_US * RATE_BINS / 2)
        return 0;
    uint64_t sum = 0;
    for (int i = 0; i < RATE_BINS; i++)
        sum += e->bin_bytes[i];
    /* The window is the full bins plus the part of the current one. */
    double span_us = (double)BIN_US * (RATE_BINS - 1) + (double)(now_us - e->bin_start);
    if (span_us > (double)(now_us - e->first_arrival))
        span_us = (double)(now_us - e->first_arrival);
    return span_us > 0 ? sum * 8.0 / (span_us / 1000.0) : 0;
}

static void trend_add(delay_estimator *e, double t_ms, double delay_ms)
{
    e->hist_t[e->hist_pos] = t_ms;
    e->hist_d[e->hist_pos] = delay_ms;
    e->hist_pos = (e->hist_pos + 1) % TREND_WINDOW;
    if (e->hist_n < TREND_WINDOW)
        e->hist_n++;
    if (e->hist_n < TREND_WINDOW)
        return;
    double mt = 0, md = 0;
    for (int i = 0; i < e->hist_n; i++) {
        mt += e->hist_t[i];
        md += e->hist_d[i];
    }
    mt /= e->hist_n;
    md /= e->hist_n;
    double num = 0, den = 0;
    for (int i = 0; i < e->hist_n; i++) {
        num += (e->hist_t[i] - mt) * (e->hist_d[i] - md);
        den += (e->hist_t[i] - mt) * (e->hist_t[i] - mt);
    }
    if (den > 0)
        e->trend = num / den;
}

/* Compares the trend to the adaptive threshold and sets e->state. */
static void detect(delay_estimator *e, int64_t now)
{
    int n = e->num_deltas < 60 ? e->num_deltas : 60;
    double m = e->trend * n * TREND_GAIN;
    if (m > e->threshold) {
        if (!e->overuse_since)
            e->overuse_since = now;
        if (now - e->overuse_since >= OVERUSE_TIME_US)
            e->state = BW_OVERUSE;
    } else {
        e->overuse_since = 0;
        e->state = m < -e->threshold ? BW_UNDERUSE : BW_NORMAL;
    }
    /* The threshold follows |m| slowly, so a path with steady noise does
     * not look congested forever, but a real step still stands out. */
    double dt = e->last_threshold_us ? (double)(now - e->last_threshold_us) / 1000.0 : 0;
    if (dt > 100)
        dt = 100;
    if (fabs(m) < e->threshold + 15) {
        double k = fabs(m) < e->threshold ? K_DOWN : K_UP;
        e->threshold += k * (fabs(m) - e->threshold) * dt;
        if (e->threshold < 6)
            e->threshold = 6;
        if (e->threshold > 600)
            e->threshold = 600;
    }
    e->last_threshold_us = now;
}

void bbm_delay_est_bytes(delay_estimator *e, int64_t arrival_us, int bytes)
{
    if (!e->first_arrival)
        e->first_arrival = arrival_us;
    add_bytes(e, arrival_us, bytes);
}

void bbm_delay_est_packet(delay_estimator *e, int64_t send_us, int64_t arrival_us, int bytes)
{
    bbm_delay_est_bytes(e, arrival_us, bytes);
    int64_t owd = arrival_us - send_us; /* includes the unknown clock offset */
    /* The base delay is the minimum over the last 10 s, so a route change
     * upwards is learned, while a standing queue is still seen as queue. */
    if (owd < e->min_owd || arrival_us - e->min_owd_at > 10000000) {
        e->min_owd = owd;
        e->min_owd_at = arrival_us;
    }
    if (e->queue_held_at && arrival_us > e->queue_held_at) {
        double w = 1 - exp(-(double)(arrival_us - e->queue_held_at) / QUEUE_AVG_US);
        e->queue_avg_us += w * ((double)e->queue_us - e->queue_avg_us);
    }
    e->queue_held_at = arrival_us;
    e->queue_us = owd - e->min_owd;
    if (e->queue_us < 60000)
        e->queue_high_since = 0;
    else if (!e->queue_high_since)
        e->queue_high_since = arrival_us;

    if (!e->have_group) {
        e->have_group = 1;
        e->group_send = send_us;
        e->group_arrival = arrival_us;
        return;
    }
    if (send_us - e->group_send < GROUP_US && send_us >= e->group_send) {
        if (arrival_us > e->group_arrival)
            e->group_arrival = arrival_us;
        return;
    }
    if (send_us < e->group_send)
        return; /* reordered from an older group: ignore for the gradient */
    if (e->have_prev) {
        double d = (double)((e->group_arrival - e->prev_arrival) -
                            (e->group_send - e->prev_send)) / 1000.0;
        e->accumulated += d;
        e->smoothed = 0.9 * e->smoothed + 0.1 * e->accumulated;
        e->num_deltas++;
        trend_add(e, (double)e->group_arrival / 1000.0, e->smoothed);
        detect(e, arrival_us);
    }
    e->prev_send = e->group_send;
    e->prev_arrival = e->group_arrival;
    e->have_prev = 1;
    e->group_send = send_us;
    e->group_arrival = arrival_us;
}

/* A path that carries audio carries this much video too until a queue says
 * otherwise: below it the estimate grows without proof. Otherwise a sender
 * that paused video (its target too low) would only ever be measured at
 * audio rate, and never get video back. Also the least first estimate: a
 * receiver that joins late first sees audio only (the video waits for the
 * keys or a keyframe). */
#define PROBE_FLOOR_KBPS 150
/* A queue alone never takes the estimate below this (the smallest picture
 * plus audio still fit); lower than that is the loss-based bound's call.
 * A stalled receiver (a busy CPU) looks like a queue, and with video off
 * the sender would only be measured at audio rate afterwards. */
#define DELAY_FLOOR_KBPS 60
/* No first estimate before a second of traffic, so it sees video too. */
#define FIRST_ESTIMATE_US 1000000

/* The trend says it grows; the mean says it persists. */
static int queue_persists_and_grows(const delay_estimator *e)
{
    return e->state == BW_OVERUSE && e->queue_avg_us >= QUEUE_PERSIST_US;
}

int64_t bbm_delay_est_queue(const delay_estimator *e)
{
    return (int64_t)e->queue_avg_us;
}

int bbm_delay_est_update(delay_estimator *e, int64_t now)
{
    double in = bbm_delay_est_incoming_kbps(e, now);
    if (in <= 0)
        return (int)e->estimate_kbps;
    if (e->estimate_kbps <= 0) {
        if (now - e->first_arrival < FIRST_ESTIMATE_US)
            return 0;
        e->estimate_kbps = in * 1.5 + 50;
        if (e->estimate_kbps < PROBE_FLOOR_KBPS)
            e->estimate_kbps = PROBE_FLOOR_KBPS;
    }
    double dt = e->last_update_us ? (double)(now - e->last_update_us) / 1e6 : 0;
    if (dt > 1)
        dt = 1;
    e->last_update_us = now;
    /* A standing queue (over 60 ms for 300 ms, reaching 100 ms) is an
     * overuse whatever the trend says: after a capacity drop the trend
     * settles while the queue still stands. A keyframe's burst is not. */
    int standing = e->queue_high_since && now - e->queue_high_since > 300000 &&
                   e->queue_us > 100000;
    /* The trend alone is no proof (frame bursts, host stalls): a real queue
     * also persists and grows. */
    int overuse = queue_persists_and_grows(e) || standing;
    if (overuse) {
        if (now - e->last_decrease_us > 200000) {
            double drain = (double)e->queue_us / 1e6 * in / 3.0; /* kbps, 3 s */
            if (drain > 0.35 * in)
                drain = 0.35 * in;
            /* From what arrives when the path is full (then that is its
             * capacity), but never more than 30 % under the estimate at
             * once: repeated cuts still reach the capacity within a
             * second, and one wrong cut cannot pin the call to a tiny
             * application-limited rate. The 30 % count from the most
             * the flow has shown the path carries (1.5 x what arrives):
             * an estimate above that (the probe floor over a 64 kbit/s
             * link) proves nothing, and a cut to 70 % of it would read
             * as a rise to a sender that is below it. */
            double shown = 1.5 * in + 10;
            double base = e->estimate_kbps < shown ? e->estimate_kbps : shown;
            double from = 0.85 * in;
            if (from < 0.7 * base)
                from = 0.7 * base;
            double target = from - drain;
            if (target < DELAY_FLOOR_KBPS)
                target = DELAY_FLOOR_KBPS;
            e->capacity_kbps = in;
            if (target < e->estimate_kbps) {
                e->estimate_kbps = target;
                e->drain_kbps = drain;
            }
            e->last_decrease_us = now;
        }
    } else if (e->drain_kbps > 0 && e->queue_us < 30000) {
        /* The queue is gone: the drain share was temporary. */
        e->estimate_kbps += e->drain_kbps;
        e->drain_kbps = 0;
    } else if (e->state == BW_NORMAL &&
               (e->estimate_kbps < 1.5 * in + 10 || e->estimate_kbps < PROBE_FLOOR_KBPS)) {
        /* Grow only while the sender uses what it has: an encoder that
         * undershoots (a still picture) proves nothing about the path.
         * Never clamp down for that reason either: a lower estimate means
         * a lower resolution, hence rate, hence estimate. Near the rate
         * where the last overuse was seen, grow slowly (2 %/s instead of
         * 8 %/s): that is where the queue starts. */
        int near = e->capacity_kbps > 0 && e->estimate_kbps > 0.85 * e->capacity_kbps;
        double rate = e->estimate_kbps < PROBE_FLOOR_KBPS ? 1.15 : near ? 1.02 : 1.08;
        e->estimate_kbps *= pow(rate, dt);
    }
    if (e->estimate_kbps < 10)
        e->estimate_kbps = 10;
    return (int)e->estimate_kbps;
}

int bbm_delay_est_gradient(const delay_estimator *e)
{
    double g = e->trend * 1e6; /* ms per ms -> us per s */
    if (g > 32767)
        g = 32767;
    if (g < -32768)
        g = -32768;
    return (int)g;
}

/* ---- profile ladder ---- */

struct rung {
    int min_video_kbps;
    int scale_num, scale_den;   /* of the camera size */
    int fps;
};

/* Default: resolution and frame rate both step down. */
static const struct rung ladder_default[RATE_RUNGS] = {
    { 550, 1, 1, 30 }, { 280, 3, 4, 30 }, { 140, 1, 2, 30 },
    { 70, 1, 2, 15 }, { 20, 1, 4, 10 },
};
/* Sign language: hands need motion, so >= 25 fps; resolution goes first. */
static const struct rung ladder_sign[RATE_RUNGS] = {
    { 600, 1, 1, 30 }, { 260, 3, 4, 30 }, { 120, 1, 2, 30 },
    { 60, 3, 8, 25 }, { 20, 1, 4, 25 },
};
/* Low bandwidth: small pictures at a few frames a second. */
static const struct rung ladder_low[RATE_RUNGS] = {
    { 550, 1, 1, 30 }, { 280, 3, 4, 30 }, { 140, 1, 2, 15 },
    { 45, 1, 2, 5 }, { 20, 1, 4, 5 },
};

static int even(int v)
{
    v &= ~1;
    return v < 16 ? 16 : v;
}

void bbm_rate_plan(bb_media_profile p, int total, int cap_w, int cap_h, int cap_fps,
               media_plan *out)
{
    bbm_rate_plan_capped(p, total, cap_w, cap_h, cap_fps, 0, out);
}

void bbm_rate_plan_capped(bb_media_profile p, int total, int cap_w, int cap_h, int cap_fps,
                      int min_rung, media_plan *out)
{
    /* Audio: speech stays intelligible at 16 kbit/s with FEC; it gets its
     * share first in every profile. */
    int audio = total >= 400 ? 32000 : total >= 150 ? 24000 : total >= 60 ? 16000 : 12000;
    /* ~8 % goes to headers, feedback and retransmissions. */
    int video = (int)((total - audio / 1000) * 0.92);
    const struct rung *l = ladder_default;
    if (p == BB_MEDIA_PROFILE_SIGN_LANGUAGE)
        l = ladder_sign;
    else if (p == BB_MEDIA_PROFILE_LOW_BANDWIDTH)
        l = ladder_low;
    /* The ladders are written for a 640x360 camera; a smaller or larger
     * one needs proportionally fewer or more bits for the same quality. */
    double px = (double)cap_w * cap_h / (640.0 * 360.0);
    int i = 0;
    while (i < RATE_RUNGS - 1 && video < l[i].min_video_kbps * px)
        i++;
    memset(out, 0, sizeof(*out));
    out->audio_bps = audio;
    if (video < l[RATE_RUNGS - 1].min_video_kbps) /* not even the smallest picture fits */
        return;
    if (min_rung > RATE_RUNGS - 1)
        min_rung = RATE_RUNGS - 1;
    if (i < min_rung) {
        i = min_rung;
        int most = (int)(l[i - 1].min_video_kbps * px);
        if (video > most)
            video = most;
    }
    out->video_kbps = video;
    out->width = even(cap_w * l[i].scale_num / l[i].scale_den);
    out->height = even(cap_h * l[i].scale_num / l[i].scale_den);
    out->fps = l[i].fps < cap_fps ? l[i].fps : cap_fps;
}
