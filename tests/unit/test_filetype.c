/*
 * What a shared file is, and a photo without its metadata (filetype.h): a
 * small real JPEG and PNG, built here byte by byte, are recognised by their
 * structure and come out of stripping without their location, camera and
 * text, with the photo's orientation kept and the image data untouched;
 * what is damaged, cut short, followed by other bytes or of another type
 * than it claims is refused, with its reason.
 */
#include <stdlib.h>
#include <string.h>

#include "../common/bb_test.h"
#include "beeldbel/error.h"
#include "beeldbel/filetype.h"

/* ---- building files ---- */

typedef struct buf {
    uint8_t b[4096];
    size_t n;
} buf;

static void add(buf *o, const void *p, size_t n)
{
    if (!n)
        return;
    if (o->n + n > sizeof(o->b))
        abort();
    memcpy(o->b + o->n, p, n);
    o->n += n;
}
static void add8(buf *o, unsigned v)
{
    uint8_t c = (uint8_t)v;
    add(o, &c, 1);
}
static void add16(buf *o, unsigned v, int big)
{
    add8(o, big ? v >> 8 : v);
    add8(o, big ? v : v >> 8);
}
static void add32(buf *o, uint32_t v, int big)
{
    add16(o, big ? v >> 16 : v & 0xFFFF, big);
    add16(o, big ? v & 0xFFFF : v >> 16, big);
}
static void put32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24), p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8), p[3] = (uint8_t)v;
}

/* The first occurrence of needle (k bytes) in h, or NULL. */
static const uint8_t *find(const uint8_t *h, size_t n, const void *needle, size_t k)
{
    for (size_t i = 0; k <= n && i <= n - k; i++)
        if (memcmp(h + i, needle, k) == 0)
            return h + i;
    return NULL;
}
static int has(const uint8_t *h, size_t n, const char *s)
{
    return find(h, n, s, strlen(s)) != NULL;
}

/* CRC-32 as the PNG specification writes it out, bit by bit. */
static uint32_t crc(const uint8_t *p, size_t n)
{
    uint32_t c = 0xFFFFFFFFu;
    for (size_t i = 0; i < n; i++) {
        c ^= p[i];
        for (int k = 0; k < 8; k++)
            c = (c >> 1) ^ (0xEDB88320u & (0u - (c & 1)));
    }
    return ~c;
}

static void png_chunk(buf *o, const char *type, const void *data, size_t n)
{
    add32(o, (uint32_t)n, 1);
    size_t at = o->n;
    add(o, type, 4);
    add(o, data, n);
    add32(o, crc(o->b + at, 4 + n), 1);
}

static const char png_text[] = "GPS\0" "53.2194 N 6.5665 E";
static const char png_camera[] = "Software\0" "Camera app of a Pixel 8";

/* A 2x1 8-bit grey PNG: IHDR, tEXt, tIME, IDAT (zlib, one stored block),
 * iTXt, IEND. */
static void tiny_png(buf *o)
{
    o->n = 0;
    add(o, "\x89PNG\r\n\x1a\n", 8);
    uint8_t ihdr[13] = { 0, 0, 0, 2, 0, 0, 0, 1, 8, 0, 0, 0, 0 };
    png_chunk(o, "IHDR", ihdr, 13);
    png_chunk(o, "tEXt", png_text, sizeof(png_text) - 1);
    uint8_t when[7] = { 0x07, 0xE8, 9, 14, 23, 15, 0 };
    png_chunk(o, "tIME", when, 7);
    /* zlib header, a final stored block of 3 bytes (filter 0, two pixels), Adler-32 */
    const uint8_t raw[3] = { 0, 0x40, 0xC0 };
    uint32_t a = 1, b = 0;
    for (int i = 0; i < 3; i++)
        a = (a + raw[i]) % 65521, b = (b + a) % 65521;
    uint8_t z[2 + 5 + 3 + 4] = { 0x78, 0x01, 0x01, 3, 0, 0xFC, 0xFF, 0, 0x40, 0xC0 };
    put32(z + 10, b << 16 | a);
    png_chunk(o, "IDAT", z, sizeof(z));
    png_chunk(o, "iTXt", png_camera, sizeof(png_camera) - 1);
    png_chunk(o, "IEND", NULL, 0);
}

/* An Exif APP1 in either byte order: IFD0 with Make, Model, Orientation and
 * a pointer to a GPS IFD with latitude. */
