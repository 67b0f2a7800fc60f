/*
 * The one parser of untrusted contact-service request bodies. Every body is
 * JSON; each endpoint has a fixed set of fields. Anything else — unknown or
 * repeated fields, wrong types, invalid UTF-8, control characters, values out
 * of range — is refused with a stable code, the field, and a counted reason.
 */
#include <stdio.h>
#include <string.h>

#include "beeldbel/contact.h"
#include "beeldbel/error.h"
#include "cjson/cJSON.h"

/* Every refusal code with its Dutch and English text. The first
 * BB_CONTACT_REASONS entries are the parser's counted reasons (by index);
 * the rest are used by the HTTP layer. */
static const struct {
    const char *code, *nl, *en;
} MESSAGES[] = {
    {"not_json", "De gegevens zijn geen geldige JSON.", "The data is not valid JSON."},
    {"not_object", "De gegevens moeten een JSON-object zijn.", "The data must be a JSON object."},
    {"unknown_field", "Dit veld is onbekend.", "This field is not known."},
    {"duplicate_field", "Dit veld komt twee keer voor.", "This field appears twice."},
    {"missing_field", "Dit veld is verplicht.", "This field is required."},
    {"wrong_type", "Dit veld heeft het verkeerde type.", "This field has the wrong type."},
    {"invalid_name", "Vul een naam in van 1 tot 100 tekens, zonder < of >.",
     "Enter a name of 1 to 100 characters, without < or >."},
    {"invalid_phone", "Dit telefoonnummer klopt niet.", "This phone number is not valid."},
    {"invalid_email", "Dit e-mailadres klopt niet.", "This e-mail address is not valid."},
    {"invalid_neighbourhood", "Deze wijk kennen we niet.", "This neighbourhood is not known."},
    {"neighbourhood_not_served",
     "Beeldbellen met de wijkagent kan nog niet in uw wijk. Bel 0900-8844.",
     "Video calls with the neighbourhood officer are not yet available in your area. Call 0900-8844."},
    {"invalid_postcode", "Deze postcode klopt niet (bijvoorbeeld 9722 AB).",
     "This postcode is not valid (for example 9722 AB)."},
    {"invalid_topic", "Beschrijf uw vraag in 1 tot 1000 tekens.",
     "Describe your question in 1 to 1000 characters."},
    {"invalid_preference", "Kies beeldbellen of gewoon bellen.", "Choose a video call or a phone call."},
    {"invalid_window", "Kies ochtend, middag, avond of maakt niet uit.",
     "Choose morning, afternoon, evening or any time."},
    {"invalid_date", "Kies een datum vanaf vandaag tot en met 14 dagen vooruit.",
     "Choose a date from today up to 14 days ahead."},
    {"invalid_needs", "Deze ondersteuning kennen we niet.", "This kind of support is not known."},
    {"invalid_lang", "Kies Nederlands (nl) of Engels (en).", "Choose Dutch (nl) or English (en)."},
    {"invalid_reference", "Dit kenmerk klopt niet (bijvoorbeeld BB-7K3M-Q9XZ).",
     "This reference is not valid (for example BB-7K3M-Q9XZ)."},
    {"invalid_token", "Deze uitnodigingslink is ongeldig.", "This invitation link is not valid."},
    {"invalid_outcome", "Deze uitkomst kennen we niet.", "This outcome is not known."},
    {"invalid_note", "Een notitie heeft 1 tot 2000 tekens.", "A note has 1 to 2000 characters."},
    {"invisible_text",
     "Deze tekst bevat onzichtbare tekens of tekens die de leesrichting omdraaien. Typ de tekst opnieuw, zonder te plakken.",
     "This text contains invisible characters or characters that reverse the reading direction. Type it again instead of pasting it."},
    {"invalid_credentials", "Gebruikersnaam of wachtwoord heeft een ongeldige vorm.",
     "User name or password is not in a valid form."},
    {"location_conflict", "Geef een wijk of een postcode, niet allebei.",
     "Give a neighbourhood or a postcode, not both."},
    {"consent_required", "Vraag de beller om toestemming om de gegevens vast te leggen, en vink die aan.",
     "Ask the caller for consent to record the details, and tick it."},
    {"forbidden_role", "Dit mag uw account niet.", "Your account may not do this."},
    {"statement_invalid",
     "Dit is geen proces-verbaal met een geldige handtekening van u en een tijdstempel van de politie.",
     "This is not a statement with a valid signature of yours and a police timestamp."},
    {"statement_unavailable", "Het bewaren van processen-verbaal is niet ingericht. Meld dit aan de beheerder.",
     "Keeping statements is not set up. Tell the administrator."},
    {"timestamp_unavailable", "De tijdstempeldienst is niet ingericht. Meld dit aan de beheerder.",
     "The time-stamping service is not set up. Tell the administrator."},
    {"recording_invalid",
     "Deze opname klopt niet met haar zegel (een gewijzigd, ontbrekend of niet verzegeld deel, of een zegel die niet van u is).",
     "This recording does not match its seal (a changed, missing or unsealed part, or a seal that is not yours)."},
    {"recording_offset",
     "Dit deel sluit niet aan op wat er al bewaard is. Vraag op hoeveel er bewaard is en ga daar verder.",
     "This part does not follow on from what is kept. Ask how much is kept and go on from there."},
    {"recording_sealed", "Deze opname is al verzegeld bewaard; er kan niets meer bij.",
     "This recording is kept sealed already; nothing more can be added."},
    {"recording_full", "Deze opname is groter dan de bewaarplaats toestaat.",
     "This recording is larger than the evidence store allows."},
    {"evidence_unavailable", "De bewaarplaats voor opnamen is niet ingericht. Meld dit aan de beheerder.",
     "The evidence store for recordings is not set up. Tell the administrator."},
    {"invalid_answer", "Dit antwoord kennen we niet.", "This answer is not known."},
    {"feedback_unknown", "Deze vragen zijn al beantwoord of verlopen. Dank je wel.",
     "These questions have already been answered or have expired. Thank you."},
    /* HTTP layer */
    {"too_large", "Het verzoek is te groot.", "The request is too large."},
    {"unsupported_media_type", "Stuur de gegevens als JSON (application/json).",
     "Send the data as JSON (application/json)."},
    {"method_not_allowed", "Deze methode is hier niet toegestaan.", "This method is not allowed here."},
    {"not_found", "Niet gevonden.", "Not found."},
    {"request_unknown", "We vinden geen verzoek met dit kenmerk en telefoonnummer.",
     "We cannot find a request with this reference and phone number."},
    {"rate_limited", "U heeft te veel verzoeken gedaan. Probeer het later opnieuw.",
     "You have made too many requests. Please try again later."},
    {"busy", "Het is nu erg druk. Probeer het over een paar seconden opnieuw.",
     "It is very busy right now. Please try again in a few seconds."},
    {"database_unavailable",
     "Uw gegevens zijn nu niet bereikbaar; er is niets opgeslagen of gewijzigd. Probeer het over een paar seconden opnieuw.",
     "Your data cannot be reached just now; nothing was saved or changed. Please try again in a few seconds."},
    {"call_token_invalid", "Deze sleutel van het gesprek klopt niet of is verlopen.",
     "This call's key is not valid or has expired."},
    {"call_ended", "Dit gesprek is afgelopen.", "This call has ended."},
    {"not_logged_in", "U bent niet (meer) ingelogd.", "You are not logged in (any more)."},
    {"login_failed", "Gebruikersnaam of wachtwoord klopt niet.", "User name or password is incorrect."},
    {"csrf", "Deze actie is geweigerd (beveiligingstoken ontbreekt of klopt niet). Laad de pagina opnieuw.",
     "This action was refused (security token missing or wrong). Reload the page."},
    {"forbidden", "Dit verzoek hoort niet bij uw wijken.", "This request does not belong to your neighbourhoods."},
    {"already_claimed", "Een collega heeft dit verzoek al opgepakt.", "A colleague has already claimed this request."},
    {"wrong_state", "Dat kan niet in de huidige status van het verzoek.",
     "That is not possible in the request's current state."},
    {"not_claimed_by_you", "Pak het verzoek eerst zelf op.", "Claim the request yourself first."},
    {"invitation_unknown",
     "Deze uitnodigingslink kennen we niet. Controleer de link of vraag via politie.nl opnieuw een terugbelverzoek aan.",
     "We do not know this invitation link. Check the link or ask for a new callback on politie.nl."},
    {"invitation_used",
     "Deze uitnodigingslink is al gebruikt. Vraag uw wijkagent om een nieuwe link, of vraag via politie.nl opnieuw een terugbelverzoek aan.",
     "This invitation link has already been used. Ask your officer for a new link, or ask for a new callback on politie.nl."},
    {"invitation_expired",
     "Deze uitnodigingslink is verlopen. Vraag via politie.nl opnieuw een terugbelverzoek aan.",
     "This invitation link has expired. Ask for a new callback on politie.nl."},
    {"no_call", "Bel eerst terug met beeld; daarna kunt u een tolk of collega uitnodigen.",
     "Call back by video first; then you can invite an interpreter or a colleague."},
    {"too_many_participants", "Er kunnen niet meer mensen in dit gesprek.",
     "No more people can join this call."},
    {"call_unavailable", "Het beeldbellen is nu niet beschikbaar. Probeer het later opnieuw.",
     "Video calling is not available right now. Please try again later."},
    {"internal", "Er ging iets mis aan onze kant. Probeer het later opnieuw.",
     "Something went wrong on our side. Please try again later."},
};
#define N_MESSAGES (sizeof(MESSAGES) / sizeof(MESSAGES[0]))

