/*
 * domain/record.c: canonical field values, case records, derivation and the
 * rules that hold across fields.
 */
#include "domain/domain.h"

#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static int is_unknown(const char *s)
{
	return !s[0] || !strcmp(s, "-");
}

static int text_ok(const struct field_def *f, const char *s, struct sanad_error *err)
{
	size_t n = strlen(s), bad;
	if (!utf8_valid(s, n, &bad))
		return sanad_error_set(err, SANAD_EINVAL,
				       "%s: not valid UTF-8 (bad byte at offset %zu)", f->name, bad);
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if ((c < 0x20 && !(f->kind == FK_LONGTEXT && (c == '\n' || c == '\t'))) || c == 0x7f)
			return sanad_error_set(err, SANAD_EINVAL,
					       "%s: control character 0x%02x at offset %zu is not allowed",
					       f->name, c, i);
	}
	if ((int64_t)utf8_length(s, n) > f->max)
		return sanad_error_set(err, SANAD_ELIMIT,
				       "%s: %zu characters is over the limit of %lld", f->name,
				       utf8_length(s, n), (long long)f->max);
	return 0;
}

static int multi_normalise(const struct field_def *f, const char *in, char **out,
			   struct sanad_error *err)
{
	const struct vocab_list *l = vocab_list_find(f->list);
	char *copy = xstrdup(in), *save = NULL, *tok;
	unsigned char *seen;
	struct strbuf sb = STRBUF_INIT;
	int any = 0, rc = 0;

	if (!l) {
		free(copy);
		return sanad_error_set(err, SANAD_EINVAL, "%s: unknown vocabulary '%s'", f->name, f->list);
	}
	seen = xcalloc((size_t)l->count, 1);
	for (tok = strtok_r(copy, ";, \t|\r\n", &save); tok; tok = strtok_r(NULL, ";, \t|\r\n", &save)) {
		const struct vocab_entry *e;
		if (!strcmp(tok, "-"))
			continue;
		e = vocab_lookup(l, tok);
		if (!e) {
			rc = sanad_error_set(err, SANAD_EINVAL, "%s: '%.60s' is not a value of list '%s'",
					     f->name, tok, f->list);
			goto done;
		}
		seen[e->index] = 1;
		any = 1;
	}
	if (any)
		for (int i = 0; i < l->count; i++)
			if (seen[i]) {
				if (sb.len)
					strbuf_addch(&sb, ';');
				strbuf_addstr(&sb, l->entries[i].code);
			}
	*out = any ? strbuf_detach(&sb) : NULL;
done:
	strbuf_release(&sb);
	free(seen);
	free(copy);
	return rc;
}

