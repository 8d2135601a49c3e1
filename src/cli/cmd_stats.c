/* cli/cmd_stats.c: `sanad stats` prints victim counts computed by the stats
 * module as a table, CSV or JSON; with --publish, after the disclosure
 * module's cell suppression. */
#include "cli/cli.h"
#include "disclosure/disclosure.h"
#include "stats/stats.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char usage_stats[] =
	"usage: sanad stats --db PATH --by DIM[,DIM...] [--year Y]\n"
	"                   [--format table|csv|json] [--lang en|ar] [--labels]\n"
	"                   [--publish [--threshold N]]\n"
	"       sanad stats --db PATH --list\n"
	"\n"
	"Count victims (cases) by one or more dimensions: year, sex (gender), age,\n"
	"nationality (citizenship), form of exploitation (form) and the others that\n"
	"'--list' shows.  Every case counts once in total_victims.  A case whose value\n"
	"is unknown counts under 'unknown' (an empty CSV cell, null in JSON), shown\n"
	"last.  For multi-valued dimensions -- nationality, exploitation, disability,\n"
	"means of control and the like -- a victim with several values counts once\n"
	"under each (a person with two nationalities appears under both), so such\n"
	"rows add up to more than the number of victims.\n"
	"These are raw counts for the organisation's own use: small cells are not\n"
	"suppressed -- unless --publish is given.\n"
	"\n"
	"  --by DIM,...   dimensions to cross, as named by --list (up to 6)\n"
	"  --year Y       only cases registered in year Y\n"
	"  --format F     table (default; labels, aligned), csv (codes; header is the\n"
	"                 dimension names as given, then 'count') or json\n"
	"  --lang L       language of labels and headings: en (default) or ar\n"
	"  --labels       csv and json: add a <dim>_label column in that language\n"
	"  --list         list the dimensions with what each one counts\n"
	"  --publish      a table fit to publish (1 to 4 dimensions): every combination\n"
	"                 of the values that occur, zeros included, with the totals\n"
	"                 (value TOTAL); counts below the threshold, and other cells\n"
	"                 chosen so that none of them can be worked out from the\n"
	"                 totals, are suppressed: empty in CSV, null in JSON, 'x' in\n"
	"                 the table, with a footnote (see docs/statistics.md)\n"
	"  --threshold N  with --publish: smallest count published (default 5, 2..1000)\n";

enum format { FORMAT_TABLE, FORMAT_CSV, FORMAT_JSON };

static int list_dimensions(void)
{
	int n;
	const struct stats_dimension *d = stats_dimensions(&n);
	for (int i = 0; i < n; i++) {
		char name[64];
		snprintf(name, sizeof(name), "%s%s%s%s", d[i].name, d[i].alias ? " (" : "",
			 d[i].alias ? d[i].alias : "", d[i].alias ? ")" : "");
		printf("%-28s %s\n", name, d[i].description);
	}
	return 0;
}

static void print_csv(const struct stats_table *t, int labels, enum vocab_lang lang)
{
	struct strbuf line = STRBUF_INIT;
	for (int c = 0; c < t->ncolumns; c++) {
		csv_cell(&line, t->columns[c].name, 1);
		strbuf_addch(&line, ',');
		if (labels) {
			strbuf_addf(&line, "%s_label", t->columns[c].name);
			strbuf_addch(&line, ',');
		}
	}
	strbuf_addstr(&line, "count\n");
	fputs(line.buf, stdout);
	for (size_t r = 0; r < t->nrows; r++) {
		strbuf_reset(&line);
		for (int c = 0; c < t->ncolumns; c++) {
			const struct stats_value *v = &t->columns[c].values[t->rows[r].value[c]];
			csv_cell(&line, v->code ? v->code : "", 1);
			strbuf_addch(&line, ',');
			if (labels) {
				csv_cell(&line, v->label[lang], 1);
				strbuf_addch(&line, ',');
			}
		}
		strbuf_addf(&line, "%lld\n", (long long)t->rows[r].count);
		fputs(line.buf, stdout);
	}
	strbuf_release(&line);
}

static size_t text_width(const char *s)
{
	return utf8_length(s, strlen(s));
}

