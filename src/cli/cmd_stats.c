/* cli/cmd_stats.c: `sanad stats` prints victim counts computed by the stats
 * module as a table, CSV or JSON; with --publish, after the disclosure
 * module's cell suppression. */
#include "cli/cli.h"
#include "disclosure/disclosure.h"
#include "stats/stats.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char usage_stats[] =
	"usage: sanad stats --db PATH --by DIM[,DIM...] [--year Y]\n"
	"                   [--format table|csv|json] [--lang en|ar] [--labels]\n"
	"                   [--format xlsx --output FILE]\n"
	"                   [--publish [--threshold N]]\n"
	"                   [--scope all|org|national] [--org CODE] [--filter DIM=V[,V...]]...\n"
	"                   [--count victims|perpetrators|services]\n"
	"       sanad stats --db PATH --sdg --year Y [--scope ...] [--publish [--threshold N]]\n"
	"                   [--format table|csv|json] [--lang en|ar]\n"
	"       sanad stats --db PATH --list [--count perpetrators|services]\n"
	"       sanad stats --db PATH --queries FILE\n"
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
	"  --format xlsx  a spreadsheet written to --output FILE: the CSV's header and\n"
	"                 rows, counts as numbers, a suppressed count an empty shaded\n"
	"                 cell, totals in bold, the notes under the table; right to\n"
	"                 left with --lang ar\n"
	"  --lang L       language of labels and headings: en (default) or ar\n"
	"  --labels       csv and json: add a <dim>_label column in that language\n"
	"  --list         list the dimensions with what each one counts\n"
	"  --publish      a table fit to publish (1 to 4 dimensions): every combination\n"
	"                 of the values that occur, zeros included, with the totals\n"
	"                 (value TOTAL); counts below the threshold, and other cells\n"
	"                 chosen so that none of them can be worked out from the\n"
	"                 totals, are suppressed: empty in CSV, null in JSON, 'x' in\n"
	"                 the table, with a footnote (see docs/statistics.md)\n"
	"  --threshold N  with --publish: smallest count published (default 5, 2..1000)\n"
	"  --scope S      whose cases: all (default: every case in the file), org (one\n"
	"                 organisation's, with --org) or national (the national pool:\n"
	"                 organisations in the pool, victims who consented to statistical\n"
	"                 use, a person recorded by several organisations counted once;\n"
	"                 how many such records were merged is said on stderr)\n"
	"  --org CODE     only the cases of organisation CODE (implies --scope org)\n"
	"  --filter DIM=V,...  only cases whose DIM is one of the values (codes, labels\n"
	"                 or aliases; 'unknown' for cases without one); repeat the\n"
	"                 option to require several\n"
	"  --count WHAT   victims (default), perpetrators (each perpetrator recorded on\n"
	"                 a selected case counts once) or services (each service item);\n"
	"                 '--list --count WHAT' shows their dimensions.  Scope and\n"
	"                 filters select cases as for victims\n"
	"  --sdg          SDG indicator 16.2.2 for --year Y: victims per 100,000\n"
	"                 population overall, by sex, by age group (Minor/Adult, and\n"
	"                 age bands where the population is known by band), by sex and\n"
	"                 age group and by form of exploitation, from the figures of\n"
	"                 'sanad population'; a group without a population figure says\n"
	"                 so.  With --publish the counts are those of the published\n"
	"                 tables, and a rate whose count is suppressed is suppressed\n"
	"  --queries FILE many requests, one per line (the options above, without\n"
	"                 --db; '-' reads stdin), answered in turn by one engine kept\n"
	"                 open, each answer followed by a line '--'\n";

enum format { FORMAT_TABLE, FORMAT_CSV, FORMAT_JSON, FORMAT_XLSX };

static int list_dimensions(enum stats_subject subject)
{
	int n;
	const struct stats_dimension *d = stats_subject_dimensions(subject, &n);
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

/* --count perpetrators|services: what the count column, title and total say */
static const char *const subject_words[3][3][2] = {
	{ { "Victims", "الضحايا" }, { "Victims by ", "الضحايا حسب " }, { "Total victims", "مجموع الضحايا" } },
	{ { "Perpetrators", "الجناة" }, { "Perpetrators by ", "الجناة حسب " },
	  { "Total perpetrators", "مجموع الجناة" } },
	{ { "Services", "الخدمات" }, { "Services by ", "الخدمات حسب " }, { "Total services", "مجموع الخدمات" } },
};
#define SUBJECT_WORD(t, w, lang) subject_words[(t)->subject <= STATS_COUNT_SERVICES ? (t)->subject : 0][w][lang]

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
	pad(line, width[nc] - text_width(SUBJECT_WORD(t, 0, lang)));
	strbuf_addstr(line, SUBJECT_WORD(t, 0, lang));
	strbuf_addch(line, '\n');
	for (int c = 0; c <= nc; c++) {
		for (size_t i = 0; i < width[c]; i++)
			strbuf_addch(line, '-');
		strbuf_addstr(line, c < nc ? "  " : "\n");
	}
}

