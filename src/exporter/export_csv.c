/*
 * exporter/export_csv.c: the HTCDS CSV export — the layout that
 * import_read_htcds_csv reads back (see exporter.h for the column set).
 * The widest repeating group is found first (storage_max_items), so the
 * header is known before the rows stream out one case at a time.
 */
#include "exporter/exporter_internal.h"

#include <stdint.h>

struct csv_writer {
	const struct export_options *opt;
	FILE *out;
	int64_t items[GROUP_COUNT]; /* columns written per repeating group */
	struct strbuf row;
	int cells;                  /* cells in row so far */
	struct sanad_error *err;
	int rc;
};

/* Free text may start with anything a person typed, including a formula;
 * every other kind is validated to a form that cannot (a negative number
 * or coordinate starts with '-' and must stay as it is). */
static int guard_for(const struct field_def *f)
{
	return f->kind == FK_TEXT || f->kind == FK_LONGTEXT;
}

static void add_cell(struct csv_writer *w, const char *value, int guard)
{
	if (w->cells++)
		strbuf_addch(&w->row, ',');
	csv_cell(&w->row, value ? value : "", guard);
}

static int write_header(struct csv_writer *w)
{
	struct strbuf *row = &w->row;

	strbuf_reset(row);
	w->cells = 0;
	for (int g = 0; g < GROUP_COUNT; g++) {
		const struct group_def *gd = domain_group((enum group_id)g);
		int64_t n = g == GROUP_CASE ? 1 : w->items[g];
		for (int64_t k = 1; k <= n; k++)
			for (int i = 0; i < gd->nfields; i++) {
				const struct field_def *f = &gd->fields[i];
				if (!export_field_included(f, w->opt->no_identity))
					continue;
				if (w->cells++)
					strbuf_addch(row, ',');
				if (g == GROUP_CASE)
					strbuf_addstr(row, f->name);
				else
					strbuf_addf(row, "%s.%lld", f->name, (long long)k);
			}
	}
	strbuf_addch(row, '\n');
	return export_write(w->out, row->buf, row->len, w->err);
}

static void add_record(struct csv_writer *w, enum group_id g, const struct record *r)
{
	const struct group_def *gd = domain_group(g);
	for (int i = 0; i < gd->nfields; i++) {
		const struct field_def *f = &gd->fields[i];
		if (export_field_included(f, w->opt->no_identity))
			add_cell(w, r ? r->value[i] : NULL, guard_for(f));
	}
}

static int write_case(const struct case_record *c, void *ctx)
{
	struct csv_writer *w = ctx;
	strbuf_reset(&w->row);
	w->cells = 0;
	add_record(w, GROUP_CASE, &c->main);
	for (int g = 1; g < GROUP_COUNT; g++) {
		if ((int64_t)c->child[g].count > w->items[g]) {
			/* NEVER: the snapshot fixed the widest group before this walk */
			w->rc = sanad_error_set(w->err, SANAD_EDB,
						"case %s has %zu %s, more than the %lld columns of the header",
						case_get(c, "snd_CaseRef"), c->child[g].count,
						domain_group((enum group_id)g)->name, (long long)w->items[g]);
			return 1;
		}
		for (int64_t k = 0; k < w->items[g]; k++)
			add_record(w, (enum group_id)g,
				   (size_t)k < c->child[g].count ? &c->child[g].items[k] : NULL);
	}
	strbuf_addch(&w->row, '\n');
	if ((w->rc = export_write(w->out, w->row.buf, w->row.len, w->err)))
		return 1;
	return 0;
}

int export_write_csv(struct storage *st, const struct export_options *opt, FILE *out,
		     struct sanad_error *err)
{
	struct csv_writer w = { .opt = opt, .out = out, .row = STRBUF_INIT, .err = err };
	struct case_query q = { .org_code = opt->org_code, .with_children = 1 };
	int rc;

	for (int g = 1; g < GROUP_COUNT; g++)
		if ((rc = storage_max_items(st, (enum group_id)g, opt->org_code, &w.items[g], err)))
			return rc;
	if ((rc = write_header(&w)))
		goto out;
	rc = storage_case_each(st, &q, write_case, &w, err);
	if (w.rc)
		rc = w.rc;
out:
	strbuf_release(&w.row);
	return rc;
}
