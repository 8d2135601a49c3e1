/*
 * report/narrative.c: the report as a sequence of blocks (headings,
 * paragraphs, list items, tables) in one language, which html.c and pdf.c
 * lay out.  The order of a country's sections follows the TIP Report's
 * country narratives (seed 000, "How to use this report"): scope and
 * nature, prosecution, protection, prevention, the placement and why, the
 * recommendations.
 *
 * Every fixed sentence comes from data/report-strings.tsv; every label from
 * the vocabularies; the analyst's prose is used in the report's language,
 * and when it exists only in the other language it is shown marked as such
 * rather than dropped.
 */
#include "report/report_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "response/response_internal.h"

static struct block *push(struct doc *d, enum block_kind kind, char *text)
{
	struct block *b;
	ALLOC_GROW(d->blocks, d->nblocks + 1, d->alloc);
	b = &d->blocks[d->nblocks++];
	memset(b, 0, sizeof(*b));
	b->kind = kind;
	b->text = text;
	return b;
}

/* A block whose text is the fixed text of key with slots filled. */
static void pushk(struct doc *d, enum block_kind kind, const char *key, const char *const *pairs)
{
	push(d, kind, report_text(key, d->lang, pairs));
}

void doc_release(struct doc *d)
{
	for (size_t i = 0; i < d->nblocks; i++) {
		struct block *b = &d->blocks[i];
		free(b->text);
		free(b->anchor);
		for (int k = 0; b->cells && k < b->ncols * b->nrows; k++)
			free(b->cells[k]);
		free(b->cells);
	}
	free(d->blocks);
	free(d->title);
	memset(d, 0, sizeof(*d));
}

/* Table cells, collected row by row into a flat array. */
struct cells {
	char **v;
	size_t n, alloc;
};

static void put(struct cells *c, char *text)
{
	ALLOC_GROW(c->v, c->n + 1, c->alloc);
	c->v[c->n++] = text;
}

static void push_table(struct doc *d, int ncols, struct cells *c)
{
	struct block *b = push(d, BLOCK_TABLE, NULL);
	b->ncols = ncols;
	b->nrows = (int)(c->n / (size_t)ncols);
	b->cells = c->v;
	c->v = NULL;
	c->n = c->alloc = 0;
}

static const char *S(const struct doc *d, const char *key)
{
	const char *t = response_string(key, d->lang);
	return t ? t : key;
}

static char *fmt_count(const struct doc *d, int64_t v)
{
	char buf[32];
	if (v == ASSESS_UNKNOWN)
		return xstrdup(S(d, "figure.not_reported"));
	snprintf(buf, sizeof(buf), "%lld", (long long)v);
	return xstrdup(buf);
}

static char *fmt_change(const struct doc *d, int64_t a, int64_t b)
{
	char buf[32];
	if (a == ASSESS_UNKNOWN || b == ASSESS_UNKNOWN)
		return xstrdup(S(d, "figure.no_change_known"));
	/* In a right-to-left paragraph a leading sign is a neutral and would
	 * land after the digits ("100-"); a left-to-right mark keeps "-100". */
	snprintf(buf, sizeof(buf), "%s%+lld", d->lang == VOCAB_AR ? "\xE2\x80\x8E" : "", (long long)(b - a));
	return xstrdup(b == a ? "0" : buf);
}

/* The analyst's prose in the document's language, or the other language's
 * marked as such; NULL when there is none. */
static char *prose(const struct doc *d, const char *en, const char *ar)
{
	const char *mine = d->lang == VOCAB_AR ? ar : en, *other = d->lang == VOCAB_AR ? en : ar;
	if (mine)
		return xstrdup(mine);
	if (other)
		return report_text("text.other_language", d->lang, (const char *const[]){ "text", other, NULL });
	return NULL;
}

static const char *country_name(const struct doc *d, const char *cc)
{
	return vocab_label("country", cc, d->lang);
}

