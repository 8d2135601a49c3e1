/* tests/auth: accounts, sessions, tokens, throttling and password changes
 * behave as auth.h states, with time passed in (no clocks, no sleeping). */
#include "test_support.h"
#include "auth/auth.h"

#include <sqlite3.h>

#define T0 1700000000

static const char pw_amal[] = "amal's long passphrase";

static const struct organisation orgs[] = {
	{ .code = "ngo-a", .name = "NGO A", .org_type = "NGO", .own_cases_only = 1 },
	{ .code = "police", .name = "Police", .org_type = "LawEnforcement" },
};

static int setup(void **state)
{
	struct sanad_error err;
	struct auth_new_user nu = { "Amal", "Amal H.", ROLE_CASEWORKER, "ngo-a", "ar" };
	if (test_db_setup_orgs(state, orgs, sizeof(orgs) / sizeof(orgs[0])))
		return -1;
	if (auth_user_add(((struct test_db *)*state)->st, &nu, pw_amal, &err)) {
		fprintf(stderr, "%s\n", err.message);
		return -1;
	}
	return 0;
}

static int has_bytes(const char *buf, size_t n, const char *needle)
{
	size_t k = strlen(needle);
	for (size_t i = 0; k <= n && i <= n - k; i++)
		if (!memcmp(buf + i, needle, k))
			return 1;
	return 0;
}

/* The whole database file (and its WAL), to look for secrets in it. */
static int file_contains(const char *path, const char *needle)
{
	FILE *fp = fopen(path, "rb");
	static char buf[1 << 22];
	size_t n;
	char wal[4200];
	int found = 0;
	if (fp) {
		n = fread(buf, 1, sizeof(buf), fp);
		fclose(fp);
		found = has_bytes(buf, n, needle);
	}
	snprintf(wal, sizeof(wal), "%s-wal", path);
	fp = fopen(wal, "rb");
	if (fp) {
		n = fread(buf, 1, sizeof(buf), fp);
		fclose(fp);
		found |= has_bytes(buf, n, needle);
	}
	return found;
}

static void accounts_are_added_and_checked(void **state)
{
	struct test_db *f = *state;
	struct sanad_error err;
	struct auth_user u, *list;
	size_t n;
	struct auth_new_user nu = { 0 };

	assert_int_equal(auth_user_get(f->st, "AMAL", &u, &err), 0);
	assert_string_equal(u.username, "amal"); /* names are case-insensitive, stored lower-case */
	assert_string_equal(u.display_name, "Amal H.");
	assert_int_equal(u.role, ROLE_CASEWORKER);
	assert_string_equal(u.org_code, "ngo-a");
	assert_string_equal(u.org_type, "NGO");
	assert_int_equal(u.own_cases_only, 1);
	assert_string_equal(u.language, "ar");
	{
		struct policy_user p = auth_user_policy(&u);
		assert_int_equal(p.role, ROLE_CASEWORKER);
		assert_string_equal(p.username, "amal");
		assert_int_equal(p.own_cases_only, 1);
	}
	auth_user_release(&u);

	/* the rules of a new account, each refused with its reason */
	nu.username = "amal";
	nu.role = ROLE_CASEWORKER;
	nu.org_code = "ngo-a";
	assert_int_equal(auth_user_add(f->st, &nu, "another long password", &err), SANAD_EEXIST);
	nu.username = "bad name";
	assert_int_equal(auth_user_add(f->st, &nu, "another long password", &err), SANAD_EINVAL);
	assert_non_null(strstr(err.message, "username"));
	nu.username = "basma";
	assert_int_equal(auth_user_add(f->st, &nu, "short", &err), SANAD_EINVAL);
	assert_non_null(strstr(err.message, "at least 12"));
	assert_int_equal(auth_user_add(f->st, &nu, "basma", &err), SANAD_EINVAL);
	nu.org_code = NULL;
	assert_int_equal(auth_user_add(f->st, &nu, "another long password", &err), SANAD_EINVAL);
	assert_non_null(strstr(err.message, "needs an organisation"));
	nu.org_code = "nowhere";
	assert_int_equal(auth_user_add(f->st, &nu, "another long password", &err), SANAD_ENOTFOUND);
	nu.role = ROLE_SYSADMIN;
	nu.org_code = "ngo-a";
	assert_int_equal(auth_user_add(f->st, &nu, "another long password", &err), SANAD_EINVAL);
	assert_non_null(strstr(err.message, "belongs to no organisation"));
	nu.role = ROLE_LIAISON;
	assert_int_equal(auth_user_add(f->st, &nu, "another long password", &err), SANAD_EINVAL);
	assert_non_null(strstr(err.message, "law-enforcement or immigration"));
	nu.org_code = "police";
	nu.language = "fr";
	assert_int_equal(auth_user_add(f->st, &nu, "another long password", &err), SANAD_EINVAL);
	nu.language = NULL;
	assert_int_equal(auth_user_add(f->st, &nu, "another long password", &err), 0);
	nu.username = "root";
	nu.role = ROLE_SYSADMIN;
	nu.org_code = NULL;
	assert_int_equal(auth_user_add(f->st, &nu, "root's long password", &err), 0);

	assert_int_equal(auth_user_list(f->st, NULL, &list, &n, &err), 0);
	assert_int_equal(n, 3);
	assert_string_equal(list[0].username, "amal");
	assert_string_equal(list[1].username, "basma");
	assert_int_equal(list[1].role, ROLE_LIAISON);
	assert_string_equal(list[1].language, "en");
	assert_string_equal(list[2].username, "root");
	assert_null(list[2].org_code);
	for (size_t i = 0; i < n; i++)
		auth_user_release(&list[i]);
	free(list);
	assert_int_equal(auth_user_list(f->st, "police", &list, &n, &err), 0);
	assert_int_equal(n, 1);
	auth_user_release(&list[0]);
	free(list);

	/* no password in the file, in any form the user typed it */
	storage_close(f->st);
	assert_false(file_contains(f->path, pw_amal));
	assert_true(file_contains(f->path, "$argon2id$"));
	assert_int_equal(storage_open(&f->st, f->path, 0, &err), 0);
}

