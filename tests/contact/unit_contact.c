/*
 * Contact service building blocks, natively under ASan+UBSan: the request
 * parser, phone numbers and postcodes, PBKDF2 and Janus tokens against
 * independent reference values, rate limits, and the SQLite store
 * (retention, single-use invitations, claims).
 */
#define _GNU_SOURCE /* memmem */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "bb_test.h"
#include "beeldbel/contact.h"
#include "beeldbel/error.h"
#include "hashpool.h"
#include "janus_pool.h"
#include "pilot.h"
#include "store.h"
#include "test_store.h"

#define DAY 86400
static const int64_t TODAY = 20787; /* 2026-11-30 */

static int parse_req(const char *json, bb_callback_request *r, bb_contact_err *e)
{
    return bb_contact_parse_request((const uint8_t *)json, strlen(json), TODAY, r, e, NULL);
}

static const char *err_of(const char *json)
{
    static bb_callback_request r;
    bb_contact_err e = {0};
    return parse_req(json, &r, &e) == BB_OK ? "ok" : e.code;
}

#define BASE "\"name\":\"Anna de Vries\",\"phone\":\"06 12345678\",\"topic\":\"Overlast\",\"preference\":\"video\""

/* The service centre's request for a caller: the citizen's rules, plus the
 * caller's consent, which must be given (true) and nothing else. */
TEST(phone_requests_need_the_callers_consent)
{
    static bb_callback_request r;
    bb_contact_err e = {0};
    const char *with = "{" BASE ",\"neighbourhood\":\"groningen-noord\",\"consent\":true}";
    CHECK_OK(bb_contact_parse_phone_request((const uint8_t *)with, strlen(with), TODAY, &r, &e, NULL));
    CHECK(r.via_phone == 1 && !strcmp(r.phone, "+31612345678"));
    static const struct { const char *json, *code, *field; } bad[] = {
        {"{" BASE ",\"neighbourhood\":\"groningen-noord\"}", "consent_required", "consent"},
        {"{" BASE ",\"neighbourhood\":\"groningen-noord\",\"consent\":false}", "consent_required", "consent"},
        {"{" BASE ",\"neighbourhood\":\"groningen-noord\",\"consent\":\"ja\"}", "wrong_type", "consent"},
        {"{" BASE ",\"neighbourhood\":\"groningen-noord\",\"consent\":1}", "wrong_type", "consent"},
        {"{\"name\":\"Anna\u202e\",\"phone\":\"06 12345678\",\"topic\":\"x\",\"preference\":\"video\","
         "\"neighbourhood\":\"groningen-noord\",\"consent\":true}", "invisible_text", "name"},
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        memset(&e, 0, sizeof(e));
        CHECK_EQ_INT(bb_contact_parse_phone_request((const uint8_t *)bad[i].json, strlen(bad[i].json), TODAY, &r, &e, NULL) != BB_OK, 1);
        CHECK(e.code && !strcmp(e.code, bad[i].code) && e.field && !strcmp(e.field, bad[i].field));
    }
    /* A citizen cannot claim to be the service centre. */
    CHECK(!strcmp(err_of(with), "unknown_field"));
    CHECK_OK(parse_req("{" BASE ",\"neighbourhood\":\"groningen-noord\"}", &r, &e));
    CHECK_EQ_INT(r.via_phone, 0);
}

/* Dutch time (CET/CEST, switching at 01:00 UTC on the last Sundays of
 * March and October) and the end of a request's time window. */
TEST(time_windows_end_in_dutch_time)
{
    CHECK_EQ_INT(bb_nl_utc_offset(1774746000 - 1), 3600); /* 2026-03-29 00:59:59 UTC */
    CHECK_EQ_INT(bb_nl_utc_offset(1774746000), 7200);
    CHECK_EQ_INT(bb_nl_utc_offset(1792890000 - 1), 7200); /* 2026-10-25 00:59:59 UTC */
    CHECK_EQ_INT(bb_nl_utc_offset(1792890000), 3600);
    /* 09:00 on a December morning: the morning ends at 12:00 CET, 11:00 UTC. */
    CHECK(bb_window_end("morning", "", 1796371200) == 1796382000);
    /* 13:30: this morning is over, so the next one. */
    CHECK(bb_window_end("morning", "", 1796387400) == 1796468400);
    /* A July afternoon ends at 17:00 CEST, 15:00 UTC. */
    CHECK(bb_window_end("afternoon", "", 1782885600) == 1782918000);
    /* A date of its own: that day's evening, 21:00 CET. */
    CHECK(bb_window_end("evening", "2026-12-10", 1796371200) == 1796932800);
    /* Any time, asked at 22:00: until 21:00 the next day. */
    CHECK(bb_window_end("any", "", 1796418000) == 1796500800);
}

TEST(iso_weeks_in_dutch_time)
{
    char w[BB_ISO_WEEK_LEN];
    bb_iso_week(1796378400, w); /* 2026-12-04 */
    CHECK(!strcmp(w, "2026-W49"));
    bb_iso_week(1798797600, w); /* Friday 2027-01-01: still 2026's last week */
    CHECK(!strcmp(w, "2026-W53"));
    bb_iso_week(1735552800, w); /* Monday 2024-12-30: 2025's first */
    CHECK(!strcmp(w, "2025-W01"));
    bb_iso_week(1798414200, w); /* Sunday 23:30 UTC is Monday 00:30 in Groningen */
    CHECK(!strcmp(w, "2026-W53"));
}

/* The pilot's figures: counted apart from requests, per week and
 * neighbourhood; 1..4 shown as "<5"; the average wait only over 5 or more;
 * nothing about a person in them. */
TEST(pilot_figures_hide_small_counts_and_hold_no_person)
{
    bb_store *s;
    CHECK_OK(test_store_open(&s));
    bb_callback_request r = {0};
    snprintf(r.name, sizeof(r.name), "Anna Merkteken");
    snprintf(r.phone, sizeof(r.phone), "+31612345678");
    snprintf(r.neighbourhood, sizeof(r.neighbourhood), "groningen-noord");
    snprintf(r.topic, sizeof(r.topic), "Onderwerp-merkteken");
    snprintf(r.preference, sizeof(r.preference), "video");
    r.needs = 1u << 1; /* sign language */
    const int64_t t = 1796378400;
    for (int i = 0; i < 6; i++)
        bb_pilot_request(s, &r, t);
    snprintf(r.preference, sizeof(r.preference), "phone");
    bb_pilot_request(s, &r, t);
    bb_stored_request sr = {0};
    sr.req = r;
    sr.created_at = t - 3600;
    for (int i = 0; i < 5; i++)
        bb_pilot_callback(s, &sr, t);
    bb_pilot_call(s, "groningen-noord", 1, t);
    for (int i = 0; i < 5; i++)
        bb_pilot_feedback(s, "groningen-noord", "2026-W49", i == 4 ? 0 : 4, "yes"); /* one answered only the second */
    snprintf(r.neighbourhood, sizeof(r.neighbourhood), "groningen-zuid");
    bb_pilot_request(s, &r, t);
    cJSON *o = NULL;
    char *csv = NULL;
    CHECK_OK(bb_pilot_report(s, "groningen-noord", &o, &csv));
    const cJSON *row = cJSON_GetArrayItem(cJSON_GetObjectItem(o, "weeks"), 0);
    CHECK_EQ_INT(cJSON_GetArraySize(cJSON_GetObjectItem(o, "weeks")), 1); /* not the other neighbourhood */
    CHECK(!strcmp(cJSON_GetObjectItem(row, "week")->valuestring, "2026-W49"));
    CHECK_EQ_INT(cJSON_GetObjectItem(row, "requests")->valueint, 7);
    CHECK_EQ_INT(cJSON_GetObjectItem(row, "video")->valueint, 6);
    CHECK(!strcmp(cJSON_GetObjectItem(row, "phone")->valuestring, "<5"));
    CHECK(!strcmp(cJSON_GetObjectItem(row, "video_calls")->valuestring, "<5"));
    CHECK_EQ_INT(cJSON_GetObjectItem(row, "need_sign_language")->valueint, 7);
    CHECK_EQ_INT(cJSON_GetObjectItem(row, "need_captions")->valueint, 0);
    CHECK_EQ_INT(cJSON_GetObjectItem(row, "avg_wait_minutes")->valueint, 60);
    CHECK_EQ_INT(cJSON_GetObjectItem(row, "feedback")->valueint, 5);
    CHECK(cJSON_IsNull(cJSON_GetObjectItem(row, "avg_how"))); /* 4 answers to it: too few */
    CHECK(!strncmp(csv, "week,neighbourhood,requests,video,phone,", 40));
    CHECK(strstr(csv, "\r\n2026-W49,groningen-noord,7,6,<5,0,0,7,0,0,5,<5,0,5,5,0,0,60,\r\n") != NULL);
    CHECK(!strstr(csv, "Merkteken") && !strstr(csv, "612345678") && !strstr(csv, "Onderwerp"));
    cJSON_Delete(o);
    free(csv);
    /* Fewer than five callbacks: no average. */
    CHECK_OK(bb_pilot_report(s, "groningen-zuid", &o, &csv));
    row = cJSON_GetArrayItem(cJSON_GetObjectItem(o, "weeks"), 0);
    CHECK(cJSON_IsNull(cJSON_GetObjectItem(row, "avg_wait_minutes")));
    CHECK(strstr(csv, "2026-W49,groningen-zuid,<5,0,<5,0,0,<5,0,0,0,0,0,0,0,0,0,,\r\n") != NULL);
    cJSON_Delete(o);
    free(csv);
    /* A fifth answer to "how did it go": the average appears, to one decimal. */
    bb_pilot_feedback(s, "groningen-noord", "2026-W49", 5, "");
    CHECK_OK(bb_pilot_report(s, "groningen-noord", &o, &csv));
    row = cJSON_GetArrayItem(cJSON_GetObjectItem(o, "weeks"), 0);
    CHECK(cJSON_GetObjectItem(row, "avg_how")->valuedouble > 4.19 && cJSON_GetObjectItem(row, "avg_how")->valuedouble < 4.21);
    CHECK(strstr(csv, ",6,5,0,0,60,4.2\r\n") != NULL);
    cJSON_Delete(o);
    free(csv);
    bb_store_close(s);
}

