/*
 * cli/cmd_response.c: `sanad response add|list|checks|import|export|delete|
 * import-tiers` — the records of a country's response to trafficking per
 * report year (src/response), the guideline checks computed from them, and
 * the import of a published tier history.
 */
#include "cli/cli.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "response/response.h"

const char usage_response[] =
	"usage: sanad response add KIND --db PATH --country CC --year Y [options]\n"
	"       sanad response list --db PATH [--country CC] [--year Y]\n"
	"       sanad response checks --db PATH --country CC --year Y\n"
	"       sanad response import --db PATH FILE.json\n"
	"       sanad response export --db PATH [--country CC] [--year Y | --from Y --to Y]\n"
	"                             [--output FILE]\n"
	"       sanad response delete --db PATH KIND ID   (KIND justice, penalty, fact)\n"
	"       sanad response delete --db PATH recommendation REF\n"
	"       sanad response import-tiers --db PATH FILE.csv\n"
	"\n"
	"Records of a country's response to trafficking for a report year Y, whose\n"
	"reporting period runs from 1 April Y-1 to 31 March Y: the analyst's finding,\n"
	"criminal-justice records, prescribed penalties, protection and prevention\n"
	"facts, and the report's recommendations.  Every record carries its source\n"
	"(sanad vocab fact_source) and the date the source reported it, and an action\n"
	"kind (sanad vocab action_kind): only concrete actions count; plans,\n"
	"conferences, task forces and draft laws are kept and shown in the report but\n"
	"never counted as efforts.  'sanad assess --db PATH --year Y' places the\n"
	"countries from these records; 'sanad report' writes the annual report.\n"
	"\n"
	"add KIND, with --country CC (ISO 3166 alpha-2) and --year Y:\n"
	"  finding         --finding full|significant_efforts|no_significant_efforts\n"
	"                  [--justification TEXT] [--justification-ar TEXT]\n"
	"                  [--scope TEXT] [--scope-ar TEXT]  (scope and nature of trafficking)\n"
	"                  [--commitments]  (efforts rest on commitments for next year)\n"
	"                  [--waivers watch_list,sanctions,sanctions:CODE]\n"
	"                  [--compliant-before-sanctions] [--victims-from-register]\n"
	"                  Replaces the country-year's finding.\n"
	"  justice         --stage investigation|prosecution|conviction [--count N]\n"
	"                  [--law TEXT] [--exploitation TYPE] [--sentence-months N]\n"
	"                  [--suspended | --not-suspended] [--official]\n"
	"  penalty         --law TEXT --min-years N [--exploitation TYPE]\n"
	"  fact            --kind KIND --value yes|no|N [--text TEXT] [--text-ar TEXT]\n"
	"                  (sanad vocab response_fact; counts for victims_identified,\n"
	"                  victims_assisted and immigration_detention, yes/no otherwise)\n"
	"  recommendation  --check CHECK (a suggested text in both languages) or\n"
	"                  --text TEXT --text-ar TEXT; [--pillar GOAL] [--number N]\n"
	"  justice, penalty and fact also take --source SOURCE --source-date YYYY-MM-DD\n"
	"  (both required), [--source-ref TEXT] and [--action KIND] (default\n"
	"  concrete_action); justice and penalty take [--note TEXT].\n"
	"\n"
	"checks prints the figures, the year-on-year changes and the guideline checks\n"
	"(met, unmet, not_known) of a country-year as JSON, with a suggested\n"
	"recommendation in English and Arabic for every unmet check.  Checks:\n"
	"prescribed_penalty, imposed_sentences, suspended_sentences,\n"
	"increasing_efforts, proactive_identification, shelter_care,\n"
	"no_immigration_detention, legal_aid, victim_language_information,\n"
	"safe_repatriation, demand_reduction, supply_chain, child_sex_tourism,\n"
	"national_action_plan.\n"
	"\n"
	"import loads a JSON document: an array of country-year records, or\n"
	"{\"settings\": {...}, \"records\": [...]}.  Each record in the file replaces\n"
	"that country-year's finding, justice records, penalties and facts;\n"
	"recommendations are added (or updated when they carry their ref or number)\n"
	"and never deleted.  All or nothing: a bad record changes nothing.  export\n"
	"writes the same format.  A record:\n"
	"  {\"country\": \"JO\", \"year\": 2011,\n"
	"   \"finding\": {\"finding\": \"significant_efforts\", \"justification\": \"...\",\n"
	"               \"justification_ar\": \"...\", \"scope\": \"...\", \"scope_ar\": \"...\",\n"
	"               \"efforts_rest_on_commitments\": false, \"waivers\": [],\n"
	"               \"compliant_before_sanctions\": false,\n"
	"               \"victims_from_register\": false},\n"
	"   \"justice\": [{\"stage\": \"conviction\", \"count\": 2, \"law\": \"Law 9/2009\",\n"
	"                \"exploitation\": \"ForcedLabour\", \"sentence_months\": 60,\n"
	"                \"suspended\": false, \"official_involved\": false,\n"
	"                \"action\": \"concrete_action\", \"source\": \"government\",\n"
	"                \"source_date\": \"2011-02-01\", \"source_ref\": \"...\", \"note\": \"...\"}],\n"
	"   \"penalties\": [{\"law\": \"Law 9/2009, art. 9\", \"min_years\": 5, ...source...}],\n"
	"   \"facts\": [{\"kind\": \"proactive_identification\", \"value\": true,\n"
	"              \"text\": \"...\", \"text_ar\": \"...\", ...source...}],\n"
	"   \"recommendations\": [{\"check\": \"prescribed_penalty\"},\n"
	"                        {\"text\": \"...\", \"text_ar\": \"...\", \"pillar\": \"protection\"}]}\n"
	"Settings are those of 'sanad assess' (victims_very_significant,\n"
	"victims_increase_ratio, watch_list_waiver_limit).  docs/assessment.md\n"
	"describes every field.\n"
	"\n"
	"import-tiers stores a published tier history (CSV with the columns iso, year,\n"
	"tier; alpha-3 codes, 'Tier 1', 'Tier 2', 'Watchlist', 'Tier 3', 'NA'), such as\n"
	"reference/tip-tiers/tip-tiers-2001-2015.csv, for the report's history table.\n";

