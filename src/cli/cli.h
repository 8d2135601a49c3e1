/*
 * cli: the sanad command.  One table of commands (commands.c), one file per
 * command (cmd_<name>.c) holding its options, help and function.  The
 * dispatcher in main.c resolves --db / SANAD_DB and opens the database once
 * for commands flagged CMD_NEEDS_DB, so no command repeats that work.
 *
 * Commands print results on stdout and errors on stderr, and return the
 * process exit status: 0 success, 1 failure, 2 usage error.
 */
#ifndef SANAD_CLI_H
#define SANAD_CLI_H

#include "storage/storage.h"

enum cmd_flags {
	CMD_NEEDS_DB = 1 << 0, /* open the database before running */
	CMD_WRITES = 1 << 1,   /* open it read-write (else read-only) */
};

struct cli_context {
	const char *db_path;   /* from --db or SANAD_DB; may be NULL */
	const char *key_path;  /* from --key or SANAD_KEY; NULL: "<db>.key" */
	struct storage *st;    /* open when the command has CMD_NEEDS_DB */
};

struct command {
	const char *name;
	int (*run)(int argc, char **argv, struct cli_context *ctx);
	unsigned flags;
	const char *summary;
	const char *usage; /* full help text for `sanad NAME --help` */
};

const struct command *command_find(const char *name);
const struct command *command_table(int *count);

/* Helpers for commands. */
/* Print err's message to stderr as "sanad NAME: message". */
void cli_error(const char *cmd, const struct sanad_error *err);
/* Copy into the trail what a running or crashed server left in its audit
 * journal, through a second, writable handle and only when there is
 * something to copy; without write access (or while the write lock is
 * held), says on stderr, as `sanad CMD`, that the newest reads may be
 * missing. */
void cli_ingest_audit_journals(struct cli_context *ctx, const char *cmd);
/* True if argv has -h or --help. */
int cli_wants_help(int argc, char **argv);
/* Find the value of --name VALUE or --name=VALUE, removing nothing; NULL
 * if absent.  Used for simple option parsing. */
const char *cli_option(int argc, char **argv, const char *name);
/* 1 if the flag --name is present. */
int cli_flag(int argc, char **argv, const char *name);
/* Reject options not in the NULL-terminated list allowed (names without
 * "--"; a trailing '=' means the option takes a value; --db and --key are
 * always allowed).  Collects the positional arguments into *pos and *npos: a new array
 * of pointers into argv that the caller frees.  Returns 0, or prints a usage
 * error and returns 2. */
int cli_parse(const char *cmd, int argc, char **argv, const char *const *allowed,
	      char ***pos, int *npos);
/* Remove the database at path that a failed command created, with its -wal
 * and -shm files (cmd_init.c). */
void cli_remove_db(const char *path);

/* Command functions, one per cmd_*.c file. */
int cmd_help(int argc, char **argv, struct cli_context *ctx);
int cmd_version(int argc, char **argv, struct cli_context *ctx);
int cmd_init(int argc, char **argv, struct cli_context *ctx);
int cmd_org(int argc, char **argv, struct cli_context *ctx);
int cmd_import(int argc, char **argv, struct cli_context *ctx);
int cmd_export(int argc, char **argv, struct cli_context *ctx);
int cmd_case(int argc, char **argv, struct cli_context *ctx);
int cmd_stats(int argc, char **argv, struct cli_context *ctx);
int cmd_demo(int argc, char **argv, struct cli_context *ctx);
int cmd_backup(int argc, char **argv, struct cli_context *ctx);
int cmd_check(int argc, char **argv, struct cli_context *ctx);
int cmd_vocab(int argc, char **argv, struct cli_context *ctx);
int cmd_assess(int argc, char **argv, struct cli_context *ctx);
int cmd_serve(int argc, char **argv, struct cli_context *ctx);
int cmd_user(int argc, char **argv, struct cli_context *ctx);
int cmd_rekey(int argc, char **argv, struct cli_context *ctx);
int cmd_audit(int argc, char **argv, struct cli_context *ctx);
int cmd_response(int argc, char **argv, struct cli_context *ctx);
int cmd_report(int argc, char **argv, struct cli_context *ctx);
int cmd_programme(int argc, char **argv, struct cli_context *ctx);
int cmd_population(int argc, char **argv, struct cli_context *ctx);
/* `sanad stats --sdg` (cmd_stats_sdg.c): SDG 16.2.2 for q's year, scope and
 * filters, published when threshold > 0; format table|text|csv|json or
 * NULL.  Returns the exit status. */
struct stats_query;
int cmd_stats_sdg(struct storage *st, const struct stats_query *q, int64_t threshold, const char *format,
		  enum vocab_lang lang);

#endif
