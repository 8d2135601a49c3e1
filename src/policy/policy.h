/*
 * policy: who may do what with which case.  Pure functions of (user, case
 * record): no storage, no clock, no globals, so every rule is unit-tested
 * exhaustively (tests/policy) and the HTTP gate, the CLI and the UI all ask
 * the same questions.  docs/security.md has the rules as a table.
 *
 * The rules in brief (issue 4 item 3; DOMAIN.md §4):
 *   - sysadmin and org_admin administer; they never read a case.
 *   - supervisor: every case of their organisation; hands cases over.
 *   - caseworker: their organisation's cases, or only the cases they own
 *     (cas_CaseOwner = username) where the organisation is own_cases_only.
 *   - hotline: creates intake cases, sees only the cases it owns
 *     (an intake is created with cas_CaseOwner = the operator).
 *   - analyst, coordinator: aggregates only, never a case.
 *   - liaison (law enforcement or immigration, by the organisation's
 *     org_type): a case only while its consent scope (SharingLawEnforcement
 *     / SharingImmigration) is current for the liaison's organisation
 *     (policy_consent_current), and then only a fixed minimal field set;
 *     never support-service data (groups with support_data) nor narratives.
 *   - referrals are sharing, not transfer: the sender stays the owner and
 *     keeps its record.  The receiving organisation of a referral sees a
 *     non-identifying summary while the referral is pending and the shared
 *     view (read, add services/comments/plans) once accepted — both only
 *     while the Referral consent is current for it.  A declined referral,
 *     or a revoked consent, shares nothing.  If the receiver is on the
 *     enforcement side of the firewall, support data never crosses.
 */
#ifndef SANAD_POLICY_H
#define SANAD_POLICY_H

#include "domain/domain.h"

enum role {
	ROLE_NONE = 0,
	ROLE_SYSADMIN,
	ROLE_ORG_ADMIN,
	ROLE_SUPERVISOR,
	ROLE_CASEWORKER,
	ROLE_HOTLINE,
	ROLE_ANALYST,
	ROLE_COORDINATOR,
	ROLE_LIAISON,
	ROLE_COUNT
};

/* "sysadmin", "org_admin", ... ; "none" for ROLE_NONE.  Static string. */
const char *role_name(enum role r);
/* Role by name (case-insensitive); ROLE_NONE if unknown. */
enum role role_parse(const char *name);
/* 1 if the role belongs to one organisation (every role but sysadmin and
 * coordinator). */
int role_needs_org(enum role r);

/* The user as policy sees it.  Borrowed pointers; nothing is freed. */
struct policy_user {
	enum role role;
	const char *username;
	const char *org_code;  /* NULL for sysadmin / coordinator */
	const char *org_type;  /* code of list org_type of the user's organisation */
	int own_cases_only;    /* the organisation's own_cases_only setting */
};

/* What a user may do with one case, weakest first.  Comparisons like
 * access >= ACCESS_READ are meaningful only among READ/WRITE; the two
 * restricted views are not ordered against each other. */
enum case_access {
	ACCESS_NONE = 0,     /* the case does not exist for this user: answer 404 */
	ACCESS_REFERRAL,     /* receiving org of a pending referral: summary only */
	ACCESS_LIAISON,      /* consented liaison: minimal fixed field set */
	ACCESS_SHARED,       /* receiving org of an accepted referral: read, add services/comments/plans */
	ACCESS_READ,         /* full read, no change */
	ACCESS_WRITE,        /* full read and change */
};
const char *case_access_name(enum case_access a);

enum case_access policy_case_access(const struct policy_user *u, const struct case_record *c);

