/*
 * beeldbel — the call core: one participant's side of one call, sans-I/O.
 *
 * It owns the media engine (media.h) and the key agreement (e2ee.h) of one
 * call and joins them on one wire. The host (the engine Worker in the
 * browser; a simulated network in the tests) only moves bytes and passes
 * the time:
 *  - what arrived, with the SFU feed it arrived on: bb_call_receive();
 *  - who the SFU says is in the room: bb_call_peer_joined() / _left();
 *  - what to send to everyone: bb_call_poll_send(), until BB_E_AGAIN;
 *  - timers: bb_call_tick() at bb_call_next_deadline();
 *  - what happened: bb_call_poll_event() (the roster changed, a line of text).
 * Camera frames and microphone PCM go in, and pictures and sound to play
 * come out, through the media engine the call owns (bb_call_media()).
 *
 * Wire: a data-channel message is one tag byte and a body, at most
 * BB_CALL_MAX_WIRE bytes in all:
 *   BB_CALL_TAG_HANDSHAKE  a key-agreement message (e2ee.h), new or
 *                          repeated by a participant still waiting;
 *   BB_CALL_TAG_MEDIA      a media-engine message sealed with SFrame by the
 *                          sender's current key (<= BB_MEDIA_MAX_MSG bytes
 *                          + SFrame header and tag <= 33);
 *   BB_CALL_TAG_HANDSHAKE_ANSWER  a key-agreement message repeated by a
 *                          settled participant for one still waiting.
 * One number names a participant everywhere: its SFU feed id is its e2ee
 * participant id, its SFrame sender and its media ssrc. A handshake that
 * arrives on feed X must come from X; a media message that arrives on feed X
 * must be sealed by X's key and claim ssrc X. Anything else is dropped and
 * counted (bb_call_stats), so an SFU cannot pass one participant off as
 * another, and nobody is heard or seen who is not on the roster (the
 * authenticated peers, e2ee.h; keys are wrapped only for them).
 *
 * Handshake delivery: the channel loses messages, so the last
 * BB_CALL_HS_KEPT handshake messages are sent again every
 * BB_CALL_HS_REPEAT_US until the call is settled: every feed the SFU
 * announced has sent us its key and the code is complete (a newcomer may
 * have missed our HELLO, anyone our REVEAL). Settled, we cannot know that
 * everyone has our REVEAL; whoever lacks it keeps repeating, so a repeated
 * handshake we already hold is answered with ours (tagged as an answer, at
 * most once per BB_CALL_HS_REPEAT_US; answers are never answered, so two
 * settled sides do not echo). New handshake messages go out at once, before
 * any media. When a new peer's key arrives, our next video frame
 * is a keyframe, so that it can start reading us at once.
 *
 * Documents: bb_call_send_doc() (a statement, a consent, a signature).
 *
 * Files: bb_call_send_file() (a PDF or a photo, up to BB_CALL_MAX_FILE
 * bytes) goes to everyone whose key we hold, in parts on the control
 * channel at a share of rate control's target (bb_media_set_side): what
 * video cannot use, at least a fifth, half while video keeps enough; never
 * into the room text needs. Receivers get FILE_OFFER, FILE_PROGRESS and FILE (whole,
 * its SHA-256 and type checked) or FILE_ENDED; the sender FILE_PROGRESS
 * (what every receiver holds) and FILE_ENDED. Either side may cancel. A
 * transfer cut by an outage goes on from where it stopped.
 *
 * Text: bb_call_send_text() sends a line of real-time text or a caption as a
 * reliable control message (signal.h) to everyone; a line longer than
 * BB_CALL_MAX_TEXT bytes keeps its end, cut on a character boundary.
 *
 * Clocks: now_us is a monotonic microsecond clock (media and repetition);
 * wall_us is Unix time in microseconds (certificates are checked against
 * it). Received messages may carry an earlier now_us than the call has seen
 * (the host's arrival time); the call never lets the media clock run back.
 *
 * Errors: functions return BB_OK or a negative BB_E_* (error.h). A message
 * that is refused returns the refusing module's code and is counted by
 * reason: here (bb_call_get_stats), in the key agreement
 * (bb_e2ee_get_stats, bb_e2ee_sframe_stats) or the media engine
 * (bb_media_get_stats). The call stays usable after any refused input.
 */
