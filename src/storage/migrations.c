/*
 * storage/migrations.c: the schema, as numbered migrations.  Migration N
 * brings a database from user_version N-1 to N inside one transaction, so an
 * old database upgrades in place or not at all.  Never edit a migration that
 * has shipped: add the next one.
 *
 * Column names are the field names of the domain registry (domain/fields.c);
 * tests/storage checks that every registry field has its column.
 */
#include <string.h>

#include "storage/storage_internal.h"

static const char migration_1[] =
	"CREATE TABLE meta (\n"
	"  key TEXT PRIMARY KEY,\n"
	"  value TEXT NOT NULL\n"
	");\n"
	"CREATE TABLE organisation (\n"
	"  id INTEGER PRIMARY KEY,\n"
	"  code TEXT NOT NULL UNIQUE, -- short stable code, e.g. 'shelter-amal'\n"
	"  name TEXT NOT NULL,\n"
	"  name_ar TEXT, -- Arabic name, if different\n"
	"  org_type TEXT, -- code of list org_type\n"
	"  country TEXT, -- ISO 3166 alpha-2\n"
	"  city TEXT,\n"
	"  phone TEXT,\n"
	"  in_pool INTEGER NOT NULL DEFAULT 0, -- 1: joins the national statistics pool\n"
	"  own_cases_only INTEGER NOT NULL DEFAULT 0, -- 1: caseworkers see only their own cases\n"
	"  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now'))\n"
	");\n"
	"CREATE TABLE cases (\n"
	"  id INTEGER PRIMARY KEY,\n"
	"  org_id INTEGER NOT NULL REFERENCES organisation(id), -- owner (snd_Organisation)\n"
	"  created_at INTEGER NOT NULL DEFAULT (CAST(strftime('%s','now') AS INTEGER)), -- Unix seconds, UTC\n"
	"  updated_at INTEGER NOT NULL DEFAULT (CAST(strftime('%s','now') AS INTEGER)), -- Unix seconds, UTC\n"
	"  snd_CaseRef TEXT NOT NULL UNIQUE, -- text\n"
	"  snd_YearOfRegistration INTEGER, -- integer\n"
	"  snd_DataSource TEXT, -- code of list data_source\n"
	"  snd_RegistrationDate TEXT, -- YYYY-MM-DD\n"
	"  snd_IdentificationDate TEXT, -- YYYY-MM-DD\n"
	"  cas_Status TEXT, -- code of list case_status\n"
	"  snd_Stage TEXT, -- code of list case_stage\n"
	"  snd_ClosureReason TEXT, -- code of list closure_reason\n"
	"  cas_ReasonForCaseClosure TEXT, -- free text\n"
	"  snd_ClosedDate TEXT, -- YYYY-MM-DD\n"
	"  cas_CaseOwner TEXT, -- text\n"
	"  snd_PreviousCaseRef TEXT, -- text\n"
	"  snd_NextFollowUpDate TEXT, -- YYYY-MM-DD\n"
	"  cas_ReferringOrganisation TEXT, -- text\n"
	"  cas_IncomingReferralDate TEXT, -- YYYY-MM-DD\n"
	"  cas_ReferringPrimaryCaseWorker TEXT, -- text\n"
	"  cas_ReasonForIncomingReferral TEXT, -- code of list referral_reason\n"
	"  cas_IncomingReferralDetails TEXT, -- free text\n"
	"  prs_Salutation TEXT, -- text\n"
	"  prs_FirstName TEXT, -- text\n"
	"  prs_MiddleName TEXT, -- text\n"
	"  prs_SecondName TEXT, -- text\n"
	"  prs_Birthdate TEXT, -- YYYY-MM-DD\n"
	"  prs_Gender TEXT, -- code of list gender\n"
	"  snd_Sex TEXT, -- code of list sex\n"
	"  prs_Deceased INTEGER, -- 0/1\n"
	"  prs_MaritalStatus TEXT, -- code of list marital_status\n"
	"  prs_NumberOfChildren INTEGER, -- integer\n"
	"  prs_PrimaryLanguage TEXT, -- code of list language\n"
	"  prs_SecondaryLanguage TEXT, -- code of list language\n"
	"  prs_HighestLevelOfEducation TEXT, -- code of list education\n"
	"  prs_Citizenship TEXT, -- codes of list country, ';'-separated\n"
	"  prs_IdentityNumber TEXT, -- text\n"
	"  prs_Title TEXT, -- text\n"
	"  prs_Email TEXT, -- text\n"
	"  prs_HomePhone TEXT, -- text\n"
	"  prs_MobilePhone TEXT, -- text\n"
	"  prs_MailingCity TEXT, -- text\n"
	"  prs_MailingCountry TEXT, -- code of list country\n"
	"  prs_MailingState TEXT, -- text\n"
	"  prs_MailingStreet TEXT, -- text\n"
	"  prs_MailingPostalCode TEXT, -- text\n"
	"  prs_MailingLongitude TEXT, -- decimal number as text\n"
	"  prs_MailingLatitude TEXT, -- decimal number as text\n"
	"  snd_AgeAtIdentification INTEGER, -- integer\n"
	"  snd_AgeBroad TEXT, -- code of list age_band\n"
	"  snd_MajorityStatus TEXT, -- code of list majority_status\n"
	"  snd_MajorityStatusAtExploit TEXT, -- code of list majority_status\n"
	"  snd_Disability TEXT, -- codes of list disability, ';'-separated\n"
	"  snd_Ethnicity TEXT, -- text\n"
	"  snd_MigrationStatus TEXT, -- code of list migration_status\n"
	"  snd_CountryOfIdentification TEXT, -- code of list country\n"
	"  snd_Location TEXT, -- text\n"
	"  snd_SocioEconomicStatus TEXT, -- code of list socio_economic_status\n"
	"  vic_AgreementToManagePersonalData INTEGER, -- 0/1\n"
	"  vic_TraffickingStatus TEXT, -- code of list trafficking_status\n"
	"  vic_TraffickingStatusDecisionMakingOrg TEXT, -- code of list status_decision_org\n"
	"  snd_StatusDecidedBy TEXT, -- text\n"
	"  vic_RelationshipToTrafficker TEXT, -- code of list relationship_to_trafficker\n"
	"  snd_RecruiterRelation TEXT, -- codes of list recruiter_relation, ';'-separated\n"
	"  vic_AgeWhenTrafficked INTEGER, -- integer\n"
	"  vic_RecruitmentWebsitesAndApps TEXT, -- codes of list websites_apps, ';'-separated\n"
	"  vic_MethodOfRecruitment TEXT, -- codes of list recruitment_method, ';'-separated\n"
	"  vic_LocationOfRecruitment TEXT, -- text\n"
	"  vic_MethodsOfControl TEXT, -- codes of list means_of_control, ';'-separated\n"
	"  vic_TypeOfExploitation TEXT, -- codes of list exploitation_type, ';'-separated\n"
	"  vic_ForcedLabourIndustry TEXT, -- codes of list forced_labour_industry, ';'-separated\n"
	"  snd_LabourType TEXT, -- codes of list labour_type, ';'-separated\n"
	"  vic_TypeOfSexExploitation TEXT, -- codes of list sex_exploitation_type, ';'-separated\n"
	"  vic_LocationOfExploitation TEXT, -- text\n"
	"  vic_ExploitationWebsitesAndApps TEXT, -- codes of list websites_apps, ';'-separated\n"
	"  snd_ExploitationSetting TEXT, -- codes of list exploitation_setting, ';'-separated\n"
	"  snd_CountryOfExploitation TEXT, -- code of list country\n"
	"  vic_Vulnerabilities TEXT, -- codes of list vulnerability, ';'-separated\n"
	"  vic_DetailsOfVulnerabilities TEXT, -- free text\n"
	"  snd_PalermoAct TEXT, -- codes of list palermo_act, ';'-separated\n"
	"  snd_PalermoMeans TEXT, -- codes of list palermo_means, ';'-separated\n"
	"  snd_IsAbduction INTEGER, -- 0/1\n"
	"  con_Consent INTEGER -- 0/1\n"
	");\n"
	"CREATE TABLE case_event (\n"
	"  id INTEGER PRIMARY KEY,\n"
	"  case_id INTEGER NOT NULL REFERENCES cases(id) ON DELETE CASCADE,\n"
	"  seq INTEGER NOT NULL, -- position within the case, from 0\n"
	"  hte_Type TEXT, -- code of list event_type\n"
	"  hte_Country TEXT, -- code of list country\n"
	"  hte_State TEXT, -- text\n"
	"  hte_City TEXT, -- text\n"
	"  hte_Street TEXT, -- text\n"
	"  hte_PostalCode TEXT, -- text\n"
	"  hte_Latitude TEXT, -- decimal number as text\n"
	"  hte_Longitude TEXT, -- decimal number as text\n"
	"  hte_Date TEXT, -- YYYY-MM-DD\n"
	"  hte_Description TEXT -- free text\n"
	");\n"
	"CREATE UNIQUE INDEX case_event_case ON case_event(case_id, seq);\n"
	"CREATE TABLE case_service (\n"
	"  id INTEGER PRIMARY KEY,\n"
	"  case_id INTEGER NOT NULL REFERENCES cases(id) ON DELETE CASCADE,\n"
	"  seq INTEGER NOT NULL, -- position within the case, from 0\n"
	"  snd_ServiceType TEXT, -- code of list service_type\n"
	"  snd_ServiceStart TEXT, -- YYYY-MM-DD\n"
	"  snd_ServiceEnd TEXT, -- YYYY-MM-DD\n"
	"  snd_ServiceProvider TEXT, -- text\n"
	"  snd_ServiceMode TEXT, -- code of list service_mode\n"
	"  snd_ServiceNotes TEXT -- free text\n"
	");\n"
	"CREATE UNIQUE INDEX case_service_case ON case_service(case_id, seq);\n"
	"CREATE TABLE case_comment (\n"
	"  id INTEGER PRIMARY KEY,\n"
	"  case_id INTEGER NOT NULL REFERENCES cases(id) ON DELETE CASCADE,\n"
	"  seq INTEGER NOT NULL, -- position within the case, from 0\n"
	"  snd_CommentDate TEXT, -- YYYY-MM-DD\n"
	"  snd_CommentAuthor TEXT, -- text\n"
	"  cco_CaseComment TEXT -- free text\n"
	");\n"
	"CREATE UNIQUE INDEX case_comment_case ON case_comment(case_id, seq);\n"
	"CREATE TABLE case_plan (\n"
	"  id INTEGER PRIMARY KEY,\n"
	"  case_id INTEGER NOT NULL REFERENCES cases(id) ON DELETE CASCADE,\n"
	"  seq INTEGER NOT NULL, -- position within the case, from 0\n"
	"  spl_Type TEXT, -- code of list support_plan_type\n"
	"  spl_Objectives TEXT, -- free text\n"
	"  spl_ActionPlan TEXT, -- free text\n"
	"  spl_PlannedEndDate TEXT, -- YYYY-MM-DD\n"
	"  spl_ActualEndDate TEXT -- YYYY-MM-DD\n"
	");\n"
	"CREATE UNIQUE INDEX case_plan_case ON case_plan(case_id, seq);\n"
	"CREATE TABLE case_consent (\n"
	"  id INTEGER PRIMARY KEY,\n"
	"  case_id INTEGER NOT NULL REFERENCES cases(id) ON DELETE CASCADE,\n"
	"  seq INTEGER NOT NULL, -- position within the case, from 0\n"
	"  snd_ConsentScope TEXT, -- code of list consent_scope\n"
	"  snd_ConsentGiven INTEGER, -- 0/1\n"
	"  snd_ConsentDate TEXT, -- YYYY-MM-DD\n"
	"  snd_ConsentLanguage TEXT, -- code of list language\n"
	"  snd_ConsentExplainedBy TEXT, -- text\n"
	"  snd_ConsentRecipient TEXT -- text\n"
	");\n"
	"CREATE UNIQUE INDEX case_consent_case ON case_consent(case_id, seq);\n"
	"CREATE TABLE case_referral (\n"
	"  id INTEGER PRIMARY KEY,\n"
	"  case_id INTEGER NOT NULL REFERENCES cases(id) ON DELETE CASCADE,\n"
	"  seq INTEGER NOT NULL, -- position within the case, from 0\n"
	"  cas_ReferredOrganisation TEXT, -- text\n"
	"  cas_ReferredPrimaryCaseWorker TEXT, -- text\n"
	"  cas_ReasonForOutgoingReferral TEXT, -- code of list referral_reason\n"
	"  cas_OutgoingReferralDate TEXT, -- YYYY-MM-DD\n"
	"  cas_OutgoingReferralDetails TEXT, -- free text\n"
	"  snd_ReferralStatus TEXT, -- code of list referral_status\n"
	"  snd_ReferralDecisionDate TEXT -- YYYY-MM-DD\n"
	");\n"
	"CREATE UNIQUE INDEX case_referral_case ON case_referral(case_id, seq);\n"
	"CREATE TABLE case_perpetrator (\n"
	"  id INTEGER PRIMARY KEY,\n"
	"  case_id INTEGER NOT NULL REFERENCES cases(id) ON DELETE CASCADE,\n"
	"  seq INTEGER NOT NULL, -- position within the case, from 0\n"
	"  per_RoleInProcess TEXT, -- codes of list perpetrator_role, ';'-separated\n"
	"  per_RoleDetails TEXT, -- free text\n"
	"  per_Organisation TEXT, -- text\n"
	"  snd_PerpetratorKind TEXT, -- code of list perpetrator_kind\n"
	"  snd_PerpetratorName TEXT, -- text\n"
	"  snd_PerpetratorSex TEXT, -- code of list sex\n"
	"  snd_PerpetratorAge INTEGER, -- integer\n"
	"  snd_PerpetratorAgeBroad TEXT, -- code of list age_band\n"
	"  snd_PerpetratorCitizenship TEXT, -- codes of list country, ';'-separated\n"
	"  snd_PerpetratorIsOfficial INTEGER -- 0/1\n"
	");\n"
	"CREATE UNIQUE INDEX case_perpetrator_case ON case_perpetrator(case_id, seq);\n"