TEST(feedback_takes_two_optional_answers_and_a_token)
{
    bb_feedback f;
    bb_contact_err e = {0};
#define TOK "\"token\":\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\""
    static const struct { const char *json, *code, *field; } cases[] = {
        {"{" TOK ",\"how\":4,\"again\":\"yes\"}", NULL, NULL},
        {"{" TOK ",\"again\":\"unsure\"}", NULL, NULL},
        {"{" TOK "}", "missing_field", "how"},
        {"{" TOK ",\"how\":6}", "invalid_answer", "how"},
        {"{" TOK ",\"how\":2.5}", "invalid_answer", "how"},
        {"{" TOK ",\"how\":\"4\"}", "wrong_type", "how"},
        {"{" TOK ",\"again\":\"maybe\"}", "invalid_answer", "again"},
        {"{\"token\":\"short\",\"how\":3}", "invalid_token", "token"},
        {"{" TOK ",\"how\":3,\"name\":\"Anna\"}", "unknown_field", NULL},
    };
#undef TOK
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        memset(&e, 0, sizeof(e));
        int rc = bb_contact_parse_feedback((const uint8_t *)cases[i].json, strlen(cases[i].json), &f, &e, NULL);
        if (!cases[i].code) {
            CHECK_OK(rc);
            continue;
        }
        CHECK(rc != BB_OK && e.code && !strcmp(e.code, cases[i].code));
        CHECK(!cases[i].field || (e.field && !strcmp(e.field, cases[i].field)));
    }
    const char *ok = "{\"token\":\"BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB\",\"how\":5}";
    CHECK_OK(bb_contact_parse_feedback((const uint8_t *)ok, strlen(ok), &f, &e, NULL));
    CHECK(f.how == 5 && !f.again[0] && strlen(f.token) == 43);
}

TEST(days_from_civil_matches_known_dates)
{
    CHECK_EQ_INT(bb_days_from_civil(1970, 1, 1), 0);
    CHECK_EQ_INT(bb_days_from_civil(2026, 11, 30), TODAY);
    CHECK_EQ_INT(bb_days_from_civil(2024, 2, 29), 19782);
    CHECK_EQ_INT(bb_days_from_civil(2025, 2, 29), -1);
    CHECK_EQ_INT(bb_days_from_civil(2026, 13, 1), -1);
}

TEST(valid_request_is_parsed_and_phone_normalised)
{
    bb_callback_request r;
    bb_contact_err e = {0};
    CHECK_OK(parse_req("{" BASE ",\"email\":\"anna@example.nl\",\"neighbourhood\":\"groningen-noord\","
                       "\"window\":\"afternoon\",\"date\":\"2026-12-01\",\"needs\":[\"captions\","
                       "\"sign_language\"],\"lang\":\"en\"}",
                       &r, &e));
    CHECK(!strcmp(r.name, "Anna de Vries"));
    CHECK(!strcmp(r.phone, "+31612345678"));
    CHECK(!strcmp(r.email, "anna@example.nl"));
    CHECK(!strcmp(r.neighbourhood, "groningen-noord"));
    CHECK(!strcmp(r.window, "afternoon"));
    CHECK_EQ_INT(r.needs, BB_NEED_CAPTIONS | BB_NEED_SIGN_LANGUAGE);
    CHECK(!strcmp(r.lang, "en"));
}

TEST(postcode_maps_to_pilot_neighbourhood)
{
    bb_callback_request r;
    bb_contact_err e = {0};
    CHECK_OK(parse_req("{" BASE ",\"postcode\":\"9722 ab\"}", &r, &e));
    CHECK(!strcmp(r.neighbourhood, "groningen-zuid"));
    CHECK(!strcmp(r.window, "any"));
    CHECK(!strcmp(r.lang, "nl"));
    CHECK(!strcmp(err_of("{" BASE ",\"postcode\":\"1012 AB\"}"), "neighbourhood_not_served"));
    CHECK(!strcmp(err_of("{" BASE ",\"postcode\":\"97221AB\"}"), "invalid_postcode"));
    CHECK(!strcmp(err_of("{" BASE ",\"postcode\":\"9722 SS\"}"), "invalid_postcode"));
    CHECK(!strcmp(err_of("{" BASE ",\"postcode\":\"9722 AB\",\"neighbourhood\":\"groningen-zuid\"}"),
                  "location_conflict"));
}

TEST(parser_refuses_hostile_and_malformed_bodies)
{
#define NB ",\"neighbourhood\":\"groningen-noord\""
    CHECK(!strcmp(err_of("{" BASE NB ",\"admin\":true}"), "unknown_field"));
    CHECK(!strcmp(err_of("{" BASE NB ",\"name\":\"Bob\"}"), "duplicate_field"));
    CHECK(!strcmp(err_of("[1,2]"), "not_object"));
    CHECK(!strcmp(err_of("{\"name\":"), "not_json"));
    CHECK(!strcmp(err_of("{" BASE NB "} trailing"), "not_json"));
    CHECK(!strcmp(err_of("{\"phone\":\"0612345678\"}"), "missing_field"));
    CHECK(!strcmp(err_of("{\"name\":42,\"phone\":\"0612345678\"}"), "wrong_type"));
    CHECK(!strcmp(err_of("{" BASE ",\"neighbourhood\":\"amsterdam\"}"), "invalid_neighbourhood"));
    CHECK(!strcmp(err_of("{" BASE NB ",\"needs\":[\"captions\",\"captions\"]}"), "invalid_needs"));
    CHECK(!strcmp(err_of("{" BASE NB ",\"needs\":\"captions\"}"), "wrong_type"));
    CHECK(!strcmp(err_of("{" BASE NB ",\"date\":\"2026-12-31\"}"), "invalid_date")); /* > 14 days */
    CHECK(!strcmp(err_of("{" BASE NB ",\"date\":\"2026-11-29\"}"), "invalid_date")); /* past */
    CHECK(!strcmp(err_of("{" BASE NB ",\"email\":\"a@b\"}"), "invalid_email"));
    CHECK(!strcmp(err_of("{" BASE NB ",\"email\":\"x@y.nl>\\r\\nBcc: z@q.nl\"}"), "invalid_email"));
    CHECK(!strcmp(err_of("{\"name\":\"<script>alert(1)</script>\",\"phone\":\"0612345678\"" NB
                         ",\"topic\":\"x\",\"preference\":\"video\"}"),
                  "invalid_name"));
    CHECK(!strcmp(err_of("{\"name\":\"A\\u0000B\",\"phone\":\"0612345678\"" NB
                         ",\"topic\":\"x\",\"preference\":\"video\"}"),
                  "not_json")); /* NUL would cut the name short: refused */
    CHECK(!strcmp(err_of("{\"name\":\"A\\\\u0000B\",\"phone\":\"0612345678\"" NB
                         ",\"topic\":\"x\",\"preference\":\"video\"}"),
                  "ok")); /* an escaped backslash, then plain text "u0000B" */
    CHECK(!strcmp(err_of("{\"name\":\"   \",\"phone\":\"0612345678\"" NB
                         ",\"topic\":\"x\",\"preference\":\"video\"}"),
                  "invalid_name"));
    CHECK(!strcmp(err_of("{\"name\":\"A\",\"phone\":\"0612345678\"" NB
                         ",\"topic\":\"x\",\"preference\":\"fax\"}"),
                  "invalid_preference"));
    /* Invalid UTF-8 (a lone continuation byte, an overlong slash). */
    CHECK(!strcmp(err_of("{\"name\":\"A\x80\",\"phone\":\"0612345678\"" NB
                         ",\"topic\":\"x\",\"preference\":\"video\"}"),
                  "invalid_name"));
    CHECK(!strcmp(err_of("{\"name\":\"A\xc0\xaf\",\"phone\":\"0612345678\"" NB
                         ",\"topic\":\"x\",\"preference\":\"video\"}"),
                  "invalid_name"));
    /* SQL in the topic is just text: accepted, stored through bound parameters. */
    CHECK(!strcmp(err_of("{\"name\":\"Anna\",\"phone\":\"0612345678\"" NB
                         ",\"topic\":\"'); DROP TABLE requests;--\",\"preference\":\"phone\"}"),
                  "ok"));
    /* A name of 100 characters in Dutch letters is fine, 101 is not. */
    char big[700];
    strcpy(big, "{\"name\":\"");
    for (int i = 0; i < 100; i++)
        strcat(big, "\xc3\xa9"); /* é */
    strcat(big, "\",\"phone\":\"0612345678\"" NB ",\"topic\":\"x\",\"preference\":\"video\"}");
    CHECK(!strcmp(err_of(big), "ok"));
    memmove(big + 11, big + 9, strlen(big + 9) + 1); /* one more é */
    big[9] = '\xc3';
    big[10] = '\xa9';
    CHECK(!strcmp(err_of(big), "invalid_name"));
    CHECK(!strcmp(err_of("{}"), "missing_field"));
#undef NB
}

/* What a person reads is what was typed: invisible and direction-control
 * characters are refused in names, topics and notes; what languages need is
 * not. */
