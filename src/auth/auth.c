/*
 * auth/auth.c: accounts, sessions, bearer tokens and throttling (auth.h).
 *
 * Design note.  Invariants:
 *   - no secret is stored: passwords as Argon2id strings, session ids and
 *     bearer tokens as BLAKE2b-256 digests, throttle keys as digests;
 *   - a failed login says the same thing, after the same Argon2 work,
 *     whether the account is unknown, disabled or the password wrong;
 *   - a throttled login does no password work and touches no account;
 *   - a session is checked against its account on every use, so disabling
 *     an account or changing its role applies at the next request.
 */
#include "auth/auth.h"

#include "crypto/crypto.h"

#include <ctype.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void auth_user_release(struct auth_user *u)
{
	free(u->username);
	free(u->display_name);
	free(u->org_code);
	free(u->org_type);
	free(u->language);
	memset(u, 0, sizeof(*u));
}

struct policy_user auth_user_policy(const struct auth_user *u)
{
	struct policy_user p = { u->role, u->username, u->org_code, u->org_type, u->own_cases_only };
	return p;
}

/* Move an account row into an auth_user (the row's strings change hands). */
static void user_from_account(struct account *a, struct auth_user *u)
{
	memset(u, 0, sizeof(*u));
	u->id = a->id;
	u->username = a->username;
	u->display_name = a->display_name;
	u->role = role_parse(a->role);
	u->org_code = a->org_code;
	u->org_type = a->org_type;
	u->own_cases_only = a->own_cases_only;
	u->language = a->language;
	u->disabled = a->disabled;
	a->username = a->display_name = a->org_code = a->org_type = a->language = NULL;
	account_release(a);
}

static int valid_username(const char *u, struct sanad_error *err)
{
	size_t n = u ? strlen(u) : 0;
	if (!n || n > 64)
		return sanad_error_set(err, SANAD_EINVAL, "username: use 1 to 64 characters");
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)u[i];
		if (!(isalnum(c) || c == '.' || c == '_' || c == '-' || c == '@'))
			return sanad_error_set(err, SANAD_EINVAL,
					       "username '%.64s': use letters, digits, '.', '_', '-' or '@'", u);
	}
	return 0;
}

static char *lower_dup(const char *s)
{
	char *d = xstrdup(s);
	for (char *p = d; *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p + 32);
	return d;
}

static int valid_language(const char *l, struct sanad_error *err)
{
	if (l && strcmp(l, "en") && strcmp(l, "ar"))
		return sanad_error_set(err, SANAD_EINVAL, "language '%.16s': use 'en' or 'ar'", l);
	return 0;
}

int auth_password_acceptable(const char *username, const char *password, struct sanad_error *err)
{
	size_t n = password ? strlen(password) : 0;
	if (!password || !utf8_valid(password, n, NULL))
		return sanad_error_set(err, SANAD_EINVAL, "password: not valid UTF-8");
	if (n > AUTH_PASSWORD_MAX)
		return sanad_error_set(err, SANAD_EINVAL, "password: longer than %d bytes", AUTH_PASSWORD_MAX);
	if (utf8_length(password, n) < AUTH_PASSWORD_MIN)
		return sanad_error_set(err, SANAD_EINVAL, "password: use at least %d characters", AUTH_PASSWORD_MIN);
	if (username && !ascii_strcasecmp(username, password))
		return sanad_error_set(err, SANAD_EINVAL, "password: must not be the username");
	return 0;
}

char *auth_password_generate(void)
{
	return crypto_random_token(18); /* 144 bits, 24 characters */
}

/* The role must fit the organisation: deployment-wide roles have none,
 * the others need one that exists. */
static int check_role_org(struct storage *st, enum role role, const char *org_code, struct sanad_error *err)
{
	struct organisation o;
	int rc;
	if (role == ROLE_NONE)
		return sanad_error_set(err, SANAD_EINVAL,
				       "role: use sysadmin, org_admin, supervisor, caseworker, hotline, analyst, "
				       "coordinator or liaison");
	if (!role_needs_org(role))
		return org_code ? sanad_error_set(err, SANAD_EINVAL, "role %s belongs to no organisation; drop --org",
						  role_name(role))
				: 0;
	if (!org_code)
		return sanad_error_set(err, SANAD_EINVAL, "role %s needs an organisation (--org CODE)", role_name(role));
	if ((rc = storage_org_get(st, org_code, &o, err)))
		return rc;
	if (role == ROLE_LIAISON && !(o.org_type && (!ascii_strcasecmp(o.org_type, "LawEnforcement") ||
						     !ascii_strcasecmp(o.org_type, "ImmigrationService"))))
		rc = sanad_error_set(err, SANAD_EINVAL,
				     "role liaison needs a law-enforcement or immigration organisation; '%s' is %s",
				     org_code, o.org_type ? o.org_type : "of no type");
	organisation_release(&o);
	return rc;
}

