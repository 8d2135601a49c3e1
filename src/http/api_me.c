/* http/api_me.c: the caller's own account — who am I and what may I do,
 * password change, interface language. */
#include "http/http_internal.h"

#include <string.h>

void api_me_get(struct http_ctx *c)
{
	json_t *o = user_json(&c->user), *perms = json_array();
	json_object_set_new(o, "org_type", c->user.org_type ? json_string(c->user.org_type) : json_null());
	json_object_set_new(o, "own_cases_only", json_boolean(c->user.own_cases_only));
	/* what the interface should offer: the role's actions */
	for (int a = 0; a < ACT_COUNT; a++)
		if (policy_allows(c->user.role, (enum policy_action)a))
			json_array_append_new(perms, json_string(policy_action_name((enum policy_action)a)));
	json_object_set_new(o, "permissions", perms);
	json_object_set_new(o, "via", json_string(c->via_cookie ? "session" : "bearer"));
	/* a reloaded page has the cookie but no longer the token: it asks here
	 * (same-origin only: no other site can read this answer) */
	if (c->csrf)
		json_object_set_new(o, "csrf_token", json_string(c->csrf));
	reply_json(c, 200, o);
}

void api_me_password(struct http_ctx *c)
{
	static const char *const keys[] = { "old_password", "new_password", NULL };
	struct sanad_error err = { 0 };
	const char *old, *new_pw = NULL;
	int bad = 0;
	json_t *o;

	if (body_only(c, keys))
		return;
	old = body_string(c, "old_password", 1, &bad);
	if (!bad)
		new_pw = body_string(c, "new_password", 1, &bad);
	if (bad)
		return;
	if (auth_password_change(c->st, c->user.username, old, new_pw, c->session_id, &err)) {
		reply_sanad_error(c, &err);
		return;
	}
	audit_as_caller(c, AUDIT_PASSWORD, NULL, "own password; other sessions ended", NULL);
	o = json_object();
	json_object_set_new(o, "changed", json_true());
	reply_json(c, 200, o);
}

void api_me_language(struct http_ctx *c)
{
	static const char *const keys[] = { "language", NULL };
	struct sanad_error err = { 0 };
	const char *lang;
	int bad = 0;
	json_t *o;

	if (body_only(c, keys))
		return;
	lang = body_string(c, "language", 1, &bad);
	if (bad)
		return;
	if (strcmp(lang, "en") && strcmp(lang, "ar")) {
		reply_error(c, 400, "invalid", "language: '%.20s' is not 'en' or 'ar'", lang);
		return;
	}
	if (auth_user_set_language(c->st, c->user.username, lang, &err)) {
		reply_sanad_error(c, &err);
		return;
	}
	o = json_object();
	json_object_set_new(o, "language", json_string(lang));
	reply_json(c, 200, o);
}
