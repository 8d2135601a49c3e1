/*
 * storage/db_sqlite_response.c: rows of the national response (findings,
 * criminal-justice records, prescribed penalties, protection and prevention
 * facts, recommendations), the programme register and the tier history, for
 * the response module, which validates values and holds the rules.  Also
 * the one count the response takes from the case register: victims
 * identified and assisted in a reporting period.
 */
#include "storage/storage_internal.h"

#include <stdio.h>
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

static char *dup_col(sqlite3_stmt *s, int i)
{
	const unsigned char *t = sqlite3_column_text(s, i);
	return t ? xstrdup((const char *)t) : NULL;
}

/* Integer column, -1 for NULL (the storage.h convention for "not known"). */
static int64_t int_col(sqlite3_stmt *s, int i)
{
	return sqlite3_column_type(s, i) == SQLITE_NULL ? -1 : sqlite3_column_int64(s, i);
}

static void country_col(sqlite3_stmt *s, int i, char out[3])
{
	const unsigned char *t = sqlite3_column_text(s, i);
	snprintf(out, 3, "%s", t ? (const char *)t : "");
}

static void bind_text(sqlite3_stmt *s, int i, const char *v)
{
	if (v)
		sqlite3_bind_text(s, i, v, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(s, i);
}

/* Bind an integer where negative means unknown (NULL). */
static void bind_known(sqlite3_stmt *s, int i, int64_t v)
{
	if (v < 0)
		sqlite3_bind_null(s, i);
	else
		sqlite3_bind_int64(s, i, v);
}

static int step_done(struct storage *st, sqlite3_stmt *s, const char *what, struct sanad_error *err)
{
	int rc = sqlite3_step(s);
	sqlite3_finalize(s);
	return rc == SQLITE_DONE ? 0 : storage_sql_error(st, err, what);
}

/* The filter every load query shares: (?1 IS NULL OR country = ?1) AND
 * year BETWEEN ?2 AND ?3. */
#define CY_FILTER " WHERE (?1 IS NULL OR country = ?1) AND year BETWEEN ?2 AND ?3 "

static void bind_filter(sqlite3_stmt *s, const char *country, int year_from, int year_to)
{
	bind_text(s, 1, country);
	sqlite3_bind_int(s, 2, year_from);
	sqlite3_bind_int(s, 3, year_to);
}

void response_finding_release(struct response_finding *f)
{
	free(f->finding);
	free(f->justification);
	free(f->justification_ar);
	free(f->scope);
	free(f->scope_ar);
	free(f->waivers);
	memset(f, 0, sizeof(*f));
}

static void justice_release(struct response_justice *j)
{
	free(j->stage);
	free(j->law);
	free(j->exploitation);
	free(j->action);
	free(j->source);
	free(j->source_date);
	free(j->source_ref);
	free(j->note);
}

static void penalty_release(struct response_penalty *p)
{
	free(p->law);
	free(p->exploitation);
	free(p->action);
	free(p->source);
	free(p->source_date);
	free(p->source_ref);
	free(p->note);
}

static void fact_release(struct response_fact *f)
{
	free(f->kind);
	free(f->text);
	free(f->text_ar);
	free(f->action);
	free(f->source);
	free(f->source_date);
	free(f->source_ref);
}

static void recommendation_release(struct response_recommendation *r)
{
	free(r->pillar);
	free(r->check_code);
	free(r->text);
	free(r->text_ar);
}

void response_rows_release(struct response_rows *rows)
{
	for (size_t i = 0; i < rows->nfindings; i++)
		response_finding_release(&rows->findings[i]);
	for (size_t i = 0; i < rows->njustice; i++)
		justice_release(&rows->justice[i]);
	for (size_t i = 0; i < rows->npenalties; i++)
		penalty_release(&rows->penalties[i]);
	for (size_t i = 0; i < rows->nfacts; i++)
		fact_release(&rows->facts[i]);
	for (size_t i = 0; i < rows->nrecommendations; i++)
		recommendation_release(&rows->recommendations[i]);
	free(rows->findings);
	free(rows->justice);
	free(rows->penalties);
	free(rows->facts);
	free(rows->recommendations);
	memset(rows, 0, sizeof(*rows));
}

/* Each loader reads one row of its table from the statement. */
static void finding_from_row(sqlite3_stmt *s, void *out)
{
	struct response_finding *f = out;
	country_col(s, 0, f->country);
	f->year = sqlite3_column_int(s, 1);
	f->finding = dup_col(s, 2);
	f->justification = dup_col(s, 3);
	f->justification_ar = dup_col(s, 4);
	f->scope = dup_col(s, 5);
	f->scope_ar = dup_col(s, 6);
	f->efforts_rest_on_commitments = sqlite3_column_int(s, 7);
	f->waivers = dup_col(s, 8);
	f->compliant_before_sanctions = sqlite3_column_int(s, 9);
	f->victims_from_register = sqlite3_column_int(s, 10);
}

static void justice_from_row(sqlite3_stmt *s, void *out)
{
	struct response_justice *j = out;
	j->id = sqlite3_column_int64(s, 0);
	country_col(s, 1, j->country);
	j->year = sqlite3_column_int(s, 2);
	j->stage = dup_col(s, 3);
	j->count = sqlite3_column_int64(s, 4);
	j->law = dup_col(s, 5);
	j->exploitation = dup_col(s, 6);
	j->sentence_months = int_col(s, 7);
	j->suspended = (int)int_col(s, 8);
	j->official_involved = sqlite3_column_int(s, 9);
	j->action = dup_col(s, 10);
	j->source = dup_col(s, 11);
	j->source_date = dup_col(s, 12);
	j->source_ref = dup_col(s, 13);
	j->note = dup_col(s, 14);
}

static void penalty_from_row(sqlite3_stmt *s, void *out)
{
	struct response_penalty *p = out;
	p->id = sqlite3_column_int64(s, 0);
	country_col(s, 1, p->country);
	p->year = sqlite3_column_int(s, 2);
	p->law = dup_col(s, 3);
	p->min_years = sqlite3_column_double(s, 4);
	p->exploitation = dup_col(s, 5);
	p->action = dup_col(s, 6);
	p->source = dup_col(s, 7);
	p->source_date = dup_col(s, 8);
	p->source_ref = dup_col(s, 9);
	p->note = dup_col(s, 10);
}

static void fact_from_row(sqlite3_stmt *s, void *out)
{
	struct response_fact *f = out;
	f->id = sqlite3_column_int64(s, 0);
	country_col(s, 1, f->country);
	f->year = sqlite3_column_int(s, 2);
	f->kind = dup_col(s, 3);
	f->count = int_col(s, 4);
	f->flag = (int)int_col(s, 5);
	f->text = dup_col(s, 6);
	f->text_ar = dup_col(s, 7);
	f->action = dup_col(s, 8);
	f->source = dup_col(s, 9);
	f->source_date = dup_col(s, 10);
	f->source_ref = dup_col(s, 11);
}

static void recommendation_from_row(sqlite3_stmt *s, void *out)
{
	struct response_recommendation *r = out;
	r->id = sqlite3_column_int64(s, 0);
	country_col(s, 1, r->country);
	r->year = sqlite3_column_int(s, 2);
	r->number = sqlite3_column_int(s, 3);
	r->pillar = dup_col(s, 4);
	r->check_code = dup_col(s, 5);
	r->text = dup_col(s, 6);
	r->text_ar = dup_col(s, 7);
}

/* Run a filtered SELECT and collect its rows into a new array of elements
 * of size elem, each filled by from_row. */
static int load_table(struct storage *st, const char *sql, const char *country, int year_from, int year_to,
		      size_t elem, void (*from_row)(sqlite3_stmt *, void *), void **array, size_t *count,
		      struct sanad_error *err)
{
	sqlite3_stmt *s;
	char *items = NULL;
	size_t n = 0, alloc = 0;
	int rc;

	*array = NULL;
	*count = 0;
	if ((rc = prep(st, sql, &s, err)))
		return rc;
	bind_filter(s, country, year_from, year_to);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		if (n + 1 > alloc) {
			alloc = alloc ? alloc * 2 : 16;
			items = xrealloc(items, alloc * elem);
		}
		memset(items + n * elem, 0, elem);
		from_row(s, items + n * elem);
		n++;
	}
	sqlite3_finalize(s);
	*array = items;
	*count = n;
	if (rc != SQLITE_DONE)
		return storage_sql_error(st, err, "reading response records");
	return 0;
}

