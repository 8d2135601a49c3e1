/*
 * exporter/export_ctdc.c: record-level data for sharing (issue 5 item 3):
 * one row per selected case in the column layout of the Counter
 * Trafficking Data Collaborative's global dataset, made k-anonymous over
 * its quasi-identifiers by the disclosure module's kanon_anonymise, with a
 * report of the information lost.
 *
 * The columns are those of the CTDC reference release (yearOfRegistration,
 * gender, ageBroad, citizenship, isForcedLabour, isSexualExploit,
 * CountryOfExploitation), spelt as CTDC spells them: sex codes, age bands
 * "18--20", ISO alpha-2 countries, flags 1/0, "-" for unknown.  Only case
 * fields that storage lets scans read are used, so no name, birth date,
 * contact or narrative value can reach the file.
 *
 * Every column is a quasi-identifier -- a fact an outsider may know about a
 * person (sex, age, nationality, where and when) -- and so is the form of
 * exploitation (the two flag columns together): it is what a court record
 * or a press report of a raid says about a victim, and combined with sex,
 * age and nationality it singles people out.  Each is generalised along
 * its hierarchy, the last level "*" (withheld, as distinct from "-",
 * unknown):
 *   gender                  sex -> *
 *   ageBroad                band -> 0--17 / 18+ -> *
 *   citizenship, country    country -> UN M49 sub-region -> region -> *
 *   isForcedLabour/isSexualExploit   the two flags -> * *
 *   yearOfRegistration      year -> 5-year period (2015--2019) -> *
 * A person with several nationalities keeps them all ("IQ;SY"), generalised
 * one by one.
 *
 * kanon_anonymise's generalise callback has no context, so each record's
 * value of a column is packed with all its levels: "IQ\0Western Asia\0Asia\0*"
 * and the callback returns the level-th segment.  An unknown value is the
 * empty string at every level but the last.
 */
#include "exporter/exporter.h"
#include "disclosure/disclosure.h"
#include "stats/stats.h"

#include <stdlib.h>
#include <string.h>

enum qi { QI_YEAR, QI_SEX, QI_AGE, QI_CITIZENSHIP, QI_EXPLOITATION, QI_COUNTRY, QI_COUNT };

/* The fields read, in enum qi order. */
static const char *const qi_fields[QI_COUNT] = {
	"snd_YearOfRegistration", "snd_Sex", "snd_AgeBroad", "prs_Citizenship",
	"vic_TypeOfExploitation", "snd_CountryOfExploitation",
};

static const char *const qi_names[QI_COUNT] = {
	"yearOfRegistration", "gender", "ageBroad", "citizenship",
	"isForcedLabour,isSexualExploit", "CountryOfExploitation",
};

static const char *const level_names[QI_COUNT][4] = {
	[QI_YEAR] = { "year", "5-year period", "withheld" },
	[QI_SEX] = { "sex", "withheld" },
	[QI_AGE] = { "age band", "minor/adult", "withheld" },
	[QI_CITIZENSHIP] = { "country", "UN M49 sub-region", "UN M49 region", "withheld" },
	[QI_EXPLOITATION] = { "form of exploitation", "withheld" },
	[QI_COUNTRY] = { "country", "UN M49 sub-region", "UN M49 region", "withheld" },
};

static const int qi_levels[QI_COUNT] = { 3, 2, 3, 4, 2, 4 };

#define CTDC_HEADER \
	"yearOfRegistration,gender,ageBroad,citizenship,isForcedLabour,isSexualExploit," \
	"CountryOfExploitation\n"

/* The level-th segment of a packed value. */
static const char *packed_level(const char *value, int level)
{
	if (!value)
		return NULL; /* NEVER: every value is packed */
	for (int i = 0; i < level; i++)
		value += strlen(value) + 1;
	return value;
}

static void pack(struct strbuf *sb, const char *segment)
{
	strbuf_add(sb, segment, strlen(segment) + 1);
}

/* A copy of the n bytes of sb (segments and their NULs). */
static char *packed_copy(const struct strbuf *sb)
{
	char *p = xmalloc(sb->len + 1);
	memcpy(p, sb->buf, sb->len);
	p[sb->len] = '\0';
	return p;
}

