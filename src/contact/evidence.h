/*
 * The evidence store (evidence.c): recorded interviews kept by the contact
 * service. The officer's console uploads a recording as it is made, part
 * by part at the offset it has reached (so an upload cut off goes on where
 * it stopped), the manifest after every seal, and the last manifest, which
 * is checked against the whole file and the police root before the
 * recording is kept sealed. Only the officer who recorded reads it back.
 * Files live in a directory of their own (one per recording, mode 0600);
 * the database holds the size, the manifest and an audit log without
 * personal data. Sans-HTTP: every function gives a reply the service sends.
 */
#ifndef BB_CONTACT_EVIDENCE_H
#define BB_CONTACT_EVIDENCE_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#include "beeldbel/identity.h"
#include "cjson/cJSON.h"
#include "store.h"

#define BB_EVIDENCE_PART_MAX (8u << 20)     /* bytes of one uploaded part */
#define BB_EVIDENCE_MANIFEST_MAX (16u << 20)

typedef struct {
    const char *dir;          /* where the files are; NULL: no evidence store */
    int64_t max_bytes;        /* of one recording */
    int64_t retention_s;      /* recordings are deleted this long after they began */
    bb_trust *police;         /* the root the seals must chain to (borrowed) */
    pthread_mutex_t *trust_lock; /* the trust store keeps counters */
} bb_evidence_config;

typedef struct {
    unsigned status;
    const char *error;        /* an error code (validate.c's texts), or NULL */
    cJSON *json;              /* the answer (the caller sends and frees it) */
    int fd;                   /* >= 0: send this file's first `size` bytes */
    int64_t size;
    char *bytes;              /* or these (malloc'd) */
    size_t len;
    const char *type;
    char disposition[96];
} bb_evidence_reply;

/* The request the recording belongs to (the caller checked the officer serves it). */
void bb_evidence_create(const bb_evidence_config *cfg, bb_store *st, int64_t officer_id, int64_t request_id,
                        int64_t now, bb_evidence_reply *out);
void bb_evidence_status(const bb_evidence_config *cfg, bb_store *st, int64_t officer_id, int64_t id,
                        bb_evidence_reply *out);
/* A part at offset (the Upload-Offset header; -1 when missing or not a number). */
void bb_evidence_append(const bb_evidence_config *cfg, bb_store *st, int64_t officer_id, int64_t id, int64_t offset,
                        const uint8_t *data, size_t len, bb_evidence_reply *out);
/* The manifest so far, or with last the last one (checked, then sealed). */
void bb_evidence_manifest(const bb_evidence_config *cfg, bb_store *st, int64_t officer_id, int64_t id,
                          const char *json, size_t len, int last, int64_t now, bb_evidence_reply *out);
/* The file (manifest 0) or the manifest (1) back; audited. */
void bb_evidence_get(const bb_evidence_config *cfg, bb_store *st, int64_t officer_id, int64_t id, int manifest,
                     int64_t now, bb_evidence_reply *out);
/* Retention: recordings older than cfg->retention_s go, files and all. */
int bb_evidence_purge(const bb_evidence_config *cfg, bb_store *st, int64_t now);

#endif
