/* tests/charts/test_charts.c: charts of published tables -- every kind in
 * both languages and every format, a suppressed cell drawn the same
 * whatever count it hides, bad shapes refused, and the chart text shaped
 * (Arabic letters joined) and laid out right to left.  The PNGs are kept
 * under $ARTIFACTS_DIR/charts (default tests/artifacts/charts) for a person
 * to look at. */
#include "test_support.h"

#include <errno.h>
#include <sys/stat.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

#include "charts/charts.h"

/* ---- tables built by hand (no database) ---- */

struct col_spec {
	const char *dim;
	int n;
	const char *const *codes;
	const char *const *en;
	const char *const *ar;
};

static const char *const sex_codes[] = { "Female", "Male" };
static const char *const sex_en[] = { "Female", "Male" };
static const char *const sex_ar[] = { "أنثى", "ذكر" };
static const char *const age_codes[] = { "0-17", "18-29", "30-44", "45+" };
static const char *const year_codes[] = { "2019", "2020", "2021", "2022", "2023" };
static const char *const ctry_codes[] = { "SY", "EG", "PH", "JO", "LB" };
static const char *const ctry_en[] = { "Syria", "Egypt", "Philippines", "Jordan", "Lebanon" };
static const char *const ctry_ar[] = { "سوريا", "مصر", "الفلبين", "الأردن", "لبنان" };
static const char *const form_codes[] = { "Sexual", "Labour", "Begging" };
static const char *const form_en[] = { "Sexual exploitation", "Forced labour", "Forced begging" };
static const char *const form_ar[] = { "الاستغلال الجنسي", "العمل القسري", "التسول القسري" };

/* A stats table of the given columns whose cell k (row-major over the
 * columns) counts counts[k]; zero cells get no row, as stats_compute does. */
static void make_table(struct stats_table *t, const struct col_spec *cols, int ncols, const int64_t *counts)
{
	size_t ncells = 1;
	memset(t, 0, sizeof(*t));
	t->ncolumns = ncols;
	for (int c = 0; c < ncols; c++) {
		struct stats_column *col = &t->columns[c];
		col->dim = stats_dimension_find(cols[c].dim);
		assert_non_null(col->dim);
		col->name = strdup(cols[c].dim);
		col->nvalues = cols[c].n;
		col->values = calloc((size_t)cols[c].n, sizeof(*col->values));
		for (int v = 0; v < cols[c].n; v++) {
			col->values[v].code = strdup(cols[c].codes[v]);
			col->values[v].label[0] = strdup(cols[c].en ? cols[c].en[v] : cols[c].codes[v]);
			col->values[v].label[1] = strdup(cols[c].ar ? cols[c].ar[v] : cols[c].codes[v]);
		}
		ncells *= (size_t)cols[c].n;
	}
	t->rows = calloc(ncells, sizeof(*t->rows));
	for (size_t k = 0; k < ncells; k++) {
		size_t rest = k;
		if (!counts[k])
			continue;
		for (int c = ncols - 1; c >= 0; c--) {
			t->rows[t->nrows].value[c] = (int)(rest % (size_t)cols[c].n);
			rest /= (size_t)cols[c].n;
		}
		t->rows[t->nrows].count = counts[k];
		t->total_victims += counts[k];
		t->nrows++;
	}
}

static void publish(const struct stats_table *t, struct disclosure_table *p)
{
	struct disclosure_options o = { 5, 0 };
	struct sanad_error err = { 0 };
	assert_int_equal(disclosure_publish(t, &o, p, &err), 0);
}

/* sex x age, one primary suppression (Male 45+ = 2) */
static const struct col_spec sex_age[] = { { "sex", 2, sex_codes, sex_en, sex_ar },
					   { "age", 4, age_codes, NULL, NULL } };
