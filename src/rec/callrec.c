/*
 * The officer's recording of a call: the media engine's tap into a
 * recorder, a pair of tracks per participant (include/beeldbel/callrec.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "beeldbel/callrec.h"
#include "beeldbel/error.h"
#include "beeldbel/seal.h"
#include "../core/utf8.h"

struct slot {
    uint32_t feed;                     /* 0: free */
    char name[BB_WEBM_MAX_NAME + 1];
    int video, audio;                  /* track numbers */
    int keyed;                         /* a keyframe written: the picture can start */
    int admitted;                      /* recorded (named before the start, or admitted) */
};

struct bb_callrec {
    bb_media *media;
    bb_recorder *rec;
    struct slot slot[BB_CALLREC_SLOTS];
    int text_track;
    int started, stopped, sealing;
    int last_digest, last_sealed;      /* the digest after the stop; its seal made */
    uint64_t t0;                       /* the media clock at the start */
    uint64_t frames, dropped;
};

int bb_callrec_new(bb_callrec **out, bb_media *m, const char *title, const char *officer_id,
                   int64_t started_unix_ms)
{
    if (!out)
        return BB_E_ARG;
    *out = NULL;
    if (!m)
        return BB_E_ARG;
    bb_callrec *r = calloc(1, sizeof(*r));
    if (!r)
        return BB_E_NOMEM;
    r->media = m;
    int rc = bb_recorder_new(&r->rec, title, started_unix_ms, officer_id);
    if (rc) {
        free(r);
        return rc;
    }
    *out = r;
    return BB_OK;
}

void bb_callrec_free(bb_callrec *r)
{
    if (!r)
        return;
    if (r->started && !r->stopped)
        bb_media_set_tap(r->media, NULL, NULL);
    bb_recorder_free(r->rec);
    free(r);
}

static struct slot *slot_of(bb_callrec *r, uint32_t feed)
{
    for (int i = 0; i < BB_CALLREC_SLOTS; i++)
        if (r->slot[i].feed == feed)
            return &r->slot[i];
    return NULL;
}

/* The feed's slot, or the next free one for it (NULL when all are taken). */
static struct slot *slot_for(bb_callrec *r, uint32_t feed)
{
    struct slot *s = slot_of(r, feed);
    if (s || !feed)
        return s;
    s = slot_of(r, 0);
    if (s)
        s->feed = feed;
    return s;
}

static int64_t rec_time(const bb_callrec *r, uint64_t t)
{
    return t < r->t0 ? -1 : (int64_t)(t - r->t0);
}

static int cue(bb_callrec *r, const char *who, const char *text, size_t len, uint64_t now_us)
{
    int64_t t = rec_time(r, now_us);
    if (t < 0)
        return BB_E_ARG;
    size_t wl = strlen(who), n = wl + len + 4;
    char *c = malloc(n);
    if (!c)
        return BB_E_NOMEM;
    /* A WebVTT voice span: players show who speaks. */
    int k = snprintf(c, n, "<v %s>", who);
    memcpy(c + k, text, len);
    int rc = bb_recorder_text(r->rec, r->text_track, t, BB_CALLREC_CUE_US, c, (size_t)k + len);
    free(c);
    return rc;
}

static int name_ok(const char *s, size_t len)
{
    return s && len && len <= BB_WEBM_MAX_NAME && bb_utf8_plain_name((const unsigned char *)s, len) &&
           !memchr(s, '<', len) && !memchr(s, '>', len) && !memchr(s, '&', len);
}

/* The slot of feed (a participant), to name or admit them before the end. */
static int slot_to_change(bb_callrec *r, uint32_t feed, struct slot **out)
{
    if (!r || !feed || feed > 0xffff)
        return BB_E_ARG;
    if (r->stopped)
        return BB_E_STATE;
    *out = slot_for(r, feed);
    return *out ? BB_OK : BB_E_TOO_LARGE;
}

