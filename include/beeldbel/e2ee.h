/*
 * beeldbel — end-to-end key agreement for a call of 2 to 5 participants
 * (citizen, officer, interpreter, colleague), feeding SFrame (sframe.h).
 *
 * Sans-I/O: the host passes handshake messages in (bb_e2ee_receive), polls
 * the ones to send (bb_e2ee_poll) and carries them through the SFU as
 * control messages; time is an argument and randomness is injected.
 *
 * The protocol (version 2; all integers big-endian):
 *  - Every participant makes an ephemeral X25519 key and broadcasts a HELLO:
 *    its participant id, role, X25519 public key and a fresh nonce,
 *    authenticated over the room name and every byte before the
 *    authenticator:
 *      officer / colleague:   an X.509 certificate chaining to the pinned
 *                             police root + an ECDSA P-256 signature;
 *      citizen / interpreter: HMAC-SHA256 with a key derived from the
 *                             one-time invitation secret (HKDF, bound to the
 *                             room) — knowing the room alone is not enough.
 *  - Each pair derives directional keys from X25519 and the hashes of both
 *    HELLOs (a substituted key changes them).
 *  - Each participant has its own random SFrame sender key per epoch and
 *    sends it in a KEYS message, wrapped (AES-256-GCM) for every current
 *    member separately. Whenever someone joins or leaves, everyone moves to a
 *    new epoch with a fresh key, sent only to who is still there: a leaver
 *    cannot read what follows, a joiner cannot read what came before.
 *    A sender's older keys are dropped when its new one arrives.
 *  - SFrame KID = participant id << 8 | (epoch & 0xff).
 *  - The short authentication string (SAS, six digits) people compare aloud
 *    is committed to before it is revealed (a hash commitment, as in ZRTP):
 *    with each epoch a participant draws a fresh 16-byte code value and
 *    puts its commitment, SHA-256("beeldbel sas commit v2" | id | epoch |
 *    value), in its KEYS message (authenticated with the wrapped keys). It
 *    REVEALs the value only once it holds, from every peer, a KEYS whose
 *    recipients are exactly the participants it sees itself, and pins those
 *    commitments; a revealed value that does not open the pinned commitment
 *    is refused (BB_HS_REJECT_REVEAL). The code is SHA-256("beeldbel sas
 *    v2" | room | for every member by id: id, role, HELLO hash, value),
 *    first 32 bits mod 10^6, and exists (bb_e2ee_sas) only once every
 *    member's value is in. So it covers the whole roster, and nobody can
 *    choose their part after seeing another's: whoever the SFU shows to one
 *    side only, or with another HELLO to each side, makes the codes agree
 *    with probability 10^-6 per try, and every try is a change of the roster
 *    that both sides see (a new code, a new count of people); where the two
 *    sides do not see the same participants (by id) neither gets a code.
 *    An SFU that substituted a key makes the two sides see different codes.
 *
 * A call has one citizen (an invitation admits one) and one officer: a HELLO
 * in either role while someone holds it is refused (BB_HS_REJECT_ROLE_TAKEN;
 * not remembered, so the same person's HELLO passes once the other left).
 * Every rejected message is counted by reason; nothing is trusted before its
 * authenticator verified.
 *
 * Verifying a HELLO is the costly step (an X.509 chain and an ECDSA check,
 * or an HMAC), so it is rationed: each sender may have
 * BB_E2EE_VERIFY_BURST verifications at once, refilled one per
 * BB_E2EE_VERIFY_REFILL_US; all senders together BB_E2EE_VERIFY_ALL_BURST,
 * one per BB_E2EE_VERIFY_ALL_REFILL_US. More is refused unread
 * (BB_HS_REJECT_RATE); a sender's HELLO is repeated until it is keyed, so a
 * genuine one gets through on a later copy. A HELLO that failed its check is
 * remembered (by hash, the last BB_E2EE_FAILED_KEPT) and refused again for
 * the same reason without being verified; one that passed is its sender's
 * until it leaves (copies are duplicates, not verified again).
 */
#ifndef BEELDBEL_E2EE_H
#define BEELDBEL_E2EE_H

#include <stddef.h>
#include <stdint.h>

#include "beeldbel/crypto.h"
#include "beeldbel/identity.h"
#include "beeldbel/sframe.h"

