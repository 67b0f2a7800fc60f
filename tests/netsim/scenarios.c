/*
 * The network scenarios: one engine sends a 640x360 30 fps
 * camera and 48 kHz speech to another through the simulated network
 * (tests/common/netsim.c, seeded), the receiver's feedback goes back through
 * a second link with the same impairments. Everything is measured on what
 * the receiver really shows and plays:
 *   fps       frames shown after 5 s / seconds
 *   freeze_ms longest gap between shown frames after 5 s
 *   psnr      mean PSNR of shown frames against the source frame with the
 *             same capture time (scaled up to 640x360 when sent smaller)
 *   conceal   % of audio frames played from PLC (no data) after audio start
 *   delay_ms  95th percentile capture -> display time of shown video frames
 *   kbps      everything the sender sent, averaged over the call
 * hoststall runs a good link but stalls both hosts (a busy browser thread):
 * 0.5-0.8 s at start, then 40-140 ms every 0.3-1.5 s, seeded. A stalled
 * host does nothing; afterwards it handles all that waited (camera frames,
 * microphone audio, arrived messages, audio device pulls) with the time it
 * gets to it. Its own measures:
 *   added_ms  the worst, over all stalls, of the median added delay
 *             (capture -> display minus the link's delay) of the frames
 *             shown in the third second after the stall
 *   min_target the sender's lowest target after the first second
 * Each prints one "netsim ..." line, a "# ..." detail line, then ok/FAIL
 * lines per assertion; the last line is "N passed, N failed".
 * Usage: scenarios [name] [seconds] [seed]   (name "" = all; NETSIM_TRACE=1
 * prints the sender's state every 0.5 s)
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "beeldbel/error.h"
#include "beeldbel/media.h"
#include "../../src/media/scale.h"
#include "../common/netsim.h"
#include "../common/synth.h"

#define W 640
#define H 360
#define FPS 30
#define SENDER 0x5e4d0001u
#define RECEIVER 0x5e4d0002u

static int passed, failed;

static void expect(const char *scen, const char *what, int ok, const char *fmt, double v)
{
    printf("%s netsim_%s_%s (", ok ? "ok" : "FAIL", scen, what);
    printf(fmt, v);
    printf(")\n");
    if (ok)
        passed++;
    else
        failed++;
}

struct scenario {
    const char *name;
    netsim_config link;
    bb_media_profile profile;
    int start_kbps;
    /* burst: loss for [burst_from, burst_to) seconds; capdrop: new cap at */
    double burst_from, burst_to, burst_loss;
    double cap_at;
    uint32_t cap_after;
    int hoststall;              /* both hosts stall (see above) */
};

/* When a host is stalled: [from, to) intervals, in time order. */
#define MAX_STALLS 512
struct stalls {
    int n, cur;
    uint64_t from[MAX_STALLS], to[MAX_STALLS];
};

