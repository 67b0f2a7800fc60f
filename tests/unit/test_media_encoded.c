/*
 * Video coded by the host (bb_media_video_want, bb_media_push_encoded_video,
 * bb_media_pull_encoded_frame, bb_media_decode_failed). The "host codec"
 * here is a second libvpx instance outside the engine, which is what makes
 * the strongest check possible: driven by the engine's parameters it must
 * produce the very same messages and pictures as the engine's own codec
 * path, decimation, pacing, loss recovery and skipping included.
 */
#include <stdlib.h>

#include "beeldbel/error.h"
#include "beeldbel/media.h"
#include "../../src/media/scale.h"
#include "../../src/media/wire.h"
#include "../common/bb_test.h"
#include "../common/netsim.h"
#include "../common/synth.h"

#define VW 160
#define VH 96
#define FSZ (VW * VH * 3 / 2)
#define A_SSRC 0x0a0a0001u
#define B_SSRC 0x0b0b0002u

static int new_engine(bb_media **m, uint32_t ssrc, int fps, int start_kbps)
{
    bb_media_config c;
    bb_media_config_default(&c, ssrc);
    c.width = VW;
    c.height = VH;
    c.fps = fps;
    c.start_kbps = start_kbps;
    return bb_media_new(m, &c);
}

/* A host encoder that follows the engine's parameters, as the browser's
 * would (made at the first frame, reconfigured when the plan changes). */
struct host_enc {
    bb_video_encoder *enc;
    bb_media_encode_params cur;
    uint8_t scaled[FSZ], bits[FSZ + 4096];
};

static int host_encode(struct host_enc *h, bb_media *m, const uint8_t *cam,
                       uint64_t cap, uint64_t now)
{
    bb_media_encode_params p;
    int want = bb_media_video_want(m, cap, now, &p);
    if (want != 1)
        return want;
    if (!h->enc) {
        bb_video_config vc;
        bb_video_config_default(&vc, p.width, p.height);
        vc.fps = p.fps;
        vc.bitrate_kbps = p.bitrate_kbps;
        if (bb_video_encoder_new(&h->enc, &vc))
            return -100;
    } else if (p.width != h->cur.width || p.height != h->cur.height || p.fps != h->cur.fps) {
        if (bb_video_encoder_reconfigure(h->enc, p.width, p.height, p.fps))
            return -100;
    }
    if (p.bitrate_kbps != h->cur.bitrate_kbps && h->cur.bitrate_kbps)
        bb_video_encoder_set_bitrate(h->enc, p.bitrate_kbps);
    h->cur = p;
    bb_image img;
    bb_image_wrap_i420(&img, cam, VW, VH);
    if (p.width != VW || p.height != VH) {
        bbm_media_scale_i420(&img, h->scaled, p.width, p.height);
        bb_image_wrap_i420(&img, h->scaled, p.width, p.height);
    }
    size_t len = 0;
    int key = 0;
    if (bb_video_encoder_encode(h->enc, &img, (int64_t)cap, p.keyframe, h->bits, sizeof(h->bits),
                                &len, &key))
        return -100;
    return bb_media_push_encoded_video(m, h->bits, len, key, cap, now) ? -101 : 1;
}

