/*
 * Creating a VideoRoom room per call through Janus's HTTP transport
 * (127.0.0.1 only), with a signed token and the VideoRoom admin_key.
 */
#ifndef BB_CONTACT_JANUS_ADMIN_H
#define BB_CONTACT_JANUS_ADMIN_H

#include <stdint.h>

/* http_url e.g. "http://127.0.0.1:8089/janus". Blocks for at most a few
 * seconds. Returns 0 or a negative BB_E_* code. The room is private, with
 * a PIN and an access list that holds allowed (the first participant's
 * Janus token): a join must carry a listed token. */
int bb_janus_create_room(const char *http_url, const char *token, const char *admin_key,
                         int64_t room, const char *secret, const char *pin, const char *allowed);

/* Puts one more participant's Janus token on the room's access list. */
int bb_janus_allow(const char *http_url, const char *token, int64_t room, const char *secret,
                   const char *allowed);

/* Destroys a room (ends everyone's access to it). 0 when Janus confirms it
 * is gone (destroyed now, or unknown to it); BB_E_* otherwise. */
int bb_janus_destroy_room(const char *http_url, const char *token, int64_t room, const char *secret);

/* Whether the server answers its info request within a second: BB_OK. */
int bb_janus_ping(const char *http_url);

#endif
