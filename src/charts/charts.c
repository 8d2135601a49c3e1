/*
 * charts/charts.c: a published table drawn as bars, trend lines or a route
 * flow with cairo, its text laid out by pango (so Arabic is shaped and
 * runs right to left), written as SVG, PDF or PNG or drawn into a page of
 * the PDF statistical report.
 *
 * Disclosure: the chart must show no more than the published table.  So
 * the value axis, the bar lengths, the band widths and the choice of the
 * categories kept all depend on published counts only; a suppressed cell
 * is drawn as a marker of fixed size (hatched), the same whatever count
 * it hides, and the legend says what the marker means.  Margins (totals)
 * are not drawn: a bar of the total next to its parts would only squash
 * the parts.
 *
 * Mirroring: positions are worked out along a "logical" axis u that runs
 * from the start side of the reading direction (left in English, right in
 * Arabic) and turned into page x by phys_x(); text alignment is given as
 * start / centre / end and turned into pango's literal left / right.
 */
#include "charts/charts.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cairo-pdf.h>
#include <cairo-svg.h>

#define DEFAULT_W 720
#define DEFAULT_H 420
#define DEFAULT_MAX_CATEGORIES 24
#define PAD 10.0
#define FONT_TITLE 12.5
#define FONT_LABEL 8.5
#define FONT_LEGEND 8.5
#define LABEL_LINES 3
#define MARKER_H 8.0 /* height of the suppressed-cell marker: fixed, whatever it hides */

enum align { ALIGN_START, ALIGN_CENTRE, ALIGN_END };

/* Colour-blind-safe qualitative palette (Tableau 10). */
static const double palette[][3] = {
	{ 0.306, 0.475, 0.655 }, { 0.949, 0.557, 0.169 }, { 0.882, 0.341, 0.349 }, { 0.463, 0.718, 0.698 },
	{ 0.349, 0.631, 0.310 }, { 0.929, 0.788, 0.282 }, { 0.690, 0.478, 0.631 }, { 1.000, 0.616, 0.655 },
	{ 0.612, 0.459, 0.373 }, { 0.729, 0.690, 0.675 },
};
#define NPALETTE (sizeof(palette) / sizeof(palette[0]))

/* The few fixed words of a chart, English and Arabic (enum vocab_lang). */
static const char *const txt_suppressed[2] = { "suppressed (fewer than %lld)", "محجوبة (أقل من %lld)" };
static const char *const txt_left_out[2] = { "%d smaller left out: %s", "أُغفلت %d فئات أصغر: %s" };
static const char *const txt_empty[2] = { "No cases counted", "لا توجد حالات" };
static const char *const txt_count[2] = { "Victims", "الضحايا" };
static const char *const txt_by[2] = { "Victims by ", "الضحايا حسب " };

struct chart {
	cairo_t *cr;
	PangoContext *pc;
	enum vocab_lang lang;
	int rtl;
	double x, y, w, h; /* the chart's rectangle on the page */
	const struct disclosure_table *p;
	const struct chart_options *o;
	int max_categories;
};

/* ---- text ---- */

PangoContext *chart_pango_context(cairo_t *cr, enum vocab_lang lang)
{
	PangoFontMap *fm = pango_cairo_font_map_new();
	PangoContext *pc = pango_font_map_create_context(fm);
	cairo_font_options_t *fo = cairo_font_options_create();
	g_object_unref(fm); /* the context holds it */
	pango_cairo_update_context(cr, pc);
	cairo_font_options_set_hint_metrics(fo, CAIRO_HINT_METRICS_OFF);
	cairo_font_options_set_hint_style(fo, CAIRO_HINT_STYLE_NONE);
	pango_cairo_context_set_font_options(pc, fo);
	cairo_font_options_destroy(fo);
	pango_context_set_base_dir(pc, lang == VOCAB_AR ? PANGO_DIRECTION_RTL : PANGO_DIRECTION_LTR);
	pango_context_set_language(pc, pango_language_from_string(lang == VOCAB_AR ? "ar" : "en"));
	return pc;
}

PangoLayout *chart_text_layout(PangoContext *pc, const char *text, double size, int bold)
{
	int rtl = pango_context_get_base_dir(pc) == PANGO_DIRECTION_RTL;
	PangoLayout *l = pango_layout_new(pc);
	/* the same families as the annual report (src/report/pdf.c) */
	PangoFontDescription *fd = pango_font_description_from_string(
		rtl ? "Noto Sans Arabic,Noto Naskh Arabic,DejaVu Sans,Noto Sans" : "Noto Sans,DejaVu Sans,Noto Sans Arabic");
	pango_font_description_set_absolute_size(fd, size * PANGO_SCALE);
	pango_font_description_set_weight(fd, bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL);
	pango_layout_set_font_description(l, fd);
	pango_font_description_free(fd);
	/* the chart's direction decides, not the label's first letter: an
	 * Arabic chart keeps a Latin label ("IT-Web") on its right side */
	pango_layout_set_auto_dir(l, FALSE);
	pango_layout_set_text(l, text ? text : "", -1);
	return l;
}

static double phys_x(const struct chart *c, double u)
{
	return c->rtl ? c->x + c->w - u : c->x + u;
}

/* Left page x of the logical span [u, u + w). */
static double phys_left(const struct chart *c, double u, double w)
{
	return c->rtl ? c->x + c->w - u - w : c->x + u;
}

