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
/* The path the handle was opened with.  Borrowed. */
const char *storage_path(struct storage *st);
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
 * existing organisation.  If snd_CaseRef is unset a reference is made from
 * the id ("SND-000123") and set in c.  A given reference in that form is
 * refused (SANAD_EEXIST) if the case of that id has it, as is one another
 * case was given; otherwise later ids are given from above it.
 * Sets c->id. */
int storage_case_insert(struct storage *st, struct case_record *c, struct sanad_error *err);
/* Insert cases[0..n) in order, each as storage_case_insert would, for bulk
 * imports: runs of cases without repeating parts or sealed values are
 * written by one statement, which costs SQLite far less per case than one
 * statement per case.  shapes, when given, holds case_record_shape(cases[i])
 * made by the caller where the records are in cache: the batch then reads
 * only the values it writes.  A shape must describe its case as it is.  A
 * case of such a run that has no snd_CaseRef gets one made from its id
 * ("SND-000123") in the database only: it is not stored in c, whose id says
 * which it is (an allocation per case, freed by the importer's other
 * thread, cost both threads).  Returns 0 with
 * *done = n, or an error for cases[*done]: the cases before it are
 * inserted, it and those after are not (SANAD_EEXIST: its snd_CaseRef
 * exists; the caller may go on from *done + 1).  Any other error leaves the
 * transaction to be rolled back. */
int storage_case_insert_batch(struct storage *st, struct case_record *const *cases,
			      const struct case_shape *shapes, size_t n, size_t *done, struct sanad_error *err);
/* Replace the stored case c->id (fields and all repeating parts) with c.
 * snd_CaseRef unset, or the case's made reference, gives it its made one
 * back; references are refused as for storage_case_insert. */
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
	/* filters of the web API's lists (each optional; added for src/http) */
	const char *stage;           /* snd_Stage is this code */
	const char *status;          /* cas_Status is this code */
	const char *followup_before; /* snd_NextFollowUpDate is before this date (YYYY-MM-DD) */
	int open_only;               /* cas_Status is not Closed or ClosedReferred */
	const char *consent_scope;   /* the case has a consent item of this scope */
	const char *referred_to;     /* the case has a referral item to this organisation code */
	const char *referral_status; /* ... with this snd_ReferralStatus (unset counts as Pending) */
	/* only these case fields (NULL-terminated names) are read, and only
	 * their sealed values decrypted; the others are left NULL.  NULL: all.
	 * For lists, which show a dozen fields of each case. */
	const char *const *fields;
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

/* ---- export support (exporter, case listing) ---- */

/* Start a read transaction: the queries that follow see one consistent
 * snapshot even while others write (an export's column set and its rows must
 * agree).  Works on a read-only handle; end it with storage_rollback.  Not
 * inside another transaction. */
int storage_begin_read(struct storage *st, struct sanad_error *err);
/* The most items any one case has in repeating group g (0 when no case has
 * any), counting only the cases of organisation org_code when it is set. */
int storage_max_items(struct storage *st, enum group_id g, const char *org_code, int64_t *n,
		      struct sanad_error *err);

/* ---- encryption at rest (db_sqlite_crypto.c) ----
 * Fields flagged FF_IDENTITY or FF_NARRATIVE are sealed with the database's
 * key (crypto.h) on every write and opened on every read, so everything
 * above storage sees plain canonical values.  The key lives in a file
 * outside the database.  storage_open finds it at "<db>.key"
 * (crypto_key_default_path); with STORAGE_CREATE it creates that file
 * (refusing an existing one).  A handle without a key can read and write
 * everything else, but refuses to write an identity or narrative value and
 * fails to read one, naming the key file it looked for.  The database keeps
 * a key-check value (meta key_check), so a wrong key fails at open. */

/* storage_open with an explicit key file (NULL: the default path). */
int storage_open_keyed(struct storage **out, const char *path, unsigned flags, const char *key_path,
		       struct sanad_error *err);
struct crypto_key;
/* Attach (replace) the key of an open handle; checks it against the
 * database's key-check value (and stores one if the database has none). */
int storage_attach_key(struct storage *st, const struct crypto_key *key, struct sanad_error *err);
int storage_has_key(struct storage *st);
/* The key file path this handle uses (or looked for).  Borrowed. */
const char *storage_key_path(struct storage *st);

