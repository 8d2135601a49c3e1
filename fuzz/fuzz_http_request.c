/*
 * fuzz/fuzz_http_request.c: libFuzzer harness for what the web server
 * decodes from a client, exactly as the server runs it (src/http/request.c,
 * the router and the error envelope).  The input is a request in a simple
 * text form:
 *
 *   TARGET\n            the request target, e.g. /api/v1/cases?q=x
 *   Name: value\n ...   headers, up to an empty line
 *   BODY                the rest: a JSON body
 *
 * Invariants checked (abort on violation): a target that parses has
 * segments that are UTF-8 without control characters, never "." or "..";
 * a body that decodes is a JSON object; every error answer, whatever the
 * input, is a JSON object of exactly "error" and "message" with no raw
 * '<', '>' or '&'.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "http/http_internal.h"

static void check_envelope(const struct http_error *e)
{
	struct http_response resp;
	json_t *j;
	http_response_init(&resp);
	http_response_error(&resp, e->status ? e->status : 400, e->code ? e->code : "x", "%s", e->message);
	if (strpbrk(resp.body.buf, "<>&"))
		abort();
	j = json_loadb(resp.body.buf, resp.body.len, 0, NULL);
	if (!j || json_object_size(j) != 2 || !json_is_string(json_object_get(j, "error")) ||
	    !json_is_string(json_object_get(j, "message")))
		abort();
	json_decref(j);
	http_response_release(&resp);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *p = (const char *)data, *end = p + size, *nl;
	struct http_request req;
	struct http_error e = { 0 };
	struct http_ctx ctx;
	unsigned allowed;
	json_t *body = NULL;
	char *cookie;

	http_request_init(&req);
	req.method = size && (data[0] & 1) ? HTTP_POST : HTTP_GET;
	nl = memchr(p, '\n', size);
	if (!nl)
		nl = end;
	if (http_target_parse(&req, p, (size_t)(nl - p), 8192, &e) == 0) {
		for (int i = 0; i < req.nsegments; i++) {
			const char *s = req.segments[i];
			if (!utf8_valid(s, strlen(s), NULL) || !strcmp(s, ".") || !strcmp(s, "..") || !*s)
				abort();
			for (const char *q = s; *q; q++)
				if ((unsigned char)*q < 0x20 || *q == 0x7f)
					abort();
		}
		memset(&ctx, 0, sizeof(ctx));
		ctx.req = &req;
		http_route_find(&req, &ctx, &allowed);
		http_query(&req, "q");
	} else {
		check_envelope(&e);
	}
	p = nl < end ? nl + 1 : end;
	/* headers up to an empty line */
	while (p < end) {
		const char *colon;
		char *name, *value;
		nl = memchr(p, '\n', (size_t)(end - p));
		if (!nl)
			nl = end;
		if (nl == p) {
			p++;
			break;
		}
		colon = memchr(p, ':', (size_t)(nl - p));
		if (colon) {
			name = xstrndup(p, (size_t)(colon - p));
			value = xstrndup(colon + 1, (size_t)(nl - colon - 1));
			memset(&e, 0, sizeof(e));
			if (http_request_add_header(&req, name, value, &e))
				check_envelope(&e);
			free(name);
			free(value);
		}
		p = nl < end ? nl + 1 : end;
	}
	cookie = http_cookie_get(http_header(&req, "Cookie"), "__Host-sanad_session");
	free(cookie);
	http_content_type_is_json(http_header(&req, "Content-Type"));
	memset(&e, 0, sizeof(e));
	if (http_json_decode(p, (size_t)(end - p), HTTP_JSON_MAX_DEPTH, &body, &e) == 0) {
		if (!json_is_object(body))
			abort();
		json_decref(body);
	} else {
		check_envelope(&e);
	}
	http_request_release(&req);
	return 0;
}
