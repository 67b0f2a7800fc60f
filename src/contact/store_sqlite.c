/*
 * The embedded storage: one SQLite database in WAL mode. Every write is a
 * committed transaction before the function returns, so a request the API
 * acknowledged is in the WAL file; synchronous=NORMAL makes that survive a
 * crash or kill -9 of the service (only a power loss could lose the last
 * commits; BB_CONTACT_SYNC=full trades speed for that too).
 * One connection, one mutex: SQLite serialises writers anyway, and the
 * service's statements take microseconds.
 */
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "beeldbel/error.h"
#include "store.h"

struct bb_store {
    sqlite3 *db;
    pthread_mutex_t lock;
};

static const char SCHEMA[] =
    "CREATE TABLE IF NOT EXISTS requests ("
    " id INTEGER PRIMARY KEY, reference TEXT NOT NULL UNIQUE, status TEXT NOT NULL,"
    " name TEXT NOT NULL, phone TEXT NOT NULL, email TEXT NOT NULL, neighbourhood TEXT NOT NULL,"
    " topic TEXT NOT NULL, preference TEXT NOT NULL, win TEXT NOT NULL, date TEXT NOT NULL,"
    " needs INTEGER NOT NULL, lang TEXT NOT NULL, created_at INTEGER NOT NULL,"
    " claimed_by INTEGER, claimed_at INTEGER, closed_at INTEGER, outcome TEXT NOT NULL DEFAULT '',"
    " notes TEXT NOT NULL DEFAULT '', via_phone INTEGER NOT NULL DEFAULT 0, consent_at INTEGER,"
    " entered_by INTEGER NOT NULL DEFAULT 0);"
    "CREATE TABLE IF NOT EXISTS feedback_tokens ("
    " token_hash TEXT PRIMARY KEY, neighbourhood TEXT NOT NULL, week TEXT NOT NULL, expires_at INTEGER NOT NULL);"
    "CREATE TABLE IF NOT EXISTS pilot ("
    " week TEXT NOT NULL, neighbourhood TEXT NOT NULL, metric TEXT NOT NULL, value INTEGER NOT NULL,"
    " PRIMARY KEY (week, neighbourhood, metric));"
    "CREATE INDEX IF NOT EXISTS requests_queue ON requests(neighbourhood, status, created_at);"
    "CREATE INDEX IF NOT EXISTS requests_phone ON requests(phone, created_at);"
    "CREATE INDEX IF NOT EXISTS requests_closed ON requests(closed_at);"
    "CREATE TABLE IF NOT EXISTS officers ("
    " id INTEGER PRIMARY KEY, username TEXT NOT NULL UNIQUE, display_name TEXT NOT NULL,"
    " team TEXT NOT NULL, neighbourhoods TEXT NOT NULL, salt BLOB NOT NULL, hash BLOB NOT NULL,"
    " iterations INTEGER NOT NULL, number TEXT NOT NULL DEFAULT '', totp BLOB,"
    " totp_last_step INTEGER NOT NULL DEFAULT 0, totp_pending BLOB,"
    " role TEXT NOT NULL DEFAULT 'officer');"
    "CREATE TABLE IF NOT EXISTS sessions ("
    " key_hash TEXT PRIMARY KEY, officer_id INTEGER NOT NULL, csrf TEXT NOT NULL,"
    " expires_at INTEGER NOT NULL, last_seen INTEGER NOT NULL DEFAULT 0);"
    "CREATE TABLE IF NOT EXISTS invitations ("
    " token_hash TEXT PRIMARY KEY, request_id INTEGER NOT NULL, officer_id INTEGER NOT NULL,"
    " room INTEGER NOT NULL, participant_id TEXT NOT NULL,"
    " expires_at INTEGER NOT NULL, used_at INTEGER, role TEXT NOT NULL DEFAULT 'citizen');"
    "CREATE INDEX IF NOT EXISTS invitations_request ON invitations(request_id);"
    "CREATE TABLE IF NOT EXISTS rooms ("
    " room INTEGER PRIMARY KEY, request_id INTEGER NOT NULL, secret TEXT NOT NULL,"
    " created_at INTEGER NOT NULL, pin TEXT NOT NULL DEFAULT '');"
    "CREATE INDEX IF NOT EXISTS rooms_request ON rooms(request_id);"
    "CREATE TABLE IF NOT EXISTS statements ("
    " id INTEGER PRIMARY KEY, request_id INTEGER NOT NULL REFERENCES requests(id) ON DELETE CASCADE,"
    " officer_id INTEGER NOT NULL, created_at INTEGER NOT NULL, sha256 TEXT NOT NULL, pdf BLOB NOT NULL);"
    "CREATE INDEX IF NOT EXISTS statements_request ON statements(request_id);"
    "CREATE TABLE IF NOT EXISTS recordings ("
    " id INTEGER PRIMARY KEY, request_id INTEGER NOT NULL, officer_id INTEGER NOT NULL,"
    " created_at INTEGER NOT NULL, size INTEGER NOT NULL DEFAULT 0, sealed INTEGER NOT NULL DEFAULT 0,"
    " manifest BLOB);"
    "CREATE TABLE IF NOT EXISTS recording_audit ("
    " at INTEGER NOT NULL, officer_id INTEGER NOT NULL, recording_id INTEGER NOT NULL, action TEXT NOT NULL);";

static int has_column(sqlite3 *db, const char *table, const char *column)
{
    sqlite3_stmt *st = NULL;
    int has = 0;
    if (sqlite3_prepare_v2(db, "SELECT COUNT(*) FROM pragma_table_info(?) WHERE name = ?", -1, &st,
                           NULL) != SQLITE_OK)
        return -1;
    sqlite3_bind_text(st, 1, table, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, column, -1, SQLITE_STATIC);
    if (sqlite3_step(st) == SQLITE_ROW)
        has = sqlite3_column_int(st, 0) > 0;
    sqlite3_finalize(st);
    return has;
}

/* Runs sql (which adds the column) on a database whose table lacks column.
 * 0, or nonzero on an error. */
static int add_column(sqlite3 *db, const char *table, const char *column, const char *sql)
{
    int has = has_column(db, table, column);
    return has < 0 || (!has && sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK);
}

/* Databases from before the call's end-to-end secret moved into the link's
 * fragment kept it with the invitation: the column goes (its values are
 * overwritten, secure_delete), so the service holds nothing that lets it
 * join a call's key agreement. */
