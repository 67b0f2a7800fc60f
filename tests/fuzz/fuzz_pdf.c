/* libFuzzer target: the PDF writer and its signature-slot reader (pdf.h).
 *
 * The input is read twice. As untrusted bytes, a PDF from anywhere: a slot
 * bb_pdf_find_signature() accepts must also be accepted, hashed and filled
 * by bb_pdf_signed_digest() and bb_pdf_put_signature(), without moving the
 * hash. As a document: byte 0 holds flags (bit 0: a signature slot of
 * 1 + 4 * byte 1 bytes; bit 1: the first chunk is the title), the rest is
 * cut at 0x00 into chunks, one block each: the chunk's first byte picks
 * the kind, the rest is the text (a row: header, 0x01, value). Whatever
 * bb_pdf_write() accepts must come out the same twice, with its xref table
 * where startxref says and its signature slot found again where it was
 * written. */
#include <stdlib.h>
#include <string.h>

#include "beeldbel/error.h"
#include "beeldbel/pdf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A slot read from the input's first bytes: whenever the digest takes it,
 * the file's /ByteRange names exactly that slot. */
static void check_any_slot(const uint8_t *data, size_t size)
{
    bb_pdf_sig_slot s, found;
    uint8_t h[32];
    if (size < 4)
        return;
    s.contents_at = (size_t)data[0] | (size_t)data[1] << 8;
    s.contents_len = (size_t)data[2] | (size_t)data[3] << 8;
    if (bb_pdf_signed_digest(data, size, &s, h) != BB_OK)
        return;
    if (bb_pdf_find_signature(data, size, &found) != BB_OK ||
        found.contents_at != s.contents_at || found.contents_len != s.contents_len)
        abort();
}

static void check_untrusted(const uint8_t *data, size_t size)
{
    bb_pdf_sig_slot s, again;
    uint8_t before[32], after[32];
    check_any_slot(data, size);
    if (bb_pdf_find_signature(data, size, &s) != BB_OK)
        return;
    if (s.contents_at > size || s.contents_len > size - s.contents_at || s.contents_len < 2)
        abort();
    uint8_t *copy = malloc(size);
    if (!copy)
        abort();
    memcpy(copy, data, size);
    static const uint8_t der[5] = { 0x30, 0x03, 0x02, 0x01, 0x05 };
    size_t n = (s.contents_len - 2) / 2 < 5 ? (s.contents_len - 2) / 2 : 5;
    if (bb_pdf_signed_digest(copy, size, &s, before) != BB_OK ||
        bb_pdf_put_signature(copy, size, &s, der, n) != BB_OK ||
        bb_pdf_signed_digest(copy, size, &s, after) != BB_OK || memcmp(before, after, 32) ||
        bb_pdf_find_signature(copy, size, &again) != BB_OK ||
        again.contents_at != s.contents_at || again.contents_len != s.contents_len)
        abort();
    free(copy);
}

/* The blocks of the input; texts point into text (a NUL-terminated copy). */
static size_t to_blocks(char *text, size_t n, bb_pdf_block *b, size_t cap, const char **title)
{
    size_t count = 0, i = 0;
    while (i < n && count < cap) {
        char *chunk = text + i;
        size_t len = strlen(chunk);
        i += len + 1;
        if (*title == NULL) {
            *title = chunk;
            continue;
        }
        bb_pdf_kind kind = (bb_pdf_kind)(len ? (uint8_t)chunk[0] % 4 + 1 : BB_PDF_P);
        char *t = len ? chunk + 1 : chunk;
        b[count] = (bb_pdf_block){ kind, t, NULL };
        if (kind == BB_PDF_ROW) {
            char *sep = strchr(t, 0x01);
            if (sep)
                *sep = 0;
            b[count].value = sep ? sep + 1 : "";
        }
        count++;
    }
    return count;
}

/* startxref names an offset where "xref" starts. */
static int xref_is_where_said(const uint8_t *p, size_t n)
{
    static const char key[] = "startxref\n";
    if (n < 64 || memcmp(p, "%PDF-1.7\n", 9) || memcmp(p + n - 6, "%%EOF\n", 6))
        return 0;
    for (size_t i = n - 6 - (sizeof(key) - 1); i-- > n - 40;) {
        if (memcmp(p + i, key, sizeof(key) - 1) == 0) {
            size_t off = (size_t)strtoul((const char *)p + i + sizeof(key) - 1, NULL, 10);
            return off < i && memcmp(p + off, "xref\n0 ", 7) == 0;
        }
    }
    return 0;
}

static void check_written(const bb_pdf_doc *d)
{
    size_t len = 0, len2 = 0;
    bb_pdf_sig_slot s = { 0, 0 }, s2, found;
    int rc = bb_pdf_write(d, NULL, 0, &len, &s);
    if (rc == BB_E_ARG || rc == BB_E_TOO_LARGE)
        return;
    if (rc != BB_E_BUFFER)
        abort();
    uint8_t *p = malloc(len), *q = malloc(len);
    if (!p || !q)
        abort();
    if (bb_pdf_write(d, p, len, &len2, &s) != BB_OK || len2 != len ||
        bb_pdf_write(d, q, len, &len2, &s2) != BB_OK || memcmp(p, q, len) ||
        !xref_is_where_said(p, len))
        abort();
    if (d->sig_capacity) {
        uint8_t h1[32], h2[32];
        if (s.contents_len != 2 * d->sig_capacity + 2 ||
            bb_pdf_find_signature(p, len, &found) != BB_OK ||
            found.contents_at != s.contents_at || found.contents_len != s.contents_len ||
            bb_pdf_signed_digest(p, len, &s, h1) != BB_OK ||
            bb_pdf_put_signature(p, len, &s, q, d->sig_capacity) != BB_OK ||
            bb_pdf_signed_digest(p, len, &s, h2) != BB_OK || memcmp(h1, h2, 32))
            abort();
    }
    free(p);
    free(q);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    check_untrusted(data, size);
    if (size < 2)
        return 0;
    char *text = malloc(size - 1);
    bb_pdf_block *blocks = malloc((BB_PDF_MAX_BLOCKS + 1) * sizeof(*blocks));
    if (!text || !blocks)
        abort();
    memcpy(text, data + 2, size - 2);
    text[size - 2] = 0;
    const char *title = data[0] & 2 ? NULL : "Proces-verbaal";
    bb_pdf_doc d = { 0 };
    d.lang = "nl-NL";
    d.author = "Fuzz";
    d.created = 1726348500;
    d.blocks = blocks;
    d.n_blocks = to_blocks(text, size - 2, blocks, BB_PDF_MAX_BLOCKS + 1, &title);
    d.title = title;
    if (data[0] & 1) {
        d.sig_capacity = 1 + 4 * (size_t)data[1];
        d.sig_name = "Verbalisant";
        d.sig_reason = d.n_blocks ? blocks[0].text : NULL;
    }
    check_written(&d);
    free(text);
    free(blocks);
    return 0;
}