static const int64_t sex_age_counts[] = { 12, 40, 31, 9, 8, 22, 17, 2 };
/* year x sex, one primary suppression (2021 Male = 3) */
static const struct col_spec year_sex[] = { { "year", 5, year_codes, NULL, NULL },
					    { "sex", 2, sex_codes, sex_en, sex_ar } };
static const int64_t year_sex_counts[] = { 20, 11, 25, 14, 30, 3, 41, 19, 38, 22 };
/* origin x exploitation country x form: a 3-column route-like flow */
static const struct col_spec route3[] = { { "nationality", 5, ctry_codes, ctry_en, ctry_ar },
					  { "country_of_identification", 5, ctry_codes, ctry_en, ctry_ar },
					  { "exploitation", 3, form_codes, form_en, form_ar } };

static void route_counts(int64_t *counts)
{
	/* every route used, one of them by few (SY -> LB, begging: suppressed) */
	for (int k = 0; k < 75; k++)
		counts[k] = 5 + (k * 7) % 23;
	counts[0 * 15 + 4 * 3 + 2] = 2;
}

/* ---- helpers ---- */

static char artifacts[4096];

static void mkdir_p(const char *path)
{
	char buf[4096];
	snprintf(buf, sizeof(buf), "%s", path);
	for (char *s = buf + 1; *s; s++)
		if (*s == '/') {
			*s = 0;
			mkdir(buf, 0777);
			*s = '/';
		}
	mkdir(buf, 0777);
}

static void save(const char *name, const struct strbuf *png)
{
	char path[4200];
	FILE *f;
	snprintf(path, sizeof(path), "%s/%s", artifacts, name);
	f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(png->buf, 1, png->len, f), png->len);
	fclose(f);
}

static void render_ok(const struct disclosure_table *p, enum chart_kind kind, enum vocab_lang lang,
		      enum chart_format format, struct strbuf *out)
{
	struct chart_options o = { kind, lang, 0, 0, NULL, 0 };
	struct sanad_error err = { 0 };
	int rc = chart_render(p, &o, format, out, &err);
	if (rc)
		fprintf(stderr, "chart_render: %s\n", err.message);
	assert_int_equal(rc, 0);
	assert_true(out->len > 200);
}

/* The SVG parses, is rooted at <svg>, has a non-empty <title> first and
 * refers to nothing outside itself. */
static void check_svg(const struct strbuf *svg, const char *want_title)
{
	xmlDocPtr doc = xmlReadMemory(svg->buf, (int)svg->len, "chart.svg", NULL, XML_PARSE_NONET | XML_PARSE_NOERROR);
	xmlNodePtr root, kid;
	xmlChar *text;
	assert_non_null(doc);
	root = xmlDocGetRootElement(doc);
	assert_string_equal((const char *)root->name, "svg");
	for (kid = root->children; kid && kid->type != XML_ELEMENT_NODE; kid = kid->next)
		;
	assert_non_null(kid);
	assert_string_equal((const char *)kid->name, "title");
	text = xmlNodeGetContent(kid);
	assert_string_equal((const char *)text, want_title);
	xmlFree(text);
	xmlFreeDoc(doc);
	assert_null(strstr(svg->buf, "href=\"http"));
	assert_null(strstr(svg->buf, "href=\"file"));
	assert_null(strstr(svg->buf, "<image"));
}

static void render_all(const struct disclosure_table *p, enum chart_kind kind, const char *stem,
		       const char *title_en, const char *title_ar)
{
	for (int lang = VOCAB_EN; lang <= VOCAB_AR; lang++) {
		struct strbuf svg = STRBUF_INIT, pdf = STRBUF_INIT, png = STRBUF_INIT;
		char name[128];
		render_ok(p, kind, (enum vocab_lang)lang, CHART_SVG, &svg);
		check_svg(&svg, lang == VOCAB_AR ? title_ar : title_en);
		render_ok(p, kind, (enum vocab_lang)lang, CHART_PDF, &pdf);
		assert_memory_equal(pdf.buf, "%PDF-", 5);
		render_ok(p, kind, (enum vocab_lang)lang, CHART_PNG, &png);
		assert_memory_equal(png.buf, "\x89PNG\r\n\x1a\n", 8);
		snprintf(name, sizeof(name), "%s-%s.png", stem, lang == VOCAB_AR ? "ar" : "en");
		save(name, &png);
		strbuf_release(&svg);
		strbuf_release(&pdf);
		strbuf_release(&png);
	}
}

