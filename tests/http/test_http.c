/* tests/http/test_http: request decoding, the JSON envelope, response
 * headers and the route table — everything of the server that needs no
 * database or socket. */
#include "test_support.h"
#include "http/http_internal.h"

static struct http_request parse_ok(const char *target)
{
	struct http_request r;
	struct http_error e = { 0 };
	http_request_init(&r);
	assert_int_equal(http_target_parse(&r, target, strlen(target), 8192, &e), 0);
	return r;
}

static int parse_fails(const char *target, size_t max, const char *code)
{
	struct http_request r;
	struct http_error e = { 0 };
	int status;
	http_request_init(&r);
	status = http_target_parse(&r, target, strlen(target), max, &e);
	if (status)
		assert_string_equal(e.code, code);
	http_request_release(&r);
	return status;
}

static void test_target_segments_and_query(void **state)
{
	struct http_request r = parse_ok("/api/v1/cases/SND%2F1?q=%D8%A3%D9%85%D9%8A%D9%86%D8%A9+x&limit=5&flag");
	(void)state;
	assert_int_equal(r.nsegments, 4);
	assert_string_equal(r.segments[3], "SND/1"); /* an escaped slash stays in its segment */
	assert_string_equal(r.path, "/api/v1/cases/SND/1");
	assert_int_equal(r.nquery, 3);
	assert_string_equal(http_query(&r, "q"), "أمينة x");
	assert_string_equal(http_query(&r, "limit"), "5");
	assert_string_equal(http_query(&r, "flag"), "");
	assert_null(http_query(&r, "missing"));
	http_request_release(&r);

	r = parse_ok("/");
	assert_int_equal(r.nsegments, 0);
	assert_string_equal(r.path, "/");
	http_request_release(&r);
	r = parse_ok("/api/v1/me/");
	assert_int_equal(r.nsegments, 3); /* a final slash is ignored */
	http_request_release(&r);
}

static void test_target_refusals(void **state)
{
	char long_target[9000];
	(void)state;
	memset(long_target, 'a', sizeof(long_target) - 1);
	long_target[0] = '/';
	long_target[sizeof(long_target) - 1] = '\0';
	assert_int_equal(parse_fails(long_target, 8192, "uri_too_long"), 414);
	assert_int_equal(parse_fails("/api/../etc", 8192, "bad_target"), 400);
	assert_int_equal(parse_fails("/api/%2e%2e/etc", 8192, "bad_target"), 400);
	assert_int_equal(parse_fails("/api//x", 8192, "bad_target"), 400);
	assert_int_equal(parse_fails("/a%00b", 8192, "bad_target"), 400);
	assert_int_equal(parse_fails("/a%0a", 8192, "bad_target"), 400);
	assert_int_equal(parse_fails("/a%zz", 8192, "bad_target"), 400);
	assert_int_equal(parse_fails("/a%4", 8192, "bad_target"), 400);
	assert_int_equal(parse_fails("/a%ff%fe", 8192, "bad_target"), 400);
	assert_int_equal(parse_fails("http://example.org/", 8192, "bad_target"), 400);
	assert_int_equal(parse_fails("/x?a=1&a=2", 8192, "bad_query"), 400);
	assert_int_equal(parse_fails("/x?=1", 8192, "bad_query"), 400);
	assert_int_equal(parse_fails("/x?a=%C0%AF", 8192, "bad_target"), 400); /* overlong UTF-8 */
	assert_int_equal(parse_fails("/1/2/3/4/5/6/7/8/9/10/11/12/13/14/15/16/17", 8192, "bad_target"), 400);
}

