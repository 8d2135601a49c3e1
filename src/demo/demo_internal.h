/* demo/demo_internal.h: shared between the demo module's files only. */
#ifndef SANAD_DEMO_INTERNAL_H
#define SANAD_DEMO_INTERNAL_H

#include "demo/demo.h"

/* ---- random numbers: xoshiro256** seeded by splitmix64 ----
 * Our own generator, not rand(): the C library's differs between systems,
 * and the demo must give the same cases everywhere. */
struct rng {
	uint64_t s[4];
};

void rng_seed(struct rng *r, uint64_t seed);
uint64_t rng_next(struct rng *r);
/* Uniform in [0, n); n > 0. */
uint32_t rng_below(struct rng *r, uint32_t n);
/* Uniform in [lo, hi]. */
int rng_range(struct rng *r, int lo, int hi);
/* 1 with probability p. */
int rng_chance(struct rng *r, double p);
/* Uniform in [0, 1). */
double rng_unit(struct rng *r);
/* Roughly normal (sum of uniforms), clamped to [lo, hi]. */
int rng_normal(struct rng *r, double mean, double sd, int lo, int hi);

/* A value with a relative weight; tables end with a NULL value. */
struct weighted {
	const char *value;
	int weight;
};
const char *rng_pick(struct rng *r, const struct weighted *table);
/* Uniform pick from a NULL-terminated list. */
const char *rng_one(struct rng *r, const char *const *list);

/* ---- people's names ---- */

enum demo_sex { DEMO_FEMALE, DEMO_MALE };

struct person_name {
	char first[96], middle[96], family[96];
	int arabic_script; /* 1: written in Arabic letters */
};

/* A name plausible for a person of this nationality (ISO alpha-2) and sex:
 * Arabic script for Arabic-speaking countries (a quarter of them
 * transliterated, in one of the common spellings), Latin otherwise. */
void demo_name(struct rng *r, const char *country, enum demo_sex sex, struct person_name *out);
/* The Arabic name in (every part of it) written in the other script: a
 * Latin transliteration of an Arabic spelling, or the Arabic of a
 * transliteration.  0 (out untouched) when some part is not an Arabic name. */
int demo_name_other_script(struct rng *r, const struct person_name *in, struct person_name *out);
/* 1 if names of this nationality are Arabic names. */
int demo_arabic_country(const char *country);
/* The usual first language (ISO 639-1) and an ethnicity label for a
 * nationality; ethnicity may be NULL (not recorded). */
const char *demo_language(const char *country);
const char *demo_ethnicity(struct rng *r, const char *country);

/* ---- the deployment's organisations ---- */

struct demo_org {
	const char *code, *name, *name_ar, *org_type;
	int in_pool;
	int weight;                    /* share of the cases it registers */
	const char *decision_org;      /* status_decision_org code for its decisions */
	const char *const *caseworkers;
};
const struct demo_org *demo_orgs(int *count);
#define DEMO_ORG_COUNT 9

/* ---- the shapes of exploitation (profiles.c) ---- */

enum profile_id {
	P_DOMESTIC, P_GARMENT, P_CONSTRUCTION, P_AGRICULTURE, P_SEXUAL, P_BEGGING, P_MARRIAGE,
	P_CHILD_LABOUR, P_CRIMINALITY, P_ORGAN
};

struct profile {
	enum profile_id id;
	const char *name;
	int weight;                   /* share of cases */
	int female_pct;               /* per cent female (the rest male) */
	int minor_pct;                /* per cent identified as children */
	int adult_mean, adult_sd, adult_min, adult_max; /* adults' age when identified */
	int minor_min;                /* children: from this age to 17 */
	int months_min, months_max;   /* time from recruitment to identification */
	const struct weighted *nationality;
	const char *form;             /* exploitation_type code */
	int extra_form_pct;           /* per cent who also suffered extra_form */
	const char *extra_form;
	const struct weighted *labour;   /* labour_type, or NULL */
	const struct weighted *industry; /* forced_labour_industry, or NULL */
	const struct weighted *setting;  /* exploitation_setting */
	const char *const *means;        /* means_of_control to draw from */
	int org_weight[DEMO_ORG_COUNT];  /* who meets such cases, demo_orgs() order */
};
const struct profile *demo_profiles(int *count);

/* ---- the generator's state, shared by generate.c, victim.c, casework.c ---- */

