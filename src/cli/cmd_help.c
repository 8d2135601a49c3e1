/* cli/cmd_help.c: `sanad help [COMMAND]` and `sanad version`. */
#include "cli/cli.h"

#include <stdio.h>

#ifndef SANAD_VERSION
#define SANAD_VERSION "0.1.0"
#endif

const char usage_help[] =
	"usage: sanad help [COMMAND]\n"
	"\n"
	"Without COMMAND, list every command.  With it, show that command's help\n"
	"(the same as 'sanad COMMAND --help').\n";

const char usage_version[] = "usage: sanad version\n\nPrint the version of sanad and its schema.\n";

int cmd_help(int argc, char **argv, struct cli_context *ctx)
{
	int n;
	const struct command *t = command_table(&n);
	(void)ctx;
	if (argc > 1) {
		const struct command *c = command_find(argv[1]);
		if (!c) {
			fprintf(stderr, "sanad help: '%s' is not a command\n", argv[1]);
			return 2;
		}
		fputs(c->usage, stdout);
		return 0;
	}
	printf("usage: sanad COMMAND [OPTIONS]\n\n"
	       "Sanad keeps the cases of organisations that identify, refer, protect and assist\n"
	       "victims of trafficking.  Most commands work on one database, given with\n"
	       "--db PATH or the SANAD_DB environment variable.\n\nCommands:\n");
	for (int i = 0; i < n; i++)
		printf("  %-8s %s\n", t[i].name, t[i].summary);
	printf("\nRun 'sanad COMMAND --help' for a command's options.\n");
	return 0;
}

int cmd_version(int argc, char **argv, struct cli_context *ctx)
{
	(void)argc, (void)argv, (void)ctx;
	printf("sanad %s (schema %d)\n", SANAD_VERSION, storage_schema_latest());
	return 0;
}
