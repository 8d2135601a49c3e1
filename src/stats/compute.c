/*
 * stats/compute.c: from the engine's counts (engine.c) to a struct
 * stats_table: the values that occur put in display order (vocabulary
 * order, numbers numerically, text by bytes, unknown last) with their
 * labels in both languages, the rows sorted the same way, and the note
 * under tables with multi-valued columns.  stats_compute is a temporary
 * engine: it loads the bitmaps a previous process saved, brings them up to
 * date and counts.
 */
#include "stats/stats_internal.h"

#include <stdlib.h>
#include <string.h>

/* ---- ordering and labels ---- */

struct sort_key {
	int group;        /* 0: in the vocabulary or a number, 1: other text, 2: unknown */
	int64_t rank;     /* list position or number */
	const char *text;
	uint32_t id;
};

static int sort_key_cmp(const void *pa, const void *pb)
{
	const struct sort_key *a = pa, *b = pb;
	int c;
	if (a->group != b->group)
		return a->group < b->group ? -1 : 1;
	if (a->rank != b->rank)
		return a->rank < b->rank ? -1 : 1;
	if (a->text && b->text && (c = strcmp(a->text, b->text)))
		return c;
	return a->id < b->id ? -1 : a->id > b->id;
}

static const struct organisation *org_by_code(const struct organisation *orgs, size_t n, const char *code)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(orgs[i].code, code))
			return &orgs[i];
	return NULL;
}

/* Fill col with the values codes[0..n) (NULL: unknown) in display order;
 * pos[i] receives the position of codes[i]. */
static void build_column(struct stats_column *col, char *const *codes, uint32_t n, uint32_t *pos,
			 const struct organisation *orgs, size_t norgs)
{
	const struct stats_dimension *dim = col->dim;
	const struct vocab_list *list = dim->list ? vocab_list_find(dim->list) : NULL;
	struct sort_key *keys = xcalloc(n ? n : 1, sizeof(*keys));

	for (uint32_t i = 0; i < n; i++) {
		struct sort_key *k = &keys[i];
		k->id = i;
		if (!codes[i]) {
			k->group = 2;
			continue;
		}
		k->text = codes[i];
		k->group = 1;
		if (list) {
			const struct vocab_entry *e = vocab_lookup(list, k->text);
			if (e) {
				k->group = 0;
				k->rank = e->index;
			}
		} else if (dim->kind == STATS_DIM_NUMBER) {
			int64_t v;
			if (!parse_int64(k->text, INT64_MIN, INT64_MAX, &v)) {
				k->group = 0;
				k->rank = v;
			}
		}
	}
	qsort(keys, n, sizeof(*keys), sort_key_cmp);
	col->values = xcalloc(n ? n : 1, sizeof(*col->values));
	col->nvalues = (int)n;
	for (uint32_t i = 0; i < n; i++) {
		struct stats_value *v = &col->values[i];
		const struct sort_key *k = &keys[i];
		pos[k->id] = i;
		if (!k->text) {
			v->label[VOCAB_EN] = xstrdup("unknown");
			v->label[VOCAB_AR] = xstrdup("غير معروف");
			continue;
		}
		v->code = xstrdup(k->text);
		if (list && k->group == 0) {
			const struct vocab_entry *e = vocab_lookup(list, k->text);
			v->label[VOCAB_EN] = xstrdup(e->label[VOCAB_EN]);
			v->label[VOCAB_AR] = xstrdup(e->label[VOCAB_AR]);
		} else if (dim->kind == STATS_DIM_ORG && org_by_code(orgs, norgs, k->text)) {
			const struct organisation *o = org_by_code(orgs, norgs, k->text);
			v->label[VOCAB_EN] = xstrdup(o->name);
			v->label[VOCAB_AR] = xstrdup(o->name_ar ? o->name_ar : o->name);
		} else {
			v->label[VOCAB_EN] = xstrdup(k->text);
			v->label[VOCAB_AR] = xstrdup(k->text);
		}
	}
	free(keys);
}

static int row_cmp(const void *pa, const void *pb)
{
	const struct stats_row *a = pa, *b = pb;
	for (int i = 0; i < STATS_MAX_DIMS; i++)
		if (a->value[i] != b->value[i])
			return a->value[i] < b->value[i] ? -1 : 1;
	return 0;
}

static void build_note(struct stats_table *t)
{
	struct strbuf en = STRBUF_INIT, ar = STRBUF_INIT;
	for (int c = 0; c < t->ncolumns; c++) {
		const struct stats_dimension *d = t->columns[c].dim;
		if (d->kind != STATS_DIM_MULTI)
			continue;
		if (en.len) {
			strbuf_addstr(&en, ", ");
			strbuf_addstr(&ar, "، ");
		}
		strbuf_addstr(&en, t->columns[c].name);
		strbuf_addf(&ar, "«%s»", d->title[VOCAB_AR]);
	}
	if (!en.len)
		return;
	t->note[VOCAB_EN] = xmalloc(en.len + 256);
	snprintf(t->note[VOCAB_EN], en.len + 256,
		 "a victim with several values of %s counts once under each, so the rows add up to "
		 "more than the %lld victims",
		 en.buf, (long long)t->total_victims);
	t->note[VOCAB_AR] = xmalloc(ar.len + 512);
	snprintf(t->note[VOCAB_AR], ar.len + 512,
		 "الضحية التي لها أكثر من قيمة في %s تُحسب مرة تحت كل قيمة، لذا يزيد مجموع الصفوف على "
		 "عدد الضحايا (%lld)",
		 ar.buf, (long long)t->total_victims);
	strbuf_release(&en);
	strbuf_release(&ar);
}

