/* charts/charts.c: placeholder until the chart renderer lands (issue 5). */
#include "charts/charts.h"

#include <string.h>

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

int chart_render(const struct disclosure_table *p, const struct chart_options *o,
		 enum chart_format format, struct strbuf *out, struct sanad_error *err)
{
	(void)p, (void)o, (void)format, (void)out;
	return sanad_error_set(err, SANAD_EINVAL, "charts are not built yet");
}

int chart_draw(cairo_t *cr, double x, double y, double w, double h, const struct disclosure_table *p,
	       const struct chart_options *o, struct sanad_error *err)
{
	(void)cr, (void)x, (void)y, (void)w, (void)h, (void)p, (void)o;
	return sanad_error_set(err, SANAD_EINVAL, "charts are not built yet");
}
