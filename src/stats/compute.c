/*
 * stats/compute.c: counting cases by dimensions in one pass.
 *
 * When an index groups the fields in order (year alone, say), SQLite counts
 * them and hands over one row per distinct combination with its count.
 * Otherwise storage_case_scan_parts streams only the columns asked for, a
 * part per core (each part has its own tables here, merged at the end).
 * Either way each value is turned into a small integer per dimension (an
 * interning hash table: id 0 is "unknown", ids 1.. are the distinct values
 * in order of first sight), the ids of a case form its key, and a second
 * hash table counts keys.  A multi-valued field contributes one key per
 * value (per combination when several columns are multi-valued).  Only at
 * the end are the few distinct values ordered (vocabulary order, numbers
 * numerically, text by bytes, unknown last) and the groups sorted, so the
 * per-case work is a handful of hash probes whatever the size of the
 * database.
 */
#include "stats/stats.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* ---- interning: value text -> small id ---- */

struct interner {
	char **keys;      /* keys[id - 1] */
	size_t *lens;
	uint32_t count;
	size_t alloc;
	uint32_t *slots;  /* 0: empty, else id */
	uint32_t *hashes; /* hash of each slot's key, to skip most comparisons */
	uint32_t nslots;  /* a power of two */
};

static uint32_t hash_bytes(const char *s, size_t n)
{
	uint32_t h = 2166136261u;
	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)s[i]) * 16777619u;
	return h;
}

static void interner_grow(struct interner *in)
{
	uint32_t nslots = in->nslots ? in->nslots * 2 : 64;
	uint32_t *slots = xcalloc(nslots, sizeof(*slots));
	uint32_t *hashes = xcalloc(nslots, sizeof(*hashes));
	for (uint32_t i = 0; i < in->nslots; i++) {
		uint32_t s;
		if (!in->slots[i])
			continue;
		for (s = in->hashes[i] & (nslots - 1); slots[s]; s = (s + 1) & (nslots - 1))
			;
		slots[s] = in->slots[i];
		hashes[s] = in->hashes[i];
	}
	free(in->slots);
	free(in->hashes);
	in->slots = slots;
	in->hashes = hashes;
	in->nslots = nslots;
}

/* The id of s[0..n), adding it if new. */
static uint32_t intern(struct interner *in, const char *s, size_t n)
{
	uint32_t h = hash_bytes(s, n), i;
	if ((in->count + 1) * 2 > in->nslots)
		interner_grow(in);
	for (i = h & (in->nslots - 1); in->slots[i]; i = (i + 1) & (in->nslots - 1)) {
		uint32_t id = in->slots[i];
		if (in->hashes[i] == h && in->lens[id - 1] == n && !memcmp(in->keys[id - 1], s, n))
			return id;
	}
	if (in->count + 1 > in->alloc) {
		in->alloc = in->alloc ? in->alloc * 2 : 16;
		in->keys = xrealloc(in->keys, in->alloc * sizeof(*in->keys));
		in->lens = xrealloc(in->lens, in->alloc * sizeof(*in->lens));
	}
	in->keys[in->count] = xstrndup(s, n);
	in->lens[in->count] = n;
	in->slots[i] = ++in->count;
	in->hashes[i] = h;
	return in->count;
}

static void interner_release(struct interner *in)
{
	for (uint32_t i = 0; i < in->count; i++)
		free(in->keys[i]);
	free(in->keys);
	free(in->lens);
	free(in->slots);
	free(in->hashes);
	memset(in, 0, sizeof(*in));
}

/* ---- counting keys (one id per dimension) ---- */

struct group_table {
	int width;          /* ids per key */
	uint32_t *keys;     /* width ids per group */
	int64_t *counts;
	size_t count, alloc;
	uint32_t *slots;    /* 0: empty, else group index + 1 */
	size_t nslots;      /* a power of two */
};

static uint32_t hash_key(const uint32_t *ids, int width)
{
	uint32_t h = 2166136261u;
	for (int i = 0; i < width; i++)
		h = (h ^ ids[i]) * 16777619u;
	return h ^ (h >> 15);
}

static void groups_grow(struct group_table *g)
{
	size_t nslots = g->nslots ? g->nslots * 2 : 256;
	uint32_t *slots = xcalloc(nslots, sizeof(*slots));
	for (size_t k = 0; k < g->count; k++) {
		size_t s = hash_key(&g->keys[k * (size_t)g->width], g->width) & (nslots - 1);
		while (slots[s])
			s = (s + 1) & (nslots - 1);
		slots[s] = (uint32_t)(k + 1);
	}
	free(g->slots);
	g->slots = slots;
	g->nslots = nslots;
}

