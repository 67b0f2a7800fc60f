/*
 * What a shared file is, and a photo without its location and camera data
 * (filetype.h). One walk per format serves both: bb_file_strip() copies the
 * pieces the walk that bb_file_sniff() accepted hands it, so what it writes
 * has the same structure and is accepted again.
 */
#include <stdint.h>
#include <string.h>

#include "../core/bytes.h"
#include "beeldbel/error.h"
#include "beeldbel/filetype.h"

#define PDF_EOF_WINDOW 1024
#define PNG_MAX_CHUNK 0x7FFFFFFFu
#define EXIF_SEGMENT 36 /* the minimal Exif APP1 bb_file_strip writes, marker included */

_Static_assert(EXIF_SEGMENT <= BB_FILE_STRIP_EXTRA, "the Exif segment is what stripping may add");

const char *bb_file_reject_name(int r)
{
    static const char *const names[BB_FILE_REJECT_COUNT] = {
        "none", "empty", "too_large", "unknown_type", "trailing", "pdf_header", "pdf_eof",
        "jpeg_marker", "jpeg_truncated", "jpeg_frame", "png_signature", "png_chunk",
        "png_truncated", "png_crc", "png_header", "png_order",
    };
    return r >= 0 && r < BB_FILE_REJECT_COUNT ? names[r] : "unknown";
}

const char *bb_file_mime(int type)
{
    switch (type) {
    case BB_FILE_PDF: return "application/pdf";
    case BB_FILE_JPEG: return "image/jpeg";
    case BB_FILE_PNG: return "image/png";
    default: return NULL;
    }
}

/* ---- output: counts what does not fit, so the caller learns the size needed ---- */

typedef struct sink {
    uint8_t *p;
    size_t cap, n;
} sink;

static void put(sink *s, const uint8_t *b, size_t n)
{
    if (n && s->n <= s->cap && n <= s->cap - s->n)
        memcpy(s->p + s->n, b, n);
    s->n = n > SIZE_MAX - s->n ? SIZE_MAX : s->n + n;
}

/* ---- PDF ---- */

static bb_file_reject pdf_check(const uint8_t *d, size_t len)
{
    int v1 = len >= 8 && memcmp(d, "%PDF-1.", 7) == 0 && d[7] >= '0' && d[7] <= '9';
    int v2 = len >= 8 && memcmp(d, "%PDF-2.0", 8) == 0;
    if (!v1 && !v2)
        return BB_FILE_REJECT_PDF_HEADER;
    size_t from = len > PDF_EOF_WINDOW ? len - PDF_EOF_WINDOW : 0;
    if (from < 8)
        from = 8; /* never the header's own bytes */
    for (size_t i = from; i + 5 <= len; i++)
        if (memcmp(d + i, "%%EOF", 5) == 0)
            return BB_FILE_REJECT_NONE;
    return BB_FILE_REJECT_PDF_EOF;
}

/* ---- JPEG ---- */

/* One step of the walk: a marker segment (for an SOS with the scan's
 * entropy-coded data after it) or a parameterless marker. */
typedef struct jpeg_piece {
    uint8_t marker;
    size_t at;   /* the marker's FF (fill bytes before it are not part of it) */
    size_t body; /* the segment's data, after the length */
    size_t end;  /* the end of the segment, or of the scan's data after an SOS */
} jpeg_piece;

typedef struct jpeg_walk {
    const uint8_t *d;
    size_t len, pos;
    int frames, scans;
} jpeg_walk;

static int is_sof(uint8_t m)
{
    return m >= 0xC0 && m <= 0xCF && m != 0xC4 && m != 0xC8 && m != 0xCC;
}

/* Markers followed by a length: SOFn, DHT, DAC, DQT, SOS, DNL, DRI, DHP,
 * EXP, APPn, COM. Not SOI again, EOI, RSTn, TEM (parameterless), JPG,
 * JPGn and the reserved ones. */
static int has_length(uint8_t m)
{
    return (m >= 0xC0 && m <= 0xCF && m != 0xC8) || (m >= 0xDA && m <= 0xEF) || m == 0xFE;
}

