/*
 * stats/figures.c: the figures beyond victim counts (issue 5 item 2) --
 * perpetrators and services counted by their own dimensions, and SDG
 * indicator 16.2.2 (victims per 100,000 population) from the population
 * figures an administrator enters.
 *
 * Every figure starts from the case ids of the query's scope: all cases,
 * one organisation's, or the national pool (pooled organisations, consent
 * for statistical use, one case per person by match key).  Items of those
 * cases are then read from storage and counted into an ordinary
 * stats_table, so the CLI, the API and the disclosure control print and
 * protect them like any other table.  The SDG rates divide counts taken
 * from the same tables `sanad stats --publish` prints, so a rate is never
 * published beside a suppressed count that it would give away.
 */
#include "stats/stats_internal.h"

#include "disclosure/disclosure.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Where a figures dimension takes its value from. */
enum fig_source {
	SRC_CASE_YEAR,    /* the case's snd_YearOfRegistration */
	SRC_FIELD,        /* the item field as stored */
	SRC_FIELD_YEAR,   /* the year of a date field */
	SRC_AGE_BAND,     /* a band field, else the band of an age field */
};

/* How a figures dimension gets its value: parallel to the dimension
 * tables below (which stay plain arrays of struct stats_dimension, so
 * front ends can list them like the victims' dimensions). */
struct fig_src {
	enum fig_source src;
	const char *age_field;    /* SRC_AGE_BAND: the age in years */
};

static const struct stats_dimension perpetrator_dims[] = {
	{ "year", NULL, "snd_YearOfRegistration", STATS_DIM_NUMBER, NULL, { "Year", "السنة" },
	  "year the victim's case was registered" },
	{ "perpetrator_sex", "sex", "snd_PerpetratorSex", STATS_DIM_PICK, "sex",
	  { "Perpetrator's sex", "جنس الجاني" }, "sex of the perpetrator" },
	{ "perpetrator_age", "age", "snd_PerpetratorAgeBroad", STATS_DIM_PICK, "age_band",
	  { "Perpetrator's age band", "الفئة العمرية للجاني" },
	  "age band of the perpetrator (from the age in years when no band is recorded)" },
	{ "perpetrator_nationality", "nationality", "snd_PerpetratorCitizenship", STATS_DIM_MULTI, "country",
	  { "Perpetrator's nationality", "جنسية الجاني" },
	  "nationality of the perpetrator (several: counted under each)" },
	{ "perpetrator_kind", "kind", "snd_PerpetratorKind", STATS_DIM_PICK, "perpetrator_kind",
	  { "Kind of perpetrator", "نوع الجاني" }, "individual, family member, official, network ..." },
	{ "perpetrator_official", "official", "snd_PerpetratorIsOfficial", STATS_DIM_PICK, "boolean",
	  { "Public official", "موظف عمومي" }, "whether the perpetrator is a public official" },
	{ "perpetrator_role", "role", "per_RoleInProcess", STATS_DIM_MULTI, "perpetrator_role",
	  { "Role in the trafficking", "الدور في الاتجار" },
	  "role in the trafficking process (several: counted under each)" },
};
static const struct fig_src perpetrator_src[] = {
	{ SRC_CASE_YEAR, NULL }, { SRC_FIELD, NULL }, { SRC_AGE_BAND, "snd_PerpetratorAge" },
	{ SRC_FIELD, NULL },     { SRC_FIELD, NULL }, { SRC_FIELD, NULL },
	{ SRC_FIELD, NULL },
};

static const struct stats_dimension service_dims[] = {
	{ "year", NULL, "snd_YearOfRegistration", STATS_DIM_NUMBER, NULL, { "Year", "السنة" },
	  "year the victim's case was registered" },
	{ "service_year", NULL, "snd_ServiceStart", STATS_DIM_NUMBER, NULL,
	  { "Year the service started", "سنة بدء الخدمة" }, "year the service started" },
	{ "service_type", "type", "snd_ServiceType", STATS_DIM_PICK, "service_type",
	  { "Service", "الخدمة" }, "type of service (shelter, health care, legal aid ...)" },
	{ "service_mode", "mode", "snd_ServiceMode", STATS_DIM_PICK, "service_mode",
	  { "Mode of service", "طريقة تقديم الخدمة" }, "in person, remote or by phone" },
};
static const struct fig_src service_src[] = {
	{ SRC_CASE_YEAR, NULL }, { SRC_FIELD_YEAR, NULL }, { SRC_FIELD, NULL }, { SRC_FIELD, NULL },
};

#define NDIMS(a) ((int)(sizeof(a) / sizeof((a)[0])))
_Static_assert(NDIMS(perpetrator_dims) == NDIMS(perpetrator_src), "one source per perpetrator dimension");
_Static_assert(NDIMS(service_dims) == NDIMS(service_src), "one source per service dimension");

