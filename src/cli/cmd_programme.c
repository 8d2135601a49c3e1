/*
 * cli/cmd_programme.c: `sanad programme add|list|link|gaps` — the register
 * of anti-trafficking programmes and grants (seed 003) and the report
 * recommendations they answer.
 */
#include "cli/cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "response/response.h"

const char usage_programme[] =
	"usage: sanad programme add --db PATH --code CODE --name NAME --type TYPE\n"
	"                           [--name-ar NAME] [--goals GOAL,...] [--partner NAME]\n"
	"                           [--partner-kind KIND] [--countries CC,...]\n"
	"                           [--amount N --currency CUR] [--start YYYY-MM-DD]\n"
	"                           [--end YYYY-MM-DD] [--people-trained N]\n"
	"                           [--victims-assisted N]\n"
	"       sanad programme list --db PATH [--country CC] [--json]\n"
	"       sanad programme link --db PATH --programme CODE --recommendation REF\n"
	"       sanad programme gaps --db PATH --year Y [--country CC] [--json]\n"
	"\n"
	"The register of programmes and grants against trafficking and the report\n"
	"recommendations each one answers.\n"
	"  TYPE   sanad vocab programme_type: bilateral_regional,\n"
	"         child_protection_partnership, training_technical_assistance,\n"
	"         emergency_victim_assistance, global_research, end_modern_slavery\n"
	"  GOAL   sanad vocab programme_goal: prosecution, protection, prevention,\n"
	"         partnership\n"
	"  KIND   sanad vocab partner_kind: ngo, university, for_profit,\n"
	"         international_organisation\n"
	"  --countries lists where the programme works (none: global); --amount is a\n"
	"  plain number (250000 or 1250.50) in --currency (ISO 4217, e.g. USD);\n"
	"  --people-trained and --victims-assisted are the outputs it reported.\n"
	"\n"
	"link records that a programme answers a recommendation of a report,\n"
	"named by its reference COUNTRY-YEAR-NUMBER (e.g. JO-2011-2; 'sanad response\n"
	"list' shows them).  A programme that names countries can answer only\n"
	"recommendations for those countries.\n"
	"\n"
	"gaps answers: which recommendations of the year's report have no programme?\n"
	"One line each: reference, country, pillar, check, text (tab-separated); with\n"
	"--json, a JSON array.  list prints one programme per line (code, type,\n"
	"countries, partner, amount, name), or JSON with --json.\n";

static int parse_count_option(int argc, char **argv, const char *name, int64_t *out)
{
	const char *v = cli_option(argc, argv, name);
	*out = -1;
	if (!v)
		return 0;
	if (parse_int64(v, 0, ASSESS_COUNT_MAX, out)) {
		fprintf(stderr, "sanad programme: --%s must be a whole number, not '%s'\n", name, v);
		return -1;
	}
	return 0;
}

static char *dup_option(int argc, char **argv, const char *name)
{
	const char *v = cli_option(argc, argv, name);
	return v ? xstrdup(v) : NULL;
}

static int programme_cmd_add(int argc, char **argv, struct cli_context *ctx)
{
	struct sanad_error err = { 0 };
	struct programme p = { 0 };
	int rc;

	p.code = dup_option(argc, argv, "code");
	p.name = dup_option(argc, argv, "name");
	p.name_ar = dup_option(argc, argv, "name-ar");
	p.type = dup_option(argc, argv, "type");
	p.goals = dup_option(argc, argv, "goals");
	p.partner = dup_option(argc, argv, "partner");
	p.partner_kind = dup_option(argc, argv, "partner-kind");
	p.countries = dup_option(argc, argv, "countries");
	p.amount = dup_option(argc, argv, "amount");
	p.currency = dup_option(argc, argv, "currency");
	p.start_date = dup_option(argc, argv, "start");
	p.end_date = dup_option(argc, argv, "end");
	if (parse_count_option(argc, argv, "people-trained", &p.people_trained) ||
	    parse_count_option(argc, argv, "victims-assisted", &p.victims_assisted)) {
		programme_release(&p);
		return 2;
	}
	if (!p.code || !p.name || !p.type) {
		fprintf(stderr, "sanad programme add: --code, --name and --type are required\n");
		programme_release(&p);
		return 2;
	}
	rc = response_programme_add(ctx->st, &p, &err);
	if (rc)
		cli_error("programme", &err);
	else
		printf("added programme '%s'\n", p.code);
	programme_release(&p);
	return rc ? 1 : 0;
}