int storage_response_load(struct storage *st, const char *country, int year_from, int year_to,
			  struct response_rows *out, struct sanad_error *err)
{
	void *a;
	int rc;

	memset(out, 0, sizeof(*out));
	rc = load_table(st,
			"SELECT country, year, finding, justification, justification_ar, scope, scope_ar, "
			"efforts_rest_on_commitments, waivers, compliant_before_sanctions, victims_from_register "
			"FROM response_finding" CY_FILTER "ORDER BY country, year",
			country, year_from, year_to, sizeof(struct response_finding), finding_from_row, &a,
			&out->nfindings, err);
	out->findings = a;
	if (!rc) {
		rc = load_table(st,
				"SELECT id, country, year, stage, count, law, exploitation, sentence_months, "
				"suspended, official_involved, action, source, source_date, source_ref, note "
				"FROM justice_record" CY_FILTER "ORDER BY country, year, id",
				country, year_from, year_to, sizeof(struct response_justice), justice_from_row, &a,
				&out->njustice, err);
		out->justice = a;
	}
	if (!rc) {
		rc = load_table(st,
				"SELECT id, country, year, law, min_years, exploitation, action, source, "
				"source_date, source_ref, note FROM prescribed_penalty" CY_FILTER
				"ORDER BY country, year, id",
				country, year_from, year_to, sizeof(struct response_penalty), penalty_from_row, &a,
				&out->npenalties, err);
		out->penalties = a;
	}
	if (!rc) {
		rc = load_table(st,
				"SELECT id, country, year, kind, count, flag, text, text_ar, action, source, "
				"source_date, source_ref FROM response_fact" CY_FILTER "ORDER BY country, year, id",
				country, year_from, year_to, sizeof(struct response_fact), fact_from_row, &a,
				&out->nfacts, err);
		out->facts = a;
	}
	if (!rc) {
		rc = load_table(st,
				"SELECT id, country, year, number, pillar, check_code, text, text_ar "
				"FROM recommendation" CY_FILTER "ORDER BY country, year, number",
				country, year_from, year_to, sizeof(struct response_recommendation),
				recommendation_from_row, &a, &out->nrecommendations, err);
		out->recommendations = a;
	}
	if (rc)
		response_rows_release(out);
	return rc;
}

