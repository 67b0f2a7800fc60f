/*
 * The PDF writer's layout (pdf.h): blocks of Windows-1252 text placed on
 * A4 pages, giving each page's content stream and the structure elements
 * with the marked content they own. Private to the document module.
 */
#ifndef BB_DOC_PDF_LAYOUT_H
#define BB_DOC_PDF_LAYOUT_H

#include <stddef.h>
#include <stdint.h>

#include "beeldbel/pdf.h"

/* A growing byte buffer; err is a BB_E_* code once anything failed (sticky). */
typedef struct pdf_buf {
    uint8_t *p;
    size_t len, cap;
    int err;
} pdf_buf;

void pdf_buf_free(pdf_buf *b);
void pdf_put(pdf_buf *b, const void *d, size_t n);
void pdf_puts(pdf_buf *b, const char *s);
/* printf into the buffer; for short pieces (up to 255 bytes). */
void pdf_printf(pdf_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* A block's text in Windows-1252 (value: BB_PDF_ROW only). */
typedef struct pdf_text {
    bb_pdf_kind kind;
    const uint8_t *text, *value;
    size_t text_len, value_len;
} pdf_text;

/* A piece of marked content: its page and MCID there. */
typedef struct pdf_mc {
    uint16_t page, mcid;
} pdf_mc;

/* A structure element: its kids are either marked content (mc) or the
 * elements whose parent it is. */
typedef struct pdf_elem {
    const char *type;       /* H1, H2, P, Table, TR, TH, TD, Form */
    int parent;             /* index in pdf_layout.elems; -1: the Document */
    pdf_mc *mc;
    size_t n_mc, cap_mc;
} pdf_elem;

typedef struct pdf_page {
    pdf_buf content;
    int *owner;             /* the element of each MCID on this page */
    size_t n_mcid, cap_mcid;
} pdf_page;

typedef struct pdf_layout {
    pdf_elem *elems;
    size_t n_elems, cap_elems;
    pdf_page pages[BB_PDF_MAX_PAGES];
    size_t n_pages;
    int32_t y;              /* top of the next line, 1/100 pt from the page's foot */
    int at_top;             /* nothing placed on the current page yet */
    int err;                /* a BB_E_* code once anything failed (sticky) */
} pdf_layout;

/* Lays out the blocks; the layout must be zeroed first and freed after,
 * whatever the result. BB_OK, BB_E_TOO_LARGE (pages) or BB_E_NOMEM. */
int pdf_layout_run(pdf_layout *L, const pdf_text *blocks, size_t n);

/* Adds a structure element (the writer adds the signature's Form). */
int pdf_layout_elem(pdf_layout *L, const char *type, int parent);

void pdf_layout_free(pdf_layout *L);

#endif
