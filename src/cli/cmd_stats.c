/* cli/cmd_stats.c: placeholder until the stats command lands. */
#include "cli/cli.h"

#include <stdio.h>

const char usage_stats[] = "usage: sanad stats\n\nNot built yet.\n";

int cmd_stats(int argc, char **argv, struct cli_context *ctx)
{
	(void)argc, (void)argv, (void)ctx;
	fprintf(stderr, "sanad stats: not built yet\n");
	return 1;
}
