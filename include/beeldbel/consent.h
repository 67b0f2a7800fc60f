/*
 * beeldbel — the citizen's consent to a document, made in the citizen's
 * engine and carried inside the officer's signature (cms.h).
 *
 * The citizen's engine makes a P-256 key for the call (bb_consent_key_new)
 * and binds its public key to the key agreement with
 * bb_e2ee_consent_key_mac() (e2ee.h): only the holder of the invitation can
 * make that binding, for this room and this participant. When the citizen
 * has read a frozen statement and chooses "Ik onderteken" (or refuses), the
 * engine signs a consent (ECDSA-SHA256, deterministic) over:
 *
 *   ConsentEvidence ::= SEQUENCE {
 *     tbs SEQUENCE {
 *       version INTEGER (1),
 *       decision ENUMERATED { sign (0), refuse (1) },
 *       document OCTET STRING (32),  -- the PDF's signed bytes (pdf.h)
 *       room UTF8String,             -- the call
 *       roster OCTET STRING (32),    -- bb_e2ee_roster_digest: who was in it
 *       time GeneralizedTime,
 *       key OCTET STRING (65) },     -- the consent key, uncompressed point
 *     signature OCTET STRING }       -- over SHA-256 of tbs's DER
 *
 * The officer's engine accepts it (bb_consent_check) only from the key the
 * citizen bound, over the document it froze, in this room with this roster,
 * within BB_CONSENT_MAX_SKEW_S of its own clock. Evidence is untrusted input.
 */
#ifndef BEELDBEL_CONSENT_H
#define BEELDBEL_CONSENT_H

#include <stddef.h>
#include <stdint.h>

#include "beeldbel/crypto.h"

#ifdef __cplusplus
extern "C" {
#endif

#define BB_CONSENT_PUB_LEN 65
#define BB_CONSENT_MAX 512          /* bytes of evidence */
#define BB_CONSENT_ROOM_MAX 128
#define BB_CONSENT_MAX_SKEW_S 300

typedef enum bb_consent_decision { BB_CONSENT_SIGN = 0, BB_CONSENT_REFUSE = 1 } bb_consent_decision;

typedef struct bb_consent_key {
    uint8_t priv[32];
    uint8_t pub[BB_CONSENT_PUB_LEN];
} bb_consent_key;

typedef struct bb_consent_claim {
    bb_consent_decision decision;
    uint8_t document[32];
    uint8_t roster[32];
    char room[BB_CONSENT_ROOM_MAX + 1];
    int64_t time;
    uint8_t pub[BB_CONSENT_PUB_LEN];
} bb_consent_claim;

/* A new key for this call. BB_OK; BB_E_CRYPTO. */
int bb_consent_key_new(bb_consent_key *k, bb_rng_fn rng, void *rng_ctx);

/* The evidence for decision over document, signed with k. BB_OK and *len;
 * BB_E_ARG (room empty or too long); BB_E_BUFFER (*len the size needed). */
int bb_consent_make(const bb_consent_key *k, bb_consent_decision decision,
                    const uint8_t document[32], const uint8_t roster[32], const char *room,
                    int64_t now_s, uint8_t *out, size_t cap, size_t *len);

/* Reads evidence (untrusted) and checks its signature by the key it names.
 * BB_OK and *claim; BB_E_PARSE; BB_E_AUTH (the signature is wrong). */
int bb_consent_read(const uint8_t *ev, size_t len, bb_consent_claim *claim);

/*
 * bb_consent_read, then: made with bound_pub (the key the citizen bound),
 * over document, in room, with roster, within BB_CONSENT_MAX_SKEW_S of
 * now_s. BB_OK and *claim (its decision may be a refusal: look); BB_E_AUTH
 * for another key; BB_E_PROTO for another document, room, roster or time.
 */
int bb_consent_check(const uint8_t *ev, size_t len, const uint8_t bound_pub[BB_CONSENT_PUB_LEN],
                     const uint8_t document[32], const uint8_t roster[32], const char *room,
                     int64_t now_s, bb_consent_claim *claim);

#ifdef __cplusplus
}
#endif

#endif /* BEELDBEL_CONSENT_H */
