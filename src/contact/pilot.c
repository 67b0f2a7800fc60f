/*
 * What the pilot learns: counts per ISO week and neighbourhood, taken at the
 * moment something happens (a request, a first callback, a call held) and
 * kept apart from the requests, so they outlive retention and hold nothing
 * about a person. Team leads read them aggregated; any count from 1 to 4 is
 * shown as "<5", in the API and the CSV alike, so no one is singled out.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pilot.h"

#define SMALL 5

/* The metrics: the counts shown (in report and CSV order, up to SHOWN),
 * then the sums the averages come from. */
enum {
    M_REQUESTS, M_VIDEO, M_PHONE, M_VIA_PHONE, M_NEED_CAPTIONS, M_NEED_SIGN_LANGUAGE,
    M_NEED_SPEECH_TO_TEXT, M_NEED_HIGH_CONTRAST, M_CALLBACKS, M_VIDEO_CALLS, M_PHONE_CALLS,
    M_FEEDBACK, M_AGAIN_YES, M_AGAIN_NO, M_AGAIN_UNSURE,
    SHOWN,
    M_WAIT_MINUTES = SHOWN, M_HOW_ANSWERS, M_HOW_SUM,
    METRICS
};
static const char *const METRIC[METRICS] = {
    "requests", "video", "phone", "via_phone", "need_captions", "need_sign_language",
    "need_speech_to_text", "need_high_contrast", "callbacks", "video_calls", "phone_calls",
    "feedback", "again_yes", "again_no", "again_unsure",
    "wait_minutes", "how_answers", "how_sum",
};
/* After the counts, the report's and the CSV's two averages. */
static const char *const AVERAGES[] = {"avg_wait_minutes", "avg_how"};

static const struct {
    unsigned bit;
    int metric;
} NEED_METRIC[] = {
    {BB_NEED_CAPTIONS, M_NEED_CAPTIONS},
    {BB_NEED_SIGN_LANGUAGE, M_NEED_SIGN_LANGUAGE},
    {BB_NEED_SPEECH_TO_TEXT, M_NEED_SPEECH_TO_TEXT},
    {BB_NEED_HIGH_CONTRAST, M_NEED_HIGH_CONTRAST},
};

/* Adds values to metrics of the week and neighbourhood, at once. */
static void count_all(bb_store *store, const char *week, const char *neighbourhood, const int *metrics,
                      const int64_t *values, int n)
{
    const char *names[8];
    for (int i = 0; i < n && i < 8; i++)
        names[i] = METRIC[metrics[i]];
    if (bb_store_pilot_add(store, week, neighbourhood, names, values, n < 8 ? n : 8) != 0)
        fprintf(stderr, "contact: a pilot figure was not counted\n");
}

static void count(bb_store *store, const char *week, const char *neighbourhood, int metric, int64_t value)
{
    count_all(store, week, neighbourhood, &metric, &value, 1);
}

void bb_pilot_request(bb_store *store, const bb_callback_request *r, int64_t now)
{
    char week[BB_ISO_WEEK_LEN];
    bb_iso_week(now, week);
    int metrics[8], n = 0;
    const int64_t ones[8] = {1, 1, 1, 1, 1, 1, 1, 1};
    metrics[n++] = M_REQUESTS;
    metrics[n++] = strcmp(r->preference, "phone") ? M_VIDEO : M_PHONE;
    if (r->via_phone)
        metrics[n++] = M_VIA_PHONE;
    for (size_t i = 0; i < sizeof(NEED_METRIC) / sizeof(NEED_METRIC[0]); i++)
        if (r->needs & NEED_METRIC[i].bit)
            metrics[n++] = NEED_METRIC[i].metric;
    count_all(store, week, r->neighbourhood, metrics, ones, n);
}

void bb_pilot_callback(bb_store *store, const bb_stored_request *r, int64_t now)
{
    char week[BB_ISO_WEEK_LEN];
    bb_iso_week(now, week);
    count(store, week, r->req.neighbourhood, M_CALLBACKS, 1);
    count(store, week, r->req.neighbourhood, M_WAIT_MINUTES, (now - r->created_at) / 60);
}

void bb_pilot_call(bb_store *store, const char *neighbourhood, int video, int64_t now)
{
    char week[BB_ISO_WEEK_LEN];
    bb_iso_week(now, week);
    count(store, week, neighbourhood, video ? M_VIDEO_CALLS : M_PHONE_CALLS, 1);
}

void bb_pilot_feedback(bb_store *store, const char *neighbourhood, const char *week, int how, const char *again)
{
    count(store, week, neighbourhood, M_FEEDBACK, 1);
    if (how >= 1 && how <= 5) {
        count(store, week, neighbourhood, M_HOW_ANSWERS, 1);
        count(store, week, neighbourhood, M_HOW_SUM, how);
    }
    if (again && !strcmp(again, "yes"))
        count(store, week, neighbourhood, M_AGAIN_YES, 1);
    else if (again && !strcmp(again, "no"))
        count(store, week, neighbourhood, M_AGAIN_NO, 1);
    else if (again && !strcmp(again, "unsure"))
        count(store, week, neighbourhood, M_AGAIN_UNSURE, 1);
}

