/* tests/stats/test_engine.c: the aggregation engine (issue 5) against a
 * brute-force count over the same random cases, kept in memory here: every
 * dimension (derived ones included), multi-valued and unknown values,
 * filters, the year and the three scopes; then inserts, updates and deletes
 * (the highest id deleted and inserted again), an engine opened later on the
 * saved bitmaps, and the national pool's rules (leaving the pool, revoked
 * consent, one person recorded twice). */
#include "test_support.h"
#include "stats/stats.h"

#include <sqlite3.h>

#define NCASES 360
#define MAXCASES 460

static const char *const orgs[] = { "ngo-a", "ngo-b", "police" }; /* police is not in the pool */
static const char *const sexes[] = { "Female", "Male", "Transgender" };
/* more than 8 values, so cross-tabs count some leaves in one pass (engine.c) */
static const char *const countries[] = { "ET", "ER", "JO", "SY", "BD", "PH", "NP", "EG", "SD", "IQ" };
static const char *const forms[] = { "ForcedLabour", "SexualExploitation", "ForcedMarriage" };
static const char *const services[] = { "Shelter", "Health", "Return", "Reintegration" };
static const char *const modes[] = { "InPerson", "Remote", "Phone" };
static const char *const event_types[] = { "Recruitment", "Transit", "Exploitation" };
static const char *const stages[] = { "Identified", "Referred", "Assisted", "ReturnedReintegrated" };
static const char *const closures[] = { "Returned", "Reintegrated", "LostContact" };

struct svc { const char *type, *mode; char start[11]; };
struct evt { const char *type, *country; char date[11]; };
struct cons { const char *scope; int given; char date[11]; };

struct model {
	int64_t id;
	int alive;
	char ref[16];
	const char *org;
	char reg[11], idd[11]; /* "" when unknown */
	const char *sex, *cexp, *stage, *closure;
	const char *nat[2], *expl[2];
	int nnat, nexpl;
	struct svc svc[3];
	int nsvc;
	struct evt evt[4];
	int nevt;
	struct cons cons[3];
	int ncons;
	int nref;
	const char *match;
	char year[8];
};

struct fixture {
	char *path;
	struct storage *st;
	struct model m[MAXCASES];
	int n;
	unsigned rng;
};

static unsigned rnd(struct fixture *f, unsigned n)
{
	f->rng = f->rng * 1103515245u + 12345u;
	return (f->rng >> 16) % n;
}

static const char *pick(struct fixture *f, const char *const *a, unsigned n, unsigned unknown_in)
{
	if (unknown_in && !rnd(f, unknown_in))
		return NULL;
	return a[rnd(f, n)];
}

#define N(a) (sizeof(a) / sizeof((a)[0]))

static void random_date(struct fixture *f, char *out, int y0)
{
	snprintf(out, 11, "%04d-%02d-%02d", y0 + (int)rnd(f, 3), 1 + (int)rnd(f, 12), 1 + (int)rnd(f, 28));
}

static void random_case(struct fixture *f, struct model *m)
{
	memset(m, 0, sizeof(*m));
	m->org = orgs[rnd(f, N(orgs))];
	if (rnd(f, 10))
		random_date(f, m->reg, 2019);
	if (m->reg[0] && rnd(f, 3))
		strcpy(m->idd, m->reg), m->idd[9] = '1'; /* same month, day 1..: at most days earlier */
	m->sex = pick(f, sexes, N(sexes), 6);
	m->nnat = (int)rnd(f, 3);
	for (int i = 0; i < m->nnat; i++)
		m->nat[i] = countries[rnd(f, N(countries))];
	if (m->nnat == 2 && m->nat[0] == m->nat[1])
		m->nnat = 1;
	m->nexpl = (int)rnd(f, 3);
	for (int i = 0; i < m->nexpl; i++)
		m->expl[i] = forms[rnd(f, N(forms))];
	if (m->nexpl == 2 && m->expl[0] == m->expl[1])
		m->nexpl = 1;
	m->cexp = pick(f, countries, N(countries), 3);
	m->stage = pick(f, stages, N(stages), 4);
	m->closure = pick(f, closures, N(closures), 2);
	m->nsvc = (int)rnd(f, 4);
	for (int i = 0; i < m->nsvc; i++) {
		m->svc[i].type = services[rnd(f, N(services))];
		m->svc[i].mode = pick(f, modes, N(modes), 4);
		if (rnd(f, 4))
			random_date(f, m->svc[i].start, 2019);
		else
			m->svc[i].start[0] = 0;
	}
	m->nevt = (int)rnd(f, 5);
	for (int i = 0; i < m->nevt; i++) {
		m->evt[i].type = event_types[rnd(f, N(event_types))];
		m->evt[i].country = pick(f, countries, N(countries), 5);
		if (rnd(f, 3))
			random_date(f, m->evt[i].date, 2017);
		else
			m->evt[i].date[0] = 0;
	}
	m->ncons = (int)rnd(f, 3);
	for (int i = 0; i < m->ncons; i++) {
		m->cons[i].scope = rnd(f, 4) ? "StatisticalUse" : "Research";
		m->cons[i].given = (int)rnd(f, 3) != 0;
		random_date(f, m->cons[i].date, 2019);
	}
	m->nref = (int)rnd(f, 2);
}