static int forget_call_secrets(sqlite3 *db)
{
    int has = has_column(db, "invitations", "invitation_secret");
    return has < 0 || (has && sqlite3_exec(db, "ALTER TABLE invitations DROP COLUMN invitation_secret",
                                           NULL, NULL, NULL) != SQLITE_OK);
}

/* Accounts from before officers were named by their officer number get the
 * column, empty: their invitations show no verified officer until the
 * account is given its number (beeldbel-officer number). */
static int add_officer_numbers(sqlite3 *db)
{
    return add_column(db, "officers", "number", "ALTER TABLE officers ADD COLUMN number TEXT NOT NULL DEFAULT ''");
}

/* Invitations from before interpreters had links of their own were all
 * the citizen's. */
static int add_invitation_roles(sqlite3 *db)
{
    return add_column(db, "invitations", "role",
                      "ALTER TABLE invitations ADD COLUMN role TEXT NOT NULL DEFAULT 'citizen'");
}

/* Databases from before the room PIN moved to the room: rooms get the PIN
 * of their citizen's invitation, and the invitations' copies go. */
static int move_pins_to_rooms(sqlite3 *db)
{
    int has = has_column(db, "invitations", "pin");
    if (has <= 0)
        return has < 0;
    return add_column(db, "rooms", "pin", "ALTER TABLE rooms ADD COLUMN pin TEXT NOT NULL DEFAULT ''") ||
           sqlite3_exec(db,
                        "UPDATE rooms SET pin = IFNULL((SELECT i.pin FROM invitations i WHERE"
                        " i.room = rooms.room ORDER BY i.rowid DESC LIMIT 1), '');"
                        "ALTER TABLE invitations DROP COLUMN pin;",
                        NULL, NULL, NULL) != SQLITE_OK;
}

/* Accounts from before the second factor get none: they enrol at their
 * next login (totp_pending holds the key shown until its first code). */
static int add_officer_totp(sqlite3 *db)
{
    return add_column(db, "officers", "totp",
                      "ALTER TABLE officers ADD COLUMN totp BLOB;"
                      "ALTER TABLE officers ADD COLUMN totp_last_step INTEGER NOT NULL DEFAULT 0;") ||
           add_column(db, "officers", "totp_pending", "ALTER TABLE officers ADD COLUMN totp_pending BLOB;");
}

/* Requests taken at 0900-8844 (with the caller's consent, by whom), and
 * accounts' roles: everyone from before is a citizen's web request and an
 * officer. */
static int add_phone_requests(sqlite3 *db)
{
    return add_column(db, "requests", "via_phone",
                      "ALTER TABLE requests ADD COLUMN via_phone INTEGER NOT NULL DEFAULT 0;"
                      "ALTER TABLE requests ADD COLUMN consent_at INTEGER;"
                      "ALTER TABLE requests ADD COLUMN entered_by INTEGER NOT NULL DEFAULT 0;") ||
           add_column(db, "officers", "role", "ALTER TABLE officers ADD COLUMN role TEXT NOT NULL DEFAULT 'officer';");
}

/* Sessions from before the idle timeout: last_seen 0, so they end at once
 * (the officer logs in again). */
static int add_session_last_seen(sqlite3 *db)
{
    return add_column(db, "sessions", "last_seen",
                      "ALTER TABLE sessions ADD COLUMN last_seen INTEGER NOT NULL DEFAULT 0");
}

/* Deleted rows must not stay readable in the write-ahead log: after a
 * delete, the log is written back into the database (where secure_delete
 * has zeroed the rows) and truncated. */
static void checkpoint(bb_store *s)
{
    if (sqlite3_wal_checkpoint_v2(s->db, NULL, SQLITE_CHECKPOINT_TRUNCATE, NULL, NULL) != SQLITE_OK)
        fprintf(stderr, "contact: checkpoint: %s\n", sqlite3_errmsg(s->db));
}

int bb_store_open(const char *path, bb_store **out)
{
    *out = NULL;
    bb_store *s = calloc(1, sizeof(*s));
    if (!s)
        return BB_E_NOMEM;
    pthread_mutex_init(&s->lock, NULL);
    const char *sync = getenv("BB_CONTACT_SYNC");
    char pragmas[160];
    snprintf(pragmas, sizeof(pragmas),
             "PRAGMA journal_mode=WAL; PRAGMA synchronous=%s; PRAGMA foreign_keys=ON;"
             "PRAGMA secure_delete=ON; PRAGMA journal_size_limit=1048576;",
             sync && strcmp(sync, "full") == 0 ? "FULL" : "NORMAL");
    /* secure_delete: a cancelled request's personal data is overwritten in
     * the file, not just unlinked from the b-tree. */
    if (sqlite3_open_v2(path, &s->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX,
                        NULL) != SQLITE_OK ||
        sqlite3_busy_timeout(s->db, 5000) != SQLITE_OK ||
        sqlite3_exec(s->db, pragmas, NULL, NULL, NULL) != SQLITE_OK ||
        sqlite3_exec(s->db, SCHEMA, NULL, NULL, NULL) != SQLITE_OK || forget_call_secrets(s->db) ||
        add_officer_numbers(s->db) || add_invitation_roles(s->db) || move_pins_to_rooms(s->db) ||
        add_session_last_seen(s->db) || add_officer_totp(s->db) || add_phone_requests(s->db)) {
        fprintf(stderr, "contact: database %s: %s\n", path, s->db ? sqlite3_errmsg(s->db) : "?");
        bb_store_close(s);
        return BB_E_STATE;
    }
    *out = s;
    return BB_OK;
}

void bb_store_close(bb_store *s)
{
    if (!s)
        return;
    sqlite3_close(s->db);
    pthread_mutex_destroy(&s->lock);
    free(s);
}

/* Prepares sql and binds arguments described by fmt: 'i' int64, 't' text,
 * 'b' blob (pointer then int length). */
