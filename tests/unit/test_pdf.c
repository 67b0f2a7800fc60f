/*
 * The PDF writer (pdf.h): the same statement gives the same bytes, Dutch
 * text arrives as WinAnsi bytes, what WinAnsi cannot show is refused where
 * it is, the file's cross references are right, long text runs onto more
 * pages with its structure intact, and the signature slot is found, hashed
 * and filled exactly where the /ByteRange says.
 */
#include <stdlib.h>
#include <string.h>

#include <mbedtls/sha256.h>

#include "../common/bb_test.h"
#include "beeldbel/error.h"
#include "beeldbel/pdf.h"

#define NOW 1726348500 /* 2024-09-14 21:15:00 UTC */

static const char *story =
    "Op zaterdag 14 september omstreeks 23.15 uur fietste ik over de Paterswoldseweg richting "
    "het centrum. Ter hoogte van café \xE2\x80\x9E" "De Drie Uiltjes\xE2\x80\x9D werd ik door "
    "twee mannen aangesproken. Eén van hen vroeg of ik een sigaret had; toen ik "
    "\xE2\x80\x9Cnee\xE2\x80\x9D zei, trok de ander mijn tas van het stuur. Daarin zaten mijn "
    "telefoon (\xE2\x82\xAC 899,00) en mijn portemonnee \xE2\x80\x93 samen zo\xE2\x80\x99n "
    "\xE2\x82\xAC 960,00.";

static const bb_pdf_block statement[] = {
    { BB_PDF_H1, "Proces-verbaal van aangifte", NULL },
    { BB_PDF_ROW, "Referentie", "PL0100-2024123456" },
    { BB_PDF_ROW, "Aangever", "S. de Vries-Müller" },
    { BB_PDF_ROW, "Goederen/schade", "Telefoon \xE2\x82\xAC 899,00\nPortemonnee \xE2\x82\xAC 61,00" },
    { BB_PDF_H2, "Wat is er gebeurd", NULL },
    { BB_PDF_P, NULL, NULL }, /* story */
};

static bb_pdf_doc sample(bb_pdf_block *blocks, size_t sig_capacity)
{
    memcpy(blocks, statement, sizeof(statement));
    blocks[5].text = story;
    bb_pdf_doc d = { 0 };
    d.title = "Proces-verbaal van aangifte \xE2\x80\x93 PL0100-2024123456";
    d.author = "J. de Boer";
    d.lang = "nl-NL";
    d.created = NOW;
    d.blocks = blocks;
    d.n_blocks = sizeof(statement) / sizeof(statement[0]);
    d.sig_capacity = sig_capacity;
    d.sig_name = "J. de Boer";
    d.sig_reason = "Aangifte opgenomen";
    d.sig_location = "Groningen";
    return d;
}

/* Writes d into a buffer of exactly the size needed (NULL on failure). */
static uint8_t *write_pdf(const bb_pdf_doc *d, size_t *len, bb_pdf_sig_slot *sig, int *rc)
{
    *len = 0;
    *rc = bb_pdf_write(d, NULL, 0, len, sig);
    if (*rc != BB_E_BUFFER)
        return NULL;
    uint8_t *p = malloc(*len);
    if (!p)
        return NULL;
    *rc = bb_pdf_write(d, p, *len, len, sig);
    if (*rc) {
        free(p);
        return NULL;
    }
    return p;
}

/* The first occurrence of needle in h[from..n), or n. */
static size_t find(const uint8_t *h, size_t n, size_t from, const char *needle)
{
    size_t k = strlen(needle);
    for (size_t i = from; k <= n && i <= n - k; i++)
        if (memcmp(h + i, needle, k) == 0)
            return i;
    return n;
}

static size_t count(const uint8_t *h, size_t n, const char *needle)
{
    size_t c = 0;
    for (size_t i = find(h, n, 0, needle); i < n; i = find(h, n, i + 1, needle))
        c++;
    return c;
}

/* The content stream of page p (0-based): *len bytes at the result. */
static const uint8_t *page_content(const uint8_t *pdf, size_t n, int p, size_t *len)
{
    size_t at = 0;
    for (int k = 0; k <= p; k++) {
        at = find(pdf, n, at, ">>\nstream\n");
        if (at == n)
            return NULL;
        at += 10;
    }
    size_t end = find(pdf, n, at, "\nendstream");
    *len = end - at;
    return end < n ? pdf + at : NULL;
}

static int pages_of(const uint8_t *pdf, size_t n)
{
    return (int)count(pdf, n, "/Type /Page ");
}

/* A paragraph of n words. */
static char *words(size_t n)
{
    char *s = malloc(n * 8 + 1);
    if (!s)
        return NULL;
    for (size_t i = 0; i < n; i++)
        memcpy(s + 8 * i, i % 9 == 8 ? "aangifte" : "verhaal ", 8);
    s[n * 8] = 0;
    return s;
}

