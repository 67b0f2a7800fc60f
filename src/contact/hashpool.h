/*
 * A small pool of threads for password hashing, apart from the request
 * threads: a burst of logins (PBKDF2 takes a good part of a second) waits
 * here, in a bounded queue, while citizens' requests go on being served.
 */
#ifndef BB_CONTACT_HASHPOOL_H
#define BB_CONTACT_HASHPOOL_H

#include <stddef.h>
#include <stdint.h>

typedef struct bb_hash_job {
    /* in */
    uint8_t password[256];
    size_t password_len;
    uint8_t salt[16];
    uint32_t iterations;
    /* Called on a pool thread when out and rc are set; the job is the
     * caller's again from then on. */
    void (*done)(struct bb_hash_job *job, void *arg);
    void *arg;
    /* out */
    uint8_t out[32];
    int rc;
    struct bb_hash_job *next;
} bb_hash_job;

typedef struct bb_hashpool bb_hashpool;

bb_hashpool *bb_hashpool_new(unsigned threads, unsigned max_queued);
/* Queues job: 0, or BB_E_AGAIN when max_queued jobs are waiting or the pool
 * is closing (then done is not called). */
int bb_hashpool_submit(bb_hashpool *p, bb_hash_job *job);
/* Finishes every queued job (calling done), stops the threads, frees. */
void bb_hashpool_free(bb_hashpool *p);

#endif
