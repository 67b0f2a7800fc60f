/* libFuzzer target: the contact service's HTTP-layer parsers (the first
 * byte picks one): route from method and URL, the client address from
 * X-Forwarded-For and the peer, a cookie from a Cookie header, and
 * Content-Length. Results must keep the parsers' promises. */
#include <stdlib.h>
#include <string.h>

#include "beeldbel/contact.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1 || size > 4096)
        return 0;
    uint8_t which = data[0];
    char *s = malloc(size);
    if (!s)
        return 0;
    memcpy(s, data + 1, size - 1);
    s[size - 1] = 0;
    /* Two strings: split at the first newline. */
    char *second = strchr(s, '\n');
    if (second)
        *second++ = 0;
    else
        second = s + strlen(s);
    switch (which % 4) {
    case 0: {
        bb_route r;
        int status = bb_http_route(s, second, &r);
        if (status == 0) {
            if (r.kind < BB_ROUTE_HEALTH || r.kind >= BB_ROUTE_KINDS || strncmp(second, "/api/v1/", 8))
                abort();
            if (r.kind == BB_ROUTE_ACTION &&
                (r.id < 0 || r.id > 999999999999999ll || !r.action[0] ||
                 strspn(r.action, "abcdefghijklmnopqrstuvwxyz") != strlen(r.action)))
                abort();
        } else if (status != 404 && status != 405) {
            abort();
        }
        break;
    }
    case 1: {
        char key[BB_CLIENT_KEY_MAX];
        int rc = bb_http_client_key(s, second, which >> 2 & 7, key);
        size_t n = strnlen(key, sizeof(key));
        if (n == sizeof(key) || (rc == 0 && strspn(key, "0123456789abcdef.:/") != n) ||
            (rc != 0 && strcmp(key, "?")))
            abort();
        break;
    }
    case 2: {
        char v[44];
        if (bb_http_cookie(s, second[0] ? second : "bb_session", v, sizeof(v)) == 0 &&
            (strnlen(v, sizeof(v)) == sizeof(v) || !v[0] || strchr(v, ';')))
            abort();
        break;
    }
    default: {
        uint64_t len;
        if (bb_http_content_length(s, &len) == 0 && strspn(s, "0123456789") != strlen(s))
            abort();
        break;
    }
    }
    free(s);
    return 0;
}
