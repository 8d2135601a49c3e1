/* tests/assess: the placement rules of the TIP assessment (seed 000), one
 * test per rule, the scenarios the issue names, input validation, and a
 * sanity check against the real tier history 2001-2015. */
#include "test_support.h"
#include "assess/assess.h"
#include "vocab/vocab.h"

#include <ctype.h>

/* Test inputs are written with single quotes for readability; J turns them
 * into JSON. */
static json_t *J(const char *text)
{
	char *copy = strdup(text);
	json_error_t jerr;
	json_t *v;
	for (char *p = copy; *p; p++)
		if (*p == '\'')
			*p = '"';
	v = json_loads(copy, JSON_DECODE_ANY, &jerr);
	if (!v)
		fail_msg("bad test JSON at column %d: %s\n%s", jerr.column, jerr.text, copy);
	free(copy);
	return v;
}

/* Run the engine on text that must be valid; returns the output array. */
static json_t *run(const char *text)
{
	struct sanad_error err = { 0 };
	json_t *in = J(text), *out = NULL;
	int rc = assess_run(in, &out, &err);
	json_decref(in);
	if (rc)
		fail_msg("assess_run failed: %s", err.message);
	assert_non_null(out);
	return out;
}

/* Run on text that must be refused; the message must contain every needle. */
static void refused(const char *text, const char *needle1, const char *needle2)
{
	struct sanad_error err = { 0 };
	json_t *in = J(text), *out = (json_t *)1;
	int rc = assess_run(in, &out, &err);
	json_decref(in);
	assert_int_equal(rc, SANAD_EINVAL);
	assert_null(out);
	if (!strstr(err.message, needle1) || (needle2 && !strstr(err.message, needle2)))
		fail_msg("error '%s' lacks '%s' / '%s'", err.message, needle1, needle2 ? needle2 : "");
}

static const char *tier(json_t *out, size_t i)
{
	return json_string_value(json_object_get(json_array_get(out, i), "tier"));
}

/* An array of strings as "a,b,c". */
static const char *joined(json_t *out, size_t i, const char *key)
{
	static char buf[512];
	json_t *arr = json_object_get(json_array_get(out, i), key);
	size_t k;
	json_t *v;
	buf[0] = '\0';
	json_array_foreach(arr, k, v) {
		if (k)
			strcat(buf, ",");
		strcat(buf, json_string_value(v));
	}
	return buf;
}

static int downgraded(json_t *out, size_t i)
{
	json_t *v = json_object_get(json_array_get(out, i), "downgraded_after_two_watch_list_years");
	assert_true(json_is_boolean(v));
	return json_is_true(v);
}

static int has_reason(json_t *out, size_t i, const char *needle)
{
	json_t *arr = json_object_get(json_array_get(out, i), "reasons");
	size_t k;
	json_t *v;
	json_array_foreach(arr, k, v)
		if (strstr(json_string_value(v), needle))
			return 1;
	return 0;
}

#define assert_reason(out, i, needle) \
	do { \
		if (!has_reason((out), (i), (needle))) \
			fail_msg("record %d has no reason containing '%s'", (int)(i), (needle)); \
	} while (0)

#define ALL_SANCTIONS \
	"non_humanitarian_non_trade_assistance,educational_cultural_exchange_funding," \
	"international_financial_institution_loans"

/* A significant-efforts record with flat figures and no commitments: with a
 * previous year it meets criterion (b) only. */
#define FLAT(cc, year, extra) \
	"{'country':'" cc "','year':" #year ",'finding':'significant_efforts','victims':null," \
	"'investigations':5,'prosecutions':5,'convictions':5,'victims_assisted':5,'complicity_cases':1" extra "}"

static void full_finding_is_tier_1(void **state)
{
	json_t *out;
	(void)state;
	out = run("[{'country':'JO','year':2010,'finding':'full','victims':10,'investigations':1,"
		  "'prosecutions':1,'convictions':1,'victims_assisted':1,'complicity_cases':0,"
		  "'efforts_rest_on_commitments':true,'waivers':[],'compliant_before_sanctions':false}]");
	assert_int_equal(json_array_size(out), 1);
	assert_string_equal(tier(out, 0), "1");
	assert_string_equal(joined(out, 0, "watch_list_criteria"), "");
	assert_string_equal(joined(out, 0, "sanctions"), "");
	assert_false(downgraded(out, 0));
	assert_reason(out, 0, "Finding (full)");
	assert_reason(out, 0, "The Watch List criteria were not checked");
	/* the key order of the documented output */
	{
		const char *keys[] = { "country", "year", "tier", "watch_list_criteria",
				       "downgraded_after_two_watch_list_years", "sanctions", "reasons" };
		char *text = json_dumps(json_array_get(out, 0), JSON_COMPACT | JSON_PRESERVE_ORDER);
		const char *at = text;
		for (size_t k = 0; k < sizeof(keys) / sizeof(keys[0]); k++) {
			char quoted[64];
			snprintf(quoted, sizeof(quoted), "\"%s\":", keys[k]);
			at = strstr(at, quoted);
			assert_non_null(at);
		}
		assert_string_equal(json_string_value(json_object_get(json_array_get(out, 0), "country")), "JO");
		assert_int_equal(json_integer_value(json_object_get(json_array_get(out, 0), "year")), 2010);
		free(text);
	}
	json_decref(out);
}

