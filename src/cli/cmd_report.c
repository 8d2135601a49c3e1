/*
 * cli/cmd_report.c: `sanad report` writes the annual report of the national
 * response (src/report) as HTML, PDF or a JSON data export, in Arabic or
 * English; with --statistics, the statistical report of a year (issue 5:
 * published tables and their charts) as PDF or HTML.
 */
#include "cli/cli.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "disclosure/disclosure.h"
#include "report/report.h"
#include "response/response.h"

const char usage_report[] =
	"usage: sanad report --db PATH --year Y [--country CC] --lang ar|en\n"
	"                    --format html|pdf|json --output FILE\n"
	"       sanad report --statistics --db PATH --year Y --lang ar|en\n"
	"                    --format pdf|html --output FILE [--scope national|all]\n"
	"                    [--threshold N]\n"
	"\n"
	"Write the annual report of report year Y (reporting period 1 April Y-1 to\n"
	"31 March Y) for every country with a finding recorded that year, or for one.\n"
	"A summary table of the countries with their tier history comes first; then,\n"
	"for each country: scope and nature of trafficking, prosecution, protection,\n"
	"prevention, the guideline checks, what was recorded but not counted (plans,\n"
	"conferences, task forces, draft laws), the tier and why (a Watch List\n"
	"placement names the criterion that applied), and the recommendations with\n"
	"the programmes that answer them.\n"
	"\n"
	"Options:\n"
	"  --year Y        report year (required)\n"
	"  --country CC    only this country (ISO 3166 alpha-2)\n"
	"  --lang ar|en    language of the report (Arabic is laid out right to left)\n"
	"  --format F      html: one self-contained page; pdf: A4 for printing;\n"
	"                  json: the data export (figures, checks, placement, reasons,\n"
	"                  recommendations, programmes, tier history)\n"
	"  --output FILE   where to write it; '-' (html and json only) for standard\n"
	"                  output.  The file appears only when complete.\n"
	"\n"
	"The placements are computed from the stored records exactly as 'sanad assess\n"
	"--db PATH --year Y' computes them; the tier history shows Sanad's stored\n"
	"assessments and placements imported with 'sanad response import-tiers'.\n"
	"\n"
	"With --statistics: the statistical report of the victims registered in year\n"
	"Y -- totals and method, sex and age band, form of exploitation, nationality,\n"
	"the trend over the years up to Y, routes, referral and services, recruitment\n"
	"channels and SDG indicator 16.2.2 where population figures exist -- every\n"
	"table published with disclosure control (as 'sanad stats --publish') and\n"
	"drawn as a chart.\n"
	"  --scope S       national (default): the pooled cases of organisations in\n"
	"                  the national pool with the victim's consent, each person\n"
	"                  counted once; all: every case in the database\n"
	"  --threshold N   smallest count published (default 5, 2..1000)\n";

static int statistics(int argc, char **argv, struct cli_context *ctx, int year, enum vocab_lang lang,
		      const char *format, const char *output)
{
	const char *scope = cli_option(argc, argv, "scope"), *threshold = cli_option(argc, argv, "threshold");
	struct report_stats_options o = { year, STATS_SCOPE_NATIONAL, DISCLOSURE_DEFAULT_THRESHOLD, lang };
	struct sanad_error err = { 0 };
	struct strbuf sb = STRBUF_INIT;
	int rc, pdf = !strcmp(format, "pdf");

	if (!strcmp(format, "json")) {
		fprintf(stderr, "sanad report: --statistics is written as pdf or html, not json "
				"(the tables as data: 'sanad stats --publish --format json')\n");
		return 2;
	}
	if (cli_option(argc, argv, "country")) {
		fprintf(stderr, "sanad report: --country does not apply to --statistics\n");
		return 2;
	}
	if (scope && strcmp(scope, "national") && strcmp(scope, "all")) {
		fprintf(stderr, "sanad report: --scope '%.40s' must be national or all\n", scope);
		return 2;
	}
	if (scope && !strcmp(scope, "all"))
		o.scope = STATS_SCOPE_ALL;
	if (threshold && parse_int64(threshold, 2, 1000, &o.threshold)) {
		fprintf(stderr, "sanad report: --threshold '%.40s' is not a count from 2 to 1000\n", threshold);
		return 2;
	}
	rc = report_statistics(ctx->st, &o, pdf ? REPORT_STATS_PDF : REPORT_STATS_HTML, output, &sb, &err);
	if (!rc && !pdf) {
		if (!strcmp(output, "-")) {
			rc = fwrite(sb.buf, 1, sb.len, stdout) == sb.len ? 0 : SANAD_EIO;
			if (rc)
				sanad_error_set(&err, rc, "writing to standard output failed");
		} else {
			rc = file_write_atomic(output, strbuf_str(&sb), sb.len, &err);
		}
	}
	strbuf_release(&sb);
	if (rc) {
		cli_error("report", &err);
		return 1;
	}
	return 0;
}

