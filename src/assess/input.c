/*
 * assess/input.c: read and validate the input document of `sanad assess`
 * into struct assess_settings and struct assess_record (see assess.h and
 * docs/assessment.md for the format).
 *
 * Validation is strict because a silently misread record changes a
 * country's tier: unknown keys are refused (a misspelt "investigation" would
 * otherwise read as "not known" and tip criterion (b)), types are exact,
 * counts are whole and non-negative, and each country-year appears once.
 * Only country, year and finding are required; a figure that is absent
 * reads as null (not known), a boolean as false, waivers as none.  Every
 * error names the record by number (from 1), index (from 0), country and
 * year as far as they are known.
 */
#include "assess/assess.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vocab/vocab.h"

static const char *const record_keys[] = {
	"country", "year", "finding", "justification", "victims", "investigations",
	"prosecutions", "convictions", "victims_assisted", "complicity_cases",
	"efforts_rest_on_commitments", "waivers", "compliant_before_sanctions",
	"prescribed_penalty_years", "sentences_one_year_or_more", "suspended_sentences", NULL
};

static const char *const setting_keys[] = {
	"victims_very_significant", "victims_increase_ratio", "watch_list_waiver_limit", NULL
};

/* Input key of each enum assess_effort figure. */
static const char *const effort_keys[ASSESS_EFFORT_COUNT] = {
	"investigations", "prosecutions", "convictions", "victims_assisted", "complicity_cases"
};

/* The longest justification accepted: a narrative belongs in the country
 * report, and the bound keeps one record from swamping the output. */
#define JUSTIFICATION_MAX 10000

static const char *json_kind(const json_t *v)
{
	switch (json_typeof(v)) {
	case JSON_OBJECT: return "an object";
	case JSON_ARRAY: return "an array";
	case JSON_STRING: return "a string";
	case JSON_INTEGER: return "a whole number";
	case JSON_REAL: return "a number with a decimal point or exponent";
	case JSON_TRUE: return "true";
	case JSON_FALSE: return "false";
	case JSON_NULL: return "null";
	}
	return "a value";
}

static int key_known(const char *key, const char *const *keys)
{
	for (int i = 0; keys[i]; i++)
		if (!strcmp(keys[i], key))
			return 1;
	return 0;
}

/* A key echoed in an error message: printable ASCII only, cut short, so
 * that hostile input cannot write control characters to a terminal. */
static void printable(char *out, size_t n, const char *s)
{
	size_t k = 0;
	for (; *s && k + 4 < n; s++)
		out[k++] = (*s >= 0x20 && *s < 0x7f) ? *s : '?';
	if (*s && k + 3 < n) {
		memcpy(out + k, "...", 3);
		k += 3;
	}
	out[k] = '\0';
}

static int unknown_key_error(const char *where, const char *key, const char *const *keys,
			     struct sanad_error *err)
{
	struct strbuf sb = STRBUF_INIT;
	char shown[64];
	printable(shown, sizeof(shown), key);
	for (int i = 0; keys[i]; i++)
		strbuf_addf(&sb, "%s%s", i ? ", " : "", keys[i]);
	sanad_error_set(err, SANAD_EINVAL, "unknown %s '%s' (known: %s)", where, shown, strbuf_str(&sb));
	strbuf_release(&sb);
	return SANAD_EINVAL;
}

/* "record 3 (index 2, JO 2011)": as much of the identity as the raw record
 * shows, for error messages. */
static void record_label(char *out, size_t n, int index, const json_t *rec)
{
	const json_t *c = json_is_object(rec) ? json_object_get(rec, "country") : NULL;
	const json_t *y = json_is_object(rec) ? json_object_get(rec, "year") : NULL;
	char country[16] = "";
	char year[32] = "";
	if (json_is_string(c))
		printable(country, sizeof(country), json_string_value(c));
	if (json_is_integer(y))
		snprintf(year, sizeof(year), "%lld", (long long)json_integer_value(y));
	if (country[0] || year[0])
		snprintf(out, n, "record %d (index %d, %s%s%s)", index + 1, index, country,
			 country[0] && year[0] ? " " : "", year);
	else
		snprintf(out, n, "record %d (index %d)", index + 1, index);
}

