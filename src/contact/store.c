/*
 * The contact service's storage, written once for both databases (db.h):
 * SQLite in WAL mode, embedded, for one service instance; PostgreSQL for
 * several sharing one database. Every write is committed before a
 * function returns. The schema is a list of numbered migrations, applied
 * at open in one transaction under the migrations' lock; the database
 * records which it has (schema_migrations).
 * Connections: SQLite one (it serialises writers anyway, and the service's
 * statements take microseconds); PostgreSQL BB_CONTACT_DB_CONNECTIONS
 * (4, as many as the service's request threads), each used by one thread
 * at a time.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "beeldbel/error.h"
#include "db.h"
#include "store.h"

#define MAX_CONNS 32

struct bb_store {
    pthread_mutex_t lock;
    pthread_cond_t freed;
    int n;
    bb_db *conns[MAX_CONNS];
    int busy[MAX_CONNS];
};

/* Whether this thread's last call found no database. */
static _Thread_local int unreachable_here;

/* The first schema, for both: ID the type of a table's own key, KEY of a key
 * given from outside (a Janus room), INT integers, BLOB bytes, and ROWID
 * the column that orders rows as they were added (SQLite has its own). */
#define SCHEMA_V1(ID, KEY, INT, BLOB, ROWID)                                                                  \
    "CREATE TABLE IF NOT EXISTS requests ("                                                                  \
    " id " ID ", reference TEXT NOT NULL UNIQUE, status TEXT NOT NULL,"                                     \
    " name TEXT NOT NULL, phone TEXT NOT NULL, email TEXT NOT NULL, neighbourhood TEXT NOT NULL,"           \
    " topic TEXT NOT NULL, preference TEXT NOT NULL, win TEXT NOT NULL, date TEXT NOT NULL,"                \
    " needs " INT " NOT NULL, lang TEXT NOT NULL, created_at " INT " NOT NULL,"                             \
    " claimed_by " INT ", claimed_at " INT ", closed_at " INT ", outcome TEXT NOT NULL DEFAULT '',"         \
    " notes TEXT NOT NULL DEFAULT '', via_phone " INT " NOT NULL DEFAULT 0, consent_at " INT ","            \
    " entered_by " INT " NOT NULL DEFAULT 0);"                                                             \
    "CREATE TABLE IF NOT EXISTS feedback_tokens ("                                                           \
    " token_hash TEXT PRIMARY KEY, neighbourhood TEXT NOT NULL, week TEXT NOT NULL,"                        \
    " expires_at " INT " NOT NULL);"                                                                         \
    "CREATE TABLE IF NOT EXISTS pilot ("                                                                     \
    " week TEXT NOT NULL, neighbourhood TEXT NOT NULL, metric TEXT NOT NULL, value " INT " NOT NULL,"       \
    " PRIMARY KEY (week, neighbourhood, metric));"                                                           \
    "CREATE INDEX IF NOT EXISTS requests_queue ON requests(neighbourhood, status, created_at);"              \
    "CREATE INDEX IF NOT EXISTS requests_phone ON requests(phone, created_at);"                              \
    "CREATE INDEX IF NOT EXISTS requests_closed ON requests(closed_at);"                                     \
    "CREATE TABLE IF NOT EXISTS officers ("                                                                  \
    " id " ID ", username TEXT NOT NULL UNIQUE, display_name TEXT NOT NULL,"                                \
    " team TEXT NOT NULL, neighbourhoods TEXT NOT NULL, salt " BLOB " NOT NULL, hash " BLOB " NOT NULL,"    \
    " iterations " INT " NOT NULL, number TEXT NOT NULL DEFAULT '', totp " BLOB ","                         \
    " totp_last_step " INT " NOT NULL DEFAULT 0, totp_pending " BLOB ","                                     \
    " role TEXT NOT NULL DEFAULT 'officer');"                                                                \
    "CREATE TABLE IF NOT EXISTS sessions ("                                                                  \
    " key_hash TEXT PRIMARY KEY, officer_id " INT " NOT NULL, csrf TEXT NOT NULL,"                          \
    " expires_at " INT " NOT NULL, last_seen " INT " NOT NULL DEFAULT 0);"                                  \
    "CREATE TABLE IF NOT EXISTS invitations ("                                                               \
    " token_hash TEXT PRIMARY KEY, request_id " INT " NOT NULL, officer_id " INT " NOT NULL,"               \
    " room " INT " NOT NULL, participant_id TEXT NOT NULL,"                                                  \
    " expires_at " INT " NOT NULL, used_at " INT ", role TEXT NOT NULL DEFAULT 'citizen'" ROWID ");"        \
    "CREATE INDEX IF NOT EXISTS invitations_request ON invitations(request_id);"                             \
    "CREATE TABLE IF NOT EXISTS rooms ("                                                                     \
    " room " KEY ", request_id " INT " NOT NULL, secret TEXT NOT NULL,"                                     \
    " created_at " INT " NOT NULL, pin TEXT NOT NULL DEFAULT '');"                                           \
    "CREATE INDEX IF NOT EXISTS rooms_request ON rooms(request_id);"                                         \
    "CREATE TABLE IF NOT EXISTS statements ("                                                                \
    " id " ID ", request_id " INT " NOT NULL REFERENCES requests(id) ON DELETE CASCADE,"                    \
    " officer_id " INT " NOT NULL, created_at " INT " NOT NULL, sha256 TEXT NOT NULL, pdf " BLOB " NOT NULL);" \
    "CREATE INDEX IF NOT EXISTS statements_request ON statements(request_id);"                               \
    "CREATE TABLE IF NOT EXISTS recordings ("                                                                \
    " id " ID ", request_id " INT " NOT NULL, officer_id " INT " NOT NULL,"                                 \
    " created_at " INT " NOT NULL, size " INT " NOT NULL DEFAULT 0, sealed " INT " NOT NULL DEFAULT 0,"     \
    " manifest " BLOB ");"                                                                                   \
    "CREATE TABLE IF NOT EXISTS recording_audit ("                                                           \
    " at " INT " NOT NULL, officer_id " INT " NOT NULL, recording_id " INT " NOT NULL,"                     \
    " action TEXT NOT NULL" ROWID ");"

/* Limits several instances share: token buckets (tokens in millionths,
 * at_ms when last taken from) and login backoffs, each row with a counter n
 * that every change raises, so a change based on a stale read is refused.
 * On PostgreSQL the buckets are UNLOGGED: no log write per request, and
 * after a crash they start full. */
#define SCHEMA_V2(INT, UNLOGGED)                                                                                 \
    "CREATE " UNLOGGED "TABLE IF NOT EXISTS rate_limits (key TEXT PRIMARY KEY, tokens " INT " NOT NULL,"                  \
    " at_ms " INT " NOT NULL, n " INT " NOT NULL);"                                                          \
    "CREATE TABLE IF NOT EXISTS backoffs (key TEXT PRIMARY KEY, failures " INT " NOT NULL,"                   \
    " last_ms " INT " NOT NULL, until_ms " INT " NOT NULL, n " INT " NOT NULL);"                             \
    PILOT_SHARDS(INT)

/* The pilot's counts, each in PILOT_SHARD_COUNT rows that writers spread
 * over (every request adds to the same few counts: one row each would make
 * every writer wait for the one before), summed when read; the counts so
 * far move to shard 0. */
#define PILOT_SHARD_COUNT 16
#define PILOT_SHARDS(INT)                                                                                        \
    "CREATE TABLE pilot_counts (week TEXT NOT NULL, neighbourhood TEXT NOT NULL, metric TEXT NOT NULL,"         \
    " shard " INT " NOT NULL, value " INT " NOT NULL, PRIMARY KEY (week, neighbourhood, metric, shard));"       \
    "INSERT INTO pilot_counts (week, neighbourhood, metric, shard, value)"                                      \
    " SELECT week, neighbourhood, metric, 0, value FROM pilot;"                                                 \
    "DROP TABLE pilot;"

