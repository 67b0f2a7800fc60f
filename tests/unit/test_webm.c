/*
 * The recording's WebM muxer (webm.h): a call of two people (VP8 and Opus
 * each, from our own encoders) and its text, cut every 2 s, read back by an
 * EBML walker written here: the header says WebM, every track is declared
 * with its codec, every frame is in a whole cluster at its time, key frames
 * are marked, cues carry their text and duration, and a file cut short after
 * a cluster still reads to its end. Bad calls are refused.
 */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>

#include "../common/bb_test.h"
#include "../common/rec_sample.h"
#include "beeldbel/error.h"
#include "beeldbel/webm.h"

/* ---- an EBML reader for the test ---- */

typedef struct {
    int tracks, codec[BB_WEBM_MAX_TRACKS + 1];
    char doctype[16], title[64];
    int clusters, blocks[BB_WEBM_MAX_TRACKS + 1], keys[BB_WEBM_MAX_TRACKS + 1];
    int64_t last_ms[BB_WEBM_MAX_TRACKS + 1], cluster_ms;
    int out_of_order, bad;
    char cue[160];
    int64_t cue_ms, cue_dur;
    int opus_head;
} walk;

static int vint(const uint8_t *p, size_t n, size_t *len, uint64_t *v, int keep_marker)
{
    if (!n || !p[0])
        return -1;
    int l = 1;
    while (!(p[0] & (0x80 >> (l - 1))))
        l++;
    if ((size_t)l > n)
        return -1;
    uint64_t x = keep_marker ? p[0] : (uint64_t)(p[0] & (0xFF >> l));
    for (int i = 1; i < l; i++)
        x = x << 8 | p[i];
    *len = (size_t)l;
    *v = x;
    return 0;
}

static uint64_t be(const uint8_t *p, size_t n)
{
    uint64_t v = 0;
    for (size_t i = 0; i < n; i++)
        v = v << 8 | p[i];
    return v;
}

static void block(walk *wk, const uint8_t *p, size_t n, int simple, const uint8_t *dur, size_t dn)
{
    if (n < 4 || (p[0] & 0x80) == 0) {
        wk->bad++;
        return;
    }
    int t = p[0] & 0x7F;
    if (t < 1 || t > wk->tracks) {
        wk->bad++;
        return;
    }
    int64_t ms = wk->cluster_ms + (int16_t)be(p + 1, 2);
    if (ms < wk->last_ms[t])
        wk->out_of_order++;
    wk->last_ms[t] = ms;
    wk->blocks[t]++;
    if (simple && (p[3] & 0x80))
        wk->keys[t]++;
    if (wk->codec[t] == BB_WEBM_WEBVTT) {
        size_t l = n - 4 < sizeof(wk->cue) - 1 ? n - 4 : sizeof(wk->cue) - 1;
        memcpy(wk->cue, p + 4, l);
        wk->cue[l] = 0;
        wk->cue_ms = ms;
        wk->cue_dur = dur ? (int64_t)be(dur, dn) : -1;
    }
}

/* Walks elements in [p, p+n); returns -1 on a broken structure. */
static int walk_els(walk *wk, const uint8_t *p, size_t n, int depth)
{
    while (n) {
        size_t il, sl;
        uint64_t id, size;
        if (vint(p, n, &il, &id, 1) || vint(p + il, n - il, &sl, &size, 0))
            return -1;
        p += il + sl;
        n -= il + sl;
        if (size == (1ULL << (7 * sl)) - 1) /* unknown: to the end */
            size = n;
        if (size > n)
            return -1;
        const uint8_t *c = p;
        switch (id) {
        case 0x1A45DFA3: case 0x18538067: case 0x1549A966: case 0x1654AE6B: case 0xE0: case 0xE1:
            if (walk_els(wk, c, size, depth + 1))
                return -1;
            break;
        case 0xAE:
            wk->tracks++;
            if (walk_els(wk, c, size, depth + 1))
                return -1;
            break;
        case 0x86:
            wk->codec[wk->tracks] = size == 5 && !memcmp(c, "V_VP8", 5) ? BB_WEBM_VP8
                : size == 6 && !memcmp(c, "A_OPUS", 6) ? BB_WEBM_OPUS
                : size == 18 && !memcmp(c, "D_WEBVTT/SUBTITLES", 18) ? BB_WEBM_WEBVTT : -1;
            break;
        case 0x63A2:
            wk->opus_head += size == 19 && !memcmp(c, "OpusHead", 8) && c[9] == 1;
            break;
        case 0x4282:
            memcpy(wk->doctype, c, size < 15 ? size : 15);
            break;
        case 0x7BA9:
            memcpy(wk->title, c, size < 63 ? size : 63);
            break;
        case 0x1F43B675:
            wk->clusters++;
            if (walk_els(wk, c, size, depth + 1))
                return -1;
            break;
        case 0xE7:
            wk->cluster_ms = (int64_t)be(c, size);
            break;
        case 0xA3:
            block(wk, c, size, 1, NULL, 0);
            break;
        case 0xA0: {
            /* Block and BlockDuration */
            const uint8_t *b = NULL, *d = NULL;
            size_t bn = 0, dn = 0, off = 0;
            while (off < size) {
                size_t a, s;
                uint64_t cid, cs;
                if (vint(c + off, size - off, &a, &cid, 1) || vint(c + off + a, size - off - a, &s, &cs, 0) ||
                    cs > size - off - a - s)
                    return -1;
                if (cid == 0xA1) { b = c + off + a + s; bn = cs; }
                if (cid == 0x9B) { d = c + off + a + s; dn = cs; }
                off += a + s + cs;
            }
            if (b)
                block(wk, b, bn, 0, d, dn);
            break;
        }
        default:
            break;
        }
        p += size;
        n -= size;
    }
    return 0;
}