static sqlite3_stmt *prep(bb_store *s, const char *sql, const char *fmt, ...)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK) {
        fprintf(stderr, "contact: sql: %s\n", sqlite3_errmsg(s->db));
        return NULL;
    }
    va_list ap;
    va_start(ap, fmt);
    for (int i = 0; fmt[i]; i++) {
        int rc;
        if (fmt[i] == 'i') {
            rc = sqlite3_bind_int64(st, i + 1, va_arg(ap, int64_t));
        } else if (fmt[i] == 't') {
            rc = sqlite3_bind_text(st, i + 1, va_arg(ap, const char *), -1, SQLITE_TRANSIENT);
        } else {
            const void *p = va_arg(ap, const void *);
            int n = va_arg(ap, int);
            rc = sqlite3_bind_blob(st, i + 1, p, n, SQLITE_TRANSIENT);
        }
        if (rc != SQLITE_OK) {
            va_end(ap);
            sqlite3_finalize(st);
            return NULL;
        }
    }
    va_end(ap);
    return st;
}

/* Runs a statement that returns no rows. */
static int run(sqlite3_stmt *st)
{
    if (!st)
        return BB_E_STATE;
    int rc = sqlite3_step(st);
    sqlite3_finalize(st);
    if (rc == SQLITE_CONSTRAINT)
        return BB_E_STATE;
    return rc == SQLITE_DONE ? BB_OK : BB_E_STATE;
}

/* The first column of st's row, malloc'd with a NUL after it, and st
 * finalized: BB_OK; BB_E_AGAIN without a row; BB_E_STATE for no statement. */
static int take_blob(sqlite3_stmt *st, char **out, size_t *len)
{
    int rc = st ? BB_E_AGAIN : BB_E_STATE;
    if (st && sqlite3_step(st) == SQLITE_ROW) {
        int n = sqlite3_column_bytes(st, 0);
        *out = malloc((size_t)n + 1);
        if (*out) {
            memcpy(*out, sqlite3_column_blob(st, 0), (size_t)n);
            (*out)[n] = 0;
            *len = (size_t)n;
            rc = BB_OK;
        } else {
            rc = BB_E_NOMEM;
        }
    }
    sqlite3_finalize(st);
    return rc;
}

static void copy_col(sqlite3_stmt *st, int col, char *out, size_t size)
{
    const unsigned char *t = sqlite3_column_text(st, col);
    snprintf(out, size, "%s", t ? (const char *)t : "");
}

#define REQUEST_COLS                                                                          \
    "r.id, r.reference, r.status, r.name, r.phone, r.email, r.neighbourhood, r.topic,"        \
    " r.preference, r.win, r.date, r.needs, r.lang, r.created_at, IFNULL(r.closed_at, 0),"    \
    " IFNULL(r.claimed_by, 0), IFNULL(o.display_name, ''), r.outcome, r.notes,"             \
    " (SELECT COUNT(*) FROM requests p WHERE p.phone = r.phone AND p.id < r.id"               \
    "  AND p.created_at >= r.created_at - 86400), r.via_phone,"                                \
    " (SELECT COUNT(*) FROM statements s WHERE s.request_id = r.id)"                           \
    " FROM requests r LEFT JOIN officers o ON o.id = r.claimed_by"

static void read_request(sqlite3_stmt *st, bb_stored_request *r)
{
    memset(r, 0, sizeof(*r));
    r->id = sqlite3_column_int64(st, 0);
    copy_col(st, 1, r->reference, sizeof(r->reference));
    copy_col(st, 2, r->status, sizeof(r->status));
    copy_col(st, 3, r->req.name, sizeof(r->req.name));
    copy_col(st, 4, r->req.phone, sizeof(r->req.phone));
    copy_col(st, 5, r->req.email, sizeof(r->req.email));
    copy_col(st, 6, r->req.neighbourhood, sizeof(r->req.neighbourhood));
    copy_col(st, 7, r->req.topic, sizeof(r->req.topic));
    copy_col(st, 8, r->req.preference, sizeof(r->req.preference));
    copy_col(st, 9, r->req.window, sizeof(r->req.window));
    copy_col(st, 10, r->req.date, sizeof(r->req.date));
    r->req.needs = (unsigned)sqlite3_column_int(st, 11);
    copy_col(st, 12, r->req.lang, sizeof(r->req.lang));
    r->created_at = sqlite3_column_int64(st, 13);
    r->closed_at = sqlite3_column_int64(st, 14);
    r->claimed_by = sqlite3_column_int64(st, 15);
    copy_col(st, 16, r->claimed_by_name, sizeof(r->claimed_by_name));
    copy_col(st, 17, r->outcome, sizeof(r->outcome));
    copy_col(st, 18, r->notes, sizeof(r->notes));
    r->repeats = sqlite3_column_int(st, 19);
    r->req.via_phone = sqlite3_column_int(st, 20);
    r->statements = sqlite3_column_int(st, 21);
}

/* Runs a query expected to give at most one request row. */
static int one_request(sqlite3_stmt *st, bb_stored_request *out)
{
    if (!st)
        return BB_E_STATE;
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        read_request(st, out);
    sqlite3_finalize(st);
    return rc == SQLITE_ROW ? BB_OK : rc == SQLITE_DONE ? BB_E_AGAIN : BB_E_STATE;
}

int bb_store_create_request(bb_store *s, const bb_callback_request *r, const char *reference,
                            int64_t now, int64_t *id)
{
    pthread_mutex_lock(&s->lock);
    int rc = run(prep(s,
                      "INSERT INTO requests (reference, status, name, phone, email, neighbourhood,"
                      " topic, preference, win, date, needs, lang, created_at, via_phone, consent_at,"
                      " entered_by) VALUES (?, 'queued', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,"
                      " CASE WHEN ? THEN ? END, ?)",
                      "tttttttttitiiiii", reference, r->name, r->phone, r->email, r->neighbourhood,
                      r->topic, r->preference, r->window, r->date, (int64_t)r->needs, r->lang,
                      now, (int64_t)(r->via_phone != 0), (int64_t)(r->via_phone != 0), now,
                      r->entered_by));
    if (rc == BB_OK && id)
        *id = sqlite3_last_insert_rowid(s->db);
    pthread_mutex_unlock(&s->lock);
    return rc;
}

int bb_store_find(bb_store *s, const char *reference, const char *phone, bb_stored_request *out)
{
    pthread_mutex_lock(&s->lock);
    int rc = one_request(prep(s, "SELECT " REQUEST_COLS " WHERE r.reference = ? AND r.phone = ?",
                              "tt", reference, phone),
                         out);
    pthread_mutex_unlock(&s->lock);
    return rc;
}