;

/* Issue 4: accounts, sessions, bearer tokens, login throttling, the audit
 * trail and the name-search tokens.  Identity and narrative columns of
 * migration 1 keep their names and types; from now on they hold sealed
 * text ("enc1:...", db_sqlite_crypto.c). */
static const char migration_2[] =
	"CREATE TABLE account (\n"
	"  id INTEGER PRIMARY KEY,\n"
	"  username TEXT NOT NULL UNIQUE, -- login name, lower-case\n"
	"  display_name TEXT,\n"
	"  role TEXT NOT NULL, -- sysadmin, org_admin, supervisor, caseworker, hotline, analyst, coordinator, liaison\n"
	"  org_id INTEGER REFERENCES organisation(id), -- NULL for deployment-wide roles\n"
	"  language TEXT NOT NULL DEFAULT 'en', -- interface language: en or ar\n"
	"  password_hash TEXT NOT NULL, -- Argon2id string; never the password\n"
	"  disabled INTEGER NOT NULL DEFAULT 0, -- 1: cannot log in, sessions and tokens dead\n"
	"  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now')),\n"
	"  updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now'))\n"
	");\n"
	"CREATE TABLE session (\n"
	"  id_hash TEXT PRIMARY KEY, -- BLAKE2b-256 (hex) of the session id; the id is never stored\n"
	"  account_id INTEGER NOT NULL REFERENCES account(id) ON DELETE CASCADE,\n"
	"  csrf TEXT NOT NULL, -- token that state-changing cookie requests echo\n"
	"  created_at INTEGER NOT NULL, -- Unix seconds: absolute expiry counts from here\n"
	"  last_seen_at INTEGER NOT NULL -- Unix seconds: idle expiry counts from here\n"
	");\n"
	"CREATE INDEX session_account ON session(account_id);\n"
	"CREATE TABLE api_token (\n"
	"  id INTEGER PRIMARY KEY,\n"
	"  hash TEXT NOT NULL UNIQUE, -- BLAKE2b-256 (hex) of the bearer token\n"
	"  account_id INTEGER NOT NULL REFERENCES account(id) ON DELETE CASCADE,\n"
	"  label TEXT, -- what the token is for, chosen by its owner\n"
	"  created_at INTEGER NOT NULL, -- Unix seconds\n"
	"  last_used_at INTEGER, -- Unix seconds\n"
	"  revoked INTEGER NOT NULL DEFAULT 0\n"
	");\n"
	"CREATE INDEX api_token_account ON api_token(account_id);\n"
	"CREATE TABLE login_throttle (\n"
	"  key_hash TEXT PRIMARY KEY, -- BLAKE2b-256 (hex) of 'user:NAME' or 'addr:ADDRESS'\n"
	"  failures INTEGER NOT NULL, -- consecutive failed logins\n"
	"  last_failure INTEGER NOT NULL, -- Unix seconds\n"
	"  locked_until INTEGER NOT NULL DEFAULT 0 -- Unix seconds; logins refused before\n"
	");\n"
	"CREATE TABLE audit_log (\n"
	"  id INTEGER PRIMARY KEY, -- consecutive from 1; part of the hashed content\n"
	"  at TEXT NOT NULL, -- UTC, YYYY-MM-DDTHH:MM:SSZ\n"
	"  actor TEXT NOT NULL, -- username, or cli:<os user>\n"
	"  org_code TEXT, -- the actor's organisation, if any\n"
	"  action TEXT NOT NULL, -- view, create, update, export, import, referral, consent, login, denied, ...\n"
	"  case_ref TEXT, -- the case concerned, if one\n"
	"  detail TEXT, -- counts, field names, formats: never personal data\n"
	"  prev_hash TEXT NOT NULL, -- hash of the previous row (64 zeros for the first)\n"
	"  hash TEXT NOT NULL -- BLAKE2b-256(prev_hash bytes || canonical row), hex\n"
	");\n"
	"CREATE INDEX audit_log_org ON audit_log(org_code, id);\n"
	"CREATE INDEX audit_log_case ON audit_log(case_ref, id);\n"
	"CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log\n"
	"  BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;\n"
	"CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log\n"
	"  BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;\n"
	"CREATE TABLE case_name_token (\n"
	"  token TEXT NOT NULL, -- keyed BLAKE2b-128 (hex) of a normalised or skeleton name word\n"
	"  case_id INTEGER NOT NULL REFERENCES cases(id) ON DELETE CASCADE,\n"
	"  PRIMARY KEY (token, case_id)\n"
	") WITHOUT ROWID;\n"
	"CREATE INDEX case_name_token_case ON case_name_token(case_id);\n"
