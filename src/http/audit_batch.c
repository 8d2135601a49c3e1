/*
 * http/audit_batch.c: group commit of the audit records the server writes
 * outside a change — case reads, list pages, searches, refused attempts.
 *
 * Each such record used to be its own transaction, and with
 * synchronous=FULL each commit waits for the disk (an fsync of the WAL):
 * every worker thread took the database's write lock in turn for one row,
 * so case reads were bound to one fsync each (bench/http_load: about 250
 * reads/s at 64 connections).  Now the threads that need a record at the
 * same moment share one transaction: the first becomes the leader, writes
 * the rows of everyone waiting (in the order they asked, so the hash chain
 * is one sequence) and commits once; the others wait for that commit.
 *
 * The guarantee is unchanged: no thread returns before its own row is
 * committed, so no answer is sent before the record of it is on disk
 * ("no record of the view, no view"), and a failed record still fails its
 * request.  If the batch fails, each row is retried alone so that one bad
 * row fails only its own request.  Records written inside a change's
 * transaction (case_change) are not batched: they commit with the change.
 */
#include "http/http_internal.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct pending {
	const char *actor, *org_code, *action, *case_ref, *detail;
	char at[32];
	int done, rc;
	struct sanad_error err;
	struct pending *next;
	/* a deferred record (http_audit_writer_submit): its own copies of the
	 * strings, and whom to tell once it is committed */
	char *copies[5];
	http_audit_done_fn on_done;
	void *owner;
};

static pthread_mutex_t batch_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t batch_done = PTHREAD_COND_INITIALIZER;
static struct pending *queue_head, **queue_tail = &queue_head;
static int leader_active;

static int append_one(struct storage *st, struct pending *p)
{
	return audit_append_at(st, p->at, p->actor, p->org_code, p->action, p->case_ref, p->detail, &p->err);
}

/* Write the batch on st (no transaction open on it) and set each rc. */
static void commit_batch(struct storage *st, struct pending *batch)
{
	struct sanad_error err = { 0 };
	struct pending *p;
	int rc = 0;

	if (!batch->next) { /* alone: its own transaction, as before */
		batch->rc = append_one(st, batch);
		return;
	}
	if ((rc = storage_begin(st, &err)) == 0) {
		/* the chain's end is read once per batch, not once per row */
		struct audit_chain chain = AUDIT_CHAIN_INIT;
		for (p = batch; p && !rc; p = p->next)
			rc = p->rc = audit_append_chained(st, &chain, p->at, p->actor, p->org_code, p->action,
							  p->case_ref, p->detail, &p->err);
		if (!rc)
			rc = storage_commit(st, &err);
		if (rc)
			storage_rollback(st);
	}
	if (!rc)
		return;
	/* something failed: nothing of the batch is on disk; each row alone */
	for (p = batch; p; p = p->next) {
		memset(&p->err, 0, sizeof(p->err));
		p->rc = append_one(st, p);
	}
}

int http_audit_append(struct storage *st, const char *actor, const char *org_code, const char *action,
		      const char *case_ref, const char *detail, struct sanad_error *err)
{
	struct pending me = { actor, org_code, action, case_ref, detail, { 0 }, 0, 0, { 0 }, NULL, { 0 }, NULL, NULL };

	if (storage_in_transaction(st)) /* part of a change: commits with it */
		return audit_append(st, actor, org_code, action, case_ref, detail, err);
	audit_now(me.at);

	pthread_mutex_lock(&batch_lock);
	*queue_tail = &me;
	queue_tail = &me.next;
	while (!me.done) {
		if (!leader_active) {
			struct pending *batch = queue_head, *p;
			leader_active = 1;
			queue_head = NULL;
			queue_tail = &queue_head;
			pthread_mutex_unlock(&batch_lock);
			commit_batch(st, batch);
			pthread_mutex_lock(&batch_lock);
			for (p = batch; p; p = p->next)
				p->done = 1; /* the waiters look only once the lock is released */
			leader_active = 0;
			pthread_cond_broadcast(&batch_done);
		} else {
			pthread_cond_wait(&batch_done, &batch_lock);
		}
	}
	pthread_mutex_unlock(&batch_lock);
	if (me.rc && err)
		*err = me.err;
	return me.rc;
}

/* ---- the committing thread (http_audit_writer) ----
 *
 * With the batch above, a worker thread still blocks until its row is
 * committed, so at most as many rows share an fsync as there are worker
 * threads (4 by default): case reads were bound to about threads / fsync
 * time.  The server instead hands the row to this thread and suspends the
 * connection (MHD_suspend_connection) with its answer ready but not sent;
 * the worker goes on with other connections.  This thread writes every row
 * queued since its last commit in one transaction, commits, and only then
 * tells each owner (which resumes its connection and sends the answer, or a
 * 500 if its row failed).  So every connection waiting at the same moment
 * shares one fsync, and the guarantee is the one above: no answer before
 * the record of it is on disk.
 */
