/*
 * The document functions for JavaScript: statements and their PDF, the
 * citizen's consent, the officer's signature and its timestamp, and
 * documents sent in the call. Thin: checks and copies only; the glue is
 * web/engine/documents.js.
 */
#include <emscripten.h>
#include <stdlib.h>
#include <string.h>

#include "beeldbel/call.h"
#include "beeldbel/cms.h"
#include "beeldbel/consent.h"
#include "beeldbel/e2ee.h"
#include "beeldbel/error.h"
#include "beeldbel/pdf.h"
#include "beeldbel/statement.h"

#define API EMSCRIPTEN_KEEPALIVE

/* ---- documents in the call ---- */

API int bbw_call_send_doc(bb_call *c, int kind, const uint8_t *data, size_t len, double now_us)
{
    return bb_call_send_doc(c, kind, data, len, (uint64_t)now_us);
}
API int bbw_call_event_doc_kind(const bb_call_event *ev) { return ev->doc_kind; }
API const uint8_t *bbw_call_event_doc(const bb_call_event *ev) { return ev->doc; }
API size_t bbw_call_event_doc_len(const bb_call_event *ev) { return ev->doc_len; }
API int bbw_call_max_doc(void) { return BB_CALL_MAX_DOC; }
API int bbw_call_unacked(const bb_call *c) { return bb_call_unacked(c); }

/* ---- files in the call ---- */

/* The new file's id (> 0), or a negative BB_E_*. */
API double bbw_call_send_file(bb_call *c, int type, const char *name, size_t name_len,
                              const uint8_t *data, size_t len, double now_us)
{
    uint32_t id = 0;
    int rc = bb_call_send_file(c, type, name, name_len, data, len, (uint64_t)now_us, &id);
    return rc ? rc : (double)id;
}
API int bbw_call_cancel_file(bb_call *c, double owner, double id, double now_us)
{
    return bb_call_cancel_file(c, (uint32_t)owner, (uint32_t)id, (uint64_t)now_us);
}
API double bbw_call_event_file_id(const bb_call_event *ev) { return ev->file_id; }
API int bbw_call_event_file_type(const bb_call_event *ev) { return ev->file_type; }
API double bbw_call_event_file_size(const bb_call_event *ev) { return (double)ev->file_size; }
API double bbw_call_event_file_done(const bb_call_event *ev) { return (double)ev->file_done; }
API int bbw_call_event_file_end(const bb_call_event *ev) { return (int)ev->file_end; }
API double bbw_call_event_file_by(const bb_call_event *ev) { return ev->file_by; }
API const uint8_t *bbw_call_event_file_sha256(const bb_call_event *ev) { return ev->file_sha256; }
API int bbw_call_max_file_name(void) { return BB_CALL_MAX_FILE_NAME; }

/* ---- who is in the call, and the citizen's consent key ---- */

API int bbw_e2ee_roster_digest(const bb_e2ee *e, uint8_t *out) { return bb_e2ee_roster_digest(e, out); }
API int bbw_e2ee_consent_key_mac(const bb_e2ee *e, const uint8_t *pub, size_t len, uint8_t *mac)
{
    return bb_e2ee_consent_key_mac(e, pub, len, mac);
}
API int bbw_e2ee_consent_key_check(const bb_e2ee *e, int from, const uint8_t *pub, size_t len,
                                   const uint8_t *mac)
{
    return from < 1 || from > 65535 ? BB_E_ARG
                                    : bb_e2ee_consent_key_check(e, (uint16_t)from, pub, len, mac);
}

/* key: 32 bytes private then 65 public (BB_CONSENT_PUB_LEN). */
API int bbw_consent_key_new(uint8_t *key)
{
    bb_consent_key k;
    int rc = bb_consent_key_new(&k, bb_rng_os, NULL);
    if (!rc) {
        memcpy(key, k.priv, 32);
        memcpy(key + 32, k.pub, BB_CONSENT_PUB_LEN);
    }
    memset(&k, 0, sizeof(k));
    return rc;
}
API int bbw_consent_make(const uint8_t *key, int decision, const uint8_t *document,
                         const uint8_t *roster, const char *room, double now_s, uint8_t *out,
                         size_t cap, size_t *len)
{
    bb_consent_key k;
    memcpy(k.priv, key, 32);
    memcpy(k.pub, key + 32, BB_CONSENT_PUB_LEN);
    int rc = bb_consent_make(&k, (bb_consent_decision)decision, document, roster, room,
                             (int64_t)now_s, out, cap, len);
    memset(&k, 0, sizeof(k));
    return rc;
}
/* Returns the decision (0 sign, 1 refuse) or a negative code. */
API int bbw_consent_check(const uint8_t *ev, size_t len, const uint8_t *pub,
                          const uint8_t *document, const uint8_t *roster, const char *room,
                          double now_s)
{
    bb_consent_claim c;
    int rc = bb_consent_check(ev, len, pub, document, roster, room, (int64_t)now_s, &c);
    return rc ? rc : (int)c.decision;
}
API int bbw_consent_max(void) { return BB_CONSENT_MAX; }

