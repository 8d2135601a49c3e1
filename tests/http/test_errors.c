/* tests/http/test_errors.c: the error envelope names the input an error is
 * about ("field", and "group"/"item" for an item of a repeating group), so
 * the web forms mark that input; the audit records of concurrent requests
 * share commits without breaking the chain (http/audit_batch.c); an anchored
 * verify catches a trail that was cut back. */
#include "test_support.h"
#include "http/http_internal.h"

#include <pthread.h>
#include <sqlite3.h>

static json_t *envelope(const char *code, const char *message)
{
	return http_error_json(code, message);
}

static const char *key(json_t *o, const char *k)
{
	json_t *v = json_object_get(o, k);
	return v && json_is_string(v) ? json_string_value(v) : NULL;
}

static void check_field(const char *message, const char *field)
{
	json_t *o = envelope("invalid", message);
	if (field) {
		assert_non_null(key(o, "field"));
		assert_string_equal(key(o, "field"), field);
	} else {
		assert_null(json_object_get(o, "field"));
	}
	json_decref(o);
}

static void field_named_by_each_message_shape(void **state)
{
	(void)state;
	/* the validators' shapes: FIELD first, a quoted key, a parameter */
	check_field("prs_Birthdate: '1990-02-30' is not a date", "prs_Birthdate");
	check_field("snd_ConsentGiven is required: true to give, false to refuse or revoke", "snd_ConsentGiven");
	check_field("'trafficking_status' is required", "trafficking_status");
	check_field("unknown key 'bogus' (this endpoint takes: to, version)", "bogus");
	check_field("to: 'nobody' is not an active caseworker or supervisor of ngo-a", "to");
	check_field("limit: give a whole number from 1 to 200", "limit");
	/* a parameter prefix wins over a field named later in the message */
	check_field("indicators: 'x' is not a checklist field (snd_PalermoAct, snd_PalermoMeans)", "indicators");
	/* otherwise the first registry field the message names */
	check_field("the value of hte_Date is after the identification", "hte_Date");
	/* no input at all */
	check_field("a case cannot be referred to its own organisation", NULL);
	check_field("give the case fields to change", NULL);
}

static void item_prefix_gives_group_and_item(void **state)
{
	json_t *o = envelope("invalid", "services item 2: snd_ServiceEnd 2023-01-01 is before snd_ServiceStart 2024-02-01");
	(void)state;
	assert_string_equal(key(o, "field"), "snd_ServiceEnd");
	assert_string_equal(key(o, "group"), "services");
	assert_int_equal(json_integer_value(json_object_get(o, "item")), 2);
	json_decref(o);
	/* "item" after a word that is not a group is no item */
	o = envelope("invalid", "fields item 3: prs_FirstName is too long");
	assert_null(json_object_get(o, "group"));
	assert_string_equal(key(o, "field"), "prs_FirstName");
	json_decref(o);
}

static void only_input_errors_are_located(void **state)
{
	json_t *o = envelope("not_found", "prs_Birthdate: no such case");
	(void)state;
	assert_null(json_object_get(o, "field"));
	json_decref(o);
	o = envelope("limit", "cco_CaseComment: 20001 characters is over the limit of 20000");
	assert_string_equal(key(o, "field"), "cco_CaseComment");
	json_decref(o);
}

static void error_item_added_to_an_answer(void **state)
{
	struct http_response resp;
	json_t *o;
	(void)state;
	http_response_init(&resp);
	http_response_error(&resp, 400, "invalid", "hte_Date: '2023-13-01' is not a date");
	http_response_error_item(&resp, "events", 2);
	o = json_loadb(resp.body.buf, resp.body.len, 0, NULL);
	assert_string_equal(key(o, "error"), "invalid");
	assert_string_equal(key(o, "field"), "hte_Date");
	assert_string_equal(key(o, "group"), "events");
	assert_int_equal(json_integer_value(json_object_get(o, "item")), 2);
	json_decref(o);
	/* not for a success */
	http_response_json(&resp, 200, json_pack("{s:s}", "ok", "yes"));
	http_response_error_item(&resp, "events", 2);
	o = json_loadb(resp.body.buf, resp.body.len, 0, NULL);
	assert_null(json_object_get(o, "item"));
	json_decref(o);
	http_response_release(&resp);
}

/* ---- the audit group commit ---- */

#define WRITERS 4
#define RECORDS 40

struct writer {
	const char *path;
	int index, failures;
};

