#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libpq-fe.h>
#include <sqlite3.h>

#include "beeldbel/error.h"
#include "test_store.h"

#define VERSIONS_SQL "SELECT COUNT(*), COALESCE(MAX(version), 0) FROM schema_migrations"

static char sqlite_path[64];

static const char *postgres(void)
{
    const char *url = getenv("BB_TEST_DB");
    return url && *url ? url : NULL;
}

int test_store_is_postgres(void)
{
    return postgres() != NULL;
}

/* Runs sql on the PostgreSQL test database; the first row's two numbers in
 * a and b when asked for. 0 or -1. */
static int pg_sql(const char *sql, int64_t *a, int64_t *b)
{
    PGconn *c = PQconnectdb(postgres());
    PGresult *r = PQstatus(c) == CONNECTION_OK ? PQexec(c, sql) : NULL;
    int ok = r && (PQresultStatus(r) == PGRES_COMMAND_OK || PQresultStatus(r) == PGRES_TUPLES_OK);
    if (ok && a) {
        ok = PQntuples(r) == 1 && PQnfields(r) == 2;
        if (ok) {
            *a = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
            *b = strtoll(PQgetvalue(r, 0, 1), NULL, 10);
        }
    }
    if (!ok)
        fprintf(stderr, "test database: %s", r ? PQresultErrorMessage(r) : PQerrorMessage(c));
    PQclear(r);
    PQfinish(c);
    return ok ? 0 : -1;
}

static int empty_postgres(void)
{
    return pg_sql("SET client_min_messages = warning; DROP SCHEMA public CASCADE; CREATE SCHEMA public;", NULL, NULL);
}

int test_store_open(bb_store **s)
{
    *s = NULL;
    if (!postgres())
        return bb_store_open(":memory:", s);
    return empty_postgres() ? BB_E_STATE : bb_store_open(postgres(), s);
}

const char *test_store_fresh(void)
{
    if (postgres())
        return empty_postgres() ? NULL : postgres();
    test_store_close_shared(NULL, NULL);
    snprintf(sqlite_path, sizeof(sqlite_path), "/tmp/bb-store-XXXXXX");
    int fd = mkstemp(sqlite_path);
    if (fd < 0)
        return NULL;
    close(fd);
    return sqlite_path;
}

int test_store_open_shared(bb_store **a, bb_store **b)
{
    *a = *b = NULL;
    const char *where = test_store_fresh();
    if (!where)
        return BB_E_STATE;
    int rc = bb_store_open(where, a);
    return rc ? rc : bb_store_open(where, b);
}

void test_store_close_shared(bb_store *a, bb_store *b)
{
    bb_store_close(a);
    bb_store_close(b);
    if (sqlite_path[0]) {
        static const char *const ends[] = {"", "-wal", "-shm"};
        for (int i = 0; i < 3; i++) {
            char name[80];
            snprintf(name, sizeof(name), "%s%s", sqlite_path, ends[i]);
            unlink(name);
        }
        sqlite_path[0] = 0;
    }
}

int test_store_versions(int64_t *count, int64_t *newest)
{
    if (postgres())
        return pg_sql(VERSIONS_SQL, count, newest);
    sqlite3 *db = NULL;
    sqlite3_stmt *st = NULL;
    int ok = sqlite_path[0] && sqlite3_open(sqlite_path, &db) == SQLITE_OK &&
             sqlite3_prepare_v2(db, VERSIONS_SQL, -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW;
    if (ok) {
        *count = sqlite3_column_int64(st, 0);
        *newest = sqlite3_column_int64(st, 1);
    }
    sqlite3_finalize(st);
    sqlite3_close(db);
    return ok ? 0 : -1;
}
