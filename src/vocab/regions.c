/*
 * vocab/regions.c: the UN M49 sub-region and region of every country of the
 * vocabulary, from data/country-regions.tsv (embedded at build time), so a
 * k-anonymous export can generalise a country to its sub-region, then its
 * region.  See vocab.h.
 */
#include "vocab/vocab.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

extern const unsigned char embedded_data_country_regions_tsv[];
extern const size_t embedded_data_country_regions_tsv_len;

static struct vocab_region *loaded;
static int loaded_count;
static pthread_once_t load_once = PTHREAD_ONCE_INIT;

#define REGION_COLUMNS 7

static int by_country(const void *a, const void *b)
{
	const struct vocab_region *x = a, *y = b;
	return ascii_strcasecmp(x->country, y->country);
}

int vocab_regions_parse(const char *text, size_t len, struct vocab_region **out, int *count,
			struct sanad_error *err)
{
	struct vocab_region *rows = NULL;
	size_t alloc = 0;
	int n = 0, lineno = 0;
	const char *p = text, *end = text + len;

	*out = NULL;
	*count = 0;
	if (!utf8_valid(text, len, NULL))
		return sanad_error_set(err, SANAD_EINVAL, "country regions: not valid UTF-8");
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t linelen = nl ? (size_t)(nl - p) : (size_t)(end - p);
		char *line = xstrndup(p, linelen), *f[REGION_COLUMNS];
		int nf = 1;

		lineno++;
		p += linelen + (nl ? 1 : 0);
		if (linelen && line[linelen - 1] == '\r')
			line[linelen - 1] = '\0';
		if (!line[0] || line[0] == '#') {
			free(line);
			continue;
		}
		f[0] = line;
		for (char *c = line; *c; c++)
			if (*c == '\t') {
				*c = '\0';
				if (nf == REGION_COLUMNS) {
					nf++;
					break;
				}
				f[nf++] = c + 1;
			}
		if (nf != REGION_COLUMNS) {
			free(line);
			vocab_regions_free(rows, n);
			return sanad_error_set(err, SANAD_EINVAL,
					       "country regions line %d: expected %d tab-separated columns",
					       lineno, REGION_COLUMNS);
		}
		for (int i = 0; i < REGION_COLUMNS; i++)
			if (!f[i][0]) {
				free(line);
				vocab_regions_free(rows, n);
				return sanad_error_set(err, SANAD_EINVAL,
						       "country regions line %d: column %d is empty", lineno, i + 1);
			}
		ALLOC_GROW(rows, (size_t)n + 1, alloc);
		rows[n].country = xstrdup(f[0]);
		rows[n].subregion_code = xstrdup(f[1]);
		rows[n].subregion[VOCAB_EN] = xstrdup(f[2]);
		rows[n].subregion[VOCAB_AR] = xstrdup(f[3]);
		rows[n].region_code = xstrdup(f[4]);
		rows[n].region[VOCAB_EN] = xstrdup(f[5]);
		rows[n].region[VOCAB_AR] = xstrdup(f[6]);
		n++;
		free(line);
	}
	*out = rows;
	*count = n;
	return 0;
}

void vocab_regions_free(struct vocab_region *r, int count)
{
	for (int i = 0; i < count; i++) {
		free((char *)r[i].country);
		free((char *)r[i].subregion_code);
		free((char *)r[i].subregion[0]);
		free((char *)r[i].subregion[1]);
		free((char *)r[i].region_code);
		free((char *)r[i].region[0]);
		free((char *)r[i].region[1]);
	}
	free(r);
}

/* The rows in file order, plus a copy sorted by country for lookups. */
static struct vocab_region *sorted;

static void load(void)
{
	struct sanad_error err = { 0 };
	if (vocab_regions_parse((const char *)embedded_data_country_regions_tsv,
				embedded_data_country_regions_tsv_len, &loaded, &loaded_count, &err))
		return; /* the unit tests keep the embedded file well-formed */
	sorted = xmalloc(sizeof(*sorted) * ((size_t)loaded_count + 1));
	memcpy(sorted, loaded, sizeof(*sorted) * (size_t)loaded_count);
	qsort(sorted, (size_t)loaded_count, sizeof(*sorted), by_country);
}

const struct vocab_region *vocab_regions(int *count)
{
	pthread_once(&load_once, load);
	*count = loaded_count;
	return loaded;
}

const struct vocab_region *vocab_region_of(const char *country)
{
	struct vocab_region key = { 0 };
	if (!country)
		return NULL;
	pthread_once(&load_once, load);
	if (!sorted)
		return NULL;
	key.country = country;
	return bsearch(&key, sorted, (size_t)loaded_count, sizeof(*sorted), by_country);
}