/* Actions the HTTP gate and the CLI check. */
enum policy_action {
	ACT_CASE_LIST,        /* list/search cases (filtered by policy_case_access) */
	ACT_CASE_READ,
	ACT_CASE_CREATE,
	ACT_CASE_UPDATE,      /* change case fields and repeating parts */
	ACT_CASE_HANDOVER,    /* change cas_CaseOwner */
	ACT_CASE_ADD_NOTE,    /* add a service, comment or support plan */
	ACT_CONSENT_RECORD,   /* record or revoke consent */
	ACT_REFERRAL_CREATE,
	ACT_REFERRAL_DECIDE,  /* accept or decline a referral addressed to one's org */
	ACT_CASELOAD_VIEW,    /* own caseload, overdue follow-ups */
	ACT_TEAM_VIEW,        /* colleagues' caseloads (supervisor) */
	ACT_STATS_VIEW,       /* aggregates (no identity) */
	ACT_EXPORT,           /* export cases with identities */
	ACT_IMPORT,
	ACT_USER_ADMIN_ORG,   /* create/disable/re-role users of one's organisation */
	ACT_USER_ADMIN_ALL,   /* same, any organisation, including sysadmins */
	ACT_ORG_ADMIN,        /* create and change organisations */
	ACT_AUDIT_VIEW_ORG,   /* browse one's organisation's audit trail */
	ACT_AUDIT_VIEW_ALL,
	ACT_AUDIT_VERIFY,
	ACT_SELF,             /* own profile, password, language, logout: every role */
	ACT_COUNT
};
const char *policy_action_name(enum policy_action a);

/* The role x action matrix: 1 if the role may attempt the action at all.
 * For case actions the case-level check (policy_case_allows) follows. */
int policy_allows(enum role r, enum policy_action a);
/* Both checks for one case: the matrix, then the access the action needs
 * (READ: ACCESS_READ+, or the restricted view for ACT_CASE_READ;
 * ADD_NOTE: SHARED+; REFERRAL_DECIDE: the user's org is the receiver of a
 * referral of the case; others: WRITE; HANDOVER: supervisor of the owning
 * organisation only). */
int policy_case_allows(const struct policy_user *u, const struct case_record *c, enum policy_action a);

/* May user u, holding access a to a case, see field index i of group g?
 * READ and WRITE see every field.  SHARED sees every field unless the
 * firewall applies (u's organisation is law enforcement or immigration:
 * then no support-service group and no narrative field).  The restricted
 * views see only their fixed sets: REFERRAL a non-identifying summary for
 * deciding on the referral; LIAISON the set of its consent scope (tables in
 * docs/security.md and policy.c). */
int policy_field_visible(const struct policy_user *u, enum case_access a, enum group_id g, int i);
/* 1 if group g is hidden entirely from u holding access a. */
int policy_group_hidden(const struct policy_user *u, enum case_access a, enum group_id g);
/* 1 if u's organisation is on the enforcement side of the firewall
 * (org_type LawEnforcement or ImmigrationService). */
int policy_behind_firewall(const struct policy_user *u);

/* The consent scope a liaison's sharing rests on ("SharingLawEnforcement",
 * "SharingImmigration"), or NULL if the user is no liaison or the
 * organisation type maps to neither. */
const char *policy_liaison_scope(const struct policy_user *u);

/* 1 if sharing under consent scope with organisation recipient_org is
 * currently allowed: among the consent records of that scope whose
 * snd_ConsentRecipient is empty or equals recipient_org, the latest (by
 * snd_ConsentDate; a later item wins a tie) has snd_ConsentGiven true.
 * So a later revocation without recipient stops every sharing of the scope,
 * and one naming an organisation stops only that one. */
int policy_consent_current(const struct case_record *c, const char *scope, const char *recipient_org);

/* Remove from c what u may not see: values set to NULL, hidden groups
 * emptied, and for restricted views the referral/consent items that concern
 * other organisations.  Returns the access level; with ACCESS_NONE the
 * record is emptied entirely (callers answer 404). */
enum case_access policy_redact(const struct policy_user *u, struct case_record *c);

/* The consent scope codes policy reads (list consent_scope). */
#define POLICY_SCOPE_REFERRAL "Referral"
#define POLICY_SCOPE_LAW_ENFORCEMENT "SharingLawEnforcement"
#define POLICY_SCOPE_IMMIGRATION "SharingImmigration"

#endif