static void no_significant_efforts_is_tier_3_with_all_sanctions(void **state)
{
	json_t *out;
	(void)state;
	out = run("[{'country':'KP','year':2009,'finding':'no_significant_efforts'}]");
	assert_string_equal(tier(out, 0), "3");
	assert_string_equal(joined(out, 0, "sanctions"), ALL_SANCTIONS);
	assert_false(downgraded(out, 0));
	assert_reason(out, 0, "Tier 3 sanctions from 1 October 2009");
	json_decref(out);
}

static void significant_efforts_without_criteria_is_tier_2(void **state)
{
	json_t *out;
	(void)state;
	out = run("[" FLAT("JO", 2010, "") "," FLAT("JO", 2011, ",'investigations':6") "]");
	/* 2010 has no previous record: (b) cannot apply, nothing else applies */
	assert_string_equal(tier(out, 0), "2");
	assert_reason(out, 0, "Criterion (b) cannot apply: there is no record for JO 2009");
	assert_string_equal(tier(out, 1), "2");
	assert_string_equal(joined(out, 1, "watch_list_criteria"), "");
	assert_reason(out, 1, "investigations rose from 5 to 6");
	assert_reason(out, 1, "Tier 2: significant efforts, and no Watch List criterion applies.");
	json_decref(out);
}

static void criterion_a_very_significant_threshold(void **state)
{
	json_t *out;
	(void)state;
	out = run("{'settings':{'victims_very_significant':1000},'records':["
		  "{'country':'JO','year':2010,'finding':'significant_efforts','victims':1000},"
		  "{'country':'LB','year':2010,'finding':'significant_efforts','victims':999},"
		  "{'country':'SY','year':2010,'finding':'significant_efforts','victims':null}]}");
	assert_string_equal(tier(out, 0), "2WL");
	assert_string_equal(joined(out, 0, "watch_list_criteria"), "a");
	assert_reason(out, 0, "Criterion (a) applies: 1000 victims reach the very significant threshold of 1000");
	assert_string_equal(tier(out, 1), "2");
	assert_reason(out, 1, "Criterion (a) does not apply: 999 victims are below the very significant threshold of 1000");
	assert_string_equal(tier(out, 2), "2");
	assert_reason(out, 2, "Criterion (a) cannot be assessed: the number of victims in 2010 is not known");
	json_decref(out);
}

static void criterion_a_increase_ratio(void **state)
{
	json_t *out;
	(void)state;
	/* 110 / 100 with ratio 1.1 is exactly at the ratio: a multiplication
	 * in floating point would miss it. */
	out = run("{'settings':{'victims_increase_ratio':1.1},'records':["
		  FLAT("JO", 2010, ",'victims':100") "," FLAT("JO", 2011, ",'victims':110,'investigations':9") ","
		  FLAT("LB", 2010, ",'victims':100") "," FLAT("LB", 2011, ",'victims':109,'investigations':9") ","
		  FLAT("SY", 2010, ",'victims':0") "," FLAT("SY", 2011, ",'victims':3,'investigations':9") ","
		  FLAT("IQ", 2011, ",'victims':500") "]}");
	assert_string_equal(tier(out, 1), "2WL");
	assert_string_equal(joined(out, 1, "watch_list_criteria"), "a");
	assert_reason(out, 1, "110 victims are 1.1 times the 100 of 2010, at least the increase ratio of 1.1");
	assert_string_equal(tier(out, 3), "2");
	assert_reason(out, 3, "109 victims are 1.09 times the 100 of 2010, below the increase ratio of 1.1");
	assert_string_equal(joined(out, 5, "watch_list_criteria"), "a");
	assert_reason(out, 5, "victims rose from none in 2010 to 3");
	/* no previous year: the increase cannot be measured */
	assert_string_equal(tier(out, 6), "2");
	assert_reason(out, 6, "Criterion (a) cannot be assessed: there is no record for IQ 2010");
	json_decref(out);
}

static void criterion_a_without_settings_cannot_be_assessed(void **state)
{
	json_t *out;
	(void)state;
	out = run("[{'country':'JO','year':2010,'finding':'significant_efforts','victims':1000000}]");
	assert_string_equal(tier(out, 0), "2");
	assert_reason(out, 0, "Criterion (a) cannot be assessed: neither victims_very_significant nor victims_increase_ratio is set");
	json_decref(out);
}

