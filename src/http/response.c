/*
 * http/response.c: building responses — JSON bodies, the error envelope and
 * the security headers every answer carries.
 */
#include "http/http.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void http_response_init(struct http_response *resp)
{
	memset(resp, 0, sizeof(*resp));
	strbuf_init(&resp->body);
}

static void header_free(struct http_response *resp, int i)
{
	if (resp->headers[i].owned & 1)
		free((char *)resp->headers[i].name);
	if (resp->headers[i].owned & 2)
		free((char *)resp->headers[i].value);
}

/* A borrowed body is given back at once when the answer changes. */
static void borrowed_release(struct http_response *resp)
{
	if (resp->static_release)
		resp->static_release(resp->static_ctx);
	resp->static_release = NULL;
	resp->static_ctx = NULL;
}

void http_response_release(struct http_response *resp)
{
	for (int i = 0; i < resp->nheaders; i++)
		header_free(resp, i);
	strbuf_release(&resp->body);
	borrowed_release(resp);
	memset(resp, 0, sizeof(*resp));
}

const char *http_response_body(const struct http_response *resp, size_t *len)
{
	if (resp->static_body) {
		*len = resp->static_len;
		return (const char *)resp->static_body;
	}
	*len = resp->body.len;
	return resp->body.buf ? resp->body.buf : "";
}

/* name: value, replacing an earlier value of name; owned says which of
 * the two are resp's to free (already copied when so). */
static void header_set(struct http_response *resp, const char *name, const char *value, unsigned char owned)
{
	for (int i = 0; i < resp->nheaders; i++)
		if (!ascii_strcasecmp(resp->headers[i].name, name)) {
			if (resp->headers[i].owned & 2)
				free((char *)resp->headers[i].value);
			resp->headers[i].value = value;
			resp->headers[i].owned = (unsigned char)((resp->headers[i].owned & 1) | (owned & 2));
			if (owned & 1)
				free((char *)name);
			return;
		}
	/* the table is sized for the most headers any answer sets */
	if (resp->nheaders >= (int)(sizeof(resp->headers) / sizeof(resp->headers[0])))
		abort();
	resp->headers[resp->nheaders].name = name;
	resp->headers[resp->nheaders].value = value;
	resp->headers[resp->nheaders].owned = owned;
	resp->nheaders++;
}

void http_response_header(struct http_response *resp, const char *name, const char *value)
{
	header_set(resp, xstrdup(name), xstrdup(value), 3);
}

void http_response_header_static(struct http_response *resp, const char *name, const char *value)
{
	header_set(resp, name, value, 0);
}

const char *http_response_header_get(const struct http_response *resp, const char *name)
{
	for (int i = 0; i < resp->nheaders; i++)
		if (!ascii_strcasecmp(resp->headers[i].name, name))
			return resp->headers[i].value;
	return NULL;
}

/* resp answers status with the JSON body it is about to be given. */
static void json_answer(struct http_response *resp, int status)
{
	resp->status = status;
	resp->content_type = "application/json; charset=utf-8";
	borrowed_release(resp);
	resp->static_body = NULL;
	resp->static_len = 0;
	resp->is_api = 1;
}

void http_response_json_borrowed(struct http_response *resp, int status, const char *text, size_t len,
				 void (*release)(void *ctx), void *ctx)
{
	json_answer(resp, status);
	strbuf_reset(&resp->body);
	resp->static_body = (const unsigned char *)text;
	resp->static_len = len;
	resp->static_release = release;
	resp->static_ctx = ctx;
}

void http_response_json(struct http_response *resp, int status, json_t *json)
{
	/* UTF-8 stays as it is (the body's charset); < > & are written as
	 * \u escapes, so that even a client that mistakes the answer for HTML
	 * finds no markup in it.  Outside strings JSON has none of the three,
	 * so escaping them byte by byte is exact. */
	char *text = json_dumps(json, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_answer(resp, status);
	strbuf_reset(&resp->body);
	if (text)
		http_json_escape(&resp->body, text, strlen(text));
	else
		strbuf_addstr(&resp->body, "null");
	strbuf_addch(&resp->body, '\n');
	free(text);
	json_decref(json);
	resp->is_api = 1;
}

void http_json_escape(struct strbuf *sb, const char *text, size_t len)
{
	const char *p = text, *end = text + len;
	while (p < end) {
		const char *q = p;
		while (q < end && *q != '<' && *q != '>' && *q != '&')
			q++;
		strbuf_add(sb, p, (size_t)(q - p));
		if (q == end)
			break;
		strbuf_addstr(sb, *q == '<' ? "\\u003c" : *q == '>' ? "\\u003e" : "\\u0026");
		p = q + 1;
	}
}

void http_response_json_take(struct http_response *resp, int status, struct strbuf *text)
{
	json_answer(resp, status);
	strbuf_release(&resp->body);
	resp->body = *text;
	strbuf_init(text);
	strbuf_addch(&resp->body, '\n');
}

void http_response_error(struct http_response *resp, int status, const char *code, const char *fmt, ...)
{
	char message[768];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(message, sizeof(message), fmt, ap);
	va_end(ap);
	http_response_json(resp, status, http_error_json(code, message));
}

void http_response_security_headers(struct http_response *resp)
{
	/* no inline script or style anywhere: the UI loads its code from files.
	 * A handler may set a stricter policy of its own (the annual report:
	 * inline style, nothing else), which then replaces this one. */
	if (!http_response_header_get(resp, "Content-Security-Policy"))
		http_response_header_static(resp, "Content-Security-Policy",
					    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
					    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'");
	http_response_header_static(resp, "X-Content-Type-Options", "nosniff");
	http_response_header_static(resp, "Referrer-Policy", "no-referrer");
	http_response_header_static(resp, "X-Frame-Options", "DENY");
	http_response_header_static(resp, "Cross-Origin-Opener-Policy", "same-origin");
	http_response_header_static(resp, "Cross-Origin-Resource-Policy", "same-origin");
	if (resp->is_api)
		http_response_header_static(resp, "Cache-Control", "no-store");
	else if (!http_response_header_get(resp, "Cache-Control"))
		http_response_header_static(resp, "Cache-Control", "no-cache");
}

void http_response_error_item(struct http_response *resp, const char *group, long item)
{
	json_t *o;
	if (resp->status < 400 || !resp->is_api || !resp->body.len)
		return;
	/* errors only: re-reading a small envelope is cheaper than threading the
	 * item through every validator */
	o = json_loadb(resp->body.buf, resp->body.len, 0, NULL);
	if (!json_is_object(o) || !json_object_get(o, "error") || json_object_get(o, "item")) {
		json_decref(o);
		return;
	}
	json_object_set_new(o, "group", json_string(group));
	json_object_set_new(o, "item", json_integer(item));
	http_response_json(resp, resp->status, o);
}
