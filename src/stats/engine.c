/*
 * stats/engine.c: the aggregation engine (issue 5 item 5; the contract is
 * in stats.h).
 *
 * Per dimension an index: one Roaring bitmap of case ids per value, bitmap
 * 0 for "unknown".  An index is loaded from the bitmaps a process saved
 * (stats_bitmap), or built by a parallel scan, then kept current from
 * storage's change log: it remembers the mark (cases with higher ids are new
 * to it and read by id range) and the log position it holds; a refresh
 * re-reads the cases logged since and those above its mark.  Re-reading a
 * case is idempotent (the case is taken out of every bitmap of the index
 * and put back under its current values), so reading a case newer than the
 * log position claims is always safe, and so is reading one twice.
 *
 * A query is set algebra: the scope (a union of organisation bitmaps, the
 * consent set, minus duplicate records of a person), the year and the
 * filters (AND of OR-of-values) give one bitmap; a cross-tab walks the
 * value bitmaps of its dimensions intersected with it, dropping empty
 * branches, and counts the leaves.  No case row is read for a query once
 * the indexes are current.
 */
#include "stats/stats_internal.h"

#include <pthread.h>
#include <roaring/roaring.h>
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

/* The id of s[0..n), 0 if absent and !add. */
static uint32_t intern(struct interner *in, const char *s, size_t n, int add)
{
	uint32_t h = hash_bytes(s, n), i;
	if ((in->count + 1) * 2 > in->nslots)
		interner_grow(in);
	for (i = h & (in->nslots - 1); in->slots[i]; i = (i + 1) & (in->nslots - 1)) {
		uint32_t id = in->slots[i];
		if (in->hashes[i] == h && in->lens[id - 1] == n && !memcmp(in->keys[id - 1], s, n))
			return id;
	}
	if (!add)
		return 0;
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

/* ---- an index: the bitmaps of one dimension ---- */

struct index {
	const struct stats_dimension *dim;
	struct interner codes; /* code id i is bitmap bms[i]; 0 is unknown */
	roaring_bitmap_t **bms;
	size_t bms_alloc;
	int present;           /* loaded or built */
	int64_t mark, seq;     /* holds every case with id <= mark as of log position seq */
	int64_t dirty;         /* cases re-read since it was last saved or loaded */
	int fresh;             /* built from nothing by this process: save it */
	/* single-valued dimensions, built on demand for cross-tabs: the
	 * bitmap of each case id, plus one (0: none) */
	uint16_t *dense;
	size_t ndense;
	/* a one-shot engine reads of a dimension used only to filter just the
	 * filter's values (only[0..nonly), "" for unknown); such an index is
	 * partial: never saved, never counted across */
	const char *const *only;
	int nonly;
	int partial;
	/* while a feed adds cases (stats_feed_add): ids waiting to be added,
	 * per code, 256 at a time with roaring_bitmap_add_many (a tenth of
	 * the feed's instructions less than one roaring_bitmap_add per id) */
	struct pending_ids { uint32_t *ids; uint32_t n; } *pending;
	size_t pending_alloc;
	int buffered;
};

/* Sets the engine keeps like dimensions but nobody counts by. */
static const struct stats_dimension consent_set = {
	"@consent", NULL, STORAGE_STATS_FIELD_PREFIX "consent", STATS_DIM_TEXT, NULL,
	{ "Consent to statistical use", "الموافقة على الاستخدام الإحصائي" },
	"cases whose latest StatisticalUse consent is given (value 1)"
};

static roaring_bitmap_t *index_bitmap(struct index *ix, uint32_t id)
{
	if (id + 1 > ix->bms_alloc) {
		size_t n = (id + 1) * 2;
		ix->bms = xrealloc(ix->bms, n * sizeof(*ix->bms));
		memset(ix->bms + ix->bms_alloc, 0, (n - ix->bms_alloc) * sizeof(*ix->bms));
		ix->bms_alloc = n;
	}
	if (!ix->bms[id])
		ix->bms[id] = roaring_bitmap_create();
	return ix->bms[id];
}

static uint32_t nbitmaps(const struct index *ix)
{
	return ix->codes.count + 1;
}

static void index_pending_free(struct index *ix);

static void index_reset(struct index *ix)
{
	index_pending_free(ix);
	for (size_t i = 0; i < ix->bms_alloc; i++)
		if (ix->bms[i])
			roaring_bitmap_free(ix->bms[i]);
	free(ix->bms);
	free(ix->dense);
	ix->dense = NULL;
	ix->ndense = 0;
	interner_release(&ix->codes);
	ix->bms = NULL;
	ix->bms_alloc = 0;
	ix->present = ix->fresh = ix->partial = 0;
	ix->mark = ix->seq = ix->dirty = 0;
}

#define PENDING_IDS 256

static void index_flush_code(struct index *ix, uint32_t code)
{
	struct pending_ids *p = &ix->pending[code];
	if (p->n)
		roaring_bitmap_add_many(index_bitmap(ix, code), p->n, p->ids);
	p->n = 0;
}

/* Forget the ids waiting (index_reset: their bitmaps go too). */
static void index_pending_free(struct index *ix)
{
	for (size_t c = 0; c < ix->pending_alloc; c++)
		free(ix->pending[c].ids);
	free(ix->pending);
	ix->pending = NULL;
	ix->pending_alloc = 0;
	ix->buffered = 0;
}

static void index_flush(struct index *ix)
{
	for (size_t c = 0; c < ix->pending_alloc; c++)
		index_flush_code(ix, (uint32_t)c);
	index_pending_free(ix);
}

/* File case id under code (0: unknown). */
static void index_put(struct index *ix, uint32_t code, uint32_t id)
{
	struct pending_ids *p;
	if (!ix->buffered) {
		roaring_bitmap_add(index_bitmap(ix, code), id);
		return;
	}
	if (code >= ix->pending_alloc) {
		size_t n = (code + 1) * 2;
		ix->pending = xrealloc(ix->pending, n * sizeof(*ix->pending));
		memset(ix->pending + ix->pending_alloc, 0, (n - ix->pending_alloc) * sizeof(*ix->pending));
		ix->pending_alloc = n;
	}
	p = &ix->pending[code];
	if (!p->ids)
		p->ids = xmalloc(PENDING_IDS * sizeof(*p->ids));
	p->ids[p->n++] = id;
	if (p->n == PENDING_IDS)
		index_flush_code(ix, code);
}

static void index_add_code(struct index *ix, uint32_t id, const char *s, size_t n)
{
	index_put(ix, intern(&ix->codes, s, n, 1), id);
}

/* File case id under its value v of ix's dimension (v as stored). */
static void index_add(struct index *ix, uint32_t id, const char *v)
{
	int any = 0;
	if (!v || !*v) {
		index_put(ix, 0, id);
		return;
	}
	switch (ix->dim->kind) {
	case STATS_DIM_MULTI:
		for (const char *p = v; *p;) {
			size_t n = strcspn(p, ";");
			if (n) {
				index_add_code(ix, id, p, n);
				any = 1;
			}
			p += n;
			if (*p)
				p++;
		}
		if (!any)
			index_put(ix, 0, id);
		break;
	case STATS_DIM_BANDED: {
		int64_t age;
		const char *band = parse_int64(v, 0, 200, &age) ? NULL : age_band_for((int)age);
		if (!band)
			band = v; /* an age out of range stays visible as recorded */
		index_add_code(ix, id, band, strlen(band));
		break;
	}
	default:
		index_add_code(ix, id, v, strlen(v));
	}
}

/* Take the cases of gone out of every bitmap of ix. */
static void index_remove(struct index *ix, const roaring_bitmap_t *gone)
{
	for (size_t i = 0; i < ix->bms_alloc; i++)
		if (ix->bms[i])
			roaring_bitmap_andnot_inplace(ix->bms[i], gone);
}

/* Fold part (built over other case ids) into ix. */
static void index_merge(struct index *ix, struct index *part)
{
	for (uint32_t i = 0; i < nbitmaps(part); i++) {
		uint32_t id;
		if (i >= part->bms_alloc || !part->bms[i] || roaring_bitmap_is_empty(part->bms[i]))
			continue;
		id = i ? intern(&ix->codes, part->codes.keys[i - 1], part->codes.lens[i - 1], 1) : 0;
		roaring_bitmap_or_inplace(index_bitmap(ix, id), part->bms[i]);
	}
}

/* ---- the engine ---- */

struct stats_engine {
	pthread_mutex_t lock;
	struct index *indexes; /* one per dimension of the table, then the sets */
	int nindexes;
	int one_shot; /* answers one query, then closes (stats_compute, stats_select) */
};

int stats_engine_open(struct stats_engine **out, struct sanad_error *err)
{
	struct stats_engine *e;
	int n;
	(void)err;
	stats_dimensions(&n);
	e = xcalloc(1, sizeof(*e));
	pthread_mutex_init(&e->lock, NULL);
	e->nindexes = n + 1;
	e->indexes = xcalloc((size_t)e->nindexes, sizeof(*e->indexes));
	for (int i = 0; i < n; i++)
		e->indexes[i].dim = &stats_dimensions(&n)[i];
	e->indexes[n].dim = &consent_set;
	*out = e;
	return 0;
}

void stats_engine_close(struct stats_engine *e)
{
	if (!e)
		return;
	for (int i = 0; i < e->nindexes; i++)
		index_reset(&e->indexes[i]);
	free(e->indexes);
	pthread_mutex_destroy(&e->lock);
	free(e);
}

static struct index *engine_index(struct stats_engine *e, const struct stats_dimension *d)
{
	for (int i = 0; i < e->nindexes; i++)
		if (e->indexes[i].dim == d)
			return &e->indexes[i];
	return NULL;
}

static int load_bitmap(int k, const char *code, const void *blob, size_t len, void *ctx)
{
	struct index *ix = ((struct index **)ctx)[k];
	roaring_bitmap_t *b = roaring_bitmap_portable_deserialize_safe(blob, len);
	uint32_t id;
	if (!b)
		return SANAD_EDB; /* damaged: the index is built again */
	id = *code ? intern(&ix->codes, code, strlen(code), 1) : 0;
	index_bitmap(ix, id);
	roaring_bitmap_free(ix->bms[id]);
	ix->bms[id] = b;
	return 0;
}

/* Load the saved bitmaps of the indexes ixs[0..n) not in memory; those
 * with nothing saved (or damaged) are left empty with mark -1. */
static void load_saved(struct storage *st, struct index **ixs, int n)
{
	struct index **todo = xcalloc((size_t)n + 1, sizeof(*todo));
	const char **names = xcalloc((size_t)n + 1, sizeof(*names));
	int64_t *marks = xcalloc((size_t)n + 1, sizeof(*marks)), *seqs = xcalloc((size_t)n + 1, sizeof(*seqs));
	const char *const **only = xcalloc((size_t)n + 1, sizeof(*only));
	int *nonly = xcalloc((size_t)n + 1, sizeof(*nonly));
	int m = 0;

	for (int k = 0; k < n; k++)
		if (!ixs[k]->present) {
			todo[m] = ixs[k];
			only[m] = ixs[k]->only;
			nonly[m] = ixs[k]->nonly;
			names[m++] = ixs[k]->dim->name;
		}
	if (m && storage_stats_bitmap_load(st, names, m, only, nonly, load_bitmap, todo, marks, seqs, NULL))
		for (int k = 0; k < m; k++)
			marks[k] = -1; /* unreadable: scan instead */
	for (int k = 0; k < m; k++) {
		if (marks[k] < 0)
			index_reset(todo[k]);
		else
			todo[k]->partial = todo[k]->only != NULL;
		todo[k]->mark = marks[k];
		todo[k]->seq = seqs[k];
	}
	free(only);
	free(nonly);
	free(todo);
	free(names);
	free(marks);
	free(seqs);
}

/* Save ix as it stands.  The bitmaps are a cache: when they cannot be
 * written (read-only file, another writer holding the lock) the query
 * goes on, and the next process scans what this one could not save. */
static void index_save(struct storage *st, struct index *ix)
{
	uint32_t n = nbitmaps(ix), k = 0;
	const char **codes = xcalloc(n, sizeof(*codes));
	void **blobs = xcalloc(n, sizeof(*blobs));
	size_t *lens = xcalloc(n, sizeof(*lens));

	for (uint32_t i = 0; i < n; i++) {
		if (i >= ix->bms_alloc || !ix->bms[i] || roaring_bitmap_is_empty(ix->bms[i]))
			continue;
		/* no roaring_bitmap_run_optimize: with run containers the CRoaring
		 * of this build (0.2.66) miscounted intersections in test_engine's
		 * brute-force comparison; case ids in random order gain nothing
		 * from runs anyway */
		codes[k] = i ? ix->codes.keys[i - 1] : NULL;
		lens[k] = roaring_bitmap_portable_size_in_bytes(ix->bms[i]);
		blobs[k] = xmalloc(lens[k] ? lens[k] : 1);
		roaring_bitmap_portable_serialize(ix->bms[i], blobs[k]);
		k++;
	}
	/* saved or not, wait for as many changes again before the next try: a
	 * read-only file must not cost every query a serialisation */
	storage_stats_bitmap_save(st, ix->dim->name, k, codes, (const void *const *)blobs, lens, ix->mark, ix->seq,
				  NULL);
	ix->dirty = 0;
	ix->fresh = 0;
	for (uint32_t i = 0; i < k; i++)
		free(blobs[i]);
	free(codes);
	free(blobs);
	free(lens);
}

/* A scan's callback state: the indexes being filled, per part. */
struct fill {
	int n;                 /* indexes per part */
	struct index **target; /* target[part * n + k] */
};

static int fill_row(int part, int64_t id, const char *const *values, void *ctx)
{
	struct fill *f = ctx;
	if (id < 0 || id > UINT32_MAX)
		return SANAD_ELIMIT;
	for (int k = 0; k < f->n; k++)
		index_add(f->target[part * f->n + k], (uint32_t)id, values[k]);
	return 0;
}

/* Threads for a scan: one per core, within reason. */
static int scan_threads(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	return n < 1 ? 1 : n > 8 ? 8 : (int)n;
}

/* Read cases after_id < id <= upto_id into the indexes ixs[0..n), a part per
 * thread, each into indexes of its own merged at the end. */
static int fill_range(struct storage *st, struct index **ixs, int n, int64_t after_id, int64_t upto_id,
		      const struct stats_query *q, struct sanad_error *err)
{
	int nparts = q && q->threads > 0 ? q->threads : scan_threads();
	const char **fields = xcalloc((size_t)n, sizeof(*fields));
	struct index *parts;
	struct fill f;
	int rc;

	if (nparts > 64)
		nparts = 64;
	parts = xcalloc((size_t)nparts * (size_t)n, sizeof(*parts));
	f.n = n;
	f.target = xcalloc((size_t)nparts * (size_t)n, sizeof(*f.target));
	for (int k = 0; k < n; k++)
		fields[k] = ixs[k]->dim->field;
	for (int p = 0; p < nparts; p++)
		for (int k = 0; k < n; k++) {
			parts[p * n + k].dim = ixs[k]->dim;
			f.target[p * n + k] = &parts[p * n + k];
		}
	rc = storage_stats_scan_range(st, fields, n, after_id, upto_id, nparts, q ? q->min_per_thread : 0,
				      fill_row, &f, err);
	for (int p = 0; p < nparts; p++)
		for (int k = 0; k < n; k++) {
			if (!rc)
				index_merge(ixs[k], &parts[p * n + k]);
			index_reset(&parts[p * n + k]);
		}
	free(parts);
	free(f.target);
	free(fields);
	return rc;
}

/* Bring the indexes ixs[0..n) up to date with st. */
static int refresh(struct stats_engine *e, struct storage *st, struct index **ixs, int n,
		   const struct stats_query *q, struct sanad_error *err)
{
	struct storage_stats_state s;
	int64_t *changed = NULL, min_seq = INT64_MAX, max_mark = 0;
	size_t nchanged = 0;
	roaring_bitmap_t *gone = NULL;
	struct index **group = xcalloc((size_t)n, sizeof(*group));
	struct fill f;
	int rc;

	(void)e;
	/* saved bitmaps first, the state after: the state is then at least as
	 * new as anything loaded */
	load_saved(st, ixs, n);
	if ((rc = storage_stats_state(st, 1, &s, err)))
		goto out;
	for (int k = 0; k < n; k++) {
		struct index *ix = ixs[k];
		/* behind the pruned log, or ahead of this database (it was
		 * replaced by an older copy): start again from what is saved */
		if (ix->present && (ix->seq < s.pruned || ix->seq > s.seq || ix->mark > s.mark)) {
			index_reset(ix);
			load_saved(st, &ixs[k], 1);
		}
	}
	for (int k = 0; k < n; k++) {
		struct index *ix = ixs[k];
		if (!ix->present) {
			if (ix->mark < 0 || ix->seq < s.pruned || ix->seq > s.seq || ix->mark > s.mark) {
				index_reset(ix);
				ix->fresh = 1; /* build it from every case */
				ix->mark = 0;
				ix->seq = s.seq;
			}
			ix->present = 1;
		}
		if (ix->seq < min_seq)
			min_seq = ix->seq;
		if (ix->mark > max_mark)
			max_mark = ix->mark;
	}
	/* changed cases the indexes already hold: out, then back as they are now */
	if ((rc = storage_stats_changes(st, min_seq, s.seq, max_mark, &changed, &nchanged, err)))
		goto out;
	gone = roaring_bitmap_create();
	for (size_t i = 0; i < nchanged; i++)
		if (changed[i] >= 0 && changed[i] <= UINT32_MAX)
			roaring_bitmap_add(gone, (uint32_t)changed[i]);
	for (int k = 0; k < n; k++) {
		if (nchanged || ixs[k]->mark < s.max_id) {
			free(ixs[k]->dense);
			ixs[k]->dense = NULL;
			ixs[k]->ndense = 0;
		}
		index_remove(ixs[k], gone);
		/* cases above the mark were read without the log watching them */
		for (size_t i = 0; i < ixs[k]->bms_alloc; i++)
			if (ixs[k]->bms[i] && !roaring_bitmap_is_empty(ixs[k]->bms[i]) &&
			    roaring_bitmap_maximum(ixs[k]->bms[i]) > (uint64_t)ixs[k]->mark)
				roaring_bitmap_remove_range(ixs[k]->bms[i], (uint64_t)ixs[k]->mark + 1,
							    (uint64_t)UINT32_MAX + 1);
	}
	f.n = n;
	f.target = ixs;
	if (nchanged) {
		const char **fields = xcalloc((size_t)n, sizeof(*fields));
		for (int k = 0; k < n; k++)
			fields[k] = ixs[k]->dim->field;
		rc = storage_stats_scan_ids(st, fields, n, changed, nchanged, fill_row, &f, err);
		free(fields);
	}
	if (rc)
		goto out;
	/* new cases: one range scan per distinct mark (usually one for all) */
	for (int k = 0; k < n; k++) {
		int64_t mark = ixs[k]->mark;
		int ng = 0, seen = 0;
		for (int j = 0; j < k; j++)
			seen |= ixs[j]->mark == mark;
		if (seen || mark >= s.max_id)
			continue;
		for (int j = k; j < n; j++)
			if (ixs[j]->mark == mark)
				group[ng++] = ixs[j];
		if ((rc = fill_range(st, group, ng, mark, s.max_id, q, err)))
			goto out;
		for (int j = 0; j < ng; j++)
			group[j]->dirty += s.max_id - mark;
	}
	for (int k = 0; k < n; k++) {
		struct index *ix = ixs[k];
		int64_t total = 0;
		ix->dirty += (int64_t)nchanged;
		/* everything up to the mark is now watched by the log; above it
		 * (the mark could not be raised) is read again next time */
		ix->mark = s.mark;
		ix->seq = s.seq;
		if (storage_in_transaction(st) || ix->partial)
			continue; /* st's uncommitted changes, or a part of an index, must not be saved */
		for (size_t i = 0; i < ix->bms_alloc && !ix->fresh; i++)
			if (ix->bms[i])
				total += (int64_t)roaring_bitmap_get_cardinality(ix->bms[i]);
		/* saving costs a write of every bitmap: worth it once a next
		 * process would otherwise re-read a noticeable share of cases */
		if (ix->fresh || ix->dirty > 1000 + total / 64)
			index_save(st, ix);
	}
out:
	if (rc) /* a half-refreshed index is no index */
		for (int k = 0; k < n; k++)
			index_reset(ixs[k]);
	if (gone)
		roaring_bitmap_free(gone);
	free(changed);
	free(group);
	return rc;
}

/* ---- queries ---- */

/* What a query needs, resolved. */
struct plan {
	struct index *need[STATS_MAX_DIMS + STATS_MAX_FILTERS + 3];
	int nneed;
	struct index *year, *org, *consent;
	struct index *filter[STATS_MAX_FILTERS];
	/* each filter's values as codes ("" for unknown) */
	const char **codes[STATS_MAX_FILTERS];
	char *bufs[STATS_MAX_FILTERS];
	struct index *col[STATS_MAX_DIMS];
	int ncols;
};

static void plan_need(struct plan *p, struct index *ix)
{
	for (int i = 0; i < p->nneed; i++)
		if (p->need[i] == ix)
			return;
	p->need[p->nneed++] = ix;
}

static int unknown_dimension(const char *name, struct sanad_error *err)
{
	struct strbuf sb = STRBUF_INIT;
	int n;
	const struct stats_dimension *all = stats_dimensions(&n);
	for (int k = 0; k < n; k++) {
		strbuf_addstr(&sb, k ? ", " : "");
		strbuf_addstr(&sb, all[k].name);
	}
	sanad_error_set(err, SANAD_EINVAL, "unknown dimension '%.40s'; the dimensions are: %s", name, sb.buf);
	strbuf_release(&sb);
	return err ? err->code : SANAD_EINVAL;
}

static int filter_code(const struct stats_dimension *d, struct storage *st, const char *v, char num[32],
		       const char **code, struct sanad_error *err);

static int plan_query(struct stats_engine *e, struct storage *st, const struct stats_query *q,
		      const struct stats_table *t, struct plan *p, struct sanad_error *err)
{
	memset(p, 0, sizeof(*p));
	if (q->year < 0 || q->year > 9999)
		return sanad_error_set(err, SANAD_EINVAL, "year %d is not a year", q->year);
	if (q->nfilters < 0 || q->nfilters > STATS_MAX_FILTERS)
		return sanad_error_set(err, SANAD_ELIMIT, "%d filters is over the limit of %d", q->nfilters,
				       STATS_MAX_FILTERS);
	if (q->scope == STATS_SCOPE_ORG && (!q->org_code || !*q->org_code))
		return sanad_error_set(err, SANAD_EINVAL, "the organisation scope needs an organisation code");
	if (q->scope != STATS_SCOPE_ALL && q->scope != STATS_SCOPE_ORG && q->scope != STATS_SCOPE_NATIONAL)
		return sanad_error_set(err, SANAD_EINVAL, "unknown scope %d", (int)q->scope);
	/* the year's bitmaps serve the year filter, and, for a selection with
	 * nothing else to go by, as the set of all cases */
	if (q->year || (!t && q->scope == STATS_SCOPE_ALL && !q->nfilters)) {
		p->year = engine_index(e, stats_dimension_find("year"));
		plan_need(p, p->year);
	}
	if (q->scope != STATS_SCOPE_ALL) {
		p->org = engine_index(e, stats_dimension_find("organisation"));
		plan_need(p, p->org);
	}
	if (q->scope == STATS_SCOPE_NATIONAL) {
		p->consent = engine_index(e, &consent_set);
		plan_need(p, p->consent);
	}
	for (int i = 0; i < q->nfilters; i++) {
		const struct stats_dimension *d = stats_dimension_find(q->filters[i].dim);
		if (!d)
			return unknown_dimension(q->filters[i].dim, err);
		if (q->filters[i].nvalues < 1 || !q->filters[i].values)
			return sanad_error_set(err, SANAD_EINVAL, "filter on %s: name at least one value", d->name);
		p->filter[i] = engine_index(e, d);
		plan_need(p, p->filter[i]);
		p->codes[i] = xcalloc((size_t)q->filters[i].nvalues, sizeof(char *));
		p->bufs[i] = xcalloc((size_t)q->filters[i].nvalues, 32);
		for (int k = 0; k < q->filters[i].nvalues; k++) {
			int rc = filter_code(d, st, q->filters[i].values[k], p->bufs[i] + 32 * k, &p->codes[i][k], err);
			if (rc)
				return rc;
		}
	}
	for (int c = 0; t && c < t->ncolumns; c++) {
		p->col[c] = engine_index(e, t->columns[c].dim);
		plan_need(p, p->col[c]);
	}
	p->ncols = t ? t->ncolumns : 0;
	/* a one-shot engine reads only the filtered values of an index used
	 * for nothing else (the index is dropped with the engine) */
	for (int i = 0; e->one_shot && i < q->nfilters; i++) {
		struct index *ix = p->filter[i];
		int alone = !ix->present && ix != p->year && ix != p->org && ix != p->consent;
		for (int c = 0; c < p->ncols; c++)
			alone &= p->col[c] != ix;
		for (int j = 0; j < q->nfilters; j++)
			alone &= j == i || p->filter[j] != ix;
		if (alone) {
			ix->only = p->codes[i];
			ix->nonly = q->filters[i].nvalues;
		}
	}
	return 0;
}

/* The code of value v of dimension d as a user wrote it (a code, label or
 * alias), into *code: "" for unknown, else borrowed or in num. */
static int filter_code(const struct stats_dimension *d, struct storage *st, const char *v, char num[32],
		       const char **code, struct sanad_error *err)
{
	*code = v;
	if (!v || !*v || !ascii_strcasecmp(v, "unknown")) {
		*code = "";
	} else if (d->list) {
		const struct vocab_entry *en = vocab_find(d->list, v);
		if (!en)
			return sanad_error_set(err, SANAD_EINVAL,
					       "filter on %s: '%.60s' is not a value of list %s (see 'sanad vocab %s')",
					       d->name, v, d->list, d->list);
		*code = en->code;
	} else if (d->kind == STATS_DIM_NUMBER) {
		int64_t y;
		if (parse_int64(v, INT32_MIN, INT32_MAX, &y))
			return sanad_error_set(err, SANAD_EINVAL, "filter on %s: '%.60s' is not a number", d->name, v);
		snprintf(num, 32, "%lld", (long long)y);
		*code = num;
	} else if (d->kind == STATS_DIM_ORG) {
		struct organisation o = { 0 };
		int rc = storage_org_get(st, v, &o, NULL);
		organisation_release(&o);
		if (rc == SANAD_ENOTFOUND)
			return sanad_error_set(err, SANAD_EINVAL, "filter on %s: no organisation with code '%.60s'",
					       d->name, v);
	}
	return 0;
}

/* OR into into the bitmap of the cases whose value of ix is code. */
static void filter_add(struct index *ix, const char *code, roaring_bitmap_t *into)
{
	uint32_t id = *code ? intern(&ix->codes, code, strlen(code), 0) : 0;
	if ((id || !*code) && id < ix->bms_alloc && ix->bms[id])
		roaring_bitmap_or_inplace(into, ix->bms[id]);
}

static void plan_release(struct plan *p)
{
	for (int i = 0; i < STATS_MAX_FILTERS; i++) {
		if (p->filter[i] && p->filter[i]->only == p->codes[i]) {
			p->filter[i]->only = NULL;
			p->filter[i]->nonly = 0;
		}
		free(p->codes[i]);
		free(p->bufs[i]);
	}
}

/* set AND b (b NULL: empty); set NULL stands for every case. */
static roaring_bitmap_t *and_into(roaring_bitmap_t *set, const roaring_bitmap_t *b)
{
	if (!set)
		return b ? roaring_bitmap_copy(b) : roaring_bitmap_create();
	if (b)
		roaring_bitmap_and_inplace(set, b);
	else
		roaring_bitmap_clear(set);
	return set;
}

struct dups {
	const roaring_bitmap_t *pool;
	roaring_bitmap_t *drop;
	int64_t key;
	int kept;
};

/* storage_stats_duplicates callback: of the pooled cases with one key (in
 * id order), keep the first. */
static int dup_row(int64_t key, int64_t id, void *ctx)
{
	struct dups *d = ctx;
	if (key != d->key) {
		d->key = key;
		d->kept = 0;
	}
	if (id < 0 || id > UINT32_MAX || !roaring_bitmap_contains(d->pool, (uint32_t)id))
		return 0;
	if (d->kept)
		roaring_bitmap_add(d->drop, (uint32_t)id);
	d->kept = 1;
	return 0;
}

/* The set of cases q selects, into *out (new); NULL when q selects every
 * case and the year's index is not loaded (a cross-tab then needs no set). */
static int query_set(struct storage *st, const struct stats_query *q, struct plan *p, roaring_bitmap_t **out,
		     int64_t *merged, struct sanad_error *err)
{
	roaring_bitmap_t *set, *dropped = NULL;
	int rc = 0;

	*out = NULL;
	if (merged)
		*merged = 0;
	if (q->year) {
		char y[16];
		uint32_t id;
		snprintf(y, sizeof(y), "%d", q->year);
		id = intern(&p->year->codes, y, strlen(y), 0);
		set = id && id < p->year->bms_alloc && p->year->bms[id] ? roaring_bitmap_copy(p->year->bms[id])
									: roaring_bitmap_create();
	} else if (q->scope == STATS_SCOPE_ALL && !q->nfilters && !p->year) {
		return 0; /* everything */
	} else if (p->year) {
		set = roaring_bitmap_create();
		for (size_t i = 0; i < p->year->bms_alloc; i++)
			if (p->year->bms[i])
				roaring_bitmap_or_inplace(set, p->year->bms[i]);
	} else {
		set = NULL; /* the scope or the first filter makes it */
	}
	if (q->scope == STATS_SCOPE_ORG) {
		struct organisation o = { 0 };
		uint32_t id;
		rc = storage_org_get(st, q->org_code, &o, NULL);
		organisation_release(&o);
		if (rc == SANAD_ENOTFOUND) {
			rc = sanad_error_set(err, SANAD_ENOTFOUND, "no organisation with code '%.64s'", q->org_code);
			goto out;
		}
		if (rc) {
			rc = sanad_error_set(err, rc, "reading organisation '%.64s'", q->org_code);
			goto out;
		}
		id = intern(&p->org->codes, q->org_code, strlen(q->org_code), 0);
		set = and_into(set, id && id < p->org->bms_alloc ? p->org->bms[id] : NULL);
	} else if (q->scope == STATS_SCOPE_NATIONAL) {
		/* in_pool is read now, not indexed: leaving the pool takes effect at once */
		struct organisation *orgs = NULL;
		size_t norgs = 0;
		roaring_bitmap_t *pool = roaring_bitmap_create();
		uint32_t yes;
		struct dups d = { 0 };
		if ((rc = storage_org_list(st, &orgs, &norgs, err))) {
			roaring_bitmap_free(pool);
			goto out;
		}
		for (size_t i = 0; i < norgs; i++) {
			uint32_t id = intern(&p->org->codes, orgs[i].code, strlen(orgs[i].code), 0);
			if (orgs[i].in_pool && id && id < p->org->bms_alloc && p->org->bms[id])
				roaring_bitmap_or_inplace(pool, p->org->bms[id]);
			organisation_release(&orgs[i]);
		}
		free(orgs);
		yes = intern(&p->consent->codes, "1", 1, 0);
		if (yes && yes < p->consent->bms_alloc && p->consent->bms[yes])
			roaring_bitmap_and_inplace(pool, p->consent->bms[yes]);
		else
			roaring_bitmap_clear(pool);
		/* one person recorded by several pooled cases: the lowest id stands for them */
		d.pool = pool;
		d.drop = dropped = roaring_bitmap_create();
		d.key = -1;
		if ((rc = storage_stats_duplicates(st, dup_row, &d, err))) {
			roaring_bitmap_free(pool);
			goto out;
		}
		roaring_bitmap_andnot_inplace(pool, dropped);
		set = and_into(set, pool);
		roaring_bitmap_free(pool);
	}
	for (int i = 0; i < q->nfilters; i++) {
		roaring_bitmap_t *any = roaring_bitmap_create();
		for (int k = 0; k < q->filters[i].nvalues; k++)
			filter_add(p->filter[i], p->codes[i][k], any);
		set = and_into(set, any);
		roaring_bitmap_free(any);
	}
	if (merged && dropped) {
		/* the duplicates this table would have counted: same year and filters */
		roaring_bitmap_t *yf = NULL;
		if (q->year || q->nfilters) {
			struct stats_query q2 = *q;
			struct plan p2 = *p;
			q2.scope = STATS_SCOPE_ALL;
			if ((rc = query_set(st, &q2, &p2, &yf, NULL, err)))
				goto out;
			*merged = (int64_t)roaring_bitmap_and_cardinality(dropped, yf);
			roaring_bitmap_free(yf);
		} else {
			*merged = (int64_t)roaring_bitmap_get_cardinality(dropped);
		}
	}
out:
	if (dropped)
		roaring_bitmap_free(dropped);
	if (rc) {
		if (set)
			roaring_bitmap_free(set);
		return rc;
	}
	*out = set;
	return 0;
}

/* ---- the cross-tab walk ---- */

/* A dimension whose bitmaps never share a case: every one but MULTI. */
static int single_valued(const struct index *ix)
{
	return ix->dim->kind != STATS_DIM_MULTI;
}

/* ix->dense, built if missing: for a leaf with many values, one pass over
 * a node's cases beats intersecting the node with every value's bitmap. */
static const uint16_t *index_dense(struct index *ix)
{
	uint32_t buf[4096], n, maxid = 0;
	if (ix->dense || nbitmaps(ix) >= UINT16_MAX)
		return ix->dense;
	for (size_t i = 0; i < ix->bms_alloc; i++)
		if (ix->bms[i] && !roaring_bitmap_is_empty(ix->bms[i]) && roaring_bitmap_maximum(ix->bms[i]) > maxid)
			maxid = roaring_bitmap_maximum(ix->bms[i]);
	ix->ndense = (size_t)maxid + 1;
	ix->dense = xcalloc(ix->ndense, sizeof(uint16_t));
	for (size_t i = 0; i < ix->bms_alloc; i++) {
		roaring_uint32_iterator_t it;
		if (!ix->bms[i])
			continue;
		roaring_init_iterator(ix->bms[i], &it);
		while ((n = roaring_read_uint32_iterator(&it, buf, 4096)))
			for (uint32_t k = 0; k < n; k++)
				ix->dense[buf[k]] = (uint16_t)(i + 1);
	}
	return ix->dense;
}

struct walk {
	int ncols;
	struct index *col[STATS_MAX_DIMS]; /* in walking order */
	int pos[STATS_MAX_DIMS];           /* the table column of each */
	uint32_t at[STATS_MAX_DIMS];       /* per table column: the bitmap at hand */
	int64_t *hist;                     /* the leaf's counts, per bitmap */
	struct stats_cell *cells;
	size_t ncells, alloc;
	char *seen[STATS_MAX_DIMS]; /* per table column: which bitmaps occurred */
};

static void walk_emit(struct walk *w, int64_t count)
{
	struct stats_cell *c;
	ALLOC_GROW(w->cells, w->ncells + 1, w->alloc);
	c = &w->cells[w->ncells++];
	memset(c, 0, sizeof(*c));
	for (int d = 0; d < w->ncols; d++) {
		c->value[d] = w->at[d];
		w->seen[d][w->at[d]] = 1;
	}
	c->count = count;
}

/* The leaf through its dense array: one pass over set's cases. */
static void walk_dense(struct walk *w, int d, const roaring_bitmap_t *set)
{
	struct index *ix = w->col[d];
	const uint16_t *dense = ix->dense;
	uint32_t buf[4096], n, nb = nbitmaps(ix);
	roaring_uint32_iterator_t it;

	memset(w->hist, 0, nb * sizeof(*w->hist));
	roaring_init_iterator(set, &it);
	while ((n = roaring_read_uint32_iterator(&it, buf, 4096)))
		for (uint32_t k = 0; k < n; k++)
			if (buf[k] < ix->ndense && dense[buf[k]])
				w->hist[dense[buf[k]] - 1]++;
	for (uint32_t i = 0; i < nb; i++)
		if (w->hist[i]) {
			w->at[w->pos[d]] = i;
			walk_emit(w, w->hist[i]);
		}
}

/* Count set across walking levels d.. (set non-empty; NULL: every case). */
static void walk(struct walk *w, int d, const roaring_bitmap_t *set)
{
	struct index *ix = w->col[d];
	if (d == w->ncols - 1 && set && ix->dense) {
		walk_dense(w, d, set);
		return;
	}
	for (uint32_t i = 0; i < nbitmaps(ix); i++) {
		const roaring_bitmap_t *b = i < ix->bms_alloc ? ix->bms[i] : NULL;
		if (!b)
			continue;
		w->at[w->pos[d]] = i;
		if (d == w->ncols - 1) {
			uint64_t n = set ? roaring_bitmap_and_cardinality(set, b) : roaring_bitmap_get_cardinality(b);
			if (n)
				walk_emit(w, (int64_t)n);
		} else if (!set) {
			if (!roaring_bitmap_is_empty(b))
				walk(w, d + 1, b);
		} else if (roaring_bitmap_intersect(set, b)) {
			roaring_bitmap_t *sub = roaring_bitmap_and(set, b);
			walk(w, d + 1, sub);
			roaring_bitmap_free(sub);
		}
	}
}

/* Walking order: multi-valued dimensions first, then single-valued ones,
 * fewer values first, so that the leaf is the single-valued dimension with
 * the most values and can be counted in one pass. */
static void walk_order(struct walk *w, struct index **cols, int n)
{
	int used[STATS_MAX_DIMS] = { 0 };
	for (int k = 0; k < n; k++) {
		int best = -1;
		for (int c = 0; c < n; c++) {
			if (used[c])
				continue;
			if (best < 0 || single_valued(cols[c]) < single_valued(cols[best]) ||
			    (single_valued(cols[c]) == single_valued(cols[best]) &&
			     nbitmaps(cols[c]) < nbitmaps(cols[best])))
				best = c;
		}
		used[best] = 1;
		w->col[k] = cols[best];
		w->pos[k] = best;
	}
	w->ncols = n;
}

/* Cases in set (NULL: every case, counted from the first column). */
static int64_t set_total(const struct walk *w, const roaring_bitmap_t *set)
{
	const struct index *ix = w->col[w->ncols - 1];
	roaring_bitmap_t *all;
	int64_t n = 0;
	if (set)
		return (int64_t)roaring_bitmap_get_cardinality(set);
	if (single_valued(ix)) {
		for (size_t i = 0; i < ix->bms_alloc; i++)
			if (ix->bms[i])
				n += (int64_t)roaring_bitmap_get_cardinality(ix->bms[i]);
		return n;
	}
	all = roaring_bitmap_create();
	for (size_t i = 0; i < ix->bms_alloc; i++)
		if (ix->bms[i])
			roaring_bitmap_or_inplace(all, ix->bms[i]);
	n = (int64_t)roaring_bitmap_get_cardinality(all);
	roaring_bitmap_free(all);
	return n;
}

static int engine_run(struct stats_engine *e, struct storage *st, const struct stats_query *q,
		      struct stats_table *t, roaring_bitmap_t **set, int64_t *merged, struct sanad_error *err)
{
	struct plan p;
	int rc;
	if (!(rc = plan_query(e, st, q, t, &p, err)) && !(rc = refresh(e, st, p.need, p.nneed, q, err)))
		rc = query_set(st, q, &p, set, merged, err);
	plan_release(&p);
	return rc;
}

int stats_engine_compute(struct stats_engine *e, struct storage *st, const struct stats_query *q,
			 struct stats_table *t, struct sanad_error *err)
{
	roaring_bitmap_t *set = NULL;
	struct walk w = { 0 };
	struct index *cols[STATS_MAX_DIMS];
	char **codes[STATS_MAX_DIMS] = { 0 };
	uint32_t ncodes[STATS_MAX_DIMS] = { 0 }, *remap[STATS_MAX_DIMS] = { 0 };
	int rc;

	/* perpetrators and services are counted per item of the selected
	 * cases, by the figures module (which selects through an engine) */
	if (q->subject != STATS_COUNT_VICTIMS)
		return stats_figures_compute(st, q, t, err);
	memset(t, 0, sizeof(*t));
	t->year = q->year;
	t->scope = q->scope;
	if ((rc = stats_resolve_dims(q, t, err)))
		return rc;
	pthread_mutex_lock(&e->lock);
	if ((rc = engine_run(e, st, q, t, &set, &t->duplicates_merged, err)))
		goto out;
	for (int d = 0; d < t->ncolumns; d++) {
		cols[d] = engine_index(e, t->columns[d].dim);
		w.seen[d] = xcalloc(nbitmaps(cols[d]), 1);
	}
	walk_order(&w, cols, t->ncolumns);
	t->total_victims = set_total(&w, set);
	{
		/* one pass over a node's cases beats intersecting it with each
		 * value of the leaf when the leaf has many values */
		struct index *leaf = w.col[w.ncols - 1];
		uint64_t maxid = 0;
		for (size_t i = 0; i < leaf->bms_alloc; i++)
			if (leaf->bms[i] && !roaring_bitmap_is_empty(leaf->bms[i]) &&
			    roaring_bitmap_maximum(leaf->bms[i]) > maxid)
				maxid = roaring_bitmap_maximum(leaf->bms[i]);
		/* ... that is, when the intersections to count would be many (at
		 * ten million cases, 45 nationalities x 59 countries took 0.56 s
		 * as intersections, 0.19 s in one pass; 5 forms x 3 sexes x 18
		 * years 0.15 s as intersections, 0.21 s in one pass), and the
		 * cases to pass over are a fair share of all: building the
		 * array reads every case once */
		uint64_t pairs = nbitmaps(leaf);
		for (int d = 0; d < w.ncols - 1; d++)
			pairs = pairs * nbitmaps(w.col[d]) > 1000000 ? 1000000 : pairs * nbitmaps(w.col[d]);
		if (single_valued(leaf) && nbitmaps(leaf) > 8 && pairs >= 600 && (set || w.ncols > 1) &&
		    (!set || roaring_bitmap_get_cardinality(set) * 8 > maxid))
			index_dense(leaf);
		if (leaf->dense)
			w.hist = xcalloc(nbitmaps(leaf), sizeof(*w.hist));
	}
	if (t->total_victims)
		walk(&w, 0, set);
	/* the values that occur, as codes; cells renumbered to match */
	for (int d = 0; d < t->ncolumns; d++) {
		struct index *ix = cols[d];
		codes[d] = xcalloc(nbitmaps(ix), sizeof(char *));
		remap[d] = xcalloc(nbitmaps(ix), sizeof(uint32_t));
		for (uint32_t i = 0; i < nbitmaps(ix); i++)
			if (w.seen[d][i]) {
				remap[d][i] = ncodes[d];
				codes[d][ncodes[d]++] = i ? ix->codes.keys[i - 1] : NULL;
			}
	}
	for (size_t k = 0; k < w.ncells; k++)
		for (int d = 0; d < t->ncolumns; d++)
			w.cells[k].value[d] = remap[d][w.cells[k].value[d]];
	rc = stats_table_finish(t, st, codes, ncodes, w.cells, w.ncells, err);
out:
	pthread_mutex_unlock(&e->lock);
	for (int d = 0; d < STATS_MAX_DIMS; d++) {
		free(w.seen[d]);
		free(codes[d]);
		free(remap[d]);
	}
	free(w.hist);
	free(w.cells);
	if (set)
		roaring_bitmap_free(set);
	return rc;
}

int stats_engine_prepare(struct stats_engine *e, struct storage *st, const char *const *names, int n,
			 struct sanad_error *err)
{
	struct index *ixs[64];
	int rc;
	if (n < 0 || n > 64)
		return sanad_error_set(err, SANAD_ELIMIT, "at most 64 dimensions can be prepared at once, not %d", n);
	for (int i = 0; i < n; i++) {
		const struct stats_dimension *d = stats_dimension_find(names[i]);
		if (!d)
			return unknown_dimension(names[i], err);
		ixs[i] = engine_index(e, d);
	}
	pthread_mutex_lock(&e->lock);
	rc = refresh(e, st, ixs, n, NULL, err);
	pthread_mutex_unlock(&e->lock);
	return rc;
}

struct stats_feed {
	struct stats_engine *e;
	struct index *ixs[64];
	int field[64];          /* case field index of ixs[k]'s dimension */
	int n;
	int64_t before;         /* the highest case id when the feed began */
	int64_t seq;            /* the change log's position then */
	int64_t fed, upto;      /* cases fed, and the highest id among them */
	int checked;            /* stats_feed_committing found every new case fed */
};

int stats_feed_begin(struct stats_engine *e, struct storage *st, const char *const *names, int n,
		     struct stats_feed **out, struct sanad_error *err)
{
	struct storage_stats_state s;
	struct stats_feed *f;
	int rc;

	*out = NULL;
	if (!storage_in_transaction(st))
		return sanad_error_set(err, SANAD_EINVAL, "internal: a statistics feed begins inside a transaction");
	if (n < 0 || n > 64)
		return sanad_error_set(err, SANAD_ELIMIT, "at most 64 dimensions can be fed at once, not %d", n);
	f = xcalloc(1, sizeof(*f));
	f->e = e;
	f->n = n;
	for (int i = 0; i < n; i++) {
		const struct stats_dimension *d = stats_dimension_find(names[i]);
		if (!d) {
			free(f);
			return unknown_dimension(names[i], err);
		}
		/* fed from the record, so only dimensions stored in a case column */
		f->field[i] = d->kind == STATS_DIM_ORG ? -1 : domain_field_index(GROUP_CASE, d->field);
		if (f->field[i] < 0) {
			free(f);
			return sanad_error_set(err, SANAD_EINVAL, "the dimension %s cannot be fed from a case record",
					       names[i]);
		}
		f->ixs[i] = engine_index(e, d);
	}
	pthread_mutex_lock(&e->lock);
	/* the transaction has written nothing yet, and holds the write lock:
	 * the cases refresh reads are exactly those the feed adds to */
	if ((rc = refresh(e, st, f->ixs, n, NULL, err)) || (rc = storage_stats_state(st, 0, &s, err))) {
		pthread_mutex_unlock(&e->lock);
		free(f);
		return rc;
	}
	f->before = s.max_id;
	f->seq = s.seq;
	for (int k = 0; k < n; k++) {
		free(f->ixs[k]->dense); /* new cases come */
		f->ixs[k]->dense = NULL;
		f->ixs[k]->ndense = 0;
		f->ixs[k]->buffered = 1;
	}
	*out = f;
	return 0;
}

void stats_feed_add(struct stats_feed *f, int64_t id, char *const *case_values)
{
	if (id <= f->before || id > UINT32_MAX) {
		f->upto = INT64_MAX; /* not a new case: the check will fail */
		return;
	}
	for (int k = 0; k < f->n; k++)
		index_add(f->ixs[k], (uint32_t)id, case_values[f->field[k]]);
	f->fed++;
	if (id > f->upto)
		f->upto = id;
}

int stats_feed_committing(struct stats_feed *f, struct storage *st, struct sanad_error *err)
{
	int64_t written;
	int rc = storage_stats_mark_raise_within(st, f->before, &written, err);
	f->checked = !rc && written == f->fed && f->upto != INT64_MAX;
	if (!f->checked)
		return rc;
	/* saved in the same transaction: the indexes and the cases they count
	 * are committed together, or neither is */
	for (int k = 0; k < f->n; k++) {
		struct index *ix = f->ixs[k];
		index_flush(ix);
		/* every case up to the last one written is in, and the log
		 * watches them all from the commit on (the raise above) */
		ix->mark = f->upto > f->before ? f->upto : f->before;
		ix->seq = f->seq;
		ix->present = 1;
		index_save(st, ix);
	}
	return 0;
}

int stats_feed_end(struct stats_feed *f, int committed, struct sanad_error *err)
{
	int rc = 0;

	if (!f)
		return 0;
	for (int k = 0; k < f->n; k++)
		if (!committed || !f->checked)
			index_reset(f->ixs[k]); /* loaded or scanned again by the next count */
	if (committed && !f->checked)
		rc = sanad_error_set(err, SANAD_EINVAL, "the statistics indexes missed some of the new cases: "
					   "the next count reads them from the database");
	pthread_mutex_unlock(&f->e->lock);
	free(f);
	return rc;
}

void stats_engine_one_shot(struct stats_engine *e)
{
	e->one_shot = 1;
}

int stats_engine_select_merged(struct stats_engine *e, struct storage *st, const struct stats_query *q,
			       uint32_t **ids, size_t *n, int64_t *merged, struct sanad_error *err)
{
	roaring_bitmap_t *set = NULL;
	int rc;

	*ids = NULL;
	*n = 0;
	pthread_mutex_lock(&e->lock);
	rc = engine_run(e, st, q, NULL, &set, merged, err);
	pthread_mutex_unlock(&e->lock);
	if (rc)
		return rc;
	if (!set) /* plan_query loads the year's index for this: not reached */
		set = roaring_bitmap_create();
	*n = (size_t)roaring_bitmap_get_cardinality(set);
	*ids = xmalloc((*n ? *n : 1) * sizeof(uint32_t));
	roaring_bitmap_to_uint32_array(set, *ids);
	roaring_bitmap_free(set);
	return 0;
}

int stats_engine_select(struct stats_engine *e, struct storage *st, const struct stats_query *q,
			uint32_t **ids, size_t *n, struct sanad_error *err)
{
	return stats_engine_select_merged(e, st, q, ids, n, NULL, err);
}
