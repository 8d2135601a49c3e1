/*
 * report/pdf.c: the report as a printable A4 PDF, drawn with cairo and laid
 * out with pango.  Pango shapes Arabic through HarfBuzz (joining forms,
 * ligatures) and runs the Unicode bidirectional algorithm; this file sets
 * the base direction of every paragraph to right-to-left for an Arabic
 * report, so that a paragraph that starts with a Latin reference
 * ("JO-2011-1: ...") still reads from the right, aligns text to the
 * right, and mirrors lists and tables (first column on the right).
 *
 * Fonts are found through fontconfig: Noto Sans Arabic / Noto Naskh Arabic
 * (fonts-noto-core) for Arabic, Noto Sans or DejaVu Sans for Latin
 * (scripts/install-deps.sh installs them); fontconfig falls back to any
 * font with the glyphs when one is missing.
 *
 * The layout is a simple flow: blocks top to bottom, a new page when the
 * next one does not fit, a new page before each country, a heading never
 * left alone at the foot of a page, table rows never split (a row taller
 * than a page is clipped) and the table header repeated on a new page.
 */
#include "report/report_internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cairo-pdf.h>
#include <cairo.h>
#include <pango/pangocairo.h>

#include "charts/charts.h"

#define CELL_PAD 4.0
#define ITEM_INDENT 16.0

/* ---- the page machinery shared with statistics.c (report_internal.h) ---- */

PangoLayout *pdf_layout(struct pdf_page *p, const char *text, double size, int bold, double width)
{
	/* the charts' fonts and direction rules, so that a report's text and its
	 * charts' labels look alike */
	PangoLayout *l = chart_text_layout(p->pc, text, size, bold);
	/* with auto_dir off, alignment is literal: Arabic starts at the right */
	pango_layout_set_alignment(l, p->rtl ? PANGO_ALIGN_RIGHT : PANGO_ALIGN_LEFT);
	pango_layout_set_wrap(l, PANGO_WRAP_WORD_CHAR);
	if (width > 0)
		pango_layout_set_width(l, (int)(width * PANGO_SCALE));
	return l;
}

double pdf_layout_height(PangoLayout *l)
{
	int w, h;
	pango_layout_get_size(l, &w, &h);
	return (double)h / PANGO_SCALE;
}

double pdf_layout_width(PangoLayout *l)
{
	int w, h;
	pango_layout_get_size(l, &w, &h);
	return (double)w / PANGO_SCALE;
}

void pdf_show(struct pdf_page *p, PangoLayout *l, double x, double y, double gray)
{
	cairo_set_source_rgb(p->cr, gray, gray, gray);
	cairo_move_to(p->cr, x, y);
	pango_cairo_show_layout(p->cr, l);
}

/* The running header (where the geometry asks for one) and the footer with
 * the page number. */
static void page_frame(struct pdf_page *p)
{
	char n[16];
	char *text;
	PangoLayout *l;
	if (p->g.running_header && p->page > 1) {
		l = pdf_layout(p, p->title, 8, 0, p->content_w);
		pdf_show(p, l, p->g.margin_x, 30, 0.4);
		g_object_unref(l);
		cairo_set_source_rgb(p->cr, 0.7, 0.7, 0.7);
		cairo_set_line_width(p->cr, 0.5);
		cairo_move_to(p->cr, p->g.margin_x, 46);
		cairo_line_to(p->cr, PDF_PAGE_W - p->g.margin_x, 46);
		cairo_stroke(p->cr);
	}
	snprintf(n, sizeof(n), "%d", p->page);
	text = report_text("pdf.page", p->lang, (const char *const[]){ "n", n, "title", p->title, NULL });
	l = pdf_layout(p, text, 8, 0, p->content_w);
	/* a centred footer reads the same in both directions */
	pango_layout_set_alignment(l, PANGO_ALIGN_CENTER);
	pdf_show(p, l, p->g.margin_x, PDF_PAGE_H - p->g.margin_bottom + 24, 0.4);
	g_object_unref(l);
	free(text);
}

