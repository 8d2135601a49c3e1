/*
 * http/api_audit.c: browsing the audit trail.  An organisation
 * administrator sees the rows of their organisation (actions by its
 * users); a system administrator sees all.  Rows carry no personal data
 * (audit.h), so showing them reveals none.
 */
#include "http/http_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static json_t *opt_string(const char *s)
{
	return s ? json_string(s) : json_null();
}

void api_audit_list(struct http_ctx *c)
{
	struct audit_query q = { 0 };
	struct sanad_error err = { 0 };
	struct audit_row *rows = NULL;
	struct audit_ingest_result res;
	size_t n = 0;
	const char *limit = http_query(c->req, "limit"), *before = http_query(c->req, "before");
	json_t *a, *o;

	q.case_ref = http_query(c->req, "case");
	q.actor = http_query(c->req, "actor");
	q.org_code = policy_allows(c->user.role, ACT_AUDIT_VIEW_ALL) ? http_query(c->req, "org") : c->user.org_code;
	if (!q.org_code && !policy_allows(c->user.role, ACT_AUDIT_VIEW_ALL))
		q.org_code = "";
	if (limit && parse_int64(limit, 1, 500, &q.limit)) {
		reply_error(c, 400, "invalid", "limit: give a whole number from 1 to 500");
		return;
	}
	if (before && parse_int64(before, 1, INT64_MAX, &q.before_id)) {
		reply_error(c, 400, "invalid", "before: give the id of the oldest row of the previous page");
		return;
	}
	/* the journal's records not yet copied belong to the trail shown; if
	 * they cannot be copied now (a long import holds the write lock), the
	 * trail as it is is still worth showing, and the copier retries */
	if (audit_journal_ingest(c->st, &res, &err))
		fprintf(stderr, "sanad serve: audit page: %s\n", err.message);
	else if (res.warning[0])
		fprintf(stderr, "sanad serve: %s\n", res.warning);
	if (audit_list(c->st, &q, &rows, &n, &err)) {
		reply_sanad_error(c, &err);
		return;
	}
	a = json_array();
	for (size_t i = 0; i < n; i++) {
		json_t *r = json_object();
		json_object_set_new(r, "id", json_integer(rows[i].id));
		json_object_set_new(r, "at", opt_string(rows[i].at));
		json_object_set_new(r, "actor", opt_string(rows[i].actor));
		json_object_set_new(r, "organisation", opt_string(rows[i].org_code));
		json_object_set_new(r, "action", opt_string(rows[i].action));
		json_object_set_new(r, "case", opt_string(rows[i].case_ref));
		json_object_set_new(r, "detail", opt_string(rows[i].detail));
		json_array_append_new(a, r);
		audit_row_release(&rows[i]);
	}
	free(rows);
	o = json_object();
	json_object_set_new(o, "rows", a);
	reply_json(c, 200, o);
}
