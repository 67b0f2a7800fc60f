/*
 * Limits per key (client address, user and address) in fixed tables: memory
 * is bounded however many keys an attacker invents. Keys are hashed with
 * SipHash-2-4 under a secret key, so nobody outside can choose keys that
 * land in the same slots. When a key's window is full, the slot that holds
 * the least information is reused: a token bucket that has refilled the
 * most, a backoff whose lockout has run out the longest — never a key that
 * is being held back while others are free to go.
 */
#include <stdlib.h>
#include <string.h>

#include "beeldbel/contact.h"

#define WINDOW 8 /* slots probed per key */

/* ---- SipHash-2-4 (Aumasson and Bernstein), 64-bit output -------------------- */

#define ROTL(x, b) (uint64_t)(((x) << (b)) | ((x) >> (64 - (b))))
#define SIPROUND                                                                                   \
    do {                                                                                           \
        v0 += v1; v1 = ROTL(v1, 13); v1 ^= v0; v0 = ROTL(v0, 32);                                  \
        v2 += v3; v3 = ROTL(v3, 16); v3 ^= v2;                                                     \
        v0 += v3; v3 = ROTL(v3, 21); v3 ^= v0;                                                     \
        v2 += v1; v1 = ROTL(v1, 17); v1 ^= v2; v2 = ROTL(v2, 32);                                  \
    } while (0)

static uint64_t le64(const uint8_t *p)
{
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--)
        v = v << 8 | p[i];
    return v;
}

uint64_t bb_siphash(const uint8_t key[16], const uint8_t *in, size_t len)
{
    uint64_t k0 = le64(key), k1 = le64(key + 8);
    uint64_t v0 = 0x736f6d6570736575ull ^ k0, v1 = 0x646f72616e646f6dull ^ k1;
    uint64_t v2 = 0x6c7967656e657261ull ^ k0, v3 = 0x7465646279746573ull ^ k1;
    size_t whole = len - len % 8;
    for (size_t i = 0; i < whole; i += 8) {
        uint64_t m = le64(in + i);
        v3 ^= m;
        SIPROUND;
        SIPROUND;
        v0 ^= m;
    }
    uint64_t b = (uint64_t)len << 56;
    for (size_t i = 0; i < len % 8; i++)
        b |= (uint64_t)in[whole + i] << (8 * i);
    v3 ^= b;
    SIPROUND;
    SIPROUND;
    v0 ^= b;
    v2 ^= 0xff;
    SIPROUND;
    SIPROUND;
    SIPROUND;
    SIPROUND;
    return v0 ^ v1 ^ v2 ^ v3;
}

/* ---- the shared table --------------------------------------------------------- */

typedef struct {
    uint64_t hash;     /* 0 = free slot */
    uint64_t last_us;  /* bucket: last refill; backoff: last failure */
    uint64_t until_us; /* backoff: locked until */
    double tokens;     /* bucket */
    unsigned failures; /* backoff */
} slot;

typedef struct {
    slot *s;
    unsigned n;
    uint8_t key[16];
} table;

static int table_init(table *t, unsigned slots, const uint8_t key[16])
{
    t->n = slots;
    memcpy(t->key, key, 16);
    t->s = calloc(slots, sizeof(slot));
    return t->s ? 0 : -1;
}

static uint64_t key_hash(const table *t, const char *key)
{
    uint64_t h = bb_siphash(t->key, (const uint8_t *)key, strlen(key));
    return h ? h : 1;
}

/* The slot of key h; when absent, NULL with *fresh set to the slot to use
 * (a free one, or the one whose loss(slot) is least). */
static slot *table_find(table *t, uint64_t h, double (*loss)(const slot *, const void *),
                        const void *arg, slot **fresh)
{
    unsigned start = (unsigned)(h % t->n);
    slot *best = NULL;
    double best_loss = 0;
    for (unsigned i = 0; i < WINDOW && i < t->n; i++) {
        slot *c = &t->s[(start + i) % t->n];
        if (c->hash == h)
            return c;
        double l = c->hash ? loss(c, arg) : -1;
        if (!best || l < best_loss) {
            best = c;
            best_loss = l;
        }
    }
    *fresh = best;
    return NULL;
}

/* ---- token buckets ---------------------------------------------------------------- */

struct bb_ratelimit {
    table t;
    double capacity;
    uint64_t period_us;
};

bb_ratelimit *bb_ratelimit_new(unsigned slots, double capacity, uint64_t period_us,
                               const uint8_t key[16])
{
    if (slots == 0 || capacity < 1 || period_us == 0 || !key)
        return NULL;
    bb_ratelimit *rl = calloc(1, sizeof(*rl));
    if (!rl || table_init(&rl->t, slots, key)) {
        free(rl);
        return NULL;
    }
    rl->capacity = capacity;
    rl->period_us = period_us;
    return rl;
}

