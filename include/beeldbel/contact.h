/*
 * beeldbel — contact service building blocks (callback requests, officers,
 * invitations). Everything here is sans-I/O: no sockets, no clock, no
 * database. The HTTP server (src/contact/service.c) and the storage
 * (src/contact/store_sqlite.c) call into these functions.
 *
 *  - bb_contact_parse_*: the one parser of untrusted request bodies. Strict:
 *    JSON object only, no unknown or duplicate fields, every value checked.
 *    On refusal they fill a bb_contact_err (stable code, field, NL/EN text)
 *    and count the reason in bb_contact_stats.
 *  - bb_phone_normalise: Dutch and international numbers to E.164.
 *  - bb_ratelimit, bb_backoff: limits keyed by a string, bounded memory.
 *  - bb_http_*: the route, client address and cookies of a request.
 *  - bb_pbkdf2_sha256, bb_janus_token, bb_b64url: hashing and tokens.
 *
 * Strings in parsed structs are NUL-terminated copies owned by the struct.
 */
#ifndef BEELDBEL_CONTACT_H
#define BEELDBEL_CONTACT_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define BB_CONTACT_MAX_BODY  16384 /* bytes in any request body */
#define BB_JANUS_TOKEN_MAX   192   /* a Janus signed token, with its NUL (bb_janus_token) */
#define BB_CONTACT_NAME_MAX  100   /* characters (code points) */
#define BB_CONTACT_TOPIC_MAX 1000
#define BB_CONTACT_NOTE_MAX  2000
#define BB_CONTACT_EMAIL_MAX 254   /* bytes (RFC 5321 path limit) */

/* Access needs, a bit set. */
#define BB_NEED_CAPTIONS       0x1
#define BB_NEED_SIGN_LANGUAGE  0x2
#define BB_NEED_SPEECH_TO_TEXT 0x4
#define BB_NEED_HIGH_CONTRAST  0x8

/* A refusal: code and field are static strings (field may be NULL). */
typedef struct {
    const char *code;
    const char *field;
} bb_contact_err;

/* Dutch and English text for an error code (never NULL; static). */
const char *bb_contact_msg_nl(const char *code);
const char *bb_contact_msg_en(const char *code);

/* Counted rejection reasons (one counter per error code, by index). */
#define BB_CONTACT_REASONS 25
typedef struct {
    uint64_t accepted;
    uint64_t rejected[BB_CONTACT_REASONS];
} bb_contact_stats;
/* Machine name of reason index i (for logs/metrics); "unknown" out of range. */
const char *bb_contact_reason_name(int i);

/* Checks a text people will read that does not come through a request (an
 * officer's name or team): valid UTF-8 of 1..max code points, not only white
 * space, no control characters (tab and newline only when multiline), and
 * no invisible or direction-control characters ("invisible_text" in
 * requests). BB_OK; BB_E_PARSE for invalid UTF-8, a control character or a
 * wrong length; BB_E_PROTO for an invisible character; BB_E_ARG for NULL. */
int bb_contact_check_text(const char *s, long max, int multiline);

/* POST /api/v1/requests */
typedef struct {
    char name[BB_CONTACT_NAME_MAX * 4 + 1];
    char phone[17];                 /* E.164: '+' and up to 15 digits */
    char email[BB_CONTACT_EMAIL_MAX + 1]; /* "" when not given */
    char neighbourhood[32];
    char topic[BB_CONTACT_TOPIC_MAX * 4 + 1];
    char preference[8];             /* video | phone */
    char window[12];                /* morning | afternoon | evening | any */
    char date[11];                  /* YYYY-MM-DD or "" */
    unsigned needs;                 /* BB_NEED_* */
    char lang[3];                   /* nl | en */
    int via_phone;                  /* taken at 0900-8844 by the service centre, with consent */
    int64_t entered_by;             /* then: the service centre account (set by the service) */
} bb_callback_request;

/* today_days: days since 1970-01-01 (UTC) of "today", for the date check.
 * Returns 0 or BB_E_PARSE / BB_E_PROTO with *err set. */
