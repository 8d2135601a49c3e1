/* cli/cmd_stats_sdg.c: `sanad stats --sdg` -- SDG indicator 16.2.2 (victims
 * per 100,000 population by sex, age group and form of exploitation) as a
 * table, CSV or JSON.  Kept apart from cmd_stats.c, which prints count
 * tables: this prints rates, with the population beside each. */
#include "cli/cli.h"
#include "disclosure/disclosure.h"
#include "stats/stats.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const breakdown_title[][2] = {
	{ "Total", "المجموع" },
	{ "Sex", "الجنس" },
	{ "Age group", "الفئة العمرية" },
	{ "Sex and age group", "الجنس والفئة العمرية" },
	{ "Form of exploitation", "شكل الاستغلال" },
};

static const char *age_list(const char *code)
{
	return vocab_find("majority_status", code) ? "majority_status" : "age_band";
}

static void fmt_rate(char *buf, size_t n, const struct stats_sdg_row *r)
{
	if (r->state == STATS_SDG_RATE)
		snprintf(buf, n, "%.2f", r->rate);
	else
		buf[0] = '\0';
}

static void print_csv(const struct stats_sdg *s)
{
	struct strbuf line = STRBUF_INIT;
	char rate[32];
	fputs("breakdown,sex,age_group,exploitation,victims,population,rate_per_100000,status\n", stdout);
	for (size_t i = 0; i < s->nrows; i++) {
		const struct stats_sdg_row *r = &s->rows[i];
		strbuf_reset(&line);
		strbuf_addf(&line, "%s,%s,%s,%s,", stats_sdg_breakdown_name(r->breakdown), r->sex ? r->sex : "",
			    r->age_group ? r->age_group : "", r->exploitation ? r->exploitation : "");
		if (!r->victims_suppressed)
			strbuf_addf(&line, "%lld", (long long)r->victims);
		strbuf_addch(&line, ',');
		if (r->population > 0)
			strbuf_addf(&line, "%lld", (long long)r->population);
		fmt_rate(rate, sizeof(rate), r);
		strbuf_addf(&line, ",%s,%s\n", rate,
			    r->state == STATS_SDG_RATE ? "rate"
			    : r->state == STATS_SDG_SUPPRESSED ? "suppressed" : "no population figure");
		fputs(line.buf, stdout);
	}
	strbuf_release(&line);
}

static size_t width_of(const char *s)
{
	return utf8_length(s, strlen(s));
}

static void cell(struct strbuf *sb, const char *s, size_t w, int right)
{
	size_t n = width_of(s);
	if (right)
		for (; n < w; n++)
			strbuf_addch(sb, ' ');
	strbuf_addstr(sb, s);
	if (!right)
		for (; n < w; n++)
			strbuf_addch(sb, ' ');
}

#define NCOL 7