static void exif_app1(buf *o, int big, unsigned orientation)
{
    buf t = { .n = 0 }; /* the TIFF data; offsets count from its start */
    add(&t, big ? "MM\0*" : "II*\0", 4);
    add32(&t, 8, big);
    const uint32_t ifd0 = 8, n0 = 4, gps = ifd0 + 2 + 12 * n0 + 4, ngps = 2;
    const uint32_t extra = gps + 2 + 12 * ngps + 4; /* Make, Model, latitude after the IFDs */
    add16(&t, n0, big);
    add16(&t, 0x010F, big), add16(&t, 2, big), add32(&t, 6, big), add32(&t, extra, big);
    add16(&t, 0x0110, big), add16(&t, 2, big), add32(&t, 8, big), add32(&t, extra + 6, big);
    add16(&t, 0x0112, big), add16(&t, 3, big), add32(&t, 1, big), add16(&t, orientation, big),
        add16(&t, 0, big);
    add16(&t, 0x8825, big), add16(&t, 4, big), add32(&t, 1, big), add32(&t, gps, big);
    add32(&t, 0, big);
    add16(&t, ngps, big);
    add16(&t, 0x0001, big), add16(&t, 2, big), add32(&t, 2, big), add(&t, "N\0\0\0", 4);
    add16(&t, 0x0002, big), add16(&t, 5, big), add32(&t, 3, big), add32(&t, extra + 14, big);
    add32(&t, 0, big);
    add(&t, "Canon\0", 6);
    add(&t, "EOS 5D\0\0", 8);
    const uint32_t lat[6] = { 53, 1, 13, 1, 1000, 100 };
    for (int i = 0; i < 6; i++)
        add32(&t, lat[i], big);
    add8(o, 0xFF), add8(o, 0xE1), add16(o, (unsigned)(2 + 6 + t.n), 1);
    add(o, "Exif\0\0", 6);
    add(o, t.b, t.n);
}

static void segment(buf *o, unsigned marker, const void *data, size_t n)
{
    add8(o, 0xFF), add8(o, marker), add16(o, (unsigned)(n + 2), 1);
    add(o, data, n);
}

static const char xmp[] = "http://ns.adobe.com/xap/1.0/\0<x:xmpmeta><exif:GPSLatitude>53,13.0N"
                          "</exif:GPSLatitude><tiff:Make>Canon</tiff:Make></x:xmpmeta>";
static const char iptc[] = "Photoshop 3.0\0"
                           "8BIM\x04\x04\0\0\0\0\0\x0c\x1c\x02\x5a\0\x08Groningen";
static const char comment[] = "Canon EOS 5D, Paterswoldseweg";

/* The scan of the 16x8 grey baseline JPEG below, per 8x8 block: DC +63 and
 * one AC coefficient of +255, which puts an FF (stuffed: FF 00) in the data;
 * a restart marker between the two blocks. */
static const uint8_t jpeg_scan[] = { 0x7E, 0xFF, 0x00, 0xBF, 0xFF, 0xD0, 0x7E, 0xFF, 0x00, 0xBF };

static void jpeg_tables_and_frame(buf *o, unsigned sof)
{
    uint8_t dqt[65] = { 0 };
    memset(dqt + 1, 1, 64);
    segment(o, 0xDB, dqt, sizeof(dqt));
    const uint8_t frame[] = { 8, 0, 8, 0, 16, 1, 1, 0x11, 0 }; /* 8 bits, 8 high, 16 wide, grey */
    segment(o, sof, frame, sizeof(frame));
    const uint8_t dri[] = { 0, 1 };
    segment(o, 0xDD, dri, sizeof(dri));
    uint8_t dc[1 + 16 + 1] = { 0x00, 1 }; /* one code '0': DC category 6 */
    dc[17] = 0x06;
    segment(o, 0xC4, dc, sizeof(dc));
    uint8_t ac[1 + 16 + 2] = { 0x10, 1, 1 }; /* '0': run 0 size 8; '10': end of block */
    ac[17] = 0x08, ac[18] = 0x00;
    segment(o, 0xC4, ac, sizeof(ac));
}

static const uint8_t sos[] = { 1, 1, 0x00, 0, 63, 0 };

/* A 16x8 grey baseline JPEG: JFIF, Exif (with GPS, camera and orientation),
 * XMP, IPTC, a comment, the tables, one scan with a restart, EOI. */
static void tiny_jpeg(buf *o, int big_endian_exif, unsigned orientation)
{
    o->n = 0;
    add8(o, 0xFF), add8(o, 0xD8);
    segment(o, 0xE0, "JFIF\0\x01\x01\0\0\x01\0\x01\0\0", 14);
    exif_app1(o, big_endian_exif, orientation);
    segment(o, 0xE1, xmp, sizeof(xmp) - 1);
    segment(o, 0xED, iptc, sizeof(iptc) - 1);
    segment(o, 0xFE, comment, sizeof(comment) - 1);
    jpeg_tables_and_frame(o, 0xC0);
    segment(o, 0xDA, sos, sizeof(sos));
    add(o, jpeg_scan, sizeof(jpeg_scan));
    add8(o, 0xFF), add8(o, 0xD9);
}

static int strip(int type, const buf *in, buf *out)
{
    out->n = 0;
    return bb_file_strip((bb_file_type)type, in->b, in->n, out->b, sizeof(out->b), &out->n);
}

