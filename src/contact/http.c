/*
 * The HTTP layer's parsers: what the service reads from the request line
 * and headers (route, client address, cookies, Content-Length). Sans-I/O:
 * strings in, results out.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "beeldbel/contact.h"

static const struct {
    const char *path;
    bb_route_kind kind;
    int get; /* 1: GET, 0: POST */
} ROUTES[] = {
    {"health", BB_ROUTE_HEALTH, 1},
    {"requests", BB_ROUTE_CREATE, 0},
    {"requests/status", BB_ROUTE_STATUS, 0},
    {"requests/cancel", BB_ROUTE_CANCEL, 0},
    {"invitations/redeem", BB_ROUTE_REDEEM, 0},
    {"officer/login", BB_ROUTE_LOGIN, 0},
    {"officer/logout", BB_ROUTE_LOGOUT, 0},
    {"officer/queue", BB_ROUTE_QUEUE, 1},
    {"officer/session", BB_ROUTE_SESSION, 1},
    {"officer/invitations/redeem", BB_ROUTE_COLLEAGUE_REDEEM, 0},
    {"officer/requests", BB_ROUTE_PHONE_REQUEST, 0},
    {"officer/pilot", BB_ROUTE_PILOT, 1},
    {"officer/pilot.csv", BB_ROUTE_PILOT_CSV, 1},
    {"feedback", BB_ROUTE_FEEDBACK, 0},
    {"officer/timestamp", BB_ROUTE_TIMESTAMP, 0},
    {"calls/where", BB_ROUTE_CALL_WHERE, 0},
    {"officer/calls/where", BB_ROUTE_CALL_WHERE, 0},
};

/* officer/requests/{id}/{action}: id 1..15 digits, action lowercase a-z. */
static int action_route(const char *p, bb_route *out)
{
    static const char prefix[] = "officer/requests/";
    if (strncmp(p, prefix, sizeof(prefix) - 1))
        return -1;
    p += sizeof(prefix) - 1;
    size_t digits = strspn(p, "0123456789");
    if (digits < 1 || digits > 15 || p[digits] != '/')
        return -1;
    const char *a = p + digits + 1;
    size_t alen = strlen(a);
    if (alen < 1 || alen >= sizeof(out->action) || strspn(a, "abcdefghijklmnopqrstuvwxyz") != alen)
        return -1;
    int64_t id = 0;
    for (size_t i = 0; i < digits; i++)
        id = id * 10 + (p[i] - '0');
    out->kind = BB_ROUTE_ACTION;
    out->id = id;
    memcpy(out->action, a, alen + 1);
    return 0;
}

/* officer/recordings/{id}[/file|/manifest] */
static int recording_route(const char *p, int get, int post, bb_route *out)
{
    static const char prefix[] = "officer/recordings/";
    if (strncmp(p, prefix, sizeof(prefix) - 1))
        return 404;
    p += sizeof(prefix) - 1;
    size_t digits = strspn(p, "0123456789");
    if (digits < 1 || digits > 15)
        return 404;
    const char *rest = p + digits;
    if (!*rest)
        out->kind = BB_ROUTE_RECORDING;
    else if (!strcmp(rest, "/file"))
        out->kind = BB_ROUTE_RECORDING_FILE;
    else if (!strcmp(rest, "/manifest"))
        out->kind = BB_ROUTE_RECORDING_MANIFEST;
    else
        return 404;
    for (size_t i = 0; i < digits; i++)
        out->id = out->id * 10 + (p[i] - '0');
    if (get || (post && out->kind != BB_ROUTE_RECORDING))
        return 0;
    memset(out, 0, sizeof(*out));
    return 405;
}

