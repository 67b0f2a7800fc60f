/*
 * Control messages: parse (untrusted) and write. The parser checks the size
 * before cJSON sees a byte, then walks every key so nothing unexpected is
 * silently accepted.
 */
#include <stdio.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "beeldbel/error.h"
#include "beeldbel/signal.h"
#include "../core/utf8.h"

static const char *const type_names[] = {
    [BB_CONTROL_HELLO] = "hello",
    [BB_CONTROL_BYE] = "bye",
    [BB_CONTROL_TEXT] = "text",
    [BB_CONTROL_KEYFRAME_REQUEST] = "keyframe_request",
    [BB_CONTROL_TEXT_FINAL] = "text_final",
};
#define TYPE_MAX BB_CONTROL_TEXT_FINAL
#define HAS_TEXT(t) ((t) == BB_CONTROL_TEXT || (t) == BB_CONTROL_TEXT_FINAL)

static const char *const reject_names[BB_CONTROL_REJECT_COUNT] = {
    "size", "json", "version", "type", "field", "range", "utf8",
};

const char *bb_control_reject_name(bb_control_reject r)
{
    if ((unsigned)r >= BB_CONTROL_REJECT_COUNT)
        return "unknown";
    return reject_names[r];
}

const char *bb_signal_json_version(void)
{
    return cJSON_Version();
}

static int id_valid(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n > BB_CONTROL_MAX_ID)
        return 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        int ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                 (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
        if (!ok)
            return 0;
    }
    return 1;
}

static int type_from_name(const char *s)
{
    for (int t = 1; t <= TYPE_MAX; t++)
        if (strcmp(s, type_names[t]) == 0)
            return t;
    return 0;
}

/* JSON numbers are doubles: accept only exact integers in [0, max]. */
static int as_uint(const cJSON *item, double max, uint32_t *out)
{
    if (!cJSON_IsNumber(item))
        return 0;
    double d = item->valuedouble;
    if (!(d >= 0 && d <= max) || d != (double)(uint32_t)d)
        return 0;
    *out = (uint32_t)d;
    return 1;
}

/* Returns a reject reason, or -1 when the body is acceptable. */
static int parse_body(const cJSON *body, bb_control_msg *msg)
{
    if (!HAS_TEXT(msg->type))
        return body ? BB_CONTROL_REJECT_FIELD : -1; /* other types carry none */
    if (!cJSON_IsObject(body))
        return BB_CONTROL_REJECT_FIELD;
    const cJSON *text = NULL;
    for (const cJSON *k = body->child; k; k = k->next) {
        if (strcmp(k->string, "text") != 0 || text)
            return BB_CONTROL_REJECT_FIELD;
        text = k;
    }
    if (!cJSON_IsString(text))
        return BB_CONTROL_REJECT_FIELD;
    /* cJSON decodes \u0000 into an early NUL; such text is refused as too
     * odd to display rather than silently cut. */
    size_t n = strlen(text->valuestring);
    if (n > BB_CONTROL_MAX_TEXT)
        return BB_CONTROL_REJECT_RANGE;
    if (!bb_utf8_valid((const unsigned char *)text->valuestring, n))
        return BB_CONTROL_REJECT_UTF8;
    memcpy(msg->text, text->valuestring, n + 1);
    return -1;
}

static int parse_object(const cJSON *root, bb_control_msg *msg)
{
    const cJSON *v = NULL, *type = NULL, *seq = NULL, *from = NULL, *body = NULL;
    for (const cJSON *k = root->child; k; k = k->next) {
        const cJSON **slot = !strcmp(k->string, "v")      ? &v
                           : !strcmp(k->string, "type")   ? &type
                           : !strcmp(k->string, "seq")    ? &seq
                           : !strcmp(k->string, "from")   ? &from
                           : !strcmp(k->string, "body")   ? &body
                           : NULL;
        if (!slot || *slot) /* unknown or duplicate key */
            return BB_CONTROL_REJECT_FIELD;
        *slot = k;
    }
    uint32_t version;
    if (!v || !as_uint(v, 1e9, &version) || version != BB_CONTROL_VERSION)
        return BB_CONTROL_REJECT_VERSION;
    if (!cJSON_IsString(type) || !(msg->type = type_from_name(type->valuestring)))
        return BB_CONTROL_REJECT_TYPE;
    if (!seq || !cJSON_IsNumber(seq) || !cJSON_IsString(from))
        return BB_CONTROL_REJECT_FIELD;
    if (!as_uint(seq, 4294967295.0, &msg->seq) || !id_valid(from->valuestring))
        return BB_CONTROL_REJECT_RANGE;
    strcpy(msg->from, from->valuestring); /* length checked by id_valid */
    return parse_body(body, msg);
}

int bb_control_parse(const uint8_t *data, size_t len, bb_control_msg *out,
                     bb_control_stats *stats)
{
    int reason;
    bb_control_msg msg;
    memset(&msg, 0, sizeof(msg));

    if (!out || (!data && len))
        return BB_E_ARG;
    if (len == 0 || len > BB_CONTROL_MAX_BYTES) {
        reason = BB_CONTROL_REJECT_SIZE;
    } else {
        cJSON *root = cJSON_ParseWithLength((const char *)data, len);
        if (!root || !cJSON_IsObject(root))
            reason = BB_CONTROL_REJECT_JSON;
        else
            reason = parse_object(root, &msg);
        cJSON_Delete(root);
    }

    if (reason >= 0) {
        if (stats)
            stats->rejected[reason]++;
        if (reason == BB_CONTROL_REJECT_SIZE)
            return BB_E_TOO_LARGE;
        return reason == BB_CONTROL_REJECT_JSON ? BB_E_PARSE : BB_E_PROTO;
    }
    if (stats)
        stats->accepted++;
    *out = msg;
    return BB_OK;
}

int bb_control_write(const bb_control_msg *msg, char *out, size_t cap,
                     size_t *out_len)
{
    if (!msg || !out || !out_len)
        return BB_E_ARG;
    *out_len = 0;
    if (msg->type < BB_CONTROL_HELLO || msg->type > TYPE_MAX ||
        !id_valid(msg->from))
        return BB_E_ARG;
    size_t tlen = strnlen(msg->text, sizeof(msg->text));
    if (HAS_TEXT(msg->type) &&
        (tlen > BB_CONTROL_MAX_TEXT ||
         !bb_utf8_valid((const unsigned char *)msg->text, tlen)))
        return BB_E_ARG;

    cJSON *root = cJSON_CreateObject();
    int rc = BB_E_NOMEM;
    if (!root)
        return rc;
    if (!cJSON_AddNumberToObject(root, "v", BB_CONTROL_VERSION) ||
        !cJSON_AddStringToObject(root, "type", type_names[msg->type]) ||
        !cJSON_AddNumberToObject(root, "seq", (double)msg->seq) ||
        !cJSON_AddStringToObject(root, "from", msg->from))
        goto done;
    if (HAS_TEXT(msg->type)) {
        cJSON *body = cJSON_AddObjectToObject(root, "body");
        if (!body || !cJSON_AddStringToObject(body, "text", msg->text))
            goto done;
    }
    char *json = cJSON_PrintUnformatted(root);
    if (!json)
        goto done;
    size_t n = strlen(json);
    if (n + 1 > cap || n > BB_CONTROL_MAX_BYTES) {
        rc = BB_E_BUFFER;
    } else {
        memcpy(out, json, n + 1);
        *out_len = n;
        rc = BB_OK;
    }
    cJSON_free(json);
done:
    cJSON_Delete(root);
    return rc;
}
