/* tests/stats/test_figures.c: the figures beyond victim counts (issue 5
 * items 1 and 2) on a small hand-built database -- which spellings of a
 * person get the same match key, perpetrator and service counts against
 * hand counts, the national pool's consent and de-duplication seen through
 * them, population figures written all or nothing, and SDG 16.2.2's
 * arithmetic and suppression. */
#include "test_support.h"
#include "stats/stats.h"

#include <math.h>

/* Items of a case: group, then name=value pairs, NULL-terminated; a list of
 * them ends with GROUP_CASE. */
struct item_spec {
	enum group_id g;
	const char *const *kv;
};

static void add_case(struct storage *st, const char *const *kv, const struct item_spec *items)
{
	struct case_record c;
	struct sanad_error err = { 0 };
	case_record_init(&c);
	for (int i = 0; kv[i]; i += 2)
		if (case_set(&c, kv[i], kv[i + 1], &err))
			fail_msg("%s", err.message);
	for (; items && items->g != GROUP_CASE; items++) {
		struct record *r = case_record_add_item(&c, items->g);
		for (int i = 0; items->kv[i]; i += 2)
			if (record_set(r, items->g, domain_field_index(items->g, items->kv[i]), items->kv[i + 1], &err))
				fail_msg("%s: %s", items->kv[i], err.message);
	}
	case_record_derive(&c);
	if (case_record_validate(&c, &err) || storage_case_insert(st, &c, &err))
		fail_msg("%s", err.message);
	case_record_release(&c);
}

#define KV(...) (const char *const[]){ __VA_ARGS__, NULL }
#define ITEMS(...) (const struct item_spec[]){ __VA_ARGS__, { GROUP_CASE, NULL } }
#define PERP(...) { GROUP_PERPETRATOR, KV(__VA_ARGS__) }
#define SERV(...) { GROUP_SERVICE, KV(__VA_ARGS__) }
#define STAT(given, date) { GROUP_CONSENT, KV("snd_ConsentScope", "StatisticalUse", "snd_ConsentGiven", given, \
					     "snd_ConsentDate", date) }

/*
 *  #  org    pool  year  sex     age  consent(StatisticalUse)     person
 *  1  ngo-a  yes   2020  Female  16   given                       Mohammed Ali 1990-01-02 JO  (sic: a name)
 *  2  police yes   2020  Male    30   given                       ALI  Mohammed 1990-01-02 JO (same person)
 *  3  ngo-a  yes   2020  Female  25   given, then revoked
 *  4  out    no    2020  Female  40   given
 *  5  ngo-a  yes   2021  Male    19   none
 *  6  police yes   2020  Female  12   given
 *
 * Perpetrators: case 1 two (Male 35 JO;SY Individual official, Female -
 * band 30--38 EG Family), case 2 one (Male 50 JO Business), case 4 one
 * (Male JO), case 6 one (- - - CriminalNetwork).
 * Services: case 1 Shelter 2020 InPerson, Health 2020 Remote; case 2
 * LegalAid 2021 Phone; case 3 Shelter 2019 InPerson; case 6 Health (no
 * start, no mode).
 */