int auth_user_add(struct storage *st, const struct auth_new_user *nu, const char *password,
		  struct sanad_error *err)
{
	struct account a = { 0 };
	char hash[CRYPTO_PWHASH_MAX];
	int rc;
	if ((rc = valid_username(nu->username, err)) || (rc = valid_language(nu->language, err)) ||
	    (rc = check_role_org(st, nu->role, nu->org_code, err)) ||
	    (rc = auth_password_acceptable(nu->username, password, err)))
		return rc;
	if (nu->display_name && (strlen(nu->display_name) > 200 ||
				 !utf8_valid(nu->display_name, strlen(nu->display_name), NULL)))
		return sanad_error_set(err, SANAD_EINVAL, "display name: up to 200 bytes of UTF-8");
	if ((rc = crypto_password_hash(password, hash, err)))
		return rc;
	a.username = lower_dup(nu->username);
	a.display_name = nu->display_name ? xstrdup(nu->display_name) : NULL;
	a.role = xstrdup(role_name(nu->role));
	a.org_code = nu->org_code ? xstrdup(nu->org_code) : NULL;
	a.language = xstrdup(nu->language ? nu->language : "en");
	a.password_hash = xstrdup(hash);
	rc = storage_account_add(st, &a, err);
	account_release(&a);
	return rc;
}

int auth_user_get(struct storage *st, const char *username, struct auth_user *out, struct sanad_error *err)
{
	struct account a;
	char *name = lower_dup(username ? username : "");
	int rc = storage_account_get(st, name, &a, err);
	free(name);
	memset(out, 0, sizeof(*out));
	if (rc)
		return rc;
	user_from_account(&a, out);
	return 0;
}

int auth_user_list(struct storage *st, const char *org_code, struct auth_user **list, size_t *count,
		   struct sanad_error *err)
{
	struct account *rows;
	size_t n;
	int rc = storage_account_list(st, org_code, &rows, &n, err);
	*list = NULL;
	*count = 0;
	if (rc)
		return rc;
	*list = xcalloc(n ? n : 1, sizeof(**list));
	for (size_t i = 0; i < n; i++)
		user_from_account(&rows[i], &(*list)[i]);
	free(rows);
	*count = n;
	return 0;
}

/* Load an account by name for a change; *a to release. */
static int load_account(struct storage *st, const char *username, struct account *a, struct sanad_error *err)
{
	char *name = lower_dup(username ? username : "");
	int rc = storage_account_get(st, name, a, err);
	free(name);
	return rc;
}

/* Run fn inside a write transaction (or the caller's). */
static int in_tx(struct storage *st, int (*fn)(struct storage *, void *, struct sanad_error *), void *ctx,
		 struct sanad_error *err)
{
	int own = !storage_in_transaction(st), rc;
	if (own && (rc = storage_begin(st, err)))
		return rc;
	rc = fn(st, ctx, err);
	if (own) {
		if (!rc)
			rc = storage_commit(st, err);
		if (rc)
			storage_rollback(st);
	}
	return rc;
}

struct change {
	const char *username;
	int disabled;
	enum role role;
	const char *org_code;
	const char *language;
	const char *password_hash;
	const char *keep_hash;
	int what; /* CH_* */
};
enum { CH_DISABLED, CH_ROLE, CH_LANGUAGE, CH_PASSWORD };

static int apply_change(struct storage *st, void *vctx, struct sanad_error *err)
{
	struct change *ch = vctx;
	struct account a;
	int rc, end_sessions = 0, keep_tokens = 1;
	if ((rc = load_account(st, ch->username, &a, err)))
		return rc;
	switch (ch->what) {
	case CH_DISABLED:
		a.disabled = ch->disabled;
		end_sessions = ch->disabled;
		keep_tokens = !ch->disabled;
		break;
	case CH_ROLE: {
		const char *org = ch->org_code ? ch->org_code : (role_needs_org(ch->role) ? a.org_code : NULL);
		if ((rc = check_role_org(st, ch->role, org, err)))
			break;
		free(a.role);
		a.role = xstrdup(role_name(ch->role));
		if (org != a.org_code) {
			free(a.org_code);
			a.org_code = org ? xstrdup(org) : NULL;
		}
		end_sessions = 1;
		break;
	}
	case CH_LANGUAGE:
		free(a.language);
		a.language = xstrdup(ch->language);
		break;
	case CH_PASSWORD:
		free(a.password_hash);
		a.password_hash = xstrdup(ch->password_hash);
		end_sessions = 1;
		break;
	}
	if (!rc)
		rc = storage_account_update(st, &a, err);
	if (!rc && end_sessions)
		rc = storage_session_delete_account(st, a.id, ch->keep_hash, err);
	if (!rc && !keep_tokens)
		rc = storage_token_revoke(st, a.id, NULL, err);
	account_release(&a);
	return rc;
}

