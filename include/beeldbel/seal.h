/*
 * beeldbel — recording module: the seal over a recorded interview.
 *
 * The recording (webm.h) is cut in segments, a WebM cluster each (the header
 * is segment 0). A hash chain runs over them:
 *   head_0 = 32 zero bytes
 *   head_k+1 = SHA-256("beeldbel-rec-chain-1" || head_k || k (4 bytes) ||
 *              offset (8) || length (8) || start_ms (8) || end_ms (8) ||
 *              SHA-256(segment k))
 * all big-endian. Every 30 s and at the end the officer's engine signs the
 * head: a CMS SignedData (cms.h, bb_pades_sign) over
 *   SHA-256("beeldbel-rec-seal-1" || head || segments (4) || end_ms (8) ||
 *           started_unix_ms (8))
 * with the officer's certificate and an RFC 3161 timestamp from the police
 * time-stamping service over the signature. The manifest (JSON, below) holds
 * every segment and every seal; it is written beside the recording and goes
 * into it as an attachment. Anyone holding the police root checks it with
 * bb_rec_verify (the tool: beeldbel-verify).
 *
 * The manifest:
 *   { "format": "beeldbel-recording-1", "title": "...", "started": <unix ms>,
 *     "officer": "<officer number>",
 *     "segments": [ { "offset": n, "length": n, "start": ms, "end": ms,
 *                     "sha256": "<hex>" }, ... ],
 *     "seals": [ { "segments": n, "head": "<hex>", "cms": "<base64>" }, ... ] }
 */
#ifndef BEELDBEL_SEAL_H
#define BEELDBEL_SEAL_H

#include <stddef.h>
#include <stdint.h>

#include "identity.h"
#include "webm.h"

