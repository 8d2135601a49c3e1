/*
 * report/statistics.c: the statistical report for a year (issue 5 item 4):
 * the national figures -- totals and method, victims by sex and age,
 * form of exploitation, nationality, the trend over the years, routes,
 * referral and services, recruitment channels, SDG 16.2.2 -- each table
 * published with disclosure control (src/disclosure) and drawn as a chart
 * (src/charts), as an A4 PDF (cairo + pango, Arabic pages right to left)
 * or one self-contained HTML page with inline SVG charts.
 *
 * The report is a list of blocks built once and laid out twice (PDF,
 * HTML), so both show the same tables.  A section whose dimensions this
 * database does not have (an older schema) is left out rather than
 * failing the whole report.  Every table is published through
 * disclosure_publish alone, and a chart draws exactly that published
 * table: nothing here prints a raw count.
 */
#include "report/report_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "charts/charts.h"
#include "disclosure/disclosure.h"
#include "stats/stats.h"

#define CHART_H 250.0
#define CELL_PAD 3.0
#define TOP_NATIONALITIES 10
#define TOP_ROUTES 10
/* values of origin, transit and destination kept in the route flow (see
 * section): 4, 3, 3 -- with more, most routes of a year are too small to
 * publish and the flow shows nothing */
#define ROUTE_TOP 433

enum sblock_kind { SB_TITLE, SB_SUBTITLE, SB_HEADING, SB_PARAGRAPH, SB_NOTE, SB_TABLE, SB_CHART };

/* A table published for the report, with the raw table it protects (the
 * published one points into it). */
struct published {
	struct stats_table t;
	struct disclosure_table p;
};

struct sblock {
	enum sblock_kind kind;
	char *text;
	int ncols, nrows; /* SB_TABLE: row 0 the header, row-major */
	char **cells;
	const struct published *chart; /* SB_CHART */
	enum chart_kind chart_kind;
};

struct sreport {
	enum vocab_lang lang;
	int year;
	char *title;
	struct sblock *blocks;
	size_t nblocks;
	struct published **tables;
	size_t ntables;
};

/* ---- building ---- */

static struct sblock *push(struct sreport *r, enum sblock_kind kind, char *text)
{
	struct sblock *b;
	r->blocks = xrealloc(r->blocks, (r->nblocks + 1) * sizeof(*r->blocks));
	b = &r->blocks[r->nblocks++];
	memset(b, 0, sizeof(*b));
	b->kind = kind;
	b->text = text;
	return b;
}

static char *text(const struct sreport *r, const char *key, const char *const *pairs)
{
	return report_text(key, r->lang, pairs);
}

static void sreport_free(struct sreport *r)
{
	for (size_t i = 0; i < r->nblocks; i++) {
		struct sblock *b = &r->blocks[i];
		free(b->text);
		for (int k = 0; k < b->ncols * b->nrows; k++)
			free(b->cells[k]);
		free(b->cells);
	}
	free(r->blocks);
	for (size_t i = 0; i < r->ntables; i++) {
		disclosure_table_release(&r->tables[i]->p);
		stats_table_release(&r->tables[i]->t);
		free(r->tables[i]);
	}
	free(r->tables);
	free(r->title);
}

/* Whether every dimension in names exists for the subject: a database
 * from before a dimension was added gets a report without that section. */
static int have_dims(enum stats_subject subject, const char *const *names, int n)
{
	for (int i = 0; i < n; i++)
		if (!(subject == STATS_COUNT_VICTIMS ? stats_dimension_find(names[i])
						     : stats_subject_dimension_find(subject, names[i])))
			return 0;
	return 1;
}

static int compute(struct storage *st, const struct report_stats_options *o, enum stats_subject subject,
		   const char *const *dims, int ndims, int year, struct stats_table *t, struct sanad_error *err)
{
	struct stats_query q = { 0 };
	q.dims = dims;
	q.ndims = ndims;
	q.year = year;
	q.scope = o->scope;
	q.subject = subject;
	return stats_compute(st, &q, t, err);
}

/* Publish t (taken over) and keep it with the report. */
static int publish(struct sreport *r, const struct report_stats_options *o, struct stats_table *t,
		   struct published **out, struct sanad_error *err)
{
	struct disclosure_options dopt = { o->threshold, 0 };
	struct published *x = xcalloc(1, sizeof(*x));
	int rc;
	x->t = *t;
	memset(t, 0, sizeof(*t));
	rc = disclosure_publish(&x->t, &dopt, &x->p, err);
	if (rc) /* never print what could not be protected */
		disclosure_table_release(&x->p);
	r->tables = xrealloc(r->tables, (r->ntables + 1) * sizeof(*r->tables));
	r->tables[r->ntables++] = x;
	*out = x;
	return rc;
}

