/*
 * response/checks.c: the figures of a country-year computed from its
 * concrete records, the guideline checks of seed 000 ("Prosecution",
 * "Protection", "Prevention"), and the assessment built from the stored
 * records through the engine of src/assess.
 *
 * Counting rules (docs/assessment.md, "Figures and guideline checks"):
 *   - only records whose action is concrete_action count; the others are
 *     counted in not_counted and shown apart;
 *   - a stage with no concrete record is "not known", not zero (record an
 *     explicit count 0 to say "none");
 *   - complicity cases: the largest of the official-involved counts of the
 *     three stages, so that a case followed from investigation to
 *     conviction is not counted three times;
 *   - counts of the same fact kind in a year add up; for yes/no kinds one
 *     concrete "yes" is enough;
 *   - the prescribed penalty in force is the least term among the concrete
 *     penalties of the latest report year up to this one that has any
 *     (laws stay in force until the analyst records a change).
 */
#include "response/response_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct response_check_def check_defs[RESPONSE_CHECK_COUNT] = {
	[CHECK_PRESCRIBED_PENALTY] = { "prescribed_penalty", "prosecution", 0, NULL },
	[CHECK_IMPOSED_SENTENCES] = { "imposed_sentences", "prosecution", 0, NULL },
	[CHECK_SUSPENDED_SENTENCES] = { "suspended_sentences", "prosecution", 0, NULL },
	[CHECK_INCREASING_EFFORTS] = { "increasing_efforts", "prosecution", 0, NULL },
	[CHECK_PROACTIVE_IDENTIFICATION] = { "proactive_identification", "protection", 1, "proactive_identification" },
	[CHECK_SHELTER_CARE] = { "shelter_care", "protection", 1, "shelter_care_funded" },
	[CHECK_NO_IMMIGRATION_DETENTION] = { "no_immigration_detention", "protection", 1, "immigration_detention" },
	[CHECK_LEGAL_AID] = { "legal_aid", "protection", 0, "legal_aid" },
	[CHECK_VICTIM_LANGUAGE_INFORMATION] = { "victim_language_information", "protection", 0,
						"victim_language_information" },
	[CHECK_SAFE_REPATRIATION] = { "safe_repatriation", "protection", 0, "safe_repatriation" },
	[CHECK_DEMAND_REDUCTION] = { "demand_reduction", "prevention", 0, "demand_reduction" },
	[CHECK_SUPPLY_CHAIN] = { "supply_chain", "prevention", 0, "supply_chain" },
	[CHECK_CHILD_SEX_TOURISM] = { "child_sex_tourism", "prevention", 0, "child_sex_tourism" },
	[CHECK_NATIONAL_ACTION_PLAN] = { "national_action_plan", "prevention", 0, "national_action_plan" },
};

static const char *const figure_codes[RESPONSE_FIGURE_COUNT] = {
	"investigations", "prosecutions", "convictions", "victims_identified", "victims_assisted", "complicity_cases",
};

const struct response_check_def *response_check_defs(void)
{
	return check_defs;
}

int response_check_find(const char *code)
{
	for (int i = 0; i < RESPONSE_CHECK_COUNT; i++)
		if (code && !strcmp(check_defs[i].code, code))
			return i;
	return -1;
}

const char *response_figure_code(enum response_figure f)
{
	return (unsigned)f < RESPONSE_FIGURE_COUNT ? figure_codes[f] : "?";
}

const char *response_status_code(enum response_status s)
{
	return s == RESPONSE_MET ? "met" : s == RESPONSE_UNMET ? "unmet" : "not_known";
}

const char *response_check_recommendation(const struct response_check_def *def, enum vocab_lang lang)
{
	char key[80];
	const char *t;
	snprintf(key, sizeof(key), "rec.%s", def->code);
	t = response_string(key, lang);
	return t ? t : def->code;
}

void response_figures_release(struct response_figures *f)
{
	free(f->penalty_law);
	f->penalty_law = NULL;
}