static PangoLayout *text_box(struct chart *c, const char *s, double size, int bold, double width, enum align a,
			     int lines)
{
	PangoLayout *l = chart_text_layout(c->pc, s, size, bold);
	PangoAlignment pa = PANGO_ALIGN_CENTER;
	if (a == ALIGN_START)
		pa = c->rtl ? PANGO_ALIGN_RIGHT : PANGO_ALIGN_LEFT;
	else if (a == ALIGN_END)
		pa = c->rtl ? PANGO_ALIGN_LEFT : PANGO_ALIGN_RIGHT;
	if (width > 0) {
		pango_layout_set_width(l, (int)(width * PANGO_SCALE));
		pango_layout_set_wrap(l, PANGO_WRAP_WORD_CHAR);
		pango_layout_set_ellipsize(l, PANGO_ELLIPSIZE_END);
		pango_layout_set_height(l, -(lines > 0 ? lines : 1));
	}
	pango_layout_set_alignment(l, pa);
	return l;
}

static void text_size(PangoLayout *l, double *w, double *h)
{
	PangoRectangle r;
	pango_layout_get_extents(l, NULL, &r);
	if (w)
		*w = (double)r.width / PANGO_SCALE;
	if (h)
		*h = (double)r.height / PANGO_SCALE;
}

/* Draw s in the logical box [u, u + width) from y; returns its height. */
static double text_at(struct chart *c, const char *s, double size, int bold, double u, double y, double width,
		      enum align a, int lines, double gray)
{
	PangoLayout *l = text_box(c, s, size, bold, width, a, lines);
	double h;
	text_size(l, NULL, &h);
	cairo_set_source_rgb(c->cr, gray, gray, gray);
	cairo_move_to(c->cr, phys_left(c, u, width), y);
	pango_cairo_show_layout(c->cr, l);
	g_object_unref(l);
	return h;
}

static double natural_width(struct chart *c, const char *s, double size, int bold)
{
	PangoLayout *l = chart_text_layout(c->pc, s, size, bold);
	double w;
	text_size(l, &w, NULL);
	g_object_unref(l);
	return w;
}

/* ---- marks ---- */

static void set_colour(cairo_t *cr, int series)
{
	const double *rgb = palette[(size_t)series % NPALETTE];
	cairo_set_source_rgb(cr, rgb[0], rgb[1], rgb[2]);
}

/* The suppressed-cell marker: a hatched box, page coordinates. */
static void hatch(cairo_t *cr, double x, double y, double w, double h)
{
	cairo_save(cr);
	cairo_rectangle(cr, x, y, w, h);
	cairo_set_source_rgb(cr, 1, 1, 1);
	cairo_fill_preserve(cr);
	cairo_clip(cr);
	cairo_set_source_rgb(cr, 0.35, 0.35, 0.35);
	cairo_set_line_width(cr, 0.8);
	for (double d = -h; d < w + h; d += 3.0) {
		cairo_move_to(cr, x + d, y + h);
		cairo_line_to(cr, x + d + h, y);
	}
	cairo_stroke(cr);
	cairo_restore(cr);
	cairo_set_source_rgb(cr, 0.35, 0.35, 0.35);
	cairo_set_line_width(cr, 0.6);
	cairo_rectangle(cr, x, y, w, h);
	cairo_stroke(cr);
}

/* ---- reading the published table ---- */

static int published(const struct disclosure_table *p, size_t i)
{
	return p->cube.state[i] == DISCLOSURE_PUBLISHED;
}

/* The values of dimension dim worth drawing: all of them, or the
 * max_categories largest by their published cells (suppressed counts
 * must not decide what is shown), in table order.  *left gets how many
 * were left out, names the labels of the first few. */
static int *keep_values(struct chart *c, int dim, int max, int *n, int *left, struct strbuf *names)
{
	const struct disclosure_cube *cube = &c->p->cube;
	int size = cube->size[dim], *keep = xcalloc((size_t)size, sizeof(int));
	int64_t *weight = xcalloc((size_t)size, sizeof(int64_t));
	unsigned char *chosen = xcalloc((size_t)size, 1);
	int idx[DISCLOSURE_MAX_DIMS];

	for (size_t i = 0; i < cube->ncells; i++) {
		if (disclosure_cube_is_margin(cube, i) || !published(c->p, i))
			continue;
		disclosure_cube_coords(cube, i, idx);
		weight[idx[dim]] += cube->count[i];
	}
	for (int k = 0; k < size && k < max; k++) {
		int best = -1;
		for (int v = 0; v < size; v++)
			if (!chosen[v] && (best < 0 || weight[v] > weight[best]))
				best = v;
		chosen[best] = 1;
	}
	*n = 0;
	*left = 0;
	for (int v = 0; v < size; v++) {
		if (chosen[v]) {
			keep[(*n)++] = v;
			continue;
		}
		if (++*left <= 4 && names) {
			int i0[DISCLOSURE_MAX_DIMS] = { 0 };
			i0[dim] = v;
			if (names->len)
				strbuf_addstr(names, c->lang == VOCAB_AR ? "، " : ", ");
			strbuf_addstr(names, disclosure_cell_label(c->p, disclosure_cube_index(cube, i0), dim, c->lang));
		}
	}
	if (*left > 4 && names)
		strbuf_addstr(names, "…");
	free(weight);
	free(chosen);
	return keep;
}

