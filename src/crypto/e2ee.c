/*
 * End-to-end key agreement (see include/beeldbel/e2ee.h for the protocol):
 * authenticated X25519 HELLOs, per-sender SFrame keys wrapped pairwise,
 * a new epoch whenever membership changes, and a short authentication string.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mbedtls/ecdh.h>
#include <mbedtls/ecp.h>
#include <mbedtls/hkdf.h>
#include <mbedtls/md.h>
#include <mbedtls/platform_util.h>
#include <mbedtls/sha256.h>

#include "beeldbel/ca.h"
#include "beeldbel/crypto.h"
#include "beeldbel/e2ee.h"
#include "../core/bytes.h"
#include "beeldbel/error.h"
#include "beeldbel/identity.h"

static const uint8_t MAGIC[4] = {'B', 'B', 'H', 2}; /* "beeldbel handshake", v2 */
#define HDR_LEN 7      /* magic, type, from */
#define HELLO_FIXED (HDR_LEN + 1 + 32 + 16 + 1)
#define KEYS_FIXED (HDR_LEN + 4 + BB_HS_COMMIT_LEN + 1)
#define REVEAL_LEN (HDR_LEN + 4 + BB_HS_REVEAL_LEN)
#define KEY_LEN 32
#define OUTBOX 32
#define KEYS_MAX (KEYS_FIXED + (BB_E2EE_MAX_PARTICIPANTS - 1) * (2 + BB_HS_WRAPPED_LEN))
#define PENDING 4

/* ---- parsing: the one place handshake bytes are read ---- */


static int parse_hello(const uint8_t *d, size_t len, bb_hs_msg *m)
{
    if (len < HELLO_FIXED)
        return BB_E_PARSE;
    size_t p = HDR_LEN;
    m->role = d[p++];
    m->x25519 = d + p;
    p += 32;
    m->nonce = d + p;
    p += 16;
    m->auth = d[p++];
    if (m->role < BB_ROLE_CITIZEN || m->role > BB_ROLE_COLLEAGUE)
        return BB_E_PROTO;
    if (m->auth == BB_HS_AUTH_INVITE) {
        m->signed_len = p;
        if (len - p != 32)
            return BB_E_PARSE;
        m->authenticator = d + p;
        m->auth_len = 32;
        return BB_OK;
    }
    if (m->auth != BB_HS_AUTH_CERT)
        return BB_E_PROTO;
    if (len - p < 2)
        return BB_E_PARSE;
    m->cert_len = rd16(d + p);
    p += 2;
    if (m->cert_len == 0 || len - p < m->cert_len + 1)
        return BB_E_PARSE;
    m->cert = d + p;
    p += m->cert_len;
    m->signed_len = p;
    m->auth_len = d[p++];
    if (m->auth_len == 0 || len - p != m->auth_len)
        return BB_E_PARSE;
    m->authenticator = d + p;
    return BB_OK;
}

static int parse_keys(const uint8_t *d, size_t len, bb_hs_msg *m)
{
    if (len < KEYS_FIXED)
        return BB_E_PARSE;
    m->epoch = rd32(d + HDR_LEN);
    m->commit = d + HDR_LEN + 4;
    m->n_keys = d[KEYS_FIXED - 1];
    if (m->n_keys == 0 || m->n_keys > BB_E2EE_MAX_PARTICIPANTS - 1)
        return BB_E_PROTO;
    if (len - KEYS_FIXED != (size_t)m->n_keys * (2 + BB_HS_WRAPPED_LEN))
        return BB_E_PARSE;
    const uint8_t *p = d + KEYS_FIXED;
    for (int i = 0; i < m->n_keys; i++, p += 2 + BB_HS_WRAPPED_LEN) {
        m->keys[i].to = rd16(p);
        m->keys[i].wrapped = p + 2;
        for (int j = 0; j < i; j++)
            if (m->keys[j].to == m->keys[i].to)
                return BB_E_PROTO; /* two keys for one recipient: ambiguous */
    }
    return BB_OK;
}

static int parse_reveal(const uint8_t *d, size_t len, bb_hs_msg *m)
{
    if (len != REVEAL_LEN)
        return BB_E_PARSE;
    m->epoch = rd32(d + HDR_LEN);
    m->reveal = d + HDR_LEN + 4;
    return BB_OK;
}

int bb_hs_parse(const uint8_t *data, size_t len, bb_hs_msg *m)
{
    if ((!data && len) || !m)
        return BB_E_ARG;
    memset(m, 0, sizeof(*m));
    if (len > BB_E2EE_MAX_MSG)
        return BB_E_TOO_LARGE;
    if (len < HDR_LEN || memcmp(data, MAGIC, 4) != 0)
        return BB_E_PARSE;
    m->type = (bb_hs_type)data[4];
    m->from = rd16(data + 5);
    if (m->from == 0)
        return BB_E_PROTO;
    if (m->type == BB_HS_HELLO)
        return parse_hello(data, len, m);
    if (m->type == BB_HS_KEYS)
        return parse_keys(data, len, m);
    if (m->type == BB_HS_REVEAL)
        return parse_reveal(data, len, m);
    return BB_E_PROTO;
}

/* ---- state ---- */

struct peer {
    int used;
    uint16_t id;
    bb_role role;
    uint8_t hello_hash[32];
    uint8_t k_in[KEY_LEN], k_out[KEY_LEN]; /* wrap keys peer->us, us->peer */
    int has_key;
    uint32_t epoch;
    uint8_t commit[32];        /* its code commitment for epoch (from its KEYS) */
    uint16_t keys_to[BB_E2EE_MAX_PARTICIPANTS - 1]; /* whom that KEYS was for */
    int n_keys_to;
    /* The commitment pinned when we revealed ours (the code uses its value), and that value. */
    uint32_t pin_epoch;
    uint8_t pin_commit[32];
    int pinned, pin_revealed;
    uint8_t pin_value[BB_HS_REVEAL_LEN];
    /* A REVEAL that came before the KEYS it opens. */
    int has_early;
    uint32_t early_epoch;
    uint8_t early_value[BB_HS_REVEAL_LEN];
    bb_officer_result officer;
};

struct outmsg {
    size_t len;
    uint8_t data[BB_E2EE_MAX_MSG];
};

struct bb_e2ee {
    char room[BB_E2EE_ROOM_MAX + 1];
    uint16_t self;
    bb_role role;
    bb_rng_fn rng;
    void *rng_ctx;
    bb_trust *trust;
    char expected_officer[BB_OFFICER_ID_MAX + 1];
    int has_expected;
    uint8_t invite_key[32];
    int has_invite;
    uint8_t *own_key; /* signing key (officer/colleague), owned copy */
    size_t own_key_len;

