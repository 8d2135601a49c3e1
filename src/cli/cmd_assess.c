/*
 * cli/cmd_assess.c: `sanad assess --input FILE.json` places country-year
 * records in TIP tiers (src/assess) and prints the placements as JSON;
 * `sanad assess --db PATH --year Y` does the same from the records stored
 * in a database (src/response builds the input) and keeps the placements
 * in the tier history.
 */
#include "cli/cli.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "assess/assess.h"
#include "response/response.h"

const char usage_assess[] =
	"usage: sanad assess --input FILE.json [--output FILE.json]\n"
	"       sanad assess --db PATH --year Y [--country CC] [--output FILE.json]\n"
	"                    [--print-input] [--no-store]\n"
	"\n"
	"Place countries in the tiers of the Trafficking in Persons Report (Tier 1,\n"
	"Tier 2, Tier 2 Watch List, Tier 3) from country-year records, following the\n"
	"2009 report's methodology, and print one JSON object per record, in input\n"
	"order.  The analyst's finding on the minimum standards is input; the Watch\n"
	"List criteria, the two-year Watch List rule, sanctions and guideline checks\n"
	"are computed.  docs/assessment.md explains every rule.\n"
	"\n"
	"Options:\n"
	"  --input FILE    the records (JSON); '-' reads standard input\n"
	"  --output FILE   write the result there instead of standard output\n"
	"\n"
	"Input: a JSON array of records, or {\"settings\": {...}, \"records\": [...]}.\n"
	"Record fields (country, year and finding are required; an absent number is\n"
	"null, an absent boolean false, absent waivers none; other keys are refused):\n"
	"  country                      ISO 3166 alpha-2 code in capitals, e.g. \"JO\"\n"
	"  year                         report year, 2001..2100; one record per\n"
	"                               country and year\n"
	"  finding                      \"full\" (fully meets the minimum standards),\n"
	"                               \"significant_efforts\" or \"no_significant_efforts\"\n"
	"  justification                the analyst's reasons for the finding (text)\n"
	"  victims                      number of victims, or null\n"
	"  investigations, prosecutions, convictions, victims_assisted,\n"
	"  complicity_cases             counts for the reporting period, or null\n"
	"  efforts_rest_on_commitments  true if the significant efforts rest on\n"
	"                               commitments for next year (criterion c)\n"
	"  waivers                      array of \"watch_list\", \"sanctions\" (all) and\n"
	"                               \"sanctions:CODE\" (one sanction)\n"
	"  compliant_before_sanctions   true if the government met the standards or\n"
	"                               began significant efforts before sanctions\n"
	"                               took effect\n"
	"  prescribed_penalty_years     least prison term the law prescribes, or null\n"
	"  sentences_one_year_or_more   convictions with prison of a year or more\n"
	"  suspended_sentences          convictions with a suspended sentence\n"
	"Settings (all optional; there are no defaults):\n"
	"  victims_very_significant     victims at or above this meet criterion (a)\n"
	"  victims_increase_ratio       victims at least this many times last year's\n"
	"                               (and more than last year's) meet criterion (a)\n"
	"  watch_list_waiver_limit      most consecutive years the Watch List waiver\n"
	"                               may be used (no limit when absent)\n"
	"\n"
	"Output: a JSON array, one object per input record:\n"
	"  country, year\n"
	"  tier                         \"1\", \"2\", \"2WL\" or \"3\"\n"
	"  watch_list_criteria          the criteria that apply: \"a\", \"b\", \"c\"\n"
	"  downgraded_after_two_watch_list_years\n"
	"                               true if two earlier Watch List years (from\n"
	"                               2009) moved it to Tier 3\n"
	"  sanctions                    Tier 3 sanctions not waived:\n"
	"                               non_humanitarian_non_trade_assistance,\n"
	"                               educational_cultural_exchange_funding,\n"
	"                               international_financial_institution_loans\n"
	"  reasons                      sentences explaining the placement\n"
	"\n"
	"Criterion (b) compares the same country's record for the previous year;\n"
	"records are taken in year order whatever the input order.  Bad input is\n"
	"refused with a message naming the record; nothing is written then.\n"
	"\n"
	"From a database (--db PATH --year Y): the input is built from the records of\n"
	"'sanad response' (the analyst's finding with its justification, and the\n"
	"figures of the concrete criminal-justice records and facts: plans,\n"
	"conferences, task forces and draft laws are not counted) for every report\n"
	"year up to Y, since criterion (b) and the two-year rule look back; the\n"
	"settings are those stored by 'sanad response import'.  The output holds the\n"
	"placements of year Y (of --country CC only, if given), one per country with\n"
	"a finding, and they are stored in the tier history the report shows\n"
	"(--no-store: print only).  --print-input prints the built input document\n"
	"instead, as 'sanad assess --input' would read it.\n";

/* Read all of FILE ("-": standard input) as JSON.  Duplicate keys are refused
 * because the second "finding" of a record would silently win. */
static json_t *load_input(const char *path, struct sanad_error *err)
{
	json_error_t jerr;
	json_t *v;
	const size_t flags = JSON_REJECT_DUPLICATES;
	if (!strcmp(path, "-"))
		v = json_loadf(stdin, flags, &jerr);
	else
		v = json_load_file(path, flags, &jerr);
	if (!v) {
		if (jerr.line < 1)
			sanad_error_set(err, SANAD_EIO, "%s: %s", path, jerr.text);
		else
			sanad_error_set(err, SANAD_EINVAL, "%s: line %d, column %d: %s", path, jerr.line,
					jerr.column, jerr.text);
	}
	return v;
}

