/*
 * WebM (Matroska) muxer: EBML written by hand, for the few elements a
 * recording needs (RFC 9559; the WebM subset). See include/beeldbel/webm.h.
 */
#include <stdlib.h>
#include <string.h>

#include "beeldbel/error.h"
#include "beeldbel/webm.h"
#include "../core/utf8.h"

/* Element IDs (RFC 9559), with their marker bits. */
enum {
    ID_EBML = 0x1A45DFA3, ID_EBML_VERSION = 0x4286, ID_EBML_READ_VERSION = 0x42F7,
    ID_EBML_MAX_ID = 0x42F2, ID_EBML_MAX_SIZE = 0x42F3, ID_DOCTYPE = 0x4282,
    ID_DOCTYPE_VERSION = 0x4287, ID_DOCTYPE_READ_VERSION = 0x4285,
    ID_SEGMENT = 0x18538067, ID_INFO = 0x1549A966, ID_TIMESTAMP_SCALE = 0x2AD7B1,
    ID_MUXING_APP = 0x4D80, ID_WRITING_APP = 0x5741, ID_TITLE = 0x7BA9, ID_DATE_UTC = 0x4461,
    ID_TRACKS = 0x1654AE6B, ID_TRACK_ENTRY = 0xAE, ID_TRACK_NUMBER = 0xD7, ID_TRACK_UID = 0x73C5,
    ID_TRACK_TYPE = 0x83, ID_FLAG_LACING = 0x9C, ID_LANGUAGE = 0x22B59C, ID_NAME = 0x536E,
    ID_CODEC_ID = 0x86, ID_CODEC_PRIVATE = 0x63A2, ID_CODEC_DELAY = 0x56AA, ID_SEEK_PRE_ROLL = 0x56BB,
    ID_VIDEO = 0xE0, ID_PIXEL_WIDTH = 0xB0, ID_PIXEL_HEIGHT = 0xBA,
    ID_AUDIO = 0xE1, ID_SAMPLING_FREQUENCY = 0xB5, ID_CHANNELS = 0x9F,
    ID_CLUSTER = 0x1F43B675, ID_TIMESTAMP = 0xE7, ID_SIMPLE_BLOCK = 0xA3,
    ID_BLOCK_GROUP = 0xA0, ID_BLOCK = 0xA1, ID_BLOCK_DURATION = 0x9B,
    ID_ATTACHMENTS = 0x1941A469, ID_ATTACHED_FILE = 0x61A7, ID_FILE_NAME = 0x466E,
    ID_FILE_MEDIA_TYPE = 0x4660, ID_FILE_DATA = 0x465C, ID_FILE_UID = 0x46AE,
};

#define OPUS_PRE_SKIP 312          /* libopus's look-ahead at 48 kHz: 6.5 ms */
#define UNIX_2001_MS 978307200000LL /* Matroska's dates count from 2001-01-01 */

struct buf {
    uint8_t *d;
    size_t n, cap;
    int err;
};

static void put(struct buf *b, const void *p, size_t len)
{
    if (b->err)
        return;
    if (b->n + len > b->cap) {
        size_t cap = b->cap ? b->cap : 4096;
        while (cap < b->n + len)
            cap *= 2;
        uint8_t *d = realloc(b->d, cap);
        if (!d) {
            b->err = BB_E_NOMEM;
            return;
        }
        b->d = d;
        b->cap = cap;
    }
    memcpy(b->d + b->n, p, len);
    b->n += len;
}

static void put_byte(struct buf *b, uint8_t v) { put(b, &v, 1); }

static void put_be(struct buf *b, uint64_t v, int bytes)
{
    for (int i = bytes - 1; i >= 0; i--)
        put_byte(b, (uint8_t)(v >> (8 * i)));
}

static void put_id(struct buf *b, uint32_t id)
{
    put_be(b, id, id > 0xFFFFFF ? 4 : id > 0xFFFF ? 3 : id > 0xFF ? 2 : 1);
}

/* An EBML size in the fewest bytes (all ones is reserved for "unknown"). */
static void put_size(struct buf *b, uint64_t n)
{
    int len = 1;
    while (len < 8 && n >= (1ULL << (7 * len)) - 1)
        len++;
    put_be(b, n | (1ULL << (7 * len)), len);
}

static void el_bytes(struct buf *b, uint32_t id, const void *p, size_t len)
{
    put_id(b, id);
    put_size(b, len);
    put(b, p, len);
}

