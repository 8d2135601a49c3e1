/*
 * http/api_casework.c: the lifecycle actions on a case (DOMAIN.md §2) —
 * screening and identification, consent, return, closure, reopening and
 * handover.  Each is one change through case_change, so each is validated,
 * written in one transaction and audited as what it is.
 *
 * Representations (no new fields were needed):
 *   screening   the indicator checklist is the Palermo definition as the
 *               registry records it: act (snd_PalermoAct), means
 *               (snd_PalermoMeans, vic_MethodsOfControl), purpose
 *               (vic_TypeOfExploitation) and vulnerabilities; the decision
 *               is vic_TraffickingStatus, who decided snd_StatusDecidedBy
 *               and vic_TraffickingStatusDecisionMakingOrg, and when
 *               snd_IdentificationDate.
 *   return      a service of type RiskAssessment (date, assessor, findings
 *               in its notes) must precede a service of type Return.
 *   consent     one consent item per decision; revoking is a later item
 *               with snd_ConsentGiven false, so the history stays.
 */
#include "http/cases_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const screening_indicators[] = { "snd_PalermoAct", "snd_PalermoMeans",
						    "vic_MethodsOfControl", "vic_TypeOfExploitation",
						    "vic_Vulnerabilities", NULL };

static int set_field(struct http_ctx *c, struct case_record *kase, const char *field, const char *value)
{
	struct sanad_error err = { 0 };
	if (case_set(kase, field, value, &err)) {
		reply_sanad_error(c, &err);
		return -1;
	}
	return 0;
}

/* ---- screening and identification ---- */

static int screening(struct http_ctx *c, struct case_record *kase, void *arg, char **detail)
{
	json_t *body = arg, *indicators = json_object_get(body, "indicators");
	const char *status = NULL, *org = NULL, *by = NULL, *date = NULL;
	char today[11], buf[300];
	int bad = 0;

	status = body_string(c, "trafficking_status", 1, &bad);
	if (!bad)
		org = body_string(c, "decision_org", 1, &bad);
	if (!bad)
		by = body_string(c, "decided_by", 0, &bad);
	if (!bad)
		date = body_string(c, "identification_date", 0, &bad);
	if (bad)
		return -1;
	if (indicators) {
		const char *key;
		json_t *v;
		if (!json_is_object(indicators)) {
			reply_error(c, 400, "invalid", "'indicators' is an object of the checklist fields");
			return -1;
		}
		json_object_foreach(indicators, key, v) {
			int ok = 0;
			for (int i = 0; screening_indicators[i]; i++)
				ok |= !strcmp(screening_indicators[i], key);
			if (!ok) {
				reply_error(c, 400, "invalid",
					    "indicators: '%.60s' is not a checklist field (snd_PalermoAct, snd_PalermoMeans, "
					    "vic_MethodsOfControl, vic_TypeOfExploitation, vic_Vulnerabilities)", key);
				return -1;
			}
		}
		if (case_apply_fields(c, &kase->main, GROUP_CASE, indicators, NULL, NULL))
			return -1;
	}
	if (!by) {
		snprintf(buf, sizeof(buf), "%.100s (%.64s)",
			 c->user.display_name ? c->user.display_name : c->user.username,
			 c->user.org_code ? c->user.org_code : "-");
		by = buf;
	}
	today_string(today);
	if (set_field(c, kase, "vic_TraffickingStatus", status) ||
	    set_field(c, kase, "vic_TraffickingStatusDecisionMakingOrg", org) ||
	    set_field(c, kase, "snd_StatusDecidedBy", by))
		return -1;
	if (strcmp(case_get(kase, "vic_TraffickingStatus"), "NotAVictimOfTrafficking")) {
		if ((date || !case_get(kase, "snd_IdentificationDate")) &&
		    set_field(c, kase, "snd_IdentificationDate", date ? date : today))
			return -1;
		case_advance_stage(kase, "Identified");
	}
	snprintf(buf, sizeof(buf), "screening: status=%s decided_by_org=%s",
		 case_get(kase, "vic_TraffickingStatus"), case_get(kase, "vic_TraffickingStatusDecisionMakingOrg"));
	*detail = xstrdup(buf);
	return 0;
}

