/*
 * http/gate.c: the single gate every request passes before a handler runs
 * (Redis processCommand in spirit).  In order:
 *
 *   1. route: the path must match a route (404) with this method (405 and
 *      Allow otherwise);
 *   2. authentication, unless the route is public: a bearer token in
 *      Authorization, or the session cookie (401 when missing, unknown or
 *      expired);
 *   3. CSRF: a cookie session on POST/PUT/PATCH/DELETE must echo the
 *      session's token in X-CSRF-Token (403);
 *   4. permission: the route's policy action must be allowed for the role
 *      (403);
 *   5. body: size (413), content type (415), UTF-8 and JSON (400);
 *   6. the case, for routes that name one: it is loaded and the policy
 *      decides; a case the caller may not know of is answered exactly like
 *      a case that does not exist (404), and the attempt is audited.
 *
 * Handlers therefore start with a signed-in caller allowed to do what the
 * route does, a decoded body, and the case; none repeats these checks.
 */
#include "http/cases_internal.h"

#include <stdio.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#define SESSION_COOKIE "__Host-sanad_session"

/* The route patterns, split into segments once: matching a request
 * against all 53 routes by scanning each pattern's text (strchr, strlen)
 * was 2% of the server's CPU per case read. */
#define ROUTE_MAX_SEGMENTS 8

struct route_segment {
	const char *text; /* the literal, or the parameter's name after '{' */
	size_t len;
	int param;        /* "{name}" */
};

struct compiled_route {
	struct route_segment seg[ROUTE_MAX_SEGMENTS];
	int nseg;
	int rest;         /* the last segment is "{name*}": it takes what is left */
};

static struct compiled_route *compiled;
static pthread_once_t compiled_once = PTHREAD_ONCE_INIT;

static void routes_compile(void)
{
	int n;
	const struct http_route *t = http_routes(&n);
	compiled = xcalloc((size_t)n, sizeof(*compiled));
	for (int i = 0; i < n; i++) {
		const char *p = t[i].pattern;
		struct compiled_route *cr = &compiled[i];
		while (*p == '/')
			p++;
		while (*p) {
			const char *end = strchr(p, '/');
			size_t len = end ? (size_t)(end - p) : strlen(p);
			struct route_segment *sg = &cr->seg[cr->nseg];
			if (cr->nseg == ROUTE_MAX_SEGMENTS) {
				/* never matches: the every-endpoint-by-every-role
				 * test (tests/http) finds such a route at once */
				cr->nseg = -1;
				break;
			}
			sg->param = p[0] == '{';
			sg->text = sg->param ? p + 1 : p;
			sg->len = len;
			if (sg->param && len >= 3 && p[len - 2] == '*')
				cr->rest = 1;
			cr->nseg++;
			p += len;
			while (*p == '/')
				p++;
		}
	}
}

/* Does route i match the request path?  Fills the parameters. */
static int route_matches(const struct http_route *r, int i, const struct http_request *req, struct http_ctx *c)
{
	const struct compiled_route *cr = &compiled[i];
	int np = 0;

	if ((r->flags & ROUTE_STATIC) && req->nsegments > 0 && !strcmp(req->segments[0], "api"))
		return 0; /* the API namespace never falls through to files */
	if (cr->nseg < 0 || (cr->rest ? req->nsegments < cr->nseg : req->nsegments != cr->nseg))
		return 0;
	for (int seg = 0; seg < cr->nseg; seg++) {
		const struct route_segment *sg = &cr->seg[seg];
		if (sg->param) {
			if (c && np < HTTP_MAX_PARAMS) {
				c->param_name[np] = sg->text; /* up to '}' or '*': compared by prefix */
				c->param[np] = req->segments[seg];
			}
			np++;
		} else if (strncmp(req->segments[seg], sg->text, sg->len) || req->segments[seg][sg->len]) {
			return 0; /* strncmp: the segment may be shorter than the literal */
		}
	}
	if (c)
		c->nparams = np;
	return 1;
}