typedef struct {
    char week[BB_ISO_WEEK_LEN], neighbourhood[32];
    int64_t v[METRICS];
} week_row;

typedef struct {
    week_row *rows;
    size_t n, cap;
} collect;

static void take(void *ctx, const char *week, const char *neighbourhood, const char *metric, int64_t value)
{
    collect *c = ctx;
    week_row *w = c->n ? &c->rows[c->n - 1] : NULL;
    if (!w || strcmp(w->week, week) || strcmp(w->neighbourhood, neighbourhood)) {
        if (c->n == c->cap) {
            size_t cap = c->cap ? c->cap * 2 : 16;
            week_row *nr = realloc(c->rows, cap * sizeof(*nr));
            if (!nr)
                return;
            c->rows = nr;
            c->cap = cap;
        }
        w = &c->rows[c->n++];
        memset(w, 0, sizeof(*w));
        snprintf(w->week, sizeof(w->week), "%s", week);
        snprintf(w->neighbourhood, sizeof(w->neighbourhood), "%s", neighbourhood);
    }
    for (int i = 0; i < METRICS; i++)
        if (!strcmp(metric, METRIC[i]))
            w->v[i] = value;
}

/* A count as shown: the number, or "<5" for 1..4. */
static void shown(int64_t v, char out[24])
{
    if (v > 0 && v < SMALL)
        snprintf(out, 24, "<%d", SMALL);
    else
        snprintf(out, 24, "%lld", (long long)v);
}

int bb_pilot_report(bb_store *store, const char *neighbourhoods, cJSON **json, char **csv)
{
    collect c = {0};
    if (bb_store_pilot_rows(store, neighbourhoods, take, &c) != 0) {
        free(c.rows);
        return -1;
    }
    cJSON *o = cJSON_CreateObject(), *weeks = cJSON_AddArrayToObject(o, "weeks");
    cJSON_AddNumberToObject(o, "small_below", SMALL);
    /* The columns in order, so the console shows every one the CSV has. */
    cJSON *columns = cJSON_AddArrayToObject(o, "columns");
    for (int i = 0; i < SHOWN; i++)
        cJSON_AddItemToArray(columns, cJSON_CreateString(METRIC[i]));
    for (int i = 0; i < 2; i++)
        cJSON_AddItemToArray(columns, cJSON_CreateString(AVERAGES[i]));
    size_t cap = 512 + c.n * 600, len = 0; /* a row is at most ~420: 15 counts of 20 digits, two averages */
    char *text = malloc(cap);
    if (!o || !text) {
        cJSON_Delete(o);
        free(text);
        free(c.rows);
        return -1;
    }
    len += (size_t)snprintf(text, cap, "week,neighbourhood");
    for (int i = 0; i < SHOWN; i++)
        len += (size_t)snprintf(text + len, cap - len, ",%s", METRIC[i]);
    len += (size_t)snprintf(text + len, cap - len, ",%s,%s\r\n", AVERAGES[0], AVERAGES[1]);
    for (size_t r = 0; r < c.n; r++) {
        const week_row *w = &c.rows[r];
        cJSON *row = cJSON_CreateObject();
        cJSON_AddStringToObject(row, "week", w->week);
        cJSON_AddStringToObject(row, "neighbourhood", w->neighbourhood);
        len += (size_t)snprintf(text + len, cap - len, "%s,%s", w->week, w->neighbourhood);
        for (int i = 0; i < SHOWN; i++) {
            char v[24];
            shown(w->v[i], v);
            if (w->v[i] > 0 && w->v[i] < SMALL)
                cJSON_AddStringToObject(row, METRIC[i], v);
            else
                cJSON_AddNumberToObject(row, METRIC[i], (double)w->v[i]);
            len += (size_t)snprintf(text + len, cap - len, ",%s", v);
        }
        /* The average wait only over enough callbacks to hide each one. */
        int64_t cb = w->v[M_CALLBACKS];
        if (cb >= SMALL) {
            cJSON_AddNumberToObject(row, AVERAGES[0], (double)(w->v[M_WAIT_MINUTES] / cb));
            len += (size_t)snprintf(text + len, cap - len, ",%lld", (long long)(w->v[M_WAIT_MINUTES] / cb));
        } else {
            cJSON_AddNullToObject(row, AVERAGES[0]);
            len += (size_t)snprintf(text + len, cap - len, ",");
        }
        /* How the calls went (1..5), averaged over 5 answers or more, one decimal. */
        int64_t answers = w->v[M_HOW_ANSWERS];
        if (answers >= SMALL) {
            int64_t tenths = (w->v[M_HOW_SUM] * 10 + answers / 2) / answers;
            cJSON_AddNumberToObject(row, AVERAGES[1], (double)tenths / 10);
            len += (size_t)snprintf(text + len, cap - len, ",%lld.%lld\r\n", (long long)(tenths / 10),
                                    (long long)(tenths % 10));
        } else {
            cJSON_AddNullToObject(row, AVERAGES[1]);
            len += (size_t)snprintf(text + len, cap - len, ",\r\n");
        }
        cJSON_AddItemToArray(weeks, row);
    }
    free(c.rows);
    *json = o;
    *csv = text;
    return 0;
}