/* Re-encrypt every sealed (and any legacy plain) identity/narrative value
 * and every name token with new_key, in one transaction (not inside
 * another).  The handle must have the current key; on success it holds
 * new_key.  *values counts the values rewritten. */
int storage_rekey(struct storage *st, const struct crypto_key *new_key, int64_t *values,
		  struct sanad_error *err);
/* Build every name-search token and match key again with the current name
 * rules (src/domain name_skeleton), keeping the key: after an upgrade that
 * changed the rules, old cases are found and matched like new ones.  One
 * transaction, like storage_rekey (which it is, to the same key). */
int storage_refresh_name_tokens(struct storage *st, int64_t *values, struct sanad_error *err);

/* Name search: cases whose stored name tokens (keyed hashes of the
 * normalised and of the cross-script skeleton form of each word of
 * prs_FirstName, prs_MiddleName, prs_SecondName) match any word of query,
 * among the cases of org_code (NULL: all organisations; the caller filters
 * with policy).
 * Best matches first (more words matched), then by id; at most limit (0:
 * 100).  *matches is new: free with name_matches_free. */
struct name_match {
	int64_t case_id;
	char *case_ref;
	char *org_code;
	int score; /* query words matched */
};
int storage_case_search_name(struct storage *st, const char *query, const char *org_code, int64_t limit,
			     struct name_match **matches, size_t *count, struct sanad_error *err);
void name_matches_free(struct name_match *m, size_t count);
/* Load a case by its storage id (like storage_case_get). */
int storage_case_get_by_id(struct storage *st, int64_t id, struct case_record *out,
			   struct sanad_error *err);
/* 1 if a transaction is open on this handle. */
int storage_in_transaction(struct storage *st);

/* ---- accounts, sessions, tokens, throttling (db_sqlite_auth.c) ----
 * Row-level access for the auth module; it holds the rules. */
struct account {
	int64_t id;
	char *username;
	char *display_name;
	char *role;          /* role name (policy.h) */
	char *org_code;      /* NULL for deployment-wide roles */
	char *org_type;      /* read only: the organisation's org_type */
	int own_cases_only;  /* read only: the organisation's setting */
	char *language;
	char *password_hash;
	int disabled;
};
void account_release(struct account *a);
int storage_account_add(struct storage *st, struct account *a, struct sanad_error *err);
/* SANAD_ENOTFOUND if there is no such account. */
int storage_account_get(struct storage *st, const char *username, struct account *out,
			struct sanad_error *err);
int storage_account_list(struct storage *st, const char *org_code, struct account **list,
			 size_t *count, struct sanad_error *err);
/* Update role, org, language, password hash, disabled of account a->id
 * (all of them, from a). */
int storage_account_update(struct storage *st, const struct account *a, struct sanad_error *err);

int storage_session_add(struct storage *st, const char *id_hash, int64_t account_id, const char *csrf,
			int64_t now, struct sanad_error *err);
/* Find a live session: fills *account (release it), *csrf (new),
 * *created and *last_seen.  SANAD_ENOTFOUND if absent. */
int storage_session_get(struct storage *st, const char *id_hash, struct account *account, char **csrf,
			int64_t *created, int64_t *last_seen, struct sanad_error *err);
int storage_session_touch(struct storage *st, const char *id_hash, int64_t now, struct sanad_error *err);
int storage_session_delete(struct storage *st, const char *id_hash, struct sanad_error *err);
/* Delete the sessions of an account, except keep_hash (may be NULL). */
int storage_session_delete_account(struct storage *st, int64_t account_id, const char *keep_hash,
				   struct sanad_error *err);
/* Delete sessions created before created_before or idle since idle_before. */
int storage_session_purge(struct storage *st, int64_t created_before, int64_t idle_before,
			  struct sanad_error *err);

int storage_token_add(struct storage *st, const char *hash, int64_t account_id, const char *label,
		      int64_t now, struct sanad_error *err);
/* Find an unrevoked token and its account; marks it used at now. */
int storage_token_get(struct storage *st, const char *hash, int64_t now, struct account *account,
		      struct sanad_error *err);
int storage_token_revoke(struct storage *st, int64_t account_id, const char *label,
			 struct sanad_error *err);