static int sniff_why(const uint8_t *p, size_t n)
{
    bb_file_reject why = BB_FILE_REJECT_NONE;
    int type = bb_file_sniff(p, n, &why);
    return type == BB_FILE_NONE ? -(int)why : type;
}

/* The orientation a minimal big-endian Exif (as bb_file_strip writes it)
 * holds, or 0. */
static int written_orientation(const buf *o)
{
    static const char head[] = "Exif\0\0MM\0*\0\0\0\x08\0\x01\x01\x12\0\x03\0\0\0\x01";
    const uint8_t *e = find(o->b, o->n, head, sizeof(head) - 1);
    return e && e[25] <= 8 && e[24] == 0 ? e[25] : 0;
}

/* ---- PNG ---- */

TEST(filetype_png_built_here_sniffs_as_png)
{
    buf p;
    tiny_png(&p);
    bb_file_reject why = BB_FILE_REJECT_COUNT;
    CHECK_EQ_INT(bb_file_sniff(p.b, p.n, &why), BB_FILE_PNG);
    CHECK_EQ_INT(why, BB_FILE_REJECT_NONE);
    CHECK_EQ_INT(bb_file_sniff(p.b, p.n, NULL), BB_FILE_PNG);
}

TEST(filetype_png_strip_drops_text_and_time_and_keeps_the_image)
{
    buf p, s, again;
    tiny_png(&p);
    CHECK_OK(strip(BB_FILE_PNG, &p, &s));
    CHECK_EQ_INT(sniff_why(s.b, s.n), BB_FILE_PNG);
    CHECK(has(p.b, p.n, "tEXt") && has(p.b, p.n, "GPS") && has(p.b, p.n, "Pixel"));
    CHECK(!has(s.b, s.n, "tEXt") && !has(s.b, s.n, "tIME") && !has(s.b, s.n, "iTXt"));
    CHECK(!has(s.b, s.n, "GPS") && !has(s.b, s.n, "Pixel"));
    /* exactly the signature, IHDR, IDAT and IEND, byte for byte */
    const uint8_t *idat = find(p.b, p.n, "IDAT", 4) - 4;
    size_t idat_len = 12 + 14;
    CHECK_EQ_INT(s.n, 8 + 25 + idat_len + 12);
    CHECK(memcmp(s.b, p.b, 8 + 25) == 0);
    CHECK(memcmp(s.b + 33, idat, idat_len) == 0);
    CHECK(memcmp(s.b + s.n - 12, p.b + p.n - 12, 12) == 0);
    CHECK_OK(strip(BB_FILE_PNG, &s, &again));
    CHECK(again.n == s.n && memcmp(again.b, s.b, s.n) == 0);
}

TEST(filetype_png_with_a_wrong_crc_is_refused)
{
    buf p;
    tiny_png(&p);
    p.b[8 + 8 + 13] ^= 1; /* IHDR's CRC */
    CHECK_EQ_INT(sniff_why(p.b, p.n), -BB_FILE_REJECT_PNG_CRC);
    tiny_png(&p);
    uint8_t *pixels = (uint8_t *)find(p.b, p.n, "\x00\x40\xC0", 3);
    CHECK(pixels);
    pixels[1] ^= 0x10; /* data inside IDAT */
    CHECK_EQ_INT(sniff_why(p.b, p.n), -BB_FILE_REJECT_PNG_CRC);
    buf s;
    CHECK_EQ_INT(strip(BB_FILE_PNG, &p, &s), BB_E_PARSE);
}

TEST(filetype_png_cut_short_anywhere_is_refused)
{
    buf p;
    tiny_png(&p);
    for (size_t n = 1; n < p.n; n++)
        CHECK_EQ_INT(bb_file_sniff(p.b, n, NULL), BB_FILE_NONE);
    CHECK_EQ_INT(sniff_why(p.b, p.n - 1), -BB_FILE_REJECT_PNG_TRUNCATED);
    CHECK_EQ_INT(sniff_why(p.b, p.n - 12), -BB_FILE_REJECT_PNG_TRUNCATED);
    CHECK_EQ_INT(sniff_why(p.b, 7), -BB_FILE_REJECT_PNG_SIGNATURE);
}

TEST(filetype_png_with_bytes_after_iend_is_refused)
{
    buf p;
    tiny_png(&p);
    add(&p, "<html>", 6);
    CHECK_EQ_INT(sniff_why(p.b, p.n), -BB_FILE_REJECT_TRAILING);
    tiny_png(&p);
    add8(&p, 0);
    CHECK_EQ_INT(sniff_why(p.b, p.n), -BB_FILE_REJECT_TRAILING);
}

