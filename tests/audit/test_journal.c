/* tests/audit: the audit journal.  A record written to it reaches the
 * hash-chained trail exactly once and in order, whoever copies it and
 * whenever; a writer that dies leaves nothing behind uncopied; a torn or
 * damaged file is copied as far as it can be read and kept, not deleted. */
#include "test_support.h"
#include "audit/audit.h"
#include "crypto/crypto.h"

#include <fcntl.h>
#include <glob.h>
#include <pthread.h>
#include <time.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

/* The files matching the database path + suffix pattern. */
static size_t count_files(const char *db_path, const char *pattern)
{
	char buf[4400];
	glob_t g;
	size_t n;
	snprintf(buf, sizeof(buf), "%s%s", db_path, pattern);
	if (glob(buf, 0, NULL, &g))
		return 0;
	n = g.gl_pathc;
	globfree(&g);
	return n;
}

static void remove_files(const char *db_path, const char *pattern)
{
	char buf[4400];
	glob_t g;
	snprintf(buf, sizeof(buf), "%s%s", db_path, pattern);
	if (glob(buf, 0, NULL, &g))
		return;
	for (size_t i = 0; i < g.gl_pathc; i++)
		remove(g.gl_pathv[i]);
	globfree(&g);
}

/* The one journal file of db_path (the test has just one). */
static char *only_journal(const char *db_path)
{
	char buf[4400];
	glob_t g;
	char *path;
	snprintf(buf, sizeof(buf), "%s.audit-journal.*", db_path);
	assert_int_equal(glob(buf, 0, NULL, &g), 0);
	assert_int_equal(g.gl_pathc, 1);
	path = strdup(g.gl_pathv[0]);
	globfree(&g);
	return path;
}

static int64_t ingest(struct storage *st, struct audit_ingest_result *res)
{
	struct sanad_error err = { 0 };
	assert_int_equal(audit_journal_ingest(st, res, &err), 0);
	return res->records;
}

static void assert_trail(struct storage *st, size_t expect, const char *const *actions)
{
	struct audit_query q = { 0 };
	struct audit_row *rows;
	struct audit_verify_result v;
	struct sanad_error err;
	size_t n;
	q.limit = 100;
	assert_int_equal(audit_list(st, &q, &rows, &n, &err), 0);
	assert_int_equal(n, expect);
	for (size_t i = 0; i < n; i++) { /* newest first */
		assert_int_equal(rows[i].id, (int64_t)(n - i));
		assert_string_equal(rows[i].action, actions[n - 1 - i]);
		audit_row_release(&rows[i]);
	}
	free(rows);
	assert_int_equal(audit_verify(st, &v, &err), 0);
	assert_int_equal(v.first_bad, 0);
	assert_int_equal(v.rows, (int64_t)expect);
}

/* amal of ngo-a did action on case_ref (NULL: none): one record, written. */
static void amal_did(struct audit_journal *j, const char *action, const char *case_ref)
{
	struct sanad_error err = { 0 };
	assert_int_equal(audit_journal_append(j, "2026-01-02T03:04:05Z", "amal", "ngo-a", action, case_ref, NULL, &err),
			 0);
}