const struct stats_dimension *stats_subject_dimensions(enum stats_subject s, int *count)
{
	switch (s) {
	case STATS_COUNT_PERPETRATORS:
		*count = NDIMS(perpetrator_dims);
		return perpetrator_dims;
	case STATS_COUNT_SERVICES:
		*count = NDIMS(service_dims);
		return service_dims;
	default:
		return stats_dimensions(count);
	}
}

/* The source of dimension d of subject s. */
static const struct fig_src *fig_src_of(enum stats_subject s, const struct stats_dimension *d)
{
	if (s == STATS_COUNT_PERPETRATORS)
		return &perpetrator_src[d - perpetrator_dims];
	return &service_src[d - service_dims];
}

const struct stats_dimension *stats_subject_dimension_find(enum stats_subject s, const char *name)
{
	int n;
	const struct stats_dimension *t = stats_subject_dimensions(s, &n);
	if (!name)
		return NULL;
	for (int i = 0; i < n; i++)
		if (!ascii_strcasecmp(t[i].name, name) || (t[i].alias && !ascii_strcasecmp(t[i].alias, name)))
			return &t[i];
	return NULL;
}

int stats_subject_parse(const char *name)
{
	if (!name)
		return -1;
	if (!ascii_strcasecmp(name, "victims"))
		return STATS_COUNT_VICTIMS;
	if (!ascii_strcasecmp(name, "perpetrators"))
		return STATS_COUNT_PERPETRATORS;
	if (!ascii_strcasecmp(name, "services"))
		return STATS_COUNT_SERVICES;
	return -1;
}

/* ---- the cases of a scope ---- */

struct id_set {
	uint32_t *ids; /* ascending */
	size_t n;
	int64_t merged;
};

/* The case ids q selects (its scope and filters), registered in year (0:
 * any): what the engine would count as victims. */
static int select_cases(struct storage *st, const struct stats_query *q, int year, struct id_set *set,
			struct sanad_error *err)
{
	struct stats_query sq = *q;
	int rc;
	memset(set, 0, sizeof(*set));
	sq.year = year;
	sq.subject = STATS_COUNT_VICTIMS;
	sq.dims = NULL;
	sq.ndims = 0;
	rc = stats_select(st, &sq, &set->ids, &set->n, &set->merged, err);
	if (rc) {
		free(set->ids);
		memset(set, 0, sizeof(*set));
	}
	return rc;
}

/* ---- counting into a stats_table ---- */

struct strtab {
	char **keys;       /* keys[id - 1] */
	uint32_t count;
	size_t alloc;
	uint32_t *slots;   /* 0: empty, else id */
	uint32_t nslots;
};

