/*
 * http/server.c: the server's life — the database pool, libmicrohttpd, the
 * per-request exchange (target, headers, body), and a clean shutdown.
 *
 * Threading: libmicrohttpd runs a fixed pool of worker threads, each with
 * its own epoll set (MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL with
 * MHD_OPTION_THREAD_POOL_SIZE).  Thread-per-connection was rejected: one
 * thread (and database connection) per open socket lets a client that
 * opens many slow connections decide how many threads and connections the
 * server holds; with a pool, both are fixed at start, idle connections cost
 * an epoll entry, and the database pool has exactly one connection per
 * worker, so a request never waits for a connection.  A request whose
 * audit record must be committed before it is answered does not hold its
 * worker meanwhile: the connection is suspended with the answer ready and
 * resumed by the audit thread once the record is on disk (audit_batch.c),
 * so the records of all waiting connections share one fsync.
 *
 * Connections are accepted by a thread of ours and handed to the pool
 * (accept_loop says why).
 *
 * Shutdown: SIGTERM/SIGINT are blocked in every thread and taken by
 * sigwait in http_serve.  Then: the accepting thread stops and the
 * listening socket closes (no new connections), wait until every request already received
 * has been answered (in-flight count, bounded by HTTP_DRAIN_SECONDS),
 * stop the audit thread (it commits what is queued and resumes those
 * connections: none may be suspended when the daemon stops),
 * MHD_stop_daemon (idle keep-alive connections close), close the
 * databases.  Responses sent while draining say "Connection: close".
 */
#define _GNU_SOURCE /* accept4, pipe2: descriptors made close-on-exec at once */
#include "http/http_internal.h"

#include "stats/stats.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define HTTP_DRAIN_SECONDS 30
/* Bytes of an over-long chunked body read and dropped before the
 * connection is closed without an answer. */
#define HTTP_DISCARD_MAX (8u << 20)

void http_config_defaults(struct http_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->listen = "127.0.0.1:8080";
	cfg->threads = 4;
	cfg->max_body = 1u << 20;
	cfg->max_url = 8192;
	cfg->max_headers = 16384;
	cfg->connection_timeout = 15;
	cfg->per_ip_limit = 32;
	cfg->connection_limit = 512;
	/* holds the request line and headers (parsed in place) plus the
	 * buffers: room for the limits above, so that going over a limit by
	 * up to a few KiB gets our JSON answer rather than the library's own
	 * (which still has the right status).  No more: libmicrohttpd zeroes
	 * the whole of it before each request of a keep-alive connection, and
	 * at 64 KiB that memset was 14% of the server's CPU per case read */
	cfg->connection_memory = 32 * 1024;
	cfg->cache_ttl_ms = 1000;
	cfg->cache_cases = 4096;
	/* each copy commits the index pages it touched: a longer window
	 * shares them among more records (case reads under load, window 10
	 * ms: 66-71 us of server CPU a read; 50 ms: 64-68 us; 200 ms: 58 us,
	 * bench/http_load/README.md).  The
	 * window only matters to a power cut, and stays far below
	 * PostgreSQL's for asynchronous commit (3 x wal_writer_delay, 600 ms) */
	cfg->audit_copy_ms = 50;
}

/* One per request in flight, a few KiB: allocating that much for every
 * request made glibc consolidate its bins of small chunks each time (1.5%
 * of a case read's CPU), so finished ones are kept for the next. */
#define SPARE_EXCHANGES 64

struct http_server {
	struct http_config cfg;
	pthread_mutex_t lock;
	pthread_cond_t changed;
	struct storage **idle;  /* connections not in use */
	int nidle, nconns;
	/* counted by every request of every worker: atomics, not the lock */
	atomic_int inflight;    /* requests received and not yet answered */
	atomic_int draining;
	struct MHD_Daemon *daemon;
	/* sanad serve: the listening socket, and the thread that accepts on it
	 * and hands each connection to the daemon (accept_loop) */
	int listen_fd;
	int accept_wake[2]; /* a byte written here stops accept_loop */
	pthread_t acceptor;
	/* the one statistics engine of the server (issue 5 item 5): every
	 * statistics request goes through it, so its bitmaps are built once
	 * and kept current rather than rebuilt per request */
	struct stats_engine *stats;
	/* sanad serve only: the thread that commits audit records while their
	 * connections wait suspended (audit_batch.c), on its own connection */
	struct http_audit_writer *audit;
	struct storage *audit_st, *checkpoint_st;
	/* sanad serve without --audit-sync commit: where the workers write the
	 * records of reads, which the committing thread copies into the trail */
	struct audit_journal *journal;
	atomic_int journal_failed;  /* an append failed: said once */
	struct http_cache *cache; /* cache.c; NULL when turned off */
	/* finished exchanges kept for the next requests (exchange_new) */
	pthread_mutex_t spare_lock;
	struct exchange *spare[SPARE_EXCHANGES];
	int nspare;
};

