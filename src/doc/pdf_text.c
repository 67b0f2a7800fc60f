/*
 * The PDF writer's text (pdf_text.h): what Windows-1252 can show, how wide
 * it is in Helvetica, and where lines break.
 */
#include "pdf_text.h"

#include "beeldbel/error.h"
#include "beeldbel/pdf.h"

/* Unicode of the Windows-1252 bytes 0x80..0x9F; 0 where the code page has
 * no character (those bytes are never produced). */
static const uint16_t cp1252_high[32] = {
    0x20AC, 0, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
    0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0, 0x017D, 0,
    0, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
    0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0, 0x017E, 0x0178,
};

/*
 * Advance widths (1/1000 em) of Helvetica and Helvetica-Bold, the standard
 * metrics, indexed by the WinAnsiEncoding code. 0 for codes never produced.
 */
static const uint16_t helvetica_widths[2][256] = {
    {
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
        278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278,
        556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 278, 278, 584, 584, 584, 556,
        1015, 667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833, 722, 778,
        667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 278, 278, 278, 469, 556,
        333, 556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833, 556, 556,
        556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334, 260, 334, 584, 0,
        556, 0, 222, 556, 333, 1000, 556, 556, 333, 1000, 667, 333, 1000, 0, 611, 0,
        0, 222, 222, 333, 333, 350, 556, 1000, 333, 1000, 500, 333, 944, 0, 500, 667,
        278, 333, 556, 556, 556, 556, 260, 556, 333, 737, 370, 556, 584, 333, 737, 333,
        400, 584, 333, 333, 333, 556, 537, 278, 333, 333, 365, 556, 834, 834, 834, 611,
        667, 667, 667, 667, 667, 667, 1000, 722, 667, 667, 667, 667, 278, 278, 278, 278,
        722, 722, 778, 778, 778, 778, 778, 584, 778, 722, 722, 722, 722, 667, 667, 611,
        556, 556, 556, 556, 556, 556, 889, 500, 556, 556, 556, 556, 278, 278, 278, 278,
        556, 556, 556, 556, 556, 556, 556, 584, 611, 556, 556, 556, 556, 500, 556, 500,
    },
    {
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
        278, 333, 474, 556, 556, 889, 722, 238, 333, 333, 389, 584, 278, 333, 278, 278,
        556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 333, 333, 584, 584, 584, 611,
        975, 722, 722, 722, 722, 667, 611, 778, 722, 278, 556, 722, 611, 833, 722, 778,
        667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 333, 278, 333, 584, 556,
        333, 556, 611, 556, 611, 556, 333, 611, 611, 278, 278, 556, 278, 889, 611, 611,
        611, 611, 389, 556, 333, 611, 556, 778, 556, 556, 500, 389, 280, 389, 584, 0,
        556, 0, 278, 556, 500, 1000, 556, 556, 333, 1000, 667, 333, 1000, 0, 611, 0,
        0, 278, 278, 500, 500, 350, 556, 1000, 333, 1000, 556, 333, 944, 0, 500, 667,
        278, 333, 556, 556, 556, 556, 280, 556, 333, 737, 370, 556, 584, 333, 737, 333,
        400, 584, 333, 333, 333, 611, 556, 278, 333, 333, 365, 556, 834, 834, 834, 611,
        722, 722, 722, 722, 722, 722, 1000, 722, 667, 667, 667, 667, 278, 278, 278, 278,
        722, 722, 778, 778, 778, 778, 778, 584, 778, 722, 722, 722, 722, 667, 667, 611,
        556, 556, 556, 556, 556, 556, 889, 556, 556, 556, 556, 556, 278, 278, 278, 278,
        611, 611, 611, 611, 611, 611, 611, 584, 611, 611, 611, 611, 611, 556, 611, 556,
    },
};

/* Decodes one UTF-8 character from s[0..n): its length, or 0 if invalid
 * (truncated, overlong, a surrogate or beyond U+10FFFF). */
static size_t utf8_decode(const uint8_t *s, size_t n, uint32_t *cp)
{
    uint8_t c = s[0];
    size_t len;
    uint32_t v, min;
    if (c < 0x80) {
        *cp = c;
        return 1;
    }
    if (c >= 0xC2 && c <= 0xDF) {
        len = 2, v = c & 0x1F, min = 0x80;
    } else if (c >= 0xE0 && c <= 0xEF) {
        len = 3, v = c & 0x0F, min = 0x800;
    } else if (c >= 0xF0 && c <= 0xF4) {
        len = 4, v = c & 0x07, min = 0x10000;
    } else {
        return 0;
    }
    if (n < len)
        return 0;
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        v = v << 6 | (s[i] & 0x3F);
    }
    if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF))
        return 0;
    *cp = v;
    return len;
}