/* " (source: Government officials, 2011-02-01)" */
static void add_source(const struct doc *d, struct strbuf *sb, const char *source, const char *date,
		       const char *ref)
{
	struct strbuf s = STRBUF_INIT;
	strbuf_addstr(&s, vocab_label("fact_source", source, d->lang));
	if (ref)
		strbuf_addf(&s, d->lang == VOCAB_AR ? "، %s" : ", %s", ref);
	strbuf_addch(sb, ' ');
	response_format(sb, "text.source", d->lang, (const char *const[]){ "source", strbuf_str(&s), "date", date, NULL });
	strbuf_release(&s);
}

static const char *sep(const struct doc *d)
{
	return d->lang == VOCAB_AR ? "؛ " : "; ";
}

/* ---- the summary ---- */

static void summary(const struct report *r, struct doc *d)
{
	char year[16], prev_year[16];
	int first = r->year - REPORT_HISTORY_YEARS + 1, used[REPORT_HISTORY_YEARS] = { 0 }, ncols = 4;
	struct cells c = { 0 };

	snprintf(year, sizeof(year), "%d", r->year);
	snprintf(prev_year, sizeof(prev_year), "%d", r->year - 1);
	d->title = report_text("report.title", d->lang, (const char *const[]){ "year", year, NULL });
	push(d, BLOCK_TITLE, xstrdup(d->title));
	pushk(d, BLOCK_SUBTITLE, "report.period", (const char *const[]){ "prev_year", prev_year, "year", year, NULL });
	pushk(d, BLOCK_SUBTITLE, "report.generated", (const char *const[]){ "date", r->generated, NULL });
	pushk(d, BLOCK_PARAGRAPH, "report.intro", NULL);
	pushk(d, BLOCK_NOTE, "note.concrete_only", NULL);
	pushk(d, BLOCK_HEADING, "heading.summary", NULL);

	/* history columns: the years before this one that have any entry */
	for (int i = 0; i < r->ncountries; i++)
		for (int k = 0; k < REPORT_HISTORY_YEARS - 1; k++)
			used[k] = used[k] || r->countries[i].history[k][0];
	for (int k = 0; k < REPORT_HISTORY_YEARS - 1; k++)
		ncols += used[k];
	put(&c, xstrdup(S(d, "summary.country")));
	for (int k = 0; k < REPORT_HISTORY_YEARS - 1; k++)
		if (used[k]) {
			char y[16];
			snprintf(y, sizeof(y), "%d", first + k);
			put(&c, xstrdup(y));
		}
	put(&c, report_text("summary.tier", d->lang, (const char *const[]){ "year", year, NULL }));
	put(&c, xstrdup(S(d, "summary.criteria")));
	put(&c, xstrdup(S(d, "summary.recommendations")));
	for (int i = 0; i < r->ncountries; i++) {
		const struct report_country *rc = &r->countries[i];
		struct strbuf crit = STRBUF_INIT;
		int answered = 0;
		put(&c, xstrdup(country_name(d, rc->country)));
		for (int k = 0; k < REPORT_HISTORY_YEARS - 1; k++) {
			if (!used[k])
				continue;
			if (!rc->history[k][0])
				put(&c, xstrdup("—"));
			else {
				/* "1", "2", "3", and a short form of the Watch List; * marks Sanad's own */
				struct strbuf t = STRBUF_INIT;
				response_format(&t, rc->history[k][1] ? "tier.short.2WL" : "tier.short.plain", d->lang,
						(const char *const[]){ "tier", rc->history[k], NULL });
				if (rc->history_assessed[k])
					strbuf_addch(&t, '*');
				put(&c, strbuf_detach(&t));
			}
		}
		put(&c, xstrdup(rc->result ? report_tier_name(assess_tier_name(rc->result->tier), d->lang) : "—"));
		for (int k = 0; rc->result && k < 3; k++)
			if (rc->result->watch_list_criteria & (1u << k)) {
				static const char *const keys[] = { "criterion.a", "criterion.b", "criterion.c" };
				strbuf_addf(&crit, "%s%s", crit.len ? (d->lang == VOCAB_AR ? "، " : ", ") : "",
					    S(d, keys[k]));
			}
		put(&c, crit.len ? strbuf_detach(&crit) : xstrdup("—"));
		strbuf_release(&crit);
		for (int k = 0; k < rc->nrecs; k++)
			answered += rc->recs[k].nprogrammes > 0;
		{
			char n[16], total[16];
			snprintf(n, sizeof(n), "%d", answered);
			snprintf(total, sizeof(total), "%d", rc->nrecs);
			put(&c, report_text("summary.answered", d->lang, (const char *const[]){ "n", n, "total", total, NULL }));
		}
	}
	push_table(d, ncols, &c);
	pushk(d, BLOCK_NOTE, "summary.legend", NULL);
}