int http_server_open(struct http_server **out, const struct http_config *cfg, struct sanad_error *err)
{
	struct http_server *srv = xcalloc(1, sizeof(*srv));
	int rc;

	*out = NULL;
	srv->cfg = *cfg;
	if (!srv->cfg.threads)
		srv->cfg.threads = 1;
	pthread_mutex_init(&srv->lock, NULL);
	pthread_mutex_init(&srv->spare_lock, NULL);
	pthread_cond_init(&srv->changed, NULL);
	srv->idle = xcalloc(srv->cfg.threads, sizeof(*srv->idle));
	for (unsigned i = 0; i < srv->cfg.threads; i++) {
		if ((rc = storage_open_keyed(&srv->idle[i], cfg->db_path, 0, cfg->key_path, err))) {
			srv->nidle = srv->nconns = (int)i;
			http_server_close(srv);
			return rc;
		}
		if (!storage_has_key(srv->idle[i])) {
			/* every case read would fail: better not to start */
			rc = sanad_error_set(err, SANAD_ENOTFOUND,
					     "no key file at %s: the identities in %s are encrypted with it (give --key FILE)",
					     storage_key_path(srv->idle[i]), cfg->db_path);
			srv->nidle = srv->nconns = (int)i + 1;
			http_server_close(srv);
			return rc;
		}
	}
	srv->nidle = srv->nconns = (int)srv->cfg.threads;
	srv->cache = http_cache_new(srv->cfg.cache_ttl_ms, srv->cfg.cache_cases, 1024);
	if ((rc = stats_engine_open(&srv->stats, err))) {
		http_server_close(srv);
		return rc;
	}
	*out = srv;
	return 0;
}

struct stats_engine *http_server_stats(struct http_server *srv)
{
	return srv ? srv->stats : NULL;
}

struct http_cache *http_server_cache(struct http_server *srv)
{
	return srv ? srv->cache : NULL;
}

void http_server_close(struct http_server *srv)
{
	if (!srv)
		return;
	/* every connection is back by now: the daemon is stopped */
	http_audit_writer_free(srv->audit);
	audit_journal_close(srv->journal); /* a failed start: the next ingest copies it */
	if (srv->audit_st)
		storage_close(srv->audit_st);
	if (srv->checkpoint_st)
		storage_close(srv->checkpoint_st);
	if (srv->stats)
		stats_engine_close(srv->stats);
	http_cache_free(srv->cache);
	for (int i = 0; i < srv->nidle; i++)
		storage_close(srv->idle[i]);
	free(srv->idle);
	pthread_cond_destroy(&srv->changed);
	pthread_mutex_destroy(&srv->lock);
	for (int i = 0; i < srv->nspare; i++)
		free(srv->spare[i]);
	pthread_mutex_destroy(&srv->spare_lock);
	free(srv);
}

static struct storage *pool_take(struct http_server *srv)
{
	struct storage *st;
	pthread_mutex_lock(&srv->lock);
	while (!srv->nidle) /* only when callers outnumber the workers (tests) */
		pthread_cond_wait(&srv->changed, &srv->lock);
	st = srv->idle[--srv->nidle];
	pthread_mutex_unlock(&srv->lock);
	return st;
}

static void pool_give(struct http_server *srv, struct storage *st)
{
	pthread_mutex_lock(&srv->lock);
	srv->idle[srv->nidle++] = st;
	pthread_cond_broadcast(&srv->changed);
	pthread_mutex_unlock(&srv->lock);
}

void http_server_handle(struct http_server *srv, struct http_request *req, struct http_response *resp)
{
	struct storage *st = pool_take(srv);
	http_dispatch(srv, &srv->cfg, st, req, resp, (int64_t)time(NULL));
	pool_give(srv, st);
	http_response_security_headers(resp);
}

/* ---- libmicrohttpd glue ---- */

/* One request on the wire: created when the request line arrives, freed
 * when libmicrohttpd reports the request complete. */