int bb_contact_parse_request(const uint8_t *body, size_t len, int64_t today_days,
                             bb_callback_request *out, bb_contact_err *err,
                             bb_contact_stats *st);
/* The service centre's request for a caller of 0900-8844: the same fields
 * and rules, plus "consent": true (the caller agreed to the details being
 * recorded; anything else is "consent_required"). Sets via_phone. */
int bb_contact_parse_phone_request(const uint8_t *body, size_t len, int64_t today_days,
                                   bb_callback_request *out, bb_contact_err *err,
                                   bb_contact_stats *st);

/* POST /api/v1/requests/status and /cancel: { reference, phone } */
typedef struct {
    char reference[16]; /* BB-XXXX-XXXX */
    char phone[17];     /* E.164 */
} bb_request_lookup;
/* Returns 0 or BB_E_PARSE / BB_E_PROTO with *err set, as for a request. */
int bb_contact_parse_lookup(const uint8_t *body, size_t len, bb_request_lookup *out,
                            bb_contact_err *err, bb_contact_stats *st);

/* POST /api/v1/officer/login: { username, password, code? } (code: the 6
 * digits of the officer's authenticator app; "" when absent) */
typedef struct {
    char username[65];
    char password[257];
    char code[7];
} bb_officer_login;
/* Returns 0 or BB_E_PARSE / BB_E_PROTO with *err set, as for a request. */
int bb_contact_parse_login(const uint8_t *body, size_t len, bb_officer_login *out,
                           bb_contact_err *err, bb_contact_stats *st);

/* POST /api/v1/invitations/redeem: { token } (43 base64url chars) */
/* POST /api/v1/feedback: { token, how?: 1..5, again?: "yes" | "no" | "unsure" },
 * at least one answer. how 0 / again "" when not given. */
typedef struct {
    char token[44];
    int how;
    char again[8];
} bb_feedback;
int bb_contact_parse_feedback(const uint8_t *body, size_t len, bb_feedback *out, bb_contact_err *err,
                              bb_contact_stats *st);

int bb_contact_parse_redeem(const uint8_t *body, size_t len, char token[44],
                            bb_contact_err *err, bb_contact_stats *st);

/* Where a call is now: { janus_token } (the participant's, as the service
 * gave it: letters, digits and - _ , . : + / =, shorter than BB_JANUS_TOKEN_MAX;
 * its signature is checked by the caller). */
int bb_contact_parse_call_where(const uint8_t *body, size_t len, char janus_token[BB_JANUS_TOKEN_MAX],
                                bb_contact_err *err, bb_contact_stats *st);

/* Officer actions: phone { outcome, note? }, notes { note }, close { outcome? }.
 * An empty body counts as {}. outcome is "" when absent. */
typedef struct {
    char outcome[16];
    char note[BB_CONTACT_NOTE_MAX * 4 + 1];
} bb_officer_action;
#define BB_ACTION_PHONE 1 /* outcome required: reached | no_answer | wrong_number */
#define BB_ACTION_NOTES 2 /* note required */
#define BB_ACTION_CLOSE 3 /* outcome optional: done | reached | no_answer | wrong_number | no_show */
#define BB_ACTION_EMPTY 4 /* claim, video, logout: body must be empty or {} */
int bb_contact_parse_action(int kind, const uint8_t *body, size_t len, bb_officer_action *out,
                            bb_contact_err *err, bb_contact_stats *st);

/* Phone number in any usual Dutch or international notation to E.164
 * ("06-12345678", "+31 (0)6 1234 5678", "0031612345678" -> "+31612345678").
 * Premium and shared-cost numbers (0900, 0906, 0909) are refused: a callback
 * to them would cost the police money. Returns 0 or BB_E_PARSE. */
int bb_phone_normalise(const char *in, char out[17]);

/* Maps a Dutch postcode ("9722 AB", "9722ab") to a pilot neighbourhood id.
 * Returns 0 or BB_E_PARSE (malformed) / BB_E_UNSUPPORTED (not in the pilot). */