static int minor_band(const char *band)
{
	return !strcmp(band, "0--8") || !strcmp(band, "9--17");
}

/* ';'-joined codes -> ';'-joined distinct sub-regions (level 1) or regions
 * (level 2), in the order first met, packed into sb as one segment. */
static void country_level(struct strbuf *sb, const char *codes, int level)
{
	const char *names[32];
	int nnames = 0;
	const char *p = codes;
	char code[16];

	while (*p) {
		size_t n = strcspn(p, ";");
		if (n < sizeof(code)) {
			memcpy(code, p, n);
			code[n] = '\0';
			const struct vocab_region *r = vocab_region_of(code);
			/* every country has a row (tests/exporter checks): NEVER NULL */
			const char *name = r ? (level == 1 ? r->subregion[VOCAB_EN] : r->region[VOCAB_EN]) : "?";
			int dup = 0;
			for (int i = 0; i < nnames; i++)
				dup |= !strcmp(names[i], name);
			if (!dup && nnames < 32) {
				if (nnames)
					strbuf_addch(sb, ';');
				strbuf_addstr(sb, name);
				names[nnames++] = name;
			}
		}
		p += n;
		if (*p == ';')
			p++;
	}
	strbuf_add(sb, "", 1);
}

/* The packed levels of record value v (NULL: unknown) of column q. */
static char *pack_value(enum qi q, const char *v, struct strbuf *sb)
{
	strbuf_reset(sb);
	if (!v || !*v) {
		for (int l = 0; l < qi_levels[q] - 1; l++)
			pack(sb, "");
		pack(sb, "*");
		return packed_copy(sb);
	}
	switch (q) {
	case QI_YEAR: {
		int64_t y;
		pack(sb, v);
		if (!parse_int64(v, 0, 9999, &y)) {
			char period[24];
			snprintf(period, sizeof(period), "%lld--%lld", (long long)(y - y % 5),
				 (long long)(y - y % 5 + 4));
			pack(sb, period);
		} else {
			pack(sb, v);
		}
		break;
	}
	case QI_SEX:
		pack(sb, v);
		break;
	case QI_AGE:
		pack(sb, v);
		pack(sb, minor_band(v) ? "0--17" : "18+");
		break;
	case QI_CITIZENSHIP:
	case QI_COUNTRY:
		pack(sb, v);
		country_level(sb, v, 1);
		country_level(sb, v, 2);
		break;
	case QI_EXPLOITATION: {
		/* the two CTDC flags of the multi-select, e.g. "10" */
		char flags[3] = { '0', '0', '\0' };
		const char *p = v;
		while (*p) {
			size_t n = strcspn(p, ";");
			if (n == strlen("ForcedLabour") && !strncmp(p, "ForcedLabour", n))
				flags[0] = '1';
			if (n == strlen("SexualExploitation") && !strncmp(p, "SexualExploitation", n))
				flags[1] = '1';
			p += n;
			if (*p == ';')
				p++;
		}
		pack(sb, flags);
		break;
	}
	default:
		break;
	}
	pack(sb, "*");
	return packed_copy(sb);
}

static const char *generalise(const char *value, int level)
{
	return packed_level(value, level);
}

struct collect {
	char **values; /* [n * QI_COUNT], packed */
	size_t n, alloc;
	struct strbuf scratch;
};

static int collect_row(int part, int64_t id, const char *const *values, void *ctx)
{
	struct collect *c = ctx;
	(void)part, (void)id;
	ALLOC_GROW(c->values, (c->n + 1) * QI_COUNT, c->alloc);
	for (int q = 0; q < QI_COUNT; q++)
		c->values[c->n * QI_COUNT + (size_t)q] = pack_value((enum qi)q, values[q], &c->scratch);
	c->n++;
	return 0;
}

/* One cell: "" (unknown) is CTDC's "-", written as it is (the formula
 * guard would make it "'-", which no CTDC reader takes for unknown). */
static void put_cell(struct strbuf *out, const char *v)
{
	if (*v)
		csv_cell(out, v, 1);
	else
		strbuf_addch(out, '-');
}

