/*
 * A recording as the officer's engine makes it: the WebM and its manifest
 * kept in step, a segment every 2 s, seals when due (include/beeldbel/seal.h).
 */
#include <stdlib.h>
#include <string.h>

#include "beeldbel/error.h"
#include "beeldbel/seal.h"
#include "seal_internal.h"

struct bb_recorder {
    bb_webm *w;
    bb_rec_manifest *m;
    int64_t seg_start_us;     /* where the segment being written starts */
    int64_t last_seal_us;     /* where the chain stood at the last digest */
    int open;                 /* a block written since the last cut */
    int finished, closed;
    uint8_t *out;             /* bytes handed out and not yet drained */
    size_t n, cap;
};

int bb_recorder_new(bb_recorder **out, const char *title, int64_t started_unix_ms, const char *officer_id)
{
    if (!out)
        return BB_E_ARG;
    *out = NULL;
    bb_recorder *r = calloc(1, sizeof(*r));
    if (!r)
        return BB_E_NOMEM;
    int rc = bb_webm_new(&r->w, title, started_unix_ms);
    if (!rc)
        rc = bb_rec_manifest_new(&r->m, title, started_unix_ms, officer_id);
    if (rc) {
        bb_recorder_free(r);
        return rc;
    }
    *out = r;
    return BB_OK;
}

void bb_recorder_free(bb_recorder *r)
{
    if (!r)
        return;
    bb_webm_free(r->w);
    bb_rec_manifest_free(r->m);
    free(r->out);
    free(r);
}

bb_webm *bb_recorder_webm(bb_recorder *r) { return r ? r->w : NULL; }

/* Moves what the muxer has ready into our output; with into_manifest, as
 * the segment that ends at end_us. */
static int take(bb_recorder *r, int into_manifest, int64_t end_us)
{
    const uint8_t *p;
    size_t n;
    bb_webm_pending(r->w, &p, &n);
    if (!n)
        return BB_OK;
    if (r->n + n > r->cap) {
        size_t cap = r->cap ? r->cap : 1 << 16;
        while (cap < r->n + n)
            cap *= 2;
        uint8_t *o = realloc(r->out, cap);
        if (!o)
            return BB_E_NOMEM;
        r->out = o;
        r->cap = cap;
    }
    if (into_manifest) {
        int rc = bb_rec_manifest_segment(r->m, p, n, r->seg_start_us / 1000, end_us / 1000);
        if (rc)
            return rc;
        r->seg_start_us = end_us;
    }
    memcpy(r->out + r->n, p, n);
    r->n += n;
    bb_webm_drain(r->w);
    return BB_OK;
}

static int cut(bb_recorder *r, int64_t end_us)
{
    if (!r->open)
        return BB_OK;
    if (end_us < r->seg_start_us)
        end_us = r->seg_start_us;
    int rc = bb_webm_cut(r->w);
    if (!rc)
        rc = take(r, 1, end_us);
    if (!rc)
        r->open = 0;
    return rc;
}

static int before_block(bb_recorder *r, int64_t time_us)
{
    if (r->finished)
        return BB_E_STATE;
    if (time_us - r->seg_start_us >= BB_REC_SEGMENT_US)
        return cut(r, time_us);
    return BB_OK;
}

int bb_recorder_frame(bb_recorder *r, int track, int64_t time_us, const uint8_t *data, size_t len, int key)
{
    if (!r || time_us < 0)
        return BB_E_ARG;
    int rc = before_block(r, time_us);
    if (!rc)
        rc = bb_webm_frame(r->w, track, time_us, data, len, key);
    if (!rc)
        r->open = 1;
    return rc;
}

int bb_recorder_text(bb_recorder *r, int track, int64_t time_us, int64_t duration_us, const char *text, size_t len)
{
    if (!r || time_us < 0)
        return BB_E_ARG;
    /* A cue is written when its line is finished, at its start: the segment is the one of now. */
    int64_t now = time_us + duration_us;
    int rc = before_block(r, now);
    if (!rc)
        rc = bb_webm_text(r->w, track, time_us, duration_us, text, len);
    if (!rc)
        r->open = 1;
    return rc;
}

int bb_recorder_seal_due(const bb_recorder *r, int64_t time_us)
{
    if (!r || r->closed || time_us - r->last_seal_us < BB_REC_SEAL_US)
        return 0;
    uint32_t segments, sealed;
    bb_rec_manifest_counts(r->m, &segments, &sealed);
    return segments > sealed || r->open;
}

int bb_recorder_digest(bb_recorder *r, int64_t time_us, uint8_t out[32])
{
    if (!r || !out)
        return BB_E_ARG;
    if (r->closed)
        return BB_E_STATE;
    int rc = cut(r, time_us);
    if (!rc)
        rc = bb_rec_manifest_digest(r->m, out);
    if (!rc)
        r->last_seal_us = r->seg_start_us;
    return rc;
}

int bb_recorder_seal(bb_recorder *r, const uint8_t *cms, size_t len)
{
    if (!r)
        return BB_E_ARG;
    if (r->closed)
        return BB_E_STATE;
    return bb_rec_manifest_seal(r->m, cms, len);
}

int bb_recorder_finish(bb_recorder *r, int64_t time_us)
{
    if (!r)
        return BB_E_ARG;
    if (r->finished)
        return BB_E_STATE;
    int rc = cut(r, time_us);
    if (!rc)
        r->finished = 1;
    return rc;
}

int bb_recorder_close(bb_recorder *r, const char *manifest, size_t len)
{
    if (!r)
        return BB_E_ARG;
    if (!r->finished || r->closed)
        return BB_E_STATE;
    char *json = NULL;
    int rc = BB_OK;
    if (!manifest)
        rc = bb_rec_manifest_json(r->m, &json, &len);
    else if (!bb_rec_manifest_is_whole(r->m, manifest, len))
        rc = BB_E_AUTH;
    if (!rc)
        rc = bb_webm_attach(r->w, "manifest.json", "application/json", (const uint8_t *)(json ? json : manifest), len);
    free(json);
    if (!rc)
        rc = take(r, 0, 0);
    if (!rc)
        r->closed = 1;
    return rc;
}

void bb_recorder_pending(const bb_recorder *r, const uint8_t **data, size_t *len)
{
    if (data)
        *data = r && r->n ? r->out : NULL;
    if (len)
        *len = r ? r->n : 0;
}

void bb_recorder_drain(bb_recorder *r)
{
    if (r)
        r->n = 0;
}

int bb_recorder_manifest(const bb_recorder *r, char **json, size_t *len)
{
    return r ? bb_rec_manifest_json(r->m, json, len) : BB_E_ARG;
}

int bb_recorder_take_manifest(bb_recorder *r, char **segments, size_t *segments_len, char **seals, size_t *seals_len)
{
    return r ? bb_rec_manifest_take(r->m, segments, segments_len, seals, seals_len) : BB_E_ARG;
}