TEST(media_host_encoder_sends_exactly_what_the_engine_encoder_sends)
{
    /* Camera at 60 fps, plan at 30: every other frame is decimated; the
     * sender is drained a third of the time, so the pacer backs up and
     * frames are skipped for that too. */
    bb_media *a, *h;
    CHECK_OK(new_engine(&a, A_SSRC, 60, 300));
    CHECK_OK(new_engine(&h, A_SSRC, 60, 300));
    struct host_enc *he = calloc(1, sizeof(*he));
    uint8_t cam[FSZ], ma[BB_MEDIA_MAX_MSG], mh[BB_MEDIA_MAX_MSG];
    int msgs = 0, same = 0, took = 0, keys = 0;
    uint64_t t = 1000000;
    for (int i = 0; i < 6000; i++, t += 1000) {
        if (i % 17 == 0) {
            synth_video_frame(cam, VW, VH, i / 17);
            bb_image img;
            bb_image_wrap_i420(&img, cam, VW, VH);
            bb_media_stats s0, s1;
            bb_media_get_stats(a, &s0);
            CHECK_OK(bb_media_push_video(a, &img, t, t));
            bb_media_get_stats(a, &s1);
            int rc = host_encode(he, h, cam, t, t);
            CHECK(rc >= 0);
            CHECK_EQ_INT(rc, s1.frames_encoded - s0.frames_encoded);
            took += rc;
            keys += rc && he->cur.keyframe;
        }
        if (bb_media_next_deadline(a) <= t)
            bb_media_tick(a, t);
        if (bb_media_next_deadline(h) <= t)
            bb_media_tick(h, t);
        if ((i / 250) % 3) /* the network takes nothing two thirds of the time */
            continue;
        size_t la, lh;
        int ra, rh;
        while ((ra = bb_media_poll_send(a, ma, sizeof(ma), &la, NULL)) == BB_OK) {
            rh = bb_media_poll_send(h, mh, sizeof(mh), &lh, NULL);
            CHECK_EQ_INT(rh, BB_OK);
            msgs++;
            same += la == lh && !memcmp(ma, mh, la);
        }
        CHECK_EQ_INT(bb_media_poll_send(h, mh, sizeof(mh), &lh, NULL), ra);
    }
    bb_media_stats sa, sh;
    bb_media_get_stats(a, &sa);
    bb_media_get_stats(h, &sh);
    printf("  %d frames encoded (%d asked as keyframes), %llu skipped, %d messages, %d identical\n",
           took, keys, (unsigned long long)sh.frames_dropped_by_rate, msgs, same);
    CHECK(took > 50);
    CHECK((int)sh.frames_dropped_by_rate > took + 10); /* decimation and backlog both skipped */
    CHECK_EQ_INT(sa.frames_dropped_by_rate, sh.frames_dropped_by_rate);
    CHECK_EQ_INT(sa.keyframes_sent, sh.keyframes_sent);
    CHECK_EQ_INT(keys, 1);
    CHECK(msgs > 100);
    CHECK_EQ_INT(same, msgs);
    bb_video_encoder_free(he->enc);
    free(he);
    bb_media_free(a);
    bb_media_free(h);
}

/* Pulls from a receiver with a host decoder the way a host does: frames
 * until one is to be shown. Returns 1 with the picture packed in out. */
static int host_pull(bb_media *m, bb_video_decoder *dec, uint64_t t, uint8_t *buf, size_t cap,
                     uint8_t *out, uint64_t *capture, int *failed)
{
    bb_media_encoded_frame f;
    while (bb_media_pull_encoded_frame(m, A_SSRC, t, buf, cap, &f) == BB_OK) {
        bb_image img;
        if (bb_video_decoder_decode(dec, buf, f.len, &img)) {
            bb_media_decode_failed(m, A_SSRC);
            (*failed)++;
            continue;
        }
        if (!f.show)
            continue;
        bb_image_pack_i420(&img, out, FSZ);
        *capture = f.capture_us;
        return 1;
    }
    return 0;
}

static int is_video(const uint8_t *d, size_t len)
{
    return len >= 2 && (d[0] & 0x0f) == WIRE_VIDEO;
}

