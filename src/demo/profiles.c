/*
 * demo/profiles.c: the shapes of exploitation the demo deployment sees, with
 * the mixes that make the figures look like a destination country's: who
 * (nationality, sex, age), for how long, in what industry and setting, by
 * which means of control, and which organisations usually meet such cases.
 * The proportions are illustrative, in line with the patterns the source
 * documents and published national reports describe (domestic servitude of
 * migrant women; men in construction and agriculture; more children in
 * begging, forced marriage and sexual exploitation); they are not
 * statistics of any real country.
 */
#include "demo/demo_internal.h"

/* organisations, in demo_orgs() order:
 *   mosa-atd shelter-karama shelter-amal tadamon-mwc hotline-nida police-atu
 *   labour-insp immigration legal-adala */
static const struct profile profiles[] = {
	{ P_DOMESTIC, "domestic servitude", 30, 94, 4, 31, 7, 18, 55, 15, 2, 48,
	  W({ "PH", 24 }, { "LK", 15 }, { "BD", 18 }, { "ET", 15 }, { "UG", 10 }, { "KE", 8 }, { "ID", 5 },
	    { "NP", 5 }),
	  "DomesticServitude", 50, "ForcedLabour",
	  W({ "DomesticWork", 1 }), W({ "T_ActivitiesOfHouseholdsAsEmployers", 1 }),
	  W({ "PrivatePremises", 1 }),
	  L("WithholdsDocuments", "ExcessiveWorkingHours", "TakesEarnings", "RestrictsMovement",
	    "PsychologicalAbuse", "PhysicalAbuse", "WithholdsNecessities", "FalsePromises", "SexualAbuse",
	    "ThreatsLawEnforcement", "RestrictsFinancialAccess"),
	  { 5, 22, 0, 30, 15, 10, 4, 4, 6 } },
	{ P_GARMENT, "garment factories", 11, 72, 2, 27, 5, 18, 45, 16, 6, 36,
	  W({ "BD", 36 }, { "LK", 20 }, { "IN", 16 }, { "NP", 16 }, { "JO", 6 }, { "EG", 6 }),
	  "ForcedLabour", 0, NULL,
	  W({ "Manufacturing", 1 }), W({ "C_Manufacturing", 1 }), W({ "CommercialPremises", 1 }),
	  L("DebtBondage", "WithholdsDocuments", "ExcessiveWorkingHours", "TakesEarnings", "FalsePromises",
	    "RestrictsMovement", "ThreatsLawEnforcement"),
	  { 4, 5, 0, 32, 8, 8, 38, 2, 3 } },
	{ P_CONSTRUCTION, "construction", 8, 3, 3, 32, 9, 18, 60, 15, 3, 30,
	  W({ "EG", 55 }, { "SY", 18 }, { "SD", 10 }, { "BD", 10 }, { "JO", 7 }),
	  "ForcedLabour", 0, NULL,
	  W({ "Construction", 1 }), W({ "F_Construction", 1 }), W({ "CommercialPremises", 1 }),
	  L("DebtBondage", "WithholdsDocuments", "TakesEarnings", "FalsePromises", "ThreatsLawEnforcement",
	    "PhysicalThreats", "ExcessiveWorkingHours"),
	  { 4, 0, 0, 28, 8, 12, 42, 3, 3 } },
	{ P_AGRICULTURE, "agriculture", 6, 25, 12, 30, 10, 18, 60, 12, 4, 36,
	  W({ "EG", 50 }, { "SY", 30 }, { "JO", 10 }, { "PK", 5 }, { "SD", 5 }),
	  "ForcedLabour", 0, NULL,
	  W({ "Agriculture", 1 }), W({ "A_AgricultureForestryAndFishing", 1 }), W({ "Other", 1 }),
	  L("DebtBondage", "TakesEarnings", "ExcessiveWorkingHours", "FalsePromises", "WithholdsDocuments",
	    "WithholdsNecessities", "ThreatsLawEnforcement"),
	  { 6, 0, 4, 25, 8, 10, 42, 2, 3 } },
	{ P_SEXUAL, "sexual exploitation", 18, 90, 20, 24, 5, 18, 40, 13, 1, 30,
	  W({ "SY", 28 }, { "JO", 16 }, { "IQ", 10 }, { "MA", 9 }, { "UA", 8 }, { "NG", 7 }, { "EG", 5 },
	    { "BD", 5 }, { "PH", 5 }, { "KE", 4 }, { "YE", 3 }),
	  "SexualExploitation", 0, NULL,
	  NULL, NULL, W({ "PrivatePremises", 55 }, { "CommercialPremises", 30 }, { "Online", 15 }),
	  L("PhysicalThreats", "SexualAbuse", "PsychoactiveSubstance", "DebtBondage", "TakesEarnings",
	    "ThreatensChildrenFamily", "PhysicalAbuse", "FalsePromises", "RestrictsMovement",
	    "PsychologicalAbuse", "WithholdsDocuments"),
	  { 8, 26, 6, 4, 12, 37, 0, 4, 3 } },
	{ P_BEGGING, "forced begging", 7, 45, 55, 35, 12, 18, 70, 6, 1, 24,
	  W({ "SY", 50 }, { "JO", 32 }, { "EG", 8 }, { "IQ", 10 }),
	  "ForcedBegging", 0, NULL,
	  W({ "Begging", 1 }), NULL, W({ "PublicSpace", 1 }),
	  L("PhysicalAbuse", "TakesEarnings", "PsychologicalAbuse", "WithholdsNecessities", "UsesChildren",
	    "PhysicalThreats"),
	  { 18, 0, 34, 0, 10, 33, 0, 0, 5 } },
	{ P_MARRIAGE, "forced marriage", 6, 98, 72, 20, 2, 18, 26, 13, 1, 36,
	  W({ "SY", 65 }, { "JO", 20 }, { "IQ", 10 }, { "YE", 5 }),
	  "ForcedMarriage", 30, "DomesticServitude",
	  NULL, NULL, W({ "PrivatePremises", 1 }),
	  L("PsychologicalAbuse", "SexualAbuse", "RestrictsMovement", "PhysicalAbuse",
	    "ThreatensChildrenFamily"),
	  { 22, 20, 30, 0, 10, 13, 0, 0, 5 } },
	{ P_CHILD_LABOUR, "child labour", 9, 25, 100, 0, 0, 0, 0, 8, 1, 36,
	  W({ "SY", 55 }, { "JO", 30 }, { "EG", 15 }),
	  "ChildLabour", 0, NULL,
	  W({ "Agriculture", 40 }, { "Peddling", 35 }, { "Manufacturing", 10 }, { "Other", 15 }),
	  W({ "A_AgricultureForestryAndFishing", 40 }, { "G_WholesaleAndRetailTradeRepairOfMotorVehicles", 45 },
	    { "C_Manufacturing", 15 }),
	  W({ "Other", 40 }, { "PublicSpace", 35 }, { "CommercialPremises", 25 }),
	  L("ExcessiveWorkingHours", "TakesEarnings", "PhysicalAbuse", "PsychologicalAbuse",
	    "WithholdsNecessities"),
	  { 20, 0, 30, 4, 6, 15, 25, 0, 0 } },
	{ P_CRIMINALITY, "forced criminality", 3, 20, 45, 22, 4, 18, 35, 12, 1, 24,
	  W({ "JO", 50 }, { "SY", 30 }, { "EG", 20 }),
	  "ForcedCriminality", 0, NULL,
	  W({ "IllicitActivities", 1 }), NULL, W({ "PublicSpace", 1 }),
	  L("PhysicalThreats", "PsychoactiveSubstance", "UsesChildren", "TakesEarnings",
	    "ThreatsLawEnforcement"),
	  { 10, 0, 20, 0, 10, 55, 0, 0, 5 } },
	{ P_ORGAN, "organ removal", 1, 30, 0, 30, 6, 20, 45, 17, 0, 6,
	  W({ "EG", 50 }, { "SY", 30 }, { "SD", 20 }),
	  "OrganRemoval", 0, NULL,
	  NULL, NULL, W({ "CommercialPremises", 1 }),
	  L("FalsePromises", "DebtBondage", "PhysicalThreats"),
	  { 10, 0, 0, 0, 5, 80, 0, 0, 5 } },
};

const struct profile *demo_profiles(int *count)
{
	*count = (int)(sizeof(profiles) / sizeof(profiles[0]));
	return profiles;
}