static void records_reach_the_trail_once_in_order(void **state)
{
	struct test_db *f = *state;
	struct audit_journal *j;
	struct audit_ingest_result res;
	struct sanad_error err = { 0 };
	struct audit_query q = { 0 };
	struct audit_row *rows;
	size_t n;
	static const char *const actions[] = { AUDIT_VIEW, AUDIT_LIST, AUDIT_DENIED, AUDIT_SEARCH };

	assert_int_equal(audit_journal_open(&j, f->path, &err), 0);
	assert_int_equal(audit_journal_append(j, "2026-01-02T03:04:05Z", "amal", "ngo-a", AUDIT_VIEW, "SND-000001",
					      "access=write", &err), 0);
	assert_int_equal(audit_journal_append(j, "2026-01-02T03:04:06Z", "amal", NULL, AUDIT_LIST, NULL, NULL, &err),
			 0);
	assert_int_equal(audit_journal_append(j, "2026-01-02T03:04:07Z", "سلمى", "ngo-b", AUDIT_DENIED, "SND-000002",
					      "لا يحق", &err), 0);
	assert_int_equal(ingest(f->st, &res), 3);
	assert_int_equal(res.finished, 0); /* still being written to: kept */
	assert_int_equal(count_files(f->path, ".audit-journal.*"), 1);

	/* every field exactly as written, NULLs included */
	q.limit = 10;
	assert_int_equal(audit_list(f->st, &q, &rows, &n, &err), 0);
	assert_int_equal(n, 3);
	assert_string_equal(rows[0].at, "2026-01-02T03:04:07Z");
	assert_string_equal(rows[0].actor, "سلمى");
	assert_string_equal(rows[0].detail, "لا يحق");
	assert_string_equal(rows[1].actor, "amal");
	assert_null(rows[1].org_code);
	assert_null(rows[1].case_ref);
	assert_null(rows[1].detail);
	assert_string_equal(rows[2].case_ref, "SND-000001");
	assert_string_equal(rows[2].detail, "access=write");
	for (size_t i = 0; i < n; i++)
		audit_row_release(&rows[i]);
	free(rows);

	/* copied once: a second copy finds nothing new, then only the new one */
	assert_int_equal(ingest(f->st, &res), 0);
	amal_did(j, AUDIT_SEARCH, NULL);
	assert_int_equal(ingest(f->st, &res), 1);
	assert_trail(f->st, 4, actions);

	/* closed: the next copy finds nothing more and deletes the file */
	audit_journal_close(j);
	assert_int_equal(ingest(f->st, &res), 0);
	assert_int_equal(res.finished, 1);
	assert_int_equal(count_files(f->path, ".audit-journal.*"), 0);
	assert_trail(f->st, 4, actions);
}

static void copies_by_two_connections_do_not_repeat(void **state)
{
	struct test_db *f = *state;
	struct audit_journal *j;
	struct audit_ingest_result res;
	struct sanad_error err = { 0 };
	struct storage *other;
	int64_t total = 0;
	static const char *const actions[] = { AUDIT_VIEW, AUDIT_VIEW, AUDIT_VIEW, AUDIT_VIEW, AUDIT_VIEW, AUDIT_VIEW };

	assert_int_equal(storage_open(&other, f->path, 0, &err), 0);
	assert_int_equal(audit_journal_open(&j, f->path, &err), 0);
	for (int i = 0; i < 6; i++) {
		amal_did(j, AUDIT_VIEW, "SND-000001");
		/* the server and `sanad audit` take turns */
		total += ingest(i % 2 ? other : f->st, &res);
	}
	audit_journal_close(j);
	total += ingest(other, &res);
	total += ingest(f->st, &res);
	assert_int_equal(total, 6);
	assert_trail(f->st, 6, actions);
	storage_close(other);
}

static void a_dead_writers_journal_is_copied_and_removed(void **state)
{
	struct test_db *f = *state;
	struct audit_ingest_result res;
	pid_t pid;
	int status;
	static const char *const actions[] = { AUDIT_VIEW, AUDIT_LIST };

	fflush(NULL);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		/* a server that dies without closing anything (kill -9) */
		struct audit_journal *j;
		struct sanad_error err = { 0 };
		if (audit_journal_open(&j, f->path, &err) ||
		    audit_journal_append(j, "2026-01-02T03:04:05Z", "amal", "ngo-a", AUDIT_VIEW, "SND-000001", NULL, &err) ||
		    audit_journal_append(j, "2026-01-02T03:04:06Z", "amal", "ngo-a", AUDIT_LIST, NULL, "page=1", &err))
			_exit(1);
		_exit(0);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	assert_int_equal(count_files(f->path, ".audit-journal.*"), 1);
	assert_int_equal(ingest(f->st, &res), 2);
	assert_int_equal(res.finished, 1);
	assert_int_equal(res.damaged, 0);
	assert_int_equal(count_files(f->path, ".audit-journal.*"), 0);
	assert_trail(f->st, 2, actions);
}

static void write_at(const char *path, int64_t offset, const void *bytes, size_t len)
{
	int fd = open(path, O_WRONLY);
	assert_true(fd >= 0);
	assert_int_equal(pwrite(fd, bytes, len, (off_t)offset), (ssize_t)len);
	close(fd);
}

