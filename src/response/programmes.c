/*
 * response/programmes.c: the register of anti-trafficking programmes and
 * grants (seed 003) and their links to the report's recommendations, which
 * answer the question the register exists for: which recommendations of
 * this year's report have no programme?
 */
#include "response/response_internal.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Replace *field (if set) with the canonical code of list, or fail naming
 * the field. */
static int canonical(char **field, const char *list, const char *name, int required, struct sanad_error *err)
{
	const struct vocab_entry *e;
	if (!*field || !**field) {
		free(*field);
		*field = NULL;
		if (required)
			return sanad_error_set(err, SANAD_EINVAL, "%s is required (see 'sanad vocab %s')", name, list);
		return 0;
	}
	e = vocab_find(list, *field);
	if (!e)
		return sanad_error_set(err, SANAD_EINVAL, "%s: unknown value '%.60s' (see 'sanad vocab %s')", name, *field,
				       list);
	free(*field);
	*field = xstrdup(e->code);
	return 0;
}

/* A ';' or ','-separated list of codes of list, canonical, deduplicated,
 * in list order (countries: in code order). */
static int canonical_set(char **field, const char *list, const char *name, struct sanad_error *err)
{
	const struct vocab_list *l = vocab_list_find(list);
	char *seen;
	struct strbuf sb = STRBUF_INIT;
	if (!*field || !**field) {
		free(*field);
		*field = NULL;
		return 0;
	}
	if (!l)
		return sanad_error_set(err, SANAD_EINVAL, "no vocabulary list '%s'", list);
	seen = xcalloc((size_t)l->count + 1, 1);
	for (const char *p = *field; *p;) {
		size_t n = strcspn(p, ";,");
		char *item = xstrndup(p, n);
		const struct vocab_entry *e;
		trim_ascii(item);
		if (*item) {
			e = vocab_lookup(l, item);
			if (!e || (!strcmp(list, "country") && strcmp(e->code, item))) {
				int rc = sanad_error_set(err, SANAD_EINVAL,
							 !e ? "%s: unknown value '%.60s' (see 'sanad vocab %s')"
							    : "%s: write the ISO 3166 alpha-2 code for '%.60s' (see 'sanad vocab %s')",
							 name, item, list);
				free(item);
				free(seen);
				strbuf_release(&sb);
				return rc;
			}
			seen[e->index] = 1;
		}
		free(item);
		p += n + (p[n] != '\0');
	}
	if (!strcmp(list, "country")) {
		/* code order, as storage returns them */
		const char **codes = xcalloc((size_t)l->count + 1, sizeof(*codes));
		int n = 0;
		for (int i = 0; i < l->count; i++)
			if (seen[l->entries[i].index])
				codes[n++] = l->entries[i].code;
		for (int i = 1; i < n; i++)
			for (int k = i; k > 0 && strcmp(codes[k - 1], codes[k]) > 0; k--) {
				const char *t = codes[k];
				codes[k] = codes[k - 1];
				codes[k - 1] = t;
			}
		for (int i = 0; i < n; i++)
			strbuf_addf(&sb, "%s%s", i ? ";" : "", codes[i]);
		free(codes);
	} else {
		for (int i = 0; i < l->count; i++)
			if (seen[l->entries[i].index])
				strbuf_addf(&sb, "%s%s", sb.len ? ";" : "", l->entries[i].code);
	}
	free(seen);
	free(*field);
	*field = sb.len ? strbuf_detach(&sb) : NULL;
	strbuf_release(&sb);
	return 0;
}

static int valid_date(char **field, const char *name, struct sanad_error *err)
{
	struct sanad_date d;
	char buf[11];
	if (!*field || !**field) {
		free(*field);
		*field = NULL;
		return 0;
	}
	if (strlen(*field) != 10 || date_parse(*field, &d, err))
		return sanad_error_set(err, SANAD_EINVAL, "%s: '%.40s' is not a date YYYY-MM-DD", name, *field);
	date_format(&d, buf);
	free(*field);
	*field = xstrdup(buf);
	return 0;
}

/* A non-negative decimal amount: digits, optionally '.' and 1-3 digits. */
static int valid_amount(const char *s)
{
	size_t digits = 0, frac = 0;
	while (isdigit((unsigned char)*s) && digits < 15)
		s++, digits++;
	if (!digits)
		return 0;
	if (*s == '.') {
		s++;
		while (isdigit((unsigned char)*s) && frac < 4)
			s++, frac++;
		if (frac < 1 || frac > 3)
			return 0;
	}
	return *s == '\0';
}

