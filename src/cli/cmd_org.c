/* cli/cmd_org.c: `sanad org list|add|update`. */
#include "cli/cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char usage_org[] =
	"usage: sanad org list --db PATH\n"
	"       sanad org add --db PATH --code CODE --name NAME [--name-ar NAME]\n"
	"                     [--type ORG_TYPE] [--country CC] [--in-pool] [--own-cases-only]\n"
	"       sanad org update --db PATH CODE --pool yes|no\n"
	"\n"
	"List the organisations of a deployment, or add one.  ORG_TYPE is a value of\n"
	"the org_type list (see 'sanad vocab org_type'); CC an ISO 3166 code.\n"
	"  --in-pool         the organisation's cases join the national statistics\n"
	"  --own-cases-only  its caseworkers see only the cases they own\n"
	"  --pool yes|no     join or leave the national pool: its cases count in the\n"
	"                    national statistics (those whose victims consent) or, at\n"
	"                    once, no longer\n";

/* `org update CODE --pool yes|no`: the other settings stay as they are. */
static int org_update(const char *code, const char *pool, struct cli_context *ctx)
{
	struct organisation o;
	struct sanad_error err = { 0 };
	int rc;

	if (!pool || (strcmp(pool, "yes") && strcmp(pool, "no"))) {
		fprintf(stderr, "sanad org update: say --pool yes or --pool no\n");
		return 2;
	}
	if (storage_org_get(ctx->st, code, &o, &err)) {
		cli_error("org", &err);
		return 1;
	}
	o.in_pool = !strcmp(pool, "yes");
	rc = storage_org_update(ctx->st, &o, &err);
	organisation_release(&o);
	if (rc) {
		cli_error("org", &err);
		return 1;
	}
	printf("organisation '%s' %s the national pool\n", code, !strcmp(pool, "yes") ? "is in" : "has left");
	return 0;
}

int cmd_org(int argc, char **argv, struct cli_context *ctx)
{
	static const char *const opts[] = { "code=", "name=", "name-ar=", "type=", "country=",
					    "in-pool", "own-cases-only", "pool=", NULL };
	struct sanad_error err = { 0 };
	char **pos;
	int npos, rc;

	if ((rc = cli_parse("org", argc, argv, opts, &pos, &npos)))
		return rc;
	if (npos == 2 && !strcmp(pos[0], "update")) {
		rc = org_update(pos[1], cli_option(argc, argv, "pool"), ctx);
		free(pos);
		return rc;
	}
	if (npos != 1 || (strcmp(pos[0], "list") && strcmp(pos[0], "add"))) {
		fprintf(stderr, "sanad org: say 'list', 'add' or 'update CODE' (see 'sanad org --help')\n");
		free(pos);
		return 2;
	}
	if (!strcmp(pos[0], "list")) {
		struct organisation *orgs;
		size_t n;
		free(pos);
		if (storage_org_list(ctx->st, &orgs, &n, &err)) {
			cli_error("org", &err);
			return 1;
		}
		for (size_t i = 0; i < n; i++) {
			printf("%s\t%s\t%s\t%s\t%s\n", orgs[i].code, orgs[i].name,
			       orgs[i].org_type ? orgs[i].org_type : "-", orgs[i].country ? orgs[i].country : "-",
			       orgs[i].in_pool ? "in-pool" : "not-in-pool");
			organisation_release(&orgs[i]);
		}
		free(orgs);
		return 0;
	}
	free(pos);
	{
		struct organisation o = { 0 };
		o.code = (char *)cli_option(argc, argv, "code");
		o.name = (char *)cli_option(argc, argv, "name");
		o.name_ar = (char *)cli_option(argc, argv, "name-ar");
		o.org_type = (char *)cli_option(argc, argv, "type");
		o.country = (char *)cli_option(argc, argv, "country");
		o.in_pool = cli_flag(argc, argv, "in-pool");
		o.own_cases_only = cli_flag(argc, argv, "own-cases-only");
		if (!o.code || !o.name) {
			fprintf(stderr, "sanad org add: --code and --name are required\n");
			return 2;
		}
		if (storage_org_add(ctx->st, &o, &err)) {
			cli_error("org", &err);
			return 1;
		}
		printf("added organisation '%s'\n", o.code);
	}
	return 0;
}