static uint32_t str_hash(const char *s)
{
	uint32_t h = 2166136261u;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

static uint32_t strtab_id(struct strtab *t, const char *s)
{
	uint32_t i;
	if ((t->count + 1) * 2 > t->nslots) {
		uint32_t n = t->nslots ? t->nslots * 2 : 64;
		uint32_t *slots = xcalloc(n, sizeof(*slots));
		for (uint32_t k = 0; k < t->count; k++) {
			for (i = str_hash(t->keys[k]) & (n - 1); slots[i]; i = (i + 1) & (n - 1))
				;
			slots[i] = k + 1;
		}
		free(t->slots);
		t->slots = slots;
		t->nslots = n;
	}
	for (i = str_hash(s) & (t->nslots - 1); t->slots[i]; i = (i + 1) & (t->nslots - 1))
		if (!strcmp(t->keys[t->slots[i] - 1], s))
			return t->slots[i];
	ALLOC_GROW(t->keys, t->count + 1, t->alloc);
	t->keys[t->count++] = xstrdup(s);
	t->slots[i] = t->count;
	return t->count;
}

static void strtab_release(struct strtab *t)
{
	for (uint32_t i = 0; i < t->count; i++)
		free(t->keys[i]);
	free(t->keys);
	free(t->slots);
}

/* The counting state: per column the distinct values (id 0: unknown), and
 * a hash table from a tuple of value ids (one per column) to its count; an
 * item counts once under each combination of the values of its
 * multi-valued columns. */
struct counter {
	int ncols;
	const struct stats_dimension *dims[STATS_MAX_DIMS];
	struct strtab values[STATS_MAX_DIMS];
	int unknown_seen[STATS_MAX_DIMS];
	uint32_t *keys;    /* keys[g * ncols ..]: the tuple of group g */
	int64_t *counts;
	size_t ngroups, alloc;
	uint32_t *slots;   /* 0: empty, else group + 1 */
	size_t nslots;     /* a power of two */
	int64_t items;
};

static size_t tuple_hash(const uint32_t *ids, int n)
{
	uint64_t h = 1469598103934665603ull;
	for (int c = 0; c < n; c++)
		h = (h ^ ids[c]) * 1099511628211ull;
	return (size_t)(h ^ (h >> 29));
}

static void counter_count(struct counter *k, const uint32_t *ids)
{
	size_t w = (size_t)k->ncols, i;
	if ((k->ngroups + 1) * 2 > k->nslots) {
		size_t n = k->nslots ? k->nslots * 2 : 256;
		uint32_t *slots = xcalloc(n, sizeof(*slots));
		for (size_t g = 0; g < k->ngroups; g++) {
			for (i = tuple_hash(&k->keys[g * w], k->ncols) & (n - 1); slots[i]; i = (i + 1) & (n - 1))
				;
			slots[i] = (uint32_t)g + 1;
		}
		free(k->slots);
		k->slots = slots;
		k->nslots = n;
	}
	for (i = tuple_hash(ids, k->ncols) & (k->nslots - 1); k->slots[i]; i = (i + 1) & (k->nslots - 1)) {
		size_t g = k->slots[i] - 1;
		if (!memcmp(&k->keys[g * w], ids, w * sizeof(*ids))) {
			k->counts[g]++;
			return;
		}
	}
	if (k->ngroups + 1 > k->alloc) {
		k->alloc = k->alloc ? k->alloc * 2 : 64;
		k->keys = xrealloc(k->keys, k->alloc * w * sizeof(*k->keys));
		k->counts = xrealloc(k->counts, k->alloc * sizeof(*k->counts));
	}
	memcpy(&k->keys[k->ngroups * w], ids, w * sizeof(*ids));
	k->counts[k->ngroups] = 1;
	k->slots[i] = (uint32_t)++k->ngroups;
}

#define MAX_VALUES 64 /* values of one multi-valued field that are counted */

/* Count one item whose value of column c is the text v[c] (NULL: unknown). */
static void counter_add(struct counter *k, const char *const *v)
{
	uint32_t ids[STATS_MAX_DIMS][MAX_VALUES];
	int nids[STATS_MAX_DIMS], at[STATS_MAX_DIMS] = { 0 };
	int64_t combos = 1;

	for (int c = 0; c < k->ncols; c++) {
		nids[c] = 0;
		if (v[c] && k->dims[c]->kind == STATS_DIM_MULTI) {
			const char *p = v[c];
			while (*p && nids[c] < MAX_VALUES) {
				size_t n = strcspn(p, ";");
				char code[128];
				if (n && n < sizeof(code)) {
					memcpy(code, p, n);
					code[n] = '\0';
					ids[c][nids[c]++] = strtab_id(&k->values[c], code);
				}
				p += n;
				if (*p == ';')
					p++;
			}
		} else if (v[c] && *v[c]) {
			ids[c][nids[c]++] = strtab_id(&k->values[c], v[c]);
		}
		if (!nids[c]) {
			ids[c][nids[c]++] = 0;
			k->unknown_seen[c] = 1;
		}
		combos *= nids[c];
	}
	k->items++;
	for (int64_t i = 0; i < combos; i++) {
		uint32_t tuple[STATS_MAX_DIMS];
		for (int c = 0; c < k->ncols; c++)
			tuple[c] = ids[c][at[c]];
		counter_count(k, tuple);
		for (int c = k->ncols - 1; c >= 0; c--) {
			if (++at[c] < nids[c])
				break;
			at[c] = 0;
		}
	}
}

/* Turn the counter into t's columns and rows (t's columns' dim and name
 * already set), ordered and labelled as every stats table is
 * (stats_table_finish).  Value id 0 is "unknown", ids 1.. the interned
 * codes; a column without unknown values gets no unknown value. */
static int counter_finish(struct counter *k, struct stats_table *t, struct storage *st, struct sanad_error *err)
{
	char **codes[STATS_MAX_DIMS] = { 0 };
	uint32_t ncodes[STATS_MAX_DIMS] = { 0 };
	struct stats_cell *cells = xcalloc(k->ngroups ? k->ngroups : 1, sizeof(*cells));
	size_t w = (size_t)k->ncols;
	int rc;

	t->total_victims = k->items;
	for (int c = 0; c < k->ncols; c++) {
		uint32_t first = k->unknown_seen[c] ? 1 : 0; /* where id 1 lands */
		ncodes[c] = k->values[c].count + first;
		codes[c] = xcalloc(ncodes[c] + 1, sizeof(char *));
		for (uint32_t i = 0; i < k->values[c].count; i++)
			codes[c][first + i] = k->values[c].keys[i];
	}
	for (size_t g = 0; g < k->ngroups; g++) {
		for (size_t c = 0; c < w; c++) {
			uint32_t id = k->keys[g * w + c];
			cells[g].value[c] = k->unknown_seen[c] ? id : id - 1;
		}
		cells[g].count = k->counts[g];
	}
	rc = stats_table_finish(t, st, codes, ncodes, cells, k->ngroups, err);
	for (int c = 0; c < STATS_MAX_DIMS; c++)
		free(codes[c]);
	free(cells);
	return rc;
}

static void counter_release(struct counter *k)
{
	for (int c = 0; c < STATS_MAX_DIMS; c++)
		strtab_release(&k->values[c]);
	free(k->keys);
	free(k->counts);
	free(k->slots);
}

/* ---- perpetrators and services ---- */

#define MAX_ITEM_FIELDS 16

struct item_walk {
	struct counter k;
	const struct fig_src *src[STATS_MAX_DIMS];
	int field_at[STATS_MAX_DIMS]; /* index into the scanned fields */
	int age_at[STATS_MAX_DIMS];   /* SRC_AGE_BAND: index of the age field */
	const struct id_set *set;
	size_t next;
};

static int item_row(int64_t case_id, int case_year, const char *const *values, void *ctx)
{
	struct item_walk *w = ctx;
	const char *v[STATS_MAX_DIMS];
	char year_buf[STATS_MAX_DIMS][16];

	/* items arrive in case id order, like the selected ids: a merge */
	while (w->next < w->set->n && (int64_t)w->set->ids[w->next] < case_id)
		w->next++;
	if (w->next >= w->set->n || (int64_t)w->set->ids[w->next] != case_id)
		return 0;
	for (int c = 0; c < w->k.ncols; c++) {
		const struct fig_src *d = w->src[c];
		const char *x = w->field_at[c] >= 0 ? values[w->field_at[c]] : NULL;
		int64_t age;
		switch (d->src) {
		case SRC_CASE_YEAR:
			if (case_year > 0) {
				snprintf(year_buf[c], sizeof(year_buf[c]), "%d", case_year);
				x = year_buf[c];
			}
			break;
		case SRC_FIELD_YEAR:
			if (x && strlen(x) >= 4) {
				memcpy(year_buf[c], x, 4);
				year_buf[c][4] = '\0';
				x = year_buf[c];
			} else {
				x = NULL;
			}
			break;
		case SRC_AGE_BAND:
			if (!x && values[w->age_at[c]] && !parse_int64(values[w->age_at[c]], 0, 200, &age))
				x = age_band_for((int)age);
			break;
		case SRC_FIELD:
			break;
		}
		v[c] = x;
	}
	counter_add(&w->k, v);
	return 0;
}

static void items_note(struct stats_table *t, enum stats_subject s)
{
	int multi = 0;
	char en[512], ar[768];
	for (int c = 0; c < t->ncolumns; c++)
		multi |= t->columns[c].dim->kind == STATS_DIM_MULTI;
	if (s == STATS_COUNT_PERPETRATORS) {
		snprintf(en, sizeof(en),
			 "each perpetrator recorded on a counted case counts once (%lld perpetrators); "
			 "the same perpetrator recorded on two cases counts twice%s",
			 (long long)t->total_victims,
			 multi ? ", and one with several values of a multi-valued column counts under each" : "");
		snprintf(ar, sizeof(ar),
			 "يُحسب كل جانٍ مسجّل في ملف محسوب مرة واحدة (%lld جانيًا)؛ ويُحسب الجاني المسجّل في "
			 "ملفين مرتين%s",
			 (long long)t->total_victims,
			 multi ? "، ومن له أكثر من قيمة في عمود متعدد القيم يُحسب تحت كل قيمة" : "");
	} else {
		snprintf(en, sizeof(en),
			 "each service recorded on a counted case counts once (%lld services), so a victim "
			 "with several services counts several times",
			 (long long)t->total_victims);
		snprintf(ar, sizeof(ar),
			 "تُحسب كل خدمة مسجّلة في ملف محسوب مرة واحدة (%lld خدمة)، لذا تُحسب الضحية التي "
			 "تلقّت عدة خدمات أكثر من مرة",
			 (long long)t->total_victims);
	}
	/* this note says what the multi-valued one would, and more */
	for (int l = 0; l < 2; l++)
		free(t->note[l]);
	t->note[VOCAB_EN] = xstrdup(en);
	t->note[VOCAB_AR] = xstrdup(ar);
}

int stats_figures_compute(struct storage *st, const struct stats_query *q, struct stats_table *t,
			  struct sanad_error *err)
{
	struct item_walk w;
	struct id_set set = { 0 };
	const char *fields[MAX_ITEM_FIELDS];
	int nfields = 0, rc;
	enum group_id g;

	memset(t, 0, sizeof(*t));
	memset(&w, 0, sizeof(w));
	t->year = q->year;
	t->scope = q->scope;
	t->subject = q->subject;
	if (q->subject == STATS_COUNT_PERPETRATORS)
		g = GROUP_PERPETRATOR;
	else if (q->subject == STATS_COUNT_SERVICES)
		g = GROUP_SERVICE;
	else
		return sanad_error_set(err, SANAD_EINVAL, "unknown subject %d to count", (int)q->subject);
	if (q->ndims < 1)
		return sanad_error_set(err, SANAD_EINVAL, "name at least one dimension to count by");
	if (q->ndims > STATS_MAX_DIMS)
		return sanad_error_set(err, SANAD_ELIMIT, "%d dimensions is over the limit of %d", q->ndims,
				       STATS_MAX_DIMS);
	if (q->year < 0 || q->year > 9999)
		return sanad_error_set(err, SANAD_EINVAL, "year %d is not a year", q->year);
	for (int c = 0; c < q->ndims; c++) {
		const struct stats_dimension *d = stats_subject_dimension_find(q->subject, q->dims[c]);
		const struct fig_src *src;
		if (!d) {
			struct strbuf sb = STRBUF_INIT;
			int n;
			const struct stats_dimension *all = stats_subject_dimensions(q->subject, &n);
			for (int i = 0; i < n; i++)
				strbuf_addf(&sb, "%s%s", i ? ", " : "", all[i].name);
			sanad_error_set(err, SANAD_EINVAL, "unknown dimension '%.40s' for %s; the dimensions are: %s",
					q->dims[c], q->subject == STATS_COUNT_PERPETRATORS ? "perpetrators" : "services",
					sb.buf);
			strbuf_release(&sb);
			stats_table_release(t);
			return err ? err->code : SANAD_EINVAL;
		}
		for (int k = 0; k < c; k++)
			if (w.k.dims[k] == d) {
				stats_table_release(t);
				return sanad_error_set(err, SANAD_EINVAL, "dimension '%s' is named twice", d->name);
			}
		src = fig_src_of(q->subject, d);
		w.src[c] = src;
		w.k.dims[c] = d;
		t->columns[c].dim = d;
		t->columns[c].name = xstrdup(q->dims[c]);
		t->ncolumns = c + 1;
		w.field_at[c] = w.age_at[c] = -1;
		if (src->src != SRC_CASE_YEAR) {
			w.field_at[c] = nfields;
			fields[nfields++] = d->field;
		}
		if (src->src == SRC_AGE_BAND) {
			w.age_at[c] = nfields;
			fields[nfields++] = src->age_field;
		}
	}
	w.k.ncols = q->ndims;
	if ((rc = select_cases(st, q, q->year, &set, err)))
		goto out;
	w.set = &set;
	if (set.n && (rc = storage_item_scan(st, g, fields, nfields, set.ids[0], set.ids[set.n - 1], item_row, &w,
					     err)))
		goto out;
	if ((rc = counter_finish(&w.k, t, st, err)))
		goto out;
	t->duplicates_merged = set.merged;
	items_note(t, q->subject);
out:
	counter_release(&w.k);
	free(set.ids);
	return rc;
}

/* ---- SDG 16.2.2 ---- */

const char *stats_sdg_breakdown_name(enum stats_sdg_breakdown b)
{
	static const char *const names[] = { "total", "sex", "age_group", "sex_age_group", "exploitation" };
	return (unsigned)b < sizeof(names) / sizeof(names[0]) ? names[b] : "?";
}

/* Victim counts of one table for the SDG rows: the table counted from the
 * selected cases, and its cube (protected when publishing). */
struct sdg_table {
	struct stats_table t;
	struct disclosure_table p; /* p.cube: counts and states */
	int have_cube;
};

struct case_walk {
	struct counter *k[3]; /* sex x majority, sex x age band, exploitation */
	const struct id_set *set;
	size_t next;
};

/* Case fields read for the SDG: snd_Sex, snd_MajorityStatus, snd_AgeBroad,
 * vic_TypeOfExploitation. */
static int sdg_case_row(int64_t case_id, int case_year, const char *const *values, void *ctx)
{
	struct case_walk *w = ctx;
	const char *a[2];
	(void)case_year;
	while (w->next < w->set->n && (int64_t)w->set->ids[w->next] < case_id)
		w->next++;
	if (w->next >= w->set->n || (int64_t)w->set->ids[w->next] != case_id)
		return 0;
	a[0] = values[0];
	a[1] = values[1];
	counter_add(w->k[0], a); /* sex x majority */
	a[1] = values[2];
	counter_add(w->k[1], a); /* sex x age band */
	a[0] = values[3];
	counter_add(w->k[2], a); /* exploitation */
	return 0;
}

/* The cell of p whose column values are codes[c] (DISCLOSURE_TOTAL_CODE for
 * a margin); -1 if the value does not occur in the table. */
static long cube_cell(const struct sdg_table *s, const char *const *codes)
{
	if (!s->have_cube)
		return -1;
	for (size_t i = 0; i < s->p.cube.ncells; i++) {
		int c;
		for (c = 0; c < s->t.ncolumns; c++) {
			const char *have = disclosure_cell_code(&s->p, i, c);
			if (!have || strcmp(have, codes[c]))
				break;
		}
		if (c == s->t.ncolumns)
			return (long)i;
	}
	return -1;
}

/* Victims of the group codes in s into row: 0 when the group does not
 * occur (a published zero: a group nobody is in says nothing about anyone). */
static void cell_victims(const struct sdg_table *s, const char *const *codes, struct stats_sdg_row *row)
{
	long i = cube_cell(s, codes);
	row->victims = 0;
	row->victims_suppressed = 0;
	if (i < 0)
		return;
	row->victims = s->p.cube.count[i];
	row->victims_suppressed = s->p.cube.state[i] != DISCLOSURE_PUBLISHED;
}

static int64_t population_of(const struct population_entry *pop, size_t n, const char *sex, const char *age)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(pop[i].sex, sex ? sex : "") && !strcmp(pop[i].age_group, age ? age : ""))
			return pop[i].count;
	return 0;
}