void pdf_new_page(struct pdf_page *p)
{
	page_frame(p);
	cairo_show_page(p->cr);
	p->page++;
	p->y = p->g.margin_top;
	p->page_has_content = 0;
}

void pdf_ensure(struct pdf_page *p, double h)
{
	if (p->page_has_content && p->y + h > PDF_PAGE_H - p->g.margin_bottom)
		pdf_new_page(p);
}

void pdf_start(struct pdf_page *p, cairo_t *cr, enum vocab_lang lang, const char *title,
	       const struct pdf_geometry *g)
{
	memset(p, 0, sizeof(*p));
	p->cr = cr;
	/* a font map of its own, freed with the context in pdf_finish: pango's
	 * default one lives per thread until the process ends, holding
	 * fontconfig patterns that leak checkers report, and a server thread
	 * would keep it forever */
	p->pc = chart_pango_context(cr, lang);
	p->lang = lang;
	p->rtl = lang == VOCAB_AR;
	p->title = title;
	p->g = *g;
	p->content_w = PDF_PAGE_W - 2 * g->margin_x;
	p->page = 1;
	p->y = g->margin_top;
}

void pdf_finish(struct pdf_page *p)
{
	page_frame(p);
	g_object_unref(p->pc);
	p->pc = NULL;
}

void pdf_text(struct pdf_page *p, const char *text, const struct pdf_text_style *s)
{
	double indent = s->bullet ? ITEM_INDENT : 0, w = p->content_w - indent, h;
	PangoLayout *l = pdf_layout(p, text, s->size, s->bold, w);
	h = pdf_layout_height(l);
	if (p->page_has_content)
		p->y += s->before;
	pdf_ensure(p, h + s->keep);
	if (h > PDF_PAGE_H - p->g.margin_top - p->g.margin_bottom) {
		/* longer than a page: let it run over pages line by line */
		PangoLayoutIter *it = pango_layout_get_iter(l);
		double base = p->y;
		int done = 0;
		while (!done) {
			PangoRectangle ink, logical;
			PangoLayoutLine *line = pango_layout_iter_get_line_readonly(it);
			double top, bottom;
			pango_layout_iter_get_line_extents(it, &ink, &logical);
			top = (double)logical.y / PANGO_SCALE;
			bottom = top + (double)logical.height / PANGO_SCALE;
			if (base + bottom > PDF_PAGE_H - p->g.margin_bottom) {
				pdf_new_page(p);
				base = p->y - top;
			}
			cairo_set_source_rgb(p->cr, s->gray, s->gray, s->gray);
			cairo_move_to(p->cr, p->g.margin_x + (p->rtl ? 0 : indent) + (double)logical.x / PANGO_SCALE,
				      base + (double)pango_layout_iter_get_baseline(it) / PANGO_SCALE);
			pango_cairo_show_layout_line(p->cr, line);
			p->y = base + bottom;
			p->page_has_content = 1;
			done = !pango_layout_iter_next_line(it);
		}
		pango_layout_iter_free(it);
	} else {
		pdf_show(p, l, p->g.margin_x + (p->rtl ? 0 : indent), p->y, s->gray);
		if (s->bullet) {
			PangoLayout *b = pdf_layout(p, "•", s->size, 0, 0);
			pdf_show(p, b, p->rtl ? PDF_PAGE_W - p->g.margin_x - pdf_layout_width(b) : p->g.margin_x + 4,
				 p->y, s->gray);
			g_object_unref(b);
		}
		p->y += h;
		p->page_has_content = 1;
	}
	p->y += s->after;
	g_object_unref(l);
}

