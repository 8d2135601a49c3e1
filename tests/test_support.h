/* tests/test_support.h: what every cmocka unit test includes. */
#ifndef SANAD_TEST_SUPPORT_H
#define SANAD_TEST_SUPPORT_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* A fresh path for a temporary file under $TMPDIR (not created). The caller
 * frees it; remove the file (and its -wal/-shm/.key) when done. */
static inline char *test_temp_path(const char *suffix)
{
	static int counter;
	const char *dir = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
	char *p = malloc(4096);
	snprintf(p, 4096, "%s/sanad-test-%d-%d%s", dir, (int)getpid(), counter++, suffix);
	return p;
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

#endif
