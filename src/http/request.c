/*
 * http/request.c: decoding what a client sends — the request target (path
 * segments and query), headers, cookies, the content type and JSON bodies.
 * Everything here works on bytes and returns an http_error naming the
 * problem; nothing touches a socket, so the fuzz harness and the unit tests
 * run exactly this code.
 *
 * The rules are strict on purpose: ambiguity in what a request means
 * (a parameter or cookie given twice, "..", a NUL byte, broken UTF-8) is
 * refused rather than resolved one way, because a proxy or a browser may
 * have resolved it the other way.
 */
#include "http/http.h"

#include "domain/domain.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

int http_fail(struct http_error *e, int status, const char *code, const char *fmt, ...)
{
	va_list ap;
	if (!e)
		return status;
	e->status = status;
	e->code = code;
	va_start(ap, fmt);
	vsnprintf(e->message, sizeof(e->message), fmt, ap);
	va_end(ap);
	return status;
}

/* The identifier at s ([A-Za-z_][A-Za-z0-9_]*), its length; 0 if none. */
static size_t ident_len(const char *s)
{
	size_t n = 0;
	if (!(isalpha((unsigned char)s[0]) || s[0] == '_'))
		return 0;
	while (isalnum((unsigned char)s[n]) || s[n] == '_')
		n++;
	return n;
}

/* A registry field (of any group) spelt exactly s[0..n). */
static int is_registry_field(const char *s, size_t n)
{
	char name[80];
	if (n >= sizeof(name))
		return 0;
	memcpy(name, s, n);
	name[n] = '\0';
	for (int g = 0; g < GROUP_COUNT; g++)
		if (domain_field_index((enum group_id)g, name) >= 0)
			return 1;
	return 0;
}

/* Which input a 400 is about, from the message every validator writes in
 * one shape ("GROUP item N: FIELD: ...", "FIELD: ...", "'key' is required",
 * "unknown key 'key'", "param: ..."), so that a form marks that input
 * instead of guessing from English words.  Adds "field" and, for an item,
 * "group" and "item". */
static void error_locate(json_t *o, const char *message)
{
	const char *p = message, *q;
	size_t n;
	n = ident_len(p);
	if (n && !strncmp(p + n, " item ", 6) && isdigit((unsigned char)p[n + 6])) {
		char group[40], *end;
		long item = strtol(p + n + 6, &end, 10);
		int known = 0;
		snprintf(group, sizeof(group), "%.*s", (int)(n < 39 ? n : 39), p);
		for (int g = 1; g < GROUP_COUNT; g++)
			known |= !strcmp(domain_group((enum group_id)g)->name, group);
		if (known && !strncmp(end, ": ", 2)) {
			json_object_set_new(o, "group", json_string(group));
			json_object_set_new(o, "item", json_integer(item));
			p = end + 2;
		}
	}
	/* in order: the field the message starts with ("FIELD: ...", "FIELD is
	 * required"), a quoted key it starts with, a parameter it starts with
	 * ("to: ..."), an unknown key, and last any field it names */
	if ((n = ident_len(p)) && is_registry_field(p, n)) {
		json_object_set_new(o, "field", json_stringn(p, n));
		return;
	}
	if (p[0] == '\'' && (n = ident_len(p + 1)) && p[n + 1] == '\'') {
		json_object_set_new(o, "field", json_stringn(p + 1, n));
		return;
	}
	if ((n = ident_len(p)) && p[n] == ':') {
		json_object_set_new(o, "field", json_stringn(p, n));
		return;
	}
	if ((q = strstr(p, "key '")) && (n = ident_len(q + 5)) && q[5 + n] == '\'') {
		json_object_set_new(o, "field", json_stringn(q + 5, n));
		return;
	}
	for (q = p; *q; q++) {
		if ((q == message || !(isalnum((unsigned char)q[-1]) || q[-1] == '_')) && (n = ident_len(q))) {
			if (is_registry_field(q, n)) {
				json_object_set_new(o, "field", json_stringn(q, n));
				return;
			}
			q += n - 1;
		}
	}
}

