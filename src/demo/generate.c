/*
 * demo/generate.c: the run: case numbers to dates, the sticky-error field
 * setters the other files use, and storing the cases in batches.
 *
 * Case i of n is generated from its own random stream (the seed mixed with
 * i), so a case does not depend on how many came before it, except for
 * re-trafficking, which links a case to an earlier closed one of the same
 * run.  Registration dates follow the case number through 2015-2025 with a
 * yearly volume that grows, dips in 2020 (identification fell during the
 * COVID-19 lockdowns) and recovers, so references and dates rise together
 * as in a real register.  The demo's "today" is 2025-12-31: cases older
 * than a few months are mostly closed, recent ones active.
 *
 * Every value goes through record_set (the same normalisation as any
 * input), every case through case_record_derive and case_record_validate,
 * and a failure is reported with the case number: a demo case that fails
 * validation is a bug in the demo module.
 */
#include "demo/demo_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* cases per transaction: bounded WAL growth, and a failure loses one batch */
#define BATCH_CASES 50000

/* relative number of cases registered each year, DEMO_FIRST_YEAR.. */
static const int year_weight[DEMO_LAST_YEAR - DEMO_FIRST_YEAR + 1] = { 55, 62, 70, 78, 85, 58, 74, 90, 100,
									108, 115 };

/* ---- dates as day numbers ---- */

long gen_days_of(int y, int m, int d)
{
	struct sanad_date t = { y, m, d };
	return date_to_days(&t);
}

struct sanad_date gen_date_of(long z)
{
	/* days since 1970-01-01 to a civil date (H. Hinnant's algorithm) */
	struct sanad_date out;
	long era, doe, yoe, doy, mp;
	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	out.day = (int)(doy - (153 * mp + 2) / 5 + 1);
	out.month = (int)(mp < 10 ? mp + 3 : mp - 9);
	out.year = (int)(yoe + era * 400 + (out.month <= 2));
	return out;
}

const char *gen_day_text(long z, char buf[11])
{
	struct sanad_date d = gen_date_of(z);
	date_format(&d, buf);
	return buf;
}

/* ---- setting values through the registry ---- */

static int field_index(struct gen *g, enum group_id grp, const char *name)
{
	size_t n = sizeof(g->slots) / sizeof(g->slots[0]);
	size_t h = (((uintptr_t)name >> 3) ^ (size_t)grp) % n;
	for (size_t k = 0; k < n; k++) {
		struct field_slot *s = &g->slots[(h + k) % n];
		if (!s->name) {
			s->name = name;
			s->group = grp;
			s->index = domain_field_index(grp, name);
			return s->index;
		}
		if (s->name == name && s->group == (int)grp)
			return s->index;
	}
	return domain_field_index(grp, name);
}

/* Set field of rec (an item of grp) from text; NULL leaves it unknown.
 * The first failure sticks in g->rc and later calls do nothing. */
void gen_put(struct gen *g, enum group_id grp, struct record *rec, const char *field, const char *value)
{
	int i;
	if (g->rc || !value)
		return;
	i = field_index(g, grp, field);
	if (i < 0) {
		g->rc = sanad_error_set(g->err, SANAD_EINVAL, "demo: internal: no field %s", field);
		return;
	}
	if ((g->rc = record_set(rec, grp, i, value, g->err)))
		sanad_error_prefix(g->err, "demo case %ld: ", g->index + 1);
}

void gen_set(struct gen *g, const char *field, const char *value)
{
	gen_put(g, GROUP_CASE, &g->c.main, field, value);
}

void gen_set_int(struct gen *g, const char *field, long v)
{
	char buf[24];
	snprintf(buf, sizeof(buf), "%ld", v);
	gen_set(g, field, buf);
}

void gen_set_day(struct gen *g, const char *field, long day)
{
	char buf[11];
	gen_set(g, field, gen_day_text(day, buf));
}

struct record *gen_item(struct gen *g, enum group_id grp)
{
	return case_record_add_item(&g->c, grp);
}

/* ---- choosing ---- */

int gen_pick_index(struct rng *r, const int *weights, int n)
{
	uint32_t total = 0, x;
	for (int i = 0; i < n; i++)
		total += (uint32_t)weights[i];
	x = rng_below(r, total ? total : 1);
	for (int i = 0; i < n; i++) {
		if (x < (uint32_t)weights[i])
			return i;
		x -= (uint32_t)weights[i];
	}
	return 0;
}

