/*
 * What a database driver gives db.c: its functions, behind the bb_db and
 * bb_db_q every driver's own structs begin with.
 */
#ifndef BB_CONTACT_DB_DRIVER_H
#define BB_CONTACT_DB_DRIVER_H

#include "db.h"

typedef struct {
    bb_db_kind kind;
    int (*open)(const char *location, bb_db **out);
    void (*close)(bb_db *db);
    bb_db_q *(*vquery)(bb_db *db, const char *sql, const char *fmt, va_list ap);
    int (*row)(bb_db_q *q);
    int64_t (*integer)(bb_db_q *q, int col);
    const char *(*text)(bb_db_q *q, int col);
    const void *(*blob)(bb_db_q *q, int col, size_t *len);
    int (*end)(bb_db_q *q, int64_t *changes);
    int (*script)(bb_db *db, const char *sql);
    const char *begin_sql, *lock_schema_sql;
    int (*in_transaction)(bb_db *db);
    void (*forget_deleted)(bb_db *db);
    int (*unreachable)(const bb_db *db);
} bb_db_driver;

struct bb_db {
    const bb_db_driver *driver;
};

/* A statement that could not start still has one: err says why, and the
 * driver's end cleans it up and returns err. */
struct bb_db_q {
    bb_db *db;
    int err;
};

extern const bb_db_driver bb_db_sqlite, bb_db_postgres;

#endif
