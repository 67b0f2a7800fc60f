/*
 * Rate control, in the spirit of Google Congestion Control: a receiver-side
 * delay-gradient estimator (trendline over packet groups, adaptive
 * threshold, AIMD on the incoming rate) and a sender-side loss-based bound.
 * The profile ladder turns the resulting bitrate into audio bitrate and
 * video resolution/frame rate. Internal to src/media.
 */
#ifndef BB_MEDIA_RATE_H
#define BB_MEDIA_RATE_H

#include <stdint.h>

#include "beeldbel/media.h"

#define TREND_WINDOW 20
#define RATE_BINS 10          /* 10 x 50 ms incoming-rate window */

enum bw_state { BW_NORMAL = 0, BW_OVERUSE = 1, BW_UNDERUSE = 2 };

/* Receiver side: one per remote sender. */
typedef struct delay_estimator {
    int have_group;
    int64_t group_send, group_arrival;       /* first send / last arrival of group */
    int64_t prev_send, prev_arrival;         /* previous completed group */
    int have_prev;
    double accumulated, smoothed;            /* delay, milliseconds */
    double hist_t[TREND_WINDOW], hist_d[TREND_WINDOW];
    int hist_n, hist_pos, num_deltas;
    double trend;                            /* slope, ms per ms */
    double threshold;                        /* ms */
    int64_t last_threshold_us;
    int state;
    int64_t overuse_since;                   /* first time trend exceeded */
    int64_t min_owd;                         /* min (arrival - send) seen, us */
    int64_t min_owd_at;
    int64_t queue_us;                        /* current (arrival - send) - min */
    int64_t queue_high_since;                /* queue above 60 ms since */
    double queue_avg_us;                     /* time-weighted mean queue, ~300 ms */
    int64_t queue_held_at;                   /* arrival the current queue_us holds since */
    int64_t first_arrival;
    uint64_t bin_bytes[RATE_BINS];
    int64_t bin_start;                       /* start time of bin 0 window */
    int bin_cur;
    double estimate_kbps;                    /* 0 until the first decision */
    double drain_kbps;                       /* taken off to drain a queue */
    double capacity_kbps;                    /* incoming rate at the last overuse */
    int64_t last_update_us, last_decrease_us;
} delay_estimator;

void bbm_delay_est_init(delay_estimator *e);
/* One received media packet: sender clock (unwrapped), local arrival. */
void bbm_delay_est_packet(delay_estimator *e, int64_t send_us, int64_t arrival_us, int bytes);
/* Bytes that arrived without a send time (control messages: a file, text):
 * counted in the incoming rate, which bounds the estimate, but not in the
 * delay trend. */
void bbm_delay_est_bytes(delay_estimator *e, int64_t arrival_us, int bytes);
/* Runs the AIMD; returns the current estimate in kbps (0 = none yet). */
int bbm_delay_est_update(delay_estimator *e, int64_t now_us);
/* Bits per second arriving over the last half second. */
double bbm_delay_est_incoming_kbps(const delay_estimator *e, int64_t now_us);
/* Delay trend in microseconds per second (for receiver reports). */
int bbm_delay_est_gradient(const delay_estimator *e);
/* The queue that persists: its mean over the last ~300 ms of arrival
 * time, in microseconds (for receiver reports). */
int64_t bbm_delay_est_queue(const delay_estimator *e);

/* What the encoder should produce at a given total bitrate. */
typedef struct media_plan {
    int audio_bps;
    int video_kbps;          /* 0: video paused (audio only) */
    int width, height, fps;
} media_plan;

#define RATE_RUNGS 5

/* The profile ladder. cap_w/cap_h/cap_fps: the camera's format. */
void bbm_rate_plan(bb_media_profile p, int total_kbps, int cap_w, int cap_h,
               int cap_fps, media_plan *out);
/* The same, but never above rung min_rung (0 = the camera's full size and
 * rate, RATE_RUNGS - 1 = the smallest): the CPU cap. The video bitrate is
 * then held to what the next larger rung would start at, as a smaller
 * picture does not need more. */
void bbm_rate_plan_capped(bb_media_profile p, int total_kbps, int cap_w, int cap_h,
                      int cap_fps, int min_rung, media_plan *out);

#endif
