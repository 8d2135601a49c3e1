/*
 * http/api_static.c: the web interface's files, compiled into the binary
 * from web/ (tools/embed.c lists them in embedded_web_files).  Each answer
 * has its Content-Type from the file's extension and a strong ETag (a hash
 * of the content, computed once); If-None-Match gets 304.  A path without an
 * extension that names no file gets index.html, so the interface may use
 * real paths for its pages.
 */
#include "http/http_internal.h"

#include "crypto/crypto.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct embedded_file {
	const char *path;
	const unsigned char *data;
	size_t len;
};
extern const struct embedded_file embedded_web_files[];
extern const size_t embedded_web_files_count;

static char **etags; /* one per embedded file, computed once */
static pthread_once_t etags_once = PTHREAD_ONCE_INIT;

static void etags_compute(void)
{
	etags = xcalloc(embedded_web_files_count + 1, sizeof(*etags));
	for (size_t i = 0; i < embedded_web_files_count; i++) {
		char hex[CRYPTO_HASH_HEX], buf[48];
		crypto_hash_hex(embedded_web_files[i].data, embedded_web_files[i].len, hex);
		snprintf(buf, sizeof(buf), "\"%.32s\"", hex);
		etags[i] = xstrdup(buf);
	}
}

static const struct {
	const char *ext, *mime;
} mime_types[] = {
	{ "html", "text/html; charset=utf-8" },
	{ "js", "text/javascript; charset=utf-8" },
	{ "mjs", "text/javascript; charset=utf-8" },
	{ "css", "text/css; charset=utf-8" },
	{ "json", "application/json; charset=utf-8" },
	{ "webmanifest", "application/manifest+json" },
	{ "svg", "image/svg+xml" },
	{ "png", "image/png" },
	{ "ico", "image/x-icon" },
	{ "woff2", "font/woff2" },
	{ "woff", "font/woff" },
	{ "ttf", "font/ttf" },
	{ "txt", "text/plain; charset=utf-8" },
};

static const char *mime_for(const char *path)
{
	const char *dot = strrchr(path, '.');
	if (dot && !strchr(dot, '/'))
		for (size_t i = 0; i < sizeof(mime_types) / sizeof(mime_types[0]); i++)
			if (!ascii_strcasecmp(dot + 1, mime_types[i].ext))
				return mime_types[i].mime;
	return "application/octet-stream";
}

static int asset_index(const char *path)
{
	for (size_t i = 0; i < embedded_web_files_count; i++)
		if (!strcmp(embedded_web_files[i].path, path))
			return (int)i;
	return -1;
}

int web_asset_find(const char *path, const unsigned char **data, size_t *len, const char **mime)
{
	int i = asset_index(path);
	if (i < 0)
		return -1;
	*data = embedded_web_files[i].data;
	*len = embedded_web_files[i].len;
	*mime = mime_for(path);
	return 0;
}

void api_static_get(struct http_ctx *c)
{
	const char *path = c->req->path + 1; /* without the leading '/' */
	const char *last = c->req->nsegments ? c->req->segments[c->req->nsegments - 1] : "";
	const char *inm;
	int i;

	pthread_once(&etags_once, etags_compute);
	if (!*path)
		path = "index.html";
	i = asset_index(path);
	if (i < 0 && !strchr(last, '.'))
		i = asset_index("index.html");
	if (i < 0) {
		reply_error(c, 404, "not_found", "no file %.200s", c->req->path);
		return;
	}
	http_response_header(c->resp, "ETag", etags[i]);
	inm = http_header(c->req, "If-None-Match");
	if (inm && strstr(inm, etags[i])) {
		c->resp->status = 304;
		c->resp->content_type = NULL;
		c->resp->is_api = 0;
		return;
	}
	c->resp->status = 200;
	c->resp->is_api = 0;
	c->resp->content_type = mime_for(embedded_web_files[i].path);
	c->resp->static_body = embedded_web_files[i].data;
	c->resp->static_len = embedded_web_files[i].len;
}
