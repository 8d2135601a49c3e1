/*
 * assess/rules.c: the placement rules of the 2009 TIP Report introduction
 * (seed 000, sections "Methodology", "Tier placement", "Tier 2 Watch List",
 * "Potential penalties for Tier 3 countries" and the prosecution guidelines),
 * applied to validated country-year records.  docs/assessment.md is the
 * analyst's version of the same rules.
 *
 * Design decisions (each argued from the seed's wording in the docs):
 *  - The finding on the minimum standards is the analyst's; everything that
 *    follows from the finding and the figures is computed here, and every
 *    step adds a sentence to the result's reasons.
 *  - "full" -> Tier 1, "no_significant_efforts" -> Tier 3,
 *    "significant_efforts" -> Tier 2, moved to the Watch List when criterion
 *    (a), (b) or (c) applies.  The criteria are only weighed for Tier 2
 *    countries: the seed moves "that Tier 2 country" to the Watch List.
 *  - Records of one country are evaluated in year order whatever the input
 *    order, because the two-year rule and criterion (b) look back.  The
 *    previous year is the record for year - 1; a gap means there is none.
 *  - (a): victims >= victims_very_significant, or this year's victims at
 *    least victims_increase_ratio times last year's (and more than last
 *    year's).  The seed gives no number, so there are no defaults: without
 *    a setting that part of (a) cannot be assessed, and the reasons say so.
 *  - (b): evidence of increasing efforts is a rise in investigations,
 *    prosecutions, convictions or victims assisted, or a fall in complicity
 *    cases, over the previous-year record.  A figure unknown in either year
 *    shows nothing.  Without a previous-year record (b) cannot apply.
 *  - Two-year rule: a country on the Watch List (its placement as computed
 *    here) in years Y-2 and Y-1, both from 2009 on ("starting with the 2009
 *    report"), that would be on it again in Y goes to Tier 3 unless the
 *    "watch_list" waiver is given.  A waived year is still a Watch List
 *    year ("remained on the Watch List"), so the next year needs a waiver
 *    again.  The seed sets no limit on repeated waivers; the optional
 *    setting watch_list_waiver_limit caps consecutive waived years (the
 *    2008 Act's own limit is two) and, once reached, the country goes to
 *    Tier 3.
 *  - Tier 3 (by finding or by the two-year rule) carries the seed's three
 *    sanctions unless the government came into compliance or began
 *    significant efforts before they took effect (compliant_before_sanctions)
 *    or they are waived, all ("sanctions") or one by one
 *    ("sanctions:<code>"): the seed allows waiving "all or some" of them.
 */
#include "assess/assess.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct sanction_def {
	const char *code;
	const char *text; /* for the reasons */
};

/* In the seed's order.  The codes are the stable output names. */
static const struct sanction_def sanctions[ASSESS_SANCTION_COUNT] = {
	{ "non_humanitarian_non_trade_assistance",
	  "withholding of non-humanitarian, non-trade-related assistance" },
	{ "educational_cultural_exchange_funding",
	  "no funding for government officials' participation in educational and cultural exchange programmes" },
	{ "international_financial_institution_loans",
	  "United States opposition to assistance (other than humanitarian, trade-related and certain "
	  "development-related assistance) from international financial institutions such as the IMF "
	  "and the World Bank" },
};

static const char *const effort_names[ASSESS_EFFORT_COUNT] = {
	"investigations", "prosecutions", "convictions", "victims assisted", "complicity cases"
};

const char *assess_tier_name(enum assess_tier tier)
{
	switch (tier) {
	case ASSESS_TIER_1: return "1";
	case ASSESS_TIER_2: return "2";
	case ASSESS_TIER_2WL: return "2WL";
	case ASSESS_TIER_3: return "3";
	}
	return "?";
}

const char *assess_finding_name(enum assess_finding finding)
{
	switch (finding) {
	case ASSESS_FULL: return "full";
	case ASSESS_SIGNIFICANT_EFFORTS: return "significant_efforts";
	case ASSESS_NO_SIGNIFICANT_EFFORTS: return "no_significant_efforts";
	}
	return "?";
}