    mbedtls_ecp_group grp;
    mbedtls_mpi d;
    uint8_t hello[BB_E2EE_MAX_MSG];
    size_t hello_len;
    uint8_t hello_hash[32];

    struct peer peers[BB_E2EE_MAX_PARTICIPANTS - 1];
    uint8_t gone[16][32]; /* HELLO hashes of participants who left */
    int n_gone;

    bb_sframe_ctx *sframe;
    uint32_t epoch;
    uint8_t send_key[KEY_LEN];
    int need_rekey, need_hello;
    /* The code's contribution for our epoch: a fresh value, committed to in
     * our KEYS, revealed only once every peer's commitment is pinned. */
    uint8_t sas_value[BB_HS_REVEAL_LEN], sas_commit[32];
    int revealed;

    struct outmsg *out;
    int out_head, out_n;

    /* KEYS that came before their sender's HELLO (a retransmitted HELLO can
     * arrive late): kept, unread, until the HELLO is accepted. */
    struct { uint16_t from; size_t len; uint8_t data[KEYS_MAX]; } pending[PENDING];
    int n_pending_next;

    bb_officer_result officer_failure;
    int has_officer_failure;

    /* The verification ration (see e2ee.h): credit in µs of refill time. */
    struct ration { int used; uint16_t id; uint64_t last_us, credit_us; } senders[8], all;
    /* HELLOs that failed their check: hash and how they were refused. */
    struct { uint8_t hash[32]; bb_hs_reject why; int rc; } failed[BB_E2EE_FAILED_KEPT];
    int n_failed, failed_next;
    uint8_t scratch[BB_E2EE_MAX_MSG + 200]; /* what an authenticator covers */
    bb_e2ee_stats stats;
};

static int reject(bb_e2ee *e, bb_hs_reject why, int rc)
{
    e->stats.rejected[why]++;
    return rc;
}

static uint64_t kid_of(uint16_t id, uint32_t epoch)
{
    return (uint64_t)id << 8 | (epoch & 0xff);
}

static int queue(bb_e2ee *e, const uint8_t *msg, size_t len)
{
    if (e->out_n == OUTBOX || len > BB_E2EE_MAX_MSG)
        return BB_E_STATE;
    struct outmsg *o = &e->out[(e->out_head + e->out_n) % OUTBOX];
    memcpy(o->data, msg, len);
    o->len = len;
    e->out_n++;
    return BB_OK;
}

/* What an authenticator covers: a label, the room, then the message bytes. */
static size_t auth_input(const bb_e2ee *e, const uint8_t *msg, size_t signed_len,
                         uint8_t *buf)
{
    static const char label[] = "beeldbel hello v1";
    size_t rl = strlen(e->room), n = 0;
    memcpy(buf, label, sizeof(label) - 1);
    n += sizeof(label) - 1;
    buf[n++] = (uint8_t)rl;
    memcpy(buf + n, e->room, rl);
    n += rl;
    memcpy(buf + n, msg, signed_len);
    return n + signed_len;
}

static int hmac32(const uint8_t *key, const uint8_t *msg, size_t len, uint8_t out[32])
{
    return mbedtls_md_hmac(mbedtls_md_info_from_type(MBEDTLS_MD_SHA256), key, 32, msg,
                           len, out) ? BB_E_CRYPTO : BB_OK;
}

static int ct_equal(const uint8_t *a, const uint8_t *b, size_t n)
{
    uint8_t d = 0;
    for (size_t i = 0; i < n; i++)
        d |= (uint8_t)(a[i] ^ b[i]);
    return d == 0;
}

/* Certificate (PEM or DER) -> DER, for the wire. */
static int cert_der(const uint8_t *in, size_t len, uint8_t *der, size_t cap, size_t *out)
{
    if (len > 10 && memcmp(in, "-----BEGIN", 10) == 0) {
        char *z = malloc(len + 1);
        if (!z)
            return BB_E_NOMEM;
        memcpy(z, in, len);
        z[len] = 0;
        int rc = bb_ca_pem_to_der(z, der, cap, out);
        free(z);
        return rc;
    }
    if (len > cap)
        return BB_E_TOO_LARGE;
    memcpy(der, in, len);
    *out = len;
    return BB_OK;
}

static int build_hello(bb_e2ee *e, const bb_e2ee_config *cfg)
{
    uint8_t *h = e->hello;
    size_t olen, p = 0;
    mbedtls_ecp_point q;
    mbedtls_ecp_point_init(&q);
    int r = mbedtls_ecdh_gen_public(&e->grp, &e->d, &q, e->rng, e->rng_ctx);
    memcpy(h, MAGIC, 4);
    h[4] = BB_HS_HELLO;
    wr16(h + 5, e->self);
    h[7] = (uint8_t)e->role;
    if (!r)
        r = mbedtls_ecp_point_write_binary(&e->grp, &q, MBEDTLS_ECP_PF_UNCOMPRESSED,
                                           &olen, h + 8, 32);
    mbedtls_ecp_point_free(&q);
    if (r || olen != 32)
        return BB_E_CRYPTO;
    p = 8 + 32;
    if (e->rng(e->rng_ctx, h + p, 16))
        return BB_E_CRYPTO;
    p += 16;
    uint8_t *buf = e->scratch;
    if (e->has_invite && !cfg->cert) {
        h[p++] = BB_HS_AUTH_INVITE;
        size_t n = auth_input(e, h, p, buf);
        if (hmac32(e->invite_key, buf, n, h + p))
            return BB_E_CRYPTO;
        p += 32;
    } else {
        h[p++] = BB_HS_AUTH_CERT;
        size_t dl;
        /* leave room for the length, the signature length and a signature */
        int rc = cert_der(cfg->cert, cfg->cert_len, h + p + 2, BB_E2EE_MAX_MSG - p - 2 - 80, &dl);
        if (rc)
            return rc;
        wr16(h + p, (uint16_t)dl);
        p += 2 + dl;
        size_t n = auth_input(e, h, p, buf), sl;
        rc = bb_identity_sign(e->own_key, e->own_key_len, buf, n, h + p + 1, 79, &sl,
                              e->rng, e->rng_ctx);
        if (rc)
            return rc;
        /* A key that is not the certificate's (another officer's, say)
         * would only show up as a bad signature at the other side: refuse
         * it here, where the officer can be told. */
        if (bb_identity_verify_signature(h + p - dl, dl, buf, n, h + p + 1, sl))
            return BB_E_AUTH;
        h[p] = (uint8_t)sl;
        p += 1 + sl;
    }
    e->hello_len = p;
    mbedtls_sha256_ret(h, p, e->hello_hash, 0);
    return BB_OK;
}

