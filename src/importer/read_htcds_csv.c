/*
 * importer/read_htcds_csv.c: HTCDS CSV — one row per case, columns named by
 * the registry's field names, in any order and any subset.  This is the
 * layout `sanad export --format htcds-csv` writes (see exporter.h), so an
 * export imports back unchanged:
 *   - case fields by name (the XForm spellings, prs_First_Name, are
 *     accepted too);
 *   - fields of repeating groups suffixed with the item number from 1
 *     (hte_Type.1, hte_Country.1, hte_Type.2); a repeating field without a
 *     suffix is item 1; an item whose cells are all empty is no item;
 *   - multi-selects as codes or aliases separated by ';' (or ',' or space);
 *   - free-text cells may carry the exporter's formula guard, a leading
 *     apostrophe, which is removed (so a text that really starts with an
 *     apostrophe must be written with two);
 *   - org_Name, when present, names organisations the import creates.
 * Columns the registry does not know are reported once as a warning and
 * ignored.
 */
#include "importer/importer_internal.h"

#include <stdlib.h>
#include <string.h>

enum column_kind { COL_IGNORED, COL_FIELD, COL_ORG_NAME };

struct htcds_column {
	enum column_kind kind;
	enum group_id group;
	int field;
	int item; /* 0-based */
};

struct htcds_reader {
	const char *name;
	struct import_sink *sink;
	struct htcds_column *cols;
	int ncols;
	const char **names;  /* header names, borrowed for the life of the stream */
	int org_col;         /* -1 if absent */
	int org_name_col;
};

/* "hte_Type.12" -> base length 8 and item 12; item 0 when there is no
 * numeric suffix. */
static size_t split_suffix(const char *name, int *item)
{
	const char *dot = strrchr(name, '.');
	size_t digits;
	*item = 0;
	if (!dot || dot == name)
		return strlen(name);
	digits = strlen(dot + 1);
	if (digits < 1 || digits > 4 || dot[1] == '0' || strspn(dot + 1, "0123456789") != digits)
		return strlen(name);
	*item = atoi(dot + 1);
	return (size_t)(dot - name);
}

static int on_header(void *ctx, const struct csv_row *h, struct sanad_error *err)
{
	struct htcds_reader *r = ctx;
	struct strbuf unknown = STRBUF_INIT;
	int nunknown = 0, named = csv_named_columns(h), rc = 0;
	int *seen[GROUP_COUNT] = { 0 };

	r->ncols = h->ncells;
	r->cols = xcalloc((size_t)h->ncells + 1, sizeof(*r->cols));
	r->names = xcalloc((size_t)h->ncells + 1, sizeof(char *));
	r->org_col = r->org_name_col = -1;
	for (int j = 0; j < h->ncells && !rc; j++) {
		const char *name = h->cell[j];
		struct htcds_column *c = &r->cols[j];
		char base[128];
		size_t blen;
		int item, idx;
		enum group_id g;
		const struct group_def *gd;

		r->names[j] = xstrdup(name);
		if (!name[0]) {
			if (j < named)
				import_sink_warn(r->sink, "column %d has no name; it is ignored", j + 1);
			continue;
		}
		if (!ascii_strcasecmp(name, "org_Name")) {
			c->kind = COL_ORG_NAME;
			r->org_name_col = j;
			continue;
		}
		blen = split_suffix(name, &item);
		if (blen >= sizeof(base) || (memcpy(base, name, blen), base[blen] = '\0',
					     domain_field_find(base, &g, &idx) != 0) ||
		    (g == GROUP_CASE && item)) {
			if (nunknown < 20)
				strbuf_addf(&unknown, "%s%s", nunknown ? ", " : "", name);
			nunknown++;
			continue;
		}
		gd = domain_group(g);
		if (g != GROUP_CASE && item > gd->max_items) {
			rc = sanad_error_set(err, SANAD_ELIMIT, "%s: column %s: %s have at most %d items",
					     r->name, name, gd->name, gd->max_items);
			break;
		}
		if (item)
			item--;
		if (!seen[g])
			seen[g] = xcalloc((size_t)gd->nfields * (size_t)gd->max_items, sizeof(int));
		if (seen[g][item * gd->nfields + idx]) {
			rc = sanad_error_set(err, SANAD_EINVAL, "%s: columns %s and %s are the same field", r->name,
					     h->cell[seen[g][item * gd->nfields + idx] - 1], name);
			break;
		}
		seen[g][item * gd->nfields + idx] = j + 1;
		c->kind = COL_FIELD;
		c->group = g;
		c->field = idx;
		c->item = item;
		if (g == GROUP_CASE && !strcmp(gd->fields[idx].name, "snd_Organisation"))
			r->org_col = j;
	}
	if (!rc) {
		int known = 0;
		for (int j = 0; j < h->ncells; j++)
			known += r->cols[j].kind == COL_FIELD;
		if (!known)
			rc = sanad_error_set(err, SANAD_EINVAL,
					     "%s: no column is an HTCDS field (is it another format? see 'sanad import --help')",
					     r->name);
	}
	if (!rc && nunknown)
		import_sink_warn(r->sink, "%d unknown column%s ignored: %s%s", nunknown, nunknown == 1 ? "" : "s",
				 unknown.buf, nunknown > 20 ? ", ..." : "");
	for (int g = 0; g < GROUP_COUNT; g++)
		free(seen[g]);
	strbuf_release(&unknown);
	return rc;
}

