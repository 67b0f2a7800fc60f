/*
 * What the manifest writer (seal.c), its reader (verify.c) and the
 * recorder (recorder.c) share.
 * Internal to the recording module.
 */
#ifndef BB_REC_SEAL_INTERNAL_H
#define BB_REC_SEAL_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#define BB_REC_FORMAT "beeldbel-recording-1"
#define BB_REC_MAX_TITLE 128
#define BB_REC_MAX_CMS 16384

struct bb_rec_segment {
    uint64_t offset, length;
    int64_t start_ms, end_ms;
    uint8_t sha256[32];
};

struct bb_rec_seal {
    uint32_t segments;
    uint8_t head[32];
    uint8_t *cms;
    size_t cms_len;
};

struct bb_rec_manifest;

/* Segments in the manifest, and how many of them its last seal covers. */
void bb_rec_manifest_counts(const struct bb_rec_manifest *m, uint32_t *segments, uint32_t *sealed);

/* A title or officer number the manifest can hold as it is: plain UTF-8
 * (no control or bidi characters), no quote or backslash, at most max bytes. */
int bb_rec_name_ok(const char *s, size_t max);

#endif
