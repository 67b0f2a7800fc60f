#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "beeldbel/error.h"

#include "janus_pool.h"

#define URL_MAX 256

struct bb_janus_pool {
    pthread_mutex_t lock;
    int n;
    char http[BB_JANUS_SERVERS_MAX][URL_MAX], ws[BB_JANUS_SERVERS_MAX][URL_MAX];
    int healthy[BB_JANUS_SERVERS_MAX];
    pthread_t watcher;
    pthread_cond_t stop_cond;
    int watching, stopping;
    int (*ping)(const char *http_url);
    unsigned interval_ms;
};

/* Copies [from, to) into out when it is a URL of one of the two schemes. */
static int url(const char *from, const char *to, const char *scheme, char out[URL_MAX])
{
    size_t n = (size_t)(to - from), s = strlen(scheme);
    if (n >= URL_MAX || n <= s + 3)
        return -1;
    memcpy(out, from, n);
    out[n] = 0;
    if (strncmp(out, scheme, s) || strncmp(out + s + (out[s] == 's'), "://", 3))
        return -1;
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)out[i] <= ' ' || (unsigned char)out[i] >= 0x7f)
            return -1;
    return 0;
}

bb_janus_pool *bb_janus_pool_new(const char *list)
{
    bb_janus_pool *p = calloc(1, sizeof(*p));
    if (!p || !list)
        return free(p), NULL;
    pthread_mutex_init(&p->lock, NULL);
    pthread_cond_init(&p->stop_cond, NULL);
    const char *at = list;
    size_t len = strlen(list);
    if (len && list[len - 1] == ',')
        at = ""; /* an empty last entry: malformed, said below */
    while (*at) {
        const char *end = strchr(at, ','), *bar = strchr(at, '|');
        if (!end)
            end = at + strlen(at);
        if (p->n == BB_JANUS_SERVERS_MAX || !bar || bar > end || url(at, bar, "http", p->http[p->n]) ||
            url(bar + 1, end, "ws", p->ws[p->n]) || bb_janus_pool_find(p, p->ws[p->n]) >= 0) {
            fprintf(stderr, "contact: BB_JANUS_SERVERS: entry %d must be HTTP_URL|WS_URL, each server once,"
                            " at most %d (vermelding %d moet HTTP_URL|WS_URL zijn)\n",
                    p->n + 1, BB_JANUS_SERVERS_MAX, p->n + 1);
            bb_janus_pool_free(p);
            return NULL;
        }
        p->healthy[p->n++] = 1;
        at = *end ? end + 1 : end;
    }
    if (!p->n) {
        fprintf(stderr, "contact: BB_JANUS_SERVERS names no server (noemt geen server)\n");
        bb_janus_pool_free(p);
        return NULL;
    }
    return p;
}

void bb_janus_pool_free(bb_janus_pool *p)
{
    if (!p)
        return;
    if (p->watching) {
        pthread_mutex_lock(&p->lock);
        p->stopping = 1;
        pthread_cond_signal(&p->stop_cond);
        pthread_mutex_unlock(&p->lock);
        pthread_join(p->watcher, NULL);
    }
    pthread_cond_destroy(&p->stop_cond);
    pthread_mutex_destroy(&p->lock);
    free(p);
}

static void *watch(void *arg)
{
    bb_janus_pool *p = arg;
    pthread_mutex_lock(&p->lock);
    while (!p->stopping) {
        pthread_mutex_unlock(&p->lock);
        for (int i = 0; i < p->n; i++)
            bb_janus_pool_set_healthy(p, i, p->ping(p->http[i]) == BB_OK);
        pthread_mutex_lock(&p->lock);
        struct timespec until;
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_sec += p->interval_ms / 1000;
        until.tv_nsec += (long)(p->interval_ms % 1000) * 1000000L;
        if (until.tv_nsec >= 1000000000L) {
            until.tv_sec++;
            until.tv_nsec -= 1000000000L;
        }
        while (!p->stopping && pthread_cond_timedwait(&p->stop_cond, &p->lock, &until) == 0)
            ;
    }
    pthread_mutex_unlock(&p->lock);
    return NULL;
}

int bb_janus_pool_watch(bb_janus_pool *p, int (*ping)(const char *http_url), unsigned interval_ms)
{
    if (p->watching || !ping || !interval_ms)
        return BB_E_STATE;
    p->ping = ping;
    p->interval_ms = interval_ms;
    if (pthread_create(&p->watcher, NULL, watch, p) != 0)
        return BB_E_STATE;
    p->watching = 1;
    return BB_OK;
}

int bb_janus_pool_size(const bb_janus_pool *p)
{
    return p->n;
}

const char *bb_janus_pool_http(const bb_janus_pool *p, int i)
{
    return i >= 0 && i < p->n ? p->http[i] : NULL;
}

const char *bb_janus_pool_ws(const bb_janus_pool *p, int i)
{
    return i >= 0 && i < p->n ? p->ws[i] : NULL;
}

int bb_janus_pool_find(const bb_janus_pool *p, const char *ws)
{
    if (!ws)
        return -1;
    if (!*ws)
        return p->n ? 0 : -1;
    for (int i = 0; i < p->n; i++)
        if (!strcmp(p->ws[i], ws))
            return i;
    return -1;
}

void bb_janus_pool_set_healthy(bb_janus_pool *p, int i, int healthy)
{
    if (i < 0 || i >= p->n)
        return;
    pthread_mutex_lock(&p->lock);
    p->healthy[i] = healthy != 0;
    pthread_mutex_unlock(&p->lock);
}

int bb_janus_pool_healthy(bb_janus_pool *p, int i)
{
    if (i < 0 || i >= p->n)
        return 0;
    pthread_mutex_lock(&p->lock);
    int h = p->healthy[i];
    pthread_mutex_unlock(&p->lock);
    return h;
}

int bb_janus_pool_pick(bb_janus_pool *p, const int *calls)
{
    int best = -1;
    pthread_mutex_lock(&p->lock);
    for (int i = 0; i < p->n; i++)
        if (p->healthy[i] && (best < 0 || calls[i] < calls[best]))
            best = i;
    pthread_mutex_unlock(&p->lock);
    return best;
}
