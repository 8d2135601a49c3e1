/*
 * storage/db_sqlite_auth.c: rows of accounts, sessions, bearer tokens and
 * login-throttle counters for the auth module, which holds the rules.
 * Secrets arrive here already hashed; nothing in these tables lets anyone
 * who copies the file log in.
 */
#include "storage/storage_internal.h"

#include <stdlib.h>
#include <string.h>

static int prep(struct storage *st, const char *sql, sqlite3_stmt **s, struct sanad_error *err)
{
	if (sqlite3_prepare_v2(st->db, sql, -1, s, NULL) != SQLITE_OK) {
		*s = NULL;
		return storage_sql_error(st, err, "preparing statement");
	}
	return 0;
}

sqlite3_stmt *storage_hot(struct storage *st, enum storage_hot slot, const char *sql, struct sanad_error *err)
{
	if (!st->hot[slot] &&
	    sqlite3_prepare_v3(st->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &st->hot[slot], NULL) != SQLITE_OK) {
		st->hot[slot] = NULL;
		storage_sql_error(st, err, "preparing statement");
	}
	return st->hot[slot];
}

/* A hot statement, prepared once per connection (storage_hot). */
static int prep_hot(struct storage *st, enum storage_hot slot, const char *sql, sqlite3_stmt **s,
		    struct sanad_error *err)
{
	*s = storage_hot(st, slot, sql, err);
	return *s ? 0 : err->code;
}

/* Ready a hot statement for its next use; keeps the error message. */
static void hot_done(sqlite3_stmt *s)
{
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
}

static char *dup_col(sqlite3_stmt *s, int i)
{
	const unsigned char *t = sqlite3_column_text(s, i);
	return t ? xstrdup((const char *)t) : NULL;
}