/* A count: a whole number in [0, ASSESS_COUNT_MAX], or null/absent for
 * ASSESS_UNKNOWN. */
static int read_count(const json_t *rec, const char *key, int64_t *out, struct sanad_error *err)
{
	const json_t *v = json_object_get(rec, key);
	json_int_t n;
	*out = ASSESS_UNKNOWN;
	if (!v || json_is_null(v))
		return 0;
	if (!json_is_integer(v))
		return sanad_error_set(err, SANAD_EINVAL,
				       "field '%s' must be a whole number or null, not %s", key,
				       json_kind(v));
	n = json_integer_value(v);
	if (n < 0)
		return sanad_error_set(err, SANAD_EINVAL, "field '%s' must not be negative (got %lld)",
				       key, (long long)n);
	if (n > ASSESS_COUNT_MAX)
		return sanad_error_set(err, SANAD_EINVAL, "field '%s' is %lld, above the limit %lld",
				       key, (long long)n, (long long)ASSESS_COUNT_MAX);
	*out = n;
	return 0;
}

/* A boolean; null or absent reads as false. */
static int read_bool(const json_t *rec, const char *key, int *out, struct sanad_error *err)
{
	const json_t *v = json_object_get(rec, key);
	*out = 0;
	if (!v || json_is_null(v))
		return 0;
	if (!json_is_boolean(v))
		return sanad_error_set(err, SANAD_EINVAL, "field '%s' must be true or false, not %s",
				       key, json_kind(v));
	*out = json_is_true(v);
	return 0;
}

static int read_country(const json_t *rec, char out[3], struct sanad_error *err)
{
	const json_t *v = json_object_get(rec, "country");
	const struct vocab_entry *e;
	const char *s;
	char shown[64];
	if (!v)
		return sanad_error_set(err, SANAD_EINVAL, "missing field 'country' (ISO 3166 alpha-2 code)");
	if (!json_is_string(v))
		return sanad_error_set(err, SANAD_EINVAL,
				       "field 'country' must be an ISO 3166 alpha-2 code, not %s", json_kind(v));
	s = json_string_value(v);
	printable(shown, sizeof(shown), s);
	e = vocab_find("country", s);
	if (!e)
		return sanad_error_set(err, SANAD_EINVAL,
				       "unknown country '%s': use the ISO 3166 alpha-2 code, e.g. JO", shown);
	/* The alpha-2 code exactly, so that one country has one spelling and
	 * the previous-year lookup cannot miss a record written "jo" or "JOR". */
	if (strcmp(e->code, s) || strlen(e->code) != 2)
		return sanad_error_set(err, SANAD_EINVAL,
				       "country '%s' must be written as its ISO 3166 alpha-2 code '%s'", shown,
				       e->code);
	memcpy(out, e->code, 3);
	return 0;
}

static int read_year(const json_t *rec, int *out, struct sanad_error *err)
{
	const json_t *v = json_object_get(rec, "year");
	json_int_t y;
	if (!v)
		return sanad_error_set(err, SANAD_EINVAL, "missing field 'year' (report year)");
	if (!json_is_integer(v))
		return sanad_error_set(err, SANAD_EINVAL, "field 'year' must be a whole number, not %s",
				       json_kind(v));
	y = json_integer_value(v);
	if (y < ASSESS_YEAR_MIN || y > ASSESS_YEAR_MAX)
		return sanad_error_set(err, SANAD_EINVAL, "year %lld is outside %d..%d", (long long)y,
				       ASSESS_YEAR_MIN, ASSESS_YEAR_MAX);
	*out = (int)y;
	return 0;
}

static int read_finding(const json_t *rec, enum assess_finding *out, struct sanad_error *err)
{
	static const enum assess_finding all[] = { ASSESS_FULL, ASSESS_SIGNIFICANT_EFFORTS,
						   ASSESS_NO_SIGNIFICANT_EFFORTS };
	const json_t *v = json_object_get(rec, "finding");
	char shown[64];
	if (!v)
		return sanad_error_set(err, SANAD_EINVAL,
				       "missing field 'finding' (full, significant_efforts or no_significant_efforts)");
	if (!json_is_string(v))
		return sanad_error_set(err, SANAD_EINVAL, "field 'finding' must be a string, not %s",
				       json_kind(v));
	for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++)
		if (!strcmp(json_string_value(v), assess_finding_name(all[i]))) {
			*out = all[i];
			return 0;
		}
	printable(shown, sizeof(shown), json_string_value(v));
	return sanad_error_set(err, SANAD_EINVAL,
			       "unknown finding '%s' (use full, significant_efforts or no_significant_efforts)",
			       shown);
}