static char *count_text(const struct disclosure_table *p, size_t i)
{
	char num[32];
	if (p->cube.state[i] != DISCLOSURE_PUBLISHED)
		return xstrdup("x");
	snprintf(num, sizeof(num), "%lld", (long long)p->cube.count[i]);
	return xstrdup(num);
}

static size_t cell_at(const struct disclosure_table *p, int a, int b)
{
	int idx[DISCLOSURE_MAX_DIMS] = { a, b };
	return disclosure_cube_index(&p->cube, idx);
}

/* The published table as the report prints it: one column of values and
 * their counts, or a cross table (the dimension with more values down the
 * side), totals last. */
static void table_block(struct sreport *r, const struct published *x)
{
	const struct disclosure_table *p = &x->p;
	const struct stats_table *t = p->source;
	struct sblock *b;
	if (!p->cube.ncells)
		return;
	b = push(r, SB_TABLE, NULL);
	if (t->ncolumns == 1) {
		b->ncols = 2;
		b->nrows = p->cube.size[0] + 2;
		b->cells = xcalloc((size_t)b->ncols * (size_t)b->nrows, sizeof(char *));
		b->cells[0] = xstrdup(t->columns[0].dim->title[r->lang]);
		b->cells[1] = text(r, "stats.count", NULL);
		for (int v = 0; v <= p->cube.size[0]; v++) {
			size_t i = cell_at(p, v, 0);
			b->cells[(v + 1) * 2] = xstrdup(disclosure_cell_label(p, i, 0, r->lang));
			b->cells[(v + 1) * 2 + 1] = count_text(p, i);
		}
		return;
	}
	/* two columns: down = the one with more values */
	{
		int down = p->cube.size[0] >= p->cube.size[1] ? 0 : 1, across = 1 - down;
		int nd = p->cube.size[down] + 1, na = p->cube.size[across] + 1;
		b->ncols = na + 1;
		b->nrows = nd + 1;
		b->cells = xcalloc((size_t)b->ncols * (size_t)b->nrows, sizeof(char *));
		b->cells[0] = xstrdup(t->columns[down].dim->title[r->lang]);
		for (int a = 0; a < na; a++)
			b->cells[1 + a] = xstrdup(disclosure_cell_label(p, down ? cell_at(p, a, 0) : cell_at(p, 0, a),
									 across, r->lang));
		for (int d = 0; d < nd; d++) {
			size_t first = down ? cell_at(p, 0, d) : cell_at(p, d, 0);
			b->cells[(d + 1) * b->ncols] = xstrdup(disclosure_cell_label(p, first, down, r->lang));
			for (int a = 0; a < na; a++)
				b->cells[(d + 1) * b->ncols + 1 + a] =
					count_text(p, down ? cell_at(p, a, d) : cell_at(p, d, a));
		}
	}
}

/* The notes under a published table: the multi-valued note and the
 * suppression footnote. */
static void table_notes(struct sreport *r, const struct published *x)
{
	struct strbuf sb = STRBUF_INIT;
	if (!x->p.cube.ncells)
		return;
	if (x->t.note[r->lang]) {
		strbuf_addstr(&sb, x->t.note[r->lang]);
		strbuf_addstr(&sb, r->lang == VOCAB_AR ? ". " : ". ");
	}
	disclosure_footnote(&x->p, r->lang, &sb);
	strbuf_addch(&sb, '.');
	push(r, SB_NOTE, strbuf_detach(&sb));
}

static void chart_block(struct sreport *r, const struct published *x, enum chart_kind kind)
{
	struct sblock *b = push(r, SB_CHART, NULL);
	b->chart = x;
	b->chart_kind = kind;
}

static void copy_value(struct stats_value *to, const struct stats_value *from)
{
	to->code = from->code ? xstrdup(from->code) : NULL;
	to->label[0] = xstrdup(from->label[0]);
	to->label[1] = xstrdup(from->label[1]);
}

/* A copy of t whose column col keeps the values with map[v] >= 0, as
 * value map[v] of nnew (the new values[] given, taken over); rows mapped
 * to the same cell are added up.  total_victims is the caller's. */