int bb_callrec_party(bb_callrec *r, uint32_t feed, const char *name, size_t len, uint64_t now_us)
{
    struct slot *s;
    if (!name_ok(name, len))
        return BB_E_ARG;
    int rc = slot_to_change(r, feed, &s);
    if (rc)
        return rc;
    if (s->name[0] && strlen(s->name) == len && !memcmp(s->name, name, len))
        return BB_OK;
    memcpy(s->name, name, len);
    s->name[len] = 0;
    if (!r->started)
        return BB_OK;
    static const char joins[] = "neemt deel aan het gesprek";
    return cue(r, s->name, joins, sizeof(joins) - 1, now_us);
}

static void tap(void *ctx, uint32_t ssrc, bb_media_tap_kind kind, const uint8_t *data, size_t len,
                int key, uint64_t time_us)
{
    bb_callrec *r = ctx;
    int64_t t = rec_time(r, time_us);
    struct slot *s = ssrc ? slot_of(r, ssrc) : NULL;
    if (t < 0 || !s || !s->admitted)
        return;   /* before the start, or someone not (yet) told they are recorded */
    if (kind == BB_MEDIA_TAP_VIDEO && !s->keyed) {
        if (!key)
            return;   /* a picture starts at a keyframe (asked for at the start) */
        s->keyed = 1;
    }
    if (bb_recorder_frame(r->rec, kind == BB_MEDIA_TAP_VIDEO ? s->video : s->audio, t, data, len, key)) {
        r->dropped++;
        return;
    }
    r->frames++;
}

int bb_callrec_start(bb_callrec *r, uint64_t now_us)
{
    if (!r)
        return BB_E_ARG;
    if (r->started)
        return BB_E_STATE;
    bb_webm *w = bb_recorder_webm(r->rec);
    for (int i = 0; i < BB_CALLREC_SLOTS; i++) {
        struct slot *s = &r->slot[i];
        char base[BB_WEBM_MAX_NAME + 1], name[BB_WEBM_MAX_NAME + 1];
        if (s->name[0])
            snprintf(base, sizeof(base), "%s", s->name);
        else
            snprintf(base, sizeof(base), "Deelnemer %d", i + 1);
        /* "Anna de Vries, beeld": cut to fit on a character boundary */
        size_t room = BB_WEBM_MAX_NAME - strlen(", geluid"), bl = strlen(base);
        while (bl > room || (bl && ((unsigned char)base[bl] & 0xc0) == 0x80))
            bl--;
        base[bl] = 0;
        snprintf(name, sizeof(name), "%s, beeld", base);
        bb_webm_track v = { .codec = BB_WEBM_VP8, .name = name, .width = 640, .height = 360 };
        s->video = bb_webm_add_track(w, &v);
        snprintf(name, sizeof(name), "%s, geluid", base);
        bb_webm_track a = { .codec = BB_WEBM_OPUS, .name = name, .channels = 1 };
        s->audio = bb_webm_add_track(w, &a);
        if (s->video < 0 || s->audio < 0)
            return s->video < 0 ? s->video : s->audio;
        s->admitted = s->feed != 0;
    }
    bb_webm_track t = { .codec = BB_WEBM_WEBVTT, .name = "Tekst en ondertiteling", .language = "dut" };
    r->text_track = bb_webm_add_track(w, &t);
    if (r->text_track < 0)
        return r->text_track;
    r->t0 = now_us;
    r->started = 1;
    bb_media_set_tap(r->media, tap, r);
    /* Every picture in the recording starts with a keyframe: ours next, and
     * everyone else's asked for (a later joiner's first frame is one). */
    bb_media_force_keyframe(r->media);
    uint32_t peers[BB_MEDIA_MAX_PEERS];
    int n = bb_media_peers(r->media, peers);
    for (int i = 0; i < n; i++)
        bb_media_request_keyframe(r->media, peers[i]);
    return BB_OK;
}

int bb_callrec_admit(bb_callrec *r, uint32_t feed)
{
    struct slot *s;
    int rc = slot_to_change(r, feed, &s);
    if (rc)
        return rc;
    if (s->admitted)
        return BB_OK;
    s->admitted = 1;
    if (r->started)
        bb_media_request_keyframe(r->media, feed);
    return BB_OK;
}

