/*
 * The evidence store: recorded interviews, their manifests and seals
 * (evidence.h).
 */
#include "evidence.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "beeldbel/error.h"
#include "beeldbel/seal.h"

static pthread_mutex_t append_lock = PTHREAD_MUTEX_INITIALIZER;

static void fail(bb_evidence_reply *out, unsigned status, const char *code)
{
    out->status = status;
    out->error = code;
}

static void path_of(const bb_evidence_config *cfg, int64_t id, char out[512])
{
    snprintf(out, 512, "%s/%lld.webm", cfg->dir, (long long)id);
}

static void init(bb_evidence_reply *out)
{
    memset(out, 0, sizeof(*out));
    out->fd = -1;
}

/* The recording, if it is this officer's: else the reply says why not. */
static int owned(const bb_evidence_config *cfg, bb_store *st, int64_t officer_id, int64_t id, bb_stored_recording *r,
                 bb_evidence_reply *out)
{
    if (!cfg->dir) {
        fail(out, 503, "evidence_unavailable");
        return 0;
    }
    int rc = bb_store_recording_get(st, id, r);
    if (rc == BB_E_AGAIN || (rc == BB_OK && r->officer_id != officer_id)) {
        fail(out, 404, "not_found");   /* someone else's is not there for you */
        return 0;
    }
    if (rc != BB_OK) {
        fail(out, 500, "internal");
        return 0;
    }
    return 1;
}

static cJSON *describe(const bb_stored_recording *r)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddNumberToObject(o, "id", (double)r->id);
    cJSON_AddNumberToObject(o, "request", (double)r->request_id);
    cJSON_AddNumberToObject(o, "size", (double)r->size);
    cJSON_AddBoolToObject(o, "sealed", r->sealed);
    cJSON_AddBoolToObject(o, "manifest", r->has_manifest);
    return o;
}

void bb_evidence_create(const bb_evidence_config *cfg, bb_store *st, int64_t officer_id, int64_t request_id,
                        int64_t now, bb_evidence_reply *out)
{
    init(out);
    if (!cfg->dir) {
        fail(out, 503, "evidence_unavailable");
        return;
    }
    int64_t id;
    char p[512];
    if (bb_store_recording_add(st, request_id, officer_id, now, &id)) {
        fail(out, 500, "internal");
        return;
    }
    path_of(cfg, id, p);
    int fd = open(p, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) {
        fail(out, 500, "internal");
        return;
    }
    close(fd);
    bb_stored_recording r = { .id = id, .request_id = request_id, .officer_id = officer_id, .created_at = now };
    out->status = 201;
    out->json = describe(&r);
}

void bb_evidence_status(const bb_evidence_config *cfg, bb_store *st, int64_t officer_id, int64_t id,
                        bb_evidence_reply *out)
{
    init(out);
    bb_stored_recording r;
    if (!owned(cfg, st, officer_id, id, &r, out))
        return;
    out->status = 200;
    out->json = describe(&r);
}

static int write_all(int fd, const uint8_t *d, size_t n, off_t at)
{
    while (n) {
        ssize_t k = pwrite(fd, d, n, at);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0)
            return -1;
        d += k;
        n -= (size_t)k;
        at += k;
    }
    return 0;
}

void bb_evidence_append(const bb_evidence_config *cfg, bb_store *st, int64_t officer_id, int64_t id, int64_t offset,
                        const uint8_t *data, size_t len, bb_evidence_reply *out)
{
    init(out);
    bb_stored_recording r;
    if (!owned(cfg, st, officer_id, id, &r, out))
        return;
    pthread_mutex_lock(&append_lock);
    /* Read again under the lock: another part of the same recording may have come first. */
    if (bb_store_recording_get(st, id, &r)) {
        pthread_mutex_unlock(&append_lock);
        fail(out, 500, "internal");
        return;
    }
    if (r.sealed) {
        pthread_mutex_unlock(&append_lock);
        fail(out, 409, "recording_sealed");
        return;
    }
    if (offset != r.size) {
        pthread_mutex_unlock(&append_lock);
        fail(out, 409, "recording_offset");
        out->json = describe(&r);   /* the size to go on from */
        return;
    }
    if (!len || len > BB_EVIDENCE_PART_MAX || r.size + (int64_t)len > cfg->max_bytes) {
        pthread_mutex_unlock(&append_lock);
        fail(out, 413, len ? "recording_full" : "too_large");
        return;
    }
    char p[512];
    path_of(cfg, id, p);
    int fd = open(p, O_WRONLY | O_CLOEXEC);
    /* What a crash left past the size the database holds is not part of it. */
    int ok = fd >= 0 && ftruncate(fd, (off_t)r.size) == 0 && write_all(fd, data, len, (off_t)r.size) == 0 &&
             fsync(fd) == 0;
    if (fd >= 0)
        close(fd);
    ok = ok && bb_store_recording_grow(st, id, r.size, r.size + (int64_t)len) == BB_OK;
    pthread_mutex_unlock(&append_lock);
    if (!ok) {
        fail(out, 500, "internal");
        return;
    }
    r.size += (int64_t)len;
    out->status = 200;
    out->json = describe(&r);
}