static const char *value_label(const struct chart *c, int dim, int v)
{
	int idx[DISCLOSURE_MAX_DIMS] = { 0 };
	idx[dim] = v;
	return disclosure_cell_label(c->p, disclosure_cube_index(&c->p->cube, idx), dim, c->lang);
}

/* ---- frame: title, legend, left-out note ---- */

struct legend_item {
	const char *label;
	int series;     /* colour, or -1 for the suppressed marker */
	int line;       /* drawn as a line sample (trend charts) */
};

static void chart_title(const struct disclosure_table *p, const struct chart_options *o, struct strbuf *out);

static double draw_title(struct chart *c)
{
	struct strbuf t = STRBUF_INIT;
	double h;
	chart_title(c->p, c->o, &t);
	if (!t.len) { /* the page around the chart names it */
		strbuf_release(&t);
		return PAD / 2;
	}
	h = text_at(c, strbuf_str(&t), FONT_TITLE, 1, PAD, c->y + PAD, c->w - 2 * PAD, ALIGN_START, 2, 0.1);
	strbuf_release(&t);
	return PAD + h + 6;
}

/* Lay the legend out from the bottom of the chart up: the items flow
 * from the start side and wrap; the note (what was left out) is under
 * them.  Returns the height used; draws only when draw is set. */
static double legend(struct chart *c, const struct legend_item *items, int n, const char *note, int draw)
{
	double row_h = FONT_LEGEND * 1.6, avail = c->w - 2 * PAD, u = 0, rows = n ? 1 : 0, note_h = 0;
	double top;
	if (note && *note) {
		PangoLayout *l = text_box(c, note, FONT_LEGEND, 0, avail, ALIGN_START, 2);
		text_size(l, NULL, &note_h);
		g_object_unref(l);
		note_h += 2;
	}
	for (int i = 0; i < n; i++) {
		double wi = 14 + fmin(natural_width(c, items[i].label, FONT_LEGEND, 0), avail - 14) + 14;
		if (u > 0 && u + wi > avail) {
			rows++;
			u = 0;
		}
		u += wi;
	}
	if (!draw)
		return rows * row_h + note_h + PAD;
	top = c->y + c->h - PAD - note_h - rows * row_h;
	u = 0;
	for (int i = 0, row = 0; i < n; i++) {
		double tw = fmin(natural_width(c, items[i].label, FONT_LEGEND, 0), avail - 14);
		double wi = 14 + tw + 14, y;
		if (u > 0 && u + wi > avail) {
			row++;
			u = 0;
		}
		y = top + row * row_h;
		if (items[i].series < 0) {
			hatch(c->cr, phys_left(c, PAD + u, 10), y + 2, 10, MARKER_H);
		} else if (items[i].line) {
			set_colour(c->cr, items[i].series);
			cairo_set_line_width(c->cr, 2);
			cairo_move_to(c->cr, phys_x(c, PAD + u), y + 6);
			cairo_line_to(c->cr, phys_x(c, PAD + u + 10), y + 6);
			cairo_stroke(c->cr);
		} else {
			set_colour(c->cr, items[i].series);
			cairo_rectangle(c->cr, phys_left(c, PAD + u, 10), y + 1, 10, 10);
			cairo_fill(c->cr);
		}
		text_at(c, items[i].label, FONT_LEGEND, 0, PAD + u + 14, y, tw + 1, ALIGN_START, 1, 0.2);
		u += wi;
	}
	if (note_h > 0)
		text_at(c, note, FONT_LEGEND, 0, PAD, c->y + c->h - PAD - note_h + 2, avail, ALIGN_START, 2, 0.35);
	return rows * row_h + note_h + PAD;
}

static void left_out_note(const struct chart *c, int left, const char *names, struct strbuf *out)
{
	if (!left)
		return;
	if (out->len)
		strbuf_addstr(out, c->lang == VOCAB_AR ? "؛ " : "; ");
	strbuf_addf(out, txt_left_out[c->lang], left, names);
}

static char *suppressed_label(const struct chart *c)
{
	struct strbuf sb = STRBUF_INIT;
	strbuf_addf(&sb, txt_suppressed[c->lang], (long long)c->p->report.threshold);
	return strbuf_detach(&sb);
}

static void empty_message(struct chart *c, double top)
{
	double h = c->y + c->h - top;
	text_at(c, txt_empty[c->lang], 11, 0, PAD, top + h / 2 - 8, c->w - 2 * PAD, ALIGN_CENTRE, 1, 0.45);
}

/* ---- value axis ---- */

static int64_t nice_step(int64_t max)
{
	double raw = (double)max / 5, mag, norm, step;
	if (raw <= 1)
		return 1;
	mag = pow(10, floor(log10(raw)));
	norm = raw / mag;
	step = (norm <= 1 ? 1 : norm <= 2 ? 2 : norm <= 5 ? 5 : 10) * mag;
	return (int64_t)step;
}

struct axis {
	int64_t top, step;
	double u0, u1;     /* plot area along the logical axis */
	double y0, y1;     /* plot area, page y (y1 is the base line) */
};

/* The value axis on the start side, its ticks and grid lines; fills in
 * the plot area left once the tick labels have their room. */
