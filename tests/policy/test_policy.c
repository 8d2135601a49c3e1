/* tests/policy: every role against representative cases — own
 * organisation, another organisation, referred (accepted, pending,
 * declined, consent revoked or missing), consented liaison (given, revoked,
 * for someone else), own_cases_only — with the exact access expected, and
 * what each restricted view leaves of a record. */
#include "test_support.h"
#include "policy/policy.h"

/* ---- the people ---- */

enum {
	U_SYS, U_OADM, U_SUP_A, U_CW_AMAL, U_CW_BASMA, U_HOT_HALA, U_ANA, U_COORD, U_LIA_POL, U_LIA_IMM,
	U_SUP_B, U_CW_BILAL, U_CW_OMAR, U_CW_OLGA, U_SUP_OWN, U_CW_POL, U_LIA_NGO, NUSERS
};

static const struct policy_user users[NUSERS] = {
	[U_SYS] = { ROLE_SYSADMIN, "root", NULL, NULL, 0 },
	[U_OADM] = { ROLE_ORG_ADMIN, "admin-a", "ngo-a", "NGO", 0 },
	[U_SUP_A] = { ROLE_SUPERVISOR, "sara", "ngo-a", "NGO", 0 },
	[U_CW_AMAL] = { ROLE_CASEWORKER, "amal", "ngo-a", "NGO", 0 },
	[U_CW_BASMA] = { ROLE_CASEWORKER, "basma", "ngo-a", "NGO", 0 },
	[U_HOT_HALA] = { ROLE_HOTLINE, "hala", "ngo-a", "NGO", 0 },
	[U_ANA] = { ROLE_ANALYST, "anwar", "ngo-a", "NGO", 0 },
	[U_COORD] = { ROLE_COORDINATOR, "nadia", NULL, NULL, 0 },
	[U_LIA_POL] = { ROLE_LIAISON, "lt.sami", "police", "LawEnforcement", 0 },
	[U_LIA_IMM] = { ROLE_LIAISON, "imm.rana", "immig", "ImmigrationService", 0 },
	[U_SUP_B] = { ROLE_SUPERVISOR, "bushra", "ngo-b", "NGO", 0 },
	[U_CW_BILAL] = { ROLE_CASEWORKER, "bilal", "ngo-b", "NGO", 0 },
	[U_CW_OMAR] = { ROLE_CASEWORKER, "omar", "ngo-own", "NGO", 1 },
	[U_CW_OLGA] = { ROLE_CASEWORKER, "olga", "ngo-own", "NGO", 1 },
	[U_SUP_OWN] = { ROLE_SUPERVISOR, "osman", "ngo-own", "NGO", 1 },
	[U_CW_POL] = { ROLE_CASEWORKER, "sgt.ali", "police", "LawEnforcement", 0 },
	[U_LIA_NGO] = { ROLE_LIAISON, "odd", "ngo-b", "NGO", 0 }, /* a liaison of no enforcement body */
};

/* ---- the cases ---- */

enum {
	C_OWN, C_HOTLINE, C_REF_ACCEPTED, C_REF_PENDING, C_REF_REVOKED, C_REF_NO_CONSENT, C_LE, C_LE_REVOKED,
	C_LE_OTHER, C_IMM, C_OWN_ONLY, C_OTHER_ORG, C_REF_DECLINED, C_REF_POLICE, C_REF_OWN_ORG, NCASES
};

static struct case_record cases[NCASES];

static void set(struct case_record *c, const char *field, const char *value)
{
	struct sanad_error err;
	if (case_set(c, field, value, &err))
		fail_msg("%s: %s", field, err.message);
}

static void item(struct case_record *c, enum group_id g, const char *const *pairs)
{
	struct record *r = case_record_add_item(c, g);
	struct sanad_error err;
	for (; pairs[0]; pairs += 2)
		if (record_set(r, g, domain_field_index(g, pairs[0]), pairs[1], &err))
			fail_msg("%s: %s", pairs[0], err.message);
}

static void consent(struct case_record *c, const char *scope, const char *given, const char *date, const char *to)
{
	const char *p[] = { "snd_ConsentScope", scope, "snd_ConsentGiven", given, "snd_ConsentDate", date,
			    to ? "snd_ConsentRecipient" : NULL, to, NULL };
	item(c, GROUP_CONSENT, p);
}

