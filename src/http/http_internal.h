/* http/http_internal.h: shared by the http module's files only — the route
 * table's rows, the context a handler runs in, and the handlers. */
#ifndef SANAD_HTTP_INTERNAL_H
#define SANAD_HTTP_INTERNAL_H

#include "audit/audit.h"
#include "auth/auth.h"
#include "http/http.h"
#include "policy/policy.h"

#include <time.h>

struct http_ctx;
typedef void (*http_handler_fn)(struct http_ctx *c);

/* No policy action: the route is public or open to every signed-in user
 * through ACT_SELF. */
#define ACT_NONE (-1)

struct http_route {
	enum http_method method;
	const char *pattern;     /* segments; "{name}" matches one segment */
	http_handler_fn handler;
	const char *handler_name;
	unsigned flags;          /* enum http_route_flags */
	int action;              /* enum policy_action the gate checks, or ACT_NONE */
	int action_alt;          /* a second action that also suffices, or ACT_NONE */
	int arg;                 /* handler argument (e.g. the repeating group) */
};

/* The route table (routes.c). */
const struct http_route *http_routes(int *count);

#define HTTP_MAX_PARAMS 4

/* Everything a handler needs; built by the gate. */
struct http_ctx {
	struct http_server *srv;
	const struct http_config *cfg;
	struct storage *st;               /* this thread's database connection */
	struct http_request *req;
	struct http_response *resp;
	const struct http_route *route;
	const char *param_name[HTTP_MAX_PARAMS];
	const char *param[HTTP_MAX_PARAMS]; /* decoded path parameters */
	int nparams;
	int64_t now;                      /* Unix seconds at the start of the request */
	/* the caller, once authenticated */
	int signed_in;
	int via_cookie;                   /* session cookie (CSRF applies), not a bearer token */
	char *session_id;                 /* the cookie's session id, or NULL */
	char *csrf;                       /* that session's CSRF token, or NULL */
	struct auth_user user;
	struct policy_user pu;            /* policy view of user (borrows from it) */
	/* ROUTE_CASE: the case named by {ref}, loaded by the gate, unredacted,
	 * and the caller's access to it */
	struct case_record kase;
	int have_case;
	enum case_access access;
	size_t item;                      /* {id} routes: the referral's index (from 0) */
	/* cache.c: the generation read before anything else, and the
	 * remembered case kase was copied from (or was remembered as) */
	struct http_cache *cache;
	uint64_t cache_generation;
	const struct http_cached_case *cached;
	int kase_borrowed;                /* kase is cached->record itself, not a copy:
	                                   * only GET routes, which never change it */
};

/* gate.c: route req, run the gate and then the handler, on connection st.
 * now is the request's time (Unix seconds). */
void http_dispatch(struct http_server *srv, const struct http_config *cfg, struct storage *st,
		   struct http_request *req, struct http_response *resp, int64_t now);
/* The route for req's method and path (parameters into c when c is not
 * NULL); NULL with *allowed the methods the path accepts (0: unknown path). */
const struct http_route *http_route_find(const struct http_request *req, struct http_ctx *c,
					 unsigned *allowed);

/* The server's statistics engine (server.c), opened with the server and
 * closed with it; NULL when srv is NULL. */
struct stats_engine *http_server_stats(struct http_server *srv);

/* Value of path parameter name ("ref"); NULL if the route has none. */
const char *http_param(const struct http_ctx *c, const char *name);