static void *write_records(void *arg)
{
	struct writer *w = arg;
	struct storage *st;
	struct sanad_error err = { 0 };
	char actor[32];
	snprintf(actor, sizeof(actor), "writer%d", w->index);
	if (storage_open(&st, w->path, 0, &err)) {
		w->failures = RECORDS;
		return NULL;
	}
	for (int i = 0; i < RECORDS; i++)
		if (http_audit_append(st, actor, "ngo-a", AUDIT_VIEW, "SND-000001", "access=write", &err))
			w->failures++;
	storage_close(st);
	return NULL;
}

static void concurrent_records_share_commits_and_keep_the_chain(void **state)
{
	char *path = test_temp_path(".db");
	struct storage *st;
	struct sanad_error err = { 0 };
	struct audit_verify_result r;
	pthread_t t[WRITERS];
	struct writer w[WRITERS];
	struct audit_query q = { 0 };
	struct audit_row *rows;
	size_t n;
	char anchor[65];
	int64_t anchor_count;
	(void)state;

	assert_int_equal(storage_open(&st, path, STORAGE_CREATE, &err), 0);
	for (int i = 0; i < WRITERS; i++) {
		w[i] = (struct writer){ path, i, 0 };
		assert_int_equal(pthread_create(&t[i], NULL, write_records, &w[i]), 0);
	}
	for (int i = 0; i < WRITERS; i++) {
		pthread_join(t[i], NULL);
		assert_int_equal(w[i].failures, 0);
	}
	assert_int_equal(audit_verify(st, &r, &err), 0);
	assert_int_equal(r.first_bad, 0);
	assert_int_equal(r.rows, WRITERS * RECORDS);
	q.actor = "writer2";
	q.limit = 1000;
	assert_int_equal(audit_list(st, &q, &rows, &n, &err), 0);
	assert_int_equal(n, RECORDS);
	for (size_t i = 0; i < n; i++)
		audit_row_release(&rows[i]);
	free(rows);

	/* anchored: the head extends itself; a cut-back trail does not */
	snprintf(anchor, sizeof(anchor), "%s", r.head);
	anchor_count = r.rows;
	assert_int_equal(audit_verify_anchored(st, anchor_count, anchor, &r, &err), 0);
	assert_int_equal(r.first_bad, 0);
	storage_close(st);
	{
		sqlite3 *db;
		assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
		assert_int_equal(sqlite3_exec(db, "DROP TRIGGER audit_log_no_delete; "
					      "DELETE FROM audit_log WHERE id = (SELECT max(id) FROM audit_log)",
					      NULL, NULL, NULL), SQLITE_OK);
		sqlite3_close(db);
	}
	assert_int_equal(storage_open(&st, path, 0, &err), 0);
	assert_int_equal(audit_verify(st, &r, &err), 0);
	assert_int_equal(r.first_bad, 0); /* the chain alone cannot tell */
	assert_int_equal(audit_verify_anchored(st, anchor_count, anchor, &r, &err), 0);
	assert_int_equal(r.first_bad, anchor_count);
	assert_non_null(strstr(r.reason, "records were removed"));
	/* an anchor of the right count with another hash: rewritten */
	assert_int_equal(audit_verify_anchored(st, 5, anchor, &r, &err), 0);
	assert_int_equal(r.first_bad, 5);
	assert_non_null(strstr(r.reason, "rewritten"));
	storage_close(st);
	test_remove_db(path);
	free(path);
}

static void anchors_are_parsed_strictly(void **state)
{
	struct sanad_error err = { 0 };
	char hash[65];
	int64_t count;
	char good[80];
	(void)state;
	snprintf(good, sizeof(good), "%064d:12", 0);
	assert_int_equal(audit_parse_anchor(good, &count, hash, &err), 0);
	assert_int_equal(count, 12);
	assert_int_not_equal(audit_parse_anchor("abc:12", &count, hash, &err), 0);
	assert_int_not_equal(audit_parse_anchor(NULL, &count, hash, &err), 0);
	snprintf(good, sizeof(good), "%064d:x", 0);
	assert_int_not_equal(audit_parse_anchor(good, &count, hash, &err), 0);
	snprintf(good, sizeof(good), "%063dg:1", 0);
	assert_int_not_equal(audit_parse_anchor(good, &count, hash, &err), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(field_named_by_each_message_shape),
		cmocka_unit_test(item_prefix_gives_group_and_item),
		cmocka_unit_test(only_input_errors_are_located),
		cmocka_unit_test(error_item_added_to_an_answer),
		cmocka_unit_test(concurrent_records_share_commits_and_keep_the_chain),
		cmocka_unit_test(anchors_are_parsed_strictly),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
