/*
 * exporter: writing the cases of a database out, in the formats the importer
 * reads back.  Export followed by import into a new database followed by
 * export gives the same bytes, so an export is also a migration and a
 * backup that people can read.
 *
 *   htcds-csv  one row per case: every case field in registry order, then
 *              for each repeating group (in registry order) and each item
 *              n = 1..the most items any exported case has, that group's
 *              fields suffixed ".n" (hte_Type.1, hte_Country.1, ...,
 *              hte_Type.2, ...).  Unknown values are empty cells; multi-
 *              selects are their codes joined by ';'.  RFC 4180, UTF-8
 *              without a BOM, LF line ends.  Free-text cells carry the
 *              spreadsheet formula guard (a leading apostrophe, see
 *              csv_cell); numbers, dates and codes are validated and never
 *              start a formula, so they are written as they are.
 *   json       {"format":"sanad-cases","version":1,
 *               "organisations":[{organisation}...],
 *               "cases":[{case fields..., "events":[{...}], ...}...]}
 *              Whole numbers are JSON integers, yes/no fields true/false,
 *              multi-selects arrays of codes, everything else strings.
 *              Unknown fields and empty groups are left out.  Keys follow
 *              the registry order and each organisation and case sits on
 *              one line, so exports are byte-identical and diff well.
 *              "organisations" lists the organisations that own at least
 *              one exported case.
 *
 * Exports stream: one case is in memory at a time.  The whole export reads
 * one snapshot of the database, so it is consistent while others write.
 * A full export contains the identities of victims and must be protected
 * like the database itself; no_identity leaves out the FF_IDENTITY and
 * FF_NARRATIVE fields for sharing.
 */
#ifndef SANAD_EXPORTER_H
#define SANAD_EXPORTER_H

#include <jansson.h>
#include <stdio.h>

#include "storage/storage.h"

enum export_format { EXPORT_HTCDS_CSV, EXPORT_JSON };

/* "htcds-csv" or "json" -> enum; -1 if unknown. */
int export_format_parse(const char *name);

struct export_options {
	const char *org_code; /* only this organisation's cases, if set */
	int no_identity;      /* leave out FF_IDENTITY and FF_NARRATIVE fields */
};

/* Write the cases of st to out in format fmt.  opt may be NULL (everything).
 * Reads one snapshot: its own read transaction, or the caller's when one is
 * open.  Returns 0, SANAD_ENOTFOUND for an unknown
 * opt->org_code, SANAD_EIO when out could not be written, or a database
 * error.  On failure out holds a partial export: callers writing a file
 * write a temporary one and rename it on success. */
int export_cases(struct storage *st, enum export_format fmt, const struct export_options *opt,
		 FILE *out, struct sanad_error *err);

/* The JSON object of one case, exactly as it appears in the "cases" array of
 * a JSON export (no_identity as in export_options).  Returns a new
 * reference. */
json_t *export_case_json(const struct case_record *c, int no_identity);

/* The JSON value of the canonical text value of field f, as an export writes
 * it (integer, true/false, list of codes or string).  New reference. */
json_t *export_value_json(const struct field_def *f, const char *value);

/* 1 if field f is written by an export with the given no_identity. */
int export_field_included(const struct field_def *f, int no_identity);

/* ---- k-anonymous micro-data in the CTDC layout (export_ctdc.c; issue 5) ----
 *
 * One row per selected case in the columns of the CTDC global dataset
 * (yearOfRegistration, gender, ageBroad, citizenship, isForcedLabour,
 * isSexualExploit, CountryOfExploitation), every one of them a
 * quasi-identifier, generalised and the rest suppressed until each
 * combination of values is shared by at least k rows (see export_ctdc.c
 * for the hierarchies).  "-" is unknown, "*" withheld. */
enum export_scope {
	EXPORT_SCOPE_ALL,      /* every case of the database */
	EXPORT_SCOPE_ORG,      /* org_code's cases */
	EXPORT_SCOPE_NATIONAL, /* the national pool: as STATS_SCOPE_NATIONAL */
};
/* "all", "org", "national". */
const char *export_scope_name(enum export_scope s);

struct ctdc_anon_options {
	enum export_scope scope;
	const char *org_code; /* EXPORT_SCOPE_ORG */
	int year;             /* 0: all years; else cases registered that year */
	size_t k;             /* >= 2 */
	double max_suppress;  /* share of records that may be suppressed, 0..1 */
};

#define CTDC_ANON_MAX_COLUMNS 8
struct ctdc_anon_report {
	enum export_scope scope;
	int year;
	size_t k;
	double max_suppress;
	size_t selected;           /* cases the scope selects */
	size_t written;            /* rows in the file: selected - suppressed */
	size_t suppressed;
	size_t classes;            /* equivalence classes among the rows written */
	size_t smallest_class;
	int64_t duplicates_merged; /* national scope: records of a person counted once */
	int ncolumns;
	struct {
		const char *name;       /* the CTDC column(s) */
		int level, nlevels;     /* level chosen, 0..nlevels-1 (the last: withheld) */
		const char *level_name; /* "UN M49 sub-region" */
		size_t changed;         /* rows written whose value was generalised */
	} columns[CTDC_ANON_MAX_COLUMNS];
};

/* Append the anonymised CSV to out and fill *report.  Reads one snapshot
 * (its own read transaction unless the caller has one open).  SANAD_EINVAL
 * for k < 2 or a share outside 0..1, SANAD_ENOTFOUND for an unknown
 * organisation, or a database error; out may then hold part of the file. */
int export_ctdc_anon(struct storage *st, const struct ctdc_anon_options *o, struct strbuf *out,
		     struct ctdc_anon_report *report, struct sanad_error *err);
/* The report as JSON (new reference): {"format": "ctdc-anon", "scope",
 * "year", "k", "max_suppress", "selected", "written", "suppressed",
 * "classes", "smallest_class", "duplicates_merged", "columns":
 * [{"quasi_identifier", "level", "levels", "level_name",
 * "records_changed"}]}. */
json_t *export_ctdc_anon_report_json(const struct ctdc_anon_report *r);
/* The report as lines for a terminal, appended to out. */
void export_ctdc_anon_report_text(const struct ctdc_anon_report *r, struct strbuf *out);

#endif
