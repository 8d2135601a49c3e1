/*
 * storage/db_sqlite.c: the SQLite backend of storage.h.
 *
 * Statements that run per case (insert, child inserts) are prepared once per
 * connection and reused; their SQL is assembled from the registry's field
 * names, which are constants of the program, never from input.  Values are
 * always bound.
 */
#include "storage/storage_internal.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>


static int db_error(struct storage *st, struct sanad_error *err, const char *what)
{
	return sanad_error_set(err, SANAD_EDB, "%s: %s", what, sqlite3_errmsg(st->db));
}

static int exec_sql(struct storage *st, const char *sql, struct sanad_error *err)
{
	char *msg = NULL;
	if (sqlite3_exec(st->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		int rc = sanad_error_set(err, SANAD_EDB, "database: %s", msg ? msg : "error");
		sqlite3_free(msg);
		return rc;
	}
	return 0;
}

static int prepare(struct storage *st, const char *sql, sqlite3_stmt **stmt, struct sanad_error *err)
{
	if (sqlite3_prepare_v3(st->db, sql, -1, SQLITE_PREPARE_PERSISTENT, stmt, NULL) != SQLITE_OK)
		return db_error(st, err, "preparing statement");
	return 0;
}

/* A statement of storage_case_each, kept prepared by its SQL text: a list
 * page prepared two statements of a hundred columns each time, a tenth of
 * its cost.  *cached says whether s must go back with stmt_release. */
static int stmt_take(struct storage *st, const char *sql, sqlite3_stmt **s, int *cached, struct sanad_error *err)
{
	struct stmt_slot *free_slot = NULL;
	*cached = 0;
	for (int i = 0; i < STORAGE_STMT_SLOTS; i++) {
		struct stmt_slot *slot = &st->stmt_slots[i];
		if (slot->sql && !slot->busy && !strcmp(slot->sql, sql)) {
			slot->busy = 1;
			slot->used = ++st->stmt_clock;
			*s = slot->s;
			*cached = 1;
			return 0;
		}
		if (!slot->busy && (!free_slot || slot->used < free_slot->used))
			free_slot = slot; /* empty, or least recently used */
	}
	if (prepare(st, sql, s, err))
		return err->code;
	if (free_slot) { /* every slot busy: a nested walk keeps its own */
		sqlite3_finalize(free_slot->s);
		free(free_slot->sql);
		free_slot->sql = xstrdup(sql);
		free_slot->s = *s;
		free_slot->busy = 1;
		free_slot->used = ++st->stmt_clock;
		*cached = 1;
	}
	return 0;
}

static void stmt_release(struct storage *st, sqlite3_stmt *s, int cached)
{
	if (!s)
		return;
	if (!cached) {
		sqlite3_finalize(s);
		return;
	}
	sqlite3_reset(s); /* holds no read snapshot between walks */
	sqlite3_clear_bindings(s);
	for (int i = 0; i < STORAGE_STMT_SLOTS; i++)
		if (st->stmt_slots[i].s == s)
			st->stmt_slots[i].busy = 0;
}

static int user_version(struct storage *st)
{
	sqlite3_stmt *s;
	int v = -1;
	if (sqlite3_prepare_v2(st->db, "PRAGMA user_version", -1, &s, NULL) == SQLITE_OK) {
		if (sqlite3_step(s) == SQLITE_ROW)
			v = sqlite3_column_int(s, 0);
		sqlite3_finalize(s);
	}
	return v;
}

int storage_schema_latest(void)
{
	return storage_migrations[storage_migration_count - 1].version;
}

int storage_schema_version(struct storage *st)
{
	return user_version(st);
}

/* Foreign keys a rebuild left broken: an error naming the first. */
static int foreign_keys_intact(struct storage *st, struct sanad_error *err)
{
	sqlite3_stmt *s;
	int rc;
	if (prepare(st, "PRAGMA foreign_key_check", &s, err))
		return err->code;
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		rc = sanad_error_set(err, SANAD_EDB, "row %lld of %s refers to a missing row of %s",
				     (long long)sqlite3_column_int64(s, 1), (const char *)sqlite3_column_text(s, 0),
				     (const char *)sqlite3_column_text(s, 2));
	else
		rc = rc == SQLITE_DONE ? 0 : db_error(st, err, "checking foreign keys");
	sqlite3_finalize(s);
	return rc;
}

static int migrate_one(struct storage *st, const struct migration *m, struct sanad_error *err)
{
	char pragma[64];
	if (exec_sql(st, "BEGIN IMMEDIATE", err))
		return err->code;
	/* another process may have migrated while we waited for the lock */
	if (user_version(st) >= m->version) {
		exec_sql(st, "COMMIT", NULL);
		return 0;
	}
	snprintf(pragma, sizeof(pragma), "PRAGMA user_version = %d", m->version);
	if (exec_sql(st, m->sql, err) || (m->step && m->step(st->db, err)) ||
	    (m->rebuilds && foreign_keys_intact(st, err)) || exec_sql(st, pragma, err)) {
		sanad_error_prefix(err, "migration %d (%s): ", m->version, m->summary);
		exec_sql(st, "ROLLBACK", NULL);
		return err->code;
	}
	return exec_sql(st, "COMMIT", err) ? err->code : 0;
}

static int migrate(struct storage *st, struct sanad_error *err)
{
	int v = user_version(st);
	if (v < 0)
		return db_error(st, err, "reading schema version");
	if (v > storage_schema_latest())
		return sanad_error_set(err, SANAD_EDB,
				       "database schema version %d is newer than this sanad (%d); upgrade sanad",
				       v, storage_schema_latest());
	for (int i = 0; i < storage_migration_count; i++) {
		const struct migration *m = &storage_migrations[i];
		int rc;
		if (m->version <= v)
			continue;
		/* (a no-op inside a transaction, so before it) */
		if (m->rebuilds && exec_sql(st, "PRAGMA foreign_keys = OFF", err))
			return err->code;
		rc = migrate_one(st, m, err);
		if (m->rebuilds && exec_sql(st, "PRAGMA foreign_keys = ON", rc ? NULL : err))
			rc = rc ? rc : err->code;
		if (rc)
			return rc;
	}
	return 0;
}

static char *child_insert_sql(enum group_id g)
{
	const struct group_def *gd = domain_group(g);
	struct strbuf sb = STRBUF_INIT;
	strbuf_addf(&sb, "INSERT INTO %s (case_id, seq", gd->table);
	for (int i = 0; i < gd->nfields; i++)
		strbuf_addf(&sb, ", %s", gd->fields[i].name);
	strbuf_addstr(&sb, ") VALUES (?, ?");
	for (int i = 0; i < gd->nfields; i++)
		strbuf_addstr(&sb, ", ?");
	strbuf_addch(&sb, ')');
	return strbuf_detach(&sb);
}

/* Case columns are the registry's case fields except snd_Organisation,
 * which is stored as org_id. */
static int is_org_field(const struct field_def *f)
{
	return !strcmp(f->name, "snd_Organisation");
}

/* The column a case field is kept in: snd_CaseRef in case_ref_given, and
 * only when given (migration 10; read as STORAGE_CASE_REF). */
static const char *case_column(const struct field_def *f)
{
	return strcmp(f->name, "snd_CaseRef") ? f->name : "case_ref_given";
}

static char *case_insert_sql(void)
{
	const struct group_def *gd = domain_group(GROUP_CASE);
	struct strbuf sb = STRBUF_INIT;
	int n = 0;
	strbuf_addstr(&sb, "INSERT INTO cases (id, org_id, created_at, updated_at");
	for (int i = 0; i < gd->nfields; i++)
		if (!is_org_field(&gd->fields[i])) {
			strbuf_addf(&sb, ", %s", case_column(&gd->fields[i]));
			n++;
		}
	strbuf_addstr(&sb, ") VALUES (?, ?, ?3, ?3");
	while (n--)
		strbuf_addstr(&sb, ", ?");
	strbuf_addch(&sb, ')');
	return strbuf_detach(&sb);
}

/* Tries of PRAGMA journal_mode = WAL, 100 ms apart: see journal_to_wal. */
#define WAL_SWITCH_TRIES 50

/* Put the file in WAL (it stays so: the first open does the work).  A
 * large import that had the file to itself runs under a rollback journal
 * (storage_begin_bulk); meanwhile the switch cannot take the lock it needs,
 * and SQLite answers busy at once rather than through the busy handler
 * (waiting while holding a shared lock could deadlock).  So wait here, as
 * long as the busy timeout, then say what is going on. */
static int journal_to_wal(struct storage *st, struct sanad_error *err)
{
	for (int tries = 0;; tries++) {
		int rc = sqlite3_exec(st->db, "PRAGMA journal_mode = WAL", NULL, NULL, NULL);
		if (rc == SQLITE_OK)
			return 0;
		if ((rc & 0xff) != SQLITE_BUSY && (rc & 0xff) != SQLITE_LOCKED)
			return storage_sql_error(st, err, "setting the write-ahead log");
		if (tries == WAL_SWITCH_TRIES)
			return sanad_error_set(err, SANAD_EDB,
					       "%s is busy: another process is writing to it without the write-ahead log "
					       "(a large import: see docs/operations.md); try again when it has finished",
					       st->path);
		usleep(100 * 1000);
	}
}

int storage_open(struct storage **out, const char *path, unsigned flags, struct sanad_error *err)
{
	return storage_open_keyed(out, path, flags, NULL, err);
}

static int coalesce_vfs_ready;

static void sqlite_configure(void)
{
	/* SQLite counts every allocation under one process-wide mutex unless
	 * told not to; the server's worker threads and its audit copier each
	 * have their own connection, and nothing here reads the counts
	 * (sqlite3_memory_used), so they only contended for that lock. */
	sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
	coalesce_vfs_ready = storage_coalesce_vfs_register();
}

void storage_sqlite_configure(void)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	pthread_once(&once, sqlite_configure);
}

int storage_open_keyed(struct storage **out, const char *path, unsigned flags, const char *key_path,
		       struct sanad_error *err)
{
	struct storage *st;
	struct stat sb;
	int oflags = SQLITE_OPEN_NOMUTEX;
	int rc;