static void remap(const struct stats_table *t, int col, const int *map, struct stats_value *values, int nnew,
		  struct stats_table *out)
{
	memset(out, 0, sizeof(*out));
	out->ncolumns = t->ncolumns;
	out->year = t->year;
	out->scope = t->scope;
	out->duplicates_merged = t->duplicates_merged;
	out->total_victims = t->total_victims;
	for (int l = 0; l < 2; l++)
		out->note[l] = t->note[l] ? xstrdup(t->note[l]) : NULL;
	for (int c = 0; c < t->ncolumns; c++) {
		const struct stats_column *from = &t->columns[c];
		struct stats_column *to = &out->columns[c];
		to->dim = from->dim;
		to->name = xstrdup(from->name);
		if (c == col) {
			to->values = values;
			to->nvalues = nnew;
			continue;
		}
		to->nvalues = from->nvalues;
		to->values = xcalloc((size_t)from->nvalues + 1, sizeof(*to->values));
		for (int v = 0; v < from->nvalues; v++)
			copy_value(&to->values[v], &from->values[v]);
	}
	out->rows = xcalloc(t->nrows + 1, sizeof(*out->rows));
	for (size_t i = 0; i < t->nrows; i++) {
		struct stats_row row = t->rows[i];
		size_t k;
		if (map[row.value[col]] < 0)
			continue;
		row.value[col] = map[row.value[col]];
		for (int c = t->ncolumns; c < STATS_MAX_DIMS; c++)
			row.value[c] = 0; /* so rows of one cell compare equal */
		for (k = 0; k < out->nrows; k++)
			if (!memcmp(out->rows[k].value, row.value, sizeof(row.value)))
				break;
		if (k < out->nrows)
			out->rows[k].count += row.count;
		else
			out->rows[out->nrows++] = row;
	}
	/* rows in display order: by the columns' (new) value order */
	for (size_t i = 1; i < out->nrows; i++)
		for (size_t j = i; j > 0; j--) {
			int c = 0;
			struct stats_row tmp;
			while (c < t->ncolumns && out->rows[j - 1].value[c] == out->rows[j].value[c])
				c++;
			if (c == t->ncolumns || out->rows[j - 1].value[c] < out->rows[j].value[c])
				break;
			tmp = out->rows[j];
			out->rows[j] = out->rows[j - 1];
			out->rows[j - 1] = tmp;
		}
}

/* Column col reduced to its top largest values (by the raw counts: which
 * values are frequent is what the section is about) and one value
 * "other" for the rest, so that a published table is not all small cells. */
static void top_values(const struct stats_table *t, int col, int top, struct stats_table *out)
{
	const struct stats_column *c = &t->columns[col];
	int64_t *sum = xcalloc((size_t)c->nvalues + 1, sizeof(int64_t));
	int *map = xcalloc((size_t)c->nvalues + 1, sizeof(int)), n = 0;
	unsigned char *kept = xcalloc((size_t)c->nvalues + 1, 1);
	struct stats_value *values = xcalloc((size_t)top + 2, sizeof(*values));
	int other = 0;
	for (size_t i = 0; i < t->nrows; i++)
		sum[t->rows[i].value[col]] += t->rows[i].count;
	for (int k = 0; k < top && k < c->nvalues; k++) {
		int best = -1;
		for (int v = 0; v < c->nvalues; v++)
			if (!kept[v] && (best < 0 || sum[v] > sum[best]))
				best = v;
		kept[best] = 1;
	}
	for (int v = 0; v < c->nvalues; v++)
		if (kept[v]) {
			copy_value(&values[n], &c->values[v]);
			map[v] = n++;
		} else {
			other = 1;
		}
	if (other) {
		values[n].code = xstrdup("OTHER");
		values[n].label[0] = report_text("stats.other", VOCAB_EN, NULL);
		values[n].label[1] = report_text("stats.other", VOCAB_AR, NULL);
		for (int v = 0; v < c->nvalues; v++)
			if (!kept[v])
				map[v] = n;
		n++;
	}
	remap(t, col, map, values, n, out);
	free(sum);
	free(map);
	free(kept);
}

/* A trend table (first column the year) without the years after the
 * report's; total is the victims of the years kept. */
static void years_upto(const struct stats_table *t, int year, int64_t total, struct stats_table *out)
{
	const struct stats_column *c = &t->columns[0];
	int *map = xcalloc((size_t)c->nvalues + 1, sizeof(int)), n = 0;
	struct stats_value *values = xcalloc((size_t)c->nvalues + 1, sizeof(*values));
	for (int v = 0; v < c->nvalues; v++) {
		int64_t y;
		/* the unknown year has no place on a time axis */
		if (!c->values[v].code || parse_int64(c->values[v].code, 0, 9999, &y) || y > year) {
			map[v] = -1;
			continue;
		}
		copy_value(&values[n], &c->values[v]);
		map[v] = n++;
	}
	remap(t, 0, map, values, n, out);
	out->total_victims = total;
	free(map);
}

/* One section: heading, table, notes and chart of the table of dims.
 * year 0 gives the trend up to the report year.  Returns 0, or an error
 * (a section with dimensions this database lacks is skipped: 0). */
