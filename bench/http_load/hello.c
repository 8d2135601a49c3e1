/*
 * bench/http_load/hello.c: the bare libmicrohttpd server the load benchmark
 * measures `sanad serve` against.  Same library, same thread model and the
 * same daemon options as src/http/server.c (a pool of worker threads, each
 * over its own epoll set, fed by one thread that accepts the connections
 * and hands them over with MHD_add_connection; the same timeout, limits,
 * per-connection memory and strict parsing), but no routing, no authentication, no database and
 * no audit: each path answers fixed bytes from memory.
 *
 *   hello PORT THREADS PER_IP_LIMIT PATH=FILE:TYPE ...
 *
 * serves each FILE's bytes at PATH with Content-Type TYPE (the benchmark
 * gives it sanad's own /app.js and JSON bodies of the same sizes as the
 * API's answers), and 404 elsewhere.  Stops on SIGTERM or SIGINT.
 */
#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define MAX_PATHS 8

struct asset {
	char path[256];
	struct MHD_Response *resp;
};

static struct asset assets[MAX_PATHS];
static int nassets;
static struct MHD_Response *not_found;
static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static enum MHD_Result answer(void *cls, struct MHD_Connection *conn, const char *url, const char *method,
			      const char *version, const char *data, size_t *size, void **state)
{
	(void)cls;
	(void)version;
	(void)data;
	(void)method;
	/* as sanad serve does: the first call only says a request has begun,
	 * the answer is queued once the (empty) body has been read; queued on
	 * the first call, libmicrohttpd closes the connection after it */
	if (!*state) {
		*state = (void *)1;
		return MHD_YES;
	}
	if (*size) {
		*size = 0;
		return MHD_YES;
	}
	for (int i = 0; i < nassets; i++)
		if (!strcmp(url, assets[i].path))
			return MHD_queue_response(conn, MHD_HTTP_OK, assets[i].resp);
	return MHD_queue_response(conn, MHD_HTTP_NOT_FOUND, not_found);
}

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	long n;
	if (!f || fseek(f, 0, SEEK_END) || (n = ftell(f)) < 0 || fseek(f, 0, SEEK_SET))
		return NULL;
	buf = malloc((size_t)n + 1);
	if (!buf || fread(buf, 1, (size_t)n, f) != (size_t)n) {
		fclose(f);
		free(buf);
		return NULL;
	}
	fclose(f);
	*len = (size_t)n;
	return buf;
}

static struct MHD_Daemon *d;
static int listen_fd;

/* as src/http/server.c's accept_loop: the pool spreads what it is given */
static void *accept_loop(void *arg)
{
	(void)arg;
	for (;;) {
		struct sockaddr_storage peer;
		socklen_t len = sizeof(peer);
		int fd = accept(listen_fd, (struct sockaddr *)&peer, &len);
		if (fd >= 0)
			MHD_add_connection(d, fd, (struct sockaddr *)&peer, len);
	}
	return NULL;
}

int main(int argc, char **argv)
{
	struct sockaddr_in addr;
	pthread_t acceptor;
	int on = 1;
	unsigned port, threads, per_ip;
	static const char nf[] = "{\"error\":\"not_found\",\"message\":\"no such endpoint\"}\n";

	if (argc < 5) {
		fprintf(stderr, "usage: hello PORT THREADS PER_IP_LIMIT PATH=FILE:TYPE ...\n");
		return 2;
	}
	port = (unsigned)atoi(argv[1]);
	threads = (unsigned)atoi(argv[2]);
	per_ip = (unsigned)atoi(argv[3]);
	for (int i = 4; i < argc && nassets < MAX_PATHS; i++) {
		char *eq = strchr(argv[i], '='), *colon = eq ? strrchr(eq, ':') : NULL, *body;
		size_t len;
		if (!eq || !colon) {
			fprintf(stderr, "hello: '%s' is not PATH=FILE:TYPE\n", argv[i]);
			return 2;
		}
		*eq = *colon = '\0';
		if (!(body = slurp(eq + 1, &len))) {
			fprintf(stderr, "hello: cannot read %s\n", eq + 1);
			return 1;
		}
		snprintf(assets[nassets].path, sizeof(assets[nassets].path), "%s", argv[i]);
		assets[nassets].resp = MHD_create_response_from_buffer(len, body, MHD_RESPMEM_MUST_FREE);
		MHD_add_response_header(assets[nassets].resp, "Content-Type", colon + 1);
		nassets++;
	}
	not_found = MHD_create_response_from_buffer(sizeof(nf) - 1, (void *)nf, MHD_RESPMEM_PERSISTENT);
	MHD_add_response_header(not_found, "Content-Type", "application/json; charset=utf-8");
	memset(&addr, 0, sizeof(addr));
	addr.sin_family = AF_INET;
	addr.sin_port = htons((uint16_t)port);
	addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	listen_fd = socket(AF_INET, SOCK_STREAM, 0);
	setsockopt(listen_fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
	if (listen_fd < 0 || bind(listen_fd, (struct sockaddr *)&addr, sizeof(addr)) || listen(listen_fd, SOMAXCONN)) {
		fprintf(stderr, "hello: cannot listen on port %u\n", port);
		return 1;
	}
	d = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ITC | MHD_USE_ERROR_LOG |
				     MHD_USE_NO_LISTEN_SOCKET,
			     0, NULL, NULL, answer, NULL,
			     MHD_OPTION_THREAD_POOL_SIZE, threads,
			     MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)15,
			     MHD_OPTION_PER_IP_CONNECTION_LIMIT, per_ip,
			     MHD_OPTION_CONNECTION_LIMIT, (unsigned)512,
			     MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)32 * 1024,
			     MHD_OPTION_STRICT_FOR_CLIENT, (int)1,
			     MHD_OPTION_END);
	if (!d || pthread_create(&acceptor, NULL, accept_loop, NULL)) {
		fprintf(stderr, "hello: cannot start the daemon on port %u\n", port);
		return 1;
	}
	printf("hello listening on port %u\n", port);
	fflush(stdout);
	signal(SIGTERM, on_signal);
	signal(SIGINT, on_signal);
	while (!stop)
		pause();
	MHD_stop_daemon(d);
	return 0;
}
