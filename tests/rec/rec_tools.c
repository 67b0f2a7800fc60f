/*
 * A recorded interview read by the tools people use on it. The WebM
 * (webm.h) by tools that share no code with it: ffprobe lists every track
 * with its codec, name and language, and ffmpeg decodes the whole file
 * without one error, also when cut short after a cluster as a crash leaves
 * it. The seal (seal.h) by beeldbel-verify (build/bin): a sealed recording
 * passes and the tool says who recorded it, when and what; a flipped byte,
 * a cut-off end, a seal by someone else and a missing file each fail with
 * their segment and time, or the usage status. The recorded call is
 * tests/common/rec_sample.c, sealed with the tests' police CA, written into
 * a temporary directory that is removed at the end (or into $BB_REC_KEEP,
 * kept, to look at or play).
 */
#define _GNU_SOURCE /* memmem */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../common/bb_test.h"
#include "../common/capture.h"
#include "../common/rec_call.h"
#include "../common/rec_sample.h"
#include "../common/rec_seal.h"

static char dir[512];
static int ready = -1; /* the files are written: 0 yes, else an error */
static police_ca ca;
static police_officer jan, sanne, tsa;

static void path_of(const char *name, char *out, size_t cap) { snprintf(out, cap, "%s/%s", dir, name); }

static int write_file(const char *name, const uint8_t *d, size_t n)
{
    char p[600];
    path_of(name, p, sizeof(p));
    FILE *f = fopen(p, "wb");
    if (!f)
        return -1;
    int ok = fwrite(d, 1, n, f) == n;
    return fclose(f) == 0 && ok ? 0 : -1;
}

static int longer_bytes; /* what longer.webm has after its manifest's last segment */

static int files(void)
{
    if (ready >= 0)
        return ready;
    const char *keep = getenv("BB_REC_KEEP");
    if (keep && *keep) {
        snprintf(dir, sizeof(dir), "%s", keep);
        mkdir(dir, 0700);
    } else {
        const char *tmp = getenv("TMPDIR");
        snprintf(dir, sizeof(dir), "%s/bb-rec-XXXXXX", tmp && *tmp ? tmp : "/tmp");
        if (!mkdtemp(dir))
            return ready = 1;
    }
    rec_sample s;
    ready = rec_sample_make(&s) != 0 || pca_init(&ca, 31, "Politie Demo Root CA") ||
            pca_officer(&ca, &jan, "Jan de Vries", "100001", 1001, -1, 12) ||
            pca_officer(&ca, &sanne, "Sanne Bakker", "100002", 1002, -1, 12) || pca_tsa(&ca, &tsa, 2001);
    char *m = ready ? NULL : rec_manifest(&s, s.data, &jan, &tsa, ca.root_cert, 2, 1);
    char *other = ready ? NULL : rec_manifest(&s, s.data, &sanne, &tsa, ca.root_cert, 2, 1);
    uint8_t *flipped = ready ? NULL : malloc(s.len);
    /* The recording going on past its manifest's last segment: one more cluster, as the store
     * keeps a file sent on after the last seal of a tab that was closed. */
    size_t more = ready ? 0 : rec_seg_at(&s, 3) - rec_seg_at(&s, 2);
    uint8_t *longer = ready ? NULL : malloc(s.len + more);
    if (!m || !other || !flipped || !longer)
        ready = 1;
    if (!ready) {
        memcpy(flipped, s.data, s.len);
        flipped[rec_seg_at(&s, 1) + 1000] ^= 0x04;
        memcpy(longer, s.data, s.len);
        memcpy(longer + s.len, s.data + rec_seg_at(&s, 2), more);
        longer_bytes = (int)more;
        ready = write_file("call.webm", s.data, s.len) || write_file("cut.webm", s.data, s.cut_at[1]) ||
                write_file("root.pem", (const uint8_t *)ca.root_cert, strlen(ca.root_cert)) ||
                write_file("call.manifest.json", (const uint8_t *)m, strlen(m)) ||
                write_file("sanne.manifest.json", (const uint8_t *)other, strlen(other)) ||
                write_file("flipped.webm", flipped, s.len) || write_file("short.webm", s.data, rec_seg_at(&s, 2) + 100) ||
                write_file("longer.webm", longer, s.len + more);
    }
    /* The same recording ended with its manifest attached, as the console keeps it. */
    rec_sample att;
    if (!ready && rec_sample_make_attached(&att, m) == 0) {
        ready = att.len <= s.len || memcmp(att.data, s.data, s.len) || write_file("attached.webm", att.data, att.len);
        rec_sample_free(&att);
    } else {
        ready = 1;
    }
    free(m);
    free(other);
    free(flipped);
    free(longer);
    rec_sample_free(&s);
    if (ready)
        printf("  cannot write the sample recordings into %s\n", dir);
    return ready;
}

