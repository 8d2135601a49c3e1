/*
 * storage/db_sqlite_population.c: what the figures beyond victim counts
 * need from the SQLite backend (issue 5): the population figures SDG
 * indicator 16.2.2 divides by, and a walk over the items of a repeating
 * group (perpetrators, services) or the cases themselves.
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

static char *col_text(sqlite3_stmt *s, int col)
{
	const unsigned char *v = sqlite3_column_text(s, col);
	return v ? xstrdup((const char *)v) : NULL;
}

/* ---- population ---- */

void population_entries_free(struct population_entry *list, size_t count)
{
	for (size_t i = 0; i < count; i++) {
		free(list[i].sex);
		free(list[i].age_group);
		free(list[i].source);
		free(list[i].updated_at);
	}
	free(list);
}

int storage_population_put(struct storage *st, const struct population_entry *e, size_t n,
			   struct sanad_error *err)
{
	sqlite3_stmt *s;
	int rc;

	if (storage_in_transaction(st))
		return sanad_error_set(err, SANAD_EINVAL, "population: a transaction is already open");
	for (size_t i = 0; i < n; i++)
		if (e[i].count <= 0)
			return sanad_error_set(err, SANAD_EINVAL, "population %d: count %lld is not above 0",
					       e[i].year, (long long)e[i].count);
	if ((rc = storage_begin(st, err)))
		return rc;
	if ((rc = prep(st,
		       "INSERT INTO population (year, sex, age_group, count, source, updated_at) "
		       "VALUES (?, ?, ?, ?, ?, strftime('%Y-%m-%dT%H:%M:%SZ','now')) "
		       "ON CONFLICT (year, sex, age_group) DO UPDATE SET count = excluded.count, "
		       "source = excluded.source, updated_at = excluded.updated_at",
		       &s, err))) {
		storage_rollback(st);
		return rc;
	}
	for (size_t i = 0; i < n && !rc; i++) {
		sqlite3_bind_int(s, 1, e[i].year);
		sqlite3_bind_text(s, 2, e[i].sex ? e[i].sex : "", -1, SQLITE_STATIC);
		sqlite3_bind_text(s, 3, e[i].age_group ? e[i].age_group : "", -1, SQLITE_STATIC);
		sqlite3_bind_int64(s, 4, e[i].count);
		if (e[i].source && *e[i].source)
			sqlite3_bind_text(s, 5, e[i].source, -1, SQLITE_STATIC);
		else
			sqlite3_bind_null(s, 5);
		if (sqlite3_step(s) != SQLITE_DONE)
			rc = storage_sql_error(st, err, "writing population figures");
		sqlite3_reset(s);
		sqlite3_clear_bindings(s);
	}
	sqlite3_finalize(s);
	if (!rc)
		rc = storage_commit(st, err);
	if (rc)
		storage_rollback(st);
	return rc;
}

int storage_population_list(struct storage *st, int year, struct population_entry **list, size_t *count,
			    struct sanad_error *err)
{
	sqlite3_stmt *s;
	size_t alloc = 0;
	int rc;

	*list = NULL;
	*count = 0;
	if ((rc = prep(st,
		       "SELECT year, sex, age_group, count, source, updated_at FROM population "
		       "WHERE ?1 = 0 OR year = ?1 ORDER BY year, sex, age_group",
		       &s, err)))
		return rc;
	sqlite3_bind_int(s, 1, year);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		struct population_entry *e;
		ALLOC_GROW(*list, *count + 1, alloc);
		e = &(*list)[(*count)++];
		e->year = sqlite3_column_int(s, 0);
		e->sex = col_text(s, 1);
		e->age_group = col_text(s, 2);
		e->count = sqlite3_column_int64(s, 3);
		e->source = col_text(s, 4);
		e->updated_at = col_text(s, 5);
		if (!e->sex)
			e->sex = xstrdup("");
		if (!e->age_group)
			e->age_group = xstrdup("");
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE) {
		population_entries_free(*list, *count);
		*list = NULL;
		*count = 0;
		return storage_sql_error(st, err, "reading population figures");
	}
	return 0;
}

