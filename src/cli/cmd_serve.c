/* cli/cmd_serve.c: `sanad serve` runs the web server (src/http). */
#include "cli/cli.h"
#include "http/http.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char usage_serve[] =
	"usage: sanad serve --db PATH [--key FILE] [--listen ADDR:PORT] [--threads N] [--max-body BYTES]\n"
	"                   [--timeout SECONDS] [--per-ip-limit N] [--connection-limit N]\n"
	"                   [--cache-ttl MS] [--cache-cases N] [--audit-sync journal|commit]\n"
	"                   [--audit-window MS] [--trust-forwarded] [--quiet]\n"
	"       sanad serve --routes\n"
	"\n"
	"Serve the JSON API (/api/v1/, see docs/api.md) and the web interface from\n"
	"the database at PATH until SIGTERM or SIGINT; then finish the requests in\n"
	"flight and exit 0.  One line per request goes to standard error (the path,\n"
	"never the query) unless --quiet.\n"
	"\n"
	"  --listen ADDR:PORT    where to listen (default 127.0.0.1:8080; [::1]:8080\n"
	"                        for IPv6; port 0 picks a free port, printed at start)\n"
	"  --threads N           worker threads, each with its own database connection\n"
	"                        (default 4)\n"
	"  --max-body BYTES      largest request body (default 1048576); larger: 413\n"
	"  --timeout SECONDS     close a connection idle this long (default 15)\n"
	"  --per-ip-limit N      open connections from one address (default 32)\n"
	"  --connection-limit N  open connections in all (default 512)\n"
	"  --trust-forwarded     take the client address from X-Forwarded-For: only\n"
	"                        behind a reverse proxy that sets it\n"
	"  --cache-ttl MS        remember a caller's sign-in check and a case it read for\n"
	"                        this long (default 1000; 0: never).  Every change made\n"
	"                        through the server is seen by the next request at once;\n"
	"                        this bounds how long one made by another process (the\n"
	"                        sanad command, e.g. 'sanad user disable') goes unseen.\n"
	"                        Every read is still checked by the policy and audited\n"
	"  --cache-cases N       cases remembered at most (default 4096)\n"
	"  --audit-sync MODE     when a read (a case shown, a list, a search, a refusal)\n"
	"                        may be answered.  journal (default): once its audit\n"
	"                        record is written to the audit journal beside the\n"
	"                        database (<db>.audit-journal.*), which survives a crash\n"
	"                        of the server and is copied into the trail within about\n"
	"                        50 ms (--audit-window); only a power cut or a kernel\n"
	"                        crash in that moment can lose it.  commit: once the\n"
	"                        record is committed to the database, at about half the\n"
	"                        read rate.  A change always commits its record with it\n"
	"  --audit-window MS     with the journal, how often it is copied into the trail\n"
	"                        (default 50, at most 60000): each copy is a commit, so\n"
	"                        a longer window costs less under heavy load\n"
	"\n"
	"  --routes              print the route table (method, path, handler, policy\n"
	"                        action, flags) and exit\n"
	"\n"
	"Sessions use a __Host- cookie marked Secure: browsers send it over HTTPS and\n"
	"to http://localhost only.  In production run sanad serve on a loopback\n"
	"address behind a reverse proxy that terminates TLS (docs/api.md).\n";

static void print_routes(void)
{
	for (int i = 0; i < http_route_count(); i++) {
		struct http_route_info r;
		http_route_info(i, &r);
		printf("%s\t%s\t%s\t%s%s%s\t%s%s%s%s\n", http_method_name(r.method), r.pattern, r.handler,
		       r.permission[0] ? r.permission : "-", r.permission_alt[0] ? "|" : "", r.permission_alt, r.flags & ROUTE_PUBLIC ? "public" : "session",
		       r.flags & ROUTE_BODY_JSON ? ",json-body" : r.flags & ROUTE_BODY_OPTIONAL ? ",optional-body" : "",
		       r.flags & ROUTE_CASE ? ",case" : "", r.flags & ROUTE_STATIC ? ",static" : "");
	}
}