struct exchange {
	struct http_server *srv;
	struct MHD_Connection *conn;
	struct http_request req;
	/* the answer, held while the connection is suspended waiting for the
	 * commit of its audit records */
	struct http_response resp;
	int handled;        /* resp holds the handler's answer */
	/* between its worker and the audit thread only: its own lock rather
	 * than the server's, which every request of every worker would take */
	pthread_mutex_t lock;
	int suspended;      /* these three under lock */
	int audit_waiting;  /* records handed to the writer, not yet committed */
	int audit_rc;
	int started;
	int answered;       /* a response is queued */
	size_t too_large;   /* bytes of an over-long body read and dropped */
	int status;         /* for the access log */
	size_t header_bytes;
	struct http_error header_error;
	struct timespec t0;
};

/* A zeroed exchange: a spare one if there is one. */
static struct exchange *exchange_new(struct http_server *srv)
{
	struct exchange *ex = NULL;
	pthread_mutex_lock(&srv->spare_lock);
	if (srv->nspare)
		ex = srv->spare[--srv->nspare];
	pthread_mutex_unlock(&srv->spare_lock);
	if (!ex)
		return xcalloc(1, sizeof(*ex));
	memset(ex, 0, sizeof(*ex));
	return ex;
}

static void exchange_free(struct http_server *srv, struct exchange *ex)
{
	pthread_mutex_lock(&srv->spare_lock);
	if (srv->nspare < SPARE_EXCHANGES) {
		srv->spare[srv->nspare++] = ex;
		ex = NULL;
	}
	pthread_mutex_unlock(&srv->spare_lock);
	free(ex);
}

static void *on_request_line(void *cls, const char *uri, struct MHD_Connection *conn)
{
	struct http_server *srv = cls;
	struct exchange *ex = exchange_new(srv);
	ex->srv = srv;
	ex->conn = conn;
	http_request_init(&ex->req);
	ex->req.target = xstrdup(uri); /* raw: http_target_parse decodes it */
	clock_gettime(CLOCK_MONOTONIC, &ex->t0);
	pthread_mutex_init(&ex->lock, NULL);
	atomic_fetch_add(&srv->inflight, 1);
	return ex;
}

static void on_complete(void *cls, struct MHD_Connection *conn, void **con_cls,
			enum MHD_RequestTerminationCode toe)
{
	struct http_server *srv = cls;
	struct exchange *ex = *con_cls;
	(void)conn;
	if (!ex)
		return;
	if (srv->cfg.log) {
		struct timespec t1;
		double ms;
		clock_gettime(CLOCK_MONOTONIC, &t1);
		ms = (double)(t1.tv_sec - ex->t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - ex->t0.tv_nsec) / 1e6;
		/* the path only: queries may carry a name being searched for */
		fprintf(srv->cfg.log, "%s %s %s %d %.1fms%s\n", ex->req.remote_addr[0] ? ex->req.remote_addr : "-",
			http_method_name(ex->req.method), ex->req.path ? ex->req.path : "-", ex->status, ms,
			toe == MHD_REQUEST_TERMINATED_COMPLETED_OK ? "" : " (connection ended early)");
		fflush(srv->cfg.log);
	}
	http_request_release(&ex->req);
	if (ex->handled)
		http_response_release(&ex->resp);
	pthread_mutex_destroy(&ex->lock);
	exchange_free(srv, ex);
	*con_cls = NULL;
	if (atomic_fetch_sub(&srv->inflight, 1) == 1 && atomic_load(&srv->draining)) {
		pthread_mutex_lock(&srv->lock); /* the drain waits for the last one */
		pthread_cond_broadcast(&srv->changed);
		pthread_mutex_unlock(&srv->lock);
	}
}

static enum MHD_Result collect_header(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
	struct exchange *ex = cls;
	(void)kind;
	if (ex->header_error.status)
		return MHD_NO;
	ex->header_bytes += strlen(key) + (value ? strlen(value) : 0) + 4;
	if (ex->header_bytes > ex->srv->cfg.max_headers) {
		http_fail(&ex->header_error, 431, "headers_too_large",
			  "the request headers are over the limit of %zu bytes", ex->srv->cfg.max_headers);
		return MHD_NO;
	}
	if (http_request_add_header(&ex->req, key, value ? value : "", &ex->header_error))
		return MHD_NO;
	return MHD_YES;
}

static enum MHD_Result queue(struct exchange *ex, struct MHD_Connection *conn, struct http_response *resp)
{
	struct MHD_Response *r;
	enum MHD_Result ok;
	int draining;