static void test_headers(void **state)
{
	struct http_request r;
	struct http_error e = { 0 };
	(void)state;
	http_request_init(&r);
	assert_int_equal(http_request_add_header(&r, "Cookie", "a=1", &e), 0);
	assert_int_equal(http_request_add_header(&r, "cookie", "b=2", &e), 0);
	assert_string_equal(http_header(&r, "COOKIE"), "a=1; b=2"); /* split cookies are joined */
	assert_int_equal(http_request_add_header(&r, "Authorization", "Bearer x", &e), 0);
	assert_int_equal(http_request_add_header(&r, "authorization", "Bearer y", &e), 400);
	assert_string_equal(e.code, "duplicate_header");
	assert_int_equal(http_request_add_header(&r, "X-A", "1", &e), 0);
	assert_int_equal(http_request_add_header(&r, "X-A", "2", &e), 0); /* others may repeat */
	for (int i = r.nheaders; i < HTTP_MAX_HEADERS; i++)
		assert_int_equal(http_request_add_header(&r, "X-Fill", "v", &e), 0);
	assert_int_equal(http_request_add_header(&r, "X-One-Too-Many", "v", &e), 431);
	http_request_release(&r);
}

static void test_cookies(void **state)
{
	char *v;
	(void)state;
	v = http_cookie_get("theme=dark; __Host-sanad_session=abc123; lang=ar", "__Host-sanad_session");
	assert_string_equal(v, "abc123");
	free(v);
	v = http_cookie_get("__Host-sanad_session=\"quoted\"", "__Host-sanad_session");
	assert_string_equal(v, "quoted");
	free(v);
	/* a second cookie of the same name may be planted by a sibling domain */
	assert_null(http_cookie_get("__Host-sanad_session=a; __Host-sanad_session=b", "__Host-sanad_session"));
	assert_null(http_cookie_get("x__Host-sanad_session=a", "__Host-sanad_session"));
	assert_null(http_cookie_get("__Host-sanad_session", "__Host-sanad_session"));
	assert_null(http_cookie_get(NULL, "a"));
	assert_null(http_cookie_get("", "a"));
	v = http_cookie_get(";;  a=  ;", "a");
	assert_string_equal(v, "");
	free(v);
}

static void test_content_type(void **state)
{
	(void)state;
	assert_true(http_content_type_is_json("application/json"));
	assert_true(http_content_type_is_json("Application/JSON; charset=UTF-8"));
	assert_true(http_content_type_is_json("application/json;charset=\"utf-8\""));
	assert_false(http_content_type_is_json("application/json; charset=latin1"));
	assert_false(http_content_type_is_json("application/jsonx"));
	assert_false(http_content_type_is_json("text/plain"));
	assert_false(http_content_type_is_json("application/x-www-form-urlencoded"));
	assert_false(http_content_type_is_json(NULL));
}

static int decode(const char *body, const char *code)
{
	json_t *j = NULL;
	struct http_error e = { 0 };
	int status = http_json_decode(body, strlen(body), HTTP_JSON_MAX_DEPTH, &j, &e);
	if (status) {
		assert_null(j);
		assert_string_equal(e.code, code);
	} else {
		assert_true(json_is_object(j));
		json_decref(j);
	}
	return status;
}

static void test_json_bodies(void **state)
{
	json_t *j;
	struct http_error e = { 0 };
	(void)state;
	assert_int_equal(decode("{\"a\": [1, {\"b\": \"\\u00e9\"}]}", NULL), 0);
	assert_int_equal(decode("", "missing_body"), 400);
	assert_int_equal(decode("{\"a\": 1,}", "malformed_json"), 400);
	assert_int_equal(decode("{\"a\": 1, \"a\": 2}", "malformed_json"), 400);
	assert_int_equal(decode("[1, 2]", "malformed_json"), 400);
	assert_int_equal(decode("\"text\"", "malformed_json"), 400);
	assert_int_equal(decode("{\"a\": \"x\\u0000y\"}", "malformed_json"), 400);
	assert_int_equal(decode("{\"a\": \"\xff\"}", "invalid_utf8"), 400);
	assert_int_equal(decode("{\"a\": \"\xed\xa0\x80\"}", "invalid_utf8"), 400); /* a surrogate */
	assert_int_equal(decode("{\"a\":[[[[[[[[[1]]]]]]]]]}", "too_deep"), 400);
	/* brackets inside strings are not nesting */
	assert_int_equal(decode("{\"a\":\"[[[[[[[[[[[[[[[[[[[[\\\"[[[[\"}", NULL), 0);
	assert_int_equal(http_json_decode("{\"a\":1} x", 9, 8, &j, &e), 400);
	assert_non_null(strstr(e.message, "line 1, column"));
}

