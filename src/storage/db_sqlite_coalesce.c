/*
 * storage/db_sqlite_coalesce.c: a VFS over SQLite's own that gathers a bulk
 * commit's page writes into large ones.
 *
 * At the commit of a direct bulk transaction SQLite writes every new page
 * of the database with a pwrite of its own, in page order: 55,000 calls of
 * 4 KiB for a million CTDC cases, 0.4 s of kernel time on the committing
 * thread while the other core idles.  The kernel takes the same 224 MB in
 * 64 KiB writes in under half the time (dd on this ext4: 0.38 s against
 * 0.11-0.17 s), since it can then fill large folios instead of going
 * through its per-page write path page by page.  So while a main
 * database file is told to (SANAD_FCNTL_COALESCE, set by storage_begin_bulk
 * for a direct transaction), a write that continues the one before is
 * gathered in a buffer of COALESCE_BYTES, written when it fills or when
 * anything else touches the file.
 *
 * Nothing SQLite can observe changes.  Before a read, a sync, a size query
 * or a truncation, an unlock, a file control, a shared-memory call, a
 * memory-mapped fetch or the close, the buffer is written; a write that
 * does not continue it writes it first.  So the file holds SQLite's bytes
 * in SQLite's order whenever SQLite or another process could look, and a
 * sync covers everything written before it.  A crash loses only writes no
 * sync had covered, as it would without the buffer, and the hot journal
 * rolls them back.  A failed write of the buffer is reported by the call
 * that caused it, as an I/O error SQLite answers by rolling back.
 *
 * Everything else is SQLite's unix VFS, called through unchanged.
 */
#include "storage/storage_internal.h"

#include <stdlib.h>
#include <string.h>

/* 64 KiB: the kernel's gain is nearly all there (dd: 0.11-0.17 s against
 * 0.38 s in 4 KiB writes), and SQLite's unix VFS cuts one write to its
 * low 17 bits of length (seekAndWriteFd), so 128 KiB would be written as
 * nothing and reported as a full disk. */
#define COALESCE_BYTES (64 * 1024)

struct coalesce_file {
	sqlite3_file base;
	sqlite3_file *real;    /* the unix VFS's file, in the same allocation */
	char *buf;             /* COALESCE_BYTES while gathering; NULL otherwise */
	sqlite3_int64 buf_off; /* the file offset of buf[0] */
	int buf_len;
	int main_db;
	int unreported;        /* a failed write no caller could be told of */
};

static sqlite3_vfs *real_vfs;

/* Write what is gathered: SQLITE_OK, or the unix VFS's error. */
static int coalesce_flush(struct coalesce_file *f)
{
	int rc;

	if (f->unreported) {
		rc = f->unreported;
		f->unreported = SQLITE_OK;
		return rc;
	}
	if (!f->buf_len)
		return SQLITE_OK;
	rc = f->real->pMethods->xWrite(f->real, f->buf, f->buf_len, f->buf_off);
	f->buf_len = 0;
	return rc;
}

#define FLUSH_FIRST(f)                                  \
	do {                                            \
		int flush_rc_ = coalesce_flush(f);      \
		if (flush_rc_ != SQLITE_OK)             \
			return flush_rc_;               \
	} while (0)

static int coalesce_close(sqlite3_file *file)
{
	struct coalesce_file *f = (struct coalesce_file *)file;
	int rc = coalesce_flush(f), close_rc = f->real->pMethods->xClose(f->real);

	free(f->buf);
	f->buf = NULL;
	return rc != SQLITE_OK ? rc : close_rc;
}

static int coalesce_read(sqlite3_file *file, void *out, int n, sqlite3_int64 off)
{
	struct coalesce_file *f = (struct coalesce_file *)file;
	FLUSH_FIRST(f);
	return f->real->pMethods->xRead(f->real, out, n, off);
}

static int coalesce_write(sqlite3_file *file, const void *data, int n, sqlite3_int64 off)
{
	struct coalesce_file *f = (struct coalesce_file *)file;

	if (!f->buf)
		return f->real->pMethods->xWrite(f->real, data, n, off);
	if (f->buf_len && off == f->buf_off + f->buf_len && n <= COALESCE_BYTES - f->buf_len) {
		memcpy(f->buf + f->buf_len, data, (size_t)n);
		f->buf_len += n;
		return SQLITE_OK;
	}
	FLUSH_FIRST(f);
	if (n > COALESCE_BYTES)
		return f->real->pMethods->xWrite(f->real, data, n, off);
	memcpy(f->buf, data, (size_t)n);
	f->buf_off = off;
	f->buf_len = n;
	return SQLITE_OK;
}

static int coalesce_truncate(sqlite3_file *file, sqlite3_int64 size)
{
	struct coalesce_file *f = (struct coalesce_file *)file;
	FLUSH_FIRST(f);
	return f->real->pMethods->xTruncate(f->real, size);
}

