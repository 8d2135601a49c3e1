/* disclosure/suppress.c: primary and complementary cell suppression of count
 * tables with their margins, and the exact audit that proves no suppressed
 * cell can be recomputed from what is published (see disclosure.h). */
#include "disclosure/disclosure.h"

#include <stdlib.h>
#include <string.h>

int disclosure_cube_init(struct disclosure_cube *c, int ndims, const int *size,
			 struct sanad_error *err)
{
	size_t n = 1;
	memset(c, 0, sizeof(*c));
	if (ndims < 1 || ndims > DISCLOSURE_MAX_DIMS)
		return sanad_error_set(err, SANAD_ELIMIT,
				       "a published table has 1 to %d dimensions, not %d",
				       DISCLOSURE_MAX_DIMS, ndims);
	for (int d = ndims - 1; d >= 0; d--) {
		if (size[d] < 1 || size[d] > 100000)
			return sanad_error_set(err, SANAD_ELIMIT,
					       "dimension %d has %d values (1 to 100000 allowed)",
					       d + 1, size[d]);
		c->stride[d] = n;
		n *= (size_t)size[d] + 1;
		if (n > 5000000)
			return sanad_error_set(err, SANAD_ELIMIT,
					       "the table would have over 5,000,000 cells");
	}
	c->ndims = ndims;
	memcpy(c->size, size, sizeof(int) * (size_t)ndims);
	c->ncells = n;
	c->count = xcalloc(n, sizeof(*c->count));
	c->state = xcalloc(n, 1);
	return 0;
}

void disclosure_cube_release(struct disclosure_cube *c)
{
	free(c->count);
	free(c->state);
	memset(c, 0, sizeof(*c));
}

size_t disclosure_cube_index(const struct disclosure_cube *c, const int *idx)
{
	size_t i = 0;
	for (int d = 0; d < c->ndims; d++)
		i += (size_t)idx[d] * c->stride[d];
	return i;
}

void disclosure_cube_coords(const struct disclosure_cube *c, size_t i, int *idx)
{
	for (int d = 0; d < c->ndims; d++) {
		idx[d] = (int)(i / c->stride[d]);
		i %= c->stride[d];
	}
}

int disclosure_cube_is_margin(const struct disclosure_cube *c, size_t i)
{
	int idx[DISCLOSURE_MAX_DIMS];
	disclosure_cube_coords(c, i, idx);
	for (int d = 0; d < c->ndims; d++)
		if (idx[d] == c->size[d])
			return 1;
	return 0;
}

void disclosure_cube_sum_margins(struct disclosure_cube *c)
{
	int idx[DISCLOSURE_MAX_DIMS];
	for (size_t i = 0; i < c->ncells; i++)
		if (disclosure_cube_is_margin(c, i))
			c->count[i] = 0;
	/* Each inner cell adds to every margin cell obtained by replacing any
	 * subset of its coordinates with the total. */
	for (size_t i = 0; i < c->ncells; i++) {
		if (disclosure_cube_is_margin(c, i) || !c->count[i])
			continue;
		disclosure_cube_coords(c, i, idx);
		for (unsigned mask = 1; mask < (1u << c->ndims); mask++) {
			size_t j = i;
			for (int d = 0; d < c->ndims; d++)
				if (mask & (1u << d))
					j += (size_t)(c->size[d] - idx[d]) * c->stride[d];
			c->count[j] += c->count[i];
		}
	}
}

int disclosure_cube_from_stats(struct disclosure_cube *c, const struct stats_table *t,
			       struct sanad_error *err)
{
	int size[DISCLOSURE_MAX_DIMS];
	int rc;
	memset(c, 0, sizeof(*c));
	if (t->ncolumns > DISCLOSURE_MAX_DIMS)
		return sanad_error_set(err, SANAD_ELIMIT,
				       "a published table crosses at most %d dimensions, not %d",
				       DISCLOSURE_MAX_DIMS, t->ncolumns);
	for (int d = 0; d < t->ncolumns; d++)
		size[d] = t->columns[d].nvalues > 0 ? t->columns[d].nvalues : 1;
	if ((rc = disclosure_cube_init(c, t->ncolumns, size, err)))
		return rc;
	for (size_t r = 0; r < t->nrows; r++)
		c->count[disclosure_cube_index(c, t->rows[r].value)] += t->rows[r].count;
	disclosure_cube_sum_margins(c);
	return 0;
}

/* ---- lines ---- */

/* Calls fn for every line of the cube: the cells first (k = 0..size-1), the
 * total last.  The line starts at base and steps by stride. */