;

/* Issue 6: the national response.  Records per country and report year Y
 * (reporting period 1 April Y-1 to 31 March Y): the analyst's finding,
 * criminal-justice records, prescribed penalties, protection and
 * prevention facts, the report's recommendations; the register of
 * programmes that answer them; and the tier history (Sanad's own
 * assessments and imported TIP Report placements).  None of it is personal
 * data: counts, laws, sources and the analyst's prose.  Every fact carries
 * its source (list fact_source) and date, and whether it is a concrete
 * action or a plan, conference, task force or draft law (list action_kind),
 * which the assessment records but never counts. */
static const char migration_3[] =
	"CREATE TABLE response_finding (\n"
	"  id INTEGER PRIMARY KEY,\n"
	"  country TEXT NOT NULL, -- ISO 3166 alpha-2\n"
	"  year INTEGER NOT NULL, -- report year\n"
	"  finding TEXT NOT NULL, -- the analyst's: full, significant_efforts, no_significant_efforts\n"
	"  justification TEXT, -- the analyst's reasons for the finding, English\n"
	"  justification_ar TEXT, -- the same in Arabic\n"
	"  scope TEXT, -- scope and nature of trafficking in the country, English\n"
	"  scope_ar TEXT, -- the same in Arabic\n"
	"  efforts_rest_on_commitments INTEGER NOT NULL DEFAULT 0, -- 1: Watch List criterion (c)\n"
	"  waivers TEXT, -- ';'-joined: watch_list, sanctions, sanctions:CODE\n"
	"  compliant_before_sanctions INTEGER NOT NULL DEFAULT 0, -- 1: no sanctions after all\n"
	"  victims_from_register INTEGER NOT NULL DEFAULT 0, -- 1: victims identified and assisted are counted in the case register\n"
	"  updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now')),\n"
	"  UNIQUE (country, year)\n"
	");\n"
	"CREATE TABLE justice_record (\n"
	"  id INTEGER PRIMARY KEY,\n"
	"  country TEXT NOT NULL, -- ISO 3166 alpha-2\n"
	"  year INTEGER NOT NULL, -- report year\n"
	"  stage TEXT NOT NULL, -- code of list justice_stage\n"
	"  count INTEGER NOT NULL DEFAULT 1, -- cases (or convicted persons) the row stands for; 0: none\n"
	"  law TEXT, -- the law applied\n"
	"  exploitation TEXT, -- code of list exploitation_type\n"
	"  sentence_months INTEGER, -- imposed prison term of each convicted person; NULL: not known\n"
	"  suspended INTEGER, -- 0/1: the sentence was suspended; NULL: not known\n"
	"  official_involved INTEGER NOT NULL DEFAULT 0, -- 1: a public official was involved (complicity)\n"
	"  action TEXT NOT NULL DEFAULT 'concrete_action', -- code of list action_kind\n"
	"  source TEXT NOT NULL, -- code of list fact_source\n"
	"  source_date TEXT NOT NULL, -- YYYY-MM-DD: when the source reported it\n"
	"  source_ref TEXT, -- the document, address or contact the source refers to\n"
	"  note TEXT -- free text\n"
	");\n"
	"CREATE INDEX justice_record_cy ON justice_record(country, year);\n"
	"CREATE TABLE prescribed_penalty (\n"
	"  id INTEGER PRIMARY KEY,\n"
	"  country TEXT NOT NULL, -- ISO 3166 alpha-2\n"
	"  year INTEGER NOT NULL, -- report year from which the record applies\n"
	"  law TEXT NOT NULL, -- the law and article\n"
	"  min_years REAL NOT NULL, -- least prison term the law prescribes, in years\n"
	"  exploitation TEXT, -- code of list exploitation_type the penalty is for; NULL: all forms\n"
	"  action TEXT NOT NULL DEFAULT 'concrete_action', -- code of list action_kind (draft_law: not enacted)\n"
	"  source TEXT NOT NULL, -- code of list fact_source\n"
	"  source_date TEXT NOT NULL, -- YYYY-MM-DD\n"
	"  source_ref TEXT,\n"
	"  note TEXT\n"
	");\n"
	"CREATE INDEX prescribed_penalty_cy ON prescribed_penalty(country, year);\n"
	"CREATE TABLE response_fact (\n"
	"  id INTEGER PRIMARY KEY,\n"
	"  country TEXT NOT NULL, -- ISO 3166 alpha-2\n"
	"  year INTEGER NOT NULL, -- report year\n"
	"  kind TEXT NOT NULL, -- code of list response_fact\n"
	"  count INTEGER, -- for counted kinds (victims identified, assisted, detained)\n"
	"  flag INTEGER, -- 0/1 for yes/no kinds (procedures exist, shelters funded ...)\n"
	"  text TEXT, -- what was done, English\n"
	"  text_ar TEXT, -- the same in Arabic\n"
	"  action TEXT NOT NULL DEFAULT 'concrete_action', -- code of list action_kind\n"
	"  source TEXT NOT NULL, -- code of list fact_source\n"
	"  source_date TEXT NOT NULL, -- YYYY-MM-DD\n"
	"  source_ref TEXT\n"
	");\n"
	"CREATE INDEX response_fact_cy ON response_fact(country, year);\n"
	"CREATE TABLE recommendation (\n"
	"  id INTEGER PRIMARY KEY,\n"
	"  country TEXT NOT NULL, -- ISO 3166 alpha-2\n"
	"  year INTEGER NOT NULL, -- the report that makes it\n"
	"  number INTEGER NOT NULL, -- 1, 2, ... within the country-year: reference CC-YYYY-N\n"
	"  pillar TEXT, -- code of list programme_goal: prosecution, protection, prevention, partnership\n"
	"  check_code TEXT, -- the unmet guideline check it was picked from; NULL: written by the analyst\n"
	"  text TEXT NOT NULL, -- English\n"
	"  text_ar TEXT NOT NULL, -- Arabic\n"
	"  UNIQUE (country, year, number)\n"
	");\n"
	"CREATE TABLE programme (\n"
	"  id INTEGER PRIMARY KEY,\n"
	"  code TEXT NOT NULL UNIQUE, -- short stable code, e.g. 'jo-2010-shelters'\n"
	"  name TEXT NOT NULL,\n"
	"  name_ar TEXT,\n"
	"  type TEXT NOT NULL, -- code of list programme_type\n"
	"  goals TEXT, -- codes of list programme_goal, ';'-separated\n"
	"  partner TEXT, -- implementing partner\n"
	"  partner_kind TEXT, -- code of list partner_kind\n"
	"  amount TEXT, -- decimal number as text, in currency\n"
	"  currency TEXT, -- ISO 4217 code\n"
	"  start_date TEXT, -- YYYY-MM-DD\n"
	"  end_date TEXT, -- YYYY-MM-DD\n"
	"  people_trained INTEGER, -- reported output\n"
	"  victims_assisted INTEGER, -- reported output\n"
	"  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now'))\n"
	");\n"
	"CREATE TABLE programme_country (\n"
	"  programme_id INTEGER NOT NULL REFERENCES programme(id) ON DELETE CASCADE,\n"
	"  country TEXT NOT NULL, -- ISO 3166 alpha-2\n"
	"  PRIMARY KEY (programme_id, country)\n"
	") WITHOUT ROWID;\n"
	"CREATE TABLE programme_recommendation (\n"
	"  programme_id INTEGER NOT NULL REFERENCES programme(id) ON DELETE CASCADE,\n"
	"  recommendation_id INTEGER NOT NULL REFERENCES recommendation(id) ON DELETE CASCADE,\n"
	"  PRIMARY KEY (programme_id, recommendation_id)\n"
	") WITHOUT ROWID;\n"
	"CREATE INDEX programme_recommendation_rec ON programme_recommendation(recommendation_id);\n"
	"CREATE TABLE tier_history (\n"
	"  country TEXT NOT NULL, -- ISO 3166 alpha-2\n"
	"  year INTEGER NOT NULL, -- report year\n"
	"  source TEXT NOT NULL, -- 'assessment': placed by Sanad; 'tip_report': imported TIP Report placement\n"
	"  tier TEXT NOT NULL, -- '1', '2', '2WL', '3'\n"
	"  criteria TEXT, -- Watch List criteria that applied, e.g. 'a;b' (assessments only)\n"
	"  result TEXT, -- the assessment's JSON output object (assessments only)\n"
	"  recorded_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now')),\n"
	"  PRIMARY KEY (country, year, source)\n"
	") WITHOUT ROWID;\n"