TEST(pdf_same_statement_gives_same_bytes)
{
    bb_pdf_block b1[6], b2[6];
    bb_pdf_doc d1 = sample(b1, 4096), d2 = sample(b2, 4096);
    size_t n1, n2;
    bb_pdf_sig_slot s1, s2;
    int rc;
    uint8_t *p1 = write_pdf(&d1, &n1, &s1, &rc);
    CHECK_OK(rc);
    uint8_t *p2 = write_pdf(&d2, &n2, &s2, &rc);
    int same = p2 && n1 == n2 && memcmp(p1, p2, n1) == 0 && s1.contents_at == s2.contents_at;
    if (same)
        bb_test_digest("pdf_statement", p1, n1);
    free(p1);
    free(p2);
    CHECK(same);
}

TEST(pdf_dutch_characters_are_winansi_bytes_in_the_content)
{
    bb_pdf_block b = { BB_PDF_P,
                       "é ë ï ö ü \xE2\x82\xAC \xE2\x80\x9C \xE2\x80\x9D \xE2\x80\x93 "
                       "\xE2\x80\x9E \xE2\x80\x99 Š ž Ÿ",
                       NULL };
    bb_pdf_doc d = { .title = "Tekens", .lang = "nl", .created = NOW, .blocks = &b, .n_blocks = 1 };
    size_t n;
    int rc;
    uint8_t *p = write_pdf(&d, &n, NULL, &rc);
    CHECK_OK(rc);
    size_t at = find(p, n, 0, "(\xE9 \xEB \xEF \xF6 \xFC \x80 \x93 \x94 \x96 \x84 \x92 \x8A \x9E \x9F) Tj");
    free(p);
    CHECK(at < n);
}

TEST(pdf_parentheses_and_backslashes_are_escaped)
{
    bb_pdf_block b = { BB_PDF_P, "(a) b\\c ((d", NULL };
    bb_pdf_doc d = { .title = "x", .lang = "nl", .created = NOW, .blocks = &b, .n_blocks = 1 };
    size_t n;
    int rc;
    uint8_t *p = write_pdf(&d, &n, NULL, &rc);
    CHECK_OK(rc);
    size_t at = find(p, n, 0, "(\\(a\\) b\\\\c \\(\\(d) Tj");
    free(p);
    CHECK(at < n);
}

TEST(pdf_metadata_is_utf16_with_a_byte_order_mark_and_the_date_is_utc)
{
    bb_pdf_block b[6];
    bb_pdf_doc d = sample(b, 0);
    size_t n;
    int rc;
    uint8_t *p = write_pdf(&d, &n, NULL, &rc);
    CHECK_OK(rc);
    /* "Proces" ... then " – " (U+2013) in the title */
    size_t title = find(p, n, 0, "/Title <FEFF00500072006F006300650073002D");
    size_t dash = find(p, n, 0, "0020201300200050004C"); /* " – PL" */
    size_t date = find(p, n, 0, "/CreationDate (D:20240914211500Z)");
    size_t lang = find(p, n, 0, "/Lang (nl-NL)");
    size_t marked = find(p, n, 0, "/MarkInfo <</Marked true>>");
    size_t shown = find(p, n, 0, "/ViewerPreferences <</DisplayDocTitle true>>");
    free(p);
    CHECK(title < n);
    CHECK(dash < n);
    CHECK(date < n && lang < n && marked < n && shown < n);
}

/* Windows-1252 0x80..0x9F, as Unicode (0: no character there). */
static const uint32_t cp1252_high[32] = {
    0x20AC, 0, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
    0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0, 0x017D, 0,
    0, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
    0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0, 0x017E, 0x0178,
};

/* cp as UTF-8 into out (room for 4); its length. */
static size_t utf8(uint32_t cp, char *out)
{
    static const uint8_t lead[5] = { 0, 0, 0xC0, 0xE0, 0xF0 };
    if (cp < 0x80) {
        out[0] = (char)cp;
        return 1;
    }
    size_t n = cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
    for (size_t i = n - 1; i > 0; i--, cp >>= 6)
        out[i] = (char)(0x80 | (cp & 63));
    out[0] = (char)(lead[n] | cp);
    return n;
}

TEST(pdf_text_check_accepts_exactly_what_windows_1252_shows)
{
    int wrong = 0;
    for (uint32_t cp = 0; cp <= 0x10FFFF; cp++) {
        if (cp >= 0xD800 && cp <= 0xDFFF)
            continue;
        int want = cp == '\n' || (cp >= 0x20 && cp < 0x7F) || (cp >= 0xA0 && cp <= 0xFF);
        for (int i = 0; i < 32; i++)
            want |= cp1252_high[i] && cp1252_high[i] == cp;
        char u[4];
        size_t n = utf8(cp, u);
        if ((bb_pdf_text_check(u, n, NULL) == BB_OK) != want && wrong++ < 5)
            bb_test_fail(__FILE__, __LINE__, "U+%04X %s", (unsigned)cp,
                         want ? "refused" : "accepted");
    }
    CHECK_EQ_INT(wrong, 0);
}