static void login_opens_a_new_session_each_time(void **state)
{
	struct test_db *f = *state;
	struct sanad_error err;
	struct auth_session s1, s2;
	struct auth_user u;
	char *csrf;

	assert_int_equal(auth_login(f->st, "amal", pw_amal, "10.0.0.1", T0, &s1, NULL, &err), 0);
	assert_int_equal(strlen(s1.id), 43);
	assert_int_equal(strlen(s1.csrf), 43);
	assert_int_equal(s1.user.role, ROLE_CASEWORKER);
	assert_int_equal(s1.expires_idle, T0 + AUTH_SESSION_IDLE);
	assert_int_equal(s1.expires_max, T0 + AUTH_SESSION_MAX);
	assert_int_equal(auth_login(f->st, "Amal", pw_amal, "10.0.0.1", T0, &s2, NULL, &err), 0);
	assert_string_not_equal(s1.id, s2.id);
	assert_string_not_equal(s1.csrf, s2.csrf);

	assert_int_equal(auth_session_check(f->st, s1.id, T0 + 10, &u, &csrf, &err), 0);
	assert_string_equal(u.username, "amal");
	assert_string_equal(csrf, s1.csrf);
	assert_true(auth_csrf_valid(csrf, s1.csrf));
	assert_false(auth_csrf_valid(csrf, s2.csrf));
	assert_false(auth_csrf_valid(csrf, ""));
	assert_false(auth_csrf_valid(csrf, NULL));
	free(csrf);
	auth_user_release(&u);

	/* logout ends one session, not the other */
	assert_int_equal(auth_session_end(f->st, s1.id, &err), 0);
	assert_int_equal(auth_session_check(f->st, s1.id, T0 + 20, &u, NULL, &err), SANAD_EPERM);
	assert_int_equal(auth_session_check(f->st, s2.id, T0 + 20, &u, NULL, &err), 0);
	auth_user_release(&u);
	assert_int_equal(auth_session_check(f->st, "made-up", T0, &u, NULL, &err), SANAD_EPERM);
	assert_int_equal(auth_session_check(f->st, NULL, T0, &u, NULL, &err), SANAD_EPERM);

	/* the session id itself is not in the database */
	storage_close(f->st);
	assert_false(file_contains(f->path, s2.id));
	assert_int_equal(storage_open(&f->st, f->path, 0, &err), 0);
	auth_session_release(&s1);
	auth_session_release(&s2);
}

