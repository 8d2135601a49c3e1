/* tests/report: the annual report built from stored records — what each
 * country's section says (placement, the Watch List criterion, sanctions,
 * recommendations with and without programmes), the languages, escaping,
 * and that a PDF is written whole or not at all. */
#include "test_support.h"

#include <jansson.h>

#include "report/report.h"
#include "response/response.h"

struct fixture {
	char *path;
	struct storage *st;
	struct report *report;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct sanad_error err = { 0 };
	struct response_import_summary s;
	struct report_options ro = { 2011, NULL };
	struct programme p = { 0 };
	json_error_t jerr;
	json_t *doc;
	char path[4096];
	const char *dir = getenv("TESTS_DIR");

	f->path = test_temp_path(".db");
	snprintf(path, sizeof(path), "%s/response/fixtures/records-2009-2011.json", dir && *dir ? dir : "tests");
	doc = json_load_file(path, 0, &jerr);
	if (!doc || storage_open(&f->st, f->path, STORAGE_CREATE, &err) || response_import(f->st, doc, &s, &err)) {
		fprintf(stderr, "setup: %s %s\n", jerr.text, err.message);
		return -1;
	}
	json_decref(doc);
	p.code = xstrdup("jo-shelters");
	p.name = xstrdup("Shelter and screening");
	p.name_ar = xstrdup("الإيواء والفرز");
	p.type = xstrdup("bilateral_regional");
	p.countries = xstrdup("JO");
	p.people_trained = p.victims_assisted = -1;
	if (response_programme_add(f->st, &p, &err) || response_programme_link(f->st, "jo-shelters", "JO-2011-2", &err) ||
	    report_build(f->st, &ro, &f->report, &err)) {
		fprintf(stderr, "setup: %s\n", err.message);
		return -1;
	}
	programme_release(&p);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	report_free(f->report);
	storage_close(f->st);
	test_remove_db(f->path);
	free(f->path);
	free(f);
	return 0;
}

static json_t *country(json_t *report, const char *cc)
{
	size_t i;
	json_t *c;
	json_array_foreach(json_object_get(report, "countries"), i, c)
		if (!strcmp(json_string_value(json_object_get(c, "country")), cc))
			return c;
	fail_msg("no %s in the report", cc);
	return NULL;
}

static void test_json_export(void **state)
{
	struct fixture *f = *state;
	json_t *j = report_json(f->report, VOCAB_AR), *jo, *lb, *recs;
	assert_int_equal(json_array_size(json_object_get(j, "countries")), 3);
	assert_string_equal(json_string_value(json_object_get(j, "title")), "تقرير الاتجار بالبشر لعام 2011: الاستجابة الوطنية");
	jo = country(j, "JO");
	assert_string_equal(json_string_value(json_object_get(jo, "name")), "الأردن");
	assert_string_equal(json_string_value(json_object_get(json_object_get(jo, "placement"), "tier")), "3");
	assert_string_equal(json_string_value(json_object_get(json_object_get(jo, "placement"), "tier_label")), "الفئة 3");
	assert_true(json_is_true(
		json_object_get(json_object_get(jo, "placement"), "downgraded_after_two_watch_list_years")));
	recs = json_object_get(jo, "recommendations");
	assert_int_equal(json_array_size(recs), 3);
	assert_int_equal(json_array_size(json_object_get(json_array_get(recs, 0), "programmes")), 0);
	assert_string_equal(json_string_value(json_array_get(json_object_get(json_array_get(recs, 1), "programmes"), 0)),
			    "jo-shelters");
	assert_int_equal(json_integer_value(json_object_get(json_object_get(jo, "figures"), "not_counted")), 4);
	lb = country(j, "LB");
	assert_true(json_is_true(json_object_get(json_object_get(lb, "placement"), "watch_list_waiver_applied")));
	json_decref(j);
}

static int contains(const struct strbuf *sb, const char *s)
{
	return strstr(strbuf_str(sb), s) != NULL;
}

