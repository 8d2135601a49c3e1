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
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