static void pad(struct strbuf *sb, size_t n)
{
	while (n--)
		strbuf_addch(sb, ' ');
}

/* Title of the count column, by language. */
static const char *const count_title[2] = { "Victims", "الضحايا" };

/* The heading of a printed table: dimension titles and the count title,
 * padded to the column widths, then a rule of dashes under each column. */
static void table_heading(struct strbuf *line, const struct stats_table *t, const size_t *width, int nc,
			  enum vocab_lang lang)
{
	for (int c = 0; c < nc; c++) {
		const char *h = t->columns[c].dim->title[lang];
		strbuf_addstr(line, h);
		pad(line, width[c] - text_width(h) + 2);
	}
	pad(line, width[nc] - text_width(count_title[lang]));
	strbuf_addstr(line, count_title[lang]);
	strbuf_addch(line, '\n');
	for (int c = 0; c <= nc; c++) {
		for (size_t i = 0; i < width[c]; i++)
			strbuf_addch(line, '-');
		strbuf_addstr(line, c < nc ? "  " : "\n");
	}
}

static void print_table(const struct stats_table *t, enum vocab_lang lang)
{
	size_t width[STATS_MAX_DIMS + 1];
	struct strbuf line = STRBUF_INIT;
	char num[32];
	int nc = t->ncolumns;

	strbuf_addstr(&line, lang == VOCAB_AR ? "الضحايا حسب " : "Victims by ");
	for (int c = 0; c < nc; c++) {
		if (c)
			strbuf_addstr(&line, " × ");
		strbuf_addstr(&line, t->columns[c].dim->title[lang]);
	}
	if (t->year)
		strbuf_addf(&line, lang == VOCAB_AR ? " (المسجلون في %d)\n" : " (registered in %d)\n", t->year);
	else
		strbuf_addstr(&line, lang == VOCAB_AR ? " (كل السنوات)\n" : " (all years)\n");
	fputs(line.buf, stdout);

	for (int c = 0; c < nc; c++) {
		const struct stats_column *col = &t->columns[c];
		width[c] = text_width(col->dim->title[lang]);
		for (int v = 0; v < col->nvalues; v++)
			if (text_width(col->values[v].label[lang]) > width[c])
				width[c] = text_width(col->values[v].label[lang]);
	}
	width[nc] = text_width(count_title[lang]);
	for (size_t r = 0; r < t->nrows; r++) {
		size_t w = (size_t)snprintf(num, sizeof(num), "%lld", (long long)t->rows[r].count);
		if (w > width[nc])
			width[nc] = w;
	}

	strbuf_reset(&line);
	table_heading(&line, t, width, nc, lang);
	fputs(line.buf, stdout);
	for (size_t r = 0; r < t->nrows; r++) {
		strbuf_reset(&line);
		for (int c = 0; c < nc; c++) {
			const char *l = t->columns[c].values[t->rows[r].value[c]].label[lang];
			strbuf_addstr(&line, l);
			pad(&line, width[c] - text_width(l) + 2);
		}
		snprintf(num, sizeof(num), "%lld", (long long)t->rows[r].count);
		pad(&line, width[nc] - strlen(num));
		strbuf_addstr(&line, num);
		strbuf_addch(&line, '\n');
		fputs(line.buf, stdout);
	}
	printf(lang == VOCAB_AR ? "مجموع الضحايا: %lld\n" : "Total victims: %lld\n",
	       (long long)t->total_victims);
	if (t->note[lang])
		printf(lang == VOCAB_AR ? "ملاحظة: %s.\n" : "Note: %s.\n", t->note[lang]);
	strbuf_release(&line);
}