/* Two reads written and the journal closed, then bytes written where its
 * data ends; the ingest that follows must copy the two, into *res. */
static void two_reads_then(struct test_db *f, const unsigned char *bytes, size_t len,
			   struct audit_ingest_result *res)
{
	struct audit_journal *j;
	struct sanad_error err = { 0 };
	int64_t end;
	char *path;

	assert_int_equal(audit_journal_open(&j, f->path, &err), 0);
	for (int i = 0; i < 2; i++)
		amal_did(j, AUDIT_VIEW, "SND-000001");
	end = audit_journal_size(j);
	path = only_journal(f->path);
	audit_journal_close(j);
	write_at(path, end, bytes, len);
	free(path);
	assert_int_equal(ingest(f->st, res), 2);
}

static void a_torn_end_is_kept_aside(void **state)
{
	struct test_db *f = *state;
	struct audit_ingest_result res;
	/* after the last record, a head announcing 50 bytes and only 3 of
	 * them: damage, since a writer stores a record's length last */
	static const unsigned char torn[] = { 50, 0, 0, 0, '0', '1', '2', '3', '4', '5', '6', '7',
					      '8', '9', 'a', 'b', 'c', 'd', 'e', 'f', 1, 2, 3 };
	static const char *const actions[] = { AUDIT_VIEW, AUDIT_VIEW };

	two_reads_then(f, torn, sizeof(torn), &res);
	assert_int_equal(res.finished, 0);
	assert_int_equal(res.damaged, 1);
	assert_non_null(strstr(res.warning, "kept as"));
	assert_int_equal(count_files(f->path, ".audit-journal.*.damaged"), 1);
	assert_int_equal(count_files(f->path, ".audit-journal.*"), 1); /* the .damaged one */
	/* and it is not copied again */
	assert_int_equal(ingest(f->st, &res), 0);
	assert_trail(f->st, 2, actions);
	remove_files(f->path, ".audit-journal.*");
}

static void a_record_whose_length_never_came_ends_the_file(void **state)
{
	struct test_db *f = *state;
	struct audit_ingest_result res;
	/* a writer killed after the check and some of the payload, before
	 * the length: that request was never answered */
	static const unsigned char unfinished[] = { 0, 0, 0, 0, '0', '1', '2', '3', '4', '5', '6', '7',
						    '8', '9', 'a', 'b', 'c', 'd', 'e', 'f', 1, 2, 3 };
	static const char *const actions[] = { AUDIT_VIEW, AUDIT_VIEW };

	two_reads_then(f, unfinished, sizeof(unfinished), &res);
	assert_int_equal(res.finished, 1);
	assert_int_equal(res.damaged, 0);
	assert_int_equal(count_files(f->path, ".audit-journal.*"), 0);
	assert_trail(f->st, 2, actions);
}

/* A record in the journal's layout: u32 length, 16 hex of the payload's
 * BLAKE2b, the six fields; its size. */
static size_t frame_record(unsigned char *out, const char *const fields[6])
{
	unsigned char *p = out + 20;
	char hex[CRYPTO_HASH_HEX];
	for (int i = 0; i < 6; i++) {
		uint32_t len = fields[i] ? (uint32_t)strlen(fields[i]) : 0xffffffffu;
		memcpy(p, &len, 4); /* little-endian, as the machines that run the tests */
		p += 4;
		if (fields[i]) {
			memcpy(p, fields[i], len);
			p += len;
		}
	}
	{
		uint32_t plen = (uint32_t)(p - out - 20);
		memcpy(out, &plen, 4);
		crypto_hash_hex(out + 20, plen, hex);
		memcpy(out + 4, hex, 16);
	}
	return (size_t)(p - out);
}