/* --year-like option: 0 when absent, -1 (after a message) when bad. */
static int year_option(int argc, char **argv, const char *name)
{
	const char *v = cli_option(argc, argv, name);
	int64_t y;
	if (!v)
		return 0;
	if (parse_int64(v, ASSESS_YEAR_MIN, ASSESS_YEAR_MAX, &y)) {
		fprintf(stderr, "sanad response: --%s must be a report year from %d to %d\n", name, ASSESS_YEAR_MIN,
			ASSESS_YEAR_MAX);
		return -1;
	}
	return (int)y;
}

/* Options of `add` and the JSON key each becomes. */
struct add_option {
	const char *option, *key;
	enum { OPT_TEXT, OPT_INT, OPT_NUMBER, OPT_FLAG, OPT_VALUE, OPT_LIST } type;
};

static const struct add_option add_options[] = {
	{ "finding", "finding", OPT_TEXT },
	{ "justification", "justification", OPT_TEXT },
	{ "justification-ar", "justification_ar", OPT_TEXT },
	{ "scope", "scope", OPT_TEXT },
	{ "scope-ar", "scope_ar", OPT_TEXT },
	{ "commitments", "efforts_rest_on_commitments", OPT_FLAG },
	{ "waivers", "waivers", OPT_LIST },
	{ "compliant-before-sanctions", "compliant_before_sanctions", OPT_FLAG },
	{ "victims-from-register", "victims_from_register", OPT_FLAG },
	{ "stage", "stage", OPT_TEXT },
	{ "count", "count", OPT_INT },
	{ "law", "law", OPT_TEXT },
	{ "exploitation", "exploitation", OPT_TEXT },
	{ "sentence-months", "sentence_months", OPT_INT },
	{ "official", "official_involved", OPT_FLAG },
	{ "min-years", "min_years", OPT_NUMBER },
	{ "kind", "kind", OPT_TEXT },
	{ "value", "value", OPT_VALUE },
	{ "text", "text", OPT_TEXT },
	{ "text-ar", "text_ar", OPT_TEXT },
	{ "check", "check", OPT_TEXT },
	{ "pillar", "pillar", OPT_TEXT },
	{ "number", "number", OPT_INT },
	{ "action", "action", OPT_TEXT },
	{ "source", "source", OPT_TEXT },
	{ "source-date", "source_date", OPT_TEXT },
	{ "source-ref", "source_ref", OPT_TEXT },
	{ "note", "note", OPT_TEXT },
};

