/*
 * policy/policy.c: the authorisation rules of policy.h as code.  Design
 * note (the invariants every caller relies on):
 *
 *   1. Deny by default: an unknown role, a missing organisation, a case
 *      without snd_Organisation, or any doubt gives ACCESS_NONE.
 *   2. Access comes from exactly three sources: membership of the owning
 *      organisation (by role), a referral addressed to the user's
 *      organisation (with current Referral consent), or a liaison consent.
 *      Nothing else — not the sysadmin role, not a shared deployment —
 *      opens a case.
 *   3. Consent is read from the record each time, so revoking it (adding a
 *      later consent item with snd_ConsentGiven false) ends the sharing at
 *      the next request; no grant is cached anywhere.
 *   4. The firewall is decided by the organisation's type, not only by the
 *      liaison role: no user of a law-enforcement or immigration
 *      organisation sees support-service data of a case it does not own.
 */
#include "policy/policy.h"

#include <stdlib.h>
#include <string.h>

static const char *const role_names[ROLE_COUNT] = {
	[ROLE_NONE] = "none",
	[ROLE_SYSADMIN] = "sysadmin",
	[ROLE_ORG_ADMIN] = "org_admin",
	[ROLE_SUPERVISOR] = "supervisor",
	[ROLE_CASEWORKER] = "caseworker",
	[ROLE_HOTLINE] = "hotline",
	[ROLE_ANALYST] = "analyst",
	[ROLE_COORDINATOR] = "coordinator",
	[ROLE_LIAISON] = "liaison",
};

const char *role_name(enum role r)
{
	return (unsigned)r < ROLE_COUNT ? role_names[r] : "none";
}

enum role role_parse(const char *name)
{
	for (int r = 1; name && r < ROLE_COUNT; r++)
		if (!ascii_strcasecmp(name, role_names[r]))
			return (enum role)r;
	return ROLE_NONE;
}

int role_needs_org(enum role r)
{
	return r != ROLE_NONE && r != ROLE_SYSADMIN && r != ROLE_COORDINATOR;
}

const char *case_access_name(enum case_access a)
{
	switch (a) {
	case ACCESS_NONE: return "none";
	case ACCESS_REFERRAL: return "referral";
	case ACCESS_LIAISON: return "liaison";
	case ACCESS_SHARED: return "shared";
	case ACCESS_READ: return "read";
	case ACCESS_WRITE: return "write";
	}
	return "none";
}

static const char *const action_names[ACT_COUNT] = {
	[ACT_CASE_LIST] = "case_list",
	[ACT_CASE_READ] = "case_read",
	[ACT_CASE_CREATE] = "case_create",
	[ACT_CASE_UPDATE] = "case_update",
	[ACT_CASE_HANDOVER] = "case_handover",
	[ACT_CASE_ADD_NOTE] = "case_add_note",
	[ACT_CONSENT_RECORD] = "consent_record",
	[ACT_REFERRAL_CREATE] = "referral_create",
	[ACT_REFERRAL_DECIDE] = "referral_decide",
	[ACT_CASELOAD_VIEW] = "caseload_view",
	[ACT_TEAM_VIEW] = "team_view",
	[ACT_STATS_VIEW] = "stats_view",
	[ACT_EXPORT] = "export",
	[ACT_IMPORT] = "import",
	[ACT_USER_ADMIN_ORG] = "user_admin_org",
	[ACT_USER_ADMIN_ALL] = "user_admin_all",
	[ACT_ORG_ADMIN] = "org_admin",
	[ACT_AUDIT_VIEW_ORG] = "audit_view_org",
	[ACT_AUDIT_VIEW_ALL] = "audit_view_all",
	[ACT_AUDIT_VERIFY] = "audit_verify",
	[ACT_SELF] = "self",
};

const char *policy_action_name(enum policy_action a)
{
	return (unsigned)a < ACT_COUNT ? action_names[a] : "unknown";
}

/* The role x action matrix.  Columns in enum role order from SYSADMIN:
 *                     sys  oadm sup  cw   hot  ana  coo  lia */
