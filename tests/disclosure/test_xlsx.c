/* tests/disclosure/test_xlsx.c: the XLSX workbook of a published (and a raw)
 * statistics table: a real zip that spreadsheets open, with the CSV's
 * header, counts as numbers, suppressed counts as empty cells, labels that
 * would run as formulas guarded, and Arabic sheets right to left.  The
 * workbook's parts are read with unzip(1). */
#include "test_support.h"

#include "disclosure/disclosure.h"

/* year x organisation; one organisation's name is a formula. */
static struct stats_value years[] = {
	{ (char *)"2019", { (char *)"2019", (char *)"2019" } },
	{ (char *)"2020", { (char *)"2020", (char *)"2020" } },
	{ (char *)"2021", { (char *)"2021", (char *)"2021" } },
};
static struct stats_value orgs[] = {
	{ (char *)"EVIL", { (char *)"=HYPERLINK(\"http://x\")", (char *)"=HYPERLINK(\"http://x\")" } },
	{ (char *)"SHEL", { (char *)"Shelter", (char *)"مأوى" } },
};
static struct stats_row rows[] = {
	{ { 0, 0 }, 12 }, { { 0, 1 }, 3 }, { { 1, 0 }, 9 }, { { 1, 1 }, 7 },
	{ { 2, 0 }, 20 }, { { 2, 1 }, 15 },
};

static void make_table(struct stats_table *t)
{
	memset(t, 0, sizeof(*t));
	t->ncolumns = 2;
	t->columns[0].dim = stats_dimension_find("year");
	t->columns[0].name = (char *)"year";
	t->columns[0].values = years;
	t->columns[0].nvalues = 3;
	t->columns[1].dim = stats_dimension_find("organisation");
	t->columns[1].name = (char *)"organisation";
	t->columns[1].values = orgs;
	t->columns[1].nvalues = 2;
	t->rows = rows;
	t->nrows = 6;
	t->total_victims = 66;
	assert_non_null(t->columns[0].dim);
	assert_non_null(t->columns[1].dim);
}

/* The member of the workbook in book, extracted with unzip -p; new string. */
static char *member(const struct strbuf *book, const char *name)
{
	char *path = test_temp_path(".xlsx"), cmd[4400];
	struct strbuf out = STRBUF_INIT;
	FILE *f = fopen(path, "wb"), *p;
	char buf[4096];
	size_t n;

	assert_non_null(f);
	assert_int_equal(fwrite(book->buf, 1, book->len, f), book->len);
	fclose(f);
	snprintf(cmd, sizeof(cmd), "unzip -p '%s' '%s'", path, name);
	p = popen(cmd, "r");
	assert_non_null(p);
	while ((n = fread(buf, 1, sizeof(buf), p)) > 0)
		strbuf_add(&out, buf, n);
	assert_int_equal(pclose(p), 0);
	remove(path);
	free(path);
	return strbuf_detach(&out);
}

/* The XML of cell ref ("E13") in sheet, from "<c " to its end; new
 * string, NULL when the cell is not written. */
static char *cell_xml(const char *sheet, const char *ref)
{
	char key[32];
	const char *c, *end;
	snprintf(key, sizeof(key), "<c r=\"%s\"", ref);
	if (!(c = strstr(sheet, key)))
		return NULL;
	end = strchr(c, '>');
	if (end[-1] != '/')
		end = strstr(c, "</c>") + 3;
	return strndup(c, (size_t)(end - c + 1));
}

/* 1 if cell ref holds the number v. */
static int cell_is_number(const char *sheet, const char *ref, const char *v)
{
	char *x = cell_xml(sheet, ref), want[64];
	int ok;
	snprintf(want, sizeof(want), "><v>%s</v></c>", v);
	ok = x && !strstr(x, "t=\"s\"") && strstr(x, want) != NULL;
	free(x);
	return ok;
}

static size_t occurrences(const char *hay, const char *needle)
{
	size_t n = 0;
	for (const char *p = strstr(hay, needle); p; p = strstr(p + 1, needle))
		n++;
	return n;
}

