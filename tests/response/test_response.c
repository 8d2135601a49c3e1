/* tests/response: the records of the national response — exact figures and
 * guideline checks, concrete actions versus plans, the assess input built
 * from stored records, import validation and atomicity, the case-register
 * counts, the tier-history import, the programme register and the strings
 * file. */
#include "test_support.h"

#include <jansson.h>

#include "response/response.h"

static json_t *parse(const char *text)
{
	json_error_t jerr;
	json_t *v = json_loads(text, JSON_REJECT_DUPLICATES, &jerr);
	if (!v)
		fail_msg("test JSON: line %d: %s", jerr.line, jerr.text);
	return v;
}

static void import_ok(struct storage *st, const char *text)
{
	struct sanad_error err = { 0 };
	struct response_import_summary s;
	json_t *doc = parse(text);
	if (response_import(st, doc, &s, &err))
		fail_msg("import: %s", err.message);
	json_decref(doc);
}

/* Import must fail with a message containing want. */
static void import_refused(struct storage *st, const char *text, const char *want)
{
	struct sanad_error err = { 0 };
	struct response_import_summary s;
	json_t *doc = parse(text);
	assert_int_equal(response_import(st, doc, &s, &err), SANAD_EINVAL);
	json_decref(doc);
	if (!strstr(err.message, want))
		fail_msg("expected '%s' in: %s", want, err.message);
}

/* Figures and checks of country-year from what is stored. */
static void compute(struct storage *st, const char *cc, int year, struct response_figures *cur,
		    struct response_figures *prev, struct response_check *checks)
{
	struct response_rows rows;
	struct sanad_error err = { 0 };
	if (storage_response_load(st, cc, ASSESS_YEAR_MIN, year, &rows, &err) ||
	    response_figures_compute(st, &rows, cc, year, cur, &err) ||
	    response_figures_compute(st, &rows, cc, year - 1, prev, &err))
		fail_msg("%s", err.message);
	response_rows_release(&rows);
	response_checks_compute(cur, prev, checks);
}

static void release(struct response_figures *cur, struct response_figures *prev, struct response_check *checks)
{
	for (int i = 0; i < RESPONSE_CHECK_COUNT; i++)
		response_check_release(&checks[i]);
	response_figures_release(cur);
	response_figures_release(prev);
}

#define SRC "\"source\": \"government\", \"source_date\": \"2011-02-01\""

/* 2011 against 2010, every number chosen so that a wrong rule shows. */
static const char exact_doc[] =
	"[{\"country\": \"JO\", \"year\": 2009,"
	"  \"penalties\": [{\"law\": \"Law A\", \"min_years\": 5, " SRC "}]},"
	" {\"country\": \"JO\", \"year\": 2010,"
	"  \"justice\": [{\"stage\": \"investigation\", \"count\": 10, " SRC "},"
	"               {\"stage\": \"prosecution\", \"count\": 6, " SRC "},"
	"               {\"stage\": \"conviction\", \"count\": 4, \"sentence_months\": 24, \"suspended\": false, " SRC "}],"
	"  \"facts\": [{\"kind\": \"victims_identified\", \"value\": 50, " SRC "},"
	"             {\"kind\": \"victims_assisted\", \"value\": 20, " SRC "}]},"
	" {\"country\": \"JO\", \"year\": 2011,"
	"  \"justice\": [{\"stage\": \"investigation\", \"count\": 7, " SRC "},"
	"               {\"stage\": \"investigation\", \"count\": 3, \"official_involved\": true, " SRC "},"
	"               {\"stage\": \"investigation\", \"count\": 100, \"action\": \"task_force\", " SRC "},"
	"               {\"stage\": \"prosecution\", \"count\": 5, " SRC "},"
	"               {\"stage\": \"conviction\", \"count\": 2, \"sentence_months\": 36, \"suspended\": false, " SRC "},"
	"               {\"stage\": \"conviction\", \"count\": 1, \"sentence_months\": 12, \"suspended\": true,"
	"                \"official_involved\": true, " SRC "},"
	"               {\"stage\": \"conviction\", \"count\": 1, \"sentence_months\": 8, \"suspended\": false, " SRC "},"
	"               {\"stage\": \"conviction\", \"count\": 1, " SRC "}],"
	"  \"penalties\": [{\"law\": \"Law B\", \"min_years\": 3, \"exploitation\": \"SexualExploitation\", " SRC "},"
	"                 {\"law\": \"Law C\", \"min_years\": 6, " SRC "},"
	"                 {\"law\": \"Draft D\", \"min_years\": 10, \"action\": \"draft_law\", " SRC "}],"
	"  \"facts\": [{\"kind\": \"victims_identified\", \"value\": 30, " SRC "},"
	"             {\"kind\": \"victims_identified\", \"value\": 12, \"source\": \"ngo\", \"source_date\": \"2011-03-01\"},"
	"             {\"kind\": \"victims_assisted\", \"value\": 500, \"action\": \"plan\", " SRC "}]}]";

