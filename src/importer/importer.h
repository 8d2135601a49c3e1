/*
 * importer: reading cases from outside files into the database, safely.
 *
 * The pipeline: a format reader (HTCDS CSV, the CTDC layout, XForm
 * submissions, Sanad JSON) streams the file and hands each record to the
 * import sink; the sink validates it (field rules, vocabularies, rules
 * across fields), and either inserts it or records the rejection with row,
 * column, value and reason.  Everything happens in one transaction: by
 * default any invalid record means nothing is written; with skip_invalid the
 * valid records are written and the rejected ones go to a reject file.
 * Readers stream, so memory does not grow with the file.
 */
#ifndef SANAD_IMPORTER_H
#define SANAD_IMPORTER_H

#include <stdio.h>

#include "storage/storage.h"

enum import_format { IMPORT_HTCDS_CSV, IMPORT_CTDC, IMPORT_XFORM, IMPORT_JSON };

/* "htcds-csv", "ctdc", "xform", "json" -> enum; -1 if unknown. */
int import_format_parse(const char *name);

struct import_options {
	enum import_format format;
	const char *org_code;      /* organisation for records that do not name one */
	int skip_invalid;          /* import valid records, report the others */
	FILE *rejects;             /* with skip_invalid: rejected records and reasons (CSV) */
	FILE *report;              /* human-readable problems (stderr by default) */
	long max_reported;         /* stop listing problems after this many (0: 100) */
	int quiet;                 /* leave warnings off the report (they are still counted) */
	int dry_run;               /* check everything, write nothing (see import_stream) */
	int alone;                 /* the caller expects to have the database to itself: use
	                            * storage_begin_bulk's rollback journal if nobody has it open */
	const struct import_hooks *hooks; /* may be NULL */
};

/* What a caller may do alongside the import's transaction (the CLI builds
 * the statistics indexes from the records as they are written).  Each hook
 * may be NULL; all get ctx, and are called one at a time. */
struct import_hooks {
	void *ctx;
	/* the transaction has begun; nothing is written yet */
	void (*begun)(void *ctx, struct storage *st);
	/* a case was written: c->id is its id (called on the reading thread,
	 * a little after the write, in the order of the writes) */
	void (*written)(void *ctx, const struct case_record *c);
	/* everything is written; the transaction is about to commit */
	void (*committing)(void *ctx, struct storage *st);
};

struct import_result {
	long records;   /* records read */
	long imported;  /* records written */
	long rejected;  /* invalid records */
	long warnings;  /* e.g. unknown columns */
};

/* Import the files (NULL-terminated list of paths; "-" is stdin) into st.
 * Returns 0 when the transaction committed (with skip_invalid, even if some
 * records were rejected); SANAD_EINVAL when records were invalid and nothing
 * was written; another code for I/O or database failure (nothing written). */
int import_files(struct storage *st, const char *const *paths, const struct import_options *opt,
		 struct import_result *res, struct sanad_error *err);

/* Import one open stream (name is used in messages) into st, in one
 * transaction, as import_files does for files.  With opt->dry_run the
 * records are checked and inserted but the transaction is rolled back, so
 * the answer includes conflicts with cases already there; st may then be
 * NULL, and records are only checked (no organisations, no conflicts):
 * the fuzz harnesses and unit tests use that. */
int import_stream(struct storage *st, FILE *in, const char *name, const struct import_options *opt,
		  struct import_result *res, struct sanad_error *err);

/* ---- for format readers ---- */

struct import_sink;

/* Hand one parsed record to the import.  row is the 1-based record number in
 * the file (CSV: data row, header excluded; XForm: submission; JSON: array
 * element).  When the reader could not build the record, pass rec = NULL and
 * say which column and value were at fault and why.  The sink takes the
 * record's contents (it releases rec).  Returns 0 to go on, non-zero to stop. */
int import_sink_accept(struct import_sink *sink, long row, struct case_record *rec,
		       const char *column, const char *value, const char *problem);
/* A file-level note that does not reject a record (an unknown column). */
void import_sink_warn(struct import_sink *sink, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Make sure an organisation exists (JSON exports carry them): created with
 * these details when its code is new, left alone otherwise.  Records naming
 * an organisation that does not exist create it too, named by its code,
 * with a warning. */
int import_sink_org(struct import_sink *sink, const struct organisation *o, struct sanad_error *err);
/* The organisation for records that do not name one. */
const char *import_sink_default_org(const struct import_sink *sink);

/* Readers: stream in, hand records to sink.  Return 0, or an error for a
 * problem that stops the whole file (unreadable, not the format at all). */
int import_read_htcds_csv(FILE *in, const char *name, struct import_sink *sink, struct sanad_error *err);
int import_read_ctdc(FILE *in, const char *name, struct import_sink *sink, struct sanad_error *err);
int import_read_xform(FILE *in, const char *name, struct import_sink *sink, struct sanad_error *err);
int import_read_json(FILE *in, const char *name, struct import_sink *sink, struct sanad_error *err);

/* ---- one case object (used by `sanad case add --json`; see read_json.c) ---- */

/* Build *out (initialised here; the caller releases it) from text holding
 * one case object shaped like an element of "cases" in a Sanad JSON export.
 * Values are normalised but not derived or validated across fields.  An
 * unknown key is an error here, since a script should hear of a misspelt
 * field.  err names the field (hte_Type.2 for items) and the value. */
int import_json_case(const char *text, size_t len, struct case_record *out, struct sanad_error *err);

#endif