static void criterion_b_each_effort_counts(void **state)
{
	json_t *out;
	(void)state;
	out = run("[" FLAT("TN", 2010, "") "," FLAT("TN", 2011, "") ","
		  FLAT("JO", 2010, "") "," FLAT("JO", 2011, ",'prosecutions':6") ","
		  FLAT("LB", 2010, "") "," FLAT("LB", 2011, ",'convictions':6") ","
		  FLAT("SY", 2010, "") "," FLAT("SY", 2011, ",'victims_assisted':6") ","
		  FLAT("IQ", 2010, "") "," FLAT("IQ", 2011, ",'complicity_cases':0") ","
		  FLAT("EG", 2010, "") "," FLAT("EG", 2011, ",'complicity_cases':4,'investigations':2") "]");
	/* Tunisia: everything flat, so no evidence of increasing efforts */
	assert_string_equal(tier(out, 1), "2WL");
	assert_string_equal(joined(out, 1, "watch_list_criteria"), "b");
	assert_reason(out, 1, "Criterion (b) applies: there is no evidence of increasing efforts over 2010");
	assert_reason(out, 1, "Tier 2 Watch List: criterion (b) applies.");
	assert_string_equal(tier(out, 3), "2");
	assert_reason(out, 3, "prosecutions rose from 5 to 6");
	assert_string_equal(tier(out, 5), "2");
	assert_string_equal(tier(out, 7), "2");
	assert_string_equal(tier(out, 9), "2");
	assert_reason(out, 9, "Criterion (b) does not apply: there is evidence of increasing efforts over 2010 (complicity cases fell from 1 to 0)");
	/* more complicity and fewer investigations are no evidence */
	assert_string_equal(tier(out, 11), "2WL");
	assert_reason(out, 11, "complicity cases rose from 1 to 4 (+3)");
	json_decref(out);
}

static void criterion_b_unknown_figures_show_nothing(void **state)
{
	json_t *out;
	(void)state;
	out = run("[{'country':'JO','year':2010,'finding':'significant_efforts','investigations':4},"
		  "{'country':'JO','year':2011,'finding':'significant_efforts','investigations':null,'prosecutions':9}]");
	assert_string_equal(tier(out, 1), "2WL");
	assert_string_equal(joined(out, 1, "watch_list_criteria"), "b");
	assert_reason(out, 1, "investigations not comparable (not known in 2011)");
	assert_reason(out, 1, "prosecutions not comparable (not known in 2010)");
	json_decref(out);
}

static void criterion_b_needs_the_year_before_not_an_earlier_one(void **state)
{
	json_t *out;
	(void)state;
	/* 2009 and 2011: a gap, so 2011 has no previous record */
	out = run("[" FLAT("JO", 2009, "") "," FLAT("JO", 2011, "") "]");
	assert_string_equal(tier(out, 1), "2");
	assert_reason(out, 1, "Criterion (b) cannot apply: there is no record for JO 2010");
	json_decref(out);
}

static void criterion_c_commitments_for_next_year(void **state)
{
	json_t *out;
	(void)state;
	out = run("[{'country':'JO','year':2010,'finding':'significant_efforts',"
		  "'efforts_rest_on_commitments':true}]");
	assert_string_equal(tier(out, 0), "2WL");
	assert_string_equal(joined(out, 0, "watch_list_criteria"), "c");
	assert_reason(out, 0, "Criterion (c) applies: the finding of significant efforts rests on the government's commitments");
	assert_string_equal(joined(out, 0, "sanctions"), "");
	json_decref(out);
}

static void all_three_criteria_are_listed_in_order(void **state)
{
	json_t *out;
	(void)state;
	out = run("{'settings':{'victims_very_significant':10},'records':["
		  FLAT("JO", 2011, ",'victims':50,'efforts_rest_on_commitments':true") ","
		  FLAT("JO", 2010, "") "]}");
	assert_string_equal(joined(out, 0, "watch_list_criteria"), "a,b,c");
	assert_reason(out, 0, "Tier 2 Watch List: criteria (a), (b) and (c) apply.");
	json_decref(out);
}

/* The scenario: two Watch List years, then a third that would be
 * Watch List again, without a waiver. */
static void third_watch_list_year_without_waiver_is_tier_3(void **state)
{
	json_t *out;
	(void)state;
	out = run("[" FLAT("JO", 2009, ",'efforts_rest_on_commitments':true") ","
		  FLAT("JO", 2010, "") "," FLAT("JO", 2011, "") "]");
	assert_string_equal(tier(out, 0), "2WL");
	assert_string_equal(tier(out, 1), "2WL");
	assert_false(downgraded(out, 1));
	assert_reason(out, 1, "This is JO's second consecutive year on the Watch List counted from the 2009 report");
	assert_string_equal(tier(out, 2), "3");
	assert_true(downgraded(out, 2));
	assert_string_equal(joined(out, 2, "watch_list_criteria"), "b");
	assert_string_equal(joined(out, 2, "sanctions"), ALL_SANCTIONS);
	assert_reason(out, 2, "JO was on the Tier 2 Watch List in 2009 and 2010");
	assert_reason(out, 2, "Without a waiver, two consecutive years on the Watch List place JO in Tier 3.");
	json_decref(out);
}

/* The same with the waiver: the country stays on the Watch List. */
static void third_watch_list_year_with_waiver_stays(void **state)
{
	json_t *out;
	(void)state;
	out = run("[" FLAT("JO", 2009, ",'efforts_rest_on_commitments':true") ","
		  FLAT("JO", 2010, "") "," FLAT("JO", 2011, ",'waivers':['watch_list']") "]");
	assert_string_equal(tier(out, 2), "2WL");
	assert_false(downgraded(out, 2));
	assert_string_equal(joined(out, 2, "sanctions"), "");
	assert_reason(out, 2, "The Watch List waiver was applied");
	json_decref(out);
}

