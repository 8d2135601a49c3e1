/* cli/cmd_backup.c: `sanad backup` and `sanad check`. */
#include "cli/cli.h"

#include <stdio.h>
#include <stdlib.h>

const char usage_backup[] =
	"usage: sanad backup --db PATH DEST\n"
	"\n"
	"Copy the database to the new file DEST with SQLite's online backup, so the\n"
	"copy is consistent even while the server or an import is writing.  DEST\n"
	"must not exist.  The copy is readable by its owner only; it holds the same\n"
	"personal data as the database, so store it as carefully.  The records of\n"
	"reads a running (or crashed) 'sanad serve' has left in its audit journal\n"
	"are copied into the trail first, so the copy's trail is complete.\n";

const char usage_check[] =
	"usage: sanad check --db PATH\n"
	"\n"
	"Check the database: SQLite's integrity check, foreign keys, the schema\n"
	"version, and every stored value against the field rules and picklists.\n"
	"Prints one line per problem; exits 0 when there are none, 1 otherwise.\n";

int cmd_backup(int argc, char **argv, struct cli_context *ctx)
{
	struct sanad_error err = { 0 };
	char **pos;
	int npos, rc;

	if ((rc = cli_parse("backup", argc, argv, NULL, &pos, &npos)))
		return rc;
	if (npos != 1) {
		free(pos);
		fprintf(stderr, "sanad backup: give one destination file (see 'sanad backup --help')\n");
		return 2;
	}
	/* the reads a running server has answered are in the copy too */
	cli_ingest_audit_journals(ctx, "backup");
	rc = storage_backup(ctx->st, pos[0], &err);
	if (rc)
		cli_error("backup", &err);
	else
		printf("backed up %s to %s\n", ctx->db_path, pos[0]);
	free(pos);
	return rc ? 1 : 0;
}

int cmd_check(int argc, char **argv, struct cli_context *ctx)
{
	struct sanad_error err = { 0 };
	struct strbuf report = STRBUF_INIT;
	char **pos;
	int npos, rc, problems = 0;

	if ((rc = cli_parse("check", argc, argv, NULL, &pos, &npos)))
		return rc;
	free(pos);
	if (storage_check(ctx->st, &report, &problems, &err)) {
		cli_error("check", &err);
		strbuf_release(&report);
		return 1;
	}
	fputs(strbuf_str(&report), stdout);
	printf("%s: %d problem%s\n", ctx->db_path, problems, problems == 1 ? "" : "s");
	strbuf_release(&report);
	return problems ? 1 : 0;
}
