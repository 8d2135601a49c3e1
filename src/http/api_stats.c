/*
 * http/api_stats.c: GET /api/v1/stats — counts by year and the
 * disaggregation dimensions, computed by src/stats and published here.
 *
 * Whose cases count (DOMAIN.md §5): the national coordinator sees the
 * cases of the organisations that joined the statistics pool (in_pool);
 * everyone else allowed to see statistics sees their own organisation's.
 * The table is computed with the owning organisation as an extra
 * dimension, the rows of other organisations dropped, and the
 * organisation summed out again (unless it was asked for).
 *
 * Publication guard: a cell of fewer than HTTP_STATS_MIN_CELL victims
 * (but not zero) is suppressed — its count is null and "suppressed" true —
 * so that a published figure cannot single out a person.
 */
#include "http/http_internal.h"

#include "stats/stats.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define HTTP_STATS_MIN_CELL 5

struct org_set {
	char **codes;
	size_t n;
};

static int org_allowed(const struct org_set *s, const char *code)
{
	for (size_t i = 0; code && i < s->n; i++)
		if (!strcmp(s->codes[i], code))
			return 1;
	return 0;
}

static void org_set_release(struct org_set *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->codes[i]);
	free(s->codes);
}

/* The organisations whose cases the caller's figures include. */
static int org_scope(struct http_ctx *c, struct org_set *s, struct sanad_error *err)
{
	struct organisation *list;
	size_t n;
	memset(s, 0, sizeof(*s));
	if (c->user.role != ROLE_COORDINATOR) {
		if (c->user.org_code) {
			s->codes = xcalloc(1, sizeof(char *));
			s->codes[s->n++] = xstrdup(c->user.org_code);
		}
		return 0;
	}
	if (storage_org_list(c->st, &list, &n, err))
		return err->code;
	s->codes = xcalloc(n + 1, sizeof(char *));
	for (size_t i = 0; i < n; i++) {
		if (list[i].in_pool)
			s->codes[s->n++] = xstrdup(list[i].code);
		organisation_release(&list[i]);
	}
	free(list);
	return 0;
}

static json_t *value_json(const struct stats_column *col, const struct stats_value *v)
{
	int64_t n;
	if (!v->code)
		return json_null();
	if (col->dim->kind == STATS_DIM_NUMBER && !parse_int64(v->code, INT64_MIN, INT64_MAX, &n))
		return json_integer((json_int_t)n);
	return json_string(v->code);
}

static void add_row(json_t *rows, const struct stats_table *t, const struct stats_row *r, int ncols,
		    int64_t count, enum vocab_lang lang)
{
	json_t *row = json_object();
	for (int k = 0; k < ncols; k++) {
		const struct stats_column *col = &t->columns[k];
		const struct stats_value *v = &col->values[r->value[k]];
		char key[128];
		json_object_set_new(row, col->name, value_json(col, v));
		snprintf(key, sizeof(key), "%s_label", col->name);
		json_object_set_new(row, key, json_string(v->label[lang]));
	}
	if (count > 0 && count < HTTP_STATS_MIN_CELL) {
		json_object_set_new(row, "count", json_null());
		json_object_set_new(row, "suppressed", json_true());
	} else {
		json_object_set_new(row, "count", json_integer((json_int_t)count));
	}
	json_array_append_new(rows, row);
}

void api_stats_get(struct http_ctx *c)
{
	const char *by = http_query(c->req, "by"), *year_s = http_query(c->req, "year"), *lang_s = http_query(c->req, "lang");
	const char *dims[STATS_MAX_DIMS];
	const char *org_dim[] = { "organisation" };
	struct stats_query q = { 0 }, tq = { org_dim, 1, 0 };
	struct stats_table t, totals;
	struct sanad_error err = { 0 };
	struct org_set scope;
	enum vocab_lang lang = vocab_lang_parse(lang_s ? lang_s : c->user.language ? c->user.language : "en");
	char *copy, *save = NULL, *tok;
	int ndims = 0, org_col = -1, ncols;
	int64_t year = 0, total = 0;
	json_t *root, *dlist, *rows, *notes;

	if (year_s && parse_int64(year_s, 1900, 2200, &year)) {
		reply_error(c, 400, "invalid", "year: give a year from 1900 to 2200");
		return;
	}
	copy = xstrdup(by && *by ? by : "year");
	for (tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		const struct stats_dimension *d = stats_dimension_find(tok);
		if (ndims >= STATS_MAX_DIMS - 1) {
			free(copy);
			reply_error(c, 400, "invalid", "by: at most %d dimensions", STATS_MAX_DIMS - 1);
			return;
		}
		if (d && d->kind == STATS_DIM_ORG)
			org_col = ndims;
		dims[ndims++] = tok;
	}
	ncols = ndims;
	if (org_col < 0) {
		org_col = ndims;
		dims[ndims++] = "organisation";
	} else {
		ncols = ndims; /* asked for: it stays a column */
	}
	q.dims = dims;
	q.ndims = ndims;
	q.year = (int)year;
	tq.year = (int)year;
	if (org_scope(c, &scope, &err)) {
		free(copy);
		reply_sanad_error(c, &err);
		return;
	}
	if (stats_compute(c->st, &q, &t, &err)) {
		stats_table_release(&t);
		free(copy);
		org_set_release(&scope);
		reply_sanad_error(c, &err);
		return;
	}
	if (stats_compute(c->st, &tq, &totals, &err)) {
		stats_table_release(&t);
		stats_table_release(&totals);
		free(copy);
		org_set_release(&scope);
		reply_sanad_error(c, &err);
		return;
	}
	for (size_t r = 0; r < totals.nrows; r++)
		if (org_allowed(&scope, totals.columns[0].values[totals.rows[r].value[0]].code))
			total += totals.rows[r].count;

	/* rows come ordered by the columns, the added organisation last, so
	 * the rows that differ only in it are adjacent: sum them */
	rows = json_array();
	for (size_t r = 0; r < t.nrows;) {
		size_t e = r;
		int64_t sum = 0;
		while (e < t.nrows && (ncols == ndims || !memcmp(t.rows[e].value, t.rows[r].value, sizeof(int) * (size_t)ncols))) {
			if (org_allowed(&scope, t.columns[org_col].values[t.rows[e].value[org_col]].code))
				sum += t.rows[e].count;
			e++;
			if (ncols == ndims)
				break;
		}
		if (sum)
			add_row(rows, &t, &t.rows[r], ncols, sum, lang);
		r = e;
	}
	root = json_object();
	dlist = json_array();
	for (int k = 0; k < ncols; k++)
		json_array_append_new(dlist, json_string(t.columns[k].name));
	json_object_set_new(root, "dimensions", dlist);
	json_object_set_new(root, "year", year ? json_integer(year) : json_null());
	json_object_set_new(root, "scope", json_string(c->user.role == ROLE_COORDINATOR ? "pool" : "organisation"));
	json_object_set_new(root, "total_victims",
			    total > 0 && total < HTTP_STATS_MIN_CELL ? json_null() : json_integer((json_int_t)total));
	json_object_set_new(root, "suppressed_below", json_integer(HTTP_STATS_MIN_CELL));
	notes = json_array();
	if (t.note[lang])
		json_array_append_new(notes, json_string(t.note[lang]));
	json_object_set_new(root, "notes", notes);
	json_object_set_new(root, "rows", rows);
	stats_table_release(&t);
	stats_table_release(&totals);
	org_set_release(&scope);
	free(copy);
	reply_json(c, 200, root);
}
