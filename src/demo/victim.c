/*
 * demo/victim.c: who the person is and what happened to them: name,
 * nationality, age and documents; the route from recruitment through
 * transit to exploitation, with dates in order; the forms, settings and
 * means of exploitation; and how they were recruited (online more and more
 * after 2020).
 */
#include "demo/demo_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* share of recruitment that happened online, per mille, by year (seed 002:
 * recruitment moved online during the pandemic and stayed there) */
static const int online_permille[DEMO_LAST_YEAR - DEMO_FIRST_YEAR + 1] = { 100, 115, 130, 150, 170, 330,
									    370, 390, 410, 440, 460 };

/* ---- places ---- */

struct origin {
	const char *country;
	int direct_pct;                 /* per cent travelling without a transit country */
	const struct weighted *transit;
	const char *const *cities;
};


static const struct origin origins[] = {
	{ "PH", 60, W({ "AE", 60 }, { "QA", 40 }), L("Manila", "Cebu", "Davao", "Iloilo", "Zamboanga") },
	{ "LK", 65, W({ "AE", 50 }, { "QA", 30 }, { "MV", 20 }), L("Colombo", "Kandy", "Kurunegala", "Batticaloa") },
	{ "BD", 55, W({ "AE", 50 }, { "QA", 20 }, { "IN", 30 }), L("Dhaka", "Chittagong", "Sylhet", "Comilla") },
	{ "NP", 30, W({ "IN", 75 }, { "AE", 25 }), L("Kathmandu", "Sindhupalchok", "Makwanpur", "Nuwakot") },
	{ "ET", 55, W({ "AE", 40 }, { "SA", 25 }, { "SD", 20 }, { "DJ", 15 }), L("Addis Ababa", "Jimma", "Bahir Dar", "Dessie") },
	{ "UG", 45, W({ "AE", 60 }, { "KE", 25 }, { "QA", 15 }), L("Kampala", "Jinja", "Mbale", "Masaka") },
	{ "KE", 50, W({ "AE", 60 }, { "QA", 40 }), L("Nairobi", "Mombasa", "Kisumu", "Nakuru") },
	{ "ID", 70, W({ "AE", 60 }, { "QA", 40 }), L("Jakarta", "Surabaya", "Cirebon", "Indramayu") },
	{ "IN", 70, W({ "AE", 100 }), L("Chennai", "Hyderabad", "Lucknow", "Kochi") },
	{ "NG", 40, W({ "EG", 50 }, { "TR", 30 }, { "AE", 20 }), L("Benin City", "Lagos", "Port Harcourt") },
	{ "UA", 50, W({ "TR", 70 }, { "CY", 30 }), L("Kyiv", "Kharkiv", "Odesa", "Dnipro") },
	{ "SY", 85, W({ "LB", 100 }), L("Damascus", "Aleppo", "Homs", "Daraa", "Hama", "Idlib") },
	{ "EG", 95, W({ "SA", 100 }), L("Cairo", "Asyut", "Minya", "Sohag", "Fayoum") },
	{ "SD", 40, W({ "EG", 100 }), L("Khartoum", "Kassala", "El Fasher", "Nyala") },
	{ "IQ", 90, W({ "TR", 100 }), L("Baghdad", "Mosul", "Basra", "Erbil") },
	{ "MA", 60, W({ "AE", 50 }, { "TR", 50 }), L("Casablanca", "Fes", "Marrakesh", "Tangier") },
	{ "YE", 60, W({ "SA", 60 }, { "OM", 40 }), L("Sanaa", "Taiz", "Aden") },
	{ "PK", 60, W({ "AE", 60 }, { "SA", 40 }), L("Lahore", "Faisalabad", "Karachi", "Multan") },
	{ "JO", 100, NULL, L("Amman", "Zarqa", "Irbid", "Mafraq", "Ramtha", "Karak", "Madaba", "Salt") },
};

