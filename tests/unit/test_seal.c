/*
 * The seal over a recording (seal.h): a recorded call (rec_sample) in three
 * segments, sealed after two and at the end by Jan de Vries with a police
 * timestamp, checks; every kind of tampering is found and named with its
 * segment and time: a byte flipped, a segment removed, two swapped, the file
 * cut short, the manifest's hash changed with the file, a seal by another
 * officer, a timestamp from another service, a seal stamped before what it
 * seals or before the seal before it. A recording cut short by a
 * crash after its first seal still verifies as far as it was sealed.
 */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>

#include "../common/bb_test.h"
#include "../common/police_ca.h"
#include "../common/rec_sample.h"
#include "../common/rec_seal.h"
#include "beeldbel/callrec.h"
#include "beeldbel/cms.h"
#include "beeldbel/error.h"
#include "beeldbel/seal.h"

static police_ca ca, other_ca;
static police_officer jan, sanne, tsa, other_tsa;
static rec_sample rec;
static int fixture_rc = -1;

static int fixture(void)
{
    if (fixture_rc != -1)
        return fixture_rc;
    int rc = pca_init(&ca, 21, "Politie Demo Root CA");
    if (!rc) rc = pca_officer(&ca, &jan, "Jan de Vries", "100001", 1001, -1, 12);
    if (!rc) rc = pca_officer(&ca, &sanne, "Sanne Bakker", "100002", 1002, -1, 12);
    if (!rc) rc = pca_tsa(&ca, &tsa, 2001);
    if (!rc) rc = pca_init(&other_ca, 22, "Andere CA");
    if (!rc) rc = pca_tsa(&other_ca, &other_tsa, 2002);
    if (!rc) rc = rec_sample_make(&rec);
    if (!rc && rec.cuts != 3)
        rc = BB_E_STATE;
    fixture_rc = rc;
    return rc;
}

static bb_trust *police(void)
{
    bb_trust *t = NULL;
    bb_trust_new(&t, (const uint8_t *)ca.root_cert, strlen(ca.root_cert) + 1);
    return t;
}

static int check(const uint8_t *f, size_t len, const char *m, bb_rec_report *rep)
{
    bb_trust *t = police();
    int rc = t ? bb_rec_verify(f, len, m, strlen(m), t, PCA_NOW, rep) : BB_E_NOMEM;
    bb_trust_free(t);
    return rc;
}

TEST(seal_a_sealed_recording_verifies_and_says_who_when_and_how_far)
{
    CHECK_OK(fixture());
    char *m = rec_manifest(&rec, rec.data, &jan, &tsa, ca.root_cert, 2, 1);
    CHECK(m != NULL);
    bb_rec_report r;
    CHECK_OK(check(rec.data, rec.len, m, &r));
    CHECK_EQ_INT(r.reason, BB_REC_OK);
    CHECK(!strcmp(r.officer.name, "Jan de Vries") && !strcmp(r.officer.officer_id, "100001"));
    CHECK(!strcmp(r.title, REC_SAMPLE_TITLE) && r.started_unix_ms == REC_SAMPLE_STARTED_MS);
    CHECK(r.segments == 3 && r.sealed == 3 && r.seals == 2 && r.sealed_until_ms == 5000 && r.sealed_bytes == rec.len);
    CHECK(r.first_stamp == PCA_NOW && r.last_stamp == PCA_NOW);
    CHECK_EQ_INT(r.longest_wait_s, 596);   /* started ten minutes before the stamps; the first seal covers 4 s */
    free(m);
}

/* Checks that file f (len) with manifest m fails for why at segment seg. */
static void fails(const uint8_t *f, size_t len, const char *m, bb_rec_reason why, int seg)
{
    bb_rec_report r;
    int rc = check(f, len, m, &r);
    CHECK_EQ_INT(rc, why == BB_REC_MANIFEST ? BB_E_PARSE : BB_E_AUTH);
    CHECK_EQ_INT(r.reason, why);
    CHECK_EQ_INT(r.bad_segment, seg);
    if (seg >= 0)
        CHECK(r.bad_start_ms == rec_seg_ms[seg] && r.bad_end_ms == rec_seg_ms[seg + 1]);
}

