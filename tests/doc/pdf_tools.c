/*
 * The PDF writer (pdf.h) checked with tools that share no code with it:
 * poppler's pdfinfo, pdftotext and pdfsig, and qpdf. Three statements are
 * written into a temporary directory, removed at the end (or into
 * $BB_PDF_KEEP, kept, to look at): a one-page "proces-verbaal van aangifte",
 * the same running to three pages, and one with a signature slot.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../common/bb_test.h"
#include "../common/capture.h"
#include "beeldbel/error.h"
#include "beeldbel/pdf.h"

#define NOW 1726348500 /* 2024-09-14 21:15:00 UTC */
#define TITLE "Proces-verbaal van aangifte \xE2\x80\x93 PL0100-2024123456"
#define N_EXTRA 17     /* paragraphs that take the long statement to three pages */

static const char *what_happened[] = {
    ("Op zaterdag 14 september 2024 omstreeks 23.15 uur fietste de aangever over de "
     "Paterswoldseweg in Groningen, in de richting van het centrum. Ter hoogte van café "
     "\xE2\x80\x9E" "De Drie Uiltjes\xE2\x80\x9D werd hij door twee onbekende mannen aangesproken."),
    ("Eén van de mannen trok de tas van het stuur van de fiets, waarna beide mannen wegrenden in "
     "de richting van het Noorderplantsoen. In de tas zaten een telefoon (\xE2\x82\xAC 899,00), "
     "een portemonnee met \xE2\x82\xAC 61,00 contant en een sleutelbos."),
};

static const char *own_words[] = {
    ("Ik fietste na een reünie met oud-collega\xE2\x80\x99s naar huis. Bij het café stonden twee "
     "mannen op het fietspad. De ene vroeg: \xE2\x80\x9CHeb je een sigaret voor me?\xE2\x80\x9D "
     "Toen ik \xE2\x80\x9Enee\xE2\x80\x9D zei, pakte de ander mijn tas."),
    ("Ik ben ze nog even achterna gefietst, maar bij de brug ben ik gestopt; ik durfde niet "
     "verder. De eerste man was ongeveer 1,85 meter lang, had kort donker haar en droeg een "
     "groene jas met een wit logo. De tweede man was kleiner en droeg een zwarte pet "
     "\xE2\x80\x93 zijn gezicht heb ik niet goed gezien."),
    ("Ik doe aangifte en vraag een schadevergoeding van \xE2\x82\xAC 960,00 als de daders "
     "worden gevonden. Deze verklaring is mij voorgelezen; ik blijf erbij."),
};

static const char *extra =
    "Later bedacht ik dat de tweede man een fiets aan de hand had, een oude zwarte "
    "herenfiets met een krat voorop. Op het krat zat een sticker van de Groninger "
    "studentenroeivereniging. Ik weet niet of de fiets van hem was. Een mevrouw die haar "
    "hond uitliet, heeft alles gezien; zij heeft mij haar telefoonnummer gegeven en wil "
    "als getuige worden gehoord.";

static char dir[400];
static char extra_text[N_EXTRA][1280];
static int fixture_rc = -1;
static int keep;

static const char *names[] = { "statement.pdf", "long.pdf", "signed.pdf" };
enum { STATEMENT, LONG, SIGNED, N_FILES };
static size_t file_len[N_FILES];
static bb_pdf_sig_slot slot;