static const struct response_finding *find_finding(const struct response_rows *rows, const char *country, int year)
{
	for (size_t i = 0; i < rows->nfindings; i++)
		if (rows->findings[i].year == year && !strcmp(rows->findings[i].country, country))
			return &rows->findings[i];
	return NULL;
}

static void add_to(int64_t *slot, int64_t n)
{
	*slot = (*slot < 0 ? 0 : *slot) + n;
}

/* The penalty in force: concrete penalties of the latest year <= year. */
static void penalty_in_force(const struct response_rows *rows, const char *country, int year,
			     struct response_figures *out)
{
	int best_year = 0;
	for (size_t i = 0; i < rows->npenalties; i++) {
		const struct response_penalty *p = &rows->penalties[i];
		if (strcmp(p->country, country) || p->year > year || !response_action_counts(p->action))
			continue;
		if (p->year > best_year)
			best_year = p->year;
	}
	if (!best_year)
		return;
	for (size_t i = 0; i < rows->npenalties; i++) {
		const struct response_penalty *p = &rows->penalties[i];
		if (strcmp(p->country, country) || p->year != best_year || !response_action_counts(p->action))
			continue;
		if (out->prescribed_penalty_years < 0 || p->min_years < out->prescribed_penalty_years) {
			out->prescribed_penalty_years = p->min_years;
			free(out->penalty_law);
			out->penalty_law = xstrdup(p->law);
		}
	}
	out->penalty_year = best_year;
}

int response_figures_compute(struct storage *st, const struct response_rows *rows, const char *country, int year,
			     struct response_figures *out, struct sanad_error *err)
{
	const struct response_finding *finding = find_finding(rows, country, year);
	int64_t official[3] = { 0, 0, 0 }, one_year = 0, suspended = 0;
	int any_justice = 0;

	memset(out, 0, sizeof(*out));
	snprintf(out->country, sizeof(out->country), "%s", country);
	out->year = year;
	for (int i = 0; i < RESPONSE_FIGURE_COUNT; i++)
		out->figure[i] = ASSESS_UNKNOWN;
	for (int i = 0; i < 32; i++) {
		out->fact_flag[i] = -1;
		out->fact_count[i] = -1;
	}
	out->sentences_one_year_or_more = ASSESS_UNKNOWN;
	out->suspended_sentences = ASSESS_UNKNOWN;
	out->prescribed_penalty_years = -1;
	out->has_finding = finding != NULL;
	out->has_records = finding != NULL;
	out->victims_from_register = finding && finding->victims_from_register;

	for (size_t i = 0; i < rows->njustice; i++) {
		const struct response_justice *j = &rows->justice[i];
		int stage;
		if (j->year != year || strcmp(j->country, country))
			continue;
		out->has_records = 1;
		if (!response_action_counts(j->action)) {
			out->not_counted++;
			continue;
		}
		stage = !strcmp(j->stage, "investigation") ? RESPONSE_INVESTIGATIONS
			: !strcmp(j->stage, "prosecution") ? RESPONSE_PROSECUTIONS
							   : RESPONSE_CONVICTIONS;
		any_justice = 1;
		add_to(&out->figure[stage], j->count);
		if (j->official_involved)
			official[stage] += j->count;
		if (stage != RESPONSE_CONVICTIONS)
			continue;
		if (j->sentence_months >= 0) {
			out->sentences_known += j->count;
			if (j->sentence_months >= RESPONSE_ONE_YEAR_MONTHS && j->suspended != 1)
				one_year += j->count;
		}
		if (j->suspended >= 0) {
			out->suspended_known += j->count;
			if (j->suspended == 1)
				suspended += j->count;
		}
	}
	if (any_justice) {
		int64_t most = official[0];
		for (int s = 1; s < 3; s++)
			if (official[s] > most)
				most = official[s];
		out->figure[RESPONSE_COMPLICITY_CASES] = most;
	}
	if (out->sentences_known)
		out->sentences_one_year_or_more = one_year;
	if (out->suspended_known)
		out->suspended_sentences = suspended;