;

/* Indexes for the web API's case lists (src/http): a caseworker's caseload
 * (owner within an organisation), overdue follow-ups, and the cases referred
 * to an organisation or consented to a liaison's scope, so that none of
 * them reads every case.  cases_owner also served every lookup by
 * organisation alone (org_id is its leading column), so there was no index
 * on org_id by itself: each index costs every inserted case a B-tree insert
 * (migrations 7 and 9 changed this).
 * cases_followup holds only the cases that have a follow-up date (the
 * "before" query implies one), so bulk imports without one add nothing. */
static const char migration_4[] =
	"CREATE INDEX cases_owner ON cases(org_id, cas_CaseOwner);\n"
	"CREATE INDEX cases_followup ON cases(snd_NextFollowUpDate) WHERE snd_NextFollowUpDate IS NOT NULL;\n"
	"CREATE INDEX case_referral_to ON case_referral(cas_ReferredOrganisation, case_id);\n"
	"CREATE INDEX case_consent_scope ON case_consent(snd_ConsentScope, case_id);\n"
;

/* Statistics (src/stats): counts by year and sex, the figures asked for most,
 * are grouped by SQLite straight from this index, in index order, instead
 * of reading every case row (storage_case_group_counts).  Its leading
 * column also serves the counts and scans of one year, so there is no index
 * on the year alone. */