/* ---- replies ---- */
void reply_json(struct http_ctx *c, int status, json_t *json);
void reply_error(struct http_ctx *c, int status, const char *code, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* Answer with the status and envelope that fit a module error: invalid ->
 * 400, not found -> 404, exists or conflict -> 409, not allowed -> 403, a
 * limit -> 400, database -> 500 (the cause is logged, not sent). */
void reply_sanad_error(struct http_ctx *c, const struct sanad_error *err);

/* ---- JSON body helpers: each fails with a 400 naming the key ---- */
/* The string at key; NULL when absent or null.  A present non-string is an
 * error (*bad set). */
const char *body_string(struct http_ctx *c, const char *key, int required, int *bad);
/* Refuse keys of the body not in the NULL-terminated allowed list. */
int body_only(struct http_ctx *c, const char *const *allowed);

/* ---- audit ---- */
/* Append to the audit trail as the caller; failures are logged (and for
 * changes, the caller's transaction fails with them: see audit_append). */
int audit_as_caller(struct http_ctx *c, const char *action, const char *case_ref, const char *detail,
		    struct sanad_error *err);

/* audit_append for the server (audit_batch.c): inside a transaction the
 * same; outside one, the records of threads asking at the same moment are
 * written in one transaction and commit (group commit).  Returns only
 * once this record is committed, or with its error. */
int http_audit_append(struct storage *st, const char *actor, const char *org_code, const char *action,
		      const char *case_ref, const char *detail, struct sanad_error *err);

/* The committing thread of sanad serve (audit_batch.c): records handed to
 * it are written, many to a transaction, on its own connection st; once a
 * record is committed (or has failed: rc, err) on_done(owner, ...) runs on
 * that thread.  submit returns -1 (nothing queued) when w is NULL or
 * stopping: the caller then writes with http_audit_append.  stop commits
 * what is queued, runs its on_done calls and joins the thread (st stays
 * the caller's).  A second thread copies the write-ahead log back into the
 * database on its own connection ckpt_st (also the caller's), so that no
 * commit waits for that copy.
 *
 * With a journal (sanad serve's default, --audit-sync journal) nothing is
 * submitted: the workers write records to the journal themselves, and the
 * committing thread copies the journal into the trail every copy_ms
 * instead (the journal starts new files itself as each fills); stop
 * makes a last copy. */

/* t moved ms milliseconds on, for pthread_cond_timedwait's deadline (the
 * audit copier's pause, the drain's). */
static inline void http_timespec_add_ms(struct timespec *t, unsigned ms)
{
	t->tv_sec += ms / 1000;
	t->tv_nsec += (long)(ms % 1000) * 1000000L;
	if (t->tv_nsec >= 1000000000L) {
		t->tv_sec++;
		t->tv_nsec -= 1000000000L;
	}
}
typedef void (*http_audit_done_fn)(void *owner, int rc, const struct sanad_error *err);
struct http_audit_writer;
int http_audit_writer_start(struct http_audit_writer **out, struct storage *st, struct storage *ckpt_st,
			    struct audit_journal *journal, unsigned copy_ms, struct sanad_error *err);
int http_audit_writer_submit(struct http_audit_writer *w, const char *actor, const char *org_code,
			     const char *action, const char *case_ref, const char *detail,
			     http_audit_done_fn on_done, void *owner);
void http_audit_writer_stop(struct http_audit_writer *w);
/* Stop (if not yet) and free.  Only once no thread can submit any more:
 * a worker may still hold w after stop, and finds it closed. */
void http_audit_writer_free(struct http_audit_writer *w);
/* server.c: hand this record to the committing thread when the request
 * being handled on this thread can wait for it without holding the thread
 * (a live connection of sanad serve): its answer is then held until the
 * record is committed, and replaced by a 500 if the record fails.  Returns
 * 1 if handed over, 0 if the caller must write it (http_audit_append). */
int http_server_defer_audit(struct http_server *srv, const char *actor, const char *org_code,
			    const char *action, const char *case_ref, const char *detail);

/* An account as JSON: username, display_name, role, organisation,
 * language, disabled.  New reference. */
json_t *user_json(const struct auth_user *u);

/* Today as YYYY-MM-DD (UTC). */
void today_string(char out[11]);

/* ---- handlers (one file per resource) ---- */
void api_health_get(struct http_ctx *c);
void api_session_create(struct http_ctx *c);
void api_session_delete(struct http_ctx *c);
void api_me_get(struct http_ctx *c);
void api_me_password(struct http_ctx *c);
void api_me_language(struct http_ctx *c);
void api_users_list(struct http_ctx *c);
void api_users_create(struct http_ctx *c);
void api_users_update(struct http_ctx *c);
void api_organisations_list(struct http_ctx *c);
void api_organisations_create(struct http_ctx *c);
void api_organisations_update(struct http_ctx *c);
void api_cases_list(struct http_ctx *c);
void api_cases_create(struct http_ctx *c);
void api_cases_get(struct http_ctx *c);
void api_cases_update(struct http_ctx *c);
void api_case_items_add(struct http_ctx *c);
void api_case_screening(struct http_ctx *c);
void api_case_closure(struct http_ctx *c);
void api_case_reopen(struct http_ctx *c);
void api_case_handover(struct http_ctx *c);
void api_case_return(struct http_ctx *c);
void api_case_item_update(struct http_ctx *c); /* api_casework.c: one item of a repeating group */
void api_case_item_delete(struct http_ctx *c);
void api_consents_add(struct http_ctx *c);
void api_referrals_create(struct http_ctx *c);
void api_referrals_incoming(struct http_ctx *c);
void api_referrals_accept(struct http_ctx *c);
void api_referrals_decline(struct http_ctx *c);
void api_caseload_get(struct http_ctx *c);
void api_stats_get(struct http_ctx *c);   /* api_stats.c: statistics, published */
void api_stats_dimensions(struct http_ctx *c);
void api_stats_chart(struct http_ctx *c);
void api_stats_settings_get(struct http_ctx *c);
void api_stats_settings_put(struct http_ctx *c);
void api_stats_report(struct http_ctx *c);
void api_stats_sdg(struct http_ctx *c);   /* api_population.c: SDG 16.2.2 and its population figures */
void api_population_list(struct http_ctx *c);
void api_population_put(struct http_ctx *c);
/* The deployment's suppression threshold for published statistics (meta
 * key stats_threshold; the default when unset or damaged). */
int64_t stats_threshold_setting(struct http_ctx *c);
void api_reports_get(struct http_ctx *c); /* api_reports.c: the annual report */
void api_reports_years(struct http_ctx *c); /* api_report_years.c: the years that have a report */
void api_vocab_list(struct http_ctx *c);
void api_vocab_get(struct http_ctx *c);
void api_audit_list(struct http_ctx *c);
void api_static_get(struct http_ctx *c);
void api_ui_session_get(struct http_ctx *c); /* api_ui_extras.c: the web interface's extras */
void api_ui_fields_get(struct http_ctx *c);
void api_ui_team_get(struct http_ctx *c);

/* ---- cache.c: the server's short memory of callers and of cases read ----
 * (see cache.c for what is remembered, for how long, and why that is safe).
 * Every function takes a NULL cache (no server, or caching off) and then
 * remembers nothing. */
struct http_cache;
struct http_cached_case {
	struct case_record record;    /* unredacted, as storage_case_get gave it */
	char *body;                   /* the full-access "case" JSON (escaped as
	                               * http_response_json does), or NULL */
	size_t body_len;
	/* the whole answer to GET /cases/{ref} with full access, read-only [0]
	 * and with the right to change [1] (they differ in "access"), or NULL */
	char *answer[2];
	size_t answer_len[2];
	char version[33];             /* case_version of body */
	int64_t updated_at;           /* storage_case_stamp's, read before record */
	int64_t read_at;              /* Unix seconds, taken before that stamp */
};
/* NULL when ttl_ms is 0 (caching off). */
struct http_cache *http_cache_new(unsigned ttl_ms, size_t max_cases, size_t max_callers);
void http_cache_free(struct http_cache *k);
/* Read at the start of a request, before the database; stored with what
 * the request reads. */
uint64_t http_cache_generation(struct http_cache *k);
/* The server changed something: forget everything remembered. */
void http_cache_changed(struct http_cache *k);
/* kind: "bearer" or "session".  1 and copies into user (and *csrf) when
 * this credential's check is remembered; 0 otherwise. */
int http_cache_caller_get(struct http_cache *k, const char *kind, const char *credential,
			  struct auth_user *user, char **csrf);
void http_cache_caller_put(struct http_cache *k, uint64_t generation, const char *kind, const char *credential,
			   const struct auth_user *user, const char *csrf);
/* A remembered case (a reference the caller gives back with
 * http_cache_case_drop), or NULL.  *expired: it is older than the TTL; the
 * caller checks it against the database (storage_case_stamp) and then
 * renews it, or forgets it (which also gives the reference back). */
const struct http_cached_case *http_cache_case_take(struct http_cache *k, const char *ref, int *expired);
void http_cache_case_renew(struct http_cache *k, const struct http_cached_case *c);
void http_cache_case_forget(struct http_cache *k, const struct http_cached_case *c);
/* Remember a copy of record read at generation, with its stamp; returns it
 * taken, or NULL (caching off, or something changed since generation was
 * read). */
const struct http_cached_case *http_cache_case_put(struct http_cache *k, uint64_t generation, const char *ref,
						   const struct case_record *record, int64_t updated_at,
						   int64_t read_at);
/* Attach the rendered full-access body (once; later calls are ignored). */
void http_cache_case_set_body(struct http_cache *k, const struct http_cached_case *c, const char *body,
			      size_t len, const char *version);
/* c's body (stable once set) or NULL. */
const char *http_cached_case_body(struct http_cache *k, const struct http_cached_case *c, size_t *len);
/* The whole answer kept for access kind which (0 read, 1 write), or NULL.
 * When there is one, c has one more reference, which the caller gives back
 * with http_cache_case_drop once the answer has been sent: the answer
 * stays while c is referenced. */
const char *http_cache_case_answer_hold(struct http_cache *k, const struct http_cached_case *c, int which,
					size_t *len);
/* Set once: a later caller keeps the first. */
void http_cache_case_set_answer(struct http_cache *k, const struct http_cached_case *c, int which, const char *text,
				size_t len);
void http_cache_case_drop(struct http_cache *k, const struct http_cached_case *c);
/* The server's cache (NULL: none, or srv NULL). */
struct http_cache *http_server_cache(struct http_server *srv);

/* Look up an embedded web asset by its path under web/ ("index.html"):
 * returns 0 and fills data/len/mime, or -1. */
int web_asset_find(const char *path, const unsigned char **data, size_t *len, const char **mime);

#endif
