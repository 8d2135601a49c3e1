/* tests/demo: the demo data set is deterministic, valid, and has the shape
 * it promises (who is exploited how, online recruitment after 2020,
 * re-trafficking links, consents and referrals within the deployment). */
#include "test_support.h"
#include "demo/demo.h"
#include "stats/stats.h"

static struct storage *demo_db(char **path, uint64_t seed, long cases)
{
	struct storage *st;
	struct sanad_error err = { 0 };
	struct demo_options o = { seed, cases, NULL };
	struct demo_result res;
	*path = test_temp_path(".db");
	if (storage_open(&st, *path, STORAGE_CREATE, &err))
		fail_msg("%s", err.message);
	if (demo_generate(st, &o, &res, &err))
		fail_msg("%s", err.message);
	assert_int_equal(res.cases, cases);
	return st;
}

static void drop_db(struct storage *st, char *path)
{
	storage_close(st);
	test_remove_db(path);
	free(path);
}

/* Every stored value of every case, children included, as one text. */
static int dump_case(const struct case_record *c, void *ctx)
{
	struct strbuf *sb = ctx;
	for (int g = 0; g < GROUP_COUNT; g++) {
		const struct group_def *gd = domain_group((enum group_id)g);
		size_t n = g == GROUP_CASE ? 1 : c->child[g].count;
		for (size_t k = 0; k < n; k++) {
			char *const *v = g == GROUP_CASE ? c->main.value : c->child[g].items[k].value;
			for (int i = 0; i < gd->nfields; i++)
				strbuf_addf(sb, "%s=%s|", gd->fields[i].name, v[i] ? v[i] : "");
			strbuf_addch(sb, '\n');
		}
	}
	return 0;
}

static char *dump(struct storage *st)
{
	struct strbuf sb = STRBUF_INIT;
	struct case_query q = { .with_children = 1 };
	struct sanad_error err;
	if (storage_case_each(st, &q, dump_case, &sb, &err))
		fail_msg("%s", err.message);
	return strbuf_detach(&sb);
}