static const struct origin *origin_of(const char *country)
{
	for (size_t i = 0; i < sizeof(origins) / sizeof(origins[0]); i++)
		if (!strcmp(origins[i].country, country))
			return &origins[i];
	return &origins[sizeof(origins) / sizeof(origins[0]) - 1];
}

/* where in Jordan each kind of exploitation happens */
static const char *jordan_city(struct rng *r, enum profile_id p)
{
	switch (p) {
	case P_DOMESTIC:
		return rng_pick(r, W({ "Amman", 60 }, { "Zarqa", 10 }, { "Irbid", 12 }, { "Salt", 6 },
				     { "Aqaba", 6 }, { "Madaba", 6 }));
	case P_GARMENT:
		return rng_pick(r, W({ "Al-Hassan Industrial Estate", 40 }, { "Al-Dulayl", 30 }, { "Sahab", 30 }));
	case P_CONSTRUCTION:
		return rng_pick(r, W({ "Amman", 55 }, { "Aqaba", 25 }, { "Zarqa", 20 }));
	case P_AGRICULTURE:
		return rng_pick(r, W({ "Jordan Valley", 60 }, { "Mafraq", 30 }, { "Karak", 10 }));
	case P_SEXUAL:
		return rng_pick(r, W({ "Amman", 65 }, { "Aqaba", 15 }, { "Irbid", 10 }, { "Zarqa", 10 }));
	case P_MARRIAGE:
		return rng_pick(r, W({ "Mafraq", 30 }, { "Zaatari Camp", 20 }, { "Irbid", 25 }, { "Amman", 25 }));
	case P_BEGGING:
	case P_CRIMINALITY:
	case P_CHILD_LABOUR:
		return rng_pick(r, W({ "Amman", 50 }, { "Zarqa", 20 }, { "Irbid", 20 }, { "Mafraq", 10 }));
	case P_ORGAN:
		return "Amman";
	}
	return "Amman";
}

/* ---- the case ---- */

static const char *pick_gender(struct rng *r, const struct profile *p, enum demo_sex *sex)
{
	if (rng_chance(r, 0.006)) {
		*sex = rng_chance(r, 0.5) ? DEMO_FEMALE : DEMO_MALE;
		return "NonSpecifiedUnknown";
	}
	if (p->id == P_SEXUAL && rng_chance(r, 0.02)) {
		*sex = DEMO_FEMALE;
		return "TransgenderFeminine";
	}
	*sex = (int)rng_below(r, 100) < p->female_pct ? DEMO_FEMALE : DEMO_MALE;
	return *sex == DEMO_FEMALE ? "Feminine" : "Masculine";
}

static int pick_age(struct rng *r, const struct profile *p)
{
	if ((int)rng_below(r, 100) < p->minor_pct)
		/* older children are met more often than young ones */
		return 17 - (int)(rng_below(r, (uint32_t)(18 - p->minor_min)) * rng_below(r, 100) / 100);
	return rng_normal(r, p->adult_mean, p->adult_sd, p->adult_min, p->adult_max);
}

/* A birth date that makes the person exactly age on day. */
static long birth_for(struct rng *r, int age, long day)
{
	struct sanad_date at = gen_date_of(day);
	int m = rng_range(r, 1, 12), d = rng_range(r, 1, 28), y = at.year - age;
	if (m > at.month || (m == at.month && d > at.day))
		y--;
	return gen_days_of(y, m, d);
}

static const struct past_case *pick_past(struct gen *g, long ident)
{
	for (int tries = 0; g->pool_count && tries < 8; tries++) {
		const struct past_case *pc = &g->pool[rng_below(&g->r, (uint32_t)g->pool_count)];
		if (pc->closed + 60 < ident)
			return pc;
	}
	return NULL;
}