struct line { size_t base, stride; int n; /* members, total included */ };

static size_t count_lines(const struct disclosure_cube *c)
{
	size_t total = 0;
	for (int a = 0; a < c->ndims; a++)
		total += c->ncells / ((size_t)c->size[a] + 1);
	return total;
}

/* The lines as an array (the caller frees). */
static struct line *all_lines(const struct disclosure_cube *c, size_t *nlines)
{
	struct line *lines = xmalloc(sizeof(*lines) * (count_lines(c) + 1));
	int idx[DISCLOSURE_MAX_DIMS];
	size_t n = 0;
	for (int a = 0; a < c->ndims; a++)
		for (size_t i = 0; i < c->ncells; i++) {
			disclosure_cube_coords(c, i, idx);
			if (idx[a])
				continue;
			lines[n].base = i;
			lines[n].stride = c->stride[a];
			lines[n].n = c->size[a] + 1;
			n++;
		}
	*nlines = n;
	return lines;
}

static size_t member(const struct line *l, int k)
{
	return l->base + (size_t)k * l->stride;
}

/* Complements are the smallest positive counts: a suppressed zero is a poor
 * complement, since a line whose other suppressed members are zeros pins
 * them all to 0 once counts are known to be non-negative, and with them the
 * primary cell they were meant to hide.  Zeros only when nothing else is
 * left. */
static int cheaper(int64_t a, int64_t b)
{
	if ((a == 0) != (b == 0))
		return b == 0;
	return a < b;
}

/* The published member of l to suppress next: the cheapest count, inner
 * cells before the total on a tie.  (size_t)-1 if all are suppressed. */
static size_t cheapest_member(const struct disclosure_cube *c, const struct line *l)
{
	size_t best = (size_t)-1;
	for (int k = 0; k < l->n; k++) {
		size_t m = member(l, k);
		if (c->state[m] != DISCLOSURE_PUBLISHED)
			continue;
		if (best == (size_t)-1 || cheaper(c->count[m], c->count[best]))
			best = m;
	}
	return best;
}

static int suppressed_in(const struct disclosure_cube *c, const struct line *l)
{
	int s = 0;
	for (int k = 0; k < l->n; k++)
		s += c->state[member(l, k)] != DISCLOSURE_PUBLISHED;
	return s;
}

/* The line rule until stable; returns cells it suppressed. */
static size_t apply_line_rule(struct disclosure_cube *c, const struct line *lines, size_t nlines)
{
	size_t added = 0;
	int changed = 1;
	while (changed) {
		changed = 0;
		for (size_t i = 0; i < nlines; i++) {
			if (suppressed_in(c, &lines[i]) != 1)
				continue;
			size_t m = cheapest_member(c, &lines[i]);
			if (m == (size_t)-1)
				continue;
			c->state[m] = DISCLOSURE_COMPLEMENTARY;
			added++;
			changed = 1;
		}
	}
	return added;
}

/* ---- the audit: exact linear algebra modulo a large prime ----
 *
 * Unknowns are the suppressed cells; each line gives sum(cells) - total = 0
 * with the published members as constants.  A suppressed cell is determined
 * iff its unit vector lies in the row space of the coefficient matrix over
 * the unknowns, which in reduced row echelon form means: its column is a
 * pivot and the pivot's row has no other non-zero entry.  The arithmetic is
 * modulo p = 2^61 - 1: exact, and with coefficients 0 and +-1 a rank that
 * differs from the rational one would need p to divide a minor of the
 * matrix; the unit tests repeat the check over the rationals. */

#define AUDIT_P ((uint64_t)0x1FFFFFFFFFFFFFFFull)

static uint64_t mulmod(uint64_t a, uint64_t b)
{
	unsigned __int128 r = (unsigned __int128)a * b;
	uint64_t lo = (uint64_t)(r & AUDIT_P), hi = (uint64_t)(r >> 61);
	uint64_t s = lo + hi;
	return s >= AUDIT_P ? s - AUDIT_P : s;
}

static uint64_t powmod(uint64_t a, uint64_t e)
{
	uint64_t r = 1;
	while (e) {
		if (e & 1)
			r = mulmod(r, a);
		a = mulmod(a, a);
		e >>= 1;
	}
	return r;
}