/* A waived year is still a Watch List year: the next one needs a waiver too. */
static void a_waived_year_counts_for_the_next(void **state)
{
	json_t *out;
	(void)state;
	out = run("[" FLAT("JO", 2009, "") "," FLAT("JO", 2010, "") "," FLAT("JO", 2011, ",'waivers':['watch_list']") ","
		  FLAT("JO", 2012, ",'waivers':['watch_list']") "," FLAT("JO", 2013, ",'waivers':['watch_list']") ","
		  FLAT("JO", 2014, "") "]");
	/* 2009 has no previous record and flat figures meet no criterion */
	assert_string_equal(tier(out, 0), "2");
	assert_string_equal(tier(out, 1), "2WL");
	assert_string_equal(tier(out, 2), "2WL");
	assert_string_equal(tier(out, 3), "2WL");
	assert_string_equal(tier(out, 4), "2WL");
	/* 2010..2013 are Watch List years; 2012 and 2013 needed the waiver */
	assert_reason(out, 3, "this is its 1st consecutive waived year");
	assert_reason(out, 4, "JO has been on the Tier 2 Watch List for 3 consecutive years (2010-2012)");
	assert_reason(out, 4, "this is its 2nd consecutive waived year");
	assert_string_equal(tier(out, 5), "3");
	assert_true(downgraded(out, 5));
	json_decref(out);
}

static void waiver_limit_setting_caps_consecutive_waivers(void **state)
{
	json_t *out;
	(void)state;
	out = run("{'settings':{'watch_list_waiver_limit':2},'records':["
		  FLAT("JO", 2009, ",'efforts_rest_on_commitments':true") "," FLAT("JO", 2010, "") ","
		  FLAT("JO", 2011, ",'waivers':['watch_list']") "," FLAT("JO", 2012, ",'waivers':['watch_list']") ","
		  FLAT("JO", 2013, ",'waivers':['watch_list']") "]}");
	assert_string_equal(tier(out, 2), "2WL");
	assert_string_equal(tier(out, 3), "2WL");
	assert_string_equal(tier(out, 4), "3");
	assert_true(downgraded(out, 4));
	assert_reason(out, 4, "The Watch List waiver cannot be applied again: it was used in 2 consecutive years up to 2012");
	assert_false(has_reason(out, 4, "has no effect"));
	json_decref(out);
	/* a limit of 0 allows no waiver at all */
	out = run("{'settings':{'watch_list_waiver_limit':0},'records':["
		  FLAT("JO", 2009, ",'efforts_rest_on_commitments':true") "," FLAT("JO", 2010, "") ","
		  FLAT("JO", 2011, ",'waivers':['watch_list']") "]}");
	assert_string_equal(tier(out, 2), "3");
	assert_true(downgraded(out, 2));
	assert_reason(out, 2, "The Watch List waiver cannot be applied: watch_list_waiver_limit is 0.");
	json_decref(out);
}

static void watch_list_years_before_2009_do_not_count(void **state)
{
	json_t *out;
	(void)state;
	out = run("[" FLAT("JO", 2007, ",'efforts_rest_on_commitments':true") "," FLAT("JO", 2008, "") ","
		  FLAT("JO", 2009, "") "," FLAT("JO", 2010, "") "," FLAT("JO", 2011, "") "]");
	assert_string_equal(tier(out, 0), "2WL");
	assert_string_equal(tier(out, 1), "2WL");
	assert_string_equal(tier(out, 2), "2WL");
	assert_false(downgraded(out, 2));
	assert_string_equal(tier(out, 3), "2WL");
	assert_false(downgraded(out, 3));
	assert_reason(out, 3, "Watch List years before the 2009 report (2 years up to 2008) do not count");
	assert_string_equal(tier(out, 4), "3");
	assert_true(downgraded(out, 4));
	json_decref(out);
}

static void tier_3_or_tier_2_breaks_the_run(void **state)
{
	json_t *out;
	(void)state;
	out = run("[" FLAT("JO", 2009, ",'efforts_rest_on_commitments':true") ","
		  "{'country':'JO','year':2010,'finding':'no_significant_efforts'},"
		  FLAT("JO", 2011, ",'efforts_rest_on_commitments':true") "," FLAT("JO", 2012, "") ","
		  FLAT("JO", 2013, ",'investigations':7") "," FLAT("JO", 2014, ",'efforts_rest_on_commitments':true") ","
		  FLAT("JO", 2015, "") "]");
	assert_string_equal(tier(out, 1), "3");
	assert_false(downgraded(out, 1));
	assert_string_equal(tier(out, 2), "2WL");
	assert_string_equal(tier(out, 3), "2WL");
	assert_false(downgraded(out, 3));
	assert_string_equal(tier(out, 4), "2");
	assert_string_equal(tier(out, 5), "2WL");
	assert_string_equal(tier(out, 6), "2WL");
	assert_false(downgraded(out, 6));
	json_decref(out);
}