/* ---- tests ---- */

static void test_bars_render(void **state)
{
	struct stats_table t;
	struct disclosure_table p;
	(void)state;
	make_table(&t, sex_age, 2, sex_age_counts);
	publish(&t, &p);
	render_all(&p, CHART_BARS, "bars-sex-age", "Victims by Sex × Age band", "الضحايا حسب الجنس × الفئة العمرية");
	disclosure_table_release(&p);
	stats_table_release(&t);
}

static void test_lines_render(void **state)
{
	struct stats_table t;
	struct disclosure_table p;
	(void)state;
	make_table(&t, year_sex, 2, year_sex_counts);
	publish(&t, &p);
	render_all(&p, CHART_LINES, "lines-year-sex", "Victims by Year × Sex", "الضحايا حسب السنة × الجنس");
	disclosure_table_release(&p);
	stats_table_release(&t);
}

static void test_flow_render(void **state)
{
	struct stats_table t;
	struct disclosure_table p;
	int64_t counts[75];
	(void)state;
	route_counts(counts);
	make_table(&t, route3, 3, counts);
	publish(&t, &p);
	render_all(&p, CHART_FLOW, "flow-3", "Victims by Nationality × Country of identification × Form of exploitation",
		   "الضحايا حسب الجنسية × بلد التعرّف × شكل الاستغلال");
	disclosure_table_release(&p);
	stats_table_release(&t);
	/* two columns: origin -> destination */
	make_table(&t, route3, 2, (const int64_t[]){ 0, 0, 0, 39, 2, 0, 0, 0, 30, 7, 0, 0, 0, 9, 18, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 });
	publish(&t, &p);
	render_all(&p, CHART_FLOW, "flow-2", "Victims by Nationality × Country of identification",
		   "الضحايا حسب الجنسية × بلد التعرّف");
	disclosure_table_release(&p);
	stats_table_release(&t);
}

static void test_bars_one_column(void **state)
{
	struct stats_table t;
	struct disclosure_table p;
	static const struct col_spec forms[] = { { "exploitation", 3, form_codes, form_en, form_ar } };
	(void)state;
	make_table(&t, forms, 1, (const int64_t[]){ 48, 3, 15 });
	publish(&t, &p);
	render_all(&p, CHART_BARS, "bars-form", "Victims by Form of exploitation", "الضحايا حسب شكل الاستغلال");
	disclosure_table_release(&p);
	stats_table_release(&t);
}

/* The hidden count of a suppressed cell changes nothing in the picture. */
static void same_picture_whatever_hidden(const struct col_spec *cols, int ncols, int64_t *counts, size_t small,
					 enum chart_kind kind)
{
	struct stats_table t;
	struct disclosure_table p;
	for (int lang = VOCAB_EN; lang <= VOCAB_AR; lang++) {
		struct strbuf a = STRBUF_INIT, b = STRBUF_INIT;
		int idx[DISCLOSURE_MAX_DIMS];
		size_t cell, rest = small;
		make_table(&t, cols, ncols, counts);
		publish(&t, &p);
		for (int c = ncols - 1; c >= 0; c--) {
			idx[c] = (int)(rest % (size_t)cols[c].n);
			rest /= (size_t)cols[c].n;
		}
		cell = disclosure_cube_index(&p.cube, idx);
		assert_int_equal(p.cube.state[cell], DISCLOSURE_PRIMARY);
		render_ok(&p, kind, (enum vocab_lang)lang, CHART_PNG, &a);
		/* what an attacker would like to read off the chart */
		p.cube.count[cell] = 4;
		render_ok(&p, kind, (enum vocab_lang)lang, CHART_PNG, &b);
		assert_int_equal(a.len, b.len);
		assert_memory_equal(a.buf, b.buf, a.len);
		p.cube.count[cell] = 1;
		strbuf_reset(&b);
		render_ok(&p, kind, (enum vocab_lang)lang, CHART_SVG, &b);
		strbuf_reset(&a);
		p.cube.count[cell] = 3;
		render_ok(&p, kind, (enum vocab_lang)lang, CHART_SVG, &a);
		assert_int_equal(a.len, b.len);
		assert_memory_equal(a.buf, b.buf, a.len);
		disclosure_table_release(&p);
		stats_table_release(&t);
		strbuf_release(&a);
		strbuf_release(&b);
	}
}