int bb_postcode_neighbourhood(const char *postcode, const char **neighbourhood);
/* 1 if id is a neighbourhood of the pilot. */
int bb_neighbourhood_known(const char *id);

/* Days since the epoch for a proleptic Gregorian date; -1 if invalid. */
int64_t bb_days_from_civil(int y, int m, int d);

/* Dutch time's offset from UTC at t: 7200 in summer time (CEST), else 3600. */
int bb_nl_utc_offset(int64_t t);
/* When a request's time window ends (Unix time, Dutch time): morning at
 * 12:00, afternoon at 17:00, evening and any at 21:00 — on its date when it
 * has one, otherwise on the first day whose window had not ended when it
 * was made (created_at). */
int64_t bb_window_end(const char *window, const char *date, int64_t created_at);
/* The ISO 8601 week of t in Dutch time, "YYYY-Www". */
#define BB_ISO_WEEK_LEN 9
void bb_iso_week(int64_t t, char out[BB_ISO_WEEK_LEN]);

/* ---- rate limiting ----------------------------------------------------------
 * Keys are hashed with SipHash-2-4 under `key` (16 random bytes chosen at
 * start), so nobody outside can pick keys that collide. At most `slots` keys
 * are tracked; when a key finds no room, the entry that holds the least
 * information is forgotten (a bucket that has refilled, a lockout long
 * over), so a flood of new keys frees limited keys last. Not thread-safe. */
uint64_t bb_siphash(const uint8_t key[16], const uint8_t *in, size_t len);

/* Token bucket per key: capacity tokens, refilled at capacity per period_us. */
typedef struct bb_ratelimit bb_ratelimit;
bb_ratelimit *bb_ratelimit_new(unsigned slots, double capacity, uint64_t period_us,
                               const uint8_t key[16]);
void bb_ratelimit_free(bb_ratelimit *rl);
/* Takes one token for key. Returns 0 when allowed, otherwise the number of
 * seconds (>= 1) after which a token is available. */
unsigned bb_ratelimit_take(bb_ratelimit *rl, const char *key, uint64_t now_us);

/* A bucket's arithmetic, also for buckets kept elsewhere (the store's,
 * shared by several instances): tokens refilled from last to now (one unit
 * for all three) at capacity per period, at most capacity; and the seconds
 * (>= 1) a bucket holding tokens < 1 waits for one. */
double bb_bucket_refill(double tokens, uint64_t last, uint64_t now, double capacity, uint64_t period);
unsigned bb_bucket_wait_s(double tokens, double capacity, uint64_t period_us);

/* Failure backoff per key: free_failures failures cost nothing; each one
 * after that locks the key for twice as long as the last (1 s, 2 s, 4 s ...
 * up to max_s). A key quiet for max_s starts over; a success clears it. */
typedef struct bb_backoff bb_backoff;
bb_backoff *bb_backoff_new(unsigned slots, unsigned free_failures, unsigned max_s,
                           const uint8_t key[16]);
void bb_backoff_free(bb_backoff *bo);
/* Seconds until key may try again; 0 = now. */
unsigned bb_backoff_wait(bb_backoff *bo, const char *key, uint64_t now_us);
/* Records a failure; returns the lockout it starts in seconds (0 = none). */
unsigned bb_backoff_failed(bb_backoff *bo, const char *key, uint64_t now_us);
void bb_backoff_succeeded(bb_backoff *bo, const char *key);
/* The lockout, in seconds, that a key's failures-th failure starts. */
unsigned bb_backoff_lock_s(unsigned failures, unsigned free_failures, unsigned max_s);

/* ---- the HTTP layer's parsers ------------------------------------------------
 * Everything the service reads from a request line and headers before any
 * body parser runs: the route, the client's address, cookies. */

