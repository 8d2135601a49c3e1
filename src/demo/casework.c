/*
 * demo/casework.c: what the organisations did: which one met the person,
 * status decisions, stage and closure consistent with the dates, services
 * and their mode (remote and phone through the pandemic), consent per
 * scope, referrals within the mechanism (never to immigration), the
 * perpetrators, case notes and support plans.
 */
#include "demo/demo_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Who met the person: the profile's usual organisations, but a man does not
 * go to the women's shelter, nor an adult to the children's shelter. */
void gen_pick_org(struct gen *g, struct facts *f)
{
	const char *code;
	f->org = gen_pick_index(&g->r, f->p->org_weight, g->norgs);
	code = g->orgs[f->org].code;
	if (!strcmp(code, "shelter-karama") && (f->age >= 0 && f->age < 18))
		f->org = gen_org_index(g, "shelter-amal");
	else if (!strcmp(code, "shelter-karama") && f->sex == DEMO_MALE)
		f->org = gen_org_index(g, rng_chance(&g->r, 0.5) ? "tadamon-mwc" : "police-atu");
	else if (!strcmp(code, "shelter-amal") && !(f->age >= 0 && f->age < 18))
		f->org = gen_org_index(g, f->sex == DEMO_FEMALE ? "shelter-karama" : "mosa-atd");
	f->caseworker = rng_one(&g->r, g->orgs[f->org].caseworkers);
}

