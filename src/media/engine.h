/*
 * The media engine's shared state, internal to src/media. The engine is
 * split by job, all working on one struct bb_media:
 *   engine.c   create/free, the paced out queue, receive dispatch, timers
 *   sender.c   encode, packetize, retransmit, rate control decisions
 *   receiver.c per remote sender: loss tracking, NACK, reassembly, reports
 *   playout.c  video playout (lip sync, keyframe recovery), audio jitter
 *              buffer with Opus FEC and PLC
 *   encoded.c  the same for a host that encodes and decodes video itself
 *              (the browser's own codecs): the engine plans and schedules
 *   control.c  the reliable, ordered control channel
 * Sender and receiver share the struct so that feedback about what we sent
 * meets what we sent. Functions shared between these files (not API) carry
 * the prefix bbm_; everything else in them is static.
 */
#ifndef BB_MEDIA_ENGINE_H
#define BB_MEDIA_ENGINE_H

#include <stdint.h>

#include "beeldbel/media.h"
#include "rate.h"
#include "wire.h"

#define HISTORY 512             /* sent video packets kept for NACK (~2 s at 2.5 Mbit/s) */
#define OUTQ 256                /* messages waiting for poll_send */
#define RECV_WIN 1024           /* received-tseq window (duplicates, NACK) */
#define MAX_NACKS 128           /* missing packets tracked per sender */
#define NACK_MAX_TRIES 8
#define NACK_MAX_AGE_US 1500000
#define VSLOTS 32               /* frames in reassembly */
#define MAX_FRAME_PARTS 128     /* 145 KB: far above a capped keyframe */
#define ASLOTS 64               /* 1.28 s of audio */
#define DELAY_HIST 256           /* delay samples: > 2.5 s of 60 fps video or of audio */
#define DELAY_WINDOW_US 2500000  /* playout targets look this far back */
#define HOST_GAP_US 30000        /* no call for this long (a working host calls at
                                    least every 20 ms audio frame): it stalled */
#define REPORT_US 100000
#define LOSS_REPORTS 8          /* loss reports the sender pools */
#define RATE_US 100000
#define PLI_MIN_US 300000       /* receiver: keyframe requests at most this often */
#define KEY_MIN_US 200000       /* sender: keyframes at most this often */
#define CTL_PENDING 32
#define CTL_STASH 16
#define CTL_INBOX 32
#define CTL_GIVE_UP_US 10000000
#define AUDIO_US 20000

/* ---- small helpers ---- */

static inline uint64_t rng_next(uint64_t *s) /* xorshift64*: the engine's only randomness */
{
    uint64_t x = *s;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    *s = x;
    return x * 0x2545F4914F6CDD1DULL;
}

/* Unwrapped sequence numbers start here, so that one arriving "before" the
 * first never goes negative (they index ring buffers with %). */
#define EXT_BASE ((int64_t)1 << 40)

/* Extends a wrapping counter of `bits` bits to 64 bits near `ref`. */
static inline int64_t unwrap(int64_t ref, uint32_t v, int bits)
{
    uint64_t mod = 1ULL << bits;
    int64_t diff = (int64_t)((v - (uint64_t)ref) & (mod - 1));
    if (diff >= (int64_t)(mod / 2))
        diff -= (int64_t)mod;
    return ref + diff;
}

/* ---- state ---- */

/* Playout delay samples (us) and when each was taken: d is the whole
 * delay (arrival - capture - base), hold the part of it the sender held
 * the media before sending (send - capture, the sender's own clock). */
struct delay_hist {
    int64_t at[DELAY_HIST];
    int d[DELAY_HIST];
    int hold[DELAY_HIST];
    int n, pos;
};

struct out_msg {
    uint16_t len;
    uint8_t cls;
    uint8_t data[BB_MEDIA_MAX_MSG];
};

struct sent_pkt {
    int valid;
    uint16_t tseq;
    uint16_t len;
    int64_t last_rtx_us;
    uint8_t data[BB_MEDIA_MAX_MSG];
};

struct nack_entry {
    int64_t seq;
    int64_t detected_us, last_sent_us;
    int tries;
};

struct vframe {
    int used, key, rtx, complete;
    int64_t id, capture;
    int parts, got;
    uint8_t have[MAX_FRAME_PARTS];
    uint16_t plen[MAX_FRAME_PARTS];
    uint8_t *buf;              /* parts at part * WIRE_VIDEO_PAYLOAD */
    size_t buf_cap;
    int64_t complete_at;
    int64_t hold;              /* send - capture of its first original part */
};

