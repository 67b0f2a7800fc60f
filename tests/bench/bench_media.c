/*
 * The media engine's whole per-frame CPU cost at 640x360: camera frame ->
 * rate control, VP8 encode, packetize, pace -> (no network) -> receive,
 * reassemble, jitter buffer, VP8 decode -> frame to show; plus 20 ms audio
 * both ways of Opus and the feedback path. One thread does both ends, so
 * "frames/s" is the rate a device could send AND receive one stream at.
 * Best of two runs.
 */
#include <stdio.h>
#include <stdlib.h>

#include "bench.h"

#include "beeldbel/media.h"
#include "../common/synth.h"

#define W 640
#define H 360
#define FRAMES 90

static double engine_fps(uint8_t *const *frames)
{
    bb_media_config ca, cb;
    bb_media_config_default(&ca, 1);
    ca.start_kbps = 1500;
    bb_media_config_default(&cb, 2);
    bb_media *a, *b;
    if (bb_media_new(&a, &ca) || bb_media_new(&b, &cb))
        abort();
    int16_t pcm[BB_AUDIO_FRAME];
    synth_audio_frame(pcm, 0);
    uint8_t msg[BB_MEDIA_MAX_MSG];
    size_t len;
    int shown = 0, ak = 0;
    double t0 = bench_now_s();
    for (int i = 0; i < FRAMES; i++) {
        uint64_t t = (uint64_t)i * 33333 + 1000000;
        bb_image img;
        bb_image_wrap_i420(&img, frames[i % 30], W, H);
        bb_media_push_video(a, &img, t, t);
        for (; (uint64_t)ak * 20000 <= (uint64_t)i * 33333; ak++) {
            bb_media_push_audio(a, pcm, 1000000 + (uint64_t)ak * 20000, t);
            bb_media_pull_audio(b, 1, t, pcm);
        }
        bb_media_tick(a, t);
        while (bb_media_poll_send(a, msg, sizeof(msg), &len, NULL) == 0)
            bb_media_receive(b, msg, len, t);
        bb_media_tick(b, t);
        while (bb_media_poll_send(b, msg, sizeof(msg), &len, NULL) == 0)
            bb_media_receive(a, msg, len, t);
        bb_media_frame f;
        while (bb_media_pull_frame(b, 1, t, &f) == 0)
            shown++;
    }
    double dt = bench_now_s() - t0;
    bb_media_stats st;
    bb_media_get_stats(b, &st);
    if (st.npeers != 1 || st.peer[0].frames_decoded < FRAMES / 2)
        abort(); /* the pipeline must really have run end to end */
    bb_media_free(a);
    bb_media_free(b);
    return (double)st.peer[0].frames_decoded / dt;
}

BENCH(media_engine)
{
    uint8_t *frames[30];
    for (int i = 0; i < 30; i++) {
        frames[i] = malloc(bb_i420_size(W, H));
        synth_video_frame(frames[i], W, H, i);
    }
    double best = bench_best(engine_fps(frames), engine_fps(frames));
    bench_report("media_engine_640x360_capture_to_frame", best, "frames/s");
    for (int i = 0; i < 30; i++)
        free(frames[i]);
}

/*
 * What one participant sends in a call at the default profile, as the
 * engine really makes it: a 640x360 30 fps camera and 20 ms audio from A to
 * B over a clean link, B's feedback back (in a call everyone both sends and
 * reports), on a virtual clock. After `seconds` of warm-up (the estimate
 * climbing from its start), `seconds` more are printed, one message a line:
 *   <ms since the window began> <bytes>
 * The capacity bench (tests/bench/scale.bench.mjs) plays these sizes and
 * times, as random bytes (encrypted media looks no different), into Janus.
 */
/* What src sends at t goes to dst; from `from` on, each message is printed. Its bytes. */
static uint64_t trace_relay(bb_media *src, bb_media *dst, uint64_t t, uint64_t from)
{
    uint8_t msg[BB_MEDIA_MAX_MSG];
    size_t len;
    uint64_t bytes = 0;
    bb_media_tick(src, t);
    while (bb_media_poll_send(src, msg, sizeof(msg), &len, NULL) == 0) {
        if (t >= from) {
            printf("%.1f %zu\n", (double)(t - from) / 1000.0, len);
            bytes += len;
        }
        bb_media_receive(dst, msg, len, t);
    }
    return bytes;
}

void bench_media_trace(double seconds)
{
    bb_media_config ca, cb;
    bb_media_config_default(&ca, 1);
    bb_media_config_default(&cb, 2);
    bb_media *a, *b;
    if (bb_media_new(&a, &ca) || bb_media_new(&b, &cb))
        abort();
    uint8_t *frames[30];
    for (int i = 0; i < 30; i++) {
        frames[i] = malloc(bb_i420_size(W, H));
        synth_video_frame(frames[i], W, H, i);
    }
    int16_t pcm[BB_AUDIO_FRAME];
    synth_audio_frame(pcm, 0);
    const uint64_t t0 = 1000000, from = t0 + (uint64_t)(seconds * 1e6), end = from + (uint64_t)(seconds * 1e6);
    uint64_t next_video = t0, next_audio = t0, bytes = 0;
    int vi = 0;
    for (uint64_t t = t0; t < end; t += 1000) {
        if (t >= next_video) {
            bb_image img;
            bb_image_wrap_i420(&img, frames[vi++ % 30], W, H);
            bb_media_push_video(a, &img, t, t);
            next_video += 33333;
        }
        if (t >= next_audio) {
            synth_audio_frame(pcm, 0);
            bb_media_push_audio(a, pcm, t, t);
            bb_media_pull_audio(b, 1, t, pcm);
            next_audio += 20000;
        }
        bytes += trace_relay(a, b, t, from);
        bytes += trace_relay(b, a, t, from);
        bb_media_frame f;
        while (bb_media_pull_frame(b, 1, t, &f) == 0)
            ;
    }
    fprintf(stderr, "media trace: %.0f kbps over %.0f s\n", (double)bytes * 8 / seconds / 1000, seconds);
    bb_media_free(a);
    bb_media_free(b);
    for (int i = 0; i < 30; i++)
        free(frames[i]);
}