int storage_response_clear(struct storage *st, const char *country, int year, struct sanad_error *err)
{
	static const char *const tables[] = { "response_finding", "justice_record", "prescribed_penalty",
					      "response_fact" };
	for (size_t i = 0; i < sizeof(tables) / sizeof(tables[0]); i++) {
		/* table names come from the constant list above, never from input */
		char sql[96];
		sqlite3_stmt *s;
		int rc;
		snprintf(sql, sizeof(sql), "DELETE FROM %s WHERE country = ? AND year = ?", tables[i]);
		if ((rc = prep(st, sql, &s, err)))
			return rc;
		bind_text(s, 1, country);
		sqlite3_bind_int(s, 2, year);
		if ((rc = step_done(st, s, "clearing response records", err)))
			return rc;
	}
	return 0;
}

int storage_finding_put(struct storage *st, const struct response_finding *f, struct sanad_error *err)
{
	sqlite3_stmt *s;
	int rc;
	if ((rc = prep(st,
		       "INSERT INTO response_finding (country, year, finding, justification, justification_ar, "
		       "scope, scope_ar, efforts_rest_on_commitments, waivers, compliant_before_sanctions, "
		       "victims_from_register) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
		       "ON CONFLICT (country, year) DO UPDATE SET finding = excluded.finding, "
		       "justification = excluded.justification, justification_ar = excluded.justification_ar, "
		       "scope = excluded.scope, scope_ar = excluded.scope_ar, "
		       "efforts_rest_on_commitments = excluded.efforts_rest_on_commitments, "
		       "waivers = excluded.waivers, compliant_before_sanctions = excluded.compliant_before_sanctions, "
		       "victims_from_register = excluded.victims_from_register, "
		       "updated_at = strftime('%Y-%m-%dT%H:%M:%SZ','now')",
		       &s, err)))
		return rc;
	bind_text(s, 1, f->country);
	sqlite3_bind_int(s, 2, f->year);
	bind_text(s, 3, f->finding);
	bind_text(s, 4, f->justification);
	bind_text(s, 5, f->justification_ar);
	bind_text(s, 6, f->scope);
	bind_text(s, 7, f->scope_ar);
	sqlite3_bind_int(s, 8, f->efforts_rest_on_commitments != 0);
	bind_text(s, 9, f->waivers);
	sqlite3_bind_int(s, 10, f->compliant_before_sanctions != 0);
	sqlite3_bind_int(s, 11, f->victims_from_register != 0);
	return step_done(st, s, "storing the finding", err);
}

