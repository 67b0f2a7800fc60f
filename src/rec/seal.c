/*
 * The hash chain over a recording's segments and the manifest that records
 * them and their seals (include/beeldbel/seal.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "beeldbel/error.h"
#include "beeldbel/seal.h"
#include "../core/bytes.h"
#include "../core/utf8.h"
#include "mbedtls/base64.h"
#include "mbedtls/sha256.h"
#include "seal_internal.h"

void bb_rec_chain_init(bb_rec_chain *c)
{
    memset(c, 0, sizeof(*c));
}

int bb_rec_chain_add(bb_rec_chain *c, const uint8_t sha256[32], uint64_t length, int64_t start_ms, int64_t end_ms)
{
    if (!c || !sha256 || start_ms < 0 || end_ms < start_ms || c->count >= BB_REC_MAX_SEGMENTS)
        return BB_E_ARG;
    static const char tag[] = "beeldbel-rec-chain-1";
    uint8_t b[4 + 8 * 4];
    wr32(b, c->count);
    wr64(b + 4, c->length);
    wr64(b + 12, length);
    wr64(b + 20, (uint64_t)start_ms);
    wr64(b + 28, (uint64_t)end_ms);
    mbedtls_sha256_context s;
    mbedtls_sha256_init(&s);
    int rc = mbedtls_sha256_starts_ret(&s, 0) || mbedtls_sha256_update_ret(&s, (const uint8_t *)tag, sizeof(tag) - 1) ||
             mbedtls_sha256_update_ret(&s, c->head, 32) || mbedtls_sha256_update_ret(&s, b, sizeof(b)) ||
             mbedtls_sha256_update_ret(&s, sha256, 32) || mbedtls_sha256_finish_ret(&s, c->head);
    mbedtls_sha256_free(&s);
    if (rc)
        return BB_E_CRYPTO;
    c->count++;
    c->length += length;
    c->end_ms = end_ms;
    return BB_OK;
}

void bb_rec_seal_digest(const bb_rec_chain *c, int64_t started_unix_ms, uint8_t out[32])
{
    static const char tag[] = "beeldbel-rec-seal-1";
    uint8_t b[sizeof(tag) - 1 + 32 + 4 + 8 + 8];
    memcpy(b, tag, sizeof(tag) - 1);
    memcpy(b + sizeof(tag) - 1, c->head, 32);
    wr32(b + sizeof(tag) - 1 + 32, c->count);
    wr64(b + sizeof(tag) - 1 + 36, (uint64_t)c->end_ms);
    wr64(b + sizeof(tag) - 1 + 44, (uint64_t)started_unix_ms);
    mbedtls_sha256_ret(b, sizeof(b), out, 0);
}

/* ---- the manifest ---- */

/* The whole manifest: parts[0] (the head, then every segment), parts[1]
 * (MID, then every seal), then BB_REC_MANIFEST_END. */
#define MID "],\"seals\":["

struct bb_rec_manifest {
    char title[BB_REC_MAX_TITLE + 1], officer[BB_OFFICER_ID_MAX + 1];
    int64_t started;
    bb_rec_chain chain;
    /* The entries not yet handed out (bb_rec_manifest_take): seg[0] is segment seg_out. */
    struct bb_rec_segment *seg;
    uint32_t n_seg, cap_seg, seg_out;
    struct bb_rec_seal *seal;
    uint32_t n_seal, cap_seal, seal_out;
    uint32_t sealed;          /* segments the last seal covers */
    bb_rec_chain signing;     /* the chain as it stood at the last digest */
    /* What was handed out, per part: its length and hash, to know it again whole. */
    int taken;
    uint64_t out_len[2];
    mbedtls_sha256_context out_hash[2];
};

int bb_rec_name_ok(const char *s, size_t max)
{
    size_t n = s ? strlen(s) : 0;
    return n <= max && (!n || bb_utf8_plain_name((const unsigned char *)s, n)) && !strpbrk(s ? s : "", "\"\\");
}

int bb_rec_manifest_new(bb_rec_manifest **out, const char *title, int64_t started_unix_ms, const char *officer_id)
{
    if (!out)
        return BB_E_ARG;
    *out = NULL;
    if (!bb_rec_name_ok(title, BB_REC_MAX_TITLE) || !officer_id || !*officer_id ||
        !bb_rec_name_ok(officer_id, BB_OFFICER_ID_MAX) || started_unix_ms <= 0)
        return BB_E_ARG;
    bb_rec_manifest *m = calloc(1, sizeof(*m));
    if (!m)
        return BB_E_NOMEM;
    snprintf(m->title, sizeof(m->title), "%s", title ? title : "");
    snprintf(m->officer, sizeof(m->officer), "%s", officer_id);
    m->started = started_unix_ms;
    bb_rec_chain_init(&m->chain);
    for (int i = 0; i < 2; i++) {
        mbedtls_sha256_init(&m->out_hash[i]);
        if (mbedtls_sha256_starts_ret(&m->out_hash[i], 0)) {
            bb_rec_manifest_free(m);
            return BB_E_CRYPTO;
        }
    }
    *out = m;
    return BB_OK;
}