TEST(media_host_decoder_shows_exactly_what_the_engine_decoder_shows)
{
    /* A sends over a lossy, jittery link to two receivers fed the same
     * messages at the same times: b decodes itself, h hands frames to a
     * host decoder. One video message and all its repeats are lost (a
     * keyframe request), and the link holds everything for 600 ms once
     * (playout falls behind and skips). */
    bb_media *a, *b, *h;
    CHECK_OK(new_engine(&a, A_SSRC, 30, 300));
    CHECK_OK(new_engine(&b, B_SSRC, 30, 300));
    CHECK_OK(new_engine(&h, B_SSRC, 30, 300));
    netsim_config link = { .delay_us = 20000, .jitter_us = 15000, .loss = 0.02 };
    netsim *ab = netsim_new(&link, 21), *ba = netsim_new(&link, 22);
    bb_video_decoder *dec;
    CHECK_OK(bb_video_decoder_new(&dec));
    size_t cap = 200000;
    uint8_t *buf = malloc(cap), cam[FSZ], pb[FSZ], ph[FSZ], m1[BB_MEDIA_MAX_MSG], m2[BB_MEDIA_MAX_MSG];
    int shown = 0, pics_same = 0, failed = 0, feedback = 0, feedback_same = 0, video = 0;
    uint16_t lost_tseq = 0;
    int64_t held_from = 4000000, held_to = 4600000;
    uint64_t t = 1000000;
    for (int i = 0; i < 8000; i++, t += 1000) {
        if (i % 33 == 0) {
            bb_image img;
            synth_video_frame(cam, VW, VH, i / 33);
            bb_image_wrap_i420(&img, cam, VW, VH);
            bb_media_push_video(a, &img, t, t);
        }
        size_t l1, l2;
        int n;
        while (bb_media_poll_send(a, m1, sizeof(m1), &l1, NULL) == BB_OK) {
            wire_msg w;
            if (is_video(m1, l1) && bbm_wire_parse(m1, l1, &w) == 0) {
                if (!(w.flags & WIRE_FLAG_RTX) && ++video == 150)
                    lost_tseq = w.tseq;
                if (video >= 150 && (w.tseq == lost_tseq ||
                                     ((w.flags & WIRE_FLAG_RTX) && w.orig_tseq == lost_tseq)))
                    continue; /* never arrives, nor does any repeat: only a keyframe helps */
            }
            netsim_send(ab, t, m1, l1);
        }
        int held = (int64_t)t >= held_from && (int64_t)t < held_to;
        while (!held && (n = netsim_recv(ab, t, m1, sizeof(m1))) > 0) {
            bb_media_receive(b, m1, (size_t)n, t);
            bb_media_receive(h, m1, (size_t)n, t);
        }
        for (bb_media *r = b; r; r = r == b ? h : NULL)
            if (bb_media_next_deadline(r) <= t)
                bb_media_tick(r, t);
        if (bb_media_next_deadline(a) <= t)
            bb_media_tick(a, t);
        while (bb_media_poll_send(b, m1, sizeof(m1), &l1, NULL) == BB_OK) {
            int r2 = bb_media_poll_send(h, m2, sizeof(m2), &l2, NULL);
            feedback++;
            feedback_same += r2 == BB_OK && l1 == l2 && !memcmp(m1, m2, l1);
            netsim_send(ba, t, m1, l1);
        }
        CHECK_EQ_INT(bb_media_poll_send(h, m2, sizeof(m2), &l2, NULL), BB_E_AGAIN);
        while ((n = netsim_recv(ba, t, m1, sizeof(m1))) > 0)
            bb_media_receive(a, m1, (size_t)n, t);
        if (i % 10 == 0) {
            bb_media_frame f;
            uint64_t hcap = 0;
            int rb = bb_media_pull_frame(b, A_SSRC, t, &f) == BB_OK;
            int rh = host_pull(h, dec, t, buf, cap, ph, &hcap, &failed);
            CHECK_EQ_INT(rb, rh);
            if (rb) {
                bb_image_pack_i420(&f.image, pb, FSZ);
                CHECK_EQ_INT(f.capture_us, hcap);
                shown++;
                pics_same += !memcmp(pb, ph, FSZ);
            }
        }
    }
    bb_media_stats sb, sh;
    bb_media_get_stats(b, &sb);
    bb_media_get_stats(h, &sh);
    bb_media_peer_stats pb_ = sb.peer[0], ph_ = sh.peer[0];
    printf("  shown %d (%d identical), decoded %llu, skipped %llu, kf-req %llu, nacks %llu, "
           "feedback %d (%d identical)\n", shown, pics_same, (unsigned long long)ph_.frames_decoded,
           (unsigned long long)ph_.frames_skipped, (unsigned long long)ph_.keyframe_requests,
           (unsigned long long)ph_.nacks_sent, feedback, feedback_same);
    CHECK(shown > 100);
    CHECK_EQ_INT(pics_same, shown);
    CHECK_EQ_INT(failed, 0);
    CHECK(ph_.keyframe_requests >= 1);
    CHECK(ph_.frames_skipped >= 1);
    CHECK(ph_.recovered_nack >= 1);
    CHECK_EQ_INT(pb_.frames_decoded, ph_.frames_decoded);
    CHECK_EQ_INT(pb_.frames_shown, ph_.frames_shown);
    CHECK_EQ_INT(pb_.frames_skipped, ph_.frames_skipped);
    CHECK_EQ_INT(pb_.keyframe_requests, ph_.keyframe_requests);
    CHECK(feedback > 50);
    CHECK_EQ_INT(feedback_same, feedback);
    free(buf);
    bb_video_decoder_free(dec);
    netsim_free(ab);
    netsim_free(ba);
    bb_media_free(a);
    bb_media_free(b);
    bb_media_free(h);
}

/* A host-encoded sender straight into a host-decoding receiver. */
struct hpair {
    bb_media *a, *b;
    struct host_enc he;
    bb_video_decoder *dec;
    uint8_t buf[100000], cam[FSZ], pic[FSZ];
    int frames, shown;
    int after_fail;          /* 1: waiting for the first frame after a failure */
    int first_was_key;
    double psnr_min;
};

