/*
 * demo: a realistic synthetic data set for trying Sanad, training staff and
 * benchmarking, with no real person in it.
 *
 * The deployment is fictional but plausible: a destination country
 * (Jordan) whose ministry, shelters, migrant-workers centre, hotline,
 * police anti-trafficking unit, labour inspectorate, immigration service
 * and legal-aid centre record cases of migrant domestic workers, garment
 * and construction workers, refugees in forced marriage and begging, and
 * sexual exploitation, registered 2015-2025.  Names are in Arabic script
 * for Arabic-speaking nationalities (a quarter of them transliterated, with
 * the spelling variants people really use: Mohammed, Muhammad, Mohamed),
 * Latin script for the others.  Routes, dates, ages, sex mixes, means of
 * control, recruitment (online more often after 2020), services (remote and
 * phone in 2020-2021), consent, referrals, perpetrators and re-trafficking
 * follow the patterns the source documents describe.
 *
 * Deterministic: the same seed and number of cases give the same data on
 * every machine and day (a private PRNG; dates come from fixed years, never
 * from the clock).  Every generated case goes through derivation and
 * validation before storage_case_insert, like any import.
 */
#ifndef SANAD_DEMO_H
#define SANAD_DEMO_H

#include <stdio.h>

#include "storage/storage.h"

struct demo_options {
	uint64_t seed;   /* any value; the same seed gives the same cases */
	long cases;      /* how many cases to add (0 is allowed: organisations only) */
	FILE *progress;  /* progress lines for long runs, or NULL */
};

struct demo_result {
	int orgs_added;  /* demo organisations that were missing and were added */
	long cases;      /* cases added */
	int first_year, last_year; /* registration years of the added cases */
};

/* The largest number of cases one run adds. */
#define DEMO_MAX_CASES 10000000L

/* Add the demo organisations that st lacks (by code), then opts->cases
 * cases spread over them, in transactions of up to 50,000 cases.  On
 * failure the batch in progress is rolled back (earlier batches stay) and
 * err names the case number and field.  res may be NULL. */
int demo_generate(struct storage *st, const struct demo_options *opts, struct demo_result *res,
		  struct sanad_error *err);

#endif
