/*
 * importer/read_csv.c: the CSV machinery the HTCDS CSV and CTDC readers
 * share, on libcsv.
 *
 * The file is read in 64 KiB chunks and fed to libcsv, which calls back once
 * per cell and once per record; lines without a quote or a CR, most lines
 * of most files, are split by feed() itself with the same result, since
 * libcsv's byte-at-a-time state machine was most of a CTDC row's reading
 * time.  Cells are copied into one buffer that is
 * reused for every record, so a record costs no allocation once the buffer
 * has grown to the widest record; memory stays bounded by the limits
 * (IMPORT_MAX_CELL, IMPORT_MAX_RECORD, IMPORT_MAX_COLUMNS) whatever the file
 * holds.  libcsv collects a cell in its own buffer before handing it over,
 * so a cell without end (an unclosed quote in a 1 GB file) is cut short
 * between chunks: its bytes are dropped as they arrive and the record is
 * rejected when the cell ends.
 *
 * Parsing is lenient in what libcsv tolerates (a stray quote inside an
 * unquoted cell is kept as a character, as spreadsheets do) and strict in
 * what would change meaning: broken UTF-8, NUL bytes, records whose number
 * of cells does not fit the header, and a quote still open at the end of
 * the file are rejected with row and column.
 */
#include "importer/importer_internal.h"

#include <csv.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct csv_state {
	const char *name;
	struct import_sink *sink;
	const struct csv_reader_spec *spec;
	struct csv_parser parser;

	/* the record being read: cell bytes, each NUL-terminated, in buf */
	struct strbuf buf;
	size_t *off;
	size_t off_alloc;
	int ncells;          /* cells stored */
	int seen;            /* cells seen (more than stored past the limit) */
	size_t record_bytes;
	int discarding;      /* the cell being read is over the limit */
	char **cells;        /* pointers into buf, built when the record ends */
	size_t *lens;
	size_t cells_alloc;

	/* the first problem of the record, if any */
	int bad;
	int bad_col;         /* -1: the record as a whole */
	char bad_msg[200];

	/* the header */
	int header_done;
	int header_cells;
	int named;
	char **names;

	long row;
	int stop;
	int rc;
	struct sanad_error *err;
};

static int no_space(unsigned char c)
{
	(void)c;
	return 0; /* keep every byte of a cell: long text keeps its own spacing */
}

/* 1 if s[0..n) is printable-or-control ASCII without NUL: the common case,
 * which needs neither the UTF-8 check nor the NUL search. */
static int plain_ascii(const void *s, size_t n)
{
	const unsigned char *p = s;
	unsigned char acc = 0, zero = 1;
	for (size_t i = 0; i < n; i++) {
		acc |= p[i];
		zero &= p[i] != 0;
	}
	return acc < 0x80 && zero;
}