static void referral(struct case_record *c, const char *to, const char *status, const char *worker)
{
	const char *p[] = { "cas_ReferredOrganisation", to, "snd_ReferralStatus", status,
			    "cas_OutgoingReferralDetails", "needs shelter tonight",
			    worker ? "cas_ReferredPrimaryCaseWorker" : NULL, worker, NULL };
	item(c, GROUP_REFERRAL, p);
}

/* A full case of org owned by owner, with something in every group. */
static void base(struct case_record *c, const char *org, const char *owner)
{
	static const char *const event[] = { "hte_Type", "Exploitation", "hte_Country", "JO", "hte_City", "Amman",
					     "hte_Description", "kept in a flat", NULL };
	static const char *const service[] = { "snd_ServiceType", "Shelter", "snd_ServiceNotes", "room 4", NULL };
	static const char *const comment[] = { "cco_CaseComment", "she is afraid of her brother", NULL };
	static const char *const plan[] = { "spl_Objectives", "safe housing", NULL };
	static const char *const perp[] = { "snd_PerpetratorName", "Abu Karim", "per_RoleDetails", "recruiter", NULL };
	case_record_init(c);
	set(c, "snd_CaseRef", "C");
	set(c, "snd_Organisation", org);
	set(c, "cas_CaseOwner", owner);
	set(c, "prs_FirstName", "Amina");
	set(c, "prs_SecondName", "Yusuf");
	set(c, "prs_MobilePhone", "+962 7 9000 0000");
	set(c, "prs_Gender", "Feminine");
	set(c, "prs_IdentityNumber", "P1234567");
	set(c, "snd_MigrationStatus", "IrregularMigrant");
	set(c, "vic_TypeOfExploitation", "ForcedLabour");
	set(c, "vic_DetailsOfVulnerabilities", "debts at home");
	set(c, "cas_IncomingReferralDetails", "called the hotline");
	item(c, GROUP_EVENT, event);
	item(c, GROUP_SERVICE, service);
	item(c, GROUP_COMMENT, comment);
	item(c, GROUP_PLAN, plan);
	item(c, GROUP_PERPETRATOR, perp);
	consent(c, "CaseManagement", "true", "2024-01-01", NULL);
}