/* ---- a country ---- */

static void figures_table(const struct report_country *c, struct doc *d, const enum response_figure *figs, int n)
{
	struct cells t = { 0 };
	char year[16], prev[16];
	snprintf(year, sizeof(year), "%d", c->fig.year);
	snprintf(prev, sizeof(prev), "%d", c->prev.year);
	put(&t, xstrdup(S(d, "figure.heading")));
	put(&t, xstrdup(year));
	put(&t, xstrdup(prev));
	put(&t, xstrdup(S(d, "figure.change")));
	for (int i = 0; i < n; i++) {
		char key[64];
		int64_t a = c->prev.has_records ? c->prev.figure[figs[i]] : ASSESS_UNKNOWN, b = c->fig.figure[figs[i]];
		snprintf(key, sizeof(key), "figure.%s", response_figure_code(figs[i]));
		put(&t, xstrdup(S(d, key)));
		put(&t, fmt_count(d, b));
		put(&t, fmt_count(d, a));
		put(&t, fmt_change(d, a, b));
	}
	push_table(d, 4, &t);
}

/* The finding with a description of scope and nature: this year's, else
 * the latest earlier year's (the description rarely changes every year). */
static const struct response_finding *scope_finding(const struct report *r, const struct report_country *c)
{
	const struct response_finding *best = NULL;
	for (size_t i = 0; i < r->rows.nfindings; i++) {
		const struct response_finding *f = &r->rows.findings[i];
		if (strcmp(f->country, c->country) || f->year > c->fig.year || (!f->scope && !f->scope_ar))
			continue;
		if (!best || f->year > best->year)
			best = f;
	}
	return best;
}

static void scope(const struct report *r, const struct report_country *c, struct doc *d)
{
	const struct response_finding *sf = scope_finding(r, c);
	char *text = sf ? prose(d, sf->scope, sf->scope_ar) : NULL;
	struct strbuf forms = STRBUF_INIT;
	const struct vocab_list *types = vocab_list_find("exploitation_type");
	pushk(d, BLOCK_HEADING, "heading.scope", NULL);
	if (text && sf->year != c->fig.year) {
		char y[16];
		snprintf(y, sizeof(y), "%d", sf->year);
		pushk(d, BLOCK_PARAGRAPH, "scope.earlier", (const char *const[]){ "year", y, "text", text, NULL });
		free(text);
	} else if (text)
		push(d, BLOCK_PARAGRAPH, text);
	else
		pushk(d, BLOCK_PARAGRAPH, "scope.none", NULL);
	{
		char *n = fmt_count(d, c->fig.figure[RESPONSE_VICTIMS_IDENTIFIED]);
		pushk(d, BLOCK_PARAGRAPH, c->fig.victims_from_register ? "scope.victims_register" : "scope.victims",
		      (const char *const[]){ "n", n, "from", r->from, "to", r->to, NULL });
		free(n);
	}
	/* forms of exploitation in this year's concrete justice records, in list order */
	for (int e = 0; types && e < types->count; e++) {
		int64_t total = 0;
		for (size_t i = 0; i < r->rows.njustice; i++) {
			const struct response_justice *j = &r->rows.justice[i];
			if (j->year == c->fig.year && !strcmp(j->country, c->country) && j->exploitation &&
			    response_action_counts(j->action) && !strcmp(j->exploitation, types->entries[e].code))
				total += j->count;
		}
		if (total)
			strbuf_addf(&forms, "%s%s (%lld)", forms.len ? sep(d) : "", types->entries[e].label[d->lang],
				    (long long)total);
	}
	if (forms.len)
		pushk(d, BLOCK_PARAGRAPH, "scope.forms", (const char *const[]){ "forms", strbuf_str(&forms), NULL });
	strbuf_release(&forms);
}