static void test_figures_exact(void **state)
{
	struct test_db *f = *state;
	struct response_figures cur, prev;
	struct response_check c[RESPONSE_CHECK_COUNT];

	import_ok(f->st, exact_doc);
	compute(f->st, "JO", 2011, &cur, &prev, c);
	assert_int_equal(cur.figure[RESPONSE_INVESTIGATIONS], 10); /* 7 + 3; the task force's 100 do not count */
	assert_int_equal(cur.figure[RESPONSE_PROSECUTIONS], 5);
	assert_int_equal(cur.figure[RESPONSE_CONVICTIONS], 5);
	assert_int_equal(cur.figure[RESPONSE_COMPLICITY_CASES], 3); /* the largest stage count, not 3 + 1 */
	assert_int_equal(cur.figure[RESPONSE_VICTIMS_IDENTIFIED], 42); /* 30 + 12 */
	assert_int_equal(cur.figure[RESPONSE_VICTIMS_ASSISTED], ASSESS_UNKNOWN); /* only a plan */
	assert_int_equal(cur.sentences_known, 4);
	assert_int_equal(cur.sentences_one_year_or_more, 2); /* 12 months suspended and 8 months do not count */
	assert_int_equal(cur.suspended_known, 4);
	assert_int_equal(cur.suspended_sentences, 1);
	assert_int_equal(cur.not_counted, 3); /* task force, draft law, plan */
	/* in force in 2011: the least of that year's enacted penalties */
	assert_true(cur.prescribed_penalty_years == 3.0);
	assert_string_equal(cur.penalty_law, "Law B");
	assert_int_equal(cur.penalty_year, 2011);
	/* in force in 2010: nothing recorded that year, so 2009's */
	assert_true(prev.prescribed_penalty_years == 5.0);
	assert_int_equal(prev.penalty_year, 2009);

	assert_int_equal(c[CHECK_PRESCRIBED_PENALTY].status, RESPONSE_UNMET);
	assert_string_equal(c[CHECK_PRESCRIBED_PENALTY].detail[VOCAB_EN],
			    "The least prison term the law prescribes is 3 years (Law B; recorded for 2011), below the "
			    "guideline of at least four years.");
	assert_string_equal(c[CHECK_PRESCRIBED_PENALTY].detail[VOCAB_AR],
			    "ينص القانون (Law B؛ المسجَّل لعام 2011) على عقوبة سجن حدها الأدنى 3 (بالسنوات)، وهو ما "
			    "يقل عن المبدأ التوجيهي القاضي بأربع سنوات على الأقل.");
	assert_int_equal(c[CHECK_IMPOSED_SENTENCES].status, RESPONSE_UNMET);
	assert_string_equal(c[CHECK_IMPOSED_SENTENCES].detail[VOCAB_EN],
			    "Of 5 convictions, 2 carried imprisonment of one year or more (not suspended): not the "
			    "majority the guideline asks (sentence known for 4).");
	assert_int_equal(c[CHECK_SUSPENDED_SENTENCES].status, RESPONSE_UNMET);
	assert_string_equal(c[CHECK_SUSPENDED_SENTENCES].detail[VOCAB_EN],
			    "1 of 5 convictions (20%) ended in a suspended sentence, which the guidelines discourage.");
	/* investigations flat (10 = 10), prosecutions fell, convictions rose 4 -> 5 */
	assert_int_equal(c[CHECK_INCREASING_EFFORTS].status, RESPONSE_MET);
	release(&cur, &prev, c);

	/* 2010: 4 of 4 convictions a year or more; 2009 has a penalty only */
	compute(f->st, "JO", 2010, &cur, &prev, c);
	assert_int_equal(c[CHECK_IMPOSED_SENTENCES].status, RESPONSE_MET);
	assert_int_equal(c[CHECK_SUSPENDED_SENTENCES].status, RESPONSE_MET);
	assert_int_equal(c[CHECK_PRESCRIBED_PENALTY].status, RESPONSE_MET);
	/* 2009 holds only a penalty: figures not comparable, so no evidence */
	assert_int_equal(c[CHECK_INCREASING_EFFORTS].status, RESPONSE_UNMET);
	release(&cur, &prev, c);

	/* 2008: nothing recorded at all */
	compute(f->st, "JO", 2009, &cur, &prev, c);
	assert_int_equal(c[CHECK_INCREASING_EFFORTS].status, RESPONSE_NOT_KNOWN);
	assert_int_equal(c[CHECK_IMPOSED_SENTENCES].status, RESPONSE_NOT_KNOWN);
	release(&cur, &prev, c);
}

/* Exactly half is not a majority. */
static void test_half_is_not_majority(void **state)
{
	struct test_db *f = *state;
	struct response_figures cur, prev;
	struct response_check c[RESPONSE_CHECK_COUNT];
	import_ok(f->st, "[{\"country\": \"LB\", \"year\": 2012, \"justice\": ["
			 "{\"stage\": \"conviction\", \"count\": 2, \"sentence_months\": 12, " SRC "},"
			 "{\"stage\": \"conviction\", \"count\": 2, \"sentence_months\": 11, " SRC "}]}]");
	compute(f->st, "LB", 2012, &cur, &prev, c);
	assert_int_equal(cur.sentences_one_year_or_more, 2);
	assert_int_equal(c[CHECK_IMPOSED_SENTENCES].status, RESPONSE_UNMET);
	assert_int_equal(c[CHECK_SUSPENDED_SENTENCES].status, RESPONSE_NOT_KNOWN);
	release(&cur, &prev, c);
}