static void value_axis(struct chart *c, int64_t max, double top, double bottom, struct axis *a)
{
	char num[32];
	double lw;
	a->step = nice_step(max > 0 ? max : 1);
	a->top = ((max > 0 ? max : 1) + a->step - 1) / a->step * a->step;
	snprintf(num, sizeof(num), "%lld", (long long)a->top);
	lw = natural_width(c, num, FONT_LABEL, 0);
	if (lw < natural_width(c, txt_count[c->lang], FONT_LABEL, 0) / 2)
		lw = natural_width(c, txt_count[c->lang], FONT_LABEL, 0) / 2;
	a->u0 = PAD + lw + 6;
	a->u1 = c->w - PAD;
	a->y0 = top + FONT_LABEL * 2.6;
	a->y1 = bottom;
	text_at(c, txt_count[c->lang], FONT_LABEL, 0, PAD, top, c->w / 3, ALIGN_START, 1, 0.35);
	for (int64_t v = 0; v <= a->top; v += a->step) {
		double y = a->y1 - (a->y1 - a->y0) * (double)v / (double)a->top;
		snprintf(num, sizeof(num), "%lld", (long long)v);
		text_at(c, num, FONT_LABEL, 0, PAD, y - FONT_LABEL * 0.75, lw, ALIGN_END, 1, 0.35);
		cairo_set_source_rgb(c->cr, v ? 0.88 : 0.45, v ? 0.88 : 0.45, v ? 0.88 : 0.45);
		cairo_set_line_width(c->cr, v ? 0.5 : 0.8);
		cairo_move_to(c->cr, phys_x(c, a->u0), y);
		cairo_line_to(c->cr, phys_x(c, a->u1), y);
		cairo_stroke(c->cr);
	}
}

static double value_y(const struct axis *a, int64_t v)
{
	return a->y1 - (a->y1 - a->y0) * (double)v / (double)a->top;
}

/* ---- bars and lines ---- */

struct grid {
	int ncat, nser, cat_left, ser_left;
	int *cat, *ser;
	int two;           /* the table has a second column (series) */
	int64_t max;       /* largest published count drawn */
	int any_suppressed;
};

static size_t grid_cell(const struct chart *c, const struct grid *g, int i, int j)
{
	int idx[DISCLOSURE_MAX_DIMS] = { g->cat[i], g->two ? g->ser[j] : 0 };
	return disclosure_cube_index(&c->p->cube, idx);
}

static void grid_build(struct chart *c, struct grid *g, struct strbuf *note, int keep_last)
{
	struct strbuf names = STRBUF_INIT;
	memset(g, 0, sizeof(*g));
	g->two = c->p->source->ncolumns == 2;
	if (keep_last && c->p->cube.size[0] > c->max_categories) {
		/* a trend keeps its latest points */
		g->ncat = c->max_categories;
		g->cat_left = c->p->cube.size[0] - g->ncat;
		g->cat = xcalloc((size_t)g->ncat, sizeof(int));
		for (int i = 0; i < g->ncat; i++)
			g->cat[i] = g->cat_left + i;
		for (int i = 0; i < g->cat_left && i < 4; i++) {
			if (names.len)
				strbuf_addstr(&names, c->lang == VOCAB_AR ? "، " : ", ");
			strbuf_addstr(&names, value_label(c, 0, i));
		}
		if (g->cat_left > 4)
			strbuf_addstr(&names, "…");
	} else {
		g->cat = keep_values(c, 0, c->max_categories, &g->ncat, &g->cat_left, &names);
	}
	left_out_note(c, g->cat_left, strbuf_str(&names), note);
	strbuf_reset(&names);
	if (g->two) {
		g->ser = keep_values(c, 1, c->max_categories < (int)NPALETTE ? c->max_categories : (int)NPALETTE,
				     &g->nser, &g->ser_left, &names);
		left_out_note(c, g->ser_left, strbuf_str(&names), note);
	} else {
		g->nser = 1;
	}
	strbuf_release(&names);
	for (int i = 0; i < g->ncat; i++)
		for (int j = 0; j < g->nser; j++) {
			size_t k = grid_cell(c, g, i, j);
			if (!published(c->p, k))
				g->any_suppressed = 1;
			else if (c->p->cube.count[k] > g->max)
				g->max = c->p->cube.count[k];
		}
}

static void grid_release(struct grid *g)
{
	free(g->cat);
	free(g->ser);
}

/* Legend items of g (series, then the suppressed marker); returns how many. */
static int grid_legend(struct chart *c, const struct grid *g, struct legend_item *items, char *supp, int line)
{
	int n = 0;
	if (g->two)
		for (int j = 0; j < g->nser; j++)
			items[n++] = (struct legend_item){ value_label(c, 1, g->ser[j]), j, line };
	if (g->any_suppressed)
		items[n++] = (struct legend_item){ supp, -1, 0 };
	return n;
}

static void category_labels(struct chart *c, const struct grid *g, const struct axis *a, double gw)
{
	for (int i = 0; i < g->ncat; i++)
		text_at(c, value_label(c, 0, g->cat[i]), FONT_LABEL, 0, a->u0 + i * gw + 1, a->y1 + 4, gw - 2,
			ALIGN_CENTRE, LABEL_LINES, 0.2);
}

static double labels_height(void)
{
	return FONT_LABEL * 1.35 * LABEL_LINES + 6;
}

