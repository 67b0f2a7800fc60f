/*
 * beeldbel-contact: the contact service (callback requests, officer console
 * API, call invitations). Configured by environment (see usage()); runs
 * until SIGTERM or SIGINT, then stops cleanly.
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>

#include <curl/curl.h>

#include "beeldbel/error.h"
#include "mbedtls/platform_util.h"
#include "mbedtls/x509_crt.h"
#include "db.h"
#include "service.h"

static void usage(void)
{
    fprintf(stderr,
            "usage: beeldbel-contact --db FILE | --db postgresql://USER:PASSWORD@HOST:PORT/DATABASE\n"
            "  (or BB_CONTACT_DB: a SQLite file, or PostgreSQL for several instances sharing one database;\n"
            "  then BB_CONTACT_EVIDENCE_DIR is required and BB_CONTACT_DB_CONNECTIONS (4) applies)\n"
            "environment: BB_CONTACT_PORT (8471, 0 = any), BB_CONTACT_RETENTION_DAYS (30),\n"
            "  BB_CONTACT_OPEN_DAYS (14: requests never closed are deleted after this),\n"
            "  BB_CONTACT_INVITE_TTL seconds (1800), BB_CONTACT_CREATE_PER_HOUR (20),\n"
            "  BB_CONTACT_CALLS_PER_MINUTE (120), BB_CONTACT_PROXY_HOPS (0: no proxy in front),\n"
            "  BB_CONTACT_SESSION_MAX seconds (28800), BB_CONTACT_SESSION_IDLE seconds (1200),\n"
            "  BB_CONTACT_SYNC (normal|full),\n"
            "  BB_SITE_URL, BB_CONSOLE_URL, BB_JANUS_HTTP_URL, BB_JANUS_WS_URL, BB_JANUS_TOKEN_SECRET,\n"
            "  BB_VIDEOROOM_ADMIN_KEY,\n"
            "  BB_JANUS_SERVERS (several Janus servers: HTTP_URL|WS_URL,HTTP_URL|WS_URL...; instead of\n"
            "  BB_JANUS_HTTP_URL and BB_JANUS_WS_URL),\n"
            "  BB_CONTACT_TSA_KEY and BB_CONTACT_TSA_CERT (PEM files: the time-stamping service),\n"
            "  BB_CONTACT_POLICE_ROOT and BB_CONTACT_POLICE_CRL (PEM files: signed statements are\n"
            "  kept only when their officer's certificate chains to this root)\n"
            "gebruik: beeldbel-contact --db BESTAND | --db postgresql://... (of BB_CONTACT_DB;\n"
            "  instellingen via de omgeving, zie boven)\n");
}

/* A whole number from the environment in [min, max], or def when unset. */
static int env_num(const char *name, double def, double min, double max, double *out)
{
    const char *v = getenv(name);
    if (!v || !*v) {
        *out = def;
        return 0;
    }
    char *end;
    errno = 0;
    double d = strtod(v, &end);
    if (errno || *end || end == v || d < min || d > max || d != (double)(long long)d) {
        fprintf(stderr, "contact: %s must be a number from %g to %g (%s moet een getal van %g tot %g zijn)\n",
                name, min, max, name, min, max);
        return -1;
    }
    *out = d;
    return 0;
}

static int os_random(uint8_t *buf, size_t len)
{
    while (len > 0) {
        ssize_t n = getrandom(buf, len, 0);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return BB_E_CRYPTO;
        buf += n;
        len -= (size_t)n;
    }
    return BB_OK;
}

/* The whole of a small file as a NUL-terminated string; NULL if unreadable. */
static char *read_small_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    char *buf = malloc(16384);
    size_t n = buf ? fread(buf, 1, 16383, f) : 0;
    int whole = buf && feof(f) && !ferror(f);
    fclose(f);
    if (!whole) {
        free(buf);
        return NULL;
    }
    buf[n] = 0;
    return buf;
}

/* The time-stamping service's key and certificate, when configured: 0;
 * -1 (said why) when configured but unusable. */