size_t disclosure_audit(const struct disclosure_cube *c, unsigned char *determined)
{
	size_t nlines, nvars = 0, nrows = 0, found = 0;
	struct line *lines = all_lines(c, &nlines);
	size_t *var_of = xmalloc(sizeof(*var_of) * c->ncells);
	size_t *cell_of;
	uint64_t *m;

	memset(determined, 0, c->ncells);
	for (size_t i = 0; i < c->ncells; i++)
		var_of[i] = c->state[i] != DISCLOSURE_PUBLISHED ? nvars++ : (size_t)-1;
	if (!nvars) {
		free(lines);
		free(var_of);
		return 0;
	}
	cell_of = xmalloc(sizeof(*cell_of) * nvars);
	for (size_t i = 0; i < c->ncells; i++)
		if (var_of[i] != (size_t)-1)
			cell_of[var_of[i]] = i;
	for (size_t l = 0; l < nlines; l++)
		nrows += suppressed_in(c, &lines[l]) > 0;
	m = xcalloc(nrows * nvars, sizeof(*m));
	nrows = 0;
	for (size_t l = 0; l < nlines; l++) {
		if (!suppressed_in(c, &lines[l]))
			continue;
		for (int k = 0; k < lines[l].n; k++) {
			size_t cell = member(&lines[l], k);
			if (var_of[cell] == (size_t)-1)
				continue;
			m[nrows * nvars + var_of[cell]] = k < lines[l].n - 1 ? 1 : AUDIT_P - 1;
		}
		nrows++;
	}

	/* reduced row echelon form */
	size_t *pivot_row = xmalloc(sizeof(*pivot_row) * nvars);
	size_t r = 0;
	for (size_t col = 0; col < nvars; col++)
		pivot_row[col] = (size_t)-1;
	for (size_t col = 0; col < nvars && r < nrows; col++) {
		size_t p = r;
		while (p < nrows && !m[p * nvars + col])
			p++;
		if (p == nrows)
			continue;
		if (p != r)
			for (size_t j = 0; j < nvars; j++) {
				uint64_t t = m[p * nvars + j];
				m[p * nvars + j] = m[r * nvars + j];
				m[r * nvars + j] = t;
			}
		uint64_t inv = powmod(m[r * nvars + col], AUDIT_P - 2);
		for (size_t j = col; j < nvars; j++)
			m[r * nvars + j] = mulmod(m[r * nvars + j], inv);
		for (size_t q = 0; q < nrows; q++) {
			uint64_t f = m[q * nvars + col];
			if (q == r || !f)
				continue;
			for (size_t j = col; j < nvars; j++) {
				uint64_t sub = mulmod(f, m[r * nvars + j]);
				uint64_t v = m[q * nvars + j];
				m[q * nvars + j] = v >= sub ? v - sub : v + AUDIT_P - sub;
			}
		}
		pivot_row[col] = r++;
	}
	for (size_t col = 0; col < nvars; col++) {
		size_t pr = pivot_row[col];
		if (pr == (size_t)-1)
			continue;
		int alone = 1;
		for (size_t j = 0; j < nvars && alone; j++)
			if (j != col && m[pr * nvars + j])
				alone = 0;
		if (alone) {
			determined[cell_of[col]] = 1;
			found++;
		}
	}
	free(pivot_row);
	free(m);
	free(cell_of);
	free(var_of);
	free(lines);
	return found;
}

/* Counts are not negative, so each line also bounds its suppressed members:
 * a cell lies between the line's known remainder minus the most the others
 * can hold and the remainder minus the least.  Propagated until stable;
 * marks (in pinned) the suppressed cells whose bounds meet, which the
 * equality audit cannot see (two suppressed zeros in one line pin each
 * other).  Returns how many. */
static size_t pinned_by_bounds(const struct disclosure_cube *c, const struct line *lines,
			       size_t nlines, unsigned char *pinned)
{
	/* an upper bound no real count reaches, yet safe to add up */
	const int64_t unbounded = (int64_t)1 << 50;
	int64_t *lo = xmalloc(sizeof(*lo) * c->ncells), *hi = xmalloc(sizeof(*hi) * c->ncells);
	size_t found = 0;
	int changed = 1, rounds = 0;
	for (size_t i = 0; i < c->ncells; i++) {
		int s = c->state[i] != DISCLOSURE_PUBLISHED;
		lo[i] = s ? 0 : c->count[i];
		hi[i] = s ? unbounded : c->count[i];
	}
	/* bounds only shrink; the round limit keeps a pathological cube from
	 * creeping down one unit per pass */
	while (changed && rounds++ < 1000) {
		changed = 0;
		for (size_t l = 0; l < nlines; l++) {
			const struct line *ln = &lines[l];
			size_t t = member(ln, ln->n - 1);
			int64_t slo = 0, shi = 0;
			if (!suppressed_in(c, ln))
				continue;
			for (int k = 0; k < ln->n - 1; k++) {
				slo += lo[member(ln, k)];
				shi += hi[member(ln, k)];
			}
			if (slo > lo[t])
				lo[t] = slo, changed = 1;
			if (shi < hi[t])
				hi[t] = shi, changed = 1;
			for (int k = 0; k < ln->n - 1; k++) {
				size_t x = member(ln, k);
				int64_t a = lo[t] - (shi - hi[x]), b = hi[t] - (slo - lo[x]);
				if (a > lo[x])
					lo[x] = a, changed = 1;
				if (b < hi[x])
					hi[x] = b, changed = 1;
			}
		}
	}
	for (size_t i = 0; i < c->ncells; i++) {
		pinned[i] = c->state[i] != DISCLOSURE_PUBLISHED && lo[i] == hi[i];
		found += pinned[i];
	}
	free(lo);
	free(hi);
	return found;
}