int stats_resolve_dims(const struct stats_query *q, struct stats_table *t, struct sanad_error *err)
{
	if (q->ndims < 1)
		return sanad_error_set(err, SANAD_EINVAL, "name at least one dimension to count by");
	if (q->ndims > STATS_MAX_DIMS)
		return sanad_error_set(err, SANAD_ELIMIT, "%d dimensions is over the limit of %d",
				       q->ndims, STATS_MAX_DIMS);
	for (int i = 0; i < q->ndims; i++) {
		const struct stats_dimension *d = stats_dimension_find(q->dims[i]);
		if (!d) {
			struct strbuf sb = STRBUF_INIT;
			int n;
			const struct stats_dimension *all = stats_dimensions(&n);
			for (int k = 0; k < n; k++) {
				strbuf_addstr(&sb, k ? ", " : "");
				strbuf_addstr(&sb, all[k].name);
				if (all[k].alias)
					strbuf_addf(&sb, " (%s)", all[k].alias);
			}
			sanad_error_set(err, SANAD_EINVAL, "unknown dimension '%.40s'; the dimensions are: %s",
					q->dims[i], sb.buf);
			strbuf_release(&sb);
			return err ? err->code : SANAD_EINVAL;
		}
		for (int k = 0; k < i; k++)
			if (t->columns[k].dim == d)
				return sanad_error_set(err, SANAD_EINVAL, "dimension '%s' is named twice",
						       d->name);
		t->columns[i].dim = d;
		t->columns[i].name = xstrdup(q->dims[i]);
		t->ncolumns = i + 1;
	}
	return 0;
}

int stats_table_finish(struct stats_table *t, struct storage *st, char **const *codes, const uint32_t *ncodes,
		       const struct stats_cell *cells, size_t ncells, struct sanad_error *err)
{
	uint32_t *pos[STATS_MAX_DIMS] = { 0 };
	struct organisation *orgs = NULL;
	size_t norgs = 0;
	int rc = 0;

	for (int d = 0; d < t->ncolumns; d++)
		if (t->columns[d].dim->kind == STATS_DIM_ORG && !orgs &&
		    (rc = storage_org_list(st, &orgs, &norgs, err)))
			goto out;
	for (int d = 0; d < t->ncolumns; d++) {
		pos[d] = xcalloc(ncodes[d] + 1, sizeof(uint32_t));
		build_column(&t->columns[d], codes[d], ncodes[d], pos[d], orgs, norgs);
	}
	t->rows = xcalloc(ncells ? ncells : 1, sizeof(*t->rows));
	t->nrows = ncells;
	for (size_t k = 0; k < ncells; k++) {
		for (int d = 0; d < t->ncolumns; d++)
			t->rows[k].value[d] = (int)pos[d][cells[k].value[d]];
		t->rows[k].count = cells[k].count;
	}
	qsort(t->rows, t->nrows, sizeof(*t->rows), row_cmp);
	build_note(t);
out:
	for (int d = 0; d < STATS_MAX_DIMS; d++)
		free(pos[d]);
	for (size_t i = 0; i < norgs; i++)
		organisation_release(&orgs[i]);
	free(orgs);
	return rc;
}

int stats_compute(struct storage *st, const struct stats_query *q, struct stats_table *t,
		  struct sanad_error *err)
{
	struct stats_engine *e;
	int rc;

	if (q->subject != STATS_COUNT_VICTIMS)
		return stats_figures_compute(st, q, t, err);
	memset(t, 0, sizeof(*t));
	if ((rc = stats_engine_open(&e, err)))
		return rc;
	stats_engine_one_shot(e);
	rc = stats_engine_compute(e, st, q, t, err);
	stats_engine_close(e);
	return rc;
}

int stats_select(struct storage *st, const struct stats_query *q, uint32_t **ids, size_t *n,
		 int64_t *merged, struct sanad_error *err)
{
	struct stats_engine *e;
	int rc;

	*ids = NULL;
	*n = 0;
	if ((rc = stats_engine_open(&e, err)))
		return rc;
	stats_engine_one_shot(e);
	rc = stats_engine_select_merged(e, st, q, ids, n, merged, err);
	stats_engine_close(e);
	return rc;
}

void stats_table_release(struct stats_table *t)
{
	for (int c = 0; c < STATS_MAX_DIMS; c++) {
		struct stats_column *col = &t->columns[c];
		for (int i = 0; i < col->nvalues; i++) {
			free(col->values[i].code);
			free(col->values[i].label[0]);
			free(col->values[i].label[1]);
		}
		free(col->values);
		free(col->name);
	}
	free(t->rows);
	free(t->note[0]);
	free(t->note[1]);
	memset(t, 0, sizeof(*t));
}