static int coalesce_sync(sqlite3_file *file, int flags)
{
	struct coalesce_file *f = (struct coalesce_file *)file;
	FLUSH_FIRST(f);
	return f->real->pMethods->xSync(f->real, flags);
}

static int coalesce_file_size(sqlite3_file *file, sqlite3_int64 *size)
{
	struct coalesce_file *f = (struct coalesce_file *)file;
	FLUSH_FIRST(f);
	return f->real->pMethods->xFileSize(f->real, size);
}

static int coalesce_lock(sqlite3_file *file, int level)
{
	struct coalesce_file *f = (struct coalesce_file *)file;
	return f->real->pMethods->xLock(f->real, level);
}

static int coalesce_unlock(sqlite3_file *file, int level)
{
	struct coalesce_file *f = (struct coalesce_file *)file;
	FLUSH_FIRST(f); /* before anyone else may read the file */
	return f->real->pMethods->xUnlock(f->real, level);
}

static int coalesce_check_reserved_lock(sqlite3_file *file, int *out)
{
	struct coalesce_file *f = (struct coalesce_file *)file;
	return f->real->pMethods->xCheckReservedLock(f->real, out);
}

static int coalesce_file_control(sqlite3_file *file, int op, void *arg)
{
	struct coalesce_file *f = (struct coalesce_file *)file;

	if (op == SANAD_FCNTL_COALESCE) {
		int on = *(int *)arg;
		if (!f->main_db)
			return SQLITE_NOTFOUND;
		if (on && !f->buf)
			f->buf = malloc(COALESCE_BYTES); /* NULL: writes go through as before */
		if (!on && f->buf) {
			FLUSH_FIRST(f);
			free(f->buf);
			f->buf = NULL;
		}
		*(int *)arg = f->buf != NULL;
		return SQLITE_OK;
	}
	FLUSH_FIRST(f);
	return f->real->pMethods->xFileControl(f->real, op, arg);
}

static int coalesce_sector_size(sqlite3_file *file)
{
	struct coalesce_file *f = (struct coalesce_file *)file;
	return f->real->pMethods->xSectorSize(f->real);
}

static int coalesce_device_characteristics(sqlite3_file *file)
{
	struct coalesce_file *f = (struct coalesce_file *)file;
	return f->real->pMethods->xDeviceCharacteristics(f->real);
}

static int coalesce_shm_map(sqlite3_file *file, int page, int size, int extend, void volatile **out)
{
	struct coalesce_file *f = (struct coalesce_file *)file;
	if (f->real->pMethods->iVersion < 2)
		return SQLITE_IOERR_SHMMAP;
	FLUSH_FIRST(f);
	return f->real->pMethods->xShmMap(f->real, page, size, extend, out);
}

static int coalesce_shm_lock(sqlite3_file *file, int offset, int n, int flags)
{
	struct coalesce_file *f = (struct coalesce_file *)file;
	if (f->real->pMethods->iVersion < 2)
		return SQLITE_IOERR_SHMLOCK;
	FLUSH_FIRST(f);
	return f->real->pMethods->xShmLock(f->real, offset, n, flags);
}

static void coalesce_shm_barrier(sqlite3_file *file)
{
	struct coalesce_file *f = (struct coalesce_file *)file;
	if (f->real->pMethods->iVersion < 2)
		return;
	/* no way to report a failure here: the next call that writes the
	 * buffer first (a sync, say) reports it instead */
	f->unreported = coalesce_flush(f);
	if (f->unreported == SQLITE_OK)
		f->real->pMethods->xShmBarrier(f->real);
}

static int coalesce_shm_unmap(sqlite3_file *file, int delete_flag)
{
	struct coalesce_file *f = (struct coalesce_file *)file;
	if (f->real->pMethods->iVersion < 2)
		return SQLITE_OK;
	FLUSH_FIRST(f);
	return f->real->pMethods->xShmUnmap(f->real, delete_flag);
}

static int coalesce_fetch(sqlite3_file *file, sqlite3_int64 off, int n, void **out)
{
	struct coalesce_file *f = (struct coalesce_file *)file;
	*out = NULL;
	if (f->real->pMethods->iVersion < 3)
		return SQLITE_OK; /* no mapping: SQLite reads instead */
	FLUSH_FIRST(f);
	return f->real->pMethods->xFetch(f->real, off, n, out);
}

static int coalesce_unfetch(sqlite3_file *file, sqlite3_int64 off, void *p)
{
	struct coalesce_file *f = (struct coalesce_file *)file;
	if (f->real->pMethods->iVersion < 3)
		return SQLITE_OK;
	return f->real->pMethods->xUnfetch(f->real, off, p);
}

