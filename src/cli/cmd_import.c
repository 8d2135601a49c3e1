/* cli/cmd_import.c: placeholder until the import command lands. */
#include "cli/cli.h"

#include <stdio.h>

const char usage_import[] = "usage: sanad import\n\nNot built yet.\n";

int cmd_import(int argc, char **argv, struct cli_context *ctx)
{
	(void)argc, (void)argv, (void)ctx;
	fprintf(stderr, "sanad import: not built yet\n");
	return 1;
}