/* Up to max distinct values from list joined by ';' into out (at least min). */
const char *gen_several(struct rng *r, const char *const *list, int min, int max, char *out, size_t size)
{
	int n = 0, want;
	unsigned used = 0;
	while (list[n])
		n++;
	want = rng_range(r, min, max < n ? max : n);
	out[0] = '\0';
	for (int k = 0; k < want; k++) {
		int i = (int)rng_below(r, (uint32_t)n);
		if (used & (1u << i))
			continue;
		used |= 1u << i;
		if (out[0])
			strncat(out, ";", size - strlen(out) - 1);
		strncat(out, list[i], size - strlen(out) - 1);
	}
	return out[0] ? out : NULL;
}

int gen_year_index(int year)
{
	return year < DEMO_FIRST_YEAR ? 0 : year > DEMO_LAST_YEAR ? DEMO_LAST_YEAR - DEMO_FIRST_YEAR : year - DEMO_FIRST_YEAR;
}
static long registration_day(struct gen *g)
{
	uint64_t total = 0, x;
	long start = gen_days_of(DEMO_FIRST_YEAR, 1, 1), end = gen_days_of(DEMO_LAST_YEAR, 12, 31), day = start;
	for (int y = 0; y <= DEMO_LAST_YEAR - DEMO_FIRST_YEAR; y++)
		total += (uint64_t)year_weight[y];
	/* position of case index in the run, scaled to the weighted years */
	x = (uint64_t)(((double)g->index + 0.5) / (double)g->n * (double)total * 1000000.0);
	for (int y = 0; y <= DEMO_LAST_YEAR - DEMO_FIRST_YEAR; y++) {
		uint64_t w = (uint64_t)year_weight[y] * 1000000u;
		if (x < w || y == DEMO_LAST_YEAR - DEMO_FIRST_YEAR) {
			long y0 = gen_days_of(DEMO_FIRST_YEAR + y, 1, 1), y1 = gen_days_of(DEMO_FIRST_YEAR + y + 1, 1, 1);
			day = y0 + (long)((double)(x < w ? x : w - 1) / (double)w * (double)(y1 - y0));
			break;
		}
		x -= w;
	}
	day += rng_range(&g->r, -3, 3);
	return day < start ? start : day > end ? end : day;
}

void gen_copy(char *dst, size_t size, const char *src)
{
	snprintf(dst, size, "%s", src ? src : "");
}
int gen_org_index(struct gen *g, const char *code)
{
	for (int i = 0; i < g->norgs; i++)
		if (!strcmp(g->orgs[i].code, code))
			return i;
	return 0;
}
static int pick_profile(struct gen *g)
{
	int w[16];
	for (int i = 0; i < g->nprofiles && i < 16; i++)
		w[i] = g->profiles[i].weight;
	return gen_pick_index(&g->r, w, g->nprofiles < 16 ? g->nprofiles : 16);
}

/* About 3% of people are recorded again by a second organisation (a
 * referral that opened a new file rather than joining the first): the same
 * birth date and nationality, the name sometimes in the other script or
 * with the family name first.  The choice uses its own random stream, so
 * the cases that are not such second records stay exactly as they were. */
static void maybe_second_record(struct gen *g, struct facts *f)
{
	struct rng d;
	const struct recent_person *p = NULL;
	struct person_name name;
	struct sanad_date b, at;
	size_t start;

	rng_seed(&d, g->seed ^ (0xd1b54a32d192ed03ull * (uint64_t)(g->index + 1)));
	if (!rng_chance(&d, 0.03) || !f->birth || !g->recent_count || case_get(&g->c, "snd_PreviousCaseRef"))
		return;
	/* someone recent of the same sex, nationality and majority, recorded
	 * by another organisation, so the rest of this case still fits them */
	start = rng_below(&d, (uint32_t)g->recent_count);
	for (size_t k = 0; k < g->recent_count && !p; k++) {
		const struct recent_person *c = &g->recent[(start + k) % g->recent_count];
		if (c->org != f->org && !strcmp(c->gender, f->gender) && !strcmp(c->nationality, f->nationality) &&
		    c->adult == (f->age >= 18))
			p = c;
	}
	if (!p || date_parse(p->birth, &b, NULL))
		return;
	at = gen_date_of(f->ident);
	if ((date_years_between(&b, &at) >= 18) != (f->age >= 18))
		return;
	name = p->name;
	if (rng_chance(&d, 0.4)) {
		demo_name_other_script(&d, &p->name, &name);
	} else if (rng_chance(&d, 0.5)) {
		/* family name written first */
		gen_copy(name.first, sizeof(name.first), p->name.family);
		gen_copy(name.family, sizeof(name.family), p->name.first);
	}
	f->name = name;
	gen_copy(f->birth_text, sizeof(f->birth_text), p->birth);
	gen_copy(f->citizenship, sizeof(f->citizenship), p->citizenship);
	f->birth = date_to_days(&b);
	f->age = date_years_between(&b, &at);
	gen_set(g, "prs_FirstName", name.first);
	gen_set(g, "prs_MiddleName", name.middle[0] ? name.middle : NULL);
	gen_set(g, "prs_SecondName", name.family);
	gen_set(g, "prs_Birthdate", p->birth);
	gen_set(g, "prs_Citizenship", p->citizenship[0] ? p->citizenship : NULL);
}