static int setup(void **state)
{
	struct sanad_error err;
	(void)state;
	if (vocab_load(&err))
		return -1;
	base(&cases[C_OWN], "ngo-a", "amal");
	base(&cases[C_HOTLINE], "ngo-a", "hala");

	base(&cases[C_REF_ACCEPTED], "ngo-a", "amal");
	referral(&cases[C_REF_ACCEPTED], "ngo-c", "Pending", NULL);
	referral(&cases[C_REF_ACCEPTED], "ngo-b", "Accepted", NULL);
	consent(&cases[C_REF_ACCEPTED], "Referral", "true", "2024-02-01", "ngo-b");
	consent(&cases[C_REF_ACCEPTED], "SharingLawEnforcement", "true", "2024-02-01", "police");

	base(&cases[C_REF_PENDING], "ngo-a", "amal");
	referral(&cases[C_REF_PENDING], "ngo-b", "Pending", NULL);
	consent(&cases[C_REF_PENDING], "Referral", "true", "2024-02-01", "ngo-b");

	base(&cases[C_REF_REVOKED], "ngo-a", "amal");
	referral(&cases[C_REF_REVOKED], "ngo-b", "Accepted", NULL);
	consent(&cases[C_REF_REVOKED], "Referral", "true", "2024-02-01", "ngo-b");
	consent(&cases[C_REF_REVOKED], "Referral", "false", "2024-03-01", NULL);

	base(&cases[C_REF_NO_CONSENT], "ngo-a", "amal");
	referral(&cases[C_REF_NO_CONSENT], "ngo-b", "Accepted", NULL);

	base(&cases[C_LE], "ngo-a", "amal");
	consent(&cases[C_LE], "SharingLawEnforcement", "true", "2024-02-01", "police");
	consent(&cases[C_LE], "SharingImmigration", "false", "2024-02-01", NULL);

	base(&cases[C_LE_REVOKED], "ngo-a", "amal");
	consent(&cases[C_LE_REVOKED], "SharingLawEnforcement", "true", "2024-02-01", "police");
	consent(&cases[C_LE_REVOKED], "SharingLawEnforcement", "false", "2024-02-10", "police");

	base(&cases[C_LE_OTHER], "ngo-a", "amal");
	consent(&cases[C_LE_OTHER], "SharingLawEnforcement", "true", "2024-02-01", "police-2");

	base(&cases[C_IMM], "ngo-a", "amal");
	consent(&cases[C_IMM], "SharingImmigration", "true", "2024-02-01", NULL);

	base(&cases[C_OWN_ONLY], "ngo-own", "omar");
	referral(&cases[C_OWN_ONLY], "ngo-b", "Accepted", NULL);
	consent(&cases[C_OWN_ONLY], "Referral", "true", "2024-02-01", NULL);

	base(&cases[C_OTHER_ORG], "ngo-b", "bilal");
	referral(&cases[C_OTHER_ORG], "ngo-own", "Accepted", "olga");
	consent(&cases[C_OTHER_ORG], "Referral", "true", "2024-02-01", "ngo-own");

	base(&cases[C_REF_DECLINED], "ngo-a", "amal");
	referral(&cases[C_REF_DECLINED], "ngo-b", "Declined", NULL);
	consent(&cases[C_REF_DECLINED], "Referral", "true", "2024-02-01", "ngo-b");

	base(&cases[C_REF_POLICE], "ngo-a", "amal");
	referral(&cases[C_REF_POLICE], "police", "Accepted", NULL);
	consent(&cases[C_REF_POLICE], "Referral", "true", "2024-02-01", "police");

	/* a referral to one's own organisation adds nothing */
	base(&cases[C_REF_OWN_ORG], "ngo-own", "omar");
	referral(&cases[C_REF_OWN_ORG], "ngo-own", "Accepted", "olga");
	consent(&cases[C_REF_OWN_ORG], "Referral", "true", "2024-02-01", NULL);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	for (int i = 0; i < NCASES; i++)
		case_record_release(&cases[i]);
	return 0;
}

/* ---- the access of every user to every case ---- */

static const char *const expected[NUSERS] = {
	/*               case: O H A P R N L l o I Y X D Q S   (columns in enum order) */
	[U_SYS] =             "N N N N N N N N N N N N N N N",
	[U_OADM] =            "N N N N N N N N N N N N N N N",
	[U_SUP_A] =           "W W W W W W W W W W N N W W N",
	[U_CW_AMAL] =         "W W W W W W W W W W N N W W N",
	[U_CW_BASMA] =        "W W W W W W W W W W N N W W N",
	[U_HOT_HALA] =        "N W N N N N N N N N N N N N N",
	[U_ANA] =             "N N N N N N N N N N N N N N N",
	[U_COORD] =           "N N N N N N N N N N N N N N N",
	[U_LIA_POL] =         "N N L N N N L N N N N N N N N",
	[U_LIA_IMM] =         "N N N N N N N N N L N N N N N",
	[U_SUP_B] =           "N N S R N N N N N N S W N N N",
	[U_CW_BILAL] =        "N N S R N N N N N N S W N N N",
	[U_CW_OMAR] =         "N N N N N N N N N N W N N N W",
	[U_CW_OLGA] =         "N N N N N N N N N N N S N N N",
	[U_SUP_OWN] =         "N N N N N N N N N N W S N N W",
	[U_CW_POL] =          "N N N N N N N N N N N N N S N",
	[U_LIA_NGO] =         "N N N N N N N N N N N N N N N",
};

static char letter(enum case_access a)
{
	switch (a) {
	case ACCESS_NONE: return 'N';
	case ACCESS_REFERRAL: return 'R';
	case ACCESS_LIAISON: return 'L';
	case ACCESS_SHARED: return 'S';
	case ACCESS_READ: return 'r';
	case ACCESS_WRITE: return 'W';
	}
	return '?';
}

static void every_role_against_every_case(void **state)
{
	int bad = 0;
	(void)state;
	for (int u = 0; u < NUSERS; u++)
		for (int c = 0; c < NCASES; c++) {
			char got = letter(policy_case_access(&users[u], &cases[c]));
			char want = expected[u][2 * c];
			if (got != want) {
				fprintf(stderr, "user %s (%s) case %d: got %c, expected %c\n", users[u].username,
					role_name(users[u].role), c, got, want);
				bad++;
			}
		}
	assert_int_equal(bad, 0);
	assert_int_equal(policy_case_access(NULL, &cases[C_OWN]), ACCESS_NONE);
	assert_int_equal(policy_case_access(&users[U_SUP_A], NULL), ACCESS_NONE);
}