/* The person: a new one, or (2%) someone met before, trafficked again. */
void gen_person(struct gen *g, struct facts *f)
{
	struct rng *r = &g->r;
	const struct profile *p = f->p;
	const struct past_case *past = rng_chance(r, 0.02) ? pick_past(g, f->ident) : NULL;

	f->age = -1;
	f->birth = 0;
	if (past) {
		/* a new episode linked to the earlier one (seed 001 para 15) */
		struct sanad_date b;
		f->name = past->name;
		gen_copy(f->gender, sizeof(f->gender), past->gender);
		gen_copy(f->nationality, sizeof(f->nationality), past->nationality);
		gen_copy(f->citizenship, sizeof(f->citizenship), past->citizenship);
		gen_copy(f->birth_text, sizeof(f->birth_text), past->birth);
		f->sex = !strcmp(f->gender, "Masculine") ? DEMO_MALE : DEMO_FEMALE;
		if (f->birth_text[0] && !date_parse(f->birth_text, &b, NULL))
			f->birth = date_to_days(&b);
		gen_set(g, "snd_PreviousCaseRef", past->ref);
	} else {
		gen_copy(f->gender, sizeof(f->gender), pick_gender(r, p, &f->sex));
		gen_copy(f->nationality, sizeof(f->nationality), rng_pick(r, p->nationality));
		demo_name(r, f->nationality, f->sex, &f->name);
		gen_copy(f->citizenship, sizeof(f->citizenship), f->nationality);
		/* some hold two nationalities; for a few none is on file */
		if (!strcmp(f->nationality, "JO") && rng_chance(r, 0.08))
			gen_copy(f->citizenship, sizeof(f->citizenship), "JO;PS");
		else if (!strcmp(f->nationality, "SY") && rng_chance(r, 0.03))
			gen_copy(f->citizenship, sizeof(f->citizenship), "SY;TR");
		else if (rng_chance(r, 0.015))
			f->citizenship[0] = '\0';
		f->age = pick_age(r, p);
		f->birth_text[0] = '\0';
		if (rng_chance(r, 0.90)) {
			f->birth = birth_for(r, f->age, f->ident);
			gen_day_text(f->birth, f->birth_text);
		} else if (rng_chance(r, 0.7)) {
			gen_set_int(g, "snd_AgeAtIdentification", f->age); /* estimated: no documents */
		} else {
			f->age = -1;
		}
	}
	if (f->birth) {
		struct sanad_date b = gen_date_of(f->birth), at = gen_date_of(f->ident);
		f->age = date_years_between(&b, &at);
	}
	f->language = demo_language(f->nationality);

	gen_set(g, "prs_FirstName", f->name.first);
	gen_set(g, "prs_MiddleName", f->name.middle[0] ? f->name.middle : NULL);
	gen_set(g, "prs_SecondName", f->name.family);
	gen_set(g, "prs_Birthdate", f->birth_text[0] ? f->birth_text : NULL);
	gen_set(g, "prs_Gender", f->gender);
	gen_set(g, "prs_Citizenship", f->citizenship[0] ? f->citizenship : NULL);
	gen_set(g, "prs_PrimaryLanguage", f->language);
	if (strcmp(f->language, "ar") && rng_chance(r, 0.35))
		gen_set(g, "prs_SecondaryLanguage", rng_chance(r, 0.5) ? "ar" : "en");
	gen_set(g, "prs_Deceased", "false");
	if (f->age >= 18) {
		gen_set(g, "prs_MaritalStatus", rng_pick(r, W({ "Single", 45 }, { "Married", 35 }, { "Divorced", 10 },
							 { "Widowed", 5 }, { "Separated", 5 })));
		if (rng_chance(r, 0.6))
			gen_set_int(g, "prs_NumberOfChildren", rng_range(r, 0, f->age > 25 ? 4 : 1));
		gen_set(g, "prs_HighestLevelOfEducation",
		    rng_pick(r, W({ "PrimaryEducation", 35 }, { "LowerSecondaryEducation", 30 },
				  { "UpperSecondaryEducation", 22 }, { "ShortCycleTertiaryEducation", 5 },
				  { "BachelorsOrEquivalentLevel", 8 })));
	} else if (f->age >= 0) {
		gen_set(g, "prs_MaritalStatus", p->id == P_MARRIAGE ? "Married" : "Single");
		if (rng_chance(r, 0.7))
			gen_set(g, "prs_HighestLevelOfEducation", "PrimaryEducation");
	}
	if (rng_chance(r, 0.55)) {
		char id[24];
		snprintf(id, sizeof(id), "%c%07u", demo_arabic_country(f->nationality) ? 'N' : 'P',
			 rng_below(r, 10000000));
		gen_set(g, "prs_IdentityNumber", id);
	}
	if (rng_chance(r, 0.5)) {
		char phone[32];
		snprintf(phone, sizeof(phone), "+962 7%u %03u %04u", 7 + rng_below(r, 3), rng_below(r, 1000),
			 rng_below(r, 10000));
		gen_set(g, "prs_MobilePhone", phone);
	}
	gen_set(g, "snd_Ethnicity", demo_ethnicity(r, f->nationality));
	/* asked in most intakes; a few have a disability, some more than one */
	if (rng_chance(r, 0.6))
		gen_set(g, "snd_Disability",
		    rng_chance(r, 0.93) ? "None"
					: rng_pick(r, W({ "Physical", 30 }, { "Sensory", 15 }, { "Intellectual", 20 },
							{ "Psychosocial", 30 }, { "Physical;Psychosocial", 5 })));
}