TEST(seal_tampering_with_the_file_is_found_at_its_segment)
{
    CHECK_OK(fixture());
    char *m = rec_manifest(&rec, rec.data, &jan, &tsa, ca.root_cert, 2, 1);
    CHECK(m != NULL);
    uint8_t *f = malloc(rec.len);
    CHECK(f != NULL);
    /* One byte flipped in the middle segment. */
    memcpy(f, rec.data, rec.len);
    f[rec_seg_at(&rec, 1) + (rec_seg_at(&rec, 2) - rec_seg_at(&rec, 1)) / 2] ^= 0x01;
    fails(f, rec.len, m, BB_REC_SEGMENT_CHANGED, 1);
    /* The middle segment taken out: the file now ends inside where it was (the last is shorter). */
    size_t s1 = rec_seg_at(&rec, 2) - rec_seg_at(&rec, 1);
    CHECK(rec.len - rec_seg_at(&rec, 2) < s1);
    memcpy(f, rec.data, rec_seg_at(&rec, 1));
    memcpy(f + rec_seg_at(&rec, 1), rec.data + rec_seg_at(&rec, 2), rec.len - rec_seg_at(&rec, 2));
    fails(f, rec.len - s1, m, BB_REC_SEGMENT_MISSING, 1);
    /* The last two swapped. */
    memcpy(f, rec.data, rec_seg_at(&rec, 1));
    memcpy(f + rec_seg_at(&rec, 1), rec.data + rec_seg_at(&rec, 2), rec.len - rec_seg_at(&rec, 2));
    memcpy(f + rec_seg_at(&rec, 1) + (rec.len - rec_seg_at(&rec, 2)), rec.data + rec_seg_at(&rec, 1), s1);
    fails(f, rec.len, m, BB_REC_SEGMENT_CHANGED, 1);
    /* Cut short inside the last (sealed) segment. */
    fails(rec.data, rec_seg_at(&rec, 2) + 100, m, BB_REC_SEGMENT_MISSING, 2);
    free(f);
    free(m);
}

TEST(seal_a_changed_manifest_or_a_foreign_seal_is_found)
{
    CHECK_OK(fixture());
    /* The file changed and the manifest's hash with it: the chain under the seal says no. */
    uint8_t *f = malloc(rec.len);
    CHECK(f != NULL);
    memcpy(f, rec.data, rec.len);
    f[rec_seg_at(&rec, 1) + 10] ^= 0x80;
    char *good = rec_manifest(&rec, rec.data, &jan, &tsa, ca.root_cert, 2, 1), *redone = rec_manifest(&rec, f, &jan, &tsa, ca.root_cert, 0, 0);
    CHECK(good && redone);
    /* redone has the changed file's segments and no seals: graft the good seals onto it. */
    char *seals = strstr(good, "],\"seals\":"), *cut = strstr(redone, "],\"seals\":");
    CHECK(seals && cut);
    size_t head = (size_t)(cut - redone);
    char *forged = malloc(head + strlen(seals) + 1);
    CHECK(forged != NULL);
    memcpy(forged, redone, head);
    strcpy(forged + head, seals);
    fails(f, rec.len, forged, BB_REC_SEAL_HEAD, 1);
    /* Sealed by another officer of the same police. */
    char *by_sanne = rec_manifest(&rec, rec.data, &sanne, &tsa, ca.root_cert, 2, 1);
    CHECK(by_sanne != NULL);
    fails(rec.data, rec.len, by_sanne, BB_REC_SEAL_OFFICER, 1);
    /* A timestamp from a service the police root does not know. */
    char *other = rec_manifest(&rec, rec.data, &jan, &other_tsa, other_ca.root_cert, 2, 1);
    CHECK(other != NULL);
    fails(rec.data, rec.len, other, BB_REC_SEAL_SIGNATURE, 1);
    /* No seal at all, and no manifest at all. */
    fails(rec.data, rec.len, redone, BB_REC_NOT_SEALED, 0);
    fails(rec.data, rec.len, "{\"format\":\"beeldbel-recording-1\"}", BB_REC_MANIFEST, -1);
    fails(rec.data, rec.len, "not json", BB_REC_MANIFEST, -1);
    free(f);
    free(good);
    free(redone);
    free(forged);
    free(by_sanne);
    free(other);
}