/* The item JSON of `add` from its options; NULL after a message. */
static json_t *add_item(int argc, char **argv)
{
	json_t *o = json_object();
	for (size_t i = 0; i < sizeof(add_options) / sizeof(add_options[0]); i++) {
		const struct add_option *a = &add_options[i];
		const char *v = a->type == OPT_FLAG ? NULL : cli_option(argc, argv, a->option);
		int64_t n;
		if (a->type == OPT_FLAG) {
			if (cli_flag(argc, argv, a->option))
				json_object_set_new(o, a->key, json_true());
			continue;
		}
		if (!v)
			continue;
		switch (a->type) {
		case OPT_TEXT:
			json_object_set_new(o, a->key, json_string(v));
			break;
		case OPT_INT:
			if (parse_int64(v, 0, ASSESS_COUNT_MAX, &n)) {
				fprintf(stderr, "sanad response: --%s must be a whole number, not '%s'\n", a->option, v);
				json_decref(o);
				return NULL;
			}
			json_object_set_new(o, a->key, json_integer(n));
			break;
		case OPT_NUMBER: {
			char *end;
			double d = strtod(v, &end);
			if (!*v || *end) {
				fprintf(stderr, "sanad response: --%s must be a number, not '%s'\n", a->option, v);
				json_decref(o);
				return NULL;
			}
			json_object_set_new(o, a->key, json_real(d));
			break;
		}
		case OPT_VALUE:
			if (!ascii_strcasecmp(v, "yes") || !ascii_strcasecmp(v, "true"))
				json_object_set_new(o, a->key, json_true());
			else if (!ascii_strcasecmp(v, "no") || !ascii_strcasecmp(v, "false"))
				json_object_set_new(o, a->key, json_false());
			else if (!parse_int64(v, 0, ASSESS_COUNT_MAX, &n))
				json_object_set_new(o, a->key, json_integer(n));
			else {
				fprintf(stderr, "sanad response: --value must be yes, no or a whole number, not '%s'\n", v);
				json_decref(o);
				return NULL;
			}
			break;
		case OPT_LIST: {
			json_t *arr = json_array();
			for (const char *p = v; *p;) {
				size_t len = strcspn(p, ",");
				if (len)
					json_array_append_new(arr, json_stringn(p, len));
				p += len + (p[len] == ',');
			}
			json_object_set_new(o, a->key, arr);
			break;
		}
		case OPT_FLAG:
			break;
		}
	}
	if (cli_flag(argc, argv, "suspended"))
		json_object_set_new(o, "suspended", json_true());
	if (cli_flag(argc, argv, "not-suspended"))
		json_object_set_new(o, "suspended", json_false());
	return o;
}