TEST(pdf_every_windows_1252_character_arrives_as_its_own_byte)
{
    char text[128], want[64];
    size_t n = 0, w = 0;
    for (int i = 0; i < 32; i++) {
        if (!cp1252_high[i])
            continue;
        n += utf8(cp1252_high[i], text + n);
        want[w++] = (char)(0x80 + i);
    }
    text[n] = want[w] = 0;
    bb_pdf_block b = { BB_PDF_P, text, NULL };
    bb_pdf_doc d = { .title = text, .lang = "nl", .created = NOW, .blocks = &b, .n_blocks = 1 };
    size_t len;
    int rc;
    uint8_t *p = write_pdf(&d, &len, NULL, &rc);
    CHECK_OK(rc);
    char line[80];
    snprintf(line, sizeof(line), "(%s) Tj", want);
    size_t at = find(p, len, 0, line);
    size_t title = find(p, len, 0, "/Title <FEFF20AC201A0192201E");
    free(p);
    CHECK_EQ_INT(w, 27);
    CHECK(at < len);
    CHECK(title < len);
}

TEST(pdf_text_check_points_at_the_first_refused_character)
{
    size_t at = 99;
    const char *ok = "Ça va? no: \xE2\x82\xAC \xE2\x80\x9E\xE2\x80\x9D \xE2\x80\x94 \xC3\xBF\n";
    CHECK_OK(bb_pdf_text_check(ok, strlen(ok), &at));
    CHECK_EQ_INT(at, 99);
    CHECK_EQ_INT(bb_pdf_text_check("Ça va? Ĳ?", strlen("Ça va? Ĳ?"), &at), BB_E_ARG);
    CHECK_EQ_INT(at, 8);

    struct { const char *s; size_t at; } bad[] = {
        { "Kijk: \xC4\xB1", 6 },              /* dotless i */
        { "ja \xF0\x9F\x98\x80!", 3 },        /* an emoji */
        { "ab\xC3\x28", 2 },                  /* a lead byte without its tail */
        { "\xC0\xAF", 0 },                    /* overlong */
        { "xy\xED\xA0\x80", 2 },              /* a surrogate */
        { "abc\xE2\x82", 3 },                 /* cut off at the end */
        { "\xF4\x90\x80\x80", 0 },            /* beyond U+10FFFF */
        { "a\tb", 1 },                        /* a tab */
        { "a\r\nb", 1 },                      /* a carriage return */
        { "a\x7F", 1 },                       /* DEL */
        { "\xC2\x81", 0 },                    /* a C1 control */
        { "\xC2\x80", 0 },                    /* U+0080, not the euro sign */
        { "\x80", 0 },                        /* a Windows-1252 byte, not UTF-8 */
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        at = 99;
        if (bb_pdf_text_check(bad[i].s, strlen(bad[i].s), &at) != BB_E_ARG || at != bad[i].at)
            bb_test_fail(__FILE__, __LINE__, "case %zu: at %zu, expected %zu", i, at, bad[i].at);
    }
    CHECK_EQ_INT(bb_pdf_text_check("a\0b", 3, NULL), BB_E_ARG);
    CHECK_OK(bb_pdf_text_check("", 0, NULL));
}

TEST(pdf_write_refuses_what_winansi_cannot_show)
{
    bb_pdf_block b[6];
    bb_pdf_doc d = sample(b, 1024);
    size_t n;
    bb_pdf_sig_slot s;
    b[5].text = "Ik heet Yıldız.";
    CHECK_EQ_INT(bb_pdf_write(&d, NULL, 0, &n, &s), BB_E_ARG);
    d = sample(b, 1024);
    b[2].value = "\xF0\x9F\x9A\x93";
    CHECK_EQ_INT(bb_pdf_write(&d, NULL, 0, &n, &s), BB_E_ARG);
    d = sample(b, 1024);
    d.title = "Aangifte\nfietsdiefstal";
    CHECK_EQ_INT(bb_pdf_write(&d, NULL, 0, &n, &s), BB_E_ARG);
    d = sample(b, 1024);
    d.sig_location = "Gr\xC3";
    CHECK_EQ_INT(bb_pdf_write(&d, NULL, 0, &n, &s), BB_E_ARG);
    d = sample(b, 1024);
    CHECK_EQ_INT(bb_pdf_write(&d, NULL, 0, &n, &s), BB_E_BUFFER);
}

