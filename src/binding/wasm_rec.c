/*
 * The officer's recording of a call for JavaScript (callrec.h). Thin:
 * checks and copies only; the glue is web/engine/recording.js.
 */
#include <emscripten.h>
#include <stdint.h>
#include <stdlib.h>

#include "beeldbel/callrec.h"
#include "beeldbel/error.h"
#include "beeldbel/seal.h"

#define API EMSCRIPTEN_KEEPALIVE

/* A new recording of m's call into *out; BB_OK or a BB_E_*. */
API int bbw_callrec_new(bb_media *m, const char *title, const char *officer, double started_unix_ms,
                        bb_callrec **out)
{
    return bb_callrec_new(out, m, title, officer, (int64_t)started_unix_ms);
}
API void bbw_callrec_free(bb_callrec *r) { bb_callrec_free(r); }
API int bbw_callrec_party(bb_callrec *r, double feed, const char *name, size_t len, double now_us)
{
    return bb_callrec_party(r, (uint32_t)feed, name, len, (uint64_t)now_us);
}
API int bbw_callrec_admit(bb_callrec *r, double feed) { return bb_callrec_admit(r, (uint32_t)feed); }
API int bbw_callrec_start(bb_callrec *r, double now_us) { return bb_callrec_start(r, (uint64_t)now_us); }
API int bbw_callrec_text(bb_callrec *r, double feed, const char *text, size_t len, double now_us)
{
    return bb_callrec_text(r, (uint32_t)feed, text, len, (uint64_t)now_us);
}
API int bbw_callrec_seal_due(const bb_callrec *r, double now_us) { return bb_callrec_seal_due(r, (uint64_t)now_us); }
API int bbw_callrec_digest(bb_callrec *r, double now_us, uint8_t *out) { return bb_callrec_digest(r, (uint64_t)now_us, out); }
API int bbw_callrec_seal(bb_callrec *r, const uint8_t *cms, size_t len) { return bb_callrec_seal(r, cms, len); }
API void bbw_callrec_seal_failed(bb_callrec *r) { bb_callrec_seal_failed(r); }
API int bbw_callrec_stop(bb_callrec *r, double now_us) { return bb_callrec_stop(r, (uint64_t)now_us); }
/* manifest: NULL, or the whole of what was taken (callrec.h). */
API int bbw_callrec_close(bb_callrec *r, const char *manifest, size_t len) { return bb_callrec_close(r, manifest, len); }
/* The bytes ready to write: their address, their number into *len. */
API const uint8_t *bbw_callrec_pending(const bb_callrec *r, size_t *len)
{
    const uint8_t *p;
    bb_callrec_pending(r, &p, len);
    return p;
}
API void bbw_callrec_drain(bb_callrec *r) { bb_callrec_drain(r); }
/* The manifest added since the last take: parts4 = segments' address and
 * length, seals' address and length (malloc'd: free them with free). */
API int bbw_callrec_take_manifest(bb_callrec *r, double *parts4)
{
    char *seg = NULL, *seal = NULL;
    size_t n_seg = 0, n_seal = 0;
    int rc = bb_callrec_take_manifest(r, &seg, &n_seg, &seal, &n_seal);
    parts4[0] = (double)(uintptr_t)seg;
    parts4[1] = (double)n_seg;
    parts4[2] = (double)(uintptr_t)seal;
    parts4[3] = (double)n_seal;
    return rc;
}
/* What ends the whole manifest, after its parts. */
API const char *bbw_callrec_manifest_end(void) { return BB_REC_MANIFEST_END; }
/* frames2: written, left out. */
API void bbw_callrec_counts(const bb_callrec *r, double *frames2)
{
    uint64_t f, d;
    bb_callrec_counts(r, &f, &d);
    frames2[0] = (double)f;
    frames2[1] = (double)d;
}