static const char *abroad_city(const char *country)
{
	static const struct { const char *country, *city; } map[] = {
		{ "AE", "Dubai" }, { "SA", "Riyadh" }, { "LB", "Beirut" }, { "TR", "Istanbul" }, { "IQ", "Erbil" },
	};
	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (!strcmp(map[i].country, country))
			return map[i].city;
	return NULL;
}

/* Recruitment, transit and exploitation, in that order in time. */
void gen_route(struct gen *g, struct facts *f)
{
	struct rng *r = &g->r;
	const struct profile *p = f->p;
	const struct origin *o = origin_of(f->nationality);
	const char *transit = NULL, *city;
	long span = rng_range(r, p->months_min, p->months_max) * 30L + rng_range(r, 0, 29), travel;
	struct record *ev;
	char day[11];

	/* nobody is recruited before the age of five */
	if (f->age >= 0 && span > (f->age - 5L) * 365)
		span = f->age > 5 ? (f->age - 5L) * 365 : 20;
	if (span < 2)
		span = 2;
	f->recruit = f->ident - span;
	if ((int)rng_below(r, 100) >= o->direct_pct && o->transit)
		transit = rng_pick(r, o->transit);
	travel = transit ? rng_range(r, 4, 40) : rng_range(r, 1, 10);
	f->arrival = f->recruit + (travel < span ? travel : span - 1);

	if (rng_chance(r, 0.05))
		f->exploited_in = strcmp(f->nationality, "JO") ? rng_pick(r, W({ "LB", 40 }, { "AE", 25 }, { "TR", 20 }, { "SA", 15 }))
							   : rng_pick(r, W({ "AE", 40 }, { "SA", 30 }, { "TR", 20 }, { "IQ", 10 }));
	else
		f->exploited_in = "JO";
	city = !strcmp(f->exploited_in, "JO") ? jordan_city(r, p->id) : abroad_city(f->exploited_in);

	ev = gen_item(g, GROUP_EVENT);
	gen_put(g, GROUP_EVENT, ev, "hte_Type", "Recruitment");
	gen_put(g, GROUP_EVENT, ev, "hte_Country", o->country);
	gen_put(g, GROUP_EVENT, ev, "hte_City", rng_one(r, o->cities));
	gen_put(g, GROUP_EVENT, ev, "hte_Date", gen_day_text(f->recruit, day));
	if (transit && strcmp(transit, f->exploited_in)) {
		ev = gen_item(g, GROUP_EVENT);
		gen_put(g, GROUP_EVENT, ev, "hte_Type", "Transit");
		gen_put(g, GROUP_EVENT, ev, "hte_Country", transit);
		gen_put(g, GROUP_EVENT, ev, "hte_Date", gen_day_text(f->recruit + (f->arrival - f->recruit) / 2, day));
	}
	ev = gen_item(g, GROUP_EVENT);
	gen_put(g, GROUP_EVENT, ev, "hte_Type", "Exploitation");
	gen_put(g, GROUP_EVENT, ev, "hte_Country", f->exploited_in);
	gen_put(g, GROUP_EVENT, ev, "hte_City", city);
	gen_put(g, GROUP_EVENT, ev, "hte_Date", gen_day_text(f->arrival, day));

	gen_set(g, "vic_LocationOfRecruitment", rng_one(r, o->cities));
	gen_set(g, "vic_LocationOfExploitation", city);
	gen_set(g, "snd_CountryOfExploitation", f->exploited_in);
	gen_set(g, "snd_CountryOfIdentification", "JO");
	gen_set(g, "snd_Location", !strcmp(f->exploited_in, "JO") && strcmp(city, "Zaatari Camp") ? city
	    : rng_pick(r, W({ "Amman", 70 }, { "Aqaba", 10 }, { "Irbid", 10 }, { "Mafraq", 10 })));
	gen_set(g, "snd_MigrationStatus",
	    !strcmp(f->nationality, "JO") ? "Citizen"
	    : !strcmp(f->nationality, "SY") || !strcmp(f->nationality, "IQ") || !strcmp(f->nationality, "YE") ||
			      !strcmp(f->nationality, "SD")
		    ? rng_pick(r, W({ "Refugee", 70 }, { "AsylumSeeker", 15 }, { "IrregularMigrant", 15 }))
		    : rng_pick(r, W({ "RegularMigrant", 45 }, { "IrregularMigrant", 50 }, { "AsylumSeeker", 5 })));
	gen_set(g, "snd_SocioEconomicStatus",
	    rng_chance(r, 0.25) ? NULL : rng_pick(r, W({ "ExtremePoverty", 20 }, { "Poor", 35 }, { "LowIncome", 30 },
						   { "MiddleIncome", 13 }, { "HighIncome", 2 })));

	if (f->age >= 0) {
		int at;
		if (f->birth) {
			struct sanad_date b = gen_date_of(f->birth), rd = gen_date_of(f->recruit);
			at = date_years_between(&b, &rd);
		} else {
			at = f->age - (int)(span / 365);
		}
		if (at >= 0) {
			gen_set_int(g, "vic_AgeWhenTrafficked", at);
			gen_set(g, "snd_MajorityStatusAtExploit", at < 18 ? "Minor" : "Adult");
		}
	}
}