static void print_text(const struct stats_sdg *s, enum vocab_lang lang)
{
	static const char *const head[NCOL][2] = {
		{ "Breakdown", "التصنيف" }, { "Sex", "الجنس" },       { "Age group", "الفئة العمرية" },
		{ "Form of exploitation", "شكل الاستغلال" },   { "Victims", "الضحايا" },
		{ "Population", "السكان" },  { "Per 100,000", "لكل 100,000" },
	};
	static const char *const scope_title[][2] = {
		{ "all cases", "كل الملفات" }, { "one organisation", "منظمة واحدة" },
		{ "national pool", "المجمّع الوطني" },
	};
	const char ***cells = xcalloc(s->nrows ? s->nrows : 1, sizeof(*cells));
	char (*nums)[3][32] = xcalloc(s->nrows ? s->nrows : 1, sizeof(*nums));
	size_t w[NCOL];
	struct strbuf line = STRBUF_INIT;
	const char *no_pop = lang == VOCAB_AR ? "لا رقم للسكان" : "no population figure";

	if (lang == VOCAB_AR)
		printf("مؤشر أهداف التنمية المستدامة 16.2.2: ضحايا الاتجار لكل 100,000 نسمة، %d (%s)\n", s->year,
		       scope_title[s->scope][lang]);
	else
		printf("SDG indicator 16.2.2: victims of trafficking per 100,000 population, %d (%s)\n", s->year,
		       scope_title[s->scope][lang]);
	for (int c = 0; c < NCOL; c++)
		w[c] = width_of(head[c][lang]);
	for (size_t i = 0; i < s->nrows; i++) {
		const struct stats_sdg_row *r = &s->rows[i];
		cells[i] = xcalloc(NCOL, sizeof(**cells));
		cells[i][0] = breakdown_title[r->breakdown][lang];
		cells[i][1] = r->sex ? vocab_label("sex", r->sex, lang) : "";
		cells[i][2] = r->age_group ? vocab_label(age_list(r->age_group), r->age_group, lang) : "";
		cells[i][3] = r->exploitation ? vocab_label("exploitation_type", r->exploitation, lang) : "";
		if (r->victims_suppressed)
			snprintf(nums[i][0], sizeof(nums[i][0]), "x");
		else
			snprintf(nums[i][0], sizeof(nums[i][0]), "%lld", (long long)r->victims);
		if (r->population > 0)
			snprintf(nums[i][1], sizeof(nums[i][1]), "%lld", (long long)r->population);
		else
			snprintf(nums[i][1], sizeof(nums[i][1]), "-");
		if (r->state == STATS_SDG_RATE)
			fmt_rate(nums[i][2], sizeof(nums[i][2]), r);
		else if (r->state == STATS_SDG_SUPPRESSED)
			snprintf(nums[i][2], sizeof(nums[i][2]), "x");
		cells[i][4] = nums[i][0];
		cells[i][5] = nums[i][1];
		cells[i][6] = r->state == STATS_SDG_NO_POPULATION ? no_pop : nums[i][2];
		for (int c = 0; c < NCOL; c++)
			if (width_of(cells[i][c]) > w[c])
				w[c] = width_of(cells[i][c]);
	}
	for (int c = 0; c < NCOL; c++) {
		cell(&line, head[c][lang], w[c], c >= 4);
		strbuf_addstr(&line, c < NCOL - 1 ? "  " : "\n");
	}
	for (int c = 0; c < NCOL; c++) {
		for (size_t k = 0; k < w[c]; k++)
			strbuf_addch(&line, '-');
		strbuf_addstr(&line, c < NCOL - 1 ? "  " : "\n");
	}
	fputs(line.buf, stdout);
	for (size_t i = 0; i < s->nrows; i++) {
		strbuf_reset(&line);
		for (int c = 0; c < NCOL; c++) {
			cell(&line, cells[i][c], w[c], c >= 4);
			strbuf_addstr(&line, c < NCOL - 1 ? "  " : "\n");
		}
		fputs(line.buf, stdout);
		free(cells[i]);
	}
	if (s->note[lang])
		printf(lang == VOCAB_AR ? "ملاحظة: %s.\n" : "Note: %s.\n", s->note[lang]);
	if (s->threshold > 0)
		printf(lang == VOCAB_AR ? "x: حُجب العدد (أقل من %lld، أو لحماية خلية محجوبة) ومعه المعدل.\n"
					: "x: the count is suppressed (below %lld, or to protect a suppressed cell), "
					  "and its rate with it.\n",
		       (long long)s->threshold);
	strbuf_release(&line);
	free(cells);
	free(nums);
}

int cmd_stats_sdg(struct storage *st, const struct stats_query *q, int64_t threshold, const char *format,
		  enum vocab_lang lang)
{
	struct stats_sdg s;
	struct sanad_error err = { 0 };
	int rc;

	if (format && strcmp(format, "text") && strcmp(format, "table") && strcmp(format, "csv") &&
	    strcmp(format, "json")) {
		fprintf(stderr, "sanad stats: --sdg --format '%.40s': use table, csv or json\n", format);
		return 2;
	}
	if (!q->year) {
		fprintf(stderr, "sanad stats: --sdg needs --year Y\n");
		return 2;
	}
	if ((rc = stats_sdg_16_2_2(st, q, q->year, threshold, &s, &err))) {
		cli_error("stats", &err);
		return rc == SANAD_EINVAL || rc == SANAD_ELIMIT ? 2 : 1;
	}
	if (format && !strcmp(format, "csv")) {
		print_csv(&s);
	} else if (format && !strcmp(format, "json")) {
		json_t *j = stats_sdg_json(&s, lang);
		json_dumpf(j, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		fputc('\n', stdout);
		json_decref(j);
	} else {
		print_text(&s, lang);
	}
	stats_sdg_release(&s);
	return 0;
}