static void groups_add(struct group_table *g, const uint32_t *ids, int64_t n)
{
	size_t s, width = (size_t)g->width;
	if ((g->count + 1) * 2 > g->nslots)
		groups_grow(g);
	for (s = hash_key(ids, g->width) & (g->nslots - 1); g->slots[s]; s = (s + 1) & (g->nslots - 1)) {
		size_t k = g->slots[s] - 1;
		if (!memcmp(&g->keys[k * width], ids, width * sizeof(*ids))) {
			g->counts[k] += n;
			return;
		}
	}
	if (g->count + 1 > g->alloc) {
		g->alloc = g->alloc ? g->alloc * 2 : 64;
		g->keys = xrealloc(g->keys, g->alloc * width * sizeof(*g->keys));
		g->counts = xrealloc(g->counts, g->alloc * sizeof(*g->counts));
	}
	memcpy(&g->keys[g->count * width], ids, width * sizeof(*ids));
	g->counts[g->count] = n;
	g->slots[s] = (uint32_t)++g->count;
}

static void groups_release(struct group_table *g)
{
	free(g->keys);
	free(g->counts);
	free(g->slots);
}

/* ---- the scan ---- */

struct scan {
	int ndims;
	const struct stats_dimension *dims[STATS_MAX_DIMS];
	struct interner values[STATS_MAX_DIMS];
	struct group_table groups;
	int64_t cases;
	int unknown_seen[STATS_MAX_DIMS];
	/* ids of the current case's values, per dimension (several for multi) */
	uint32_t *ids[STATS_MAX_DIMS];
	size_t nids[STATS_MAX_DIMS], ids_alloc[STATS_MAX_DIMS];
};

static void add_id(struct scan *sc, int d, uint32_t id)
{
	if (!id)
		sc->unknown_seen[d] = 1;
	/* canonical multi values never repeat a code, but a damaged row
	 * must not count a case twice under one value */
	for (size_t i = 0; i < sc->nids[d]; i++)
		if (sc->ids[d][i] == id)
			return;
	ALLOC_GROW(sc->ids[d], sc->nids[d] + 1, sc->ids_alloc[d]);
	sc->ids[d][sc->nids[d]++] = id;
}

static void collect_ids(struct scan *sc, int d, const char *v)
{
	const struct stats_dimension *dim = sc->dims[d];
	sc->nids[d] = 0;
	if (!v || !*v) {
		add_id(sc, d, 0);
		return;
	}
	switch (dim->kind) {
	case STATS_DIM_MULTI:
		for (const char *p = v; *p;) {
			size_t n = strcspn(p, ";");
			if (n)
				add_id(sc, d, intern(&sc->values[d], p, n));
			p += n;
			if (*p)
				p++;
		}
		if (!sc->nids[d])
			add_id(sc, d, 0);
		break;
	case STATS_DIM_BANDED: {
		int64_t age;
		const char *band = parse_int64(v, 0, 200, &age) ? NULL : age_band_for((int)age);
		if (band)
			add_id(sc, d, intern(&sc->values[d], band, strlen(band)));
		else
			add_id(sc, d, intern(&sc->values[d], v, strlen(v)));
		break;
	}
	default:
		add_id(sc, d, intern(&sc->values[d], v, strlen(v)));
	}
}

/* Count n cases whose fields hold values. */
static void count_values(struct scan *sc, const char *const *values, int64_t n)
{
	uint32_t key[STATS_MAX_DIMS];
	size_t at[STATS_MAX_DIMS] = { 0 };
	int d;

	sc->cases += n;
	for (d = 0; d < sc->ndims; d++)
		collect_ids(sc, d, values[d]);
	/* every combination of the case's values: an odometer over the dims */
	for (;;) {
		for (d = 0; d < sc->ndims; d++)
			key[d] = sc->ids[d][at[d]];
		groups_add(&sc->groups, key, n);
		for (d = sc->ndims - 1; d >= 0; d--) {
			if (++at[d] < sc->nids[d])
				break;
			at[d] = 0;
		}
		if (d < 0)
			return;
	}
}

/* storage_case_scan_parts callback: one case, in part's own tables. */
static int scan_row(int part, const char *const *values, void *ctx)
{
	count_values((struct scan *)ctx + part, values, 1);
	return 0;
}

/* storage_case_group_counts callback: count cases with the same values. */
static int group_row(const char *const *values, int64_t count, void *ctx)
{
	count_values(ctx, values, count);
	return 0;
}

/* Fold part into total: the part's value ids become total's, its counts
 * are added. */
static void scan_merge(struct scan *total, struct scan *part)
{
	uint32_t *map[STATS_MAX_DIMS] = { 0 }, key[STATS_MAX_DIMS];
	for (int d = 0; d < total->ndims; d++) {
		struct interner *in = &part->values[d];
		map[d] = xcalloc(in->count + 1, sizeof(uint32_t));
		for (uint32_t id = 1; id <= in->count; id++)
			map[d][id] = intern(&total->values[d], in->keys[id - 1], in->lens[id - 1]);
		total->unknown_seen[d] |= part->unknown_seen[d];
	}
	for (size_t k = 0; k < part->groups.count; k++) {
		const uint32_t *ids = &part->groups.keys[k * (size_t)part->groups.width];
		for (int d = 0; d < total->ndims; d++)
			key[d] = map[d][ids[d]];
		groups_add(&total->groups, key, part->groups.counts[k]);
	}
	total->cases += part->cases;
	for (int d = 0; d < total->ndims; d++)
		free(map[d]);
}

