/*
 * beeldbel — media module: the sans-I/O call engine.
 *
 * Turns camera frames (I420 + capture time) and microphone PCM (48 kHz mono,
 * 20 ms) into small typed messages, and received messages back into frames
 * and PCM. It never reads a clock, a socket or a timer: the host passes the
 * time (now_us, any monotonic microsecond clock) into every call, polls
 * bb_media_poll_send() for messages to send, and calls bb_media_tick() at
 * bb_media_next_deadline().
 *
 * Every message it emits is at most BB_MEDIA_MAX_MSG bytes, so end-to-end
 * encryption (SFrame header + tag) keeps it within 1200 bytes. The SFU relays
 * everything unordered and unreliably, so loss recovery (NACK, Opus FEC,
 * keyframe requests) and the reliable control channel live here.
 *
 * Up to BB_MEDIA_MAX_PEERS remote senders are tracked per engine; a sender
 * is known by its ssrc and added when its first message arrives.
 *
 * Ownership: bb_media_new() allocates; bb_media_free() releases everything.
 * Frames returned by bb_media_pull_frame() point into the engine and stay
 * valid until the next call on the same engine.
 */
#ifndef BEELDBEL_MEDIA_H
#define BEELDBEL_MEDIA_H

#include <stddef.h>
#include <stdint.h>

#include "beeldbel/codec.h"