/* Status, stage and closure, consistent with the dates. */
void gen_handling(struct gen *g, struct facts *f)
{
	struct rng *r = &g->r;
	const struct demo_org *o = &g->orgs[f->org];
	long age_days = g->as_of - f->reg;
	const char *status;
	double p_closed;
	char who[160];

	gen_set_day(g, "snd_RegistrationDate", f->reg);
	gen_set_day(g, "snd_IdentificationDate", f->ident);
	gen_set(g, "snd_Organisation", o->code);
	gen_set(g, "cas_CaseOwner", f->caseworker);
	gen_set(g, "snd_DataSource", !strcmp(o->code, "hotline-nida") ? "Hotline" : "CaseManagement");
	gen_set(g, "vic_AgreementToManagePersonalData", rng_chance(r, 0.96) ? "true" : "false");
	gen_set(g, "con_Consent", rng_chance(r, 0.95) ? "true" : "false");

	status = age_days < 60 ? rng_pick(r, W({ "PossibleVictimOfTrafficking", 70 },
					       { "ActualVictimOfTrafficking", 28 }, { "NotAVictimOfTrafficking", 2 }))
			       : rng_pick(r, W({ "ActualVictimOfTrafficking", 76 },
					       { "PossibleVictimOfTrafficking", 17 }, { "NotAVictimOfTrafficking", 7 }));
	gen_set(g, "vic_TraffickingStatus", status);
	if (strcmp(status, "PossibleVictimOfTrafficking")) {
		const char *org = rng_chance(r, 0.75) ? o->decision_org
				  : rng_pick(r, W({ "Police", 60 }, { "CourtOrProsecution", 30 }, { "Other", 10 }));
		gen_set(g, "vic_TraffickingStatusDecisionMakingOrg", org);
		if (!strcmp(org, o->decision_org))
			snprintf(who, sizeof(who), "%s (%s)", f->caseworker, o->code);
		else if (!strcmp(org, "Police"))
			snprintf(who, sizeof(who), "%s (police-atu)", rng_one(r, g->orgs[gen_org_index(g, "police-atu")].caseworkers));
		else
			snprintf(who, sizeof(who), "%s", !strcmp(org, "CourtOrProsecution") ? "Public Prosecution, Amman"
											 : "National Committee");
		gen_set(g, "snd_StatusDecidedBy", who);
	}

	p_closed = age_days < 90 ? 0.04 : 0.15 + (double)age_days / 1100.0;
	if (!strcmp(status, "NotAVictimOfTrafficking"))
		p_closed = 0.95;
	f->closed = 0;
	if (rng_chance(r, p_closed > 0.93 ? 0.93 : p_closed)) {
		long max = age_days < 900 ? age_days : 900;
		const char *reason;
		f->closed = f->reg + rng_range(r, max < 14 ? (int)max : 14, (int)max);
		gen_set_day(g, "snd_ClosedDate", f->closed);
		gen_set(g, "snd_Stage", "Closed");
		if (!strcmp(status, "NotAVictimOfTrafficking"))
			reason = "NotAVictim";
		else if (rng_chance(r, 0.002))
			reason = "Deceased";
		else if (strcmp(f->nationality, "JO") && strcmp(f->nationality, "SY"))
			reason = rng_pick(r, W({ "Returned", 45 }, { "Reintegrated", 15 }, { "LostContact", 15 },
					       { "VictimDeclinedServices", 8 }, { "TransferredToOtherOrganisation", 10 },
					       { "ServicesCompleted", 7 }));
		else
			reason = rng_pick(r, W({ "Reintegrated", 45 }, { "ServicesCompleted", 20 }, { "LostContact", 15 },
					       { "VictimDeclinedServices", 10 }, { "TransferredToOtherOrganisation", 10 }));
		gen_set(g, "snd_ClosureReason", reason);
		gen_set(g, "cas_Status", !strcmp(reason, "TransferredToOtherOrganisation") ? "ClosedReferred" : "Closed");
		if (!strcmp(reason, "Deceased"))
			gen_set(g, "prs_Deceased", "true");
		gen_set(g, "cas_ReasonForCaseClosure",
		    !strcmp(reason, "Returned") ? "Voluntary return completed after a risk assessment; the origin-country partner confirmed reception."
		    : !strcmp(reason, "Reintegrated") ? "Stable work and housing; follow-up visits completed."
		    : !strcmp(reason, "LostContact")  ? "No answer to calls or visits for three months."
		    : NULL);
	} else {
		gen_set(g, "cas_Status", age_days > 365 && rng_chance(r, 0.6) ? "FollowUp" : "Active");
		gen_set(g, "snd_Stage", age_days < 14   ? "Identified"
				    : age_days < 45  ? "Referred"
				    : age_days < 400 ? "Assisted"
						     : rng_pick(r, W({ "Assisted", 40 }, { "ReturnedReintegrated", 60 })));
		/* some follow-ups are overdue, as in any real caseload */
		gen_set_day(g, "snd_NextFollowUpDate", g->as_of + rng_range(r, -45, 60));
	}
}

static const char *service_mode(struct rng *r, long day)
{
	struct sanad_date d = gen_date_of(day);
	int ym = d.year * 100 + d.month;
	/* remote and phone services carried the pandemic years (seed 002) */
	if (ym >= 202003 && ym <= 202112)
		return rng_pick(r, W({ "InPerson", 45 }, { "Remote", 30 }, { "Phone", 25 }));
	if (d.year >= 2022)
		return rng_pick(r, W({ "InPerson", 78 }, { "Remote", 13 }, { "Phone", 9 }));
	return rng_pick(r, W({ "InPerson", 92 }, { "Phone", 6 }, { "Remote", 2 }));
}