TEST(invisible_and_direction_control_characters_are_refused)
{
#define NB ",\"neighbourhood\":\"groningen-noord\""
    static const char *const refused[] = {
        "Anna\u202e gnp.exe", /* right-to-left override: shows as "Annaexe.png" */
        "An\u200bna",         /* zero-width space */
        "\ufeffAnna",         /* BOM / zero-width no-break space */
        "Anna\u2066x\u2069",  /* isolate */
        "Anna\u200f",         /* right-to-left mark */
        "An\u00adna",         /* soft hyphen */
        "Anna\u2060",         /* word joiner */
        "Anna\U000E0041\U000E0042", /* tags: hidden text */
        "\u3164",             /* Hangul filler */
        "Anna\u2028de Vries", /* line separator */
    };
    static const char *const accepted[] = {
        "Zoë van den Berg", "محمد العلي", "می\u200cخواهم",  /* ZWNJ, Persian */
        "Anna \U0001F468\u200d\U0001F469\u200d\U0001F467", /* ZWJ emoji family */
        "\u2764\ufe0f Anna",  /* variation selector */
        "Łukasz Wójcik", "王小明",
    };
    char json[512];
    for (size_t i = 0; i < sizeof(refused) / sizeof(*refused); i++) {
        snprintf(json, sizeof(json), "{\"name\":\"%s\",\"phone\":\"0612345678\"" NB ",\"topic\":\"x\",\"preference\":\"video\"}", refused[i]);
        CHECK(!strcmp(err_of(json), "invisible_text"));
        snprintf(json, sizeof(json), "{\"name\":\"Anna\",\"phone\":\"0612345678\"" NB ",\"topic\":\"Overlast %s\",\"preference\":\"video\"}", refused[i]);
        CHECK(!strcmp(err_of(json), "invisible_text"));
        CHECK_EQ_INT(bb_contact_check_text(refused[i], 100, 0), BB_E_PROTO);
    }
    for (size_t i = 0; i < sizeof(accepted) / sizeof(*accepted); i++) {
        snprintf(json, sizeof(json), "{\"name\":\"%s\",\"phone\":\"0612345678\"" NB ",\"topic\":\"x\",\"preference\":\"video\"}", accepted[i]);
        CHECK(!strcmp(err_of(json), "ok"));
        CHECK_OK(bb_contact_check_text(accepted[i], 100, 0));
    }
    /* Notes too; a password is read by nobody and may hold anything. */
    bb_officer_action a;
    bb_contact_err e = {0};
    const char note[] = "{\"note\":\"ok\u202e\"}";
    CHECK_EQ_INT(bb_contact_parse_action(BB_ACTION_NOTES, (const uint8_t *)note, strlen(note), &a, &e, NULL), BB_E_PROTO);
    CHECK(!strcmp(e.code, "invisible_text") && !strcmp(e.field, "note"));
    bb_officer_login l;
    const char login[] = "{\"username\":\"jan\",\"password\":\"geheim\u200bwoord\"}";
    CHECK_OK(bb_contact_parse_login((const uint8_t *)login, strlen(login), &l, &e, NULL));
    CHECK_EQ_INT(bb_contact_check_text("   ", 100, 0), BB_E_PARSE);
    CHECK_EQ_INT(bb_contact_check_text("a\nb", 100, 0), BB_E_PARSE);
    CHECK_OK(bb_contact_check_text("a\nb", 100, 1));
    /* Counted under its own reason, with a message in both languages. */
    bb_contact_stats st = {0};
    bb_callback_request r;
    const char body[] = "{\"name\":\"Anna\u202e\",\"phone\":\"0612345678\"" NB ",\"topic\":\"x\",\"preference\":\"video\"}";
    bb_contact_parse_request((const uint8_t *)body, strlen(body), TODAY, &r, &e, &st);
    int idx = -1;
    for (int i = 0; i < BB_CONTACT_REASONS; i++)
        if (!strcmp(bb_contact_reason_name(i), "invisible_text"))
            idx = i;
    CHECK(idx >= 0 && st.rejected[idx] == 1);
    CHECK(strstr(bb_contact_msg_en("invisible_text"), "invisible") != NULL);
    CHECK(strstr(bb_contact_msg_nl("invisible_text"), "onzichtbare") != NULL);
#undef NB
}

TEST(phone_numbers_normalise_to_e164)
{
    char out[17];
    static const char *const ok[][2] = {
        {"06 12345678", "+31612345678"},  {"06-12345678", "+31612345678"},
        {"+31 6 1234 5678", "+31612345678"}, {"+31 (0)6 1234 5678", "+31612345678"},
        {"0031612345678", "+31612345678"}, {"050 123 4567", "+31501234567"},
        {"(050) 1234567", "+31501234567"}, {"+32 470 12 34 56", "+32470123456"},
        {"+44 20 7946 0958", "+442079460958"},
    };
    for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
        CHECK_OK(bb_phone_normalise(ok[i][0], out));
        CHECK(!strcmp(out, ok[i][1]));
    }
    static const char *const bad[] = {"", "12345", "0612345", "061234567890", "06 1234567a",
                                      "+31 0612345678", "0900 1234567", "+31 900 123 456",
                                      "06+12345678", "+(0)12345678", "0612345678; DROP",
                                      "+1234567890123456", "+0123456789"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        CHECK_EQ_INT(bb_phone_normalise(bad[i], out), BB_E_PARSE);
}

TEST(lookup_and_redeem_and_action_parsers)
{
    bb_request_lookup q;
    bb_contact_err e = {0};
    const char *j = "{\"reference\":\"bb-7k3m-q9xz\",\"phone\":\"+31612345678\"}";
    CHECK_OK(bb_contact_parse_lookup((const uint8_t *)j, strlen(j), &q, &e, NULL));
    CHECK(!strcmp(q.reference, "BB-7K3M-Q9XZ"));
    j = "{\"reference\":\"BB-7K3M-Q9XI\",\"phone\":\"+31612345678\"}"; /* I is not in the alphabet */
    CHECK_EQ_INT(bb_contact_parse_lookup((const uint8_t *)j, strlen(j), &q, &e, NULL), BB_E_PROTO);
    CHECK(!strcmp(e.code, "invalid_reference"));
    char tok[44];
    j = "{\"token\":\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\"}";
    CHECK_EQ_INT(bb_contact_parse_redeem((const uint8_t *)j, strlen(j), tok, &e, NULL), BB_E_PROTO);
    CHECK(!strcmp(e.code, "invalid_token"));
    j = "{\"token\":\"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOP-\"}";
    CHECK_OK(bb_contact_parse_redeem((const uint8_t *)j, strlen(j), tok, &e, NULL));
    bb_officer_action *a = malloc(sizeof(*a));
    CHECK(a);
    CHECK_OK(bb_contact_parse_action(BB_ACTION_EMPTY, (const uint8_t *)"", 0, a, &e, NULL));
    CHECK_OK(bb_contact_parse_action(BB_ACTION_EMPTY, (const uint8_t *)"{}", 2, a, &e, NULL));
    j = "{\"outcome\":\"reached\",\"note\":\"Teruggebeld\"}";
    CHECK_OK(bb_contact_parse_action(BB_ACTION_PHONE, (const uint8_t *)j, strlen(j), a, &e, NULL));
    CHECK(!strcmp(a->outcome, "reached") && !strcmp(a->note, "Teruggebeld"));
    j = "{\"outcome\":\"arrested\"}";
    int rc = bb_contact_parse_action(BB_ACTION_PHONE, (const uint8_t *)j, strlen(j), a, &e, NULL);
    free(a);
    CHECK_EQ_INT(rc, BB_E_PROTO);
    CHECK(!strcmp(e.code, "invalid_outcome"));
}

TEST(rejections_are_counted_by_reason)
{
    bb_contact_stats st = {0};
    bb_callback_request r;
    bb_contact_err e;
    bb_contact_parse_request((const uint8_t *)"nope", 4, TODAY, &r, &e, &st);
    bb_contact_parse_request((const uint8_t *)"{\"x\":1}", 7, TODAY, &r, &e, &st);
    bb_contact_parse_request((const uint8_t *)"{\"x\":1}", 7, TODAY, &r, &e, &st);
    CHECK_EQ_INT(st.rejected[0], 1);
    CHECK(!strcmp(bb_contact_reason_name(2), "unknown_field"));
    CHECK_EQ_INT(st.rejected[2], 2);
    CHECK_EQ_INT(st.accepted, 0);
    CHECK(!strcmp(bb_contact_reason_name(BB_CONTACT_REASONS), "unknown"));
    CHECK(strstr(bb_contact_msg_nl("invalid_phone"), "telefoonnummer"));
    CHECK(strstr(bb_contact_msg_en("invalid_phone"), "phone number"));
}

static void hex(const uint8_t *b, size_t n, char *out)
{
    for (size_t i = 0; i < n; i++)
        snprintf(out + 2 * i, 3, "%02x", b[i]);
}

TEST(pbkdf2_sha256_matches_rfc7914_vectors)
{
    uint8_t dk[64];
    char h[129];
    CHECK_OK(bb_pbkdf2_sha256((const uint8_t *)"passwd", 6, (const uint8_t *)"salt", 4, 1, dk, 64));
    hex(dk, 64, h);
    CHECK(!strcmp(h, "55ac046e56e3089fec1691c22544b605f94185216dde0465e68b9d57c20dacbc"
                     "49ca9cccf179b645991664b39d77ef317c71b845b1e30bd509112041d3a19783"));
    CHECK_OK(bb_pbkdf2_sha256((const uint8_t *)"Password", 8, (const uint8_t *)"NaCl", 4, 80000, dk, 32));
    hex(dk, 32, h);
    CHECK(!strcmp(h, "4ddcd8f60b98be21830cee5ef22701f9641a4418d04c0414aeff08876b34ab56"));
    CHECK_EQ_INT(bb_pbkdf2_sha256((const uint8_t *)"x", 1, (const uint8_t *)"s", 1, 0, dk, 32), BB_E_ARG);
}

TEST(janus_token_is_hmac_sha1_in_janus_format)
{
    char t[BB_JANUS_TOKEN_MAX];
    /* Reference values from Python's hmac + hashlib. */
    CHECK_OK(bb_janus_token("topsecret", 1800000000, NULL, t, sizeof(t)));
    CHECK(!strcmp(t, "1800000000,janus,janus.plugin.videoroom:DgpuViTYt5v8QiNBkzIQ6ON7qlk="));
    char longkey[101];
    memset(longkey, 'k', 100);
    longkey[100] = 0;
    CHECK_OK(bb_janus_token(longkey, 1800000000, NULL, t, sizeof(t)));
    CHECK(!strcmp(t, "1800000000,janus,janus.plugin.videoroom:fbmmahmhnv7TQJZLOH8h9lRhgKY="));
    CHECK_EQ_INT(bb_janus_token("", 1800000000, NULL, t, sizeof(t)), BB_E_ARG);
    /* A call's token names its room and participant; nothing can be smuggled into the list. */
    CHECK_OK(bb_janus_token("topsecret", 1800000000, "bb-call-42-citizen-0a0b0c0d", t, sizeof(t)));
    CHECK(!strcmp(t, "1800000000,janus,janus.plugin.videoroom,bb-call-42-citizen-0a0b0c0d:"
                     "mzhgbjzCqRhivqYFExMhCY8CmaA="));
    CHECK_EQ_INT(bb_janus_token("topsecret", 1800000000, "a,janus.plugin.sip", t, sizeof(t)), BB_E_ARG);
    CHECK_EQ_INT(bb_janus_token("topsecret", 1800000000, "a:b", t, sizeof(t)), BB_E_ARG);
    CHECK_EQ_INT(bb_janus_token("topsecret", 1800000000, "", t, sizeof(t)), BB_E_ARG);
    CHECK_EQ_INT(bb_janus_token("topsecret", 1800000000, NULL, t, 128), BB_E_ARG);
}

/* What zbarimg (a QR reader, as a phone's camera app) reads from the code
 * of data drawn 4 pixels a module with its quiet zone; "" when nothing. */
