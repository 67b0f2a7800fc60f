/*
 * Media engine: two engines talking through a simulated link, plus the
 * parts that need no link (wire bounds, rejection counting, profile
 * ladder, netsim determinism). Small pictures keep this fast under ASan
 * and in WASM; the full 640x360 scenarios are tests/netsim/scenarios.c.
 */
#include <stdlib.h>

#include "beeldbel/error.h"
#include "beeldbel/media.h"
#include "../../src/media/rate.h"
#include "../../src/media/wire.h"
#include "../common/bb_test.h"
#include "../common/netsim.h"
#include "../common/synth.h"

#define VW 160
#define VH 96
#define A_SSRC 0x0a0a0001u
#define B_SSRC 0x0b0b0002u

/* A one-way path A -> B and feedback B -> A, each through a netsim link.
 * drop_a: if set, called for every message A sends; returning 1 drops it. */
struct pair {
    bb_media *a, *b;
    netsim *ab, *ba;
    int (*drop_a)(struct pair *, const uint8_t *, size_t);
    int blackout; /* drop everything both ways */
    int hold;     /* deliver nothing, keep it: released at once afterwards */
    int sent_video, dropped, max_len;
    uint8_t frame[VW * VH * 3 / 2];
    int shown, audio_plc, audio_total;
    double psnr_min;
    int fk, ak;
    int mute_from, mute_to; /* audio frames [from, to) never reach A (a stalled microphone) */
    int speaker_off;          /* B's audio is not pulled (its audio device stalled) */
    int started;
    uint64_t origin; /* time of the first frame */
};

static int pair_init(struct pair *p, const netsim_config *link, int start_kbps)
{
    memset(p, 0, sizeof(*p));
    bb_media_config ca, cb;
    bb_media_config_default(&ca, A_SSRC);
    ca.width = VW;
    ca.height = VH;
    ca.start_kbps = start_kbps;
    bb_media_config_default(&cb, B_SSRC);
    p->psnr_min = 99;
    netsim_config none = { 0 };
    p->ab = netsim_new(link ? link : &none, 11);
    p->ba = netsim_new(link ? link : &none, 12);
    return bb_media_new(&p->a, &ca) || bb_media_new(&p->b, &cb) || !p->ab || !p->ba;
}

static void pair_free(struct pair *p)
{
    bb_media_free(p->a);
    bb_media_free(p->b);
    netsim_free(p->ab);
    netsim_free(p->ba);
}

static void pump(struct pair *p, uint64_t t)
{
    uint8_t buf[BB_MEDIA_MAX_MSG];
    size_t len;
    int n;
    while (bb_media_poll_send(p->a, buf, sizeof(buf), &len, NULL) == BB_OK) {
        if ((int)len > p->max_len)
            p->max_len = (int)len;
        if (p->blackout || (p->drop_a && p->drop_a(p, buf, len))) {
            p->dropped++;
            continue;
        }
        netsim_send(p->ab, t, buf, len);
    }
    while (bb_media_poll_send(p->b, buf, sizeof(buf), &len, NULL) == BB_OK)
        if (!p->blackout)
            netsim_send(p->ba, t, buf, len);
    while (!p->hold && (n = netsim_recv(p->ab, t, buf, sizeof(buf))) > 0)
        bb_media_receive(p->b, buf, (size_t)n, t);
    while (!p->hold && (n = netsim_recv(p->ba, t, buf, sizeof(buf))) > 0)
        bb_media_receive(p->a, buf, (size_t)n, t);
}

/* Runs the call for ms milliseconds of simulated time from t0. */
static uint64_t pair_run(struct pair *p, uint64_t t0, int ms)
{
    uint64_t t = t0;
    int16_t pcm[BB_AUDIO_FRAME];
    uint8_t src[VW * VH * 3 / 2], got[VW * VH * 3 / 2];
    if (!p->started) {
        p->started = 1;
        p->origin = t0;
    }
    for (int i = 0; i < ms; i++, t += 1000) {
        if (t >= p->origin + (uint64_t)p->fk * 33333) {
            bb_image img;
            synth_video_frame(p->frame, VW, VH, p->fk);
            bb_image_wrap_i420(&img, p->frame, VW, VH);
            bb_media_push_video(p->a, &img, t, t);
            p->fk++;
        }
        if (t >= p->origin + (uint64_t)p->ak * 20000) {
            synth_audio_frame(pcm, p->ak);
            if (p->ak < p->mute_from || p->ak >= p->mute_to)
                bb_media_push_audio(p->a, pcm, t, t);
            p->ak++;
            if (!p->speaker_off)
                bb_media_pull_audio(p->b, A_SSRC, t, pcm);
        }
        pump(p, t);
        if (bb_media_next_deadline(p->a) <= t)
            bb_media_tick(p->a, t);
        if (bb_media_next_deadline(p->b) <= t)
            bb_media_tick(p->b, t);
        pump(p, t);
        bb_media_frame f;
        if (i % 16 == 0 && bb_media_pull_frame(p->b, A_SSRC, t, &f) == BB_OK) {
            p->shown++;
            if (f.image.width == VW && f.image.height == VH) {
                uint8_t *o = got;
                for (int pl = 0; pl < 3; pl++) {
                    int pw = pl ? VW / 2 : VW, ph = pl ? VH / 2 : VH;
                    for (int r = 0; r < ph; r++, o += pw)
                        memcpy(o, f.image.plane[pl] + (size_t)r * f.image.stride[pl], (size_t)pw);
                }
                synth_video_frame(src, VW, VH,
                                  (int)(((f.capture_us - p->origin) * 30 + 500000) / 1000000));
                double q = synth_psnr_i420(src, got, VW, VH);
                if (q < p->psnr_min)
                    p->psnr_min = q;
            }
        }
    }
    return t;
}

static bb_media_peer_stats peer_stats(bb_media *m)
{
    bb_media_stats st;
    bb_media_get_stats(m, &st);
    return st.peer[0];
}

