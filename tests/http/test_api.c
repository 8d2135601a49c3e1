/* tests/http/test_api: the gate and the handlers, driven through
 * http_server_handle on a real database without a socket — the checks that
 * need many requests or threads, or that walk the field registry. */
#include "test_support.h"
#include "http/http_internal.h"

#include <pthread.h>
#include <unistd.h>

struct fixture {
	char *path, *key;
	struct http_server *srv;
	struct http_config cfg;
	char *token_cw, *token_cwb, *token_sup, *token_sys;
};

static struct fixture *F;
/* the server requests go to: F->srv unless a test opens its own */
static struct http_server *use_srv;

static char *add_user(struct storage *st, const char *name, enum role role, const char *org)
{
	struct auth_new_user nu = { name, NULL, role, org, "en" };
	struct sanad_error err = { 0 };
	char *token = NULL;
	if (auth_user_add(st, &nu, "a long enough password", &err))
		fail_msg("adding %s: %s", name, err.message);
	if (auth_token_create(st, name, "test", (int64_t)time(NULL), &token, &err))
		fail_msg("token for %s: %s", name, err.message);
	return token;
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct sanad_error err = { 0 };
	struct storage *st;
	struct organisation a = { 0 }, b = { 0 }, p = { 0 };

	f->path = test_temp_path(".db");
	f->key = malloc(strlen(f->path) + 8);
	sprintf(f->key, "%s.key", f->path);
	if (storage_open(&st, f->path, STORAGE_CREATE, &err))
		fail_msg("%s", err.message);
	a.code = "ngo-a", a.name = "NGO A", a.org_type = "NGO";
	b.code = "ngo-b", b.name = "NGO B", b.org_type = "NGO";
	p.code = "police", p.name = "Police", p.org_type = "LawEnforcement";
	if (storage_org_add(st, &a, &err) || storage_org_add(st, &b, &err) || storage_org_add(st, &p, &err))
		fail_msg("%s", err.message);
	f->token_cw = add_user(st, "cw", ROLE_CASEWORKER, "ngo-a");
	f->token_cwb = add_user(st, "cwb", ROLE_CASEWORKER, "ngo-b");
	f->token_sup = add_user(st, "sup", ROLE_SUPERVISOR, "ngo-a");
	f->token_sys = add_user(st, "sys", ROLE_SYSADMIN, NULL);
	storage_close(st);
	http_config_defaults(&f->cfg);
	f->cfg.db_path = f->path;
	f->cfg.threads = 4;
	f->cfg.max_body = 64 * 1024;
	if (http_server_open(&f->srv, &f->cfg, &err))
		fail_msg("%s", err.message);
	F = f;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	http_server_close(f->srv);
	test_remove_db(f->path);
	remove(f->key);
	free(f->path);
	free(f->key);
	free(f->token_cw);
	free(f->token_cwb);
	free(f->token_sup);
	free(f->token_sys);
	free(f);
	return 0;
}

/* One request: returns the status; *out (if given) gets the parsed JSON
 * body (new reference), *resp_out (if given) the whole response. */
static int call_full(const char *method, const char *target, const char *token, const char *body,
		     const char *const *headers, json_t **out, struct http_response *resp_out)
{
	struct http_request req;
	struct http_response resp;
	struct http_error e = { 0 };
	char auth[256];
	int status;

	http_request_init(&req);
	req.method = http_method_parse(method);
	snprintf(req.remote_addr, sizeof(req.remote_addr), "127.0.0.1");
	if (http_target_parse(&req, target, strlen(target), F->cfg.max_url, &e)) {
		http_request_release(&req);
		return e.status;
	}
	if (token) {
		snprintf(auth, sizeof(auth), "Bearer %s", token);
		http_request_add_header(&req, "Authorization", auth, &e);
	}
	if (body) {
		http_request_add_header(&req, "Content-Type", "application/json", &e);
		strbuf_addstr(&req.body, body);
	}
	for (int i = 0; headers && headers[i]; i += 2)
		http_request_add_header(&req, headers[i], headers[i + 1], &e);
	http_response_init(&resp);
	http_server_handle(use_srv ? use_srv : F->srv, &req, &resp);
	status = resp.status;
	if (out) {
		json_error_t jerr;
		size_t len;
		const char *text = http_response_body(&resp, &len);
		*out = len ? json_loadb(text, len, 0, &jerr) : NULL;
	}
	if (resp_out)
		*resp_out = resp;
	else
		http_response_release(&resp);
	http_request_release(&req);
	return status;
}

