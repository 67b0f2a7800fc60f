/*
 * beeldbel — recording module: the officer's recording of a call.
 *
 * Joins a call's media engine (its tap, media.h) to a recorder (seal.h):
 * every frame the officer's engine sends and plays, of every participant,
 * goes into one WebM as it was coded, a VP8 and an Opus track per
 * participant, and the finished lines of text and captions into a WebVTT
 * track, each cue with its speaker ("<v Anna de Vries>..."). Tracks are
 * declared when the recording starts, before the first frame: the
 * participants named then (bb_callrec_party) get theirs under their names,
 * and BB_CALLREC_SLOTS in all are kept, so whoever joins later still has
 * tracks ("Deelnemer 3"); their name goes into the text track as a cue.
 * Only those named before the start, and those admitted after it
 * (bb_callrec_admit: the host admits a newcomer once they were told the
 * call is recorded), are recorded; anyone else's frames are left out.
 *
 * Times: now_us and the tap's times are the media engine's clock; the
 * recording's time 0 is bb_callrec_start's now_us. Frames from before it
 * are left out.
 *
 * The host drives the seal (the officer's key and the time-stamping
 * service are its own): when bb_callrec_seal_due, it signs
 * bb_callrec_digest and gives the signature back with bb_callrec_seal;
 * frames go on meanwhile. bb_callrec_stop ends the recording (the tap is
 * off, the last segment cut); after its seal, bb_callrec_close attaches
 * the manifest. The file's bytes come out whole segments at a time
 * (bb_callrec_pending, bb_callrec_drain): write them out as they come. So
 * does the manifest, in parts (bb_callrec_take_manifest, after every seal
 * and at the end): the host keeps it, and gives it back whole to close, so
 * that an hour's recording holds no more of the engine's memory than a
 * minute's.
 */
#ifndef BEELDBEL_CALLREC_H
#define BEELDBEL_CALLREC_H

#include <stddef.h>
#include <stdint.h>

#include "media.h"

#ifdef __cplusplus
extern "C" {
#endif

#define BB_CALLREC_SLOTS (1 + BB_MEDIA_MAX_PEERS)  /* the officer and everyone they hear */
#define BB_CALLREC_CUE_US 5000000                 /* how long a line of text is shown */

typedef struct bb_callrec bb_callrec;

/* A recording of the call whose media engine is m (borrowed: it must
 * outlive the recording), titled title, by the officer officer_id. */
int bb_callrec_new(bb_callrec **out, bb_media *m, const char *title, const char *officer_id,
                   int64_t started_unix_ms);
/* Frees r and takes the tap off; NULL is fine. */
void bb_callrec_free(bb_callrec *r);

/* Names the participant on feed (UTF-8, no control characters, at most
 * BB_WEBM_MAX_NAME bytes): before the start, their tracks are named so;
 * after it, a cue says they joined. BB_E_TOO_LARGE past BB_CALLREC_SLOTS. */
int bb_callrec_party(bb_callrec *r, uint32_t feed, const char *name, size_t len, uint64_t now_us);
/* Records the participant on feed from now on (a newcomer, once told the
 * call is recorded; their picture from their next keyframe, asked for).
 * BB_E_TOO_LARGE past BB_CALLREC_SLOTS. */
int bb_callrec_admit(bb_callrec *r, uint32_t feed);
/* Declares the tracks and puts the tap on: the recording starts at now_us;
 * everyone named by then is admitted. */
int bb_callrec_start(bb_callrec *r, uint64_t now_us);
/* A finished line of text (or caption) by the participant on feed. */
int bb_callrec_text(bb_callrec *r, uint32_t feed, const char *text, size_t len, uint64_t now_us);

/* 1 when a seal is due now and none is on its way. */
int bb_callrec_seal_due(const bb_callrec *r, uint64_t now_us);
/* Cuts the segment being written and gives what to sign (seal.h). */
int bb_callrec_digest(bb_callrec *r, uint64_t now_us, uint8_t out[32]);
/* The officer's timestamped signature over that digest. */
int bb_callrec_seal(bb_callrec *r, const uint8_t *cms, size_t len);
/* The signature could not be made (no timestamp): the next one covers those segments too. */
void bb_callrec_seal_failed(bb_callrec *r);

/* Ends the recording at now_us: the tap is off, the last segment is cut
 * (seal it: bb_callrec_digest, bb_callrec_seal); then bb_callrec_close
 * attaches the manifest: NULL when none of it was taken, else the whole
 * of what was taken, everything after the last seal included (seal.h,
 * bb_recorder_close: checked byte for byte, BB_E_AUTH when it is not). */
int bb_callrec_stop(bb_callrec *r, uint64_t now_us);
int bb_callrec_close(bb_callrec *r, const char *manifest, size_t len);

/* The file's bytes ready to write. */
void bb_callrec_pending(const bb_callrec *r, const uint8_t **data, size_t *len);
void bb_callrec_drain(bb_callrec *r);
/* The manifest added since the last take, in its two parts (seal.h,
 * bb_rec_manifest_take; malloc'd, the caller frees them). */
int bb_callrec_take_manifest(bb_callrec *r, char **segments, size_t *segments_len, char **seals, size_t *seals_len);
/* Frames written and frames left out (a recorder error, a slot too few;
 * not counting those of someone not admitted). */
void bb_callrec_counts(const bb_callrec *r, uint64_t *frames, uint64_t *dropped);

#ifdef __cplusplus
}
#endif

#endif