	if (resp->static_body && resp->static_release) {
		/* a cached answer: libmicrohttpd sends it from the cache and says
		 * when it is done with it */
		r = MHD_create_response_from_buffer_with_free_callback_cls(
			resp->static_len, (void *)resp->static_body, resp->static_release, resp->static_ctx);
		if (r)
			resp->static_release = NULL; /* now libmicrohttpd's to call */
	} else if (resp->static_body)
		r = MHD_create_response_from_buffer(resp->static_len, (void *)resp->static_body,
						    MHD_RESPMEM_PERSISTENT);
	else if (resp->body.len) { /* the buffer goes to libmicrohttpd, which frees it */
		size_t len = resp->body.len;
		char *buf = strbuf_detach(&resp->body);
		r = MHD_create_response_from_buffer(len, buf, MHD_RESPMEM_MUST_FREE);
		if (!r)
			free(buf);
	} else
		r = MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
	if (!r)
		return MHD_NO;
	if (resp->content_type)
		MHD_add_response_header(r, "Content-Type", resp->content_type);
	for (int i = 0; i < resp->nheaders; i++)
		MHD_add_response_header(r, resp->headers[i].name, resp->headers[i].value);
	draining = atomic_load(&ex->srv->draining);
	if (draining)
		MHD_add_response_header(r, "Connection", "close");
	ok = MHD_queue_response(conn, (unsigned)resp->status, r);
	MHD_destroy_response(r);
	ex->answered = 1;
	ex->status = resp->status;
	return ok;
}

/* Answer with an error before the request reaches the gate. */
static enum MHD_Result queue_error(struct exchange *ex, struct MHD_Connection *conn, int status,
				   const char *code, const char *message)
{
	struct http_response resp;
	enum MHD_Result ok;
	http_response_init(&resp);
	http_response_json(&resp, status, http_error_json(code, message));
	http_response_security_headers(&resp);
	/* the rest of a refused body is not read: the connection must close */
	http_response_header(&resp, "Connection", "close");
	ok = queue(ex, conn, &resp);
	http_response_release(&resp);
	return ok;
}

/* a.b.c.d from the four bytes at b: what inet_ntop writes, without the
 * sprintf it makes per byte (1% of a case read's CPU) */
static void ipv4_text(const unsigned char *b, char *out)
{
	for (int i = 0; i < 4; i++) {
		unsigned v = b[i];
		if (v >= 100)
			*out++ = (char)('0' + v / 100);
		if (v >= 10)
			*out++ = (char)('0' + v / 10 % 10);
		*out++ = (char)('0' + v % 10);
		*out++ = i < 3 ? '.' : '\0';
	}
}

static void client_address(struct exchange *ex, struct MHD_Connection *conn)
{
	const union MHD_ConnectionInfo *info = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	const char *fwd;
	if (info && info->client_addr) {
		const struct sockaddr *sa = info->client_addr;
		if (sa->sa_family == AF_INET)
			ipv4_text((const unsigned char *)&((const struct sockaddr_in *)(const void *)sa)->sin_addr,
				  ex->req.remote_addr);
		else if (sa->sa_family == AF_INET6)
			inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr,
				  ex->req.remote_addr, sizeof(ex->req.remote_addr));
	}
	/* behind a reverse proxy every connection comes from the proxy: its
	 * X-Forwarded-For (last entry, the one it appended) names the client */
	if (ex->srv->cfg.trust_forwarded && (fwd = http_header(&ex->req, "X-Forwarded-For"))) {
		const char *last = strrchr(fwd, ',');
		last = last ? last + 1 : fwd;
		while (*last == ' ')
			last++;
		snprintf(ex->req.remote_addr, sizeof(ex->req.remote_addr), "%.*s", (int)strcspn(last, " "), last);
	}
}

/* The request this worker thread is handling through libmicrohttpd; NULL
 * elsewhere (http_server_handle called directly, as the tests do), where
 * audit records are written before the handler goes on. */
static _Thread_local struct exchange *deferring;

/* On the writer's thread, once a record of ex is committed or failed. */
static void audit_done(void *owner, int rc, const struct sanad_error *err)
{
	struct exchange *ex = owner;
	struct http_server *srv = ex->srv;
	struct MHD_Connection *resume = NULL;

	if (rc)
		fprintf(stderr, "sanad serve: audit failed: %s\n", err->message);
	(void)srv;
	pthread_mutex_lock(&ex->lock);
	if (rc && !ex->audit_rc)
		ex->audit_rc = rc;
	if (--ex->audit_waiting == 0 && ex->suspended) {
		ex->suspended = 0;
		resume = ex->conn; /* ex may be freed once resumed */
	}
	pthread_mutex_unlock(&ex->lock); /* ex may be freed from here on */
	if (resume)
		MHD_resume_connection(resume);
}

