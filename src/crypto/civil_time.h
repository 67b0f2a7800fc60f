/*
 * Calendar <-> Unix seconds, without the C library's time zone machinery
 * (certificate times are UTC, and the engine never reads the clock: the
 * caller passes "now"). Howard Hinnant's days-from-civil algorithm.
 * Internal to src/crypto.
 */
#ifndef BB_CIVIL_TIME_H
#define BB_CIVIL_TIME_H

#include <stdint.h>

static inline int64_t bb_days_from_civil(int64_t y, int m, int d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static inline int64_t bb_unix_from_civil(int y, int mo, int d, int h, int mi, int s)
{
    return bb_days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + s;
}

static inline void bb_civil_from_unix(int64_t t, int *y, int *mo, int *d, int *h,
                                      int *mi, int *s)
{
    int64_t z = (t >= 0 ? t : t - 86399) / 86400;
    int64_t secs = t - z * 86400;
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    int dd = (int)(doy - (153 * mp + 2) / 5 + 1);
    int mm = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = (int)(yoe + era * 400 + (mm <= 2));
    *mo = mm;
    *d = dd;
    *h = (int)(secs / 3600);
    *mi = (int)(secs / 60 % 60);
    *s = (int)(secs % 60);
}

#endif