json_t *http_error_json(const char *code, const char *message)
{
	json_t *o = json_object();
	json_object_set_new(o, "error", json_string(code));
	/* messages quote input; keep the envelope valid JSON even then */
	if (utf8_valid(message, strlen(message), NULL)) {
		json_object_set_new(o, "message", json_string(message));
		if (!strcmp(code, "invalid") || !strcmp(code, "limit"))
			error_locate(o, message);
	} else {
		json_object_set_new(o, "message", json_string("(message not valid UTF-8)"));
	}
	return o;
}

static const struct {
	enum http_method m;
	const char *name;
} methods[] = {
	{ HTTP_GET, "GET" },       { HTTP_HEAD, "HEAD" },     { HTTP_POST, "POST" },
	{ HTTP_PUT, "PUT" },       { HTTP_PATCH, "PATCH" },   { HTTP_DELETE, "DELETE" },
	{ HTTP_OPTIONS, "OPTIONS" },
};

enum http_method http_method_parse(const char *name)
{
	for (size_t i = 0; i < sizeof(methods) / sizeof(methods[0]); i++)
		if (!strcmp(methods[i].name, name)) /* methods are case-sensitive (RFC 9110) */
			return methods[i].m;
	return HTTP_OTHER;
}

const char *http_method_name(enum http_method m)
{
	for (size_t i = 0; i < sizeof(methods) / sizeof(methods[0]); i++)
		if (methods[i].m == m)
			return methods[i].name;
	return "OTHER";
}

void http_request_init(struct http_request *r)
{
	memset(r, 0, sizeof(*r));
	strbuf_init(&r->body);
}

static void params_release(struct http_param *p, int n)
{
	for (int i = 0; i < n; i++) {
		free(p[i].name);
		free(p[i].value);
	}
}

void http_request_release(struct http_request *r)
{
	free(r->target);
	free(r->path);
	for (int i = 0; i < r->nsegments; i++)
		free(r->segments[i]);
	params_release(r->query, r->nquery);
	params_release(r->headers, r->nheaders);
	strbuf_release(&r->body);
	json_decref(r->json);
	memset(r, 0, sizeof(*r));
}

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* The name of a part of the target for a message: what, then number when
 * it is above 0 ("path segment 3").  Made only for messages: every request
 * decodes several parts. */
static const char *part_name(char buf[48], const char *what, int number)
{
	if (number <= 0)
		return what;
	snprintf(buf, 48, "%s %d", what, number);
	return buf;
}

/* Percent-decode s[0..n) into a new string; '+' is a space when plus_space.
 * The result must be UTF-8 without control characters.  what and number
 * name the part for the message (part_name). */
static int pct_decode(const char *s, size_t n, int plus_space, char **out, const char *what, int number,
		      struct http_error *e)
{
	char *d = xmalloc(n + 1), name[48];
	size_t k = 0, bad;

	*out = NULL;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '%') {
			if (i + 2 >= n || hexval(s[i + 1]) < 0 || hexval(s[i + 2]) < 0) {
				free(d);
				return http_fail(e, 400, "bad_target", "%s: '%%' must be followed by two hex digits",
						 part_name(name, what, number));
			}
			c = (unsigned char)(hexval(s[i + 1]) * 16 + hexval(s[i + 2]));
			i += 2;
		} else if (c == '+' && plus_space) {
			c = ' ';
		}
		if (c < 0x20 || c == 0x7f) {
			free(d);
			return http_fail(e, 400, "bad_target", "%s: control character 0x%02x is not allowed",
					 part_name(name, what, number), c);
		}
		d[k++] = (char)c;
	}
	d[k] = '\0';
	if (!utf8_valid(d, k, &bad)) {
		free(d);
		return http_fail(e, 400, "bad_target", "%s: not valid UTF-8 after decoding (byte %zu)",
				 part_name(name, what, number), bad);
	}
	*out = d;
	return 0;
}

