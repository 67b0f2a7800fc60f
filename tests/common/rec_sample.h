/*
 * A recorded call for tests (webm.h): two people's video (VP8, 160x96 at
 * about 15 fps) and audio (Opus, 20 ms frames) for 5 s from our own
 * encoders, a line of text from 1.5 s to 2.5 s, cut every 2 s.
 */
#ifndef BB_TEST_REC_SAMPLE_H
#define BB_TEST_REC_SAMPLE_H

#include <stddef.h>
#include <stdint.h>

#define REC_SAMPLE_CUE "Burger: ik zag hem om 21.10 uur bij caf\xc3\xa9 De Brug."
#define REC_SAMPLE_TITLE "Verhoor BB-2026-000123"
/* When the recordings start: ten minutes before the tests' "now" (police_ca.h). */
#define REC_SAMPLE_STARTED_MS 1795999400000LL

typedef struct {
    uint8_t *data;        /* the whole file (malloc'd) */
    size_t len;
    size_t cut_at[8];     /* its length after each cut */
    int cuts;
} rec_sample;

/* BB_OK, or the first error of the muxer or an encoder. */
int rec_sample_make(rec_sample *s);
/* The same, ended with attach (a NUL-terminated text) attached as manifest.json. */
int rec_sample_make_attached(rec_sample *s, const char *attach);
void rec_sample_free(rec_sample *s);

#endif