static int check_config(const bb_e2ee_config *c)
{
    if (!c || !c->room || !c->room[0] || strlen(c->room) > BB_E2EE_ROOM_MAX ||
        c->self_id == 0 || !c->rng || c->role < BB_ROLE_CITIZEN || c->role > BB_ROLE_COLLEAGUE)
        return BB_E_ARG;
    if (c->invite_secret && c->invite_len < 16)
        return BB_E_ARG; /* a guessable invitation would let anyone in */
    int staff = c->role == BB_ROLE_OFFICER || c->role == BB_ROLE_COLLEAGUE;
    if (staff && (!c->cert || !c->cert_len || !c->key || !c->key_len))
        return BB_E_ARG;
    if (!staff && !c->invite_secret)
        return BB_E_ARG;
    if (c->expected_officer && c->expected_officer[0] && !bb_officer_id_valid(c->expected_officer))
        return BB_E_ARG;
    return BB_OK;
}

/* The commitment to a code value: SHA-256 over a label, the sender and its epoch. */
static void commit_to(const uint8_t value[BB_HS_REVEAL_LEN], uint16_t from, uint32_t epoch,
                      uint8_t out[32])
{
    uint8_t buf[22 + 6 + BB_HS_REVEAL_LEN];
    memcpy(buf, "beeldbel sas commit v2", 22);
    wr16(buf + 22, from);
    wr32(buf + 24, epoch);
    memcpy(buf + 28, value, BB_HS_REVEAL_LEN);
    mbedtls_sha256_ret(buf, sizeof(buf), out, 0);
}

/* A fresh sender key and code value for a new epoch, installed as ours;
 * peers get the key and the value's commitment in the next KEYS message. */
/* A new epoch with a fresh sender key; with a fresh code value too unless
 * renewing (the same people: the code stays, committed to anew). */
static int new_sender_key(bb_e2ee *e, int renewing)
{
    uint64_t old = kid_of(e->self, e->epoch);
    if (e->rng(e->rng_ctx, e->send_key, KEY_LEN) ||
        (!renewing && e->rng(e->rng_ctx, e->sas_value, BB_HS_REVEAL_LEN)))
        return BB_E_CRYPTO;
    e->epoch++;
    commit_to(e->sas_value, e->self, e->epoch, e->sas_commit);
    if (!renewing)
        e->revealed = 0;
    int rc = bb_sframe_ctx_add_key(e->sframe, kid_of(e->self, e->epoch), e->send_key, KEY_LEN);
    if (!rc)
        rc = bb_sframe_ctx_set_sender(e->sframe, kid_of(e->self, e->epoch));
    if (!rc && (old & 0xff) != (kid_of(e->self, e->epoch) & 0xff))
        bb_sframe_ctx_remove_key(e->sframe, old);
    return rc;
}

int bb_e2ee_new(bb_e2ee **out, const bb_e2ee_config *cfg)
{
    if (!out)
        return BB_E_ARG;
    *out = NULL;
    int rc = check_config(cfg);
    if (rc)
        return rc;
    bb_e2ee *e = calloc(1, sizeof(*e));
    if (!e)
        return BB_E_NOMEM;
    mbedtls_ecp_group_init(&e->grp);
    mbedtls_mpi_init(&e->d);
    e->out = calloc(OUTBOX, sizeof(*e->out));
    strcpy(e->room, cfg->room);
    e->self = cfg->self_id;
    e->role = cfg->role;
    e->rng = cfg->rng;
    e->rng_ctx = cfg->rng_ctx;
    e->trust = cfg->trust;
    if (cfg->expected_officer && cfg->expected_officer[0]) {
        strcpy(e->expected_officer, cfg->expected_officer);
        e->has_expected = 1;
    }
    if (cfg->invite_secret) {
        static const char salt[] = "beeldbel invite v1";
        if (mbedtls_hkdf(mbedtls_md_info_from_type(MBEDTLS_MD_SHA256), (const uint8_t *)salt,
                         sizeof(salt) - 1, cfg->invite_secret, cfg->invite_len,
                         (const uint8_t *)e->room, strlen(e->room), e->invite_key, 32))
            rc = BB_E_CRYPTO;
        e->has_invite = 1;
    }
    if (!rc && cfg->key) {
        if (!(e->own_key = malloc(cfg->key_len)))
            rc = BB_E_NOMEM;
        else {
            memcpy(e->own_key, cfg->key, cfg->key_len);
            e->own_key_len = cfg->key_len;
        }
    }
    if (!rc && !e->out)
        rc = BB_E_NOMEM;
    if (!rc && mbedtls_ecp_group_load(&e->grp, MBEDTLS_ECP_DP_CURVE25519))
        rc = BB_E_CRYPTO;
    if (!rc)
        rc = bb_sframe_ctx_new(&e->sframe, cfg->suite ? cfg->suite : BB_SFRAME_AES_128_GCM_SHA256_128);
    if (!rc)
        rc = build_hello(e, cfg);
    if (!rc)
        rc = new_sender_key(e, 0); /* epoch 1: usable at once, shared with whoever joins */
    if (!rc)
        rc = queue(e, e->hello, e->hello_len);
    if (rc) {
        bb_e2ee_free(e);
        return rc;
    }
    *out = e;
    return BB_OK;
}

void bb_e2ee_free(bb_e2ee *e)
{
    if (!e)
        return;
    mbedtls_ecp_group_free(&e->grp);
    mbedtls_mpi_free(&e->d);
    bb_sframe_ctx_free(e->sframe);
    if (e->own_key) {
        mbedtls_platform_zeroize(e->own_key, e->own_key_len);
        free(e->own_key);
    }
    free(e->out);
    mbedtls_platform_zeroize(e, sizeof(*e));
    free(e);
}

static struct peer *find_peer(bb_e2ee *e, uint16_t id)
{
    for (int i = 0; i < BB_E2EE_MAX_PARTICIPANTS - 1; i++)
        if (e->peers[i].used && e->peers[i].id == id)
            return &e->peers[i];
    return NULL;
}

/* Directional wrap key from the X25519 secret and both HELLO hashes. */
static int wrap_key(const bb_e2ee *e, const uint8_t shared[32], const uint8_t from_hash[32],
                    const uint8_t to_hash[32], uint8_t out[KEY_LEN])
{
    static const char salt[] = "beeldbel pair v1";
    uint8_t info[BB_E2EE_ROOM_MAX + 64];
    size_t rl = strlen(e->room);
    memcpy(info, e->room, rl);
    memcpy(info + rl, from_hash, 32);
    memcpy(info + rl + 32, to_hash, 32);
    return mbedtls_hkdf(mbedtls_md_info_from_type(MBEDTLS_MD_SHA256), (const uint8_t *)salt,
                        sizeof(salt) - 1, shared, 32, info, rl + 64, out, KEY_LEN)
               ? BB_E_CRYPTO : BB_OK;
}

