/*
 * beeldbel — Janus VideoRoom signalling (sans-I/O).
 *
 * Speaks the Janus WebSocket API (subprotocol "janus-protocol") for one
 * participant of one VideoRoom room: create a session, attach, join as
 * publisher, publish a data-channel-only offer, subscribe to every other
 * participant on one subscriber handle, trickle, keepalive, leave, and
 * reclaim the session after the WebSocket was lost.
 *
 * It never touches a socket or a clock. The host:
 *   - passes every text frame received on the WebSocket to bb_janus_recv(),
 *   - sends every message bb_janus_poll_send() yields,
 *   - handles every event bb_janus_poll_event() yields (create offers,
 *     apply answers, ...; the host owns the RTCPeerConnections),
 *   - calls bb_janus_tick() at bb_janus_next_deadline() at the latest.
 *
 * Everything received is untrusted: bb_janus_recv() parses it in one place,
 * bounds every field and counts each rejection by reason.
 */
#ifndef BEELDBEL_JANUS_H
#define BEELDBEL_JANUS_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define BB_JANUS_MAX_MSG (256 * 1024) /* larger frames are refused unread */
#define BB_JANUS_MAX_FEEDS 8          /* remote publishers we follow */
#define BB_JANUS_MAX_DISPLAY 64

typedef struct bb_janus bb_janus;

typedef struct bb_janus_config {
    uint64_t room;                  /* VideoRoom room id (1 .. 2^53) */
    const char *token;              /* signed Janus token (required) */
    const char *pin;                /* room PIN, or NULL */
    const char *display;            /* shown to others; [A-Za-z0-9 ._-], <= 64 */
    uint64_t feed_id;               /* our publisher id, or 0 to let Janus pick */
    uint32_t request_timeout_ms;    /* per request; 0 = 10000 */
    uint32_t keepalive_ms;          /* 0 = 25000 (Janus drops sessions at 60 s) */
} bb_janus_config;

typedef enum bb_janus_event_type {
    BB_JANUS_EV_JOINED = 1,         /* in the room as publisher; feed_id is ours */
    BB_JANUS_EV_PUBLISH_OFFER_NEEDED, /* make the publisher PC (one data channel),
                                       createOffer, then bb_janus_publish() */
    BB_JANUS_EV_PUBLISH_ANSWER,     /* sdp: remote description of the publisher PC */
    BB_JANUS_EV_SUBSCRIBE_OFFER,    /* sdp: remote offer for the subscriber PC;
                                       feeds/n_feeds: create a channel labelled with
                                       each feed id before answering, then
                                       bb_janus_subscribe_answer() */
    BB_JANUS_EV_PARTICIPANT_JOINED, /* feed_id, display */
    BB_JANUS_EV_PARTICIPANT_LEFT,   /* feed_id */
    BB_JANUS_EV_CONNECTION_PROBLEM, /* a request timed out: reconnect the
                                       WebSocket, then call bb_janus_ws_open() */
    BB_JANUS_EV_SESSION_LOST,       /* Janus forgot us: close both PCs; the
                                       engine joins again by itself */
    BB_JANUS_EV_ERROR,              /* code, reason: Janus refused something */
    BB_JANUS_EV_LEFT,               /* bb_janus_leave() finished */
    BB_JANUS_EV_SUBSCRIPTION_CHANGED, /* feeds/n_feeds: Janus added feeds to the
                                       subscriber without renegotiating (data
                                       channels share one m-line): open a
                                       channel for each new feed id now */
    BB_JANUS_EV_RECLAIMED           /* after bb_janus_ws_open(): Janus still had
                                       our session, and the peer connections
                                       carry on (otherwise SESSION_LOST) */
} bb_janus_event_type;

typedef struct bb_janus_event {
    bb_janus_event_type type;
    uint64_t feed_id;
    char display[BB_JANUS_MAX_DISPLAY + 1];
    int code;                       /* Janus error code, for BB_JANUS_EV_ERROR */
    char reason[128];
    const char *sdp;                /* valid until the next poll_event call */
    uint64_t feeds[BB_JANUS_MAX_FEEDS];
    int n_feeds;
} bb_janus_event;