static bb_file_reject jpeg_frame(const uint8_t *b, size_t n)
{
    /* precision, height, width, components, then 3 bytes per component */
    if (n < 6 || b[5] == 0 || n != 6 + 3 * (size_t)b[5] || rd16(b + 1) == 0 || rd16(b + 3) == 0)
        return BB_FILE_REJECT_JPEG_FRAME;
    return BB_FILE_REJECT_NONE;
}

/* The end of a scan's entropy-coded data from at: the first FF that starts a
 * marker (with any fill bytes before it). FF 00 (a stuffed FF) and RST0-7
 * are data. 0 when the file ends first. */
static size_t jpeg_scan_end(const uint8_t *d, size_t len, size_t at)
{
    while (at < len) {
        const uint8_t *ff = memchr(d + at, 0xFF, len - at);
        if (!ff)
            return 0;
        size_t q = (size_t)(ff - d) + 1;
        while (q < len && d[q] == 0xFF)
            q++;
        if (q >= len)
            return 0;
        if (d[q] != 0x00 && !(d[q] >= 0xD0 && d[q] <= 0xD7))
            return (size_t)(ff - d);
        at = q + 1;
    }
    return 0;
}

/* The next piece of the walk: 1 and *pc; 0 at EOI (w->pos then just past
 * it); or minus the reason the file is refused. */
static int jpeg_next(jpeg_walk *w, jpeg_piece *pc)
{
    const uint8_t *d = w->d;
    size_t len = w->len, pos = w->pos;
    if (pos >= len)
        return -BB_FILE_REJECT_JPEG_TRUNCATED;
    if (d[pos] != 0xFF)
        return -BB_FILE_REJECT_JPEG_MARKER;
    while (pos + 1 < len && d[pos + 1] == 0xFF)
        pos++;
    if (pos + 1 >= len)
        return -BB_FILE_REJECT_JPEG_TRUNCATED;
    uint8_t m = d[pos + 1];
    pc->marker = m;
    pc->at = pos;
    pc->body = pc->end = pos + 2;
    if (m == 0xD9) {
        if (!w->scans)
            return -BB_FILE_REJECT_JPEG_MARKER;
        w->pos = pos + 2;
        return 0;
    }
    if ((m >= 0xD0 && m <= 0xD7) || m == 0x01) {
        w->pos = pos + 2;
        return 1;
    }
    if (!has_length(m))
        return -BB_FILE_REJECT_JPEG_MARKER;
    if (len - pos < 4)
        return -BB_FILE_REJECT_JPEG_TRUNCATED;
    size_t seg = rd16(d + pos + 2);
    if (seg < 2)
        return -BB_FILE_REJECT_JPEG_MARKER;
    if (seg > len - pos - 2)
        return -BB_FILE_REJECT_JPEG_TRUNCATED;
    pc->body = pos + 4;
    pc->end = pos + 2 + seg;
    size_t n = seg - 2;
    if (is_sof(m)) {
        if (w->frames++ || jpeg_frame(d + pc->body, n))
            return -BB_FILE_REJECT_JPEG_FRAME;
    } else if (m == 0xDA) {
        if (!w->frames)
            return -BB_FILE_REJECT_JPEG_FRAME;
        /* components (1..4), two bytes each, then Ss, Se, Ah/Al */
        if (n < 1 || d[pc->body] < 1 || d[pc->body] > 4 || n != 4 + 2 * (size_t)d[pc->body])
            return -BB_FILE_REJECT_JPEG_MARKER;
        w->scans++;
        pc->end = jpeg_scan_end(d, len, pc->end);
        if (!pc->end)
            return -BB_FILE_REJECT_JPEG_TRUNCATED;
    }
    w->pos = pc->end;
    return 1;
}

