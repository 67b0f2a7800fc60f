/*
 * Documents in the call: whole byte strings (a statement, a consent, a
 * signature) cut into parts that ride the reliable control channel, and put
 * together again per sender. Private to the call module.
 *
 * A part is a control message: 0xD0, kind, document id (4), part (2),
 * parts (2), total length (4), then at most DOC_PART bytes. The control
 * channel delivers each sender's messages in order and once, so a
 * document's parts arrive one after the other; a part 0 starts a document
 * afresh (one left unfinished is dropped and counted).
 */
#ifndef BB_CALL_DOCS_H
#define BB_CALL_DOCS_H

#include <stddef.h>
#include <stdint.h>

#include "beeldbel/call.h"

#define DOC_TAG 0xD0
#define DOC_HEADER 14
#define DOC_PART (BB_MEDIA_MAX_CONTROL - DOC_HEADER)
#define DOC_KEEP_ROOM 8  /* control slots left for text while a document goes */

typedef struct docs docs;

docs *docs_new(void);
void docs_free(docs *d);
/* Queues a document to send. BB_OK; BB_E_ARG; BB_E_TOO_LARGE; BB_E_AGAIN
 * when BB_CALL_DOCS_QUEUED are waiting. */
int docs_queue(docs *d, uint8_t kind, const uint8_t *data, size_t len);
/* How many documents are queued, not yet wholly handed to the media engine. */
int docs_queued(const docs *d);
/* Hands as many parts as fit to the media engine. */
void docs_pump(docs *d, bb_media *m, uint64_t now_us);
/* One part from sender from. 1: a document is complete, and *out (the
 * caller's, to free) holds it; 0: taken; -1: refused. */
int docs_receive(docs *d, uint32_t from, const uint8_t *p, size_t len, uint8_t *out_kind,
                 uint8_t **out, size_t *out_len);
/* A sender left: what it had half sent is dropped. */
void docs_forget(docs *d, uint32_t from);

#endif /* BB_CALL_DOCS_H */
