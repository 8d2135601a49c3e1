/* tests/storage: the SQLite backend keeps what it is given, exactly. */
#include "test_support.h"
#include "storage/storage.h"
#include "storage/storage_internal.h"

#include <sqlite3.h>
#include <sys/stat.h>

struct fixture {
	char *path;
	struct storage *st;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct sanad_error err;
	struct organisation o = { 0 };
	f->path = test_temp_path(".db");
	if (storage_open(&f->st, f->path, STORAGE_CREATE, &err))
		return -1;
	o.code = "ngo-a";
	o.name = "NGO A";
	o.org_type = "NGO";
	if (storage_org_add(f->st, &o, &err))
		return -1;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	storage_close(f->st);
	test_remove_db(f->path);
	free(f->path);
	free(f);
	return 0;
}

static void fill_case(struct case_record *c)
{
	struct sanad_error err;
	struct record *r;
	case_record_init(c);
	assert_int_equal(case_set(c, "snd_Organisation", "ngo-a", &err), 0);
	assert_int_equal(case_set(c, "prs_FirstName", "فاطمة", &err), 0);
	assert_int_equal(case_set(c, "prs_Gender", "Feminine", &err), 0);
	assert_int_equal(case_set(c, "prs_Citizenship", "ET;ER", &err), 0);
	assert_int_equal(case_set(c, "prs_Deceased", "false", &err), 0);
	assert_int_equal(case_set(c, "vic_AgeWhenTrafficked", "16", &err), 0);
	assert_int_equal(case_set(c, "vic_TypeOfExploitation", "DomesticServitude ForcedLabour", &err), 0);
	r = case_record_add_item(c, GROUP_EVENT);
	assert_int_equal(record_set(r, GROUP_EVENT, domain_field_index(GROUP_EVENT, "hte_Type"), "Recruitment", &err), 0);
	assert_int_equal(record_set(r, GROUP_EVENT, domain_field_index(GROUP_EVENT, "hte_Country"), "ET", &err), 0);
	r = case_record_add_item(c, GROUP_EVENT);
	assert_int_equal(record_set(r, GROUP_EVENT, domain_field_index(GROUP_EVENT, "hte_Type"), "Exploitation", &err), 0);
	assert_int_equal(record_set(r, GROUP_EVENT, domain_field_index(GROUP_EVENT, "hte_Country"), "JO", &err), 0);
	r = case_record_add_item(c, GROUP_CONSENT);
	record_set(r, GROUP_CONSENT, domain_field_index(GROUP_CONSENT, "snd_ConsentScope"), "StatisticalUse", &err);
	record_set(r, GROUP_CONSENT, domain_field_index(GROUP_CONSENT, "snd_ConsentGiven"), "true", &err);
	record_set(r, GROUP_CONSENT, domain_field_index(GROUP_CONSENT, "snd_ConsentDate"), "2022-03-01", &err);
}

static void assert_same_case(const struct case_record *a, const struct case_record *b)
{
	for (int g = 0; g < GROUP_COUNT; g++) {
		const struct group_def *gd = domain_group((enum group_id)g);
		size_t n = g == GROUP_CASE ? 1 : a->child[g].count;
		if (g != GROUP_CASE)
			assert_int_equal(a->child[g].count, b->child[g].count);
		for (size_t k = 0; k < n; k++) {
			char **va = g == GROUP_CASE ? a->main.value : a->child[g].items[k].value;
			char **vb = g == GROUP_CASE ? b->main.value : b->child[g].items[k].value;
			for (int i = 0; i < gd->nfields; i++) {
				if (!va[i] || !vb[i]) {
					if (va[i] != vb[i])
						fail_msg("%s: '%s' vs '%s'", gd->fields[i].name,
							 va[i] ? va[i] : "(null)", vb[i] ? vb[i] : "(null)");
				} else if (strcmp(va[i], vb[i])) {
					fail_msg("%s: '%s' vs '%s'", gd->fields[i].name, va[i], vb[i]);
				}
			}
		}
	}
}

static void plain_case(struct case_record *c, const char *sex, const char *ref)
{
	struct sanad_error err;
	case_record_init(c);
	assert_int_equal(case_set(c, "snd_Organisation", "ngo-a", &err), 0);
	assert_int_equal(case_set(c, "snd_Sex", sex, &err), 0);
	assert_int_equal(case_set(c, "snd_YearOfRegistration", "2019", &err), 0);
	assert_int_equal(case_set(c, "prs_Citizenship", "UA", &err), 0);
	if (ref)
		assert_int_equal(case_set(c, "snd_CaseRef", ref, &err), 0);
}

/* A bulk batch writes each case as storage_case_insert would, with or
 * without the shapes its caller made, and stops at a duplicate reference
 * with the cases before it written. */