	for (size_t i = 0; i < rows->nfacts; i++) {
		const struct response_fact *f = &rows->facts[i];
		int k;
		if (f->year != year || strcmp(f->country, country))
			continue;
		out->has_records = 1;
		k = response_fact_kind_find(f->kind);
		if (k < 0)
			continue;
		if (!response_action_counts(f->action)) {
			out->not_counted++;
			out->fact_planned[k]++;
			continue;
		}
		if (f->count >= 0)
			add_to(&out->fact_count[k], f->count);
		if (f->flag >= 0)
			out->fact_flag[k] = out->fact_flag[k] == 1 ? 1 : f->flag;
	}
	for (size_t i = 0; i < rows->npenalties; i++) {
		const struct response_penalty *p = &rows->penalties[i];
		if (p->year != year || strcmp(p->country, country))
			continue;
		out->has_records = 1;
		if (!response_action_counts(p->action))
			out->not_counted++;
	}
	penalty_in_force(rows, country, year, out);

	if (out->victims_from_register) {
		char from[11], to[11];
		int rc;
		response_period(year, from, to);
		rc = storage_register_victims(st, country, from, to, &out->figure[RESPONSE_VICTIMS_IDENTIFIED],
					      &out->figure[RESPONSE_VICTIMS_ASSISTED], err);
		if (rc) {
			response_figures_release(out);
			return rc;
		}
	} else {
		out->figure[RESPONSE_VICTIMS_IDENTIFIED] = out->fact_count[response_fact_kind_find("victims_identified")];
		out->figure[RESPONSE_VICTIMS_ASSISTED] = out->fact_count[response_fact_kind_find("victims_assisted")];
	}
	return 0;
}

/* ---- checks ---- */

static void num(char out[32], int64_t v)
{
	snprintf(out, 32, "%lld", (long long)v);
}

/* Fill both languages of c->detail from key with the same slots. */
static void detail(struct response_check *c, const char *key, const char *const *pairs)
{
	for (int lang = 0; lang < 2; lang++) {
		struct strbuf sb = STRBUF_INIT;
		response_format(&sb, key, (enum vocab_lang)lang, pairs);
		free(c->detail[lang]);
		c->detail[lang] = strbuf_detach(&sb);
	}
}

static void check_penalty(const struct response_figures *f, struct response_check *c)
{
	char years[32], pyear[16];
	if (f->prescribed_penalty_years < 0) {
		c->status = RESPONSE_NOT_KNOWN;
		detail(c, "check.prescribed_penalty.not_known", NULL);
		return;
	}
	response_number(years, f->prescribed_penalty_years);
	snprintf(pyear, sizeof(pyear), "%d", f->penalty_year);
	c->status = f->prescribed_penalty_years >= ASSESS_MIN_PRESCRIBED_PENALTY_YEARS ? RESPONSE_MET : RESPONSE_UNMET;
	detail(c, c->status == RESPONSE_MET ? "check.prescribed_penalty.met" : "check.prescribed_penalty.unmet",
	       (const char *const[]){ "years", years, "law", f->penalty_law ? f->penalty_law : "", "penalty_year",
				      pyear, NULL });
}

static void check_sentences(const struct response_figures *f, struct response_check *c)
{
	int64_t conv = f->figure[RESPONSE_CONVICTIONS];
	char n[32], total[32], known[32];
	if (conv <= 0 || f->sentences_one_year_or_more == ASSESS_UNKNOWN) {
		c->status = RESPONSE_NOT_KNOWN;
		detail(c, conv == 0 ? "check.imposed_sentences.no_convictions" : "check.imposed_sentences.not_known",
		       NULL);
		return;
	}
	num(n, f->sentences_one_year_or_more);
	num(total, conv);
	num(known, f->sentences_known);
	c->status = 2 * f->sentences_one_year_or_more > conv ? RESPONSE_MET : RESPONSE_UNMET;
	detail(c, c->status == RESPONSE_MET ? "check.imposed_sentences.met" : "check.imposed_sentences.unmet",
	       (const char *const[]){ "n", n, "convictions", total, "known", known, NULL });
}