static int x25519(bb_e2ee *e, const uint8_t pub[32], uint8_t shared[32])
{
    mbedtls_ecp_point q;
    mbedtls_mpi z;
    mbedtls_ecp_point_init(&q);
    mbedtls_mpi_init(&z);
    int rc = BB_E_AUTH;
    if (!mbedtls_ecp_point_read_binary(&e->grp, &q, pub, 32) &&
        !mbedtls_ecdh_compute_shared(&e->grp, &z, &q, &e->d, e->rng, e->rng_ctx) &&
        !mbedtls_mpi_write_binary_le(&z, shared, 32)) {
        uint8_t acc = 0;
        for (int i = 0; i < 32; i++)
            acc |= shared[i];
        rc = acc ? BB_OK : BB_E_AUTH; /* all-zero: a low-order point (RFC 7748 6.1) */
    }
    mbedtls_ecp_point_free(&q);
    mbedtls_mpi_free(&z);
    return rc;
}

/* Checks the HELLO's authenticator; fills officer for certificate holders.
 * On failure returns the error and sets *why (not counted here). */
static int authenticate_hello(bb_e2ee *e, const uint8_t *msg, const bb_hs_msg *m,
                              uint64_t now_us, bb_officer_result *officer, bb_hs_reject *why)
{
    uint8_t *buf = e->scratch;
    int staff = m->role == BB_ROLE_OFFICER || m->role == BB_ROLE_COLLEAGUE;
    if (staff != (m->auth == BB_HS_AUTH_CERT)) {
        *why = BB_HS_REJECT_ROLE;
        return BB_E_PROTO;
    }
    size_t n = auth_input(e, msg, m->signed_len, buf);
    if (!staff) {
        uint8_t mac[32];
        if (!e->has_invite || hmac32(e->invite_key, buf, n, mac) ||
            !ct_equal(mac, m->authenticator, 32)) {
            *why = BB_HS_REJECT_INVITE;
            return BB_E_AUTH;
        }
        return BB_OK;
    }
    memset(officer, 0, sizeof(*officer));
    officer->status = BB_OFFICER_UNKNOWN_CA;
    int officer_role = m->role == BB_ROLE_OFFICER;
    int rc = e->trust ? bb_trust_verify_officer(e->trust, m->cert, m->cert_len,
                                                officer_role && e->has_expected
                                                    ? e->expected_officer : NULL,
                                                (int64_t)(now_us / 1000000), officer)
                      : BB_E_AUTH;
    /* "The officer" is only ever the one the invitation named: without a
     * number to expect, no certificate holder is admitted in that role. */
    if (rc == BB_OK && officer_role && !e->has_expected) {
        officer->status = BB_OFFICER_WRONG_OFFICER;
        rc = BB_E_AUTH;
    }
    if (rc) {
        *why = BB_HS_REJECT_CERTIFICATE;
    } else if (bb_identity_verify_signature(m->cert, m->cert_len, buf, n, m->authenticator,
                                            m->auth_len)) {
        officer->status = BB_OFFICER_BAD_SIGNATURE;
        *why = BB_HS_REJECT_SIGNATURE;
    } else {
        return BB_OK;
    }
    e->officer_failure = *officer;
    e->has_officer_failure = 1;
    return BB_E_AUTH;
}

/* Adds the time since the last use to r's credit (at most burst refills). */
static void ration_refill(struct ration *r, uint64_t burst, uint64_t refill_us, uint64_t now_us)
{
    if (now_us > r->last_us) /* a clock that steps back adds nothing */
        r->credit_us += now_us - r->last_us;
    if (r->credit_us > burst * refill_us)
        r->credit_us = burst * refill_us;
    r->last_us = now_us;
}

/* The sender's ration; a newcomer takes the least recently used slot, full. */
static struct ration *sender_ration(bb_e2ee *e, uint16_t id, uint64_t now_us)
{
    struct ration *lru = &e->senders[0];
    for (size_t i = 0; i < sizeof(e->senders) / sizeof(e->senders[0]); i++) {
        struct ration *r = &e->senders[i];
        if (r->used && r->id == id)
            return r;
        if (!r->used || (lru->used && r->last_us < lru->last_us))
            lru = r;
    }
    lru->used = 1;
    lru->id = id;
    lru->last_us = now_us;
    lru->credit_us = BB_E2EE_VERIFY_BURST * BB_E2EE_VERIFY_REFILL_US;
    return lru;
}

/* 1 when one more verification for sender id fits the rations (and takes it). */
static int ration_take(bb_e2ee *e, uint16_t id, uint64_t now_us)
{
    struct ration *s = sender_ration(e, id, now_us);
    ration_refill(s, BB_E2EE_VERIFY_BURST, BB_E2EE_VERIFY_REFILL_US, now_us);
    ration_refill(&e->all, BB_E2EE_VERIFY_ALL_BURST, BB_E2EE_VERIFY_ALL_REFILL_US, now_us);
    if (s->credit_us < BB_E2EE_VERIFY_REFILL_US || e->all.credit_us < BB_E2EE_VERIFY_ALL_REFILL_US)
        return 0;
    s->credit_us -= BB_E2EE_VERIFY_REFILL_US;
    e->all.credit_us -= BB_E2EE_VERIFY_ALL_REFILL_US;
    return 1;
}

/* One citizen and one officer per call: is the role already held? */
static int role_taken(const bb_e2ee *e, bb_role role)
{
    if (role != BB_ROLE_CITIZEN && role != BB_ROLE_OFFICER)
        return 0;
    if (e->role == role)
        return 1;
    for (int i = 0; i < BB_E2EE_MAX_PARTICIPANTS - 1; i++)
        if (e->peers[i].used && e->peers[i].role == role)
            return 1;
    return 0;
}

static int is_gone(const bb_e2ee *e, const uint8_t hash[32])
{
    for (int i = 0; i < e->n_gone; i++)
        if (memcmp(e->gone[i], hash, 32) == 0)
            return 1;
    return 0;
}