TEST(media_clean_call_shows_video_and_plays_audio)
{
    struct pair p;
    CHECK_OK(pair_init(&p, NULL, 300));
    pair_run(&p, 1000000, 3000);
    bb_media_peer_stats ps = peer_stats(p.b);
    printf("  shown %d, decoded %llu, audio %llu (plc %llu, stretched %llu, underflow %llu), "
           "worst psnr %.1f\n", p.shown, (unsigned long long)ps.frames_decoded,
           (unsigned long long)ps.audio_frames, (unsigned long long)ps.audio_plc,
           (unsigned long long)ps.audio_stretched, (unsigned long long)ps.audio_underflow,
           p.psnr_min);
    CHECK(ps.frames_decoded >= 80);      /* 3 s at 30 fps, less start-up */
    CHECK(p.shown >= 50);
    CHECK(p.psnr_min > 28);              /* the frames are the right ones */
    CHECK(ps.audio_frames >= 130);
    CHECK_EQ_INT(ps.audio_plc, 0);
    CHECK_EQ_INT(ps.lost, 0);
    pair_free(&p);
}

/* A camera that gives another size than asked (larger, or smaller) is
 * scaled by the engine to the planned size: the receiver decodes that size. */
TEST(media_camera_of_another_size_is_scaled_to_the_plan)
{
    static const int sizes[2][2] = { { VW * 2, VH * 2 }, { VW / 2, VH / 2 } };
    for (int k = 0; k < 2; k++) {
        struct pair p;
        CHECK_OK(pair_init(&p, NULL, 300));
        int cw = sizes[k][0], ch = sizes[k][1], shown = 0, right = 0;
        uint8_t *cam = malloc(bb_i420_size(cw, ch));
        uint64_t t = 1000000;
        for (int i = 0; i < 2000; i++, t += 1000) {
            if (i % 33 == 0) {
                bb_image img;
                synth_video_frame(cam, cw, ch, i / 33);
                CHECK_OK(bb_image_wrap_i420(&img, cam, cw, ch));
                CHECK_OK(bb_media_push_video(p.a, &img, t, t));
            }
            pump(&p, t);
            if (bb_media_next_deadline(p.a) <= t)
                bb_media_tick(p.a, t);
            if (bb_media_next_deadline(p.b) <= t)
                bb_media_tick(p.b, t);
            pump(&p, t);
            bb_media_frame f;
            if (bb_media_pull_frame(p.b, A_SSRC, t, &f) == BB_OK) {
                shown++;
                right += f.image.width == VW && f.image.height == VH;
            }
        }
        printf("  camera %dx%d: %d frames shown, %d at %dx%d\n", cw, ch, shown, right, VW, VH);
        CHECK(shown >= 30);
        CHECK_EQ_INT(right, shown);
        free(cam);
        pair_free(&p);
    }
}

TEST(media_every_message_fits_1160_bytes)
{
    /* 640x360 at a high rate: keyframes span many messages. */
    bb_media_config c;
    bb_media_config_default(&c, 7);
    c.start_kbps = 4000;
    c.max_kbps = 8000;
    bb_media *m;
    CHECK_OK(bb_media_new(&m, &c));
    size_t fsz = bb_i420_size(640, 360);
    uint8_t *f = malloc(fsz), buf[2048];
    int max = 0, msgs = 0;
    for (int i = 0; i < 5; i++) {
        bb_image img;
        synth_video_frame(f, 640, 360, i);
        bb_image_wrap_i420(&img, f, 640, 360);
        /* 200 ms apart, so that the pacer lets each frame out. */
        CHECK_OK(bb_media_push_video(m, &img, (uint64_t)i * 200000, (uint64_t)i * 200000));
        size_t len;
        for (int k = 0; k < 200; k++) {
            bb_media_tick(m, (uint64_t)i * 200000 + (uint64_t)k * 1000);
            while (bb_media_poll_send(m, buf, sizeof(buf), &len, NULL) == BB_OK) {
                msgs++;
                if ((int)len > max)
                    max = (int)len;
            }
        }
    }
    printf("  %d messages, largest %d bytes\n", msgs, max);
    CHECK(msgs > 10); /* the keyframe was split */
    CHECK(max <= BB_MEDIA_MAX_MSG);
    CHECK(max >= BB_MEDIA_MAX_MSG * 3 / 4); /* and parts are filled, not tiny */
    free(f);
    bb_media_free(m);
}

/* Drops the first transmission of the 40th video message only. */
static int drop_one_video(struct pair *p, const uint8_t *d, size_t len)
{
    if (len < 2 || (d[0] & 0x0f) != WIRE_VIDEO || (d[1] & WIRE_FLAG_RTX))
        return 0;
    return ++p->sent_video == 40;
}

TEST(media_lost_packet_is_recovered_by_nack_without_keyframe)
{
    struct pair p;
    netsim_config link = { .delay_us = 20000 };
    CHECK_OK(pair_init(&p, &link, 300));
    p.drop_a = drop_one_video;
    pair_run(&p, 0, 4000);
    bb_media_peer_stats ps = peer_stats(p.b);
    bb_media_stats sa;
    bb_media_get_stats(p.a, &sa);
    printf("  dropped %d, nacks %llu, recovered %llu, rtx %llu, kf-req %llu\n", p.dropped,
           (unsigned long long)ps.nacks_sent, (unsigned long long)ps.recovered_nack,
           (unsigned long long)sa.retransmits, (unsigned long long)ps.keyframe_requests);
    CHECK_EQ_INT(p.dropped, 1);
    CHECK(ps.recovered_nack >= 1);
    CHECK(sa.retransmits >= 1 && sa.retransmits <= 3);
    CHECK_EQ_INT(ps.keyframe_requests, 0); /* NACK was enough */
    CHECK(ps.frames_decoded >= 100);
    CHECK(p.psnr_min > 28);
    pair_free(&p);
}

/* Drops video message 40 and every retransmission of it. */
static int drop_one_forever(struct pair *p, const uint8_t *d, size_t len)
{
    if (len < 2 || (d[0] & 0x0f) != WIRE_VIDEO)
        return 0;
    if (d[1] & WIRE_FLAG_RTX)
        return 1;
    return ++p->sent_video == 40;
}

TEST(media_unrecoverable_loss_asks_for_keyframe_rate_limited)
{
    struct pair p;
    netsim_config link = { .delay_us = 20000 };
    CHECK_OK(pair_init(&p, &link, 300));
    p.drop_a = drop_one_forever;
    pair_run(&p, 0, 5000);
    bb_media_peer_stats ps = peer_stats(p.b);
    bb_media_stats sa;
    bb_media_get_stats(p.a, &sa);
    printf("  kf-req %llu, keyframes sent %llu, decoded %llu\n",
           (unsigned long long)ps.keyframe_requests, (unsigned long long)sa.keyframes_sent,
           (unsigned long long)ps.frames_decoded);
    CHECK(ps.keyframe_requests >= 1);
    CHECK(ps.keyframe_requests <= 3);     /* not one per report */
    CHECK(sa.keyframes_sent >= 2);        /* the first, and the requested one */
    CHECK(ps.frames_decoded >= 100);      /* the picture came back */
    pair_free(&p);
}