static int read_justification(const json_t *rec, char **out, struct sanad_error *err)
{
	const json_t *v = json_object_get(rec, "justification");
	*out = NULL;
	if (!v || json_is_null(v))
		return 0;
	if (!json_is_string(v))
		return sanad_error_set(err, SANAD_EINVAL, "field 'justification' must be a string, not %s",
				       json_kind(v));
	if (utf8_length(json_string_value(v), json_string_length(v)) > JUSTIFICATION_MAX)
		return sanad_error_set(err, SANAD_EINVAL,
				       "field 'justification' is longer than %d characters", JUSTIFICATION_MAX);
	if (strlen(json_string_value(v)) != json_string_length(v))
		return sanad_error_set(err, SANAD_EINVAL, "field 'justification' contains a NUL character");
	*out = xstrdup(json_string_value(v));
	return 0;
}

/* "watch_list", "sanctions" (all of them) or "sanctions:<code>" (one). */
static int read_waivers(const json_t *rec, struct assess_record *r, struct sanad_error *err)
{
	const json_t *v = json_object_get(rec, "waivers");
	size_t i;
	const json_t *w;
	if (!v || json_is_null(v))
		return 0;
	if (!json_is_array(v))
		return sanad_error_set(err, SANAD_EINVAL, "field 'waivers' must be an array, not %s",
				       json_kind(v));
	json_array_foreach(v, i, w) {
		const char *s;
		char shown[64];
		int matched = 0;
		if (!json_is_string(w))
			return sanad_error_set(err, SANAD_EINVAL,
					       "waivers[%zu] must be a string, not %s", i, json_kind(w));
		s = json_string_value(w);
		printable(shown, sizeof(shown), s);
		for (size_t k = 0; k < i; k++)
			if (json_equal(json_array_get(v, k), (json_t *)w))
				return sanad_error_set(err, SANAD_EINVAL,
						       "waiver '%s' is listed twice in 'waivers'", shown);
		if (!strcmp(s, "watch_list")) {
			r->waive_watch_list = 1;
			matched = 1;
		} else if (!strcmp(s, "sanctions")) {
			r->waived_sanctions = ASSESS_ALL_SANCTIONS;
			matched = 1;
		} else if (!strncmp(s, "sanctions:", 10)) {
			for (int k = 0; k < ASSESS_SANCTION_COUNT; k++)
				if (!strcmp(s + 10, assess_sanction_code((enum assess_sanction)k))) {
					r->waived_sanctions |= 1u << k;
					matched = 1;
				}
		}
		if (!matched) {
			struct strbuf known = STRBUF_INIT;
			strbuf_addstr(&known, "watch_list, sanctions");
			for (int k = 0; k < ASSESS_SANCTION_COUNT; k++)
				strbuf_addf(&known, ", sanctions:%s",
					    assess_sanction_code((enum assess_sanction)k));
			sanad_error_set(err, SANAD_EINVAL, "unknown waiver '%s' (known: %s)", shown,
					strbuf_str(&known));
			strbuf_release(&known);
			return SANAD_EINVAL;
		}
	}
	return 0;
}

