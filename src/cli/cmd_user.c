/*
 * cli/cmd_user.c: `sanad user`, account administration from the shell — how
 * the first system administrator comes to exist, and how scripts get their
 * bearer tokens.  Every change is written to the audit trail.
 */
#include "cli/cli.h"
#include "audit/audit.h"
#include "auth/auth.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

const char usage_user[] =
	"usage: sanad user add --username NAME --role ROLE [--org CODE] [--name DISPLAY]\n"
	"                      [--lang en|ar] [--password-file FILE]\n"
	"       sanad user list [--org CODE]\n"
	"       sanad user disable NAME\n"
	"       sanad user enable NAME\n"
	"       sanad user role NAME ROLE [--org CODE]\n"
	"       sanad user password NAME [--password-file FILE]\n"
	"       sanad user token NAME [--label TEXT]\n"
	"       sanad user revoke-tokens NAME [--label TEXT]\n"
	"\n"
	"ROLE is one of sysadmin, org_admin, supervisor, caseworker, hotline,\n"
	"analyst, coordinator, liaison.  Every role but sysadmin and coordinator\n"
	"belongs to an organisation (--org); a liaison's organisation must be of\n"
	"type LawEnforcement or ImmigrationService.\n"
	"\n"
	"add            create an account.  The password is read from the first line\n"
	"               of FILE ('-': standard input); without --password-file a\n"
	"               strong random password is generated and printed once.\n"
	"               Passwords have at least 12 characters.\n"
	"list           one line per account: name, role, organisation, language,\n"
	"               state, display name.\n"
	"disable        stop an account: its sessions end and its tokens are revoked.\n"
	"enable         allow a disabled account to log in again.\n"
	"role           change the role (and with --org the organisation); the\n"
	"               account's sessions end so the new role applies at once.\n"
	"password       set a new password (read or generated as for add); every\n"
	"               session of the account ends.\n"
	"token          print a new bearer token for scripts (shown only this once;\n"
	"               Sanad keeps only its hash).\n"
	"revoke-tokens  revoke the account's tokens (those with --label TEXT only).\n";

static int user_fail(const struct sanad_error *err)
{
	cli_error("user", err);
	return 1;
}

/* The password from the first line of path ("-": stdin), or a generated
 * one (*generated set).  New string, or NULL after printing an error. */
static char *read_password(const char *path, int *generated)
{
	char buf[2048];
	FILE *f;
	size_t n;
	*generated = 0;
	if (!path) {
		*generated = 1;
		return auth_password_generate();
	}
	f = strcmp(path, "-") ? fopen(path, "r") : stdin;
	if (!f) {
		fprintf(stderr, "sanad user: cannot read password file %s\n", path);
		return NULL;
	}
	if (!fgets(buf, sizeof(buf), f))
		buf[0] = '\0';
	if (f != stdin)
		fclose(f);
	n = strcspn(buf, "\r\n");
	buf[n] = '\0';
	if (!n) {
		fprintf(stderr, "sanad user: the password file %s is empty\n", path);
		return NULL;
	}
	return xstrdup(buf);
}

static void audit_note(struct storage *st, const char *detail)
{
	struct sanad_error err;
	if (audit_append(st, audit_cli_actor(), NULL, AUDIT_USER_ADMIN, NULL, detail, &err))
		cli_error("user", &err);
}

static int user_add(int argc, char **argv, struct storage *st)
{
	struct auth_new_user nu = { 0 };
	struct sanad_error err = { 0 };
	struct strbuf note = STRBUF_INIT;
	const char *role = cli_option(argc, argv, "role");
	char *password;
	int generated, rc;

	nu.username = cli_option(argc, argv, "username");
	nu.display_name = cli_option(argc, argv, "name");
	nu.org_code = cli_option(argc, argv, "org");
	nu.language = cli_option(argc, argv, "lang");
	if (!nu.username || !role) {
		fprintf(stderr, "sanad user add: --username and --role are required\n");
		return 2;
	}
	nu.role = role_parse(role);
	if (nu.role == ROLE_NONE) {
		fprintf(stderr, "sanad user add: unknown role '%s' (see 'sanad user --help')\n", role);
		return 2;
	}
	if (!(password = read_password(cli_option(argc, argv, "password-file"), &generated)))
		return 1;
	rc = auth_user_add(st, &nu, password, &err);
	if (rc) {
		free(password);
		return user_fail(&err);
	}
	printf("added user '%s' (%s%s%s)\n", nu.username, role_name(nu.role), nu.org_code ? ", " : "",
	       nu.org_code ? nu.org_code : "");
	if (generated)
		printf("password: %s\n(shown once: hand it over safely; change it after the first login)\n",
		       password);
	memset(password, 0, strlen(password));
	free(password);
	strbuf_addf(&note, "added user %s role %s org %s", nu.username, role_name(nu.role),
		    nu.org_code ? nu.org_code : "-");
	audit_note(st, note.buf);
	strbuf_release(&note);
	return 0;
}

