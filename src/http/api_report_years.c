/*
 * http/api_report_years.c: GET /api/v1/reports — the report years for which
 * a finding of the national response is recorded, so that the web
 * interface offers the years that have a report (and opens the latest)
 * instead of guessing the current year, which usually has none yet.
 * Nothing here is personal data; it needs the statistics permission like
 * the report itself.
 */
#include "http/http_internal.h"

#include <stdlib.h>

#define FIRST_YEAR 2001
#define LAST_YEAR 2100

static int year_desc(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;
	return (x < y) - (x > y);
}

void api_reports_years(struct http_ctx *c)
{
	struct response_rows rows;
	struct sanad_error err = { 0 };
	int *years;
	size_t n = 0;
	json_t *o, *arr;

	if (storage_response_load(c->st, NULL, FIRST_YEAR, LAST_YEAR, &rows, &err)) {
		reply_sanad_error(c, &err);
		return;
	}
	years = xcalloc(rows.nfindings + 1, sizeof(*years));
	for (size_t i = 0; i < rows.nfindings; i++)
		years[n++] = rows.findings[i].year;
	qsort(years, n, sizeof(*years), year_desc);
	arr = json_array();
	for (size_t i = 0; i < n; i++)
		if (!i || years[i] != years[i - 1])
			json_array_append_new(arr, json_integer(years[i]));
	o = json_object();
	json_object_set_new(o, "latest", n ? json_integer(years[0]) : json_null());
	json_object_set_new(o, "years", arr);
	free(years);
	response_rows_release(&rows);
	reply_json(c, 200, o);
}