static void draw_grid_chart(struct chart *c, int lines)
{
	struct strbuf note = STRBUF_INIT;
	struct legend_item *items;
	struct grid g;
	struct axis a;
	char *supp = suppressed_label(c);
	double top = c->y + draw_title(c), bottom, gw;
	int n;

	grid_build(c, &g, &note, lines);
	items = xcalloc((size_t)g.nser + 2, sizeof(*items));
	n = grid_legend(c, &g, items, supp, lines);
	bottom = c->y + c->h - legend(c, items, n, strbuf_str(&note), 0) - labels_height();
	legend(c, items, n, strbuf_str(&note), 1);
	value_axis(c, g.max, top, bottom, &a);
	gw = (a.u1 - a.u0) / g.ncat;
	category_labels(c, &g, &a, gw);
	if (!lines) {
		double bw = gw * 0.8 / g.nser;
		for (int i = 0; i < g.ncat; i++)
			for (int j = 0; j < g.nser; j++) {
				size_t k = grid_cell(c, &g, i, j);
				double u = a.u0 + i * gw + gw * 0.1 + j * bw, bwd = bw > 2 ? bw - 1 : bw;
				if (!published(c->p, k)) {
					hatch(c->cr, phys_left(c, u, bwd), a.y1 - MARKER_H, bwd, MARKER_H);
					continue;
				}
				set_colour(c->cr, g.two ? j : 0);
				cairo_rectangle(c->cr, phys_left(c, u, bwd), value_y(&a, c->p->cube.count[k]), bwd,
						a.y1 - value_y(&a, c->p->cube.count[k]));
				cairo_fill(c->cr);
			}
	} else {
		for (int j = 0; j < g.nser; j++) {
			int open = 0;
			set_colour(c->cr, g.two ? j : 0);
			cairo_set_line_width(c->cr, 2);
			cairo_set_line_join(c->cr, CAIRO_LINE_JOIN_ROUND);
			/* the line breaks at a suppressed point: joining its neighbours
			 * would suggest a value in between */
			for (int i = 0; i < g.ncat; i++) {
				size_t k = grid_cell(c, &g, i, j);
				double x = phys_x(c, a.u0 + (i + 0.5) * gw);
				if (!published(c->p, k)) {
					open = 0;
					continue;
				}
				if (open)
					cairo_line_to(c->cr, x, value_y(&a, c->p->cube.count[k]));
				else
					cairo_move_to(c->cr, x, value_y(&a, c->p->cube.count[k]));
				open = 1;
			}
			cairo_stroke(c->cr);
			for (int i = 0; i < g.ncat; i++) {
				size_t k = grid_cell(c, &g, i, j);
				double x = phys_x(c, a.u0 + (i + 0.5) * gw);
				if (!published(c->p, k)) {
					/* side by side on the base line, so series do not hide each other */
					double off = (j - (g.nser - 1) / 2.0) * 7.0 * (c->rtl ? -1 : 1);
					hatch(c->cr, x + off - 3, a.y1 - MARKER_H, 6, MARKER_H);
					continue;
				}
				set_colour(c->cr, g.two ? j : 0);
				cairo_arc(c->cr, x, value_y(&a, c->p->cube.count[k]), 2.6, 0, 2 * M_PI);
				cairo_fill(c->cr);
			}
		}
	}
	grid_release(&g);
	free(items);
	free(supp);
	strbuf_release(&note);
}

/* ---- flow ---- */

struct flow_node {
	int64_t total;       /* published flow through it */
	double y, h;         /* page y and height */
	double in, out;      /* how far the bands entering / leaving are stacked */
	int kept;
	int suppressed;      /* some route through it is suppressed */
};

static void draw_band(cairo_t *cr, double xa, double ya, double xb, double yb, double t)
{
	double xm = (xa + xb) / 2;
	cairo_move_to(cr, xa, ya);
	cairo_curve_to(cr, xm, ya, xm, yb, xb, yb);
	cairo_line_to(cr, xb, yb + t);
	cairo_curve_to(cr, xm, yb + t, xm, ya + t, xa, ya + t);
	cairo_close_path(cr);
	cairo_fill(cr);
}

