/*
 * response: the records of a country's response to trafficking, per report
 * year — the analyst's finding on the minimum standards, criminal-justice
 * records, prescribed penalties, protection and prevention facts, and the
 * report's recommendations — plus the register of programmes that answer
 * those recommendations and the tier history.
 *
 * From the records it computes the figures and guideline checks of the 2009
 * TIP Report's introduction (seed 000: prescribed penalty of at least four
 * years; imposed sentences of a year or more in most convictions; the share
 * of suspended sentences; year-on-year change; the protection and
 * prevention guidelines) and builds the input of the assessment engine
 * (src/assess), which places the country; nothing here repeats its rules.
 *
 * Counting rule (seed 000, Methodology): every record carries an
 * action_kind.  Only concrete actions count; plans, conferences, task
 * forces and draft laws are stored and shown in the report, but never
 * enter a figure, a guideline check or the assessment.
 *
 * Report year Y covers the reporting period 1 April Y-1 to 31 March Y.
 * docs/assessment.md documents the record JSON, the checks and the report.
 */
#ifndef SANAD_RESPONSE_H
#define SANAD_RESPONSE_H

#include <jansson.h>

#include "assess/assess.h"
#include "storage/storage.h"
#include "vocab/vocab.h"

/* Sentences longer than this in a record are refused (a pasted document). */
#define RESPONSE_TEXT_MAX 20000
/* Longest prison term accepted, in months (a life sentence is entered as
 * this maximum). */
#define RESPONSE_SENTENCE_MONTHS_MAX 1200
/* One year of imprisonment: the imposed-sentence guideline. */
#define RESPONSE_ONE_YEAR_MONTHS 12

/* First and last day of the reporting period of report year. */
void response_period(int year, char from[11], char to[11]);

/* ---- fixed texts: data/report-strings.tsv, compiled in ----
 * Every heading and fixed sentence of the report and of the suggested
 * recommendations, in English and Arabic, keyed by a dotted name.
 * Templates name their slots {like_this}. */

/* Parse the built-in strings (idempotent, thread-safe). */
int response_strings_load(struct sanad_error *err);
/* The text of key in lang, or NULL when the key is unknown. */
const char *response_string(const char *key, enum vocab_lang lang);
/* Append the text of key in lang to out with each {name} replaced by its
 * value: pairs is name, value, name, value, ..., NULL.  An unknown key
 * appends "[key]" so that a missing translation shows instead of hiding. */
void response_format(struct strbuf *out, const char *key, enum vocab_lang lang, const char *const *pairs);
/* Every key (for tests): *count set, array borrowed. */
const char *const *response_string_keys(int *count);

/* ---- records: import, export, add, delete ---- */

struct response_import_summary {
	int country_years;    /* country-year records replaced */
	int justice, penalties, facts, findings;
	int recommendations_added, recommendations_updated, recommendations_kept;
	int settings;         /* 1 if the document set assessment settings */
};

/* Load a document of records (the format of docs/assessment.md, "Records of
 * the response"): a JSON array of country-year objects, or an object
 * {"settings": {...}, "records": [...]}.  Everything is validated first;
 * then, in one transaction, each country-year's finding, justice records,
 * penalties and facts are replaced by the file's, and its recommendations
 * are added or updated (never deleted: programmes link to them).  On
 * failure nothing is written and err names the record, item and field.
 * doc is borrowed. */
int response_import(struct storage *st, json_t *doc, struct response_import_summary *summary,
		    struct sanad_error *err);
/* Validate a document as response_import would, writing nothing. */
int response_validate(json_t *doc, struct sanad_error *err);
/* The stored records of country (NULL: all) for years year_from..year_to,
 * as an import document; *out is a new reference. */
int response_export(struct storage *st, const char *country, int year_from, int year_to, json_t **out,
		    struct sanad_error *err);
/* Add one item of kind "justice", "penalty", "fact", "recommendation" or
 * "finding" (which replaces the country-year's finding) to country-year,
 * validated as an item of the import format.  *id is the new row id
 * (0 for a finding); for a recommendation *ref (size 24) its reference.
 * item is borrowed. */
int response_add(struct storage *st, const char *kind, const char *country, int year, json_t *item,
		 int64_t *id, char ref[24], struct sanad_error *err);
