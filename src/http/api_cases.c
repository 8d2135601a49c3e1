/*
 * http/api_cases.c: the case register — list and search, create, read,
 * change fields, add items to the repeating groups.  The gate has already
 * loaded the case and checked the caller's access for routes with {ref};
 * changes go through case_change (cases_common.c).
 *
 * Lists page by keyset (the cursor is the last case's storage id), so page
 * 1000 costs what page 1 costs.  Which cases a list may contain is decided
 * by policy for each row; the query only narrows the rows it looks at
 * (the caller's organisation, or the cases consented to a liaison's scope,
 * or referred to the caller's organisation).
 */
#include "http/cases_internal.h"

#include "crypto/crypto.h"
#include "exporter/exporter.h"
#include "importer/importer.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LIST_DEFAULT 50
#define LIST_MAX 200

/* Fields that change only through their lifecycle endpoint, so that each
 * such change is validated and audited as what it is. */
static const char *const lifecycle_fields[] = {
	"cas_CaseOwner", "cas_Status", "snd_Stage", "snd_ClosureReason", "cas_ReasonForCaseClosure",
	"snd_ClosedDate", "vic_TraffickingStatus", "vic_TraffickingStatusDecisionMakingOrg",
	"snd_StatusDecidedBy", NULL,
};

/* ---- list ---- */

struct list_ctx {
	struct http_ctx *c;
	json_t *rows;
	int64_t limit, count, last_id;
	int full;
	const char *today;
};

static int list_row(const struct case_record *kase, void *arg)
{
	struct list_ctx *lc = arg;
	if (policy_case_access(&lc->c->pu, kase) == ACCESS_NONE)
		return 0;
	json_array_append_new(lc->rows, case_summary_json(lc->c, kase));
	lc->count++;
	lc->last_id = kase->id;
	if (lc->count >= lc->limit) {
		lc->full = 1;
		return 1; /* stop: the page is full */
	}
	return 0;
}

/* Query parameters shared by the list and the caseload: stage, status,
 * owner, overdue.  Replies 400 and returns -1 on a bad one. */
static int list_filters(struct http_ctx *c, struct case_query *q, const char *today)
{
	const char *stage = http_query(c->req, "stage"), *status = http_query(c->req, "status");
	const char *overdue = http_query(c->req, "overdue");
	const struct vocab_entry *e;
	if (stage) {
		if (!(e = vocab_find("case_stage", stage))) {
			reply_error(c, 400, "invalid", "stage: '%.40s' is not a value of list 'case_stage'", stage);
			return -1;
		}
		q->stage = e->code;
	}
	if (status) {
		if (!(e = vocab_find("case_status", status))) {
			reply_error(c, 400, "invalid", "status: '%.40s' is not a value of list 'case_status'", status);
			return -1;
		}
		q->status = e->code;
	}
	if (http_query(c->req, "owner"))
		q->owner = http_query(c->req, "owner");
	if (overdue && (!strcmp(overdue, "1") || !strcmp(overdue, "true"))) {
		q->followup_before = today;
		q->open_only = 1;
	} else if (overdue && strcmp(overdue, "0") && strcmp(overdue, "false")) {
		reply_error(c, 400, "invalid", "overdue: give true or false");
		return -1;
	}
	return 0;
}

/* A name search: the best matches the caller may see, no paging. */
static void cases_search(struct http_ctx *c, const char *text, const struct case_query *q,
			 struct list_ctx *lc)
{
	struct sanad_error err = { 0 };
	struct name_match *m = NULL;
	size_t n = 0;
	const char *org = c->pu.role == ROLE_LIAISON ? NULL : c->user.org_code;
	char detail[64];