static void item_set(struct record *r, enum group_id g, const char *field, const char *v)
{
	struct sanad_error err = { 0 };
	if (v && *v && record_set(r, g, domain_field_index(g, field), v, &err))
		fail_msg("%s: %s", field, err.message);
}

static void set_field(struct case_record *c, const char *field, const char *v)
{
	struct sanad_error err = { 0 };
	if (v && *v && case_set(c, field, v, &err))
		fail_msg("%s: %s", field, err.message);
}

static void to_record(const struct model *m, struct case_record *c)
{
	struct sanad_error err = { 0 };
	char multi[64];
	case_record_init(c);
#define SET(field, v) set_field(c, field, v)
	SET("snd_CaseRef", m->ref);
	SET("snd_Organisation", m->org);
	SET("snd_RegistrationDate", m->reg);
	SET("snd_IdentificationDate", m->idd);
	SET("snd_Sex", m->sex);
	snprintf(multi, sizeof(multi), "%s%s%s", m->nnat ? m->nat[0] : "", m->nnat > 1 ? ";" : "",
		 m->nnat > 1 ? m->nat[1] : "");
	SET("prs_Citizenship", multi);
	snprintf(multi, sizeof(multi), "%s%s%s", m->nexpl ? m->expl[0] : "", m->nexpl > 1 ? ";" : "",
		 m->nexpl > 1 ? m->expl[1] : "");
	SET("vic_TypeOfExploitation", multi);
	SET("snd_CountryOfExploitation", m->cexp);
	SET("snd_Stage", m->stage);
	SET("snd_ClosureReason", m->closure);
#undef SET
	for (int i = 0; i < m->nsvc; i++) {
		struct record *r = case_record_add_item(c, GROUP_SERVICE);
		item_set(r, GROUP_SERVICE, "snd_ServiceType", m->svc[i].type);
		item_set(r, GROUP_SERVICE, "snd_ServiceMode", m->svc[i].mode);
		item_set(r, GROUP_SERVICE, "snd_ServiceStart", m->svc[i].start);
	}
	for (int i = 0; i < m->nevt; i++) {
		struct record *r = case_record_add_item(c, GROUP_EVENT);
		item_set(r, GROUP_EVENT, "hte_Type", m->evt[i].type);
		item_set(r, GROUP_EVENT, "hte_Country", m->evt[i].country);
		item_set(r, GROUP_EVENT, "hte_Date", m->evt[i].date);
	}
	for (int i = 0; i < m->ncons; i++) {
		struct record *r = case_record_add_item(c, GROUP_CONSENT);
		item_set(r, GROUP_CONSENT, "snd_ConsentScope", m->cons[i].scope);
		item_set(r, GROUP_CONSENT, "snd_ConsentGiven", m->cons[i].given ? "true" : "false");
		item_set(r, GROUP_CONSENT, "snd_ConsentDate", m->cons[i].date);
	}
	for (int i = 0; i < m->nref; i++) {
		struct record *r = case_record_add_item(c, GROUP_REFERRAL);
		item_set(r, GROUP_REFERRAL, "cas_ReferredOrganisation", "ngo-b");
	}
	case_record_derive(c);
	if (case_record_validate(c, &err))
		fail_msg("case %s: %s", m->ref, err.message);
}

/* Insert m, and hand it to feed as an import would (feed may be NULL). */
static void insert_model_fed(struct fixture *f, struct model *m, struct stats_feed *feed)
{
	struct case_record c;
	struct sanad_error err = { 0 };
	static int refs;
	snprintf(m->ref, sizeof(m->ref), "T-%d", ++refs);
	to_record(m, &c);
	if (storage_case_insert(f->st, &c, &err))
		fail_msg("insert: %s", err.message);
	m->id = c.id;
	m->alive = 1;
	if (feed)
		stats_feed_add(feed, c.id, c.main.value);
	case_record_release(&c);
}

static void insert_model(struct fixture *f, struct model *m)
{
	insert_model_fed(f, m, NULL);
}

static void update_model(struct fixture *f, struct model *m)
{
	struct case_record c;
	struct sanad_error err = { 0 };
	to_record(m, &c);
	c.id = m->id;
	if (storage_case_update(f->st, &c, &err))
		fail_msg("update: %s", err.message);
	case_record_release(&c);
	/* the write path recomputes the match key from names (none here) */
	if (m->match && storage_case_set_match_key(f->st, m->id, m->match, &err))
		fail_msg("match key: %s", err.message);
}

static void sql(struct fixture *f, const char *q)
{
	sqlite3 *db;
	char *msg = NULL;
	assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
	sqlite3_busy_timeout(db, 5000);
	if (sqlite3_exec(db, q, NULL, NULL, &msg) != SQLITE_OK)
		fail_msg("%s: %s", q, msg);
	sqlite3_close(db);
}

static void reopen(struct fixture *f)
{
	struct sanad_error err = { 0 };
	storage_close(f->st);
	if (storage_open(&f->st, f->path, 0, &err))
		fail_msg("reopen: %s", err.message);
}

