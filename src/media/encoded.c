/*
 * Video coded by the host instead of libvpx (the browser's own VP8 encoder
 * and decoder). The engine keeps every decision: which camera frames are
 * encoded, at what size, rate and bitrate, when a keyframe is due, how the
 * frame is packetised and recovered, and when a received frame is played.
 * The same rules as the engine's own codec path apply (sender.c,
 * playout.c), so either side of a call may use either codec.
 */
#include <string.h>

#include "beeldbel/error.h"
#include "engine.h"

int bb_media_video_want(bb_media *m, uint64_t capture_us, uint64_t now_us,
                        bb_media_encode_params *out)
{
    if (!m || !out)
        return BB_E_ARG;
    memset(out, 0, sizeof(*out));
    media_clock(m, (int64_t)now_us);
    if (!bbm_sender_take_frame(m, capture_us))
        return 0;
    out->width = m->plan.width;
    out->height = m->plan.height;
    out->fps = m->plan.fps;
    out->bitrate_kbps = m->plan.video_kbps < 20 ? 20 : m->plan.video_kbps;
    /* A host encoder may be a frame or two behind: the keyframe asked for
     * may still be on its way, and asking again would make two. */
    if (m->force_key && (!m->key_asked || m->now - m->key_asked_us >= KEY_MIN_US)) {
        out->keyframe = 1;
        m->key_asked = 1;
        m->key_asked_us = m->now;
    }
    return 1;
}

int bb_media_push_encoded_video(bb_media *m, const uint8_t *vp8, size_t len,
                                int key, uint64_t capture_us, uint64_t now_us)
{
    if (!m || (!vp8 && len))
        return BB_E_ARG;
    media_clock(m, (int64_t)now_us);
    if (key)
        m->key_asked = 0;
    return bbm_sender_send_frame(m, vp8, len, key != 0, capture_us);
}

int bb_media_pull_encoded_frame(bb_media *m, uint32_t ssrc, uint64_t now_us,
                                uint8_t *buf, size_t cap,
                                bb_media_encoded_frame *out)
{
    if (!m || !out || (!buf && cap))
        return BB_E_ARG;
    memset(out, 0, sizeof(*out));
    struct peer *p = bbm_media_find_peer(m, ssrc);
    if (!p)
        return BB_E_ARG;
    bbm_playout_clock(m, p, (int64_t)now_us);
    struct due_frame d;
    int rc = bbm_playout_take(m, p, cap, &d);
    if (rc == BB_E_BUFFER)
        out->len = d.len;
    if (rc != 1) {
        bbm_playout_check_video(m, p);
        return rc ? rc : BB_E_AGAIN;
    }
    if (d.len)
        memcpy(buf, m->frame_buf, d.len);
    out->ssrc = ssrc;
    out->capture_us = (uint64_t)d.capture;
    out->frame_id = (uint64_t)d.id;
    out->len = d.len;
    out->key = d.key;
    out->show = d.show;
    p->st.frames_decoded++;
    if (d.show)
        p->st.frames_shown++;
    else
        p->st.frames_skipped++;
    bbm_playout_check_video(m, p);
    return BB_OK;
}

/* The host's decoder failed on a frame of ssrc, or dropped one: from a keyframe again. */
static int restart_from_key(bb_media *m, uint32_t ssrc, int failed)
{
    struct peer *p = m ? bbm_media_find_peer(m, ssrc) : NULL;
    if (!p)
        return BB_E_ARG;
    if (failed)
        bbm_playout_decode_failed(m, p);
    else
        bbm_playout_restart_from_key(m, p);
    return BB_OK;
}

int bb_media_decode_failed(bb_media *m, uint32_t ssrc) { return restart_from_key(m, ssrc, 1); }
int bb_media_decode_dropped(bb_media *m, uint32_t ssrc) { return restart_from_key(m, ssrc, 0); }