static int call(const char *method, const char *target, const char *token, const char *body, json_t **out)
{
	return call_full(method, target, token, body, NULL, out, NULL);
}

static const char *str(json_t *j, const char *key)
{
	return json_string_value(json_object_get(j, key));
}

static void test_every_private_route_needs_authentication(void **state)
{
	(void)state;
	for (int i = 0; i < http_route_count(); i++) {
		struct http_route_info r;
		struct strbuf target = STRBUF_INIT;
		json_t *j = NULL;
		int status;
		http_route_info(i, &r);
		if (r.flags & ROUTE_PUBLIC)
			continue;
		for (const char *p = r.pattern; *p; p++) {
			if (*p == '{') { /* any value: authentication comes first */
				strbuf_addstr(&target, "x.1");
				p = strchr(p, '}');
			} else {
				strbuf_addch(&target, *p);
			}
		}
		status = call(http_method_name(r.method), target.buf, NULL,
			      (r.flags & (ROUTE_BODY_JSON | ROUTE_BODY_OPTIONAL)) ? "{}" : NULL, &j);
		if (status != 401)
			fail_msg("%s %s without a session: %d", http_method_name(r.method), target.buf, status);
		assert_string_equal(str(j, "error"), "unauthenticated");
		json_decref(j);
		strbuf_release(&target);
	}
	/* a token that is not ours, and another scheme */
	assert_int_equal(call("GET", "/api/v1/me", "sndt_forged", NULL, NULL), 401);
	{
		const char *const basic[] = { "Authorization", "Basic Y3c6cGFzcw==", NULL };
		assert_int_equal(call_full("GET", "/api/v1/me", NULL, NULL, basic, NULL, NULL), 401);
	}
}

static void test_gate_checks_in_order(void **state)
{
	struct http_response resp;
	json_t *j;
	char *big;
	(void)state;
	/* method: 405 with Allow */
	assert_int_equal(call_full("PUT", "/api/v1/cases", F->token_cw, "{}", NULL, NULL, &resp), 405);
	assert_string_equal(http_response_header_get(&resp, "Allow"), "GET, HEAD, POST");
	http_response_release(&resp);
	/* role: a system administrator reads no case */
	assert_int_equal(call("GET", "/api/v1/cases", F->token_sys, NULL, &j), 403);
	assert_string_equal(str(j, "error"), "forbidden");
	json_decref(j);
	/* content type */
	{
		const char *const text[] = { "Content-Type", "text/plain", NULL };
		struct http_request req;
		struct http_response r2;
		struct http_error e = { 0 };
		char auth[200];
		http_request_init(&req);
		req.method = HTTP_POST;
		http_target_parse(&req, "/api/v1/cases", 13, 8192, &e);
		snprintf(auth, sizeof(auth), "Bearer %s", F->token_cw);
		http_request_add_header(&req, "Authorization", auth, &e);
		http_request_add_header(&req, text[0], text[1], &e);
		strbuf_addstr(&req.body, "{}");
		http_response_init(&r2);
		http_server_handle(F->srv, &req, &r2);
		assert_int_equal(r2.status, 415);
		http_response_release(&r2);
		http_request_release(&req);
	}
	/* a body where none is taken; a body over the limit */
	assert_int_equal(call("GET", "/api/v1/me", F->token_cw, "{}", NULL), 400);
	big = xmalloc(F->cfg.max_body + 100);
	memset(big, ' ', F->cfg.max_body + 99);
	big[0] = '{';
	big[F->cfg.max_body + 98] = '}';
	big[F->cfg.max_body + 99] = '\0';
	assert_int_equal(call("POST", "/api/v1/cases", F->token_cw, big, &j), 413);
	assert_string_equal(str(j, "error"), "body_too_large");
	json_decref(j);
	free(big);
	assert_int_equal(call("POST", "/api/v1/cases", F->token_cw, "{\"prs_FirstName\":", &j), 400);
	assert_string_equal(str(j, "error"), "malformed_json");
	json_decref(j);
}