static int code_index(const char *code)
{
    for (size_t i = 0; i < N_MESSAGES; i++)
        if (strcmp(MESSAGES[i].code, code) == 0)
            return (int)i;
    return -1;
}

const char *bb_contact_msg_nl(const char *code)
{
    int i = code ? code_index(code) : -1;
    return i < 0 ? MESSAGES[N_MESSAGES - 1].nl : MESSAGES[i].nl;
}

const char *bb_contact_msg_en(const char *code)
{
    int i = code ? code_index(code) : -1;
    return i < 0 ? MESSAGES[N_MESSAGES - 1].en : MESSAGES[i].en;
}

const char *bb_contact_reason_name(int i)
{
    return i >= 0 && i < BB_CONTACT_REASONS ? MESSAGES[i].code : "unknown";
}

static int refuse(bb_contact_err *err, bb_contact_stats *st, const char *code, const char *field)
{
    err->code = code;
    err->field = field;
    int i = code_index(code);
    if (st && i >= 0 && i < BB_CONTACT_REASONS)
        st->rejected[i]++;
    return BB_E_PROTO;
}

/* ---- text values -------------------------------------------------------------- */

/* Characters a reader does not see but that change what is shown: the
 * bidirectional embeddings, overrides, isolates and marks (a name "Anna\u202e
 * gnp.exe" would read "Annaexe.png"), zero-width spaces, the word joiner and
 * invisible operators, the BOM, the soft hyphen, tags (which can carry whole
 * hidden texts), interlinear annotations, shorthand and musical format
 * controls, Hangul fillers, and line and paragraph separators. Allowed, as
 * languages need them: ZWNJ and ZWJ (U+200C, U+200D: Persian, Indic
 * scripts, emoji sequences), variation selectors, and the visible Arabic
 * and Kaithi number signs. */