/* Runs cmd (with {} for the file's path) and returns what it printed on
 * standard output and error (malloc'd) and its exit status. */
static char *run(const char *cmd, const char *name, int *status)
{
    char p[600], line[2048];
    path_of(name, p, sizeof(p));
    const char *at = strstr(cmd, "{}");
    snprintf(line, sizeof(line), "%.*s'%s'%s 2>&1", (int)(at - cmd), cmd, p, at + 2);
    char *out = capture(line, status);
    if (*status == 127)
        printf("  %.*s is not installed (ffmpeg)\n", (int)strcspn(cmd, " "), cmd);
    return out;
}

#define STREAMS "ffprobe -v error -show_entries stream=index,codec_type,codec_name:stream_tags=title,language " \
                "-of csv=p=0 {}"

TEST(ffprobe_lists_every_participants_video_and_audio_and_the_text)
{
    CHECK_OK(files());
    int st;
    char *out = run(STREAMS, "call.webm", &st);
    CHECK(out != NULL);
    printf("%s", out);
    CHECK_EQ_INT(st, 0);
    CHECK(!strcmp(out, "0,vp8,video,dut,\"Jan de Vries (wijkagent), beeld\"\n"
                       "1,opus,audio,dut,\"Jan de Vries (wijkagent), geluid\"\n"
                       "2,vp8,video,dut,\"Burger, beeld\"\n"
                       "3,opus,audio,dut,\"Burger, geluid\"\n"
                       "4,webvtt,subtitle,dut,Tekst en ondertiteling\n"));
    free(out);
    out = run("ffprobe -v error -show_entries format=format_name:format_tags=title -of csv=p=0 {}", "call.webm", &st);
    CHECK(out != NULL && st == 0);
    CHECK(!strcmp(out, "\"matroska,webm\"," REC_SAMPLE_TITLE "\n"));
    free(out);
}

TEST(ffmpeg_decodes_the_whole_recording_without_an_error)
{
    CHECK_OK(files());
    int st;
    /* Every picture and sound decoded; -v error prints nothing unless something is wrong. */
    char *out = run("ffmpeg -nostdin -v error -i {} -map 0:v -map 0:a -f null -", "call.webm", &st);
    CHECK(out != NULL);
    printf("%s", out);
    CHECK_EQ_INT(st, 0);
    CHECK_EQ_INT(strlen(out), 0);
    free(out);
    /* Frames per stream as decoded: every frame the sample put in. */
    out = run("ffprobe -v error -count_frames -show_entries stream=nb_read_frames -of csv=p=0 {}", "call.webm", &st);
    CHECK(out != NULL && st == 0);
    printf("  frames per stream: %s", out);
    CHECK(!strcmp(out, "84\n250\n84\n250\n1\n"));
    free(out);
    /* The text, as a player shows it, at the times it was recorded (-copyts: not shifted by
     * Opus's 6.5 ms of pre-skip). */
    out = run("ffmpeg -nostdin -v error -copyts -i {} -map 0:s -f webvtt -", "call.webm", &st);
    CHECK(out != NULL && st == 0);
    CHECK(strstr(out, "00:01.500 --> 00:02.500\n" REC_SAMPLE_CUE) != NULL);
    free(out);
}

TEST(a_recording_cut_short_by_a_crash_plays_up_to_its_last_cluster)
{
    CHECK_OK(files());
    int st;
    char *out = run("ffmpeg -nostdin -v error -i {} -map 0:v -map 0:a -f null -", "cut.webm", &st);
    CHECK(out != NULL);
    printf("%s", out);
    CHECK_EQ_INT(st, 0);
    CHECK_EQ_INT(strlen(out), 0);
    free(out);
    out = run("ffprobe -v error -count_frames -select_streams a:0 -show_entries stream=nb_read_frames -of csv=p=0 {}", "cut.webm", &st);
    CHECK(out != NULL && st == 0);
    CHECK(!strcmp(out, "200\n")); /* the 4 s up to the cut */
    free(out);
}

