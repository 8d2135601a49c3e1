/*
 * http/api_organisations.c: the organisations of the deployment.  Every
 * signed-in user may list them (to pick a referral's receiver, to show
 * names); a system administrator adds them; an organisation's own
 * administrator decides whether its cases join the national statistics
 * pool and whether its caseworkers see only their own cases (DOMAIN.md §5).
 */
#include "http/http_internal.h"

#include <stdlib.h>
#include <string.h>

static json_t *org_json(const struct organisation *o)
{
	json_t *j = json_object();
	json_object_set_new(j, "code", json_string(o->code));
	json_object_set_new(j, "name", json_string(o->name));
	json_object_set_new(j, "name_ar", o->name_ar ? json_string(o->name_ar) : json_null());
	json_object_set_new(j, "org_type", o->org_type ? json_string(o->org_type) : json_null());
	json_object_set_new(j, "country", o->country ? json_string(o->country) : json_null());
	json_object_set_new(j, "in_pool", json_boolean(o->in_pool));
	json_object_set_new(j, "own_cases_only", json_boolean(o->own_cases_only));
	return j;
}

void api_organisations_list(struct http_ctx *c)
{
	struct sanad_error err = { 0 };
	struct organisation *list;
	size_t n;
	json_t *a, *o;
	if (storage_org_list(c->st, &list, &n, &err)) {
		reply_sanad_error(c, &err);
		return;
	}
	a = json_array();
	for (size_t i = 0; i < n; i++) {
		json_array_append_new(a, org_json(&list[i]));
		organisation_release(&list[i]);
	}
	free(list);
	o = json_object();
	json_object_set_new(o, "organisations", a);
	reply_json(c, 200, o);
}

/* A boolean key of the body into *out; 0 when absent; -1 after a reply. */
static int body_bool(struct http_ctx *c, const char *key, int *out)
{
	json_t *v = json_object_get(c->req->json, key);
	if (!v)
		return 0;
	if (!json_is_boolean(v)) {
		reply_error(c, 400, "invalid", "'%s' takes true or false", key);
		return -1;
	}
	*out = json_is_true(v);
	return 0;
}

void api_organisations_create(struct http_ctx *c)
{
	static const char *const keys[] = { "code", "name", "name_ar", "org_type", "country", "in_pool",
					    "own_cases_only", NULL };
	struct organisation o = { 0 };
	struct sanad_error err = { 0 };
	const char *code = NULL, *name = NULL, *name_ar = NULL, *type = NULL, *country = NULL;
	char detail[120];
	int bad = 0;

	if (body_only(c, keys))
		return;
	code = body_string(c, "code", 1, &bad);
	if (!bad)
		name = body_string(c, "name", 1, &bad);
	if (!bad)
		name_ar = body_string(c, "name_ar", 0, &bad);
	if (!bad)
		type = body_string(c, "org_type", 0, &bad);
	if (!bad)
		country = body_string(c, "country", 0, &bad);
	if (bad || body_bool(c, "in_pool", &o.in_pool) || body_bool(c, "own_cases_only", &o.own_cases_only))
		return;
	o.code = (char *)code;
	o.name = (char *)name;
	o.name_ar = (char *)name_ar;
	o.org_type = (char *)type;
	o.country = (char *)country;
	if (storage_org_add(c->st, &o, &err)) {
		reply_sanad_error(c, &err);
		return;
	}
	snprintf(detail, sizeof(detail), "organisation %.64s created", code);
	audit_as_caller(c, AUDIT_USER_ADMIN, NULL, detail, NULL);
	reply_json(c, 201, org_json(&o));
}

void api_organisations_update(struct http_ctx *c)
{
	static const char *const keys[] = { "name", "name_ar", "in_pool", "own_cases_only", NULL };
	const char *code = http_param(c, "code");
	struct organisation o;
	struct sanad_error err = { 0 };
	const char *name = NULL, *name_ar = NULL;
	char detail[200];
	int bad = 0;

	if (body_only(c, keys))
		return;
	if (!policy_allows(c->user.role, ACT_ORG_ADMIN) && (!c->user.org_code || strcmp(code, c->user.org_code))) {
		reply_error(c, 403, "forbidden", "you administer the organisation %s only",
			    c->user.org_code ? c->user.org_code : "(none)");
		return;
	}
	if (storage_org_get(c->st, code, &o, &err)) {
		reply_sanad_error(c, &err);
		return;
	}
	name = body_string(c, "name", 0, &bad);
	if (!bad)
		name_ar = body_string(c, "name_ar", 0, &bad);
	if (bad || body_bool(c, "in_pool", &o.in_pool) || body_bool(c, "own_cases_only", &o.own_cases_only)) {
		organisation_release(&o);
		return;
	}
	if (name) {
		free(o.name);
		o.name = xstrdup(name);
	}
	if (name_ar) {
		free(o.name_ar);
		o.name_ar = xstrdup(name_ar);
	}
	if (storage_org_update(c->st, &o, &err)) {
		organisation_release(&o);
		reply_sanad_error(c, &err);
		return;
	}
	snprintf(detail, sizeof(detail), "organisation %.64s: in_pool=%d own_cases_only=%d", code, o.in_pool,
		 o.own_cases_only);
	audit_as_caller(c, AUDIT_USER_ADMIN, NULL, detail, NULL);
	reply_json(c, 200, org_json(&o));
	organisation_release(&o);
}
