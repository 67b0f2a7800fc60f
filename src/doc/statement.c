/*
 * A statement: its JSON read strictly, and its PDF (statement.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "../crypto/civil_time.h"
#include "beeldbel/error.h"
#include "beeldbel/statement.h"

static const char *const FIELD_KEYS[BB_STMT_FIELDS] = {
    "citizen", "when", "where", "goods", "what", "own_words"
};

const char *bb_statement_reject_name(bb_statement_reject r)
{
    static const char *const names[BB_STMT_REJECT_COUNT] = {
        "none", "size", "json", "field", "range", "text"
    };
    return (unsigned)r < BB_STMT_REJECT_COUNT ? names[r] : "unknown";
}

void bb_statement_free(bb_statement *s)
{
    if (!s)
        return;
    for (int i = 0; i < BB_STMT_FIELDS; i++)
        free(s->field[i]);
    memset(s, 0, sizeof(*s));
}

/* Exactly these keys, each once (cJSON keeps duplicates: count them). */
static int keys_exactly(const cJSON *o, const char *const *keys, int n)
{
    int seen = 0;
    for (const cJSON *c = o->child; c; c = c->next) {
        int k = -1;
        for (int i = 0; i < n; i++)
            if (c->string && !strcmp(c->string, keys[i]))
                k = i;
        if (k < 0 || (seen & (1 << k)))
            return -1;
        seen |= 1 << k;
    }
    return seen == (1 << n) - 1 ? 0 : -1;
}

static int whole_number(const cJSON *v, double min, double max, double *out)
{
    if (!cJSON_IsNumber(v))
        return -1;
    double d = v->valuedouble;
    if (!(d >= min && d <= max) || d != (double)(long long)d)
        return -1;
    *out = d;
    return 0;
}

struct parse {
    bb_statement_reject reject;
    const char *field;
};

static int fail(struct parse *p, bb_statement_reject r, const char *field)
{
    p->reject = r;
    p->field = field;
    return BB_E_PARSE;
}

/* A string of at most max bytes a PDF can show; line breaks only if lines. */
static int text_ok(const cJSON *v, size_t max, int lines, struct parse *p, const char *name)
{
    if (!cJSON_IsString(v))
        return fail(p, BB_STMT_REJECT_FIELD, name);
    size_t n = strlen(v->valuestring);
    if (n > max)
        return fail(p, BB_STMT_REJECT_RANGE, name);
    if ((!lines && strchr(v->valuestring, '\n')) || bb_pdf_text_check(v->valuestring, n, NULL))
        return fail(p, BB_STMT_REJECT_TEXT, name);
    return BB_OK;
}

static int reference_ok(const char *r)
{
    if (strlen(r) != 12 || strncmp(r, "BB-", 3) || r[7] != '-')
        return 0;
    for (int i = 3; i < 12; i++)
        if (i != 7 && !((r[i] >= 'A' && r[i] <= 'Z') || (r[i] >= '0' && r[i] <= '9')))
            return 0;
    return 1;
}

static int read_officer(const cJSON *o, bb_statement *s, struct parse *p)
{
    static const char *const keys[] = { "name", "number", "team" };
    if (!cJSON_IsObject(o) || keys_exactly(o, keys, 3))
        return fail(p, BB_STMT_REJECT_FIELD, "officer");
    const cJSON *name = cJSON_GetObjectItemCaseSensitive(o, "name");
    const cJSON *number = cJSON_GetObjectItemCaseSensitive(o, "number");
    const cJSON *team = cJSON_GetObjectItemCaseSensitive(o, "team");
    int rc = text_ok(name, BB_STATEMENT_NAME_MAX, 0, p, "officer");
    if (!rc) rc = text_ok(team, BB_STATEMENT_NAME_MAX, 0, p, "officer");
    if (!rc) rc = text_ok(number, sizeof(s->officer_number) - 1, 0, p, "officer");
    if (rc)
        return rc;
    if (!name->valuestring[0] || !number->valuestring[0])
        return fail(p, BB_STMT_REJECT_RANGE, "officer");
    snprintf(s->officer_name, sizeof(s->officer_name), "%s", name->valuestring);
    snprintf(s->officer_number, sizeof(s->officer_number), "%s", number->valuestring);
    snprintf(s->officer_team, sizeof(s->officer_team), "%s", team->valuestring);
    return BB_OK;
}

static int read_fields(const cJSON *o, bb_statement *s, struct parse *p)
{
    if (!cJSON_IsObject(o) || keys_exactly(o, FIELD_KEYS, BB_STMT_FIELDS))
        return fail(p, BB_STMT_REJECT_FIELD, "fields");
    for (int i = 0; i < BB_STMT_FIELDS; i++) {
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, FIELD_KEYS[i]);
        int lines = i == BB_STMT_WHAT || i == BB_STMT_OWN_WORDS;
        int rc = text_ok(v, lines ? BB_STATEMENT_LONG_MAX : BB_STATEMENT_SHORT_MAX, lines, p,
                         FIELD_KEYS[i]);
        if (rc)
            return rc;
        s->field[i] = strdup(v->valuestring);
        if (!s->field[i])
            return BB_E_NOMEM;
    }
    return BB_OK;
}