/* ---- statements and their PDF ---- */

/* res: [0] reject reason, [1] the field's name (char *) when it is one. */
API int bbw_statement_check(const uint8_t *json, size_t len, size_t *res)
{
    bb_statement s;
    bb_statement_reject why;
    const char *field;
    int rc = bb_statement_parse(json, len, &s, &why, &field);
    if (!rc)
        bb_statement_free(&s);
    res[0] = (size_t)why;
    res[1] = (size_t)(field ? field : "");
    return rc;
}
API const char *bbw_statement_reject_name(int r) { return bb_statement_reject_name((bb_statement_reject)r); }

/* res: [0] the PDF (malloc'd, the caller frees), [1] its length, [2] and
 * [3] the signature slot (contents_at, contents_len; 0 without one). */
API int bbw_statement_pdf(const uint8_t *json, size_t len, int with_signature, size_t *res)
{
    bb_statement s;
    int rc = bb_statement_parse(json, len, &s, NULL, NULL);
    if (rc)
        return rc;
    size_t need = 0;
    bb_pdf_sig_slot slot = { 0, 0 };
    rc = bb_statement_pdf(&s, with_signature, NULL, 0, &need, &slot);
    uint8_t *pdf = NULL;
    if (rc == BB_E_BUFFER) {
        pdf = malloc(need);
        rc = pdf ? bb_statement_pdf(&s, with_signature, pdf, need, &need, &slot) : BB_E_NOMEM;
    }
    bb_statement_free(&s);
    if (rc) {
        free(pdf);
        return rc;
    }
    res[0] = (size_t)pdf;
    res[1] = need;
    res[2] = slot.contents_at;
    res[3] = slot.contents_len;
    return BB_OK;
}
API int bbw_pdf_text_check(const char *text, size_t len, size_t *bad_at)
{
    return bb_pdf_text_check(text, len, bad_at);
}
/* slot: [0] contents_at, [1] contents_len. */
API int bbw_pdf_find_signature(const uint8_t *pdf, size_t len, size_t *slot)
{
    bb_pdf_sig_slot s;
    int rc = bb_pdf_find_signature(pdf, len, &s);
    if (!rc)
        slot[0] = s.contents_at, slot[1] = s.contents_len;
    return rc;
}
API int bbw_pdf_signed_digest(const uint8_t *pdf, size_t len, size_t at, size_t clen, uint8_t *out)
{
    bb_pdf_sig_slot s = { at, clen };
    return bb_pdf_signed_digest(pdf, len, &s, out);
}
API int bbw_pdf_put_signature(uint8_t *pdf, size_t len, size_t at, size_t clen, const uint8_t *der,
                              size_t der_len)
{
    bb_pdf_sig_slot s = { at, clen };
    return bb_pdf_put_signature(pdf, len, &s, der, der_len);
}

/* ---- the officer's signature and the police timestamp ---- */

API int bbw_pades_sign(const uint8_t *digest, const uint8_t *key, size_t key_len,
                       const uint8_t *cert, size_t cert_len, const uint8_t *consent,
                       size_t consent_len, const uint8_t *tst, size_t tst_len, uint8_t *out,
                       size_t cap, size_t *len, uint8_t *imprint)
{
    bb_pades_request rq = { digest, key, key_len, cert, cert_len, consent_len ? consent : NULL,
                            consent_len };
    return bb_pades_sign(&rq, tst_len ? tst : NULL, tst_len, out, cap, len, imprint);
}
/* found: [0] timestamp (Unix s), [1] consent offset in cms (-1: none), [2] its length. */
API int bbw_pades_verify(const uint8_t *cms, size_t len, const uint8_t *digest, bb_trust *trust,
                         const char *expected, double now_s, int require_ts,
                         bb_officer_result *signer, double *found)
{
    bb_pades_result r;
    int rc = bb_pades_verify(cms, len, digest, trust, (expected && expected[0]) ? expected : NULL,
                             (int64_t)now_s, require_ts, &r);
    *signer = r.signer;
    found[0] = (double)r.timestamp;
    found[1] = r.consent ? (double)(r.consent - cms) : -1;
    found[2] = (double)r.consent_len;
    return rc;
}
API int bbw_cms_max(void) { return BB_CMS_MAX; }
API int bbw_tsp_request(const uint8_t *imprint, const uint8_t *nonce, uint8_t *out, size_t cap,
                        size_t *len)
{
    return bb_tsp_request(imprint, nonce, out, cap, len);
}
/* found: [0] the token's offset in resp, [1] its length, [2] genTime. */
API int bbw_tsp_check(const uint8_t *resp, size_t len, const uint8_t *imprint,
                      const uint8_t *nonce, bb_trust *trust, double *found)
{
    const uint8_t *tok;
    size_t tok_len;
    int64_t t;
    int rc = bb_tsp_check_response(resp, len, imprint, nonce, trust, &tok, &tok_len, &t);
    if (!rc) {
        found[0] = (double)(tok - resp);
        found[1] = (double)tok_len;
        found[2] = (double)t;
    }
    return rc;
}