/* Step an INSERT and return the new row id in *id. */
static int insert_row(struct storage *st, sqlite3_stmt *s, int64_t *id, const char *what, struct sanad_error *err)
{
	int rc = sqlite3_step(s);
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE)
		return storage_sql_error(st, err, what);
	*id = sqlite3_last_insert_rowid(st->db);
	return 0;
}

int storage_justice_add(struct storage *st, struct response_justice *j, struct sanad_error *err)
{
	sqlite3_stmt *s;
	int rc;
	if ((rc = prep(st,
		       "INSERT INTO justice_record (country, year, stage, count, law, exploitation, sentence_months, "
		       "suspended, official_involved, action, source, source_date, source_ref, note) "
		       "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
		       &s, err)))
		return rc;
	bind_text(s, 1, j->country);
	sqlite3_bind_int(s, 2, j->year);
	bind_text(s, 3, j->stage);
	sqlite3_bind_int64(s, 4, j->count);
	bind_text(s, 5, j->law);
	bind_text(s, 6, j->exploitation);
	bind_known(s, 7, j->sentence_months);
	bind_known(s, 8, j->suspended);
	sqlite3_bind_int(s, 9, j->official_involved != 0);
	bind_text(s, 10, j->action);
	bind_text(s, 11, j->source);
	bind_text(s, 12, j->source_date);
	bind_text(s, 13, j->source_ref);
	bind_text(s, 14, j->note);
	return insert_row(st, s, &j->id, "storing a criminal-justice record", err);
}

int storage_penalty_add(struct storage *st, struct response_penalty *p, struct sanad_error *err)
{
	sqlite3_stmt *s;
	int rc;
	if ((rc = prep(st,
		       "INSERT INTO prescribed_penalty (country, year, law, min_years, exploitation, action, source, "
		       "source_date, source_ref, note) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
		       &s, err)))
		return rc;
	bind_text(s, 1, p->country);
	sqlite3_bind_int(s, 2, p->year);
	bind_text(s, 3, p->law);
	sqlite3_bind_double(s, 4, p->min_years);
	bind_text(s, 5, p->exploitation);
	bind_text(s, 6, p->action);
	bind_text(s, 7, p->source);
	bind_text(s, 8, p->source_date);
	bind_text(s, 9, p->source_ref);
	bind_text(s, 10, p->note);
	return insert_row(st, s, &p->id, "storing a prescribed penalty", err);
}

