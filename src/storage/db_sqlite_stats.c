/*
 * storage/db_sqlite_stats.c: SQLite backend of the statistics engine's
 * storage functions (storage.h, "statistics engine"): scans of the values
 * it indexes (case fields and the derived "stat:" values), the change log
 * and high-water mark of migration 6, saved bitmaps and match-key groups.
 *
 * Writes here (raising the mark, saving bitmaps) maintain a cache, so they
 * go through a short-lived connection of their own with a short busy
 * timeout: `sanad stats` holds a read-only handle, and a busy or read-only
 * database must slow the next query down, never fail this one.
 */
#include "storage/storage_internal.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

/* The derived values.  Codes of lists case_stage, closure_reason,
 * service_type, event_type, consent_scope, case_outcome and days_band are
 * written out here: they are the vocabulary's stable codes (data/vocab.tsv). */
struct pseudo_field {
	const char *name;
	const char *sql;
};

#define FIRST_EVENT_COUNTRY(type)                                                                    \
	"(SELECT e.hte_Country FROM case_event e WHERE e.case_id = c.id AND e.hte_Type = '" type "' " \
	"AND e.hte_Country IS NOT NULL ORDER BY e.hte_Date IS NULL, e.hte_Date, e.seq LIMIT 1)"
#define DISTINCT_ITEMS(table, col)                                                                   \
	"(SELECT group_concat(v, ';') FROM (SELECT DISTINCT " col " AS v FROM " table " i "          \
	"WHERE i.case_id = c.id AND " col " IS NOT NULL))"

static const struct pseudo_field pseudo_fields[] = {
	{ "stat:service_type", DISTINCT_ITEMS("case_service", "i.snd_ServiceType") },
	{ "stat:service_mode", DISTINCT_ITEMS("case_service", "i.snd_ServiceMode") },
	{ "stat:route_transit",
	  "(SELECT group_concat(v, ';') FROM (SELECT DISTINCT i.hte_Country AS v FROM case_event i "
	  "WHERE i.case_id = c.id AND i.hte_Type = 'Transit' AND i.hte_Country IS NOT NULL))" },
	{ "stat:route_origin",
	  "coalesce(" FIRST_EVENT_COUNTRY("Recruitment") ", "
	  "nullif(substr(c.prs_Citizenship, 1, instr(c.prs_Citizenship || ';', ';') - 1), ''))" },
	{ "stat:route_destination",
	  "coalesce(c.snd_CountryOfExploitation, " FIRST_EVENT_COUNTRY("Exploitation") ")" },
	{ "stat:outcome",
	  "nullif("
	  "CASE WHEN c.snd_Stage = 'Referred' OR EXISTS (SELECT 1 FROM case_referral i WHERE i.case_id = c.id) "
	  "THEN 'Referred;' ELSE '' END || "
	  "CASE WHEN c.snd_Stage = 'Assisted' OR EXISTS (SELECT 1 FROM case_service i WHERE i.case_id = c.id) "
	  "THEN 'Assisted;' ELSE '' END || "
	  "CASE WHEN c.snd_ClosureReason = 'Returned' OR EXISTS (SELECT 1 FROM case_service i "
	  "WHERE i.case_id = c.id AND i.snd_ServiceType = 'Return') THEN 'Returned;' ELSE '' END || "
	  "CASE WHEN c.snd_ClosureReason = 'Reintegrated' OR c.snd_Stage = 'ReturnedReintegrated' OR "
	  "EXISTS (SELECT 1 FROM case_service i WHERE i.case_id = c.id AND i.snd_ServiceType = 'Reintegration') "
	  "THEN 'Reintegrated' ELSE '' END, '')" },
	{ "stat:days_to_service",
	  "(SELECT CASE WHEN d IS NULL OR d < 0 THEN NULL WHEN d <= 7 THEN '0-7' WHEN d <= 30 THEN '8-30' "
	  "WHEN d <= 90 THEN '31-90' ELSE '91+' END FROM (SELECT CAST(julianday((SELECT min(i.snd_ServiceStart) "
	  "FROM case_service i WHERE i.case_id = c.id)) - julianday(coalesce(c.snd_IdentificationDate, "
	  "c.snd_RegistrationDate)) AS INTEGER) AS d))" },
	{ "stat:consent",
	  "(SELECT CASE WHEN k.snd_ConsentGiven = 1 THEN '1' END FROM case_consent k WHERE k.case_id = c.id "
	  "AND k.snd_ConsentScope = 'StatisticalUse' ORDER BY k.snd_ConsentDate DESC, k.seq DESC LIMIT 1)" },
};

