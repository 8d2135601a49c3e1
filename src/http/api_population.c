/*
 * http/api_population.c: the population figures SDG indicator 16.2.2
 * divides by (GET and PUT /api/v1/population, the same figures as `sanad
 * population`), and the indicator itself (GET /api/v1/stats/sdg).
 *
 * Population figures are public statistics (census, UN estimates), so
 * whoever sees statistics may read them; they change a published rate, so
 * only the system administrator and the national coordinator enter them.
 * A PUT writes every row or none, and a refusal names the row and field.
 */
#include "http/http_internal.h"

#include "stats/stats.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define POPULATION_MAX 10000000000LL
#define POPULATION_MAX_ROWS 5000

static json_t *entry_json(const struct population_entry *e)
{
	json_t *o = json_object();
	json_object_set_new(o, "year", json_integer(e->year));
	json_object_set_new(o, "sex", e->sex && *e->sex ? json_string(e->sex) : json_null());
	json_object_set_new(o, "age_group", e->age_group && *e->age_group ? json_string(e->age_group) : json_null());
	json_object_set_new(o, "count", json_integer((json_int_t)e->count));
	json_object_set_new(o, "source", e->source ? json_string(e->source) : json_null());
	json_object_set_new(o, "updated_at", e->updated_at ? json_string(e->updated_at) : json_null());
	return o;
}

static int reply_list(struct http_ctx *c, int year, int status)
{
	struct population_entry *list = NULL;
	struct sanad_error err = { 0 };
	size_t n = 0;
	json_t *rows;
	if (storage_population_list(c->st, year, &list, &n, &err)) {
		reply_sanad_error(c, &err);
		return -1;
	}
	rows = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(rows, entry_json(&list[i]));
	population_entries_free(list, n);
	reply_json(c, status, json_pack("{s:o}", "rows", rows));
	return 0;
}

void api_population_list(struct http_ctx *c)
{
	const char *year_s = http_query(c->req, "year");
	int64_t year = 0;
	if (year_s && parse_int64(year_s, 1900, 2200, &year)) {
		reply_error(c, 400, "invalid", "year: '%.20s' is not a year from 1900 to 2200", year_s);
		return;
	}
	reply_list(c, (int)year, 200);
}

/* A code of list (or of either list) for a row's field; "" for null,
 * absent or ""; NULL after a 400 naming row and field. */
static const char *row_code(struct http_ctx *c, json_t *row, size_t i, const char *field, const char *list,
			    const char *list2)
{
	json_t *v = json_object_get(row, field);
	const struct vocab_entry *e;
	if (!v || json_is_null(v) || (json_is_string(v) && !*json_string_value(v)))
		return "";
	if (!json_is_string(v)) {
		reply_error(c, 400, "invalid", "rows[%zu].%s: give a code as a string, or null for all", i, field);
		return NULL;
	}
	if ((e = vocab_find(list, json_string_value(v))) || (list2 && (e = vocab_find(list2, json_string_value(v)))))
		return e->code;
	reply_error(c, 400, "invalid", "rows[%zu].%s: '%.40s' is not a value of %s%s%s", i, field,
		    json_string_value(v), list, list2 ? " or " : "", list2 ? list2 : "");
	return NULL;
}