int storage_fact_add(struct storage *st, struct response_fact *f, struct sanad_error *err)
{
	sqlite3_stmt *s;
	int rc;
	if ((rc = prep(st,
		       "INSERT INTO response_fact (country, year, kind, count, flag, text, text_ar, action, source, "
		       "source_date, source_ref) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
		       &s, err)))
		return rc;
	bind_text(s, 1, f->country);
	sqlite3_bind_int(s, 2, f->year);
	bind_text(s, 3, f->kind);
	bind_known(s, 4, f->count);
	bind_known(s, 5, f->flag);
	bind_text(s, 6, f->text);
	bind_text(s, 7, f->text_ar);
	bind_text(s, 8, f->action);
	bind_text(s, 9, f->source);
	bind_text(s, 10, f->source_date);
	bind_text(s, 11, f->source_ref);
	return insert_row(st, s, &f->id, "storing a fact", err);
}

int storage_response_delete(struct storage *st, const char *kind, int64_t id, struct sanad_error *err)
{
	static const struct {
		const char *kind, *sql;
	} tables[] = {
		{ "justice", "DELETE FROM justice_record WHERE id = ?" },
		{ "penalty", "DELETE FROM prescribed_penalty WHERE id = ?" },
		{ "fact", "DELETE FROM response_fact WHERE id = ?" },
		{ "recommendation", "DELETE FROM recommendation WHERE id = ?" },
	};
	for (size_t i = 0; i < sizeof(tables) / sizeof(tables[0]); i++) {
		sqlite3_stmt *s;
		int rc;
		if (strcmp(tables[i].kind, kind))
			continue;
		if ((rc = prep(st, tables[i].sql, &s, err)))
			return rc;
		sqlite3_bind_int64(s, 1, id);
		if ((rc = step_done(st, s, "deleting a response record", err)))
			return rc;
		if (sqlite3_changes(st->db) == 0)
			return sanad_error_set(err, SANAD_ENOTFOUND, "no %s record with id %lld", kind, (long long)id);
		return 0;
	}
	return sanad_error_set(err, SANAD_EINVAL, "unknown record kind '%.40s'", kind);
}

int storage_recommendation_add(struct storage *st, struct response_recommendation *r, struct sanad_error *err)
{
	sqlite3_stmt *s;
	int rc;
	if (r->number <= 0) {
		if ((rc = prep(st, "SELECT coalesce(max(number), 0) + 1 FROM recommendation WHERE country = ? AND year = ?",
			       &s, err)))
			return rc;
		bind_text(s, 1, r->country);
		sqlite3_bind_int(s, 2, r->year);
		rc = sqlite3_step(s);
		if (rc == SQLITE_ROW)
			r->number = sqlite3_column_int(s, 0);
		sqlite3_finalize(s);
		if (rc != SQLITE_ROW)
			return storage_sql_error(st, err, "numbering a recommendation");
	}
	if ((rc = prep(st,
		       "INSERT INTO recommendation (country, year, number, pillar, check_code, text, text_ar) "
		       "VALUES (?, ?, ?, ?, ?, ?, ?)",
		       &s, err)))
		return rc;
	bind_text(s, 1, r->country);
	sqlite3_bind_int(s, 2, r->year);
	sqlite3_bind_int(s, 3, r->number);
	bind_text(s, 4, r->pillar);
	bind_text(s, 5, r->check_code);
	bind_text(s, 6, r->text);
	bind_text(s, 7, r->text_ar);
	rc = sqlite3_step(s);
	sqlite3_finalize(s);
	if (rc == SQLITE_CONSTRAINT_UNIQUE || rc == SQLITE_CONSTRAINT)
		return sanad_error_set(err, SANAD_EEXIST, "recommendation %s-%d-%d exists already", r->country, r->year,
				       r->number);
	if (rc != SQLITE_DONE)
		return storage_sql_error(st, err, "storing a recommendation");
	r->id = sqlite3_last_insert_rowid(st->db);
	return 0;
}