static void test_suppressed_cell_not_drawn(void **state)
{
	int64_t c1[8], c2[10], c3[75];
	(void)state;
	memcpy(c1, sex_age_counts, sizeof(c1));
	same_picture_whatever_hidden(sex_age, 2, c1, 7, CHART_BARS);
	memcpy(c2, year_sex_counts, sizeof(c2));
	same_picture_whatever_hidden(year_sex, 2, c2, 5, CHART_LINES);
	route_counts(c3);
	same_picture_whatever_hidden(route3, 3, c3, 0 * 15 + 4 * 3 + 2, CHART_FLOW);
}

/* A table with no cases draws a chart that says so. */
static void test_empty_table(void **state)
{
	struct stats_table t;
	struct disclosure_table p;
	struct strbuf png = STRBUF_INIT;
	(void)state;
	make_table(&t, sex_age, 2, (const int64_t[]){ 0, 0, 0, 0, 0, 0, 0, 0 });
	t.columns[0].nvalues = 0; /* as stats_compute leaves a table without cases */
	publish(&t, &p);
	t.columns[0].nvalues = 2;
	render_ok(&p, CHART_BARS, VOCAB_AR, CHART_PNG, &png);
	save("empty-ar.png", &png);
	strbuf_release(&png);
	disclosure_table_release(&p);
	stats_table_release(&t);
}

static void test_bad_shapes_refused(void **state)
{
	struct stats_table t;
	struct disclosure_table p;
	struct strbuf out = STRBUF_INIT;
	struct sanad_error err = { 0 };
	struct chart_options o = { CHART_FLOW, VOCAB_EN, 0, 0, NULL, 0 };
	int64_t counts[75];
	(void)state;
	make_table(&t, sex_age, 1, (const int64_t[]){ 12, 9 });
	publish(&t, &p);
	assert_int_equal(chart_render(&p, &o, CHART_SVG, &out, &err), SANAD_EINVAL);
	assert_non_null(strstr(err.message, "a flow chart needs 2 or 3 columns"));
	assert_non_null(strstr(err.message, "has 1"));
	o.kind = CHART_BARS;
	o.width = 50;
	assert_int_equal(chart_render(&p, &o, CHART_PNG, &out, &err), SANAD_EINVAL);
	assert_non_null(strstr(err.message, "50 x 420"));
	o.width = 0;
	o.max_categories = -1;
	assert_int_equal(chart_render(&p, &o, CHART_PNG, &out, &err), SANAD_EINVAL);
	assert_non_null(strstr(err.message, "max_categories -1"));
	assert_int_equal(out.len, 0);
	disclosure_table_release(&p);
	stats_table_release(&t);

	route_counts(counts);
	make_table(&t, route3, 3, counts);
	publish(&t, &p);
	o.max_categories = 0;
	o.kind = CHART_LINES;
	assert_int_equal(chart_render(&p, &o, CHART_SVG, &out, &err), SANAD_EINVAL);
	assert_non_null(strstr(err.message, "a lines chart draws 1 or 2 columns"));
	assert_non_null(strstr(err.message, "has 3"));
	assert_int_equal(out.len, 0);
	assert_int_equal(chart_kind_parse("flow"), CHART_FLOW);
	assert_int_equal(chart_kind_parse("pie"), -1);
	assert_int_equal(chart_kind_parse(NULL), -1);
	disclosure_table_release(&p);
	stats_table_release(&t);
}

