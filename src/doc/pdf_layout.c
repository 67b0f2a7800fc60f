/*
 * The PDF writer's layout (pdf_layout.h). Positions are integers in 1/100 pt
 * and font sizes in 1/10 pt, so every platform places every glyph alike.
 *
 * An A4 page with 56 pt margins; headings in Helvetica-Bold, text in
 * Helvetica; a table has its header cells in a shaded first column. A page
 * breaks between lines; a table row moves whole to the next page unless it
 * is taller than a page, and a heading moves along with the next line.
 * Each cell, heading or paragraph is one piece of marked content per page
 * it is on; the table's shading and rules are artifacts.
 */
#include "pdf_layout.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "beeldbel/error.h"
#include "pdf_text.h"

#define PAGE_TOP 78600      /* 842 pt - 56 pt */
#define PAGE_BOTTOM 5600
#define LEFT 5600
#define TEXT_W 48300        /* 595 pt - 2 * 56 pt */
#define CONTENT_H (PAGE_TOP - PAGE_BOTTOM)
#define CELL_PAD_X 500
#define CELL_PAD_Y 400
#define COL1_MIN 11000      /* the header column's width, from its widest cell */
#define COL1_MAX (TEXT_W * 2 / 5)
#define OUT_MAX ((size_t)1 << 28)

typedef struct style {
    int font, size10;
    int32_t leading, before, after;
} style;

static const style ST_H1 = { PDF_BOLD, 180, 2300, 0, 1000 };
static const style ST_H2 = { PDF_BOLD, 130, 1700, 1600, 500 };
static const style ST_P = { PDF_REGULAR, 110, 1500, 0, 700 };
/* A table's space before and after is its data cells' style's. */
static const style ST_TH = { PDF_BOLD, 105, 1400, 0, 0 };
static const style ST_TD = { PDF_REGULAR, 105, 1400, 600, 1200 };

/* ---- buffers ---- */

static int grow(void **p, size_t *cap, size_t need, size_t size)
{
    if (need <= *cap)
        return 1;
    size_t c = *cap ? *cap : 16;
    while (c < need)
        c *= 2;
    void *q = realloc(*p, c * size);
    if (!q)
        return 0;
    *p = q;
    *cap = c;
    return 1;
}

void pdf_buf_free(pdf_buf *b)
{
    free(b->p);
    memset(b, 0, sizeof(*b));
}

void pdf_put(pdf_buf *b, const void *d, size_t n)
{
    if (b->err || !n)
        return;
    if (n > OUT_MAX || b->len > OUT_MAX - n) {
        b->err = BB_E_TOO_LARGE;
        return;
    }
    void *p = b->p;
    if (!grow(&p, &b->cap, b->len + n, 1)) {
        b->err = BB_E_NOMEM;
        return;
    }
    b->p = p;
    memcpy(b->p + b->len, d, n);
    b->len += n;
}

void pdf_puts(pdf_buf *b, const char *s)
{
    pdf_put(b, s, strlen(s));
}

void pdf_printf(pdf_buf *b, const char *fmt, ...)
{
    char tmp[256];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= sizeof(tmp)) {
        b->err = b->err ? b->err : BB_E_ARG;
        return;
    }
    pdf_put(b, tmp, (size_t)n);
}

/* A number in 1/scale units (scale 10 or 100) as the shortest decimal:
 * 712.5, 56, 10.25. Positions and sizes are never negative. */
static void put_fixed(pdf_buf *b, int32_t v, int32_t scale)
{
    long whole = v > 0 ? v / scale : 0, frac = v > 0 ? v % scale : 0;
    if (!frac)
        pdf_printf(b, "%ld", whole);
    else if (scale == 100 && frac % 10)
        pdf_printf(b, "%ld.%02ld", whole, frac);
    else
        pdf_printf(b, "%ld.%ld", whole, scale == 100 ? frac / 10 : frac);
}

/* ---- pages, elements, marked content ---- */

int pdf_layout_elem(pdf_layout *L, const char *type, int parent)
{
    void *p = L->elems;
    if (!grow(&p, &L->cap_elems, L->n_elems + 1, sizeof(pdf_elem))) {
        L->err = L->err ? L->err : BB_E_NOMEM;
        return -1;
    }
    L->elems = p;
    pdf_elem *e = &L->elems[L->n_elems];
    memset(e, 0, sizeof(*e));
    e->type = type;
    e->parent = parent;
    return (int)L->n_elems++;
}