	*out = NULL;
	if (flags & STORAGE_CREATE) {
		if (stat(path, &sb) == 0)
			return sanad_error_set(err, SANAD_EEXIST,
					       "%s already exists; refusing to overwrite a database", path);
		if ((rc = storage_key_absent(path, key_path, err)))
			return rc;
		oflags |= SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
	} else {
		if (stat(path, &sb) != 0)
			return sanad_error_set(err, SANAD_ENOTFOUND,
					       "no database at %s (create one with 'sanad init --db %s')",
					       path, path);
		oflags |= (flags & STORAGE_READONLY) ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE;
	}
	rc = vocab_load(err);
	if (rc)
		return rc;
	st = xcalloc(1, sizeof(*st));
	st->path = xstrdup(path);
	storage_sqlite_configure();
	if (sqlite3_open_v2(path, &st->db, oflags, coalesce_vfs_ready ? SANAD_VFS : NULL) != SQLITE_OK) {
		rc = sanad_error_set(err, SANAD_EDB, "cannot open %s: %s", path,
				     st->db ? sqlite3_errmsg(st->db) : "out of memory");
		storage_close(st);
		return rc;
	}
	sqlite3_extended_result_codes(st->db, 1);
	sqlite3_busy_timeout(st->db, 5000);
	if (storage_audit_register(st->db) != SQLITE_OK) {
		rc = db_error(st, err, "registering functions");
		goto fail;
	}
	if (flags & STORAGE_CREATE)
		chmod(path, 0600); /* victim data: owner only */
	if (!(flags & STORAGE_READONLY)) {
		if ((rc = journal_to_wal(st, err)))
			goto fail;
	} else {
		/* a read-only open must still be able to read a WAL database */
	}
	if ((rc = exec_sql(st, "PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON;"
			       "PRAGMA secure_delete = ON; PRAGMA cache_size = -65536;"
			       "PRAGMA temp_store = MEMORY", err)))
		goto fail;
	if (!(flags & STORAGE_CREATE) && user_version(st) == 0) {
		/* never migrate somebody else's SQLite file into a Sanad one */
		rc = sanad_error_set(err, SANAD_EDB, "%s is not a Sanad database", path);
		goto fail;
	}
	if ((flags & STORAGE_READONLY)) {
		int v = user_version(st);
		if (v != storage_schema_latest()) {
			rc = sanad_error_set(err, SANAD_EDB,
					     "%s has schema version %d, this sanad needs %d: upgrade it in place with a command that writes, such as 'sanad org list' (after a backup)",
					     path, v, storage_schema_latest());
			goto fail;
		}
	} else if ((rc = migrate(st, err))) {
		goto fail;
	}
	if ((rc = storage_key_setup(st, flags, key_path, err)))
		goto fail;
	*out = st;
	return 0;
fail:
	storage_close(st);
	if (flags & STORAGE_CREATE) { /* a half-made database is no database */
		char side[4200];
		unlink(path);
		snprintf(side, sizeof(side), "%s-wal", path);
		unlink(side);
		snprintf(side, sizeof(side), "%s-shm", path);
		unlink(side);
	}
	return rc;
}

static void finalize_all(sqlite3_stmt **stmts, int n);

const char *storage_path(struct storage *st)
{
	return st->path;
}

void storage_close(struct storage *st)
{
	if (!st)
		return;
	sqlite3_finalize(st->insert_case);
	storage_insert_shapes_free(st);
	for (int g = 0; g < GROUP_COUNT; g++)
		sqlite3_finalize(st->insert_child[g]);
	sqlite3_finalize(st->org_by_code);
	sqlite3_finalize(st->case_by_ref);
	finalize_all(st->case_children, GROUP_COUNT);
	finalize_all(st->hot, STORAGE_HOT_COUNT);
	for (int i = 0; i < STORAGE_STMT_SLOTS; i++) {
		sqlite3_finalize(st->stmt_slots[i].s);
		free(st->stmt_slots[i].sql);
	}
	storage_crypto_close(st);
	storage_writeback_stop(st->writeback); /* a bulk transaction never ended */
	st->writeback = NULL;
	if (st->db) {
		/* every statement must be finalised by now: a leftover one is a bug */
		sqlite3_stmt *left = sqlite3_next_stmt(st->db, NULL);
		if (left)
			fprintf(stderr, "sanad: internal: statement left open at close: %s\n",
				sqlite3_sql(left));
		sqlite3_close(st->db);
	}
	free(st->cached_org_code);
	free(st->path);
	free(st);
}

int storage_begin(struct storage *st, struct sanad_error *err)
{
	st->next_id = 0; /* another writer may have added cases since */
	return exec_sql(st, "BEGIN IMMEDIATE", err);
}

/* How long a direct bulk commit waits for readers, in busy timeouts of 5 s:
 * the readers that opened the file after the import began hold shared
 * locks, and a failed COMMIT would lose the whole import. */
#define BULK_COMMIT_TRIES 24

int storage_commit(struct storage *st, struct sanad_error *err)
{
	int rc = exec_sql(st, "COMMIT", err);
	/* COMMIT that failed busy leaves the transaction open and may be
	 * retried; its PENDING lock lets no new reader in meanwhile */
	for (int tries = 1; rc && st->bulk_direct && tries < BULK_COMMIT_TRIES &&
	     (sqlite3_extended_errcode(st->db) & 0xff) == SQLITE_BUSY; tries++)
		rc = exec_sql(st, "COMMIT", err);
	if (!rc && st->bulk)
		storage_bulk_end(st);
	return rc;
}

void storage_rollback(struct storage *st)
{
	if (!sqlite3_get_autocommit(st->db))
		exec_sql(st, "ROLLBACK", NULL);
	st->next_id = 0;
	if (st->bulk)
		storage_bulk_end(st);
}

int storage_meta_get(struct storage *st, const char *key, char **value, struct sanad_error *err)
{
	sqlite3_stmt *s;
	int rc;
	*value = NULL;
	if (sqlite3_prepare_v2(st->db, "SELECT value FROM meta WHERE key = ?", -1, &s, NULL) != SQLITE_OK)
		return db_error(st, err, "reading setting");
	sqlite3_bind_text(s, 1, key, -1, SQLITE_STATIC);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		*value = xstrdup((const char *)sqlite3_column_text(s, 0));
	sqlite3_finalize(s);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : db_error(st, err, "reading setting");
}

int storage_meta_set(struct storage *st, const char *key, const char *value, struct sanad_error *err)
{
	sqlite3_stmt *s;
	int rc;
	if (sqlite3_prepare_v2(st->db, "INSERT INTO meta(key, value) VALUES (?, ?) "
				       "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
			       -1, &s, NULL) != SQLITE_OK)
		return db_error(st, err, "writing setting");
	sqlite3_bind_text(s, 1, key, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, value, -1, SQLITE_STATIC);
	rc = sqlite3_step(s);
	sqlite3_finalize(s);
	return rc == SQLITE_DONE ? 0 : db_error(st, err, "writing setting");
}

/* ---- organisations ---- */

void organisation_release(struct organisation *o)
{
	free(o->code);
	free(o->name);
	free(o->name_ar);
	free(o->org_type);
	free(o->country);
	memset(o, 0, sizeof(*o));
}

static char *col_dup(sqlite3_stmt *s, int i)
{
	const unsigned char *t = sqlite3_column_text(s, i);
	return t ? xstrdup((const char *)t) : NULL;
}

#define ORG_COLUMNS "id, code, name, name_ar, org_type, country, in_pool, own_cases_only"

static void org_from_row(sqlite3_stmt *s, struct organisation *o)
{
	o->id = sqlite3_column_int64(s, 0);
	o->code = col_dup(s, 1);
	o->name = col_dup(s, 2);
	o->name_ar = col_dup(s, 3);
	o->org_type = col_dup(s, 4);
	o->country = col_dup(s, 5);
	o->in_pool = sqlite3_column_int(s, 6);
	o->own_cases_only = sqlite3_column_int(s, 7);
}

static int bind_opt(sqlite3_stmt *s, int i, const char *v)
{
	return v ? sqlite3_bind_text(s, i, v, -1, SQLITE_TRANSIENT) : sqlite3_bind_null(s, i);
}

int storage_org_add(struct storage *st, struct organisation *o, struct sanad_error *err)
{
	sqlite3_stmt *s;
	int rc;

	if (!o->code || !*o->code || !o->name || !*o->name)
		return sanad_error_set(err, SANAD_EINVAL, "an organisation needs a code and a name");
	for (const char *p = o->code; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
		      *p == '-' || *p == '_' || *p == '.') || p - o->code >= 64)
			return sanad_error_set(err, SANAD_EINVAL,
					       "organisation code '%.70s': use up to 64 letters, digits, '-', '_' or '.'",
					       o->code);
	if (o->org_type && !vocab_find("org_type", o->org_type))
		return sanad_error_set(err, SANAD_EINVAL, "org_type: '%s' is not a value of list 'org_type'",
				       o->org_type);
	if (o->country && !vocab_find("country", o->country))
		return sanad_error_set(err, SANAD_EINVAL, "country: '%s' is not an ISO 3166 country code",
				       o->country);
	if (prepare(st, "INSERT INTO organisation (code, name, name_ar, org_type, country, in_pool, "
			"own_cases_only) VALUES (?, ?, ?, ?, ?, ?, ?)", &s, err))
		return err->code;
	bind_opt(s, 1, o->code);
	bind_opt(s, 2, o->name);
	bind_opt(s, 3, o->name_ar);
	bind_opt(s, 4, o->org_type ? vocab_find("org_type", o->org_type)->code : NULL);
	bind_opt(s, 5, o->country ? vocab_find("country", o->country)->code : NULL);
	sqlite3_bind_int(s, 6, o->in_pool != 0);
	sqlite3_bind_int(s, 7, o->own_cases_only != 0);
	rc = sqlite3_step(s);
	sqlite3_finalize(s);
	if (rc == SQLITE_CONSTRAINT_UNIQUE)
		return sanad_error_set(err, SANAD_EEXIST, "organisation '%s' already exists", o->code);
	if (rc != SQLITE_DONE)
		return db_error(st, err, "adding organisation");
	o->id = sqlite3_last_insert_rowid(st->db);
	return 0;
}

int storage_org_get(struct storage *st, const char *code, struct organisation *o,
		    struct sanad_error *err)
{
	sqlite3_stmt *s;
	int rc;
	memset(o, 0, sizeof(*o));
	if (!st->org_by_code &&
	    prepare(st, "SELECT " ORG_COLUMNS " FROM organisation WHERE code = ?", &st->org_by_code, err))
		return err->code;
	s = st->org_by_code;
	sqlite3_bind_text(s, 1, code, -1, SQLITE_TRANSIENT);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		org_from_row(s, o);
	sqlite3_reset(s);
	if (rc == SQLITE_ROW)
		return 0;
	if (rc == SQLITE_DONE)
		return sanad_error_set(err, SANAD_ENOTFOUND, "no organisation with code '%.64s'", code);
	return db_error(st, err, "finding organisation");
}

