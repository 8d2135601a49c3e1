/*
 * storage/db_sqlite_audit.c: rows of the audit trail.  The table refuses
 * UPDATE and DELETE by trigger (migration 2); the hash chain is computed by
 * the audit module, which calls storage_audit_last and storage_audit_insert
 * inside one write transaction so that two writers cannot fork the chain.
 */
#include "storage/storage_internal.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static char *dup_col(sqlite3_stmt *s, int i)
{
	const unsigned char *t = sqlite3_column_text(s, i);
	return t ? xstrdup((const char *)t) : NULL;
}

void audit_row_release(struct audit_row *r)
{
	free(r->at);
	free(r->actor);
	free(r->org_code);
	free(r->action);
	free(r->case_ref);
	free(r->detail);
	free(r->prev_hash);
	free(r->hash);
	memset(r, 0, sizeof(*r));
}

#define AUDIT_COLUMNS "id, at, actor, org_code, action, case_ref, detail, prev_hash, hash"

static void row_from(sqlite3_stmt *s, struct audit_row *r)
{
	r->id = sqlite3_column_int64(s, 0);
	r->at = dup_col(s, 1);
	r->actor = dup_col(s, 2);
	r->org_code = dup_col(s, 3);
	r->action = dup_col(s, 4);
	r->case_ref = dup_col(s, 5);
	r->detail = dup_col(s, 6);
	r->prev_hash = dup_col(s, 7);
	r->hash = dup_col(s, 8);
}

/* SQLite's own busy handler sleeps 1, 2, 5 ... 100 ms between tries: a
 * commit that found the log being restarted for a millisecond waited tens
 * of them, and every answer waiting for that commit with it.  This one
 * tries again every 200 us, up to arg tries. */
#define BUSY_TRIES_COMMIT 25000 /* 5 s: as long as the connections' busy timeout */
#define BUSY_TRIES_RESTART 10   /* 2 ms: see storage_checkpoint */

static int busy_briefly(void *arg, int tries)
{
	struct timespec pause = { 0, 200 * 1000 };
	if (tries >= (int)(intptr_t)arg)
		return 0;
	nanosleep(&pause, NULL);
	return 1;
}

static int note_wal_pages(void *arg, sqlite3 *db, const char *name, int pages)
{
	(void)db;
	(void)name;
	((struct storage *)arg)->wal_pages = pages;
	return SQLITE_OK;
}

int storage_audit_writer_tune(struct storage *st, struct sanad_error *err)
{
	/* replaces the automatic checkpoint, which is itself a WAL hook */
	sqlite3_wal_hook(st->db, note_wal_pages, st);
	sqlite3_busy_handler(st->db, busy_briefly, (void *)(intptr_t)BUSY_TRIES_COMMIT);
	/* when the log starts again, its file is cut back to 64 MiB */
	if (sqlite3_exec(st->db, "PRAGMA journal_size_limit = 67108864", NULL, NULL, NULL) != SQLITE_OK)
		return storage_sql_error(st, err, "limiting the write-ahead log");
	return 0;
}

int storage_wal_pages(const struct storage *st)
{
	return st->wal_pages;
}

int storage_checkpoint(struct storage *st, struct sanad_error *err)
{
	/* PASSIVE copies what it can without making anyone wait.  But while
	 * commits keep coming the log is never wholly copied at the moment a
	 * writer starts, so it is never started again from its beginning and
	 * grows without end (334 MB after a few minutes of case reads).  So a
	 * RESTART follows: it waits for the writer and the readers (the
	 * connection's busy timeout), copies the few pages committed since
	 * the PASSIVE one, and makes the next commit write the log from its
	 * start; the file is cut back to journal_size_limit then. */
	int rc, log = 0, copied = 0, rounds = 0;
	sqlite3_busy_handler(st->db, busy_briefly, (void *)(intptr_t)BUSY_TRIES_COMMIT);
	/* passes until what is left to copy is small: the RESTART, which
	 * makes commits wait, then copies only that */
	do
		rc = sqlite3_wal_checkpoint_v2(st->db, NULL, SQLITE_CHECKPOINT_PASSIVE, &log, &copied);
	while (rc == SQLITE_OK && log - copied > 256 && ++rounds < 8);
	/* While a RESTART waits for readers, no one may commit: a long reader
	 * (an export, a statistics scan) would hold up every audited answer.
	 * So it waits 2 ms at most, and is tried again at the next wake-up. */
	sqlite3_busy_handler(st->db, busy_briefly, (void *)(intptr_t)BUSY_TRIES_RESTART);
	if (rc == SQLITE_OK)
		rc = sqlite3_wal_checkpoint_v2(st->db, NULL, SQLITE_CHECKPOINT_RESTART, NULL, NULL);
	sqlite3_busy_handler(st->db, busy_briefly, (void *)(intptr_t)BUSY_TRIES_COMMIT);
	if (rc != SQLITE_OK && rc != SQLITE_BUSY)
		return storage_sql_error(st, err, "checkpointing the write-ahead log");
	return 0;
}