int storage_population_delete(struct storage *st, int year, const char *sex, const char *age_group,
			      struct sanad_error *err)
{
	sqlite3_stmt *s;
	int rc;
	if ((rc = prep(st, "DELETE FROM population WHERE year = ? AND sex = ? AND age_group = ?", &s, err)))
		return rc;
	sqlite3_bind_int(s, 1, year);
	sqlite3_bind_text(s, 2, sex ? sex : "", -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, age_group ? age_group : "", -1, SQLITE_STATIC);
	rc = sqlite3_step(s);
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE)
		return storage_sql_error(st, err, "removing a population figure");
	if (sqlite3_changes(st->db) != 1)
		return sanad_error_set(err, SANAD_ENOTFOUND, "no population figure for %d, sex '%s', age group '%s'",
				       year, sex && *sex ? sex : "all", age_group && *age_group ? age_group : "all");
	return 0;
}

/* ---- items of repeating groups ---- */

int storage_item_scan(struct storage *st, enum group_id g, const char *const *fields, int nfields,
		      int64_t from_id, int64_t to_id, item_visit_fn fn, void *ctx, struct sanad_error *err)
{
	const struct group_def *gd = domain_group(g);
	const struct field_def *defs[64];
	const char *values[64];
	struct strbuf sql = STRBUF_INIT;
	sqlite3_stmt *s;
	int rc;

	if (!gd)
		return sanad_error_set(err, SANAD_EINVAL, "item scan: no such group");
	if (nfields < 0 || nfields > 64)
		return sanad_error_set(err, SANAD_ELIMIT, "item scan: %d fields is over the limit of 64", nfields);
	strbuf_addstr(&sql, g == GROUP_CASE ? "SELECT i.id, i.snd_YearOfRegistration"
					    : "SELECT i.case_id, c.snd_YearOfRegistration");
	for (int k = 0; k < nfields; k++) {
		int fi = domain_field_index(g, fields[k]);
		if (fi < 0 || (g == GROUP_CASE && !strcmp(fields[k], "snd_Organisation"))) {
			strbuf_release(&sql);
			return sanad_error_set(err, SANAD_EINVAL, "item scan: %s is not a field of %s",
					       fields[k], gd->name);
		}
		defs[k] = &gd->fields[fi];
		if (storage_field_sealed(defs[k])) {
			strbuf_release(&sql);
			return sanad_error_set(err, SANAD_EPERM, "item scan: %s is an identity or narrative field",
					       fields[k]);
		}
		/* the name comes from the registry, never from the caller's text */
		strbuf_addf(&sql, ", i.%s", defs[k]->name);
	}
	if (g == GROUP_CASE)
		strbuf_addstr(&sql, " FROM cases i WHERE i.id BETWEEN ?1 AND ?2 ORDER BY i.id");
	else
		strbuf_addf(&sql, " FROM %s i JOIN cases c ON c.id = i.case_id WHERE i.case_id BETWEEN ?1 AND ?2 "
				  "ORDER BY i.case_id, i.seq",
			    gd->table);
	rc = prep(st, sql.buf, &s, err);
	strbuf_release(&sql);
	if (rc)
		return rc;
	sqlite3_bind_int64(s, 1, from_id > 0 ? from_id : 0);
	sqlite3_bind_int64(s, 2, to_id > 0 ? to_id : INT64_MAX);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		char bools[64][6];
		int64_t case_id = sqlite3_column_int64(s, 0);
		int year = sqlite3_column_type(s, 1) == SQLITE_NULL ? 0 : sqlite3_column_int(s, 1);
		for (int k = 0; k < nfields; k++) {
			if (sqlite3_column_type(s, k + 2) == SQLITE_NULL) {
				values[k] = NULL;
			} else if (defs[k]->kind == FK_BOOL) {
				strcpy(bools[k], sqlite3_column_int(s, k + 2) ? "true" : "false");
				values[k] = bools[k];
			} else {
				values[k] = (const char *)sqlite3_column_text(s, k + 2);
			}
		}
		if ((rc = fn(case_id, year, values, ctx))) {
			sqlite3_finalize(s);
			return rc;
		}
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE)
		return storage_sql_error(st, err, "reading items");
	return 0;
}
