/*
 * http/api_stats.c: the statistics of the web application (issue 5 item 4)
 * -- GET /api/v1/stats (the same figures as `sanad stats --publish`, as
 * JSON, CSV or XLSX), /api/v1/stats/dimensions (what the dashboard's
 * filters offer), /api/v1/stats/chart (the published table drawn as SVG)
 * /api/v1/stats/settings (the suppression threshold of the deployment)
 * and /api/v1/reports/statistics/{year} (the statistical report, PDF).
 *
 * Whose cases (DOMAIN.md section 5): scope=national is the national pool
 * (organisations in the pool, the victim's consent to statistical use,
 * a person recorded twice counted once) and is the national coordinator's;
 * scope=org is the caller's own organisation, for every role that belongs
 * to one.  Asking for the other scope is 403 naming it.
 *
 * Why the API never serves a raw count: every table here goes through
 * disclosure_publish (cell and complementary suppression) before it leaves
 * the server.  Figures of one's own organisation cut finely by several
 * filters come down to one or two people, and a role that may not read
 * those cases (an analyst; a caseworker of an own-cases-only organisation
 * if policy ever gives it statistics) must not learn about them from a
 * cell of 1; the coordinator sees pooled data of organisations whose cases
 * it may never read.  So there is no "raw" switch: the threshold is the
 * deployment's (meta key stats_threshold, default 5), changed by the
 * system administrator through PUT /api/v1/stats/settings.
 *
 * Every computation goes through the server's one engine
 * (stats_engine_compute), which keeps its bitmaps current with the
 * database, so answers are fast and never stale.
 */
#include "http/http_internal.h"

#include "charts/charts.h"
#include "disclosure/disclosure.h"
#include "report/report.h"
#include "stats/stats.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define STATS_THRESHOLD_KEY "stats_threshold"
#define STATS_THRESHOLD_MIN 2
#define STATS_THRESHOLD_MAX 1000
/* values one filter may list: every country, with room to spare */
#define STATS_FILTER_MAX_VALUES 300

#define XLSX_MIME "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
#define SVG_CSP "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'"

enum stats_format { FMT_JSON, FMT_CSV, FMT_XLSX };

/* One statistics request as the query string gave it, checked. */
struct stats_request {
	const struct stats_dimension *dim[DISCLOSURE_MAX_DIMS];
	const char *names[DISCLOSURE_MAX_DIMS]; /* as the caller wrote them */
	int ndims;
	char *by_copy;
	int year;
	enum stats_scope scope;
	const char *org_code;
	struct stats_filter filters[STATS_MAX_FILTERS];
	const struct stats_dimension *filter_dim[STATS_MAX_FILTERS];
	const char **filter_values[STATS_MAX_FILTERS];
	char *filter_copy[STATS_MAX_FILTERS];
	int nfilters;
	enum vocab_lang lang;
	int labels;
	enum stats_format format;
	int64_t threshold;
	enum stats_subject subject;
};

static void request_release(struct stats_request *r)
{
	free(r->by_copy);
	for (int i = 0; i < r->nfilters; i++) {
		free(r->filter_values[i]);
		free(r->filter_copy[i]);
	}
	memset(r, 0, sizeof(*r));
}

static const char *subject_name(enum stats_subject s)
{
	return s == STATS_COUNT_PERPETRATORS ? "perpetrators" : s == STATS_COUNT_SERVICES ? "services" : "victims";
}

static const char *scope_name(enum stats_scope s)
{
	return s == STATS_SCOPE_NATIONAL ? "national" : s == STATS_SCOPE_ORG ? "org" : "all";
}

/* The deployment's threshold: the setting when it is a valid one, else the
 * default (a damaged setting must not lower the protection). */
int64_t stats_threshold_setting(struct http_ctx *c)
{
	struct sanad_error err = { 0 };
	char *v = NULL;
	int64_t n = DISCLOSURE_DEFAULT_THRESHOLD;
	if (!storage_meta_get(c->st, STATS_THRESHOLD_KEY, &v, &err) && v &&
	    parse_int64(v, STATS_THRESHOLD_MIN, STATS_THRESHOLD_MAX, &n))
		n = DISCLOSURE_DEFAULT_THRESHOLD;
	free(v);
	return n;
}

