/* cli/cmd_import.c: `sanad import` — cases from HTCDS CSV, the CTDC layout,
 * XForm submissions or Sanad JSON, all files in one transaction. */
#include "cli/cli.h"
#include "audit/audit.h"
#include "importer/importer.h"
#include "stats/stats.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

const char usage_import[] =
	"usage: sanad import --db PATH --format FORMAT [--org CODE] [--skip-invalid]\n"
	"                    [--rejects FILE] [--dry-run] [--quiet] [--wal] FILE...\n"
	"\n"
	"Import cases from files, all of them in one transaction.  If any record is\n"
	"invalid nothing is written, and every problem is listed on stderr as\n"
	"  FILE: row N, column C, value 'V': reason\n"
	"where rows are counted from 1 after the header (XForm: submissions).  FILE\n"
	"'-' reads standard input.\n"
	"\n"
	"  --format FORMAT  htcds-csv, ctdc, xform or json (see below)\n"
	"  --org CODE       organisation that owns records which do not name one\n"
	"                   (default: the database's only organisation)\n"
	"  --skip-invalid   import the valid records and write the rejected ones,\n"
	"                   with the reasons, to the rejects file\n"
	"  --rejects FILE   where --skip-invalid writes them (default FILE.rejects.csv\n"
	"                   beside the first file); CSV with the columns file, row,\n"
	"                   column, value, reason, record (the record as read)\n"
	"  --dry-run        check everything, duplicates included, and write nothing\n"
	"  --quiet          no summary and no warnings; problems are still listed\n"
	"  --wal            keep the write-ahead log even when nobody else has the\n"
	"                   database open (see below)\n"
	"\n"
	"When no other process has the database open, the import writes through a\n"
	"rollback journal instead of the write-ahead log, which writes each new page\n"
	"once instead of twice (a large import takes a fifth less time).  A command\n"
	"started meanwhile that writes waits for the import to end, and one that\n"
	"reads may find the database locked once the import holds more than 256 MiB\n"
	"of new pages; afterwards the database is in WAL again.  With --wal, or\n"
	"when the server or another command has the database open, the import runs\n"
	"in WAL and readers go on as usual.\n"
	"\n"
	"Formats:\n"
	"  htcds-csv  One row per case.  The header names HTCDS fields (prs_Gender,\n"
	"             vic_TypeOfExploitation; the XForm spellings prs_First_Name\n"
	"             work too), in any order and any subset: the layout of\n"
	"             'sanad export --format htcds-csv'.  Fields of repeating groups\n"
	"             carry the item number from 1: hte_Type.1, hte_Country.1,\n"
	"             hte_Type.2 (without a number: item 1); an item with all cells\n"
	"             empty is no item.  Multi-select cells hold codes separated by\n"
	"             ';'.  A leading apostrophe on free text (the formula guard of\n"
	"             Sanad's exports) is removed.  An org_Name column names the\n"
	"             organisations the import creates for snd_Organisation codes\n"
	"             that do not exist yet.\n"
	"  ctdc       The global dataset layout of the Counter Trafficking Data\n"
	"             Collaborative, any subset of its columns in any order:\n"
	"             yearOfRegistration, Datasource, gender (the person's sex:\n"
	"             Female, Male, Transgender), ageBroad (18--20, 18-20, 48+),\n"
	"             majorityStatus, majorityStatusAtExploit, citizenship and\n"
	"             CountryOfExploitation (ISO 3166 codes), isAbduction, and the\n"
	"             flags meansOfControl*, isForcedLabour, isSexualExploit and the\n"
	"             other is* types, typeOfLabour*, typeOfSex*, recruiterRelation*\n"
	"             (1 set, 0 not set).  '-', '-99', '00' (country) and empty\n"
	"             cells are unknown.  Columns CTDC derives from others\n"
	"             (*Concatenated, *NotSpecified, isSexAndLabour) are accepted\n"
	"             and not read.\n"
	"  xform      Submissions of the HTCDS XForm (ODK Collect, KoboToolbox,\n"
	"             Enketo): one <data id=\"...\"> instance per file, or several\n"
	"             inside any wrapper element.  Elements are HTCDS field names;\n"
	"             multi-select answers are separated by spaces.  meta/instanceID\n"
	"             becomes the case reference, so a submission imported twice is\n"
	"             refused as a duplicate.\n"
	"  json       Sanad's JSON export ('sanad export --format json').\n"
	"\n"
	"Files are UTF-8 (a byte-order mark is fine) with LF or CRLF line ends.\n"
	"Broken UTF-8, a wrong number of cells, an unknown code, an impossible date,\n"
	"a cell over 1 MiB, a record over 4 MiB and more than 2000 columns are\n"
	"errors of their row.  Columns or elements Sanad does not know are reported\n"
	"once and ignored.\n"
	"\n"
	"Exit status: 0 imported, 1 nothing imported (invalid records or an error),\n"
	"2 usage error.\n";