TEST(seal_a_seal_stamped_before_what_it_seals_or_before_the_seal_before_it_is_found)
{
    CHECK_OK(fixture());
    /* Started an hour after its stamps: sealed before it was recorded. */
    char *late = rec_manifest_at(&rec, rec.data, &jan, &tsa, ca.root_cert, 2, 1, (PCA_NOW + 3600) * 1000);
    CHECK(late != NULL);
    fails(rec.data, rec.len, late, BB_REC_SEAL_TIME, 1);
    /* The officer's clock a little ahead of the service's (within BB_REC_CLOCK_SKEW_S): it holds. */
    char *ahead = rec_manifest_at(&rec, rec.data, &jan, &tsa, ca.root_cert, 2, 1, (PCA_NOW + BB_REC_CLOCK_SKEW_S - 10) * 1000);
    CHECK(ahead != NULL);
    bb_rec_report r;
    CHECK_OK(check(rec.data, rec.len, ahead, &r));
    /* The second seal stamped a minute before the first. */
    bb_rec_manifest *m;
    CHECK_OK(bb_rec_manifest_new(&m, REC_SAMPLE_TITLE, REC_SAMPLE_STARTED_MS, "100001"));
    for (int k = 0; k < 3; k++) {
        CHECK_OK(bb_rec_manifest_segment(m, rec.data + rec_seg_at(&rec, k), rec_seg_at(&rec, k + 1) - rec_seg_at(&rec, k),
                                         rec_seg_ms[k], rec_seg_ms[k + 1]));
        if (k >= 1) {
            rec_stamp_at = k == 1 ? PCA_NOW + 60 : PCA_NOW;
            CHECK_OK(rec_seal(m, &jan, &tsa, ca.root_cert));
        }
    }
    rec_stamp_at = PCA_NOW;
    char *back = NULL;
    CHECK_OK(bb_rec_manifest_json(m, &back, NULL));
    fails(rec.data, rec.len, back, BB_REC_SEAL_TIME, 2);
    bb_rec_manifest_free(m);
    free(back);
    free(late);
    free(ahead);
}

TEST(seal_a_crash_after_the_first_seal_leaves_what_was_sealed_verifiable)
{
    CHECK_OK(fixture());
    /* Sealed after two segments; the third was listed but the file ends inside it. */
    char *m = rec_manifest(&rec, rec.data, &jan, &tsa, ca.root_cert, 2, 0);
    CHECK(m != NULL);
    bb_rec_report r;
    CHECK_OK(check(rec.data, rec_seg_at(&rec, 2) + 100, m, &r));
    CHECK(r.reason == BB_REC_OK && r.segments == 3 && r.sealed == 2 && r.sealed_until_ms == 4000);
    CHECK(r.sealed_bytes == rec_seg_at(&rec, 2));
    free(m);
}

/* ---- the recorder: file and manifest in step ---- */

/* What the console does for a minute and five seconds: two people's audio
 * (every 20 ms) and video (about 15 fps, a keyframe every 2 s) and a line of
 * text, a seal when one is due, then the end, its seal, the manifest
 * attached. stop_us: like a crash, stop feeding there (0: run to the end);
 * file and manifest: what was written, and the manifest as of the last seal. */
/* The manifest taken out in parts (as the console keeps it), and the whole
 * of it now: every segments part, every seals part, the end. */
struct parts {
    char *p[2];
    size_t n[2];
};

static void take_parts(bb_recorder *r, struct parts *k, char **whole)
{
    *whole = NULL;
    char *p[2];
    size_t n[2];
    CHECK_OK(bb_recorder_take_manifest(r, &p[0], &n[0], &p[1], &n[1]));
    for (int i = 0; i < 2; i++) {
        CHECK(strlen(p[i]) == n[i]);
        k->p[i] = realloc(k->p[i], k->n[i] + n[i] + 1);
        memcpy(k->p[i] + k->n[i], p[i], n[i] + 1);
        k->n[i] += n[i];
        free(p[i]);
    }
    size_t end = strlen(BB_REC_MANIFEST_END);
    char *w = malloc(k->n[0] + k->n[1] + end + 1);
    memcpy(w, k->p[0], k->n[0]);
    memcpy(w + k->n[0], k->p[1], k->n[1]);
    memcpy(w + k->n[0] + k->n[1], BB_REC_MANIFEST_END, end + 1);
    *whole = w;
}

/* in_parts: the manifest is taken out after every seal and given back whole
 * at the end, as the console does. */