static void justice_items(const struct report *r, const struct report_country *c, struct doc *d)
{
	for (size_t i = 0; i < r->rows.njustice; i++) {
		const struct response_justice *j = &r->rows.justice[i];
		struct strbuf sb = STRBUF_INIT;
		char n[32];
		if (j->year != c->fig.year || strcmp(j->country, c->country) || !response_action_counts(j->action))
			continue;
		snprintf(n, sizeof(n), "%lld", (long long)j->count);
		strbuf_addf(&sb, "%s: %s", vocab_label("justice_stage", j->stage, d->lang), n);
		if (j->law)
			strbuf_addf(&sb, "%s%s", sep(d), j->law);
		if (j->exploitation)
			strbuf_addf(&sb, "%s%s", sep(d), vocab_label("exploitation_type", j->exploitation, d->lang));
		if (j->sentence_months >= 0) {
			snprintf(n, sizeof(n), "%lld", (long long)j->sentence_months);
			strbuf_addstr(&sb, sep(d));
			response_format(&sb, j->suspended == 1 ? "justice.sentence_suspended" : "justice.sentence",
					d->lang, (const char *const[]){ "months", n, NULL });
		} else if (j->suspended == 1) {
			strbuf_addstr(&sb, sep(d));
			response_format(&sb, "justice.suspended", d->lang, NULL);
		}
		if (j->official_involved) {
			strbuf_addstr(&sb, sep(d));
			response_format(&sb, "justice.official", d->lang, NULL);
		}
		add_source(d, &sb, j->source, j->source_date, j->source_ref);
		push(d, BLOCK_ITEM, strbuf_detach(&sb));
	}
}

static void fact_items(const struct report *r, const struct report_country *c, struct doc *d, const char *pillar)
{
	for (size_t i = 0; i < r->rows.nfacts; i++) {
		const struct response_fact *f = &r->rows.facts[i];
		struct strbuf sb = STRBUF_INIT;
		char *text;
		int k;
		if (f->year != c->fig.year || strcmp(f->country, c->country) || !response_action_counts(f->action))
			continue;
		k = response_fact_kind_find(f->kind);
		if (k < 0 || strcmp(response_fact_kinds[k].pillar, pillar))
			continue;
		strbuf_addf(&sb, "%s: ", vocab_label("response_fact", f->kind, d->lang));
		if (f->count >= 0)
			strbuf_addf(&sb, "%lld", (long long)f->count);
		else if (f->flag >= 0)
			strbuf_addstr(&sb, S(d, f->flag ? "value.yes" : "value.no"));
		text = prose(d, f->text, f->text_ar);
		if (text)
			strbuf_addf(&sb, "%s%s", f->count >= 0 || f->flag >= 0 ? (d->lang == VOCAB_AR ? "، " : ". ") : "",
				    text);
		free(text);
		add_source(d, &sb, f->source, f->source_date, f->source_ref);
		push(d, BLOCK_ITEM, strbuf_detach(&sb));
	}
}

static void check_paragraphs(const struct report_country *c, struct doc *d, const char *pillar)
{
	for (int i = 0; i < RESPONSE_CHECK_COUNT; i++)
		if (!strcmp(c->checks[i].def->pillar, pillar) && c->checks[i].detail[d->lang])
			push(d, BLOCK_PARAGRAPH, xstrdup(c->checks[i].detail[d->lang]));
}

static void prosecution(const struct report *r, const struct report_country *c, struct doc *d)
{
	static const enum response_figure figs[] = { RESPONSE_INVESTIGATIONS, RESPONSE_PROSECUTIONS,
						     RESPONSE_CONVICTIONS, RESPONSE_COMPLICITY_CASES };
	pushk(d, BLOCK_HEADING, "heading.prosecution", NULL);
	figures_table(c, d, figs, 4);
	check_paragraphs(c, d, "prosecution");
	justice_items(r, c, d);
}