static void check_suspended(const struct response_figures *f, struct response_check *c)
{
	int64_t conv = f->figure[RESPONSE_CONVICTIONS];
	char n[32], total[32], pct[32];
	if (conv <= 0 || f->suspended_sentences == ASSESS_UNKNOWN) {
		c->status = RESPONSE_NOT_KNOWN;
		detail(c, conv == 0 ? "check.imposed_sentences.no_convictions" : "check.suspended_sentences.not_known",
		       NULL);
		return;
	}
	num(n, f->suspended_sentences);
	num(total, conv);
	response_number(pct, 100.0 * (double)f->suspended_sentences / (double)conv);
	c->status = f->suspended_sentences == 0 ? RESPONSE_MET : RESPONSE_UNMET;
	detail(c, c->status == RESPONSE_MET ? "check.suspended_sentences.met" : "check.suspended_sentences.unmet",
	       (const char *const[]){ "n", n, "convictions", total, "percent", pct, NULL });
}

static void check_increasing(const struct response_figures *cur, const struct response_figures *prev,
			     struct response_check *c)
{
	static const enum response_figure compared[] = { RESPONSE_INVESTIGATIONS, RESPONSE_PROSECUTIONS,
							 RESPONSE_CONVICTIONS, RESPONSE_VICTIMS_ASSISTED,
							 RESPONSE_COMPLICITY_CASES };
	char pyear[16];
	int better = 0;
	snprintf(pyear, sizeof(pyear), "%d", cur->year - 1);
	if (!prev || !prev->has_records) {
		c->status = RESPONSE_NOT_KNOWN;
		detail(c, "check.increasing_efforts.not_known", (const char *const[]){ "previous_year", pyear, NULL });
		return;
	}
	for (size_t i = 0; i < sizeof(compared) / sizeof(compared[0]); i++) {
		int64_t a = prev->figure[compared[i]], b = cur->figure[compared[i]];
		if (a == ASSESS_UNKNOWN || b == ASSESS_UNKNOWN)
			continue;
		better = better || (compared[i] == RESPONSE_COMPLICITY_CASES ? b < a : b > a);
	}
	c->status = better ? RESPONSE_MET : RESPONSE_UNMET;
	detail(c, better ? "check.increasing_efforts.met" : "check.increasing_efforts.unmet",
	       (const char *const[]){ "previous_year", pyear, NULL });
}

static void check_fact(const struct response_figures *f, struct response_check *c)
{
	int k = response_fact_kind_find(c->def->fact);
	char key[96], n[32];
	const char *label[2];
	snprintf(key, sizeof(key), "check.%s.label", c->def->code);
	label[0] = response_string(key, VOCAB_EN);
	label[1] = response_string(key, VOCAB_AR);
	if (k < 0)
		return;
	if (!strcmp(c->def->code, "no_immigration_detention")) {
		int64_t count = f->fact_count[k];
		int flag = f->fact_flag[k];
		num(n, count);
		if (count > 0 || flag == 1) {
			c->status = RESPONSE_UNMET;
			detail(c, count > 0 ? "check.no_immigration_detention.unmet_count"
					    : "check.no_immigration_detention.unmet",
			       (const char *const[]){ "n", n, NULL });
		} else if (count == 0 || flag == 0) {
			c->status = RESPONSE_MET;
			detail(c, "check.no_immigration_detention.met", NULL);
		} else {
			c->status = RESPONSE_NOT_KNOWN;
			detail(c, "check.no_immigration_detention.not_known", NULL);
		}
		return;
	}
	for (int lang = 0; lang < 2; lang++) {
		struct strbuf sb = STRBUF_INIT;
		const char *which = f->fact_flag[k] == 1   ? "check.flag.met"
				    : f->fact_flag[k] == 0 ? "check.flag.unmet"
				    : f->fact_planned[k]   ? "check.flag.planned"
							   : "check.flag.not_known";
		response_format(&sb, which, (enum vocab_lang)lang,
				(const char *const[]){ "label", label[lang] ? label[lang] : c->def->code, NULL });
		free(c->detail[lang]);
		c->detail[lang] = strbuf_detach(&sb);
	}
	c->status = f->fact_flag[k] == 1 ? RESPONSE_MET
		    : f->fact_flag[k] == 0 || f->fact_planned[k] ? RESPONSE_UNMET
								  : RESPONSE_NOT_KNOWN;
}

