/*
 * disclosure: statistical disclosure control for what Sanad publishes
 * (issue 5 item 3, CEDAW GR 38 para 111: disaggregated figures without
 * breaching privacy).
 *
 * Two tools:
 *
 * 1. Cell suppression of count tables.  A table of 1 to 4 dimensions is held
 *    as a "cube with margins": every dimension gets one extra value, the
 *    total along it, so a 2-D table year x sex carries its row totals, its
 *    column totals and the grand total as cells too.  Everything in the cube
 *    is treated as published (the margins are printed with the table, and a
 *    table published alongside that is a margin of this one -- year x sex
 *    next to year x sex x exploitation -- is literally a slice of this
 *    cube, so both are suppressed consistently by protecting the larger
 *    one and printing its margin).
 *
 *    disclosure_protect() marks primary suppressions (cells, including
 *    totals, with 0 < count < threshold; zeros are published unless asked
 *    otherwise), then complementary ones so that no suppressed cell can be
 *    computed exactly from the published cells:
 *      a. the line rule: every line of the cube parallel to an axis (its
 *         cells plus its total) with exactly one suppressed member gets a
 *         second one -- the published member with the smallest count, so
 *         the least information is lost (greedy, not optimal);
 *      b. the audit: the line rule is not enough (a suppressed cell joining
 *         two otherwise separate groups of suppressions is still the
 *         difference of known sums), so the whole linear system of line
 *         equations is solved over the suppressed cells and any cell whose
 *         value is determined gets one more neighbour suppressed; a and b
 *         repeat until the audit finds nothing.
 *      c. bounds: counts are not negative, so each line also bounds its
 *         suppressed members; the bounds are propagated line by line and a
 *         cell whose bounds meet is treated like a determined one.
 *    Interval propagation is weaker than linear programming, so an attacker
 *    with an LP solver may narrow (but, as far as the tests show, not pin)
 *    a cell further -- see docs/statistics.md for what is and is not
 *    protected.
 *
 * 2. k-anonymity of record-level exports: generalise quasi-identifiers by
 *    hierarchies the caller gives (age -> minor/adult, country -> region ...)
 *    and suppress the records left in classes smaller than k.
 */
#ifndef SANAD_DISCLOSURE_H
#define SANAD_DISCLOSURE_H

#include <stddef.h>
#include <stdint.h>

#include "stats/stats.h"
#include "util/util.h"

#define DISCLOSURE_DEFAULT_THRESHOLD 5
#define DISCLOSURE_DEFAULT_K 5
/* Suppression is checked along every line of the cube; beyond four
 * dimensions nearly every cell is small and the table is not worth
 * publishing. */
#define DISCLOSURE_MAX_DIMS 4
/* Suppressed cells the exact audit handles (its cost grows with the cube);
 * larger tables are refused rather than published unaudited. */
#define DISCLOSURE_MAX_AUDIT 4000

enum disclosure_state {
	DISCLOSURE_PUBLISHED = 0,
	DISCLOSURE_PRIMARY = 1,       /* below the threshold */
	DISCLOSURE_COMPLEMENTARY = 2, /* suppressed to protect a primary cell */
};

/* A count table with its margins.  Cell coordinates idx[d] run 0..size[d];
 * idx[d] == size[d] is the total along dimension d. */
struct disclosure_cube {
	int ndims;
	int size[DISCLOSURE_MAX_DIMS];     /* values per dimension, without the total */
	size_t stride[DISCLOSURE_MAX_DIMS];
	size_t ncells;                     /* prod(size[d] + 1) */
	int64_t *count;
	unsigned char *state;              /* enum disclosure_state per cell */
};

struct disclosure_options {
	int64_t threshold;  /* counts 1..threshold-1 are suppressed; 0: the default */
	int suppress_zeros; /* also suppress zero counts (off: zeros are published) */
	/* disclosure_publish only: tables of the same dimensions that are (or can
	 * be) published beside this one -- for a filtered table, the same table
	 * without its filters and with each filter left out.  A cell whose count
	 * differs from the same cell of a reference by 1..threshold-1 is a
	 * primary suppression too: published next to the reference, the
	 * difference would count a few people (differencing).  The references'
	 * own cells are not consulted beyond their counts. */
	const struct stats_table *const *references;
	int nreferences;
	/* disclosure_protect: cells (c->ncells of them) to suppress as primary
	 * whatever their count, or NULL */
	const unsigned char *also_primary;
};

struct disclosure_report {
	size_t cells;         /* all cells including margins */
	size_t primary;
	size_t complementary;
	int64_t threshold;    /* the threshold applied */
};

/* An all-zero cube of ndims (1..DISCLOSURE_MAX_DIMS) with size[d] >= 1
 * values each.  SANAD_ELIMIT beyond the dimension or size limits. */
int disclosure_cube_init(struct disclosure_cube *c, int ndims, const int *size,
			 struct sanad_error *err);
void disclosure_cube_release(struct disclosure_cube *c);
/* Index of the cell at idx[0..ndims). */
size_t disclosure_cube_index(const struct disclosure_cube *c, const int *idx);
/* Coordinates of cell i. */
void disclosure_cube_coords(const struct disclosure_cube *c, size_t i, int *idx);
/* 1 if cell i is a margin (some coordinate is a total). */
int disclosure_cube_is_margin(const struct disclosure_cube *c, size_t i);
/* Recompute every margin cell from the inner cells. */
void disclosure_cube_sum_margins(struct disclosure_cube *c);

/* The cube of a stats table: every combination of the values that occur in
 * each column (absent combinations are zero cells, because a published
 * table must show them), with margins summed.  For a multi-valued column
 * the total along it is the sum of its cells, not the number of victims. */