/* Which peer connection a trickle candidate belongs to. */
typedef enum bb_janus_pc { BB_JANUS_PUBLISHER = 0, BB_JANUS_SUBSCRIBER = 1 } bb_janus_pc;

/* Why a received message was refused; indexes bb_janus_stats.rejected. */
typedef enum bb_janus_reject {
    BB_JANUS_REJECT_SIZE = 0,       /* empty or larger than BB_JANUS_MAX_MSG */
    BB_JANUS_REJECT_JSON,           /* not a JSON object */
    BB_JANUS_REJECT_FIELD,          /* a field is missing, mistyped or out of range */
    BB_JANUS_REJECT_TRANSACTION,    /* answers nothing we asked */
    BB_JANUS_REJECT_SESSION,        /* for another session or handle */
    BB_JANUS_REJECT_STATE,          /* not expected in the current state */
    BB_JANUS_REJECT_COUNT
} bb_janus_reject;

typedef struct bb_janus_stats {
    uint64_t received, ignored;     /* ignored: valid but of no interest */
    uint64_t rejected[BB_JANUS_REJECT_COUNT];
    uint64_t sessions_created, reclaims, timeouts;
} bb_janus_stats;

/* Copies cfg (strings included). *out is NULL on error. */
int bb_janus_new(bb_janus **out, const bb_janus_config *cfg);
void bb_janus_free(bb_janus *j);

/* The WebSocket is open (first time, or again after a loss). The first
 * call creates a session; later calls reclaim it. */
int bb_janus_ws_open(bb_janus *j, uint64_t now_us);

/* One text frame from the WebSocket. Returns BB_OK, or a negative code when
 * it was refused (counted in the stats; the session carries on). */
int bb_janus_recv(bb_janus *j, const char *data, size_t len, uint64_t now_us);

/* Next message to send; BB_E_AGAIN when there is none, BB_E_BUFFER when
 * cap is too small (the message stays queued; *len tells the size needed
 * including the NUL). */
int bb_janus_poll_send(bb_janus *j, char *out, size_t cap, size_t *len);

/* Next event; BB_E_AGAIN when there is none. */
int bb_janus_poll_event(bb_janus *j, bb_janus_event *ev);

/* An event type's name, as the web engine calls it ("session-lost"), or
 * "unknown". */
const char *bb_janus_event_name(bb_janus_event_type type);

/* Runs the timers at now_us (monotonic, as everywhere here): a request
 * past its deadline gives BB_JANUS_EV_CONNECTION_PROBLEM (or LEFT while
 * leaving), a due keepalive is queued. BB_OK; BB_E_ARG for a NULL j;
 * BB_E_STATE when the send queue is full (the host stopped sending);
 * BB_E_NOMEM. */
int bb_janus_tick(bb_janus *j, uint64_t now_us);
/* Absolute time of the next timer (keepalive or request timeout). */
uint64_t bb_janus_next_deadline(const bb_janus *j);

/* The publisher PC's local offer (after BB_JANUS_EV_PUBLISH_OFFER_NEEDED). */
int bb_janus_publish(bb_janus *j, const char *sdp_offer, uint64_t now_us);
/* The subscriber PC's local answer (after BB_JANUS_EV_SUBSCRIBE_OFFER). */
int bb_janus_subscribe_answer(bb_janus *j, const char *sdp_answer, uint64_t now_us);
/* A local ICE candidate; candidate NULL means gathering completed. */
int bb_janus_trickle(bb_janus *j, bb_janus_pc pc, const char *candidate,
                     const char *sdp_mid, int mline_index, uint64_t now_us);

/* Leaves the room and destroys the session. */
int bb_janus_leave(bb_janus *j, uint64_t now_us);

/* Counters, owned by j and valid while it lives. */
const bb_janus_stats *bb_janus_get_stats(const bb_janus *j);
/* Machine name of a reject reason ("json", "transaction", ...); a static
 * string, "unknown" for a value out of range. */
const char *bb_janus_reject_name(bb_janus_reject r);

#ifdef __cplusplus
}
#endif

#endif /* BEELDBEL_JANUS_H */