int field_normalise(const struct field_def *f, const char *raw, char **out, struct sanad_error *err)
{
	char *s;
	int rc = 0;

	*out = NULL;
	if (!raw)
		return 0;
	if (strlen(raw) > 1u << 20)
		return sanad_error_set(err, SANAD_ELIMIT, "%s: value over 1 MiB", f->name);
	s = xstrdup(raw);
	if (f->kind != FK_LONGTEXT)
		trim_ascii(s);
	{
		/* long text keeps its own white space; only emptiness is judged trimmed */
		char *t = xstrdup(s);
		int unknown = is_unknown(trim_ascii(t));
		free(t);
		if (unknown) {
			free(s);
			return 0;
		}
	}

	switch (f->kind) {
	case FK_TEXT:
	case FK_LONGTEXT:
		rc = text_ok(f, s, err);
		if (!rc) {
			*out = s;
			return 0;
		}
		break;
	case FK_INT: {
		int64_t v;
		if (parse_int64(s, f->min, f->max, &v)) {
			rc = sanad_error_set(err, SANAD_EINVAL,
					     "%s: '%.40s' is not a whole number from %lld to %lld",
					     f->name, s, (long long)f->min, (long long)f->max);
			break;
		}
		free(s);
		s = xmalloc(24);
		snprintf(s, 24, "%lld", (long long)v);
		*out = s;
		return 0;
	}
	case FK_REAL: {
		char *end;
		double v = strtod(s, &end);
		if (*end || end == s || !isfinite(v) || strlen(s) > 40) {
			rc = sanad_error_set(err, SANAD_EINVAL, "%s: '%.40s' is not a number", f->name, s);
			break;
		}
		*out = s;
		return 0;
	}
	case FK_DATE: {
		struct sanad_date d;
		char buf[11];
		rc = date_parse(s, &d, err);
		if (rc) {
			sanad_error_prefix(err, "%s: ", f->name);
			break;
		}
		date_format(&d, buf);
		free(s);
		*out = xstrdup(buf);
		return 0;
	}
	case FK_BOOL:
	case FK_PICK: {
		const struct vocab_entry *e = vocab_find(f->list, s);
		if (!e) {
			rc = sanad_error_set(err, SANAD_EINVAL, "%s: '%.60s' is not a value of list '%s'",
					     f->name, s, f->list);
			break;
		}
		free(s);
		*out = xstrdup(e->code);
		return 0;
	}
	case FK_MULTI:
		rc = multi_normalise(f, s, out, err);
		break;
	}
	free(s);
	return rc;
}

static void record_alloc(struct record *r, enum group_id g)
{
	r->value = xcalloc((size_t)domain_group(g)->nfields, sizeof(char *));
	r->flat = 0;
}

static int in_flat_block(const struct record *r, const char *v)
{
	return r->flat && v >= (const char *)r->value && v < (const char *)r->value + r->flat;
}

static void record_release(struct record *r, enum group_id g)
{
	if (!r->value)
		return;
	for (int i = 0, n = domain_group(g)->nfields; i < n; i++)
		if (r->value[i] && !in_flat_block(r, r->value[i]))
			free(r->value[i]);
	free(r->value);
	r->value = NULL;
	r->flat = 0;
}

/* One block holding values[0..n) and their texts; *bytes its size.  Only
 * the indexes in only[0..nonly) may be set when only is given (the others
 * are NULL): a reader that fills a dozen fields of a hundred says which. */
static char **flat_block(const char *const *values, int n, const int *only, int nonly, size_t *bytes)
{
	size_t size = (size_t)n * sizeof(char *), len[256];
	char **block, *p;
	int all = !only;

	if (all)
		nonly = n;
	for (int k = 0; k < nonly; k++) {
		int i = all ? k : only[k];
		if (values[i])
			size += (len[i] = strlen(values[i])) + 1;
	}
	block = xmalloc(size);
	memset(block, 0, (size_t)n * sizeof(char *));
	p = (char *)(block + n);
	for (int k = 0; k < nonly; k++) {
		int i = all ? k : only[k];
		if (!values[i] || block[i])
			continue; /* unset, or named twice in only */
		memcpy(p, values[i], len[i] + 1);
		block[i] = p;
		p += len[i] + 1;
	}
	*bytes = size;
	return block;
}

void case_record_init_flat(struct case_record *c, const char *const *values, const int *only, int nonly)
{
	memset(c, 0, sizeof(*c));
	c->main.value = flat_block(values, domain_group(GROUP_CASE)->nfields, only, nonly, &c->main.flat);
}

void case_record_flatten(struct case_record *c)
{
	int n = domain_group(GROUP_CASE)->nfields;
	struct record *r = &c->main;
	char **block;
	size_t bytes;

	if (n > 256 || r->flat)
		return; /* NEVER more; already flat: a value set since stays apart */
	block = flat_block((const char *const *)r->value, n, NULL, 0, &bytes);
	for (int i = 0; i < n; i++)
		if (r->value[i] && !in_flat_block(r, r->value[i]))
			free(r->value[i]);
	free(r->value);
	r->value = block;
	r->flat = bytes;
}

