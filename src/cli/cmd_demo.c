/* cli/cmd_demo.c: placeholder until the demo command lands. */
#include "cli/cli.h"

#include <stdio.h>

const char usage_demo[] = "usage: sanad demo\n\nNot built yet.\n";

int cmd_demo(int argc, char **argv, struct cli_context *ctx)
{
	(void)argc, (void)argv, (void)ctx;
	fprintf(stderr, "sanad demo: not built yet\n");
	return 1;
}