static void protection(const struct report *r, const struct report_country *c, struct doc *d)
{
	static const enum response_figure figs[] = { RESPONSE_VICTIMS_IDENTIFIED, RESPONSE_VICTIMS_ASSISTED };
	pushk(d, BLOCK_HEADING, "heading.protection", NULL);
	figures_table(c, d, figs, 2);
	if (c->fig.victims_from_register)
		pushk(d, BLOCK_NOTE, "protection.register", (const char *const[]){ "from", r->from, "to", r->to, NULL });
	check_paragraphs(c, d, "protection");
	fact_items(r, c, d, "protection");
}

static void prevention(const struct report *r, const struct report_country *c, struct doc *d)
{
	pushk(d, BLOCK_HEADING, "heading.prevention", NULL);
	check_paragraphs(c, d, "prevention");
	fact_items(r, c, d, "prevention");
}

static void checks_table(const struct report_country *c, struct doc *d)
{
	struct cells t = { 0 };
	pushk(d, BLOCK_HEADING, "heading.checks", NULL);
	put(&t, xstrdup(S(d, "checks.check")));
	put(&t, xstrdup(S(d, "checks.pillar")));
	put(&t, xstrdup(S(d, "checks.status")));
	for (int i = 0; i < RESPONSE_CHECK_COUNT; i++) {
		const struct response_check *k = &c->checks[i];
		char key[80];
		struct strbuf label = STRBUF_INIT;
		snprintf(key, sizeof(key), "check.%s.label", k->def->code);
		strbuf_addstr(&label, S(d, key));
		if (k->def->critical)
			strbuf_addf(&label, " %s", S(d, "checks.critical"));
		put(&t, strbuf_detach(&label));
		snprintf(key, sizeof(key), "heading.%s", k->def->pillar);
		put(&t, xstrdup(S(d, key)));
		snprintf(key, sizeof(key), "status.%s", response_status_code(k->status));
		put(&t, xstrdup(S(d, key)));
	}
	push_table(d, 3, &t);
}

static void not_counted(const struct report *r, const struct report_country *c, struct doc *d)
{
	int heading = 0;
	for (int pass = 0; pass < 3; pass++) {
		size_t n = pass == 0 ? r->rows.njustice : pass == 1 ? r->rows.npenalties : r->rows.nfacts;
		for (size_t i = 0; i < n; i++) {
			struct strbuf sb = STRBUF_INIT;
			const char *country, *action, *source, *date, *ref;
			int year;
			char *text = NULL;
			if (pass == 0) {
				const struct response_justice *j = &r->rows.justice[i];
				country = j->country, year = j->year, action = j->action, source = j->source,
				date = j->source_date, ref = j->source_ref;
				strbuf_addstr(&sb, vocab_label("justice_stage", j->stage, d->lang));
				if (j->law)
					strbuf_addf(&sb, "%s%s", sep(d), j->law);
				if (j->note)
					text = xstrdup(j->note);
			} else if (pass == 1) {
				const struct response_penalty *p = &r->rows.penalties[i];
				char years[32];
				country = p->country, year = p->year, action = p->action, source = p->source,
				date = p->source_date, ref = p->source_ref;
				response_number(years, p->min_years);
				response_format(&sb, "penalty.item", d->lang,
						(const char *const[]){ "law", p->law, "years", years, NULL });
				if (p->note)
					text = xstrdup(p->note);
			} else {
				const struct response_fact *f = &r->rows.facts[i];
				country = f->country, year = f->year, action = f->action, source = f->source,
				date = f->source_date, ref = f->source_ref;
				strbuf_addstr(&sb, vocab_label("response_fact", f->kind, d->lang));
				text = prose(d, f->text, f->text_ar);
			}
			if (year != c->fig.year || strcmp(country, c->country) || response_action_counts(action)) {
				strbuf_release(&sb);
				free(text);
				continue;
			}
			if (!heading) {
				pushk(d, BLOCK_HEADING, "heading.not_counted", NULL);
				pushk(d, BLOCK_NOTE, "note.not_counted", NULL);
				heading = 1;
			}
			{
				struct strbuf item = STRBUF_INIT;
				strbuf_addf(&item, "%s: %s", vocab_label("action_kind", action, d->lang), strbuf_str(&sb));
				if (text)
					strbuf_addf(&item, "%s%s", d->lang == VOCAB_AR ? "، " : ". ", text);
				add_source(d, &item, source, date, ref);
				push(d, BLOCK_ITEM, strbuf_detach(&item));
			}
			strbuf_release(&sb);
			free(text);
		}
	}
}