static uint64_t hpair_run(struct hpair *p, uint64_t t, int ms)
{
    uint8_t m[BB_MEDIA_MAX_MSG];
    size_t l;
    for (int i = 0; i < ms; i++, t += 1000) {
        if (i % 33 == 0) {
            synth_video_frame(p->cam, VW, VH, p->frames++);
            host_encode(&p->he, p->a, p->cam, t, t);
        }
        for (int k = 0; k < 2; k++) {
            bb_media *from = k ? p->b : p->a, *to = k ? p->a : p->b;
            if (bb_media_next_deadline(from) <= t)
                bb_media_tick(from, t);
            while (bb_media_poll_send(from, m, sizeof(m), &l, NULL) == BB_OK)
                bb_media_receive(to, m, l, t);
        }
        bb_media_encoded_frame f;
        while (i % 10 == 0 &&
               bb_media_pull_encoded_frame(p->b, A_SSRC, t, p->buf, sizeof(p->buf), &f) == BB_OK) {
            if (p->after_fail) {
                p->first_was_key = f.key;
                p->after_fail = 0;
            }
            bb_image img;
            if (bb_video_decoder_decode(p->dec, p->buf, f.len, &img) || !f.show)
                continue;
            p->shown++;
            bb_image_pack_i420(&img, p->pic, FSZ);
            uint8_t src[FSZ];
            synth_video_frame(src, VW, VH, (int)((f.capture_us - 1000000 + 16500) / 33000));
            double q = synth_psnr_i420(src, p->pic, VW, VH);
            if (img.width == VW && q < p->psnr_min)
                p->psnr_min = q;
        }
    }
    return t;
}

/* The host's decoder failed on a frame or dropped one (restart tells the
 * receiving engine so), then 2 s more: whether the first frame it got
 * afterwards was a keyframe. The engines' stats after, in sb and sa. */
static int restart_then_run(struct hpair *p, int (*restart)(bb_media *, uint32_t), uint64_t *t,
                            bb_media_stats *sb, bb_media_stats *sa)
{
    if (restart(p->b, A_SSRC) != BB_OK)
        return 0;
    p->after_fail = 1;
    *t = hpair_run(p, *t, 2000);
    bb_media_get_stats(p->b, sb);
    bb_media_get_stats(p->a, sa);
    return !p->after_fail && p->first_was_key;
}

TEST(media_host_codecs_both_sides_and_a_decoder_failure_or_drop_asks_for_a_keyframe)
{
    struct hpair *p = calloc(1, sizeof(*p));
    p->psnr_min = 99;
    CHECK_OK(new_engine(&p->a, A_SSRC, 30, 300));
    CHECK_OK(new_engine(&p->b, B_SSRC, 30, 300));
    CHECK_OK(bb_video_decoder_new(&p->dec));
    uint64_t t = hpair_run(p, 1000000, 2000);
    bb_media_stats s0;
    bb_media_get_stats(p->b, &s0);
    CHECK(p->shown > 40);
    CHECK(p->psnr_min > 28);
    CHECK_EQ_INT(s0.peer[0].keyframe_requests, 0);
    CHECK_EQ_INT(s0.rejected[BB_MEDIA_REJECT_DECODE], 0);

    /* The host's decoder fails: the next frame it gets is a keyframe, asked
     * for once, and the picture comes back. */
    int before = p->shown;
    bb_media_stats s1, sa;
    CHECK(restart_then_run(p, bb_media_decode_failed, &t, &s1, &sa));
    printf("  shown %d then %d, kf-req %llu, keyframes sent %llu, psnr min %.1f\n", before, p->shown,
           (unsigned long long)s1.peer[0].keyframe_requests, (unsigned long long)sa.keyframes_sent,
           p->psnr_min);
    CHECK_EQ_INT(s1.peer[0].keyframe_requests, 1);
    CHECK_EQ_INT(s1.rejected[BB_MEDIA_REJECT_DECODE], 1);
    CHECK_EQ_INT(sa.keyframes_sent, 2);
    CHECK(p->shown > before + 40);
    CHECK(p->psnr_min > 28);

    /* The host's decoder is behind and drops a frame unseen: the same
     * restart from a keyframe, but the sender's data was fine, so nothing
     * more is counted as rejected. */
    before = p->shown;
    CHECK(restart_then_run(p, bb_media_decode_dropped, &t, &s1, &sa));
    CHECK_EQ_INT(s1.peer[0].keyframe_requests, 2);
    CHECK_EQ_INT(s1.rejected[BB_MEDIA_REJECT_DECODE], 1);
    CHECK_EQ_INT(sa.keyframes_sent, 3);
    CHECK(p->shown > before + 40);

    /* Arguments. */
    bb_media_encode_params ep;
    bb_media_encoded_frame f;
    CHECK_EQ_INT(bb_media_video_want(NULL, 0, 0, &ep), BB_E_ARG);
    CHECK_EQ_INT(bb_media_video_want(p->a, 0, 0, NULL), BB_E_ARG);
    CHECK_EQ_INT(bb_media_push_encoded_video(NULL, p->buf, 1, 0, 0, 0), BB_E_ARG);
    CHECK_EQ_INT(bb_media_push_encoded_video(p->a, NULL, 1, 0, 0, 0), BB_E_ARG);
    CHECK_EQ_INT(bb_media_pull_encoded_frame(p->b, 12345, t, p->buf, 10, &f), BB_E_ARG);
    CHECK_EQ_INT(bb_media_pull_encoded_frame(p->b, A_SSRC, t, p->buf, 10, NULL), BB_E_ARG);
    CHECK_EQ_INT(bb_media_decode_failed(p->b, 12345), BB_E_ARG);
    CHECK_EQ_INT(bb_media_decode_failed(NULL, A_SSRC), BB_E_ARG);
    CHECK_EQ_INT(bb_media_decode_dropped(p->b, 12345), BB_E_ARG);
    CHECK_EQ_INT(bb_media_decode_dropped(NULL, A_SSRC), BB_E_ARG);
    bb_video_encoder_free(p->he.enc);
    bb_video_decoder_free(p->dec);
    bb_media_free(p->a);
    bb_media_free(p->b);
    free(p);
}