/* Delete one record by kind ("justice", "penalty", "fact") and id, or a
 * recommendation by its reference ("JO-2011-2"). */
int response_delete(struct storage *st, const char *kind, const char *id_or_ref, struct sanad_error *err);

/* Validate a two-letter country code: *code is set to the canonical
 * alpha-2 code.  Alpha-3 codes and other aliases are refused, naming the
 * alpha-2 code to use. */
int response_country(const char *value, char code[3], struct sanad_error *err);

/* "CC-YYYY-N" of a recommendation. */
void response_recommendation_ref(const struct response_recommendation *r, char ref[24]);
int response_ref_parse(const char *ref, char country[3], int *year, int *number, struct sanad_error *err);

/* ---- figures and guideline checks ---- */

enum response_figure {
	RESPONSE_INVESTIGATIONS = 0,
	RESPONSE_PROSECUTIONS,
	RESPONSE_CONVICTIONS,
	RESPONSE_VICTIMS_IDENTIFIED,
	RESPONSE_VICTIMS_ASSISTED,
	RESPONSE_COMPLICITY_CASES,
	RESPONSE_FIGURE_COUNT
};
/* "investigations", ..., "complicity_cases" */
const char *response_figure_code(enum response_figure f);

enum response_status { RESPONSE_NOT_KNOWN = 0, RESPONSE_MET, RESPONSE_UNMET };
const char *response_status_code(enum response_status s); /* "not_known", "met", "unmet" */

/* The guideline checks, in report order. */
enum response_check_id {
	CHECK_PRESCRIBED_PENALTY = 0,
	CHECK_IMPOSED_SENTENCES,
	CHECK_SUSPENDED_SENTENCES,
	CHECK_INCREASING_EFFORTS,
	CHECK_PROACTIVE_IDENTIFICATION,
	CHECK_SHELTER_CARE,
	CHECK_NO_IMMIGRATION_DETENTION,
	CHECK_LEGAL_AID,
	CHECK_VICTIM_LANGUAGE_INFORMATION,
	CHECK_SAFE_REPATRIATION,
	CHECK_DEMAND_REDUCTION,
	CHECK_SUPPLY_CHAIN,
	CHECK_CHILD_SEX_TOURISM,
	CHECK_NATIONAL_ACTION_PLAN,
	RESPONSE_CHECK_COUNT
};

struct response_check_def {
	const char *code;   /* "prescribed_penalty", ...; also the recommendation's check_code */
	const char *pillar; /* "prosecution", "protection", "prevention" */
	int critical;       /* a protection factor the seed calls critical */
	const char *fact;   /* the response_fact kind it reads, or NULL */
};
const struct response_check_def *response_check_defs(void); /* RESPONSE_CHECK_COUNT entries */
/* The check called code, or -1. */
int response_check_find(const char *code);

/* One country-year, computed from concrete records only. */
struct response_figures {
	char country[3];
	int year;
	int has_finding;
	int has_records;         /* any finding, justice record, penalty or fact */
	int64_t figure[RESPONSE_FIGURE_COUNT]; /* ASSESS_UNKNOWN when not known */
	int victims_from_register;             /* identified/assisted came from the case register */
	/* sentencing of the concrete conviction records */
	int64_t sentences_known;          /* convictions whose sentence length is known */
	int64_t sentences_one_year_or_more; /* prison of 12 months or more, not suspended; ASSESS_UNKNOWN */
	int64_t suspended_known;          /* convictions known to be suspended or not */
	int64_t suspended_sentences;      /* ASSESS_UNKNOWN when no conviction says */
	/* prescribed penalty in force: the least term among the concrete
	 * penalties of the latest year <= year that has any */
	double prescribed_penalty_years;  /* < 0: none recorded */
	int penalty_year;
	char *penalty_law;                /* owned */
	/* per response_fact kind (index in the vocab list): a concrete yes (1),
	 * no (0) or nothing concrete (-1); counts summed (-1: none) */
	int fact_flag[32];
	int64_t fact_count[32];
	int fact_planned[32];             /* records of the kind that do not count */
	int not_counted;                  /* plans, conferences, task forces, draft laws */
};
void response_figures_release(struct response_figures *f);