static pdf_buf *content(pdf_layout *L)
{
    return &L->pages[L->n_pages - 1].content;
}

static void new_page(pdf_layout *L)
{
    if (L->n_pages == BB_PDF_MAX_PAGES) {
        L->err = L->err ? L->err : BB_E_TOO_LARGE;
        return;
    }
    L->n_pages++;
    L->y = PAGE_TOP;
    L->at_top = 1;
}

/* Opens element ei's marked content on the current page, in text mode
 * with the style's font. */
static void mc_begin(pdf_layout *L, int ei, const style *st)
{
    pdf_page *pg = &L->pages[L->n_pages - 1];
    pdf_elem *e = &L->elems[ei];
    void *po = pg->owner, *pm = e->mc;
    if (!grow(&po, &pg->cap_mcid, pg->n_mcid + 1, sizeof(int)) ||
        !grow(&pm, &e->cap_mc, e->n_mc + 1, sizeof(pdf_mc))) {
        pg->owner = po;
        e->mc = pm;
        L->err = L->err ? L->err : BB_E_NOMEM;
        return;
    }
    pg->owner = po;
    e->mc = pm;
    e->mc[e->n_mc].page = (uint16_t)(L->n_pages - 1);
    e->mc[e->n_mc].mcid = (uint16_t)pg->n_mcid;
    e->n_mc++;
    pg->owner[pg->n_mcid] = ei;
    pdf_printf(&pg->content, "/%s <</MCID %zu>> BDC\nBT\n/F%d ", e->type, pg->n_mcid,
               st->font + 1);
    put_fixed(&pg->content, st->size10, 10);
    pdf_puts(&pg->content, " Tf\n");
    pg->n_mcid++;
}

static void mc_end(pdf_layout *L)
{
    pdf_puts(content(L), "ET\nEMC\n");
}

/* One line of text at (x, baseline), as a literal string. */
static void put_line(pdf_layout *L, int32_t x, int32_t baseline, const uint8_t *s,
                     const pdf_line *l)
{
    size_t n = l->len;
    s += l->start;
    pdf_buf *b = content(L);
    pdf_puts(b, "1 0 0 1 ");
    put_fixed(b, x, 100);
    pdf_puts(b, " ");
    put_fixed(b, baseline, 100);
    pdf_puts(b, " Tm (");
    size_t from = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '(' || s[i] == ')' || s[i] == '\\') {
            pdf_put(b, s + from, i - from);
            pdf_put(b, "\\", 1);
            from = i;
        }
    }
    pdf_put(b, s + from, n - from);
    pdf_puts(b, l->space ? " ) Tj\n" : ") Tj\n");
}

/* From a line box's top to its baseline: the capitals centred in it. */
static int32_t baseline_drop(const style *st)
{
    return (st->leading + st->size10 * 7) / 2;
}

/* Before a block: the gap after what came before it, or a new page when
 * the first need hundredths of a point of the block do not fit. */
static void start_block(pdf_layout *L, int32_t gap, int32_t need)
{
    if (L->at_top)
        return;
    if (L->y - gap - need < PAGE_BOTTOM)
        new_page(L);
    else
        L->y -= gap;
}

/* ---- headings and paragraphs ---- */

/* The lines of s under element ei, running on to the next pages. */
static void place_text(pdf_layout *L, int ei, const uint8_t *s, size_t n, const style *st)
{
    size_t pos = 0;
    int open = 0;
    pdf_line l;
    while (!L->err && pdf_next_line(s, n, &pos, st->font, st->size10, TEXT_W, &l)) {
        if (L->y - st->leading < PAGE_BOTTOM && !L->at_top) {
            if (open)
                mc_end(L);
            open = 0;
            new_page(L);
            if (L->err)
                return;
        }
        if (!open)
            mc_begin(L, ei, st);
        open = 1;
        put_line(L, LEFT, L->y - baseline_drop(st), s, &l);
        L->y -= st->leading;
        L->at_top = 0;
    }
    if (open)
        mc_end(L);
}

/* ---- tables ---- */

