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

/* Records per block of the browse index (migration 8): ids
 * b << AUDIT_BLOCK_BITS .. ((b + 1) << AUDIT_BLOCK_BITS) - 1.  Offsets within a
 * block must fit the 2 bytes each that audit_log_block.ids gives them. */
#define AUDIT_BLOCK_BITS 14
#define AUDIT_BLOCK_SIZE ((int64_t)1 << AUDIT_BLOCK_BITS)

struct offsets_acc {
	uint16_t *v;
	size_t n, alloc;
};

static void offsets_step(sqlite3_context *c, int argc, sqlite3_value **argv)
{
	struct offsets_acc *a = sqlite3_aggregate_context(c, sizeof(*a));
	(void)argc;
	if (!a)
		return sqlite3_result_error_nomem(c);
	if (a->n == a->alloc) {
		size_t want = a->alloc ? a->alloc * 2 : 16;
		uint16_t *v = sqlite3_realloc64(a->v, want * sizeof(*v));
		if (!v)
			return sqlite3_result_error_nomem(c);
		a->v = v;
		a->alloc = want;
	}
	a->v[a->n++] = (uint16_t)(sqlite3_value_int64(argv[0]) & (AUDIT_BLOCK_SIZE - 1));
}

static int offset_cmp(const void *a, const void *b)
{
	return (int)*(const uint16_t *)a - (int)*(const uint16_t *)b;
}

static void offsets_final(sqlite3_context *c)
{
	struct offsets_acc *a = sqlite3_aggregate_context(c, 0);
	unsigned char *blob;
	if (!a || !a->n) {
		sqlite3_result_zeroblob(c, 0);
		return;
	}
	/* the rows reach a GROUP BY in no promised order */
	qsort(a->v, a->n, sizeof(*a->v), offset_cmp);
	blob = sqlite3_malloc64(a->n * 2);
	if (!blob) {
		sqlite3_free(a->v);
		return sqlite3_result_error_nomem(c);
	}
	for (size_t i = 0; i < a->n; i++) {
		blob[2 * i] = (unsigned char)(a->v[i] & 0xff);
		blob[2 * i + 1] = (unsigned char)(a->v[i] >> 8);
	}
	sqlite3_free(a->v);
	sqlite3_result_blob64(c, blob, a->n * 2, sqlite3_free);
}

int storage_audit_register(sqlite3 *db)
{
	/* sanad_audit_offsets(id): the blob of audit_log_block.ids for a group */
	return sqlite3_create_function_v2(db, "sanad_audit_offsets", 1, SQLITE_UTF8 | SQLITE_DETERMINISTIC, NULL,
					  NULL, offsets_step, offsets_final, NULL);
}

/* The index rows of one block, made in C: the same as migration 8's
 * GROUP BY gives, but a GROUP BY over a union sorted three rows per
 * record (5 us a record; this is about 0.3). */
static const char *const block_kinds[3] = { "actor", "case", "org" }; /* in key order */

struct block_key {
	int kind; /* index into block_kinds */
	char *key;
	uint64_t hash;
	struct offsets_acc offs;
};

struct block_rows {
	struct block_key *slots; /* open addressing; key NULL = empty */
	size_t nslots, used;
};

static uint64_t key_hash(int kind, const char *k)
{
	uint64_t h = 1469598103934665603ULL ^ (uint64_t)kind;
	for (; *k; k++)
		h = (h ^ (unsigned char)*k) * 1099511628211ULL;
	return h;
}

/* Twice as many slots: a block's keys are usually few (the same cases
 * read again and again), so the table starts small and grows. */
static void block_rows_grow(struct block_rows *b)
{
	struct block_key *old = b->slots;
	size_t n = b->nslots;
	b->nslots = n ? 2 * n : 256;
	b->slots = xcalloc(b->nslots, sizeof(*b->slots));
	for (size_t i = 0; i < n; i++)
		if (old[i].key) {
			size_t j = old[i].hash & (b->nslots - 1);
			while (b->slots[j].key)
				j = (j + 1) & (b->nslots - 1);
			b->slots[j] = old[i];
		}
	free(old);
}

static void block_rows_add(struct block_rows *b, int kind, const char *key, int64_t id)
{
	uint64_t h = key_hash(kind, key);
	size_t i;
	struct block_key *e;
	if (2 * (b->used + 1) > b->nslots)
		block_rows_grow(b);
	i = h & (b->nslots - 1);
	while ((e = &b->slots[i])->key && !(e->hash == h && e->kind == kind && !strcmp(e->key, key)))
		i = (i + 1) & (b->nslots - 1);
	if (!e->key) {
		e->kind = kind;
		e->key = xstrdup(key);
		e->hash = h;
		b->used++;
	}
	ALLOC_GROW(e->offs.v, e->offs.n + 1, e->offs.alloc);
	e->offs.v[e->offs.n++] = (uint16_t)(id & (AUDIT_BLOCK_SIZE - 1));
}

