/*
 * auth: accounts, sessions, bearer tokens, login throttling and password
 * changes.  The HTTP server calls these; the CLI (`sanad user`) too.  All
 * persistent state is in the database through storage; secrets are only
 * ever stored hashed (crypto.h).  Time is passed in (`now`, Unix seconds)
 * so that expiry and throttling are tested without clocks.
 *
 * Sessions: a session id is 256 random bits shown once to the client
 * (cookie); the database keeps its BLAKE2b hash.  Every login makes a new
 * id.  A session ends after AUTH_SESSION_IDLE seconds without use or
 * AUTH_SESSION_MAX after login, at logout, when the user is disabled, and
 * (other sessions) when the password changes.  Each session has a CSRF
 * token that cookie-authenticated state-changing requests must echo.
 *
 * Bearer tokens (scripts): "sndt_" + 256 random bits, shown once, stored
 * hashed, revocable; they stop working when the user is disabled.
 *
 * Throttling (see docs/security.md): failures are counted per account name
 * and per client address (both stored hashed).  The first
 * AUTH_FREE_FAILURES_USER (account) / AUTH_FREE_FAILURES_ADDR (address)
 * failures cost nothing; each one after that locks the key for
 * 30 s x 2^(n - free - 1) (n: failures so far), at most AUTH_LOCK_MAX.  While locked, logins for it
 * are refused without checking the password.  A success clears the
 * account's counter; counters are forgotten AUTH_FAILURE_WINDOW after the
 * last failure.
 */
#ifndef SANAD_AUTH_H
#define SANAD_AUTH_H

#include "policy/policy.h"
#include "storage/storage.h"

#define AUTH_SESSION_IDLE (30 * 60)
#define AUTH_SESSION_MAX (12 * 60 * 60)
#define AUTH_FREE_FAILURES_USER 5
#define AUTH_FREE_FAILURES_ADDR 20
#define AUTH_LOCK_BASE 30
#define AUTH_LOCK_MAX (15 * 60)
#define AUTH_FAILURE_WINDOW (60 * 60)
#define AUTH_PASSWORD_MIN 12   /* code points */
#define AUTH_PASSWORD_MAX 1024 /* bytes */
#define AUTH_TOKEN_PREFIX "sndt_"

/* An account as the rest of Sanad sees it.  Owns its strings
 * (auth_user_release). */
struct auth_user {
	int64_t id;
	char *username;
	char *display_name;
	enum role role;
	char *org_code;     /* NULL for sysadmin / coordinator */
	char *org_type;     /* of the organisation, NULL if none */
	int own_cases_only; /* of the organisation */
	char *language;     /* "en" or "ar" */
	int disabled;
};
void auth_user_release(struct auth_user *u);
/* A policy view of u: borrowed pointers into u, valid while u lives. */
struct policy_user auth_user_policy(const struct auth_user *u);

/* ---- accounts (admin operations; the caller checks who may do them) ---- */

struct auth_new_user {
	const char *username;     /* 1-64 of [A-Za-z0-9._-@], stored lower-case */
	const char *display_name; /* optional */
	enum role role;
	const char *org_code;     /* required unless role is sysadmin/coordinator */
	const char *language;     /* "en" (default) or "ar" */
};
/* Create an account with this password (checked by auth_password_acceptable).
 * SANAD_EEXIST if the name is taken, SANAD_EINVAL naming the bad field. */
int auth_user_add(struct storage *st, const struct auth_new_user *nu, const char *password,
		  struct sanad_error *err);
/* Load one account (enabled or not) into *out. SANAD_ENOTFOUND if absent. */
int auth_user_get(struct storage *st, const char *username, struct auth_user *out,
		  struct sanad_error *err);
/* All accounts (of org_code if set) ordered by username; *list is new:
 * release each, then free the array. */
int auth_user_list(struct storage *st, const char *org_code, struct auth_user **list, size_t *count,
		   struct sanad_error *err);
/* Disable (ends every session and bearer token) or enable an account. */
int auth_user_set_disabled(struct storage *st, const char *username, int disabled,
			   struct sanad_error *err);
/* Change role and organisation (org_code NULL keeps the current one; the
 * role must fit it).  Ends the user's sessions so the new role applies at
 * once. */
int auth_user_set_role(struct storage *st, const char *username, enum role role, const char *org_code,
		       struct sanad_error *err);
int auth_user_set_language(struct storage *st, const char *username, const char *language,
			   struct sanad_error *err);
/* Admin reset: set a new password without the old one; ends all sessions. */
int auth_password_set(struct storage *st, const char *username, const char *new_password,
		      struct sanad_error *err);

/* 0 if a password may be used: valid UTF-8, AUTH_PASSWORD_MIN..MAX, not
 * equal to the username.  err says which rule failed. */
int auth_password_acceptable(const char *username, const char *password, struct sanad_error *err);
/* A strong random password (24 URL-safe characters).  New string. */
char *auth_password_generate(void);

/* ---- login and sessions ---- */

struct auth_session {
	char *id;    /* the secret session id for the cookie: new string, shown once */
	char *csrf;  /* CSRF token: new string */
	int64_t expires_idle, expires_max; /* Unix seconds */
	struct auth_user user;
};
void auth_session_release(struct auth_session *s);

/* Check the password and open a new session.  client_addr may be NULL
 * (CLI).  Errors: SANAD_EPERM "wrong username or password" (the same for an
 * unknown, disabled or wrong-password account, after the same Argon2 work),
 * SANAD_ELIMIT when throttled, with *retry_after (if given) the seconds to
 * wait.  Records the failure or success for throttling. */
int auth_login(struct storage *st, const char *username, const char *password, const char *client_addr,
	       int64_t now, struct auth_session *out, int64_t *retry_after, struct sanad_error *err);
/* Look up a session by its id; on success fill *user and (if csrf is
 * non-NULL) *csrf (new string), and extend its idle expiry.  SANAD_EPERM if
 * unknown, expired (then deleted) or the user is disabled. */
int auth_session_check(struct storage *st, const char *session_id, int64_t now, struct auth_user *user,
		       char **csrf, struct sanad_error *err);
/* Logout: forget the session (no error if it is unknown). */
int auth_session_end(struct storage *st, const char *session_id, struct sanad_error *err);
/* Delete every expired session (housekeeping). */
int auth_session_purge(struct storage *st, int64_t now, struct sanad_error *err);
/* Constant-time comparison of the session's CSRF token and the one sent. */
int auth_csrf_valid(const char *expected, const char *given);

/* Change one's own password: old_password must match.  Ends every other
 * session of the user (keep_session_id, the caller's own, survives; NULL
 * ends all). */
int auth_password_change(struct storage *st, const char *username, const char *old_password,
			 const char *new_password, const char *keep_session_id, struct sanad_error *err);

/* ---- bearer tokens ---- */

/* A new bearer token for username: *token is a new string, shown once. */
int auth_token_create(struct storage *st, const char *username, const char *label, int64_t now,
		      char **token, struct sanad_error *err);
/* Resolve a token ("sndt_..."; with or without "Bearer ") to its user.
 * SANAD_EPERM if unknown, revoked or the user is disabled. */
int auth_token_check(struct storage *st, const char *token, int64_t now, struct auth_user *user,
		     struct sanad_error *err);
/* Revoke every token of username (label NULL) or those with this label. */
int auth_token_revoke(struct storage *st, const char *username, const char *label,
		      struct sanad_error *err);

#endif
