#include <stdlib.h>
#include <string.h>

#include "beeldbel/codec.h"
#include "beeldbel/error.h"
#include "beeldbel/webm.h"
#include "rec_sample.h"
#include "synth.h"

#define W 160
#define H 96

static int take(bb_webm *w, rec_sample *s)
{
    const uint8_t *p;
    size_t n;
    bb_webm_pending(w, &p, &n);
    if (!n)
        return BB_OK;
    uint8_t *d = realloc(s->data, s->len + n);
    if (!d)
        return BB_E_NOMEM;
    memcpy(d + s->len, p, n);
    s->data = d;
    s->len += n;
    bb_webm_drain(w);
    return BB_OK;
}

static int cut(bb_webm *w, rec_sample *s)
{
    int rc = bb_webm_cut(w);
    if (!rc)
        rc = take(w, s);
    if (!rc && s->cuts < 8)
        s->cut_at[s->cuts++] = s->len;
    return rc;
}

static int tracks(bb_webm *w)
{
    bb_webm_track v = { .codec = BB_WEBM_VP8, .name = "Jan de Vries (wijkagent), beeld", .language = "dut", .width = W, .height = H };
    bb_webm_track a = { .codec = BB_WEBM_OPUS, .name = "Jan de Vries (wijkagent), geluid", .language = "dut", .channels = 1 };
    bb_webm_track t = { .codec = BB_WEBM_WEBVTT, .name = "Tekst en ondertiteling", .language = "dut" };
    int n[5];
    n[0] = bb_webm_add_track(w, &v);
    n[1] = bb_webm_add_track(w, &a);
    v.name = "Burger, beeld";
    a.name = "Burger, geluid";
    n[2] = bb_webm_add_track(w, &v);
    n[3] = bb_webm_add_track(w, &a);
    n[4] = bb_webm_add_track(w, &t);
    for (int i = 0; i < 5; i++)
        if (n[i] != i + 1)
            return n[i] < 0 ? n[i] : BB_E_STATE;
    return BB_OK;
}

/* Tracks: 1 officer video, 2 officer audio, 3 citizen video, 4 citizen
 * audio, 5 text. */
static int fill(bb_webm *w, bb_video_encoder *ve, bb_audio_encoder *ae, rec_sample *s)
{
    static uint8_t img[W * H * 3 / 2], out[200000];
    int16_t pcm[BB_AUDIO_FRAME];
    int64_t next_cut = 2000000;
    int rc = BB_OK;
    for (int64_t us = 0; us < 5000000 && !rc; us += 20000) {
        if (us >= next_cut) {
            rc = cut(w, s);
            next_cut += 2000000;
        }
        size_t n = 0;
        synth_audio_frame(pcm, (int)(us / 20000));
        if (!rc)
            rc = bb_audio_encoder_encode(ae, pcm, out, sizeof(out), &n);
        if (!rc)
            rc = bb_webm_frame(w, 2, us, out, n, 0);
        if (!rc)
            rc = bb_webm_frame(w, 4, us + 3000, out, n, 0);
        if (!rc && us % 60000 == 0) {
            bb_image im;
            int key;
            synth_video_frame(img, W, H, (int)(us / 66666));
            bb_image_wrap_i420(&im, img, W, H);
            rc = bb_video_encoder_encode(ve, &im, us, 0, out, sizeof(out), &n, &key);
            if (!rc && n)
                rc = bb_webm_frame(w, 1, us + 1000, out, n, key);
            if (!rc && n)
                rc = bb_webm_frame(w, 3, us + 2000, out, n, key);
        }
        /* A line typed from 1.5 s, finished at 2.5 s. */
        if (!rc && us == 2500000)
            rc = bb_webm_text(w, 5, 1500000, 1000000, REC_SAMPLE_CUE, strlen(REC_SAMPLE_CUE));
    }
    return rc ? rc : cut(w, s);
}

int rec_sample_make(rec_sample *s) { return rec_sample_make_attached(s, NULL); }

int rec_sample_make_attached(rec_sample *s, const char *attach)
{
    memset(s, 0, sizeof(*s));
    bb_webm *w = NULL;
    bb_video_encoder *ve = NULL;
    bb_audio_encoder *ae = NULL;
    bb_video_config vc;
    bb_video_config_default(&vc, W, H);
    vc.fps = 15;
    int rc = bb_webm_new(&w, REC_SAMPLE_TITLE, REC_SAMPLE_STARTED_MS);
    if (!rc)
        rc = tracks(w);
    if (!rc)
        rc = bb_video_encoder_new(&ve, &vc);
    if (!rc)
        rc = bb_audio_encoder_new(&ae, 24000);
    if (!rc)
        rc = fill(w, ve, ae, s);
    if (!rc && attach)
        rc = bb_webm_attach(w, "manifest.json", "application/json", (const uint8_t *)attach, strlen(attach));
    if (!rc && attach)
        rc = take(w, s);
    bb_video_encoder_free(ve);
    bb_audio_encoder_free(ae);
    bb_webm_free(w);
    return rc;
}

void rec_sample_free(rec_sample *s)
{
    free(s->data);
    memset(s, 0, sizeof(*s));
}
