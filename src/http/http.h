/*
 * http: `sanad serve`, the web server.  libmicrohttpd carries the bytes; this
 * module turns them into a transport-free struct http_request, runs it
 * through one route table and one gate (method, authentication, CSRF, role
 * permission, body size and type, case visibility) and then a small handler
 * per resource (api_<resource>_<verb>), which fills a struct http_response.
 * Every error is the same JSON envelope, {"error": code, "message": text}.
 *
 * Server lifecycle (the invariants the code keeps; docs/api.md has the
 * deployment notes):
 *   - A fixed pool of worker threads (libmicrohttpd's thread pool over
 *     epoll), and exactly one database connection per worker: a request
 *     borrows a connection for its whole run and gives it back, so a
 *     struct storage is never used by two threads at once.
 *   - Every connection has an idle timeout, a per-address limit, a global
 *     limit and a memory limit, so slow or greedy clients cannot pin the
 *     workers (the library's defaults allow slowloris).
 *   - SIGTERM or SIGINT: stop accepting, let the requests already received
 *     finish (bounded wait), then close the connections and the databases,
 *     and return 0.
 *
 * The request decoding functions below (target, query, cookies, content
 * type, JSON body) take bytes, not sockets, so the fuzz harness and the unit
 * tests drive exactly what the server runs.
 */
#ifndef SANAD_HTTP_H
#define SANAD_HTTP_H

#include <jansson.h>
#include <stdio.h>

#include "storage/storage.h"

/* ---- configuration ---- */

struct http_config {
	const char *db_path;
	const char *key_path;         /* the database's key file; NULL: "<db>.key" */
	const char *listen;           /* "ADDR:PORT"; ADDR an IPv4 or [IPv6] address */
	unsigned threads;             /* worker threads, and database connections */
	size_t max_body;              /* bytes of a request body (413 beyond) */
	size_t max_url;               /* bytes of the request target (414 beyond) */
	size_t max_headers;           /* bytes of all request headers (431 beyond) */
	unsigned connection_timeout;  /* seconds a connection may sit idle */
	unsigned per_ip_limit;        /* open connections from one address */
	unsigned connection_limit;    /* open connections in all */
	size_t connection_memory;     /* bytes of buffer per connection */
	int trust_forwarded;          /* take the client address from X-Forwarded-For
	                               * (only behind a reverse proxy that sets it) */
	FILE *log;                    /* one line per request; NULL: no access log */
	unsigned cache_ttl_ms;        /* how long a caller's check and a case read are
	                               * remembered (http/cache.c); 0: not at all */
	size_t cache_cases;           /* cases remembered at most */
	int audit_commit;             /* sanad serve: answer a read once its audit record
	                               * is committed, not once it is in the audit journal
	                               * (audit.h; --audit-sync commit) */
	unsigned audit_copy_ms;       /* otherwise, how often the journal is copied into
	                               * the trail (--audit-window) */
};

/* Fill cfg with the defaults documented in `sanad serve --help`. */
void http_config_defaults(struct http_config *cfg);

/* Open the database pool, listen on cfg->listen and serve until SIGTERM or
 * SIGINT arrives; then shut down cleanly (see above).  Returns 0 after a
 * clean shutdown; on failure to start, an error naming the address or the
 * database.  Must be called from the main thread (it waits for the signals
 * with sigwait, blocking them in every thread it starts). */
int http_serve(const struct http_config *cfg, struct sanad_error *err);

/* ---- errors ---- */

/* What went wrong with a request: an HTTP status, a stable machine-readable
 * code ("malformed_json") and a message for people that names the limit,
 * field or byte at fault. */
struct http_error {
	int status;
	const char *code;
	char message[512];
};