TEST(filetype_png_chunks_out_of_order_or_malformed_are_refused)
{
    uint8_t ihdr[13] = { 0, 0, 0, 2, 0, 0, 0, 1, 8, 0, 0, 0, 0 };
    uint8_t z[] = { 0x78, 0x01, 0x01, 3, 0, 0xFC, 0xFF, 0, 0, 0, 0, 3, 0, 1 };
    buf p = { .n = 0 };
    /* no IDAT */
    add(&p, "\x89PNG\r\n\x1a\n", 8);
    png_chunk(&p, "IHDR", ihdr, 13);
    png_chunk(&p, "IEND", NULL, 0);
    CHECK_EQ_INT(sniff_why(p.b, p.n), -BB_FILE_REJECT_PNG_ORDER);
    /* IDAT before IHDR */
    p.n = 8;
    png_chunk(&p, "IDAT", z, sizeof(z));
    png_chunk(&p, "IHDR", ihdr, 13);
    png_chunk(&p, "IEND", NULL, 0);
    CHECK_EQ_INT(sniff_why(p.b, p.n), -BB_FILE_REJECT_PNG_ORDER);
    /* IHDR twice */
    p.n = 8;
    png_chunk(&p, "IHDR", ihdr, 13);
    png_chunk(&p, "IHDR", ihdr, 13);
    png_chunk(&p, "IDAT", z, sizeof(z));
    png_chunk(&p, "IEND", NULL, 0);
    CHECK_EQ_INT(sniff_why(p.b, p.n), -BB_FILE_REJECT_PNG_ORDER);
    /* IEND with data */
    p.n = 8;
    png_chunk(&p, "IHDR", ihdr, 13);
    png_chunk(&p, "IDAT", z, sizeof(z));
    png_chunk(&p, "IEND", "x", 1);
    CHECK_EQ_INT(sniff_why(p.b, p.n), -BB_FILE_REJECT_PNG_ORDER);
    /* a zero width; then a bit depth grey cannot have */
    p.n = 8;
    ihdr[3] = 0;
    png_chunk(&p, "IHDR", ihdr, 13);
    png_chunk(&p, "IDAT", z, sizeof(z));
    png_chunk(&p, "IEND", NULL, 0);
    CHECK_EQ_INT(sniff_why(p.b, p.n), -BB_FILE_REJECT_PNG_HEADER);
    p.n = 8;
    ihdr[3] = 2, ihdr[8] = 3;
    png_chunk(&p, "IHDR", ihdr, 13);
    png_chunk(&p, "IDAT", z, sizeof(z));
    png_chunk(&p, "IEND", NULL, 0);
    CHECK_EQ_INT(sniff_why(p.b, p.n), -BB_FILE_REJECT_PNG_HEADER);
    /* a chunk type that is not four letters; a length over 2^31 - 1 */
    p.n = 8;
    ihdr[8] = 8;
    png_chunk(&p, "IHDR", ihdr, 13);
    png_chunk(&p, "ID4T", z, sizeof(z));
    CHECK_EQ_INT(sniff_why(p.b, p.n), -BB_FILE_REJECT_PNG_CHUNK);
    p.n = 8 + 25;
    add32(&p, 0x80000000u, 1);
    add(&p, "IDAT\0\0\0\0", 8);
    CHECK_EQ_INT(sniff_why(p.b, p.n), -BB_FILE_REJECT_PNG_CHUNK);
    /* a damaged signature (a line-ending conversion) */
    tiny_png(&p);
    p.b[4] = '\n';
    CHECK_EQ_INT(sniff_why(p.b, p.n), -BB_FILE_REJECT_PNG_SIGNATURE);
}

/* ---- JPEG ---- */

TEST(filetype_jpeg_built_here_sniffs_as_jpeg)
{
    buf j;
    for (int big = 0; big < 2; big++) {
        tiny_jpeg(&j, big, 6);
        CHECK_EQ_INT(sniff_why(j.b, j.n), BB_FILE_JPEG);
    }
}

static void check_stripped_jpeg(int big_endian_exif)
{
    buf j, s, again;
    tiny_jpeg(&j, big_endian_exif, 6);
    CHECK(has(j.b, j.n, "Canon") && has(j.b, j.n, "GPS") && has(j.b, j.n, "Groningen"));
    CHECK_OK(strip(BB_FILE_JPEG, &j, &s));
    CHECK_EQ_INT(sniff_why(s.b, s.n), BB_FILE_JPEG);
    CHECK(s.n <= j.n + BB_FILE_STRIP_EXTRA);
    CHECK(!has(s.b, s.n, "Canon") && !has(s.b, s.n, "EOS") && !has(s.b, s.n, "GPS"));
    CHECK(!has(s.b, s.n, "Groningen") && !has(s.b, s.n, "Paterswold"));
    CHECK(!has(s.b, s.n, "Photoshop") && !has(s.b, s.n, "adobe.com"));
    /* no trace of the GPS IFD's latitude (53 / 1 in either byte order) */
    CHECK(!find(s.b, s.n, "\0\0\0\x35\0\0\0\x01", 8) && !find(s.b, s.n, "\x35\0\0\0\x01\0\0\0", 8));
    /* SOI, JFIF, then the minimal Exif with orientation 6, then the tables */
    CHECK(s.b[0] == 0xFF && s.b[1] == 0xD8 && s.b[2] == 0xFF && s.b[3] == 0xE0);
    CHECK(memcmp(s.b + 6, "JFIF", 4) == 0);
    CHECK(s.b[20] == 0xFF && s.b[21] == 0xE1);
    CHECK_EQ_INT(written_orientation(&s), 6);
    CHECK(s.b[20 + 36] == 0xFF && s.b[21 + 36] == 0xDB);
    /* the scan's data is as it was, and the file ends with it and EOI */
    CHECK(memcmp(s.b + s.n - 2 - sizeof(jpeg_scan), jpeg_scan, sizeof(jpeg_scan)) == 0);
    CHECK(s.b[s.n - 2] == 0xFF && s.b[s.n - 1] == 0xD9);
    CHECK_OK(strip(BB_FILE_JPEG, &s, &again));
    CHECK(again.n == s.n && memcmp(again.b, s.b, s.n) == 0);
}