static void print_published_table(const struct disclosure_table *p, enum vocab_lang lang)
{
	const struct stats_table *t = p->source;
	size_t width[STATS_MAX_DIMS + 1];
	struct strbuf line = STRBUF_INIT;
	char num[32];
	int nc = t->ncolumns;

	strbuf_addstr(&line, lang == VOCAB_AR ? "الضحايا حسب " : "Victims by ");
	for (int c = 0; c < nc; c++) {
		if (c)
			strbuf_addstr(&line, " × ");
		strbuf_addstr(&line, t->columns[c].dim->title[lang]);
	}
	if (t->year)
		strbuf_addf(&line, lang == VOCAB_AR ? " (المسجلون في %d)\n" : " (registered in %d)\n", t->year);
	else
		strbuf_addstr(&line, lang == VOCAB_AR ? " (كل السنوات)\n" : " (all years)\n");
	fputs(line.buf, stdout);
	for (int c = 0; c < nc; c++) {
		width[c] = text_width(t->columns[c].dim->title[lang]);
		for (size_t i = 0; i < p->cube.ncells; i++) {
			size_t w = text_width(disclosure_cell_label(p, i, c, lang));
			if (w > width[c])
				width[c] = w;
		}
	}
	width[nc] = text_width(count_title[lang]);
	for (size_t i = 0; i < p->cube.ncells; i++) {
		size_t w = (size_t)snprintf(num, sizeof(num), "%lld", (long long)p->cube.count[i]);
		if (w > width[nc])
			width[nc] = w;
	}
	strbuf_reset(&line);
	table_heading(&line, t, width, nc, lang);
	fputs(line.buf, stdout);
	for (size_t i = 0; i < p->cube.ncells; i++) {
		strbuf_reset(&line);
		for (int c = 0; c < nc; c++) {
			const char *l = disclosure_cell_label(p, i, c, lang);
			strbuf_addstr(&line, l);
			pad(&line, width[c] - text_width(l) + 2);
		}
		if (p->cube.state[i] == DISCLOSURE_PUBLISHED)
			snprintf(num, sizeof(num), "%lld", (long long)p->cube.count[i]);
		else
			snprintf(num, sizeof(num), "x");
		pad(&line, width[nc] - strlen(num));
		strbuf_addstr(&line, num);
		strbuf_addch(&line, '\n');
		fputs(line.buf, stdout);
	}
	if (p->total_victims_published)
		printf(lang == VOCAB_AR ? "مجموع الضحايا: %lld\n" : "Total victims: %lld\n",
		       (long long)t->total_victims);
	else
		printf(lang == VOCAB_AR ? "مجموع الضحايا: x\n" : "Total victims: x\n");
	if (t->note[lang])
		printf(lang == VOCAB_AR ? "ملاحظة: %s.\n" : "Note: %s.\n", t->note[lang]);
	strbuf_reset(&line);
	disclosure_footnote(p, lang, &line);
	printf("%s.\n", strbuf_str(&line));
	strbuf_release(&line);
}