static int has_population_for_age(const struct population_entry *pop, size_t n, const char *age)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(pop[i].age_group, age))
			return 1;
	return 0;
}

static struct stats_sdg_row *sdg_add(struct stats_sdg *s, size_t *alloc, enum stats_sdg_breakdown b,
				     const char *sex, const char *age, const char *form)
{
	struct stats_sdg_row *r;
	ALLOC_GROW(s->rows, s->nrows + 1, *alloc);
	r = &s->rows[s->nrows++];
	memset(r, 0, sizeof(*r));
	r->breakdown = b;
	r->sex = sex;
	r->age_group = age;
	r->exploitation = form;
	return r;
}

static void sdg_rate(struct stats_sdg_row *r, int64_t population);

/* Fill r's rate from its victims and population.  A group with neither
 * victims nor a population figure says nothing: it is dropped again. */
static void sdg_rate_or_drop(struct stats_sdg *s, struct stats_sdg_row *r, int64_t population)
{
	if (population <= 0 && !r->victims && !r->victims_suppressed) {
		s->nrows--;
		return;
	}
	sdg_rate(r, population);
}

static void sdg_rate(struct stats_sdg_row *r, int64_t population)
{
	r->population = population;
	if (r->victims_suppressed)
		r->state = STATS_SDG_SUPPRESSED;
	else if (population <= 0)
		r->state = STATS_SDG_NO_POPULATION;
	else {
		r->state = STATS_SDG_RATE;
		r->rate = (double)r->victims * 100000.0 / (double)population;
	}
}