/* Plans, conferences, task forces and draft laws are kept but never count. */
static void test_concrete_only(void **state)
{
	struct test_db *f = *state;
	struct response_figures cur, prev;
	struct response_check c[RESPONSE_CHECK_COUNT];
	import_ok(f->st,
		  "[{\"country\": \"QA\", \"year\": 2012,"
		  "  \"facts\": [{\"kind\": \"proactive_identification\", \"action\": \"plan\","
		  "               \"text\": \"Procedures to be drafted\", " SRC "},"
		  "             {\"kind\": \"shelter_care_funded\", \"value\": true, " SRC "},"
		  "             {\"kind\": \"shelter_care_funded\", \"value\": false, \"action\": \"conference\", " SRC "},"
		  "             {\"kind\": \"national_action_plan\", \"value\": true, \"action\": \"plan\", " SRC "},"
		  "             {\"kind\": \"immigration_detention\", \"value\": 0, " SRC "},"
		  "             {\"kind\": \"legal_aid\", \"value\": false, " SRC "}],"
		  "  \"penalties\": [{\"law\": \"Bill 7\", \"min_years\": 8, \"action\": \"draft_law\", " SRC "}]}]");
	compute(f->st, "QA", 2012, &cur, &prev, c);
	assert_int_equal(cur.not_counted, 4);
	assert_int_equal(c[CHECK_PROACTIVE_IDENTIFICATION].status, RESPONSE_UNMET);
	assert_string_equal(c[CHECK_PROACTIVE_IDENTIFICATION].detail[VOCAB_EN],
			    "Proactive identification procedures for first responders: only a plan, conference, task "
			    "force or draft law is recorded, which does not count as an effort.");
	assert_int_equal(c[CHECK_SHELTER_CARE].status, RESPONSE_MET);
	assert_int_equal(c[CHECK_NATIONAL_ACTION_PLAN].status, RESPONSE_UNMET); /* adopted is not implemented */
	assert_int_equal(c[CHECK_NO_IMMIGRATION_DETENTION].status, RESPONSE_MET);
	assert_int_equal(c[CHECK_LEGAL_AID].status, RESPONSE_UNMET);
	assert_int_equal(c[CHECK_DEMAND_REDUCTION].status, RESPONSE_NOT_KNOWN);
	/* the draft law is no prescribed penalty */
	assert_true(cur.prescribed_penalty_years < 0);
	assert_int_equal(c[CHECK_PRESCRIBED_PENALTY].status, RESPONSE_NOT_KNOWN);
	release(&cur, &prev, c);
}

static char *fixture_path(void)
{
	const char *dir = getenv("TESTS_DIR");
	char *p = malloc(4096);
	snprintf(p, 4096, "%s/response/fixtures/records-2009-2011.json", dir && *dir ? dir : "tests");
	return p;
}

static void import_fixture(struct storage *st)
{
	struct sanad_error err = { 0 };
	struct response_import_summary s;
	json_error_t jerr;
	char *path = fixture_path();
	json_t *doc = json_load_file(path, JSON_REJECT_DUPLICATES, &jerr);
	if (!doc)
		fail_msg("%s: %s", path, jerr.text);
	free(path);
	if (response_import(st, doc, &s, &err))
		fail_msg("%s", err.message);
	json_decref(doc);
	assert_int_equal(s.country_years, 9);
	assert_int_equal(s.findings, 9);
	assert_int_equal(s.recommendations_added, 5);
	assert_int_equal(s.settings, 1);
}

static int has_reason(const struct assess_result *r, const char *text)
{
	for (int i = 0; i < r->nreasons; i++)
		if (strstr(r->reasons[i], text))
			return 1;
	return 0;
}

/* The assess input built from stored records, and what the engine makes of it. */
static void test_assess_from_records(void **state)
{
	struct test_db *f = *state;
	struct response_assessment a;
	struct sanad_error err = { 0 };
	json_t *records, *jo;
	char *text;
	int i;

	import_fixture(f->st);
	if (response_assess(f->st, NULL, 2011, &a, &err))
		fail_msg("%s", err.message);
	assert_int_equal(a.nrecords, 9);
	/* the input holds every year up to 2011, as `sanad assess --input` reads it */
	records = json_object_get(a.input, "records");
	assert_int_equal(json_array_size(records), 9);
	jo = json_array_get(records, 5); /* AE x3, then JO 2009, 2010, 2011 */
	assert_string_equal(json_string_value(json_object_get(jo, "country")), "JO");
	assert_int_equal(json_integer_value(json_object_get(jo, "year")), 2011);
	json_object_del(jo, "justification");
	text = json_dumps(jo, JSON_SORT_KEYS | JSON_COMPACT);
	assert_string_equal(text,
			    "{\"compliant_before_sanctions\":false,\"complicity_cases\":2,\"convictions\":3,"
			    "\"country\":\"JO\",\"efforts_rest_on_commitments\":false,\"finding\":\"significant_efforts\","
			    "\"investigations\":14,\"prescribed_penalty_years\":5.0,\"prosecutions\":8,"
			    "\"sentences_one_year_or_more\":2,\"suspended_sentences\":1,\"victims\":300,"
			    "\"victims_assisted\":110,\"waivers\":[\"sanctions:international_financial_institution_loans\"],"
			    "\"year\":2011}");
	free(text);
	assert_true(json_is_real(json_object_get(json_object_get(a.input, "settings"), "victims_increase_ratio")));

	i = response_assessment_find(&a, "JO", 2011);
	assert_true(i >= 0);
	assert_int_equal(a.results[i].tier, ASSESS_TIER_3);
	assert_true(a.results[i].downgraded_after_two_watch_list_years);
	assert_int_equal(a.results[i].watch_list_criteria, ASSESS_CRITERION_B);
	assert_int_equal(a.results[i].sanctions,
			 (1u << ASSESS_SANCTION_ASSISTANCE) | (1u << ASSESS_SANCTION_EXCHANGES));
	assert_true(has_reason(&a.results[i], "Not counted as efforts: 4 records of JO 2011 (plans, conferences, "
					       "task forces or draft laws)"));
	i = response_assessment_find(&a, "JO", 2009);
	assert_int_equal(a.results[i].tier, ASSESS_TIER_2WL);
	assert_int_equal(a.results[i].watch_list_criteria, ASSESS_CRITERION_C);
	i = response_assessment_find(&a, "JO", 2010);
	/* 400 victims after 250 is 1.6 times: criterion (a) with the stored ratio 1.5 */
	assert_int_equal(a.results[i].watch_list_criteria, ASSESS_CRITERION_A | ASSESS_CRITERION_B);
	i = response_assessment_find(&a, "LB", 2011);
	assert_int_equal(a.results[i].tier, ASSESS_TIER_2WL);
	assert_int_equal(a.results[i].waiver_years, 1);
	i = response_assessment_find(&a, "AE", 2009);
	assert_int_equal(a.results[i].tier, ASSESS_TIER_2);
	assert_true(has_reason(&a.results[i], "Criterion (b) cannot apply"));
	i = response_assessment_find(&a, "AE", 2011);
	assert_int_equal(a.results[i].tier, ASSESS_TIER_1);

	/* stored placements become tier history */
	if (response_assessment_store(f->st, &a, 2011, &err))
		fail_msg("%s", err.message);
	response_assessment_release(&a);
	{
		struct tier_entry *list;
		size_t n;
		if (storage_tier_list(f->st, "JO", &list, &n, &err))
			fail_msg("%s", err.message);
		assert_int_equal(n, 1);
		assert_int_equal(list[0].year, 2011);
		assert_string_equal(list[0].tier, "3");
		assert_string_equal(list[0].criteria, "b");
		assert_string_equal(list[0].source, "assessment");
		tier_entries_free(list, n);
	}
	/* one country only */
	if (response_assess(f->st, "LB", 2010, &a, &err))
		fail_msg("%s", err.message);
	assert_int_equal(a.nrecords, 2);
	response_assessment_release(&a);
}