typedef enum {
    BB_ROUTE_HEALTH = 1,       /* GET  health */
    BB_ROUTE_CREATE,           /* POST requests */
    BB_ROUTE_STATUS,           /* POST requests/status */
    BB_ROUTE_CANCEL,           /* POST requests/cancel */
    BB_ROUTE_REDEEM,           /* POST invitations/redeem */
    BB_ROUTE_LOGIN,            /* POST officer/login */
    BB_ROUTE_LOGOUT,           /* POST officer/logout */
    BB_ROUTE_QUEUE,            /* GET  officer/queue */
    BB_ROUTE_SESSION,          /* GET  officer/session */
    BB_ROUTE_COLLEAGUE_REDEEM, /* POST officer/invitations/redeem */
    BB_ROUTE_ACTION,           /* POST officer/requests/{id}/{action} */
    BB_ROUTE_PHONE_REQUEST,    /* POST officer/requests (the service centre, for a caller) */
    BB_ROUTE_PILOT,            /* GET  officer/pilot (team leads: the pilot's figures) */
    BB_ROUTE_PILOT_CSV,        /* GET  officer/pilot.csv */
    BB_ROUTE_FEEDBACK,         /* POST feedback (a citizen's two questions after a call) */
    BB_ROUTE_TIMESTAMP,        /* POST officer/timestamp (RFC 3161, the police time-stamping service) */
    BB_ROUTE_STATEMENT,        /* GET | POST officer/requests/{id}/statement (a signed statement's PDF) */
    BB_ROUTE_RECORDING_NEW,    /* POST officer/requests/{id}/recording (a recorded interview begins) */
    BB_ROUTE_RECORDING,        /* GET  officer/recordings/{id} (how much is kept) */
    BB_ROUTE_RECORDING_FILE,   /* GET | POST officer/recordings/{id}/file (POST: a part, at Upload-Offset) */
    BB_ROUTE_RECORDING_MANIFEST, /* GET | POST officer/recordings/{id}/manifest */
    BB_ROUTE_CALL_WHERE,       /* POST calls/where | officer/calls/where (a call's Janus server now) */
    BB_ROUTE_KINDS             /* one past the last */
} bb_route_kind;

#define BB_ACTION_NAME_MAX 16
typedef struct {
    bb_route_kind kind;
    int64_t id;                     /* BB_ROUTE_ACTION, _STATEMENT, _RECORDING*: 1..15 digits */
    char action[BB_ACTION_NAME_MAX]; /* BB_ROUTE_ACTION: a-z, not checked further */
} bb_route;

/* Maps method and URL (path only: MHD strips the query) to a route.
 * Returns 0, or the HTTP status to answer: 404 (no such path) or 405
 * (a path that exists, another method). */
int bb_http_route(const char *method, const char *url, bb_route *out);

/* The client a request comes from, as a rate-limit key. With hops trusted
 * proxies in front (each appends the address it saw to X-Forwarded-For),
 * the client is the entry hops places from the right (the leftmost when
 * there are fewer); with hops 0, or when that entry is not an address, the
 * socket's peer. IPv4 as a dotted quad (IPv4-mapped IPv6 too), IPv6 as its
 * /64 network ("2001:db8:1:2::/64"): one subscriber holds a whole /64.
 * xff may be NULL. Returns 0, or -1 with out "?" when nothing is an address. */
#define BB_CLIENT_KEY_MAX 48
int bb_http_client_key(const char *xff, const char *peer, unsigned hops, char out[BB_CLIENT_KEY_MAX]);

/* The value of cookie `name` in a Cookie header ("a=1; b=2"). Returns 0,
 * or -1 when absent, empty, longer than out_size - 1, or present twice (a
 * second cookie of the same name may have been planted by another site). */
int bb_http_cookie(const char *header, const char *name, char *out, size_t out_size);

/* Content-Length: 0 and *len for 1..19 digits, -1 otherwise. */
int bb_http_content_length(const char *value, uint64_t *len);

/* ---- hashing and tokens ------------------------------------------------------ */

