/* The database calls, passed to the driver the location chose. */
#include <string.h>

#include "beeldbel/error.h"
#include "db_driver.h"

bb_db_kind bb_db_kind_of(const char *location)
{
    return strncmp(location, "postgresql://", 13) == 0 || strncmp(location, "postgres://", 11) == 0
               ? BB_DB_POSTGRES
               : BB_DB_SQLITE;
}

int bb_db_open(const char *location, bb_db **out)
{
    return (bb_db_kind_of(location) == BB_DB_POSTGRES ? &bb_db_postgres : &bb_db_sqlite)->open(location, out);
}

void bb_db_close(bb_db *db)
{
    if (db)
        db->driver->close(db);
}

bb_db_kind bb_db_kind_get(const bb_db *db)
{
    return db->driver->kind;
}

bb_db_q *bb_db_vquery(bb_db *db, const char *sql, const char *fmt, va_list ap)
{
    return db->driver->vquery(db, sql, fmt, ap);
}

bb_db_q *bb_db_query(bb_db *db, const char *sql, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    bb_db_q *q = bb_db_vquery(db, sql, fmt, ap);
    va_end(ap);
    return q;
}

int bb_db_row(bb_db_q *q)
{
    return !q ? BB_E_NOMEM : q->err ? q->err : q->db->driver->row(q);
}

int64_t bb_db_int(bb_db_q *q, int col)
{
    return q->db->driver->integer(q, col);
}

const char *bb_db_text(bb_db_q *q, int col)
{
    return q->db->driver->text(q, col);
}

const void *bb_db_blob(bb_db_q *q, int col, size_t *len)
{
    return q->db->driver->blob(q, col, len);
}

int bb_db_end(bb_db_q *q, int64_t *changes)
{
    if (changes)
        *changes = 0;
    return q ? q->db->driver->end(q, changes) : BB_E_NOMEM;
}

int bb_db_run(bb_db *db, int64_t *changes, const char *sql, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    bb_db_q *q = bb_db_vquery(db, sql, fmt, ap);
    va_end(ap);
    return bb_db_end(q, changes);
}

int bb_db_script(bb_db *db, const char *sql)
{
    return db->driver->script(db, sql);
}

int bb_db_begin(bb_db *db)
{
    return bb_db_script(db, db->driver->begin_sql);
}

int bb_db_lock_schema(bb_db *db)
{
    return db->driver->lock_schema_sql ? bb_db_script(db, db->driver->lock_schema_sql) : BB_OK;
}

int bb_db_finish(bb_db *db, int rc)
{
    if (rc == BB_OK)
        rc = bb_db_script(db, "COMMIT");
    if (rc != BB_OK && db->driver->in_transaction(db))
        db->driver->script(db, "ROLLBACK");
    return rc;
}

void bb_db_forget_deleted(bb_db *db)
{
    if (db->driver->forget_deleted)
        db->driver->forget_deleted(db);
}

int bb_db_unreachable(const bb_db *db)
{
    return db->driver->unreachable(db);
}
