/*
 * cli/cmd_export.c: `sanad export` writes the cases as HTCDS CSV or Sanad
 * JSON, or k-anonymous micro-data in the CTDC layout for sharing (the
 * exporter module does the work).  With --output the file appears
 * whole or not at all: the export goes to a temporary file beside it,
 * created readable by its owner only, which is renamed over FILE at the end.
 */
#include "cli/cli.h"
#include "audit/audit.h"
#include "disclosure/disclosure.h"
#include "exporter/exporter.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

const char usage_export[] =
	"usage: sanad export --db PATH --format htcds-csv|json [--org CODE] [--output FILE]\n"
	"                    [--no-identity]\n"
	"       sanad export --db PATH --format ctdc-anon --output FILE [--k K]\n"
	"                    [--max-suppress SHARE] [--scope national|all|org] [--org CODE]\n"
	"                    [--year Y] [--report FILE.json]\n"
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
	"  --format ctdc-anon  micro-data to share: one row per case in the CTDC\n"
	"                      columns (yearOfRegistration, gender, ageBroad,\n"
	"                      citizenship, isForcedLabour, isSexualExploit,\n"
	"                      CountryOfExploitation), no identities, made\n"
	"                      k-anonymous: values are generalised (age band ->\n"
	"                      0--17/18+, country -> UN sub-region -> region, year ->\n"
	"                      5-year period, '*' = withheld; '-' = unknown) and the\n"
	"                      rows still in groups smaller than K are left out.\n"
	"                      What was lost is printed on standard error.\n"
	"  --k K               smallest group of identical rows (default 5, 2..1000)\n"
	"  --max-suppress S    share of rows that may be left out rather than\n"
	"                      generalise further (default 0.05, 0..1)\n"
	"  --scope S           national (default): the national pool -- cases of\n"
	"                      organisations in the pool whose victim consented to\n"
	"                      statistical use, a person recorded twice once;\n"
	"                      all: every case; org: the cases of --org CODE\n"
	"  --year Y            only cases registered in year Y\n"
	"  --report FILE       also write the report as JSON to FILE\n"
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

/* Options of --format ctdc-anon only. */
static const char *const anon_only[] = { "k", "max-suppress", "scope", "year", "report", NULL };

/* Write data to path whole or not at all: a 0600 temporary file beside it,
 * synced, then renamed over it. */
static int write_file_private(const char *path, const char *data, size_t len, struct sanad_error *err)
{
	char *tmp = NULL;
	FILE *f = open_temp_beside(path, &tmp);
	int rc = 0;

	if (!f)
		return sanad_error_set(err, SANAD_EIO, "cannot create a file beside %s: %s", path,
				       strerror(errno));
	if (fwrite(data, 1, len, f) != len || fflush(f) || fsync(fileno(f)))
		rc = sanad_error_set(err, SANAD_EIO, "writing %s: %s", tmp, strerror(errno));
	if (fclose(f) && !rc)
		rc = sanad_error_set(err, SANAD_EIO, "writing %s: %s", tmp, strerror(errno));
	if (!rc && rename(tmp, path))
		rc = sanad_error_set(err, SANAD_EIO, "cannot rename %s to %s: %s", tmp, path, strerror(errno));
	if (rc)
		unlink(tmp);
	free(tmp);
	return rc;
}