static void test_html_languages(void **state)
{
	struct fixture *f = *state;
	struct strbuf ar = STRBUF_INIT, en = STRBUF_INIT;
	report_html(f->report, VOCAB_AR, &ar);
	report_html(f->report, VOCAB_EN, &en);
	assert_true(contains(&ar, "<html lang=\"ar\" dir=\"rtl\">"));
	assert_true(contains(&en, "<html lang=\"en\" dir=\"ltr\">"));
	/* the Watch List placement says which criterion applied, in both languages */
	assert_true(contains(&ar, "<h2 id=\"country-LB\">لبنان: قائمة المراقبة للفئة 2</h2>"));
	assert_true(contains(&ar, "انطبق المعيار (ب) من معايير قائمة المراقبة"));
	assert_true(contains(&en, "Watch List criterion (b) applied: the government failed to provide evidence of "
				  "increasing efforts"));
	assert_true(contains(&en, "The Watch List waiver was applied"));
	/* Tier 3 after two Watch List years, with its sanctions and the waived one */
	assert_true(contains(&en, "Jordan was on the Tier 2 Watch List for two consecutive years"));
	assert_true(contains(&en, "Sanctions waived: opposition to assistance from international financial "
				  "institutions"));
	/* concrete actions only */
	assert_true(contains(&en, "Task force: Investigation; Inter-ministerial task force on labour trafficking"));
	assert_true(contains(&ar, "لجنة عمل: تحقيق"));
	/* recommendations with and without a programme */
	assert_true(contains(&en, "JO-2011-2: Stop holding trafficking victims in immigration detention or other "
				  "detention facilities. — Answered by: Shelter and screening (jo-shelters)."));
	assert_true(contains(&ar, "تستجيب لها: الإيواء والفرز (jo-shelters)"));
	assert_true(contains(&en, "JO-2011-1: Adopt formal procedures that guide law-enforcement officers and other "
				  "first responders in proactively identifying victims among vulnerable groups. — No "
				  "programme answers this recommendation."));
	/* the analyst's text is escaped */
	assert_true(contains(&en, "victim-centred trials &lt;fast-track&gt;."));
	assert_false(contains(&en, "<fast-track>"));
	/* English prose shown in the Arabic report is marked as such */
	assert_true(contains(&ar, "(بالإنجليزية) Steady increase in prosecutions and victim care."));
	strbuf_release(&ar);
	strbuf_release(&en);
}

static void test_pdf_written(void **state)
{
	struct fixture *f = *state;
	struct sanad_error err = { 0 };
	char *path = test_temp_path(".pdf");
	char head[8] = { 0 };
	FILE *fp;
	assert_int_equal(report_pdf(f->report, VOCAB_AR, path, &err), 0);
	fp = fopen(path, "rb");
	assert_non_null(fp);
	assert_int_equal(fread(head, 1, 5, fp), 5);
	fclose(fp);
	assert_string_equal(head, "%PDF-");
	remove(path);
	free(path);
	/* an unwritable place: an error, and no file */
	assert_int_equal(report_pdf(f->report, VOCAB_EN, "/nonexistent-dir/report.pdf", &err), SANAD_EIO);
	assert_int_equal(access("/nonexistent-dir/report.pdf", F_OK), -1);
}

static void test_nothing_to_report(void **state)
{
	struct fixture *f = *state;
	struct sanad_error err = { 0 };
	struct report *r;
	struct report_options none = { 2012, NULL }, one = { 2011, "KP" }, jo = { 2010, "JO" };
	assert_int_equal(report_build(f->st, &none, &r, &err), SANAD_ENOTFOUND);
	assert_non_null(strstr(err.message, "no country has a finding recorded for 2012"));
	assert_int_equal(report_build(f->st, &one, &r, &err), SANAD_ENOTFOUND);
	assert_non_null(strstr(err.message, "no finding is recorded for KP 2011"));
	assert_int_equal(report_build(f->st, &jo, &r, &err), 0);
	{
		json_t *j = report_json(r, VOCAB_EN);
		assert_int_equal(json_array_size(json_object_get(j, "countries")), 1);
		assert_string_equal(json_string_value(json_object_get(json_object_get(country(j, "JO"), "placement"), "tier")),
				    "2WL");
		json_decref(j);
	}
	report_free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_json_export, setup, teardown),
		cmocka_unit_test_setup_teardown(test_html_languages, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pdf_written, setup, teardown),
		cmocka_unit_test_setup_teardown(test_nothing_to_report, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