/* Audio frames lost before the sender got them (the microphone stalled for
 * 300 ms) must not make the receiver think later audio is 300 ms older
 * than it is: lip sync would then hold the video back by as much. */
TEST(media_microphone_gap_adds_no_delay)
{
    struct pair p;
    CHECK_OK(pair_init(&p, NULL, 300));
    p.mute_from = 100;
    p.mute_to = 115;
    pair_run(&p, 1000000, 4000);
    bb_media_peer_stats ps = peer_stats(p.b);
    printf("  audio latency %.1f ms (target %.1f), video target %.1f ms, concealed %llu of %llu\n",
           ps.audio_latency_us / 1000.0, ps.audio_delay_us / 1000.0, ps.video_delay_us / 1000.0,
           (unsigned long long)ps.audio_plc, (unsigned long long)(ps.audio_frames + ps.audio_plc));
    CHECK(ps.audio_latency_us < ps.audio_delay_us + 40000);
    CHECK(ps.video_delay_us < 100000);
    CHECK(ps.audio_plc >= 10);    /* the gap was concealed, not skipped over */
    pair_free(&p);
}

TEST(media_lossy_link_keeps_audio_with_fec)
{
    struct pair p;
    netsim_config link = { .delay_us = 30000, .loss = 0.05 };
    CHECK_OK(pair_init(&p, &link, 300));
    pair_run(&p, 0, 6000);
    bb_media_peer_stats ps = peer_stats(p.b);
    uint64_t total = ps.audio_frames + ps.audio_fec + ps.audio_plc;
    printf("  audio ok %llu fec %llu plc %llu, lost %llu\n", (unsigned long long)ps.audio_frames,
           (unsigned long long)ps.audio_fec, (unsigned long long)ps.audio_plc,
           (unsigned long long)ps.lost);
    CHECK(ps.lost > 0);
    CHECK(ps.audio_fec >= 3);              /* lost frames came back from FEC */
    CHECK(ps.audio_plc * 100 <= total * 3);
    pair_free(&p);
}

TEST(media_rate_control_backs_off_under_loss_and_recovers)
{
    struct pair p;
    netsim_config bad = { .delay_us = 20000, .loss = 0.25 }, good = { .delay_us = 20000 };
    CHECK_OK(pair_init(&p, &good, 1000));
    uint64_t t = pair_run(&p, 0, 2000);
    netsim_set_config(p.ab, &bad);
    t = pair_run(&p, t, 3000);
    bb_media_stats s1;
    bb_media_get_stats(p.a, &s1);
    netsim_set_config(p.ab, &good);
    pair_run(&p, t, 8000);
    bb_media_stats s2;
    bb_media_get_stats(p.a, &s2);
    printf("  target %d kbps under 25%% loss (reported %d %%), %d kbps after\n", s1.target_kbps,
           s1.loss_pct, s2.target_kbps);
    CHECK(s1.target_kbps < 500);
    CHECK(s2.target_kbps > s1.target_kbps);
    pair_free(&p);
}

TEST(media_control_arrives_once_in_order_over_lossy_reordering_link)
{
    struct pair p;
    netsim_config link = { .delay_us = 20000, .jitter_us = 30000, .reorder = 1, .loss = 0.3,
                           .duplicate = 0.1 };
    CHECK_OK(pair_init(&p, &link, 100));
    uint64_t t = 0;
    /* B must know A before A's control can be acknowledged: media first. */
    t = pair_run(&p, t, 200);
    for (int i = 0; i < 20; i++) {
        char msg[32];
        int n = snprintf(msg, sizeof(msg), "control %d", i);
        CHECK_OK(bb_media_send_control(p.a, (const uint8_t *)msg, (size_t)n, t));
        t = pair_run(&p, t, 20);
    }
    t = pair_run(&p, t, 4000);
    int got = 0;
    uint32_t from;
    uint8_t buf[BB_MEDIA_MAX_CONTROL];
    size_t len;
    while (bb_media_poll_control(p.b, &from, buf, sizeof(buf), &len) == BB_OK) {
        char want[32];
        int n = snprintf(want, sizeof(want), "control %d", got);
        CHECK_EQ_INT(from, A_SSRC);
        CHECK_EQ_INT(len, n);
        CHECK(!memcmp(buf, want, len));
        got++;
    }
    bb_media_stats sa;
    bb_media_get_stats(p.a, &sa);
    printf("  delivered %d/20, still pending %d\n", got, sa.control_pending);
    CHECK_EQ_INT(got, 20);
    CHECK_EQ_INT(sa.control_pending, 0); /* all acknowledged */
    pair_free(&p);
}

/* Messages sent into an outage longer than the sender repeats them are
 * given up; what is sent after it must still arrive (the receiver stops
 * waiting for what will not come again), counted as skipped. */
TEST(media_control_flows_again_after_messages_were_given_up)
{
    struct pair p;
    netsim_config good = { .delay_us = 20000 }, cut = { .delay_us = 20000, .loss = 1.0 };
    CHECK_OK(pair_init(&p, &good, 100));
    uint64_t t = pair_run(&p, 0, 200);
    uint32_t from;
    uint8_t buf[BB_MEDIA_MAX_CONTROL];
    size_t len;
    CHECK_OK(bb_media_send_control(p.a, (const uint8_t *)"before", 6, t));
    bb_media_stats s0;
    bb_media_get_stats(p.a, &s0);
    CHECK_EQ_INT(s0.control_pending, 1); /* from the moment it is sent, not from the next timer */
    CHECK_EQ_INT(bb_media_control_unacked(p.a), 1);
    t = pair_run(&p, t, 300);
    CHECK_EQ_INT(bb_media_control_unacked(p.a), 0);
    CHECK_OK(bb_media_poll_control(p.b, &from, buf, sizeof(buf), &len));
    netsim_set_config(p.ab, &cut);
    netsim_set_config(p.ba, &cut);
    CHECK_OK(bb_media_send_control(p.a, (const uint8_t *)"lost", 4, t));
    t = pair_run(&p, t, 11000);
    netsim_set_config(p.ab, &good);
    netsim_set_config(p.ba, &good);
    CHECK_OK(bb_media_send_control(p.a, (const uint8_t *)"after", 5, t));
    t = pair_run(&p, t, 1000);
    CHECK_OK(bb_media_poll_control(p.b, &from, buf, sizeof(buf), &len));
    CHECK_EQ_INT(len, 5);
    CHECK(!memcmp(buf, "after", 5));
    bb_media_stats sa, sb;
    bb_media_get_stats(p.a, &sa);
    bb_media_get_stats(p.b, &sb);
    CHECK_EQ_INT(sa.control_given_up, 1);
    CHECK_EQ_INT(sb.control_skipped, 1);
    CHECK_EQ_INT(sa.control_pending, 0);
    pair_free(&p);
}

