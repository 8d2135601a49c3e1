/* tests/util: UTF-8 validation, dates, integers, CSV cells. */
#include "test_support.h"
#include "util/util.h"

static void utf8_accepts_arabic_and_rejects_broken(void **state)
{
	size_t bad = 99;
	(void)state;
	assert_true(utf8_valid("سند support", strlen("سند support"), NULL));
	assert_false(utf8_valid("ab\xC3", 3, &bad));
	assert_int_equal(bad, 2);
	assert_false(utf8_valid("\xC0\xAF", 2, &bad));       /* overlong '/' */
	assert_false(utf8_valid("\xED\xA0\x80", 3, &bad));   /* UTF-16 surrogate */
	assert_false(utf8_valid("\xF4\x90\x80\x80", 4, &bad)); /* above U+10FFFF */
	assert_int_equal(utf8_length("سند", strlen("سند")), 3);
}

static void dates_are_real_calendar_days(void **state)
{
	struct sanad_date d;
	struct sanad_error err;
	char buf[11];
	(void)state;
	assert_int_equal(date_parse("2024-02-29", &d, &err), 0);
	date_format(&d, buf);
	assert_string_equal(buf, "2024-02-29");
	assert_int_not_equal(date_parse("2023-02-29", &d, &err), 0);
	assert_non_null(strstr(err.message, "not a real calendar date"));
	assert_int_not_equal(date_parse("2021-02-30", &d, &err), 0);
	assert_int_not_equal(date_parse("1900-13-01", &d, &err), 0);
	assert_int_not_equal(date_parse("20-01-2020", &d, &err), 0);
	assert_int_equal(date_parse("2020-05-01T10:22:03.000+03:00", &d, &err), 0); /* XForm timestamps */
	assert_int_equal(d.day, 1);
	{
		struct sanad_date b = { 2000, 6, 15 }, at1 = { 2018, 6, 14 }, at2 = { 2018, 6, 15 };
		assert_int_equal(date_years_between(&b, &at1), 17);
		assert_int_equal(date_years_between(&b, &at2), 18);
		assert_int_equal(date_to_days(&(struct sanad_date){ 1970, 1, 1 }), 0);
		assert_int_equal(date_to_days(&(struct sanad_date){ 2000, 3, 1 }) -
					 date_to_days(&(struct sanad_date){ 2000, 2, 28 }), 2);
	}
}

static void integers_reject_junk(void **state)
{
	int64_t v;
	(void)state;
	assert_int_equal(parse_int64("2020", 1900, 2200, &v), 0);
	assert_int_equal(v, 2020);
	assert_int_not_equal(parse_int64("2020x", 1900, 2200, &v), 0);
	assert_int_not_equal(parse_int64("", 0, 10, &v), 0);
	assert_int_not_equal(parse_int64("11", 0, 10, &v), 0);
	assert_int_not_equal(parse_int64("99999999999999999999999", 0, INT64_MAX, &v), 0);
}

static void csv_cells_quote_and_guard_formulas(void **state)
{
	struct strbuf sb = STRBUF_INIT;
	char guarded[32];
	(void)state;
	csv_cell(&sb, "plain", 1);
	strbuf_addch(&sb, ',');
	csv_cell(&sb, "a,\"b\"\nc", 1);
	strbuf_addch(&sb, ',');
	csv_cell(&sb, "=HYPERLINK(\"x\")", 1);
	strbuf_addch(&sb, ',');
	csv_cell(&sb, "-2+3", 1);
	strbuf_addch(&sb, ',');
	csv_cell(&sb, "@SUM(A1)", 1);
	strbuf_addch(&sb, ',');
	csv_cell(&sb, "-12.5", 0);
	assert_string_equal(strbuf_str(&sb),
			    "plain,\"a,\"\"b\"\"\nc\",\"'=HYPERLINK(\"\"x\"\")\",'-2+3,'@SUM(A1),-12.5");
	strcpy(guarded, "'=1+1");
	csv_unguard(guarded);
	assert_string_equal(guarded, "=1+1");
	strbuf_release(&sb);
}

static void errors_carry_context(void **state)
{
	struct sanad_error err;
	(void)state;
	assert_int_equal(sanad_error_set(&err, SANAD_EINVAL, "%s: bad", "prs_Gender"), SANAD_EINVAL);
	sanad_error_prefix(&err, "row %d: ", 12);
	assert_string_equal(err.message, "row 12: prs_Gender: bad");
	assert_string_equal(sanad_status_name(SANAD_ELIMIT), "limit");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(utf8_accepts_arabic_and_rejects_broken),
		cmocka_unit_test(dates_are_real_calendar_days),
		cmocka_unit_test(integers_reject_junk),
		cmocka_unit_test(csv_cells_quote_and_guard_formulas),
		cmocka_unit_test(errors_carry_context),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