void case_record_shape(const struct case_record *c, struct case_shape *shape)
{
	int n = domain_group(GROUP_CASE)->nfields;

	memset(shape, 0, sizeof(*shape));
	for (int g = 1; g < GROUP_COUNT; g++)
		shape->children += c->child[g].count;
	if (n > 128) {
		shape->wide = 1;
		return;
	}
	for (int i = 0; i < n; i++)
		if (c->main.value[i])
			shape->present[i >> 6] |= (uint64_t)1 << (i & 63);
}

void case_record_init(struct case_record *c)
{
	memset(c, 0, sizeof(*c));
	record_alloc(&c->main, GROUP_CASE);
}

void case_record_release(struct case_record *c)
{
	record_release(&c->main, GROUP_CASE);
	for (int g = 1; g < GROUP_COUNT; g++) {
		for (size_t i = 0; i < c->child[g].count; i++)
			record_release(&c->child[g].items[i], (enum group_id)g);
		free(c->child[g].items);
	}
	memset(c, 0, sizeof(*c));
}

struct record *case_record_add_item(struct case_record *c, enum group_id g)
{
	struct record_list *l = &c->child[g];
	ALLOC_GROW(l->items, l->count + 1, l->alloc);
	record_alloc(&l->items[l->count], g);
	return &l->items[l->count++];
}

struct record *case_record_item(struct case_record *c, enum group_id g, size_t item)
{
	if (g == GROUP_CASE)
		return &c->main;
	while (c->child[g].count <= item)
		case_record_add_item(c, g);
	return &c->child[g].items[item];
}

/* case_field_index, remembered by the address of the name: the rules
 * across fields read a dozen fields by name for every imported record, and
 * hashing the names was a tenth of an import's reading time.  The entry is
 * used only if the name there is still that field's (a caller may pass a
 * buffer whose contents change); one table per thread, so no locking. */
static int case_field_index_cached(const char *field)
{
	static _Thread_local struct { const char *name; int index; } memo[64];
	size_t k = ((uintptr_t)field >> 3) & 63;
	int i;

	if (memo[k].name == field && !strcmp(domain_group(GROUP_CASE)->fields[memo[k].index].name, field))
		return memo[k].index;
	i = domain_field_index(GROUP_CASE, field);
	if (i >= 0) {
		memo[k].name = field;
		memo[k].index = i;
	}
	return i;
}

const char *case_get(const struct case_record *c, const char *field)
{
	int i = case_field_index_cached(field);
	return i < 0 ? NULL : c->main.value[i];
}

int record_set(struct record *rec, enum group_id g, int i, const char *value, struct sanad_error *err)
{
	char *canon = NULL;
	int rc = field_normalise(&domain_group(g)->fields[i], value, &canon, err);
	if (rc)
		return rc;
	if (!in_flat_block(rec, rec->value[i]))
		free(rec->value[i]);
	rec->value[i] = canon;
	return 0;
}

int case_set(struct case_record *c, const char *field, const char *value, struct sanad_error *err)
{
	int i = domain_field_index(GROUP_CASE, field);
	if (i < 0)
		return sanad_error_set(err, SANAD_ENOTFOUND, "unknown case field '%s'", field);
	return record_set(&c->main, GROUP_CASE, i, value, err);
}

void case_record_copy(struct case_record *dst, const struct case_record *src)
{
	case_record_init(dst);
	dst->id = src->id;
	for (int i = 0; i < domain_group(GROUP_CASE)->nfields; i++)
		dst->main.value[i] = src->main.value[i] ? xstrdup(src->main.value[i]) : NULL;
	for (int g = 1; g < GROUP_COUNT; g++)
		for (size_t k = 0; k < src->child[g].count; k++) {
			struct record *r = case_record_add_item(dst, (enum group_id)g);
			for (int i = 0; i < domain_group((enum group_id)g)->nfields; i++)
				r->value[i] = src->child[g].items[k].value[i]
						      ? xstrdup(src->child[g].items[k].value[i]) : NULL;
		}
}