struct aframe {
    int used;
    int64_t seq, capture;
    uint16_t len;
    uint8_t data[BB_AUDIO_MAX_PACKET];
};

struct ctl_stash {
    int used;
    int64_t seq;
    uint16_t len;
    uint8_t data[BB_MEDIA_MAX_CONTROL];
};

struct peer {
    int used, has_media;
    uint32_t ssrc;
    bb_media_peer_stats st;
    /* transport */
    int have_tseq;
    int64_t max_tseq;
    int64_t rx_seq[RECV_WIN];          /* which ext tseq fills each slot */
    struct nack_entry nack[MAX_NACKS];
    int n_nack;
    int64_t rx_rtt_us;                 /* NACK -> retransmission time */
    int64_t reorder_us;                /* how late reordered packets come */
    int64_t last_send_ext, last_capture_ext;
    int have_clock;
    uint32_t newest_send_us;           /* for the report's echo */
    int64_t newest_arrival;
    double jitter_us;
    int64_t prev_transit;
    int have_transit;
    delay_estimator est;
    uint64_t interval_received;
    int64_t interval_base;             /* max_tseq at the last report */
    int64_t loss_credit;               /* counted lost, then came late */
    int64_t next_report_us;
    int pli_pending;
    int64_t last_pli_us;
    int64_t loss_seen_us;
    /* capture -> local clock: min(arrival - capture) over two 5 s windows */
    int64_t base_cur, base_prev, base_window_start;
    /* the last media to arrive, and when media came again after an outage */
    int64_t last_media_us, resumed_us;
    /* video */
    bb_video_decoder *dec;
    struct vframe vf[VSLOTS];
    int have_frame_id;
    int64_t max_frame_id, next_id;
    int need_key;
    int64_t blocked_since;
    struct delay_hist vd;
    int64_t vneed, aneed, astall, need_at; /* playout needs, decaying (playout.c) */
    /* audio */
    bb_audio_decoder *adec;
    struct aframe af[ASLOTS];
    int have_audio_seq;
    int64_t max_audio_seq;
    int audio_started;
    int64_t play_seq, anchor_seq, anchor_capture;
    int64_t audio_realized_us, last_accel_us;
    struct delay_hist ad;
    int64_t last_pull_us;              /* previous bb_media_pull_audio() */
    /* control we receive from this peer */
    int have_ctl;
    int64_t next_ctl;
    struct ctl_stash stash[CTL_STASH];
    /* control we send, as acknowledged by this peer */
    int64_t ctl_acked;                 /* all our control seq < this arrived */
    int ack_pending;
    /* what this peer reports about us */
    int remb_kbps;
    int64_t remb_at;
    int queue_rep_ms;                  /* the queue in its last report */
    /* its last loss reports: packets expected and lost in each (sender.c) */
    uint16_t rep_tseq;
    int have_rep_tseq, rep_pos;
    int64_t rep_at[LOSS_REPORTS];
    int rep_expected[LOSS_REPORTS], rep_lost[LOSS_REPORTS];
    int64_t evidence_at;               /* last sign of congestion on its path */
    int64_t queue_evidence_at;         /* ... of it a queue (not loss alone) */
};

struct ctl_out {
    int used;
    int64_t seq;
    int64_t first_us, last_us;
    uint16_t len;
    uint8_t data[BB_MEDIA_MAX_MSG];    /* the whole wire message */
};

struct inbox_msg {
    uint32_t from;
    uint16_t len;
    uint8_t data[BB_MEDIA_MAX_CONTROL];
};