/* Width in 1/100 pt of the widest line of s, unbroken. */
static int32_t widest_line(const uint8_t *s, size_t n, const style *st)
{
    int64_t widest = 0;
    size_t from = 0;
    for (size_t i = 0; i <= n; i++) {
        if (i == n || s[i] == '\n') {
            int64_t w = (pdf_text_width(st->font, s + from, i - from) * st->size10 + 99) / 100;
            if (w > widest)
                widest = w;
            from = i + 1;
        }
    }
    return widest > TEXT_W ? TEXT_W : (int32_t)widest;
}

/* The header column's width for the table whose first row is blocks[i]. */
static int32_t column1(const pdf_text *blocks, size_t n, size_t i)
{
    int32_t w = COL1_MIN;
    for (; i < n && blocks[i].kind == BB_PDF_ROW; i++) {
        int32_t c = widest_line(blocks[i].text, blocks[i].text_len, &ST_TH) + 2 * CELL_PAD_X;
        if (c > w)
            w = c;
    }
    return w > COL1_MAX ? COL1_MAX : w;
}

static size_t row_lines(const pdf_text *r, int32_t col1)
{
    size_t th = pdf_count_lines(r->text, r->text_len, ST_TH.font, ST_TH.size10,
                                col1 - 2 * CELL_PAD_X);
    size_t td = r->value_len ? pdf_count_lines(r->value, r->value_len, ST_TD.font, ST_TD.size10,
                                               TEXT_W - col1 - 2 * CELL_PAD_X)
                             : 0;
    return th > td ? th : td;
}

static int32_t row_height(size_t lines)
{
    size_t h = 2 * CELL_PAD_Y + lines * (size_t)ST_TD.leading;
    return h > CONTENT_H ? CONTENT_H : (int32_t)h;
}

/* The shaded header cell and the rules above and below a row's part of
 * height h on this page. */
static void row_frame(pdf_layout *L, int32_t col1, int32_t h)
{
    pdf_buf *b = content(L);
    int32_t top = L->y, foot = L->y - h;
    pdf_puts(b, "/Artifact BMC\nq 0.93 g ");
    put_fixed(b, LEFT, 100);
    pdf_puts(b, " ");
    put_fixed(b, foot, 100);
    pdf_puts(b, " ");
    put_fixed(b, col1, 100);
    pdf_puts(b, " ");
    put_fixed(b, h, 100);
    pdf_puts(b, " re f 0.6 G 0.5 w");
    for (int k = 0; k < 2; k++) {
        int32_t y = k ? foot : top;
        pdf_puts(b, " ");
        put_fixed(b, LEFT, 100);
        pdf_puts(b, " ");
        put_fixed(b, y, 100);
        pdf_puts(b, " m ");
        put_fixed(b, LEFT + TEXT_W, 100);
        pdf_puts(b, " ");
        put_fixed(b, y, 100);
        pdf_puts(b, " l");
    }
    pdf_puts(b, " S Q\nEMC\n");
}

typedef struct cell {
    int elem;
    const uint8_t *s;
    size_t n, pos;
    int32_t x, w;
    const style *st;
} cell;

/* Up to max lines of a cell from the line box whose top is top, as one
 * piece of marked content. */
static void cell_lines(pdf_layout *L, cell *c, size_t max, int32_t top)
{
    pdf_line l;
    size_t k = 0;
    while (k < max && !L->err &&
           pdf_next_line(c->s, c->n, &c->pos, c->st->font, c->st->size10, c->w, &l)) {
        if (k == 0)
            mc_begin(L, c->elem, c->st);
        put_line(L, c->x, top - (int32_t)k * c->st->leading - baseline_drop(c->st), c->s, &l);
        k++;
    }
    if (k)
        mc_end(L);
}

/* One row of the table element tr: a TH and a TD, side by side. */
static void place_row(pdf_layout *L, int tr, const pdf_text *r, int32_t col1, int32_t gap)
{
    int th = pdf_layout_elem(L, "TH", tr), td = pdf_layout_elem(L, "TD", tr);
    if (L->err)
        return;
    cell c[2] = {
        { th, r->text, r->text_len, 0, LEFT + CELL_PAD_X, col1 - 2 * CELL_PAD_X, &ST_TH },
        { td, r->value, r->value_len, r->value_len ? 0 : r->value_len + 1,
          LEFT + col1 + CELL_PAD_X, TEXT_W - col1 - 2 * CELL_PAD_X, &ST_TD },
    };
    size_t total = row_lines(r, col1), done = 0;
    start_block(L, gap, row_height(total));
    while (!L->err && done < total) {
        int32_t room = L->y - PAGE_BOTTOM - 2 * CELL_PAD_Y;
        size_t fit = room >= ST_TD.leading ? (size_t)(room / ST_TD.leading) : 0;
        if (!fit) {
            new_page(L);
            continue;
        }
        size_t take = total - done < fit ? total - done : fit;
        int32_t h = 2 * CELL_PAD_Y + (int32_t)take * ST_TD.leading;
        row_frame(L, col1, h);
        for (int k = 0; k < 2; k++)
            cell_lines(L, &c[k], take, L->y - CELL_PAD_Y);
        L->y -= h;
        L->at_top = 0;
        done += take;
        if (done < total)
            new_page(L);
    }
}

