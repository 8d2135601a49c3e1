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

#define PAGE_W 595.28 /* A4 in points */
#define PAGE_H 841.89
#define MARGIN_X 56.0
#define MARGIN_TOP 56.0
#define MARGIN_BOTTOM 64.0
#define CONTENT_W (PAGE_W - 2 * MARGIN_X)
#define CELL_PAD 4.0
#define ITEM_INDENT 16.0

struct pdf {
	cairo_t *cr;
	PangoContext *ctx;
	enum vocab_lang lang;
	int rtl;
	double y;
	int page;
	int page_has_content;
	const char *family;
	const char *title;
};

static PangoLayout *layout_for(struct pdf *p, const char *text, double size, int bold, double width)
{
	PangoLayout *l = pango_layout_new(p->ctx);
	PangoFontDescription *fd = pango_font_description_from_string(p->family);
	pango_font_description_set_absolute_size(fd, size * PANGO_SCALE);
	pango_font_description_set_weight(fd, bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL);
	pango_layout_set_font_description(l, fd);
	pango_font_description_free(fd);
	/* the context's base direction decides, not the first strong character */
	pango_layout_set_auto_dir(l, FALSE);
	/* with auto_dir off, alignment is literal: Arabic starts at the right */
	pango_layout_set_alignment(l, p->rtl ? PANGO_ALIGN_RIGHT : PANGO_ALIGN_LEFT);
	pango_layout_set_wrap(l, PANGO_WRAP_WORD_CHAR);
	if (width > 0)
		pango_layout_set_width(l, (int)(width * PANGO_SCALE));
	pango_layout_set_text(l, text ? text : "", -1);
	return l;
}

static double layout_height(PangoLayout *l)
{
	int w, h;
	pango_layout_get_size(l, &w, &h);
	return (double)h / PANGO_SCALE;
}

static double layout_width(PangoLayout *l)
{
	int w, h;
	pango_layout_get_size(l, &w, &h);
	return (double)w / PANGO_SCALE;
}

/* Draw l with its box at x (left edge) and y. */
static void draw(struct pdf *p, PangoLayout *l, double x, double y, double gray)
{
	cairo_set_source_rgb(p->cr, gray, gray, gray);
	cairo_move_to(p->cr, x, y);
	pango_cairo_show_layout(p->cr, l);
}

static void footer(struct pdf *p)
{
	char n[16];
	char *text;
	PangoLayout *l;
	snprintf(n, sizeof(n), "%d", p->page);
	text = report_text("pdf.page", p->lang, (const char *const[]){ "n", n, "title", p->title, NULL });
	l = layout_for(p, text, 8, 0, CONTENT_W);
	/* a centred footer reads the same in both directions */
	pango_layout_set_alignment(l, PANGO_ALIGN_CENTER);
	draw(p, l, MARGIN_X, PAGE_H - MARGIN_BOTTOM + 24, 0.4);
	g_object_unref(l);
	free(text);
}

static void new_page(struct pdf *p)
{
	footer(p);
	cairo_show_page(p->cr);
	p->page++;
	p->y = MARGIN_TOP;
	p->page_has_content = 0;
}

static void ensure(struct pdf *p, double h)
{
	if (p->page_has_content && p->y + h > PAGE_H - MARGIN_BOTTOM)
		new_page(p);
}

