/*
 * A tiny Janus HTTP client: create session, attach VideoRoom, create a
 * room, put a token on its list or destroy it, destroy the session. Replies are JSON parsed with cJSON and only
 * the fields needed are read.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

#include "beeldbel/e2ee.h"
#include "beeldbel/error.h"
#include "cjson/cJSON.h"
#include "janus_admin.h"

typedef struct {
    char *buf;
    size_t len;
} reply_buf;

static size_t collect(char *p, size_t size, size_t n, void *ctx)
{
    reply_buf *r = ctx;
    size_t add = size * n;
    if (r->len + add > 65536)
        return 0; /* a Janus reply is small; refuse anything else */
    char *nb = realloc(r->buf, r->len + add + 1);
    if (!nb)
        return 0;
    memcpy(nb + r->len, p, add);
    r->buf = nb;
    r->len += add;
    r->buf[r->len] = 0;
    return add;
}

/* GETs url (text NULL) or POSTs text to it, waiting at most timeout_ms;
 * returns the parsed reply or NULL. */
static cJSON *exchange(const char *url, const char *text, long timeout_ms)
{
    CURL *c = curl_easy_init();
    reply_buf r = {0};
    cJSON *out = NULL;
    if (c) {
        struct curl_slist *h = text ? curl_slist_append(NULL, "Content-Type: application/json") : NULL;
        curl_easy_setopt(c, CURLOPT_URL, url);
        if (text) {
            curl_easy_setopt(c, CURLOPT_POSTFIELDS, text);
            curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
        }
        curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, collect);
        curl_easy_setopt(c, CURLOPT_WRITEDATA, &r);
        curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, timeout_ms);
        curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
        curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
        if (curl_easy_perform(c) == CURLE_OK && r.buf)
            out = cJSON_ParseWithLength(r.buf, r.len);
        curl_slist_free_all(h);
        curl_easy_cleanup(c);
    }
    free(r.buf);
    return out;
}

/* POSTs body (consumed) to url; returns the parsed reply or NULL. */
static cJSON *post(const char *url, cJSON *body)
{
    char *text = cJSON_PrintUnformatted(body);
    cJSON_Delete(body);
    cJSON *out = text ? exchange(url, text, 5000L) : NULL;
    free(text);
    return out;
}

int bb_janus_ping(const char *http_url)
{
    char url[320];
    if (snprintf(url, sizeof(url), "%s/info", http_url) >= (int)sizeof(url))
        return BB_E_ARG;
    cJSON *o = exchange(url, NULL, 1000L);
    const cJSON *j = cJSON_GetObjectItemCaseSensitive(o, "janus");
    int rc = cJSON_IsString(j) && !strcmp(j->valuestring, "server_info") ? BB_OK : BB_E_STATE;
    cJSON_Delete(o);
    return rc;
}

static cJSON *request(const char *verb, const char *token)
{
    static const char hex[] = "0123456789abcdef";
    char tx[17];
    /* Transaction ids only pair replies with requests; not secret. */
    for (int i = 0; i < 16; i++)
        tx[i] = hex[rand() & 15];
    tx[16] = 0;
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "janus", verb);
    cJSON_AddStringToObject(o, "transaction", tx);
    cJSON_AddStringToObject(o, "token", token);
    return o;
}

/* The "data.id" of a success reply, or 0. */
static double success_id(cJSON *reply)
{
    const cJSON *j = cJSON_GetObjectItemCaseSensitive(reply, "janus");
    const cJSON *d = cJSON_GetObjectItemCaseSensitive(reply, "data");
    const cJSON *id = d ? cJSON_GetObjectItemCaseSensitive(d, "id") : NULL;
    if (!cJSON_IsString(j) || strcmp(j->valuestring, "success") || !cJSON_IsNumber(id))
        return 0;
    return id->valuedouble;
}

/* Runs one VideoRoom request (body, consumed) in a fresh session; returns
 * 0 when the reply's "videoroom" field equals want, or its error_code is
 * also_ok (0: none). */
