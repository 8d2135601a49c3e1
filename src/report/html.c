/*
 * report/html.c: the report as one self-contained HTML page — inline
 * style, no scripts, fonts or images from elsewhere — so it can be saved,
 * mailed or served as it is.  Arabic pages declare lang="ar" dir="rtl"
 * and the browser lays them out right to left.  Every piece of text is
 * escaped: the analyst's prose and the law names are input.
 */
#include "report/report_internal.h"

#include <stdlib.h>
#include <string.h>

static void esc(struct strbuf *out, const char *s)
{
	for (; s && *s; s++) {
		switch (*s) {
		case '&': strbuf_addstr(out, "&amp;"); break;
		case '<': strbuf_addstr(out, "&lt;"); break;
		case '>': strbuf_addstr(out, "&gt;"); break;
		case '"': strbuf_addstr(out, "&quot;"); break;
		case '\'': strbuf_addstr(out, "&#39;"); break;
		default: strbuf_addch(out, *s);
		}
	}
}

/* Paragraphs keep the analyst's line breaks. */
static void esc_lines(struct strbuf *out, const char *s)
{
	for (const char *p = s; p && *p;) {
		size_t n = strcspn(p, "\n");
		char *line = xstrndup(p, n);
		esc(out, line);
		free(line);
		p += n;
		if (*p) {
			strbuf_addstr(out, "<br>");
			p++;
		}
	}
}

static const char style[] =
	"body{font-family:'Noto Sans','Noto Sans Arabic','Noto Naskh Arabic','DejaVu Sans',Arial,sans-serif;max-width:60em;"
	"margin:2em auto;padding:0 1em;line-height:1.5;color:#222}"
	"h1{font-size:1.6em;margin-bottom:.2em}h2{font-size:1.35em;border-bottom:2px solid #456;margin-top:2em}"
	"h3{font-size:1.1em;margin-top:1.4em;color:#345}.sub{color:#555;margin:.1em 0}"
	".note{font-size:.9em;color:#555}table{border-collapse:collapse;margin:.6em 0}"
	"th,td{border:1px solid #bbb;padding:.25em .6em;text-align:start;vertical-align:top}"
	"th{background:#eef2f5}ul{margin:.3em 0}"
	"@media print{h2{page-break-before:always}}";

void report_html(const struct report *r, enum vocab_lang lang, struct strbuf *out)
{
	struct doc d;
	int in_list = 0;

	report_doc(r, lang, &d);
	strbuf_addf(out, "<!DOCTYPE html>\n<html lang=\"%s\" dir=\"%s\">\n<head>\n<meta charset=\"utf-8\">\n",
		    lang == VOCAB_AR ? "ar" : "en", lang == VOCAB_AR ? "rtl" : "ltr");
	strbuf_addstr(out, "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>");
	esc(out, d.title);
	strbuf_addf(out, "</title>\n<style>%s</style>\n</head>\n<body>\n", style);
	for (size_t i = 0; i < d.nblocks; i++) {
		const struct block *b = &d.blocks[i];
		if (in_list && b->kind != BLOCK_ITEM) {
			strbuf_addstr(out, "</ul>\n");
			in_list = 0;
		}
		switch (b->kind) {
		case BLOCK_TITLE:
			strbuf_addstr(out, "<h1>");
			esc(out, b->text);
			strbuf_addstr(out, "</h1>\n");
			break;
		case BLOCK_SUBTITLE:
			strbuf_addstr(out, "<p class=\"sub\">");
			esc(out, b->text);
			strbuf_addstr(out, "</p>\n");
			break;
		case BLOCK_COUNTRY:
			strbuf_addstr(out, "<h2");
			if (b->anchor) {
				strbuf_addstr(out, " id=\"");
				esc(out, b->anchor);
				strbuf_addch(out, '"');
			}
			strbuf_addch(out, '>');
			esc(out, b->text);
			strbuf_addstr(out, "</h2>\n");
			break;
		case BLOCK_HEADING:
			strbuf_addstr(out, "<h3>");
			esc(out, b->text);
			strbuf_addstr(out, "</h3>\n");
			break;
		case BLOCK_PARAGRAPH:
			strbuf_addstr(out, "<p>");
			esc_lines(out, b->text);
			strbuf_addstr(out, "</p>\n");
			break;
		case BLOCK_NOTE:
			strbuf_addstr(out, "<p class=\"note\">");
			esc_lines(out, b->text);
			strbuf_addstr(out, "</p>\n");
			break;
		case BLOCK_ITEM:
			if (!in_list) {
				strbuf_addstr(out, "<ul>\n");
				in_list = 1;
			}
			strbuf_addstr(out, "<li>");
			esc_lines(out, b->text);
			strbuf_addstr(out, "</li>\n");
			break;
		case BLOCK_TABLE:
			strbuf_addstr(out, "<table>\n");
			for (int row = 0; row < b->nrows; row++) {
				strbuf_addstr(out, "<tr>");
				for (int col = 0; col < b->ncols; col++) {
					strbuf_addstr(out, row ? "<td>" : "<th>");
					esc(out, b->cells[row * b->ncols + col]);
					strbuf_addstr(out, row ? "</td>" : "</th>");
				}
				strbuf_addstr(out, "</tr>\n");
			}
			strbuf_addstr(out, "</table>\n");
			break;
		}
	}
	if (in_list)
		strbuf_addstr(out, "</ul>\n");
	strbuf_addstr(out, "</body>\n</html>\n");
	doc_release(&d);
}