/* Refuse query parameters no statistics route takes, so a misspelt one
 * ("filters.sex", "yaer") is heard of instead of silently ignored. */
static int only_known_params(struct http_ctx *c, const char *const *known)
{
	for (int i = 0; i < c->req->nquery; i++) {
		const char *name = c->req->query[i].name;
		int ok = !strncmp(name, "filter.", 7);
		for (int k = 0; !ok && known[k]; k++)
			ok = !strcmp(known[k], name);
		if (!ok) {
			reply_error(c, 400, "invalid", "unknown query parameter '%.60s'", name);
			return -1;
		}
	}
	return 0;
}

/* scope=: national for the coordinator, org for a role of an organisation. */
static int parse_scope(struct http_ctx *c, struct stats_request *r)
{
	const char *s = http_query(c->req, "scope");
	int national_ok = c->user.role == ROLE_COORDINATOR;
	if (!s || !*s) {
		r->scope = national_ok || !c->user.org_code ? STATS_SCOPE_NATIONAL : STATS_SCOPE_ORG;
		if (r->scope == STATS_SCOPE_NATIONAL && !national_ok) {
			reply_error(c, 403, "forbidden", "scope: the role %s has no organisation's figures to see",
				    role_name(c->user.role));
			return -1;
		}
	} else if (!strcmp(s, "national")) {
		if (!national_ok) {
			reply_error(c, 403, "forbidden",
				    "scope national: the national pool's figures are the national coordinator's; "
				    "the role %s sees its own organisation's (scope=org)",
				    role_name(c->user.role));
			return -1;
		}
		r->scope = STATS_SCOPE_NATIONAL;
	} else if (!strcmp(s, "org")) {
		if (!c->user.org_code) {
			reply_error(c, 403, "forbidden",
				    "scope org: the role %s belongs to no organisation (ask for scope=national)",
				    role_name(c->user.role));
			return -1;
		}
		r->scope = STATS_SCOPE_ORG;
	} else {
		reply_error(c, 400, "invalid", "scope: '%.30s' is not national or org", s);
		return -1;
	}
	r->org_code = r->scope == STATS_SCOPE_ORG ? c->user.org_code : NULL;
	return 0;
}

/* One value of a filter on dimension d: its canonical code into *out
 * (pointing into the vocabulary or at the input), or -1 after a 400. */
static int filter_value(struct http_ctx *c, const struct stats_dimension *d, const char *param,
			const char *v, const char **out)
{
	int64_t n;
	*out = v;
	if (!ascii_strcasecmp(v, "unknown")) {
		*out = "unknown";
		return 0;
	}
	switch (d->kind) {
	case STATS_DIM_NUMBER:
		if (parse_int64(v, 1900, 2200, &n))
			goto bad;
		return 0;
	case STATS_DIM_PICK:
	case STATS_DIM_MULTI:
	case STATS_DIM_BANDED: {
		const struct vocab_entry *e = vocab_find(d->list, v);
		if (!e)
			goto bad;
		*out = e->code;
		return 0;
	}
	case STATS_DIM_ORG: {
		struct organisation o;
		struct sanad_error err = { 0 };
		int rc = storage_org_get(c->st, v, &o, &err);
		if (rc == SANAD_ENOTFOUND)
			goto bad;
		if (rc) {
			reply_sanad_error(c, &err);
			return -1;
		}
		organisation_release(&o);
		return 0;
	}
	case STATS_DIM_TEXT:
		if (strlen(v) > 200)
			goto bad;
		return 0;
	}
bad:
	reply_error(c, 400, "invalid", "%s: '%.60s' is not a value of the dimension %s (see GET /api/v1/stats/dimensions)",
		    param, v, d->name);
	return -1;
}