static void record_minute_as(int in_parts, int64_t stop_us, uint8_t **file, size_t *file_len, char **manifest, int *seals)
{
    struct parts k = { { NULL, NULL }, { 0, 0 } };
    bb_recorder *r;
    *file = NULL;
    *file_len = 0;
    *manifest = NULL;
    *seals = 0;
    CHECK_OK(bb_recorder_new(&r, REC_SAMPLE_TITLE, REC_SAMPLE_STARTED_MS, "100001"));
    bb_webm_track v = { .codec = BB_WEBM_VP8, .name = "Jan de Vries (wijkagent), beeld", .width = 640, .height = 360 };
    bb_webm_track a = { .codec = BB_WEBM_OPUS, .name = "Jan de Vries (wijkagent), geluid", .channels = 1 };
    bb_webm_track t = { .codec = BB_WEBM_WEBVTT, .name = "Tekst" };
    CHECK_EQ_INT(bb_webm_add_track(bb_recorder_webm(r), &v), 1);
    CHECK_EQ_INT(bb_webm_add_track(bb_recorder_webm(r), &a), 2);
    CHECK_EQ_INT(bb_webm_add_track(bb_recorder_webm(r), &t), 3);
    uint8_t frame[600], cms[BB_CMS_MAX], digest[32];
    size_t len;
    const int64_t end = 65000000;
    for (int64_t us = 0; us < end && (!stop_us || us < stop_us); us += 20000) {
        memset(frame, (int)(us / 20000), sizeof(frame));
        CHECK_OK(bb_recorder_frame(r, 2, us, frame, 40, 1));
        if (us % 60000 == 0)
            CHECK_OK(bb_recorder_frame(r, 1, us + 1000, frame, us % 2000000 == 0 ? 600 : 200, us % 2000000 == 0));
        if (us == 31000000)
            CHECK_OK(bb_recorder_text(r, 3, 29500000, 1500000, "Burger: ja, om tien uur.", 24));
        if (bb_recorder_seal_due(r, us)) {
            CHECK_OK(bb_recorder_digest(r, us, digest));
            CHECK_OK(rec_sign(digest, &jan, &tsa, ca.root_cert, cms, &len));
            CHECK_OK(bb_recorder_seal(r, cms, len));
            (*seals)++;
            free(*manifest);
            if (in_parts)
                take_parts(r, &k, manifest);
            else
                CHECK_OK(bb_recorder_manifest(r, manifest, NULL));
        }
        const uint8_t *p;
        size_t n;
        bb_recorder_pending(r, &p, &n);
        if (n) { /* written as it comes, as the console's file would be */
            *file = realloc(*file, *file_len + n);
            memcpy(*file + *file_len, p, n);
            *file_len += n;
            bb_recorder_drain(r);
        }
    }
    if (!stop_us) {
        CHECK_OK(bb_recorder_finish(r, end));
        CHECK_EQ_INT(bb_recorder_frame(r, 2, end, frame, 40, 1), BB_E_STATE);
        CHECK_OK(bb_recorder_digest(r, end, digest));
        CHECK_OK(rec_sign(digest, &jan, &tsa, ca.root_cert, cms, &len));
        CHECK_OK(bb_recorder_seal(r, cms, len));
        (*seals)++;
        free(*manifest);
        if (in_parts) {
            take_parts(r, &k, manifest);
            CHECK(*manifest);
            CHECK_EQ_INT(bb_recorder_close(r, NULL, 0), BB_E_STATE); /* its parts are ours now */
            size_t whole = strlen(*manifest);
            (*manifest)[whole / 2] ^= 1;
            CHECK_EQ_INT(bb_recorder_close(r, *manifest, whole), BB_E_AUTH);
            (*manifest)[whole / 2] ^= 1;
            CHECK_EQ_INT(bb_recorder_close(r, *manifest, whole - 1), BB_E_AUTH);
            CHECK_OK(bb_recorder_close(r, *manifest, whole));
        } else {
            CHECK_OK(bb_recorder_manifest(r, manifest, NULL));
            CHECK_OK(bb_recorder_close(r, NULL, 0));
        }
        CHECK_EQ_INT(bb_recorder_close(r, NULL, 0), BB_E_STATE);
        const uint8_t *p;
        size_t n;
        bb_recorder_pending(r, &p, &n);
        *file = realloc(*file, *file_len + n);
        memcpy(*file + *file_len, p, n);
        *file_len += n;
    }
    bb_recorder_free(r);
    free(k.p[0]);
    free(k.p[1]);
}