int bb_callrec_text(bb_callrec *r, uint32_t feed, const char *text, size_t len, uint64_t now_us)
{
    if (!r || !text || !len || !bb_utf8_valid((const unsigned char *)text, len) || memchr(text, 0, len))
        return BB_E_ARG;
    if (!r->started || r->stopped)
        return BB_E_STATE;
    struct slot *s = feed ? slot_of(r, feed) : NULL;
    if (!s || !s->admitted)
        return BB_OK;   /* someone not (yet) told they are recorded: left out */
    char fallback[32];
    const char *who = s->name[0] ? s->name : fallback;
    snprintf(fallback, sizeof(fallback), "Deelnemer %d", (int)(s - r->slot) + 1);
    /* The text is the participant's: "<" and "&" would be WebVTT markup. */
    char *clean = malloc(len);
    if (!clean)
        return BB_E_NOMEM;
    for (size_t i = 0; i < len; i++)
        clean[i] = text[i] == '<' ? '(' : text[i] == '>' ? ')' : text[i] == '&' ? '+' : text[i];
    int rc = cue(r, who, clean, len, now_us);
    free(clean);
    return rc;
}

int bb_callrec_seal_due(const bb_callrec *r, uint64_t now_us)
{
    if (!r || !r->started || r->sealing)
        return 0;
    if (r->stopped)
        return !r->last_sealed;   /* the last seal: bb_callrec_close waits for it */
    int64_t t = rec_time(r, now_us);
    return t >= 0 && bb_recorder_seal_due(r->rec, t);
}

int bb_callrec_digest(bb_callrec *r, uint64_t now_us, uint8_t out[32])
{
    if (!r || !out)
        return BB_E_ARG;
    if (!r->started || r->sealing)
        return BB_E_STATE;
    int64_t t = rec_time(r, now_us);
    int rc = bb_recorder_digest(r->rec, t < 0 ? 0 : t, out);
    if (!rc) {
        r->sealing = 1;
        r->last_digest = r->stopped;
    }
    return rc;
}

int bb_callrec_seal(bb_callrec *r, const uint8_t *cms, size_t len)
{
    if (!r)
        return BB_E_ARG;
    if (!r->sealing)
        return BB_E_STATE;
    int rc = bb_recorder_seal(r->rec, cms, len);
    if (!rc) {
        r->sealing = 0;
        r->last_sealed = r->last_digest;
    }
    return rc;
}

void bb_callrec_seal_failed(bb_callrec *r)
{
    if (r)
        r->sealing = 0;
}

int bb_callrec_stop(bb_callrec *r, uint64_t now_us)
{
    if (!r)
        return BB_E_ARG;
    if (!r->started || r->stopped)
        return BB_E_STATE;
    bb_media_set_tap(r->media, NULL, NULL);
    r->stopped = 1;
    int64_t t = rec_time(r, now_us);
    return bb_recorder_finish(r->rec, t < 0 ? 0 : t);
}

int bb_callrec_close(bb_callrec *r, const char *manifest, size_t len)
{
    if (!r)
        return BB_E_ARG;
    if (!r->stopped || r->sealing)
        return BB_E_STATE;   /* a last seal may still come; without one, what was sealed stands */
    return bb_recorder_close(r->rec, manifest, len);
}

void bb_callrec_pending(const bb_callrec *r, const uint8_t **data, size_t *len)
{
    bb_recorder_pending(r ? r->rec : NULL, data, len);
}

void bb_callrec_drain(bb_callrec *r)
{
    if (r)
        bb_recorder_drain(r->rec);
}

int bb_callrec_take_manifest(bb_callrec *r, char **segments, size_t *segments_len, char **seals, size_t *seals_len)
{
    return r ? bb_recorder_take_manifest(r->rec, segments, segments_len, seals, seals_len) : BB_E_ARG;
}

void bb_callrec_counts(const bb_callrec *r, uint64_t *frames, uint64_t *dropped)
{
    if (frames)
        *frames = r ? r->frames : 0;
    if (dropped)
        *dropped = r ? r->dropped : 0;
}
