/*
 * End-to-end encryption costs: SFrame AES-GCM on 1200-byte media messages
 * (seal + open, the two ends of one message), X25519 and ECDSA P-256 verify
 * as operations per second, and the whole 2-party handshake (HELLOs with the
 * officer's certificate and signature, X25519, KEYS) as handshakes per
 * second. Each runs for about half a second; best of two.
 */
#include <stdlib.h>
#include <string.h>

#include <mbedtls/ecdh.h>
#include <mbedtls/ecp.h>
#include <mbedtls/pk.h>
#include <mbedtls/sha256.h>
#include <mbedtls/x509_crt.h>

#include "bench.h"

#include "beeldbel/e2ee.h"
#include "beeldbel/identity.h"
#include "beeldbel/sframe.h"
#include "../common/police_ca.h"

#define RUN_S 0.5

/* Calls fn until RUN_S has passed; returns calls per second. */
static double rate(int (*fn)(void *), void *arg)
{
    long n = 0;
    /* Warm up first: the WASM engine's first calls include compilation. */
    for (double w = bench_now_s(); bench_now_s() - w < 0.1;)
        if (fn(arg))
            abort();
    double t0 = bench_now_s(), t;
    do {
        if (fn(arg))
            abort();
        n++;
    } while ((t = bench_now_s() - t0) < RUN_S);
    return n / t;
}

struct gcm_arg {
    bb_sframe_ctx *tx, *rx;
    uint8_t pt[1200], ct[1200 + BB_SFRAME_MAX_OVERHEAD], back[1200];
};

static int gcm_once(void *p)
{
    struct gcm_arg *a = p;
    size_t n, m;
    if (bb_sframe_protect(a->tx, NULL, 0, a->pt, sizeof(a->pt), a->ct, sizeof(a->ct), &n) ||
        bb_sframe_unprotect(a->rx, NULL, 0, a->ct, n, a->back, sizeof(a->back), &m, NULL))
        return -1;
    return 0;
}

static void sframe_rate(bb_sframe_suite suite, const char *name)
{
    static struct gcm_arg a;
    uint8_t base[16] = {7};
    memset(a.pt, 0x42, sizeof(a.pt));
    if (bb_sframe_ctx_new(&a.tx, suite) || bb_sframe_ctx_new(&a.rx, suite) ||
        bb_sframe_ctx_add_key(a.tx, 0x105, base, 16) || bb_sframe_ctx_set_sender(a.tx, 0x105) ||
        bb_sframe_ctx_add_key(a.rx, 0x105, base, 16))
        abort();
    double r = bench_best(rate(gcm_once, &a), rate(gcm_once, &a));
    bench_report(name, r * 1200 / 1e6, "MB/s");
    bb_sframe_ctx_free(a.tx);
    bb_sframe_ctx_free(a.rx);
}

struct x_arg {
    mbedtls_ecp_group grp;
    mbedtls_mpi d, z;
    mbedtls_ecp_point q;
    bb_seeded_rng rng;
};

static int x25519_once(void *p)
{
    struct x_arg *a = p;
    return mbedtls_ecdh_compute_shared(&a->grp, &a->z, &a->q, &a->d, bb_rng_seeded, &a->rng);
}

static void x25519_rate(void)
{
    struct x_arg a;
    mbedtls_ecp_group_init(&a.grp);
    mbedtls_mpi_init(&a.d);
    mbedtls_mpi_init(&a.z);
    mbedtls_ecp_point_init(&a.q);
    bb_seeded_rng_init(&a.rng, 5);
    if (mbedtls_ecp_group_load(&a.grp, MBEDTLS_ECP_DP_CURVE25519) ||
        mbedtls_ecdh_gen_public(&a.grp, &a.d, &a.q, bb_rng_seeded, &a.rng))
        abort();
    bench_report("crypto.x25519_shared", bench_best(rate(x25519_once, &a), rate(x25519_once, &a)), "ops/s");
    mbedtls_ecp_group_free(&a.grp);
    mbedtls_mpi_free(&a.d);
    mbedtls_mpi_free(&a.z);
    mbedtls_ecp_point_free(&a.q);
}