int http_server_defer_audit(struct http_server *srv, const char *actor, const char *org_code,
			    const char *action, const char *case_ref, const char *detail)
{
	struct exchange *ex = deferring;
	if (!srv || !ex || ex->srv != srv || !srv->audit)
		return 0;
	if (srv->journal) {
		/* in the journal, the record outlives a crash of this process:
		 * the answer may go at once (audit/journal.c) */
		struct sanad_error err = { 0 };
		char at[32];
		audit_now(at);
		if (!audit_journal_append(srv->journal, at, actor, org_code, action, case_ref, detail, &err))
			return 1;
		/* said once, not for each of thousands of requests a second */
		if (!atomic_exchange(&srv->journal_failed, 1))
			fprintf(stderr,
				"sanad serve: %s; committing the records of reads instead until the server restarts "
				"or the journal can be written again\n",
				err.message);
		return 0; /* the caller commits it before answering */
	}
	pthread_mutex_lock(&ex->lock);
	ex->audit_waiting++;
	pthread_mutex_unlock(&ex->lock);
	if (http_audit_writer_submit(srv->audit, actor, org_code, action, case_ref, detail, audit_done, ex)) {
		pthread_mutex_lock(&ex->lock);
		ex->audit_waiting--;
		pthread_mutex_unlock(&ex->lock);
		return 0;
	}
	return 1;
}

/* Send the handler's answer, now that its audit records are committed;
 * a 500 instead if one failed: no record of the view, no view. */
static enum MHD_Result answer_held(struct exchange *ex, struct MHD_Connection *conn)
{
	if (ex->audit_rc) {
		http_response_release(&ex->resp);
		http_response_init(&ex->resp);
		http_response_json(&ex->resp, 500,
				   http_error_json("internal",
						   "the server failed to complete this request; the log has the details"));
		http_response_security_headers(&ex->resp);
	}
	return queue(ex, conn, &ex->resp);
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url, const char *method,
				  const char *version, const char *upload_data, size_t *upload_data_size,
				  void **con_cls)
{
	struct http_server *srv = cls;
	struct exchange *ex = *con_cls;
	(void)url;
	(void)version;

	if (!ex) /* no request-line callback ran: cannot happen with our options */
		return MHD_NO;
	if (!ex->started) {
		struct http_error e = { 0 };
		const char *len_s, *raw = ex->req.target;
		int64_t len;

		ex->started = 1;
		ex->req.method = http_method_parse(method);
		ex->req.target = NULL;
		MHD_get_connection_values(conn, MHD_HEADER_KIND, collect_header, ex);
		client_address(ex, conn);
		if (ex->header_error.status) {
			free((char *)raw);
			return queue_error(ex, conn, ex->header_error.status, ex->header_error.code,
					   ex->header_error.message);
		}
		if (http_target_parse(&ex->req, raw, strlen(raw), srv->cfg.max_url, &e)) {
			free((char *)raw);
			return queue_error(ex, conn, e.status, e.code, e.message);
		}
		free((char *)raw);
		len_s = http_header(&ex->req, "Content-Length");
		if (len_s && !parse_int64(len_s, 0, INT64_MAX, &len) && (uint64_t)len > srv->cfg.max_body) {
			char msg[160];
			snprintf(msg, sizeof(msg), "the request body is %lld bytes, over the limit of %zu",
				 (long long)len, srv->cfg.max_body);
			return queue_error(ex, conn, 413, "body_too_large", msg);
		}
		return MHD_YES; /* the body, if any, follows */
	}
	if (*upload_data_size) {
		/* libmicrohttpd cannot answer in the middle of a body: a body
		 * without Content-Length that grows too big is read and dropped,
		 * and answered 413 at its end; one that goes on much longer
		 * loses its connection */
		if (ex->too_large || ex->req.body.len + *upload_data_size > srv->cfg.max_body) {
			ex->too_large += *upload_data_size;
			*upload_data_size = 0;
			return ex->too_large > HTTP_DISCARD_MAX ? MHD_NO : MHD_YES;
		}
		strbuf_add(&ex->req.body, upload_data, *upload_data_size);
		*upload_data_size = 0;
		return MHD_YES;
	}
	if (ex->answered)
		return MHD_YES;
	if (ex->handled) /* resumed: the audit records are committed */
		return answer_held(ex, conn);
	if (ex->too_large) {
		char msg[160];
		snprintf(msg, sizeof(msg), "the request body is over the limit of %zu bytes", srv->cfg.max_body);
		return queue_error(ex, conn, 413, "body_too_large", msg);
	}
	http_response_init(&ex->resp);
	ex->handled = 1;
	deferring = ex;
	http_server_handle(srv, &ex->req, &ex->resp);
	deferring = NULL;
	pthread_mutex_lock(&ex->lock);
	if (ex->audit_waiting) {
		/* audit_done resumes it; libmicrohttpd then calls us again */
		ex->suspended = 1;
		MHD_suspend_connection(conn);
		pthread_mutex_unlock(&ex->lock);
		return MHD_YES;
	}
	pthread_mutex_unlock(&ex->lock);
	return answer_held(ex, conn);
}