/* A paragraph-like block: text over the content width (less indent). */
static void text_block(struct pdf *p, const char *text, double size, int bold, double gray, double space_before,
		       double space_after, double keep_with_next, int bullet)
{
	double indent = bullet ? ITEM_INDENT : 0, w = CONTENT_W - indent, h;
	PangoLayout *l = layout_for(p, text, size, bold, w);
	h = layout_height(l);
	if (p->page_has_content)
		p->y += space_before;
	ensure(p, h + keep_with_next);
	if (h > PAGE_H - MARGIN_TOP - MARGIN_BOTTOM) {
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
			if (base + bottom > PAGE_H - MARGIN_BOTTOM) {
				new_page(p);
				base = p->y - top;
			}
			cairo_set_source_rgb(p->cr, gray, gray, gray);
			cairo_move_to(p->cr, MARGIN_X + (p->rtl ? 0 : indent) + (double)logical.x / PANGO_SCALE,
				      base + (double)pango_layout_iter_get_baseline(it) / PANGO_SCALE);
			pango_cairo_show_layout_line(p->cr, line);
			p->y = base + bottom;
			p->page_has_content = 1;
			done = !pango_layout_iter_next_line(it);
		}
		pango_layout_iter_free(it);
	} else {
		draw(p, l, MARGIN_X + (p->rtl ? 0 : indent), p->y, gray);
		if (bullet) {
			PangoLayout *b = layout_for(p, "•", size, 0, 0);
			draw(p, b, p->rtl ? PAGE_W - MARGIN_X - layout_width(b) : MARGIN_X + 4, p->y, gray);
			g_object_unref(b);
		}
		p->y += h;
		p->page_has_content = 1;
	}
	p->y += space_after;
	g_object_unref(l);
}

/* Column widths: natural widths, shrunk to fit the page where needed. */
static void column_widths(struct pdf *p, const struct block *b, double *w)
{
	double total = 0, fair = CONTENT_W / b->ncols, spare = 0, excess = 0;
	for (int c = 0; c < b->ncols; c++) {
		w[c] = 20;
		for (int r = 0; r < b->nrows; r++) {
			PangoLayout *l = layout_for(p, b->cells[r * b->ncols + c], 9, r == 0, 0);
			double nat = layout_width(l) + 2 * CELL_PAD + 1;
			g_object_unref(l);
			if (nat > w[c])
				w[c] = nat;
		}
		total += w[c];
	}
	if (total <= CONTENT_W)
		return;
	for (int c = 0; c < b->ncols; c++) {
		if (w[c] <= fair)
			spare += fair - w[c];
		else
			excess += w[c] - fair;
	}
	for (int c = 0; c < b->ncols; c++)
		if (w[c] > fair)
			w[c] = fair + spare * (w[c] - fair) / excess;
}

static double row_height(struct pdf *p, const struct block *b, int r, const double *w, PangoLayout **cells)
{
	double h = 0;
	for (int c = 0; c < b->ncols; c++) {
		cells[c] = layout_for(p, b->cells[r * b->ncols + c], 9, r == 0, w[c] - 2 * CELL_PAD);
		if (layout_height(cells[c]) > h)
			h = layout_height(cells[c]);
	}
	return h + 2 * CELL_PAD;
}

