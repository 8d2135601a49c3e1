/* cli/cmd_export.c: placeholder until the export command lands. */
#include "cli/cli.h"

#include <stdio.h>

const char usage_export[] = "usage: sanad export\n\nNot built yet.\n";

int cmd_export(int argc, char **argv, struct cli_context *ctx)
{
	(void)argc, (void)argv, (void)ctx;
	fprintf(stderr, "sanad export: not built yet\n");
	return 1;
}