void api_population_put(struct http_ctx *c)
{
	static const char *const allowed[] = { "rows", NULL };
	static const char *const row_keys[] = { "year", "sex", "age_group", "count", "source" };
	json_t *rows = json_object_get(c->req->json, "rows"), *row;
	struct population_entry *e;
	struct sanad_error err = { 0 };
	char detail[96];
	size_t n, i;

	if (c->user.role != ROLE_SYSADMIN && c->user.role != ROLE_COORDINATOR) {
		reply_error(c, 403, "forbidden",
			    "population figures are entered by the system administrator or the national coordinator, "
			    "not the role %s", role_name(c->user.role));
		return;
	}
	if (body_only(c, allowed))
		return;
	if (!json_is_array(rows) || !json_array_size(rows)) {
		reply_error(c, 400, "invalid", "rows: give an array of {year, sex, age_group, count, source}");
		return;
	}
	if ((n = json_array_size(rows)) > POPULATION_MAX_ROWS) {
		reply_error(c, 400, "limit", "rows: at most %d figures at once, not %zu", POPULATION_MAX_ROWS, n);
		return;
	}
	e = xcalloc(n, sizeof(*e));
	json_array_foreach(rows, i, row) {
		json_t *v;
		const char *key;
		if (!json_is_object(row)) {
			reply_error(c, 400, "invalid", "rows[%zu]: give an object", i);
			goto out;
		}
		json_object_foreach(row, key, v) {
			size_t k = 0;
			while (k < sizeof(row_keys) / sizeof(row_keys[0]) && strcmp(row_keys[k], key))
				k++;
			if (k == sizeof(row_keys) / sizeof(row_keys[0])) {
				reply_error(c, 400, "invalid", "rows[%zu]: unknown key '%.40s' (year, sex, age_group, count, source)",
					    i, key);
				goto out;
			}
		}
		v = json_object_get(row, "year");
		if (!json_is_integer(v) || json_integer_value(v) < 1900 || json_integer_value(v) > 2200) {
			reply_error(c, 400, "invalid", "rows[%zu].year: give a year from 1900 to 2200", i);
			goto out;
		}
		e[i].year = (int)json_integer_value(v);
		if (!(e[i].sex = (char *)row_code(c, row, i, "sex", "sex", NULL)) ||
		    !(e[i].age_group = (char *)row_code(c, row, i, "age_group", "majority_status", "age_band")))
			goto out;
		v = json_object_get(row, "count");
		if (!json_is_integer(v) || json_integer_value(v) < 1 || json_integer_value(v) > POPULATION_MAX) {
			reply_error(c, 400, "invalid", "rows[%zu].count: give a number of people from 1 to %lld", i,
				    POPULATION_MAX);
			goto out;
		}
		e[i].count = (int64_t)json_integer_value(v);
		v = json_object_get(row, "source");
		if (v && !json_is_null(v)) {
			const char *s = json_is_string(v) ? json_string_value(v) : NULL;
			int bad = !s || utf8_length(s, strlen(s)) > 200;
			for (const char *p = s; !bad && *p; p++)
				bad = (unsigned char)*p < 0x20;
			if (bad) {
				reply_error(c, 400, "invalid", "rows[%zu].source: give text of at most 200 characters", i);
				goto out;
			}
			e[i].source = (char *)s;
		}
		for (size_t j = 0; j < i; j++)
			if (e[j].year == e[i].year && !strcmp(e[j].sex, e[i].sex) && !strcmp(e[j].age_group, e[i].age_group)) {
				reply_error(c, 400, "invalid", "rows[%zu]: the same year, sex and age group as rows[%zu]", i, j);
				goto out;
			}
	}
	/* storage writes every row or none, in a transaction of its own */
	if (storage_population_put(c->st, e, n, &err)) {
		reply_sanad_error(c, &err);
		goto out;
	}
	snprintf(detail, sizeof(detail), "population figures set: %zu", n);
	audit_as_caller(c, "settings", NULL, detail, NULL);
	reply_list(c, 0, 200);
out:
	free(e);
}

/* GET /api/v1/stats/sdg: the indicator for a year over the caller's scope
 * (national for the coordinator, the organisation's otherwise), published
 * with the deployment's threshold. */
void api_stats_sdg(struct http_ctx *c)
{
	const char *year_s = http_query(c->req, "year"), *scope_s = http_query(c->req, "scope");
	const char *lang_s = http_query(c->req, "lang");
	struct stats_query q = { 0 };
	struct stats_sdg s;
	struct sanad_error err = { 0 };
	int national_ok = c->user.role == ROLE_COORDINATOR;
	int64_t year;
	json_t *j;

	if (!year_s || parse_int64(year_s, 1900, 2200, &year)) {
		reply_error(c, 400, "invalid", "year: give the year, from 1900 to 2200 ('%.20s')", year_s ? year_s : "");
		return;
	}
	if (lang_s && strcmp(lang_s, "en") && strcmp(lang_s, "ar")) {
		reply_error(c, 400, "invalid", "lang: '%.20s' is not en or ar", lang_s);
		return;
	}
	if (scope_s && strcmp(scope_s, "national") && strcmp(scope_s, "org")) {
		reply_error(c, 400, "invalid", "scope: '%.30s' is not national or org", scope_s);
		return;
	}
	if (!scope_s)
		scope_s = national_ok ? "national" : "org";
	if (!strcmp(scope_s, "national") && !national_ok) {
		reply_error(c, 403, "forbidden", "scope national: the national pool's figures are the national coordinator's; "
						 "the role %s sees its own organisation's (scope=org)", role_name(c->user.role));
		return;
	}
	if (!strcmp(scope_s, "org") && !c->user.org_code) {
		reply_error(c, 403, "forbidden", "scope org: the role %s belongs to no organisation (ask for scope=national)",
			    role_name(c->user.role));
		return;
	}
	q.scope = !strcmp(scope_s, "national") ? STATS_SCOPE_NATIONAL : STATS_SCOPE_ORG;
	q.org_code = q.scope == STATS_SCOPE_ORG ? c->user.org_code : NULL;
	if (stats_sdg_16_2_2(c->st, &q, (int)year, stats_threshold_setting(c), &s, &err)) {
		stats_sdg_release(&s);
		reply_sanad_error(c, &err);
		return;
	}
	j = stats_sdg_json(&s, vocab_lang_parse(lang_s ? lang_s : c->user.language ? c->user.language : "en"));
	json_object_set_new(j, "scope", json_string(scope_s));
	stats_sdg_release(&s);
	reply_json(c, 200, j);
}