/* ---- the document ---- */

static const style *style_of(bb_pdf_kind kind)
{
    return kind == BB_PDF_H1 ? &ST_H1 : kind == BB_PDF_H2 ? &ST_H2 : kind == BB_PDF_P ? &ST_P
                                                                                    : &ST_TD;
}

/* The space between blocks[i - 1] and blocks[i]; none inside a table. */
static int32_t gap_before(const pdf_text *blocks, size_t i)
{
    if (i == 0)
        return 0;
    if (blocks[i - 1].kind == BB_PDF_ROW && blocks[i].kind == BB_PDF_ROW)
        return 0;
    int32_t after = style_of(blocks[i - 1].kind)->after,
            before = style_of(blocks[i].kind)->before;
    return after > before ? after : before;
}

/* The height of blocks[i]'s first line (a row: the whole row). */
static int32_t first_height(const pdf_text *blocks, size_t n, size_t i)
{
    if (blocks[i].kind != BB_PDF_ROW)
        return style_of(blocks[i].kind)->leading;
    size_t first = i;
    while (first > 0 && blocks[first - 1].kind == BB_PDF_ROW)
        first--;
    return row_height(row_lines(&blocks[i], column1(blocks, n, first)));
}

static void place_heading(pdf_layout *L, const pdf_text *blocks, size_t n, size_t i)
{
    const style *st = style_of(blocks[i].kind);
    int ei = pdf_layout_elem(L, blocks[i].kind == BB_PDF_H1 ? "H1" : "H2", -1);
    if (ei < 0)
        return;
    size_t lines = pdf_count_lines(blocks[i].text, blocks[i].text_len, st->font, st->size10,
                                   TEXT_W);
    int64_t need = (int64_t)lines * st->leading;
    if (i + 1 < n)
        need += gap_before(blocks, i + 1) + first_height(blocks, n, i + 1);
    start_block(L, gap_before(blocks, i), need > CONTENT_H ? CONTENT_H : (int32_t)need);
    place_text(L, ei, blocks[i].text, blocks[i].text_len, st);
}

int pdf_layout_run(pdf_layout *L, const pdf_text *blocks, size_t n)
{
    int table = -1;
    int32_t col1 = 0;
    new_page(L);
    for (size_t i = 0; i < n && !L->err; i++) {
        const pdf_text *b = &blocks[i];
        if (b->kind == BB_PDF_H1 || b->kind == BB_PDF_H2) {
            place_heading(L, blocks, n, i);
        } else if (b->kind == BB_PDF_P) {
            int ei = pdf_layout_elem(L, "P", -1);
            start_block(L, gap_before(blocks, i), ST_P.leading);
            if (ei >= 0)
                place_text(L, ei, b->text, b->text_len, &ST_P);
        } else {
            if (i == 0 || blocks[i - 1].kind != BB_PDF_ROW) {
                table = pdf_layout_elem(L, "Table", -1);
                col1 = column1(blocks, n, i);
            }
            int tr = pdf_layout_elem(L, "TR", table);
            if (tr >= 0)
                place_row(L, tr, b, col1, gap_before(blocks, i));
        }
        for (size_t p = 0; p < L->n_pages; p++)
            if (L->pages[p].content.err)
                L->err = L->err ? L->err : L->pages[p].content.err;
    }
    return L->err;
}

void pdf_layout_free(pdf_layout *L)
{
    for (size_t i = 0; i < L->n_elems; i++)
        free(L->elems[i].mc);
    free(L->elems);
    for (size_t p = 0; p < BB_PDF_MAX_PAGES; p++) {
        pdf_buf_free(&L->pages[p].content);
        free(L->pages[p].owner);
    }
    memset(L, 0, sizeof(*L));
}