static int read_sentencing(const json_t *rec, struct assess_record *r, struct sanad_error *err)
{
	const json_t *v = json_object_get(rec, "prescribed_penalty_years");
	int rc;
	r->prescribed_penalty_years = -1;
	if (v && !json_is_null(v)) {
		double years;
		if (!json_is_number(v))
			return sanad_error_set(err, SANAD_EINVAL,
					       "field 'prescribed_penalty_years' must be a number or null, not %s",
					       json_kind(v));
		years = json_number_value(v);
		/* Life imprisonment is written as any number of years >= 4;
		 * the upper bound only catches typing errors. */
		if (!(years >= 0 && years <= 1000))
			return sanad_error_set(err, SANAD_EINVAL,
					       "field 'prescribed_penalty_years' must be between 0 and 1000 (got %g)",
					       years);
		r->prescribed_penalty_years = years;
	}
	if ((rc = read_count(rec, "sentences_one_year_or_more", &r->sentences_one_year_or_more, err)))
		return rc;
	if ((rc = read_count(rec, "suspended_sentences", &r->suspended_sentences, err)))
		return rc;
	if (r->efforts[ASSESS_CONVICTIONS] != ASSESS_UNKNOWN) {
		int64_t conv = r->efforts[ASSESS_CONVICTIONS];
		if (r->sentences_one_year_or_more > conv)
			return sanad_error_set(err, SANAD_EINVAL,
					       "sentences_one_year_or_more (%lld) exceeds convictions (%lld)",
					       (long long)r->sentences_one_year_or_more, (long long)conv);
		if (r->suspended_sentences > conv)
			return sanad_error_set(err, SANAD_EINVAL,
					       "suspended_sentences (%lld) exceeds convictions (%lld)",
					       (long long)r->suspended_sentences, (long long)conv);
	}
	return 0;
}

static int read_record(const json_t *rec, struct assess_record *r, struct sanad_error *err)
{
	const char *key;
	json_t *value;
	int rc;

	memset(r, 0, sizeof(*r));
	if (!json_is_object(rec))
		return sanad_error_set(err, SANAD_EINVAL, "a record must be a JSON object, not %s",
				       json_kind(rec));
	json_object_foreach((json_t *)rec, key, value) {
		(void)value;
		if (!key_known(key, record_keys))
			return unknown_key_error("field", key, record_keys, err);
	}
	if ((rc = read_country(rec, r->country, err)) || (rc = read_year(rec, &r->year, err)) ||
	    (rc = read_finding(rec, &r->finding, err)) ||
	    (rc = read_count(rec, "victims", &r->victims, err)))
		return rc;
	for (int i = 0; i < ASSESS_EFFORT_COUNT; i++)
		if ((rc = read_count(rec, effort_keys[i], &r->efforts[i], err)))
			return rc;
	if ((rc = read_bool(rec, "efforts_rest_on_commitments", &r->efforts_rest_on_commitments, err)) ||
	    (rc = read_bool(rec, "compliant_before_sanctions", &r->compliant_before_sanctions, err)) ||
	    (rc = read_waivers(rec, r, err)) || (rc = read_sentencing(rec, r, err)))
		return rc;
	/* Last, so that no earlier failure leaves it allocated. */
	return read_justification(rec, &r->justification, err);
}

static int read_settings(const json_t *v, struct assess_settings *s, struct sanad_error *err)
{
	const char *key;
	json_t *value;
	const json_t *x;

	if (!v || json_is_null(v))
		return 0;
	if (!json_is_object(v))
		return sanad_error_set(err, SANAD_EINVAL, "settings: must be an object, not %s",
				       json_kind(v));
	json_object_foreach((json_t *)v, key, value) {
		(void)value;
		if (!key_known(key, setting_keys)) {
			unknown_key_error("setting", key, setting_keys, err);
			return sanad_error_prefix(err, "settings: ");
		}
	}
	x = json_object_get(v, "victims_very_significant");
	if (x && !json_is_null(x)) {
		if (!json_is_integer(x) || json_integer_value(x) < 1 ||
		    json_integer_value(x) > ASSESS_COUNT_MAX)
			return sanad_error_set(err, SANAD_EINVAL,
					       "settings: victims_very_significant must be a whole number of victims, at least 1");
		s->victims_very_significant = json_integer_value(x);
	}
	x = json_object_get(v, "victims_increase_ratio");
	if (x && !json_is_null(x)) {
		double ratio = json_is_number(x) ? json_number_value(x) : NAN;
		/* A ratio below 1 would call a fall an increase; the usual
		 * slip is writing 0.5 for "50% more", which is 1.5. */
		if (!json_is_number(x) || !(ratio >= 1) || !isfinite(ratio) || ratio > 1e6)
			return sanad_error_set(err, SANAD_EINVAL,
					       "settings: victims_increase_ratio must be a number of at least 1 "
					       "(this year's victims as a multiple of last year's: 1.5 means 50%% more)");
		s->victims_increase_ratio = ratio;
	}
	x = json_object_get(v, "watch_list_waiver_limit");
	if (x && !json_is_null(x)) {
		if (!json_is_integer(x) || json_integer_value(x) < 0 || json_integer_value(x) > 100)
			return sanad_error_set(err, SANAD_EINVAL,
					       "settings: watch_list_waiver_limit must be a whole number of years from 0 to 100");
		s->watch_list_waiver_limit = (int)json_integer_value(x);
	}
	return 0;
}