static int response_cmd_add(int argc, char **argv, char **pos, int npos, struct cli_context *ctx)
{
	struct sanad_error err = { 0 };
	const char *country = cli_option(argc, argv, "country");
	int year = year_option(argc, argv, "year");
	char ref[24];
	int64_t id;
	json_t *item;
	int rc;

	if (npos != 2) {
		fprintf(stderr, "sanad response add: say which kind: finding, justice, penalty, fact or recommendation\n");
		return 2;
	}
	if (year < 0)
		return 2;
	if (!country || !year) {
		fprintf(stderr, "sanad response add: --country CC and --year Y are required\n");
		return 2;
	}
	if (cli_flag(argc, argv, "suspended") && cli_flag(argc, argv, "not-suspended")) {
		fprintf(stderr, "sanad response add: --suspended and --not-suspended contradict each other\n");
		return 2;
	}
	if (!(item = add_item(argc, argv)))
		return 2;
	rc = response_add(ctx->st, pos[1], country, year, item, &id, ref, &err);
	json_decref(item);
	if (rc) {
		cli_error("response", &err);
		return 1;
	}
	if (!strcmp(pos[1], "finding"))
		printf("recorded the finding of %s %d\n", country, year);
	else if (!strcmp(pos[1], "recommendation"))
		printf("recommendation %s\n", ref);
	else
		printf("added %s record %lld\n", pos[1], (long long)id);
	return 0;
}

static const char *or_dash(const char *s)
{
	return s && *s ? s : "-";
}

static int response_cmd_list(int argc, char **argv, struct cli_context *ctx)
{
	struct sanad_error err = { 0 };
	struct response_rows rows;
	const char *country = cli_option(argc, argv, "country");
	int year = year_option(argc, argv, "year");
	char cc[3];

	if (year < 0)
		return 2;
	if (country && response_country(country, cc, &err)) {
		cli_error("response", &err);
		return 2;
	}
	if (storage_response_load(ctx->st, country ? cc : NULL, year ? year : ASSESS_YEAR_MIN,
				  year ? year : ASSESS_YEAR_MAX, &rows, &err)) {
		cli_error("response", &err);
		return 1;
	}
	/* one line per record: kind, id or ref, country, year, then the facts */
	for (size_t i = 0; i < rows.nfindings; i++) {
		const struct response_finding *f = &rows.findings[i];
		printf("finding\t-\t%s\t%d\t%s%s%s%s\n", f->country, f->year, f->finding,
		       f->efforts_rest_on_commitments ? "\tcommitments" : "", f->waivers ? "\twaivers:" : "",
		       f->waivers ? f->waivers : "");
	}
	for (size_t i = 0; i < rows.njustice; i++) {
		const struct response_justice *j = &rows.justice[i];
		printf("justice\t%lld\t%s\t%d\t%s\t%lld\t%s\t%s\t", (long long)j->id, j->country, j->year, j->stage,
		       (long long)j->count, or_dash(j->law), or_dash(j->exploitation));
		if (j->sentence_months >= 0)
			printf("%lldm%s", (long long)j->sentence_months, j->suspended == 1 ? " suspended" : "");
		else
			printf("%s", j->suspended == 1 ? "suspended" : "-");
		printf("\t%s\t%s\t%s\t%s\n", j->official_involved ? "official" : "-", j->action, j->source,
		       j->source_date);
	}
	for (size_t i = 0; i < rows.npenalties; i++) {
		const struct response_penalty *p = &rows.penalties[i];
		printf("penalty\t%lld\t%s\t%d\t%s\t%g years\t%s\t%s\t%s\t%s\n", (long long)p->id, p->country, p->year,
		       p->law, p->min_years, or_dash(p->exploitation), p->action, p->source, p->source_date);
	}
	for (size_t i = 0; i < rows.nfacts; i++) {
		const struct response_fact *f = &rows.facts[i];
		char value[32];
		if (f->count >= 0)
			snprintf(value, sizeof(value), "%lld", (long long)f->count);
		else
			snprintf(value, sizeof(value), "%s", f->flag == 1 ? "yes" : f->flag == 0 ? "no" : "-");
		printf("fact\t%lld\t%s\t%d\t%s\t%s\t%s\t%s\t%s\n", (long long)f->id, f->country, f->year, f->kind, value,
		       f->action, f->source, f->source_date);
	}
	for (size_t i = 0; i < rows.nrecommendations; i++) {
		const struct response_recommendation *r = &rows.recommendations[i];
		char ref[24];
		response_recommendation_ref(r, ref);
		printf("recommendation\t%s\t%s\t%d\t%s\t%s\t%s\n", ref, r->country, r->year, or_dash(r->pillar),
		       or_dash(r->check_code), r->text);
	}
	response_rows_release(&rows);
	return 0;
}