int storage_org_list(struct storage *st, struct organisation **list, size_t *count,
		     struct sanad_error *err)
{
	sqlite3_stmt *s;
	size_t alloc = 0;
	int rc;
	*list = NULL;
	*count = 0;
	if (prepare(st, "SELECT " ORG_COLUMNS " FROM organisation ORDER BY code", &s, err))
		return err->code;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		ALLOC_GROW(*list, *count + 1, alloc);
		memset(&(*list)[*count], 0, sizeof(**list));
		org_from_row(s, &(*list)[(*count)++]);
	}
	sqlite3_finalize(s);
	return rc == SQLITE_DONE ? 0 : db_error(st, err, "listing organisations");
}

static int org_id_for(struct storage *st, const char *code, int64_t *id, struct sanad_error *err)
{
	struct organisation o;
	int rc;
	if (!code)
		return sanad_error_set(err, SANAD_EINVAL, "snd_Organisation: a case must belong to an organisation");
	if (st->cached_org_code && !strcmp(st->cached_org_code, code)) {
		*id = st->cached_org_id;
		return 0;
	}
	rc = storage_org_get(st, code, &o, err);
	if (rc) {
		if (rc == SANAD_ENOTFOUND)
			rc = sanad_error_set(err, SANAD_EINVAL,
					"snd_Organisation: no organisation with code '%.64s' (add it with 'sanad org add')",
					code);
		return rc;
	}
	free(st->cached_org_code);
	st->cached_org_code = xstrdup(code);
	st->cached_org_id = *id = o.id;
	organisation_release(&o);
	return 0;
}

/* ---- cases ---- */

/* The number an FK_INT value holds, as strtoll reads it; the plain digits
 * of a year or an age without the call, which cost a bulk import's writing
 * thread 160 instructions a row. */
static inline int64_t int_value(const char *v)
{
	int64_t n = 0;
	int k;

	for (k = 0; k < 18 && v[k] >= '0' && v[k] <= '9'; k++)
		n = n * 10 + (v[k] - '0');
	return k && !v[k] ? n : strtoll(v, NULL, 10);
}

static void bind_value(sqlite3_stmt *s, int col, const struct field_def *f, const char *v)
{
	if (!v) {
		sqlite3_bind_null(s, col);
	} else if (f->kind == FK_INT) {
		sqlite3_bind_int64(s, col, int_value(v));
	} else if (f->kind == FK_BOOL) {
		sqlite3_bind_int(s, col, !strcmp(v, "true"));
	} else {
		sqlite3_bind_text(s, col, v, -1, SQLITE_STATIC);
	}
}

static char *column_value(sqlite3_stmt *s, int col, const struct field_def *f)
{
	if (sqlite3_column_type(s, col) == SQLITE_NULL)
		return NULL;
	if (f->kind == FK_BOOL)
		return xstrdup(sqlite3_column_int(s, col) ? "true" : "false");
	return col_dup(s, col);
}

/* The current time as stored in created_at/updated_at: Unix seconds, 4 bytes
 * in a record where the ISO text took 20 (a bulk import writes two per case). */
static int64_t storage_now(void)
{
	return (int64_t)time(NULL);
}

static int next_case_id(struct storage *st, int64_t *id, struct sanad_error *err)
{
	if (!st->next_id) {
		sqlite3_stmt *s;
		/* never at or below the statistics engine's mark, even after the
		 * highest case was deleted: a new id there would be taken for a
		 * case the engine has already read (migration 6 logs no inserts);
		 * nor at or below a given reference in the made form (see
		 * case_ref_stored), or two cases would have one; at most 15
		 * digits, which CAST reads without overflow */
		if (prepare(st, "SELECT coalesce((SELECT max(id) FROM cases), 0), "
				"coalesce((SELECT mark FROM stats_mark WHERE id = 1), 0), "
				"coalesce((SELECT max(CAST(substr(case_ref_given, 5) AS INTEGER)) FROM cases "
				"WHERE case_ref_given >= 'SND-0' AND case_ref_given < 'SND-:' "
				"AND length(case_ref_given) <= 19), 0)", &s, err))
			return err->code;
		if (sqlite3_step(s) == SQLITE_ROW) {
			int64_t max_id = sqlite3_column_int64(s, 0), mark = sqlite3_column_int64(s, 1);
			int64_t made = sqlite3_column_int64(s, 2);
			int64_t floor = max_id > mark ? max_id : mark;
			st->next_id = (floor > made ? floor : made) + 1;
			/* every id given from here on is the highest yet: cases
			 * are never deleted, and no other connection writes
			 * while this transaction lasts */
			st->next_id_after_max = st->next_id == max_id + 1;
		}
		sqlite3_finalize(s);
		if (!st->next_id)
			return db_error(st, err, "allocating case id");
	}
	*id = st->next_id++;
	return 0;
}

/* "SND-000123": the reference of a case that came without one.  By hand,
 * since snprintf cost a bulk import a tenth of its writing time. */
