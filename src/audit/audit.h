/*
 * audit: the trail of who did what to personal data.  Append-only (the
 * database refuses UPDATE and DELETE on the table by trigger) and
 * hash-chained: row n stores hash(n-1) and
 *     hash(n) = BLAKE2b-256(raw hash(n-1) || canonical(row n))
 * where canonical() is the length-prefixed serialisation of id, time, actor,
 * organisation, action, case reference and detail (audit.c).  Changing,
 * deleting or reordering any row breaks the chain from that row on, and
 * audit_verify names the first row that no longer fits.  Anyone able to
 * rewrite the whole file can recompute the chain, so record the head hash
 * that `sanad audit verify` prints somewhere else (docs/security.md).
 *
 * Details never carry personal data: counts, field names, codes, formats.
 */
#ifndef SANAD_AUDIT_H
#define SANAD_AUDIT_H

#include "storage/storage.h"

/* Actions (the `action` column).  Plain strings so that the trail stays
 * readable with the sqlite3 shell. */
#define AUDIT_VIEW "view"                /* a case was shown */
#define AUDIT_LIST "list"                /* a list of cases was shown */
#define AUDIT_SEARCH "search"            /* a name search */
#define AUDIT_CREATE "create"
#define AUDIT_UPDATE "update"
#define AUDIT_HANDOVER "handover"
#define AUDIT_EXPORT "export"
#define AUDIT_IMPORT "import"
#define AUDIT_REFERRAL "referral"        /* created, accepted, declined */
#define AUDIT_CONSENT "consent"          /* recorded or revoked */
#define AUDIT_LOGIN "login"
#define AUDIT_LOGIN_FAILED "login_failed"
#define AUDIT_LOGOUT "logout"
#define AUDIT_DENIED "denied"            /* an access attempt the policy refused */
#define AUDIT_USER_ADMIN "user_admin"    /* account created, disabled, re-roled, token */
#define AUDIT_PASSWORD "password_change"
#define AUDIT_REKEY "rekey"

/* Append one record.  actor: the username (or "cli:<os user>").  org_code:
 * the organisation whose data the record concerns — the case's owning
 * organisation when there is a case (so an organisation administrator sees
 * who looked at its cases, whoever they were), else the actor's.  org_code,
 * case_ref and detail may be NULL.  Runs in its own IMMEDIATE transaction
 * when none is open, else inside the caller's (which must hold the write
 * lock, i.e. storage_begin).  The time is taken from the clock (UTC). */
int audit_append(struct storage *st, const char *actor, const char *org_code, const char *action,
		 const char *case_ref, const char *detail, struct sanad_error *err);
/* The same with an explicit time (ISO 8601 UTC "YYYY-MM-DDTHH:MM:SSZ"). */
int audit_append_at(struct storage *st, const char *at, const char *actor, const char *org_code,
		    const char *action, const char *case_ref, const char *detail, struct sanad_error *err);

/* Where a run of appends inside one transaction has got to, so that each
 * record after the first need not read the chain's end back from the
 * database (the server's batched commits: http/audit_batch.c).  Start with
 * AUDIT_CHAIN_INIT, use only inside one transaction, and start again after
 * a failure or a rollback. */
struct audit_chain {
	int known;
	int64_t last;                     /* id of the last record */
	char prev[65];                    /* its hash */
};
#define AUDIT_CHAIN_INIT { 0, 0, { 0 } }
/* audit_append_at inside the caller's transaction (which must be open),
 * continuing chain. */
int audit_append_chained(struct storage *st, struct audit_chain *chain, const char *at, const char *actor,
			 const char *org_code, const char *action, const char *case_ref, const char *detail,
			 struct sanad_error *err);

/* Whether a record would be accepted (actor and action present, lengths,
 * UTF-8): what audit_append checks, for those who write records elsewhere
 * first (the journal). */
int audit_record_check(const char *actor, const char *org_code, const char *action, const char *case_ref,
		       const char *detail, struct sanad_error *err);
/* The current time as the trail writes it: "YYYY-MM-DDTHH:MM:SSZ" (UTC). */
void audit_now(char at[32]);

/* The actor name of the CLI: "cli:" + the OS user name.  Static buffer. */
const char *audit_cli_actor(void);