int bb_store_get(bb_store *s, int64_t id, bb_stored_request *out)
{
    pthread_mutex_lock(&s->lock);
    int rc = one_request(prep(s, "SELECT " REQUEST_COLS " WHERE r.id = ?", "i", id), out);
    pthread_mutex_unlock(&s->lock);
    return rc;
}

int bb_store_delete_request(bb_store *s, int64_t id)
{
    pthread_mutex_lock(&s->lock);
    int rc = sqlite3_exec(s->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) == SQLITE_OK ? BB_OK : BB_E_STATE;
    if (rc == BB_OK)
        rc = run(prep(s, "DELETE FROM invitations WHERE request_id = ?", "i", id));
    if (rc == BB_OK)
        rc = run(prep(s, "DELETE FROM requests WHERE id = ?", "i", id));
    sqlite3_exec(s->db, rc == BB_OK ? "COMMIT" : "ROLLBACK", NULL, NULL, NULL);
    if (rc == BB_OK)
        checkpoint(s);
    pthread_mutex_unlock(&s->lock);
    return rc;
}

int bb_store_queue(bb_store *s, const char *neighbourhoods,
                   void (*row)(void *ctx, const bb_stored_request *r), void *ctx)
{
    bb_stored_request *r = malloc(sizeof(*r));
    if (!r)
        return BB_E_NOMEM;
    pthread_mutex_lock(&s->lock);
    /* instr() on ",list," with ",id,": an exact match of one list element. */
    sqlite3_stmt *st = prep(s,
                            "SELECT " REQUEST_COLS " WHERE r.status != 'done'"
                            " AND instr(',' || ? || ',', ',' || r.neighbourhood || ',') > 0"
                            " ORDER BY r.created_at, r.id LIMIT 500",
                            "t", neighbourhoods);
    int rc = st ? BB_OK : BB_E_STATE, step;
    while (st && (step = sqlite3_step(st)) == SQLITE_ROW) {
        read_request(st, r);
        row(ctx, r);
    }
    sqlite3_finalize(st);
    pthread_mutex_unlock(&s->lock);
    free(r);
    return rc;
}

/* Runs an UPDATE and reports whether it changed a row (BB_E_STATE if not). */
static int update_one(bb_store *s, sqlite3_stmt *st)
{
    int rc = run(st);
    if (rc == BB_OK && sqlite3_changes(s->db) != 1)
        rc = BB_E_STATE;
    return rc;
}

int bb_store_claim(bb_store *s, int64_t id, int64_t officer_id, int64_t now)
{
    pthread_mutex_lock(&s->lock);
    int rc = update_one(s, prep(s,
                                "UPDATE requests SET status = 'claimed', claimed_by = ?, claimed_at = ?"
                                " WHERE id = ? AND status = 'queued'",
                                "iii", officer_id, now, id));
    pthread_mutex_unlock(&s->lock);
    return rc;
}

int bb_store_set_status(bb_store *s, int64_t id, const char *status, const char *outcome, int64_t now)
{
    pthread_mutex_lock(&s->lock);
    int done = strcmp(status, "done") == 0;
    int rc = update_one(s, prep(s,
                                "UPDATE requests SET status = ?, outcome = IFNULL(?, outcome),"
                                " closed_at = CASE WHEN ? THEN ? ELSE closed_at END WHERE id = ?",
                                "ttiii", status, outcome, (int64_t)done, now, id));
    /* A closed request's unused invitation links stop working. */
    if (rc == BB_OK && done)
        rc = run(prep(s, "DELETE FROM invitations WHERE request_id = ? AND used_at IS NULL", "i", id));
    pthread_mutex_unlock(&s->lock);
    return rc;
}

int bb_store_pilot_add(bb_store *s, const char *week, const char *neighbourhood, const char *metric,
                       int64_t value)
{
    pthread_mutex_lock(&s->lock);
    int rc = run(prep(s,
                      "INSERT INTO pilot (week, neighbourhood, metric, value) VALUES (?, ?, ?, ?)"
                      " ON CONFLICT (week, neighbourhood, metric) DO UPDATE SET value = value + excluded.value",
                      "ttti", week, neighbourhood, metric, value));
    pthread_mutex_unlock(&s->lock);
    return rc;
}

int bb_store_feedback_token_add(bb_store *s, const char *token_hash, const char *neighbourhood,
                                const char *week, int64_t expires_at)
{
    pthread_mutex_lock(&s->lock);
    int rc = run(prep(s, "INSERT INTO feedback_tokens (token_hash, neighbourhood, week, expires_at) VALUES (?, ?, ?, ?)",
                      "ttti", token_hash, neighbourhood, week, expires_at));
    pthread_mutex_unlock(&s->lock);
    return rc;
}

int bb_store_feedback_token_take(bb_store *s, const char *token_hash, int64_t now, char neighbourhood[32],
                                 char week[BB_ISO_WEEK_LEN])
{
    pthread_mutex_lock(&s->lock);
    sqlite3_stmt *st = prep(s, "DELETE FROM feedback_tokens WHERE token_hash = ? AND expires_at > ?"
                               " RETURNING neighbourhood, week", "ti", token_hash, now);
    int rc = !st ? BB_E_STATE : sqlite3_step(st) == SQLITE_ROW ? BB_OK : BB_E_AGAIN;
    if (rc == BB_OK) {
        copy_col(st, 0, neighbourhood, 32);
        copy_col(st, 1, week, BB_ISO_WEEK_LEN);
    }
    sqlite3_finalize(st);
    pthread_mutex_unlock(&s->lock);
    return rc;
}

int bb_store_pilot_rows(bb_store *s, const char *neighbourhoods,
                        void (*row)(void *ctx, const char *week, const char *neighbourhood,
                                    const char *metric, int64_t value),
                        void *ctx)
{
    pthread_mutex_lock(&s->lock);
    sqlite3_stmt *st = prep(s,
                            "SELECT week, neighbourhood, metric, value FROM pilot"
                            " WHERE instr(',' || ? || ',', ',' || neighbourhood || ',') > 0"
                            " ORDER BY week DESC, neighbourhood, metric LIMIT 20000",
                            "t", neighbourhoods);
    int rc = st ? BB_OK : BB_E_STATE;
    while (st && sqlite3_step(st) == SQLITE_ROW)
        row(ctx, (const char *)sqlite3_column_text(st, 0), (const char *)sqlite3_column_text(st, 1),
            (const char *)sqlite3_column_text(st, 2), sqlite3_column_int64(st, 3));
    sqlite3_finalize(st);
    pthread_mutex_unlock(&s->lock);
    return rc;
}

