/*
 * Checks a recording against its manifest (include/beeldbel/seal.h): the
 * manifest read strictly, every segment's bytes, the chain, every seal.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "beeldbel/cms.h"
#include "beeldbel/error.h"
#include "beeldbel/seal.h"
#include "mbedtls/base64.h"
#include "mbedtls/sha256.h"
#include "seal_internal.h"

struct parsed {
    const char *title, *officer;
    int64_t started;
    struct bb_rec_segment *seg;
    uint32_t n_seg;
    struct bb_rec_seal *seal;
    uint32_t n_seal;
};

/* An object with exactly these keys (names: NULL-terminated). */
static int exact_keys(const cJSON *o, const char *const *names)
{
    if (!cJSON_IsObject(o))
        return 0;
    int n = 0;
    for (const cJSON *c = o->child; c; c = c->next, n++) {
        int known = 0;
        for (const char *const *k = names; *k; k++)
            known |= c->string && !strcmp(c->string, *k);
        if (!known)
            return 0;
    }
    int want = 0;
    for (const char *const *k = names; *k; k++)
        want++;
    return n == want; /* cJSON keeps duplicates: a repeated key makes too many */
}

/* A whole number in [lo, hi] (JSON numbers are doubles: at most 2^53). */
static int integer(const cJSON *o, const char *key, int64_t lo, int64_t hi, int64_t *out)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    if (!cJSON_IsNumber(v))
        return 0;
    double d = v->valuedouble;
    if (!(d >= (double)lo && d <= (double)hi) || d != floor(d))
        return 0;
    *out = (int64_t)d;
    return 1;
}