static void el_uint(struct buf *b, uint32_t id, uint64_t v)
{
    int len = 1;
    while (len < 8 && v >> (8 * len))
        len++;
    put_id(b, id);
    put_size(b, (uint64_t)len);
    put_be(b, v, len);
}

static void el_str(struct buf *b, uint32_t id, const char *s) { el_bytes(b, id, s, strlen(s)); }

static void el_float(struct buf *b, uint32_t id, double v)
{
    uint64_t u;
    memcpy(&u, &v, sizeof(u));
    put_id(b, id);
    put_size(b, 8);
    put_be(b, u, 8);
}

/* A master element around what child holds. */
static void el_master(struct buf *b, uint32_t id, const struct buf *child)
{
    if (child->err) {
        b->err = child->err;
        return;
    }
    el_bytes(b, id, child->d, child->n);
}

struct track {
    bb_webm_track t;
    char name[BB_WEBM_MAX_NAME + 1], lang[4];
    int64_t last_ms;
};

struct bb_webm {
    char title[BB_WEBM_MAX_NAME + 1];
    int64_t start_unix_ms;
    struct track tracks[BB_WEBM_MAX_TRACKS];
    int n_tracks;
    int started;          /* the header is out: no more tracks */
    struct buf out;       /* pending bytes */
    struct buf cl;        /* the cluster being written (its blocks) */
    int64_t cl_ms;        /* its timestamp */
    int cl_open;
    int closed;           /* a file is attached: the recording is over */
};

int bb_webm_new(bb_webm **out, const char *title, int64_t start_unix_ms)
{
    if (!out)
        return BB_E_ARG;
    *out = NULL;
    size_t tl = title ? strlen(title) : 0;
    if (tl > BB_WEBM_MAX_NAME || (tl && !bb_utf8_plain_name((const unsigned char *)title, tl)) ||
        start_unix_ms < UNIX_2001_MS)
        return BB_E_ARG;
    bb_webm *w = calloc(1, sizeof(*w));
    if (!w)
        return BB_E_NOMEM;
    memcpy(w->title, title ? title : "", tl);
    w->start_unix_ms = start_unix_ms;
    *out = w;
    return BB_OK;
}

void bb_webm_free(bb_webm *w)
{
    if (!w)
        return;
    free(w->out.d);
    free(w->cl.d);
    free(w);
}

static int lang_ok(const char *l)
{
    if (!l)
        return 1;
    if (strlen(l) != 3)
        return 0;
    for (int i = 0; i < 3; i++)
        if (l[i] < 'a' || l[i] > 'z')
            return 0;
    return 1;
}

int bb_webm_add_track(bb_webm *w, const bb_webm_track *t)
{
    if (!w || !t)
        return BB_E_ARG;
    if (w->started)
        return BB_E_STATE;
    if (w->n_tracks == BB_WEBM_MAX_TRACKS)
        return BB_E_TOO_LARGE;
    size_t nl = t->name ? strlen(t->name) : 0;
    if (nl > BB_WEBM_MAX_NAME || (nl && !bb_utf8_plain_name((const unsigned char *)t->name, nl)) || !lang_ok(t->language))
        return BB_E_ARG;
    if (t->codec == BB_WEBM_VP8) {
        if (t->width < 2 || t->height < 2 || t->width > 16384 || t->height > 16384)
            return BB_E_ARG;
    } else if (t->codec == BB_WEBM_OPUS) {
        if (t->channels != 1 && t->channels != 2)
            return BB_E_ARG;
    } else if (t->codec != BB_WEBM_WEBVTT) {
        return BB_E_ARG;
    }
    struct track *k = &w->tracks[w->n_tracks++];
    k->t = *t;
    memcpy(k->name, t->name ? t->name : "", nl);
    memcpy(k->lang, t->language ? t->language : "und", 3);
    k->t.name = k->name;
    k->t.language = k->lang;
    k->last_ms = 0;
    return w->n_tracks;
}

static void opus_head(struct buf *b, int channels)
{
    put(b, "OpusHead", 8);
    put_byte(b, 1);
    put_byte(b, (uint8_t)channels);
    put_byte(b, OPUS_PRE_SKIP & 0xFF);
    put_byte(b, OPUS_PRE_SKIP >> 8);
    static const uint8_t rate[4] = { 0x80, 0xBB, 0, 0 }; /* 48000, little endian */
    put(b, rate, 4);
    put_byte(b, 0);
    put_byte(b, 0); /* output gain */
    put_byte(b, 0); /* mapping family 0: mono or stereo */
}