static void qr_read_back(const char *data, char *out, size_t out_size)
{
    uint8_t m[BB_QR_MAX_SIZE * BB_QR_MAX_SIZE];
    int n = 0;
    out[0] = 0;
    if (bb_qr_encode((const uint8_t *)data, strlen(data), m, &n))
        return;
    char path[] = "/tmp/bb-qr-XXXXXX";
    int fd = mkstemp(path);
    FILE *f = fd >= 0 ? fdopen(fd, "wb") : NULL;
    if (!f)
        return;
    int side = (n + 8) * 4;
    fprintf(f, "P5\n%d %d\n255\n", side, side);
    for (int y = 0; y < side; y++)
        for (int x = 0; x < side; x++) {
            int mx = x / 4 - 4, my = y / 4 - 4;
            fputc(mx >= 0 && my >= 0 && mx < n && my < n && m[my * n + mx] ? 0 : 255, f);
        }
    fclose(f);
    char cmd[128];
    snprintf(cmd, sizeof(cmd), "zbarimg --quiet --raw -Sdisable -Sqrcode.enable %s 2>/dev/null", path);
    FILE *p = popen(cmd, "r");
    size_t got = p ? fread(out, 1, out_size - 1, p) : 0;
    if (p)
        pclose(p);
    out[got] = 0;
    if (got && out[got - 1] == '\n')
        out[got - 1] = 0;
    unlink(path);
}

TEST(qr_codes_read_back_at_every_size_an_enrolment_link_takes)
{
    /* The last and first length of each version 1..9 at level M (14 26 42
     * 62 84 106 122 152 180 bytes), and a real link. */
    static const int lengths[] = {1, 14, 15, 26, 27, 42, 43, 62, 63, 84, 85, 106, 107, 122, 123, 152, 153, 180};
    char data[200], back[256];
    for (size_t i = 0; i < sizeof(lengths) / sizeof(lengths[0]); i++) {
        for (int k = 0; k < lengths[i]; k++)
            data[k] = (char)('!' + (k * 7 + lengths[i]) % 90);
        data[lengths[i]] = 0;
        qr_read_back(data, back, sizeof(back));
        if (strcmp(back, data))
            fprintf(stderr, "  length %d read back as '%s'\n", lengths[i], back);
        CHECK(!strcmp(back, data));
    }
    uint8_t key[BB_TOTP_KEY_BYTES];
    char uri[BB_TOTP_URI_MAX];
    memset(key, 0xa5, sizeof(key));
    CHECK_OK(bb_totp_uri(key, "jan de vries/2", uri, sizeof(uri)));
    CHECK(!strcmp(uri, "otpauth://totp/Beeldbel:jan%20de%20vries%2F2?secret=UWS2LJNFUWS2LJNFUWS2LJNFUWS2LJNF"
                       "&issuer=Beeldbel&algorithm=SHA1&digits=6&period=30"));
    qr_read_back(uri, back, sizeof(back));
    CHECK(!strcmp(back, uri));
    /* Too long for version 9: refused, not cut. */
    uint8_t m[BB_QR_MAX_SIZE * BB_QR_MAX_SIZE];
    int n = 0;
    memset(data, 'x', 181);
    CHECK_EQ_INT(bb_qr_encode((const uint8_t *)data, 181, m, &n), BB_E_BUFFER);
    CHECK_OK(bb_qr_encode((const uint8_t *)data, 180, m, &n));
    CHECK_EQ_INT(n, 53);
}

TEST(a_second_factor_is_offered_once_and_enrolled_with_its_first_code)
{
    bb_store *s;
    CHECK_OK(test_store_open(&s));
    bb_officer o = {0};
    snprintf(o.username, sizeof(o.username), "nieuw");
    snprintf(o.display_name, sizeof(o.display_name), "Nieuw");
    o.iterations = 10000;
    CHECK_OK(bb_store_add_officer(s, &o));
    CHECK_OK(bb_store_officer_by_name(s, "nieuw", &o));
    CHECK(!o.has_totp && !o.has_pending);
    uint8_t k1[BB_TOTP_KEY_BYTES], k2[BB_TOTP_KEY_BYTES];
    memset(k1, 1, sizeof(k1));
    memset(k2, 2, sizeof(k2));
    CHECK_EQ_INT(bb_store_officer_totp_enrol(s, o.id, 5), BB_E_STATE); /* nothing offered */
    CHECK_OK(bb_store_officer_totp_offer(s, o.id, k1));
    CHECK_OK(bb_store_officer_totp_offer(s, o.id, k2)); /* the first offer stands */
    CHECK_OK(bb_store_officer_by_name(s, "nieuw", &o));
    CHECK(o.has_pending && !memcmp(o.totp_pending, k1, sizeof(k1)) && !o.has_totp);
    CHECK_OK(bb_store_officer_totp_enrol(s, o.id, 7));
    CHECK_OK(bb_store_officer_by_name(s, "nieuw", &o));
    CHECK(o.has_totp && !memcmp(o.totp, k1, sizeof(k1)) && !o.has_pending && o.totp_last_step == 7);
    CHECK_EQ_INT(bb_store_officer_totp_enrol(s, o.id, 8), BB_E_STATE);
    CHECK_OK(bb_store_officer_totp_offer(s, o.id, k2)); /* has a key: nothing changes */
    CHECK_OK(bb_store_officer_by_name(s, "nieuw", &o));
    CHECK(!o.has_pending && !memcmp(o.totp, k1, sizeof(k1)));
    /* A reset clears both: the next offer is new. */
    CHECK_OK(bb_store_set_officer_totp(s, "nieuw", NULL));
    CHECK_OK(bb_store_officer_totp_offer(s, o.id, k2));
    CHECK_OK(bb_store_officer_by_name(s, "nieuw", &o));
    CHECK(!o.has_totp && o.has_pending && !memcmp(o.totp_pending, k2, sizeof(k2)));
    bb_store_close(s);
}

/* RFC 6238 appendix B (SHA-1), the last six of its eight digits, and
 * RFC 4648's base32 examples. */
TEST(totp_matches_rfc6238_and_each_code_works_once)
{
    const uint8_t *key = (const uint8_t *)"12345678901234567890";
    static const struct { int64_t t; const char *code; } v[] = {
        {59, "287082"}, {1111111109, "081804"}, {1111111111, "050471"},
        {1234567890, "005924"}, {2000000000, "279037"}, {20000000000, "353130"}};
    for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
        char code[BB_TOTP_DIGITS + 1];
        CHECK_OK(bb_totp(key, 20, (uint64_t)(v[i].t / BB_TOTP_PERIOD), code));
        CHECK(!strcmp(code, v[i].code));
    }
    /* Half a minute either side is allowed; a step already used is not. */
    CHECK_EQ_INT(bb_totp_check(key, 20, "081804", 1111111109, 0), 1111111109 / 30);
    CHECK_EQ_INT(bb_totp_check(key, 20, "081804", 1111111109 + 30, 0), 1111111109 / 30);
    CHECK_EQ_INT(bb_totp_check(key, 20, "081804", 1111111109 + 60, 0), -1);
    CHECK_EQ_INT(bb_totp_check(key, 20, "081804", 1111111109, 1111111109 / 30), -1); /* replayed */
    CHECK_EQ_INT(bb_totp_check(key, 20, "081805", 1111111109, 0), -1);
    CHECK_EQ_INT(bb_totp_check(key, 20, "81804", 1111111109, 0), -1);
    CHECK_EQ_INT(bb_totp_check(key, 20, "08180x", 1111111109, 0), -1);
    CHECK_EQ_INT(bb_totp_check(key, 20, NULL, 1111111109, 0), -1);
    char b[40];
    bb_base32((const uint8_t *)"foobar", 6, b);
    CHECK(!strcmp(b, "MZXW6YTBOI"));
    bb_base32((const uint8_t *)"f", 1, b);
    CHECK(!strcmp(b, "MY"));
}

TEST(reference_and_b64url_encodings)
{
    char ref[13], b[8];
    const uint8_t zero[5] = {0}, ones[5] = {0xff, 0xff, 0xff, 0xff, 0xff};
    bb_reference_from_bytes(zero, ref);
    CHECK(!strcmp(ref, "BB-0000-0000"));
    bb_reference_from_bytes(ones, ref);
    CHECK(!strcmp(ref, "BB-ZZZZ-ZZZZ"));
    bb_b64url((const uint8_t *)"\xfb\xff", 2, b);
    CHECK(!strcmp(b, "-_8"));
    CHECK(bb_ct_streq("abc", "abc") && !bb_ct_streq("abc", "abd") && !bb_ct_streq("abc", "ab"));
}

static const uint8_t KEY[16] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};

TEST(siphash_matches_the_reference_vectors)
{
    uint8_t k[16], in[15];
    for (int i = 0; i < 16; i++)
        k[i] = (uint8_t)i;
    for (int i = 0; i < 15; i++)
        in[i] = (uint8_t)i;
    /* From the SipHash paper's appendix and its vectors.h. */
    CHECK(bb_siphash(k, in, 0) == 0x726fdb47dd0e0e31ull);
    CHECK(bb_siphash(k, in, 15) == 0xa129ca6149be45e5ull);
    CHECK(bb_siphash(k, in, 8) == 0x93f5f5799a932462ull);
}

TEST(rate_limit_allows_burst_then_refills)
{
    bb_ratelimit *rl = bb_ratelimit_new(64, 3, 3000000, KEY); /* 3 per 3 s */
    CHECK(rl);
    uint64_t t = 1000000;
    for (int i = 0; i < 3; i++)
        CHECK_EQ_INT(bb_ratelimit_take(rl, "10.0.0.1", t), 0);
    unsigned wait = bb_ratelimit_take(rl, "10.0.0.1", t);
    CHECK_EQ_INT(bb_ratelimit_take(rl, "10.0.0.2", t), 0); /* other keys unaffected */
    CHECK_EQ_INT(bb_ratelimit_take(rl, "10.0.0.1", t + 1000000), 0); /* one token back */
    bb_ratelimit_free(rl);
    CHECK_EQ_INT(wait, 2); /* 1 s to refill, rounded up plus one */
}

TEST(rate_limit_memory_is_bounded_under_key_flood)
{
    bb_ratelimit *rl = bb_ratelimit_new(16, 1, 60000000, KEY);
    CHECK(rl);
    char k[32];
    for (int i = 0; i < 10000; i++) {
        snprintf(k, sizeof(k), "flood-%d", i);
        bb_ratelimit_take(rl, k, (uint64_t)i);
    }
    /* The table did not grow (ASan would see an overflow) and still limits. */
    CHECK_EQ_INT(bb_ratelimit_take(rl, "victim", 20000), 0);
    CHECK(bb_ratelimit_take(rl, "victim", 20001) > 0);
    bb_ratelimit_free(rl);
}