/* The last manifest against the whole file: the seal must hold, by this officer, to the end. */
static int check(const bb_evidence_config *cfg, int64_t id, const char *json, size_t len, int64_t size,
                 const char *officer_number, int64_t now, bb_rec_report *rep)
{
    char p[512];
    path_of(cfg, id, p);
    int fd = open(p, O_RDONLY | O_CLOEXEC);
    if (fd < 0 || size <= 0) {
        if (fd >= 0)
            close(fd);
        return BB_E_PARSE;
    }
    void *m = mmap(NULL, (size_t)size, PROT_READ, MAP_PRIVATE, fd, 0);
    close(fd);
    if (m == MAP_FAILED)
        return BB_E_STATE;
    pthread_mutex_lock(cfg->trust_lock);
    int rc = bb_rec_verify(m, (size_t)size, json, len, cfg->police, now, rep);
    pthread_mutex_unlock(cfg->trust_lock);
    munmap(m, (size_t)size);
    if (rc == BB_OK && (rep->sealed < rep->segments || strcmp(rep->officer.officer_id, officer_number)))
        rc = BB_E_AUTH;   /* the last seal covers everything, and it is this officer's */
    return rc;
}

void bb_evidence_manifest(const bb_evidence_config *cfg, bb_store *st, int64_t officer_id, int64_t id,
                          const char *json, size_t len, int last, int64_t now, bb_evidence_reply *out)
{
    init(out);
    bb_stored_recording r;
    if (!owned(cfg, st, officer_id, id, &r, out))
        return;
    if (r.sealed) {
        fail(out, 409, "recording_sealed");
        return;
    }
    if (!len || len > BB_EVIDENCE_MANIFEST_MAX) {
        fail(out, 413, "too_large");
        return;
    }
    /* A manifest so far is kept as it is (it proves what it covers once the
     * last one checks out); it must at least be one. */
    cJSON *m = cJSON_ParseWithLength(json, len);
    const cJSON *format = cJSON_GetObjectItemCaseSensitive(m, "format");
    int looks = cJSON_IsString(format) && !strcmp(format->valuestring, "beeldbel-recording-1");
    cJSON_Delete(m);
    if (!looks) {
        fail(out, 422, "recording_invalid");
        return;
    }
    bb_rec_report rep;
    memset(&rep, 0, sizeof(rep));
    if (last) {
        if (!cfg->police) {
            fail(out, 503, "evidence_unavailable");
            return;
        }
        bb_officer who;
        if (bb_store_officer_by_id(st, officer_id, &who) != BB_OK) {
            fail(out, 500, "internal");
            return;
        }
        if (check(cfg, id, json, len, r.size, who.number, now, &rep) != BB_OK) {
            fail(out, 422, "recording_invalid");
            out->json = cJSON_CreateObject();
            cJSON_AddNumberToObject(out->json, "segment", (double)rep.bad_segment);
            cJSON_AddNumberToObject(out->json, "start_ms", (double)rep.bad_start_ms);
            return;
        }
    }
    if (bb_store_recording_manifest(st, id, officer_id, json, len, last, now) != BB_OK) {
        fail(out, 409, "recording_sealed");
        return;
    }
    r.has_manifest = 1;
    r.sealed = last;
    out->status = last ? 201 : 200;
    out->json = describe(&r);
    if (last) {
        cJSON_AddNumberToObject(out->json, "segments", (double)rep.segments);
        cJSON_AddNumberToObject(out->json, "seals", (double)rep.seals);
        cJSON_AddNumberToObject(out->json, "sealed_until_ms", (double)rep.sealed_until_ms);
    }
}

void bb_evidence_get(const bb_evidence_config *cfg, bb_store *st, int64_t officer_id, int64_t id, int manifest,
                     int64_t now, bb_evidence_reply *out)
{
    init(out);
    bb_stored_recording r;
    if (!owned(cfg, st, officer_id, id, &r, out))
        return;
    if (manifest) {
        int rc = bb_store_recording_manifest_get(st, id, &out->bytes, &out->len);
        if (rc) {
            fail(out, rc == BB_E_AGAIN ? 404 : 500, rc == BB_E_AGAIN ? "not_found" : "internal");
            return;
        }
        out->type = "application/json";
        snprintf(out->disposition, sizeof(out->disposition), "attachment; filename=\"opname-%lld.manifest.json\"",
                 (long long)id);
    } else {
        char p[512];
        path_of(cfg, id, p);
        out->fd = open(p, O_RDONLY | O_CLOEXEC);
        if (out->fd < 0) {
            fail(out, 500, "internal");
            return;
        }
        out->size = r.size;
        out->type = "video/webm";
        snprintf(out->disposition, sizeof(out->disposition), "attachment; filename=\"opname-%lld.webm\"",
                 (long long)id);
    }
    bb_store_recording_audit(st, now, officer_id, id, manifest ? "manifest downloaded" : "downloaded");
    out->status = 200;
}

int bb_evidence_purge(const bb_evidence_config *cfg, bb_store *st, int64_t now)
{
    if (!cfg->dir || cfg->retention_s <= 0)
        return 0;
    int64_t ids[64];
    int n = 0, total = 0;
    do {
        if (bb_store_recordings_expire(st, now, now - cfg->retention_s, ids, 64, &n))
            return -1;
        for (int i = 0; i < n; i++) {
            char p[512];
            path_of(cfg, ids[i], p);
            unlink(p);
        }
        total += n;
    } while (n == 64);
    return total;
}
