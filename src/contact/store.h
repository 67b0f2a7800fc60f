/*
 * Storage interface of the contact service (store.c): SQLite, embedded, or
 * PostgreSQL, shared by several service instances. Every function is
 * thread-safe, returns 0 or a negative BB_E_* code, and takes the time as an
 * argument (unix seconds), never reading a clock itself.
 *   BB_E_AGAIN  not found          BB_E_STATE  conflict (wrong state, taken)
 *   BB_E_UNSUPPORTED  the database could not be reached (nothing was done,
 *                     or a transaction was rolled back)
 */
#ifndef BB_CONTACT_STORE_H
#define BB_CONTACT_STORE_H

#include <stdint.h>

#include "beeldbel/contact.h"

typedef struct bb_store bb_store;

typedef struct {
    int64_t id;
    char reference[16];
    char status[16];       /* queued | claimed | inviting | in_call | done */
    bb_callback_request req;
    int64_t created_at, closed_at;
    int64_t claimed_by;    /* officer id, 0 = nobody */
    char claimed_by_name[101];
    char outcome[16];
    char notes[8192];
    int repeats;           /* earlier requests for the same phone number in the 24 h before */
    int statements;        /* signed statements kept with it */
} bb_stored_request;

typedef struct {
    int64_t id;
    char username[65];
    char display_name[101];
    char team[101];
    char neighbourhoods[256];  /* comma separated ids */
    char number[33];           /* officer number, as in their police certificate (identity.h) */
    uint8_t salt[16];
    uint8_t hash[32];
    uint32_t iterations;
    uint8_t totp[20];          /* second factor's key (BB_TOTP_KEY_BYTES) ... */
    int has_totp;              /* ... when the officer has one */
    int64_t totp_last_step;    /* the last step whose code was used (each works once) */
    uint8_t totp_pending[20];  /* without one: the key offered at login, until its first code ... */
    int has_pending;           /* ... when one was offered */
    char role[16];             /* "officer", "team_lead" (reads the pilot's figures) or "service_centre"
                                  (enters requests for callers of 0900-8844) */
} bb_officer;

typedef struct {
    int64_t request_id, officer_id, room, expires_at, used_at;
    char pin[24];
    char participant_id[40];
    char role[16];             /* "citizen" (one per call), "interpreter" or "colleague"; "" = citizen */
    char neighbourhood[32];    /* the request's (read when redeemed) */
} bb_invitation;

/* Opens the database: a SQLite file (created if needed; ":memory:" for
 * tests), or PostgreSQL by a "postgresql://" URI. Either is brought to the
 * newest schema first (migrations numbered 1 .. bb_store_schema_version()). */
int bb_store_open(const char *location, bb_store **out);
void bb_store_close(bb_store *s);
int bb_store_schema_version(void);
/* Whether this thread's last call failed because the database could not be
 * reached (it returned BB_E_UNSUPPORTED). */
int bb_store_unreachable_here(void);

/* Citizen requests. create: BB_E_STATE if the reference is taken. */
int bb_store_create_request(bb_store *s, const bb_callback_request *r, const char *reference,
                            int64_t now, int64_t *id);
int bb_store_find(bb_store *s, const char *reference, const char *phone, bb_stored_request *out);
int bb_store_get(bb_store *s, int64_t id, bb_stored_request *out);
/* Deletes a request and its invitations at once (cancel = delete). */
int bb_store_delete_request(bb_store *s, int64_t id);
/* Open requests (not done) in a comma-separated set of neighbourhoods,
 * oldest first; row() is called for each, under the store's lock. */
int bb_store_queue(bb_store *s, const char *neighbourhoods,
                   void (*row)(void *ctx, const bb_stored_request *r), void *ctx);
/* queued -> claimed by officer; BB_E_STATE if someone has it. */
int bb_store_claim(bb_store *s, int64_t id, int64_t officer_id, int64_t now);
/* Sets status (and outcome if not NULL); status "done" sets closed_at. */
int bb_store_set_status(bb_store *s, int64_t id, const char *status, const char *outcome, int64_t now);
/* Appends "note" to the request's notes; BB_E_TOO_LARGE when notes are full. */
int bb_store_add_note(bb_store *s, int64_t id, const char *note);

/* Officers. add: BB_E_STATE if the user name exists. */
int bb_store_add_officer(bb_store *s, const bb_officer *o);
int bb_store_officer_by_name(bb_store *s, const char *username, bb_officer *out);
int bb_store_officer_by_id(bb_store *s, int64_t id, bb_officer *out);
/* Replaces an account's password hash (salt, hash, iterations from o).
 * BB_E_AGAIN: no such user. */
int bb_store_set_officer_password(bb_store *s, const char *username, const bb_officer *o);
/* Sets (key: BB_TOTP_KEY_BYTES) or clears (key NULL) an account's second
 * factor; the account's sessions end. BB_E_AGAIN: no such user. */