/* What was done to the person, by what means, and where. */
void gen_exploitation(struct gen *g, struct facts *f)
{
	struct rng *r = &g->r;
	const struct profile *p = f->p;
	char forms[128], buf[256];
	int sexual = p->id == P_SEXUAL, online_sex = 0;
	const char *setting = rng_pick(r, p->setting);

	gen_copy(forms, sizeof(forms), p->form);
	if (p->extra_form && (int)rng_below(r, 100) < p->extra_form_pct) {
		strncat(forms, ";", sizeof(forms) - strlen(forms) - 1);
		strncat(forms, p->extra_form, sizeof(forms) - strlen(forms) - 1);
	}
	/* several forms for one victim (CEDAW GR 38 para 12) */
	if (rng_chance(r, 0.07)) {
		const char *more = p->id == P_DOMESTIC || p->id == P_MARRIAGE ? "SexualExploitation"
				   : p->id == P_BEGGING		      ? "ForcedCriminality"
				   : p->id == P_CHILD_LABOUR	      ? "ForcedBegging"
				   : p->id == P_SEXUAL		      ? "ForcedLabour"
								      : "BondedLabour";
		strncat(forms, ";", sizeof(forms) - strlen(forms) - 1);
		strncat(forms, more, sizeof(forms) - strlen(forms) - 1);
		sexual |= !strcmp(more, "SexualExploitation");
	}
	if (p->id == P_MARRIAGE && strstr(forms, "SexualExploitation"))
		sexual = 1;
	gen_set(g, "vic_TypeOfExploitation", forms);
	if (p->labour)
		gen_set(g, "snd_LabourType", rng_pick(r, p->labour));
	if (p->industry && rng_chance(r, 0.85))
		gen_set(g, "vic_ForcedLabourIndustry", rng_pick(r, p->industry));
	if (sexual) {
		/* exploitation moved online and into private premises (seed 002) */
		online_sex = rng_chance(r, f->year >= 2020 ? 0.25 : 0.06);
		if (online_sex) {
			int child = f->age >= 0 && f->age < 18;
			gen_set(g, "vic_TypeOfSexExploitation", child && rng_chance(r, 0.5)
								    ? "RemoteInteractiveServices;Pornography"
								    : "RemoteInteractiveServices");
			if (child) {
				/* online sexual exploitation of children is its own form */
				strncat(forms, ";OnlineChildSexualExploitation", sizeof(forms) - strlen(forms) - 1);
				gen_set(g, "vic_TypeOfExploitation", forms);
			}
			gen_set(g, "vic_ExploitationWebsitesAndApps",
			    rng_pick(r, W({ "WhatsApp", 30 }, { "Telegram", 25 }, { "SnapChat", 15 }, { "Instagram", 15 },
					  { "TikTok", 10 }, { "Other", 5 })));
			if (p->id == P_SEXUAL)
				setting = "Online";
		} else {
			gen_set(g, "vic_TypeOfSexExploitation",
			    rng_pick(r, W({ "Prostitution", 60 }, { "PrivateSexualServices", 30 }, { "Pornography", 5 },
					  { "Prostitution;Pornography", 5 })));
		}
	}
	if (setting && p->id == P_SEXUAL && !online_sex && !strcmp(setting, "Online"))
		setting = "PrivatePremises";
	gen_set(g, "snd_ExploitationSetting", setting);
	if (rng_chance(r, 0.9))
		gen_set(g, "vic_MethodsOfControl", gen_several(r, p->means, 1, 4, buf, sizeof(buf)));
	{
		int migrant = strcmp(f->nationality, "JO") != 0;
		buf[0] = '\0';
		if (rng_chance(r, 0.7))
			strcat(buf, "Poverty;");
		if (migrant && rng_chance(r, 0.8))
			strcat(buf, "Migration;");
		if (rng_chance(r, 0.25))
			strcat(buf, "Education;");
		if (migrant && rng_chance(r, 0.15))
			strcat(buf, "Discrimination;");
		if (p->id == P_BEGGING && rng_chance(r, 0.4))
			strcat(buf, "Homelessness;");
		if (p->id == P_SEXUAL && rng_chance(r, 0.15))
			strcat(buf, "Addiction;");
		if (rng_chance(r, 0.08))
			strcat(buf, "AbusePhysical;");
		gen_set(g, "vic_Vulnerabilities", buf[0] ? buf : NULL);
	}
	gen_copy(buf, sizeof(buf), "Recruitment;Transportation;Receipt");
	if (p->id == P_DOMESTIC || p->id == P_SEXUAL || p->id == P_MARRIAGE)
		strcat(buf, ";Harbouring");
	if (f->p->id == P_MARRIAGE || f->p->id == P_BEGGING)
		strcat(buf, ";Transfer");
	gen_set(g, "snd_PalermoAct", buf);
	gen_set(g, "snd_PalermoMeans",
	    rng_pick(r, W({ "Deception", 35 }, { "Deception;AbuseOfVulnerability", 25 },
			  { "Coercion;Threat", 15 }, { "AbuseOfVulnerability", 10 }, { "Force;Threat", 7 },
			  { "AbuseOfPower", 5 }, { "Abduction;Force", 3 })));
	if (rng_chance(r, 0.7))
		gen_set(g, "snd_IsAbduction", rng_chance(r, 0.03) ? "true" : "false");
}

