/*
 * http/api_ui_extras.c: two read-only answers the web interface needs and
 * the rest of the API does not give.
 *
 * GET /api/v1/session gives a signed-in page its session's CSRF token again:
 * the token comes once, in the login answer, and a reloaded page or a case
 * opened in a new tab would otherwise have to sign in again before it could
 * change anything.  Only same-origin script can read the answer (the cookie
 * is SameSite=Strict and no CORS header is ever sent), which is exactly who
 * receives the token at login.
 *
 * GET /api/v1/fields gives the field registry (src/domain/fields.c) so that
 * the interface builds its forms from the registry itself — kinds, picklists,
 * limits, and which fields identify a person — rather than from a copy that
 * would drift from it.
 *
 * GET /api/v1/team gives a supervisor the colleagues a case may be handed
 * over to (the handover route names one) and whose caseloads they may open
 * (GET /api/v1/caseload?owner=NAME): the active caseworkers and supervisors
 * of their organisation.  Account administration (GET /api/v1/users) is
 * not the supervisor's, and shows more than a handover needs.
 */
#include "http/http_internal.h"

#include <stdlib.h>
#include <string.h>

void api_ui_session_get(struct http_ctx *c)
{
	struct auth_user user = { 0 };
	struct sanad_error err = { 0 };
	char *csrf = NULL;
	json_t *o = json_object();

	json_object_set_new(o, "user", user_json(&c->user));
	if (c->via_cookie && c->session_id) {
		/* the gate has just checked this session, so this only reads its token */
		if (auth_session_check(c->st, c->session_id, c->now, &user, &csrf, &err)) {
			json_decref(o);
			reply_error(c, 401, "unauthenticated", "the session has ended: sign in again");
			return;
		}
		auth_user_release(&user);
	}
	json_object_set_new(o, "csrf_token", csrf ? json_string(csrf) : json_null());
	json_object_set_new(o, "via", json_string(c->via_cookie ? "session" : "bearer"));
	free(csrf);
	reply_json(c, 200, o);
}

static const char *kind_name(enum field_kind k)
{
	switch (k) {
	case FK_TEXT: return "text";
	case FK_LONGTEXT: return "longtext";
	case FK_INT: return "int";
	case FK_REAL: return "real";
	case FK_DATE: return "date";
	case FK_BOOL: return "bool";
	case FK_PICK: return "pick";
	case FK_MULTI: return "multi";
	}
	return "text";
}

static json_t *field_json(const struct field_def *f)
{
	json_t *o = json_object();
	json_object_set_new(o, "name", json_string(f->name));
	json_object_set_new(o, "kind", json_string(kind_name(f->kind)));
	if (f->list && (f->kind == FK_PICK || f->kind == FK_MULTI))
		json_object_set_new(o, "list", json_string(f->list));
	if (f->kind == FK_INT) {
		json_object_set_new(o, "min", json_integer(f->min));
		json_object_set_new(o, "max", json_integer(f->max));
	} else if (f->kind == FK_TEXT || f->kind == FK_LONGTEXT) {
		json_object_set_new(o, "max_length", json_integer(f->max));
	}
	json_object_set_new(o, "identity", json_boolean(f->flags & FF_IDENTITY));
	json_object_set_new(o, "narrative", json_boolean(f->flags & FF_NARRATIVE));
	json_object_set_new(o, "required", json_boolean(f->flags & FF_REQUIRED));
	json_object_set_new(o, "system", json_boolean(f->flags & FF_SYSTEM));
	return o;
}

void api_ui_fields_get(struct http_ctx *c)
{
	json_t *groups = json_array(), *o = json_object();
	for (int g = 0; g < GROUP_COUNT; g++) {
		const struct group_def *gd = domain_group((enum group_id)g);
		json_t *go = json_object(), *fields = json_array();
		json_object_set_new(go, "name", json_string(gd->name));
		json_object_set_new(go, "max_items", json_integer(gd->max_items));
		json_object_set_new(go, "support_data", json_boolean(gd->support_data));
		for (int i = 0; i < gd->nfields; i++)
			json_array_append_new(fields, field_json(&gd->fields[i]));
		json_object_set_new(go, "fields", fields);
		json_array_append_new(groups, go);
	}
	json_object_set_new(o, "groups", groups);
	reply_json(c, 200, o);
}

void api_ui_team_get(struct http_ctx *c)
{
	struct sanad_error err = { 0 };
	struct auth_user *list = NULL;
	size_t n = 0;
	json_t *members, *o;

	if (!c->user.org_code) {
		reply_error(c, 403, "forbidden", "the account belongs to no organisation");
		return;
	}
	if (auth_user_list(c->st, c->user.org_code, &list, &n, &err)) {
		reply_sanad_error(c, &err);
		return;
	}
	members = json_array();
	for (size_t i = 0; i < n; i++) {
		const struct auth_user *u = &list[i];
		if (!u->disabled && (u->role == ROLE_CASEWORKER || u->role == ROLE_SUPERVISOR)) {
			json_t *m = json_object();
			json_object_set_new(m, "username", json_string(u->username));
			json_object_set_new(m, "display_name", u->display_name ? json_string(u->display_name) : json_null());
			json_object_set_new(m, "role", json_string(role_name(u->role)));
			json_array_append_new(members, m);
		}
		auth_user_release(&list[i]);
	}
	free(list);
	o = json_object();
	json_object_set_new(o, "organisation", json_string(c->user.org_code));
	json_object_set_new(o, "members", members);
	reply_json(c, 200, o);
}