/* Compute the figures of country-year from rows (which must hold that
 * country's rows for year and the years before, for the penalty in force);
 * reads the case register when the finding says victims_from_register. */
int response_figures_compute(struct storage *st, const struct response_rows *rows, const char *country, int year,
			     struct response_figures *out, struct sanad_error *err);

struct response_check {
	const struct response_check_def *def;
	enum response_status status;
	char *detail[2]; /* sentence with the numbers, English and Arabic; owned */
};
/* The checks of cur, against prev (the same country's previous report year,
 * or NULL).  checks has RESPONSE_CHECK_COUNT entries (release each). */
void response_checks_compute(const struct response_figures *cur, const struct response_figures *prev,
			     struct response_check *checks);
void response_check_release(struct response_check *c);
/* The suggested recommendation for an unmet check, in lang (borrowed). */
const char *response_check_recommendation(const struct response_check_def *def, enum vocab_lang lang);

/* Figures, checks and suggested recommendations of country-year as JSON
 * (for `sanad response checks`); new reference. */
json_t *response_checks_json(const struct response_figures *cur, const struct response_figures *prev,
			     const struct response_check *checks);

/* ---- the assessment from stored records ---- */

struct response_assessment {
	json_t *input;                   /* the `sanad assess` input document built */
	struct assess_settings settings;
	struct assess_record *records;   /* every country-year with a finding, years <= year */
	int nrecords;
	struct assess_result *results;   /* results[i] belongs to records[i] */
};
/* Build the assess input from the stored findings and records of country
 * (NULL: every country) for all report years up to year (earlier years
 * matter: criterion (b) and the two-year rule look back), and evaluate it.
 * *out is initialised here; release it. */
int response_assess(struct storage *st, const char *country, int year, struct response_assessment *out,
		    struct sanad_error *err);
void response_assessment_release(struct response_assessment *a);
/* Index of country-year in a->records, or -1. */
int response_assessment_find(const struct response_assessment *a, const char *country, int year);
/* Record the placements of year (all countries of a) in the tier history
 * as source "assessment". */
int response_assessment_store(struct storage *st, const struct response_assessment *a, int year,
			      struct sanad_error *err);
/* The assessment record for figures + finding: exposed for tests and for
 * `sanad assess --print-input`.  *out is a new JSON object of the assess
 * input format. */
json_t *response_assess_record_json(const struct response_finding *finding, const struct response_figures *fig);

/* Assessment settings kept in the database (meta "response_settings"):
 * the settings object of the assess input, or NULL (new reference). */
int response_settings_get(struct storage *st, json_t **settings, struct sanad_error *err);

/* ---- tier history ---- */

struct response_tier_import {
	int rows;      /* data rows read */
	int stored;    /* placements stored */
	int not_ranked;/* NA rows (not ranked that year) */
	int skipped;   /* rows outside the report years 2001-2100 */
};
/* Import a TIP tier history CSV (countryname,iso,year,ccode,tier; alpha-3
 * codes; "Tier 1", "Tier 2", "Watchlist", "Tier 3" with trailing spaces;
 * NA for not ranked) as source "tip_report", all in one transaction.  An
 * unknown country code or tier label is an error naming the line. */
int response_import_tiers(struct storage *st, const char *path, struct response_tier_import *summary,
			  struct sanad_error *err);

/* ---- programmes ---- */

/* Validate and canonicalise p (vocabulary codes, countries, dates, amount)
 * and add it. */
int response_programme_add(struct storage *st, struct programme *p, struct sanad_error *err);
/* Link programme code to the recommendation ref.  Refused when the
 * programme names countries and the recommendation's is not one of them. */
int response_programme_link(struct storage *st, const char *programme_code, const char *ref,
			    struct sanad_error *err);
/* The recommendations of report year (country NULL: every country), each
 * with the programmes linked to it: a JSON array of {ref, country, year,
 * pillar, check, text, text_ar, programmes: [codes]}.  With gaps_only,
 * only those no programme answers.  New reference. */
int response_recommendations_json(struct storage *st, int year, const char *country, int gaps_only, json_t **out,
				  struct sanad_error *err);
/* A programme as JSON (new reference). */
json_t *response_programme_json(const struct programme *p);

#endif
