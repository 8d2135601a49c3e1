/* tests/disclosure/test_disclosure.c: cell suppression and k-anonymity,
 * checked by an attacker written independently of the module: the
 * published cells of every table give a system of linear equations (each
 * total equals the sum of the cells it covers), and a suppressed cell is
 * recovered exactly iff deleting its column lowers the rank of that system
 * over the rationals.  Non-negativity adds bounds, propagated line by line;
 * a suppressed cell whose bounds meet is pinned too. */
#include "test_support.h"

#include "disclosure/disclosure.h"

/* ---- the attacker ---- */

static int64_t gcd64(int64_t a, int64_t b)
{
	if (a < 0)
		a = -a;
	if (b < 0)
		b = -b;
	while (b) {
		int64_t t = a % b;
		a = b;
		b = t;
	}
	return a;
}

/* Rank over the rationals of rows x cols integers (row-major, modified),
 * fraction-free elimination with rows divided by their gcd so entries stay
 * small. */
static size_t rational_rank(int64_t *m, size_t rows, size_t cols, size_t skip_col)
{
	size_t rank = 0;
	for (size_t c = 0; c < cols && rank < rows; c++) {
		if (c == skip_col)
			continue;
		size_t p = rank;
		while (p < rows && !m[p * cols + c])
			p++;
		if (p == rows)
			continue;
		for (size_t j = 0; j < cols; j++) {
			int64_t t = m[p * cols + j];
			m[p * cols + j] = m[rank * cols + j];
			m[rank * cols + j] = t;
		}
		for (size_t q = rank + 1; q < rows; q++) {
			int64_t f = m[q * cols + c], g = m[rank * cols + c], d = 0;
			if (!f)
				continue;
			for (size_t j = 0; j < cols; j++) {
				m[q * cols + j] = m[q * cols + j] * g - m[rank * cols + j] * f;
				d = gcd64(d, m[q * cols + j]);
			}
			if (d > 1)
				for (size_t j = 0; j < cols; j++)
					m[q * cols + j] /= d;
		}
		rank++;
	}
	return rank;
}

struct attack {
	size_t nvars;
	size_t *var_cell;   /* suppressed cell of each unknown */
	size_t neq;
	int64_t *eq;        /* neq x nvars coefficients */
};

/* Every equation "total = sum of the cells along one axis" that the
 * published cube gives, written over the suppressed cells only. */
static void build_attack(const struct disclosure_cube *c, struct attack *a)
{
	size_t *var = malloc(sizeof(size_t) * c->ncells);
	int idx[DISCLOSURE_MAX_DIMS];
	memset(a, 0, sizeof(*a));
	a->var_cell = malloc(sizeof(size_t) * c->ncells);
	for (size_t i = 0; i < c->ncells; i++) {
		var[i] = (size_t)-1;
		if (c->state[i]) {
			var[i] = a->nvars;
			a->var_cell[a->nvars++] = i;
		}
	}
	size_t cap = 16;
	a->eq = calloc(cap * (a->nvars + 1), sizeof(int64_t));
	for (size_t i = 0; i < c->ncells; i++) {
		disclosure_cube_coords(c, i, idx);
		for (int d = 0; d < c->ndims; d++) {
			if (idx[d] != c->size[d])
				continue;
			if (a->neq == cap) {
				a->eq = realloc(a->eq, 2 * cap * (a->nvars + 1) * sizeof(int64_t));
				memset(a->eq + cap * (a->nvars + 1), 0, cap * (a->nvars + 1) * sizeof(int64_t));
				cap *= 2;
			}
			int64_t *row = a->eq + a->neq * (a->nvars + 1);
			int any = 0;
			if (var[i] != (size_t)-1) {
				row[var[i]] -= 1;
				any = 1;
			}
			for (int k = 0; k < c->size[d]; k++) {
				int j[DISCLOSURE_MAX_DIMS];
				memcpy(j, idx, sizeof(j));
				j[d] = k;
				size_t cell = 0, stride = 1;
				for (int e = c->ndims - 1; e >= 0; e--) {
					cell += (size_t)j[e] * stride;
					stride *= (size_t)c->size[e] + 1;
				}
				if (var[cell] != (size_t)-1) {
					row[var[cell]] += 1;
					any = 1;
				}
			}
			if (any)
				a->neq++;
			else
				memset(row, 0, (a->nvars + 1) * sizeof(int64_t));
		}
	}
	free(var);
}