int auth_user_set_disabled(struct storage *st, const char *username, int disabled, struct sanad_error *err)
{
	struct change ch = { .username = username, .disabled = disabled != 0, .what = CH_DISABLED };
	return in_tx(st, apply_change, &ch, err);
}

int auth_user_set_role(struct storage *st, const char *username, enum role role, const char *org_code,
		       struct sanad_error *err)
{
	struct change ch = { .username = username, .role = role, .org_code = org_code, .what = CH_ROLE };
	return in_tx(st, apply_change, &ch, err);
}

int auth_user_set_language(struct storage *st, const char *username, const char *language,
			   struct sanad_error *err)
{
	struct change ch = { .username = username, .language = language, .what = CH_LANGUAGE };
	int rc;
	if (!language)
		return sanad_error_set(err, SANAD_EINVAL, "language: use 'en' or 'ar'");
	if ((rc = valid_language(language, err)))
		return rc;
	return in_tx(st, apply_change, &ch, err);
}

int auth_password_set(struct storage *st, const char *username, const char *new_password,
		      struct sanad_error *err)
{
	char hash[CRYPTO_PWHASH_MAX];
	struct change ch = { .username = username, .password_hash = hash, .what = CH_PASSWORD };
	int rc;
	if ((rc = auth_password_acceptable(username, new_password, err)) ||
	    (rc = crypto_password_hash(new_password, hash, err)))
		return rc;
	return in_tx(st, apply_change, &ch, err);
}

/* ---- throttling ---- */

static void throttle_key(const char *kind, const char *value, char out[CRYPTO_HASH_HEX])
{
	struct strbuf sb = STRBUF_INIT;
	strbuf_addf(&sb, "%s:%s", kind, value);
	crypto_hash_hex(sb.buf, sb.len, out);
	strbuf_release(&sb);
}

/* Seconds until key may try again (0: now). */
static int throttle_wait(struct storage *st, const char *key, int64_t now, int64_t *wait,
			 struct sanad_error *err)
{
	struct throttle t;
	int rc = storage_throttle_get(st, key, &t, err);
	*wait = 0;
	if (!rc && t.locked_until > now && now - t.last_failure < AUTH_FAILURE_WINDOW)
		*wait = t.locked_until - now;
	return rc;
}

/* Lock after the free failures: 30 s for the first one over, doubling. */
static int64_t lock_for(int64_t failures, int free_failures)
{
	int64_t over = failures - free_failures - 1, secs = AUTH_LOCK_BASE;
	if (over < 0)
		return 0;
	while (over-- > 0 && secs < AUTH_LOCK_MAX)
		secs *= 2;
	return secs < AUTH_LOCK_MAX ? secs : AUTH_LOCK_MAX;
}

static int throttle_fail(struct storage *st, const char *key, int free_failures, int64_t now,
			 struct sanad_error *err)
{
	struct throttle t;
	int rc = storage_throttle_get(st, key, &t, err);
	if (rc)
		return rc;
	if (t.failures && now - t.last_failure >= AUTH_FAILURE_WINDOW)
		t.failures = 0; /* an old run of failures is forgotten */
	t.failures++;
	t.last_failure = now;
	t.locked_until = t.failures > free_failures ? now + lock_for(t.failures, free_failures) : 0;
	return storage_throttle_set(st, key, &t, err);
}

/* ---- login and sessions ---- */

void auth_session_release(struct auth_session *s)
{
	if (s->id)
		memset(s->id, 0, strlen(s->id));
	free(s->id);
	free(s->csrf);
	auth_user_release(&s->user);
	memset(s, 0, sizeof(*s));
}

/* An Argon2id hash of nothing useful, verified against when the account
 * does not exist, so that the answer takes as long as for a real one. */
static char dummy[CRYPTO_PWHASH_MAX];
static pthread_once_t dummy_once = PTHREAD_ONCE_INIT;

static void make_dummy(void)
{
	struct sanad_error e;
	char *pw = crypto_random_token(16);
	if (crypto_password_hash(pw, dummy, &e))
		dummy[0] = '\0';
	free(pw);
}