static int response_cmd_checks(int argc, char **argv, struct cli_context *ctx)
{
	struct sanad_error err = { 0 };
	struct response_rows rows;
	struct response_figures cur, prev;
	struct response_check checks[RESPONSE_CHECK_COUNT];
	const char *country = cli_option(argc, argv, "country");
	int year = year_option(argc, argv, "year"), rc;
	char cc[3], *text;
	json_t *out;

	if (year < 0)
		return 2;
	if (!country || !year) {
		fprintf(stderr, "sanad response checks: --country CC and --year Y are required\n");
		return 2;
	}
	if (response_country(country, cc, &err)) {
		cli_error("response", &err);
		return 2;
	}
	if (storage_response_load(ctx->st, cc, ASSESS_YEAR_MIN, year, &rows, &err)) {
		cli_error("response", &err);
		return 1;
	}
	rc = response_figures_compute(ctx->st, &rows, cc, year, &cur, &err);
	if (!rc && (rc = response_figures_compute(ctx->st, &rows, cc, year - 1, &prev, &err)))
		response_figures_release(&cur);
	response_rows_release(&rows);
	if (rc) {
		cli_error("response", &err);
		return 1;
	}
	response_checks_compute(&cur, &prev, checks);
	out = response_checks_json(&cur, &prev, checks);
	text = json_dumps(out, JSON_INDENT(2));
	puts(text);
	free(text);
	json_decref(out);
	for (int i = 0; i < RESPONSE_CHECK_COUNT; i++)
		response_check_release(&checks[i]);
	response_figures_release(&cur);
	response_figures_release(&prev);
	return 0;
}

static int response_cmd_import(char **pos, int npos, struct cli_context *ctx)
{
	struct sanad_error err = { 0 };
	struct response_import_summary s;
	json_error_t jerr;
	json_t *doc;
	int rc;

	if (npos != 2) {
		fprintf(stderr, "sanad response import: give one JSON file ('-' for standard input)\n");
		return 2;
	}
	doc = !strcmp(pos[1], "-") ? json_loadf(stdin, JSON_REJECT_DUPLICATES, &jerr)
				   : json_load_file(pos[1], JSON_REJECT_DUPLICATES, &jerr);
	if (!doc) {
		if (jerr.line < 1)
			fprintf(stderr, "sanad response: %s: %s\n", pos[1], jerr.text);
		else
			fprintf(stderr, "sanad response: %s: line %d, column %d: %s\n", pos[1], jerr.line, jerr.column,
				jerr.text);
		return 1;
	}
	rc = response_import(ctx->st, doc, &s, &err);
	json_decref(doc);
	if (rc) {
		cli_error("response", &err);
		return 1;
	}
	printf("imported %d country-years: %d findings, %d justice records, %d penalties, %d facts; "
	       "recommendations: %d added, %d updated, %d already there%s\n",
	       s.country_years, s.findings, s.justice, s.penalties, s.facts, s.recommendations_added,
	       s.recommendations_updated, s.recommendations_kept, s.settings ? "; assessment settings stored" : "");
	return 0;
}

