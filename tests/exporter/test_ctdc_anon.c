/* tests/exporter/test_ctdc_anon.c: the UN M49 region table behind country
 * generalisation (every country of the vocabulary has one row), and the
 * k-anonymous CTDC micro-data export: classes counted here, apart from the
 * disclosure code, have k rows or more; the report matches the file; no
 * identity reaches it; values are spelt as CTDC spells them. */
#include "test_support.h"

#include "exporter/exporter.h"

/* ---- regions ---- */

static void test_every_country_has_a_region(void **state)
{
	const struct vocab_list *countries = vocab_list_find("country");
	const struct vocab_region *r;
	int n;
	(void)state;

	assert_non_null(countries);
	r = vocab_regions(&n);
	assert_non_null(r);
	assert_int_equal(n, countries->count);
	for (int i = 0; i < countries->count; i++) {
		const struct vocab_region *x = vocab_region_of(countries->entries[i].code);
		if (!x)
			fail_msg("country %s has no row in data/country-regions.tsv", countries->entries[i].code);
	}
	for (int i = 0; i < n; i++) {
		const struct vocab_entry *e = vocab_lookup(countries, r[i].country);
		if (!e || strcmp(e->code, r[i].country))
			fail_msg("row %d: '%s' is not a country code of the vocabulary", i + 1, r[i].country);
		assert_int_equal(strlen(r[i].subregion_code), 3);
		assert_int_equal(strlen(r[i].region_code), 3);
		assert_true(r[i].subregion[VOCAB_EN][0] && r[i].subregion[VOCAB_AR][0]);
		assert_true(r[i].region[VOCAB_EN][0] && r[i].region[VOCAB_AR][0]);
		/* a sub-region lies in one region, under one name */
		for (int j = 0; j < i; j++)
			if (!strcmp(r[j].subregion_code, r[i].subregion_code)) {
				assert_string_equal(r[j].region_code, r[i].region_code);
				assert_string_equal(r[j].subregion[VOCAB_EN], r[i].subregion[VOCAB_EN]);
				assert_string_equal(r[j].subregion[VOCAB_AR], r[i].subregion[VOCAB_AR]);
			}
	}
}

static void test_region_lookup(void **state)
{
	const struct vocab_region *r;
	(void)state;
	r = vocab_region_of("iq");
	assert_non_null(r);
	assert_string_equal(r->subregion_code, "145");
	assert_string_equal(r->subregion[VOCAB_EN], "Western Asia");
	assert_string_equal(r->subregion[VOCAB_AR], "غرب آسيا");
	assert_string_equal(r->region[VOCAB_EN], "Asia");
	r = vocab_region_of("NG");
	assert_string_equal(r->subregion[VOCAB_EN], "Sub-Saharan Africa");
	assert_string_equal(r->region_code, "002");
	r = vocab_region_of("MX");
	assert_string_equal(r->subregion[VOCAB_EN], "Latin America and the Caribbean");
	assert_string_equal(r->region[VOCAB_EN], "Americas");
	assert_null(vocab_region_of("ZZ"));
	assert_null(vocab_region_of(""));
	assert_null(vocab_region_of(NULL));
}

static void test_region_file_errors(void **state)
{
	struct vocab_region *r;
	struct sanad_error err = { 0 };
	int n;
	const char good[] = "# comment\nIQ\t145\tWestern Asia\tغرب آسيا\t142\tAsia\tآسيا\n";
	const char short_line[] = "IQ\t145\tWestern Asia\n";
	const char empty_col[] = "# x\n\nIQ\t145\t\tغرب آسيا\t142\tAsia\tآسيا\n";
	const char extra[] = "IQ\t145\tWestern Asia\tغرب آسيا\t142\tAsia\tآسيا\textra\n";
	(void)state;

	assert_int_equal(vocab_regions_parse(good, strlen(good), &r, &n, &err), 0);
	assert_int_equal(n, 1);
	assert_string_equal(r[0].region[VOCAB_AR], "آسيا");
	vocab_regions_free(r, n);
	assert_int_equal(vocab_regions_parse(short_line, strlen(short_line), &r, &n, &err), SANAD_EINVAL);
	assert_non_null(strstr(err.message, "line 1"));
	assert_int_equal(vocab_regions_parse(empty_col, strlen(empty_col), &r, &n, &err), SANAD_EINVAL);
	assert_non_null(strstr(err.message, "line 3: column 3 is empty"));
	assert_int_equal(vocab_regions_parse(extra, strlen(extra), &r, &n, &err), SANAD_EINVAL);
	assert_int_equal(vocab_regions_parse("\xff", 1, &r, &n, &err), SANAD_EINVAL);
}