static void mhd_log(void *cls, const char *fmt, va_list ap)
{
	(void)cls;
	fputs("sanad serve: ", stderr);
	vfprintf(stderr, fmt, ap);
	if (!*fmt || fmt[strlen(fmt) - 1] != '\n')
		fputc('\n', stderr);
}

/* "ADDR:PORT" or "[ADDR6]:PORT" into a socket address. */
static int parse_listen(const char *listen, struct sockaddr_storage *ss, socklen_t *sslen, int *v6,
			struct sanad_error *err)
{
	char host[128];
	const char *colon, *port_s;
	int64_t port;

	memset(ss, 0, sizeof(*ss));
	if (listen[0] == '[') {
		const char *close = strchr(listen, ']');
		if (!close || close[1] != ':' || (size_t)(close - listen - 1) >= sizeof(host))
			goto bad;
		snprintf(host, sizeof(host), "%.*s", (int)(close - listen - 1), listen + 1);
		port_s = close + 2;
		*v6 = 1;
	} else {
		colon = strrchr(listen, ':');
		if (!colon || (size_t)(colon - listen) >= sizeof(host))
			goto bad;
		snprintf(host, sizeof(host), "%.*s", (int)(colon - listen), listen);
		port_s = colon + 1;
		*v6 = 0;
	}
	if (parse_int64(port_s, 0, 65535, &port))
		goto bad;
	if (*v6) {
		struct sockaddr_in6 *a = (struct sockaddr_in6 *)ss;
		a->sin6_family = AF_INET6;
		a->sin6_port = htons((uint16_t)port);
		if (inet_pton(AF_INET6, host, &a->sin6_addr) != 1)
			goto bad;
		*sslen = sizeof(*a);
	} else {
		struct sockaddr_in *a = (struct sockaddr_in *)ss;
		a->sin_family = AF_INET;
		a->sin_port = htons((uint16_t)port);
		if (inet_pton(AF_INET, host, &a->sin_addr) != 1)
			goto bad;
		*sslen = sizeof(*a);
	}
	return 0;
bad:
	return sanad_error_set(err, SANAD_EINVAL,
			       "--listen '%s': give ADDR:PORT with a numeric address, e.g. 127.0.0.1:8080 or [::1]:8080",
			       listen);
}

/* Copy into the trail what audit journals hold: a crashed run's at start,
 * ours at the end.  Not copying is no reason to refuse to start or to fail
 * a stop: the records stay safe in the journal until someone can (a long
 * import may hold the write lock). */
static void ingest_leftovers(struct storage *st, int at_start, int copier_follows)
{
	struct audit_ingest_result res;
	struct sanad_error err = { 0 };
	if (audit_journal_ingest(st, &res, &err)) {
		fprintf(stderr, "sanad serve: the audit journal cannot be copied into the trail now: %s (%s)\n",
			err.message,
			copier_follows ? "the server copies it as soon as it can"
				       : "the next sanad serve or sanad audit copies it");
		return;
	}
	if (res.records && at_start)
		printf("sanad serve: copied %lld audit record(s) from the audit journal into the trail\n",
		       (long long)res.records);
	if (res.warning[0])
		fprintf(stderr, "sanad serve: %s\n", res.warning);
}

/* Why the server accepts its own connections.  Left to libmicrohttpd,
 * each worker of the pool accepts for itself on the shared socket, up to
 * ten at a time, whichever wakes first: a burst of connections (a
 * reverse proxy's keep-alive pool, or wrk's 64) lands unevenly, and the
 * split lasts as long as the connections do.  In bench/http_load the four
 * workers carried 12% to 35% of the requests each, and the connections on
 * the busiest waited longest: that is the p99.  MHD_add_connection on the
 * pool spreads connections over the workers by descriptor number (the
 * lowest free one is reused, so open connections stay spread), and still
 * applies the per-address and total limits. */