static size_t format_generated_ref(int64_t id, char out[32])
{
	char digits[24];
	int n = 0;
	uint64_t v = id > 0 ? (uint64_t)id : 0;

	do {
		digits[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	while (n < 6)
		digits[n++] = '0';
	memcpy(out, "SND-", 4);
	for (int k = 0; k < n; k++)
		out[4 + k] = digits[n - 1 - k];
	out[4 + n] = '\0';
	return (size_t)n + 4;
}

static char *generated_ref(int64_t id)
{
	char ref[32];
	size_t n = format_generated_ref(id, ref);
	return xstrndup(ref, n);
}

int64_t storage_made_ref_id(const char *ref)
{
	char again[32];
	int64_t id = 0;
	const char *p;

	if (!ref || strncmp(ref, "SND-", 4))
		return 0;
	/* at most 15 digits, as next_case_id reads them */
	for (p = ref + 4; *p >= '0' && *p <= '9'; p++) {
		if (p - ref >= 4 + 15)
			return 0;
		id = id * 10 + (*p - '0');
	}
	if (*p || id <= 0)
		return 0;
	format_generated_ref(id, again);
	return strcmp(again, ref) ? 0 : id;
}

void storage_bind_ref(sqlite3_stmt *s, const char *ref)
{
	int64_t made = storage_made_ref_id(ref);
	sqlite3_bind_text(s, 1, ref, -1, SQLITE_TRANSIENT);
	if (made)
		sqlite3_bind_int64(s, 2, made);
	else
		sqlite3_bind_null(s, 2);
}

/* Whether case id keeps ref in case_ref_given (*given = 1), or leaves it
 * NULL, the reference then being made from the id (migration 10).  A
 * given reference in the made form (an export of another installation,
 * whose ids differ) is refused (SANAD_EEXIST, so that an import rejects
 * the row and goes on) if its case has its made reference; else it is
 * kept, and ids are given from above it, so that no later case is made
 * the same (next_case_id does the same for those already stored).  A
 * case whose reference is made must not find it given to another. */
static int case_ref_stored(struct storage *st, const char *ref, int64_t id, int *given,
			   struct sanad_error *err)
{
	int64_t made = storage_made_ref_id(ref);
	char own[32];
	sqlite3_stmt *s;
	int rc;

	*given = ref && made != id;
	if (*given && !made)
		return 0;
	if (*given && st->next_id && made >= st->next_id) {
		st->next_id = made + 1;
		st->next_id_after_max = 0;
	}
	if (!*given)
		format_generated_ref(id, own);
	s = storage_hot(st, HOT_CASE_REF_TAKEN,
			"SELECT 1 FROM cases WHERE (id = ?1 AND case_ref_given IS NULL) OR case_ref_given = ?2", err);
	if (!s)
		return err->code;
	sqlite3_bind_int64(s, 1, *given ? made : 0); /* no case has id 0 */
	if (*given)
		sqlite3_bind_null(s, 2);
	else
		sqlite3_bind_text(s, 2, own, -1, SQLITE_TRANSIENT);
	rc = sqlite3_step(s);
	sqlite3_reset(s);
	if (rc == SQLITE_ROW)
		return sanad_error_set(err, SANAD_EEXIST, "snd_CaseRef: a case '%s' already exists", *given ? ref : own);
	return rc == SQLITE_DONE ? 0 : db_error(st, err, "checking a case reference");
}

/* ---- inserts naming only the columns a record has (the insert path) ----
 *
 * A case has about a hundred columns and a bulk-imported one (CTDC) sets a
 * dozen.  An INSERT naming every column makes SQLite bind, copy and check
 * every NULL on every row; an INSERT naming only the columns this record
 * sets leaves the others NULL by omission (no case or item column has a
 * DEFAULT), which is the same row for less work.  The statements are cached
 * per connection by (group, set of present columns): a CTDC file has a few
 * dozen distinct sets.  Past SHAPE_MAX statements, or for a group of more
 * than 128 fields, the statement naming every column is used. */
#define SHAPE_SLOTS 512 /* open addressing; a power of two, at most half full */
#define SHAPE_MAX 256

struct insert_shape {
	uint64_t mask[2];
	int group;              /* -1: free slot */
	sqlite3_stmt *stmt;
};

struct insert_shapes {
	struct insert_shape slot[SHAPE_SLOTS];
	int used;
	int ref_i, org_i;       /* snd_CaseRef, snd_Organisation in GROUP_CASE */
	int module_ready;       /* sanad_case_rows is registered (bulk inserts) */
	int sealed[128];        /* GROUP_CASE fields sealed at rest */
	int nsealed;
	uint64_t sealed_mask[2]; /* the same as bits (when nsealed < 128) */
};

static struct insert_shapes *insert_shapes(struct storage *st)
{
	if (!st->insert_shapes) {
		const struct group_def *gd = domain_group(GROUP_CASE);
		st->insert_shapes = xcalloc(1, sizeof(*st->insert_shapes));
		for (int k = 0; k < SHAPE_SLOTS; k++)
			st->insert_shapes->slot[k].group = -1;
		st->insert_shapes->ref_i = domain_field_index(GROUP_CASE, "snd_CaseRef");
		st->insert_shapes->org_i = domain_field_index(GROUP_CASE, "snd_Organisation");
		for (int i = 0; i < gd->nfields && st->insert_shapes->nsealed < 128; i++)
			if (storage_field_sealed(&gd->fields[i])) {
				st->insert_shapes->sealed[st->insert_shapes->nsealed++] = i;
				st->insert_shapes->sealed_mask[i >> 6] |= (uint64_t)1 << (i & 63);
			}
	}
	return st->insert_shapes;
}

void storage_insert_shapes_free(struct storage *st)
{
	if (!st->insert_shapes)
		return;
	for (int k = 0; k < SHAPE_SLOTS; k++)
		sqlite3_finalize(st->insert_shapes->slot[k].stmt);
	free(st->insert_shapes);
	st->insert_shapes = NULL;
}

/* The fields of r that are set (except skip, -1 for none) as a bit set;
 * 0 when the group is too wide for one. */
static int present_mask(const struct record *r, int nfields, int skip, uint64_t mask[2])
{
	mask[0] = mask[1] = 0;
	if (nfields > 128)
		return 0;
	for (int i = 0; i < nfields; i++)
		if (r->value[i] && i != skip)
			mask[i >> 6] |= (uint64_t)1 << (i & 63);
	return 1;
}

/* "INSERT INTO t (lead columns, the present fields) VALUES (?1, ...)":
 * the lead columns' parameters are given, the fields' follow in order. */
static char *shape_sql(enum group_id g, const uint64_t mask[2])
{
	const struct group_def *gd = domain_group(g);
	struct strbuf sb = STRBUF_INIT;
	int n = 0;

	if (g == GROUP_CASE)
		strbuf_addstr(&sb, "INSERT INTO cases (id, org_id, created_at, updated_at");
	else
		strbuf_addf(&sb, "INSERT INTO %s (case_id, seq", gd->table);
	for (int i = 0; i < gd->nfields; i++)
		if (mask[i >> 6] & ((uint64_t)1 << (i & 63))) {
			strbuf_addf(&sb, ", %s", g == GROUP_CASE ? case_column(&gd->fields[i]) : gd->fields[i].name);
			n++;
		}
	strbuf_addstr(&sb, g == GROUP_CASE ? ") VALUES (?1, ?2, ?3, ?3" : ") VALUES (?1, ?2");
	for (int k = 0; k < n; k++)
		strbuf_addf(&sb, ", ?%d", k + (g == GROUP_CASE ? 4 : 3));
	strbuf_addch(&sb, ')');
	return strbuf_detach(&sb);
}

/* The cached statement for this shape, prepared on first use; NULL (err
 * unset) when the cache is full, NULL with err set when preparing failed. */
static sqlite3_stmt *shape_stmt(struct storage *st, enum group_id g, const uint64_t mask[2],
				struct sanad_error *err)
{
	struct insert_shapes *c = insert_shapes(st);
	uint64_t h = (mask[0] ^ (mask[1] * 0x9E3779B97F4A7C15ull) ^ (uint64_t)g) * 0xFF51AFD7ED558CCDull;
	size_t k = (size_t)(h >> 40) & (SHAPE_SLOTS - 1);

	for (;; k = (k + 1) & (SHAPE_SLOTS - 1)) {
		struct insert_shape *sl = &c->slot[k];
		if (sl->group == (int)g && sl->mask[0] == mask[0] && sl->mask[1] == mask[1])
			return sl->stmt;
		if (sl->group < 0) {
			char *sql;
			int rc;
			if (c->used >= SHAPE_MAX)
				return NULL;
			sql = shape_sql(g, mask);
			rc = prepare(st, sql, &sl->stmt, err);
			free(sql);
			if (rc) {
				sl->stmt = NULL;
				return NULL;
			}
			sl->group = (int)g;
			sl->mask[0] = mask[0];
			sl->mask[1] = mask[1];
			c->used++;
			return sl->stmt;
		}
	}
}

/* Bind the present fields of r from parameter first on (the shape's order). */
static void bind_present(sqlite3_stmt *s, int first, const struct group_def *gd, const struct record *r,
			 const uint64_t mask[2])
{
	int col = first;
	for (int i = 0; i < gd->nfields; i++)
		if (mask[i >> 6] & ((uint64_t)1 << (i & 63)))
			bind_value(s, col++, &gd->fields[i], r->value[i]);
}

static int insert_children(struct storage *st, const struct case_record *c, struct sanad_error *err)
{
	for (int g = 1; g < GROUP_COUNT; g++) {
		const struct group_def *gd = domain_group((enum group_id)g);
		if (!c->child[g].count)
			continue;
		for (size_t k = 0; k < c->child[g].count; k++) {
			const struct record *item = &c->child[g].items[k];
			uint64_t mask[2];
			sqlite3_stmt *s = NULL;
			int rc;

			err->code = 0;
			if (present_mask(item, gd->nfields, -1, mask) &&
			    !(s = shape_stmt(st, (enum group_id)g, mask, err)) && err->code)
				return err->code;
			if (s) {
				sqlite3_bind_int64(s, 1, c->id);
				sqlite3_bind_int64(s, 2, (int64_t)k);
				bind_present(s, 3, gd, item, mask);
			} else {
				if (!st->insert_child[g]) {
					char *sql = child_insert_sql((enum group_id)g);
					rc = prepare(st, sql, &st->insert_child[g], err);
					free(sql);
					if (rc)
						return rc;
				}
				s = st->insert_child[g];
				sqlite3_bind_int64(s, 1, c->id);
				sqlite3_bind_int64(s, 2, (int64_t)k);
				for (int i = 0; i < gd->nfields; i++)
					bind_value(s, i + 3, &gd->fields[i], item->value[i]);
			}
			rc = sqlite3_step(s);
			sqlite3_reset(s);
			if (rc != SQLITE_DONE)
				return db_error(st, err, gd->name);
		}
	}
	return 0;
}

int storage_case_insert(struct storage *st, struct case_record *c, struct sanad_error *err)
{
	const struct group_def *gd = domain_group(GROUP_CASE);
	struct insert_shapes *shapes = insert_shapes(st);
	int ref_i = shapes->ref_i;
	int org_i = shapes->org_i;
	int64_t org_id, id = 0;
	struct case_record sealed;
	const struct case_record *src;
	uint64_t mask[2];
	sqlite3_stmt *s = NULL;
	int col, rc, needs_seal, ref_given;

	if ((rc = org_id_for(st, c->main.value[org_i], &org_id, err)))
		return rc;
	if ((rc = next_case_id(st, &id, err)))
		return rc;
	if ((rc = case_ref_stored(st, c->main.value[ref_i], id, &ref_given, err))) {
		st->next_id = 0;
		return rc;
	}
	if (!c->main.value[ref_i]) /* the caller reads it back */
		c->main.value[ref_i] = generated_ref(id);
	/* Bulk imports (CTDC) carry no identities: write the record as it is
	 * instead of copying it to seal nothing. */
	needs_seal = storage_case_needs_seal(c);
	if (needs_seal && (rc = storage_seal_case(st, c, id, &sealed, err)))
		return rc;
	src = needs_seal ? &sealed : c;
	err->code = 0;
	if (present_mask(&src->main, gd->nfields, org_i, mask)) {
		if (!ref_given) /* made from the id when read */
			mask[ref_i >> 6] &= ~((uint64_t)1 << (ref_i & 63));
		if (!(s = shape_stmt(st, GROUP_CASE, mask, err)) && err->code) {
			if (needs_seal)
				case_record_release(&sealed);
			return err->code;
		}
	}
	if (s) {
		sqlite3_bind_int64(s, 1, id);
		sqlite3_bind_int64(s, 2, org_id);
		sqlite3_bind_int64(s, 3, storage_now());
		bind_present(s, 4, gd, &src->main, mask);
	} else {
		if (!st->insert_case) {
			char *sql = case_insert_sql();
			rc = prepare(st, sql, &st->insert_case, err);
			free(sql);
			if (rc) {
				if (needs_seal)
					case_record_release(&sealed);
				return rc;
			}
		}
		s = st->insert_case;
		sqlite3_bind_int64(s, 1, id);
		sqlite3_bind_int64(s, 2, org_id);
		sqlite3_bind_int64(s, 3, storage_now());
		col = 4;
		/* every parameter is bound on every row (NULL included), so the
		 * bindings need no clearing between rows */
		for (int i = 0; i < gd->nfields; i++)
			if (i != org_i)
				bind_value(s, col++, &gd->fields[i],
					   i == ref_i && !ref_given ? NULL : src->main.value[i]);
	}
	rc = sqlite3_step(s);
	sqlite3_reset(s);
	if (rc == SQLITE_CONSTRAINT_UNIQUE) {
		st->next_id = 0;
		if (needs_seal)
			case_record_release(&sealed);
		return sanad_error_set(err, SANAD_EEXIST, "snd_CaseRef: a case '%s' already exists",
				       c->main.value[ref_i]);
	}
	if (rc != SQLITE_DONE) {
		if (needs_seal)
			case_record_release(&sealed);
		return db_error(st, err, "inserting case");
	}
	c->id = id;
	rc = insert_children(st, src, err);
	if (needs_seal)
		case_record_release(&sealed);
	return rc ? rc : storage_name_tokens_write(st, c, 1, err);
}

int storage_case_update(struct storage *st, const struct case_record *c, struct sanad_error *err)
{
	const struct group_def *gd = domain_group(GROUP_CASE);
	int org_i = domain_field_index(GROUP_CASE, "snd_Organisation");
	int ref_i = domain_field_index(GROUP_CASE, "snd_CaseRef");
	struct strbuf sql = STRBUF_INIT;
	struct case_record sealed;
	sqlite3_stmt *s;
	int64_t org_id;
	int col = 1, rc, ref_given;

	if (st->bulk) /* its foreign keys are off: no cascade would follow a replacement */
		return sanad_error_set(err, SANAD_EINVAL, "internal: cases are not updated inside a bulk import");
	if ((rc = org_id_for(st, c->main.value[org_i], &org_id, err)) ||
	    (rc = case_ref_stored(st, c->main.value[ref_i], c->id, &ref_given, err)))
		return rc;
	if ((rc = storage_seal_case(st, c, c->id, &sealed, err)))
		return rc;
	strbuf_addstr(&sql, "UPDATE cases SET org_id = ?, updated_at = ?");
	for (int i = 0; i < gd->nfields; i++)
		if (i != org_i)
			strbuf_addf(&sql, ", %s = ?", case_column(&gd->fields[i]));
	strbuf_addstr(&sql, " WHERE id = ?");
	rc = prepare(st, sql.buf, &s, err);
	strbuf_release(&sql);
	if (rc) {
		case_record_release(&sealed);
		return rc;
	}
	sqlite3_bind_int64(s, col++, org_id);
	sqlite3_bind_int64(s, col++, storage_now());
	for (int i = 0; i < gd->nfields; i++)
		if (i != org_i)
			bind_value(s, col++, &gd->fields[i], i == ref_i && !ref_given ? NULL : sealed.main.value[i]);
	sqlite3_bind_int64(s, col, c->id);
	rc = sqlite3_step(s);
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE || sqlite3_changes(st->db) != 1) {
		int gone = rc == SQLITE_DONE;
		case_record_release(&sealed);
		if (rc == SQLITE_CONSTRAINT_UNIQUE)
			return sanad_error_set(err, SANAD_EEXIST, "snd_CaseRef: another case already has this reference");
		if (!gone)
			return db_error(st, err, "updating case");
		return sanad_error_set(err, SANAD_ENOTFOUND, "no case with id %lld", (long long)c->id);
	}
	for (int g = 1; g < GROUP_COUNT; g++) {
		char del[128];
		snprintf(del, sizeof(del), "DELETE FROM %s WHERE case_id = ?", domain_group((enum group_id)g)->table);
		if (prepare(st, del, &s, err)) {
			case_record_release(&sealed);
			return err->code;
		}
		sqlite3_bind_int64(s, 1, c->id);
		rc = sqlite3_step(s);
		sqlite3_finalize(s);
		if (rc != SQLITE_DONE) {
			case_record_release(&sealed);
			return db_error(st, err, "replacing repeating parts");
		}
	}
	rc = insert_children(st, &sealed, err);
	case_record_release(&sealed);
	return rc ? rc : storage_name_tokens_write(st, c, 0, err);
}

/* The SELECT of a case row: c.id, then every case field in registry order.
 * A field not in want (when want is given) is selected as NULL, so that
 * the columns keep their places for case_from_row while SQLite decodes,
 * and storage_unseal_case decrypts, only the fields wanted. */
static char *case_select_sql_for(const unsigned char *want, const char *where_tail)
{
	const struct group_def *gd = domain_group(GROUP_CASE);
	struct strbuf sb = STRBUF_INIT;
	strbuf_addstr(&sb, "SELECT c.id");
	for (int i = 0; i < gd->nfields; i++) {
		if (want && !want[i])
			strbuf_addstr(&sb, ", NULL");
		else if (is_org_field(&gd->fields[i]))
			strbuf_addstr(&sb, ", o.code");
		else if (strcmp(case_column(&gd->fields[i]), gd->fields[i].name))
			strbuf_addstr(&sb, ", " STORAGE_CASE_REF("c"));
		else
			strbuf_addf(&sb, ", c.%s", gd->fields[i].name);
	}
	strbuf_addf(&sb, " FROM cases c JOIN organisation o ON o.id = c.org_id %s", where_tail);
	return strbuf_detach(&sb);
}

static char *case_select_sql(const char *where_tail)
{
	return case_select_sql_for(NULL, where_tail);
}

static void case_from_row(sqlite3_stmt *s, struct case_record *c)
{
	const struct group_def *gd = domain_group(GROUP_CASE);
	case_record_init(c);
	c->id = sqlite3_column_int64(s, 0);
	for (int i = 0; i < gd->nfields; i++)
		c->main.value[i] = column_value(s, i + 1, &gd->fields[i]);
}

static int load_children(struct storage *st, struct case_record *c, sqlite3_stmt **cache,
			 struct sanad_error *err)
{
	for (int g = 1; g < GROUP_COUNT; g++) {
		const struct group_def *gd = domain_group((enum group_id)g);
		sqlite3_stmt *s = cache[g];
		int rc;
		if (!s) {
			struct strbuf sb = STRBUF_INIT;
			strbuf_addstr(&sb, "SELECT seq");
			for (int i = 0; i < gd->nfields; i++)
				strbuf_addf(&sb, ", %s", gd->fields[i].name);
			strbuf_addf(&sb, " FROM %s WHERE case_id = ? ORDER BY seq", gd->table);
			rc = prepare(st, sb.buf, &cache[g], err);
			strbuf_release(&sb);
			if (rc)
				return rc;
			s = cache[g];
		}
		sqlite3_bind_int64(s, 1, c->id);
		while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
			struct record *r = case_record_add_item(c, (enum group_id)g);
			for (int i = 0; i < gd->nfields; i++)
				r->value[i] = column_value(s, i + 1, &gd->fields[i]);
		}
		sqlite3_reset(s);
		if (rc != SQLITE_DONE)
			return db_error(st, err, gd->name);
	}
	return 0;
}

