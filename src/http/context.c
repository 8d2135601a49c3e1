/*
 * http/context.c: what handlers share — answering (JSON, the error
 * envelope, module errors mapped to statuses), reading JSON bodies with
 * errors that name the key, and auditing as the caller.
 */
#include "http/http_internal.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void reply_json(struct http_ctx *c, int status, json_t *json)
{
	http_response_json(c->resp, status, json);
}

void reply_error(struct http_ctx *c, int status, const char *code, const char *fmt, ...)
{
	char message[768];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(message, sizeof(message), fmt, ap);
	va_end(ap);
	http_response_json(c->resp, status, http_error_json(code, message));
}

void reply_sanad_error(struct http_ctx *c, const struct sanad_error *err)
{
	const char *msg = err->message[0] ? err->message : "failed";
	switch (err->code) {
	case SANAD_EINVAL:
		reply_error(c, 400, "invalid", "%s", msg);
		break;
	case SANAD_ELIMIT:
		reply_error(c, 400, "limit", "%s", msg);
		break;
	case SANAD_ENOTFOUND:
		reply_error(c, 404, "not_found", "%s", msg);
		break;
	case SANAD_EEXIST:
		reply_error(c, 409, "exists", "%s", msg);
		break;
	case SANAD_ECONFLICT:
		reply_error(c, 409, "conflict", "%s", msg);
		break;
	case SANAD_EPERM:
		reply_error(c, 403, "forbidden", "%s", msg);
		break;
	default:
		/* the database's words may quote data: they go to the log only */
		fprintf(stderr, "sanad serve: %s %s: %s\n", http_method_name(c->req->method),
			c->route ? c->route->pattern : "?", msg);
		reply_error(c, 500, "internal", "the server failed to complete this request; the log has the details");
		break;
	}
}

const char *body_string(struct http_ctx *c, const char *key, int required, int *bad)
{
	json_t *v = c->req->json ? json_object_get(c->req->json, key) : NULL;
	if (!v || json_is_null(v)) {
		if (required) {
			reply_error(c, 400, "invalid", "'%s' is required", key);
			*bad = 1;
		}
		return NULL;
	}
	if (!json_is_string(v)) {
		reply_error(c, 400, "invalid", "'%s' must be a string", key);
		*bad = 1;
		return NULL;
	}
	return json_string_value(v);
}

int body_only(struct http_ctx *c, const char *const *allowed)
{
	const char *key;
	json_t *v;
	if (!c->req->json)
		return 0;
	json_object_foreach(c->req->json, key, v) {
		int ok = 0;
		for (int i = 0; allowed[i]; i++)
			if (!strcmp(allowed[i], key))
				ok = 1;
		if (!ok) {
			struct strbuf sb = STRBUF_INIT;
			for (int i = 0; allowed[i]; i++)
				strbuf_addf(&sb, "%s%s", i ? ", " : "", allowed[i]);
			reply_error(c, 400, "invalid", "unknown key '%.60s' (this endpoint takes: %s)", key,
				    strbuf_str(&sb));
			strbuf_release(&sb);
			return -1;
		}
	}
	return 0;
}

int audit_as_caller(struct http_ctx *c, const char *action, const char *case_ref, const char *detail,
		    struct sanad_error *err)
{
	struct sanad_error local = { 0 };
	const char *actor = c->signed_in ? c->user.username : "anonymous";
	const char *org = c->signed_in ? c->user.org_code : NULL;
	int rc;
	/* outside a change, the answer can wait for the record's commit
	 * without holding this thread (server.c, audit_batch.c) */
	if (!storage_in_transaction(c->st) && http_server_defer_audit(c->srv, actor, org, action, case_ref, detail))
		return 0;
	/* audit_batch.c: records outside a change share a commit with others */
	rc = http_audit_append(c->st, actor, org, action, case_ref, detail, err ? err : &local);
	if (rc)
		fprintf(stderr, "sanad serve: audit %s failed: %s\n", action, (err ? err : &local)->message);
	return rc;
}

json_t *user_json(const struct auth_user *u)
{
	json_t *o = json_object();
	json_object_set_new(o, "username", json_string(u->username));
	json_object_set_new(o, "display_name", u->display_name ? json_string(u->display_name) : json_null());
	json_object_set_new(o, "role", json_string(role_name(u->role)));
	json_object_set_new(o, "organisation", u->org_code ? json_string(u->org_code) : json_null());
	json_object_set_new(o, "language", json_string(u->language ? u->language : "en"));
	json_object_set_new(o, "disabled", json_boolean(u->disabled));
	return o;
}
