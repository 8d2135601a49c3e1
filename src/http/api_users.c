/*
 * http/api_users.c: account administration.  A system administrator
 * manages every account; an organisation administrator only the accounts
 * of their own organisation, and cannot create deployment-wide roles.
 * Accounts of other organisations do not exist for an organisation
 * administrator (404), as cases of other organisations do not exist for a
 * caseworker.
 */
#include "http/http_internal.h"

#include <stdlib.h>
#include <string.h>

static int admin_all(const struct http_ctx *c)
{
	return policy_allows(c->user.role, ACT_USER_ADMIN_ALL);
}

void api_users_list(struct http_ctx *c)
{
	struct sanad_error err = { 0 };
	struct auth_user *list = NULL;
	size_t n = 0;
	const char *org = http_query(c->req, "org");
	json_t *a, *o;

	if (!admin_all(c))
		org = c->user.org_code;
	if (auth_user_list(c->st, org, &list, &n, &err)) {
		reply_sanad_error(c, &err);
		return;
	}
	a = json_array();
	for (size_t i = 0; i < n; i++) {
		json_array_append_new(a, user_json(&list[i]));
		auth_user_release(&list[i]);
	}
	free(list);
	o = json_object();
	json_object_set_new(o, "users", a);
	reply_json(c, 200, o);
}

/* May the caller give role r in organisation org? Replies 403 if not. */
static int may_assign(struct http_ctx *c, enum role r, const char *org)
{
	if (admin_all(c))
		return 1;
	if (!role_needs_org(r)) {
		reply_error(c, 403, "forbidden", "only a system administrator may give the role %s", role_name(r));
		return 0;
	}
	if (!org || !c->user.org_code || strcmp(org, c->user.org_code)) {
		reply_error(c, 403, "forbidden", "you administer the accounts of %s only",
			    c->user.org_code ? c->user.org_code : "no organisation");
		return 0;
	}
	return 1;
}

void api_users_create(struct http_ctx *c)
{
	static const char *const keys[] = { "username", "password", "display_name", "role",
					    "organisation", "language", NULL };
	struct auth_new_user nu = { 0 };
	struct auth_user created = { 0 };
	struct sanad_error err = { 0 };
	const char *role_s = NULL, *password = NULL;
	char *generated = NULL, detail[160];
	int bad = 0;
	json_t *o;

	if (body_only(c, keys))
		return;
	nu.username = body_string(c, "username", 1, &bad);
	if (!bad)
		role_s = body_string(c, "role", 1, &bad);
	if (!bad)
		nu.display_name = body_string(c, "display_name", 0, &bad);
	if (!bad)
		nu.org_code = body_string(c, "organisation", 0, &bad);
	if (!bad)
		nu.language = body_string(c, "language", 0, &bad);
	if (!bad)
		password = body_string(c, "password", 0, &bad);
	if (bad)
		return;
	nu.role = role_parse(role_s);
	if (nu.role == ROLE_NONE) {
		reply_error(c, 400, "invalid", "role: '%.40s' is not a role", role_s);
		return;
	}
	if (!nu.org_code && !admin_all(c) && role_needs_org(nu.role))
		nu.org_code = c->user.org_code;
	if (!may_assign(c, nu.role, nu.org_code))
		return;
	if (!password)
		password = generated = auth_password_generate();
	if (auth_user_add(c->st, &nu, password, &err) || auth_user_get(c->st, nu.username, &created, &err)) {
		free(generated);
		reply_sanad_error(c, &err);
		return;
	}
	snprintf(detail, sizeof(detail), "created %.64s role=%s", created.username, role_name(created.role));
	audit_as_caller(c, AUDIT_USER_ADMIN, NULL, detail, NULL);
	o = json_object();
	json_object_set_new(o, "user", user_json(&created));
	if (generated) /* shown once: only its hash is kept */
		json_object_set_new(o, "password", json_string(generated));
	reply_json(c, 201, o);
	free(generated);
	auth_user_release(&created);
}

void api_users_update(struct http_ctx *c)
{
	static const char *const keys[] = { "disabled", "role", "organisation", "reset_password", NULL };
	const char *username = http_param(c, "username");
	struct auth_user target = { 0 }, after = { 0 };
	struct sanad_error err = { 0 };
	json_t *disabled = json_object_get(c->req->json, "disabled");
	json_t *reset = json_object_get(c->req->json, "reset_password");
	const char *role_s = NULL, *org = NULL;
	enum role role = ROLE_NONE;
	char *generated = NULL;
	struct strbuf detail = STRBUF_INIT;
	int bad = 0;
	json_t *o;

	if (body_only(c, keys))
		return;
	role_s = body_string(c, "role", 0, &bad);
	if (!bad)
		org = body_string(c, "organisation", 0, &bad);
	if (bad)
		return;
	if ((disabled && !json_is_boolean(disabled)) || (reset && !json_is_boolean(reset))) {
		reply_error(c, 400, "invalid", "'disabled' and 'reset_password' take true or false");
		return;
	}
	if (auth_user_get(c->st, username, &target, &err)) {
		reply_sanad_error(c, &err);
		return;
	}
	if (!admin_all(c) && (!target.org_code || !c->user.org_code || strcmp(target.org_code, c->user.org_code))) {
		reply_error(c, 404, "not_found", "no account '%.64s'", username);
		goto out;
	}
	if (!strcmp(target.username, c->user.username) && (role_s || (disabled && json_is_true(disabled)))) {
		reply_error(c, 400, "invalid", "you cannot disable or re-role your own account; ask another administrator");
		goto out;
	}
	if (role_s) {
		role = role_parse(role_s);
		if (role == ROLE_NONE) {
			reply_error(c, 400, "invalid", "role: '%.40s' is not a role", role_s);
			goto out;
		}
		if (!may_assign(c, role, org ? org : target.org_code))
			goto out;
	} else if (org) {
		reply_error(c, 400, "invalid", "give the role with the organisation it is for");
		goto out;
	}
	if (role_s && auth_user_set_role(c->st, target.username, role, org, &err))
		goto fail;
	if (role_s)
		strbuf_addf(&detail, "role=%s%s%.64s ", role_name(role), org ? " org=" : "", org ? org : "");
	if (disabled && json_is_boolean(disabled)) {
		if (auth_user_set_disabled(c->st, target.username, json_is_true(disabled), &err))
			goto fail;
		strbuf_addstr(&detail, json_is_true(disabled) ? "disabled " : "enabled ");
	}
	if (reset && json_is_true(reset)) {
		generated = auth_password_generate();
		if (auth_password_set(c->st, target.username, generated, &err))
			goto fail;
		strbuf_addstr(&detail, "password reset ");
	}
	if (auth_user_get(c->st, target.username, &after, &err))
		goto fail;
	{
		struct strbuf d = STRBUF_INIT;
		while (detail.len && detail.buf[detail.len - 1] == ' ')
			detail.buf[--detail.len] = '\0';
		strbuf_addf(&d, "%.64s: %s", target.username, detail.len ? detail.buf : "no change");
		audit_as_caller(c, AUDIT_USER_ADMIN, NULL, d.buf, NULL);
		strbuf_release(&d);
	}
	o = json_object();
	json_object_set_new(o, "user", user_json(&after));
	if (generated)
		json_object_set_new(o, "password", json_string(generated));
	reply_json(c, 200, o);
	auth_user_release(&after);
	goto out;
fail:
	reply_sanad_error(c, &err);
out:
	free(generated);
	strbuf_release(&detail);
	auth_user_release(&target);
}