static void finalize_all(sqlite3_stmt **stmts, int n)
{
	for (int i = 0; i < n; i++)
		sqlite3_finalize(stmts[i]);
}

int storage_case_get(struct storage *st, const char *ref, struct case_record *out,
		     struct sanad_error *err)
{
	sqlite3_stmt *s;
	int rc = 0;
	case_record_init(out);
	if (!st->case_by_ref) { /* once per connection: every case read comes here */
		char *sql = case_select_sql(STORAGE_CASE_BY_REF);
		rc = prepare(st, sql, &st->case_by_ref, err);
		free(sql);
		if (rc)
			return rc;
	}
	s = st->case_by_ref;
	storage_bind_ref(s, ref);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		case_record_release(out);
		case_from_row(s, out);
		rc = load_children(st, out, st->case_children, err);
		if (!rc)
			rc = storage_unseal_case(st, out, err);
	} else if (rc == SQLITE_DONE) {
		rc = sanad_error_set(err, SANAD_ENOTFOUND, "no case with reference '%.64s'", ref);
	} else {
		rc = db_error(st, err, "reading case");
	}
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	return rc;
}

static void query_where(const struct case_query *q, struct strbuf *sb)
{
	strbuf_addstr(sb, "WHERE c.id > ?1");
	if (q->org_code)
		strbuf_addstr(sb, " AND o.code = ?2");
	if (q->owner)
		strbuf_addstr(sb, " AND c.cas_CaseOwner = ?3");
	if (q->stage)
		strbuf_addstr(sb, " AND c.snd_Stage = ?4");
	if (q->status)
		strbuf_addstr(sb, " AND c.cas_Status = ?5");
	if (q->followup_before)
		strbuf_addstr(sb, " AND c.snd_NextFollowUpDate < ?6");
	if (q->open_only)
		strbuf_addstr(sb, " AND (c.cas_Status IS NULL OR c.cas_Status NOT IN ('Closed', 'ClosedReferred'))");
	/* IN (subquery) rather than EXISTS: the planner then reads the few
	 * matching items through their index instead of probing every case */
	if (q->consent_scope)
		strbuf_addstr(sb, " AND c.id IN (SELECT case_id FROM case_consent WHERE snd_ConsentScope = ?7)");
	if (q->referred_to)
		strbuf_addf(sb, " AND c.id IN (SELECT case_id FROM case_referral WHERE cas_ReferredOrganisation = ?8%s)",
			    q->referral_status ? " AND coalesce(snd_ReferralStatus, 'Pending') = ?9" : "");
}

static void query_bind(sqlite3_stmt *s, const struct case_query *q)
{
	sqlite3_bind_int64(s, 1, q->after_id);
	if (q->org_code)
		sqlite3_bind_text(s, 2, q->org_code, -1, SQLITE_TRANSIENT);
	if (q->owner)
		sqlite3_bind_text(s, 3, q->owner, -1, SQLITE_TRANSIENT);
	if (q->stage)
		sqlite3_bind_text(s, 4, q->stage, -1, SQLITE_TRANSIENT);
	if (q->status)
		sqlite3_bind_text(s, 5, q->status, -1, SQLITE_TRANSIENT);
	if (q->followup_before)
		sqlite3_bind_text(s, 6, q->followup_before, -1, SQLITE_TRANSIENT);
	if (q->consent_scope)
		sqlite3_bind_text(s, 7, q->consent_scope, -1, SQLITE_TRANSIENT);
	if (q->referred_to)
		sqlite3_bind_text(s, 8, q->referred_to, -1, SQLITE_TRANSIENT);
	if (q->referred_to && q->referral_status)
		sqlite3_bind_text(s, 9, q->referral_status, -1, SQLITE_TRANSIENT);
}

/* For one organisation's cases, in two steps: the matching ids in id
 * order, then each whole row by id.  The ids come from an index (cases_org,
 * or cases_owner for one caseworker's cases): fetching whole rows through
 * it meant decoding every case of the organisation for one page of 50 of
 * the web list (170 ms at 18,000 cases; bench/http_load).  Reading the ids
 * alone reads only the index, and only the rows the caller visits are
 * fetched.  Other walks (exports: every case) read the table in id order
 * already and take the rows at once. */
int storage_case_each(struct storage *st, const struct case_query *q, case_visit_fn fn, void *ctx,
		      struct sanad_error *err)
{
	struct strbuf sql = STRBUF_INIT;
	sqlite3_stmt *walk, *row = NULL, *child[GROUP_COUNT] = { 0 };
	char *row_sql;
	int two_steps = q->org_code != NULL; /* walk gives ids, row the rows; else walk gives rows */
	unsigned char want[256] = { 0 }, *wanted = NULL; /* by case field index */
	int rc, walk_cached = 0, row_cached = 0;

	if (q->fields) {
		for (const char *const *f = q->fields; *f; f++) {
			int i = domain_field_index(GROUP_CASE, *f);
			if (i < 0 || i >= (int)sizeof(want))
				return sanad_error_set(err, SANAD_EINVAL, "'%s' is not a case field", *f);
			want[i] = 1;
		}
		wanted = want;
	}
	if (two_steps) {
		strbuf_addstr(&sql, "SELECT c.id FROM cases c JOIN organisation o ON o.id = c.org_id ");
	} else {
		/* the rows themselves, by the same statement shape as case_select_sql */
		char *head = case_select_sql_for(wanted, "");
		strbuf_addstr(&sql, head);
		free(head);
	}
	query_where(q, &sql);
	strbuf_addstr(&sql, " ORDER BY c.id");
	if (q->limit > 0)
		strbuf_addf(&sql, " LIMIT %lld", (long long)q->limit);
	rc = stmt_take(st, sql.buf, &walk, &walk_cached, err);
	strbuf_release(&sql);
	if (rc)
		return rc;
	if (two_steps) {
		row_sql = case_select_sql_for(wanted, "WHERE c.id = ?");
		rc = stmt_take(st, row_sql, &row, &row_cached, err);
		free(row_sql);
		if (rc) {
			stmt_release(st, walk, walk_cached);
			return rc;
		}
	}
	query_bind(walk, q);
	while ((rc = sqlite3_step(walk)) == SQLITE_ROW) {
		struct case_record c;
		int stop;
		if (two_steps) {
			sqlite3_bind_int64(row, 1, sqlite3_column_int64(walk, 0));
			if ((rc = sqlite3_step(row)) != SQLITE_ROW) {
				rc = db_error(st, err, "reading cases");
				goto out;
			}
			case_from_row(row, &c);
			sqlite3_reset(row);
		} else {
			case_from_row(walk, &c);
		}
		if ((q->with_children && (rc = load_children(st, &c, child, err))) ||
		    (rc = storage_unseal_case(st, &c, err))) {
			case_record_release(&c);
			goto out;
		}
		stop = fn(&c, ctx);
		case_record_release(&c);
		if (stop) {
			rc = stop;
			goto out;
		}
	}
	rc = rc == SQLITE_DONE ? 0 : db_error(st, err, "reading cases");
out:
	stmt_release(st, walk, walk_cached);
	stmt_release(st, row, row_cached);
	finalize_all(child, GROUP_COUNT);
	return rc;
}