static void record_minute(int64_t stop_us, uint8_t **file, size_t *file_len, char **manifest, int *seals)
{
    record_minute_as(0, stop_us, file, file_len, manifest, seals);
}

TEST(seal_the_recorder_cuts_seals_and_ends_a_recording_that_verifies)
{
    CHECK_OK(fixture());
    uint8_t *f;
    size_t n;
    char *m;
    int seals;
    record_minute(0, &f, &n, &m, &seals);
    CHECK(f && m);
    bb_rec_report r;
    CHECK_OK(check(f, n, m, &r));
    printf("  %zu bytes, %u segments, %d seals, sealed to %lld ms\n", n, r.segments, seals, (long long)r.sealed_until_ms);
    CHECK_EQ_INT(seals, 3); /* at 30 s, at 60 s, at the end */
    CHECK(r.seals == 3 && r.sealed == r.segments && r.sealed_until_ms == 65000);
    CHECK(r.segments >= 33 && r.segments <= 35); /* one every 2 s, and one more at each seal */
    CHECK(r.sealed_bytes < n); /* the manifest attached after the last segment */
    CHECK(memmem(f + r.sealed_bytes, n - r.sealed_bytes, m, strlen(m)) != NULL);
    free(f);
    free(m);
}

TEST(seal_a_recording_stopped_by_a_crash_verifies_up_to_its_last_seal)
{
    CHECK_OK(fixture());
    uint8_t *f;
    size_t n;
    char *m;
    int seals;
    record_minute_as(1, 45000000, &f, &n, &m, &seals); /* 15 s after the first seal */
    CHECK(f && m);
    CHECK_EQ_INT(seals, 1);
    bb_rec_report r;
    CHECK_OK(check(f, n, m, &r));
    CHECK(r.seals == 1 && r.sealed == r.segments && r.sealed_until_ms == 30000 && r.sealed_bytes <= n);
    free(f);
    free(m);
}

/* The officer's recording of a call (callrec.h): its rules, without a call. */
/* An hour's manifest is the host's, not the engine's: taken out after every
 * seal, it is the same manifest, the recorder keeps no part of it, and at the
 * end it takes back only exactly that whole. */
TEST(seal_a_manifest_taken_out_in_parts_is_the_same_and_comes_back_only_whole)
{
    CHECK_OK(fixture());
    uint8_t *f[2];
    size_t n[2];
    char *m[2];
    int seals[2];
    record_minute_as(0, 0, &f[0], &n[0], &m[0], &seals[0]);
    record_minute_as(1, 0, &f[1], &n[1], &m[1], &seals[1]);
    CHECK_EQ_INT(seals[1], 3);
    bb_rec_report r;
    CHECK_OK(check(f[1], n[1], m[1], &r));
    CHECK(r.reason == BB_REC_OK && r.seals == 3 && r.sealed == r.segments);
    /* The same segments and the same manifest up to its seals (a seal's timestamp has its own nonce),
     * and the manifest attached is the one given back. */
    CHECK(!memcmp(f[0], f[1], r.sealed_bytes));
    const char *seals_at = strstr(m[1], "],\"seals\":[");
    CHECK(seals_at && !strncmp(m[0], m[1], (size_t)(seals_at - m[1]) + 11));
    CHECK(memmem(f[1] + r.sealed_bytes, n[1] - r.sealed_bytes, m[1], strlen(m[1])) != NULL);
    /* Taken out, nothing stays: a take right after gives empty parts, and no whole manifest. */
    bb_rec_manifest *mm;
    CHECK_OK(bb_rec_manifest_new(&mm, REC_SAMPLE_TITLE, REC_SAMPLE_STARTED_MS, "100001"));
    CHECK_OK(bb_rec_manifest_segment(mm, (const uint8_t *)"abc", 3, 0, 2000));
    char *a, *b, *j;
    size_t la, lb;
    CHECK_OK(bb_rec_manifest_take(mm, &a, &la, &b, &lb));
    CHECK(la > 0 && !strncmp(a, "{\"format\":", 10) && !strcmp(b, "],\"seals\":["));
    free(a);
    free(b);
    CHECK_OK(bb_rec_manifest_take(mm, &a, &la, &b, &lb));
    CHECK(la == 0 && lb == 0 && !*a && !*b);
    free(a);
    free(b);
    CHECK_EQ_INT(bb_rec_manifest_json(mm, &j, NULL), BB_E_STATE);
    bb_rec_manifest_free(mm);
    for (int i = 0; i < 2; i++) {
        free(f[i]);
        free(m[i]);
    }
}

