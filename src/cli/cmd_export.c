/*
 * cli/cmd_export.c: `sanad export` writes the cases as HTCDS CSV or Sanad
 * JSON (the exporter module does the work).  With --output the file appears
 * whole or not at all: the export goes to a temporary file beside it,
 * created readable by its owner only, which is renamed over FILE at the end.
 */
#include "cli/cli.h"
#include "audit/audit.h"
#include "exporter/exporter.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

const char usage_export[] =
	"usage: sanad export --db PATH --format htcds-csv|json [--org CODE] [--output FILE]\n"
	"                    [--no-identity]\n"
	"\n"
	"Write the cases of the database in a format 'sanad import' reads back:\n"
	"exporting, importing into a new database and exporting again gives the\n"
	"same bytes.\n"
	"\n"
	"  --format htcds-csv  one row per case: the case fields, then each\n"
	"                      repeating group's fields numbered per item\n"
	"                      (hte_Type.1, hte_Country.1, ..., hte_Type.2, ...);\n"
	"                      multi-selects as codes joined by ';'; empty = unknown\n"
	"  --format json       {\"format\":\"sanad-cases\",\"version\":1,\n"
	"                       \"organisations\":[...],\"cases\":[...]}, with the\n"
	"                      organisations that own the exported cases\n"
	"  --org CODE          only the cases of this organisation\n"
	"  --output FILE       write FILE (mode 0600, replaced only when the export\n"
	"                      is complete) instead of standard output\n"
	"  --no-identity       leave out names, contact details, birth dates and\n"
	"                      free-text narratives, for sharing (such an export\n"
	"                      cannot be imported back in full)\n"
	"\n"
	"A full export contains the identities of victims and what happened to\n"
	"them.  Protect it like the database itself: keep it encrypted, share it\n"
	"with no one who may not see the cases, and delete it when done.\n";

/* Create a temporary file beside path, mode 0600; *tmp is its new name. */
static FILE *open_temp_beside(const char *path, char **tmp)
{
	size_t n = strlen(path) + 16;
	FILE *f;
	int fd;

	*tmp = xmalloc(n);
	snprintf(*tmp, n, "%s.tmp-XXXXXX", path);
	fd = mkstemp(*tmp); /* mkstemp creates with mode 0600 */
	if (fd < 0) {
		free(*tmp);
		*tmp = NULL;
		return NULL;
	}
	f = fdopen(fd, "w");
	if (!f) {
		close(fd);
		unlink(*tmp);
		free(*tmp);
		*tmp = NULL;
	}
	return f;
}

int cmd_export(int argc, char **argv, struct cli_context *ctx)
{
	static const char *const opts[] = { "format=", "org=", "output=", "no-identity", NULL };
	struct export_options opt = { 0 };
	struct sanad_error err = { 0 };
	const char *format = cli_option(argc, argv, "format");
	const char *output = cli_option(argc, argv, "output");
	char *tmp = NULL;
	char **pos;
	FILE *out = stdout;
	int npos, rc, fmt;

	if ((rc = cli_parse("export", argc, argv, opts, &pos, &npos)))
		return rc;
	free(pos);
	if (npos) {
		fprintf(stderr, "sanad export: unexpected argument (see 'sanad export --help')\n");
		return 2;
	}
	if (!format) {
		fprintf(stderr, "sanad export: say --format htcds-csv or --format json\n");
		return 2;
	}
	if ((fmt = export_format_parse(format)) < 0) {
		fprintf(stderr, "sanad export: unknown format '%s' (use htcds-csv or json)\n", format);
		return 2;
	}
	if (output && !*output) {
		fprintf(stderr, "sanad export: --output needs a file name\n");
		return 2;
	}
	opt.org_code = cli_option(argc, argv, "org");
	opt.no_identity = cli_flag(argc, argv, "no-identity");

	if (output && !(out = open_temp_beside(output, &tmp))) {
		fprintf(stderr, "sanad export: cannot create a file beside %s: %s\n", output, strerror(errno));
		return 1;
	}
	/* audit first: an export that cannot be recorded does not happen */
	rc = audit_append(ctx->st, audit_cli_actor(), opt.org_code, AUDIT_EXPORT, NULL,
			  opt.no_identity ? "no identity" : format, &err);
	if (!rc)
		rc = export_cases(ctx->st, (enum export_format)fmt, &opt, out, &err);
	if (!output)
		return rc ? (cli_error("export", &err), 1) : 0;
	/* the data must be on disk before the name points at it */
	if (!rc && (fflush(out) || fsync(fileno(out))))
		rc = sanad_error_set(&err, SANAD_EIO, "writing %s: %s", tmp, strerror(errno));
	if (fclose(out) && !rc)
		rc = sanad_error_set(&err, SANAD_EIO, "writing %s: %s", tmp, strerror(errno));
	if (!rc && rename(tmp, output))
		rc = sanad_error_set(&err, SANAD_EIO, "cannot rename %s to %s: %s", tmp, output, strerror(errno));
	if (rc) {
		unlink(tmp);
		cli_error("export", &err);
	}
	free(tmp);
	return rc ? 1 : 0;
}
