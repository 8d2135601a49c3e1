/* tests/crypto: identities are sealed in the database file, open only with
 * their key and only where they were written, and remain searchable by
 * keyed name tokens; rekey changes every ciphertext and keeps the data. */
#include "test_support.h"
#include "crypto/crypto.h"
#include "storage/storage.h"

#include <sqlite3.h>

struct fixture {
	char *path;
	char key[4200];
	struct storage *st;
};

static int setup(void **state)
{
	static const struct organisation orgs[] = {
		{ .code = "ngo-a", .name = "NGO A" },
		{ .code = "ngo-b", .name = "NGO B" },
	};
	struct fixture *f = calloc(1, sizeof(*f));
	if (test_db_create(&f->path, &f->st, orgs, sizeof(orgs) / sizeof(orgs[0])))
		return -1;
	snprintf(f->key, sizeof(f->key), "%s.key", f->path);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	char buf[4300];
	snprintf(buf, sizeof(buf), "%s.old", f->key);
	remove(buf);
	test_db_destroy(f->path, f->st);
	free(f);
	return 0;
}

/* Insert a case of org with these names and a comment; returns its id. */
static int64_t add_case(struct fixture *f, const char *org, const char *first, const char *second,
			const char *comment)
{
	struct case_record c;
	struct sanad_error err;
	case_record_init(&c);
	assert_int_equal(case_set(&c, "snd_Organisation", org, &err), 0);
	if (first)
		assert_int_equal(case_set(&c, "prs_FirstName", first, &err), 0);
	if (second)
		assert_int_equal(case_set(&c, "prs_SecondName", second, &err), 0);
	assert_int_equal(case_set(&c, "prs_MobilePhone", "+962 7 9555 0101", &err), 0);
	if (comment) {
		struct record *r = case_record_add_item(&c, GROUP_COMMENT);
		assert_int_equal(record_set(r, GROUP_COMMENT, domain_field_index(GROUP_COMMENT, "cco_CaseComment"),
					    comment, &err), 0);
	}
	if (storage_case_insert(f->st, &c, &err))
		fail_msg("insert: %s", err.message);
	int64_t id = c.id;
	case_record_release(&c);
	return id;
}

/* One text value straight from the file, bypassing storage. */
static char *raw(struct fixture *f, const char *sql)
{
	sqlite3 *db;
	sqlite3_stmt *s;
	char *out = NULL;
	assert_int_equal(sqlite3_open_v2(f->path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &s, NULL), SQLITE_OK);
	if (sqlite3_step(s) == SQLITE_ROW && sqlite3_column_text(s, 0))
		out = strdup((const char *)sqlite3_column_text(s, 0));
	sqlite3_finalize(s);
	sqlite3_close(db);
	return out;
}

static void raw_exec(struct fixture *f, const char *sql)
{
	sqlite3 *db;
	assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
}

static void identities_are_sealed_and_read_back_plain(void **state)
{
	struct fixture *f = *state;
	struct case_record c;
	struct sanad_error err;
	char *v;
	add_case(f, "ngo-a", "مريم", "Haddad", "met at the bus station");
	v = raw(f, "SELECT prs_FirstName FROM cases");
	assert_int_equal(strncmp(v, "enc1:", 5), 0);
	free(v);
	v = raw(f, "SELECT prs_MobilePhone FROM cases");
	assert_int_equal(strncmp(v, "enc1:", 5), 0);
	free(v);
	v = raw(f, "SELECT cco_CaseComment FROM case_comment");
	assert_int_equal(strncmp(v, "enc1:", 5), 0);
	free(v);
	/* what is not identifying stays queryable in clear */
	v = raw(f, "SELECT coalesce(case_ref_given, printf('SND-%06d', id)) FROM cases");
	assert_string_equal(v, "SND-000001");
	free(v);
	assert_int_equal(storage_case_get(f->st, "SND-000001", &c, &err), 0);
	assert_string_equal(case_get(&c, "prs_FirstName"), "مريم");
	assert_string_equal(case_get(&c, "prs_SecondName"), "Haddad");
	assert_string_equal(c.child[GROUP_COMMENT].items[0].value[domain_field_index(GROUP_COMMENT, "cco_CaseComment")],
			    "met at the bus station");
	case_record_release(&c);
}