/* Login throttling counters, keyed by a hash of "user:NAME" / "addr:ADDR". */
struct throttle {
	int64_t failures;
	int64_t last_failure; /* Unix seconds */
	int64_t locked_until; /* Unix seconds, 0 if not locked */
};
/* *t zeroed when the key has no counter. */
int storage_throttle_get(struct storage *st, const char *key_hash, struct throttle *t,
			 struct sanad_error *err);
int storage_throttle_set(struct storage *st, const char *key_hash, const struct throttle *t,
			 struct sanad_error *err);
int storage_throttle_clear(struct storage *st, const char *key_hash, struct sanad_error *err);

/* ---- audit trail rows (db_sqlite_audit.c); the chain is audit.c's ---- */
struct audit_row {
	int64_t id;
	char *at;        /* "YYYY-MM-DDTHH:MM:SSZ" */
	char *actor;
	char *org_code;
	char *action;
	char *case_ref;
	char *detail;
	char *prev_hash; /* hex */
	char *hash;      /* hex */
};
void audit_row_release(struct audit_row *r);
/* Id and hash of the last row: *id 0 and hash "" when the trail is empty. */
int storage_audit_last(struct storage *st, int64_t *id, char hash[65], struct sanad_error *err);
/* For a connection that appends audit records all day (the server's audit
 * writer): its commits no longer copy the write-ahead log back into the
 * database (a checkpoint of thousands of pages stalled every answer
 * waiting for the commit); another connection does that with
 * storage_checkpoint, when storage_wal_pages says the log has grown. */
int storage_audit_writer_tune(struct storage *st, struct sanad_error *err);
/* Pages in the write-ahead log after st's last commit (only on a
 * connection given to storage_audit_writer_tune; 0 elsewhere). */
int storage_wal_pages(const struct storage *st);
/* Copy the write-ahead log back into the database: what it can without
 * waiting (PASSIVE), then the rest, waiting briefly for the writer and
 * readers (RESTART), so that the log starts again from its beginning. */
int storage_checkpoint(struct storage *st, struct sanad_error *err);
/* Whether st's commits copy the log back into the database once it passes
 * 1000 pages (SQLite's default; on).  `sanad import` turns it off so that
 * the commit of a million rows does not also wait for their checkpoint,
 * which it then makes itself while other work runs. */
void storage_autocheckpoint(struct storage *st, int on);
/* Insert r as given (r->id must be last id + 1). */
int storage_audit_insert(struct storage *st, const struct audit_row *r, struct sanad_error *err);
/* Recompute the browse index (the rows of audit_log_block, one per case,
 * organisation and actor of each complete block of records) and compare:
 * [*bad_from, *bad_to] are the ids of the first block whose index rows
 * differ from its records, both 0 when all agree.  An index row removed or altered hides records from
 * the browse without breaking the hash chain, so audit verify asks this. */
int storage_audit_index_check(struct storage *st, int64_t *bad_from, int64_t *bad_to, struct sanad_error *err);
/* Walk all rows in id order. */
typedef int (*audit_visit_fn)(const struct audit_row *r, void *ctx);
int storage_audit_each(struct storage *st, audit_visit_fn fn, void *ctx, struct sanad_error *err);
struct audit_query {
	const char *org_code;  /* only this organisation's rows */
	const char *case_ref;  /* only this case's rows */
	const char *actor;     /* only this actor's rows */
	int64_t before_id;     /* paging: rows with id < before_id (0: from the newest) */
	int64_t limit;         /* 0: 100 */
};
/* Rows matching q, newest first.  *rows new (release each, free array).
 * With a filter, reads the browse index block by block (one lookup per
 * 16,384 records) and the unfinished last block itself. */
int storage_audit_query(struct storage *st, const struct audit_query *q, struct audit_row **rows,
			size_t *count, struct sanad_error *err);

/* ---- web API support (db_sqlite_web.c; added for src/http) ---- */

/* A case's id and the time it last changed (updated_at, Unix seconds: every
 * change of a case or of its repeating groups goes through
 * storage_case_update, which sets it).  Much cheaper than reading the case:
 * the server checks with it that a case it remembers is still as it was.
 * SANAD_ENOTFOUND if there is no case ref. */