/* An attacker who is held back cannot free himself by flooding the table
 * with new keys: their fresh buckets are forgotten before his empty one. */
TEST(rate_limit_flood_of_new_keys_does_not_free_a_limited_key)
{
    bb_ratelimit *rl = bb_ratelimit_new(64, 3, 3600ull * 1000000, KEY);
    CHECK(rl);
    uint64_t t = 1000000;
    for (int i = 0; i < 3; i++)
        CHECK_EQ_INT(bb_ratelimit_take(rl, "attacker", t), 0);
    CHECK(bb_ratelimit_take(rl, "attacker", t) > 0);
    char k[32];
    for (int i = 0; i < 5000; i++) {
        snprintf(k, sizeof(k), "fresh-%d", i);
        bb_ratelimit_take(rl, k, t + 1000 + (uint64_t)i);
    }
    CHECK(bb_ratelimit_take(rl, "attacker", t + 10000) > 0);
    bb_ratelimit_free(rl);
}

/* The same keys land in other slots under another secret key. */
TEST(rate_limit_slots_depend_on_the_secret_key)
{
    uint8_t k2[16];
    memcpy(k2, KEY, 16);
    k2[0] ^= 1;
    int differ = 0;
    for (int i = 0; i < 16; i++) {
        char key[16];
        snprintf(key, sizeof(key), "10.0.0.%d", i);
        differ += bb_siphash(KEY, (const uint8_t *)key, strlen(key)) % 1024 !=
                  bb_siphash(k2, (const uint8_t *)key, strlen(key)) % 1024;
    }
    CHECK(differ >= 12);
}

TEST(backoff_doubles_after_free_failures_and_clears_on_success)
{
    bb_backoff *bo = bb_backoff_new(64, 5, 900, KEY);
    CHECK(bo);
    uint64_t t = 5000000;
    for (int i = 0; i < 5; i++) {
        CHECK_EQ_INT(bb_backoff_wait(bo, "zuid|10.0.0.1", t), 0);
        CHECK_EQ_INT(bb_backoff_failed(bo, "zuid|10.0.0.1", t), 0);
    }
    CHECK_EQ_INT(bb_backoff_failed(bo, "zuid|10.0.0.1", t), 1);
    CHECK_EQ_INT(bb_backoff_wait(bo, "zuid|10.0.0.1", t), 1);
    CHECK_EQ_INT(bb_backoff_wait(bo, "zuid|10.0.0.2", t), 0); /* the officer elsewhere */
    t += 1000000;
    CHECK_EQ_INT(bb_backoff_wait(bo, "zuid|10.0.0.1", t), 0);
    CHECK_EQ_INT(bb_backoff_failed(bo, "zuid|10.0.0.1", t), 2);
    t += 2000000;
    CHECK_EQ_INT(bb_backoff_failed(bo, "zuid|10.0.0.1", t), 4);
    for (int i = 0; i < 20; i++)
        bb_backoff_failed(bo, "zuid|10.0.0.1", t);
    CHECK_EQ_INT(bb_backoff_wait(bo, "zuid|10.0.0.1", t), 900); /* capped */
    bb_backoff_succeeded(bo, "zuid|10.0.0.1");
    CHECK_EQ_INT(bb_backoff_wait(bo, "zuid|10.0.0.1", t), 0);
    CHECK_EQ_INT(bb_backoff_failed(bo, "zuid|10.0.0.1", t), 0); /* counting starts over */
    /* A flood of other keys' single failures does not free a locked key. */
    for (int i = 0; i < 6; i++)
        bb_backoff_failed(bo, "noord|10.0.0.9", t);
    char k[32];
    for (int i = 0; i < 5000; i++) {
        snprintf(k, sizeof(k), "x%d|10.1.0.1", i);
        bb_backoff_failed(bo, k, t);
    }
    CHECK(bb_backoff_wait(bo, "noord|10.0.0.9", t) > 0);
    bb_backoff_free(bo);
}

static void job_done(bb_hash_job *job, void *arg)
{
    (void)job;
    __atomic_add_fetch((int *)arg, 1, __ATOMIC_SEQ_CST);
}

/* The hashing pool queues a bounded number of logins and refuses the rest
 * at once; every accepted job is hashed and reported. */
TEST(hash_pool_is_bounded_and_finishes_what_it_accepted)
{
    bb_hashpool *p = bb_hashpool_new(1, 1);
    CHECK(p);
    static bb_hash_job jobs[4];
    int done = 0, accepted = 0;
    for (int i = 0; i < 4; i++) {
        memset(&jobs[i], 0, sizeof(jobs[i]));
        memcpy(jobs[i].password, "password", 8);
        jobs[i].password_len = 8;
        jobs[i].iterations = 200000;
        jobs[i].done = job_done;
        jobs[i].arg = &done;
        jobs[i].rc = -1;
        accepted += bb_hashpool_submit(p, &jobs[i]) == BB_OK;
    }
    CHECK(accepted >= 1 && accepted <= 2); /* one hashing, at most one waiting */
    bb_hashpool_free(p); /* finishes the queue */
    CHECK_EQ_INT(done, accepted);
    uint8_t want[32];
    uint8_t salt[16] = {0};
    CHECK_OK(bb_pbkdf2_sha256((const uint8_t *)"password", 8, salt, 16, 200000, want, 32));
    CHECK_OK(jobs[0].rc);
    CHECK(!memcmp(jobs[0].out, want, 32));
    CHECK(jobs[0].password[0] == 0); /* the password does not stay in memory */
}

/* ---- the HTTP layer ----------------------------------------------------------------- */

TEST(routes_map_method_and_path)
{
    bb_route r;
    CHECK_EQ_INT(bb_http_route("POST", "/api/v1/requests", &r), 0);
    CHECK_EQ_INT(r.kind, BB_ROUTE_CREATE);
    CHECK_EQ_INT(bb_http_route("GET", "/api/v1/health", &r), 0);
    CHECK_EQ_INT(r.kind, BB_ROUTE_HEALTH);
    CHECK_EQ_INT(bb_http_route("GET", "/api/v1/officer/queue", &r), 0);
    CHECK_EQ_INT(bb_http_route("POST", "/api/v1/officer/requests/42/claim", &r), 0);
    CHECK(r.kind == BB_ROUTE_ACTION && r.id == 42 && !strcmp(r.action, "claim"));
    CHECK_EQ_INT(bb_http_route("POST", "/api/v1/officer/requests/999999999999999/video", &r), 0);
    CHECK(r.id == 999999999999999ll);
    CHECK_EQ_INT(bb_http_route("GET", "/api/v1/requests", &r), 405);
    CHECK_EQ_INT(bb_http_route("DELETE", "/api/v1/requests", &r), 405);
    CHECK_EQ_INT(bb_http_route("POST", "/api/v1/officer/queue", &r), 405);
    CHECK_EQ_INT(bb_http_route("GET", "/api/v1/officer/requests/1/claim", &r), 405);
    CHECK_EQ_INT(bb_http_route("POST", "/api/v1/officer/requests", &r), 0);
    CHECK_EQ_INT(r.kind, BB_ROUTE_PHONE_REQUEST);
    CHECK_EQ_INT(bb_http_route("GET", "/api/v1/officer/requests", &r), 405);
    /* A signed statement: kept with POST, fetched with GET. */
    CHECK_EQ_INT(bb_http_route("POST", "/api/v1/officer/requests/7/statement", &r), 0);
    CHECK(r.kind == BB_ROUTE_STATEMENT && r.id == 7);
    CHECK_EQ_INT(bb_http_route("GET", "/api/v1/officer/requests/7/statement", &r), 0);
    CHECK_EQ_INT(r.kind, BB_ROUTE_STATEMENT);
    CHECK_EQ_INT(bb_http_route("PUT", "/api/v1/officer/requests/7/statement", &r), 405);
    CHECK_EQ_INT(bb_http_route("POST", "/api/v1/officer/timestamp", &r), 0);
    CHECK_EQ_INT(r.kind, BB_ROUTE_TIMESTAMP);
    CHECK_EQ_INT(bb_http_route("GET", "/api/v1/officer/timestamp", &r), 405);
    /* The evidence store: a recording begins with its request, then goes by its own id. */
    CHECK_EQ_INT(bb_http_route("POST", "/api/v1/officer/requests/7/recording", &r), 0);
    CHECK(r.kind == BB_ROUTE_RECORDING_NEW && r.id == 7);
    CHECK_EQ_INT(bb_http_route("GET", "/api/v1/officer/requests/7/recording", &r), 405);
    CHECK_EQ_INT(bb_http_route("GET", "/api/v1/officer/recordings/12", &r), 0);
    CHECK(r.kind == BB_ROUTE_RECORDING && r.id == 12);
    CHECK_EQ_INT(bb_http_route("POST", "/api/v1/officer/recordings/12", &r), 405);
    CHECK_EQ_INT(bb_http_route("POST", "/api/v1/officer/recordings/12/file", &r), 0);
    CHECK(r.kind == BB_ROUTE_RECORDING_FILE && r.id == 12);
    CHECK_EQ_INT(bb_http_route("GET", "/api/v1/officer/recordings/999999999999999/manifest", &r), 0);
    CHECK(r.kind == BB_ROUTE_RECORDING_MANIFEST && r.id == 999999999999999LL);
    CHECK_EQ_INT(bb_http_route("PUT", "/api/v1/officer/recordings/12/file", &r), 405);
    CHECK_EQ_INT(r.kind, 0);
    const char *const missing[] = {
        "/api/v1/officer/recordings/", "/api/v1/officer/recordings/1234567890123456",
        "/api/v1/officer/recordings/1/", "/api/v1/officer/recordings/1/files", "/api/v1/officer/recordings/x/file",
        "/api/v1/officer/recordings/1/file/x", "/api/v1/officer/recordings//file",
        "/api/v1/nope", "/api/v1/../../etc/passwd", "/api/v2/requests", "/api/v1/requests/",
        "/api/v1/officer/requests/1234567890123456/claim", "/api/v1/officer/requests//claim",
        "/api/v1/officer/requests/1/", "/api/v1/officer/requests/1/Claim",
        "/api/v1/officer/requests/1/claim/x", "/api/v1/officer/requests/-1/claim",
        "/api/v1/officer/requests/1/abcdefghijklmnop", "api/v1/requests", ""};
    for (size_t i = 0; i < sizeof(missing) / sizeof(missing[0]); i++)
        CHECK_EQ_INT(bb_http_route("POST", missing[i], &r), 404);
}