static void a_case_without_organisation_is_nobodys(void **state)
{
	struct case_record c;
	(void)state;
	case_record_init(&c);
	set(&c, "cas_CaseOwner", "amal");
	for (int u = 0; u < NUSERS; u++)
		assert_int_equal(policy_case_access(&users[u], &c), ACCESS_NONE);
	/* and a user without organisation matches no case's */
	{
		struct policy_user orphan = { ROLE_SUPERVISOR, "x", NULL, NULL, 0 };
		assert_int_equal(policy_case_access(&orphan, &cases[C_OWN]), ACCESS_NONE);
	}
	case_record_release(&c);
}

/* ---- the role x action matrix ---- */

static void the_matrix(void **state)
{
	(void)state;
	for (int a = 0; a < ACT_COUNT; a++) {
		assert_false(policy_allows(ROLE_NONE, (enum policy_action)a));
		/* the system administrator runs the system and reads no case */
		if (a <= ACT_TEAM_VIEW || a == ACT_EXPORT || a == ACT_IMPORT || a == ACT_STATS_VIEW)
			assert_false(policy_allows(ROLE_SYSADMIN, (enum policy_action)a));
		/* analysts and the coordinator: aggregates and themselves only */
		assert_int_equal(policy_allows(ROLE_ANALYST, (enum policy_action)a),
				 a == ACT_STATS_VIEW || a == ACT_SELF);
		assert_int_equal(policy_allows(ROLE_COORDINATOR, (enum policy_action)a),
				 a == ACT_STATS_VIEW || a == ACT_SELF);
		/* a liaison reads what consent shares, and changes nothing */
		assert_int_equal(policy_allows(ROLE_LIAISON, (enum policy_action)a),
				 a == ACT_CASE_LIST || a == ACT_CASE_READ || a == ACT_SELF);
		/* everyone manages their own account */
		for (int r = 1; r < ROLE_COUNT; r++)
			if (a == ACT_SELF)
				assert_true(policy_allows((enum role)r, ACT_SELF));
	}
	for (int r = 1; r < ROLE_COUNT; r++) {
		assert_int_equal(policy_allows((enum role)r, ACT_CASE_HANDOVER), r == ROLE_SUPERVISOR);
		assert_int_equal(policy_allows((enum role)r, ACT_EXPORT), r == ROLE_SUPERVISOR);
		assert_int_equal(policy_allows((enum role)r, ACT_USER_ADMIN_ALL), r == ROLE_SYSADMIN);
		assert_int_equal(policy_allows((enum role)r, ACT_USER_ADMIN_ORG), r == ROLE_ORG_ADMIN);
		assert_int_equal(policy_allows((enum role)r, ACT_AUDIT_VIEW_ORG), r == ROLE_ORG_ADMIN);
		assert_int_equal(policy_allows((enum role)r, ACT_AUDIT_VERIFY), r == ROLE_SYSADMIN);
		assert_int_equal(policy_allows((enum role)r, ACT_CASE_CREATE),
				 r == ROLE_SUPERVISOR || r == ROLE_CASEWORKER || r == ROLE_HOTLINE);
		assert_int_equal(policy_allows((enum role)r, ACT_REFERRAL_DECIDE),
				 r == ROLE_SUPERVISOR || r == ROLE_CASEWORKER);
	}
	assert_false(policy_allows(ROLE_COUNT, ACT_SELF));
	assert_false(policy_allows(ROLE_SUPERVISOR, ACT_COUNT));
	assert_string_equal(policy_action_name(ACT_CASE_HANDOVER), "case_handover");
}

