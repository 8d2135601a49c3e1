/*
 * http/api_session.c: signing in and out.  The session id travels only in
 * the cookie __Host-sanad_session: HttpOnly (no script reads it), Secure
 * (browsers send it over TLS, and to http://localhost), SameSite=Strict (no
 * other site's page makes the browser send it), Path=/ and no Domain (the
 * __Host- prefix makes browsers enforce both).  Every sign-in makes a new
 * id, and ends the session the client came with, so a planted id is
 * worthless.  The CSRF token is returned in the body for the interface to
 * echo in X-CSRF-Token.
 */
#include "http/http_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SESSION_COOKIE "__Host-sanad_session"
#define COOKIE_ATTRS "Path=/; Secure; HttpOnly; SameSite=Strict"

void api_session_create(struct http_ctx *c)
{
	static const char *const keys[] = { "username", "password", NULL };
	struct auth_session s = { 0 };
	struct sanad_error err = { 0 };
	int64_t retry = 0;
	int bad = 0, rc;
	const char *user, *pass;
	char *old, cookie[256];
	json_t *o;

	if (body_only(c, keys))
		return;
	user = body_string(c, "username", 1, &bad);
	if (!bad)
		pass = body_string(c, "password", 1, &bad);
	if (bad)
		return;
	rc = auth_login(c->st, user, pass, c->req->remote_addr[0] ? c->req->remote_addr : NULL, c->now, &s,
			&retry, &err);
	if (rc == SANAD_ELIMIT) {
		char secs[32];
		snprintf(secs, sizeof(secs), "%lld", (long long)(retry > 0 ? retry : 1));
		reply_error(c, 429, "too_many_attempts", "%s", err.message);
		http_response_header(c->resp, "Retry-After", secs);
		return;
	}
	if (rc == SANAD_EPERM) {
		/* the name only when it is an account's: people type passwords
		 * into the user name field, and the trail must not keep them */
		struct auth_user known = { 0 };
		if (!auth_user_get(c->st, user, &known, NULL)) {
			audit_append(c->st, known.username, known.org_code, AUDIT_LOGIN_FAILED, NULL, NULL, NULL);
			auth_user_release(&known);
		} else {
			audit_append(c->st, "unknown-account", NULL, AUDIT_LOGIN_FAILED, NULL, NULL, NULL);
		}
		reply_error(c, 401, "login_failed", "wrong username or password");
		return;
	}
	if (rc) {
		reply_sanad_error(c, &err);
		return;
	}
	/* the session the client came with, if any, ends here */
	old = http_cookie_get(http_header(c->req, "Cookie"), SESSION_COOKIE);
	if (old) {
		auth_session_end(c->st, old, NULL);
		free(old);
	}
	audit_append(c->st, s.user.username, s.user.org_code, AUDIT_LOGIN, NULL, NULL, NULL);
	snprintf(cookie, sizeof(cookie), SESSION_COOKIE "=%s; " COOKIE_ATTRS "; Max-Age=%d", s.id, AUTH_SESSION_MAX);
	o = json_object();
	json_object_set_new(o, "user", user_json(&s.user));
	json_object_set_new(o, "csrf_token", json_string(s.csrf));
	json_object_set_new(o, "expires_idle", json_integer(s.expires_idle));
	json_object_set_new(o, "expires_max", json_integer(s.expires_max));
	reply_json(c, 200, o);
	http_response_header(c->resp, "Set-Cookie", cookie);
	auth_session_release(&s);
}

void api_session_delete(struct http_ctx *c)
{
	struct sanad_error err = { 0 };
	json_t *o;
	if (c->session_id && auth_session_end(c->st, c->session_id, &err)) {
		reply_sanad_error(c, &err);
		return;
	}
	audit_as_caller(c, AUDIT_LOGOUT, NULL, c->via_cookie ? "session" : "bearer token (still valid)", NULL);
	o = json_object();
	json_object_set_new(o, "signed_out", json_true());
	reply_json(c, 200, o);
	http_response_header(c->resp, "Set-Cookie", SESSION_COOKIE "=; " COOKIE_ATTRS "; Max-Age=0");
}
