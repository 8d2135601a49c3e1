/*
 * http/api_caseload.c: a caseworker's open cases with the overdue
 * follow-ups first (snd_NextFollowUpDate before today) — the everyday view
 * when staff are few and requests many (DOMAIN.md §9).  A supervisor may
 * look at a colleague's caseload (?owner=NAME) to plan a handover.
 */
#include "http/cases_internal.h"

#include <stdio.h>
#include <string.h>

#define CASELOAD_MAX 1000

struct caseload_ctx {
	struct http_ctx *c;
	json_t *overdue, *rest;
	int64_t count;
	const char *today;
};

static int caseload_row(const struct case_record *kase, void *arg)
{
	struct caseload_ctx *cc = arg;
	if (policy_case_access(&cc->c->pu, kase) == ACCESS_NONE)
		return 0;
	json_array_append_new(case_is_overdue(kase, cc->today) ? cc->overdue : cc->rest,
			      case_summary_json(cc->c, kase));
	return ++cc->count >= CASELOAD_MAX;
}

void api_caseload_get(struct http_ctx *c)
{
	struct case_query q = { 0 };
	struct sanad_error err = { 0 };
	struct caseload_ctx cc = { c, NULL, NULL, 0, NULL };
	const char *owner = http_query(c->req, "owner");
	char today[11], detail[128];
	json_t *o, *cases;
	size_t i;

	if (owner && strcmp(owner, c->user.username) && !policy_allows(c->user.role, ACT_TEAM_VIEW)) {
		reply_error(c, 403, "forbidden", "only a supervisor sees a colleague's caseload");
		return;
	}
	today_string(today);
	cc.today = today;
	q.org_code = c->user.org_code ? c->user.org_code : "";
	q.owner = owner ? owner : c->user.username;
	q.open_only = 1;
	q.fields = case_summary_fields; /* the organisation's own cases */
	cc.overdue = json_array();
	cc.rest = json_array();
	if (storage_case_each(c->st, &q, caseload_row, &cc, &err) < 0) {
		json_decref(cc.overdue);
		json_decref(cc.rest);
		reply_sanad_error(c, &err);
		return;
	}
	if (cc.count) {
		snprintf(detail, sizeof(detail), "caseload of %.64s: %lld cases", q.owner, (long long)cc.count);
		if (audit_as_caller(c, AUDIT_LIST, NULL, detail, &err)) {
			json_decref(cc.overdue);
			json_decref(cc.rest);
			reply_sanad_error(c, &err);
			return;
		}
	}
	o = json_object();
	json_object_set_new(o, "owner", json_string(q.owner));
	json_object_set_new(o, "today", json_string(today));
	json_object_set_new(o, "open", json_integer(cc.count));
	json_object_set_new(o, "overdue", json_integer((json_int_t)json_array_size(cc.overdue)));
	/* overdue first, each part in case order */
	cases = cc.overdue;
	{
		json_t *v;
		json_array_foreach(cc.rest, i, v)
			json_array_append(cases, v);
	}
	json_decref(cc.rest);
	json_object_set_new(o, "cases", cases);
	reply_json(c, 200, o);
}