static void *accept_loop(void *arg)
{
	struct http_server *srv = arg;
	struct pollfd p[2] = { { srv->listen_fd, POLLIN, 0 }, { srv->accept_wake[0], POLLIN, 0 } };
	int said_full = 0;

	for (;;) {
		if (poll(p, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			fprintf(stderr, "sanad serve: waiting for connections: %s\n", strerror(errno));
			return NULL;
		}
		if (p[1].revents)
			return NULL;
		for (int i = 0; i < 64; i++) {
			struct sockaddr_storage peer;
			socklen_t len = sizeof(peer);
			int fd = accept4(srv->listen_fd, (struct sockaddr *)&peer, &len, SOCK_NONBLOCK | SOCK_CLOEXEC);
			if (fd < 0) {
				if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM) {
					/* out of descriptors: the connection waits in the
					 * backlog; do not spin on it */
					struct timespec pause = { 0, 10 * 1000 * 1000 };
					if (!said_full++)
						fprintf(stderr, "sanad serve: cannot accept a connection: %s\n",
							strerror(errno));
					nanosleep(&pause, NULL);
				}
				break;
			}
			said_full = 0;
			/* closes fd itself when it refuses it (over a limit) */
			MHD_add_connection(srv->daemon, fd, (struct sockaddr *)&peer, len);
		}
	}
}