static const sqlite3_io_methods coalesce_io = {
	.iVersion = 3,
	.xClose = coalesce_close,
	.xRead = coalesce_read,
	.xWrite = coalesce_write,
	.xTruncate = coalesce_truncate,
	.xSync = coalesce_sync,
	.xFileSize = coalesce_file_size,
	.xLock = coalesce_lock,
	.xUnlock = coalesce_unlock,
	.xCheckReservedLock = coalesce_check_reserved_lock,
	.xFileControl = coalesce_file_control,
	.xSectorSize = coalesce_sector_size,
	.xDeviceCharacteristics = coalesce_device_characteristics,
	.xShmMap = coalesce_shm_map,
	.xShmLock = coalesce_shm_lock,
	.xShmBarrier = coalesce_shm_barrier,
	.xShmUnmap = coalesce_shm_unmap,
	.xFetch = coalesce_fetch,
	.xUnfetch = coalesce_unfetch,
};

static int coalesce_open(sqlite3_vfs *vfs, sqlite3_filename name, sqlite3_file *file, int flags, int *out_flags)
{
	struct coalesce_file *f = (struct coalesce_file *)file;
	int rc;

	(void)vfs;
	memset(f, 0, sizeof(*f));
	f->real = (sqlite3_file *)(f + 1);
	f->main_db = (flags & SQLITE_OPEN_MAIN_DB) != 0;
	rc = real_vfs->xOpen(real_vfs, name, f->real, flags, out_flags);
	/* SQLite closes a file whose methods are set, even after a failed open */
	f->base.pMethods = f->real->pMethods ? &coalesce_io : NULL;
	return rc;
}

static int coalesce_delete(sqlite3_vfs *vfs, const char *name, int sync_dir)
{
	(void)vfs;
	return real_vfs->xDelete(real_vfs, name, sync_dir);
}

static int coalesce_access(sqlite3_vfs *vfs, const char *name, int flags, int *out)
{
	(void)vfs;
	return real_vfs->xAccess(real_vfs, name, flags, out);
}

static int coalesce_full_pathname(sqlite3_vfs *vfs, const char *name, int n, char *out)
{
	(void)vfs;
	return real_vfs->xFullPathname(real_vfs, name, n, out);
}

static void *coalesce_dlopen(sqlite3_vfs *vfs, const char *name)
{
	(void)vfs;
	return real_vfs->xDlOpen(real_vfs, name);
}

static void coalesce_dlerror(sqlite3_vfs *vfs, int n, char *out)
{
	(void)vfs;
	real_vfs->xDlError(real_vfs, n, out);
}

static void (*coalesce_dlsym(sqlite3_vfs *vfs, void *handle, const char *symbol))(void)
{
	(void)vfs;
	return real_vfs->xDlSym(real_vfs, handle, symbol);
}

static void coalesce_dlclose(sqlite3_vfs *vfs, void *handle)
{
	(void)vfs;
	real_vfs->xDlClose(real_vfs, handle);
}

static int coalesce_randomness(sqlite3_vfs *vfs, int n, char *out)
{
	(void)vfs;
	return real_vfs->xRandomness(real_vfs, n, out);
}

static int coalesce_sleep(sqlite3_vfs *vfs, int microseconds)
{
	(void)vfs;
	return real_vfs->xSleep(real_vfs, microseconds);
}

static int coalesce_current_time(sqlite3_vfs *vfs, double *out)
{
	(void)vfs;
	return real_vfs->xCurrentTime(real_vfs, out);
}

static int coalesce_get_last_error(sqlite3_vfs *vfs, int n, char *out)
{
	(void)vfs;
	return real_vfs->xGetLastError ? real_vfs->xGetLastError(real_vfs, n, out) : 0;
}

static int coalesce_current_time_int64(sqlite3_vfs *vfs, sqlite3_int64 *out)
{
	(void)vfs;
	return real_vfs->xCurrentTimeInt64(real_vfs, out);
}

static sqlite3_vfs coalesce_vfs = {
	.iVersion = 2,
	.zName = SANAD_VFS,
	.xOpen = coalesce_open,
	.xDelete = coalesce_delete,
	.xAccess = coalesce_access,
	.xFullPathname = coalesce_full_pathname,
	.xDlOpen = coalesce_dlopen,
	.xDlError = coalesce_dlerror,
	.xDlSym = coalesce_dlsym,
	.xDlClose = coalesce_dlclose,
	.xRandomness = coalesce_randomness,
	.xSleep = coalesce_sleep,
	.xCurrentTime = coalesce_current_time,
	.xGetLastError = coalesce_get_last_error,
	.xCurrentTimeInt64 = coalesce_current_time_int64,
};

int storage_coalesce_vfs_register(void)
{
	sqlite3_vfs *base = sqlite3_vfs_find(NULL);

	if (!base || base->iVersion < 2 || !base->xCurrentTimeInt64)
		return 0;
	real_vfs = base;
	coalesce_vfs.szOsFile = (int)sizeof(struct coalesce_file) + base->szOsFile;
	coalesce_vfs.mxPathname = base->mxPathname;
	return sqlite3_vfs_register(&coalesce_vfs, 0) == SQLITE_OK;
}

int storage_coalesce(sqlite3 *db, int on)
{
	return sqlite3_file_control(db, "main", SANAD_FCNTL_COALESCE, &on) == SQLITE_OK && on;
}
