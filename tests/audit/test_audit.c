/* tests/audit: the trail is append-only, its chain verifies, and any
 * change, removal or insertion of a row is found at the first row that
 * no longer fits. */
#include "test_support.h"
#include "audit/audit.h"
#include "crypto/crypto.h"

#include <sqlite3.h>

static void append_five(struct test_db *f)
{
	struct sanad_error err;
	assert_int_equal(audit_append_at(f->st, "2025-01-01T10:00:00Z", "amal", "ngo-a", AUDIT_CREATE, "SND-000001",
					 "case created", &err), 0);
	assert_int_equal(audit_append_at(f->st, "2025-01-01T10:01:00Z", "amal", "ngo-a", AUDIT_VIEW, "SND-000001",
					 NULL, &err), 0);
	assert_int_equal(audit_append_at(f->st, "2025-01-01T10:02:00Z", "bilal", "ngo-b", AUDIT_DENIED, "SND-000001",
					 "case_read", &err), 0);
	assert_int_equal(audit_append_at(f->st, "2025-01-01T10:03:00Z", "cli:root", NULL, AUDIT_EXPORT, NULL,
					 "htcds-csv, 12 cases", &err), 0);
	assert_int_equal(audit_append(f->st, "amal", "ngo-a", AUDIT_CONSENT, "SND-000002", "Referral revoked", &err),
			 0);
}

static void raw_exec(struct test_db *f, const char *sql, int expect_ok)
{
	sqlite3 *db;
	assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL) == SQLITE_OK, expect_ok);
	sqlite3_close(db);
}

static void canonical_form_is_length_prefixed(void **state)
{
	struct audit_row r = { 7, "2025-01-01T10:00:00Z", "amal", NULL, "view", "SND-1", "a;b" };
	struct strbuf sb = STRBUF_INIT;
	(void)state;
	audit_canonical(&r, &sb);
	assert_string_equal(sb.buf, "1:7;20:2025-01-01T10:00:00Z;4:amal;-;4:view;5:SND-1;3:a;b;");
	strbuf_release(&sb);
}

static void an_untouched_trail_verifies(void **state)
{
	struct test_db *f = *state;
	struct audit_verify_result r;
	struct sanad_error err;
	struct audit_row *rows;
	size_t n;
	struct audit_query q = { 0 };
	assert_int_equal(audit_verify(f->st, &r, &err), 0);
	assert_int_equal(r.rows, 0);
	assert_int_equal(r.first_bad, 0);
	assert_string_equal(r.head, "");
	append_five(f);
	assert_int_equal(audit_verify(f->st, &r, &err), 0);
	assert_int_equal(r.rows, 5);
	assert_int_equal(r.first_bad, 0);
	assert_int_equal(strlen(r.head), 64);
	/* the first row chains to zeros, each next to the one before */
	assert_int_equal(audit_list(f->st, &q, &rows, &n, &err), 0);
	assert_int_equal(n, 5);
	assert_int_equal(rows[0].id, 5); /* newest first */
	assert_string_equal(rows[0].hash, r.head);
	assert_string_equal(rows[0].prev_hash, rows[1].hash);
	assert_string_equal(rows[4].prev_hash,
			    "0000000000000000000000000000000000000000000000000000000000000000");
	/* the hash is BLAKE2b-256 of the previous hash's bytes and the row */
	{
		struct strbuf sb = STRBUF_INIT;
		unsigned char buf[32 + 512];
		char want[CRYPTO_HASH_HEX];
		audit_canonical(&rows[4], &sb);
		memset(buf, 0, 32);
		assert_true(sb.len < 512);
		memcpy(buf + 32, sb.buf, sb.len);
		crypto_hash_hex(buf, 32 + sb.len, want);
		assert_string_equal(rows[4].hash, want);
		strbuf_release(&sb);
	}
	for (size_t i = 0; i < n; i++)
		audit_row_release(&rows[i]);
	free(rows);
}