static int record_is_empty(const struct record *rec, enum group_id g)
{
	for (int i = 0; i < domain_group(g)->nfields; i++)
		if (rec->value[i])
			return 0;
	return 1;
}

/* Drop the items whose cells were all empty, keeping the order of the rest:
 * hte_Type.1 empty and hte_Type.2 set is one event. */
static void drop_empty_items(struct case_record *c)
{
	for (int g = 1; g < GROUP_COUNT; g++) {
		struct record_list *l = &c->child[g];
		size_t kept = 0;
		for (size_t k = 0; k < l->count; k++) {
			if (record_is_empty(&l->items[k], (enum group_id)g)) {
				free(l->items[k].value);
				continue;
			}
			l->items[kept++] = l->items[k];
		}
		l->count = kept;
	}
}

/* CRLF (and a lone CR) inside a quoted cell -> LF: spreadsheets on Windows
 * write line breaks in cells as CRLF, and long text keeps LF only. */
static void unix_newlines(char *s)
{
	char *out = s;
	for (; *s; s++) {
		if (*s == '\r') {
			*out++ = '\n';
			if (s[1] == '\n')
				s++;
		} else {
			*out++ = *s;
		}
	}
	*out = '\0';
}

/* A row of empty cells (spreadsheets leave them at the end) is no record. */
static int all_empty(const struct csv_row *row)
{
	for (int j = 0; j < row->ncells; j++)
		if (row->len[j])
			return 0;
	return 1;
}

static int on_row(void *ctx, struct csv_row *row)
{
	struct htcds_reader *r = ctx;
	struct case_record rec;
	struct sanad_error e;
	int stop;

	if (all_empty(row))
		return 0;
	case_record_init(&rec);
	import_sink_raw(r->sink, row->cell, row->ncells);
	for (int j = 0; j < row->ncells && j < r->ncols; j++) {
		const struct htcds_column *c = &r->cols[j];
		const struct field_def *f;
		char *cell = row->cell[j];

		if (c->kind != COL_FIELD || !cell[0])
			continue;
		f = &domain_group(c->group)->fields[c->field];
		if (f->kind == FK_TEXT || f->kind == FK_LONGTEXT)
			csv_unguard(cell);
		if (f->kind == FK_LONGTEXT)
			unix_newlines(cell);
		if (record_set(case_record_item(&rec, c->group, (size_t)c->item), c->group, c->field, cell, &e)) {
			case_record_release(&rec);
			stop = import_sink_reject_value(r->sink, row->row, r->names[j], cell, &e);
			import_sink_raw(r->sink, NULL, 0);
			return stop;
		}
	}
	drop_empty_items(&rec);
	if (r->org_col >= 0 && r->org_name_col >= 0 && r->org_col < row->ncells &&
	    r->org_name_col < row->ncells)
		import_sink_org_name(r->sink, trim_ascii(row->cell[r->org_col]),
				     trim_ascii(row->cell[r->org_name_col]));
	stop = import_sink_accept(r->sink, row->row, &rec, NULL, NULL, NULL);
	import_sink_raw(r->sink, NULL, 0);
	return stop;
}

int import_read_htcds_csv(FILE *in, const char *name, struct import_sink *sink, struct sanad_error *err)
{
	struct htcds_reader r = { .name = name, .sink = sink };
	struct csv_reader_spec spec = { on_header, on_row, &r, 0 };
	int rc = csv_read_stream(in, name, sink, &spec, err);

	for (int j = 0; r.names && j < r.ncols; j++)
		free((char *)r.names[j]);
	free(r.names);
	free(r.cols);
	return rc;
}