static int listen_open(struct http_server *srv, const struct http_config *cfg, const struct sockaddr_storage *ss,
		       socklen_t sslen, struct sanad_error *err)
{
	int on = 1;
	srv->listen_fd = socket(ss->ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (srv->listen_fd < 0)
		return sanad_error_set(err, SANAD_EIO, "cannot listen on %s: %s", cfg->listen, strerror(errno));
	setsockopt(srv->listen_fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
	if (ss->ss_family == AF_INET6)
		setsockopt(srv->listen_fd, IPPROTO_IPV6, IPV6_V6ONLY, &on, sizeof(on));
	if (bind(srv->listen_fd, (const struct sockaddr *)ss, sslen) || listen(srv->listen_fd, SOMAXCONN)) {
		int e = errno;
		close(srv->listen_fd);
		srv->listen_fd = -1;
		return sanad_error_set(err, SANAD_EIO, "cannot listen on %s: %s", cfg->listen, strerror(e));
	}
	return 0;
}

static unsigned listen_port(const struct http_server *srv)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	if (getsockname(srv->listen_fd, (struct sockaddr *)&ss, &len))
		return 0;
	return ss.ss_family == AF_INET6 ? ntohs(((struct sockaddr_in6 *)&ss)->sin6_port)
					: ntohs(((struct sockaddr_in *)&ss)->sin_port);
}

static int acceptor_start(struct http_server *srv, struct sanad_error *err)
{
	if (pipe2(srv->accept_wake, O_CLOEXEC))
		return sanad_error_set(err, SANAD_EIO, "cannot start accepting connections: %s", strerror(errno));
	if (pthread_create(&srv->acceptor, NULL, accept_loop, srv)) {
		close(srv->accept_wake[0]);
		close(srv->accept_wake[1]);
		return sanad_error_set(err, SANAD_EIO, "cannot start accepting connections: no thread");
	}
	return 0;
}

/* No connection is accepted after this returns: the socket is closed, so
 * new ones fail at once instead of waiting in the backlog. */
static void acceptor_stop(struct http_server *srv)
{
	ssize_t w;
	do
		w = write(srv->accept_wake[1], "", 1);
	while (w < 0 && errno == EINTR);
	pthread_join(srv->acceptor, NULL);
	close(srv->accept_wake[0]);
	close(srv->accept_wake[1]);
	close(srv->listen_fd);
	srv->listen_fd = -1;
}

int http_serve(const struct http_config *cfg, struct sanad_error *err)
{
	struct http_server *srv;
	struct sockaddr_storage ss;
	socklen_t sslen = 0;
	sigset_t stop, old;
	struct timespec deadline;
	int v6 = 0, sig = 0, rc;
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ITC | MHD_USE_ERROR_LOG |
			 MHD_ALLOW_SUSPEND_RESUME | MHD_USE_NO_LISTEN_SOCKET;

	if ((rc = parse_listen(cfg->listen, &ss, &sslen, &v6, err)))
		return rc;
	if ((rc = http_server_open(&srv, cfg, err)))
		return rc;
	/* before the audit trail is touched: a port in use is the commonest
	 * reason not to start */
	if ((rc = listen_open(srv, cfg, &ss, sslen, err))) {
		http_server_close(srv);
		return rc;
	}

	/* block the stop signals before any thread starts, so all inherit the
	 * mask and only sigwait below receives them */
	sigemptyset(&stop);
	sigaddset(&stop, SIGTERM);
	sigaddset(&stop, SIGINT);
	pthread_sigmask(SIG_BLOCK, &stop, &old);
	if (!(rc = storage_open_keyed(&srv->audit_st, cfg->db_path, 0, cfg->key_path, err)) &&
	    !(rc = storage_open_keyed(&srv->checkpoint_st, cfg->db_path, 0, cfg->key_path, err))) {
		struct sanad_error jerr = { 0 };
		ingest_leftovers(srv->audit_st, 1, !cfg->audit_commit);
		/* no room for a journal file (a nearly full disk): reads are
		 * recorded as with --audit-sync commit, slower but recorded */
		if (!cfg->audit_commit && audit_journal_open(&srv->journal, cfg->db_path, &jerr))
			fprintf(stderr,
				"sanad serve: %s; each read's audit record will be committed before its answer "
				"instead (as with --audit-sync commit)\n",
				jerr.message);
		rc = http_audit_writer_start(&srv->audit, srv->audit_st, srv->checkpoint_st, srv->journal,
					     cfg->audit_copy_ms, err);
	}
	if (rc) {
		close(srv->listen_fd);
		http_server_close(srv); /* closes audit_st and checkpoint_st */
		pthread_sigmask(SIG_SETMASK, &old, NULL);
		return rc;
	}

	srv->daemon = MHD_start_daemon(
		flags, 0, NULL, NULL, on_request, srv,
		MHD_OPTION_EXTERNAL_LOGGER, mhd_log, NULL, /* first, so that it logs everything */
		MHD_OPTION_THREAD_POOL_SIZE, (unsigned)srv->cfg.threads,
		MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)cfg->connection_timeout,
		MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned)cfg->per_ip_limit,
		MHD_OPTION_CONNECTION_LIMIT, (unsigned)cfg->connection_limit,
		MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)cfg->connection_memory,
		MHD_OPTION_STRICT_FOR_CLIENT, (int)1,
		MHD_OPTION_URI_LOG_CALLBACK, on_request_line, srv,
		MHD_OPTION_NOTIFY_COMPLETED, on_complete, srv,
		MHD_OPTION_END);
	if (!srv->daemon || (rc = acceptor_start(srv, err))) {
		if (!srv->daemon)
			rc = sanad_error_set(err, SANAD_EIO, "cannot start the HTTP server on %s: %s", cfg->listen,
					     errno ? strerror(errno) : "libmicrohttpd refused its options");
		else
			MHD_stop_daemon(srv->daemon);
		srv->daemon = NULL;
		close(srv->listen_fd);
		http_server_close(srv); /* stops the audit writer */
		pthread_sigmask(SIG_SETMASK, &old, NULL);
		return rc;
	}
	printf("sanad serve: listening on %s (port %u), database %s\n", cfg->listen, listen_port(srv), cfg->db_path);
	fflush(stdout);

	do
		rc = sigwait(&stop, &sig);
	while (rc == EINTR);

	acceptor_stop(srv);
	clock_gettime(CLOCK_REALTIME, &deadline);
	deadline.tv_sec += HTTP_DRAIN_SECONDS;
	pthread_mutex_lock(&srv->lock);
	atomic_store(&srv->draining, 1);
	while (atomic_load(&srv->inflight) > 0) {
		/* on_complete wakes us for the last request; the short wait also
		 * covers one that ended just before draining was set */
		struct timespec now, until;
		clock_gettime(CLOCK_REALTIME, &now);
		if (now.tv_sec > deadline.tv_sec || (now.tv_sec == deadline.tv_sec && now.tv_nsec >= deadline.tv_nsec))
			break;
		until = now;
		http_timespec_add_ms(&until, 50);
		pthread_cond_timedwait(&srv->changed, &srv->lock, &until);
	}
	if (atomic_load(&srv->inflight) > 0)
		fprintf(stderr, "sanad serve: %d request(s) still running after %d s; closing them\n",
			atomic_load(&srv->inflight), HTTP_DRAIN_SECONDS);
	pthread_mutex_unlock(&srv->lock);
	/* commits what is still queued and resumes those connections: none may
	 * be suspended when the daemon stops; later records are written by
	 * their worker threads (it stays allocated, closed, until
	 * http_server_close: a worker may be reading srv->audit right now) */
	http_audit_writer_stop(srv->audit);
	MHD_stop_daemon(srv->daemon);
	srv->daemon = NULL;
	if (srv->journal) {
		/* no worker is left to write to it: finish it, copy the rest */
		audit_journal_close(srv->journal);
		srv->journal = NULL;
		ingest_leftovers(srv->audit_st, 0, 0);
	}
	http_server_close(srv);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	printf("sanad serve: stopped (%s)\n", sig == SIGINT ? "SIGINT" : "SIGTERM");
	fflush(stdout);
	return 0;
}