/* Write-ahead log pages after which the checkpointer is woken.  While
 * answers wait for commits: SQLite's own 1000.  Larger gave more reads/s
 * but a longer tail: the checkpoint's sync of the database file holds up
 * the next commit's sync of the log on the same disk (case reads, wrk -c64:
 * 1000 pages ~10,000/s, p99 20 ms; 3000 ~11,000/s, p99 26 ms; 10000
 * ~12,000/s, p99 30 ms).  With the journal no answer waits for a commit,
 * and fewer checkpoints copy each hot index page fewer times: 10000 pages
 * (40 MB of log) took the p99 of case reads from 15-17 to 11-13 ms. */
#define AUDIT_CHECKPOINT_PAGES 1000
#define AUDIT_CHECKPOINT_PAGES_JOURNAL 10000

struct http_audit_writer {
	struct storage *st;  /* the writer's own connection */
	struct audit_journal *journal; /* copied from, when not NULL (the caller's) */
	unsigned copy_ms;              /* that often */
	struct storage *ckpt_st; /* the checkpointer's */
	pthread_t thread, ckpt_thread;
	pthread_mutex_t lock;
	pthread_cond_t wake, ckpt_wake;
	int ckpt_wanted;
	struct pending *head, **tail;
	int stopping;        /* stop once the queue is empty */
	int closed;          /* no more submissions: the caller writes itself */
	int joined;          /* stopped: the threads are gone */
};

static void pending_free(struct pending *p)
{
	for (int i = 0; i < 5; i++)
		free(p->copies[i]);
	free(p);
}

static void want_checkpoint(struct http_audit_writer *w)
{
	if (storage_wal_pages(w->st) >= (w->journal ? AUDIT_CHECKPOINT_PAGES_JOURNAL : AUDIT_CHECKPOINT_PAGES)) {
		pthread_mutex_lock(&w->lock);
		w->ckpt_wanted = 1;
		pthread_cond_signal(&w->ckpt_wake);
		pthread_mutex_unlock(&w->lock);
	}
}

static void *writer_main(void *arg)
{
	struct http_audit_writer *w = arg;
	for (;;) {
		struct pending *batch, *p, *next;
		pthread_mutex_lock(&w->lock);
		while (!w->head && !w->stopping)
			pthread_cond_wait(&w->wake, &w->lock);
		batch = w->head;
		w->head = NULL;
		w->tail = &w->head;
		pthread_mutex_unlock(&w->lock);
		if (!batch)
			break; /* stopping, and nothing left */
		commit_batch(w->st, batch);
		want_checkpoint(w);
		for (p = batch; p; p = next) {
			next = p->next;
			p->on_done(p->owner, p->rc, &p->err);
			pending_free(p);
		}
	}
	return NULL;
}

/* Log msg unless it is the one logged last: a copy failing every few
 * milliseconds (a full disk) must not fill the log with the same line. */
static void log_once(char *last, size_t size, const char *msg)
{
	if (!strcmp(last, msg))
		return;
	fprintf(stderr, "sanad serve: %s\n", msg);
	snprintf(last, size, "%s", msg);
}

/* The committing thread with a journal: a copy every copy_ms,
 * and a last one when stopping. */
static void *ingester_main(void *arg)
{
	struct http_audit_writer *w = arg;
	char last[sizeof(((struct sanad_error *)0)->message)] = "";
	int stop = 0;
	while (!stop) {
		struct audit_ingest_result res;
		struct sanad_error err = { 0 };
		struct timespec until;
		pthread_mutex_lock(&w->lock);
		if (!w->stopping) {
			clock_gettime(CLOCK_REALTIME, &until);
			http_timespec_add_ms(&until, w->copy_ms);
			pthread_cond_timedwait(&w->wake, &w->lock, &until);
		}
		stop = w->stopping;
		pthread_mutex_unlock(&w->lock);
		if (!stop && audit_journal_prepare(w->journal, &err))
			log_once(last, sizeof(last), err.message);
		if (audit_journal_ingest(w->st, &res, &err))
			log_once(last, sizeof(last), err.message);
		else if (res.warning[0])
			log_once(last, sizeof(last), res.warning);
		want_checkpoint(w);
	}
	return NULL;
}

