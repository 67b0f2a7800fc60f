/*
 * Media wire format: the one place that reads and writes message bytes.
 * Internal to src/media. All integers big-endian. Byte 0 is
 * (version << 4) | type; see wire.c for each layout.
 */
#ifndef BB_MEDIA_WIRE_H
#define BB_MEDIA_WIRE_H

#include <stddef.h>
#include <stdint.h>

#include "beeldbel/media.h"

#define WIRE_VERSION 1

enum wire_type {
    WIRE_VIDEO = 1,
    WIRE_AUDIO = 2,
    WIRE_FEEDBACK = 3,
    WIRE_CONTROL = 4,
    WIRE_CONTROL_ACK = 5,
};

#define WIRE_FLAG_KEY 0x01   /* video: part of a keyframe */
#define WIRE_FLAG_RTX 0x02   /* media: a retransmission; orig_tseq is set */
#define WIRE_FLAG_PLI 0x01   /* feedback: please send a keyframe */
#define WIRE_FLAG_REPORT 0x02 /* feedback: carries a fresh 100 ms loss report */

#define WIRE_MEDIA_HDR 22
#define WIRE_VIDEO_PAYLOAD (BB_MEDIA_MAX_MSG - WIRE_MEDIA_HDR)
#define WIRE_MAX_PARTS 255
#define WIRE_MAX_NACK 64
#define WIRE_CONTROL_HDR 16

typedef struct wire_msg {
    int type;
    int flags;
    uint32_t ssrc;            /* the sender of this message */
    /* media (video and audio) */
    uint16_t tseq;            /* per-sender transport sequence number */
    uint16_t orig_tseq;       /* RTX: the tseq this repeats */
    uint32_t send_us;         /* sender clock, low 32 bits */
    uint32_t capture_us;      /* sender clock, low 32 bits */
    uint16_t stream_seq;      /* video: frame id; audio: frame number */
    uint8_t part, parts;      /* video only */
    const uint8_t *payload;   /* points into the input */
    size_t payload_len;
    /* feedback */
    uint32_t to;              /* feedback / ack: the media sender addressed */
    uint16_t highest_tseq;
    uint8_t loss_q8;          /* fraction lost since the last report, /256 */
    uint32_t jitter_us;
    uint32_t estimate_kbps;   /* delay-based estimate, 0 = none yet */
    uint32_t echo_send_us;    /* send_us of the newest packet received */
    uint32_t hold_us;         /* time between that packet and this report */
    uint16_t queue_ms;        /* measured queueing delay */
    int16_t gradient;         /* delay trend, microseconds per second */
    int n_nack;
    uint16_t nack[WIRE_MAX_NACK];
    /* control */
    uint32_t ctl_seq;         /* control: its number; ack: all < this received */
    uint32_t ctl_base;        /* control: oldest number the sender still repeats */
} wire_msg;

/* Parses untrusted bytes. Returns 0 or -(1 + bb_media_reject reason). */
int bbm_wire_parse(const uint8_t *data, size_t len, wire_msg *m);

/* Turns a stored media message into its retransmission: sets the RTX flag,
 * orig_tseq (the old tseq), a new tseq and send time. */
void bbm_wire_mark_rtx(uint8_t *msg, size_t len, uint16_t new_tseq, uint32_t send_us);

/* Stamps the send time into a media message at the moment it leaves. */
void bbm_wire_set_send_time(uint8_t *msg, size_t len, uint32_t send_us);

/* The tseq of a media message this engine wrote (no checks: our own bytes). */
uint16_t bbm_wire_media_tseq(const uint8_t *msg);

/* Writes m; returns bytes written, or 0 if cap is too small / m invalid. */
size_t bbm_wire_write(const wire_msg *m, uint8_t *out, size_t cap);

#endif
