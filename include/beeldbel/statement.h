/*
 * beeldbel — a statement (an aangifte: a crime report) drafted by the officer
 * during the call, read by the citizen as it is written, and frozen into a
 * PDF both sides make byte for byte alike.
 *
 * It travels as JSON inside the call's end-to-end encryption (the officer's
 * console sends each new version):
 *
 *   {"v":1,"version":3,"reference":"BB-7K3M-Q9XZ","lang":"nl","frozen_at":0,
 *    "officer":{"name":"Jan de Vries","number":"100001","team":"Basisteam Groningen-Noord"},
 *    "fields":{"citizen":"…","what":"…","when":"…","where":"…","goods":"…","own_words":"…"}}
 *
 * bb_statement_parse() is the one place these untrusted bytes are read, and
 * it is strict: every key above and no other, the right JSON types, lengths
 * within the limits below, and text a PDF can show (pdf.h: Windows-1252;
 * "what" and "own_words" may hold line breaks, the other fields not).
 * frozen_at is 0 for a draft and the Unix time of freezing for the version
 * to be signed. version counts from 1 and only goes up.
 *
 * bb_statement_pdf() lays a statement out as "Proces-verbaal van aangifte"
 * (English labels for lang "en"): a table of the facts (reference, version,
 * date, officer, citizen, when, where, goods or damage), then what happened
 * and the citizen's own words, then what signing means. Times are shown in
 * Dutch time (CET/CEST). The same statement always gives the same bytes.
 */
#ifndef BEELDBEL_STATEMENT_H
#define BEELDBEL_STATEMENT_H

#include <stddef.h>
#include <stdint.h>

#include "beeldbel/pdf.h"

#ifdef __cplusplus
extern "C" {
#endif

#define BB_STATEMENT_MAX_JSON 65536
#define BB_STATEMENT_SHORT_MAX 1000   /* bytes: citizen, when, where, goods */
#define BB_STATEMENT_LONG_MAX 16000   /* bytes: what, own_words */
#define BB_STATEMENT_NAME_MAX 64      /* bytes: the officer's name and team */
#define BB_STATEMENT_SIG_CAPACITY 16384 /* bytes the PDF keeps for the signature */

/* The statement's fields, in the order the PDF shows them. */
typedef enum bb_statement_field {
    BB_STMT_CITIZEN = 0, BB_STMT_WHEN, BB_STMT_WHERE, BB_STMT_GOODS, BB_STMT_WHAT,
    BB_STMT_OWN_WORDS, BB_STMT_FIELDS
} bb_statement_field;

typedef struct bb_statement {
    uint32_t version;
    char reference[16];                       /* BB-XXXX-XXXX */
    char lang[3];                             /* "nl" or "en" */
    int64_t frozen_at;                        /* 0: a draft */
    char officer_name[BB_STATEMENT_NAME_MAX + 1];
    char officer_number[33];
    char officer_team[BB_STATEMENT_NAME_MAX + 1];
    char *field[BB_STMT_FIELDS];              /* UTF-8, owned (bb_statement_free) */
} bb_statement;

/* Why a statement was refused; *reject from bb_statement_parse. */
typedef enum bb_statement_reject {
    BB_STMT_REJECT_NONE = 0,
    BB_STMT_REJECT_SIZE,     /* empty or over BB_STATEMENT_MAX_JSON */
    BB_STMT_REJECT_JSON,     /* not a JSON object */
    BB_STMT_REJECT_FIELD,    /* a key missing, unknown or of the wrong type */
    BB_STMT_REJECT_RANGE,    /* a number or a length out of range, a malformed reference */
    BB_STMT_REJECT_TEXT,     /* text a PDF cannot show, or a line break where none may be */
    BB_STMT_REJECT_COUNT
} bb_statement_reject;

/*
 * Reads a statement (untrusted JSON, len bytes) into out. BB_OK, or
 * BB_E_PARSE / BB_E_TOO_LARGE with the reason in *reject (may be NULL) and,
 * for a field, its name in *bad_field (may be NULL; a static string). out is
 * the caller's; on success free it with bb_statement_free.
 */
int bb_statement_parse(const uint8_t *json, size_t len, bb_statement *out,
                       bb_statement_reject *reject, const char **bad_field);
void bb_statement_free(bb_statement *s);

/*
 * The statement as a PDF (pdf.h), with a signature slot of
 * BB_STATEMENT_SIG_CAPACITY bytes when it is frozen. BB_OK, *len and *sig;
 * BB_E_BUFFER with *len the size needed; BB_E_STATE for a draft when
 * with_signature is set.
 */
int bb_statement_pdf(const bb_statement *s, int with_signature, uint8_t *out, size_t cap,
                     size_t *len, bb_pdf_sig_slot *sig);

/* Machine name of a reject reason ("text", ...). */
const char *bb_statement_reject_name(bb_statement_reject r);

#ifdef __cplusplus
}
#endif

#endif /* BEELDBEL_STATEMENT_H */
