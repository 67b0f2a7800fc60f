/*
 * Runs a shell command and keeps what it printed, for the tests that check
 * our files with other programs (pdf_tools, rec_tools). Header-only: the
 * unit tests, which also build for WASM, do not use it.
 */
#ifndef BB_TEST_CAPTURE_H
#define BB_TEST_CAPTURE_H

#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>

/* What cmd printed on standard output (malloc'd, NUL-terminated; NULL when
 * it could not run or memory ran out) and its exit status (127: no such
 * program; -1: it did not exit). */
static inline char *capture(const char *cmd, int *status)
{
    *status = -1;
    FILE *p = popen(cmd, "r");
    if (!p)
        return NULL;
    size_t len = 0, cap = 8192;
    char *out = malloc(cap);
    for (size_t got = 1; out && got;) {
        if (cap - len < 1024) {
            char *q = realloc(out, cap * 2);
            if (!q) {
                free(out);
                out = NULL;
                break;
            }
            out = q;
            cap *= 2;
        }
        got = fread(out + len, 1, cap - len - 1, p);
        len += got;
    }
    int st = pclose(p);
    *status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
    if (out)
        out[len] = 0;
    return out;
}

#endif