static void draw_flow(struct chart *c)
{
	const struct disclosure_cube *cube = &c->p->cube;
	int ncol = c->p->source->ncolumns, idx[DISCLOSURE_MAX_DIMS], nsupp = 0, left_total = 0;
	struct flow_node *nodes[3];
	struct strbuf note = STRBUF_INIT, names = STRBUF_INIT;
	struct legend_item item;
	char *supp = suppressed_label(c);
	double top = c->y + draw_title(c), bottom, label_w, node_w = 10, scale = 0, col_u[3];

	for (int d = 0; d < ncol; d++) {
		int n, left, *keep = keep_values(c, d, c->max_categories, &n, &left, &names);
		nodes[d] = xcalloc((size_t)cube->size[d], sizeof(struct flow_node));
		for (int k = 0; k < n; k++)
			nodes[d][keep[k]].kept = 1;
		left_total += left;
		free(keep);
	}
	left_out_note(c, left_total, strbuf_str(&names), &note);
	/* node totals from the published inner cells of routes whose every node is kept */
	for (size_t i = 0; i < cube->ncells; i++) {
		int kept = 1;
		if (disclosure_cube_is_margin(cube, i))
			continue;
		disclosure_cube_coords(cube, i, idx);
		for (int d = 0; d < ncol; d++)
			kept &= nodes[d][idx[d]].kept;
		if (!kept)
			continue;
		if (!published(c->p, i)) {
			nsupp++;
			for (int d = 0; d < ncol; d++)
				nodes[d][idx[d]].suppressed = 1;
			continue;
		}
		for (int d = 0; d < ncol; d++)
			nodes[d][idx[d]].total += cube->count[i];
	}
	item = (struct legend_item){ supp, -1, 0 };
	bottom = c->y + c->h - legend(c, &item, nsupp ? 1 : 0, strbuf_str(&note), 0);
	legend(c, &item, nsupp ? 1 : 0, strbuf_str(&note), 1);
	/* column headings */
	label_w = (c->w - 2 * PAD) * (ncol == 3 ? 0.2 : 0.28);
	col_u[0] = PAD + label_w;
	col_u[ncol - 1] = c->w - PAD - label_w - node_w;
	if (ncol == 3)
		col_u[1] = (col_u[0] + col_u[2]) / 2;
	for (int d = 0; d < ncol; d++) {
		/* over the node: ending at it, starting at it, or centred on it */
		double u = d == 0 ? PAD : d == ncol - 1 ? col_u[d] : col_u[d] - label_w / 2;
		text_at(c, c->p->source->columns[d].dim->title[c->lang], FONT_LABEL, 1, u, top, label_w + node_w,
			d == 0 ? ALIGN_END : d == ncol - 1 ? ALIGN_START : ALIGN_CENTRE, 1, 0.2);
	}
	top += FONT_LABEL * 1.8;
	/* one scale for every column, set by the fullest one */
	for (int d = 0; d < ncol; d++) {
		int64_t sum = 0;
		int nk = 0;
		for (int v = 0; v < cube->size[d]; v++)
			if (nodes[d][v].kept) {
				sum += nodes[d][v].total;
				nk++;
			}
		if (sum > 0) {
			double s = (bottom - top - (MARKER_H + 8.0) * nk) / (double)sum;
			if (scale == 0 || s < scale)
				scale = s;
		}
	}
	if (scale <= 0 && !nsupp) {
		empty_message(c, top);
		goto done;
	}
	for (int d = 0; d < ncol; d++) {
		double y = top;
		for (int v = 0; v < cube->size[d]; v++) {
			struct flow_node *nd = &nodes[d][v];
			if (!nd->kept)
				continue;
			nd->h = (double)nd->total * scale;
			nd->y = y;
			y += nd->h + (nd->suppressed ? MARKER_H + 2 : 0) + 6;
		}
	}
	/* bands, coloured by origin; a suppressed route has no band (its width
	 * would be its count) but a hatched mark under each of its nodes */
	for (size_t i = 0; i < cube->ncells; i++) {
		int kept = 1;
		double t;
		if (disclosure_cube_is_margin(cube, i) || !published(c->p, i) || cube->count[i] == 0)
			continue;
		disclosure_cube_coords(cube, i, idx);
		for (int d = 0; d < ncol; d++)
			kept &= nodes[d][idx[d]].kept;
		if (!kept)
			continue;
		t = (double)cube->count[i] * scale;
		for (int d = 0; d + 1 < ncol; d++) {
			struct flow_node *a = &nodes[d][idx[d]], *b = &nodes[d + 1][idx[d + 1]];
			const double *rgb = palette[(size_t)idx[0] % NPALETTE];
			cairo_set_source_rgba(c->cr, rgb[0], rgb[1], rgb[2], 0.45);
			draw_band(c->cr, phys_x(c, col_u[d] + node_w), a->y + a->out, phys_x(c, col_u[d + 1]),
				  b->y + b->in, t);
			a->out += t;
			b->in += t;
		}
	}
	/* nodes and their labels */
	for (int d = 0; d < ncol; d++)
		for (int v = 0; v < cube->size[d]; v++) {
			struct flow_node *nd = &nodes[d][v];
			double lu, ly;
			if (!nd->kept)
				continue;
			cairo_set_source_rgb(c->cr, 0.25, 0.25, 0.3);
			cairo_rectangle(c->cr, phys_left(c, col_u[d], node_w), nd->y, node_w, nd->h);
			cairo_fill(c->cr);
			if (nd->suppressed)
				hatch(c->cr, phys_left(c, col_u[d], node_w), nd->y + nd->h + 1, node_w, MARKER_H);
			ly = nd->y + (nd->h + (nd->suppressed ? MARKER_H + 1 : 0)) / 2 - FONT_LABEL * 0.7;
			if (d == 0) {
				lu = PAD;
				text_at(c, value_label(c, d, v), FONT_LABEL, 0, lu, ly, label_w - 4, ALIGN_END, 1, 0.15);
			} else if (d == ncol - 1) {
				lu = col_u[d] + node_w + 4;
				text_at(c, value_label(c, d, v), FONT_LABEL, 0, lu, ly, label_w - 4, ALIGN_START, 1, 0.15);
			} else {
				/* the middle column's labels sit on a white ground over the bands */
				const char *s = value_label(c, d, v);
				double tw = fmin(natural_width(c, s, FONT_LABEL, 0), label_w - 4);
				lu = col_u[d] + node_w + 3;
				cairo_set_source_rgba(c->cr, 1, 1, 1, 0.85);
				cairo_rectangle(c->cr, phys_left(c, lu - 1, tw + 2), ly, tw + 2, FONT_LABEL * 1.4);
				cairo_fill(c->cr);
				text_at(c, s, FONT_LABEL, 0, lu, ly, tw + 1, ALIGN_START, 1, 0.15);
			}
		}
done:
	for (int d = 0; d < ncol; d++)
		free(nodes[d]);
	free(supp);
	strbuf_release(&note);
	strbuf_release(&names);
}

