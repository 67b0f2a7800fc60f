/*
 * Password hashing threads (see hashpool.h).
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "beeldbel/contact.h"
#include "beeldbel/error.h"
#include "hashpool.h"
#include "mbedtls/platform_util.h"

struct bb_hashpool {
    pthread_mutex_t lock;
    pthread_cond_t work;
    bb_hash_job *head, *tail;
    unsigned queued, max_queued, nthreads;
    int closing;
    pthread_t threads[];
};

static void *worker(void *arg)
{
    bb_hashpool *p = arg;
    pthread_mutex_lock(&p->lock);
    for (;;) {
        while (!p->head && !p->closing)
            pthread_cond_wait(&p->work, &p->lock);
        bb_hash_job *j = p->head;
        if (!j)
            break; /* closing and nothing left */
        p->head = j->next;
        if (!p->head)
            p->tail = NULL;
        p->queued--;
        pthread_mutex_unlock(&p->lock);
        j->rc = bb_pbkdf2_sha256(j->password, j->password_len, j->salt, sizeof(j->salt),
                                 j->iterations, j->out, sizeof(j->out));
        mbedtls_platform_zeroize(j->password, sizeof(j->password));
        j->done(j, j->arg);
        pthread_mutex_lock(&p->lock);
    }
    pthread_mutex_unlock(&p->lock);
    return NULL;
}

bb_hashpool *bb_hashpool_new(unsigned threads, unsigned max_queued)
{
    if (threads == 0 || threads > 16)
        return NULL;
    bb_hashpool *p = calloc(1, sizeof(*p) + threads * sizeof(pthread_t));
    if (!p)
        return NULL;
    pthread_mutex_init(&p->lock, NULL);
    pthread_cond_init(&p->work, NULL);
    p->max_queued = max_queued;
    for (; p->nthreads < threads; p->nthreads++)
        if (pthread_create(&p->threads[p->nthreads], NULL, worker, p) != 0) {
            bb_hashpool_free(p);
            return NULL;
        }
    return p;
}

int bb_hashpool_submit(bb_hashpool *p, bb_hash_job *job)
{
    pthread_mutex_lock(&p->lock);
    if (p->closing || p->queued >= p->max_queued) {
        pthread_mutex_unlock(&p->lock);
        return BB_E_AGAIN;
    }
    job->next = NULL;
    if (p->tail)
        p->tail->next = job;
    else
        p->head = job;
    p->tail = job;
    p->queued++;
    pthread_cond_signal(&p->work);
    pthread_mutex_unlock(&p->lock);
    return BB_OK;
}

void bb_hashpool_free(bb_hashpool *p)
{
    if (!p)
        return;
    pthread_mutex_lock(&p->lock);
    p->closing = 1;
    pthread_cond_broadcast(&p->work);
    pthread_mutex_unlock(&p->lock);
    for (unsigned i = 0; i < p->nthreads; i++)
        pthread_join(p->threads[i], NULL);
    pthread_cond_destroy(&p->work);
    pthread_mutex_destroy(&p->lock);
    free(p);
}