const char *age_band_for(int age)
{
	static const struct { int upto; const char *band; } bands[] = {
		{ 8, "0--8" }, { 17, "9--17" }, { 20, "18--20" }, { 23, "21--23" },
		{ 26, "24--26" }, { 29, "27--29" }, { 38, "30--38" }, { 47, "39--47" },
	};
	if (age < 0)
		return NULL;
	for (size_t i = 0; i < sizeof(bands) / sizeof(bands[0]); i++)
		if (age <= bands[i].upto)
			return bands[i].band;
	return "48+";
}

/* The fields derivation and the rules across fields read, by index: they
 * run for every imported record, where looking up a dozen names was a
 * tenth of the reading thread's work (bench/README.md). */
static struct rule_fields {
	int gender, sex, birth, ident, reg, closed, age, band, major, year;
	int service_start, service_end;
} rule_fields;
static pthread_once_t rule_fields_once = PTHREAD_ONCE_INIT;

static void rule_fields_find(void)
{
	struct rule_fields *f = &rule_fields;
	f->gender = domain_field_index(GROUP_CASE, "prs_Gender");
	f->sex = domain_field_index(GROUP_CASE, "snd_Sex");
	f->birth = domain_field_index(GROUP_CASE, "prs_Birthdate");
	f->ident = domain_field_index(GROUP_CASE, "snd_IdentificationDate");
	f->reg = domain_field_index(GROUP_CASE, "snd_RegistrationDate");
	f->closed = domain_field_index(GROUP_CASE, "snd_ClosedDate");
	f->age = domain_field_index(GROUP_CASE, "snd_AgeAtIdentification");
	f->band = domain_field_index(GROUP_CASE, "snd_AgeBroad");
	f->major = domain_field_index(GROUP_CASE, "snd_MajorityStatus");
	f->year = domain_field_index(GROUP_CASE, "snd_YearOfRegistration");
	f->service_start = domain_field_index(GROUP_SERVICE, "snd_ServiceStart");
	f->service_end = domain_field_index(GROUP_SERVICE, "snd_ServiceEnd");
}

static const struct rule_fields *rules(void)
{
	pthread_once(&rule_fields_once, rule_fields_find);
	return &rule_fields;
}

static void set_derived(struct case_record *c, int i, const char *value)
{
	if (i >= 0 && !c->main.value[i] && value)
		c->main.value[i] = xstrdup(value);
}

void case_record_derive(struct case_record *c)
{
	const struct rule_fields *f = rules();
	const char *gender = c->main.value[f->gender];
	const char *birth = c->main.value[f->birth];
	const char *ident = c->main.value[f->ident];
	const char *reg = c->main.value[f->reg];
	const char *age_s;
	char buf[16];

	if (gender) {
		static const struct { const char *gender, *sex; } map[] = {
			{ "Feminine", "Female" }, { "Masculine", "Male" },
			{ "TransgenderFeminine", "Transgender" }, { "TransgenderMasculine", "Transgender" },
			{ "Transgender", "Transgender" }, { "NonConforming", "Other" },
		};
		for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
			if (!strcmp(gender, map[i].gender))
				set_derived(c, f->sex, map[i].sex);
	}
	if (birth && (ident || reg)) {
		struct sanad_date b, at;
		if (!date_parse(birth, &b, NULL) && !date_parse(ident ? ident : reg, &at, NULL)) {
			int years = date_years_between(&b, &at);
			if (years >= 0 && years <= 120) {
				snprintf(buf, sizeof(buf), "%d", years);
				set_derived(c, f->age, buf);
			}
		}
	}
	age_s = c->main.value[f->age];
	if (age_s) {
		int age = atoi(age_s);
		set_derived(c, f->band, age_band_for(age));
		set_derived(c, f->major, age < 18 ? "Minor" : "Adult");
	}
	if (reg || ident) {
		snprintf(buf, sizeof(buf), "%.4s", reg ? reg : ident);
		set_derived(c, f->year, buf);
	}
}