TEST(filetype_jpeg_strip_keeps_only_the_orientation_of_little_endian_exif)
{
    check_stripped_jpeg(0);
}

TEST(filetype_jpeg_strip_keeps_only_the_orientation_of_big_endian_exif)
{
    check_stripped_jpeg(1);
}

TEST(filetype_jpeg_without_a_valid_orientation_gets_no_exif)
{
    buf j, s;
    tiny_jpeg(&j, 0, 9); /* out of range */
    CHECK_OK(strip(BB_FILE_JPEG, &j, &s));
    CHECK(!has(s.b, s.n, "Exif"));
    CHECK_EQ_INT(sniff_why(s.b, s.n), BB_FILE_JPEG);
    /* an IFD0 offset past the segment; an entry count too large for it */
    for (int k = 0; k < 2; k++) {
        tiny_jpeg(&j, 1, 6);
        uint8_t *tiff = (uint8_t *)find(j.b, j.n, "MM\0*", 4);
        CHECK(tiff);
        if (k == 0)
            put32(tiff + 4, 0xFFFFFFF0u);
        else
            tiff[8] = 0x40, tiff[9] = 0;
        CHECK_OK(strip(BB_FILE_JPEG, &j, &s));
        CHECK(!has(s.b, s.n, "Exif"));
    }
}

TEST(filetype_jpeg_cut_short_anywhere_is_refused)
{
    buf j;
    tiny_jpeg(&j, 0, 6);
    for (size_t n = 1; n < j.n; n++)
        CHECK_EQ_INT(bb_file_sniff(j.b, n, NULL), BB_FILE_NONE);
    CHECK_EQ_INT(sniff_why(j.b, j.n - 1), -BB_FILE_REJECT_JPEG_TRUNCATED);
    CHECK_EQ_INT(sniff_why(j.b, j.n - 2), -BB_FILE_REJECT_JPEG_TRUNCATED);
    CHECK_EQ_INT(sniff_why(j.b, 30), -BB_FILE_REJECT_JPEG_TRUNCATED);
}

TEST(filetype_jpeg_with_bytes_after_eoi_is_refused_but_zero_padding_is_dropped)
{
    buf j, s;
    tiny_jpeg(&j, 0, 6);
    size_t n = j.n;
    add(&j, "PK\x03\x04", 4);
    CHECK_EQ_INT(sniff_why(j.b, j.n), -BB_FILE_REJECT_TRAILING);
    j.n = n;
    uint8_t zeros[BB_FILE_JPEG_TRAILING_ZEROS + 1] = { 0 };
    add(&j, zeros, BB_FILE_JPEG_TRAILING_ZEROS);
    CHECK_EQ_INT(sniff_why(j.b, j.n), BB_FILE_JPEG);
    CHECK_OK(strip(BB_FILE_JPEG, &j, &s));
    CHECK(s.b[s.n - 2] == 0xFF && s.b[s.n - 1] == 0xD9);
    add8(&j, 0);
    CHECK_EQ_INT(sniff_why(j.b, j.n), -BB_FILE_REJECT_TRAILING);
    /* a second image after the first */
    j.n = n;
    add(&j, j.b, n);
    CHECK_EQ_INT(sniff_why(j.b, j.n), -BB_FILE_REJECT_TRAILING);
}

/* A phone's motion photo: the video after EOI. The photo alone is the
 * whole JPEG before it; what is no whole JPEG has no such length. */
TEST(filetype_jpeg_length_finds_the_photo_of_a_motion_photo)
{
    buf j;
    tiny_jpeg(&j, 0, 6);
    size_t n = j.n;
    CHECK_EQ_INT(bb_file_jpeg_length(j.b, j.n), n);
    add(&j, "\0\0\0\x18" "ftypmp42", 12);
    CHECK_EQ_INT(sniff_why(j.b, j.n), -BB_FILE_REJECT_TRAILING);
    CHECK_EQ_INT(bb_file_jpeg_length(j.b, j.n), n);
    CHECK_EQ_INT(bb_file_sniff(j.b, bb_file_jpeg_length(j.b, j.n), NULL), BB_FILE_JPEG);
    CHECK_EQ_INT(bb_file_jpeg_length(j.b, n - 1), 0); /* no EOI */
    CHECK_EQ_INT(bb_file_jpeg_length(j.b + 2, n - 2), 0);
    CHECK_EQ_INT(bb_file_jpeg_length(NULL, 10), 0);
}