static int prep(sqlite3 *db, const char *sql, sqlite3_stmt **s, struct sanad_error *err, const char *what)
{
	if (sqlite3_prepare_v2(db, sql, -1, s, NULL) != SQLITE_OK) {
		*s = NULL;
		return sanad_error_set(err, SANAD_EDB, "%s: %s", what, sqlite3_errmsg(db));
	}
	return 0;
}

/* "SELECT c.id, <fields>" into sql; kinds[i] 1 for a boolean column.  The
 * SQL comes from the registry and the table above, never from the caller's
 * text; sealed fields are refused, so statistics never see identities. */
static int stats_select(const char *const *fields, int nfields, char *bools, struct strbuf *sql,
			struct sanad_error *err)
{
	strbuf_addstr(sql, "SELECT c.id");
	for (int i = 0; i < nfields; i++) {
		const struct field_def *f;
		int fi;
		bools[i] = 0;
		if (!strncmp(fields[i], STORAGE_STATS_FIELD_PREFIX, strlen(STORAGE_STATS_FIELD_PREFIX))) {
			size_t k, n = sizeof(pseudo_fields) / sizeof(pseudo_fields[0]);
			for (k = 0; k < n && strcmp(pseudo_fields[k].name, fields[i]); k++)
				;
			if (k == n)
				return sanad_error_set(err, SANAD_EINVAL, "unknown derived value '%s'", fields[i]);
			strbuf_addf(sql, ", %s", pseudo_fields[k].sql);
			continue;
		}
		fi = domain_field_index(GROUP_CASE, fields[i]);
		if (fi < 0)
			return sanad_error_set(err, SANAD_EINVAL, "unknown case field '%s'", fields[i]);
		f = &domain_group(GROUP_CASE)->fields[fi];
		if (storage_field_sealed(f))
			return sanad_error_set(err, SANAD_EPERM, "%s is encrypted and not available to scans",
					       fields[i]);
		if (!strcmp(f->name, "snd_Organisation"))
			strbuf_addstr(sql, ", (SELECT code FROM organisation o WHERE o.id = c.org_id)");
		else
			strbuf_addf(sql, ", c.%s", f->name);
		bools[i] = f->kind == FK_BOOL;
	}
	strbuf_addstr(sql, " FROM cases c");
	return 0;
}

static void row_values(sqlite3_stmt *s, const char *bools, int nfields, const char **values)
{
	for (int i = 0; i < nfields; i++) {
		if (sqlite3_column_type(s, i + 1) == SQLITE_NULL)
			values[i] = NULL;
		else if (bools[i])
			values[i] = sqlite3_column_int(s, i + 1) ? "true" : "false";
		else
			values[i] = (const char *)sqlite3_column_text(s, i + 1);
	}
}

struct range_part {
	const char *path, *sql;
	const char *bools;
	int nfields, index;
	int64_t lo, hi;
	stats_visit_fn fn;
	void *ctx;
	atomic_int *stop;
	int rc;
	struct sanad_error err;
};

static void *range_part_run(void *arg)
{
	struct range_part *p = arg;
	const char **values = xcalloc((size_t)p->nfields + 1, sizeof(char *));
	sqlite3 *db = NULL;
	sqlite3_stmt *s = NULL;
	int rc;

	storage_sqlite_configure();
	if (sqlite3_open_v2(p->path, &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
		p->rc = sanad_error_set(&p->err, SANAD_EDB, "indexing cases: cannot open %s: %s", p->path,
					db ? sqlite3_errmsg(db) : "out of memory");
		goto out;
	}
	sqlite3_busy_timeout(db, 5000);
	sqlite3_exec(db, "PRAGMA mmap_size = 2147418112", NULL, NULL, NULL);
	if ((p->rc = prep(db, p->sql, &s, &p->err, "indexing cases")))
		goto out;
	sqlite3_bind_int64(s, 1, p->lo);
	sqlite3_bind_int64(s, 2, p->hi);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		int stop;
		row_values(s, p->bools, p->nfields, values);
		if ((stop = p->fn(p->index, sqlite3_column_int64(s, 0), values, p->ctx))) {
			p->rc = stop;
			atomic_store(p->stop, 1);
			goto out;
		}
		if (atomic_load_explicit(p->stop, memory_order_relaxed))
			goto out;
	}
	if (rc != SQLITE_DONE) {
		p->rc = sanad_error_set(&p->err, SANAD_EDB, "indexing cases: %s", sqlite3_errmsg(db));
		atomic_store(p->stop, 1);
	}
out:
	sqlite3_finalize(s);
	sqlite3_close(db);
	free(values);
	return NULL;
}