static int stored_records(struct storage *st)
{
	struct response_rows rows;
	struct sanad_error err = { 0 };
	int n;
	if (storage_response_load(st, NULL, ASSESS_YEAR_MIN, ASSESS_YEAR_MAX, &rows, &err))
		fail_msg("%s", err.message);
	n = (int)(rows.nfindings + rows.njustice + rows.npenalties + rows.nfacts + rows.nrecommendations);
	response_rows_release(&rows);
	return n;
}

static void test_import_refuses(void **state)
{
	struct test_db *f = *state;
	import_refused(f->st, "[{\"country\": \"JO\", \"year\": 2011, \"prosecutons\": []}]",
		       "record 1 (JO 2011): unknown field 'prosecutons'");
	import_refused(f->st, "[{\"country\": \"JOR\", \"year\": 2011}]", "write the ISO 3166 alpha-2 code \"JO\"");
	import_refused(f->st, "[{\"country\": \"JO\", \"year\": 1999}]", "must be a report year from 2001 to 2100");
	import_refused(f->st, "[{\"country\": \"JO\", \"year\": 2011, \"justice\": [{\"stage\": \"arrest\", " SRC "}]}]",
		       "record 1 (JO 2011), justice item 1: field 'stage': unknown value 'arrest' (see 'sanad vocab "
		       "justice_stage')");
	import_refused(f->st,
		       "[{\"country\": \"JO\", \"year\": 2011, \"justice\": [{\"stage\": \"investigation\", "
		       "\"source\": \"government\"}]}]",
		       "field 'source_date': is required");
	import_refused(f->st,
		       "[{\"country\": \"JO\", \"year\": 2011, \"justice\": [{\"stage\": \"investigation\", "
		       "\"sentence_months\": 12, " SRC "}]}]",
		       "sentences belong to convictions");
	import_refused(f->st,
		       "[{\"country\": \"JO\", \"year\": 2011}, {\"country\": \"LB\", \"year\": 2011},"
		       " {\"country\": \"JO\", \"year\": 2011}]",
		       "JO 2011 appears twice (records 1 and 3)");
	import_refused(f->st,
		       "[{\"country\": \"JO\", \"year\": 2011, \"facts\": [{\"kind\": \"legal_aid\", \"value\": 3, " SRC
		       "}]}]",
		       "fact 1: field 'value': a legal_aid fact takes true or false");
	import_refused(f->st,
		       "[{\"country\": \"JO\", \"year\": 2011, \"facts\": [{\"kind\": \"legal_aid\", " SRC "}]}]",
		       "is required for a concrete action");
	import_refused(f->st,
		       "[{\"country\": \"JO\", \"year\": 2011, \"recommendations\": [{\"text\": \"Only English\"}]}]",
		       "recommendation 1: field 'text_ar': is required");
	import_refused(f->st,
		       "[{\"country\": \"JO\", \"year\": 2011, \"recommendations\": [{\"ref\": \"LB-2011-1\", "
		       "\"check\": \"legal_aid\"}]}]",
		       "'LB-2011-1' does not belong to JO 2011");
	import_refused(f->st, "[{\"country\": \"JO\", \"year\": 2011, \"finding\": {\"finding\": \"great\"}}]",
		       "unknown finding 'great'");
	import_refused(f->st,
		       "[{\"country\": \"JO\", \"year\": 2011, \"finding\": {\"finding\": \"full\", "
		       "\"waivers\": [\"watch_list\", \"watch_list\"]}}]",
		       "'watch_list' is listed twice");
	import_refused(f->st, "{\"settings\": {\"victims_increase_ratio\": 0.5}, \"records\": []}", "settings: ");
	/* all or nothing: a good first record is not written when the second is bad */
	import_refused(f->st,
		       "[{\"country\": \"JO\", \"year\": 2010, \"finding\": {\"finding\": \"full\"}},"
		       " {\"country\": \"JO\", \"year\": 2011, \"penalties\": [{\"law\": \"X\", " SRC "}]}]",
		       "record 2 (JO 2011), penalty 1: field 'min_years': is required");
	assert_int_equal(stored_records(f->st), 0);
}