/* Number of suppressed cells the equations pin exactly. */
static size_t exactly_recovered(const struct attack *a)
{
	size_t found = 0, w = a->nvars + 1;
	int64_t *m = malloc(sizeof(int64_t) * (a->neq ? a->neq : 1) * w);
	memcpy(m, a->eq, sizeof(int64_t) * a->neq * w);
	size_t full = rational_rank(m, a->neq, w, (size_t)-1);
	for (size_t v = 0; v < a->nvars; v++) {
		memcpy(m, a->eq, sizeof(int64_t) * a->neq * w);
		if (rational_rank(m, a->neq, w, v) + 1 == full)
			found++;
	}
	free(m);
	return found;
}

/* Bounds from non-negativity, propagated along every line until stable;
 * returns the suppressed cells whose bounds meet. */
static size_t pinned_by_bounds(const struct disclosure_cube *c)
{
	int64_t *lo = calloc(c->ncells, sizeof(int64_t)), *hi = calloc(c->ncells, sizeof(int64_t));
	int idx[DISCLOSURE_MAX_DIMS];
	size_t pinned = 0;
	for (size_t i = 0; i < c->ncells; i++) {
		lo[i] = c->state[i] ? 0 : c->count[i];
		hi[i] = c->state[i] ? (int64_t)1000000000000 : c->count[i];
	}
	for (int changed = 1; changed;) {
		changed = 0;
		for (size_t t = 0; t < c->ncells; t++) {
			disclosure_cube_coords(c, t, idx);
			for (int d = 0; d < c->ndims; d++) {
				if (idx[d] != c->size[d])
					continue;
				size_t cells[1024];
				int64_t slo = 0, shi = 0;
				int n = c->size[d];
				for (int k = 0; k < n; k++)
					cells[k] = t - (size_t)(n - k) * c->stride[d];
				for (int k = 0; k < n; k++) {
					slo += lo[cells[k]];
					shi += hi[cells[k]];
				}
				/* total within the sum's bounds */
				if (slo > lo[t]) { lo[t] = slo; changed = 1; }
				if (shi < hi[t]) { hi[t] = shi; changed = 1; }
				for (int k = 0; k < n; k++) {
					size_t x = cells[k];
					int64_t l = lo[t] - (shi - hi[x]), h = hi[t] - (slo - lo[x]);
					if (l > lo[x]) { lo[x] = l; changed = 1; }
					if (h < hi[x]) { hi[x] = h; changed = 1; }
				}
			}
		}
	}
	for (size_t i = 0; i < c->ncells; i++) {
		assert_true(lo[i] <= c->count[i] && c->count[i] <= hi[i]); /* sound */
		if (c->state[i] && lo[i] == hi[i])
			pinned++;
	}
	free(lo);
	free(hi);
	return pinned;
}

static void attack_release(struct attack *a)
{
	free(a->var_cell);
	free(a->eq);
}

/* Protect c and attack what is published; returns the suppressed cells. */
static size_t protect_and_attack(struct disclosure_cube *c, int64_t threshold)
{
	struct disclosure_options o = { threshold, 0 };
	struct disclosure_report rep;
	struct sanad_error err = { 0 };
	struct attack a;
	size_t suppressed = 0;
	assert_int_equal(disclosure_protect(c, &o, &rep, &err), 0);
	for (size_t i = 0; i < c->ncells; i++) {
		/* every small non-zero count is suppressed */
		if (c->count[i] > 0 && c->count[i] < threshold)
			assert_int_equal(c->state[i], DISCLOSURE_PRIMARY);
		suppressed += c->state[i] != DISCLOSURE_PUBLISHED;
	}
	assert_int_equal(rep.primary + rep.complementary, suppressed);
	build_attack(c, &a);
	assert_int_equal(exactly_recovered(&a), 0);
	attack_release(&a);
	assert_int_equal(pinned_by_bounds(c), 0);
	return suppressed;
}

