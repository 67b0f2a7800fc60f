/*
 * Media wire format. Every received byte is read here, with bounds checked
 * before each access; callers get a filled wire_msg or a rejection reason.
 *
 * Layouts (offsets in bytes, big-endian):
 *   all:       0 version<<4|type  1 flags  2..5 sender ssrc
 *   video/audio: 6..7 tseq  8..9 orig_tseq  10..13 send_us  14..17 capture_us
 *              18..19 stream_seq  20 part  21 parts  22.. payload
 *              (audio: part 0, parts 1)
 *   feedback:  6..9 to  10..11 highest_tseq  12 loss_q8  13 n_nack
 *              14..17 jitter_us  18..21 estimate_kbps  22..25 echo_send_us
 *              26..29 hold_us  30..31 queue_ms  32..33 gradient  34.. nack[n]
 *   control:   6..9 seq  10..13 base  14..15 length  16.. payload (exactly length)
 *   ack:       6..9 to  10..13 seq (every control seq below it arrived)
 */
#include <string.h>

#include "wire.h"
#include "../core/bytes.h"

#define FEEDBACK_HDR 34
#define ACK_LEN 14


static int reject(bb_media_reject r) { return -(1 + (int)r); }

static int parse_media(const uint8_t *d, size_t len, wire_msg *m)
{
    if (len < WIRE_MEDIA_HDR)
        return reject(BB_MEDIA_REJECT_TRUNCATED);
    m->tseq = rd16(d + 6);
    m->orig_tseq = rd16(d + 8);
    m->send_us = rd32(d + 10);
    m->capture_us = rd32(d + 14);
    m->stream_seq = rd16(d + 18);
    m->part = d[20];
    m->parts = d[21];
    m->payload = d + WIRE_MEDIA_HDR;
    m->payload_len = len - WIRE_MEDIA_HDR;
    if (m->payload_len == 0 || m->parts == 0 || m->part >= m->parts)
        return reject(BB_MEDIA_REJECT_FIELD);
    if (m->type == WIRE_AUDIO && (m->parts != 1 || m->payload_len > BB_AUDIO_MAX_PACKET ||
                                  (m->flags & WIRE_FLAG_KEY)))
        return reject(BB_MEDIA_REJECT_FIELD);
    if (m->flags & ~(WIRE_FLAG_KEY | WIRE_FLAG_RTX))
        return reject(BB_MEDIA_REJECT_FIELD);
    return 0;
}

static int parse_feedback(const uint8_t *d, size_t len, wire_msg *m)
{
    if (len < FEEDBACK_HDR)
        return reject(BB_MEDIA_REJECT_TRUNCATED);
    m->to = rd32(d + 6);
    m->highest_tseq = rd16(d + 10);
    m->loss_q8 = d[12];
    m->n_nack = d[13];
    m->jitter_us = rd32(d + 14);
    m->estimate_kbps = rd32(d + 18);
    m->echo_send_us = rd32(d + 22);
    m->hold_us = rd32(d + 26);
    m->queue_ms = rd16(d + 30);
    m->gradient = (int16_t)rd16(d + 32);
    if (m->n_nack > WIRE_MAX_NACK || (m->flags & ~(WIRE_FLAG_PLI | WIRE_FLAG_REPORT)) ||
        m->estimate_kbps > 1000000)
        return reject(BB_MEDIA_REJECT_FIELD);
    if (len < FEEDBACK_HDR + 2 * (size_t)m->n_nack)
        return reject(BB_MEDIA_REJECT_TRUNCATED);
    if (len != FEEDBACK_HDR + 2 * (size_t)m->n_nack)
        return reject(BB_MEDIA_REJECT_FIELD);
    for (int i = 0; i < m->n_nack; i++)
        m->nack[i] = rd16(d + FEEDBACK_HDR + 2 * i);
    return 0;
}

static int parse_control(const uint8_t *d, size_t len, wire_msg *m)
{
    if (len < WIRE_CONTROL_HDR)
        return reject(BB_MEDIA_REJECT_TRUNCATED);
    m->ctl_seq = rd32(d + 6);
    m->ctl_base = rd32(d + 10);
    m->payload_len = rd16(d + 14);
    m->payload = d + WIRE_CONTROL_HDR;
    /* base must not be after seq, nor more than the sender's window back */
    if (m->flags || m->payload_len == 0 || m->payload_len > BB_MEDIA_MAX_CONTROL ||
        m->ctl_seq - m->ctl_base > 1024)
        return reject(BB_MEDIA_REJECT_FIELD);
    if (len < WIRE_CONTROL_HDR + m->payload_len)
        return reject(BB_MEDIA_REJECT_TRUNCATED);
    if (len != WIRE_CONTROL_HDR + m->payload_len)
        return reject(BB_MEDIA_REJECT_FIELD);
    return 0;
}

uint32_t bb_media_msg_sender(const uint8_t *msg, size_t len)
{
    return msg && len >= 6 ? rd32(msg + 2) : 0;
}