static int setup(void **state)
{
	static const struct organisation orgs[] = {
		{ .code = "ngo-a", .name = "NGO A", .in_pool = 1 },
		{ .code = "police", .name = "Police unit", .in_pool = 1 },
		{ .code = "out", .name = "Not in the pool" },
	};
	struct test_db *f;
	if (test_db_setup_orgs(state, orgs, sizeof(orgs) / sizeof(orgs[0])))
		return -1;
	f = *state;
	add_case(f->st,
		 KV("snd_Organisation", "ngo-a", "snd_YearOfRegistration", "2020", "prs_Gender", "Feminine",
		    "snd_AgeAtIdentification", "16", "prs_FirstName", "Mohammed", "prs_SecondName", "Ali",
		    "prs_Birthdate", "1990-01-02", "prs_Citizenship", "JO", "vic_TypeOfExploitation", "ForcedLabour"),
		 ITEMS(STAT("true", "2020-01-05"),
		       PERP("snd_PerpetratorSex", "Male", "snd_PerpetratorAge", "35", "snd_PerpetratorCitizenship",
			    "JO;SY", "snd_PerpetratorKind", "Individual", "snd_PerpetratorIsOfficial", "true",
			    "per_RoleInProcess", "RecruiterOrIntermediary;Exploiter"),
		       PERP("snd_PerpetratorSex", "Female", "snd_PerpetratorAgeBroad", "30--38",
			    "snd_PerpetratorCitizenship", "EG", "snd_PerpetratorKind", "Family"),
		       SERV("snd_ServiceType", "Shelter", "snd_ServiceStart", "2020-02-01", "snd_ServiceMode", "InPerson"),
		       SERV("snd_ServiceType", "Health", "snd_ServiceStart", "2020-04-01", "snd_ServiceMode", "Remote")));
	add_case(f->st,
		 KV("snd_Organisation", "police", "snd_YearOfRegistration", "2020", "prs_Gender", "Masculine",
		    "snd_AgeAtIdentification", "30", "prs_FirstName", "ALI", "prs_SecondName", " Mohammed",
		    "prs_Birthdate", "1990-01-02", "prs_Citizenship", "JO", "vic_TypeOfExploitation", "ForcedLabour"),
		 ITEMS(STAT("true", "2020-03-01"),
		       PERP("snd_PerpetratorSex", "Male", "snd_PerpetratorAge", "50", "snd_PerpetratorCitizenship", "JO",
			    "snd_PerpetratorKind", "Business"),
		       SERV("snd_ServiceType", "LegalAid", "snd_ServiceStart", "2021-01-10", "snd_ServiceMode", "Phone")));
	add_case(f->st,
		 KV("snd_Organisation", "ngo-a", "snd_YearOfRegistration", "2020", "prs_Gender", "Feminine",
		    "snd_AgeAtIdentification", "25", "vic_TypeOfExploitation", "SexualExploitation"),
		 ITEMS(STAT("true", "2020-01-01"), STAT("false", "2020-06-01"),
		       SERV("snd_ServiceType", "Shelter", "snd_ServiceStart", "2019-12-30", "snd_ServiceMode", "InPerson")));
	add_case(f->st,
		 KV("snd_Organisation", "out", "snd_YearOfRegistration", "2020", "prs_Gender", "Feminine",
		    "snd_AgeAtIdentification", "40", "vic_TypeOfExploitation", "ForcedLabour"),
		 ITEMS(STAT("true", "2020-01-01"), PERP("snd_PerpetratorSex", "Male", "snd_PerpetratorCitizenship", "JO")));
	add_case(f->st,
		 KV("snd_Organisation", "ngo-a", "snd_YearOfRegistration", "2021", "prs_Gender", "Masculine",
		    "snd_AgeAtIdentification", "19"),
		 NULL);
	add_case(f->st,
		 KV("snd_Organisation", "police", "snd_YearOfRegistration", "2020", "prs_Gender", "Feminine",
		    "snd_AgeAtIdentification", "12", "vic_TypeOfExploitation", "SexualExploitation;ForcedLabour"),
		 ITEMS(STAT("true", "2020-01-01"), PERP("snd_PerpetratorKind", "CriminalNetwork"),
		       SERV("snd_ServiceType", "Health")));
	return 0;
}

/* ---- match keys ---- */

