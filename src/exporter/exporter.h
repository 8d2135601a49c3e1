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

#endif