static void case_actions_combine_matrix_and_access(void **state)
{
	const struct policy_user *sup_a = &users[U_SUP_A], *amal = &users[U_CW_AMAL], *bilal = &users[U_CW_BILAL];
	const struct policy_user *hala = &users[U_HOT_HALA], *lia = &users[U_LIA_POL], *sys = &users[U_SYS];
	(void)state;
	/* the owner organisation */
	assert_true(policy_case_allows(amal, &cases[C_OWN], ACT_CASE_UPDATE));
	assert_true(policy_case_allows(amal, &cases[C_OWN], ACT_REFERRAL_CREATE));
	assert_true(policy_case_allows(amal, &cases[C_OWN], ACT_CONSENT_RECORD));
	assert_false(policy_case_allows(amal, &cases[C_OWN], ACT_CASE_HANDOVER));
	assert_true(policy_case_allows(sup_a, &cases[C_OWN], ACT_CASE_HANDOVER));
	assert_false(policy_case_allows(sup_a, &cases[C_OTHER_ORG], ACT_CASE_HANDOVER));
	/* the receiver of an accepted referral adds notes, changes nothing else */
	assert_true(policy_case_allows(bilal, &cases[C_REF_ACCEPTED], ACT_CASE_READ));
	assert_true(policy_case_allows(bilal, &cases[C_REF_ACCEPTED], ACT_CASE_ADD_NOTE));
	assert_true(policy_case_allows(bilal, &cases[C_REF_ACCEPTED], ACT_REFERRAL_DECIDE));
	assert_false(policy_case_allows(bilal, &cases[C_REF_ACCEPTED], ACT_CASE_UPDATE));
	assert_false(policy_case_allows(bilal, &cases[C_REF_ACCEPTED], ACT_CONSENT_RECORD));
	assert_false(policy_case_allows(bilal, &cases[C_REF_ACCEPTED], ACT_REFERRAL_CREATE));
	/* a pending referral: decide, nothing more */
	assert_true(policy_case_allows(bilal, &cases[C_REF_PENDING], ACT_REFERRAL_DECIDE));
	assert_true(policy_case_allows(bilal, &cases[C_REF_PENDING], ACT_CASE_READ));
	assert_false(policy_case_allows(bilal, &cases[C_REF_PENDING], ACT_CASE_ADD_NOTE));
	/* once consent is revoked, not even that */
	assert_false(policy_case_allows(bilal, &cases[C_REF_REVOKED], ACT_CASE_READ));
	assert_false(policy_case_allows(bilal, &cases[C_REF_REVOKED], ACT_REFERRAL_DECIDE));
	/* the owner decides nothing about its own outgoing referral */
	assert_false(policy_case_allows(amal, &cases[C_REF_PENDING], ACT_REFERRAL_DECIDE));
	/* hotline: its own intakes only; creates in its own organisation */
	assert_true(policy_case_allows(hala, &cases[C_HOTLINE], ACT_CASE_UPDATE));
	assert_false(policy_case_allows(hala, &cases[C_OWN], ACT_CASE_READ));
	assert_true(policy_case_allows(hala, &cases[C_OWN], ACT_CASE_CREATE));
	assert_false(policy_case_allows(hala, &cases[C_OTHER_ORG], ACT_CASE_CREATE));
	/* liaison: reads, never writes */
	assert_true(policy_case_allows(lia, &cases[C_LE], ACT_CASE_READ));
	assert_false(policy_case_allows(lia, &cases[C_LE], ACT_CASE_UPDATE));
	assert_false(policy_case_allows(lia, &cases[C_LE], ACT_CASE_ADD_NOTE));
	/* sysadmin: nothing on any case */
	for (int c = 0; c < NCASES; c++)
		for (int a = 0; a < ACT_COUNT; a++)
			assert_false(policy_case_allows(sys, &cases[c], (enum policy_action)a));
	/* a non-case action is not answered here */
	assert_false(policy_case_allows(sup_a, &cases[C_OWN], ACT_STATS_VIEW));
}

/* ---- consent ---- */