TEST(filetype_jpeg_without_a_frame_is_refused)
{
    buf j = { .n = 0 };
    add8(&j, 0xFF), add8(&j, 0xD8);
    segment(&j, 0xDA, sos, sizeof(sos));
    add(&j, jpeg_scan, sizeof(jpeg_scan));
    add8(&j, 0xFF), add8(&j, 0xD9);
    CHECK_EQ_INT(sniff_why(j.b, j.n), -BB_FILE_REJECT_JPEG_FRAME);
    /* SOI then EOI: no scan at all */
    const uint8_t empty[] = { 0xFF, 0xD8, 0xFF, 0xD9 };
    CHECK_EQ_INT(sniff_why(empty, sizeof(empty)), -BB_FILE_REJECT_JPEG_MARKER);
    /* two frames; a frame of zero width */
    tiny_jpeg(&j, 0, 6);
    uint8_t *frame = (uint8_t *)find(j.b, j.n, "\xFF\xC0\x00\x0B", 4);
    CHECK(frame);
    frame[7] = frame[8] = 0;
    CHECK_EQ_INT(sniff_why(j.b, j.n), -BB_FILE_REJECT_JPEG_FRAME);
    buf two = { .n = 0 };
    add(&two, j.b, (size_t)(frame - j.b));
    jpeg_tables_and_frame(&two, 0xC0);
    tiny_jpeg(&j, 0, 6);
    add(&two, j.b + (frame - j.b), j.n - (size_t)(frame - j.b));
    CHECK_EQ_INT(sniff_why(two.b, two.n), -BB_FILE_REJECT_JPEG_FRAME);
}

TEST(filetype_jpeg_bad_markers_and_lengths_are_refused)
{
    buf j;
    tiny_jpeg(&j, 0, 6);
    uint8_t *dqt = (uint8_t *)find(j.b, j.n, "\xFF\xDB\x00\x43", 4);
    CHECK(dqt);
    dqt[2] = 0, dqt[3] = 1; /* a length under 2 */
    CHECK_EQ_INT(sniff_why(j.b, j.n), -BB_FILE_REJECT_JPEG_MARKER);
    dqt[2] = 0xFF, dqt[3] = 0xF0; /* past the end */
    CHECK_EQ_INT(sniff_why(j.b, j.n), -BB_FILE_REJECT_JPEG_TRUNCATED);
    dqt[2] = 0, dqt[3] = 0x43;
    const uint8_t bad[] = { 0x00, 0x02, 0xC8, 0xD8, 0xF7 };
    for (size_t i = 0; i < sizeof(bad); i++) {
        dqt[1] = bad[i];
        CHECK_EQ_INT(sniff_why(j.b, j.n), -BB_FILE_REJECT_JPEG_MARKER);
    }
    dqt[1] = 0xDB;
    dqt[0] = 0x00; /* no marker where one must be */
    CHECK_EQ_INT(sniff_why(j.b, j.n), -BB_FILE_REJECT_JPEG_MARKER);
}

/* Fill bytes before markers, restart markers and TEM between segments, and
 * FF FF before an EOI at the end of the scan are all allowed; stripping
 * drops the fill bytes and keeps the rest. */
TEST(filetype_jpeg_fill_bytes_and_parameterless_markers)
{
    buf j = { .n = 0 }, s, again;
    add8(&j, 0xFF), add8(&j, 0xD8);
    add8(&j, 0xFF), add8(&j, 0xFF), add8(&j, 0xFF);
    segment(&j, 0xE0, "JFIF\0\x01\x01\0\0\x01\0\x01\0\0", 14);
    add8(&j, 0xFF), add8(&j, 0x01);
    add8(&j, 0xFF), add8(&j, 0xD3);
    jpeg_tables_and_frame(&j, 0xC0);
    add8(&j, 0xFF);
    segment(&j, 0xDA, sos, sizeof(sos));
    add(&j, jpeg_scan, sizeof(jpeg_scan));
    add8(&j, 0xFF), add8(&j, 0xFF), add8(&j, 0xFF), add8(&j, 0xD9);
    CHECK_EQ_INT(sniff_why(j.b, j.n), BB_FILE_JPEG);
    CHECK_OK(strip(BB_FILE_JPEG, &j, &s));
    CHECK_EQ_INT(s.n, j.n - 6);
    CHECK(find(s.b, s.n, "\xFF\x01\xFF\xD3\xFF\xDB", 6));
    CHECK(memcmp(s.b + s.n - 2 - sizeof(jpeg_scan), jpeg_scan, sizeof(jpeg_scan)) == 0);
    CHECK_OK(strip(BB_FILE_JPEG, &s, &again));
    CHECK(again.n == s.n && memcmp(again.b, s.b, s.n) == 0);
}