static void values_moved_between_fields_or_cases_do_not_open(void **state)
{
	struct fixture *f = *state;
	struct case_record c;
	struct sanad_error err;
	add_case(f, "ngo-a", "Amina", "Yusuf", NULL);
	add_case(f, "ngo-a", "Grace", "Okafor", NULL);
	/* someone with the file swaps Amina's first name into her surname */
	raw_exec(f, "UPDATE cases SET prs_SecondName = prs_FirstName WHERE id = 1");
	assert_int_equal(storage_case_get(f->st, "SND-000001", &c, &err), SANAD_EINVAL);
	assert_non_null(strstr(err.message, "case SND-000001"));
	assert_non_null(strstr(err.message, "prs_SecondName"));
	case_record_release(&c);
	/* or copies it into another case */
	raw_exec(f, "UPDATE cases SET prs_FirstName = (SELECT prs_FirstName FROM cases WHERE id = 2) WHERE id = 1");
	assert_int_equal(storage_case_get(f->st, "SND-000001", &c, &err), SANAD_EINVAL);
	case_record_release(&c);
}

static void without_the_key_identities_are_neither_written_nor_read(void **state)
{
	struct fixture *f = *state;
	struct storage *st;
	struct case_record c;
	struct sanad_error err;
	char *moved = test_temp_path(".key");
	add_case(f, "ngo-a", "Amina", NULL, NULL);
	storage_close(f->st);
	f->st = NULL;
	assert_int_equal(rename(f->key, moved), 0);
	assert_int_equal(storage_open(&st, f->path, 0, &err), 0);
	assert_false(storage_has_key(st));
	assert_int_equal(storage_case_get(st, "SND-000001", &c, &err), SANAD_EPERM);
	assert_non_null(strstr(err.message, "prs_FirstName is encrypted"));
	assert_non_null(strstr(err.message, f->key));
	case_record_release(&c);
	/* a case without identity can still be written; one with a name cannot */
	case_record_init(&c);
	case_set(&c, "snd_Organisation", "ngo-a", &err);
	case_set(&c, "prs_Gender", "Feminine", &err);
	assert_int_equal(storage_case_insert(st, &c, &err), 0);
	case_record_release(&c);
	case_record_init(&c);
	case_set(&c, "snd_Organisation", "ngo-a", &err);
	case_set(&c, "prs_FirstName", "Amina", &err);
	assert_int_equal(storage_case_insert(st, &c, &err), SANAD_EPERM);
	assert_non_null(strstr(err.message, "refusing to store an identity value in clear"));
	case_record_release(&c);
	storage_close(st);
	/* the right key given by path opens it */
	assert_int_equal(storage_open_keyed(&st, f->path, 0, moved, &err), 0);
	assert_int_equal(storage_case_get(st, "SND-000001", &c, &err), 0);
	assert_string_equal(case_get(&c, "prs_FirstName"), "Amina");
	case_record_release(&c);
	storage_close(st);
	assert_int_equal(rename(moved, f->key), 0);
	assert_int_equal(storage_open(&f->st, f->path, 0, &err), 0);
	free(moved);
}

static void a_wrong_key_is_refused_at_open(void **state)
{
	struct fixture *f = *state;
	struct storage *st;
	struct sanad_error err;
	struct crypto_key k;
	char *other = test_temp_path(".key");
	crypto_key_generate(&k);
	assert_int_equal(crypto_key_write_new(other, &k, &err), 0);
	assert_int_equal(storage_open_keyed(&st, f->path, 0, other, &err), SANAD_EPERM);
	assert_non_null(strstr(err.message, "does not belong to this database"));
	remove(other);
	free(other);
	/* and creating a database over an existing key file is refused */
	{
		char *p = test_temp_path(".db");
		assert_int_equal(storage_open_keyed(&st, p, STORAGE_CREATE, f->key, &err), SANAD_EEXIST);
		assert_non_null(strstr(err.message, "already exists"));
		assert_int_equal(access(p, F_OK), -1); /* no database left behind */
		free(p);
	}
}