int storage_case_stamp(struct storage *st, const char *ref, int64_t *id, int64_t *updated_at,
		       struct sanad_error *err);

/* Change the name, Arabic name, in_pool and own_cases_only of the
 * organisation o->code (code, type and country stay).  SANAD_ENOTFOUND if
 * there is none. */
int storage_org_update(struct storage *st, const struct organisation *o, struct sanad_error *err);

/* ---- national response, programmes, tier history (db_sqlite_response.c; issue 6) ----
 * Rows of the response module (src/response), which validates every value
 * against the vocabularies before it gets here and holds the rules.  Nothing
 * in these tables is personal data.  A country is an ISO 3166 alpha-2 code,
 * a year a report year (period 1 April year-1 to 31 March year), a date
 * "YYYY-MM-DD".  Numbers that may be unknown use -1 for "not known". */
struct response_finding {
	char country[3];
	int year;
	char *finding;          /* full, significant_efforts, no_significant_efforts */
	char *justification;    /* English, or NULL */
	char *justification_ar; /* Arabic, or NULL */
	char *scope;            /* scope and nature of trafficking, English, or NULL */
	char *scope_ar;
	int efforts_rest_on_commitments;
	char *waivers;          /* ';'-joined waiver codes, or NULL */
	int compliant_before_sanctions;
	int victims_from_register;
};
struct response_justice {
	int64_t id;
	char country[3];
	int year;
	char *stage;             /* list justice_stage */
	int64_t count;
	char *law;               /* or NULL */
	char *exploitation;      /* list exploitation_type, or NULL */
	int64_t sentence_months; /* -1: not known */
	int suspended;           /* 0/1, -1: not known */
	int official_involved;
	char *action;            /* list action_kind */
	char *source;            /* list fact_source */
	char *source_date;
	char *source_ref;
	char *note;
};
struct response_penalty {
	int64_t id;
	char country[3];
	int year;
	char *law;
	double min_years;
	char *exploitation; /* or NULL: every form */
	char *action;
	char *source;
	char *source_date;
	char *source_ref;
	char *note;
};
struct response_fact {
	int64_t id;
	char country[3];
	int year;
	char *kind;    /* list response_fact */
	int64_t count; /* -1: none given */
	int flag;      /* 0/1, -1: none given */
	char *text;
	char *text_ar;
	char *action;
	char *source;
	char *source_date;
	char *source_ref;
};
struct response_recommendation {
	int64_t id;
	char country[3];
	int year;
	int number;       /* reference CC-YYYY-N */
	char *pillar;     /* list programme_goal, or NULL */
	char *check_code; /* the guideline check it came from, or NULL */
	char *text;
	char *text_ar;
};
/* Everything stored for some country-years, each array ordered by country,
 * year and id (recommendations by number). */
struct response_rows {
	struct response_finding *findings;
	size_t nfindings;
	struct response_justice *justice;
	size_t njustice;
	struct response_penalty *penalties;
	size_t npenalties;
	struct response_fact *facts;
	size_t nfacts;
	struct response_recommendation *recommendations;
	size_t nrecommendations;
};
void response_rows_release(struct response_rows *rows);
void response_finding_release(struct response_finding *f);

/* Load the rows of country (NULL: every country) for report years
 * year_from..year_to into *out (initialised here; release it). */
int storage_response_load(struct storage *st, const char *country, int year_from, int year_to,
			  struct response_rows *out, struct sanad_error *err);
/* Delete the finding, justice records, penalties and facts of a country-year
 * (recommendations stay: programmes link to them). */
int storage_response_clear(struct storage *st, const char *country, int year, struct sanad_error *err);
/* Insert or replace the finding of f->country, f->year. */
int storage_finding_put(struct storage *st, const struct response_finding *f, struct sanad_error *err);
/* Append one row; each sets ->id. */
int storage_justice_add(struct storage *st, struct response_justice *j, struct sanad_error *err);
int storage_penalty_add(struct storage *st, struct response_penalty *p, struct sanad_error *err);
int storage_fact_add(struct storage *st, struct response_fact *f, struct sanad_error *err);
/* Delete one row of table kind ("justice", "penalty", "fact" or
 * "recommendation") by id; SANAD_ENOTFOUND if there is none. */
