/* cli/cmd_case.c: placeholder until the case command lands. */
#include "cli/cli.h"

#include <stdio.h>

const char usage_case[] = "usage: sanad case\n\nNot built yet.\n";

int cmd_case(int argc, char **argv, struct cli_context *ctx)
{
	(void)argc, (void)argv, (void)ctx;
	fprintf(stderr, "sanad case: not built yet\n");
	return 1;
}