static int invisible(unsigned cp)
{
    return cp == 0x00ad || cp == 0x061c || cp == 0x115f || cp == 0x1160 || cp == 0x180e ||
           cp == 0x200b || cp == 0x200e || cp == 0x200f || (cp >= 0x2028 && cp <= 0x202e) ||
           (cp >= 0x2060 && cp <= 0x2064) || (cp >= 0x2066 && cp <= 0x206f) || cp == 0x3164 ||
           cp == 0xfeff || cp == 0xffa0 || (cp >= 0xfff9 && cp <= 0xfffb) ||
           (cp >= 0x13430 && cp <= 0x1343f) || (cp >= 0x1bca0 && cp <= 0x1bca3) ||
           (cp >= 0x1d173 && cp <= 0x1d17a) || cp == 0xe0001 || (cp >= 0xe0020 && cp <= 0xe007f);
}

enum { TEXT_SINGLE_LINE = 0, TEXT_MULTILINE = 1, TEXT_SECRET = 2 };

/* Checks UTF-8 (no overlongs, no surrogates, <= U+10FFFF) and counts code
 * points. Control characters are refused, except tab and newline with
 * TEXT_MULTILINE; invisible ones too, except with TEXT_SECRET (a password,
 * read by nobody). Returns the count, -1 (not UTF-8, a control character)
 * or -3 (an invisible or direction-control character). */
static long utf8_text_len(const char *s, int flags)
{
    int multiline = flags & TEXT_MULTILINE;
    const unsigned char *p = (const unsigned char *)s;
    long n = 0;
    while (*p) {
        unsigned c = *p, cp, extra;
        if (c < 0x80) {
            if ((c < 0x20 && !(multiline && (c == '\n' || c == '\t'))) || c == 0x7f)
                return -1;
            p++;
            n++;
            continue;
        }
        if (c >= 0xc2 && c <= 0xdf) { cp = c & 0x1f; extra = 1; }
        else if (c >= 0xe0 && c <= 0xef) { cp = c & 0x0f; extra = 2; }
        else if (c >= 0xf0 && c <= 0xf4) { cp = c & 0x07; extra = 3; }
        else return -1;
        for (unsigned i = 1; i <= extra; i++) {
            if ((p[i] & 0xc0) != 0x80)
                return -1;
            cp = (cp << 6) | (p[i] & 0x3f);
        }
        if ((extra == 2 && cp < 0x800) || (extra == 3 && (cp < 0x10000 || cp > 0x10ffff)) ||
            (cp >= 0xd800 && cp <= 0xdfff) || (cp >= 0x80 && cp < 0xa0))
            return -1; /* overlong, out of range, surrogate, C1 control */
        if (!(flags & TEXT_SECRET) && invisible(cp))
            return -3;
        p += extra + 1;
        n++;
    }
    return n;
}

/* A text of min..max code points (see utf8_text_len), not only white space
 * when min > 0: 0, -1 or -3 (invisible characters). */