#define ROW(a, b, c, d, e, f, g, h) { 0, a, b, c, d, e, f, g, h }
static const unsigned char matrix[ACT_COUNT][ROLE_COUNT] = {
	[ACT_CASE_LIST] =       ROW(0, 0, 1, 1, 1, 0, 0, 1),
	[ACT_CASE_READ] =       ROW(0, 0, 1, 1, 1, 0, 0, 1),
	[ACT_CASE_CREATE] =     ROW(0, 0, 1, 1, 1, 0, 0, 0),
	[ACT_CASE_UPDATE] =     ROW(0, 0, 1, 1, 1, 0, 0, 0),
	[ACT_CASE_HANDOVER] =   ROW(0, 0, 1, 0, 0, 0, 0, 0),
	[ACT_CASE_ADD_NOTE] =   ROW(0, 0, 1, 1, 1, 0, 0, 0),
	[ACT_CONSENT_RECORD] =  ROW(0, 0, 1, 1, 1, 0, 0, 0),
	[ACT_REFERRAL_CREATE] = ROW(0, 0, 1, 1, 1, 0, 0, 0),
	[ACT_REFERRAL_DECIDE] = ROW(0, 0, 1, 1, 0, 0, 0, 0),
	[ACT_CASELOAD_VIEW] =   ROW(0, 0, 1, 1, 1, 0, 0, 0),
	[ACT_TEAM_VIEW] =       ROW(0, 0, 1, 0, 0, 0, 0, 0),
	[ACT_STATS_VIEW] =      ROW(0, 1, 1, 0, 0, 1, 1, 0),
	[ACT_EXPORT] =          ROW(0, 0, 1, 0, 0, 0, 0, 0),
	[ACT_IMPORT] =          ROW(0, 0, 1, 0, 0, 0, 0, 0),
	[ACT_USER_ADMIN_ORG] =  ROW(0, 1, 0, 0, 0, 0, 0, 0),
	[ACT_USER_ADMIN_ALL] =  ROW(1, 0, 0, 0, 0, 0, 0, 0),
	[ACT_ORG_ADMIN] =       ROW(1, 0, 0, 0, 0, 0, 0, 0),
	[ACT_AUDIT_VIEW_ORG] =  ROW(0, 1, 0, 0, 0, 0, 0, 0),
	[ACT_AUDIT_VIEW_ALL] =  ROW(1, 0, 0, 0, 0, 0, 0, 0),
	[ACT_AUDIT_VERIFY] =    ROW(1, 0, 0, 0, 0, 0, 0, 0),
	[ACT_SELF] =            ROW(1, 1, 1, 1, 1, 1, 1, 1),
};

int policy_allows(enum role r, enum policy_action a)
{
	if ((unsigned)r >= ROLE_COUNT || (unsigned)a >= ACT_COUNT)
		return 0;
	return matrix[a][r];
}

static int same(const char *a, const char *b)
{
	return a && b && *a && !strcmp(a, b);
}

static int same_code(const char *a, const char *b)
{
	return a && b && *a && !ascii_strcasecmp(a, b);
}

int policy_behind_firewall(const struct policy_user *u)
{
	return u && u->org_type &&
	       (same_code(u->org_type, "LawEnforcement") || same_code(u->org_type, "ImmigrationService"));
}

const char *policy_liaison_scope(const struct policy_user *u)
{
	if (!u || u->role != ROLE_LIAISON || !u->org_type)
		return NULL;
	if (same_code(u->org_type, "LawEnforcement"))
		return POLICY_SCOPE_LAW_ENFORCEMENT;
	if (same_code(u->org_type, "ImmigrationService"))
		return POLICY_SCOPE_IMMIGRATION;
	return NULL;
}

static const char *item_value(const struct record *r, enum group_id g, const char *field)
{
	int i = domain_field_index(g, field);
	return i >= 0 ? r->value[i] : NULL;
}