int disclosure_cube_from_stats(struct disclosure_cube *c, const struct stats_table *t,
			       struct sanad_error *err);

/* Suppress c's cells as described above; fills *report if given.  Fails
 * with SANAD_ELIMIT when more than DISCLOSURE_MAX_AUDIT cells would need
 * auditing. */
int disclosure_protect(struct disclosure_cube *c, const struct disclosure_options *o,
		       struct disclosure_report *report, struct sanad_error *err);

/* The audit on its own: sets determined[i] = 1 for each suppressed cell i
 * whose value follows exactly from the published cells of c (the line
 * equations), 0 otherwise; returns how many.  determined has c->ncells
 * entries. */
size_t disclosure_audit(const struct disclosure_cube *c, unsigned char *determined);

/* ---- k-anonymity ---- */

/* A quasi-identifier: its name and how to generalise one value.  level 0 is
 * the value itself; generalise(value, level) returns the value at that level
 * (a static string or one from the caller's tables); the last level
 * (nlevels - 1) should be "*" (withheld).  value may be NULL (unknown). */
struct kanon_column {
	const char *name;
	int nlevels;
	const char *(*generalise)(const char *value, int level);
};

struct kanon_result {
	int level[16];           /* generalisation level chosen per column */
	size_t *generalised;     /* per column: records whose value changed */
	unsigned char *suppressed; /* per record: 1 if left out of the export */
	size_t nsuppressed;
	size_t nclasses;         /* equivalence classes among the records kept */
	size_t smallest_class;   /* size of the smallest of them (0 if none kept) */
};

/* Make nrecords records of ncols (<= 16) quasi-identifiers (values[r *
 * ncols + c], NULL for unknown) k-anonymous: raise generalisation levels
 * column by column (greedily, the step that leaves fewest records in classes
 * smaller than k) until at most max_suppress_share of the records are in
 * such classes, then suppress those.  Release with kanon_result_release. */
int kanon_anonymise(const char *const *values, size_t nrecords, const struct kanon_column *cols,
		    int ncols, size_t k, double max_suppress_share, struct kanon_result *out,
		    struct sanad_error *err);
void kanon_result_release(struct kanon_result *r);

/* ---- publishing a stats table ----
 *
 * A published table is the table's cube after disclosure_protect: every
 * combination of the values that occur, zeros included, then the margins,
 * in the cube's order (within each group of a dimension its total comes
 * last).  A margin's value is written "TOTAL" (code) / "Total" (label).
 * total_victims is withheld when it is below the threshold or when the grand
 * total cell is suppressed. */
#define DISCLOSURE_TOTAL_CODE "TOTAL"

struct disclosure_table {
	const struct stats_table *source;
	struct disclosure_cube cube;    /* no cells when the table is empty */
	struct disclosure_report report;
	int total_victims_published;
};

int disclosure_publish(const struct stats_table *t, const struct disclosure_options *o,
		       struct disclosure_table *out, struct sanad_error *err);
/* disclosure_publish of the table t that q computed, with references: q
 * without its filters, and q with each filter left out in turn, computed
 * through e (NULL: stats_compute).  The year is not treated as a filter:
 * a year's table beside all years differs by the other years' counts.  The API and `sanad stats
 * --publish` publish filtered tables through this, so two answers that
 * differ by one filter cannot be subtracted to count fewer than the
 * threshold. */
int disclosure_publish_query(struct storage *st, struct stats_engine *e, const struct stats_query *q,
			     const struct stats_table *t, const struct disclosure_options *o,
			     struct disclosure_table *out, struct sanad_error *err);
void disclosure_table_release(struct disclosure_table *p);
/* Label of cell i's value in column col (the value's label, or "Total" in
 * lang for a margin) and its code (NULL for unknown, DISCLOSURE_TOTAL_CODE
 * for a margin). */
const char *disclosure_cell_label(const struct disclosure_table *p, size_t i, int col,
				  enum vocab_lang lang);
const char *disclosure_cell_code(const struct disclosure_table *p, size_t i, int col);
/* CSV like `sanad stats --format csv` (header: the column names, with
 * <name>_label columns when labels, then count); a suppressed count is an
 * empty cell. */
void disclosure_table_csv(const struct disclosure_table *p, int labels, enum vocab_lang lang,
			  struct strbuf *out);
/* JSON like stats_table_json, a suppressed count is null, plus
 * "published": {"threshold": N, "cells": N, "suppressed": N,
 * "primary": N, "complementary": N}. */
json_t *disclosure_table_json(const struct disclosure_table *p, int labels, enum vocab_lang lang);
/* The published table as an XLSX workbook (libxlsxwriter, xlsx.c) appended
 * to out: one worksheet, the header row as in the CSV, counts as numbers, a
 * suppressed count an empty cell, the footnote under the table.  Text
 * cells get the same spreadsheet formula guard as csv_cell (= + - @). */
int disclosure_table_xlsx(const struct disclosure_table *p, int labels, enum vocab_lang lang,
			  struct strbuf *out, struct sanad_error *err);
/* A raw (unprotected) stats table in the same layout: its rows as in
 * `sanad stats --format csv`, the total victims, and a line saying the
 * counts are not fit to publish. */
int disclosure_stats_xlsx(const struct stats_table *t, int labels, enum vocab_lang lang,
			  struct strbuf *out, struct sanad_error *err);
/* The footnote every front end prints under a published table. */
void disclosure_footnote(const struct disclosure_table *p, enum vocab_lang lang, struct strbuf *out);

#endif
