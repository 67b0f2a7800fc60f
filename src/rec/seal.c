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

struct bb_rec_manifest {
    char title[BB_REC_MAX_TITLE + 1], officer[BB_OFFICER_ID_MAX + 1];
    int64_t started;
    bb_rec_chain chain;
    struct bb_rec_segment *seg;
    uint32_t n_seg, cap_seg;
    struct bb_rec_seal *seal;
    uint32_t n_seal, cap_seal;
    bb_rec_chain signing;     /* the chain as it stood at the last digest */
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
    *out = m;
    return BB_OK;
}

void bb_rec_manifest_free(bb_rec_manifest *m)
{
    if (!m)
        return;
    for (uint32_t i = 0; i < m->n_seal; i++)
        free(m->seal[i].cms);
    free(m->seal);
    free(m->seg);
    free(m);
}

int bb_rec_manifest_segment(bb_rec_manifest *m, const uint8_t *bytes, size_t len, int64_t start_ms, int64_t end_ms)
{
    if (!m || (!bytes && len) || start_ms < m->chain.end_ms)
        return BB_E_ARG;
    if (m->n_seg == m->cap_seg) {
        uint32_t cap = m->cap_seg ? m->cap_seg * 2 : 64;
        struct bb_rec_segment *s = realloc(m->seg, cap * sizeof(*s));
        if (!s)
            return BB_E_NOMEM;
        m->seg = s;
        m->cap_seg = cap;
    }
    struct bb_rec_segment *s = &m->seg[m->n_seg];
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
    *sealed = m->n_seal ? m->seal[m->n_seal - 1].segments : 0;
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
    if (!m->signing.count || (m->n_seal && m->seal[m->n_seal - 1].segments >= m->signing.count))
        return BB_E_STATE;   /* no digest taken, or that one is sealed already */
    if (m->n_seal == BB_REC_MAX_SEALS)
        return BB_E_TOO_LARGE;
    if (m->n_seal == m->cap_seal) {
        uint32_t cap = m->cap_seal ? m->cap_seal * 2 : 16;
        struct bb_rec_seal *s = realloc(m->seal, cap * sizeof(*s));
        if (!s)
            return BB_E_NOMEM;
        m->seal = s;
        m->cap_seal = cap;
    }
    struct bb_rec_seal *s = &m->seal[m->n_seal];
    s->cms = malloc(len);
    if (!s->cms)
        return BB_E_NOMEM;
    memcpy(s->cms, cms, len);
    s->cms_len = len;
    s->segments = m->signing.count;
    memcpy(s->head, m->signing.head, 32);
    m->n_seal++;
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

int bb_rec_manifest_json(const bb_rec_manifest *m, char **out, size_t *len)
{
    if (!m || !out)
        return BB_E_ARG;
    *out = NULL;
    size_t cap = 512 + (size_t)m->n_seg * 160;
    for (uint32_t i = 0; i < m->n_seal; i++)
        cap += 128 + 4 * ((m->seal[i].cms_len + 2) / 3);
    char *j = malloc(cap), h[65];
    if (!j)
        return BB_E_NOMEM;
    size_t n = (size_t)snprintf(j, cap, "{\"format\":\"%s\",\"title\":\"%s\",\"started\":%lld,\"officer\":\"%s\",\"segments\":[",
                                BB_REC_FORMAT, m->title, (long long)m->started, m->officer);
    for (uint32_t i = 0; i < m->n_seg; i++) {
        const struct bb_rec_segment *s = &m->seg[i];
        hex(h, s->sha256, 32);
        n += (size_t)snprintf(j + n, cap - n, "%s{\"offset\":%llu,\"length\":%llu,\"start\":%lld,\"end\":%lld,\"sha256\":\"%s\"}",
                              i ? "," : "", (unsigned long long)s->offset, (unsigned long long)s->length,
                              (long long)s->start_ms, (long long)s->end_ms, h);
    }
    n += (size_t)snprintf(j + n, cap - n, "],\"seals\":[");
    for (uint32_t i = 0; i < m->n_seal; i++) {
        const struct bb_rec_seal *s = &m->seal[i];
        hex(h, s->head, 32);
        n += (size_t)snprintf(j + n, cap - n, "%s{\"segments\":%u,\"head\":\"%s\",\"cms\":\"", i ? "," : "", s->segments, h);
        size_t b64 = 0;
        if (mbedtls_base64_encode((unsigned char *)j + n, cap - n, &b64, s->cms, s->cms_len)) {
            free(j);
            return BB_E_BUFFER;
        }
        n += b64;
        n += (size_t)snprintf(j + n, cap - n, "\"}");
    }
    n += (size_t)snprintf(j + n, cap - n, "]}");
    if (n >= cap) {
        free(j);
        return BB_E_BUFFER;
    }
    *out = j;
    if (len)
        *len = n;
    return BB_OK;
}
