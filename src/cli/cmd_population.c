/* cli/cmd_population.c: `sanad population set|import|list|remove` -- the
 * population figures SDG indicator 16.2.2 divides by (victims per 100,000
 * population), entered or imported by an administrator per year, sex and
 * age group. */
#include "cli/cli.h"

#include <csv.h>
#include <jansson.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char usage_population[] =
	"usage: sanad population set --db PATH --year Y [--sex S] [--age-group G] --count N\n"
	"                            [--source TEXT]\n"
	"       sanad population import --db PATH FILE.csv\n"
	"       sanad population list --db PATH [--year Y] [--format text|csv|json]\n"
	"       sanad population remove --db PATH --year Y [--sex S] [--age-group G]\n"
	"\n"
	"Population figures for SDG indicator 16.2.2 ('sanad stats --sdg'): how many\n"
	"people live in the country in a year, overall or by sex and age group.  A\n"
	"figure is one (year, sex, age group); setting it again replaces it.\n"
	"  --sex S        a value of the sex list (Female, Male ...); omitted: both sexes\n"
	"  --age-group G  Minor or Adult (majority_status), or an age band (age_band:\n"
	"                 0-8, 9-17 ...); omitted: all ages\n"
	"  --count N      people, 1 to 10,000,000,000\n"
	"  --source TEXT  where the figure comes from (census 2020, UN estimate ...)\n"
	"import reads a CSV file with the header year,sex,age_group,count,source (source\n"
	"may be left out; empty sex or age_group means all) and writes every row or,\n"
	"if any row is wrong, none: the error names the row (the header is row 1),\n"
	"the column, the value and what is wrong with it.\n";

#define MAX_POPULATION 10000000000LL

/* Canonical sex code of v ("" stays ""); NULL if v is not one. */
static const char *sex_code(const char *v)
{
	const struct vocab_entry *e;
	if (!*v)
		return "";
	e = vocab_find("sex", v);
	return e ? e->code : NULL;
}

static const char *age_group_code(const char *v)
{
	const struct vocab_entry *e;
	if (!*v)
		return "";
	if ((e = vocab_find("majority_status", v)) || (e = vocab_find("age_band", v)))
		return e->code;
	return NULL;
}

static int parse_year(const char *s, int *year)
{
	int64_t y;
	if (parse_int64(s, 1900, 2200, &y))
		return -1;
	*year = (int)y;
	return 0;
}

/* ---- set ---- */

static int population_set(int argc, char **argv, struct cli_context *ctx)
{
	const char *year_s = cli_option(argc, argv, "year"), *sex_s = cli_option(argc, argv, "sex");
	const char *age_s = cli_option(argc, argv, "age-group"), *count_s = cli_option(argc, argv, "count");
	const char *source = cli_option(argc, argv, "source");
	struct population_entry e = { 0 };
	struct sanad_error err = { 0 };

	if (!year_s || !count_s) {
		fprintf(stderr, "sanad population set: --year and --count are required\n");
		return 2;
	}
	if (parse_year(year_s, &e.year)) {
		fprintf(stderr, "sanad population: --year '%.40s' is not a year from 1900 to 2200\n", year_s);
		return 2;
	}
	if (!(e.sex = (char *)sex_code(sex_s ? sex_s : ""))) {
		fprintf(stderr, "sanad population: --sex '%.40s' is not a value of the sex list "
				"(see 'sanad vocab sex')\n", sex_s);
		return 2;
	}
	if (!(e.age_group = (char *)age_group_code(age_s ? age_s : ""))) {
		fprintf(stderr, "sanad population: --age-group '%.40s' is not Minor, Adult or an age band "
				"(see 'sanad vocab age_band')\n", age_s);
		return 2;
	}
	if (parse_int64(count_s, 1, MAX_POPULATION, &e.count)) {
		fprintf(stderr, "sanad population: --count '%.40s' is not a number of people from 1 to %lld\n",
			count_s, MAX_POPULATION);
		return 2;
	}
	if (source && (!utf8_valid(source, strlen(source), NULL) || utf8_length(source, strlen(source)) > 200)) {
		fprintf(stderr, "sanad population: --source must be UTF-8 text of at most 200 characters\n");
		return 2;
	}
	e.source = (char *)source;
	if (storage_population_put(ctx->st, &e, 1, &err)) {
		cli_error("population", &err);
		return 1;
	}
	printf("population %d, sex %s, age group %s: %lld\n", e.year, *e.sex ? e.sex : "all",
	       *e.age_group ? e.age_group : "all", (long long)e.count);
	return 0;
}