static const char migration_5[] =
	"CREATE INDEX cases_year_sex ON cases(snd_YearOfRegistration, snd_Sex);\n"
;

/* Issue 5: national statistics.
 *   - cases.match_key: keyed BLAKE2b (crypto_search_token, domain "match") of
 *     the normalised name, date of birth and nationality, set when all of
 *     name and birth date are known, so that one person recorded by two
 *     organisations counts once in the national pool without the
 *     coordinator (or anyone reading the file without the key) learning
 *     who they are.  The partial index holds only cases that have one.
 *   - stats_change: the cases whose statistics may have changed since the
 *     aggregation engine (src/stats) last read them.  Cases above
 *     stats_mark.mark are new to the engine and found by id alone, so a bulk
 *     import logs nothing: there are no insert triggers at all (a trigger's
 *     WHEN subquery on every inserted row cost a 200,000-row import a third
 *     of its time), because storage allocates new case ids above both the
 *     highest id and the mark (next_case_id), and repeating parts are
 *     inserted only with a new case or by a case update, which the cases
 *     update trigger logs.  The triggers log updates and deletes of cases
 *     the engine has already seen.
 *   - stats_bitmap: the engine's bitmaps per dimension value, saved so a
 *     new process does not rebuild them from every case.
 *   - population: the figures SDG indicator 16.2.2 divides by, entered or
 *     imported by an administrator ('' in sex or age_group: all). */
