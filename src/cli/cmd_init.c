/* cli/cmd_init.c: `sanad init` creates a new, empty database and its key file. */
#include "cli/cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char usage_init[] =
	"usage: sanad init --db PATH [--key KEYFILE] [--org CODE] [--org-name NAME]\n"
	"\n"
	"Create a new Sanad database at PATH (readable by its owner only) with one\n"
	"organisation, and a new random key in KEYFILE (default PATH.key, or\n"
	"$SANAD_KEY; mode 0600).  Names, contact details, identity numbers,\n"
	"addresses and narratives are encrypted with this key: keep it outside the\n"
	"database's backups, back it up separately, and give it to later commands\n"
	"with --key KEYFILE or SANAD_KEY when it is not at PATH.key.  Refuses to\n"
	"touch an existing database or key file.\n"
	"\n"
	"  --key KEYFILE    where to create the key (default: PATH.key)\n"
	"  --org CODE       code of the first organisation (default: local)\n"
	"  --org-name NAME  its name (default: 'Local organisation')\n";

/* (declared in cli.h: sanad demo removes a database it created too) */
void cli_remove_db(const char *path)
{
	char buf[4200];
	remove(path);
	snprintf(buf, sizeof(buf), "%s-wal", path);
	remove(buf);
	snprintf(buf, sizeof(buf), "%s-shm", path);
	remove(buf);
}

int cmd_init(int argc, char **argv, struct cli_context *ctx)
{
	static const char *const opts[] = { "org=", "org-name=", NULL };
	struct organisation org = { 0 };
	struct sanad_error err = { 0 };
	struct storage *st;
	char *key_path;
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
	if (storage_open_keyed(&st, ctx->db_path, STORAGE_CREATE, ctx->key_path, &err)) {
		cli_error("init", &err);
		return 1;
	}
	key_path = xstrdup(storage_key_path(st));
	org.code = (char *)(cli_option(argc, argv, "org") ? cli_option(argc, argv, "org") : "local");
	org.name = (char *)(cli_option(argc, argv, "org-name") ? cli_option(argc, argv, "org-name")
							       : "Local organisation");
	rc = storage_org_add(st, &org, &err);
	storage_close(st);
	if (rc) {
		cli_error("init", &err);
		cli_remove_db(ctx->db_path);
		remove(key_path);
		free(key_path);
		return 1;
	}
	printf("created %s (schema %d) with organisation '%s'\n", ctx->db_path, storage_schema_latest(),
	       org.code);
	printf("key file %s: keep it private and back it up apart from the database\n", key_path);
	free(key_path);
	return 0;
}