static void batch_insert_writes_each_case_as_one_by_one(void **state)
{
	struct fixture *f = *state;
	struct case_record c[6], back, *ptr[6];
	struct case_shape shape[6];
	struct sanad_error err;
	size_t done = 99;

	plain_case(&c[0], "Female", NULL);
	plain_case(&c[1], "Male", NULL);
	plain_case(&c[2], "Female", "X-7");
	fill_case(&c[3]); /* a sealed name and repeating parts: written on its own */
	plain_case(&c[4], "Male", NULL);
	plain_case(&c[5], "Female", NULL);
	for (int i = 0; i < 6; i++) {
		case_record_flatten(&c[i]);
		case_record_shape(&c[i], &shape[i]);
		ptr[i] = &c[i];
	}
	assert_int_equal(shape[3].children, 3);
	assert_true(shape[0].present[0] | shape[0].present[1]);
	assert_int_equal(storage_begin_bulk(f->st, 0, &err), 0);
	assert_int_equal(storage_case_insert_batch(f->st, ptr, shape, 3, &done, &err), 0);
	assert_int_equal(done, 3);
	assert_int_equal(storage_case_insert_batch(f->st, ptr + 3, NULL, 3, &done, &err), 0);
	assert_int_equal(done, 3);
	assert_int_equal(storage_commit(f->st, &err), 0);
	for (int i = 0; i < 6; i++) {
		char want[32];
		assert_int_equal(c[i].id, i + 1);
		snprintf(want, sizeof(want), "SND-%06d", i + 1);
		assert_int_equal(storage_case_get_by_id(f->st, c[i].id, &back, &err), 0);
		assert_string_equal(case_get(&back, "snd_CaseRef"), i == 2 ? "X-7" : want);
		/* a reference made for a case of a run is in the database only
		 * (the lone case went through storage_case_insert, which keeps it) */
		if (i == 0 || i == 1 || i == 4 || i == 5)
			assert_null(case_get(&c[i], "snd_CaseRef"));
		if (!case_get(&c[i], "snd_CaseRef"))
			assert_int_equal(case_set(&c[i], "snd_CaseRef", want, &err), 0);
		assert_same_case(&c[i], &back);
		case_record_release(&back);
		case_record_release(&c[i]);
	}

	/* a duplicate in the middle of a run: the case before it is in */
	plain_case(&c[0], "Male", NULL);
	plain_case(&c[1], "Male", "X-7");
	plain_case(&c[2], "Male", NULL);
	for (int i = 0; i < 3; i++)
		case_record_shape(&c[i], &shape[i]);
	assert_int_equal(storage_begin_bulk(f->st, 0, &err), 0);
	assert_int_equal(storage_case_insert_batch(f->st, ptr, shape, 3, &done, &err), SANAD_EEXIST);
	assert_int_equal(done, 1);
	assert_non_null(strstr(err.message, "X-7"));
	assert_int_equal(c[0].id, 7);
	assert_int_equal(c[1].id, 0);
	assert_int_equal(storage_commit(f->st, &err), 0);
	assert_int_equal(storage_case_get(f->st, "SND-000007", &back, &err), 0);
	assert_string_equal(case_get(&back, "snd_Sex"), "Male");
	case_record_release(&back);
	for (int i = 0; i < 3; i++)
		case_record_release(&c[i]);

	/* a case may bring the reference Sanad would make for a later one:
	 * the ids of the run go on from above it */
	plain_case(&c[0], "Female", NULL);         /* id 8 */
	plain_case(&c[1], "Male", "SND-000010");   /* id 9 */
	plain_case(&c[2], "Female", NULL);         /* id 11, not 10 */
	for (int i = 0; i < 3; i++)
		case_record_shape(&c[i], &shape[i]);
	assert_int_equal(storage_begin_bulk(f->st, 0, &err), 0);
	assert_int_equal(storage_case_insert_batch(f->st, ptr, shape, 3, &done, &err), 0);
	assert_int_equal(storage_commit(f->st, &err), 0);
	assert_int_equal(c[2].id, 11);
	assert_int_equal(storage_case_get(f->st, "SND-000010", &back, &err), 0);
	assert_int_equal(back.id, 9);
	assert_string_equal(case_get(&back, "snd_Sex"), "Male");
	case_record_release(&back);
	assert_int_equal(storage_case_get(f->st, "SND-000011", &back, &err), 0);
	assert_int_equal(back.id, 11);
	case_record_release(&back);
	for (int i = 0; i < 3; i++)
		case_record_release(&c[i]);
}

/* A case's reference is the one it was given or one made from its id
 * (migration 10 stores only the first).  Either finds the case; no two
 * cases share one, whatever mix of given and made: a given reference in
 * the made form is refused when its case has its made one, ids are given
 * from above one kept, and a case cannot take back its made reference
 * from another. */
