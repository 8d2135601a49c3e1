/* cli/cmd_demo.c: `sanad demo` creates or fills a database with the demo
 * module's synthetic cases. */
#include "cli/cli.h"
#include "demo/demo.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

const char usage_demo[] =
	"usage: sanad demo --db PATH [--cases N] [--seed S]\n"
	"\n"
	"Fill a database with realistic synthetic cases, for trying Sanad, training\n"
	"and benchmarks.  No real person is in them.  The deployment is fictional: the\n"
	"organisations of a national referral mechanism in Jordan (ministry, shelters,\n"
	"migrant-workers centre, hotline, police unit, labour inspectorate, immigration,\n"
	"legal aid), with cases registered 2015-2025.\n"
	"\n"
	"If PATH does not exist it is created; otherwise the demo organisations it\n"
	"lacks are added and the cases are added to what is there.  The same seed and\n"
	"number of cases give the same data, on any machine and any day.  Cases are\n"
	"written in transactions of 50,000: if a run fails, the cases of the batch in\n"
	"progress are not written.\n"
	"\n"
	"  --cases N   number of cases to add (default 500, at most 10,000,000)\n"
	"  --seed S    seed of the generator, a whole number (default 1)\n";

int cmd_demo(int argc, char **argv, struct cli_context *ctx)
{
	static const char *const opts[] = { "cases=", "seed=", NULL };
	struct demo_options o = { 1, 500, NULL };
	struct demo_result res;
	struct sanad_error err = { 0 };
	struct storage *st;
	struct strbuf summary = STRBUF_INIT;
	struct stat sb;
	const char *s;
	char **pos;
	int npos, rc, created;
	int64_t v;

	if ((rc = cli_parse("demo", argc, argv, opts, &pos, &npos)))
		return rc;
	free(pos);
	if (npos) {
		fprintf(stderr, "sanad demo: unexpected argument (see 'sanad demo --help')\n");
		return 2;
	}
	if (!ctx->db_path) {
		fprintf(stderr, "sanad demo: no database given: use --db PATH or set SANAD_DB\n");
		return 2;
	}
	if ((s = cli_option(argc, argv, "cases"))) {
		if (parse_int64(s, 0, DEMO_MAX_CASES, &v)) {
			fprintf(stderr, "sanad demo: --cases '%.40s' is not a whole number from 0 to %ld\n", s,
				DEMO_MAX_CASES);
			return 2;
		}
		o.cases = (long)v;
	}
	if ((s = cli_option(argc, argv, "seed"))) {
		if (parse_int64(s, 0, INT64_MAX, &v)) {
			fprintf(stderr, "sanad demo: --seed '%.40s' is not a whole number from 0 to %lld\n", s,
				(long long)INT64_MAX);
			return 2;
		}
		o.seed = (uint64_t)v;
	}
	o.progress = stderr;

	created = stat(ctx->db_path, &sb) != 0;
	/* the database's key as every other command finds it (--key, SANAD_KEY) */
	if (storage_open_keyed(&st, ctx->db_path, created ? STORAGE_CREATE : 0, ctx->key_path, &err)) {
		cli_error("demo", &err);
		return 1;
	}
	rc = demo_generate(st, &o, &res, &err);
	if (rc) {
		char *key_path = xstrdup(storage_key_path(st));
		storage_close(st);
		cli_error("demo", &err);
		if (created) { /* the key was made with the database: neither is left */
			cli_remove_db(ctx->db_path);
			remove(key_path);
		} else if (res.cases)
			fprintf(stderr, "sanad demo: %ld cases of earlier batches were written\n", res.cases);
		free(key_path);
		return 1;
	}
	rc = storage_summary(st, &summary, &err);
	storage_close(st);
	if (rc) {
		strbuf_release(&summary);
		cli_error("demo", &err);
		return 1;
	}
	printf("%s %s: added %d organisations and %ld cases (seed %llu)",
	       created ? "created" : "updated", ctx->db_path, res.orgs_added, res.cases,
	       (unsigned long long)o.seed);
	if (res.cases)
		printf(", registered %d-%d", res.first_year, res.last_year);
	printf("\ncases per organisation:\n%s", strbuf_str(&summary));
	strbuf_release(&summary);
	return 0;
}
