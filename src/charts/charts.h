/*
 * charts: statistics drawn as charts with cairo and pango, so Arabic labels
 * are shaped and laid out right to left exactly as in the PDF report, and
 * the same drawing serves the web dashboard (SVG), the PDF statistical
 * report and the tests (PNG).  Issue 5 item 4.
 *
 * A chart draws a published table (src/disclosure), never a raw one: what
 * a chart shows is exactly what the published table shows, and a
 * suppressed cell is drawn as a gap marked "suppressed" rather than as a
 * bar whose length would give the count away.
 *
 * Kinds, by the published table's columns:
 *   CHART_BARS  1 or 2 columns: bars per value of the first, one series per
 *               value of the second (grouped)
 *   CHART_LINES 1 or 2 columns, the first a year (or any ordered value): a
 *               trend line per value of the second
 *   CHART_FLOW  2 or 3 columns (origin, [transit,] destination): a flow
 *               diagram, band widths proportional to the counts
 * Margin cells (totals) are not drawn.  In Arabic the whole chart is
 * mirrored: categories run from the right, the value axis is on the right.
 */
#ifndef SANAD_CHARTS_H
#define SANAD_CHARTS_H

#include <cairo.h>
#include <pango/pangocairo.h>

#include "disclosure/disclosure.h"
#include "util/util.h"
#include "vocab/vocab.h"

enum chart_kind { CHART_BARS, CHART_LINES, CHART_FLOW };
enum chart_format { CHART_SVG, CHART_PDF, CHART_PNG };

struct chart_options {
	enum chart_kind kind;
	enum vocab_lang lang;
	int width, height;  /* points (SVG/PDF) or pixels (PNG); 0: 720 x 420 */
	const char *title;  /* drawn above the chart, or NULL */
	int max_categories; /* 0: 24; beyond it the smallest are left out and the legend says so */
};

/* Bounds on chart_options.width and height. */
#define CHART_MIN_SIZE 160
#define CHART_MAX_SIZE 4000

/* Parse "bars", "lines", "flow"; -1 if none. */
int chart_kind_parse(const char *name);

/* The chart of p as a complete SVG, PDF or PNG document appended to out.
 * Fails with SANAD_EINVAL naming the problem when the table's shape does
 * not fit the kind (a flow needs 2 or 3 columns ...). */
int chart_render(const struct disclosure_table *p, const struct chart_options *o,
		 enum chart_format format, struct strbuf *out, struct sanad_error *err);

/* Draw the chart into the rectangle (x, y, w, h) of an existing cairo
 * context, for the PDF report's pages. */
int chart_draw(cairo_t *cr, double x, double y, double w, double h, const struct disclosure_table *p,
	       const struct chart_options *o, struct sanad_error *err);

/* ---- text ----
 * Every piece of chart text is laid out by chart_text_layout, so the
 * shaping and direction a test checks on it are those of every chart. */

/* A pango context for drawing on cr in lang: its own font map (freed with
 * the context: g_object_unref), base direction right to left for Arabic,
 * metrics not hinted so SVG, PDF and PNG lay text out alike. */
PangoContext *chart_pango_context(cairo_t *cr, enum vocab_lang lang);
/* text in the chart font at size points (bold or not), laid out in pc's
 * language and direction.  The caller unrefs it. */
PangoLayout *chart_text_layout(PangoContext *pc, const char *text, double size, int bold);

#endif