/* beeldbel-verify, next to this program's build folder (build/native -> build/bin). */
static char *verify(const char *rec, const char *manifest, int *status)
{
    char cmd[1400], root[600], man[603] = "";
    const char *b = getenv("BB_BUILD");
    path_of("root.pem", root, sizeof(root));
    if (manifest) { /* else the one attached to the recording */
        man[0] = '\'';
        path_of(manifest, man + 1, sizeof(man) - 2);
        strcat(man, "'");
    }
    snprintf(cmd, sizeof(cmd), "%s/bin/beeldbel-verify --now %lld --root '%s' {} %s", b && *b ? b : "build",
             (long long)PCA_NOW, root, man);
    return run(cmd, rec, status);
}

TEST(beeldbel_verify_passes_a_sealed_recording_and_says_who_when_and_what)
{
    CHECK_OK(files());
    int st;
    char *out = verify("call.webm", "call.manifest.json", &st);
    CHECK(out != NULL);
    printf("%s", out);
    CHECK_EQ_INT(st, 0);
    CHECK(strstr(out, "beeldbel-verify: sealed and unchanged / verzegeld en ongewijzigd\n") != NULL);
    CHECK(strstr(out, "title / titel: " REC_SAMPLE_TITLE "\n") != NULL);
    CHECK(strstr(out, "recorded by / opgenomen door: Jan de Vries (100001), Basisteam Groningen-Noord\n") != NULL);
    CHECK(strstr(out, "started / begonnen: 2026-11-30 00:43:20 UTC\n") != NULL);
    CHECK(strstr(out, "sealed / verzegeld: 0:00:00.0 - 0:00:05.0, 3 segments / segmenten, 2 seals / zegels\n") != NULL);
    CHECK(strstr(out, "  1 VP8 Jan de Vries (wijkagent), beeld\n  2 Opus Jan de Vries (wijkagent), geluid\n"
                      "  3 VP8 Burger, beeld\n  4 Opus Burger, geluid\n  5 WebVTT Tekst en ondertiteling\n") != NULL);
    free(out);
}

TEST(beeldbel_verify_names_the_first_bad_segment_and_its_time)
{
    CHECK_OK(files());
    int st;
    char *out = verify("flipped.webm", "call.manifest.json", &st);
    CHECK(out != NULL);
    printf("%s", out);
    CHECK_EQ_INT(st, 1);
    CHECK(!strcmp(out, "beeldbel-verify: segment 1 (0:00:02.0 - 0:00:04.0): changed / gewijzigd\n"));
    free(out);
    out = verify("short.webm", "call.manifest.json", &st);
    CHECK(out != NULL && st == 1);
    CHECK(strstr(out, "segment 2 (0:00:04.0 - 0:00:05.0): missing (the file ends before it does)") != NULL);
    free(out);
    out = verify("call.webm", "sanne.manifest.json", &st);
    CHECK(out != NULL && st == 1);
    CHECK(strstr(out, "segment 1 (0:00:02.0 - 0:00:04.0): sealed by another officer than the manifest names") != NULL);
    free(out);
    /* What goes on after the last seal verifies up to it, and is named as not proven. */
    out = verify("longer.webm", "call.manifest.json", &st);
    CHECK(out != NULL);
    printf("%s", out);
    CHECK_EQ_INT(st, 0);
    CHECK(strstr(out, "sealed / verzegeld: 0:00:00.0 - 0:00:05.0, 3 segments / segmenten, 2 seals / zegels\n"
                      "timestamps / tijdstempels: ") != NULL);
    char tail[160];
    snprintf(tail, sizeof(tail), "not sealed / niet verzegeld: %d bytes after / bytes na 0:00:05.0 (not proven / niet bewezen)\n",
             longer_bytes);
    CHECK(strstr(out, tail) != NULL);
    free(out);
    out = verify("call.webm", "none.json", &st);
    CHECK(out != NULL && st == 2);
    CHECK(strstr(out, "cannot read / kan niet lezen:") != NULL);
    free(out);
}