int disclosure_protect(struct disclosure_cube *c, const struct disclosure_options *o,
		       struct disclosure_report *report, struct sanad_error *err)
{
	int64_t threshold = o && o->threshold > 0 ? o->threshold : DISCLOSURE_DEFAULT_THRESHOLD;
	int suppress_zeros = o ? o->suppress_zeros : 0;
	size_t nlines, nsupp;
	struct line *lines;
	unsigned char *determined;
	int rc = 0;

	for (size_t i = 0; i < c->ncells; i++)
		c->state[i] = (c->count[i] < threshold && (c->count[i] > 0 || suppress_zeros)) ||
				      (o && o->also_primary && o->also_primary[i])
				      ? DISCLOSURE_PRIMARY
				      : DISCLOSURE_PUBLISHED;
	lines = all_lines(c, &nlines);
	determined = xmalloc(c->ncells);
	for (;;) {
		apply_line_rule(c, lines, nlines);
		nsupp = 0;
		for (size_t i = 0; i < c->ncells; i++)
			nsupp += c->state[i] != DISCLOSURE_PUBLISHED;
		if (nsupp > DISCLOSURE_MAX_AUDIT) {
			rc = sanad_error_set(err, SANAD_ELIMIT,
					     "%zu cells would be suppressed, more than the %d the "
					     "audit checks: publish a coarser table",
					     nsupp, DISCLOSURE_MAX_AUDIT);
			break;
		}
		if (!disclosure_audit(c, determined) &&
		    !pinned_by_bounds(c, lines, nlines, determined))
			break;
		/* A determined (or pinned) cell gets one more neighbour suppressed: the
		 * cheapest published member of any line through it. */
		size_t added = 0;
		for (size_t i = 0; i < c->ncells; i++) {
			if (!determined[i])
				continue;
			size_t best = (size_t)-1;
			for (size_t l = 0; l < nlines; l++) {
				const struct line *ln = &lines[l];
				if (i < ln->base || (i - ln->base) % ln->stride ||
				    (i - ln->base) / ln->stride >= (size_t)ln->n)
					continue;
				size_t m = cheapest_member(c, ln);
				if (m != (size_t)-1 && (best == (size_t)-1 || cheaper(c->count[m], c->count[best])))
					best = m;
			}
			if (best != (size_t)-1 && c->state[best] == DISCLOSURE_PUBLISHED) {
				c->state[best] = DISCLOSURE_COMPLEMENTARY;
				added++;
			}
		}
		if (!added) {
			/* every line through the determined cells is fully
			 * suppressed: widen to the cheapest published cell of
			 * any line that has a suppression */
			size_t best = (size_t)-1;
			for (size_t l = 0; l < nlines; l++) {
				if (!suppressed_in(c, &lines[l]))
					continue;
				size_t m = cheapest_member(c, &lines[l]);
				if (m != (size_t)-1 && (best == (size_t)-1 || cheaper(c->count[m], c->count[best])))
					best = m;
			}
			if (best == (size_t)-1)
				break; /* everything is suppressed */
			c->state[best] = DISCLOSURE_COMPLEMENTARY;
		}
	}
	free(determined);
	free(lines);
	if (report) {
		memset(report, 0, sizeof(*report));
		report->cells = c->ncells;
		report->threshold = threshold;
		for (size_t i = 0; i < c->ncells; i++) {
			report->primary += c->state[i] == DISCLOSURE_PRIMARY;
			report->complementary += c->state[i] == DISCLOSURE_COMPLEMENTARY;
		}
	}
	return rc;
}