static int section(struct sreport *r, struct storage *st, const struct report_stats_options *o,
		   const char *heading, enum stats_subject subject, const char *const *dims, int ndims, int trend,
		   int top, enum chart_kind kind, const char *note_key, struct sanad_error *err)
{
	struct stats_table t = { 0 }, d = { 0 };
	struct published *x;
	int rc;
	char y[16];
	if (!have_dims(subject, dims, ndims))
		return 0;
	if ((rc = compute(st, o, subject, dims, ndims, trend ? 0 : o->year, &t, err)))
		goto out;
	if (trend) {
		/* victims (or items) of the years kept, from the year column alone */
		int64_t total = 0, yv;
		for (size_t i = 0; i < t.nrows; i++) {
			const char *code = t.columns[0].values[t.rows[i].value[0]].code;
			if (ndims == 1 && code && !parse_int64(code, 0, 9999, &yv) && yv <= o->year)
				total += t.rows[i].count;
		}
		if (ndims > 1) {
			struct stats_table yt = { 0 };
			if ((rc = compute(st, o, subject, dims, 1, 0, &yt, err))) {
				stats_table_release(&yt);
				goto out;
			}
			for (size_t i = 0; i < yt.nrows; i++) {
				const char *code = yt.columns[0].values[yt.rows[i].value[0]].code;
				if (code && !parse_int64(code, 0, 9999, &yv) && yv <= o->year)
					total += yt.rows[i].count;
			}
			stats_table_release(&yt);
		}
		years_upto(&t, o->year, total, &d);
	} else if (top) {
		/* top: how many values each column keeps, its digits from the last
		 * column (10: ten of one column; 644: six, four, four of three) */
		struct stats_table in = t;
		memset(&t, 0, sizeof(t));
		for (int c = ndims - 1, keep = top; c >= 0; c--) {
			int k = ndims == 1 ? keep : keep % 10;
			keep = ndims == 1 ? 0 : keep / 10;
			top_values(&in, c, k, &d);
			stats_table_release(&in);
			in = d;
			memset(&d, 0, sizeof(d));
		}
		d = in;
	}
	push(r, SB_HEADING, text(r, heading, NULL));
	snprintf(y, sizeof(y), "%d", o->year);
	if (trend) {
		const char *from = d.columns[0].nvalues ? d.columns[0].values[0].code : y;
		push(r, SB_NOTE, text(r, "stats.years", (const char *const[]){ "from", from, "year", y, NULL }));
	}
	if (note_key)
		push(r, SB_NOTE, text(r, note_key, NULL));
	rc = publish(r, o, trend || top ? &d : &t, &x, err);
	if (rc == SANAD_ELIMIT) {
		/* too large to protect: say so and go on with the other sections */
		push(r, SB_NOTE, xstrdup(err->message));
		rc = 0;
		goto out;
	}
	if (rc)
		goto out;
	if (!x->p.cube.ncells) {
		push(r, SB_NOTE, text(r, "stats.none", NULL));
	} else if (kind == CHART_FLOW) {
		chart_block(r, x, kind);
	} else {
		table_block(r, x);
		table_notes(r, x);
		chart_block(r, x, kind);
	}
out:
	stats_table_release(&t);
	stats_table_release(&d);
	return rc;
}

/* The routes: the flow chart, then the TOP_ROUTES largest published routes. */
static int routes(struct sreport *r, struct storage *st, const struct report_stats_options *o,
		  struct sanad_error *err)
{
	static const char *const dims3[] = { "route_origin", "route_transit", "route_destination" };
	const struct published *x;
	const struct disclosure_cube *cube;
	size_t *order, n = 0, nsupp = 0;
	struct sblock *b;
	int ndims = 3, rc;
	char a[32], c[32];

	if (!have_dims(STATS_COUNT_VICTIMS, dims3, 3))
		return 0;
	if ((rc = section(r, st, o, "stats.h.routes", STATS_COUNT_VICTIMS, dims3, ndims, 0, ROUTE_TOP, CHART_FLOW,
			  "stats.routes_top", err)))
		return rc;
	x = r->tables[r->ntables - 1];
	cube = &x->p.cube;
	if (!cube->ncells)
		return 0;
	order = xcalloc(cube->ncells, sizeof(*order));
	for (size_t i = 0; i < cube->ncells; i++) {
		if (disclosure_cube_is_margin(cube, i))
			continue;
		if (cube->state[i] != DISCLOSURE_PUBLISHED)
			nsupp++;
		else if (cube->count[i] > 0)
			order[n++] = i;
	}
	/* largest first, ties in table order (a stable insertion sort) */
	for (size_t i = 1; i < n; i++)
		for (size_t j = i; j > 0 && cube->count[order[j - 1]] < cube->count[order[j]]; j--) {
			size_t t = order[j];
			order[j] = order[j - 1];
			order[j - 1] = t;
		}
	push(r, SB_HEADING, text(r, "stats.h.top_routes", NULL));
	b = push(r, SB_TABLE, NULL);
	b->ncols = ndims + 1;
	b->nrows = (int)(n < TOP_ROUTES ? n : TOP_ROUTES) + 1;
	b->cells = xcalloc((size_t)b->ncols * (size_t)b->nrows, sizeof(char *));
	for (int k = 0; k < ndims; k++)
		b->cells[k] = xstrdup(x->t.columns[k].dim->title[r->lang]);
	b->cells[ndims] = text(r, "stats.count", NULL);
	for (int row = 1; row < b->nrows; row++) {
		for (int k = 0; k < ndims; k++)
			b->cells[row * b->ncols + k] = xstrdup(disclosure_cell_label(&x->p, order[row - 1], k, r->lang));
		b->cells[row * b->ncols + ndims] = count_text(&x->p, order[row - 1]);
	}
	snprintf(a, sizeof(a), "%zu", n > TOP_ROUTES ? n - TOP_ROUTES : 0);
	snprintf(c, sizeof(c), "%zu", nsupp);
	if (n > TOP_ROUTES || nsupp)
		push(r, SB_NOTE, text(r, "stats.routes_left", (const char *const[]){ "n", a, "x", c, NULL }));
	table_notes(r, x);
	free(order);
	return 0;
}

