/*
 * demo/rng.c: the demo's random numbers.  xoshiro256** (Blackman and Vigna)
 * seeded through splitmix64; the few floating-point steps are plain IEEE
 * double operations in a fixed order, so the same seed gives the same
 * values on every platform.
 */
#include "demo/demo_internal.h"

static uint64_t splitmix64(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ull);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

void rng_seed(struct rng *r, uint64_t seed)
{
	for (int i = 0; i < 4; i++)
		r->s[i] = splitmix64(&seed);
}

static uint64_t rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

uint64_t rng_next(struct rng *r)
{
	uint64_t *s = r->s;
	uint64_t result = rotl(s[1] * 5, 7) * 9, t = s[1] << 17;
	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl(s[3], 45);
	return result;
}

uint32_t rng_below(struct rng *r, uint32_t n)
{
	/* Lemire's multiply-shift; the tiny bias is irrelevant for demo data */
	return (uint32_t)(((rng_next(r) >> 32) * (uint64_t)n) >> 32);
}

int rng_range(struct rng *r, int lo, int hi)
{
	return hi <= lo ? lo : lo + (int)rng_below(r, (uint32_t)(hi - lo + 1));
}

double rng_unit(struct rng *r)
{
	return (double)(rng_next(r) >> 11) * (1.0 / 9007199254740992.0);
}

int rng_chance(struct rng *r, double p)
{
	return rng_unit(r) < p;
}

int rng_normal(struct rng *r, double mean, double sd, int lo, int hi)
{
	/* Irwin-Hall: the sum of 12 uniforms minus 6 is close to N(0, 1) */
	double z = -6.0;
	int v;
	for (int i = 0; i < 12; i++)
		z += rng_unit(r);
	v = (int)(mean + z * sd + (z * sd >= 0 ? 0.5 : -0.5));
	return v < lo ? lo : v > hi ? hi : v;
}

const char *rng_pick(struct rng *r, const struct weighted *table)
{
	uint32_t total = 0, x;
	for (const struct weighted *w = table; w->value; w++)
		total += (uint32_t)w->weight;
	if (!total)
		return NULL;
	x = rng_below(r, total);
	for (const struct weighted *w = table; w->value; w++) {
		if (x < (uint32_t)w->weight)
			return w->value;
		x -= (uint32_t)w->weight;
	}
	return NULL;
}

const char *rng_one(struct rng *r, const char *const *list)
{
	uint32_t n = 0;
	while (list[n])
		n++;
	return n ? list[rng_below(r, n)] : NULL;
}