int bb_store_add_note(bb_store *s, int64_t id, const char *note)
{
    pthread_mutex_lock(&s->lock);
    int rc = update_one(s, prep(s,
                                "UPDATE requests SET notes = notes || CASE WHEN notes = '' THEN '' ELSE"
                                " char(10) END || ? WHERE id = ? AND length(notes) + length(?) < 8000",
                                "tit", note, id, note));
    if (rc == BB_E_STATE) {
        bb_stored_request *r = malloc(sizeof(*r));
        /* Distinguish "no such request" from "notes full". */
        if (r && one_request(prep(s, "SELECT " REQUEST_COLS " WHERE r.id = ?", "i", id), r) == BB_OK)
            rc = BB_E_TOO_LARGE;
        free(r);
    }
    pthread_mutex_unlock(&s->lock);
    return rc;
}

int bb_store_statement_add(bb_store *s, int64_t request_id, int64_t officer_id, const uint8_t *pdf,
                           size_t len, const char *sha256_hex, int64_t now, int64_t *id)
{
    if (!pdf || !len || len > BB_STATEMENT_PDF_MAX || !sha256_hex)
        return BB_E_ARG;
    pthread_mutex_lock(&s->lock);
    int rc = run(prep(s, "INSERT INTO statements (request_id, officer_id, created_at, sha256, pdf)"
                         " VALUES (?, ?, ?, ?, ?)", "iiitb", request_id, officer_id, now, sha256_hex,
                      pdf, (int)len));
    if (!rc && id)
        *id = sqlite3_last_insert_rowid(s->db);
    pthread_mutex_unlock(&s->lock);
    return rc;
}

int bb_store_statement_latest(bb_store *s, int64_t request_id, uint8_t **pdf, size_t *len)
{
    *pdf = NULL;
    *len = 0;
    pthread_mutex_lock(&s->lock);
    sqlite3_stmt *st = prep(s, "SELECT pdf FROM statements WHERE request_id = ? ORDER BY id DESC LIMIT 1",
                            "i", request_id);
    int rc = take_blob(st, (char **)pdf, len);
    pthread_mutex_unlock(&s->lock);
    return rc;
}

/* ---- the evidence store's recordings ---- */

int bb_store_recording_add(bb_store *s, int64_t request_id, int64_t officer_id, int64_t now, int64_t *id)
{
    pthread_mutex_lock(&s->lock);
    int rc = run(prep(s, "INSERT INTO recordings (request_id, officer_id, created_at) VALUES (?, ?, ?)", "iii",
                      request_id, officer_id, now));
    if (!rc) {
        *id = sqlite3_last_insert_rowid(s->db);
        rc = run(prep(s, "INSERT INTO recording_audit VALUES (?, ?, ?, 'created')", "iii", now, officer_id, *id));
    }
    pthread_mutex_unlock(&s->lock);
    return rc;
}

int bb_store_recording_get(bb_store *s, int64_t id, bb_stored_recording *out)
{
    memset(out, 0, sizeof(*out));
    pthread_mutex_lock(&s->lock);
    sqlite3_stmt *st = prep(s, "SELECT request_id, officer_id, created_at, size, sealed, manifest IS NOT NULL"
                               " FROM recordings WHERE id = ?", "i", id);
    int rc = st ? BB_E_AGAIN : BB_E_STATE;
    if (st && sqlite3_step(st) == SQLITE_ROW) {
        out->id = id;
        out->request_id = sqlite3_column_int64(st, 0);
        out->officer_id = sqlite3_column_int64(st, 1);
        out->created_at = sqlite3_column_int64(st, 2);
        out->size = sqlite3_column_int64(st, 3);
        out->sealed = sqlite3_column_int(st, 4);
        out->has_manifest = sqlite3_column_int(st, 5);
        rc = BB_OK;
    }
    sqlite3_finalize(st);
    pthread_mutex_unlock(&s->lock);
    return rc;
}

int bb_store_recording_grow(bb_store *s, int64_t id, int64_t from, int64_t to)
{
    pthread_mutex_lock(&s->lock);
    int rc = run(prep(s, "UPDATE recordings SET size = ? WHERE id = ? AND size = ? AND sealed = 0", "iii", to, id, from));
    if (!rc && sqlite3_changes(s->db) != 1)
        rc = BB_E_STATE;
    pthread_mutex_unlock(&s->lock);
    return rc;
}

int bb_store_recording_manifest(bb_store *s, int64_t id, int64_t officer_id, const char *json, size_t len, int sealed,
                                int64_t now)
{
    pthread_mutex_lock(&s->lock);
    int rc = run(prep(s, "UPDATE recordings SET manifest = ?, sealed = ? WHERE id = ? AND sealed = 0", "bii", json,
                      (int)len, (int64_t)sealed, id));
    if (!rc && sqlite3_changes(s->db) != 1)
        rc = BB_E_STATE;
    if (!rc && sealed)
        rc = run(prep(s, "INSERT INTO recording_audit VALUES (?, ?, ?, 'sealed')", "iii", now, officer_id, id));
    pthread_mutex_unlock(&s->lock);
    return rc;
}

int bb_store_recording_manifest_get(bb_store *s, int64_t id, char **json, size_t *len)
{
    *json = NULL;
    *len = 0;
    pthread_mutex_lock(&s->lock);
    sqlite3_stmt *st = prep(s, "SELECT manifest FROM recordings WHERE id = ? AND manifest IS NOT NULL", "i", id);
    int rc = take_blob(st, json, len);
    pthread_mutex_unlock(&s->lock);
    return rc;
}

int bb_store_recording_audit(bb_store *s, int64_t now, int64_t officer_id, int64_t id, const char *action)
{
    pthread_mutex_lock(&s->lock);
    int rc = run(prep(s, "INSERT INTO recording_audit VALUES (?, ?, ?, ?)", "iiit", now, officer_id, id, action));
    pthread_mutex_unlock(&s->lock);
    return rc;
}

