/*
 * vocab: every picklist Sanad knows (HTCDS value names, ISO 3166 countries,
 * ISO 639 languages and Sanad's own lists), each value with an English and an
 * Arabic label.  The lists live in one data file, data/vocab.tsv, which is
 * compiled into the binary; nothing else in the code spells a picklist.
 *
 * The tables are loaded once (vocab_load) and never change afterwards, so
 * lookups are safe from any thread without locking.
 */
#ifndef SANAD_VOCAB_H
#define SANAD_VOCAB_H

#include "util/util.h"

enum vocab_lang { VOCAB_EN = 0, VOCAB_AR = 1 };

struct vocab_entry {
	const char *code;     /* canonical value name, e.g. "ForcedLabour" */
	const char *label[2]; /* indexed by enum vocab_lang */
	int index;            /* position in its list, 0-based (display order) */
};

struct vocab_list {
	const char *name;
	struct vocab_entry *entries;
	int count;
	/* private: open-addressing table over codes and aliases, lower-cased */
	int *slots;
	const char **slot_keys;
	uint32_t *slot_hash;  /* hash_ci of slot_keys[s]: most probes end on it */
	int nslots;
};

/* Parse the built-in vocabulary.  Idempotent and thread-safe; every other
 * vocab_* function calls it, so callers need not. Fails only if the embedded
 * data is malformed, which the unit tests rule out. */
int vocab_load(struct sanad_error *err);
/* Parse vocabulary text in the data/vocab.tsv format into a fresh set of
 * lists (used by vocab_load and by tests).  The result is returned in
 * *lists and *nlists and owned by the caller (vocab_lists_free). */
int vocab_parse(const char *text, size_t len, struct vocab_list **lists, int *nlists,
		struct sanad_error *err);
void vocab_lists_free(struct vocab_list *lists, int nlists);

/* The list called name, or NULL. */
const struct vocab_list *vocab_list_find(const char *name);
/* All lists, for `sanad vocab` and the API. */
const struct vocab_list *vocab_lists(int *count);
/* Look a value up by code or alias, case-insensitively; NULL if unknown. */
const struct vocab_entry *vocab_lookup(const struct vocab_list *list, const char *value);
/* Shorthand for vocab_lookup(vocab_list_find(list), value). */
const struct vocab_entry *vocab_find(const char *list, const char *value);
/* Label of code in list, in lang; the code itself if unknown. */
const char *vocab_label(const char *list, const char *code, enum vocab_lang lang);
/* "en" or "ar" (anything starting with "ar") to the enum. */
enum vocab_lang vocab_lang_parse(const char *s);

/* ---- UN M49 regions (regions.c) ----
 * Each country of the vocabulary's "country" list with its UN M49
 * sub-region and region (data/country-regions.tsv, compiled in), for
 * generalising countries in k-anonymous exports.  Loaded once like the
 * lists, then read-only. */
struct vocab_region {
	const char *country;        /* ISO 3166 alpha-2, as in the country list */
	const char *subregion_code; /* M49 code, three digits: "145" */
	const char *subregion[2];   /* "Western Asia", indexed by enum vocab_lang */
	const char *region_code;    /* "142" */
	const char *region[2];      /* "Asia" */
};
/* The row of country (alpha-2, case-insensitive), or NULL. */
const struct vocab_region *vocab_region_of(const char *country);
/* Every row, in the order of the file; *count set.  NULL (and *count 0)
 * only if the embedded file is malformed, which the tests rule out. */
const struct vocab_region *vocab_regions(int *count);
/* Parse text in the data/country-regions.tsv format (tests); *out is new,
 * free with vocab_regions_free. */
int vocab_regions_parse(const char *text, size_t len, struct vocab_region **out, int *count,
			struct sanad_error *err);
void vocab_regions_free(struct vocab_region *r, int count);

#endif