static void test_csrf_for_cookie_sessions(void **state)
{
	struct storage *st;
	struct sanad_error err = { 0 };
	struct auth_session s = { 0 };
	char cookie[200];
	json_t *j;
	(void)state;
	assert_int_equal(storage_open(&st, F->path, 0, &err), 0);
	assert_int_equal(auth_login(st, "cw", "a long enough password", "127.0.0.1", (int64_t)time(NULL), &s, NULL, &err), 0);
	storage_close(st);
	snprintf(cookie, sizeof(cookie), "__Host-sanad_session=%s", s.id);
	{
		const char *const no_token[] = { "Cookie", cookie, NULL };
		const char *const bad_token[] = { "Cookie", cookie, "X-CSRF-Token", "nope", NULL };
		const char *const good[] = { "Cookie", cookie, "X-CSRF-Token", s.csrf, NULL };
		assert_int_equal(call_full("GET", "/api/v1/me", NULL, NULL, no_token, NULL, NULL), 200);
		assert_int_equal(call_full("POST", "/api/v1/cases", NULL, "{}", no_token, &j, NULL), 403);
		assert_string_equal(str(j, "error"), "csrf_failed");
		json_decref(j);
		assert_int_equal(call_full("POST", "/api/v1/cases", NULL, "{}", bad_token, NULL, NULL), 403);
		assert_int_equal(call_full("POST", "/api/v1/cases", NULL, "{}", good, &j, NULL), 201);
		json_decref(j);
		/* logout ends it */
		assert_int_equal(call_full("DELETE", "/api/v1/session", NULL, NULL, good, NULL, NULL), 200);
		assert_int_equal(call_full("GET", "/api/v1/me", NULL, NULL, no_token, NULL, NULL), 401);
	}
	auth_session_release(&s);
}

static char *new_case(const char *token, const char *body)
{
	json_t *j;
	char *ref;
	assert_int_equal(call("POST", "/api/v1/cases", token, body, &j), 201);
	ref = xstrdup(str(j, "ref"));
	json_decref(j);
	return ref;
}

/* How many audit records of case ref have this action and actor. */
static int audit_count(const char *ref, const char *action, const char *actor)
{
	struct storage *st;
	struct sanad_error err = { 0 };
	struct audit_query q = { 0 };
	struct audit_row *rows;
	size_t n;
	int count = 0;
	assert_int_equal(storage_open(&st, F->path, 0, &err), 0);
	q.case_ref = ref;
	assert_int_equal(audit_list(st, &q, &rows, &n, &err), 0);
	for (size_t i = 0; i < n; i++) {
		if (!strcmp(rows[i].action, action) && !strcmp(rows[i].actor, actor))
			count++;
		audit_row_release(&rows[i]);
	}
	free(rows);
	storage_close(st);
	return count;
}

static void test_other_organisation_is_404_and_audited(void **state)
{
	char *ref = new_case(F->token_cw, "{\"prs_FirstName\":\"Amina\"}"), target[128];
	json_t *j, *k;
	(void)state;
	snprintf(target, sizeof(target), "/api/v1/cases/%s", ref);
	assert_int_equal(call("GET", target, F->token_cwb, NULL, &j), 404);
	assert_int_equal(call("GET", "/api/v1/cases/SND-999999", F->token_cwb, NULL, &k), 404);
	assert_string_equal(str(j, "error"), str(k, "error"));
	json_decref(j);
	json_decref(k);
	/* every case route answers the same */
	snprintf(target, sizeof(target), "/api/v1/cases/%s/comments", ref);
	assert_int_equal(call("POST", target, F->token_cwb, "{\"cco_CaseComment\":\"x\"}", NULL), 404);
	assert_int_equal(audit_count(ref, AUDIT_DENIED, "cwb"), 2);
	free(ref);
}