int bb_store_recording_audit_rows(bb_store *s, int64_t id,
                                  void (*row)(void *ctx, int64_t at, int64_t officer_id, const char *action),
                                  void *ctx)
{
    pthread_mutex_lock(&s->lock);
    sqlite3_stmt *st = prep(s, "SELECT at, officer_id, action FROM recording_audit WHERE recording_id = ?"
                               " ORDER BY rowid", "i", id);
    int rc = st ? BB_OK : BB_E_STATE;
    while (st && sqlite3_step(st) == SQLITE_ROW)
        row(ctx, sqlite3_column_int64(st, 0), sqlite3_column_int64(st, 1), (const char *)sqlite3_column_text(st, 2));
    sqlite3_finalize(st);
    pthread_mutex_unlock(&s->lock);
    return rc;
}

int bb_store_recordings_expire(bb_store *s, int64_t now, int64_t before, int64_t *ids, int max, int *n)
{
    *n = 0;
    pthread_mutex_lock(&s->lock);
    sqlite3_stmt *st = prep(s, "SELECT id FROM recordings WHERE created_at < ? ORDER BY id LIMIT ?", "ii", before,
                            (int64_t)max);
    int rc = st ? BB_OK : BB_E_STATE;
    while (st && *n < max && sqlite3_step(st) == SQLITE_ROW)
        ids[(*n)++] = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    for (int i = 0; i < *n && !rc; i++) {
        rc = run(prep(s, "DELETE FROM recordings WHERE id = ?", "i", ids[i]));
        if (!rc)
            rc = run(prep(s, "INSERT INTO recording_audit VALUES (?, 0, ?, 'deleted')", "ii", now, ids[i]));
    }
    pthread_mutex_unlock(&s->lock);
    return rc;
}

int bb_store_add_officer(bb_store *s, const bb_officer *o)
{
    pthread_mutex_lock(&s->lock);
    int rc = run(prep(s,
                      "INSERT INTO officers (username, display_name, team, neighbourhoods, number,"
                      " salt, hash, iterations, role) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                      "tttttbbit", o->username, o->display_name, o->team, o->neighbourhoods, o->number,
                      (const void *)o->salt, (int)sizeof(o->salt), (const void *)o->hash,
                      (int)sizeof(o->hash), (int64_t)o->iterations, o->role[0] ? o->role : "officer"));
    pthread_mutex_unlock(&s->lock);
    return rc;
}

static int one_officer(sqlite3_stmt *st, bb_officer *o)
{
    if (!st)
        return BB_E_STATE;
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        memset(o, 0, sizeof(*o));
        o->id = sqlite3_column_int64(st, 0);
        copy_col(st, 1, o->username, sizeof(o->username));
        copy_col(st, 2, o->display_name, sizeof(o->display_name));
        copy_col(st, 3, o->team, sizeof(o->team));
        copy_col(st, 4, o->neighbourhoods, sizeof(o->neighbourhoods));
        if (sqlite3_column_bytes(st, 5) == sizeof(o->salt))
            memcpy(o->salt, sqlite3_column_blob(st, 5), sizeof(o->salt));
        if (sqlite3_column_bytes(st, 6) == sizeof(o->hash))
            memcpy(o->hash, sqlite3_column_blob(st, 6), sizeof(o->hash));
        o->iterations = (uint32_t)sqlite3_column_int64(st, 7);
        copy_col(st, 8, o->number, sizeof(o->number));
        if (sqlite3_column_bytes(st, 9) == sizeof(o->totp)) {
            memcpy(o->totp, sqlite3_column_blob(st, 9), sizeof(o->totp));
            o->has_totp = 1;
        }
        o->totp_last_step = sqlite3_column_int64(st, 10);
        if (sqlite3_column_bytes(st, 11) == sizeof(o->totp_pending)) {
            memcpy(o->totp_pending, sqlite3_column_blob(st, 11), sizeof(o->totp_pending));
            o->has_pending = 1;
        }
        copy_col(st, 12, o->role, sizeof(o->role));
    }
    sqlite3_finalize(st);
    return rc == SQLITE_ROW ? BB_OK : rc == SQLITE_DONE ? BB_E_AGAIN : BB_E_STATE;
}

#define OFFICER_COLS                                                                           \
    "id, username, display_name, team, neighbourhoods, salt, hash, iterations, number, totp,"  \
    " totp_last_step, totp_pending, role"

int bb_store_officer_by_name(bb_store *s, const char *username, bb_officer *out)
{
    pthread_mutex_lock(&s->lock);
    int rc = one_officer(prep(s, "SELECT " OFFICER_COLS " FROM officers WHERE username = ?", "t",
                              username),
                         out);
    pthread_mutex_unlock(&s->lock);
    return rc;
}

/* After an UPDATE of an account's credentials (lock held): BB_E_AGAIN when
 * there is no such user; otherwise its sessions end, made with the old ones. */
static int end_sessions_of(bb_store *s, int rc, const char *username)
{
    if (rc == BB_OK && sqlite3_changes(s->db) == 0)
        return BB_E_AGAIN;
    if (rc == BB_OK)
        rc = run(prep(s, "DELETE FROM sessions WHERE officer_id = (SELECT id FROM officers WHERE username = ?)",
                      "t", username));
    return rc;
}

int bb_store_set_officer_totp(bb_store *s, const char *username, const uint8_t *key)
{
    pthread_mutex_lock(&s->lock);
    int rc = key ? run(prep(s, "UPDATE officers SET totp = ?, totp_last_step = 0, totp_pending = NULL"
                               " WHERE username = ?", "bt", key, (int)BB_TOTP_KEY_BYTES, username))
                 : run(prep(s, "UPDATE officers SET totp = NULL, totp_last_step = 0, totp_pending = NULL"
                               " WHERE username = ?", "t", username));
    rc = end_sessions_of(s, rc, username);
    pthread_mutex_unlock(&s->lock);
    return rc;
}

int bb_store_officer_totp_offer(bb_store *s, int64_t officer_id, const uint8_t *key)
{
    pthread_mutex_lock(&s->lock);
    int rc = run(prep(s, "UPDATE officers SET totp_pending = ? WHERE id = ? AND totp IS NULL"
                         " AND totp_pending IS NULL", "bi", key, (int)BB_TOTP_KEY_BYTES, officer_id));
    pthread_mutex_unlock(&s->lock);
    return rc;
}

int bb_store_officer_totp_enrol(bb_store *s, int64_t officer_id, int64_t step)
{
    pthread_mutex_lock(&s->lock);
    int rc = run(prep(s, "UPDATE officers SET totp = totp_pending, totp_pending = NULL, totp_last_step = ?"
                         " WHERE id = ? AND totp IS NULL AND totp_pending IS NOT NULL", "ii", step, officer_id));
    if (rc == BB_OK && sqlite3_changes(s->db) != 1)
        rc = BB_E_STATE;
    pthread_mutex_unlock(&s->lock);
    return rc;
}