int storage_case_count(struct storage *st, const struct case_query *q, int64_t *count,
		       struct sanad_error *err)
{
	struct strbuf sql = STRBUF_INIT;
	sqlite3_stmt *s;
	int rc;
	strbuf_addstr(&sql, "SELECT count(*) FROM cases c JOIN organisation o ON o.id = c.org_id ");
	query_where(q, &sql);
	rc = prepare(st, sql.buf, &s, err);
	strbuf_release(&sql);
	if (rc)
		return rc;
	query_bind(s, q);
	rc = sqlite3_step(s);
	*count = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	return rc == SQLITE_ROW ? 0 : db_error(st, err, "counting cases");
}

/* The values of one scan row, as canonical text borrowed from the
 * statement (valid until the next step); NULL for unknown. */
static void scan_row_values(sqlite3_stmt *s, const struct field_def *const *defs, int nfields,
			    const char **values)
{
	for (int i = 0; i < nfields; i++) {
		if (sqlite3_column_type(s, i) == SQLITE_NULL)
			values[i] = NULL;
		else if (defs[i]->kind == FK_BOOL)
			values[i] = sqlite3_column_int(s, i) ? "true" : "false";
		else
			values[i] = (const char *)sqlite3_column_text(s, i);
	}
}

/* "SELECT <the case columns named by fields>" into sql (the caller adds
 * FROM cases c and any WHERE), filling defs[i] with each field's
 * definition.  The one place that keeps sealed fields out of scans:
 * statistics never see identities. */
static int scan_select(const char *const *fields, int nfields, const struct field_def **defs,
		       struct strbuf *sql, struct sanad_error *err)
{
	strbuf_addstr(sql, "SELECT ");
	for (int i = 0; i < nfields; i++) {
		int fi = domain_field_index(GROUP_CASE, fields[i]);
		if (fi < 0)
			return sanad_error_set(err, SANAD_EINVAL, "unknown case field '%s'", fields[i]);
		defs[i] = &domain_group(GROUP_CASE)->fields[fi];
		if (storage_field_sealed(defs[i]))
			return sanad_error_set(err, SANAD_EPERM, "%s is encrypted and not available to scans",
					       fields[i]);
		if (i)
			strbuf_addstr(sql, ", ");
		if (is_org_field(defs[i]))
			strbuf_addstr(sql, "(SELECT code FROM organisation o WHERE o.id = c.org_id)");
		else
			strbuf_addf(sql, "c.%s", defs[i]->name);
	}
	if (!nfields)
		strbuf_addstr(sql, "1");
	return 0;
}

int storage_case_scan(struct storage *st, const char *const *fields, int nfields, int year,
		      row_visit_fn fn, void *ctx, struct sanad_error *err)
{
	struct strbuf sql = STRBUF_INIT;
	const struct field_def **defs = xcalloc((size_t)nfields + 1, sizeof(*defs));
	const char **values = xcalloc((size_t)nfields + 1, sizeof(char *));
	sqlite3_stmt *s = NULL;
	int rc = 0;

	if ((rc = scan_select(fields, nfields, defs, &sql, err)))
		goto out;
	strbuf_addstr(&sql, " FROM cases c");
	if (year > 0)
		strbuf_addstr(&sql, " WHERE c.snd_YearOfRegistration = ?1");
	if ((rc = prepare(st, sql.buf, &s, err)))
		goto out;
	if (year > 0)
		sqlite3_bind_int(s, 1, year);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		int stop;
		scan_row_values(s, defs, nfields, values);
		if ((stop = fn(values, ctx))) {
			rc = stop;
			goto out;
		}
	}
	rc = rc == SQLITE_DONE ? 0 : db_error(st, err, "scanning cases");
out:
	sqlite3_finalize(s);
	strbuf_release(&sql);
	free(defs);
	free(values);
	return rc;
}

int storage_summary(struct storage *st, struct strbuf *out, struct sanad_error *err)
{
	sqlite3_stmt *s;
	int rc;
	if (prepare(st, "SELECT o.code, o.name, count(c.id) FROM organisation o "
			"LEFT JOIN cases c ON c.org_id = o.id GROUP BY o.id ORDER BY o.code", &s, err))
		return err->code;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW)
		strbuf_addf(out, "  %-24s %8lld cases  %s\n", sqlite3_column_text(s, 0),
			    (long long)sqlite3_column_int64(s, 2), sqlite3_column_text(s, 1));
	sqlite3_finalize(s);
	return rc == SQLITE_DONE ? 0 : db_error(st, err, "summarising");
}

int storage_backup(struct storage *st, const char *dest, struct sanad_error *err)
{
	sqlite3 *to;
	sqlite3_backup *b;
	struct stat sb;
	int rc;

	if (stat(dest, &sb) == 0)
		return sanad_error_set(err, SANAD_EEXIST, "%s already exists; choose a new backup file", dest);
	storage_sqlite_configure();
	if (sqlite3_open_v2(dest, &to, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) != SQLITE_OK) {
		rc = sanad_error_set(err, SANAD_EIO, "cannot create %s: %s", dest, sqlite3_errmsg(to));
		sqlite3_close(to);
		return rc;
	}
	chmod(dest, 0600);
	b = sqlite3_backup_init(to, "main", st->db, "main");
	if (!b) {
		rc = sanad_error_set(err, SANAD_EDB, "backup: %s", sqlite3_errmsg(to));
		sqlite3_close(to);
		unlink(dest);
		return rc;
	}
	/* step in chunks so writers are not blocked for the whole copy */
	while ((rc = sqlite3_backup_step(b, 1024)) == SQLITE_OK || rc == SQLITE_BUSY || rc == SQLITE_LOCKED)
		sqlite3_sleep(rc == SQLITE_OK ? 0 : 20);
	sqlite3_backup_finish(b);
	if (rc != SQLITE_DONE) {
		rc = sanad_error_set(err, SANAD_EDB, "backup failed: %s", sqlite3_errmsg(to));
		sqlite3_close(to);
		unlink(dest);
		return rc;
	}
	rc = sqlite3_close(to) == SQLITE_OK ? 0 : sanad_error_set(err, SANAD_EIO, "closing backup %s", dest);
	return rc;
}

struct check_ctx {
	struct strbuf *report;
	int *problems;
	enum group_id group;
};

static void check_values(struct check_ctx *cc, const char *where, const struct record *r, enum group_id g)
{
	const struct group_def *gd = domain_group(g);
	for (int i = 0; i < gd->nfields; i++) {
		char *canon = NULL;
		struct sanad_error e;
		if (!r->value[i])
			continue;
		if (field_normalise(&gd->fields[i], r->value[i], &canon, &e)) {
			strbuf_addf(cc->report, "%s: %s\n", where, e.message);
			(*cc->problems)++;
		} else if (!canon || strcmp(canon, r->value[i])) {
			strbuf_addf(cc->report, "%s: %s: stored value '%.60s' is not in canonical form\n",
				    where, gd->fields[i].name, r->value[i]);
			(*cc->problems)++;
		}
		free(canon);
	}
}

static int check_case(const struct case_record *c, void *ctx)
{
	struct check_ctx *cc = ctx;
	const char *ref = case_get(c, "snd_CaseRef");
	struct sanad_error e;
	char where[128];

	snprintf(where, sizeof(where), "case %s", ref ? ref : "?");
	check_values(cc, where, &c->main, GROUP_CASE);
	for (int g = 1; g < GROUP_COUNT; g++)
		for (size_t k = 0; k < c->child[g].count; k++) {
			snprintf(where, sizeof(where), "case %s %s item %zu", ref ? ref : "?",
				 domain_group((enum group_id)g)->name, k + 1);
			check_values(cc, where, &c->child[g].items[k], (enum group_id)g);
		}
	if (case_record_validate(c, &e)) {
		strbuf_addf(cc->report, "case %s: %s\n", ref ? ref : "?", e.message);
		(*cc->problems)++;
	}
	return 0;
}

int storage_check(struct storage *st, struct strbuf *report, int *problems, struct sanad_error *err)
{
	sqlite3_stmt *s;
	struct case_query q = { .with_children = 1 };
	struct check_ctx cc = { report, problems, GROUP_CASE };
	int rc;

	*problems = 0;
	if (prepare(st, "PRAGMA integrity_check", &s, err))
		return err->code;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		const char *msg = (const char *)sqlite3_column_text(s, 0);
		if (strcmp(msg, "ok")) {
			strbuf_addf(report, "integrity: %s\n", msg);
			(*problems)++;
		}
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE)
		return db_error(st, err, "integrity check");
	if (prepare(st, "PRAGMA foreign_key_check", &s, err))
		return err->code;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		strbuf_addf(report, "foreign key: row %lld of %s points to a missing %s\n",
			    (long long)sqlite3_column_int64(s, 1), sqlite3_column_text(s, 0),
			    sqlite3_column_text(s, 2));
		(*problems)++;
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE)
		return db_error(st, err, "foreign key check");
	if (storage_schema_version(st) != storage_schema_latest()) {
		strbuf_addf(report, "schema: version %d, expected %d\n", storage_schema_version(st),
			    storage_schema_latest());
		(*problems)++;
	}
	return storage_case_each(st, &q, check_case, &cc, err);
}

/* ---- export support (exporter, case listing) ----
 * Added for the exporter: a read snapshot, and the widest repeating group,
 * which fixes the HTCDS CSV column set before the rows are streamed. */

int storage_begin_read(struct storage *st, struct sanad_error *err)
{
	return exec_sql(st, "BEGIN", err);
}

int storage_max_items(struct storage *st, enum group_id g, const char *org_code, int64_t *n,
		      struct sanad_error *err)
{
	const struct group_def *gd = domain_group(g);
	char sql[384];
	sqlite3_stmt *s;
	int rc;

	*n = 0;
	if (!gd || g == GROUP_CASE)
		return sanad_error_set(err, SANAD_EINVAL, "not a repeating group: %d", (int)g);
	/* table names are constants of the registry, never input */
	snprintf(sql, sizeof(sql),
		 "SELECT coalesce(max(n), 0) FROM (SELECT count(*) n FROM %s t "
		 "JOIN cases c ON c.id = t.case_id JOIN organisation o ON o.id = c.org_id "
		 "WHERE ?1 IS NULL OR o.code = ?1 GROUP BY t.case_id)",
		 gd->table);
	if (prepare(st, sql, &s, err))
		return err->code;
	if (org_code)
		sqlite3_bind_text(s, 1, org_code, -1, SQLITE_TRANSIENT);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		*n = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	return rc == SQLITE_ROW ? 0 : db_error(st, err, gd->name);
}