static void the_database_refuses_updates_and_deletes(void **state)
{
	struct test_db *f = *state;
	append_five(f);
	raw_exec(f, "UPDATE audit_log SET actor = 'nobody' WHERE id = 2", 0);
	raw_exec(f, "DELETE FROM audit_log WHERE id = 5", 0);
	raw_exec(f, "DELETE FROM audit_log", 0);
}

static void a_changed_row_is_named(void **state)
{
	struct test_db *f = *state;
	struct audit_verify_result r;
	struct sanad_error err;
	append_five(f);
	/* whoever has the file can drop the trigger: the chain still tells */
	raw_exec(f, "DROP TRIGGER audit_log_no_update; UPDATE audit_log SET actor = 'nobody' WHERE id = 3", 1);
	assert_int_equal(audit_verify(f->st, &r, &err), 0);
	assert_int_equal(r.first_bad, 3);
	assert_non_null(strstr(r.reason, "content does not match"));
	assert_int_equal(r.rows, 3);
}

static void a_rehashed_row_breaks_the_next_link(void **state)
{
	struct test_db *f = *state;
	struct audit_verify_result r;
	struct sanad_error err;
	append_five(f);
	/* a forger who recomputes row 2's hash still breaks row 3's link */
	raw_exec(f, "DROP TRIGGER audit_log_no_update; UPDATE audit_log SET hash = "
		    "'1111111111111111111111111111111111111111111111111111111111111111' WHERE id = 2", 1);
	assert_int_equal(audit_verify(f->st, &r, &err), 0);
	assert_int_equal(r.first_bad, 2);
	raw_exec(f, "UPDATE audit_log SET hash = (SELECT prev_hash FROM audit_log WHERE id = 3) WHERE id = 2", 1);
	assert_int_equal(audit_verify(f->st, &r, &err), 0);
	assert_int_equal(r.first_bad, 0);
}

static void a_removed_row_is_found(void **state)
{
	struct test_db *f = *state;
	struct audit_verify_result r;
	struct sanad_error err;
	append_five(f);
	raw_exec(f, "DROP TRIGGER audit_log_no_delete; DELETE FROM audit_log WHERE id = 2", 1);
	assert_int_equal(audit_verify(f->st, &r, &err), 0);
	assert_int_equal(r.first_bad, 3);
	assert_non_null(strstr(r.reason, "missing"));
	/* and appending goes on from the last row */
	assert_int_equal(audit_append(f->st, "amal", NULL, AUDIT_LOGIN, NULL, NULL, &err), 0);
}

static void appends_join_the_callers_transaction(void **state)
{
	struct test_db *f = *state;
	struct audit_verify_result r;
	struct sanad_error err;
	assert_int_equal(storage_begin(f->st, &err), 0);
	assert_int_equal(audit_append(f->st, "amal", "ngo-a", AUDIT_IMPORT, NULL, "3 cases", &err), 0);
	storage_rollback(f->st);
	assert_int_equal(audit_verify(f->st, &r, &err), 0);
	assert_int_equal(r.rows, 0); /* rolled back with the work it recorded */
	assert_int_equal(storage_begin(f->st, &err), 0);
	assert_int_equal(audit_append(f->st, "amal", "ngo-a", AUDIT_IMPORT, NULL, "3 cases", &err), 0);
	assert_int_equal(storage_commit(f->st, &err), 0);
	assert_int_equal(audit_verify(f->st, &r, &err), 0);
	assert_int_equal(r.rows, 1);
}

static void bad_records_are_refused(void **state)
{
	struct test_db *f = *state;
	struct sanad_error err;
	char big[1100];
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	assert_int_equal(audit_append(f->st, NULL, NULL, AUDIT_VIEW, NULL, NULL, &err), SANAD_EINVAL);
	assert_int_equal(audit_append(f->st, "amal", NULL, "", NULL, NULL, &err), SANAD_EINVAL);
	assert_int_equal(audit_append(f->st, "amal", NULL, AUDIT_VIEW, NULL, big, &err), SANAD_ELIMIT);
	assert_int_equal(audit_append(f->st, "amal", NULL, AUDIT_VIEW, NULL, "\xC3\x28", &err), SANAD_EINVAL);
}