static void sessions_expire_when_idle_and_at_the_latest(void **state)
{
	struct test_db *f = *state;
	struct sanad_error err;
	struct auth_session s;
	struct auth_user u;
	int64_t t;

	assert_int_equal(auth_login(f->st, "amal", pw_amal, NULL, T0, &s, NULL, &err), 0);
	/* used every 20 minutes, it lives until the absolute limit */
	for (t = T0 + 20 * 60; t < T0 + AUTH_SESSION_MAX; t += 20 * 60) {
		assert_int_equal(auth_session_check(f->st, s.id, t, &u, NULL, &err), 0);
		auth_user_release(&u);
	}
	assert_int_equal(auth_session_check(f->st, s.id, T0 + AUTH_SESSION_MAX, &u, NULL, &err), SANAD_EPERM);
	assert_non_null(strstr(err.message, "expired"));
	auth_session_release(&s);

	/* left alone for the idle time, it ends */
	assert_int_equal(auth_login(f->st, "amal", pw_amal, NULL, T0, &s, NULL, &err), 0);
	assert_int_equal(auth_session_check(f->st, s.id, T0 + AUTH_SESSION_IDLE - 1, &u, NULL, &err), 0);
	auth_user_release(&u);
	assert_int_equal(auth_session_check(f->st, s.id, T0 + 2 * AUTH_SESSION_IDLE - 2, &u, NULL, &err), 0);
	auth_user_release(&u);
	assert_int_equal(auth_session_check(f->st, s.id, T0 + 3 * AUTH_SESSION_IDLE, &u, NULL, &err), SANAD_EPERM);
	auth_session_release(&s);
	assert_int_equal(auth_session_purge(f->st, T0 + AUTH_SESSION_MAX, &err), 0);
}

static void failed_logins_say_the_same_and_are_throttled(void **state)
{
	struct test_db *f = *state;
	struct sanad_error err;
	struct auth_session s;
	char unknown[1024];
	int64_t wait;

	assert_int_equal(auth_login(f->st, "nobody", pw_amal, "10.0.0.9", T0, &s, &wait, &err), SANAD_EPERM);
	snprintf(unknown, sizeof(unknown), "%s", err.message);
	assert_int_equal(auth_login(f->st, "amal", "wrong password!", "10.0.0.9", T0, &s, &wait, &err), SANAD_EPERM);
	assert_string_equal(err.message, unknown);
	assert_string_equal(err.message, "wrong username or password");

	/* five failures cost nothing; the sixth locks the account for 30 s */
	for (int i = 2; i <= AUTH_FREE_FAILURES_USER; i++)
		assert_int_equal(auth_login(f->st, "amal", "wrong password!", "10.0.0.9", T0 + i, &s, &wait, &err),
				 SANAD_EPERM);
	assert_int_equal(auth_login(f->st, "amal", "wrong password!", "10.0.0.9", T0 + 10, &s, &wait, &err),
			 SANAD_EPERM);
	/* now even the right password waits, from any address */
	assert_int_equal(auth_login(f->st, "amal", pw_amal, "10.0.0.2", T0 + 11, &s, &wait, &err), SANAD_ELIMIT);
	assert_int_equal(wait, 29);
	assert_non_null(strstr(err.message, "try again in 29 seconds"));
	/* after the lock a further failure doubles it */
	assert_int_equal(auth_login(f->st, "amal", "wrong password!", "10.0.0.9", T0 + 40, &s, &wait, &err),
			 SANAD_EPERM);
	assert_int_equal(auth_login(f->st, "amal", pw_amal, NULL, T0 + 41, &s, &wait, &err), SANAD_ELIMIT);
	assert_int_equal(wait, 59);
	/* when it passes, the right password gets in and clears the count */
	assert_int_equal(auth_login(f->st, "amal", pw_amal, NULL, T0 + 100, &s, &wait, &err), 0);
	auth_session_release(&s);
	assert_int_equal(auth_login(f->st, "amal", "wrong password!", NULL, T0 + 101, &s, &wait, &err), SANAD_EPERM);
	assert_int_equal(auth_login(f->st, "amal", pw_amal, NULL, T0 + 102, &s, &wait, &err), 0);
	auth_session_release(&s);
}

static void an_address_is_throttled_across_accounts(void **state)
{
	struct test_db *f = *state;
	struct sanad_error err;
	struct auth_session s;
	int64_t wait;
	char name[32];
	/* a password sprayed over many accounts from one address */
	for (int i = 0; i <= AUTH_FREE_FAILURES_ADDR; i++) {
		snprintf(name, sizeof(name), "user%d", i);
		assert_int_equal(auth_login(f->st, name, "Winter2025!!", "192.0.2.7", T0 + i, &s, &wait, &err),
				 SANAD_EPERM);
	}
	assert_int_equal(auth_login(f->st, "amal", pw_amal, "192.0.2.7", T0 + 30, &s, &wait, &err), SANAD_ELIMIT);
	/* the same account from elsewhere is fine */
	assert_int_equal(auth_login(f->st, "amal", pw_amal, "192.0.2.8", T0 + 30, &s, &wait, &err), 0);
	auth_session_release(&s);
	/* an hour later the address's failures are forgotten */
	assert_int_equal(auth_login(f->st, "amal", pw_amal, "192.0.2.7", T0 + 3600 + 30, &s, &wait, &err), 0);
	auth_session_release(&s);
}