static char *stats_json(struct storage *st, const char *by0, const char *by1)
{
	const char *dims[] = { by0, by1 };
	struct stats_query q = { dims, by1 ? 2 : 1, 0 };
	struct stats_table t;
	struct sanad_error err;
	json_t *j;
	char *s;
	if (stats_compute(st, &q, &t, &err))
		fail_msg("%s", err.message);
	j = stats_table_json(&t, 0, VOCAB_EN);
	s = json_dumps(j, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(j);
	stats_table_release(&t);
	return s;
}

static void same_seed_same_data_other_seed_other_data(void **state)
{
	char *p1, *p2, *p3;
	struct storage *a = demo_db(&p1, 42, 300), *b = demo_db(&p2, 42, 300), *c = demo_db(&p3, 43, 300);
	char *da = dump(a), *db = dump(b), *dc = dump(c);
	static const char *const dims[][2] = { { "year", "sex" }, { "nationality", NULL }, { "exploitation", "age" },
					       { "organisation", "stage" }, { "recruitment_app", NULL } };
	(void)state;
	assert_true(strlen(da) > 100000);
	assert_string_equal(da, db);
	assert_string_not_equal(da, dc);
	for (size_t i = 0; i < sizeof(dims) / sizeof(dims[0]); i++) {
		char *sa = stats_json(a, dims[i][0], dims[i][1]), *sb = stats_json(b, dims[i][0], dims[i][1]);
		assert_string_equal(sa, sb);
		free(sa);
		free(sb);
	}
	{
		char *sa = stats_json(a, "nationality", "sex"), *sc = stats_json(c, "nationality", "sex");
		assert_string_not_equal(sa, sc);
		free(sa);
		free(sc);
	}
	free(da);
	free(db);
	free(dc);
	drop_db(a, p1);
	drop_db(b, p2);
	drop_db(c, p3);
}

static void every_case_passes_the_integrity_check(void **state)
{
	char *path;
	struct storage *st = demo_db(&path, 7, 1500);
	struct strbuf report = STRBUF_INIT;
	struct sanad_error err;
	int problems = -1;
	(void)state;
	assert_int_equal(storage_check(st, &report, &problems, &err), 0);
	if (problems)
		fail_msg("%d problems:\n%.2000s", problems, strbuf_str(&report));
	strbuf_release(&report);
	drop_db(st, path);
}

static void adding_to_a_database_keeps_what_is_there(void **state)
{
	char *path;
	struct storage *st = demo_db(&path, 5, 100);
	struct demo_options o = { 6, 50, NULL };
	struct demo_result res;
	struct sanad_error err;
	struct case_query q = { 0 };
	struct organisation *orgs;
	size_t norgs;
	int64_t n;
	(void)state;
	assert_int_equal(demo_generate(st, &o, &res, &err), 0);
	assert_int_equal(res.orgs_added, 0);
	assert_int_equal(res.cases, 50);
	assert_int_equal(storage_case_count(st, &q, &n, &err), 0);
	assert_int_equal(n, 150);
	assert_int_equal(storage_org_list(st, &orgs, &norgs, &err), 0);
	assert_int_equal(norgs, 9);
	for (size_t i = 0; i < norgs; i++) {
		assert_non_null(orgs[i].name_ar);
		assert_string_equal(orgs[i].country, "JO");
		organisation_release(&orgs[i]);
	}
	free(orgs);
	o.cases = -1;
	assert_int_equal(demo_generate(st, &o, &res, &err), SANAD_ELIMIT);
	drop_db(st, path);
}

/* ---- the shape of the data ---- */

struct shape {
	long cases, domestic, domestic_women, construction, construction_men;
	long begging, begging_minors, domestic_minors;
	long early, early_online, late, late_online;
	long latin_arabic_names, arabic_script_names, retrafficked, relinked;
	long referrals, referrals_in_deployment, referrals_to_immigration, consents_stat;
	long events_in_order, events;
	int spellings; /* bit 0: Mohammed, 1: Muhammad, 2: Mohamed */
	struct storage *st;
};

static int has(const char *multi, const char *code)
{
	size_t n = strlen(code);
	for (const char *p = multi; p && (p = strstr(p, code)); p += n)
		if ((p == multi || p[-1] == ';') && (p[n] == ';' || !p[n]))
			return 1;
	return 0;
}

static int shape_case(const struct case_record *c, void *ctx)
{
	struct shape *s = ctx;
	const char *form = case_get(c, "vic_TypeOfExploitation"), *sex = case_get(c, "snd_Sex");
	const char *major = case_get(c, "snd_MajorityStatus"), *year = case_get(c, "snd_YearOfRegistration");
	const char *method = case_get(c, "vic_MethodOfRecruitment"), *first = case_get(c, "prs_FirstName");
	const char *prev = case_get(c, "snd_PreviousCaseRef");
	int ref_org = domain_field_index(GROUP_REFERRAL, "cas_ReferredOrganisation");
	int ev_date = domain_field_index(GROUP_EVENT, "hte_Date");
	int scope = domain_field_index(GROUP_CONSENT, "snd_ConsentScope");

	s->cases++;
	if (has(form, "DomesticServitude") && !has(form, "ForcedMarriage")) {
		s->domestic++;
		s->domestic_women += sex && !strcmp(sex, "Female");
		s->domestic_minors += major && !strcmp(major, "Minor");
	}
	if (case_get(c, "snd_LabourType") && !strcmp(case_get(c, "snd_LabourType"), "Construction")) {
		s->construction++;
		s->construction_men += sex && !strcmp(sex, "Male");
	}
	if (has(form, "ForcedBegging")) {
		s->begging++;
		s->begging_minors += major && !strcmp(major, "Minor");
	}
	if (method && year) {
		int online = strstr(method, "Online") != NULL;
		if (atoi(year) <= 2019) {
			s->early++;
			s->early_online += online;
		} else if (atoi(year) >= 2021) {
			s->late++;
			s->late_online += online;
		}
	}
	if (first) {
		const char *lang = case_get(c, "prs_PrimaryLanguage"), *middle = case_get(c, "prs_MiddleName");
		int arabic = lang && !strcmp(lang, "ara");
		if ((unsigned char)first[0] >= 0xd8 && (unsigned char)first[0] <= 0xdb)
			s->arabic_script_names++;
		else if (arabic)
			s->latin_arabic_names++; /* an Arabic name transliterated */
		for (int k = 0; k < 2; k++) {
			const char *n = k ? middle : first;
			if (!n)
				continue;
			s->spellings |= (!strcmp(n, "Mohammed")) | (!strcmp(n, "Muhammad")) << 1 | (!strcmp(n, "Mohamed")) << 2;
		}
	}
	if (prev) {
		struct case_record old;
		struct sanad_error err;
		s->retrafficked++;
		if (!storage_case_get(s->st, prev, &old, &err)) {
			const char *a = case_get(&old, "prs_SecondName"), *b = case_get(c, "prs_SecondName");
			const char *closed = case_get(&old, "snd_ClosedDate"), *ident = case_get(c, "snd_IdentificationDate");
			if (a && b && !strcmp(a, b) && closed && ident && strcmp(closed, ident) < 0)
				s->relinked++;
		}
		case_record_release(&old);
	}
	for (size_t k = 0; k < c->child[GROUP_REFERRAL].count; k++) {
		const char *to = c->child[GROUP_REFERRAL].items[k].value[ref_org];
		struct organisation o;
		struct sanad_error err;
		s->referrals++;
		if (!storage_org_get(s->st, to, &o, &err))
			s->referrals_in_deployment++;
		organisation_release(&o);
		s->referrals_to_immigration += !strcmp(to, "immigration");
	}
	for (size_t k = 0; k < c->child[GROUP_CONSENT].count; k++)
		s->consents_stat += !strcmp(c->child[GROUP_CONSENT].items[k].value[scope], "StatisticalUse");
	{
		const char *last = "";
		int ordered = 1;
		for (size_t k = 0; k < c->child[GROUP_EVENT].count; k++) {
			const char *d = c->child[GROUP_EVENT].items[k].value[ev_date];
			if (d && strcmp(d, last) < 0)
				ordered = 0;
			if (d)
				last = d;
		}
		s->events++;
		s->events_in_order += ordered;
	}
	return 0;
}

static void the_data_has_the_promised_shape(void **state)
{
	char *path;
	struct storage *st = demo_db(&path, 11, 4000);
	struct shape s = { 0 };
	struct case_query q = { .with_children = 1 };
	struct sanad_error err;
	(void)state;
	s.st = st;
	assert_int_equal(storage_case_each(st, &q, shape_case, &s, &err), 0);
	assert_int_equal(s.cases, 4000);
	/* domestic servitude: mostly women; construction: mostly men */
	assert_true(s.domestic > 500 && s.domestic_women * 100 > s.domestic * 85);
	assert_true(s.construction > 100 && s.construction_men * 100 > s.construction * 90);
	/* far more children among victims of forced begging than of domestic servitude */
	assert_true(s.begging_minors * s.domestic > 5 * s.domestic_minors * s.begging);
	/* recruitment moved online: its share at least doubles after 2020 */
	assert_true(s.late_online * s.early > 2 * s.early_online * s.late);
	/* Arabic names mostly in Arabic script, some transliterated, with variants */
	assert_true(s.arabic_script_names > 500);
	assert_true(s.latin_arabic_names > 20);
	assert_int_equal(s.spellings, 7);
	/* re-trafficking: a new episode of the same person after the old one closed */
	assert_true(s.retrafficked > 10);
	assert_int_equal(s.relinked, s.retrafficked);
	/* referrals stay within the deployment and never cross the firewall */
	assert_true(s.referrals > 500);
	assert_int_equal(s.referrals_in_deployment, s.referrals);
	assert_int_equal(s.referrals_to_immigration, 0);
	assert_true(s.consents_stat >= 4000);
	assert_int_equal(s.events_in_order, s.events);
	drop_db(st, path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(same_seed_same_data_other_seed_other_data),
		cmocka_unit_test(every_case_passes_the_integrity_check),
		cmocka_unit_test(adding_to_a_database_keeps_what_is_there),
		cmocka_unit_test(the_data_has_the_promised_shape),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