static void bind_text_or_null(sqlite3_stmt *s, int i, const char *v)
{
	if (v)
		sqlite3_bind_text(s, i, v, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(s, i);
}

/* Run a one-shot statement that returns no rows. */
static int step_done(struct storage *st, sqlite3_stmt *s, const char *what, struct sanad_error *err)
{
	int rc = sqlite3_step(s);
	sqlite3_finalize(s);
	return rc == SQLITE_DONE ? 0 : storage_sql_error(st, err, what);
}

void account_release(struct account *a)
{
	free(a->username);
	free(a->display_name);
	free(a->role);
	free(a->org_code);
	free(a->org_type);
	free(a->language);
	free(a->password_hash);
	memset(a, 0, sizeof(*a));
}

#define ACCOUNT_COLUMNS \
	"a.id, a.username, a.display_name, a.role, o.code, o.org_type, coalesce(o.own_cases_only, 0), " \
	"a.language, a.password_hash, a.disabled"
#define ACCOUNT_FROM " FROM account a LEFT JOIN organisation o ON o.id = a.org_id "

static void account_from_row(sqlite3_stmt *s, int first, struct account *a)
{
	a->id = sqlite3_column_int64(s, first);
	a->username = dup_col(s, first + 1);
	a->display_name = dup_col(s, first + 2);
	a->role = dup_col(s, first + 3);
	a->org_code = dup_col(s, first + 4);
	a->org_type = dup_col(s, first + 5);
	a->own_cases_only = sqlite3_column_int(s, first + 6);
	a->language = dup_col(s, first + 7);
	a->password_hash = dup_col(s, first + 8);
	a->disabled = sqlite3_column_int(s, first + 9);
}

static int org_id(struct storage *st, const char *code, int64_t *id, struct sanad_error *err)
{
	struct organisation o;
	int rc;
	*id = 0;
	if (!code)
		return 0;
	if ((rc = storage_org_get(st, code, &o, err)))
		return rc;
	*id = o.id;
	organisation_release(&o);
	return 0;
}

int storage_account_add(struct storage *st, struct account *a, struct sanad_error *err)
{
	sqlite3_stmt *s;
	int64_t oid;
	int rc;
	if ((rc = org_id(st, a->org_code, &oid, err)))
		return rc;
	if ((rc = prep(st, "INSERT INTO account (username, display_name, role, org_id, language, "
			   "password_hash, disabled) VALUES (?, ?, ?, ?, ?, ?, ?)", &s, err)))
		return rc;
	bind_text_or_null(s, 1, a->username);
	bind_text_or_null(s, 2, a->display_name);
	bind_text_or_null(s, 3, a->role);
	if (oid)
		sqlite3_bind_int64(s, 4, oid);
	else
		sqlite3_bind_null(s, 4);
	bind_text_or_null(s, 5, a->language ? a->language : "en");
	bind_text_or_null(s, 6, a->password_hash);
	sqlite3_bind_int(s, 7, a->disabled != 0);
	rc = sqlite3_step(s);
	sqlite3_finalize(s);
	if (rc == SQLITE_CONSTRAINT_UNIQUE)
		return sanad_error_set(err, SANAD_EEXIST, "a user '%s' already exists", a->username);
	if (rc != SQLITE_DONE)
		return storage_sql_error(st, err, "adding user");
	a->id = sqlite3_last_insert_rowid(st->db);
	return 0;
}

int storage_account_get(struct storage *st, const char *username, struct account *out,
			struct sanad_error *err)
{
	sqlite3_stmt *s;
	int rc;
	memset(out, 0, sizeof(*out));
	if ((rc = prep_hot(st, HOT_ACCOUNT_GET, "SELECT " ACCOUNT_COLUMNS ACCOUNT_FROM "WHERE a.username = ?", &s,
			   err)))
		return rc;
	sqlite3_bind_text(s, 1, username, -1, SQLITE_TRANSIENT);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		account_from_row(s, 0, out);
	hot_done(s);
	if (rc == SQLITE_ROW)
		return 0;
	if (rc == SQLITE_DONE)
		return sanad_error_set(err, SANAD_ENOTFOUND, "no user '%.64s'", username);
	return storage_sql_error(st, err, "reading user");
}

int storage_account_list(struct storage *st, const char *org_code, struct account **list,
			 size_t *count, struct sanad_error *err)
{
	sqlite3_stmt *s;
	size_t alloc = 0;
	int rc;
	*list = NULL;
	*count = 0;
	if ((rc = prep(st, "SELECT " ACCOUNT_COLUMNS ACCOUNT_FROM
			   "WHERE ?1 IS NULL OR o.code = ?1 ORDER BY a.username", &s, err)))
		return rc;
	bind_text_or_null(s, 1, org_code);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		ALLOC_GROW(*list, *count + 1, alloc);
		memset(&(*list)[*count], 0, sizeof(**list));
		account_from_row(s, 0, &(*list)[(*count)++]);
	}
	sqlite3_finalize(s);
	return rc == SQLITE_DONE ? 0 : storage_sql_error(st, err, "listing users");
}

int storage_account_update(struct storage *st, const struct account *a, struct sanad_error *err)
{
	sqlite3_stmt *s;
	int64_t oid;
	int rc;
	if ((rc = org_id(st, a->org_code, &oid, err)))
		return rc;
	if ((rc = prep(st, "UPDATE account SET display_name = ?, role = ?, org_id = ?, language = ?, "
			   "password_hash = ?, disabled = ?, "
			   "updated_at = strftime('%Y-%m-%dT%H:%M:%SZ','now') WHERE id = ?", &s, err)))
		return rc;
	bind_text_or_null(s, 1, a->display_name);
	bind_text_or_null(s, 2, a->role);
	if (oid)
		sqlite3_bind_int64(s, 3, oid);
	else
		sqlite3_bind_null(s, 3);
	bind_text_or_null(s, 4, a->language ? a->language : "en");
	bind_text_or_null(s, 5, a->password_hash);
	sqlite3_bind_int(s, 6, a->disabled != 0);
	sqlite3_bind_int64(s, 7, a->id);
	if ((rc = step_done(st, s, "updating user", err)))
		return rc;
	if (sqlite3_changes(st->db) != 1)
		return sanad_error_set(err, SANAD_ENOTFOUND, "no user with id %lld", (long long)a->id);
	return 0;
}

/* ---- sessions ---- */