static void list_filters_and_pages(void **state)
{
	struct test_db *f = *state;
	struct sanad_error err;
	struct audit_row *rows;
	size_t n;
	struct audit_query q = { 0 };
	append_five(f);
	q.org_code = "ngo-a";
	assert_int_equal(audit_list(f->st, &q, &rows, &n, &err), 0);
	assert_int_equal(n, 3);
	assert_int_equal(rows[0].id, 5);
	assert_int_equal(rows[2].id, 1);
	for (size_t i = 0; i < n; i++)
		audit_row_release(&rows[i]);
	free(rows);
	memset(&q, 0, sizeof(q));
	q.case_ref = "SND-000001";
	q.limit = 2;
	assert_int_equal(audit_list(f->st, &q, &rows, &n, &err), 0);
	assert_int_equal(n, 2);
	assert_int_equal(rows[0].id, 3);
	assert_int_equal(rows[1].id, 2);
	q.before_id = rows[1].id;
	for (size_t i = 0; i < n; i++)
		audit_row_release(&rows[i]);
	free(rows);
	assert_int_equal(audit_list(f->st, &q, &rows, &n, &err), 0);
	assert_int_equal(n, 1);
	assert_int_equal(rows[0].id, 1);
	assert_string_equal(rows[0].detail, "case created");
	audit_row_release(&rows[0]);
	free(rows);
}

/* Records 1..n: actor a<id%5>, organisation o<id%3> (none when id%7 == 0),
 * case SND-<id%11> (none when id%13 == 0). */
static void pattern_key(int64_t id, int kind, char *buf, size_t size, const char **out)
{
	*out = buf;
	if (kind == 0)
		snprintf(buf, size, "a%d", (int)(id % 5));
	else if (kind == 1 && id % 7)
		snprintf(buf, size, "o%d", (int)(id % 3));
	else if (kind == 2 && id % 13)
		snprintf(buf, size, "SND-%06d", (int)(id % 11));
	else
		*out = NULL;
}

static int pattern_matches(const struct audit_query *q, int64_t id)
{
	char b[3][32];
	const char *k[3];
	for (int j = 0; j < 3; j++)
		pattern_key(id, j, b[j], sizeof(b[j]), &k[j]);
	return (!q->actor || !strcmp(q->actor, k[0])) && (!q->org_code || (k[1] && !strcmp(q->org_code, k[1]))) &&
	       (!q->case_ref || (k[2] && !strcmp(q->case_ref, k[2])));
}

static void append_pattern(struct test_db *f, int64_t from, int64_t to)
{
	struct audit_chain chain = AUDIT_CHAIN_INIT;
	struct sanad_error err;
	assert_int_equal(storage_begin(f->st, &err), 0);
	for (int64_t id = from; id <= to; id++) {
		char b[3][32];
		const char *k[3];
		for (int i = 0; i < 3; i++)
			pattern_key(id, i, b[i], sizeof(b[i]), &k[i]);
		assert_int_equal(audit_append_chained(f->st, &chain, "2025-01-01T10:00:00Z", k[0], k[1], AUDIT_VIEW,
						      k[2], NULL, &err),
				 0);
	}
	assert_int_equal(storage_commit(f->st, &err), 0);
}

