/*
 * beeldbel-ca — the demo police certificate authority, on the command line.
 *
 *   beeldbel-ca init   DIR [--cn NAME] [--years N]
 *   beeldbel-ca issue  DIR --name NAME --team TEAM --neighbourhood WIJK --id NUMBER
 *                          [--hours N] [--out PREFIX]
 *   beeldbel-ca tsa    DIR [--cn NAME] [--years N]   (the time-stamping service's
 *                          key and certificate, DIR/tsa.{key,pem}, made once)
 *   beeldbel-ca revoke DIR SERIAL
 *   beeldbel-ca crl    DIR [--hours N]
 *   beeldbel-ca verify DIR CERT [--id NUMBER]
 *   beeldbel-ca crl-time DIR   (the current list's thisUpdate, Unix seconds:
 *                               the floor seal-bundle.mjs writes into the widget)
 * Every command also takes --now UNIX_SECONDS (default: the clock).
 * NUMBER is the officer number (identity.h): the same in every certificate
 * of one officer, never shared by two; invitations name the officer by it.
 *
 * DIR holds root.key (mode 600), root.pem, serial (the next serial number),
 * revoked (one serial a line), crl.pem, and officers/<serial>.{pem,key}.
 * Officer certificates are short-lived (default 12 hours); `issue` and
 * `revoke` rewrite crl.pem (default valid 7 days), which the widget checks.
 * Real keys: randomness comes from the operating system.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "beeldbel/ca.h"
#include "beeldbel/crypto.h"
#include "beeldbel/error.h"
#include "beeldbel/identity.h"

#define DEFAULT_CRL_HOURS 168

struct opts {
    const char *cn, *name, *team, *hood, *out, *id;
    int64_t now, hours, years;
};

static void usage(void)
{
    fputs("usage / gebruik:\n"
          "  beeldbel-ca init   DIR [--cn NAME] [--years N]\n"
          "  beeldbel-ca issue  DIR --name NAME --team TEAM --neighbourhood WIJK --id NUMBER\n"
          "                         [--hours N] [--out PREFIX]\n"
          "  beeldbel-ca tsa    DIR [--cn NAME] [--years N]\n"
          "  beeldbel-ca revoke DIR SERIAL\n"
          "  beeldbel-ca crl    DIR [--hours N]\n"
          "  beeldbel-ca verify DIR CERT [--id NUMBER]\n"
          "  beeldbel-ca crl-time DIR\n"
          "  (every command: [--now UNIX_SECONDS])\n", stderr);
}

static int fail(const char *en, const char *nl, const char *what)
{
    fprintf(stderr, "beeldbel-ca: %s%s%s / %s%s%s\n", en, what ? ": " : "", what ? what : "",
            nl, what ? ": " : "", what ? what : "");
    return 1;
}

static int fail_rc(const char *en, const char *nl, int rc)
{
    fprintf(stderr, "beeldbel-ca: %s: %s / %s: %s\n", en, bb_strerror(rc), nl, bb_strerror_nl(rc));
    return 1;
}

static char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    char *buf = malloc(1 << 20);
    size_t n = buf ? fread(buf, 1, (1 << 20) - 1, f) : 0;
    fclose(f);
    if (!buf)
        return NULL;
    buf[n] = 0;
    if (len)
        *len = n;
    return buf;
}

static int write_file(const char *path, const char *text, mode_t mode)
{
    char tmp[4200];
    snprintf(tmp, sizeof(tmp), "%s.tmp", path);
    FILE *f = fopen(tmp, "wb");
    if (!f)
        return -1;
    chmod(tmp, mode);
    size_t n = strlen(text);
    int ok = fwrite(text, 1, n, f) == n;
    ok = (fclose(f) == 0) && ok;
    return ok && rename(tmp, path) == 0 ? 0 : -1; /* never a half-written key */
}

static void path_in(char *out, size_t cap, const char *dir, const char *name)
{
    snprintf(out, cap, "%s/%s", dir, name);
}

static int parse_i64(const char *s, int64_t *v)
{
    char *end;
    errno = 0;
    long long x = strtoll(s, &end, 10);
    if (errno || *end || end == s)
        return -1;
    *v = x;
    return 0;
}

/* Serials listed in DIR/revoked. */
static size_t load_revoked(const char *dir, uint64_t *out, size_t cap)
{
    char p[4096];
    path_in(p, sizeof(p), dir, "revoked");
    char *text = read_file(p, NULL);
    size_t n = 0;
    for (char *line = text ? strtok(text, "\n") : NULL; line && n < cap; line = strtok(NULL, "\n")) {
        char *end;
        unsigned long long v = strtoull(line, &end, 10);
        if (end != line)
            out[n++] = v;
    }
    free(text);
    return n;
}