static void sanction_list(const struct doc *d, unsigned bits, struct strbuf *sb)
{
	for (int i = 0, n = 0; i < ASSESS_SANCTION_COUNT; i++) {
		char key[96];
		if (!(bits & (1u << i)))
			continue;
		snprintf(key, sizeof(key), "sanction.%s", assess_sanction_code((enum assess_sanction)i));
		strbuf_addf(sb, "%s%s", n++ ? sep(d) : "", S(d, key));
	}
}

static void placement(const struct report *r, const struct report_country *c, struct doc *d)
{
	const struct assess_result *res = c->result;
	const struct assess_record *rec = c->record;
	const char *name = country_name(d, c->country);
	char year[16], prev_year[16], key[64];
	char *just;

	snprintf(year, sizeof(year), "%d", c->fig.year);
	snprintf(prev_year, sizeof(prev_year), "%d", c->fig.year - 1);
	pushk(d, BLOCK_HEADING, "heading.tier", NULL);
	if (!res) /* cannot happen: every finding is assessed */
		return;
	pushk(d, BLOCK_PARAGRAPH, "why.placed",
	      (const char *const[]){ "country", name, "tier", report_tier_name(assess_tier_name(res->tier), d->lang),
				     "year", year, NULL });
	snprintf(key, sizeof(key), "why.finding.%s", assess_finding_name(rec->finding));
	pushk(d, BLOCK_PARAGRAPH, key, NULL);
	just = prose(d, c->finding->justification, c->finding->justification_ar);
	if (just) {
		pushk(d, BLOCK_PARAGRAPH, "why.justification", (const char *const[]){ "text", just, NULL });
		free(just);
	}
	if (rec->finding == ASSESS_SIGNIFICANT_EFFORTS) {
		if (res->watch_list_criteria & ASSESS_CRITERION_A) {
			char *v = fmt_count(d, c->fig.figure[RESPONSE_VICTIMS_IDENTIFIED]);
			char *p = fmt_count(d, c->prev.has_records ? c->prev.figure[RESPONSE_VICTIMS_IDENTIFIED]
								   : ASSESS_UNKNOWN);
			pushk(d, BLOCK_PARAGRAPH, "why.criterion_a",
			      (const char *const[]){ "victims", v, "previous", p, "previous_year", prev_year, NULL });
			free(v);
			free(p);
		}
		if (res->watch_list_criteria & ASSESS_CRITERION_B)
			pushk(d, BLOCK_PARAGRAPH, "why.criterion_b",
			      (const char *const[]){ "previous_year", prev_year, NULL });
		else if (response_assessment_find(&r->assessment, c->country, c->fig.year - 1) < 0)
			pushk(d, BLOCK_PARAGRAPH, "why.b_no_previous",
			      (const char *const[]){ "previous_year", prev_year, NULL });
		if (res->watch_list_criteria & ASSESS_CRITERION_C)
			pushk(d, BLOCK_PARAGRAPH, "why.criterion_c", NULL);
		if (!res->watch_list_criteria)
			pushk(d, BLOCK_PARAGRAPH, "why.no_criteria", NULL);
	}
	if (res->downgraded_after_two_watch_list_years)
		pushk(d, BLOCK_PARAGRAPH, "why.downgraded", (const char *const[]){ "country", name, NULL });
	if (c->watch_list_waived)
		pushk(d, BLOCK_PARAGRAPH, "why.waived", (const char *const[]){ "country", name, NULL });
	if (res->tier == ASSESS_TIER_3) {
		struct strbuf list = STRBUF_INIT;
		if (rec->compliant_before_sanctions)
			pushk(d, BLOCK_PARAGRAPH, "why.no_sanctions_compliant", NULL);
		else if (res->sanctions) {
			sanction_list(d, res->sanctions, &list);
			pushk(d, BLOCK_PARAGRAPH, "why.sanctions",
			      (const char *const[]){ "year", year, "sanctions", strbuf_str(&list), NULL });
		}
		strbuf_reset(&list);
		if (!rec->compliant_before_sanctions && rec->waived_sanctions) {
			sanction_list(d, rec->waived_sanctions, &list);
			pushk(d, BLOCK_PARAGRAPH, "why.sanctions_waived",
			      (const char *const[]){ "sanctions", strbuf_str(&list), NULL });
		}
		strbuf_release(&list);
	}
	pushk(d, BLOCK_NOTE, "note.concrete_only", NULL);
	/* the engine's own sentences are English: given in full in English,
	 * pointed to in Arabic */
	pushk(d, BLOCK_HEADING, "heading.reasons", NULL);
	if (d->lang == VOCAB_EN)
		for (int i = 0; i < res->nreasons; i++)
			push(d, BLOCK_ITEM, xstrdup(res->reasons[i]));
	else
		pushk(d, BLOCK_NOTE, "reasons.in_english", NULL);
}

