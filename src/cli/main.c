/*
 * cli/main.c: the entry point.  Finds the command in the table, answers
 * --help from the table, resolves the database path and opens the database
 * for commands that need it, runs the command and returns its status.
 */
#include "cli/cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv)
{
	const struct command *cmd;
	struct cli_context ctx = { 0 };
	struct sanad_error err = { 0 };
	int status;

	if (argc < 2)
		return cmd_help(1, argv, &ctx) ? 2 : 2;
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))
		return cmd_help(1, argv, &ctx);
	if (!strcmp(argv[1], "--version"))
		return cmd_version(1, argv, &ctx);
	cmd = command_find(argv[1]);
	if (!cmd) {
		fprintf(stderr, "sanad: '%s' is not a command. See 'sanad help'.\n", argv[1]);
		return 2;
	}
	if (cli_wants_help(argc - 1, argv + 1)) {
		fputs(cmd->usage, stdout);
		return 0;
	}
	if (vocab_load(&err)) {
		cli_error(cmd->name, &err);
		return 1;
	}
	ctx.db_path = cli_option(argc - 1, argv + 1, "db");
	if (!ctx.db_path)
		ctx.db_path = getenv("SANAD_DB");
	if (ctx.db_path && !*ctx.db_path)
		ctx.db_path = NULL;
	/* the key file that decrypts identities: --key, SANAD_KEY, else <db>.key */
	ctx.key_path = cli_option(argc - 1, argv + 1, "key");
	if (!ctx.key_path)
		ctx.key_path = getenv("SANAD_KEY");
	if (ctx.key_path && !*ctx.key_path)
		ctx.key_path = NULL;
	if (cmd->flags & CMD_NEEDS_DB) {
		if (!ctx.db_path) {
			fprintf(stderr, "sanad %s: no database given: use --db PATH or set SANAD_DB\n", cmd->name);
			return 2;
		}
		if (storage_open_keyed(&ctx.st, ctx.db_path, (cmd->flags & CMD_WRITES) ? 0 : STORAGE_READONLY,
				       ctx.key_path, &err)) {
			cli_error(cmd->name, &err);
			return 1;
		}
	}
	status = cmd->run(argc - 1, argv + 1, &ctx);
	storage_close(ctx.st);
	if (fflush(stdout) != 0) {
		perror("sanad: writing output");
		return 1;
	}
	return status;
}