static int on_hello(bb_e2ee *e, const uint8_t *msg, size_t len, const bb_hs_msg *m,
                    uint64_t now_us)
{
    uint8_t hash[32];
    mbedtls_sha256_ret(msg, len, hash, 0);
    if (m->from == e->self)
        return memcmp(hash, e->hello_hash, 32) == 0 ? BB_OK /* our own, reflected */
                                                    : reject(e, BB_HS_REJECT_CONFLICT, BB_E_PROTO);
    struct peer *known = find_peer(e, m->from);
    if (known && memcmp(known->hello_hash, hash, 32) == 0) {
        e->stats.duplicates++;
        return BB_OK;
    }
    if (known)
        return reject(e, BB_HS_REJECT_CONFLICT, BB_E_PROTO);
    if (is_gone(e, hash))
        return reject(e, BB_HS_REJECT_REPLAY, BB_E_PROTO);
    if (role_taken(e, (bb_role)m->role))
        return reject(e, BB_HS_REJECT_ROLE_TAKEN, BB_E_PROTO);
    for (int i = 0; i < e->n_failed; i++)
        if (memcmp(e->failed[i].hash, hash, 32) == 0) {
            e->stats.remembered++;
            return reject(e, e->failed[i].why, e->failed[i].rc);
        }
    if (!ration_take(e, m->from, now_us))
        return reject(e, BB_HS_REJECT_RATE, BB_E_STATE);
    bb_officer_result officer;
    memset(&officer, 0, sizeof(officer));
    bb_hs_reject why = BB_HS_REJECT_FORMAT;
    e->stats.verified++;
    int rc = authenticate_hello(e, msg, m, now_us, &officer, &why);
    if (rc) {
        int k = e->failed_next;
        e->failed_next = (k + 1) % BB_E2EE_FAILED_KEPT;
        if (e->n_failed < BB_E2EE_FAILED_KEPT)
            e->n_failed++;
        memcpy(e->failed[k].hash, hash, 32);
        e->failed[k].why = why;
        e->failed[k].rc = rc;
        return reject(e, why, rc);
    }
    struct peer *p = NULL;
    for (int i = 0; i < BB_E2EE_MAX_PARTICIPANTS - 1 && !p; i++)
        if (!e->peers[i].used)
            p = &e->peers[i];
    if (!p)
        return reject(e, BB_HS_REJECT_FULL, BB_E_PROTO);
    uint8_t shared[32];
    if (x25519(e, m->x25519, shared))
        return reject(e, BB_HS_REJECT_BAD_KEY, BB_E_AUTH);
    memset(p, 0, sizeof(*p));
    rc = wrap_key(e, shared, hash, e->hello_hash, p->k_in);
    if (!rc)
        rc = wrap_key(e, shared, e->hello_hash, hash, p->k_out);
    mbedtls_platform_zeroize(shared, sizeof(shared));
    if (rc)
        return rc;
    p->used = 1;
    p->id = m->from;
    p->role = (bb_role)m->role;
    memcpy(p->hello_hash, hash, 32);
    p->officer = officer;
    e->stats.hellos_accepted++;
    /* The newcomer needs our HELLO, and must not get the key it could use
     * to read what was said before it came. */
    e->need_hello = 1;
    e->need_rekey = 1;
    return BB_OK;
}

#define WRAP_AAD_LEN (HDR_LEN + 6 + BB_HS_COMMIT_LEN)
/* Binds a wrapped key to its sender, epoch, recipient and the code
 * commitment beside it: the commitment is as authentic as the key. */
static void wrap_aad(uint8_t aad[WRAP_AAD_LEN], uint16_t from, uint32_t epoch, uint16_t to,
                     const uint8_t commit[BB_HS_COMMIT_LEN])
{
    memcpy(aad, MAGIC, 4);
    aad[4] = BB_HS_KEYS;
    wr16(aad + 5, from);
    wr32(aad + 7, epoch);
    wr16(aad + 11, to);
    memcpy(aad + 13, commit, BB_HS_COMMIT_LEN);
}

static int wrap_nonce(uint8_t nonce[12], uint32_t epoch)
{
    /* Each wrap key is used by one sender, once per epoch. */
    memset(nonce, 0, 12);
    wr32(nonce + 8, epoch);
    return BB_OK;
}

/* Keeps an early KEYS (newest per sender; a full table drops the oldest). */
static int defer_keys(bb_e2ee *e, const uint8_t *msg, size_t len, uint16_t from)
{
    int slot = -1;
    for (int i = 0; i < PENDING; i++)
        if (e->pending[i].len && e->pending[i].from == from)
            slot = i;
    if (slot < 0)
        slot = e->n_pending_next++ % PENDING;
    e->pending[slot].from = from;
    e->pending[slot].len = len;
    memcpy(e->pending[slot].data, msg, len);
    e->stats.deferred++;
    return BB_E_AGAIN;
}

static int on_keys(bb_e2ee *e, const uint8_t *msg, size_t len, const bb_hs_msg *m)
{
    struct peer *p = find_peer(e, m->from);
    if (!p) {
        if (len <= KEYS_MAX && m->from != e->self)
            return defer_keys(e, msg, len, m->from);
        return reject(e, BB_HS_REJECT_UNKNOWN_SENDER, BB_E_PROTO);
    }
    int mine = -1;
    for (int i = 0; i < m->n_keys; i++)
        if (m->keys[i].to == e->self)
            mine = i;
    if (mine < 0)
        return reject(e, BB_HS_REJECT_NOT_FOR_US, BB_E_PROTO);
    if (p->has_key && m->epoch <= p->epoch) {
        if (m->epoch == p->epoch) {
            e->stats.duplicates++;
            return BB_OK;
        }
        return reject(e, BB_HS_REJECT_REPLAY, BB_E_PROTO);
    }
    uint8_t aad[WRAP_AAD_LEN], nonce[12], key[KEY_LEN];
    size_t n;
    wrap_aad(aad, m->from, m->epoch, e->self, m->commit);
    wrap_nonce(nonce, m->epoch);
    if (bb_aead_open(p->k_in, KEY_LEN, nonce, aad, sizeof(aad), m->keys[mine].wrapped,
                     BB_HS_WRAPPED_LEN, key, sizeof(key), &n) || n != KEY_LEN)
        return reject(e, BB_HS_REJECT_KEYS_AUTH, BB_E_AUTH);
    uint64_t old = kid_of(p->id, p->epoch);
    int had = p->has_key;
    int rc = bb_sframe_ctx_add_key(e->sframe, kid_of(p->id, m->epoch), key, KEY_LEN);
    mbedtls_platform_zeroize(key, sizeof(key));
    if (rc)
        return rc;
    /* The sender moved on: its older key must not open anything any more. */
    if (had && (old & 0xff) != (kid_of(p->id, m->epoch) & 0xff))
        bb_sframe_ctx_remove_key(e->sframe, old);
    p->epoch = m->epoch;
    p->has_key = 1;
    memcpy(p->commit, m->commit, BB_HS_COMMIT_LEN);
    /* Renewed keys (bb_e2ee_renew): the value we pinned and have, committed
     * to for the new epoch. Nothing new was chosen, so it stays pinned. */
    if (p->pinned && p->pin_revealed) {
        uint8_t c[32];
        commit_to(p->pin_value, p->id, m->epoch, c);
        if (ct_equal(c, m->commit, 32)) {
            p->pin_epoch = m->epoch;
            memcpy(p->pin_commit, c, 32);
        }
    }
    p->n_keys_to = m->n_keys;
    for (int i = 0; i < m->n_keys; i++)
        p->keys_to[i] = m->keys[i].to;
    e->stats.keys_accepted++;
    return BB_OK;
}