/* Hostile text in every text field of every group: stored as given,
 * returned as given, nothing executed. */
static void test_injection_in_every_text_field(void **state)
{
	static const char evil[] = "'); DROP TABLE cases; -- \" OR 1=1 <script>alert('x')</script> &amp; \\ /*";
	json_t *body = json_object(), *j, *c;
	char *text, target[128], *ref;
	int fields = 0;
	(void)state;
	for (int g = 0; g < GROUP_COUNT; g++) {
		const struct group_def *gd = domain_group((enum group_id)g);
		json_t *item;
		if (g == GROUP_REFERRAL)
			continue; /* through its route, below */
		item = g == GROUP_CASE ? body : json_object();
		for (int i = 0; i < gd->nfields; i++) {
			const struct field_def *f = &gd->fields[i];
			if (f->flags & FF_SYSTEM)
				continue;
			if (f->kind == FK_TEXT || f->kind == FK_LONGTEXT) {
				json_object_set_new(item, f->name, json_string(evil));
				fields++;
			} else if (f->flags & FF_REQUIRED) { /* an item needs its required picks */
				const struct vocab_list *l = f->list ? vocab_list_find(f->list) : NULL;
				if (f->kind == FK_DATE)
					json_object_set_new(item, f->name, json_string("2024-01-02"));
				else if (l)
					json_object_set_new(item, f->name, json_string(l->entries[0].code));
			}
		}
		if (g != GROUP_CASE) {
			json_t *a = json_array();
			json_array_append_new(a, item);
			json_object_set_new(body, gd->name, a);
		}
	}
	assert_true(fields > 40);
	text = json_dumps(body, JSON_COMPACT);
	ref = new_case(F->token_cw, text);
	free(text);
	json_decref(body);
	/* referral items, after the consent they need */
	snprintf(target, sizeof(target), "/api/v1/cases/%s/consents", ref);
	assert_int_equal(call("POST", target, F->token_cw,
			      "{\"snd_ConsentScope\":\"Referral\",\"snd_ConsentGiven\":true}", NULL), 201);
	body = json_object();
	json_object_set_new(body, "cas_ReferredOrganisation", json_string("ngo-b"));
	for (int i = 0; i < domain_group(GROUP_REFERRAL)->nfields; i++) {
		const struct field_def *f = &domain_group(GROUP_REFERRAL)->fields[i];
		if ((f->kind == FK_TEXT || f->kind == FK_LONGTEXT) && strcmp(f->name, "cas_ReferredOrganisation")) {
			json_object_set_new(body, f->name, json_string(evil));
			fields++;
		}
	}
	text = json_dumps(body, JSON_COMPACT);
	snprintf(target, sizeof(target), "/api/v1/cases/%s/referrals", ref);
	assert_int_equal(call("POST", target, F->token_cw, text, NULL), 201);
	free(text);
	json_decref(body);

	snprintf(target, sizeof(target), "/api/v1/cases/%s", ref);
	assert_int_equal(call("GET", target, F->token_cw, NULL, &j), 200);
	c = json_object_get(j, "case");
	{
		int seen = 0;
		for (int g = 0; g < GROUP_COUNT; g++) {
			const struct group_def *gd = domain_group((enum group_id)g);
			json_t *item = g == GROUP_CASE ? c : json_array_get(json_object_get(c, gd->name), 0);
			for (int i = 0; i < gd->nfields; i++) {
				const struct field_def *f = &gd->fields[i];
				if ((f->kind != FK_TEXT && f->kind != FK_LONGTEXT) || (f->flags & FF_SYSTEM) ||
				    !strcmp(f->name, "cas_ReferredOrganisation") || !strcmp(f->name, "cas_CaseOwner") ||
				    !strcmp(f->name, "snd_StatusDecidedBy") || !strcmp(f->name, "cas_ReasonForCaseClosure"))
					continue;
				if (!item || !str(item, f->name) || strcmp(str(item, f->name), evil))
					fail_msg("%s.%s did not come back as it was sent", gd->name, f->name);
				seen++;
			}
		}
		assert_true(seen >= 40);
	}
	json_decref(j);
	/* the database is whole, and the search takes the same text */
	assert_int_equal(call("GET", "/api/v1/cases?q=%27%29%3B%20DROP%20TABLE%20cases%3B--", F->token_cw, NULL, NULL), 200);
	assert_int_equal(call("GET", "/api/v1/cases", F->token_cw, NULL, &j), 200);
	assert_true(json_array_size(json_object_get(j, "cases")) >= 1);
	json_decref(j);
	free(ref);
}