/* An outage of outage_ms one second into a call, then after_ms more: video
 * and audio must be back, and as little behind as before (what an outage
 * held back is not the path's jitter). hold = 0: everything sent meanwhile
 * is lost; hold = 1: what an SFU's SCTP does, nothing arrives, then
 * everything held at once, late. */
static void outage_then_resume(int hold, int outage_ms, int after_ms)
{
    struct pair p;
    CHECK_OK(pair_init(&p, NULL, 300));
    int *outage = hold ? &p.hold : &p.blackout;
    uint64_t t = pair_run(&p, 0, 1000);
    bb_media_peer_stats sb = peer_stats(p.b);
    *outage = 1;
    t = pair_run(&p, t, outage_ms);
    *outage = 0;
    int before = p.shown;
    bb_media_peer_stats s0 = peer_stats(p.b);
    pair_run(&p, t, after_ms);
    bb_media_peer_stats s1 = peer_stats(p.b);
    printf("  shown %d -> %d, audio concealed %d of %d after; playout delay video %d ms, audio %d ms "
           "(before the outage %d, %d)\n", before, p.shown,
           (int)(s1.audio_plc - s0.audio_plc), (int)(s1.audio_frames - s0.audio_frames),
           s1.video_delay_us / 1000, s1.audio_delay_us / 1000, sb.video_delay_us / 1000, sb.audio_delay_us / 1000);
    CHECK(p.shown > before + 40);  /* at 30 fps, pulled every 16 ms: most of them */
    CHECK(s1.audio_plc - s0.audio_plc < (s1.audio_frames - s0.audio_frames) / 2);
    CHECK(s1.video_delay_us < sb.video_delay_us + 100000);
    CHECK(s1.audio_delay_us < sb.audio_delay_us + 100000);
    pair_free(&p);
}

TEST(media_video_and_audio_resume_after_a_3s_blackout) { outage_then_resume(0, 3000, 2000); }
TEST(media_video_and_audio_resume_after_a_3s_hold) { outage_then_resume(1, 3000, 3000); }
/* Shorter than an outage is taken for: its burst is let go as a spike. */
TEST(media_video_and_audio_resume_after_a_600ms_hold) { outage_then_resume(1, 600, 3000); }

/* The receiver's audio device stops pulling for longer than the audio
 * buffer holds (a throttled tab, a device that glitched under load), while
 * everything keeps arriving. Once it pulls again, playout must be back at
 * its target within a second, and video (which waits for audio, for lip
 * sync) with it: not play the rest of the call seconds late. */
TEST(media_audio_and_video_catch_up_after_the_speaker_stalled)
{
    struct pair p;
    CHECK_OK(pair_init(&p, NULL, 300));
    uint64_t t = pair_run(&p, 0, 1000);
    p.speaker_off = 1;
    t = pair_run(&p, t, 2000);
    p.speaker_off = 0;
    t = pair_run(&p, t, 1000);
    int before = p.shown;
    bb_media_peer_stats s0 = peer_stats(p.b);
    pair_run(&p, t, 2000);
    bb_media_peer_stats s1 = peer_stats(p.b);
    printf("  audio latency %.1f ms (target %.1f), video target %.1f ms; after: shown %d, "
           "audio %d, concealed %d\n", s1.audio_latency_us / 1000.0, s1.audio_delay_us / 1000.0,
           s1.video_delay_us / 1000.0, p.shown - before, (int)(s1.audio_frames - s0.audio_frames),
           (int)(s1.audio_plc - s0.audio_plc));
    CHECK(s1.audio_latency_us < s1.audio_delay_us + 60000);
    CHECK(s1.video_delay_us < 300000);
    CHECK(s1.audio_frames - s0.audio_frames >= 95); /* of 100 */
    CHECK(p.shown > before + 40);
    pair_free(&p);
}

TEST(media_forced_keyframe_comes_next_but_not_too_often)
{
    struct pair p;
    CHECK_OK(pair_init(&p, NULL, 300));
    uint64_t t = pair_run(&p, 0, 1500);
    bb_media_stats s0, s1;
    bb_media_get_stats(p.a, &s0);
    CHECK_OK(bb_media_force_keyframe(p.a));
    t = pair_run(&p, t, 100);
    bb_media_get_stats(p.a, &s1);
    CHECK_EQ_INT(s1.keyframes_sent - s0.keyframes_sent, 1);
    /* Asked again at once: still at most one per 200 ms. */
    CHECK_OK(bb_media_force_keyframe(p.a));
    CHECK_OK(bb_media_force_keyframe(p.a));
    t = pair_run(&p, t, 50);
    bb_media_get_stats(p.a, &s0);
    CHECK_EQ_INT(s0.keyframes_sent, s1.keyframes_sent);
    CHECK_EQ_INT(bb_media_force_keyframe(NULL), BB_E_ARG);
    pair_free(&p);
}

TEST(media_removed_peer_is_forgotten_and_can_come_back)
{
    struct pair p;
    CHECK_OK(pair_init(&p, NULL, 300));
    uint64_t t = pair_run(&p, 0, 600);
    uint32_t ssrc[BB_MEDIA_MAX_PEERS];
    CHECK_EQ_INT(bb_media_peers(p.b, ssrc), 1);
    CHECK_EQ_INT(ssrc[0], A_SSRC);
    int before = p.shown;
    CHECK(before > 0);
    CHECK_OK(bb_media_remove_peer(p.b, A_SSRC));
    CHECK_EQ_INT(bb_media_peers(p.b, ssrc), 0);
    CHECK_EQ_INT(bb_media_remove_peer(p.b, A_SSRC), BB_E_ARG);
    CHECK_EQ_INT(bb_media_remove_peer(NULL, A_SSRC), BB_E_ARG);
    /* A keeps sending: B meets it afresh, asks for a keyframe, shows video. */
    t = pair_run(&p, t, 1500);
    CHECK_EQ_INT(bb_media_peers(p.b, ssrc), 1);
    CHECK(p.shown > before + 10);
    CHECK(peer_stats(p.b).frames_shown > 10);
    pair_free(&p);
}

