/*
 * assess/output.c: the JSON output of the assessment (one object per input
 * record, in input order) and assess_run, which chains parse, evaluate and
 * format for `sanad assess` and the API.
 */
#include "assess/assess.h"

#include <stdlib.h>

json_t *assess_result_json(const struct assess_record *record, const struct assess_result *result)
{
	static const char *const letters[] = { "a", "b", "c" };
	json_t *o = json_object();
	json_t *criteria = json_array(), *sanctions = json_array(), *reasons = json_array();

	for (int i = 0; i < 3; i++)
		if (result->watch_list_criteria & (1u << i))
			json_array_append_new(criteria, json_string(letters[i]));
	for (int i = 0; i < ASSESS_SANCTION_COUNT; i++)
		if (result->sanctions & (1u << i))
			json_array_append_new(sanctions,
					      json_string(assess_sanction_code((enum assess_sanction)i)));
	for (int i = 0; i < result->nreasons; i++)
		json_array_append_new(reasons, json_string(result->reasons[i]));

	/* jansson keeps insertion order, which is the documented key order. */
	json_object_set_new(o, "country", json_string(record->country));
	json_object_set_new(o, "year", json_integer(record->year));
	json_object_set_new(o, "tier", json_string(assess_tier_name(result->tier)));
	json_object_set_new(o, "watch_list_criteria", criteria);
	json_object_set_new(o, "downgraded_after_two_watch_list_years",
			    json_boolean(result->downgraded_after_two_watch_list_years));
	json_object_set_new(o, "sanctions", sanctions);
	json_object_set_new(o, "reasons", reasons);
	return o;
}

int assess_run(json_t *input, json_t **output, struct sanad_error *err)
{
	struct assess_settings settings;
	struct assess_record *records;
	struct assess_result *results;
	int n, rc;
	json_t *out;

	*output = NULL;
	if ((rc = assess_parse(input, &settings, &records, &n, err)))
		return rc;
	results = xcalloc((size_t)n + 1, sizeof(*results));
	if ((rc = assess_evaluate(&settings, records, n, results, err))) {
		free(results);
		assess_records_free(records, n);
		return rc;
	}
	out = json_array();
	for (int i = 0; i < n; i++) {
		json_array_append_new(out, assess_result_json(&records[i], &results[i]));
		assess_result_release(&results[i]);
	}
	free(results);
	assess_records_free(records, n);
	*output = out;
	return 0;
}
