/*
 * cli/commands.c: the command table and the option helpers commands share.
 * Adding a command touches two places: a row here and its cmd_<name>.c.
 */
#include "cli/cli.h"
#include "audit/audit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

extern const char usage_help[], usage_version[], usage_init[], usage_org[], usage_import[],
	usage_export[], usage_case[], usage_stats[], usage_demo[], usage_backup[], usage_check[],
	usage_vocab[], usage_assess[], usage_user[], usage_rekey[], usage_audit[], usage_serve[],
	usage_response[], usage_report[], usage_programme[], usage_population[];

static const struct command commands[] = {
	{ "help", cmd_help, 0, "list the commands, or show one command's help", usage_help },
	{ "init", cmd_init, 0, "create a new database", usage_init },
	{ "org", cmd_org, CMD_NEEDS_DB | CMD_WRITES, "list and add organisations", usage_org },
	{ "case", cmd_case, CMD_NEEDS_DB | CMD_WRITES, "list, show, add and update cases", usage_case },
	{ "import", cmd_import, CMD_NEEDS_DB | CMD_WRITES,
	  "import cases from HTCDS CSV, the CTDC layout or XForm submissions", usage_import },
	{ "export", cmd_export, CMD_NEEDS_DB | CMD_WRITES, "export cases as HTCDS CSV or JSON", usage_export },
	{ "stats", cmd_stats, CMD_NEEDS_DB, "count victims by year and disaggregation dimensions",
	  usage_stats },
	{ "population", cmd_population, CMD_NEEDS_DB | CMD_WRITES,
	  "set, import and list the population figures of SDG indicator 16.2.2", usage_population },
	{ "demo", cmd_demo, 0, "create or fill a database with realistic synthetic cases", usage_demo },
	{ "backup", cmd_backup, CMD_NEEDS_DB, "copy the database safely while it is in use", usage_backup },
	{ "check", cmd_check, CMD_NEEDS_DB, "check the database's integrity", usage_check },
	{ "vocab", cmd_vocab, 0, "show the picklists and their English and Arabic labels", usage_vocab },
	{ "assess", cmd_assess, 0, "place countries in TIP tiers from country-year records", usage_assess },
	{ "response", cmd_response, CMD_NEEDS_DB | CMD_WRITES,
	  "record a country's response per year: findings, justice, penalties, facts", usage_response },
	{ "report", cmd_report, CMD_NEEDS_DB, "write the annual report (HTML, PDF, JSON) in Arabic or English",
	  usage_report },
	{ "programme", cmd_programme, CMD_NEEDS_DB | CMD_WRITES,
	  "register programmes and grants; which recommendations have none", usage_programme },
	{ "user", cmd_user, CMD_NEEDS_DB | CMD_WRITES, "add, list, disable and re-role user accounts; tokens",
	  usage_user },
	{ "rekey", cmd_rekey, CMD_NEEDS_DB | CMD_WRITES, "encrypt the database under a new key file", usage_rekey },
	{ "audit", cmd_audit, CMD_NEEDS_DB, "verify and browse the audit trail", usage_audit },
	{ "serve", cmd_serve, 0, "run the web server: the JSON API and the web interface", usage_serve },
	{ "version", cmd_version, 0, "print the version", usage_version },
};

const struct command *command_table(int *count)
{
	*count = (int)(sizeof(commands) / sizeof(commands[0]));
	return commands;
}

const struct command *command_find(const char *name)
{
	int n;
	const struct command *t = command_table(&n);
	for (int i = 0; i < n; i++)
		if (!strcmp(t[i].name, name))
			return &t[i];
	return NULL;
}

/* What reads the trail (sanad audit) or copies it (sanad backup) must hold
 * every record written so far.  The command's own handle may be read-only
 * (an auditor may have no more, or be checking a copy on read-only
 * media): copying takes a second handle, and only when there is something
 * to copy. */
void cli_ingest_audit_journals(struct cli_context *ctx, const char *cmd)
{
	struct audit_ingest_result res = { 0 };
	struct sanad_error err = { 0 };
	struct storage *rw;
	int rc;
	if (!audit_journal_pending(ctx->db_path))
		return;
	/* no write access, or a long import holding the write lock: the
	 * trail as it is, said so */
	if (!(rc = storage_open_keyed(&rw, ctx->db_path, 0, ctx->key_path, &err))) {
		rc = audit_journal_ingest(rw, &res, &err);
		storage_close(rw);
	}
	if (rc)
		fprintf(stderr,
			"sanad %s: the audit journal beside the database could not be copied into the trail "
			"(%s); the newest records of reads may be missing\n",
			cmd, err.message);
	else if (res.warning[0])
		fprintf(stderr, "sanad %s: %s\n", cmd, res.warning);
}

void cli_error(const char *cmd, const struct sanad_error *err)
{
	fprintf(stderr, "sanad %s: %s\n", cmd, err->message[0] ? err->message : "failed");
}

int cli_wants_help(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--"))
			break;
		if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help"))
			return 1;
	}
	return 0;
}

const char *cli_option(int argc, char **argv, const char *name)
{
	size_t n = strlen(name);
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (!strcmp(a, "--"))
			break;
		if (a[0] != '-' || a[1] != '-' || strncmp(a + 2, name, n))
			continue;
		if (a[2 + n] == '=')
			return a + 3 + n;
		if (!a[2 + n] && i + 1 < argc)
			return argv[i + 1];
	}
	return NULL;
}

int cli_flag(int argc, char **argv, const char *name)
{
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--"))
			break;
		if (argv[i][0] == '-' && argv[i][1] == '-' && !strcmp(argv[i] + 2, name))
			return 1;
	}
	return 0;
}

int cli_parse(const char *cmd, int argc, char **argv, const char *const *allowed, char ***pos, int *npos)
{
	static const char *const always[] = { "db=", "key=", NULL };
	char **out = xcalloc((size_t)argc + 1, sizeof(char *));
	int count = 0, only_pos = 0;

	*npos = 0;
	*pos = NULL;

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		int found = 0, takes = 0;
		size_t n;
		if (only_pos || a[0] != '-' || !a[1]) {
			out[count++] = argv[i];
			continue;
		}
		if (!strcmp(a, "--")) {
			only_pos = 1;
			continue;
		}
		if (a[1] != '-') {
			fprintf(stderr, "sanad %s: unknown option '%s' (see 'sanad %s --help')\n", cmd, a, cmd);
			free(out);
			return 2;
		}
		n = strcspn(a + 2, "=");
		for (int pass = 0; pass < 2 && !found; pass++) {
			const char *const *list = pass ? always : allowed;
			for (int k = 0; list && list[k]; k++) {
				size_t ln = strcspn(list[k], "=");
				if (ln == n && !strncmp(list[k], a + 2, n)) {
					found = 1;
					takes = list[k][ln] == '=';
					break;
				}
			}
		}
		if (!found) {
			fprintf(stderr, "sanad %s: unknown option '%s' (see 'sanad %s --help')\n", cmd, a, cmd);
			free(out);
			return 2;
		}
		if (takes && !a[2 + n]) {
			if (i + 1 >= argc) {
				fprintf(stderr, "sanad %s: option '%s' needs a value\n", cmd, a);
				free(out);
				return 2;
			}
			i++; /* skip the value */
		} else if (!takes && a[2 + n]) {
			fprintf(stderr, "sanad %s: option '--%.*s' takes no value\n", cmd, (int)n, a + 2);
			free(out);
			return 2;
		}
	}
	*pos = out;
	*npos = count;
	return 0;
}