/* The statement's blocks; with extra, N_EXTRA more paragraphs. */
static size_t statement(bb_pdf_block *b, int with_extra)
{
    size_t n = 0;
    b[n++] = (bb_pdf_block){ BB_PDF_H1, "Proces-verbaal van aangifte", NULL };
    b[n++] = (bb_pdf_block){ BB_PDF_ROW, "Referentie", "PL0100-2024123456" };
    b[n++] = (bb_pdf_block){ BB_PDF_ROW, "Aangever", "Sanne de Vries-Müller, geboren 3 maart 1991" };
    b[n++] = (bb_pdf_block){ BB_PDF_ROW, "Verbalisant", "J. de Boer, wijkagent Groningen-Noord" };
    b[n++] = (bb_pdf_block){ BB_PDF_ROW, "Pleegdatum", "zaterdag 14 september 2024, 23.15 uur" };
    b[n++] = (bb_pdf_block){ BB_PDF_ROW, "Pleegplaats", "Paterswoldseweg, Groningen" };
    b[n++] = (bb_pdf_block){ BB_PDF_ROW, "Goederen/schade",
                             "Telefoon \xE2\x82\xAC 899,00\nPortemonnee met \xE2\x82\xAC 61,00 contant" };
    b[n++] = (bb_pdf_block){ BB_PDF_H2, "Wat is er gebeurd", NULL };
    for (size_t i = 0; i < 2; i++)
        b[n++] = (bb_pdf_block){ BB_PDF_P, what_happened[i], NULL };
    b[n++] = (bb_pdf_block){ BB_PDF_H2, "Verklaring in eigen woorden", NULL };
    for (size_t i = 0; i < 3; i++)
        b[n++] = (bb_pdf_block){ BB_PDF_P, own_words[i], NULL };
    if (with_extra) {
        b[n++] = (bb_pdf_block){ BB_PDF_H2, "Aanvullende verklaring", NULL };
        for (size_t i = 0; i < N_EXTRA; i++) {
            snprintf(extra_text[i], sizeof(extra_text[i]), "Aanvulling %zu. %s%s%s", i + 1, extra,
                     i % 4 == 3 ? " " : "", i % 4 == 3 ? extra : "");
            b[n++] = (bb_pdf_block){ BB_PDF_P, extra_text[i], NULL };
        }
    }
    return n;
}

static void path_of(int f, char *out, size_t cap)
{
    snprintf(out, cap, "%s/%s", dir, names[f]);
}

static int write_file(int f, const bb_pdf_doc *d)
{
    size_t len = 0;
    bb_pdf_sig_slot s;
    if (bb_pdf_write(d, NULL, 0, &len, &s) != BB_E_BUFFER)
        return -1;
    uint8_t *p = malloc(len);
    int rc = p ? bb_pdf_write(d, p, len, &len, &s) : BB_E_NOMEM;
    char path[512];
    path_of(f, path, sizeof(path));
    FILE *fp = rc ? NULL : fopen(path, "wb");
    if (fp) {
        rc = fwrite(p, 1, len, fp) == len ? 0 : -1;
        rc |= fclose(fp);
    } else {
        rc = -1;
    }
    free(p);
    file_len[f] = len;
    if (f == SIGNED)
        slot = s;
    return rc;
}

static void remove_files(void)
{
    char path[512];
    for (int f = 0; f < N_FILES; f++) {
        path_of(f, path, sizeof(path));
        unlink(path);
    }
    rmdir(dir);
}

static int make_dir(void)
{
    const char *k = getenv("BB_PDF_KEEP"), *tmp = getenv("TMPDIR");
    if (k && *k) {
        keep = 1;
        snprintf(dir, sizeof(dir), "%s", k);
        mkdir(dir, 0700);
    } else {
        if (!tmp || !*tmp || strlen(tmp) > 300)
            tmp = "/tmp";
        snprintf(dir, sizeof(dir), "%s/bb-pdf-XXXXXX", tmp);
        if (!mkdtemp(dir))
            return -1;
        atexit(remove_files);
    }
    return strchr(dir, '\'') ? -1 : 0; /* paths go into shell commands in '' */
}

static int fixture(void)
{
    if (fixture_rc != -1)
        return fixture_rc;
    static bb_pdf_block b[64];
    bb_pdf_doc d = { 0 };
    d.title = TITLE;
    d.author = "J. de Boer";
    d.lang = "nl-NL";
    d.created = NOW;
    d.blocks = b;
    int rc = make_dir();
    d.n_blocks = statement(b, 0);
    if (!rc)
        rc = write_file(STATEMENT, &d);
    d.n_blocks = statement(b, 1);
    if (!rc)
        rc = write_file(LONG, &d);
    d.n_blocks = statement(b, 0);
    d.sig_capacity = 8192;
    d.sig_name = "J. de Boer";
    d.sig_reason = "Aangifte opgenomen";
    d.sig_location = "Groningen";
    if (!rc)
        rc = write_file(SIGNED, &d);
    if (rc)
        printf("  cannot write the sample PDFs into %s\n", dir);
    fixture_rc = rc;
    return rc;
}

/* Runs "tool args 'file'" (pdftotext: to standard output) and returns
 * what it printed (malloc'd, NUL terminated; stderr too unless quiet) and
 * its exit status. */