const char *export_scope_name(enum export_scope s)
{
	switch (s) {
	case EXPORT_SCOPE_ALL: return "all";
	case EXPORT_SCOPE_ORG: return "org";
	case EXPORT_SCOPE_NATIONAL: return "national";
	}
	return "?";
}

int export_ctdc_anon(struct storage *st, const struct ctdc_anon_options *o, struct strbuf *out,
		     struct ctdc_anon_report *report, struct sanad_error *err)
{
	struct kanon_column cols[QI_COUNT];
	struct kanon_result kr = { 0 };
	struct collect c = { 0 };
	struct stats_query q = { 0 };
	uint32_t *sel = NULL;
	int64_t *ids = NULL;
	size_t nids = 0;
	int rc, own_snapshot;

	memset(report, 0, sizeof(*report));
	report->k = o->k;
	report->max_suppress = o->max_suppress;
	report->scope = o->scope;
	report->year = o->year;
	if (o->k < 2)
		return sanad_error_set(err, SANAD_EINVAL, "k must be at least 2, not %zu", o->k);
	if (!(o->max_suppress >= 0 && o->max_suppress <= 1))
		return sanad_error_set(err, SANAD_EINVAL,
				       "the share of records that may be suppressed must be from 0 to 1");
	if (o->scope == EXPORT_SCOPE_ORG && !o->org_code)
		return sanad_error_set(err, SANAD_EINVAL, "the organisation scope needs an organisation");

	own_snapshot = !storage_in_transaction(st);
	if (own_snapshot && (rc = storage_begin_read(st, err)))
		return rc;
	if (o->scope == EXPORT_SCOPE_ORG) {
		struct organisation org;
		if ((rc = storage_org_get(st, o->org_code, &org, err)))
			goto out;
		organisation_release(&org);
	}
	/* exactly the cases the statistics of that scope count: the national
	 * pool is consented, pooled, de-duplicated cases */
	q.scope = o->scope == EXPORT_SCOPE_NATIONAL ? STATS_SCOPE_NATIONAL
		  : o->scope == EXPORT_SCOPE_ORG    ? STATS_SCOPE_ORG
						    : STATS_SCOPE_ALL;
	q.org_code = o->scope == EXPORT_SCOPE_ORG ? o->org_code : NULL;
	q.year = o->year;
	if ((rc = stats_select(st, &q, &sel, &nids, &report->duplicates_merged, err)))
		goto out;
	ids = xmalloc(sizeof(*ids) * (nids + 1));
	for (size_t i = 0; i < nids; i++)
		ids[i] = sel[i];
	if ((rc = storage_stats_scan_ids(st, qi_fields, QI_COUNT, ids, nids, collect_row, &c, err)))
		goto out;
	report->selected = c.n;

	for (int q = 0; q < QI_COUNT; q++) {
		cols[q].name = qi_names[q];
		cols[q].nlevels = qi_levels[q];
		cols[q].generalise = generalise;
	}
	if ((rc = kanon_anonymise((const char *const *)c.values, c.n, cols, QI_COUNT, o->k, o->max_suppress,
				  &kr, err)))
		goto out;

	report->suppressed = kr.nsuppressed;
	report->written = c.n - kr.nsuppressed;
	report->classes = kr.nclasses;
	report->smallest_class = kr.smallest_class;
	report->ncolumns = QI_COUNT;
	for (int q = 0; q < QI_COUNT; q++) {
		report->columns[q].name = qi_names[q];
		report->columns[q].level = kr.level[q];
		report->columns[q].nlevels = qi_levels[q];
		report->columns[q].level_name = level_names[q][kr.level[q]];
		report->columns[q].changed = kr.generalised[q];
	}