static void record_problem(struct csv_state *st, int col, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void record_problem(struct csv_state *st, int col, const char *fmt, ...)
{
	va_list ap;
	if (st->bad)
		return;
	st->bad = 1;
	st->bad_col = col;
	va_start(ap, fmt);
	vsnprintf(st->bad_msg, sizeof(st->bad_msg), fmt, ap);
	va_end(ap);
}

static void on_cell(void *field, size_t len, void *data)
{
	struct csv_state *st = data;
	int col;
	size_t bad;

	if (st->stop)
		return;
	col = st->seen++;
	if (col >= IMPORT_MAX_COLUMNS) {
		record_problem(st, -1, "more than %d cells", IMPORT_MAX_COLUMNS);
		st->discarding = 0;
		return;
	}
	if (st->discarding || len > IMPORT_MAX_CELL) {
		record_problem(st, col, "cell over %u bytes (1 MiB); is a quote left open?", IMPORT_MAX_CELL);
		st->discarding = 0;
		len = 0;
	}
	st->record_bytes += len;
	if (st->record_bytes > IMPORT_MAX_RECORD) {
		record_problem(st, -1, "record over %u bytes (4 MiB)", IMPORT_MAX_RECORD);
		len = 0;
	}
	if (len && !plain_ascii(field, len)) {
		if (memchr(field, 0, len))
			record_problem(st, col, "contains a NUL byte at offset %zu",
				       (size_t)((char *)memchr(field, 0, len) - (char *)field));
		else if (!utf8_valid(field, len, &bad))
			record_problem(st, col, "not valid UTF-8 (byte 0x%02x at offset %zu)",
				       ((unsigned char *)field)[bad], bad);
	}
	ALLOC_GROW(st->off, (size_t)col + 1, st->off_alloc);
	st->off[col] = st->buf.len;
	/* one growth check and one copy per cell: this runs for every cell
	 * of every row */
	strbuf_grow(&st->buf, len);
	if (len)
		memcpy(st->buf.buf + st->buf.len, field, len);
	st->buf.len += len;
	st->buf.buf[st->buf.len++] = '\0';
	st->ncells = col + 1;
}

static void build_cells(struct csv_state *st, struct csv_row *row)
{
	ALLOC_GROW(st->cells, (size_t)st->ncells + 1, st->cells_alloc);
	st->lens = xrealloc(st->lens, st->cells_alloc * sizeof(*st->lens));
	for (int i = 0; i < st->ncells; i++) {
		size_t end = i + 1 < st->ncells ? st->off[i + 1] : st->buf.len;
		st->cells[i] = st->buf.buf + st->off[i];
		st->lens[i] = end - st->off[i] - 1;
	}
	row->ncells = st->ncells;
	row->cell = st->cells;
	row->len = st->lens;
}

static void reset_record(struct csv_state *st)
{
	st->buf.len = 0;
	st->ncells = st->seen = 0;
	st->record_bytes = 0;
	st->bad = 0;
}

/* "prs_Gender", or "column 12" for a cell beyond the header or unnamed. */
static const char *column_label(struct csv_state *st, int col, char *tmp, size_t n)
{
	if (col < 0)
		return NULL;
	if (col < st->header_cells && st->names[col][0])
		return st->names[col];
	snprintf(tmp, n, "column %d", col + 1);
	return tmp;
}

static void take_header(struct csv_state *st, struct csv_row *row)
{
	st->header_done = 1;
	if (st->bad) {
		if (st->bad_col < 0)
			st->rc = sanad_error_set(st->err, SANAD_EINVAL, "%s: header: %s", st->name, st->bad_msg);
		else
			st->rc = sanad_error_set(st->err, SANAD_EINVAL, "%s: header, column %d: %s", st->name,
						 st->bad_col + 1, st->bad_msg);
		st->stop = 1;
		return;
	}
	st->header_cells = row->ncells;
	st->names = xcalloc((size_t)row->ncells + 1, sizeof(char *));
	for (int i = 0; i < row->ncells; i++) {
		trim_ascii(row->cell[i]);
		row->len[i] = strlen(row->cell[i]);
		st->names[i] = xstrdup(row->cell[i]);
		if (row->cell[i][0])
			st->named = i + 1;
	}
	if (!st->named) {
		st->rc = sanad_error_set(st->err, SANAD_EINVAL, "%s: the first line is not a header of column names",
					 st->name);
		st->stop = 1;
		return;
	}
	if (st->spec->on_header && (st->rc = st->spec->on_header(st->spec->ctx, row, st->err)))
		st->stop = 1;
}

static void on_record(int c, void *data)
{
	struct csv_state *st = data;
	struct csv_row row = { 0 };
	char label[32];

	(void)c;
	if (st->stop) {
		reset_record(st);
		return;
	}
	build_cells(st, &row);
	if (!st->header_done) {
		take_header(st, &row);
		reset_record(st);
		return;
	}
	row.row = ++st->row;
	if (!st->bad && !st->spec->ragged && (st->seen > st->header_cells || st->seen < st->named))
		record_problem(st, -1, "%d cells, but the header has %d columns", st->seen, st->named);
	if (st->bad) {
		const char *col = column_label(st, st->bad_col, label, sizeof(label));
		import_sink_raw(st->sink, row.cell, row.ncells);
		if (import_sink_accept(st->sink, row.row, NULL, col,
				       st->bad_col >= 0 && st->bad_col < row.ncells ? row.cell[st->bad_col] : NULL,
				       st->bad_msg))
			st->stop = 1;
		import_sink_raw(st->sink, NULL, 0);
	} else if (st->spec->on_row(st->spec->ctx, &row)) {
		st->stop = 1;
	}
	reset_record(st);
}

int csv_named_columns(const struct csv_row *header)
{
	int named = 0;
	for (int i = 0; i < header->ncells; i++)
		if (header->cell[i][0])
			named = i + 1;
	return named;
}

/* libcsv is between records: nothing of a record read, no quote open. */
static int parser_idle(const struct csv_parser *p)
{
	return p->pstate == 0 && p->entry_pos == 0 && !p->quoted; /* 0: ROW_NOT_BEGUN in libcsv.c */
}

/* One line without a quote character or a CR inside it, split as libcsv
 * would split it: cells at every comma, a CR before the LF dropped, an
 * empty line skipped. */
static void plain_line(struct csv_state *st, const char *s, size_t len)
{
	size_t start = 0;

	if (len && s[len - 1] == '\r')
		len--;
	if (!len)
		return;
	if (len < IMPORT_MAX_COLUMNS && !st->seen && plain_ascii(s, len)) {
		/* The common line: short and plain, so it cannot break a limit
		 * (fewer than IMPORT_MAX_COLUMNS cells, each far below
		 * IMPORT_MAX_CELL) and needs no UTF-8 or NUL check: copy it
		 * into the record buffer in one pass, a NUL for each comma. */
		char *b;
		size_t pos;
		int col = 0;

		ALLOC_GROW(st->off, len + 1, st->off_alloc);
		strbuf_grow(&st->buf, len);
		b = st->buf.buf;
		pos = st->buf.len;
		st->off[0] = pos;
		for (size_t k = 0; k < len; k++) {
			char c = s[k];
			if (c == ',') {
				b[pos++] = '\0';
				st->off[++col] = pos;
			} else {
				b[pos++] = c;
			}
		}
		b[pos++] = '\0';
		st->buf.len = pos;
		st->seen = st->ncells = col + 1;
		st->record_bytes = len - (size_t)col;
		on_record('\n', st);
		return;
	}
	for (size_t k = 0; k < len; k++)
		if (s[k] == ',') {
			on_cell((void *)(s + start), k - start, st);
			start = k + 1;
		}
	on_cell((void *)(s + start), len - start, st);
	on_record('\n', st);
}

/* Parse n bytes of the file.  libcsv's state machine costs some forty
 * instructions a byte, most of a CTDC row's reading time, so lines that
 * hold no quote and no CR (nearly all of them) are split here with the
 * same result; a quoted line, a line cut by the chunk's end and anything
 * while libcsv is inside a record go through libcsv.  Returns 0, or -1
 * when libcsv failed. */
static int feed(struct csv_state *st, const char *p, size_t n)
{
	size_t i = 0;

	while (i < n && !st->stop) {
		const char *line = p + i, *nl = memchr(line, '\n', n - i);
		size_t len = nl ? (size_t)(nl - line) + 1 : n - i;
		int slow = !nl || !parser_idle(&st->parser);

		if (!slow) {
			const char *quote = memchr(line, '"', len);
			const char *cr = memchr(line, '\r', len);
			slow = quote || (cr && cr != nl - 1);
		}
		if (slow) {
			if (csv_parse(&st->parser, line, len, on_cell, on_record, st) != len && !st->stop)
				return -1;
		} else {
			plain_line(st, line, len - 1);
		}
		i += len;
	}
	return 0;
}

int csv_read_stream(FILE *in, const char *name, struct import_sink *sink,
		    const struct csv_reader_spec *spec, struct sanad_error *err)
{
	struct csv_state st = { .name = name, .sink = sink, .spec = spec, .err = err };
	char *chunk = xmalloc(1 << 16);
	int first = 1, fini;
	size_t n;

	import_sink_terms(sink, "row", "column");
	if (csv_init(&st.parser, 0) != 0) {
		free(chunk);
		return sanad_error_set(err, SANAD_EIO, "%s: cannot start the CSV parser", name);
	}
	csv_set_space_func(&st.parser, no_space);
	csv_set_realloc_func(&st.parser, xrealloc);
	csv_set_free_func(&st.parser, free);

	while (!st.stop && (n = fread(chunk, 1, 1 << 16, in)) > 0) {
		const char *p = chunk;
		if (first && n >= 3 && !memcmp(p, "\xEF\xBB\xBF", 3)) {
			p += 3;
			n -= 3;
		}
		first = 0;
		if (feed(&st, p, n) != 0 && !st.stop) {
			st.rc = sanad_error_set(err, SANAD_EIO, "%s: CSV parser: %s", name,
						csv_strerror(csv_error(&st.parser)));
			break;
		}
		/* a cell growing past the limit: drop what came so far, and keep
		 * dropping until it ends (on_cell then rejects the record) */
		if (st.parser.entry_pos > IMPORT_MAX_CELL)
			st.discarding = 1;
		if (st.discarding)
			st.parser.entry_pos = 0;
	}
	if (!st.rc && ferror(in))
		st.rc = sanad_error_set(err, SANAD_EIO, "%s: read error: %s", name, strerror(errno));
	if (!st.rc && !st.stop) {
		/* libcsv reports an unclosed quote only in strict mode, which
		 * would also refuse what spreadsheets write; its state says it
		 * (pstate 2 is FIELD_BEGUN in libcsv.c) */
		if (st.parser.pstate == 2 && st.parser.quoted)
			fini = CSV_EPARSE;
		else
			fini = csv_fini(&st.parser, on_cell, on_record, &st);
		if (fini == CSV_EPARSE && !st.stop) {
			if (!st.header_done) {
				st.rc = sanad_error_set(err, SANAD_EINVAL,
							"%s: header: a quoted cell is not closed", name);
			} else {
				struct csv_row row = { 0 };
				build_cells(&st, &row);
				import_sink_raw(sink, row.cell, row.ncells);
				import_sink_accept(sink, st.row + 1, NULL, NULL, NULL,
						   "a quoted cell is not closed before the end of the file");
				import_sink_raw(sink, NULL, 0);
			}
		}
	}
	if (!st.rc && !st.header_done)
		st.rc = sanad_error_set(err, SANAD_EINVAL, "%s: the file is empty (no header line)", name);

	free(chunk);
	csv_free(&st.parser);
	strbuf_release(&st.buf);
	free(st.off);
	free(st.cells);
	free(st.lens);
	for (int i = 0; st.names && i < st.header_cells; i++)
		free(st.names[i]);
	free(st.names);
	return st.rc;
}