/* ---- entry points ---- */

int chart_kind_parse(const char *name)
{
	if (!name)
		return -1;
	if (!strcmp(name, "bars"))
		return CHART_BARS;
	if (!strcmp(name, "lines"))
		return CHART_LINES;
	if (!strcmp(name, "flow"))
		return CHART_FLOW;
	return -1;
}

static const char *const kind_name[] = { "bars", "lines", "flow" };

static int check_shape(const struct disclosure_table *p, const struct chart_options *o, struct sanad_error *err)
{
	int n;
	if (!p || !p->source || !o)
		return sanad_error_set(err, SANAD_EINVAL, "a chart needs a published table and its options");
	if ((int)o->kind < CHART_BARS || o->kind > CHART_FLOW)
		return sanad_error_set(err, SANAD_EINVAL, "unknown chart kind %d (bars, lines or flow)", (int)o->kind);
	n = p->source->ncolumns;
	if (o->kind == CHART_FLOW && (n < 2 || n > 3))
		return sanad_error_set(err, SANAD_EINVAL,
				       "a flow chart needs 2 or 3 columns (origin, [transit,] destination), "
				       "this table has %d",
				       n);
	if (o->kind != CHART_FLOW && (n < 1 || n > 2))
		return sanad_error_set(err, SANAD_EINVAL,
				       "a %s chart draws 1 or 2 columns (categories, [series]), this table has %d",
				       kind_name[o->kind], n);
	if (o->max_categories < 0 || o->max_categories > 1000)
		return sanad_error_set(err, SANAD_EINVAL, "max_categories %d is not from 0 to 1000",
				       o->max_categories);
	if (p->cube.ncells && (p->cube.ndims != n || !p->cube.state))
		return sanad_error_set(err, SANAD_EINVAL, "the table was not published (disclosure_publish)");
	return 0;
}

int chart_draw(cairo_t *cr, double x, double y, double w, double h, const struct disclosure_table *p,
	       const struct chart_options *o, struct sanad_error *err)
{
	struct chart c = { 0 };
	int rc;
	if ((rc = check_shape(p, o, err)))
		return rc;
	if (w < CHART_MIN_SIZE / 2.0 || h < CHART_MIN_SIZE / 2.0)
		return sanad_error_set(err, SANAD_EINVAL, "a chart needs at least %d x %d, not %.0f x %.0f",
				       CHART_MIN_SIZE / 2, CHART_MIN_SIZE / 2, w, h);
	c.cr = cr;
	c.lang = o->lang == VOCAB_AR ? VOCAB_AR : VOCAB_EN;
	c.rtl = c.lang == VOCAB_AR;
	c.x = x, c.y = y, c.w = w, c.h = h;
	c.p = p;
	c.o = o;
	c.max_categories = o->max_categories ? o->max_categories : DEFAULT_MAX_CATEGORIES;
	cairo_save(cr);
	cairo_rectangle(cr, x, y, w, h);
	cairo_clip(cr);
	c.pc = chart_pango_context(cr, c.lang);
	if (!p->cube.ncells) {
		empty_message(&c, y + draw_title(&c));
	} else if (o->kind == CHART_FLOW) {
		draw_flow(&c);
	} else {
		draw_grid_chart(&c, o->kind == CHART_LINES);
	}
	g_object_unref(c.pc);
	cairo_restore(cr);
	return 0;
}

static cairo_status_t write_to_strbuf(void *closure, const unsigned char *data, unsigned int length)
{
	strbuf_add(closure, data, length);
	return CAIRO_STATUS_SUCCESS;
}

static void xml_escape(struct strbuf *sb, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '<': strbuf_addstr(sb, "&lt;"); break;
		case '>': strbuf_addstr(sb, "&gt;"); break;
		case '&': strbuf_addstr(sb, "&amp;"); break;
		case '"': strbuf_addstr(sb, "&quot;"); break;
		default: strbuf_addch(sb, *s);
		}
	}
}

/* cairo's SVG names its glyphs, clips and surfaces "glyph0-1", "clip1",
 * "surface5" (a counter of the whole process): two charts inlined in one
 * HTML page would take each other's glyphs, and the same chart would come
 * out different each time.  So every name is renumbered in order of first
 * appearance and prefixed with a hash of the renumbered drawing: different
 * charts get different names, the same chart the same bytes. */