int bb_statement_parse(const uint8_t *json, size_t len, bb_statement *out,
                       bb_statement_reject *reject, const char **bad_field)
{
    struct parse p = { BB_STMT_REJECT_NONE, NULL };
    if (reject)
        *reject = BB_STMT_REJECT_NONE;
    if (bad_field)
        *bad_field = NULL;
    if (!json || !out)
        return BB_E_ARG;
    memset(out, 0, sizeof(*out));
    if (!len || len > BB_STATEMENT_MAX_JSON) {
        if (reject)
            *reject = BB_STMT_REJECT_SIZE;
        return len ? BB_E_TOO_LARGE : BB_E_PARSE;
    }
    if (memchr(json, 0, len)) { /* cJSON would stop there */
        if (reject)
            *reject = BB_STMT_REJECT_JSON;
        return BB_E_PARSE;
    }
    cJSON *root = cJSON_ParseWithLength((const char *)json, len);
    static const char *const keys[] = { "v", "version", "reference", "lang", "frozen_at",
                                        "officer", "fields" };
    double v, version, frozen;
    int rc = BB_OK;
    if (!cJSON_IsObject(root)) {
        rc = fail(&p, BB_STMT_REJECT_JSON, NULL);
    } else if (keys_exactly(root, keys, 7)) {
        rc = fail(&p, BB_STMT_REJECT_FIELD, NULL);
    } else {
        const cJSON *ref = cJSON_GetObjectItemCaseSensitive(root, "reference");
        const cJSON *lang = cJSON_GetObjectItemCaseSensitive(root, "lang");
        if (whole_number(cJSON_GetObjectItemCaseSensitive(root, "v"), 1, 1, &v))
            rc = fail(&p, BB_STMT_REJECT_RANGE, "v");
        else if (whole_number(cJSON_GetObjectItemCaseSensitive(root, "version"), 1, 1e6, &version))
            rc = fail(&p, BB_STMT_REJECT_RANGE, "version");
        else if (whole_number(cJSON_GetObjectItemCaseSensitive(root, "frozen_at"), 0, 253402300799.0,
                              &frozen))
            rc = fail(&p, BB_STMT_REJECT_RANGE, "frozen_at");
        else if (!cJSON_IsString(ref) || !reference_ok(ref->valuestring))
            rc = fail(&p, BB_STMT_REJECT_RANGE, "reference");
        else if (!cJSON_IsString(lang) || (strcmp(lang->valuestring, "nl") && strcmp(lang->valuestring, "en")))
            rc = fail(&p, BB_STMT_REJECT_RANGE, "lang");
        else {
            out->version = (uint32_t)version;
            out->frozen_at = (int64_t)frozen;
            snprintf(out->reference, sizeof(out->reference), "%s", ref->valuestring);
            snprintf(out->lang, sizeof(out->lang), "%s", lang->valuestring);
            rc = read_officer(cJSON_GetObjectItemCaseSensitive(root, "officer"), out, &p);
            if (!rc)
                rc = read_fields(cJSON_GetObjectItemCaseSensitive(root, "fields"), out, &p);
        }
    }
    cJSON_Delete(root);
    if (rc) {
        bb_statement_free(out);
        if (reject)
            *reject = p.reject;
        if (bad_field)
            *bad_field = p.field;
    }
    return rc;
}

/* Dutch time: CEST from the last Sunday of March 01:00 UTC to the last
 * Sunday of October 01:00 UTC, CET otherwise. */
static int64_t last_sunday_0100(int y, int month)
{
    int64_t day = bb_days_from_civil(y, month, 31);
    int64_t dow = (day + 4) % 7; /* 1970-01-01 was a Thursday; 0 = Sunday */
    if (dow < 0)
        dow += 7;
    return (day - dow) * 86400 + 3600;
}

static void dutch_time(int64_t t, int en, char out[48])
{
    int y, mo, d, h, mi, s;
    bb_civil_from_unix(t, &y, &mo, &d, &h, &mi, &s);
    int summer = t >= last_sunday_0100(y, 3) && t < last_sunday_0100(y, 10);
    bb_civil_from_unix(t + (summer ? 7200 : 3600), &y, &mo, &d, &h, &mi, &s);
    static const char *const nl[] = { "januari", "februari", "maart", "april", "mei", "juni", "juli",
                                      "augustus", "september", "oktober", "november", "december" };
    static const char *const enm[] = { "January", "February", "March", "April", "May", "June", "July",
                                       "August", "September", "October", "November", "December" };
    snprintf(out, 48, "%d %s %d, %02d:%02d (%s)", d, en ? enm[mo - 1] : nl[mo - 1], y, h, mi,
             summer ? "CEST" : "CET");
}