static void feed(bb_media *m, const uint8_t *d, size_t n)
{
    bb_media_receive(m, d, n, 1000);
}

TEST(media_bad_input_is_rejected_and_counted_by_reason)
{
    bb_media_config c;
    bb_media_config_default(&c, B_SSRC);
    bb_media *m;
    CHECK_OK(bb_media_new(&m, &c));
    uint8_t big[BB_MEDIA_MAX_MSG + 1] = { 0x11 };
    uint8_t shortmsg[] = { 0x11, 0, 0, 0 };
    uint8_t badver[] = { 0x21, 0, 0, 0, 0, 1, 0, 0 };
    uint8_t badtype[] = { 0x1f, 0, 0, 0, 0, 1, 0, 0 };
    uint8_t trunc_video[] = { 0x11, 0, 0, 0, 0, 1, 0, 1 };
    uint8_t trunc_ack[] = { 0x15, 0, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0 };
    /* audio with part 3 of 1: out of range */
    uint8_t badpart[23] = { 0x12, 0, 0, 0, 0, 1, 0, 1, 0, 0, 0, 0, 0, 1, 0, 0, 0, 1, 0, 1, 3, 1, 0xf8 };
    CHECK_EQ_INT(bb_media_receive(m, big, sizeof(big), 1000), BB_E_PARSE);
    feed(m, shortmsg, sizeof(shortmsg));
    feed(m, NULL, 0);
    feed(m, badver, sizeof(badver));
    feed(m, badtype, sizeof(badtype));
    feed(m, trunc_video, sizeof(trunc_video));
    feed(m, trunc_ack, sizeof(trunc_ack));
    CHECK_EQ_INT(bb_media_receive(m, badpart, sizeof(badpart), 1000), BB_E_PROTO);
    /* A well-formed audio message, then the same again, then our own ssrc. */
    uint8_t pkt[BB_MEDIA_MAX_MSG];
    wire_msg w = { 0 };
    uint8_t opus_silence[] = { 0xf8, 0xff, 0xfe };
    w.type = WIRE_AUDIO;
    w.ssrc = A_SSRC;
    w.tseq = 5;
    w.parts = 1;
    w.payload = opus_silence;
    w.payload_len = sizeof(opus_silence);
    size_t n = bbm_wire_write(&w, pkt, sizeof(pkt));
    CHECK(n > 0);
    CHECK_OK(bb_media_receive(m, pkt, n, 1000));
    CHECK_EQ_INT(bb_media_receive(m, pkt, n, 1000), BB_E_PROTO);
    w.ssrc = B_SSRC;
    n = bbm_wire_write(&w, pkt, sizeof(pkt));
    CHECK_EQ_INT(bb_media_receive(m, pkt, n, 1000), BB_E_PROTO);
    /* Five senders: the fifth is one too many. */
    for (uint32_t s = 100; s < 104; s++) { /* with A, the fourth is 102 */
        w.ssrc = s;
        n = bbm_wire_write(&w, pkt, sizeof(pkt));
        bb_media_receive(m, pkt, n, 1000);
    }
    /* A replay from long ago: 2000 packets later, tseq 5 is stale. */
    w.ssrc = A_SSRC;
    for (int i = 0; i < 3; i++) {
        w.tseq = (uint16_t)(5 + 700 * (i + 1));
        w.stream_seq = (uint16_t)(i + 1);
        n = bbm_wire_write(&w, pkt, sizeof(pkt));
        CHECK_OK(bb_media_receive(m, pkt, n, 2000 + (uint64_t)i));
    }
    w.tseq = 5;
    w.stream_seq = 0;
    n = bbm_wire_write(&w, pkt, sizeof(pkt));
    CHECK_EQ_INT(bb_media_receive(m, pkt, n, 3000), BB_E_PROTO);

    bb_media_stats st;
    CHECK_OK(bb_media_get_stats(m, &st));
    for (int r = 0; r < BB_MEDIA_REJECT_COUNT; r++)
        printf("  rejected %-9s %llu\n", bb_media_reject_name(r), (unsigned long long)st.rejected[r]);
    CHECK_EQ_INT(st.rejected[BB_MEDIA_REJECT_OVERSIZE], 1);
    CHECK_EQ_INT(st.rejected[BB_MEDIA_REJECT_TRUNCATED], 4);
    CHECK_EQ_INT(st.rejected[BB_MEDIA_REJECT_VERSION], 1);
    CHECK_EQ_INT(st.rejected[BB_MEDIA_REJECT_TYPE], 1);
    CHECK_EQ_INT(st.rejected[BB_MEDIA_REJECT_FIELD], 1);
    CHECK_EQ_INT(st.rejected[BB_MEDIA_REJECT_DUPLICATE], 1);
    CHECK_EQ_INT(st.rejected[BB_MEDIA_REJECT_OWN], 1);
    CHECK_EQ_INT(st.rejected[BB_MEDIA_REJECT_PEERS], 1);
    CHECK_EQ_INT(st.rejected[BB_MEDIA_REJECT_STALE], 1);
    CHECK_EQ_INT(st.npeers, 4);
    bb_media_free(m);
}