static void a_version_1_file_from_an_older_server_is_copied(void **state)
{
	struct test_db *f = *state;
	struct audit_ingest_result res;
	static const char *const first[6] = { "2026-01-02T03:04:05Z", "amal", "ngo-a", AUDIT_VIEW, "SND-000001", NULL };
	static const char *const second[6] = { "2026-01-02T03:04:06Z", "amal", "ngo-a", AUDIT_LIST, NULL, "n=3" };
	static const char *const actions[] = { AUDIT_VIEW, AUDIT_LIST };
	unsigned char file[512];
	size_t len = 8;
	char path[4400];
	FILE *out;

	/* written with write(2), unpadded, ending where the file ends */
	memcpy(file, "SNDAJ001", 8);
	len += frame_record(file + len, first);
	len += frame_record(file + len, second);
	snprintf(path, sizeof(path), "%s.audit-journal.000000000001-0000000001-000000-00000000", f->path);
	assert_non_null(out = fopen(path, "wb"));
	assert_int_equal(fwrite(file, 1, len, out), len);
	fclose(out);
	assert_int_equal(ingest(f->st, &res), 2);
	assert_int_equal(res.finished, 1);
	assert_int_equal(res.damaged, 0);
	assert_int_equal(count_files(f->path, ".audit-journal.*"), 0);
	assert_trail(f->st, 2, actions);
}

static void a_damaged_record_stops_the_copy_there(void **state)
{
	struct test_db *f = *state;
	struct audit_journal *j;
	struct audit_ingest_result res;
	struct sanad_error err = { 0 };
	static const char *const actions[] = { AUDIT_VIEW };
	char *path;
	int fd;
	off_t first_end;

	assert_int_equal(audit_journal_open(&j, f->path, &err), 0);
	amal_did(j, AUDIT_VIEW, "SND-000001");
	first_end = (off_t)audit_journal_size(j);
	amal_did(j, AUDIT_VIEW, "SND-000002");
	path = only_journal(f->path);
	audit_journal_close(j);
	/* one byte of the second record's payload changed */
	fd = open(path, O_RDWR);
	assert_true(fd >= 0);
	assert_int_equal(pwrite(fd, "X", 1, first_end + 30), 1);
	close(fd);
	assert_int_equal(ingest(f->st, &res), 1);
	assert_int_equal(res.damaged, 1);
	assert_trail(f->st, 1, actions);
	remove_files(f->path, ".audit-journal.*");
	free(path);
}

static void a_file_shorter_than_its_copy_is_finished_without_error(void **state)
{
	struct test_db *f = *state;
	struct audit_journal *j;
	struct audit_ingest_result res;
	struct sanad_error err = { 0 };
	static const char *const actions[] = { AUDIT_VIEW, AUDIT_VIEW };
	char *path;

	assert_int_equal(audit_journal_open(&j, f->path, &err), 0);
	for (int i = 0; i < 2; i++)
		amal_did(j, AUDIT_VIEW, "SND-000001");
	assert_int_equal(ingest(f->st, &res), 2);
	path = only_journal(f->path);
	audit_journal_close(j);
	/* a power cut after the copy committed, before the file's own pages
	 * reached the disk: it comes back with its magic only, or empty */
	assert_int_equal(truncate(path, 8), 0);
	assert_int_equal(ingest(f->st, &res), 0);
	assert_int_equal(res.finished, 1);
	assert_int_equal(count_files(f->path, ".audit-journal.*"), 0);
	assert_trail(f->st, 2, actions);
	free(path);
}

static void a_rotated_journal_keeps_the_order(void **state)
{
	struct test_db *f = *state;
	struct audit_journal *j;
	struct audit_ingest_result res;
	struct sanad_error err = { 0 };
	static const char *const actions[] = { AUDIT_VIEW, AUDIT_LIST, AUDIT_SEARCH };

	assert_int_equal(audit_journal_open(&j, f->path, &err), 0);
	amal_did(j, AUDIT_VIEW, "SND-000001");
	amal_did(j, AUDIT_LIST, NULL);
	assert_int_equal(audit_journal_rotate(j, &err), 0);
	assert_int_equal(audit_journal_size(j), 8); /* a new file: its magic only */
	amal_did(j, AUDIT_SEARCH, NULL);
	assert_int_equal(count_files(f->path, ".audit-journal.*"), 2);
	assert_int_equal(ingest(f->st, &res), 3);
	assert_int_equal(res.finished, 1); /* the old file */
	assert_int_equal(count_files(f->path, ".audit-journal.*"), 1);
	assert_trail(f->st, 3, actions);
	audit_journal_close(j);
	assert_int_equal(ingest(f->st, &res), 0);
	assert_int_equal(count_files(f->path, ".audit-journal.*"), 0);
}