static int option_number(const char *value, const char *name, int64_t min, int64_t max, int64_t *out)
{
	if (!value)
		return 0;
	if (parse_int64(value, min, max, out)) {
		fprintf(stderr, "sanad serve: --%s takes a whole number from %lld to %lld, not '%s'\n", name,
			(long long)min, (long long)max, value);
		return 2;
	}
	return 0;
}

int cmd_serve(int argc, char **argv, struct cli_context *ctx)
{
	static const char *const opts[] = { "listen=", "threads=", "max-body=", "timeout=", "per-ip-limit=",
					    "connection-limit=", "cache-ttl=", "cache-cases=", "audit-sync=", "audit-window=",
					    "trust-forwarded",
					    "quiet", "routes", NULL };
	struct http_config cfg;
	struct sanad_error err = { 0 };
	int64_t threads = 4, body = 1 << 20, timeout = 15, per_ip = 32, limit = 512, ttl = 1000, cases = 4096,
		window = 50;
	char **pos;
	int npos, rc;

	if ((rc = cli_parse("serve", argc, argv, opts, &pos, &npos)))
		return rc;
	free(pos);
	if (cli_flag(argc, argv, "routes") && !npos) {
		print_routes();
		return 0;
	}
	if (npos) {
		fprintf(stderr, "sanad serve: unexpected argument (see 'sanad serve --help')\n");
		return 2;
	}
	if (!ctx->db_path) {
		fprintf(stderr, "sanad serve: no database given: use --db PATH or set SANAD_DB\n");
		return 2;
	}
	if ((rc = option_number(cli_option(argc, argv, "threads"), "threads", 1, 256, &threads)) ||
	    (rc = option_number(cli_option(argc, argv, "max-body"), "max-body", 1024, 64 << 20, &body)) ||
	    (rc = option_number(cli_option(argc, argv, "timeout"), "timeout", 1, 3600, &timeout)) ||
	    (rc = option_number(cli_option(argc, argv, "per-ip-limit"), "per-ip-limit", 1, 100000, &per_ip)) ||
	    (rc = option_number(cli_option(argc, argv, "connection-limit"), "connection-limit", 1, 100000, &limit)) ||
	    (rc = option_number(cli_option(argc, argv, "cache-ttl"), "cache-ttl", 0, 60000, &ttl)) ||
	    (rc = option_number(cli_option(argc, argv, "cache-cases"), "cache-cases", 0, 1000000, &cases)) ||
	    (rc = option_number(cli_option(argc, argv, "audit-window"), "audit-window", 1, 60000, &window)))
		return rc;
	http_config_defaults(&cfg);
	if (cli_option(argc, argv, "audit-sync")) {
		const char *mode = cli_option(argc, argv, "audit-sync");
		if (strcmp(mode, "journal") && strcmp(mode, "commit")) {
			fprintf(stderr, "sanad serve: --audit-sync takes 'journal' or 'commit', not '%s'\n", mode);
			return 2;
		}
		cfg.audit_commit = !strcmp(mode, "commit");
	}
	cfg.db_path = ctx->db_path;
	cfg.key_path = ctx->key_path;
	if (cli_option(argc, argv, "listen"))
		cfg.listen = cli_option(argc, argv, "listen");
	cfg.threads = (unsigned)threads;
	cfg.max_body = (size_t)body;
	cfg.connection_timeout = (unsigned)timeout;
	cfg.per_ip_limit = (unsigned)per_ip;
	cfg.connection_limit = (unsigned)limit;
	cfg.cache_ttl_ms = (unsigned)ttl;
	cfg.cache_cases = (size_t)cases;
	cfg.audit_copy_ms = (unsigned)window;
	cfg.trust_forwarded = cli_flag(argc, argv, "trust-forwarded");
	cfg.log = cli_flag(argc, argv, "quiet") ? NULL : stderr;
	if (http_serve(&cfg, &err)) {
		cli_error("serve", &err);
		return 1;
	}
	return 0;
}