/* Matroska's CodecID and TrackType of each bb_webm_codec. */
static const char *const codec_ids[] = { "", "V_VP8", "A_OPUS", "D_WEBVTT/SUBTITLES" };
static const uint8_t track_types[] = { 0, 1, 2, 0x11 };

static void track_entry(struct buf *b, int number, const struct track *k)
{
    struct buf e = { 0 }, sub = { 0 };
    el_uint(&e, ID_TRACK_NUMBER, (uint64_t)number);
    el_uint(&e, ID_TRACK_UID, (uint64_t)number);
    el_uint(&e, ID_TRACK_TYPE, track_types[k->t.codec]);
    el_uint(&e, ID_FLAG_LACING, 0);
    el_str(&e, ID_LANGUAGE, k->lang);
    if (k->name[0])
        el_str(&e, ID_NAME, k->name);
    el_str(&e, ID_CODEC_ID, codec_ids[k->t.codec]);
    if (k->t.codec == BB_WEBM_VP8) {
        el_uint(&sub, ID_PIXEL_WIDTH, (uint64_t)k->t.width);
        el_uint(&sub, ID_PIXEL_HEIGHT, (uint64_t)k->t.height);
        el_master(&e, ID_VIDEO, &sub);
    } else if (k->t.codec == BB_WEBM_OPUS) {
        struct buf head = { 0 };
        opus_head(&head, k->t.channels);
        el_master(&e, ID_CODEC_PRIVATE, &head);
        free(head.d);
        el_uint(&e, ID_CODEC_DELAY, OPUS_PRE_SKIP * 1000000000ULL / 48000);
        el_uint(&e, ID_SEEK_PRE_ROLL, 80000000);
        el_float(&sub, ID_SAMPLING_FREQUENCY, 48000.0);
        el_uint(&sub, ID_CHANNELS, (uint64_t)k->t.channels);
        el_master(&e, ID_AUDIO, &sub);
    }
    el_master(b, ID_TRACK_ENTRY, &e);
    free(e.d);
    free(sub.d);
}

/* The header, once: no tracks can be added after it. */
static int start(bb_webm *w)
{
    if (w->started)
        return BB_OK;
    if (!w->n_tracks)
        return BB_E_STATE;
    struct buf *b = &w->out, e = { 0 }, info = { 0 }, tracks = { 0 };
    el_uint(&e, ID_EBML_VERSION, 1);
    el_uint(&e, ID_EBML_READ_VERSION, 1);
    el_uint(&e, ID_EBML_MAX_ID, 4);
    el_uint(&e, ID_EBML_MAX_SIZE, 8);
    el_str(&e, ID_DOCTYPE, "webm");
    el_uint(&e, ID_DOCTYPE_VERSION, 4);
    el_uint(&e, ID_DOCTYPE_READ_VERSION, 2);
    el_master(b, ID_EBML, &e);
    /* The Segment's size is not known while recording: all ones. */
    put_id(b, ID_SEGMENT);
    put_be(b, 0x01FFFFFFFFFFFFFFULL, 8);
    el_uint(&info, ID_TIMESTAMP_SCALE, 1000000);
    el_str(&info, ID_MUXING_APP, "beeldbel");
    el_str(&info, ID_WRITING_APP, "beeldbel");
    if (w->title[0])
        el_str(&info, ID_TITLE, w->title);
    put_id(&info, ID_DATE_UTC);
    put_size(&info, 8);
    put_be(&info, (uint64_t)((w->start_unix_ms - UNIX_2001_MS) * 1000000), 8);
    el_master(b, ID_INFO, &info);
    for (int i = 0; i < w->n_tracks; i++)
        track_entry(&tracks, i + 1, &w->tracks[i]);
    el_master(b, ID_TRACKS, &tracks);
    int rc = b->err;
    free(e.d);
    free(info.d);
    free(tracks.d);
    if (!rc)
        w->started = 1;
    return rc;
}

int bb_webm_cut(bb_webm *w)
{
    if (!w)
        return BB_E_ARG;
    if (!w->cl_open)
        return BB_OK;
    put_id(&w->out, ID_CLUSTER);
    put_size(&w->out, w->cl.n);
    put(&w->out, w->cl.d, w->cl.n);
    if (w->out.err)
        return w->out.err;
    w->cl.n = 0;
    w->cl_open = 0;
    return BB_OK;
}