void pdf_fit_columns(double *w, int n, double width)
{
	double total = 0, fair = width / n, spare = 0, excess = 0;
	for (int c = 0; c < n; c++)
		total += w[c];
	if (total <= width)
		return;
	for (int c = 0; c < n; c++) {
		if (w[c] <= fair)
			spare += fair - w[c];
		else
			excess += w[c] - fair;
	}
	for (int c = 0; c < n; c++)
		if (w[c] > fair)
			w[c] = fair + spare * (w[c] - fair) / excess;
}

int pdf_write(const char *path, const char *title, pdf_render_fn render, void *arg, struct sanad_error *err)
{
	size_t n = strlen(path) + 32;
	char *tmp = xmalloc(n);
	cairo_surface_t *s;
	cairo_status_t status;
	cairo_t *cr;
	int rc;

	snprintf(tmp, n, "%s.tmp-%ld", path, (long)getpid());
	s = cairo_pdf_surface_create(tmp, PDF_PAGE_W, PDF_PAGE_H);
	if ((status = cairo_surface_status(s)) != CAIRO_STATUS_SUCCESS) {
		cairo_surface_destroy(s);
		remove(tmp);
		free(tmp);
		return sanad_error_set(err, SANAD_EIO, "cannot create %s: %s", path, cairo_status_to_string(status));
	}
	cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_TITLE, title);
	cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_CREATOR, "Sanad");
	cr = cairo_create(s);
	rc = render(cr, arg, err);
	cairo_destroy(cr);
	cairo_surface_finish(s);
	status = cairo_surface_status(s);
	cairo_surface_destroy(s);
	if (!rc && status != CAIRO_STATUS_SUCCESS)
		rc = sanad_error_set(err, SANAD_EIO, "cannot write %s: %s", path, cairo_status_to_string(status));
	if (!rc && rename(tmp, path))
		rc = sanad_error_set(err, SANAD_EIO, "cannot write %s: %s", path, strerror(errno));
	if (rc)
		remove(tmp);
	free(tmp);
	return rc;
}

/* ---- the annual report ---- */

static const struct pdf_geometry annual_geometry = { 56.0, 56.0, 64.0, 0 };

/* Column widths: natural widths, shrunk to fit the page where needed. */
static void column_widths(struct pdf_page *p, const struct block *b, double *w)
{
	for (int c = 0; c < b->ncols; c++) {
		w[c] = 20;
		for (int r = 0; r < b->nrows; r++) {
			PangoLayout *l = pdf_layout(p, b->cells[r * b->ncols + c], 9, r == 0, 0);
			double nat = pdf_layout_width(l) + 2 * CELL_PAD + 1;
			g_object_unref(l);
			if (nat > w[c])
				w[c] = nat;
		}
	}
	pdf_fit_columns(w, b->ncols, p->content_w);
}

static double row_height(struct pdf_page *p, const struct block *b, int r, const double *w, PangoLayout **cells)
{
	double h = 0;
	for (int c = 0; c < b->ncols; c++) {
		cells[c] = pdf_layout(p, b->cells[r * b->ncols + c], 9, r == 0, w[c] - 2 * CELL_PAD);
		if (pdf_layout_height(cells[c]) > h)
			h = pdf_layout_height(cells[c]);
	}
	return h + 2 * CELL_PAD;
}

static void draw_row(struct pdf_page *p, const struct block *b, int r, const double *w, PangoLayout **cells,
		     double h)
{
	double x = p->rtl ? PDF_PAGE_W - p->g.margin_x : p->g.margin_x;
	for (int c = 0; c < b->ncols; c++) {
		double left = p->rtl ? x - w[c] : x;
		if (r == 0) {
			cairo_set_source_rgb(p->cr, 0.92, 0.94, 0.96);
			cairo_rectangle(p->cr, left, p->y, w[c], h);
			cairo_fill(p->cr);
		}
		cairo_set_source_rgb(p->cr, 0.6, 0.6, 0.6);
		cairo_set_line_width(p->cr, 0.5);
		cairo_rectangle(p->cr, left, p->y, w[c], h);
		cairo_stroke(p->cr);
		pdf_show(p, cells[c], left + CELL_PAD, p->y + CELL_PAD, 0.1);
		x = p->rtl ? x - w[c] : x + w[c];
	}
	p->y += h;
	p->page_has_content = 1;
}

