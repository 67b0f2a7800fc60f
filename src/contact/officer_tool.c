/*
 * beeldbel-officer: officer accounts for the contact service.
 * The database: --db FILE (SQLite), or BB_CONTACT_DB (a SQLite file, or
 * PostgreSQL's postgresql:// URI) without --db.
 *   beeldbel-officer --db FILE add USER --name NAME --team TEAM --neighbourhoods a,b
 *                    --number NUMBER [--iterations N]   (password: first line of stdin)
 *   beeldbel-officer --db FILE add USER --role team-lead --name NAME --team TEAM --neighbourhoods a,b
 *                    (a team lead: reads the pilot's figures of those neighbourhoods, nothing else)
 *   beeldbel-officer --db FILE add USER --role service-centre --name NAME --team TEAM
 *                    (an account of the 0900-8844 service centre: enters requests for
 *                    callers, sees no queue, has no neighbourhoods or officer number)
 *   beeldbel-officer --db FILE number USER NUMBER
 *   beeldbel-officer --db FILE password USER [--iterations N]  (new password: first line of stdin;
 *                    the account's sessions end)
 *   beeldbel-officer --db FILE has USER   (exit 0 when the account exists, 1 when not)
 *   beeldbel-officer --db FILE totp USER  (a new second factor: prints its secret and the
 *                    otpauth:// address an authenticator app takes; the account's sessions end)
 *   beeldbel-officer --db FILE totp-reset USER  (no second factor until the next `totp`)
 * NUMBER is the officer number in the officer's police certificate
 * (identity.h): the citizen's widget shows the officer as verified only for
 * a certificate with the number of the account that invited them.
 * Passwords are stored as PBKDF2-HMAC-SHA256 with a random 16-byte salt.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "beeldbel/contact.h"
#include "beeldbel/error.h"
#include "beeldbel/identity.h"
#include "store.h"

#define MIN_ITERATIONS 10000      /* tests use this; never lower */

static int fail(const char *en, const char *nl)
{
    fprintf(stderr, "officer: %s (%s)\n", en, nl);
    return 1;
}

static int neighbourhoods_ok(const char *list)
{
    char copy[256], *save = NULL;
    if (strlen(list) >= sizeof(copy) || !*list)
        return 0;
    strcpy(copy, list);
    for (char *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save))
        if (!bb_neighbourhood_known(t))
            return 0;
    return list[strlen(list) - 1] != ',' && !strstr(list, ",,") && list[0] != ',';
}

/* Reads the password (first line of stdin, 12-256 characters) and fills
 * o's salt, hash and iterations. 0, or 1 with the reason on stderr. */
static int hash_password(bb_officer *o, long iterations)
{
    char pw[300];
    if (!fgets(pw, sizeof(pw), stdin))
        return fail("no password on stdin", "geen wachtwoord via stdin");
    pw[strcspn(pw, "\r\n")] = 0;
    if (strlen(pw) < 12 || strlen(pw) > 256) {
        memset(pw, 0, sizeof(pw));
        return fail("the password needs 12 to 256 characters", "het wachtwoord moet 12 tot 256 tekens hebben");
    }
    o->iterations = (uint32_t)iterations;
    int rc = getrandom(o->salt, sizeof(o->salt), 0) != (ssize_t)sizeof(o->salt)
                 ? fail("no randomness", "geen willekeur beschikbaar")
             : bb_pbkdf2_sha256((const uint8_t *)pw, strlen(pw), o->salt, sizeof(o->salt), o->iterations,
                                o->hash, sizeof(o->hash)) != BB_OK
                 ? fail("hashing failed", "hashen mislukt")
                 : 0;
    memset(pw, 0, sizeof(pw));
    return rc;
}