void bb_ratelimit_free(bb_ratelimit *rl)
{
    if (rl) {
        free(rl->t.s);
        free(rl);
    }
}

typedef struct {
    const bb_ratelimit *rl;
    uint64_t now_us;
} bucket_now;

double bb_bucket_refill(double tokens, uint64_t last, uint64_t now, double capacity, uint64_t period)
{
    if (now > last)
        tokens += (double)(now - last) * capacity / (double)period;
    return tokens > capacity ? capacity : tokens;
}

unsigned bb_bucket_wait_s(double tokens, double capacity, uint64_t period_us)
{
    double wait_us = (1.0 - tokens) * (double)period_us / capacity;
    return (unsigned)(wait_us / 1e6) + 1;
}

static double refilled(const bb_ratelimit *rl, const slot *b, uint64_t now_us)
{
    return bb_bucket_refill(b->tokens, b->last_us, now_us, rl->capacity, rl->period_us);
}

/* A bucket that has refilled more says less: forgetting a full one loses nothing. */
static double bucket_loss(const slot *b, const void *arg)
{
    const bucket_now *bn = arg;
    return bn->rl->capacity - refilled(bn->rl, b, bn->now_us);
}

unsigned bb_ratelimit_take(bb_ratelimit *rl, const char *key, uint64_t now_us)
{
    uint64_t h = key_hash(&rl->t, key);
    bucket_now bn = {rl, now_us};
    slot *fresh = NULL, *b = table_find(&rl->t, h, bucket_loss, &bn, &fresh);
    if (!b) {
        b = fresh;
        memset(b, 0, sizeof(*b));
        b->hash = h;
        b->last_us = now_us;
        b->tokens = rl->capacity;
    }
    b->tokens = refilled(rl, b, now_us);
    if (now_us > b->last_us)
        b->last_us = now_us;
    if (b->tokens >= 1.0) {
        b->tokens -= 1.0;
        return 0;
    }
    return bb_bucket_wait_s(b->tokens, rl->capacity, rl->period_us);
}

/* ---- failure backoff ---------------------------------------------------------------- */

struct bb_backoff {
    table t;
    unsigned free_failures, max_s;
};

bb_backoff *bb_backoff_new(unsigned slots, unsigned free_failures, unsigned max_s,
                           const uint8_t key[16])
{
    if (slots == 0 || max_s == 0 || !key)
        return NULL;
    bb_backoff *bo = calloc(1, sizeof(*bo));
    if (!bo || table_init(&bo->t, slots, key)) {
        free(bo);
        return NULL;
    }
    bo->free_failures = free_failures;
    bo->max_s = max_s;
    return bo;
}

void bb_backoff_free(bb_backoff *bo)
{
    if (bo) {
        free(bo->t.s);
        free(bo);
    }
}

/* A key whose lockout ended long ago says least; one still locked says most. */
static double backoff_loss(const slot *s, const void *arg)
{
    uint64_t now_us = *(const uint64_t *)arg;
    if (s->until_us > now_us)
        return 1e18 + (double)(s->until_us - now_us);
    return 1e18 - (double)(now_us - s->last_us);
}

unsigned bb_backoff_wait(bb_backoff *bo, const char *key, uint64_t now_us)
{
    slot *fresh, *s = table_find(&bo->t, key_hash(&bo->t, key), backoff_loss, &now_us, &fresh);
    if (!s || s->until_us <= now_us)
        return 0;
    return (unsigned)((s->until_us - now_us + 999999) / 1000000);
}

unsigned bb_backoff_failed(bb_backoff *bo, const char *key, uint64_t now_us)
{
    uint64_t h = key_hash(&bo->t, key);
    slot *fresh = NULL, *s = table_find(&bo->t, h, backoff_loss, &now_us, &fresh);
    if (!s) {
        s = fresh;
        memset(s, 0, sizeof(*s));
        s->hash = h;
    } else if (now_us > s->last_us + (uint64_t)bo->max_s * 1000000) {
        s->failures = 0; /* quiet for a whole maximum lockout: start over */
    }
    s->last_us = now_us;
    unsigned lock_s = bb_backoff_lock_s(++s->failures, bo->free_failures, bo->max_s);
    if (lock_s)
        s->until_us = now_us + (uint64_t)lock_s * 1000000;
    return lock_s;
}

unsigned bb_backoff_lock_s(unsigned failures, unsigned free_failures, unsigned max_s)
{
    if (failures <= free_failures)
        return 0;
    unsigned over = failures - free_failures - 1;
    uint64_t lock_s = over >= 31 ? max_s : 1ull << over;
    return (unsigned)(lock_s > max_s ? max_s : lock_s);
}

void bb_backoff_succeeded(bb_backoff *bo, const char *key)
{
    uint64_t now = 0;
    slot *fresh, *s = table_find(&bo->t, key_hash(&bo->t, key), backoff_loss, &now, &fresh);
    if (s)
        memset(s, 0, sizeof(*s));
}