/* The statistics indexes of the year and the nine disaggregation
 * dimensions of the source documents (DOMAIN.md, para 110), ready when the
 * import ends, so that the first count after it (`sanad stats`, the
 * dashboard) loads bitmaps instead of scanning every case
 * (bench/README.md).  They are built from the records as they are written
 * (import_feed below), which reads nothing back; should that fail, from a
 * scan of the new cases while the log is checkpointed (prepare_statistics). */
static const char *const prepared_dimensions[] = {
	"year", "sex", "age", "disability", "ethnicity", "nationality", "migration_status", "location",
	"socio_economic_status", "exploitation",
};

/* The same indexes built from the records as they are written (stats_feed):
 * no scan at all when it works; prepare_statistics is the fallback. */
struct import_feed {
	struct stats_engine *engine;
	struct stats_feed *feed;
};

static void feed_begun(void *ctx, struct storage *st)
{
	struct import_feed *f = ctx;
	struct sanad_error err = { 0 };
	if (stats_engine_open(&f->engine, &err))
		return;
	if (stats_feed_begin(f->engine, st, prepared_dimensions,
			     (int)(sizeof(prepared_dimensions) / sizeof(*prepared_dimensions)), &f->feed, &err))
		f->feed = NULL; /* the indexes are prepared after the commit instead */
}

static void feed_written(void *ctx, const struct case_record *c)
{
	struct import_feed *f = ctx;
	if (f->feed)
		stats_feed_add(f->feed, c->id, c->main.value);
}

static void feed_committing(void *ctx, struct storage *st)
{
	struct import_feed *f = ctx;
	struct sanad_error err = { 0 };
	if (f->feed)
		stats_feed_committing(f->feed, st, &err); /* a failure leaves the feed unchecked */
}

/* After the transaction: 1 when the indexes were saved from the feed. */
static int feed_end(struct import_feed *f, int committed)
{
	struct sanad_error err = { 0 };
	int saved = f->feed && committed;
	if (f->feed && stats_feed_end(f->feed, committed, &err))
		saved = 0;
	f->feed = NULL;
	if (f->engine)
		stats_engine_close(f->engine);
	f->engine = NULL;
	return saved;
}

struct prepare_job {
	const char *db_path, *key_path;
	int rc;
	struct sanad_error err;
};

static void *prepare_statistics(void *arg)
{
	struct prepare_job *job = arg;
	struct stats_engine *engine;
	struct storage *st;
	if ((job->rc = storage_open_keyed(&st, job->db_path, 0, job->key_path, &job->err)))
		return NULL;
	storage_autocheckpoint(st, 0); /* the importing connection makes it */
	if (!(job->rc = stats_engine_open(&engine, &job->err))) {
		job->rc = stats_engine_prepare(engine, st, prepared_dimensions,
					       (int)(sizeof(prepared_dimensions) / sizeof(*prepared_dimensions)),
					       &job->err);
		stats_engine_close(engine);
	}
	storage_close(st);
	return NULL;
}