/* Walks a whole JPEG, and what follows its EOI. */
static bb_file_reject jpeg_check(const uint8_t *d, size_t len)
{
    jpeg_walk w = { d, len, 2, 0, 0 };
    jpeg_piece pc;
    int rc;
    while ((rc = jpeg_next(&w, &pc)) > 0)
        ;
    if (rc < 0)
        return (bb_file_reject)-rc;
    if (len - w.pos > BB_FILE_JPEG_TRAILING_ZEROS)
        return BB_FILE_REJECT_TRAILING;
    for (size_t i = w.pos; i < len; i++)
        if (d[i])
            return BB_FILE_REJECT_TRAILING;
    return BB_FILE_REJECT_NONE;
}

size_t bb_file_jpeg_length(const uint8_t *d, size_t len)
{
    if (!d || len < 2 || len > BB_FILE_MAX || d[0] != 0xFF || d[1] != 0xD8)
        return 0;
    jpeg_walk w = { d, len, 2, 0, 0 };
    jpeg_piece pc;
    int rc;
    while ((rc = jpeg_next(&w, &pc)) > 0)
        ;
    return rc < 0 ? 0 : w.pos;
}

static unsigned rd16x(const uint8_t *p, int big)
{
    return big ? rd16(p) : (unsigned)(p[0] | p[1] << 8);
}