/* Prints j indented, keys in their order, and frees it. */
static void print_json(json_t *j)
{
	json_dumpf(j, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	fputc('\n', stdout);
	json_decref(j);
}

/* The table's title line: what is counted, by what, which year. */
static void print_title(const struct stats_table *t, enum vocab_lang lang)
{
	struct strbuf line = STRBUF_INIT;
	int nc = t->ncolumns;

	strbuf_addstr(&line, SUBJECT_WORD(t, 1, lang));
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
	strbuf_release(&line);
}

/* One row of the table: its labels padded to their columns, then the
 * count right-aligned. */
static void print_row(struct strbuf *line, const size_t *width, int nc, const char *const *labels, const char *num)
{
	strbuf_reset(line);
	for (int c = 0; c < nc; c++) {
		strbuf_addstr(line, labels[c]);
		pad(line, width[c] - text_width(labels[c]) + 2);
	}
	pad(line, width[nc] - strlen(num));
	strbuf_addstr(line, num);
	strbuf_addch(line, '\n');
	fputs(line->buf, stdout);
}

static void print_table(const struct stats_table *t, enum vocab_lang lang)
{
	size_t width[STATS_MAX_DIMS + 1];
	struct strbuf line = STRBUF_INIT;
	char num[32];
	int nc = t->ncolumns;

	print_title(t, lang);

	for (int c = 0; c < nc; c++) {
		const struct stats_column *col = &t->columns[c];
		width[c] = text_width(col->dim->title[lang]);
		for (int v = 0; v < col->nvalues; v++)
			if (text_width(col->values[v].label[lang]) > width[c])
				width[c] = text_width(col->values[v].label[lang]);
	}
	width[nc] = text_width(SUBJECT_WORD(t, 0, lang));
	for (size_t r = 0; r < t->nrows; r++) {
		size_t w = (size_t)snprintf(num, sizeof(num), "%lld", (long long)t->rows[r].count);
		if (w > width[nc])
			width[nc] = w;
	}

	strbuf_reset(&line);
	table_heading(&line, t, width, nc, lang);
	fputs(line.buf, stdout);
	for (size_t r = 0; r < t->nrows; r++) {
		const char *labels[STATS_MAX_DIMS];
		for (int c = 0; c < nc; c++)
			labels[c] = t->columns[c].values[t->rows[r].value[c]].label[lang];
		snprintf(num, sizeof(num), "%lld", (long long)t->rows[r].count);
		print_row(&line, width, nc, labels, num);
	}
	printf("%s: %lld\n", SUBJECT_WORD(t, 2, lang), (long long)t->total_victims);
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

	print_title(t, lang);
	for (int c = 0; c < nc; c++) {
		width[c] = text_width(t->columns[c].dim->title[lang]);
		for (size_t i = 0; i < p->cube.ncells; i++) {
			size_t w = text_width(disclosure_cell_label(p, i, c, lang));
			if (w > width[c])
				width[c] = w;
		}
	}
	width[nc] = text_width(SUBJECT_WORD(t, 0, lang));
	for (size_t i = 0; i < p->cube.ncells; i++) {
		size_t w = (size_t)snprintf(num, sizeof(num), "%lld", (long long)p->cube.count[i]);
		if (w > width[nc])
			width[nc] = w;
	}
	strbuf_reset(&line);
	table_heading(&line, t, width, nc, lang);
	fputs(line.buf, stdout);
	for (size_t i = 0; i < p->cube.ncells; i++) {
		const char *labels[STATS_MAX_DIMS];
		for (int c = 0; c < nc; c++)
			labels[c] = disclosure_cell_label(p, i, c, lang);
		if (p->cube.state[i] == DISCLOSURE_PUBLISHED)
			snprintf(num, sizeof(num), "%lld", (long long)p->cube.count[i]);
		else
			snprintf(num, sizeof(num), "x");
		print_row(&line, width, nc, labels, num);
	}
	if (p->total_victims_published)
		printf("%s: %lld\n", SUBJECT_WORD(t, 2, lang), (long long)t->total_victims);
	else
		printf("%s: x\n", SUBJECT_WORD(t, 2, lang));
	if (t->note[lang])
		printf(lang == VOCAB_AR ? "ملاحظة: %s.\n" : "Note: %s.\n", t->note[lang]);
	strbuf_reset(&line);
	disclosure_footnote(p, lang, &line);
	printf("%s.\n", strbuf_str(&line));
	strbuf_release(&line);
}

/* --publish: protect t and print it in format.  Returns the exit status. */
static int print_published(struct cli_context *ctx, struct stats_engine *engine, const struct stats_query *q,
			   const struct stats_table *t, int64_t threshold, enum format format,
			   int labels, enum vocab_lang lang)
{
	struct disclosure_options o = { threshold, 0 };
	struct disclosure_table p;
	struct sanad_error err = { 0 };
	int rc = disclosure_publish_query(ctx->st, engine, q, t, &o, &p, &err);
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
		print_json(disclosure_table_json(&p, labels, lang));
	} else {
		print_published_table(&p, lang);
	}
	disclosure_table_release(&p);
	return 0;
}