static int response_cmd_export(int argc, char **argv, struct cli_context *ctx)
{
	struct sanad_error err = { 0 };
	const char *country = cli_option(argc, argv, "country"), *output = cli_option(argc, argv, "output");
	int year = year_option(argc, argv, "year"), from = year_option(argc, argv, "from"),
	    to = year_option(argc, argv, "to"), rc;
	char cc[3], *text;
	json_t *doc;

	if (year < 0 || from < 0 || to < 0)
		return 2;
	if (year && (from || to)) {
		fprintf(stderr, "sanad response export: give --year or --from/--to, not both\n");
		return 2;
	}
	if (country && response_country(country, cc, &err)) {
		cli_error("response", &err);
		return 2;
	}
	if (year)
		from = to = year;
	if (response_export(ctx->st, country ? cc : NULL, from ? from : ASSESS_YEAR_MIN, to ? to : ASSESS_YEAR_MAX,
			    &doc, &err)) {
		cli_error("response", &err);
		return 1;
	}
	text = json_dumps(doc, JSON_INDENT(2));
	json_decref(doc);
	if (output && *output && strcmp(output, "-")) {
		struct strbuf sb = STRBUF_INIT;
		strbuf_addstr(&sb, text);
		strbuf_addch(&sb, '\n');
		rc = file_write_atomic(output, strbuf_str(&sb), sb.len, &err);
		strbuf_release(&sb);
		free(text);
		if (rc) {
			cli_error("response", &err);
			return 1;
		}
		return 0;
	}
	puts(text);
	free(text);
	return 0;
}

static int response_cmd_delete(char **pos, int npos, struct cli_context *ctx)
{
	struct sanad_error err = { 0 };
	if (npos != 3) {
		fprintf(stderr, "sanad response delete: give KIND and ID (or recommendation and REF)\n");
		return 2;
	}
	if (response_delete(ctx->st, pos[1], pos[2], &err)) {
		cli_error("response", &err);
		return 1;
	}
	printf("deleted %s %s\n", pos[1], pos[2]);
	return 0;
}

static int response_cmd_import_tiers(char **pos, int npos, struct cli_context *ctx)
{
	struct sanad_error err = { 0 };
	struct response_tier_import s;
	if (npos != 2) {
		fprintf(stderr, "sanad response import-tiers: give one CSV file\n");
		return 2;
	}
	if (response_import_tiers(ctx->st, pos[1], &s, &err)) {
		cli_error("response", &err);
		return 1;
	}
	printf("read %d rows: %d placements stored, %d not ranked (NA), %d outside the report years %d-%d\n", s.rows,
	       s.stored, s.not_ranked, s.skipped, ASSESS_YEAR_MIN, ASSESS_YEAR_MAX);
	return 0;
}

int cmd_response(int argc, char **argv, struct cli_context *ctx)
{
	static const char *const opts[] = {
		"country=", "year=", "from=", "to=", "output=", "finding=", "justification=", "justification-ar=",
		"scope=", "scope-ar=", "commitments", "waivers=", "compliant-before-sanctions", "victims-from-register",
		"stage=", "count=", "law=", "exploitation=", "sentence-months=", "suspended", "not-suspended",
		"official", "min-years=", "kind=", "value=", "text=", "text-ar=", "check=", "pillar=", "number=",
		"action=", "source=", "source-date=", "source-ref=", "note=", NULL
	};
	char **pos;
	int npos, rc;

	if ((rc = cli_parse("response", argc, argv, opts, &pos, &npos)))
		return rc;
	if (npos < 1) {
		fprintf(stderr, "sanad response: say add, list, checks, import, export, delete or import-tiers "
				"(see 'sanad response --help')\n");
		free(pos);
		return 2;
	}
	if (!strcmp(pos[0], "add"))
		rc = response_cmd_add(argc, argv, pos, npos, ctx);
	else if (!strcmp(pos[0], "list") && npos == 1)
		rc = response_cmd_list(argc, argv, ctx);
	else if (!strcmp(pos[0], "checks") && npos == 1)
		rc = response_cmd_checks(argc, argv, ctx);
	else if (!strcmp(pos[0], "import"))
		rc = response_cmd_import(pos, npos, ctx);
	else if (!strcmp(pos[0], "export") && npos == 1)
		rc = response_cmd_export(argc, argv, ctx);
	else if (!strcmp(pos[0], "delete"))
		rc = response_cmd_delete(pos, npos, ctx);
	else if (!strcmp(pos[0], "import-tiers"))
		rc = response_cmd_import_tiers(pos, npos, ctx);
	else {
		fprintf(stderr, "sanad response: unknown subcommand '%s' (see 'sanad response --help')\n", pos[0]);
		rc = 2;
	}
	free(pos);
	return rc;
}
