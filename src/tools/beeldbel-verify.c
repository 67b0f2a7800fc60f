/*
 * beeldbel-verify — checks a recorded interview against its seal.
 *
 *   beeldbel-verify --root ROOT.pem [--crl CRL.pem] [--now UNIX_SECONDS]
 *                   RECORDING.webm [MANIFEST.json]
 *
 * Reads the recording and its manifest (seal.h): the one kept beside it, or
 * without MANIFEST.json the one attached to it at its end. Checks every segment, the
 * hash chain, every seal's signature (an officer certificate of the police
 * root), its timestamp (the police time-stamping service) and that one
 * officer, the manifest's, sealed it all; then prints what that proves: the
 * title, who recorded it, from when to when, and the tracks (one per
 * participant and medium, and the text).
 *
 * Exit status: 0 sealed and unchanged (what came after the last seal, as
 * after a crash, is named but not proven); 1 something is wrong: the first
 * segment that fails and its time in the recording are printed; 2 the files
 * could not be read or the arguments are wrong.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "beeldbel/error.h"
#include "beeldbel/identity.h"
#include "beeldbel/seal.h"
#include "beeldbel/webm.h"

#define MAX_FILE ((size_t)16 << 30)

static void usage(void)
{
    fputs("usage / gebruik: beeldbel-verify --root ROOT.pem [--crl CRL.pem] [--now UNIX_SECONDS]\n"
          "                 RECORDING.webm [MANIFEST.json]\n"
          "Without MANIFEST.json, the manifest attached to the recording is read.\n"
          "Zonder MANIFEST.json wordt het manifest gelezen dat aan de opname hangt.\n", stderr);
}

/* The whole file, with a NUL after it (for the PEM and JSON readers). */
static uint8_t *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    uint8_t *d = NULL;
    size_t n = 0, cap = 0;
    for (;;) {
        if (cap - n < 65536) {
            cap = cap ? cap * 2 : 1 << 20;
            uint8_t *q = cap <= MAX_FILE ? realloc(d, cap + 1) : NULL;
            if (!q) {
                free(d);
                fclose(f);
                return NULL;
            }
            d = q;
        }
        size_t got = fread(d + n, 1, cap - n, f);
        n += got;
        if (!got)
            break;
    }
    int bad = ferror(f);
    fclose(f);
    if (bad) {
        free(d);
        return NULL;
    }
    d[n] = 0;
    *len = n;
    return d;
}

/* h:mm:ss.s of a time in the recording. */
static void clock_of(int64_t ms, char *out, size_t cap)
{
    snprintf(out, cap, "%d:%02d:%02d.%d", (int)(ms / 3600000), (int)(ms / 60000 % 60), (int)(ms / 1000 % 60),
             (int)(ms / 100 % 10));
}

static void utc(int64_t s, char *out, size_t cap)
{
    time_t t = (time_t)s;
    struct tm tm;
    if (!gmtime_r(&t, &tm) || !strftime(out, cap, "%Y-%m-%d %H:%M:%S UTC", &tm))
        snprintf(out, cap, "%lld", (long long)s);
}

static const char *const why_en[BB_REC_REASON_COUNT] = {
    "sealed and unchanged", "the manifest is not a beeldbel manifest", "changed", "missing (the file ends before it does)",
    "no seal", "the seal does not match the segments before it",
    "the seal's signature, certificate or timestamp does not verify", "sealed by another officer than the manifest names",
    "the seal's timestamp is before what it seals, or before the seal before it",
};
static const char *const why_nl[BB_REC_REASON_COUNT] = {
    "verzegeld en ongewijzigd", "het manifest is geen beeldbel-manifest", "gewijzigd", "ontbreekt (het bestand houdt eerder op)",
    "geen zegel", "het zegel past niet bij de segmenten ervoor",
    "handtekening, certificaat of tijdstempel van het zegel klopt niet", "verzegeld door een andere agent dan het manifest noemt",
    "de tijdstempel van het zegel ligt vóór wat het verzegelt, of vóór het zegel ervoor",
};

static const char *codec_name(bb_webm_codec c)
{
    return c == BB_WEBM_VP8 ? "VP8" : c == BB_WEBM_OPUS ? "Opus" : c == BB_WEBM_WEBVTT ? "WebVTT" : "?";
}