int storage_recommendation_update(struct storage *st, struct response_recommendation *r, struct sanad_error *err)
{
	sqlite3_stmt *s;
	int rc;
	if ((rc = prep(st,
		       "UPDATE recommendation SET pillar = ?, check_code = ?, text = ?, text_ar = ? "
		       "WHERE country = ? AND year = ? AND number = ? RETURNING id",
		       &s, err)))
		return rc;
	bind_text(s, 1, r->pillar);
	bind_text(s, 2, r->check_code);
	bind_text(s, 3, r->text);
	bind_text(s, 4, r->text_ar);
	bind_text(s, 5, r->country);
	sqlite3_bind_int(s, 6, r->year);
	sqlite3_bind_int(s, 7, r->number);
	r->id = 0;
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		r->id = sqlite3_column_int64(s, 0);
	/* RETURNING: the change is made when the statement runs to its end */
	if (rc == SQLITE_ROW)
		rc = sqlite3_step(s);
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE)
		return storage_sql_error(st, err, "updating a recommendation");
	if (!r->id)
		return sanad_error_set(err, SANAD_ENOTFOUND, "no recommendation %s-%d-%d", r->country, r->year,
				       r->number);
	return 0;
}

/* ---- programmes ---- */

void programme_release(struct programme *p)
{
	free(p->code);
	free(p->name);
	free(p->name_ar);
	free(p->type);
	free(p->goals);
	free(p->partner);
	free(p->partner_kind);
	free(p->countries);
	free(p->amount);
	free(p->currency);
	free(p->start_date);
	free(p->end_date);
	memset(p, 0, sizeof(*p));
}

int storage_programme_add(struct storage *st, struct programme *p, struct sanad_error *err)
{
	sqlite3_stmt *s;
	int rc;
	if ((rc = prep(st,
		       "INSERT INTO programme (code, name, name_ar, type, goals, partner, partner_kind, amount, "
		       "currency, start_date, end_date, people_trained, victims_assisted) "
		       "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
		       &s, err)))
		return rc;
	bind_text(s, 1, p->code);
	bind_text(s, 2, p->name);
	bind_text(s, 3, p->name_ar);
	bind_text(s, 4, p->type);
	bind_text(s, 5, p->goals);
	bind_text(s, 6, p->partner);
	bind_text(s, 7, p->partner_kind);
	bind_text(s, 8, p->amount);
	bind_text(s, 9, p->currency);
	bind_text(s, 10, p->start_date);
	bind_text(s, 11, p->end_date);
	bind_known(s, 12, p->people_trained);
	bind_known(s, 13, p->victims_assisted);
	rc = sqlite3_step(s);
	sqlite3_finalize(s);
	if (rc == SQLITE_CONSTRAINT_UNIQUE || rc == SQLITE_CONSTRAINT)
		return sanad_error_set(err, SANAD_EEXIST, "a programme '%.64s' exists already", p->code);
	if (rc != SQLITE_DONE)
		return storage_sql_error(st, err, "storing a programme");
	p->id = sqlite3_last_insert_rowid(st->db);
	/* countries: ';'-joined codes, validated by the caller */
	for (const char *c = p->countries; c && *c;) {
		size_t n = strcspn(c, ";");
		if ((rc = prep(st, "INSERT OR IGNORE INTO programme_country (programme_id, country) VALUES (?, ?)", &s,
			       err)))
			return rc;
		sqlite3_bind_int64(s, 1, p->id);
		sqlite3_bind_text(s, 2, c, (int)n, SQLITE_TRANSIENT);
		if ((rc = step_done(st, s, "storing a programme's countries", err)))
			return rc;
		c += n;
		if (*c)
			c++;
	}
	return 0;
}

int storage_programme_list(struct storage *st, const char *country, struct programme **list, size_t *count,
			   struct sanad_error *err)
{
	sqlite3_stmt *s;
	struct programme *items = NULL;
	size_t n = 0, alloc = 0;
	int rc;

