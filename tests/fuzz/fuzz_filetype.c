/* libFuzzer target: what a shared file is, and its stripped copy
 * (filetype.h).
 *
 * Any input is sniffed; the answer and its reason must agree. What passes
 * as a type is stripped into a buffer of len + BB_FILE_STRIP_EXTRA: the copy
 * must sniff as the same type, fit, come out of a second strip byte for byte
 * the same (stripping is idempotent), be refused as any other type, and
 * (a PDF) be the input unchanged. What does not pass is refused by
 * bb_file_strip() too. Random bytes seldom carry right CRC-32s, so an input
 * that starts like a PNG is also tried with every chunk's CRC made right,
 * which lets the fuzzer reach the chunk order and header checks. Where
 * bb_file_jpeg_length() finds a photo, those bytes sniff as a JPEG. */
#include <stdlib.h>
#include <string.h>

#include "beeldbel/error.h"
#include "beeldbel/filetype.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static uint32_t crc32_png(const uint8_t *p, size_t n)
{
    uint32_t c = 0xFFFFFFFFu;
    for (size_t i = 0; i < n; i++) {
        c ^= p[i];
        for (int k = 0; k < 8; k++)
            c = (c >> 1) ^ (0xEDB88320u & (0u - (c & 1)));
    }
    return ~c;
}

/* Rewrites the CRC of every chunk that fits; 1 when d starts like a PNG. */
static int fix_png_crcs(uint8_t *d, size_t n)
{
    static const uint8_t sig[8] = { 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A };
    if (n < 8 || memcmp(d, sig, 8) != 0)
        return 0;
    for (size_t pos = 8; n - pos >= 12;) {
        size_t len = (size_t)d[pos] << 24 | (size_t)d[pos + 1] << 16 | (size_t)d[pos + 2] << 8 |
                     d[pos + 3];
        if (len > n - pos - 12)
            break;
        uint32_t c = crc32_png(d + pos + 4, 4 + len);
        uint8_t *at = d + pos + 8 + len;
        at[0] = (uint8_t)(c >> 24), at[1] = (uint8_t)(c >> 16), at[2] = (uint8_t)(c >> 8);
        at[3] = (uint8_t)c;
        pos += 12 + len;
    }
    return 1;
}

static void check(const uint8_t *data, size_t size)
{
    bb_file_reject why = BB_FILE_REJECT_COUNT;
    int type = bb_file_sniff(data, size, &why);
    if (type < BB_FILE_NONE || type > BB_FILE_PNG || why >= BB_FILE_REJECT_COUNT ||
        (type == BB_FILE_NONE) != (why != BB_FILE_REJECT_NONE) ||
        strcmp(bb_file_reject_name(why), "unknown") == 0 || bb_file_sniff(data, size, NULL) != type)
        abort();
    size_t cap = size + BB_FILE_STRIP_EXTRA, n = 0, n2 = 0;
    uint8_t *out = malloc(cap), *again = malloc(cap);
    if (!out || !again)
        abort();
    if (type == BB_FILE_NONE) {
        for (int t = BB_FILE_PDF; t <= BB_FILE_PNG; t++)
            if (bb_file_strip((bb_file_type)t, data, size, out, cap, &n) != BB_E_PARSE)
                abort();
        free(out);
        free(again);
        return;
    }
    if (!bb_file_mime(type) ||
        bb_file_strip((bb_file_type)type, data, size, out, cap, &n) != BB_OK || n > cap ||
        bb_file_sniff(out, n, NULL) != type ||
        bb_file_strip((bb_file_type)type, out, n, again, cap, &n2) != BB_OK || n2 != n ||
        memcmp(out, again, n) != 0)
        abort();
    if (type == BB_FILE_PDF && (n != size || memcmp(out, data, size) != 0))
        abort();
    for (int t = BB_FILE_PDF; t <= BB_FILE_PNG; t++)
        if (t != type && bb_file_strip((bb_file_type)t, data, size, again, cap, &n2) != BB_E_PARSE)
            abort();
    /* one byte short: refused, and told the size it needs */
    if (bb_file_strip((bb_file_type)type, data, size, again, n - 1, &n2) != BB_E_BUFFER || n2 != n)
        abort();
    free(out);
    free(again);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > BB_FILE_MAX)
        return 0;
    check(data, size);
    /* The photo of a motion photo: a whole JPEG up to that length. */
    size_t photo = bb_file_jpeg_length(data, size);
    if (photo && (photo > size || bb_file_sniff(data, photo, NULL) != BB_FILE_JPEG))
        abort();
    uint8_t *copy = malloc(size ? size : 1);
    if (!copy)
        abort();
    if (size)
        memcpy(copy, data, size);
    if (fix_png_crcs(copy, size))
        check(copy, size);
    free(copy);
    return 0;
}
