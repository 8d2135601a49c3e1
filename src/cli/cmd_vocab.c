/* cli/cmd_vocab.c: `sanad vocab [LIST]` shows the picklists. */
#include "cli/cli.h"

#include <stdio.h>
#include <stdlib.h>

const char usage_vocab[] =
	"usage: sanad vocab [LIST]\n"
	"\n"
	"Without LIST, name every picklist and its size.  With LIST, print its values:\n"
	"code, English label and Arabic label, tab-separated, in display order.\n";

int cmd_vocab(int argc, char **argv, struct cli_context *ctx)
{
	char **pos;
	int npos, rc, n;
	const struct vocab_list *lists;

	(void)ctx;
	if ((rc = cli_parse("vocab", argc, argv, NULL, &pos, &npos)))
		return rc;
	if (!npos) {
		lists = vocab_lists(&n);
		for (int i = 0; i < n; i++)
			printf("%s\t%d\n", lists[i].name, lists[i].count);
		free(pos);
		return 0;
	}
	for (int k = 0; k < npos; k++) {
		const struct vocab_list *l = vocab_list_find(pos[k]);
		if (!l) {
			fprintf(stderr, "sanad vocab: no list called '%s'\n", pos[k]);
			free(pos);
			return 1;
		}
		for (int i = 0; i < l->count; i++)
			printf("%s\t%s\t%s\n", l->entries[i].code, l->entries[i].label[VOCAB_EN],
			       l->entries[i].label[VOCAB_AR]);
	}
	free(pos);
	return 0;
}