	*list = NULL;
	*count = 0;
	if ((rc = prep(st,
		       "SELECT p.id, p.code, p.name, p.name_ar, p.type, p.goals, p.partner, p.partner_kind, "
		       "(SELECT group_concat(country, ';') FROM (SELECT country FROM programme_country "
		       " WHERE programme_id = p.id ORDER BY country)), "
		       "p.amount, p.currency, p.start_date, p.end_date, p.people_trained, p.victims_assisted "
		       "FROM programme p WHERE ?1 IS NULL OR EXISTS (SELECT 1 FROM programme_country c "
		       " WHERE c.programme_id = p.id AND c.country = ?1) ORDER BY p.code",
		       &s, err)))
		return rc;
	bind_text(s, 1, country);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		struct programme *p;
		ALLOC_GROW(items, n + 1, alloc);
		p = &items[n++];
		memset(p, 0, sizeof(*p));
		p->id = sqlite3_column_int64(s, 0);
		p->code = dup_col(s, 1);
		p->name = dup_col(s, 2);
		p->name_ar = dup_col(s, 3);
		p->type = dup_col(s, 4);
		p->goals = dup_col(s, 5);
		p->partner = dup_col(s, 6);
		p->partner_kind = dup_col(s, 7);
		p->countries = dup_col(s, 8);
		p->amount = dup_col(s, 9);
		p->currency = dup_col(s, 10);
		p->start_date = dup_col(s, 11);
		p->end_date = dup_col(s, 12);
		p->people_trained = int_col(s, 13);
		p->victims_assisted = int_col(s, 14);
	}
	sqlite3_finalize(s);
	*list = items;
	*count = n;
	if (rc != SQLITE_DONE)
		return storage_sql_error(st, err, "reading programmes");
	return 0;
}

int storage_programme_link(struct storage *st, int64_t programme_id, int64_t recommendation_id,
			   struct sanad_error *err)
{
	sqlite3_stmt *s;
	int rc;
	if ((rc = prep(st, "INSERT INTO programme_recommendation (programme_id, recommendation_id) VALUES (?, ?)", &s,
		       err)))
		return rc;
	sqlite3_bind_int64(s, 1, programme_id);
	sqlite3_bind_int64(s, 2, recommendation_id);
	rc = sqlite3_step(s);
	sqlite3_finalize(s);
	if (rc == SQLITE_CONSTRAINT_PRIMARYKEY || rc == SQLITE_CONSTRAINT)
		return sanad_error_set(err, SANAD_EEXIST, "the programme is linked to that recommendation already");
	if (rc != SQLITE_DONE)
		return storage_sql_error(st, err, "linking a programme");
	return 0;
}

int storage_programme_links(struct storage *st, struct programme_link **links, size_t *count,
			    struct sanad_error *err)
{
	sqlite3_stmt *s;
	struct programme_link *items = NULL;
	size_t n = 0, alloc = 0;
	int rc;

	*links = NULL;
	*count = 0;
	if ((rc = prep(st,
		       "SELECT l.programme_id, p.code, l.recommendation_id FROM programme_recommendation l "
		       "JOIN programme p ON p.id = l.programme_id ORDER BY l.recommendation_id, p.code",
		       &s, err)))
		return rc;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		ALLOC_GROW(items, n + 1, alloc);
		items[n].programme_id = sqlite3_column_int64(s, 0);
		items[n].programme_code = dup_col(s, 1);
		items[n].recommendation_id = sqlite3_column_int64(s, 2);
		n++;
	}
	sqlite3_finalize(s);
	*links = items;
	*count = n;
	if (rc != SQLITE_DONE)
		return storage_sql_error(st, err, "reading programme links");
	return 0;
}

void programme_links_free(struct programme_link *links, size_t count)
{
	for (size_t i = 0; i < count; i++)
		free(links[i].programme_code);
	free(links);
}

/* ---- tier history ---- */