int storage_stats_scan_range(struct storage *st, const char *const *fields, int nfields, int64_t after_id,
			     int64_t upto_id, int nparts, int64_t min_part, stats_visit_fn fn, void *ctx,
			     struct sanad_error *err)
{
	struct strbuf sql = STRBUF_INIT;
	char *bools = xcalloc((size_t)nfields + 1, 1);
	struct range_part *parts = NULL;
	pthread_t *threads = NULL;
	char *started = NULL;
	atomic_int stop = 0;
	int64_t lo = after_id + 1, hi = upto_id;
	int rc;

	if ((rc = stats_select(fields, nfields, bools, &sql, err)) || hi < lo)
		goto out;
	strbuf_addstr(&sql, " WHERE c.id BETWEEN ?1 AND ?2");
	if (nparts < 1)
		nparts = 1;
	if (min_part < 1)
		min_part = 50000; /* fewer cases are not worth a thread and a connection */
	if ((hi - lo + 1) / min_part < nparts)
		nparts = (hi - lo + 1) / min_part > 1 ? (int)((hi - lo + 1) / min_part) : 1;
	parts = xcalloc((size_t)nparts, sizeof(*parts));
	threads = xcalloc((size_t)nparts, sizeof(*threads));
	started = xcalloc((size_t)nparts, 1);
	for (int i = 0; i < nparts; i++) {
		struct range_part *p = &parts[i];
		p->path = st->path;
		p->sql = sql.buf;
		p->bools = bools;
		p->nfields = nfields;
		p->index = i;
		p->lo = lo + (hi - lo + 1) / nparts * i;
		p->hi = i == nparts - 1 ? hi : lo + (hi - lo + 1) / nparts * (i + 1) - 1;
		p->fn = fn;
		p->ctx = ctx;
		p->stop = &stop;
	}
	for (int i = 1; i < nparts; i++)
		started[i] = pthread_create(&threads[i], NULL, range_part_run, &parts[i]) == 0;
	range_part_run(&parts[0]);
	for (int i = 1; i < nparts; i++) {
		if (started[i])
			pthread_join(threads[i], NULL);
		else
			range_part_run(&parts[i]);
	}
	for (int i = 0; i < nparts && !rc; i++)
		if ((rc = parts[i].rc) && err && parts[i].err.code)
			*err = parts[i].err;
out:
	strbuf_release(&sql);
	free(bools);
	free(parts);
	free(threads);
	free(started);
	return rc;
}

int storage_stats_scan_ids(struct storage *st, const char *const *fields, int nfields, const int64_t *ids,
			   size_t nids, stats_visit_fn fn, void *ctx, struct sanad_error *err)
{
	struct strbuf sql = STRBUF_INIT;
	char *bools = xcalloc((size_t)nfields + 1, 1);
	const char **values = xcalloc((size_t)nfields + 1, sizeof(char *));
	sqlite3_stmt *s = NULL;
	int rc;

	if ((rc = stats_select(fields, nfields, bools, &sql, err)) || !nids)
		goto out;
	strbuf_addstr(&sql, " WHERE c.id = ?1");
	if ((rc = prep(st->db, sql.buf, &s, err, "reading changed cases")))
		goto out;
	for (size_t k = 0; k < nids && !rc; k++) {
		sqlite3_bind_int64(s, 1, ids[k]);
		if ((rc = sqlite3_step(s)) == SQLITE_ROW) {
			row_values(s, bools, nfields, values);
			rc = fn(0, ids[k], values, ctx);
		} else if (rc == SQLITE_DONE) {
			rc = 0;
		} else {
			rc = storage_sql_error(st, err, "reading changed cases");
		}
		sqlite3_reset(s);
	}
out:
	sqlite3_finalize(s);
	strbuf_release(&sql);
	free(bools);
	free(values);
	return rc;
}

/* A connection of our own for the cache's writes: waits briefly for the
 * write lock, then gives up (the caller carries on without the cache). */