static void test_match_key_rules(void **state)
{
	struct test_db *f = *state;
	char a[33], b[33], c[33], d[33];

	assert_int_equal(storage_match_key(f->st, "Mohammed", NULL, "Ali", "1990-01-02", "JO", a), 1);
	/* word order, case, spacing and spelling across scripts agree */
	assert_int_equal(storage_match_key(f->st, "ALI", NULL, "  Mohammed", "1990-01-02", "JO", b), 1);
	assert_string_equal(a, b);
	assert_int_equal(storage_match_key(f->st, "محمد", NULL, "علي", "1990-01-02", "JO", c), 1);
	assert_string_equal(a, c);
	assert_int_equal(storage_match_key(f->st, "Muhammad Ali", NULL, NULL, "1990-01-02", "JO", d), 1);
	assert_string_equal(a, d);
	/* a different birth date or nationality is another person */
	assert_int_equal(storage_match_key(f->st, "Mohammed", NULL, "Ali", "1990-01-03", "JO", b), 1);
	assert_string_not_equal(a, b);
	assert_int_equal(storage_match_key(f->st, "Mohammed", NULL, "Ali", "1990-01-02", "SY", b), 1);
	assert_string_not_equal(a, b);
	assert_int_equal(storage_match_key(f->st, "Mohammed", NULL, "Ali", "1990-01-02", NULL, b), 1);
	assert_string_not_equal(a, b);
	/* nationalities in any order */
	assert_int_equal(storage_match_key(f->st, "Mohammed", NULL, "Ali", "1990-01-02", "JO;PS", b), 1);
	assert_int_equal(storage_match_key(f->st, "Mohammed", NULL, "Ali", "1990-01-02", "PS;JO", c), 1);
	assert_string_equal(b, c);
	/* no birth date, or no name: no key */
	assert_int_equal(storage_match_key(f->st, "Mohammed", NULL, "Ali", NULL, "JO", b), 0);
	assert_int_equal(storage_match_key(f->st, NULL, NULL, NULL, "1990-01-02", "JO", b), 0);
	/* keyed with the database's key: another database (another key) gives
	 * another key for the same person, so nobody can test a guess without it */
	assert_int_equal(strlen(a), 32);
	{
		char *path = test_temp_path(".db");
		struct storage *other;
		struct sanad_error err = { 0 };
		assert_int_equal(storage_open(&other, path, STORAGE_CREATE, &err), 0);
		assert_int_equal(storage_match_key(other, "Mohammed", NULL, "Ali", "1990-01-02", "JO", b), 1);
		assert_string_not_equal(a, b);
		storage_close(other);
		test_remove_db(path);
		free(path);
	}
}

/* ---- perpetrators and services ---- */

static const struct stats_row *row_of(const struct stats_table *t, const char *const *codes)
{
	for (size_t r = 0; r < t->nrows; r++) {
		int c;
		for (c = 0; c < t->ncolumns; c++) {
			const char *v = t->columns[c].values[t->rows[r].value[c]].code;
			if (!codes[c] ? v != NULL : !v || strcmp(v, codes[c]))
				break;
		}
		if (c == t->ncolumns)
			return &t->rows[r];
	}
	return NULL;
}

static int64_t count_of(const struct stats_table *t, const char *const *codes)
{
	const struct stats_row *r = row_of(t, codes);
	return r ? r->count : 0;
}

#define C(...) (const char *const[]){ __VA_ARGS__ }

static void compute(struct test_db *f, enum stats_subject s, enum stats_scope scope, const char *dims,
		    struct stats_table *t)
{
	static char buf[256];
	const char *names[STATS_MAX_DIMS];
	struct stats_query q = { 0 };
	struct sanad_error err = { 0 };
	char *save = NULL;
	snprintf(buf, sizeof(buf), "%s", dims);
	for (char *tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save))
		names[q.ndims++] = tok;
	q.dims = names;
	q.subject = s;
	q.scope = scope;
	if (stats_compute(f->st, &q, t, &err))
		fail_msg("%s", err.message);
}

static void test_perpetrators_all(void **state)
{
	struct test_db *f = *state;
	struct stats_table t;

	compute(f, STATS_COUNT_PERPETRATORS, STATS_SCOPE_ALL, "perpetrator_sex", &t);
	assert_int_equal(t.total_victims, 5);
	assert_int_equal(t.subject, STATS_COUNT_PERPETRATORS);
	assert_int_equal(count_of(&t, C("Female")), 1);
	assert_int_equal(count_of(&t, C("Male")), 3);
	assert_int_equal(count_of(&t, C(NULL)), 1);
	/* unknown last, list order before it */
	assert_int_equal(t.columns[0].nvalues, 3);
	assert_string_equal(t.columns[0].values[0].code, "Female");
	assert_null(t.columns[0].values[2].code);
	assert_non_null(t.note[VOCAB_EN]);
	assert_non_null(strstr(t.note[VOCAB_EN], "5 perpetrators"));
	stats_table_release(&t);

	/* nationality counts a perpetrator under each; the band comes from the age */
	compute(f, STATS_COUNT_PERPETRATORS, STATS_SCOPE_ALL, "nationality,perpetrator_age", &t);
	assert_int_equal(t.total_victims, 5);
	assert_int_equal(count_of(&t, C("JO", "30--38")), 1);
	assert_int_equal(count_of(&t, C("SY", "30--38")), 1);
	assert_int_equal(count_of(&t, C("EG", "30--38")), 1);
	assert_int_equal(count_of(&t, C("JO", "48+")), 1);
	assert_int_equal(count_of(&t, C("JO", NULL)), 1);
	assert_int_equal(count_of(&t, C(NULL, NULL)), 1);
	stats_table_release(&t);

	compute(f, STATS_COUNT_PERPETRATORS, STATS_SCOPE_ALL, "year,perpetrator_official,perpetrator_role", &t);
	assert_int_equal(count_of(&t, C("2020", "true", "RecruiterOrIntermediary")), 1);
	assert_int_equal(count_of(&t, C("2020", "true", "Exploiter")), 1);
	assert_int_equal(count_of(&t, C("2020", NULL, NULL)), 4);
	stats_table_release(&t);
}