int storage_tier_put(struct storage *st, const struct tier_entry *e, struct sanad_error *err)
{
	sqlite3_stmt *s;
	int rc;
	if ((rc = prep(st,
		       "INSERT INTO tier_history (country, year, source, tier, criteria, result) VALUES (?, ?, ?, ?, ?, ?) "
		       "ON CONFLICT (country, year, source) DO UPDATE SET tier = excluded.tier, "
		       "criteria = excluded.criteria, result = excluded.result, "
		       "recorded_at = strftime('%Y-%m-%dT%H:%M:%SZ','now')",
		       &s, err)))
		return rc;
	bind_text(s, 1, e->country);
	sqlite3_bind_int(s, 2, e->year);
	bind_text(s, 3, e->source);
	bind_text(s, 4, e->tier);
	bind_text(s, 5, e->criteria);
	bind_text(s, 6, e->result);
	return step_done(st, s, "storing a tier placement", err);
}

int storage_tier_list(struct storage *st, const char *country, struct tier_entry **list, size_t *count,
		      struct sanad_error *err)
{
	sqlite3_stmt *s;
	struct tier_entry *items = NULL;
	size_t n = 0, alloc = 0;
	int rc;

	*list = NULL;
	*count = 0;
	if ((rc = prep(st,
		       "SELECT country, year, source, tier, criteria, result FROM tier_history "
		       "WHERE ?1 IS NULL OR country = ?1 ORDER BY country, year, source",
		       &s, err)))
		return rc;
	bind_text(s, 1, country);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		ALLOC_GROW(items, n + 1, alloc);
		memset(&items[n], 0, sizeof(items[n]));
		country_col(s, 0, items[n].country);
		items[n].year = sqlite3_column_int(s, 1);
		items[n].source = dup_col(s, 2);
		items[n].tier = dup_col(s, 3);
		items[n].criteria = dup_col(s, 4);
		items[n].result = dup_col(s, 5);
		n++;
	}
	sqlite3_finalize(s);
	*list = items;
	*count = n;
	if (rc != SQLITE_DONE)
		return storage_sql_error(st, err, "reading the tier history");
	return 0;
}

void tier_entries_free(struct tier_entry *list, size_t count)
{
	for (size_t i = 0; i < count; i++) {
		free(list[i].source);
		free(list[i].tier);
		free(list[i].criteria);
		free(list[i].result);
	}
	free(list);
}

/* ---- the case register's contribution ---- */

int storage_register_victims(struct storage *st, const char *country, const char *from, const char *to,
			     int64_t *identified, int64_t *assisted, struct sanad_error *err)
{
	sqlite3_stmt *s;
	int rc;

	*identified = *assisted = 0;
	/* The cases of the country, pooled, not recorded as "not a victim". */
#define REGISTER_CASES \
	"FROM cases c JOIN organisation o ON o.id = c.org_id " \
	"WHERE o.in_pool = 1 AND coalesce(c.snd_CountryOfIdentification, o.country) = ?1 " \
	"AND coalesce(c.vic_TraffickingStatus, '') <> 'NotAVictimOfTrafficking' "
	if ((rc = prep(st,
		       "SELECT "
		       "(SELECT count(*) " REGISTER_CASES
		       " AND coalesce(c.snd_IdentificationDate, c.snd_RegistrationDate) BETWEEN ?2 AND ?3), "
		       "(SELECT count(*) " REGISTER_CASES
		       " AND EXISTS (SELECT 1 FROM case_service v WHERE v.case_id = c.id "
		       "  AND v.snd_ServiceStart IS NOT NULL AND v.snd_ServiceStart <= ?3 "
		       "  AND (v.snd_ServiceEnd IS NULL OR v.snd_ServiceEnd >= ?2)))",
		       &s, err)))
		return rc;
#undef REGISTER_CASES
	bind_text(s, 1, country);
	bind_text(s, 2, from);
	bind_text(s, 3, to);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		*identified = sqlite3_column_int64(s, 0);
		*assisted = sqlite3_column_int64(s, 1);
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_ROW)
		return storage_sql_error(st, err, "counting victims in the case register");
	return 0;
}