int main(int argc, char **argv)
{
    const char *db = NULL, *user = NULL, *name = NULL, *team = NULL, *nbs = NULL, *number = NULL;
    const char *role = "officer";
    long iterations = BB_PBKDF2_ITERATIONS;
    int add = 0, set_number = 0, set_password = 0, has = 0, totp = 0, totp_reset = 0;
    for (int i = 1; i < argc; i++) {
        int more = i + 1 < argc;
        if (!strcmp(argv[i], "--db") && more) db = argv[++i];
        else if (!strcmp(argv[i], "--name") && more) name = argv[++i];
        else if (!strcmp(argv[i], "--team") && more) team = argv[++i];
        else if (!strcmp(argv[i], "--neighbourhoods") && more) nbs = argv[++i];
        else if (!strcmp(argv[i], "--iterations") && more) iterations = strtol(argv[++i], NULL, 10);
        else if (!strcmp(argv[i], "--number") && more) number = argv[++i];
        else if (!strcmp(argv[i], "--role") && more) role = argv[++i];
        else if (!strcmp(argv[i], "add") && more) { add = 1; user = argv[++i]; }
        else if (!strcmp(argv[i], "number") && i + 2 < argc) { set_number = 1; user = argv[++i]; number = argv[++i]; }
        else if (!strcmp(argv[i], "password") && more) { set_password = 1; user = argv[++i]; }
        else if (!strcmp(argv[i], "has") && more) { has = 1; user = argv[++i]; }
        else if (!strcmp(argv[i], "totp") && more) { totp = 1; user = argv[++i]; }
        else if (!strcmp(argv[i], "totp-reset") && more) { totp_reset = 1; user = argv[++i]; }
        else {
            fprintf(stderr, "usage: beeldbel-officer --db FILE add USER --name NAME --team TEAM"
                            " --neighbourhoods groningen-noord[,groningen-zuid] --number NUMBER"
                            " [--iterations N]\n"
                            "  (password on stdin / wachtwoord via stdin)\n"
                            "       beeldbel-officer --db FILE add USER --role team-lead --name NAME --team TEAM"
                            " --neighbourhoods LIST\n"
                            "       beeldbel-officer --db FILE add USER --role service-centre --name NAME --team TEAM\n"
                            "       beeldbel-officer --db FILE number USER NUMBER\n"
                            "       beeldbel-officer --db FILE password USER [--iterations N]"
                            "  (password on stdin / wachtwoord via stdin)\n"
                            "       beeldbel-officer --db FILE has USER\n"
                            "       beeldbel-officer --db FILE totp USER | totp-reset USER\n");
            return 2;
        }
    }
    /* PostgreSQL's URI (with its password) comes from the environment,
     * never argv, which every user of the machine can read. */
    if (!db && getenv("BB_CONTACT_DB") && *getenv("BB_CONTACT_DB"))
        db = getenv("BB_CONTACT_DB");
    if (number && !bb_officer_id_valid(number))
        return fail("an officer number is 1 to 32 of 0-9, A-Z, a-z and -",
                    "een agentnummer is 1 tot 32 tekens uit 0-9, A-Z, a-z en -");
    if (set_number && db) {
        bb_store *s;
        if (bb_store_open(db, &s) != BB_OK)
            return fail("cannot open the database", "kan de database niet openen");
        int rc = bb_store_set_officer_number(s, user, number);
        bb_store_close(s);
        if (rc == BB_E_AGAIN)
            return fail("no such user", "die gebruiker bestaat niet");
        if (rc != BB_OK)
            return fail("cannot store the number", "kan het nummer niet opslaan");
        printf("officer: %s has number %s (heeft nummer)\n", user, number);
        return 0;
    }
    if (iterations < MIN_ITERATIONS || iterations > 10000000)
        return fail("--iterations must be 10000..10000000", "--iterations moet 10000..10000000 zijn");
    if ((totp || totp_reset) && db) {
        uint8_t key[BB_TOTP_KEY_BYTES];
        if (totp && getrandom(key, sizeof(key), 0) != (ssize_t)sizeof(key))
            return fail("no randomness", "geen willekeur beschikbaar");
        bb_store *s;
        if (bb_store_open(db, &s) != BB_OK)
            return fail("cannot open the database", "kan de database niet openen");
        int rc = bb_store_set_officer_totp(s, user, totp ? key : NULL);
        bb_store_close(s);
        if (rc == BB_E_AGAIN)
            return fail("no such user", "die gebruiker bestaat niet");
        if (rc != BB_OK)
            return fail("cannot store the second factor", "kan de tweede factor niet opslaan");
        if (totp_reset) {
            printf("officer: %s has no second factor now (geen tweede factor meer)\n", user);
            return 0;
        }
        char b32[40], uri[BB_TOTP_URI_MAX];
        bb_base32(key, sizeof(key), b32);
        int urc = bb_totp_uri(key, user, uri, sizeof(uri));
        memset(key, 0, sizeof(key));
        if (urc != BB_OK)
            return fail("user name too long for a link", "gebruikersnaam te lang voor een link");
        printf("secret %s\n%s\n", b32, uri);
        return 0;
    }
    if ((has || set_password) && db) {
        bb_officer o = {0};
        if (set_password && hash_password(&o, iterations))
            return 1;
        bb_store *s;
        if (bb_store_open(db, &s) != BB_OK)
            return fail("cannot open the database", "kan de database niet openen");
        int rc = has ? bb_store_officer_by_name(s, user, &o) : bb_store_set_officer_password(s, user, &o);
        bb_store_close(s);
        memset(&o, 0, sizeof(o));
        if (rc == BB_E_AGAIN)
            return has ? 1 : fail("no such user", "die gebruiker bestaat niet");
        if (rc != BB_OK)
            return fail("cannot read or store the account", "kan het account niet lezen of opslaan");
        if (set_password)
            printf("officer: new password for %s (nieuw wachtwoord)\n", user);
        return 0;
    }
    /* officer: neighbourhoods and number; team lead: neighbourhoods (whose
     * figures they read); service centre: neither. */
    int centre = !strcmp(role, "service-centre"), lead = !strcmp(role, "team-lead");
    if (!centre && !lead && strcmp(role, "officer"))
        return fail("--role is officer, team-lead or service-centre", "--role is officer, team-lead of service-centre");
    if ((centre && nbs) || ((centre || lead) && number))
        return fail("a service centre account has no neighbourhoods, and only officers have a number",
                    "een servicecentrum-account heeft geen wijken, en alleen agenten hebben een nummer");
    if (!db || !add || !name || !team || (!centre && !nbs) || (!centre && !lead && !number))
        return fail("--db, add USER, --name, --team, --neighbourhoods (not for the service centre) and --number"
                    " (officers) are required",
                    "--db, add USER, --name, --team, --neighbourhoods (niet voor het servicecentrum) en --number"
                    " (agenten) zijn verplicht");
    bb_officer o = {0};
    snprintf(o.role, sizeof(o.role), "%s", centre ? "service_centre" : lead ? "team_lead" : "officer");
    if (strlen(user) < 2 || strlen(user) > 64 ||
        strspn(user, "abcdefghijklmnopqrstuvwxyz0123456789._-") != strlen(user))
        return fail("user name: 2-64 of a-z 0-9 . _ -", "gebruikersnaam: 2-64 tekens a-z 0-9 . _ -");
    /* Citizens read both: no invisible or direction-control characters. */
    int name_rc = bb_contact_check_text(name, 100, 0), team_rc = bb_contact_check_text(team, 100, 0);
    if (name_rc == BB_E_PROTO || team_rc == BB_E_PROTO)
        return fail("name and team: no invisible or direction-control characters",
                    "naam en team: geen onzichtbare tekens of tekens die de leesrichting omdraaien");
    if (name_rc || team_rc || strlen(name) > 100 || strlen(team) > 100)
        return fail("name and team: 1-100 characters", "naam en team: 1-100 tekens");
    if (!centre && !neighbourhoods_ok(nbs))
        return fail("unknown neighbourhood in --neighbourhoods", "onbekende wijk in --neighbourhoods");
    snprintf(o.username, sizeof(o.username), "%s", user);
    snprintf(o.display_name, sizeof(o.display_name), "%s", name);
    snprintf(o.team, sizeof(o.team), "%s", team);
    snprintf(o.neighbourhoods, sizeof(o.neighbourhoods), "%s", centre ? "" : nbs);
    snprintf(o.number, sizeof(o.number), "%s", number ? number : "");
    if (hash_password(&o, iterations))
        return 1;
    bb_store *s;
    if (bb_store_open(db, &s) != BB_OK)
        return fail("cannot open the database", "kan de database niet openen");
    int rc = bb_store_add_officer(s, &o);
    bb_store_close(s);
    if (rc == BB_E_STATE)
        return fail("that user name exists", "die gebruikersnaam bestaat al");
    if (rc != BB_OK)
        return fail("cannot store the officer", "kan de agent niet opslaan");
    printf("officer: added %s (toegevoegd)\n", user);
    return 0;
}
