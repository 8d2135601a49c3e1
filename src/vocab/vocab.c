/*
 * vocab/vocab.c: load data/vocab.tsv (embedded at build time) into lists
 * with hash lookup by code and alias.  See vocab.h.
 */
#include "vocab/vocab.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

extern const unsigned char embedded_data_vocab_tsv[];
extern const size_t embedded_data_vocab_tsv_len;

static struct vocab_list *loaded_lists;
static int loaded_count;
static struct sanad_error load_error;
static pthread_once_t load_once = PTHREAD_ONCE_INIT;

static uint32_t hash_ci(const char *s)
{
	uint32_t h = 2166136261u;
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c >= 'A' && c <= 'Z')
			c += 32;
		h = (h ^ c) * 16777619u;
	}
	return h;
}

/* Insert key -> entry index; returns 0, or SANAD_EEXIST if the key (case-
 * insensitively) is already there. */
static int slot_insert(struct vocab_list *l, const char *key, int index)
{
	uint32_t h = hash_ci(key);
	for (int i = 0; i < l->nslots; i++) {
		int s = (int)((h + (uint32_t)i) % (uint32_t)l->nslots);
		if (l->slots[s] < 0) {
			l->slots[s] = index;
			l->slot_keys[s] = key;
			l->slot_hash[s] = h;
			return 0;
		}
		if (!ascii_strcasecmp(l->slot_keys[s], key))
			return l->slots[s] == index ? 0 : SANAD_EEXIST;
	}
	return SANAD_ELIMIT;
}

struct raw_line {
	char *fields[5];
};

static struct vocab_list *list_get(struct vocab_list **lists, int *n, size_t *alloc, const char *name)
{
	for (int i = 0; i < *n; i++)
		if (!strcmp((*lists)[i].name, name))
			return &(*lists)[i];
	ALLOC_GROW(*lists, (size_t)*n + 1, *alloc);
	memset(&(*lists)[*n], 0, sizeof(**lists));
	(*lists)[*n].name = xstrdup(name);
	return &(*lists)[(*n)++];
}

int vocab_parse(const char *text, size_t len, struct vocab_list **out_lists, int *out_n,
		struct sanad_error *err)
{
	struct vocab_list *lists = NULL;
	int n = 0;
	size_t alloc = 0;
	/* First pass: collect entries; aliases are kept for the second pass. */
	struct alias { int list; int entry; char *aliases; } *aliases = NULL;
	size_t naliases = 0, aliases_alloc = 0;
	const char *p = text, *end = text + len;
	int lineno = 0, rc = 0;

	if (!utf8_valid(text, len, NULL))
		return sanad_error_set(err, SANAD_EINVAL, "vocabulary is not valid UTF-8");

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t linelen = nl ? (size_t)(nl - p) : (size_t)(end - p);
		char *line = xstrndup(p, linelen), *f[5];
		int nf = 0;
		struct vocab_list *l;
		struct vocab_entry *e;