/* --format xlsx writes a file: refuse it without --output (a workbook is
 * binary, not for a terminal) and --output without it.  0 or 2. */
static int check_xlsx_output(enum format format, const char *output)
{
	if (format == FORMAT_XLSX && (!output || !*output)) {
		fprintf(stderr, "sanad stats: --format xlsx needs --output FILE\n");
		return 2;
	}
	if (format != FORMAT_XLSX && output) {
		fprintf(stderr, "sanad stats: --output only applies with --format xlsx\n");
		return 2;
	}
	return 0;
}

/* --format xlsx: t (protected first when publish) as a workbook written
 * atomically to output.  Returns the exit status. */
static int write_xlsx(struct cli_context *ctx, struct stats_engine *engine, const struct stats_query *q,
		      const struct stats_table *t, int publish, int64_t threshold, int labels,
		      enum vocab_lang lang, const char *output)
{
	struct disclosure_options o = { threshold, 0 };
	struct disclosure_table p;
	struct sanad_error err = { 0 };
	struct strbuf book = STRBUF_INIT;
	int rc;

	if (publish) {
		if ((rc = disclosure_publish_query(ctx->st, engine, q, t, &o, &p, &err))) {
			disclosure_table_release(&p);
			cli_error("stats", &err);
			return rc == SANAD_ELIMIT ? 2 : 1;
		}
		rc = disclosure_table_xlsx(&p, labels, lang, &book, &err);
		disclosure_table_release(&p);
	} else {
		rc = disclosure_stats_xlsx(t, labels, lang, &book, &err);
	}
	if (!rc)
		rc = file_write_atomic(output, book.buf, book.len, &err);
	strbuf_release(&book);
	if (rc) {
		cli_error("stats", &err);
		return 1;
	}
	return 0;
}

/* --scope, --org and every --filter DIM=V,V into q; *mem collects what the
 * caller frees with free_filters.  Returns 0 or 2 (usage error, printed). */
struct filter_mem {
	struct stats_filter filters[STATS_MAX_FILTERS];
	char *copies[STATS_MAX_FILTERS];
	const char **values[STATS_MAX_FILTERS];
	int n;
};

static void free_filters(struct filter_mem *m)
{
	for (int i = 0; i < m->n; i++) {
		free(m->copies[i]);
		free(m->values[i]);
	}
	m->n = 0;
}