static void a_missing_year_breaks_the_run(void **state)
{
	json_t *out;
	(void)state;
	out = run("[" FLAT("JO", 2009, ",'efforts_rest_on_commitments':true") ","
		  FLAT("JO", 2011, ",'efforts_rest_on_commitments':true") "," FLAT("JO", 2012, "") ","
		  FLAT("JO", 2013, "") "]");
	assert_string_equal(tier(out, 1), "2WL");
	assert_string_equal(tier(out, 2), "2WL");
	assert_false(downgraded(out, 2));
	assert_string_equal(tier(out, 3), "3");
	assert_true(downgraded(out, 3));
	assert_reason(out, 3, "in 2011 and 2012");
	json_decref(out);
}

/* Input order does not matter; output follows input order. */
static void records_are_evaluated_in_year_order(void **state)
{
	json_t *out;
	(void)state;
	out = run("[" FLAT("JO", 2011, "") "," FLAT("LB", 2010, "") "," FLAT("JO", 2009, ",'efforts_rest_on_commitments':true") ","
		  FLAT("JO", 2010, "") "]");
	assert_string_equal(json_string_value(json_object_get(json_array_get(out, 0), "country")), "JO");
	assert_int_equal(json_integer_value(json_object_get(json_array_get(out, 0), "year")), 2011);
	assert_string_equal(tier(out, 0), "3");
	assert_true(downgraded(out, 0));
	assert_string_equal(tier(out, 1), "2");
	assert_string_equal(tier(out, 2), "2WL");
	assert_string_equal(tier(out, 3), "2WL");
	json_decref(out);
}

/* The scenario: a Tier 3 country with partial sanctions waivers. */
static void partial_sanctions_waivers(void **state)
{
	json_t *out;
	(void)state;
	out = run("[{'country':'KP','year':2010,'finding':'no_significant_efforts',"
		  "'waivers':['sanctions:international_financial_institution_loans']},"
		  "{'country':'IR','year':2010,'finding':'no_significant_efforts',"
		  "'waivers':['sanctions:non_humanitarian_non_trade_assistance','sanctions:educational_cultural_exchange_funding']},"
		  "{'country':'SY','year':2010,'finding':'no_significant_efforts','waivers':['sanctions']}]");
	assert_string_equal(joined(out, 0, "sanctions"),
			    "non_humanitarian_non_trade_assistance,educational_cultural_exchange_funding");
	assert_reason(out, 0, "Sanctions waived");
	assert_reason(out, 0, "international_financial_institution_loans.");
	assert_string_equal(joined(out, 1, "sanctions"), "international_financial_institution_loans");
	assert_string_equal(tier(out, 2), "3");
	assert_string_equal(joined(out, 2, "sanctions"), "");
	assert_reason(out, 2, "All Tier 3 sanctions are waived");
	json_decref(out);
}

static void compliance_before_sanctions_means_none(void **state)
{
	json_t *out;
	(void)state;
	out = run("[{'country':'KP','year':2012,'finding':'no_significant_efforts','compliant_before_sanctions':true},"
		  FLAT("JO", 2009, ",'efforts_rest_on_commitments':true") "," FLAT("JO", 2010, "") ","
		  FLAT("JO", 2011, ",'compliant_before_sanctions':true") "]");
	assert_string_equal(tier(out, 0), "3");
	assert_string_equal(joined(out, 0, "sanctions"), "");
	assert_reason(out, 0, "No sanctions: after the report but before sanctions took effect on 1 October 2012");
	assert_string_equal(tier(out, 3), "3");
	assert_true(downgraded(out, 3));
	assert_string_equal(joined(out, 3, "sanctions"), "");
	json_decref(out);
}

static void waivers_that_change_nothing_are_noted(void **state)
{
	json_t *out;
	(void)state;
	out = run("[{'country':'JO','year':2010,'finding':'full','waivers':['watch_list','sanctions'],"
		  "'compliant_before_sanctions':true}]");
	assert_string_equal(tier(out, 0), "1");
	assert_string_equal(joined(out, 0, "sanctions"), "");
	assert_reason(out, 0, "The Watch List waiver has no effect");
	assert_reason(out, 0, "The sanctions waiver has no effect");
	assert_reason(out, 0, "compliant_before_sanctions has no effect");
	json_decref(out);
}

