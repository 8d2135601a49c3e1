/*
 * domain/fields.c: the field registry.  Names are HTCDS 2.0 field names where
 * the standard has the field, and snd_ (Sanad) names for what the source
 * documents add: the nine disaggregation dimensions, the Palermo act, means
 * and purpose, stages, services with their mode, detailed consent, and
 * CTDC's registration year, age band and country of exploitation.
 *
 * Order matters only for export column order; append new fields at the end
 * of a group and add a numbered migration for their columns.
 */
#include "domain/domain.h"

#include <pthread.h>
#include <string.h>

#define TXT(n, fl) { n, FK_TEXT, NULL, fl, 0, 200 }
#define LONG(n, fl) { n, FK_LONGTEXT, NULL, fl, 0, 20000 }
#define INT(n, lo, hi) { n, FK_INT, NULL, 0, lo, hi }
#define REAL(n, fl) { n, FK_REAL, NULL, fl, 0, 0 }
#define DATE(n, fl) { n, FK_DATE, NULL, fl, 0, 0 }
#define BOOL(n) { n, FK_BOOL, "boolean", 0, 0, 0 }
#define PICK(n, l, fl) { n, FK_PICK, l, fl, 0, 0 }
#define MULTI(n, l) { n, FK_MULTI, l, 0, 0, 0 }

#define ID FF_IDENTITY
#define NARR FF_NARRATIVE
#define REQ FF_REQUIRED
#define SYS FF_SYSTEM

static const struct field_def case_fields[] = {
	/* the case */
	TXT("snd_CaseRef", SYS),               /* unique reference, generated if absent */
	TXT("snd_Organisation", SYS),          /* code of the owning organisation */
	INT("snd_YearOfRegistration", 1900, 2200),
	PICK("snd_DataSource", "data_source", 0),
	DATE("snd_RegistrationDate", 0),
	DATE("snd_IdentificationDate", 0),
	PICK("cas_Status", "case_status", 0),
	PICK("snd_Stage", "case_stage", 0),
	PICK("snd_ClosureReason", "closure_reason", 0),
	LONG("cas_ReasonForCaseClosure", NARR),
	DATE("snd_ClosedDate", 0),
	TXT("cas_CaseOwner", 0),
	TXT("snd_PreviousCaseRef", 0),         /* re-trafficking: the earlier episode */
	DATE("snd_NextFollowUpDate", 0),
	/* incoming referral (HTCDS keeps it on the case) */
	TXT("cas_ReferringOrganisation", 0),
	DATE("cas_IncomingReferralDate", 0),
	TXT("cas_ReferringPrimaryCaseWorker", 0),
	PICK("cas_ReasonForIncomingReferral", "referral_reason", 0),
	LONG("cas_IncomingReferralDetails", NARR),
	/* the person */
	TXT("prs_Salutation", ID),
	TXT("prs_FirstName", ID),
	TXT("prs_MiddleName", ID),
	TXT("prs_SecondName", ID),
	DATE("prs_Birthdate", ID),
	PICK("prs_Gender", "gender", 0),
	PICK("snd_Sex", "sex", 0),
	BOOL("prs_Deceased"),
	PICK("prs_MaritalStatus", "marital_status", 0),
	INT("prs_NumberOfChildren", 0, 40),
	PICK("prs_PrimaryLanguage", "language", 0),
	PICK("prs_SecondaryLanguage", "language", 0),
	PICK("prs_HighestLevelOfEducation", "education", 0),
	MULTI("prs_Citizenship", "country"),
	TXT("prs_IdentityNumber", ID),
	TXT("prs_Title", 0),
	TXT("prs_Email", ID),
	TXT("prs_HomePhone", ID),
	TXT("prs_MobilePhone", ID),
	TXT("prs_MailingCity", ID),
	PICK("prs_MailingCountry", "country", 0),
	TXT("prs_MailingState", 0),
	TXT("prs_MailingStreet", ID),
	TXT("prs_MailingPostalCode", ID),
	REAL("prs_MailingLongitude", ID),
	REAL("prs_MailingLatitude", ID),
	/* disaggregation dimensions (CEDAW GR 38 para 110, SDG 16.2.2) */
	INT("snd_AgeAtIdentification", 0, 120),
	PICK("snd_AgeBroad", "age_band", 0),
	PICK("snd_MajorityStatus", "majority_status", 0),
	PICK("snd_MajorityStatusAtExploit", "majority_status", 0),
	MULTI("snd_Disability", "disability"),
	TXT("snd_Ethnicity", 0),
	PICK("snd_MigrationStatus", "migration_status", 0),
	PICK("snd_CountryOfIdentification", "country", 0),
	TXT("snd_Location", 0),                /* place of identification (region, city) */
	PICK("snd_SocioEconomicStatus", "socio_economic_status", 0),
	/* victim context */
	BOOL("vic_AgreementToManagePersonalData"),
	PICK("vic_TraffickingStatus", "trafficking_status", 0),
	PICK("vic_TraffickingStatusDecisionMakingOrg", "status_decision_org", 0),
	TXT("snd_StatusDecidedBy", 0),         /* who decided: person and organisation */
	PICK("vic_RelationshipToTrafficker", "relationship_to_trafficker", 0),
	MULTI("snd_RecruiterRelation", "recruiter_relation"),
	INT("vic_AgeWhenTrafficked", 0, 120),
	MULTI("vic_RecruitmentWebsitesAndApps", "websites_apps"),
	MULTI("vic_MethodOfRecruitment", "recruitment_method"),
	TXT("vic_LocationOfRecruitment", 0),
	MULTI("vic_MethodsOfControl", "means_of_control"),
	MULTI("vic_TypeOfExploitation", "exploitation_type"),
	MULTI("vic_ForcedLabourIndustry", "forced_labour_industry"),
	MULTI("snd_LabourType", "labour_type"),
	MULTI("vic_TypeOfSexExploitation", "sex_exploitation_type"),
	TXT("vic_LocationOfExploitation", 0),
	MULTI("vic_ExploitationWebsitesAndApps", "websites_apps"),
	MULTI("snd_ExploitationSetting", "exploitation_setting"),
	PICK("snd_CountryOfExploitation", "country", 0),
	MULTI("vic_Vulnerabilities", "vulnerability"),
	LONG("vic_DetailsOfVulnerabilities", NARR),
	MULTI("snd_PalermoAct", "palermo_act"),
	MULTI("snd_PalermoMeans", "palermo_means"),
	BOOL("snd_IsAbduction"),
	BOOL("con_Consent"),                   /* HTCDS: consented to the interview */
};

