/*
 * A call recorded by the officer's engine (rec_call.h).
 */
#include "rec_call.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "beeldbel/callrec.h"
#include "beeldbel/cms.h"
#include "beeldbel/error.h"
#include "beeldbel/media.h"
#include "beeldbel/seal.h"
#include "rec_sample.h"
#include "synth.h"

#define OFFICER 1u
#define CITIZEN 2u
#define PICTURES 30

/* The CPU this thread has used: what the call costs, whatever else the
 * machine is doing (the wall clock where there is no such clock). */
static double cpu_s(void)
{
    struct timespec ts;
    if (clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts))
        clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

struct sink {
    uint8_t *d;
    size_t n, cap;
    uint64_t max_pending;
};

static int put(struct sink *s, const void *p, size_t n)
{
    if (s->n + n + 1 > s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 1 << 20;
        while (cap < s->n + n + 1)
            cap *= 2;
        uint8_t *d = realloc(s->d, cap);
        if (!d)
            return BB_E_NOMEM;
        s->d = d;
        s->cap = cap;
    }
    memcpy(s->d + s->n, p, n);
    s->n += n;
    s->d[s->n] = 0;
    return BB_OK;
}

/* Moves what the recording has ready into the sink, as the console writes it out. */
static int take(bb_callrec *r, struct sink *s)
{
    const uint8_t *p;
    size_t n;
    bb_callrec_pending(r, &p, &n);
    if (!n)
        return BB_OK;
    if (n > s->max_pending)
        s->max_pending = n;
    int rc = put(s, p, n);
    if (!rc)
        bb_callrec_drain(r);
    return rc;
}

/* The manifest's parts since the last take, kept outside the engine as the console keeps them. */
static int take_manifest(bb_callrec *r, struct sink part[2])
{
    char *p[2] = { NULL, NULL };
    size_t n[2];
    int rc = bb_callrec_take_manifest(r, &p[0], &n[0], &p[1], &n[1]);
    for (int i = 0; !rc && i < 2; i++)
        rc = put(&part[i], p[i], n[i]);
    free(p[0]);
    free(p[1]);
    return rc;
}

/* The signature over digest comes back: the seal is made. */
static int seal(const rec_call_opts *o, bb_callrec *r, const uint8_t digest[32], rec_call_result *out)
{
    uint8_t cms[BB_CMS_MAX];
    size_t len;
    int rc = o->sign(o->ctx, digest, cms, &len);
    if (!rc)
        rc = bb_callrec_seal(r, cms, len);
    out->seals += !rc;
    return rc;
}

static void wire(bb_media *from, bb_media *to, uint64_t t)
{
    uint8_t buf[BB_MEDIA_MAX_MSG];
    size_t len;
    while (bb_media_poll_send(from, buf, sizeof(buf), &len, NULL) == BB_OK)
        bb_media_receive(to, buf, len, t);
}

