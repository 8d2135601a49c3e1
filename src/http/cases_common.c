/*
 * http/cases_common.c: what the case handlers share — a case as JSON for
 * one caller (redacted by policy), its version, applying JSON fields to a
 * record, and the one way a case is changed:
 *
 *   begin (write lock) -> reload the case -> check If-Match -> check policy
 *   again -> apply the handler's change -> derive -> validate -> update ->
 *   audit -> commit
 *
 * Reloading inside the write transaction means two people adding a comment
 * at the same moment both keep theirs; the If-Match check means a form
 * edited from a stale copy is refused (409) instead of undoing someone
 * else's work.
 */
#include "http/cases_internal.h"

#include "crypto/crypto.h"
#include "exporter/exporter.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void case_version(const struct case_record *c, char out[33])
{
	json_t *j = export_case_json(c, 0);
	char *text = json_dumps(j, JSON_COMPACT | JSON_PRESERVE_ORDER);
	char hex[CRYPTO_HASH_HEX];
	crypto_hash_hex(text, strlen(text), hex);
	memcpy(out, hex, 32);
	out[32] = '\0';
	free(text);
	json_decref(j);
}

json_t *case_json_for(struct http_ctx *c, const struct case_record *kase)
{
	struct case_record copy;
	enum case_access access;
	char version[33];
	json_t *out, *body;

	case_record_copy(&copy, kase);
	access = policy_redact(&c->pu, &copy);
	/* a restricted view's version hashes only what it shows, so that the
	 * hash says nothing about the fields it hides */
	case_version(access == ACCESS_READ || access == ACCESS_WRITE ? kase : &copy, version);
	body = export_case_json(&copy, 0);
	out = json_object();
	json_object_set_new(out, "ref", json_string(case_get(kase, "snd_CaseRef")));
	json_object_set_new(out, "access", json_string(case_access_name(access)));
	json_object_set_new(out, "version", json_string(version));
	json_object_set_new(out, "case", body);
	case_record_release(&copy);
	return out;
}

/* The list columns: enough to pick a case, nothing narrative. */
const char *const case_summary_fields[] = {
	"snd_CaseRef", "snd_Organisation", "cas_CaseOwner", "snd_Stage", "cas_Status",
	"vic_TraffickingStatus", "snd_RegistrationDate", "snd_NextFollowUpDate", "snd_YearOfRegistration",
	"snd_Sex", "snd_AgeBroad", "prs_Citizenship", "prs_FirstName", "prs_SecondName", NULL
};

json_t *case_summary_json(struct http_ctx *c, const struct case_record *kase)
{
	struct case_record copy;
	const struct group_def *gd = domain_group(GROUP_CASE);
	enum case_access access;
	json_t *o = json_object();
	char today[11];

	case_record_copy(&copy, kase);
	access = policy_redact(&c->pu, &copy);
	for (const char *const *f = case_summary_fields; *f; f++) {
		int i = domain_field_index(GROUP_CASE, *f);
		if (i >= 0 && copy.main.value[i])
			json_object_set_new(o, *f, export_value_json(&gd->fields[i], copy.main.value[i]));
	}
	today_string(today);
	json_object_set_new(o, "overdue", json_boolean(case_is_overdue(kase, today)));
	json_object_set_new(o, "access", json_string(case_access_name(access)));
	case_record_release(&copy);
	return o;
}

int case_is_closed(const struct case_record *kase)
{
	const char *status = case_get(kase, "cas_Status");
	return status && !strncmp(status, "Closed", 6); /* Closed, ClosedReferred */
}

int case_is_overdue(const struct case_record *kase, const char *today)
{
	const char *next = case_get(kase, "snd_NextFollowUpDate");
	return next && !case_is_closed(kase) && strcmp(next, today) < 0;
}

/* JSON value -> the raw text field_normalise takes.  New string, or NULL
 * for null; -1 for a type that no field takes. */
static int json_to_raw(json_t *v, char **out)
{
	*out = NULL;
	if (json_is_null(v))
		return 0;
	if (json_is_string(v)) {
		*out = xstrdup(json_string_value(v));
		return 0;
	}
	if (json_is_integer(v)) {
		char buf[32];
		snprintf(buf, sizeof(buf), "%lld", (long long)json_integer_value(v));
		*out = xstrdup(buf);
		return 0;
	}
	if (json_is_real(v)) {
		char buf[64];
		snprintf(buf, sizeof(buf), "%.17g", json_real_value(v));
		*out = xstrdup(buf);
		return 0;
	}
	if (json_is_boolean(v)) {
		*out = xstrdup(json_is_true(v) ? "true" : "false");
		return 0;
	}
	if (json_is_array(v)) {
		struct strbuf sb = STRBUF_INIT;
		size_t i;
		json_t *e;
		json_array_foreach(v, i, e) {
			if (!json_is_string(e)) {
				strbuf_release(&sb);
				return -1;
			}
			if (sb.len)
				strbuf_addch(&sb, ';');
			strbuf_addstr(&sb, json_string_value(e));
		}
		*out = strbuf_detach(&sb);
		return 0;
	}
	return -1;
}

