/*
 * When a callback request's time window ends, in Dutch time (CET, and CEST
 * from the last Sunday of March to the last Sunday of October, switching at
 * 01:00 UTC): the console shows requests past it first.
 */
#include <stdio.h>
#include <string.h>

#include "beeldbel/contact.h"

/* The last Sunday of month m of year y, as days since the epoch. */
static int64_t last_sunday(int y, int m)
{
    int64_t last = (m == 12 ? bb_days_from_civil(y + 1, 1, 1) : bb_days_from_civil(y, m + 1, 1)) - 1;
    return last - (last + 4) % 7; /* 1970-01-01 was a Thursday: (days + 4) % 7 == 0 on Sundays */
}

/* The year that day number days (since the epoch, >= 0) falls in. */
static int year_of(int64_t days)
{
    int y = 1970 + (int)(days / 366);
    while (bb_days_from_civil(y + 1, 1, 1) >= 0 && bb_days_from_civil(y + 1, 1, 1) <= days)
        y++;
    return y;
}

int bb_nl_utc_offset(int64_t t)
{
    if (t < 0)
        return 3600;
    int y = year_of(t / 86400);
    int64_t start = last_sunday(y, 3) * 86400 + 3600, end = last_sunday(y, 10) * 86400 + 3600;
    return t >= start && t < end ? 7200 : 3600;
}

int64_t bb_window_end(const char *window, const char *date, int64_t created_at)
{
    int hour = 21;
    if (window && !strcmp(window, "morning"))
        hour = 12;
    else if (window && !strcmp(window, "afternoon"))
        hour = 17;
    int y, m, d;
    int64_t day;
    if (date && date[0] && sscanf(date, "%4d-%2d-%2d", &y, &m, &d) == 3 && bb_days_from_civil(y, m, d) >= 0) {
        day = bb_days_from_civil(y, m, d);
    } else {
        /* The first day whose window has not ended when the request came. */
        int64_t local = created_at + bb_nl_utc_offset(created_at);
        day = local / 86400;
        if (local % 86400 >= (int64_t)hour * 3600)
            day++;
    }
    int64_t end = day * 86400 + (int64_t)hour * 3600;
    return end - bb_nl_utc_offset(end - 3600);
}

void bb_iso_week(int64_t t, char out[BB_ISO_WEEK_LEN])
{
    int64_t days = (t + bb_nl_utc_offset(t)) / 86400;
    int64_t thursday = days - (days + 3) % 7 + 3; /* the week's Thursday names its year (ISO 8601) */
    int y = year_of(thursday);
    int week = (int)((thursday - bb_days_from_civil(y, 1, 1)) / 7 + 1);
    snprintf(out, BB_ISO_WEEK_LEN, "%04d-W%02d", y, week);
}