static int block_key_cmp(const void *a, const void *b)
{
	const struct block_key *x = a, *y = b;
	return x->kind != y->kind ? x->kind - y->kind : strcmp(x->key, y->key);
}

static void block_rows_release(struct block_rows *b)
{
	for (size_t i = 0; i < b->nslots; i++) {
		free(b->slots[i].key);
		free(b->slots[i].offs.v);
	}
	free(b->slots);
	memset(b, 0, sizeof(*b));
}

/* Read block's records and leave its index rows in b->slots[0 .. b->used),
 * in (kind, key) order, offsets ascending (rows come in id order). */
static int block_rows_make(struct storage *st, int64_t block, struct block_rows *b, struct sanad_error *err)
{
	sqlite3_stmt *s;
	int rc;
	memset(b, 0, sizeof(*b));
	block_rows_grow(b);
	if (sqlite3_prepare_v2(st->db, "SELECT id, actor, case_ref, org_code FROM audit_log WHERE id >= ?1 AND id < ?2",
			       -1, &s, NULL) != SQLITE_OK)
		return storage_sql_error(st, err, "indexing the audit trail");
	sqlite3_bind_int64(s, 1, block << AUDIT_BLOCK_BITS);
	sqlite3_bind_int64(s, 2, (block + 1) << AUDIT_BLOCK_BITS);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		int64_t id = sqlite3_column_int64(s, 0);
		for (int k = 0; k < 3; k++) {
			const char *key = (const char *)sqlite3_column_text(s, k + 1);
			if (key)
				block_rows_add(b, k, key, id);
		}
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE)
		return storage_sql_error(st, err, "indexing the audit trail");
	/* pack the used slots to the front, then order them */
	for (size_t i = 0, j = 0; i < b->nslots; i++) {
		if (!b->slots[i].key)
			continue;
		if (i != j) {
			b->slots[j] = b->slots[i];
			memset(&b->slots[i], 0, sizeof(b->slots[i]));
		}
		j++;
	}
	qsort(b->slots, b->used, sizeof(*b->slots), block_key_cmp);
	return 0;
}

static void bind_offsets(sqlite3_stmt *s, int col, const struct offsets_acc *o, unsigned char *buf)
{
	for (size_t i = 0; i < o->n; i++) {
		buf[2 * i] = (unsigned char)(o->v[i] & 0xff);
		buf[2 * i + 1] = (unsigned char)(o->v[i] >> 8);
	}
	sqlite3_bind_blob64(s, col, buf, o->n * 2, SQLITE_STATIC);
}

static int block_index(struct storage *st, int64_t block, struct sanad_error *err)
{
	struct block_rows b;
	sqlite3_stmt *s = NULL;
	unsigned char *buf = xmalloc(2 * AUDIT_BLOCK_SIZE);
	int rc = block_rows_make(st, block, &b, err);
	if (!rc && sqlite3_prepare_v2(st->db, "INSERT INTO audit_log_block (block, kind, key, ids) VALUES (?, ?, ?, ?)",
				      -1, &s, NULL) != SQLITE_OK)
		rc = storage_sql_error(st, err, "indexing the audit trail");
	for (size_t i = 0; !rc && i < b.used; i++) {
		sqlite3_bind_int64(s, 1, block);
		sqlite3_bind_text(s, 2, block_kinds[b.slots[i].kind], -1, SQLITE_STATIC);
		sqlite3_bind_text(s, 3, b.slots[i].key, -1, SQLITE_STATIC);
		bind_offsets(s, 4, &b.slots[i].offs, buf);
		if (sqlite3_step(s) != SQLITE_DONE)
			rc = storage_sql_error(st, err, "indexing the audit trail");
		sqlite3_reset(s);
	}
	sqlite3_finalize(s);
	block_rows_release(&b);
	free(buf);
	return rc;
}

static int offsets_equal(const struct offsets_acc *o, const unsigned char *blob, int bytes)
{
	if (bytes < 0 || (size_t)bytes != o->n * 2)
		return 0;
	for (size_t i = 0; i < o->n; i++)
		if (blob[2 * i] != (o->v[i] & 0xff) || blob[2 * i + 1] != (o->v[i] >> 8))
			return 0;
	return 1;
}