struct audit_verify_result {
	int64_t rows;        /* rows checked */
	int64_t first_bad;   /* id of the first row that fails, 0 if none */
	char reason[160];    /* why it fails */
	char head[65];       /* hash of the last good row ("" if no rows) */
};
/* Recompute the chain.  Returns 0 after a complete check whatever it found
 * (look at r->first_bad), or an error if the table cannot be read. */
int audit_verify(struct storage *st, struct audit_verify_result *r, struct sanad_error *err);
/* The same, and the trail must still extend an anchor: a head (hash of the
 * last record and the number of records) that an administrator recorded
 * elsewhere ('sanad audit head').  A trail cut back below the anchor, or
 * rewritten with fresh hashes up to it, verifies on its own but fails here
 * (first_bad and reason say how).  anchor_hash NULL: no anchor. */
int audit_verify_anchored(struct storage *st, int64_t anchor_count, const char *anchor_hash,
			  struct audit_verify_result *r, struct sanad_error *err);
/* Parse an anchor "HASH:COUNT" (64 hex digits). */
int audit_parse_anchor(const char *text, int64_t *count, char hash[65], struct sanad_error *err);

/* Browse: rows matching q (storage.h struct audit_query), newest first.
 * *rows is new: release each (audit_row_release), then free the array. */
int audit_list(struct storage *st, const struct audit_query *q, struct audit_row **rows, size_t *count,
	       struct sanad_error *err);

/* ---- the audit journal (journal.c) ----
 *
 * A file beside the database to which the server writes the records of
 * reads (views, lists, searches, refusals) before it answers, so that an
 * answer never waits for a database commit.  A record written there is
 * safe from a crash of the process; audit_journal_ingest copies it into
 * the hash-chained trail, in the order written, and the server does so
 * every few milliseconds.  Anyone may ingest at any time (the server while
 * it runs, `sanad audit` from another process, the next server after a
 * crash): the copy is exact-once. */
struct audit_journal;
/* Start a new journal file for the database at db_path. */
int audit_journal_open(struct audit_journal **out, const char *db_path, struct sanad_error *err);
/* The same with files of capacity bytes instead of the usual 32 MiB (the
 * tests fill them). */
int audit_journal_open_sized(struct audit_journal **out, const char *db_path, size_t capacity,
			     struct sanad_error *err);
/* Write one record (at as for audit_append_at).  Thread-safe.  Returns
 * once the record is in the file (not synced: ingesting syncs it); goes
 * on in a new file when this one is full. */
int audit_journal_append(struct audit_journal *j, const char *at, const char *actor, const char *org_code,
			 const char *action, const char *case_ref, const char *detail, struct sanad_error *err);
/* Where the next record goes in the file being written (its magic and
 * records so far, with their padding). */
int64_t audit_journal_size(struct audit_journal *j);
/* Make the next file ahead when this one is half full, so that the
 * append that fills it need not wait for one to be made (the server's
 * copier calls it each time it copies). */
int audit_journal_prepare(struct audit_journal *j, struct sanad_error *err);
/* Go on in a new file; the old one is finished (the next ingest copies
 * the rest of it and deletes it). */
int audit_journal_rotate(struct audit_journal *j, struct sanad_error *err);
/* Stop writing: the file is finished.  Ingest afterwards to copy it. */
void audit_journal_close(struct audit_journal *j);

struct audit_ingest_result {
	int64_t records;   /* copied into the trail */
	int finished;      /* journal files copied to their end and deleted */
	int damaged;       /* finished files with an unreadable end, renamed "<file>.damaged" */
	char warning[400]; /* the last such file, or "" */
};
/* The number of journal files beside the database at db_path: 0 when
 * there is nothing to copy. */
int audit_journal_pending(const char *db_path);
/* Copy every journal record of st's database not yet in the trail, in one
 * transaction (opened here: st must have none), and delete the journal
 * files that are finished and copied. */
int audit_journal_ingest(struct storage *st, struct audit_ingest_result *res, struct sanad_error *err);

/* The canonical serialisation of a row (exposed for tests): appended to sb. */
void audit_canonical(const struct audit_row *r, struct strbuf *sb);

#endif