/* PBKDF2-HMAC-SHA256 (RFC 8018) on Mbed TLS's HMAC API. 0 or BB_E_*. */
#define BB_PBKDF2_ITERATIONS 600000 /* for new passwords (OWASP's 2023 figure) */
int bb_pbkdf2_sha256(const uint8_t *pw, size_t pw_len, const uint8_t *salt, size_t salt_len,
                     uint32_t iterations, uint8_t *out, size_t out_len);

/* A Janus signed token "<expiry>,janus,janus.plugin.videoroom[,<scope>]:<b64
 * HMAC-SHA1>" valid until expiry_unix. scope (NULL: none; at most 64
 * characters, no ',', ':' or space) makes a call's token its own: the
 * VideoRoom ACL of the call's room lists exactly the tokens issued for it.
 * out must hold BB_JANUS_TOKEN_MAX bytes. 0 or BB_E_*. */
/* A call's token (scope "bb-call-<room>-<participant>") handed back by a
 * participant: BB_OK when it is one this secret signed, whole and exactly
 * as made, and unexpired at now; its room and participant id (at most 39
 * characters of A-Z a-z 0-9 -) then in *room and participant. BB_E_AUTH
 * for a wrong signature or an expired token, BB_E_PARSE for anything else. */
int bb_janus_call_token_check(const char *secret, const char *token, int64_t now, int64_t *room,
                              char participant[40]);
int bb_janus_token(const char *secret, int64_t expiry_unix, const char *scope, char *out,
                   size_t out_size);

/* A QR code (byte mode, error correction level M, versions 1 to 9: up to
 * 180 bytes) of data: *size modules a side, row by row, 1 dark, into
 * modules (BB_QR_MAX_SIZE^2 bytes). The caller adds the 4-module quiet zone.
 * 0, BB_E_BUFFER when data does not fit, or BB_E_ARG. */
#define BB_QR_MAX_SIZE 53
#define BB_QR_MAX_CODEWORDS 292
int bb_qr_encode(const uint8_t *data, size_t len, uint8_t *modules, int *size);

/* Time-based one-time passwords for officers' second factor (RFC 6238:
 * HMAC-SHA1, 30-second steps, 6 digits — what authenticator apps use). */
#define BB_TOTP_DIGITS 6
#define BB_TOTP_PERIOD 30
#define BB_TOTP_KEY_BYTES 20
/* The code for time step `step`. 0 or BB_E_*. */
int bb_totp(const uint8_t *key, size_t key_len, uint64_t step, char out[BB_TOTP_DIGITS + 1]);
/* The step (now/30 - 1 .. + 1: a phone's clock may be half a minute off)
 * whose code is `code`, or -1. Steps up to last_step are refused: a code
 * works once. */
int64_t bb_totp_check(const uint8_t *key, size_t key_len, const char *code, int64_t now, int64_t last_step);
/* Unpadded base32 (RFC 4648) of len bytes, as authenticator apps take
 * secrets; out needs ceil(len*8/5)+1 bytes. */
void bb_base32(const uint8_t *in, size_t len, char *out);
/* The otpauth:// link an authenticator app takes (scanned as a QR code):
 * "otpauth://totp/Beeldbel:<user>?secret=<base32>&issuer=Beeldbel&...",
 * the user name percent-encoded. 0, or BB_E_BUFFER when out (BB_TOTP_URI_MAX)
 * is too small. */
#define BB_TOTP_URI_MAX 320
int bb_totp_uri(const uint8_t key[BB_TOTP_KEY_BYTES], const char *user, char *out, size_t out_size);

/* Unpadded base64url of len bytes; out needs 4*ceil(len/3)+1 bytes. */
void bb_b64url(const uint8_t *in, size_t len, char *out);

/* Reference "BB-XXXX-XXXX" from 5 random bytes (Crockford base32: no I, L, O, U). */
void bb_reference_from_bytes(const uint8_t rnd[5], char out[13]);

/* Constant-time string comparison: 1 if equal. */
int bb_ct_streq(const char *a, const char *b);

#ifdef __cplusplus
}
#endif

#endif /* BEELDBEL_CONTACT_H */