/* ---- import ---- */

enum { COL_YEAR, COL_SEX, COL_AGE, COL_COUNT, COL_SOURCE, NCOLS };
static const char *const col_names[NCOLS] = { "year", "sex", "age_group", "count", "source" };

struct import_state {
	const char *file;
	long row;                /* current row, the header being 1 */
	int col;                 /* cell within the row */
	int map[16];             /* file column -> COL_*, -1 unknown */
	int ncols_file;
	char *cell[NCOLS];
	struct population_entry *entries;
	size_t n, alloc;
	struct sanad_error err;
	int failed;
};

static void on_cell(void *data, size_t len, void *ctx)
{
	struct import_state *s = ctx;
	char *v;
	if (s->failed)
		return;
	v = xmalloc(len + 1);
	memcpy(v, data, len);
	v[len] = '\0';
	if (s->row == 1) {
		int k;
		char *name = trim_ascii(v);
		/* a UTF-8 byte order mark, as spreadsheets write, is not part of the name */
		if (s->col == 0 && !strncmp(name, "\xEF\xBB\xBF", 3))
			name += 3;
		if (s->col >= 16) {
			sanad_error_set(&s->err, SANAD_EINVAL, "%s row 1: more than 16 columns", s->file);
			s->failed = 1;
		} else {
			for (k = 0; k < NCOLS && strcmp(name, col_names[k]); k++)
				;
			if (k == NCOLS) {
				sanad_error_set(&s->err, SANAD_EINVAL,
						"%s row 1, column %d: unknown column '%.40s' (the columns are "
						"year, sex, age_group, count, source)",
						s->file, s->col + 1, name);
				s->failed = 1;
			} else {
				for (int j = 0; j < s->col; j++)
					if (s->map[j] == k) {
						sanad_error_set(&s->err, SANAD_EINVAL, "%s row 1: column '%s' is named twice",
								s->file, name);
						s->failed = 1;
					}
				s->map[s->col] = k;
			}
		}
		free(v);
	} else if (s->col >= s->ncols_file) {
		sanad_error_set(&s->err, SANAD_EINVAL, "%s row %ld: more cells than the header's %d columns",
				s->file, s->row, s->ncols_file);
		s->failed = 1;
		free(v);
	} else {
		int k = s->map[s->col];
		free(s->cell[k]);
		s->cell[k] = v;
	}
	s->col++;
}

static int row_error(struct import_state *s, int col, const char *value, const char *why)
{
	sanad_error_set(&s->err, SANAD_EINVAL, "%s row %ld, column %s: '%.60s' %s", s->file, s->row,
			col_names[col], value, why);
	s->failed = 1;
	return -1;
}

static int finish_row(struct import_state *s)
{
	struct population_entry e = { 0 };
	const char *v;
	for (int k = 0; k < NCOLS; k++)
		if (!s->cell[k])
			s->cell[k] = xstrdup("");
	for (int k = 0; k < NCOLS; k++) {
		csv_unguard(s->cell[k]);
		trim_ascii(s->cell[k]);
	}
	v = s->cell[COL_YEAR];
	if (parse_year(trim_ascii(s->cell[COL_YEAR]), &e.year))
		return row_error(s, COL_YEAR, v, "is not a year from 1900 to 2200");
	if (!(e.sex = (char *)sex_code(trim_ascii(s->cell[COL_SEX]))))
		return row_error(s, COL_SEX, s->cell[COL_SEX], "is not a value of the sex list (empty: both sexes)");
	if (!(e.age_group = (char *)age_group_code(trim_ascii(s->cell[COL_AGE]))))
		return row_error(s, COL_AGE, s->cell[COL_AGE],
				 "is not Minor, Adult or an age band (empty: all ages)");
	if (parse_int64(trim_ascii(s->cell[COL_COUNT]), 1, MAX_POPULATION, &e.count))
		return row_error(s, COL_COUNT, s->cell[COL_COUNT], "is not a number of people from 1 to 10000000000");
	v = s->cell[COL_SOURCE];
	if (!utf8_valid(v, strlen(v), NULL))
		return row_error(s, COL_SOURCE, "?", "is not UTF-8 text");
	if (utf8_length(v, strlen(v)) > 200)
		return row_error(s, COL_SOURCE, "...", "is longer than 200 characters");
	for (size_t i = 0; i < s->n; i++)
		if (s->entries[i].year == e.year && !strcmp(s->entries[i].sex, e.sex) &&
		    !strcmp(s->entries[i].age_group, e.age_group)) {
			sanad_error_set(&s->err, SANAD_EINVAL,
					"%s row %ld: year %d, sex '%s', age group '%s' is given twice", s->file, s->row,
					e.year, e.sex, e.age_group);
			s->failed = 1;
			return -1;
		}
	ALLOC_GROW(s->entries, s->n + 1, s->alloc);
	s->entries[s->n].year = e.year;
	s->entries[s->n].sex = xstrdup(e.sex);
	s->entries[s->n].age_group = xstrdup(e.age_group);
	s->entries[s->n].count = e.count;
	s->entries[s->n].source = *v ? xstrdup(v) : NULL;
	s->entries[s->n].updated_at = NULL;
	s->n++;
	return 0;
}

