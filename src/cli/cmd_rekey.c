/*
 * cli/cmd_rekey.c: `sanad rekey`, rotating the key that encrypts identities.
 *
 * The procedure keeps one key that opens the database on disk at every
 * moment, so a crash at any point is recoverable by hand (docs/security.md):
 *   1. write the new key to KEY.new (never overwriting anything);
 *   2. link the current key to KEY.old;
 *   3. re-encrypt every value and name token in one transaction, commit;
 *   4. rename KEY.new over KEY (atomic), sync the directory;
 *   5. remove KEY.old.
 * Before 3 commits the database still opens with KEY (and KEY.old); after,
 * with KEY.new, which 4 moves into place.
 */
#include "cli/cli.h"
#include "audit/audit.h"
#include "crypto/crypto.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

const char usage_rekey[] =
	"usage: sanad rekey --db PATH [--key KEYFILE] [--new-key NEWFILE]\n"
	"       sanad rekey --db PATH [--key KEYFILE] --refresh\n"
	"\n"
	"Encrypt every name, contact detail, identity number, address and narrative\n"
	"of the database, and every name-search token, under a new random key, in\n"
	"one transaction; then put the new key in place of the old one.  Values\n"
	"stored in clear by an older Sanad are encrypted on the way.\n"
	"\n"
	"  --key KEYFILE      the current key (default: PATH.key or $SANAD_KEY)\n"
	"  --new-key NEWFILE  write the new key here and leave KEYFILE alone\n"
	"                     (default: replace KEYFILE)\n"
	"  --refresh          keep the key; only build every name-search token and\n"
	"                     duplicate-match key again with this version's name\n"
	"                     rules (run once after an upgrade whose notes say so)\n"
	"\n"
	"Backups taken before the rekey still need the old key: keep a copy of it\n"
	"with them, or destroy both.  If the command is interrupted, see\n"
	"docs/security.md ('Rekey').\n";

static int sync_dir_of(const char *path)
{
	char *copy = xstrdup(path);
	int fd = open(dirname(copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC), rc = -1;
	free(copy);
	if (fd >= 0) {
		rc = fsync(fd);
		close(fd);
	}
	return rc;
}

int cmd_rekey(int argc, char **argv, struct cli_context *ctx)
{
	static const char *const opts[] = { "new-key=", "refresh", NULL };
	struct sanad_error err = { 0 };
	struct crypto_key key;
	struct strbuf tmp = STRBUF_INIT, old = STRBUF_INIT, note = STRBUF_INIT;
	const char *cur = storage_key_path(ctx->st), *dest = cli_option(argc, argv, "new-key");
	int replace = !dest, linked = 0, rc;
	int64_t values = 0;
	char **pos;
	int npos;

	if ((rc = cli_parse("rekey", argc, argv, opts, &pos, &npos)))
		return rc;
	free(pos);
	if (npos) {
		fprintf(stderr, "sanad rekey: unexpected argument (see 'sanad rekey --help')\n");
		return 2;
	}
	if (cli_flag(argc, argv, "refresh")) {
		if (cli_option(argc, argv, "new-key")) {
			fprintf(stderr, "sanad rekey: --refresh keeps the key: leave out --new-key\n");
			return 2;
		}
		if ((rc = storage_refresh_name_tokens(ctx->st, &values, &err))) {
			cli_error("rekey", &err);
			return 1;
		}
		if (audit_append(ctx->st, audit_cli_actor(), NULL, AUDIT_REKEY, NULL,
				 "name tokens and match keys rebuilt, key kept", &err))
			cli_error("rekey", &err);
		printf("rebuilt the name tokens and match keys (%lld values re-sealed under the same key)\n",
		       (long long)values);
		return 0;
	}
	if (!storage_has_key(ctx->st) && access(cur, F_OK) == 0) {
		fprintf(stderr, "sanad rekey: cannot use the key file %s\n", cur);
		return 1;
	}
	if (replace) {
		dest = cur;
		strbuf_addf(&tmp, "%s.new", cur);
		strbuf_addf(&old, "%s.old", cur);
	} else {
		strbuf_addstr(&tmp, dest);
	}
	crypto_key_generate(&key);
	if ((rc = crypto_key_write_new(tmp.buf, &key, &err))) {
		if (rc == SANAD_EEXIST && replace)
			sanad_error_prefix(&err, "an interrupted rekey left its new key (see docs/security.md): ");
		goto fail;
	}
	if (replace && storage_has_key(ctx->st)) {
		if (link(cur, old.buf) != 0) {
			rc = sanad_error_set(&err, SANAD_EIO, "cannot keep the old key as %s: %s", old.buf,
					     strerror(errno));
			unlink(tmp.buf);
			goto fail;
		}
		linked = 1;
	}
	if ((rc = storage_rekey(ctx->st, &key, &values, &err))) {
		unlink(tmp.buf);
		if (linked)
			unlink(old.buf);
		goto fail;
	}
	/* the database now opens only with the new key: put it in place */
	if (replace) {
		if (rename(tmp.buf, dest) != 0 || sync_dir_of(dest) != 0) {
			rc = sanad_error_set(&err, SANAD_EIO,
					     "the database is re-encrypted but the new key is still at %s (%s): "
					     "move it to %s by hand",
					     tmp.buf, strerror(errno), dest);
			goto fail;
		}
		if (linked)
			unlink(old.buf);
	} else {
		sync_dir_of(dest);
	}
	strbuf_addf(&note, "re-encrypted %lld values under a new key", (long long)values);
	if (audit_append(ctx->st, audit_cli_actor(), NULL, AUDIT_REKEY, NULL, note.buf, &err))
		cli_error("rekey", &err);
	printf("re-encrypted %lld values; the key is now %s\n", (long long)values, dest);
	if (!replace)
		printf("the old key %s no longer opens this database: destroy it once no backup needs it\n", cur);
	crypto_key_wipe(&key);
	strbuf_release(&tmp);
	strbuf_release(&old);
	strbuf_release(&note);
	return 0;
fail:
	crypto_key_wipe(&key);
	cli_error("rekey", &err);
	strbuf_release(&tmp);
	strbuf_release(&old);
	strbuf_release(&note);
	return 1;
}
