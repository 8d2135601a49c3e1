/* src/storage/db_sqlite_writeback.c: starting the disk writes of a bulk
 * import while its commit is still writing.
 *
 * The commit of a bulk transaction alone with its file (storage_begin_bulk)
 * writes every new page into the file, 224 MB at a million CTDC rows, and
 * the kernel keeps them in memory until the fdatasync that ends the commit,
 * which then waits for all of them: 0.3-0.75 s on this project's machines
 * after 0.4 s of writing.  A helper thread asks the kernel every 25 ms to
 * start writing what is dirty (sync_file_range(SYNC_FILE_RANGE_WRITE),
 * which waits for nothing), so the disk works while SQLite is still
 * writing, and the fdatasync is left with the last pages: imports of a
 * million rows took a median 0.92 of the time (bench/README.md, eighth
 * session).  Spilling pages during the import, so that the disk could
 * start even earlier, cost the writing thread more than it saved.
 *
 * This changes when bytes reach the disk, not what is durable: the commit
 * still ends with SQLite's fdatasync, and a crash still leaves the hot
 * journal that the next open rolls back.
 *
 * The helper borrows the descriptor SQLite opened (found in /proc/self/fd
 * by device and inode) and never closes it: closing any descriptor of the
 * file, even one of our own, would release the POSIX locks SQLite holds on
 * it.  Without /proc, or on a system without sync_file_range, there is no
 * helper and the commit writes as before. */
#define _GNU_SOURCE
#include "storage/storage_internal.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>

#define WRITEBACK_PERIOD_MS 25

struct bulk_writeback {
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t wake;
	int stop;
	int fd;
};

/* A descriptor of the process open on path's file, or -1. */
static int open_descriptor_of(const char *path)
{
	struct stat want, have;
	struct dirent *de;
	DIR *d;
	int found = -1;

	if (stat(path, &want) || !(d = opendir("/proc/self/fd")))
		return -1;
	while (found < 0 && (de = readdir(d))) {
		char *end;
		long fd = strtol(de->d_name, &end, 10);
		if (*end || end == de->d_name || fd == dirfd(d))
			continue;
		if (!fstat((int)fd, &have) && S_ISREG(have.st_mode) && have.st_dev == want.st_dev &&
		    have.st_ino == want.st_ino)
			found = (int)fd;
	}
	closedir(d);
	return found;
}

#ifdef SYNC_FILE_RANGE_WRITE
static void *writeback_main(void *arg)
{
	struct bulk_writeback *w = arg;

	pthread_mutex_lock(&w->mu);
	while (!w->stop) {
		struct timespec until;
		clock_gettime(CLOCK_MONOTONIC, &until);
		until.tv_nsec += WRITEBACK_PERIOD_MS * 1000000L;
		if (until.tv_nsec >= 1000000000L) {
			until.tv_sec++;
			until.tv_nsec -= 1000000000L;
		}
		if (pthread_cond_timedwait(&w->wake, &w->mu, &until) == ETIMEDOUT && !w->stop) {
			pthread_mutex_unlock(&w->mu);
			/* an error (the descriptor closed meanwhile) only means
			 * the commit's fdatasync does all the work, as before */
			(void)sync_file_range(w->fd, 0, 0, SYNC_FILE_RANGE_WRITE);
			pthread_mutex_lock(&w->mu);
		}
	}
	pthread_mutex_unlock(&w->mu);
	return NULL;
}

struct bulk_writeback *storage_writeback_start(const char *path)
{
	struct bulk_writeback *w;
	pthread_condattr_t attr;
	int fd = path ? open_descriptor_of(path) : -1;

	if (fd < 0)
		return NULL;
	w = xcalloc(1, sizeof(*w));
	w->fd = fd;
	pthread_mutex_init(&w->mu, NULL);
	pthread_condattr_init(&attr);
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	pthread_cond_init(&w->wake, &attr);
	pthread_condattr_destroy(&attr);
	if (pthread_create(&w->thread, NULL, writeback_main, w)) {
		pthread_cond_destroy(&w->wake);
		pthread_mutex_destroy(&w->mu);
		free(w);
		return NULL;
	}
	return w;
}

void storage_writeback_stop(struct bulk_writeback *w)
{
	if (!w)
		return;
	pthread_mutex_lock(&w->mu);
	w->stop = 1;
	pthread_cond_signal(&w->wake);
	pthread_mutex_unlock(&w->mu);
	pthread_join(w->thread, NULL);
	pthread_cond_destroy(&w->wake);
	pthread_mutex_destroy(&w->mu);
	free(w);
}
#else
struct bulk_writeback *storage_writeback_start(const char *path)
{
	(void)path;
	(void)open_descriptor_of;
	return NULL;
}

void storage_writeback_stop(struct bulk_writeback *w)
{
	(void)w;
}
#endif
