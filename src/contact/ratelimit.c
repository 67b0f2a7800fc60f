/*
 * Token buckets per key (client address, phone number, user name), in a
 * fixed table: memory is bounded however many keys an attacker invents.
 */
#include <stdlib.h>
#include <string.h>

#include "beeldbel/contact.h"

typedef struct {
    uint64_t hash;   /* 0 = free slot */
    uint64_t last_us;
    double tokens;
} bucket;

struct bb_ratelimit {
    bucket *b;
    unsigned slots;
    double capacity;
    uint64_t period_us;
};

bb_ratelimit *bb_ratelimit_new(unsigned slots, double capacity, uint64_t period_us)
{
    if (slots == 0 || capacity < 1 || period_us == 0)
        return NULL;
    bb_ratelimit *rl = calloc(1, sizeof(*rl));
    if (!rl || !(rl->b = calloc(slots, sizeof(bucket)))) {
        free(rl);
        return NULL;
    }
    rl->slots = slots;
    rl->capacity = capacity;
    rl->period_us = period_us;
    return rl;
}

void bb_ratelimit_free(bb_ratelimit *rl)
{
    if (rl) {
        free(rl->b);
        free(rl);
    }
}

/* FNV-1a; keys are not secret, collisions only merge two keys' buckets. */
static uint64_t key_hash(const char *s)
{
    uint64_t h = 0xcbf29ce484222325ull;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 0x100000001b3ull;
    return h ? h : 1;
}

unsigned bb_ratelimit_take(bb_ratelimit *rl, const char *key, uint64_t now_us)
{
    uint64_t h = key_hash(key);
    /* Linear probe over a short window; replace the stalest bucket there. */
    unsigned start = (unsigned)(h % rl->slots);
    bucket *b = NULL, *free_slot = NULL, *oldest = NULL;
    for (unsigned i = 0; i < 8 && i < rl->slots; i++) {
        bucket *c = &rl->b[(start + i) % rl->slots];
        if (c->hash == h) {
            b = c;
            break;
        }
        if (c->hash == 0) {
            if (!free_slot)
                free_slot = c;
        } else if (!oldest || c->last_us < oldest->last_us) {
            oldest = c;
        }
    }
    if (!b) {
        b = free_slot ? free_slot : oldest;
        b->hash = h;
        b->last_us = now_us;
        b->tokens = rl->capacity;
    }
    if (now_us > b->last_us) {
        b->tokens += (double)(now_us - b->last_us) * rl->capacity / (double)rl->period_us;
        if (b->tokens > rl->capacity)
            b->tokens = rl->capacity;
        b->last_us = now_us;
    }
    if (b->tokens >= 1.0) {
        b->tokens -= 1.0;
        return 0;
    }
    double wait_us = (1.0 - b->tokens) * (double)rl->period_us / rl->capacity;
    unsigned s = (unsigned)(wait_us / 1e6) + 1;
    return s;
}