/* -1 if a < b, 0 if equal or either missing, 1 if a > b (dates compare as text). */
static int date_after(const char *a, const char *b)
{
	return a && b && strcmp(a, b) > 0;
}

int case_record_validate(const struct case_record *c, struct sanad_error *err)
{
	const struct rule_fields *f = rules();
	const char *birth = c->main.value[f->birth];
	const char *reg = c->main.value[f->reg];
	const char *ident = c->main.value[f->ident];
	const char *closed = c->main.value[f->closed];
	const char *age = c->main.value[f->age];
	const char *band = c->main.value[f->band];
	const char *major = c->main.value[f->major];
	const char *year = c->main.value[f->year];
	/* today, worked out again only when the second changes: gmtime for
	 * every imported record was a fiftieth of the reading thread's work */
	static _Thread_local time_t today_at;
	static _Thread_local struct sanad_date t;
	static _Thread_local char today[11];
	time_t now = time(NULL);

	if (now != today_at) {
		t = date_today();
		date_format(&t, today);
		today_at = now;
	}
	if (date_after(birth, ident) || date_after(birth, reg))
		return sanad_error_set(err, SANAD_EINVAL,
				       "prs_Birthdate: %s is after the identification or registration date", birth);
	if (date_after(birth, today))
		return sanad_error_set(err, SANAD_EINVAL, "prs_Birthdate: %s is in the future", birth);
	if (date_after(reg, closed) || date_after(ident, closed))
		return sanad_error_set(err, SANAD_EINVAL,
				       "snd_ClosedDate: %s is before the case was registered or identified", closed);
	if (age && band && strcmp(age_band_for(atoi(age)), band))
		return sanad_error_set(err, SANAD_EINVAL,
				       "snd_AgeBroad: '%s' does not match age %s (expected '%s')", band, age,
				       age_band_for(atoi(age)));
	if (age && major && strcmp(atoi(age) < 18 ? "Minor" : "Adult", major))
		return sanad_error_set(err, SANAD_EINVAL,
				       "snd_MajorityStatus: '%s' does not match age %s", major, age);
	if (band && major) {
		int minor_band = !strcmp(band, "0--8") || !strcmp(band, "9--17");
		if (minor_band != !strcmp(major, "Minor"))
			return sanad_error_set(err, SANAD_EINVAL,
					       "snd_MajorityStatus: '%s' does not match age band '%s'", major, band);
	}
	if (year && atoi(year) > t.year)
		return sanad_error_set(err, SANAD_EINVAL,
				       "snd_YearOfRegistration: %s is in the future", year);
	for (int g = 1; g < GROUP_COUNT; g++) {
		const struct group_def *gd = domain_group((enum group_id)g);
		if (c->child[g].count > (size_t)gd->max_items)
			return sanad_error_set(err, SANAD_ELIMIT, "%s: %zu items is over the limit of %d",
					       gd->name, c->child[g].count, gd->max_items);
		for (size_t k = 0; k < c->child[g].count; k++)
			for (int i = 0; i < gd->nfields; i++)
				if ((gd->fields[i].flags & FF_REQUIRED) && !c->child[g].items[k].value[i])
					return sanad_error_set(err, SANAD_EINVAL, "%s item %zu: %s is required",
							       gd->name, k + 1, gd->fields[i].name);
	}
	{
		int i = f->service_start, j = f->service_end;
		for (size_t k = 0; k < c->child[GROUP_SERVICE].count; k++) {
			char **v = c->child[GROUP_SERVICE].items[k].value;
			if (date_after(v[i], v[j]))
				return sanad_error_set(err, SANAD_EINVAL,
						       "services item %zu: snd_ServiceEnd %s is before snd_ServiceStart %s",
						       k + 1, v[j], v[i]);
		}
	}
	return 0;
}