/* A peer's code value: it must open the commitment we pinned for it (or,
 * before we pinned one, its current one, then kept for the pinning). */
/* Takes value as p's part of the code if it opens the commitment pinned for it. */
static int open_pinned(struct peer *p, const uint8_t value[BB_HS_REVEAL_LEN])
{
    uint8_t c[32];
    commit_to(value, p->id, p->pin_epoch, c);
    if (!ct_equal(c, p->pin_commit, 32))
        return 0;
    memcpy(p->pin_value, value, BB_HS_REVEAL_LEN);
    p->pin_revealed = 1;
    return 1;
}

static int on_reveal(bb_e2ee *e, const bb_hs_msg *m)
{
    struct peer *p = find_peer(e, m->from);
    if (!p)
        return reject(e, BB_HS_REJECT_UNKNOWN_SENDER, BB_E_PROTO);
    if (p->pinned && m->epoch == p->pin_epoch) {
        int again = p->pin_revealed;
        if (!open_pinned(p, m->reveal))
            return reject(e, BB_HS_REJECT_REVEAL, BB_E_AUTH);
        if (again)
            e->stats.duplicates++;
        return BB_OK;
    }
    uint8_t c[32];
    commit_to(m->reveal, m->from, m->epoch, c);
    if (p->has_key && m->epoch == p->epoch && !ct_equal(c, p->commit, 32))
        return reject(e, BB_HS_REJECT_REVEAL, BB_E_AUTH);
    if (p->has_key && m->epoch < p->epoch)
        return reject(e, BB_HS_REJECT_REPLAY, BB_E_PROTO);
    /* Ahead of what we pinned: kept until it is the one we pin (checked then). */
    p->has_early = 1;
    p->early_epoch = m->epoch;
    memcpy(p->early_value, m->reveal, BB_HS_REVEAL_LEN);
    return BB_OK;
}

/* p's current KEYS went to exactly the others we have in the call: p and we
 * see the same participants (by id). */
static int same_roster(const bb_e2ee *e, const struct peer *p)
{
    int expect = 1; /* us */
    for (int i = 0; i < BB_E2EE_MAX_PARTICIPANTS - 1; i++)
        expect += e->peers[i].used && &e->peers[i] != p;
    if (p->n_keys_to != expect)
        return 0;
    for (int k = 0; k < p->n_keys_to; k++) {
        uint16_t to = p->keys_to[k];
        const struct peer *q = find_peer((bb_e2ee *)e, to);
        if (to != e->self && (!q || q == p))
            return 0;
    }
    return 1;
}

/* Our code value, for our current epoch, to everyone. */
static int queue_reveal(bb_e2ee *e)
{
    uint8_t msg[REVEAL_LEN];
    memcpy(msg, MAGIC, 4);
    msg[4] = BB_HS_REVEAL;
    wr16(msg + 5, e->self);
    wr32(msg + 7, e->epoch);
    memcpy(msg + 11, e->sas_value, BB_HS_REVEAL_LEN);
    return queue(e, msg, sizeof(msg));
}

/* Once every peer's commitment for the participants we see is in hand, pins
 * them and reveals our value: nobody can choose their contribution to the
 * code after seeing ours. A peer that sees someone we do not (or the other
 * way round) has no such commitment: then neither side gets a code. */
static int try_reveal(bb_e2ee *e)
{
    if (e->revealed || e->need_rekey)
        return BB_OK;
    for (int i = 0; i < BB_E2EE_MAX_PARTICIPANTS - 1; i++)
        if (e->peers[i].used && (!e->peers[i].has_key || !same_roster(e, &e->peers[i])))
            return BB_OK;
    for (int i = 0; i < BB_E2EE_MAX_PARTICIPANTS - 1; i++) {
        struct peer *p = &e->peers[i];
        if (!p->used || (p->pinned && p->pin_epoch == p->epoch))
            continue;
        p->pinned = 1;
        p->pin_epoch = p->epoch;
        memcpy(p->pin_commit, p->commit, 32);
        p->pin_revealed = 0;
        if (p->has_early && p->early_epoch == p->epoch && !open_pinned(p, p->early_value))
            reject(e, BB_HS_REJECT_REVEAL, BB_E_AUTH);
        p->has_early = 0;
    }
    e->revealed = 1;
    if (bb_e2ee_peer_count(e) == 0)
        return BB_OK; /* nobody to tell */
    return queue_reveal(e);
}

/* One received handshake message; feed < 0: where it came from is not known. */
static int receive(bb_e2ee *e, long feed, const uint8_t *msg, size_t len, uint64_t now_us)
{
    if (!e || (!msg && len))
        return BB_E_ARG;
    bb_hs_msg m;
    int rc = bb_hs_parse(msg, len, &m);
    if (rc)
        return reject(e, BB_HS_REJECT_FORMAT, rc);
    if (feed >= 0 && m.from != feed)
        return reject(e, BB_HS_REJECT_WRONG_FEED, BB_E_PROTO);
    if (m.type == BB_HS_KEYS) {
        rc = on_keys(e, msg, len, &m);
        return rc ? rc : try_reveal(e);
    }
    if (m.type == BB_HS_REVEAL)
        return on_reveal(e, &m);
    rc = on_hello(e, msg, len, &m, now_us);
    if (rc == BB_OK)
        for (int i = 0; i < PENDING; i++) {
            if (!e->pending[i].len || e->pending[i].from != m.from || !find_peer(e, m.from))
                continue;
            bb_hs_msg k;
            size_t kl = e->pending[i].len;
            e->pending[i].len = 0;
            if (bb_hs_parse(e->pending[i].data, kl, &k) == BB_OK)
                on_keys(e, e->pending[i].data, kl, &k); /* counted there, as ever */
        }
    return rc;
}

int bb_e2ee_receive(bb_e2ee *e, const uint8_t *msg, size_t len, uint64_t now_us)
{
    return receive(e, -1, msg, len, now_us);
}

int bb_e2ee_receive_on(bb_e2ee *e, uint16_t feed, const uint8_t *msg, size_t len,
                       uint64_t now_us)
{
    return receive(e, feed, msg, len, now_us);
}