static void names_are_found_across_scripts(void **state)
{
	struct fixture *f = *state;
	struct name_match *m;
	size_t n;
	struct sanad_error err;
	add_case(f, "ngo-a", "محمد", "الحسن", NULL);         /* 1 */
	add_case(f, "ngo-a", "Mohammed", "Haddad", NULL);    /* 2 */
	add_case(f, "ngo-b", "Muhammad Ali", NULL, NULL);    /* 3 */
	add_case(f, "ngo-a", "Fatima", "Yusuf", NULL);       /* 4 */
	add_case(f, "ngo-a", "Grace", "Okafor", NULL);       /* 5 */

	/* exact spelling scores 2 (normalised and skeleton), others 1 */
	assert_int_equal(storage_case_search_name(f->st, "MOHAMMED", NULL, 0, &m, &n, &err), 0);
	assert_int_equal(n, 3);
	assert_int_equal(m[0].case_id, 2);
	assert_int_equal(m[0].score, 2);
	assert_string_equal(m[0].case_ref, "SND-000002");
	assert_string_equal(m[0].org_code, "ngo-a");
	assert_int_equal(m[1].case_id, 1);
	assert_int_equal(m[1].score, 1);
	assert_int_equal(m[2].case_id, 3);
	name_matches_free(m, n);

	/* Arabic query finds the Latin spellings; organisation filter */
	assert_int_equal(storage_case_search_name(f->st, "مُحَمَّد", "ngo-a", 0, &m, &n, &err), 0);
	assert_int_equal(n, 2);
	assert_int_equal(m[0].case_id, 1);
	assert_int_equal(m[1].case_id, 2);
	name_matches_free(m, n);

	/* "Al Hassan" meets الحسن; ta marbuta meets Fatima */
	assert_int_equal(storage_case_search_name(f->st, "al-Hassan", NULL, 0, &m, &n, &err), 0);
	assert_int_equal(n, 1);
	assert_int_equal(m[0].case_id, 1);
	name_matches_free(m, n);
	assert_int_equal(storage_case_search_name(f->st, "فاطمة", NULL, 0, &m, &n, &err), 0);
	assert_int_equal(n, 1);
	assert_int_equal(m[0].case_id, 4);
	name_matches_free(m, n);

	/* nothing and no match */
	assert_int_equal(storage_case_search_name(f->st, "Zebedee", NULL, 0, &m, &n, &err), 0);
	assert_int_equal(n, 0);
	assert_int_equal(storage_case_search_name(f->st, " - ", NULL, 0, &m, &n, &err), 0);
	assert_int_equal(n, 0);

	/* an update replaces the tokens */
	{
		struct case_record c;
		assert_int_equal(storage_case_get(f->st, "SND-000005", &c, &err), 0);
		case_set(&c, "prs_FirstName", "Mohamed", &err);
		assert_int_equal(storage_case_update(f->st, &c, &err), 0);
		case_record_release(&c);
	}
	assert_int_equal(storage_case_search_name(f->st, "Grace", NULL, 0, &m, &n, &err), 0);
	assert_int_equal(n, 0);
	assert_int_equal(storage_case_search_name(f->st, "Okafor Mohammed", NULL, 2, &m, &n, &err), 0);
	assert_int_equal(n, 2); /* limit */
	assert_int_equal(m[0].case_id, 5); /* okafor, kfr and mhmd */
	assert_int_equal(m[0].score, 3);
	assert_int_equal(m[1].case_id, 2); /* mohammed and mhmd */
	assert_int_equal(m[1].score, 2);
	name_matches_free(m, n);

	/* the token table holds no name */
	{
		char *v = raw(f, "SELECT group_concat(token, ' ') FROM case_name_token");
		assert_null(strstr(v, "mhmd"));
		assert_null(strstr(v, "grace"));
		free(v);
	}
}