static void set_pool(struct fixture *f, const char *code, int in)
{
	struct organisation o = { 0 };
	struct sanad_error err = { 0 };
	assert_int_equal(storage_org_get(f->st, code, &o, &err), 0);
	o.in_pool = in;
	assert_int_equal(storage_org_update(f->st, &o, &err), 0);
	organisation_release(&o);
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct organisation rows[N(orgs)] = { 0 };
	for (size_t i = 0; i < N(orgs); i++)
		rows[i].code = rows[i].name = (char *)orgs[i];
	/* SANAD_TEST_SEED tries other data (the default is fixed: failures reproduce) */
	f->rng = getenv("SANAD_TEST_SEED") ? (unsigned)atoi(getenv("SANAD_TEST_SEED")) : 20261125u;
	if (test_db_create(&f->path, &f->st, rows, N(orgs)))
		return -1;
	*state = f;
	set_pool(f, "ngo-a", 1);
	set_pool(f, "ngo-b", 1);
	for (f->n = 0; f->n < NCASES; f->n++) {
		random_case(f, &f->m[f->n]);
		insert_model(f, &f->m[f->n]);
	}
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	test_db_destroy(f->path, f->st);
	free(f);
	return 0;
}

/* ---- the brute force ---- */

static int64_t day_number(const char *d)
{
	int y = atoi(d), m = atoi(d + 5), dd = atoi(d + 8);
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	int64_t yoe = y - era * 400;
	int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + dd - 1;
	return era * 146097 + yoe * 365 + yoe / 4 - yoe / 100 + doy;
}

static int add_value(const char **out, int n, const char *v)
{
	if (!v)
		return n;
	for (int i = 0; i < n; i++)
		if (!strcmp(out[i], v))
			return n;
	out[n] = v;
	return n + 1;
}

/* The event of type with a country, earliest by date (undated last), then position. */
static const char *first_event_country(const struct model *m, const char *type)
{
	const struct evt *best = NULL;
	for (int i = 0; i < m->nevt; i++) {
		const struct evt *e = &m->evt[i];
		if (strcmp(e->type, type) || !e->country)
			continue;
		if (!best || (e->date[0] && !best->date[0]) ||
		    (e->date[0] && best->date[0] && strcmp(e->date, best->date) < 0))
			best = e;
	}
	return best ? best->country : NULL;
}

/* The values of case m in dimension dim (0: unknown). */
static int values_of(struct model *m, const char *dim, const char **out)
{
	int n = 0;
	if (!strcmp(dim, "year")) {
		const char *d = m->reg[0] ? m->reg : m->idd[0] ? m->idd : NULL;
		if (!d)
			return 0;
		snprintf(m->year, sizeof(m->year), "%.4s", d);
		out[0] = m->year;
		return 1;
	}
	if (!strcmp(dim, "sex"))
		return add_value(out, 0, m->sex);
	if (!strcmp(dim, "organisation"))
		return add_value(out, 0, m->org);
	if (!strcmp(dim, "nationality")) {
		for (int i = 0; i < m->nnat; i++)
			n = add_value(out, n, m->nat[i]);
		return n;
	}
	if (!strcmp(dim, "exploitation")) {
		for (int i = 0; i < m->nexpl; i++)
			n = add_value(out, n, m->expl[i]);
		return n;
	}
	if (!strcmp(dim, "service_type") || !strcmp(dim, "service_mode")) {
		for (int i = 0; i < m->nsvc; i++)
			n = add_value(out, n, dim[8] == 't' ? m->svc[i].type : m->svc[i].mode);
		return n;
	}
	if (!strcmp(dim, "outcome")) {
		int ret = m->closure && !strcmp(m->closure, "Returned");
		int rein = (m->closure && !strcmp(m->closure, "Reintegrated")) ||
			   (m->stage && !strcmp(m->stage, "ReturnedReintegrated"));
		for (int i = 0; i < m->nsvc; i++) {
			ret |= !strcmp(m->svc[i].type, "Return");
			rein |= !strcmp(m->svc[i].type, "Reintegration");
		}
		if (m->nref || (m->stage && !strcmp(m->stage, "Referred")))
			out[n++] = "Referred";
		if (m->nsvc || (m->stage && !strcmp(m->stage, "Assisted")))
			out[n++] = "Assisted";
		if (ret)
			out[n++] = "Returned";
		if (rein)
			out[n++] = "Reintegrated";
		return n;
	}
	if (!strcmp(dim, "days_to_service")) {
		const char *base = m->idd[0] ? m->idd : m->reg[0] ? m->reg : NULL, *first = NULL;
		int64_t d;
		for (int i = 0; i < m->nsvc; i++)
			if (m->svc[i].start[0] && (!first || strcmp(m->svc[i].start, first) < 0))
				first = m->svc[i].start;
		if (!base || !first || (d = day_number(first) - day_number(base)) < 0)
			return 0;
		out[0] = d <= 7 ? "0-7" : d <= 30 ? "8-30" : d <= 90 ? "31-90" : "91+";
		return 1;
	}
	if (!strcmp(dim, "route_origin")) {
		const char *c = first_event_country(m, "Recruitment");
		if (!c && m->nnat) { /* the first nationality in list order */
			c = m->nat[0];
			if (m->nnat > 1 && vocab_find("country", m->nat[1])->index < vocab_find("country", c)->index)
				c = m->nat[1];
		}
		return add_value(out, 0, c);
	}
	if (!strcmp(dim, "route_transit")) {
		for (int i = 0; i < m->nevt; i++)
			if (!strcmp(m->evt[i].type, "Transit"))
				n = add_value(out, n, m->evt[i].country);
		return n;
	}
	if (!strcmp(dim, "route_destination"))
		return add_value(out, 0, m->cexp ? m->cexp : first_event_country(m, "Exploitation"));
	fail_msg("no brute force for %s", dim);
	return 0;
}

