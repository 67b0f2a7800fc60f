/* libFuzzer target: every parser of the contact service's request bodies
 * (the first byte picks one), then the phone and postcode normalisers on
 * the rest as text. Accepted values must satisfy the parser's promises. */
#include <stdlib.h>
#include <string.h>

#include "beeldbel/contact.h"
#include "beeldbel/error.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1 || size > BB_CONTACT_MAX_BODY + 1)
        return 0;
    uint8_t which = data[0];
    data++;
    size--;
    bb_contact_err err;
    bb_contact_stats st = {0};
    switch (which % 8) {
    case 0: {
        /* The citizen's request, or (odd selector) the service centre's, which needs consent. */
        static bb_callback_request r;
        int phone = (which / 8) & 1;
        int rc = phone ? bb_contact_parse_phone_request(data, size, 20787, &r, &err, &st)
                       : bb_contact_parse_request(data, size, 20787, &r, &err, &st);
        if (rc == BB_OK) {
            /* A stored request is always callable and in the pilot. */
            char again[17];
            if (r.phone[0] != '+' || bb_phone_normalise(r.phone, again) || strcmp(again, r.phone) ||
                !bb_neighbourhood_known(r.neighbourhood) || strpbrk(r.name, "<>") || r.via_phone != phone)
                abort();
        } else if (!err.code || !bb_contact_msg_en(err.code)) {
            abort();
        }
        break;
    }
    case 1: {
        bb_request_lookup q;
        if (bb_contact_parse_lookup(data, size, &q, &err, &st) == BB_OK && strlen(q.reference) != 12)
            abort();
        break;
    }
    case 2: {
        bb_officer_login l;
        bb_contact_parse_login(data, size, &l, &err, &st);
        break;
    }
    case 3: {
        char tok[44];
        if (bb_contact_parse_redeem(data, size, tok, &err, &st) == BB_OK && strlen(tok) != 43)
            abort();
        break;
    }
    case 4: {
        static bb_officer_action a;
        bb_contact_parse_action(1 + (which / 8) % 4, data, size, &a, &err, &st);
        break;
    }
    case 5: {
        bb_feedback f;
        if (bb_contact_parse_feedback(data, size, &f, &err, &st) == BB_OK &&
            (strlen(f.token) != 43 || f.how < 0 || f.how > 5 || (!f.how && !f.again[0])))
            abort();
        break;
    }
    case 6: {
        char token[BB_JANUS_TOKEN_MAX];
        if (bb_contact_parse_call_where(data, size, token, &err, &st) == BB_OK &&
            (!token[0] || strlen(token) >= BB_JANUS_TOKEN_MAX || strpbrk(token, " \"{}")))
            abort();
        break;
    }
    default: {
        char text[64], out[17];
        const char *nb;
        size_t n = size < sizeof(text) - 1 ? size : sizeof(text) - 1;
        memcpy(text, data, n);
        text[n] = 0;
        if (bb_phone_normalise(text, out) == BB_OK && (out[0] != '+' || strlen(out) < 9 || strlen(out) > 16))
            abort();
        bb_postcode_neighbourhood(text, &nb);
        break;
    }
    }
    return 0;
}