/* ---- the export ---- */

struct db {
	char *path;
	struct storage *st;
};

static void open_db(struct db *d)
{
	struct sanad_error err = { 0 };
	struct organisation o = { 0 };
	d->path = test_temp_path(".db");
	if (storage_open(&d->st, d->path, STORAGE_CREATE, &err))
		fail_msg("%s", err.message);
	o.code = (char *)"shelter";
	o.name = (char *)"Shelter";
	o.in_pool = 1;
	if (storage_org_add(d->st, &o, &err))
		fail_msg("%s", err.message);
	o.code = (char *)"other";
	o.name = (char *)"Other";
	o.in_pool = 0;
	if (storage_org_add(d->st, &o, &err))
		fail_msg("%s", err.message);
}

static void close_db(struct db *d)
{
	storage_close(d->st);
	test_remove_db(d->path);
	free(d->path);
}

static void set(struct case_record *c, const char *field, const char *value)
{
	struct sanad_error err = { 0 };
	int i = domain_field_index(GROUP_CASE, field);
	if (i < 0)
		fail_msg("no field %s", field);
	if (value && record_set(case_record_item(c, GROUP_CASE, 0), GROUP_CASE, i, value, &err))
		fail_msg("%s: %s", field, err.message);
}

/* One case: year, sex, age band, nationalities, forms, country of
 * exploitation (NULL: unknown), with a name that must never be exported. */
static void add(struct db *d, const char *org, const char *year, const char *sex, const char *band,
		const char *citizenship, const char *forms, const char *country)
{
	struct case_record c;
	struct sanad_error err = { 0 };
	case_record_init(&c);
	set(&c, "snd_Organisation", org);
	set(&c, "snd_YearOfRegistration", year);
	set(&c, "snd_Sex", sex);
	set(&c, "snd_AgeBroad", band);
	set(&c, "prs_Citizenship", citizenship);
	set(&c, "vic_TypeOfExploitation", forms);
	set(&c, "snd_CountryOfExploitation", country);
	set(&c, "prs_FirstName", "Zubaida");
	set(&c, "prs_Birthdate", "1990-04-05");
	if (storage_case_insert(d->st, &c, &err))
		fail_msg("%s", err.message);
	case_record_release(&c);
}

/* Rows of the CSV (header left out) with their multiplicities, counted
 * here: returns the number of rows, sets *classes and *smallest. */
static size_t count_classes(const char *csv, size_t *classes, size_t *smallest)
{
	char *copy = strdup(csv), *save = NULL, *line;
	char *rows[4096];
	size_t n = 0;
	*classes = *smallest = 0;
	line = strtok_r(copy, "\n", &save); /* the header */
	while ((line = strtok_r(NULL, "\n", &save)) && n < 4096)
		rows[n++] = line;
	for (size_t i = 0; i < n; i++) {
		size_t same = 0, first = 1;
		for (size_t j = 0; j < n; j++)
			if (!strcmp(rows[i], rows[j])) {
				same++;
				if (j < i)
					first = 0;
			}
		if (first) {
			(*classes)++;
			if (!*smallest || same < *smallest)
				*smallest = same;
		}
	}
	free(copy);
	return n;
}

static const char header[] = "yearOfRegistration,gender,ageBroad,citizenship,isForcedLabour,"
			     "isSexualExploit,CountryOfExploitation\n";

