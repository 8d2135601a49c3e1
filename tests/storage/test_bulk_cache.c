/* tests/storage: the page-cache region a bulk-loading process reserves
 * (storage_reserve_bulk_cache) is used, and only if asked for in time.
 * Its own binary: the region can only be given before SQLite's first
 * connection of the process. */
#include "test_support.h"
#include "storage/storage.h"

#include <sqlite3.h>

static void plain_case(struct case_record *c, int k)
{
	struct sanad_error err;
	char year[8];
	case_record_init(c);
	snprintf(year, sizeof(year), "%d", 2000 + k % 20);
	assert_int_equal(case_set(c, "snd_Organisation", "ngo-a", &err), 0);
	assert_int_equal(case_set(c, "snd_Sex", k % 2 ? "Male" : "Female", &err), 0);
	assert_int_equal(case_set(c, "snd_YearOfRegistration", year, &err), 0);
	case_record_flatten(c);
}

/* Asked for first, the region holds the pages of a bulk transaction, and
 * the cases written through it read back.  (Asked for late, it is refused:
 * test_storage.c.) */
static void bulk_cache_holds_the_pages_of_a_bulk_load(void **state)
{
	enum { N = 3000, BATCH = 100 };
	char *path = test_temp_path(".db");
	struct organisation o = { .code = "ngo-a", .name = "NGO A", .org_type = "NGO" };
	struct case_record c[BATCH], back, *ptr[BATCH];
	struct storage *st;
	struct sanad_error err;
	int current = 0, high = 0;
	size_t done;

	(void)state;
	assert_int_equal(storage_reserve_bulk_cache(), 1);
	assert_int_equal(storage_open(&st, path, STORAGE_CREATE, &err), 0);
	assert_int_equal(storage_org_add(st, &o, &err), 0);
	assert_int_equal(storage_begin_bulk(st, 1, &err), 0);
	for (int k = 0; k < N; k += BATCH) {
		for (int i = 0; i < BATCH; i++) {
			plain_case(&c[i], k + i);
			ptr[i] = &c[i];
		}
		assert_int_equal(storage_case_insert_batch(st, ptr, NULL, BATCH, &done, &err), 0);
		assert_int_equal(done, BATCH);
		for (int i = 0; i < BATCH; i++)
			case_record_release(&c[i]);
	}
	/* the slots of the region in use now: the transaction's pages */
	assert_int_equal(sqlite3_status(SQLITE_STATUS_PAGECACHE_USED, &current, &high, 0), SQLITE_OK);
	assert_true(current > 20);
	assert_int_equal(storage_commit(st, &err), 0);
	assert_int_equal(storage_case_get(st, "SND-002999", &back, &err), 0);
	assert_string_equal(case_get(&back, "snd_YearOfRegistration"), "2018");
	assert_string_equal(case_get(&back, "snd_Sex"), "Female");
	case_record_release(&back);

	assert_int_equal(storage_reserve_bulk_cache(), 1); /* given once: still there */
	storage_close(st);
	test_remove_db(path);
	free(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(bulk_cache_holds_the_pages_of_a_bulk_load),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