/* ---- the recorded call (tests/common/rec_sample.c) ---- */

TEST(webm_a_recorded_call_reads_back_track_by_track)
{
    rec_sample f;
    CHECK_OK(rec_sample_make(&f));
    walk wk = { 0 };
    CHECK(!walk_els(&wk, f.data, f.len, 0));
    printf("  %zu bytes, %d clusters; blocks v1 %d (key %d) a1 %d v2 %d a2 %d text %d\n", f.len, wk.clusters,
           wk.blocks[1], wk.keys[1], wk.blocks[2], wk.blocks[3], wk.blocks[4], wk.blocks[5]);
    CHECK(!strcmp(wk.doctype, "webm"));
    CHECK(!strcmp(wk.title, REC_SAMPLE_TITLE));
    CHECK_EQ_INT(wk.tracks, 5);
    CHECK(wk.codec[1] == BB_WEBM_VP8 && wk.codec[2] == BB_WEBM_OPUS && wk.codec[3] == BB_WEBM_VP8 &&
          wk.codec[4] == BB_WEBM_OPUS && wk.codec[5] == BB_WEBM_WEBVTT);
    CHECK_EQ_INT(wk.opus_head, 2);
    CHECK_EQ_INT(wk.clusters, 3); /* cut at 2 s and 4 s, and at the end */
    CHECK_EQ_INT(wk.blocks[2], 250);
    CHECK_EQ_INT(wk.blocks[4], 250);
    CHECK_EQ_INT(wk.keys[2], 250); /* every Opus frame stands alone */
    CHECK(wk.blocks[1] >= 80 && wk.blocks[1] == wk.blocks[3]);
    CHECK(wk.keys[1] >= 1 && wk.keys[1] < wk.blocks[1]);
    CHECK_EQ_INT(wk.out_of_order, 0);
    CHECK_EQ_INT(wk.bad, 0);
    CHECK(!strcmp(wk.cue, "\n\n" REC_SAMPLE_CUE)); /* no identifier, no settings, the text */
    CHECK(wk.cue_ms == 1500 && wk.cue_dur == 1000);
    CHECK(wk.last_ms[2] == 4980 && wk.last_ms[4] == 4983);
    rec_sample_free(&f);
}

TEST(webm_a_file_cut_short_after_a_cluster_still_reads_to_its_end)
{
    rec_sample f;
    CHECK_OK(rec_sample_make(&f));
    walk wk = { 0 };
    CHECK(!walk_els(&wk, f.data, f.cut_at[1], 0)); /* as after a crash at about 4 s */
    CHECK_EQ_INT(wk.clusters, 2);
    CHECK_EQ_INT(wk.blocks[2], 200);
    walk half = { 0 };
    CHECK(walk_els(&half, f.data, f.cut_at[1] - 7, 0) != 0); /* mid-cluster: the reader sees it */
    rec_sample_free(&f);
}

