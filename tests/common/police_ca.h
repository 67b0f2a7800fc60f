/*
 * A demo police CA made on the fly for tests and benchmarks, with the seeded
 * RNG so every run (native and WASM) makes the same keys and certificates.
 * Header-only so the benchmark program can use it too.
 */
#ifndef BB_TEST_POLICE_CA_H
#define BB_TEST_POLICE_CA_H

#include <stdlib.h>
#include <string.h>

#include "beeldbel/ca.h"
#include "beeldbel/crypto.h"
#include "beeldbel/error.h"
#include "beeldbel/identity.h"

/* 2026-11-30 00:53:20 UTC: the tests' "now". */
#define PCA_NOW ((int64_t)1796000000)
#define PCA_HOUR ((int64_t)3600)

typedef struct police_ca {
    bb_seeded_rng rng;
    char root_key[BB_CA_PEM_MAX], root_cert[BB_CA_PEM_MAX];
} police_ca;

typedef struct police_officer {
    char key[BB_CA_PEM_MAX], cert[BB_CA_PEM_MAX];
    uint8_t der[2048];
    size_t der_len;
} police_officer;

static inline int pca_init(police_ca *ca, uint64_t seed, const char *root_cn)
{
    bb_seeded_rng_init(&ca->rng, seed);
    int rc = bb_ca_make_key(ca->root_key, sizeof(ca->root_key), bb_rng_seeded, &ca->rng);
    if (!rc)
        rc = bb_ca_make_root(ca->root_key, root_cn, 1, PCA_NOW - 365 * 24 * PCA_HOUR,
                             PCA_NOW + 5 * 365 * 24 * PCA_HOUR, ca->root_cert,
                             sizeof(ca->root_cert), bb_rng_seeded, &ca->rng);
    return rc;
}

/* An officer certificate for officer number `number`, valid from now+from_h
 * to now+to_h hours. */
static inline int pca_officer(police_ca *ca, police_officer *o, const char *name,
                              const char *number, uint64_t serial, int64_t from_h, int64_t to_h)
{
    bb_officer_subject s = {name, "Basisteam Groningen-Noord", "Groningen-Noord", number};
    int rc = bb_ca_make_key(o->key, sizeof(o->key), bb_rng_seeded, &ca->rng);
    if (!rc)
        rc = bb_ca_issue_officer(ca->root_key, ca->root_cert, o->key, &s, serial,
                                 PCA_NOW + from_h * PCA_HOUR, PCA_NOW + to_h * PCA_HOUR,
                                 o->cert, sizeof(o->cert), bb_rng_seeded, &ca->rng);
    if (!rc)
        rc = bb_ca_pem_to_der(o->cert, o->der, sizeof(o->der), &o->der_len);
    return rc;
}

/* The police time-stamping service's key and certificate (cms.h). */
static inline int pca_tsa(police_ca *ca, police_officer *t, uint64_t serial)
{
    int rc = bb_ca_make_key(t->key, sizeof(t->key), bb_rng_seeded, &ca->rng);
    if (!rc)
        rc = bb_ca_issue_tsa(ca->root_key, ca->root_cert, t->key, "Politie Tijdstempeldienst",
                             serial, PCA_NOW - 24 * PCA_HOUR, PCA_NOW + 365 * 24 * PCA_HOUR,
                             t->cert, sizeof(t->cert), bb_rng_seeded, &ca->rng);
    if (!rc)
        rc = bb_ca_pem_to_der(t->cert, t->der, sizeof(t->der), &t->der_len);
    return rc;
}

/* The fuzz targets' police root (seed 11, as make_seeds.c, so the committed
 * seeds pass its signatures), trusted; made once, aborts if it cannot be. */
static inline bb_trust *pca_fuzz_trust(void)
{
    static police_ca ca;
    static bb_trust *trust;
    if (!trust && (pca_init(&ca, 11, "Politie Demo Root CA") ||
                   bb_trust_new(&trust, (const uint8_t *)ca.root_cert, strlen(ca.root_cert) + 1)))
        abort();
    return trust;
}

#endif