static void test_stale_version_is_409(void **state)
{
	char *ref = new_case(F->token_cw, "{\"prs_FirstName\":\"V\"}"), target[128], ifm[64];
	json_t *j;
	(void)state;
	snprintf(target, sizeof(target), "/api/v1/cases/%s", ref);
	assert_int_equal(call("GET", target, F->token_cw, NULL, &j), 200);
	snprintf(ifm, sizeof(ifm), "\"%s\"", str(j, "version"));
	json_decref(j);
	{
		const char *const h[] = { "If-Match", ifm, NULL };
		assert_int_equal(call_full("PATCH", target, F->token_cw, "{\"prs_MiddleName\":\"A\"}", h, NULL, NULL), 200);
		assert_int_equal(call_full("PATCH", target, F->token_cw, "{\"prs_MiddleName\":\"B\"}", h, &j, NULL), 409);
		assert_string_equal(str(j, "error"), "conflict");
		json_decref(j);
	}
	/* the lifecycle fields change only through their actions */
	assert_int_equal(call("PATCH", target, F->token_cw, "{\"cas_Status\":\"Closed\"}", NULL), 400);
	assert_int_equal(call("PATCH", target, F->token_cw, "{\"snd_CaseRef\":\"X\"}", NULL), 400);
	free(ref);
}

struct writer {
	const char *target;
	int failures;
};

static void *add_comments(void *arg)
{
	struct writer *w = arg;
	for (int i = 0; i < 10; i++)
		if (call("POST", w->target, F->token_cw, "{\"cco_CaseComment\":\"at the same time\"}", NULL) != 201)
			w->failures++;
	return NULL;
}

/* Changes reload the case inside the write transaction: concurrent
 * additions all survive. */
static void test_concurrent_changes_keep_every_item(void **state)
{
	char *ref = new_case(F->token_cw, "{\"prs_FirstName\":\"C\"}"), target[128];
	pthread_t t[4];
	struct writer w[4];
	json_t *j;
	(void)state;
	snprintf(target, sizeof(target), "/api/v1/cases/%s/comments", ref);
	for (int i = 0; i < 4; i++) {
		w[i].target = target;
		w[i].failures = 0;
		pthread_create(&t[i], NULL, add_comments, &w[i]);
	}
	for (int i = 0; i < 4; i++) {
		pthread_join(t[i], NULL);
		assert_int_equal(w[i].failures, 0);
	}
	snprintf(target, sizeof(target), "/api/v1/cases/%s", ref);
	assert_int_equal(call("GET", target, F->token_cw, NULL, &j), 200);
	assert_int_equal(json_array_size(json_object_get(json_object_get(j, "case"), "comments")), 40);
	json_decref(j);
	free(ref);
}