static int write_crl(const char *dir, int64_t now, int64_t hours)
{
    char pk[4096], pc[4096], po[4096];
    static uint64_t serials[1000];
    static char crl[200000];
    path_in(pk, sizeof(pk), dir, "root.key");
    path_in(pc, sizeof(pc), dir, "root.pem");
    path_in(po, sizeof(po), dir, "crl.pem");
    char *key = read_file(pk, NULL), *cert = read_file(pc, NULL);
    if (!key || !cert) {
        free(key);
        free(cert);
        return fail("no CA in this directory (run init)", "geen CA in deze map (voer init uit)", dir);
    }
    size_t n = load_revoked(dir, serials, 1000);
    /* The list's number is its time: each new list's is higher (the widget
     * refuses one that goes back), with no counter to keep. */
    int rc = bb_ca_make_crl(key, cert, serials, n, now - 60, now + hours * 3600, (uint64_t)now, crl,
                            sizeof(crl), bb_rng_os, NULL);
    free(key);
    free(cert);
    if (rc)
        return fail_rc("cannot make the revocation list", "kan de intrekkingslijst niet maken", rc);
    if (write_file(po, crl, 0644))
        return fail("cannot write", "kan niet schrijven", po);
    printf("crl %s (%zu revoked / ingetrokken)\n", po, n);
    return 0;
}

static int cmd_init(const char *dir, const struct opts *o)
{
    char pk[4096], pc[4096], ps[4096];
    static char key[BB_CA_PEM_MAX], cert[BB_CA_PEM_MAX];
    path_in(pk, sizeof(pk), dir, "root.key");
    path_in(pc, sizeof(pc), dir, "root.pem");
    path_in(ps, sizeof(ps), dir, "serial");
    struct stat st;
    if (stat(pk, &st) == 0)
        return fail("a CA already exists here", "hier bestaat al een CA", dir);
    if (mkdir(dir, 0700) && errno != EEXIST)
        return fail("cannot create", "kan niet aanmaken", dir);
    int rc = bb_ca_make_key(key, sizeof(key), bb_rng_os, NULL);
    if (!rc)
        rc = bb_ca_make_root(key, o->cn ? o->cn : "Politie Demo Root CA", 1, o->now - 3600, o->now + o->years * 365 * 86400,
                             cert, sizeof(cert), bb_rng_os, NULL);
    if (rc)
        return fail_rc("cannot make the root CA", "kan de root-CA niet maken", rc);
    if (write_file(pk, key, 0600) || write_file(pc, cert, 0644) || write_file(ps, "1000\n", 0644))
        return fail("cannot write", "kan niet schrijven", dir);
    printf("root %s\n", pc);
    return write_crl(dir, o->now, DEFAULT_CRL_HOURS);
}

/* The CA's key and certificate (the caller frees them) and the next serial
 * number, whose file's path goes into ps. 0, or 1 having said why. */
static int load_ca(const char *dir, char **ca_key, char **ca_cert, int64_t *serial, char *ps,
                   size_t ps_cap)
{
    char pk[4096], pc[4096];
    path_in(pk, sizeof(pk), dir, "root.key");
    path_in(pc, sizeof(pc), dir, "root.pem");
    path_in(ps, ps_cap, dir, "serial");
    char *ser = read_file(ps, NULL);
    *ca_key = read_file(pk, NULL);
    *ca_cert = read_file(pc, NULL);
    *serial = 0;
    if (!*ca_key || !*ca_cert || !ser || parse_i64(strtok(ser, "\n") ? ser : "", serial) || *serial < 1) {
        free(*ca_key), free(*ca_cert), free(ser);
        return fail("no CA in this directory (run init)", "geen CA in deze map (voer init uit)", dir);
    }
    free(ser);
    return 0;
}

/* Writes an issued key (mode 600) and certificate, then the next serial
 * number, and says where they are. 0, or 1 having said why. */
static int save_issued(const char *kp, const char *key, const char *pem, const char *cert,
                       const char *ps, int64_t serial)
{
    char next[32];
    snprintf(next, sizeof(next), "%" PRId64 "\n", serial + 1);
    if (write_file(kp, key, 0600) || write_file(pem, cert, 0644) || write_file(ps, next, 0644))
        return fail("cannot write", "kan niet schrijven", pem);
    printf("serial %" PRId64 "\ncert %s\nkey %s\n", serial, pem, kp);
    return 0;
}