int bbm_wire_parse(const uint8_t *d, size_t len, wire_msg *m)
{
    memset(m, 0, sizeof(*m));
    if (!d || len < 6)
        return reject(BB_MEDIA_REJECT_TRUNCATED);
    if (len > BB_MEDIA_MAX_MSG)
        return reject(BB_MEDIA_REJECT_OVERSIZE);
    if (d[0] >> 4 != WIRE_VERSION)
        return reject(BB_MEDIA_REJECT_VERSION);
    m->type = d[0] & 0x0f;
    m->flags = d[1];
    m->ssrc = rd32(d + 2);
    if (m->ssrc == 0)
        return reject(BB_MEDIA_REJECT_FIELD);
    switch (m->type) {
    case WIRE_VIDEO:
    case WIRE_AUDIO:
        return parse_media(d, len, m);
    case WIRE_FEEDBACK:
        return parse_feedback(d, len, m);
    case WIRE_CONTROL:
        return parse_control(d, len, m);
    case WIRE_CONTROL_ACK:
        if (len != ACK_LEN)
            return reject(len < ACK_LEN ? BB_MEDIA_REJECT_TRUNCATED : BB_MEDIA_REJECT_FIELD);
        if (m->flags)
            return reject(BB_MEDIA_REJECT_FIELD);
        m->to = rd32(d + 6);
        m->ctl_seq = rd32(d + 10);
        return 0;
    default:
        return reject(BB_MEDIA_REJECT_TYPE);
    }
}

size_t bbm_wire_write(const wire_msg *m, uint8_t *out, size_t cap)
{
    size_t need;
    switch (m->type) {
    case WIRE_VIDEO:
    case WIRE_AUDIO:
        need = WIRE_MEDIA_HDR + m->payload_len;
        break;
    case WIRE_FEEDBACK:
        if (m->n_nack < 0 || m->n_nack > WIRE_MAX_NACK)
            return 0;
        need = FEEDBACK_HDR + 2 * (size_t)m->n_nack;
        break;
    case WIRE_CONTROL:
        need = WIRE_CONTROL_HDR + m->payload_len;
        break;
    case WIRE_CONTROL_ACK:
        need = ACK_LEN;
        break;
    default:
        return 0;
    }
    if (need > cap || need > BB_MEDIA_MAX_MSG)
        return 0;
    out[0] = (uint8_t)(WIRE_VERSION << 4 | m->type);
    out[1] = (uint8_t)m->flags;
    wr32(out + 2, m->ssrc);
    switch (m->type) {
    case WIRE_VIDEO:
    case WIRE_AUDIO:
        wr16(out + 6, m->tseq);
        wr16(out + 8, m->orig_tseq);
        wr32(out + 10, m->send_us);
        wr32(out + 14, m->capture_us);
        wr16(out + 18, m->stream_seq);
        out[20] = m->part;
        out[21] = m->parts;
        memcpy(out + WIRE_MEDIA_HDR, m->payload, m->payload_len);
        break;
    case WIRE_FEEDBACK:
        wr32(out + 6, m->to);
        wr16(out + 10, m->highest_tseq);
        out[12] = m->loss_q8;
        out[13] = (uint8_t)m->n_nack;
        wr32(out + 14, m->jitter_us);
        wr32(out + 18, m->estimate_kbps);
        wr32(out + 22, m->echo_send_us);
        wr32(out + 26, m->hold_us);
        wr16(out + 30, m->queue_ms);
        wr16(out + 32, (uint16_t)m->gradient);
        for (int i = 0; i < m->n_nack; i++)
            wr16(out + FEEDBACK_HDR + 2 * i, m->nack[i]);
        break;
    case WIRE_CONTROL:
        wr32(out + 6, m->ctl_seq);
        wr32(out + 10, m->ctl_base);
        wr16(out + 14, (uint32_t)m->payload_len);
        memcpy(out + WIRE_CONTROL_HDR, m->payload, m->payload_len);
        break;
    case WIRE_CONTROL_ACK:
        wr32(out + 6, m->to);
        wr32(out + 10, m->ctl_seq);
        break;
    }
    return need;
}

void bbm_wire_mark_rtx(uint8_t *msg, size_t len, uint16_t new_tseq, uint32_t send_us)
{
    if (len < WIRE_MEDIA_HDR)
        return;
    if (!(msg[1] & WIRE_FLAG_RTX)) {
        msg[1] |= WIRE_FLAG_RTX;
        wr16(msg + 8, rd16(msg + 6)); /* keep the first tseq across repeats */
    }
    wr16(msg + 6, new_tseq);
    wr32(msg + 10, send_us);
}

uint16_t bbm_wire_media_tseq(const uint8_t *msg)
{
    return rd16(msg + 6);
}

void bbm_wire_set_send_time(uint8_t *msg, size_t len, uint32_t send_us)
{
    if (len >= WIRE_MEDIA_HDR && ((msg[0] & 0x0f) == WIRE_VIDEO || (msg[0] & 0x0f) == WIRE_AUDIO))
        wr32(msg + 10, send_us);
}