static void references_given_and_made_name_one_case_each(void **state)
{
	struct fixture *f = *state;
	struct case_record c, back;
	struct sanad_error err;
	const char *given[] = { NULL, "X-2", NULL, "SND-000002", "SND-000005", "SND-000001", "SND-000009" };
	int want_rc[] = { 0, 0, 0, 0, 0, SANAD_EEXIST, 0 };

	/* ids 1 (made), 2, 3 (made), 4 (SND-000002: case 2 has X-2),
	 * 5 (its own made reference, given), 6 (SND-000009, ahead) */
	for (size_t i = 0; i < sizeof(given) / sizeof(given[0]); i++) {
		plain_case(&c, "Female", given[i]);
		assert_int_equal(storage_case_insert(f->st, &c, &err), want_rc[i]);
		case_record_release(&c);
	}
	assert_int_equal(test_sql_int(f->path, "SELECT count(*) FROM cases WHERE case_ref_given IS NOT NULL"), 3);
	assert_int_equal(test_sql_int(f->path, "SELECT id FROM cases WHERE case_ref_given = 'SND-000002'"), 4);
	{
		const char *ref[] = { "SND-000001", "X-2", "SND-000003", "SND-000002", "SND-000005" };
		for (int i = 0; i < 5; i++) {
			assert_int_equal(storage_case_get(f->st, ref[i], &back, &err), 0);
			assert_int_equal(back.id, i + 1);
			assert_string_equal(case_get(&back, "snd_CaseRef"), ref[i]);
			case_record_release(&back);
		}
	}
	assert_int_equal(storage_case_get(f->st, "SND-000006", &back, &err), SANAD_ENOTFOUND);
	case_record_release(&back);
	assert_int_equal(storage_case_get(f->st, "SND-000009", &back, &err), 0);
	assert_int_equal(back.id, 6);
	case_record_release(&back);
	/* the next case, on another connection too, comes after SND-000009 */
	storage_close(f->st);
	assert_int_equal(storage_open(&f->st, f->path, 0, &err), 0);
	plain_case(&c, "Male", NULL);
	assert_int_equal(storage_case_insert(f->st, &c, &err), 0);
	assert_int_equal(c.id, 10);
	case_record_release(&c);

	/* case 2 cannot take back SND-000002, which case 4 has */
	assert_int_equal(storage_case_get(f->st, "X-2", &back, &err), 0);
	assert_int_equal(case_set(&back, "snd_CaseRef", "SND-000002", &err), 0);
	assert_int_equal(storage_case_update(f->st, &back, &err), SANAD_EEXIST);
	/* case 3 can be given a reference, and have its made one back */
	case_record_release(&back);
	assert_int_equal(storage_case_get(f->st, "SND-000003", &back, &err), 0);
	assert_int_equal(case_set(&back, "snd_CaseRef", "Y-3", &err), 0);
	assert_int_equal(storage_case_update(f->st, &back, &err), 0);
	case_record_release(&back);
	assert_int_equal(storage_case_get(f->st, "SND-000003", &back, &err), SANAD_ENOTFOUND);
	case_record_release(&back);
	assert_int_equal(storage_case_get(f->st, "Y-3", &back, &err), 0);
	assert_int_equal(case_set(&back, "snd_CaseRef", "SND-000003", &err), 0);
	assert_int_equal(storage_case_update(f->st, &back, &err), 0);
	assert_int_equal(test_sql_int(f->path, "SELECT count(*) FROM cases WHERE id = 3 AND case_ref_given IS NULL"), 1);
	case_record_release(&back);
}

/* A database of schema 9 kept every reference, made ones too, under a
 * unique constraint.  It upgrades in place to keep only given ones: every
 * case, repeating part and reference is as before, the indexes and
 * triggers are back, and a given reference in the made form above the
 * highest id (which schema 9 allowed) is never made for a new case. */
static void made_references_are_dropped_on_upgrade(void **state)
{
	struct fixture *f = *state;
	struct case_record c, back;
	struct sanad_error err;
	char before[4096], after[4096];
	sqlite3 *db;

	storage_close(f->st);
	f->st = NULL;
	test_remove_db(f->path);
	assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
	assert_int_equal(storage_audit_register(db), SQLITE_OK);
	for (int i = 0; i < storage_migration_count && storage_migrations[i].version <= 9; i++)
		assert_int_equal(sqlite3_exec(db, storage_migrations[i].sql, NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db,
		"PRAGMA foreign_keys = ON;"
		"INSERT INTO organisation (id, code, name) VALUES (1, 'ngo-a', 'NGO A');"
		"INSERT INTO cases (id, org_id, snd_CaseRef, snd_Sex) VALUES (1, 1, 'SND-000001', 'Female'),"
		" (2, 1, 'uuid:7c1e', 'Male'), (3, 1, 'SND-000050', 'Female'), (4, 1, 'SND-000004', NULL);"
		"INSERT INTO case_event (case_id, seq, hte_Type, hte_Country) VALUES (1, 1, 'Recruitment', 'ET'),"
		" (3, 1, 'Exploitation', 'JO');"
		"PRAGMA user_version = 9;", NULL, NULL, NULL), SQLITE_OK);
	test_sql_text(f->path, "SELECT group_concat(id || ':' || snd_CaseRef || ':' || coalesce(snd_Sex, '-'), ' ') "
			       "FROM cases", before, sizeof(before));
	sqlite3_close(db);

	assert_int_equal(storage_open(&f->st, f->path, 0, &err), 0);
	assert_int_equal(storage_schema_version(f->st), storage_schema_latest());
	test_sql_text(f->path, "SELECT group_concat(id || ':' || " STORAGE_CASE_REF("c") " || ':' || "
			       "coalesce(snd_Sex, '-'), ' ') FROM cases c", after, sizeof(after));
	assert_string_equal(after, before);
	assert_int_equal(test_sql_int(f->path, "SELECT count(*) FROM case_event"), 2);
	assert_int_equal(test_sql_int(f->path, "SELECT count(*) FROM cases WHERE case_ref_given IS NOT NULL"), 2);
	assert_int_equal(test_sql_int(f->path, "SELECT count(*) FROM sqlite_master WHERE tbl_name = 'cases' AND name IN "
					       "('cases_org', 'cases_owner', 'cases_followup', 'cases_match_key', "
					       "'cases_ref_given', 'stats_case_update', 'stats_case_delete')"), 7);
	assert_int_equal(test_sql_int(f->path, "SELECT count(*) FROM pragma_foreign_key_check"), 0);
	assert_int_equal(test_sql_int(f->path, "SELECT count(*) FROM pragma_integrity_check WHERE integrity_check <> 'ok'"),
			 0);
	assert_int_equal(storage_case_get(f->st, "SND-000050", &back, &err), 0);
	assert_int_equal(back.id, 3);
	assert_int_equal(back.child[GROUP_EVENT].count, 1);
	case_record_release(&back);
	assert_int_equal(storage_case_get(f->st, "SND-000004", &back, &err), 0);
	assert_int_equal(back.id, 4);
	case_record_release(&back);

	/* the next case comes after SND-000050, whose reference it cannot have */
	plain_case(&c, "Male", NULL);
	assert_int_equal(storage_case_insert(f->st, &c, &err), 0);
	assert_int_equal(c.id, 51);
	assert_string_equal(case_get(&c, "snd_CaseRef"), "SND-000051");
	case_record_release(&c);
}