static void remember_recent(struct gen *g, const struct facts *f)
{
	struct recent_person *p;
	if (!f->birth || !f->birth_text[0])
		return;
	p = &g->recent[g->recent_next];
	g->recent_next = (g->recent_next + 1) % DEMO_RECENT_SIZE;
	if (g->recent_count < DEMO_RECENT_SIZE)
		g->recent_count++;
	p->name = f->name;
	gen_copy(p->birth, sizeof(p->birth), f->birth_text);
	gen_copy(p->gender, sizeof(p->gender), f->gender);
	gen_copy(p->citizenship, sizeof(p->citizenship), f->citizenship);
	gen_copy(p->nationality, sizeof(p->nationality), f->nationality);
	p->org = f->org;
	p->adult = f->age >= 18;
}

/* Build case g->index into g->c and insert it. */
static int gen_one(struct gen *g)
{
	struct facts f;
	int rc;

	memset(&f, 0, sizeof(f));
	rng_seed(&g->r, g->seed ^ (0x9e3779b97f4a7c15ull * (uint64_t)(g->index + 1)));
	case_record_init(&g->c);
	g->rc = 0;
	f.p = &g->profiles[pick_profile(g)];
	f.reg = registration_day(g);
	f.ident = f.reg - rng_range(&g->r, 0, 14);
	f.year = gen_date_of(f.reg).year;

	gen_person(g, &f);
	gen_pick_org(g, &f);
	maybe_second_record(g, &f);
	gen_route(g, &f);
	gen_recruitment(g, &f);
	gen_exploitation(g, &f);
	gen_handling(g, &f);
	gen_referral_and_consent(g, &f);
	gen_services(g, &f);
	gen_perpetrators(g, &f);
	gen_notes(g, &f);

	rc = g->rc;
	if (!rc) {
		case_record_derive(&g->c);
		if ((rc = case_record_validate(&g->c, g->err)))
			sanad_error_prefix(g->err, "demo case %ld: ", g->index + 1);
	}
	if (!rc && (rc = storage_case_insert(g->st, &g->c, g->err)))
		sanad_error_prefix(g->err, "demo case %ld: ", g->index + 1);
	if (!rc) {
		if (f.closed && !case_get(&g->c, "snd_PreviousCaseRef")) {
			struct past_case *pc = &g->pool[g->pool_next];
			g->pool_next = (g->pool_next + 1) % DEMO_POOL_SIZE;
			if (g->pool_count < DEMO_POOL_SIZE)
				g->pool_count++;
			gen_copy(pc->ref, sizeof(pc->ref), case_get(&g->c, "snd_CaseRef"));
			pc->closed = f.closed;
			pc->name = f.name;
			gen_copy(pc->birth, sizeof(pc->birth), f.birth_text);
			gen_copy(pc->gender, sizeof(pc->gender), f.gender);
			gen_copy(pc->citizenship, sizeof(pc->citizenship), f.citizenship);
			gen_copy(pc->nationality, sizeof(pc->nationality), f.nationality);
		}
		remember_recent(g, &f);
		if (!g->first_year || f.year < g->first_year)
			g->first_year = f.year;
		if (f.year > g->last_year)
			g->last_year = f.year;
	}
	case_record_release(&g->c);
	return rc;
}