static const char migration_6[] =
	"ALTER TABLE cases ADD COLUMN match_key TEXT; -- keyed hash of normalised name, birth date, nationality\n"
	"CREATE INDEX cases_match_key ON cases(match_key) WHERE match_key IS NOT NULL;\n"
	"CREATE TABLE stats_mark (\n"
	"  id INTEGER PRIMARY KEY CHECK (id = 1),\n"
	"  mark INTEGER NOT NULL -- highest case id the engine has read; higher ids are new to it\n"
	");\n"
	"INSERT INTO stats_mark (id, mark) VALUES (1, 0);\n"
	"CREATE TABLE stats_change (\n"
	"  seq INTEGER PRIMARY KEY AUTOINCREMENT, -- order of the changes; never reused\n"
	"  case_id INTEGER NOT NULL -- the case to read again (it may no longer exist)\n"
	");\n"
	"CREATE TRIGGER stats_case_update AFTER UPDATE ON cases\n"
	"  WHEN OLD.id <= (SELECT mark FROM stats_mark WHERE id = 1)\n"
	"  BEGIN INSERT INTO stats_change (case_id) VALUES (OLD.id); END;\n"
	"CREATE TRIGGER stats_case_delete AFTER DELETE ON cases\n"
	"  WHEN OLD.id <= (SELECT mark FROM stats_mark WHERE id = 1)\n"
	"  BEGIN INSERT INTO stats_change (case_id) VALUES (OLD.id); END;\n"
	"CREATE TRIGGER stats_event_update AFTER UPDATE ON case_event\n"
	"  WHEN NEW.case_id <= (SELECT mark FROM stats_mark WHERE id = 1)\n"
	"  BEGIN INSERT INTO stats_change (case_id) VALUES (NEW.case_id); END;\n"
	"CREATE TRIGGER stats_event_delete AFTER DELETE ON case_event\n"
	"  WHEN OLD.case_id <= (SELECT mark FROM stats_mark WHERE id = 1)\n"
	"  BEGIN INSERT INTO stats_change (case_id) VALUES (OLD.case_id); END;\n"
	"CREATE TRIGGER stats_service_update AFTER UPDATE ON case_service\n"
	"  WHEN NEW.case_id <= (SELECT mark FROM stats_mark WHERE id = 1)\n"
	"  BEGIN INSERT INTO stats_change (case_id) VALUES (NEW.case_id); END;\n"
	"CREATE TRIGGER stats_service_delete AFTER DELETE ON case_service\n"
	"  WHEN OLD.case_id <= (SELECT mark FROM stats_mark WHERE id = 1)\n"
	"  BEGIN INSERT INTO stats_change (case_id) VALUES (OLD.case_id); END;\n"
	"CREATE TRIGGER stats_consent_update AFTER UPDATE ON case_consent\n"
	"  WHEN NEW.case_id <= (SELECT mark FROM stats_mark WHERE id = 1)\n"
	"  BEGIN INSERT INTO stats_change (case_id) VALUES (NEW.case_id); END;\n"
	"CREATE TRIGGER stats_consent_delete AFTER DELETE ON case_consent\n"
	"  WHEN OLD.case_id <= (SELECT mark FROM stats_mark WHERE id = 1)\n"
	"  BEGIN INSERT INTO stats_change (case_id) VALUES (OLD.case_id); END;\n"
	"CREATE TRIGGER stats_referral_update AFTER UPDATE ON case_referral\n"
	"  WHEN NEW.case_id <= (SELECT mark FROM stats_mark WHERE id = 1)\n"
	"  BEGIN INSERT INTO stats_change (case_id) VALUES (NEW.case_id); END;\n"
	"CREATE TRIGGER stats_referral_delete AFTER DELETE ON case_referral\n"
	"  WHEN OLD.case_id <= (SELECT mark FROM stats_mark WHERE id = 1)\n"
	"  BEGIN INSERT INTO stats_change (case_id) VALUES (OLD.case_id); END;\n"
	"CREATE TRIGGER stats_perpetrator_update AFTER UPDATE ON case_perpetrator\n"
	"  WHEN NEW.case_id <= (SELECT mark FROM stats_mark WHERE id = 1)\n"
	"  BEGIN INSERT INTO stats_change (case_id) VALUES (NEW.case_id); END;\n"
	"CREATE TRIGGER stats_perpetrator_delete AFTER DELETE ON case_perpetrator\n"
	"  WHEN OLD.case_id <= (SELECT mark FROM stats_mark WHERE id = 1)\n"
	"  BEGIN INSERT INTO stats_change (case_id) VALUES (OLD.case_id); END;\n"
	"CREATE TABLE stats_bitmap (\n"
	"  dim TEXT NOT NULL, -- dimension name (src/stats/dimensions.c) or an engine set ('@consent' ...)\n"
	"  code TEXT NOT NULL, -- the value's code; '' for unknown\n"
	"  bitmap BLOB NOT NULL, -- portable Roaring bitmap of case ids\n"
	"  PRIMARY KEY (dim, code)\n"
	") WITHOUT ROWID;\n"
	"CREATE TABLE stats_bitmap_state (\n"
	"  dim TEXT PRIMARY KEY, -- as in stats_bitmap\n"
	"  mark INTEGER NOT NULL, -- the bitmaps hold every case with id <= mark ...\n"
	"  seq INTEGER NOT NULL -- ... as it stood after stats_change seq\n"
	") WITHOUT ROWID;\n"
	"CREATE TABLE population (\n"
	"  year INTEGER NOT NULL,\n"
	"  sex TEXT NOT NULL DEFAULT '', -- code of list sex; '': both sexes\n"
	"  age_group TEXT NOT NULL DEFAULT '', -- code of list age_band or majority_status; '': all ages\n"
	"  count INTEGER NOT NULL CHECK (count > 0), -- people\n"
	"  source TEXT, -- census, estimate ... as entered\n"
	"  updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now')),\n"
	"  PRIMARY KEY (year, sex, age_group)\n"
	") WITHOUT ROWID;\n"