TEST(the_manifest_travels_inside_the_recording_and_still_verifies)
{
    CHECK_OK(files());
    int st;
    /* Attached after the last cluster, the manifest changes nothing a player decodes... */
    char *out = run("ffmpeg -nostdin -v error -i {} -map 0:v -map 0:a -f null -", "attached.webm", &st);
    CHECK(out != NULL);
    printf("%s", out);
    CHECK(st == 0 && strlen(out) == 0);
    free(out);
    /* ... and nothing the seal covers. */
    out = verify("attached.webm", "call.manifest.json", &st);
    CHECK(out != NULL);
    CHECK_EQ_INT(st, 0);
    free(out);
    /* Given the recording alone, beeldbel-verify reads the manifest attached to it. */
    out = verify("attached.webm", NULL, &st);
    CHECK(out != NULL);
    CHECK_EQ_INT(st, 0);
    CHECK(strstr(out, "beeldbel-verify: sealed and unchanged / verzegeld en ongewijzigd\n") != NULL);
    CHECK(strstr(out, "sealed / verzegeld: 0:00:00.0 - 0:00:05.0, 3 segments / segmenten, 2 seals / zegels\n") != NULL);
    CHECK(strstr(out, "not sealed") == NULL); /* the attachment after the last segment is no recording */
    free(out);
    /* One cut short has none: it says so, and what to give it instead. */
    out = verify("call.webm", NULL, &st);
    CHECK(out != NULL);
    CHECK_EQ_INT(st, 2);
    CHECK(strstr(out, "no manifest is attached to") != NULL && strstr(out, "give the one kept beside it") != NULL);
    free(out);
}

static int sign_as_jan(void *ctx, const uint8_t digest[32], uint8_t *cms, size_t *len)
{
    (void)ctx;
    return rec_sign(digest, &jan, &tsa, ca.root_cert, cms, len);
}

TEST(a_call_recorded_by_the_officers_engine_plays_and_verifies)
{
    CHECK_OK(files());
    /* 33 s: a seal at 30 s, asked for while the call goes on, and one at the end. */
    rec_call_opts o = { .width = 160, .height = 96, .fps = 10, .seconds = 33, .record = 1,
                        .seal_delay_ms = 400, .sign = sign_as_jan };
    rec_call_result r;
    CHECK_OK(rec_call_run(&o, &r));
    printf("  %zu bytes, %llu frames (%llu left out), %d seals, at most %llu bytes waiting\n", r.len,
           (unsigned long long)r.frames, (unsigned long long)r.dropped, r.seals, (unsigned long long)r.max_pending);
    CHECK_EQ_INT(r.seals, 2);
    CHECK_EQ_INT((int)r.dropped, 0);
    /* The cue says who spoke (a WebVTT voice span; ffmpeg's WebVTT writer leaves it out). */
    static const char voice[] = "<v " REC_CALL_CITIZEN ">" REC_CALL_LINE;
    CHECK(memmem(r.file, r.len, voice, sizeof(voice) - 1) != NULL);
    CHECK_OK(write_file("engine.webm", r.file, r.len));
    CHECK_OK(write_file("engine.manifest.json", (const uint8_t *)r.manifest, strlen(r.manifest)));
    rec_call_free(&r);
    int st;
    char *out = run(STREAMS, "engine.webm", &st);
    CHECK(out != NULL && st == 0);
    printf("%s", out);
    CHECK(strstr(out, "0,vp8,video,\"" REC_CALL_OFFICER ", beeld\"\n1,opus,audio,\"" REC_CALL_OFFICER
                      ", geluid\"\n2,vp8,video,\"" REC_CALL_CITIZEN ", beeld\"\n") == out);
    CHECK(strstr(out, "8,vp8,video,\"Deelnemer 5, beeld\"\n9,opus,audio,\"Deelnemer 5, geluid\"\n"
                      "10,webvtt,subtitle,dut,Tekst en ondertiteling\n") != NULL);
    free(out);
    out = run("ffmpeg -nostdin -v error -i {} -map 0:v:0 -map 0:a:0 -map 0:v:1 -map 0:a:1 -f null -", "engine.webm", &st);
    CHECK(out != NULL);
    printf("%s", out);
    CHECK(st == 0 && strlen(out) == 0);
    free(out);
    /* Both people's pictures and sound, for the 32.5 s recorded: what each engine sent
     * (10 fps, 50 audio frames a second) and what the officer's played of the citizen's. */
    out = run("ffprobe -v error -count_frames -show_entries stream=nb_read_frames -of csv=p=0 {}", "engine.webm", &st);
    CHECK(out != NULL && st == 0);
    printf("  frames per stream: %s", out);
    int v0, a0, v1, a1;
    CHECK(sscanf(out, "%d %d %d %d", &v0, &a0, &v1, &a1) == 4);
    CHECK(v0 >= 315 && v0 <= 326 && a0 >= 1615 && a0 <= 1626);
    CHECK(v1 >= 300 && v1 <= 326 && a1 >= 1580 && a1 <= 1626);
    free(out);
    out = run("ffmpeg -nostdin -v error -copyts -i {} -map 0:s -f webvtt -", "engine.webm", &st);
    CHECK(out != NULL && st == 0);
    CHECK(strstr(out, "00:01.000 --> 00:06.000\n" REC_CALL_LINE) != NULL);
    free(out);
    out = verify("engine.webm", "engine.manifest.json", &st);
    CHECK(out != NULL);
    printf("%s", out);
    CHECK_EQ_INT(st, 0);
    /* Segments of about 2 s each (a seal cuts one short), all of them sealed. */
    int segments = 0;
    const char *sealed = strstr(out, "sealed / verzegeld: 0:00:00.0 - 0:00:32.5, ");
    CHECK(sealed && sscanf(sealed, "sealed / verzegeld: 0:00:00.0 - 0:00:32.5, %d segments", &segments) == 1);
    CHECK(segments >= 16 && segments <= 18);
    CHECK(strstr(sealed, "segmenten, 2 seals / zegels\n") != NULL);
    free(out);
    /* The manifest the engine gave out in parts and took back whole is the one attached. */
    out = verify("engine.webm", NULL, &st);
    CHECK(out != NULL);
    CHECK_EQ_INT(st, 0);
    CHECK(strstr(out, "sealed / verzegeld: 0:00:00.0 - 0:00:32.5, ") != NULL);
    free(out);
}

