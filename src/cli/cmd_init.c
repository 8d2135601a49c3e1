/* cli/cmd_init.c: `sanad init` creates a new, empty database. */
#include "cli/cli.h"

#include <stdio.h>
#include <stdlib.h>

const char usage_init[] =
	"usage: sanad init --db PATH [--org CODE] [--org-name NAME]\n"
	"\n"
	"Create a new Sanad database at PATH (readable by its owner only) with one\n"
	"organisation.  Refuses to touch an existing file.\n"
	"\n"
	"  --org CODE       code of the first organisation (default: local)\n"
	"  --org-name NAME  its name (default: 'Local organisation')\n";

int cmd_init(int argc, char **argv, struct cli_context *ctx)
{
	static const char *const opts[] = { "org=", "org-name=", NULL };
	struct organisation org = { 0 };
	struct sanad_error err = { 0 };
	struct storage *st;
	char **pos;
	int npos, rc;

	if ((rc = cli_parse("init", argc, argv, opts, &pos, &npos)))
		return rc;
	free(pos);
	if (npos) {
		fprintf(stderr, "sanad init: unexpected argument (see 'sanad init --help')\n");
		return 2;
	}
	if (!ctx->db_path) {
		fprintf(stderr, "sanad init: no database given: use --db PATH or set SANAD_DB\n");
		return 2;
	}
	if (storage_open(&st, ctx->db_path, STORAGE_CREATE, &err)) {
		cli_error("init", &err);
		return 1;
	}
	org.code = (char *)(cli_option(argc, argv, "org") ? cli_option(argc, argv, "org") : "local");
	org.name = (char *)(cli_option(argc, argv, "org-name") ? cli_option(argc, argv, "org-name")
							       : "Local organisation");
	rc = storage_org_add(st, &org, &err);
	storage_close(st);
	if (rc) {
		cli_error("init", &err);
		remove(ctx->db_path);
		return 1;
	}
	printf("created %s (schema %d) with organisation '%s'\n", ctx->db_path, storage_schema_latest(),
	       org.code);
	return 0;
}
