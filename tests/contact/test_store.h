/*
 * The store the contact tests use: SQLite, or the PostgreSQL database
 * BB_TEST_DB names (a "postgresql://" URI), emptied first so that each test
 * starts from nothing. tests/run.sh runs the tests both ways.
 */
#ifndef BB_TEST_STORE_H
#define BB_TEST_STORE_H

#include <stdint.h>

#include "store.h"

/* One store: SQLite in memory, or the emptied PostgreSQL database. */
int test_store_open(bb_store **s);
/* An empty database several stores can open, as service instances do: the
 * emptied PostgreSQL database or a new SQLite file. Its location. */
const char *test_store_fresh(void);
/* Two stores on a fresh database. */
int test_store_open_shared(bb_store **a, bb_store **b);
/* Closes a and b (either may be NULL) and removes a SQLite file made for them. */
void test_store_close_shared(bb_store *a, bb_store *b);
/* The migrations the fresh database records: how many, and the newest. */
int test_store_versions(int64_t *count, int64_t *newest);
/* 1 when the tests run against PostgreSQL. */
int test_store_is_postgres(void);

#endif