static void latest_consent_per_scope_and_recipient_wins(void **state)
{
	struct case_record c;
	(void)state;
	case_record_init(&c);
	set(&c, "snd_Organisation", "ngo-a");
	assert_false(policy_consent_current(&c, "Referral", "ngo-b")); /* no record: no consent */
	consent(&c, "Referral", "true", "2024-01-10", NULL);
	assert_true(policy_consent_current(&c, "Referral", "ngo-b"));
	assert_true(policy_consent_current(&c, "referral", "ngo-c")); /* codes compare case-insensitively */
	assert_false(policy_consent_current(&c, "SharingLawEnforcement", "ngo-b"));
	/* a revocation for ngo-b alone */
	consent(&c, "Referral", "false", "2024-01-20", "ngo-b");
	assert_false(policy_consent_current(&c, "Referral", "ngo-b"));
	assert_true(policy_consent_current(&c, "Referral", "ngo-c"));
	/* an older record entered later does not win */
	consent(&c, "Referral", "true", "2024-01-15", "ngo-b");
	assert_false(policy_consent_current(&c, "Referral", "ngo-b"));
	/* the same day: the later item wins */
	consent(&c, "Referral", "true", "2024-01-20", "ngo-b");
	assert_true(policy_consent_current(&c, "Referral", "ngo-b"));
	/* a blanket revocation stops every recipient */
	consent(&c, "Referral", "false", "2024-02-01", NULL);
	assert_false(policy_consent_current(&c, "Referral", "ngo-b"));
	assert_false(policy_consent_current(&c, "Referral", "ngo-c"));
	/* and a new consent for one recipient restores only that one */
	consent(&c, "Referral", "true", "2024-03-01", "ngo-c");
	assert_true(policy_consent_current(&c, "Referral", "ngo-c"));
	assert_false(policy_consent_current(&c, "Referral", "ngo-b"));
	assert_false(policy_consent_current(&c, "Referral", NULL));
	assert_false(policy_consent_current(NULL, "Referral", "ngo-b"));
	case_record_release(&c);
}

/* ---- what each view leaves ---- */

static const char *field(const struct case_record *c, enum group_id g, size_t k, const char *name)
{
	const struct record *r = g == GROUP_CASE ? &c->main : &c->child[g].items[k];
	return r->value[domain_field_index(g, name)];
}

static void liaison_views_keep_only_their_fields(void **state)
{
	struct case_record c;
	(void)state;
	/* law enforcement */
	case_record_copy(&c, &cases[C_LE]);
	assert_int_equal(policy_redact(&users[U_LIA_POL], &c), ACCESS_LIAISON);
	assert_string_equal(case_get(&c, "prs_FirstName"), "Amina");
	assert_string_equal(case_get(&c, "prs_IdentityNumber"), "P1234567");
	assert_string_equal(case_get(&c, "vic_TypeOfExploitation"), "ForcedLabour");
	assert_null(case_get(&c, "prs_MobilePhone"));        /* where she is stays with her helpers */
	assert_null(case_get(&c, "cas_CaseOwner"));
	assert_null(case_get(&c, "snd_MigrationStatus"));
	assert_null(case_get(&c, "vic_DetailsOfVulnerabilities"));
	assert_null(case_get(&c, "cas_IncomingReferralDetails"));
	assert_int_equal(c.child[GROUP_SERVICE].count, 0);   /* the firewall */
	assert_int_equal(c.child[GROUP_COMMENT].count, 0);
	assert_int_equal(c.child[GROUP_PLAN].count, 0);
	assert_int_equal(c.child[GROUP_REFERRAL].count, 0);
	assert_int_equal(c.child[GROUP_EVENT].count, 1);
	assert_string_equal(field(&c, GROUP_EVENT, 0, "hte_City"), "Amman");
	assert_null(field(&c, GROUP_EVENT, 0, "hte_Description"));
	assert_int_equal(c.child[GROUP_PERPETRATOR].count, 1);
	assert_string_equal(field(&c, GROUP_PERPETRATOR, 0, "snd_PerpetratorName"), "Abu Karim");
	assert_null(field(&c, GROUP_PERPETRATOR, 0, "per_RoleDetails"));
	assert_int_equal(c.child[GROUP_CONSENT].count, 1);   /* only the consent it rests on */
	assert_string_equal(field(&c, GROUP_CONSENT, 0, "snd_ConsentScope"), "SharingLawEnforcement");
	case_record_release(&c);

	/* immigration: identity and status, nothing about the exploitation */
	case_record_copy(&c, &cases[C_IMM]);
	assert_int_equal(policy_redact(&users[U_LIA_IMM], &c), ACCESS_LIAISON);
	assert_string_equal(case_get(&c, "prs_SecondName"), "Yusuf");
	assert_string_equal(case_get(&c, "snd_MigrationStatus"), "IrregularMigrant");
	assert_null(case_get(&c, "vic_TypeOfExploitation"));
	assert_null(case_get(&c, "prs_MobilePhone"));
	for (int g = 1; g < GROUP_COUNT; g++)
		assert_int_equal(c.child[g].count, g == GROUP_CONSENT ? 1 : 0);
	case_record_release(&c);
}