static char *run(const char *tool, const char *args, int f, int quiet, int *status)
{
    char path[512], cmd[1024];
    path_of(f, path, sizeof(path));
    snprintf(cmd, sizeof(cmd), "%s %s '%s'%s %s", tool, args, path,
             strcmp(tool, "pdftotext") == 0 ? " -" : "", quiet ? "2>/dev/null" : "2>&1");
    char *out = capture(cmd, status);
    if (out && *status == 127)
        printf("  %s is not installed (poppler-utils, qpdf)\n", tool);
    return out;
}

/* Whitespace runs made single spaces, so wrapped lines read as one text. */
static void squeeze(char *s)
{
    char *o = s;
    int space = 0;
    for (; *s; s++) {
        if (*s == ' ' || *s == '\n' || *s == '\f' || *s == '\r' || *s == '\t') {
            space = 1;
            continue;
        }
        if (space && o != s)
            *o++ = ' ';
        space = 0;
        *o++ = *s;
    }
    *o = 0;
}

/* Each of want[] found in text, in that order; prints the first that is not. */
static int in_order(const char *text, const char **want, size_t n)
{
    const char *at = text;
    for (size_t i = 0; i < n; i++) {
        const char *hit = strstr(at, want[i]);
        if (!hit) {
            printf("  not found (in order): \"%s\"\n", want[i]);
            return 0;
        }
        at = hit + strlen(want[i]);
    }
    return 1;
}

static int has_line(const char *text, const char *line)
{
    if (!strstr(text, line))
        printf("  missing: \"%s\"\n", line);
    return strstr(text, line) != NULL;
}

TEST(pdf_tools_pdfinfo_sees_tagged_a4_pages_with_title)
{
    CHECK_OK(fixture());
    static const char *pages[N_FILES] = { "Pages:           1\n", "Pages:           3\n",
                                          "Pages:           1\n" };
    for (int f = 0; f < N_FILES; f++) {
        int st;
        char *out = run("pdfinfo", "-enc UTF-8", f, 0, &st);
        CHECK(out != NULL);
        int ok = st == 0 && has_line(out, "Title:           " TITLE "\n") &&
                 has_line(out, "Author:          J. de Boer\n") &&
                 has_line(out, "Producer:        beeldbel\n") &&
                 has_line(out, "Tagged:          yes\n") && has_line(out, pages[f]) &&
                 has_line(out, "Page size:       595 x 842 pts (A4)\n") &&
                 has_line(out, "PDF version:     1.7\n") &&
                 has_line(out, "CreationDate:    Sat Sep 14 21:15:00 2024 UTC\n") &&
                 has_line(out, f == SIGNED ? "Form:            AcroForm\n" : "Form:            none\n") &&
                 !strstr(out, "Error") && !strstr(out, "Warning");
        if (!ok)
            printf("  %s:\n%s", names[f], out);
        free(out);
        CHECK(ok);
    }
}

TEST(pdf_tools_qpdf_check_finds_no_errors)
{
    CHECK_OK(fixture());
    for (int f = 0; f < N_FILES; f++) {
        int st;
        char *out = run("qpdf", "--check", f, 0, &st);
        CHECK(out != NULL);
        int ok = st == 0 && strstr(out, "No syntax or stream encoding errors found") &&
                 strstr(out, "PDF Version: 1.7") && !strstr(out, "WARNING");
        if (!ok)
            printf("  %s (exit %d):\n%s", names[f], st, out);
        free(out);
        CHECK(ok);
    }
}

TEST(pdf_tools_pdftotext_gives_the_dutch_text_in_reading_order)
{
    CHECK_OK(fixture());
    int st;
    char *out = run("pdftotext", "-enc UTF-8 -nopgbrk", STATEMENT, 0, &st);
    CHECK(out != NULL);
    squeeze(out);
    const char *want[] = {
        "Proces-verbaal van aangifte",
        "Referentie", "PL0100-2024123456",
        "Aangever", "Sanne de Vries-Müller, geboren 3 maart 1991",
        "Verbalisant", "J. de Boer, wijkagent Groningen-Noord",
        "Pleegdatum", "zaterdag 14 september 2024, 23.15 uur",
        "Pleegplaats", "Paterswoldseweg, Groningen",
        "Goederen/schade", "Telefoon € 899,00 Portemonnee met € 61,00 contant",
        "Wat is er gebeurd",
        "Op zaterdag 14 september 2024 omstreeks 23.15 uur fietste de aangever",
        "Ter hoogte van café „De Drie Uiltjes” werd hij door twee onbekende mannen aangesproken.",
        "Eén van de mannen trok de tas", "een telefoon (€ 899,00), een portemonnee met € 61,00",
        "Verklaring in eigen woorden",
        "Ik fietste na een reünie met oud-collega’s naar huis.",
        "De ene vroeg: “Heb je een sigaret voor me?” Toen ik „nee” zei, pakte de ander mijn tas.",
        "droeg een zwarte pet – zijn gezicht heb ik niet goed gezien.",
        "schadevergoeding van € 960,00",
        "ik blijf erbij.",
    };
    int ok = st == 0 && in_order(out, want, sizeof(want) / sizeof(want[0]));
    free(out);
    CHECK(ok);
}

