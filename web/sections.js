// sections.js: how the case's fields are grouped on screen.  The fields
// themselves (kinds, picklists, limits) come from the registry
// (GET /api/v1/fields); a registry field placed in no section here still
// appears, under "Other fields", so a new field is never lost from view.

export const CASE_SECTIONS = [
  { id: 'registration', title: 'section.registration', onCreate: true, fields: [
    'snd_RegistrationDate', 'snd_DataSource', 'snd_NextFollowUpDate', 'snd_PreviousCaseRef'] },
  { id: 'identity', title: 'section.identity', onCreate: true, identity: true, fields: [
    'prs_FirstName', 'prs_MiddleName', 'prs_SecondName', 'prs_Salutation', 'prs_Title', 'prs_Birthdate',
    'prs_IdentityNumber', 'prs_MobilePhone', 'prs_HomePhone', 'prs_Email', 'prs_MailingStreet',
    'prs_MailingCity', 'prs_MailingState', 'prs_MailingPostalCode', 'prs_MailingCountry',
    'prs_MailingLatitude', 'prs_MailingLongitude'] },
  { id: 'person', title: 'section.person', onCreate: true, fields: [
    'prs_Gender', 'snd_Sex', 'snd_AgeAtIdentification', 'snd_AgeBroad', 'snd_MajorityStatus',
    'snd_MajorityStatusAtExploit', 'prs_Citizenship', 'prs_PrimaryLanguage', 'prs_SecondaryLanguage',
    'prs_MaritalStatus', 'prs_NumberOfChildren', 'prs_HighestLevelOfEducation', 'snd_Disability',
    'snd_Ethnicity', 'snd_MigrationStatus', 'snd_SocioEconomicStatus', 'snd_CountryOfIdentification',
    'snd_Location', 'prs_Deceased', 'vic_AgreementToManagePersonalData', 'con_Consent'] },
  { id: 'context', title: 'section.context', onCreate: true, fields: [
    'vic_TypeOfExploitation', 'vic_ForcedLabourIndustry', 'snd_LabourType', 'vic_TypeOfSexExploitation',
    'snd_ExploitationSetting', 'vic_LocationOfExploitation', 'snd_CountryOfExploitation',
    'vic_ExploitationWebsitesAndApps', 'vic_MethodOfRecruitment', 'vic_RecruitmentWebsitesAndApps',
    'vic_LocationOfRecruitment', 'vic_RelationshipToTrafficker', 'snd_RecruiterRelation',
    'vic_AgeWhenTrafficked', 'snd_IsAbduction', 'vic_DetailsOfVulnerabilities'] },
  { id: 'incoming', title: 'section.incoming', onCreate: true, fields: [
    'cas_ReferringOrganisation', 'cas_IncomingReferralDate', 'cas_ReferringPrimaryCaseWorker',
    'cas_ReasonForIncomingReferral', 'cas_IncomingReferralDetails'] },
  // recorded by the screening step (POST .../screening), shown read-only elsewhere
  { id: 'indicators', title: 'section.indicators', fields: [
    'snd_PalermoAct', 'snd_PalermoMeans', 'vic_MethodsOfControl', 'vic_Vulnerabilities'] },
  // changed only by the lifecycle routes (screening, closure, handover)
  { id: 'lifecycle', title: 'section.lifecycle', readOnly: true, fields: [
    'snd_CaseRef', 'snd_Organisation', 'cas_CaseOwner', 'snd_Stage', 'cas_Status',
    'vic_TraffickingStatus', 'vic_TraffickingStatusDecisionMakingOrg', 'snd_StatusDecidedBy',
    'snd_IdentificationDate', 'snd_YearOfRegistration', 'snd_ClosureReason', 'cas_ReasonForCaseClosure',
    'snd_ClosedDate'] },
];

// PATCH /api/v1/cases/{ref} refuses these: each has its own lifecycle route.
export const LIFECYCLE_FIELDS = ['cas_CaseOwner', 'cas_Status', 'snd_Stage', 'snd_ClosureReason',
  'cas_ReasonForCaseClosure', 'snd_ClosedDate', 'vic_TraffickingStatus',
  'vic_TraffickingStatusDecisionMakingOrg', 'snd_StatusDecidedBy'];

// Not asked on the new-case form: Sanad gives or derives them, or a
// lifecycle step sets them.
export const NOT_ON_CREATE = ['snd_CaseRef', 'snd_Organisation', 'snd_YearOfRegistration',
  'snd_IdentificationDate', ...LIFECYCLE_FIELDS];

// Sections of the overview with every registry field of the case placed.
export function sectionsWithRest(caseFields) {
  const placed = new Set(CASE_SECTIONS.flatMap(s => s.fields));
  const rest = caseFields.map(f => f.name).filter(n => !placed.has(n));
  return rest.length ? [...CASE_SECTIONS, { id: 'other', title: 'section.other', fields: rest }] : CASE_SECTIONS;
}