/* --format ctdc-anon: check the options, export, print the report. */
static int export_anonymised(int argc, char **argv, struct cli_context *ctx)
{
	struct ctdc_anon_options o = { EXPORT_SCOPE_NATIONAL, NULL, 0, DISCLOSURE_DEFAULT_K, 0.05 };
	struct ctdc_anon_report report;
	struct sanad_error err = { 0 };
	struct strbuf csv = STRBUF_INIT, text = STRBUF_INIT, detail = STRBUF_INIT;
	const char *output = cli_option(argc, argv, "output");
	const char *report_path = cli_option(argc, argv, "report");
	const char *k_s = cli_option(argc, argv, "k"), *share_s = cli_option(argc, argv, "max-suppress");
	const char *scope_s = cli_option(argc, argv, "scope"), *year_s = cli_option(argc, argv, "year");
	int64_t v;
	int rc;

	o.org_code = cli_option(argc, argv, "org");
	if (cli_flag(argc, argv, "no-identity")) {
		fprintf(stderr, "sanad export: --no-identity is implied by --format ctdc-anon\n");
		return 2;
	}
	if (!output || !*output) {
		fprintf(stderr, "sanad export: --format ctdc-anon needs --output FILE\n");
		return 2;
	}
	if (report_path && !*report_path) {
		fprintf(stderr, "sanad export: --report needs a file name\n");
		return 2;
	}
	if (k_s) {
		if (parse_int64(k_s, INT64_MIN, INT64_MAX, &v) || v < 2 || v > 1000) {
			fprintf(stderr, "sanad export: --k '%.40s': k must be a whole number from 2 to 1000 "
					"(k = 1 would protect no one)\n", k_s);
			return 2;
		}
		o.k = (size_t)v;
	}
	if (share_s) {
		char *end = NULL;
		double d = strtod(share_s, &end);
		if (!*share_s || !end || *end || !(d >= 0 && d <= 1)) {
			fprintf(stderr, "sanad export: --max-suppress '%.40s' is not a share from 0 to 1 "
					"(0.05 = 5%% of the rows)\n", share_s);
			return 2;
		}
		o.max_suppress = d;
	}
	if (scope_s) {
		if (!strcmp(scope_s, "national"))
			o.scope = EXPORT_SCOPE_NATIONAL;
		else if (!strcmp(scope_s, "all"))
			o.scope = EXPORT_SCOPE_ALL;
		else if (!strcmp(scope_s, "org"))
			o.scope = EXPORT_SCOPE_ORG;
		else {
			fprintf(stderr, "sanad export: --scope '%.40s': use national, all or org\n", scope_s);
			return 2;
		}
	} else if (o.org_code) {
		o.scope = EXPORT_SCOPE_ORG;
	}
	if (o.scope == EXPORT_SCOPE_ORG && (!o.org_code || !*o.org_code)) {
		fprintf(stderr, "sanad export: --scope org needs --org CODE\n");
		return 2;
	}
	if (o.scope != EXPORT_SCOPE_ORG && o.org_code) {
		fprintf(stderr, "sanad export: --org goes with --scope org, not --scope %s\n",
			export_scope_name(o.scope));
		return 2;
	}
	if (year_s) {
		if (parse_int64(year_s, 1900, 2200, &v)) {
			fprintf(stderr, "sanad export: --year '%.40s' is not a year from 1900 to 2200\n", year_s);
			return 2;
		}
		o.year = (int)v;
	}

	strbuf_addf(&detail, "ctdc-anon k=%zu scope=%s", o.k, export_scope_name(o.scope));
	/* audit first: an export that cannot be recorded does not happen */
	rc = audit_append(ctx->st, audit_cli_actor(), o.org_code, AUDIT_EXPORT, NULL, detail.buf, &err);
	if (!rc)
		rc = export_ctdc_anon(ctx->st, &o, &csv, &report, &err);
	if (!rc && report_path) {
		json_t *j = export_ctdc_anon_report_json(&report);
		char *s = json_dumps(j, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(6));
		strbuf_addstr(&text, s);
		strbuf_addch(&text, '\n');
		free(s);
		json_decref(j);
	}
	/* the report first: a file without its report is not written */
	if (!rc && report_path)
		rc = write_file_private(report_path, text.buf, text.len, &err);
	if (!rc)
		rc = write_file_private(output, csv.buf, csv.len, &err);
	if (!rc) {
		strbuf_reset(&text);
		export_ctdc_anon_report_text(&report, &text);
		fputs(text.buf, stderr);
	} else {
		cli_error("export", &err);
	}
	strbuf_release(&csv);
	strbuf_release(&text);
	strbuf_release(&detail);
	if (rc)
		return rc == SANAD_EINVAL ? 2 : 1;
	return 0;
}

int cmd_export(int argc, char **argv, struct cli_context *ctx)
{
	static const char *const opts[] = { "format=", "org=", "output=", "no-identity", "k=",
					      "max-suppress=", "scope=", "year=", "report=", NULL };
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
		fprintf(stderr, "sanad export: say --format htcds-csv, json or ctdc-anon\n");
		return 2;
	}
	if (!strcmp(format, "ctdc-anon"))
		return export_anonymised(argc, argv, ctx);
	for (const char *const *o = anon_only; *o; o++)
		if (cli_option(argc, argv, *o)) {
			fprintf(stderr, "sanad export: --%s only applies with --format ctdc-anon\n", *o);
			return 2;
		}
	if ((fmt = export_format_parse(format)) < 0) {
		fprintf(stderr, "sanad export: unknown format '%s' (use htcds-csv, json or ctdc-anon)\n",
			format);
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