static int valid_text(const char *s, const char *name, int required, struct sanad_error *err)
{
	if (!s || !*s)
		return required ? sanad_error_set(err, SANAD_EINVAL, "%s is required", name) : 0;
	if (strlen(s) > 2000)
		return sanad_error_set(err, SANAD_EINVAL, "%s is longer than 2000 bytes", name);
	if (!utf8_valid(s, strlen(s), NULL))
		return sanad_error_set(err, SANAD_EINVAL, "%s is not valid UTF-8", name);
	return 0;
}

int response_programme_add(struct storage *st, struct programme *p, struct sanad_error *err)
{
	int rc;
	if ((rc = valid_text(p->code, "code", 1, err)) || (rc = valid_text(p->name, "name", 1, err)) ||
	    (rc = valid_text(p->name_ar, "name_ar", 0, err)) || (rc = valid_text(p->partner, "partner", 0, err)))
		return rc;
	for (const char *c = p->code; *c; c++)
		if (!isalnum((unsigned char)*c) && *c != '-' && *c != '_' && *c != '.')
			return sanad_error_set(err, SANAD_EINVAL,
					       "code '%.60s': use letters, digits, '-', '_' and '.' only", p->code);
	if (strlen(p->code) > 64)
		return sanad_error_set(err, SANAD_EINVAL, "code is longer than 64 characters");
	if ((rc = canonical(&p->type, "programme_type", "type", 1, err)) ||
	    (rc = canonical(&p->partner_kind, "partner_kind", "partner_kind", 0, err)) ||
	    (rc = canonical_set(&p->goals, "programme_goal", "goals", err)) ||
	    (rc = canonical_set(&p->countries, "country", "countries", err)) ||
	    (rc = valid_date(&p->start_date, "start", err)) || (rc = valid_date(&p->end_date, "end", err)))
		return rc;
	if (p->start_date && p->end_date && strcmp(p->start_date, p->end_date) > 0)
		return sanad_error_set(err, SANAD_EINVAL, "the programme ends (%s) before it starts (%s)", p->end_date,
				       p->start_date);
	if (p->amount && *p->amount && !valid_amount(p->amount))
		return sanad_error_set(err, SANAD_EINVAL,
				       "amount '%.40s' is not a number like 250000 or 1250.50 (no separators)", p->amount);
	if (p->amount && !*p->amount) {
		free(p->amount);
		p->amount = NULL;
	}
	if (p->currency && *p->currency) {
		if (strlen(p->currency) != 3 || !isalpha((unsigned char)p->currency[0]) ||
		    !isalpha((unsigned char)p->currency[1]) || !isalpha((unsigned char)p->currency[2]))
			return sanad_error_set(err, SANAD_EINVAL, "currency '%.20s' is not an ISO 4217 code like USD",
					       p->currency);
		for (char *c = p->currency; *c; c++)
			*c = (char)toupper((unsigned char)*c);
	} else {
		free(p->currency);
		p->currency = NULL;
	}
	if (p->amount && !p->currency)
		return sanad_error_set(err, SANAD_EINVAL, "give the currency of the amount (e.g. USD)");
	if ((rc = storage_begin(st, err)))
		return rc;
	rc = storage_programme_add(st, p, err);
	if (!rc)
		rc = storage_commit(st, err);
	if (rc)
		storage_rollback(st);
	return rc;
}

static int find_programme(struct storage *st, const char *code, struct programme *out, struct sanad_error *err)
{
	struct programme *list;
	size_t n;
	int rc, found = 0;
	memset(out, 0, sizeof(*out));
	if ((rc = storage_programme_list(st, NULL, &list, &n, err)))
		return rc;
	for (size_t i = 0; i < n; i++) {
		if (!found && !strcmp(list[i].code, code)) {
			*out = list[i];
			found = 1;
			continue;
		}
		programme_release(&list[i]);
	}
	free(list);
	if (!found)
		return sanad_error_set(err, SANAD_ENOTFOUND, "no programme '%.64s' (see 'sanad programme list')", code);
	return 0;
}

static int find_recommendation(struct storage *st, const char *ref, struct response_recommendation *out,
			       struct sanad_error *err)
{
	struct response_rows rows;
	char cc[3];
	int year, number, rc;
	memset(out, 0, sizeof(*out));
	if ((rc = response_ref_parse(ref, cc, &year, &number, err)))
		return rc;
	if ((rc = storage_response_load(st, cc, year, year, &rows, err)))
		return rc;
	for (size_t i = 0; i < rows.nrecommendations; i++)
		if (rows.recommendations[i].number == number) {
			*out = rows.recommendations[i];
			out->pillar = out->check_code = out->text = out->text_ar = NULL; /* not needed */
		}
	response_rows_release(&rows);
	if (!out->id)
		return sanad_error_set(err, SANAD_ENOTFOUND, "no recommendation %s (see 'sanad programme gaps')", ref);
	return 0;
}