struct v_arg {
    mbedtls_x509_crt crt;
    uint8_t hash[32], sig[100];
    size_t sig_len;
};

static int verify_once(void *p)
{
    struct v_arg *a = p;
    return mbedtls_pk_verify(&a->crt.pk, MBEDTLS_MD_SHA256, a->hash, 32, a->sig, a->sig_len);
}

/* The fixture the handshake benchmark shares. */
static police_ca ca;
static police_officer jan;
static bb_trust *trust;

static void ecdsa_rate(void)
{
    static struct v_arg a;
    const uint8_t msg[] = "beeldbel hello";
    mbedtls_x509_crt_init(&a.crt);
    if (mbedtls_x509_crt_parse_der(&a.crt, jan.der, jan.der_len) ||
        bb_identity_sign((const uint8_t *)jan.key, strlen(jan.key), msg, sizeof(msg), a.sig,
                         sizeof(a.sig), &a.sig_len, bb_rng_seeded, &ca.rng))
        abort();
    mbedtls_sha256_ret(msg, sizeof(msg), a.hash, 0);
    bench_report("crypto.ecdsa_p256_verify", bench_best(rate(verify_once, &a), rate(verify_once, &a)), "ops/s");
    mbedtls_x509_crt_free(&a.crt);
}

static const uint8_t invite[24] = "one-time-invite-secret!";

static int handshake_once(void *p)
{
    bb_seeded_rng *rng = p;
    bb_e2ee *e[2];
    bb_e2ee_config c;
    memset(&c, 0, sizeof(c));
    c.room = "bench-room";
    c.invite_secret = invite;
    c.invite_len = sizeof(invite);
    c.trust = trust;
    c.rng = bb_rng_seeded;
    c.rng_ctx = rng;
    c.self_id = 1;
    c.role = BB_ROLE_OFFICER;
    c.cert = jan.der;
    c.cert_len = jan.der_len;
    c.key = (const uint8_t *)jan.key;
    c.key_len = strlen(jan.key);
    if (bb_e2ee_new(&e[0], &c))
        return -1;
    c.self_id = 2;
    c.role = BB_ROLE_CITIZEN;
    c.expected_officer = "100001";
    c.cert = c.key = NULL;
    c.cert_len = c.key_len = 0;
    if (bb_e2ee_new(&e[1], &c))
        return -1;
    uint8_t msg[BB_E2EE_MAX_MSG];
    size_t n;
    for (int moved = 1; moved;) {
        moved = 0;
        for (int i = 0; i < 2; i++)
            while (bb_e2ee_poll(e[i], msg, sizeof(msg), &n) == BB_OK) {
                moved = 1;
                bb_e2ee_receive(e[!i], msg, n, (uint64_t)PCA_NOW * 1000000u);
            }
    }
    bb_e2ee_peer a, b;
    int rc = bb_e2ee_peer_info(e[0], 0, &a) || bb_e2ee_peer_info(e[1], 0, &b) ||
             !a.has_key || !b.has_key;
    bb_e2ee_free(e[0]);
    bb_e2ee_free(e[1]);
    return rc;
}

BENCH(crypto)
{
    if (pca_init(&ca, 21, "Politie Demo Root CA") ||
        pca_officer(&ca, &jan, "Jan de Vries", "100001", 1, -1, 12) ||
        bb_trust_new(&trust, (const uint8_t *)ca.root_cert, strlen(ca.root_cert)))
        abort();
    sframe_rate(BB_SFRAME_AES_128_GCM_SHA256_128, "sframe.aes128gcm_1200B_seal_open");
    sframe_rate(BB_SFRAME_AES_256_GCM_SHA512_128, "sframe.aes256gcm_1200B_seal_open");
    sframe_rate(BB_SFRAME_AES_128_CTR_HMAC_SHA256_80, "sframe.aes128ctr_hmac80_1200B_seal_open");
    x25519_rate();
    ecdsa_rate();
    bb_seeded_rng rng;
    bb_seeded_rng_init(&rng, 9);
    bench_report("e2ee.handshake_2party", bench_best(rate(handshake_once, &rng), rate(handshake_once, &rng)), "handshakes/s");
    bb_trust_free(trust);
}