/* Where a block at ms goes: the open cluster, or a new one when the time
 * would not fit its 16-bit offset (or it has run long). Returns the offset. */
static int place(bb_webm *w, int64_t ms, int *rel)
{
    if (w->cl_open && (ms - w->cl_ms > 32767 || ms - w->cl_ms >= BB_WEBM_MAX_CLUSTER_US / 1000)) {
        int rc = bb_webm_cut(w);
        if (rc)
            return rc;
    }
    if (!w->cl_open) {
        w->cl.n = 0;
        w->cl.err = 0;
        w->cl_ms = ms;
        el_uint(&w->cl, ID_TIMESTAMP, (uint64_t)ms);
        if (w->cl.err)
            return w->cl.err;
        w->cl_open = 1;
    }
    int64_t r = ms - w->cl_ms;
    *rel = r < -32768 ? -32768 : (int)r; /* a cue that began long before: at the earliest */
    return BB_OK;
}

/* Checks and prepares a block: the track exists and is of the kind, the
 * header is out, and the time is the track's (never before its last). */
static int begin(bb_webm *w, int track, int video_or_audio, int64_t time_us, size_t len, int64_t *ms)
{
    if (!w || track < 1 || track > w->n_tracks || time_us < 0 || !len || len > BB_WEBM_MAX_FRAME)
        return BB_E_ARG;
    if (w->closed)
        return BB_E_STATE;
    struct track *k = &w->tracks[track - 1];
    if ((k->t.codec == BB_WEBM_WEBVTT) == video_or_audio)
        return BB_E_ARG;
    int rc = start(w);
    if (rc)
        return rc;
    *ms = time_us / 1000;
    if (*ms < k->last_ms)
        *ms = k->last_ms;
    k->last_ms = *ms;
    return BB_OK;
}

static void block_head(struct buf *b, int track, int rel, uint8_t flags)
{
    put_byte(b, (uint8_t)(0x80 | track)); /* tracks 1..16: a one-byte number */
    put_be(b, (uint16_t)(int16_t)rel, 2);
    put_byte(b, flags);
}

int bb_webm_frame(bb_webm *w, int track, int64_t time_us, const uint8_t *data, size_t len, int key)
{
    int64_t ms;
    int rel, rc = begin(w, track, 1, time_us, len, &ms);
    if (rc || !data)
        return rc ? rc : BB_E_ARG;
    if ((rc = place(w, ms, &rel)))
        return rc;
    size_t at = w->cl.n;
    struct track *k = &w->tracks[track - 1];
    put_id(&w->cl, ID_SIMPLE_BLOCK);
    put_size(&w->cl, 4 + len);
    block_head(&w->cl, track, rel, (key || k->t.codec == BB_WEBM_OPUS) ? 0x80 : 0);
    put(&w->cl, data, len);
    if (w->cl.err) {
        rc = w->cl.err;
        w->cl.err = 0;
        w->cl.n = at;
    }
    return rc;
}

int bb_webm_text(bb_webm *w, int track, int64_t time_us, int64_t duration_us, const char *text, size_t len)
{
    int64_t ms;
    if (!text || duration_us < 0 || !bb_utf8_valid((const unsigned char *)text, len) || memchr(text, 0, len))
        return BB_E_ARG;
    int rel, rc = begin(w, track, 0, time_us, len, &ms);
    if (rc)
        return rc;
    if ((rc = place(w, ms, &rel)))
        return rc;
    size_t at = w->cl.n;
    struct buf g = { 0 }, blk = { 0 };
    block_head(&blk, track, rel, 0);
    put(&blk, "\n\n", 2); /* WebVTT in WebM: the cue's identifier line, its settings line (both empty), its text */
    put(&blk, text, len);
    el_master(&g, ID_BLOCK, &blk);
    el_uint(&g, ID_BLOCK_DURATION, (uint64_t)(duration_us / 1000));
    el_master(&w->cl, ID_BLOCK_GROUP, &g);
    free(g.d);
    free(blk.d);
    if (w->cl.err) {
        rc = w->cl.err;
        w->cl.err = 0;
        w->cl.n = at;
    }
    return rc;
}