/* Batch ids come after the statistics mark as well as after the highest
 * case, and every reference made from an id names the case that has it:
 * above the mark, where SQLite's own choice of id (the highest plus one)
 * would be too low, the batch names its ids; past it, SQLite picks them. */
static void batch_ids_follow_the_statistics_mark(void **state)
{
	struct fixture *f = *state;
	struct case_record c[3], back, *ptr[3];
	struct case_shape shape[3];
	struct sanad_error err;
	sqlite3 *db;
	size_t done;
	int64_t want_id = 21;

	assert_int_equal(sqlite3_open_v2(f->path, &db, SQLITE_OPEN_READWRITE, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "UPDATE stats_mark SET mark = 20 WHERE id = 1", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	for (int round = 0; round < 2; round++) {
		for (int i = 0; i < 3; i++) {
			plain_case(&c[i], i == 1 ? "Male" : "Female", NULL);
			case_record_shape(&c[i], &shape[i]);
			ptr[i] = &c[i];
		}
		assert_int_equal(storage_begin_bulk(f->st, 0, &err), 0);
		assert_int_equal(storage_case_insert_batch(f->st, ptr, shape, 3, &done, &err), 0);
		assert_int_equal(storage_commit(f->st, &err), 0);
		for (int i = 0; i < 3; i++, want_id++) {
			char ref[32];
			assert_int_equal(c[i].id, want_id);
			snprintf(ref, sizeof(ref), "SND-%06lld", (long long)want_id);
			assert_int_equal(storage_case_get(f->st, ref, &back, &err), 0);
			assert_int_equal(back.id, want_id);
			assert_string_equal(case_get(&back, "snd_Sex"), i == 1 ? "Male" : "Female");
			case_record_release(&back);
			case_record_release(&c[i]);
		}
	}
}

static int64_t single_int(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *s;
	int64_t v = -1;
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &s, NULL), SQLITE_OK);
	if (sqlite3_step(s) == SQLITE_ROW)
		v = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	return v;
}

/* A file whose writes are gathered (SANAD_FCNTL_COALESCE, as a direct bulk
 * transaction has it) ends up as SQLite wrote it: with a cache of eight
 * pages, a transaction spills and reads back pages all along, rewrites
 * some, commits; another rolls back after spilling.  Read through SQLite's
 * own VFS afterwards, the file is intact and holds exactly the first. */
static void gathered_writes_leave_the_file_as_written(void **state)
{
	struct fixture *f = *state; /* its storage registered the VFS */
	char *path = test_temp_path(".db");
	sqlite3 *db;
	const char *fill = "CREATE TABLE t (k INTEGER PRIMARY KEY, v TEXT);"
			   "CREATE INDEX t_v ON t (v);"
			   "WITH RECURSIVE n(k) AS (SELECT 1 UNION ALL SELECT k + 1 FROM n WHERE k < 3000) "
			   "INSERT INTO t SELECT k, printf('%0400d', k * 7919 % 100003) FROM n;";

	(void)f;
	assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, SANAD_VFS),
			 SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "PRAGMA journal_mode = DELETE; PRAGMA cache_size = 8", NULL, NULL, NULL),
			 SQLITE_OK);
	assert_int_equal(storage_coalesce(db, 1), 1);
	assert_int_equal(sqlite3_exec(db, "BEGIN", NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, fill, NULL, NULL, NULL), SQLITE_OK);
	/* read back inside the transaction: pages spilled a moment ago */
	assert_int_equal(single_int(db, "SELECT count(*) FROM t WHERE length(v) = 400"), 3000);
	assert_int_equal(single_int(db, "SELECT sum(CAST(v AS INTEGER)) FROM t"),
			 single_int(db, "WITH RECURSIVE n(k) AS (SELECT 1 UNION ALL SELECT k + 1 FROM n "
					"WHERE k < 3000) SELECT sum(k * 7919 % 100003) FROM n"));
	assert_int_equal(sqlite3_exec(db, "UPDATE t SET v = printf('%0400d', k) WHERE k % 3 = 0; COMMIT",
				      NULL, NULL, NULL),
			 SQLITE_OK);
	/* spilled, then rolled back: the journal's pages go back through it */
	assert_int_equal(sqlite3_exec(db,
				      "BEGIN; UPDATE t SET v = printf('%0400d', -k); "
				      "INSERT INTO t SELECT k + 3000, v FROM t; ROLLBACK",
				      NULL, NULL, NULL),
			 SQLITE_OK);
	assert_int_equal(storage_coalesce(db, 0), 0);
	sqlite3_close(db);

	assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	assert_int_equal(single_int(db, "SELECT count(*) FROM pragma_integrity_check WHERE integrity_check = 'ok'"),
			 1);
	assert_int_equal(single_int(db, "SELECT count(*) FROM t"), 3000);
	assert_int_equal(single_int(db, "SELECT count(*) FROM t WHERE v = printf('%0400d', CASE WHEN k % 3 = 0 "
					"THEN k ELSE k * 7919 % 100003 END)"),
			 3000);
	sqlite3_close(db);
	test_remove_db(path);
	free(path);
}

/* The gathering's contract with SQLite, call by call: a write that
 * continues the last one waits in the buffer, and a read, a size query, a
 * sync or an unlock finds it in the file before it returns. */
