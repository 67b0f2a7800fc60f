/*
 * The PDF writer (pdf.h): checks and converts the document, lays it out
 * (pdf_layout.c), then writes the objects in the order of their numbers,
 * the cross-reference table and the trailer. With a signature slot, the
 * /ByteRange is written as padded blanks and filled in at the end, when the
 * file's length is known.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mbedtls/sha256.h"

#include "../crypto/civil_time.h"
#include "beeldbel/error.h"
#include "beeldbel/pdf.h"
#include "pdf_layout.h"
#include "pdf_text.h"

#define CREATED_MAX 253402300799LL  /* 9999-12-31 23:59:59 UTC */
#define RANGE_DIGITS 10             /* each /ByteRange number, space-padded */

/* The fixed objects; the signature field, the pages with their contents,
 * the structure elements and the signature dictionary follow, in that
 * order. */
enum {
    OBJ_CATALOG = 1,
    OBJ_PAGES,
    OBJ_INFO,
    OBJ_STRUCT_ROOT,
    OBJ_FONT_REGULAR,
    OBJ_FONT_BOLD,
    OBJ_DOCUMENT,
    OBJ_FIXED_END
};

/* A metadata string in Windows-1252. */
typedef struct meta {
    uint8_t s[BB_PDF_MAX_META];
    size_t n;
    int present;
} meta;

typedef struct writer {
    const bb_pdf_doc *doc;
    pdf_layout L;
    pdf_buf out;
    size_t *offsets;        /* each object's offset, by number */
    size_t n_objs;          /* the highest object number + 1 */
    size_t obj_field, obj_sig, obj_page0, obj_elem0;
    int form;               /* the signature field's structure element, or -1 */
    meta title, author, name, reason, location;
    size_t range_at;        /* offset of the /ByteRange's second number */
    bb_pdf_sig_slot slot;
} writer;

/* ---- checks and conversion ---- */

static int check_meta(const char *s, int required, meta *m)
{
    m->present = s != NULL;
    if (!s)
        return required ? BB_E_ARG : BB_OK;
    size_t n = strnlen(s, BB_PDF_MAX_META + 1);
    if (n > BB_PDF_MAX_META || (required && n == 0))
        return BB_E_ARG;
    return pdf_to_cp1252(s, n, 0, m->s, &m->n, NULL);
}

static int check_lang(const char *lang)
{
    if (!lang)
        return BB_E_ARG;
    size_t n = strnlen(lang, 36);
    if (n < 2 || n > 35)
        return BB_E_ARG;
    for (size_t i = 0; i < n; i++) {
        char c = lang[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '-'))
            return BB_E_ARG;
    }
    return BB_OK;
}

static int check_doc(writer *w)
{
    const bb_pdf_doc *d = w->doc;
    if (!d->blocks || d->n_blocks == 0)
        return BB_E_ARG;
    if (d->n_blocks > BB_PDF_MAX_BLOCKS)
        return BB_E_TOO_LARGE;
    if (d->created < 0 || d->created > CREATED_MAX || d->sig_capacity > BB_PDF_MAX_SIG)
        return BB_E_ARG;
    int sig = d->sig_capacity > 0;
    int rc = check_lang(d->lang);
    if (!rc)
        rc = check_meta(d->title, 1, &w->title);
    if (!rc)
        rc = check_meta(d->author, 0, &w->author);
    if (!rc)
        rc = check_meta(sig ? d->sig_name : NULL, sig, &w->name);
    if (!rc)
        rc = check_meta(sig ? d->sig_reason : NULL, 0, &w->reason);
    if (!rc)
        rc = check_meta(sig ? d->sig_location : NULL, 0, &w->location);
    return rc;
}