	if (storage_case_search_name(c->st, text, org, 200, &m, &n, &err)) {
		reply_sanad_error(c, &err);
		return;
	}
	for (size_t i = 0; i < n && !lc->full; i++) {
		struct case_record kase;
		if (storage_case_get_by_id(c->st, m[i].case_id, &kase, &err)) {
			case_record_release(&kase);
			continue;
		}
		/* the other filters, on the record */
		if ((q->stage && (!case_get(&kase, "snd_Stage") || strcmp(case_get(&kase, "snd_Stage"), q->stage))) ||
		    (q->status && (!case_get(&kase, "cas_Status") || strcmp(case_get(&kase, "cas_Status"), q->status))) ||
		    (q->owner && (!case_get(&kase, "cas_CaseOwner") || strcmp(case_get(&kase, "cas_CaseOwner"), q->owner))) ||
		    (q->followup_before && !case_is_overdue(&kase, lc->today))) {
			case_record_release(&kase);
			continue;
		}
		if (policy_case_access(&c->pu, &kase) != ACCESS_NONE) {
			json_t *row = case_summary_json(c, &kase);
			json_object_set_new(row, "score", json_integer(m[i].score));
			json_array_append_new(lc->rows, row);
			if (++lc->count >= lc->limit)
				lc->full = 1;
		}
		case_record_release(&kase);
	}
	name_matches_free(m, n);
	snprintf(detail, sizeof(detail), "%lld results", (long long)lc->count);
	if (audit_as_caller(c, AUDIT_SEARCH, NULL, detail, &err)) {
		reply_sanad_error(c, &err);
		return;
	}
	{
		json_t *o = json_object();
		json_object_set_new(o, "cases", lc->rows);
		json_object_set_new(o, "next_cursor", json_null());
		lc->rows = NULL;
		reply_json(c, 200, o);
	}
}

void api_cases_list(struct http_ctx *c)
{
	struct case_query q = { 0 };
	struct sanad_error err = { 0 };
	struct list_ctx lc = { c, NULL, LIST_DEFAULT, 0, 0, 0, NULL };
	const char *limit = http_query(c->req, "limit"), *cursor = http_query(c->req, "cursor");
	const char *scope = http_query(c->req, "scope"), *text = http_query(c->req, "q");
	char today[11];
	int rc;
	json_t *o;

	today_string(today);
	lc.today = today;
	if (limit && parse_int64(limit, 1, LIST_MAX, &lc.limit)) {
		reply_error(c, 400, "invalid", "limit: give a whole number from 1 to %d", LIST_MAX);
		return;
	}
	if (cursor && parse_int64(cursor, 0, INT64_MAX, &q.after_id)) {
		reply_error(c, 400, "invalid", "cursor: give the next_cursor of the previous page");
		return;
	}
	if (list_filters(c, &q, today))
		return;
	if (c->pu.role == ROLE_LIAISON) {
		/* a liaison sees only consented cases: look only at cases with a
		 * consent of its scope */
		q.consent_scope = policy_liaison_scope(&c->pu);
		q.with_children = 1;
		if (!q.consent_scope)
			q.org_code = ""; /* an organisation type without a scope: nothing */
	} else if (scope && !strcmp(scope, "referred")) {
		q.referred_to = c->user.org_code ? c->user.org_code : "";
		q.with_children = 1;
	} else if (!scope || !strcmp(scope, "own")) {
		q.org_code = c->user.org_code ? c->user.org_code : "";
		q.fields = case_summary_fields; /* own cases: no repeating part is needed */
		/* those who see only their own cases: let the index find them */
		if (!q.owner && (c->pu.role == ROLE_HOTLINE || (c->pu.role == ROLE_CASEWORKER && c->pu.own_cases_only)))
			q.owner = c->user.username;
	} else {
		reply_error(c, 400, "invalid", "scope: give 'own' (the default) or 'referred'");
		return;
	}
	lc.rows = json_array();
	if (text && *text) {
		cases_search(c, text, &q, &lc);
		json_decref(lc.rows);
		return;
	}
	rc = storage_case_each(c->st, &q, list_row, &lc, &err);
	if (rc < 0) {
		json_decref(lc.rows);
		reply_sanad_error(c, &err);
		return;
	}
	if (lc.count) {
		char detail[64];
		snprintf(detail, sizeof(detail), "%lld cases", (long long)lc.count);
		if (audit_as_caller(c, AUDIT_LIST, NULL, detail, &err)) {
			json_decref(lc.rows);
			reply_sanad_error(c, &err);
			return;
		}
	}
	o = json_object();
	json_object_set_new(o, "cases", lc.rows);
	if (lc.full) {
		char next[32];
		snprintf(next, sizeof(next), "%lld", (long long)lc.last_id);
		json_object_set_new(o, "next_cursor", json_string(next));
	} else {
		json_object_set_new(o, "next_cursor", json_null());
	}
	reply_json(c, 200, o);
}

/* ---- create ---- */

static void default_field(struct case_record *kase, const char *field, const char *value)
{
	if (!case_get(kase, field))
		case_set(kase, field, value, NULL);
}