TEST(pdf_write_refuses_documents_out_of_range)
{
    bb_pdf_block b[6];
    bb_pdf_doc d = sample(b, 0);
    size_t n;
    bb_pdf_sig_slot s;
    d.n_blocks = 0;
    CHECK_EQ_INT(bb_pdf_write(&d, NULL, 0, &n, NULL), BB_E_ARG);           /* empty */
    d = sample(b, 0);
    b[1].text = "";
    CHECK_EQ_INT(bb_pdf_write(&d, NULL, 0, &n, NULL), BB_E_ARG);           /* empty cell */
    d = sample(b, 0);
    b[5].value = "x";
    CHECK_EQ_INT(bb_pdf_write(&d, NULL, 0, &n, NULL), BB_E_ARG);           /* value on a P */
    d = sample(b, 0);
    b[1].value = NULL;
    CHECK_EQ_INT(bb_pdf_write(&d, NULL, 0, &n, NULL), BB_E_ARG);           /* row without one */
    d = sample(b, 0);
    b[0].kind = (bb_pdf_kind)9;
    CHECK_EQ_INT(bb_pdf_write(&d, NULL, 0, &n, NULL), BB_E_ARG);
    const char *langs[] = { "n", "nl_NL", "nl NL", "", "abcdefghijklmnopqrstuvwxyz0123456789" };
    for (size_t i = 0; i < sizeof(langs) / sizeof(langs[0]); i++) {
        d = sample(b, 0);
        d.lang = langs[i];
        CHECK_EQ_INT(bb_pdf_write(&d, NULL, 0, &n, NULL), BB_E_ARG);
    }
    d = sample(b, 0);
    d.title = "";
    CHECK_EQ_INT(bb_pdf_write(&d, NULL, 0, &n, NULL), BB_E_ARG);
    d = sample(b, 0);
    d.created = -1;
    CHECK_EQ_INT(bb_pdf_write(&d, NULL, 0, &n, NULL), BB_E_ARG);
    d = sample(b, BB_PDF_MAX_SIG + 1);
    CHECK_EQ_INT(bb_pdf_write(&d, NULL, 0, &n, &s), BB_E_ARG);
    d = sample(b, 1024);
    CHECK_EQ_INT(bb_pdf_write(&d, NULL, 0, &n, NULL), BB_E_ARG);            /* nowhere to say */
    d = sample(b, 1024);
    d.sig_name = NULL;
    CHECK_EQ_INT(bb_pdf_write(&d, NULL, 0, &n, &s), BB_E_ARG);
    d = sample(b, 0);
    d.author = NULL;
    CHECK_EQ_INT(bb_pdf_write(&d, NULL, 0, &n, NULL), BB_E_BUFFER);        /* optional */
    CHECK_EQ_INT(bb_pdf_write(NULL, NULL, 0, &n, NULL), BB_E_ARG);
    CHECK_EQ_INT(bb_pdf_write(&d, NULL, 0, NULL, NULL), BB_E_ARG);
    CHECK_EQ_INT(bb_pdf_write(&d, NULL, 10, &n, NULL), BB_E_ARG);
}

TEST(pdf_write_refuses_too_many_blocks_too_long_text_too_many_pages)
{
    static bb_pdf_block many[BB_PDF_MAX_BLOCKS + 1];
    for (size_t i = 0; i < BB_PDF_MAX_BLOCKS + 1; i++)
        many[i] = (bb_pdf_block){ BB_PDF_P, "Regel.", NULL };
    bb_pdf_doc d = { .title = "x", .lang = "nl", .created = NOW, .blocks = many };
    size_t n;
    d.n_blocks = BB_PDF_MAX_BLOCKS + 1;
    CHECK_EQ_INT(bb_pdf_write(&d, NULL, 0, &n, NULL), BB_E_TOO_LARGE);
    d.n_blocks = BB_PDF_MAX_BLOCKS;
    CHECK_EQ_INT(bb_pdf_write(&d, NULL, 0, &n, NULL), BB_E_BUFFER);

    char *text = malloc(BB_PDF_MAX_TEXT + 2);
    CHECK(text != NULL);
    memset(text, 'a', BB_PDF_MAX_TEXT + 1);
    for (size_t i = 5; i < BB_PDF_MAX_TEXT; i += 6)
        text[i] = ' ';
    text[BB_PDF_MAX_TEXT + 1] = 0;
    bb_pdf_block one = { BB_PDF_P, text, NULL };
    d.blocks = &one;
    d.n_blocks = 1;
    int rc1 = bb_pdf_write(&d, NULL, 0, &n, NULL);
    text[BB_PDF_MAX_TEXT] = 0;
    int rc2 = bb_pdf_write(&d, NULL, 0, &n, NULL);
    /* Every block as long as allowed: far more than BB_PDF_MAX_PAGES pages. */
    for (size_t i = 0; i < 40; i++)
        many[i] = (bb_pdf_block){ BB_PDF_P, text, NULL };
    d.blocks = many;
    d.n_blocks = 40;
    int rc3 = bb_pdf_write(&d, NULL, 0, &n, NULL);
    free(text);
    CHECK_EQ_INT(rc1, BB_E_TOO_LARGE);
    CHECK_EQ_INT(rc2, BB_E_BUFFER);
    CHECK_EQ_INT(rc3, BB_E_TOO_LARGE);
}