/* --publish: protect t and print it in format.  Returns the exit status. */
static int print_published(const struct stats_table *t, int64_t threshold, enum format format,
			   int labels, enum vocab_lang lang)
{
	struct disclosure_options o = { threshold, 0 };
	struct disclosure_table p;
	struct sanad_error err = { 0 };
	int rc = disclosure_publish(t, &o, &p, &err);
	if (rc) {
		disclosure_table_release(&p);
		cli_error("stats", &err);
		return rc == SANAD_ELIMIT ? 2 : 1;
	}
	if (format == FORMAT_CSV) {
		struct strbuf out = STRBUF_INIT;
		disclosure_table_csv(&p, labels, lang, &out);
		fputs(strbuf_str(&out), stdout);
		strbuf_release(&out);
	} else if (format == FORMAT_JSON) {
		json_t *j = disclosure_table_json(&p, labels, lang);
		json_dumpf(j, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		fputc('\n', stdout);
		json_decref(j);
	} else {
		print_published_table(&p, lang);
	}
	disclosure_table_release(&p);
	return 0;
}

/* Split "year, gender" into names pointing into *copy, a new string the
 * caller frees.  Returns 0 or 2 (usage error, printed). */
static int split_dims(const char *by, char **copy, const char **names, int *n)
{
	char *save = NULL, *tok;
	*n = 0;
	*copy = xstrdup(by);
	for (tok = strtok_r(*copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		tok = trim_ascii(tok);
		if (!*tok)
			continue;
		if (*n == STATS_MAX_DIMS) {
			fprintf(stderr, "sanad stats: at most %d dimensions can be crossed\n", STATS_MAX_DIMS);
			return 2;
		}
		names[(*n)++] = tok;
	}
	if (!*n) {
		fprintf(stderr, "sanad stats: --by needs at least one dimension (see 'sanad stats --list')\n");
		return 2;
	}
	return 0;
}

int cmd_stats(int argc, char **argv, struct cli_context *ctx)
{
	static const char *const opts[] = { "by=", "year=", "format=", "lang=", "labels", "list",
					      "publish", "threshold=", NULL };
	const char *by, *year_s, *format_s, *lang_s, *threshold_s;
	int64_t threshold = DISCLOSURE_DEFAULT_THRESHOLD;
	const char *names[STATS_MAX_DIMS];
	struct stats_query q = { 0 };
	struct stats_table t;
	struct sanad_error err = { 0 };
	enum format format = FORMAT_TABLE;
	enum vocab_lang lang = VOCAB_EN;
	char **pos, *by_copy = NULL;
	int npos, rc, labels, publish;

	if ((rc = cli_parse("stats", argc, argv, opts, &pos, &npos)))
		return rc;
	free(pos);
	if (npos) {
		fprintf(stderr, "sanad stats: unexpected argument (see 'sanad stats --help')\n");
		return 2;
	}
	if (cli_flag(argc, argv, "list"))
		return list_dimensions();
	by = cli_option(argc, argv, "by");
	year_s = cli_option(argc, argv, "year");
	format_s = cli_option(argc, argv, "format");
	lang_s = cli_option(argc, argv, "lang");
	labels = cli_flag(argc, argv, "labels");
	publish = cli_flag(argc, argv, "publish");
	threshold_s = cli_option(argc, argv, "threshold");
	if (threshold_s && !publish) {
		fprintf(stderr, "sanad stats: --threshold only applies with --publish\n");
		return 2;
	}
	if (threshold_s && parse_int64(threshold_s, 2, 1000, &threshold)) {
		fprintf(stderr, "sanad stats: --threshold '%.40s' is not a count from 2 to 1000\n",
			threshold_s);
		return 2;
	}
	if (!by) {
		fprintf(stderr, "sanad stats: say what to count by with --by DIM[,DIM...] "
				"(see 'sanad stats --list')\n");
		return 2;
	}
	if (format_s) {
		if (!strcmp(format_s, "table"))
			format = FORMAT_TABLE;
		else if (!strcmp(format_s, "csv"))
			format = FORMAT_CSV;
		else if (!strcmp(format_s, "json"))
			format = FORMAT_JSON;
		else {
			fprintf(stderr, "sanad stats: --format '%s': use table, csv or json\n", format_s);
			return 2;
		}
	}
	if (lang_s) {
		if (strcmp(lang_s, "en") && strcmp(lang_s, "ar")) {
			fprintf(stderr, "sanad stats: --lang '%s': use en or ar\n", lang_s);
			return 2;
		}
		lang = vocab_lang_parse(lang_s);
	}
	if (year_s) {
		int64_t y;
		if (parse_int64(year_s, 1900, 2200, &y)) {
			fprintf(stderr, "sanad stats: --year '%.40s' is not a year from 1900 to 2200\n", year_s);
			return 2;
		}
		q.year = (int)y;
	}
	if ((rc = split_dims(by, &by_copy, names, &q.ndims))) {
		free(by_copy);
		return rc;
	}
	q.dims = names;
	rc = stats_compute(ctx->st, &q, &t, &err);
	free(by_copy);
	if (rc) {
		stats_table_release(&t);
		cli_error("stats", &err);
		return rc == SANAD_EINVAL || rc == SANAD_ELIMIT ? 2 : 1;
	}
	if (publish) {
		rc = print_published(&t, threshold, format, labels, lang);
		stats_table_release(&t);
		return rc;
	}
	if (format == FORMAT_CSV) {
		print_csv(&t, labels, lang);
	} else if (format == FORMAT_JSON) {
		json_t *j = stats_table_json(&t, labels, lang);
		json_dumpf(j, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		fputc('\n', stdout);
		json_decref(j);
	} else {
		print_table(&t, lang);
	}
	stats_table_release(&t);
	return 0;
}
