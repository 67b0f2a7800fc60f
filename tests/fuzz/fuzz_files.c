/* libFuzzer target: file-transfer messages arriving in a call (files.h),
 * as a receiver and as an owner. We are feed 1. Byte 0: bit 0 — first offer
 * a small PDF of our own to feeds 2 and 3, so that acknowledgements and
 * cancels have a file to act on. Then records: a byte naming the sender
 * (2 + b % 3; b >= 0xf0: that feed leaves; b == 0xef: we cancel our file),
 * a 2-byte length and that many bytes, each given to files_receive 10 ms
 * after the one before. After every record the events are drained: a whole
 * file must be what its offer said (SHA-256, size, type), progress never
 * past the size. */
#include <stdlib.h>
#include <string.h>

#include "beeldbel/error.h"
#include "beeldbel/filetype.h"
#include "mbedtls/sha256.h"
#include "../../src/call/files.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void drain(files *f)
{
    bb_call_event ev;
    uint8_t *bytes;
    while (files_poll_event(f, &ev, &bytes) == BB_OK) {
        if (ev.file_done > ev.file_size)
            abort();
        if (ev.type == BB_CALL_EVENT_FILE) {
            uint8_t h[32];
            if (!bytes || ev.doc != bytes || ev.doc_len != ev.file_size || !ev.doc_len)
                abort();
            mbedtls_sha256_ret(bytes, ev.doc_len, h, 0);
            if (memcmp(h, ev.file_sha256, 32) || bb_file_sniff(bytes, ev.doc_len, NULL) != ev.file_type)
                abort();
        } else if (bytes) {
            abort();
        }
        free(bytes);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!size)
        return 0;
    files *f = files_new(1);
    if (!f)
        return 0;
    uint32_t ours = 0;
    if (data[0] & 1) {
        static const char pdf[] = "%PDF-1.7\nfuzz\n%%EOF\n";
        const uint16_t to[] = { 2, 3 };
        if (files_send(f, to, 2, BB_FILE_PDF, "a.pdf", 5, (const uint8_t *)pdf, sizeof(pdf) - 1,
                       &ours) != BB_OK)
            abort();
    }
    uint64_t now = 1000000;
    size_t at = 1;
    while (at + 3 <= size) {
        uint8_t who = data[at];
        size_t len = (size_t)(data[at + 1] << 8 | data[at + 2]);
        at += 3;
        if (len > size - at)
            len = size - at;
        if (who == 0xef) {
            (void)files_cancel(f, 1, ours);
        } else if (who >= 0xf0) {
            files_forget(f, 2 + who % 3);
        } else if (len) {
            (void)files_receive(f, 2 + who % 3, data + at, len, now);
        }
        at += len;
        now += 10000;
        drain(f);
    }
    files_free(f);
    return 0;
}
