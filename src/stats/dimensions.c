/*
 * stats/dimensions.c: the one table of statistics dimensions.  Adding a
 * dimension is one row here: its name, the case field (or storage's derived
 * "stat:" value) it reads, how its values group and order, and its
 * headings.  Identity fields (names, birth
 * dates, contact details) never appear: statistics read only the fields a
 * published figure may be broken down by.
 */
#include "stats/stats.h"

#include <string.h>

static const struct stats_dimension dimensions[] = {
	{ "year", NULL, "snd_YearOfRegistration", STATS_DIM_NUMBER, NULL,
	  { "Year", "السنة" }, "year the case was registered" },
	{ "sex", "gender", "snd_Sex", STATS_DIM_PICK, "sex",
	  { "Sex", "الجنس" }, "sex (CTDC's 'gender' column is imported here)" },
	{ "age", NULL, "snd_AgeBroad", STATS_DIM_PICK, "age_band",
	  { "Age band", "الفئة العمرية" }, "age band when identified (from age or date of birth)" },
	{ "majority", NULL, "snd_MajorityStatus", STATS_DIM_PICK, "majority_status",
	  { "Minor/adult", "قاصر/بالغ" }, "minor or adult when identified" },
	{ "age_trafficked", NULL, "vic_AgeWhenTrafficked", STATS_DIM_BANDED, "age_band",
	  { "Age band when trafficked", "الفئة العمرية عند الاتجار" },
	  "age band when trafficked (from the age in years)" },
	{ "majority_trafficked", NULL, "snd_MajorityStatusAtExploit", STATS_DIM_PICK, "majority_status",
	  { "Minor/adult when exploited", "قاصر/بالغ عند الاستغلال" },
	  "minor or adult when exploitation began" },
	{ "disability", NULL, "snd_Disability", STATS_DIM_MULTI, "disability",
	  { "Disability", "الإعاقة" }, "disability (several: counted under each)" },
	{ "ethnicity", NULL, "snd_Ethnicity", STATS_DIM_TEXT, NULL,
	  { "Ethnicity", "الأصل الإثني" }, "ethnicity, as recorded" },
	{ "nationality", "citizenship", "prs_Citizenship", STATS_DIM_MULTI, "country",
	  { "Nationality", "الجنسية" },
	  "nationality (a person with two nationalities counts once under each)" },
	{ "migration_status", NULL, "snd_MigrationStatus", STATS_DIM_PICK, "migration_status",
	  { "Migration status", "وضع الهجرة" }, "migration status" },
	{ "location", NULL, "snd_Location", STATS_DIM_TEXT, NULL,
	  { "Location", "المكان" }, "place of identification (region or city), as recorded" },
	{ "country_of_identification", NULL, "snd_CountryOfIdentification", STATS_DIM_PICK, "country",
	  { "Country of identification", "بلد التعرّف" }, "country where the victim was identified" },
	{ "country_of_exploitation", NULL, "snd_CountryOfExploitation", STATS_DIM_PICK, "country",
	  { "Country of exploitation", "بلد الاستغلال" }, "country where the victim was exploited" },
	{ "socio_economic_status", NULL, "snd_SocioEconomicStatus", STATS_DIM_PICK, "socio_economic_status",
	  { "Socio-economic status", "الوضع الاجتماعي والاقتصادي" }, "socio-economic status" },
	{ "exploitation", "form", "vic_TypeOfExploitation", STATS_DIM_MULTI, "exploitation_type",
	  { "Form of exploitation", "شكل الاستغلال" },
	  "form of exploitation (a victim of several forms counts under each)" },
	{ "industry", NULL, "vic_ForcedLabourIndustry", STATS_DIM_MULTI, "forced_labour_industry",
	  { "Industry", "القطاع" }, "industry of forced labour (several: counted under each)" },
	{ "labour_type", NULL, "snd_LabourType", STATS_DIM_MULTI, "labour_type",
	  { "Type of labour", "نوع العمل" }, "type of labour (several: counted under each)" },
	{ "sex_exploitation_type", NULL, "vic_TypeOfSexExploitation", STATS_DIM_MULTI,
	  "sex_exploitation_type", { "Type of sexual exploitation", "نوع الاستغلال الجنسي" },
	  "type of sexual exploitation (several: counted under each)" },
	{ "exploitation_setting", NULL, "snd_ExploitationSetting", STATS_DIM_MULTI, "exploitation_setting",
	  { "Setting of exploitation", "بيئة الاستغلال" },
	  "where exploitation took place, online included (several: counted under each)" },
	{ "means_of_control", NULL, "vic_MethodsOfControl", STATS_DIM_MULTI, "means_of_control",
	  { "Means of control", "وسائل السيطرة" }, "means of control (several: counted under each)" },
	{ "recruitment_method", NULL, "vic_MethodOfRecruitment", STATS_DIM_MULTI, "recruitment_method",
	  { "Method of recruitment", "طريقة التجنيد" },
	  "method of recruitment (several: counted under each)" },
	{ "recruitment_app", NULL, "vic_RecruitmentWebsitesAndApps", STATS_DIM_MULTI, "websites_apps",
	  { "Website or app of recruitment", "موقع أو تطبيق التجنيد" },
	  "website or app used to recruit (several: counted under each)" },
	{ "recruiter_relation", NULL, "snd_RecruiterRelation", STATS_DIM_MULTI, "recruiter_relation",
	  { "Relation to recruiter", "الصلة بالمجنِّد" },
	  "how the victim knew the recruiter (several: counted under each)" },
	{ "vulnerability", NULL, "vic_Vulnerabilities", STATS_DIM_MULTI, "vulnerability",
	  { "Vulnerability", "عوامل الهشاشة" }, "vulnerabilities (several: counted under each)" },
	{ "trafficking_status", NULL, "vic_TraffickingStatus", STATS_DIM_PICK, "trafficking_status",
	  { "Trafficking status", "صفة الضحية" }, "possible, identified or not a victim" },
	{ "stage", NULL, "snd_Stage", STATS_DIM_PICK, "case_stage",
	  { "Stage", "المرحلة" }, "stage of the case (identification ... closure)" },
	{ "status", NULL, "cas_Status", STATS_DIM_PICK, "case_status",
	  { "Case status", "حالة الملف" }, "case status (active, follow-up, closed)" },
	{ "closure_reason", NULL, "snd_ClosureReason", STATS_DIM_PICK, "closure_reason",
	  { "Reason for closure", "سبب الإغلاق" }, "reason the case was closed" },
	{ "data_source", NULL, "snd_DataSource", STATS_DIM_PICK, "data_source",
	  { "Data source", "مصدر البيانات" }, "where the case record came from" },
	{ "organisation", NULL, "snd_Organisation", STATS_DIM_ORG, NULL,
	  { "Organisation", "المنظمة" }, "organisation that owns the case" },
	/* derived from the repeating parts by storage ("stat:" values, storage.h) */
	{ "service_type", NULL, "stat:service_type", STATS_DIM_MULTI, "service_type",
	  { "Service", "الخدمة" }, "types of service the victim received (several: counted under each)" },
	{ "service_mode", NULL, "stat:service_mode", STATS_DIM_MULTI, "service_mode",
	  { "Service mode", "طريقة تقديم الخدمة" },
	  "how services were given: in person, remote, phone (several: counted under each)" },
	{ "outcome", NULL, "stat:outcome", STATS_DIM_MULTI, "case_outcome",
	  { "Outcome", "النتيجة" },
	  "referred, assisted, returned, reintegrated (several: counted under each)" },
	{ "days_to_service", NULL, "stat:days_to_service", STATS_DIM_PICK, "days_band",
	  { "Days to first service", "الأيام حتى أول خدمة" },
	  "days from identification (else registration) to the first service" },
	{ "route_origin", NULL, "stat:route_origin", STATS_DIM_PICK, "country",
	  { "Country of origin", "بلد المنشأ" },
	  "country of recruitment (the earliest recruitment event), else the first nationality" },
	{ "route_transit", NULL, "stat:route_transit", STATS_DIM_MULTI, "country",
	  { "Country of transit", "بلد العبور" }, "countries of transit (several: counted under each)" },
	{ "route_destination", NULL, "stat:route_destination", STATS_DIM_PICK, "country",
	  { "Country of destination", "بلد المقصد" },
	  "country of exploitation, else of the earliest exploitation event" },
};

const struct stats_dimension *stats_dimensions(int *count)
{
	*count = (int)(sizeof(dimensions) / sizeof(dimensions[0]));
	return dimensions;
}

const struct stats_dimension *stats_dimension_find(const char *name)
{
	int n;
	const struct stats_dimension *d = stats_dimensions(&n);
	if (!name)
		return NULL;
	for (int i = 0; i < n; i++)
		if (!ascii_strcasecmp(d[i].name, name) || (d[i].alias && !ascii_strcasecmp(d[i].alias, name)))
			return &d[i];
	return NULL;
}