void api_case_screening(struct http_ctx *c)
{
	static const char *const keys[] = { "trafficking_status", "decision_org", "decided_by",
					    "identification_date", "indicators", "version", NULL };
	if (body_only(c, keys))
		return;
	case_change(c, screening, c->req->json, AUDIT_UPDATE, NULL, 200);
}

/* ---- consent ---- */

/* A revoked Referral consent withdraws the referrals still pending that
 * rested on it (accepted ones lose their access through policy). */
static void withdraw_pending(struct case_record *kase, const char *recipient)
{
	int to_i = domain_field_index(GROUP_REFERRAL, "cas_ReferredOrganisation");
	int st_i = domain_field_index(GROUP_REFERRAL, "snd_ReferralStatus");
	int dt_i = domain_field_index(GROUP_REFERRAL, "snd_ReferralDecisionDate");
	char today[11];
	today_string(today);
	for (size_t k = 0; k < kase->child[GROUP_REFERRAL].count; k++) {
		struct record *r = &kase->child[GROUP_REFERRAL].items[k];
		if (recipient && r->value[to_i] && ascii_strcasecmp(r->value[to_i], recipient))
			continue;
		if (policy_consent_current(kase, POLICY_SCOPE_REFERRAL, r->value[to_i]))
			continue; /* another consent still covers this receiver */
		if (!r->value[st_i] || !strcmp(r->value[st_i], "Pending")) {
			free(r->value[st_i]);
			r->value[st_i] = xstrdup("Withdrawn");
			free(r->value[dt_i]);
			r->value[dt_i] = xstrdup(today);
		}
	}
}

static int consent(struct http_ctx *c, struct case_record *kase, void *arg, char **detail)
{
	json_t *fields = arg;
	struct record *rec;
	int si = domain_field_index(GROUP_CONSENT, "snd_ConsentScope");
	int gi = domain_field_index(GROUP_CONSENT, "snd_ConsentGiven");
	int di = domain_field_index(GROUP_CONSENT, "snd_ConsentDate");
	int ei = domain_field_index(GROUP_CONSENT, "snd_ConsentExplainedBy");
	int ri = domain_field_index(GROUP_CONSENT, "snd_ConsentRecipient");
	char buf[200];

	if (kase->child[GROUP_CONSENT].count >= (size_t)domain_group(GROUP_CONSENT)->max_items) {
		reply_error(c, 400, "limit", "consents: a case has at most %d", domain_group(GROUP_CONSENT)->max_items);
		return -1;
	}
	rec = case_record_add_item(kase, GROUP_CONSENT);
	if (case_apply_fields(c, rec, GROUP_CONSENT, fields, NULL, NULL))
		return -1;
	if (!rec->value[gi]) {
		reply_error(c, 400, "invalid", "snd_ConsentGiven is required: true to give, false to refuse or revoke");
		return -1;
	}
	if (!rec->value[di]) {
		char today[11];
		today_string(today);
		rec->value[di] = xstrdup(today);
	}
	if (!rec->value[ei])
		rec->value[ei] = xstrdup(c->user.username);
	if (rec->value[ri]) {
		struct organisation o;
		struct sanad_error err = { 0 };
		if (storage_org_get(c->st, rec->value[ri], &o, &err)) {
			reply_error(c, 400, "invalid", "snd_ConsentRecipient: no organisation '%.64s'", rec->value[ri]);
			return -1;
		}
		organisation_release(&o);
	}
	if (rec->value[si] && !strcmp(rec->value[si], POLICY_SCOPE_REFERRAL) && !strcmp(rec->value[gi], "false"))
		withdraw_pending(kase, rec->value[ri]);
	snprintf(buf, sizeof(buf), "consent scope=%s given=%s recipient=%.64s", rec->value[si] ? rec->value[si] : "?",
		 rec->value[gi], rec->value[ri] ? rec->value[ri] : "any");
	*detail = xstrdup(buf);
	return 0;
}