static void test_keyset_paging(void **state)
{
	json_t *j;
	char target[128];
	int64_t seen = 0, total;
	const char *cursor;
	(void)state;
	for (int i = 0; i < 7; i++)
		free(new_case(F->token_sup, "{\"prs_FirstName\":\"Page\"}"));
	assert_int_equal(call("GET", "/api/v1/cases?limit=200", F->token_sup, NULL, &j), 200);
	total = (int64_t)json_array_size(json_object_get(j, "cases"));
	json_decref(j);
	snprintf(target, sizeof(target), "/api/v1/cases?limit=3");
	for (;;) {
		assert_int_equal(call("GET", target, F->token_sup, NULL, &j), 200);
		seen += (int64_t)json_array_size(json_object_get(j, "cases"));
		cursor = str(j, "next_cursor");
		if (!cursor) {
			json_decref(j);
			break;
		}
		snprintf(target, sizeof(target), "/api/v1/cases?limit=3&cursor=%s", cursor);
		json_decref(j);
	}
	assert_int_equal(seen, total);
	assert_true(total >= 7);
	assert_int_equal(call("GET", "/api/v1/cases?limit=0", F->token_sup, NULL, NULL), 400);
	assert_int_equal(call("GET", "/api/v1/cases?stage=Nonsense", F->token_sup, NULL, NULL), 400);
}

/* ---- the server's memory of callers and cases (http/cache.c) ---- */

/* A second server on the fixture's database, remembering for ttl_ms. */
static struct http_server *server_with_ttl(unsigned ttl_ms)
{
	struct http_config cfg = F->cfg;
	struct http_server *srv;
	struct sanad_error err = { 0 };
	cfg.cache_ttl_ms = ttl_ms;
	if (http_server_open(&srv, &cfg, &err))
		fail_msg("%s", err.message);
	return srv;
}

/* What another process (the sanad command) does: change a case on its
 * own connection. */
static void change_outside(const char *ref, const char *field, const char *value)
{
	struct storage *st;
	struct sanad_error err = { 0 };
	struct case_record c;
	assert_int_equal(storage_open(&st, F->path, 0, &err), 0);
	assert_int_equal(storage_case_get(st, ref, &c, &err), 0);
	assert_int_equal(case_set(&c, field, value, &err), 0);
	assert_int_equal(storage_case_update(st, &c, &err), 0);
	case_record_release(&c);
	storage_close(st);
}

static char *body_of(const char *method, const char *target, const char *token, const char *body, int *status,
		     char etag[64])
{
	struct http_response resp;
	const char *body_text;
	char *text;
	size_t len;
	*status = call_full(method, target, token, body, NULL, NULL, &resp);
	body_text = http_response_body(&resp, &len);
	text = xstrndup(body_text, len);
	snprintf(etag, 64, "%s", http_response_header_get(&resp, "ETag") ? http_response_header_get(&resp, "ETag") : "");
	http_response_release(&resp);
	return text;
}

/* A remembered case is answered with the very bytes of a fresh read, and
 * every answer is still audited. */
static void test_remembered_case_reads_are_identical_and_audited(void **state)
{
	char *ref = new_case(F->token_cw, "{\"prs_FirstName\":\"<b>Noor</b> & co\",\"prs_SecondName\":\"\u0627\u0644\u062d\u0633\u0646\"}");
	char target[128], etag1[64], etag2[64], etag3[64];
	char *first, *second, *fresh;
	struct http_server *uncached = server_with_ttl(0);
	int status;
	(void)state;
	snprintf(target, sizeof(target), "/api/v1/cases/%s", ref);
	use_srv = NULL;
	first = body_of("GET", target, F->token_cw, NULL, &status, etag1);
	assert_int_equal(status, 200);
	second = body_of("GET", target, F->token_cw, NULL, &status, etag2);
	assert_int_equal(status, 200);
	use_srv = uncached;
	fresh = body_of("GET", target, F->token_cw, NULL, &status, etag3);
	use_srv = NULL;
	assert_int_equal(status, 200);
	assert_string_equal(first, second);
	assert_string_equal(first, fresh);
	assert_string_equal(etag1, etag2);
	assert_string_equal(etag1, etag3);
	assert_non_null(strstr(first, "\\u003cb\\u003eNoor")); /* escaped as every answer is */
	assert_int_equal(audit_count(ref, AUDIT_VIEW, "cw"), 3);
	{
		/* another caller of the same case is kept its own answer: the
		 * access named in it is theirs, as in a fresh read */
		char *sup1, *sup2, *sup_fresh, e1[64], e2[64], e3[64];
		sup1 = body_of("GET", target, F->token_sup, NULL, &status, e1);
		assert_int_equal(status, 200);
		sup2 = body_of("GET", target, F->token_sup, NULL, &status, e2);
		use_srv = uncached;
		sup_fresh = body_of("GET", target, F->token_sup, NULL, &status, e3);
		use_srv = NULL;
		assert_string_equal(sup1, sup_fresh);
		assert_string_equal(sup2, sup_fresh);
		assert_string_equal(e1, e3);
		free(sup1);
		free(sup2);
		free(sup_fresh);
	}
	http_server_close(uncached);
	free(first);
	free(second);
	free(fresh);
	free(ref);
}