static int parse_query(struct http_request *r, const char *q, size_t n, struct http_error *e)
{
	size_t i = 0;
	while (i < n) {
		size_t end = i, eq;
		char *name, *value;
		int rc;
		while (end < n && q[end] != '&')
			end++;
		if (end == i) { /* "a=1&&b=2": an empty pair says nothing */
			i = end + 1;
			continue;
		}
		for (eq = i; eq < end && q[eq] != '='; eq++)
			;
		if (eq == i)
			return http_fail(e, 400, "bad_query", "query parameter %d has no name", r->nquery + 1);
		if (r->nquery >= HTTP_MAX_QUERY)
			return http_fail(e, 400, "bad_query", "more than %d query parameters", HTTP_MAX_QUERY);
		if ((rc = pct_decode(q + i, eq - i, 1, &name, "query parameter name", 0, e)))
			return rc;
		if ((rc = pct_decode(q + (eq < end ? eq + 1 : end), eq < end ? end - eq - 1 : 0, 1, &value,
				     "query parameter value", 0, e))) {
			free(name);
			return rc;
		}
		if (http_query(r, name)) {
			rc = http_fail(e, 400, "bad_query", "query parameter '%.60s' is given twice", name);
			free(name);
			free(value);
			return rc;
		}
		r->query[r->nquery].name = name;
		r->query[r->nquery].value = value;
		r->nquery++;
		i = end + 1;
	}
	return 0;
}

int http_target_parse(struct http_request *r, const char *target, size_t len, size_t max_len,
		      struct http_error *e)
{
	const char *q;
	size_t plen, i;
	struct strbuf path = STRBUF_INIT;
	int rc;

	if (len > max_len)
		return http_fail(e, 414, "uri_too_long", "the request target is %zu bytes, over the limit of %zu",
				 len, max_len);
	if (!len || target[0] != '/')
		return http_fail(e, 400, "bad_target", "the request target must start with '/'");
	if (memchr(target, '\0', len))
		return http_fail(e, 400, "bad_target", "the request target contains a NUL byte");
	free(r->target);
	r->target = xstrndup(target, len);
	q = memchr(target, '?', len);
	plen = q ? (size_t)(q - target) : len;

	/* segments: between slashes; a final slash is allowed and ignored */
	i = 1;
	while (i < plen) {
		size_t end = i;
		char what[48], *seg;
		while (end < plen && target[end] != '/')
			end++;
		if (end == i) {
			strbuf_release(&path);
			return http_fail(e, 400, "bad_target", "the path has an empty segment ('//')");
		}
		if (r->nsegments >= HTTP_MAX_SEGMENTS) {
			strbuf_release(&path);
			return http_fail(e, 400, "bad_target", "the path has more than %d segments", HTTP_MAX_SEGMENTS);
		}
		if ((rc = pct_decode(target + i, end - i, 0, &seg, "path segment", r->nsegments + 1, e))) {
			strbuf_release(&path);
			return rc;
		}
		if (!strcmp(seg, ".") || !strcmp(seg, "..") || !seg[0]) {
			free(seg);
			strbuf_release(&path);
			return http_fail(e, 400, "bad_target", "%s: '.', '..' and empty segments are not allowed",
					 part_name(what, "path segment", r->nsegments + 1));
		}
		r->segments[r->nsegments++] = seg;
		strbuf_addch(&path, '/');
		strbuf_addstr(&path, seg);
		i = end + 1;
	}
	if (!path.len)
		strbuf_addch(&path, '/');
	free(r->path);
	r->path = strbuf_detach(&path);
	if (q && (rc = parse_query(r, q + 1, len - plen - 1, e)))
		return rc;
	return 0;
}

const char *http_query(const struct http_request *r, const char *name)
{
	for (int i = 0; i < r->nquery; i++)
		if (!strcmp(r->query[i].name, name))
			return r->query[i].value;
	return NULL;
}

const char *http_header(const struct http_request *r, const char *name)
{
	for (int i = 0; i < r->nheaders; i++)
		if (!ascii_strcasecmp(r->headers[i].name, name))
			return r->headers[i].value;
	return NULL;
}

/* Headers whose second copy would make the request mean two things. */
static int single_valued(const char *name)
{
	static const char *const names[] = { "Authorization", "Content-Type", "X-CSRF-Token", "If-Match",
					     "Host", "Content-Length", "X-Forwarded-For" };
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!ascii_strcasecmp(names[i], name))
			return 1;
	return 0;
}