/* The police time-stamping service's key and certificate, DIR/tsa.{key,pem},
 * made once. */
static int cmd_tsa(const char *dir, const struct opts *o)
{
    char ps[4096], pem[4200], kp[4200];
    static char key[BB_CA_PEM_MAX], cert[BB_CA_PEM_MAX];
    path_in(pem, sizeof(pem), dir, "tsa.pem");
    path_in(kp, sizeof(kp), dir, "tsa.key");
    char *have = read_file(pem, NULL), *have_key = read_file(kp, NULL);
    int exists = have && have_key;
    free(have);
    free(have_key);
    if (exists) {
        printf("cert %s\nkey %s\n", pem, kp);
        return 0;
    }
    char *ca_key, *ca_cert;
    int64_t serial;
    if (load_ca(dir, &ca_key, &ca_cert, &serial, ps, sizeof(ps)))
        return 1;
    int rc = bb_ca_make_key(key, sizeof(key), bb_rng_os, NULL);
    if (!rc)
        rc = bb_ca_issue_tsa(ca_key, ca_cert, key, o->cn ? o->cn : "Politie Tijdstempeldienst (demo)",
                             (uint64_t)serial, o->now - 300, o->now + o->years * 365 * 86400,
                             cert, sizeof(cert), bb_rng_os, NULL);
    free(ca_key);
    free(ca_cert);
    if (rc)
        return fail_rc("cannot issue the certificate", "kan het certificaat niet uitgeven", rc);
    return save_issued(kp, key, pem, cert, ps, serial);
}

static int cmd_issue(const char *dir, const struct opts *o)
{
    if (!o->name || !o->team || !o->hood || !o->id) {
        usage();
        return fail("--name, --team, --neighbourhood and --id are required",
                    "--name, --team, --neighbourhood en --id zijn verplicht", NULL);
    }
    if (!bb_officer_id_valid(o->id))
        return fail("an officer number is 1 to 32 of 0-9, A-Z, a-z and -",
                    "een agentnummer is 1 tot 32 tekens uit 0-9, A-Z, a-z en -", o->id);
    char ps[4096], out[4096], pem[4200], kp[4200];
    static char key[BB_CA_PEM_MAX], cert[BB_CA_PEM_MAX];
    char *ca_key, *ca_cert;
    int64_t serial;
    if (load_ca(dir, &ca_key, &ca_cert, &serial, ps, sizeof(ps)))
        return 1;
    bb_officer_subject s = {o->name, o->team, o->hood, o->id};
    int rc = bb_ca_make_key(key, sizeof(key), bb_rng_os, NULL);
    if (!rc)
        rc = bb_ca_issue_officer(ca_key, ca_cert, key, &s, (uint64_t)serial, o->now - 300,
                                 o->now + o->hours * 3600, cert, sizeof(cert), bb_rng_os, NULL);
    free(ca_key);
    free(ca_cert);
    if (rc == BB_E_ARG)
        return fail("invalid name, team or neighbourhood (max 64 bytes; no , = + \" \\ < > ; #)",
                    "ongeldige naam, team of wijk (max 64 bytes; geen , = + \" \\ < > ; #)", NULL);
    if (rc)
        return fail_rc("cannot issue the certificate", "kan het certificaat niet uitgeven", rc);
    if (o->out) {
        snprintf(out, sizeof(out), "%s", o->out);
    } else {
        char od[4096];
        path_in(od, sizeof(od), dir, "officers");
        mkdir(od, 0700);
        snprintf(out, sizeof(out), "%s/%" PRId64, od, serial);
    }
    snprintf(pem, sizeof(pem), "%s.pem", out);
    snprintf(kp, sizeof(kp), "%s.key", out);
    return save_issued(kp, key, pem, cert, ps, serial);
}

static int cmd_revoke(const char *dir, const char *serial_s, const struct opts *o)
{
    int64_t serial;
    if (!serial_s || parse_i64(serial_s, &serial) || serial < 1)
        return fail("not a serial number", "geen serienummer", serial_s);
    char p[4096];
    path_in(p, sizeof(p), dir, "revoked");
    FILE *f = fopen(p, "a");
    if (!f)
        return fail("cannot write", "kan niet schrijven", p);
    fprintf(f, "%" PRId64 "\n", serial);
    fclose(f);
    printf("revoked / ingetrokken %" PRId64 "\n", serial);
    return write_crl(dir, o->now, o->hours ? o->hours : DEFAULT_CRL_HOURS);
}

/* The CA's root with its current list installed (checked as the widget
 * checks it). */