/* The policy decides on every request: a case remembered for one caller
 * is not shown to another who may not see it. */
static void test_remembered_case_still_passes_the_policy(void **state)
{
	char *ref = new_case(F->token_cw, "{\"prs_FirstName\":\"Salma\"}"), target[128];
	(void)state;
	use_srv = NULL;
	snprintf(target, sizeof(target), "/api/v1/cases/%s", ref);
	assert_int_equal(call("GET", target, F->token_cw, NULL, NULL), 200);
	assert_int_equal(call("GET", target, F->token_cwb, NULL, NULL), 404);
	assert_int_equal(call("GET", target, F->token_sys, NULL, NULL), 403);
	assert_int_equal(call("GET", target, F->token_sup, NULL, NULL), 200);
	free(ref);
}

/* A change made through the server is seen by the next request, even
 * with a memory of an hour; one made by another process is seen once the
 * server changes anything, and at once with caching off. */
static void test_what_a_change_makes_the_server_forget(void **state)
{
	struct http_server *hour = server_with_ttl(3600 * 1000), *off = server_with_ttl(0);
	char *ref = new_case(F->token_cw, "{\"prs_FirstName\":\"Huda\"}"), *other, target[128];
	json_t *j;
	(void)state;
	snprintf(target, sizeof(target), "/api/v1/cases/%s", ref);
	use_srv = hour;
	other = new_case(F->token_cw, "{\"prs_FirstName\":\"Other\"}");
	assert_int_equal(call("GET", target, F->token_cw, NULL, &j), 200);
	assert_null(json_object_get(json_object_get(j, "case"), "prs_MiddleName"));
	json_decref(j);
	/* through the server: seen at once */
	assert_int_equal(call("PATCH", target, F->token_cw, "{\"prs_MiddleName\":\"Through\"}", NULL), 200);
	assert_int_equal(call("GET", target, F->token_cw, NULL, &j), 200);
	assert_string_equal(str(json_object_get(j, "case"), "prs_MiddleName"), "Through");
	json_decref(j);
	/* by another process: remembered until the server changes something */
	change_outside(ref, "prs_MiddleName", "Outside");
	assert_int_equal(call("GET", target, F->token_cw, NULL, &j), 200);
	assert_string_equal(str(json_object_get(j, "case"), "prs_MiddleName"), "Through");
	json_decref(j);
	use_srv = off;
	assert_int_equal(call("GET", target, F->token_cw, NULL, &j), 200);
	assert_string_equal(str(json_object_get(j, "case"), "prs_MiddleName"), "Outside");
	json_decref(j);
	use_srv = hour;
	{
		char t2[128];
		snprintf(t2, sizeof(t2), "/api/v1/cases/%s/comments", other);
		assert_int_equal(call("POST", t2, F->token_cw, "{\"cco_CaseComment\":\"any change\"}", NULL), 201);
	}
	assert_int_equal(call("GET", target, F->token_cw, NULL, &j), 200);
	assert_string_equal(str(json_object_get(j, "case"), "prs_MiddleName"), "Outside");
	json_decref(j);
	use_srv = NULL;
	http_server_close(hour);
	http_server_close(off);
	free(ref);
	free(other);
}

/* Past its TTL a remembered case is checked against the database's stamp:
 * a change from another process is then seen, even one made within the
 * second the case was read. */