int storage_response_delete(struct storage *st, const char *kind, int64_t id, struct sanad_error *err);
/* Add a recommendation: r->number 0 takes the next free number of the
 * country-year.  Sets r->id and r->number. */
int storage_recommendation_add(struct storage *st, struct response_recommendation *r,
			       struct sanad_error *err);
/* Replace pillar, check and texts of recommendation (country, year, number);
 * SANAD_ENOTFOUND if there is none.  Sets r->id. */
int storage_recommendation_update(struct storage *st, struct response_recommendation *r,
				  struct sanad_error *err);

struct programme {
	int64_t id;
	char *code;
	char *name;
	char *name_ar;
	char *type;          /* list programme_type */
	char *goals;         /* list programme_goal codes, ';'-joined, or NULL */
	char *partner;
	char *partner_kind;  /* list partner_kind, or NULL */
	char *countries;     /* alpha-2 codes, ';'-joined in code order, or NULL */
	char *amount;        /* decimal text, or NULL */
	char *currency;      /* ISO 4217, or NULL */
	char *start_date;
	char *end_date;
	int64_t people_trained;   /* -1: not reported */
	int64_t victims_assisted; /* -1: not reported */
};
void programme_release(struct programme *p);
/* Add a programme and its countries; SANAD_EEXIST if the code is taken. */
int storage_programme_add(struct storage *st, struct programme *p, struct sanad_error *err);
/* Programmes ordered by code; with country, only those working there. */
int storage_programme_list(struct storage *st, const char *country, struct programme **list,
			   size_t *count, struct sanad_error *err);
/* A link between a programme and a recommendation it answers. */
struct programme_link {
	int64_t programme_id;
	char *programme_code;
	int64_t recommendation_id;
};
/* SANAD_EEXIST if the link is there already. */
int storage_programme_link(struct storage *st, int64_t programme_id, int64_t recommendation_id,
			   struct sanad_error *err);
/* Every link, ordered by recommendation id then programme code. */
int storage_programme_links(struct storage *st, struct programme_link **links, size_t *count,
			    struct sanad_error *err);
void programme_links_free(struct programme_link *links, size_t count);

/* One placement of a country in a report year.  source "assessment"
 * (computed by Sanad) or "tip_report" (imported). */
struct tier_entry {
	char country[3];
	int year;
	char *source;
	char *tier;     /* "1", "2", "2WL", "3" */
	char *criteria; /* "a;b", or NULL */
	char *result;   /* the assessment's JSON object as text, or NULL */
};
/* Insert or replace the entry of (country, year, source). */
int storage_tier_put(struct storage *st, const struct tier_entry *e, struct sanad_error *err);
/* Entries ordered by country, year and source; country NULL: all. */
int storage_tier_list(struct storage *st, const char *country, struct tier_entry **list, size_t *count,
		      struct sanad_error *err);
void tier_entries_free(struct tier_entry *list, size_t count);

/* Victims in the case register for a country and period, counted from the
 * cases of organisations that join the national pool (in_pool): a case
 * counts when its country of identification (else its organisation's
 * country) is country, it is not recorded as "not a victim", and its
 * identification date (else its registration date) lies in from..to
 * (inclusive).  *assisted counts the cases with a service that started on
 * or before to and had not ended before from. */
int storage_register_victims(struct storage *st, const char *country, const char *from, const char *to,
			     int64_t *identified, int64_t *assisted, struct sanad_error *err);

/* ---- bulk loading (db_sqlite.c, end; added for the importer, issue 3) ----
 * storage_begin_bulk is storage_begin for a transaction that will insert
 * very many cases (an import): one transaction, all or nothing,
 * synchronous=FULL.  While it lasts the page cache is larger (256 MiB, used
 * only as needed), so a big import spills and rewrites fewer pages before
 * its commit.  With alone, and when no other connection has the file open
 * at that moment, the transaction uses a rollback journal instead of the
 * WAL, which writes each new page once instead of twice; other processes
 * opening the file meanwhile can read, but writers among them wait for the
 * import (see db_sqlite.c).  Without alone, or with the file in use, it
 * runs in WAL and readers go on as usual.  End it with storage_commit or
 * storage_rollback, which put the cache and the WAL back. */