static const char *dummy_hash(void)
{
	pthread_once(&dummy_once, make_dummy);
	return dummy;
}

static const char login_failed[] = "wrong username or password";

int auth_login(struct storage *st, const char *username, const char *password, const char *client_addr,
	       int64_t now, struct auth_session *out, int64_t *retry_after, struct sanad_error *err)
{
	char ukey[CRYPTO_HASH_HEX], akey[CRYPTO_HASH_HEX], id_hash[CRYPTO_HASH_HEX];
	struct account a = { 0 };
	int64_t wait_u = 0, wait_a = 0;
	char *name;
	int rc, found, ok;

	memset(out, 0, sizeof(*out));
	if (retry_after)
		*retry_after = 0;
	if (!username || !password || strlen(username) > 200 || strlen(password) > AUTH_PASSWORD_MAX)
		return sanad_error_set(err, SANAD_EPERM, "%s", login_failed);
	name = lower_dup(username);
	throttle_key("user", name, ukey);
	if (client_addr)
		throttle_key("addr", client_addr, akey);
	if ((rc = throttle_wait(st, ukey, now, &wait_u, err)) ||
	    (client_addr && (rc = throttle_wait(st, akey, now, &wait_a, err)))) {
		free(name);
		return rc;
	}
	if (wait_u || wait_a) {
		if (retry_after)
			*retry_after = wait_u > wait_a ? wait_u : wait_a;
		free(name);
		return sanad_error_set(err, SANAD_ELIMIT, "too many failed logins; try again in %lld seconds",
				       (long long)(wait_u > wait_a ? wait_u : wait_a));
	}
	rc = storage_account_get(st, name, &a, err);
	free(name);
	if (rc && rc != SANAD_ENOTFOUND)
		return rc;
	found = rc == 0;
	ok = crypto_password_verify(found ? a.password_hash : dummy_hash(), password);
	if (!found || !ok || a.disabled) {
		account_release(&a);
		if ((rc = storage_begin(st, err)) == 0) {
			rc = throttle_fail(st, ukey, AUTH_FREE_FAILURES_USER, now, err);
			if (!rc && client_addr)
				rc = throttle_fail(st, akey, AUTH_FREE_FAILURES_ADDR, now, err);
			if (!rc)
				rc = storage_commit(st, err);
			if (rc)
				storage_rollback(st);
		}
		if (rc)
			return rc;
		return sanad_error_set(err, SANAD_EPERM, "%s", login_failed);
	}
	out->id = crypto_random_token(32);
	out->csrf = crypto_random_token(32);
	crypto_hash_hex(out->id, strlen(out->id), id_hash);
	if ((rc = storage_begin(st, err)) == 0) {
		rc = storage_throttle_clear(st, ukey, err);
		if (!rc)
			rc = storage_session_add(st, id_hash, a.id, out->csrf, now, err);
		if (!rc)
			rc = storage_commit(st, err);
		if (rc)
			storage_rollback(st);
	}
	if (rc) {
		account_release(&a);
		auth_session_release(out);
		return rc;
	}
	out->expires_idle = now + AUTH_SESSION_IDLE;
	out->expires_max = now + AUTH_SESSION_MAX;
	user_from_account(&a, &out->user);
	return 0;
}

int auth_session_check(struct storage *st, const char *session_id, int64_t now, struct auth_user *user,
		       char **csrf, struct sanad_error *err)
{
	char id_hash[CRYPTO_HASH_HEX];
	struct account a;
	int64_t created, last_seen;
	char *token = NULL;
	int rc;

	memset(user, 0, sizeof(*user));
	if (csrf)
		*csrf = NULL;
	if (!session_id || !*session_id || strlen(session_id) > 128)
		return sanad_error_set(err, SANAD_EPERM, "not logged in");
	crypto_hash_hex(session_id, strlen(session_id), id_hash);
	rc = storage_session_get(st, id_hash, &a, &token, &created, &last_seen, err);
	if (rc == SANAD_ENOTFOUND)
		return sanad_error_set(err, SANAD_EPERM, "not logged in");
	if (rc)
		return rc;
	if (a.disabled || now - last_seen >= AUTH_SESSION_IDLE || now - created >= AUTH_SESSION_MAX) {
		account_release(&a);
		free(token);
		storage_session_delete(st, id_hash, NULL);
		return sanad_error_set(err, SANAD_EPERM, "the session has expired; log in again");
	}
	/* idle expiry is kept to the minute: one write per minute per session,
	 * not one per request */
	if (now - last_seen >= 60 && (rc = storage_session_touch(st, id_hash, now, err))) {
		account_release(&a);
		free(token);
		return rc;
	}
	user_from_account(&a, user);
	if (csrf)
		*csrf = token;
	else
		free(token);
	return 0;
}