int bb_webm_attach(bb_webm *w, const char *name, const char *media_type, const uint8_t *data, size_t len)
{
    size_t nl = name ? strlen(name) : 0, ml = media_type ? strlen(media_type) : 0;
    if (!w || !nl || nl > BB_WEBM_MAX_NAME || !bb_utf8_plain_name((const unsigned char *)name, nl) || !ml ||
        ml > 64 || strpbrk(media_type, " \"\\") || (!data && len) || len > BB_WEBM_MAX_FRAME * 16)
        return BB_E_ARG;
    if (w->closed)
        return BB_E_STATE;
    int rc = start(w);
    if (!rc)
        rc = bb_webm_cut(w);
    if (rc)
        return rc;
    struct buf f = { 0 }, a = { 0 };
    el_str(&f, ID_FILE_NAME, name);
    el_str(&f, ID_FILE_MEDIA_TYPE, media_type);
    el_bytes(&f, ID_FILE_DATA, data, len);
    el_uint(&f, ID_FILE_UID, 1);
    el_master(&a, ID_ATTACHED_FILE, &f);
    el_master(&w->out, ID_ATTACHMENTS, &a);
    rc = w->out.err;
    free(f.d);
    free(a.d);
    if (!rc)
        w->closed = 1;
    return rc;
}

void bb_webm_pending(const bb_webm *w, const uint8_t **data, size_t *len)
{
    if (data)
        *data = w && w->out.n ? w->out.d : NULL;
    if (len)
        *len = w ? w->out.n : 0;
}

void bb_webm_drain(bb_webm *w)
{
    if (w)
        w->out.n = 0;
}

/* ---- reading the tracks back ---- */

/* An element's ID (with its marker) and size at p; -1 when it does not fit
 * in n. An unknown size (all ones) reads as what is left. */
static int read_el(const uint8_t *p, size_t n, uint32_t *id, uint64_t *size, size_t *head)
{
    if (!n || !p[0] || p[0] < 0x10)
        return -1; /* IDs are 1 to 4 bytes */
    int il = p[0] >= 0x80 ? 1 : p[0] >= 0x40 ? 2 : p[0] >= 0x20 ? 3 : 4;
    if ((size_t)il >= n)
        return -1;
    uint32_t v = 0;
    for (int i = 0; i < il; i++)
        v = v << 8 | p[i];
    const uint8_t *q = p + il;
    if (!q[0])
        return -1;
    int sl = 1;
    while (!(q[0] & (0x80 >> (sl - 1))))
        sl++;
    if ((size_t)(il + sl) > n)
        return -1;
    uint64_t s = q[0] & (0xFF >> sl), ones = (1ULL << (7 * sl)) - 1;
    for (int i = 1; i < sl; i++)
        s = s << 8 | q[i];
    size_t left = n - (size_t)(il + sl);
    if (s == ones)
        s = left;
    if (s > left)
        return -1;
    *id = v;
    *size = s;
    *head = (size_t)(il + sl);
    return 0;
}

/* The elements one after another in [p, end): next_el gives the next one's
 * ID and body: 1, or 0 at the end, or -1 when the next does not fit. */
struct els {
    const uint8_t *p, *end;
};

static int next_el(struct els *e, uint32_t *id, const uint8_t **body, size_t *size)
{
    if (e->p >= e->end)
        return 0;
    uint64_t s;
    size_t head;
    if (read_el(e->p, (size_t)(e->end - e->p), id, &s, &head))
        return -1;
    *body = e->p + head;
    *size = (size_t)s;
    e->p += head + (size_t)s;
    return 1;
}

static void read_entry(const uint8_t *p, size_t n, bb_webm_track_info *t)
{
    memset(t, 0, sizeof(*t));
    struct els e = { p, p + n };
    uint32_t id;
    const uint8_t *v;
    size_t size;
    while (next_el(&e, &id, &v, &size) > 0) {
        if (id == ID_TRACK_NUMBER && size >= 1 && size <= 2)
            t->number = size == 1 ? v[0] : v[0] << 8 | v[1];
        else if (id == ID_NAME && size <= BB_WEBM_MAX_NAME && bb_utf8_plain_name(v, size))
            memcpy(t->name, v, size);
        else if (id == ID_CODEC_ID)
            for (int c = BB_WEBM_VP8; c <= BB_WEBM_WEBVTT; c++)
                if (size == strlen(codec_ids[c]) && !memcmp(v, codec_ids[c], size))
                    t->codec = (bb_webm_codec)c;
    }
}

