/*
 * The embedded database: one SQLite file in WAL mode. Every write is a
 * committed transaction before the store returns, so a request the API
 * acknowledged is in the WAL file; synchronous=NORMAL makes that survive a
 * crash or kill -9 of the service (only a power loss could lose the last
 * commits; BB_CONTACT_SYNC=full trades speed for that too).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "beeldbel/error.h"
#include "db_driver.h"

typedef struct {
    bb_db base;
    sqlite3 *db;
} sl_db;

typedef struct {
    bb_db_q base;
    sqlite3_stmt *st;
    int rc;      /* the last step's result, 0 before the first */
} sl_q;

static sqlite3 *conn(bb_db *d)
{
    return ((sl_db *)d)->db;
}

static void sl_close(bb_db *d);

/* strpos(haystack, needle): PostgreSQL's name for SQLite's instr. */
static void strpos_fn(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    const unsigned char *h = sqlite3_value_text(argv[0]), *n = sqlite3_value_text(argv[1]);
    if (!h || !n) {
        sqlite3_result_null(ctx);
        return;
    }
    const char *at = strstr((const char *)h, (const char *)n);
    int64_t pos = 0;
    if (at) /* in characters, as instr and strpos count */
        for (const unsigned char *p = h; p <= (const unsigned char *)at; p++)
            pos += (*p & 0xC0) != 0x80;
    sqlite3_result_int64(ctx, at ? pos : 0);
}

static int sl_open(const char *path, bb_db **out)
{
    *out = NULL;
    sl_db *d = calloc(1, sizeof(*d));
    if (!d)
        return BB_E_NOMEM;
    d->base.driver = &bb_db_sqlite;
    const char *sync = getenv("BB_CONTACT_SYNC");
    char pragmas[160];
    /* secure_delete: a cancelled request's personal data is overwritten in
     * the file, not just unlinked from the b-tree. */
    snprintf(pragmas, sizeof(pragmas),
             "PRAGMA journal_mode=WAL; PRAGMA synchronous=%s; PRAGMA foreign_keys=ON;"
             "PRAGMA secure_delete=ON; PRAGMA journal_size_limit=1048576;",
             sync && strcmp(sync, "full") == 0 ? "FULL" : "NORMAL");
    if (sqlite3_open_v2(path, &d->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX,
                        NULL) != SQLITE_OK ||
        sqlite3_busy_timeout(d->db, 5000) != SQLITE_OK ||
        sqlite3_exec(d->db, pragmas, NULL, NULL, NULL) != SQLITE_OK ||
        sqlite3_create_function(d->db, "strpos", 2, SQLITE_UTF8 | SQLITE_DETERMINISTIC, NULL, strpos_fn,
                                NULL, NULL) != SQLITE_OK) {
        fprintf(stderr, "contact: database %s: %s\n", path, d->db ? sqlite3_errmsg(d->db) : "?");
        sl_close(&d->base);
        return BB_E_STATE;
    }
    *out = &d->base;
    return BB_OK;
}

static void sl_close(bb_db *d)
{
    sqlite3_close(conn(d));
    free(d);
}

static bb_db_q *sl_vquery(bb_db *d, const char *sql, const char *fmt, va_list ap)
{
    sl_q *q = calloc(1, sizeof(*q));
    if (!q)
        return NULL;
    q->base.db = d;
    if (sqlite3_prepare_v2(conn(d), sql, -1, &q->st, NULL) != SQLITE_OK) {
        fprintf(stderr, "contact: sql: %s\n", sqlite3_errmsg(conn(d)));
        q->base.err = BB_E_STATE;
        return &q->base;
    }
    for (int i = 0; fmt[i]; i++) {
        int rc;
        if (fmt[i] == 'i') {
            rc = sqlite3_bind_int64(q->st, i + 1, va_arg(ap, int64_t));
        } else if (fmt[i] == 't') {
            rc = sqlite3_bind_text(q->st, i + 1, va_arg(ap, const char *), -1, SQLITE_TRANSIENT);
        } else {
            const void *p = va_arg(ap, const void *);
            int n = va_arg(ap, int);
            rc = sqlite3_bind_blob(q->st, i + 1, p, n, SQLITE_TRANSIENT);
        }
        if (rc != SQLITE_OK) {
            q->base.err = BB_E_STATE;
            break;
        }
    }
    return &q->base;
}

static int sl_row(bb_db_q *b)
{
    sl_q *q = (sl_q *)b;
    if (q->rc == 0 || q->rc == SQLITE_ROW)
        q->rc = sqlite3_step(q->st);
    return q->rc == SQLITE_ROW ? 1 : q->rc == SQLITE_DONE ? 0 : BB_E_STATE;
}

static int64_t sl_int(bb_db_q *q, int col)
{
    return sqlite3_column_int64(((sl_q *)q)->st, col);
}

static const char *sl_text(bb_db_q *q, int col)
{
    const unsigned char *t = sqlite3_column_text(((sl_q *)q)->st, col);
    return t ? (const char *)t : "";
}

static const void *sl_blob(bb_db_q *q, int col, size_t *len)
{
    sqlite3_stmt *st = ((sl_q *)q)->st;
    const void *p = sqlite3_column_blob(st, col);
    *len = p ? (size_t)sqlite3_column_bytes(st, col) : 0;
    return p;
}

static int sl_end(bb_db_q *b, int64_t *changes)
{
    sl_q *q = (sl_q *)b;
    int rc = b->err;
    if (!rc) {
        /* A statement not stepped yet (an INSERT, say) runs now. */
        while (q->rc == 0 || q->rc == SQLITE_ROW)
            q->rc = sqlite3_step(q->st);
        rc = q->rc == SQLITE_DONE ? BB_OK : BB_E_STATE;
        if (rc == BB_OK && changes)
            *changes = sqlite3_changes(conn(b->db));
    }
    sqlite3_finalize(q->st);
    free(q);
    return rc;
}

static int sl_script(bb_db *d, const char *sql)
{
    char *err = NULL;
    if (sqlite3_exec(conn(d), sql, NULL, NULL, &err) == SQLITE_OK)
        return BB_OK;
    fprintf(stderr, "contact: sql: %s\n", err ? err : "?");
    sqlite3_free(err);
    return BB_E_STATE;
}

static int sl_in_transaction(bb_db *d)
{
    return !sqlite3_get_autocommit(conn(d));
}

/* Deleted rows must not stay readable in the write-ahead log: the log is
 * written back into the database (where secure_delete has zeroed the rows)
 * and truncated. */
static void sl_forget_deleted(bb_db *d)
{
    if (sqlite3_wal_checkpoint_v2(conn(d), NULL, SQLITE_CHECKPOINT_TRUNCATE, NULL, NULL) != SQLITE_OK)
        fprintf(stderr, "contact: checkpoint: %s\n", sqlite3_errmsg(conn(d)));
}

static int sl_unreachable(const bb_db *d)
{
    (void)d; /* a file beside the service */
    return 0;
}

/* BEGIN IMMEDIATE takes the one writer's lock at once, which also keeps
 * migrations to one connection at a time. */
const bb_db_driver bb_db_sqlite = {
    .kind = BB_DB_SQLITE,
    .open = sl_open,
    .close = sl_close,
    .vquery = sl_vquery,
    .row = sl_row,
    .integer = sl_int,
    .text = sl_text,
    .blob = sl_blob,
    .end = sl_end,
    .script = sl_script,
    .begin_sql = "BEGIN IMMEDIATE",
    .lock_schema_sql = NULL,
    .in_transaction = sl_in_transaction,
    .forget_deleted = sl_forget_deleted,
    .unreachable = sl_unreachable,
};