static int check_text(const char *s, long min, long max, int flags)
{
    long n = utf8_text_len(s, flags);
    if (n == -3)
        return -3;
    if (n < min || n > max)
        return -1;
    const char *p = s;
    while (*p == ' ' || *p == '\n' || *p == '\t')
        p++;
    return min > 0 && !*p ? -1 : 0;
}

/* Copies a text value of min..max code points; trims nothing (what the
 * citizen typed is what the officer sees). */
static int take_text(const cJSON *v, char *out, size_t out_size, long min, long max, int flags)
{
    if (!cJSON_IsString(v))
        return -2;
    int rc = check_text(v->valuestring, min, max, flags);
    size_t bytes = strlen(v->valuestring);
    if (rc || bytes >= out_size)
        return rc ? rc : -1;
    memcpy(out, v->valuestring, bytes + 1);
    return 0;
}

static int one_of(const char *s, const char *const *set)
{
    for (; *set; set++)
        if (strcmp(s, *set) == 0)
            return 1;
    return 0;
}

/* ---- object framing ------------------------------------------------------------- */

/* Parses body as a JSON object whose keys are all in `allowed` (NULL
 * terminated) and appear once. An empty body is {} when empty_ok. */
static cJSON *parse_object(const uint8_t *body, size_t len, const char *const *allowed, int empty_ok,
                           bb_contact_err *err, bb_contact_stats *st)
{
    if (len == 0 && empty_ok)
        return cJSON_CreateObject();
    if (len == 0 || len > BB_CONTACT_MAX_BODY) {
        refuse(err, st, "not_json", NULL);
        return NULL;
    }
    /* cJSON stops at a NUL; a body with an embedded NUL is not JSON. */
    if (memchr(body, 0, len)) {
        refuse(err, st, "not_json", NULL);
        return NULL;
    }
    /* cJSON decodes \u0000 into a NUL that silently cuts the string
     * short; no field of ours may hold one, so such a body is refused. */
    for (size_t i = 0; i + 1 < len; i++) {
        if (body[i] != '\\')
            continue;
        if (body[i + 1] == 'u' && i + 5 < len && !memcmp(body + i + 2, "0000", 4)) {
            refuse(err, st, "not_json", NULL);
            return NULL;
        }
        i++; /* skip the escaped character */
    }
    const char *end = NULL;
    cJSON *root = cJSON_ParseWithLengthOpts((const char *)body, len, &end, 0);
    if (!root) {
        refuse(err, st, "not_json", NULL);
        return NULL;
    }
    /* Trailing bytes other than white space are refused. */
    for (const char *p = end; p < (const char *)body + len; p++) {
        if (*p != ' ' && *p != '\n' && *p != '\r' && *p != '\t') {
            cJSON_Delete(root);
            refuse(err, st, "not_json", NULL);
            return NULL;
        }
    }
    if (!cJSON_IsObject(root)) {
        cJSON_Delete(root);
        refuse(err, st, "not_object", NULL);
        return NULL;
    }
    for (const cJSON *a = root->child; a; a = a->next) {
        const char *key = a->string;
        size_t k = 0;
        while (allowed[k] && strcmp(allowed[k], key) != 0)
            k++;
        if (!allowed[k]) {
            cJSON_Delete(root);
            refuse(err, st, "unknown_field", NULL);
            return NULL;
        }
        for (const cJSON *b = a->next; b; b = b->next) {
            if (strcmp(b->string, key) == 0) {
                cJSON_Delete(root);
                refuse(err, st, "duplicate_field", allowed[k]);
                return NULL;
            }
        }
    }
    return root;
}

/* Reports a take_text failure: -2 wrong type, -3 invisible characters,
 * else the field's own code. */
static int text_fail(int rc, bb_contact_err *err, bb_contact_stats *st, const char *code,
                     const char *field)
{
    return refuse(err, st, rc == -2 ? "wrong_type" : rc == -3 ? "invisible_text" : code, field);
}

int bb_contact_check_text(const char *s, long max, int multiline)
{
    if (!s)
        return BB_E_ARG;
    int rc = check_text(s, 1, max, multiline ? TEXT_MULTILINE : TEXT_SINGLE_LINE);
    return rc == -3 ? BB_E_PROTO : rc ? BB_E_PARSE : BB_OK;
}

/* ---- email and date ------------------------------------------------------------- */

static int email_ok(const char *s)
{
    size_t len = strlen(s);
    const char *at = strchr(s, '@');
    if (len < 3 || len > BB_CONTACT_EMAIL_MAX || !at || strchr(at + 1, '@'))
        return 0;
    size_t local = (size_t)(at - s);
    const char *dom = at + 1;
    if (local < 1 || local > 64 || !strchr(dom, '.') || dom[0] == '.' || s[len - 1] == '.')
        return 0;
    for (const char *p = s; *p; p++) {
        unsigned char c = (unsigned char)*p;
        /* Plain ASCII addresses only: anything that could break out of a
         * header or markup (space, quotes, <>, controls) is refused. */
        if (c <= 0x20 || c >= 0x7f || strchr("\"<>()[]\\,;:", c))
            return 0;
    }
    return 1;
}