TEST(webm_bad_calls_are_refused_and_times_never_go_back)
{
    bb_webm *w;
    CHECK_EQ_INT(bb_webm_new(&w, "x", 0), BB_E_ARG); /* before 2001 */
    CHECK_EQ_INT(bb_webm_new(&w, "a\xe2\x80\xae" "b", 1796400000000LL), BB_E_ARG); /* a bidi control */
    CHECK_OK(bb_webm_new(&w, NULL, 1796400000000LL));
    uint8_t fr[4] = { 1, 2, 3, 4 };
    CHECK_EQ_INT(bb_webm_frame(w, 1, 0, fr, 4, 1), BB_E_ARG); /* no such track */
    CHECK_EQ_INT(bb_webm_cut(w), BB_OK);
    bb_webm_track v = { .codec = BB_WEBM_VP8, .width = 1, .height = 90 };
    CHECK_EQ_INT(bb_webm_add_track(w, &v), BB_E_ARG);
    v.width = 160;
    v.language = "NL";
    CHECK_EQ_INT(bb_webm_add_track(w, &v), BB_E_ARG);
    v.language = NULL;
    bb_webm_track a = { .codec = BB_WEBM_OPUS, .channels = 3 };
    CHECK_EQ_INT(bb_webm_add_track(w, &a), BB_E_ARG);
    bb_webm_track odd = { .codec = (bb_webm_codec)9 };
    CHECK_EQ_INT(bb_webm_add_track(w, &odd), BB_E_ARG);
    for (int i = 1; i <= BB_WEBM_MAX_TRACKS; i++)
        CHECK_EQ_INT(bb_webm_add_track(w, &v), i);
    CHECK_EQ_INT(bb_webm_add_track(w, &v), BB_E_TOO_LARGE);
    CHECK_EQ_INT(bb_webm_text(w, 1, 0, 10, "x", 1), BB_E_ARG);  /* text on a video track */
    CHECK_EQ_INT(bb_webm_frame(w, 1, -1, fr, 4, 1), BB_E_ARG);
    CHECK_EQ_INT(bb_webm_frame(w, 1, 0, fr, 0, 1), BB_E_ARG);
    CHECK_OK(bb_webm_frame(w, 1, 5000000, fr, 4, 1));
    CHECK_OK(bb_webm_frame(w, 1, 4000000, fr, 4, 0)); /* earlier: written at the track's last time */
    CHECK_OK(bb_webm_frame(w, 2, 40000000, fr, 4, 1)); /* 35 s on: a cluster of its own */
    CHECK_EQ_INT(bb_webm_add_track(w, &v), BB_E_STATE);
    CHECK_OK(bb_webm_cut(w));
    const uint8_t *p;
    size_t n;
    bb_webm_pending(w, &p, &n);
    walk wk = { 0 };
    CHECK(!walk_els(&wk, p, n, 0));
    CHECK_EQ_INT(wk.clusters, 2);
    CHECK(wk.last_ms[1] == 5000 && wk.blocks[1] == 2 && wk.out_of_order == 0);
    CHECK(wk.last_ms[2] == 40000);
    bb_webm_drain(w);
    bb_webm_pending(w, &p, &n);
    CHECK(n == 0 && p == NULL);
    /* A file attached ends it: after that, nothing more. */
    CHECK_EQ_INT(bb_webm_attach(w, "", "application/json", fr, 4), BB_E_ARG);
    CHECK_EQ_INT(bb_webm_attach(w, "m.json", "a b", fr, 4), BB_E_ARG);
    CHECK_OK(bb_webm_frame(w, 1, 41000000, fr, 4, 1));
    CHECK_OK(bb_webm_attach(w, "m.json", "application/json", fr, 4));
    CHECK_EQ_INT(bb_webm_frame(w, 1, 42000000, fr, 4, 1), BB_E_STATE);
    CHECK_EQ_INT(bb_webm_attach(w, "m.json", "application/json", fr, 4), BB_E_STATE);
    bb_webm_pending(w, &p, &n);
    walk after = { .tracks = BB_WEBM_MAX_TRACKS };
    CHECK(!walk_els(&after, p, n, 0)); /* the last cluster, then the attachment */
    CHECK(after.clusters == 1 && after.blocks[1] == 1);
    CHECK(n > 8 && memcmp(p + n - 8, fr, 4) == 0); /* the file's bytes, then its 4-byte UID element */
    bb_webm_free(w);
}

/* The whole file so far: every pending byte, appended to *d. */
static void drain_into(bb_webm *w, uint8_t **d, size_t *n)
{
    const uint8_t *p;
    size_t k;
    bb_webm_pending(w, &p, &k);
    *d = realloc(*d, *n + k + 1);
    memcpy(*d + *n, p, k);
    *n += k;
    bb_webm_drain(w);
}