const char *http_param(const struct http_ctx *c, const char *name)
{
	size_t n = strlen(name);
	for (int i = 0; i < c->nparams && i < HTTP_MAX_PARAMS; i++)
		if (!strncmp(c->param_name[i], name, n) &&
		    (c->param_name[i][n] == '}' || c->param_name[i][n] == '*'))
			return c->param[i];
	return NULL;
}

const struct http_route *http_route_find(const struct http_request *req, struct http_ctx *c,
					 unsigned *allowed)
{
	int n;
	const struct http_route *t = http_routes(&n);
	pthread_once(&compiled_once, routes_compile);
	*allowed = 0;
	for (int i = 0; i < n; i++) {
		if (!route_matches(&t[i], i, req, NULL))
			continue;
		if (t[i].method == req->method || (req->method == HTTP_HEAD && t[i].method == HTTP_GET)) {
			route_matches(&t[i], i, req, c);
			return &t[i];
		}
		*allowed |= t[i].method;
		if (t[i].method == HTTP_GET)
			*allowed |= HTTP_HEAD;
	}
	return NULL;
}

static void allow_header(struct http_response *resp, unsigned allowed)
{
	struct strbuf sb = STRBUF_INIT;
	for (unsigned m = 1; m <= HTTP_OTHER; m <<= 1)
		if (allowed & m) {
			if (sb.len)
				strbuf_addstr(&sb, ", ");
			strbuf_addstr(&sb, http_method_name((enum http_method)m));
		}
	http_response_header(resp, "Allow", strbuf_str(&sb));
	strbuf_release(&sb);
}

static int gate_authenticate(struct http_ctx *c)
{
	const char *authz = http_header(c->req, "Authorization");
	struct sanad_error err = { 0 };
	char *cookie;

	if (authz) {
		const char *token = authz;
		if (strncasecmp(authz, "Bearer ", 7)) {
			reply_error(c, 401, "unauthenticated", "the Authorization header must be 'Bearer TOKEN'");
			return -1;
		}
		token += 7;
		while (*token == ' ')
			token++;
		if (!http_cache_caller_get(c->cache, "bearer", token, &c->user, NULL)) {
			if (auth_token_check(c->st, token, c->now, &c->user, &err)) {
				reply_error(c, 401, "unauthenticated", "the bearer token is not valid");
				return -1;
			}
			http_cache_caller_put(c->cache, c->cache_generation, "bearer", token, &c->user, NULL);
		}
		c->via_cookie = 0;
	} else {
		cookie = http_cookie_get(http_header(c->req, "Cookie"), SESSION_COOKIE);
		if (!cookie) {
			reply_error(c, 401, "unauthenticated", "sign in first (POST /api/v1/session)");
			return -1;
		}
		if (!http_cache_caller_get(c->cache, "session", cookie, &c->user, &c->csrf)) {
			if (auth_session_check(c->st, cookie, c->now, &c->user, &c->csrf, &err)) {
				free(cookie);
				reply_error(c, 401, "unauthenticated", "the session has ended: sign in again");
				return -1;
			}
			http_cache_caller_put(c->cache, c->cache_generation, "session", cookie, &c->user, c->csrf);
		}
		c->session_id = cookie;
		c->via_cookie = 1;
	}
	c->signed_in = 1;
	c->pu = auth_user_policy(&c->user);
	return 0;
}