static void scan_release(struct scan *sc)
{
	for (int d = 0; d < STATS_MAX_DIMS; d++) {
		interner_release(&sc->values[d]);
		free(sc->ids[d]);
	}
	groups_release(&sc->groups);
}

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

/* Fill col with the values that occurred (the interned ones, and unknown
 * if with_unknown) in display order; pos[id] receives each id's position. */
static void build_column(struct stats_column *col, const struct interner *in, int with_unknown,
			 uint32_t *pos, const struct organisation *orgs, size_t norgs)
{
	const struct stats_dimension *dim = col->dim;
	const struct vocab_list *list = dim->list ? vocab_list_find(dim->list) : NULL;
	uint32_t n = in->count + (with_unknown ? 1 : 0);
	struct sort_key *keys = xcalloc(n ? n : 1, sizeof(*keys));

	for (uint32_t i = 0; i < n; i++) {
		struct sort_key *k = &keys[i];
		uint32_t id = with_unknown ? i : i + 1;
		k->id = id;
		if (!id) {
			k->group = 2;
			continue;
		}
		k->text = in->keys[id - 1];
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
		if (!k->id) {
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

static int resolve_dims(const struct stats_query *q, struct stats_table *t, struct sanad_error *err)
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

/* Threads for a scan: one per core, within reason. */
static int scan_threads(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	return n < 1 ? 1 : n > 8 ? 8 : (int)n;
}

int stats_compute(struct storage *st, const struct stats_query *q, struct stats_table *t,
		  struct sanad_error *err)
{
	int nparts = q->threads > 0 ? q->threads : scan_threads();
	struct scan *parts, *total;
	const char *fields[STATS_MAX_DIMS];
	uint32_t *pos[STATS_MAX_DIMS] = { 0 };
	struct organisation *orgs = NULL;
	size_t norgs = 0;
	int rc;

	memset(t, 0, sizeof(*t));
	t->year = q->year;
	if ((rc = resolve_dims(q, t, err)))
		return rc;
	if (q->year < 0 || q->year > 9999)
		return sanad_error_set(err, SANAD_EINVAL, "year %d is not a year", q->year);
	if (nparts > 64)
		nparts = 64;
	parts = xcalloc((size_t)nparts, sizeof(*parts));
	total = &parts[0];
	for (int p = 0; p < nparts; p++) {
		parts[p].ndims = t->ncolumns;
		parts[p].groups.width = t->ncolumns;
		for (int d = 0; d < t->ncolumns; d++)
			parts[p].dims[d] = t->columns[d].dim;
	}
	for (int d = 0; d < t->ncolumns; d++) {
		fields[d] = t->columns[d].dim->field;
		if (t->columns[d].dim->kind == STATS_DIM_ORG && !orgs &&
		    (rc = storage_org_list(st, &orgs, &norgs, err)))
			goto out;
	}
	/* an index that groups the fields in order beats any scan; without one
	 * the cases are scanned, a part per thread */
	rc = q->threads ? SANAD_ENOTFOUND
			: storage_case_group_counts(st, fields, t->ncolumns, q->year, group_row, total, err);
	if (rc == SANAD_ENOTFOUND)
		rc = storage_case_scan_parts(st, fields, t->ncolumns, q->year, nparts, q->min_per_thread,
					     scan_row, parts, err);
	if (rc)
		goto out;
	for (int p = 1; p < nparts; p++)
		scan_merge(total, &parts[p]);
	t->total_victims = total->cases;
	for (int d = 0; d < t->ncolumns; d++) {
		pos[d] = xcalloc(total->values[d].count + 1, sizeof(uint32_t));
		build_column(&t->columns[d], &total->values[d], total->unknown_seen[d], pos[d], orgs, norgs);
	}
	t->rows = xcalloc(total->groups.count ? total->groups.count : 1, sizeof(*t->rows));
	t->nrows = total->groups.count;
	for (size_t k = 0; k < total->groups.count; k++) {
		const uint32_t *ids = &total->groups.keys[k * (size_t)t->ncolumns];
		for (int d = 0; d < t->ncolumns; d++)
			t->rows[k].value[d] = (int)pos[d][ids[d]];
		t->rows[k].count = total->groups.counts[k];
	}
	qsort(t->rows, t->nrows, sizeof(*t->rows), row_cmp);
	build_note(t);
out:
	for (int d = 0; d < STATS_MAX_DIMS; d++)
		free(pos[d]);
	for (size_t i = 0; i < norgs; i++)
		organisation_release(&orgs[i]);
	free(orgs);
	for (int p = 0; p < nparts; p++)
		scan_release(&parts[p]);
	free(parts);
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
