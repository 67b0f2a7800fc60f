/*
 * beeldbel — what a shared file really is, and a photo without its location
 * and camera data.
 *
 * Files shared in a call (a PDF, a JPEG or a PNG of up to BB_FILE_MAX bytes)
 * come from another participant or from a person's disk: untrusted bytes.
 * bb_file_sniff() decides their type by walking their structure, never by
 * a name or a MIME type someone gave them, and refuses what is not exactly
 * one of the three. It reads only within len, allocates nothing and does not
 * recurse; its time is linear in len.
 *
 *   PDF   "%PDF-1.x" (x a digit) or "%PDF-2.0" at the start and "%%EOF"
 *         within the last 1024 bytes. The PDF itself is not parsed here (the
 *         renderer does that, in its sandbox).
 *   JPEG  SOI (FF D8), then marker segments, each with a big-endian length
 *         >= 2 that fits; exactly one frame header (SOF0-3, 5-7, 9-11, 13-15)
 *         with a non-zero width and height before the first scan (SOS); the
 *         entropy-coded data of each scan (where FF 00 and RST0-7 are data)
 *         up to the next marker, so a progressive JPEG's tables and further
 *         scans are walked too; then EOI (FF D9). Fill bytes (FF FF) before a
 *         marker, and the parameterless RST0-7 and TEM between segments, are
 *         allowed. After EOI at most BB_FILE_JPEG_TRAILING_ZEROS zero bytes
 *         may follow (some writers pad); anything else after it is refused,
 *         so nothing (such as a video or a second image) rides along.
 *   PNG   the 8-byte signature, then chunks (length <= 2^31 - 1, a type of
 *         four ASCII letters, CRC-32 checked): IHDR first (13 bytes, a
 *         non-zero width and height, a valid bit depth and colour type), at
 *         least one IDAT, and IEND (empty) ending exactly at len.
 *
 * bb_file_strip() makes the copy that is shared: a photo without what tells
 * where and with what it was taken. JPEG: only SOI, APP0 "JFIF", APP2
 * "ICC_PROFILE" and APP14 "Adobe" of the application segments are kept, with
 * the tables, frame, scans and EOI; all other APPn (Exif and XMP in APP1,
 * MPF and FlashPix in APP2, IPTC/Photoshop in APP13, JFXX thumbnails in
 * APP0, ...) and COM are dropped, as are fill bytes and zero padding. The
 * Exif orientation (tag 0x0112 in IFD0, either byte order, first Exif
 * segment that has one) is kept as a new, minimal Exif APP1 holding only
 * that tag, right after SOI (after the first kept segment if that is the
 * JFIF APP0), so the photo is not shown on its side. PNG: tEXt, zTXt, iTXt,
 * eXIf and tIME chunks are dropped. PDF: copied unchanged (its document
 * information and XMP are not touched). Stripping is deterministic and
 * stripping a stripped file gives the same bytes.
 */
#ifndef BEELDBEL_FILETYPE_H
#define BEELDBEL_FILETYPE_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define BB_FILE_MAX (20u * 1024 * 1024) /* bytes of one shared file */
#define BB_FILE_STRIP_EXTRA 36          /* bytes bb_file_strip may add: the minimal Exif APP1 */
#define BB_FILE_JPEG_TRAILING_ZEROS 16  /* zero bytes allowed after a JPEG's EOI */

typedef enum bb_file_type {
    BB_FILE_NONE = 0,
    BB_FILE_PDF = 1,
    BB_FILE_JPEG = 2,
    BB_FILE_PNG = 3,
} bb_file_type;

/* Why bytes are none of the types; *why from bb_file_sniff. */
typedef enum bb_file_reject {
    BB_FILE_REJECT_NONE = 0,
    BB_FILE_REJECT_EMPTY,          /* no bytes */
    BB_FILE_REJECT_TOO_LARGE,      /* over BB_FILE_MAX */
    BB_FILE_REJECT_UNKNOWN_TYPE,   /* does not start like a PDF, a JPEG or a PNG */
    BB_FILE_REJECT_TRAILING,       /* bytes after a JPEG's EOI or a PNG's IEND */
    BB_FILE_REJECT_PDF_HEADER,     /* "%PDF-" but not version 1.x or 2.0 */
    BB_FILE_REJECT_PDF_EOF,        /* no "%%EOF" in the last 1024 bytes */
    BB_FILE_REJECT_JPEG_MARKER,    /* a marker not allowed where it is, or a bad segment length */
    BB_FILE_REJECT_JPEG_TRUNCATED, /* ends before a segment, a scan or EOI does */
    BB_FILE_REJECT_JPEG_FRAME,     /* no frame header before the scan, two of them, or a bad one */
    BB_FILE_REJECT_PNG_SIGNATURE,  /* starts like a PNG, but not with its signature */
    BB_FILE_REJECT_PNG_CHUNK,      /* a chunk length over 2^31 - 1 or a type not of 4 letters */
    BB_FILE_REJECT_PNG_TRUNCATED,  /* a chunk runs past the end, or no IEND */
    BB_FILE_REJECT_PNG_CRC,        /* a chunk's CRC-32 does not match */
    BB_FILE_REJECT_PNG_HEADER,     /* IHDR of the wrong length, a zero size, a bad depth */
    BB_FILE_REJECT_PNG_ORDER,      /* IHDR not first or twice, no IDAT, IEND with data */
    BB_FILE_REJECT_COUNT
} bb_file_reject;

/* Machine name of a reject reason ("png_crc", ...); "unknown" out of range. */
const char *bb_file_reject_name(int r);

/*
 * What the bytes are (untrusted, len bytes): BB_FILE_PDF, BB_FILE_JPEG or
 * BB_FILE_PNG with *why BB_FILE_REJECT_NONE, or BB_FILE_NONE with the reason
 * in *why. why may be NULL.
 */
int bb_file_sniff(const uint8_t *data, size_t len, bb_file_reject *why);

/*
 * The copy of in (len bytes of the given type) to share, written to out
 * (cap bytes; len + BB_FILE_STRIP_EXTRA is always enough; out must not
 * overlap in): see above for what is dropped. BB_OK and *out_len (the result
 * sniffs as type again); BB_E_PARSE when bb_file_sniff refuses in or finds
 * another type; BB_E_TOO_LARGE when in (or the copy) is over BB_FILE_MAX;
 * BB_E_BUFFER when cap is too small, with *out_len the size needed (out may
 * be NULL when cap is 0); BB_E_ARG for NULL pointers, a type that is not one
 * of the three, or overlapping buffers.
 */
int bb_file_strip(bb_file_type type, const uint8_t *in, size_t len, uint8_t *out, size_t cap,
                  size_t *out_len);

/*
 * A JPEG with something after its EOI (a phone's "motion photo" carries its
 * video there): the length up to and including EOI when everything before
 * it is a whole JPEG, so the sender can share the photo alone; 0 when the
 * bytes do not start with a whole JPEG.
 */
size_t bb_file_jpeg_length(const uint8_t *data, size_t len);

/* "application/pdf", "image/jpeg" or "image/png"; NULL for anything else. */
const char *bb_file_mime(int type);

#ifdef __cplusplus
}
#endif

#endif /* BEELDBEL_FILETYPE_H */
