/* disclosure/publish.c: a stats table made fit to publish -- the full
 * cross product of its values with margins, small cells and their
 * complements suppressed -- and its CSV, JSON and footnote, shared by
 * `sanad stats --publish` and the HTTP API. */
#include "disclosure/disclosure.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const total_label[2] = { "Total", "المجموع" };

static int mark_differences(const struct stats_table *t, const struct disclosure_cube *cube,
			    const struct stats_table *ref, int64_t threshold, unsigned char *mask, int *total_close,
			    struct sanad_error *err);

int disclosure_publish(const struct stats_table *t, const struct disclosure_options *o,
		       struct disclosure_table *out, struct sanad_error *err)
{
	int rc, empty = 0;
	int64_t threshold = o && o->threshold > 0 ? o->threshold : DISCLOSURE_DEFAULT_THRESHOLD;
	memset(out, 0, sizeof(*out));
	out->source = t;
	out->report.threshold = threshold;
	for (int c = 0; c < t->ncolumns; c++)
		empty |= t->columns[c].nvalues == 0;
	if (t->ncolumns > DISCLOSURE_MAX_DIMS)
		return sanad_error_set(err, SANAD_ELIMIT,
				       "a published table crosses at most %d dimensions, not %d",
				       DISCLOSURE_MAX_DIMS, t->ncolumns);
	if (empty) /* nothing counted: no cells, nothing to protect */
		return 0;
	if ((rc = disclosure_cube_from_stats(&out->cube, t, err)))
		return rc;
	if (o && o->nreferences > 0) {
		struct disclosure_options with = *o;
		unsigned char *mask = xcalloc(out->cube.ncells, 1);
		int total_close = 0;
		for (int r = 0; r < o->nreferences && !rc; r++)
			rc = mark_differences(t, &out->cube, o->references[r], threshold, mask, &total_close, err);
		with.also_primary = mask;
		if (!rc)
			rc = disclosure_protect(&out->cube, &with, &out->report, err);
		free(mask);
		if (rc)
			return rc;
		if (total_close) { /* the number of victims would single out a few too */
			out->total_victims_published = 0;
			return 0;
		}
	} else if ((rc = disclosure_protect(&out->cube, o, &out->report, err))) {
		return rc;
	}
	size_t grand = out->cube.ncells - 1; /* every coordinate a total */
	out->total_victims_published = t->total_victims >= threshold &&
				       out->cube.state[grand] == DISCLOSURE_PUBLISHED;
	return 0;
}

static int same_code(const char *a, const char *b)
{
	return a == b || (a && b && !strcmp(a, b));
}

/* Set mask[i] for each cell i of cube (t's) whose count differs from the
 * same cell of ref by 1..threshold-1; *total_close when the numbers of
 * victims differ so. */
static int mark_differences(const struct stats_table *t, const struct disclosure_cube *cube,
			    const struct stats_table *ref, int64_t threshold, unsigned char *mask, int *total_close,
			    struct sanad_error *err)
{
	struct disclosure_cube rc_cube;
	int *map[DISCLOSURE_MAX_DIMS] = { 0 };
	int idx[DISCLOSURE_MAX_DIMS], ridx[DISCLOSURE_MAX_DIMS];
	int64_t d;
	int rc;

	if (ref->ncolumns != t->ncolumns)
		return sanad_error_set(err, SANAD_EINVAL, "a reference table must have the same dimensions");
	d = ref->total_victims - t->total_victims;
	if (d > 0 && d < threshold)
		*total_close = 1;
	for (int c = 0; c < t->ncolumns; c++)
		if (ref->columns[c].dim != t->columns[c].dim || ref->columns[c].nvalues == 0)
			return ref->columns[c].dim != t->columns[c].dim
				       ? sanad_error_set(err, SANAD_EINVAL, "a reference table must have the same dimensions")
				       : 0;
	if ((rc = disclosure_cube_from_stats(&rc_cube, ref, err)))
		return rc;
	for (int c = 0; c < t->ncolumns; c++) {
		map[c] = xcalloc((size_t)cube->size[c] + 1, sizeof(int));
		for (int v = 0; v < cube->size[c]; v++) {
			map[c][v] = -1;
			for (int w = 0; w < rc_cube.size[c]; w++)
				if (same_code(t->columns[c].values[v].code, ref->columns[c].values[w].code)) {
					map[c][v] = w;
					break;
				}
		}
		map[c][cube->size[c]] = rc_cube.size[c]; /* total to total */
	}
	for (size_t i = 0; i < cube->ncells; i++) {
		int ok = 1;
		disclosure_cube_coords(cube, i, idx);
		for (int c = 0; c < t->ncolumns && ok; c++)
			ok = (ridx[c] = map[c][idx[c]]) >= 0;
		if (!ok)
			continue;
		d = rc_cube.count[disclosure_cube_index(&rc_cube, ridx)] - cube->count[i];
		if (d > 0 && d < threshold)
			mask[i] = 1;
	}
	for (int c = 0; c < DISCLOSURE_MAX_DIMS; c++)
		free(map[c]);
	disclosure_cube_release(&rc_cube);
	return 0;
}