int cmd_import(int argc, char **argv, struct cli_context *ctx)
{
	static const char *const opts[] = { "format=", "org=", "skip-invalid", "rejects=", "dry-run",
					    "quiet", "wal", NULL };
	struct import_options opt = { 0 };
	struct import_result res = { 0 };
	struct sanad_error err = { 0 };
	const char *format, *rejects_opt;
	char *rejects_path = NULL;
	char **pos;
	int npos, rc, fmt, fed;
	struct import_feed feed = { 0 };
	const struct import_hooks feed_hooks = { &feed, feed_begun, feed_written, feed_committing };

	if ((rc = cli_parse("import", argc, argv, opts, &pos, &npos)))
		return rc;
	format = cli_option(argc, argv, "format");
	rejects_opt = cli_option(argc, argv, "rejects");
	opt.skip_invalid = cli_flag(argc, argv, "skip-invalid");
	opt.dry_run = cli_flag(argc, argv, "dry-run");
	opt.quiet = cli_flag(argc, argv, "quiet");
	opt.org_code = cli_option(argc, argv, "org");
	opt.report = stderr;
	/* a command of its own: a rollback journal when nobody else has the file open */
	opt.alone = !cli_flag(argc, argv, "wal");
	if (!npos) {
		fprintf(stderr, "sanad import: name the files to import (see 'sanad import --help')\n");
		free(pos);
		return 2;
	}
	if (!format || (fmt = import_format_parse(format)) < 0) {
		fprintf(stderr, "sanad import: say --format htcds-csv, ctdc, xform or json\n");
		free(pos);
		return 2;
	}
	opt.format = (enum import_format)fmt;
	if (rejects_opt && !opt.skip_invalid) {
		fprintf(stderr, "sanad import: --rejects goes with --skip-invalid\n");
		free(pos);
		return 2;
	}
	if (opt.skip_invalid && !opt.dry_run) {
		int fd;
		if (rejects_opt) {
			rejects_path = xstrdup(rejects_opt);
		} else {
			size_t n = strlen(pos[0]) + 16;
			rejects_path = xmalloc(n);
			snprintf(rejects_path, n, "%s.rejects.csv", strcmp(pos[0], "-") ? pos[0] : "stdin");
		}
		for (int i = 0; i < npos; i++)
			if (!strcmp(pos[i], rejects_path)) {
				fprintf(stderr, "sanad import: the rejects file %s is one of the files to import\n",
					rejects_path);
				free(rejects_path);
				free(pos);
				return 2;
			}
		/* rejected records are victim data: owner only, like the database */
		fd = open(rejects_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		if (fd < 0 || !(opt.rejects = fdopen(fd, "w"))) {
			fprintf(stderr, "sanad import: cannot write %s: %s\n", rejects_path, strerror(errno));
			if (fd >= 0)
				close(fd);
			free(rejects_path);
			free(pos);
			return 1;
		}
	}

	if (!opt.dry_run)
		opt.hooks = &feed_hooks;
	storage_autocheckpoint(ctx->st, 0); /* made below, beside the statistics */
	rc = import_files(ctx->st, (const char *const *)pos, &opt, &res, &err);
	fed = feed_end(&feed, !rc && !opt.dry_run);

	if (opt.rejects) {
		if (fclose(opt.rejects) != 0 && !rc) {
			fprintf(stderr, "sanad import: writing %s: %s\n", rejects_path, strerror(errno));
			rc = SANAD_EIO;
		}
		/* no rejects, or nothing imported: the file would only mislead */
		if (rc || !res.rejected)
			unlink(rejects_path);
	}
	if (!rc && !opt.dry_run) { /* the audit trail: what came in, never whose */
		struct prepare_job job = { ctx->db_path, ctx->key_path, 0, { 0 } };
		struct sanad_error ckpt_err = { 0 };
		pthread_t preparer;
		int started = res.imported > 0 && !fed && pthread_create(&preparer, NULL, prepare_statistics, &job) == 0;
		char note[160];
		snprintf(note, sizeof(note), "%s: %ld of %ld records imported", format, res.imported, res.records);
		rc = audit_append(ctx->st, audit_cli_actor(), opt.org_code, AUDIT_IMPORT, NULL, note, &err);
		if (storage_checkpoint(ctx->st, &ckpt_err)) /* closing the database copies the rest */
			fprintf(stderr, "sanad import: %s\n", ckpt_err.message);
		if (started) {
			pthread_join(preparer, NULL);
			/* the import stands; the first count will scan instead */
			if (job.rc)
				fprintf(stderr, "sanad import: the statistics indexes were not prepared: %s\n",
					job.err.message);
		}
	}
	storage_autocheckpoint(ctx->st, 1);
	if (rc) {
		cli_error("import", &err);
		if (rc == SANAD_EINVAL && res.rejected && !opt.skip_invalid && !opt.dry_run)
			fprintf(stderr, "sanad import: fix the records above, or import the valid ones with --skip-invalid\n");
	} else if (!opt.quiet) {
		if (opt.dry_run)
			printf("checked %ld record%s: all valid; nothing was written (dry run)\n", res.records,
			       res.records == 1 ? "" : "s");
		else
			printf("imported %ld of %ld record%s from %d file%s: %ld rejected, %ld warning%s%s%s\n",
			       res.imported, res.records, res.records == 1 ? "" : "s", npos, npos == 1 ? "" : "s",
			       res.rejected, res.warnings, res.warnings == 1 ? "" : "s",
			       res.rejected ? "; rejected records are in " : "", res.rejected ? rejects_path : "");
	}
	free(rejects_path);
	free(pos);
	return rc ? 1 : 0;
}