/* Checks every block and converts its text into *store (one allocation). */
static int convert_blocks(const bb_pdf_doc *d, pdf_text *out, uint8_t **store)
{
    size_t total = 0;
    for (size_t i = 0; i < d->n_blocks; i++) {
        const bb_pdf_block *b = &d->blocks[i];
        int row = b->kind == BB_PDF_ROW;
        if ((b->kind != BB_PDF_H1 && b->kind != BB_PDF_H2 && b->kind != BB_PDF_P && !row) ||
            !b->text || row != (b->value != NULL))
            return BB_E_ARG;
        size_t tn = strnlen(b->text, BB_PDF_MAX_TEXT + 1);
        size_t vn = row ? strnlen(b->value, BB_PDF_MAX_TEXT + 1) : 0;
        if (tn > BB_PDF_MAX_TEXT || vn > BB_PDF_MAX_TEXT)
            return BB_E_TOO_LARGE;
        if (tn == 0)
            return BB_E_ARG;
        total += tn + vn;
    }
    uint8_t *p = malloc(total);
    if (!p)
        return BB_E_NOMEM;
    *store = p;
    for (size_t i = 0; i < d->n_blocks; i++) {
        const bb_pdf_block *b = &d->blocks[i];
        pdf_text *t = &out[i];
        t->kind = b->kind;
        t->text = p;
        if (pdf_to_cp1252(b->text, strlen(b->text), 1, p, &t->text_len, NULL))
            return BB_E_ARG;
        p += t->text_len;
        t->value = p;
        if (b->value && pdf_to_cp1252(b->value, strlen(b->value), 1, p, &t->value_len, NULL))
            return BB_E_ARG;
        p += t->value_len;
    }
    return BB_OK;
}

/* ---- pieces of objects ---- */

static void obj_begin(writer *w, size_t num)
{
    w->offsets[num] = w->out.len;
    pdf_printf(&w->out, "%zu 0 obj\n", num);
}

static void obj_end(writer *w)
{
    pdf_puts(&w->out, "\nendobj\n");
}

static size_t page_obj(const writer *w, size_t page)
{
    return w->obj_page0 + 2 * page;
}

static size_t elem_obj(const writer *w, int elem)
{
    return elem < 0 ? OBJ_DOCUMENT : w->obj_elem0 + (size_t)elem;
}

/* A text string as UTF-16BE with its byte order mark, in hex. */
static void put_text_string(pdf_buf *b, const meta *m)
{
    pdf_puts(b, "<FEFF");
    for (size_t i = 0; i < m->n; i++)
        pdf_printf(b, "%04X", pdf_unicode_of(m->s[i]));
    pdf_puts(b, ">");
}

static void put_date(pdf_buf *b, int64_t t)
{
    int y, mo, d, h, mi, s;
    bb_civil_from_unix(t, &y, &mo, &d, &h, &mi, &s);
    pdf_printf(b, "(D:%04d%02d%02d%02d%02d%02dZ)", y, mo, d, h, mi, s);
}

/* " /Key <text>" for a metadata string that is there. */
static void put_meta(pdf_buf *b, const char *key, const meta *m)
{
    if (!m->present)
        return;
    pdf_printf(b, " /%s ", key);
    put_text_string(b, m);
}

/* ---- the objects ---- */

static void write_catalog(writer *w)
{
    pdf_buf *b = &w->out;
    obj_begin(w, OBJ_CATALOG);
    pdf_printf(b, "<</Type /Catalog /Pages %d 0 R /StructTreeRoot %d 0 R"
                  " /MarkInfo <</Marked true>> /Lang (%s)"
                  " /ViewerPreferences <</DisplayDocTitle true>>",
               OBJ_PAGES, OBJ_STRUCT_ROOT, w->doc->lang);
    if (w->obj_field)
        pdf_printf(b, " /AcroForm <</Fields [%zu 0 R] /SigFlags 3>>", w->obj_field);
    pdf_puts(b, ">>");
    obj_end(w);
}

static void write_pages(writer *w)
{
    obj_begin(w, OBJ_PAGES);
    pdf_puts(&w->out, "<</Type /Pages /Kids [");
    for (size_t p = 0; p < w->L.n_pages; p++)
        pdf_printf(&w->out, "%s%zu 0 R", p ? " " : "", page_obj(w, p));
    pdf_printf(&w->out, "] /Count %zu>>", w->L.n_pages);
    obj_end(w);
}