/* More categories than max_categories: the largest are kept. */
static void test_too_many_categories(void **state)
{
	struct stats_table t;
	struct disclosure_table p;
	struct strbuf a = STRBUF_INIT, b = STRBUF_INIT;
	static const struct col_spec nat[] = { { "nationality", 5, ctry_codes, ctry_en, ctry_ar } };
	struct chart_options o = { CHART_BARS, VOCAB_EN, 0, 0, NULL, 3 };
	struct sanad_error err = { 0 };
	(void)state;
	make_table(&t, nat, 1, (const int64_t[]){ 30, 6, 20, 40, 7 });
	publish(&t, &p);
	assert_int_equal(chart_render(&p, &o, CHART_PNG, &a, &err), 0);
	save("bars-top3-en.png", &a);
	/* the two smallest (6 and 7) are left out: changing them changes nothing
	 * but the legend, which names them -- so equal counts give equal pictures */
	p.cube.count[1] = 8;
	assert_int_equal(chart_render(&p, &o, CHART_PNG, &b, &err), 0);
	assert_int_equal(a.len, b.len);
	assert_memory_equal(a.buf, b.buf, a.len);
	/* and a kept one does change it */
	strbuf_reset(&b);
	p.cube.count[0] = 31;
	assert_int_equal(chart_render(&p, &o, CHART_PNG, &b, &err), 0);
	assert_true(a.len != b.len || memcmp(a.buf, b.buf, a.len));
	disclosure_table_release(&p);
	stats_table_release(&t);
	strbuf_release(&a);
	strbuf_release(&b);
}

/* ---- shaping and direction of the chart text ---- */

/* Ink of text drawn by chart_text_layout on a white image, as 0/1 pixels. */
static unsigned char *ink(const char *text, enum vocab_lang lang, int *w, int *h, const char *png_name)
{
	cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, 600, 160);
	cairo_t *cr = cairo_create(s);
	PangoContext *pc = chart_pango_context(cr, lang);
	PangoLayout *l = chart_text_layout(pc, text, 60, 0);
	unsigned char *bits, *data;
	int stride;
	cairo_set_source_rgb(cr, 1, 1, 1);
	cairo_paint(cr);
	cairo_set_source_rgb(cr, 0, 0, 0);
	cairo_move_to(cr, 20, 20);
	pango_cairo_show_layout(cr, l);
	cairo_surface_flush(s);
	*w = cairo_image_surface_get_width(s);
	*h = cairo_image_surface_get_height(s);
	stride = cairo_image_surface_get_stride(s);
	data = cairo_image_surface_get_data(s);
	bits = calloc((size_t)*w * (size_t)*h, 1);
	for (int y = 0; y < *h; y++)
		for (int x = 0; x < *w; x++) {
			uint32_t px = *(uint32_t *)(data + y * stride + x * 4);
			bits[y * *w + x] = (px & 0xff) < 128; /* dark blue channel: ink */
		}
	if (png_name) {
		char path[4200];
		snprintf(path, sizeof(path), "%s/%s", artifacts, png_name);
		assert_int_equal(cairo_surface_write_to_png(s, path), CAIRO_STATUS_SUCCESS);
	}
	g_object_unref(l);
	g_object_unref(pc);
	cairo_destroy(cr);
	cairo_surface_destroy(s);
	return bits;
}