static void report(const bb_rec_report *r, const uint8_t *file, size_t len)
{
    char a[48], b[48], c[48];
    printf("title / titel: %s\n", r->title);
    printf("recorded by / opgenomen door: %s (%s), %s\n", r->officer.name, r->officer.officer_id, r->officer.team);
    utc(r->started_unix_ms / 1000, a, sizeof(a));
    clock_of(r->sealed_until_ms, b, sizeof(b));
    printf("started / begonnen: %s\n", a);
    printf("sealed / verzegeld: 0:00:00.0 - %s, %u segments / segmenten, %u seals / zegels\n", b, r->sealed, r->seals);
    utc(r->first_stamp, a, sizeof(a));
    utc(r->last_stamp, c, sizeof(c));
    printf("timestamps / tijdstempels: %s - %s\n", a, c);
    printf("longest wait for a seal / langste wachttijd op een zegel: %lld s\n", (long long)r->longest_wait_s);
    if (r->sealed < r->segments) {
        printf("not sealed / niet verzegeld: %u segments after / segmenten na %s (not proven / niet bewezen)\n",
               r->segments - r->sealed, b);
    } else if (r->sealed_bytes < len && !bb_webm_is_attachments(file + r->sealed_bytes, len - (size_t)r->sealed_bytes)) {
        /* The file goes on past what its manifest names: kept after the last seal (a closed tab,
         * a crash), or added. */
        printf("not sealed / niet verzegeld: %llu bytes after / bytes na %s (not proven / niet bewezen)\n",
               (unsigned long long)(len - (size_t)r->sealed_bytes), b);
    }
    bb_webm_track_info t[BB_WEBM_MAX_TRACKS];
    int n = 0;
    if (bb_webm_read_tracks(file, r->sealed_bytes < len ? (size_t)r->sealed_bytes : len, t, BB_WEBM_MAX_TRACKS, &n) == BB_OK) {
        printf("tracks / sporen:\n");
        for (int i = 0; i < n && i < BB_WEBM_MAX_TRACKS; i++)
            printf("  %d %s %s\n", t[i].number, codec_name(t[i].codec), t[i].name);
    }
}

int main(int argc, char **argv)
{
    const char *root = NULL, *crl = NULL, *paths[2] = { NULL, NULL };
    int64_t now = (int64_t)time(NULL);
    int np = 0;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--root") && i + 1 < argc)
            root = argv[++i];
        else if (!strcmp(argv[i], "--crl") && i + 1 < argc)
            crl = argv[++i];
        else if (!strcmp(argv[i], "--now") && i + 1 < argc)
            now = strtoll(argv[++i], NULL, 10);
        else if (argv[i][0] != '-' && np < 2)
            paths[np++] = argv[i];
        else {
            usage();
            return 2;
        }
    }
    if (!root || np < 1 || now <= 0) {
        usage();
        return 2;
    }
    size_t root_len = 0, crl_len = 0, file_len = 0, man_len = 0;
    uint8_t *root_pem = slurp(root, &root_len), *crl_pem = crl ? slurp(crl, &crl_len) : NULL;
    uint8_t *file = slurp(paths[0], &file_len), *man = paths[1] ? slurp(paths[1], &man_len) : NULL;
    const char *missing = !root_pem ? root : (crl && !crl_pem) ? crl : !file ? paths[0] : (paths[1] && !man) ? paths[1] : NULL;
    const uint8_t *manifest = man;
    int status = 2;
    bb_trust *trust = NULL;
    if (missing) {
        fprintf(stderr, "beeldbel-verify: cannot read / kan niet lezen: %s\n", missing);
        goto out;
    }
    if (!paths[1]) {
        int found = bb_webm_read_attachment(file, file_len, "manifest.json", &manifest, &man_len);
        if (found == BB_E_AGAIN) {
            fprintf(stderr, "beeldbel-verify: no manifest is attached to %s (a recording cut short has none): give the one kept beside it\n"
                            "beeldbel-verify: aan %s hangt geen manifest (een afgebroken opname heeft er geen): geef het manifest dat ernaast bewaard is\n",
                    paths[0], paths[0]);
            goto out;
        }
        if (found) {
            fprintf(stderr, "beeldbel-verify: %s is not a WebM recording / is geen WebM-opname\n", paths[0]);
            goto out;
        }
    }
    int rc = bb_trust_new(&trust, root_pem, root_len + 1);
    if (!rc && crl_pem)
        rc = bb_trust_set_crl(trust, crl_pem, crl_len + 1);
    if (rc) {
        fprintf(stderr, "beeldbel-verify: the root or CRL is not usable / de root of CRL is onbruikbaar: %s / %s\n",
                bb_strerror(rc), bb_strerror_nl(rc));
        goto out;
    }
    bb_rec_report r;
    rc = bb_rec_verify(file, file_len, (const char *)manifest, man_len, trust, now, &r);
    if (rc == BB_OK) {
        printf("beeldbel-verify: %s / %s\n", why_en[0], why_nl[0]);
        report(&r, file, file_len);
        status = 0;
    } else if (rc == BB_E_AUTH || rc == BB_E_PARSE) {
        char a[48], b[48];
        if (r.bad_segment >= 0) {
            clock_of(r.bad_start_ms, a, sizeof(a));
            clock_of(r.bad_end_ms, b, sizeof(b));
            printf("beeldbel-verify: segment %lld (%s - %s): %s / %s\n", (long long)r.bad_segment, a, b,
                   why_en[r.reason], why_nl[r.reason]);
        } else {
            printf("beeldbel-verify: %s / %s\n", why_en[r.reason], why_nl[r.reason]);
        }
        if (r.seals) {
            clock_of(r.sealed_until_ms, a, sizeof(a));
            printf("verified before it / ervoor gecontroleerd: 0:00:00.0 - %s (%u seals / zegels)\n", a, r.seals);
        }
        status = 1;
    } else {
        fprintf(stderr, "beeldbel-verify: %s / %s\n", bb_strerror(rc), bb_strerror_nl(rc));
    }
out:
    bb_trust_free(trust);
    free(root_pem);
    free(crl_pem);
    free(file);
    free(man);
    return status;
}