/* The Windows-1252 byte for a code point, or -1 if the PDF cannot show it. */
static int cp1252_of(uint32_t cp, int newline)
{
    if (cp == '\n')
        return newline ? '\n' : -1;
    if (cp < 0x20 || cp == 0x7F)
        return -1;
    if (cp < 0x80 || (cp >= 0xA0 && cp <= 0xFF))
        return (int)cp;
    for (int i = 0; i < 32; i++)
        if (cp1252_high[i] && cp1252_high[i] == cp)
            return 0x80 + i;
    return -1;
}

int pdf_to_cp1252(const char *text, size_t n, int newline, uint8_t *out, size_t *out_len,
                  size_t *bad_at)
{
    const uint8_t *s = (const uint8_t *)text;
    size_t i = 0, o = 0;
    while (i < n) {
        uint32_t cp;
        size_t k = utf8_decode(s + i, n - i, &cp);
        int c = k ? cp1252_of(cp, newline) : -1;
        if (c < 0) {
            if (bad_at)
                *bad_at = i;
            return BB_E_ARG;
        }
        if (out)
            out[o] = (uint8_t)c;
        o++;
        i += k;
    }
    if (out_len)
        *out_len = o;
    return BB_OK;
}

int bb_pdf_text_check(const char *text, size_t len, size_t *bad_at)
{
    if (!text && len)
        return BB_E_ARG;
    return pdf_to_cp1252(text, len, 1, NULL, NULL, bad_at);
}

uint16_t pdf_unicode_of(uint8_t c)
{
    return c >= 0x80 && c < 0xA0 ? cp1252_high[c - 0x80] : c;
}

int64_t pdf_text_width(int font, const uint8_t *s, size_t n)
{
    const uint16_t *w = helvetica_widths[font == PDF_BOLD];
    int64_t sum = 0;
    for (size_t i = 0; i < n; i++)
        sum += w[s[i]];
    return sum;
}

/* Skips spaces from i up to end. */
static size_t skip_spaces(const uint8_t *s, size_t i, size_t end)
{
    while (i < end && s[i] == ' ')
        i++;
    return i;
}

int pdf_next_line(const uint8_t *s, size_t n, size_t *pos, int font, int size10,
                  int32_t max_w, pdf_line *line)
{
    const uint16_t *w = helvetica_widths[font == PDF_BOLD];
    size_t p = *pos, end = p, i = p, brk = 0;
    if (p > n)
        return 0;
    while (end < n && s[end] != '\n')
        end++;
    /* A glyph of width w at size10/10 pt is w * size10 / 100 hundredths of
     * a point wide: compare in those units times 100, exactly. */
    int64_t limit = (int64_t)max_w * 100, used = 0;
    int word_seen = 0, have_brk = 0;
    for (; i < end; i++) {
        if (s[i] == ' ' && word_seen) {
            brk = i;
            have_brk = 1;
        }
        used += (int64_t)w[s[i]] * size10;
        if (used > limit)
            break;
        if (s[i] != ' ')
            word_seen = 1;
    }
    line->start = p;
    if (i == end) {                 /* the rest of the hard line fits */
        line->len = end - p;
        line->space = end < n;
        *pos = end + 1;
        return 1;
    }
    if (have_brk) {                 /* break at the last space that fits */
        size_t e = brk;
        while (e > p && s[e - 1] == ' ')
            e--;
        line->len = e - p;
        size_t next = skip_spaces(s, brk, end);
        line->space = next < n;
        *pos = next == end ? end + 1 : next;
        return 1;
    }
    line->len = i > p ? i - p : 1;  /* a word wider than the line */
    line->space = 0;
    *pos = p + line->len;
    return 1;
}

size_t pdf_count_lines(const uint8_t *s, size_t n, int font, int size10, int32_t max_w)
{
    size_t pos = 0, count = 0;
    pdf_line l;
    while (pdf_next_line(s, n, &pos, font, size10, max_w, &l))
        count++;
    return count;
}