/* Print (or write to output_path) a JSON value, indented. */
static int emit(json_t *value, const char *output_path, struct sanad_error *err)
{
	char *text = json_dumps(value, JSON_INDENT(2));
	int rc = 0;
	if (!text)
		return sanad_error_set(err, SANAD_EIO, "out of memory formatting the result");
	if (output_path) {
		struct strbuf sb = STRBUF_INIT;
		strbuf_addstr(&sb, text);
		strbuf_addch(&sb, '\n');
		rc = file_write_atomic(output_path, strbuf_str(&sb), sb.len, err);
		strbuf_release(&sb);
	} else {
		puts(text);
	}
	free(text);
	return rc;
}

/* `sanad assess --db PATH --year Y`: from the stored records. */
static int assess_from_db(int argc, char **argv, struct cli_context *ctx, const char *output_path)
{
	struct sanad_error err = { 0 };
	struct response_assessment a;
	struct storage *st;
	const char *year_s = cli_option(argc, argv, "year"), *country = cli_option(argc, argv, "country");
	int print_input = cli_flag(argc, argv, "print-input"), store = !cli_flag(argc, argv, "no-store");
	int64_t year;
	char cc[3];
	json_t *out;
	int rc, n = 0;

	if (parse_int64(year_s, ASSESS_YEAR_MIN, ASSESS_YEAR_MAX, &year)) {
		fprintf(stderr, "sanad assess: --year must be a report year from %d to %d\n", ASSESS_YEAR_MIN,
			ASSESS_YEAR_MAX);
		return 2;
	}
	if (!ctx->db_path) {
		fprintf(stderr, "sanad assess: --year needs the database: use --db PATH or set SANAD_DB\n");
		return 2;
	}
	if (country && response_country(country, cc, &err)) {
		cli_error("assess", &err);
		return 2;
	}
	if (storage_open_keyed(&st, ctx->db_path, store && !print_input ? 0 : STORAGE_READONLY, ctx->key_path,
			       &err)) {
		cli_error("assess", &err);
		return 1;
	}
	rc = response_assess(st, country ? cc : NULL, (int)year, &a, &err);
	if (!rc && print_input) {
		rc = emit(a.input, output_path, &err);
		response_assessment_release(&a);
		storage_close(st);
		if (rc)
			cli_error("assess", &err);
		return rc ? 1 : 0;
	}
	if (!rc) {
		out = json_array();
		for (int i = 0; i < a.nrecords; i++)
			if (a.records[i].year == (int)year) {
				json_array_append_new(out, assess_result_json(&a.records[i], &a.results[i]));
				n++;
			}
		if (!n)
			rc = sanad_error_set(&err, SANAD_ENOTFOUND,
					     "no finding is recorded for %s%s%d: nothing to assess (record one with "
					     "'sanad response add finding' or 'sanad response import')",
					     country ? cc : "", country ? " " : "any country in ", (int)year);
		if (!rc && store)
			rc = response_assessment_store(st, &a, (int)year, &err);
		if (!rc)
			rc = emit(out, output_path, &err);
		json_decref(out);
		response_assessment_release(&a);
	}
	storage_close(st);
	if (rc) {
		cli_error("assess", &err);
		return 1;
	}
	return 0;
}

int cmd_assess(int argc, char **argv, struct cli_context *ctx)
{
	static const char *const allowed[] = { "input=", "output=", "year=", "country=", "print-input", "no-store",
					       NULL };
	struct sanad_error err = { 0 };
	const char *input_path, *output_path;
	json_t *input, *output;
	char **pos, *text;
	int npos, rc;

	if ((rc = cli_parse("assess", argc, argv, allowed, &pos, &npos)))
		return rc;
	free(pos);
	if (npos) {
		fprintf(stderr, "sanad assess: unexpected argument (give the file with --input)\n");
		return 2;
	}
	input_path = cli_option(argc, argv, "input");
	output_path = cli_option(argc, argv, "output");
	if (output_path && !*output_path) {
		fprintf(stderr, "sanad assess: --output needs a file name\n");
		return 2;
	}
	if (input_path && (cli_option(argc, argv, "year") || cli_option(argc, argv, "country") ||
			   cli_flag(argc, argv, "print-input") || cli_flag(argc, argv, "no-store"))) {
		fprintf(stderr, "sanad assess: give either --input FILE.json or --db PATH --year Y, not both\n");
		return 2;
	}
	if (!input_path && cli_option(argc, argv, "year"))
		return assess_from_db(argc, argv, ctx, output_path);
	if (!input_path || !*input_path) {
		fprintf(stderr, "sanad assess: --input FILE.json is required, or --db PATH --year Y (see 'sanad "
				"assess --help')\n");
		return 2;
	}
	if (!(input = load_input(input_path, &err))) {
		cli_error("assess", &err);
		return 1;
	}
	rc = assess_run(input, &output, &err);
	json_decref(input);
	if (rc) {
		cli_error("assess", &err);
		return 1;
	}
	text = json_dumps(output, JSON_INDENT(2));
	json_decref(output);
	if (!text) {
		fprintf(stderr, "sanad assess: out of memory formatting the result\n");
		return 1;
	}
	if (output_path) {
		struct strbuf sb = STRBUF_INIT;
		strbuf_addstr(&sb, text);
		strbuf_addch(&sb, '\n');
		rc = file_write_atomic(output_path, strbuf_str(&sb), sb.len, &err);
		strbuf_release(&sb);
		free(text);
		if (rc) {
			cli_error("assess", &err);
			return 1;
		}
		return 0;
	}
	puts(text);
	free(text);
	return 0;
}
