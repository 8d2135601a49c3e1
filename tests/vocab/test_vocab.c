/* tests/vocab: the embedded vocabulary loads, looks up by code and alias,
 * and every list the registry names exists. */
#include "test_support.h"
#include "domain/domain.h"
#include "vocab/vocab.h"

static void builtin_vocabulary_loads(void **state)
{
	struct sanad_error err = { 0 };
	int n;
	(void)state;
	assert_int_equal(vocab_load(&err), 0);
	vocab_lists(&n);
	assert_true(n > 30);
	assert_true(vocab_list_find("country")->count >= 249);
}

static void lookup_by_code_alias_and_case(void **state)
{
	const struct vocab_entry *e;
	(void)state;
	e = vocab_find("country", "co");
	assert_non_null(e);
	assert_string_equal(e->code, "CO");
	e = vocab_find("country", "COL"); /* alpha-3 alias */
	assert_non_null(e);
	assert_string_equal(e->code, "CO");
	e = vocab_find("age_band", "18-20");
	assert_non_null(e);
	assert_string_equal(e->code, "18--20");
	e = vocab_find("means_of_control", "Threats"); /* CTDC spelling */
	assert_non_null(e);
	assert_string_equal(e->code, "PhysicalThreats");
	assert_null(vocab_find("country", "XX"));
	assert_null(vocab_find("no-such-list", "CO"));
	assert_string_equal(vocab_label("exploitation_type", "ForcedLabour", VOCAB_EN), "Forced labour");
	assert_true(strlen(vocab_label("exploitation_type", "ForcedLabour", VOCAB_AR)) > 0);
	assert_true(utf8_valid(vocab_label("country", "JO", VOCAB_AR), strlen(vocab_label("country", "JO", VOCAB_AR)), NULL));
	assert_string_not_equal(vocab_label("country", "JO", VOCAB_AR), "Jordan");
}

static void every_registry_list_exists(void **state)
{
	(void)state;
	for (int g = 0; g < GROUP_COUNT; g++) {
		const struct group_def *gd = domain_group((enum group_id)g);
		for (int i = 0; i < gd->nfields; i++)
			if (gd->fields[i].list && !vocab_list_find(gd->fields[i].list))
				fail_msg("field %s names list '%s', which data/vocab.tsv lacks",
					 gd->fields[i].name, gd->fields[i].list);
	}
}

static void malformed_vocabulary_is_refused(void **state)
{
	struct vocab_list *lists;
	int n;
	struct sanad_error err;
	const char dup[] = "x\tA\tA\tأ\t\nx\tB\tB\tب\ta\n";
	const char short_line[] = "x\tA\tA\n";
	const char ok[] = "# c\nx\tA\tAy\tأ\tal1, al2\n";
	(void)state;
	assert_int_not_equal(vocab_parse(dup, sizeof(dup) - 1, &lists, &n, &err), 0);
	assert_non_null(strstr(err.message, "alias 'a'"));
	assert_int_not_equal(vocab_parse(short_line, sizeof(short_line) - 1, &lists, &n, &err), 0);
	assert_non_null(strstr(err.message, "line 1"));
	assert_int_equal(vocab_parse(ok, sizeof(ok) - 1, &lists, &n, &err), 0);
	assert_int_equal(n, 1);
	assert_ptr_equal(vocab_lookup(&lists[0], "AL2"), &lists[0].entries[0]);
	vocab_lists_free(lists, n);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(builtin_vocabulary_loads),
		cmocka_unit_test(lookup_by_code_alias_and_case),
		cmocka_unit_test(every_registry_list_exists),
		cmocka_unit_test(malformed_vocabulary_is_refused),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
