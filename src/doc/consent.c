/*
 * The citizen's consent to a document (consent.h).
 */
#include <string.h>

#include "beeldbel/consent.h"
#include "beeldbel/error.h"
#include "der.h"
#include "mbedtls/asn1.h"
#include "mbedtls/ecdsa.h"
#include "mbedtls/platform_util.h"
#include "mbedtls/sha256.h"

static int load_group(mbedtls_ecp_group *g)
{
    mbedtls_ecp_group_init(g);
    return mbedtls_ecp_group_load(g, MBEDTLS_ECP_DP_SECP256R1) ? BB_E_CRYPTO : BB_OK;
}

int bb_consent_key_new(bb_consent_key *k, bb_rng_fn rng, void *rng_ctx)
{
    if (!k || !rng)
        return BB_E_ARG;
    mbedtls_ecp_keypair kp;
    mbedtls_ecp_keypair_init(&kp);
    size_t n = 0;
    int rc = mbedtls_ecp_gen_key(MBEDTLS_ECP_DP_SECP256R1, &kp, rng, rng_ctx) ||
                     mbedtls_mpi_write_binary(&kp.d, k->priv, 32) ||
                     mbedtls_ecp_point_write_binary(&kp.grp, &kp.Q, MBEDTLS_ECP_PF_UNCOMPRESSED, &n,
                                                    k->pub, sizeof(k->pub)) ||
                     n != BB_CONSENT_PUB_LEN
                 ? BB_E_CRYPTO
                 : BB_OK;
    mbedtls_ecp_keypair_free(&kp);
    return rc;
}

static void write_tbs(der_w *w, bb_consent_decision decision, const uint8_t document[32],
                      const uint8_t roster[32], const char *room, int64_t now_s,
                      const uint8_t pub[BB_CONSENT_PUB_LEN])
{
    uint8_t d = (uint8_t)decision;
    der_open(w, 0x30);
    der_small(w, 1);
    der_prim(w, 0x0a, &d, 1);
    der_prim(w, 0x04, document, 32);
    der_prim(w, 0x0c, room, strlen(room));
    der_prim(w, 0x04, roster, 32);
    der_time(w, now_s);
    der_prim(w, 0x04, pub, BB_CONSENT_PUB_LEN);
    der_close(w);
}

int bb_consent_make(const bb_consent_key *k, bb_consent_decision decision,
                    const uint8_t document[32], const uint8_t roster[32], const char *room,
                    int64_t now_s, uint8_t *out, size_t cap, size_t *len)
{
    if (!k || !document || !roster || !room || !out || !len || !room[0] ||
        strlen(room) > BB_CONSENT_ROOM_MAX || (decision != BB_CONSENT_SIGN && decision != BB_CONSENT_REFUSE))
        return BB_E_ARG;
    der_w tbs;
    der_init(&tbs);
    write_tbs(&tbs, decision, document, roster, room, now_s, k->pub);
    if (tbs.err) {
        int e = tbs.err;
        der_free(&tbs);
        return e;
    }
    uint8_t h[32], sig[MBEDTLS_ECDSA_MAX_LEN];
    size_t sig_len = 0;
    mbedtls_sha256_ret(tbs.p, tbs.len, h, 0);
    mbedtls_ecdsa_context ec;
    mbedtls_ecdsa_init(&ec);
    int rc = mbedtls_ecp_group_load(&ec.grp, MBEDTLS_ECP_DP_SECP256R1) ||
                     mbedtls_mpi_read_binary(&ec.d, k->priv, 32) ||
                     mbedtls_ecdsa_write_signature(&ec, MBEDTLS_MD_SHA256, h, 32, sig, &sig_len,
                                                   bb_rng_os, NULL)
                 ? BB_E_CRYPTO
                 : BB_OK;
    mbedtls_ecdsa_free(&ec);
    der_w w;
    der_init(&w);
    if (!rc) {
        der_open(&w, 0x30);
        der_raw(&w, tbs.p, tbs.len);
        der_prim(&w, 0x04, sig, sig_len);
        der_close(&w);
        rc = w.err;
    }
    if (!rc) {
        *len = w.len;
        if (w.len > cap)
            rc = BB_E_BUFFER;
        else
            memcpy(out, w.p, w.len);
    }
    der_free(&w);
    der_free(&tbs);
    return rc;
}