static const struct field_def event_fields[] = {
	PICK("hte_Type", "event_type", REQ),
	PICK("hte_Country", "country", 0),
	TXT("hte_State", 0),
	TXT("hte_City", 0),
	TXT("hte_Street", ID),
	TXT("hte_PostalCode", 0),
	REAL("hte_Latitude", 0),
	REAL("hte_Longitude", 0),
	DATE("hte_Date", 0),
	LONG("hte_Description", NARR),
};

static const struct field_def service_fields[] = {
	PICK("snd_ServiceType", "service_type", REQ),
	DATE("snd_ServiceStart", 0),
	DATE("snd_ServiceEnd", 0),
	TXT("snd_ServiceProvider", 0),
	PICK("snd_ServiceMode", "service_mode", 0),
	LONG("snd_ServiceNotes", NARR),
};

static const struct field_def comment_fields[] = {
	DATE("snd_CommentDate", 0),
	TXT("snd_CommentAuthor", 0),
	LONG("cco_CaseComment", NARR | REQ),
};

static const struct field_def plan_fields[] = {
	PICK("spl_Type", "support_plan_type", 0),
	LONG("spl_Objectives", NARR),
	LONG("spl_ActionPlan", NARR),
	DATE("spl_PlannedEndDate", 0),
	DATE("spl_ActualEndDate", 0),
};

static const struct field_def consent_fields[] = {
	PICK("snd_ConsentScope", "consent_scope", REQ),
	BOOL("snd_ConsentGiven"),              /* false: refused or revoked */
	DATE("snd_ConsentDate", REQ),
	PICK("snd_ConsentLanguage", "language", 0),
	TXT("snd_ConsentExplainedBy", 0),
	TXT("snd_ConsentRecipient", 0),        /* organisation code the sharing covers, if any */
};

static const struct field_def referral_fields[] = {
	TXT("cas_ReferredOrganisation", REQ),
	TXT("cas_ReferredPrimaryCaseWorker", 0),
	PICK("cas_ReasonForOutgoingReferral", "referral_reason", 0),
	DATE("cas_OutgoingReferralDate", 0),
	LONG("cas_OutgoingReferralDetails", NARR),
	PICK("snd_ReferralStatus", "referral_status", 0),
	DATE("snd_ReferralDecisionDate", 0),
};

