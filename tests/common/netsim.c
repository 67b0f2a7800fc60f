/* The simulated link: packets sit in a binary heap ordered by arrival time
 * (ties by send order), so reordering and duplicates fall out naturally. */
#include <stdlib.h>
#include <string.h>

#include "netsim.h"

struct pkt {
    uint64_t at, order;
    size_t len;
    uint8_t *data;
};

struct netsim {
    netsim_config cfg;
    uint64_t rng;
    int bad;                    /* Gilbert-Elliott state */
    uint64_t link_free_us;      /* when the bottleneck finishes its queue */
    uint64_t last_at;           /* FIFO: no packet may overtake this */
    uint64_t order;
    struct pkt *heap;
    size_t n, cap;
    netsim_stats st;
};

static uint64_t next_u64(netsim *ns) /* splitmix64 */
{
    uint64_t z = (ns->rng += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static double uniform(netsim *ns) /* [0, 1) */
{
    return (double)(next_u64(ns) >> 11) / 9007199254740992.0;
}

netsim *netsim_new(const netsim_config *cfg, uint64_t seed)
{
    netsim *ns = calloc(1, sizeof(*ns));
    if (!ns)
        return NULL;
    ns->rng = seed;
    netsim_set_config(ns, cfg);
    return ns;
}

void netsim_free(netsim *ns)
{
    if (!ns)
        return;
    for (size_t i = 0; i < ns->n; i++)
        free(ns->heap[i].data);
    free(ns->heap);
    free(ns);
}

void netsim_set_config(netsim *ns, const netsim_config *cfg)
{
    ns->cfg = *cfg;
    if (!ns->cfg.queue_ms)
        ns->cfg.queue_ms = 500;
}

static int earlier(const struct pkt *a, const struct pkt *b)
{
    return a->at < b->at || (a->at == b->at && a->order < b->order);
}

static int push(netsim *ns, uint64_t at, const uint8_t *data, size_t len)
{
    if (ns->n == ns->cap) {
        size_t nc = ns->cap ? ns->cap * 2 : 256;
        struct pkt *h = realloc(ns->heap, nc * sizeof(*h));
        if (!h)
            return -1;
        ns->heap = h;
        ns->cap = nc;
    }
    struct pkt p = { at, ns->order++, len, malloc(len ? len : 1) };
    if (!p.data)
        return -1;
    memcpy(p.data, data, len);
    size_t i = ns->n++;
    while (i > 0 && earlier(&p, &ns->heap[(i - 1) / 2])) {
        ns->heap[i] = ns->heap[(i - 1) / 2];
        i = (i - 1) / 2;
    }
    ns->heap[i] = p;
    return 0;
}

static int lost(netsim *ns)
{
    const netsim_config *c = &ns->cfg;
    if (c->burst_enter > 0) {
        if (ns->bad ? uniform(ns) < c->burst_exit : uniform(ns) < c->burst_enter)
            ns->bad = !ns->bad;
        if (ns->bad && uniform(ns) < c->burst_loss)
            return 1;
    }
    return c->loss > 0 && uniform(ns) < c->loss;
}

int netsim_send(netsim *ns, uint64_t now, const uint8_t *data, size_t len)
{
    const netsim_config *c = &ns->cfg;
    ns->st.sent++;
    ns->st.bytes_sent += len;
    uint64_t leave = now;
    if (c->rate_kbps) {
        /* The bottleneck: serialisation at the cap behind what is queued. */
        uint64_t start = ns->link_free_us > now ? ns->link_free_us : now;
        ns->st.queue_delay_us = (uint32_t)(start - now);
        if (start - now > (uint64_t)c->queue_ms * 1000) {
            ns->st.dropped_queue++;
            return 0;
        }
        leave = start + (uint64_t)len * 8 * 1000 / c->rate_kbps;
        ns->link_free_us = leave;
    }
    if (lost(ns)) {
        ns->st.lost++;
        return 0;
    }
    int copies = c->duplicate > 0 && uniform(ns) < c->duplicate ? 2 : 1;
    for (int i = 0; i < copies; i++) {
        uint64_t at = leave + c->delay_us;
        if (c->jitter_us)
            at += (uint64_t)(uniform(ns) * c->jitter_us);
        if (!c->reorder && at < ns->last_at)
            at = ns->last_at;
        if (at < ns->last_at)
            ns->st.reordered++;
        else
            ns->last_at = at;
        if (push(ns, at, data, len))
            return -1;
        if (i)
            ns->st.duplicated++;
    }
    return 0;
}

uint64_t netsim_next_time(const netsim *ns)
{
    return ns->n ? ns->heap[0].at : UINT64_MAX;
}

int netsim_recv(netsim *ns, uint64_t now, uint8_t *buf, size_t cap)
{
    if (!ns->n || ns->heap[0].at > now)
        return 0;
    struct pkt top = ns->heap[0];
    if (top.len > cap)
        return -1;
    memcpy(buf, top.data, top.len);
    free(top.data);
    struct pkt last = ns->heap[--ns->n];
    size_t i = 0;
    for (;;) { /* sift the last element down from the root */
        size_t l = 2 * i + 1, r = l + 1, m = i;
        const struct pkt *best = &last;
        if (l < ns->n && earlier(&ns->heap[l], best))
            m = l, best = &ns->heap[l];
        if (r < ns->n && earlier(&ns->heap[r], best))
            m = r;
        if (m == i)
            break;
        ns->heap[i] = ns->heap[m];
        i = m;
    }
    if (ns->n)
        ns->heap[i] = last;
    ns->st.delivered++;
    return (int)top.len;
}

const netsim_stats *netsim_get_stats(const netsim *ns)
{
    return &ns->st;
}