#ifdef __cplusplus
extern "C" {
#endif

#define BB_REC_MAX_SEGMENTS 100000    /* 2 s each: over two days */
#define BB_REC_MAX_SEALS 20000
#define BB_REC_MAX_MANIFEST (64u << 20)

typedef struct bb_rec_chain {
    uint8_t head[32];
    uint32_t count;      /* segments chained */
    uint64_t length;     /* bytes chained (the next segment's offset) */
    int64_t end_ms;      /* the last segment's end */
} bb_rec_chain;

void bb_rec_chain_init(bb_rec_chain *c);
/* Adds the next segment (its bytes' SHA-256); it starts where the last ended. */
int bb_rec_chain_add(bb_rec_chain *c, const uint8_t sha256[32], uint64_t length, int64_t start_ms, int64_t end_ms);
/* What the officer signs for the chain as it stands. */
void bb_rec_seal_digest(const bb_rec_chain *c, int64_t started_unix_ms, uint8_t out[32]);

/* ---- the manifest, as the recording goes ---- */

typedef struct bb_rec_manifest bb_rec_manifest;

int bb_rec_manifest_new(bb_rec_manifest **out, const char *title, int64_t started_unix_ms, const char *officer_id);
void bb_rec_manifest_free(bb_rec_manifest *m);
/* The next segment's bytes, from start_ms to end_ms of the recording. */
int bb_rec_manifest_segment(bb_rec_manifest *m, const uint8_t *bytes, size_t len, int64_t start_ms, int64_t end_ms);
/* What to sign now (bb_rec_seal_digest of the chain so far); BB_E_STATE before any segment.
 * The chain is remembered as it stands: segments may follow while the
 * signature and its timestamp are on their way. */
int bb_rec_manifest_digest(bb_rec_manifest *m, uint8_t out[32]);
/* The signature (CMS, timestamped) over the last digest: a seal over the
 * segments chained then. BB_E_STATE without a digest not yet sealed. */
int bb_rec_manifest_seal(bb_rec_manifest *m, const uint8_t *cms, size_t len);
/* The manifest as JSON (malloc'd, NUL-terminated; the caller frees it);
 * BB_E_STATE once parts of it were taken. */
int bb_rec_manifest_json(const bb_rec_manifest *m, char **out, size_t *len);

/*
 * A long recording's manifest need not stay in the engine (an hour's is
 * about 0.4 MB, most of it the seals' signatures): bb_rec_manifest_take
 * hands out, and forgets, what was added since the last take, as two parts
 * (malloc'd, NUL-terminated): the segments' (on the first take, with the
 * manifest's head) and the seals'. The whole manifest is every segments
 * part in order, then every seals part in order, then BB_REC_MANIFEST_END.
 * Only the chain stays; bb_rec_manifest_is_whole tells (1) whether the
 * bytes given are exactly that whole, everything having been taken.
 */
#define BB_REC_MANIFEST_END "]}"
int bb_rec_manifest_take(bb_rec_manifest *m, char **segments, size_t *segments_len, char **seals, size_t *seals_len);
int bb_rec_manifest_is_whole(const bb_rec_manifest *m, const char *json, size_t len);

/* ---- recording: the file and its manifest together ---- */

/*
 * The officer's side of a recording: frames go into the WebM (webm.h), a
 * segment is cut every BB_REC_SEGMENT_US of recording time, and each
 * segment goes into the manifest as it is handed out. A seal is due every
 * BB_REC_SEAL_US and at the end: the caller signs bb_recorder_digest (the
 * officer's key and the time-stamping service are the caller's) and gives
 * the signature back with bb_recorder_seal. bb_recorder_finish cuts the last
 * segment; after the last seal, bb_recorder_close attaches the manifest.
 */
#define BB_REC_SEGMENT_US 2000000
#define BB_REC_SEAL_US 30000000

typedef struct bb_recorder bb_recorder;

int bb_recorder_new(bb_recorder **out, const char *title, int64_t started_unix_ms, const char *officer_id);
void bb_recorder_free(bb_recorder *r);
/* The WebM inside, for its tracks (bb_webm_add_track) before the first frame. */
bb_webm *bb_recorder_webm(bb_recorder *r);
/* A frame or a cue (as bb_webm_frame, bb_webm_text), cutting a segment first when one is due. */
int bb_recorder_frame(bb_recorder *r, int track, int64_t time_us, const uint8_t *data, size_t len, int key);
int bb_recorder_text(bb_recorder *r, int track, int64_t time_us, int64_t duration_us, const char *text, size_t len);
/* 1 when a seal is due at time_us (BB_REC_SEAL_US since the last, with segments since). */
int bb_recorder_seal_due(const bb_recorder *r, int64_t time_us);
/* Cuts the segment being written (it ends at time_us) and gives what to
 * sign for everything so far. */
int bb_recorder_digest(bb_recorder *r, int64_t time_us, uint8_t out[32]);
int bb_recorder_seal(bb_recorder *r, const uint8_t *cms, size_t len);
/* The end: the last segment cut (then seal it); close attaches the manifest. */
int bb_recorder_finish(bb_recorder *r, int64_t time_us);
/* manifest: NULL when none of it was taken (the recorder attaches its own);
 * else the whole of what was taken (bb_rec_manifest_take, everything taken
 * after the last seal), checked byte for byte: BB_E_AUTH when it is not. */
int bb_recorder_close(bb_recorder *r, const char *manifest, size_t len);
/* The file's bytes ready to write (as bb_webm_pending), and the manifest now
 * (whole, or in parts as bb_rec_manifest_take). */
void bb_recorder_pending(const bb_recorder *r, const uint8_t **data, size_t *len);
void bb_recorder_drain(bb_recorder *r);
int bb_recorder_manifest(const bb_recorder *r, char **json, size_t *len);
int bb_recorder_take_manifest(bb_recorder *r, char **segments, size_t *segments_len, char **seals, size_t *seals_len);

/* ---- checking a recording ---- */

typedef enum {
    BB_REC_OK = 0,
    BB_REC_MANIFEST,         /* the manifest is not one (format, a field, a size) */
    BB_REC_SEGMENT_CHANGED,  /* a segment's bytes are not what was chained */
    BB_REC_SEGMENT_MISSING,  /* the file ends before a chained segment does */
    BB_REC_NOT_SEALED,       /* no seal covers any segment */
    BB_REC_SEAL_HEAD,        /* a seal's head is not the chain's at its count */
    BB_REC_SEAL_SIGNATURE,   /* a seal's signature, certificate or timestamp does not verify */
    BB_REC_SEAL_OFFICER,     /* a seal by someone else than the officer the manifest names */
    BB_REC_SEAL_TIME,        /* a seal stamped before the moments it seals, or before the seal before it */
    BB_REC_REASON_COUNT
} bb_rec_reason;

typedef struct bb_rec_report {
    bb_rec_reason reason;        /* BB_REC_OK: everything sealed checks */
    int64_t started_unix_ms;
    char title[129];
    bb_officer_result officer;   /* who sealed it (the certificate's names) */
    uint32_t segments;           /* in the manifest */
    uint32_t sealed;             /* covered by the last good seal */
    int64_t sealed_until_ms;     /* the end of the last sealed segment */
    uint64_t sealed_bytes;       /* the file up to there */
    int64_t first_stamp, last_stamp; /* the seals' timestamps (Unix seconds) */
    int64_t longest_wait_s;      /* the longest from a sealed moment to its seal's timestamp */
    uint32_t seals;
    /* The first thing wrong: the segment (or -1) and its time in the recording. */
    int64_t bad_segment, bad_start_ms, bad_end_ms;
} bb_rec_report;

/* How far the recording officer's clock (the manifest's start) may be ahead
 * of the time-stamping service's (seconds). */
#define BB_REC_CLOCK_SKEW_S 300

/*
 * Checks a recording (untrusted file and manifest) against the police root
 * in trust: every segment's bytes against the chain, every seal's head, its
 * signature (an officer certificate of the root, valid at the timestamp's
 * time), its timestamp, and that one officer, the manifest's, sealed it all.
 * A seal's timestamp comes after the moments it seals (the start plus the
 * last sealed segment's end, less BB_REC_CLOCK_SKEW_S) and not before the
 * seal before it: a recording cannot be sealed before it was made.
 * Segments after the last seal are reported (sealed < segments), not
 * refused: what was sealed before a crash still verifies. BB_OK when it
 * holds (rep->reason BB_REC_OK), BB_E_AUTH with rep->reason and the bad
 * segment when it does not, BB_E_PARSE for a manifest that is not one.
 */
int bb_rec_verify(const uint8_t *file, size_t file_len, const char *manifest, size_t manifest_len,
                  bb_trust *trust, int64_t now_s, bb_rec_report *rep);

#ifdef __cplusplus
}
#endif

#endif