static int load_tsa(bb_contact_config *cfg, char **key, mbedtls_x509_crt *crt)
{
    const char *kp = getenv("BB_CONTACT_TSA_KEY"), *cp = getenv("BB_CONTACT_TSA_CERT");
    if ((!kp || !*kp) && (!cp || !*cp))
        return 0;
    char *cert = cp ? read_small_file(cp) : NULL;
    *key = kp ? read_small_file(kp) : NULL;
    int ok = *key && cert && !mbedtls_x509_crt_parse(crt, (const unsigned char *)cert, strlen(cert) + 1);
    free(cert);
    if (!ok) {
        fprintf(stderr, "contact: BB_CONTACT_TSA_KEY and BB_CONTACT_TSA_CERT must name a readable key and "
                        "certificate (moeten een leesbare sleutel en certificaat aanwijzen)\n");
        return -1;
    }
    cfg->tsa_key_pem = *key;
    cfg->tsa_cert_der = crt->raw.p;
    cfg->tsa_cert_len = crt->raw.len;
    return 0;
}

/* The police root (and revocation list) statements are checked against,
 * when configured: 0; -1 (said why) when configured but unusable. */
static int load_police(bb_contact_config *cfg, bb_trust **trust)
{
    const char *rp = getenv("BB_CONTACT_POLICE_ROOT"), *cp = getenv("BB_CONTACT_POLICE_CRL");
    if (!rp || !*rp)
        return 0;
    char *root = read_small_file(rp), *crl = cp && *cp ? read_small_file(cp) : NULL;
    int ok = root && bb_trust_new(trust, (const uint8_t *)root, strlen(root) + 1) == BB_OK &&
             (!cp || !*cp || (crl && bb_trust_set_crl(*trust, (const uint8_t *)crl, strlen(crl) + 1) == BB_OK));
    free(root);
    free(crl);
    if (!ok) {
        fprintf(stderr, "contact: BB_CONTACT_POLICE_ROOT (and BB_CONTACT_POLICE_CRL) must name the police root "
                        "and its revocation list (moeten de politie-root en intrekkingslijst aanwijzen)\n");
        return -1;
    }
    cfg->police = *trust;
    return 0;
}