;

/* Statistics come from the aggregation engine's bitmaps now, so the index
 * of migration 5 for grouping by year and sex serves nothing and costs
 * every inserted case a B-tree insert: dropped. */
/* The web list of one organisation's cases pages in id order.  Through
 * cases_owner (org_id, cas_CaseOwner) that meant sorting every id of the
 * organisation for each page of 50 (78 pages/s at 100,000 cases under load,
 * bench/http_load); an index on org_id alone holds each organisation's ids in
 * rowid order, so a page is a range read.  A bulk import into one
 * organisation appends to it in order, which costs little. */
static const char migration_7[] =
	"CREATE INDEX cases_org ON cases(org_id);\n"
	"DROP INDEX cases_year_sex;\n"
;

/* The browse of the trail (storage_audit_query) filters by organisation,
 * case or actor.  Two B-tree indexes, (org_code, id) and (case_ref, id),
 * were meant for it, but its query (every filter optional) never used
 * them: it scanned the table.  They cost every record two index inserts
 * at scattered places, about 10 us of the server's 50 us per audited read
 * (bench/http_load).  Instead, each complete block of 16,384 records
 * (ids b*16384 .. b*16384+16383) gets one row per case, organisation and
 * actor it mentions, listing that key's records in the block; the row is
 * written in the transaction that appends the block's last record
 * (storage_audit_insert), so blocks are added in key order at the end of
 * this table and records are never indexed one by one.  A browse looks up
 * its key block by block and reads the unfinished last block directly.
 * Rows here are derived from audit_log; `sanad audit verify` recomputes
 * them, so one altered to hide a record is found like an altered record. */
static const char migration_8[] =
	"CREATE TABLE audit_log_block (\n"
	"  block INTEGER NOT NULL, -- audit_log ids block*16384 .. block*16384+16383\n"
	"  kind TEXT NOT NULL, -- 'case', 'org' or 'actor'\n"
	"  key TEXT NOT NULL, -- case_ref, org_code or actor\n"
	"  ids BLOB NOT NULL, -- id - block*16384 of each record, 2 bytes little-endian each, ascending\n"
	"  PRIMARY KEY (block, kind, key)\n"
	") WITHOUT ROWID;\n"
	"CREATE TRIGGER audit_log_block_no_update BEFORE UPDATE ON audit_log_block\n"
	"  BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;\n"
	"CREATE TRIGGER audit_log_block_no_delete BEFORE DELETE ON audit_log_block\n"
	"  BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;\n"
	"INSERT INTO audit_log_block (block, kind, key, ids)\n"
	"  SELECT block, kind, key, sanad_audit_offsets(id) FROM (\n"
	"    SELECT id >> 14 AS block, 'case' AS kind, case_ref AS key, id FROM audit_log WHERE case_ref IS NOT NULL\n"
	"    UNION ALL SELECT id >> 14, 'org', org_code, id FROM audit_log WHERE org_code IS NOT NULL\n"
	"    UNION ALL SELECT id >> 14, 'actor', actor, id FROM audit_log)\n"
	"  WHERE block < (SELECT (max(id) + 1) >> 14 FROM audit_log)\n"
	"  GROUP BY block, kind, key ORDER BY block, kind, key;\n"
	"DROP INDEX IF EXISTS audit_log_org;\n"
	"DROP INDEX IF EXISTS audit_log_case;\n"
;

/* cases_owner (org_id, cas_CaseOwner) serves one query: a caseworker's own
 * cases (query_where, "AND c.cas_CaseOwner = ?"), which implies an owner;
 * lookups by organisation alone go through cases_org since migration 7.
 * Yet every case paid for an entry, and a bulk import's cases, which have
 * no owner, about 1,600 instructions each of SQLite's 14,000
 * (bench/README.md).  Only cases with an owner are kept in it now. */
static const char migration_9[] =
	"DROP INDEX cases_owner;\n"
	"CREATE INDEX cases_owner ON cases(org_id, cas_CaseOwner) WHERE cas_CaseOwner IS NOT NULL;\n"
;

/* A case's reference is the one it was given (an XForm instance id, an
 * HTCDS file's) or, for most, one made from its id: "SND-000123".  Every
 * made reference was stored and kept in a unique index, which cost a bulk
 * import a sixth of its writing time (bench/README.md, tenth session) for
 * a value the id already holds.  Now only given references are stored, in
 * case_ref_given under a unique index of its own, and storage reads a
 * case's reference as coalesce(case_ref_given, printf('SND-%06d', id))
 * (STORAGE_CASE_REF).  Not as a generated column: SQLite computes those on
 * every insert, which cost more than the index.  The column is renamed so
 * that a script still reading snd_CaseRef fails instead of finding NULLs.
 * A given reference in the made form is kept unless its case has it, and
 * ids are then given from above it (db_sqlite.c, case_ref_stored and
 * next_case_id), so no two cases ever have one.
 *
 * SQLite cannot drop a UNIQUE column constraint, so the table is rebuilt
 * (https://sqlite.org/lang_altertable.html, "Making Other Kinds Of Table
 * Schema Changes") from its own definition as earlier migrations left it,
 * and its indexes and triggers are made again from theirs. */