/* ---- SQLite files from before the migrations were numbered ---- */

static int has_column(bb_db *db, const char *table, const char *column)
{
    bb_db_q *q = bb_db_query(db, "SELECT COUNT(*) FROM pragma_table_info(?) WHERE name = ?", "tt", table, column);
    int row = bb_db_row(q), has = row == 1 && bb_db_int(q, 0) > 0;
    return bb_db_end(q, NULL) || row < 0 ? -1 : has;
}

/* Runs sql (which adds the column) on a database whose table lacks column.
 * 0, or nonzero on an error. */
static int add_column(bb_db *db, const char *table, const char *column, const char *sql)
{
    int has = has_column(db, table, column);
    return has < 0 || (!has && bb_db_script(db, sql) != BB_OK);
}
/* Databases from before the call's end-to-end secret moved into the link's
 * fragment kept it with the invitation: the column goes (its values are
 * overwritten, secure_delete), so the service holds nothing that lets it
 * join a call's key agreement. */
static int forget_call_secrets(bb_db *db)
{
    int has = has_column(db, "invitations", "invitation_secret");
    return has < 0 || (has && bb_db_script(db, "ALTER TABLE invitations DROP COLUMN invitation_secret") != BB_OK);
}

/* Accounts from before officers were named by their officer number get the
 * column, empty: their invitations show no verified officer until the
 * account is given its number (beeldbel-officer number). */
static int add_officer_numbers(bb_db *db)
{
    return add_column(db, "officers", "number", "ALTER TABLE officers ADD COLUMN number TEXT NOT NULL DEFAULT ''");
}

/* Invitations from before interpreters had links of their own were all
 * the citizen's. */
static int add_invitation_roles(bb_db *db)
{
    return add_column(db, "invitations", "role",
                      "ALTER TABLE invitations ADD COLUMN role TEXT NOT NULL DEFAULT 'citizen'");
}

/* Databases from before the room PIN moved to the room: rooms get the PIN
 * of their citizen's invitation, and the invitations' copies go. */
static int move_pins_to_rooms(bb_db *db)
{
    int has = has_column(db, "invitations", "pin");
    if (has <= 0)
        return has < 0;
    return add_column(db, "rooms", "pin", "ALTER TABLE rooms ADD COLUMN pin TEXT NOT NULL DEFAULT ''") ||
           bb_db_script(db, "UPDATE rooms SET pin = IFNULL((SELECT i.pin FROM invitations i WHERE"
                            " i.room = rooms.room ORDER BY i.rowid DESC LIMIT 1), '');"
                            "ALTER TABLE invitations DROP COLUMN pin;") != BB_OK;
}

/* Accounts from before the second factor get none: they enrol at their
 * next login (totp_pending holds the key shown until its first code). */
static int add_officer_totp(bb_db *db)
{
    return add_column(db, "officers", "totp",
                      "ALTER TABLE officers ADD COLUMN totp BLOB;"
                      "ALTER TABLE officers ADD COLUMN totp_last_step INTEGER NOT NULL DEFAULT 0;") ||
           add_column(db, "officers", "totp_pending", "ALTER TABLE officers ADD COLUMN totp_pending BLOB;");
}

/* Requests taken at 0900-8844 (with the caller's consent, by whom), and
 * accounts' roles: everyone from before is a citizen's web request and an
 * officer. */
static int add_phone_requests(bb_db *db)
{
    return add_column(db, "requests", "via_phone",
                      "ALTER TABLE requests ADD COLUMN via_phone INTEGER NOT NULL DEFAULT 0;"
                      "ALTER TABLE requests ADD COLUMN consent_at INTEGER;"
                      "ALTER TABLE requests ADD COLUMN entered_by INTEGER NOT NULL DEFAULT 0;") ||
           add_column(db, "officers", "role", "ALTER TABLE officers ADD COLUMN role TEXT NOT NULL DEFAULT 'officer';");
}

/* Sessions from before the idle timeout: last_seen 0, so they end at once
 * (the officer logs in again). */
static int add_session_last_seen(bb_db *db)
{
    return add_column(db, "sessions", "last_seen",
                      "ALTER TABLE sessions ADD COLUMN last_seen INTEGER NOT NULL DEFAULT 0");
}

/* The first migration, on a SQLite file: the schema, then what files made
 * before each change lack. */
static int sqlite_v1(bb_db *db)
{
    return bb_db_script(db, SCHEMA_V1("INTEGER PRIMARY KEY", "INTEGER PRIMARY KEY", "INTEGER", "BLOB", "")) ||
           forget_call_secrets(db) || add_officer_numbers(db) || add_invitation_roles(db) ||
           move_pins_to_rooms(db) || add_session_last_seen(db) || add_officer_totp(db) || add_phone_requests(db);
}

static int postgres_v1(bb_db *db)
{
    return bb_db_script(db, SCHEMA_V1("BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY", "BIGINT PRIMARY KEY",
                                      "BIGINT", "BYTEA", ", rowid BIGINT GENERATED ALWAYS AS IDENTITY"));
}

static int sqlite_v2(bb_db *db)
{
    return bb_db_script(db, SCHEMA_V2("INTEGER", ""));
}

static int postgres_v2(bb_db *db)
{
    return bb_db_script(db, SCHEMA_V2("BIGINT", "UNLOGGED "));
}

/* Rooms on several Janus servers: each room's server (its WebSocket URL;
 * '' the first of the list, as every room from before). */
static int add_room_servers(bb_db *db)
{
    return bb_db_script(db, "ALTER TABLE rooms ADD COLUMN server TEXT NOT NULL DEFAULT ''");
}

/* Each version once, in order; a new one is added at the end, for both. */
static const struct {
    int version;
    int (*sqlite)(bb_db *db), (*postgres)(bb_db *db);
} MIGRATIONS[] = {
    {1, sqlite_v1, postgres_v1},
    {2, sqlite_v2, postgres_v2},
    {3, add_room_servers, add_room_servers},
};

/* The database at the newest schema: what it lacks applied in one
 * transaction, under the migrations' lock. */
static int migrate(bb_db *db)
{
    int rc = bb_db_begin(db);
    if (!rc)
        rc = bb_db_lock_schema(db);
    if (!rc)
        rc = bb_db_script(db, "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY)");
    int64_t have = 0;
    if (!rc) {
        bb_db_q *q = bb_db_query(db, "SELECT COALESCE(MAX(version), 0) FROM schema_migrations", "");
        if (bb_db_row(q) == 1)
            have = bb_db_int(q, 0);
        rc = bb_db_end(q, NULL);
    }
    int postgres = bb_db_kind_get(db) == BB_DB_POSTGRES;
    for (size_t i = 0; !rc && i < sizeof(MIGRATIONS) / sizeof(MIGRATIONS[0]); i++) {
        if (MIGRATIONS[i].version <= have)
            continue;
        rc = (postgres ? MIGRATIONS[i].postgres : MIGRATIONS[i].sqlite)(db) ? BB_E_STATE : BB_OK;
        if (!rc)
            rc = bb_db_run(db, NULL, "INSERT INTO schema_migrations (version) VALUES (?)", "i",
                           (int64_t)MIGRATIONS[i].version);
    }
    return bb_db_finish(db, rc);
}

int bb_store_schema_version(void)
{
    return MIGRATIONS[sizeof(MIGRATIONS) / sizeof(MIGRATIONS[0]) - 1].version;
}