/* Importing a country-year again replaces it; recommendations are kept. */
static void test_import_replaces(void **state)
{
	struct test_db *f = *state;
	struct sanad_error err = { 0 };
	struct response_import_summary s;
	json_t *doc;
	const char *text = "[{\"country\": \"JO\", \"year\": 2011, \"finding\": {\"finding\": \"full\"},"
			   " \"justice\": [{\"stage\": \"investigation\", \"count\": 4, " SRC "}],"
			   " \"recommendations\": [{\"check\": \"legal_aid\"}, {\"text\": \"T\", \"text_ar\": \"ت\"}]}]";
	import_ok(f->st, text);
	doc = parse(text);
	if (response_import(f->st, doc, &s, &err))
		fail_msg("%s", err.message);
	json_decref(doc);
	assert_int_equal(s.recommendations_added, 0);
	assert_int_equal(s.recommendations_kept, 2);
	assert_int_equal(stored_records(f->st), 4); /* finding, one justice record, two recommendations */
	/* a number updates that recommendation */
	import_ok(f->st, "[{\"country\": \"JO\", \"year\": 2011, \"recommendations\": [{\"number\": 2, \"text\": \"U\", "
			 "\"text_ar\": \"ع\", \"pillar\": \"protection\"}]}]");
	{
		struct response_rows rows;
		if (storage_response_load(f->st, "JO", 2011, 2011, &rows, &err))
			fail_msg("%s", err.message);
		assert_int_equal(rows.nfindings, 0); /* the record in the file had none: replaced */
		assert_int_equal(rows.njustice, 0);
		assert_int_equal(rows.nrecommendations, 2);
		assert_string_equal(rows.recommendations[0].check_code, "legal_aid");
		assert_string_equal(rows.recommendations[0].text_ar,
				    "توفير المساعدة القانونية وغيرها من المساعدات للضحايا، وحماية خصوصيتهم وسرية "
				    "بياناتهم أثناء الإجراءات.");
		assert_string_equal(rows.recommendations[1].text, "U");
		assert_string_equal(rows.recommendations[1].pillar, "protection");
		response_rows_release(&rows);
	}
}

static void test_export_roundtrip(void **state)
{
	struct test_db *f = *state;
	struct sanad_error err = { 0 };
	json_t *a, *b;
	char *ta, *tb;
	char *path2 = test_temp_path(".db");
	struct storage *st2;
	struct response_import_summary s;

	import_fixture(f->st);
	if (response_export(f->st, NULL, ASSESS_YEAR_MIN, ASSESS_YEAR_MAX, &a, &err))
		fail_msg("%s", err.message);
	assert_int_equal(json_array_size(json_object_get(a, "records")), 9);
	if (storage_open(&st2, path2, STORAGE_CREATE, &err) || response_import(st2, a, &s, &err) ||
	    response_export(st2, NULL, ASSESS_YEAR_MIN, ASSESS_YEAR_MAX, &b, &err))
		fail_msg("%s", err.message);
	ta = json_dumps(a, JSON_INDENT(1));
	tb = json_dumps(b, JSON_INDENT(1));
	assert_string_equal(ta, tb);
	free(ta);
	free(tb);
	json_decref(a);
	json_decref(b);
	storage_close(st2);
	test_remove_db(path2);
	free(path2);
}

/* ---- the case register ---- */

static void add_case(struct storage *st, const char *org, const char *const *kv, const char *service_start,
		     const char *service_end)
{
	struct case_record c;
	struct sanad_error err = { 0 };
	case_record_init(&c);
	if (case_set(&c, "snd_Organisation", org, &err))
		fail_msg("%s", err.message);
	for (int i = 0; kv[i]; i += 2)
		if (case_set(&c, kv[i], kv[i + 1], &err))
			fail_msg("%s", err.message);
	if (service_start) {
		struct record *r = case_record_add_item(&c, GROUP_SERVICE);
		if (record_set(r, GROUP_SERVICE, domain_field_index(GROUP_SERVICE, "snd_ServiceType"), "Shelter", &err) ||
		    record_set(r, GROUP_SERVICE, domain_field_index(GROUP_SERVICE, "snd_ServiceStart"), service_start,
			       &err) ||
		    (service_end && record_set(r, GROUP_SERVICE, domain_field_index(GROUP_SERVICE, "snd_ServiceEnd"),
					       service_end, &err)))
			fail_msg("%s", err.message);
	}
	case_record_derive(&c);
	if (case_record_validate(&c, &err) || storage_case_insert(st, &c, &err))
		fail_msg("%s", err.message);
	case_record_release(&c);
}

#define CASE(org, start, end, ...) add_case(f->st, org, (const char *const[]){ __VA_ARGS__, NULL }, start, end)