TEST(someone_who_joins_a_recorded_call_is_recorded_only_once_admitted)
{
    CHECK_OK(files());
    /* The citizen is admitted 6 s into the call, 5.5 s into the recording: nothing of theirs before. */
    rec_call_opts o = { .width = 160, .height = 96, .fps = 10, .seconds = 12, .record = 1,
                        .seal_delay_ms = 400, .sign = sign_as_jan, .admit_citizen_ms = 6000 };
    rec_call_result r;
    CHECK_OK(rec_call_run(&o, &r));
    CHECK_EQ_INT((int)r.dropped, 0);
    CHECK(memmem(r.file, r.len, REC_CALL_LINE, sizeof(REC_CALL_LINE) - 1) == NULL);   /* their text at 1.5 s */
    CHECK_OK(write_file("late.webm", r.file, r.len));
    CHECK_OK(write_file("late.manifest.json", (const uint8_t *)r.manifest, strlen(r.manifest)));
    rec_call_free(&r);
    int st;
    char *out = run("ffprobe -v error -show_entries stream=index:stream_tags=title -of csv=p=0 {}", "late.webm", &st);
    CHECK(out != NULL && st == 0 && strstr(out, "2,\"" REC_CALL_CITIZEN ", beeld\"") == NULL);   /* named after the start */
    free(out);
    /* The officer from the start; the citizen's first picture and sound played after 5.5 s (a frame
     * is at its capture time: what is played just after was captured a jitter buffer earlier). */
    const char *first[] = { "v:0", "a:0", "v:1", "a:1" };
    for (int i = 0; i < 4; i++) {
        char cmd[256];
        snprintf(cmd, sizeof(cmd), "ffprobe -v error -select_streams %s -show_entries packet=pts_time -of csv=p=0 {}", first[i]);
        out = run(cmd, "late.webm", &st);
        CHECK(out != NULL && st == 0);
        double at = -1;
        CHECK(sscanf(out, "%lf", &at) == 1);
        printf("  %s: first frame at %.3f s\n", first[i], at);
        CHECK(i < 2 ? at < 0.5 : at >= 5.3 && at < 7.0);
        free(out);
    }
    out = verify("late.webm", "late.manifest.json", &st);
    CHECK(out != NULL);
    CHECK_EQ_INT(st, 0);
    free(out);
}

TEST(cleanup)
{
    static const char *const names[] = { "call.webm", "cut.webm", "root.pem", "call.manifest.json",
                                         "sanne.manifest.json", "flipped.webm", "short.webm", "longer.webm", "attached.webm",
                                         "engine.webm", "engine.manifest.json", "late.webm", "late.manifest.json" };
    const char *keep = getenv("BB_REC_KEEP");
    if (ready == 0 && !(keep && *keep)) {
        char p[600];
        for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
            path_of(names[i], p, sizeof(p));
            unlink(p);
        }
        CHECK_OK(rmdir(dir));
    }
}