static void write_info(writer *w)
{
    obj_begin(w, OBJ_INFO);
    pdf_puts(&w->out, "<</Producer (beeldbel) /CreationDate ");
    put_date(&w->out, w->doc->created);
    put_meta(&w->out, "Title", &w->title);
    put_meta(&w->out, "Author", &w->author);
    pdf_puts(&w->out, ">>");
    obj_end(w);
}

/* The ParentTree: each page's MCIDs to their elements, then the field. */
static void write_struct_root(writer *w)
{
    pdf_buf *b = &w->out;
    obj_begin(w, OBJ_STRUCT_ROOT);
    pdf_printf(b, "<</Type /StructTreeRoot /K %d 0 R /ParentTree <</Nums [", OBJ_DOCUMENT);
    for (size_t p = 0; p < w->L.n_pages; p++) {
        const pdf_page *pg = &w->L.pages[p];
        pdf_printf(b, "%s%zu [", p ? " " : "", p);
        for (size_t m = 0; m < pg->n_mcid; m++)
            pdf_printf(b, "%s%zu 0 R", m ? " " : "", elem_obj(w, pg->owner[m]));
        pdf_puts(b, "]");
    }
    if (w->form >= 0)
        pdf_printf(b, " %zu %zu 0 R", w->L.n_pages, elem_obj(w, w->form));
    pdf_printf(b, "]>> /ParentTreeNextKey %zu>>", w->L.n_pages + (w->form >= 0));
    obj_end(w);
}

static void write_font(writer *w, size_t num, const char *name)
{
    obj_begin(w, num);
    pdf_printf(&w->out, "<</Type /Font /Subtype /Type1 /BaseFont /%s /Encoding /WinAnsiEncoding>>",
               name);
    obj_end(w);
}

/* " /K [kids]" of an element that holds other elements (none: nothing). */
static void put_kids(writer *w, int parent)
{
    int any = 0;
    for (size_t i = 0; i < w->L.n_elems; i++) {
        if (w->L.elems[i].parent != parent)
            continue;
        pdf_printf(&w->out, "%s%zu 0 R", any ? " " : " /K [", elem_obj(w, (int)i));
        any = 1;
    }
    if (any)
        pdf_puts(&w->out, "]");
}

static void write_document(writer *w)
{
    obj_begin(w, OBJ_DOCUMENT);
    pdf_printf(&w->out, "<</Type /StructElem /S /Document /P %d 0 R", OBJ_STRUCT_ROOT);
    put_kids(w, -1);
    pdf_puts(&w->out, ">>");
    obj_end(w);
}

/* The invisible signature field, merged with its widget on the first page. */
static void write_field(writer *w)
{
    obj_begin(w, w->obj_field);
    pdf_printf(&w->out, "<</FT /Sig /T (Handtekening) /TU (Handtekening) /V %zu 0 R"
                        " /Type /Annot /Subtype /Widget /Rect [0 0 0 0] /F 132 /P %zu 0 R"
                        " /StructParent %zu>>",
               w->obj_sig, page_obj(w, 0), w->L.n_pages);
    obj_end(w);
}

/* The signature dictionary: /Contents last, a hex string of zeros. */
static void write_sig(writer *w)
{
    static const char zeros[64] = "0000000000000000000000000000000000000000000000000000000000000000";
    pdf_buf *b = &w->out;
    obj_begin(w, w->obj_sig);
    pdf_puts(b, "<</Type /Sig /Filter /Adobe.PPKLite /SubFilter /ETSI.CAdES.detached /M ");
    put_date(b, w->doc->created);
    put_meta(b, "Name", &w->name);
    put_meta(b, "Reason", &w->reason);
    put_meta(b, "Location", &w->location);
    pdf_puts(b, " /ByteRange [0 ");
    w->range_at = b->len;
    pdf_printf(b, "%-*d %-*d %-*d", RANGE_DIGITS, 0, RANGE_DIGITS, 0, RANGE_DIGITS, 0);
    pdf_puts(b, "] /Contents ");
    w->slot.contents_at = b->len;
    w->slot.contents_len = 2 * w->doc->sig_capacity + 2;
    pdf_puts(b, "<");
    for (size_t left = 2 * w->doc->sig_capacity; left;) {
        size_t k = left < sizeof(zeros) ? left : sizeof(zeros);
        pdf_put(b, zeros, k);
        left -= k;
    }
    pdf_puts(b, ">>>");
    obj_end(w);
}