/* Page through q (pages of 37) and compare with what the pattern says. */
static void browse_matches_pattern(struct test_db *f, struct audit_query q, int64_t last)
{
	struct sanad_error err;
	int64_t expect = last + 1, seen = 0;
	q.limit = 37;
	q.before_id = 0;
	for (;;) {
		struct audit_row *rows;
		size_t n;
		assert_int_equal(audit_list(f->st, &q, &rows, &n, &err), 0);
		for (size_t i = 0; i < n; i++) {
			/* the next matching id below the one before */
			for (expect--; expect > 0 && !pattern_matches(&q, expect); expect--)
				;
			assert_int_equal(rows[i].id, expect);
			seen++;
		}
		for (size_t i = 0; i < n; i++)
			audit_row_release(&rows[i]);
		free(rows);
		if (n < 37)
			break;
		q.before_id = expect;
	}
	/* nothing matching was left below the last row returned */
	for (expect--; expect > 0; expect--)
		assert_false(pattern_matches(&q, expect));
	assert_true(seen > 0);
}

/* The browse reads complete blocks of 16,384 records through their index
 * rows and the unfinished block itself: every filter, paged, must give
 * exactly the matching records across both. */
static void browse_across_blocks(void **state)
{
	struct test_db *f = *state;
	struct audit_verify_result r;
	struct sanad_error err;
	const int64_t last = 2 * 16384 + 5000;
	append_pattern(f, 1, 16382); /* one short of the first block (ids 1-16383) */
	assert_int_equal(test_sql_int(f->path, "SELECT count(*) FROM audit_log_block"), 0);
	append_pattern(f, 16383, last);
	/* blocks 0 (ids 1-16383) and 1 are indexed, the rest is not */
	assert_int_equal(test_sql_int(f->path, "SELECT count(DISTINCT block) FROM audit_log_block"), 2);
	assert_int_equal(test_sql_int(f->path, "SELECT max(block) FROM audit_log_block"), 1);
	/* each block: 5 actors, 3 organisations, 11 cases */
	assert_int_equal(test_sql_int(f->path, "SELECT count(*) FROM audit_log_block WHERE block = 1"), 5 + 3 + 11);
	browse_matches_pattern(f, (struct audit_query){ .case_ref = "SND-000004" }, last);
	browse_matches_pattern(f, (struct audit_query){ .org_code = "o2" }, last);
	browse_matches_pattern(f, (struct audit_query){ .actor = "a3", .org_code = "o1" }, last);
	browse_matches_pattern(f, (struct audit_query){ .actor = "a0", .case_ref = "SND-000000" }, last);
	browse_matches_pattern(f, (struct audit_query){ 0 }, last);
	{
		/* a key nobody has: nothing, not an error */
		struct audit_query q = { .case_ref = "SND-999999" };
		struct audit_row *rows;
		size_t n;
		assert_int_equal(audit_list(f->st, &q, &rows, &n, &err), 0);
		assert_int_equal(n, 0);
		free(rows);
	}
	assert_int_equal(audit_verify(f->st, &r, &err), 0);
	assert_int_equal(r.first_bad, 0);
	assert_int_equal(r.rows, last);
}

/* An index row removed or altered hides records from the browse but
 * leaves the chain whole: verify must still fail, naming the block. */
static void an_altered_index_row_is_found(void **state)
{
	struct test_db *f = *state;
	struct audit_verify_result r;
	struct sanad_error err;
	append_pattern(f, 1, 2 * 16384 + 10);
	raw_exec(f, "UPDATE audit_log_block SET ids = x'0100' WHERE block = 0", 0); /* refused by trigger */
	raw_exec(f, "DELETE FROM audit_log_block WHERE block = 1 AND kind = 'case' AND key = 'SND-000004'", 0);
	assert_int_equal(audit_verify(f->st, &r, &err), 0);
	assert_int_equal(r.first_bad, 0);
	raw_exec(f,
		 "DROP TRIGGER audit_log_block_no_delete; "
		 "DELETE FROM audit_log_block WHERE block = 1 AND kind = 'case' AND key = 'SND-000004'",
		 1);
	assert_int_equal(audit_verify(f->st, &r, &err), 0);
	assert_int_equal(r.first_bad, 16384);
	assert_non_null(strstr(r.reason, "browse index of records 16384-32767"));
	/* one record's offset taken out of a row */
	raw_exec(f, "DROP TRIGGER audit_log_block_no_update; "
		 "UPDATE audit_log_block SET ids = substr(ids, 3) WHERE block = 0 AND kind = 'actor' AND key = 'a1'",
		 1);
	assert_int_equal(audit_verify(f->st, &r, &err), 0);
	assert_int_equal(r.first_bad, 1);
	/* a row for a block that is not complete yet */
	raw_exec(f, "DELETE FROM audit_log_block; INSERT INTO audit_log_block VALUES (2, 'case', 'SND-1', x'0000')", 1);
	assert_int_equal(audit_verify(f->st, &r, &err), 0);
	assert_int_equal(r.first_bad, 1); /* block 0's rows are gone too */
}