static void test_register_counts(void **state)
{
	struct test_db *f = *state;
	struct sanad_error err = { 0 };
	struct organisation pooled = { 0 }, apart = { 0 };
	struct response_figures cur, prev;
	struct response_check c[RESPONSE_CHECK_COUNT];
	int64_t identified, assisted;

	pooled.code = "shelter";
	pooled.name = "Shelter";
	pooled.country = "JO";
	pooled.in_pool = 1;
	apart.code = "police";
	apart.name = "Police";
	apart.country = "JO";
	if (storage_org_add(f->st, &pooled, &err) || storage_org_add(f->st, &apart, &err))
		fail_msg("%s", err.message);
	/* report year 2011: 2010-04-01 .. 2011-03-31 */
	CASE("shelter", "2010-05-01", "2010-06-01", "snd_IdentificationDate", "2010-04-01"); /* both */
	CASE("shelter", NULL, NULL, "snd_IdentificationDate", "2011-03-31");                  /* identified */
	CASE("shelter", NULL, NULL, "snd_IdentificationDate", "2011-04-01");                  /* next year */
	CASE("shelter", NULL, NULL, "snd_RegistrationDate", "2010-12-01");                    /* identified */
	CASE("shelter", "2010-06-01", NULL, "snd_IdentificationDate", "2010-06-01", "vic_TraffickingStatus",
	     "NotAVictimOfTrafficking");
	CASE("shelter", NULL, NULL, "snd_IdentificationDate", "2010-06-01", "snd_CountryOfIdentification", "LB");
	CASE("shelter", "2009-06-01", NULL, "snd_IdentificationDate", "2009-05-01"); /* assisted, still open */
	CASE("shelter", "2009-06-01", "2010-03-31", "snd_IdentificationDate", "2009-05-02"); /* ended before */
	CASE("police", "2010-06-01", NULL, "snd_IdentificationDate", "2010-06-01");          /* not pooled */
	if (storage_register_victims(f->st, "JO", "2010-04-01", "2011-03-31", &identified, &assisted, &err))
		fail_msg("%s", err.message);
	assert_int_equal(identified, 3);
	assert_int_equal(assisted, 2);

	/* a finding that says so takes the figures from the register, not the facts */
	import_ok(f->st, "[{\"country\": \"JO\", \"year\": 2011, \"finding\": {\"finding\": \"significant_efforts\","
			 " \"victims_from_register\": true}, \"facts\": [{\"kind\": \"victims_identified\","
			 " \"value\": 999, " SRC "}]}]");
	compute(f->st, "JO", 2011, &cur, &prev, c);
	assert_true(cur.victims_from_register);
	assert_int_equal(cur.figure[RESPONSE_VICTIMS_IDENTIFIED], 3);
	assert_int_equal(cur.figure[RESPONSE_VICTIMS_ASSISTED], 2);
	release(&cur, &prev, c);
}

/* ---- tier history ---- */

static void write_text(const char *path, const char *text)
{
	FILE *fp = fopen(path, "w");
	assert_non_null(fp);
	fputs(text, fp);
	fclose(fp);
}

static void test_import_tiers(void **state)
{
	struct test_db *f = *state;
	struct sanad_error err = { 0 };
	struct response_tier_import s;
	struct tier_entry *list;
	size_t n;
	char *csv = test_temp_path(".csv");

	write_text(csv, "\"countryname\",\"iso\",\"year\",\"ccode\",\"tier\"\n"
			"\"Jordan\",\"JOR\",2009,663,\"Watchlist    \"\n"
			"\"Jordan\",\"JOR\",2010,663,\"Tier 2    \"\n"
			"\"Korea, Democratic People's Republic of\",\"PRK\",2010,731,\"Tier 3\"\n"
			"\"Kosovo\",\"KOS\",2011,347,\"Tier 2    \"\n"
			"\"Afghanistan\",\"AFG\",2000,700,NA\n"
			"\"Sweden\",\"SWE\",2001,380,NA\n"
			"\"Sweden\",\"SWE\",2002,380,\"Tier 1    \"\n");
	if (response_import_tiers(f->st, csv, &s, &err))
		fail_msg("%s", err.message);
	assert_int_equal(s.rows, 7);
	assert_int_equal(s.stored, 5);
	assert_int_equal(s.not_ranked, 1);
	assert_int_equal(s.skipped, 1);
	if (storage_tier_list(f->st, NULL, &list, &n, &err))
		fail_msg("%s", err.message);
	assert_int_equal(n, 5);
	assert_string_equal(list[0].country, "JO");
	assert_string_equal(list[0].tier, "2WL");
	assert_string_equal(list[0].source, "tip_report");
	assert_string_equal(list[2].country, "KP");
	assert_string_equal(list[2].tier, "3");
	assert_string_equal(list[3].country, "SE");
	assert_string_equal(list[3].tier, "1");
	assert_string_equal(list[4].country, "XK");
	tier_entries_free(list, n);

	/* a bad line refuses the whole file */
	write_text(csv, "iso,year,tier\nJOR,2012,Tier 2\nJOR,2013,Tier 4\n");
	assert_int_equal(response_import_tiers(f->st, csv, &s, &err), SANAD_EINVAL);
	assert_non_null(strstr(err.message, "line 3: unknown tier 'Tier 4'"));
	write_text(csv, "iso,year,tier\nXXX,2012,Tier 2\n");
	assert_int_equal(response_import_tiers(f->st, csv, &s, &err), SANAD_EINVAL);
	assert_non_null(strstr(err.message, "line 2: unknown country code 'XXX'"));
	if (storage_tier_list(f->st, "JO", &list, &n, &err))
		fail_msg("%s", err.message);
	assert_int_equal(n, 2);
	tier_entries_free(list, n);
	remove(csv);
	free(csv);
}

/* The real 2001-2015 history: every ranked country-year is stored. */
static void test_import_real_tiers(void **state)
{
	struct test_db *f = *state;
	struct sanad_error err = { 0 };
	struct response_tier_import s;
	struct tier_entry *list;
	size_t n;
	const char *dir = getenv("REFERENCE_DIR");
	char path[4096];
	snprintf(path, sizeof(path), "%s/tip-tiers/tip-tiers-2001-2015.csv",
		 dir && *dir ? dir : "/work/shared/reference");
	if (access(path, R_OK)) {
		skip();
		return;
	}
	if (response_import_tiers(f->st, path, &s, &err))
		fail_msg("%s", err.message);
	assert_int_equal(s.rows, 3208);
	assert_int_equal(s.stored, 2251);
	assert_int_equal(s.not_ranked, 582);
	assert_int_equal(s.skipped, 375);
	if (storage_tier_list(f->st, "LB", &list, &n, &err))
		fail_msg("%s", err.message);
	for (size_t i = 0; i < n; i++)
		if (list[i].year == 2011)
			assert_string_equal(list[i].tier, "3");
		else if (list[i].year == 2010)
			assert_string_equal(list[i].tier, "2WL");
	tier_entries_free(list, n);
}