/* ==== Statistics scans (added for the stats module): everything below ====
 *
 * storage_case_scan_parts: storage_case_scan split into ranges of case ids,
 * each read on its own read-only connection in its own thread, with pages
 * read through a memory map (no copy per page).  A full count over a
 * million cases is bound by SQLite decoding rows; with one connection per
 * core that work runs side by side.  Each case is counted once: the id
 * ranges are fixed at the start and cover every case that exists then.
 * SQLite gives separate connections no shared snapshot (this build lacks
 * SQLITE_ENABLE_SNAPSHOT), so under concurrent writes each range is read as
 * it stood when its thread began; cases added after the start are not seen.
 */
#include <pthread.h>
#include <stdatomic.h>

/* ---- bulk loading (storage_begin_bulk) ---- */

/* An import into a database nobody else has open writes its new pages
 * straight into the file, under a rollback journal.  In WAL every page of
 * the import is written twice, each time followed by an fdatasync: into
 * the log at the commit, then into the file by the checkpoint.  A rollback
 * journal holds only the pages that existed before and were changed (a
 * few: the last page of each B-tree), so the new pages are written once:
 * at a million CTDC rows (235 MB) the commit and checkpoint took 2.2 s in
 * WAL and about 1 s this way (bench/README.md).  All or nothing and
 * synchronous=FULL as before; a crash leaves a hot journal that the next
 * open rolls back.  The price is WAL's readers: a process opening the file
 * during the import can read what was committed before it until the import
 * spills pages to the file (past the 256 MiB cache), the commit waits for
 * its reads to end (storage_commit retries for up to two minutes), and one
 * that opens to write waits for the import to end (journal_to_wal: up to
 * 5 s, then it says why).  So
 * only a caller that expects to be alone asks for it (the CLI import), and
 * it happens only if nobody has the file open at the start; otherwise the
 * import runs in WAL as any transaction. */

/* Foreign keys are not enforced inside a bulk transaction.  Checking a
 * case's organisation cost SQLite about 1,000 instructions a row (a seek in
 * organisation and the constraint counters), 6% of a CTDC row's insert,
 * for references storage resolves itself: org_id_for looks every
 * organisation up in the same transaction, repeating parts get the id of
 * the case just written, and nothing is deleted or replaced in a bulk
 * transaction (storage_case_update refuses), so no cascade is missed.
 * `sanad check` runs the foreign key check over the whole file. */

/* The page cache of a bulk transaction, in KiB (the default is 64 MiB).  A
 * transaction bigger than the cache spills dirty pages to disk before the
 * commit, and a page spilled and changed again is written again: at one
 * million CTDC rows (240 MB) the 64 MiB cache wrote 615 MB where 256 MiB
 * wrote 480 MB.  The cache grows only as pages are used, so a small import
 * costs no more memory than before. */
#define BULK_CACHE_TEXT "262144"

/* Leave WAL for a rollback journal, if nobody else has the file open: in
 * WAL every open connection holds a shared lock that makes the switch fail
 * at once (busy handler off: we do not wait for anyone).  1 if switched. */
static int journal_to_rollback(struct storage *st)
{
	sqlite3_stmt *s;
	int ok = 0;

	sqlite3_busy_timeout(st->db, 0);
	if (sqlite3_prepare_v2(st->db, "PRAGMA journal_mode = DELETE", -1, &s, NULL) == SQLITE_OK) {
		ok = sqlite3_step(s) == SQLITE_ROW && sqlite3_column_text(s, 0) &&
		     !strcmp((const char *)sqlite3_column_text(s, 0), "delete");
		sqlite3_finalize(s);
	}
	sqlite3_busy_timeout(st->db, 5000);
	return ok;
}

int storage_begin_bulk(struct storage *st, int alone, struct sanad_error *err)
{
	int rc;

	st->bulk = 1;
	/* PRAGMA foreign_keys is ignored inside a transaction: set before */
	exec_sql(st, "PRAGMA cache_size = -" BULK_CACHE_TEXT "; PRAGMA foreign_keys = OFF", NULL);
	st->bulk_direct = alone && journal_to_rollback(st);
	if (st->bulk_direct) {
		st->writeback = storage_writeback_start(st->path);
		/* its commit writes the new pages in order: in 64 KiB writes */
		storage_coalesce(st->db, 1);
	}
	if ((rc = storage_begin(st, err)))
		storage_bulk_end(st);
	return rc;
}

int storage_bulk_direct(const struct storage *st)
{
	return st->bulk && st->bulk_direct;
}

int storage_bulk_writeback(const struct storage *st)
{
	return st->bulk && st->writeback != NULL;
}

void storage_bulk_end(struct storage *st)
{
	st->bulk = 0;
	storage_writeback_stop(st->writeback);
	st->writeback = NULL;
	exec_sql(st, "PRAGMA cache_size = -65536; PRAGMA foreign_keys = ON", NULL);
	if (st->bulk_direct) {
		storage_coalesce(st->db, 0); /* writes what a rollback left gathered */
		/* back to WAL for everyone after us; should a reader keep the
		 * switch from happening, the next open of the file makes it */
		st->bulk_direct = 0;
		exec_sql(st, "PRAGMA journal_mode = WAL", NULL);
	}
}

/* ---- bulk inserts (storage_case_insert_batch; the insert path) ----
 *
 * One execution of an INSERT costs SQLite some 15,000 instructions besides
 * the row itself (opening seven cursors, each allocated with malloc since
 * Debian's SQLite has no lookaside memory, and halting), which was half of
 * a CTDC case's insert.  So a run of plain cases (no repeating parts, no
 * sealed values, hence no name tokens) is written by one statement,
 * INSERT OR FAIL INTO cases (...) SELECT ... FROM sanad_case_rows(?1), that
 * reads the run through an eponymous virtual table over the records in
 * memory.  OR FAIL keeps the rows before a failing one (the constraints of a
 * row are checked before any of its writes), so a duplicate reference is
 * pinned on the row the cursor stands on, and the caller goes on after it.
 * The statement names the columns set in any case of the run (statements
 * are cached by that set, as for single inserts).  The time of the run,
 * created_at and updated_at alike, is parameter ?2: SQLite reads a
 * constant once, where a column costs a call on every row. */

struct case_rows {
	const struct field_def *fields; /* GROUP_CASE's */
	int nfields;
	struct case_record *const *cases;
	const int64_t *ids, *org_ids;
	size_t n;
	size_t pos;                      /* the row being read: a failing row's index */
};

struct case_rows_cursor {
	sqlite3_vtab_cursor base;
	struct case_rows *rows;
};

/* Columns: 0 id, 1 org_id, 2 + i case field i, then the
 * hidden argument. */
static int case_rows_connect(sqlite3 *db, void *aux, int argc, const char *const *argv, sqlite3_vtab **out,
			     char **errmsg)
{
	const struct group_def *gd = domain_group(GROUP_CASE);
	struct strbuf sb = STRBUF_INIT;
	int rc;

	(void)aux;
	(void)argc;
	(void)argv;
	(void)errmsg;
	strbuf_addstr(&sb, "CREATE TABLE x(c0, c1");
	for (int i = 0; i < gd->nfields; i++)
		strbuf_addf(&sb, ", c%d", i + 2);
	strbuf_addstr(&sb, ", src HIDDEN)");
	rc = sqlite3_declare_vtab(db, sb.buf);
	strbuf_release(&sb);
	if (rc != SQLITE_OK)
		return rc;
	*out = sqlite3_malloc(sizeof(**out));
	if (!*out)
		return SQLITE_NOMEM;
	memset(*out, 0, sizeof(**out));
	return SQLITE_OK;
}

static int case_rows_disconnect(sqlite3_vtab *vt)
{
	sqlite3_free(vt);
	return SQLITE_OK;
}

static int case_rows_best_index(sqlite3_vtab *vt, sqlite3_index_info *info)
{
	int src_col = 2 + domain_group(GROUP_CASE)->nfields;
	(void)vt;
	for (int i = 0; i < info->nConstraint; i++)
		if (info->aConstraint[i].iColumn == src_col && info->aConstraint[i].op == SQLITE_INDEX_CONSTRAINT_EQ) {
			if (!info->aConstraint[i].usable)
				return SQLITE_CONSTRAINT;
			info->aConstraintUsage[i].argvIndex = 1;
			info->aConstraintUsage[i].omit = 1;
			info->estimatedCost = 1;
			return SQLITE_OK;
		}
	return SQLITE_CONSTRAINT; /* only ever read with its argument */
}

static int case_rows_open(sqlite3_vtab *vt, sqlite3_vtab_cursor **out)
{
	struct case_rows_cursor *c = sqlite3_malloc(sizeof(*c));
	(void)vt;
	if (!c)
		return SQLITE_NOMEM;
	memset(c, 0, sizeof(*c));
	*out = &c->base;
	return SQLITE_OK;
}

static int case_rows_close(sqlite3_vtab_cursor *cur)
{
	sqlite3_free(cur);
	return SQLITE_OK;
}

static int case_rows_filter(sqlite3_vtab_cursor *cur, int idx, const char *idx_str, int argc, sqlite3_value **argv)
{
	struct case_rows_cursor *c = (struct case_rows_cursor *)cur;
	(void)idx;
	(void)idx_str;
	c->rows = argc == 1 ? sqlite3_value_pointer(argv[0], "sanad_case_rows") : NULL;
	if (c->rows)
		c->rows->pos = 0;
	return SQLITE_OK;
}

static int case_rows_next(sqlite3_vtab_cursor *cur)
{
	((struct case_rows_cursor *)cur)->rows->pos++;
	return SQLITE_OK;
}

static int case_rows_eof(sqlite3_vtab_cursor *cur)
{
	struct case_rows *r = ((struct case_rows_cursor *)cur)->rows;
	return !r || r->pos >= r->n;
}

static int case_rows_column(sqlite3_vtab_cursor *cur, sqlite3_context *ctx, int col)
{
	struct case_rows *r = ((struct case_rows_cursor *)cur)->rows;
	const struct field_def *f;
	const char *v;

	switch (col) {
	case 0: sqlite3_result_int64(ctx, r->ids[r->pos]); return SQLITE_OK;
	case 1: sqlite3_result_int64(ctx, r->org_ids[r->pos]); return SQLITE_OK;
	}
	if (col - 2 >= r->nfields)
		return SQLITE_OK; /* the hidden argument: NULL */
	f = &r->fields[col - 2];
	v = r->cases[r->pos]->main.value[col - 2];
	/* as bind_value binds them */
	if (!v)
		;
	else if (f->kind == FK_INT)
		sqlite3_result_int64(ctx, int_value(v));
	else if (f->kind == FK_BOOL)
		sqlite3_result_int(ctx, !strcmp(v, "true"));
	else
		sqlite3_result_text(ctx, v, -1, SQLITE_STATIC);
	return SQLITE_OK;
}