static void test_services_all(void **state)
{
	struct test_db *f = *state;
	struct stats_table t;

	compute(f, STATS_COUNT_SERVICES, STATS_SCOPE_ALL, "service_year,service_mode", &t);
	assert_int_equal(t.total_victims, 5);
	assert_int_equal(count_of(&t, C("2019", "InPerson")), 1);
	assert_int_equal(count_of(&t, C("2020", "InPerson")), 1);
	assert_int_equal(count_of(&t, C("2020", "Remote")), 1);
	assert_int_equal(count_of(&t, C("2021", "Phone")), 1);
	assert_int_equal(count_of(&t, C(NULL, NULL)), 1);
	assert_int_equal(t.nrows, 5);
	/* years numerically, then unknown */
	assert_string_equal(t.columns[0].values[0].code, "2019");
	assert_null(t.columns[0].values[t.columns[0].nvalues - 1].code);
	stats_table_release(&t);

	compute(f, STATS_COUNT_SERVICES, STATS_SCOPE_ALL, "type", &t);
	assert_int_equal(count_of(&t, C("Shelter")), 2);
	assert_int_equal(count_of(&t, C("Health")), 2);
	assert_int_equal(count_of(&t, C("LegalAid")), 1);
	stats_table_release(&t);
}

static void test_unknown_dimension(void **state)
{
	struct test_db *f = *state;
	const char *names[] = { "nationality" };
	struct stats_query q = { names, 1 };
	struct stats_table t;
	struct sanad_error err = { 0 };
	q.subject = STATS_COUNT_SERVICES;
	assert_int_equal(stats_compute(f->st, &q, &t, &err), SANAD_EINVAL);
	assert_non_null(strstr(err.message, "service_mode"));
	stats_table_release(&t);
}

/* The national pool: cases 1 and 2 are one person (counted once, under
 * case 1), 3 revoked, 4 not pooled, 5 no consent, 6 pooled. */
static void test_national_pool(void **state)
{
	struct test_db *f = *state;
	struct stats_table t;

	compute(f, STATS_COUNT_VICTIMS, STATS_SCOPE_NATIONAL, "sex", &t);
	assert_int_equal(t.total_victims, 2);
	assert_int_equal(t.duplicates_merged, 1);
	stats_table_release(&t);

	compute(f, STATS_COUNT_PERPETRATORS, STATS_SCOPE_NATIONAL, "perpetrator_kind", &t);
	assert_int_equal(t.total_victims, 3); /* case 1's two, case 6's one */
	assert_int_equal(count_of(&t, C("Individual")), 1);
	assert_int_equal(count_of(&t, C("Family")), 1);
	assert_int_equal(count_of(&t, C("CriminalNetwork")), 1);
	assert_int_equal(count_of(&t, C("Business")), 0);
	stats_table_release(&t);

	compute(f, STATS_COUNT_SERVICES, STATS_SCOPE_NATIONAL, "service_type", &t);
	assert_int_equal(t.total_victims, 3);
	assert_int_equal(count_of(&t, C("Health")), 2);
	assert_int_equal(count_of(&t, C("Shelter")), 1);
	stats_table_release(&t);

	/* the organisation leaves the pool: its cases leave at once */
	{
		struct organisation o;
		struct sanad_error err = { 0 };
		assert_int_equal(storage_org_get(f->st, "ngo-a", &o, &err), 0);
		o.in_pool = 0;
		assert_int_equal(storage_org_update(f->st, &o, &err), 0);
		organisation_release(&o);
	}
	compute(f, STATS_COUNT_PERPETRATORS, STATS_SCOPE_NATIONAL, "perpetrator_kind", &t);
	/* case 2 now stands for the person */
	assert_int_equal(t.total_victims, 2);
	assert_int_equal(count_of(&t, C("Business")), 1);
	assert_int_equal(count_of(&t, C("CriminalNetwork")), 1);
	stats_table_release(&t);
}