static void write_page(writer *w, size_t p)
{
    const pdf_buf *c = &w->L.pages[p].content;
    pdf_buf *b = &w->out;
    obj_begin(w, page_obj(w, p));
    pdf_printf(b, "<</Type /Page /Parent %d 0 R /MediaBox [0 0 595 842]"
                  " /Resources <</Font <</F1 %d 0 R /F2 %d 0 R>>>> /Contents %zu 0 R"
                  " /StructParents %zu /Tabs /S",
               OBJ_PAGES, OBJ_FONT_REGULAR, OBJ_FONT_BOLD, page_obj(w, p) + 1, p);
    if (p == 0 && w->obj_field)
        pdf_printf(b, " /Annots [%zu 0 R]", w->obj_field);
    pdf_puts(b, ">>");
    obj_end(w);
    obj_begin(w, page_obj(w, p) + 1);
    pdf_printf(b, "<</Length %zu>>\nstream\n", c->len);
    pdf_put(b, c->p, c->len);
    pdf_puts(b, "\nendstream");
    obj_end(w);
}

/* /Pg and /K of an element that holds marked content: an MCID on its first
 * page, a marked-content reference on each later one. */
static void put_marked(writer *w, const pdf_elem *e)
{
    pdf_buf *b = &w->out;
    size_t first = e->mc[0].page;
    pdf_printf(b, " /Pg %zu 0 R /K ", page_obj(w, first));
    if (e->n_mc == 1) {
        pdf_printf(b, "%u", (unsigned)e->mc[0].mcid);
        return;
    }
    pdf_puts(b, "[");
    for (size_t k = 0; k < e->n_mc; k++) {
        if (k)
            pdf_puts(b, " ");
        if (e->mc[k].page == first)
            pdf_printf(b, "%u", (unsigned)e->mc[k].mcid);
        else
            pdf_printf(b, "<</Type /MCR /Pg %zu 0 R /MCID %u>>", page_obj(w, e->mc[k].page),
                       (unsigned)e->mc[k].mcid);
    }
    pdf_puts(b, "]");
}

static void write_elem(writer *w, int i)
{
    const pdf_elem *e = &w->L.elems[i];
    pdf_buf *b = &w->out;
    obj_begin(w, elem_obj(w, i));
    pdf_printf(b, "<</Type /StructElem /S /%s /P %zu 0 R", e->type, elem_obj(w, e->parent));
    if (strcmp(e->type, "TH") == 0)
        pdf_puts(b, " /A <</O /Table /Scope /Row>>");
    if (i == w->form)
        pdf_printf(b, " /Pg %zu 0 R /K <</Type /OBJR /Obj %zu 0 R>>", page_obj(w, 0),
                   w->obj_field);
    else if (e->n_mc)
        put_marked(w, e);
    else
        put_kids(w, i);
    pdf_puts(b, ">>");
    obj_end(w);
}

/* ---- the file ---- */

/* The signature dictionary comes last, after every content stream: the
 * last "/ByteRange [" in the file is its own, whatever the text says. */
static void number_objects(writer *w)
{
    size_t next = OBJ_FIXED_END;
    if (w->doc->sig_capacity)
        w->obj_field = next++;
    w->obj_page0 = next;
    w->obj_elem0 = next + 2 * w->L.n_pages;
    next = w->obj_elem0 + w->L.n_elems;
    if (w->doc->sig_capacity)
        w->obj_sig = next++;
    w->n_objs = next;
}

static void put_hex(pdf_buf *b, const uint8_t *d, size_t n)
{
    for (size_t i = 0; i < n; i++)
        pdf_printf(b, "%02x", d[i]);
}

/* The xref table and the trailer. The /ID is the first half of a SHA-256
 * of everything before the trailer (the /ByteRange still blank): the same
 * document always gets the same /ID. */