int response_programme_link(struct storage *st, const char *programme_code, const char *ref,
			    struct sanad_error *err)
{
	struct programme p;
	struct response_recommendation rec;
	int rc;
	if ((rc = find_programme(st, programme_code, &p, err)))
		return rc;
	if ((rc = find_recommendation(st, ref, &rec, err))) {
		programme_release(&p);
		return rc;
	}
	if (p.countries) {
		int covered = 0;
		for (const char *c = p.countries; *c;) {
			size_t n = strcspn(c, ";");
			covered = covered || (n == 2 && !strncmp(c, rec.country, 2));
			c += n + (c[n] == ';');
		}
		if (!covered) {
			rc = sanad_error_set(err, SANAD_EINVAL,
					     "programme '%s' works in %s, not in %s: it cannot answer %s (add the country "
					     "to the programme, or link a programme that works there)",
					     p.code, p.countries, rec.country, ref);
			programme_release(&p);
			return rc;
		}
	}
	rc = storage_programme_link(st, p.id, rec.id, err);
	programme_release(&p);
	return rc;
}

int response_recommendations_json(struct storage *st, int year, const char *country, int gaps_only, json_t **out,
				  struct sanad_error *err)
{
	struct response_rows rows;
	struct programme_link *links;
	size_t nlinks;
	json_t *arr;
	int rc;

	*out = NULL;
	if ((rc = storage_response_load(st, country, year, year, &rows, err)))
		return rc;
	if ((rc = storage_programme_links(st, &links, &nlinks, err))) {
		response_rows_release(&rows);
		return rc;
	}
	arr = json_array();
	for (size_t i = 0; i < rows.nrecommendations; i++) {
		const struct response_recommendation *r = &rows.recommendations[i];
		json_t *progs = json_array(), *o;
		char ref[24];
		for (size_t k = 0; k < nlinks; k++)
			if (links[k].recommendation_id == r->id)
				json_array_append_new(progs, json_string(links[k].programme_code));
		if (gaps_only && json_array_size(progs)) {
			json_decref(progs);
			continue;
		}
		response_recommendation_ref(r, ref);
		o = json_pack("{s:s, s:s, s:i, s:o, s:o, s:s, s:s, s:o}", "ref", ref, "country", r->country, "year",
			      r->year, "pillar", r->pillar ? json_string(r->pillar) : json_null(), "check",
			      r->check_code ? json_string(r->check_code) : json_null(), "text", r->text, "text_ar",
			      r->text_ar, "programmes", progs);
		json_array_append_new(arr, o);
	}
	programme_links_free(links, nlinks);
	response_rows_release(&rows);
	*out = arr;
	return 0;
}

static json_t *split_json(const char *joined)
{
	json_t *a = json_array();
	for (const char *p = joined; p && *p;) {
		size_t n = strcspn(p, ";");
		json_array_append_new(a, json_stringn(p, n));
		p += n + (p[n] == ';');
	}
	return a;
}

static json_t *text_or_null(const char *s)
{
	return s ? json_string(s) : json_null();
}

json_t *response_programme_json(const struct programme *p)
{
	json_t *o = json_object();
	json_object_set_new(o, "code", json_string(p->code));
	json_object_set_new(o, "name", json_string(p->name));
	json_object_set_new(o, "name_ar", text_or_null(p->name_ar));
	json_object_set_new(o, "type", json_string(p->type));
	json_object_set_new(o, "goals", split_json(p->goals));
	json_object_set_new(o, "partner", text_or_null(p->partner));
	json_object_set_new(o, "partner_kind", text_or_null(p->partner_kind));
	json_object_set_new(o, "countries", split_json(p->countries));
	json_object_set_new(o, "amount", text_or_null(p->amount));
	json_object_set_new(o, "currency", text_or_null(p->currency));
	json_object_set_new(o, "start", text_or_null(p->start_date));
	json_object_set_new(o, "end", text_or_null(p->end_date));
	json_object_set_new(o, "people_trained", p->people_trained < 0 ? json_null() : json_integer(p->people_trained));
	json_object_set_new(o, "victims_assisted",
			    p->victims_assisted < 0 ? json_null() : json_integer(p->victims_assisted));
	return o;
}
