/*
 * A deterministic simulated network link, one direction. Every packet gets
 * a fate from a seeded generator: lost (random, or in Gilbert-Elliott bursts),
 * duplicated, delayed (base delay + uniform jitter; reordered only when
 * allowed), and serialised through a bandwidth cap with a drop-tail queue.
 * Time is passed in; nothing here reads a clock. Same seed, same fates.
 */
#ifndef BB_NETSIM_H
#define BB_NETSIM_H

#include <stddef.h>
#include <stdint.h>

typedef struct netsim_config {
    uint32_t delay_us;       /* fixed one-way delay */
    uint32_t jitter_us;      /* extra delay, uniform in [0, jitter_us] */
    int reorder;             /* 1: jitter may reorder packets; 0: FIFO */
    double loss;             /* random loss probability, 0..1 */
    double burst_enter;      /* Gilbert-Elliott: P(good -> bad) per packet */
    double burst_exit;       /* P(bad -> good) per packet */
    double burst_loss;       /* loss probability in the bad state */
    double duplicate;        /* probability a packet arrives twice */
    uint32_t rate_kbps;      /* bandwidth cap; 0 = none */
    uint32_t queue_ms;       /* drop-tail queue limit at the cap (default 500) */
} netsim_config;

typedef struct netsim_stats {
    uint64_t sent, delivered, lost, dropped_queue, duplicated, reordered;
    uint64_t bytes_sent;
    uint32_t queue_delay_us;  /* of the last packet entering the queue */
} netsim_stats;

typedef struct netsim netsim;

netsim *netsim_new(const netsim_config *cfg, uint64_t seed);
void netsim_free(netsim *ns);
/* Changes the link while running (e.g. the cap drops); queued packets keep
 * their fate. */
void netsim_set_config(netsim *ns, const netsim_config *cfg);
/* Offers one packet at time now_us. Returns 0, or -1 if out of memory. */
int netsim_send(netsim *ns, uint64_t now_us, const uint8_t *data, size_t len);
/* Takes the next packet due at or before now_us into buf. Returns its
 * length, 0 when none is due, or -1 if cap is too small. */
int netsim_recv(netsim *ns, uint64_t now_us, uint8_t *buf, size_t cap);
/* When the next packet is due (UINT64_MAX when empty). */
uint64_t netsim_next_time(const netsim *ns);
const netsim_stats *netsim_get_stats(const netsim *ns);

#endif