static const struct field_def perpetrator_fields[] = {
	MULTI("per_RoleInProcess", "perpetrator_role"),
	LONG("per_RoleDetails", NARR),
	TXT("per_Organisation", 0),
	PICK("snd_PerpetratorKind", "perpetrator_kind", 0),
	TXT("snd_PerpetratorName", ID),
	PICK("snd_PerpetratorSex", "sex", 0),
	INT("snd_PerpetratorAge", 0, 120),
	PICK("snd_PerpetratorAgeBroad", "age_band", 0),
	MULTI("snd_PerpetratorCitizenship", "country"),
	BOOL("snd_PerpetratorIsOfficial"),
};

#define COUNT(a) ((int)(sizeof(a) / sizeof((a)[0])))

static const struct group_def groups[GROUP_COUNT] = {
	{ GROUP_CASE, "case", "cases", case_fields, COUNT(case_fields), 1, 0 },
	{ GROUP_EVENT, "events", "case_event", event_fields, COUNT(event_fields), 50, 0 },
	{ GROUP_SERVICE, "services", "case_service", service_fields, COUNT(service_fields), 200, 1 },
	{ GROUP_COMMENT, "comments", "case_comment", comment_fields, COUNT(comment_fields), 1000, 1 },
	{ GROUP_PLAN, "support_plans", "case_plan", plan_fields, COUNT(plan_fields), 50, 1 },
	{ GROUP_CONSENT, "consents", "case_consent", consent_fields, COUNT(consent_fields), 100, 0 },
	{ GROUP_REFERRAL, "referrals", "case_referral", referral_fields, COUNT(referral_fields), 50, 0 },
	{ GROUP_PERPETRATOR, "perpetrators", "case_perpetrator", perpetrator_fields,
	  COUNT(perpetrator_fields), 50, 0 },
};

const struct group_def *domain_group(enum group_id id)
{
	return id < GROUP_COUNT ? &groups[id] : NULL;
}

/* Field lookup by name runs several times per record on the import path
 * (derivation and validation name their fields), so names are hashed once
 * into a table instead of compared one by one. */
#define FIELD_SLOTS 512
static struct { const char *name; signed char group; short index; } field_slots[FIELD_SLOTS];
static pthread_once_t field_slots_once = PTHREAD_ONCE_INIT;

static unsigned field_hash(const char *s)
{
	unsigned h = 2166136261u;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

static void field_slots_build(void)
{
	for (int g = 0; g < GROUP_COUNT; g++)
		for (int i = 0; i < groups[g].nfields; i++) {
			unsigned h = field_hash(groups[g].fields[i].name) % FIELD_SLOTS;
			while (field_slots[h].name)
				h = (h + 1) % FIELD_SLOTS;
			field_slots[h].name = groups[g].fields[i].name;
			field_slots[h].group = (signed char)g;
			field_slots[h].index = (short)i;
		}
}

int domain_field_index(enum group_id group, const char *name)
{
	unsigned h;
	pthread_once(&field_slots_once, field_slots_build);
	for (h = field_hash(name) % FIELD_SLOTS; field_slots[h].name; h = (h + 1) % FIELD_SLOTS)
		if (!strcmp(field_slots[h].name, name))
			return field_slots[h].group == (signed char)group ? field_slots[h].index : -1;
	return -1;
}

/* Compare ignoring case and underscores after the prefix ("prs_"), which is
 * how the HTCDS XForm spells some names. */
static int loose_equal(const char *a, const char *b)
{
	const char *pa = strchr(a, '_'), *pb = strchr(b, '_');
	if (!pa || !pb || pa - a != pb - b || strncmp(a, b, (size_t)(pa - a)))
		return 0;
	for (pa++, pb++;;) {
		while (*pa == '_') pa++;
		while (*pb == '_') pb++;
		if (!*pa || !*pb)
			return !*pa && !*pb;
		int ca = (unsigned char)*pa, cb = (unsigned char)*pb;
		if (ca >= 'A' && ca <= 'Z') ca += 32;
		if (cb >= 'A' && cb <= 'Z') cb += 32;
		if (ca != cb)
			return 0;
		pa++, pb++;
	}
}

int domain_field_find(const char *name, enum group_id *group, int *index)
{
	for (int pass = 0; pass < 2; pass++)
		for (int g = 0; g < GROUP_COUNT; g++)
			for (int i = 0; i < groups[g].nfields; i++) {
				const char *fn = groups[g].fields[i].name;
				if (pass == 0 ? !strcmp(fn, name) : loose_equal(fn, name)) {
					*group = (enum group_id)g;
					*index = i;
					return 0;
				}
			}
	return SANAD_ENOTFOUND;
}
