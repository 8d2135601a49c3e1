/*
 * demo/orgs.c: the demo deployment's organisations, a national referral
 * mechanism in miniature.  The names are invented (no real body is meant)
 * but the mix is what a destination country has: a lead ministry, two
 * shelters and a migrant-workers centre, a 24-hour hotline, the police
 * anti-trafficking unit, the labour inspectorate, the immigration service
 * and a legal-aid centre.  The immigration service stays out of the
 * statistics pool: it is on the enforcement side of the firewall.
 */
#include "demo/demo_internal.h"

#define PEOPLE(...) (const char *const[]){ __VA_ARGS__, NULL }

static const struct demo_org orgs[] = {
	{ "mosa-atd", "Ministry of Social Affairs, Anti-Trafficking Directorate",
	  "وزارة الشؤون الاجتماعية - مديرية مكافحة الاتجار بالبشر", "CentralGovernmentOrganisation", 1, 7,
	  "NonPoliceGovernmentalOrganization", PEOPLE("rania.haddad", "omar.khalil", "dana.saleh") },
	{ "shelter-karama", "Karama Shelter for Women Survivors", "دار الكرامة لإيواء الناجيات", "NGO", 1, 17,
	  "NGO", PEOPLE("lina.odeh", "maha.qasim", "reem.hijazi", "samar.nasser") },
	{ "shelter-amal", "Amal Children's Shelter", "دار الأمل لرعاية الأطفال", "NGO", 1, 8,
	  "NGO", PEOPLE("hala.yousef", "ziad.faris") },
	{ "tadamon-mwc", "Tadamon Migrant Workers Centre", "مركز تضامن للعمال المهاجرين", "NGO", 1, 20,
	  "NGO", PEOPLE("jocelyn.reyes", "nimali.perera", "tareq.mansour", "yara.haddad") },
	{ "hotline-nida", "Nida 24-hour Hotline", "خط نداء الساخن على مدار الساعة", "NGO", 1, 12,
	  "NGO", PEOPLE("nour.salem", "fadi.awad", "mercy.otieno") },
	{ "police-atu", "Public Security Anti-Trafficking Unit", "الأمن العام - وحدة مكافحة الاتجار بالبشر",
	  "LawEnforcement", 1, 17, "Police", PEOPLE("capt.khaled.zoubi", "lt.sara.majali", "sgt.ali.hamdan") },
	{ "labour-insp", "Labour Inspectorate", "مديرية التفتيش العمالي", "CentralGovernmentOrganisation", 1, 11,
	  "NonPoliceGovernmentalOrganization", PEOPLE("inspector.ahmad.issa", "inspector.muna.tal") },
	{ "immigration", "Residence and Borders Directorate", "مديرية الإقامة والحدود", "ImmigrationService", 0, 3,
	  "NonPoliceGovernmentalOrganization", PEOPLE("officer.hani.rawashdeh") },
	{ "legal-adala", "Adala Legal Aid Centre", "مركز عدالة للمساعدة القانونية", "LegalService", 1, 5,
	  "CourtOrProsecution", PEOPLE("adv.rasha.khoury", "adv.basel.amin") },
};

const struct demo_org *demo_orgs(int *count)
{
	*count = (int)(sizeof(orgs) / sizeof(orgs[0]));
	return orgs;
}