static void test_expired_case_is_checked_against_the_database(void **state)
{
	struct http_server *ms = server_with_ttl(1);
	char *ref = new_case(F->token_cw, "{\"prs_FirstName\":\"Rania\"}"), target[128];
	const char *names[] = { "One", "Two", "Three" };
	json_t *j;
	(void)state;
	snprintf(target, sizeof(target), "/api/v1/cases/%s", ref);
	use_srv = ms;
	for (int i = 0; i < 3; i++) {
		assert_int_equal(call("GET", target, F->token_cw, NULL, NULL), 200);
		change_outside(ref, "prs_MiddleName", names[i]);
		usleep(3000); /* past the 1 ms memory */
		assert_int_equal(call("GET", target, F->token_cw, NULL, &j), 200);
		assert_string_equal(str(json_object_get(j, "case"), "prs_MiddleName"), names[i]);
		json_decref(j);
	}
	use_srv = NULL;
	http_server_close(ms);
	free(ref);
}

/* A remembered caller: disabling through the server ends access at once;
 * disabling by another process ends it once the memory ends (at once with
 * caching off). */
static void test_disabled_callers_are_not_remembered(void **state)
{
	struct http_server *hour = server_with_ttl(3600 * 1000), *off = server_with_ttl(0);
	struct storage *st;
	struct sanad_error err = { 0 };
	char *token;
	(void)state;
	assert_int_equal(storage_open(&st, F->path, 0, &err), 0);
	token = add_user(st, "temp.cw", ROLE_CASEWORKER, "ngo-a");
	assert_int_equal(auth_user_set_disabled(st, "temp.cw", 0, &err), 0);
	storage_close(st);
	use_srv = hour;
	assert_int_equal(call("GET", "/api/v1/me", token, NULL, NULL), 200);
	assert_int_equal(storage_open(&st, F->path, 0, &err), 0);
	assert_int_equal(auth_user_set_disabled(st, "temp.cw", 1, &err), 0);
	storage_close(st);
	assert_int_equal(call("GET", "/api/v1/me", token, NULL, NULL), 200); /* remembered */
	use_srv = off;
	assert_int_equal(call("GET", "/api/v1/me", token, NULL, NULL), 401);
	/* enabled again (disabling revoked its tokens: a new one) */
	use_srv = hour;
	assert_int_equal(call("PATCH", "/api/v1/users/temp.cw", F->token_sys, "{\"disabled\":false}", NULL), 200);
	free(token);
	assert_int_equal(storage_open(&st, F->path, 0, &err), 0);
	assert_int_equal(auth_token_create(st, "temp.cw", "again", (int64_t)time(NULL), &token, &err), 0);
	storage_close(st);
	assert_int_equal(call("GET", "/api/v1/me", token, NULL, NULL), 200);
	assert_int_equal(call("GET", "/api/v1/me", token, NULL, NULL), 200);
	/* through the server: at once, however long the memory */
	assert_int_equal(call("PATCH", "/api/v1/users/temp.cw", F->token_sys, "{\"disabled\":true}", NULL), 200);
	assert_int_equal(call("GET", "/api/v1/me", token, NULL, NULL), 401);
	use_srv = NULL;
	http_server_close(hour);
	http_server_close(off);
	free(token);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_private_route_needs_authentication),
		cmocka_unit_test(test_gate_checks_in_order),
		cmocka_unit_test(test_csrf_for_cookie_sessions),
		cmocka_unit_test(test_other_organisation_is_404_and_audited),
		cmocka_unit_test(test_injection_in_every_text_field),
		cmocka_unit_test(test_stale_version_is_409),
		cmocka_unit_test(test_concurrent_changes_keep_every_item),
		cmocka_unit_test(test_keyset_paging),
		cmocka_unit_test(test_remembered_case_reads_are_identical_and_audited),
		cmocka_unit_test(test_remembered_case_still_passes_the_policy),
		cmocka_unit_test(test_what_a_change_makes_the_server_forget),
		cmocka_unit_test(test_expired_case_is_checked_against_the_database),
		cmocka_unit_test(test_disabled_callers_are_not_remembered),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