static void forget_seals(bb_rec_manifest *m)
{
    for (uint32_t i = 0; i < m->n_seal - m->seal_out; i++)
        free(m->seal[i].cms);
    m->seal_out = m->n_seal;
}

void bb_rec_manifest_free(bb_rec_manifest *m)
{
    if (!m)
        return;
    forget_seals(m);
    for (int i = 0; i < 2; i++)
        mbedtls_sha256_free(&m->out_hash[i]);
    free(m->seal);
    free(m->seg);
    free(m);
}

/* Room for one more entry in an array of *n kept of size bytes each. */
static int room(void **a, uint32_t n, uint32_t *cap, size_t size, uint32_t first)
{
    if (n < *cap)
        return BB_OK;
    uint32_t c = *cap ? *cap * 2 : first;
    void *b = realloc(*a, (size_t)c * size);
    if (!b)
        return BB_E_NOMEM;
    *a = b;
    *cap = c;
    return BB_OK;
}

int bb_rec_manifest_segment(bb_rec_manifest *m, const uint8_t *bytes, size_t len, int64_t start_ms, int64_t end_ms)
{
    if (!m || (!bytes && len) || start_ms < m->chain.end_ms)
        return BB_E_ARG;
    if (room((void **)&m->seg, m->n_seg - m->seg_out, &m->cap_seg, sizeof(*m->seg), 64))
        return BB_E_NOMEM;
    struct bb_rec_segment *s = &m->seg[m->n_seg - m->seg_out];
    if (mbedtls_sha256_ret(bytes, len, s->sha256, 0))
        return BB_E_CRYPTO;
    s->offset = m->chain.length;
    s->length = len;
    s->start_ms = start_ms;
    s->end_ms = end_ms;
    int rc = bb_rec_chain_add(&m->chain, s->sha256, len, start_ms, end_ms);
    if (!rc)
        m->n_seg++;
    return rc;
}

void bb_rec_manifest_counts(const bb_rec_manifest *m, uint32_t *segments, uint32_t *sealed)
{
    *segments = m->n_seg;
    *sealed = m->sealed;
}

int bb_rec_manifest_digest(bb_rec_manifest *m, uint8_t out[32])
{
    if (!m || !out)
        return BB_E_ARG;
    if (!m->chain.count)
        return BB_E_STATE;
    m->signing = m->chain;
    bb_rec_seal_digest(&m->signing, m->started, out);
    return BB_OK;
}

int bb_rec_manifest_seal(bb_rec_manifest *m, const uint8_t *cms, size_t len)
{
    if (!m || !cms || !len || len > BB_REC_MAX_CMS)
        return BB_E_ARG;
    if (!m->signing.count || m->sealed >= m->signing.count)
        return BB_E_STATE;   /* no digest taken, or that one is sealed already */
    if (m->n_seal == BB_REC_MAX_SEALS)
        return BB_E_TOO_LARGE;
    if (room((void **)&m->seal, m->n_seal - m->seal_out, &m->cap_seal, sizeof(*m->seal), 16))
        return BB_E_NOMEM;
    struct bb_rec_seal *s = &m->seal[m->n_seal - m->seal_out];
    s->cms = malloc(len);
    if (!s->cms)
        return BB_E_NOMEM;
    memcpy(s->cms, cms, len);
    s->cms_len = len;
    s->segments = m->signing.count;
    memcpy(s->head, m->signing.head, 32);
    m->n_seal++;
    m->sealed = s->segments;
    return BB_OK;
}

static void hex(char *out, const uint8_t *b, size_t n)
{
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = digits[b[i] >> 4];
        out[2 * i + 1] = digits[b[i] & 15];
    }
    out[2 * n] = 0;
}

/* The entries not yet handed out, as the manifest's two parts (each
 * malloc'd, NUL-terminated): the head and MID too when nothing was. */