TEST(media_host_keyframe_asked_once_per_200ms_and_too_small_buffer_keeps_the_frame)
{
    bb_media *a, *b;
    CHECK_OK(new_engine(&a, A_SSRC, 30, 300));
    CHECK_OK(new_engine(&b, B_SSRC, 30, 300));
    bb_media_encode_params p;
    uint64_t t = 1000000;
    /* The first frame must be a keyframe; while the encoder has not
     * delivered it, it is not asked for again within 200 ms. */
    CHECK_EQ_INT(bb_media_video_want(a, t, t, &p), 1);
    CHECK_EQ_INT(p.keyframe, 1);
    CHECK_EQ_INT(p.width, VW);
    CHECK_EQ_INT(p.height, VH);
    CHECK_EQ_INT(p.fps, 30);
    CHECK(p.bitrate_kbps >= 20 && p.bitrate_kbps <= 300);
    int asked = 1;
    for (int i = 1; i < 9; i++) {
        t += 33333;
        CHECK_EQ_INT(bb_media_video_want(a, t, t, &p), 1);
        asked += p.keyframe;
    }
    CHECK_EQ_INT(asked, 2); /* at 0 and at 267 ms */
    /* A keyframe arrives: no more asked for. */
    uint8_t cam[FSZ], bits[FSZ + 4096];
    bb_video_encoder *enc;
    bb_video_config vc;
    bb_video_config_default(&vc, VW, VH);
    CHECK_OK(bb_video_encoder_new(&enc, &vc));
    synth_video_frame(cam, VW, VH, 0);
    bb_image img;
    bb_image_wrap_i420(&img, cam, VW, VH);
    size_t len;
    int key;
    CHECK_OK(bb_video_encoder_encode(enc, &img, 0, 1, bits, sizeof(bits), &len, &key));
    CHECK_EQ_INT(key, 1);
    CHECK_OK(bb_media_push_encoded_video(a, bits, len, 1, t, t));
    for (int i = 0; i < 12; i++) {
        t += 33333;
        CHECK_EQ_INT(bb_media_video_want(a, t, t, &p), 1);
        CHECK_EQ_INT(p.keyframe, 0);
    }
    /* The receiver: a buffer too small says how much is needed and keeps
     * the frame for the next call. */
    uint8_t m[BB_MEDIA_MAX_MSG];
    size_t l;
    t += 1000000;
    bb_media_tick(a, t);
    while (bb_media_poll_send(a, m, sizeof(m), &l, NULL) == BB_OK)
        bb_media_receive(b, m, l, t);
    t += 600000;
    bb_media_encoded_frame f;
    CHECK_EQ_INT(bb_media_pull_encoded_frame(b, A_SSRC, t, bits, 10, &f), BB_E_BUFFER);
    CHECK_EQ_INT(f.len, len);
    CHECK_OK(bb_media_pull_encoded_frame(b, A_SSRC, t, bits, f.len, &f));
    CHECK_EQ_INT(f.len, len);
    CHECK_EQ_INT(f.key, 1);
    CHECK_EQ_INT(f.show, 1);
    CHECK_EQ_INT(f.ssrc, A_SSRC);
    CHECK_EQ_INT(bb_media_pull_encoded_frame(b, A_SSRC, t, bits, sizeof(bits), &f), BB_E_AGAIN);
    bb_video_encoder_free(enc);
    bb_media_free(a);
    bb_media_free(b);
}
