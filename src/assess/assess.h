/*
 * assess: the yearly TIP-style country assessment.  From country-year
 * records — the analyst's finding on the minimum standards plus the figures
 * (victims, investigations, prosecutions, convictions, victims assisted,
 * official-complicity cases, sentencing) — the engine computes the guideline
 * checks and places each country-year in Tier 1, Tier 2, the Tier 2 Watch
 * List or Tier 3, following the 2009 TIP Report introduction (seed 000):
 * Watch List criteria (a), (b), (c), the two-consecutive-Watch-List-years
 * rule counted from the 2009 report, and Tier 3 sanctions with their
 * waivers.  Every placement carries the sentences that justify it.
 * docs/assessment.md states every rule with its source and the JSON formats.
 *
 * Two levels of API:
 *   - assess_run: JSON in (the `sanad assess` input document), JSON out (one
 *     object per record, in input order).  The CLI and the API use this.
 *   - assess_parse / assess_evaluate / assess_result_json: the same steps on
 *     C structs, for callers that hold records already (country reports).
 *
 * Nothing here keeps state between calls, so every function is safe to call
 * from any thread.
 */
#ifndef SANAD_ASSESS_H
#define SANAD_ASSESS_H

#include <jansson.h>
#include <stdint.h>

#include "util/util.h"

/* A figure nobody reported (JSON null or absent). */
#define ASSESS_UNKNOWN (-1)
/* Largest count accepted for any figure: more people than live on Earth is
 * a typing error, and the bound keeps the arithmetic far from overflow. */
#define ASSESS_COUNT_MAX INT64_C(10000000000)
#define ASSESS_YEAR_MIN 2001 /* the first TIP Report */
#define ASSESS_YEAR_MAX 2100
/* The Watch List years that count toward the two-year rule start with the
 * 2009 report (seed 000, "Tier 2 Watch List"). */
#define ASSESS_WATCH_LIST_FIRST_YEAR 2009
/* Guidelines (seed 000, "Prosecution"): a prescribed penalty of at least four
 * years' imprisonment; imposed sentences of one year or more in most cases. */
#define ASSESS_MIN_PRESCRIBED_PENALTY_YEARS 4

/* The analyst's finding on the minimum standards. */
enum assess_finding {
	ASSESS_FULL = 0,               /* "full": fully meets them */
	ASSESS_SIGNIFICANT_EFFORTS,    /* "significant_efforts" */
	ASSESS_NO_SIGNIFICANT_EFFORTS, /* "no_significant_efforts" */
};

enum assess_tier {
	ASSESS_TIER_1 = 0,
	ASSESS_TIER_2,
	ASSESS_TIER_2WL, /* Tier 2 Watch List */
	ASSESS_TIER_3,
};

/* Watch List criteria, as bits. */
enum assess_criterion {
	ASSESS_CRITERION_A = 1 << 0, /* victims very significant or significantly increasing */
	ASSESS_CRITERION_B = 1 << 1, /* no evidence of increasing efforts over last year */
	ASSESS_CRITERION_C = 1 << 2, /* efforts rest on commitments for next year */
};

/* The Tier 3 sanctions of seed 000, in the seed's order; the bit of
 * sanction i is 1 << i. */
enum assess_sanction {
	ASSESS_SANCTION_ASSISTANCE = 0, /* non_humanitarian_non_trade_assistance */
	ASSESS_SANCTION_EXCHANGES,      /* educational_cultural_exchange_funding */
	ASSESS_SANCTION_IFI_LOANS,      /* international_financial_institution_loans */
	ASSESS_SANCTION_COUNT
};
#define ASSESS_ALL_SANCTIONS ((1u << ASSESS_SANCTION_COUNT) - 1)

/* The five figures compared year on year for criterion (b). */
enum assess_effort {
	ASSESS_INVESTIGATIONS = 0,
	ASSESS_PROSECUTIONS,
	ASSESS_CONVICTIONS,
	ASSESS_VICTIMS_ASSISTED,
	ASSESS_COMPLICITY_CASES, /* an effort when it falls */
	ASSESS_EFFORT_COUNT
};