TEST(seal_a_call_recording_checks_names_slots_and_the_order_of_seals)
{
    bb_media_config mc;
    bb_media_config_default(&mc, 1);
    mc.width = 64;
    mc.height = 48;
    bb_media *m;
    CHECK_OK(bb_media_new(&m, &mc));
    bb_callrec *r;
    CHECK_OK(bb_callrec_new(&r, m, REC_SAMPLE_TITLE, "100001", REC_SAMPLE_STARTED_MS));
    /* Names are plain text: no markup of a cue, no control characters. */
    CHECK_EQ_INT(bb_callrec_party(r, 2, "<b>Anna</b>", 11, 0), BB_E_ARG);
    CHECK_EQ_INT(bb_callrec_party(r, 2, "Anna\nde Vries", 13, 0), BB_E_ARG);
    CHECK_EQ_INT(bb_callrec_party(r, 0, "Anna", 4, 0), BB_E_ARG);
    for (uint32_t feed = 1; feed <= BB_CALLREC_SLOTS; feed++)
        CHECK_OK(bb_callrec_party(r, feed, "Deelnemer", 9, 0));
    CHECK_EQ_INT(bb_callrec_party(r, 99, "Nog een", 7, 0), BB_E_TOO_LARGE);
    /* Nothing to seal before the start, nor a seal without a digest. */
    uint8_t d[32];
    CHECK_EQ_INT(bb_callrec_seal_due(r, 0), 0);
    CHECK_EQ_INT(bb_callrec_digest(r, 0, d), BB_E_STATE);
    CHECK_EQ_INT(bb_callrec_text(r, 2, "hallo", 5, 0), BB_E_STATE);
    CHECK_OK(bb_callrec_start(r, 1000000));
    CHECK_EQ_INT(bb_callrec_start(r, 1000000), BB_E_STATE);
    CHECK_EQ_INT(bb_callrec_seal(r, (const uint8_t *)"x", 1), BB_E_STATE);
    CHECK_EQ_INT(bb_callrec_text(r, 2, "\xff", 1, 1500000), BB_E_ARG);
    CHECK_OK(bb_callrec_text(r, 2, "hallo <b>", 9, 1500000));
    CHECK_EQ_INT(bb_callrec_seal_due(r, 1000000 + BB_REC_SEAL_US), 1);
    CHECK_OK(bb_callrec_digest(r, 1000000 + BB_REC_SEAL_US, d));
    /* One seal at a time: the next digest waits for this one's signature. */
    CHECK_EQ_INT(bb_callrec_seal_due(r, 1000000 + 2 * BB_REC_SEAL_US), 0);
    CHECK_EQ_INT(bb_callrec_digest(r, 1000000 + BB_REC_SEAL_US, d), BB_E_STATE);
    CHECK_OK(bb_callrec_seal(r, (const uint8_t *)"cms", 3));
    /* The text went in with its speaker, its markup made plain. */
    const uint8_t *p;
    size_t n;
    bb_callrec_pending(r, &p, &n);
    static const char cue[] = "<v Deelnemer>hallo (b)";
    CHECK(n > 0 && memmem(p, n, cue, sizeof(cue) - 1) != NULL);
    /* The end needs its own seal before the manifest goes in. */
    CHECK_OK(bb_callrec_stop(r, 1000000 + BB_REC_SEAL_US + 1000));
    CHECK_EQ_INT(bb_callrec_seal_due(r, 0), 1);
    CHECK_EQ_INT(bb_callrec_stop(r, 0), BB_E_STATE);
    /* Freed, the recording takes its tap off the engine: the engine runs on (ASan would see a use after free). */
    bb_callrec_free(r);
    uint8_t pic[64 * 48 * 3 / 2] = { 0 };
    bb_image img;
    bb_image_wrap_i420(&img, pic, 64, 48);
    CHECK_OK(bb_media_push_video(m, &img, 2000000, 2000000));
    int16_t pcm[BB_AUDIO_FRAME] = { 0 };
    CHECK_OK(bb_media_push_audio(m, pcm, 2000000, 2000000));
    bb_media_free(m);
}