static void svg_rename(const struct strbuf *svg, const char *prefix, struct strbuf *out)
{
	static const char *const refs[] = { "id=\"", "href=\"#", "url(#" };
	const char *s = strbuf_str(svg), *end = s + svg->len;
	char **names = NULL;
	size_t nnames = 0;
	while (s < end) {
		const char *hit = NULL, *stop;
		size_t hl = 0, k;
		for (size_t r = 0; r < sizeof(refs) / sizeof(refs[0]); r++) {
			const char *h = strstr(s, refs[r]);
			if (h && (!hit || h < hit))
				hit = h, hl = strlen(refs[r]);
		}
		if (!hit) {
			strbuf_add(out, s, (size_t)(end - s));
			break;
		}
		strbuf_add(out, s, (size_t)(hit - s) + hl);
		s = hit + hl;
		stop = s + strcspn(s, "\")");
		for (k = 0; k < nnames; k++)
			if (strlen(names[k]) == (size_t)(stop - s) && !memcmp(names[k], s, (size_t)(stop - s)))
				break;
		if (k == nnames) {
			names = xrealloc(names, (nnames + 1) * sizeof(*names));
			names[nnames++] = xstrndup(s, (size_t)(stop - s));
		}
		strbuf_addf(out, "%s%zu", prefix, k);
		s = stop;
	}
	for (size_t k = 0; k < nnames; k++)
		free(names[k]);
	free(names);
}

static void svg_finish(const struct strbuf *svg, const char *title, const char *lang, struct strbuf *out)
{
	struct strbuf plain = STRBUF_INIT, named = STRBUF_INIT;
	uint32_t hash = 2166136261u;
	char prefix[16];
	const char *s, *open;
	svg_rename(svg, "n", &plain);
	for (size_t i = 0; i < plain.len; i++)
		hash = (hash ^ (unsigned char)plain.buf[i]) * 16777619u;
	snprintf(prefix, sizeof(prefix), "c%08x-", (unsigned)hash);
	svg_rename(svg, prefix, &named);
	s = strbuf_str(&named);
	open = strstr(s, "<svg");
	open = open ? strchr(open, '>') : NULL;
	if (!open) {
		strbuf_add(out, named.buf, named.len);
	} else {
		/* the <svg ...> tag: a language, and a title for screen readers and tabs */
		strbuf_add(out, s, (size_t)(open - s));
		strbuf_addf(out, " role=\"img\" xml:lang=\"%s\"><title>", lang);
		xml_escape(out, title);
		strbuf_addstr(out, "</title>");
		strbuf_addstr(out, open + 1);
	}
	strbuf_release(&plain);
	strbuf_release(&named);
}

static void chart_title(const struct disclosure_table *p, const struct chart_options *o, struct strbuf *out)
{
	enum vocab_lang lang = o->lang == VOCAB_AR ? VOCAB_AR : VOCAB_EN;
	if (o->title) {
		strbuf_addstr(out, o->title);
		return;
	}
	strbuf_addstr(out, txt_by[lang]);
	for (int k = 0; k < p->source->ncolumns; k++) {
		if (k)
			strbuf_addstr(out, " × ");
		strbuf_addstr(out, p->source->columns[k].dim->title[lang]);
	}
}

int chart_render(const struct disclosure_table *p, const struct chart_options *o, enum chart_format format,
		 struct strbuf *out, struct sanad_error *err)
{
	int w = o && o->width ? o->width : DEFAULT_W, h = o && o->height ? o->height : DEFAULT_H, rc;
	struct strbuf raw = STRBUF_INIT;
	cairo_surface_t *s;
	cairo_status_t status;
	cairo_t *cr;

	if ((rc = check_shape(p, o, err)))
		return rc;
	if (w < CHART_MIN_SIZE || h < CHART_MIN_SIZE || w > CHART_MAX_SIZE || h > CHART_MAX_SIZE)
		return sanad_error_set(err, SANAD_EINVAL, "chart size %d x %d is not within %d to %d", w, h,
				       CHART_MIN_SIZE, CHART_MAX_SIZE);
	if ((int)format < CHART_SVG || format > CHART_PNG)
		return sanad_error_set(err, SANAD_EINVAL, "unknown chart format %d", (int)format);
	if (format == CHART_SVG) {
		s = cairo_svg_surface_create_for_stream(write_to_strbuf, &raw, w, h);
		cairo_svg_surface_restrict_to_version(s, CAIRO_SVG_VERSION_1_1);
	} else if (format == CHART_PDF) {
		s = cairo_pdf_surface_create_for_stream(write_to_strbuf, &raw, w, h);
		cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_CREATOR, "Sanad");
	} else {
		s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, w, h);
	}
	cr = cairo_create(s);
	cairo_set_source_rgb(cr, 1, 1, 1);
	cairo_paint(cr);
	rc = chart_draw(cr, 0, 0, w, h, p, o, err);
	cairo_destroy(cr);
	status = CAIRO_STATUS_SUCCESS;
	if (!rc && format == CHART_PNG) /* before finish: a finished surface has no pixels to give */
		status = cairo_surface_write_to_png_stream(s, write_to_strbuf, &raw);
	cairo_surface_finish(s);
	if (!rc && status == CAIRO_STATUS_SUCCESS)
		status = cairo_surface_status(s);
	cairo_surface_destroy(s);
	if (!rc && status != CAIRO_STATUS_SUCCESS)
		rc = sanad_error_set(err, SANAD_EIO, "drawing the chart failed: %s", cairo_status_to_string(status));
	if (!rc) {
		if (format == CHART_SVG) {
			struct strbuf title = STRBUF_INIT;
			chart_title(p, o, &title);
			svg_finish(&raw, strbuf_str(&title), o->lang == VOCAB_AR ? "ar" : "en", out);
			strbuf_release(&title);
		} else {
			strbuf_add(out, raw.buf, raw.len);
		}
	}
	strbuf_release(&raw);
	return rc;
}