TEST(pdf_small_buffer_gives_the_size_needed)
{
    bb_pdf_block b[6];
    bb_pdf_doc d = sample(b, 512);
    size_t need = 0, n = 0;
    bb_pdf_sig_slot s;
    CHECK_EQ_INT(bb_pdf_write(&d, NULL, 0, &need, &s), BB_E_BUFFER);
    CHECK(need > 1000);
    uint8_t *p = malloc(need);
    CHECK(p != NULL);
    int rc1 = bb_pdf_write(&d, p, need - 1, &n, &s);
    size_t n1 = n;
    int rc2 = bb_pdf_write(&d, p, need, &n, &s);
    int head = n == need && memcmp(p, "%PDF-1.7\n", 9) == 0 && memcmp(p + n - 6, "%%EOF\n", 6) == 0;
    free(p);
    CHECK_EQ_INT(rc1, BB_E_BUFFER);
    CHECK_EQ_INT(n1, need);
    CHECK_OK(rc2);
    CHECK(head);
}

/* Checks the xref table: each in-use entry points at "N 0 obj". */
static int xref_is_right(const uint8_t *p, size_t n)
{
    size_t sx = find(p, n, 0, "startxref\n");
    if (sx == n)
        return 0;
    size_t xref = (size_t)strtoul((const char *)p + sx + 10, NULL, 10);
    if (xref >= n || memcmp(p + xref, "xref\n0 ", 7) != 0)
        return 0;
    char *end;
    size_t objs = (size_t)strtoul((const char *)p + xref + 7, &end, 10);
    const char *e = end + 1;
    if (objs < 8 || memcmp(e, "0000000000 65535 f \n", 20) != 0)
        return 0;
    for (size_t i = 1; i < objs; i++) {
        const char *row = e + 20 * i;
        if ((const uint8_t *)row + 20 > p + n || memcmp(row + 10, " 00000 n \n", 10) != 0)
            return 0;
        size_t off = (size_t)strtoul(row, NULL, 10);
        char want[32];
        int k = snprintf(want, sizeof(want), "%zu 0 obj\n", i);
        if (off + (size_t)k > n || memcmp(p + off, want, (size_t)k) != 0 ||
            (off && p[off - 1] != '\n'))
            return 0;
    }
    char size[32];
    snprintf(size, sizeof(size), "trailer\n<</Size %zu ", objs);
    return find(p, n, 0, size) < n;
}

TEST(pdf_xref_offsets_point_at_their_objects)
{
    bb_pdf_block b[6];
    bb_pdf_doc d = sample(b, 2048);
    size_t n;
    bb_pdf_sig_slot s;
    int rc;
    uint8_t *p = write_pdf(&d, &n, &s, &rc);
    CHECK_OK(rc);
    int ok = xref_is_right(p, n);
    free(p);
    CHECK(ok);
}

TEST(pdf_signature_slot_is_found_where_it_was_written)
{
    bb_pdf_block b[6];
    bb_pdf_doc d = sample(b, 3000);
    size_t n;
    bb_pdf_sig_slot s, found = { 0, 0 };
    int rc;
    uint8_t *p = write_pdf(&d, &n, &s, &rc);
    CHECK_OK(rc);
    int frc = bb_pdf_find_signature(p, n, &found);
    char br[96];
    snprintf(br, sizeof(br), "/ByteRange [0 %-10zu %-10zu %-10zu] /Contents <00",
             s.contents_at, s.contents_at + s.contents_len, n - s.contents_at - s.contents_len);
    size_t at = find(p, n, 0, br);
    int fields = find(p, n, 0, "/AcroForm <</Fields [8 0 R] /SigFlags 3>>") < n &&
                 find(p, n, 0, "/FT /Sig /T (Handtekening)") < n &&
                 find(p, n, 0, "/Rect [0 0 0 0] /F 132 /P 9 0 R") < n &&
                 find(p, n, 0, "/Kids [9 0 R]") < n &&
                 find(p, n, 0, "/Annots [8 0 R]") < n && find(p, n, 0, "/Tabs /S") < n &&
                 find(p, n, 0, "/Filter /Adobe.PPKLite /SubFilter /ETSI.CAdES.detached") < n &&
                 find(p, n, 0, "/M (D:20240914211500Z)") < n;
    int hex = s.contents_len == 6002 && p[s.contents_at] == '<' &&
              p[s.contents_at + s.contents_len - 1] == '>' && p[s.contents_at + 1] == '0';
    free(p);
    CHECK_OK(frc);
    CHECK_EQ_INT(found.contents_at, s.contents_at);
    CHECK_EQ_INT(found.contents_len, s.contents_len);
    CHECK(at < n);
    CHECK(fields);
    CHECK(hex);
}