static void free_cells(PangoLayout **cells, int n)
{
	for (int c = 0; c < n; c++)
		g_object_unref(cells[c]);
}

static void table_block(struct pdf_page *p, const struct block *b)
{
	double *w = xcalloc((size_t)b->ncols, sizeof(*w));
	PangoLayout **cells = xcalloc((size_t)b->ncols, sizeof(*cells));
	PangoLayout **header = xcalloc((size_t)b->ncols, sizeof(*header));
	double header_h;

	column_widths(p, b, w);
	p->y += 4;
	header_h = row_height(p, b, 0, w, header);
	for (int r = 0; r < b->nrows; r++) {
		double h = r ? row_height(p, b, r, w, cells) : header_h;
		if (r == 0)
			pdf_ensure(p, header_h + (b->nrows > 1 ? 20 : 0));
		else if (p->y + h > PDF_PAGE_H - p->g.margin_bottom) {
			pdf_new_page(p);
			draw_row(p, b, 0, w, header, header_h);
		}
		draw_row(p, b, r, w, r ? cells : header, h);
		if (r)
			free_cells(cells, b->ncols);
	}
	free_cells(header, b->ncols);
	p->y += 8;
	free(w);
	free(cells);
	free(header);
}

/* How each kind of text block is set (indexed by enum block_kind). */
static const struct pdf_text_style text_styles[] = {
	[BLOCK_TITLE] = { 19, 1, 0.05, 0, 6, 0, 0 },
	[BLOCK_SUBTITLE] = { 10, 0, 0.35, 0, 2, 0, 0 },
	/* room below for the heading that follows: the country's first section */
	[BLOCK_COUNTRY] = { 16, 1, 0.1, 0, 8, 40, 0 },
	/* never alone at the foot of a page: keep room for a table's first rows */
	[BLOCK_HEADING] = { 12.5, 1, 0.15, 10, 4, 90, 0 },
	[BLOCK_PARAGRAPH] = { 10, 0, 0.1, 0, 5, 0, 0 },
	[BLOCK_ITEM] = { 10, 0, 0.1, 0, 3, 0, 1 },
	[BLOCK_NOTE] = { 8.5, 0, 0.35, 0, 5, 0, 0 },
};

static int render(cairo_t *cr, void *arg, struct sanad_error *err)
{
	const struct doc *d = arg;
	struct pdf_page p;
	(void)err;
	pdf_start(&p, cr, d->lang, d->title, &annual_geometry);
	for (size_t i = 0; i < d->nblocks; i++) {
		const struct block *b = &d->blocks[i];
		switch (b->kind) {
		case BLOCK_TABLE:
			table_block(&p, b);
			break;
		case BLOCK_COUNTRY:
			if (p.page_has_content)
				pdf_new_page(&p);
			pdf_text(&p, b->text, &text_styles[b->kind]);
			cairo_set_source_rgb(p.cr, 0.27, 0.33, 0.4);
			cairo_set_line_width(p.cr, 1.2);
			cairo_move_to(p.cr, p.g.margin_x, p.y - 4);
			cairo_line_to(p.cr, PDF_PAGE_W - p.g.margin_x, p.y - 4);
			cairo_stroke(p.cr);
			break;
		default:
			pdf_text(&p, b->text, &text_styles[b->kind]);
			break;
		}
	}
	pdf_finish(&p);
	return 0;
}

int report_pdf(const struct report *r, enum vocab_lang lang, const char *path, struct sanad_error *err)
{
	struct doc d;
	int rc;
	report_doc(r, lang, &d);
	rc = pdf_write(path, d.title, render, &d, err);
	doc_release(&d);
	return rc;
}
