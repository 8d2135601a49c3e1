/*
 * http/api_referrals.c: the national referral mechanism between
 * organisations (DOMAIN.md §2.2).  A referral is a referral item of the
 * sending organisation's case; it needs the person's current consent of
 * scope Referral covering the receiver.  The receiver sees a summary while
 * it is pending and accepts or declines it; once accepted it sees the
 * shared view and adds its services, comments and plans to the same case
 * (policy.h).  The sender stays the owner of the record.  Revoking the
 * consent ends the sharing at the next request (policy reads the consent
 * each time) and withdraws referrals still pending (api_casework.c).
 *
 * A referral's id is the case reference and the item number: SND-000012.2.
 */
#include "http/cases_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int create_referral(struct http_ctx *c, struct case_record *kase, void *arg, char **detail)
{
	json_t *fields = arg;
	int to_i = domain_field_index(GROUP_REFERRAL, "cas_ReferredOrganisation");
	int st_i = domain_field_index(GROUP_REFERRAL, "snd_ReferralStatus");
	int dt_i = domain_field_index(GROUP_REFERRAL, "cas_OutgoingReferralDate");
	int dd_i = domain_field_index(GROUP_REFERRAL, "snd_ReferralDecisionDate");
	struct organisation o;
	struct sanad_error err = { 0 };
	struct record *rec;
	char buf[160];

	if (kase->child[GROUP_REFERRAL].count >= (size_t)domain_group(GROUP_REFERRAL)->max_items) {
		reply_error(c, 400, "limit", "referrals: a case has at most %d", domain_group(GROUP_REFERRAL)->max_items);
		return -1;
	}
	if (json_object_get(fields, "snd_ReferralStatus") || json_object_get(fields, "snd_ReferralDecisionDate")) {
		reply_error(c, 400, "invalid", "the receiving organisation decides a referral (accept or decline)");
		return -1;
	}
	rec = case_record_add_item(kase, GROUP_REFERRAL);
	if (case_apply_fields(c, rec, GROUP_REFERRAL, fields, NULL, NULL))
		return -1;
	if (!rec->value[to_i]) {
		reply_error(c, 400, "invalid", "cas_ReferredOrganisation is required: the code of the receiving organisation");
		return -1;
	}
	if (storage_org_get(c->st, rec->value[to_i], &o, &err)) {
		reply_error(c, 400, "invalid", "cas_ReferredOrganisation: no organisation '%.64s'", rec->value[to_i]);
		return -1;
	}
	/* the canonical spelling of the code, which policy compares */
	free(rec->value[to_i]);
	rec->value[to_i] = xstrdup(o.code);
	organisation_release(&o);
	if (!strcmp(rec->value[to_i], case_get(kase, "snd_Organisation"))) {
		reply_error(c, 400, "invalid", "a case cannot be referred to its own organisation");
		return -1;
	}
	if (!policy_consent_current(kase, POLICY_SCOPE_REFERRAL, rec->value[to_i])) {
		reply_error(c, 409, "consent_required",
			    "the person has no current consent of scope Referral covering %s: record it first "
			    "(POST /api/v1/cases/%s/consents)", rec->value[to_i], case_get(kase, "snd_CaseRef"));
		return -1;
	}
	rec->value[st_i] = xstrdup("Pending");
	if (!rec->value[dt_i]) {
		char today[11];
		today_string(today);
		rec->value[dt_i] = xstrdup(today);
	}
	free(rec->value[dd_i]);
	rec->value[dd_i] = NULL;
	case_advance_stage(kase, "Referred");
	snprintf(buf, sizeof(buf), "referral %zu to %.64s created", kase->child[GROUP_REFERRAL].count, rec->value[to_i]);
	*detail = xstrdup(buf);
	return 0;
}

void api_referrals_create(struct http_ctx *c)
{
	json_t *fields = json_deep_copy(c->req->json);
	json_object_del(fields, "version");
	case_change(c, create_referral, fields, AUDIT_REFERRAL, NULL, 201);
	json_decref(fields);
}

/* ---- the receiving side ---- */

static json_t *referral_json(struct http_ctx *c, const struct case_record *kase, size_t k)
{
	const struct group_def *gd = domain_group(GROUP_REFERRAL);
	const struct record *r = &kase->child[GROUP_REFERRAL].items[k];
	json_t *o = json_object();
	char id[240];
	snprintf(id, sizeof(id), "%.200s.%zu", case_get(kase, "snd_CaseRef"), k + 1);
	json_object_set_new(o, "id", json_string(id));
	json_object_set_new(o, "from", json_string(case_get(kase, "snd_Organisation")));
	for (int i = 0; i < gd->nfields; i++)
		if (r->value[i])
			json_object_set_new(o, gd->fields[i].name, json_string(r->value[i]));
	json_object_set_new(o, "case", case_summary_json(c, kase));
	return o;
}

struct incoming_ctx {
	struct http_ctx *c;
	json_t *rows;
	const char *status;
	int64_t count, limit, last_id;
	int full;
};

