/* libFuzzer target: a call's Janus token as a participant hands it back
 * (bb_janus_call_token_check). Nothing but a token the secret made passes;
 * one made from the input's parts always does, and with a byte changed
 * never does. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "beeldbel/contact.h"
#include "beeldbel/error.h"

static const char SECRET[] = "fuzz-secret";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 400)
        return 0;
    char text[401];
    memcpy(text, data, size);
    text[size] = 0;
    int64_t room;
    char participant[40];
    int rc = bb_janus_call_token_check(SECRET, text, 1000, &room, participant);
    if (rc == BB_OK) {
        /* Passed: then it is exactly what the secret makes for its parts. */
        char scope[72], again[BB_JANUS_TOKEN_MAX];
        snprintf(scope, sizeof(scope), "bb-call-%lld-%s", (long long)room, participant);
        long long expiry = strtoll(text, NULL, 10);
        if (bb_janus_token(SECRET, expiry, scope, again, sizeof(again)) || strcmp(again, text))
            abort();
    } else if (rc != BB_E_PARSE && rc != BB_E_AUTH) {
        abort();
    }
    /* A token made from the input's bytes passes, and fails with one byte flipped. */
    if (size >= 2) {
        char part[40];
        size_t n = 0;
        for (size_t i = 1; i < size && n < 39; i++)
            part[n++] = "abcdefghijklmnopqrstuvwxyz0123456789-ABC"[data[i] % 40];
        part[n] = 0;
        int64_t r = 1 + data[0];
        char scope[72], token[BB_JANUS_TOKEN_MAX];
        snprintf(scope, sizeof(scope), "bb-call-%lld-%s", (long long)r, part);
        if (bb_janus_token(SECRET, 5000, scope, token, sizeof(token)) != BB_OK)
            abort();
        if (bb_janus_call_token_check(SECRET, token, 1000, &room, participant) != BB_OK || room != r ||
            strcmp(participant, part))
            abort();
        if (bb_janus_call_token_check(SECRET, token, 5000, &room, participant) != BB_E_AUTH)
            abort(); /* expired */
        token[data[1] % strlen(token)] ^= 1;
        if (bb_janus_call_token_check(SECRET, token, 1000, &room, participant) == BB_OK)
            abort();
    }
    return 0;
}