static void test_values_pass_through_when_already_anonymous(void **state)
{
	struct db d;
	struct ctdc_anon_options o = { EXPORT_SCOPE_ALL, NULL, 0, 2, 0 };
	struct ctdc_anon_report r;
	struct sanad_error err = { 0 };
	struct strbuf out = STRBUF_INIT;
	(void)state;

	open_db(&d);
	for (int i = 0; i < 2; i++) {
		add(&d, "shelter", "2019", "Female", "18--20", "IQ;SY", "SexualExploitation;ForcedLabour", "JO");
		add(&d, "other", "2021", "Male", "9--17", "NG", "ForcedMarriage", NULL);
		add(&d, "shelter", NULL, NULL, NULL, NULL, NULL, NULL);
	}
	assert_int_equal(export_ctdc_anon(d.st, &o, &out, &r, &err), 0);
	assert_string_equal(out.buf, "yearOfRegistration,gender,ageBroad,citizenship,isForcedLabour,"
				     "isSexualExploit,CountryOfExploitation\n"
				     "2019,Female,18--20,IQ;SY,1,1,JO\n"
				     "2021,Male,9--17,NG,0,0,-\n"
				     "-,-,-,-,-,-,-\n"
				     "2019,Female,18--20,IQ;SY,1,1,JO\n"
				     "2021,Male,9--17,NG,0,0,-\n"
				     "-,-,-,-,-,-,-\n");
	assert_null(strstr(out.buf, "Zubaida"));
	assert_null(strstr(out.buf, "1990"));
	assert_int_equal(r.selected, 6);
	assert_int_equal(r.written, 6);
	assert_int_equal(r.suppressed, 0);
	assert_int_equal(r.classes, 3);
	assert_int_equal(r.smallest_class, 2);
	for (int q = 0; q < r.ncolumns; q++) {
		assert_int_equal(r.columns[q].level, 0);
		assert_int_equal(r.columns[q].changed, 0);
	}
	strbuf_release(&out);
	close_db(&d);
}

static void test_generalised_then_suppressed(void **state)
{
	struct db d;
	struct ctdc_anon_options o = { EXPORT_SCOPE_ALL, NULL, 0, 3, 0.1 };
	struct ctdc_anon_report r;
	struct sanad_error err = { 0 };
	struct strbuf out = STRBUF_INIT;
	size_t classes, smallest, rows;
	json_t *j;
	(void)state;

	open_db(&d);
	/* three nationalities of Western Asia, two each: only the sub-region
	 * makes classes of 3; and a lone case of another region, which is
	 * cheaper to suppress (1 of 7 > 10%? no: budget 0.7 -> 0 records) */
	add(&d, "shelter", "2019", "Female", "18--20", "IQ", "ForcedLabour", "JO");
	add(&d, "shelter", "2019", "Female", "18--20", "IQ", "ForcedLabour", "JO");
	add(&d, "shelter", "2019", "Female", "18--20", "SY", "ForcedLabour", "JO");
	add(&d, "shelter", "2019", "Female", "18--20", "SY", "ForcedLabour", "JO");
	add(&d, "shelter", "2019", "Female", "18--20", "YE", "ForcedLabour", "JO");
	add(&d, "shelter", "2019", "Female", "18--20", "YE", "ForcedLabour", "JO");
	assert_int_equal(export_ctdc_anon(d.st, &o, &out, &r, &err), 0);
	rows = count_classes(out.buf, &classes, &smallest);
	assert_int_equal(rows, 6);
	assert_int_equal(classes, 1);
	assert_int_equal(smallest, 6);
	assert_non_null(strstr(out.buf, "\n2019,Female,18--20,Western Asia,1,0,JO\n"));
	assert_int_equal(r.columns[3].level, 1);
	assert_string_equal(r.columns[3].name, "citizenship");
	assert_string_equal(r.columns[3].level_name, "UN M49 sub-region");
	assert_int_equal(r.columns[3].changed, 6);

	/* one more case from elsewhere: with 10% of 7 (0 records) it cannot
	 * just be dropped, so columns generalise further; every class still
	 * has 3 rows or more, counted here */
	add(&d, "shelter", "2020", "Male", "30--38", "BR", "SexualExploitation", "AR");
	strbuf_reset(&out);
	assert_int_equal(export_ctdc_anon(d.st, &o, &out, &r, &err), 0);
	rows = count_classes(out.buf, &classes, &smallest);
	assert_int_equal(rows, r.written);
	assert_int_equal(r.written, r.selected - r.suppressed);
	assert_int_equal(classes, r.classes);
	assert_int_equal(smallest, r.smallest_class);
	assert_true(smallest >= 3 || rows == 0);

	/* with a budget of 20%, the lone case is suppressed instead */
	o.max_suppress = 0.2;
	strbuf_reset(&out);
	assert_int_equal(export_ctdc_anon(d.st, &o, &out, &r, &err), 0);
	assert_int_equal(r.selected, 7);
	assert_int_equal(r.suppressed, 1);
	assert_int_equal(r.written, 6);
	assert_null(strstr(out.buf, "Male"));
	assert_null(strstr(out.buf, "South America"));

	j = export_ctdc_anon_report_json(&r);
	assert_int_equal(json_integer_value(json_object_get(j, "selected")), 7);
	assert_int_equal(json_integer_value(json_object_get(j, "suppressed")), 1);
	assert_int_equal(json_array_size(json_object_get(j, "columns")), 6);
	assert_string_equal(json_string_value(json_object_get(
				    json_array_get(json_object_get(j, "columns"), 3), "level_name")),
			    "UN M49 sub-region");
	json_decref(j);
	strbuf_release(&out);
	close_db(&d);
}