int disclosure_publish_query(struct storage *st, struct stats_engine *e, const struct stats_query *q,
			     const struct stats_table *t, const struct disclosure_options *o,
			     struct disclosure_table *out, struct sanad_error *err)
{
	struct stats_table refs[STATS_MAX_FILTERS + 2];
	const struct stats_table *refp[STATS_MAX_FILTERS + 2];
	struct stats_filter fl[STATS_MAX_FILTERS];
	struct disclosure_options with = o ? *o : (struct disclosure_options){ 0 };
	int nrefs = 0, rc = 0;

	if (q->nfilters == 0)
		return disclosure_publish(t, o, out, err);
	/* q without its filters, then q with each left out in turn; the year
	 * stays (a year's table beside all years differs by other years) */
	for (int leave = -1; leave < q->nfilters && !rc; leave++) {
		struct stats_query r = *q;
		int n = 0;
		for (int f = 0; leave >= 0 && f < q->nfilters; f++)
			if (f != leave)
				fl[n++] = q->filters[f];
		r.filters = fl;
		r.nfilters = n;
		rc = e ? stats_engine_compute(e, st, &r, &refs[nrefs], err) : stats_compute(st, &r, &refs[nrefs], err);
		if (rc) {
			stats_table_release(&refs[nrefs]);
			break;
		}
		refp[nrefs] = &refs[nrefs];
		nrefs++;
	}
	if (!rc) {
		with.references = refp;
		with.nreferences = nrefs;
		rc = disclosure_publish(t, &with, out, err);
	}
	for (int i = 0; i < nrefs; i++)
		stats_table_release(&refs[i]);
	return rc;
}

void disclosure_table_release(struct disclosure_table *p)
{
	disclosure_cube_release(&p->cube);
	memset(p, 0, sizeof(*p));
}

static const struct stats_value *cell_value(const struct disclosure_table *p, size_t i, int col)
{
	int idx[DISCLOSURE_MAX_DIMS];
	disclosure_cube_coords(&p->cube, i, idx);
	if (idx[col] == p->cube.size[col])
		return NULL;
	return &p->source->columns[col].values[idx[col]];
}

const char *disclosure_cell_label(const struct disclosure_table *p, size_t i, int col,
				  enum vocab_lang lang)
{
	const struct stats_value *v = cell_value(p, i, col);
	return v ? v->label[lang] : total_label[lang];
}

const char *disclosure_cell_code(const struct disclosure_table *p, size_t i, int col)
{
	const struct stats_value *v = cell_value(p, i, col);
	return v ? v->code : DISCLOSURE_TOTAL_CODE;
}

void disclosure_table_csv(const struct disclosure_table *p, int labels, enum vocab_lang lang,
			  struct strbuf *out)
{
	const struct stats_table *t = p->source;
	for (int c = 0; c < t->ncolumns; c++) {
		csv_cell(out, t->columns[c].name, 1);
		strbuf_addch(out, ',');
		if (labels) {
			strbuf_addf(out, "%s_label", t->columns[c].name);
			strbuf_addch(out, ',');
		}
	}
	strbuf_addstr(out, "count\n");
	for (size_t i = 0; i < p->cube.ncells; i++) {
		for (int c = 0; c < t->ncolumns; c++) {
			const char *code = disclosure_cell_code(p, i, c);
			csv_cell(out, code ? code : "", 1);
			strbuf_addch(out, ',');
			if (labels) {
				csv_cell(out, disclosure_cell_label(p, i, c, lang), 1);
				strbuf_addch(out, ',');
			}
		}
		if (p->cube.state[i] == DISCLOSURE_PUBLISHED)
			strbuf_addf(out, "%lld", (long long)p->cube.count[i]);
		strbuf_addch(out, '\n');
	}
}

