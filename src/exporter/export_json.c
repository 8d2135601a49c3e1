/*
 * exporter/export_json.c: the Sanad JSON export (format "sanad-cases",
 * version 1; see exporter.h) — what import_read_json reads back.  The
 * document is written piece by piece: one json_t per organisation and per
 * case, each dumped on its own line, never one tree of the whole export.
 */
#include "exporter/exporter_internal.h"

#include <stdlib.h>
#include <string.h>

json_t *export_value_json(const struct field_def *f, const char *v)
{
	switch (f->kind) {
	case FK_INT:
		return json_integer(strtoll(v, NULL, 10));
	case FK_BOOL:
		return json_boolean(!strcmp(v, "true"));
	case FK_MULTI: {
		json_t *a = json_array();
		for (const char *p = v; *p;) {
			size_t n = strcspn(p, ";");
			if (n)
				json_array_append_new(a, json_stringn(p, n));
			p += n;
			if (*p)
				p++;
		}
		return a;
	}
	default:
		return json_string(v);
	}
}

static void add_fields(json_t *obj, enum group_id g, const struct record *r, int no_identity)
{
	const struct group_def *gd = domain_group(g);
	for (int i = 0; i < gd->nfields; i++) {
		const struct field_def *f = &gd->fields[i];
		if (r->value[i] && export_field_included(f, no_identity))
			json_object_set_new(obj, f->name, export_value_json(f, r->value[i]));
	}
}

json_t *export_case_json(const struct case_record *c, int no_identity)
{
	json_t *obj = json_object();
	add_fields(obj, GROUP_CASE, &c->main, no_identity);
	for (int g = 1; g < GROUP_COUNT; g++) {
		json_t *items;
		if (!c->child[g].count)
			continue;
		items = json_array();
		for (size_t k = 0; k < c->child[g].count; k++) {
			json_t *item = json_object();
			add_fields(item, (enum group_id)g, &c->child[g].items[k], no_identity);
			json_array_append_new(items, item);
		}
		json_object_set_new(obj, domain_group((enum group_id)g)->name, items);
	}
	return obj;
}

/* Dump v compactly (keys in insertion order, UTF-8 kept) after prefix. */
static int write_value(FILE *out, const char *prefix, json_t *v, struct sanad_error *err)
{
	char *text = json_dumps(v, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_ENCODE_ANY);
	int rc;
	if (!text)
		return sanad_error_set(err, SANAD_EINVAL, "could not encode a value as JSON");
	rc = export_write(out, prefix, strlen(prefix), err);
	if (!rc)
		rc = export_write(out, text, strlen(text), err);
	free(text);
	return rc;
}

struct json_writer {
	FILE *out;
	int no_identity;
	long written;
	struct sanad_error *err;
	int rc;
};

static int write_case(const struct case_record *c, void *ctx)
{
	struct json_writer *w = ctx;
	json_t *obj = export_case_json(c, w->no_identity);
	w->rc = write_value(w->out, w->written++ ? ",\n" : "\n", obj, w->err);
	json_decref(obj);
	return w->rc ? 1 : 0;
}

static json_t *organisation_json(const struct organisation *o)
{
	json_t *obj = json_object();
	json_object_set_new(obj, "code", json_string(o->code));
	json_object_set_new(obj, "name", json_string(o->name));
	if (o->name_ar)
		json_object_set_new(obj, "name_ar", json_string(o->name_ar));
	if (o->org_type)
		json_object_set_new(obj, "org_type", json_string(o->org_type));
	if (o->country)
		json_object_set_new(obj, "country", json_string(o->country));
	json_object_set_new(obj, "in_pool", json_boolean(o->in_pool));
	json_object_set_new(obj, "own_cases_only", json_boolean(o->own_cases_only));
	return obj;
}

/* The organisations that own at least one exported case, by code.  Listing
 * only those keeps a round trip exact: the new database's own first
 * organisation does not show up in its export unless it owns cases. */
static int write_organisations(struct storage *st, const struct export_options *opt, FILE *out,
			       struct sanad_error *err)
{
	struct organisation *orgs = NULL;
	size_t n = 0;
	long written = 0;
	int rc;

	if ((rc = storage_org_list(st, &orgs, &n, err)))
		return rc;
	for (size_t i = 0; i < n && !rc; i++) {
		struct case_query q = { .org_code = orgs[i].code };
		int64_t count = 0;
		json_t *obj;
		if (opt->org_code && strcmp(opt->org_code, orgs[i].code))
			continue;
		if ((rc = storage_case_count(st, &q, &count, err)) || !count)
			continue;
		obj = organisation_json(&orgs[i]);
		rc = write_value(out, written++ ? ",\n" : "\n", obj, err);
		json_decref(obj);
	}
	for (size_t i = 0; i < n; i++)
		organisation_release(&orgs[i]);
	free(orgs);
	return rc;
}

int export_write_json(struct storage *st, const struct export_options *opt, FILE *out,
		      struct sanad_error *err)
{
	static const char head[] = "{\"format\":\"sanad-cases\",\"version\":1,\n\"organisations\":[";
	static const char middle[] = "\n],\n\"cases\":[";
	static const char tail[] = "\n]}\n";
	struct json_writer w = { .out = out, .no_identity = opt->no_identity, .err = err };
	struct case_query q = { .org_code = opt->org_code, .with_children = 1 };
	int rc;

	if ((rc = export_write(out, head, sizeof(head) - 1, err)) ||
	    (rc = write_organisations(st, opt, out, err)) ||
	    (rc = export_write(out, middle, sizeof(middle) - 1, err)))
		return rc;
	rc = storage_case_each(st, &q, write_case, &w, err);
	if (w.rc)
		return w.rc;
	if (rc)
		return rc;
	return export_write(out, tail, sizeof(tail) - 1, err);
}