static void test_published_workbook(void **state)
{
	struct stats_table t;
	struct disclosure_table p;
	struct sanad_error err = { 0 };
	struct strbuf book = STRBUF_INIT, csv = STRBUF_INIT;
	char *sheet, *strings;
	(void)state;

	make_table(&t);
	assert_int_equal(disclosure_publish(&t, NULL, &p, &err), 0);
	assert_int_equal(disclosure_table_xlsx(&p, 1, VOCAB_EN, &book, &err), 0);
	assert_true(book.len > 1000);
	assert_memory_equal(book.buf, "PK\003\004", 4); /* a zip */
	sheet = member(&book, "xl/worksheets/sheet1.xml");
	strings = member(&book, "xl/sharedStrings.xml");

	/* the CSV's header, and every cell of the cube on its own row */
	assert_non_null(strstr(strings, "<t>year</t>"));
	assert_non_null(strstr(strings, "<t>organisation_label</t>"));
	assert_non_null(strstr(strings, "<t>count</t>"));
	disclosure_table_csv(&p, 1, VOCAB_EN, &csv);
	assert_non_null(strstr(csv.buf, "year,year_label,organisation,organisation_label,count\n"));
	/* cells 4 x 3 after the header: rows 2..13 are the table */
	assert_non_null(strstr(sheet, "<row r=\"13\""));
	/* the grand total 66 is a number in the count column (E) */
	assert_true(cell_is_number(sheet, "E13", "66"));
	/* a published inner count: (2021, EVIL) */
	assert_true(cell_is_number(sheet, "E8", "20"));
	/* the year is a number, not text */
	assert_true(cell_is_number(sheet, "A2", "2019"));
	/* the formula is text with the guard, never a formula */
	assert_non_null(strstr(strings, "<t>'=HYPERLINK(\"http://x\")</t>") ?
			strstr(strings, "<t>'=HYPERLINK(\"http://x\")</t>") :
			strstr(strings, "<t>'=HYPERLINK(&quot;http://x&quot;)</t>"));
	assert_null(strstr(sheet, "<f>"));
	/* suppressed counts: as many empty count cells as suppressed cells; the
	 * 3 of (2019, SHEL) is one of them */
	size_t suppressed = p.report.primary + p.report.complementary;
	assert_true(suppressed >= 2);
	assert_int_equal(occurrences(csv.buf, ",\n"), suppressed);
	{
		/* empty count cells: E<row> written as a blank (no value);
		 * no published count is the 3 */
		size_t blanks = 0;
		char ref[32];
		for (int r = 2; r <= 13; r++) {
			snprintf(ref, sizeof(ref), "E%d", r);
			char *x = cell_xml(sheet, ref);
			assert_non_null(x);
			if (x[strlen(x) - 2] == '/')
				blanks++;
			else
				assert_null(strstr(x, "<v>3</v>"));
			free(x);
		}
		assert_int_equal(blanks, suppressed);
	}
	/* the legend and the footnote under the table */
	assert_non_null(strstr(strings, "An empty shaded count is suppressed"));
	assert_non_null(strstr(strings, "cells suppressed to protect privacy"));
	assert_null(strstr(sheet, "rightToLeft"));

	free(sheet);
	free(strings);
	strbuf_release(&book);
	strbuf_release(&csv);
	disclosure_table_release(&p);
}

static void test_arabic_right_to_left(void **state)
{
	struct stats_table t;
	struct disclosure_table p;
	struct sanad_error err = { 0 };
	struct strbuf book = STRBUF_INIT;
	char *sheet, *strings, *wb;
	(void)state;

	make_table(&t);
	assert_int_equal(disclosure_publish(&t, NULL, &p, &err), 0);
	assert_int_equal(disclosure_table_xlsx(&p, 1, VOCAB_AR, &book, &err), 0);
	sheet = member(&book, "xl/worksheets/sheet1.xml");
	strings = member(&book, "xl/sharedStrings.xml");
	wb = member(&book, "xl/workbook.xml");
	assert_non_null(strstr(sheet, "rightToLeft=\"1\""));
	assert_non_null(strstr(strings, "مأوى"));
	assert_non_null(strstr(strings, "المجموع"));
	assert_non_null(strstr(wb, "الضحايا"));
	free(sheet);
	free(strings);
	free(wb);
	strbuf_release(&book);
	disclosure_table_release(&p);
}

static void test_raw_workbook(void **state)
{
	struct stats_table t;
	struct sanad_error err = { 0 };
	struct strbuf book = STRBUF_INIT;
	char *sheet, *strings;
	(void)state;

	make_table(&t);
	assert_int_equal(disclosure_stats_xlsx(&t, 0, VOCAB_EN, &book, &err), 0);
	sheet = member(&book, "xl/worksheets/sheet1.xml");
	strings = member(&book, "xl/sharedStrings.xml");
	/* every raw count, the small one too, and no label columns */
	assert_non_null(strstr(sheet, "<v>3</v>"));
	assert_non_null(strstr(sheet, "<v>12</v>"));
	assert_non_null(strstr(sheet, "<v>66</v>"));
	assert_null(strstr(strings, "_label"));
	assert_non_null(strstr(strings, "do not publish"));
	free(sheet);
	free(strings);
	strbuf_release(&book);
}

static void test_temporary_file_failure_is_an_error(void **state)
{
	struct stats_table t;
	struct sanad_error err = { 0 };
	struct strbuf book = STRBUF_INIT;
	char *old = getenv("TMPDIR") ? strdup(getenv("TMPDIR")) : NULL;
	(void)state;

	make_table(&t);
	setenv("TMPDIR", "/nonexistent-sanad-dir", 1);
	assert_int_equal(disclosure_stats_xlsx(&t, 0, VOCAB_EN, &book, &err), SANAD_EIO);
	assert_non_null(strstr(err.message, "/nonexistent-sanad-dir"));
	assert_int_equal(book.len, 0);
	if (old)
		setenv("TMPDIR", old, 1);
	else
		unsetenv("TMPDIR");
	free(old);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_published_workbook),
		cmocka_unit_test(test_arabic_right_to_left),
		cmocka_unit_test(test_raw_workbook),
		cmocka_unit_test(test_temporary_file_failure_is_an_error),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