TEST(pdf_text_that_looks_like_a_byte_range_does_not_move_the_slot)
{
    bb_pdf_block b[6];
    bb_pdf_doc d = sample(b, 64);
    b[5].text = "/ByteRange [0 10 14 0] /Contents <00> /ByteRange [0 1 2 3]";
    size_t n;
    bb_pdf_sig_slot s, found = { 0, 0 };
    uint8_t h[32];
    int rc;
    uint8_t *p = write_pdf(&d, &n, &s, &rc);
    CHECK_OK(rc);
    int frc = bb_pdf_find_signature(p, n, &found);
    int drc = bb_pdf_signed_digest(p, n, &s, h);
    size_t text = find(p, n, 0, "(/ByteRange [0 10 14 0] /Contents <00> /ByteRange [0 1 2 3]) Tj");
    free(p);
    CHECK(text < n);
    CHECK_OK(frc);
    CHECK_OK(drc);
    CHECK_EQ_INT(found.contents_at, s.contents_at);
    CHECK_EQ_INT(found.contents_len, s.contents_len);
}

TEST(pdf_signed_digest_is_sha256_of_all_but_the_contents)
{
    bb_pdf_block b[6];
    bb_pdf_doc d = sample(b, 1500);
    size_t n;
    bb_pdf_sig_slot s;
    int rc;
    uint8_t *p = write_pdf(&d, &n, &s, &rc);
    CHECK_OK(rc);
    uint8_t got[32], want[32];
    int drc = bb_pdf_signed_digest(p, n, &s, got);
    mbedtls_sha256_context c;
    mbedtls_sha256_init(&c);
    mbedtls_sha256_starts_ret(&c, 0);
    mbedtls_sha256_update_ret(&c, p, s.contents_at);
    mbedtls_sha256_update_ret(&c, p + s.contents_at + s.contents_len,
                              n - s.contents_at - s.contents_len);
    mbedtls_sha256_finish_ret(&c, want);
    mbedtls_sha256_free(&c);
    free(p);
    CHECK_OK(drc);
    CHECK(memcmp(got, want, 32) == 0);
}

TEST(pdf_put_signature_keeps_length_and_digest)
{
    bb_pdf_block b[6];
    bb_pdf_doc d = sample(b, 256);
    size_t n;
    bb_pdf_sig_slot s, found;
    int rc;
    uint8_t *p = write_pdf(&d, &n, &s, &rc);
    CHECK_OK(rc);
    uint8_t der[256], before[32], after[32];
    for (size_t i = 0; i < sizeof(der); i++)
        der[i] = (uint8_t)(i * 7 + 0x30);
    int r1 = bb_pdf_signed_digest(p, n, &s, before);
    int r2 = bb_pdf_put_signature(p, n, &s, der, 100);
    int r3 = bb_pdf_signed_digest(p, n, &s, after);
    int r4 = bb_pdf_find_signature(p, n, &found);
    int written = memcmp(p + s.contents_at, "<30373e", 7) == 0 &&
                  p[s.contents_at + 1 + 200] == '0' && p[s.contents_at + s.contents_len - 1] == '>';
    int r5 = bb_pdf_put_signature(p, n, &s, der, sizeof(der));
    uint8_t big[257] = { 0 };
    int r6 = bb_pdf_put_signature(p, n, &s, big, sizeof(big));
    free(p);
    CHECK_OK(r1);
    CHECK_OK(r2);
    CHECK_OK(r3);
    CHECK_OK(r4);
    CHECK(memcmp(before, after, 32) == 0);
    CHECK_EQ_INT(found.contents_at, s.contents_at);
    CHECK(written);
    CHECK_OK(r5);                       /* exactly the room there is */
    CHECK_EQ_INT(r6, BB_E_TOO_LARGE);
}

