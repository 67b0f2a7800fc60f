#include <stdarg.h>
#include <stdlib.h>

#include <mbedtls/sha256.h>

#include "bb_test.h"

#define MAX_TESTS 512

static struct {
    const char *name;
    bb_test_fn fn;
} tests[MAX_TESTS];
static int n_tests;
static int current_failed;

void bb_test_register(const char *name, bb_test_fn fn)
{
    if (n_tests == MAX_TESTS) {
        fprintf(stderr, "bb_test: too many tests\n");
        abort();
    }
    tests[n_tests].name = name;
    tests[n_tests].fn = fn;
    n_tests++;
}

void bb_test_fail(const char *file, int line, const char *fmt, ...)
{
    va_list ap;
    current_failed = 1;
    fprintf(stdout, "  %s:%d: check failed: ", file, line);
    va_start(ap, fmt);
    vfprintf(stdout, fmt, ap);
    va_end(ap);
    fputc('\n', stdout);
}

int bb_test_failed(void)
{
    return current_failed;
}

void bb_test_digest(const char *name, const uint8_t *data, size_t len)
{
    unsigned char h[32];
    mbedtls_sha256_ret(data, len, h, 0);
    printf("digest %s ", name);
    for (int i = 0; i < 32; i++)
        printf("%02x", h[i]);
    printf("\n");
}

int main(int argc, char **argv)
{
    const char *only = argc > 1 ? argv[1] : NULL; /* substring filter */
    int passed = 0, failed = 0;
    for (int i = 0; i < n_tests; i++) {
        if (only && !strstr(tests[i].name, only))
            continue;
        current_failed = 0;
        tests[i].fn();
        printf("%s %s\n", current_failed ? "FAIL" : "ok", tests[i].name);
        fflush(stdout);
        if (current_failed)
            failed++;
        else
            passed++;
    }
    printf("%d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