static int parse_filters(struct http_ctx *c, struct stats_request *r)
{
	for (int i = 0; i < c->req->nquery; i++) {
		const char *param = c->req->query[i].name, *value = c->req->query[i].value;
		const struct stats_dimension *d;
		char *save = NULL, *tok;
		int k = r->nfilters, nv = 0;
		if (strncmp(param, "filter.", 7))
			continue;
		if (!(d = stats_dimension_find(param + 7))) {
			reply_error(c, 400, "invalid", "%.60s: '%.40s' is not a dimension (see GET /api/v1/stats/dimensions)",
				    param, param + 7);
			return -1;
		}
		for (int j = 0; j < r->nfilters; j++)
			if (r->filter_dim[j] == d) {
				reply_error(c, 400, "invalid", "%.60s: the dimension %s is filtered twice", param, d->name);
				return -1;
			}
		if (k == STATS_MAX_FILTERS) {
			reply_error(c, 400, "limit", "at most %d filters", STATS_MAX_FILTERS);
			return -1;
		}
		r->filter_copy[k] = xstrdup(value);
		r->filter_values[k] = xcalloc(STATS_FILTER_MAX_VALUES, sizeof(char *));
		r->filter_dim[k] = d;
		r->nfilters++;
		for (tok = strtok_r(r->filter_copy[k], ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
			tok = trim_ascii(tok);
			if (!*tok)
				continue;
			if (nv == STATS_FILTER_MAX_VALUES) {
				reply_error(c, 400, "limit", "%.60s: at most %d values", param, STATS_FILTER_MAX_VALUES);
				return -1;
			}
			if (filter_value(c, d, param, tok, &r->filter_values[k][nv]))
				return -1;
			nv++;
		}
		if (!nv) {
			reply_error(c, 400, "invalid", "%.60s: give one or more values, separated by commas", param);
			return -1;
		}
		r->filters[k].dim = d->name;
		r->filters[k].values = r->filter_values[k];
		r->filters[k].nvalues = nv;
	}
	return 0;
}

/* Everything but by=; the routes differ in how many dimensions they take. */
static int parse_request(struct http_ctx *c, struct stats_request *r, int min_dims, int max_dims)
{
	const char *by = http_query(c->req, "by"), *year_s = http_query(c->req, "year");
	const char *lang_s = http_query(c->req, "lang"), *labels = http_query(c->req, "labels");
	const char *count = http_query(c->req, "count");
	char *save = NULL, *tok;
	int64_t year;

	memset(r, 0, sizeof(*r));
	r->lang = vocab_lang_parse(c->user.language ? c->user.language : "en");
	if (lang_s) {
		if (strcmp(lang_s, "en") && strcmp(lang_s, "ar")) {
			reply_error(c, 400, "invalid", "lang: '%.20s' is not en or ar", lang_s);
			return -1;
		}
		r->lang = vocab_lang_parse(lang_s);
	}
	if (labels) {
		if (strcmp(labels, "0") && strcmp(labels, "1")) {
			reply_error(c, 400, "invalid", "labels: '%.20s' is not 0 or 1", labels);
			return -1;
		}
		r->labels = labels[0] == '1';
	}
	if (year_s) {
		if (parse_int64(year_s, 1900, 2200, &year)) {
			reply_error(c, 400, "invalid", "year: '%.20s' is not a year from 1900 to 2200", year_s);
			return -1;
		}
		r->year = (int)year;
	}
	if (count) {
		int subject = stats_subject_parse(count);
		if (subject < 0) {
			reply_error(c, 400, "invalid", "count: '%.30s' is not victims, perpetrators or services", count);
			return -1;
		}
		r->subject = (enum stats_subject)subject;
	}
	/* without by=, the figures by year (what the page shows first) */
	r->by_copy = xstrdup(by ? by : "year");
	for (tok = strtok_r(r->by_copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		const struct stats_dimension *d;
		tok = trim_ascii(tok);
		if (!*tok)
			continue;
		if (!(d = stats_subject_dimension_find(r->subject, tok))) {
			reply_error(c, 400, "invalid", "by: '%.40s' is not a dimension of %s (see GET /api/v1/stats/dimensions)",
				    tok, subject_name(r->subject));
			return -1;
		}
		if (r->ndims == max_dims) {
			reply_error(c, 400, "limit", "by: at most %d dimensions here", max_dims);
			return -1;
		}
		for (int k = 0; k < r->ndims; k++)
			if (r->dim[k] == d) {
				reply_error(c, 400, "invalid", "by: the dimension %s is given twice", d->name);
				return -1;
			}
		r->dim[r->ndims] = d;
		r->names[r->ndims++] = tok;
	}
	if (r->ndims < min_dims) {
		reply_error(c, 400, "invalid", "by: give %d to %d dimensions, e.g. by=year,sex (see GET /api/v1/stats/dimensions)",
			    min_dims, max_dims);
		return -1;
	}
	if (parse_scope(c, r) || parse_filters(c, r))
		return -1;
	r->threshold = stats_threshold_setting(c);
	return 0;
}

static void request_query(const struct stats_request *r, struct stats_query *out)
{
	struct stats_query q = { 0 };
	q.dims = r->names;
	q.ndims = r->ndims;
	q.year = r->year;
	q.scope = r->scope;
	q.org_code = r->org_code;
	q.filters = r->filters;
	q.nfilters = r->nfilters;
	q.subject = r->subject;
	*out = q;
}

static int compute(struct http_ctx *c, const struct stats_request *r, struct stats_table *t,
		   struct sanad_error *err)
{
	struct stats_engine *e = http_server_stats(c->srv);
	struct stats_query q;
	request_query(r, &q);
	return e ? stats_engine_compute(e, c->st, &q, t, err) : stats_compute(c->st, &q, t, err);
}

/* Compute and publish r: 0, or -1 after answering the error. */
static int publish(struct http_ctx *c, const struct stats_request *r, struct stats_table *t,
		   struct disclosure_table *p)
{
	struct disclosure_options o = { r->threshold, 0 };
	struct sanad_error err = { 0 };
	memset(p, 0, sizeof(*p));
	if (compute(c, r, t, &err)) {
		reply_sanad_error(c, &err);
		return -1;
	}
	struct stats_query q;
	request_query(r, &q);
	/* with its unfiltered neighbours as references: answers that differ by
	 * one filter must not subtract to a few people */
	if (disclosure_publish_query(c->st, http_server_stats(c->srv), &q, t, &o, p, &err)) {
		disclosure_table_release(p);
		reply_sanad_error(c, &err);
		return -1;
	}
	return 0;
}

/* "sanad-statistics-year-sex-2024": names the file after what it holds. */
static void file_stem(const struct stats_request *r, struct strbuf *out)
{
	strbuf_addf(out, "sanad-%s", subject_name(r->subject));
	for (int k = 0; k < r->ndims; k++)
		strbuf_addf(out, "-%s", r->dim[k]->name);
	if (r->year)
		strbuf_addf(out, "-%d", r->year);
	strbuf_addf(out, "-%s", scope_name(r->scope));
}

static void attachment(struct http_ctx *c, const struct stats_request *r, const char *ext)
{
	struct strbuf v = STRBUF_INIT;
	strbuf_addstr(&v, "attachment; filename=\"");
	file_stem(r, &v);
	strbuf_addf(&v, ".%s\"", ext);
	http_response_header(c->resp, "Content-Disposition", strbuf_str(&v));
	strbuf_release(&v);
}

/* The audit line of an export: what was asked (dimensions, filters'
 * dimensions, year, scope), never a figure. */
static int audit_export(struct http_ctx *c, const struct stats_request *r, const char *what)
{
	struct strbuf d = STRBUF_INIT;
	struct sanad_error err = { 0 };
	int rc;
	strbuf_addf(&d, "statistics %s count=%s by=", what, subject_name(r->subject));
	for (int k = 0; k < r->ndims; k++)
		strbuf_addf(&d, "%s%s", k ? "," : "", r->dim[k]->name);
	strbuf_addf(&d, " scope=%s", scope_name(r->scope));
	if (r->year)
		strbuf_addf(&d, " year=%d", r->year);
	if (r->nfilters) {
		strbuf_addstr(&d, " filters=");
		for (int k = 0; k < r->nfilters; k++)
			strbuf_addf(&d, "%s%s", k ? "," : "", r->filter_dim[k]->name);
	}
	rc = audit_as_caller(c, AUDIT_EXPORT, NULL, strbuf_str(&d), &err);
	strbuf_release(&d);
	if (rc)
		reply_sanad_error(c, &err);
	return rc;
}

/* The published table's JSON with what the request was: scope, filters,
 * and per row whether it is a total or suppressed (the dashboard styles
 * those; the counts are already null). */
static json_t *published_json(const struct stats_request *r, const struct disclosure_table *p)
{
	json_t *j = disclosure_table_json(p, r->labels, r->lang), *rows = json_object_get(j, "rows");
	json_t *filters = json_object();
	for (size_t i = 0; i < json_array_size(rows) && i < p->cube.ncells; i++) {
		json_t *row = json_array_get(rows, i);
		if (disclosure_cube_is_margin(&p->cube, i))
			json_object_set_new(row, "total", json_true());
		if (p->cube.state[i] != DISCLOSURE_PUBLISHED)
			json_object_set_new(row, "suppressed", json_true());
	}
	for (int k = 0; k < r->nfilters; k++) {
		json_t *vals = json_array();
		for (int v = 0; v < r->filters[k].nvalues; v++)
			json_array_append_new(vals, json_string(r->filters[k].values[v]));
		json_object_set_new(filters, r->filter_dim[k]->name, vals);
	}
	json_object_set_new(j, "scope", json_string(scope_name(r->scope)));
	json_object_set_new(j, "organisation", r->org_code ? json_string(r->org_code) : json_null());
	json_object_set_new(j, "count", json_string(subject_name(r->subject)));
	json_object_set_new(j, "filters", filters);
	return j;
}

void api_stats_get(struct http_ctx *c)
{
	static const char *const known[] = { "by", "year", "scope", "count", "lang", "labels", "format", NULL };
	const char *format = http_query(c->req, "format");
	struct stats_request r;
	struct stats_table t;
	struct disclosure_table p;
	struct sanad_error err = { 0 };

	memset(&t, 0, sizeof(t));
	if (only_known_params(c, known))
		return;
	if (parse_request(c, &r, 1, DISCLOSURE_MAX_DIMS))
		goto out;
	if (!format || !strcmp(format, "json")) {
		r.format = FMT_JSON;
	} else if (!strcmp(format, "csv")) {
		r.format = FMT_CSV;
	} else if (!strcmp(format, "xlsx")) {
		r.format = FMT_XLSX;
	} else {
		reply_error(c, 400, "invalid", "format: '%.20s' is not json, csv or xlsx", format);
		goto out;
	}
	if (publish(c, &r, &t, &p))
		goto out_table;
	if (r.format == FMT_JSON) {
		reply_json(c, 200, published_json(&r, &p));
	} else {
		struct http_response *resp = c->resp;
		strbuf_reset(&resp->body);
		if (r.format == FMT_CSV) {
			disclosure_table_csv(&p, r.labels, r.lang, &resp->body);
		} else if (disclosure_table_xlsx(&p, r.labels, r.lang, &resp->body, &err)) {
			reply_sanad_error(c, &err);
			goto out_published;
		}
		if (audit_export(c, &r, r.format == FMT_CSV ? "csv" : "xlsx"))
			goto out_published;
		resp->status = 200;
		resp->is_api = 1;
		resp->static_body = NULL;
		resp->content_type = r.format == FMT_CSV ? "text/csv; charset=utf-8" : XLSX_MIME;
		attachment(c, &r, r.format == FMT_CSV ? "csv" : "xlsx");
	}
out_published:
	disclosure_table_release(&p);
out_table:
	stats_table_release(&t);
out:
	request_release(&r);
}

void api_stats_chart(struct http_ctx *c)
{
	static const char *const known[] = { "by", "year", "scope", "count", "lang", "kind", "download", NULL };
	const char *kind_s = http_query(c->req, "kind"), *download = http_query(c->req, "download");
	struct chart_options o = { 0 };
	struct stats_request r;
	struct stats_table t;
	struct disclosure_table p;
	struct sanad_error err = { 0 };
	struct strbuf title = STRBUF_INIT;
	int kind = kind_s ? chart_kind_parse(kind_s) : CHART_BARS;

	memset(&t, 0, sizeof(t));
	if (only_known_params(c, known))
		return;
	if (kind < 0) {
		reply_error(c, 400, "invalid", "kind: '%.20s' is not bars, lines or flow", kind_s);
		return;
	}
	if (download && strcmp(download, "0") && strcmp(download, "1")) {
		reply_error(c, 400, "invalid", "download: '%.20s' is not 0 or 1", download);
		return;
	}
	if (parse_request(c, &r, 1, kind == CHART_FLOW ? 3 : 2))
		goto out;
	if (publish(c, &r, &t, &p))
		goto out_table;
	static const char *const title_of[3][2] = {
		{ "Victims by ", "الضحايا حسب " },
		{ "Perpetrators by ", "الجناة حسب " },
		{ "Services by ", "الخدمات حسب " },
	};
	strbuf_addstr(&title, title_of[r.subject][r.lang]);
	for (int k = 0; k < r.ndims; k++)
		strbuf_addf(&title, "%s%s", k ? (kind == CHART_FLOW ? " → " : " × ") : "",
			    r.dim[k]->title[r.lang]);
	if (r.year)
		strbuf_addf(&title, " (%d)", r.year);
	o.kind = (enum chart_kind)kind;
	o.lang = r.lang;
	o.title = strbuf_str(&title);
	strbuf_reset(&c->resp->body);
	if (chart_render(&p, &o, CHART_SVG, &c->resp->body, &err)) {
		strbuf_reset(&c->resp->body);
		reply_sanad_error(c, &err);
	} else {
		c->resp->status = 200;
		c->resp->is_api = 1;
		c->resp->static_body = NULL;
		c->resp->content_type = "image/svg+xml";
		/* an SVG opened on its own is a document: it may run nothing */
		http_response_header(c->resp, "Content-Security-Policy", SVG_CSP);
		if (download && download[0] == '1')
			attachment(c, &r, "svg");
	}
	disclosure_table_release(&p);
out_table:
	stats_table_release(&t);
out:
	strbuf_release(&title);
	request_release(&r);
}

static const char *kind_name(enum stats_dim_kind k)
{
	switch (k) {
	case STATS_DIM_NUMBER: return "number";
	case STATS_DIM_PICK: return "pick";
	case STATS_DIM_MULTI: return "multi";
	case STATS_DIM_BANDED: return "banded";
	case STATS_DIM_TEXT: return "text";
	case STATS_DIM_ORG: return "organisation";
	}
	return "text";
}

static json_t *value_entry(const char *code, const char *en, const char *ar)
{
	json_t *v = json_object();
	json_object_set_new(v, "code", json_string(code));
	json_object_set_new(v, "en", json_string(en ? en : code));
	json_object_set_new(v, "ar", json_string(ar ? ar : en ? en : code));
	return v;
}

/* The years that occur in the caller's default scope: codes only, no
 * counts, so nothing is published that a count would be. */
static json_t *year_values(struct http_ctx *c, const struct stats_dimension *d)
{
	struct stats_request r;
	struct stats_table t;
	struct sanad_error err = { 0 };
	json_t *vals = json_array();
	memset(&r, 0, sizeof(r));
	r.dim[0] = d;
	r.names[0] = d->name;
	r.ndims = 1;
	r.scope = c->user.role == ROLE_COORDINATOR || !c->user.org_code ? STATS_SCOPE_NATIONAL : STATS_SCOPE_ORG;
	r.org_code = r.scope == STATS_SCOPE_ORG ? c->user.org_code : NULL;
	memset(&t, 0, sizeof(t));
	if (!compute(c, &r, &t, &err) && t.ncolumns == 1) {
		for (int v = t.columns[0].nvalues - 1; v >= 0; v--) /* newest first */
			if (t.columns[0].values[v].code)
				json_array_append_new(vals, value_entry(t.columns[0].values[v].code, NULL, NULL));
	}
	stats_table_release(&t);
	return vals;
}

static json_t *dimension_json(struct http_ctx *c, const struct stats_dimension *d,
			      const struct organisation *orgs, size_t norgs)
{
	json_t *o = json_object(), *title = json_object(), *vals = NULL;
	json_object_set_new(o, "name", json_string(d->name));
	json_object_set_new(o, "alias", d->alias ? json_string(d->alias) : json_null());
	json_object_set_new(title, "en", json_string(d->title[VOCAB_EN]));
	json_object_set_new(title, "ar", json_string(d->title[VOCAB_AR]));
	json_object_set_new(o, "title", title);
	json_object_set_new(o, "kind", json_string(kind_name(d->kind)));
	json_object_set_new(o, "list", d->list ? json_string(d->list) : json_null());
	json_object_set_new(o, "description", json_string(d->description));
	switch (d->kind) {
	case STATS_DIM_PICK:
	case STATS_DIM_MULTI:
	case STATS_DIM_BANDED: {
		const struct vocab_list *l = vocab_list_find(d->list);
		vals = json_array();
		for (int k = 0; l && k < l->count; k++)
			json_array_append_new(vals, value_entry(l->entries[k].code, l->entries[k].label[VOCAB_EN],
								 l->entries[k].label[VOCAB_AR]));
		break;
	}
	case STATS_DIM_ORG:
		vals = json_array();
		for (size_t k = 0; k < norgs; k++)
			json_array_append_new(vals, value_entry(orgs[k].code, orgs[k].name, orgs[k].name_ar));
		break;
	case STATS_DIM_NUMBER:
		vals = year_values(c, d);
		break;
	case STATS_DIM_TEXT:
		/* free text: a list of what was typed could single people out;
		 * the filter takes typed values instead */
		break;
	}
	json_object_set_new(o, "values", vals ? vals : json_null());
	return o;
}

void api_stats_dimensions(struct http_ctx *c)
{
	static const enum stats_subject others[] = { STATS_COUNT_PERPETRATORS, STATS_COUNT_SERVICES };
	int n;
	const struct stats_dimension *d = stats_dimensions(&n);
	struct organisation *orgs = NULL;
	size_t norgs = 0;
	struct sanad_error err = { 0 };
	json_t *root, *list, *subjects;

	if (storage_org_list(c->st, &orgs, &norgs, &err)) {
		reply_sanad_error(c, &err);
		return;
	}
	root = json_object();
	list = json_array();
	subjects = json_object();
	for (int i = 0; i < n; i++)
		json_array_append_new(list, dimension_json(c, &d[i], orgs, norgs));
	/* what perpetrators and services are counted by (the filters always
	 * select cases, by the victims' dimensions above) */
	for (size_t s = 0; s < sizeof(others) / sizeof(others[0]); s++) {
		int m;
		const struct stats_dimension *sd = stats_subject_dimensions(others[s], &m);
		json_t *sl = json_array();
		for (int i = 0; sd && i < m; i++)
			json_array_append_new(sl, dimension_json(c, &sd[i], orgs, norgs));
		json_object_set_new(subjects, subject_name(others[s]), sl);
	}
	for (size_t k = 0; k < norgs; k++)
		organisation_release(&orgs[k]);
	free(orgs);
	json_object_set_new(root, "dimensions", list);
	json_object_set_new(root, "subjects", subjects);
	json_object_set_new(root, "max_dimensions", json_integer(DISCLOSURE_MAX_DIMS));
	json_object_set_new(root, "national", json_boolean(c->user.role == ROLE_COORDINATOR));
	json_object_set_new(root, "organisation", c->user.org_code ? json_string(c->user.org_code) : json_null());
	json_object_set_new(root, "threshold", json_integer((json_int_t)stats_threshold_setting(c)));
	reply_json(c, 200, root);
}

static json_t *settings_json(struct http_ctx *c)
{
	json_t *o = json_object();
	json_object_set_new(o, "threshold", json_integer((json_int_t)stats_threshold_setting(c)));
	json_object_set_new(o, "threshold_min", json_integer(STATS_THRESHOLD_MIN));
	json_object_set_new(o, "threshold_max", json_integer(STATS_THRESHOLD_MAX));
	return o;
}

void api_stats_settings_get(struct http_ctx *c)
{
	reply_json(c, 200, settings_json(c));
}

void api_stats_settings_put(struct http_ctx *c)
{
	static const char *const allowed[] = { "threshold", NULL };
	json_t *v = json_object_get(c->req->json, "threshold");
	struct sanad_error err = { 0 };
	char text[24], detail[80];

	if (body_only(c, allowed))
		return;
	if (!v || !json_is_integer(v) || json_integer_value(v) < STATS_THRESHOLD_MIN ||
	    json_integer_value(v) > STATS_THRESHOLD_MAX) {
		reply_error(c, 400, "invalid", "threshold: give a whole number from %d to %d", STATS_THRESHOLD_MIN,
			    STATS_THRESHOLD_MAX);
		return;
	}
	snprintf(text, sizeof(text), "%lld", (long long)json_integer_value(v));
	snprintf(detail, sizeof(detail), "statistics threshold %lld -> %s", (long long)stats_threshold_setting(c), text);
	/* the setting and its audit record together, or neither */
	if (storage_begin(c->st, &err) || storage_meta_set(c->st, STATS_THRESHOLD_KEY, text, &err) ||
	    audit_as_caller(c, "settings", NULL, detail, &err) || storage_commit(c->st, &err)) {
		if (storage_in_transaction(c->st))
			storage_rollback(c->st);
		reply_sanad_error(c, &err);
		return;
	}
	reply_json(c, 200, settings_json(c));
}

/* ---- the statistical report of a year (src/report/statistics.c) ---- */

#define STATS_REPORT_CSP \
	"default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; " \
	"form-action 'none'; frame-ancestors 'none'"

static int slurp(const char *path, struct strbuf *out, struct sanad_error *err)
{
	char buf[65536];
	size_t n;
	FILE *f = fopen(path, "rb");
	if (!f)
		return sanad_error_set(err, SANAD_EIO, "the report file could not be read back");
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		strbuf_add(out, buf, n);
	n = (size_t)ferror(f);
	fclose(f);
	return n ? sanad_error_set(err, SANAD_EIO, "the report file could not be read back") : 0;
}

/* The PDF is written to a file by its renderer: a private directory of
 * this request's, removed before the answer goes. */
static int report_pdf_body(struct http_ctx *c, const struct report_stats_options *o, struct sanad_error *err)
{
	char dir[] = "/tmp/sanad-report-XXXXXX", path[64];
	struct strbuf unused = STRBUF_INIT;
	int rc;
	if (!mkdtemp(dir))
		return sanad_error_set(err, SANAD_EIO, "no temporary directory for the report");
	snprintf(path, sizeof(path), "%s/report.pdf", dir);
	rc = report_statistics(c->st, o, REPORT_STATS_PDF, path, &unused, err);
	if (!rc)
		rc = slurp(path, &c->resp->body, err);
	unlink(path);
	rmdir(dir);
	strbuf_release(&unused);
	return rc;
}

void api_stats_report(struct http_ctx *c)
{
	static const char *const known[] = { "lang", "format", NULL };
	const char *year_s = http_param(c, "year"), *lang_s = http_query(c->req, "lang");
	const char *format = http_query(c->req, "format");
	struct report_stats_options o = { 0 };
	struct sanad_error err = { 0 };
	int pdf = !format || !strcmp(format, "pdf");
	int64_t year;
	char disp[96];

	if (only_known_params(c, known))
		return;
	/* the report covers the national pool (its renderer knows no
	 * organisation's scope): the coordinator's, like scope=national */
	if (c->user.role != ROLE_COORDINATOR) {
		reply_error(c, 403, "forbidden",
			    "the statistical report covers the national pool: it is the national coordinator's; "
			    "the role %s sees its organisation's figures through GET /api/v1/stats",
			    role_name(c->user.role));
		return;
	}
	if (!year_s || parse_int64(year_s, 1900, 2200, &year)) {
		reply_error(c, 400, "invalid", "year: '%.12s' is not a year from 1900 to 2200", year_s ? year_s : "");
		return;
	}
	if (format && strcmp(format, "pdf") && strcmp(format, "html")) {
		reply_error(c, 400, "invalid", "format: '%.20s' is not pdf or html", format);
		return;
	}
	if (lang_s && strcmp(lang_s, "en") && strcmp(lang_s, "ar")) {
		reply_error(c, 400, "invalid", "lang: '%.20s' is not en or ar", lang_s);
		return;
	}
	o.year = (int)year;
	o.scope = STATS_SCOPE_NATIONAL;
	o.threshold = stats_threshold_setting(c);
	o.lang = vocab_lang_parse(lang_s ? lang_s : c->user.language ? c->user.language : "en");
	strbuf_reset(&c->resp->body);
	if (pdf ? report_pdf_body(c, &o, &err)
		: report_statistics(c->st, &o, REPORT_STATS_HTML, NULL, &c->resp->body, &err)) {
		strbuf_reset(&c->resp->body);
		reply_sanad_error(c, &err);
		return;
	}
	c->resp->status = 200;
	c->resp->is_api = 1;
	c->resp->static_body = NULL;
	c->resp->content_type = pdf ? "application/pdf" : "text/html; charset=utf-8";
	http_response_header(c->resp, "Content-Security-Policy", STATS_REPORT_CSP);
	if (pdf) {
		/* a download: a browser's PDF viewer runs inside the page and
		 * would be refused by the policy above */
		snprintf(disp, sizeof(disp), "attachment; filename=\"sanad-statistical-report-%d-%s.pdf\"", o.year,
			 o.lang == VOCAB_AR ? "ar" : "en");
		http_response_header(c->resp, "Content-Disposition", disp);
	}
}