/* 1 if the group value occurs in column c of s. */
static int occurs(const struct sdg_table *s, int c, const char *code)
{
	for (int v = 0; v < s->t.columns[c].nvalues; v++)
		if (s->t.columns[c].values[v].code && !strcmp(s->t.columns[c].values[v].code, code))
			return 1;
	return 0;
}

static int sdg_tables(struct storage *st, const struct stats_query *q, int year, int64_t threshold,
		      struct sdg_table tab[3], struct sanad_error *err)
{
	static const char *const names[3][2] = { { "sex", "majority" }, { "sex", "age" }, { "exploitation", NULL } };
	static const int ncols[3] = { 2, 2, 1 };
	static const char *const fields[4] = { "snd_Sex", "snd_MajorityStatus", "snd_AgeBroad",
					       "vic_TypeOfExploitation" };
	struct counter k[3];
	struct case_walk w = { 0 };
	struct id_set set;
	int rc;

	memset(k, 0, sizeof(k));
	if ((rc = select_cases(st, q, year, &set, err)))
		return rc;
	for (int i = 0; i < 3; i++) {
		k[i].ncols = ncols[i];
		tab[i].t.year = year;
		tab[i].t.scope = q->scope;
		tab[i].t.duplicates_merged = set.merged;
		for (int c = 0; c < ncols[i]; c++) {
			k[i].dims[c] = stats_dimension_find(names[i][c]);
			tab[i].t.columns[c].dim = k[i].dims[c];
			tab[i].t.columns[c].name = xstrdup(names[i][c]);
		}
		tab[i].t.ncolumns = ncols[i];
		w.k[i] = &k[i];
	}
	w.set = &set;
	rc = set.n ? storage_item_scan(st, GROUP_CASE, fields, 4, set.ids[0], set.ids[set.n - 1], sdg_case_row, &w, err)
		   : 0;
	for (int i = 0; i < 3 && !rc; i++) {
		int empty = 0;
		if ((rc = counter_finish(&k[i], &tab[i].t, st, err)))
			break;
		for (int c = 0; c < tab[i].t.ncolumns; c++)
			empty |= tab[i].t.columns[c].nvalues == 0;
		if (empty)
			continue;
		if (threshold > 0) {
			struct disclosure_options o = { threshold, 0 };
			rc = disclosure_publish(&tab[i].t, &o, &tab[i].p, err);
		} else {
			tab[i].p.source = &tab[i].t;
			rc = disclosure_cube_from_stats(&tab[i].p.cube, &tab[i].t, err);
		}
		tab[i].have_cube = !rc;
	}
	for (int i = 0; i < 3; i++)
		counter_release(&k[i]);
	free(set.ids);
	return rc;
}