static void a_full_file_goes_on_in_the_one_made_ahead(void **state)
{
	struct test_db *f = *state;
	struct audit_journal *j;
	struct audit_ingest_result res;
	struct sanad_error err = { 0 };
	struct audit_query q = { 0 };
	struct audit_row *rows;
	size_t capacity = 128 * 1024, written = 0, n;
	int64_t last = 0;
	int switched = 0;
	char ref[32];

	assert_int_equal(audit_journal_open_sized(&j, f->path, capacity, &err), 0);
	/* nothing made ahead while the file is less than half full */
	assert_int_equal(audit_journal_prepare(j, &err), 0);
	assert_int_equal(count_files(f->path, ".audit-journal.*"), 1);
	while ((size_t)audit_journal_size(j) <= capacity / 2) {
		snprintf(ref, sizeof(ref), "SND-%06zu", ++written);
		amal_did(j, AUDIT_VIEW, ref);
	}
	assert_int_equal(audit_journal_prepare(j, &err), 0);
	assert_int_equal(count_files(f->path, ".audit-journal.*"), 2);
	assert_int_equal(audit_journal_prepare(j, &err), 0); /* one is enough */
	assert_int_equal(count_files(f->path, ".audit-journal.*"), 2);
	/* fill it: the next record goes on in the file made ahead */
	while (switched < 5) {
		snprintf(ref, sizeof(ref), "SND-%06zu", ++written);
		amal_did(j, AUDIT_VIEW, ref);
		if (audit_journal_size(j) < last || switched)
			switched++;
		last = audit_journal_size(j);
	}
	assert_int_equal(count_files(f->path, ".audit-journal.*"), 2);
	audit_journal_close(j);
	assert_int_equal(ingest(f->st, &res), (int64_t)written);
	assert_int_equal(res.finished, 2);
	assert_int_equal(res.damaged, 0);
	assert_int_equal(count_files(f->path, ".audit-journal.*"), 0);
	/* every record once, in the order written */
	q.limit = (int64_t)written + 10;
	assert_int_equal(audit_list(f->st, &q, &rows, &n, &err), 0);
	assert_int_equal(n, written);
	for (size_t i = 0; i < n; i++) { /* newest first */
		snprintf(ref, sizeof(ref), "SND-%06zu", n - i);
		assert_string_equal(rows[i].case_ref, ref);
		audit_row_release(&rows[i]);
	}
	free(rows);
}

#define WRITERS 4
#define EACH 3000

struct writer {
	struct audit_journal *j;
	int n;
	int failed;
};

static void *write_many(void *arg)
{
	struct writer *w = arg;
	char actor[16], ref[32];
	snprintf(actor, sizeof(actor), "writer%d", w->n);
	for (int i = 1; i <= EACH && !w->failed; i++) {
		struct sanad_error err = { 0 };
		snprintf(ref, sizeof(ref), "SND-%06d", i);
		w->failed = audit_journal_append(w->j, "2026-01-02T03:04:05Z", actor, "ngo-a", AUDIT_VIEW, ref, NULL,
						 &err) != 0;
	}
	return NULL;
}

static void *prepare_often(void *arg)
{
	struct writer *w = arg;
	for (int i = 0; i < 2000 && !w->failed; i++) {
		struct sanad_error err = { 0 };
		w->failed = audit_journal_prepare(w->j, &err) != 0;
	}
	return NULL;
}