int storage_begin_bulk(struct storage *st, int alone, struct sanad_error *err);
/* 1 while a storage_begin_bulk transaction writes through a rollback journal. */
int storage_bulk_direct(const struct storage *st);
/* 1 while a helper thread has the disk start writing the pages of this
 * direct bulk transaction as they reach the file, so that its commit waits
 * less (db_sqlite_writeback.c); 0 otherwise. */
int storage_bulk_writeback(const struct storage *st);

/* ---- population and figures (issue 5) ---- */

/* The match key a case with these values gets (cases.match_key): 1 and 33
 * bytes of hex in out when there is a name (any of the three fields) and a
 * birth date and a key is attached, else 0.  Exposed so tests can check
 * which spellings agree; storage sets the column itself on every insert,
 * update and rekey. */
int storage_match_key(struct storage *st, const char *first, const char *middle, const char *second,
		      const char *birthdate, const char *citizenship, char out[33]);

/* Population figures for SDG indicator 16.2.2.  sex is a code of list sex
 * and age_group a code of list majority_status or age_band; "" in either
 * means all. */
struct population_entry {
	int year;
	char *sex;        /* "" for both sexes */
	char *age_group;  /* "" for all ages */
	int64_t count;    /* > 0 */
	char *source;     /* NULL when not given */
	char *updated_at; /* set by list; ignored by put */
};
void population_entries_free(struct population_entry *list, size_t count);
/* Insert or replace the figures e[0..n) in one transaction of their own
 * (not inside another): all are written or, on any failure, none.  Codes
 * are stored as given (the caller validates them); count must be > 0. */
int storage_population_put(struct storage *st, const struct population_entry *e, size_t n,
			   struct sanad_error *err);
/* Every figure (year 0) or a year's, ordered by year, sex, age group. */
int storage_population_list(struct storage *st, int year, struct population_entry **list, size_t *count,
			    struct sanad_error *err);
/* Remove the figure (year, sex, age_group); SANAD_ENOTFOUND if there is none. */
int storage_population_delete(struct storage *st, int year, const char *sex, const char *age_group,
			      struct sanad_error *err);

/* Every item of repeating group g (perpetrators, services ...) in case id
 * and item order: fn gets the case id, the case's snd_YearOfRegistration
 * (0 when unknown) and the values of fields (fields of group g that are not
 * sealed; NULL when unknown), for the cases with ids from_id..to_id (0:
 * no bound), so a caller that knows which cases it wants reads only their
 * range.  GROUP_CASE walks the cases themselves (snd_Organisation is not
 * available there).  A non-zero return of fn stops the walk and is
 * returned. */
typedef int (*item_visit_fn)(int64_t case_id, int case_year, const char *const *values, void *ctx);
int storage_item_scan(struct storage *st, enum group_id g, const char *const *fields, int nfields,
		      int64_t from_id, int64_t to_id, item_visit_fn fn, void *ctx, struct sanad_error *err);

/* ---- statistics engine (db_sqlite_stats.c; issue 5) ----
 * Row access for the aggregation engine of src/stats (which holds the
 * rules): streaming the values it indexes, the change log and high-water
 * mark of migration 6, and its saved bitmaps.  Besides case fields, a scan
 * reads these derived values (pseudo-fields), computed here from the
 * repeating parts so that nothing above storage needs SQL:
 *   stat:service_type, stat:service_mode   ';'-joined codes of the case's services
 *   stat:outcome           ';'-joined codes of list case_outcome
 *   stat:days_to_service   code of list days_band: identification (else
 *                          registration) date to the earliest service start
 *   stat:route_origin      country of the earliest Recruitment event, else
 *                          the first nationality
 *   stat:route_transit     ';'-joined countries of Transit events
 *   stat:route_destination snd_CountryOfExploitation, else the country of
 *                          the earliest Exploitation event
 *   stat:consent           "1" when the latest StatisticalUse consent item
 *                          (by snd_ConsentDate, then seq) is given, else NULL
 * snd_Organisation reads the organisation's code. */
#define STORAGE_STATS_FIELD_PREFIX "stat:"

/* fn gets the part (0..nparts-1; called from several threads at once when
 * nparts > 1), the case id and the values in the order of fields. */