void gen_services(struct gen *g, struct facts *f)
{
	struct rng *r = &g->r;
	int child = f->age >= 0 && f->age < 18, migrant = strcmp(f->nationality, "JO") != 0;
	const char *owner = g->orgs[f->org].code;
	long last = f->closed ? f->closed : g->as_of;
	const char *types[12];
	int n = 0;

	if (!strncmp(owner, "shelter-", 8) || rng_chance(r, 0.35))
		types[n++] = "Shelter";
	if (rng_chance(r, 0.6))
		types[n++] = "Health";
	if (rng_chance(r, 0.7))
		types[n++] = "Psychosocial";
	if (rng_chance(r, 0.45))
		types[n++] = "LegalAid";
	if (strcmp(f->language, "ar") && rng_chance(r, 0.6))
		types[n++] = "Interpretation";
	if (child && rng_chance(r, 0.8))
		types[n++] = "Guardianship";
	if (child && rng_chance(r, 0.4))
		types[n++] = "Education";
	if (!child && rng_chance(r, 0.2))
		types[n++] = "Livelihood";
	if (rng_chance(r, 0.12))
		types[n++] = "FamilyTracing";
	if (migrant && rng_chance(r, 0.3))
		types[n++] = "Return";
	else if (rng_chance(r, 0.2))
		types[n++] = "Reintegration";
	for (int k = 0; k < n; k++) {
		struct record *s = gen_item(g, GROUP_SERVICE);
		long start = f->reg + rng_range(r, 0, 30), end;
		char day[11];
		if (start > last)
			start = last;
		end = start + rng_range(r, 1, 240);
		gen_put(g, GROUP_SERVICE, s, "snd_ServiceType", types[k]);
		gen_put(g, GROUP_SERVICE, s, "snd_ServiceStart", gen_day_text(start, day));
		if (end <= last && (f->closed || rng_chance(r, 0.6)))
			gen_put(g, GROUP_SERVICE, s, "snd_ServiceEnd", gen_day_text(end, day));
		else if (f->closed)
			gen_put(g, GROUP_SERVICE, s, "snd_ServiceEnd", gen_day_text(last, day));
		gen_put(g, GROUP_SERVICE, s, "snd_ServiceProvider",
		    f->referred_to >= 0 && rng_chance(r, 0.4) ? g->orgs[f->referred_to].code : owner);
		gen_put(g, GROUP_SERVICE, s, "snd_ServiceMode",
		    !strcmp(types[k], "Shelter") ? "InPerson" : service_mode(r, start));
	}
}

static void consent(struct gen *g, struct facts *f, const char *scope, int given, long day, const char *recipient)
{
	struct record *c = gen_item(g, GROUP_CONSENT);
	char buf[11];
	gen_put(g, GROUP_CONSENT, c, "snd_ConsentScope", scope);
	gen_put(g, GROUP_CONSENT, c, "snd_ConsentGiven", given ? "true" : "false");
	gen_put(g, GROUP_CONSENT, c, "snd_ConsentDate", gen_day_text(day, buf));
	gen_put(g, GROUP_CONSENT, c, "snd_ConsentLanguage", f->language);
	gen_put(g, GROUP_CONSENT, c, "snd_ConsentExplainedBy", f->caseworker);
	gen_put(g, GROUP_CONSENT, c, "snd_ConsentRecipient", recipient);
}

/* Referral to another organisation of the mechanism (never to immigration:
 * the firewall), and the consents that go with it. */