static void writers_at_once_lose_nothing_across_many_files(void **state)
{
	struct test_db *f = *state;
	struct audit_journal *j;
	struct audit_ingest_result res;
	struct sanad_error err = { 0 };
	struct audit_query q = { 0 };
	struct audit_row *rows;
	struct writer w[WRITERS + 1];
	pthread_t t[WRITERS + 1];
	int next[WRITERS] = { 0 };
	size_t n;

	/* files of 128 KiB hold about 1,400 records: the writers fill a
	 * dozen, while another thread makes the next one ahead, as the
	 * server's copier does */
	assert_int_equal(audit_journal_open_sized(&j, f->path, 128 * 1024, &err), 0);
	for (int i = 0; i <= WRITERS; i++) {
		w[i].j = j;
		w[i].n = i;
		w[i].failed = 0;
		assert_int_equal(pthread_create(&t[i], NULL, i < WRITERS ? write_many : prepare_often, &w[i]), 0);
	}
	for (int i = 0; i <= WRITERS; i++) {
		assert_int_equal(pthread_join(t[i], NULL), 0);
		assert_false(w[i].failed);
	}
	audit_journal_close(j);
	assert_int_equal(ingest(f->st, &res), WRITERS * EACH);
	assert_true(res.finished >= 8); /* it did go on in new files */
	assert_int_equal(res.damaged, 0);
	assert_int_equal(count_files(f->path, ".audit-journal.*"), 0);
	/* each writer's records once, in the order it wrote them */
	q.limit = WRITERS * EACH + 10;
	assert_int_equal(audit_list(f->st, &q, &rows, &n, &err), 0);
	assert_int_equal(n, WRITERS * EACH);
	for (size_t i = n; i-- > 0;) { /* oldest first */
		int k = rows[i].actor[6] - '0';
		char ref[32];
		snprintf(ref, sizeof(ref), "SND-%06d", ++next[k]);
		assert_string_equal(rows[i].case_ref, ref);
		audit_row_release(&rows[i]);
	}
	free(rows);
	for (int k = 0; k < WRITERS; k++)
		assert_int_equal(next[k], EACH);
}

static void a_closed_journal_leaves_no_empty_file_made_ahead(void **state)
{
	struct test_db *f = *state;
	struct audit_journal *j;
	struct audit_ingest_result res;
	struct sanad_error err = { 0 };
	size_t capacity = 128 * 1024, written = 0;

	assert_int_equal(audit_journal_open_sized(&j, f->path, capacity, &err), 0);
	while ((size_t)audit_journal_size(j) <= capacity / 2) {
		amal_did(j, AUDIT_VIEW, "SND-000001");
		written++;
	}
	assert_int_equal(audit_journal_prepare(j, &err), 0);
	assert_int_equal(count_files(f->path, ".audit-journal.*"), 2);
	audit_journal_close(j);
	assert_int_equal(count_files(f->path, ".audit-journal.*"), 1);
	assert_int_equal(ingest(f->st, &res), (int64_t)written);
	assert_int_equal(count_files(f->path, ".audit-journal.*"), 0);
}

/* A file as a writer leaves it when it dies while making a journal file:
 * under the name it has before it is named, its 32 MiB (here 1 MiB)
 * reserved; seconds_old ago. */
static void making_file(const char *db_path, const char *suffix, int seconds_old)
{
	char path[4400];
	struct timespec times[2];
	int fd;
	snprintf(path, sizeof(path), "%s.audit-journal-new.%s", db_path, suffix);
	fd = open(path, O_RDWR | O_CREAT | O_EXCL, 0600);
	assert_true(fd >= 0);
	assert_int_equal(ftruncate(fd, 1024 * 1024), 0);
	clock_gettime(CLOCK_REALTIME, &times[0]);
	times[0].tv_sec -= seconds_old;
	times[1] = times[0];
	assert_int_equal(futimens(fd, times), 0);
	close(fd);
}

static void a_file_abandoned_while_being_made_is_removed(void **state)
{
	struct test_db *f = *state;
	struct audit_ingest_result res;
	char path[4400];
	int held;

	making_file(f->path, "111-00000001", 120); /* its maker died two minutes ago */
	making_file(f->path, "222-00000002", 0);   /* being made right now */
	making_file(f->path, "333-00000003", 120); /* old, but its maker holds the lock */
	snprintf(path, sizeof(path), "%s.audit-journal-new.333-00000003", f->path);
	held = open(path, O_RDONLY);
	assert_true(held >= 0);
	assert_int_equal(flock(held, LOCK_EX | LOCK_NB), 0);
	/* asking whether anything is pending changes nothing */
	assert_int_equal(audit_journal_pending(f->path), 0);
	assert_int_equal(count_files(f->path, ".audit-journal-new.*"), 3);
	assert_int_equal(ingest(f->st, &res), 0);
	assert_int_equal(count_files(f->path, ".audit-journal-new.111-*"), 0);
	assert_int_equal(count_files(f->path, ".audit-journal-new.222-*"), 1);
	assert_int_equal(count_files(f->path, ".audit-journal-new.333-*"), 1);
	close(held);
	remove_files(f->path, ".audit-journal-new.*");
}

