/*
 * PostgreSQL through libpq, for several service instances sharing one
 * database. A statement's ? become $1, $2 ... and its arguments are sent
 * apart from it, typed (bigint, text, bytea); results come as text, bytea
 * unescaped on reading. A commit returns once PostgreSQL has it on disk
 * (synchronous_commit as the server sets it).
 *
 * When the server goes away (restarted, the network), the statement that
 * was running fails, and the connection is made again before the next one.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include "beeldbel/error.h"
#include "db_driver.h"

#define MAX_ARGS 24
#define MAX_COLS 32
#define OID_BYTEA 17
#define OID_INT8 20
#define OID_TEXT 25

typedef struct {
    bb_db base;
    PGconn *pg;
    int unreachable;   /* the last statement failed for want of a server */
    int tx;            /* in a transaction the store began */
} pg_db;

typedef struct {
    bb_db_q base;
    PGresult *res;
    int row, rows;
    unsigned char *blobs[MAX_COLS];   /* this row's bytea columns, unescaped */
    size_t blob_len[MAX_COLS];
} pg_q;

static PGconn *conn(bb_db *d)
{
    return ((pg_db *)d)->pg;
}

static void quiet(void *arg, const char *message)
{
    (void)arg, (void)message; /* "relation already exists, skipping" and the like */
}

static int connected(pg_db *d)
{
    if (PQstatus(d->pg) == CONNECTION_OK && PQconsumeInput(d->pg) && PQstatus(d->pg) == CONNECTION_OK)
        return 1;
    /* Gone since the last statement (a server that stops tells its clients).
     * A transaction's statements stay on its connection: they fail, and the
     * store rolls back, before a new connection is made. */
    d->unreachable = 1;
    if (d->tx)
        return 0;
    PQreset(d->pg);
    if (PQstatus(d->pg) != CONNECTION_OK)
        return 0;
    d->unreachable = 0;
    PQsetNoticeProcessor(d->pg, quiet, NULL);
    return 1;
}

static void pg_close(bb_db *d)
{
    PQfinish(conn(d));
    free(d);
}

static int pg_open(const char *location, bb_db **out)
{
    *out = NULL;
    pg_db *d = calloc(1, sizeof(*d));
    if (!d)
        return BB_E_NOMEM;
    d->base.driver = &bb_db_postgres;
    /* The location's own settings come last and win. */
    const char *keys[] = {"connect_timeout", "application_name", "dbname", NULL};
    const char *values[] = {"5", "beeldbel-contact", location, NULL};
    d->pg = PQconnectdbParams(keys, values, 1);
    if (!d->pg || PQstatus(d->pg) != CONNECTION_OK) {
        /* The message names the host and the reason, never the password. */
        fprintf(stderr, "contact: PostgreSQL: %s", d->pg ? PQerrorMessage(d->pg) : "out of memory\n");
        pg_close(&d->base);
        return BB_E_STATE;
    }
    PQsetNoticeProcessor(d->pg, quiet, NULL);
    *out = &d->base;
    return BB_OK;
}

/* sql with each ? outside quotes as $1, $2 ...; NULL when out of memory or
 * with more than MAX_ARGS. */
static char *numbered(const char *sql, int *count)
{
    size_t n = strlen(sql);
    char *out = malloc(n * 3 + 1), *o = out;
    if (!out)
        return NULL;
    int quoted = 0, k = 0;
    for (const char *p = sql; *p; p++) {
        if (*p == '\'')
            quoted = !quoted;
        if (*p == '?' && !quoted) {
            if (++k > MAX_ARGS) {
                free(out);
                return NULL;
            }
            o += sprintf(o, "$%d", k);
        } else {
            *o++ = *p;
        }
    }
    *o = 0;
    *count = k;
    return out;
}

/* The error of a statement that failed: a constraint or a conflict is the
 * caller's BB_E_STATE, expected (a user name taken); anything else is said. */
static int failed(pg_db *d, const PGresult *res)
{
    const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
    if (PQstatus(d->pg) != CONNECTION_OK) {
        d->unreachable = 1;
        fprintf(stderr, "contact: PostgreSQL is unreachable: %s", PQerrorMessage(d->pg));
        return BB_E_UNSUPPORTED;
    }
    if (!state || strncmp(state, "23", 2) != 0)
        fprintf(stderr, "contact: sql: %s", res ? PQresultErrorMessage(res) : PQerrorMessage(d->pg));
    return BB_E_STATE;
}