int main(int argc, char **argv)
{
    const char *db = NULL;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--db") && i + 1 < argc)
            db = argv[++i];
        else {
            usage();
            return 2;
        }
    }
    if (!db && getenv("BB_CONTACT_DB") && *getenv("BB_CONTACT_DB"))
        db = getenv("BB_CONTACT_DB");
    if (!db) {
        usage();
        return 2;
    }
    const char *ev_dir = getenv("BB_CONTACT_EVIDENCE_DIR");
    if (bb_db_kind_of(db) == BB_DB_POSTGRES && !(ev_dir && *ev_dir)) {
        fprintf(stderr, "contact: with PostgreSQL, BB_CONTACT_EVIDENCE_DIR must name the recordings' folder, shared"
                        " by every instance (met PostgreSQL moet BB_CONTACT_EVIDENCE_DIR de map voor opnamen noemen)\n");
        return 2;
    }
    double port, days, open_days, ttl, create, calls, hops, session_max, session_idle, ev_mb, ev_days;
    if (env_num("BB_CONTACT_PORT", 8471, 0, 65535, &port) ||
        env_num("BB_CONTACT_RETENTION_DAYS", 30, 0, 3650, &days) ||
        env_num("BB_CONTACT_OPEN_DAYS", 14, 0, 3650, &open_days) ||
        env_num("BB_CONTACT_INVITE_TTL", 1800, 1, 7 * 86400, &ttl) ||
        env_num("BB_CONTACT_CREATE_PER_HOUR", 20, 1, 1e9, &create) ||
        env_num("BB_CONTACT_CALLS_PER_MINUTE", 120, 1, 1e9, &calls) ||
        env_num("BB_CONTACT_PROXY_HOPS", 0, 0, 8, &hops) ||
        env_num("BB_CONTACT_SESSION_MAX", 8 * 3600, 1, 86400, &session_max) ||
        env_num("BB_CONTACT_SESSION_IDLE", 20 * 60, 1, 86400, &session_idle) ||
        env_num("BB_CONTACT_EVIDENCE_MAX_MB", 4096, 1, 1 << 20, &ev_mb) ||
        env_num("BB_CONTACT_EVIDENCE_DAYS", 365, 0, 36500, &ev_days))
        return 2;
    /* Recorded interviews beside the database, unless put elsewhere. */
    char evidence[4096];
    snprintf(evidence, sizeof(evidence), "%s", ev_dir && *ev_dir ? ev_dir : db);
    if (!(ev_dir && *ev_dir) && strlen(evidence) + 10 < sizeof(evidence))
        strcat(evidence, "-evidence");
    if (mkdir(evidence, 0700) && errno != EEXIST) {
        fprintf(stderr, "contact: cannot make the evidence directory %s (kan de map voor opnamen niet maken)\n", evidence);
        return 1;
    }
    bb_contact_config cfg = {
        .bind_ip = "127.0.0.1",
        .port = (unsigned)port,
        .proxy_hops = (unsigned)hops,
        .session_max_s = (int64_t)session_max,
        .session_idle_s = (int64_t)session_idle,
        .retention_s = (int64_t)(days * 86400),
        .open_max_s = (int64_t)(open_days * 86400),
        .invite_ttl_s = (int64_t)ttl,
        .create_per_hour = create,
        .calls_per_minute = calls,
        .site_url = getenv("BB_SITE_URL") ? getenv("BB_SITE_URL") : "http://127.0.0.1:8470",
        .console_url = getenv("BB_CONSOLE_URL") ? getenv("BB_CONSOLE_URL") : "http://127.0.0.1:8472",
        .janus_http_url = getenv("BB_JANUS_HTTP_URL"),
        .janus_ws_url = getenv("BB_JANUS_WS_URL") ? getenv("BB_JANUS_WS_URL") : "ws://127.0.0.1:8188",
        .janus_servers = getenv("BB_JANUS_SERVERS") && *getenv("BB_JANUS_SERVERS") ? getenv("BB_JANUS_SERVERS") : NULL,
        .janus_token_secret = getenv("BB_JANUS_TOKEN_SECRET"),
        .videoroom_admin_key = getenv("BB_VIDEOROOM_ADMIN_KEY"),
        .evidence_dir = evidence,
        .evidence_max_bytes = (int64_t)ev_mb * 1000000,
        .evidence_retention_s = (int64_t)(ev_days * 86400),
        .random = os_random,
    };
    char *tsa_key = NULL;
    mbedtls_x509_crt tsa_cert;
    mbedtls_x509_crt_init(&tsa_cert);
    bb_trust *police = NULL;
    if (load_tsa(&cfg, &tsa_key, &tsa_cert) || load_police(&cfg, &police))
        return 2;
    /* Handle signals synchronously: block them before any thread starts. */
    sigset_t sigs;
    sigemptyset(&sigs);
    sigaddset(&sigs, SIGTERM);
    sigaddset(&sigs, SIGINT);
    pthread_sigmask(SIG_BLOCK, &sigs, NULL);
    signal(SIGPIPE, SIG_IGN);

    /* libcurl's global set-up is not thread-safe: do it before any thread. */
    curl_global_init(CURL_GLOBAL_DEFAULT);
    bb_store *store;
    if (bb_store_open(db, &store) != BB_OK) {
        fprintf(stderr, "contact: cannot open the database (kan de database niet openen)\n");
        return 1;
    }
    bb_contact_service *svc;
    if (bb_contact_service_start(&cfg, store, &svc) != BB_OK) {
        fprintf(stderr, "contact: cannot listen on 127.0.0.1:%u (kan niet luisteren op die poort)\n",
                cfg.port);
        bb_store_close(store);
        return 1;
    }
    printf("contact: listening on http://127.0.0.1:%u/api/v1/\n", bb_contact_service_port(svc));
    fflush(stdout);
    int sig = 0;
    sigwait(&sigs, &sig);
    bb_contact_service_stop(svc);
    bb_store_close(store);
    curl_global_cleanup();
    mbedtls_x509_crt_free(&tsa_cert);
    bb_trust_free(police);
    if (tsa_key) {
        mbedtls_platform_zeroize(tsa_key, strlen(tsa_key));
        free(tsa_key);
    }
    fprintf(stderr, "contact: stopped (gestopt)\n");
    return 0;
}