const char *assess_sanction_code(enum assess_sanction s)
{
	return (unsigned)s < ASSESS_SANCTION_COUNT ? sanctions[s].code : "?";
}

static void add_reason(struct assess_result *res, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void add_reason(struct assess_result *res, const char *fmt, ...)
{
	va_list ap;
	char *s;
	int n;
	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	s = xmalloc((size_t)n + 1);
	va_start(ap, fmt);
	vsnprintf(s, (size_t)n + 1, fmt, ap);
	va_end(ap);
	res->reasons = xrealloc(res->reasons, sizeof(char *) * (size_t)(res->nreasons + 1));
	res->reasons[res->nreasons++] = s;
}

static void add_reason_sb(struct assess_result *res, struct strbuf *sb)
{
	add_reason(res, "%s", strbuf_str(sb));
	strbuf_reset(sb);
}

/* A ratio or number of years for a sentence: at most two decimals, no
 * trailing zeros ("1.5", "2", "1.33"). */
static void format_number(char out[32], double x)
{
	char *dot;
	snprintf(out, 32, "%.2f", x);
	dot = strchr(out, '.');
	if (dot) {
		char *end = out + strlen(out) - 1;
		while (end > dot && *end == '0')
			*end-- = '\0';
		if (end == dot)
			*end = '\0';
	}
}

/* "st", "nd", "rd" or "th" after n (1st, 2nd, 3rd, 11th, 21st). */
static const char *ordinal_suffix(int n)
{
	if (n % 100 >= 11 && n % 100 <= 13)
		return "th";
	switch (n % 10) {
	case 1: return "st";
	case 2: return "nd";
	case 3: return "rd";
	default: return "th";
	}
}

/* The finding, as the seed phrases the three tiers. */
static void reason_finding(const struct assess_record *r, struct assess_result *res)
{
	static const char *const phrase[] = {
		[ASSESS_FULL] = "the government fully meets the minimum standards for the elimination of trafficking",
		[ASSESS_SIGNIFICANT_EFFORTS] =
			"the government does not fully meet the minimum standards but is making significant efforts to do so",
		[ASSESS_NO_SIGNIFICANT_EFFORTS] =
			"the government does not fully meet the minimum standards and is not making significant efforts to do so",
	};
	add_reason(res, "Finding (%s): %s.", assess_finding_name(r->finding), phrase[r->finding]);
	if (r->justification)
		add_reason(res, "Justification of the finding: %s", r->justification);
}

/* Criterion (a).  Returns 1 if it applies.  The sentence names the test
 * that applies first, then the others, with the numbers compared. */
static int criterion_a(const struct assess_settings *s, const struct assess_record *r,
		       const struct assess_record *prev, struct assess_result *res)
{
	struct strbuf met = STRBUF_INIT, unmet = STRBUF_INIT;
	int assessed = 0, applies;
	char num[32];

	if (r->victims == ASSESS_UNKNOWN) {
		add_reason(res, "Criterion (a) cannot be assessed: the number of victims in %d is not known.",
			   r->year);
		return 0;
	}
	if (!s->victims_very_significant && !s->victims_increase_ratio) {
		add_reason(res,
			   "Criterion (a) cannot be assessed: neither victims_very_significant nor "
			   "victims_increase_ratio is set, and the seed names no number (%lld victims in %d).",
			   (long long)r->victims, r->year);
		return 0;
	}
	if (s->victims_very_significant) {
		assessed = 1;
		if (r->victims >= s->victims_very_significant)
			strbuf_addf(&met, "%lld victims reach the very significant threshold of %lld (victims_very_significant)",
				    (long long)r->victims, (long long)s->victims_very_significant);
		else
			strbuf_addf(&unmet, "%lld victims are below the very significant threshold of %lld (victims_very_significant)",
				    (long long)r->victims, (long long)s->victims_very_significant);
	}
	if (s->victims_increase_ratio) {
		struct strbuf *to;
		format_number(num, s->victims_increase_ratio);
		if (!prev) {
			to = &unmet;
			if (to->len)
				strbuf_addstr(to, "; ");
			strbuf_addf(to, "there is no record for %s %d to measure an increase against",
				    r->country, r->year - 1);
		} else if (prev->victims == ASSESS_UNKNOWN) {
			to = &unmet;
			if (to->len)
				strbuf_addstr(to, "; ");
			strbuf_addf(to, "the number of victims in %d is not known, so an increase cannot be measured",
				    prev->year);
		} else if (prev->victims == 0) {
			assessed = 1;
			to = r->victims > 0 ? &met : &unmet;
			if (to->len)
				strbuf_addstr(to, "; ");
			if (r->victims > 0)
				strbuf_addf(to, "victims rose from none in %d to %lld, a significant increase",
					    prev->year, (long long)r->victims);
			else
				strbuf_addf(to, "there were no victims in %d or %d", prev->year, r->year);
		} else {
			/* Divide rather than multiply: the quotient of two
			 * integers rounds to the same double as the decimal ratio
			 * an analyst writes (110/100 == 1.1), where 1.1 * 100 does
			 * not give 110 exactly. */
			double ratio = (double)r->victims / (double)prev->victims;
			int up = r->victims > prev->victims && ratio >= s->victims_increase_ratio;
			char got[32];
			assessed = 1;
			format_number(got, ratio);
			to = up ? &met : &unmet;
			if (to->len)
				strbuf_addstr(to, "; ");
			strbuf_addf(to, "%lld victims are %s times the %lld of %d, %s the increase ratio of %s (victims_increase_ratio)",
				    (long long)r->victims, got, (long long)prev->victims, prev->year,
				    up ? "at least" : "below", num);
		}
	}
	applies = met.len > 0;
	if (applies && unmet.len)
		strbuf_addf(&met, "; %s", strbuf_str(&unmet));
	add_reason(res, "Criterion (a) %s: %s.",
		   applies ? "applies" : assessed ? "does not apply" : "cannot be assessed",
		   applies ? strbuf_str(&met) : strbuf_str(&unmet));
	strbuf_release(&met);
	strbuf_release(&unmet);
	return applies;
}

/* The year-on-year comparison of the five effort figures: one sentence
 * (the guideline check of part 2), and whether any of them shows increasing
 * efforts (a rise, or a fall for complicity cases). */
static int compare_efforts(const struct assess_record *r, const struct assess_record *prev,
			   struct assess_result *res, struct strbuf *evidence)
{
	struct strbuf sb = STRBUF_INIT;
	int found = 0;

	strbuf_addf(&sb, "Year-on-year change from %d to %d: ", prev->year, r->year);
	for (int i = 0; i < ASSESS_EFFORT_COUNT; i++) {
		int64_t a = prev->efforts[i], b = r->efforts[i];
		int better;
		if (i)
			strbuf_addstr(&sb, "; ");
		if (a == ASSESS_UNKNOWN || b == ASSESS_UNKNOWN) {
			strbuf_addf(&sb, "%s not comparable (not known in %d%s)", effort_names[i],
				    a == ASSESS_UNKNOWN ? prev->year : r->year,
				    a == ASSESS_UNKNOWN && b == ASSESS_UNKNOWN ? " or in the year after" : "");
			continue;
		}
		if (a == b) {
			strbuf_addf(&sb, "%s unchanged at %lld", effort_names[i], (long long)b);
			continue;
		}
		strbuf_addf(&sb, "%s %s from %lld to %lld (%+lld)", effort_names[i], b > a ? "rose" : "fell",
			    (long long)a, (long long)b, (long long)(b - a));
		better = i == ASSESS_COMPLICITY_CASES ? b < a : b > a;
		if (better) {
			if (found)
				strbuf_addstr(evidence, ", ");
			strbuf_addf(evidence, "%s %s from %lld to %lld", effort_names[i], b > a ? "rose" : "fell",
				    (long long)a, (long long)b);
			found = 1;
		}
	}
	strbuf_addch(&sb, '.');
	add_reason_sb(res, &sb);
	strbuf_release(&sb);
	return found;
}

/* Criterion (b).  Returns 1 if it applies. */
static int criterion_b(const struct assess_record *r, const struct assess_record *prev,
		       struct assess_result *res)
{
	struct strbuf evidence = STRBUF_INIT;
	int found;
	if (!prev) {
		add_reason(res,
			   "Criterion (b) cannot apply: there is no record for %s %d, so there is no previous year to "
			   "show increasing efforts against.",
			   r->country, r->year - 1);
		return 0;
	}
	found = compare_efforts(r, prev, res, &evidence);
	if (found)
		add_reason(res, "Criterion (b) does not apply: there is evidence of increasing efforts over %d (%s).",
			   prev->year, strbuf_str(&evidence));
	else
		add_reason(res,
			   "Criterion (b) applies: there is no evidence of increasing efforts over %d (none of "
			   "investigations, prosecutions, convictions or victims assisted rose, and complicity cases did "
			   "not fall).",
			   prev->year);
	strbuf_release(&evidence);
	return !found;
}

static int criterion_c(const struct assess_record *r, struct assess_result *res)
{
	if (r->efforts_rest_on_commitments)
		add_reason(res,
			   "Criterion (c) applies: the finding of significant efforts rests on the government's "
			   "commitments to take additional steps over the next year.");
	else
		add_reason(res,
			   "Criterion (c) does not apply: the significant efforts do not rest on commitments to take "
			   "additional steps over the next year.");
	return r->efforts_rest_on_commitments;
}

static void criteria_list(struct strbuf *sb, unsigned criteria)
{
	static const char letters[] = "abc";
	int n = 0, total = 0;
	for (int i = 0; i < 3; i++)
		total += !!(criteria & (1u << i));
	for (int i = 0; i < 3; i++) {
		if (!(criteria & (1u << i)))
			continue;
		if (n)
			strbuf_addstr(sb, n == total - 1 ? " and " : ", ");
		strbuf_addf(sb, "(%c)", letters[i]);
		n++;
	}
	strbuf_addstr(sb, total == 1 ? " applies" : " apply");
}

/* A Tier 2 country that meets a Watch List criterion: the Watch List, or
 * Tier 3 under the two-year rule. */
static void place_watch_list(const struct assess_settings *s, const struct assess_record *r,
			     const struct assess_record *prev, const struct assess_result *prev_res,
			     struct assess_result *res)
{
	struct strbuf sb = STRBUF_INIT;
	int prev_on_list = prev && prev_res->tier == ASSESS_TIER_2WL;

	/* More than one bit set: "criteria (a) and (b) apply". */
	strbuf_addstr(&sb, res->watch_list_criteria & (res->watch_list_criteria - 1)
				   ? "Tier 2 Watch List: criteria "
				   : "Tier 2 Watch List: criterion ");
	criteria_list(&sb, res->watch_list_criteria);
	strbuf_addstr(&sb, ".");
	add_reason_sb(res, &sb);
	strbuf_release(&sb);
	res->tier = ASSESS_TIER_2WL;

	if (prev_on_list && prev_res->watch_list_years >= 2) {
		int years = prev_res->watch_list_years;
		int first = prev->year - years + 1;
		if (years == 2)
			add_reason(res,
				   "%s was on the Tier 2 Watch List in %d and %d, two consecutive years counted from the "
				   "2009 report, and would be on it again in %d.",
				   r->country, first, prev->year, r->year);
		else
			add_reason(res,
				   "%s has been on the Tier 2 Watch List for %d consecutive years (%d-%d), counted from "
				   "the 2009 report, and would be on it again in %d.",
				   r->country, years, first, prev->year, r->year);
		if (r->waive_watch_list && s->watch_list_waiver_limit >= 0 &&
		    prev_res->waiver_years >= s->watch_list_waiver_limit) {
			if (s->watch_list_waiver_limit == 0)
				add_reason(res,
					   "The Watch List waiver cannot be applied: watch_list_waiver_limit is 0. %s is "
					   "placed in Tier 3.",
					   r->country);
			else
				add_reason(res,
					   "The Watch List waiver cannot be applied again: it was used in %d consecutive "
					   "year%s up to %d, the most allowed (watch_list_waiver_limit %d). %s is placed in "
					   "Tier 3.",
					   prev_res->waiver_years, prev_res->waiver_years == 1 ? "" : "s", prev->year,
					   s->watch_list_waiver_limit, r->country);
			res->tier = ASSESS_TIER_3;
			res->downgraded_after_two_watch_list_years = 1;
		} else if (r->waive_watch_list) {
			res->waiver_years = prev_res->waiver_years + 1;
			add_reason(res,
				   "The Watch List waiver was applied (the government has, among other things, a written "
				   "plan to meet the minimum standards), so %s stays on the Tier 2 Watch List instead of "
				   "moving to Tier 3; this is its %d%s consecutive waived year.",
				   r->country, res->waiver_years, ordinal_suffix(res->waiver_years));
		} else {
			add_reason(res,
				   "Without a waiver, two consecutive years on the Watch List place %s in Tier 3.",
				   r->country);
			res->tier = ASSESS_TIER_3;
			res->downgraded_after_two_watch_list_years = 1;
		}
	} else if (prev_on_list && r->year > ASSESS_WATCH_LIST_FIRST_YEAR) {
		add_reason(res,
			   "This is %s's second consecutive year on the Watch List counted from the 2009 report; a "
			   "third would place it in Tier 3 unless waived.",
			   r->country);
	}
	if (prev_on_list && prev_res->watch_list_years < 2 && prev_res->watch_list_years_before_2009)
		add_reason(res,
			   "Watch List years before the 2009 report (%d year%s up to %d) do not count toward the "
			   "two-year rule.",
			   prev_res->watch_list_years_before_2009,
			   prev_res->watch_list_years_before_2009 == 1 ? "" : "s",
			   ASSESS_WATCH_LIST_FIRST_YEAR - 1);
}

static void place_sanctions(const struct assess_record *r, struct assess_result *res)
{
	struct strbuf sb = STRBUF_INIT;
	unsigned imposed;

	if (r->compliant_before_sanctions) {
		add_reason(res,
			   "No sanctions: after the report but before sanctions took effect on 1 October %d, the "
			   "government came into compliance with the minimum standards or began making significant "
			   "efforts (compliant_before_sanctions).",
			   r->year);
		return;
	}
	imposed = ASSESS_ALL_SANCTIONS & ~r->waived_sanctions;
	res->sanctions = imposed;
	if (imposed) {
		strbuf_addf(&sb, "Tier 3 sanctions from 1 October %d:", r->year);
		for (int i = 0, n = 0; i < ASSESS_SANCTION_COUNT; i++)
			if (imposed & (1u << i))
				strbuf_addf(&sb, "%s %s (%s)", n++ ? ";" : "", sanctions[i].text, sanctions[i].code);
		strbuf_addch(&sb, '.');
		add_reason_sb(res, &sb);
	}
	if (r->waived_sanctions) {
		strbuf_addf(&sb, "%s waived (the assistance would promote the purposes of the Act or is otherwise "
				 "in the national interest, or is needed to avoid significant adverse effects on "
				 "vulnerable populations, including women and children):",
			    imposed ? "Sanctions" : "All Tier 3 sanctions are");
		for (int i = 0, n = 0; i < ASSESS_SANCTION_COUNT; i++)
			if (r->waived_sanctions & (1u << i))
				strbuf_addf(&sb, "%s %s", n++ ? "," : "", sanctions[i].code);
		strbuf_addch(&sb, '.');
		add_reason_sb(res, &sb);
	}
	strbuf_release(&sb);
}

/* The prosecution guidelines of the seed: prescribed penalty, imposed
 * sentences, suspended sentences.  Only what the record reports. */
static void guideline_checks(const struct assess_record *r, struct assess_result *res)
{
	int64_t conv = r->efforts[ASSESS_CONVICTIONS];
	char num[32];

	if (r->prescribed_penalty_years >= 0) {
		format_number(num, r->prescribed_penalty_years);
		add_reason(res,
			   "Guideline on prescribed penalties: the law prescribes %s year%s of imprisonment, %s the "
			   "guideline of at least %d years.",
			   num, r->prescribed_penalty_years == 1 ? "" : "s",
			   r->prescribed_penalty_years >= ASSESS_MIN_PRESCRIBED_PENALTY_YEARS ? "meeting" : "below",
			   ASSESS_MIN_PRESCRIBED_PENALTY_YEARS);
	}
	if (r->sentences_one_year_or_more != ASSESS_UNKNOWN) {
		int64_t n = r->sentences_one_year_or_more;
		if (conv == ASSESS_UNKNOWN || conv == 0)
			add_reason(res,
				   "Guideline on imposed sentences: cannot be assessed without %s convictions.",
				   conv == 0 ? "any" : "the number of");
		else
			add_reason(res,
				   "Guideline on imposed sentences: %lld of %lld convictions carried imprisonment of one "
				   "year or more, %s the guideline asks.",
				   (long long)n, (long long)conv, 2 * n > conv ? "a majority, as" : "not the majority");
	}
	if (r->suspended_sentences != ASSESS_UNKNOWN) {
		int64_t n = r->suspended_sentences;
		if (conv == ASSESS_UNKNOWN || conv == 0)
			add_reason(res,
				   "Suspended sentences: %lld reported, but the share cannot be computed without %s "
				   "convictions.",
				   (long long)n, conv == 0 ? "any" : "the number of");
		else if (n == 0)
			add_reason(res, "Suspended sentences: none of %lld convictions ended in a suspended sentence.",
				   (long long)conv);
		else {
			format_number(num, 100.0 * (double)n / (double)conv);
			add_reason(res,
				   "Suspended sentences: %lld of %lld convictions (%s%%) ended in a suspended sentence, "
				   "which the guidelines discourage.",
				   (long long)n, (long long)conv, num);
		}
	}
}

/* Place one record, given its previous-year record and result (both NULL
 * when there is none). */
static void place(const struct assess_settings *s, const struct assess_record *r,
		  const struct assess_record *prev, const struct assess_result *prev_res,
		  struct assess_result *res)
{
	memset(res, 0, sizeof(*res));
	reason_finding(r, res);

	switch (r->finding) {
	case ASSESS_FULL:
		res->tier = ASSESS_TIER_1;
		add_reason(res, "Tier 1: the government fully meets the minimum standards.");
		break;
	case ASSESS_NO_SIGNIFICANT_EFFORTS:
		res->tier = ASSESS_TIER_3;
		add_reason(res, "Tier 3: the government neither fully meets the minimum standards nor makes "
				"significant efforts to meet them.");
		break;
	case ASSESS_SIGNIFICANT_EFFORTS:
		if (criterion_a(s, r, prev, res))
			res->watch_list_criteria |= ASSESS_CRITERION_A;
		if (criterion_b(r, prev, res))
			res->watch_list_criteria |= ASSESS_CRITERION_B;
		if (criterion_c(r, res))
			res->watch_list_criteria |= ASSESS_CRITERION_C;
		if (!res->watch_list_criteria) {
			res->tier = ASSESS_TIER_2;
			add_reason(res, "Tier 2: significant efforts, and no Watch List criterion applies.");
		} else {
			place_watch_list(s, r, prev, prev_res, res);
		}
		break;
	}
	if (r->finding != ASSESS_SIGNIFICANT_EFFORTS) {
		add_reason(res, "The Watch List criteria were not checked: they apply only to countries placed in "
				"Tier 2.");
		if (prev) {
			struct strbuf unused = STRBUF_INIT;
			compare_efforts(r, prev, res, &unused);
			strbuf_release(&unused);
		} else {
			add_reason(res, "Year-on-year change: there is no record for %s %d to compare with.",
				   r->country, r->year - 1);
		}
	}

	if (res->tier == ASSESS_TIER_2WL) {
		int prev_on_list = prev && prev_res->tier == ASSESS_TIER_2WL;
		if (r->year >= ASSESS_WATCH_LIST_FIRST_YEAR) {
			res->watch_list_years = prev_on_list ? prev_res->watch_list_years + 1 : 1;
			res->watch_list_years_before_2009 = prev_on_list ? prev_res->watch_list_years_before_2009 : 0;
		} else {
			res->watch_list_years_before_2009 =
				prev_on_list ? prev_res->watch_list_years_before_2009 + 1 : 1;
		}
	}

	if (res->tier == ASSESS_TIER_3)
		place_sanctions(r, res);

	if (r->waive_watch_list && !res->waiver_years && !res->downgraded_after_two_watch_list_years)
		add_reason(res, "The Watch List waiver has no effect: the two-year rule did not apply to %s in %d.",
			   r->country, r->year);
	if (res->tier != ASSESS_TIER_3 && r->waived_sanctions)
		add_reason(res, "The sanctions waiver has no effect: sanctions follow only a Tier 3 placement.");
	if (res->tier != ASSESS_TIER_3 && r->compliant_before_sanctions)
		add_reason(res, "compliant_before_sanctions has no effect: sanctions follow only a Tier 3 placement.");

	guideline_checks(r, res);
}

struct order {
	const struct assess_record *r;
	int index;
};

static int order_cmp(const void *a, const void *b)
{
	const struct order *x = a, *y = b;
	int c = strcmp(x->r->country, y->r->country);
	if (c)
		return c;
	return (x->r->year > y->r->year) - (x->r->year < y->r->year);
}

int assess_evaluate(const struct assess_settings *settings, const struct assess_record *records,
		    int nrecords, struct assess_result *results, struct sanad_error *err)
{
	struct order *order;

	if (nrecords < 0)
		return sanad_error_set(err, SANAD_EINVAL, "negative record count");
	/* Callers other than assess_parse fill the structs themselves: check
	 * what would otherwise index out of bounds or overflow. */
	for (int i = 0; i < nrecords; i++) {
		const struct assess_record *r = &records[i];
		int ok = (unsigned)r->finding <= ASSESS_NO_SIGNIFICANT_EFFORTS &&
			 r->year >= ASSESS_YEAR_MIN && r->year <= ASSESS_YEAR_MAX &&
			 strnlen(r->country, sizeof(r->country)) == 2 && r->victims >= ASSESS_UNKNOWN &&
			 r->victims <= ASSESS_COUNT_MAX && r->sentences_one_year_or_more >= ASSESS_UNKNOWN &&
			 r->sentences_one_year_or_more <= ASSESS_COUNT_MAX &&
			 r->suspended_sentences >= ASSESS_UNKNOWN && r->suspended_sentences <= ASSESS_COUNT_MAX;
		for (int k = 0; k < ASSESS_EFFORT_COUNT; k++)
			ok = ok && r->efforts[k] >= ASSESS_UNKNOWN && r->efforts[k] <= ASSESS_COUNT_MAX;
		if (!ok)
			return sanad_error_set(err, SANAD_EINVAL,
					       "record %d (index %d) is not a valid assessment record", i + 1, i);
	}
	order = xcalloc((size_t)nrecords + 1, sizeof(*order));
	for (int i = 0; i < nrecords; i++)
		order[i] = (struct order){ &records[i], i };
	qsort(order, (size_t)nrecords, sizeof(*order), order_cmp);
	for (int k = 1; k < nrecords; k++)
		if (!order_cmp(&order[k - 1], &order[k])) {
			sanad_error_set(err, SANAD_EINVAL, "record %d (index %d, %s %d) is a duplicate country-year",
					order[k].index + 1, order[k].index, order[k].r->country, order[k].r->year);
			free(order);
			return SANAD_EINVAL;
		}

	for (int k = 0; k < nrecords; k++) {
		const struct assess_record *r = order[k].r, *prev = NULL;
		const struct assess_result *prev_res = NULL;
		if (k > 0 && !strcmp(order[k - 1].r->country, r->country) && order[k - 1].r->year == r->year - 1) {
			prev = order[k - 1].r;
			prev_res = &results[order[k - 1].index];
		}
		place(settings, r, prev, prev_res, &results[order[k].index]);
	}
	free(order);
	return 0;
}

void assess_result_release(struct assess_result *result)
{
	for (int i = 0; i < result->nreasons; i++)
		free(result->reasons[i]);
	free(result->reasons);
	result->reasons = NULL;
	result->nreasons = 0;
}
