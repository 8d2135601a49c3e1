/*
 * response/records.c: the record JSON of the national response — reading
 * and validating it (import, add), writing it (export) — and deleting
 * records.  The format is documented in docs/assessment.md ("Records of the
 * response") and in `sanad response --help`.
 *
 * Validation is strict in the way the assess input is: unknown keys are
 * refused (a misspelt "prosecutons" would otherwise read as "no
 * prosecutions"), vocabulary values are looked up by code or alias and
 * stored canonical, and every message names the record, the item and the
 * field.
 */
#include "response/response_internal.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SETTINGS_META_KEY "response_settings"

const struct fact_kind response_fact_kinds[] = {
	{ "victims_identified", "protection", 1, 0 },
	{ "victims_assisted", "protection", 1, 0 },
	{ "proactive_identification", "protection", 0, 1 },
	{ "shelter_care_funded", "protection", 0, 1 },
	{ "immigration_detention", "protection", 1, 1 },
	{ "legal_aid", "protection", 0, 1 },
	{ "victim_language_information", "protection", 0, 1 },
	{ "safe_repatriation", "protection", 0, 1 },
	{ "demand_reduction", "prevention", 0, 1 },
	{ "supply_chain", "prevention", 0, 1 },
	{ "child_sex_tourism", "prevention", 0, 1 },
	{ "national_action_plan", "prevention", 0, 1 },
};
const int response_fact_kind_count = (int)(sizeof(response_fact_kinds) / sizeof(response_fact_kinds[0]));
/* struct response_figures keeps per-kind arrays of 32 */
_Static_assert(sizeof(response_fact_kinds) / sizeof(response_fact_kinds[0]) <= 32, "too many fact kinds");

int response_fact_kind_find(const char *code)
{
	for (int i = 0; i < response_fact_kind_count; i++)
		if (!strcmp(response_fact_kinds[i].code, code))
			return i;
	return -1;
}

int response_action_counts(const char *action)
{
	return action && !strcmp(action, "concrete_action");
}

void response_number(char out[32], double v)
{
	if (v == floor(v) && fabs(v) < 1e15)
		snprintf(out, 32, "%.0f", v);
	else {
		char *p;
		snprintf(out, 32, "%.2f", v);
		p = out + strlen(out) - 1;
		while (*p == '0')
			*p-- = '\0';
		if (*p == '.')
			*p = '\0';
	}
}

void response_period(int year, char from[11], char to[11])
{
	/* report years are 2001..2100; the modulo only keeps the format bounded */
	snprintf(from, 11, "%04u-04-01", (unsigned)(year - 1) % 10000u);
	snprintf(to, 11, "%04u-03-31", (unsigned)year % 10000u);
}

int response_country(const char *value, char code[3], struct sanad_error *err)
{
	const struct vocab_entry *e;
	if (!value || !*value)
		return sanad_error_set(err, SANAD_EINVAL, "a country (ISO 3166 alpha-2 code) is required");
	e = vocab_find("country", value);
	if (!e)
		return sanad_error_set(err, SANAD_EINVAL, "unknown country '%.40s' (give an ISO 3166 alpha-2 code, e.g. JO)",
				       value);
	if (strcmp(e->code, value))
		return sanad_error_set(err, SANAD_EINVAL, "country '%.40s': write the ISO 3166 alpha-2 code \"%s\" (%s)",
				       value, e->code, e->label[VOCAB_EN]);
	snprintf(code, 3, "%s", e->code);
	return 0;
}

void response_recommendation_ref(const struct response_recommendation *r, char ref[24])
{
	snprintf(ref, 24, "%s-%d-%d", r->country, r->year, r->number);
}

int response_ref_parse(const char *ref, char country[3], int *year, int *number, struct sanad_error *err)
{
	char cc[3] = { 0 };
	int64_t y, n;
	const char *dash1, *dash2;
	char buf[16];
	if (!ref || strlen(ref) > 20)
		goto bad;
	dash1 = strchr(ref, '-');
	dash2 = dash1 ? strchr(dash1 + 1, '-') : NULL;
	if (!dash1 || !dash2 || dash1 - ref != 2)
		goto bad;
	memcpy(cc, ref, 2);
	snprintf(buf, sizeof(buf), "%.*s", (int)(dash2 - dash1 - 1), dash1 + 1);
	if (parse_int64(buf, ASSESS_YEAR_MIN, ASSESS_YEAR_MAX, &y) || parse_int64(dash2 + 1, 1, 100000, &n))
		goto bad;
	if (response_country(cc, country, err))
		return sanad_error_prefix(err, "recommendation '%s': ", ref);
	*year = (int)y;
	*number = (int)n;
	return 0;
bad:
	return sanad_error_set(err, SANAD_EINVAL,
			       "'%.40s' is not a recommendation reference (write COUNTRY-YEAR-NUMBER, e.g. JO-2011-2)",
			       ref ? ref : "");
}

/* ---- reading ---- */

/* Where the reader is, for messages: "record 3 (JO 2010), justice item 2". */
struct reader {
	struct sanad_error *err;
	char where[160];
};