	strbuf_addstr(out, CTDC_HEADER);
	for (size_t r = 0; r < c.n; r++) {
		const char *const *v = (const char *const *)&c.values[r * QI_COUNT];
		const char *flags;
		if (kr.suppressed[r])
			continue;
		put_cell(out, generalise(v[QI_YEAR], kr.level[QI_YEAR]));
		strbuf_addch(out, ',');
		put_cell(out, generalise(v[QI_SEX], kr.level[QI_SEX]));
		strbuf_addch(out, ',');
		put_cell(out, generalise(v[QI_AGE], kr.level[QI_AGE]));
		strbuf_addch(out, ',');
		put_cell(out, generalise(v[QI_CITIZENSHIP], kr.level[QI_CITIZENSHIP]));
		strbuf_addch(out, ',');
		flags = generalise(v[QI_EXPLOITATION], kr.level[QI_EXPLOITATION]);
		if (!*flags)
			strbuf_addstr(out, "-,-");
		else if (!strcmp(flags, "*"))
			strbuf_addstr(out, "*,*");
		else
			strbuf_addf(out, "%c,%c", flags[0], flags[1]);
		strbuf_addch(out, ',');
		put_cell(out, generalise(v[QI_COUNTRY], kr.level[QI_COUNTRY]));
		strbuf_addch(out, '\n');
	}
out:
	if (own_snapshot)
		storage_rollback(st);
	kanon_result_release(&kr);
	for (size_t i = 0; i < c.n * QI_COUNT; i++)
		free(c.values[i]);
	free(c.values);
	strbuf_release(&c.scratch);
	free(sel);
	free(ids);
	return rc;
}

json_t *export_ctdc_anon_report_json(const struct ctdc_anon_report *r)
{
	json_t *root = json_object(), *cols = json_array();
	json_object_set_new(root, "format", json_string("ctdc-anon"));
	json_object_set_new(root, "scope", json_string(export_scope_name(r->scope)));
	json_object_set_new(root, "year", r->year ? json_integer(r->year) : json_null());
	json_object_set_new(root, "k", json_integer((json_int_t)r->k));
	json_object_set_new(root, "max_suppress", json_real(r->max_suppress));
	json_object_set_new(root, "selected", json_integer((json_int_t)r->selected));
	json_object_set_new(root, "written", json_integer((json_int_t)r->written));
	json_object_set_new(root, "suppressed", json_integer((json_int_t)r->suppressed));
	json_object_set_new(root, "classes", json_integer((json_int_t)r->classes));
	json_object_set_new(root, "smallest_class", json_integer((json_int_t)r->smallest_class));
	json_object_set_new(root, "duplicates_merged", json_integer((json_int_t)r->duplicates_merged));
	for (int q = 0; q < r->ncolumns; q++) {
		json_t *c = json_object();
		json_object_set_new(c, "quasi_identifier", json_string(r->columns[q].name));
		json_object_set_new(c, "level", json_integer(r->columns[q].level));
		json_object_set_new(c, "levels", json_integer(r->columns[q].nlevels));
		json_object_set_new(c, "level_name", json_string(r->columns[q].level_name));
		json_object_set_new(c, "records_changed", json_integer((json_int_t)r->columns[q].changed));
		json_array_append_new(cols, c);
	}
	json_object_set_new(root, "columns", cols);
	return root;
}

void export_ctdc_anon_report_text(const struct ctdc_anon_report *r, struct strbuf *out)
{
	strbuf_addf(out, "%zu case%s selected (scope %s", r->selected, r->selected == 1 ? "" : "s",
		    export_scope_name(r->scope));
	if (r->year)
		strbuf_addf(out, ", registered in %d", r->year);
	if (r->duplicates_merged)
		strbuf_addf(out, ", %lld duplicate record%s merged", (long long)r->duplicates_merged,
			    r->duplicates_merged == 1 ? "" : "s");
	strbuf_addf(out, "); %zu written, %zu suppressed (limit %.1f%%)\n", r->written, r->suppressed,
		    r->max_suppress * 100);
	strbuf_addf(out, "k = %zu: %zu equivalence class%s, the smallest of %zu\n", r->k, r->classes,
		    r->classes == 1 ? "" : "es", r->smallest_class);
	for (int q = 0; q < r->ncolumns; q++)
		strbuf_addf(out, "  %-32s level %d of %d (%s): %zu record%s changed\n", r->columns[q].name,
			    r->columns[q].level, r->columns[q].nlevels - 1, r->columns[q].level_name,
			    r->columns[q].changed, r->columns[q].changed == 1 ? "" : "s");
}