TEST(pdf_tools_layout_puts_each_header_cell_beside_its_value)
{
    CHECK_OK(fixture());
    int st;
    char *out = run("pdftotext", "-enc UTF-8 -layout", STATEMENT, 0, &st);
    CHECK(out != NULL);
    static const char *rows[][2] = {
        { "Referentie", "PL0100-2024123456" },
        { "Aangever", "Sanne de Vries-Müller" },
        { "Verbalisant", "J. de Boer" },
        { "Pleegdatum", "zaterdag 14 september 2024" },
        { "Pleegplaats", "Paterswoldseweg" },
        { "Goederen/schade", "Telefoon € 899,00" },
    };
    int ok = st == 0;
    size_t value_col = 0;
    for (size_t i = 0; ok && i < sizeof(rows) / sizeof(rows[0]); i++) {
        const char *th = strstr(out, rows[i][0]);
        const char *eol = th ? strchr(th, '\n') : NULL;
        const char *td = th ? strstr(th, rows[i][1]) : NULL;
        const char *bol = th;
        while (bol && bol > out && bol[-1] != '\n')
            bol--;
        ok = th && eol && td && td < eol;
        if (ok && i == 0)
            value_col = (size_t)(td - bol);
        ok = ok && (size_t)(td - bol) == value_col; /* the values line up */
        if (!ok)
            printf("  row \"%s\" is not on one line with \"%s\" in the value column\n",
                   rows[i][0], rows[i][1]);
    }
    if (!ok)
        printf("%s", out);
    free(out);
    CHECK(ok);
}

TEST(pdf_tools_structure_tree_has_document_headings_table_paragraphs)
{
    CHECK_OK(fixture());
    int st;
    char *out = run("pdfinfo", "-struct-text", SIGNED, 0, &st);
    CHECK(out != NULL);
    const char *want[] = {
        "Document\n",
        "  H1 (block)\n", "    \"Proces-verbaal van aangifte\"\n",
        "  Table (block)\n",
        "    TR\n", "      TH:\n", "/Scope /Row\n", "        \"Referentie\"\n",
        "      TD\n", "        \"PL0100-2024123456\"\n",
        "    TR\n", "      TH:\n", "/Scope /Row\n", "        \"Goederen/schade\"\n", "      TD\n",
        "  H2 (block)\n", "    \"Wat is er gebeurd\"\n",
        "  P (block)\n", "    \"Op zaterdag 14 september",
        "  H2 (block)\n", "    \"Verklaring in eigen woorden\"\n",
        "  P (block)\n", "  P (block)\n", "  P (block)\n",
        "  Form", /* the signature field */
    };
    int ok = st == 0 && in_order(out, want, sizeof(want) / sizeof(want[0]));
    if (!ok)
        printf("%s", out);
    free(out);
    CHECK(ok);
}

TEST(pdf_tools_three_pages_read_in_order_with_text_on_each)
{
    CHECK_OK(fixture());
    int st;
    for (int p = 1; p <= 3; p++) {
        char args[64];
        snprintf(args, sizeof(args), "-enc UTF-8 -f %d -l %d", p, p);
        char *out = run("pdftotext", args, LONG, 0, &st);
        CHECK(out != NULL);
        squeeze(out);
        int ok = st == 0 && strlen(out) > 200;
        free(out);
        CHECK(ok);
    }
    char *out = run("pdftotext", "-enc UTF-8", LONG, 0, &st);
    CHECK(out != NULL);
    squeeze(out);
    char marks[N_EXTRA][32];
    const char *want[N_EXTRA + 2] = { "Verklaring in eigen woorden", "Aanvullende verklaring" };
    for (int i = 0; i < N_EXTRA; i++) {
        snprintf(marks[i], sizeof(marks[i]), "Aanvulling %d. Later bedacht", i + 1);
        want[i + 2] = marks[i];
    }
    int ok = st == 0 && in_order(out, want, N_EXTRA + 2) &&
             strstr(out, "als getuige worden gehoord. Aanvulling 2.");
    free(out);
    CHECK(ok);
}