int stats_sdg_16_2_2(struct storage *st, const struct stats_query *q, int year, int64_t threshold,
		     struct stats_sdg *out, struct sanad_error *err)
{
	struct sdg_table tab[3];
	struct population_entry *pop = NULL;
	size_t npop = 0, alloc = 0;
	const struct vocab_list *sexes = vocab_list_find("sex"), *maj = vocab_list_find("majority_status"),
				*bands = vocab_list_find("age_band"), *forms = vocab_list_find("exploitation_type");
	const char *T = DISCLOSURE_TOTAL_CODE;
	int rc;

	memset(out, 0, sizeof(*out));
	memset(tab, 0, sizeof(tab));
	out->year = year;
	out->scope = q->scope;
	out->threshold = threshold;
	if (year < 1900 || year > 2200)
		return sanad_error_set(err, SANAD_EINVAL, "SDG 16.2.2 is computed for one year (1900 to 2200), not %d",
				       year);
	if ((rc = storage_population_list(st, year, &pop, &npop, err)))
		return rc;
	if ((rc = sdg_tables(st, q, year, threshold, tab, err)))
		goto out;

	{ /* total */
		const char *codes[2] = { T, T };
		struct stats_sdg_row *r = sdg_add(out, &alloc, STATS_SDG_TOTAL, NULL, NULL, NULL);
		cell_victims(&tab[0], codes, r);
		sdg_rate(r, population_of(pop, npop, "", ""));
	}
	for (int i = 0; i < sexes->count; i++) { /* by sex */
		const char *sx = sexes->entries[i].code, *codes[2] = { sx, T };
		int64_t p = population_of(pop, npop, sx, "");
		struct stats_sdg_row *r;
		if (!p && !occurs(&tab[0], 0, sx))
			continue;
		r = sdg_add(out, &alloc, STATS_SDG_SEX, sx, NULL, NULL);
		cell_victims(&tab[0], codes, r);
		sdg_rate(r, p);
	}
	for (int i = 0; i < maj->count; i++) { /* by minor / adult */
		const char *ag = maj->entries[i].code, *codes[2] = { T, ag };
		int64_t p = population_of(pop, npop, "", ag);
		struct stats_sdg_row *r;
		if (!p && !occurs(&tab[0], 1, ag))
			continue;
		r = sdg_add(out, &alloc, STATS_SDG_AGE, NULL, ag, NULL);
		cell_victims(&tab[0], codes, r);
		sdg_rate(r, p);
	}
	for (int i = 0; i < bands->count; i++) { /* by age band, where the population is known by band */
		const char *ag = bands->entries[i].code, *codes[2] = { T, ag };
		struct stats_sdg_row *r;
		if (!has_population_for_age(pop, npop, ag))
			continue;
		r = sdg_add(out, &alloc, STATS_SDG_AGE, NULL, ag, NULL);
		cell_victims(&tab[1], codes, r);
		sdg_rate(r, population_of(pop, npop, "", ag));
	}
	for (int i = 0; i < sexes->count; i++) { /* sex x age group */
		const char *sx = sexes->entries[i].code;
		for (int j = 0; j < maj->count; j++) {
			const char *ag = maj->entries[j].code, *codes[2] = { sx, ag };
			int64_t p = population_of(pop, npop, sx, ag);
			struct stats_sdg_row *r;
			if (!p && cube_cell(&tab[0], codes) < 0)
				continue;
			r = sdg_add(out, &alloc, STATS_SDG_SEX_AGE, sx, ag, NULL);
			cell_victims(&tab[0], codes, r);
			sdg_rate_or_drop(out, r, p);
		}
		for (int j = 0; j < bands->count; j++) {
			const char *ag = bands->entries[j].code, *codes[2] = { sx, ag };
			int64_t p = population_of(pop, npop, sx, ag);
			struct stats_sdg_row *r;
			if (!p)
				continue;
			r = sdg_add(out, &alloc, STATS_SDG_SEX_AGE, sx, ag, NULL);
			cell_victims(&tab[1], codes, r);
			sdg_rate(r, p);
		}
	}
	for (int i = 0; i < forms->count; i++) { /* form of exploitation, over everyone */
		const char *f = forms->entries[i].code, *codes[1] = { f };
		struct stats_sdg_row *r;
		if (!occurs(&tab[2], 0, f))
			continue;
		r = sdg_add(out, &alloc, STATS_SDG_EXPLOITATION, NULL, NULL, f);
		cell_victims(&tab[2], codes, r);
		sdg_rate(r, population_of(pop, npop, "", ""));
	}
	out->note[VOCAB_EN] = xstrdup(
		"victims are the cases registered in the year (a victim of several forms of exploitation "
		"counts under each; victims whose sex or age is unknown count only in the total); rates are "
		"per 100,000 population of the group, and the rate of each form of exploitation is over the "
		"whole population");
	out->note[VOCAB_AR] = xstrdup(
		"الضحايا هم الملفات المسجلة في السنة (ضحية أكثر من شكل من أشكال الاستغلال تُحسب تحت كل شكل، "
		"ومن جُهل جنسه أو عمره يُحسب في المجموع فقط)؛ المعدلات لكل 100,000 من سكان الفئة، ومعدل كل "
		"شكل من أشكال الاستغلال من مجموع السكان");
out:
	for (int i = 0; i < 3; i++) {
		disclosure_table_release(&tab[i].p);
		stats_table_release(&tab[i].t);
	}
	population_entries_free(pop, npop);
	if (rc)
		stats_sdg_release(out);
	return rc;
}