static const char case_ref_column[] = "snd_CaseRef TEXT NOT NULL UNIQUE, -- text\n";
static const char case_ref_given_column[] =
	"case_ref_given TEXT, -- snd_CaseRef if given; NULL: made from the id, SND-000123\n";

static int migration_exec(sqlite3 *db, const char *sql, struct sanad_error *err)
{
	char *msg = NULL;
	if (sqlite3_exec(db, sql, NULL, NULL, &msg) == SQLITE_OK)
		return 0;
	sanad_error_set(err, SANAD_EDB, "%s", msg ? msg : sqlite3_errmsg(db));
	sqlite3_free(msg);
	return err->code;
}

/* The text of every row of a one-column query, each followed by ";\n". */
static int migration_collect(sqlite3 *db, const char *sql, struct strbuf *out, struct sanad_error *err)
{
	sqlite3_stmt *s;
	int rc;
	if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) != SQLITE_OK)
		return sanad_error_set(err, SANAD_EDB, "%s", sqlite3_errmsg(db));
	while ((rc = sqlite3_step(s)) == SQLITE_ROW)
		strbuf_addf(out, "%s;\n", (const char *)sqlite3_column_text(s, 0));
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE)
		return sanad_error_set(err, SANAD_EDB, "%s", sqlite3_errmsg(db));
	return 0;
}

static int migration_10_step(sqlite3 *db, struct sanad_error *err)
{
	struct strbuf table = STRBUF_INIT, after = STRBUF_INIT, cols = STRBUF_INIT, values = STRBUF_INIT;
	struct strbuf sql = STRBUF_INIT;
	const char *def, *at, *close;
	sqlite3_stmt *s = NULL;
	int rc;

	if ((rc = migration_collect(db, "SELECT sql FROM sqlite_schema WHERE type = 'table' AND name = 'cases'",
				    &table, err)) ||
	    (rc = migration_collect(db, "SELECT sql FROM sqlite_schema WHERE tbl_name = 'cases' "
					"AND type IN ('index', 'trigger') AND sql IS NOT NULL ORDER BY rowid",
				    &after, err)))
		goto out;
	def = table.buf;
	if (def && strstr(def, " case_ref_given TEXT,")) /* rebuilt already (a file whose version was set back) */
		goto out;
	at = def ? strstr(def, case_ref_column) : NULL;
	close = def ? strrchr(def, ')') : NULL;
	if (!def || strncmp(def, "CREATE TABLE cases (", 20) || !at || !close || close < at) {
		rc = sanad_error_set(err, SANAD_EDB, "the cases table is not as migration 9 left it");
		goto out;
	}
	strbuf_addstr(&sql, "CREATE TABLE cases_rebuilt (");
	strbuf_add(&sql, def + 20, (size_t)(at - def - 20));
	strbuf_addstr(&sql, case_ref_given_column);
	at += strlen(case_ref_column);
	strbuf_add(&sql, at, (size_t)(close - at + 1));
	strbuf_addstr(&sql, ";\n");

	if (sqlite3_prepare_v2(db, "SELECT name FROM pragma_table_info('cases') ORDER BY cid", -1, &s, NULL)) {
		rc = sanad_error_set(err, SANAD_EDB, "%s", sqlite3_errmsg(db));
		goto out;
	}
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		const char *name = (const char *)sqlite3_column_text(s, 0);
		int is_ref = !strcmp(name, "snd_CaseRef");
		strbuf_addf(&cols, "%s%s", cols.len ? ", " : "", is_ref ? "case_ref_given" : name);
		if (is_ref) /* a reference made from the id is made again when read */
			strbuf_addf(&values, "%snullif(snd_CaseRef, printf('SND-%%06d', id))", values.len ? ", " : "");
		else
			strbuf_addf(&values, "%s%s", values.len ? ", " : "", name);
	}
	if (rc != SQLITE_DONE) {
		rc = sanad_error_set(err, SANAD_EDB, "reading the columns of cases: %s", sqlite3_errmsg(db));
		sqlite3_finalize(s);
		goto out;
	}
	sqlite3_finalize(s);
	strbuf_addf(&sql, "INSERT INTO cases_rebuilt (%s) SELECT %s FROM cases;\n", cols.buf, values.buf);
	strbuf_addstr(&sql, "DROP TABLE cases;\n"
			    "ALTER TABLE cases_rebuilt RENAME TO cases;\n");
	strbuf_addstr(&sql, after.buf ? after.buf : "");
	strbuf_addstr(&sql, "CREATE UNIQUE INDEX cases_ref_given ON cases(case_ref_given) "
			    "WHERE case_ref_given IS NOT NULL;\n");
	rc = migration_exec(db, sql.buf, err);
out:
	strbuf_release(&table);
	strbuf_release(&after);
	strbuf_release(&cols);
	strbuf_release(&values);
	strbuf_release(&sql);
	return rc;
}

const struct migration storage_migrations[] = {
	{ 1, "case register: organisations, cases and their repeating parts", migration_1 },
	{ 2, "accounts, sessions, tokens, throttling, audit trail, name tokens", migration_2 },
	{ 3, "national response: findings, justice records, penalties, facts, recommendations, programmes, tier history",
	  migration_3 },
	{ 4, "indexes for the web API's case lists", migration_4 },
	{ 5, "index for counts by year and sex", migration_5 },
	{ 6, "national statistics: match keys, engine change log and bitmaps, population", migration_6 },
	{ 7, "index for one organisation's cases in id order; the year-and-sex index dropped", migration_7 },
	{ 8, "audit trail browsed by blocks of records instead of two per-record indexes", migration_8 },
	{ 9, "the index of cases by owner holds only cases that have one", migration_9 },
	{ 10, "case references made from the id are no longer stored", "", migration_10_step, 1 },
};
const int storage_migration_count = sizeof(storage_migrations) / sizeof(storage_migrations[0]);