void storage_autocheckpoint(struct storage *st, int on)
{
	sqlite3_wal_autocheckpoint(st->db, on ? 1000 : 0);
}

int storage_audit_last(struct storage *st, int64_t *id, char hash[65], struct sanad_error *err)
{
	/* once per record the server writes: prepared once per connection */
	sqlite3_stmt *s = storage_hot(st, HOT_AUDIT_LAST, "SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1",
				      err);
	int rc;
	*id = 0;
	hash[0] = '\0';
	if (!s)
		return err->code;
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		const char *h = (const char *)sqlite3_column_text(s, 1);
		*id = sqlite3_column_int64(s, 0);
		snprintf(hash, 65, "%s", h ? h : "");
	}
	rc = rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : storage_sql_error(st, err, "reading audit trail");
	sqlite3_reset(s);
	return rc;
}

int storage_audit_insert(struct storage *st, const struct audit_row *r, struct sanad_error *err)
{
	sqlite3_stmt *s = storage_hot(st, HOT_AUDIT_INSERT,
				      "INSERT INTO audit_log (" AUDIT_COLUMNS ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", err);
	const char *v[8] = { r->at, r->actor, r->org_code, r->action, r->case_ref, r->detail, r->prev_hash,
			     r->hash };
	int rc;
	if (!s)
		return err->code;
	sqlite3_bind_int64(s, 1, r->id);
	for (int i = 0; i < 8; i++) {
		if (v[i])
			sqlite3_bind_text(s, i + 2, v[i], -1, SQLITE_STATIC);
		else
			sqlite3_bind_null(s, i + 2);
	}
	rc = sqlite3_step(s);
	rc = rc == SQLITE_DONE ? 0 : storage_sql_error(st, err, "writing audit trail");
	sqlite3_reset(s);
	sqlite3_clear_bindings(s); /* the bound text is the caller's */
	return rc;
}

int storage_audit_each(struct storage *st, audit_visit_fn fn, void *ctx, struct sanad_error *err)
{
	sqlite3_stmt *s;
	int rc;
	if (sqlite3_prepare_v2(st->db, "SELECT " AUDIT_COLUMNS " FROM audit_log ORDER BY id", -1, &s, NULL) !=
	    SQLITE_OK)
		return storage_sql_error(st, err, "reading audit trail");
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		struct audit_row r;
		int stop;
		row_from(s, &r);
		stop = fn(&r, ctx);
		audit_row_release(&r);
		if (stop) {
			sqlite3_finalize(s);
			return stop;
		}
	}
	sqlite3_finalize(s);
	return rc == SQLITE_DONE ? 0 : storage_sql_error(st, err, "reading audit trail");
}

int storage_audit_query(struct storage *st, const struct audit_query *q, struct audit_row **rows,
			size_t *count, struct sanad_error *err)
{
	sqlite3_stmt *s;
	size_t alloc = 0;
	int rc;
	*rows = NULL;
	*count = 0;
	if (sqlite3_prepare_v2(st->db,
			       "SELECT " AUDIT_COLUMNS " FROM audit_log WHERE (?1 IS NULL OR org_code = ?1) "
			       "AND (?2 IS NULL OR case_ref = ?2) AND (?3 IS NULL OR actor = ?3) "
			       "AND (?4 <= 0 OR id < ?4) ORDER BY id DESC LIMIT ?5",
			       -1, &s, NULL) != SQLITE_OK)
		return storage_sql_error(st, err, "reading audit trail");
	if (q->org_code)
		sqlite3_bind_text(s, 1, q->org_code, -1, SQLITE_TRANSIENT);
	if (q->case_ref)
		sqlite3_bind_text(s, 2, q->case_ref, -1, SQLITE_TRANSIENT);
	if (q->actor)
		sqlite3_bind_text(s, 3, q->actor, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(s, 4, q->before_id);
	sqlite3_bind_int64(s, 5, q->limit > 0 ? q->limit : 100);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		ALLOC_GROW(*rows, *count + 1, alloc);
		row_from(s, &(*rows)[(*count)++]);
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE) {
		for (size_t i = 0; i < *count; i++)
			audit_row_release(&(*rows)[i]);
		free(*rows);
		*rows = NULL;
		*count = 0;
		return storage_sql_error(st, err, "reading audit trail");
	}
	return 0;
}
