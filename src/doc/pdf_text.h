/*
 * The PDF writer's text (pdf.h): UTF-8 to Windows-1252, the fonts' advance
 * widths, and breaking text into lines. Private to the document module.
 */
#ifndef BB_DOC_PDF_TEXT_H
#define BB_DOC_PDF_TEXT_H

#include <stddef.h>
#include <stdint.h>

/* The two fonts of a document (resource names /F1 and /F2). */
enum { PDF_REGULAR = 0, PDF_BOLD = 1 };

/*
 * Converts n bytes of UTF-8 into Windows-1252 in out (room for n bytes; the
 * result is never longer). '\n' is kept where newline is 1 and refused
 * elsewhere, like every other control character. BB_OK and *out_len, or
 * BB_E_ARG with *bad_at the offset of the first character that cannot go in.
 */
int pdf_to_cp1252(const char *text, size_t n, int newline, uint8_t *out, size_t *out_len,
                  size_t *bad_at);

/* The Unicode code point of a Windows-1252 byte this module produced. */
uint16_t pdf_unicode_of(uint8_t c);

/* Advance width of s[0..n) in 1/1000 em of font. */
int64_t pdf_text_width(int font, const uint8_t *s, size_t n);

/* One line of text: s[start, start + len). space: the text goes on after a
 * break at spaces or at '\n', so the line is drawn with a space at its end
 * and text taken from the page or the structure keeps the words apart. */
typedef struct pdf_line {
    size_t start, len;
    int space;
} pdf_line;

/*
 * The next line of s[0..n) from *pos that fits in max_w (1/100 pt) at the
 * given font and size (1/10 pt): broken at spaces (which are dropped at the
 * break), at '\n', and inside a word only when the word alone is wider than
 * the line. Returns 1 and moves *pos on, or 0 when the text is used up;
 * start with *pos = 0. Empty text gives one empty line.
 */
int pdf_next_line(const uint8_t *s, size_t n, size_t *pos, int font, int size10,
                  int32_t max_w, pdf_line *line);

/* How many lines pdf_next_line() makes of s. */
size_t pdf_count_lines(const uint8_t *s, size_t n, int font, int size10, int32_t max_w);

#endif