static void set_where(struct reader *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void set_where(struct reader *r, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(r->where, sizeof(r->where), fmt, ap);
	va_end(ap);
}

static int fail(struct reader *r, const char *field, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int fail(struct reader *r, const char *field, const char *fmt, ...)
{
	char msg[768];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (field)
		return sanad_error_set(r->err, SANAD_EINVAL, "%s: field '%s': %s", r->where, field, msg);
	return sanad_error_set(r->err, SANAD_EINVAL, "%s: %s", r->where, msg);
}

/* Refuse keys that are not in allowed (NULL-terminated). */
static int only_keys(struct reader *r, json_t *obj, const char *const *allowed)
{
	const char *key;
	json_t *v;
	json_object_foreach(obj, key, v) {
		int ok = 0;
		(void)v;
		for (int i = 0; allowed[i]; i++)
			ok = ok || !strcmp(allowed[i], key);
		if (!ok) {
			struct strbuf sb = STRBUF_INIT;
			int rc;
			for (int i = 0; allowed[i]; i++)
				strbuf_addf(&sb, "%s%s", i ? ", " : "", allowed[i]);
			rc = fail(r, NULL, "unknown field '%.60s' (expected: %s)", key, strbuf_str(&sb));
			strbuf_release(&sb);
			return rc;
		}
	}
	return 0;
}

/* Optional text: absent, null or "" gives NULL. */
static int get_text(struct reader *r, json_t *obj, const char *key, int required, char **out)
{
	json_t *v = json_object_get(obj, key);
	*out = NULL;
	if (!v || json_is_null(v) || (json_is_string(v) && !json_string_length(v))) {
		if (required)
			return fail(r, key, "is required");
		return 0;
	}
	if (!json_is_string(v))
		return fail(r, key, "must be text");
	if (json_string_length(v) > RESPONSE_TEXT_MAX)
		return fail(r, key, "is longer than %d bytes", RESPONSE_TEXT_MAX);
	if (memchr(json_string_value(v), '\0', json_string_length(v)))
		return fail(r, key, "contains a NUL character");
	*out = xstrdup(json_string_value(v));
	return 0;
}

/* A vocabulary value (code or alias), stored canonical. */
static int get_code(struct reader *r, json_t *obj, const char *key, const char *list, int required, char **out)
{
	char *raw;
	const struct vocab_entry *e;
	int rc;
	*out = NULL;
	if ((rc = get_text(r, obj, key, required, &raw)) || !raw)
		return rc;
	e = vocab_find(list, raw);
	if (!e) {
		rc = fail(r, key, "unknown value '%.60s' (see 'sanad vocab %s')", raw, list);
		free(raw);
		return rc;
	}
	free(raw);
	*out = xstrdup(e->code);
	return 0;
}

/* Integer in [min, max]; absent or null gives -1 (or an error if required). */
static int get_int(struct reader *r, json_t *obj, const char *key, int required, int64_t min, int64_t max,
		   int64_t *out)
{
	json_t *v = json_object_get(obj, key);
	*out = -1;
	if (!v || json_is_null(v)) {
		if (required)
			return fail(r, key, "is required");
		return 0;
	}
	if (!json_is_integer(v))
		return fail(r, key, "must be a whole number");
	if (json_integer_value(v) < min || json_integer_value(v) > max)
		return fail(r, key, "%lld is outside %lld..%lld", (long long)json_integer_value(v), (long long)min,
			    (long long)max);
	*out = json_integer_value(v);
	return 0;
}

/* Boolean: absent or null gives dflt. */
static int get_bool(struct reader *r, json_t *obj, const char *key, int dflt, int *out)
{
	json_t *v = json_object_get(obj, key);
	*out = dflt;
	if (!v || json_is_null(v))
		return 0;
	if (!json_is_boolean(v))
		return fail(r, key, "must be true or false");
	*out = json_is_true(v);
	return 0;
}

static int get_date(struct reader *r, json_t *obj, const char *key, int required, char **out)
{
	struct sanad_date d;
	struct sanad_error derr = { 0 };
	char buf[11];
	char *raw;
	int rc;
	*out = NULL;
	if ((rc = get_text(r, obj, key, required, &raw)) || !raw)
		return rc;
	if (strlen(raw) != 10 || date_parse(raw, &d, &derr)) {
		rc = fail(r, key, "'%.40s' is not a date YYYY-MM-DD", raw);
		free(raw);
		return rc;
	}
	free(raw);
	date_format(&d, buf);
	*out = xstrdup(buf);
	return 0;
}

static int get_array(struct reader *r, json_t *obj, const char *key, json_t **out)
{
	json_t *v = json_object_get(obj, key);
	*out = NULL;
	if (!v || json_is_null(v))
		return 0;
	if (!json_is_array(v))
		return fail(r, key, "must be an array");
	*out = v;
	return 0;
}

/* The source and date every fact carries, and its action kind. */
static int get_provenance(struct reader *r, json_t *obj, char **action, char **source, char **date, char **ref)
{
	int rc;
	if ((rc = get_code(r, obj, "action", "action_kind", 0, action)))
		return rc;
	if (!*action)
		*action = xstrdup("concrete_action");
	if ((rc = get_code(r, obj, "source", "fact_source", 1, source)))
		return rc;
	if ((rc = get_date(r, obj, "source_date", 1, date)))
		return rc;
	return get_text(r, obj, "source_ref", 0, ref);
}

static int read_finding(struct reader *r, json_t *obj, struct response_finding *f)
{
	static const char *const keys[] = { "finding", "justification", "justification_ar", "scope", "scope_ar",
					    "efforts_rest_on_commitments", "waivers", "compliant_before_sanctions",
					    "victims_from_register", NULL };
	char *finding;
	json_t *waivers;
	int rc, ok = 0;

	if (!json_is_object(obj))
		return fail(r, "finding", "must be an object");
	if ((rc = only_keys(r, obj, keys)) || (rc = get_text(r, obj, "finding", 1, &finding)))
		return rc;
	for (int k = ASSESS_FULL; k <= ASSESS_NO_SIGNIFICANT_EFFORTS; k++)
		ok = ok || !strcmp(finding, assess_finding_name((enum assess_finding)k));
	if (!ok) {
		rc = fail(r, "finding", "unknown finding '%.40s' (expected full, significant_efforts or "
					"no_significant_efforts)", finding);
		free(finding);
		return rc;
	}
	f->finding = finding;
	if ((rc = get_text(r, obj, "justification", 0, &f->justification)) ||
	    (rc = get_text(r, obj, "justification_ar", 0, &f->justification_ar)) ||
	    (rc = get_text(r, obj, "scope", 0, &f->scope)) || (rc = get_text(r, obj, "scope_ar", 0, &f->scope_ar)) ||
	    (rc = get_bool(r, obj, "efforts_rest_on_commitments", 0, &f->efforts_rest_on_commitments)) ||
	    (rc = get_bool(r, obj, "compliant_before_sanctions", 0, &f->compliant_before_sanctions)) ||
	    (rc = get_bool(r, obj, "victims_from_register", 0, &f->victims_from_register)) ||
	    (rc = get_array(r, obj, "waivers", &waivers)))
		return rc;
	if (waivers && json_array_size(waivers)) {
		struct strbuf sb = STRBUF_INIT;
		size_t i;
		json_t *w;
		json_array_foreach(waivers, i, w) {
			const char *s = json_is_string(w) ? json_string_value(w) : NULL;
			int valid = s && (!strcmp(s, "watch_list") || !strcmp(s, "sanctions"));
			for (int k = 0; s && !valid && k < ASSESS_SANCTION_COUNT; k++)
				valid = !strncmp(s, "sanctions:", 10) &&
					!strcmp(s + 10, assess_sanction_code((enum assess_sanction)k));
			if (!valid) {
				strbuf_release(&sb);
				return fail(r, "waivers", "item %zu is not \"watch_list\", \"sanctions\" or \"sanctions:CODE\" "
							  "(see 'sanad assess --help')", i + 1);
			}
			for (const char *p = strbuf_str(&sb); *p;) {
				size_t n = strcspn(p, ";");
				if (n == strlen(s) && !strncmp(p, s, n)) {
					strbuf_release(&sb);
					return fail(r, "waivers", "'%s' is listed twice", s);
				}
				p += n + (p[n] == ';');
			}
			strbuf_addf(&sb, "%s%s", sb.len ? ";" : "", s);
		}
		f->waivers = strbuf_detach(&sb);
	}
	return 0;
}

static int read_justice(struct reader *r, json_t *obj, struct response_justice *j)
{
	static const char *const keys[] = { "stage", "count", "law", "exploitation", "sentence_months", "suspended",
					    "official_involved", "action", "source", "source_date", "source_ref",
					    "note", NULL };
	json_t *susp;
	int rc;
	if (!json_is_object(obj))
		return fail(r, NULL, "must be an object");
	if ((rc = only_keys(r, obj, keys)) || (rc = get_code(r, obj, "stage", "justice_stage", 1, &j->stage)) ||
	    (rc = get_int(r, obj, "count", 0, 0, ASSESS_COUNT_MAX, &j->count)) ||
	    (rc = get_text(r, obj, "law", 0, &j->law)) ||
	    (rc = get_code(r, obj, "exploitation", "exploitation_type", 0, &j->exploitation)) ||
	    (rc = get_int(r, obj, "sentence_months", 0, 0, RESPONSE_SENTENCE_MONTHS_MAX, &j->sentence_months)) ||
	    (rc = get_bool(r, obj, "official_involved", 0, &j->official_involved)) ||
	    (rc = get_provenance(r, obj, &j->action, &j->source, &j->source_date, &j->source_ref)) ||
	    (rc = get_text(r, obj, "note", 0, &j->note)))
		return rc;
	if (j->count < 0)
		j->count = 1;
	j->suspended = -1;
	susp = json_object_get(obj, "suspended");
	if (susp && !json_is_null(susp)) {
		if (!json_is_boolean(susp))
			return fail(r, "suspended", "must be true or false");
		j->suspended = json_is_true(susp);
	}
	if (strcmp(j->stage, "conviction") && (j->sentence_months >= 0 || j->suspended >= 0))
		return fail(r, j->sentence_months >= 0 ? "sentence_months" : "suspended",
			    "is given for %s %s; sentences belong to convictions",
			    j->stage[0] == 'i' ? "an" : "a", j->stage);
	return 0;
}

static int read_penalty(struct reader *r, json_t *obj, struct response_penalty *p)
{
	static const char *const keys[] = { "law", "min_years", "exploitation", "action", "source", "source_date",
					    "source_ref", "note", NULL };
	json_t *v;
	int rc;
	if (!json_is_object(obj))
		return fail(r, NULL, "must be an object");
	if ((rc = only_keys(r, obj, keys)) || (rc = get_text(r, obj, "law", 1, &p->law)))
		return rc;
	v = json_object_get(obj, "min_years");
	if (!v || json_is_null(v))
		return fail(r, "min_years", "is required (the least prison term the law prescribes, in years)");
	if (!json_is_number(v) || json_number_value(v) < 0 || json_number_value(v) > 100)
		return fail(r, "min_years", "must be a number of years from 0 to 100");
	p->min_years = json_number_value(v);
	if ((rc = get_code(r, obj, "exploitation", "exploitation_type", 0, &p->exploitation)) ||
	    (rc = get_provenance(r, obj, &p->action, &p->source, &p->source_date, &p->source_ref)) ||
	    (rc = get_text(r, obj, "note", 0, &p->note)))
		return rc;
	return 0;
}

static int read_fact(struct reader *r, json_t *obj, struct response_fact *f)
{
	static const char *const keys[] = { "kind", "value", "text", "text_ar", "action", "source", "source_date",
					    "source_ref", NULL };
	const struct fact_kind *k;
	json_t *v;
	int rc, idx;
	if (!json_is_object(obj))
		return fail(r, NULL, "must be an object");
	if ((rc = only_keys(r, obj, keys)) || (rc = get_code(r, obj, "kind", "response_fact", 1, &f->kind)) ||
	    (rc = get_text(r, obj, "text", 0, &f->text)) || (rc = get_text(r, obj, "text_ar", 0, &f->text_ar)) ||
	    (rc = get_provenance(r, obj, &f->action, &f->source, &f->source_date, &f->source_ref)))
		return rc;
	idx = response_fact_kind_find(f->kind);
	if (idx < 0) /* the vocabulary has a kind this build does not know */
		return fail(r, "kind", "'%s' is not supported", f->kind);
	k = &response_fact_kinds[idx];
	f->count = -1;
	f->flag = -1;
	v = json_object_get(obj, "value");
	if (!v || json_is_null(v)) {
		if (response_action_counts(f->action))
			return fail(r, "value", "is required for a concrete action (%s)",
				    k->counted && k->flagged ? "a number or true/false"
				    : k->counted		 ? "a number"
							 : "true or false");
		return 0;
	}
	if (json_is_boolean(v) && k->flagged)
		f->flag = json_is_true(v);
	else if (json_is_integer(v) && k->counted) {
		if (json_integer_value(v) < 0 || json_integer_value(v) > ASSESS_COUNT_MAX)
			return fail(r, "value", "%lld is outside 0..%lld", (long long)json_integer_value(v),
				    (long long)ASSESS_COUNT_MAX);
		f->count = json_integer_value(v);
	} else
		return fail(r, "value", "a %s fact takes %s", f->kind,
			    k->counted && k->flagged ? "a number or true/false"
			    : k->counted		 ? "a whole number"
						 : "true or false");
	return 0;
}

static int read_recommendation(struct reader *r, json_t *obj, const char *country, int year,
			       struct response_recommendation *rec)
{
	static const char *const keys[] = { "ref", "number", "check", "pillar", "text", "text_ar", NULL };
	char *ref = NULL, *check = NULL;
	int64_t number;
	int rc;
	if (!json_is_object(obj))
		return fail(r, NULL, "must be an object");
	if ((rc = only_keys(r, obj, keys)) || (rc = get_text(r, obj, "ref", 0, &ref)) ||
	    (rc = get_int(r, obj, "number", 0, 1, 100000, &number)) || (rc = get_text(r, obj, "check", 0, &check)) ||
	    (rc = get_code(r, obj, "pillar", "programme_goal", 0, &rec->pillar)) ||
	    (rc = get_text(r, obj, "text", 0, &rec->text)) || (rc = get_text(r, obj, "text_ar", 0, &rec->text_ar)))
		goto out;
	rec->number = number > 0 ? (int)number : 0;
	if (ref) {
		char cc[3];
		int y, n;
		struct sanad_error e2 = { 0 };
		if (response_ref_parse(ref, cc, &y, &n, &e2)) {
			rc = fail(r, "ref", "%s", e2.message);
			goto out;
		}
		if (strcmp(cc, country) || y != year || (rec->number && rec->number != n)) {
			rc = fail(r, "ref", "'%s' does not belong to %s %d%s", ref, country, year,
				  rec->number && rec->number != n ? " or disagrees with number" : "");
			goto out;
		}
		rec->number = n;
	}
	if (check) {
		int c = response_check_find(check);
		const struct response_check_def *def;
		if (c < 0) {
			rc = fail(r, "check", "unknown guideline check '%.60s' (see 'sanad response checks --help')", check);
			goto out;
		}
		def = &response_check_defs()[c];
		rec->check_code = xstrdup(def->code);
		if (!rec->pillar)
			rec->pillar = xstrdup(def->pillar);
		if (!rec->text && !rec->text_ar) {
			rec->text = xstrdup(response_check_recommendation(def, VOCAB_EN));
			rec->text_ar = xstrdup(response_check_recommendation(def, VOCAB_AR));
		}
	}
	if (!rec->text || !rec->text_ar) {
		rc = fail(r, rec->text ? "text_ar" : "text",
			  "is required: a recommendation is written in English (text) and Arabic (text_ar), or "
			  "picked from a guideline check (check)");
		goto out;
	}
out:
	free(ref);
	free(check);
	return rc;
}

/* Append a zeroed element of size elem to *array (n used, *alloc room)
 * and return it. */
static void *push_item(void *array_ptr, size_t *n, size_t *alloc, size_t elem)
{
	char *base;
	/* array_ptr points at a pointer of any object type: copied, not cast */
	memcpy(&base, array_ptr, sizeof(base));
	if (*n + 1 > *alloc) {
		*alloc = *alloc ? *alloc * 2 : 8;
		base = xrealloc(base, *alloc * elem);
		memcpy(array_ptr, &base, sizeof(base));
	}
	memset(base + *n * elem, 0, elem);
	return base + (*n)++ * elem;
}
#define PUSH(array, n, alloc) push_item(&(array), &(n), &(alloc), sizeof((array)[0]))

struct parsed {
	struct response_rows rows;
	size_t alloc[5];
	struct cy {
		char country[3];
		int year;
		int index; /* record number in the file, from 1 */
	} *cys;
	size_t ncys, cy_alloc;
	json_t *settings;
};

static void parsed_release(struct parsed *p)
{
	response_rows_release(&p->rows);
	free(p->cys);
	memset(p, 0, sizeof(*p));
}

/* Read one item list of a record. */
static int read_items(struct reader *r, json_t *rec, const char *key, const char *what, struct parsed *p,
		      const char *country, int year)
{
	json_t *arr, *item;
	size_t i;
	int rc;
	char base[160];
	if ((rc = get_array(r, rec, key, &arr)) || !arr)
		return rc;
	memcpy(base, r->where, sizeof(base));
	json_array_foreach(arr, i, item) {
		set_where(r, "%s, %s %zu", base, what, i + 1);
		if (!strcmp(key, "justice")) {
			struct response_justice *j = PUSH(p->rows.justice, p->rows.njustice, p->alloc[0]);
			snprintf(j->country, 3, "%s", country);
			j->year = year;
			rc = read_justice(r, item, j);
		} else if (!strcmp(key, "penalties")) {
			struct response_penalty *x = PUSH(p->rows.penalties, p->rows.npenalties, p->alloc[1]);
			snprintf(x->country, 3, "%s", country);
			x->year = year;
			rc = read_penalty(r, item, x);
		} else if (!strcmp(key, "facts")) {
			struct response_fact *f = PUSH(p->rows.facts, p->rows.nfacts, p->alloc[2]);
			snprintf(f->country, 3, "%s", country);
			f->year = year;
			rc = read_fact(r, item, f);
		} else {
			struct response_recommendation *x =
				PUSH(p->rows.recommendations, p->rows.nrecommendations, p->alloc[3]);
			snprintf(x->country, 3, "%s", country);
			x->year = year;
			rc = read_recommendation(r, item, country, year, x);
			for (size_t k = 0; !rc && x->number && k + 1 < p->rows.nrecommendations; k++) {
				const struct response_recommendation *o = &p->rows.recommendations[k];
				if (!strcmp(o->country, country) && o->year == year && o->number == x->number)
					rc = fail(r, "number", "recommendation %s-%d-%d appears twice", country, year,
						  x->number);
			}
		}
		if (rc)
			return rc;
	}
	memcpy(r->where, base, sizeof(base));
	return 0;
}

static int read_year_value(struct reader *r, json_t *rec, int *year)
{
	json_t *v = json_object_get(rec, "year");
	if (!v || json_is_null(v))
		return fail(r, "year", "is required (the report year)");
	if (!json_is_integer(v) || json_integer_value(v) < ASSESS_YEAR_MIN || json_integer_value(v) > ASSESS_YEAR_MAX)
		return fail(r, "year", "must be a report year from %d to %d", ASSESS_YEAR_MIN, ASSESS_YEAR_MAX);
	*year = (int)json_integer_value(v);
	return 0;
}

static int read_record(struct reader *r, json_t *rec, int number, struct parsed *p)
{
	static const char *const keys[] = { "country", "year", "finding", "justice", "penalties", "facts",
					    "recommendations", NULL };
	struct cy *cy;
	json_t *v;
	char country[3];
	int year = 0, rc;
	struct sanad_error e2 = { 0 };

	set_where(r, "record %d", number);
	if (!json_is_object(rec))
		return fail(r, NULL, "must be an object with country and year");
	v = json_object_get(rec, "country");
	if (!v || !json_is_string(v))
		return fail(r, "country", "is required (ISO 3166 alpha-2 code)");
	if (response_country(json_string_value(v), country, &e2))
		return fail(r, "country", "%s", e2.message);
	if ((rc = read_year_value(r, rec, &year)))
		return rc;
	set_where(r, "record %d (%s %d)", number, country, year);
	if ((rc = only_keys(r, rec, keys)))
		return rc;
	for (size_t i = 0; i < p->ncys; i++)
		if (!strcmp(p->cys[i].country, country) && p->cys[i].year == year)
			return fail(r, NULL, "%s %d appears twice (records %d and %d); give each country-year once",
				    country, year, p->cys[i].index, number);
	cy = PUSH(p->cys, p->ncys, p->cy_alloc);
	snprintf(cy->country, 3, "%s", country);
	cy->year = year;
	cy->index = number;

	v = json_object_get(rec, "finding");
	if (v && !json_is_null(v)) {
		struct response_finding *f = PUSH(p->rows.findings, p->rows.nfindings, p->alloc[4]);
		snprintf(f->country, 3, "%s", country);
		f->year = year;
		if ((rc = read_finding(r, v, f)))
			return rc;
	}
	if ((rc = read_items(r, rec, "justice", "justice item", p, country, year)) ||
	    (rc = read_items(r, rec, "penalties", "penalty", p, country, year)) ||
	    (rc = read_items(r, rec, "facts", "fact", p, country, year)) ||
	    (rc = read_items(r, rec, "recommendations", "recommendation", p, country, year)))
		return rc;
	return 0;
}

/* Settings are the assess input's: let the engine validate them. */
static int check_settings(json_t *settings, struct sanad_error *err)
{
	struct assess_settings s;
	struct assess_record *records = NULL;
	int n = 0, rc;
	json_t *doc = json_pack("{s:O, s:[]}", "settings", settings, "records");
	rc = assess_parse(doc, &s, &records, &n, err);
	json_decref(doc);
	assess_records_free(records, n);
	if (rc)
		sanad_error_prefix(err, "settings: ");
	return rc;
}

static int parse_document(json_t *doc, struct parsed *p, struct sanad_error *err)
{
	struct reader r = { err, "document" };
	json_t *records = doc, *rec;
	size_t i;
	int rc;

	memset(p, 0, sizeof(*p));
	if (json_is_object(doc)) {
		static const char *const keys[] = { "format", "settings", "records", NULL };
		json_t *fmt = json_object_get(doc, "format");
		if ((rc = only_keys(&r, doc, keys)))
			return rc;
		if (fmt && !(json_is_string(fmt) && !strcmp(json_string_value(fmt), "sanad-response-1")))
			return fail(&r, "format", "expected \"sanad-response-1\"");
		records = json_object_get(doc, "records");
		p->settings = json_object_get(doc, "settings");
		if (p->settings && json_is_null(p->settings))
			p->settings = NULL;
		if (p->settings && (rc = check_settings(p->settings, err)))
			return rc;
		if (!records && !p->settings)
			return fail(&r, "records", "is required");
		if (!records)
			return 0;
	}
	if (!json_is_array(records))
		return fail(&r, NULL, "expected a JSON array of country-year records, or an object with \"records\"");
	json_array_foreach(records, i, rec) {
		if ((rc = read_record(&r, rec, (int)i + 1, p)))
			return rc;
	}
	return 0;
}

/* Same text in both languages, or same check: the recommendation exists. */
static const struct response_recommendation *find_same(const struct response_rows *stored,
						       const struct response_recommendation *rec)
{
	for (size_t i = 0; i < stored->nrecommendations; i++) {
		const struct response_recommendation *o = &stored->recommendations[i];
		if (strcmp(o->country, rec->country) || o->year != rec->year)
			continue;
		if (rec->number && o->number == rec->number)
			return o;
		if (!rec->number && !strcmp(o->text, rec->text) && !strcmp(o->text_ar, rec->text_ar))
			return o;
	}
	return NULL;
}

static int write_recommendations(struct storage *st, struct parsed *p, struct response_import_summary *sum,
				 struct sanad_error *err)
{
	for (size_t i = 0; i < p->rows.nrecommendations; i++) {
		struct response_recommendation *rec = &p->rows.recommendations[i];
		struct response_rows stored;
		const struct response_recommendation *same;
		int rc;
		if ((rc = storage_response_load(st, rec->country, rec->year, rec->year, &stored, err)))
			return rc;
		same = find_same(&stored, rec);
		if (same && !rec->number) {
			sum->recommendations_kept++;
			rc = 0;
		} else if (same) {
			rc = storage_recommendation_update(st, rec, err);
			sum->recommendations_updated++;
		} else {
			rc = storage_recommendation_add(st, rec, err);
			sum->recommendations_added++;
		}
		response_rows_release(&stored);
		if (rc)
			return rc;
	}
	return 0;
}

int response_validate(json_t *doc, struct sanad_error *err)
{
	struct parsed p;
	int rc = parse_document(doc, &p, err);
	parsed_release(&p);
	return rc;
}

int response_import(struct storage *st, json_t *doc, struct response_import_summary *summary,
		    struct sanad_error *err)
{
	struct parsed p;
	int rc;

	memset(summary, 0, sizeof(*summary));
	if ((rc = parse_document(doc, &p, err))) {
		parsed_release(&p);
		return rc;
	}
	if ((rc = storage_begin(st, err))) {
		parsed_release(&p);
		return rc;
	}
	for (size_t i = 0; !rc && i < p.ncys; i++)
		rc = storage_response_clear(st, p.cys[i].country, p.cys[i].year, err);
	for (size_t i = 0; !rc && i < p.rows.nfindings; i++)
		rc = storage_finding_put(st, &p.rows.findings[i], err);
	for (size_t i = 0; !rc && i < p.rows.njustice; i++)
		rc = storage_justice_add(st, &p.rows.justice[i], err);
	for (size_t i = 0; !rc && i < p.rows.npenalties; i++)
		rc = storage_penalty_add(st, &p.rows.penalties[i], err);
	for (size_t i = 0; !rc && i < p.rows.nfacts; i++)
		rc = storage_fact_add(st, &p.rows.facts[i], err);
	if (!rc)
		rc = write_recommendations(st, &p, summary, err);
	if (!rc && p.settings) {
		char *text = json_dumps(p.settings, JSON_COMPACT | JSON_SORT_KEYS);
		rc = storage_meta_set(st, SETTINGS_META_KEY, text, err);
		free(text);
		summary->settings = 1;
	}
	if (!rc)
		rc = storage_commit(st, err);
	if (rc) {
		storage_rollback(st);
		memset(summary, 0, sizeof(*summary));
	} else {
		summary->country_years = (int)p.ncys;
		summary->findings = (int)p.rows.nfindings;
		summary->justice = (int)p.rows.njustice;
		summary->penalties = (int)p.rows.npenalties;
		summary->facts = (int)p.rows.nfacts;
	}
	parsed_release(&p);
	return rc;
}

int response_settings_get(struct storage *st, json_t **settings, struct sanad_error *err)
{
	char *text = NULL;
	int rc;
	*settings = NULL;
	if ((rc = storage_meta_get(st, SETTINGS_META_KEY, &text, err)))
		return rc;
	if (text) {
		*settings = json_loads(text, 0, NULL);
		free(text);
		if (!*settings)
			return sanad_error_set(err, SANAD_EINVAL, "the stored assessment settings are not JSON");
	}
	return 0;
}

/* ---- add and delete ---- */

int response_add(struct storage *st, const char *kind, const char *country, int year, json_t *item, int64_t *id,
		 char ref[24], struct sanad_error *err)
{
	struct parsed p;
	struct reader r = { err, "" };
	int rc;
	char cc[3];

	*id = 0;
	if (ref)
		ref[0] = '\0';
	if ((rc = response_country(country, cc, err)))
		return rc;
	if (year < ASSESS_YEAR_MIN || year > ASSESS_YEAR_MAX)
		return sanad_error_set(err, SANAD_EINVAL, "year must be a report year from %d to %d", ASSESS_YEAR_MIN,
				       ASSESS_YEAR_MAX);
	memset(&p, 0, sizeof(p));
	set_where(&r, "%s %d", cc, year);
	if (!strcmp(kind, "finding")) {
		struct response_finding *f = PUSH(p.rows.findings, p.rows.nfindings, p.alloc[4]);
		snprintf(f->country, 3, "%s", cc);
		f->year = year;
		if (!(rc = read_finding(&r, item, f)))
			rc = storage_finding_put(st, f, err);
	} else if (!strcmp(kind, "justice") || !strcmp(kind, "penalty") || !strcmp(kind, "fact") ||
		   !strcmp(kind, "recommendation")) {
		json_t *wrap = json_pack("{s:[O]}",
					 !strcmp(kind, "justice")  ? "justice"
					 : !strcmp(kind, "penalty") ? "penalties"
					 : !strcmp(kind, "fact")    ? "facts"
								    : "recommendations",
					 item);
		rc = read_items(&r, wrap, json_object_iter_key(json_object_iter(wrap)), kind, &p, cc, year);
		json_decref(wrap);
		if (!rc && p.rows.njustice)
			rc = storage_justice_add(st, &p.rows.justice[0], err), *id = p.rows.justice[0].id;
		else if (!rc && p.rows.npenalties)
			rc = storage_penalty_add(st, &p.rows.penalties[0], err), *id = p.rows.penalties[0].id;
		else if (!rc && p.rows.nfacts)
			rc = storage_fact_add(st, &p.rows.facts[0], err), *id = p.rows.facts[0].id;
		else if (!rc && p.rows.nrecommendations) {
			struct response_import_summary sum = { 0 };
			struct response_recommendation *rec = &p.rows.recommendations[0];
			if (!(rc = storage_begin(st, err))) {
				rc = write_recommendations(st, &p, &sum, err);
				if (!rc && sum.recommendations_kept) {
					/* point at the one that is there */
					struct response_rows stored;
					if (!(rc = storage_response_load(st, cc, year, year, &stored, err))) {
						const struct response_recommendation *same = find_same(&stored, rec);
						if (same)
							rec->number = same->number, rec->id = same->id;
						response_rows_release(&stored);
					}
				}
				rc = rc ? rc : storage_commit(st, err);
				if (rc)
					storage_rollback(st);
			}
			*id = rec->id;
			if (!rc && ref)
				response_recommendation_ref(rec, ref);
		}
	} else {
		rc = sanad_error_set(err, SANAD_EINVAL,
				     "unknown record kind '%.40s' (expected finding, justice, penalty, fact or "
				     "recommendation)",
				     kind);
	}
	parsed_release(&p);
	return rc;
}

int response_delete(struct storage *st, const char *kind, const char *id_or_ref, struct sanad_error *err)
{
	int64_t id;
	if (!strcmp(kind, "recommendation")) {
		struct response_rows stored;
		char cc[3];
		int year = 0, number = 0, rc;
		if ((rc = response_ref_parse(id_or_ref, cc, &year, &number, err)))
			return rc;
		if ((rc = storage_response_load(st, cc, year, year, &stored, err)))
			return rc;
		id = 0;
		for (size_t i = 0; i < stored.nrecommendations; i++)
			if (stored.recommendations[i].number == number)
				id = stored.recommendations[i].id;
		response_rows_release(&stored);
		if (!id)
			return sanad_error_set(err, SANAD_ENOTFOUND, "no recommendation %s", id_or_ref);
		return storage_response_delete(st, kind, id, err);
	}
	if (parse_int64(id_or_ref, 1, INT64_MAX, &id))
		return sanad_error_set(err, SANAD_EINVAL, "'%.40s' is not a record id (see 'sanad response list')",
				       id_or_ref);
	return storage_response_delete(st, kind, id, err);
}

/* ---- writing ---- */

static void set_text(json_t *o, const char *key, const char *v)
{
	if (v)
		json_object_set_new(o, key, json_string(v));
}

static void set_provenance(json_t *o, const char *action, const char *source, const char *date, const char *ref)
{
	json_object_set_new(o, "action", json_string(action));
	json_object_set_new(o, "source", json_string(source));
	json_object_set_new(o, "source_date", json_string(date));
	set_text(o, "source_ref", ref);
}

static json_t *finding_json(const struct response_finding *f)
{
	json_t *o = json_object(), *w = json_array();
	json_object_set_new(o, "finding", json_string(f->finding));
	set_text(o, "justification", f->justification);
	set_text(o, "justification_ar", f->justification_ar);
	set_text(o, "scope", f->scope);
	set_text(o, "scope_ar", f->scope_ar);
	json_object_set_new(o, "efforts_rest_on_commitments", json_boolean(f->efforts_rest_on_commitments));
	for (const char *p = f->waivers; p && *p;) {
		size_t n = strcspn(p, ";");
		json_array_append_new(w, json_stringn(p, n));
		p += n + (p[n] == ';');
	}
	json_object_set_new(o, "waivers", w);
	json_object_set_new(o, "compliant_before_sanctions", json_boolean(f->compliant_before_sanctions));
	json_object_set_new(o, "victims_from_register", json_boolean(f->victims_from_register));
	return o;
}

static json_t *justice_json(const struct response_justice *j)
{
	json_t *o = json_object();
	json_object_set_new(o, "stage", json_string(j->stage));
	json_object_set_new(o, "count", json_integer(j->count));
	set_text(o, "law", j->law);
	set_text(o, "exploitation", j->exploitation);
	if (j->sentence_months >= 0)
		json_object_set_new(o, "sentence_months", json_integer(j->sentence_months));
	if (j->suspended >= 0)
		json_object_set_new(o, "suspended", json_boolean(j->suspended));
	json_object_set_new(o, "official_involved", json_boolean(j->official_involved));
	set_provenance(o, j->action, j->source, j->source_date, j->source_ref);
	set_text(o, "note", j->note);
	return o;
}

static json_t *penalty_json(const struct response_penalty *p)
{
	json_t *o = json_object();
	json_object_set_new(o, "law", json_string(p->law));
	json_object_set_new(o, "min_years", p->min_years == floor(p->min_years) ? json_integer((json_int_t)p->min_years)
										 : json_real(p->min_years));
	set_text(o, "exploitation", p->exploitation);
	set_provenance(o, p->action, p->source, p->source_date, p->source_ref);
	set_text(o, "note", p->note);
	return o;
}

static json_t *fact_json(const struct response_fact *f)
{
	json_t *o = json_object();
	json_object_set_new(o, "kind", json_string(f->kind));
	if (f->count >= 0)
		json_object_set_new(o, "value", json_integer(f->count));
	else if (f->flag >= 0)
		json_object_set_new(o, "value", json_boolean(f->flag));
	set_text(o, "text", f->text);
	set_text(o, "text_ar", f->text_ar);
	set_provenance(o, f->action, f->source, f->source_date, f->source_ref);
	return o;
}

static json_t *recommendation_json(const struct response_recommendation *r)
{
	json_t *o = json_object();
	char ref[24];
	response_recommendation_ref(r, ref);
	json_object_set_new(o, "ref", json_string(ref));
	json_object_set_new(o, "number", json_integer(r->number));
	set_text(o, "check", r->check_code);
	set_text(o, "pillar", r->pillar);
	json_object_set_new(o, "text", json_string(r->text));
	json_object_set_new(o, "text_ar", json_string(r->text_ar));
	return o;
}

/* The object of country-year in the export array, created in order. */
static json_t *export_record(json_t *records, const char *country, int year)
{
	size_t n = json_array_size(records);
	json_t *last = n ? json_array_get(records, n - 1) : NULL, *o;
	if (last && !strcmp(json_string_value(json_object_get(last, "country")), country) &&
	    json_integer_value(json_object_get(last, "year")) == year)
		return last;
	for (size_t i = 0; i < n; i++) {
		o = json_array_get(records, i);
		if (!strcmp(json_string_value(json_object_get(o, "country")), country) &&
		    json_integer_value(json_object_get(o, "year")) == year)
			return o;
	}
	o = json_pack("{s:s, s:i}", "country", country, "year", year);
	json_array_append_new(records, o);
	return o;
}

static void export_item(json_t *records, const char *country, int year, const char *key, json_t *item)
{
	json_t *rec = export_record(records, country, year), *arr = json_object_get(rec, key);
	if (!arr) {
		arr = json_array();
		json_object_set_new(rec, key, arr);
	}
	json_array_append_new(arr, item);
}

static int cy_cmp(const void *a, const void *b)
{
	json_t *x = *(json_t *const *)a, *y = *(json_t *const *)b;
	int c = strcmp(json_string_value(json_object_get(x, "country")), json_string_value(json_object_get(y, "country")));
	if (c)
		return c;
	return (int)(json_integer_value(json_object_get(x, "year")) - json_integer_value(json_object_get(y, "year")));
}

int response_export(struct storage *st, const char *country, int year_from, int year_to, json_t **out,
		    struct sanad_error *err)
{
	struct response_rows rows;
	json_t *records, *settings, *doc, *sorted;
	json_t **items;
	size_t n;
	int rc;

	*out = NULL;
	if ((rc = response_settings_get(st, &settings, err)))
		return rc;
	if ((rc = storage_response_load(st, country, year_from, year_to, &rows, err))) {
		json_decref(settings);
		return rc;
	}
	records = json_array();
	for (size_t i = 0; i < rows.nfindings; i++) {
		json_t *rec = export_record(records, rows.findings[i].country, rows.findings[i].year);
		json_object_set_new(rec, "finding", finding_json(&rows.findings[i]));
	}
	for (size_t i = 0; i < rows.njustice; i++)
		export_item(records, rows.justice[i].country, rows.justice[i].year, "justice", justice_json(&rows.justice[i]));
	for (size_t i = 0; i < rows.npenalties; i++)
		export_item(records, rows.penalties[i].country, rows.penalties[i].year, "penalties",
			    penalty_json(&rows.penalties[i]));
	for (size_t i = 0; i < rows.nfacts; i++)
		export_item(records, rows.facts[i].country, rows.facts[i].year, "facts", fact_json(&rows.facts[i]));
	for (size_t i = 0; i < rows.nrecommendations; i++)
		export_item(records, rows.recommendations[i].country, rows.recommendations[i].year, "recommendations",
			    recommendation_json(&rows.recommendations[i]));
	response_rows_release(&rows);

	/* country-year order, and the keys of each record in the documented order */
	n = json_array_size(records);
	items = xcalloc(n + 1, sizeof(*items));
	for (size_t i = 0; i < n; i++)
		items[i] = json_array_get(records, i);
	qsort(items, n, sizeof(*items), cy_cmp);
	sorted = json_array();
	for (size_t i = 0; i < n; i++) {
		static const char *const order[] = { "country", "year", "finding", "justice", "penalties", "facts",
						     "recommendations" };
		json_t *o = json_object();
		for (size_t k = 0; k < sizeof(order) / sizeof(order[0]); k++) {
			json_t *v = json_object_get(items[i], order[k]);
			if (v)
				json_object_set(o, order[k], v);
		}
		json_array_append_new(sorted, o);
	}
	free(items);
	json_decref(records);
	doc = json_object();
	json_object_set_new(doc, "format", json_string("sanad-response-1"));
	if (settings)
		json_object_set_new(doc, "settings", settings);
	json_object_set_new(doc, "records", sorted);
	*out = doc;
	return 0;
}
