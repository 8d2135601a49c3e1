/*
 * report: the annual report of the national response, in Arabic and
 * English, built from the stored records (src/response) and the placements
 * of the assessment engine (src/assess).
 *
 * For each country assessed in the report year, a narrative with the
 * structure of the TIP Report's country sections (seed 000): scope and
 * nature of trafficking, prosecution, protection, prevention, the guideline
 * checks, what was recorded but not counted, the tier and why (a Watch List
 * placement names the criterion that applied, a Tier 3 placement its
 * sanctions), and the recommendations with the programmes that answer them.
 * Before the countries, a summary table of every country with its tier
 * history (Sanad's assessments and imported TIP Report placements).
 *
 * One model, three renderings: HTML (a self-contained page, right to left
 * for Arabic), PDF (cairo + pango: Arabic is shaped by HarfBuzz and laid
 * out right to left) and a JSON data export.  The headings and fixed
 * sentences come from data/report-strings.tsv (response_string), the
 * labels from the vocabularies, the analyst's prose from the records.
 */
#ifndef SANAD_REPORT_H
#define SANAD_REPORT_H

#include <jansson.h>

#include "storage/storage.h"
#include "vocab/vocab.h"

/* Years of history in the summary table: the report year and the ones
 * before it. */
#define REPORT_HISTORY_YEARS 8

struct report_options {
	int year;            /* report year */
	const char *country; /* one country (alpha-2), or NULL: every country with a finding that year */
};

struct report;

/* Gather everything the report shows.  Fails with SANAD_ENOTFOUND when no
 * country has a finding recorded for the year (naming the country when one
 * was asked for).  *out is new: free it with report_free. */
int report_build(struct storage *st, const struct report_options *opt, struct report **out,
		 struct sanad_error *err);
void report_free(struct report *r);

/* The report as one HTML page (inline style, no outside resources;
 * lang="ar" dir="rtl" for Arabic), appended to out. */
void report_html(const struct report *r, enum vocab_lang lang, struct strbuf *out);
/* The report as a PDF file at path (A4), written through a temporary file
 * and renamed, so a failure leaves no partial file. */
int report_pdf(const struct report *r, enum vocab_lang lang, const char *path, struct sanad_error *err);
/* The data export: every figure, check, placement, reason, recommendation
 * and history entry, with labels and sentences in lang.  New reference. */
json_t *report_json(const struct report *r, enum vocab_lang lang);

/* ---- statistical report (statistics.c; issue 5) ----
 * The national figures of a year -- totals and method, sex x age, form
 * of exploitation, nationality, the trend over the years, routes,
 * referral and services, recruitment channels, SDG 16.2.2 -- every table
 * published with disclosure control and drawn as a chart (src/charts). */
#include "stats/stats.h"

enum report_stats_format { REPORT_STATS_PDF, REPORT_STATS_HTML };

struct report_stats_options {
	int year;              /* cases registered that year; trends run up to it */
	enum stats_scope scope; /* STATS_SCOPE_NATIONAL (pooled, deduplicated) or STATS_SCOPE_ALL */
	int64_t threshold;     /* smallest count published; 0: DISCLOSURE_DEFAULT_THRESHOLD */
	enum vocab_lang lang;
};

/* The report as an A4 PDF written to path (through a temporary file, so a
 * failure leaves none), or as one self-contained HTML page (lang and dir
 * set, inline SVG charts) appended to out. */
int report_statistics(struct storage *st, const struct report_stats_options *o, enum report_stats_format format,
		      const char *path, struct strbuf *out, struct sanad_error *err);

#endif