static uint64_t rng_state;
static uint64_t rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

/* ---- tests ---- */

static void test_attacker_sees_a_lone_suppression(void **s)
{
	/* the attacker itself: one suppressed cell in a 2x2 table is recovered */
	(void)s;
	int size[2] = { 2, 2 };
	struct disclosure_cube c;
	struct attack a;
	assert_int_equal(disclosure_cube_init(&c, 2, size, NULL), 0);
	int64_t v[4] = { 3, 10, 12, 20 };
	for (int i = 0; i < 2; i++)
		for (int j = 0; j < 2; j++) {
			int idx[2] = { i, j };
			c.count[disclosure_cube_index(&c, idx)] = v[i * 2 + j];
		}
	disclosure_cube_sum_margins(&c);
	int g[2] = { 2, 2 };
	assert_int_equal(c.count[disclosure_cube_index(&c, g)], 45);
	int c00[2] = { 0, 0 };
	c.state[disclosure_cube_index(&c, c00)] = DISCLOSURE_PRIMARY;
	build_attack(&c, &a);
	assert_int_equal(exactly_recovered(&a), 1);
	attack_release(&a);
	unsigned char *det = malloc(c.ncells);
	assert_int_equal(disclosure_audit(&c, det), 1);
	assert_int_equal(det[disclosure_cube_index(&c, c00)], 1);
	/* the four corners of a rectangle are not */
	int c01[2] = { 0, 1 }, c10[2] = { 1, 0 }, c11[2] = { 1, 1 };
	c.state[disclosure_cube_index(&c, c01)] = DISCLOSURE_COMPLEMENTARY;
	c.state[disclosure_cube_index(&c, c10)] = DISCLOSURE_COMPLEMENTARY;
	c.state[disclosure_cube_index(&c, c11)] = DISCLOSURE_COMPLEMENTARY;
	build_attack(&c, &a);
	assert_int_equal(exactly_recovered(&a), 0);
	attack_release(&a);
	assert_int_equal(disclosure_audit(&c, det), 0);
	free(det);
	disclosure_cube_release(&c);
}

static void test_one_dimension(void **s)
{
	(void)s;
	int size[1] = { 5 };
	int64_t v[5] = { 40, 3, 25, 12, 60 };
	struct disclosure_cube c;
	assert_int_equal(disclosure_cube_init(&c, 1, size, NULL), 0);
	memcpy(c.count, v, sizeof(v));
	disclosure_cube_sum_margins(&c);
	assert_int_equal(c.count[5], 140);
	assert_int_equal(protect_and_attack(&c, 5), 2);
	assert_int_equal(c.state[1], DISCLOSURE_PRIMARY);
	assert_int_equal(c.state[3], DISCLOSURE_COMPLEMENTARY); /* the next smallest */
	assert_int_equal(c.state[5], DISCLOSURE_PUBLISHED);     /* the total stays */
	disclosure_cube_release(&c);
}

static void test_zeros_published_unless_asked(void **s)
{
	(void)s;
	int size[1] = { 3 };
	struct disclosure_cube c;
	struct disclosure_options o = { 5, 1 };
	assert_int_equal(disclosure_cube_init(&c, 1, size, NULL), 0);
	c.count[0] = 0, c.count[1] = 9, c.count[2] = 30;
	disclosure_cube_sum_margins(&c);
	assert_int_equal(protect_and_attack(&c, 5), 0);
	assert_int_equal(disclosure_protect(&c, &o, NULL, NULL), 0);
	assert_int_equal(c.state[0], DISCLOSURE_PRIMARY);
	assert_int_equal(c.state[1], DISCLOSURE_COMPLEMENTARY);
	disclosure_cube_release(&c);
}

