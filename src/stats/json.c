/*
 * stats/json.c: a computed table as JSON, the form the HTTP API serves and
 * `sanad stats --format json` prints, so both front ends say the same thing.
 */
#include "stats/stats.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static json_t *value_json(const struct stats_column *col, const struct stats_value *v)
{
	int64_t n;
	if (!v->code)
		return json_null();
	if (col->dim->kind == STATS_DIM_NUMBER && !parse_int64(v->code, INT64_MIN, INT64_MAX, &n))
		return json_integer((json_int_t)n);
	return json_string(v->code);
}

json_t *stats_table_json(const struct stats_table *t, int labels, enum vocab_lang lang)
{
	json_t *root = json_object(), *dims = json_array(), *rows = json_array(), *notes = json_array();

	for (int c = 0; c < t->ncolumns; c++)
		json_array_append_new(dims, json_string(t->columns[c].name));
	json_object_set_new(root, "dimensions", dims);
	json_object_set_new(root, "year", t->year ? json_integer(t->year) : json_null());
	json_object_set_new(root, "total_victims", json_integer((json_int_t)t->total_victims));
	if (t->note[lang])
		json_array_append_new(notes, json_string(t->note[lang]));
	json_object_set_new(root, "notes", notes);
	for (size_t r = 0; r < t->nrows; r++) {
		json_t *row = json_object();
		for (int c = 0; c < t->ncolumns; c++) {
			const struct stats_column *col = &t->columns[c];
			const struct stats_value *v = &col->values[t->rows[r].value[c]];
			json_object_set_new(row, col->name, value_json(col, v));
			if (labels) {
				char key[128];
				snprintf(key, sizeof(key), "%s_label", col->name);
				json_object_set_new(row, key, json_string(v->label[lang]));
			}
		}
		json_object_set_new(row, "count", json_integer((json_int_t)t->rows[r].count));
		json_array_append_new(rows, row);
	}
	json_object_set_new(root, "rows", rows);
	return root;
}