TEST(pdf_tampered_byte_range_or_slot_is_refused)
{
    bb_pdf_block b[6];
    bb_pdf_doc d = sample(b, 128);
    size_t n;
    bb_pdf_sig_slot s, t, found;
    uint8_t h[32];
    int rc;
    uint8_t *p = write_pdf(&d, &n, &s, &rc);
    CHECK_OK(rc);
    uint8_t *q = malloc(n + 1);
    CHECK(q != NULL);
    size_t br = find(p, n, 0, "/ByteRange [0 ") + 14;
    int fails = 0;

    t = s, t.contents_at++;                         /* the slot moved */
    fails += bb_pdf_signed_digest(p, n, &t, h) != BB_E_PARSE;
    t = s, t.contents_len -= 2;                     /* shorter */
    fails += bb_pdf_put_signature(p, n, &t, h, 1) != BB_E_PARSE;
    t = s, t.contents_at = SIZE_MAX - 1;            /* out of the file */
    fails += bb_pdf_signed_digest(p, n, &t, h) != BB_E_PARSE;
    t = s, t.contents_len = SIZE_MAX;
    fails += bb_pdf_signed_digest(p, n, &t, h) != BB_E_PARSE;

    memcpy(q, p, n);                                /* a ByteRange number changed */
    q[br] = q[br] == '9' ? '8' : (uint8_t)(q[br] + 1);
    fails += bb_pdf_signed_digest(q, n, &s, h) != BB_E_PARSE;
    fails += bb_pdf_find_signature(q, n, &found) != BB_E_PARSE;

    memcpy(q, p, n);                                /* a non-hex digit in the slot */
    q[s.contents_at + 5] = 'g';
    fails += bb_pdf_signed_digest(q, n, &s, h) != BB_E_PARSE;
    fails += bb_pdf_find_signature(q, n, &found) != BB_E_PARSE;

    memcpy(q, p, n);                                /* a byte appended */
    q[n] = '\n';
    fails += bb_pdf_signed_digest(q, n + 1, &s, h) != BB_E_PARSE;
    fails += bb_pdf_find_signature(q, n + 1, &found) != BB_E_PARSE;
    fails += bb_pdf_find_signature(p, n - 1, &found) != BB_E_PARSE;    /* one cut off */

    memcpy(q, p, n);                                /* a later ByteRange wins */
    memcpy(q + n - 40, "/ByteRange [0 1 2 3]", 20);
    fails += bb_pdf_find_signature(q, n, &found) != BB_E_PARSE;
    fails += bb_pdf_signed_digest(q, n, &s, h) != BB_E_PARSE;

    const char *odd[] = {
        "/ByteRange [0 3 5 0]<0>",                                 /* odd slot */
        "/ByteRange [0 99999999999999999999999999 2 3]",           /* overflow */
        "/ByteRange [0 18446744073709551615 18446744073709551617 0]",
        "/ByteRange [0 2 4 0",                                     /* unclosed */
        "/ByteRange [0 2 4]",                                      /* three numbers */
        "/ByteRange [1 2 4 0]",                                    /* not from 0 */
        "/ByteRange [0 -2 4 0]",
        "/ByteRange [0 2 24 0]xx",
        "/ByteRange [0 0 0 0]",
        "/ByteRange [",
        "",
    };
    for (size_t i = 0; i < sizeof(odd) / sizeof(odd[0]); i++)
        fails += bb_pdf_find_signature((const uint8_t *)odd[i], strlen(odd[i]), &found) !=
                 BB_E_PARSE;
    const char *good = "/ByteRange [0 24 28 0]\n\n<00>";
    int grc = bb_pdf_find_signature((const uint8_t *)good, strlen(good), &found);
    free(p);
    free(q);
    CHECK_EQ_INT(fails, 0);
    CHECK_OK(grc);
    CHECK_EQ_INT(found.contents_at, 24);
    CHECK_EQ_INT(found.contents_len, 4);
}

TEST(pdf_long_paragraph_runs_onto_more_pages_with_each_page_in_the_parent_tree)
{
    char *text = words(1500);
    CHECK(text != NULL);
    bb_pdf_block b[3] = { { BB_PDF_H1, "Verklaring", NULL },
                          { BB_PDF_P, text, NULL },
                          { BB_PDF_P, "Einde.", NULL } };
    bb_pdf_doc d = { .title = "Lang", .lang = "nl-NL", .created = NOW, .blocks = b, .n_blocks = 3 };
    size_t n;
    int rc;
    uint8_t *p = write_pdf(&d, &n, NULL, &rc);
    free(text);
    CHECK_OK(rc);
    int pages = pages_of(p, n);
    int parents = 1, mcr = (int)count(p, n, "/Type /MCR /Pg ");
    for (int i = 0; i < pages; i++) {
        char want[48];
        snprintf(want, sizeof(want), "/StructParents %d ", i);
        parents &= find(p, n, 0, want) < n;
        snprintf(want, sizeof(want), "%s%d [", i ? " " : "/Nums [", i);
        parents &= find(p, n, 0, want) < n;
    }
    /* The paragraph goes on at the top of each later page. */
    int continued = 1;
    for (int i = 1; i < pages; i++) {
        size_t cl;
        const uint8_t *c = page_content(p, n, i, &cl);
        continued &= c && cl > 20 && memcmp(c, "/P <</MCID 0>> BDC", 18) == 0;
    }
    int ok = xref_is_right(p, n);
    free(p);
    CHECK(pages >= 2);
    CHECK(parents);
    CHECK_EQ_INT(mcr, pages - 1);
    CHECK(continued);
    CHECK(ok);
}