/* A referral that has ended for the receiver (declined, or withdrawn when
 * the consent was revoked before a decision): what the receiver itself
 * decided or was told, and nothing of the person — no case summary, no
 * details text, no names. */
static const char *const ended_fields[] = { "cas_ReferredOrganisation", "cas_ReferredPrimaryCaseWorker",
					    "cas_ReasonForOutgoingReferral", "cas_OutgoingReferralDate",
					    "snd_ReferralStatus", "snd_ReferralDecisionDate", NULL };

static json_t *referral_ended_json(const struct case_record *kase, size_t k)
{
	const struct record *r = &kase->child[GROUP_REFERRAL].items[k];
	json_t *o = json_object();
	char id[240];
	snprintf(id, sizeof(id), "%.200s.%zu", case_get(kase, "snd_CaseRef"), k + 1);
	json_object_set_new(o, "id", json_string(id));
	json_object_set_new(o, "from", json_string(case_get(kase, "snd_Organisation")));
	for (int j = 0; ended_fields[j]; j++) {
		int i = domain_field_index(GROUP_REFERRAL, ended_fields[j]);
		if (r->value[i])
			json_object_set_new(o, ended_fields[j], json_string(r->value[i]));
	}
	json_object_set_new(o, "ended", json_true());
	return o;
}

static int incoming_row(const struct case_record *kase, void *arg)
{
	struct incoming_ctx *ic = arg;
	struct http_ctx *c = ic->c;
	int to_i = domain_field_index(GROUP_REFERRAL, "cas_ReferredOrganisation");
	int st_i = domain_field_index(GROUP_REFERRAL, "snd_ReferralStatus");
	int cw_i = domain_field_index(GROUP_REFERRAL, "cas_ReferredPrimaryCaseWorker");
	enum case_access access = policy_case_access(&c->pu, kase);
	for (size_t k = 0; k < kase->child[GROUP_REFERRAL].count; k++) {
		const struct record *r = &kase->child[GROUP_REFERRAL].items[k];
		const char *status = r->value[st_i] ? r->value[st_i] : "Pending";
		int live = !strcmp(status, "Pending") || !strcmp(status, "Accepted");
		if (!r->value[to_i] || ascii_strcasecmp(r->value[to_i], c->user.org_code))
			continue;
		if (ic->status && strcmp(status, ic->status))
			continue;
		/* policy's rule for the referrals a colleague may see, for ended
		 * ones too: in an own_cases_only organisation a caseworker sees
		 * those naming them */
		if (c->pu.role == ROLE_CASEWORKER && c->pu.own_cases_only &&
		    (!r->value[cw_i] || strcmp(r->value[cw_i], c->user.username)))
			continue;
		if (live && access == ACCESS_NONE)
			continue; /* the consent it rested on was revoked: the sharing stops */
		if (live)
			json_array_append_new(ic->rows, referral_json(c, kase, k));
		else
			/* declined and withdrawn ones stay in the list, without the person */
			json_array_append_new(ic->rows, referral_ended_json(kase, k));
		ic->count++;
	}
	ic->last_id = kase->id;
	/* a case's referrals stay on one page, so the cursor is the case */
	if (ic->count >= ic->limit) {
		ic->full = 1;
		return 1;
	}
	return 0;
}

void api_referrals_incoming(struct http_ctx *c)
{
	struct incoming_ctx ic = { c, NULL, "Pending", 0, 50, 0, 0 };
	struct case_query q = { 0 };
	struct sanad_error err = { 0 };
	const char *status = http_query(c->req, "status"), *limit = http_query(c->req, "limit");
	const char *cursor = http_query(c->req, "cursor");
	json_t *o;

	if (status && !strcmp(status, "all")) {
		ic.status = NULL;
	} else if (status) {
		const struct vocab_entry *e = vocab_find("referral_status", status);
		if (!e) {
			reply_error(c, 400, "invalid", "status: '%.40s' is not 'all' or a value of list 'referral_status'",
				    status);
			return;
		}
		ic.status = e->code;
	}
	if (limit && parse_int64(limit, 1, 200, &ic.limit)) {
		reply_error(c, 400, "invalid", "limit: give a whole number from 1 to 200");
		return;
	}
	if (cursor && parse_int64(cursor, 0, INT64_MAX, &q.after_id)) {
		reply_error(c, 400, "invalid", "cursor: give the next_cursor of the previous page");
		return;
	}
	q.referred_to = c->user.org_code ? c->user.org_code : "";
	q.referral_status = ic.status;
	q.with_children = 1;
	ic.rows = json_array();
	if (storage_case_each(c->st, &q, incoming_row, &ic, &err) < 0) {
		json_decref(ic.rows);
		reply_sanad_error(c, &err);
		return;
	}
	if (ic.count) {
		char detail[64];
		snprintf(detail, sizeof(detail), "%lld incoming referrals", (long long)ic.count);
		if (audit_as_caller(c, AUDIT_LIST, NULL, detail, &err)) {
			json_decref(ic.rows);
			reply_sanad_error(c, &err);
			return;
		}
	}
	o = json_object();
	json_object_set_new(o, "referrals", ic.rows);
	if (ic.full) {
		char next[32];
		snprintf(next, sizeof(next), "%lld", (long long)ic.last_id);
		json_object_set_new(o, "next_cursor", json_string(next));
	} else {
		json_object_set_new(o, "next_cursor", json_null());
	}
	reply_json(c, 200, o);
}

