/*
 * Shared files for JavaScript: what a file really is and a photo without
 * its location and camera data (filetype.h). Thin: the glue is
 * web/engine/call-files.js.
 */
#include <emscripten.h>

#include "beeldbel/error.h"
#include "beeldbel/filetype.h"

#define API EMSCRIPTEN_KEEPALIVE

/* The type (BB_FILE_PDF, _JPEG, _PNG: > 0), or minus the reason
 * (bb_file_reject, > 0) the bytes are none of them: one int, so the page
 * can say why without a second call. */
API int bbw_file_sniff(const uint8_t *data, size_t len)
{
    bb_file_reject why = BB_FILE_REJECT_NONE;
    int type = bb_file_sniff(data, len, &why);
    return type != BB_FILE_NONE ? type : -(int)why;
}

/* The stripped copy's length in out, or a negative BB_E_*. */
API int bbw_file_strip(int type, const uint8_t *in, size_t len, uint8_t *out, size_t cap)
{
    size_t n = 0;
    int rc = bb_file_strip((bb_file_type)type, in, len, out, cap, &n);
    return rc ? rc : (int)n;
}

/* Bytes out needs beyond the input's length. */
API int bbw_file_jpeg_length(const uint8_t *data, size_t len) { return (int)bb_file_jpeg_length(data, len); }
API int bbw_file_strip_extra(void) { return BB_FILE_STRIP_EXTRA; }
API int bbw_file_max(void) { return (int)BB_FILE_MAX; }
API const char *bbw_file_reject_name(int r) { return bb_file_reject_name(r); }
API const char *bbw_file_mime(int type) { return bb_file_mime(type); }