TEST(client_address_comes_from_the_trusted_hops_only)
{
    char k[BB_CLIENT_KEY_MAX];
    /* No proxy trusted: the socket's peer, whatever the header says. */
    CHECK_OK(bb_http_client_key("203.0.113.9", "127.0.0.1", 0, k));
    CHECK(!strcmp(k, "127.0.0.1"));
    /* One proxy (serve.mjs): the entry it appended, not what the client wrote. */
    CHECK_OK(bb_http_client_key("6.6.6.6, 203.0.113.9", "127.0.0.1", 1, k));
    CHECK(!strcmp(k, "203.0.113.9"));
    /* Two (a TLS terminator, then serve.mjs): the second from the right. */
    CHECK_OK(bb_http_client_key("6.6.6.6,203.0.113.9, 10.0.0.2", "127.0.0.1", 2, k));
    CHECK(!strcmp(k, "203.0.113.9"));
    /* Fewer entries than hops: the leftmost, written by a trusted proxy. */
    CHECK_OK(bb_http_client_key("203.0.113.9", "127.0.0.1", 3, k));
    CHECK(!strcmp(k, "203.0.113.9"));
    /* Not an address where the client should be: the peer. */
    CHECK_OK(bb_http_client_key("1.2.3.4, evil", "127.0.0.1", 1, k));
    CHECK(!strcmp(k, "127.0.0.1"));
    CHECK_OK(bb_http_client_key("1.2.3.4,", "127.0.0.1", 1, k));
    CHECK(!strcmp(k, "127.0.0.1"));
    CHECK_OK(bb_http_client_key(NULL, "::ffff:192.0.2.1", 1, k));
    CHECK(!strcmp(k, "192.0.2.1"));
    /* IPv6: one /64 is one client. */
    CHECK_OK(bb_http_client_key("2001:db8:1:2:aaaa:bbbb:cccc:dddd", "127.0.0.1", 1, k));
    CHECK(!strcmp(k, "2001:db8:1:2::/64"));
    char k2[BB_CLIENT_KEY_MAX];
    CHECK_OK(bb_http_client_key("2001:db8:1:2::1", "127.0.0.1", 1, k2));
    CHECK(!strcmp(k, k2));
    CHECK_OK(bb_http_client_key("2001:db8:1:3::1", "127.0.0.1", 1, k2));
    CHECK(strcmp(k, k2));
    CHECK_EQ_INT(bb_http_client_key("x", "y", 1, k), -1);
    CHECK(!strcmp(k, "?"));
}

TEST(cookies_are_found_exactly_once)
{
    char v[44];
    CHECK_OK(bb_http_cookie("a=1; bb_session=abc; b=2", "bb_session", v, sizeof(v)));
    CHECK(!strcmp(v, "abc"));
    CHECK_OK(bb_http_cookie("bb_session=abc", "bb_session", v, sizeof(v)));
    CHECK_EQ_INT(bb_http_cookie("xbb_session=abc", "bb_session", v, sizeof(v)), -1);
    CHECK_EQ_INT(bb_http_cookie("bb_session=a; bb_session=b", "bb_session", v, sizeof(v)), -1);
    CHECK_EQ_INT(bb_http_cookie("bb_session=", "bb_session", v, sizeof(v)), -1);
    CHECK_EQ_INT(bb_http_cookie("bb_session", "bb_session", v, sizeof(v)), -1);
    CHECK_EQ_INT(bb_http_cookie(NULL, "bb_session", v, sizeof(v)), -1);
    char tiny[4];
    CHECK_EQ_INT(bb_http_cookie("bb_session=abcd", "bb_session", tiny, sizeof(tiny)), -1);
    uint64_t len;
    CHECK_OK(bb_http_content_length("16384", &len));
    CHECK(len == 16384);
    CHECK_EQ_INT(bb_http_content_length("-1", &len), -1);
    CHECK_EQ_INT(bb_http_content_length("99999999999999999999", &len), -1);
    CHECK_EQ_INT(bb_http_content_length("", &len), -1);
}

/* ---- store --------------------------------------------------------------------------- */

static bb_callback_request sample(const char *phone)
{
    bb_callback_request r;
    memset(&r, 0, sizeof(r));
    strcpy(r.name, "Anna");
    strcpy(r.phone, phone);
    strcpy(r.neighbourhood, "groningen-noord");
    strcpy(r.topic, "Fietsendiefstal");
    strcpy(r.preference, "video");
    strcpy(r.window, "any");
    strcpy(r.lang, "nl");
    return r;
}

static int64_t add(bb_store *s, const char *ref, int64_t now)
{
    bb_callback_request r = sample("+31612345678");
    int64_t id = 0;
    if (bb_store_create_request(s, &r, ref, now, &id) != BB_OK)
        return -1;
    return id;
}

static void count_row(void *ctx, const bb_stored_request *r)
{
    (void)r;
    (*(int *)ctx)++;
}

TEST(retention_deletes_old_closed_and_abandoned_requests_and_nothing_else)
{
    bb_store *s;
    CHECK_OK(test_store_open(&s));
    const int64_t t0 = 1800000000, retention = 30 * DAY;
    int64_t old_done = add(s, "BB-0000-0001", t0);
    int64_t recent_done = add(s, "BB-0000-0002", t0);
    int64_t old_open = add(s, "BB-0000-0003", t0);
    int64_t old_claimed = add(s, "BB-0000-0004", t0);
    CHECK(old_done > 0 && recent_done > 0 && old_open > 0 && old_claimed > 0);
    CHECK_OK(bb_store_set_status(s, old_done, "done", "reached", t0 + DAY));
    CHECK_OK(bb_store_set_status(s, recent_done, "done", "reached", t0 + 20 * DAY));
    CHECK_OK(bb_store_claim(s, old_claimed, 1, t0 + DAY));
    int deleted = -1;
    /* 31 days after t0 + 1 day: only old_done is past retention... not yet. */
    CHECK_OK(bb_store_purge(s, t0 + DAY + retention, retention, 365 * DAY, &deleted));
    CHECK_EQ_INT(deleted, 0); /* exactly at the limit: kept */
    CHECK_OK(bb_store_purge(s, t0 + DAY + retention + 1, retention, 365 * DAY, &deleted));
    CHECK_EQ_INT(deleted, 1);
    bb_stored_request *r = malloc(sizeof(*r));
    CHECK(r);
    int gone = bb_store_get(s, old_done, r);
    int kept1 = bb_store_get(s, recent_done, r);
    int kept2 = bb_store_get(s, old_open, r);
    int kept3 = bb_store_get(s, old_claimed, r);
    free(r);
    bb_store_close(s);
    CHECK_EQ_INT(gone, BB_E_AGAIN);
    CHECK_OK(kept1);
    CHECK_OK(kept2);
    CHECK_OK(kept3);
}

TEST(a_signed_statement_is_kept_with_its_request_and_goes_with_it)
{
    bb_store *s;
    CHECK_OK(test_store_open(&s));
    const int64_t t0 = 1800000000, retention = 30 * DAY;
    int64_t id = add(s, "BB-0000-0011", t0), other = add(s, "BB-0000-0012", t0);
    static const uint8_t first[] = "%PDF-1.7 eerste", second[] = "%PDF-1.7 tweede";
    int64_t sid = 0;
    CHECK_OK(bb_store_statement_add(s, id, 7, first, sizeof(first), "aa", t0, &sid));
    CHECK(sid > 0);
    CHECK_OK(bb_store_statement_add(s, id, 7, second, sizeof(second), "bb", t0 + 1, NULL));
    CHECK_EQ_INT(bb_store_statement_add(s, 999999, 7, first, sizeof(first), "aa", t0, NULL), BB_E_STATE);
    uint8_t *pdf = NULL;
    size_t len = 0;
    CHECK_OK(bb_store_statement_latest(s, id, &pdf, &len));
    CHECK(len == sizeof(second) && !memcmp(pdf, second, len));
    free(pdf);
    CHECK_EQ_INT(bb_store_statement_latest(s, other, &pdf, &len), BB_E_AGAIN);
    /* Closed and past retention: the request and its statements go. */
    CHECK_OK(bb_store_set_status(s, id, "done", "reached", t0 + DAY));
    int deleted = 0;
    CHECK_OK(bb_store_purge(s, t0 + DAY + retention + 1, retention, 365 * DAY, &deleted));
    CHECK_EQ_INT(deleted, 1);
    int rc = bb_store_statement_latest(s, id, &pdf, &len);
    bb_store_close(s);
    CHECK_EQ_INT(rc, BB_E_AGAIN);
}

/* Requests nobody closed (queued, claimed, in a call) go after the maximum
 * age for open requests; closed ones keep their own retention. */
TEST(retention_deletes_requests_left_open_too_long)
{
    bb_store *s;
    CHECK_OK(test_store_open(&s));
    const int64_t t0 = 1800000000;
    int64_t queued = add(s, "BB-0000-0001", t0);
    int64_t claimed = add(s, "BB-0000-0002", t0);
    int64_t calling = add(s, "BB-0000-0003", t0);
    int64_t young = add(s, "BB-0000-0004", t0 + 10 * DAY);
    int64_t done = add(s, "BB-0000-0005", t0);
    CHECK_OK(bb_store_claim(s, claimed, 1, t0 + 1));
    CHECK_OK(bb_store_set_status(s, calling, "in_call", NULL, t0 + 2));
    CHECK_OK(bb_store_set_status(s, done, "done", "reached", t0 + 13 * DAY));
    int deleted = -1;
    CHECK_OK(bb_store_purge(s, t0 + 14 * DAY, 30 * DAY, 14 * DAY, &deleted));
    CHECK_EQ_INT(deleted, 0);
    CHECK_OK(bb_store_purge(s, t0 + 14 * DAY + 1, 30 * DAY, 14 * DAY, &deleted));
    CHECK_EQ_INT(deleted, 3);
    bb_stored_request *r = malloc(sizeof(*r));
    CHECK(r);
    int g1 = bb_store_get(s, queued, r), g2 = bb_store_get(s, claimed, r), g3 = bb_store_get(s, calling, r);
    int k1 = bb_store_get(s, young, r), k2 = bb_store_get(s, done, r);
    free(r);
    bb_store_close(s);
    CHECK(g1 == BB_E_AGAIN && g2 == BB_E_AGAIN && g3 == BB_E_AGAIN);
    CHECK_OK(k1);
    CHECK_OK(k2);
}