int storage_audit_index_check(struct storage *st, int64_t *bad_from, int64_t *bad_to, struct sanad_error *err)
{
	sqlite3_stmt *have = NULL;
	int64_t end = 0, blocks, bad = 0;
	char hash[65];
	int rc, found = 0;
	*bad_from = *bad_to = 0;
	if ((rc = storage_audit_last(st, &end, hash, err)))
		return rc;
	blocks = (end + 1) >> AUDIT_BLOCK_BITS; /* the complete ones */
	if (sqlite3_prepare_v2(st->db, "SELECT kind, key, ids FROM audit_log_block WHERE block = ?1 ORDER BY kind, key",
			       -1, &have, NULL) != SQLITE_OK)
		return storage_sql_error(st, err, "checking the audit trail's index");
	for (int64_t blk = 0; blk < blocks && !found && !rc; blk++) {
		struct block_rows b;
		size_t i = 0;
		int step;
		if ((rc = block_rows_make(st, blk, &b, err))) {
			block_rows_release(&b);
			break;
		}
		sqlite3_bind_int64(have, 1, blk);
		while ((step = sqlite3_step(have)) == SQLITE_ROW) {
			const char *kind = (const char *)sqlite3_column_text(have, 0);
			const char *key = (const char *)sqlite3_column_text(have, 1);
			if (i >= b.used || !kind || strcmp(kind, block_kinds[b.slots[i].kind]) || !key ||
			    strcmp(key, b.slots[i].key) ||
			    !offsets_equal(&b.slots[i].offs, sqlite3_column_blob(have, 2), sqlite3_column_bytes(have, 2)))
				break;
			i++;
		}
		if (step != SQLITE_ROW && step != SQLITE_DONE)
			rc = storage_sql_error(st, err, "checking the audit trail's index");
		else if (step == SQLITE_ROW || i != b.used)
			found = 1, bad = blk;
		sqlite3_reset(have);
		block_rows_release(&b);
	}
	sqlite3_finalize(have);
	/* and no index rows for a block that is not complete */
	if (!rc && !found) {
		if (sqlite3_prepare_v2(st->db, "SELECT min(block) FROM audit_log_block WHERE block >= ?1 OR block < 0", -1,
				       &have, NULL) != SQLITE_OK)
			return storage_sql_error(st, err, "checking the audit trail's index");
		sqlite3_bind_int64(have, 1, blocks);
		if (sqlite3_step(have) == SQLITE_ROW && sqlite3_column_type(have, 0) != SQLITE_NULL)
			found = 1, bad = sqlite3_column_int64(have, 0);
		sqlite3_finalize(have);
	}
	if (!rc && found) {
		/* ids start at 1; a negative block is no block at all */
		*bad_from = bad > 0 ? bad << AUDIT_BLOCK_BITS : 1;
		*bad_to = bad >= 0 ? ((bad + 1) << AUDIT_BLOCK_BITS) - 1 : 1;
	}
	return rc;
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
	if (!rc && ((r->id + 1) & (AUDIT_BLOCK_SIZE - 1)) == 0)
		rc = block_index(st, r->id >> AUDIT_BLOCK_BITS, err);
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

static int same(const char *want, const char *have)
{
	return !want || (have && !strcmp(want, have));
}

static int row_matches(const struct audit_query *q, const struct audit_row *r)
{
	return same(q->org_code, r->org_code) && same(q->case_ref, r->case_ref) && same(q->actor, r->actor);
}

struct query_run {
	struct storage *st;
	const struct audit_query *q;
	struct audit_row *rows;
	size_t count, alloc, limit;
	sqlite3_stmt *by_id;
};

/* Take the row that s stands on if it matches; 1 when the page is full. */
static int take(struct query_run *run, sqlite3_stmt *s)
{
	struct audit_row r;
	row_from(s, &r);
	if (!row_matches(run->q, &r)) {
		audit_row_release(&r);
		return 0;
	}
	ALLOC_GROW(run->rows, run->count + 1, run->alloc);
	run->rows[run->count++] = r;
	return run->count >= run->limit;
}

/* Rows [from, to) read in the table itself, newest first. */
static int query_range(struct query_run *run, int64_t from, int64_t to, struct sanad_error *err)
{
	sqlite3_stmt *s;
	int rc;
	if (from >= to)
		return 0;
	if (sqlite3_prepare_v2(run->st->db,
			       "SELECT " AUDIT_COLUMNS " FROM audit_log WHERE id >= ?1 AND id < ?2 ORDER BY id DESC", -1,
			       &s, NULL) != SQLITE_OK)
		return storage_sql_error(run->st, err, "reading audit trail");
	sqlite3_bind_int64(s, 1, from);
	sqlite3_bind_int64(s, 2, to);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW)
		if (take(run, s)) {
			rc = SQLITE_DONE;
			break;
		}
	sqlite3_finalize(s);
	return rc == SQLITE_DONE ? 0 : storage_sql_error(run->st, err, "reading audit trail");
}