void api_cases_create(struct http_ctx *c)
{
	struct sanad_error err = { 0 };
	struct case_record kase;
	const char *org, *owner;
	char today[11], location[300];

	if (json_object_get(c->req->json, "referrals")) {
		reply_error(c, 400, "invalid", "referrals are made with POST /api/v1/cases/{ref}/referrals, "
			    "which checks the person's consent");
		return;
	}
	if (json_object_get(c->req->json, "snd_CaseRef")) {
		reply_error(c, 400, "invalid", "snd_CaseRef is given by Sanad");
		return;
	}
	if (import_json_case(c->req->body.buf, c->req->body.len, &kase, &err)) {
		case_record_release(&kase);
		reply_sanad_error(c, &err);
		return;
	}
	org = case_get(&kase, "snd_Organisation");
	if (!org)
		case_set(&kase, "snd_Organisation", c->user.org_code, NULL);
	owner = case_get(&kase, "cas_CaseOwner");
	/* a hotline operator keeps only the intakes it owns */
	if (!owner || c->user.role == ROLE_HOTLINE)
		case_set(&kase, "cas_CaseOwner", c->user.username, NULL);
	today_string(today);
	default_field(&kase, "snd_RegistrationDate", today);
	default_field(&kase, "cas_Status", "Active");
	if (!policy_case_allows(&c->pu, &kase, ACT_CASE_CREATE)) {
		case_record_release(&kase);
		reply_error(c, 403, "forbidden", "a case you create belongs to your organisation (%s)",
			    c->user.org_code ? c->user.org_code : "none");
		return;
	}
	case_record_derive(&kase);
	if (case_record_validate(&kase, &err) || storage_begin(c->st, &err)) {
		case_record_release(&kase);
		reply_sanad_error(c, &err);
		return;
	}
	if (storage_case_insert(c->st, &kase, &err) ||
	    audit_as_caller(c, AUDIT_CREATE, case_get(&kase, "snd_CaseRef"), NULL, &err) ||
	    storage_commit(c->st, &err)) {
		storage_rollback(c->st);
		case_record_release(&kase);
		reply_sanad_error(c, &err);
		return;
	}
	case_reply(c, 201, &kase);
	snprintf(location, sizeof(location), "/api/v1/cases/%.200s", case_get(&kase, "snd_CaseRef"));
	http_response_header(c->resp, "Location", location);
	case_record_release(&kase);
}

/* ---- read ---- */

/* case_reply for a caller who sees the whole case, with the same bytes:
 * policy_redact leaves such a case as it is, so the body is the case's own
 * export and its version the hash of that export's text.  Exporting and
 * serialising once instead of three times (copy, version, body) was most
 * of a case read's CPU time. */
/* What an answer sent from the cache holds until it has been sent. */
struct held_answer {
	struct http_cache *cache;
	const struct http_cached_case *cached;
};

static void held_answer_release(void *ctx)
{
	struct held_answer *h = ctx;
	http_cache_case_drop(h->cache, h->cached);
	free(h);
}

static void etag_header(struct http_ctx *c, const char *version)
{
	char etag[40];
	etag[0] = '"';
	memcpy(etag + 1, version, 32);
	etag[33] = '"';
	etag[34] = '\0';
	http_response_header(c->resp, "ETag", etag);
}

/* The answer kept in the cache, sent from there: every read of the same
 * case with the same access is the same bytes, and copying 4 KB into
 * each answer was 3% of a read's CPU. */
static int cached_answer_reply(struct http_ctx *c, int which)
{
	struct held_answer *h;
	size_t len;
	const char *text = http_cache_case_answer_hold(c->cache, c->cached, which, &len);
	if (!text)
		return 0;
	h = xmalloc(sizeof(*h));
	h->cache = c->cache;
	h->cached = c->cached;
	http_response_json_borrowed(c->resp, 200, text, len, held_answer_release, h);
	etag_header(c, c->cached->version);
	return 1;
}