TEST(store_claim_is_exclusive_and_queue_is_per_neighbourhood)
{
    bb_store *s;
    CHECK_OK(test_store_open(&s));
    int64_t a = add(s, "BB-0000-000A", 100);
    bb_callback_request zuid = sample("+31612345679");
    strcpy(zuid.neighbourhood, "groningen-zuid");
    int64_t b;
    CHECK_OK(bb_store_create_request(s, &zuid, "BB-0000-000B", 50, &b));
    CHECK_EQ_INT(bb_store_create_request(s, &zuid, "BB-0000-000B", 50, &b), BB_E_STATE); /* taken */
    CHECK_OK(bb_store_claim(s, a, 1, 200));
    CHECK_EQ_INT(bb_store_claim(s, a, 2, 201), BB_E_STATE);
    int n = 0;
    CHECK_OK(bb_store_queue(s, "groningen-noord", count_row, &n));
    CHECK_EQ_INT(n, 1);
    n = 0;
    CHECK_OK(bb_store_queue(s, "groningen-noord,groningen-zuid", count_row, &n));
    CHECK_EQ_INT(n, 2);
    n = 0;
    CHECK_OK(bb_store_queue(s, "groningen", count_row, &n)); /* no prefix matches */
    CHECK_EQ_INT(n, 0);
    bb_store_close(s);
}

static void collect_repeats(void *ctx, const bb_stored_request *r)
{
    int *out = ctx;
    out[out[0]++ + 1] = r->repeats;
}

TEST(queue_counts_earlier_requests_for_the_same_phone_in_24_hours)
{
    bb_store *s;
    CHECK_OK(test_store_open(&s));
    add(s, "BB-0000-000A", 1000);
    add(s, "BB-0000-000B", 2000);
    bb_callback_request other = sample("+31612345679");
    CHECK_OK(bb_store_create_request(s, &other, "BB-0000-000C", 3000, NULL));
    add(s, "BB-0000-000D", 88000); /* 1000 is more than 24 h before, 2000 is not */
    int got[8] = {0};
    CHECK_OK(bb_store_queue(s, "groningen-noord", collect_repeats, got));
    CHECK_EQ_INT(got[0], 4);
    CHECK(got[1] == 0 && got[2] == 1 && got[3] == 0 && got[4] == 1);
    bb_store_close(s);
}

/* A database file made by an older service: path (a mkstemp template) holds
 * its name afterwards. */
static int old_database(char *path, const char *sql)
{
    int fd = mkstemp(path);
    if (fd < 0)
        return 0;
    close(fd);
    sqlite3 *db;
    int ok = sqlite3_open(path, &db) == SQLITE_OK && sqlite3_exec(db, sql, NULL, NULL, NULL) == SQLITE_OK;
    sqlite3_close(db);
    return ok;
}

/* Removes a database file and SQLite's companions. */
static void remove_database(const char *path)
{
    char name[64];
    unlink(path);
    snprintf(name, sizeof(name), "%s-wal", path);
    unlink(name);
    snprintf(name, sizeof(name), "%s-shm", path);
    unlink(name);
}

/* A database from before the call's secret left the service: the column and its values go. */
TEST(old_database_forgets_the_call_secrets_it_kept)
{
    char path[] = "/tmp/bb-contact-XXXXXX";
    CHECK(old_database(path,
        "CREATE TABLE invitations (token_hash TEXT PRIMARY KEY, request_id INTEGER NOT NULL,"
        " officer_id INTEGER NOT NULL, room INTEGER NOT NULL, pin TEXT NOT NULL,"
        " participant_id TEXT NOT NULL, invitation_secret TEXT NOT NULL, expires_at INTEGER NOT NULL,"
        " used_at INTEGER);"
        "INSERT INTO invitations VALUES ('hash-old', 1, 1, 77, 'pin', 'citizen-1', 'the-old-secret', 1000, NULL);"
        "CREATE TABLE rooms (room INTEGER PRIMARY KEY, request_id INTEGER NOT NULL, secret TEXT NOT NULL,"
        " created_at INTEGER NOT NULL);"
        "INSERT INTO rooms VALUES (77, 1, 'room-secret', 900);"
        "CREATE TABLE requests (id INTEGER PRIMARY KEY, reference TEXT NOT NULL UNIQUE, status TEXT NOT NULL,"
        " name TEXT NOT NULL, phone TEXT NOT NULL, email TEXT NOT NULL, neighbourhood TEXT NOT NULL,"
        " topic TEXT NOT NULL, preference TEXT NOT NULL, win TEXT NOT NULL, date TEXT NOT NULL,"
        " needs INTEGER NOT NULL, lang TEXT NOT NULL, created_at INTEGER NOT NULL,"
        " claimed_by INTEGER, claimed_at INTEGER, closed_at INTEGER, outcome TEXT NOT NULL DEFAULT '',"
        " notes TEXT NOT NULL DEFAULT '');"
        "INSERT INTO requests (id, reference, status, name, phone, email, neighbourhood, topic, preference,"
        " win, date, needs, lang, created_at) VALUES (1, 'BB-0000-0001', 'inviting', 'Anna', '+31612345678',"
        " '', 'groningen-noord', 'x', 'video', 'any', '', 0, 'nl', 800);"));
    bb_store *s;
    CHECK_OK(bb_store_open(path, &s));
    bb_invitation out;
    CHECK_OK(bb_store_invitation_redeem(s, "hash-old", 500, 0, 1, &out, NULL)); /* the link itself still works */
    CHECK_EQ_INT(out.room, 77);
    CHECK(!strcmp(out.pin, "pin")); /* its PIN moved to the room */
    bb_store_close(s);
    sqlite3 *db;
    CHECK_EQ_INT(sqlite3_open(path, &db), SQLITE_OK);
    sqlite3_stmt *st;
    CHECK_EQ_INT(sqlite3_prepare_v2(db, "SELECT COUNT(*) FROM pragma_table_info('invitations')"
                                        " WHERE name = 'invitation_secret'", -1, &st, NULL), SQLITE_OK);
    CHECK_EQ_INT(sqlite3_step(st), SQLITE_ROW);
    CHECK_EQ_INT(sqlite3_column_int(st, 0), 0);
    sqlite3_finalize(st);
    CHECK_EQ_INT(sqlite3_prepare_v2(db, "SELECT COUNT(*) FROM pragma_table_info('invitations')"
                                        " WHERE name = 'pin'", -1, &st, NULL), SQLITE_OK);
    CHECK_EQ_INT(sqlite3_step(st), SQLITE_ROW);
    CHECK_EQ_INT(sqlite3_column_int(st, 0), 0); /* invitations hold no PIN any more */
    sqlite3_finalize(st);
    sqlite3_close(db);
    /* Nor is the value anywhere in the file (secure_delete overwrote it). */
    FILE *f = fopen(path, "rb");
    CHECK(f != NULL);
    static char buf[1 << 16];
    size_t n = fread(buf, 1, sizeof(buf), f);
    fclose(f);
    CHECK(memmem(buf, n, "the-old-secret", 14) == NULL);
    remove_database(path);
}

/* Accounts from before officer numbers get an empty one (their invitations verify nobody)
 * until they are given theirs. */
TEST(old_database_gets_officer_numbers)
{
    char path[] = "/tmp/bb-contact-XXXXXX";
    CHECK(old_database(path,
        "CREATE TABLE officers (id INTEGER PRIMARY KEY, username TEXT NOT NULL UNIQUE,"
        " display_name TEXT NOT NULL, team TEXT NOT NULL, neighbourhoods TEXT NOT NULL,"
        " salt BLOB NOT NULL, hash BLOB NOT NULL, iterations INTEGER NOT NULL);"
        "INSERT INTO officers VALUES (1, 'jan', 'Jan de Vries', 'Team', 'groningen-noord', x'00', x'00', 10000);"
        "CREATE TABLE invitations (token_hash TEXT PRIMARY KEY, request_id INTEGER NOT NULL,"
        " officer_id INTEGER NOT NULL, room INTEGER NOT NULL, pin TEXT NOT NULL,"
        " participant_id TEXT NOT NULL, expires_at INTEGER NOT NULL, used_at INTEGER);"
        "INSERT INTO invitations VALUES ('h1', 7, 1, 4321, 'pin', 'citizen-1', 9000, NULL);"
        "CREATE TABLE rooms (room INTEGER PRIMARY KEY, request_id INTEGER NOT NULL, secret TEXT NOT NULL,"
        " created_at INTEGER NOT NULL);"
        "INSERT INTO rooms VALUES (4321, 7, 'room-secret', 90);"));
    bb_store *s;
    CHECK_OK(bb_store_open(path, &s));
    /* Invitations from before interpreters had their own are the citizen's. */
    bb_invitation old;
    CHECK_OK(bb_store_invitation_redeem(s, "h1", 100, 0, 1, &old, NULL));
    CHECK(strcmp(old.role, "citizen") == 0);
    int others = -1;
    CHECK_OK(bb_store_current_call(s, 7, &old, &others));
    CHECK_EQ_INT(old.room, 4321);
    CHECK_EQ_INT(others, 0);
    bb_officer o;
    CHECK_OK(bb_store_officer_by_name(s, "jan", &o));
    CHECK_EQ_INT(strlen(o.number), 0);
    CHECK_OK(bb_store_set_officer_number(s, "jan", "100001"));
    CHECK_EQ_INT(bb_store_set_officer_number(s, "piet", "100002"), BB_E_AGAIN);
    CHECK_OK(bb_store_officer_by_id(s, 1, &o));
    CHECK(strcmp(o.number, "100001") == 0);
    bb_store_close(s);
    remove_database(path);
}