/* A database of schema 7 kept its trail in two per-record indexes:
 * opening it indexes the complete blocks and drops them, losing nothing. */
static void an_old_trail_is_indexed_on_upgrade(void **state)
{
	struct test_db *f = *state;
	struct audit_verify_result r;
	struct sanad_error err;
	const int64_t last = 16384 + 100;
	append_pattern(f, 1, last);
	storage_close(f->st);
	f->st = NULL;
	raw_exec(f,
		 "DROP TABLE audit_log_block; "
		 "CREATE INDEX audit_log_org ON audit_log(org_code, id); "
		 "CREATE INDEX audit_log_case ON audit_log(case_ref, id); PRAGMA user_version = 7",
		 1);
	assert_int_equal(storage_open(&f->st, f->path, 0, &err), 0);
	assert_int_equal(storage_schema_version(f->st), storage_schema_latest());
	assert_int_equal(
		test_sql_int(f->path, "SELECT count(*) FROM sqlite_master WHERE name LIKE 'audit_log_%' AND type = 'index'"), 0);
	assert_int_equal(test_sql_int(f->path, "SELECT count(DISTINCT block) FROM audit_log_block"), 1);
	assert_int_equal(audit_verify(f->st, &r, &err), 0);
	assert_int_equal(r.first_bad, 0);
	assert_int_equal(r.rows, last);
	browse_matches_pattern(f, (struct audit_query){ .case_ref = "SND-000007" }, last);
	/* and the next complete block is indexed as it closes */
	append_pattern(f, last + 1, 2 * 16384 - 1);
	assert_int_equal(test_sql_int(f->path, "SELECT count(DISTINCT block) FROM audit_log_block"), 2);
	assert_int_equal(audit_verify(f->st, &r, &err), 0);
	assert_int_equal(r.first_bad, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(canonical_form_is_length_prefixed),
		cmocka_unit_test_setup_teardown(an_untouched_trail_verifies, test_db_setup, test_db_teardown),
		cmocka_unit_test_setup_teardown(the_database_refuses_updates_and_deletes, test_db_setup, test_db_teardown),
		cmocka_unit_test_setup_teardown(a_changed_row_is_named, test_db_setup, test_db_teardown),
		cmocka_unit_test_setup_teardown(a_rehashed_row_breaks_the_next_link, test_db_setup, test_db_teardown),
		cmocka_unit_test_setup_teardown(a_removed_row_is_found, test_db_setup, test_db_teardown),
		cmocka_unit_test_setup_teardown(appends_join_the_callers_transaction, test_db_setup, test_db_teardown),
		cmocka_unit_test_setup_teardown(bad_records_are_refused, test_db_setup, test_db_teardown),
		cmocka_unit_test_setup_teardown(list_filters_and_pages, test_db_setup, test_db_teardown),
		cmocka_unit_test_setup_teardown(browse_across_blocks, test_db_setup, test_db_teardown),
		cmocka_unit_test_setup_teardown(an_altered_index_row_is_found, test_db_setup, test_db_teardown),
		cmocka_unit_test_setup_teardown(an_old_trail_is_indexed_on_upgrade, test_db_setup, test_db_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