static void test_error_envelope(void **state)
{
	struct http_response resp;
	json_t *j;
	(void)state;
	http_response_init(&resp);
	http_response_error(&resp, 404, "not_found", "no case with reference '%s'", "<b>&");
	assert_int_equal(resp.status, 404);
	assert_string_equal(resp.content_type, "application/json; charset=utf-8");
	/* markup characters travel as escapes, and the text still parses back */
	assert_null(strchr(resp.body.buf, '<'));
	assert_null(strchr(resp.body.buf, '&'));
	assert_non_null(strstr(resp.body.buf, "\\u003cb\\u003e\\u0026"));
	j = json_loads(resp.body.buf, 0, NULL);
	assert_non_null(j);
	assert_int_equal(json_object_size(j), 2);
	assert_string_equal(json_string_value(json_object_get(j, "error")), "not_found");
	assert_string_equal(json_string_value(json_object_get(j, "message")), "no case with reference '<b>&'");
	json_decref(j);
	http_response_security_headers(&resp);
	assert_string_equal(http_response_header_get(&resp, "Cache-Control"), "no-store");
	assert_string_equal(http_response_header_get(&resp, "X-Content-Type-Options"), "nosniff");
	assert_string_equal(http_response_header_get(&resp, "Referrer-Policy"), "no-referrer");
	assert_string_equal(http_response_header_get(&resp, "X-Frame-Options"), "DENY");
	assert_non_null(strstr(http_response_header_get(&resp, "Content-Security-Policy"), "default-src 'self'"));
	assert_null(strstr(http_response_header_get(&resp, "Content-Security-Policy"), "unsafe-inline"));
	http_response_release(&resp);
	/* a message that is not UTF-8 still gives valid JSON */
	j = http_error_json("x", "\xff");
	assert_string_equal(json_string_value(json_object_get(j, "message")), "(message not valid UTF-8)");
	json_decref(j);
}

static const struct http_route *find(const char *method, const char *target, unsigned *allowed,
				     struct http_ctx *c)
{
	struct http_request *r = xcalloc(1, sizeof(*r));
	struct http_error e = { 0 };
	const struct http_route *route;
	http_request_init(r);
	assert_int_equal(http_target_parse(r, target, strlen(target), 8192, &e), 0);
	r->method = http_method_parse(method);
	memset(c, 0, sizeof(*c));
	c->req = r;
	route = http_route_find(r, c, allowed);
	return route;
}

static void release_find(struct http_ctx *c)
{
	http_request_release(c->req);
	free(c->req);
}

static void test_router(void **state)
{
	struct http_ctx c;
	unsigned allowed;
	const struct http_route *r;
	(void)state;

	r = find("GET", "/api/v1/cases/SND-000001", &allowed, &c);
	assert_non_null(r);
	assert_string_equal(r->handler_name, "api_cases_get");
	assert_string_equal(http_param(&c, "ref"), "SND-000001");
	assert_null(http_param(&c, "re"));
	release_find(&c);

	r = find("HEAD", "/api/v1/cases/SND-000001", &allowed, &c); /* HEAD is GET without the body */
	assert_non_null(r);
	assert_string_equal(r->handler_name, "api_cases_get");
	release_find(&c);

	r = find("POST", "/api/v1/cases/SND-1/comments", &allowed, &c);
	assert_non_null(r);
	assert_int_equal(r->arg, GROUP_COMMENT);
	release_find(&c);

	r = find("POST", "/api/v1/referrals/SND-1.2/accept", &allowed, &c);
	assert_non_null(r);
	assert_string_equal(http_param(&c, "id"), "SND-1.2");
	release_find(&c);

	r = find("DELETE", "/api/v1/cases", &allowed, &c);
	assert_null(r);
	assert_int_equal(allowed, HTTP_GET | HTTP_HEAD | HTTP_POST);
	release_find(&c);

	r = find("BREW", "/api/v1/me", &allowed, &c);
	assert_null(r);
	assert_int_equal(allowed, HTTP_GET | HTTP_HEAD);
	release_find(&c);

	/* unknown API paths do not fall through to the web files */
	r = find("GET", "/api/v1/nothing", &allowed, &c);
	assert_null(r);
	assert_int_equal(allowed, 0);
	release_find(&c);
	r = find("GET", "/api", &allowed, &c);
	assert_null(r);
	release_find(&c);

	r = find("GET", "/js/app.js", &allowed, &c);
	assert_non_null(r);
	assert_true(r->flags & ROUTE_STATIC);
	assert_string_equal(http_param(&c, "file"), "js");
	release_find(&c);
	r = find("GET", "/", &allowed, &c);
	assert_non_null(r);
	assert_true(r->flags & ROUTE_STATIC);
	release_find(&c);
}