static void test_two_dimensions_fixed(void **s)
{
	(void)s;
	/* year x sex: one small cell needs a rectangle of four */
	int size[2] = { 3, 2 };
	int64_t v[3][2] = { { 20, 30 }, { 2, 40 }, { 15, 8 } };
	struct disclosure_cube c;
	assert_int_equal(disclosure_cube_init(&c, 2, size, NULL), 0);
	for (int i = 0; i < 3; i++)
		for (int j = 0; j < 2; j++) {
			int idx[2] = { i, j };
			c.count[disclosure_cube_index(&c, idx)] = v[i][j];
		}
	disclosure_cube_sum_margins(&c);
	assert_int_equal(protect_and_attack(&c, 5), 4);
	int a[2] = { 1, 0 }, b[2] = { 1, 1 }, d[2] = { 2, 0 }, e[2] = { 2, 1 };
	assert_int_equal(c.state[disclosure_cube_index(&c, a)], DISCLOSURE_PRIMARY);
	assert_int_equal(c.state[disclosure_cube_index(&c, b)], DISCLOSURE_COMPLEMENTARY);
	assert_int_equal(c.state[disclosure_cube_index(&c, d)], DISCLOSURE_COMPLEMENTARY);
	assert_int_equal(c.state[disclosure_cube_index(&c, e)], DISCLOSURE_COMPLEMENTARY);
	disclosure_cube_release(&c);
}

/* Random tables of 1 to 4 dimensions with many small cells. */
static void test_random_tables_resist_attack(void **s)
{
	(void)s;
	rng_state = 0x9E3779B97F4A7C15ull;
	size_t total_suppressed = 0;
	for (int round = 0; round < 60; round++) {
		int nd = 1 + round % 4, size[4];
		struct disclosure_cube c;
		for (int d = 0; d < nd; d++)
			size[d] = 1 + (int)(rng() % (nd <= 2 ? 7 : 4));
		assert_int_equal(disclosure_cube_init(&c, nd, size, NULL), 0);
		for (size_t i = 0; i < c.ncells; i++) {
			if (disclosure_cube_is_margin(&c, i))
				continue;
			uint64_t r = rng() % 10;
			/* a third zeros, a third small, a third large */
			c.count[i] = r < 3 ? 0 : r < 6 ? (int64_t)(1 + rng() % 4) : (int64_t)(5 + rng() % 60);
		}
		disclosure_cube_sum_margins(&c);
		total_suppressed += protect_and_attack(&c, 2 + round % 6);
		disclosure_cube_release(&c);
	}
	assert_true(total_suppressed > 100); /* the data really had small cells */
}

/* year x sex published next to year x sex x exploitation: the smaller table
 * is a margin of the larger cube, so the attacker's equations already join
 * them; check that the 2-D table printed from the cube hides its cells. */
static void test_tables_published_together(void **s)
{
	(void)s;
	rng_state = 42;
	for (int round = 0; round < 10; round++) {
		int size[3] = { 4, 2, 3 + round % 3 };
		struct disclosure_cube big, small;
		assert_int_equal(disclosure_cube_init(&big, 3, size, NULL), 0);
		for (size_t i = 0; i < big.ncells; i++)
			if (!disclosure_cube_is_margin(&big, i))
				big.count[i] = (int64_t)(rng() % 9);
		disclosure_cube_sum_margins(&big);
		protect_and_attack(&big, 5);
		/* the year x sex table with its margins, states copied from the cube */
		assert_int_equal(disclosure_cube_init(&small, 2, size, NULL), 0);
		for (size_t i = 0; i < small.ncells; i++) {
			int idx[3];
			disclosure_cube_coords(&small, i, idx);
			idx[2] = size[2];
			size_t j = disclosure_cube_index(&big, idx);
			small.count[i] = big.count[j];
			small.state[i] = big.state[j];
			if (small.count[i] > 0 && small.count[i] < 5)
				assert_int_not_equal(small.state[i], DISCLOSURE_PUBLISHED);
		}
		struct attack a;
		build_attack(&small, &a);
		assert_int_equal(exactly_recovered(&a), 0);
		attack_release(&a);
		disclosure_cube_release(&small);
		disclosure_cube_release(&big);
	}
}

static void test_limits(void **s)
{
	(void)s;
	int size[5] = { 2, 2, 2, 2, 2 };
	struct disclosure_cube c;
	struct sanad_error err = { 0 };
	assert_int_equal(disclosure_cube_init(&c, 5, size, &err), SANAD_ELIMIT);
	assert_non_null(strstr(err.message, "1 to 4 dimensions"));
	size[0] = 0;
	assert_int_equal(disclosure_cube_init(&c, 2, size, &err), SANAD_ELIMIT);
}