/* KEYS: our current sender key wrapped for every member. */
static int send_keys(bb_e2ee *e)
{
    uint8_t msg[KEYS_FIXED + (BB_E2EE_MAX_PARTICIPANTS - 1) * (2 + BB_HS_WRAPPED_LEN)];
    memcpy(msg, MAGIC, 4);
    msg[4] = BB_HS_KEYS;
    wr16(msg + 5, e->self);
    wr32(msg + 7, e->epoch);
    memcpy(msg + 11, e->sas_commit, BB_HS_COMMIT_LEN);
    size_t p = KEYS_FIXED;
    uint8_t n = 0;
    for (int i = 0; i < BB_E2EE_MAX_PARTICIPANTS - 1; i++) {
        struct peer *pe = &e->peers[i];
        if (!pe->used)
            continue;
        uint8_t aad[WRAP_AAD_LEN], nonce[12];
        size_t wl;
        wrap_aad(aad, e->self, e->epoch, pe->id, e->sas_commit);
        wrap_nonce(nonce, e->epoch);
        wr16(msg + p, pe->id);
        int rc = bb_aead_seal(pe->k_out, KEY_LEN, nonce, aad, sizeof(aad), e->send_key,
                              KEY_LEN, msg + p + 2, BB_HS_WRAPPED_LEN, &wl);
        if (rc)
            return rc;
        p += 2 + BB_HS_WRAPPED_LEN;
        n++;
    }
    if (!n)
        return BB_OK; /* alone: nobody to tell */
    msg[KEYS_FIXED - 1] = n;
    return queue(e, msg, p);
}

/* Pending membership changes take effect before anything is sent. */
static int flush(bb_e2ee *e)
{
    int rc = BB_OK;
    if (e->need_hello) {
        rc = queue(e, e->hello, e->hello_len);
        if (rc)
            return rc;
        e->need_hello = 0;
    }
    if (e->need_rekey) {
        rc = new_sender_key(e, 0);
        if (!rc)
            rc = send_keys(e);
        if (rc)
            return rc;
        e->need_rekey = 0;
        e->stats.rekeys++;
        rc = try_reveal(e);
    }
    return rc;
}

int bb_e2ee_poll(bb_e2ee *e, uint8_t *out, size_t cap, size_t *out_len)
{
    if (!e || !out || !out_len)
        return BB_E_ARG;
    *out_len = 0;
    int rc = flush(e);
    if (rc)
        return rc;
    if (!e->out_n)
        return BB_E_AGAIN;
    struct outmsg *o = &e->out[e->out_head];
    if (o->len > cap)
        return BB_E_BUFFER;
    memcpy(out, o->data, o->len);
    *out_len = o->len;
    e->out_head = (e->out_head + 1) % OUTBOX;
    e->out_n--;
    return BB_OK;
}

int bb_e2ee_remove_peer(bb_e2ee *e, uint16_t id, uint64_t now_us)
{
    (void)now_us;
    if (!e)
        return BB_E_ARG;
    struct peer *p = find_peer(e, id);
    if (!p)
        return BB_E_ARG;
    if (p->has_key)
        bb_sframe_ctx_remove_key(e->sframe, kid_of(p->id, p->epoch));
    /* Remember its HELLO so the SFU cannot bring it back by replaying it. */
    memcpy(e->gone[e->n_gone % 16], p->hello_hash, 32);
    if (e->n_gone < 16)
        e->n_gone++;
    mbedtls_platform_zeroize(p, sizeof(*p));
    e->need_rekey = 1;
    return flush(e); /* at once: nothing more may go out under a key it knows */
}

int bb_e2ee_renew(bb_e2ee *e)
{
    if (!e)
        return BB_E_ARG;
    int rc = flush(e); /* a membership change first: it draws a new value anyway */
    if (!rc)
        rc = new_sender_key(e, 1);
    if (!rc)
        rc = send_keys(e);
    if (rc)
        return rc;
    e->stats.rekeys++;
    if (!e->revealed || bb_e2ee_peer_count(e) == 0)
        return BB_OK;
    return queue_reveal(e); /* our value again, for the new epoch: for whoever pins us only now */
}

int bb_e2ee_protect(bb_e2ee *e, const uint8_t *metadata, size_t meta_len,
                    const uint8_t *pt, size_t pt_len,
                    uint8_t *out, size_t cap, size_t *out_len)
{
    if (!e)
        return BB_E_ARG;
    int rc = flush(e);
    if (rc)
        return rc;
    return bb_sframe_protect(e->sframe, metadata, meta_len, pt, pt_len, out, cap, out_len);
}

int bb_e2ee_unprotect(bb_e2ee *e, const uint8_t *metadata, size_t meta_len,
                      const uint8_t *msg, size_t msg_len,
                      uint8_t *out, size_t cap, size_t *out_len, uint16_t *from)
{
    if (!e)
        return BB_E_ARG;
    uint64_t kid, ctr;
    size_t hl;
    /* Our own key is in the context (for sending): a message under it that
     * comes back is a reflection, not a message from us. */
    if (bb_sframe_header_parse(msg, msg_len, &kid, &ctr, &hl) == BB_OK && (kid >> 8) == e->self) {
        if (out_len)
            *out_len = 0;
        e->stats.reflected++;
        return BB_E_PROTO;
    }
    int rc = bb_sframe_unprotect(e->sframe, metadata, meta_len, msg, msg_len, out, cap,
                                 out_len, &kid);
    if (rc == BB_OK && from)
        *from = (uint16_t)(kid >> 8);
    return rc;
}

/* Everyone on the settled roster, sorted by id (so every member walks the
 * same sequence): BB_OK and *n; BB_E_AGAIN until the roster is settled, when
 * we revealed our code value and every peer opened the commitment we pinned
 * for its current epoch (so it is the value it uses itself). */
struct roster {
    int n;
    uint16_t ids[BB_E2EE_MAX_PARTICIPANTS];
    uint8_t roles[BB_E2EE_MAX_PARTICIPANTS];
    const uint8_t *hashes[BB_E2EE_MAX_PARTICIPANTS], *values[BB_E2EE_MAX_PARTICIPANTS];
};

static int settled_roster(const bb_e2ee *e, struct roster *r)
{
    if (!e->revealed || e->need_rekey || bb_e2ee_peer_count(e) == 0)
        return BB_E_AGAIN;
    int n = 0;
    r->ids[n] = e->self, r->roles[n] = (uint8_t)e->role, r->hashes[n] = e->hello_hash,
    r->values[n++] = e->sas_value;
    for (int i = 0; i < BB_E2EE_MAX_PARTICIPANTS - 1; i++) {
        const struct peer *p = &e->peers[i];
        if (!p->used)
            continue;
        if (!p->pinned || !p->pin_revealed || p->pin_epoch != p->epoch)
            return BB_E_AGAIN;
        r->ids[n] = p->id, r->roles[n] = (uint8_t)p->role, r->hashes[n] = p->hello_hash,
        r->values[n++] = p->pin_value;
    }
    for (int i = 1; i < n; i++)
        for (int j = i; j > 0 && r->ids[j - 1] > r->ids[j]; j--) {
            uint16_t t = r->ids[j]; r->ids[j] = r->ids[j - 1]; r->ids[j - 1] = t;
            uint8_t o = r->roles[j]; r->roles[j] = r->roles[j - 1]; r->roles[j - 1] = o;
            const uint8_t *h = r->hashes[j]; r->hashes[j] = r->hashes[j - 1]; r->hashes[j - 1] = h;
            const uint8_t *v = r->values[j]; r->values[j] = r->values[j - 1]; r->values[j - 1] = v;
        }
    r->n = n;
    return BB_OK;
}