int rec_call_run(const rec_call_opts *o, rec_call_result *out)
{
    memset(out, 0, sizeof(*out));
    bb_media *m[2] = { NULL, NULL };
    bb_callrec *r = NULL;
    struct sink sink = { 0 }, manifest[2] = { { 0 }, { 0 } };
    size_t fsize = (size_t)o->width * o->height * 3 / 2;
    uint8_t *pic = malloc(fsize * PICTURES);
    int rc = pic ? BB_OK : BB_E_NOMEM;
    for (int k = 0; k < PICTURES && !rc; k++)
        synth_video_frame(pic + fsize * k, o->width, o->height, k);
    for (int i = 0; i < 2 && !rc; i++) {
        bb_media_config c;
        bb_media_config_default(&c, i ? CITIZEN : OFFICER);
        c.width = o->width;
        c.height = o->height;
        c.fps = o->fps;
        if (o->max_kbps)
            c.max_kbps = o->max_kbps;
        rc = bb_media_new(&m[i], &c);
    }
    if (!rc && o->record)
        rc = bb_callrec_new(&r, m[0], "Verhoor BB-2026-000123", "100001", REC_SAMPLE_STARTED_MS);
    if (!rc && r)
        rc = bb_callrec_party(r, OFFICER, REC_CALL_OFFICER, strlen(REC_CALL_OFFICER), 0);
    if (!rc && r && !o->admit_citizen_ms)
        rc = bb_callrec_party(r, CITIZEN, REC_CALL_CITIZEN, strlen(REC_CALL_CITIZEN), 0);
    uint8_t digest[32];
    int64_t sign_at = -1;   /* when the signature "comes back" (ms), -1: none on its way */
    int16_t pcm[BB_AUDIO_FRAME];
    int64_t end = (int64_t)o->seconds * 1000, frame_ms = 1000 / o->fps;
    double t_run = cpu_s();
    for (int64_t ms = 0; ms <= end && !rc; ms++) {
        uint64_t t = 1000000 + (uint64_t)ms * 1000;
        if (r && ms == 500)
            rc = bb_callrec_start(r, t);
        if (ms % frame_ms == 0)
            for (int i = 0; i < 2 && !rc; i++) {
                bb_image img;
                bb_image_wrap_i420(&img, pic + fsize * (size_t)((ms / frame_ms + i * 7) % PICTURES), o->width, o->height);
                rc = bb_media_push_video(m[i], &img, t, t);
            }
        if (ms % 20 == 0)
            for (int i = 0; i < 2 && !rc; i++) {
                synth_audio_frame(pcm, (int)(ms / 20) + i * 50);
                rc = bb_media_push_audio(m[i], pcm, t, t);
                if (!rc)
                    bb_media_pull_audio(m[i], i ? OFFICER : CITIZEN, t, pcm);
            }
        wire(m[0], m[1], t);
        wire(m[1], m[0], t);
        for (int i = 0; i < 2; i++) {
            if (bb_media_next_deadline(m[i]) <= t)
                bb_media_tick(m[i], t);
            if (ms % 10 == 0) {
                bb_media_frame f;
                bb_media_pull_frame(m[i], i ? OFFICER : CITIZEN, t, &f);
            }
        }
        if (!r || rc || ms < 500)
            continue;
        if (ms == 1500)
            rc = bb_callrec_text(r, CITIZEN, REC_CALL_LINE, strlen(REC_CALL_LINE), t);
        if (!rc && o->admit_citizen_ms && ms == o->admit_citizen_ms) {
            rc = bb_callrec_party(r, CITIZEN, REC_CALL_CITIZEN, strlen(REC_CALL_CITIZEN), t);
            if (!rc)
                rc = bb_callrec_admit(r, CITIZEN);
        }
        if (!rc && ms == end)
            rc = bb_callrec_stop(r, t);
        if (!rc && sign_at < 0 && bb_callrec_seal_due(r, t)) {
            rc = bb_callrec_digest(r, t, digest);
            sign_at = ms + o->seal_delay_ms;
        }
        if (!rc && sign_at >= 0 && ms >= sign_at && ms < end) {
            rc = seal(o, r, digest, out);
            if (!rc)
                rc = take_manifest(r, manifest);
            sign_at = -1;
        }
        if (!rc)
            rc = take(r, &sink);
    }
    out->seconds = cpu_s() - t_run;
    out->recorded_ms = r ? end - 500 : 0;
    if (!rc && r) {
        /* The end: the last seal (its signature waited for), the manifest attached. */
        if (sign_at >= 0)
            rc = seal(o, r, digest, out);
        if (!rc && bb_callrec_seal_due(r, 0)) {
            rc = bb_callrec_digest(r, 0, digest);
            if (!rc)
                rc = seal(o, r, digest, out);
        }
        /* The manifest's last parts, and the whole given back for the attachment. */
        if (!rc)
            rc = take_manifest(r, manifest);
        if (!rc)
            rc = put(&manifest[0], manifest[1].d, manifest[1].n);
        if (!rc)
            rc = put(&manifest[0], BB_REC_MANIFEST_END, strlen(BB_REC_MANIFEST_END));
        if (!rc)
            rc = bb_callrec_close(r, (const char *)manifest[0].d, manifest[0].n);
        if (!rc) {
            out->manifest = (char *)manifest[0].d;
            manifest[0].d = NULL;
        }
        if (!rc)
            rc = take(r, &sink);
        bb_callrec_counts(r, &out->frames, &out->dropped);
    }
    bb_callrec_free(r);
    bb_media_free(m[0]);
    bb_media_free(m[1]);
    free(pic);
    free(manifest[0].d);
    free(manifest[1].d);
    out->file = sink.d;
    out->len = sink.n;
    out->max_pending = sink.max_pending;
    if (rc)
        rec_call_free(out);
    return rc;
}

void rec_call_free(rec_call_result *r)
{
    free(r->file);
    free(r->manifest);
    r->file = NULL;
    r->manifest = NULL;
}