TEST(invitation_is_single_use_and_expires)
{
    bb_store *s;
    CHECK_OK(test_store_open(&s));
    int64_t id = add(s, "BB-0000-0INV", 100);
    bb_invitation inv = {.request_id = id, .officer_id = 1, .room = 1234, .expires_at = 1000};
    strcpy(inv.participant_id, "citizen-1");
    CHECK_OK(bb_store_room_add(s, id, 1234, "room-secret", "the-pin", "", 100));
    CHECK_OK(bb_store_invitation_create(s, "hash-a", &inv));
    bb_invitation out;
    char secret[48];
    CHECK_EQ_INT(bb_store_invitation_redeem(s, "hash-unknown", 500, 0, 1, &out, NULL), BB_E_AGAIN);
    /* A look first (the service lists the participant's Janus token with the
     * room's secret), which leaves the link unused. */
    CHECK_OK(bb_store_invitation_redeem(s, "hash-a", 499, 0, 0, &out, secret));
    CHECK(!strcmp(secret, "room-secret") && out.used_at == 0);
    CHECK(!strcmp(out.neighbourhood, "groningen-noord")); /* the request's, to count the call in */
    CHECK_OK(bb_store_invitation_redeem(s, "hash-a", 500, 0, 1, &out, NULL));
    CHECK_EQ_INT(out.room, 1234);
    CHECK(!strcmp(out.pin, "the-pin")); /* from the room: invitations keep no PIN */
    CHECK_EQ_INT(bb_store_invitation_redeem(s, "hash-a", 501, 0, 1, &out, NULL), BB_E_STATE);
    CHECK(out.used_at == 500);
    CHECK_OK(bb_store_invitation_create(s, "hash-b", &inv));
    CHECK_EQ_INT(bb_store_invitation_redeem(s, "hash-b", 1000, 0, 1, &out, NULL), BB_E_STATE); /* expired */
    CHECK(out.used_at == 0);
    /* A new link retires the older unused one. */
    CHECK_OK(bb_store_invitation_create(s, "hash-x", &inv));
    CHECK_EQ_INT(bb_store_invitation_redeem(s, "hash-b", 900, 0, 1, &out, NULL), BB_E_AGAIN);
    /* Closing the request retires its unused link too. */
    CHECK_OK(bb_store_invitation_create(s, "hash-d", &inv));
    CHECK_OK(bb_store_set_status(s, id, "done", "reached", 950));
    CHECK_EQ_INT(bb_store_invitation_redeem(s, "hash-d", 960, 0, 1, &out, NULL), BB_E_AGAIN);
    CHECK_OK(bb_store_invitation_create(s, "hash-c", &inv));
    /* A colleague's link opens only the officers' door, and the wrong door leaves it unused. */
    bb_invitation col = inv;
    strcpy(col.role, "colleague");
    CHECK_OK(bb_store_invitation_create(s, "hash-col", &col));
    CHECK_EQ_INT(bb_store_invitation_redeem(s, "hash-col", 900, 0, 1, &out, NULL), BB_E_AGAIN);
    CHECK_EQ_INT(bb_store_invitation_redeem(s, "hash-c", 900, 1, 1, &out, NULL), BB_E_AGAIN);
    CHECK_OK(bb_store_invitation_redeem(s, "hash-col", 900, 1, 1, &out, NULL));
    CHECK(strcmp(out.role, "colleague") == 0);
    CHECK_OK(bb_store_invitation_redeem(s, "hash-c", 900, 0, 1, &out, NULL));
    /* Cancel deletes the request and its invitations. */
    CHECK_OK(bb_store_delete_request(s, id));
    CHECK_EQ_INT(bb_store_invitation_redeem(s, "hash-c", 900, 0, 1, &out, NULL), BB_E_AGAIN);
    bb_store_close(s);
}

/* A room stays known (secret and PIN) until Janus confirms it is gone;
 * a link into a room that is gone is refused as ended. */
TEST(rooms_of_ended_requests_are_listed_until_forgotten)
{
    bb_store *s;
    CHECK_OK(test_store_open(&s));
    int64_t open = add(s, "BB-0000-0R01", 100), closed = add(s, "BB-0000-0R02", 100);
    int64_t cancelled = add(s, "BB-0000-0R03", 100);
    CHECK_OK(bb_store_room_add(s, open, 11, "s11", "p11", "wss://a", 100));
    CHECK_OK(bb_store_room_add(s, closed, 22, "s22", "p22", "wss://b", 100));
    CHECK_OK(bb_store_room_add(s, cancelled, 33, "s33", "p33", "", 100));
    bb_invitation inv = {.request_id = open, .officer_id = 1, .room = 11, .expires_at = 1000};
    strcpy(inv.participant_id, "citizen-1");
    CHECK_OK(bb_store_invitation_create(s, "hash-open", &inv));
    CHECK_OK(bb_store_set_status(s, closed, "done", "reached", 200));
    CHECK_OK(bb_store_delete_request(s, cancelled));
    int64_t rooms[8];
    char secrets[8][48], servers[8][256];
    int n = 0;
    CHECK_OK(bb_store_rooms_ended(s, 0, rooms, secrets, servers, 8, &n));
    CHECK_EQ_INT(n, 2);
    CHECK(rooms[0] == 22 && !strcmp(secrets[0], "s22") && !strcmp(servers[0], "wss://b") && rooms[1] == 33);
    CHECK_OK(bb_store_room_forget(s, 22)); /* Janus confirmed; 33 failed */
    CHECK_OK(bb_store_rooms_ended(s, 0, rooms, secrets, servers, 8, &n));
    CHECK(n == 1 && rooms[0] == 33);
    CHECK_OK(bb_store_rooms_ended(s, closed, rooms, secrets, servers, 8, &n));
    CHECK_EQ_INT(n, 0); /* that request's room is gone; 33 is another's */
    CHECK_OK(bb_store_rooms_ended(s, cancelled, rooms, secrets, servers, 8, &n));
    CHECK(n == 1 && rooms[0] == 33);
    /* The open request's room went away: its link no longer opens anything. */
    CHECK_OK(bb_store_room_forget(s, 11));
    bb_invitation out;
    CHECK_EQ_INT(bb_store_invitation_redeem(s, "hash-open", 500, 0, 1, &out, NULL), BB_E_STATE);
    CHECK(out.used_at == 0);
    bb_store_close(s);
}

static void pilot_value(void *ctx, const char *week, const char *neighbourhood, const char *metric, int64_t value)
{
    if (!strcmp(week, "2026-W40") && !strcmp(neighbourhood, "groningen-noord") && !strcmp(metric, "requests"))
        *(int64_t *)ctx += value;
}

/* A file from before the numbered migrations keeps its pilot figures, and
 * counts on from them. */
TEST(old_database_keeps_its_pilot_figures)
{
    char path[] = "/tmp/bb-contact-XXXXXX";
    CHECK(old_database(path,
        "CREATE TABLE pilot (week TEXT NOT NULL, neighbourhood TEXT NOT NULL, metric TEXT NOT NULL,"
        " value INTEGER NOT NULL, PRIMARY KEY (week, neighbourhood, metric));"
        "INSERT INTO pilot VALUES ('2026-W40', 'groningen-noord', 'requests', 41);"));
    bb_store *s;
    CHECK_OK(bb_store_open(path, &s));
    const char *metric = "requests";
    const int64_t one = 1;
    CHECK_OK(bb_store_pilot_add(s, "2026-W40", "groningen-noord", &metric, &one, 1));
    int64_t total = 0;
    CHECK_OK(bb_store_pilot_rows(s, "groningen-noord", pilot_value, &total));
    bb_store_close(s);
    remove_database(path);
    CHECK_EQ_INT(total, 42);
}

/* The Janus servers' list: HTTP_URL|WS_URL pairs, each once; calls go to
 * the healthy one with the fewest. */
TEST(janus_server_list_is_read_strictly_and_picks_the_least_loaded_healthy)
{
    bb_janus_pool *p = bb_janus_pool_new("http://127.0.0.1:8089/janus|wss://a.example:8188,"
                                         "https://10.0.0.2/janus|ws://b.example:8188");
    CHECK(p != NULL);
    CHECK_EQ_INT(bb_janus_pool_size(p), 2);
    CHECK(!strcmp(bb_janus_pool_http(p, 1), "https://10.0.0.2/janus"));
    CHECK(!strcmp(bb_janus_pool_ws(p, 0), "wss://a.example:8188"));
    CHECK_EQ_INT(bb_janus_pool_find(p, "ws://b.example:8188"), 1);
    CHECK_EQ_INT(bb_janus_pool_find(p, ""), 0); /* rooms from before: the first */
    CHECK_EQ_INT(bb_janus_pool_find(p, "ws://c.example"), -1);
    int calls[2] = {3, 1};
    CHECK_EQ_INT(bb_janus_pool_pick(p, calls), 1);
    calls[1] = 3;
    CHECK_EQ_INT(bb_janus_pool_pick(p, calls), 0); /* equals: the first */
    bb_janus_pool_set_healthy(p, 0, 0);
    CHECK_EQ_INT(bb_janus_pool_pick(p, calls), 1);
    bb_janus_pool_set_healthy(p, 1, 0);
    CHECK_EQ_INT(bb_janus_pool_pick(p, calls), -1);
    bb_janus_pool_free(p);
    static const char *const bad[] = {
        "", "http://a/janus", "http://a/janus|", "|ws://a", "ftp://a/janus|ws://a", "http://a/janus|http://b",
        "http://a/janus|ws://a,http://b/janus|ws://a", "http://a/janus|ws://a,", "http://a b/janus|ws://a",
        "http:/a/janus|ws://a",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        p = bb_janus_pool_new(bad[i]);
        if (p)
            bb_test_fail(__FILE__, __LINE__, "accepted \"%s\"", bad[i]);
        bb_janus_pool_free(p);
    }
}

/* A call's token as a participant hands it back: only as the secret made
 * it, unexpired. */
TEST(a_call_token_handed_back_is_checked_whole)
{
    char token[BB_JANUS_TOKEN_MAX], participant[40];
    int64_t room = 0;
    CHECK_OK(bb_janus_token("geheim", 2000, "bb-call-4321-citizen-0a0b0c0d", token, sizeof(token)));
    CHECK_OK(bb_janus_call_token_check("geheim", token, 1999, &room, participant));
    CHECK_EQ_INT(room, 4321);
    CHECK(!strcmp(participant, "citizen-0a0b0c0d"));
    CHECK_EQ_INT(bb_janus_call_token_check("geheim", token, 2000, &room, participant), BB_E_AUTH); /* expired */
    CHECK_EQ_INT(bb_janus_call_token_check("anders", token, 1000, &room, participant), BB_E_AUTH);
    CHECK(room == 0 && participant[0] == 0);
    char other[BB_JANUS_TOKEN_MAX];
    CHECK_OK(bb_janus_token("geheim", 2000, "bb-call-4322-citizen-0a0b0c0d", other, sizeof(other)));
    memcpy(strchr(other, ':'), strchr(token, ':'), strlen(strchr(token, ':')) + 1); /* another room, this signature */
    CHECK_EQ_INT(bb_janus_call_token_check("geheim", other, 1000, &room, participant), BB_E_AUTH);
    CHECK_OK(bb_janus_token("geheim", 2000, NULL, other, sizeof(other))); /* the service's own: no call */
    CHECK_EQ_INT(bb_janus_call_token_check("geheim", other, 1000, &room, participant), BB_E_PARSE);
    CHECK_EQ_INT(bb_janus_call_token_check("geheim", "", 1000, &room, participant), BB_E_PARSE);
}