static uint32_t rd32x(const uint8_t *p, int big)
{
    return big ? rd32(p) : (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
                               (uint32_t)p[3] << 24;
}

/* The orientation (1..8) an APP1 segment's data (n bytes) holds as Exif
 * tag 0x0112 in IFD0; 0 when it is not Exif or holds no valid one. */
static int exif_orientation(const uint8_t *b, size_t n)
{
    if (n < 6 + 8 || memcmp(b, "Exif\0\0", 6) != 0)
        return 0;
    const uint8_t *t = b + 6; /* the TIFF header; offsets count from here */
    size_t tn = n - 6;
    int big;
    if (memcmp(t, "MM\0*", 4) == 0)
        big = 1;
    else if (memcmp(t, "II*\0", 4) == 0)
        big = 0;
    else
        return 0;
    uint32_t ifd = rd32x(t + 4, big);
    if (ifd < 8 || ifd > tn - 2)
        return 0;
    size_t count = rd16x(t + ifd, big);
    if (count > (tn - ifd - 2) / 12)
        return 0;
    for (size_t i = 0; i < count; i++) {
        const uint8_t *e = t + ifd + 2 + 12 * i; /* tag, type, count, value */
        if (rd16x(e, big) != 0x0112)
            continue;
        if (rd16x(e + 2, big) != 3 || rd32x(e + 4, big) != 1)
            return 0;
        unsigned v = rd16x(e + 8, big); /* a SHORT sits in the value field's first bytes */
        return v >= 1 && v <= 8 ? (int)v : 0;
    }
    return 0;
}

static int has_prefix(const uint8_t *b, size_t n, const char *prefix, size_t plen)
{
    return n >= plen && memcmp(b, prefix, plen) == 0;
}

/* Whether a piece goes into the stripped copy: everything but COM and the
 * application segments, except JFIF, the ICC profile and Adobe's colour
 * transform, which a decoder needs to show the picture right. */
static int jpeg_keep(const uint8_t *d, const jpeg_piece *pc)
{
    const uint8_t *b = d + pc->body;
    size_t n = pc->end - pc->body;
    switch (pc->marker) {
    case 0xE0: return has_prefix(b, n, "JFIF\0", 5);
    case 0xE2: return has_prefix(b, n, "ICC_PROFILE\0", 12);
    case 0xEE: return has_prefix(b, n, "Adobe", 5);
    case 0xFE: return 0;
    default: return pc->marker < 0xE0 || pc->marker > 0xEF;
    }
}

static void put_exif_orientation(sink *s, int orientation)
{
    const uint8_t app1[EXIF_SEGMENT] = {
        0xFF, 0xE1, 0, EXIF_SEGMENT - 2, 'E', 'x', 'i', 'f', 0, 0,
        'M', 'M', 0, 42, 0, 0, 0, 8,            /* big-endian TIFF, IFD0 at 8 */
        0, 1,                                   /* one entry */
        0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, (uint8_t)orientation, 0, 0, /* SHORT x 1 */
        0, 0, 0, 0,                             /* no next IFD */
    };
    put(s, app1, sizeof(app1));
}

static void jpeg_strip(const uint8_t *in, size_t len, sink *s)
{
    jpeg_walk w = { in, len, 2, 0, 0 };
    jpeg_piece pc;
    int orientation = 0;
    while (jpeg_next(&w, &pc) > 0)
        if (!orientation && pc.marker == 0xE1)
            orientation = exif_orientation(in + pc.body, pc.end - pc.body);

    static const uint8_t soi[2] = { 0xFF, 0xD8 }, eoi[2] = { 0xFF, 0xD9 };
    put(s, soi, 2);
    int exif_due = orientation != 0;
    w = (jpeg_walk){ in, len, 2, 0, 0 };
    while (jpeg_next(&w, &pc) > 0) {
        if (!jpeg_keep(in, &pc))
            continue;
        int jfif_first = exif_due && pc.marker == 0xE0;
        if (exif_due && !jfif_first) {
            put_exif_orientation(s, orientation);
            exif_due = 0;
        }
        put(s, in + pc.at, pc.end - pc.at);
        if (jfif_first) {
            put_exif_orientation(s, orientation);
            exif_due = 0;
        }
    }
    put(s, eoi, 2);
}

/* ---- PNG ---- */

static const uint8_t png_signature[8] = { 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A };

static void crc_table(uint32_t t[256])
{
    for (uint32_t n = 0; n < 256; n++) {
        uint32_t c = n;
        for (int k = 0; k < 8; k++)
            c = c & 1 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
        t[n] = c;
    }
}

static uint32_t png_crc(const uint32_t t[256], const uint8_t *p, size_t n)
{
    uint32_t c = 0xFFFFFFFFu;
    for (size_t i = 0; i < n; i++)
        c = t[(c ^ p[i]) & 0xFF] ^ (c >> 8);
    return c ^ 0xFFFFFFFFu;
}

static int is_letter(uint8_t c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

static bb_file_reject png_header(const uint8_t *b, uint32_t n)
{
    if (n != 13)
        return BB_FILE_REJECT_PNG_HEADER;
    uint32_t width = rd32(b), height = rd32(b + 4);
    unsigned depth = b[8], colour = b[9];
    int depth_ok;
    switch (colour) {
    case 0: depth_ok = depth == 1 || depth == 2 || depth == 4 || depth == 8 || depth == 16; break;
    case 3: depth_ok = depth == 1 || depth == 2 || depth == 4 || depth == 8; break;
    case 2: case 4: case 6: depth_ok = depth == 8 || depth == 16; break;
    default: depth_ok = 0;
    }
    if (!width || !height || width > PNG_MAX_CHUNK || height > PNG_MAX_CHUNK || !depth_ok ||
        b[10] != 0 || b[11] != 0 || b[12] > 1)
        return BB_FILE_REJECT_PNG_HEADER;
    return BB_FILE_REJECT_NONE;
}

static bb_file_reject png_check(const uint8_t *d, size_t len)
{
    if (len < 8 || memcmp(d, png_signature, 8) != 0)
        return BB_FILE_REJECT_PNG_SIGNATURE;
    uint32_t table[256];
    crc_table(table);
    size_t pos = 8;
    int chunks = 0, idat = 0;
    for (;;) {
        if (len - pos < 12)
            return BB_FILE_REJECT_PNG_TRUNCATED;
        uint32_t n = rd32(d + pos);
        const uint8_t *type = d + pos + 4, *data = type + 4;
        if (n > PNG_MAX_CHUNK || !is_letter(type[0]) || !is_letter(type[1]) ||
            !is_letter(type[2]) || !is_letter(type[3]))
            return BB_FILE_REJECT_PNG_CHUNK;
        if (n > len - pos - 12)
            return BB_FILE_REJECT_PNG_TRUNCATED;
        if (png_crc(table, type, 4 + (size_t)n) != rd32(data + n))
            return BB_FILE_REJECT_PNG_CRC;
        pos += 12 + (size_t)n;
        int ihdr = memcmp(type, "IHDR", 4) == 0;
        if (ihdr != (chunks++ == 0))
            return BB_FILE_REJECT_PNG_ORDER;
        if (ihdr && png_header(data, n))
            return BB_FILE_REJECT_PNG_HEADER;
        if (memcmp(type, "IDAT", 4) == 0)
            idat = 1;
        if (memcmp(type, "IEND", 4) == 0) {
            if (!idat || n)
                return BB_FILE_REJECT_PNG_ORDER;
            return pos == len ? BB_FILE_REJECT_NONE : BB_FILE_REJECT_TRAILING;
        }
    }
}

static int png_keep(const uint8_t *type)
{
    static const char dropped[][5] = { "tEXt", "zTXt", "iTXt", "eXIf", "tIME" };
    for (size_t i = 0; i < sizeof(dropped) / sizeof(dropped[0]); i++)
        if (memcmp(type, dropped[i], 4) == 0)
            return 0;
    return 1;
}

/* in has passed png_check: every chunk fits and IEND ends it. */
static void png_strip(const uint8_t *in, size_t len, sink *s)
{
    put(s, in, 8);
    for (size_t pos = 8; len - pos >= 12;) {
        size_t size = 12 + (size_t)rd32(in + pos);
        if (size > len - pos)
            break;
        if (png_keep(in + pos + 4))
            put(s, in + pos, size);
        pos += size;
    }
}

/* ---- the API ---- */

static bb_file_type sniff(const uint8_t *d, size_t len, bb_file_reject *why)
{
    if (!d || !len) {
        *why = BB_FILE_REJECT_EMPTY;
        return BB_FILE_NONE;
    }
    if (len > BB_FILE_MAX) {
        *why = BB_FILE_REJECT_TOO_LARGE;
        return BB_FILE_NONE;
    }
    bb_file_type type = BB_FILE_NONE;
    if (len >= 5 && memcmp(d, "%PDF-", 5) == 0) {
        type = BB_FILE_PDF;
        *why = pdf_check(d, len);
    } else if (len >= 2 && d[0] == 0xFF && d[1] == 0xD8) {
        type = BB_FILE_JPEG;
        *why = jpeg_check(d, len);
    } else if (len >= 4 && memcmp(d, png_signature, 4) == 0) {
        type = BB_FILE_PNG;
        *why = png_check(d, len);
    } else {
        *why = BB_FILE_REJECT_UNKNOWN_TYPE;
    }
    return *why == BB_FILE_REJECT_NONE ? type : BB_FILE_NONE;
}

int bb_file_sniff(const uint8_t *data, size_t len, bb_file_reject *why)
{
    bb_file_reject r;
    bb_file_type type = sniff(data, len, &r);
    if (why)
        *why = r;
    return (int)type;
}

int bb_file_strip(bb_file_type type, const uint8_t *in, size_t len, uint8_t *out, size_t cap,
                  size_t *out_len)
{
    int t = (int)type;
    if (!in || (!out && cap) || !out_len || t < BB_FILE_PDF || t > BB_FILE_PNG)
        return BB_E_ARG;
    if (len > BB_FILE_MAX)
        return BB_E_TOO_LARGE;
    uintptr_t a = (uintptr_t)in, b = (uintptr_t)out;
    if (cap && len && a < b + cap && b < a + len)
        return BB_E_ARG;
    if (bb_file_sniff(in, len, NULL) != t)
        return BB_E_PARSE;
    sink s = { out, cap, 0 };
    if (t == BB_FILE_JPEG)
        jpeg_strip(in, len, &s);
    else if (t == BB_FILE_PNG)
        png_strip(in, len, &s);
    else
        put(&s, in, len);
    *out_len = s.n;
    if (s.n > cap)
        return BB_E_BUFFER;
    return s.n > BB_FILE_MAX ? BB_E_TOO_LARGE : BB_OK;
}