void api_consents_add(struct http_ctx *c)
{
	json_t *fields = json_deep_copy(c->req->json);
	json_object_del(fields, "version");
	case_change(c, consent, fields, AUDIT_CONSENT, NULL, 201);
	json_decref(fields);
}

/* ---- return and reintegration ---- */

static int return_service(struct http_ctx *c, struct case_record *kase, void *arg, char **detail)
{
	json_t *fields = arg;
	int ti = domain_field_index(GROUP_SERVICE, "snd_ServiceType");
	struct record *rec;
	char buf[80];

	if (kase->child[GROUP_SERVICE].count >= (size_t)domain_group(GROUP_SERVICE)->max_items) {
		reply_error(c, 400, "limit", "services: a case has at most %d", domain_group(GROUP_SERVICE)->max_items);
		return -1;
	}
	rec = case_record_add_item(kase, GROUP_SERVICE);
	if (case_apply_fields(c, rec, GROUP_SERVICE, fields, NULL, NULL))
		return -1;
	if (!rec->value[ti])
		rec->value[ti] = xstrdup("Return");
	if (strcmp(rec->value[ti], "Return") && strcmp(rec->value[ti], "Reintegration")) {
		reply_error(c, 400, "invalid", "snd_ServiceType: a return is of type Return or Reintegration");
		return -1;
	}
	if (case_check_return(c, kase, rec))
		return -1;
	case_advance_stage(kase, "ReturnedReintegrated");
	snprintf(buf, sizeof(buf), "%s service added", rec->value[ti]);
	*detail = xstrdup(buf);
	return 0;
}

void api_case_return(struct http_ctx *c)
{
	json_t *fields = json_deep_copy(c->req->json);
	json_object_del(fields, "version");
	case_change(c, return_service, fields, AUDIT_UPDATE, NULL, 201);
	json_decref(fields);
}

/* ---- closure and reopening ---- */

static int closure(struct http_ctx *c, struct case_record *kase, void *arg, char **detail)
{
	json_t *body = arg;
	const char *reason = NULL, *text = NULL, *date = NULL;
	char today[11], buf[120];
	int bad = 0;

	if (case_is_closed(kase)) {
		reply_error(c, 409, "already_closed", "case %s is already closed; reopen it first",
			    case_get(kase, "snd_CaseRef"));
		return -1;
	}
	reason = body_string(c, "snd_ClosureReason", 1, &bad);
	if (!bad)
		text = body_string(c, "cas_ReasonForCaseClosure", 0, &bad);
	if (!bad)
		date = body_string(c, "snd_ClosedDate", 0, &bad);
	if (bad)
		return -1;
	(void)body;
	today_string(today);
	if (set_field(c, kase, "snd_ClosureReason", reason) || set_field(c, kase, "cas_ReasonForCaseClosure", text) ||
	    set_field(c, kase, "snd_ClosedDate", date ? date : today) || set_field(c, kase, "cas_Status", "Closed") ||
	    set_field(c, kase, "snd_Stage", "Closed"))
		return -1;
	snprintf(buf, sizeof(buf), "closed: reason=%s", case_get(kase, "snd_ClosureReason"));
	*detail = xstrdup(buf);
	return 0;
}

void api_case_closure(struct http_ctx *c)
{
	static const char *const keys[] = { "snd_ClosureReason", "cas_ReasonForCaseClosure", "snd_ClosedDate",
					    "version", NULL };
	if (body_only(c, keys))
		return;
	case_change(c, closure, c->req->json, AUDIT_UPDATE, NULL, 200);
}