void response_checks_compute(const struct response_figures *cur, const struct response_figures *prev,
			     struct response_check *checks)
{
	for (int i = 0; i < RESPONSE_CHECK_COUNT; i++) {
		memset(&checks[i], 0, sizeof(checks[i]));
		checks[i].def = &check_defs[i];
	}
	check_penalty(cur, &checks[CHECK_PRESCRIBED_PENALTY]);
	check_sentences(cur, &checks[CHECK_IMPOSED_SENTENCES]);
	check_suspended(cur, &checks[CHECK_SUSPENDED_SENTENCES]);
	check_increasing(cur, prev, &checks[CHECK_INCREASING_EFFORTS]);
	for (int i = CHECK_PROACTIVE_IDENTIFICATION; i < RESPONSE_CHECK_COUNT; i++)
		check_fact(cur, &checks[i]);
}

void response_check_release(struct response_check *c)
{
	free(c->detail[0]);
	free(c->detail[1]);
	c->detail[0] = c->detail[1] = NULL;
}

static json_t *figure_json(int64_t v)
{
	return v == ASSESS_UNKNOWN ? json_null() : json_integer(v);
}

json_t *response_checks_json(const struct response_figures *cur, const struct response_figures *prev,
			     const struct response_check *checks)
{
	json_t *o = json_object(), *figs = json_object(), *changes = json_array(), *arr = json_array();
	struct strbuf note = STRBUF_INIT;
	json_object_set_new(o, "country", json_string(cur->country));
	json_object_set_new(o, "year", json_integer(cur->year));
	for (int i = 0; i < RESPONSE_FIGURE_COUNT; i++)
		json_object_set_new(figs, figure_codes[i], figure_json(cur->figure[i]));
	json_object_set_new(figs, "victims_from_register", json_boolean(cur->victims_from_register));
	json_object_set_new(figs, "sentences_one_year_or_more", figure_json(cur->sentences_one_year_or_more));
	json_object_set_new(figs, "suspended_sentences", figure_json(cur->suspended_sentences));
	json_object_set_new(figs, "prescribed_penalty_years",
			    cur->prescribed_penalty_years < 0 ? json_null() : json_real(cur->prescribed_penalty_years));
	json_object_set_new(o, "figures", figs);
	for (int i = 0; i < RESPONSE_FIGURE_COUNT; i++) {
		int64_t a = prev && prev->has_records ? prev->figure[i] : ASSESS_UNKNOWN, b = cur->figure[i];
		json_array_append_new(changes,
				      json_pack("{s:s, s:o, s:o, s:o}", "figure", figure_codes[i], "this_year",
						figure_json(b), "previous_year", figure_json(a), "change",
						a == ASSESS_UNKNOWN || b == ASSESS_UNKNOWN ? json_null()
											   : json_integer(b - a)));
	}
	json_object_set_new(o, "changes", changes);
	for (int i = 0; i < RESPONSE_CHECK_COUNT; i++) {
		const struct response_check *c = &checks[i];
		json_t *x = json_pack("{s:s, s:s, s:b, s:s, s:s, s:s}", "check", c->def->code, "pillar", c->def->pillar,
				      "critical", c->def->critical, "status", response_status_code(c->status), "detail",
				      c->detail[0] ? c->detail[0] : "", "detail_ar", c->detail[1] ? c->detail[1] : "");
		if (c->status == RESPONSE_UNMET) {
			json_object_set_new(x, "recommendation",
					    json_string(response_check_recommendation(c->def, VOCAB_EN)));
			json_object_set_new(x, "recommendation_ar",
					    json_string(response_check_recommendation(c->def, VOCAB_AR)));
		}
		json_array_append_new(arr, x);
	}
	json_object_set_new(o, "checks", arr);
	json_object_set_new(o, "not_counted", json_integer(cur->not_counted));
	response_format(&note, "note.concrete_only", VOCAB_EN, NULL);
	json_object_set_new(o, "note", json_string(strbuf_str(&note)));
	strbuf_release(&note);
	return o;
}