void gen_referral_and_consent(struct gen *g, struct facts *f)
{
	struct rng *r = &g->r;
	const char *owner = g->orgs[f->org].code, *to = NULL;
	long last = f->closed ? f->closed : g->as_of;

	f->referred_to = -1;
	if (!strcmp(owner, "immigration") ? rng_chance(r, 0.85) : rng_chance(r, 0.35)) {
		int child = f->age >= 0 && f->age < 18;
		if (!strcmp(owner, "police-atu") || !strcmp(owner, "hotline-nida") || !strcmp(owner, "immigration") ||
		    !strcmp(owner, "labour-insp"))
			to = child ? "shelter-amal"
			     : f->sex == DEMO_FEMALE ? rng_pick(r, W({ "shelter-karama", 60 }, { "tadamon-mwc", 40 }))
						     : "tadamon-mwc";
		else if (!strcmp(owner, "mosa-atd"))
			to = child ? "shelter-amal" : f->sex == DEMO_FEMALE ? "shelter-karama" : "legal-adala";
		else
			to = rng_pick(r, W({ "legal-adala", 60 }, { "mosa-atd", 25 }, { "police-atu", 15 }));
		if (!strcmp(to, owner))
			to = "legal-adala";
		if (!strcmp(to, owner))
			to = NULL;
	}
	if (to) {
		struct record *ref = gen_item(g, GROUP_REFERRAL);
		long day = f->reg + rng_range(r, 0, 30);
		char buf[11];
		const char *status;
		if (day > last)
			day = last;
		f->referred_to = gen_org_index(g, to);
		status = g->as_of - day < 20 ? "Pending"
			 : rng_pick(r, W({ "Accepted", 88 }, { "Declined", 7 }, { "Pending", 5 }));
		gen_put(g, GROUP_REFERRAL, ref, "cas_ReferredOrganisation", to);
		gen_put(g, GROUP_REFERRAL, ref, "cas_ReferredPrimaryCaseWorker", rng_one(r, g->orgs[f->referred_to].caseworkers));
		gen_put(g, GROUP_REFERRAL, ref, "cas_ReasonForOutgoingReferral",
		    rng_pick(r, W({ "AdditionalServicesRequired", 85 }, { "MigrationOrChangeOfLocation", 10 }, { "Other", 5 })));
		gen_put(g, GROUP_REFERRAL, ref, "cas_OutgoingReferralDate", gen_day_text(day, buf));
		gen_put(g, GROUP_REFERRAL, ref, "snd_ReferralStatus", status);
		if (strcmp(status, "Pending")) {
			long decided = day + rng_range(r, 0, 10);
			gen_put(g, GROUP_REFERRAL, ref, "snd_ReferralDecisionDate",
			    gen_day_text(decided < g->as_of ? decided : g->as_of, buf));
		}
	}
	/* incoming: the police, the hotline and inspectors refer to the service providers */
	if ((!strncmp(owner, "shelter-", 8) || !strcmp(owner, "tadamon-mwc") || !strcmp(owner, "legal-adala")) &&
	    rng_chance(r, 0.45)) {
		const char *from = rng_pick(r, W({ "police-atu", 45 }, { "hotline-nida", 30 }, { "labour-insp", 15 },
						  { "immigration", 10 }));
		gen_set(g, "cas_ReferringOrganisation", from);
		gen_set_day(g, "cas_IncomingReferralDate", f->reg);
		gen_set(g, "cas_ReferringPrimaryCaseWorker", rng_one(r, g->orgs[gen_org_index(g, from)].caseworkers));
		gen_set(g, "cas_ReasonForIncomingReferral", "AdditionalServicesRequired");
	}

	/* informed consent, recorded per scope (CEDAW GR 38 para 79) */
	consent(g, f, "CaseManagement", rng_chance(r, 0.97), f->reg, NULL);
	consent(g, f, "StatisticalUse", rng_chance(r, 0.88), f->reg, NULL);
	if (to)
		consent(g, f, "Referral", 1, f->reg, to);
	if (rng_chance(r, 0.12))
		consent(g, f, "SharingLawEnforcement", 1, f->reg, "police-atu");
	if (rng_chance(r, 0.01) && last > f->reg + 30)
		consent(g, f, "StatisticalUse", 0, f->reg + rng_range(r, 30, (int)(last - f->reg)), NULL);
}