/* ---- population ---- */

static void test_population_all_or_nothing(void **state)
{
	struct test_db *f = *state;
	struct population_entry e[2] = { { 2020, "", "", 1000, "census", NULL }, { 2020, "Male", "", 0, NULL, NULL } };
	struct population_entry *list;
	size_t n;
	struct sanad_error err = { 0 };

	assert_int_equal(storage_population_put(f->st, e, 2, &err), SANAD_EINVAL);
	assert_int_equal(storage_population_list(f->st, 0, &list, &n, &err), 0);
	assert_int_equal(n, 0);
	population_entries_free(list, n);
	e[1].count = 600;
	assert_int_equal(storage_population_put(f->st, e, 2, &err), 0);
	e[0].count = 1100; /* replaces */
	assert_int_equal(storage_population_put(f->st, e, 1, &err), 0);
	assert_int_equal(storage_population_list(f->st, 2020, &list, &n, &err), 0);
	assert_int_equal(n, 2);
	assert_string_equal(list[0].sex, "");
	assert_int_equal(list[0].count, 1100);
	assert_string_equal(list[0].source, "census");
	assert_string_equal(list[1].sex, "Male");
	assert_null(list[1].source);
	population_entries_free(list, n);
	assert_int_equal(storage_population_delete(f->st, 2020, "Male", "", &err), 0);
	assert_int_equal(storage_population_delete(f->st, 2020, "Male", "", &err), SANAD_ENOTFOUND);
	assert_int_equal(storage_population_delete(f->st, 2020, "", "", &err), 0);
}

/* ---- SDG 16.2.2 ---- */

static const struct stats_sdg_row *sdg_row(const struct stats_sdg *s, enum stats_sdg_breakdown b, const char *sex,
					   const char *age, const char *form)
{
	for (size_t i = 0; i < s->nrows; i++) {
		const struct stats_sdg_row *r = &s->rows[i];
		if (r->breakdown == b && !strcmp(r->sex ? r->sex : "", sex ? sex : "") &&
		    !strcmp(r->age_group ? r->age_group : "", age ? age : "") &&
		    !strcmp(r->exploitation ? r->exploitation : "", form ? form : ""))
			return r;
	}
	return NULL;
}