typedef int (*stats_visit_fn)(int part, int64_t id, const char *const *values, void *ctx);
/* Cases with after_id < id <= upto_id, in up to nparts id ranges read at
 * once on separate read-only connections (fewer when a part would hold
 * fewer than min_part ids; 0: 50,000). */
int storage_stats_scan_range(struct storage *st, const char *const *fields, int nfields, int64_t after_id,
			     int64_t upto_id, int nparts, int64_t min_part, stats_visit_fn fn, void *ctx,
			     struct sanad_error *err);
/* The listed cases (ids ascending) that still exist, on st, part 0. */
int storage_stats_scan_ids(struct storage *st, const char *const *fields, int nfields, const int64_t *ids,
			   size_t nids, stats_visit_fn fn, void *ctx, struct sanad_error *err);

struct storage_stats_state {
	int64_t mark;   /* stats_mark.mark: changes to cases with id <= mark are logged */
	int64_t seq;    /* last stats_change seq ever written (0: none) */
	int64_t max_id; /* highest case id now (0: no cases) */
	int64_t pruned; /* stats_change rows with seq <= pruned are gone */
};
/* Read the state, one consistent snapshot.  With raise, first lift the mark
 * to the highest case id when it is below (through a connection of its own,
 * so a read-only handle can too); a raise that cannot be written (read-only
 * file, busy, st inside a transaction) is skipped: out->mark says what holds. */
int storage_stats_state(struct storage *st, int raise, struct storage_stats_state *out,
			struct sanad_error *err);
/* Distinct ids of the cases with id <= max_id logged after after_seq up to
 * upto_seq, ascending.  *ids new (free). */
/* Inside st's write transaction (a bulk import that built the statistics
 * indexes as it wrote, stats_feed_*): lift the mark to the highest case id
 * in the same transaction, so that every later change of the new cases is
 * logged from the moment they are committed, and count the cases with
 * id > after_id into *n. */
int storage_stats_mark_raise_within(struct storage *st, int64_t after_id, int64_t *n, struct sanad_error *err);
int storage_stats_changes(struct storage *st, int64_t after_seq, int64_t upto_seq, int64_t max_id,
			  int64_t **ids, size_t *n, struct sanad_error *err);
/* Saved bitmaps of the sets dims[0..n): fn gets the set's position k, each
 * value's code ("" for unknown) and its serialised bitmap; marks[k] and
 * seqs[k] the state they hold, -1 when nothing is saved for dims[k].  Read
 * in one snapshot on a read-only connection of its own with the file
 * memory-mapped (the bitmaps are megabytes). */
typedef int (*stats_bitmap_fn)(int k, const char *code, const void *blob, size_t len, void *ctx);
/* only (may be NULL): only[k], when not NULL, lists the codes of dims[k]
 * to read (nonly[k] of them). */
int storage_stats_bitmap_load(struct storage *st, const char *const *dims, int n,
			      const char *const *const *only, const int *nonly, stats_bitmap_fn fn,
			      void *ctx, int64_t *marks, int64_t *seqs, struct sanad_error *err);
/* Replace the saved bitmaps of dim, in one transaction on a connection of
 * its own, then drop the change log no saved set needs any more (recording
 * how far in meta stats_pruned).  Inside st's own transaction, they are
 * written in it instead (and commit or roll back with it): the caller must
 * then be describing exactly what that transaction will commit
 * (stats_feed_committing).  A cache: callers may ignore failure. */
int storage_stats_bitmap_save(struct storage *st, const char *dim, size_t n, const char *const *codes,
			      const void *const *blobs, const size_t *lens, int64_t mark, int64_t seq,
			      struct sanad_error *err);
/* Cases sharing a match_key with another case: fn gets (key number, id),
 * ordered by key then id; key numbers count from 0 per distinct key. */
typedef int (*stats_dup_fn)(int64_t key, int64_t id, void *ctx);
int storage_stats_duplicates(struct storage *st, stats_dup_fn fn, void *ctx, struct sanad_error *err);
/* Set (key NULL: clear) the match key of case id directly (tests; the
 * write path sets it for real).  SANAD_ENOTFOUND if there is no such case. */
int storage_case_set_match_key(struct storage *st, int64_t id, const char *key, struct sanad_error *err);

#endif