static int in_pool_org(const char *org, const int *pool)
{
	for (size_t i = 0; i < N(orgs); i++)
		if (!strcmp(orgs[i], org))
			return pool[i];
	return 0;
}

static int consent_given(const struct model *m)
{
	const struct cons *best = NULL;
	for (int i = 0; i < m->ncons; i++)
		if (!strcmp(m->cons[i].scope, "StatisticalUse") && (!best || strcmp(m->cons[i].date, best->date) >= 0))
			best = &m->cons[i];
	return best && best->given;
}

/* Which cases q selects, by brute force; *merged as duplicates_merged. */
static void brute_select(struct fixture *f, const struct stats_query *q, const int *pool, char *sel,
			 int64_t *merged)
{
	*merged = 0;
	for (int i = 0; i < f->n; i++) {
		struct model *m = &f->m[i];
		const char *v[8];
		int ok = m->alive, dup = 0;
		if (ok && q->scope == STATS_SCOPE_ORG)
			ok = !strcmp(m->org, q->org_code);
		if (ok && q->scope == STATS_SCOPE_NATIONAL) {
			ok = in_pool_org(m->org, pool) && consent_given(m);
			for (int j = 0; ok && m->match && j < f->n; j++) {
				struct model *o = &f->m[j];
				if (o->alive && o->id < m->id && o->match && !strcmp(o->match, m->match) &&
				    in_pool_org(o->org, pool) && consent_given(o))
					dup = 1;
			}
		}
		if (ok && q->year) {
			char y[8];
			snprintf(y, sizeof(y), "%d", q->year);
			ok = values_of(m, "year", v) && !strcmp(v[0], y);
		}
		for (int k = 0; ok && k < q->nfilters; k++) {
			int nv = values_of(m, q->filters[k].dim, v), hit = 0;
			for (int a = 0; a < q->filters[k].nvalues; a++) {
				const char *want = q->filters[k].values[a];
				if (!strcmp(want, "unknown"))
					hit |= nv == 0;
				for (int b = 0; b < nv; b++)
					hit |= !strcmp(v[b], want);
			}
			ok = hit;
		}
		if (ok && dup) {
			(*merged)++;
			ok = 0;
		}
		sel[i] = (char)ok;
	}
}