#ifdef __cplusplus
extern "C" {
#endif

#define BB_E2EE_MAX_PARTICIPANTS 5
#define BB_E2EE_MAX_MSG 4096 /* largest handshake message */
#define BB_E2EE_ROOM_MAX 128
#define BB_E2EE_VERIFY_BURST 4
#define BB_E2EE_VERIFY_REFILL_US 1000000ull
#define BB_E2EE_VERIFY_ALL_BURST 12
#define BB_E2EE_VERIFY_ALL_REFILL_US 250000ull
#define BB_E2EE_FAILED_KEPT 8

typedef enum bb_role {
    BB_ROLE_CITIZEN = 1,
    BB_ROLE_OFFICER = 2,
    BB_ROLE_INTERPRETER = 3,
    BB_ROLE_COLLEAGUE = 4
} bb_role;

/* ---- wire format: one parser ---- */

typedef enum bb_hs_type { BB_HS_HELLO = 1, BB_HS_KEYS = 2, BB_HS_REVEAL = 3 } bb_hs_type;
#define BB_HS_COMMIT_LEN 32 /* code commitment in KEYS */
#define BB_HS_REVEAL_LEN 16 /* code value in REVEAL */
enum { BB_HS_AUTH_CERT = 1, BB_HS_AUTH_INVITE = 2 };

typedef struct bb_hs_msg {
    bb_hs_type type;
    uint16_t from;
    /* HELLO */
    uint8_t role, auth;
    const uint8_t *x25519; /* 32 bytes */
    const uint8_t *nonce;  /* 16 bytes */
    const uint8_t *cert;   /* DER, when auth == CERT */
    size_t cert_len;
    const uint8_t *authenticator; /* signature (DER) or 32-byte MAC */
    size_t auth_len;
    size_t signed_len;     /* bytes at the start of the message it covers */
    /* KEYS and REVEAL */
    uint32_t epoch;
    const uint8_t *commit; /* KEYS: BB_HS_COMMIT_LEN bytes */
    const uint8_t *reveal; /* REVEAL: BB_HS_REVEAL_LEN bytes */
    uint8_t n_keys;
    struct { uint16_t to; const uint8_t *wrapped; } keys[BB_E2EE_MAX_PARTICIPANTS - 1];
} bb_hs_msg;

#define BB_HS_WRAPPED_LEN 48 /* 32-byte key + 16-byte tag */

/*
 * Parses one handshake message; pointers in m point into data. BB_E_PARSE
 * (truncated, trailing bytes, bad magic), BB_E_PROTO (unknown type, role,
 * auth kind or count), BB_E_TOO_LARGE.
 */
int bb_hs_parse(const uint8_t *data, size_t len, bb_hs_msg *m);

/* ---- the key agreement ---- */

typedef struct bb_e2ee_config {
    const char *room;            /* the SFU room name; bound into every authenticator */
    uint16_t self_id;            /* this participant's id (1..65535), unique in the room */
    bb_role role;
    const uint8_t *invite_secret; /* citizen/interpreter: required; officer: to admit them */
    size_t invite_len;
    bb_trust *trust;             /* pinned police root (+ CRL); borrowed; required to admit officers */
    const char *expected_officer;/* the officer number (identity.h) the invitation gave: an
                                  * officer-role HELLO is admitted only with a certificate of
                                  * this number, whatever its name; NULL or "" admits none
                                  * (fail closed; colleagues use BB_ROLE_COLLEAGUE, whose
                                  * certificate is checked but never shown as the officer) */
    const uint8_t *cert;         /* officer/colleague: own certificate, DER or PEM */
    size_t cert_len;
    const uint8_t *key;          /* officer/colleague: own private key, DER or PEM */
    size_t key_len;
    bb_sframe_suite suite;       /* 0 = AES_128_GCM_SHA256_128 */
    bb_rng_fn rng;               /* required */
    void *rng_ctx;
} bb_e2ee_config;

typedef enum bb_hs_reject {
    BB_HS_REJECT_FORMAT = 0,  /* not a well-formed handshake message */
    BB_HS_REJECT_ROLE,        /* role and authentication kind do not match */
    BB_HS_REJECT_INVITE,      /* invitation MAC wrong: wrong secret or wrong room */
    BB_HS_REJECT_CERTIFICATE, /* officer certificate failed (see bb_e2ee_officer_failure) */
    BB_HS_REJECT_SIGNATURE,   /* certificate fine, signature over the HELLO wrong */
    BB_HS_REJECT_BAD_KEY,     /* X25519 key unusable (e.g. low order) */
    BB_HS_REJECT_CONFLICT,    /* id already taken by a different HELLO */
    BB_HS_REJECT_REPLAY,      /* HELLO of someone who left, or an old epoch */
    BB_HS_REJECT_FULL,        /* room already has BB_E2EE_MAX_PARTICIPANTS */
    BB_HS_REJECT_UNKNOWN_SENDER, /* KEYS from ourselves, or too large to keep for later */
    BB_HS_REJECT_NOT_FOR_US,  /* KEYS without an entry for this participant */
    BB_HS_REJECT_KEYS_AUTH,   /* wrapped key does not decrypt: tampered or substituted */
    BB_HS_REJECT_WRONG_FEED,  /* sender is not the feed it arrived on (bb_e2ee_receive_on) */
    BB_HS_REJECT_RATE,        /* HELLO not verified: its sender (or everyone) used up the ration */
    BB_HS_REJECT_REVEAL,      /* code value that does not open its sender's commitment */
    BB_HS_REJECT_ROLE_TAKEN,  /* a second citizen or officer: a call has one of each */
    BB_HS_REJECT_COUNT
} bb_hs_reject;

typedef struct bb_e2ee_stats {
    uint64_t hellos_accepted, keys_accepted, duplicates, rekeys;
    uint64_t reflected; /* our own media message came back (dropped) */
    uint64_t deferred;  /* KEYS kept until its sender's HELLO arrives */
    uint64_t verified;  /* HELLO authenticators checked (the costly step), pass or fail */
    uint64_t remembered; /* HELLOs refused again from the failed ones kept, unverified */
    uint64_t rejected[BB_HS_REJECT_COUNT];
} bb_e2ee_stats;

typedef struct bb_e2ee_peer {
    uint16_t id;
    bb_role role;
    int has_key;                /* its current SFrame key has arrived */
    uint32_t epoch;
    bb_officer_result officer;  /* status OK and fields set for certificate holders */
} bb_e2ee_peer;

typedef struct bb_e2ee bb_e2ee;

/*
 * Creates the participant and queues its HELLO.
 * Returns BB_OK and *out (the caller's, freed with bb_e2ee_free);
 * BB_E_ARG for an incomplete or inconsistent cfg (no room, id 0, no rng,
 * staff without certificate and key, non-staff without an invitation secret
 * or one shorter than 16 bytes, an expected officer number that is not one);
 * BB_E_AUTH when key is not the private key of cert; BB_E_NOMEM; BB_E_CRYPTO.
 * Ownership: room, expected_officer, the invitation (as a derived key), cert
 * and key are copied; trust is borrowed and must outlive the participant; the
 * rng is called for keys, nonces and code values.
 */
int bb_e2ee_new(bb_e2ee **out, const bb_e2ee_config *cfg);
/* Frees e (NULL is fine); its keys are wiped. */
void bb_e2ee_free(bb_e2ee *e);

/*
 * Handles one received handshake message. BB_OK also for harmless
 * duplicates; BB_E_AGAIN for a KEYS that came before its sender's HELLO (kept
 * and handled when the HELLO arrives); BB_E_STATE for a HELLO over the
 * verification ration (BB_HS_REJECT_RATE: not read; a later copy may pass);
 * other negative codes: refused, counted by reason (bb_e2ee_get_stats).
 * now_us: Unix time in microseconds (certificates are checked against it;
 * the ration also runs on it and ignores steps back).
 */
int bb_e2ee_receive(bb_e2ee *e, const uint8_t *msg, size_t len, uint64_t now_us);

/*
 * bb_e2ee_receive() for a message that arrived on the SFU feed `feed`: a
 * handshake whose sender is another participant is refused (BB_E_PROTO,
 * counted as BB_HS_REJECT_WRONG_FEED) before anything else is looked at,
 * so the SFU cannot hand one participant's messages to us as another's.
 */
int bb_e2ee_receive_on(bb_e2ee *e, uint16_t feed, const uint8_t *msg, size_t len,
                       uint64_t now_us);

/*
 * The next handshake message to broadcast to everyone in the room, copied to
 * out (at most BB_E2EE_MAX_MSG bytes; *out_len its length). BB_OK;
 * BB_E_AGAIN when there is none; BB_E_BUFFER when cap is too small (the
 * message stays queued); BB_E_ARG for NULL arguments. Pending membership
 * changes (a new epoch) take effect first.
 */
int bb_e2ee_poll(bb_e2ee *e, uint8_t *out, size_t cap, size_t *out_len);

/*
 * The host saw participant id leave (SFU event): its key is dropped, its
 * HELLO remembered (a replay is refused), and a new epoch starts at once.
 * BB_OK; BB_E_ARG for an id that is not a member. now_us: as for receive.
 */
int bb_e2ee_remove_peer(bb_e2ee *e, uint16_t id, uint64_t now_us);

/*
 * Renews our sender key with the same participants (the call moved to
 * another SFU): a new epoch and key, sent to everyone at once, after which
 * nothing we send opens with the old key. The code stays: our code value is
 * the same, committed to for the new epoch, and a peer that pinned and
 * holds it moves the pin along (nothing new was chosen); a peer that had
 * not pinned it yet gets our REVEAL for the new epoch. BB_OK; BB_E_ARG;
 * BB_E_CRYPTO.
 */
int bb_e2ee_renew(bb_e2ee *e);

/*
 * SFrame (sframe.h) with this participant's current key: out gets the header,
 * the ciphertext and the tag (cap >= pt_len + 17 + the suite's tag length).
 * BB_OK; BB_E_BUFFER; BB_E_TOO_LARGE; BB_E_STATE when the key's counter is
 * used up (a new epoch must come first); BB_E_ARG; BB_E_CRYPTO.
 */
int bb_e2ee_protect(bb_e2ee *e, const uint8_t *metadata, size_t meta_len,
                    const uint8_t *pt, size_t pt_len,
                    uint8_t *out, size_t cap, size_t *out_len);
/*
 * Opens a message under any member's current key; *from is its sender's id.
 * BB_OK; BB_E_PROTO for our own message reflected back (counted in
 * stats.reflected); otherwise bb_sframe_unprotect's, each counted by reason
 * (bb_e2ee_sframe_stats): BB_E_PARSE (header, size), BB_E_PROTO (unknown
 * KID: no key from that sender, or an old epoch; a replayed counter),
 * BB_E_AUTH (tag wrong), BB_E_TOO_LARGE; BB_E_BUFFER and BB_E_ARG for the
 * caller's buffer or arguments (not counted).
 */
int bb_e2ee_unprotect(bb_e2ee *e, const uint8_t *metadata, size_t meta_len,
                      const uint8_t *msg, size_t msg_len,
                      uint8_t *out, size_t cap, size_t *out_len, uint16_t *from);

/*
 * Six digits and a space ("123 456") for people to compare; NUL-terminated.
 * BB_E_AGAIN (out empty) until every member's code value is in (see above),
 * and while alone.
 */
int bb_e2ee_sas(const bb_e2ee *e, char out[8]);

/* Members other than this participant (authenticated HELLOs; keyed or not). 0 for NULL. */
size_t bb_e2ee_peer_count(const bb_e2ee *e);

/*
 * Who is in the call, as a hash both sides compute alike once the roster is
 * settled (when the code exists): SHA-256("beeldbel roster v1" | room | for
 * every member by id: id, role, HELLO hash). A consent to a document names
 * it (consent.h). BB_OK; BB_E_AGAIN while not settled.
 */
int bb_e2ee_roster_digest(const bb_e2ee *e, uint8_t out[32]);

/*
 * The citizen's consent key, bound to the key agreement: the citizen's
 * engine makes a signing key for the call and sends its public key with
 * this MAC, HMAC-SHA256 under the invitation key over ("beeldbel consent key
 * v1" | room | its participant id | its HELLO hash | the key). Only the
 * invitation's holder can make it, for this room and this HELLO only.
 * bb_e2ee_consent_key_mac: BB_OK; BB_E_STATE for a participant without an
 * invitation. bb_e2ee_consent_key_check (the officer): BB_OK when from is
 * the citizen on the roster and the MAC is right; BB_E_PROTO when from is
 * not the citizen on the roster, BB_E_AUTH when the MAC is wrong.
 */
#define BB_E2EE_CONSENT_KEY_MAX 128
int bb_e2ee_consent_key_mac(const bb_e2ee *e, const uint8_t *pub, size_t pub_len, uint8_t mac[32]);
int bb_e2ee_consent_key_check(const bb_e2ee *e, uint16_t from, const uint8_t *pub, size_t pub_len,
                              const uint8_t mac[32]);
/* The i-th of them (0 <= i < bb_e2ee_peer_count), copied to out. BB_OK; BB_E_ARG. */
int bb_e2ee_peer_info(const bb_e2ee *e, size_t i, bb_e2ee_peer *out);

/* The most recent officer certificate that failed, or NULL: the UI says why. */
const bb_officer_result *bb_e2ee_officer_failure(const bb_e2ee *e);

/* Counters, owned by e and valid while it lives; NULL for NULL. */
const bb_e2ee_stats *bb_e2ee_get_stats(const bb_e2ee *e);
const bb_sframe_stats *bb_e2ee_sframe_stats(const bb_e2ee *e);
/* A rejection reason's stable name ("rate", "reveal", ...), "unknown" out of range. */
const char *bb_hs_reject_name(bb_hs_reject r);

#ifdef __cplusplus
}
#endif

#endif /* BEELDBEL_E2EE_H */