static int render(const bb_rec_manifest *m, char *part[2], size_t len[2])
{
    uint32_t n_seg = m->n_seg - m->seg_out, n_seal = m->n_seal - m->seal_out;
    size_t cap[2] = { 512 + (size_t)n_seg * 160, 64 };
    for (uint32_t i = 0; i < n_seal; i++)
        cap[1] += 128 + 4 * ((m->seal[i].cms_len + 2) / 3);
    part[0] = malloc(cap[0]);
    part[1] = malloc(cap[1]);
    if (!part[0] || !part[1]) {
        free(part[0]);
        free(part[1]);
        return BB_E_NOMEM;
    }
    char *j = part[0], h[65];
    size_t n = 0;
    j[0] = 0;
    if (!m->taken)
        n = (size_t)snprintf(j, cap[0], "{\"format\":\"%s\",\"title\":\"%s\",\"started\":%lld,\"officer\":\"%s\",\"segments\":[",
                             BB_REC_FORMAT, m->title, (long long)m->started, m->officer);
    for (uint32_t i = 0; i < n_seg; i++) {
        const struct bb_rec_segment *s = &m->seg[i];
        hex(h, s->sha256, 32);
        n += (size_t)snprintf(j + n, cap[0] - n, "%s{\"offset\":%llu,\"length\":%llu,\"start\":%lld,\"end\":%lld,\"sha256\":\"%s\"}",
                              m->seg_out + i ? "," : "", (unsigned long long)s->offset, (unsigned long long)s->length,
                              (long long)s->start_ms, (long long)s->end_ms, h);
    }
    len[0] = n;
    j = part[1];
    n = (size_t)snprintf(j, cap[1], "%s", m->taken ? "" : MID);
    for (uint32_t i = 0; i < n_seal && n < cap[1]; i++) {
        const struct bb_rec_seal *s = &m->seal[i];
        hex(h, s->head, 32);
        n += (size_t)snprintf(j + n, cap[1] - n, "%s{\"segments\":%u,\"head\":\"%s\",\"cms\":\"", m->seal_out + i ? "," : "", s->segments, h);
        size_t b64 = 0;
        if (n >= cap[1] || mbedtls_base64_encode((unsigned char *)j + n, cap[1] - n, &b64, s->cms, s->cms_len))
            n = cap[1];
        else
            n += b64 + (size_t)snprintf(j + n + b64, cap[1] - n - b64, "\"}");
    }
    len[1] = n;
    if (len[0] >= cap[0] || len[1] >= cap[1]) {
        free(part[0]);
        free(part[1]);
        return BB_E_BUFFER;
    }
    return BB_OK;
}

int bb_rec_manifest_json(const bb_rec_manifest *m, char **out, size_t *len)
{
    if (!m || !out)
        return BB_E_ARG;
    *out = NULL;
    if (m->taken)
        return BB_E_STATE;   /* its parts are the host's now */
    char *part[2];
    size_t n[2];
    int rc = render(m, part, n);
    if (rc)
        return rc;
    size_t end = sizeof(BB_REC_MANIFEST_END) - 1, total = n[0] + n[1] + end;
    char *j = realloc(part[0], total + 1);
    if (!j) {
        free(part[0]);
        free(part[1]);
        return BB_E_NOMEM;
    }
    memcpy(j + n[0], part[1], n[1]);
    memcpy(j + n[0] + n[1], BB_REC_MANIFEST_END, end + 1);
    free(part[1]);
    *out = j;
    if (len)
        *len = total;
    return BB_OK;
}

int bb_rec_manifest_take(bb_rec_manifest *m, char **segments, size_t *segments_len, char **seals, size_t *seals_len)
{
    if (!m || !segments || !seals)
        return BB_E_ARG;
    *segments = *seals = NULL;
    char *part[2];
    size_t n[2];
    int rc = render(m, part, n);
    for (int i = 0; !rc && i < 2; i++)
        if (mbedtls_sha256_update_ret(&m->out_hash[i], (const uint8_t *)part[i], n[i]))
            rc = BB_E_CRYPTO;
    if (rc) {
        if (rc == BB_E_CRYPTO) {
            free(part[0]);
            free(part[1]);
        }
        return rc;
    }
    for (int i = 0; i < 2; i++)
        m->out_len[i] += n[i];
    m->taken = 1;
    m->seg_out = m->n_seg;
    forget_seals(m);
    *segments = part[0];
    *seals = part[1];
    if (segments_len)
        *segments_len = n[0];
    if (seals_len)
        *seals_len = n[1];
    return BB_OK;
}

int bb_rec_manifest_is_whole(const bb_rec_manifest *m, const char *json, size_t len)
{
    if (!m || !json || !m->taken || m->seg_out != m->n_seg || m->seal_out != m->n_seal)
        return 0;
    size_t end = sizeof(BB_REC_MANIFEST_END) - 1;
    if (len != m->out_len[0] + m->out_len[1] + end || memcmp(json + len - end, BB_REC_MANIFEST_END, end))
        return 0;
    const char *at = json;
    for (int i = 0; i < 2; i++) {
        uint8_t want[32], got[32];
        mbedtls_sha256_context c;
        mbedtls_sha256_clone(&c, &m->out_hash[i]);
        int rc = mbedtls_sha256_finish_ret(&c, want);
        mbedtls_sha256_free(&c);
        if (rc || mbedtls_sha256_ret((const uint8_t *)at, (size_t)m->out_len[i], got, 0) || memcmp(want, got, 32))
            return 0;
        at += m->out_len[i];
    }
    return 1;
}