int http_request_add_header(struct http_request *r, const char *name, const char *value,
			    struct http_error *e)
{
	for (int i = 0; i < r->nheaders; i++) {
		if (ascii_strcasecmp(r->headers[i].name, name))
			continue;
		if (!ascii_strcasecmp(name, "Cookie")) {
			/* HTTP/2 gateways split cookies over several headers */
			struct strbuf sb = STRBUF_INIT;
			strbuf_addf(&sb, "%s; %s", r->headers[i].value, value);
			free(r->headers[i].value);
			r->headers[i].value = strbuf_detach(&sb);
			return 0;
		}
		if (single_valued(name))
			return http_fail(e, 400, "duplicate_header", "header '%.60s' is given twice", name);
	}
	if (r->nheaders >= HTTP_MAX_HEADERS)
		return http_fail(e, 431, "headers_too_large", "more than %d request headers", HTTP_MAX_HEADERS);
	r->headers[r->nheaders].name = xstrdup(name);
	r->headers[r->nheaders].value = xstrdup(value);
	r->nheaders++;
	return 0;
}

char *http_cookie_get(const char *header, const char *name)
{
	size_t nlen = strlen(name);
	char *found = NULL;
	const char *p = header;

	if (!header)
		return NULL;
	while (*p) {
		const char *start, *eq, *end;
		while (*p == ' ' || *p == '\t' || *p == ';')
			p++;
		start = p;
		while (*p && *p != ';')
			p++;
		end = p;
		while (end > start && (end[-1] == ' ' || end[-1] == '\t'))
			end--;
		eq = memchr(start, '=', (size_t)(end - start));
		if (!eq)
			continue;
		if ((size_t)(eq - start) == nlen && !memcmp(start, name, nlen)) {
			const char *v = eq + 1;
			size_t vlen = (size_t)(end - v);
			if (found) { /* two cookies of one name: one may be planted */
				free(found);
				return NULL;
			}
			if (vlen >= 2 && v[0] == '"' && v[vlen - 1] == '"') {
				v++;
				vlen -= 2;
			}
			found = xstrndup(v, vlen);
		}
	}
	return found;
}

int http_content_type_is_json(const char *value)
{
	static const char json[] = "application/json";
	const char *p;
	if (!value)
		return 0;
	while (*value == ' ')
		value++;
	if (strncasecmp(value, json, sizeof(json) - 1))
		return 0;
	p = value + sizeof(json) - 1;
	while (*p == ' ')
		p++;
	if (!*p)
		return 1;
	if (*p++ != ';')
		return 0;
	while (*p == ' ')
		p++;
	if (strncasecmp(p, "charset=", 8))
		return 0;
	p += 8;
	if (!ascii_strcasecmp(p, "utf-8") || !ascii_strcasecmp(p, "\"utf-8\""))
		return 1;
	return 0;
}

/* Deepest nesting of arrays and objects in a JSON text, counted before
 * parsing so that a hostile body cannot make the parser recurse deeply. */
static int json_depth(const char *s, size_t n, int limit)
{
	int depth = 0, in_string = 0;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (in_string) {
			if (c == '\\')
				i++;
			else if (c == '"')
				in_string = 0;
		} else if (c == '"') {
			in_string = 1;
		} else if (c == '{' || c == '[') {
			if (++depth > limit)
				return depth;
		} else if (c == '}' || c == ']') {
			depth--;
		}
	}
	return 0;
}

int http_json_decode(const char *body, size_t len, int max_depth, json_t **out, struct http_error *e)
{
	json_error_t jerr;
	json_t *j;
	size_t bad;

	*out = NULL;
	if (!len)
		return http_fail(e, 400, "missing_body", "this request needs a JSON object body");
	if (!utf8_valid(body, len, &bad))
		return http_fail(e, 400, "invalid_utf8", "the request body is not valid UTF-8 (bad byte at offset %zu)",
				 bad);
	if (json_depth(body, len, max_depth) > max_depth)
		return http_fail(e, 400, "too_deep", "the JSON body nests deeper than %d levels", max_depth);
	j = json_loadb(body, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!j)
		return http_fail(e, 400, "malformed_json", "malformed JSON at line %d, column %d: %s", jerr.line,
				 jerr.column, jerr.text);
	if (!json_is_object(j)) {
		json_decref(j);
		return http_fail(e, 400, "malformed_json", "the JSON body must be an object ({...})");
	}
	*out = j;
	return 0;
}
