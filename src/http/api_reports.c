/*
 * http/api_reports.c: GET /api/v1/reports/{year} — the annual report of the
 * national response (src/report) in the web application: the country
 * narratives, tiers and their reasons, recommendations and the tier-history
 * table, as an HTML page (?format=html, the default) or the data export
 * (?format=json), in the caller's language or ?lang=ar|en; ?country=CC
 * narrows it to one country.
 *
 * The report holds no personal data (figures, findings, placements), so it
 * needs the same permission as the statistics.  The HTML page is
 * self-contained with its own inline style; it gets a policy of its own
 * that allows that style and nothing else — no script, no outside
 * resources — instead of the interface's default.
 */
#include "http/http_internal.h"

#include "report/report.h"

#include <string.h>

#define REPORT_CSP \
	"default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; " \
	"form-action 'none'; frame-ancestors 'none'"

void api_reports_get(struct http_ctx *c)
{
	const char *year_s = http_param(c, "year");
	const char *format = http_query(c->req, "format");
	const char *country = http_query(c->req, "country");
	const char *lang_s = http_query(c->req, "lang");
	enum vocab_lang lang = vocab_lang_parse(lang_s ? lang_s : c->user.language ? c->user.language : "en");
	const struct vocab_entry *cc = NULL;
	struct report_options opt = { 0 };
	struct sanad_error err = { 0 };
	struct report *r;
	int64_t year;

	if (!year_s || parse_int64(year_s, 2001, 2100, &year)) {
		reply_error(c, 400, "invalid", "year: '%.12s' is not a report year from 2001 to 2100",
			    year_s ? year_s : "");
		return;
	}
	if (format && strcmp(format, "html") && strcmp(format, "json")) {
		reply_error(c, 400, "invalid", "format: '%.20s' is not html or json", format);
		return;
	}
	if (lang_s && strcmp(lang_s, "en") && strcmp(lang_s, "ar")) {
		reply_error(c, 400, "invalid", "lang: '%.20s' is not en or ar", lang_s);
		return;
	}
	if (country) {
		cc = vocab_find("country", country);
		if (!cc || strcmp(cc->code, country)) {
			reply_error(c, 400, "invalid", "country: '%.20s' is not an ISO 3166 alpha-2 code", country);
			return;
		}
	}
	opt.year = (int)year;
	opt.country = cc ? cc->code : NULL;
	if (report_build(c->st, &opt, &r, &err)) {
		reply_sanad_error(c, &err);
		return;
	}
	if (format && !strcmp(format, "json")) {
		reply_json(c, 200, report_json(r, lang));
	} else {
		c->resp->status = 200;
		c->resp->is_api = 1; /* never cached: findings change */
		c->resp->content_type = "text/html; charset=utf-8";
		c->resp->static_body = NULL;
		strbuf_reset(&c->resp->body);
		report_html(r, lang, &c->resp->body);
		http_response_header(c->resp, "Content-Security-Policy", REPORT_CSP);
	}
	report_free(r);
}