static int strcmp_p(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Rows as sorted "v1|v2=count" lines, then "total=N". */
static char *brute_table(struct fixture *f, const struct stats_query *q, const int *pool, int64_t *merged)
{
	char sel[MAXCASES];
	char **keys = calloc(20000, sizeof(char *));
	int64_t *counts = calloc(20000, sizeof(int64_t)), total = 0;
	size_t nkeys = 0;
	struct strbuf sb = STRBUF_INIT;

	brute_select(f, q, pool, sel, merged);
	for (int i = 0; i < f->n; i++) {
		const char *v[STATS_MAX_DIMS][8];
		int nv[STATS_MAX_DIMS], at[STATS_MAX_DIMS] = { 0 }, d;
		if (!sel[i])
			continue;
		total++;
		for (d = 0; d < q->ndims; d++)
			if (!(nv[d] = values_of(&f->m[i], q->dims[d], v[d]))) {
				v[d][0] = "?";
				nv[d] = 1;
			}
		for (;;) {
			char key[256] = "";
			size_t k;
			for (d = 0; d < q->ndims; d++) {
				strcat(key, d ? "|" : "");
				strcat(key, v[d][at[d]]);
			}
			for (k = 0; k < nkeys && strcmp(keys[k], key); k++)
				;
			if (k == nkeys)
				keys[nkeys++] = strdup(key);
			counts[k]++;
			for (d = q->ndims - 1; d >= 0 && ++at[d] == nv[d]; d--)
				at[d] = 0;
			if (d < 0)
				break;
		}
	}
	for (size_t k = 0; k < nkeys; k++) {
		char *line = malloc(300);
		snprintf(line, 300, "%s=%lld", keys[k], (long long)counts[k]);
		free(keys[k]);
		keys[k] = line;
	}
	qsort(keys, nkeys, sizeof(char *), strcmp_p);
	for (size_t k = 0; k < nkeys; k++) {
		strbuf_addf(&sb, "%s\n", keys[k]);
		free(keys[k]);
	}
	strbuf_addf(&sb, "total=%lld\n", (long long)total);
	free(keys);
	free(counts);
	return strbuf_detach(&sb);
}

static char *engine_table(const struct stats_table *t)
{
	char **lines = calloc(t->nrows + 1, sizeof(char *));
	struct strbuf sb = STRBUF_INIT;
	for (size_t r = 0; r < t->nrows; r++) {
		struct strbuf l = STRBUF_INIT;
		for (int c = 0; c < t->ncolumns; c++) {
			const char *code = t->columns[c].values[t->rows[r].value[c]].code;
			strbuf_addstr(&l, c ? "|" : "");
			strbuf_addstr(&l, code ? code : "?");
		}
		strbuf_addf(&l, "=%lld", (long long)t->rows[r].count);
		lines[r] = strbuf_detach(&l);
	}
	qsort(lines, t->nrows, sizeof(char *), strcmp_p);
	for (size_t r = 0; r < t->nrows; r++) {
		strbuf_addf(&sb, "%s\n", lines[r]);
		free(lines[r]);
	}
	strbuf_addf(&sb, "total=%lld\n", (long long)t->total_victims);
	free(lines);
	return strbuf_detach(&sb);
}

static const int pool_default[3] = { 1, 1, 0 };

/* Compare e's (or, e NULL, stats_compute's) answer to q with the brute force. */
static void check_query(struct fixture *f, struct stats_engine *e, const struct stats_query *q, const int *pool)
{
	struct stats_table t;
	struct sanad_error err = { 0 };
	int64_t merged;
	char *want = brute_table(f, q, pool, &merged), *got;
	int rc = e ? stats_engine_compute(e, f->st, q, &t, &err) : stats_compute(f->st, q, &t, &err);
	if (rc)
		fail_msg("compute: %s", err.message);
	got = engine_table(&t);
	if (strcmp(want, got)) {
		fprintf(stderr, "query by %s%s%s year %d scope %d filters %d\nwant:\n%s\ngot:\n%s\n", q->dims[0],
			q->ndims > 1 ? "," : "", q->ndims > 1 ? q->dims[1] : "", q->year, (int)q->scope, q->nfilters,
			want, got);
		fail();
	}
	assert_int_equal(t.duplicates_merged, merged);
	assert_int_equal(t.scope, q->scope);
	stats_table_release(&t);
	free(want);
	free(got);

	/* the cases selected, for those who count something else of them */
	{
		char sel[MAXCASES];
		uint32_t *ids;
		size_t n, k = 0;
		brute_select(f, q, pool, sel, &merged);
		if (e ? stats_engine_select(e, f->st, q, &ids, &n, &err) : stats_select(f->st, q, &ids, &n, NULL, &err))
			fail_msg("select: %s", err.message);
		for (int i = 0; i < f->n; i++) /* models are in id order */
			if (sel[i]) {
				assert_true(k < n);
				assert_int_equal(ids[k], f->m[i].id);
				k++;
			}
		assert_int_equal(k, n);
		free(ids);
	}
}

static const char *const all_dims[] = { "year", "sex", "nationality", "exploitation", "organisation",
					"service_type", "service_mode", "outcome", "days_to_service",
					"route_origin", "route_transit", "route_destination" };

/* A random query: 1-3 dimensions, maybe a year, a scope, 0-2 filters. */
struct rquery {
	const char *dims[3];
	const char *values[2][3];
	struct stats_filter filters[2];
	struct stats_query q;
};

static void random_query(struct fixture *f, struct rquery *r)
{
	memset(r, 0, sizeof(*r));
	r->q.dims = r->dims;
	r->q.ndims = 1 + (int)rnd(f, 3);
	for (int d = 0; d < r->q.ndims; d++) {
		int again;
		do {
			r->dims[d] = all_dims[rnd(f, N(all_dims))];
			again = 0;
			for (int k = 0; k < d; k++)
				again |= r->dims[k] == r->dims[d];
		} while (again);
	}
	r->q.year = rnd(f, 3) ? 0 : 2019 + (int)rnd(f, 3);
	r->q.scope = (enum stats_scope)rnd(f, 3);
	if (r->q.scope == STATS_SCOPE_ORG)
		r->q.org_code = orgs[rnd(f, N(orgs))];
	r->q.nfilters = (int)rnd(f, 3);
	for (int k = 0; k < r->q.nfilters; k++) {
		const char *dim = all_dims[1 + rnd(f, N(all_dims) - 1)];
		int nv = 1 + (int)rnd(f, 2);
		for (int a = 0; a < nv; a++) {
			/* a value some case has, or unknown */
			struct model *m = &f->m[rnd(f, (unsigned)f->n)];
			const char *v[8];
			int n = values_of(m, dim, v);
			r->values[k][a] = n ? v[rnd(f, (unsigned)n)] : "unknown";
			if (n && !strcmp(dim, "year"))
				r->values[k][a] = "2020";
		}
		r->filters[k].dim = dim;
		r->filters[k].values = r->values[k];
		r->filters[k].nvalues = nv;
	}
	r->q.filters = r->filters;
	/* small parts, so the build runs several threads and merges them */
	r->q.threads = 3;
	r->q.min_per_thread = 50;
}

static void random_queries(struct fixture *f, struct stats_engine *e, int n)
{
	for (int i = 0; i < n; i++) {
		struct rquery r;
		random_query(f, &r);
		check_query(f, e, &r.q, pool_default);
	}
}

static void engine_equals_brute_force(void **state)
{
	struct fixture *f = *state;
	struct stats_engine *e;
	struct sanad_error err = { 0 };
	assert_int_equal(stats_engine_open(&e, &err), 0);
	random_queries(f, e, 150);
	/* many cells: the leaf is counted in one pass over the cases (engine.c) */
	{
		const char *by[] = { "nationality", "route_origin", "route_destination" };
		const char *female[] = { "Female" };
		struct stats_filter flt = { "sex", female, 1 };
		struct stats_query q = { by, 3, 0 };
		check_query(f, e, &q, pool_default);
		q.filters = &flt;
		q.nfilters = 1;
		check_query(f, e, &q, pool_default);
		check_query(f, NULL, &q, pool_default);
	}
	/* every dimension alone, every scope */
	for (size_t d = 0; d < N(all_dims); d++)
		for (int s = 0; s < 3; s++) {
			struct stats_query q = { &all_dims[d], 1, 0, 0, 0, (enum stats_scope)s, "ngo-b", NULL, 0 };
			check_query(f, e, &q, pool_default);
			check_query(f, NULL, &q, pool_default);
		}
	stats_engine_close(e);
}

static void changes_are_seen(void **state)
{
	struct fixture *f = *state;
	struct stats_engine *e;
	struct sanad_error err = { 0 };
	const char *by[] = { "sex", "service_type", "outcome" };
	struct stats_query q = { by, 3, 0 };
	int64_t last;

	assert_int_equal(stats_engine_open(&e, &err), 0);
	check_query(f, e, &q, pool_default);
	/* new cases above the mark */
	for (int i = 0; i < 10; i++, f->n++) {
		random_case(f, &f->m[f->n]);
		insert_model(f, &f->m[f->n]);
	}
	check_query(f, e, &q, pool_default);
	/* updates of a case field and of repeating parts */
	f->m[3].sex = "Male";
	f->m[3].nsvc = 1;
	f->m[3].svc[0].type = "Reintegration";
	f->m[3].svc[0].mode = "Phone";
	update_model(f, &f->m[3]);
	f->m[7].nsvc = 0;
	f->m[7].nref = 0;
	f->m[7].stage = NULL;
	f->m[7].closure = NULL;
	update_model(f, &f->m[7]);
	check_query(f, e, &q, pool_default);
	random_queries(f, e, 20);
	/* the highest id deleted, then a new case */
	last = f->m[f->n - 1].id;
	{
		char q2[96];
		snprintf(q2, sizeof(q2), "PRAGMA foreign_keys = ON; DELETE FROM cases WHERE id = %lld", (long long)last);
		sql(f, q2);
	}
	f->m[f->n - 1].alive = 0;
	check_query(f, e, &q, pool_default);
	reopen(f);
	random_case(f, &f->m[f->n]);
	f->m[f->n].sex = "Transgender";
	insert_model(f, &f->m[f->n]);
	/* storage never gives a new case an id the engine has read already
	 * (no insert is logged), even the deleted highest one */
	assert_true(f->m[f->n].id > last);
	/* models stay in id order: the dead one goes */
	f->m[f->n - 1] = f->m[f->n];
	check_query(f, e, &q, pool_default);
	random_queries(f, e, 20);
	/* the same through a new engine every time */
	random_queries(f, NULL, 10);
	stats_engine_close(e);
}

/* A new engine counting by q's first dimension shows code: a value only the
 * saved bitmaps hold proves it loaded them instead of scanning. */
static void saved_value_shows(struct fixture *f, const struct stats_query *q, const char *code)
{
	struct stats_engine *e;
	struct stats_table t;
	struct sanad_error err = { 0 };
	int found = 0;
	assert_int_equal(stats_engine_open(&e, &err), 0);
	assert_int_equal(stats_engine_compute(e, f->st, q, &t, &err), 0);
	for (int v = 0; v < t.columns[0].nvalues; v++)
		found |= t.columns[0].values[v].code && !strcmp(t.columns[0].values[v].code, code);
	assert_true(found);
	stats_table_release(&t);
	stats_engine_close(e);
}

static void saved_bitmaps_are_used(void **state)
{
	struct fixture *f = *state;
	struct stats_engine *e;
	struct sanad_error err = { 0 };
	const char *by[] = { "sex" };
	struct stats_query q = { by, 1, 0 };
	int64_t seq_saved;

	assert_int_equal(stats_engine_open(&e, &err), 0);
	check_query(f, e, &q, pool_default);
	stats_engine_close(e);
	/* built from a scan, so saved: a row per value and the state */
	assert_true(test_sql_int(f->path, "SELECT count(*) FROM stats_bitmap WHERE dim = 'sex'") >= 3);
	seq_saved = test_sql_int(f->path, "SELECT seq FROM stats_bitmap_state WHERE dim = 'sex'");
	assert_true(seq_saved >= 0);
	assert_int_equal(test_sql_int(f->path, "SELECT mark FROM stats_mark"),
			 test_sql_int(f->path, "SELECT max(id) FROM cases"));
	/* a change logged after the save ... */
	f->m[11].sex = f->m[11].sex && !strcmp(f->m[11].sex, "Female") ? "Male" : "Female";
	update_model(f, &f->m[11]);
	assert_true(test_sql_int(f->path, "SELECT max(seq) FROM stats_change") > seq_saved);
	/* ... and a saved value no scan could produce: a new engine that shows
	 * it loaded the saved bitmaps instead of scanning */
	sql(f, "INSERT INTO stats_bitmap (dim, code, bitmap) SELECT dim, 'Zzz', bitmap FROM stats_bitmap "
	       "WHERE dim = 'sex' AND code = 'Transgender'");
	saved_value_shows(f, &q, "Zzz");
	sql(f, "DELETE FROM stats_bitmap WHERE code = 'Zzz'");
	/* loaded, then brought up to date with the logged change */
	assert_int_equal(stats_engine_open(&e, &err), 0);
	check_query(f, e, &q, pool_default);
	stats_engine_close(e);
	check_query(f, NULL, &q, pool_default);
}

/* Insert n new models in st's open transaction, feeding each (feed may be
 * NULL, or skip the case numbered unfed). */
static void insert_fed(struct fixture *f, struct stats_feed *feed, int n, int unfed)
{
	for (int i = 0; i < n; i++, f->n++) {
		random_case(f, &f->m[f->n]);
		insert_model_fed(f, &f->m[f->n], i != unfed ? feed : NULL);
	}
}

/* An import builds the indexes from its records as it writes them
 * (stats_feed): what it saves counts exactly what a scan would, the log
 * watches the new cases from the commit on, and a feed that missed a case,
 * or whose transaction rolled back, saves nothing. */
static void fed_indexes_equal_a_scan(void **state)
{
	struct fixture *f = *state;
	static const char *const fed[] = { "year", "sex", "nationality", "exploitation" };
	const char *by[] = { "sex", "nationality" }, *by2[] = { "year", "exploitation" };
	struct stats_query q = { by, 2, 0 }, q2 = { by2, 2, 0 };
	struct stats_engine *e;
	struct stats_feed *feed;
	struct sanad_error err = { 0 };
	int64_t saved_seq;

	/* cases the saved indexes do not hold yet are read when the feed begins */
	assert_int_equal(stats_engine_open(&e, &err), 0);
	assert_int_equal(storage_begin(f->st, &err), 0);
	assert_int_equal(stats_feed_begin(e, f->st, fed, (int)N(fed), &feed, &err), 0);
	insert_fed(f, feed, 40, -1);
	assert_int_equal(stats_feed_committing(feed, f->st, &err), 0);
	assert_int_equal(storage_commit(f->st, &err), 0);
	assert_int_equal(stats_feed_end(feed, 1, &err), 0);
	stats_engine_close(e);
	/* saved by the feed (nothing else ran): marks at the last case */
	for (size_t d = 0; d < N(fed); d++) {
		char q3[128];
		snprintf(q3, sizeof(q3), "SELECT mark FROM stats_bitmap_state WHERE dim = '%s'", fed[d]);
		assert_int_equal(test_sql_int(f->path, q3), test_sql_int(f->path, "SELECT max(id) FROM cases"));
	}
	assert_int_equal(test_sql_int(f->path, "SELECT mark FROM stats_mark"),
			 test_sql_int(f->path, "SELECT max(id) FROM cases"));
	/* a value only the saved bitmaps hold shows they are what a new engine uses */
	sql(f, "INSERT INTO stats_bitmap (dim, code, bitmap) SELECT dim, 'Zzz', bitmap FROM stats_bitmap "
	       "WHERE dim = 'sex' AND code = 'Female'");
	saved_value_shows(f, &q, "Zzz");
	sql(f, "DELETE FROM stats_bitmap WHERE code = 'Zzz'");
	check_query(f, NULL, &q, pool_default);
	check_query(f, NULL, &q2, pool_default);
	/* a fed case changed after the commit is logged, so counted as it is now */
	saved_seq = test_sql_int(f->path, "SELECT seq FROM stats_bitmap_state WHERE dim = 'sex'");
	f->m[f->n - 1].sex = f->m[f->n - 1].sex && !strcmp(f->m[f->n - 1].sex, "Male") ? "Female" : "Male";
	update_model(f, &f->m[f->n - 1]);
	assert_true(test_sql_int(f->path, "SELECT max(seq) FROM stats_change") > saved_seq);
	check_query(f, NULL, &q, pool_default);

	/* a case written but not fed: the feed says so and saves nothing */
	saved_seq = test_sql_int(f->path, "SELECT mark FROM stats_bitmap_state WHERE dim = 'sex'");
	assert_int_equal(stats_engine_open(&e, &err), 0);
	assert_int_equal(storage_begin(f->st, &err), 0);
	assert_int_equal(stats_feed_begin(e, f->st, fed, (int)N(fed), &feed, &err), 0);
	insert_fed(f, feed, 5, 2);
	assert_int_equal(stats_feed_committing(feed, f->st, &err), 0);
	assert_int_equal(storage_commit(f->st, &err), 0);
	assert_int_not_equal(stats_feed_end(feed, 1, &err), 0);
	assert_non_null(strstr(err.message, "missed"));
	stats_engine_close(e);
	assert_int_equal(test_sql_int(f->path, "SELECT mark FROM stats_bitmap_state WHERE dim = 'sex'"), saved_seq);
	check_query(f, NULL, &q, pool_default);

	/* rolled back: nothing saved, nothing counted */
	assert_int_equal(stats_engine_open(&e, &err), 0);
	assert_int_equal(storage_begin(f->st, &err), 0);
	assert_int_equal(stats_feed_begin(e, f->st, fed, (int)N(fed), &feed, &err), 0);
	insert_fed(f, feed, 5, -1);
	storage_rollback(f->st);
	f->n -= 5;
	assert_int_equal(stats_feed_end(feed, 0, &err), 0);
	check_query(f, e, &q2, pool_default);
	stats_engine_close(e);
	check_query(f, NULL, &q2, pool_default);

	/* only dimensions kept in a case column can be fed */
	{
		static const char *const odd[] = { "sex", "route_origin" };
		assert_int_equal(stats_engine_open(&e, &err), 0);
		assert_int_equal(storage_begin(f->st, &err), 0);
		assert_int_not_equal(stats_feed_begin(e, f->st, odd, 2, &feed, &err), 0);
		assert_non_null(strstr(err.message, "route_origin"));
		storage_rollback(f->st);
		stats_engine_close(e);
	}
}

static void national_pool_rules(void **state)
{
	struct fixture *f = *state;
	struct stats_engine *e;
	struct sanad_error err = { 0 };
	const char *by[] = { "organisation", "sex" };
	struct stats_query q = { by, 2, 0, 0, 0, STATS_SCOPE_NATIONAL, NULL, NULL, 0 };
	int pool[3] = { 1, 1, 0 };
	struct stats_table t;
	int a = -1, b = -1;

	assert_int_equal(stats_engine_open(&e, &err), 0);
	check_query(f, e, &q, pool);
	/* an organisation leaves the pool: its cases go at once */
	set_pool(f, "ngo-b", 0);
	pool[1] = 0;
	check_query(f, e, &q, pool);
	set_pool(f, "ngo-b", 1);
	pool[1] = 1;
	check_query(f, e, &q, pool);
	/* two pooled cases of different organisations: the same person */
	for (int i = 0; i < f->n; i++) {
		struct model *m = &f->m[i];
		if (!m->alive || !consent_given(m) || !in_pool_org(m->org, pool))
			continue;
		if (a < 0 && !strcmp(m->org, "ngo-a"))
			a = i;
		else if (b < 0 && !strcmp(m->org, "ngo-b"))
			b = i;
	}
	assert_true(a >= 0 && b >= 0);
	f->m[a].match = f->m[b].match = "0123456789abcdef0123456789abcdef";
	assert_int_equal(storage_case_set_match_key(f->st, f->m[a].id, f->m[a].match, &err), 0);
	assert_int_equal(storage_case_set_match_key(f->st, f->m[b].id, f->m[b].match, &err), 0);
	check_query(f, e, &q, pool);
	assert_int_equal(stats_engine_compute(e, f->st, &q, &t, &err), 0);
	assert_int_equal(t.duplicates_merged, 1);
	stats_table_release(&t);
	/* consent revoked: a later StatisticalUse item, not given */
	{
		struct model *m = &f->m[a < b ? a : b];
		int64_t before;
		assert_int_equal(stats_engine_compute(e, f->st, &q, &t, &err), 0);
		before = t.total_victims;
		stats_table_release(&t);
		m->cons[m->ncons].scope = "StatisticalUse";
		m->cons[m->ncons].given = 0;
		strcpy(m->cons[m->ncons].date, "2024-01-01");
		m->ncons++;
		update_model(f, m);
		check_query(f, e, &q, pool);
		/* the other record of the person now stands for them: same total */
		assert_int_equal(stats_engine_compute(e, f->st, &q, &t, &err), 0);
		assert_int_equal(t.total_victims, before);
		assert_int_equal(t.duplicates_merged, 0);
		stats_table_release(&t);
	}
	random_queries(f, e, 30);
	stats_engine_close(e);
}

static void bad_scopes_and_filters(void **state)
{
	struct fixture *f = *state;
	struct sanad_error err = { 0 };
	const char *by[] = { "sex" };
	const char *bad[] = { "Purple" }, *fine[] = { "female", "unknown" };
	struct stats_filter flt = { "sex", bad, 1 }, nodim = { "colour", fine, 1 }, ok = { "gender", fine, 2 };
	struct stats_query q = { by, 1, 0, 0, 0, STATS_SCOPE_ORG, "nobody", NULL, 0 };
	struct stats_table t;
	uint32_t *ids;
	size_t n;

	assert_int_equal(stats_compute(f->st, &q, &t, &err), SANAD_ENOTFOUND);
	assert_non_null(strstr(err.message, "nobody"));
	stats_table_release(&t);
	assert_int_equal(stats_select(f->st, &q, &ids, &n, NULL, &err), SANAD_ENOTFOUND);
	q.scope = STATS_SCOPE_ALL;
	q.filters = &flt;
	q.nfilters = 1;
	assert_int_equal(stats_compute(f->st, &q, &t, &err), SANAD_EINVAL);
	assert_non_null(strstr(err.message, "Purple"));
	assert_non_null(strstr(err.message, "sex"));
	stats_table_release(&t);
	q.filters = &nodim;
	assert_int_equal(stats_compute(f->st, &q, &t, &err), SANAD_EINVAL);
	assert_non_null(strstr(err.message, "colour"));
	stats_table_release(&t);
	/* labels and aliases are accepted, any case; "unknown" selects cases without */
	q.filters = &ok;
	assert_int_equal(stats_compute(f->st, &q, &t, &err), 0);
	for (size_t r = 0; r < t.nrows; r++) {
		const char *code = t.columns[0].values[t.rows[r].value[0]].code;
		assert_true(!code || !strcmp(code, "Female"));
	}
	stats_table_release(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(engine_equals_brute_force, setup, teardown),
		cmocka_unit_test_setup_teardown(changes_are_seen, setup, teardown),
		cmocka_unit_test_setup_teardown(saved_bitmaps_are_used, setup, teardown),
		cmocka_unit_test_setup_teardown(fed_indexes_equal_a_scan, setup, teardown),
		cmocka_unit_test_setup_teardown(national_pool_rules, setup, teardown),
		cmocka_unit_test_setup_teardown(bad_scopes_and_filters, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