/* 8-connected components of ink, counted with an explicit stack. */
static int components(unsigned char *bits, int w, int h)
{
	int n = 0, *stack = malloc(sizeof(int) * (size_t)w * (size_t)h), top;
	for (int i = 0; i < w * h; i++) {
		if (bits[i] != 1)
			continue;
		n++;
		top = 0;
		stack[top++] = i;
		bits[i] = 2;
		while (top) {
			int p = stack[--top], x = p % w, y = p / w;
			for (int dy = -1; dy <= 1; dy++)
				for (int dx = -1; dx <= 1; dx++) {
					int nx = x + dx, ny = y + dy;
					if (nx < 0 || ny < 0 || nx >= w || ny >= h || bits[ny * w + nx] != 1)
						continue;
					bits[ny * w + nx] = 2;
					stack[top++] = ny * w + nx;
				}
		}
	}
	free(stack);
	return n;
}

static void test_arabic_is_shaped(void **state)
{
	/* "سنة" (year) and "الضحايا" (the victims); the same letters with a zero
	 * width non-joiner between each pair cannot join */
	static const char *const words[][2] = {
		{ "سنة", "س\u200cن\u200cة" },
		{ "الضحايا", "ا\u200cل\u200cض\u200cح\u200cا\u200cي\u200cا" },
	};
	(void)state;
	for (size_t k = 0; k < 2; k++) {
		int w, h, joined, apart;
		unsigned char *b = ink(words[k][0], VOCAB_AR, &w, &h, k ? "shaped-joined-ar.png" : NULL);
		joined = components(b, w, h);
		free(b);
		b = ink(words[k][1], VOCAB_AR, &w, &h, k ? "shaped-apart-ar.png" : NULL);
		apart = components(b, w, h);
		free(b);
		assert_true(joined > 0);
		if (joined >= apart)
			fprintf(stderr, "%s: %d components joined, %d apart\n", words[k][0], joined, apart);
		assert_true(joined < apart);
	}
}

static void test_arabic_runs_right_to_left(void **state)
{
	cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, 10, 10);
	cairo_t *cr = cairo_create(s);
	PangoContext *pc = chart_pango_context(cr, VOCAB_AR);
	/* a label with a Latin part too: the paragraph still starts at the right */
	const char *text = "الضحايا حسب السنة (IT)";
	PangoLayout *l = chart_text_layout(pc, text, 12, 0);
	PangoRectangle first, last, ar_last;
	int last_index = (int)strlen(text) - 1; /* ")" */
	(void)state;
	pango_layout_index_to_pos(l, 0, &first);
	pango_layout_index_to_pos(l, last_index, &last);
	pango_layout_index_to_pos(l, (int)strlen("الضحايا حسب السنة") - 2, &ar_last);
	assert_true(first.x > last.x);
	assert_true(first.x > ar_last.x);
	g_object_unref(l);
	g_object_unref(pc);
	/* and English runs left to right */
	pc = chart_pango_context(cr, VOCAB_EN);
	l = chart_text_layout(pc, "Victims by year", 12, 0);
	pango_layout_index_to_pos(l, 0, &first);
	pango_layout_index_to_pos(l, 14, &last);
	assert_true(first.x < last.x);
	g_object_unref(l);
	g_object_unref(pc);
	cairo_destroy(cr);
	cairo_surface_destroy(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bars_render),
		cmocka_unit_test(test_lines_render),
		cmocka_unit_test(test_flow_render),
		cmocka_unit_test(test_bars_one_column),
		cmocka_unit_test(test_suppressed_cell_not_drawn),
		cmocka_unit_test(test_empty_table),
		cmocka_unit_test(test_bad_shapes_refused),
		cmocka_unit_test(test_too_many_categories),
		cmocka_unit_test(test_arabic_is_shaped),
		cmocka_unit_test(test_arabic_runs_right_to_left),
	};
	const char *dir = getenv("ARTIFACTS_DIR");
	snprintf(artifacts, sizeof(artifacts), "%s/charts", dir && *dir ? dir : "tests/artifacts");
	mkdir_p(artifacts);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