/* ---- programmes ---- */

static void test_programmes(void **state)
{
	struct test_db *f = *state;
	struct sanad_error err = { 0 };
	struct programme p = { 0 }, bad = { 0 };
	json_t *gaps;

	import_ok(f->st, "[{\"country\": \"JO\", \"year\": 2011, \"recommendations\": [{\"check\": \"legal_aid\"},"
			 " {\"check\": \"shelter_care\"}]},"
			 " {\"country\": \"LB\", \"year\": 2011, \"recommendations\": [{\"check\": \"supply_chain\"}]}]");
	p.code = xstrdup("jo-legal");
	p.name = xstrdup("Legal aid clinics");
	p.type = xstrdup("training_technical_assistance");
	p.goals = xstrdup("Prevention;protection");
	p.countries = xstrdup("LB,JO");
	p.partner_kind = xstrdup("for-profit");
	p.amount = xstrdup("1250.50");
	p.currency = xstrdup("usd");
	p.people_trained = 40;
	p.victims_assisted = -1;
	if (response_programme_add(f->st, &p, &err))
		fail_msg("%s", err.message);
	assert_string_equal(p.goals, "protection;prevention"); /* list order */
	assert_string_equal(p.countries, "JO;LB");
	assert_string_equal(p.partner_kind, "for_profit");
	assert_string_equal(p.currency, "USD");
	programme_release(&p);

	bad.code = xstrdup("x");
	bad.name = xstrdup("X");
	bad.type = xstrdup("grant");
	assert_int_equal(response_programme_add(f->st, &bad, &err), SANAD_EINVAL);
	assert_non_null(strstr(err.message, "type: unknown value 'grant'"));
	free(bad.type);
	bad.type = xstrdup("global_research");
	bad.amount = xstrdup("1,000");
	bad.currency = xstrdup("USD");
	assert_int_equal(response_programme_add(f->st, &bad, &err), SANAD_EINVAL);
	assert_non_null(strstr(err.message, "amount '1,000'"));
	programme_release(&bad);

	if (response_programme_link(f->st, "jo-legal", "JO-2011-1", &err))
		fail_msg("%s", err.message);
	assert_int_equal(response_programme_link(f->st, "jo-legal", "JO-2011-1", &err), SANAD_EEXIST);
	assert_int_equal(response_programme_link(f->st, "jo-legal", "JO-2011-7", &err), SANAD_ENOTFOUND);
	assert_int_equal(response_programme_link(f->st, "nope", "JO-2011-1", &err), SANAD_ENOTFOUND);
	assert_int_equal(response_programme_link(f->st, "jo-legal", "JO2011", &err), SANAD_EINVAL);

	if (response_recommendations_json(f->st, 2011, NULL, 1, &gaps, &err))
		fail_msg("%s", err.message);
	assert_int_equal(json_array_size(gaps), 2);
	assert_string_equal(json_string_value(json_object_get(json_array_get(gaps, 0), "ref")), "JO-2011-2");
	assert_string_equal(json_string_value(json_object_get(json_array_get(gaps, 1), "ref")), "LB-2011-1");
	json_decref(gaps);
	if (response_recommendations_json(f->st, 2011, "JO", 0, &gaps, &err))
		fail_msg("%s", err.message);
	assert_int_equal(json_array_size(gaps), 2);
	assert_string_equal(json_string_value(json_array_get(json_object_get(json_array_get(gaps, 0), "programmes"), 0)),
			    "jo-legal");
	json_decref(gaps);
}

/* A programme that names its countries answers only their recommendations. */
static void test_programme_country(void **state)
{
	struct test_db *f = *state;
	struct sanad_error err = { 0 };
	struct programme p = { 0 };
	import_ok(f->st, "[{\"country\": \"LB\", \"year\": 2011, \"recommendations\": [{\"check\": \"supply_chain\"}]}]");
	p.code = xstrdup("jo-only");
	p.name = xstrdup("Jordan only");
	p.type = xstrdup("bilateral_regional");
	p.countries = xstrdup("JO");
	p.people_trained = p.victims_assisted = -1;
	if (response_programme_add(f->st, &p, &err))
		fail_msg("%s", err.message);
	programme_release(&p);
	assert_int_equal(response_programme_link(f->st, "jo-only", "LB-2011-1", &err), SANAD_EINVAL);
	assert_non_null(strstr(err.message, "works in JO, not in LB"));
}

/* ---- texts and vocabularies agree ---- */

static void slots(const char *s, char *out, size_t n)
{
	/* the sorted, joined {slot} names of s */
	char names[16][32];
	int count = 0;
	out[0] = '\0';
	for (const char *p = strchr(s, '{'); p && count < 16; p = strchr(p + 1, '{')) {
		const char *q = strchr(p, '}');
		if (!q || q - p - 1 >= 32)
			break;
		snprintf(names[count++], 32, "%.*s", (int)(q - p - 1), p + 1);
	}
	for (int i = 1; i < count; i++)
		for (int k = i; k > 0 && strcmp(names[k - 1], names[k]) > 0; k--) {
			char t[32];
			memcpy(t, names[k], 32);
			memcpy(names[k], names[k - 1], 32);
			memcpy(names[k - 1], t, 32);
		}
	for (int i = 0; i < count; i++) {
		strncat(out, names[i], n - strlen(out) - 1);
		strncat(out, ",", n - strlen(out) - 1);
	}
}

