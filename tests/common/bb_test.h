/*
 * A very small test harness. TEST(name) registers a function at start-up;
 * CHECK* record a failure with file:line and return from the test. The
 * runner prints one line per test and ends with "N passed, N failed".
 * The same sources run natively (under ASan/UBSan) and as WASM under node.
 */
#ifndef BB_TEST_H
#define BB_TEST_H

#include <stdint.h>
#include <stdio.h>
#include <string.h>

typedef void (*bb_test_fn)(void);
void bb_test_register(const char *name, bb_test_fn fn);
void bb_test_fail(const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
int bb_test_failed(void);
/* Prints "digest <name> <sha256 hex>": build flavours compare these lines. */
void bb_test_digest(const char *name, const uint8_t *data, size_t len);

#define TEST(name)                                                         \
    static void test_##name(void);                                         \
    __attribute__((constructor)) static void reg_##name(void)              \
    {                                                                      \
        bb_test_register(#name, test_##name);                              \
    }                                                                      \
    static void test_##name(void)

#define CHECK(cond)                                                        \
    do {                                                                   \
        if (!(cond)) {                                                     \
            bb_test_fail(__FILE__, __LINE__, "%s", #cond);                 \
            return;                                                        \
        }                                                                  \
    } while (0)

#define CHECK_EQ_INT(a, b)                                                 \
    do {                                                                   \
        long long a_ = (long long)(a), b_ = (long long)(b);                \
        if (a_ != b_) {                                                    \
            bb_test_fail(__FILE__, __LINE__, "%s == %s (%lld != %lld)",    \
                         #a, #b, a_, b_);                                  \
            return;                                                        \
        }                                                                  \
    } while (0)

#define CHECK_OK(expr) CHECK_EQ_INT((expr), 0)

#endif