/* A document of k filler lines, then blocks from tail. */
static uint8_t *after_filler(int k, const bb_pdf_block *tail, size_t n_tail, size_t *n)
{
    static char filler[4096];
    bb_pdf_block b[8];
    size_t f = 0;
    for (int i = 0; i < k && f + 3 < sizeof(filler); i++) {
        memcpy(filler + f, "Regel\n", 6);
        f += 6;
    }
    filler[f ? f - 1 : 0] = 0;
    b[0] = (bb_pdf_block){ BB_PDF_P, filler, NULL };
    memcpy(b + 1, tail, n_tail * sizeof(*tail));
    bb_pdf_doc d = { .title = "x", .lang = "nl", .created = NOW, .blocks = b, .n_blocks = 1 + n_tail };
    int rc;
    return write_pdf(&d, n, NULL, &rc);
}

TEST(pdf_heading_moves_to_the_next_page_with_the_next_line)
{
    static const bb_pdf_block tail[] = { { BB_PDF_H2, "Verklaring in eigen woorden", NULL },
                                         { BB_PDF_P, "Eerste regel van de verklaring.", NULL } };
    int checked = 0, alone = 0, moved = 0;
    for (int k = 40; k < 52; k++) {
        size_t n;
        uint8_t *p = after_filler(k, tail, 2, &n);
        if (!p)
            break;
        for (int pg = 0; pg < pages_of(p, n); pg++) {
            size_t cl;
            const uint8_t *c = page_content(p, n, pg, &cl);
            size_t h = c ? find(c, cl, 0, "/H2 <<") : 0;
            if (c && h < cl) {
                checked++;
                alone += find(c, cl, h, "/P <<") == cl;
                moved += pg > 0;
            }
        }
        free(p);
    }
    CHECK_EQ_INT(checked, 12);
    CHECK_EQ_INT(alone, 0);
    CHECK(moved > 0);
}

TEST(pdf_table_row_is_not_split_across_pages)
{
    static const bb_pdf_block tail[] = {
        { BB_PDF_ROW, "Goederen/schade", "Telefoon\nPortemonnee\nSleutels\nJas\nFietsslot" },
        { BB_PDF_ROW, "Pleegplaats", "Groningen" },
    };
    int split = 0, moved = 0, checked = 0;
    for (int k = 36; k < 48; k++) { /* the filler alone fits on page 1 */
        size_t n;
        uint8_t *p = after_filler(k, tail, 2, &n);
        if (!p)
            break;
        checked++;
        split += count(p, n, "/Type /MCR") != 0;
        for (int pg = 0; pg < pages_of(p, n); pg++) {
            size_t cl;
            const uint8_t *c = page_content(p, n, pg, &cl);
            if (!c || count(c, cl, "/TH <<") != count(c, cl, "/TD <<"))
                split++;
            moved += pg > 0 && c && find(c, cl, 0, "(Fietsslot) Tj") < cl;
        }
        free(p);
    }
    CHECK_EQ_INT(checked, 12);
    CHECK_EQ_INT(split, 0);
    CHECK(moved > 0);
}

TEST(pdf_row_taller_than_a_page_goes_on_over_pages)
{
    char *text = words(2000);
    CHECK(text != NULL);
    bb_pdf_block b[2] = { { BB_PDF_ROW, "Verklaring", text }, { BB_PDF_ROW, "Einde", "" } };
    bb_pdf_doc d = { .title = "x", .lang = "nl", .created = NOW, .blocks = b, .n_blocks = 2 };
    size_t n;
    int rc;
    uint8_t *p = write_pdf(&d, &n, NULL, &rc);
    free(text);
    CHECK_OK(rc);
    int pages = pages_of(p, n), mcr = (int)count(p, n, "/Type /MCR");
    /* The empty cell is a TD without content: no /K. */
    int td_empty = 0;
    for (size_t at = find(p, n, 0, "/S /TD "); at < n; at = find(p, n, at + 1, "/S /TD ")) {
        size_t end = find(p, n, at, ">>\nendobj");
        size_t k = find(p, n, at, "/K ");
        td_empty += k > end;
    }
    free(p);
    CHECK(pages >= 2);
    CHECK_EQ_INT(mcr, pages - 1);
    CHECK_EQ_INT(td_empty, 1);
}

TEST(pdf_word_longer_than_a_line_is_broken)
{
    char word[401];
    memset(word, 'W', 400);
    word[400] = 0;
    bb_pdf_block b = { BB_PDF_P, word, NULL };
    bb_pdf_doc d = { .title = "x", .lang = "nl", .created = NOW, .blocks = &b, .n_blocks = 1 };
    size_t n;
    int rc;
    uint8_t *p = write_pdf(&d, &n, NULL, &rc);
    CHECK_OK(rc);
    /* W is 944/1000 em: 11 pt text on 483 pt holds 46 of them. */
    size_t lines = count(p, n, ") Tj"), full = count(p, n, " Tm (WWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWW) Tj");
    free(p);
    CHECK_EQ_INT(lines, 9);
    CHECK_EQ_INT(full, 8);
}