static void full_case_reply(struct http_ctx *c)
{
	struct strbuf sb = STRBUF_INIT, out = STRBUF_INIT;
	const char *body;
	char version[33], *ref;
	json_t *ref_json;
	size_t len;
	int which = c->access == ACCESS_WRITE;

	if (c->cached && cached_answer_reply(c, which))
		return;
	/* the server remembers the body of a case it has read (cache.c): the
	 * same bytes as serialising it again */
	body = http_cached_case_body(c->cache, c->cached, &len);
	if (body) {
		memcpy(version, c->cached->version, sizeof(version));
	} else {
		json_t *j = export_case_json(&c->kase, 0);
		char *text = json_dumps(j, JSON_COMPACT | JSON_PRESERVE_ORDER);
		char hex[CRYPTO_HASH_HEX];
		crypto_hash_hex(text, strlen(text), hex);
		snprintf(version, sizeof(version), "%.32s", hex); /* case_version's length */
		http_json_escape(&sb, text, strlen(text));
		free(text);
		json_decref(j);
		http_cache_case_set_body(c->cache, c->cached, sb.buf, sb.len, version);
		body = strbuf_str(&sb);
		len = sb.len;
	}
	/* {"ref":…,"access":…,"version":…,"case":…} as http_response_json
	 * writes it (compact, in this order, < > & escaped) */
	ref_json = json_string(case_get(&c->kase, "snd_CaseRef"));
	ref = json_dumps(ref_json, JSON_COMPACT | JSON_ENCODE_ANY);
	json_decref(ref_json);
	strbuf_grow(&out, len + 160); /* the whole answer, grown once */
	strbuf_addstr(&out, "{\"ref\":");
	http_json_escape(&out, ref ? ref : "null", ref ? strlen(ref) : 4);
	strbuf_addstr(&out, ",\"access\":\"");
	strbuf_addstr(&out, case_access_name(c->access));
	strbuf_addstr(&out, "\",\"version\":\"");
	strbuf_addstr(&out, version);
	strbuf_addstr(&out, "\",\"case\":");
	strbuf_add(&out, body, len);
	strbuf_addch(&out, '}');
	free(ref);
	strbuf_release(&sb);
	if (c->cached) {
		/* kept whole, final newline included, for the next reads */
		strbuf_addch(&out, '\n');
		http_cache_case_set_answer(c->cache, c->cached, which, out.buf, out.len);
		if (cached_answer_reply(c, which)) {
			strbuf_release(&out);
			return;
		}
		out.buf[--out.len] = '\0'; /* http_response_json_take adds it */
	}
	http_response_json_take(c->resp, 200, &out);
	etag_header(c, version);
}

void api_cases_get(struct http_ctx *c)
{
	struct sanad_error err = { 0 };
	char detail[40] = "access=";
	strncat(detail, case_access_name(c->access), sizeof(detail) - sizeof("access="));
	/* no record of the view, no view */
	if (audit_as_caller(c, AUDIT_VIEW, case_get(&c->kase, "snd_CaseRef"), detail, &err)) {
		reply_sanad_error(c, &err);
		return;
	}
	if (c->access == ACCESS_READ || c->access == ACCESS_WRITE)
		full_case_reply(c);
	else
		case_reply(c, 200, &c->kase);
}

/* ---- change fields ---- */

/* Fields derived from others, sources first (domain's case_record_derive). */
static const char *const derived_fields[] = { "snd_Sex", "snd_AgeAtIdentification", "snd_AgeBroad",
					      "snd_MajorityStatus", "snd_YearOfRegistration" };
#define NDERIVED (sizeof(derived_fields) / sizeof(derived_fields[0]))

/* Before deriving again: clear each derived field the change did not set
 * whose old value was itself derived (re-deriving the old record gives it),
 * so that it follows its changed sources; a value entered by hand stays. */
static void clear_stale_derived(struct case_record *kase, const struct case_record *old, const unsigned char *set)
{
	for (size_t k = 0; k < NDERIVED; k++) {
		int i = domain_field_index(GROUP_CASE, derived_fields[k]);
		struct case_record probe;
		int derived;
		if (set[i] || !old->main.value[i])
			continue;
		case_record_copy(&probe, old);
		for (size_t j = k; j < NDERIVED; j++) {
			int d = domain_field_index(GROUP_CASE, derived_fields[j]);
			free(probe.main.value[d]);
			probe.main.value[d] = NULL;
		}
		case_record_derive(&probe);
		derived = probe.main.value[i] && !strcmp(probe.main.value[i], old->main.value[i]);
		case_record_release(&probe);
		if (derived) {
			free(kase->main.value[i]);
			kase->main.value[i] = NULL;
		}
	}
}

static int change_fields(struct http_ctx *c, struct case_record *kase, void *arg, char **detail)
{
	json_t *fields = arg;
	int n = domain_group(GROUP_CASE)->nfields;
	unsigned char *set = xcalloc((size_t)n, 1);
	struct case_record old;
	struct strbuf names = STRBUF_INIT;
	int rc;

	case_record_copy(&old, kase);
	rc = case_apply_fields(c, &kase->main, GROUP_CASE, fields, lifecycle_fields, set);
	if (!rc) {
		clear_stale_derived(kase, &old, set);
		/* the audit names the fields changed, never their values */
		for (int i = 0; i < n; i++)
			if (set[i])
				strbuf_addf(&names, "%s%s", names.len ? "," : "fields ",
					    domain_group(GROUP_CASE)->fields[i].name);
		*detail = xstrndup(strbuf_str(&names), names.len < 900 ? names.len : 900);
	}
	strbuf_release(&names);
	case_record_release(&old);
	free(set);
	return rc;
}