typedef struct box {
    double x0, y0, x1, y1;
} box;

/* The words' boxes of one page of pdftotext -bbox output, from *at on. */
static size_t page_boxes(const char **at, box *b, size_t cap)
{
    const char *end = strstr(*at, "</page>");
    size_t n = 0;
    const char *w = *at;
    while ((w = strstr(w, "<word ")) && (!end || w < end) && n < cap) {
        if (sscanf(w, "<word xMin=\"%lf\" yMin=\"%lf\" xMax=\"%lf\" yMax=\"%lf\"", &b[n].x0,
                   &b[n].y0, &b[n].x1, &b[n].y1) == 4)
            n++;
        w += 6;
    }
    *at = end ? end + 7 : *at + strlen(*at);
    return n;
}

TEST(pdf_tools_text_stays_inside_the_margins_without_overlap)
{
    CHECK_OK(fixture());
    for (int f = STATEMENT; f <= LONG; f++) {
        int st;
        char *out = run("pdftotext", "-bbox", f, 1, &st);
        CHECK(out != NULL);
        static box b[4096];
        const char *at = out;
        int pages = 0, bad = 0;
        size_t words = 0;
        while (strstr(at, "<page ")) {
            size_t n = page_boxes(&at, b, sizeof(b) / sizeof(b[0]));
            pages++;
            words += n;
            for (size_t i = 0; i < n; i++) {
                /* 56 pt margins; a glyph's box may reach a little above its line. */
                if (b[i].x0 < 55.9 || b[i].x1 > 539.1 || b[i].y0 < 50 || b[i].y1 > 842 - 50)
                    bad++;
                for (size_t j = i + 1; j < n; j++)
                    if (b[i].x0 < b[j].x1 - 0.5 && b[j].x0 < b[i].x1 - 0.5 &&
                        b[i].y0 < b[j].y1 - 0.5 && b[j].y0 < b[i].y1 - 0.5)
                        bad++;
            }
        }
        free(out);
        CHECK_EQ_INT(pages, f == LONG ? 3 : 1);
        CHECK(words > 200);
        CHECK_EQ_INT(bad, 0);
    }
}

TEST(pdf_tools_pdfsig_sees_the_signature_field_and_its_byte_range)
{
    CHECK_OK(fixture());
    int st;
    char *out = run("pdfsig", "", SIGNED, 1, &st);
    CHECK(out != NULL);
    char ranges[128];
    size_t end = slot.contents_at + slot.contents_len;
    snprintf(ranges, sizeof(ranges), "  - Signed Ranges: [0 - %zu], [%zu - %zu]\n",
             slot.contents_at, end, file_len[SIGNED]);
    int ok = has_line(out, "Signature #1:\n") &&
             has_line(out, "  - Signature Field Name: Handtekening\n") &&
             has_line(out, "  - Signature Type: ETSI.CAdES.detached\n") &&
             has_line(out, "  - Signing Time: Sep 14 2024 21:15:00\n") && has_line(out, ranges);
    if (!ok)
        printf("%s", out);
    free(out);
    CHECK(ok);
}

TEST(pdf_tools_structure_text_keeps_words_apart_and_a_paragraph_whole_across_pages)
{
    CHECK_OK(fixture());
    int st;
    char *out = run("pdfinfo", "-struct-text", LONG, 0, &st);
    CHECK(out != NULL);
    /* A paragraph that goes on over a page break: one P, a text on each page. */
    int across = 0;
    for (const char *p = strstr(out, "\n  P (block)\n    \""); p;
         p = strstr(p + 1, "\n  P (block)\n    \"")) {
        const char *second = strchr(p + 14, '\n');
        across += second && strncmp(second, "\n    \"", 6) == 0;
    }
    int ok = st == 0 && across == 1 &&
             has_line(out, "        \"Telefoon € 899,00 Portemonnee met € 61,00 contant\"\n") &&
             has_line(out, "een oude zwarte herenfiets met een krat voorop.") &&
             has_line(out, "    \"Aanvulling 2. Later bedacht") && !strstr(out, "zwarteheren");
    if (!ok)
        printf("  %d paragraphs over a page break\n%s", across, out);
    free(out);
    CHECK(ok);
}
