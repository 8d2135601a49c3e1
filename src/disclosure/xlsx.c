/*
 * disclosure/xlsx.c: a statistics table as an XLSX workbook (libxlsxwriter)
 * for people who work in spreadsheets -- the published table of
 * disclosure_publish, or a raw table for an organisation's own use.
 *
 * The sheet holds the same header and rows as the CSV of the same table, so
 * a reader can move between the two: codes, then labels when asked, then
 * the count.  Counts are numbers (a spreadsheet can sum them); a suppressed
 * count is an empty, shaded cell and the legend under the table says so;
 * rows that carry a total are bold and shaded.  Text cells get csv_cell's
 * formula guard: a label that begins with = + - @ (an organisation's name
 * is typed by people) would run as a formula once a user edits the cell.
 *
 * libxlsxwriter only writes files, so the workbook is written to a private
 * temporary file (mode 0600, removed before returning) and read back.
 */
#include "disclosure/disclosure.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <xlsxwriter.h>

/* The words of the sheet, by enum vocab_lang. */
static const char *const sheet_name[2] = { "Victims", "الضحايا" };
static const char *const legend_text[2] = {
	"An empty shaded count is suppressed to protect privacy (x in the printed table).",
	"العدد الفارغ المظلل محجوب لحماية الخصوصية (x في الجدول المطبوع).",
};
static const char *const raw_text[2] = {
	"Raw counts for the organisation's own use: small cells are not suppressed; do not publish.",
	"أعداد أولية للاستخدام الداخلي للمنظمة: الخلايا الصغيرة غير محجوبة؛ لا تُنشر.",
};
static const char *const total_victims_text[2] = { "Total victims", "مجموع الضحايا" };

struct sheet {
	lxw_workbook *wb;
	lxw_worksheet *ws;
	lxw_format *header, *total, *total_count, *suppressed, *note;
	lxw_error first_error; /* the first write that failed, if any */
	char path[64];
	struct strbuf scratch;
};

static void keep_error(struct sheet *s, lxw_error e)
{
	if (e != LXW_NO_ERROR && s->first_error == LXW_NO_ERROR)
		s->first_error = e;
}

/* The same test as csv_cell's guard, and also after leading blanks: a
 * spreadsheet skips them before it looks for a formula. */
static int needs_guard(const char *v)
{
	if (v[0] == '\'' || v[0] == '\t' || v[0] == '\r')
		return 1;
	while (*v == ' ' || *v == '\t')
		v++;
	return *v == '=' || *v == '+' || *v == '-' || *v == '@';
}

static void put_text(struct sheet *s, lxw_row_t row, lxw_col_t col, const char *text, lxw_format *f)
{
	if (!text || !*text) {
		if (f)
			keep_error(s, worksheet_write_blank(s->ws, row, col, f));
		return;
	}
	if (needs_guard(text)) {
		strbuf_reset(&s->scratch);
		strbuf_addch(&s->scratch, '\'');
		strbuf_addstr(&s->scratch, text);
		text = strbuf_str(&s->scratch);
	}
	keep_error(s, worksheet_write_string(s->ws, row, col, text, f));
}

static void put_number(struct sheet *s, lxw_row_t row, lxw_col_t col, int64_t n, lxw_format *f)
{
	keep_error(s, worksheet_write_number(s->ws, row, col, (double)n, f));
}

/* A value code: a number dimension's as a number, others as text. */
static void put_code(struct sheet *s, lxw_row_t row, lxw_col_t col, const struct stats_column *c,
		     const char *code, lxw_format *f)
{
	int64_t n;
	if (code && c->dim->kind == STATS_DIM_NUMBER && !parse_int64(code, INT64_MIN, INT64_MAX, &n))
		put_number(s, row, col, n, f);
	else
		put_text(s, row, col, code, f);
}

static int sheet_open(struct sheet *s, enum vocab_lang lang, struct sanad_error *err)
{
	const char *dir = getenv("TMPDIR");
	int fd;

	memset(s, 0, sizeof(*s));
	if (!dir || !*dir || strlen(dir) > sizeof(s->path) - 24)
		dir = "/tmp";
	snprintf(s->path, sizeof(s->path), "%s/sanad-xlsx-XXXXXX", dir);
	if ((fd = mkstemp(s->path)) < 0) /* mode 0600 */
		return sanad_error_set(err, SANAD_EIO, "cannot create a temporary file in %s: %s", dir,
				       strerror(errno));
	close(fd);
	s->wb = workbook_new(s->path);
	if (!s->wb) {
		unlink(s->path);
		return sanad_error_set(err, SANAD_EIO, "cannot start an XLSX workbook in %s", s->path);
	}
	s->ws = workbook_add_worksheet(s->wb, sheet_name[lang]);
	s->header = workbook_add_format(s->wb);
	format_set_bold(s->header);
	format_set_bottom(s->header, LXW_BORDER_THIN);
	s->total = workbook_add_format(s->wb);
	format_set_bold(s->total);
	format_set_bg_color(s->total, 0xEEEEEE);
	s->total_count = workbook_add_format(s->wb);
	format_set_bold(s->total_count);
	format_set_bg_color(s->total_count, 0xEEEEEE);
	s->suppressed = workbook_add_format(s->wb);
	format_set_bg_color(s->suppressed, 0xD9D9D9);
	s->note = workbook_add_format(s->wb);
	format_set_italic(s->note);
	if (lang == VOCAB_AR)
		worksheet_right_to_left(s->ws);
	return 0;
}

