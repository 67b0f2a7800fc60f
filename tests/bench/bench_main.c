/* Runs every registered benchmark (optionally those whose name contains
 * argv[1]) in registration order; or, with --media-trace SECONDS, prints
 * what one participant of a call sends (bench_media_trace). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench.h"

#define MAX_BENCH 64
static struct { const char *name; bb_bench_fn fn; } benches[MAX_BENCH];
static int n_benches;

void bb_bench_register(const char *name, bb_bench_fn fn)
{
    if (n_benches == MAX_BENCH)
        abort();
    benches[n_benches].name = name;
    benches[n_benches].fn = fn;
    n_benches++;
}

void bench_report(const char *name, double value, const char *unit)
{
    printf("bench %s %.3f %s\n", name, value, unit);
    fflush(stdout);
}

double bench_now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
    if (argc == 3 && !strcmp(argv[1], "--media-trace")) {
        bench_media_trace(atof(argv[2]));
        return 0;
    }
    for (int i = 0; i < n_benches; i++)
        if (argc < 2 || strstr(benches[i].name, argv[1]))
            benches[i].fn();
    return 0;
}
