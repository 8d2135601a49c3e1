/*
 * report/json.c: the report's data export — the same content as the
 * narrative, as data: for each country its placement with the engine's
 * reasons, the finding, the figures of the year and the year before, the
 * guideline checks, the recommendations with their programmes, and the
 * tier history.  Labels and sentences are in the language asked for;
 * codes are the stable values a program should read.
 */
#include "report/report_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "response/response_internal.h"

static json_t *count_json(int64_t v)
{
	return v == ASSESS_UNKNOWN ? json_null() : json_integer(v);
}

static json_t *text_json(const char *s)
{
	return s ? json_string(s) : json_null();
}

static json_t *figures_json(const struct response_figures *f)
{
	json_t *o;
	if (!f->has_records)
		return json_null();
	o = json_object();
	for (int i = 0; i < RESPONSE_FIGURE_COUNT; i++)
		json_object_set_new(o, response_figure_code((enum response_figure)i), count_json(f->figure[i]));
	json_object_set_new(o, "victims_from_register", json_boolean(f->victims_from_register));
	json_object_set_new(o, "sentences_one_year_or_more", count_json(f->sentences_one_year_or_more));
	json_object_set_new(o, "suspended_sentences", count_json(f->suspended_sentences));
	json_object_set_new(o, "prescribed_penalty_years",
			    f->prescribed_penalty_years < 0 ? json_null() : json_real(f->prescribed_penalty_years));
	json_object_set_new(o, "not_counted", json_integer(f->not_counted));
	return o;
}

static json_t *country_json(const struct report *r, const struct report_country *c, enum vocab_lang lang)
{
	json_t *o = json_object(), *checks = json_array(), *recs = json_array(), *hist = json_array();
	char key[96];

	json_object_set_new(o, "country", json_string(c->country));
	json_object_set_new(o, "name", json_string(vocab_label("country", c->country, lang)));
	json_object_set_new(o, "year", json_integer(c->fig.year));
	if (c->result) {
		json_t *placement = assess_result_json(c->record, c->result);
		json_object_set_new(placement, "tier_label",
				    json_string(report_tier_name(assess_tier_name(c->result->tier), lang)));
		json_object_set_new(placement, "watch_list_waiver_applied", json_boolean(c->watch_list_waived));
		json_object_set_new(o, "placement", placement);
	}
	json_object_set_new(o, "finding",
			    json_pack("{s:s, s:o, s:o, s:o, s:o}", "finding", c->finding->finding, "justification",
				      text_json(c->finding->justification), "justification_ar",
				      text_json(c->finding->justification_ar), "scope", text_json(c->finding->scope),
				      "scope_ar", text_json(c->finding->scope_ar)));
	json_object_set_new(o, "figures", figures_json(&c->fig));
	json_object_set_new(o, "previous_year_figures", figures_json(&c->prev));
	for (int i = 0; i < RESPONSE_CHECK_COUNT; i++) {
		const struct response_check *k = &c->checks[i];
		json_t *x;
		snprintf(key, sizeof(key), "check.%s.label", k->def->code);
		x = json_pack("{s:s, s:s, s:s, s:b, s:s, s:s}", "check", k->def->code, "label",
			      response_string(key, lang) ? response_string(key, lang) : k->def->code, "pillar",
			      k->def->pillar, "critical", k->def->critical, "status", response_status_code(k->status),
			      "detail", k->detail[lang] ? k->detail[lang] : "");
		if (k->status == RESPONSE_UNMET)
			json_object_set_new(x, "suggested_recommendation",
					    json_string(response_check_recommendation(k->def, lang)));
		json_array_append_new(checks, x);
	}
	json_object_set_new(o, "checks", checks);
	for (int i = 0; i < c->nrecs; i++) {
		const struct report_recommendation *x = &c->recs[i];
		json_t *progs = json_array();
		char ref[24];
		response_recommendation_ref(x->rec, ref);
		for (int k = 0; k < x->nprogrammes; k++)
			json_array_append_new(progs, json_string(x->programmes[k]->code));
		json_array_append_new(recs, json_pack("{s:s, s:o, s:o, s:s, s:s, s:o}", "ref", ref, "pillar",
						      text_json(x->rec->pillar), "check", text_json(x->rec->check_code),
						      "text", lang == VOCAB_AR ? x->rec->text_ar : x->rec->text,
						      "text_other_language", lang == VOCAB_AR ? x->rec->text : x->rec->text_ar,
						      "programmes", progs));
	}
	json_object_set_new(o, "recommendations", recs);
	for (size_t i = 0; i < r->ntiers; i++) {
		const struct tier_entry *e = &r->tiers[i];
		if (strcmp(e->country, c->country) || e->year > r->year)
			continue;
		json_array_append_new(hist, json_pack("{s:i, s:s, s:s, s:o}", "year", e->year, "source", e->source,
						      "tier", e->tier, "criteria", text_json(e->criteria)));
	}
	json_object_set_new(o, "tier_history", hist);
	return o;
}

json_t *report_json(const struct report *r, enum vocab_lang lang)
{
	json_t *o = json_object(), *countries = json_array();
	char year[16];
	char *title;
	snprintf(year, sizeof(year), "%d", r->year);
	title = report_text("report.title", lang, (const char *const[]){ "year", year, NULL });
	json_object_set_new(o, "format", json_string("sanad-report-1"));
	json_object_set_new(o, "title", json_string(title));
	free(title);
	json_object_set_new(o, "language", json_string(lang == VOCAB_AR ? "ar" : "en"));
	json_object_set_new(o, "year", json_integer(r->year));
	json_object_set_new(o, "period", json_pack("{s:s, s:s}", "from", r->from, "to", r->to));
	json_object_set_new(o, "generated", json_string(r->generated));
	{
		struct strbuf note = STRBUF_INIT;
		response_format(&note, "note.concrete_only", lang, NULL);
		json_object_set_new(o, "counting_rule", json_string(strbuf_str(&note)));
		strbuf_release(&note);
	}
	for (int i = 0; i < r->ncountries; i++)
		json_array_append_new(countries, country_json(r, &r->countries[i], lang));
	json_object_set_new(o, "countries", countries);
	return o;
}
