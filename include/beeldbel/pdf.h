/*
 * beeldbel — a small PDF writer: a statement as a tagged, accessible PDF,
 * ready to be signed.
 *
 * The document is a list of blocks (headings, paragraphs, rows of a
 * two-column table) laid out on A4 pages in Helvetica (the standard fonts,
 * WinAnsiEncoding). The output is deterministic: the same bb_pdf_doc gives
 * the same bytes on every platform, so two engines that hold the same
 * statement make the same file (and the same hash) without sending it.
 *
 * Accessibility: the PDF is tagged (MarkInfo /Marked true, a structure tree
 * Document > H1 / H2 / P / Table > TR > TH + TD, every piece of page
 * content marked with its MCID, a ParentTree), has /Lang and a /Title shown
 * by viewers (DisplayDocTitle), and its text extracts in reading order
 * (pdftotext) with the Dutch characters right.
 *
 * Text is UTF-8. What Windows-1252 (the standard fonts' WinAnsiEncoding) can
 * show is accepted: all Dutch and Western European letters, the euro sign,
 * typographic quotes and dashes. Anything else is refused (BB_E_ARG) rather
 * than changed, so a statement never says something other than was typed;
 * bb_pdf_text_check() says where, for the person typing. In a block's text
 * '\n' starts a new line; the metadata strings are one line each. Lines
 * break at spaces (inside a word only when the word is wider than the
 * line); a table row moves whole to the next page unless it is taller than
 * a page, and a heading moves along with the line that follows it.
 *
 * Signing: with sig_capacity > 0 the document carries one invisible
 * signature field whose value is a signature dictionary (PAdES:
 * /Filter /Adobe.PPKLite /SubFilter /ETSI.CAdES.detached) with /M, /Name,
 * /Reason, /Location, a /ByteRange that is already right, and /Contents: a
 * hex string of sig_capacity zero bytes. The signed bytes are everything
 * but that hex string including its < and >; bb_pdf_signed_digest() hashes
 * them and bb_pdf_put_signature() fills the hex string in place (the file
 * keeps its length, so the digest does not change). The signature
 * dictionary is the file's last object, so its /ByteRange is the last one
 * in the file whatever the text says.
 *
 * Errors: BB_E_ARG (NULL, invalid UTF-8, a character WinAnsi cannot show,
 * an empty document or text, out-of-range values such as a metadata string
 * over BB_PDF_MAX_META bytes), BB_E_TOO_LARGE (more than BB_PDF_MAX_BLOCKS
 * blocks, a text over BB_PDF_MAX_TEXT bytes, more than BB_PDF_MAX_PAGES
 * pages, a signature too long for its slot), BB_E_BUFFER (out too small:
 * *len says how much is needed), BB_E_PARSE (bb_pdf_signed_digest /
 * bb_pdf_put_signature on bytes whose signature slot is not where sig
 * says).
 */
#ifndef BEELDBEL_PDF_H
#define BEELDBEL_PDF_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define BB_PDF_MAX_BLOCKS 256
#define BB_PDF_MAX_TEXT 16384          /* bytes of one block's text */
#define BB_PDF_MAX_PAGES 64
#define BB_PDF_MAX_META 256            /* bytes of title, author, sig_* strings */
#define BB_PDF_MAX_SIG 32768           /* bytes a signature may take */

typedef enum bb_pdf_kind {
    BB_PDF_H1 = 1,  /* the document's heading (text) */
    BB_PDF_H2,      /* a section heading (text) */
    BB_PDF_P,       /* a paragraph (text); '\n' starts a new line */
    BB_PDF_ROW,     /* a table row: text is the header cell (TH, scope Row),
                     * value the data cell (TD); consecutive rows form one table */
} bb_pdf_kind;

typedef struct bb_pdf_block {
    bb_pdf_kind kind;
    const char *text;   /* not empty */
    const char *value;  /* BB_PDF_ROW only (may be ""); NULL otherwise */
} bb_pdf_block;

typedef struct bb_pdf_doc {
    const char *title;         /* /Title in Info (and shown by viewers); required */
    const char *author;        /* /Author; may be NULL */
    const char *lang;          /* /Lang, e.g. "nl-NL"; [A-Za-z0-9-], 2..35 */
    int64_t created;           /* Unix seconds (UTC): /CreationDate and the signature's /M */
    const bb_pdf_block *blocks;
    size_t n_blocks;           /* 1..BB_PDF_MAX_BLOCKS */
    size_t sig_capacity;       /* bytes reserved for a signature (0: no signature field),
                                * at most BB_PDF_MAX_SIG */
    const char *sig_name;      /* /Name of the signature dictionary (sig_capacity > 0) */
    const char *sig_reason;    /* /Reason; may be NULL */
    const char *sig_location;  /* /Location; may be NULL */
} bb_pdf_doc;

/* Where the signature goes in a written PDF. */
typedef struct bb_pdf_sig_slot {
    size_t contents_at;   /* offset of the '<' that opens /Contents */
    size_t contents_len;  /* bytes from that '<' to the '>' that closes it, inclusive
                           * (2 * sig_capacity + 2) */
} bb_pdf_sig_slot;

/*
 * Writes doc into out (cap bytes). BB_OK and *len; with doc->sig_capacity,
 * *sig says where the signature goes (sig may be NULL otherwise).
 * BB_E_BUFFER: *len is the size needed (out may be NULL when cap is 0).
 */
int bb_pdf_write(const bb_pdf_doc *doc, uint8_t *out, size_t cap, size_t *len,
                 bb_pdf_sig_slot *sig);

/*
 * Checks that text (len bytes) can go into a block of a PDF: BB_OK, or
 * BB_E_ARG with *bad_at the byte offset of the first character that cannot
 * (invalid UTF-8, outside Windows-1252, or a control character other than
 * '\n'). bad_at may be NULL; it is left alone on BB_OK.
 */
int bb_pdf_text_check(const char *text, size_t len, size_t *bad_at);

/*
 * SHA-256 over the signed bytes of a PDF written with a signature slot:
 * [0, contents_at) and [contents_at + contents_len, len). Checks that the
 * slot is a hex string where the /ByteRange in the file says it is.
 */
int bb_pdf_signed_digest(const uint8_t *pdf, size_t len, const bb_pdf_sig_slot *sig,
                         uint8_t digest[32]);

/*
 * Writes der (a CMS SignedData, at most (contents_len - 2) / 2 bytes, else
 * BB_E_TOO_LARGE) into the slot as hex, zero-padded. The signed bytes are
 * untouched.
 */
int bb_pdf_put_signature(uint8_t *pdf, size_t len, const bb_pdf_sig_slot *sig,
                         const uint8_t *der, size_t der_len);

/*
 * The signature in a slot (untrusted bytes): the hex string decoded and cut
 * to its DER's own length (the slot is padded with zeros). BB_OK and
 * *der_len; BB_E_PARSE when the slot holds no DER value; BB_E_BUFFER.
 */
int bb_pdf_get_signature(const uint8_t *pdf, size_t len, const bb_pdf_sig_slot *sig, uint8_t *der,
                         size_t cap, size_t *der_len);

/*
 * Finds the signature slot of a PDF this writer made (from its /ByteRange):
 * BB_OK and *sig, or BB_E_PARSE. Untrusted bytes: reads the last
 * /ByteRange only and checks it against the file's length.
 */
int bb_pdf_find_signature(const uint8_t *pdf, size_t len, bb_pdf_sig_slot *sig);

#ifdef __cplusplus
}
#endif

#endif /* BEELDBEL_PDF_H */
