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

static const char *const NEEDS[] = {"captions", "sign_language", "speech_to_text", "high_contrast"};

/* The columns, in report and CSV order; the last two come from sums. */
static const char *const COLUMNS[] = {
    "requests", "video", "phone", "via_phone", "need_captions", "need_sign_language",
    "need_speech_to_text", "need_high_contrast", "callbacks", "video_calls", "phone_calls",
    "feedback", "again_yes", "again_no", "again_unsure",
};
#define NCOLS (sizeof(COLUMNS) / sizeof(COLUMNS[0]))

static void add(bb_store *store, const char *neighbourhood, int64_t now, const char *metric, int64_t value)
{
    char week[BB_ISO_WEEK_LEN];
    bb_iso_week(now, week);
    if (bb_store_pilot_add(store, week, neighbourhood, metric, value) != 0)
        fprintf(stderr, "contact: a pilot figure was not counted\n");
}

void bb_pilot_request(bb_store *store, const bb_callback_request *r, int64_t now)
{
    add(store, r->neighbourhood, now, "requests", 1);
    add(store, r->neighbourhood, now, strcmp(r->preference, "phone") ? "video" : "phone", 1);
    if (r->via_phone)
        add(store, r->neighbourhood, now, "via_phone", 1);
    for (unsigned i = 0; i < sizeof(NEEDS) / sizeof(NEEDS[0]); i++)
        if (r->needs & (1u << i)) {
            char metric[32];
            snprintf(metric, sizeof(metric), "need_%s", NEEDS[i]);
            add(store, r->neighbourhood, now, metric, 1);
        }
}

void bb_pilot_callback(bb_store *store, const bb_stored_request *r, int64_t now)
{
    add(store, r->req.neighbourhood, now, "callbacks", 1);
    add(store, r->req.neighbourhood, now, "wait_minutes", (now - r->created_at) / 60);
}

void bb_pilot_call(bb_store *store, const char *neighbourhood, int video, int64_t now)
{
    add(store, neighbourhood, now, video ? "video_calls" : "phone_calls", 1);
}

void bb_pilot_feedback(bb_store *store, const char *neighbourhood, const char *week, int how, const char *again)
{
    int rc = bb_store_pilot_add(store, week, neighbourhood, "feedback", 1);
    if (how >= 1 && how <= 5)
        rc |= bb_store_pilot_add(store, week, neighbourhood, "how_answers", 1) |
              bb_store_pilot_add(store, week, neighbourhood, "how_sum", how);
    if (again && again[0]) {
        char metric[32];
        snprintf(metric, sizeof(metric), "again_%s", again);
        rc |= bb_store_pilot_add(store, week, neighbourhood, metric, 1);
    }
    if (rc)
        fprintf(stderr, "contact: a pilot figure was not counted\n");
}

typedef struct {
    char week[BB_ISO_WEEK_LEN], neighbourhood[32];
    int64_t v[NCOLS], wait_minutes, how_answers, how_sum;
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
    if (!strcmp(metric, "wait_minutes"))
        w->wait_minutes = value;
    else if (!strcmp(metric, "how_answers"))
        w->how_answers = value;
    else if (!strcmp(metric, "how_sum"))
        w->how_sum = value;
    for (size_t i = 0; i < NCOLS; i++)
        if (!strcmp(metric, COLUMNS[i]))
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
    size_t cap = 512 + c.n * 600, len = 0; /* a row is at most ~420: 15 counts of 20 digits, two averages */
    char *text = malloc(cap);
    if (!o || !text) {
        cJSON_Delete(o);
        free(text);
        free(c.rows);
        return -1;
    }
    len += (size_t)snprintf(text, cap, "week,neighbourhood");
    for (size_t i = 0; i < NCOLS; i++)
        len += (size_t)snprintf(text + len, cap - len, ",%s", COLUMNS[i]);
    len += (size_t)snprintf(text + len, cap - len, ",avg_wait_minutes,avg_how\r\n");
    for (size_t r = 0; r < c.n; r++) {
        const week_row *w = &c.rows[r];
        cJSON *row = cJSON_CreateObject();
        cJSON_AddStringToObject(row, "week", w->week);
        cJSON_AddStringToObject(row, "neighbourhood", w->neighbourhood);
        len += (size_t)snprintf(text + len, cap - len, "%s,%s", w->week, w->neighbourhood);
        for (size_t i = 0; i < NCOLS; i++) {
            char v[24];
            shown(w->v[i], v);
            if (w->v[i] > 0 && w->v[i] < SMALL)
                cJSON_AddStringToObject(row, COLUMNS[i], v);
            else
                cJSON_AddNumberToObject(row, COLUMNS[i], (double)w->v[i]);
            len += (size_t)snprintf(text + len, cap - len, ",%s", v);
        }
        /* The average wait only over enough callbacks to hide each one. */
        int64_t cb = w->v[8];
        if (cb >= SMALL) {
            cJSON_AddNumberToObject(row, "avg_wait_minutes", (double)(w->wait_minutes / cb));
            len += (size_t)snprintf(text + len, cap - len, ",%lld", (long long)(w->wait_minutes / cb));
        } else {
            cJSON_AddNullToObject(row, "avg_wait_minutes");
            len += (size_t)snprintf(text + len, cap - len, ",");
        }
        /* How the calls went (1..5), averaged over 5 answers or more, one decimal. */
        if (w->how_answers >= SMALL) {
            int64_t tenths = (w->how_sum * 10 + w->how_answers / 2) / w->how_answers;
            cJSON_AddNumberToObject(row, "avg_how", (double)tenths / 10);
            len += (size_t)snprintf(text + len, cap - len, ",%lld.%lld\r\n", (long long)(tenths / 10),
                                    (long long)(tenths % 10));
        } else {
            cJSON_AddNullToObject(row, "avg_how");
            len += (size_t)snprintf(text + len, cap - len, ",\r\n");
        }
        cJSON_AddItemToArray(weeks, row);
    }
    free(c.rows);
    *json = o;
    *csv = text;
    return 0;
}