/* The Segment's elements in a WebM (or Matroska) file, after the EBML
 * header that says so. */
static int segment_of(const uint8_t *d, size_t n, struct els *segment)
{
    struct els file = { d, d + n }, header;
    uint32_t id;
    const uint8_t *b;
    size_t size;
    if (next_el(&file, &id, &b, &size) != 1 || id != ID_EBML)
        return BB_E_PARSE;
    int doctype = 0, r;
    header = (struct els){ b, b + size };
    while ((r = next_el(&header, &id, &b, &size)) > 0)
        if (id == ID_DOCTYPE)
            doctype = (size == 4 && !memcmp(b, "webm", 4)) || (size == 8 && !memcmp(b, "matroska", 8));
    if (r < 0 || !doctype || next_el(&file, &id, &b, &size) != 1 || id != ID_SEGMENT)
        return BB_E_PARSE;
    *segment = (struct els){ b, b + size };
    return BB_OK;
}

int bb_webm_read_tracks(const uint8_t *d, size_t n, bb_webm_track_info *out, int max, int *count)
{
    if ((!d && n) || (!out && max > 0) || max < 0 || !count)
        return BB_E_ARG;
    *count = 0;
    struct els segment, tracks;
    uint32_t id;
    const uint8_t *b;
    size_t size;
    int r;
    if (segment_of(d, n, &segment))
        return BB_E_PARSE;
    /* In the Segment, the Tracks before the first Cluster. */
    while ((r = next_el(&segment, &id, &b, &size)) > 0 && id != ID_CLUSTER) {
        if (id != ID_TRACKS)
            continue;
        tracks = (struct els){ b, b + size };
        while ((r = next_el(&tracks, &id, &b, &size)) > 0)
            if (id == ID_TRACK_ENTRY) {
                if (*count < max)
                    read_entry(b, size, &out[*count]);
                if (*count < BB_WEBM_MAX_TRACKS * 16)
                    (*count)++;
            }
        return r < 0 ? BB_E_PARSE : BB_OK;
    }
    return BB_E_PARSE;
}

/* In an AttachedFile's elements, the data when its name is name. */
static int attached_named(struct els file, const char *name, const uint8_t **data, size_t *len)
{
    size_t nl = strlen(name);
    int named = 0, r;
    const uint8_t *found = NULL, *b;
    size_t found_len = 0, size;
    uint32_t id;
    while ((r = next_el(&file, &id, &b, &size)) > 0) {
        if (id == ID_FILE_NAME)
            named = size == nl && !memcmp(b, name, nl);
        else if (id == ID_FILE_DATA) {
            found = b;
            found_len = size;
        }
    }
    if (r < 0)
        return BB_E_PARSE;
    if (!named || !found)
        return BB_E_AGAIN;
    *data = found;
    *len = found_len;
    return BB_OK;
}

int bb_webm_read_attachment(const uint8_t *d, size_t n, const char *name, const uint8_t **data, size_t *len)
{
    if ((!d && n) || !name || !data || !len)
        return BB_E_ARG;
    *data = NULL;
    *len = 0;
    struct els segment, files;
    uint32_t id;
    const uint8_t *b;
    size_t size;
    int r;
    if (segment_of(d, n, &segment))
        return BB_E_PARSE;
    /* Level 1, element after element (Clusters have their sizes), up to Attachments. */
    while ((r = next_el(&segment, &id, &b, &size)) > 0) {
        if (id != ID_ATTACHMENTS)
            continue;
        files = (struct els){ b, b + size };
        while ((r = next_el(&files, &id, &b, &size)) > 0)
            if (id == ID_ATTACHED_FILE) {
                int rc = attached_named((struct els){ b, b + size }, name, data, len);
                if (rc != BB_E_AGAIN)
                    return rc;
            }
        if (r < 0)
            return BB_E_PARSE;
    }
    return r < 0 ? BB_E_PARSE : BB_E_AGAIN;
}

int bb_webm_is_attachments(const uint8_t *d, size_t n)
{
    if (!d)
        return 0;
    struct els rest = { d, d + n };
    uint32_t id;
    const uint8_t *b;
    size_t size;
    /* One whole Attachments element, and nothing after it. */
    return next_el(&rest, &id, &b, &size) > 0 && id == ID_ATTACHMENTS && b + size == d + n;
}