#define DEMO_FIRST_YEAR 2015
#define DEMO_LAST_YEAR 2025
#define DEMO_POOL_SIZE 4096 /* closed cases remembered for re-trafficking */
#define DEMO_RECENT_SIZE 1024 /* recent people, some recorded again by another organisation */

/* weighted and plain lists written in place */
#define W(...) (const struct weighted[]){ __VA_ARGS__, { NULL, 0 } }
#define L(...) (const char *const[]){ __VA_ARGS__, NULL }

/* A closed case whose person may be trafficked again later in the run. */
struct past_case {
	char ref[32];
	long closed;            /* day of closure */
	struct person_name name;
	char birth[11];
	char gender[32], citizenship[16], nationality[3];
};

/* A recent person, whom a second organisation may record again (issue 5:
 * duplicates across organisations must not inflate national counts). */
struct recent_person {
	struct person_name name;
	char birth[11], gender[32], citizenship[16], nationality[3];
	int org;
	int adult;
};

/* field name (the string literal's address) -> registry index */
struct field_slot {
	const char *name; /* the string literal's address is the key */
	int group, index;
};

/* One run of the generator. */
struct gen {
	struct storage *st;
	struct sanad_error *err;
	int rc;                   /* sticky: the first failure of the current case */
	uint64_t seed;
	long n, index;
	long as_of;               /* the demo's today, in days */
	const struct demo_org *orgs;
	int norgs;
	const struct profile *profiles;
	int nprofiles;
	struct rng r;
	struct case_record c;
	struct field_slot slots[512];
	struct past_case pool[DEMO_POOL_SIZE];
	size_t pool_count, pool_next;
	struct recent_person recent[DEMO_RECENT_SIZE];
	size_t recent_count, recent_next;
	int first_year, last_year;
};

/* What has been decided about the case being built. */
struct facts {
	const struct profile *p;
	int org;                 /* index into g->orgs */
	const char *caseworker;
	long reg, ident, recruit, arrival, closed; /* days; closed 0 while open */
	int year, online;
	enum demo_sex sex;
	int age;                 /* when identified; -1 unknown */
	long birth;              /* day of birth, 0 unknown */
	char nationality[3];     /* for names, language and route */
	const char *language;
	const char *exploited_in;
	int referred_to;         /* org index, or -1 */
	/* identity, kept for a later re-trafficking episode */
	struct person_name name;
	char birth_text[11], gender[32], citizenship[16];
};

/* dates as day numbers since 1970-01-01 */
long gen_days_of(int y, int m, int d);
struct sanad_date gen_date_of(long day);
const char *gen_day_text(long day, char buf[11]);

/* Set a field of rec (an item of grp, or the case) from text through the
 * registry's normalisation; NULL leaves it unknown.  The first failure
 * sticks in g->rc (with the case number in g->err) and later calls do
 * nothing, so the builders need not check each call. */
void gen_put(struct gen *g, enum group_id grp, struct record *rec, const char *field, const char *value);
void gen_set(struct gen *g, const char *field, const char *value);
void gen_set_int(struct gen *g, const char *field, long v);
void gen_set_day(struct gen *g, const char *field, long day);
/* A new item of a repeating group of the case being built. */
struct record *gen_item(struct gen *g, enum group_id grp);

/* Index drawn by weight from weights[0..n). */
int gen_pick_index(struct rng *r, const int *weights, int n);
/* Between min and max distinct values of list joined by ';' into out;
 * NULL if none. */
const char *gen_several(struct rng *r, const char *const *list, int min, int max, char *out, size_t size);
void gen_copy(char *dst, size_t size, const char *src);
int gen_org_index(struct gen *g, const char *code);
int gen_year_index(int year);

/* The builders, in the order gen_one calls them (victim.c, casework.c). */
void gen_person(struct gen *g, struct facts *f);
void gen_pick_org(struct gen *g, struct facts *f);
void gen_route(struct gen *g, struct facts *f);
void gen_recruitment(struct gen *g, struct facts *f);
void gen_exploitation(struct gen *g, struct facts *f);
void gen_handling(struct gen *g, struct facts *f);
void gen_referral_and_consent(struct gen *g, struct facts *f);
void gen_services(struct gen *g, struct facts *f);
void gen_perpetrators(struct gen *g, struct facts *f);
void gen_notes(struct gen *g, struct facts *f);

#endif