static void gathered_writes_reach_the_file_before_sync_returns(void **state)
{
	struct fixture *f = *state; /* its storage registered the VFS */
	char *path = test_temp_path(".db");
	char page[4096], back[4096];
	sqlite3_file *file = NULL;
	sqlite3_int64 size = 0, now = 0;
	struct stat sb;
	sqlite3 *db;

	(void)f;
	assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, SANAD_VFS),
			 SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "CREATE TABLE t (x)", NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(storage_coalesce(db, 1), 1);
	assert_int_equal(sqlite3_file_control(db, "main", SQLITE_FCNTL_FILE_POINTER, &file), SQLITE_OK);
	assert_int_equal(file->pMethods->xFileSize(file, &size), SQLITE_OK);

	memset(page, 'S', sizeof(page)); /* gathered: not in the file yet */
	assert_int_equal(file->pMethods->xWrite(file, page, 4096, size), SQLITE_OK);
	assert_int_equal(stat(path, &sb), 0);
	assert_int_equal(sb.st_size, size);
	assert_int_equal(file->pMethods->xSync(file, SQLITE_SYNC_NORMAL), SQLITE_OK);
	assert_int_equal(stat(path, &sb), 0);
	assert_int_equal(sb.st_size, size + 4096);

	memset(page, 'U', sizeof(page));
	assert_int_equal(file->pMethods->xWrite(file, page, 4096, size + 4096), SQLITE_OK);
	assert_int_equal(file->pMethods->xUnlock(file, SQLITE_LOCK_NONE), SQLITE_OK);
	assert_int_equal(stat(path, &sb), 0);
	assert_int_equal(sb.st_size, size + 8192);

	memset(page, 'R', sizeof(page));
	assert_int_equal(file->pMethods->xWrite(file, page, 4096, size + 8192), SQLITE_OK);
	assert_int_equal(file->pMethods->xFileSize(file, &now), SQLITE_OK);
	assert_int_equal(now, size + 12288);
	assert_int_equal(file->pMethods->xRead(file, back, 4096, size), SQLITE_OK);
	assert_int_equal(back[0], 'S');
	assert_int_equal(back[4095], 'S');

	assert_int_equal(storage_coalesce(db, 0), 0);
	sqlite3_close(db);
	test_remove_db(path);
	free(path);
}