static void draw_row(struct pdf *p, const struct block *b, int r, const double *w, PangoLayout **cells, double h)
{
	double x = p->rtl ? PAGE_W - MARGIN_X : MARGIN_X;
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
		draw(p, cells[c], left + CELL_PAD, p->y + CELL_PAD, 0.1);
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

static void table_block(struct pdf *p, const struct block *b)
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
			ensure(p, header_h + (b->nrows > 1 ? 20 : 0));
		else if (p->y + h > PAGE_H - MARGIN_BOTTOM) {
			new_page(p);
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

static int render(struct pdf *p, const struct doc *d)
{
	for (size_t i = 0; i < d->nblocks; i++) {
		const struct block *b = &d->blocks[i];
		switch (b->kind) {
		case BLOCK_TITLE:
			text_block(p, b->text, 19, 1, 0.05, 0, 6, 0, 0);
			break;
		case BLOCK_SUBTITLE:
			text_block(p, b->text, 10, 0, 0.35, 0, 2, 0, 0);
			break;
		case BLOCK_COUNTRY:
			if (p->page_has_content)
				new_page(p);
			text_block(p, b->text, 16, 1, 0.1, 0, 8, 40, 0);
			cairo_set_source_rgb(p->cr, 0.27, 0.33, 0.4);
			cairo_set_line_width(p->cr, 1.2);
			cairo_move_to(p->cr, MARGIN_X, p->y - 4);
			cairo_line_to(p->cr, PAGE_W - MARGIN_X, p->y - 4);
			cairo_stroke(p->cr);
			break;
		case BLOCK_HEADING:
			/* never alone at the foot of a page: keep room for a table's first rows */
			text_block(p, b->text, 12.5, 1, 0.15, 10, 4, 90, 0);
			break;
		case BLOCK_PARAGRAPH:
			text_block(p, b->text, 10, 0, 0.1, 0, 5, 0, 0);
			break;
		case BLOCK_NOTE:
			text_block(p, b->text, 8.5, 0, 0.35, 0, 5, 0, 0);
			break;
		case BLOCK_ITEM:
			text_block(p, b->text, 10, 0, 0.1, 0, 3, 0, 1);
			break;
		case BLOCK_TABLE:
			table_block(p, b);
			break;
		}
	}
	footer(p);
	return 0;
}

int report_pdf(const struct report *r, enum vocab_lang lang, const char *path, struct sanad_error *err)
{
	struct doc d;
	struct pdf p = { 0 };
	cairo_surface_t *surface;
	PangoFontMap *fontmap;
	cairo_font_options_t *fo;
	cairo_status_t status;
	size_t n = strlen(path) + 32;
	char *tmp = xmalloc(n);

	snprintf(tmp, n, "%s.tmp-%ld", path, (long)getpid());
	surface = cairo_pdf_surface_create(tmp, PAGE_W, PAGE_H);
	if ((status = cairo_surface_status(surface)) != CAIRO_STATUS_SUCCESS) {
		cairo_surface_destroy(surface);
		remove(tmp);
		free(tmp);
		return sanad_error_set(err, SANAD_EIO, "cannot create %s: %s", path, cairo_status_to_string(status));
	}
	report_doc(r, lang, &d);
	cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_TITLE, d.title);
	cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATOR, "Sanad");
	p.cr = cairo_create(surface);
	/* A font map of our own, freed below: pango's default one lives per
	 * thread until the process ends, holding fontconfig patterns that leak
	 * checkers report, and a server thread would keep it forever. */
	fontmap = pango_cairo_font_map_new();
	p.ctx = pango_font_map_create_context(fontmap);
	pango_cairo_update_context(p.cr, p.ctx);
	/* glyph positions as designed, not snapped to a screen's pixels */
	fo = cairo_font_options_create();
	cairo_font_options_set_hint_metrics(fo, CAIRO_HINT_METRICS_OFF);
	cairo_font_options_set_hint_style(fo, CAIRO_HINT_STYLE_NONE);
	pango_cairo_context_set_font_options(p.ctx, fo);
	cairo_font_options_destroy(fo);
	p.lang = lang;
	p.rtl = lang == VOCAB_AR;
	pango_context_set_base_dir(p.ctx, p.rtl ? PANGO_DIRECTION_RTL : PANGO_DIRECTION_LTR);
	{
		PangoLanguage *pl = pango_language_from_string(p.rtl ? "ar" : "en");
		pango_context_set_language(p.ctx, pl);
	}
	/* Noto Sans Arabic first: its text survives copying out of the PDF
	 * word by word, where Naskh's mark positioning makes extractors such
	 * as pdftotext split words into letters */
	p.family = p.rtl ? "Noto Sans Arabic,Noto Naskh Arabic,DejaVu Sans,Noto Sans"
			 : "Noto Sans,DejaVu Sans,Noto Sans Arabic";
	p.title = d.title;
	p.page = 1;
	p.y = MARGIN_TOP;
	render(&p, &d);
	g_object_unref(p.ctx);
	g_object_unref(fontmap);
	cairo_destroy(p.cr);
	cairo_surface_finish(surface);
	status = cairo_surface_status(surface);
	cairo_surface_destroy(surface);
	doc_release(&d);
	if (status != CAIRO_STATUS_SUCCESS) {
		remove(tmp);
		free(tmp);
		return sanad_error_set(err, SANAD_EIO, "cannot write %s: %s", path, cairo_status_to_string(status));
	}
	if (rename(tmp, path)) {
		int e = errno;
		remove(tmp);
		free(tmp);
		return sanad_error_set(err, SANAD_EIO, "cannot write %s: %s", path, strerror(e));
	}
	free(tmp);
	return 0;
}