/* A progressive JPEG: tables and a comment between scans resume the walk;
 * FF 00 and RSTn inside a scan are its data. */
TEST(filetype_jpeg_progressive_scans_are_walked)
{
    buf j = { .n = 0 }, s;
    add8(&j, 0xFF), add8(&j, 0xD8);
    segment(&j, 0xE0, "JFIF\0\x01\x01\0\0\x01\0\x01\0\0", 14);
    jpeg_tables_and_frame(&j, 0xC2);
    const uint8_t dc_scan[] = { 1, 1, 0x00, 0, 0, 0 };
    segment(&j, 0xDA, dc_scan, sizeof(dc_scan));
    add(&j, "\x12\xFF\x00\x34\xFF\xD0\x56", 7);
    segment(&j, 0xFE, comment, sizeof(comment) - 1);
    uint8_t ac[1 + 16 + 1] = { 0x10, 1 };
    ac[17] = 0x00;
    segment(&j, 0xC4, ac, sizeof(ac));
    const uint8_t ac_scan[] = { 1, 1, 0x00, 1, 63, 0 };
    segment(&j, 0xDA, ac_scan, sizeof(ac_scan));
    add(&j, "\xFF\x00\x00\xFF\xD7", 5);
    add8(&j, 0xFF), add8(&j, 0xD9);
    CHECK_EQ_INT(sniff_why(j.b, j.n), BB_FILE_JPEG);
    CHECK_OK(strip(BB_FILE_JPEG, &j, &s));
    CHECK_EQ_INT(s.n, j.n - 4 - (sizeof(comment) - 1));
    CHECK(!has(s.b, s.n, "Canon"));
    CHECK_EQ_INT(sniff_why(s.b, s.n), BB_FILE_JPEG);
    /* a marker that may not stand in a scan: SOI */
    uint8_t *rst = (uint8_t *)find(j.b, j.n, "\xFF\xD7", 2);
    CHECK(rst);
    rst[1] = 0xD8;
    CHECK_EQ_INT(sniff_why(j.b, j.n), -BB_FILE_REJECT_JPEG_MARKER);
}

/* ---- PDF and what is none of the three ---- */

TEST(filetype_pdf_needs_its_header_and_eof)
{
    static const char ok[] = "%PDF-1.7\n%\xE2\xE3\xCF\xD3\n1 0 obj\n<<>>\nendobj\n"
                             "trailer\n<<>>\n%%EOF\n";
    CHECK_EQ_INT(sniff_why((const uint8_t *)ok, sizeof(ok) - 1), BB_FILE_PDF);
    static const char v2[] = "%PDF-2.0\n%%EOF";
    CHECK_EQ_INT(sniff_why((const uint8_t *)v2, sizeof(v2) - 1), BB_FILE_PDF);
    static const char v3[] = "%PDF-2.1\n%%EOF";
    CHECK_EQ_INT(sniff_why((const uint8_t *)v3, sizeof(v3) - 1), -BB_FILE_REJECT_PDF_HEADER);
    static const char vx[] = "%PDF-1.x\n%%EOF";
    CHECK_EQ_INT(sniff_why((const uint8_t *)vx, sizeof(vx) - 1), -BB_FILE_REJECT_PDF_HEADER);
    static const char no_eof[] = "%PDF-1.4\n1 0 obj\n<<>>\nendobj\n";
    CHECK_EQ_INT(sniff_why((const uint8_t *)no_eof, sizeof(no_eof) - 1), -BB_FILE_REJECT_PDF_EOF);
    static const char header_only[] = "%PDF-1.4%%EOF";
    CHECK_EQ_INT(sniff_why((const uint8_t *)header_only, 8), -BB_FILE_REJECT_PDF_EOF);
    /* %%EOF more than 1024 bytes before the end */
    uint8_t *far = calloc(1, 2048);
    CHECK(far);
    memcpy(far, ok, sizeof(ok) - 1);
    memset(far + sizeof(ok) - 1, ' ', 2048 - (sizeof(ok) - 1));
    int rc = sniff_why(far, 2048);
    size_t tail = sizeof(ok) - 1 + 1024 - 6; /* ends 1024 bytes after "%%EOF" starts: inside */
    int rc_near = sniff_why(far, tail);
    free(far);
    CHECK_EQ_INT(rc, -BB_FILE_REJECT_PDF_EOF);
    CHECK_EQ_INT(rc_near, BB_FILE_PDF);
    /* copied unchanged */
    buf in = { .n = 0 }, out;
    add(&in, ok, sizeof(ok) - 1);
    CHECK_OK(strip(BB_FILE_PDF, &in, &out));
    CHECK(out.n == in.n && memcmp(out.b, in.b, in.n) == 0);
}