static void perpetrator(struct gen *g, struct facts *f, const char *roles, const char *kind, const char *country,
			const char *organisation, int official)
{
	struct rng *r = &g->r;
	struct record *p = gen_item(g, GROUP_PERPETRATOR);
	enum demo_sex sex = !strcmp(kind, "Family") ? (rng_chance(r, 0.6) ? DEMO_MALE : DEMO_FEMALE)
			    : rng_chance(r, f->p->id == P_SEXUAL ? 0.7 : 0.8) ? DEMO_MALE : DEMO_FEMALE;
	int age = rng_normal(r, 40, 9, 19, 70);
	struct person_name name;
	char buf[200];

	if (!strcmp(kind, "IntimatePartner"))
		sex = f->sex == DEMO_FEMALE ? DEMO_MALE : DEMO_FEMALE;
	demo_name(r, country, sex, &name);
	snprintf(buf, sizeof(buf), "%s %s", name.first, name.family);
	gen_put(g, GROUP_PERPETRATOR, p, "per_RoleInProcess", roles);
	gen_put(g, GROUP_PERPETRATOR, p, "snd_PerpetratorKind", kind);
	gen_put(g, GROUP_PERPETRATOR, p, "snd_PerpetratorName", rng_chance(r, 0.7) ? buf : NULL);
	gen_put(g, GROUP_PERPETRATOR, p, "per_Organisation", organisation);
	gen_put(g, GROUP_PERPETRATOR, p, "snd_PerpetratorSex", sex == DEMO_FEMALE ? "Female" : "Male");
	if (rng_chance(r, 0.6)) {
		char n[8];
		snprintf(n, sizeof(n), "%d", age);
		gen_put(g, GROUP_PERPETRATOR, p, "snd_PerpetratorAge", n);
		gen_put(g, GROUP_PERPETRATOR, p, "snd_PerpetratorAgeBroad", age_band_for(age));
	}
	gen_put(g, GROUP_PERPETRATOR, p, "snd_PerpetratorCitizenship", country);
	gen_put(g, GROUP_PERPETRATOR, p, "snd_PerpetratorIsOfficial", official ? "true" : "false");
	if (official)
		gen_put(g, GROUP_PERPETRATOR, p, "per_RoleDetails",
		    "Issued entry and residence papers against payment and warned the employer of inspections.");
}

/* Who did it: agencies and employers, partners and pimps, relatives; now and
 * then an official (complicity weighs in the country assessment). */
void gen_perpetrators(struct gen *g, struct facts *f)
{
	struct rng *r = &g->r;
	static const int how_many[] = { 25, 45, 22, 8 };
	static const char *const agencies[] = { "Al-Noor Recruitment Agency", "Golden Bridge Manpower",
						"Silk Road Employment Services", "Bright Future Placement",
						"Al-Waha Domestic Workers Office", NULL };
	static const char *const garment_firms[] = { "Crescent Apparel Ltd", "Orchid Knitwear Factory",
						     "Levant Garments Co.", NULL };
	static const char *const builders[] = { "Desert Rose Contracting", "Al-Bina Construction", NULL };
	static const char *const farms[] = { "Valley Green Farms", "Al-Ghor Produce", NULL };
	int n = gen_pick_index(r, how_many, 4);
	const char *origin = f->nationality;

	for (int k = 0; k < n; k++) {
		if (rng_chance(r, 0.03)) {
			perpetrator(g, f, rng_pick(r, W({ "Other", 50 }, { "BrokerTravelAgent", 30 }, { "Transporter", 20 })),
				    "Official", "JO", NULL, 1);
			continue;
		}
		switch (f->p->id) {
		case P_DOMESTIC:
		case P_GARMENT:
		case P_CONSTRUCTION:
		case P_AGRICULTURE:
			if (k == 0)
				perpetrator(g, f, "RecruiterOrIntermediary;BrokerTravelAgent", "Business", origin,
					    rng_one(r, agencies), 0);
			else
				perpetrator(g, f, "Exploiter", f->p->id == P_DOMESTIC ? "Individual" : "Business", "JO",
					    f->p->id == P_DOMESTIC ? NULL
					    : f->p->id == P_GARMENT ? rng_one(r, garment_firms)
					    : f->p->id == P_CONSTRUCTION ? rng_one(r, builders) : rng_one(r, farms), 0);
			break;
		case P_SEXUAL:
			if (k == 0 && rng_chance(r, 0.35))
				perpetrator(g, f, "RecruiterOrIntermediary;Exploiter", "IntimatePartner", origin, NULL, 0);
			else
				perpetrator(g, f, rng_pick(r, W({ "Exploiter", 45 }, { "RecruiterOrIntermediary", 30 },
								 { "Transporter", 15 }, { "Abuser", 10 })),
					    rng_chance(r, 0.2) ? "CriminalNetwork" : "Individual",
					    rng_chance(r, 0.5) ? "JO" : origin, NULL, 0);
			break;
		case P_BEGGING:
		case P_MARRIAGE:
		case P_CHILD_LABOUR:
			perpetrator(g, f, rng_pick(r, W({ "SoldIndividual", 30 }, { "Exploiter", 50 },
							 { "RecruiterOrIntermediary", 20 })),
				    rng_chance(r, 0.75) ? "Family" : "Individual", origin, NULL, 0);
			break;
		case P_CRIMINALITY:
			perpetrator(g, f, "Exploiter;ControlledIndividual", "CriminalNetwork", "JO", NULL, 0);
			break;
		case P_ORGAN:
			perpetrator(g, f, rng_pick(r, W({ "RecruiterOrIntermediary", 50 }, { "BrokerTravelAgent", 30 },
							 { "Exploiter", 20 })),
				    "Individual", origin, NULL, 0);
			break;
		}
	}
}