/* ---- the assessment ---- */

json_t *response_assess_record_json(const struct response_finding *finding, const struct response_figures *fig)
{
	json_t *o = json_object(), *waivers = json_array();
	json_object_set_new(o, "country", json_string(fig->country));
	json_object_set_new(o, "year", json_integer(fig->year));
	json_object_set_new(o, "finding", json_string(finding->finding));
	if (finding->justification || finding->justification_ar)
		json_object_set_new(o, "justification",
				    json_string(finding->justification ? finding->justification : finding->justification_ar));
	json_object_set_new(o, "victims", figure_json(fig->figure[RESPONSE_VICTIMS_IDENTIFIED]));
	json_object_set_new(o, "investigations", figure_json(fig->figure[RESPONSE_INVESTIGATIONS]));
	json_object_set_new(o, "prosecutions", figure_json(fig->figure[RESPONSE_PROSECUTIONS]));
	json_object_set_new(o, "convictions", figure_json(fig->figure[RESPONSE_CONVICTIONS]));
	json_object_set_new(o, "victims_assisted", figure_json(fig->figure[RESPONSE_VICTIMS_ASSISTED]));
	json_object_set_new(o, "complicity_cases", figure_json(fig->figure[RESPONSE_COMPLICITY_CASES]));
	json_object_set_new(o, "efforts_rest_on_commitments", json_boolean(finding->efforts_rest_on_commitments));
	for (const char *p = finding->waivers; p && *p;) {
		size_t n = strcspn(p, ";");
		json_array_append_new(waivers, json_stringn(p, n));
		p += n + (p[n] == ';');
	}
	json_object_set_new(o, "waivers", waivers);
	json_object_set_new(o, "compliant_before_sanctions", json_boolean(finding->compliant_before_sanctions));
	json_object_set_new(o, "prescribed_penalty_years",
			    fig->prescribed_penalty_years < 0 ? json_null() : json_real(fig->prescribed_penalty_years));
	json_object_set_new(o, "sentences_one_year_or_more", figure_json(fig->sentences_one_year_or_more));
	json_object_set_new(o, "suspended_sentences", figure_json(fig->suspended_sentences));
	return o;
}

/* The engine's reasons are about what it counted; say what it was not
 * given (seed 000, Methodology: plans, conferences and task forces alone
 * carry little weight; laws not yet enacted do not count). */
static void add_not_counted_reason(const struct assess_record *r, struct assess_result *res, int n)
{
	struct strbuf sb = STRBUF_INIT;
	strbuf_addf(&sb,
		    "Not counted as efforts: %d record%s of %s %d (plans, conferences, task forces or draft laws); the "
		    "figures and guideline checks use concrete actions only.",
		    n, n == 1 ? "" : "s", r->country, r->year);
	res->reasons = xrealloc(res->reasons, ((size_t)res->nreasons + 1) * sizeof(*res->reasons));
	res->reasons[res->nreasons++] = strbuf_detach(&sb);
}