static void guideline_checks(void **state)
{
	json_t *out;
	(void)state;
	out = run("[{'country':'JO','year':2010,'finding':'full','convictions':10,'prescribed_penalty_years':3,"
		  "'sentences_one_year_or_more':5,'suspended_sentences':3,'justification':'Shelters opened.'},"
		  "{'country':'JO','year':2011,'finding':'full','convictions':10,'prescribed_penalty_years':4,"
		  "'sentences_one_year_or_more':6,'suspended_sentences':0}]");
	assert_reason(out, 0, "Justification of the finding: Shelters opened.");
	assert_reason(out, 0, "the law prescribes 3 years of imprisonment, below the guideline of at least 4 years");
	assert_reason(out, 0, "5 of 10 convictions carried imprisonment of one year or more, not the majority");
	assert_reason(out, 0, "3 of 10 convictions (30%) ended in a suspended sentence");
	assert_reason(out, 0, "Year-on-year change: there is no record for JO 2009 to compare with.");
	assert_reason(out, 1, "the law prescribes 4 years of imprisonment, meeting the guideline");
	assert_reason(out, 1, "6 of 10 convictions carried imprisonment of one year or more, a majority");
	assert_reason(out, 1, "none of 10 convictions ended in a suspended sentence");
	assert_reason(out, 1, "Year-on-year change from 2010 to 2011: investigations not comparable");
	assert_reason(out, 1, "convictions unchanged at 10");
	json_decref(out);
}

static void the_struct_api_agrees(void **state)
{
	struct assess_settings s = { 0, 0, -1 };
	struct assess_record r[3];
	struct assess_result res[3];
	struct sanad_error err = { 0 };
	(void)state;
	memset(r, 0, sizeof(r));
	for (int i = 0; i < 3; i++) {
		strcpy(r[i].country, "JO");
		r[i].year = 2011 - i; /* newest first */
		r[i].finding = ASSESS_SIGNIFICANT_EFFORTS;
		r[i].victims = ASSESS_UNKNOWN;
		for (int k = 0; k < ASSESS_EFFORT_COUNT; k++)
			r[i].efforts[k] = 3;
		r[i].prescribed_penalty_years = -1;
		r[i].sentences_one_year_or_more = r[i].suspended_sentences = ASSESS_UNKNOWN;
	}
	r[2].efforts_rest_on_commitments = 1;
	assert_int_equal(assess_evaluate(&s, r, 3, res, &err), 0);
	assert_int_equal(res[2].tier, ASSESS_TIER_2WL);
	assert_int_equal(res[2].watch_list_criteria, ASSESS_CRITERION_C);
	assert_int_equal(res[1].tier, ASSESS_TIER_2WL);
	assert_int_equal(res[1].watch_list_years, 2);
	assert_int_equal(res[0].tier, ASSESS_TIER_3);
	assert_true(res[0].downgraded_after_two_watch_list_years);
	assert_int_equal(res[0].sanctions, ASSESS_ALL_SANCTIONS);
	for (int i = 0; i < 3; i++)
		assess_result_release(&res[i]);
	/* duplicates are refused here too */
	r[1].year = 2011;
	assert_int_equal(assess_evaluate(&s, r, 3, res, &err), SANAD_EINVAL);
	assert_non_null(strstr(err.message, "duplicate"));
	/* a record no parser produced is refused, not read out of bounds */
	r[1].year = 2010;
	r[0].finding = (enum assess_finding)7;
	assert_int_equal(assess_evaluate(&s, r, 3, res, &err), SANAD_EINVAL);
	assert_non_null(strstr(err.message, "record 1 (index 0) is not a valid assessment record"));
}

static void empty_input_gives_empty_output(void **state)
{
	json_t *out;
	(void)state;
	out = run("[]");
	assert_int_equal(json_array_size(out), 0);
	json_decref(out);
	out = run("{'settings':{},'records':[]}");
	assert_int_equal(json_array_size(out), 0);
	json_decref(out);
}