static int reopen(struct http_ctx *c, struct case_record *kase, void *arg, char **detail)
{
	struct record *note;
	int ci = domain_field_index(GROUP_COMMENT, "cco_CaseComment");
	int di = domain_field_index(GROUP_COMMENT, "snd_CommentDate");
	int ai = domain_field_index(GROUP_COMMENT, "snd_CommentAuthor");
	const char *why = arg;
	struct strbuf sb = STRBUF_INIT;
	char today[11];

	if (!case_is_closed(kase)) {
		reply_error(c, 409, "not_closed", "case %s is not closed", case_get(kase, "snd_CaseRef"));
		return -1;
	}
	/* the closure stays on record as a comment; the fields describe the
	 * current state */
	today_string(today);
	strbuf_addf(&sb, "Reopened. Closed on %s, reason %s.", case_get(kase, "snd_ClosedDate") ? case_get(kase, "snd_ClosedDate") : "-",
		    case_get(kase, "snd_ClosureReason") ? case_get(kase, "snd_ClosureReason") : "-");
	if (why && *why)
		strbuf_addf(&sb, " %s", why);
	if (kase->child[GROUP_COMMENT].count < (size_t)domain_group(GROUP_COMMENT)->max_items) {
		struct sanad_error err = { 0 };
		note = case_record_add_item(kase, GROUP_COMMENT);
		note->value[di] = xstrdup(today);
		note->value[ai] = xstrdup(c->user.username);
		if (record_set(note, GROUP_COMMENT, ci, sb.buf, &err)) {
			strbuf_release(&sb);
			reply_sanad_error(c, &err);
			return -1;
		}
	}
	strbuf_release(&sb);
	if (set_field(c, kase, "cas_Status", "Active") || set_field(c, kase, "snd_ClosedDate", NULL) ||
	    set_field(c, kase, "snd_ClosureReason", NULL) || set_field(c, kase, "cas_ReasonForCaseClosure", NULL) ||
	    set_field(c, kase, "snd_Stage", NULL))
		return -1;
	/* the stage the case had reached, from what it records */
	if (case_get(kase, "vic_TraffickingStatus") &&
	    strcmp(case_get(kase, "vic_TraffickingStatus"), "NotAVictimOfTrafficking"))
		case_advance_stage(kase, "Identified");
	if (kase->child[GROUP_REFERRAL].count)
		case_advance_stage(kase, "Referred");
	if (kase->child[GROUP_SERVICE].count || kase->child[GROUP_PLAN].count)
		case_advance_stage(kase, "Assisted");
	for (size_t k = 0; k < kase->child[GROUP_SERVICE].count; k++) {
		const char *type = kase->child[GROUP_SERVICE].items[k].value[domain_field_index(GROUP_SERVICE, "snd_ServiceType")];
		if (type && (!strcmp(type, "Return") || !strcmp(type, "Reintegration")))
			case_advance_stage(kase, "ReturnedReintegrated");
	}
	*detail = xstrdup("reopened");
	return 0;
}

void api_case_reopen(struct http_ctx *c)
{
	static const char *const keys[] = { "reason", "version", NULL };
	const char *why = NULL;
	int bad = 0;
	if (body_only(c, keys))
		return;
	why = body_string(c, "reason", 0, &bad);
	if (bad)
		return;
	case_change(c, reopen, (void *)why, AUDIT_UPDATE, NULL, 200);
}

/* ---- handover ---- */

static int handover(struct http_ctx *c, struct case_record *kase, void *arg, char **detail)
{
	const char *to = arg;
	char *from = case_get(kase, "cas_CaseOwner") ? xstrdup(case_get(kase, "cas_CaseOwner")) : NULL;
	struct auth_user target = { 0 };
	struct sanad_error err = { 0 };
	char buf[200];

	if (auth_user_get(c->st, to, &target, &err) || target.disabled ||
	    (target.role != ROLE_CASEWORKER && target.role != ROLE_SUPERVISOR) || !target.org_code ||
	    strcmp(target.org_code, case_get(kase, "snd_Organisation"))) {
		reply_error(c, 400, "invalid", "to: '%.64s' is not an active caseworker or supervisor of %s", to,
			    case_get(kase, "snd_Organisation"));
		auth_user_release(&target);
		free(from);
		return -1;
	}
	if (set_field(c, kase, "cas_CaseOwner", target.username)) {
		auth_user_release(&target);
		free(from);
		return -1;
	}
	snprintf(buf, sizeof(buf), "owner %.64s -> %.64s", from ? from : "-", target.username);
	*detail = xstrdup(buf);
	auth_user_release(&target);
	free(from);
	return 0;
}