int bb_store_set_officer_totp(bb_store *s, const char *username, const uint8_t *key);
/* Second factor enrolment: offer stores key as the account's pending one
 * when it has neither a key nor a pending one (otherwise nothing changes:
 * read the account again); enrol makes the pending key the account's,
 * with step used. BB_E_STATE when there was nothing to enrol. */
int bb_store_officer_totp_offer(bb_store *s, int64_t officer_id, const uint8_t *key);
int bb_store_officer_totp_enrol(bb_store *s, int64_t officer_id, int64_t step);
/* Marks step used for the officer, if it is later than the last used one.
 * BB_E_STATE when it is not (a code replayed, or used at the same moment). */
int bb_store_officer_totp_used(bb_store *s, int64_t officer_id, int64_t step);
/* Gives an account its officer number. BB_E_AGAIN: no such user. */
int bb_store_set_officer_number(bb_store *s, const char *username, const char *number);

/* Sessions, keyed by the SHA-256 (hex) of the cookie value. */
int bb_store_session_create(bb_store *s, const char *key_hash, int64_t officer_id,
                            const char *csrf, int64_t now, int64_t expires_at);
/* A live session: not past expires_at (the absolute limit) and used within
 * the last idle_s seconds; using it counts as activity. BB_E_AGAIN if not. */
int bb_store_session_get(bb_store *s, const char *key_hash, int64_t now, int64_t idle_s,
                         int64_t *officer_id, char csrf[64]);
int bb_store_session_delete(bb_store *s, const char *key_hash);

/* Invitations, keyed by the SHA-256 (hex) of the link's token. Creating a
 * citizen's one (a new call) retires the request's earlier unused
 * invitations; an interpreter's retires nothing. */
int bb_store_invitation_create(bb_store *s, const char *token_hash, const bb_invitation *inv);
/* The request's current call: room (with its PIN) and officer of its
 * latest citizen invitation (used or not), and how many invitations for others
 * (interpreters, colleagues) that room has had. BB_E_AGAIN: no call yet. */
int bb_store_current_call(bb_store *s, int64_t request_id, bb_invitation *out, int *others);
/* Marks the invitation used if it is unused and unexpired, atomically
 * (the first redeem wins); use 0 only checks that it could be. staff: 1
 * redeems only colleagues' invitations (for a logged-in officer), 0 only
 * the others. Returns 0 and fills out and room_secret (NULL: not wanted);
 * BB_E_AGAIN unknown (or for the other door, left unused); BB_E_STATE used
 * (out->used_at set), expired, or its call has ended (the room is gone). */
int bb_store_invitation_redeem(bb_store *s, const char *token_hash, int64_t now, int staff, int use,
                               bb_invitation *out, char room_secret[48]);

/* Janus rooms made for a request, with their secret (to destroy them),
 * PIN (to join them) and server (the WebSocket URL naming the Janus server
 * it is on; "" the first). ended: up to max rooms whose request has ended
 * (closed, cancelled or deleted) — of request_id only, or of any when it is
 * 0; forget: once Janus has confirmed the room is gone, and not before.
 * get: one room (BB_E_AGAIN: none); move: to server `to` if it is still on
 * `from` (BB_E_STATE: it was moved already); calls_per_server: rooms of
 * open requests on each server that has any. */
int bb_store_room_add(bb_store *s, int64_t request_id, int64_t room, const char *secret,
                      const char *pin, const char *server, int64_t now);
int bb_store_rooms_ended(bb_store *s, int64_t request_id, int64_t *rooms, char (*secrets)[48],
                         char (*servers)[256], int max, int *n);
int bb_store_room_get(bb_store *s, int64_t room, int64_t *request_id, char secret[48], char pin[24],
                      char server[256]);
int bb_store_room_move(bb_store *s, int64_t room, const char *from, const char *to);
int bb_store_calls_per_server(bb_store *s, void (*row)(void *ctx, const char *server, int64_t calls), void *ctx);
int bb_store_room_forget(bb_store *s, int64_t room);

/* The pilot's figures: counts per ISO week and neighbourhood, kept apart
 * from the requests (which retention deletes) and holding nothing about a
 * person. add: adds values[i] to metrics[i] for i < n, in one transaction;
 * rows: every row of the neighbourhoods (comma separated), newest week first. */
int bb_store_pilot_add(bb_store *s, const char *week, const char *neighbourhood, const char *const *metrics,
                       const int64_t *values, int n);
/* One-time tokens for a citizen's two questions after a call: they know
 * the neighbourhood and week to count the answers in, and nothing else (no
 * request, no person). take deletes the token and gives both; BB_E_AGAIN
 * when it is unknown, used or expired. */