static int case_rows_rowid(sqlite3_vtab_cursor *cur, sqlite3_int64 *rowid)
{
	*rowid = (sqlite3_int64)((struct case_rows_cursor *)cur)->rows->pos;
	return SQLITE_OK;
}

static const sqlite3_module case_rows_module = {
	.iVersion = 0,
	.xCreate = NULL, /* eponymous only: no CREATE VIRTUAL TABLE */
	.xConnect = case_rows_connect,
	.xBestIndex = case_rows_best_index,
	.xDisconnect = case_rows_disconnect,
	.xDestroy = case_rows_disconnect,
	.xOpen = case_rows_open,
	.xClose = case_rows_close,
	.xFilter = case_rows_filter,
	.xNext = case_rows_next,
	.xEof = case_rows_eof,
	.xColumn = case_rows_column,
	.xRowid = case_rows_rowid,
};

/* The keys of the batch statements in the shape cache: those that name
 * the id, and those that leave it to SQLite. */
#define SHAPE_GROUP_BATCH GROUP_COUNT
#define SHAPE_GROUP_BATCH_APPEND (GROUP_COUNT + 1)

/* The batch statement for the columns in mask.  With append, it leaves the
 * id out: SQLite then takes the highest id plus one from the end of the
 * table and appends there, where an INSERT naming the id first searches
 * the table for it (the rowid's uniqueness check), a descent of 1,100
 * instructions a row, a twelfth of the statement's work. */
static sqlite3_stmt *batch_stmt(struct storage *st, const uint64_t mask[2], int append, struct sanad_error *err)
{
	struct insert_shapes *c = insert_shapes(st);
	const struct group_def *gd = domain_group(GROUP_CASE);
	int group = append ? SHAPE_GROUP_BATCH_APPEND : SHAPE_GROUP_BATCH;
	uint64_t h = (mask[0] ^ (mask[1] * 0x9E3779B97F4A7C15ull) ^ (uint64_t)group) * 0xFF51AFD7ED558CCDull;
	size_t k = (size_t)(h >> 40) & (SHAPE_SLOTS - 1);

	if (!c->module_ready) {
		if (sqlite3_create_module_v2(st->db, "sanad_case_rows", &case_rows_module, NULL, NULL) != SQLITE_OK) {
			db_error(st, err, "registering the import table");
			return NULL;
		}
		c->module_ready = 1;
	}
	for (;; k = (k + 1) & (SHAPE_SLOTS - 1)) {
		struct insert_shape *sl = &c->slot[k];
		if (sl->group == group && sl->mask[0] == mask[0] && sl->mask[1] == mask[1])
			return sl->stmt;
		if (sl->group < 0) {
			struct strbuf sb = STRBUF_INIT;
			int rc;
			if (c->used >= SHAPE_MAX)
				return NULL;
			strbuf_addstr(&sb, append ? "INSERT OR FAIL INTO cases (org_id, created_at, updated_at"
						  : "INSERT OR FAIL INTO cases (id, org_id, created_at, updated_at");
			for (int i = 0; i < gd->nfields; i++)
				if (mask[i >> 6] & ((uint64_t)1 << (i & 63)))
					strbuf_addf(&sb, ", %s", case_column(&gd->fields[i]));
			strbuf_addstr(&sb, append ? ") SELECT c1, ?2, ?2" : ") SELECT c0, c1, ?2, ?2");
			for (int i = 0; i < gd->nfields; i++)
				if (mask[i >> 6] & ((uint64_t)1 << (i & 63)))
					strbuf_addf(&sb, ", c%d", i + 2);
			strbuf_addstr(&sb, " FROM sanad_case_rows(?1)");
			rc = prepare(st, sb.buf, &sl->stmt, err);
			strbuf_release(&sb);
			if (rc) {
				sl->stmt = NULL;
				return NULL;
			}
			sl->group = group;
			sl->mask[0] = mask[0];
			sl->mask[1] = mask[1];
			c->used++;
			return sl->stmt;
		}
	}
}

/* A case the batch statement can write: no repeating parts, nothing to seal
 * (so no name tokens or match key either), and no reference in the form
 * Sanad makes (case_ref_stored decides on those).  shape: c's, or NULL. */
static int batch_plain(struct storage *st, const struct case_record *c, const struct case_shape *shape)
{
	const struct insert_shapes *shapes = insert_shapes(st);

	if (storage_made_ref_id(c->main.value[shapes->ref_i]))
		return 0;
	if (shape && !shape->wide && shapes->nsealed < 128)
		return !shape->children && !(shape->present[0] & shapes->sealed_mask[0]) &&
		       !(shape->present[1] & shapes->sealed_mask[1]);
	for (int g = 1; g < GROUP_COUNT; g++)
		if (c->child[g].count)
			return 0;
	if (shapes->nsealed == 128)
		return !storage_case_needs_seal(c); /* NEVER: the registry has fewer */
	for (int k = 0; k < shapes->nsealed; k++)
		if (c->main.value[shapes->sealed[k]])
			return 0;
	return 1;
}

/* Write cases[0..n) (all plain) by one statement; *done as for the batch.
 * case_shapes: the cases', or NULL. */
static int insert_plain_run(struct storage *st, struct case_record *const *cases,
			    const struct case_shape *case_shapes, size_t n, size_t *done, struct sanad_error *err)
{
	const struct group_def *gd = domain_group(GROUP_CASE);
	struct insert_shapes *shapes = insert_shapes(st);
	int ref_i = shapes->ref_i, org_i = shapes->org_i;
	int64_t *ids = xmalloc(n * sizeof(*ids)), *org_ids = xmalloc(n * sizeof(*org_ids));
	struct case_rows rows = { .fields = gd->fields, .nfields = gd->nfields, .cases = cases,
				  .ids = ids, .org_ids = org_ids, .n = n };
	uint64_t mask[2] = { 0, 0 };
	sqlite3_stmt *s;
	size_t i;
	int rc = 0, append;

	*done = 0;
	for (i = 0; i < n && !rc; i++) {
		struct case_record *c = cases[i];
		if ((rc = org_id_for(st, c->main.value[org_i], &org_ids[i], err)) ||
		    (rc = next_case_id(st, &ids[i], err)))
			break;
		if (case_shapes && !case_shapes[i].wide) {
			mask[0] |= case_shapes[i].present[0];
			mask[1] |= case_shapes[i].present[1];
			continue;
		}
		for (int f = 0; f < gd->nfields; f++)
			if (c->main.value[f])
				mask[f >> 6] |= (uint64_t)1 << (f & 63);
	}
	/* the organisation is org_id; a case without a reference has the one
	 * made from its id (batch_plain let no given one in that form by) */
	mask[org_i >> 6] &= ~((uint64_t)1 << (org_i & 63));
	if (rc) {
		/* cases[i] is at fault; those before it were not written either:
		 * write them one by one (the caller learns i from *done) */
		struct sanad_error e2;
		size_t k;
		for (k = 0; k < i; k++)
			if (storage_case_insert(st, cases[k], &e2)) {
				*err = e2;
				i = k;
				rc = e2.code;
				break;
			}
		*done = i;
		goto out;
	}
	/* SQLite's choice of ids is the one made above when ids[0] follows
	 * the highest id (checked once more below: a reference made from an
	 * id SQLite did not give would name another case) */
	append = st->next_id_after_max;
	err->code = 0;
	if (!(s = batch_stmt(st, mask, append, err))) {
		if (err->code) {
			rc = err->code;
			goto out;
		}
		/* the statement cache is full: one statement per case */
		for (i = 0; i < n; i++)
			if ((rc = storage_case_insert(st, cases[i], err)))
				break;
		*done = i;
		goto out;
	}
	sqlite3_bind_pointer(s, 1, &rows, "sanad_case_rows", NULL);
	sqlite3_bind_int64(s, 2, storage_now());
	rc = sqlite3_step(s);
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	if (rc == SQLITE_DONE && append && sqlite3_last_insert_rowid(st->db) != ids[n - 1]) {
		st->next_id = 0;
		rc = sanad_error_set(err, SANAD_EDB, "internal: the database gave case ids other than %lld..%lld",
				     (long long)ids[0], (long long)ids[n - 1]);
		goto out;
	}
	if (rc == SQLITE_DONE) {
		for (i = 0; i < n; i++)
			cases[i]->id = ids[i];
		*done = n;
		rc = 0;
		goto out;
	}
	/* rows[0..pos) are in; pos failed; the ids given to the rest are
	 * taken back, to be given again when they are inserted */
	for (i = 0; i < rows.pos && i < n; i++)
		cases[i]->id = ids[i];
	*done = rows.pos < n ? rows.pos : n;
	st->next_id = 0;
	if (rc == SQLITE_CONSTRAINT_UNIQUE && *done < n) {
		/* only given references are in a unique index */
		const char *ref = cases[*done]->main.value[ref_i];
		rc = sanad_error_set(err, SANAD_EEXIST, "snd_CaseRef: a case '%s' already exists", ref ? ref : "?");
	} else
		rc = db_error(st, err, "inserting cases");
out:
	free(ids);
	free(org_ids);
	return rc;
}

int storage_case_insert_batch(struct storage *st, struct case_record *const *cases,
			      const struct case_shape *shapes, size_t n, size_t *done, struct sanad_error *err)
{
	size_t i = 0;
	/* the batch statements name their columns by a 128-bit set */
	int batchable = domain_group(GROUP_CASE)->nfields <= 128;

	while (i < n) {
		size_t j = i, k = 0;
		int rc;
		while (j < n && batchable && batch_plain(st, cases[j], shapes ? &shapes[j] : NULL))
			j++;
		if (j == i) {
			if ((rc = storage_case_insert(st, cases[i], err))) {
				*done = i;
				return rc;
			}
			i++;
			continue;
		}
		rc = j - i == 1 ? storage_case_insert(st, cases[i], err)
				: insert_plain_run(st, cases + i, shapes ? shapes + i : NULL, j - i, &k, err);
		if (j - i == 1)
			k = rc ? 0 : 1;
		if (rc) {
			*done = i + k;
			return rc;
		}
		i = j;
	}
	*done = n;
	return 0;
}