static int gate_body(struct http_ctx *c)
{
	struct http_request *req = c->req;
	struct http_error e = { 0 };
	unsigned fl = c->route->flags;

	if (req->body.len > c->cfg->max_body) {
		reply_error(c, 413, "body_too_large", "the request body is %zu bytes, over the limit of %zu",
			    req->body.len, c->cfg->max_body);
		return -1;
	}
	if (!(fl & (ROUTE_BODY_JSON | ROUTE_BODY_OPTIONAL))) {
		if (req->body.len) {
			reply_error(c, 400, "unexpected_body", "%s %s takes no request body",
				    http_method_name(c->route->method), c->route->pattern);
			return -1;
		}
		return 0;
	}
	if (!req->body.len && (fl & ROUTE_BODY_OPTIONAL))
		return 0;
	if (req->body.len && !http_content_type_is_json(http_header(req, "Content-Type"))) {
		reply_error(c, 415, "unsupported_media_type",
			    "send the body as Content-Type: application/json (UTF-8), not '%.80s'",
			    http_header(req, "Content-Type") ? http_header(req, "Content-Type") : "(none)");
		return -1;
	}
	if (http_json_decode(req->body.buf, req->body.len, HTTP_JSON_MAX_DEPTH, &req->json, &e)) {
		reply_error(c, e.status, e.code, "%s", e.message);
		return -1;
	}
	return 0;
}

/* Split a referral id "REF.N" at its last dot; *ref is a new string. */
static int referral_id_split(const char *id, char **ref, size_t *item)
{
	const char *dot = strrchr(id, '.');
	int64_t n;
	if (!dot || dot == id || parse_int64(dot + 1, 1, 1000, &n))
		return -1;
	*ref = xstrndup(id, (size_t)(dot - id));
	*item = (size_t)n - 1;
	return 0;
}

/* Load the case ref into c->kase.  A read may use the case as this server
 * last read it (cache.c): remembered for less than the TTL, or checked
 * since against its stamp.  A change always starts from the database. */
static int gate_load_case(struct http_ctx *c, const char *ref, struct sanad_error *err)
{
	int reading = c->req->method == HTTP_GET || c->req->method == HTTP_HEAD, expired, rc;
	int64_t id = 0, updated_at = 0, read_at = 0;

	if (reading && (c->cached = http_cache_case_take(c->cache, ref, &expired)) && expired) {
		/* a change from another process sets updated_at (seconds), so it
		 * is seen unless it fell in the second the case was read: then
		 * the case is read again */
		if (!storage_case_stamp(c->st, ref, &id, &updated_at, err) && id == c->cached->record.id &&
		    updated_at == c->cached->updated_at && updated_at < c->cached->read_at) {
			http_cache_case_renew(c->cache, c->cached);
		} else {
			http_cache_case_forget(c->cache, c->cached);
			c->cached = NULL;
			memset(err, 0, sizeof(*err));
		}
	}
	if (c->cached) {
		/* GET /cases/{ref}, the one reading case route, only reads kase */
		c->kase = c->cached->record;
		c->kase_borrowed = 1;
		return 0;
	}
	if (reading && c->cache) {
		read_at = (int64_t)time(NULL); /* before the stamp: see above */
		if ((rc = storage_case_stamp(c->st, ref, &id, &updated_at, err)))
			return rc; /* c->kase untouched: nothing to release */
	}
	rc = storage_case_get(c->st, ref, &c->kase, err);
	if (rc)
		case_record_release(&c->kase); /* initialised even when not found */
	else if (reading && c->cache)
		c->cached = http_cache_case_put(c->cache, c->cache_generation, ref, &c->kase, updated_at, read_at);
	return rc;
}