static void a_record_the_trail_would_refuse_is_refused_at_once(void **state)
{
	struct test_db *f = *state;
	struct audit_journal *j;
	struct audit_ingest_result res;
	struct sanad_error err = { 0 };
	static const char *const actions[] = { AUDIT_VIEW };

	assert_int_equal(audit_journal_open(&j, f->path, &err), 0);
	assert_int_equal(audit_journal_append(j, "2026-01-02T03:04:05Z", "amal", "ngo-a", AUDIT_VIEW, NULL,
					      "bad \xff utf-8", &err), SANAD_EINVAL);
	assert_non_null(strstr(err.message, "UTF-8"));
	assert_int_equal(audit_journal_append(j, "2026-01-02T03:04:05Z", NULL, "ngo-a", AUDIT_VIEW, NULL, NULL, &err),
			 SANAD_EINVAL);
	/* nothing of them was written: the next record still gets through */
	assert_int_equal(audit_journal_size(j), 8);
	amal_did(j, AUDIT_VIEW, NULL);
	audit_journal_close(j);
	assert_int_equal(ingest(f->st, &res), 1);
	assert_trail(f->st, 1, actions);
}

static void another_databases_journal_is_not_taken(void **state)
{
	struct test_db *f = *state;
	struct audit_journal *j;
	struct audit_ingest_result res;
	struct sanad_error err = { 0 };
	char other[4100];

	/* "<db>x" shares the prefix "<db>" but is another database */
	snprintf(other, sizeof(other), "%sx", f->path);
	assert_int_equal(audit_journal_open(&j, other, &err), 0);
	amal_did(j, AUDIT_VIEW, NULL);
	audit_journal_close(j);
	assert_int_equal(ingest(f->st, &res), 0);
	assert_int_equal(count_files(other, ".audit-journal.*"), 1);
	remove_files(other, ".audit-journal.*");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(records_reach_the_trail_once_in_order, test_db_setup, test_db_teardown),
		cmocka_unit_test_setup_teardown(copies_by_two_connections_do_not_repeat, test_db_setup, test_db_teardown),
		cmocka_unit_test_setup_teardown(a_dead_writers_journal_is_copied_and_removed, test_db_setup,
						test_db_teardown),
		cmocka_unit_test_setup_teardown(a_torn_end_is_kept_aside, test_db_setup, test_db_teardown),
		cmocka_unit_test_setup_teardown(a_record_whose_length_never_came_ends_the_file, test_db_setup,
						test_db_teardown),
		cmocka_unit_test_setup_teardown(a_version_1_file_from_an_older_server_is_copied, test_db_setup,
						test_db_teardown),
		cmocka_unit_test_setup_teardown(a_damaged_record_stops_the_copy_there, test_db_setup, test_db_teardown),
		cmocka_unit_test_setup_teardown(a_file_shorter_than_its_copy_is_finished_without_error, test_db_setup,
						test_db_teardown),
		cmocka_unit_test_setup_teardown(a_rotated_journal_keeps_the_order, test_db_setup, test_db_teardown),
		cmocka_unit_test_setup_teardown(a_full_file_goes_on_in_the_one_made_ahead, test_db_setup,
						test_db_teardown),
		cmocka_unit_test_setup_teardown(a_closed_journal_leaves_no_empty_file_made_ahead, test_db_setup,
						test_db_teardown),
		cmocka_unit_test_setup_teardown(writers_at_once_lose_nothing_across_many_files, test_db_setup,
						test_db_teardown),
		cmocka_unit_test_setup_teardown(a_file_abandoned_while_being_made_is_removed, test_db_setup,
						test_db_teardown),
		cmocka_unit_test_setup_teardown(a_record_the_trail_would_refuse_is_refused_at_once, test_db_setup,
						test_db_teardown),
		cmocka_unit_test_setup_teardown(another_databases_journal_is_not_taken, test_db_setup, test_db_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