static int load_trust(const char *dir, bb_trust **t)
{
    char pc[4096], pl[4096];
    path_in(pc, sizeof(pc), dir, "root.pem");
    path_in(pl, sizeof(pl), dir, "crl.pem");
    size_t rl, ll;
    char *root = read_file(pc, &rl), *crl = read_file(pl, &ll);
    *t = NULL;
    int rc = root ? bb_trust_new(t, (uint8_t *)root, rl) : BB_E_ARG;
    if (!rc && crl)
        rc = bb_trust_set_crl(*t, (uint8_t *)crl, ll);
    free(root), free(crl);
    if (rc) {
        bb_trust_free(*t);
        *t = NULL;
    }
    return rc;
}

static int cmd_verify(const char *dir, const char *cert_path, const struct opts *o)
{
    size_t cl;
    char *cert = cert_path ? read_file(cert_path, &cl) : NULL;
    bb_trust *t = NULL;
    int rc = cert ? load_trust(dir, &t) : BB_E_ARG;
    bb_officer_result r;
    if (!rc)
        rc = bb_trust_verify_officer(t, (uint8_t *)cert, cl, o->id, o->now, &r);
    bb_trust_free(t);
    free(cert);
    if (rc && rc != BB_E_AUTH)
        return fail_rc("cannot verify", "kan niet controleren", rc);
    printf("status %s\n%s\n%s\n", bb_officer_status_name(r.status), bb_officer_status_text(r.status, 0),
           bb_officer_status_text(r.status, 1));
    if (r.name[0])
        printf("name %s\nteam %s\nneighbourhood %s\nofficer_id %s\nnot_after %" PRId64
               "\nserial %s\n", r.name, r.team, r.neighbourhood, r.officer_id, r.not_after, r.serial);
    return r.status == BB_OFFICER_OK ? 0 : 2;
}

static int cmd_crl_time(const char *dir)
{
    bb_trust *t = NULL;
    int64_t this_update = 0;
    int rc = load_trust(dir, &t);
    if (!rc)
        rc = bb_trust_crl_info(t, &this_update, NULL);
    bb_trust_free(t);
    if (rc)
        return fail_rc("no valid revocation list", "geen geldige intrekkingslijst", rc);
    printf("%" PRId64 "\n", this_update);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        usage();
        return 1;
    }
    struct opts o = {NULL, NULL, NULL, NULL, NULL, NULL, (int64_t)time(NULL), 0, 10};
    const char *cmd = argv[1], *dir = argv[2], *arg = NULL;
    for (int i = 3; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        int64_t num;
        if (a[0] != '-' && !arg) {
            arg = a;
            continue;
        }
        if (!v)
            return fail("missing value for", "waarde ontbreekt voor", a);
        i++;
        if (!strcmp(a, "--cn")) o.cn = v;
        else if (!strcmp(a, "--name")) o.name = v;
        else if (!strcmp(a, "--team")) o.team = v;
        else if (!strcmp(a, "--neighbourhood")) o.hood = v;
        else if (!strcmp(a, "--out")) o.out = v;
        else if (!strcmp(a, "--id")) o.id = v;
        else if (!parse_i64(v, &num) && !strcmp(a, "--now")) o.now = num;
        else if (!parse_i64(v, &num) && num > 0 && num < 100000 && !strcmp(a, "--hours")) o.hours = num;
        else if (!parse_i64(v, &num) && num > 0 && num < 50 && !strcmp(a, "--years")) o.years = num;
        else {
            usage();
            return fail("unknown option or bad value", "onbekende optie of foute waarde", a);
        }
    }
    if (!strcmp(cmd, "init"))
        return cmd_init(dir, &o);
    if (!strcmp(cmd, "issue")) {
        if (!o.hours)
            o.hours = 12;
        int rc = cmd_issue(dir, &o);
        return rc ? rc : write_crl(dir, o.now, DEFAULT_CRL_HOURS);
    }
    if (!strcmp(cmd, "tsa"))
        return cmd_tsa(dir, &o);
    if (!strcmp(cmd, "revoke"))
        return cmd_revoke(dir, arg, &o);
    if (!strcmp(cmd, "crl"))
        return write_crl(dir, o.now, o.hours ? o.hours : DEFAULT_CRL_HOURS);
    if (!strcmp(cmd, "verify"))
        return cmd_verify(dir, arg, &o);
    if (!strcmp(cmd, "crl-time"))
        return cmd_crl_time(dir);
    usage();
    return fail("unknown command", "onbekende opdracht", cmd);
}
