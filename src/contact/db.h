/*
 * One connection to the contact service's database. The store (store.c)
 * writes its SQL once, with ? placeholders, in what SQLite and PostgreSQL
 * share (COALESCE, strpos, ||, RETURNING, ON CONFLICT); db_sqlite.c and
 * db_pg.c run it. A connection is used by one thread at a time.
 */
#ifndef BB_CONTACT_DB_H
#define BB_CONTACT_DB_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

typedef struct bb_db bb_db;
typedef struct bb_db_q bb_db_q;

typedef enum { BB_DB_SQLITE = 1, BB_DB_POSTGRES = 2 } bb_db_kind;

/* What the store's location names: "postgresql://..." or "postgres://..."
 * (a libpq connection URI) is PostgreSQL; anything else a SQLite file
 * (":memory:" for tests). */
bb_db_kind bb_db_kind_of(const char *location);

/* Opens a connection. BB_OK; BB_E_STATE (the reason on stderr). */
int bb_db_open(const char *location, bb_db **out);
void bb_db_close(bb_db *db);
bb_db_kind bb_db_kind_get(const bb_db *db);

/* Starts a statement: sql with its ? bound to the arguments fmt describes
 * ('i' int64_t, 't' text (NULL binds NULL), 'b' blob: pointer, then int
 * length). NULL only when memory ran out; one that cannot run (the reason
 * on stderr) gives its error from bb_db_row and bb_db_end. */
bb_db_q *bb_db_query(bb_db *db, const char *sql, const char *fmt, ...);
bb_db_q *bb_db_vquery(bb_db *db, const char *sql, const char *fmt, va_list ap);
/* The next row: 1; 0 after the last; a negative BB_E_* code on an error. */
int bb_db_row(bb_db_q *q);
int64_t bb_db_int(bb_db_q *q, int col);
const char *bb_db_text(bb_db_q *q, int col);                 /* "" for NULL */
const void *bb_db_blob(bb_db_q *q, int col, size_t *len);   /* NULL, 0 for NULL */
/* Ends q, running what is left of it (an INSERT runs here if no row was read).
 * BB_OK; BB_E_STATE for a constraint it broke (a key taken) or another SQL
 * error; BB_E_UNSUPPORTED when the database cannot be reached.
 * changes (may be NULL): the rows it inserted, updated or deleted. */
int bb_db_end(bb_db_q *q, int64_t *changes);
/* A statement without rows to read: bb_db_query then bb_db_end. */
int bb_db_run(bb_db *db, int64_t *changes, const char *sql, const char *fmt, ...);

/* Runs a script of statements without arguments (a migration). */
int bb_db_script(bb_db *db, const char *sql);

/* A transaction that writes: no other connection writes the rows it reads
 * (SQLite: BEGIN IMMEDIATE; PostgreSQL: BEGIN, and a writer's row locks). */
int bb_db_begin(bb_db *db);
/* Commits when rc is BB_OK, else rolls back; returns rc, or the commit's error. */
int bb_db_finish(bb_db *db, int rc);
/* The migrations' lock: at most one connection changes the schema at once
 * (SQLite's writer lock; a PostgreSQL advisory lock), held to the end of
 * the transaction begun with bb_db_begin. */
int bb_db_lock_schema(bb_db *db);

/* After rows holding people's data were deleted: SQLite writes its log back
 * into the file (where secure_delete zeroed them) and truncates it.
 * PostgreSQL: nothing here (see README: its vacuum and log). */
void bb_db_forget_deleted(bb_db *db);

/* Whether the last statement failed because the database could not be
 * reached (PostgreSQL restarting, the network): the next query reconnects. */
int bb_db_unreachable(const bb_db *db);

#endif
