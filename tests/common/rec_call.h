/*
 * A call recorded by the officer's engine, for tests and benchmarks: two
 * media engines (the officer and a citizen) wired straight to each other,
 * each sending synthetic video and audio and playing the other's, the
 * officer recording it all (callrec.h) with a line of text at 1.5 s and a
 * seal whenever one is due, signed by the caller's sign() after a delay
 * (the time-stamping service's round trip) while the call goes on.
 * The cameras show 30 synthetic pictures in turn, made before the call.
 */
#ifndef BB_TEST_REC_CALL_H
#define BB_TEST_REC_CALL_H

#include <stddef.h>
#include <stdint.h>

#define REC_CALL_OFFICER "Jan de Vries (wijkagent)"
#define REC_CALL_CITIZEN "Anna de Vries (burger)"
#define REC_CALL_LINE "Ik zag hem om 21.10 uur bij de brug."

typedef struct {
    int width, height, fps;    /* both cameras */
    int max_kbps;              /* each sender's ceiling (0: the engine's default) */
    int seconds;               /* of call, recorded from 0.5 s to the end */
    int record;                /* 0: the same call, not recorded (a baseline) */
    int seal_delay_ms;         /* from digest to seal */
    int admit_citizen_ms;      /* 0: the citizen is named before the start; else named and admitted then */
    /* The officer's timestamped signature over digest into cms (BB_CMS_MAX). */
    int (*sign)(void *ctx, const uint8_t digest[32], uint8_t *cms, size_t *len);
    void *ctx;
} rec_call_opts;

typedef struct {
    uint8_t *file;             /* the recording (malloc'd), manifest attached */
    size_t len;
    char *manifest;            /* malloc'd, NUL-terminated */
    uint64_t frames, dropped;  /* written into the recording / left out */
    int seals;
    uint64_t max_pending;      /* the most bytes waiting to be written at once */
    double seconds;            /* the call's CPU time (both engines, and the recording) */
    int64_t recorded_ms;       /* of call recorded */
} rec_call_result;

/* BB_OK, or the first error of an engine, the recording or sign(). */
int rec_call_run(const rec_call_opts *o, rec_call_result *out);
void rec_call_free(rec_call_result *r);

#endif