int bb_store_open(const char *location, bb_store **out)
{
    *out = NULL;
    bb_store *s = calloc(1, sizeof(*s));
    if (!s)
        return BB_E_NOMEM;
    pthread_mutex_init(&s->lock, NULL);
    pthread_cond_init(&s->freed, NULL);
    s->n = 1;
    const char *conns = getenv("BB_CONTACT_DB_CONNECTIONS");
    if (bb_db_kind_of(location) == BB_DB_POSTGRES)
        s->n = conns && atoi(conns) > 0 && atoi(conns) <= MAX_CONNS ? atoi(conns) : 4;
    int rc = BB_OK;
    for (int i = 0; i < s->n && !rc; i++)
        rc = bb_db_open(location, &s->conns[i]);
    if (!rc && migrate(s->conns[0]) != BB_OK) {
        fprintf(stderr, "contact: the database's schema could not be brought to version %d\n",
                bb_store_schema_version());
        rc = BB_E_STATE;
    }
    if (rc) {
        bb_store_close(s);
        return rc;
    }
    *out = s;
    return BB_OK;
}

void bb_store_close(bb_store *s)
{
    if (!s)
        return;
    for (int i = 0; i < s->n; i++)
        bb_db_close(s->conns[i]);
    pthread_cond_destroy(&s->freed);
    pthread_mutex_destroy(&s->lock);
    free(s);
}

/* A connection for this thread alone, until give(). */
static bb_db *take(bb_store *s)
{
    pthread_mutex_lock(&s->lock);
    for (;;) {
        for (int i = 0; i < s->n; i++)
            if (!s->busy[i]) {
                s->busy[i] = 1;
                pthread_mutex_unlock(&s->lock);
                return s->conns[i];
            }
        pthread_cond_wait(&s->freed, &s->lock);
    }
}

/* Gives the connection back; passes rc through, and notes whether the
 * database could be reached. */
static int give(bb_store *s, bb_db *db, int rc)
{
    pthread_mutex_lock(&s->lock);
    for (int i = 0; i < s->n; i++)
        if (s->conns[i] == db)
            s->busy[i] = 0;
    pthread_cond_signal(&s->freed);
    pthread_mutex_unlock(&s->lock);
    unreachable_here = rc != BB_OK && bb_db_unreachable(db);
    return unreachable_here ? BB_E_UNSUPPORTED : rc;
}

int bb_store_shared(const bb_store *s)
{
    return bb_db_kind_get(s->conns[0]) == BB_DB_POSTGRES;
}

int bb_store_unreachable_here(void)
{
    return unreachable_here;
}

/* rc of a statement that should have changed exactly one row. */
static int one_changed(int rc, int64_t changes)
{
    return rc == BB_OK && changes != 1 ? BB_E_STATE : rc;
}

/* The first column of the query's row, malloc'd with a NUL after it: BB_OK;
 * BB_E_AGAIN without a row. */
static int take_blob(bb_db_q *q, char **out, size_t *len)
{
    int row = bb_db_row(q), rc = row < 0 ? row : BB_E_AGAIN;
    if (row == 1) {
        size_t n;
        const void *p = bb_db_blob(q, 0, &n);
        *out = malloc(n + 1);
        if (*out) {
            if (n)
                memcpy(*out, p, n);
            (*out)[n] = 0;
            *len = n;
            rc = BB_OK;
        } else {
            rc = BB_E_NOMEM;
        }
    }
    int end = bb_db_end(q, NULL);
    return rc == BB_OK || rc == BB_E_AGAIN ? (end ? end : rc) : rc;
}

static void copy_col(bb_db_q *q, int col, char *out, size_t size)
{
    snprintf(out, size, "%s", bb_db_text(q, col));
}

/* The query's one row, or BB_E_AGAIN without one; read() fills out from it. */
static int one_row(bb_db_q *q, void (*read)(bb_db_q *q, void *out), void *out)
{
    int row = bb_db_row(q);
    if (row == 1)
        read(q, out);
    int end = bb_db_end(q, NULL);
    return row < 0 ? row : end ? end : row == 1 ? BB_OK : BB_E_AGAIN;
}

/* An INSERT ... RETURNING id: its id in *id (may be NULL). */
static int insert_id(bb_db_q *q, int64_t *id)
{
    int row = bb_db_row(q);
    if (row == 1 && id)
        *id = bb_db_int(q, 0);
    int end = bb_db_end(q, NULL);
    return row < 0 ? row : end ? end : row == 1 ? BB_OK : BB_E_STATE;
}

#define REQUEST_COLS                                                                          \
    "r.id, r.reference, r.status, r.name, r.phone, r.email, r.neighbourhood, r.topic,"        \
    " r.preference, r.win, r.date, r.needs, r.lang, r.created_at, COALESCE(r.closed_at, 0),"  \
    " COALESCE(r.claimed_by, 0), COALESCE(o.display_name, ''), r.outcome, r.notes,"         \
    " (SELECT COUNT(*) FROM requests p WHERE p.phone = r.phone AND p.id < r.id"               \
    "  AND p.created_at >= r.created_at - 86400), r.via_phone,"                                \
    " (SELECT COUNT(*) FROM statements s WHERE s.request_id = r.id)"                           \
    " FROM requests r LEFT JOIN officers o ON o.id = r.claimed_by"

/* An element of a comma-separated list (the first argument), exactly:
 * ",a,b," holds ",a,", never a prefix. */
#define IN_LIST(col) "strpos(',' || ? || ',', ',' || " col " || ',') > 0"

static void read_request(bb_db_q *q, void *out)
{
    bb_stored_request *r = out;
    memset(r, 0, sizeof(*r));
    r->id = bb_db_int(q, 0);
    copy_col(q, 1, r->reference, sizeof(r->reference));
    copy_col(q, 2, r->status, sizeof(r->status));
    copy_col(q, 3, r->req.name, sizeof(r->req.name));
    copy_col(q, 4, r->req.phone, sizeof(r->req.phone));
    copy_col(q, 5, r->req.email, sizeof(r->req.email));
    copy_col(q, 6, r->req.neighbourhood, sizeof(r->req.neighbourhood));
    copy_col(q, 7, r->req.topic, sizeof(r->req.topic));
    copy_col(q, 8, r->req.preference, sizeof(r->req.preference));
    copy_col(q, 9, r->req.window, sizeof(r->req.window));
    copy_col(q, 10, r->req.date, sizeof(r->req.date));
    r->req.needs = (unsigned)bb_db_int(q, 11);
    copy_col(q, 12, r->req.lang, sizeof(r->req.lang));
    r->created_at = bb_db_int(q, 13);
    r->closed_at = bb_db_int(q, 14);
    r->claimed_by = bb_db_int(q, 15);
    copy_col(q, 16, r->claimed_by_name, sizeof(r->claimed_by_name));
    copy_col(q, 17, r->outcome, sizeof(r->outcome));
    copy_col(q, 18, r->notes, sizeof(r->notes));
    r->repeats = (int)bb_db_int(q, 19);
    r->req.via_phone = (int)bb_db_int(q, 20);
    r->statements = (int)bb_db_int(q, 21);
}

