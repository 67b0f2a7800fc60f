/*
 * Recording a call (callrec.h) at the default profile: the same two-person
 * call at 640x360, 30 fps, run with and without the officer's recording.
 *   rec.mb_per_min      the recording's size per minute of call
 *   rec.cpu_overhead_pct the officer's extra CPU for recording, as a share
 *                       of the officer's CPU for the call itself (one
 *                       thread runs both engines here; the officer's is
 *                       half of it)
 * Both are lower-is-better, the two exceptions to bench.h's rule: a size
 * and an overhead read more plainly than their inverses.
 */
#include <stdlib.h>

#include "bench.h"

#include "../common/rec_call.h"

#define SECONDS 8

static int no_signature(void *ctx, const uint8_t digest[32], uint8_t *cms, size_t *len)
{
    (void)ctx;
    (void)digest;
    cms[0] = 0x30;   /* a seal's cost is one signature every 30 s: nothing next to the codecs */
    *len = 1;
    return 0;
}

static double run(int record, double *mb_per_min)
{
    /* 1500 kbps: the ceiling the widget and the console give the engine. */
    rec_call_opts o = { .width = 640, .height = 360, .fps = 30, .max_kbps = 1500, .seconds = SECONDS, .record = record,
                        .seal_delay_ms = 200, .sign = no_signature };
    rec_call_result r;
    if (rec_call_run(&o, &r))
        abort();
    if (record && (r.dropped || r.frames < (uint64_t)SECONDS * 100))
        abort();   /* everything went in: both pictures and both voices */
    if (mb_per_min && record)
        *mb_per_min = (double)r.len / 1e6 / ((double)r.recorded_ms / 60000.0);
    double s = r.seconds;
    rec_call_free(&r);
    return s;
}

BENCH(rec)
{
    /* Interleaved, the fastest of each: the machine's noise (other work,
     * frequency steps) hits both alike, and the fastest run has the least. */
    double mb = 0, base = 1e9, with = 1e9;
    for (int i = 0; i < 4; i++) {
        double b = run(0, NULL), w = run(1, &mb);
        base = b < base ? b : base;
        with = w < with ? w : with;
    }
    double pct = (with - base) / (base / 2) * 100;
    bench_report("rec.mb_per_min", mb, "MB/min");
    bench_report("rec.cpu_overhead_pct", pct < 0 ? 0 : pct, "%");
}