int bb_consent_read(const uint8_t *ev, size_t len, bb_consent_claim *c)
{
    if (!ev || !c)
        return BB_E_ARG;
    memset(c, 0, sizeof(*c));
    if (len > BB_CONSENT_MAX)
        return BB_E_PARSE;
    der_r top = { ev, ev + len };
    der_tlv s, tbs, sig, v, d, doc, room, roster, t, key;
    if (der_next_is(&top, 0x30, &s) || der_more(&top))
        return BB_E_PARSE;
    der_r r = der_in(&s);
    if (der_next_is(&r, 0x30, &tbs) || der_next_is(&r, 0x04, &sig) || der_more(&r))
        return BB_E_PARSE;
    der_r tr = der_in(&tbs);
    if (der_next_is(&tr, 0x02, &v) || v.len != 1 || v.v[0] != 1 ||
        der_next_is(&tr, 0x0a, &d) || d.len != 1 || d.v[0] > 1 ||
        der_next_is(&tr, 0x04, &doc) || doc.len != 32 ||
        der_next_is(&tr, 0x0c, &room) || !room.len || room.len > BB_CONSENT_ROOM_MAX ||
        memchr(room.v, 0, room.len) ||
        der_next_is(&tr, 0x04, &roster) || roster.len != 32 ||
        der_next_is(&tr, 0x18, &t) || der_read_time(&t, &c->time) ||
        der_next_is(&tr, 0x04, &key) || key.len != BB_CONSENT_PUB_LEN || der_more(&tr))
        return BB_E_PARSE;
    uint8_t h[32];
    mbedtls_sha256_ret(tbs.whole, tbs.whole_len, h, 0);
    mbedtls_ecp_group g;
    mbedtls_ecp_point q;
    mbedtls_mpi rr, ss;
    mbedtls_ecp_point_init(&q);
    mbedtls_mpi_init(&rr);
    mbedtls_mpi_init(&ss);
    int rc = load_group(&g);
    if (!rc && mbedtls_ecp_point_read_binary(&g, &q, key.v, key.len))
        rc = BB_E_PARSE;
    if (!rc && mbedtls_ecp_check_pubkey(&g, &q))
        rc = BB_E_PARSE;
    if (!rc) {
        /* ECDSA-Sig-Value ::= SEQUENCE { r INTEGER, s INTEGER } */
        unsigned char *p = (unsigned char *)sig.v, *end = p + sig.len;
        size_t sl;
        if (mbedtls_asn1_get_tag(&p, end, &sl, MBEDTLS_ASN1_CONSTRUCTED | MBEDTLS_ASN1_SEQUENCE) ||
            p + sl != end || mbedtls_asn1_get_mpi(&p, end, &rr) || mbedtls_asn1_get_mpi(&p, end, &ss) ||
            p != end)
            rc = BB_E_PARSE;
        else if (mbedtls_ecdsa_verify(&g, h, 32, &q, &rr, &ss))
            rc = BB_E_AUTH;
    }
    mbedtls_mpi_free(&rr);
    mbedtls_mpi_free(&ss);
    mbedtls_ecp_point_free(&q);
    mbedtls_ecp_group_free(&g);
    if (rc)
        return rc;
    c->decision = (bb_consent_decision)d.v[0];
    memcpy(c->document, doc.v, 32);
    memcpy(c->roster, roster.v, 32);
    memcpy(c->room, room.v, room.len);
    c->room[room.len] = 0;
    memcpy(c->pub, key.v, BB_CONSENT_PUB_LEN);
    return BB_OK;
}

int bb_consent_check(const uint8_t *ev, size_t len, const uint8_t bound_pub[BB_CONSENT_PUB_LEN],
                     const uint8_t document[32], const uint8_t roster[32], const char *room,
                     int64_t now_s, bb_consent_claim *c)
{
    if (!bound_pub || !document || !roster || !room || !c)
        return BB_E_ARG;
    int rc = bb_consent_read(ev, len, c);
    if (rc)
        return rc;
    if (memcmp(c->pub, bound_pub, BB_CONSENT_PUB_LEN) != 0)
        return BB_E_AUTH;
    int64_t skew = c->time - now_s;
    if (memcmp(c->document, document, 32) || memcmp(c->roster, roster, 32) || strcmp(c->room, room) ||
        skew > BB_CONSENT_MAX_SKEW_S || skew < -BB_CONSENT_MAX_SKEW_S)
        return BB_E_PROTO;
    return BB_OK;
}