static json_t *code_json(const struct stats_column *col, const char *code)
{
	int64_t n;
	if (!code)
		return json_null();
	if (col->dim->kind == STATS_DIM_NUMBER && !parse_int64(code, INT64_MIN, INT64_MAX, &n))
		return json_integer((json_int_t)n);
	return json_string(code);
}

json_t *disclosure_table_json(const struct disclosure_table *p, int labels, enum vocab_lang lang)
{
	const struct stats_table *t = p->source;
	json_t *root = json_object(), *dims = json_array(), *rows = json_array();
	json_t *notes = json_array(), *pub = json_object();
	struct strbuf foot = STRBUF_INIT;

	for (int c = 0; c < t->ncolumns; c++)
		json_array_append_new(dims, json_string(t->columns[c].name));
	json_object_set_new(root, "dimensions", dims);
	json_object_set_new(root, "year", t->year ? json_integer(t->year) : json_null());
	json_object_set_new(root, "total_victims", p->total_victims_published
							   ? json_integer((json_int_t)t->total_victims)
							   : json_null());
	if (t->note[lang])
		json_array_append_new(notes, json_string(t->note[lang]));
	disclosure_footnote(p, lang, &foot);
	json_array_append_new(notes, json_string(strbuf_str(&foot)));
	strbuf_release(&foot);
	json_object_set_new(root, "notes", notes);
	json_object_set_new(pub, "threshold", json_integer((json_int_t)p->report.threshold));
	json_object_set_new(pub, "cells", json_integer((json_int_t)p->cube.ncells));
	json_object_set_new(pub, "suppressed",
			    json_integer((json_int_t)(p->report.primary + p->report.complementary)));
	json_object_set_new(pub, "primary", json_integer((json_int_t)p->report.primary));
	json_object_set_new(pub, "complementary", json_integer((json_int_t)p->report.complementary));
	json_object_set_new(root, "published", pub);
	for (size_t i = 0; i < p->cube.ncells; i++) {
		json_t *row = json_object();
		for (int c = 0; c < t->ncolumns; c++) {
			const struct stats_column *col = &t->columns[c];
			json_object_set_new(row, col->name, code_json(col, disclosure_cell_code(p, i, c)));
			if (labels) {
				char key[128];
				snprintf(key, sizeof(key), "%s_label", col->name);
				json_object_set_new(row, key,
						    json_string(disclosure_cell_label(p, i, c, lang)));
			}
		}
		json_object_set_new(row, "count", p->cube.state[i] == DISCLOSURE_PUBLISHED
							  ? json_integer((json_int_t)p->cube.count[i])
							  : json_null());
		json_array_append_new(rows, row);
	}
	json_object_set_new(root, "rows", rows);
	return root;
}

void disclosure_footnote(const struct disclosure_table *p, enum vocab_lang lang, struct strbuf *out)
{
	size_t n = p->report.primary + p->report.complementary;
	long long th = (long long)p->report.threshold;
	int multi = 0;
	for (int c = 0; c < p->source->ncolumns; c++)
		multi |= p->source->columns[c].dim->kind == STATS_DIM_MULTI;
	if (lang == VOCAB_AR) {
		strbuf_addf(out, "x: حُجبت %zu من %zu خلية لحماية الخصوصية: الأعداد من 1 إلى %lld، "
				 "وخلايا أخرى كي لا تُستنتج من المجاميع",
			    n, p->cube.ncells, th - 1);
		if (multi)
			strbuf_addstr(out, "؛ مجاميع الأبعاد المتعددة القيم هي مجموع صفوفها");
	} else {
		strbuf_addf(out, "x: %zu of %zu cells suppressed to protect privacy: counts from 1 "
				 "to %lld, and others so that they cannot be worked out from the totals",
			    n, p->cube.ncells, th - 1);
		if (multi)
			strbuf_addstr(out, "; totals over a multi-valued dimension add up its rows");
	}
}