static uint64_t splitmix(uint64_t *x)
{
    uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static uint64_t between(uint64_t *x, uint64_t lo, uint64_t hi)
{
    return lo + splitmix(x) % (hi - lo + 1);
}

/* 0.5-0.8 s from `start`, then 40-140 ms every 0.3-1.5 s. */
static void make_stalls(struct stalls *st, uint64_t seed, uint64_t start, uint64_t end)
{
    memset(st, 0, sizeof(*st));
    uint64_t x = seed, t = start, len = between(&x, 500000, 800000);
    while (t < end && st->n < MAX_STALLS) {
        st->from[st->n] = t;
        st->to[st->n] = t + len;
        st->n++;
        t += len + between(&x, 300000, 1500000);
        len = between(&x, 40000, 140000);
    }
}

/* Is the host stalled at t? (t only grows.) */
static int stalled(struct stalls *st, uint64_t t)
{
    while (st->cur < st->n && st->to[st->cur] <= t)
        st->cur++;
    return st->cur < st->n && st->from[st->cur] <= t;
}

struct result {
    double fps, freeze_ms, psnr, conceal, delay_ms, kbps;
    double recover_ms;          /* burst: last freeze end after the burst */
    double band_at_s;           /* capdrop: first time target within 20 % */
    double est_avg;             /* capdrop: mean target after cap_at + 5 s */
    double queue_max_ms;        /* capdrop: worst queue after cap_at + 5 s */
    double sync_p95_ms;         /* |video delay - audio delay| at display */
    uint64_t underflow_late;    /* audio underflows after 5 s */
    int max_w, max_h, max_fps;  /* sender's shape after 5 s */
    double video_s;             /* seconds with video on, after 5 s */
    double added_ms;            /* hoststall: see the top */
    double min_target;          /* hoststall: lowest target after 1 s */
};

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double p95(double *v, int n)
{
    if (!n)
        return 0;
    qsort(v, (size_t)n, sizeof(double), cmp_double);
    return v[(int)(0.95 * (n - 1) + 0.5)];
}

static void pump(bb_media *from, netsim *link, uint64_t now)
{
    uint8_t buf[BB_MEDIA_MAX_MSG + 64];
    size_t len;
    while (bb_media_poll_send(from, buf, sizeof(buf), &len, NULL) == BB_OK) {
        if (len > BB_MEDIA_MAX_MSG) {
            printf("FAIL message of %zu bytes\n", len);
            abort();
        }
        netsim_send(link, now, buf, len);
    }
}

static void deliver(netsim *link, bb_media *to, uint64_t now)
{
    uint8_t buf[2048];
    int n;
    while ((n = netsim_recv(link, now, buf, sizeof(buf))) > 0)
        bb_media_receive(to, buf, (size_t)n, now);
}

/* One host's turn at the network: send what waits, take in what arrived,
 * run its timers, send what that made. */
static void host_network(bb_media *m, netsim *out, netsim *in, uint64_t now)
{
    pump(m, out, now);
    deliver(in, m, now);
    if (bb_media_next_deadline(m) <= now)
        bb_media_tick(m, now);
    pump(m, out, now);
}

static int run(const struct scenario *sc, double seconds, uint64_t seed, struct result *r)
{
    memset(r, 0, sizeof(*r));
    bb_media_config ca, cb;
    bb_media_config_default(&ca, SENDER);
    ca.seed = seed;
    ca.profile = sc->profile;
    ca.start_kbps = sc->start_kbps;
    bb_media_config_default(&cb, RECEIVER);
    cb.seed = seed + 1;
    bb_media *a, *b;
    if (bb_media_new(&a, &ca) || bb_media_new(&b, &cb))
        return -1;
    netsim *ab = netsim_new(&sc->link, seed * 3 + 1);
    netsim *ba = netsim_new(&sc->link, seed * 3 + 2);

    size_t fsz = bb_i420_size(W, H);
    /* The last SRC_RING camera frames, so PSNR needs no second synthesis
     * (older ones are made again). */
    enum { SRC_RING = 64 };
    uint8_t *ring = malloc(fsz * SRC_RING), *src = malloc(fsz), *up = malloc(fsz);
    int ring_k[SRC_RING];
    for (int i = 0; i < SRC_RING; i++)
        ring_k[i] = -1;
    int maxshown = (int)(seconds * 70) + 100;
    double *delays = malloc(sizeof(double) * (size_t)maxshown);
    double *syncs = malloc(sizeof(double) * (size_t)maxshown);
    int n_delay = 0, n_sync = 0;
    int16_t pcm[BB_AUDIO_FRAME];

    uint64_t end = (uint64_t)(seconds * 1e6), warm = 5000000;
    uint64_t next_video = 0, next_audio = 0, next_play = 7000, next_show = 3000;
    int vk = 0, ak = 0;
    uint64_t last_shown = warm, shown_late = 0;
    double psnr_sum = 0;
    int psnr_n = 0;
    double band_at = -1, est_sum = 0, queue_max = 0;
    int est_n = 0;
    uint64_t burst_end = (uint64_t)(sc->burst_to * 1e6), last_freeze_end = 0;
    uint64_t underflow_at_warm = 0, plc_at_start = 0, played = 0;
    int audio_started = 0;
    double video_on = 0;
    /* Hosts: stall schedules, and what waits for a stalled sender. */
    struct stalls *hs = calloc(2, sizeof(*hs));
    if (sc->hoststall) {
        make_stalls(&hs[0], seed * 7 + 1, 0, end);
        make_stalls(&hs[1], seed * 7 + 2, 200000, end);
    }
    enum { PENDING = 128 };
    int pend_v[PENDING], pend_a[PENDING], n_pv = 0, n_pa = 0;
    uint64_t pend_vt[PENDING];
    double *shown_at = malloc(sizeof(double) * (size_t)maxshown);
    double *added = malloc(sizeof(double) * (size_t)maxshown);
    int n_shown = 0;
    r->min_target = 1e9;

    for (uint64_t t = 0; t <= end; t += 1000) {
        /* Link changes. */
        if (sc->burst_to > sc->burst_from) {
            netsim_config c = sc->link;
            if (t >= (uint64_t)(sc->burst_from * 1e6) && t < burst_end)
                c.loss = sc->burst_loss;
            netsim_set_config(ab, &c);
            netsim_set_config(ba, &c);
        }
        if (sc->cap_at > 0 && t == (uint64_t)(sc->cap_at * 1e6)) {
            netsim_config c = sc->link;
            c.rate_kbps = sc->cap_after;
            netsim_set_config(ab, &c);
        }
        int a_up = !stalled(&hs[0], t), b_up = !stalled(&hs[1], t);
        /* Capture: the camera and microphone run on; a stalled sender
         * takes their frames (with their capture times) when it is back. */
        if (t >= next_video) {
            uint8_t *cam = ring + fsz * (size_t)(vk % SRC_RING);
            synth_video_frame(cam, W, H, vk);
            ring_k[vk % SRC_RING] = vk;
            if (n_pv < PENDING) {
                pend_v[n_pv] = vk;
                pend_vt[n_pv++] = t;
            }
            vk++;
            next_video = (uint64_t)vk * 1000000 / FPS;
        }
        if (t >= next_audio) {
            if (n_pa < PENDING)
                pend_a[n_pa++] = ak;
            ak++;
            next_audio = (uint64_t)ak * 20000;
        }
        for (int i = 0; a_up && i < n_pv; i++) {
            int k = pend_v[i];
            uint8_t *cam = ring + fsz * (size_t)(k % SRC_RING);
            if (ring_k[k % SRC_RING] != k)
                continue; /* overwritten: the camera's queue dropped it */
            bb_image img;
            bb_image_wrap_i420(&img, cam, W, H);
            if (bb_media_push_video(a, &img, pend_vt[i], t))
                printf("# push_video failed at %.3f s\n", t / 1e6);
        }
        for (int i = 0; a_up && i < n_pa; i++) {
            synth_audio_frame(pcm, pend_a[i]);
            bb_media_push_audio(a, pcm, (uint64_t)pend_a[i] * 20000, t);
        }
        if (a_up)
            n_pv = n_pa = 0;
        /* Network and timers. */
        if (a_up)
            host_network(a, ab, ba, t);
        if (b_up)
            host_network(b, ba, ab, t);
        if (t % 100000 == 0 && t >= 1000000) {
            bb_media_stats st;
            bb_media_get_stats(a, &st);
            if (st.target_kbps < r->min_target)
                r->min_target = st.target_kbps;
        }

        /* Playout: audio device every 20 ms (pulls that waited for a
         * stalled host come at once), display at 60 Hz. */
        while (b_up && t >= next_play) {
            bb_media_pull_audio(b, SENDER, t, pcm);
            next_play += 20000;
            bb_media_stats st;
            bb_media_get_stats(b, &st);
            if (st.npeers) {
                const bb_media_peer_stats *ps = &st.peer[0];
                uint64_t total = ps->audio_frames + ps->audio_fec + ps->audio_plc;
                if (!audio_started && total) {
                    audio_started = 1;
                    plc_at_start = ps->audio_plc;
                }
                played = total;
                if (t < warm)
                    underflow_at_warm = ps->audio_underflow;
            }
        }
        if (b_up && t >= next_show) {
            while (next_show <= t)
                next_show += 16667;
            bb_media_frame f;
            if (bb_media_pull_frame(b, SENDER, t, &f) == BB_OK) {
                if (n_shown < maxshown) {
                    shown_at[n_shown] = t / 1e6;
                    added[n_shown++] = (double)(t - f.capture_us - sc->link.delay_us) / 1000.0;
                }
                if (t >= warm) {
                    if (t - last_shown > (uint64_t)(r->freeze_ms * 1000))
                        r->freeze_ms = (t - last_shown) / 1000.0;
                    if (t - last_shown > 150000 && t > burst_end)
                        last_freeze_end = t;
                    last_shown = t;
                    shown_late++;
                    int k = (int)((f.capture_us * FPS + 500000) / 1000000);
                    const uint8_t *orig = src;
                    if (k >= 0 && ring_k[k % SRC_RING] == k)
                        orig = ring + fsz * (size_t)(k % SRC_RING);
                    else
                        synth_video_frame(src, W, H, k);
                    const bb_image *im = &f.image;
                    if (im->width != W || im->height != H) {
                        bbm_media_scale_i420(im, up, W, H);
                    } else {
                        bb_image_pack_i420(im, up, fsz);
                    }
                    psnr_sum += synth_psnr_i420(orig, up, W, H);
                    psnr_n++;
                    double d = (double)(t - f.capture_us) / 1000.0;
                    if (n_delay < maxshown)
                        delays[n_delay++] = d;
                    bb_media_stats st;
                    bb_media_get_stats(b, &st);
                    if (st.npeers && st.peer[0].audio_latency_us && n_sync < maxshown)
                        syncs[n_sync++] = fabs(d - st.peer[0].audio_latency_us / 1000.0);
                }
            }
        }
        if (getenv("NETSIM_TRACE") && t % 500000 == 0) {
            bb_media_stats st, rb;
            bb_media_get_stats(a, &st);
            bb_media_get_stats(b, &rb);
            static uint64_t last_bytes, last_rtx, last_keys;
            printf("# t=%.1f target=%d video=%d %dx%d@%d loss=%d rtt=%d est=%d q=%u sent=%.0f "
                   "rtx=%llu keys=%llu vdelay=%d adelay=%d alat=%d\n", t / 1e6,
                   st.target_kbps, st.video_kbps, st.width, st.height, st.fps, st.loss_pct,
                   st.rtt_us / 1000, rb.npeers ? rb.peer[0].estimate_kbps : -1,
                   netsim_get_stats(ab)->queue_delay_us / 1000,
                   (st.bytes_sent - last_bytes) * 8 / 500.0,
                   (unsigned long long)(st.retransmits - last_rtx),
                   (unsigned long long)(st.keyframes_sent - last_keys),
                   rb.npeers ? rb.peer[0].video_delay_us / 1000 : -1,
                   rb.npeers ? rb.peer[0].audio_delay_us / 1000 : -1,
                   rb.npeers ? (int)(rb.peer[0].audio_latency_us / 1000) : -1);
            last_bytes = st.bytes_sent;
            last_rtx = st.retransmits;
            last_keys = st.keyframes_sent;
        }
        /* Sender-side measurements, once per 100 ms. */
        if (t % 100000 == 0 && t >= warm) {
            bb_media_stats st;
            bb_media_get_stats(a, &st);
            if (st.width > r->max_w)
                r->max_w = st.width, r->max_h = st.height;
            if (st.fps > r->max_fps)
                r->max_fps = st.fps;
            if (st.width)
                video_on += 0.1;
            if (sc->cap_at > 0 && t >= (uint64_t)(sc->cap_at * 1e6)) {
                double cap = sc->cap_after;
                if (band_at < 0 && fabs(st.target_kbps - cap) <= 0.2 * cap)
                    band_at = t / 1e6;
                if (t >= (uint64_t)((sc->cap_at + 5) * 1e6)) {
                    est_sum += st.target_kbps;
                    est_n++;
                }
            }
        }
        if (sc->cap_at > 0 && t >= (uint64_t)((sc->cap_at + 5) * 1e6)) {
            double q = netsim_get_stats(ab)->queue_delay_us / 1000.0;
            if (q > queue_max)
                queue_max = q;
        }
    }
    if ((end - last_shown) / 1000.0 > r->freeze_ms)
        r->freeze_ms = (end - last_shown) / 1000.0;

    bb_media_stats sa, sb;
    bb_media_get_stats(a, &sa);
    bb_media_get_stats(b, &sb);
    const bb_media_peer_stats *ps = &sb.peer[0];
    r->fps = shown_late / ((end - warm) / 1e6);
    r->psnr = psnr_n ? psnr_sum / psnr_n : 0;
    r->conceal = played ? 100.0 * (double)(ps->audio_plc - plc_at_start) / (double)played : 100;
    r->delay_ms = p95(delays, n_delay);
    r->sync_p95_ms = p95(syncs, n_sync);
    r->kbps = sa.bytes_sent * 8.0 / (end / 1e6) / 1000.0;
    r->recover_ms = last_freeze_end ? (last_freeze_end - burst_end) / 1000.0 : 0;
    r->band_at_s = band_at;
    r->est_avg = est_n ? est_sum / est_n : 0;
    r->queue_max_ms = queue_max;
    r->underflow_late = ps->audio_underflow - underflow_at_warm;
    r->video_s = video_on;
    /* hoststall: for each stall of either host, the median added delay of
     * the frames shown in the third second after it ended. */
    for (int h = 0; sc->hoststall && h < 2; h++) {
        for (int i = 0; i < hs[h].n; i++) {
            double e = hs[h].to[i] / 1e6;
            if (e + 3 > end / 1e6)
                break;
            int n = 0;
            for (int j = 0; j < n_shown; j++)
                if (shown_at[j] > e + 2 && shown_at[j] <= e + 3)
                    syncs[n++] = added[j]; /* syncs[] is done: reused as scratch */
            qsort(syncs, (size_t)n, sizeof(double), cmp_double);
            double med = n ? syncs[n / 2] : 1e9;
            if (getenv("NETSIM_TRACE"))
                printf("# stall %d ends %.2f s: median added %.0f ms (%d frames)\n", h, e, med, n);
            if (med > r->added_ms)
                r->added_ms = med;
        }
    }
    printf("# %s: sent %llu msgs, rtx %llu, keyframes %llu, rtt %d ms, target %d kbps, "
           "shape %dx%d@%d; recv lost %llu nack-recovered %llu, kf-req %llu, shown %llu skipped %llu, "
           "audio ok %llu fec %llu plc %llu underflow %llu dropped %llu; a/v sync p95 %.1f ms; "
           "link lost %llu queue-drops %llu dup %llu reordered %llu\n",
           sc->name, (unsigned long long)sa.msgs_sent, (unsigned long long)sa.retransmits,
           (unsigned long long)sa.keyframes_sent, sa.rtt_us / 1000, sa.target_kbps, sa.width,
           sa.height, sa.fps, (unsigned long long)ps->lost,
           (unsigned long long)ps->recovered_nack, (unsigned long long)ps->keyframe_requests,
           (unsigned long long)ps->frames_shown, (unsigned long long)ps->frames_skipped,
           (unsigned long long)ps->audio_frames, (unsigned long long)ps->audio_fec,
           (unsigned long long)ps->audio_plc, (unsigned long long)ps->audio_underflow,
           (unsigned long long)ps->audio_dropped, r->sync_p95_ms,
           (unsigned long long)netsim_get_stats(ab)->lost,
           (unsigned long long)netsim_get_stats(ab)->dropped_queue,
           (unsigned long long)netsim_get_stats(ab)->duplicated,
           (unsigned long long)netsim_get_stats(ab)->reordered);
    printf("netsim %s fps=%.1f freeze_ms=%.0f psnr=%.1f conceal=%.2f delay_ms=%.0f kbps=%.0f\n",
           sc->name, r->fps, r->freeze_ms, r->psnr, r->conceal, r->delay_ms, r->kbps);
    if (sc->hoststall)
        printf("# %s: added delay (worst per-stall median, 3rd s after) %.0f ms, min target %.0f kbps\n",
               sc->name, r->added_ms, r->min_target);
    fflush(stdout);
    free(ring);
    free(src);
    free(up);
    free(delays);
    free(syncs);
    free(shown_at);
    free(added);
    free(hs);
    netsim_free(ab);
    netsim_free(ba);
    bb_media_free(a);
    bb_media_free(b);
    return 0;
}

int main(int argc, char **argv)
{
    const char *only = argc > 1 ? argv[1] : NULL;
    double seconds = argc > 2 ? atof(argv[2]) : 60;
    uint64_t seed = argc > 3 ? strtoull(argv[3], NULL, 10) : 42;
    const struct scenario all[] = {
        { .name = "clean", .link = { .delay_us = 20000, .rate_kbps = 2000 }, .start_kbps = 800 },
        { .name = "loss5", .link = { .delay_us = 50000, .loss = 0.05 }, .start_kbps = 800 },
        { .name = "burst", .link = { .delay_us = 40000, .rate_kbps = 2000 }, .start_kbps = 800,
          .burst_from = seconds / 2 - 1, .burst_to = seconds / 2 + 1, .burst_loss = 0.20 },
        { .name = "capdrop", .link = { .delay_us = 20000, .rate_kbps = 2000 }, .start_kbps = 800,
          .cap_at = 20, .cap_after = 300 },
        { .name = "signlang", .link = { .delay_us = 30000, .rate_kbps = 400 },
          .profile = BB_MEDIA_PROFILE_SIGN_LANGUAGE, .start_kbps = 300 },
        { .name = "lowbw", .link = { .delay_us = 50000, .rate_kbps = 64 },
          .profile = BB_MEDIA_PROFILE_LOW_BANDWIDTH, .start_kbps = 50 },
        /* 40 ms jitter: 30 ms base + uniform 0..80 ms, i.e. 70 +- 40 ms,
         * packets may overtake each other. */
        { .name = "jitter", .link = { .delay_us = 30000, .jitter_us = 80000, .reorder = 1,
                                      .rate_kbps = 2000 }, .start_kbps = 800 },
        /* A good link between two hosts whose threads stall (see the top). */
        { .name = "hoststall", .link = { .delay_us = 20000, .rate_kbps = 2000 }, .start_kbps = 800,
          .hoststall = 1 },
    };
    for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++) {
        const struct scenario *sc = &all[i];
        if (only && *only && strcmp(only, sc->name))
            continue;
        struct result r;
        if (run(sc, seconds, seed + i, &r)) {
            printf("FAIL netsim_%s (engine did not start)\n", sc->name);
            failed++;
            continue;
        }
        const char *n = sc->name;
        if (!strcmp(n, "clean")) {
            expect(n, "fps_at_least_29", r.fps >= 29, "%.1f", r.fps);
            expect(n, "psnr_at_least_32", r.psnr >= 32, "%.1f dB", r.psnr);
        } else if (!strcmp(n, "loss5")) {
            expect(n, "fps_at_least_25", r.fps >= 25, "%.1f", r.fps);
            expect(n, "freeze_at_most_300ms", r.freeze_ms <= 300, "%.0f ms", r.freeze_ms);
            expect(n, "conceal_at_most_5pct", r.conceal <= 5, "%.2f %%", r.conceal);
        } else if (!strcmp(n, "burst")) {
            expect(n, "clean_within_1s_after_burst", r.recover_ms <= 1000, "%.0f ms", r.recover_ms);
            expect(n, "fps_at_least_25", r.fps >= 25, "%.1f", r.fps);
        } else if (!strcmp(n, "capdrop")) {
            expect(n, "estimate_within_20pct_in_5s",
                   r.band_at_s >= 0 && r.band_at_s <= sc->cap_at + 5, "%.1f s", r.band_at_s);
            expect(n, "estimate_stays_within_20pct",
                   fabs(r.est_avg - sc->cap_after) <= 0.2 * sc->cap_after, "%.0f kbps", r.est_avg);
            expect(n, "queue_under_100ms_after_5s", r.queue_max_ms < 100, "%.0f ms", r.queue_max_ms);
        } else if (!strcmp(n, "signlang")) {
            expect(n, "fps_at_least_25", r.fps >= 25, "%.1f", r.fps);
        } else if (!strcmp(n, "lowbw")) {
            expect(n, "conceal_at_most_2pct", r.conceal <= 2, "%.2f %%", r.conceal);
            /* The profile: small pictures at a few frames a second, or none. */
            expect(n, "video_small_or_off", r.max_w <= 320 && r.max_fps <= 5, "%.0f px wide", r.max_w);
            expect(n, "some_video_shown", r.fps >= 2, "%.1f fps", r.fps);
        } else if (!strcmp(n, "jitter")) {
            expect(n, "conceal_at_most_3pct", r.conceal <= 3, "%.2f %%", r.conceal);
            expect(n, "no_buffer_underflow_after_5s", r.underflow_late == 0, "%.0f",
                   (double)r.underflow_late);
        } else if (!strcmp(n, "hoststall")) {
            /* Host stalls are no network congestion: the rate holds. */
            expect(n, "target_never_below_start", r.min_target >= sc->start_kbps, "%.0f kbps",
                   r.min_target);
            expect(n, "added_delay_under_150ms_within_3s", r.added_ms < 150, "%.0f ms", r.added_ms);
            expect(n, "fps_at_least_20", r.fps >= 20, "%.1f", r.fps);
            expect(n, "conceal_at_most_10pct", r.conceal <= 10, "%.2f %%", r.conceal);
        }
        expect(n, "av_sync_within_100ms", r.sync_p95_ms <= 100, "p95 %.1f ms", r.sync_p95_ms);
    }
    printf("%d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