/* SDG 16.2.2 as a table (rates are not drawn: a rate of a suppressed
 * count is suppressed too, and the breakdowns mix denominators). */
static int sdg(struct sreport *r, struct storage *st, const struct report_stats_options *o, struct sanad_error *err)
{
	struct stats_query q = { 0 };
	struct stats_sdg s = { 0 };
	struct sblock *b;
	int rc;
	q.scope = o->scope;
	if ((rc = stats_sdg_16_2_2(st, &q, o->year, o->threshold, &s, err))) {
		stats_sdg_release(&s);
		return rc;
	}
	if (!s.nrows) {
		stats_sdg_release(&s);
		return 0;
	}
	push(r, SB_HEADING, text(r, "stats.h.sdg", NULL));
	b = push(r, SB_TABLE, NULL);
	b->ncols = 4;
	b->nrows = (int)s.nrows + 1;
	b->cells = xcalloc((size_t)b->ncols * (size_t)b->nrows, sizeof(char *));
	b->cells[0] = text(r, "stats.sdg.group", NULL);
	b->cells[1] = text(r, "stats.sdg.victims", NULL);
	b->cells[2] = text(r, "stats.sdg.population", NULL);
	b->cells[3] = text(r, "stats.sdg.rate", NULL);
	for (size_t i = 0; i < s.nrows; i++) {
		const struct stats_sdg_row *row = &s.rows[i];
		struct strbuf g = STRBUF_INIT;
		const char *parts[3] = { row->sex, row->age_group, row->exploitation };
		static const char *const lists[3] = { "sex", "majority_status", "exploitation_type" };
		char num[64];
		char **cell = &b->cells[(i + 1) * 4];
		for (int k = 0; k < 3; k++) {
			const struct vocab_entry *e;
			if (!parts[k])
				continue;
			if (g.len)
				strbuf_addstr(&g, " · ");
			e = vocab_find(lists[k], parts[k]);
			if (!e && k == 1)
				e = vocab_find("age_band", parts[k]);
			strbuf_addstr(&g, e ? e->label[r->lang] : parts[k]);
		}
		if (!g.len)
			strbuf_addstr(&g, response_string("stats.total_label", r->lang));
		cell[0] = strbuf_detach(&g);
		snprintf(num, sizeof(num), "%lld", (long long)row->victims);
		cell[1] = xstrdup(row->victims_suppressed ? "x" : num);
		snprintf(num, sizeof(num), "%lld", (long long)row->population);
		cell[2] = xstrdup(row->population ? num : "-");
		if (row->state == STATS_SDG_RATE)
			snprintf(num, sizeof(num), "%.2f", row->rate);
		else
			snprintf(num, sizeof(num), "%s",
				 row->state == STATS_SDG_SUPPRESSED ? "x" : response_string("stats.sdg.none", r->lang));
		cell[3] = xstrdup(num);
	}
	if (s.note[r->lang])
		push(r, SB_NOTE, xstrdup(s.note[r->lang]));
	stats_sdg_release(&s);
	return 0;
}

static int build(struct storage *st, const struct report_stats_options *o, struct sreport *r,
		 struct sanad_error *err)
{
	static const char *const sex[] = { "sex" }, *const age_sex[] = { "age", "sex" },
				 *const form[] = { "exploitation" }, *const nat[] = { "nationality" },
				 *const year_sex[] = { "year", "sex" }, *const outcome[] = { "outcome" },
				 *const days[] = { "days_to_service" },
				 *const services[] = { "service_year", "service_mode" },
				 *const recruitment[] = { "year", "recruitment_method" },
				 *const apps[] = { "year", "recruitment_app" };
	struct stats_table t = { 0 };
	struct published *x;
	char y[16], n[32], th[32], date[11];
	time_t now = time(NULL);
	struct tm tm;
	int rc;

