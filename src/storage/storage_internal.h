/* storage/storage_internal.h: shared between the storage module's files only. */
#ifndef SANAD_STORAGE_INTERNAL_H
#define SANAD_STORAGE_INTERNAL_H

#include <sqlite3.h>
#include <time.h>

#include "storage/storage.h"

/* Slots of storage.hot (db_sqlite_auth.c, db_sqlite_audit.c). */
enum storage_hot {
	HOT_AUDIT_LAST,
	HOT_AUDIT_INSERT,
	HOT_ACCOUNT_GET,
	HOT_SESSION_GET,
	HOT_TOKEN_GET,
	HOT_CASE_STAMP,
	HOT_CASE_REF_TAKEN,
	STORAGE_HOT_COUNT
};

#define STORAGE_STMT_SLOTS 8

/* One connection.  Defined here so that each concern of the SQLite backend
 * (cases, accounts, audit, ...) can live in its own db_sqlite_*.c file. */
struct storage {
	sqlite3 *db;
	char *path;
	int64_t next_id;                          /* next generated case id, 0: unknown */
	int next_id_after_max;                    /* next_id is max(cases.id) + 1, SQLite's own choice */
	sqlite3_stmt *insert_case;
	sqlite3_stmt *insert_child[GROUP_COUNT];
	struct insert_shapes *insert_shapes;      /* INSERTs by present columns (db_sqlite.c) */
	sqlite3_stmt *org_by_code;
	/* small cache: last organisation code -> id */
	char *cached_org_code;
	int64_t cached_org_id;
	/* encryption at rest (db_sqlite_crypto.c) */
	struct crypto_key *key;                   /* NULL: no key attached */
	char *key_path;                           /* where the key is (or was looked for) */
	sqlite3_stmt *token_delete, *token_insert;
	sqlite3_stmt *match_update;               /* cases.match_key (issue 5) */
	int bulk;                                 /* a storage_begin_bulk transaction is open */
	int bulk_direct;                          /* ... in a rollback journal, not the WAL */
	struct bulk_writeback *writeback;         /* ... whose pages the disk writes meanwhile */
	/* the statements of the server's hot paths, prepared once per
	 * connection (parsing SQL was most of a case read's CPU time):
	 * finalised by storage_close; each is reset after use, so that none
	 * holds a read snapshot between calls */
	sqlite3_stmt *case_by_ref, *case_children[GROUP_COUNT];
	sqlite3_stmt *hot[STORAGE_HOT_COUNT];
	/* storage_case_each's statements, by SQL text (db_sqlite.c) */
	struct stmt_slot {
		char *sql;
		sqlite3_stmt *s;
		unsigned used;
		int busy;
	} stmt_slots[STORAGE_STMT_SLOTS];
	unsigned stmt_clock;
	int wal_pages;                            /* after this connection's last commit,
	                                           * when storage_audit_writer_tune set it */
};
/* The hot statement slot's statement, prepared on first use (NULL with err
 * set if that fails); sqlite3_reset it after use. */
sqlite3_stmt *storage_hot(struct storage *st, enum storage_hot slot, const char *sql, struct sanad_error *err);
/* Finalise the cached INSERTs by present columns (storage_close). */
void storage_insert_shapes_free(struct storage *st);
/* A thread that has the kernel start writing path's dirty pages every
 * 25 ms, or NULL (db_sqlite_writeback.c); stopped and freed by
 * storage_writeback_stop (NULL: nothing). */
struct bulk_writeback *storage_writeback_start(const char *path);
void storage_writeback_stop(struct bulk_writeback *w);
/* The VFS every storage connection opens its file with
 * (db_sqlite_coalesce.c): SQLite's own, except that a main database file
 * told SANAD_FCNTL_COALESCE (an int, 1 on, 0 off; set to the state after)
 * gathers writes that continue each other into writes of 64 KiB.
 * Registered once by storage_sqlite_configure; 0 if it could not be, and
 * connections then use SQLite's default VFS. */
#define SANAD_VFS "sanad"
#define SANAD_FCNTL_COALESCE 0x53414e44 /* "SAND": far above SQLite's own codes */
int storage_coalesce_vfs_register(void);
/* Gather db's main file writes (on) or stop, writing what is gathered
 * (off); 1 if gathering now. */
int storage_coalesce(sqlite3 *db, int on);
/* Undo storage_begin_bulk's settings once its transaction has ended. */
void storage_bulk_end(struct storage *st);

/* ---- shared by the db_sqlite_*.c files (defined in db_sqlite_crypto.c) ---- */
int storage_sql_error(struct storage *st, struct sanad_error *err, const char *what);
/* Process-wide SQLite settings, made once before the first connection
 * opens; every sqlite3_open_v2 in this module calls it first. */
void storage_sqlite_configure(void);
/* Find or (with STORAGE_CREATE) create the key file and attach the key;
 * called by storage_open_keyed after migrations. */
int storage_key_setup(struct storage *st, unsigned flags, const char *key_path, struct sanad_error *err);
/* SANAD_EEXIST if the key file a new database at path would use exists. */
int storage_key_absent(const char *path, const char *key_path, struct sanad_error *err);
/* Free the key and the statements of db_sqlite_crypto.c (storage_close). */
void storage_crypto_close(struct storage *st);
/* A copy of c (id case_id) whose identity and narrative values are sealed;
 * refuses when such a value is set and no key is attached.  Release sealed. */
int storage_seal_case(struct storage *st, const struct case_record *c, int64_t case_id,
		      struct case_record *sealed, struct sanad_error *err);
/* Open the sealed values of c (c->id set) in place. */
int storage_unseal_case(struct storage *st, struct case_record *c, struct sanad_error *err);
/* 1 if c holds any value that storage_seal_case would seal: when it does
 * not, the insert path writes c as it is and skips the copy. */
int storage_case_needs_seal(const struct case_record *c);
/* Replace the name tokens of case c->id with those of c's (plain) names.
 * is_new: the case was just inserted, so there are no old tokens to drop. */
int storage_name_tokens_write(struct storage *st, const struct case_record *c, int is_new,
			      struct sanad_error *err);
/* 1 if field f is sealed at rest. */
int storage_field_sealed(const struct field_def *f);


struct migration {
	int version;
	const char *summary;
	const char *sql;
	/* run after sql, in the same transaction; NULL for most */
	int (*step)(sqlite3 *db, struct sanad_error *err);
	/* the migration rebuilds a table that others refer to: foreign keys
	 * are off while it runs (dropping the old table would otherwise
	 * delete what refers to it), and checked before it commits */
	int rebuilds;
};
extern const struct migration storage_migrations[];
extern const int storage_migration_count;

/* A case's reference (migration 10): the one it was given, stored in
 * case_ref_given, or the one made from its id.  c: the alias of cases. */
#define STORAGE_CASE_REF(c) "coalesce(" c ".case_ref_given, printf('SND-%06d', " c ".id))"
/* A case by its reference.  Statements select from "cases c" with this
 * clause and storage_bind_ref. */
#define STORAGE_CASE_BY_REF "WHERE c.case_ref_given = ?1 OR (c.case_ref_given IS NULL AND c.id = ?2)"
void storage_bind_ref(sqlite3_stmt *s, const char *ref);
/* The id whose made reference ref is ("SND-000123": 123), or 0. */
int64_t storage_made_ref_id(const char *ref);

/* Register sanad_audit_offsets, the aggregate that makes the browse
 * index's rows (migration 8, db_sqlite_audit.c), on a new connection. */
int storage_audit_register(sqlite3 *db);

#endif
