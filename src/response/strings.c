/*
 * response/strings.c: the report's fixed texts in English and Arabic, read
 * from data/report-strings.tsv (compiled into the binary), so that every
 * translation lives in one file a translator can review.
 *
 * Format: "key<TAB>english<TAB>arabic" per line; '#' starts a comment line;
 * blank lines are ignored.  Slots are written {name}.  The strings are
 * parsed once and never change afterwards, so lookups need no lock.
 */
#include "response/response.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

extern const unsigned char embedded_data_report_strings_tsv[];
extern const size_t embedded_data_report_strings_tsv_len;

struct text_entry {
	char *key;
	char *text[2];
};

static struct text_entry *entries;
static const char **keys;
static int nentries;
static struct sanad_error load_error;
static pthread_once_t load_once = PTHREAD_ONCE_INIT;

static int entry_cmp(const void *a, const void *b)
{
	return strcmp(((const struct text_entry *)a)->key, ((const struct text_entry *)b)->key);
}

static int parse(const char *text, size_t len, struct sanad_error *err)
{
	size_t alloc = 0, pos = 0;
	int line = 0;

	if (!utf8_valid(text, len, NULL))
		return sanad_error_set(err, SANAD_EINVAL, "data/report-strings.tsv is not valid UTF-8");
	while (pos < len) {
		const char *start = text + pos, *end = memchr(start, '\n', len - pos);
		size_t n = end ? (size_t)(end - start) : len - pos;
		char *copy, *tab1, *tab2;
		line++;
		pos += n + 1;
		if (n == 0 || start[0] == '#')
			continue;
		copy = xstrndup(start, n);
		tab1 = strchr(copy, '\t');
		tab2 = tab1 ? strchr(tab1 + 1, '\t') : NULL;
		if (!tab1 || !tab2 || strchr(tab2 + 1, '\t') || tab1 == copy || !tab2[1] || tab2 == tab1 + 1) {
			free(copy);
			return sanad_error_set(err, SANAD_EINVAL,
					       "data/report-strings.tsv line %d: expected key, English and Arabic "
					       "separated by tabs",
					       line);
		}
		*tab1 = *tab2 = '\0';
		ALLOC_GROW(entries, (size_t)nentries + 1, alloc);
		entries[nentries].key = xstrdup(copy);
		entries[nentries].text[VOCAB_EN] = xstrdup(tab1 + 1);
		entries[nentries].text[VOCAB_AR] = xstrdup(tab2 + 1);
		nentries++;
		free(copy);
	}
	qsort(entries, (size_t)nentries, sizeof(*entries), entry_cmp);
	for (int i = 1; i < nentries; i++)
		if (!strcmp(entries[i - 1].key, entries[i].key))
			return sanad_error_set(err, SANAD_EINVAL, "data/report-strings.tsv: key '%s' appears twice",
					       entries[i].key);
	keys = xcalloc((size_t)nentries + 1, sizeof(*keys));
	for (int i = 0; i < nentries; i++)
		keys[i] = entries[i].key;
	return 0;
}

static void load_builtin(void)
{
	if (parse((const char *)embedded_data_report_strings_tsv, embedded_data_report_strings_tsv_len,
		  &load_error)) {
		/* keep nothing half-loaded: lookups then find no key */
		for (int i = 0; i < nentries; i++) {
			free(entries[i].key);
			free(entries[i].text[0]);
			free(entries[i].text[1]);
		}
		free(entries);
		free(keys);
		entries = NULL;
		keys = NULL;
		nentries = 0;
	}
}

int response_strings_load(struct sanad_error *err)
{
	pthread_once(&load_once, load_builtin);
	if (load_error.code) {
		if (err)
			*err = load_error;
		return load_error.code;
	}
	return 0;
}

const char *response_string(const char *key, enum vocab_lang lang)
{
	struct text_entry probe, *hit;
	response_strings_load(NULL);
	probe.key = (char *)key;
	hit = nentries ? bsearch(&probe, entries, (size_t)nentries, sizeof(*entries), entry_cmp) : NULL;
	return hit ? hit->text[lang == VOCAB_AR ? VOCAB_AR : VOCAB_EN] : NULL;
}

const char *const *response_string_keys(int *count)
{
	response_strings_load(NULL);
	*count = nentries;
	return keys;
}

void response_format(struct strbuf *out, const char *key, enum vocab_lang lang, const char *const *pairs)
{
	const char *t = response_string(key, lang);
	if (!t) {
		strbuf_addf(out, "[%s]", key);
		return;
	}
	while (*t) {
		const char *open = strchr(t, '{'), *close;
		int found = 0;
		if (!open) {
			strbuf_addstr(out, t);
			break;
		}
		strbuf_add(out, t, (size_t)(open - t));
		close = strchr(open, '}');
		if (!close) {
			strbuf_addstr(out, open);
			break;
		}
		for (int i = 0; pairs && pairs[i] && pairs[i + 1]; i += 2) {
			if (strlen(pairs[i]) == (size_t)(close - open - 1) &&
			    !strncmp(pairs[i], open + 1, (size_t)(close - open - 1))) {
				strbuf_addstr(out, pairs[i + 1]);
				found = 1;
				break;
			}
		}
		if (!found) /* an unfilled slot stays visible */
			strbuf_add(out, open, (size_t)(close - open + 1));
		t = close + 1;
	}
}
