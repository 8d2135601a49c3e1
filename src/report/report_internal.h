/* report/report_internal.h: shared between the report module's files only. */
#ifndef SANAD_REPORT_INTERNAL_H
#define SANAD_REPORT_INTERNAL_H

#include "report/report.h"
#include "response/response.h"

#include <cairo.h>
#include <pango/pangocairo.h>

/* One recommendation of the report year and the programmes answering it. */
struct report_recommendation {
	const struct response_recommendation *rec; /* into report.rows */
	const struct programme **programmes;       /* into report.programmes */
	int nprogrammes;
};

struct report_country {
	char country[3];
	const struct response_finding *finding; /* into report.rows */
	struct response_figures fig;            /* this year */
	struct response_figures prev;           /* the year before */
	struct response_check checks[RESPONSE_CHECK_COUNT];
	const struct assess_record *record;     /* into report.assessment */
	const struct assess_result *result;
	struct report_recommendation *recs;
	int nrecs;
	/* tier of each history year (index 0: year - REPORT_HISTORY_YEARS + 1);
	 * "" when none, and whether it is Sanad's assessment */
	const char *history[REPORT_HISTORY_YEARS];
	int history_assessed[REPORT_HISTORY_YEARS];
	int watch_list_waived; /* the Watch List waiver kept it off Tier 3 this year */
};

struct report {
	int year;
	char from[11], to[11];   /* reporting period */
	char generated[11];      /* date the report was built */
	struct response_rows rows;             /* all years up to year, for the countries */
	struct response_assessment assessment; /* placements up to year */
	struct tier_entry *tiers;
	size_t ntiers;
	struct programme *programmes;
	size_t nprogrammes;
	struct report_country *countries;
	int ncountries;
};

/* ---- a rendered document: the blocks both HTML and PDF lay out ---- */
enum block_kind {
	BLOCK_TITLE,     /* the report's title */
	BLOCK_SUBTITLE,  /* period, date */
	BLOCK_COUNTRY,   /* a country's heading; starts a new page in print */
	BLOCK_HEADING,   /* a section of a country */
	BLOCK_PARAGRAPH,
	BLOCK_ITEM,      /* one item of a bulleted list */
	BLOCK_NOTE,      /* smaller explanatory text */
	BLOCK_TABLE,
};

struct block {
	enum block_kind kind;
	char *text;
	/* tables: nrows rows of ncols cells, row 0 the header, row-major */
	int ncols, nrows;
	char **cells;
	char *anchor; /* HTML id of a country heading, or NULL */
};

struct doc {
	enum vocab_lang lang;
	char *title;
	struct block *blocks;
	size_t nblocks, alloc;
};

/* The narrative of r in lang (narrative.c); release with doc_release. */
void report_doc(const struct report *r, enum vocab_lang lang, struct doc *out);
void doc_release(struct doc *d);

/* Fixed text of key in lang with slots filled (pairs as response_format);
 * a new string. */
char *report_text(const char *key, enum vocab_lang lang, const char *const *pairs);
/* The tier's name ("Tier 2 Watch List"), borrowed. */
const char *report_tier_name(const char *tier_code, enum vocab_lang lang);

/* ---- PDF pages (pdf.c): the page machinery the annual report (pdf.c) and
 * the statistical report (statistics.c) both lay their blocks out on ---- */
#define PDF_PAGE_W 595.28 /* A4 in points */
#define PDF_PAGE_H 841.89

/* Margins, and whether pages after the first carry the title and a rule at
 * the top: the two reports differ only in these. */
struct pdf_geometry {
	double margin_x, margin_top, margin_bottom;
	int running_header;
};

struct pdf_page {
	cairo_t *cr;
	PangoContext *pc;
	enum vocab_lang lang;
	int rtl;
	const char *title; /* in the footer (and running header); borrowed */
	struct pdf_geometry g;
	double content_w;
	double y;
	int page, page_has_content;
};

/* Draws the pages of one PDF onto cr (pdf_write's callback). */
typedef int (*pdf_render_fn)(cairo_t *cr, void *arg, struct sanad_error *err);
/* Writes path as an A4 PDF titled title drawn by render; the file appears
 * only when complete. */
int pdf_write(const char *path, const char *title, pdf_render_fn render, void *arg, struct sanad_error *err);

/* Starts page 1 on cr; pdf_finish draws the last page's frame and frees
 * what pdf_start made. */
void pdf_start(struct pdf_page *p, cairo_t *cr, enum vocab_lang lang, const char *title,
	       const struct pdf_geometry *g);
void pdf_finish(struct pdf_page *p);
/* Text in the report's fonts and direction, wrapped at width (0: none). */
PangoLayout *pdf_layout(struct pdf_page *p, const char *text, double size, int bold, double width);
double pdf_layout_height(PangoLayout *l);
double pdf_layout_width(PangoLayout *l);
/* Draws l with its box at x (left edge) and y. */
void pdf_show(struct pdf_page *p, PangoLayout *l, double x, double y, double gray);
void pdf_new_page(struct pdf_page *p);
/* A new page unless h more fits on this one (or this one is empty). */
void pdf_ensure(struct pdf_page *p, double h);

/* How a paragraph-like block is set: size, weight, gray level, space
 * before and after, room kept below it for what follows (a heading is never
 * left alone at the foot of a page) and whether it is a bulleted item. */
struct pdf_text_style {
	double size;
	int bold;
	double gray, before, after, keep;
	int bullet;
};
/* A paragraph over the content width; one longer than a page runs over
 * pages line by line. */
void pdf_text(struct pdf_page *p, const char *text, const struct pdf_text_style *s);
/* Shrinks the n natural column widths w to fit width when they do not:
 * columns within their fair share keep their width, the wider ones share
 * what is left (their text wraps). */
void pdf_fit_columns(double *w, int n, double width);

#endif