int policy_consent_current(const struct case_record *c, const char *scope, const char *recipient_org)
{
	const struct record *latest = NULL;
	const char *latest_date = NULL;
	if (!c || !scope || !recipient_org || !*recipient_org)
		return 0;
	for (size_t k = 0; k < c->child[GROUP_CONSENT].count; k++) {
		const struct record *r = &c->child[GROUP_CONSENT].items[k];
		const char *s = item_value(r, GROUP_CONSENT, "snd_ConsentScope");
		const char *to = item_value(r, GROUP_CONSENT, "snd_ConsentRecipient");
		const char *date = item_value(r, GROUP_CONSENT, "snd_ConsentDate");
		if (!same_code(s, scope))
			continue;
		if (to && *to && !same_code(to, recipient_org))
			continue;
		/* ISO dates compare as strings; an undated record is oldest */
		if (!latest || (date ? (!latest_date || strcmp(date, latest_date) >= 0) : !latest_date)) {
			latest = r;
			latest_date = date;
		}
	}
	return latest && same(item_value(latest, GROUP_CONSENT, "snd_ConsentGiven"), "true");
}

/* Access through referrals addressed to u's organisation. */
static enum case_access referral_access(const struct policy_user *u, const struct case_record *c)
{
	int pending = 0, accepted = 0;
	if (!policy_consent_current(c, POLICY_SCOPE_REFERRAL, u->org_code))
		return ACCESS_NONE;
	for (size_t k = 0; k < c->child[GROUP_REFERRAL].count; k++) {
		const struct record *r = &c->child[GROUP_REFERRAL].items[k];
		const char *to = item_value(r, GROUP_REFERRAL, "cas_ReferredOrganisation");
		const char *status = item_value(r, GROUP_REFERRAL, "snd_ReferralStatus");
		const char *worker = item_value(r, GROUP_REFERRAL, "cas_ReferredPrimaryCaseWorker");
		if (!same_code(to, u->org_code))
			continue;
		/* in an own_cases_only organisation a caseworker sees only the
		 * referrals addressed to them; the supervisor sees all */
		if (u->role == ROLE_CASEWORKER && u->own_cases_only && !same(worker, u->username))
			continue;
		if (!status || same_code(status, "Pending"))
			pending = 1;
		else if (same_code(status, "Accepted"))
			accepted = 1;
	}
	return accepted ? ACCESS_SHARED : pending ? ACCESS_REFERRAL : ACCESS_NONE;
}

enum case_access policy_case_access(const struct policy_user *u, const struct case_record *c)
{
	const char *owner_org, *owner;
	int member;
	if (!u || !c || (unsigned)u->role >= ROLE_COUNT)
		return ACCESS_NONE;
	owner_org = case_get(c, "snd_Organisation");
	owner = case_get(c, "cas_CaseOwner");
	member = same(u->org_code, owner_org);
	switch (u->role) {
	case ROLE_SUPERVISOR:
		return member ? ACCESS_WRITE : referral_access(u, c);
	case ROLE_CASEWORKER:
		if (member && (!u->own_cases_only || same(owner, u->username)))
			return ACCESS_WRITE;
		return member ? ACCESS_NONE : referral_access(u, c);
	case ROLE_HOTLINE:
		return member && same(owner, u->username) ? ACCESS_WRITE : ACCESS_NONE;
	case ROLE_LIAISON: {
		const char *scope = policy_liaison_scope(u);
		return scope && policy_consent_current(c, scope, u->org_code) ? ACCESS_LIAISON : ACCESS_NONE;
	}
	case ROLE_NONE:
	case ROLE_SYSADMIN:
	case ROLE_ORG_ADMIN:
	case ROLE_ANALYST:
	case ROLE_COORDINATOR:
	case ROLE_COUNT:
		break;
	}
	return ACCESS_NONE;
}

int policy_case_allows(const struct policy_user *u, const struct case_record *c, enum policy_action a)
{
	enum case_access acc;
	if (!u || !policy_allows(u->role, a))
		return 0;
	acc = policy_case_access(u, c);
	switch (a) {
	case ACT_CASE_LIST:
	case ACT_CASE_READ:
		return acc != ACCESS_NONE;
	case ACT_CASE_UPDATE:
	case ACT_CONSENT_RECORD:
	case ACT_REFERRAL_CREATE:
		return acc == ACCESS_WRITE;
	case ACT_CASE_HANDOVER:
		return acc == ACCESS_WRITE && u->role == ROLE_SUPERVISOR;
	case ACT_CASE_ADD_NOTE:
		return acc == ACCESS_WRITE || acc == ACCESS_SHARED;
	case ACT_REFERRAL_DECIDE:
		return acc == ACCESS_REFERRAL || acc == ACCESS_SHARED;
	case ACT_CASE_CREATE:
		/* a new case must belong to the creator's organisation */
		return same(u->org_code, case_get(c, "snd_Organisation"));
	default:
		return 0; /* not a case action: ask policy_allows */
	}
}

