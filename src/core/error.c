/* Error strings. Kept in one table so English and Dutch cannot drift apart. */
#include "beeldbel/error.h"

struct err_text {
    const char *en;
    const char *nl;
};

/* Indexed by -code. */
static const struct err_text err_texts[] = {
    { "success", "gelukt" },
    { "invalid argument", "ongeldig argument" },
    { "out of memory", "onvoldoende geheugen" },
    { "output buffer too small", "uitvoerbuffer te klein" },
    { "codec error", "fout in de codec" },
    { "authentication failed", "authenticatie mislukt" },
    { "cryptographic error", "cryptografische fout" },
    { "malformed input", "ongeldige invoer" },
    { "protocol violation", "protocolfout" },
    { "input too large", "invoer te groot" },
    { "no data available yet", "nog geen gegevens beschikbaar" },
    { "not allowed in this state", "niet toegestaan in deze toestand" },
    { "not supported", "niet ondersteund" },
};

static const struct err_text *lookup(int err)
{
    if (err > 0 || err < BB_E_LAST)
        return 0;
    return &err_texts[-err];
}

const char *bb_strerror(int err)
{
    const struct err_text *t = lookup(err);
    return t ? t->en : "unknown error";
}

const char *bb_strerror_nl(int err)
{
    const struct err_text *t = lookup(err);
    return t ? t->nl : "onbekende fout";
}
