/*
 * Benchmarks: BENCH(name) registers a function at start-up; it prints lines
 *   bench <name> <value> <unit>
 * with bench_report(). The same program is built natively (-O2, no
 * sanitizers) and as WASM; tests/bench/run.sh runs both in one go and adds
 * the wasm_over_native ratio lines. Higher must be better for every value
 * (report fps, MB/s, x_realtime, ops/s — not seconds) so ratios read alike.
 */
#ifndef BB_BENCH_H
#define BB_BENCH_H

typedef void (*bb_bench_fn)(void);
void bb_bench_register(const char *name, bb_bench_fn fn);
void bench_report(const char *name, double value, const char *unit);
double bench_now_s(void);

#define BENCH(name)                                                        \
    static void bench_##name(void);                                        \
    __attribute__((constructor)) static void breg_##name(void)             \
    {                                                                      \
        bb_bench_register(#name, bench_##name);                            \
    }                                                                      \
    static void bench_##name(void)

/* Prints what one participant sends at the default profile (bench_media.c). */
void bench_media_trace(double seconds);

static inline double bench_best(double a, double b) { return a > b ? a : b; }

#endif