static void test_route_table_is_consistent(void **state)
{
	int n;
	const struct http_route *t = http_routes(&n);
	(void)state;
	assert_int_equal(n, http_route_count());
	for (int i = 0; i < n; i++) {
		assert_true(t[i].pattern[0] == '/');
		assert_non_null(t[i].handler);
		assert_int_equal(strncmp(t[i].handler_name, "api_", 4), 0);
		/* a route that needs a session names what it allows */
		if (!(t[i].flags & ROUTE_PUBLIC))
			assert_true(t[i].action != ACT_NONE);
		if (t[i].flags & ROUTE_CASE)
			assert_true(strstr(t[i].pattern, "{ref}") || strstr(t[i].pattern, "{id}"));
		/* state-changing routes take a JSON body or none, never a form */
		if (t[i].method & HTTP_UNSAFE_METHODS)
			assert_true(t[i].flags & (ROUTE_BODY_JSON | ROUTE_BODY_OPTIONAL));
		for (int k = 0; k < i; k++)
			assert_false(t[k].method == t[i].method && !strcmp(t[k].pattern, t[i].pattern));
	}
}

/* The source tree, from this file's path (tests run from the top). */
static char *source_path(const char *rel)
{
	char *p = xmalloc(strlen(__FILE__) + strlen(rel) + 8);
	const char *end = strstr(__FILE__, "tests/http/");
	sprintf(p, "%.*s%s", end ? (int)(end - __FILE__) : 0, __FILE__, rel);
	return p;
}

static char *slurp(const char *rel)
{
	char *path = source_path(rel);
	FILE *f = fopen(path, "rb");
	struct strbuf sb = STRBUF_INIT;
	char buf[4096];
	size_t n;
	assert_non_null(f);
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		strbuf_add(&sb, buf, n);
	fclose(f);
	free(path);
	return strbuf_detach(&sb);
}

static void test_every_route_in_matrix_and_docs(void **state)
{
	char *matrix = slurp("tests/http/authz-matrix.tsv"), *doc = slurp("docs/api.md");
	int rows = 0;
	(void)state;
	for (int i = 0; i < http_route_count(); i++) {
		struct http_route_info r;
		char key[256];
		http_route_info(i, &r);
		snprintf(key, sizeof(key), "\n%s\t%s\t", http_method_name(r.method), r.pattern);
		if (!strstr(matrix, key))
			fail_msg("route %s %s is not in tests/http/authz-matrix.tsv", http_method_name(r.method), r.pattern);
		snprintf(key, sizeof(key), "### %s %s\n", http_method_name(r.method), r.pattern);
		if (!strstr(doc, key))
			fail_msg("route %s %s is not documented in docs/api.md", http_method_name(r.method), r.pattern);
	}
	/* and the matrix has no row for a route that is gone */
	for (const char *p = matrix; (p = strchr(p, '\n')); p++)
		if (p[1] && p[1] != '#' && strncmp(p + 1, "method\t", 7))
			rows++;
	assert_int_equal(rows, http_route_count());
	free(matrix);
	free(doc);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_target_segments_and_query),
		cmocka_unit_test(test_target_refusals),
		cmocka_unit_test(test_headers),
		cmocka_unit_test(test_cookies),
		cmocka_unit_test(test_content_type),
		cmocka_unit_test(test_json_bodies),
		cmocka_unit_test(test_error_envelope),
		cmocka_unit_test(test_router),
		cmocka_unit_test(test_route_table_is_consistent),
		cmocka_unit_test(test_every_route_in_matrix_and_docs),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
