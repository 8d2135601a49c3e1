/* disclosure/kanon.c: k-anonymity of record-level exports by global
 * generalisation of quasi-identifiers and suppression of the records that
 * are still in classes smaller than k (see disclosure.h). */
#include "disclosure/disclosure.h"

#include <stdlib.h>
#include <string.h>

struct keyed { char *key; size_t record; };

static int by_key(const void *a, const void *b)
{
	const struct keyed *x = a, *y = b;
	int c = strcmp(x->key, y->key);
	return c ? c : (x->record > y->record) - (x->record < y->record);
}

/* The records' keys at the given levels, sorted so equal keys are adjacent;
 * records already suppressed are left out.  Returns how many. */
static size_t sorted_keys(const char *const *values, size_t nrecords,
			  const struct kanon_column *cols, int ncols, const int *level,
			  const unsigned char *skip, struct keyed *out)
{
	struct strbuf sb = STRBUF_INIT;
	size_t n = 0;
	for (size_t r = 0; r < nrecords; r++) {
		if (skip && skip[r])
			continue;
		strbuf_reset(&sb);
		for (int c = 0; c < ncols; c++) {
			const char *v = cols[c].generalise(values[r * (size_t)ncols + (size_t)c], level[c]);
			/* \x1f separates, \x1e marks unknown: neither occurs in values */
			strbuf_addstr(&sb, v ? v : "\x1e");
			strbuf_addch(&sb, '\x1f');
		}
		out[n].key = xstrdup(strbuf_str(&sb));
		out[n].record = r;
		n++;
	}
	strbuf_release(&sb);
	qsort(out, n, sizeof(*out), by_key);
	return n;
}

static void free_keys(struct keyed *k, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(k[i].key);
}

/* Records in classes smaller than k at these levels; marks them in small
 * (if given). */
static size_t small_records(const char *const *values, size_t nrecords,
			    const struct kanon_column *cols, int ncols, const int *level,
			    size_t k, unsigned char *small)
{
	struct keyed *keys = xmalloc(sizeof(*keys) * (nrecords + 1));
	size_t n = sorted_keys(values, nrecords, cols, ncols, level, NULL, keys), total = 0;
	for (size_t i = 0; i < n;) {
		size_t j = i;
		while (j < n && !strcmp(keys[j].key, keys[i].key))
			j++;
		if (j - i < k) {
			total += j - i;
			if (small)
				for (size_t q = i; q < j; q++)
					small[keys[q].record] = 1;
		}
		i = j;
	}
	free_keys(keys, n);
	free(keys);
	return total;
}

int kanon_anonymise(const char *const *values, size_t nrecords, const struct kanon_column *cols,
		    int ncols, size_t k, double max_suppress_share, struct kanon_result *out,
		    struct sanad_error *err)
{
	size_t budget, small;
	memset(out, 0, sizeof(*out));
	if (ncols < 1 || ncols > 16)
		return sanad_error_set(err, SANAD_ELIMIT, "1 to 16 quasi-identifiers, not %d", ncols);
	if (k < 1)
		return sanad_error_set(err, SANAD_EINVAL, "k must be at least 1");
	if (max_suppress_share < 0 || max_suppress_share > 1)
		return sanad_error_set(err, SANAD_EINVAL, "the suppression share must be 0..1");
	out->generalised = xcalloc((size_t)ncols, sizeof(*out->generalised));
	out->suppressed = xcalloc(nrecords ? nrecords : 1, 1);
	budget = (size_t)(max_suppress_share * (double)nrecords);

	small = small_records(values, nrecords, cols, ncols, out->level, k, NULL);
	while (small > budget) {
		int best = -1;
		size_t best_small = small;
		for (int c = 0; c < ncols; c++) {
			if (out->level[c] >= cols[c].nlevels - 1)
				continue;
			out->level[c]++;
			size_t s = small_records(values, nrecords, cols, ncols, out->level, k, NULL);
			out->level[c]--;
			if (best < 0 || s < best_small) {
				best = c;
				best_small = s;
			}
		}
		if (best < 0)
			break; /* everything at its top level: suppression does the rest */
		out->level[best]++;
		small = best_small;
	}
	small_records(values, nrecords, cols, ncols, out->level, k, out->suppressed);
	for (size_t r = 0; r < nrecords; r++) {
		if (out->suppressed[r]) {
			out->nsuppressed++;
			continue;
		}
		for (int c = 0; c < ncols; c++) {
			const char *v = values[r * (size_t)ncols + (size_t)c];
			const char *g = cols[c].generalise(v, out->level[c]);
			if ((v == NULL) != (g == NULL) || (v && strcmp(v, g)))
				out->generalised[c]++;
		}
	}
	struct keyed *keys = xmalloc(sizeof(*keys) * (nrecords + 1));
	size_t n = sorted_keys(values, nrecords, cols, ncols, out->level, out->suppressed, keys);
	for (size_t i = 0; i < n;) {
		size_t j = i;
		while (j < n && !strcmp(keys[j].key, keys[i].key))
			j++;
		out->nclasses++;
		if (!out->smallest_class || j - i < out->smallest_class)
			out->smallest_class = j - i;
		i = j;
	}
	free_keys(keys, n);
	free(keys);
	return 0;
}

void kanon_result_release(struct kanon_result *r)
{
	free(r->generalised);
	free(r->suppressed);
	memset(r, 0, sizeof(*r));
}