static int cache_writer(struct storage *st, sqlite3 **db)
{
	storage_sqlite_configure();
	if (sqlite3_open_v2(st->path, db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
		sqlite3_close(*db);
		*db = NULL;
		return SANAD_EDB;
	}
	sqlite3_busy_timeout(*db, 250);
	if (sqlite3_exec(*db, "PRAGMA synchronous = NORMAL; BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK) {
		sqlite3_close(*db);
		*db = NULL;
		return SANAD_EDB;
	}
	return 0;
}

static int cache_commit(sqlite3 *db, int ok)
{
	int rc = sqlite3_exec(db, ok ? "COMMIT" : "ROLLBACK", NULL, NULL, NULL) == SQLITE_OK && ok ? 0 : SANAD_EDB;
	if (rc && ok)
		sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
	sqlite3_close(db);
	return rc;
}

static int read_state(sqlite3 *db, struct storage_stats_state *out, struct sanad_error *err)
{
	sqlite3_stmt *s;
	int rc;
	if ((rc = prep(db,
		       "SELECT (SELECT mark FROM stats_mark WHERE id = 1), "
		       "coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'stats_change'), 0), "
		       "coalesce((SELECT max(id) FROM cases), 0), "
		       "coalesce((SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'stats_pruned'), 0)",
		       &s, err, "reading the statistics state")))
		return rc;
	if (sqlite3_step(s) == SQLITE_ROW) {
		out->mark = sqlite3_column_int64(s, 0);
		out->seq = sqlite3_column_int64(s, 1);
		out->max_id = sqlite3_column_int64(s, 2);
		out->pruned = sqlite3_column_int64(s, 3);
		rc = 0;
	} else {
		rc = sanad_error_set(err, SANAD_EDB, "reading the statistics state: %s", sqlite3_errmsg(db));
	}
	sqlite3_finalize(s);
	return rc;
}

int storage_stats_state(struct storage *st, int raise, struct storage_stats_state *out,
			struct sanad_error *err)
{
	int rc;
	memset(out, 0, sizeof(*out));
	if ((rc = read_state(st->db, out, err)))
		return rc;
	if (raise && out->max_id > out->mark && !storage_in_transaction(st)) {
		sqlite3 *db;
		struct storage_stats_state now;
		if (!cache_writer(st, &db)) {
			int ok = sqlite3_exec(db,
					      "UPDATE stats_mark SET mark = max(mark, coalesce((SELECT max(id) FROM cases), 0)) "
					      "WHERE id = 1", NULL, NULL, NULL) == SQLITE_OK;
			/* read back under the same lock: the state the caller builds on */
			ok = ok && !read_state(db, &now, NULL);
			if (!cache_commit(db, ok))
				*out = now;
		}
	}
	return 0;
}

int storage_stats_mark_raise_within(struct storage *st, int64_t after_id, int64_t *n, struct sanad_error *err)
{
	sqlite3_stmt *s;
	int rc;

	*n = 0;
	if (!storage_in_transaction(st))
		return sanad_error_set(err, SANAD_EINVAL, "internal: the statistics mark is raised inside a transaction");
	if (sqlite3_exec(st->db,
			 "UPDATE stats_mark SET mark = max(mark, coalesce((SELECT max(id) FROM cases), 0)) WHERE id = 1",
			 NULL, NULL, NULL) != SQLITE_OK)
		return storage_sql_error(st, err, "raising the statistics mark");
	if ((rc = prep(st->db, "SELECT count(*) FROM cases WHERE id > ?1", &s, err, "counting the new cases")))
		return rc;
	sqlite3_bind_int64(s, 1, after_id);
	rc = sqlite3_step(s);
	*n = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	return rc == SQLITE_ROW ? 0 : storage_sql_error(st, err, "counting the new cases");
}

int storage_stats_changes(struct storage *st, int64_t after_seq, int64_t upto_seq, int64_t max_id,
			  int64_t **ids, size_t *n, struct sanad_error *err)
{
	sqlite3_stmt *s;
	size_t alloc = 0;
	int rc;

	*ids = NULL;
	*n = 0;
	if (upto_seq <= after_seq)
		return 0;
	if ((rc = prep(st->db,
		       "SELECT DISTINCT case_id FROM stats_change WHERE seq > ?1 AND seq <= ?2 AND case_id <= ?3 "
		       "ORDER BY case_id", &s, err, "reading the statistics change log")))
		return rc;
	sqlite3_bind_int64(s, 1, after_seq);
	sqlite3_bind_int64(s, 2, upto_seq);
	sqlite3_bind_int64(s, 3, max_id);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		ALLOC_GROW(*ids, *n + 1, alloc);
		(*ids)[(*n)++] = sqlite3_column_int64(s, 0);
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE) {
		free(*ids);
		*ids = NULL;
		*n = 0;
		return storage_sql_error(st, err, "reading the statistics change log");
	}
	return 0;
}

int storage_stats_bitmap_load(struct storage *st, const char *const *dims, int n,
			      const char *const *const *only, const int *nonly, stats_bitmap_fn fn,
			      void *ctx, int64_t *marks, int64_t *seqs, struct sanad_error *err)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *state = NULL, *rows = NULL, *one = NULL;
	int rc = 0;

	for (int k = 0; k < n; k++)
		marks[k] = seqs[k] = -1;
	storage_sqlite_configure();
	if (sqlite3_open_v2(st->path, &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
		rc = sanad_error_set(err, SANAD_EDB, "reading saved statistics: cannot open %s", st->path);
		goto out;
	}
	sqlite3_busy_timeout(db, 5000);
	sqlite3_exec(db, "PRAGMA mmap_size = 2147418112", NULL, NULL, NULL);
	/* state and bitmaps in one snapshot: a saver may replace both */
	if (sqlite3_exec(db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK ||
	    (rc = prep(db, "SELECT mark, seq FROM stats_bitmap_state WHERE dim = ?1", &state, err,
		       "reading saved statistics")) ||
	    (rc = prep(db, "SELECT code, bitmap FROM stats_bitmap WHERE dim = ?1", &rows, err,
		       "reading saved statistics")) ||
	    (rc = prep(db, "SELECT code, bitmap FROM stats_bitmap WHERE dim = ?1 AND code = ?2", &one, err,
		       "reading saved statistics"))) {
		if (!rc)
			rc = sanad_error_set(err, SANAD_EDB, "reading saved statistics: %s", sqlite3_errmsg(db));
		goto out;
	}
	for (int k = 0; k < n && !rc; k++) {
		int step;
		sqlite3_bind_text(state, 1, dims[k], -1, SQLITE_STATIC);
		if (sqlite3_step(state) == SQLITE_ROW) {
			marks[k] = sqlite3_column_int64(state, 0);
			seqs[k] = sqlite3_column_int64(state, 1);
		}
		sqlite3_reset(state);
		if (marks[k] < 0)
			continue;
		for (int c = 0; c < (only && only[k] ? nonly[k] : 1) && !rc; c++) {
			sqlite3_stmt *s = only && only[k] ? one : rows;
			sqlite3_bind_text(s, 1, dims[k], -1, SQLITE_STATIC);
			if (s == one)
				sqlite3_bind_text(s, 2, only[k][c], -1, SQLITE_STATIC);
			while ((step = sqlite3_step(s)) == SQLITE_ROW) {
				if ((rc = fn(k, (const char *)sqlite3_column_text(s, 0), sqlite3_column_blob(s, 1),
					     (size_t)sqlite3_column_bytes(s, 1), ctx)))
					break;
			}
			if (!rc && step != SQLITE_DONE)
				rc = sanad_error_set(err, SANAD_EDB, "reading saved statistics: %s", sqlite3_errmsg(db));
			sqlite3_reset(s);
		}
	}
out:
	sqlite3_finalize(state);
	sqlite3_finalize(rows);
	sqlite3_finalize(one);
	if (db)
		sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
	sqlite3_close(db);
	return rc;
}

int storage_stats_bitmap_save(struct storage *st, const char *dim, size_t n, const char *const *codes,
			      const void *const *blobs, const size_t *lens, int64_t mark, int64_t seq,
			      struct sanad_error *err)
{
	sqlite3 *db;
	sqlite3_stmt *s = NULL;
	int ok = 1, within = storage_in_transaction(st);

	/* inside st's transaction (a bulk import that fed the indexes): saved
	 * with it, under a savepoint so that a failure leaves nothing half
	 * written; otherwise on a connection of its own */
	if (within) {
		db = st->db;
		if (sqlite3_exec(db, "SAVEPOINT stats_save", NULL, NULL, NULL) != SQLITE_OK)
			return storage_sql_error(st, err, "saving statistics");
	} else if (cache_writer(st, &db)) {
		return sanad_error_set(err, SANAD_EDB, "saving statistics: %s is busy or read-only", st->path);
	}
	if (sqlite3_prepare_v2(db, "DELETE FROM stats_bitmap WHERE dim = ?1", -1, &s, NULL) == SQLITE_OK) {
		sqlite3_bind_text(s, 1, dim, -1, SQLITE_STATIC);
		ok = sqlite3_step(s) == SQLITE_DONE;
	} else {
		ok = 0;
	}
	sqlite3_finalize(s);
	s = NULL;
	if (ok && sqlite3_prepare_v2(db, "INSERT INTO stats_bitmap (dim, code, bitmap) VALUES (?1, ?2, ?3)", -1, &s,
				     NULL) != SQLITE_OK)
		ok = 0;
	for (size_t i = 0; ok && i < n; i++) {
		sqlite3_bind_text(s, 1, dim, -1, SQLITE_STATIC);
		sqlite3_bind_text(s, 2, codes[i] ? codes[i] : "", -1, SQLITE_STATIC);
		sqlite3_bind_blob64(s, 3, blobs[i], lens[i], SQLITE_STATIC);
		ok = sqlite3_step(s) == SQLITE_DONE;
		sqlite3_reset(s);
	}
	sqlite3_finalize(s);
	s = NULL;
	if (ok && sqlite3_prepare_v2(db, "INSERT OR REPLACE INTO stats_bitmap_state (dim, mark, seq) VALUES (?1, ?2, ?3)",
				     -1, &s, NULL) == SQLITE_OK) {
		sqlite3_bind_text(s, 1, dim, -1, SQLITE_STATIC);
		sqlite3_bind_int64(s, 2, mark);
		sqlite3_bind_int64(s, 3, seq);
		ok = sqlite3_step(s) == SQLITE_DONE;
	} else {
		ok = 0;
	}
	sqlite3_finalize(s);
	/* The log before the oldest saved set is read by nobody who can still
	 * use it: an engine in memory that is behind it sees stats_pruned and
	 * reloads from the saved sets instead. */
	if (ok)
		ok = sqlite3_exec(db,
				  "INSERT OR REPLACE INTO meta (key, value) SELECT 'stats_pruned', "
				  "CAST(max(coalesce((SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'stats_pruned'), 0), "
				  "(SELECT min(seq) FROM stats_bitmap_state)) AS TEXT);"
				  "DELETE FROM stats_change WHERE seq <= (SELECT CAST(value AS INTEGER) FROM meta "
				  "WHERE key = 'stats_pruned');",
				  NULL, NULL, NULL) == SQLITE_OK;
	if (within) {
		if (!ok)
			sqlite3_exec(db, "ROLLBACK TO stats_save", NULL, NULL, NULL);
		sqlite3_exec(db, "RELEASE stats_save", NULL, NULL, NULL);
		return ok ? 0 : sanad_error_set(err, SANAD_EDB, "saving statistics of %s failed", dim);
	}
	if (cache_commit(db, ok))
		return sanad_error_set(err, SANAD_EDB, "saving statistics of %s failed", dim);
	return 0;
}

int storage_stats_duplicates(struct storage *st, stats_dup_fn fn, void *ctx, struct sanad_error *err)
{
	sqlite3_stmt *s;
	int64_t key = -1;
	const unsigned char *last = NULL;
	char *prev = NULL;
	int rc, stop = 0;

	if ((rc = prep(st->db,
		       "SELECT c.match_key, c.id FROM cases c WHERE c.match_key IN (SELECT match_key FROM cases "
		       "WHERE match_key IS NOT NULL GROUP BY match_key HAVING count(*) > 1) ORDER BY c.match_key, c.id",
		       &s, err, "reading match keys")))
		return rc;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		last = sqlite3_column_text(s, 0);
		if (!prev || strcmp(prev, (const char *)last)) {
			free(prev);
			prev = xstrdup((const char *)last);
			key++;
		}
		if ((stop = fn(key, sqlite3_column_int64(s, 1), ctx)))
			break;
	}
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		rc = storage_sql_error(st, err, "reading match keys");
	else
		rc = stop;
	sqlite3_finalize(s);
	free(prev);
	return rc;
}

int storage_case_set_match_key(struct storage *st, int64_t id, const char *key, struct sanad_error *err)
{
	sqlite3_stmt *s;
	int rc;
	if ((rc = prep(st->db, "UPDATE cases SET match_key = ?1 WHERE id = ?2", &s, err, "setting a match key")))
		return rc;
	if (key)
		sqlite3_bind_text(s, 1, key, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 2, id);
	rc = sqlite3_step(s);
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE)
		return storage_sql_error(st, err, "setting a match key");
	if (sqlite3_changes(st->db) != 1)
		return sanad_error_set(err, SANAD_ENOTFOUND, "no case with id %lld", (long long)id);
	return 0;
}