void api_case_handover(struct http_ctx *c)
{
	static const char *const keys[] = { "to", "version", NULL };
	const char *to;
	int bad = 0;
	if (body_only(c, keys))
		return;
	to = body_string(c, "to", 1, &bad);
	if (bad)
		return;
	case_change(c, handover, (void *)to, AUDIT_HANDOVER, NULL, 200);
}

/* ---- changing and removing items of the repeating groups ----
 *
 * PATCH and DELETE /api/v1/cases/{ref}/{group}/{n}: n is the item's number
 * (from 1) in the order the case shows.  Rules a careful caseworker expects:
 *   - only the owning organisation (write access) changes or removes items;
 *     a receiving organisation adds its services, comments and plans but
 *     does not rewrite the sender's record;
 *   - a comment is changed or removed only by its author or a supervisor,
 *     and keeps its author and date: it is what that person wrote;
 *   - a consent item is never changed or removed: giving and revoking are
 *     new items, so the history of what the person agreed to stays whole;
 *   - a referral item changes only through the referral workflow (accept,
 *     decline, and withdrawal by revoking the consent);
 *   - a change goes through the same validation as an addition (the return
 *     rule included: removing the risk assessment a return rests on is
 *     refused); the stage never moves back.
 * Removing an item closes the gap: later items move up one number and keep
 * their order.  A client should send If-Match, so that an item number read
 * before someone else's removal cannot hit the wrong item (409 instead). */

struct item_op {
	enum group_id g;
	size_t index;      /* from 0 */
	json_t *fields;    /* PATCH: the changes; NULL: remove */
};

static int item_group(struct http_ctx *c, struct item_op *op)
{
	const char *name = http_param(c, "group"), *n = http_param(c, "n");
	int64_t num;
	op->g = GROUP_CASE;
	for (int g = 1; g < GROUP_COUNT; g++)
		if (!strcmp(domain_group((enum group_id)g)->name, name))
			op->g = (enum group_id)g;
	if (op->g == GROUP_CASE) {
		reply_error(c, 404, "not_found", "no repeating group '%.40s' (events, services, comments, "
			    "support_plans, consents, referrals, perpetrators)", name);
		return -1;
	}
	if (op->g == GROUP_CONSENT) {
		reply_error(c, 409, "item_immutable",
			    "a consent item is never changed or removed, so the history of what the person agreed "
			    "to stays whole: record a new consent item (snd_ConsentGiven false revokes)");
		return -1;
	}
	if (op->g == GROUP_REFERRAL) {
		reply_error(c, 409, "item_immutable",
			    "a referral changes only through its workflow: the receiver accepts or declines it, and "
			    "revoking the Referral consent withdraws it");
		return -1;
	}
	if (parse_int64(n, 1, 100000, &num)) {
		reply_error(c, 404, "not_found", "%s: no item '%.20s' (items are numbered from 1)",
			    domain_group(op->g)->name, n);
		return -1;
	}
	op->index = (size_t)num - 1;
	return 0;
}

/* Every Return service still has its risk assessment before it. */
static int returns_still_assessed(struct http_ctx *c, const struct case_record *kase)
{
	for (size_t k = 0; k < kase->child[GROUP_SERVICE].count; k++)
		if (case_check_return(c, kase, &kase->child[GROUP_SERVICE].items[k]))
			return -1;
	return 0;
}

static void record_free_values(struct record *r, enum group_id g)
{
	for (int i = 0; i < domain_group(g)->nfields; i++)
		free(r->value[i]);
	free(r->value);
	r->value = NULL;
}