int bb_store_feedback_token_add(bb_store *s, const char *token_hash, const char *neighbourhood,
                                const char *week, int64_t expires_at);
int bb_store_feedback_token_take(bb_store *s, const char *token_hash, int64_t now, char neighbourhood[32],
                                 char week[BB_ISO_WEEK_LEN]);
int bb_store_pilot_rows(bb_store *s, const char *neighbourhoods,
                        void (*row)(void *ctx, const char *week, const char *neighbourhood,
                                    const char *metric, int64_t value),
                        void *ctx);

/* A signed statement (PDF, at most BB_STATEMENT_PDF_MAX bytes) kept with its
 * request, and deleted with it (retention, bb_store_delete_request). BB_OK
 * and *id (may be NULL); BB_E_STATE when the request does not exist. */
#define BB_STATEMENT_PDF_MAX (256 * 1024)
int bb_store_statement_add(bb_store *s, int64_t request_id, int64_t officer_id, const uint8_t *pdf,
                           size_t len, const char *sha256_hex, int64_t now, int64_t *id);
/* The request's latest statement, malloc'd into *pdf (the caller frees it).
 * BB_OK; BB_E_AGAIN when it has none. */
int bb_store_statement_latest(bb_store *s, int64_t request_id, uint8_t **pdf, size_t *len);

/* ---- the evidence store: recorded interviews ----
 * A recording's bytes are a file beside the database (the service keeps
 * them); here its owner, its size so far, its manifest and an audit log
 * (when, which officer by their id, which recording, what: created,
 * sealed, downloaded, deleted) that holds nothing about the people in it. */
typedef struct {
    int64_t id, request_id, officer_id, created_at, size;
    int sealed;            /* the final manifest verified: nothing more is added */
    int has_manifest;
} bb_stored_recording;
/* A new, empty recording of officer_id for request_id (audited). */
int bb_store_recording_add(bb_store *s, int64_t request_id, int64_t officer_id, int64_t now, int64_t *id);
/* BB_OK; BB_E_AGAIN when there is no such recording. */
int bb_store_recording_get(bb_store *s, int64_t id, bb_stored_recording *out);
/* Its size goes from `from` to `to`: BB_E_STATE when it is not `from` (another
 * upload came first) or the recording is sealed. */
int bb_store_recording_grow(bb_store *s, int64_t id, int64_t from, int64_t to);
/* Keeps the manifest as it stands; sealed: the last one, checked (audited). */
int bb_store_recording_manifest(bb_store *s, int64_t id, int64_t officer_id, const char *json, size_t len, int sealed,
                                int64_t now);
/* The manifest, malloc'd and NUL-terminated; BB_E_AGAIN when there is none. */
int bb_store_recording_manifest_get(bb_store *s, int64_t id, char **json, size_t *len);
int bb_store_recording_audit(bb_store *s, int64_t now, int64_t officer_id, int64_t id, const char *action);
int bb_store_recording_audit_rows(bb_store *s, int64_t id,
                                  void (*row)(void *ctx, int64_t at, int64_t officer_id, const char *action),
                                  void *ctx);
/* Retention: deletes (and audits) up to max recordings created before
 * `before`; their ids in ids[0..*n) for the caller to delete their files. */
int bb_store_recordings_expire(bb_store *s, int64_t now, int64_t before, int64_t *ids, int max, int *n);

/* Limits shared by the service's instances (bb_store_shared: on
 * PostgreSQL; one instance on SQLite keeps its own in memory). key: a
 * digest of what is limited (never an address itself); times in unix ms.
 * rate_take: takes one of capacity tokens that refill per period_ms;
 * *wait_s 0 when taken, else the seconds until one is there. backoff:
 * failures as bb_backoff counts them (contact.h), the lockout shared. */
int bb_store_shared(const bb_store *s);
int bb_store_rate_take(bb_store *s, const char *key, double capacity, int64_t period_ms, int64_t now_ms,
                       unsigned *wait_s);
int bb_store_backoff_wait(bb_store *s, const char *key, int64_t now_ms, unsigned *wait_s);
int bb_store_backoff_failed(bb_store *s, const char *key, unsigned free_failures, unsigned max_s, int64_t now_ms,
                            unsigned *lock_s);
int bb_store_backoff_clear(bb_store *s, const char *key);

/* Retention: deletes requests closed before now - retention_s and open
 * ones (never closed) created before now - open_max_s, with their
 * invitations; invitations a week after they expired; expired sessions;
 * shared limits untouched for a day.
 * Then the write-ahead log is checkpointed and truncated, so nothing
 * deleted stays readable in it. *deleted: requests gone. */
int bb_store_purge(bb_store *s, int64_t now, int64_t retention_s, int64_t open_max_s, int *deleted);

#endif