/* ---- k-anonymity ---- */

static const char *age_band(const char *v, int level)
{
	if (!v)
		return level >= 2 ? "*" : NULL;
	if (level == 0)
		return v;
	if (level == 1)
		return atoi(v) < 18 ? "minor" : "adult";
	return "*";
}

static const char *country(const char *v, int level)
{
	static const char *const region[][2] = { { "SY", "145" }, { "JO", "145" }, { "IQ", "145" },
						 { "NG", "202" }, { "ET", "202" }, { "PH", "035" } };
	if (level == 0)
		return v;
	if (level == 1 && v) {
		for (size_t i = 0; i < sizeof(region) / sizeof(region[0]); i++)
			if (!strcmp(region[i][0], v))
				return region[i][1];
		return "*";
	}
	return level >= 2 || !v ? "*" : v;
}

static const char *as_is(const char *v, int level)
{
	return level ? "*" : v;
}

static void test_k_anonymity_by_independent_count(void **s)
{
	(void)s;
	static const char *const ages[] = { "3", "8", "12", "16", "19", "25", "33", "41", "57", NULL };
	static const char *const countries[] = { "SY", "JO", "IQ", "NG", "ET", "PH", NULL };
	static const char *const sexes[] = { "Female", "Male", NULL };
	static const char *const years[] = { "2019", "2020", "2021", "2022" };
	const struct kanon_column cols[4] = { { "age", 3, age_band }, { "sex", 2, as_is },
					       { "citizenship", 3, country }, { "year", 2, as_is } };
	enum { N = 400 };
	const char **v = malloc(sizeof(char *) * N * 4);
	rng_state = 7;
	for (int r = 0; r < N; r++) {
		v[r * 4 + 0] = ages[rng() % 10];
		v[r * 4 + 1] = sexes[rng() % 3];
		v[r * 4 + 2] = countries[rng() % 7];
		v[r * 4 + 3] = years[rng() % 4];
	}
	for (size_t k = 2; k <= 10; k += 4) {
		struct kanon_result res;
		assert_int_equal(kanon_anonymise(v, N, cols, 4, k, 0.05, &res, NULL), 0);
		assert_true(res.nsuppressed <= N / 20 + 0 || res.level[0] == 2);
		/* count the classes of the kept records, quadratically, by hand */
		size_t kept = 0, classes = 0, smallest = (size_t)-1;
		for (int r = 0; r < N; r++) {
			if (res.suppressed[r])
				continue;
			kept++;
			size_t same = 0, first = 1;
			for (int q = 0; q < N; q++) {
				if (res.suppressed[q])
					continue;
				int eq = 1;
				for (int c = 0; c < 4 && eq; c++) {
					const char *a = cols[c].generalise(v[r * 4 + c], res.level[c]);
					const char *b = cols[c].generalise(v[q * 4 + c], res.level[c]);
					eq = (!a && !b) || (a && b && !strcmp(a, b));
				}
				if (eq) {
					same++;
					if (q < r)
						first = 0;
				}
			}
			assert_true(same >= k);
			classes += first;
			if (same < smallest)
				smallest = same;
		}
		assert_int_equal(kept + res.nsuppressed, N);
		assert_int_equal(classes, res.nclasses);
		assert_int_equal(smallest, res.smallest_class);
		/* 400 records over 10 x 3 x 7 x 4 raw combinations cannot be
		 * 2-anonymous without generalising something */
		assert_true(res.level[0] + res.level[1] + res.level[2] + res.level[3] > 0);
		size_t changed = 0;
		for (int c = 0; c < 4; c++)
			changed += res.generalised[c];
		assert_true(changed > 0);
		kanon_result_release(&res);
	}
	free(v);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_attacker_sees_a_lone_suppression),
		cmocka_unit_test(test_one_dimension),
		cmocka_unit_test(test_zeros_published_unless_asked),
		cmocka_unit_test(test_two_dimensions_fixed),
		cmocka_unit_test(test_random_tables_resist_attack),
		cmocka_unit_test(test_tables_published_together),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_k_anonymity_by_independent_count),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