static void referral_views(void **state)
{
	struct case_record c;
	(void)state;
	/* pending: a summary to decide on, no identity */
	case_record_copy(&c, &cases[C_REF_PENDING]);
	assert_int_equal(policy_redact(&users[U_SUP_B], &c), ACCESS_REFERRAL);
	assert_null(case_get(&c, "prs_FirstName"));
	assert_null(case_get(&c, "prs_IdentityNumber"));
	assert_null(case_get(&c, "cas_CaseOwner"));
	assert_string_equal(case_get(&c, "prs_Gender"), "Feminine");
	assert_string_equal(case_get(&c, "vic_TypeOfExploitation"), "ForcedLabour");
	assert_int_equal(c.child[GROUP_REFERRAL].count, 1);
	assert_string_equal(field(&c, GROUP_REFERRAL, 0, "cas_OutgoingReferralDetails"), "needs shelter tonight");
	assert_int_equal(c.child[GROUP_CONSENT].count, 1);
	assert_string_equal(field(&c, GROUP_CONSENT, 0, "snd_ConsentScope"), "Referral");
	assert_int_equal(c.child[GROUP_COMMENT].count, 0);
	assert_int_equal(c.child[GROUP_EVENT].count, 0);
	case_record_release(&c);

	/* accepted: the whole case, but not where else she was referred */
	case_record_copy(&c, &cases[C_REF_ACCEPTED]);
	assert_int_equal(policy_redact(&users[U_CW_BILAL], &c), ACCESS_SHARED);
	assert_string_equal(case_get(&c, "prs_FirstName"), "Amina");
	assert_string_equal(case_get(&c, "prs_MobilePhone"), "+962 7 9000 0000");
	assert_int_equal(c.child[GROUP_COMMENT].count, 1);
	assert_int_equal(c.child[GROUP_SERVICE].count, 1);
	assert_int_equal(c.child[GROUP_REFERRAL].count, 1);
	assert_string_equal(field(&c, GROUP_REFERRAL, 0, "cas_ReferredOrganisation"), "ngo-b");
	assert_int_equal(c.child[GROUP_CONSENT].count, 3);
	case_record_release(&c);

	/* accepted by the police: the firewall holds even so */
	case_record_copy(&c, &cases[C_REF_POLICE]);
	assert_int_equal(policy_redact(&users[U_CW_POL], &c), ACCESS_SHARED);
	assert_string_equal(case_get(&c, "prs_FirstName"), "Amina");
	assert_null(case_get(&c, "vic_DetailsOfVulnerabilities"));
	assert_null(case_get(&c, "cas_IncomingReferralDetails"));
	assert_int_equal(c.child[GROUP_SERVICE].count, 0);
	assert_int_equal(c.child[GROUP_COMMENT].count, 0);
	assert_int_equal(c.child[GROUP_PLAN].count, 0);
	assert_int_equal(c.child[GROUP_EVENT].count, 1);
	assert_null(field(&c, GROUP_EVENT, 0, "hte_Description"));
	assert_null(field(&c, GROUP_REFERRAL, 0, "cas_OutgoingReferralDetails"));
	case_record_release(&c);
}

static void full_access_keeps_everything_and_none_keeps_nothing(void **state)
{
	struct case_record c;
	(void)state;
	case_record_copy(&c, &cases[C_REF_ACCEPTED]);
	assert_int_equal(policy_redact(&users[U_CW_AMAL], &c), ACCESS_WRITE);
	assert_string_equal(case_get(&c, "prs_MobilePhone"), "+962 7 9000 0000");
	assert_int_equal(c.child[GROUP_REFERRAL].count, 2);
	assert_int_equal(c.child[GROUP_CONSENT].count, 3);
	case_record_release(&c);

	case_record_copy(&c, &cases[C_OWN]);
	c.id = 42;
	assert_int_equal(policy_redact(&users[U_SYS], &c), ACCESS_NONE);
	assert_int_equal(c.id, 42);
	for (int i = 0; i < domain_group(GROUP_CASE)->nfields; i++)
		assert_null(c.main.value[i]);
	for (int g = 1; g < GROUP_COUNT; g++)
		assert_int_equal(c.child[g].count, 0);
	case_record_release(&c);
}

