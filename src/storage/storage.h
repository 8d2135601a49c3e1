/*
 * storage: the only module that speaks SQL.  Everything above it (import,
 * export, statistics, the CLI and the web server) goes through this
 * interface, so a PostgreSQL backend is a second implementation of these
 * functions and nothing above changes.
 *
 * The embedded backend is SQLite in WAL mode with synchronous=FULL (NORMAL
 * can lose committed transactions on power loss), foreign keys on and
 * secure_delete on (deleted victim data is overwritten, not left in free
 * pages).  A struct storage is one connection: use it from one thread at a
 * time; open one per thread for concurrency.
 */
#ifndef SANAD_STORAGE_H
#define SANAD_STORAGE_H

#include "domain/domain.h"

struct storage;

enum storage_open_flags {
	STORAGE_CREATE = 1 << 0,   /* create a new database; fail if the file exists */
	STORAGE_READONLY = 1 << 1,
};

/* Open (and with STORAGE_CREATE, create) the database at path, applying any
 * pending migrations.  On success *out is a new handle for storage_close. */
int storage_open(struct storage **out, const char *path, unsigned flags, struct sanad_error *err);
void storage_close(struct storage *st);
/* Schema version (number of the last migration applied). */
int storage_schema_version(struct storage *st);
/* Latest schema version this build knows. */
int storage_schema_latest(void);

/* Transactions.  storage_begin takes the write lock at once (BEGIN
 * IMMEDIATE), so a long import fails fast rather than deadlocking later. */
int storage_begin(struct storage *st, struct sanad_error *err);
int storage_commit(struct storage *st, struct sanad_error *err);
void storage_rollback(struct storage *st);

/* Key/value settings kept in the database (meta table).  *value is a new
 * string, or NULL when unset. */
int storage_meta_get(struct storage *st, const char *key, char **value, struct sanad_error *err);
int storage_meta_set(struct storage *st, const char *key, const char *value, struct sanad_error *err);

struct organisation {
	int64_t id;
	char *code;
	char *name;
	char *name_ar;
	char *org_type; /* list org_type */
	char *country;  /* ISO 3166 alpha-2 */
	int in_pool;
	int own_cases_only;
};
void organisation_release(struct organisation *o);

/* Add an organisation (o->code and o->name required); sets o->id. */
int storage_org_add(struct storage *st, struct organisation *o, struct sanad_error *err);
/* Find by code; SANAD_ENOTFOUND if absent.  Fills *o (release it). */
int storage_org_get(struct storage *st, const char *code, struct organisation *o,
		    struct sanad_error *err);
/* All organisations ordered by code; *list is new (free each and the array). */
int storage_org_list(struct storage *st, struct organisation **list, size_t *count,
		     struct sanad_error *err);

/* Insert a case with its repeating parts.  snd_Organisation must name an
 * existing organisation.  If snd_CaseRef is unset a reference is generated
 * ("SND-000123") and stored in c.  Sets c->id. */
int storage_case_insert(struct storage *st, struct case_record *c, struct sanad_error *err);
/* Replace the stored case c->id (fields and all repeating parts) with c. */
int storage_case_update(struct storage *st, const struct case_record *c, struct sanad_error *err);
/* Load the case with reference ref into *out (initialised here). */
int storage_case_get(struct storage *st, const char *ref, struct case_record *out,
		     struct sanad_error *err);

struct case_query {
	const char *org_code;   /* only this organisation's cases, if set */
	const char *owner;      /* only cases whose cas_CaseOwner is this, if set */
	int64_t after_id;       /* keyset paging: cases with id > after_id */
	int64_t limit;          /* 0: no limit */
	int with_children;      /* also load repeating parts */
};
/* Call fn for each matching case in id order; fn returning non-zero stops
 * the walk and that value is returned.  The record is only valid during
 * the call. */
typedef int (*case_visit_fn)(const struct case_record *c, void *ctx);
int storage_case_each(struct storage *st, const struct case_query *q, case_visit_fn fn, void *ctx,
		      struct sanad_error *err);
int storage_case_count(struct storage *st, const struct case_query *q, int64_t *count,
		       struct sanad_error *err);

/* Stream chosen case-level fields of every case (for statistics):
 * fn gets the values in the order of fields (NULL when unknown).  year > 0
 * restricts to snd_YearOfRegistration = year.  Field names must be case
 * fields of the registry (or "snd_Organisation"). */
typedef int (*row_visit_fn)(const char *const *values, void *ctx);
int storage_case_scan(struct storage *st, const char *const *fields, int nfields, int year,
		      row_visit_fn fn, void *ctx, struct sanad_error *err);

/* Count per organisation and overall: for summaries. */
int storage_summary(struct storage *st, struct strbuf *out, struct sanad_error *err);

/* Online backup to a new file (refuses to overwrite), consistent even while
 * others write. */
int storage_backup(struct storage *st, const char *dest, struct sanad_error *err);
/* Integrity: SQLite's own check, foreign keys, and every stored value
 * against the registry and vocabularies.  Appends one line per problem to
 * report and sets *problems. */
int storage_check(struct storage *st, struct strbuf *report, int *problems, struct sanad_error *err);

#endif