static int write_trailer(writer *w)
{
    pdf_buf *b = &w->out;
    size_t xref = b->len;
    pdf_printf(b, "xref\n0 %zu\n0000000000 65535 f \n", w->n_objs);
    for (size_t i = 1; i < w->n_objs; i++)
        pdf_printf(b, "%010zu 00000 n \n", w->offsets[i]);
    if (b->err)
        return b->err;
    uint8_t h[32];
    if (mbedtls_sha256_ret(b->p, b->len, h, 0))
        return BB_E_CRYPTO;
    pdf_printf(b, "trailer\n<</Size %zu /Root %d 0 R /Info %d 0 R /ID [<", w->n_objs,
               OBJ_CATALOG, OBJ_INFO);
    put_hex(b, h, 16);
    pdf_puts(b, "> <");
    put_hex(b, h, 16);
    pdf_printf(b, ">]>>\nstartxref\n%zu\n%%%%EOF\n", xref);
    return b->err;
}

/* Fills in the /ByteRange now that the file's length is known. */
static void patch_byte_range(writer *w)
{
    size_t a = w->slot.contents_at, e = a + w->slot.contents_len;
    size_t v[3] = { a, e, w->out.len - e };
    for (int k = 0; k < 3; k++) {
        char tmp[24];
        snprintf(tmp, sizeof(tmp), "%-*zu", RANGE_DIGITS, v[k]);
        memcpy(w->out.p + w->range_at + (size_t)k * (RANGE_DIGITS + 1), tmp, RANGE_DIGITS);
    }
}

static int write_file(writer *w)
{
    number_objects(w);
    w->offsets = calloc(w->n_objs, sizeof(size_t));
    if (!w->offsets)
        return BB_E_NOMEM;
    pdf_put(&w->out, "%PDF-1.7\n%\xE2\xE3\xCF\xD3\n", 15);
    write_catalog(w);
    write_pages(w);
    write_info(w);
    write_struct_root(w);
    write_font(w, OBJ_FONT_REGULAR, "Helvetica");
    write_font(w, OBJ_FONT_BOLD, "Helvetica-Bold");
    write_document(w);
    if (w->obj_field)
        write_field(w);
    for (size_t p = 0; p < w->L.n_pages; p++)
        write_page(w, p);
    for (size_t i = 0; i < w->L.n_elems; i++)
        write_elem(w, (int)i);
    if (w->obj_sig)
        write_sig(w);
    int rc = write_trailer(w);
    if (!rc && w->obj_field)
        patch_byte_range(w);
    return rc;
}

static int build(writer *w)
{
    const bb_pdf_doc *d = w->doc;
    int rc = check_doc(w);
    if (rc)
        return rc;
    pdf_text *blocks = calloc(d->n_blocks, sizeof(pdf_text));
    uint8_t *store = NULL;
    if (!blocks)
        return BB_E_NOMEM;
    rc = convert_blocks(d, blocks, &store);
    if (!rc)
        rc = pdf_layout_run(&w->L, blocks, d->n_blocks);
    if (!rc && d->sig_capacity) {
        w->form = pdf_layout_elem(&w->L, "Form", -1);
        rc = w->L.err;
    }
    if (!rc)
        rc = write_file(w);
    free(store);
    free(blocks);
    return rc;
}

int bb_pdf_write(const bb_pdf_doc *doc, uint8_t *out, size_t cap, size_t *len,
                 bb_pdf_sig_slot *sig)
{
    if (!doc || !len || (!out && cap) || (doc->sig_capacity && !sig))
        return BB_E_ARG;
    writer *w = calloc(1, sizeof(writer));
    if (!w)
        return BB_E_NOMEM;
    w->doc = doc;
    w->form = -1;
    int rc = build(w);
    if (!rc) {
        *len = w->out.len;
        if (w->out.len > cap) {
            rc = BB_E_BUFFER;
        } else {
            memcpy(out, w->out.p, w->out.len);
            if (sig)
                *sig = doc->sig_capacity ? w->slot : (bb_pdf_sig_slot){ 0, 0 };
        }
    }
    pdf_layout_free(&w->L);
    pdf_buf_free(&w->out);
    free(w->offsets);
    free(w);
    return rc;
}