int64_t bb_days_from_civil(int y, int m, int d)
{
    static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (y < 1970 || y > 9999 || m < 1 || m > 12 || d < 1)
        return -1;
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    if (d > mdays[m - 1] + (m == 2 && leap))
        return -1;
    /* Howard Hinnant's days_from_civil. */
    y -= m <= 2;
    int64_t era = y / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static int date_ok(const char *s, int64_t today)
{
    int y, m, d, n = 0;
    if (strlen(s) != 10 || sscanf(s, "%4d-%2d-%2d%n", &y, &m, &d, &n) != 3 || n != 10 ||
        s[4] != '-' || s[7] != '-')
        return 0;
    for (int i = 0; i < 10; i++)
        if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
            return 0;
    int64_t days = bb_days_from_civil(y, m, d);
    return days >= today && days <= today + 14;
}

/* ---- endpoints -------------------------------------------------------------------- */

static int parse_request(const uint8_t *body, size_t len, int64_t today_days, int via_phone,
                         bb_callback_request *out, bb_contact_err *err, bb_contact_stats *st)
{
    static const char *const fields[] = {"name", "phone", "email", "neighbourhood", "postcode",
                                         "topic", "preference", "window", "date", "needs", "lang",
                                         NULL};
    static const char *const phone_fields[] = {"name", "phone", "email", "neighbourhood", "postcode",
                                               "topic", "preference", "window", "date", "needs", "lang",
                                               "consent", NULL};
    static const char *const prefs[] = {"video", "phone", NULL};
    static const char *const windows[] = {"morning", "afternoon", "evening", "any", NULL};
    static const char *const langs[] = {"nl", "en", NULL};
    static const char *const needs[] = {"captions", "sign_language", "speech_to_text",
                                        "high_contrast", NULL};
    memset(out, 0, sizeof(*out));
    cJSON *o = parse_object(body, len, via_phone ? phone_fields : fields, 0, err, st);
    if (!o)
        return BB_E_PARSE;
    int rc = BB_E_PROTO;
    const cJSON *v;
    int t;
    /* A request taken by phone is recorded only with the caller's consent. */
    if (via_phone) {
        v = cJSON_GetObjectItemCaseSensitive(o, "consent");
        if (!v || (!cJSON_IsTrue(v) && cJSON_IsBool(v))) {
            refuse(err, st, "consent_required", "consent");
            goto done;
        }
        if (!cJSON_IsBool(v)) {
            refuse(err, st, "wrong_type", "consent");
            goto done;
        }
        out->via_phone = 1;
    }

    /* Required fields first, in form order, so the first error is the one
     * nearest the top of the citizen's form. */
    if (!(v = cJSON_GetObjectItemCaseSensitive(o, "name"))) {
        refuse(err, st, "missing_field", "name");
        goto done;
    }
    if ((t = take_text(v, out->name, sizeof(out->name), 1, BB_CONTACT_NAME_MAX, TEXT_SINGLE_LINE)) ||
        strpbrk(out->name, "<>{}")) {
        text_fail(t, err, st, "invalid_name", "name");
        goto done;
    }
    if (!(v = cJSON_GetObjectItemCaseSensitive(o, "phone"))) {
        refuse(err, st, "missing_field", "phone");
        goto done;
    }
    if (!cJSON_IsString(v)) {
        refuse(err, st, "wrong_type", "phone");
        goto done;
    }
    if (bb_phone_normalise(v->valuestring, out->phone) != BB_OK) {
        refuse(err, st, "invalid_phone", "phone");
        goto done;
    }
    if ((v = cJSON_GetObjectItemCaseSensitive(o, "email"))) {
        if (!cJSON_IsString(v)) {
            refuse(err, st, "wrong_type", "email");
            goto done;
        }
        if (v->valuestring[0] && !email_ok(v->valuestring)) {
            refuse(err, st, "invalid_email", "email");
            goto done;
        }
        snprintf(out->email, sizeof(out->email), "%s", v->valuestring);
    }
    const cJSON *nb = cJSON_GetObjectItemCaseSensitive(o, "neighbourhood");
    const cJSON *pc = cJSON_GetObjectItemCaseSensitive(o, "postcode");
    if (nb && pc) {
        refuse(err, st, "location_conflict", "postcode");
        goto done;
    }
    if (!nb && !pc) {
        refuse(err, st, "missing_field", "neighbourhood");
        goto done;
    }
    if (nb) {
        if (!cJSON_IsString(nb)) {
            refuse(err, st, "wrong_type", "neighbourhood");
            goto done;
        }
        if (!bb_neighbourhood_known(nb->valuestring)) {
            refuse(err, st, "invalid_neighbourhood", "neighbourhood");
            goto done;
        }
        snprintf(out->neighbourhood, sizeof(out->neighbourhood), "%s", nb->valuestring);
    } else {
        const char *id;
        if (!cJSON_IsString(pc)) {
            refuse(err, st, "wrong_type", "postcode");
            goto done;
        }
        int prc = bb_postcode_neighbourhood(pc->valuestring, &id);
        if (prc != BB_OK) {
            refuse(err, st, prc == BB_E_UNSUPPORTED ? "neighbourhood_not_served" : "invalid_postcode",
                   "postcode");
            goto done;
        }
        snprintf(out->neighbourhood, sizeof(out->neighbourhood), "%s", id);
    }
    if (!(v = cJSON_GetObjectItemCaseSensitive(o, "topic"))) {
        refuse(err, st, "missing_field", "topic");
        goto done;
    }
    if ((t = take_text(v, out->topic, sizeof(out->topic), 1, BB_CONTACT_TOPIC_MAX, TEXT_MULTILINE))) {
        text_fail(t, err, st, "invalid_topic", "topic");
        goto done;
    }
    if (!(v = cJSON_GetObjectItemCaseSensitive(o, "preference"))) {
        refuse(err, st, "missing_field", "preference");
        goto done;
    }
    if (!cJSON_IsString(v) || !one_of(v->valuestring, prefs)) {
        refuse(err, st, cJSON_IsString(v) ? "invalid_preference" : "wrong_type", "preference");
        goto done;
    }
    snprintf(out->preference, sizeof(out->preference), "%s", v->valuestring);

    /* Optional fields with defaults. */
    snprintf(out->window, sizeof(out->window), "any");
    if ((v = cJSON_GetObjectItemCaseSensitive(o, "window"))) {
        if (!cJSON_IsString(v) || !one_of(v->valuestring, windows)) {
            refuse(err, st, cJSON_IsString(v) ? "invalid_window" : "wrong_type", "window");
            goto done;
        }
        snprintf(out->window, sizeof(out->window), "%s", v->valuestring);
    }
    if ((v = cJSON_GetObjectItemCaseSensitive(o, "date"))) {
        if (!cJSON_IsString(v) || !date_ok(v->valuestring, today_days)) {
            refuse(err, st, cJSON_IsString(v) ? "invalid_date" : "wrong_type", "date");
            goto done;
        }
        snprintf(out->date, sizeof(out->date), "%s", v->valuestring);
    }
    if ((v = cJSON_GetObjectItemCaseSensitive(o, "needs"))) {
        if (!cJSON_IsArray(v) || cJSON_GetArraySize(v) > 4) {
            refuse(err, st, cJSON_IsArray(v) ? "invalid_needs" : "wrong_type", "needs");
            goto done;
        }
        for (const cJSON *e = v->child; e; e = e->next) {
            int bit = -1;
            if (cJSON_IsString(e))
                for (int k = 0; needs[k]; k++)
                    if (strcmp(e->valuestring, needs[k]) == 0)
                        bit = k;
            if (bit < 0 || (out->needs & (1u << bit))) {
                refuse(err, st, "invalid_needs", "needs");
                goto done;
            }
            out->needs |= 1u << bit;
        }
    }
    snprintf(out->lang, sizeof(out->lang), "nl");
    if ((v = cJSON_GetObjectItemCaseSensitive(o, "lang"))) {
        if (!cJSON_IsString(v) || !one_of(v->valuestring, langs)) {
            refuse(err, st, cJSON_IsString(v) ? "invalid_lang" : "wrong_type", "lang");
            goto done;
        }
        snprintf(out->lang, sizeof(out->lang), "%s", v->valuestring);
    }
    rc = BB_OK;
    if (st)
        st->accepted++;
done:
    cJSON_Delete(o);
    return rc;
}

int bb_contact_parse_request(const uint8_t *body, size_t len, int64_t today_days,
                             bb_callback_request *out, bb_contact_err *err, bb_contact_stats *st)
{
    return parse_request(body, len, today_days, 0, out, err, st);
}

int bb_contact_parse_phone_request(const uint8_t *body, size_t len, int64_t today_days,
                                   bb_callback_request *out, bb_contact_err *err, bb_contact_stats *st)
{
    return parse_request(body, len, today_days, 1, out, err, st);
}

/* "BB-XXXX-XXXX" in the reference alphabet; lower case is accepted. */
static int reference_ok(const char *s, char out[16])
{
    static const char alphabet[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    if (strlen(s) != 12 || (s[0] != 'B' && s[0] != 'b') || (s[1] != 'B' && s[1] != 'b') ||
        s[2] != '-' || s[7] != '-')
        return 0;
    for (int i = 0; i < 12; i++) {
        char c = s[i];
        if (c >= 'a' && c <= 'z')
            c = (char)(c - 'a' + 'A');
        if (i >= 3 && i != 7 && !strchr(alphabet, c))
            return 0;
        out[i] = c;
    }
    out[12] = 0;
    return 1;
}

int bb_contact_parse_lookup(const uint8_t *body, size_t len, bb_request_lookup *out,
                            bb_contact_err *err, bb_contact_stats *st)
{
    static const char *const fields[] = {"reference", "phone", NULL};
    memset(out, 0, sizeof(*out));
    cJSON *o = parse_object(body, len, fields, 0, err, st);
    if (!o)
        return BB_E_PARSE;
    int rc = BB_E_PROTO;
    const cJSON *r = cJSON_GetObjectItemCaseSensitive(o, "reference");
    const cJSON *p = cJSON_GetObjectItemCaseSensitive(o, "phone");
    if (!r || !p)
        refuse(err, st, "missing_field", r ? "phone" : "reference");
    else if (!cJSON_IsString(r) || !cJSON_IsString(p))
        refuse(err, st, "wrong_type", cJSON_IsString(r) ? "phone" : "reference");
    else if (!reference_ok(r->valuestring, out->reference))
        refuse(err, st, "invalid_reference", "reference");
    else if (bb_phone_normalise(p->valuestring, out->phone) != BB_OK)
        refuse(err, st, "invalid_phone", "phone");
    else {
        rc = BB_OK;
        if (st)
            st->accepted++;
    }
    cJSON_Delete(o);
    return rc;
}

int bb_contact_parse_login(const uint8_t *body, size_t len, bb_officer_login *out,
                           bb_contact_err *err, bb_contact_stats *st)
{
    static const char *const fields[] = {"username", "password", "code", NULL};
    memset(out, 0, sizeof(*out));
    cJSON *o = parse_object(body, len, fields, 0, err, st);
    if (!o)
        return BB_E_PARSE;
    int rc = BB_E_PROTO;
    const cJSON *u = cJSON_GetObjectItemCaseSensitive(o, "username");
    const cJSON *p = cJSON_GetObjectItemCaseSensitive(o, "password");
    const cJSON *c = cJSON_GetObjectItemCaseSensitive(o, "code");
    if (!u || !p)
        refuse(err, st, "missing_field", u ? "password" : "username");
    else if (!cJSON_IsString(u) || !cJSON_IsString(p) || (c && !cJSON_IsString(c)))
        refuse(err, st, "wrong_type", !cJSON_IsString(u) ? "username" : !cJSON_IsString(p) ? "password" : "code");
    else if (take_text(u, out->username, sizeof(out->username), 1, 64, TEXT_SINGLE_LINE) ||
             take_text(p, out->password, sizeof(out->password), 1, 256, TEXT_SECRET) ||
             (c && (strlen(c->valuestring) != 6 || strspn(c->valuestring, "0123456789") != 6)))
        refuse(err, st, "invalid_credentials", NULL);
    else {
        if (c)
            memcpy(out->code, c->valuestring, 7);
        rc = BB_OK;
        if (st)
            st->accepted++;
    }
    cJSON_Delete(o);
    return rc;
}

/* The one-time token of a link or of the questions after a call: 32 random
 * bytes, base64url (43 characters). 1 when t is one; otherwise 0, refused. */
static int token_ok(const cJSON *t, bb_contact_err *err, bb_contact_stats *st)
{
    if (!t)
        refuse(err, st, "missing_field", "token");
    else if (!cJSON_IsString(t))
        refuse(err, st, "wrong_type", "token");
    else if (strlen(t->valuestring) != 43 ||
             strspn(t->valuestring, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") != 43)
        refuse(err, st, "invalid_token", "token");
    else
        return 1;
    return 0;
}

int bb_contact_parse_feedback(const uint8_t *body, size_t len, bb_feedback *out, bb_contact_err *err,
                              bb_contact_stats *st)
{
    static const char *const fields[] = {"token", "how", "again", NULL};
    static const char *const agains[] = {"yes", "no", "unsure", NULL};
    memset(out, 0, sizeof(*out));
    cJSON *o = parse_object(body, len, fields, 0, err, st);
    if (!o)
        return BB_E_PARSE;
    int rc = BB_E_PROTO;
    const cJSON *t = cJSON_GetObjectItemCaseSensitive(o, "token");
    const cJSON *how = cJSON_GetObjectItemCaseSensitive(o, "how");
    const cJSON *again = cJSON_GetObjectItemCaseSensitive(o, "again");
    int answers_ok = 0;
    if (!token_ok(t, err, st))
        answers_ok = 0;
    else if (!how && !again)
        refuse(err, st, "missing_field", "how");
    else if (how && (!cJSON_IsNumber(how) || how->valuedouble != (double)how->valueint || how->valueint < 1 ||
                     how->valueint > 5))
        refuse(err, st, cJSON_IsNumber(how) ? "invalid_answer" : "wrong_type", "how");
    else if (again && (!cJSON_IsString(again) || !one_of(again->valuestring, agains)))
        refuse(err, st, cJSON_IsString(again) ? "invalid_answer" : "wrong_type", "again");
    else
        answers_ok = 1;
    if (answers_ok) {
        memcpy(out->token, t->valuestring, 44);
        out->how = how ? how->valueint : 0;
        snprintf(out->again, sizeof(out->again), "%s", again ? again->valuestring : "");
        rc = BB_OK;
        if (st)
            st->accepted++;
    }
    cJSON_Delete(o);
    return rc;
}

int bb_contact_parse_redeem(const uint8_t *body, size_t len, char token[44], bb_contact_err *err,
                            bb_contact_stats *st)
{
    static const char *const fields[] = {"token", NULL};
    token[0] = 0;
    cJSON *o = parse_object(body, len, fields, 0, err, st);
    if (!o)
        return BB_E_PARSE;
    int rc = BB_E_PROTO;
    const cJSON *t = cJSON_GetObjectItemCaseSensitive(o, "token");
    if (token_ok(t, err, st)) {
        memcpy(token, t->valuestring, 44);
        rc = BB_OK;
        if (st)
            st->accepted++;
    }
    cJSON_Delete(o);
    return rc;
}

int bb_contact_parse_call_where(const uint8_t *body, size_t len, char janus_token[BB_JANUS_TOKEN_MAX],
                                bb_contact_err *err, bb_contact_stats *st)
{
    static const char *const fields[] = {"janus_token", NULL};
    janus_token[0] = 0;
    cJSON *o = parse_object(body, len, fields, 0, err, st);
    if (!o)
        return BB_E_PARSE;
    int rc = BB_E_PROTO;
    const cJSON *t = cJSON_GetObjectItemCaseSensitive(o, "janus_token");
    size_t n = cJSON_IsString(t) ? strlen(t->valuestring) : 0;
    if (!t)
        refuse(err, st, "missing_field", "janus_token");
    else if (!cJSON_IsString(t))
        refuse(err, st, "wrong_type", "janus_token");
    else if (n == 0 || n >= BB_JANUS_TOKEN_MAX ||
             strspn(t->valuestring, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_,.:+/=") != n)
        refuse(err, st, "invalid_token", "janus_token");
    else {
        memcpy(janus_token, t->valuestring, n + 1);
        rc = BB_OK;
        if (st)
            st->accepted++;
    }
    cJSON_Delete(o);
    return rc;
}

int bb_contact_parse_action(int kind, const uint8_t *body, size_t len, bb_officer_action *out,
                            bb_contact_err *err, bb_contact_stats *st)
{
    static const char *const phone_fields[] = {"outcome", "note", NULL};
    static const char *const note_fields[] = {"note", NULL};
    static const char *const close_fields[] = {"outcome", NULL};
    static const char *const no_fields[] = {NULL};
    static const char *const phone_outcomes[] = {"reached", "no_answer", "wrong_number", NULL};
    static const char *const close_outcomes[] = {"done", "reached", "no_answer", "wrong_number",
                                                 "no_show", NULL};
    const char *const *fields = kind == BB_ACTION_PHONE   ? phone_fields
                                : kind == BB_ACTION_NOTES ? note_fields
                                : kind == BB_ACTION_CLOSE ? close_fields
                                                          : no_fields;
    memset(out, 0, sizeof(*out));
    if (kind < BB_ACTION_PHONE || kind > BB_ACTION_EMPTY)
        return BB_E_ARG;
    cJSON *o = parse_object(body, len, fields, 1, err, st);
    if (!o)
        return BB_E_PARSE;
    int rc = BB_E_PROTO, t;
    const cJSON *oc = cJSON_GetObjectItemCaseSensitive(o, "outcome");
    const cJSON *note = cJSON_GetObjectItemCaseSensitive(o, "note");
    if (kind == BB_ACTION_PHONE && !oc) {
        refuse(err, st, "missing_field", "outcome");
        goto done;
    }
    if (kind == BB_ACTION_NOTES && !note) {
        refuse(err, st, "missing_field", "note");
        goto done;
    }
    if (oc) {
        if (!cJSON_IsString(oc) ||
            !one_of(oc->valuestring, kind == BB_ACTION_PHONE ? phone_outcomes : close_outcomes)) {
            refuse(err, st, cJSON_IsString(oc) ? "invalid_outcome" : "wrong_type", "outcome");
            goto done;
        }
        snprintf(out->outcome, sizeof(out->outcome), "%s", oc->valuestring);
    }
    if (note && (t = take_text(note, out->note, sizeof(out->note), 1, BB_CONTACT_NOTE_MAX, TEXT_MULTILINE))) {
        text_fail(t, err, st, "invalid_note", "note");
        goto done;
    }
    rc = BB_OK;
    if (st)
        st->accepted++;
done:
    cJSON_Delete(o);
    return rc;
}