	if ((rc = response_strings_load(err)))
		return rc;
	snprintf(y, sizeof(y), "%d", o->year);
	gmtime_r(&now, &tm);
	strftime(date, sizeof(date), "%Y-%m-%d", &tm);
	r->title = text(r, "stats.title", (const char *const[]){ "year", y, NULL });
	push(r, SB_TITLE, xstrdup(r->title));
	push(r, SB_SUBTITLE, text(r, o->scope == STATS_SCOPE_NATIONAL ? "stats.scope.national" : "stats.scope.all", NULL));
	push(r, SB_SUBTITLE, text(r, "stats.generated", (const char *const[]){ "date", date, NULL }));

	/* totals: the published total of the year's victims */
	if ((rc = compute(st, o, STATS_COUNT_VICTIMS, sex, 1, o->year, &t, err)))
		goto out;
	if ((rc = publish(r, o, &t, &x, err)))
		goto out;
	push(r, SB_HEADING, text(r, "stats.h.totals", NULL));
	/* none at all is no one's secret */
	if (x->p.total_victims_published || x->t.total_victims == 0)
		snprintf(n, sizeof(n), "%lld", (long long)x->t.total_victims);
	else
		snprintf(n, sizeof(n), "x");
	push(r, SB_PARAGRAPH, text(r, "stats.total", (const char *const[]){ "year", y, "n", n, NULL }));
	if (o->scope == STATS_SCOPE_NATIONAL) {
		snprintf(n, sizeof(n), "%lld", (long long)x->t.duplicates_merged);
		push(r, SB_PARAGRAPH, text(r, "stats.merged", (const char *const[]){ "n", n, NULL }));
	}
	snprintf(th, sizeof(th), "%lld", (long long)x->p.report.threshold - 1);
	push(r, SB_NOTE, text(r, "stats.method.count", NULL));
	if (o->scope == STATS_SCOPE_NATIONAL)
		push(r, SB_NOTE, text(r, "stats.method.pool", NULL));
	push(r, SB_NOTE, text(r, "stats.method.suppress", (const char *const[]){ "max", th, NULL }));

#define SECTION(h, subj, dims, trend, top, kind, note)                                                     \
	if ((rc = section(r, st, o, h, subj, dims, (int)(sizeof(dims) / sizeof(dims[0])), trend, top, kind, note, \
			  err)))                                                                           \
		goto out;
	SECTION("stats.h.sex_age", STATS_COUNT_VICTIMS, age_sex, 0, 0, CHART_BARS, NULL)
	SECTION("stats.h.exploitation", STATS_COUNT_VICTIMS, form, 0, 0, CHART_BARS, NULL)
	SECTION("stats.h.nationality", STATS_COUNT_VICTIMS, nat, 0, TOP_NATIONALITIES, CHART_BARS, NULL)
	SECTION("stats.h.trend", STATS_COUNT_VICTIMS, year_sex, 1, 0, CHART_LINES, NULL)
	if ((rc = routes(r, st, o, err)))
		goto out;
	SECTION("stats.h.outcomes", STATS_COUNT_VICTIMS, outcome, 0, 0, CHART_BARS, NULL)
	SECTION("stats.h.days", STATS_COUNT_VICTIMS, days, 0, 0, CHART_BARS, NULL)
	SECTION("stats.h.services", STATS_COUNT_SERVICES, services, 1, 0, CHART_LINES, "stats.services_note")
	SECTION("stats.h.recruitment", STATS_COUNT_VICTIMS, recruitment, 1, 0, CHART_LINES, NULL)
	SECTION("stats.h.apps", STATS_COUNT_VICTIMS, apps, 1, 0, CHART_LINES, NULL)
#undef SECTION
	rc = sdg(r, st, o, err);
out:
	stats_table_release(&t);
	return rc;
}

/* ---- PDF ---- */

static const struct pdf_geometry stats_geometry = { 50.0, 64.0, 60.0, 1 };