/* How the person was recruited: online more and more after 2020. */
void gen_recruitment(struct gen *g, struct facts *f)
{
	struct rng *r = &g->r;
	enum profile_id id = f->p->id;
	int permille = online_permille[gen_year_index(f->year)];
	int family = id == P_BEGGING || id == P_MARRIAGE || id == P_CHILD_LABOUR;
	char apps[96];

	permille = id == P_SEXUAL ? permille * 13 / 10
		   : family	  ? permille / 4
		   : id == P_CONSTRUCTION || id == P_AGRICULTURE ? permille * 6 / 10
								  : permille;
	f->online = (int)rng_below(r, 1000) < permille;
	if (rng_chance(r, 0.08)) {
		/* recruitment not recorded */
	} else if (f->online) {
		gen_set(g, "vic_MethodOfRecruitment",
		    rng_pick(r, W({ "ThroughOnlineSocialNetworks", 65 }, { "ThroughAnOnlineAdvertisement", 25 },
				  { "ThroughOnlineSocialNetworks;ThroughAnOnlineAdvertisement", 10 })));
		gen_copy(apps, sizeof(apps),
			  rng_pick(r, f->year >= 2019 ? W({ "Facebook", 32 }, { "WhatsApp", 24 }, { "TikTok", 16 },
							  { "Instagram", 10 }, { "Telegram", 8 },
							  { "FacebookMessenger", 6 }, { "Other", 4 })
						      : W({ "Facebook", 45 }, { "WhatsApp", 30 }, { "Viber", 8 },
							  { "Instagram", 7 }, { "FacebookMessenger", 10 })));
		if (rng_chance(r, 0.25) && strcmp(apps, "WhatsApp"))
			strcat(apps, ";WhatsApp");
		gen_set(g, "vic_RecruitmentWebsitesAndApps", apps);
	} else if (family) {
		gen_set(g, "vic_MethodOfRecruitment",
		    rng_pick(r, W({ "ThroughFamilyOrFamilyEvents", 75 }, { "ThroughFriendsOrSocialEvents", 25 })));
	} else if (id == P_SEXUAL) {
		gen_set(g, "vic_MethodOfRecruitment",
		    rng_pick(r, W({ "ThroughFriendsOrSocialEvents", 45 }, { "AtWork", 20 },
				  { "AtAPlaceOfBusiness", 20 }, { "ThroughFamilyOrFamilyEvents", 15 })));
	} else {
		gen_set(g, "vic_MethodOfRecruitment",
		    rng_pick(r, W({ "AtAPlaceOfBusiness", 50 }, { "ThroughFriendsOrSocialEvents", 30 },
				  { "ThroughFamilyOrFamilyEvents", 12 }, { "ThroughANewspaperAdvert", 8 })));
	}

	if (rng_chance(r, 0.2))
		return; /* relation to the recruiter unknown */
	{
		const char *rel = family ? rng_pick(r, W({ "Family", 70 }, { "Acquaintance", 15 }, { "Friend", 5 },
							 { "Other", 10 }))
				  : id == P_SEXUAL ? rng_pick(r, W({ "IntimatePartner", 30 }, { "Friend", 25 },
								   { "Acquaintance", 20 }, { "Family", 10 },
								   { "Stranger", 15 }))
						   : rng_pick(r, W({ "Employer", 25 }, { "Stranger", 25 }, { "Friend", 20 },
								   { "Acquaintance", 20 }, { "Family", 10 }));
		gen_set(g, "snd_RecruiterRelation", rel);
		if (strcmp(rel, "Other"))
			gen_set(g, "vic_RelationshipToTrafficker", !strcmp(rel, "Family") ? "Familial"
							       : !strcmp(rel, "Stranger") ? "Unaquainted" : "Acquainted");
	}
}