static void on_record(int term, void *ctx)
{
	struct import_state *s = ctx;
	(void)term;
	if (s->failed)
		goto next;
	if (s->row == 1) {
		int seen[NCOLS] = { 0 };
		s->ncols_file = s->col;
		for (int j = 0; j < s->col && j < 16; j++)
			seen[s->map[j]] = 1;
		for (int k = 0; k < NCOLS - 1; k++) /* source may be left out */
			if (!seen[k]) {
				sanad_error_set(&s->err, SANAD_EINVAL, "%s row 1: the header has no column '%s'", s->file,
						col_names[k]);
				s->failed = 1;
				break;
			}
	} else if (s->col == 1 && s->cell[s->map[0]] && !*s->cell[s->map[0]]) {
		/* an empty line: skipped */
	} else {
		finish_row(s);
	}
next:
	for (int k = 0; k < NCOLS; k++) {
		free(s->cell[k]);
		s->cell[k] = NULL;
	}
	s->col = 0;
	s->row++;
}

static int population_import(const char *path, struct cli_context *ctx)
{
	struct import_state s;
	struct csv_parser p;
	char buf[65536];
	size_t n;
	FILE *f = fopen(path, "rb");
	int rc = 0;

	memset(&s, 0, sizeof(s));
	s.file = path;
	s.row = 1;
	if (!f) {
		fprintf(stderr, "sanad population: cannot open %s: %s\n", path, strerror(errno));
		return 1;
	}
	if (csv_init(&p, CSV_APPEND_NULL) != 0) {
		fclose(f);
		fprintf(stderr, "sanad population: out of memory\n");
		return 1;
	}
	while (!s.failed && (n = fread(buf, 1, sizeof(buf), f)) > 0)
		if (csv_parse(&p, buf, n, on_cell, on_record, &s) != n && !s.failed) {
			sanad_error_set(&s.err, SANAD_EINVAL, "%s row %ld: %s", path, s.row,
					csv_strerror(csv_error(&p)));
			s.failed = 1;
		}
	if (!s.failed && ferror(f)) {
		sanad_error_set(&s.err, SANAD_EIO, "reading %s: %s", path, strerror(errno));
		s.failed = 1;
	}
	if (!s.failed && csv_fini(&p, on_cell, on_record, &s) != 0 && !s.failed) {
		sanad_error_set(&s.err, SANAD_EINVAL, "%s row %ld: %s", path, s.row, csv_strerror(csv_error(&p)));
		s.failed = 1;
	}
	csv_free(&p);
	fclose(f);
	for (int k = 0; k < NCOLS; k++)
		free(s.cell[k]);
	if (!s.failed && s.row == 1) {
		sanad_error_set(&s.err, SANAD_EINVAL, "%s is empty: no header", path);
		s.failed = 1;
	}
	if (!s.failed && storage_population_put(ctx->st, s.entries, s.n, &s.err))
		s.failed = 1;
	if (s.failed) {
		fprintf(stderr, "sanad population: %s; nothing was written\n", s.err.message);
		rc = 1;
	} else {
		printf("imported %zu population figure%s from %s\n", s.n, s.n == 1 ? "" : "s", path);
	}
	population_entries_free(s.entries, s.n);
	return rc;
}

/* ---- list, remove ---- */