int cmd_report(int argc, char **argv, struct cli_context *ctx)
{
	static const char *const opts[] = { "year=",	  "country=", "lang=",	    "format=", "output=",
					    "statistics", "scope=",   "threshold=", NULL };
	struct sanad_error err = { 0 };
	struct report_options ro = { 0 };
	struct report *r;
	const char *year = cli_option(argc, argv, "year"), *country = cli_option(argc, argv, "country"),
		   *lang_s = cli_option(argc, argv, "lang"), *format = cli_option(argc, argv, "format"),
		   *output = cli_option(argc, argv, "output");
	enum vocab_lang lang;
	char cc[3], **pos;
	int npos, rc, to_stdout;
	int64_t y;

	if ((rc = cli_parse("report", argc, argv, opts, &pos, &npos)))
		return rc;
	free(pos);
	if (npos) {
		fprintf(stderr, "sanad report: unexpected argument (see 'sanad report --help')\n");
		return 2;
	}
	if (!year || parse_int64(year, ASSESS_YEAR_MIN, ASSESS_YEAR_MAX, &y)) {
		fprintf(stderr, "sanad report: --year must be a report year from %d to %d\n", ASSESS_YEAR_MIN,
			ASSESS_YEAR_MAX);
		return 2;
	}
	if (!lang_s || (strcmp(lang_s, "ar") && strcmp(lang_s, "en"))) {
		fprintf(stderr, "sanad report: --lang must be ar or en\n");
		return 2;
	}
	lang = !strcmp(lang_s, "ar") ? VOCAB_AR : VOCAB_EN;
	if (!format || (strcmp(format, "html") && strcmp(format, "pdf") && strcmp(format, "json"))) {
		fprintf(stderr, "sanad report: --format must be html, pdf or json\n");
		return 2;
	}
	if (!output || !*output) {
		fprintf(stderr, "sanad report: --output FILE is required\n");
		return 2;
	}
	to_stdout = !strcmp(output, "-");
	if (to_stdout && !strcmp(format, "pdf")) {
		fprintf(stderr, "sanad report: a PDF needs a file: give --output FILE.pdf\n");
		return 2;
	}
	if (country) {
		if (response_country(country, cc, &err)) {
			cli_error("report", &err);
			return 2;
		}
		ro.country = cc;
	}
	if (cli_flag(argc, argv, "statistics"))
		return statistics(argc, argv, ctx, (int)y, lang, format, output);
	if (cli_option(argc, argv, "scope") || cli_option(argc, argv, "threshold")) {
		fprintf(stderr, "sanad report: --scope and --threshold apply to --statistics only\n");
		return 2;
	}
	ro.year = (int)y;
	if (report_build(ctx->st, &ro, &r, &err)) {
		cli_error("report", &err);
		return 1;
	}
	if (!strcmp(format, "pdf")) {
		rc = report_pdf(r, lang, output, &err);
	} else {
		struct strbuf sb = STRBUF_INIT;
		if (!strcmp(format, "html")) {
			report_html(r, lang, &sb);
		} else {
			json_t *j = report_json(r, lang);
			char *text = json_dumps(j, JSON_INDENT(2));
			json_decref(j);
			strbuf_addstr(&sb, text);
			strbuf_addch(&sb, '\n');
			free(text);
		}
		if (to_stdout) {
			rc = fwrite(sb.buf, 1, sb.len, stdout) == sb.len ? 0 : SANAD_EIO;
			if (rc)
				sanad_error_set(&err, rc, "writing to standard output failed");
		} else {
			rc = file_write_atomic(output, strbuf_str(&sb), sb.len, &err);
		}
		strbuf_release(&sb);
	}
	report_free(r);
	if (rc) {
		cli_error("report", &err);
		return 1;
	}
	return 0;
}