static int user_list(int argc, char **argv, struct storage *st)
{
	struct sanad_error err = { 0 };
	struct auth_user *users;
	size_t n;
	if (auth_user_list(st, cli_option(argc, argv, "org"), &users, &n, &err))
		return user_fail(&err);
	for (size_t i = 0; i < n; i++) {
		printf("%s\t%s\t%s\t%s\t%s\t%s\n", users[i].username, role_name(users[i].role),
		       users[i].org_code ? users[i].org_code : "-", users[i].language ? users[i].language : "en",
		       users[i].disabled ? "disabled" : "active",
		       users[i].display_name ? users[i].display_name : "");
		auth_user_release(&users[i]);
	}
	free(users);
	return 0;
}

int cmd_user(int argc, char **argv, struct cli_context *ctx)
{
	static const char *const opts[] = { "username=", "role=", "org=", "name=", "lang=", "password-file=",
					    "label=", NULL };
	struct sanad_error err = { 0 };
	struct strbuf note = STRBUF_INIT;
	const char *verb, *name;
	char **pos;
	int npos, rc;

	if ((rc = cli_parse("user", argc, argv, opts, &pos, &npos)))
		return rc;
	verb = npos ? pos[0] : "";
	name = npos > 1 ? pos[1] : NULL;
	if (!strcmp(verb, "add") || !strcmp(verb, "list")) {
		rc = npos != 1 ? 2 : !strcmp(verb, "add") ? user_add(argc, argv, ctx->st) : user_list(argc, argv, ctx->st);
		if (npos != 1)
			fprintf(stderr, "sanad user %s: unexpected argument '%s'\n", verb, pos[1]);
		free(pos);
		return rc;
	}
	if ((!strcmp(verb, "role") ? npos != 3 : npos != 2) ||
	    (strcmp(verb, "disable") && strcmp(verb, "enable") && strcmp(verb, "role") && strcmp(verb, "password") &&
	     strcmp(verb, "token") && strcmp(verb, "revoke-tokens"))) {
		fprintf(stderr, "sanad user: say add, list, disable NAME, enable NAME, role NAME ROLE, password NAME,\n"
				"  token NAME or revoke-tokens NAME (see 'sanad user --help')\n");
		free(pos);
		return 2;
	}
	if (!strcmp(verb, "disable") || !strcmp(verb, "enable")) {
		int off = !strcmp(verb, "disable");
		if ((rc = auth_user_set_disabled(ctx->st, name, off, &err)) == 0) {
			printf("user '%s' %s\n", name, off ? "disabled: sessions ended, tokens revoked" : "enabled");
			strbuf_addf(&note, "%s user %s", off ? "disabled" : "enabled", name);
		}
	} else if (!strcmp(verb, "role")) {
		enum role r = role_parse(pos[2]);
		if (r == ROLE_NONE) {
			fprintf(stderr, "sanad user role: unknown role '%s' (see 'sanad user --help')\n", pos[2]);
			free(pos);
			return 2;
		}
		if ((rc = auth_user_set_role(ctx->st, name, r, cli_option(argc, argv, "org"), &err)) == 0) {
			printf("user '%s' is now %s\n", name, role_name(r));
			strbuf_addf(&note, "user %s role %s org %s", name, role_name(r),
				    cli_option(argc, argv, "org") ? cli_option(argc, argv, "org") : "(kept)");
		}
	} else if (!strcmp(verb, "password")) {
		int generated;
		char *pw = read_password(cli_option(argc, argv, "password-file"), &generated);
		if (!pw) {
			free(pos);
			return 1;
		}
		if ((rc = auth_password_set(ctx->st, name, pw, &err)) == 0) {
			printf("password of '%s' changed; its sessions ended\n", name);
			if (generated)
				printf("password: %s\n(shown once)\n", pw);
			strbuf_addf(&note, "reset password of user %s", name);
		}
		memset(pw, 0, strlen(pw));
		free(pw);
	} else if (!strcmp(verb, "token")) {
		char *token;
		if ((rc = auth_token_create(ctx->st, name, cli_option(argc, argv, "label"), (int64_t)time(NULL), &token,
					    &err)) == 0) {
			printf("%s\n", token);
			free(token);
			strbuf_addf(&note, "new token for user %s", name);
		}
	} else {
		if ((rc = auth_token_revoke(ctx->st, name, cli_option(argc, argv, "label"), &err)) == 0) {
			printf("tokens of '%s' revoked\n", name);
			strbuf_addf(&note, "revoked tokens of user %s", name);
		}
	}
	free(pos);
	if (rc) {
		strbuf_release(&note);
		return user_fail(&err);
	}
	audit_note(ctx->st, note.buf);
	strbuf_release(&note);
	return 0;
}