#ifdef __cplusplus
extern "C" {
#endif

#define BB_MEDIA_MAX_MSG 1160      /* bytes; + 33 bytes SFrame <= 1200 */
#define BB_MEDIA_MAX_PEERS 4
#define BB_MEDIA_MAX_CONTROL 1000  /* payload bytes of one control message */

typedef struct bb_media bb_media;

/* What a message to send carries (hosts may prioritise or log by it). */
typedef enum bb_media_msg_class {
    BB_MEDIA_MSG_MEDIA = 1,     /* audio or video payload */
    BB_MEDIA_MSG_FEEDBACK = 2,  /* receiver report, NACK, keyframe request */
    BB_MEDIA_MSG_CONTROL = 3,   /* reliable control message or its ack */
} bb_media_msg_class;

/* How rate control trades resolution, frame rate and audio. */
typedef enum bb_media_profile {
    BB_MEDIA_PROFILE_DEFAULT = 0,
    BB_MEDIA_PROFILE_SIGN_LANGUAGE = 1, /* >= 25 fps; resolution goes first */
    BB_MEDIA_PROFILE_LOW_BANDWIDTH = 2, /* audio first, then a few fps, then none */
} bb_media_profile;

typedef struct bb_media_config {
    uint32_t ssrc;          /* this sender's id in the call; nonzero, unique */
    uint64_t seed;          /* seeds the engine's only random source */
    int width, height;      /* camera size, even, 16..BB_VIDEO_MAX_DIM */
    int fps;                /* camera frame rate, 1..60 */
    int start_kbps;         /* first bandwidth guess, 30..20000 */
    int max_kbps;           /* ceiling, >= start_kbps */
    bb_media_profile profile;
} bb_media_config;

/* Fills cfg with defaults for a 640x360 30 fps camera, profile default. */
void bb_media_config_default(bb_media_config *cfg, uint32_t ssrc);

/* Why a received message was dropped; each is counted in bb_media_stats. */
typedef enum bb_media_reject {
    BB_MEDIA_REJECT_TRUNCATED = 0, /* shorter than its header says */
    BB_MEDIA_REJECT_VERSION,       /* unknown wire version */
    BB_MEDIA_REJECT_TYPE,          /* unknown message type */
    BB_MEDIA_REJECT_FIELD,         /* a field out of range */
    BB_MEDIA_REJECT_OVERSIZE,      /* larger than BB_MEDIA_MAX_MSG */
    BB_MEDIA_REJECT_DUPLICATE,     /* already received */
    BB_MEDIA_REJECT_STALE,         /* too old for any buffer (replay) */
    BB_MEDIA_REJECT_PEERS,         /* a fifth sender */
    BB_MEDIA_REJECT_OWN,           /* our own ssrc echoed back */
    BB_MEDIA_REJECT_DECODE,        /* the codec refused the payload */
    BB_MEDIA_REJECT_COUNT
} bb_media_reject;

/* Per remote sender, as seen by this receiver. */
typedef struct bb_media_peer_stats {
    uint32_t ssrc;
    uint64_t packets, lost, recovered_nack, nacks_sent;
    uint64_t frames_decoded, frames_shown, frames_skipped, keyframe_requests;
    /* audio frames played: decoded, rebuilt from FEC, concealed (PLC: lost,
     * buffer ran dry, or stretched to follow a longer target delay) */
    uint64_t audio_frames, audio_fec, audio_plc;
    uint64_t audio_received;  /* audio frames that arrived (played or not yet) */
    uint64_t audio_underflow, audio_stretched, audio_dropped; /* subsets / extra */
    int jitter_us;           /* interarrival jitter (RFC 3550 style) */
    int audio_delay_us;      /* current audio jitter-buffer target */
    int video_delay_us;      /* current video playout target */
    int64_t audio_latency_us; /* now - capture of the audio played last, on
                                 the two clocks as given (tests: one clock) */
    int estimate_kbps;       /* our delay-based estimate of this sender's path */
} bb_media_peer_stats;

typedef struct bb_media_stats {
    uint64_t rejected[BB_MEDIA_REJECT_COUNT];
    uint64_t msgs_sent, bytes_sent, retransmits, retransmits_skipped, keyframes_sent;
    uint64_t frames_encoded, frames_dropped_by_rate;
    uint64_t audio_dropped_queue; /* audio frames dropped: the send queue was full */
    int target_kbps;         /* rate control's total send target */
    int video_kbps, audio_bps;
    int width, height, fps;  /* what the encoder is sending now (0x0 = paused) */
    int rtt_us;              /* smoothed, from receiver reports; 0 = unknown */
    int loss_pct;            /* worst reported loss of the last reports */
    int cpu_limited;         /* 1: the CPU cap (bb_media_report_load), not
                                the network, limits the picture now */
    int cpu_rung;            /* rungs the CPU cap takes off (0 = none) */
    int control_pending;     /* bb_media_control_unacked(), when the stats were read */
    uint64_t control_given_up;
    uint64_t control_skipped; /* control messages a sender gave up on before they reached us */
    int npeers;
    bb_media_peer_stats peer[BB_MEDIA_MAX_PEERS];
} bb_media_stats;

/* A decoded picture ready to show. */
typedef struct bb_media_frame {
    bb_image image;          /* points into the engine */
    uint32_t ssrc;           /* who sent it */
    uint64_t capture_us;     /* sender's capture time (sender's clock) */
    uint64_t frame_id;       /* sender's frame counter */
} bb_media_frame;

/* Makes an engine in *out (the caller frees it; cfg is copied). BB_OK;
 * BB_E_ARG for a NULL out or an invalid cfg (*out stays NULL); BB_E_NOMEM. */
int bb_media_new(bb_media **out, const bb_media_config *cfg);
/* Frees the engine and everything it holds; NULL is fine. */
void bb_media_free(bb_media *m);

/* Changes the profile while running. */
int bb_media_set_profile(bb_media *m, bb_media_profile profile);

/* The largest camera picture bb_media_push_video() takes (4K UHD). */
#define BB_MEDIA_MAX_CAMERA_PIXELS (3840 * 2160)

/*
 * Offers one camera frame, of any even size up to BB_MEDIA_MAX_CAMERA_PIXELS:
 * it is scaled to the size rate control plans (at most the configured size;
 * a camera that gives another size than asked is scaled here, not by the
 * host). Rate control may also skip it (frame rate).
 */
int bb_media_push_video(bb_media *m, const bb_image *img, uint64_t capture_us,
                        uint64_t now_us);

/*
 * Offers 20 ms of microphone audio (BB_AUDIO_FRAME samples). BB_OK, also
 * when the send queue is full: then the frame is dropped and counted
 * (stats.audio_dropped_queue) and receivers conceal it; BB_E_ARG; the
 * encoder's BB_E_CODEC.
 */
int bb_media_push_audio(bb_media *m, const int16_t *pcm, uint64_t capture_us,
                        uint64_t now_us);

/*
 * Queues a control message (1..BB_MEDIA_MAX_CONTROL opaque bytes) for
 * reliable, in-order delivery to every known peer: it is retransmitted until
 * each acknowledges it, or given up after 10 s (counted).
 */
int bb_media_send_control(bb_media *m, const uint8_t *data, size_t len,
                          uint64_t now_us);

/* How many more control messages bb_media_send_control would take now. */
int bb_media_control_room(const bb_media *m);

/* How many control messages sent are not yet acknowledged by everyone in
 * the call (all of them while nobody is), as of now. */
int bb_media_control_unacked(const bb_media *m);

/*
 * Takes the next message to send into out (cap >= BB_MEDIA_MAX_MSG is always
 * enough). BB_E_AGAIN when there is nothing to send now: messages are paced
 * at 2.5x the target bitrate (time as given by the last call), so poll
 * again after each bb_media_tick(). cls may be NULL.
 */
int bb_media_poll_send(bb_media *m, uint8_t *out, size_t cap, size_t *len,
                       bb_media_msg_class *cls);

/*
 * Hands in one received message (untrusted bytes). A rejected message
 * returns BB_E_PARSE or BB_E_PROTO and is counted by reason; the engine's
 * state is unchanged by it.
 */
int bb_media_receive(bb_media *m, const uint8_t *data, size_t len,
                     uint64_t now_us);

/* Runs timers (NACK, reports, retransmissions, rate control). */
int bb_media_tick(bb_media *m, uint64_t now_us);

/* The time at which bb_media_tick() wants to run next. */
uint64_t bb_media_next_deadline(const bb_media *m);

/* The ssrcs of the known remote senders; returns their number. */
int bb_media_peers(const bb_media *m, uint32_t ssrc[BB_MEDIA_MAX_PEERS]);

/*
 * The next video frame is a keyframe: a new receiver can decode from it
 * (e.g. once it has the keys to read us). At most every 200 ms, like a
 * receiver's request.
 */
int bb_media_force_keyframe(bb_media *m);

/*
 * Asks sender ssrc for a keyframe (a recording starts: it needs one to
 * begin each picture with), rate-limited like the requests loss makes.
 * BB_E_ARG when ssrc is not known.
 */
int bb_media_request_keyframe(bb_media *m, uint32_t ssrc);

/*
 * Forgets sender ssrc (it left the call): its decoders, buffers and control
 * state are released and its slot is free again; control messages no longer
 * wait for its acknowledgement. A later message from it starts afresh.
 * BB_E_ARG when it is not known.
 */
int bb_media_remove_peer(bb_media *m, uint32_t ssrc);

/*
 * The picture to show now for sender ssrc: decodes what is due and returns
 * the newest due frame. BB_E_AGAIN when nothing new is due (keep showing the
 * previous one).
 */
int bb_media_pull_frame(bb_media *m, uint32_t ssrc, uint64_t now_us,
                        bb_media_frame *out);

/*
 * The next 20 ms of audio to play for sender ssrc (BB_AUDIO_FRAME samples),
 * called at the audio device's pace. Missing audio is rebuilt from Opus FEC
 * or concealed; before audio starts, silence. Returns BB_OK.
 */
int bb_media_pull_audio(bb_media *m, uint32_t ssrc, uint64_t now_us,
                        int16_t *pcm);

/*
 * Takes the next received control message, in order per sender. *from gets
 * the sender's ssrc. BB_E_AGAIN when none; BB_E_BUFFER if cap is too small
 * (the message stays queued).
 */
int bb_media_poll_control(bb_media *m, uint32_t *from, uint8_t *out,
                          size_t cap, size_t *len);

/*
 * Video coded by the host (the browser's own VP8 encoder and decoder, e.g.
 * WebCodecs) instead of the engine's libvpx. The engine still decides what
 * is sent and when (frame rate, size, bitrate, keyframes), packetises, pays
 * for loss recovery and schedules playout; only the codec work moves. A VP8
 * frame is a VP8 frame: either side may use either codec.
 */

/* What the host's encoder is to do with one camera frame. */
typedef struct bb_media_encode_params {
    int width, height;       /* encode at this size (scale the camera frame) */
    int fps;                 /* the frame rate rate control plans for */
    int bitrate_kbps;        /* the encoder's target bitrate */
    int keyframe;            /* 1: make this frame a keyframe */
} bb_media_encode_params;

/*
 * Offers the camera frame captured at capture_us, as bb_media_push_video()
 * would take it, without its pixels. Returns 1 when the host should encode
 * it now with *out, 0 when it is skipped (frame-rate decimation, the pacer
 * is backed up, or video is paused), or an error. A keyframe is asked for
 * at most every 200 ms while one is wanted; it stops being wanted once
 * bb_media_push_encoded_video() brings one.
 */
int bb_media_video_want(bb_media *m, uint64_t capture_us, uint64_t now_us,
                        bb_media_encode_params *out);

/*
 * Hands in one VP8 frame (len bytes, key: a keyframe) that the host encoded
 * for the frame captured at capture_us: it is packetised, kept for NACK and
 * sent exactly as the engine's own encoder output would be. A frame too
 * large to send (BB_E_TOO_LARGE) makes the next one a keyframe.
 */
int bb_media_push_encoded_video(bb_media *m, const uint8_t *vp8, size_t len,
                                int key, uint64_t capture_us, uint64_t now_us);

/* A reassembled VP8 frame for the host's decoder. */
typedef struct bb_media_encoded_frame {
    uint32_t ssrc;           /* who sent it */
    uint64_t capture_us;     /* sender's capture time (sender's clock) */
    uint64_t frame_id;       /* sender's frame counter */
    size_t len;              /* bytes in buf; on BB_E_BUFFER, bytes needed */
    int key;                 /* a keyframe: a decoder can start here */
    int show;                /* 0: decode it but do not show it (see below) */
} bb_media_encoded_frame;

/*
 * The next frame of sender ssrc whose playout time has come, copied into
 * buf (cap bytes), with the scheduling of bb_media_pull_frame(): frames come
 * in order, after a loss that retransmission could not repair only from a
 * keyframe on, and when playout is far behind a frame comes with show 0
 * (decode it for its references, show the next). Call again while frames
 * with show 0 come. BB_E_AGAIN when nothing is due; BB_E_BUFFER when cap is
 * too small (out->len says how much is needed; the frame stays queued).
 * Every frame handed out counts as decoded; the host reports failures.
 */
int bb_media_pull_encoded_frame(bb_media *m, uint32_t ssrc, uint64_t now_us,
                                uint8_t *buf, size_t cap,
                                bb_media_encoded_frame *out);

/*
 * The host's decoder could not decode a frame of sender ssrc: the next frame
 * handed out is a keyframe, one is asked for, and the failure is counted
 * (BB_MEDIA_REJECT_DECODE). BB_E_ARG when ssrc is not known.
 */
int bb_media_decode_failed(bb_media *m, uint32_t ssrc);

/*
 * The host's decoder dropped a frame of sender ssrc unseen (it was still
 * busy with earlier ones, or waits for a keyframe): the next frame handed
 * out is a keyframe, and one is asked for. The frame was fine, so nothing
 * is counted as rejected; the host counts its own drops. BB_E_ARG when
 * ssrc is not known.
 */
int bb_media_decode_dropped(bb_media *m, uint32_t ssrc);

/*
 * A tap on the coded media (a recording): fn sees every frame this engine
 * sends and every frame it plays, as coded (VP8, Opus) and before SFrame
 * sealing or after opening, never re-encoded. Sent frames come with their
 * capture time; received ones when playout takes them, at their capture
 * time moved onto this engine's clock (now_us's), so every participant is
 * on one timeline. A received frame lost for good is not seen; concealment
 * and FEC rebuilding are the player's. fn NULL removes the tap. The engine
 * keeps no reference to data after fn returns.
 */
typedef enum bb_media_tap_kind { BB_MEDIA_TAP_AUDIO = 1, BB_MEDIA_TAP_VIDEO = 2 } bb_media_tap_kind;
typedef void (*bb_media_tap_fn)(void *ctx, uint32_t ssrc, bb_media_tap_kind kind, const uint8_t *data,
                                size_t len, int key, uint64_t time_us);
void bb_media_set_tap(bb_media *m, bb_media_tap_fn fn, void *ctx);

/* Copies the counters into *st. BB_OK; BB_E_ARG for NULL arguments. */
int bb_media_get_stats(const bb_media *m, bb_media_stats *st);

/*
 * Reports how busy the host's media thread was: busy_pct is the share of
 * about the last second it spent working (encode, decode, crypto), 0..100
 * (more when it fell behind). CPU adaptation is kept apart from network
 * adaptation: sustained load above 85 % for 1.5 s takes the picture one
 * rung down the profile's ladder (the sign-language profile gives up
 * resolution and keeps >= 25 fps; the default also lowers the frame rate),
 * load under 50 % for 5 s gives one rung back. The plan sent is the smaller
 * of the network's and this cap. Call about once a second.
 */
int bb_media_report_load(bb_media *m, int busy_pct, uint64_t now_us);

/*
 * Something besides text goes through the control channel (a file): on = 1
 * while it does. Rate control then sets part of its target aside for it
 * (bb_media_side_kbps): what audio and video could not use above the
 * configured ceiling, and at least a fifth of the target (half while video
 * keeps BB_MEDIA_SIDE_VIDEO_KEEP kbps); audio and video plan the rest. And
 * while nothing shows a queue (RTT growth, or a queue the receivers report)
 * and loss stays under 10 % (random loss, as on a radio link, is no queue),
 * the target grows BB_MEDIA_SIDE_GROWTH a second, up to
 * BB_MEDIA_SIDE_MAX_KBPS past the ceiling, so a file is not held to the pace
 * of video; the first queue stops that growth and cuts as always. BB_OK.
 */
#define BB_MEDIA_SIDE_MAX_KBPS 3000
#define BB_MEDIA_SIDE_VIDEO_KEEP 800
#define BB_MEDIA_SIDE_GROWTH 1.25
int bb_media_set_side(bb_media *m, int on);
/* kbps of the target set aside for the control channel's side traffic
 * now; 0 while none goes. */
int bb_media_side_kbps(const bb_media *m);

/*
 * The sender a message claims (its ssrc), read without checking the rest;
 * 0 for a message too short to say. A host that knows who really sent it
 * (e.g. by its key) compares the two before bb_media_receive().
 */
uint32_t bb_media_msg_sender(const uint8_t *msg, size_t len);

/* Name of a rejection reason ("truncated", ...), never NULL. */
const char *bb_media_reject_name(int reason);

#ifdef __cplusplus
}
#endif

#endif /* BEELDBEL_MEDIA_H */
