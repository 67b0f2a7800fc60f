/*
 * beeldbel — signal module: the engine's own control messages, JSON (cJSON).
 *
 * A control message travels between participants (through the SFU, inside
 * end-to-end encryption):
 *
 *   {"v":1,"type":"text","seq":42,"from":"citizen-1","body":{"text":"hallo"}}
 *
 * bb_control_parse() is the one place these untrusted bytes are parsed. It
 * is strict: unknown types, unknown keys, wrong JSON types, out-of-range
 * numbers, over-long strings and invalid UTF-8 are rejected, and every
 * rejection is counted by reason in a bb_control_stats the caller owns.
 */
#ifndef BEELDBEL_SIGNAL_H
#define BEELDBEL_SIGNAL_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define BB_CONTROL_VERSION 1
#define BB_CONTROL_MAX_BYTES 4096   /* larger input is refused unread */
#define BB_CONTROL_MAX_ID 64        /* participant id, bytes */
#define BB_CONTROL_MAX_TEXT 1024    /* text body, bytes of UTF-8 */

typedef enum bb_control_type {
    BB_CONTROL_HELLO = 1,           /* a participant announces itself */
    BB_CONTROL_BYE,                 /* a participant leaves */
    BB_CONTROL_TEXT,                /* a piece of real-time text */
    BB_CONTROL_KEYFRAME_REQUEST,    /* the receiver lost video state */
    BB_CONTROL_TEXT_FINAL           /* a line of real-time text, completed */
} bb_control_type;

typedef struct bb_control_msg {
    bb_control_type type;
    uint32_t seq;
    char from[BB_CONTROL_MAX_ID + 1];      /* [A-Za-z0-9._-], 1..64 */
    char text[BB_CONTROL_MAX_TEXT + 1];    /* BB_CONTROL_TEXT(_FINAL) only; UTF-8 */
} bb_control_msg;

/* Why a message was refused; indexes bb_control_stats.rejected. */
typedef enum bb_control_reject {
    BB_CONTROL_REJECT_SIZE = 0,     /* empty or over BB_CONTROL_MAX_BYTES */
    BB_CONTROL_REJECT_JSON,         /* not JSON, or not an object */
    BB_CONTROL_REJECT_VERSION,      /* missing or unknown "v" */
    BB_CONTROL_REJECT_TYPE,         /* missing or unknown "type" */
    BB_CONTROL_REJECT_FIELD,        /* missing, mistyped or unknown key */
    BB_CONTROL_REJECT_RANGE,        /* number or string out of range */
    BB_CONTROL_REJECT_UTF8,         /* text is not valid UTF-8 */
    BB_CONTROL_REJECT_COUNT
} bb_control_reject;

typedef struct bb_control_stats {
    uint64_t accepted;
    uint64_t rejected[BB_CONTROL_REJECT_COUNT];
} bb_control_stats;

/*
 * Parses len bytes (not NUL-terminated) into msg. Returns BB_OK, or
 * BB_E_PARSE / BB_E_PROTO / BB_E_TOO_LARGE with the reason counted in stats
 * (stats may be NULL). msg is fully written on success only.
 */
int bb_control_parse(const uint8_t *data, size_t len, bb_control_msg *msg,
                     bb_control_stats *stats);

/*
 * Writes msg as compact JSON into out (capacity cap), NUL-terminated;
 * *out_len excludes the NUL. Refuses a msg that bb_control_parse would.
 */
int bb_control_write(const bb_control_msg *msg, char *out, size_t cap,
                     size_t *out_len);

/* Name of a reject reason ("size", "json", ...), for logs and tests. */
const char *bb_control_reject_name(bb_control_reject r);

/* cJSON version string, for diagnostics. */
const char *bb_signal_json_version(void);

#ifdef __cplusplus
}
#endif

#endif /* BEELDBEL_SIGNAL_H */