struct labels {
    const char *title, *reference, *version, *frozen, *draft, *officer, *citizen, *when, *where,
        *goods, *what, *own_words, *signing, *signing_text, *sig_reason, *sig_location;
};

static const struct labels NL = {
    "Proces-verbaal van aangifte", "Kenmerk", "Versie", "Vastgesteld op", "Concept (nog niet vastgesteld)",
    "Verbalisant", "Aangever", "Pleegdatum en -tijd", "Pleegplaats", "Goederen en schade",
    "Wat is er gebeurd", "Verklaring van de aangever in eigen woorden", "Ondertekening",
    "De aangever heeft deze versie in het beeldgesprek gelezen en er digitaal mee ingestemd. "
    "De verbalisant heeft deze versie ondertekend met zijn of haar politiecertificaat; de "
    "instemming van de aangever en een tijdstempel van de politie zitten in die handtekening.",
    "Aangifte opgenomen in een beeldgesprek", "Politie, beeldbellen met de wijkagent",
};

static const struct labels EN = {
    "Statement (crime report)", "Reference", "Version", "Settled on", "Draft (not yet settled)",
    "Reporting officer", "Reporting person", "Date and time of the offence", "Place of the offence",
    "Goods and damage", "What happened", "Statement of the reporting person in their own words",
    "Signing",
    "The reporting person read this version in the video call and agreed to it digitally. The "
    "reporting officer signed this version with their police certificate; the reporting person's "
    "consent and a police timestamp are inside that signature.",
    "Crime report taken in a video call", "Police, video calls with the neighbourhood officer",
};

int bb_statement_pdf(const bb_statement *s, int with_signature, uint8_t *out, size_t cap,
                     size_t *len, bb_pdf_sig_slot *sig)
{
    if (!s || !len || !s->version)
        return BB_E_ARG;
    for (int i = 0; i < BB_STMT_FIELDS; i++)
        if (!s->field[i])
            return BB_E_ARG;
    if (with_signature && !s->frozen_at)
        return BB_E_STATE;
    int en = !strcmp(s->lang, "en");
    const struct labels *L = en ? &EN : &NL;
    char version[16], frozen[48], officer[200];
    snprintf(version, sizeof(version), "%u", s->version);
    if (s->frozen_at)
        dutch_time(s->frozen_at, en, frozen);
    else
        snprintf(frozen, sizeof(frozen), "%s", L->draft);
    snprintf(officer, sizeof(officer), "%s (%s%s), %s", s->officer_name, en ? "no. " : "nr. ",
             s->officer_number, s->officer_team);
    /* An empty field shows as a dash, so no row or section is blank. */
    const char *f[BB_STMT_FIELDS];
    for (int i = 0; i < BB_STMT_FIELDS; i++)
        f[i] = s->field[i][0] ? s->field[i] : "\xe2\x80\x94";
    bb_pdf_block b[] = {
        { BB_PDF_H1, L->title, NULL },
        { BB_PDF_ROW, L->reference, s->reference },
        { BB_PDF_ROW, L->version, version },
        { BB_PDF_ROW, L->frozen, frozen },
        { BB_PDF_ROW, L->officer, officer },
        { BB_PDF_ROW, L->citizen, f[BB_STMT_CITIZEN] },
        { BB_PDF_ROW, L->when, f[BB_STMT_WHEN] },
        { BB_PDF_ROW, L->where, f[BB_STMT_WHERE] },
        { BB_PDF_ROW, L->goods, f[BB_STMT_GOODS] },
        { BB_PDF_H2, L->what, NULL },
        { BB_PDF_P, f[BB_STMT_WHAT], NULL },
        { BB_PDF_H2, L->own_words, NULL },
        { BB_PDF_P, f[BB_STMT_OWN_WORDS], NULL },
        { BB_PDF_H2, L->signing, NULL },
        { BB_PDF_P, L->signing_text, NULL },
    };
    char title[80];
    snprintf(title, sizeof(title), "%s %s, %s %u", L->title, s->reference, en ? "version" : "versie",
             s->version);
    bb_pdf_doc doc = {
        .title = title,
        .author = s->officer_name,
        .lang = en ? "en-GB" : "nl-NL",
        .created = s->frozen_at,
        .blocks = b,
        .n_blocks = sizeof(b) / sizeof(b[0]),
        .sig_capacity = with_signature ? BB_STATEMENT_SIG_CAPACITY : 0,
        .sig_name = s->officer_name,
        .sig_reason = L->sig_reason,
        .sig_location = L->sig_location,
    };
    return bb_pdf_write(&doc, out, cap, len, sig);
}