static int population_list(int argc, char **argv, struct cli_context *ctx)
{
	const char *format = cli_option(argc, argv, "format"), *year_s = cli_option(argc, argv, "year");
	struct population_entry *list;
	struct sanad_error err = { 0 };
	size_t n;
	int year = 0;

	if (format && strcmp(format, "text") && strcmp(format, "csv") && strcmp(format, "json")) {
		fprintf(stderr, "sanad population: --format '%.40s': use text, csv or json\n", format);
		return 2;
	}
	if (year_s && parse_year(year_s, &year)) {
		fprintf(stderr, "sanad population: --year '%.40s' is not a year from 1900 to 2200\n", year_s);
		return 2;
	}
	if (storage_population_list(ctx->st, year, &list, &n, &err)) {
		cli_error("population", &err);
		return 1;
	}
	if (format && !strcmp(format, "json")) {
		json_t *a = json_array();
		for (size_t i = 0; i < n; i++) {
			json_t *o = json_object();
			json_object_set_new(o, "year", json_integer(list[i].year));
			json_object_set_new(o, "sex", *list[i].sex ? json_string(list[i].sex) : json_null());
			json_object_set_new(o, "age_group", *list[i].age_group ? json_string(list[i].age_group)
									 : json_null());
			json_object_set_new(o, "count", json_integer(list[i].count));
			json_object_set_new(o, "source", list[i].source ? json_string(list[i].source) : json_null());
			json_object_set_new(o, "updated_at", list[i].updated_at ? json_string(list[i].updated_at)
										: json_null());
			json_array_append_new(a, o);
		}
		json_dumpf(a, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		fputc('\n', stdout);
		json_decref(a);
	} else if (format && !strcmp(format, "csv")) {
		struct strbuf line = STRBUF_INIT;
		fputs("year,sex,age_group,count,source\n", stdout);
		for (size_t i = 0; i < n; i++) {
			strbuf_reset(&line);
			strbuf_addf(&line, "%d,%s,%s,%lld,", list[i].year, list[i].sex, list[i].age_group,
				    (long long)list[i].count);
			csv_cell(&line, list[i].source ? list[i].source : "", 1);
			strbuf_addch(&line, '\n');
			fputs(line.buf, stdout);
		}
		strbuf_release(&line);
	} else {
		for (size_t i = 0; i < n; i++)
			printf("%d\t%s\t%s\t%lld\t%s\n", list[i].year, *list[i].sex ? list[i].sex : "all",
			       *list[i].age_group ? list[i].age_group : "all", (long long)list[i].count,
			       list[i].source ? list[i].source : "-");
	}
	population_entries_free(list, n);
	return 0;
}

static int population_remove(int argc, char **argv, struct cli_context *ctx)
{
	const char *year_s = cli_option(argc, argv, "year"), *sex_s = cli_option(argc, argv, "sex");
	const char *age_s = cli_option(argc, argv, "age-group"), *sex, *age;
	struct sanad_error err = { 0 };
	int year;

	if (!year_s || parse_year(year_s, &year)) {
		fprintf(stderr, "sanad population remove: --year Y (1900 to 2200) is required\n");
		return 2;
	}
	if (!(sex = sex_code(sex_s ? sex_s : ""))) {
		fprintf(stderr, "sanad population: --sex '%.40s' is not a value of the sex list\n", sex_s);
		return 2;
	}
	if (!(age = age_group_code(age_s ? age_s : ""))) {
		fprintf(stderr, "sanad population: --age-group '%.40s' is not Minor, Adult or an age band\n", age_s);
		return 2;
	}
	if (storage_population_delete(ctx->st, year, sex, age, &err)) {
		cli_error("population", &err);
		return 1;
	}
	printf("removed population %d, sex %s, age group %s\n", year, *sex ? sex : "all", *age ? age : "all");
	return 0;
}

int cmd_population(int argc, char **argv, struct cli_context *ctx)
{
	static const char *const opts[] = { "year=", "sex=", "age-group=", "count=", "source=", "format=", NULL };
	char **pos;
	int npos, rc;

	if ((rc = cli_parse("population", argc, argv, opts, &pos, &npos)))
		return rc;
	if (npos >= 1 && !strcmp(pos[0], "import")) {
		if (npos != 2) {
			fprintf(stderr, "sanad population import: give one CSV file\n");
			rc = 2;
		} else {
			rc = population_import(pos[1], ctx);
		}
	} else if (npos == 1 && !strcmp(pos[0], "set")) {
		rc = population_set(argc, argv, ctx);
	} else if (npos == 1 && !strcmp(pos[0], "list")) {
		rc = population_list(argc, argv, ctx);
	} else if (npos == 1 && !strcmp(pos[0], "remove")) {
		rc = population_remove(argc, argv, ctx);
	} else {
		fprintf(stderr, "sanad population: say set, import, list or remove (see 'sanad population --help')\n");
		rc = 2;
	}
	free(pos);
	return rc;
}
