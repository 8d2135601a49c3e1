/*
 * report/build.c: gathering the report's content — the countries assessed
 * in the report year, their figures and checks against the year before,
 * the engine's placements, the recommendations with their programmes and
 * the tier history.
 */
#include "report/report_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

char *report_text(const char *key, enum vocab_lang lang, const char *const *pairs)
{
	struct strbuf sb = STRBUF_INIT;
	response_format(&sb, key, lang, pairs);
	return strbuf_detach(&sb);
}

const char *report_tier_name(const char *tier_code, enum vocab_lang lang)
{
	char key[32];
	const char *t;
	snprintf(key, sizeof(key), "tier.%s", tier_code);
	t = response_string(key, lang);
	return t ? t : tier_code;
}

void report_free(struct report *r)
{
	if (!r)
		return;
	for (int i = 0; i < r->ncountries; i++) {
		struct report_country *c = &r->countries[i];
		response_figures_release(&c->fig);
		response_figures_release(&c->prev);
		for (int k = 0; k < RESPONSE_CHECK_COUNT; k++)
			response_check_release(&c->checks[k]);
		for (int k = 0; k < c->nrecs; k++)
			free(c->recs[k].programmes);
		free(c->recs);
	}
	free(r->countries);
	response_rows_release(&r->rows);
	response_assessment_release(&r->assessment);
	tier_entries_free(r->tiers, r->ntiers);
	for (size_t i = 0; i < r->nprogrammes; i++)
		programme_release(&r->programmes[i]);
	free(r->programmes);
	free(r);
}

static const struct programme *programme_by_id(const struct report *r, int64_t id)
{
	for (size_t i = 0; i < r->nprogrammes; i++)
		if (r->programmes[i].id == id)
			return &r->programmes[i];
	return NULL;
}

static void gather_recommendations(struct report *r, struct report_country *c, const struct programme_link *links,
				   size_t nlinks)
{
	for (size_t i = 0; i < r->rows.nrecommendations; i++) {
		const struct response_recommendation *rec = &r->rows.recommendations[i];
		struct report_recommendation *x;
		if (rec->year != r->year || strcmp(rec->country, c->country))
			continue;
		c->recs = xrealloc(c->recs, ((size_t)c->nrecs + 1) * sizeof(*c->recs));
		x = &c->recs[c->nrecs++];
		x->rec = rec;
		x->programmes = xcalloc(nlinks + 1, sizeof(*x->programmes));
		x->nprogrammes = 0;
		for (size_t k = 0; k < nlinks; k++) {
			const struct programme *p;
			if (links[k].recommendation_id != rec->id)
				continue;
			if ((p = programme_by_id(r, links[k].programme_id)))
				x->programmes[x->nprogrammes++] = p;
		}
	}
}

static void gather_history(struct report *r, struct report_country *c)
{
	int first = r->year - REPORT_HISTORY_YEARS + 1;
	for (int k = 0; k < REPORT_HISTORY_YEARS; k++)
		c->history[k] = "";
	for (size_t i = 0; i < r->ntiers; i++) {
		const struct tier_entry *e = &r->tiers[i];
		int k = e->year - first;
		if (strcmp(e->country, c->country) || k < 0 || k >= REPORT_HISTORY_YEARS)
			continue;
		/* Sanad's own assessment wins over an imported placement */
		if (!strcmp(e->source, "assessment") || !c->history_assessed[k]) {
			c->history[k] = e->tier;
			c->history_assessed[k] = !strcmp(e->source, "assessment");
		}
	}
	/* earlier years assessed from the same records, even if never stored */
	for (int i = 0; i < r->assessment.nrecords; i++) {
		const struct assess_record *a = &r->assessment.records[i];
		int k = a->year - first;
		if (strcmp(a->country, c->country) || k < 0 || k >= REPORT_HISTORY_YEARS)
			continue;
		c->history[k] = assess_tier_name(r->assessment.results[i].tier);
		c->history_assessed[k] = 1;
	}
}

int report_build(struct storage *st, const struct report_options *opt, struct report **out,
		 struct sanad_error *err)
{
	struct report *r = xcalloc(1, sizeof(*r));
	struct programme_link *links = NULL;
	size_t nlinks = 0;
	struct sanad_date today = date_today();
	int rc;

	*out = NULL;
	r->year = opt->year;
	response_period(opt->year, r->from, r->to);
	date_format(&today, r->generated);
	if ((rc = response_strings_load(err)))
		goto fail;
	if ((rc = storage_response_load(st, opt->country, ASSESS_YEAR_MIN, opt->year, &r->rows, err)) ||
	    (rc = response_assess(st, opt->country, opt->year, &r->assessment, err)) ||
	    (rc = storage_tier_list(st, opt->country, &r->tiers, &r->ntiers, err)) ||
	    (rc = storage_programme_list(st, NULL, &r->programmes, &r->nprogrammes, err)) ||
	    (rc = storage_programme_links(st, &links, &nlinks, err)))
		goto fail;

	for (size_t i = 0; i < r->rows.nfindings; i++) {
		const struct response_finding *f = &r->rows.findings[i];
		struct report_country *c;
		int a;
		if (f->year != opt->year)
			continue;
		r->countries = xrealloc(r->countries, ((size_t)r->ncountries + 1) * sizeof(*r->countries));
		c = &r->countries[r->ncountries++];
		memset(c, 0, sizeof(*c));
		snprintf(c->country, sizeof(c->country), "%s", f->country);
		c->finding = f;
		if ((rc = response_figures_compute(st, &r->rows, f->country, opt->year, &c->fig, err)) ||
		    (rc = response_figures_compute(st, &r->rows, f->country, opt->year - 1, &c->prev, err)))
			goto fail;
		response_checks_compute(&c->fig, &c->prev, c->checks);
		a = response_assessment_find(&r->assessment, f->country, opt->year);
		if (a >= 0) {
			c->record = &r->assessment.records[a];
			c->result = &r->assessment.results[a];
			c->watch_list_waived = c->result->waiver_years > 0 && c->result->tier == ASSESS_TIER_2WL;
		}
		gather_recommendations(r, c, links, nlinks);
		gather_history(r, c);
	}
	if (!r->ncountries) {
		if (opt->country)
			rc = sanad_error_set(err, SANAD_ENOTFOUND,
					     "no finding is recorded for %s %d, so there is nothing to report (record it with "
					     "'sanad response add finding')",
					     opt->country, opt->year);
		else
			rc = sanad_error_set(err, SANAD_ENOTFOUND,
					     "no country has a finding recorded for %d, so there is nothing to report "
					     "(record findings with 'sanad response add finding' or 'sanad response import')",
					     opt->year);
		goto fail;
	}
	programme_links_free(links, nlinks);
	*out = r;
	return 0;
fail:
	programme_links_free(links, nlinks);
	report_free(r);
	return rc;
}