void gen_notes(struct gen *g, struct facts *f)
{
	struct rng *r = &g->r;
	static const char *const notes_en[] = {
		"First interview held with an interpreter; the person asked for time before deciding on a complaint.",
		"Medical check-up done; no urgent needs.",
		"Employer contacted by the inspector; passport not yet returned.",
		"Family in the country of origin reached by phone.",
		"Hearing postponed; the person will testify remotely.",
		NULL
	};
	static const char *const notes_ar[] = {
		"أجريت المقابلة الأولى بحضور مترجم، وطلبت الضحية وقتاً قبل تقديم شكوى.",
		"تم الفحص الطبي ولا توجد احتياجات عاجلة.",
		"تواصل المفتش مع صاحب العمل ولم يُسترجع جواز السفر بعد.",
		"تم التواصل هاتفياً مع الأسرة في بلد المنشأ.",
		NULL
	};
	long last = f->closed ? f->closed : g->as_of;
	int n = rng_range(r, 0, 2);

	for (int k = 0; k < n; k++) {
		struct record *c = gen_item(g, GROUP_COMMENT);
		char day[11];
		long when = f->reg + rng_range(r, 0, (int)(last - f->reg));
		gen_put(g, GROUP_COMMENT, c, "snd_CommentDate", gen_day_text(when, day));
		gen_put(g, GROUP_COMMENT, c, "snd_CommentAuthor", f->caseworker);
		gen_put(g, GROUP_COMMENT, c, "cco_CaseComment", rng_one(r, rng_chance(r, 0.5) ? notes_ar : notes_en));
	}
	if (rng_chance(r, 0.25)) {
		struct record *p = gen_item(g, GROUP_PLAN);
		char day[11];
		long end = f->reg + rng_range(r, 90, 365);
		gen_put(g, GROUP_PLAN, p, "spl_Type",
		    f->p->id == P_SEXUAL ? "SexualExploitationRehabilitation"
		    : f->age >= 0 && f->age < 18 ? "Education"
						 : rng_pick(r, W({ "Livelihood", 40 }, { "Health", 25 }, { "Legal", 20 },
								 { "LabourExploitationRehabilitation", 15 })));
		gen_put(g, GROUP_PLAN, p, "spl_Objectives", "Safety, recovery and an independent income.");
		gen_put(g, GROUP_PLAN, p, "spl_PlannedEndDate", gen_day_text(end, day));
		if (f->closed && f->closed >= end)
			gen_put(g, GROUP_PLAN, p, "spl_ActualEndDate", gen_day_text(end, day));
	}
}