int auth_session_end(struct storage *st, const char *session_id, struct sanad_error *err)
{
	char id_hash[CRYPTO_HASH_HEX];
	if (!session_id || !*session_id)
		return 0;
	crypto_hash_hex(session_id, strlen(session_id), id_hash);
	return storage_session_delete(st, id_hash, err);
}

int auth_session_purge(struct storage *st, int64_t now, struct sanad_error *err)
{
	return storage_session_purge(st, now - AUTH_SESSION_MAX, now - AUTH_SESSION_IDLE, err);
}

int auth_csrf_valid(const char *expected, const char *given)
{
	return expected && given && *expected && crypto_str_equal(expected, given);
}

int auth_password_change(struct storage *st, const char *username, const char *old_password,
			 const char *new_password, const char *keep_session_id, struct sanad_error *err)
{
	char hash[CRYPTO_PWHASH_MAX], keep[CRYPTO_HASH_HEX];
	struct change ch = { .username = username, .password_hash = hash, .what = CH_PASSWORD };
	struct account a;
	int rc, ok;
	if ((rc = load_account(st, username, &a, err)))
		return rc;
	ok = crypto_password_verify(a.password_hash, old_password ? old_password : "");
	account_release(&a);
	if (!ok)
		return sanad_error_set(err, SANAD_EPERM, "the current password is wrong");
	if (old_password && new_password && !strcmp(old_password, new_password))
		return sanad_error_set(err, SANAD_EINVAL, "password: the new password is the old one");
	if ((rc = auth_password_acceptable(username, new_password, err)) ||
	    (rc = crypto_password_hash(new_password, hash, err)))
		return rc;
	if (keep_session_id) {
		crypto_hash_hex(keep_session_id, strlen(keep_session_id), keep);
		ch.keep_hash = keep;
	}
	return in_tx(st, apply_change, &ch, err);
}

/* ---- bearer tokens ---- */

int auth_token_create(struct storage *st, const char *username, const char *label, int64_t now,
		      char **token, struct sanad_error *err)
{
	struct account a;
	char hash[CRYPTO_HASH_HEX];
	char *secret, *t;
	int rc;
	*token = NULL;
	if (label && (strlen(label) > 100 || !utf8_valid(label, strlen(label), NULL)))
		return sanad_error_set(err, SANAD_EINVAL, "token label: up to 100 bytes of UTF-8");
	if ((rc = load_account(st, username, &a, err)))
		return rc;
	if (a.disabled) {
		account_release(&a);
		return sanad_error_set(err, SANAD_EPERM, "user '%s' is disabled", username);
	}
	secret = crypto_random_token(32);
	t = xmalloc(strlen(AUTH_TOKEN_PREFIX) + strlen(secret) + 1);
	strcpy(t, AUTH_TOKEN_PREFIX);
	strcat(t, secret);
	free(secret);
	crypto_hash_hex(t, strlen(t), hash);
	rc = storage_token_add(st, hash, a.id, label, now, err);
	account_release(&a);
	if (rc) {
		free(t);
		return rc;
	}
	*token = t;
	return 0;
}

int auth_token_check(struct storage *st, const char *token, int64_t now, struct auth_user *user,
		     struct sanad_error *err)
{
	char hash[CRYPTO_HASH_HEX];
	struct account a;
	int rc;
	memset(user, 0, sizeof(*user));
	if (token && !strncmp(token, "Bearer ", 7))
		token += 7;
	if (!token || strncmp(token, AUTH_TOKEN_PREFIX, strlen(AUTH_TOKEN_PREFIX)) || strlen(token) > 128)
		return sanad_error_set(err, SANAD_EPERM, "invalid token");
	crypto_hash_hex(token, strlen(token), hash);
	rc = storage_token_get(st, hash, now, &a, err);
	if (rc == SANAD_ENOTFOUND)
		return sanad_error_set(err, SANAD_EPERM, "invalid token");
	if (rc)
		return rc;
	if (a.disabled) {
		account_release(&a);
		return sanad_error_set(err, SANAD_EPERM, "invalid token");
	}
	user_from_account(&a, user);
	return 0;
}

int auth_token_revoke(struct storage *st, const char *username, const char *label, struct sanad_error *err)
{
	struct account a;
	int rc;
	if ((rc = load_account(st, username, &a, err)))
		return rc;
	rc = storage_token_revoke(st, a.id, label, err);
	account_release(&a);
	return rc;
}