static void schema_has_a_column_for_every_field(void **state)
{
	struct fixture *f = *state;
	sqlite3 *db;
	(void)f;
	assert_int_equal(sqlite3_open_v2(f->path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	for (int g = 0; g < GROUP_COUNT; g++) {
		const struct group_def *gd = domain_group((enum group_id)g);
		for (int i = 0; i < gd->nfields; i++) {
			const char *col = gd->fields[i].name;
			if (!strcmp(col, "snd_Organisation"))
				continue; /* stored as org_id */
			if (!strcmp(col, "snd_CaseRef"))
				col = "case_ref_given"; /* when given; else made from the id */
			if (sqlite3_table_column_metadata(db, NULL, gd->table, col, NULL, NULL, NULL, NULL,
							  NULL) != SQLITE_OK)
				fail_msg("table %s lacks column %s", gd->table, col);
		}
	}
	sqlite3_close(db);
}

static void database_is_wal_and_private(void **state)
{
	struct fixture *f = *state;
	sqlite3 *db;
	sqlite3_stmt *s;
	struct stat sb;
	assert_int_equal(stat(f->path, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0600);
	assert_int_equal(sqlite3_open_v2(f->path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1, &s, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(s), SQLITE_ROW);
	assert_string_equal((const char *)sqlite3_column_text(s, 0), "wal");
	sqlite3_finalize(s);
	sqlite3_close(db);
	assert_int_equal(storage_schema_version(f->st), storage_schema_latest());
}

static void insert_then_get_returns_the_same_case(void **state)
{
	struct fixture *f = *state;
	struct case_record c, back;
	struct sanad_error err;
	fill_case(&c);
	assert_int_equal(storage_begin(f->st, &err), 0);
	assert_int_equal(storage_case_insert(f->st, &c, &err), 0);
	assert_int_equal(storage_commit(f->st, &err), 0);
	assert_string_equal(case_get(&c, "snd_CaseRef"), "SND-000001");
	assert_int_equal(storage_case_get(f->st, "SND-000001", &back, &err), 0);
	assert_same_case(&c, &back);
	case_record_release(&back);
	case_record_release(&c);
	assert_int_equal(storage_case_get(f->st, "SND-999999", &back, &err), SANAD_ENOTFOUND);
	case_record_release(&back);
}

static void update_replaces_fields_and_items(void **state)
{
	struct fixture *f = *state;
	struct case_record c, back;
	struct sanad_error err;
	fill_case(&c);
	assert_int_equal(storage_case_insert(f->st, &c, &err), 0);
	assert_int_equal(case_set(&c, "prs_FirstName", NULL, &err), 0);
	assert_int_equal(case_set(&c, "snd_Stage", "Assisted", &err), 0);
	record_set(&c.child[GROUP_EVENT].items[0], GROUP_EVENT, domain_field_index(GROUP_EVENT, "hte_Country"), "SD", &err);
	c.child[GROUP_CONSENT].count = 0; /* items beyond count are released below */
	assert_int_equal(storage_case_update(f->st, &c, &err), 0);
	c.child[GROUP_CONSENT].count = 1;
	assert_int_equal(storage_case_get(f->st, case_get(&c, "snd_CaseRef"), &back, &err), 0);
	assert_null(case_get(&back, "prs_FirstName"));
	assert_string_equal(case_get(&back, "snd_Stage"), "Assisted");
	assert_int_equal(back.child[GROUP_CONSENT].count, 0);
	assert_string_equal(back.child[GROUP_EVENT].items[0].value[domain_field_index(GROUP_EVENT, "hte_Country")], "SD");
	case_record_release(&back);
	case_record_release(&c);
}

static void rollback_leaves_nothing(void **state)
{
	struct fixture *f = *state;
	struct case_record c;
	struct sanad_error err;
	struct case_query q = { 0 };
	int64_t n = -1;
	fill_case(&c);
	assert_int_equal(storage_begin(f->st, &err), 0);
	assert_int_equal(storage_case_insert(f->st, &c, &err), 0);
	storage_rollback(f->st);
	assert_int_equal(storage_case_count(f->st, &q, &n, &err), 0);
	assert_int_equal(n, 0);
	case_record_release(&c);
}

static void unknown_organisation_and_duplicate_ref_are_refused(void **state)
{
	struct fixture *f = *state;
	struct case_record c, d;
	struct sanad_error err;
	fill_case(&c);
	case_set(&c, "snd_Organisation", "nobody", &err);
	assert_int_equal(storage_case_insert(f->st, &c, &err), SANAD_EINVAL);
	assert_non_null(strstr(err.message, "nobody"));
	case_set(&c, "snd_Organisation", "ngo-a", &err);
	case_set(&c, "snd_CaseRef", "REF-1", &err);
	assert_int_equal(storage_case_insert(f->st, &c, &err), 0);
	fill_case(&d);
	case_set(&d, "snd_CaseRef", "REF-1", &err);
	assert_int_equal(storage_case_insert(f->st, &d, &err), SANAD_EEXIST);
	assert_non_null(strstr(err.message, "REF-1"));
	case_record_release(&c);
	case_record_release(&d);
}

static int count_rows(const char *const *values, void *ctx)
{
	(void)values;
	(*(int *)ctx)++;
	return 0;
}

static void scan_streams_chosen_fields(void **state)
{
	struct fixture *f = *state;
	struct case_record c;
	struct sanad_error err;
	const char *fields[] = { "snd_Sex", "snd_Organisation" };
	const char *bad[] = { "prs_Shoe" };
	int rows = 0;
	fill_case(&c);
	case_record_derive(&c);
	assert_int_equal(storage_case_insert(f->st, &c, &err), 0);
	assert_int_equal(storage_case_scan(f->st, fields, 2, 0, count_rows, &rows, &err), 0);
	assert_int_equal(rows, 1);
	assert_int_not_equal(storage_case_scan(f->st, bad, 1, 0, count_rows, &rows, &err), 0);
	case_record_release(&c);
}

static void check_finds_tampered_values_and_backup_copies(void **state)
{
	struct fixture *f = *state;
	struct case_record c;
	struct sanad_error err;
	struct strbuf report = STRBUF_INIT;
	int problems = -1;
	char *copy = test_temp_path(".bak");
	sqlite3 *db;
	fill_case(&c);
	assert_int_equal(storage_case_insert(f->st, &c, &err), 0);
	assert_int_equal(storage_check(f->st, &report, &problems, &err), 0);
	assert_int_equal(problems, 0);
	assert_int_equal(storage_backup(f->st, copy, &err), 0);
	assert_int_equal(storage_backup(f->st, copy, &err), SANAD_EEXIST);

	assert_int_equal(sqlite3_open(copy, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "UPDATE cases SET prs_Gender = 'Robot'", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	{
		struct storage *st2;
		char key[4200];
		/* a copy of the database opens with the original's key file */
		snprintf(key, sizeof(key), "%s.key", f->path);
		assert_int_equal(storage_open_keyed(&st2, copy, 0, key, &err), 0);
		strbuf_reset(&report);
		assert_int_equal(storage_check(st2, &report, &problems, &err), 0);
		assert_int_equal(problems, 1);
		assert_non_null(strstr(strbuf_str(&report), "Robot"));
		storage_close(st2);
	}
	strbuf_release(&report);
	test_remove_db(copy);
	free(copy);
	case_record_release(&c);
}

static void foreign_and_newer_databases_are_refused(void **state)
{
	struct storage *st;
	struct sanad_error err;
	char *path = test_temp_path(".db");
	sqlite3 *db;
	(void)state;
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	sqlite3_exec(db, "CREATE TABLE t(x)", NULL, NULL, NULL);
	sqlite3_close(db);
	assert_int_not_equal(storage_open(&st, path, 0, &err), 0);
	assert_non_null(strstr(err.message, "not a Sanad database"));
	test_remove_db(path);

	assert_int_equal(storage_open(&st, path, STORAGE_CREATE, &err), 0);
	storage_close(st);
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	sqlite3_exec(db, "PRAGMA user_version = 999", NULL, NULL, NULL);
	sqlite3_close(db);
	assert_int_not_equal(storage_open(&st, path, 0, &err), 0);
	assert_non_null(strstr(err.message, "newer"));
	test_remove_db(path);
	free(path);
}

static void count_cases(struct storage *st, int64_t expect)
{
	struct case_query q = { 0 };
	struct sanad_error err;
	int64_t n = -1;
	assert_int_equal(storage_case_count(st, &q, &n, &err), 0);
	assert_int_equal(n, expect);
}

static void insert_cases(struct storage *st, int n)
{
	struct case_record c;
	struct sanad_error err;
	for (int i = 0; i < n; i++) {
		fill_case(&c);
		assert_int_equal(storage_case_insert(st, &c, &err), 0);
		case_record_release(&c);
	}
}

static const char *journal_mode(const char *path, char *buf, size_t n)
{
	sqlite3 *db;
	sqlite3_stmt *s;
	assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1, &s, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(s), SQLITE_ROW);
	snprintf(buf, n, "%s", (const char *)sqlite3_column_text(s, 0));
	sqlite3_finalize(s);
	sqlite3_close(db);
	return buf;
}

/* An import's transaction: all or nothing like any other, and the database
 * is still a WAL database afterwards, whichever way it ended (the web
 * server relies on WAL's readers). */
static void bulk_transaction_is_all_or_nothing_and_leaves_wal(void **state)
{
	struct fixture *f = *state;
	struct sanad_error err;
	char mode[16];

	assert_int_equal(storage_begin_bulk(f->st, 0, &err), 0);
	assert_int_equal(storage_in_transaction(f->st), 1);
	insert_cases(f->st, 3);
	storage_rollback(f->st);
	count_cases(f->st, 0);
	assert_string_equal(journal_mode(f->path, mode, sizeof(mode)), "wal");

	assert_int_equal(storage_begin_bulk(f->st, 0, &err), 0);
	insert_cases(f->st, 3);
	assert_int_equal(storage_commit(f->st, &err), 0);
	count_cases(f->st, 3);
	assert_string_equal(journal_mode(f->path, mode, sizeof(mode)), "wal");
}

/* A caseworker's own cases come from the owner index, which holds only
 * cases that have an owner (migration 9: a bulk import's cases, which have
 * none, pay nothing for it), and a database from before upgrades to it. */
static void owner_index_holds_owned_cases_only(void **state)
{
	struct fixture *f = *state;
	struct case_record c;
	struct sanad_error err;
	struct case_query q = { 0 };
	int64_t n;

	for (int i = 0; i < 5; i++) {
		fill_case(&c);
		if (i < 2)
			assert_int_equal(case_set(&c, "cas_CaseOwner", "amal", &err), 0);
		assert_int_equal(storage_case_insert(f->st, &c, &err), 0);
		case_record_release(&c);
	}
	q.org_code = "ngo-a";
	q.owner = "amal";
	assert_int_equal(storage_case_count(f->st, &q, &n, &err), 0);
	assert_int_equal(n, 2);
	assert_int_equal(test_sql_int(f->path, "SELECT count(*) FROM cases INDEXED BY cases_owner "
					       "WHERE org_id > 0 AND cas_CaseOwner IS NOT NULL"), 2);
	assert_int_equal(test_sql_int(f->path, "SELECT count(*) FROM sqlite_master WHERE name = 'cases_owner' "
					       "AND sql LIKE '%WHERE cas_CaseOwner IS NOT NULL'"), 1);
	/* a database of schema 8, with the index over every case, upgrades */
	storage_close(f->st);
	{
		sqlite3 *db;
		assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
		assert_int_equal(sqlite3_exec(db, "DROP INDEX cases_owner; "
						  "CREATE INDEX cases_owner ON cases(org_id, cas_CaseOwner); "
						  "PRAGMA user_version = 8", NULL, NULL, NULL), SQLITE_OK);
		sqlite3_close(db);
	}
	assert_int_equal(storage_open(&f->st, f->path, 0, &err), 0);
	assert_int_equal(storage_schema_version(f->st), storage_schema_latest());
	assert_int_equal(test_sql_int(f->path, "SELECT count(*) FROM sqlite_master WHERE name = 'cases_owner' "
					       "AND sql LIKE '%WHERE cas_CaseOwner IS NOT NULL'"), 1);
	assert_int_equal(storage_case_count(f->st, &q, &n, &err), 0);
	assert_int_equal(n, 2);
}

/* A bulk transaction of a caller that expects to be alone (the CLI import)
 * writes through a rollback journal when nobody else has the file open,
 * so that its new pages are written once; it is all or nothing like any
 * other, a reader opening meanwhile reads what was committed before, and
 * the file is a WAL database again afterwards.  With another connection
 * open it stays in WAL. */
static void bulk_alone_uses_a_rollback_journal(void **state)
{
	struct fixture *f = *state;
	struct storage *other;
	struct case_record c;
	struct sanad_error err;
	char mode[16], side[4200];

	assert_int_equal(storage_begin_bulk(f->st, 1, &err), 0);
	assert_int_equal(storage_bulk_direct(f->st), 1);
	/* the disk is asked to write the new pages as they reach the file */
	assert_int_equal(storage_bulk_writeback(f->st), 1);
	insert_cases(f->st, 3);
	assert_string_equal(journal_mode(f->path, mode, sizeof(mode)), "delete");
	assert_int_equal(storage_open(&other, f->path, STORAGE_READONLY, &err), 0);
	count_cases(other, 0);
	storage_close(other);
	storage_rollback(f->st);
	assert_int_equal(storage_bulk_direct(f->st), 0);
	assert_int_equal(storage_bulk_writeback(f->st), 0);
	count_cases(f->st, 0);
	assert_string_equal(journal_mode(f->path, mode, sizeof(mode)), "wal");

	assert_int_equal(storage_begin_bulk(f->st, 1, &err), 0);
	assert_int_equal(storage_bulk_direct(f->st), 1);
	insert_cases(f->st, 3);
	assert_int_equal(storage_commit(f->st, &err), 0);
	count_cases(f->st, 3);
	assert_string_equal(journal_mode(f->path, mode, sizeof(mode)), "wal");
	snprintf(side, sizeof(side), "%s-journal", f->path);
	assert_int_equal(access(side, F_OK), -1);

	/* somebody else has it open: WAL, and that reader goes on as usual */
	assert_int_equal(storage_open(&other, f->path, 0, &err), 0);
	assert_int_equal(storage_begin_bulk(f->st, 1, &err), 0);
	assert_int_equal(storage_bulk_direct(f->st), 0);
	assert_int_equal(storage_bulk_writeback(f->st), 0);
	fill_case(&c);
	assert_int_equal(storage_case_insert(f->st, &c, &err), 0);
	case_record_release(&c);
	assert_string_equal(journal_mode(f->path, mode, sizeof(mode)), "wal");
	count_cases(other, 3);
	assert_int_equal(storage_commit(f->st, &err), 0);
	count_cases(other, 4);
	storage_close(other);
}

/* A reader that opens the database in the middle of a bulk transaction (a
 * backup, `sanad stats`, the web server starting) reads what was committed
 * before it, even when nobody had the database open when it began. */
static void readers_can_open_during_a_bulk_transaction(void **state)
{
	struct fixture *f = *state;
	struct storage *other;
	struct case_record c;
	struct sanad_error err;

	assert_int_equal(storage_begin_bulk(f->st, 0, &err), 0);
	fill_case(&c);
	assert_int_equal(storage_case_insert(f->st, &c, &err), 0);
	case_record_release(&c);
	assert_int_equal(storage_open(&other, f->path, STORAGE_READONLY, &err), 0);
	count_cases(other, 0);
	assert_int_equal(storage_commit(f->st, &err), 0);
	count_cases(other, 1);
	storage_close(other);
}

struct fields_seen {
	int cases, named, gendered, with_events;
};

static int note_fields(const struct case_record *c, void *arg)
{
	struct fields_seen *seen = arg;
	seen->cases++;
	if (case_get(c, "prs_FirstName") && !strcmp(case_get(c, "prs_FirstName"), "فاطمة"))
		seen->named++;
	if (case_get(c, "prs_Gender"))
		seen->gendered++;
	if (c->child[GROUP_EVENT].count)
		seen->with_events++;
	return 0;
}

/* A list asks for a few fields: it gets those (decrypted), the others
 * NULL; asked again (the statement kept prepared) the same; all fields
 * when it names none; an unknown field is an error. */
static void case_each_reads_only_the_fields_asked_for(void **state)
{
	struct fixture *f = *state;
	static const char *const few[] = { "snd_CaseRef", "snd_Organisation", "prs_FirstName", NULL };
	static const char *const bad[] = { "snd_CaseRef", "no_SuchField", NULL };
	struct case_query q = { 0 };
	struct sanad_error err = { 0 };
	struct fields_seen seen = { 0 };
	for (int i = 0; i < 3; i++) {
		struct case_record c;
		fill_case(&c);
		assert_int_equal(storage_case_insert(f->st, &c, &err), 0);
		case_record_release(&c);
	}
	q.org_code = "ngo-a";
	q.fields = few;
	for (int round = 0; round < 2; round++) {
		memset(&seen, 0, sizeof(seen));
		assert_int_equal(storage_case_each(f->st, &q, note_fields, &seen, &err), 0);
		assert_int_equal(seen.cases, 3);
		assert_int_equal(seen.named, 3);
		assert_int_equal(seen.gendered, 0);
	}
	q.fields = NULL;
	q.with_children = 1;
	memset(&seen, 0, sizeof(seen));
	assert_int_equal(storage_case_each(f->st, &q, note_fields, &seen, &err), 0);
	assert_int_equal(seen.gendered, 3);
	assert_int_equal(seen.with_events, 3);
	q.fields = bad;
	assert_int_equal(storage_case_each(f->st, &q, note_fields, &seen, &err), SANAD_EINVAL);
	assert_non_null(strstr(err.message, "no_SuchField"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(schema_has_a_column_for_every_field, setup, teardown),
		cmocka_unit_test_setup_teardown(database_is_wal_and_private, setup, teardown),
		cmocka_unit_test_setup_teardown(insert_then_get_returns_the_same_case, setup, teardown),
		cmocka_unit_test_setup_teardown(batch_insert_writes_each_case_as_one_by_one, setup, teardown),
		cmocka_unit_test_setup_teardown(batch_ids_follow_the_statistics_mark, setup, teardown),
		cmocka_unit_test_setup_teardown(references_given_and_made_name_one_case_each, setup, teardown),
		cmocka_unit_test_setup_teardown(made_references_are_dropped_on_upgrade, setup, teardown),
		cmocka_unit_test_setup_teardown(gathered_writes_leave_the_file_as_written, setup, teardown),
		cmocka_unit_test_setup_teardown(gathered_writes_reach_the_file_before_sync_returns, setup, teardown),
		cmocka_unit_test_setup_teardown(update_replaces_fields_and_items, setup, teardown),
		cmocka_unit_test_setup_teardown(rollback_leaves_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(unknown_organisation_and_duplicate_ref_are_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(scan_streams_chosen_fields, setup, teardown),
		cmocka_unit_test_setup_teardown(case_each_reads_only_the_fields_asked_for, setup, teardown),
		cmocka_unit_test_setup_teardown(check_finds_tampered_values_and_backup_copies, setup, teardown),
		cmocka_unit_test(foreign_and_newer_databases_are_refused),
		cmocka_unit_test_setup_teardown(owner_index_holds_owned_cases_only, setup, teardown),
		cmocka_unit_test_setup_teardown(bulk_alone_uses_a_rollback_journal, setup, teardown),
		cmocka_unit_test_setup_teardown(bulk_transaction_is_all_or_nothing_and_leaves_wal, setup, teardown),
		cmocka_unit_test_setup_teardown(readers_can_open_during_a_bulk_transaction, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
