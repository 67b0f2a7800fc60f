/*
 * Files in the call: a PDF or a photo of up to BB_CALL_MAX_FILE bytes sent
 * to everyone whose key we hold, in parts on the reliable control channel,
 * at a share of rate control's target. Private to the call module.
 *
 * Messages (control payloads, big-endian):
 *   OFFER   0xF1 id(4) size(4) type(1) sha256(32) name_len(1) name
 *   PART    0xF2 id(4) offset(4) bytes (1..FILE_PART)
 *   ACK     0xF3 owner(2) id(4) have(4) flags(1)
 *   CANCEL  0xF4 owner(2) id(4) end(1)
 * The owner sends OFFER, PARTs and its own CANCEL (withdrawn); a receiver
 * sends ACK (the bytes it holds from the start, about 32 times a file and
 * at the end) and CANCEL (declined, or refused: damaged, wrong type, no room).
 * The control channel delivers in order and once, but gives up what it
 * could not deliver in 10 s (an outage): a receiver that sees a part past
 * what it holds asks for the rest (ACK with FILE_ACK_RESUME), one that
 * sees a part of a file it never heard of asks for the offer
 * (FILE_ACK_OFFER), and an owner that has sent everything and hears
 * nothing new for FILE_STALL_US sends again from what every receiver
 * acknowledged. Each owner numbers its files upwards; a receiver ignores a
 * file it has finished with.
 *
 * The receiver hashes the bytes as they arrive and hands the file over only
 * when the SHA-256 of the offer matches and the bytes are of the offered
 * type (filetype.h); the owner checks the type before it offers.
 */
#ifndef BB_CALL_FILES_H
#define BB_CALL_FILES_H

#include <stddef.h>
#include <stdint.h>

#include "beeldbel/call.h"

#define FILE_TAG_OFFER 0xF1
#define FILE_TAG_PART 0xF2
#define FILE_TAG_ACK 0xF3
#define FILE_TAG_CANCEL 0xF4
#define FILE_PART_HEADER 9
#define FILE_PART (BB_MEDIA_MAX_CONTROL - FILE_PART_HEADER)
#define FILE_ACK_EVERY (128u * 1024) /* acknowledgements at most this far apart */
#define FILE_ACK_MIN (8u * 1024)      /* ... and at least */
#define FILE_ACK_RESUME 1
#define FILE_ACK_OFFER 2
#define FILE_STALL_US 12000000ull
#define FILE_ASK_AGAIN_US 2000000ull
#define FILE_MEMORY (48u << 20) /* bytes of files being received at once */

typedef struct files files;

files *files_new(uint16_t self);
void files_free(files *f);
/* Offers a file to the feeds in to[] (those whose key we hold). BB_OK and
 * *id; BB_E_ARG; BB_E_TOO_LARGE; BB_E_PARSE when the bytes are not of the
 * type; BB_E_STATE with nobody to send to; BB_E_AGAIN while one is going. */
int files_send(files *f, const uint16_t *to, int nto, int type, const char *name,
               size_t name_len, const uint8_t *data, size_t len, uint32_t *id);
/* Withdraws our file (owner == self) or declines someone's. BB_OK;
 * BB_E_ARG when there is no such file going. */
int files_cancel(files *f, uint32_t owner, uint32_t id);
/* Hands what is due to the media engine, parts within the file's budget. */
void files_pump(files *f, bb_media *m, uint64_t now_us);
/* One file message from feed from. 0: taken; -1: refused. */
int files_receive(files *f, uint32_t from, const uint8_t *p, size_t len, uint64_t now_us);
/* from left the call: what it was sending, and its place as a receiver. */
void files_forget(files *f, uint32_t from);
/* The next file event. BB_OK: a whole file's bytes, if any, go to *bytes
 * (the caller's, to free); BB_E_AGAIN when none. */
int files_poll_event(files *f, bb_call_event *ev, uint8_t **bytes);

#endif /* BB_CALL_FILES_H */