static int videoroom_request(const char *http_url, const char *token, cJSON *body, const char *want,
                             int also_ok)
{
    char url[512];
    int rc = BB_E_STATE;
    cJSON *reply = post(http_url, request("create", token));
    double session = success_id(reply);
    cJSON_Delete(reply);
    if (session <= 0) {
        cJSON_Delete(body);
        return BB_E_STATE;
    }
    snprintf(url, sizeof(url), "%s/%.0f", http_url, session);
    cJSON *attach = request("attach", token);
    cJSON_AddStringToObject(attach, "plugin", "janus.plugin.videoroom");
    reply = post(url, attach);
    double handle = success_id(reply);
    cJSON_Delete(reply);
    if (handle > 0) {
        char hurl[600];
        snprintf(hurl, sizeof(hurl), "%s/%.0f", url, handle);
        cJSON *msg = request("message", token);
        cJSON_AddItemToObject(msg, "body", body);
        body = NULL;
        reply = post(hurl, msg);
        const cJSON *pd = cJSON_GetObjectItemCaseSensitive(reply, "plugindata");
        const cJSON *data = pd ? cJSON_GetObjectItemCaseSensitive(pd, "data") : NULL;
        const cJSON *vr = data ? cJSON_GetObjectItemCaseSensitive(data, "videoroom") : NULL;
        const cJSON *code = data ? cJSON_GetObjectItemCaseSensitive(data, "error_code") : NULL;
        if ((cJSON_IsString(vr) && strcmp(vr->valuestring, want) == 0) ||
            (also_ok && cJSON_IsNumber(code) && code->valueint == also_ok))
            rc = BB_OK;
        cJSON_Delete(reply);
    }
    cJSON_Delete(body);
    cJSON_Delete(post(url, request("destroy", token)));
    return rc;
}

int bb_janus_create_room(const char *http_url, const char *token, const char *admin_key,
                         int64_t room, const char *secret, const char *pin, const char *allowed)
{
    cJSON *body = cJSON_CreateObject();
    cJSON_AddStringToObject(body, "request", "create");
    cJSON_AddNumberToObject(body, "room", (double)room);
    cJSON_AddStringToObject(body, "secret", secret);
    cJSON_AddStringToObject(body, "pin", pin);
    cJSON_AddStringToObject(body, "admin_key", admin_key);
    cJSON_AddStringToObject(body, "description", "beeldbel call");
    cJSON_AddBoolToObject(body, "is_private", 1);
    /* Joining takes a token on the room's list, and subscribing the
     * private id of a participant who joined with one. */
    cJSON *acl = cJSON_AddArrayToObject(body, "allowed");
    cJSON_AddItemToArray(acl, cJSON_CreateString(allowed));
    cJSON_AddBoolToObject(body, "require_pvtid", 1);
    /* Everyone a call's key agreement can hold publishes. */
    cJSON_AddNumberToObject(body, "publishers", BB_E2EE_MAX_PARTICIPANTS);
    return videoroom_request(http_url, token, body, "created", 0);
}

int bb_janus_allow(const char *http_url, const char *token, int64_t room, const char *secret,
                   const char *allowed)
{
    cJSON *body = cJSON_CreateObject();
    cJSON_AddStringToObject(body, "request", "allowed");
    cJSON_AddNumberToObject(body, "room", (double)room);
    cJSON_AddStringToObject(body, "secret", secret);
    cJSON_AddStringToObject(body, "action", "add");
    cJSON *acl = cJSON_AddArrayToObject(body, "allowed");
    cJSON_AddItemToArray(acl, cJSON_CreateString(allowed));
    return videoroom_request(http_url, token, body, "success", 0);
}

int bb_janus_destroy_room(const char *http_url, const char *token, int64_t room, const char *secret)
{
    cJSON *body = cJSON_CreateObject();
    cJSON_AddStringToObject(body, "request", "destroy");
    cJSON_AddNumberToObject(body, "room", (double)room);
    cJSON_AddStringToObject(body, "secret", secret);
    /* 426, no such room: already gone (Janus forgets rooms when it restarts). */
    return videoroom_request(http_url, token, body, "destroyed", 426);
}