int bb_store_create_request(bb_store *s, const bb_callback_request *r, const char *reference,
                            int64_t now, int64_t *id)
{
    bb_db *db = take(s);
    int rc = insert_id(bb_db_query(db,
                                   "INSERT INTO requests (reference, status, name, phone, email, neighbourhood,"
                                   " topic, preference, win, date, needs, lang, created_at, via_phone, consent_at,"
                                   " entered_by) VALUES (?, 'queued', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,"
                                   " CASE WHEN ? <> 0 THEN ? END, ?) RETURNING id",
                                   "tttttttttitiiiii", reference, r->name, r->phone, r->email, r->neighbourhood,
                                   r->topic, r->preference, r->window, r->date, (int64_t)r->needs, r->lang, now,
                                   (int64_t)(r->via_phone != 0), (int64_t)(r->via_phone != 0), now,
                                   r->entered_by),
                       id);
    return give(s, db, rc);
}

int bb_store_find(bb_store *s, const char *reference, const char *phone, bb_stored_request *out)
{
    bb_db *db = take(s);
    int rc = one_row(bb_db_query(db, "SELECT " REQUEST_COLS " WHERE r.reference = ? AND r.phone = ?", "tt",
                                 reference, phone),
                     read_request, out);
    return give(s, db, rc);
}

int bb_store_get(bb_store *s, int64_t id, bb_stored_request *out)
{
    bb_db *db = take(s);
    int rc = one_row(bb_db_query(db, "SELECT " REQUEST_COLS " WHERE r.id = ?", "i", id), read_request, out);
    return give(s, db, rc);
}

int bb_store_delete_request(bb_store *s, int64_t id)
{
    bb_db *db = take(s);
    int rc = bb_db_begin(db);
    if (rc == BB_OK)
        rc = bb_db_run(db, NULL, "DELETE FROM invitations WHERE request_id = ?", "i", id);
    if (rc == BB_OK)
        rc = bb_db_run(db, NULL, "DELETE FROM requests WHERE id = ?", "i", id);
    rc = bb_db_finish(db, rc);
    if (rc == BB_OK)
        bb_db_forget_deleted(db);
    return give(s, db, rc);
}

int bb_store_queue(bb_store *s, const char *neighbourhoods,
                   void (*row)(void *ctx, const bb_stored_request *r), void *ctx)
{
    bb_stored_request *r = malloc(sizeof(*r));
    if (!r)
        return BB_E_NOMEM;
    bb_db *db = take(s);
    bb_db_q *q = bb_db_query(db,
                             "SELECT " REQUEST_COLS " WHERE r.status != 'done' AND " IN_LIST("r.neighbourhood")
                             " ORDER BY r.created_at, r.id LIMIT 500",
                             "t", neighbourhoods);
    int got;
    while ((got = bb_db_row(q)) == 1) {
        read_request(q, r);
        row(ctx, r);
    }
    int rc = bb_db_end(q, NULL);
    free(r);
    return give(s, db, got < 0 ? got : rc);
}

int bb_store_claim(bb_store *s, int64_t id, int64_t officer_id, int64_t now)
{
    bb_db *db = take(s);
    int64_t n;
    int rc = bb_db_run(db, &n,
                       "UPDATE requests SET status = 'claimed', claimed_by = ?, claimed_at = ?"
                       " WHERE id = ? AND status = 'queued'",
                       "iii", officer_id, now, id);
    return give(s, db, one_changed(rc, n));
}

int bb_store_set_status(bb_store *s, int64_t id, const char *status, const char *outcome, int64_t now)
{
    bb_db *db = take(s);
    int done = strcmp(status, "done") == 0;
    int64_t n;
    int rc = bb_db_begin(db);
    if (rc == BB_OK)
        rc = one_changed(bb_db_run(db, &n,
                                   "UPDATE requests SET status = ?, outcome = COALESCE(?, outcome),"
                                   " closed_at = CASE WHEN ? <> 0 THEN ? ELSE closed_at END WHERE id = ?",
                                   "ttiii", status, outcome, (int64_t)done, now, id),
                         n);
    /* A closed request's unused invitation links stop working. */
    if (rc == BB_OK && done)
        rc = bb_db_run(db, NULL, "DELETE FROM invitations WHERE request_id = ? AND used_at IS NULL", "i", id);
    return give(s, db, bb_db_finish(db, rc));
}

int bb_store_pilot_add(bb_store *s, const char *week, const char *neighbourhood, const char *const *metrics,
                       const int64_t *values, int n)
{
    /* A shard of this thread's, moving on at every add. */
    static _Thread_local unsigned next;
    if (!next)
        next = (unsigned)(uintptr_t)&next >> 4;
    int64_t shard = next++ % PILOT_SHARD_COUNT;
    bb_db *db = take(s);
    int rc = n > 1 ? bb_db_begin(db) : BB_OK;
    for (int i = 0; i < n && rc == BB_OK; i++)
        rc = bb_db_run(db, NULL,
                       "INSERT INTO pilot_counts (week, neighbourhood, metric, shard, value) VALUES (?, ?, ?, ?, ?)"
                       " ON CONFLICT (week, neighbourhood, metric, shard)"
                       " DO UPDATE SET value = pilot_counts.value + excluded.value",
                       "tttii", week, neighbourhood, metrics[i], shard, values[i]);
    return give(s, db, n > 1 ? bb_db_finish(db, rc) : rc);
}

int bb_store_feedback_token_add(bb_store *s, const char *token_hash, const char *neighbourhood,
                                const char *week, int64_t expires_at)
{
    bb_db *db = take(s);
    int rc = bb_db_run(db, NULL,
                       "INSERT INTO feedback_tokens (token_hash, neighbourhood, week, expires_at) VALUES (?, ?, ?, ?)",
                       "ttti", token_hash, neighbourhood, week, expires_at);
    return give(s, db, rc);
}

typedef struct {
    char *neighbourhood, *week;
} token_place;

static void read_token_place(bb_db_q *q, void *out)
{
    token_place *t = out;
    copy_col(q, 0, t->neighbourhood, 32);
    copy_col(q, 1, t->week, BB_ISO_WEEK_LEN);
}

int bb_store_feedback_token_take(bb_store *s, const char *token_hash, int64_t now, char neighbourhood[32],
                                 char week[BB_ISO_WEEK_LEN])
{
    token_place t = {neighbourhood, week};
    bb_db *db = take(s);
    int rc = one_row(bb_db_query(db,
                                 "DELETE FROM feedback_tokens WHERE token_hash = ? AND expires_at > ?"
                                 " RETURNING neighbourhood, week",
                                 "ti", token_hash, now),
                     read_token_place, &t);
    return give(s, db, rc);
}

int bb_store_pilot_rows(bb_store *s, const char *neighbourhoods,
                        void (*row)(void *ctx, const char *week, const char *neighbourhood,
                                    const char *metric, int64_t value),
                        void *ctx)
{
    bb_db *db = take(s);
    bb_db_q *q = bb_db_query(db,
                             "SELECT week, neighbourhood, metric, SUM(value) FROM pilot_counts WHERE "
                             IN_LIST("neighbourhood") " GROUP BY week, neighbourhood, metric"
                             " ORDER BY week DESC, neighbourhood, metric LIMIT 20000",
                             "t", neighbourhoods);
    int got;
    while ((got = bb_db_row(q)) == 1)
        row(ctx, bb_db_text(q, 0), bb_db_text(q, 1), bb_db_text(q, 2), bb_db_int(q, 3));
    int rc = bb_db_end(q, NULL);
    return give(s, db, got < 0 ? got : rc);
}

int bb_store_add_note(bb_store *s, int64_t id, const char *note)
{
    bb_db *db = take(s);
    int64_t n;
    int rc = one_changed(bb_db_run(db, &n,
                                   "UPDATE requests SET notes = notes || CASE WHEN notes = '' THEN '' ELSE ? END || ?"
                                   " WHERE id = ? AND length(notes) + length(?) < 8000",
                                   "ttit", "\n", note, id, note),
                         n);
    if (rc == BB_E_STATE) {
        /* Distinguish "no such request" from "notes full". */
        bb_db_q *q = bb_db_query(db, "SELECT COUNT(*) FROM requests WHERE id = ?", "i", id);
        if (bb_db_row(q) == 1 && bb_db_int(q, 0) == 1)
            rc = BB_E_TOO_LARGE;
        bb_db_end(q, NULL);
    }
    return give(s, db, rc);
}