/* SHA-256 of label | room | for each member: id, role, HELLO hash [, code value]. */
static void roster_hash(const bb_e2ee *e, const struct roster *r, const char *label, int with_values,
                        uint8_t digest[32])
{
    mbedtls_sha256_context s;
    uint8_t rl = (uint8_t)strlen(e->room), rec[3];
    mbedtls_sha256_init(&s);
    mbedtls_sha256_starts_ret(&s, 0);
    mbedtls_sha256_update_ret(&s, (const uint8_t *)label, strlen(label));
    mbedtls_sha256_update_ret(&s, &rl, 1);
    mbedtls_sha256_update_ret(&s, (const uint8_t *)e->room, rl);
    for (int i = 0; i < r->n; i++) {
        wr16(rec, r->ids[i]);
        rec[2] = r->roles[i];
        mbedtls_sha256_update_ret(&s, rec, 3);
        mbedtls_sha256_update_ret(&s, r->hashes[i], 32);
        if (with_values)
            mbedtls_sha256_update_ret(&s, r->values[i], BB_HS_REVEAL_LEN);
    }
    mbedtls_sha256_finish_ret(&s, digest);
    mbedtls_sha256_free(&s);
}

int bb_e2ee_sas(const bb_e2ee *e, char out[8])
{
    if (!e || !out)
        return BB_E_ARG;
    out[0] = '\0';
    struct roster r;
    int rc = settled_roster(e, &r);
    if (rc)
        return rc;
    uint8_t digest[32];
    roster_hash(e, &r, "beeldbel sas v2", 1, digest);
    uint32_t v = rd32(digest) % 1000000u;
    snprintf(out, 8, "%03u %03u", (unsigned)(v / 1000), (unsigned)(v % 1000));
    return BB_OK;
}

int bb_e2ee_roster_digest(const bb_e2ee *e, uint8_t out[32])
{
    if (!e || !out)
        return BB_E_ARG;
    struct roster r;
    int rc = settled_roster(e, &r);
    if (!rc)
        roster_hash(e, &r, "beeldbel roster v1", 0, out);
    return rc;
}

/* HMAC under the invitation key over label | room | id | HELLO hash | key. */
static int consent_mac(const bb_e2ee *e, uint16_t id, const uint8_t hello_hash[32],
                       const uint8_t *pub, size_t pub_len, uint8_t mac[32])
{
    static const char label[] = "beeldbel consent key v1";
    uint8_t buf[sizeof(label) + 1 + BB_E2EE_ROOM_MAX + 2 + 32 + BB_E2EE_CONSENT_KEY_MAX];
    size_t rl = strlen(e->room), n = 0;
    memcpy(buf, label, sizeof(label) - 1), n += sizeof(label) - 1;
    buf[n++] = (uint8_t)rl;
    memcpy(buf + n, e->room, rl), n += rl;
    wr16(buf + n, id), n += 2;
    memcpy(buf + n, hello_hash, 32), n += 32;
    memcpy(buf + n, pub, pub_len), n += pub_len;
    return hmac32(e->invite_key, buf, n, mac);
}

int bb_e2ee_consent_key_mac(const bb_e2ee *e, const uint8_t *pub, size_t pub_len, uint8_t mac[32])
{
    if (!e || !pub || !mac || !pub_len || pub_len > BB_E2EE_CONSENT_KEY_MAX)
        return BB_E_ARG;
    if (!e->has_invite || (e->role != BB_ROLE_CITIZEN && e->role != BB_ROLE_INTERPRETER))
        return BB_E_STATE;
    return consent_mac(e, e->self, e->hello_hash, pub, pub_len, mac) ? BB_E_CRYPTO : BB_OK;
}

int bb_e2ee_consent_key_check(const bb_e2ee *e, uint16_t from, const uint8_t *pub, size_t pub_len,
                              const uint8_t mac[32])
{
    if (!e || !pub || !mac || !pub_len || pub_len > BB_E2EE_CONSENT_KEY_MAX)
        return BB_E_ARG;
    if (!e->has_invite)
        return BB_E_STATE;
    for (int i = 0; i < BB_E2EE_MAX_PARTICIPANTS - 1; i++) {
        const struct peer *p = &e->peers[i];
        if (!p->used || p->id != from)
            continue;
        if (p->role != BB_ROLE_CITIZEN)
            return BB_E_PROTO;
        uint8_t want[32];
        if (consent_mac(e, p->id, p->hello_hash, pub, pub_len, want))
            return BB_E_CRYPTO;
        return ct_equal(want, mac, 32) ? BB_OK : BB_E_AUTH;
    }
    return BB_E_PROTO; /* not on the roster */
}

size_t bb_e2ee_peer_count(const bb_e2ee *e)
{
    size_t n = 0;
    for (int i = 0; e && i < BB_E2EE_MAX_PARTICIPANTS - 1; i++)
        n += e->peers[i].used != 0;
    return n;
}

int bb_e2ee_peer_info(const bb_e2ee *e, size_t idx, bb_e2ee_peer *out)
{
    if (!e || !out)
        return BB_E_ARG;
    for (int i = 0; i < BB_E2EE_MAX_PARTICIPANTS - 1; i++) {
        const struct peer *p = &e->peers[i];
        if (!p->used || idx-- > 0)
            continue;
        out->id = p->id;
        out->role = p->role;
        out->has_key = p->has_key;
        out->epoch = p->epoch;
        out->officer = p->officer;
        return BB_OK;
    }
    return BB_E_ARG;
}

const bb_officer_result *bb_e2ee_officer_failure(const bb_e2ee *e)
{
    return e && e->has_officer_failure ? &e->officer_failure : NULL;
}

const bb_e2ee_stats *bb_e2ee_get_stats(const bb_e2ee *e)
{
    return e ? &e->stats : NULL;
}

const bb_sframe_stats *bb_e2ee_sframe_stats(const bb_e2ee *e)
{
    return e ? bb_sframe_ctx_stats(e->sframe) : NULL;
}

const char *bb_hs_reject_name(bb_hs_reject r)
{
    static const char *n[BB_HS_REJECT_COUNT] = {
        "format", "role", "invite", "certificate", "signature", "bad_key", "conflict",
        "replay", "full", "unknown_sender", "not_for_us", "keys_auth", "wrong_feed", "rate",
        "reveal", "role_taken"};
    return (unsigned)r < BB_HS_REJECT_COUNT ? n[r] : "unknown";
}