TEST(media_wire_roundtrip_of_each_type)
{
    uint8_t buf[BB_MEDIA_MAX_MSG], payload[1000];
    for (int i = 0; i < (int)sizeof(payload); i++)
        payload[i] = (uint8_t)i;
    wire_msg in = { 0 }, out;
    in.type = WIRE_FEEDBACK;
    in.flags = WIRE_FLAG_PLI;
    in.ssrc = 1;
    in.to = 2;
    in.highest_tseq = 65535;
    in.loss_q8 = 12;
    in.jitter_us = 4000;
    in.estimate_kbps = 512;
    in.echo_send_us = 0xdeadbeef;
    in.hold_us = 77;
    in.queue_ms = 9;
    in.gradient = -300;
    in.n_nack = WIRE_MAX_NACK;
    for (int i = 0; i < WIRE_MAX_NACK; i++)
        in.nack[i] = (uint16_t)(65400 + i);
    size_t n = bbm_wire_write(&in, buf, sizeof(buf));
    CHECK_EQ_INT(n, 34 + 2 * WIRE_MAX_NACK);
    CHECK_OK(bbm_wire_parse(buf, n, &out));
    CHECK_EQ_INT(out.flags, WIRE_FLAG_PLI);
    CHECK_EQ_INT(out.to, 2);
    CHECK_EQ_INT(out.echo_send_us, 0xdeadbeef);
    CHECK_EQ_INT(out.gradient, -300);
    CHECK_EQ_INT(out.nack[WIRE_MAX_NACK - 1], 65400 + WIRE_MAX_NACK - 1);
    /* Every prefix of a valid message is refused as truncated or bad. */
    for (size_t k = 0; k < n; k++)
        CHECK(bbm_wire_parse(buf, k, &out) < 0);

    memset(&in, 0, sizeof(in));
    in.type = WIRE_CONTROL;
    in.ssrc = 3;
    in.ctl_seq = 3;
    in.ctl_base = 4; /* a base after the message itself: refused */
    in.payload = payload;
    in.payload_len = BB_MEDIA_MAX_CONTROL;
    n = bbm_wire_write(&in, buf, sizeof(buf));
    CHECK(bbm_wire_parse(buf, n, &out) < 0);
    in.ctl_base = 0xfffffffe; /* across the wrap: 5 back */
    n = bbm_wire_write(&in, buf, sizeof(buf));
    CHECK_OK(bbm_wire_parse(buf, n, &out));
    CHECK_EQ_INT(out.ctl_seq, 3);
    CHECK_EQ_INT(out.ctl_base, 0xfffffffe);
    CHECK_EQ_INT(out.payload_len, BB_MEDIA_MAX_CONTROL);
    CHECK(!memcmp(out.payload, payload, BB_MEDIA_MAX_CONTROL));
    buf[n - 1] ^= 1; /* a payload byte: still well formed */
    CHECK_OK(bbm_wire_parse(buf, n, &out));
    CHECK(bbm_wire_parse(buf, n - 1, &out) < 0);

    memset(&in, 0, sizeof(in));
    in.type = WIRE_VIDEO;
    in.ssrc = 4;
    in.payload = payload;
    in.payload_len = WIRE_VIDEO_PAYLOAD + 1; /* one byte too many */
    CHECK_EQ_INT(bbm_wire_write(&in, buf, sizeof(buf)), 0);
}

TEST(media_profile_ladder_follows_each_profile)
{
    media_plan p;
    /* Sign language: whatever the rate, video that is on runs >= 25 fps;
     * resolution falls first. */
    int last_w = 1 << 30;
    for (int kbps = 2000; kbps >= 50; kbps -= 10) {
        bbm_rate_plan(BB_MEDIA_PROFILE_SIGN_LANGUAGE, kbps, 640, 360, 30, &p);
        if (!p.video_kbps)
            continue;
        CHECK(p.fps >= 25);
        CHECK(p.width <= last_w);
        last_w = p.width;
    }
    bbm_rate_plan(BB_MEDIA_PROFILE_SIGN_LANGUAGE, 400, 640, 360, 30, &p);
    CHECK(p.fps >= 25 && p.width < 640);
    /* Default trades frame rate too at low rates. */
    bbm_rate_plan(BB_MEDIA_PROFILE_DEFAULT, 120, 640, 360, 30, &p);
    CHECK(p.fps < 25);
    /* Low bandwidth: below 100 kbit/s audio keeps its share, video runs at
     * a few fps small, and the lowest rates are audio only. */
    bbm_rate_plan(BB_MEDIA_PROFILE_LOW_BANDWIDTH, 64, 640, 360, 30, &p);
    CHECK(p.audio_bps >= 16000);
    CHECK(p.video_kbps > 0 && p.fps <= 5 && p.width <= 320);
    bbm_rate_plan(BB_MEDIA_PROFILE_LOW_BANDWIDTH, 30, 640, 360, 30, &p);
    CHECK_EQ_INT(p.video_kbps, 0);
    CHECK(p.audio_bps >= 12000);
    /* A smaller camera needs fewer bits for its full size. */
    bbm_rate_plan(BB_MEDIA_PROFILE_DEFAULT, 400, 320, 180, 30, &p);
    CHECK(p.width == 320 && p.height == 180 && p.fps == 30);
    /* Full rate: full camera size. */
    bbm_rate_plan(BB_MEDIA_PROFILE_DEFAULT, 2000, 640, 360, 30, &p);
    CHECK(p.width == 640 && p.height == 360 && p.fps == 30);
}

/* Steps an engine with no peers through `ms` of time at a given load,
 * reporting it every second and ticking every 10 ms. */
static uint64_t load_run(bb_media *m, uint64_t t, int ms, int busy)
{
    for (int i = 0; i < ms; i += 10, t += 10000) {
        if (i % 1000 == 0)
            bb_media_report_load(m, busy, t);
        bb_media_tick(m, t);
    }
    return t;
}

TEST(media_cpu_cap_steps_down_under_load_and_back_up)
{
    bb_media_config c;
    bb_media_config_default(&c, A_SSRC);
    bb_media *m;
    CHECK_OK(bb_media_new(&m, &c));
    bb_media_stats st;
    uint64_t t = load_run(m, 0, 2000, 30);
    bb_media_get_stats(m, &st);
    CHECK(st.width == 640 && st.fps == 30 && !st.cpu_limited);
    /* Load in between changes nothing. */
    t = load_run(m, t, 4000, 70);
    bb_media_get_stats(m, &st);
    CHECK(st.width == 640 && st.cpu_rung == 0);
    /* Sustained high load: one rung down within ~2.5 s (1.5 s of proof,
     * 0.5 s shape hold), the network target untouched. */
    t = load_run(m, t, 3000, 95);
    bb_media_get_stats(m, &st);
    printf("  after 3 s at 95 %%: %dx%d@%d, rung %d, target %d kbps\n", st.width, st.height,
           st.fps, st.cpu_rung, st.target_kbps);
    CHECK(st.width < 640 && st.cpu_limited);
    CHECK_EQ_INT(st.target_kbps, 800);
    /* The default profile may give up frame rate too, further down. */
    t = load_run(m, t, 8000, 95);
    bb_media_get_stats(m, &st);
    CHECK(st.fps < 30 && st.width <= 320);
    /* Low load: back up one rung per 5 s, to the full picture. */
    t = load_run(m, t, 30000, 20);
    bb_media_get_stats(m, &st);
    printf("  after 30 s at 20 %%: %dx%d@%d, rung %d\n", st.width, st.height, st.fps, st.cpu_rung);
    CHECK(st.width == 640 && st.fps == 30 && !st.cpu_limited && st.cpu_rung == 0);
    CHECK_EQ_INT(bb_media_report_load(NULL, 50, t), BB_E_ARG);
    CHECK_EQ_INT(bb_media_report_load(m, -1, t), BB_E_ARG);
    bb_media_free(m);
}