struct bb_media {
    bb_media_config cfg;
    bb_media_tap_fn tap;               /* a recording's view of the coded media */
    void *tap_ctx;
    uint64_t rng;
    bb_media_stats st;
    int64_t now;
    int64_t last_call_us;              /* the host's latest call with a time */
    int64_t host_back_at;              /* when it came back from a stall */
    /* out queue, drained by a pacer at 2.5x the target rate */
    struct out_msg *outq;
    int out_head, out_n;
    size_t out_bytes;
    double pace_budget;                /* bytes that may leave now */
    int64_t pace_at;
    /* sender */
    struct sent_pkt *hist;
    uint16_t tseq, frame_id, audio_seq;
    int64_t audio_last_capture; /* capture time of the last audio frame sent, 0 before */
    bb_video_encoder *venc;
    bb_audio_encoder *aenc;
    media_plan plan, want;
    int64_t want_since;
    int64_t last_frame_cap;            /* capture time of the last camera frame offered */
    double frame_credit;               /* frames the plan's rate allows now */
    int have_frame_time;
    int force_key;
    int64_t last_key_us;
    int key_asked;                     /* a host encoder was told to make one, */
    int64_t key_asked_us;              /* at this time */
    uint8_t *scaled, *bits;
    size_t bits_cap;
    double loss_kbps;
    uint64_t sent_mark_bytes;          /* bytes_sent at sent_mark_us */
    int64_t sent_mark_us;
    double sent_kbps;                  /* what we actually send, last second */
    int64_t last_loss_cut_us, next_rate_us;
    int64_t srtt_us;
    /* RTT growth: min RTT over two 10 s windows, samples above it since */
    int64_t rtt_min_cur, rtt_min_prev, rtt_win_start, rtt_high_since;
    int64_t rtt_evidence_at;
    int64_t last_rate_us;
    /* CPU cap, separate from the network's plan (bb_media_report_load) */
    int cpu_rung;                      /* 0 = none; the plan is at most this rung */
    int side_on;                       /* a file goes through the control channel */
    int64_t cpu_high_since, cpu_low_since;
    double rtx_budget;                 /* bytes retransmissions may use */
    int64_t rtx_at;
    /* control out */
    uint32_t ctl_seq;
    struct ctl_out ctl[CTL_PENDING];
    struct inbox_msg *inbox;
    int in_head, in_n;
    /* receivers */
    struct peer peers[BB_MEDIA_MAX_PEERS];
    /* scratch for reassembled frames */
    uint8_t *frame_buf;
    size_t frame_cap;
};

/* engine.c */
int bbm_media_enqueue(bb_media *m, const uint8_t *data, size_t len, int cls);
int bbm_media_send_wire(bb_media *m, const wire_msg *w, int cls);
struct peer *bbm_media_find_peer(bb_media *m, uint32_t ssrc);

/* sender.c */
int bbm_sender_apply_plan(bb_media *m, const media_plan *p);
void bbm_sender_rate_update(bb_media *m, int64_t now);
void bbm_sender_feedback(bb_media *m, struct peer *p, const wire_msg *w);
int bbm_sender_take_frame(bb_media *m, uint64_t capture_us);
int bbm_sender_send_frame(bb_media *m, const uint8_t *bits, size_t len, int key,
                      uint64_t capture_us);

/* receiver.c: these return 0 or 1 + a bb_media_reject reason */
int bbm_receiver_track_packet(bb_media *m, struct peer *p, const wire_msg *w, size_t len);
int bbm_receiver_video(bb_media *m, struct peer *p, const wire_msg *w);
int bbm_receiver_audio(bb_media *m, struct peer *p, const wire_msg *w);
int64_t bbm_receiver_base(const struct peer *p);
void bbm_receiver_report(bb_media *m, struct peer *p);
int64_t bbm_receiver_nack_next_time(const struct peer *p);
int bbm_receiver_nack_due(const struct peer *p, int64_t now);

/* Every entry point that takes the time calls this: it notices when the
 * host itself was away (a busy thread), so that what waited for it is not
 * mistaken for path delay. */
static inline void media_clock(bb_media *m, int64_t now)
{
    if (m->last_call_us && now - m->last_call_us > HOST_GAP_US)
        m->host_back_at = now;
    if (now > m->last_call_us)
        m->last_call_us = now;
    m->now = now;
}

/* Still handling what waited for the host during its stall. */
static inline int media_host_catching_up(const bb_media *m)
{
    return m->host_back_at && m->now - m->host_back_at < 10000;
}

/* playout.c */
struct due_frame {
    int64_t id, capture;
    size_t len;                        /* bytes in m->frame_buf */
    int key, show;
};
void bbm_playout_check_video(bb_media *m, struct peer *p);
int bbm_playout_take(bb_media *m, struct peer *p, size_t max_len, struct due_frame *d);
void bbm_playout_decode_failed(bb_media *m, struct peer *p);
void bbm_playout_restart_from_key(bb_media *m, struct peer *p);
void bbm_playout_clock(bb_media *m, struct peer *p, int64_t now);
void bbm_delay_hist_add(struct delay_hist *h, int64_t at, int64_t d, int64_t hold);

/* sender.c: of a target, the kbps side traffic may use (bb_media_set_side) */
int bbm_side_kbps(const bb_media *m, int target_kbps);

/* control.c */
int bbm_control_receive(bb_media *m, struct peer *p, const wire_msg *w);
void bbm_control_receive_ack(bb_media *m, struct peer *p, const wire_msg *w);
void bbm_control_timers(bb_media *m);
void bbm_control_send_ack(bb_media *m, struct peer *p);

#endif
