/* cli/cmd_assess.c: placeholder until the assess command lands. */
#include "cli/cli.h"

#include <stdio.h>

const char usage_assess[] = "usage: sanad assess\n\nNot built yet.\n";

int cmd_assess(int argc, char **argv, struct cli_context *ctx)
{
	(void)argc, (void)argv, (void)ctx;
	fprintf(stderr, "sanad assess: not built yet\n");
	return 1;
}