int bb_http_route(const char *method, const char *url, bb_route *out)
{
    memset(out, 0, sizeof(*out));
    if (!method || !url || strncmp(url, "/api/v1/", 8))
        return 404;
    const char *p = url + 8;
    int get = !strcmp(method, "GET"), post = !strcmp(method, "POST");
    int want_get = 0;
    size_t i;
    for (i = 0; i < sizeof(ROUTES) / sizeof(ROUTES[0]); i++)
        if (!strcmp(p, ROUTES[i].path))
            break;
    if (i < sizeof(ROUTES) / sizeof(ROUTES[0])) {
        out->kind = ROUTES[i].kind;
        want_get = ROUTES[i].get;
    } else if (!strncmp(p, "officer/recordings/", 19)) {
        return recording_route(p, get, post, out);
    } else if (action_route(p, out)) {
        return 404;
    } else if (!strcmp(out->action, "recording")) {
        out->kind = BB_ROUTE_RECORDING_NEW; /* POST, as every action */
    } else if (!strcmp(out->action, "statement")) {
        out->kind = BB_ROUTE_STATEMENT; /* GET the kept copy, POST one to keep */
        if (get || post)
            return 0;
        memset(out, 0, sizeof(*out));
        return 405;
    }
    if (want_get ? !get : !post) {
        memset(out, 0, sizeof(*out));
        return 405;
    }
    return 0;
}

/* One address, written as a limiter key; -1 if s is not an address. */
static int address_key(const char *s, size_t len, char out[BB_CLIENT_KEY_MAX])
{
    char a[INET6_ADDRSTRLEN];
    while (len > 0 && (*s == ' ' || *s == '\t'))
        s++, len--;
    while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\t'))
        len--;
    if (len == 0 || len >= sizeof(a))
        return -1;
    memcpy(a, s, len);
    a[len] = 0;
    struct in_addr v4;
    struct in6_addr v6;
    if (inet_pton(AF_INET, a, &v4) == 1)
        return inet_ntop(AF_INET, &v4, out, BB_CLIENT_KEY_MAX) ? 0 : -1;
    if (inet_pton(AF_INET6, a, &v6) != 1)
        return -1;
    static const uint8_t mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    if (!memcmp(v6.s6_addr, mapped, 12)) {
        memcpy(&v4, v6.s6_addr + 12, 4);
        return inet_ntop(AF_INET, &v4, out, BB_CLIENT_KEY_MAX) ? 0 : -1;
    }
    memset(v6.s6_addr + 8, 0, 8);
    if (!inet_ntop(AF_INET6, &v6, out, BB_CLIENT_KEY_MAX - 4))
        return -1;
    strcat(out, "/64");
    return 0;
}

int bb_http_client_key(const char *xff, const char *peer, unsigned hops, char out[BB_CLIENT_KEY_MAX])
{
    if (xff && hops > 0) {
        /* Walk entries from the right: the hops-th, or the leftmost. */
        const char *end = xff + strlen(xff), *start;
        for (unsigned n = 1;; n++) {
            start = end;
            while (start > xff && start[-1] != ',')
                start--;
            if (n == hops || start == xff)
                break;
            end = start - 1; /* the comma */
        }
        if (address_key(start, (size_t)(end - start), out) == 0)
            return 0;
    }
    if (peer && address_key(peer, strlen(peer), out) == 0)
        return 0;
    snprintf(out, BB_CLIENT_KEY_MAX, "?");
    return -1;
}

int bb_http_cookie(const char *header, const char *name, char *out, size_t out_size)
{
    size_t nlen = strlen(name);
    int found = 0;
    if (!header || out_size == 0)
        return -1;
    const char *p = header;
    while (*p) {
        while (*p == ' ' || *p == '\t' || *p == ';')
            p++;
        const char *item = p;
        while (*p && *p != ';')
            p++;
        const char *eq = memchr(item, '=', (size_t)(p - item));
        if (!eq || (size_t)(eq - item) != nlen || strncmp(item, name, nlen))
            continue;
        const char *v = eq + 1, *vend = p;
        while (vend > v && (vend[-1] == ' ' || vend[-1] == '\t'))
            vend--;
        if (found++ || vend == v || (size_t)(vend - v) >= out_size)
            return -1;
        memcpy(out, v, (size_t)(vend - v));
        out[vend - v] = 0;
    }
    return found == 1 ? 0 : -1;
}

int bb_http_content_length(const char *value, uint64_t *len)
{
    size_t n = value ? strlen(value) : 0;
    if (n < 1 || n > 19 || strspn(value, "0123456789") != n)
        return -1;
    uint64_t v = 0;
    for (size_t i = 0; i < n; i++)
        v = v * 10 + (uint64_t)(value[i] - '0');
    *len = v;
    return 0;
}