int bb_store_statement_add(bb_store *s, int64_t request_id, int64_t officer_id, const uint8_t *pdf,
                           size_t len, const char *sha256_hex, int64_t now, int64_t *id)
{
    if (!pdf || !len || len > BB_STATEMENT_PDF_MAX || !sha256_hex)
        return BB_E_ARG;
    bb_db *db = take(s);
    int rc = insert_id(bb_db_query(db,
                                   "INSERT INTO statements (request_id, officer_id, created_at, sha256, pdf)"
                                   " VALUES (?, ?, ?, ?, ?) RETURNING id",
                                   "iiitb", request_id, officer_id, now, sha256_hex, pdf, (int)len),
                       id);
    return give(s, db, rc);
}

int bb_store_statement_latest(bb_store *s, int64_t request_id, uint8_t **pdf, size_t *len)
{
    *pdf = NULL;
    *len = 0;
    bb_db *db = take(s);
    int rc = take_blob(bb_db_query(db, "SELECT pdf FROM statements WHERE request_id = ? ORDER BY id DESC LIMIT 1",
                                   "i", request_id),
                       (char **)pdf, len);
    return give(s, db, rc);
}

/* ---- the evidence store's recordings ---- */

static int audit(bb_db *db, int64_t now, int64_t officer_id, int64_t id, const char *action)
{
    return bb_db_run(db, NULL, "INSERT INTO recording_audit (at, officer_id, recording_id, action) VALUES (?, ?, ?, ?)",
                     "iiit", now, officer_id, id, action);
}

int bb_store_recording_add(bb_store *s, int64_t request_id, int64_t officer_id, int64_t now, int64_t *id)
{
    bb_db *db = take(s);
    int rc = bb_db_begin(db);
    if (!rc)
        rc = insert_id(bb_db_query(db,
                                   "INSERT INTO recordings (request_id, officer_id, created_at) VALUES (?, ?, ?)"
                                   " RETURNING id",
                                   "iii", request_id, officer_id, now),
                       id);
    if (!rc)
        rc = audit(db, now, officer_id, *id, "created");
    return give(s, db, bb_db_finish(db, rc));
}

static void read_recording(bb_db_q *q, void *o)
{
    bb_stored_recording *out = o;
    out->request_id = bb_db_int(q, 0);
    out->officer_id = bb_db_int(q, 1);
    out->created_at = bb_db_int(q, 2);
    out->size = bb_db_int(q, 3);
    out->sealed = (int)bb_db_int(q, 4);
    out->has_manifest = (int)bb_db_int(q, 5);
}

int bb_store_recording_get(bb_store *s, int64_t id, bb_stored_recording *out)
{
    memset(out, 0, sizeof(*out));
    bb_db *db = take(s);
    int rc = one_row(bb_db_query(db,
                                 "SELECT request_id, officer_id, created_at, size, sealed,"
                                 " CASE WHEN manifest IS NULL THEN 0 ELSE 1 END FROM recordings WHERE id = ?",
                                 "i", id),
                     read_recording, out);
    if (rc == BB_OK)
        out->id = id;
    return give(s, db, rc);
}

int bb_store_recording_grow(bb_store *s, int64_t id, int64_t from, int64_t to)
{
    bb_db *db = take(s);
    int64_t n;
    int rc = bb_db_run(db, &n, "UPDATE recordings SET size = ? WHERE id = ? AND size = ? AND sealed = 0", "iii", to,
                       id, from);
    return give(s, db, one_changed(rc, n));
}

int bb_store_recording_manifest(bb_store *s, int64_t id, int64_t officer_id, const char *json, size_t len, int sealed,
                                int64_t now)
{
    bb_db *db = take(s);
    int64_t n;
    int rc = bb_db_begin(db);
    if (!rc)
        rc = one_changed(bb_db_run(db, &n, "UPDATE recordings SET manifest = ?, sealed = ? WHERE id = ? AND sealed = 0",
                                   "bii", json, (int)len, (int64_t)sealed, id),
                         n);
    if (!rc && sealed)
        rc = audit(db, now, officer_id, id, "sealed");
    return give(s, db, bb_db_finish(db, rc));
}

int bb_store_recording_manifest_get(bb_store *s, int64_t id, char **json, size_t *len)
{
    *json = NULL;
    *len = 0;
    bb_db *db = take(s);
    int rc = take_blob(bb_db_query(db, "SELECT manifest FROM recordings WHERE id = ? AND manifest IS NOT NULL", "i", id),
                       json, len);
    return give(s, db, rc);
}

int bb_store_recording_audit(bb_store *s, int64_t now, int64_t officer_id, int64_t id, const char *action)
{
    bb_db *db = take(s);
    int rc = audit(db, now, officer_id, id, action);
    return give(s, db, rc);
}

int bb_store_recording_audit_rows(bb_store *s, int64_t id,
                                  void (*row)(void *ctx, int64_t at, int64_t officer_id, const char *action),
                                  void *ctx)
{
    bb_db *db = take(s);
    bb_db_q *q = bb_db_query(db,
                             "SELECT at, officer_id, action FROM recording_audit WHERE recording_id = ? ORDER BY rowid",
                             "i", id);
    int got;
    while ((got = bb_db_row(q)) == 1)
        row(ctx, bb_db_int(q, 0), bb_db_int(q, 1), bb_db_text(q, 2));
    int rc = bb_db_end(q, NULL);
    return give(s, db, got < 0 ? got : rc);
}

int bb_store_recordings_expire(bb_store *s, int64_t now, int64_t before, int64_t *ids, int max, int *n)
{
    *n = 0;
    bb_db *db = take(s);
    int rc = bb_db_begin(db);
    bb_db_q *q = rc ? NULL
                    : bb_db_query(db, "SELECT id FROM recordings WHERE created_at < ? ORDER BY id LIMIT ?", "ii",
                                  before, (int64_t)max);
    int got = 0;
    while (q && *n < max && (got = bb_db_row(q)) == 1)
        ids[(*n)++] = bb_db_int(q, 0);
    if (q)
        rc = got < 0 ? got : bb_db_end(q, NULL);
    for (int i = 0; i < *n && !rc; i++) {
        rc = bb_db_run(db, NULL, "DELETE FROM recordings WHERE id = ?", "i", ids[i]);
        if (!rc)
            rc = audit(db, now, 0, ids[i], "deleted");
    }
    rc = bb_db_finish(db, rc);
    if (rc)
        *n = 0;
    return give(s, db, rc);
}

int bb_store_add_officer(bb_store *s, const bb_officer *o)
{
    bb_db *db = take(s);
    int rc = bb_db_run(db, NULL,
                       "INSERT INTO officers (username, display_name, team, neighbourhoods, number,"
                       " salt, hash, iterations, role) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                       "tttttbbit", o->username, o->display_name, o->team, o->neighbourhoods, o->number,
                       (const void *)o->salt, (int)sizeof(o->salt), (const void *)o->hash, (int)sizeof(o->hash),
                       (int64_t)o->iterations, o->role[0] ? o->role : "officer");
    return give(s, db, rc);
}

/* Copies column col into out when it holds exactly size bytes: 1, else 0. */
static int copy_bytes(bb_db_q *q, int col, uint8_t *out, size_t size)
{
    size_t n;
    const void *p = bb_db_blob(q, col, &n);
    if (!p || n != size)
        return 0;
    memcpy(out, p, size);
    return 1;
}