/* Fill e and return status, so parsers can write `return http_fail(...)`. */
int http_fail(struct http_error *e, int status, const char *code, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* The JSON envelope of an error: {"error": code, "message": message}.  New
 * reference. */
json_t *http_error_json(const char *code, const char *message);

/* ---- requests ---- */

enum http_method {
	HTTP_GET = 1 << 0,
	HTTP_HEAD = 1 << 1,
	HTTP_POST = 1 << 2,
	HTTP_PUT = 1 << 3,
	HTTP_PATCH = 1 << 4,
	HTTP_DELETE = 1 << 5,
	HTTP_OPTIONS = 1 << 6,
	HTTP_OTHER = 1 << 7, /* a method the server never routes */
};
#define HTTP_UNSAFE_METHODS (HTTP_POST | HTTP_PUT | HTTP_PATCH | HTTP_DELETE)

enum http_method http_method_parse(const char *name);
const char *http_method_name(enum http_method m);

struct http_param {
	char *name;
	char *value;
};

#define HTTP_MAX_SEGMENTS 16
#define HTTP_MAX_QUERY 32
#define HTTP_MAX_HEADERS 64

struct http_request {
	enum http_method method;
	char *target;                /* the request target as sent */
	char *path;                  /* decoded path, e.g. "/api/v1/cases/SND-000001" */
	char *segments[HTTP_MAX_SEGMENTS]; /* decoded path segments */
	int nsegments;
	struct http_param query[HTTP_MAX_QUERY];
	int nquery;
	struct http_param headers[HTTP_MAX_HEADERS];
	int nheaders;
	char remote_addr[64];        /* client address, text */
	struct strbuf body;
	json_t *json;                /* decoded JSON body (owned), or NULL */
};

void http_request_init(struct http_request *r);
void http_request_release(struct http_request *r);

/* Parse the request target (path and query, as sent) into r->path,
 * r->segments and r->query.  Percent escapes are decoded per segment (so
 * "%2F" inside a case reference stays inside it; '+' in the query is a
 * space); the decoded text must be UTF-8 without NUL or other control
 * characters; "." and ".." segments, empty segments other than a final
 * one, more than HTTP_MAX_SEGMENTS segments or HTTP_MAX_QUERY parameters,
 * and targets longer than max_len (414) are refused.  Returns 0 or the
 * status it failed with (e filled). */
int http_target_parse(struct http_request *r, const char *target, size_t len, size_t max_len,
		      struct http_error *e);

/* Add a header (copied); fails with 431 beyond HTTP_MAX_HEADERS. */
int http_request_add_header(struct http_request *r, const char *name, const char *value,
			    struct http_error *e);
/* Value of header name (case-insensitive), or NULL. */
const char *http_header(const struct http_request *r, const char *name);
/* Value of query parameter name, or NULL. */
const char *http_query(const struct http_request *r, const char *name);

/* The value of cookie name in a Cookie header ("a=1; b=2"), as a new string
 * the caller frees; NULL when absent.  A cookie given twice is refused
 * (NULL): someone is trying to shadow the session. */
char *http_cookie_get(const char *header, const char *name);

/* 1 if a Content-Type header value means JSON in UTF-8
 * ("application/json", optionally "; charset=utf-8"), else 0. */
int http_content_type_is_json(const char *value);

/* Decode a JSON request body: well-formed UTF-8 (400 invalid_utf8 names the
 * byte offset), nesting at most max_depth deep (400 too_deep), one JSON
 * object (400 malformed_json names line, column and the parser's reason;
 * duplicate keys are refused).  On success *out is a new reference. */
int http_json_decode(const char *body, size_t len, int max_depth, json_t **out,
		     struct http_error *e);

/* Default nesting limit of JSON bodies: a case is an object of arrays of
 * objects; nothing legitimate goes deeper. */
#define HTTP_JSON_MAX_DEPTH 8

/* ---- responses ---- */

struct http_response {
	int status;
	const char *content_type;    /* static string */
	struct strbuf body;          /* the body, unless static_body is set */
	const unsigned char *static_body; /* embedded data, not freed */
	size_t static_len;
	/* static_body borrowed from someone who must be told when it is no
	 * longer needed (a cached answer: http_response_json_borrowed) */
	void (*static_release)(void *ctx);
	void *static_ctx;
	struct {
		const char *name, *value;
		unsigned char owned;  /* bit 1: name is ours to free, bit 2: value is */
	} headers[16];
	int nheaders;
	int is_api;                  /* an API answer: never cached */
};

void http_response_init(struct http_response *resp);
/* Answer status with JSON text that someone else keeps (with its final
 * newline, escaped as http_response_json does): not copied; release(ctx)
 * is called once the answer has been sent or dropped. */
void http_response_json_borrowed(struct http_response *resp, int status, const char *text, size_t len,
				 void (*release)(void *ctx), void *ctx);
/* The body, wherever it is kept (tests, the log). */
const char *http_response_body(const struct http_response *resp, size_t *len);
void http_response_release(struct http_response *resp);
/* Add a response header (both copied). */
void http_response_header(struct http_response *resp, const char *name, const char *value);
/* The same for a name and value that live as long as the program (string
 * literals): not copied.  Every answer carries eight of them. */
void http_response_header_static(struct http_response *resp, const char *name, const char *value);
/* Value of a response header that was added, or NULL (for tests and the log). */
const char *http_response_header_get(const struct http_response *resp, const char *name);
/* Set status and a JSON body (json's reference is stolen). */
void http_response_json(struct http_response *resp, int status, json_t *json);
/* Set status and a JSON body already serialised and escaped as
 * http_response_json does (http_json_escape), for answers assembled from
 * remembered parts, taking text's buffer instead of copying it (text is
 * left empty). */
void http_response_json_take(struct http_response *resp, int status, struct strbuf *text);
/* Append text (JSON) to sb with < > & written as \u escapes. */
void http_json_escape(struct strbuf *sb, const char *text, size_t len);
/* Set status and the error envelope. */
void http_response_error(struct http_response *resp, int status, const char *code, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* An error answer about item `item` of repeating group `group` (a route on
 * one item): adds "group" and "item" to the envelope unless it names an
 * item already.  Nothing for an answer that is not an error. */
void http_response_error_item(struct http_response *resp, const char *group, long item);
/* The headers every response carries: CSP without inline script, nosniff,
 * no referrer, no framing; API answers also Cache-Control: no-store. */
void http_response_security_headers(struct http_response *resp);

/* ---- the server core, without a socket (tests drive it directly) ---- */

struct http_server;

/* Open the database pool for cfg (cfg->threads connections). */
int http_server_open(struct http_server **out, const struct http_config *cfg, struct sanad_error *err);
void http_server_close(struct http_server *srv);
/* Route, gate and handle one request whose target, headers and body are in
 * req (the body not yet decoded); fill resp (initialised by the caller).
 * Safe to call from several threads at once. */
void http_server_handle(struct http_server *srv, struct http_request *req, struct http_response *resp);

/* ---- the route table, for the tests that walk it ---- */

struct http_route_info {
	enum http_method method;
	const char *pattern;   /* "/api/v1/cases/{ref}" */
	const char *handler;   /* "api_cases_get" */
	const char *permission;/* the policy action checked by the gate, or "" */
	const char *permission_alt; /* an action that also suffices, or "" */
	unsigned flags;        /* enum http_route_flags */
};

enum http_route_flags {
	ROUTE_PUBLIC = 1 << 0,     /* no session needed */
	ROUTE_BODY_JSON = 1 << 1,  /* a JSON object body is required */
	ROUTE_BODY_OPTIONAL = 1 << 2, /* a JSON object body may be sent */
	ROUTE_CASE = 1 << 3,       /* {ref} names a case: the gate loads it and
	                            * answers 404 when the caller may not see it */
	ROUTE_STATIC = 1 << 4,     /* an embedded web asset */
};

int http_route_count(void);
/* Route i, 0 <= i < http_route_count(). */
void http_route_info(int i, struct http_route_info *out);

#endif