static void pdf_table(struct pdf_page *p, const struct sblock *b)
{
	double *w = xcalloc((size_t)b->ncols, sizeof(double)), size = b->ncols > 6 ? 7 : 8.5;
	PangoLayout **cells = xcalloc((size_t)b->ncols, sizeof(*cells));
	for (int c = 0; c < b->ncols; c++) {
		for (int r = 0; r < b->nrows; r++) {
			PangoLayout *l = pdf_layout(p, b->cells[r * b->ncols + c], size, r == 0 || c == 0, 0);
			if (pdf_layout_width(l) + 2 * CELL_PAD + 1 > w[c])
				w[c] = pdf_layout_width(l) + 2 * CELL_PAD + 1;
			g_object_unref(l);
		}
		if (c == 0 && w[c] > p->content_w * 0.4)
			w[c] = p->content_w * 0.4;
	}
	/* counts within their fair share keep their width and do not wrap */
	pdf_fit_columns(w, b->ncols, p->content_w);
	p->y += 2;
	for (int r = 0; r < b->nrows; r++) {
		double h = 0, x = p->rtl ? PDF_PAGE_W - p->g.margin_x : p->g.margin_x;
		for (int c = 0; c < b->ncols; c++) {
			cells[c] = pdf_layout(p, b->cells[r * b->ncols + c], size, r == 0 || c == 0, w[c] - 2 * CELL_PAD);
			/* counts line up at the end of their column */
			if (c > 0 && r > 0)
				pango_layout_set_alignment(cells[c], p->rtl ? PANGO_ALIGN_LEFT : PANGO_ALIGN_RIGHT);
			if (pdf_layout_height(cells[c]) > h)
				h = pdf_layout_height(cells[c]);
		}
		h += 2 * CELL_PAD;
		if (r == 0)
			pdf_ensure(p, h * (b->nrows > 3 ? 4 : b->nrows));
		else if (p->y + h > PDF_PAGE_H - p->g.margin_bottom)
			pdf_new_page(p);
		for (int c = 0; c < b->ncols; c++) {
			double left = p->rtl ? x - w[c] : x;
			const char *s = b->cells[r * b->ncols + c];
			int total_row = r > 0 && c == 0 && r == b->nrows - 1 && b->ncols > 1;
			if (r == 0 || total_row || (s && !strcmp(s, "x"))) {
				double g = r == 0 ? 0.92 : total_row ? 0.96 : 0.97;
				cairo_set_source_rgb(p->cr, g, g, r == 0 ? 0.96 : g);
				cairo_rectangle(p->cr, left, p->y, w[c], h);
				cairo_fill(p->cr);
			}
			cairo_set_source_rgb(p->cr, 0.65, 0.65, 0.65);
			cairo_set_line_width(p->cr, 0.4);
			cairo_rectangle(p->cr, left, p->y, w[c], h);
			cairo_stroke(p->cr);
			pdf_show(p, cells[c], left + CELL_PAD, p->y + CELL_PAD, 0.1);
			g_object_unref(cells[c]);
			x = p->rtl ? x - w[c] : x + w[c];
		}
		p->y += h;
		p->page_has_content = 1;
	}
	p->y += 4;
	free(w);
	free(cells);
}

static int pdf_chart(struct pdf_page *p, const struct sblock *b, struct sanad_error *err)
{
	struct chart_options co = { b->chart_kind, p->lang, 0, 0, NULL, 0 };
	double h = b->chart_kind == CHART_FLOW ? CHART_H + 80 : CHART_H;
	int rc;
	/* the chart's own title would repeat the heading above it */
	co.title = "";
	if (b->chart->p.cube.ncells == 0)
		return 0;
	pdf_ensure(p, h);
	rc = chart_draw(p->cr, p->g.margin_x, p->y, p->content_w, h, &b->chart->p, &co, err);
	p->y += h + 6;
	p->page_has_content = 1;
	return rc;
}

/* How each kind of text block is set (indexed by enum sblock_kind). */
static const struct pdf_text_style text_styles[] = {
	[SB_TITLE] = { 18, 1, 0.05, 0, 6, 0, 0 },
	[SB_SUBTITLE] = { 9.5, 0, 0.35, 0, 2, 0, 0 },
	/* never alone at the foot of a page */
	[SB_HEADING] = { 13, 1, 0.12, 14, 4, 120, 0 },
	[SB_PARAGRAPH] = { 10, 0, 0.1, 0, 4, 0, 0 },
	[SB_NOTE] = { 8, 0, 0.35, 0, 4, 0, 0 },
};

static int render_pdf(cairo_t *cr, void *arg, struct sanad_error *err)
{
	const struct sreport *r = arg;
	struct pdf_page p;
	int rc = 0;
	pdf_start(&p, cr, r->lang, r->title, &stats_geometry);
	for (size_t i = 0; i < r->nblocks && !rc; i++) {
		const struct sblock *b = &r->blocks[i];
		switch (b->kind) {
		case SB_TABLE:
			pdf_table(&p, b);
			break;
		case SB_CHART:
			rc = pdf_chart(&p, b, err);
			break;
		default:
			pdf_text(&p, b->text, &text_styles[b->kind]);
			break;
		}
	}
	pdf_finish(&p);
	return rc;
}

/* ---- HTML ---- */

static void esc(struct strbuf *out, const char *s)
{
	for (; s && *s; s++) {
		switch (*s) {
		case '&': strbuf_addstr(out, "&amp;"); break;
		case '<': strbuf_addstr(out, "&lt;"); break;
		case '>': strbuf_addstr(out, "&gt;"); break;
		case '"': strbuf_addstr(out, "&quot;"); break;
		default: strbuf_addch(out, *s);
		}
	}
}

