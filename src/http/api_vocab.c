/* http/api_vocab.c: the picklists with their English and Arabic labels, so
 * the interface shows codes in the user's language. */
#include "http/http_internal.h"

void api_vocab_list(struct http_ctx *c)
{
	int n;
	const struct vocab_list *lists = vocab_lists(&n);
	json_t *a = json_array(), *o = json_object();
	for (int i = 0; i < n; i++) {
		json_t *l = json_object();
		json_object_set_new(l, "name", json_string(lists[i].name));
		json_object_set_new(l, "count", json_integer(lists[i].count));
		json_array_append_new(a, l);
	}
	json_object_set_new(o, "lists", a);
	reply_json(c, 200, o);
}

void api_vocab_get(struct http_ctx *c)
{
	const char *name = http_param(c, "list");
	const struct vocab_list *l = vocab_list_find(name);
	json_t *values, *o;
	if (!l) {
		reply_error(c, 404, "not_found", "no picklist called '%.60s' (GET /api/v1/vocab lists them)", name);
		return;
	}
	values = json_array();
	for (int i = 0; i < l->count; i++) {
		json_t *v = json_object();
		json_object_set_new(v, "code", json_string(l->entries[i].code));
		json_object_set_new(v, "en", json_string(l->entries[i].label[VOCAB_EN]));
		json_object_set_new(v, "ar", json_string(l->entries[i].label[VOCAB_AR]));
		json_array_append_new(values, v);
	}
	o = json_object();
	json_object_set_new(o, "list", json_string(l->name));
	json_object_set_new(o, "values", values);
	reply_json(c, 200, o);
}