static const char *string(const cJSON *o, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

static int unhex(const char *s, uint8_t out[32])
{
    if (!s || strlen(s) != 64)
        return 0;
    for (int i = 0; i < 64; i++) {
        char c = s[i];
        int v = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
        if (v < 0)
            return 0;
        out[i / 2] = (uint8_t)(i % 2 ? out[i / 2] | v : v << 4);
    }
    return 1;
}

#define MAX_MS ((int64_t)1 << 50)

static int parse_segments(const cJSON *a, struct parsed *p)
{
    static const char *const keys[] = { "offset", "length", "start", "end", "sha256", NULL };
    int n = cJSON_GetArraySize(a);
    if (!cJSON_IsArray(a) || n > BB_REC_MAX_SEGMENTS)
        return 0;
    p->seg = calloc((size_t)n + 1, sizeof(*p->seg));
    if (!p->seg)
        return 0;
    for (const cJSON *e = a->child; e; e = e->next) {
        struct bb_rec_segment *s = &p->seg[p->n_seg];
        int64_t off, len;
        if (!exact_keys(e, keys) || !integer(e, "offset", 0, MAX_MS, &off) || !integer(e, "length", 0, MAX_MS, &len) ||
            !integer(e, "start", 0, MAX_MS, &s->start_ms) || !integer(e, "end", s->start_ms, MAX_MS, &s->end_ms) ||
            !unhex(string(e, "sha256"), s->sha256))
            return 0;
        s->offset = (uint64_t)off;
        s->length = (uint64_t)len;
        p->n_seg++;
    }
    return 1;
}

static int parse_seals(const cJSON *a, struct parsed *p)
{
    static const char *const keys[] = { "segments", "head", "cms", NULL };
    int n = cJSON_GetArraySize(a);
    if (!cJSON_IsArray(a) || n > BB_REC_MAX_SEALS)
        return 0;
    p->seal = calloc((size_t)n + 1, sizeof(*p->seal));
    if (!p->seal)
        return 0;
    for (const cJSON *e = a->child; e; e = e->next) {
        struct bb_rec_seal *s = &p->seal[p->n_seal];
        int64_t count;
        const char *b64 = string(e, "cms");
        if (!exact_keys(e, keys) || !integer(e, "segments", 1, BB_REC_MAX_SEGMENTS, &count) ||
            !unhex(string(e, "head"), s->head) || !b64 || strlen(b64) > 4 * (BB_REC_MAX_CMS / 3 + 1))
            return 0;
        s->segments = (uint32_t)count;
        s->cms = malloc(BB_REC_MAX_CMS);
        if (!s->cms || mbedtls_base64_decode(s->cms, BB_REC_MAX_CMS, &s->cms_len, (const unsigned char *)b64, strlen(b64)) ||
            !s->cms_len) {
            free(s->cms);
            s->cms = NULL;
            return 0;
        }
        p->n_seal++;
    }
    return 1;
}

static int parse(const cJSON *j, struct parsed *p)
{
    static const char *const keys[] = { "format", "title", "started", "officer", "segments", "seals", NULL };
    const char *format = string(j, "format");
    p->title = string(j, "title");
    p->officer = string(j, "officer");
    return exact_keys(j, keys) && format && !strcmp(format, BB_REC_FORMAT) && p->title &&
           bb_rec_name_ok(p->title, BB_REC_MAX_TITLE) && p->officer && *p->officer &&
           bb_rec_name_ok(p->officer, BB_OFFICER_ID_MAX) && integer(j, "started", 1, MAX_MS, &p->started) &&
           parse_segments(cJSON_GetObjectItemCaseSensitive(j, "segments"), p) &&
           parse_seals(cJSON_GetObjectItemCaseSensitive(j, "seals"), p);
}

static void release(struct parsed *p)
{
    for (uint32_t i = 0; i < p->n_seal; i++)
        free(p->seal[i].cms);
    free(p->seal);
    free(p->seg);
}

static int fail(bb_rec_report *rep, bb_rec_reason why, const struct parsed *p, int64_t seg)
{
    rep->reason = why;
    rep->bad_segment = seg;
    if (seg >= 0 && (uint32_t)seg < p->n_seg) {
        rep->bad_start_ms = p->seg[seg].start_ms;
        rep->bad_end_ms = p->seg[seg].end_ms;
    }
    return why == BB_REC_MANIFEST ? BB_E_PARSE : BB_E_AUTH;
}

/* The segments' bytes against the manifest, and the chain's head after
 * each (heads[k]: after k segments). Only a sealed segment (index < sealed)
 * can fail; one after the last seal that is short or other only ends what
 * is sealed. */
static int check_segments(const uint8_t *file, size_t file_len, const struct parsed *p, uint32_t sealed,
                          uint8_t (*heads)[32], bb_rec_report *rep)
{
    bb_rec_chain c;
    bb_rec_chain_init(&c);
    memcpy(heads[0], c.head, 32);
    for (uint32_t i = 0; i < p->n_seg; i++) {
        const struct bb_rec_segment *s = &p->seg[i];
        if (s->offset != c.length || (i && s->start_ms < p->seg[i - 1].end_ms))
            return fail(rep, BB_REC_MANIFEST, p, i);
        if (bb_rec_chain_add(&c, s->sha256, s->length, s->start_ms, s->end_ms))
            return fail(rep, BB_REC_MANIFEST, p, i);
        memcpy(heads[i + 1], c.head, 32);
        if (s->offset > file_len || s->length > file_len - s->offset) {
            if (i < sealed)
                return fail(rep, BB_REC_SEGMENT_MISSING, p, i);
            continue;
        }
        uint8_t h[32];
        mbedtls_sha256_ret(file + s->offset, (size_t)s->length, h, 0);
        if (memcmp(h, s->sha256, 32) && i < sealed)
            return fail(rep, BB_REC_SEGMENT_CHANGED, p, i);
    }
    return BB_OK;
}

static int check_seals(const struct parsed *p, const uint8_t (*heads)[32], bb_trust *trust, int64_t now_s,
                       bb_rec_report *rep)
{
    uint32_t before = 0;
    for (uint32_t i = 0; i < p->n_seal; i++) {
        const struct bb_rec_seal *s = &p->seal[i];
        int64_t last = (int64_t)s->segments - 1;
        if (s->segments <= before || s->segments > p->n_seg)
            return fail(rep, BB_REC_MANIFEST, p, last < (int64_t)p->n_seg ? last : -1);
        if (memcmp(s->head, heads[s->segments], 32))
            return fail(rep, BB_REC_SEAL_HEAD, p, last);
        bb_rec_chain c = { .count = s->segments, .end_ms = p->seg[last].end_ms };
        memcpy(c.head, s->head, 32);
        uint8_t digest[32];
        bb_rec_seal_digest(&c, p->started, digest);
        bb_pades_result res;
        memset(&res, 0, sizeof(res));
        if (bb_pades_verify(s->cms, s->cms_len, digest, trust, NULL, now_s, 1, &res) || res.consent)
            return fail(rep, BB_REC_SEAL_SIGNATURE, p, last);
        if (strcmp(res.signer.officer_id, p->officer) ||
            (i && strcmp(res.signer.officer_id, rep->officer.officer_id)))
            return fail(rep, BB_REC_SEAL_OFFICER, p, last);
        /* The sealed moments are at most skew ahead of the stamp; stamps go forward. */
        int64_t sealed_s = (p->started + p->seg[last].end_ms) / 1000;
        if (sealed_s > res.timestamp + BB_REC_CLOCK_SKEW_S || (i && res.timestamp < rep->last_stamp))
            return fail(rep, BB_REC_SEAL_TIME, p, last);
        if (res.timestamp - sealed_s > rep->longest_wait_s)
            rep->longest_wait_s = res.timestamp - sealed_s;
        rep->officer = res.signer;
        if (!i)
            rep->first_stamp = res.timestamp;
        rep->last_stamp = res.timestamp;
        rep->seals = i + 1;
        rep->sealed = s->segments;
        rep->sealed_until_ms = p->seg[last].end_ms;
        rep->sealed_bytes = p->seg[last].offset + p->seg[last].length;
        before = s->segments;
    }
    return BB_OK;
}

int bb_rec_verify(const uint8_t *file, size_t file_len, const char *manifest, size_t manifest_len,
                  bb_trust *trust, int64_t now_s, bb_rec_report *rep)
{
    if (!rep)
        return BB_E_ARG;
    memset(rep, 0, sizeof(*rep));
    rep->bad_segment = -1;
    if ((!file && file_len) || !manifest || !trust)
        return BB_E_ARG;
    struct parsed p;
    memset(&p, 0, sizeof(p));
    if (manifest_len > BB_REC_MAX_MANIFEST)
        return fail(rep, BB_REC_MANIFEST, &p, -1);
    cJSON *j = cJSON_ParseWithLength(manifest, manifest_len);
    int rc;
    if (!j || !parse(j, &p)) {
        rc = fail(rep, BB_REC_MANIFEST, &p, -1);
        goto out;
    }
    snprintf(rep->title, sizeof(rep->title), "%s", p.title);
    rep->started_unix_ms = p.started;
    rep->segments = p.n_seg;
    uint32_t sealed = p.n_seal ? p.seal[p.n_seal - 1].segments : 0;
    uint8_t (*heads)[32] = malloc(((size_t)p.n_seg + 1) * 32);
    if (!heads) {
        rc = BB_E_NOMEM;
        goto out;
    }
    rc = check_segments(file, file_len, &p, sealed, heads, rep);
    if (!rc && !p.n_seal)
        rc = fail(rep, BB_REC_NOT_SEALED, &p, p.n_seg ? 0 : -1);
    if (!rc)
        rc = check_seals(&p, (const uint8_t(*)[32])heads, trust, now_s, rep);
    free(heads);
out:
    cJSON_Delete(j);
    release(&p);
    return rc;
}