struct assess_settings {
	/* Criterion (a) thresholds; 0 means not set.  No defaults: the seed
	 * names no number (docs/assessment.md). */
	int64_t victims_very_significant;
	double victims_increase_ratio;
	/* Most consecutive years the Watch List waiver may keep a country off
	 * Tier 3; -1 means no limit (the seed states none). */
	int watch_list_waiver_limit;
};

struct assess_record {
	char country[3];          /* ISO 3166 alpha-2, canonical */
	int year;                 /* report year */
	enum assess_finding finding;
	char *justification;      /* the analyst's reasons for the finding, or NULL */
	int64_t victims;          /* or ASSESS_UNKNOWN, as every figure below */
	int64_t efforts[ASSESS_EFFORT_COUNT];
	/* Sentencing, for the guideline checks (optional in the input). */
	double prescribed_penalty_years; /* < 0: unknown */
	int64_t sentences_one_year_or_more;
	int64_t suspended_sentences;
	int efforts_rest_on_commitments;
	int compliant_before_sanctions;
	int waive_watch_list;      /* "watch_list" waiver */
	unsigned waived_sanctions; /* sanction bits waived */
};

struct assess_result {
	enum assess_tier tier;
	unsigned watch_list_criteria; /* ASSESS_CRITERION_* bits */
	int downgraded_after_two_watch_list_years;
	unsigned sanctions;           /* sanction bits that apply after waivers */
	/* History the next year needs: consecutive Watch List years ending with
	 * this one, counted from 2009 (0 when not on the Watch List); and
	 * consecutive years the Watch List waiver was used, ending with this
	 * one. */
	int watch_list_years;
	int watch_list_years_before_2009; /* uncounted years just before 2009 */
	int waiver_years;
	char **reasons;               /* English sentences, owned */
	int nreasons;
};

/* Stable names used in the JSON formats. */
const char *assess_tier_name(enum assess_tier tier);         /* "1", "2", "2WL", "3" */
const char *assess_finding_name(enum assess_finding finding); /* "full", ... */
const char *assess_sanction_code(enum assess_sanction s);

/* Read the input document of `sanad assess` (an array of records, or an
 * object {"settings": {...}, "records": [...]}) into settings and a new
 * array of *nrecords records (free with assess_records_free).  Validates
 * everything, including duplicate country-years; on failure nothing is
 * returned and err names the record (number, index, country and year) and
 * the field.  input is borrowed. */
int assess_parse(json_t *input, struct assess_settings *settings, struct assess_record **records,
		 int *nrecords, struct sanad_error *err);
void assess_records_free(struct assess_record *records, int nrecords);

/* Place every record.  records need not be sorted: each country's records
 * are taken in year order, and the "previous year" of a record is the same
 * country's record for year - 1 when there is one.  results must have room
 * for nrecords; results[i] belongs to records[i] (release each with
 * assess_result_release).  The records must be valid (as assess_parse
 * returns them) with distinct country-years; returns SANAD_EINVAL otherwise. */
int assess_evaluate(const struct assess_settings *settings, const struct assess_record *records,
		    int nrecords, struct assess_result *results, struct sanad_error *err);
void assess_result_release(struct assess_result *result);

/* The output object of one record: country, year, tier,
 * watch_list_criteria, downgraded_after_two_watch_list_years, sanctions,
 * reasons, in that order.  Returns a new reference. */
json_t *assess_result_json(const struct assess_record *record, const struct assess_result *result);

/* Parse, evaluate and format: *output becomes a new reference to the JSON
 * array of results in input order (the caller decrefs it).  input is
 * borrowed.  On failure *output is NULL and err says why. */
int assess_run(json_t *input, json_t **output, struct sanad_error *err);

#endif