static void read_officer(bb_db_q *q, void *out)
{
    bb_officer *o = out;
    memset(o, 0, sizeof(*o));
    o->id = bb_db_int(q, 0);
    copy_col(q, 1, o->username, sizeof(o->username));
    copy_col(q, 2, o->display_name, sizeof(o->display_name));
    copy_col(q, 3, o->team, sizeof(o->team));
    copy_col(q, 4, o->neighbourhoods, sizeof(o->neighbourhoods));
    copy_bytes(q, 5, o->salt, sizeof(o->salt));
    copy_bytes(q, 6, o->hash, sizeof(o->hash));
    o->iterations = (uint32_t)bb_db_int(q, 7);
    copy_col(q, 8, o->number, sizeof(o->number));
    o->has_totp = copy_bytes(q, 9, o->totp, sizeof(o->totp));
    o->totp_last_step = bb_db_int(q, 10);
    o->has_pending = copy_bytes(q, 11, o->totp_pending, sizeof(o->totp_pending));
    copy_col(q, 12, o->role, sizeof(o->role));
}

#define OFFICER_COLS                                                                           \
    "id, username, display_name, team, neighbourhoods, salt, hash, iterations, number, totp,"  \
    " totp_last_step, totp_pending, role"

int bb_store_officer_by_name(bb_store *s, const char *username, bb_officer *out)
{
    bb_db *db = take(s);
    int rc = one_row(bb_db_query(db, "SELECT " OFFICER_COLS " FROM officers WHERE username = ?", "t", username),
                     read_officer, out);
    return give(s, db, rc);
}

int bb_store_officer_by_id(bb_store *s, int64_t id, bb_officer *out)
{
    bb_db *db = take(s);
    int rc = one_row(bb_db_query(db, "SELECT " OFFICER_COLS " FROM officers WHERE id = ?", "i", id), read_officer,
                     out);
    return give(s, db, rc);
}

/* After an UPDATE of an account's credentials (in a transaction): BB_E_AGAIN
 * when there is no such user; otherwise its sessions end, made with the old
 * ones. */
static int end_sessions_of(bb_db *db, int rc, int64_t changed, const char *username)
{
    if (rc == BB_OK && changed == 0)
        return BB_E_AGAIN;
    if (rc == BB_OK)
        rc = bb_db_run(db, NULL, "DELETE FROM sessions WHERE officer_id = (SELECT id FROM officers WHERE username = ?)",
                       "t", username);
    return rc;
}

int bb_store_set_officer_totp(bb_store *s, const char *username, const uint8_t *key)
{
    bb_db *db = take(s);
    int64_t n = 0;
    int rc = bb_db_begin(db);
    if (!rc)
        rc = key ? bb_db_run(db, &n,
                             "UPDATE officers SET totp = ?, totp_last_step = 0, totp_pending = NULL WHERE username = ?",
                             "bt", key, (int)BB_TOTP_KEY_BYTES, username)
                 : bb_db_run(db, &n,
                             "UPDATE officers SET totp = NULL, totp_last_step = 0, totp_pending = NULL"
                             " WHERE username = ?",
                             "t", username);
    rc = end_sessions_of(db, rc, n, username);
    return give(s, db, bb_db_finish(db, rc));
}

int bb_store_officer_totp_offer(bb_store *s, int64_t officer_id, const uint8_t *key)
{
    bb_db *db = take(s);
    int rc = bb_db_run(db, NULL,
                       "UPDATE officers SET totp_pending = ? WHERE id = ? AND totp IS NULL AND totp_pending IS NULL",
                       "bi", key, (int)BB_TOTP_KEY_BYTES, officer_id);
    return give(s, db, rc);
}

int bb_store_officer_totp_enrol(bb_store *s, int64_t officer_id, int64_t step)
{
    bb_db *db = take(s);
    int64_t n;
    int rc = bb_db_run(db, &n,
                       "UPDATE officers SET totp = totp_pending, totp_pending = NULL, totp_last_step = ?"
                       " WHERE id = ? AND totp IS NULL AND totp_pending IS NOT NULL",
                       "ii", step, officer_id);
    return give(s, db, one_changed(rc, n));
}

int bb_store_officer_totp_used(bb_store *s, int64_t officer_id, int64_t step)
{
    bb_db *db = take(s);
    int64_t n;
    int rc = bb_db_run(db, &n, "UPDATE officers SET totp_last_step = ? WHERE id = ? AND totp_last_step < ?", "iii",
                       step, officer_id, step);
    return give(s, db, one_changed(rc, n));
}

int bb_store_set_officer_password(bb_store *s, const char *username, const bb_officer *o)
{
    bb_db *db = take(s);
    int64_t n = 0;
    int rc = bb_db_begin(db);
    if (!rc)
        rc = bb_db_run(db, &n, "UPDATE officers SET salt = ?, hash = ?, iterations = ? WHERE username = ?", "bbit",
                       o->salt, (int)sizeof(o->salt), o->hash, (int)sizeof(o->hash), (int64_t)o->iterations,
                       username);
    rc = end_sessions_of(db, rc, n, username);
    return give(s, db, bb_db_finish(db, rc));
}

int bb_store_set_officer_number(bb_store *s, const char *username, const char *number)
{
    bb_db *db = take(s);
    int64_t n;
    int rc = bb_db_run(db, &n, "UPDATE officers SET number = ? WHERE username = ?", "tt", number, username);
    if (rc == BB_OK && n == 0)
        rc = BB_E_AGAIN;
    return give(s, db, rc);
}

int bb_store_session_create(bb_store *s, const char *key_hash, int64_t officer_id, const char *csrf,
                            int64_t now, int64_t expires_at)
{
    bb_db *db = take(s);
    int rc = bb_db_run(db, NULL,
                       "INSERT INTO sessions (key_hash, officer_id, csrf, expires_at, last_seen) VALUES (?, ?, ?, ?, ?)",
                       "titii", key_hash, officer_id, csrf, expires_at, now);
    return give(s, db, rc);
}

typedef struct {
    int64_t *officer_id;
    char *csrf;
} session_out;

static void read_session(bb_db_q *q, void *out)
{
    session_out *o = out;
    *o->officer_id = bb_db_int(q, 0);
    copy_col(q, 1, o->csrf, 64);
}

int bb_store_session_get(bb_store *s, const char *key_hash, int64_t now, int64_t idle_s,
                         int64_t *officer_id, char csrf[64])
{
    session_out o = {officer_id, csrf};
    bb_db *db = take(s);
    int rc = one_row(bb_db_query(db,
                                 "SELECT officer_id, csrf FROM sessions WHERE key_hash = ? AND expires_at > ?"
                                 " AND last_seen >= ?",
                                 "tii", key_hash, now, now - idle_s),
                     read_session, &o);
    if (rc == BB_OK)
        rc = bb_db_run(db, NULL, "UPDATE sessions SET last_seen = ? WHERE key_hash = ?", "it", now, key_hash);
    return give(s, db, rc);
}

int bb_store_session_delete(bb_store *s, const char *key_hash)
{
    bb_db *db = take(s);
    int rc = bb_db_run(db, NULL, "DELETE FROM sessions WHERE key_hash = ?", "t", key_hash);
    return give(s, db, rc);
}