TEST(filetype_html_empty_and_too_large_are_refused)
{
    static const char html[] = "<!DOCTYPE html><html><script>alert(1)</script></html>";
    CHECK_EQ_INT(sniff_why((const uint8_t *)html, sizeof(html) - 1), -BB_FILE_REJECT_UNKNOWN_TYPE);
    CHECK_EQ_INT(sniff_why((const uint8_t *)"", 0), -BB_FILE_REJECT_EMPTY);
    CHECK_EQ_INT(sniff_why(NULL, 10), -BB_FILE_REJECT_EMPTY);
    /* the length alone decides: nothing past the real bytes is read */
    buf p;
    tiny_png(&p);
    CHECK_EQ_INT(sniff_why(p.b, (size_t)BB_FILE_MAX + 1), -BB_FILE_REJECT_TOO_LARGE);
    size_t n = 0;
    /* out overlapping in */
    CHECK_EQ_INT(bb_file_strip(BB_FILE_PNG, p.b, p.n, p.b + 1, p.n, &n), BB_E_ARG);
    uint8_t out[16];
    CHECK_EQ_INT(bb_file_strip(BB_FILE_PNG, p.b, (size_t)BB_FILE_MAX + 1, out, sizeof(out), &n),
                 BB_E_TOO_LARGE);
    const uint8_t gif[] = "GIF89a";
    CHECK_EQ_INT(sniff_why(gif, 6), -BB_FILE_REJECT_UNKNOWN_TYPE);
}

TEST(filetype_strip_refuses_another_type_than_claimed)
{
    buf p, j, s;
    tiny_png(&p);
    tiny_jpeg(&j, 0, 6);
    CHECK_EQ_INT(strip(BB_FILE_JPEG, &p, &s), BB_E_PARSE);
    CHECK_EQ_INT(strip(BB_FILE_PDF, &p, &s), BB_E_PARSE);
    CHECK_EQ_INT(strip(BB_FILE_PNG, &j, &s), BB_E_PARSE);
    /* a PNG renamed .jpg still says it is a PNG */
    CHECK_EQ_INT(bb_file_sniff(p.b, p.n, NULL), BB_FILE_PNG);
    CHECK_EQ_INT(strip(BB_FILE_NONE, &p, &s), BB_E_ARG);
    CHECK_EQ_INT(strip(4, &p, &s), BB_E_ARG);
    CHECK_EQ_INT(bb_file_strip(BB_FILE_PNG, NULL, 10, s.b, sizeof(s.b), &s.n), BB_E_ARG);
    CHECK_EQ_INT(bb_file_strip(BB_FILE_PNG, p.b, p.n, s.b, sizeof(s.b), NULL), BB_E_ARG);
}

TEST(filetype_strip_into_too_small_a_buffer_says_what_it_needs)
{
    buf j, s;
    tiny_jpeg(&j, 1, 6);
    CHECK_OK(strip(BB_FILE_JPEG, &j, &s));
    uint8_t small[64];
    size_t need = 0;
    CHECK_EQ_INT(bb_file_strip(BB_FILE_JPEG, j.b, j.n, small, sizeof(small), &need), BB_E_BUFFER);
    CHECK_EQ_INT(need, s.n);
    CHECK_EQ_INT(bb_file_strip(BB_FILE_JPEG, j.b, j.n, NULL, 0, &need), BB_E_BUFFER);
    CHECK_EQ_INT(need, s.n);
    uint8_t *exact = malloc(s.n);
    CHECK(exact);
    int rc = bb_file_strip(BB_FILE_JPEG, j.b, j.n, exact, s.n, &need);
    int same = rc == BB_OK && need == s.n && memcmp(exact, s.b, s.n) == 0;
    free(exact);
    CHECK(same);
}

TEST(filetype_names_and_mime_types)
{
    for (int r = 0; r < BB_FILE_REJECT_COUNT; r++) {
        CHECK(strcmp(bb_file_reject_name(r), "unknown") != 0);
        for (int q = 0; q < r; q++)
            CHECK(strcmp(bb_file_reject_name(r), bb_file_reject_name(q)) != 0);
    }
    CHECK(strcmp(bb_file_reject_name(BB_FILE_REJECT_PNG_CRC), "png_crc") == 0);
    CHECK(strcmp(bb_file_reject_name(BB_FILE_REJECT_COUNT), "unknown") == 0);
    CHECK(strcmp(bb_file_reject_name(-1), "unknown") == 0);
    CHECK(strcmp(bb_file_mime(BB_FILE_PDF), "application/pdf") == 0);
    CHECK(strcmp(bb_file_mime(BB_FILE_JPEG), "image/jpeg") == 0);
    CHECK(strcmp(bb_file_mime(BB_FILE_PNG), "image/png") == 0);
    CHECK(bb_file_mime(BB_FILE_NONE) == NULL && bb_file_mime(4) == NULL);
}