static void bad_input_is_refused_naming_the_record(void **state)
{
	(void)state;
	refused("[{'country':'JO','year':2010,'finding':'full'},{'country':'XX','year':2010,'finding':'full'}]",
		"record 2 (index 1, XX 2010)", "unknown country 'XX'");
	refused("[{'country':'jo','year':2010,'finding':'full'}]", "record 1 (index 0, jo 2010)",
		"must be written as its ISO 3166 alpha-2 code 'JO'");
	refused("[{'country':'JOR','year':2010,'finding':'full'}]", "'JO'", NULL);
	refused("[{'country':7,'year':2010,'finding':'full'}]", "record 1 (index 0, 2010)", "'country'");
	refused("[{'year':2010,'finding':'full'}]", "record 1", "missing field 'country'");
	refused("[{'country':'JO','finding':'full'}]", "record 1 (index 0, JO)", "missing field 'year'");
	refused("[{'country':'JO','year':2010}]", "JO 2010", "missing field 'finding'");
	refused("[{'country':'JO','year':2010,'finding':'partial'}]", "JO 2010", "unknown finding 'partial'");
	refused("[{'country':'JO','year':2000,'finding':'full'}]", "JO 2000", "outside 2001..2100");
	refused("[{'country':'JO','year':2101,'finding':'full'}]", "JO 2101", "outside 2001..2100");
	refused("[{'country':'JO','year':'2010','finding':'full'}]", "record 1", "'year' must be a whole number");
	refused("[{'country':'JO','year':2010,'finding':'full','victims':'12'}]", "JO 2010",
		"field 'victims' must be a whole number or null, not a string");
	refused("[{'country':'JO','year':2010,'finding':'full','convictions':2.5}]", "JO 2010", "'convictions'");
	refused("[{'country':'JO','year':2010,'finding':'full','prosecutions':-1}]", "JO 2010",
		"field 'prosecutions' must not be negative (got -1)");
	refused("[{'country':'JO','year':2010,'finding':'full','efforts_rest_on_commitments':'yes'}]", "JO 2010",
		"'efforts_rest_on_commitments' must be true or false");
	refused("[{'country':'JO','year':2010,'finding':'full','waivers':['everything']}]", "JO 2010",
		"unknown waiver 'everything'");
	refused("[{'country':'JO','year':2010,'finding':'full','waivers':['sanctions:loans']}]", "JO 2010",
		"unknown waiver 'sanctions:loans'");
	refused("[{'country':'JO','year':2010,'finding':'full','waivers':'watch_list'}]", "JO 2010",
		"'waivers' must be an array");
	refused("[{'country':'JO','year':2010,'finding':'full','waivers':['watch_list','watch_list']}]",
		"JO 2010", "listed twice");
	refused("[{'country':'JO','year':2010,'finding':'full','investigation':3}]", "JO 2010",
		"unknown field 'investigation'");
	refused("[{'country':'JO','year':2010,'finding':'full','convictions':2,'suspended_sentences':3}]",
		"JO 2010", "suspended_sentences (3) exceeds convictions (2)");
	refused("[{'country':'JO','year':2010,'finding':'full'},{'country':'LB','year':2010,'finding':'full'},"
		"{'country':'JO','year':2010,'finding':'no_significant_efforts'}]",
		"record 3 (index 2, JO 2010): duplicate country-year: record 1 (index 0) is also JO 2010", NULL);
	refused("[5]", "record 1 (index 0)", "must be a JSON object");
	refused("{'settings':{'victims_treshold':5},'records':[]}", "settings: unknown setting 'victims_treshold'", NULL);
	refused("{'settings':{'victims_increase_ratio':0.5},'records':[]}", "victims_increase_ratio", "1.5 means 50% more");
	refused("{'settings':{'victims_very_significant':0},'records':[]}", "victims_very_significant", NULL);
	refused("{'settings':{'watch_list_waiver_limit':-1},'records':[]}", "watch_list_waiver_limit", NULL);
	refused("{'settings':{},'rows':[]}", "unknown top-level key 'rows'", NULL);
	refused("{'settings':{}}", "no 'records' array", NULL);
	refused("'records'", "the input must be an array of records", NULL);
}

/* --- the real tier history, 2001-2015 ---------------------------------- */

static const char *reference_dir(void)
{
	const char *dir = getenv("REFERENCE_DIR");
	static const char *const guesses[] = { "../shared/reference", "../../shared/reference",
					       "/work/shared/reference" };
	char path[4096];
	if (dir && *dir)
		return dir;
	for (size_t i = 0; i < sizeof(guesses) / sizeof(guesses[0]); i++) {
		snprintf(path, sizeof(path), "%s/tip-tiers/tip-tiers-2001-2015.csv", guesses[i]);
		if (access(path, R_OK) == 0)
			return guesses[i];
	}
	return NULL;
}

/* Split one CSV line (RFC 4180 quotes, no embedded newlines) into at most
 * max fields, in place. */
static int split_csv(char *line, char **fields, int max)
{
	int n = 0;
	char *p = line;
	while (n < max) {
		char *out = p;
		fields[n++] = p;
		if (*p == '"') {
			char *q = p + 1;
			for (;;) {
				if (!*q)
					break;
				if (*q == '"' && q[1] == '"') {
					*out++ = '"';
					q += 2;
				} else if (*q == '"') {
					q++;
					break;
				} else {
					*out++ = *q++;
				}
			}
			p = q;
		} else {
			while (*p && *p != ',' && *p != '\n' && *p != '\r')
				*out++ = *p++;
		}
		if (*p != ',') {
			*out = '\0';
			break;
		}
		p++;
		*out = '\0';
	}
	return n;
}

/* Every real placement 2001-2015 is reproduced when Watch List years carry
 * the waiver and the Act's limit of two consecutive waived years is set:
 * no country stayed on the Watch List for a fifth year running from 2009.
 * With a limit of one, the years that needed a second waiver come out as
 * Tier 3 instead. */