void stats_sdg_release(struct stats_sdg *s)
{
	free(s->rows);
	free(s->note[0]);
	free(s->note[1]);
	memset(s, 0, sizeof(*s));
}

static const char *sdg_status(enum stats_sdg_state st)
{
	return st == STATS_SDG_RATE ? "rate" : st == STATS_SDG_SUPPRESSED ? "suppressed" : "no population figure";
}

static json_t *code_json(const char *list, const char *code, enum vocab_lang lang, json_t *row, const char *key)
{
	char label_key[64];
	json_object_set_new(row, key, code ? json_string(code) : json_null());
	if (code) {
		snprintf(label_key, sizeof(label_key), "%s_label", key);
		json_object_set_new(row, label_key, json_string(vocab_label(list, code, lang)));
	}
	return row;
}

static const char *age_list(const char *code)
{
	return vocab_find("majority_status", code) ? "majority_status" : "age_band";
}

json_t *stats_sdg_json(const struct stats_sdg *s, enum vocab_lang lang)
{
	json_t *j = json_object(), *rows = json_array(), *notes = json_array();
	static const char *const scopes[] = { "all", "organisation", "national" };
	json_object_set_new(j, "indicator", json_string("16.2.2"));
	json_object_set_new(j, "year", json_integer(s->year));
	json_object_set_new(j, "scope", json_string((unsigned)s->scope < 3 ? scopes[s->scope] : "?"));
	json_object_set_new(j, "per", json_integer(100000));
	json_object_set_new(j, "threshold", s->threshold > 0 ? json_integer(s->threshold) : json_null());
	for (size_t i = 0; i < s->nrows; i++) {
		const struct stats_sdg_row *r = &s->rows[i];
		json_t *row = json_object();
		json_object_set_new(row, "breakdown", json_string(stats_sdg_breakdown_name(r->breakdown)));
		code_json("sex", r->sex, lang, row, "sex");
		code_json(r->age_group ? age_list(r->age_group) : "age_band", r->age_group, lang, row, "age_group");
		code_json("exploitation_type", r->exploitation, lang, row, "exploitation");
		json_object_set_new(row, "victims", r->victims_suppressed ? json_null() : json_integer(r->victims));
		json_object_set_new(row, "population", r->population > 0 ? json_integer(r->population) : json_null());
		json_object_set_new(row, "rate",
				    r->state == STATS_SDG_RATE ? json_real(round(r->rate * 100.0) / 100.0) : json_null());
		json_object_set_new(row, "status", json_string(sdg_status(r->state)));
		json_array_append_new(rows, row);
	}
	json_object_set_new(j, "rows", rows);
	if (s->note[lang])
		json_array_append_new(notes, json_string(s->note[lang]));
	json_object_set_new(j, "notes", notes);
	return j;
}
