/*
 * importer/importer_internal.h: shared between the importer's own files —
 * the limits every reader enforces, the extra sink calls readers make, and
 * the CSV machinery (read_csv.c) that the HTCDS CSV and CTDC readers share.
 */
#ifndef SANAD_IMPORTER_INTERNAL_H
#define SANAD_IMPORTER_INTERNAL_H

#include "importer/importer.h"

/* One cell or element text: field_normalise refuses more, and holding more
 * of a hostile file in memory buys nothing. */
#define IMPORT_MAX_CELL (1u << 20)
/* One CSV record (all its cells together). */
#define IMPORT_MAX_RECORD (4u << 20)
/* Columns of a CSV file, cells of a record. */
#define IMPORT_MAX_COLUMNS 2000

/* ---- sink calls for the importer's readers ---- */

/* The raw cells of the record about to be handed to import_sink_accept, so a
 * rejected record can be written whole to the rejects file.  The pointers
 * must stay valid until that call returns; n = 0 forgets them. */
void import_sink_raw(struct import_sink *sink, char *const *cells, int n);
/* Words for the report: what a record and a column are called in this
 * format ("row"/"column" for CSV, "submission"/"element" for XForm). */
void import_sink_terms(struct import_sink *sink, const char *record_word, const char *column_word);
/* How this file names a field, for problems found by the rules across
 * fields (which know only field names): name(ctx, field) returns the
 * file's column for it, or NULL to use the field name.  Reset for each
 * file. */
void import_sink_column_namer(struct import_sink *sink, const char *(*name)(void *ctx, const char *field),
			      void *ctx);
/* The name to give organisation code if the import has to create it. */
void import_sink_org_name(struct import_sink *sink, const char *code, const char *name);
/* Hand the sink a record the reader could not build because field f
 * refused value: err is field_normalise's error, whose "field: " prefix is
 * dropped since the report names the column anyway. */
int import_sink_reject_value(struct import_sink *sink, long row, const char *column, const char *value,
			     const struct sanad_error *err);

/* ---- CSV machinery (read_csv.c) ---- */

/* A record of a CSV file.  Cells are NUL-terminated and writable (readers
 * may unguard them in place); they stay valid until the callback returns. */
struct csv_row {
	long row;    /* data row number, from 1; 0 for the header */
	int ncells;
	char **cell;
	size_t *len;
};

/* The header has been read: the callback checks it and sets up its column
 * map.  Returning non-zero (with err filled) stops the file. */
typedef int (*csv_header_fn)(void *ctx, const struct csv_row *header, struct sanad_error *err);
/* A data row, already checked for well-formed UTF-8, NUL bytes and size
 * limits, and (unless ragged) for its number of cells.  Returns non-zero
 * to stop. */
typedef int (*csv_row_fn)(void *ctx, struct csv_row *row);

struct csv_reader_spec {
	csv_header_fn on_header;
	csv_row_fn on_row;
	void *ctx;
	/* 1: rows with more cells than the header are passed on for the
	 * reader to judge (the CTDC reader repairs a known defect of real
	 * releases); 0: they are rejected here. */
	int ragged;
};

/* Stream the CSV file in through libcsv: strips a UTF-8 byte-order mark,
 * accepts LF, CRLF and CR line ends and quoted cells spanning lines, skips
 * blank lines, and rejects (through the sink, naming row and column)
 * records with broken UTF-8, NUL bytes, a cell over IMPORT_MAX_CELL, more
 * than IMPORT_MAX_COLUMNS cells, more than IMPORT_MAX_RECORD bytes, or a
 * number of cells that does not fit the header.  Trailing header cells
 * with no name count as padding that rows may leave out.  Returns 0, or an
 * error for a problem that stops the file (unreadable, no header, a bad
 * header). */
int csv_read_stream(FILE *in, const char *name, struct import_sink *sink,
		    const struct csv_reader_spec *spec, struct sanad_error *err);
/* Cells of the header that carry a name (the header without its trailing
 * unnamed padding). */
int csv_named_columns(const struct csv_row *header);

/* ---- the CTDC mapping, for its unit test (read_ctdc.c) ---- */

/* Entry i of the CTDC column table: its column name, the field it fills
 * (NULL for columns that are accepted but not read) and, for a flag, the
 * vocabulary code it adds.  Returns 0, or -1 past the end. */
int import_ctdc_mapping(int i, const char **column, const char **field, const char **code);

#endif
