/*
 * Phone numbers and postcodes as citizens type them. Only what is needed to
 * call back: a number normalised to E.164, and the pilot neighbourhood for a
 * postcode.
 */
#include <string.h>

#include "beeldbel/contact.h"
#include "beeldbel/error.h"

int bb_phone_normalise(const char *in, char out[17])
{
    char d[40];
    size_t n = 0;
    int plus = 0, trunk_zero = 0;
    if (strlen(in) > 32)
        return BB_E_PARSE;
    for (const char *p = in; *p; p++) {
        char c = *p;
        if (c >= '0' && c <= '9') {
            d[n++] = c;
        } else if (c == '+') {
            if (plus || n > 0)
                return BB_E_PARSE;
            plus = 1;
        } else if (c == '(' && p[1] == '0' && p[2] == ')') {
            /* "+31 (0)6 ...": the national trunk zero, written but not dialled. */
            if (trunk_zero)
                return BB_E_PARSE;
            trunk_zero = 1;
            p += 2;
        } else if (!strchr(" -./()", c)) {
            return BB_E_PARSE;
        }
    }
    d[n] = 0;
    const char *intl;
    char national[16];
    if (plus) {
        intl = d;
    } else if (n >= 2 && d[0] == '0' && d[1] == '0') {
        intl = d + 2;
    } else if (n == 10 && d[0] == '0' && !trunk_zero) {
        /* Dutch national format: 0 + 9 digits. */
        memcpy(national, "31", 2);
        memcpy(national + 2, d + 1, 10); /* 9 digits + NUL */
        intl = national;
    } else {
        return BB_E_PARSE;
    }
    size_t len = strlen(intl);
    if (len < 8 || len > 15 || intl[0] == '0')
        return BB_E_PARSE;
    if (trunk_zero && strncmp(intl, "31", 2) != 0)
        return BB_E_PARSE;
    if (strncmp(intl, "31", 2) == 0) {
        /* Dutch numbers have 9 digits after the country code; 0900/0906/
         * 0909 are premium-rate: calling them back would cost money. */
        if (len != 11 || intl[2] == '0' || strncmp(intl + 2, "90", 2) == 0)
            return BB_E_PARSE;
    }
    out[0] = '+';
    memcpy(out + 1, intl, len + 1);
    return BB_OK;
}

/* Pilot table: postcode areas of Groningen-Noord and Groningen-Zuid. The
 * real mapping will come from the police's address data; until then this
 * is the only place that knows it. */
static const struct {
    int from, to;
    const char *id;
} AREAS[] = {
    {9711, 9718, "groningen-noord"}, /* centre and the old north */
    {9741, 9747, "groningen-noord"}, /* Paddepoel, Selwerd, Vinkhuizen, Zernike */
    {9721, 9729, "groningen-zuid"},  /* Helpman, De Wijert, Corpus den Hoorn */
    {9731, 9737, "groningen-zuid"},  /* Oosterpark, Lewenborg, Beijum */
};

int bb_neighbourhood_known(const char *id)
{
    return strcmp(id, "groningen-noord") == 0 || strcmp(id, "groningen-zuid") == 0;
}

int bb_postcode_neighbourhood(const char *pc, const char **neighbourhood)
{
    /* Four digits (first not 0), optional space, two letters (not SA, SD, SS). */
    char c[7];
    size_t n = 0;
    for (const char *p = pc; *p; p++) {
        if (*p == ' ' && n == 4 && p[1] != ' ')
            continue;
        if (n >= 6)
            return BB_E_PARSE;
        c[n++] = *p;
    }
    c[n] = 0;
    if (n != 6 || c[0] < '1' || c[0] > '9')
        return BB_E_PARSE;
    for (int i = 1; i < 4; i++)
        if (c[i] < '0' || c[i] > '9')
            return BB_E_PARSE;
    for (int i = 4; i < 6; i++) {
        if (c[i] >= 'a' && c[i] <= 'z')
            c[i] = (char)(c[i] - 'a' + 'A');
        if (c[i] < 'A' || c[i] > 'Z')
            return BB_E_PARSE;
    }
    if (!strcmp(c + 4, "SA") || !strcmp(c + 4, "SD") || !strcmp(c + 4, "SS"))
        return BB_E_PARSE;
    int num = (c[0] - '0') * 1000 + (c[1] - '0') * 100 + (c[2] - '0') * 10 + (c[3] - '0');
    for (size_t i = 0; i < sizeof(AREAS) / sizeof(AREAS[0]); i++) {
        if (num >= AREAS[i].from && num <= AREAS[i].to) {
            *neighbourhood = AREAS[i].id;
            return BB_OK;
        }
    }
    return BB_E_UNSUPPORTED;
}