TEST(webm_an_attached_file_is_found_by_name_and_a_file_without_one_says_so)
{
    bb_webm *w;
    CHECK_OK(bb_webm_new(&w, "Verhoor", 1796400000000LL));
    bb_webm_track v = { .codec = BB_WEBM_VP8, .width = 160, .height = 96 };
    CHECK_EQ_INT(bb_webm_add_track(w, &v), 1);
    uint8_t fr[300], *d = NULL;
    size_t n = 0;
    for (int i = 0; i < 30; i++) {
        memset(fr, i, sizeof(fr));
        CHECK_OK(bb_webm_frame(w, 1, (int64_t)i * 100000, fr, sizeof(fr), i % 10 == 0));
        if (i % 10 == 9) {
            CHECK_OK(bb_webm_cut(w));
            drain_into(w, &d, &n);
        }
    }
    const uint8_t *a;
    size_t al;
    CHECK_EQ_INT(bb_webm_read_attachment(d, n, "manifest.json", &a, &al), BB_E_AGAIN); /* cut short: none */
    static const char manifest[] = "{\"format\":\"beeldbel-recording-1\"}";
    size_t clusters = n;
    CHECK_OK(bb_webm_attach(w, "manifest.json", "application/json", (const uint8_t *)manifest, strlen(manifest)));
    drain_into(w, &d, &n);
    /* What follows the last cluster is the attachment, whole, and nothing else. */
    CHECK_EQ_INT(bb_webm_is_attachments(d + clusters, n - clusters), 1);
    CHECK_EQ_INT(bb_webm_is_attachments(d + clusters, n - clusters - 1), 0);
    CHECK_EQ_INT(bb_webm_is_attachments(d, n), 0);
    d[n] = 0x1F; /* a byte more after it (drain_into leaves room for one) */
    CHECK_EQ_INT(bb_webm_is_attachments(d + clusters, n - clusters + 1), 0);
    CHECK_EQ_INT(bb_webm_is_attachments(NULL, 0), 0);
    CHECK_OK(bb_webm_read_attachment(d, n, "manifest.json", &a, &al));
    CHECK(al == strlen(manifest) && !memcmp(a, manifest, al) && a > d && a + al <= d + n);
    CHECK_EQ_INT(bb_webm_read_attachment(d, n, "other.json", &a, &al), BB_E_AGAIN);
    CHECK(a == NULL && al == 0);
    /* The attachment cut into, or any element's size past the end: not a file to trust. */
    CHECK_EQ_INT(bb_webm_read_attachment(d, n - 3, "manifest.json", &a, &al), BB_E_PARSE);
    uint8_t junk[64];
    memset(junk, 0x1A, sizeof(junk));
    CHECK_EQ_INT(bb_webm_read_attachment(junk, sizeof(junk), "manifest.json", &a, &al), BB_E_PARSE);
    CHECK_EQ_INT(bb_webm_read_attachment(d, 20, "manifest.json", &a, &al), BB_E_PARSE);
    free(d);
    bb_webm_free(w);
}

TEST(webm_the_tracks_are_read_back_from_the_header_and_nothing_else_passes)
{
    rec_sample f;
    CHECK_OK(rec_sample_make(&f));
    bb_webm_track_info t[8];
    int n = 0;
    CHECK_OK(bb_webm_read_tracks(f.data, f.len, t, 8, &n));
    CHECK_EQ_INT(n, 5);
    CHECK(t[0].number == 1 && t[0].codec == BB_WEBM_VP8 && !strcmp(t[0].name, "Jan de Vries (wijkagent), beeld"));
    CHECK(t[3].number == 4 && t[3].codec == BB_WEBM_OPUS && !strcmp(t[3].name, "Burger, geluid"));
    CHECK(t[4].codec == BB_WEBM_WEBVTT && !strcmp(t[4].name, "Tekst en ondertiteling"));
    CHECK_OK(bb_webm_read_tracks(f.data, f.len, t, 2, &n)); /* room for two: all five counted */
    CHECK_EQ_INT(n, 5);
    CHECK_EQ_INT(bb_webm_read_tracks(f.data, 40, t, 8, &n), BB_E_PARSE); /* cut inside the header */
    uint8_t *other = malloc(f.len);
    CHECK(other != NULL);
    memcpy(other, f.data, f.len);
    uint8_t *doctype = memmem(other, 64, "webm", 4);
    CHECK(doctype != NULL);
    doctype[1] = 'x'; /* a DocType of another kind */
    CHECK_EQ_INT(bb_webm_read_tracks(other, f.len, t, 8, &n), BB_E_PARSE);
    free(other);
    CHECK_EQ_INT(bb_webm_read_tracks((const uint8_t *)"%PDF-1.7", 8, t, 8, &n), BB_E_PARSE);
    rec_sample_free(&f);
}