static int gate_case(struct http_ctx *c)
{
	const char *ref = http_param(c, "ref");
	char *owned = NULL;
	struct sanad_error err = { 0 };
	size_t item = 0;
	int rc;

	if (!ref) {
		const char *id = http_param(c, "id");
		if (!id || referral_id_split(id, &owned, &item)) {
			reply_error(c, 404, "not_found", "no referral '%.80s' (ids look like SND-000001.1)",
				    id ? id : "");
			return -1;
		}
		ref = owned;
	}
	rc = gate_load_case(c, ref, &err);
	if (rc == SANAD_ENOTFOUND) {
		reply_error(c, 404, "not_found", "no case with reference '%.80s'", ref);
		free(owned);
		return -1;
	}
	if (rc) {
		reply_sanad_error(c, &err);
		free(owned);
		return -1;
	}
	c->have_case = 1;
	c->item = item;
	c->access = policy_case_access(&c->pu, &c->kase);
	if (owned && item >= c->kase.child[GROUP_REFERRAL].count)
		c->access = ACCESS_NONE;
	if (c->access == ACCESS_NONE) {
		char detail[160];
		snprintf(detail, sizeof(detail), "refused %s %s", http_method_name(c->req->method),
			 c->route->pattern);
		audit_as_caller(c, AUDIT_DENIED, ref, detail, NULL);
		/* the same answer as for a case that does not exist */
		reply_error(c, 404, "not_found", owned ? "no referral '%.80s'" : "no case with reference '%.80s'",
			    owned ? http_param(c, "id") : ref);
		free(owned);
		return -1;
	}
	free(owned);
	if (!policy_case_allows(&c->pu, &c->kase, (enum policy_action)c->route->action)) {
		reply_error(c, 403, "forbidden", "your access to this case (%s) does not allow %s",
			    case_access_name(c->access), policy_action_name((enum policy_action)c->route->action));
		return -1;
	}
	return 0;
}

static void ctx_release(struct http_ctx *c)
{
	if (c->signed_in)
		auth_user_release(&c->user);
	if (c->have_case && !c->kase_borrowed)
		case_record_release(&c->kase);
	http_cache_case_drop(c->cache, c->cached);
	free(c->session_id);
	free(c->csrf);
}

void http_dispatch(struct http_server *srv, const struct http_config *cfg, struct storage *st,
		   struct http_request *req, struct http_response *resp, int64_t now)
{
	struct http_ctx c = { 0 };
	unsigned allowed;

	c.srv = srv;
	c.cfg = cfg;
	c.st = st;
	c.req = req;
	c.resp = resp;
	c.now = now;
	c.cache = http_server_cache(srv);
	c.cache_generation = http_cache_generation(c.cache);
	c.route = http_route_find(req, &c, &allowed);
	if (!c.route) {
		if (allowed) {
			allow_header(resp, allowed);
			reply_error(&c, 405, "method_not_allowed", "%s is not allowed here", http_method_name(req->method));
		} else {
			reply_error(&c, 404, "not_found", "no such endpoint");
		}
		return;
	}
	if (!(c.route->flags & ROUTE_PUBLIC)) {
		if (gate_authenticate(&c))
			goto out;
		if (c.via_cookie && (req->method & HTTP_UNSAFE_METHODS) &&
		    !auth_csrf_valid(c.csrf, http_header(req, "X-CSRF-Token"))) {
			reply_error(&c, 403, "csrf_failed",
				    "a state-changing request with a session cookie must send the session's "
				    "X-CSRF-Token header");
			goto out;
		}
		if (c.route->action != ACT_NONE &&
		    !policy_allows(c.user.role, (enum policy_action)c.route->action) &&
		    !(c.route->action_alt != ACT_NONE &&
		      policy_allows(c.user.role, (enum policy_action)c.route->action_alt))) {
			reply_error(&c, 403, "forbidden", "the role %s may not %s", role_name(c.user.role),
				    policy_action_name((enum policy_action)c.route->action));
			goto out;
		}
	}
	if (gate_body(&c))
		goto out;
	if ((c.route->flags & ROUTE_CASE) && gate_case(&c))
		goto out;
	resp->status = 0;
	c.route->handler(&c);
	if (!resp->status) /* a handler that answered nothing is a bug; never send an empty 200 */
		reply_error(&c, 500, "internal", "the server did not answer this request");
	/* after the handler's commit, before its answer leaves: the next
	 * request, of this caller or any other, sees the change (cache.c) */
	if (req->method & HTTP_UNSAFE_METHODS)
		http_cache_changed(c.cache);
out:
	if (storage_in_transaction(st)) {
		/* every handler ends its transaction; one left open is a bug */
		fprintf(stderr, "sanad serve: internal: %s %s left a transaction open\n",
			http_method_name(req->method), c.route ? c.route->pattern : req->path);
		storage_rollback(st);
	}
	ctx_release(&c);
}