static const char html_style[] =
	"body{font-family:'Noto Sans','Noto Sans Arabic','Noto Naskh Arabic','DejaVu Sans',Arial,sans-serif;"
	"max-width:58em;margin:2em auto;padding:0 1em;line-height:1.5;color:#222}"
	"h1{font-size:1.6em;margin-bottom:.2em}h2{font-size:1.25em;border-bottom:2px solid #456;margin-top:1.8em}"
	".sub{color:#555;margin:.1em 0}.note{font-size:.88em;color:#555}"
	"table{border-collapse:collapse;margin:.6em 0}th,td{border:1px solid #bbb;padding:.2em .55em;text-align:start}"
	"td.n{text-align:end;font-variant-numeric:tabular-nums}th{background:#eef2f5}"
	"figure{margin:.8em 0}figure svg{max-width:100%;height:auto}";

static int render_html(const struct sreport *r, struct strbuf *out, struct sanad_error *err)
{
	int ar = r->lang == VOCAB_AR;
	strbuf_addf(out, "<!DOCTYPE html>\n<html lang=\"%s\" dir=\"%s\">\n<head>\n<meta charset=\"utf-8\">\n<title>",
		    ar ? "ar" : "en", ar ? "rtl" : "ltr");
	esc(out, r->title);
	strbuf_addf(out, "</title>\n<style>%s</style>\n</head>\n<body>\n", html_style);
	for (size_t i = 0; i < r->nblocks; i++) {
		const struct sblock *b = &r->blocks[i];
		static const char *const open[] = { "<h1>", "<p class=\"sub\">", "<h2>", "<p>", "<p class=\"note\">" };
		static const char *const close[] = { "</h1>\n", "</p>\n", "</h2>\n", "</p>\n", "</p>\n" };
		if (b->kind <= SB_NOTE) {
			strbuf_addstr(out, open[b->kind]);
			esc(out, b->text);
			strbuf_addstr(out, close[b->kind]);
		} else if (b->kind == SB_TABLE) {
			strbuf_addstr(out, "<table>\n");
			for (int row = 0; row < b->nrows; row++) {
				strbuf_addstr(out, "<tr>");
				for (int c = 0; c < b->ncols; c++) {
					const char *tag = row == 0 || c == 0 ? "th" : "td";
					strbuf_addf(out, "<%s%s>", tag, row && c ? " class=\"n\"" : "");
					esc(out, b->cells[row * b->ncols + c]);
					strbuf_addf(out, "</%s>", tag);
				}
				strbuf_addstr(out, "</tr>\n");
			}
			strbuf_addstr(out, "</table>\n");
		} else if (b->chart->p.cube.ncells) {
			struct chart_options co = { b->chart_kind, r->lang, 720, b->chart_kind == CHART_FLOW ? 520 : 400,
						    "", 0 };
			struct strbuf svg = STRBUF_INIT;
			const char *s;
			int rc;
			/* the heading above names the chart; its <title> too */
			co.title = i > 0 && r->blocks[i - 1].kind == SB_HEADING ? r->blocks[i - 1].text : NULL;
			for (size_t k = i; k > 0 && !co.title; k--)
				if (r->blocks[k - 1].kind == SB_HEADING)
					co.title = r->blocks[k - 1].text;
			if ((rc = chart_render(&b->chart->p, &co, CHART_SVG, &svg, err))) {
				strbuf_release(&svg);
				return rc;
			}
			/* inline: without the XML declaration */
			s = strstr(strbuf_str(&svg), "<svg");
			strbuf_addstr(out, "<figure>");
			strbuf_addstr(out, s ? s : "");
			strbuf_addstr(out, "</figure>\n");
			strbuf_release(&svg);
		}
	}
	strbuf_addstr(out, "</body>\n</html>\n");
	return 0;
}

/* ---- entry ---- */

int report_statistics(struct storage *st, const struct report_stats_options *o, enum report_stats_format format,
		      const char *path, struct strbuf *out, struct sanad_error *err)
{
	struct sreport r = { 0 };
	struct report_stats_options opt = *o;
	int rc;
	if (opt.threshold <= 0)
		opt.threshold = DISCLOSURE_DEFAULT_THRESHOLD;
	r.lang = opt.lang == VOCAB_AR ? VOCAB_AR : VOCAB_EN;
	r.year = opt.year;
	rc = build(st, &opt, &r, err);
	if (!rc) {
		if (format == REPORT_STATS_PDF)
			rc = path ? pdf_write(path, r.title, render_pdf, &r, err)
				  : sanad_error_set(err, SANAD_EINVAL, "a PDF report needs a file to write");
		else
			rc = render_html(&r, out, err);
	}
	sreport_free(&r);
	return rc;
}