int bb_store_invitation_create(bb_store *s, const char *token_hash, const bb_invitation *inv)
{
    const char *role = inv->role[0] ? inv->role : "citizen";
    bb_db *db = take(s);
    int rc = bb_db_begin(db);
    /* A new call's link makes the request's earlier unused links invalid,
     * the interpreters' included (they were for the earlier room). */
    if (rc == BB_OK && !strcmp(role, "citizen"))
        rc = bb_db_run(db, NULL, "DELETE FROM invitations WHERE request_id = ? AND used_at IS NULL", "i",
                       inv->request_id);
    if (rc == BB_OK)
        rc = bb_db_run(db, NULL,
                       "INSERT INTO invitations (token_hash, request_id, officer_id, room,"
                       " participant_id, expires_at, role) VALUES (?, ?, ?, ?, ?, ?, ?)",
                       "tiiitit", token_hash, inv->request_id, inv->officer_id, inv->room, inv->participant_id,
                       inv->expires_at, role);
    return give(s, db, bb_db_finish(db, rc));
}

static void read_call(bb_db_q *q, void *o)
{
    bb_invitation *out = o;
    out->room = bb_db_int(q, 0);
    copy_col(q, 1, out->pin, sizeof(out->pin));
    out->officer_id = bb_db_int(q, 2);
}

int bb_store_current_call(bb_store *s, int64_t request_id, bb_invitation *out, int *others)
{
    memset(out, 0, sizeof(*out));
    *others = 0;
    bb_db *db = take(s);
    int rc = one_row(bb_db_query(db,
                                 "SELECT i.room, r.pin, i.officer_id FROM invitations i"
                                 " JOIN rooms r ON r.room = i.room WHERE i.request_id = ?"
                                 " AND i.role = 'citizen' ORDER BY i.rowid DESC LIMIT 1",
                                 "i", request_id),
                     read_call, out);
    if (rc == BB_OK) {
        out->request_id = request_id;
        bb_db_q *q = bb_db_query(db, "SELECT COUNT(*) FROM invitations WHERE room = ? AND role != 'citizen'", "i",
                                 out->room);
        int row = bb_db_row(q);
        if (row == 1)
            *others = (int)bb_db_int(q, 0);
        rc = bb_db_end(q, NULL);
        if (!rc && row != 1)
            rc = row < 0 ? row : BB_E_STATE;
    }
    return give(s, db, rc);
}

typedef struct {
    bb_invitation *inv;
    char *room_secret;
} redeemed;

static void read_invitation(bb_db_q *q, void *o)
{
    redeemed *r = o;
    bb_invitation *out = r->inv;
    out->request_id = bb_db_int(q, 0);
    out->officer_id = bb_db_int(q, 1);
    out->room = bb_db_int(q, 2);
    copy_col(q, 3, out->pin, sizeof(out->pin));
    copy_col(q, 4, out->participant_id, sizeof(out->participant_id));
    out->expires_at = bb_db_int(q, 5);
    out->used_at = bb_db_int(q, 6);
    copy_col(q, 7, out->role, sizeof(out->role));
    if (r->room_secret)
        copy_col(q, 8, r->room_secret, 48);
    copy_col(q, 9, out->neighbourhood, sizeof(out->neighbourhood));
}

int bb_store_invitation_redeem(bb_store *s, const char *token_hash, int64_t now, int staff, int use,
                               bb_invitation *out, char room_secret[48])
{
    memset(out, 0, sizeof(*out));
    redeemed r = {out, room_secret};
    bb_db *db = take(s);
    int rc = one_row(bb_db_query(db,
                                 "SELECT i.request_id, i.officer_id, i.room, COALESCE(r.pin, ''),"
                                 " i.participant_id, i.expires_at, COALESCE(i.used_at, 0), i.role,"
                                 " COALESCE(r.secret, ''), COALESCE(q.neighbourhood, '')"
                                 " FROM invitations i LEFT JOIN rooms r ON r.room = i.room"
                                 " LEFT JOIN requests q ON q.id = i.request_id"
                                 " WHERE i.token_hash = ?",
                                 "t", token_hash),
                     read_invitation, &r);
    if (rc == BB_OK) {
        /* A colleague's link is for a logged-in officer only, the others
         * for anyone but: the wrong door does not know it (and leaves it unused). */
        if (staff != !strcmp(out->role, "colleague"))
            rc = BB_E_AGAIN;
        else if (out->used_at || out->expires_at <= now || !out->pin[0])
            rc = BB_E_STATE; /* no PIN: the call has ended */
    }
    /* The first redeem wins, whichever instance of the service it came to:
     * the update changes the row only while it is unused. */
    int64_t n;
    if (rc == BB_OK && use) {
        rc = one_changed(bb_db_run(db, &n, "UPDATE invitations SET used_at = ? WHERE token_hash = ? AND used_at IS NULL",
                                   "it", now, token_hash),
                         n);
        if (rc == BB_E_STATE)
            out->used_at = now;
    }
    return give(s, db, rc);
}

int bb_store_room_add(bb_store *s, int64_t request_id, int64_t room, const char *secret,
                      const char *pin, const char *server, int64_t now)
{
    bb_db *db = take(s);
    int rc = bb_db_run(db, NULL,
                       "INSERT INTO rooms (room, request_id, secret, pin, server, created_at) VALUES (?, ?, ?, ?, ?, ?)",
                       "iittti", room, request_id, secret, pin, server ? server : "", now);
    return give(s, db, rc);
}

int bb_store_rooms_ended(bb_store *s, int64_t request_id, int64_t *rooms, char (*secrets)[48],
                         char (*servers)[256], int max, int *n)
{
    *n = 0;
    bb_db *db = take(s);
    bb_db_q *q = bb_db_query(db,
                             "SELECT room, secret, server FROM rooms WHERE (? = 0 OR request_id = ?) AND request_id NOT IN"
                             " (SELECT id FROM requests WHERE status != 'done') ORDER BY room LIMIT ?",
                             "iii", request_id, request_id, (int64_t)max);
    int got = 0;
    while (*n < max && (got = bb_db_row(q)) == 1) {
        rooms[*n] = bb_db_int(q, 0);
        copy_col(q, 1, secrets[*n], 48);
        copy_col(q, 2, servers[*n], 256);
        (*n)++;
    }
    int rc = bb_db_end(q, NULL);
    return give(s, db, got < 0 ? got : rc);
}

typedef struct {
    char *secret, *pin, *server;
    int64_t request_id;
} room_out;

static void read_room(bb_db_q *q, void *o)
{
    room_out *r = o;
    r->request_id = bb_db_int(q, 0);
    if (r->secret)
        copy_col(q, 1, r->secret, 48);
    copy_col(q, 2, r->pin, 24);
    copy_col(q, 3, r->server, 256);
}

int bb_store_room_get(bb_store *s, int64_t room, int64_t *request_id, char secret[48], char pin[24],
                      char server[256])
{
    room_out r = {secret, pin, server, 0};
    bb_db *db = take(s);
    int rc = one_row(bb_db_query(db, "SELECT request_id, secret, pin, server FROM rooms WHERE room = ?", "i", room),
                     read_room, &r);
    if (request_id)
        *request_id = rc == BB_OK ? r.request_id : 0;
    return give(s, db, rc);
}

int bb_store_room_move(bb_store *s, int64_t room, const char *from, const char *to)
{
    bb_db *db = take(s);
    int64_t n;
    int rc = bb_db_run(db, &n, "UPDATE rooms SET server = ? WHERE room = ? AND server = ?", "tit", to, room, from);
    return give(s, db, one_changed(rc, n));
}

int bb_store_calls_per_server(bb_store *s, void (*row)(void *ctx, const char *server, int64_t calls), void *ctx)
{
    bb_db *db = take(s);
    bb_db_q *q = bb_db_query(db,
                             "SELECT server, COUNT(*) FROM rooms WHERE request_id IN"
                             " (SELECT id FROM requests WHERE status != 'done') GROUP BY server",
                             "");
    int got;
    while ((got = bb_db_row(q)) == 1)
        row(ctx, bb_db_text(q, 0), bb_db_int(q, 1));
    int rc = bb_db_end(q, NULL);
    return give(s, db, got < 0 ? got : rc);
}