TEST(media_cpu_cap_keeps_sign_language_at_25_fps)
{
    bb_media_config c;
    bb_media_config_default(&c, A_SSRC);
    c.profile = BB_MEDIA_PROFILE_SIGN_LANGUAGE;
    bb_media *m;
    CHECK_OK(bb_media_new(&m, &c));
    uint64_t t = 0;
    int last_w = 1 << 30;
    for (int s = 0; s < 12; s++) {
        t = load_run(m, t, 1000, 120);
        bb_media_stats st;
        bb_media_get_stats(m, &st);
        CHECK(st.fps >= 25);
        CHECK(st.width <= last_w);
        last_w = st.width;
    }
    CHECK(last_w <= 240); /* resolution went instead */
    bb_media_free(m);
}

/* A packet stream into the delay estimator: 1000 bytes every 10 ms
 * (800 kbit/s) sent at t, arriving after `owd` unless the link or the
 * receiving host holds it. Returns the lowest estimate seen after 1.5 s. */
static int est_run(delay_estimator *e, int link_kbps, int stall_from_ms, int stall_ms)
{
    int64_t link_free = 0, lowest = 1 << 30;
    for (int64_t t = 0; t < 8000000; t += 10000) {
        int64_t at = t + 20000;
        if (link_kbps) { /* serialised at the cap behind what is queued */
            int64_t start = link_free > t ? link_free : t;
            link_free = start + 1000 * 8 * 1000 / link_kbps;
            at = link_free + 20000;
        }
        int64_t from = (int64_t)stall_from_ms * 1000, to = from + (int64_t)stall_ms * 1000;
        if (at >= from && at < to)
            at = to; /* the host was busy: stamped when it got to it */
        bbm_delay_est_packet(e, t, at, 1000);
        if (t % 100000 == 0) {
            int k = bbm_delay_est_update(e, at);
            if (t >= 1500000 && k && k < lowest)
                lowest = k;
        }
    }
    return (int)lowest;
}

TEST(media_delay_estimate_ignores_host_stalls_but_sees_a_queue)
{
    delay_estimator e;
    bbm_delay_est_init(&e);
    /* A receiving host that stalls 700 ms: what waited is stamped at once. */
    int low = est_run(&e, 0, 2000, 700);
    printf("  lowest estimate with a 700 ms host stall: %d kbps\n", low);
    CHECK(low >= 800);
    /* A 400 kbit/s bottleneck: the queue persists and grows. */
    bbm_delay_est_init(&e);
    low = est_run(&e, 400, 0, 0);
    printf("  lowest estimate through a 400 kbit/s link: %d kbps\n", low);
    CHECK(low <= 400);
}

TEST(media_netsim_same_seed_same_fates)
{
    netsim_config c = { .delay_us = 10000, .jitter_us = 20000, .reorder = 1, .loss = 0.1,
                        .duplicate = 0.05, .rate_kbps = 500 };
    uint8_t order[2][400];
    int count[2] = { 0, 0 };
    for (int run = 0; run < 2; run++) {
        netsim *ns = netsim_new(&c, 99);
        uint8_t b[200] = { 0 };
        for (int i = 0; i < 200; i++) {
            b[0] = (uint8_t)i;
            netsim_send(ns, (uint64_t)i * 2000, b, sizeof(b));
        }
        uint8_t got[256];
        while (netsim_recv(ns, UINT64_MAX - 1, got, sizeof(got)) > 0 && count[run] < 400)
            order[run][count[run]++] = got[0];
        const netsim_stats *st = netsim_get_stats(ns);
        if (run == 0)
            printf("  lost %llu dup %llu reordered %llu delivered %llu\n",
                   (unsigned long long)st->lost, (unsigned long long)st->duplicated,
                   (unsigned long long)st->reordered, (unsigned long long)st->delivered);
        CHECK(st->lost > 5 && st->duplicated > 2 && st->reordered > 2);
        netsim_free(ns);
    }
    CHECK_EQ_INT(count[0], count[1]);
    CHECK(!memcmp(order[0], order[1], (size_t)count[0]));
}

TEST(media_netsim_cap_queues_then_drops)
{
    netsim_config c = { .rate_kbps = 800, .queue_ms = 100 }; /* 100 bytes per ms */
    netsim *ns = netsim_new(&c, 1);
    uint8_t b[1000] = { 0 }, got[1000];
    for (int i = 0; i < 20; i++) /* 20 kB at once: 200 ms worth */
        netsim_send(ns, 0, b, sizeof(b));
    const netsim_stats *st = netsim_get_stats(ns);
    CHECK(st->dropped_queue >= 8 && st->dropped_queue <= 10);
    CHECK_EQ_INT(netsim_recv(ns, 9000, got, sizeof(got)), 0);   /* first needs 10 ms */
    CHECK_EQ_INT(netsim_recv(ns, 10000, got, sizeof(got)), 1000);
    netsim_free(ns);
}

