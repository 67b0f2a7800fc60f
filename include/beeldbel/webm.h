/*
 * beeldbel — recording module: a WebM (Matroska) muxer for a recorded call.
 *
 * The frames go in as they were received and decrypted (VP8 and Opus, never
 * re-encoded), a track per participant and medium, with the real-time text
 * and captions as a WebVTT subtitle track. The file is written as it goes:
 * the header (EBML header, Segment of unknown size, Info, Tracks), then one
 * Cluster per cut. A cut (bb_webm_cut) is where the caller seals the bytes so
 * far; each cluster is handed out whole, so a file cut short by a crash ends
 * after the last whole cluster and still plays.
 *
 * Times are microseconds from the start of the recording, stored to the
 * millisecond. Within a track they never go back (an earlier one is written
 * as the track's last). No I/O: the caller takes the bytes (bb_webm_pending,
 * bb_webm_drain) and writes them where it keeps the recording.
 */
#ifndef BEELDBEL_WEBM_H
#define BEELDBEL_WEBM_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define BB_WEBM_MAX_TRACKS 16
#define BB_WEBM_MAX_NAME 128      /* bytes of a track's name or the title, UTF-8 */
#define BB_WEBM_MAX_FRAME (4u << 20)
#define BB_WEBM_MAX_CLUSTER_US 30000000 /* a cluster is cut at the latest after this */

typedef enum {
    BB_WEBM_VP8 = 1,     /* V_VP8 */
    BB_WEBM_OPUS = 2,    /* A_OPUS, 48 kHz */
    BB_WEBM_WEBVTT = 3,  /* D_WEBVTT/SUBTITLES: a cue per block (WebVTT in WebM) */
} bb_webm_codec;

typedef struct {
    bb_webm_codec codec;
    const char *name;      /* shown by players: "Jan de Vries (wijkagent), beeld" */
    const char *language;  /* ISO 639-2, "dut"; NULL: "und" */
    int width, height;     /* VP8: the size the track starts at (frames carry their own) */
    int channels;          /* Opus: 1 or 2 */
} bb_webm_track;

typedef struct bb_webm bb_webm;

/* A new recording. title: the Info title (UTF-8); start_unix_ms: when it
 * starts (Info DateUTC). */
int bb_webm_new(bb_webm **out, const char *title, int64_t start_unix_ms);
void bb_webm_free(bb_webm *w);

/* Adds a track before the first frame; returns its number (1..) or an error
 * (BB_E_STATE after the first frame, BB_E_TOO_LARGE past BB_WEBM_MAX_TRACKS,
 * BB_E_ARG for a bad name, language or size). */
int bb_webm_add_track(bb_webm *w, const bb_webm_track *t);

/* One encoded frame of a VP8 or Opus track at time_us; key: a VP8 keyframe
 * (Opus frames are all key). */
int bb_webm_frame(bb_webm *w, int track, int64_t time_us, const uint8_t *data, size_t len, int key);

/* One cue of a WebVTT track: its text (UTF-8, no NUL), shown from time_us
 * for duration_us. */
int bb_webm_text(bb_webm *w, int track, int64_t time_us, int64_t duration_us, const char *text, size_t len);

/* Ends the cluster being written: its bytes become pending. A cut with
 * nothing written since the last one does nothing. */
int bb_webm_cut(bb_webm *w);

/* Ends the recording with a file attached after the last cluster (the
 * manifest, say): name (plain UTF-8), its media type, its bytes. The cluster
 * being written is cut first; nothing can be added after. Readers that scan
 * the file find it; those that look attachments up in a SeekHead (ffmpeg)
 * do not: the header is written before the attachment's place is known. */
int bb_webm_attach(bb_webm *w, const char *name, const char *media_type, const uint8_t *data, size_t len);

/* The bytes ready to write (the header once, then whole clusters), or
 * len 0. They stay until bb_webm_drain. */
void bb_webm_pending(const bb_webm *w, const uint8_t **data, size_t *len);
void bb_webm_drain(bb_webm *w);

/* ---- reading a recording's tracks back (untrusted bytes) ---- */

typedef struct {
    int number;
    bb_webm_codec codec;   /* 0: a codec this module does not write */
    char name[BB_WEBM_MAX_NAME + 1];
} bb_webm_track_info;

/* The tracks declared in the header of a WebM file (its first bytes): up to
 * max of them into out, their number into *count. BB_OK; BB_E_PARSE for
 * anything but a WebM (or Matroska) header with its Tracks. */
int bb_webm_read_tracks(const uint8_t *d, size_t n, bb_webm_track_info *out, int max, int *count);

/* The file attached under name (bb_webm_attach), found by scanning the
 * Segment's elements: *data points into d. BB_OK; BB_E_AGAIN when the file
 * has no such attachment (a recording cut short); BB_E_PARSE for anything
 * but a WebM (or Matroska) file whose elements follow each other whole. */
int bb_webm_read_attachment(const uint8_t *d, size_t n, const char *name, const uint8_t **data, size_t *len);

/* 1 when d..d+n is exactly one whole Attachments element, as bb_webm_attach
 * writes after the last cluster; 0 otherwise (a cluster, an element cut off
 * or followed by more bytes, nothing). */
int bb_webm_is_attachments(const uint8_t *d, size_t n);

#ifdef __cplusplus
}
#endif

#endif
