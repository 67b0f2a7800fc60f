/* libFuzzer target: every parser of untrusted bytes in documents, chosen by
 * the first byte: 0 a time-stamp request (the service's side), 1 a
 * time-stamp answer, 2 an officer's PAdES signature, 3 a citizen's consent,
 * 4 a statement's JSON (and, when it reads, its PDF), 5 document parts
 * arriving in a call. The police CA is the tests' (seed 11, as
 * make_seeds.c), so the committed seeds pass the signatures and go deep. */
#include <stdlib.h>
#include <string.h>

#include "beeldbel/cms.h"
#include "beeldbel/consent.h"
#include "beeldbel/error.h"
#include "beeldbel/statement.h"
#include "../common/police_ca.h"
#include "../../src/call/docs.h"

static bb_trust *trust;

static void statement(const uint8_t *d, size_t n)
{
    bb_statement s;
    if (bb_statement_parse(d, n, &s, NULL, NULL) != BB_OK)
        return;
    size_t len = 0;
    bb_pdf_sig_slot slot;
    int with_sig = s.frozen_at != 0;
    if (bb_statement_pdf(&s, with_sig, NULL, 0, &len, &slot) == BB_E_BUFFER) {
        uint8_t *pdf = malloc(len);
        if (!pdf || bb_statement_pdf(&s, with_sig, pdf, len, &len, &slot) != BB_OK)
            abort(); /* what parses, lays out */
        bb_pdf_sig_slot found;
        if (with_sig && (bb_pdf_find_signature(pdf, len, &found) != BB_OK ||
                         found.contents_at != slot.contents_at))
            abort();
        free(pdf);
    }
    bb_statement_free(&s);
}

/* Parts: a 2-byte length, then that many bytes, from sender 1 + (len & 1). */
static void parts(const uint8_t *d, size_t n)
{
    docs *x = docs_new();
    if (!x)
        return;
    while (n >= 2) {
        size_t len = (size_t)(d[0] << 8 | d[1]) % (BB_MEDIA_MAX_CONTROL + 1);
        d += 2, n -= 2;
        if (len > n)
            len = n;
        uint8_t kind, *doc = NULL;
        size_t doc_len;
        if (docs_receive(x, 1 + (len & 1), d, len, &kind, &doc, &doc_len) == 1) {
            if (!doc || !doc_len || doc_len > BB_CALL_MAX_DOC || !kind || kind > BB_CALL_DOC_KIND_MAX)
                abort();
            free(doc);
        }
        d += len, n -= len;
    }
    docs_free(x);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    trust = pca_fuzz_trust();
    if (size < 1)
        return 0;
    const uint8_t *d = data + 1;
    size_t n = size - 1;
    static const uint8_t zero[32];
    switch (data[0] % 6) {
    case 0: {
        bb_tsa_request rq;
        int fail;
        int rc = bb_tsa_parse_request(d, n, &rq, &fail);
        if ((rc == BB_OK) != (fail == -1) || rq.nonce_len > sizeof(rq.nonce))
            abort();
        break;
    }
    case 1: {
        const uint8_t *tok;
        size_t tok_len;
        int64_t t;
        if (bb_tsp_check_response(d, n, zero, zero, trust, &tok, &tok_len, &t) == BB_OK &&
            (tok < d || tok + tok_len > d + n))
            abort();
        break;
    }
    case 2: {
        bb_pades_result r;
        if (bb_pades_verify(d, n, zero, trust, NULL, PCA_NOW, 0, &r) == BB_OK && r.consent &&
            (r.consent < d || r.consent + r.consent_len > d + n))
            abort();
        break;
    }
    case 3: {
        bb_consent_claim c;
        (void)bb_consent_read(d, n, &c);
        break;
    }
    case 4:
        statement(d, n);
        break;
    default:
        parts(d, n);
    }
    return 0;
}