static void recommendations(const struct report_country *c, struct doc *d)
{
	int answered = 0, unmet = 0;
	pushk(d, BLOCK_HEADING, "heading.recommendations", NULL);
	for (int i = 0; i < c->nrecs; i++) {
		const struct report_recommendation *x = &c->recs[i];
		struct strbuf sb = STRBUF_INIT;
		char ref[24];
		response_recommendation_ref(x->rec, ref);
		strbuf_addf(&sb, "%s: %s ", ref, d->lang == VOCAB_AR ? x->rec->text_ar : x->rec->text);
		if (x->nprogrammes) {
			struct strbuf names = STRBUF_INIT;
			for (int k = 0; k < x->nprogrammes; k++) {
				const struct programme *p = x->programmes[k];
				const char *pname = d->lang == VOCAB_AR && p->name_ar ? p->name_ar : p->name;
				strbuf_addf(&names, "%s%s (%s)", k ? sep(d) : "", pname, p->code);
			}
			response_format(&sb, "rec.programmes", d->lang,
					(const char *const[]){ "programmes", strbuf_str(&names), NULL });
			strbuf_release(&names);
			answered++;
		} else {
			response_format(&sb, "rec.no_programme", d->lang, NULL);
		}
		push(d, BLOCK_ITEM, strbuf_detach(&sb));
	}
	if (c->nrecs) {
		char n[16], total[16];
		snprintf(n, sizeof(n), "%d", answered);
		snprintf(total, sizeof(total), "%d", c->nrecs);
		pushk(d, BLOCK_NOTE, "rec.coverage", (const char *const[]){ "n", n, "total", total, NULL });
		return;
	}
	for (int i = 0; i < RESPONSE_CHECK_COUNT; i++)
		unmet += c->checks[i].status == RESPONSE_UNMET;
	pushk(d, BLOCK_PARAGRAPH, unmet ? "rec.none_suggested" : "rec.none", NULL);
	for (int i = 0; i < RESPONSE_CHECK_COUNT; i++)
		if (c->checks[i].status == RESPONSE_UNMET)
			push(d, BLOCK_ITEM, xstrdup(response_check_recommendation(c->checks[i].def, d->lang)));
}

void report_doc(const struct report *r, enum vocab_lang lang, struct doc *out)
{
	memset(out, 0, sizeof(*out));
	out->lang = lang;
	summary(r, out);
	for (int i = 0; i < r->ncountries; i++) {
		const struct report_country *c = &r->countries[i];
		struct block *b;
		char anchor[16];
		struct strbuf h = STRBUF_INIT;
		strbuf_addf(&h, "%s: %s", country_name(out, c->country),
			    c->result ? report_tier_name(assess_tier_name(c->result->tier), lang) : "—");
		b = push(out, BLOCK_COUNTRY, strbuf_detach(&h));
		snprintf(anchor, sizeof(anchor), "country-%s", c->country);
		b->anchor = xstrdup(anchor);
		scope(r, c, out);
		prosecution(r, c, out);
		protection(r, c, out);
		prevention(r, c, out);
		checks_table(c, out);
		not_counted(r, c, out);
		placement(r, c, out);
		recommendations(c, out);
	}
}