static int add_orgs(struct gen *g, int *added)
{
	int rc = 0;
	*added = 0;
	if ((rc = storage_begin(g->st, g->err)))
		return rc;
	for (int i = 0; i < g->norgs && !rc; i++) {
		const struct demo_org *d = &g->orgs[i];
		struct organisation o = { 0 };
		rc = storage_org_get(g->st, d->code, &o, g->err);
		organisation_release(&o);
		if (rc != SANAD_ENOTFOUND)
			continue;
		o.code = (char *)d->code;
		o.name = (char *)d->name;
		o.name_ar = (char *)d->name_ar;
		o.org_type = (char *)d->org_type;
		o.country = (char *)"JO";
		o.in_pool = d->in_pool;
		rc = storage_org_add(g->st, &o, g->err);
		if (!rc)
			(*added)++;
	}
	if (rc) {
		storage_rollback(g->st);
		return rc;
	}
	return storage_commit(g->st, g->err);
}

/* Population figures of the demo country (Jordan) for every demo year, by
 * sex and minor/adult, with their sums, for SDG indicator 16.2.2: rounded
 * public estimates (about 9.3 million in 2015, growing by about 230,000 a
 * year; 51% male; 40% under 18).  Written again on every run (the figures
 * replace themselves), in one transaction of their own. */
static int add_population(struct storage *st, struct sanad_error *err)
{
	static const char *const sexes[2] = { "Female", "Male" }, *const ages[2] = { "Minor", "Adult" };
	struct population_entry e[(DEMO_LAST_YEAR - DEMO_FIRST_YEAR + 1) * 9];
	size_t n = 0;

	for (int y = DEMO_FIRST_YEAR; y <= DEMO_LAST_YEAR; y++) {
		int64_t cell[2][2], total = 0;
		int64_t all = 9270000 + (int64_t)(y - DEMO_FIRST_YEAR) * 230000;
		for (int s = 0; s < 2; s++)
			for (int a = 0; a < 2; a++) {
				double share = (s ? 0.51 : 0.49) * (a ? 0.60 : 0.40);
				cell[s][a] = (int64_t)((double)all * share / 1000.0 + 0.5) * 1000;
			}
		for (int s = 0; s < 2; s++)
			for (int a = 0; a < 2; a++) {
				e[n++] = (struct population_entry){ y, (char *)sexes[s], (char *)ages[a], cell[s][a],
								    (char *)"demo estimate", NULL };
				total += cell[s][a];
			}
		for (int s = 0; s < 2; s++)
			e[n++] = (struct population_entry){ y, (char *)sexes[s], (char *)"", cell[s][0] + cell[s][1],
							    (char *)"demo estimate", NULL };
		for (int a = 0; a < 2; a++)
			e[n++] = (struct population_entry){ y, (char *)"", (char *)ages[a], cell[0][a] + cell[1][a],
							    (char *)"demo estimate", NULL };
		e[n++] = (struct population_entry){ y, (char *)"", (char *)"", total, (char *)"demo estimate", NULL };
	}
	return storage_population_put(st, e, n, err);
}

int demo_generate(struct storage *st, const struct demo_options *opts, struct demo_result *res,
		  struct sanad_error *err)
{
	struct gen *g;
	int rc, added = 0;

	if (opts->cases < 0 || opts->cases > DEMO_MAX_CASES)
		return sanad_error_set(err, SANAD_ELIMIT, "cases: %ld is outside 0..%ld", opts->cases,
				       DEMO_MAX_CASES);
	g = xcalloc(1, sizeof(*g));
	g->st = st;
	g->err = err;
	g->seed = opts->seed;
	g->n = opts->cases;
	g->as_of = gen_days_of(DEMO_LAST_YEAR, 12, 31);
	g->orgs = demo_orgs(&g->norgs);
	g->profiles = demo_profiles(&g->nprofiles);
	if (res)
		memset(res, 0, sizeof(*res));

	rc = add_orgs(g, &added);
	if (!rc)
		rc = add_population(st, err);
	for (g->index = 0; !rc && g->index < g->n; g->index++) {
		if (g->index % BATCH_CASES == 0 && (rc = storage_begin(st, err)))
			break;
		if ((rc = gen_one(g))) {
			storage_rollback(st);
			break;
		}
		if ((g->index + 1) % BATCH_CASES == 0 || g->index + 1 == g->n) {
			if ((rc = storage_commit(st, err))) {
				storage_rollback(st);
				break;
			}
			if (opts->progress && g->n > BATCH_CASES)
				fprintf(opts->progress, "  %ld of %ld cases\n", g->index + 1, g->n);
		}
	}
	if (res) {
		res->orgs_added = added;
		res->cases = rc ? g->index / BATCH_CASES * BATCH_CASES : g->n;
		res->first_year = g->first_year;
		res->last_year = g->last_year;
	}
	free(g);
	return rc;
}