static void real_tier_history_is_consistent_with_the_rules(void **state)
{
	const char *dir = reference_dir();
	char path[4096], line[512];
	FILE *f;
	json_t *records = json_array();
	(void)state;
	if (!dir) {
		json_decref(records);
		skip();
	}
	snprintf(path, sizeof(path), "%s/tip-tiers/tip-tiers-2001-2015.csv", dir);
	f = fopen(path, "r");
	if (!f) {
		json_decref(records);
		skip();
	}
	assert_non_null(fgets(line, sizeof(line), f)); /* header */
	while (fgets(line, sizeof(line), f)) {
		char *fld[5];
		const struct vocab_entry *e;
		char tier_label[32];
		size_t k = 0;
		json_t *rec;
		if (split_csv(line, fld, 5) != 5)
			fail_msg("bad line %s", line);
		for (const char *t = fld[4]; *t && k + 1 < sizeof(tier_label); t++)
			if (!isspace((unsigned char)*t))
				tier_label[k++] = *t;
		tier_label[k] = '\0';
		if (!strcmp(tier_label, "NA"))
			continue;
		e = vocab_find("country", fld[1]); /* alpha-3 alias */
		if (!e)
			fail_msg("country %s (%s) not in the vocabulary", fld[1], fld[0]);
		/* investigations rise every year, so criterion (b) never applies
		 * and only criterion (c) sends a country to the Watch List */
		rec = json_pack("{s:s, s:i, s:i}", "country", e->code, "year", atoi(fld[2]), "investigations",
				atoi(fld[2]));
		if (!strcmp(tier_label, "Tier1")) {
			json_object_set_new(rec, "finding", json_string("full"));
		} else if (!strcmp(tier_label, "Tier3")) {
			json_object_set_new(rec, "finding", json_string("no_significant_efforts"));
		} else if (!strcmp(tier_label, "Tier2")) {
			json_object_set_new(rec, "finding", json_string("significant_efforts"));
		} else if (!strcmp(tier_label, "Watchlist")) {
			json_object_set_new(rec, "finding", json_string("significant_efforts"));
			json_object_set_new(rec, "efforts_rest_on_commitments", json_true());
			json_object_set_new(rec, "waivers", json_pack("[s]", "watch_list"));
		} else {
			fail_msg("unknown tier label '%s'", tier_label);
		}
		json_object_set_new(rec, "real_tier", json_string(tier_label));
		json_array_append_new(records, rec);
	}
	fclose(f);
	assert_int_equal(json_array_size(records), 2251);

	for (int limit = 2; limit >= 1; limit--) {
		struct sanad_error err = { 0 };
		json_t *input = json_object(), *plain = json_array(), *out;
		size_t i;
		json_t *rec;
		int differ = 0, waived = 0, downgrades = 0;
		json_array_foreach(records, i, rec) {
			json_t *copy = json_copy(rec);
			json_object_del(copy, "real_tier");
			json_array_append_new(plain, copy);
		}
		json_object_set_new(input, "settings", json_pack("{s:i}", "watch_list_waiver_limit", limit));
		json_object_set_new(input, "records", plain);
		if (assess_run(input, &out, &err))
			fail_msg("%s", err.message);
		json_array_foreach(out, i, rec) {
			const char *real = json_string_value(json_object_get(json_array_get(records, i), "real_tier"));
			const char *want = !strcmp(real, "Tier1") ? "1" : !strcmp(real, "Tier2") ? "2"
					 : !strcmp(real, "Tier3") ? "3" : "2WL";
			differ += strcmp(tier(out, i), want) != 0;
			waived += has_reason(out, i, "The Watch List waiver was applied");
			downgrades += downgraded(out, i);
		}
		if (limit == 2) {
			assert_int_equal(differ, 0);
			assert_int_equal(downgrades, 0);
			/* Watch List years 2011-2015 after two or more counted ones */
			assert_int_equal(waived, 67);
		} else {
			assert_int_equal(downgrades, 22);
			assert_int_equal(differ, 22);
		}
		json_decref(out);
		json_decref(input);
	}
	json_decref(records);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(full_finding_is_tier_1),
		cmocka_unit_test(no_significant_efforts_is_tier_3_with_all_sanctions),
		cmocka_unit_test(significant_efforts_without_criteria_is_tier_2),
		cmocka_unit_test(criterion_a_very_significant_threshold),
		cmocka_unit_test(criterion_a_increase_ratio),
		cmocka_unit_test(criterion_a_without_settings_cannot_be_assessed),
		cmocka_unit_test(criterion_b_each_effort_counts),
		cmocka_unit_test(criterion_b_unknown_figures_show_nothing),
		cmocka_unit_test(criterion_b_needs_the_year_before_not_an_earlier_one),
		cmocka_unit_test(criterion_c_commitments_for_next_year),
		cmocka_unit_test(all_three_criteria_are_listed_in_order),
		cmocka_unit_test(third_watch_list_year_without_waiver_is_tier_3),
		cmocka_unit_test(third_watch_list_year_with_waiver_stays),
		cmocka_unit_test(a_waived_year_counts_for_the_next),
		cmocka_unit_test(waiver_limit_setting_caps_consecutive_waivers),
		cmocka_unit_test(watch_list_years_before_2009_do_not_count),
		cmocka_unit_test(tier_3_or_tier_2_breaks_the_run),
		cmocka_unit_test(a_missing_year_breaks_the_run),
		cmocka_unit_test(records_are_evaluated_in_year_order),
		cmocka_unit_test(partial_sanctions_waivers),
		cmocka_unit_test(compliance_before_sanctions_means_none),
		cmocka_unit_test(waivers_that_change_nothing_are_noted),
		cmocka_unit_test(guideline_checks),
		cmocka_unit_test(the_struct_api_agrees),
		cmocka_unit_test(empty_input_gives_empty_output),
		cmocka_unit_test(bad_input_is_refused_naming_the_record),
		cmocka_unit_test(real_tier_history_is_consistent_with_the_rules),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