static void disabling_ends_sessions_and_tokens(void **state)
{
	struct test_db *f = *state;
	struct sanad_error err;
	struct auth_session s;
	struct auth_user u;
	char *token;

	assert_int_equal(auth_login(f->st, "amal", pw_amal, NULL, T0, &s, NULL, &err), 0);
	assert_int_equal(auth_token_create(f->st, "amal", "nightly export", T0, &token, &err), 0);
	assert_int_equal(strncmp(token, "sndt_", 5), 0);
	assert_int_equal(auth_token_check(f->st, token, T0, &u, &err), 0);
	assert_string_equal(u.username, "amal");
	auth_user_release(&u);
	{
		char bearer[128];
		snprintf(bearer, sizeof(bearer), "Bearer %s", token);
		assert_int_equal(auth_token_check(f->st, bearer, T0 + 100, &u, &err), 0);
		auth_user_release(&u);
	}
	assert_int_equal(auth_token_check(f->st, "sndt_madeup", T0, &u, &err), SANAD_EPERM);
	assert_int_equal(auth_token_check(f->st, s.id, T0, &u, &err), SANAD_EPERM); /* a session id is no token */

	assert_int_equal(auth_user_set_disabled(f->st, "amal", 1, &err), 0);
	assert_int_equal(auth_session_check(f->st, s.id, T0 + 1, &u, NULL, &err), SANAD_EPERM);
	assert_int_equal(auth_token_check(f->st, token, T0 + 1, &u, &err), SANAD_EPERM);
	auth_session_release(&s);
	assert_int_equal(auth_login(f->st, "amal", pw_amal, NULL, T0 + 2, &s, NULL, &err), SANAD_EPERM);
	assert_string_equal(err.message, "wrong username or password");
	free(token);
	assert_int_equal(auth_token_create(f->st, "amal", NULL, T0, &token, &err), SANAD_EPERM);
	assert_null(token);
	/* enabled again: logins work, the old token stays revoked */
	assert_int_equal(auth_user_set_disabled(f->st, "amal", 0, &err), 0);
	assert_int_equal(auth_login(f->st, "amal", pw_amal, NULL, T0 + 3, &s, NULL, &err), 0);
	auth_session_release(&s);
	assert_int_equal(auth_user_set_disabled(f->st, "nobody", 1, &err), SANAD_ENOTFOUND);
}

static void tokens_are_revoked_by_label(void **state)
{
	struct test_db *f = *state;
	struct sanad_error err;
	struct auth_user u;
	char *a, *b;
	assert_int_equal(auth_token_create(f->st, "amal", "a", T0, &a, &err), 0);
	assert_int_equal(auth_token_create(f->st, "amal", "b", T0, &b, &err), 0);
	assert_string_not_equal(a, b);
	assert_int_equal(auth_token_revoke(f->st, "amal", "a", &err), 0);
	assert_int_equal(auth_token_check(f->st, a, T0, &u, &err), SANAD_EPERM);
	assert_int_equal(auth_token_check(f->st, b, T0, &u, &err), 0);
	auth_user_release(&u);
	assert_int_equal(auth_token_revoke(f->st, "amal", NULL, &err), 0);
	assert_int_equal(auth_token_check(f->st, b, T0, &u, &err), SANAD_EPERM);
	free(a);
	free(b);
}

static void password_change_keeps_only_the_callers_session(void **state)
{
	struct test_db *f = *state;
	struct sanad_error err;
	struct auth_session here, there;
	struct auth_user u;
	const char *fresh = "a brand new passphrase";

	assert_int_equal(auth_login(f->st, "amal", pw_amal, NULL, T0, &here, NULL, &err), 0);
	assert_int_equal(auth_login(f->st, "amal", pw_amal, NULL, T0, &there, NULL, &err), 0);
	assert_int_equal(auth_password_change(f->st, "amal", "not my password", fresh, here.id, &err), SANAD_EPERM);
	assert_int_equal(auth_password_change(f->st, "amal", pw_amal, "short", here.id, &err), SANAD_EINVAL);
	assert_int_equal(auth_password_change(f->st, "amal", pw_amal, pw_amal, here.id, &err), SANAD_EINVAL);
	assert_int_equal(auth_password_change(f->st, "amal", pw_amal, fresh, here.id, &err), 0);
	assert_int_equal(auth_session_check(f->st, here.id, T0 + 1, &u, NULL, &err), 0);
	auth_user_release(&u);
	assert_int_equal(auth_session_check(f->st, there.id, T0 + 1, &u, NULL, &err), SANAD_EPERM);
	auth_session_release(&there);
	assert_int_equal(auth_login(f->st, "amal", pw_amal, NULL, T0 + 2, &there, NULL, &err), SANAD_EPERM);
	assert_int_equal(auth_login(f->st, "amal", fresh, NULL, T0 + 3, &there, NULL, &err), 0);
	auth_session_release(&there);
	/* an administrator's reset ends every session */
	assert_int_equal(auth_password_set(f->st, "amal", "reset by the admin", &err), 0);
	assert_int_equal(auth_session_check(f->st, here.id, T0 + 4, &u, NULL, &err), SANAD_EPERM);
	auth_session_release(&here);
}