/* ---- field sets of the restricted views ---- */

/* Pending referral: enough to decide whether to take the person on, and
 * nothing that identifies them. */
static const char *const referral_case_fields[] = {
	"snd_CaseRef", "snd_Organisation", "snd_RegistrationDate", "snd_IdentificationDate", "cas_Status",
	"snd_Stage", "prs_Gender", "snd_Sex", "snd_AgeBroad", "snd_MajorityStatus", "prs_PrimaryLanguage",
	"prs_SecondaryLanguage", "prs_Citizenship", "snd_Disability", "vic_TraffickingStatus",
	"vic_TypeOfExploitation", NULL,
};

/* Law-enforcement liaison (consent scope SharingLawEnforcement): who the
 * person is, what was done to them, where and by whom — for the
 * investigation.  No contact details or address (where the victim lives
 * stays with the support organisations), no narratives, no support data. */
static const char *const le_case_fields[] = {
	"snd_CaseRef", "snd_Organisation", "snd_IdentificationDate", "prs_FirstName", "prs_MiddleName",
	"prs_SecondName", "prs_Birthdate", "prs_Gender", "snd_Sex", "prs_Citizenship", "prs_IdentityNumber",
	"prs_PrimaryLanguage", "snd_AgeBroad", "snd_MajorityStatus", "vic_TraffickingStatus",
	"vic_TraffickingStatusDecisionMakingOrg", "vic_TypeOfExploitation", "vic_MethodOfRecruitment",
	"vic_RecruitmentWebsitesAndApps", "vic_MethodsOfControl", "snd_CountryOfExploitation", "snd_PalermoAct",
	"snd_PalermoMeans", NULL,
};

/* Immigration liaison (consent scope SharingImmigration): what a residence
 * decision needs — identity, nationality, status as a victim — and
 * nothing about the exploitation or the support. */
static const char *const imm_case_fields[] = {
	"snd_CaseRef", "snd_Organisation", "snd_IdentificationDate", "prs_FirstName", "prs_MiddleName",
	"prs_SecondName", "prs_Birthdate", "prs_Gender", "snd_Sex", "prs_Citizenship", "prs_IdentityNumber",
	"prs_PrimaryLanguage", "snd_AgeBroad", "snd_MajorityStatus", "snd_MigrationStatus",
	"vic_TraffickingStatus", "vic_TraffickingStatusDecisionMakingOrg", NULL,
};

static int in_list(const char *const *list, const char *name)
{
	for (; *list; list++)
		if (!strcmp(*list, name))
			return 1;
	return 0;
}

int policy_group_hidden(const struct policy_user *u, enum case_access a, enum group_id g)
{
	const struct group_def *gd = domain_group(g);
	if (!gd)
		return 1;
	switch (a) {
	case ACCESS_WRITE:
	case ACCESS_READ:
		return 0;
	case ACCESS_SHARED:
		return gd->support_data && policy_behind_firewall(u);
	case ACCESS_REFERRAL:
		return g != GROUP_CASE && g != GROUP_REFERRAL && g != GROUP_CONSENT;
	case ACCESS_LIAISON: {
		const char *scope = policy_liaison_scope(u);
		if (g == GROUP_CASE || g == GROUP_CONSENT)
			return 0;
		if (scope && !strcmp(scope, POLICY_SCOPE_LAW_ENFORCEMENT))
			return g != GROUP_EVENT && g != GROUP_PERPETRATOR;
		return 1;
	}
	case ACCESS_NONE:
		break;
	}
	return 1;
}