static int programme_cmd_list(int argc, char **argv, struct cli_context *ctx)
{
	struct sanad_error err = { 0 };
	struct programme *list;
	const char *country = cli_option(argc, argv, "country");
	char cc[3];
	size_t n;
	int as_json = cli_flag(argc, argv, "json");
	json_t *arr = as_json ? json_array() : NULL;

	if (country && response_country(country, cc, &err)) {
		cli_error("programme", &err);
		json_decref(arr);
		return 2;
	}
	if (storage_programme_list(ctx->st, country ? cc : NULL, &list, &n, &err)) {
		cli_error("programme", &err);
		json_decref(arr);
		return 1;
	}
	for (size_t i = 0; i < n; i++) {
		const struct programme *p = &list[i];
		if (as_json)
			json_array_append_new(arr, response_programme_json(p));
		else
			printf("%s\t%s\t%s\t%s\t%s%s%s\t%s\n", p->code, p->type, p->countries ? p->countries : "global",
			       p->partner ? p->partner : "-", p->amount ? p->amount : "-", p->amount ? " " : "",
			       p->amount && p->currency ? p->currency : "", p->name);
		programme_release(&list[i]);
	}
	free(list);
	if (as_json) {
		char *text = json_dumps(arr, JSON_INDENT(2));
		puts(text);
		free(text);
		json_decref(arr);
	}
	return 0;
}

static int programme_cmd_link(int argc, char **argv, struct cli_context *ctx)
{
	struct sanad_error err = { 0 };
	const char *code = cli_option(argc, argv, "programme"), *ref = cli_option(argc, argv, "recommendation");
	if (!code || !ref) {
		fprintf(stderr, "sanad programme link: --programme CODE and --recommendation REF are required\n");
		return 2;
	}
	if (response_programme_link(ctx->st, code, ref, &err)) {
		cli_error("programme", &err);
		return 1;
	}
	printf("programme '%s' answers %s\n", code, ref);
	return 0;
}

static int programme_cmd_gaps(int argc, char **argv, struct cli_context *ctx)
{
	struct sanad_error err = { 0 };
	const char *year_s = cli_option(argc, argv, "year"), *country = cli_option(argc, argv, "country");
	int64_t year;
	char cc[3];
	json_t *arr, *x;
	size_t i;

	if (!year_s || parse_int64(year_s, ASSESS_YEAR_MIN, ASSESS_YEAR_MAX, &year)) {
		fprintf(stderr, "sanad programme gaps: --year must be a report year from %d to %d\n", ASSESS_YEAR_MIN,
			ASSESS_YEAR_MAX);
		return 2;
	}
	if (country && response_country(country, cc, &err)) {
		cli_error("programme", &err);
		return 2;
	}
	if (response_recommendations_json(ctx->st, (int)year, country ? cc : NULL, 1, &arr, &err)) {
		cli_error("programme", &err);
		return 1;
	}
	if (cli_flag(argc, argv, "json")) {
		char *text = json_dumps(arr, JSON_INDENT(2));
		puts(text);
		free(text);
	} else {
		json_array_foreach(arr, i, x) {
			json_t *pillar = json_object_get(x, "pillar"), *check = json_object_get(x, "check");
			printf("%s\t%s\t%s\t%s\t%s\n", json_string_value(json_object_get(x, "ref")),
			       json_string_value(json_object_get(x, "country")),
			       json_is_string(pillar) ? json_string_value(pillar) : "-",
			       json_is_string(check) ? json_string_value(check) : "-",
			       json_string_value(json_object_get(x, "text")));
		}
	}
	json_decref(arr);
	return 0;
}

int cmd_programme(int argc, char **argv, struct cli_context *ctx)
{
	static const char *const opts[] = { "code=", "name=", "name-ar=", "type=", "goals=", "partner=",
					    "partner-kind=", "countries=", "amount=", "currency=", "start=", "end=",
					    "people-trained=", "victims-assisted=", "country=", "json", "programme=",
					    "recommendation=", "year=", NULL };
	char **pos;
	int npos, rc;

	if ((rc = cli_parse("programme", argc, argv, opts, &pos, &npos)))
		return rc;
	if (npos != 1) {
		fprintf(stderr, "sanad programme: say add, list, link or gaps (see 'sanad programme --help')\n");
		free(pos);
		return 2;
	}
	if (!strcmp(pos[0], "add"))
		rc = programme_cmd_add(argc, argv, ctx);
	else if (!strcmp(pos[0], "list"))
		rc = programme_cmd_list(argc, argv, ctx);
	else if (!strcmp(pos[0], "link"))
		rc = programme_cmd_link(argc, argv, ctx);
	else if (!strcmp(pos[0], "gaps"))
		rc = programme_cmd_gaps(argc, argv, ctx);
	else {
		fprintf(stderr, "sanad programme: unknown subcommand '%s' (see 'sanad programme --help')\n", pos[0]);
		rc = 2;
	}
	free(pos);
	return rc;
}