struct decision {
	const char *status;      /* Accepted or Declined */
	const char *caseworker;  /* the receiver's primary caseworker (accept) */
};

static int decide(struct http_ctx *c, struct case_record *kase, void *arg, char **detail)
{
	const struct decision *d = arg;
	int to_i = domain_field_index(GROUP_REFERRAL, "cas_ReferredOrganisation");
	int st_i = domain_field_index(GROUP_REFERRAL, "snd_ReferralStatus");
	int dd_i = domain_field_index(GROUP_REFERRAL, "snd_ReferralDecisionDate");
	int cw_i = domain_field_index(GROUP_REFERRAL, "cas_ReferredPrimaryCaseWorker");
	struct record *r;
	char today[11], buf[160];

	if (c->item >= kase->child[GROUP_REFERRAL].count) {
		reply_error(c, 404, "not_found", "no referral '%.80s'", http_param(c, "id"));
		return -1;
	}
	r = &kase->child[GROUP_REFERRAL].items[c->item];
	if (!r->value[to_i] || !c->user.org_code || ascii_strcasecmp(r->value[to_i], c->user.org_code)) {
		reply_error(c, 404, "not_found", "no referral '%.80s'", http_param(c, "id"));
		return -1;
	}
	if (r->value[st_i] && strcmp(r->value[st_i], "Pending")) {
		reply_error(c, 409, "already_decided", "referral %.80s is %s", http_param(c, "id"), r->value[st_i]);
		return -1;
	}
	today_string(today);
	free(r->value[st_i]);
	r->value[st_i] = xstrdup(d->status);
	free(r->value[dd_i]);
	r->value[dd_i] = xstrdup(today);
	if (!strcmp(d->status, "Accepted") && (d->caseworker || !r->value[cw_i])) {
		free(r->value[cw_i]);
		r->value[cw_i] = xstrdup(d->caseworker ? d->caseworker : c->user.username);
	}
	if (!strcmp(d->status, "Accepted"))
		snprintf(buf, sizeof(buf), "referral %zu %s by %.64s, caseworker %.64s", c->item + 1, d->status,
			 c->user.org_code, r->value[cw_i] ? r->value[cw_i] : "-");
	else
		snprintf(buf, sizeof(buf), "referral %zu %s by %.64s", c->item + 1, d->status, c->user.org_code);
	*detail = xstrdup(buf);
	return 0;
}

/* The caseworker an accepted referral is given to: the caller, or (a
 * supervisor's choice) an active caseworker or supervisor of the caller's
 * organisation.  A caseworker accepts for themselves only. */
static int check_caseworker(struct http_ctx *c, const char *name)
{
	struct auth_user u = { 0 };
	struct sanad_error err = { 0 };
	int ok;
	if (!strcmp(name, c->user.username))
		return 0;
	if (c->user.role != ROLE_SUPERVISOR) {
		reply_error(c, 403, "forbidden", "caseworker: a caseworker accepts a referral for themselves; a "
			    "supervisor chooses another caseworker");
		return -1;
	}
	ok = !auth_user_get(c->st, name, &u, &err) && !u.disabled &&
	     (u.role == ROLE_CASEWORKER || u.role == ROLE_SUPERVISOR) && u.org_code && c->user.org_code &&
	     !strcmp(u.org_code, c->user.org_code);
	auth_user_release(&u);
	if (!ok) {
		reply_error(c, 400, "invalid", "caseworker: '%.64s' is not an active caseworker or supervisor of %.64s",
			    name, c->user.org_code ? c->user.org_code : "your organisation");
		return -1;
	}
	return 0;
}

static void referral_decide(struct http_ctx *c, const char *status)
{
	static const char *const accept_keys[] = { "caseworker", NULL };
	static const char *const decline_keys[] = { NULL };
	struct decision d = { status, NULL };
	int bad = 0;
	int accept = !strcmp(status, "Accepted");
	if (body_only(c, accept ? accept_keys : decline_keys))
		return;
	if (accept) {
		d.caseworker = body_string(c, "caseworker", 0, &bad);
		if (bad || (d.caseworker && check_caseworker(c, d.caseworker)))
			return;
	}
	case_change(c, decide, &d, AUDIT_REFERRAL, NULL, 200);
}

void api_referrals_accept(struct http_ctx *c)
{
	referral_decide(c, "Accepted");
}

void api_referrals_decline(struct http_ctx *c)
{
	referral_decide(c, "Declined");
}