static int item_change(struct http_ctx *c, struct case_record *kase, void *arg, char **detail)
{
	struct item_op *op = arg;
	const struct group_def *gd = domain_group(op->g);
	struct record_list *l = &kase->child[op->g];
	struct record *rec;
	char buf[1100];

	if (op->index >= l->count) {
		reply_error(c, 404, "not_found", "%s: case %s has no item %zu", gd->name, case_get(kase, "snd_CaseRef"),
			    op->index + 1);
		return -1;
	}
	rec = &l->items[op->index];
	if (op->g == GROUP_COMMENT && c->user.role != ROLE_SUPERVISOR) {
		const char *author = rec->value[domain_field_index(GROUP_COMMENT, "snd_CommentAuthor")];
		if (!author || strcmp(author, c->user.username)) {
			reply_error(c, 403, "forbidden", "comments item %zu was written by %.64s: only its author or a "
				    "supervisor changes or removes it", op->index + 1, author ? author : "someone else");
			return -1;
		}
	}
	if (!op->fields) {
		record_free_values(rec, op->g);
		memmove(rec, rec + 1, (l->count - op->index - 1) * sizeof(*rec));
		l->count--;
		if (op->g == GROUP_SERVICE && returns_still_assessed(c, kase))
			return -1;
		snprintf(buf, sizeof(buf), "%s item %zu removed", gd->name, op->index + 1);
	} else {
		static const char *const comment_fixed[] = { "snd_CommentAuthor", "snd_CommentDate", NULL };
		unsigned char *set = xcalloc((size_t)gd->nfields, 1);
		struct strbuf names = STRBUF_INIT;
		const char *key;
		json_t *v;
		json_object_foreach(op->fields, key, v) {
			for (int k = 0; op->g == GROUP_COMMENT && comment_fixed[k]; k++)
				if (!strcmp(key, comment_fixed[k])) {
					reply_error(c, 400, "invalid", "%s: a comment keeps its author and date", key);
					free(set);
					return -1;
				}
		}
		if (case_apply_fields(c, rec, op->g, op->fields, NULL, set)) {
			free(set);
			return -1;
		}
		if (op->g == GROUP_SERVICE) {
			const char *type = rec->value[domain_field_index(GROUP_SERVICE, "snd_ServiceType")];
			if (returns_still_assessed(c, kase)) {
				free(set);
				return -1;
			}
			if (type && (!strcmp(type, "Return") || !strcmp(type, "Reintegration")))
				case_advance_stage(kase, "ReturnedReintegrated");
		}
		/* the audit names the fields changed, never their values */
		for (int i = 0; i < gd->nfields; i++)
			if (set[i])
				strbuf_addf(&names, "%s%s", names.len ? "," : "", gd->fields[i].name);
		snprintf(buf, sizeof(buf), "%s item %zu changed: fields %.900s", gd->name, op->index + 1,
			 strbuf_str(&names));
		strbuf_release(&names);
		free(set);
	}
	*detail = xstrdup(buf);
	return 0;
}

void api_case_item_update(struct http_ctx *c)
{
	struct item_op op;
	json_t *fields;
	if (item_group(c, &op))
		return;
	fields = json_deep_copy(c->req->json);
	json_object_del(fields, "version");
	if (!json_object_size(fields)) {
		json_decref(fields);
		reply_error(c, 400, "invalid", "give the fields of %s item %zu to change", domain_group(op.g)->name,
			    op.index + 1);
		return;
	}
	{
		/* a misspelt key is refused before anything is loaded or locked */
		const char *key;
		json_t *v;
		json_object_foreach(fields, key, v) {
			if (domain_field_index(op.g, key) < 0) {
				reply_error(c, 400, "invalid", "'%.60s' is not a field of %s", key, domain_group(op.g)->name);
				json_decref(fields);
				http_response_error_item(c->resp, domain_group(op.g)->name, (long)op.index + 1);
				return;
			}
		}
	}
	op.fields = fields;
	case_change(c, item_change, &op, AUDIT_UPDATE, NULL, 200);
	json_decref(fields);
	http_response_error_item(c->resp, domain_group(op.g)->name, (long)op.index + 1);
}

void api_case_item_delete(struct http_ctx *c)
{
	static const char *const keys[] = { "version", NULL };
	struct item_op op;
	if (body_only(c, keys) || item_group(c, &op))
		return;
	op.fields = NULL;
	case_change(c, item_change, &op, AUDIT_UPDATE, NULL, 200);
}
