/*
 * The pilot's figures (pilot.c): counted when things happen, reported per
 * ISO week and neighbourhood to team leads, with small counts hidden.
 */
#ifndef BB_CONTACT_PILOT_H
#define BB_CONTACT_PILOT_H

#include "beeldbel/contact.h"
#include "cjson/cJSON.h"
#include "store.h"

/* A request came in (from the widget or the service centre). */
void bb_pilot_request(bb_store *store, const bb_callback_request *r, int64_t now);
/* The first callback of a request (a video call started or a phone call
 * recorded): counted with the minutes it waited. */
void bb_pilot_callback(bb_store *store, const bb_stored_request *r, int64_t now);
/* A call held: by video (the citizen joined) or by phone (reached). */
void bb_pilot_call(bb_store *store, const char *neighbourhood, int video, int64_t now);
/* A citizen's answers after a call (how 1..5 or 0, again "yes"/"no"/"unsure"
 * or ""), counted in the week and neighbourhood of the call. */
void bb_pilot_feedback(bb_store *store, const char *neighbourhood, const char *week, int how, const char *again);
/* The figures of the neighbourhoods (comma separated) as JSON and as CSV
 * (RFC 4180, CRLF): counts 1..4 as "<5", the average wait only over 5 or
 * more callbacks. 0, or -1 (nothing allocated). */
int bb_pilot_report(bb_store *store, const char *neighbourhoods, cJSON **json, char **csv);

#endif