/* The rows of one block that audit_log_block lists under (kind, key),
 * newest first, below before. */
static int query_block(struct query_run *run, sqlite3_stmt *lookup, int64_t block, int64_t before,
		       struct sanad_error *err)
{
	const unsigned char *ids;
	int rc, n;
	sqlite3_bind_int64(lookup, 3, block);
	rc = sqlite3_step(lookup);
	if (rc != SQLITE_ROW) {
		sqlite3_reset(lookup);
		return rc == SQLITE_DONE ? 0 : storage_sql_error(run->st, err, "reading audit trail index");
	}
	ids = sqlite3_column_blob(lookup, 0);
	n = sqlite3_column_bytes(lookup, 0) / 2;
	rc = 0;
	for (int i = n - 1; i >= 0 && !rc; i--) {
		int64_t id = (block << AUDIT_BLOCK_BITS) + (ids[2 * i] | ids[2 * i + 1] << 8);
		int step;
		if (id >= before)
			continue;
		sqlite3_bind_int64(run->by_id, 1, id);
		step = sqlite3_step(run->by_id);
		if (step == SQLITE_ROW)
			rc = take(run, run->by_id) ? 1 : 0;
		else if (step != SQLITE_DONE)
			rc = -1;
		sqlite3_reset(run->by_id);
	}
	sqlite3_reset(lookup);
	return rc < 0 ? storage_sql_error(run->st, err, "reading audit trail") : rc;
}

int storage_audit_query(struct storage *st, const struct audit_query *q, struct audit_row **rows,
			size_t *count, struct sanad_error *err)
{
	struct query_run run = { .st = st, .q = q, .limit = q->limit > 0 ? (size_t)q->limit : 100 };
	const char *kind = q->case_ref ? "case" : q->actor ? "actor" : q->org_code ? "org" : NULL;
	const char *key = q->case_ref ? q->case_ref : q->actor ? q->actor : q->org_code;
	sqlite3_stmt *lookup = NULL;
	int64_t last = 0, before, indexed_end;
	char hash[65];
	int own_tx = !storage_in_transaction(st), rc;

	*rows = NULL;
	*count = 0;
	/* one snapshot for the last id and the blocks read after it */
	if (own_tx && (rc = storage_begin_read(st, err)))
		return rc;
	if ((rc = storage_audit_last(st, &last, hash, err)))
		goto done;
	before = q->before_id > 0 && q->before_id <= last ? q->before_id : last + 1;
	indexed_end = ((last + 1) >> AUDIT_BLOCK_BITS) << AUDIT_BLOCK_BITS;
	/* without a filter every row matches: the table's own order serves */
	if (!kind) {
		rc = query_range(&run, 0, before, err);
		goto done;
	}
	/* the unfinished block has no index rows yet: read it */
	if ((rc = query_range(&run, indexed_end, before, err)) || run.count >= run.limit)
		goto done;
	if (sqlite3_prepare_v2(st->db, "SELECT ids FROM audit_log_block WHERE block = ?3 AND kind = ?1 AND key = ?2",
			       -1, &lookup, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(st->db, "SELECT " AUDIT_COLUMNS " FROM audit_log WHERE id = ?1", -1, &run.by_id,
			       NULL) != SQLITE_OK) {
		rc = storage_sql_error(st, err, "reading audit trail");
		goto done;
	}
	sqlite3_bind_text(lookup, 1, kind, -1, SQLITE_STATIC);
	sqlite3_bind_text(lookup, 2, key, -1, SQLITE_TRANSIENT);
	for (int64_t b = ((before < indexed_end ? before : indexed_end) - 1) >> AUDIT_BLOCK_BITS; b >= 0 && !rc; b--)
		rc = query_block(&run, lookup, b, before, err);
	if (rc > 0)
		rc = 0;
done:
	sqlite3_finalize(lookup);
	sqlite3_finalize(run.by_id);
	if (own_tx)
		storage_rollback(st);
	if (rc) {
		for (size_t i = 0; i < run.count; i++)
			audit_row_release(&run.rows[i]);
		free(run.rows);
		return rc;
	}
	*rows = run.rows;
	*count = run.count;
	return 0;
}