static void test_scopes_and_refusals(void **state)
{
	struct db d;
	struct ctdc_anon_options o = { EXPORT_SCOPE_ORG, "other", 0, 2, 0.05 };
	struct ctdc_anon_report r;
	struct sanad_error err = { 0 };
	struct strbuf out = STRBUF_INIT;
	(void)state;

	open_db(&d);
	add(&d, "shelter", "2019", "Female", "18--20", "IQ", "ForcedLabour", "JO");
	add(&d, "other", "2019", "Female", "18--20", "IQ", "ForcedLabour", "JO");
	add(&d, "other", "2020", "Female", "18--20", "IQ", "ForcedLabour", "JO");
	assert_int_equal(export_ctdc_anon(d.st, &o, &out, &r, &err), 0);
	assert_int_equal(r.selected, 2);
	o.year = 2020;
	assert_int_equal(export_ctdc_anon(d.st, &o, &out, &r, &err), 0);
	assert_int_equal(r.selected, 1);
	/* national: "other" is not in the pool, and no consent is recorded */
	o.scope = EXPORT_SCOPE_NATIONAL;
	o.org_code = NULL;
	o.year = 0;
	assert_int_equal(export_ctdc_anon(d.st, &o, &out, &r, &err), 0);
	assert_int_equal(r.selected, 0);

	o.k = 1;
	assert_int_equal(export_ctdc_anon(d.st, &o, &out, &r, &err), SANAD_EINVAL);
	assert_non_null(strstr(err.message, "k must be at least 2"));
	o.k = 5;
	o.max_suppress = 1.5;
	assert_int_equal(export_ctdc_anon(d.st, &o, &out, &r, &err), SANAD_EINVAL);
	o.max_suppress = 0.05;
	o.scope = EXPORT_SCOPE_ORG;
	o.org_code = "nosuch";
	assert_int_equal(export_ctdc_anon(d.st, &o, &out, &r, &err), SANAD_ENOTFOUND);
	assert_non_null(strstr(err.message, "nosuch"));
	strbuf_release(&out);
	close_db(&d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_country_has_a_region),
		cmocka_unit_test(test_region_lookup),
		cmocka_unit_test(test_region_file_errors),
		cmocka_unit_test(test_values_pass_through_when_already_anonymous),
		cmocka_unit_test(test_generalised_then_suppressed),
		cmocka_unit_test(test_scopes_and_refusals),
	};
	(void)header;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