static int parse_scope(int argc, char **argv, struct stats_query *q, struct filter_mem *m)
{
	const char *scope = cli_option(argc, argv, "scope"), *org = cli_option(argc, argv, "org");

	if (!scope || !strcmp(scope, "all"))
		q->scope = STATS_SCOPE_ALL;
	else if (!strcmp(scope, "org"))
		q->scope = STATS_SCOPE_ORG;
	else if (!strcmp(scope, "national"))
		q->scope = STATS_SCOPE_NATIONAL;
	else {
		fprintf(stderr, "sanad stats: --scope '%.40s': use all, org or national\n", scope);
		return 2;
	}
	if (org && scope && q->scope != STATS_SCOPE_ORG) {
		fprintf(stderr, "sanad stats: --org goes with --scope org, not --scope %s\n", scope);
		return 2;
	}
	if (org)
		q->scope = STATS_SCOPE_ORG;
	if (q->scope == STATS_SCOPE_ORG && (!org || !*org)) {
		fprintf(stderr, "sanad stats: --scope org needs --org CODE\n");
		return 2;
	}
	q->org_code = org;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v = NULL;
		char *eq, *save = NULL, *tok;
		size_t alloc = 0;
		if (!strcmp(a, "--"))
			break;
		if (!strncmp(a, "--filter=", 9))
			v = a + 9;
		else if (!strcmp(a, "--filter") && i + 1 < argc)
			v = argv[++i];
		else
			continue;
		if (m->n == STATS_MAX_FILTERS) {
			fprintf(stderr, "sanad stats: at most %d --filter options\n", STATS_MAX_FILTERS);
			return 2;
		}
		if (!(eq = strchr(v, '=')) || eq == v) {
			fprintf(stderr, "sanad stats: --filter '%.60s': write DIM=VALUE[,VALUE...]\n", v);
			return 2;
		}
		m->copies[m->n] = xstrdup(v);
		eq = m->copies[m->n] + (eq - v);
		*eq = 0;
		m->filters[m->n].dim = trim_ascii(m->copies[m->n]);
		m->values[m->n] = NULL;
		m->filters[m->n].nvalues = 0;
		for (tok = strtok_r(eq + 1, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
			tok = trim_ascii(tok);
			if (!*tok)
				continue;
			ALLOC_GROW(m->values[m->n], (size_t)m->filters[m->n].nvalues + 1, alloc);
			m->values[m->n][m->filters[m->n].nvalues++] = tok;
		}
		m->filters[m->n].values = m->values[m->n];
		if (!m->filters[m->n].nvalues) {
			fprintf(stderr, "sanad stats: --filter %s= names no value\n", m->filters[m->n].dim);
			m->n++;
			return 2;
		}
		m->n++;
	}
	q->filters = m->filters;
	q->nfilters = m->n;
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

/* One `sanad stats` request; through engine when one is open (--queries). */
static int stats_one(int argc, char **argv, struct cli_context *ctx, struct stats_engine *engine)
{
	static const char *const opts[] = { "by=", "year=", "format=", "lang=", "labels", "list",
					      "publish", "threshold=", "output=", "scope=", "org=", "filter=",
					      "count=", "sdg", NULL };
	const char *by, *year_s, *format_s, *lang_s, *threshold_s;
	int64_t threshold = DISCLOSURE_DEFAULT_THRESHOLD;
	const char *names[STATS_MAX_DIMS];
	struct stats_query q = { 0 };
	struct filter_mem fmem = { 0 };
	struct stats_table t;
	struct sanad_error err = { 0 };
	enum format format = FORMAT_TABLE;
	enum vocab_lang lang = VOCAB_EN;
	char **pos, *by_copy = NULL;
	int npos, rc, labels, publish, sdg;

	if ((rc = cli_parse("stats", argc, argv, opts, &pos, &npos)))
		return rc;
	free(pos);
	if (npos) {
		fprintf(stderr, "sanad stats: unexpected argument (see 'sanad stats --help')\n");
		return 2;
	}
	if (cli_option(argc, argv, "count")) {
		int subject = stats_subject_parse(cli_option(argc, argv, "count"));
		if (subject < 0) {
			fprintf(stderr, "sanad stats: --count '%.40s': use victims, perpetrators or services\n",
				cli_option(argc, argv, "count"));
			return 2;
		}
		q.subject = (enum stats_subject)subject;
	}
	sdg = cli_flag(argc, argv, "sdg");
	if (sdg && (cli_option(argc, argv, "by") || q.subject != STATS_COUNT_VICTIMS)) {
		fprintf(stderr, "sanad stats: --sdg computes its own breakdowns: leave out --by and --count\n");
		return 2;
	}
	if (cli_flag(argc, argv, "list"))
		return list_dimensions(q.subject);
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
	if (!by && !sdg) {
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
		else if (!strcmp(format_s, "xlsx"))
			format = FORMAT_XLSX;
		else {
			fprintf(stderr, "sanad stats: --format '%s': use table, csv, json or xlsx\n", format_s);
			return 2;
		}
	}
	if ((rc = check_xlsx_output(format, cli_option(argc, argv, "output"))))
		return rc;
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
	if (by && (rc = split_dims(by, &by_copy, names, &q.ndims))) {
		free(by_copy);
		return rc;
	}
	q.dims = names;
	if ((rc = parse_scope(argc, argv, &q, &fmem))) {
		free_filters(&fmem);
		free(by_copy);
		return rc;
	}
	if (sdg) {
		rc = cmd_stats_sdg(ctx->st, &q, publish ? threshold : 0, format_s, lang);
		free_filters(&fmem);
		free(by_copy);
		return rc;
	}
	rc = engine ? stats_engine_compute(engine, ctx->st, &q, &t, &err) : stats_compute(ctx->st, &q, &t, &err);
	if (!rc && q.scope == STATS_SCOPE_NATIONAL)
		fprintf(stderr, "sanad stats: national pool: %lld record%s of a person already counted "
				"(same match key, another organisation) left out\n",
			(long long)t.duplicates_merged, t.duplicates_merged == 1 ? "" : "s");
	if (rc) {
		free_filters(&fmem);
		free(by_copy);
		stats_table_release(&t);
		cli_error("stats", &err);
		return rc == SANAD_EINVAL || rc == SANAD_ELIMIT ? 2 : 1;
	}
	if (format == FORMAT_XLSX || publish) {
		/* q (its filters, dims) is still needed: published tables are
		 * protected against their unfiltered neighbours too */
		rc = format == FORMAT_XLSX ? write_xlsx(ctx, engine, &q, &t, publish, threshold, labels, lang,
							cli_option(argc, argv, "output"))
					   : print_published(ctx, engine, &q, &t, threshold, format, labels, lang);
		free_filters(&fmem);
		free(by_copy);
		stats_table_release(&t);
		return rc;
	}
	free_filters(&fmem);
	free(by_copy);
	if (format == FORMAT_CSV) {
		print_csv(&t, labels, lang);
	} else if (format == FORMAT_JSON) {
		print_json(stats_table_json(&t, labels, lang));
	} else {
		print_table(&t, lang);
	}
	stats_table_release(&t);
	return 0;
}

/* --queries FILE: many requests, one per line, answered by one engine that
 * stays open, so the bitmaps are loaded once -- what a dashboard or a
 * script asking many questions gets, and how bench/stats_crosstab.py times
 * the engine in-process like pandas.  After each answer a line "--" and a
 * flush, so a caller can read answers as they come. */
#define QUERY_MAX_ARGS 64
static int run_queries(const char *path, struct cli_context *ctx)
{
	FILE *in = strcmp(path, "-") ? fopen(path, "r") : stdin;
	struct stats_engine *engine;
	struct sanad_error err = { 0 };
	char *line = NULL;
	size_t cap = 0;
	long lineno = 0;
	int worst = 0;

	if (!in) {
		fprintf(stderr, "sanad stats: --queries %s: %s\n", path, strerror(errno));
		return 1;
	}
	if (stats_engine_open(&engine, &err)) {
		cli_error("stats", &err);
		if (in != stdin)
			fclose(in);
		return 1;
	}
	while (getline(&line, &cap, in) > 0) {
		char *argv[QUERY_MAX_ARGS + 1], *save = NULL, *tok;
		int argc = 0, rc;
		lineno++;
		argv[argc++] = "stats";
		for (tok = strtok_r(line, " \t\r\n", &save); tok; tok = strtok_r(NULL, " \t\r\n", &save)) {
			if (argc == QUERY_MAX_ARGS)
				break;
			argv[argc++] = tok;
		}
		argv[argc] = NULL;
		if (argc == 1 || argv[1][0] == '#')
			continue;
		if (tok) {
			fprintf(stderr, "sanad stats: --queries line %ld: more than %d words\n", lineno,
				QUERY_MAX_ARGS - 1);
			rc = 2;
		} else if (cli_option(argc, argv, "queries") || cli_flag(argc, argv, "list")) {
			fprintf(stderr, "sanad stats: --queries line %ld: --queries and --list do not belong in a query\n",
				lineno);
			rc = 2;
		} else {
			rc = stats_one(argc, argv, ctx, engine);
		}
		if (rc > worst)
			worst = rc;
		fputs("--\n", stdout);
		fflush(stdout);
		fflush(stderr);
	}
	free(line);
	stats_engine_close(engine);
	if (in != stdin)
		fclose(in);
	return worst;
}

int cmd_stats(int argc, char **argv, struct cli_context *ctx)
{
	const char *queries = cli_option(argc, argv, "queries");
	if (!queries)
		return stats_one(argc, argv, ctx, NULL);
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (!strncmp(a, "--queries", 9) || !strncmp(a, "--db", 4) || !strncmp(a, "--key", 5)) {
			if (!strchr(a, '='))
				i++; /* its value */
			continue;
		}
		fprintf(stderr, "sanad stats: --queries FILE takes the requests from FILE, one per line: "
				"'%.40s' belongs in a request\n", a);
		return 2;
	}
	return run_queries(queries, ctx);
}