TEST(vp8_reconfigure_changes_size_and_forces_keyframe)
{
    bb_video_config cfg;
    bb_video_config_default(&cfg, 320, 180);
    bb_video_encoder *enc;
    bb_video_decoder *dec;
    CHECK_OK(bb_video_encoder_new(&enc, &cfg));
    CHECK_OK(bb_video_decoder_new(&dec));
    uint8_t *f = malloc(bb_i420_size(320, 180)), *out = malloc(200000);
    size_t len;
    int key;
    bb_image img, got;
    synth_video_frame(f, 320, 180, 0);
    bb_image_wrap_i420(&img, f, 320, 180);
    CHECK_OK(bb_video_encoder_encode(enc, &img, 0, 0, out, 200000, &len, &key));
    CHECK(key);
    CHECK_OK(bb_video_encoder_encode(enc, &img, 33333, 0, out, 200000, &len, &key));
    CHECK(!key);
    CHECK_OK(bb_video_encoder_reconfigure(enc, 160, 90, 15));
    CHECK_EQ_INT(bb_video_encoder_encode(enc, &img, 66666, 0, out, 200000, &len, &key), BB_E_ARG);
    synth_video_frame(f, 160, 90, 1);
    bb_image_wrap_i420(&img, f, 160, 90);
    CHECK_OK(bb_video_encoder_encode(enc, &img, 100000, 0, out, 200000, &len, &key));
    CHECK(key);
    CHECK_OK(bb_video_decoder_decode(dec, out, len, &got));
    CHECK_EQ_INT(got.width, 160);
    CHECK_EQ_INT(got.height, 90);
    CHECK_EQ_INT(bb_video_encoder_reconfigure(enc, 161, 90, 15), BB_E_ARG);
    CHECK_OK(bb_video_encoder_reconfigure(enc, 160, 90, 30)); /* rate only */
    CHECK_OK(bb_video_encoder_encode(enc, &img, 133333, 0, out, 200000, &len, &key));
    CHECK(!key);
    free(f);
    free(out);
    bb_video_encoder_free(enc);
    bb_video_decoder_free(dec);
}

TEST(media_config_and_arguments_are_validated)
{
    bb_media_config c;
    bb_media *m = (bb_media *)1;
    bb_media_config_default(&c, 0);
    CHECK_EQ_INT(bb_media_new(&m, &c), BB_E_ARG); /* ssrc 0 */
    CHECK(m == NULL);
    bb_media_config_default(&c, 9);
    c.width = 641;
    CHECK_EQ_INT(bb_media_new(&m, &c), BB_E_ARG);
    bb_media_config_default(&c, 9);
    c.max_kbps = c.start_kbps - 1;
    CHECK_EQ_INT(bb_media_new(&m, &c), BB_E_ARG);
    bb_media_config_default(&c, 9);
    CHECK_OK(bb_media_new(&m, &c));
    uint8_t *f = calloc(1, bb_i420_size(3842, 2160));
    bb_image img;
    CHECK_OK(bb_image_wrap_i420(&img, f, 3842, 2160));
    CHECK_EQ_INT(bb_media_push_video(m, &img, 0, 0), BB_E_ARG); /* larger than 4K */
    CHECK_OK(bb_image_wrap_i420(&img, f, 16, 16));
    img.width = 15;
    CHECK_EQ_INT(bb_media_push_video(m, &img, 0, 0), BB_E_ARG); /* odd */
    free(f);
    int16_t pcm[BB_AUDIO_FRAME];
    CHECK_EQ_INT(bb_media_pull_audio(m, 12345, 0, pcm), BB_E_ARG); /* unknown sender */
    uint8_t big[BB_MEDIA_MAX_CONTROL + 1] = { 0 };
    CHECK_EQ_INT(bb_media_send_control(m, big, sizeof(big), 0), BB_E_ARG);
    CHECK_EQ_INT(bb_media_set_profile(m, (bb_media_profile)7), BB_E_ARG);
    uint8_t out[BB_MEDIA_MAX_MSG];
    size_t len;
    CHECK_EQ_INT(bb_media_poll_send(m, out, sizeof(out), &len, NULL), BB_E_AGAIN);
    bb_media_free(m);
}

/* Found by fuzz_media_receive: a number just "before" the first one seen
 * unwrapped to a negative value and indexed a ring buffer out of bounds. */
TEST(media_sequence_numbers_before_the_first_stay_in_bounds)
{
    bb_media_config c;
    bb_media_config_default(&c, B_SSRC);
    bb_media *m;
    CHECK_OK(bb_media_new(&m, &c));
    uint8_t pkt[BB_MEDIA_MAX_MSG], opus_silence[] = { 0xf8, 0xff, 0xfe }, vp8[] = { 0x30, 1, 2 };
    wire_msg w = { 0 };
    w.ssrc = A_SSRC;
    w.parts = 1;
    const uint16_t seqs[] = { 5, 65530, 65535, 0 };
    for (int i = 0; i < 4; i++) {
        w.type = WIRE_AUDIO;
        w.tseq = (uint16_t)(seqs[i] + 7);
        w.stream_seq = seqs[i];
        w.payload = opus_silence;
        w.payload_len = sizeof(opus_silence);
        size_t n = bbm_wire_write(&w, pkt, sizeof(pkt));
        bb_media_receive(m, pkt, n, 1000 + (uint64_t)i);
        w.type = WIRE_VIDEO;
        w.tseq = (uint16_t)(seqs[i] + 9);
        w.payload = vp8;
        w.payload_len = sizeof(vp8);
        n = bbm_wire_write(&w, pkt, sizeof(pkt));
        bb_media_receive(m, pkt, n, 1000 + (uint64_t)i);
    }
    const char *txt = "x";
    w.type = WIRE_CONTROL;
    w.ctl_seq = 0;
    w.ctl_base = 0;
    w.payload = (const uint8_t *)txt;
    w.payload_len = 1;
    size_t n = bbm_wire_write(&w, pkt, sizeof(pkt));
    CHECK_OK(bb_media_receive(m, pkt, n, 2000));
    w.ctl_seq = 0xffffffff; /* one before the first */
    w.ctl_base = 0xffffffff;
    n = bbm_wire_write(&w, pkt, sizeof(pkt));
    CHECK_EQ_INT(bb_media_receive(m, pkt, n, 2001), BB_E_PROTO); /* a duplicate by now */
    int16_t pcm[BB_AUDIO_FRAME];
    bb_media_frame f;
    for (uint64_t t = 0; t < 2000000; t += 20000) {
        CHECK_OK(bb_media_pull_audio(m, A_SSRC, t, pcm));
        bb_media_pull_frame(m, A_SSRC, t, &f);
        bb_media_tick(m, t);
    }
    bb_media_stats st;
    bb_media_get_stats(m, &st);
    CHECK(st.peer[0].audio_frames + st.peer[0].audio_plc > 0);
    bb_media_free(m);
}
