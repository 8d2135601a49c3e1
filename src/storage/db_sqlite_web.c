/*
 * storage/db_sqlite_web.c: SQLite backend of the storage functions the web
 * API added (storage.h, "web API support").  Values are always bound.
 */
#include "storage/storage_internal.h"

int storage_case_stamp(struct storage *st, const char *ref, int64_t *id, int64_t *updated_at,
		       struct sanad_error *err)
{
	sqlite3_stmt *s = storage_hot(st, HOT_CASE_STAMP, "SELECT c.id, c.updated_at FROM cases c " STORAGE_CASE_BY_REF,
				      err);
	int rc;
	if (!s)
		return err->code;
	storage_bind_ref(s, ref);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		*id = sqlite3_column_int64(s, 0);
		*updated_at = sqlite3_column_int64(s, 1);
		rc = 0;
	} else if (rc == SQLITE_DONE) {
		rc = sanad_error_set(err, SANAD_ENOTFOUND, "no case with reference '%.64s'", ref);
	} else {
		rc = storage_sql_error(st, err, "reading a case's stamp");
	}
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	return rc;
}

int storage_org_update(struct storage *st, const struct organisation *o, struct sanad_error *err)
{
	sqlite3_stmt *s;
	int rc;

	if (!o->code || !o->name || !*o->name)
		return sanad_error_set(err, SANAD_EINVAL, "an organisation needs a code and a name");
	if (sqlite3_prepare_v2(st->db, "UPDATE organisation SET name = ?, name_ar = ?, in_pool = ?, "
				       "own_cases_only = ? WHERE code = ?", -1, &s, NULL) != SQLITE_OK)
		return sanad_error_set(err, SANAD_EDB, "changing organisation: %s", sqlite3_errmsg(st->db));
	sqlite3_bind_text(s, 1, o->name, -1, SQLITE_TRANSIENT);
	if (o->name_ar)
		sqlite3_bind_text(s, 2, o->name_ar, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(s, 2);
	sqlite3_bind_int(s, 3, o->in_pool != 0);
	sqlite3_bind_int(s, 4, o->own_cases_only != 0);
	sqlite3_bind_text(s, 5, o->code, -1, SQLITE_TRANSIENT);
	rc = sqlite3_step(s);
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE)
		return sanad_error_set(err, SANAD_EDB, "changing organisation: %s", sqlite3_errmsg(st->db));
	if (sqlite3_changes(st->db) != 1)
		return sanad_error_set(err, SANAD_ENOTFOUND, "no organisation with code '%.64s'", o->code);
	return 0;
}