int policy_field_visible(const struct policy_user *u, enum case_access a, enum group_id g, int i)
{
	const struct group_def *gd = domain_group(g);
	const struct field_def *f;
	if (!gd || i < 0 || i >= gd->nfields || policy_group_hidden(u, a, g))
		return 0;
	f = &gd->fields[i];
	switch (a) {
	case ACCESS_WRITE:
	case ACCESS_READ:
		return 1;
	case ACCESS_SHARED:
		return !((f->flags & FF_NARRATIVE) && policy_behind_firewall(u));
	case ACCESS_REFERRAL:
		if (g == GROUP_CASE)
			return in_list(referral_case_fields, f->name);
		return 1; /* referral and consent items: filtered to this organisation's by policy_redact */
	case ACCESS_LIAISON: {
		const char *scope = policy_liaison_scope(u);
		if (f->flags & FF_NARRATIVE)
			return 0;
		if (g == GROUP_CASE)
			return in_list(scope && !strcmp(scope, POLICY_SCOPE_LAW_ENFORCEMENT) ? le_case_fields
											  : imm_case_fields,
				       f->name);
		return 1; /* events, perpetrators (law enforcement) and own-scope consents */
	}
	case ACCESS_NONE:
		break;
	}
	return 0;
}

/* Keep only the items of group g for which keep() is true. */
static void filter_items(struct case_record *c, enum group_id g,
			 int (*keep)(const struct policy_user *, enum case_access, const struct record *),
			 const struct policy_user *u, enum case_access a)
{
	struct record_list *l = &c->child[g];
	const struct group_def *gd = domain_group(g);
	size_t out = 0;
	for (size_t k = 0; k < l->count; k++) {
		if (keep && keep(u, a, &l->items[k])) {
			l->items[out++] = l->items[k];
		} else {
			for (int i = 0; i < gd->nfields; i++)
				free(l->items[k].value[i]);
			free(l->items[k].value);
		}
	}
	l->count = out;
}

/* A receiver or liaison sees only the referrals addressed to its own
 * organisation, not where else the person was referred. */
static int keep_referral(const struct policy_user *u, enum case_access a, const struct record *r)
{
	(void)a;
	return same_code(item_value(r, GROUP_REFERRAL, "cas_ReferredOrganisation"), u->org_code);
}

/* ... and only the consent records its sharing rests on. */
static int keep_consent(const struct policy_user *u, enum case_access a, const struct record *r)
{
	const char *scope = a == ACCESS_LIAISON ? policy_liaison_scope(u) : POLICY_SCOPE_REFERRAL;
	const char *to = item_value(r, GROUP_CONSENT, "snd_ConsentRecipient");
	return same_code(item_value(r, GROUP_CONSENT, "snd_ConsentScope"), scope) &&
	       (!to || !*to || same_code(to, u->org_code));
}

static void clear_group(struct case_record *c, enum group_id g)
{
	filter_items(c, g, NULL, NULL, ACCESS_NONE);
}

enum case_access policy_redact(const struct policy_user *u, struct case_record *c)
{
	enum case_access a = policy_case_access(u, c);
	if (a == ACCESS_WRITE || a == ACCESS_READ)
		return a;
	if (a == ACCESS_NONE) {
		int64_t id = c->id;
		case_record_release(c);
		case_record_init(c);
		c->id = id;
		return a;
	}
	if (a == ACCESS_REFERRAL || a == ACCESS_LIAISON || a == ACCESS_SHARED) {
		filter_items(c, GROUP_REFERRAL, keep_referral, u, a);
		if (a != ACCESS_SHARED)
			filter_items(c, GROUP_CONSENT, keep_consent, u, a);
	}
	for (int g = 0; g < GROUP_COUNT; g++) {
		const struct group_def *gd = domain_group((enum group_id)g);
		if (g != GROUP_CASE && policy_group_hidden(u, a, (enum group_id)g)) {
			clear_group(c, (enum group_id)g);
			continue;
		}
		for (size_t k = 0; k < (g == GROUP_CASE ? 1 : c->child[g].count); k++) {
			struct record *r = g == GROUP_CASE ? &c->main : &c->child[g].items[k];
			for (int i = 0; i < gd->nfields; i++)
				if (r->value[i] && !policy_field_visible(u, a, (enum group_id)g, i)) {
					free(r->value[i]);
					r->value[i] = NULL;
				}
		}
	}
	return a;
}