static bb_db_q *pg_vquery(bb_db *b, const char *sql, const char *fmt, va_list ap)
{
    pg_db *d = (pg_db *)b;
    pg_q *q = calloc(1, sizeof(*q));
    if (!q)
        return NULL;
    q->base.db = b;
    q->row = -1;
    d->unreachable = 0;
    int count = 0;
    char *text = numbered(sql, &count);
    if (!text || count != (int)strlen(fmt)) {
        fprintf(stderr, "contact: sql: %d arguments for %d places\n", (int)strlen(fmt), count);
        free(text);
        q->base.err = BB_E_STATE;
        return &q->base;
    }
    if (!connected(d)) {
        free(text);
        q->base.err = BB_E_UNSUPPORTED;
        return &q->base;
    }
    const char *values[MAX_ARGS];
    int lengths[MAX_ARGS], formats[MAX_ARGS];
    Oid types[MAX_ARGS];
    char numbers[MAX_ARGS][24];
    for (int i = 0; i < count; i++) {
        lengths[i] = 0;
        formats[i] = 0;
        if (fmt[i] == 'i') {
            snprintf(numbers[i], sizeof(numbers[i]), "%lld", (long long)va_arg(ap, int64_t));
            values[i] = numbers[i];
            types[i] = OID_INT8;
        } else if (fmt[i] == 't') {
            values[i] = va_arg(ap, const char *);
            types[i] = OID_TEXT;
        } else {
            values[i] = va_arg(ap, const char *);
            lengths[i] = va_arg(ap, int);
            formats[i] = 1;
            types[i] = OID_BYTEA;
        }
    }
    q->res = PQexecParams(d->pg, text, count, types, values, lengths, formats, 0);
    free(text);
    ExecStatusType st = q->res ? PQresultStatus(q->res) : PGRES_FATAL_ERROR;
    if (st == PGRES_TUPLES_OK)
        q->rows = PQntuples(q->res);
    else if (st != PGRES_COMMAND_OK)
        q->base.err = failed(d, q->res);
    return &q->base;
}

static void forget_blobs(pg_q *q)
{
    for (int i = 0; i < MAX_COLS; i++) {
        PQfreemem(q->blobs[i]);
        q->blobs[i] = NULL;
    }
}

static int pg_row(bb_db_q *b)
{
    pg_q *q = (pg_q *)b;
    forget_blobs(q);
    if (q->row + 1 >= q->rows) {
        q->row = q->rows;
        return 0;
    }
    q->row++;
    return 1;
}

static const char *pg_text(bb_db_q *b, int col)
{
    pg_q *q = (pg_q *)b;
    if (q->row < 0 || q->row >= q->rows || col >= PQnfields(q->res) || PQgetisnull(q->res, q->row, col))
        return "";
    return PQgetvalue(q->res, q->row, col);
}

static int64_t pg_int(bb_db_q *b, int col)
{
    return strtoll(pg_text(b, col), NULL, 10);
}

static const void *pg_blob(bb_db_q *b, int col, size_t *len)
{
    pg_q *q = (pg_q *)b;
    *len = 0;
    if (col < 0 || col >= MAX_COLS || q->row < 0 || q->row >= q->rows || col >= PQnfields(q->res) ||
        PQgetisnull(q->res, q->row, col))
        return NULL;
    if (PQftype(q->res, col) != OID_BYTEA) {
        *len = (size_t)PQgetlength(q->res, q->row, col);
        return PQgetvalue(q->res, q->row, col);
    }
    if (!q->blobs[col])
        q->blobs[col] = PQunescapeBytea((const unsigned char *)PQgetvalue(q->res, q->row, col), &q->blob_len[col]);
    *len = q->blobs[col] ? q->blob_len[col] : 0;
    return q->blobs[col];
}

static int pg_end(bb_db_q *b, int64_t *changes)
{
    pg_q *q = (pg_q *)b;
    int rc = b->err;
    if (!rc && changes)
        *changes = strtoll(PQcmdTuples(q->res), NULL, 10);
    forget_blobs(q);
    PQclear(q->res);
    free(q);
    return rc;
}

static int pg_script(bb_db *b, const char *sql)
{
    pg_db *d = (pg_db *)b;
    int begins = strcmp(sql, "BEGIN") == 0, ends = strcmp(sql, "COMMIT") == 0 || strcmp(sql, "ROLLBACK") == 0;
    d->unreachable = 0;
    int rc = BB_E_UNSUPPORTED;
    if (connected(d)) {
        PGresult *res = PQexec(d->pg, sql);
        ExecStatusType st = res ? PQresultStatus(res) : PGRES_FATAL_ERROR;
        rc = st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK ? BB_OK : failed(d, res);
        PQclear(res);
    }
    if (begins && rc == BB_OK)
        d->tx = 1;
    if (ends)
        d->tx = 0;
    return rc;
}

static int pg_in_transaction(bb_db *b)
{
    return ((pg_db *)b)->tx;
}

static int pg_unreachable(const bb_db *b)
{
    return ((const pg_db *)b)->unreachable;
}

/* Row locks and conditional updates keep writers apart (READ COMMITTED);
 * migrations take a lock of their own, whatever instance starts first.
 * Deleted rows stay in PostgreSQL's files until vacuum reuses the space. */
const bb_db_driver bb_db_postgres = {
    .kind = BB_DB_POSTGRES,
    .open = pg_open,
    .close = pg_close,
    .vquery = pg_vquery,
    .row = pg_row,
    .integer = pg_int,
    .text = pg_text,
    .blob = pg_blob,
    .end = pg_end,
    .script = pg_script,
    .begin_sql = "BEGIN",
    .lock_schema_sql = "SELECT pg_advisory_xact_lock(7166420386)",
    .in_transaction = pg_in_transaction,
    .forget_deleted = NULL,
    .unreachable = pg_unreachable,
};