void api_cases_update(struct http_ctx *c)
{
	json_t *fields = json_deep_copy(c->req->json);
	json_object_del(fields, "version");
	if (!json_object_size(fields)) {
		json_decref(fields);
		reply_error(c, 400, "invalid", "give the case fields to change");
		return;
	}
	case_change(c, change_fields, fields, AUDIT_UPDATE, NULL, 200);
	json_decref(fields);
}

/* ---- add an item to a repeating group ---- */

/* The stages in lifecycle order: an action moves a case forward only. */
static const char *const stage_order[] = { "Identified", "Referred", "Assisted", "ReturnedReintegrated",
					   "Closed", NULL };

static int stage_rank(const char *stage)
{
	for (int i = 0; stage && stage_order[i]; i++)
		if (!strcmp(stage_order[i], stage))
			return i;
	return -1;
}

void case_advance_stage(struct case_record *kase, const char *stage)
{
	if (stage_rank(case_get(kase, "snd_Stage")) < stage_rank(stage))
		case_set(kase, "snd_Stage", stage, NULL);
}

int case_check_return(struct http_ctx *c, const struct case_record *kase, const struct record *service)
{
	int ti = domain_field_index(GROUP_SERVICE, "snd_ServiceType");
	int si = domain_field_index(GROUP_SERVICE, "snd_ServiceStart");
	const char *start = service->value[si];
	if (!service->value[ti] || strcmp(service->value[ti], "Return"))
		return 0;
	for (size_t k = 0; k < kase->child[GROUP_SERVICE].count; k++) {
		const struct record *r = &kase->child[GROUP_SERVICE].items[k];
		if (r == service || !r->value[ti] || strcmp(r->value[ti], "RiskAssessment"))
			continue;
		if (!start || !r->value[si] || strcmp(r->value[si], start) <= 0)
			return 0;
	}
	reply_error(c, 409, "risk_assessment_required",
		    "a return needs a recorded risk and security assessment first: add a service of type "
		    "RiskAssessment dated on or before the return%s%s", start ? " (" : "", start ? start : "");
	return -1;
}

static int add_item(struct http_ctx *c, struct case_record *kase, void *arg, char **detail)
{
	enum group_id g = (enum group_id)c->route->arg;
	const struct group_def *gd = domain_group(g);
	json_t *fields = arg;
	struct record *rec;
	char today[11], buf[120];

	if (kase->child[g].count >= (size_t)gd->max_items) {
		reply_error(c, 400, "limit", "%s: a case has at most %d", gd->name, gd->max_items);
		return -1;
	}
	rec = case_record_add_item(kase, g);
	if (case_apply_fields(c, rec, g, fields, NULL, NULL))
		return -1;
	today_string(today);
	if (g == GROUP_COMMENT) {
		int di = domain_field_index(g, "snd_CommentDate"), ai = domain_field_index(g, "snd_CommentAuthor");
		if (!rec->value[di])
			rec->value[di] = xstrdup(today);
		if (!rec->value[ai])
			rec->value[ai] = xstrdup(c->user.username);
	}
	if (g == GROUP_SERVICE && case_check_return(c, kase, rec))
		return -1;
	if (g == GROUP_SERVICE || g == GROUP_PLAN)
		case_advance_stage(kase, "Assisted");
	if (g == GROUP_SERVICE) {
		int ti = domain_field_index(g, "snd_ServiceType");
		if (rec->value[ti] && (!strcmp(rec->value[ti], "Return") || !strcmp(rec->value[ti], "Reintegration")))
			case_advance_stage(kase, "ReturnedReintegrated");
	}
	snprintf(buf, sizeof(buf), "%s item %zu added", gd->name, kase->child[g].count);
	*detail = xstrdup(buf);
	return 0;
}

void api_case_items_add(struct http_ctx *c)
{
	json_t *fields = json_deep_copy(c->req->json);
	json_object_del(fields, "version");
	case_change(c, add_item, fields, AUDIT_UPDATE, NULL, 201);
	json_decref(fields);
}