int bb_store_officer_totp_used(bb_store *s, int64_t officer_id, int64_t step)
{
    pthread_mutex_lock(&s->lock);
    int rc = run(prep(s, "UPDATE officers SET totp_last_step = ? WHERE id = ? AND totp_last_step < ?", "iii", step,
                      officer_id, step));
    if (rc == BB_OK && sqlite3_changes(s->db) != 1)
        rc = BB_E_STATE;
    pthread_mutex_unlock(&s->lock);
    return rc;
}

int bb_store_set_officer_password(bb_store *s, const char *username, const bb_officer *o)
{
    pthread_mutex_lock(&s->lock);
    int rc = run(prep(s, "UPDATE officers SET salt = ?, hash = ?, iterations = ? WHERE username = ?", "bbit",
                      o->salt, (int)sizeof(o->salt), o->hash, (int)sizeof(o->hash), (int64_t)o->iterations,
                      username));
    rc = end_sessions_of(s, rc, username);
    pthread_mutex_unlock(&s->lock);
    return rc;
}

int bb_store_set_officer_number(bb_store *s, const char *username, const char *number)
{
    pthread_mutex_lock(&s->lock);
    int rc = run(prep(s, "UPDATE officers SET number = ? WHERE username = ?", "tt", number, username));
    if (rc == BB_OK && sqlite3_changes(s->db) == 0)
        rc = BB_E_AGAIN;
    pthread_mutex_unlock(&s->lock);
    return rc;
}

int bb_store_officer_by_id(bb_store *s, int64_t id, bb_officer *out)
{
    pthread_mutex_lock(&s->lock);
    int rc = one_officer(prep(s, "SELECT " OFFICER_COLS " FROM officers WHERE id = ?", "i", id), out);
    pthread_mutex_unlock(&s->lock);
    return rc;
}

int bb_store_session_create(bb_store *s, const char *key_hash, int64_t officer_id, const char *csrf,
                            int64_t now, int64_t expires_at)
{
    pthread_mutex_lock(&s->lock);
    int rc = run(prep(s,
                      "INSERT INTO sessions (key_hash, officer_id, csrf, expires_at, last_seen)"
                      " VALUES (?, ?, ?, ?, ?)",
                      "titii", key_hash, officer_id, csrf, expires_at, now));
    pthread_mutex_unlock(&s->lock);
    return rc;
}

int bb_store_session_get(bb_store *s, const char *key_hash, int64_t now, int64_t idle_s,
                         int64_t *officer_id, char csrf[64])
{
    pthread_mutex_lock(&s->lock);
    sqlite3_stmt *st = prep(s,
                            "SELECT officer_id, csrf FROM sessions WHERE key_hash = ? AND expires_at > ?"
                            " AND last_seen >= ?",
                            "tii", key_hash, now, now - idle_s);
    int rc = BB_E_AGAIN;
    if (!st) {
        rc = BB_E_STATE;
    } else if (sqlite3_step(st) == SQLITE_ROW) {
        *officer_id = sqlite3_column_int64(st, 0);
        copy_col(st, 1, csrf, 64);
        rc = BB_OK;
    }
    sqlite3_finalize(st);
    if (rc == BB_OK)
        rc = run(prep(s, "UPDATE sessions SET last_seen = ? WHERE key_hash = ?", "it", now, key_hash));
    pthread_mutex_unlock(&s->lock);
    return rc;
}

int bb_store_session_delete(bb_store *s, const char *key_hash)
{
    pthread_mutex_lock(&s->lock);
    int rc = run(prep(s, "DELETE FROM sessions WHERE key_hash = ?", "t", key_hash));
    pthread_mutex_unlock(&s->lock);
    return rc;
}

int bb_store_invitation_create(bb_store *s, const char *token_hash, const bb_invitation *inv)
{
    const char *role = inv->role[0] ? inv->role : "citizen";
    pthread_mutex_lock(&s->lock);
    int rc = sqlite3_exec(s->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) == SQLITE_OK ? BB_OK : BB_E_STATE;
    /* A new call's link makes the request's earlier unused links invalid,
     * the interpreters' included (they were for the earlier room). */
    if (rc == BB_OK && !strcmp(role, "citizen"))
        rc = run(prep(s, "DELETE FROM invitations WHERE request_id = ? AND used_at IS NULL", "i",
                      inv->request_id));
    if (rc == BB_OK)
        rc = run(prep(s,
                      "INSERT INTO invitations (token_hash, request_id, officer_id, room,"
                      " participant_id, expires_at, role) VALUES (?, ?, ?, ?, ?, ?, ?)",
                      "tiiitit", token_hash, inv->request_id,
                      inv->officer_id, inv->room, inv->participant_id,
                      inv->expires_at, role));
    sqlite3_exec(s->db, rc == BB_OK ? "COMMIT" : "ROLLBACK", NULL, NULL, NULL);
    pthread_mutex_unlock(&s->lock);
    return rc;
}

int bb_store_current_call(bb_store *s, int64_t request_id, bb_invitation *out, int *others)
{
    memset(out, 0, sizeof(*out));
    *others = 0;
    pthread_mutex_lock(&s->lock);
    int rc = BB_E_AGAIN;
    sqlite3_stmt *st = prep(s,
                            "SELECT i.room, r.pin, i.officer_id FROM invitations i"
                            " JOIN rooms r ON r.room = i.room WHERE i.request_id = ?"
                            " AND i.role = 'citizen' ORDER BY i.rowid DESC LIMIT 1",
                            "i", request_id);
    if (!st)
        rc = BB_E_STATE;
    else if (sqlite3_step(st) == SQLITE_ROW) {
        out->request_id = request_id;
        out->room = sqlite3_column_int64(st, 0);
        copy_col(st, 1, out->pin, sizeof(out->pin));
        out->officer_id = sqlite3_column_int64(st, 2);
        rc = BB_OK;
    }
    sqlite3_finalize(st);
    if (rc == BB_OK) {
        st = prep(s, "SELECT COUNT(*) FROM invitations WHERE room = ? AND role != 'citizen'", "i",
                  out->room);
        if (st && sqlite3_step(st) == SQLITE_ROW)
            *others = sqlite3_column_int(st, 0);
        else
            rc = BB_E_STATE;
        sqlite3_finalize(st);
    }
    pthread_mutex_unlock(&s->lock);
    return rc;
}