void response_assessment_release(struct response_assessment *a)
{
	for (int i = 0; a->results && i < a->nrecords; i++)
		assess_result_release(&a->results[i]);
	free(a->results);
	assess_records_free(a->records, a->nrecords);
	json_decref(a->input);
	memset(a, 0, sizeof(*a));
}

int response_assess(struct storage *st, const char *country, int year, struct response_assessment *out,
		    struct sanad_error *err)
{
	struct response_rows rows;
	json_t *settings, *records;
	int *not_counted;
	int rc;

	memset(out, 0, sizeof(*out));
	if ((rc = response_settings_get(st, &settings, err)))
		return rc;
	if ((rc = storage_response_load(st, country, ASSESS_YEAR_MIN, year, &rows, err))) {
		json_decref(settings);
		return rc;
	}
	records = json_array();
	not_counted = xcalloc(rows.nfindings + 1, sizeof(*not_counted));
	for (size_t i = 0; i < rows.nfindings; i++) {
		struct response_figures fig;
		if ((rc = response_figures_compute(st, &rows, rows.findings[i].country, rows.findings[i].year, &fig,
						   err)))
			break;
		json_array_append_new(records, response_assess_record_json(&rows.findings[i], &fig));
		not_counted[i] = fig.not_counted;
		response_figures_release(&fig);
	}
	response_rows_release(&rows);
	out->input = json_pack("{s:o, s:o}", "settings", settings ? settings : json_object(), "records", records);
	if (rc) {
		free(not_counted);
		response_assessment_release(out);
		return rc;
	}
	if ((rc = assess_parse(out->input, &out->settings, &out->records, &out->nrecords, err))) {
		sanad_error_prefix(err, "the stored records do not make a valid assessment input: ");
		free(not_counted);
		response_assessment_release(out);
		return rc;
	}
	out->results = xcalloc((size_t)out->nrecords + 1, sizeof(*out->results));
	if ((rc = assess_evaluate(&out->settings, out->records, out->nrecords, out->results, err))) {
		free(not_counted);
		response_assessment_release(out);
		return rc;
	}
	/* assess_parse keeps the input order, so records[i] is finding i */
	for (int i = 0; i < out->nrecords; i++)
		if (not_counted[i])
			add_not_counted_reason(&out->records[i], &out->results[i], not_counted[i]);
	free(not_counted);
	return 0;
}

int response_assessment_find(const struct response_assessment *a, const char *country, int year)
{
	for (int i = 0; i < a->nrecords; i++)
		if (a->records[i].year == year && !strcmp(a->records[i].country, country))
			return i;
	return -1;
}

int response_assessment_store(struct storage *st, const struct response_assessment *a, int year,
			      struct sanad_error *err)
{
	int rc;
	if ((rc = storage_begin(st, err)))
		return rc;
	for (int i = 0; !rc && i < a->nrecords; i++) {
		struct tier_entry e = { 0 };
		struct strbuf crit = STRBUF_INIT;
		json_t *obj;
		if (a->records[i].year != year)
			continue;
		for (int k = 0; k < 3; k++)
			if (a->results[i].watch_list_criteria & (1u << k))
				strbuf_addf(&crit, "%s%c", crit.len ? ";" : "", "abc"[k]);
		obj = assess_result_json(&a->records[i], &a->results[i]);
		snprintf(e.country, sizeof(e.country), "%s", a->records[i].country);
		e.year = year;
		e.source = "assessment";
		e.tier = (char *)assess_tier_name(a->results[i].tier);
		e.criteria = crit.len ? crit.buf : NULL;
		e.result = json_dumps(obj, JSON_COMPACT);
		rc = storage_tier_put(st, &e, err);
		free(e.result);
		json_decref(obj);
		strbuf_release(&crit);
	}
	if (!rc)
		rc = storage_commit(st, err);
	if (rc)
		storage_rollback(st);
	return rc;
}