static int count_cases(const struct case_record *c, void *ctx)
{
	(void)c;
	(*(int *)ctx)++;
	return 0;
}

static void rekey_changes_every_ciphertext_and_keeps_the_data(void **state)
{
	struct fixture *f = *state;
	struct crypto_key k;
	struct sanad_error err;
	struct case_record c;
	struct name_match *m;
	struct case_query q = { .with_children = 1 };
	size_t n;
	int64_t values;
	int seen = 0;
	char *before, *after;

	add_case(f, "ngo-a", "Amina", "Yusuf", "first meeting");
	add_case(f, "ngo-b", "محمد", NULL, NULL);
	/* a value written in clear by an older Sanad */
	raw_exec(f, "UPDATE cases SET prs_MiddleName = 'Legacy' WHERE id = 2");
	before = raw(f, "SELECT group_concat(prs_FirstName || prs_MobilePhone, '|') FROM cases");
	crypto_key_generate(&k);
	assert_int_equal(storage_rekey(f->st, &k, &values, &err), 0);
	/* case 1: first, second, phone; comment; case 2: first, middle, phone */
	assert_int_equal(values, 7);
	after = raw(f, "SELECT group_concat(prs_FirstName || prs_MobilePhone, '|') FROM cases");
	assert_string_not_equal(before, after);
	free(before);
	free(after);
	after = raw(f, "SELECT prs_MiddleName FROM cases WHERE id = 2");
	assert_int_equal(strncmp(after, "enc1:", 5), 0);
	free(after);
	/* the handle now uses the new key */
	assert_int_equal(storage_case_get(f->st, "SND-000002", &c, &err), 0);
	assert_string_equal(case_get(&c, "prs_FirstName"), "محمد");
	assert_string_equal(case_get(&c, "prs_MiddleName"), "Legacy");
	case_record_release(&c);
	assert_int_equal(storage_case_each(f->st, &q, count_cases, &seen, &err), 0);
	assert_int_equal(seen, 2);
	assert_int_equal(storage_case_search_name(f->st, "Muhammad", NULL, 0, &m, &n, &err), 0);
	assert_int_equal(n, 1);
	assert_int_equal(m[0].case_id, 2);
	name_matches_free(m, n);
	/* the old key file no longer opens the database */
	{
		struct storage *st;
		assert_int_equal(storage_open(&st, f->path, 0, &err), SANAD_EPERM);
	}
	crypto_key_wipe(&k);
}

static void scans_never_see_identities(void **state)
{
	struct fixture *f = *state;
	struct sanad_error err;
	const char *fields[] = { "snd_Organisation", "prs_FirstName" };
	add_case(f, "ngo-a", "Amina", NULL, NULL);
	assert_int_equal(storage_case_scan(f->st, fields, 2, 0, NULL, NULL, &err), SANAD_EPERM);
	assert_non_null(strstr(err.message, "prs_FirstName"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(identities_are_sealed_and_read_back_plain, setup, teardown),
		cmocka_unit_test_setup_teardown(values_moved_between_fields_or_cases_do_not_open, setup, teardown),
		cmocka_unit_test_setup_teardown(without_the_key_identities_are_neither_written_nor_read, setup, teardown),
		cmocka_unit_test_setup_teardown(a_wrong_key_is_refused_at_open, setup, teardown),
		cmocka_unit_test_setup_teardown(names_are_found_across_scripts, setup, teardown),
		cmocka_unit_test_setup_teardown(rekey_changes_every_ciphertext_and_keeps_the_data, setup, teardown),
		cmocka_unit_test_setup_teardown(scans_never_see_identities, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