static void field_visibility_by_view(void **state)
{
	const struct policy_user *lia = &users[U_LIA_POL], *imm = &users[U_LIA_IMM], *ngo = &users[U_CW_BILAL];
	int first = domain_field_index(GROUP_CASE, "prs_FirstName");
	int phone = domain_field_index(GROUP_CASE, "prs_MobilePhone");
	int note = domain_field_index(GROUP_SERVICE, "snd_ServiceNotes");
	(void)state;
	assert_true(policy_field_visible(ngo, ACCESS_WRITE, GROUP_CASE, phone));
	assert_true(policy_field_visible(ngo, ACCESS_READ, GROUP_SERVICE, note));
	assert_true(policy_field_visible(ngo, ACCESS_SHARED, GROUP_SERVICE, note));
	assert_false(policy_field_visible(&users[U_CW_POL], ACCESS_SHARED, GROUP_SERVICE, note));
	assert_true(policy_field_visible(lia, ACCESS_LIAISON, GROUP_CASE, first));
	assert_false(policy_field_visible(lia, ACCESS_LIAISON, GROUP_CASE, phone));
	assert_false(policy_field_visible(ngo, ACCESS_REFERRAL, GROUP_CASE, first));
	assert_false(policy_field_visible(ngo, ACCESS_NONE, GROUP_CASE, first));
	assert_false(policy_field_visible(ngo, ACCESS_WRITE, GROUP_CASE, -1));
	assert_false(policy_field_visible(ngo, ACCESS_WRITE, GROUP_CASE, 100000));
	/* support-service groups never reach a liaison */
	for (int g = 0; g < GROUP_COUNT; g++)
		if (domain_group((enum group_id)g)->support_data) {
			assert_true(policy_group_hidden(lia, ACCESS_LIAISON, (enum group_id)g));
			assert_true(policy_group_hidden(imm, ACCESS_LIAISON, (enum group_id)g));
		}
	assert_true(policy_group_hidden(imm, ACCESS_LIAISON, GROUP_EVENT));
	assert_false(policy_group_hidden(lia, ACCESS_LIAISON, GROUP_EVENT));
	assert_string_equal(policy_liaison_scope(lia), "SharingLawEnforcement");
	assert_string_equal(policy_liaison_scope(imm), "SharingImmigration");
	assert_null(policy_liaison_scope(&users[U_LIA_NGO]));
	assert_null(policy_liaison_scope(&users[U_CW_POL]));
	assert_true(policy_behind_firewall(&users[U_CW_POL]));
	assert_false(policy_behind_firewall(ngo));
}

static void role_names(void **state)
{
	(void)state;
	for (int r = 1; r < ROLE_COUNT; r++)
		assert_int_equal(role_parse(role_name((enum role)r)), r);
	assert_int_equal(role_parse("Supervisor"), ROLE_SUPERVISOR);
	assert_int_equal(role_parse("root"), ROLE_NONE);
	assert_int_equal(role_parse(NULL), ROLE_NONE);
	assert_string_equal(role_name(ROLE_COUNT), "none");
	assert_false(role_needs_org(ROLE_SYSADMIN));
	assert_false(role_needs_org(ROLE_COORDINATOR));
	assert_true(role_needs_org(ROLE_LIAISON));
	assert_true(role_needs_org(ROLE_ANALYST));
	assert_string_equal(case_access_name(ACCESS_SHARED), "shared");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(every_role_against_every_case),
		cmocka_unit_test(a_case_without_organisation_is_nobodys),
		cmocka_unit_test(the_matrix),
		cmocka_unit_test(case_actions_combine_matrix_and_access),
		cmocka_unit_test(latest_consent_per_scope_and_recipient_wins),
		cmocka_unit_test(liaison_views_keep_only_their_fields),
		cmocka_unit_test(referral_views),
		cmocka_unit_test(full_access_keeps_everything_and_none_keeps_nothing),
		cmocka_unit_test(field_visibility_by_view),
		cmocka_unit_test(role_names),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