struct sort_key {
	const struct assess_record *r;
	int index;
};

static int sort_key_cmp(const void *a, const void *b)
{
	const struct sort_key *x = a, *y = b;
	int c = strcmp(x->r->country, y->r->country);
	if (c)
		return c;
	if (x->r->year != y->r->year)
		return x->r->year < y->r->year ? -1 : 1;
	return x->index - y->index;
}

static int check_duplicates(const struct assess_record *records, int n, struct sanad_error *err)
{
	struct sort_key *keys = xcalloc((size_t)n + 1, sizeof(*keys));
	int rc = 0;
	for (int i = 0; i < n; i++)
		keys[i] = (struct sort_key){ &records[i], i };
	qsort(keys, (size_t)n, sizeof(*keys), sort_key_cmp);
	for (int i = 1; i < n && !rc; i++)
		if (!strcmp(keys[i].r->country, keys[i - 1].r->country) &&
		    keys[i].r->year == keys[i - 1].r->year)
			rc = sanad_error_set(err, SANAD_EINVAL,
					     "record %d (index %d, %s %d): duplicate country-year: record %d (index %d) is also %s %d",
					     keys[i].index + 1, keys[i].index, keys[i].r->country, keys[i].r->year,
					     keys[i - 1].index + 1, keys[i - 1].index, keys[i].r->country,
					     keys[i].r->year);
	free(keys);
	return rc;
}

int assess_parse(json_t *input, struct assess_settings *settings, struct assess_record **records,
		 int *nrecords, struct sanad_error *err)
{
	const json_t *list = input;
	struct assess_record *out;
	size_t n;
	int rc;

	*records = NULL;
	*nrecords = 0;
	memset(settings, 0, sizeof(*settings));
	settings->watch_list_waiver_limit = -1;

	if (json_is_object(input)) {
		const char *key;
		json_t *value;
		json_object_foreach(input, key, value) {
			static const char *const top_keys[] = { "settings", "records", NULL };
			(void)value;
			if (!key_known(key, top_keys))
				return unknown_key_error("top-level key", key, top_keys, err);
		}
		if ((rc = read_settings(json_object_get(input, "settings"), settings, err)))
			return rc;
		list = json_object_get(input, "records");
		if (!list)
			return sanad_error_set(err, SANAD_EINVAL,
					       "the input object has no 'records' array");
	}
	if (!json_is_array(list))
		return sanad_error_set(err, SANAD_EINVAL,
				       "the input must be an array of records or an object "
				       "{\"settings\": {...}, \"records\": [...]}, not %s",
				       list ? json_kind(list) : "nothing");
	n = json_array_size(list);
	if (n > 1000000)
		return sanad_error_set(err, SANAD_ELIMIT, "%zu records is more than the limit of 1000000", n);
	out = xcalloc(n + 1, sizeof(*out));
	for (size_t i = 0; i < n; i++) {
		const json_t *rec = json_array_get(list, i);
		if ((rc = read_record(rec, &out[i], err))) {
			char label[128];
			record_label(label, sizeof(label), (int)i, rec);
			sanad_error_prefix(err, "%s: ", label);
			assess_records_free(out, (int)i);
			return rc;
		}
	}
	if ((rc = check_duplicates(out, (int)n, err))) {
		assess_records_free(out, (int)n);
		return rc;
	}
	*records = out;
	*nrecords = (int)n;
	return 0;
}

void assess_records_free(struct assess_record *records, int nrecords)
{
	if (!records)
		return;
	for (int i = 0; i < nrecords; i++)
		free(records[i].justification);
	free(records);
}