		lineno++;
		p += linelen + (nl ? 1 : 0);
		if (linelen && line[linelen - 1] == '\r')
			line[linelen - 1] = '\0';
		if (!line[0] || line[0] == '#') {
			free(line);
			continue;
		}
		f[0] = line;
		for (char *c = line; *c && nf < 5; c++)
			if (*c == '\t') {
				*c = '\0';
				if (++nf < 5)
					f[nf] = c + 1;
			}
		if (nf != 4) {
			free(line);
			rc = sanad_error_set(err, SANAD_EINVAL,
					     "vocabulary line %d: expected 5 tab-separated columns", lineno);
			goto fail;
		}
		if (!f[0][0] || !f[1][0] || !f[2][0] || !f[3][0]) {
			free(line);
			rc = sanad_error_set(err, SANAD_EINVAL,
					     "vocabulary line %d: list, code and both labels are required", lineno);
			goto fail;
		}
		{
			int idx = (int)(l = list_get(&lists, &n, &alloc, f[0]), l - lists);
			size_t ealloc = (size_t)l->count; /* entries grow one at a time */
			l->entries = xrealloc(l->entries, (ealloc + 1) * sizeof(*l->entries));
			e = &l->entries[l->count];
			e->code = xstrdup(f[1]);
			e->label[VOCAB_EN] = xstrdup(f[2]);
			e->label[VOCAB_AR] = xstrdup(f[3]);
			e->index = l->count++;
			ALLOC_GROW(aliases, naliases + 1, aliases_alloc);
			aliases[naliases].list = idx;
			aliases[naliases].entry = e->index;
			aliases[naliases].aliases = xstrdup(f[4]);
			naliases++;
		}
		free(line);
	}

	/* Second pass: hash tables sized for codes plus aliases at <50% load. */
	for (int i = 0; i < n; i++) {
		struct vocab_list *l = &lists[i];
		int keys = l->count;
		for (size_t a = 0; a < naliases; a++)
			if (aliases[a].list == i)
				for (char *c = aliases[a].aliases; *c; c++)
					keys += *c == ',';
		keys += l->count;
		l->nslots = keys * 2 + 7;
		l->slots = xmalloc((size_t)l->nslots * sizeof(int));
		l->slot_keys = xcalloc((size_t)l->nslots, sizeof(char *));
		l->slot_hash = xcalloc((size_t)l->nslots, sizeof(uint32_t));
		for (int s = 0; s < l->nslots; s++)
			l->slots[s] = -1;
		for (int e = 0; e < l->count; e++)
			if (slot_insert(l, l->entries[e].code, e)) {
				rc = sanad_error_set(err, SANAD_EINVAL,
						     "vocabulary list '%s': code '%s' appears twice",
						     l->name, l->entries[e].code);
				goto fail;
			}
	}
	for (size_t a = 0; a < naliases; a++) {
		struct vocab_list *l = &lists[aliases[a].list];
		char *save = NULL, *tok;
		for (tok = strtok_r(aliases[a].aliases, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
			char *alias = trim_ascii(tok);
			if (!*alias)
				continue;
			/* alias strings live as long as the lists: keep a copy
			 * in the entry-independent key table */
			alias = xstrdup(alias);
			if (slot_insert(l, alias, aliases[a].entry)) {
				rc = sanad_error_set(err, SANAD_EINVAL,
						     "vocabulary list '%s': alias '%s' clashes with another value",
						     l->name, alias);
				free(alias);
				goto fail;
			}
		}
	}
	for (size_t a = 0; a < naliases; a++)
		free(aliases[a].aliases);
	free(aliases);
	*out_lists = lists;
	*out_n = n;
	return 0;

fail:
	for (size_t a = 0; a < naliases; a++)
		free(aliases[a].aliases);
	free(aliases);
	vocab_lists_free(lists, n);
	return rc;
}

void vocab_lists_free(struct vocab_list *lists, int nlists)
{
	for (int i = 0; i < nlists; i++) {
		struct vocab_list *l = &lists[i];
		/* alias keys are separate allocations; codes belong to entries */
		for (int s = 0; s < l->nslots; s++) {
			if (l->slots[s] >= 0 && l->slot_keys[s] != l->entries[l->slots[s]].code)
				free((char *)l->slot_keys[s]);
		}
		for (int e = 0; e < l->count; e++) {
			free((char *)l->entries[e].code);
			free((char *)l->entries[e].label[0]);
			free((char *)l->entries[e].label[1]);
		}
		free(l->entries);
		free(l->slots);
		free(l->slot_keys);
		free(l->slot_hash);
		free((char *)l->name);
	}
	free(lists);
}

static void load_builtin(void)
{
	vocab_parse((const char *)embedded_data_vocab_tsv, embedded_data_vocab_tsv_len,
		    &loaded_lists, &loaded_count, &load_error);
}

int vocab_load(struct sanad_error *err)
{
	pthread_once(&load_once, load_builtin);
	if (!loaded_lists) {
		if (err)
			*err = load_error;
		return load_error.code ? load_error.code : SANAD_EINVAL;
	}
	return 0;
}

const struct vocab_list *vocab_lists(int *count)
{
	vocab_load(NULL);
	*count = loaded_count;
	return loaded_lists;
}

const struct vocab_list *vocab_list_find(const char *name)
{
	vocab_load(NULL);
	for (int i = 0; i < loaded_count; i++)
		if (!strcmp(loaded_lists[i].name, name))
			return &loaded_lists[i];
	return NULL;
}

const struct vocab_entry *vocab_lookup(const struct vocab_list *l, const char *value)
{
	uint32_t h;
	if (!l || !value || !*value)
		return NULL;
	h = hash_ci(value);
	for (int i = 0; i < l->nslots; i++) {
		int s = (int)((h + (uint32_t)i) % (uint32_t)l->nslots);
		if (l->slots[s] < 0)
			return NULL;
		if (l->slot_hash[s] == h && !ascii_strcasecmp(l->slot_keys[s], value))
			return &l->entries[l->slots[s]];
	}
	return NULL;
}

const struct vocab_entry *vocab_find(const char *list, const char *value)
{
	return vocab_lookup(vocab_list_find(list), value);
}

const char *vocab_label(const char *list, const char *code, enum vocab_lang lang)
{
	const struct vocab_entry *e = vocab_find(list, code);
	return e ? e->label[lang] : code;
}

enum vocab_lang vocab_lang_parse(const char *s)
{
	return s && s[0] == 'a' && s[1] == 'r' ? VOCAB_AR : VOCAB_EN;
}