#ifndef BEELDBEL_CALL_H
#define BEELDBEL_CALL_H

#include <stddef.h>
#include <stdint.h>

#include "beeldbel/e2ee.h"
#include "beeldbel/filetype.h"
#include "beeldbel/media.h"
#include "beeldbel/signal.h"

#ifdef __cplusplus
extern "C" {
#endif

#define BB_CALL_TAG_HANDSHAKE 1
#define BB_CALL_TAG_MEDIA 2
#define BB_CALL_TAG_HANDSHAKE_ANSWER 3
#define BB_CALL_MAX_WIRE 1200          /* bytes of one data-channel message */
#define BB_CALL_MAX_ROOM 8             /* feeds the SFU may announce at once */
#define BB_CALL_HS_KEPT 8              /* handshake messages repeated */
#define BB_CALL_HS_REPEAT_US 300000ull /* ... this often, until settled */
#define BB_CALL_MAX_TEXT 900           /* bytes of one line of text sent */
#define BB_CALL_EVENTS_KEPT 32         /* text events kept for the host */
#define BB_CALL_MAX_DOC 65536          /* bytes of one document sent in the call */
#define BB_CALL_DOCS_QUEUED 4          /* documents waiting to go out */
#define BB_CALL_DOC_KIND_MAX 15
#define BB_CALL_MAX_FILE BB_FILE_MAX    /* bytes of one file shared in the call */
#define BB_CALL_MAX_FILE_NAME 120      /* bytes of its name, UTF-8 */

typedef struct bb_call bb_call;

typedef struct bb_call_config {
    bb_e2ee_config e2ee;    /* self_id: this participant's feed id (1..65535) */
    bb_media_config media;  /* ssrc is ignored: it is e2ee.self_id */
} bb_call_config;

/* What a message to send carries. */
typedef enum bb_call_msg_class {
    BB_CALL_MSG_MEDIA = BB_MEDIA_MSG_MEDIA,
    BB_CALL_MSG_FEEDBACK = BB_MEDIA_MSG_FEEDBACK,
    BB_CALL_MSG_CONTROL = BB_MEDIA_MSG_CONTROL,
    BB_CALL_MSG_HANDSHAKE = 4,
} bb_call_msg_class;

/* About a message bb_call_poll_send() gave. */
typedef struct bb_call_sent {
    bb_call_msg_class cls;
    const uint8_t *plain;   /* media engine classes: the message before
                             * SFrame (points into the call; valid until
                             * the next call on it); handshakes: NULL */
    size_t plain_len;
} bb_call_sent;

typedef struct bb_call_stats {
    uint64_t handshakes_in, handshakes_out;
    uint64_t handshakes_refused;  /* refused by the key agreement (its stats say why) */
    uint64_t handshakes_too_large; /* of ours, larger than the wire (not sent) */
    uint64_t spoofed;        /* from another participant than the feed it came on */
    uint64_t undecryptable;  /* SFrame refused it (bb_e2ee_sframe_stats says why) */
    uint64_t unknown_tag, oversize;
    uint64_t texts_in;       /* lines of text received */
    uint64_t controls_refused; /* control messages that did not parse (signal.h) */
    uint64_t events_dropped; /* text events the host did not poll in time */
    uint64_t docs_in, docs_refused; /* documents received whole; parts refused */
    uint64_t files_in, files_refused; /* files received whole; file messages refused */
    uint64_t keys_renewed;   /* bb_call_renew_keys() that renewed our key */
} bb_call_stats;

typedef enum bb_call_event_type {
    BB_CALL_EVENT_ROSTER = 1, /* who is in the call, their keys, the code or
                               * an officer's certificate failure changed:
                               * read them from bb_call_e2ee() */
    BB_CALL_EVENT_TEXT = 2,   /* a line of text from a peer */
    BB_CALL_EVENT_DOC = 3,    /* a whole document from a peer */
    BB_CALL_EVENT_FILE_OFFER = 4,    /* a peer began sending us a file */
    BB_CALL_EVENT_FILE_PROGRESS = 5, /* file_done bytes of a file, ours or a peer's */
    BB_CALL_EVENT_FILE = 6,          /* a peer's whole file, checked */
    BB_CALL_EVENT_FILE_ENDED = 7,    /* a file, ours or a peer's, ended otherwise */
} bb_call_event_type;

/* Why a file ended (FILE_ENDED), or that ours arrived everywhere. */
typedef enum bb_call_file_end {
    BB_CALL_FILE_DELIVERED = 1, /* ours: every receiver has it whole */
    BB_CALL_FILE_CANCELLED = 2, /* its sender withdrew it */
    BB_CALL_FILE_DECLINED = 3,  /* a receiver (file_by) cancelled it */
    BB_CALL_FILE_NO_ROOM = 4,   /* a receiver had no room for it */
    BB_CALL_FILE_DAMAGED = 5,   /* the bytes did not match the offer's SHA-256 */
    BB_CALL_FILE_WRONG_TYPE = 6, /* the bytes are not what the type says */
    BB_CALL_FILE_LEFT = 7,      /* its sender, or every receiver, left */
} bb_call_file_end;

typedef enum bb_call_text_kind { BB_CALL_TEXT_RTT = 0, BB_CALL_TEXT_CAPTION = 1 } bb_call_text_kind;

typedef struct bb_call_event {
    bb_call_event_type type;
    /* TEXT */
    uint32_t from;                       /* the sender's feed */
    bb_call_text_kind kind;
    int final;                           /* 1: the line is complete */
    char text[BB_CONTROL_MAX_TEXT + 1];  /* UTF-8, NUL-terminated */
    /* DOC (from as above) */
    int doc_kind;                        /* 1..BB_CALL_DOC_KIND_MAX, the host's to name */
    const uint8_t *doc;                  /* owned by the call, valid until the next poll */
    size_t doc_len;
    /* FILE_*: from is the file's sender (our own feed for ours); a whole
     * FILE's bytes are doc and doc_len, its name is text */
    uint32_t file_id;
    int file_type;                       /* bb_file_type (filetype.h) */
    size_t file_size, file_done;
    uint8_t file_sha256[32];
    bb_call_file_end file_end;
    uint32_t file_by;                    /* FILE_ENDED: the receiver it names */
} bb_call_event;

/*
 * Creates the call: the key agreement (its HELLO queued to send) and the
 * media engine. BB_OK and *out (the caller's, freed with bb_call_free);
 * BB_E_ARG, BB_E_AUTH, BB_E_NOMEM, BB_E_CRYPTO as bb_e2ee_new() and
 * bb_media_new() return them. Ownership as for those two: cfg is copied,
 * cfg->e2ee.trust is borrowed and must outlive the call.
 */
int bb_call_new(bb_call **out, const bb_call_config *cfg);
/* Frees c (NULL is fine) with its engine and keys. */
void bb_call_free(bb_call *c);

/*
 * The SFU announced feed (a participant publishing in the room). BB_OK;
 * BB_E_ARG for 0, our own feed or one over 65535; BB_E_TOO_LARGE when
 * BB_CALL_MAX_ROOM feeds are announced already (it is ignored).
 */
int bb_call_peer_joined(bb_call *c, uint32_t feed, uint64_t now_us);
/*
 * The SFU says feed left: its key, its media state and its place on the
 * roster go, and everyone moves to a new key (e2ee.h). BB_OK, also for a
 * feed that never got as far as the roster; BB_E_ARG as above.
 */
int bb_call_peer_left(bb_call *c, uint32_t feed, uint64_t now_us, uint64_t wall_us);

/*
 * The call moved to another SFU with the same people: our key is renewed
 * (bb_e2ee_renew; the code stays) and its KEYS goes out at once. A member
 * whose media comes under a key we lack (its renewal's KEYS was lost) gets
 * our handshakes once more, at most once per BB_CALL_HS_REPEAT_US, which it
 * answers with its own. BB_OK; BB_E_ARG; BB_E_CRYPTO.
 */
int bb_call_renew_keys(bb_call *c, uint64_t now_us);

/*
 * One data-channel message (untrusted bytes) that arrived on feed. BB_OK
 * (also for a message of less than two bytes: a channel's keep-alive, ignored);
 * BB_E_AGAIN for a handshake kept until its sender's HELLO arrives;
 * refused: BB_E_TOO_LARGE (over BB_CALL_MAX_WIRE), BB_E_PROTO (unknown tag,
 * wrong feed, or the key agreement's or media engine's own refusal), and the
 * codes of bb_e2ee_receive_on(), bb_e2ee_unprotect() and bb_media_receive().
 */
int bb_call_receive(bb_call *c, uint32_t feed, const uint8_t *data, size_t len,
                    uint64_t now_us, uint64_t wall_us);

/*
 * Sends a line of text (len bytes of UTF-8) to everyone, reliably and in
 * order. BB_OK; BB_E_ARG for invalid UTF-8 or a kind out of range; the
 * media engine's codes when its control queue refuses it.
 */
int bb_call_send_text(bb_call *c, bb_call_text_kind kind, int final, const char *text,
                      size_t len, uint64_t now_us);

/*
 * Sends a document (1..BB_CALL_MAX_DOC bytes, untrusted for whoever gets
 * it) of the host's kind to everyone, reliably and in order with text: it
 * is cut into control messages (leaving room for text) and arrives whole
 * as one BB_CALL_EVENT_DOC, or not at all. BB_OK; BB_E_ARG; BB_E_TOO_LARGE;
 * BB_E_AGAIN when BB_CALL_DOCS_QUEUED documents are still going out.
 */
int bb_call_send_doc(bb_call *c, int kind, const uint8_t *data, size_t len, uint64_t now_us);

/*
 * What we sent reliably (documents, text) that someone in the call does not
 * have yet: documents still queued, and control messages not acknowledged
 * by everyone. 0 once everyone has acknowledged all of it; never 0 while
 * nobody else is in the call and something was sent.
 */
int bb_call_unacked(const bb_call *c);

/*
 * Sends a file to everyone whose key we hold now: len bytes of type
 * (bb_file_type, checked against the bytes: filetype.h; strip a photo's
 * metadata first with bb_file_strip) named name (name_len bytes of UTF-8,
 * no control characters; shown to the receivers). BB_OK and *id, which
 * FILE_* events name; BB_E_ARG (also for a bad name); BB_E_TOO_LARGE;
 * BB_E_PARSE when the bytes are not of the type; BB_E_STATE when nobody
 * holds our key yet; BB_E_AGAIN while another of ours is going out.
 */
int bb_call_send_file(bb_call *c, int type, const char *name, size_t name_len,
                      const uint8_t *data, size_t len, uint64_t now_us, uint32_t *id);
/* Cancels a file: ours (owner is our feed) for everyone, or owner's for us
 * only. BB_OK; BB_E_ARG when no such file is going. */
int bb_call_cancel_file(bb_call *c, uint32_t owner, uint32_t id, uint64_t now_us);

/*
 * The next message to send to everyone in the room, into out (cap >=
 * BB_CALL_MAX_WIRE, else BB_E_BUFFER). BB_OK and *len; BB_E_AGAIN when there
 * is nothing to send now (media is paced: poll again after bb_call_tick());
 * BB_E_STATE when our key is used up (cannot happen before 2^32 messages).
 * sent may be NULL.
 */
int bb_call_poll_send(bb_call *c, uint8_t *out, size_t cap, size_t *len, bb_call_sent *sent);

/* Runs the timers: the media engine's and handshake repetition. BB_OK. */
int bb_call_tick(bb_call *c, uint64_t now_us);
/* When bb_call_tick() wants to run next (monotonic clock). */
uint64_t bb_call_next_deadline(const bb_call *c);

/*
 * The next event into ev. BB_OK; BB_E_AGAIN when none. A roster change is
 * reported once however often it changed since the last poll, before any
 * text; at most BB_CALL_EVENTS_KEPT lines of text wait (older ones are
 * dropped and counted).
 */
int bb_call_poll_event(bb_call *c, bb_call_event *ev);

/* 1 when every announced feed has sent us its key and the code is complete. */
int bb_call_settled(const bb_call *c);

/* The media engine (frames, PCM, stats), owned by the call. */
bb_media *bb_call_media(bb_call *c);
/* The key agreement (roster, code, stats), owned by the call; read-only. */
const bb_e2ee *bb_call_e2ee(const bb_call *c);
/* Counters, owned by c and valid while it lives. */
const bb_call_stats *bb_call_get_stats(const bb_call *c);

#ifdef __cplusplus
}
#endif

#endif /* BEELDBEL_CALL_H */