/* The header row as in the CSV: names, <name>_label with labels, count. */
static lxw_col_t put_header(struct sheet *s, const struct stats_table *t, int labels)
{
	lxw_col_t col = 0;
	for (int c = 0; c < t->ncolumns; c++) {
		put_text(s, 0, col++, t->columns[c].name, s->header);
		if (labels) {
			strbuf_reset(&s->scratch);
			strbuf_addf(&s->scratch, "%s_label", t->columns[c].name);
			char *h = strbuf_detach(&s->scratch);
			put_text(s, 0, col++, h, s->header);
			free(h);
		}
	}
	put_text(s, 0, col, "count", s->header);
	keep_error(s, worksheet_set_column(s->ws, 0, col, labels ? 18 : 14, NULL));
	worksheet_freeze_panes(s->ws, 1, 0);
	return col;
}

/* Close the workbook, read it into out, remove the file. */
static int sheet_finish(struct sheet *s, struct strbuf *out, struct sanad_error *err)
{
	lxw_error e = workbook_close(s->wb);
	int rc = 0;
	FILE *f;

	s->wb = NULL;
	if (s->first_error != LXW_NO_ERROR)
		e = s->first_error;
	if (e != LXW_NO_ERROR) {
		rc = sanad_error_set(err, SANAD_EIO, "writing the XLSX workbook: %s", lxw_strerror(e));
	} else if (!(f = fopen(s->path, "rb"))) {
		rc = sanad_error_set(err, SANAD_EIO, "reading back %s: %s", s->path, strerror(errno));
	} else {
		char buf[65536];
		size_t n;
		while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
			strbuf_add(out, buf, n);
		if (ferror(f))
			rc = sanad_error_set(err, SANAD_EIO, "reading back %s: %s", s->path, strerror(errno));
		fclose(f);
	}
	unlink(s->path);
	strbuf_release(&s->scratch);
	return rc;
}

/* Lines under the table, one text cell each, from row on. */
static lxw_row_t put_line(struct sheet *s, lxw_row_t row, const char *text)
{
	put_text(s, row, 0, text, s->note);
	return row + 1;
}

int disclosure_table_xlsx(const struct disclosure_table *p, int labels, enum vocab_lang lang,
			  struct strbuf *out, struct sanad_error *err)
{
	const struct stats_table *t = p->source;
	struct sheet s;
	lxw_row_t row = 1;
	lxw_col_t count_col;
	int rc;

	if ((rc = sheet_open(&s, lang, err)))
		return rc;
	count_col = put_header(&s, t, labels);
	for (size_t i = 0; i < p->cube.ncells; i++, row++) {
		int margin = disclosure_cube_is_margin(&p->cube, i);
		lxw_format *f = margin ? s.total : NULL;
		lxw_col_t col = 0;
		for (int c = 0; c < t->ncolumns; c++) {
			put_code(&s, row, col++, &t->columns[c], disclosure_cell_code(p, i, c), f);
			if (labels)
				put_text(&s, row, col++, disclosure_cell_label(p, i, c, lang), f);
		}
		if (p->cube.state[i] == DISCLOSURE_PUBLISHED)
			put_number(&s, row, count_col, p->cube.count[i], margin ? s.total_count : NULL);
		else
			keep_error(&s, worksheet_write_blank(s.ws, row, count_col, s.suppressed));
	}
	row++;
	put_text(&s, row, 0, total_victims_text[lang], s.total);
	if (p->total_victims_published)
		put_number(&s, row, 1, t->total_victims, s.total_count);
	else
		keep_error(&s, worksheet_write_blank(s.ws, row, 1, s.suppressed));
	row += 2;
	if (t->note[lang])
		row = put_line(&s, row, t->note[lang]);
	row = put_line(&s, row, legend_text[lang]);
	strbuf_reset(&s.scratch);
	disclosure_footnote(p, lang, &s.scratch);
	{
		char *foot = strbuf_detach(&s.scratch);
		put_line(&s, row, foot);
		free(foot);
	}
	return sheet_finish(&s, out, err);
}

int disclosure_stats_xlsx(const struct stats_table *t, int labels, enum vocab_lang lang,
			  struct strbuf *out, struct sanad_error *err)
{
	struct sheet s;
	lxw_row_t row = 1;
	lxw_col_t count_col;
	int rc;

	if ((rc = sheet_open(&s, lang, err)))
		return rc;
	count_col = put_header(&s, t, labels);
	for (size_t r = 0; r < t->nrows; r++, row++) {
		lxw_col_t col = 0;
		for (int c = 0; c < t->ncolumns; c++) {
			const struct stats_value *v = &t->columns[c].values[t->rows[r].value[c]];
			put_code(&s, row, col++, &t->columns[c], v->code, NULL);
			if (labels)
				put_text(&s, row, col++, v->label[lang], NULL);
		}
		put_number(&s, row, count_col, t->rows[r].count, NULL);
	}
	row++;
	put_text(&s, row, 0, total_victims_text[lang], s.total);
	put_number(&s, row, 1, t->total_victims, s.total_count);
	row += 2;
	if (t->note[lang])
		row = put_line(&s, row, t->note[lang]);
	put_line(&s, row, raw_text[lang]);
	return sheet_finish(&s, out, err);
}