int storage_session_add(struct storage *st, const char *id_hash, int64_t account_id, const char *csrf,
			int64_t now, struct sanad_error *err)
{
	sqlite3_stmt *s;
	int rc;
	if ((rc = prep(st, "INSERT INTO session (id_hash, account_id, csrf, created_at, last_seen_at) "
			   "VALUES (?, ?, ?, ?, ?)", &s, err)))
		return rc;
	sqlite3_bind_text(s, 1, id_hash, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(s, 2, account_id);
	sqlite3_bind_text(s, 3, csrf, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(s, 4, now);
	sqlite3_bind_int64(s, 5, now);
	return step_done(st, s, "opening session", err);
}

int storage_session_get(struct storage *st, const char *id_hash, struct account *account, char **csrf,
			int64_t *created, int64_t *last_seen, struct sanad_error *err)
{
	sqlite3_stmt *s;
	int rc;
	memset(account, 0, sizeof(*account));
	if (csrf)
		*csrf = NULL;
	if ((rc = prep_hot(st, HOT_SESSION_GET, "SELECT " ACCOUNT_COLUMNS ", x.csrf, x.created_at, x.last_seen_at "
			   "FROM session x JOIN account a ON a.id = x.account_id "
			   "LEFT JOIN organisation o ON o.id = a.org_id WHERE x.id_hash = ?", &s, err)))
		return rc;
	sqlite3_bind_text(s, 1, id_hash, -1, SQLITE_TRANSIENT);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		account_from_row(s, 0, account);
		if (csrf)
			*csrf = dup_col(s, 10);
		*created = sqlite3_column_int64(s, 11);
		*last_seen = sqlite3_column_int64(s, 12);
	}
	hot_done(s);
	if (rc == SQLITE_ROW)
		return 0;
	if (rc == SQLITE_DONE)
		return sanad_error_set(err, SANAD_ENOTFOUND, "no such session");
	return storage_sql_error(st, err, "reading session");
}

int storage_session_touch(struct storage *st, const char *id_hash, int64_t now, struct sanad_error *err)
{
	sqlite3_stmt *s;
	int rc;
	if ((rc = prep(st, "UPDATE session SET last_seen_at = ? WHERE id_hash = ?", &s, err)))
		return rc;
	sqlite3_bind_int64(s, 1, now);
	sqlite3_bind_text(s, 2, id_hash, -1, SQLITE_TRANSIENT);
	return step_done(st, s, "touching session", err);
}

int storage_session_delete(struct storage *st, const char *id_hash, struct sanad_error *err)
{
	sqlite3_stmt *s;
	int rc;
	if ((rc = prep(st, "DELETE FROM session WHERE id_hash = ?", &s, err)))
		return rc;
	sqlite3_bind_text(s, 1, id_hash, -1, SQLITE_TRANSIENT);
	return step_done(st, s, "ending session", err);
}

int storage_session_delete_account(struct storage *st, int64_t account_id, const char *keep_hash,
				   struct sanad_error *err)
{
	sqlite3_stmt *s;
	int rc;
	if ((rc = prep(st, "DELETE FROM session WHERE account_id = ?1 AND (?2 IS NULL OR id_hash <> ?2)",
		       &s, err)))
		return rc;
	sqlite3_bind_int64(s, 1, account_id);
	bind_text_or_null(s, 2, keep_hash);
	return step_done(st, s, "ending sessions", err);
}

int storage_session_purge(struct storage *st, int64_t created_before, int64_t idle_before,
			  struct sanad_error *err)
{
	sqlite3_stmt *s;
	int rc;
	if ((rc = prep(st, "DELETE FROM session WHERE created_at < ? OR last_seen_at < ?", &s, err)))
		return rc;
	sqlite3_bind_int64(s, 1, created_before);
	sqlite3_bind_int64(s, 2, idle_before);
	return step_done(st, s, "purging sessions", err);
}

/* ---- bearer tokens ---- */

int storage_token_add(struct storage *st, const char *hash, int64_t account_id, const char *label,
		      int64_t now, struct sanad_error *err)
{
	sqlite3_stmt *s;
	int rc;
	if ((rc = prep(st, "INSERT INTO api_token (hash, account_id, label, created_at) VALUES (?, ?, ?, ?)",
		       &s, err)))
		return rc;
	sqlite3_bind_text(s, 1, hash, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(s, 2, account_id);
	bind_text_or_null(s, 3, label);
	sqlite3_bind_int64(s, 4, now);
	return step_done(st, s, "adding token", err);
}

int storage_token_get(struct storage *st, const char *hash, int64_t now, struct account *account,
		      struct sanad_error *err)
{
	sqlite3_stmt *s;
	int64_t last_used = 0;
	int rc;
	memset(account, 0, sizeof(*account));
	if ((rc = prep_hot(st, HOT_TOKEN_GET, "SELECT " ACCOUNT_COLUMNS ", coalesce(t.last_used_at, 0) "
			   "FROM api_token t JOIN account a ON a.id = t.account_id "
			   "LEFT JOIN organisation o ON o.id = a.org_id WHERE t.hash = ? AND t.revoked = 0",
		       &s, err)))
		return rc;
	sqlite3_bind_text(s, 1, hash, -1, SQLITE_TRANSIENT);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		account_from_row(s, 0, account);
		last_used = sqlite3_column_int64(s, 10);
	}
	hot_done(s);
	if (rc == SQLITE_DONE)
		return sanad_error_set(err, SANAD_ENOTFOUND, "no such token");
	if (rc != SQLITE_ROW)
		return storage_sql_error(st, err, "reading token");
	/* a write per request would serialise readers on the WAL lock: note
	 * use at most once a minute */
	if (now - last_used >= 60 && !sqlite3_db_readonly(st->db, "main")) {
		if ((rc = prep(st, "UPDATE api_token SET last_used_at = ? WHERE hash = ?", &s, err)) == 0) {
			sqlite3_bind_int64(s, 1, now);
			sqlite3_bind_text(s, 2, hash, -1, SQLITE_TRANSIENT);
			rc = step_done(st, s, "noting token use", err);
		}
		if (rc)
			account_release(account);
		return rc;
	}
	return 0;
}

int storage_token_revoke(struct storage *st, int64_t account_id, const char *label,
			 struct sanad_error *err)
{
	sqlite3_stmt *s;
	int rc;
	if ((rc = prep(st, "UPDATE api_token SET revoked = 1 WHERE account_id = ?1 AND (?2 IS NULL OR label = ?2)",
		       &s, err)))
		return rc;
	sqlite3_bind_int64(s, 1, account_id);
	bind_text_or_null(s, 2, label);
	return step_done(st, s, "revoking tokens", err);
}

/* ---- throttling ---- */

int storage_throttle_get(struct storage *st, const char *key_hash, struct throttle *t,
			 struct sanad_error *err)
{
	sqlite3_stmt *s;
	int rc;
	memset(t, 0, sizeof(*t));
	if ((rc = prep(st, "SELECT failures, last_failure, locked_until FROM login_throttle WHERE key_hash = ?",
		       &s, err)))
		return rc;
	sqlite3_bind_text(s, 1, key_hash, -1, SQLITE_TRANSIENT);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		t->failures = sqlite3_column_int64(s, 0);
		t->last_failure = sqlite3_column_int64(s, 1);
		t->locked_until = sqlite3_column_int64(s, 2);
	}
	sqlite3_finalize(s);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : storage_sql_error(st, err, "reading throttle");
}

int storage_throttle_set(struct storage *st, const char *key_hash, const struct throttle *t,
			 struct sanad_error *err)
{
	sqlite3_stmt *s;
	int rc;
	if ((rc = prep(st, "INSERT INTO login_throttle (key_hash, failures, last_failure, locked_until) "
			   "VALUES (?1, ?2, ?3, ?4) ON CONFLICT(key_hash) DO UPDATE SET "
			   "failures = ?2, last_failure = ?3, locked_until = ?4", &s, err)))
		return rc;
	sqlite3_bind_text(s, 1, key_hash, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(s, 2, t->failures);
	sqlite3_bind_int64(s, 3, t->last_failure);
	sqlite3_bind_int64(s, 4, t->locked_until);
	return step_done(st, s, "writing throttle", err);
}

int storage_throttle_clear(struct storage *st, const char *key_hash, struct sanad_error *err)
{
	sqlite3_stmt *s;
	int rc;
	if ((rc = prep(st, "DELETE FROM login_throttle WHERE key_hash = ?", &s, err)))
		return rc;
	sqlite3_bind_text(s, 1, key_hash, -1, SQLITE_TRANSIENT);
	return step_done(st, s, "clearing throttle", err);
}