int case_apply_fields(struct http_ctx *c, struct record *rec, enum group_id g, json_t *obj,
		      const char *const *refused, unsigned char *set)
{
	const struct group_def *gd = domain_group(g);
	const char *key;
	json_t *v;

	json_object_foreach(obj, key, v) {
		int i = domain_field_index(g, key);
		struct sanad_error err = { 0 };
		char *raw;
		if (i < 0) {
			reply_error(c, 400, "invalid", "'%.60s' is not a field of %s", key,
				    g == GROUP_CASE ? "a case" : gd->name);
			return -1;
		}
		if (gd->fields[i].flags & FF_SYSTEM) {
			reply_error(c, 400, "invalid", "%s is kept by Sanad and cannot be set", key);
			return -1;
		}
		for (int k = 0; refused && refused[k]; k++)
			if (!strcmp(refused[k], key)) {
				reply_error(c, 400, "invalid", "%s changes only through its lifecycle action "
					    "(screening, closure, reopen, handover): see docs/api.md", key);
				return -1;
			}
		if (json_to_raw(v, &raw)) {
			reply_error(c, 400, "invalid", "%s: give a string, number, true/false, a list of codes or null",
				    key);
			return -1;
		}
		if (record_set(rec, g, i, raw, &err)) {
			free(raw);
			reply_sanad_error(c, &err);
			return -1;
		}
		free(raw);
		if (set)
			set[i] = 1;
	}
	return 0;
}

/* The version the client based its change on: If-Match ("W/" and quotes
 * dropped) or the body's "version".  NULL when it sent neither. */
static const char *expected_version(struct http_ctx *c, char buf[80])
{
	const char *h = http_header(c->req, "If-Match");
	json_t *v;
	if (h) {
		size_t n;
		if (!strncmp(h, "W/", 2))
			h += 2;
		n = strlen(h);
		if (n >= 2 && h[0] == '"' && h[n - 1] == '"') {
			h++;
			n -= 2;
		}
		snprintf(buf, 80, "%.*s", (int)n, h);
		return buf;
	}
	v = c->req->json ? json_object_get(c->req->json, "version") : NULL;
	if (v && json_is_string(v)) {
		snprintf(buf, 80, "%s", json_string_value(v));
		return buf;
	}
	return NULL;
}

void case_reply(struct http_ctx *c, int status, const struct case_record *kase)
{
	json_t *j = case_json_for(c, kase);
	char etag[40];
	snprintf(etag, sizeof(etag), "\"%s\"", json_string_value(json_object_get(j, "version")));
	reply_json(c, status, j);
	http_response_header(c->resp, "ETag", etag);
}

void case_change(struct http_ctx *c, case_change_fn fn, void *arg, const char *audit_action,
		 const char *audit_detail, int status)
{
	struct sanad_error err = { 0 };
	struct case_record fresh;
	const char *ref = case_get(&c->kase, "snd_CaseRef");
	char buf[80], version[33];
	const char *expected;
	char *detail = NULL;
	int rc;

	if (storage_begin(c->st, &err)) {
		reply_sanad_error(c, &err);
		return;
	}
	rc = storage_case_get(c->st, ref, &fresh, &err);
	if (rc) {
		storage_rollback(c->st);
		case_record_release(&fresh);
		if (rc == SANAD_ENOTFOUND)
			reply_error(c, 404, "not_found", "no case with reference '%.80s'", ref);
		else
			reply_sanad_error(c, &err);
		return;
	}
	case_version(&fresh, version);
	expected = expected_version(c, buf);
	if (expected && strcmp(expected, version)) {
		reply_error(c, 409, "conflict",
			    "case %.80s was changed by someone else since version %.40s; reload it (now %s)", ref,
			    expected, version);
		goto fail;
	}
	/* consent or ownership may have changed since the gate looked */
	if (!policy_case_allows(&c->pu, &fresh, (enum policy_action)c->route->action)) {
		if (policy_case_access(&c->pu, &fresh) == ACCESS_NONE)
			reply_error(c, 404, "not_found", "no case with reference '%.80s'", ref);
		else
			reply_error(c, 403, "forbidden", "your access to this case no longer allows this");
		goto fail;
	}
	if (fn(c, &fresh, arg, &detail))
		goto fail;
	case_record_derive(&fresh);
	if (case_record_validate(&fresh, &err)) {
		reply_sanad_error(c, &err);
		goto fail;
	}
	if (storage_case_update(c->st, &fresh, &err) ||
	    audit_as_caller(c, audit_action, ref, detail ? detail : audit_detail, &err) ||
	    storage_commit(c->st, &err)) {
		reply_sanad_error(c, &err);
		goto fail;
	}
	free(detail);
	case_reply(c, status, &fresh);
	case_record_release(&fresh);
	return;
fail:
	free(detail);
	storage_rollback(c->st);
	case_record_release(&fresh);
}

void today_string(char out[11])
{
	struct sanad_date d = date_today();
	date_format(&d, out);
}