int bb_store_room_forget(bb_store *s, int64_t room)
{
    bb_db *db = take(s);
    int rc = bb_db_run(db, NULL, "DELETE FROM rooms WHERE room = ?", "i", room);
    return give(s, db, rc);
}

int bb_store_purge(bb_store *s, int64_t now, int64_t retention_s, int64_t open_max_s, int *deleted)
{
    bb_db *db = take(s);
    int64_t cutoff = now - retention_s, abandoned = now - open_max_s, gone = 0, other = 0;
    int rc = bb_db_begin(db);
    if (rc == BB_OK)
        rc = bb_db_run(db, &gone,
                       "DELETE FROM requests WHERE (status = 'done' AND closed_at < ?)"
                       " OR (status != 'done' AND created_at < ?)",
                       "ii", cutoff, abandoned);
    /* Invitations go with their request, and a week after they expired
     * (until then a late click is told "expired", not "unknown"). */
    if (rc == BB_OK)
        rc = bb_db_run(db, &other,
                       "DELETE FROM invitations WHERE expires_at <= ? - 604800"
                       " OR request_id NOT IN (SELECT id FROM requests)",
                       "i", now);
    if (rc == BB_OK)
        rc = bb_db_run(db, NULL, "DELETE FROM sessions WHERE expires_at <= ? OR last_seen < ? - 86400", "ii", now, now);
    if (rc == BB_OK)
        rc = bb_db_run(db, NULL, "DELETE FROM feedback_tokens WHERE expires_at <= ?", "i", now);
    /* Limits untouched for a day are full buckets and ended lockouts. */
    if (rc == BB_OK)
        rc = bb_db_run(db, NULL, "DELETE FROM rate_limits WHERE at_ms < ?", "i", (now - 86400) * 1000);
    if (rc == BB_OK)
        rc = bb_db_run(db, NULL, "DELETE FROM backoffs WHERE last_ms < ? AND until_ms < ?", "ii", (now - 86400) * 1000,
                       now * 1000);
    rc = bb_db_finish(db, rc);
    if (rc == BB_OK && gone + other > 0)
        bb_db_forget_deleted(db);
    if (deleted)
        *deleted = rc == BB_OK ? (int)gone : 0;
    return give(s, db, rc);
}

/* ---- limits shared by the instances ---- */

#define MICRO 1000000.0
/* Tries a change based on a read this many times before giving up (other
 * instances changed the row each time in between). */
#define CAS_TRIES 16

typedef struct {
    int64_t a, b, c, n;
} four;

static void read_four(bb_db_q *q, void *out)
{
    four *f = out;
    f->a = bb_db_int(q, 0);
    f->b = bb_db_int(q, 1);
    f->c = bb_db_int(q, 2);
    f->n = bb_db_int(q, 3);
}

int bb_store_rate_take(bb_store *s, const char *key, double capacity, int64_t period_ms, int64_t now_ms,
                       unsigned *wait_s)
{
    *wait_s = 0;
    if (capacity < 1 || period_ms <= 0 || now_ms < 0)
        return BB_E_ARG;
    bb_db *db = take(s);
    int rc = BB_E_STATE;
    for (int i = 0; i < CAS_TRIES && rc == BB_E_STATE; i++) {
        four f = {0};
        int64_t changed = 0;
        rc = one_row(bb_db_query(db, "SELECT tokens, at_ms, 0, n FROM rate_limits WHERE key = ?", "t", key),
                     read_four, &f);
        if (rc == BB_E_AGAIN) {
            rc = bb_db_run(db, &changed,
                           "INSERT INTO rate_limits (key, tokens, at_ms, n) VALUES (?, ?, ?, 1) ON CONFLICT (key) DO NOTHING",
                           "tii", key, (int64_t)((capacity - 1) * MICRO), now_ms);
            rc = rc ? rc : changed == 1 ? BB_OK : BB_E_STATE;
            continue;
        }
        if (rc)
            break;
        double tokens = bb_bucket_refill((double)f.a / MICRO, (uint64_t)f.b, (uint64_t)now_ms, capacity,
                                         (uint64_t)period_ms);
        if (tokens < 1.0) {
            *wait_s = bb_bucket_wait_s(tokens, capacity, (uint64_t)period_ms * 1000);
            break;
        }
        rc = one_changed(bb_db_run(db, &changed, "UPDATE rate_limits SET tokens = ?, at_ms = ?, n = n + 1 WHERE key = ? AND n = ?",
                                   "iiti", (int64_t)((tokens - 1.0) * MICRO), now_ms > f.b ? now_ms : f.b, key, f.n),
                         changed);
    }
    return give(s, db, rc);
}

int bb_store_backoff_wait(bb_store *s, const char *key, int64_t now_ms, unsigned *wait_s)
{
    *wait_s = 0;
    four f = {0};
    bb_db *db = take(s);
    int rc = one_row(bb_db_query(db, "SELECT failures, last_ms, until_ms, n FROM backoffs WHERE key = ?", "t", key),
                     read_four, &f);
    if (rc == BB_OK && f.c > now_ms)
        *wait_s = (unsigned)((f.c - now_ms + 999) / 1000);
    return give(s, db, rc == BB_E_AGAIN ? BB_OK : rc);
}

int bb_store_backoff_failed(bb_store *s, const char *key, unsigned free_failures, unsigned max_s, int64_t now_ms,
                            unsigned *lock_s)
{
    *lock_s = 0;
    bb_db *db = take(s);
    int rc = BB_E_STATE;
    for (int i = 0; i < CAS_TRIES && rc == BB_E_STATE; i++) {
        four f = {0};
        int64_t changed = 0;
        rc = one_row(bb_db_query(db, "SELECT failures, last_ms, until_ms, n FROM backoffs WHERE key = ?", "t", key),
                     read_four, &f);
        if (rc == BB_E_AGAIN) {
            *lock_s = bb_backoff_lock_s(1, free_failures, max_s);
            rc = bb_db_run(db, &changed,
                           "INSERT INTO backoffs (key, failures, last_ms, until_ms, n) VALUES (?, 1, ?, ?, 1)"
                           " ON CONFLICT (key) DO NOTHING",
                           "tii", key, now_ms, now_ms + (int64_t)*lock_s * 1000);
            rc = rc ? rc : changed == 1 ? BB_OK : BB_E_STATE;
            continue;
        }
        if (rc)
            break;
        /* Quiet for a whole maximum lockout: it starts over. */
        int64_t failures = now_ms > f.b + (int64_t)max_s * 1000 ? 1 : f.a + 1;
        *lock_s = bb_backoff_lock_s(failures > 1000000 ? 1000000 : (unsigned)failures, free_failures, max_s);
        int64_t until = *lock_s ? now_ms + (int64_t)*lock_s * 1000 : f.c;
        rc = one_changed(bb_db_run(db, &changed,
                                   "UPDATE backoffs SET failures = ?, last_ms = ?, until_ms = ?, n = n + 1"
                                   " WHERE key = ? AND n = ?",
                                   "iiiti", failures, now_ms, until, key, f.n),
                         changed);
    }
    return give(s, db, rc);
}

int bb_store_backoff_clear(bb_store *s, const char *key)
{
    bb_db *db = take(s);
    int rc = bb_db_run(db, NULL, "DELETE FROM backoffs WHERE key = ?", "t", key);
    return give(s, db, rc);
}