static void test_sdg(void **state)
{
	struct test_db *f = *state;
	struct population_entry e[] = {
		{ 2020, "", "", 200000, NULL, NULL },       { 2020, "Female", "", 100000, NULL, NULL },
		{ 2020, "", "Minor", 80000, NULL, NULL },  { 2020, "Female", "Minor", 40000, NULL, NULL },
		{ 2020, "", "9--17", 30000, NULL, NULL },
	};
	struct stats_query q = { 0 };
	struct stats_sdg s;
	struct sanad_error err = { 0 };
	const struct stats_sdg_row *r;

	assert_int_equal(storage_population_put(f->st, e, sizeof(e) / sizeof(e[0]), &err), 0);
	/* all cases of 2020: 1 (F 16), 2 (M 30), 3 (F 25), 4 (F 40), 6 (F 12) */
	assert_int_equal(stats_sdg_16_2_2(f->st, &q, 2020, 0, &s, &err), 0);
	r = sdg_row(&s, STATS_SDG_TOTAL, NULL, NULL, NULL);
	assert_non_null(r);
	assert_int_equal(r->victims, 5);
	assert_int_equal(r->population, 200000);
	assert_int_equal(r->state, STATS_SDG_RATE);
	assert_true(fabs(r->rate - 2.5) < 1e-9);
	r = sdg_row(&s, STATS_SDG_SEX, "Female", NULL, NULL);
	assert_int_equal(r->victims, 4);
	assert_true(fabs(r->rate - 4.0) < 1e-9);
	r = sdg_row(&s, STATS_SDG_SEX, "Male", NULL, NULL);
	assert_int_equal(r->victims, 1);
	assert_int_equal(r->state, STATS_SDG_NO_POPULATION);
	r = sdg_row(&s, STATS_SDG_AGE, NULL, "Minor", NULL);
	assert_int_equal(r->victims, 2);
	assert_true(fabs(r->rate - 2.5) < 1e-9);
	r = sdg_row(&s, STATS_SDG_AGE, NULL, "Adult", NULL);
	assert_int_equal(r->victims, 3);
	assert_int_equal(r->state, STATS_SDG_NO_POPULATION);
	r = sdg_row(&s, STATS_SDG_AGE, NULL, "9--17", NULL); /* a band with a population figure */
	assert_non_null(r);
	assert_int_equal(r->victims, 2);
	assert_true(fabs(r->rate - 2.0 * 100000.0 / 30000.0) < 1e-9);
	assert_null(sdg_row(&s, STATS_SDG_AGE, NULL, "0--8", NULL)); /* no figure for the band: no row */
	r = sdg_row(&s, STATS_SDG_SEX_AGE, "Female", "Minor", NULL);
	assert_int_equal(r->victims, 2);
	assert_true(fabs(r->rate - 5.0) < 1e-9);
	r = sdg_row(&s, STATS_SDG_EXPLOITATION, NULL, NULL, "ForcedLabour");
	assert_int_equal(r->victims, 4); /* 1, 2, 4 and 6 */
	assert_true(fabs(r->rate - 2.0) < 1e-9);
	r = sdg_row(&s, STATS_SDG_EXPLOITATION, NULL, NULL, "SexualExploitation");
	assert_int_equal(r->victims, 2);
	stats_sdg_release(&s);

	/* published with threshold 3: small counts and their rates go */
	assert_int_equal(stats_sdg_16_2_2(f->st, &q, 2020, 3, &s, &err), 0);
	r = sdg_row(&s, STATS_SDG_SEX, "Male", NULL, NULL);
	assert_true(r->victims_suppressed);
	assert_int_equal(r->state, STATS_SDG_SUPPRESSED);
	r = sdg_row(&s, STATS_SDG_SEX_AGE, "Female", "Minor", NULL);
	assert_true(r->victims_suppressed);
	assert_int_equal(r->state, STATS_SDG_SUPPRESSED);
	r = sdg_row(&s, STATS_SDG_AGE, NULL, "Minor", NULL);
	assert_true(r->victims_suppressed);
	/* the total less the female count would give the male count away:
	 * one of them is suppressed as well, as in the published table */
	assert_true(sdg_row(&s, STATS_SDG_SEX, "Female", NULL, NULL)->victims_suppressed ||
		    sdg_row(&s, STATS_SDG_TOTAL, NULL, NULL, NULL)->victims_suppressed);
	for (size_t i = 0; i < s.nrows; i++)
		if (s.rows[i].victims_suppressed)
			assert_int_equal(s.rows[i].state, STATS_SDG_SUPPRESSED);
		else if (s.rows[i].breakdown != STATS_SDG_EXPLOITATION)
			assert_true(s.rows[i].victims >= 3 || s.rows[i].victims == 0);
	stats_sdg_release(&s);

	/* the national pool of 2020: cases 1 (for 1 and 2) and 6 */
	q.scope = STATS_SCOPE_NATIONAL;
	assert_int_equal(stats_sdg_16_2_2(f->st, &q, 2020, 0, &s, &err), 0);
	r = sdg_row(&s, STATS_SDG_TOTAL, NULL, NULL, NULL);
	assert_int_equal(r->victims, 2);
	assert_true(fabs(r->rate - 1.0) < 1e-9);
	stats_sdg_release(&s);

	assert_int_equal(stats_sdg_16_2_2(f->st, &q, 0, 0, &s, &err), SANAD_EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_match_key_rules, setup, test_db_teardown),
		cmocka_unit_test_setup_teardown(test_perpetrators_all, setup, test_db_teardown),
		cmocka_unit_test_setup_teardown(test_services_all, setup, test_db_teardown),
		cmocka_unit_test_setup_teardown(test_unknown_dimension, setup, test_db_teardown),
		cmocka_unit_test_setup_teardown(test_national_pool, setup, test_db_teardown),
		cmocka_unit_test_setup_teardown(test_population_all_or_nothing, setup, test_db_teardown),
		cmocka_unit_test_setup_teardown(test_sdg, setup, test_db_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
