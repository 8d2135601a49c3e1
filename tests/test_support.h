/* tests/test_support.h: what every cmocka unit test includes. */
#ifndef SANAD_TEST_SUPPORT_H
#define SANAD_TEST_SUPPORT_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "storage/storage.h"

static char test_temp_dir[1024];

static inline void test_temp_dir_remove(void)
{
	rmdir(test_temp_dir); /* only if the tests left nothing in it */
}

/* A fresh path for a temporary file (not created), in a directory of this
 * process's own under $TMPDIR.  Names made from the process id alone met
 * the leftovers of an earlier run that had the same id (a test killed or
 * crashed before its teardown), and storage_open refused to create over
 * them.  The caller frees it; remove the file (and its -wal/-shm/.key)
 * when done. */
static inline char *test_temp_path(const char *suffix)
{
	static int counter;
	char *p = malloc(4096);

	if (!test_temp_dir[0]) {
		const char *dir = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
		snprintf(test_temp_dir, sizeof(test_temp_dir), "%s/sanad-test-XXXXXX", dir);
		if (!mkdtemp(test_temp_dir)) {
			fprintf(stderr, "cannot make a directory for test files under %s\n", dir);
			abort();
		}
		atexit(test_temp_dir_remove);
	}
	snprintf(p, 4096, "%s/%d%s", test_temp_dir, counter++, suffix);
	return p;
}

/* The first column of the first row of sql, read on a connection of its
 * own to the database at path (what a test checks behind the storage
 * module's back); -1 when there is no row. */
static inline int64_t test_sql_int(const char *path, const char *sql)
{
	sqlite3 *db;
	sqlite3_stmt *s;
	int64_t v = -1;
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &s, NULL), SQLITE_OK);
	if (sqlite3_step(s) == SQLITE_ROW)
		v = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	sqlite3_close(db);
	return v;
}

/* The same, as text, into buf ("" when there is no row or it is NULL). */
static inline void test_sql_text(const char *path, const char *sql, char *buf, size_t size)
{
	sqlite3 *db;
	sqlite3_stmt *s;
	buf[0] = '\0';
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &s, NULL), SQLITE_OK);
	if (sqlite3_step(s) == SQLITE_ROW && sqlite3_column_text(s, 0))
		snprintf(buf, size, "%s", (const char *)sqlite3_column_text(s, 0));
	sqlite3_finalize(s);
	sqlite3_close(db);
}

static inline void test_remove_db(const char *path)
{
	char buf[4200];
	remove(path);
	snprintf(buf, sizeof(buf), "%s-wal", path);
	remove(buf);
	snprintf(buf, sizeof(buf), "%s-shm", path);
	remove(buf);
	snprintf(buf, sizeof(buf), "%s.key", path); /* the key file storage_open creates */
	remove(buf);
}

/* A scratch database: a new file at a fresh temporary path holding the
 * organisations orgs[0..norgs).  0, or -1 after saying why on stderr (what
 * a cmocka setup returns when it cannot set up). */
static inline int test_db_create(char **path, struct storage **st, const struct organisation *orgs, size_t norgs)
{
	struct sanad_error err;
	*path = test_temp_path(".db");
	if (storage_open(st, *path, STORAGE_CREATE, &err)) {
		fprintf(stderr, "%s: %s\n", *path, err.message);
		return -1;
	}
	for (size_t i = 0; i < norgs; i++) {
		struct organisation o = orgs[i]; /* storage_org_add sets its id */
		if (storage_org_add(*st, &o, &err)) {
			fprintf(stderr, "organisation %s: %s\n", o.code, err.message);
			return -1;
		}
	}
	return 0;
}

/* Closes and removes what test_db_create made, and frees path. */
static inline void test_db_destroy(char *path, struct storage *st)
{
	storage_close(st);
	test_remove_db(path);
	free(path);
}

/* The fixture of a test that needs a scratch database and nothing else;
 * test_db_teardown is its cmocka teardown. */
struct test_db {
	char *path;
	struct storage *st;
};

/* Sets *state to a new struct test_db with the given organisations. */
static inline int test_db_setup_orgs(void **state, const struct organisation *orgs, size_t norgs)
{
	struct test_db *db = calloc(1, sizeof(*db));
	if (test_db_create(&db->path, &db->st, orgs, norgs)) {
		free(db);
		return -1;
	}
	*state = db;
	return 0;
}

/* cmocka setup: an empty scratch database. */
static inline int test_db_setup(void **state)
{
	return test_db_setup_orgs(state, NULL, 0);
}

static inline int test_db_teardown(void **state)
{
	struct test_db *db = *state;
	test_db_destroy(db->path, db->st);
	free(db);
	return 0;
}

#endif