static void a_new_role_applies_at_once(void **state)
{
	struct test_db *f = *state;
	struct sanad_error err;
	struct auth_session s;
	struct auth_user u;
	assert_int_equal(auth_login(f->st, "amal", pw_amal, NULL, T0, &s, NULL, &err), 0);
	assert_int_equal(auth_user_set_role(f->st, "amal", ROLE_SUPERVISOR, NULL, &err), 0);
	assert_int_equal(auth_session_check(f->st, s.id, T0 + 1, &u, NULL, &err), SANAD_EPERM);
	auth_session_release(&s);
	assert_int_equal(auth_user_get(f->st, "amal", &u, &err), 0);
	assert_int_equal(u.role, ROLE_SUPERVISOR);
	assert_string_equal(u.org_code, "ngo-a"); /* kept */
	auth_user_release(&u);
	/* to a deployment-wide role: the organisation goes */
	assert_int_equal(auth_user_set_role(f->st, "amal", ROLE_COORDINATOR, NULL, &err), 0);
	assert_int_equal(auth_user_get(f->st, "amal", &u, &err), 0);
	assert_null(u.org_code);
	auth_user_release(&u);
	/* and back needs one */
	assert_int_equal(auth_user_set_role(f->st, "amal", ROLE_CASEWORKER, NULL, &err), SANAD_EINVAL);
	assert_int_equal(auth_user_set_role(f->st, "amal", ROLE_LIAISON, "ngo-a", &err), SANAD_EINVAL);
	assert_int_equal(auth_user_set_role(f->st, "amal", ROLE_LIAISON, "police", &err), 0);
	assert_int_equal(auth_user_get(f->st, "amal", &u, &err), 0);
	assert_string_equal(u.org_type, "LawEnforcement");
	auth_user_release(&u);
	assert_int_equal(auth_user_set_language(f->st, "amal", "en", &err), 0);
	assert_int_equal(auth_user_set_language(f->st, "amal", "de", &err), SANAD_EINVAL);
}

static void generated_passwords_are_acceptable(void **state)
{
	struct sanad_error err;
	char *p = auth_password_generate(), *q = auth_password_generate();
	(void)state;
	assert_int_equal(strlen(p), 24);
	assert_string_not_equal(p, q);
	assert_int_equal(auth_password_acceptable("amal", p, &err), 0);
	assert_int_equal(auth_password_acceptable("amal", "\xC3\x28 long enough text", &err), SANAD_EINVAL);
	assert_int_equal(auth_password_acceptable("amal", "كلمة سر طويلة جدا", &err), 0); /* 17 code points */
	assert_int_equal(auth_password_acceptable("amal", "كلمة سر", &err), SANAD_EINVAL);  /* 14 bytes, 7 letters */
	free(p);
	free(q);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(accounts_are_added_and_checked, setup, test_db_teardown),
		cmocka_unit_test_setup_teardown(login_opens_a_new_session_each_time, setup, test_db_teardown),
		cmocka_unit_test_setup_teardown(sessions_expire_when_idle_and_at_the_latest, setup, test_db_teardown),
		cmocka_unit_test_setup_teardown(failed_logins_say_the_same_and_are_throttled, setup, test_db_teardown),
		cmocka_unit_test_setup_teardown(an_address_is_throttled_across_accounts, setup, test_db_teardown),
		cmocka_unit_test_setup_teardown(disabling_ends_sessions_and_tokens, setup, test_db_teardown),
		cmocka_unit_test_setup_teardown(tokens_are_revoked_by_label, setup, test_db_teardown),
		cmocka_unit_test_setup_teardown(password_change_keeps_only_the_callers_session, setup, test_db_teardown),
		cmocka_unit_test_setup_teardown(a_new_role_applies_at_once, setup, test_db_teardown),
		cmocka_unit_test(generated_passwords_are_acceptable),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