int bb_store_invitation_redeem(bb_store *s, const char *token_hash, int64_t now, int staff, int use,
                               bb_invitation *out, char room_secret[48])
{
    memset(out, 0, sizeof(*out));
    pthread_mutex_lock(&s->lock);
    int rc = sqlite3_exec(s->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) == SQLITE_OK ? BB_OK : BB_E_STATE;
    sqlite3_stmt *st = rc ? NULL
                          : prep(s,
                                 "SELECT i.request_id, i.officer_id, i.room, IFNULL(r.pin, ''),"
                                 " i.participant_id, i.expires_at, IFNULL(i.used_at, 0), i.role,"
                                 " IFNULL(r.secret, ''), IFNULL(q.neighbourhood, '')"
                                 " FROM invitations i LEFT JOIN rooms r ON r.room = i.room"
                                 " LEFT JOIN requests q ON q.id = i.request_id"
                                 " WHERE i.token_hash = ?",
                                 "t", token_hash);
    if (rc == BB_OK && !st)
        rc = BB_E_STATE;
    if (rc == BB_OK) {
        if (sqlite3_step(st) != SQLITE_ROW) {
            rc = BB_E_AGAIN;
        } else {
            out->request_id = sqlite3_column_int64(st, 0);
            out->officer_id = sqlite3_column_int64(st, 1);
            out->room = sqlite3_column_int64(st, 2);
            copy_col(st, 3, out->pin, sizeof(out->pin));
            copy_col(st, 4, out->participant_id, sizeof(out->participant_id));
            out->expires_at = sqlite3_column_int64(st, 5);
            out->used_at = sqlite3_column_int64(st, 6);
            copy_col(st, 7, out->role, sizeof(out->role));
            if (room_secret)
                copy_col(st, 8, room_secret, 48);
            copy_col(st, 9, out->neighbourhood, sizeof(out->neighbourhood));
            /* A colleague's link is for a logged-in officer only, the others
             * for anyone but: the wrong door does not know it (and leaves it unused). */
            if (staff != !strcmp(out->role, "colleague"))
                rc = BB_E_AGAIN;
            else if (out->used_at || out->expires_at <= now || !out->pin[0])
                rc = BB_E_STATE; /* no PIN: the call has ended */
        }
    }
    sqlite3_finalize(st);
    if (rc == BB_OK && use)
        rc = run(prep(s, "UPDATE invitations SET used_at = ? WHERE token_hash = ?", "it", now,
                      token_hash));
    sqlite3_exec(s->db, rc == BB_OK ? "COMMIT" : "ROLLBACK", NULL, NULL, NULL);
    pthread_mutex_unlock(&s->lock);
    return rc;
}

int bb_store_room_add(bb_store *s, int64_t request_id, int64_t room, const char *secret,
                      const char *pin, int64_t now)
{
    pthread_mutex_lock(&s->lock);
    int rc = run(prep(s,
                      "INSERT INTO rooms (room, request_id, secret, pin, created_at) VALUES (?, ?, ?, ?, ?)",
                      "iitti", room, request_id, secret, pin, now));
    pthread_mutex_unlock(&s->lock);
    return rc;
}

int bb_store_rooms_ended(bb_store *s, int64_t request_id, int64_t *rooms, char (*secrets)[48], int max,
                         int *n)
{
    *n = 0;
    pthread_mutex_lock(&s->lock);
    sqlite3_stmt *st = prep(s,
                            "SELECT room, secret FROM rooms WHERE (? = 0 OR request_id = ?) AND request_id NOT IN"
                            " (SELECT id FROM requests WHERE status != 'done') ORDER BY room LIMIT ?",
                            "iii", request_id, request_id, (int64_t)max);
    int rc = st ? BB_OK : BB_E_STATE;
    while (st && *n < max && sqlite3_step(st) == SQLITE_ROW) {
        rooms[*n] = sqlite3_column_int64(st, 0);
        copy_col(st, 1, secrets[*n], 48);
        (*n)++;
    }
    sqlite3_finalize(st);
    pthread_mutex_unlock(&s->lock);
    return rc;
}

int bb_store_room_forget(bb_store *s, int64_t room)
{
    pthread_mutex_lock(&s->lock);
    int rc = run(prep(s, "DELETE FROM rooms WHERE room = ?", "i", room));
    pthread_mutex_unlock(&s->lock);
    return rc;
}

int bb_store_purge(bb_store *s, int64_t now, int64_t retention_s, int64_t open_max_s, int *deleted)
{
    pthread_mutex_lock(&s->lock);
    int64_t cutoff = now - retention_s, abandoned = now - open_max_s;
    int rc = sqlite3_exec(s->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) == SQLITE_OK ? BB_OK : BB_E_STATE;
    int gone = 0;
    if (rc == BB_OK)
        rc = run(prep(s,
                      "DELETE FROM requests WHERE (status = 'done' AND closed_at < ?)"
                      " OR (status != 'done' AND created_at < ?)",
                      "ii", cutoff, abandoned));
    if (rc == BB_OK)
        gone = sqlite3_changes(s->db);
    /* Invitations go with their request, and a week after they expired
     * (until then a late click is told "expired", not "unknown"). */
    if (rc == BB_OK)
        rc = run(prep(s,
                      "DELETE FROM invitations WHERE expires_at <= ? - 604800"
                      " OR request_id NOT IN (SELECT id FROM requests)",
                      "i", now));
    int other = rc == BB_OK ? sqlite3_changes(s->db) : 0;
    if (rc == BB_OK)
        rc = run(prep(s, "DELETE FROM sessions WHERE expires_at <= ? OR last_seen < ? - 86400", "ii", now,
                      now));
    if (rc == BB_OK)
        rc = run(prep(s, "DELETE FROM feedback_tokens WHERE expires_at <= ?", "i", now));
    sqlite3_exec(s->db, rc == BB_OK ? "COMMIT" : "ROLLBACK", NULL, NULL, NULL);
    if (rc == BB_OK && gone + other > 0)
        checkpoint(s);
    if (deleted)
        *deleted = rc == BB_OK ? gone : 0;
    pthread_mutex_unlock(&s->lock);
    return rc;
}
