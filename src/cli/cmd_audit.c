/* cli/cmd_audit.c: `sanad audit verify|list`, the audit trail from the shell. */
#include "cli/cli.h"
#include "audit/audit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char usage_audit[] =
	"usage: sanad audit verify [--anchor HASH:COUNT]\n"
	"       sanad audit head\n"
	"       sanad audit list [--org CODE] [--case REF] [--actor NAME] [--limit N]\n"
	"\n"
	"verify  recompute the hash chain of the audit trail.  Prints the number of\n"
	"        records and the hash of the last one.  Exits 1 naming the first\n"
	"        record that was altered, removed or inserted.  With --anchor (a\n"
	"        head printed earlier by 'sanad audit head'), the trail must also\n"
	"        still extend that head: cutting the trail back, or rewriting it\n"
	"        with fresh hashes, passes the chain check but fails this one.\n"
	"head    verify the chain, then print its head as HASH:COUNT, for an\n"
	"        administrator to record outside this machine (a ticket, a signed\n"
	"        e-mail, paper) and give to a later 'verify --anchor'.\n"
	"list    the newest records first (100 unless --limit N), one per line:\n"
	"        id, time (UTC), actor, organisation, action, case, detail.\n"
	"        --org, --case and --actor keep only the matching records.\n"
	"\n"
	"Each first copies into the trail the records a running (or crashed)\n"
	"'sanad serve' has written to its audit journal and not yet copied\n"
	"(files <db>.audit-journal.*), so what it reads is complete.  Without\n"
	"write access to the database it reads the trail as it is, and says so.\n";

int cmd_audit(int argc, char **argv, struct cli_context *ctx)
{
	static const char *const opts[] = { "org=", "case=", "actor=", "limit=", "anchor=", NULL };
	struct sanad_error err = { 0 };
	char **pos;
	int npos, rc;

	if ((rc = cli_parse("audit", argc, argv, opts, &pos, &npos)))
		return rc;
	if (npos != 1 || (strcmp(pos[0], "verify") && strcmp(pos[0], "list") && strcmp(pos[0], "head"))) {
		fprintf(stderr, "sanad audit: say 'verify', 'head' or 'list' (see 'sanad audit --help')\n");
		free(pos);
		return 2;
	}
	cli_ingest_audit_journals(ctx, "audit");
	if (!strcmp(pos[0], "verify") || !strcmp(pos[0], "head")) {
		struct audit_verify_result r;
		const char *anchor = cli_option(argc, argv, "anchor");
		int head = !strcmp(pos[0], "head");
		char hash[65];
		int64_t count = 0;
		free(pos);
		if (anchor && (head || audit_parse_anchor(anchor, &count, hash, &err))) {
			if (head)
				fprintf(stderr, "sanad audit: --anchor goes with 'verify'\n");
			else
				cli_error("audit", &err);
			return 2;
		}
		if (audit_verify_anchored(ctx->st, count, anchor ? hash : NULL, &r, &err)) {
			cli_error("audit", &err);
			return 1;
		}
		if (r.first_bad) {
			fprintf(stderr, "sanad audit: the audit trail is broken at record %lld: %s\n",
				(long long)r.first_bad, r.reason);
			return 1;
		}
		if (head) {
			/* an empty trail has the chain's starting hash */
			printf("%s:%lld\n", r.head[0] ? r.head : "0000000000000000000000000000000000000000000000000000000000000000",
			       (long long)r.rows);
			return 0;
		}
		printf("audit trail intact: %lld records, last hash %s%s\n", (long long)r.rows,
		       r.head[0] ? r.head : "(none)", anchor ? "; it extends the anchor" : "");
		return 0;
	}
	free(pos);
	{
		struct audit_query q = { 0 };
		struct audit_row *rows;
		size_t n;
		const char *limit = cli_option(argc, argv, "limit");
		q.org_code = cli_option(argc, argv, "org");
		q.case_ref = cli_option(argc, argv, "case");
		q.actor = cli_option(argc, argv, "actor");
		if (limit && parse_int64(limit, 1, 1000000, &q.limit)) {
			fprintf(stderr, "sanad audit: --limit: '%s' is not a number from 1 to 1000000\n", limit);
			return 2;
		}
		if (audit_list(ctx->st, &q, &rows, &n, &err)) {
			cli_error("audit", &err);
			return 1;
		}
		for (size_t i = 0; i < n; i++) {
			printf("%lld\t%s\t%s\t%s\t%s\t%s\t%s\n", (long long)rows[i].id, rows[i].at, rows[i].actor,
			       rows[i].org_code ? rows[i].org_code : "-", rows[i].action,
			       rows[i].case_ref ? rows[i].case_ref : "-", rows[i].detail ? rows[i].detail : "");
			audit_row_release(&rows[i]);
		}
		free(rows);
	}
	return 0;
}