static void *checkpointer_main(void *arg)
{
	struct http_audit_writer *w = arg;
	for (;;) {
		struct sanad_error err = { 0 };
		pthread_mutex_lock(&w->lock);
		while (!w->ckpt_wanted && !w->stopping)
			pthread_cond_wait(&w->ckpt_wake, &w->lock);
		if (!w->ckpt_wanted) { /* stopping: closing the connections checkpoints */
			pthread_mutex_unlock(&w->lock);
			break;
		}
		w->ckpt_wanted = 0;
		pthread_mutex_unlock(&w->lock);
		if (storage_checkpoint(w->ckpt_st, &err))
			fprintf(stderr, "sanad serve: %s\n", err.message);
		{
			/* at most twenty a second: while a long reader keeps the log
			 * from being restarted, every commit would wake us, and each
			 * try holds commits up for a moment (storage_checkpoint) */
			struct timespec pause = { 0, 50 * 1000 * 1000 };
			nanosleep(&pause, NULL);
		}
	}
	return NULL;
}

int http_audit_writer_start(struct http_audit_writer **out, struct storage *st, struct storage *ckpt_st,
			    struct audit_journal *journal, unsigned copy_ms, struct sanad_error *err)
{
	struct http_audit_writer *w = xcalloc(1, sizeof(*w));
	int rc;
	*out = NULL;
	if ((rc = storage_audit_writer_tune(st, err))) {
		free(w);
		return rc;
	}
	w->st = st;
	w->ckpt_st = ckpt_st;
	w->journal = journal;
	w->copy_ms = copy_ms ? copy_ms : 1;
	w->tail = &w->head;
	pthread_mutex_init(&w->lock, NULL);
	pthread_cond_init(&w->wake, NULL);
	pthread_cond_init(&w->ckpt_wake, NULL);
	if ((rc = pthread_create(&w->ckpt_thread, NULL, checkpointer_main, w)) == 0 &&
	    (rc = pthread_create(&w->thread, NULL, journal ? ingester_main : writer_main, w)) != 0) {
		pthread_mutex_lock(&w->lock);
		w->stopping = 1;
		pthread_cond_signal(&w->ckpt_wake);
		pthread_mutex_unlock(&w->lock);
		pthread_join(w->ckpt_thread, NULL);
	}
	if (rc) {
		pthread_cond_destroy(&w->ckpt_wake);
		pthread_cond_destroy(&w->wake);
		pthread_mutex_destroy(&w->lock);
		free(w);
		return sanad_error_set(err, SANAD_EIO, "cannot start the audit writer threads: %s", strerror(rc));
	}
	*out = w;
	return 0;
}

int http_audit_writer_submit(struct http_audit_writer *w, const char *actor, const char *org_code,
			     const char *action, const char *case_ref, const char *detail,
			     http_audit_done_fn on_done, void *owner)
{
	struct pending *p;
	if (!w)
		return -1;
	p = xcalloc(1, sizeof(*p));
	p->actor = p->copies[0] = actor ? xstrdup(actor) : NULL;
	p->org_code = p->copies[1] = org_code ? xstrdup(org_code) : NULL;
	p->action = p->copies[2] = action ? xstrdup(action) : NULL;
	p->case_ref = p->copies[3] = case_ref ? xstrdup(case_ref) : NULL;
	p->detail = p->copies[4] = detail ? xstrdup(detail) : NULL;
	p->on_done = on_done;
	p->owner = owner;
	audit_now(p->at);
	pthread_mutex_lock(&w->lock);
	if (w->closed) {
		pthread_mutex_unlock(&w->lock);
		pending_free(p);
		return -1;
	}
	*w->tail = p;
	w->tail = &p->next;
	pthread_cond_signal(&w->wake);
	pthread_mutex_unlock(&w->lock);
	return 0;
}

void http_audit_writer_stop(struct http_audit_writer *w)
{
	int joined;
	if (!w)
		return;
	pthread_mutex_lock(&w->lock);
	joined = w->joined;
	w->closed = w->stopping = w->joined = 1;
	pthread_cond_signal(&w->wake);
	pthread_cond_signal(&w->ckpt_wake);
	pthread_mutex_unlock(&w->lock);
	if (joined)
		return;
	pthread_join(w->thread, NULL); /* after it has committed what was queued */
	pthread_join(w->ckpt_thread, NULL);
}

void http_audit_writer_free(struct http_audit_writer *w)
{
	if (!w)
		return;
	http_audit_writer_stop(w);
	pthread_cond_destroy(&w->ckpt_wake);
	pthread_cond_destroy(&w->wake);
	pthread_mutex_destroy(&w->lock);
	free(w);
}