static void test_strings_complete(void **state)
{
	struct sanad_error err = { 0 };
	const char *const *keys;
	const struct vocab_list *facts;
	int n;
	(void)state;
	if (response_strings_load(&err))
		fail_msg("%s", err.message);
	keys = response_string_keys(&n);
	assert_true(n > 100);
	for (int i = 0; i < n; i++) {
		char a[512], b[512];
		slots(response_string(keys[i], VOCAB_EN), a, sizeof(a));
		slots(response_string(keys[i], VOCAB_AR), b, sizeof(b));
		if (strcmp(a, b))
			fail_msg("%s: slots differ between English (%s) and Arabic (%s)", keys[i], a, b);
	}
	for (int i = 0; i < RESPONSE_CHECK_COUNT; i++) {
		const struct response_check_def *d = &response_check_defs()[i];
		char key[96];
		snprintf(key, sizeof(key), "check.%s.label", d->code);
		assert_non_null(response_string(key, VOCAB_AR));
		snprintf(key, sizeof(key), "rec.%s", d->code);
		assert_non_null(response_string(key, VOCAB_EN));
		assert_non_null(response_string(key, VOCAB_AR));
		assert_int_equal(response_check_find(d->code), i);
	}
	/* every response_fact value of the vocabulary is a kind this build knows */
	facts = vocab_list_find("response_fact");
	assert_non_null(facts);
	for (int i = 0; i < facts->count; i++) {
		int found = 0;
		for (int k = 0; k < RESPONSE_CHECK_COUNT; k++)
			found = found || (response_check_defs()[k].fact &&
					  !strcmp(response_check_defs()[k].fact, facts->entries[i].code));
		if (!found && strcmp(facts->entries[i].code, "victims_identified") &&
		    strcmp(facts->entries[i].code, "victims_assisted"))
			fail_msg("response_fact %s has no guideline check", facts->entries[i].code);
	}
	{
		static const char *const lists[] = { "fact_source", "action_kind", "programme_type", "programme_goal",
						     "partner_kind", "justice_stage" };
		static const int sizes[] = { 7, 5, 6, 4, 4, 3 };
		for (size_t i = 0; i < sizeof(lists) / sizeof(lists[0]); i++) {
			const struct vocab_list *l = vocab_list_find(lists[i]);
			assert_non_null(l);
			assert_int_equal(l->count, sizes[i]);
			for (int k = 0; k < l->count; k++)
				assert_string_not_equal(l->entries[k].label[VOCAB_AR], l->entries[k].label[VOCAB_EN]);
		}
	}
	/* a template with a missing key shows the key rather than nothing */
	{
		struct strbuf sb = STRBUF_INIT;
		response_format(&sb, "no.such.key", VOCAB_EN, NULL);
		assert_string_equal(strbuf_str(&sb), "[no.such.key]");
		strbuf_reset(&sb);
		response_format(&sb, "summary.answered", VOCAB_AR, (const char *const[]){ "n", "2", "total", "3", NULL });
		assert_string_equal(strbuf_str(&sb), "2 من 3");
		strbuf_release(&sb);
	}
}

static void test_period_and_refs(void **state)
{
	char from[11], to[11], cc[3];
	int year, number;
	struct sanad_error err = { 0 };
	(void)state;
	response_period(2011, from, to);
	assert_string_equal(from, "2010-04-01");
	assert_string_equal(to, "2011-03-31");
	assert_int_equal(response_ref_parse("JO-2011-12", cc, &year, &number, &err), 0);
	assert_string_equal(cc, "JO");
	assert_int_equal(year, 2011);
	assert_int_equal(number, 12);
	assert_int_equal(response_ref_parse("JOR-2011-1", cc, &year, &number, &err), SANAD_EINVAL);
	assert_int_equal(response_ref_parse("JO-2011-0", cc, &year, &number, &err), SANAD_EINVAL);
	assert_int_equal(response_ref_parse("ZZ-2011-1", cc, &year, &number, &err), SANAD_EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_figures_exact, test_db_setup, test_db_teardown),
		cmocka_unit_test_setup_teardown(test_half_is_not_majority, test_db_setup, test_db_teardown),
		cmocka_unit_test_setup_teardown(test_concrete_only, test_db_setup, test_db_teardown),
		cmocka_unit_test_setup_teardown(test_assess_from_records, test_db_setup, test_db_teardown),
		cmocka_unit_test_setup_teardown(test_import_refuses, test_db_setup, test_db_teardown),
		cmocka_unit_test_setup_teardown(test_import_replaces, test_db_setup, test_db_teardown),
		cmocka_unit_test_setup_teardown(test_export_roundtrip, test_db_setup, test_db_teardown),
		cmocka_unit_test_setup_teardown(test_register_counts, test_db_setup, test_db_teardown),
		cmocka_unit_test_setup_teardown(test_import_tiers, test_db_setup, test_db_teardown),
		cmocka_unit_test_setup_teardown(test_import_real_tiers, test_db_setup, test_db_teardown),
		cmocka_unit_test_setup_teardown(test_programmes, test_db_setup, test_db_teardown),
		cmocka_unit_test_setup_teardown(test_programme_country, test_db_setup, test_db_teardown),
		cmocka_unit_test(test_strings_complete),
		cmocka_unit_test(test_period_and_refs),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
