/*
 * audit/journal.c: the audit journal (audit.h).
 *
 * Why it exists: the server records every view of a case before it sends
 * the case.  Committing each record to the database first (with
 * synchronous=FULL, an fsync of the log) made a case read cost about
 * 100 µs of server CPU and a suspended connection per request, a quarter
 * of what the same server does without the record (bench/http_load).  The
 * journal keeps "no record of the view, no view" against the failure that
 * matters most — the server process dying, whatever the cause — at the
 * cost of one write(2): the record is in the kernel before the answer
 * leaves, and the server copies it into the hash-chained trail within a
 * few milliseconds (audit_journal_ingest).  Only a power cut or a kernel
 * crash inside that window can lose it; `sanad serve --audit-sync commit`
 * closes the window at the old price (docs/security.md).
 *
 * Files: "<db>.audit-journal.<seconds>-<pid>-<n>-<random>", beside the
 * database, one per server run (and per rotation).  The writer holds an
 * exclusive flock on its file for as long as it may append, so anyone who
 * can take that lock knows the file is finished: its owner closed it or
 * died.  Layout: the 8-byte magic, then records:
 *
 *     u32 payload length (little-endian) | 16 hex digits: BLAKE2b of the payload
 *     | payload: six fields (at, actor, organisation, action, case, detail),
 *       each a u32 length (0xffffffff: NULL) and the bytes
 *
 * Version 2 ("SNDAJ002", written since the fifth session): the file is
 * given its whole size (JOURNAL_CAPACITY) when it is made and appended to
 * through a shared mapping, not write(2).  The append was 7% of the
 * server's CPU per case read, nearly all of it ext4's write path; a mapped page
 * is as safe from the death of the process (the kernel's page cache
 * holds it either way) for the price of a memcpy.  Each record starts on
 * a 4-byte boundary and its length is stored last, so a reader sees
 * either a whole record or a zero length, which is where the data ends:
 * a record torn by the death of its writer was never answered, and ends
 * the file like the zeros after it.  Reserving the space up front also
 * means a full disk is met when the file is made (and the request falls
 * back to committing its record), never as a fault in the mapping.
 * Version 1 files (plain appends, the data ending with the file) from an
 * older server are still read.
 *
 * How far a file has been copied is kept in the database (meta key
 * "audit_journal:<file name>"), updated in the same transaction as the
 * rows copied, so a copy interrupted anywhere is neither lost nor made
 * twice, whichever process (the server, or `sanad audit` while it runs)
 * does the copying.  Those meta rows are never deleted: a process that
 * opened a file just before another unlinked it must still find that the
 * file was copied.
 */
#include "audit/audit.h"

#include "crypto/crypto.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define JOURNAL_MAGIC "SNDAJ002"
#define JOURNAL_MAGIC_V1 "SNDAJ001"
#define JOURNAL_MAGIC_LEN 8
/* a file's reserved size: about ten seconds of reads at full speed */
#define JOURNAL_CAPACITY (32 * 1024 * 1024)
#define JOURNAL_INFIX ".audit-journal."
#define JOURNAL_MAKING_INFIX ".audit-journal-new." /* before the file is named */
#define JOURNAL_CHECK_LEN 16
#define RECORD_HEAD (4 + JOURNAL_CHECK_LEN)
/* the fields are bounded by audit_record_check (audit.c): far below this */
#define RECORD_MAX (64 * 1024)
#define NULL_FIELD 0xffffffffu
/* read at a time when copying; more than the largest record */
#define INGEST_CHUNK (256 * 1024)

/* One journal file being written: locked by this process, mapped. */
struct segment {
	char *path;
	int fd;
	unsigned char *map; /* all of it, shared; NULL: none */
	size_t size;        /* the file's reserved size, all mapped */
};

struct audit_journal {
	pthread_mutex_t lock;
	char *db_path;
	struct segment cur;   /* the file appended to */
	int64_t size;         /* where the next record goes in it: all before it whole */
	int64_t capacity;
	/* the next file, made ahead by audit_journal_prepare so that the
	 * request that fills cur does not make one under the lock, every
	 * worker waiting (reserving 32 MiB waits for the disk) */
	struct segment spare;
};

/* Version 2 records start on 4-byte boundaries. */
static size_t padded(size_t n)
{
	return (n + 3) & ~(size_t)3;
}

static void put_u32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)v;
	p[1] = (unsigned char)(v >> 8);
	p[2] = (unsigned char)(v >> 16);
	p[3] = (unsigned char)(v >> 24);
}

static uint32_t get_u32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void payload_check(const unsigned char *payload, size_t len, char out[JOURNAL_CHECK_LEN])
{
	/* the same digits as crypto_hash_hex, without its constant-time hex
	 * (a record of the trail is no secret): twice for every read */
	struct crypto_hasher h;
	char hex[CRYPTO_HASH_HEX];
	crypto_hasher_init(&h);
	crypto_hasher_add(&h, payload, len);
	crypto_hasher_final_hex(&h, hex);
	memcpy(out, hex, JOURNAL_CHECK_LEN);
}

static int write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;
	while (len) {
		ssize_t n = write(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* A new file in *out: locked, its whole size (capacity) reserved, its
 * magic written, mapped.  Made under a name no ingest looks at and renamed
 * once locked: an ingest that found it first would take it for one whose
 * writer had died. */
static int journal_create(const char *db_path, size_t capacity, struct segment *out, struct sanad_error *err)
{
	struct strbuf path = STRBUF_INIT, tmp = STRBUF_INIT;
	void *map = MAP_FAILED;
	uint32_t nonce;
	int fd, rc = 0, e;

	/* names sort in the order the files were started (the order they
	 * are copied in): by time, then process, then within the process */
	static atomic_uint started;
	crypto_random_bytes(&nonce, sizeof(nonce));
	strbuf_addf(&path, "%s%s%012lld-%010ld-%06u-%08" PRIx32, db_path, JOURNAL_INFIX, (long long)time(NULL),
		    (long)getpid(), atomic_fetch_add(&started, 1) % 1000000u, nonce);
	strbuf_addf(&tmp, "%s%s%ld-%08" PRIx32, db_path, JOURNAL_MAKING_INFIX, (long)getpid(), nonce);
	fd = open(tmp.buf, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0) {
		rc = sanad_error_set(err, SANAD_EIO, "cannot create the audit journal %s: %s", tmp.buf, strerror(errno));
	} else if (flock(fd, LOCK_EX | LOCK_NB)) {
		rc = sanad_error_set(err, SANAD_EIO, "cannot lock the audit journal %s: %s", tmp.buf, strerror(errno));
	} else if ((e = posix_fallocate(fd, 0, (off_t)capacity))) {
		rc = sanad_error_set(err, SANAD_EIO, "cannot reserve %zu KiB for the audit journal %s: %s",
				     capacity / 1024, tmp.buf, strerror(e));
	} else if (write_all(fd, JOURNAL_MAGIC, JOURNAL_MAGIC_LEN)) {
		rc = sanad_error_set(err, SANAD_EIO, "cannot start the audit journal %s: %s", tmp.buf, strerror(errno));
	} else if ((map = mmap(NULL, capacity, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0)) == MAP_FAILED) {
		rc = sanad_error_set(err, SANAD_EIO, "cannot map the audit journal %s: %s", tmp.buf, strerror(errno));
	} else if (rename(tmp.buf, path.buf)) {
		rc = sanad_error_set(err, SANAD_EIO, "cannot start the audit journal %s: %s", path.buf, strerror(errno));
	}
	if (rc && fd >= 0) {
		if (map != MAP_FAILED)
			munmap(map, capacity);
		close(fd);
		unlink(tmp.buf);
	}
	strbuf_release(&tmp);
	if (rc) {
		strbuf_release(&path);
		return rc;
	}
	out->fd = fd;
	out->path = strbuf_detach(&path);
	out->map = map;
	out->size = capacity;
	return 0;
}

/* Stop writing seg: unmapped and closed, which releases its lock, so the
 * next ingest finishes it.  Outside j->lock: unmapping can take a while. */
static void segment_release(struct segment *seg)
{
	if (seg->map)
		munmap(seg->map, seg->size);
	if (seg->fd >= 0)
		close(seg->fd);
	free(seg->path);
	seg->map = NULL;
	seg->fd = -1;
	seg->path = NULL;
}

int audit_journal_open(struct audit_journal **out, const char *db_path, struct sanad_error *err)
{
	return audit_journal_open_sized(out, db_path, JOURNAL_CAPACITY, err);
}

int audit_journal_open_sized(struct audit_journal **out, const char *db_path, size_t capacity,
			     struct sanad_error *err)
{
	struct audit_journal *j;
	int rc;
	*out = NULL;
	if (capacity < JOURNAL_MAGIC_LEN + RECORD_HEAD + RECORD_MAX)
		return sanad_error_set(err, SANAD_EINVAL, "an audit journal file of %zu bytes cannot hold a record",
				       capacity);
	j = xcalloc(1, sizeof(*j));
	j->spare.fd = -1;
	if ((rc = journal_create(db_path, capacity, &j->cur, err))) {
		free(j);
		return rc;
	}
	j->db_path = xstrdup(db_path);
	j->size = JOURNAL_MAGIC_LEN;
	j->capacity = (int64_t)capacity;
	pthread_mutex_init(&j->lock, NULL);
	*out = j;
	return 0;
}

/* Go on in the spare file, or a new one (j->lock held); the file left is
 * put in *old, for the caller to release once it has unlocked. */
static int journal_switch(struct audit_journal *j, struct segment *old, struct sanad_error *err)
{
	struct segment next;
	int rc;
	if (j->spare.map) {
		next = j->spare;
		j->spare.map = NULL;
		j->spare.path = NULL;
		j->spare.fd = -1;
	} else if ((rc = journal_create(j->db_path, (size_t)j->capacity, &next, err))) {
		return rc;
	}
	*old = j->cur;
	j->cur = next;
	j->size = JOURNAL_MAGIC_LEN;
	return 0;
}

int audit_journal_prepare(struct audit_journal *j, struct sanad_error *err)
{
	struct segment seg;
	int need, rc;
	pthread_mutex_lock(&j->lock);
	need = j->cur.map && !j->spare.map && j->size > j->capacity / 2;
	pthread_mutex_unlock(&j->lock);
	if (!need)
		return 0;
	if ((rc = journal_create(j->db_path, (size_t)j->capacity, &seg, err)))
		return rc;
	pthread_mutex_lock(&j->lock);
	/* files are copied in the order of their names, which is the order
	 * they were made in: a file made inline by an append while this one
	 * was being made (the current file filled first) is already later */
	if (j->cur.map && !j->spare.map && strcmp(seg.path, j->cur.path) > 0) {
		j->spare = seg;
		seg.map = NULL;
		seg.path = NULL;
		seg.fd = -1;
	}
	pthread_mutex_unlock(&j->lock);
	if (seg.map) { /* not needed, or too late: empty, so not kept */
		unlink(seg.path);
		segment_release(&seg);
	}
	return 0;
}

/* One field at p: its length (NULL_FIELD for NULL), then its bytes. */
static unsigned char *put_field(unsigned char *p, const char *v, size_t len)
{
	put_u32(p, v ? (uint32_t)len : NULL_FIELD);
	if (v)
		memcpy(p + 4, v, len);
	return p + 4 + (v ? len : 0);
}

int audit_journal_append(struct audit_journal *j, const char *at, const char *actor, const char *org_code,
			 const char *action, const char *case_ref, const char *detail, struct sanad_error *err)
{
	const char *fields[6] = { at, actor, org_code, action, case_ref, detail };
	size_t lens[6], total = RECORD_HEAD;
	unsigned char stack[2048], *rec = stack, *p;
	struct segment old;
	int rc;

	/* refused here, not when copied: a record the trail would refuse
	 * must not sit in the journal stopping every record after it */
	if ((rc = audit_record_check(actor, org_code, action, case_ref, detail, err)))
		return rc;
	for (int i = 0; i < 6; i++) {
		lens[i] = fields[i] ? strlen(fields[i]) : 0;
		total += 4 + lens[i];
	}
	if (total - RECORD_HEAD > RECORD_MAX)
		return sanad_error_set(err, SANAD_ELIMIT, "an audit record of %zu bytes is over the journal's limit of %d",
				       total - RECORD_HEAD, RECORD_MAX);
	if (total > sizeof(stack))
		rec = xmalloc(total);
	p = rec + RECORD_HEAD;
	for (int i = 0; i < 6; i++)
		p = put_field(p, fields[i], lens[i]);
	put_u32(rec, (uint32_t)(total - RECORD_HEAD));
	payload_check(rec + RECORD_HEAD, total - RECORD_HEAD, (char *)rec + 4);

	old.map = NULL;
	old.path = NULL;
	old.fd = -1;
	pthread_mutex_lock(&j->lock);
	if (!j->cur.map) {
		rc = sanad_error_set(err, SANAD_EIO, "the audit journal is closed");
	} else if ((j->size + (int64_t)padded(total) <= j->capacity || !(rc = journal_switch(j, &old, err)))) {
		/* the payload and its check first, the length last: whoever
		 * reads the file sees the whole record or none of it */
		uint32_t length;
		memcpy(j->cur.map + j->size + 4, rec + 4, total - 4);
		memcpy(&length, rec, 4);
		__atomic_store_n((uint32_t *)(void *)(j->cur.map + j->size), length, __ATOMIC_RELEASE);
		j->size += (int64_t)padded(total);
	}
	pthread_mutex_unlock(&j->lock);
	segment_release(&old);
	if (rec != stack)
		free(rec);
	return rc;
}

int64_t audit_journal_size(struct audit_journal *j)
{
	int64_t size;
	pthread_mutex_lock(&j->lock);
	size = j->size;
	pthread_mutex_unlock(&j->lock);
	return size;
}

int audit_journal_rotate(struct audit_journal *j, struct sanad_error *err)
{
	struct segment old = { NULL, -1, NULL, 0 };
	int rc;
	pthread_mutex_lock(&j->lock);
	rc = j->cur.map ? journal_switch(j, &old, err) : sanad_error_set(err, SANAD_EIO, "the audit journal is closed");
	pthread_mutex_unlock(&j->lock);
	segment_release(&old);
	return rc;
}

void audit_journal_close(struct audit_journal *j)
{
	if (!j)
		return;
	segment_release(&j->cur);
	if (j->spare.map) /* never written: nothing to copy */
		unlink(j->spare.path);
	segment_release(&j->spare);
	pthread_mutex_destroy(&j->lock);
	free(j->db_path);
	free(j);
}

/* ---- copying into the trail ---- */

struct journal_file {
	char *path;
	const char *name; /* within path */
	int fd;
	int finished;     /* its writer is gone: nothing more will come */
	int64_t done;     /* offset copied up to */
	int64_t size;
	int version;      /* 1 or 2, from the magic */
	int end_seen;     /* copied up to a zero length: the end of the data, for now */
	int damaged;      /* a record that cannot be read: kept aside, not copied past */
};

static int by_name(const void *a, const void *b)
{
	return strcmp(((const struct journal_file *)a)->name, ((const struct journal_file *)b)->name);
}

/* A file a writer was making when it died, before it named it (path): it
 * holds no record, but may hold the 32 MiB reserved for it.  Removed when
 * nobody holds its lock and it is a minute old (its maker takes the lock
 * right after creating it; the minute covers that moment). */
static void remove_if_abandoned(const char *path)
{
	struct stat sb;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	if (!fstat(fd, &sb) && time(NULL) - sb.st_mtime > 60 && !flock(fd, LOCK_EX | LOCK_NB))
		unlink(path);
	close(fd);
}

/* The journal files of db_path, oldest first, opened; *n of them.  With
 * tidy, files abandoned while being made are removed on the way. */
static int journal_files(const char *db_path, int tidy, struct journal_file **out, size_t *n,
			 struct sanad_error *err)
{
	const char *slash = strrchr(db_path, '/');
	char *dir = slash ? xstrndup(db_path, (size_t)(slash - db_path) + (slash == db_path)) : xstrdup(".");
	struct strbuf prefix = STRBUF_INIT, making = STRBUF_INIT;
	struct journal_file *files = NULL;
	size_t count = 0, cap = 0;
	struct dirent *de;
	DIR *d;

	*out = NULL;
	*n = 0;
	strbuf_addf(&prefix, "%s%s", slash ? slash + 1 : db_path, JOURNAL_INFIX);
	strbuf_addf(&making, "%s%s", slash ? slash + 1 : db_path, JOURNAL_MAKING_INFIX);
	if (!(d = opendir(dir))) {
		int rc = sanad_error_set(err, SANAD_EIO, "cannot look in %s for audit journals: %s", dir,
					 strerror(errno));
		free(dir);
		strbuf_release(&prefix);
		strbuf_release(&making);
		return rc;
	}
	while ((de = readdir(d))) {
		struct journal_file f = { 0 };
		struct strbuf p = STRBUF_INIT;
		size_t len = strlen(de->d_name);
		if (tidy && !strncmp(de->d_name, making.buf, making.len)) {
			strbuf_addf(&p, "%.*s%s", (int)(slash ? slash - db_path + 1 : 0), db_path, de->d_name);
			remove_if_abandoned(p.buf);
			strbuf_release(&p);
			continue;
		}
		if (strncmp(de->d_name, prefix.buf, prefix.len) || (len > 8 && !strcmp(de->d_name + len - 8, ".damaged")))
			continue;
		strbuf_addf(&p, "%.*s%s", (int)(slash ? slash - db_path + 1 : 0), db_path, de->d_name);
		f.path = strbuf_detach(&p);
		f.name = f.path + (slash ? slash - db_path + 1 : 0);
		if ((f.fd = open(f.path, O_RDONLY | O_CLOEXEC)) < 0) {
			free(f.path); /* unlinked since readdir: finished by someone else */
			continue;
		}
		if (count == cap) {
			cap = cap ? cap * 2 : 4;
			files = xrealloc(files, cap * sizeof(*files));
		}
		files[count++] = f;
	}
	closedir(d);
	free(dir);
	strbuf_release(&prefix);
	strbuf_release(&making);
	if (count > 1)
		qsort(files, count, sizeof(*files), by_name);
	*out = files;
	*n = count;
	return 0;
}

static void journal_files_free(struct journal_file *files, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (files[i].fd >= 0)
			close(files[i].fd); /* and its lock, if it was finished */
		free(files[i].path);
	}
	free(files);
}

/* One field of a payload at *p (advanced), copied NUL-terminated to
 * *scratch (advanced): *out is NULL for a NULL field.  The scratch holds a
 * whole payload plus a NUL per field. */
static int take_field(const unsigned char **p, const unsigned char *end, char **scratch, char **out)
{
	uint32_t len;
	*out = NULL;
	if (end - *p < 4)
		return -1;
	len = get_u32(*p);
	*p += 4;
	if (len == NULL_FIELD)
		return 0;
	if ((uint64_t)(end - *p) < len)
		return -1;
	memcpy(*scratch, *p, len);
	(*scratch)[len] = 0;
	*out = *scratch;
	*scratch += len + 1;
	*p += len;
	return 0;
}

/* Copy the whole records of buf[0..len) into the trail; *used: the bytes
 * they took.  1 when a record cannot be read (f->damaged set), 0 when the
 * rest is only the start of a record, negative on a database error. */
static int copy_records(struct storage *st, struct audit_chain *chain, struct journal_file *f,
			const unsigned char *buf, size_t len, char *scratch, size_t *used, int64_t *records,
			struct sanad_error *err)
{
	size_t off = 0;
	*used = 0;
	while (len - off >= RECORD_HEAD) {
		uint32_t plen = get_u32(buf + off);
		const unsigned char *payload = buf + off + RECORD_HEAD, *p = payload, *end;
		char check[JOURNAL_CHECK_LEN], *fields[6] = { 0 }, *at = scratch;
		size_t whole = f->version == 2 ? padded(RECORD_HEAD + (size_t)plen) : RECORD_HEAD + (size_t)plen;
		int rc = 0, bad = 0;

		if (plen == 0) {
			/* no record has an empty payload: in a version 2 file this
			 * is where the data ends (for now, if its writer runs) */
			if (f->version != 2) {
				f->damaged = 1;
				return 1;
			}
			f->end_seen = 1;
			break;
		}
		if (plen > RECORD_MAX) {
			f->damaged = 1;
			return 1;
		}
		if (len - off < whole)
			break; /* the rest is still being written, or was torn */
		end = payload + plen;
		payload_check(payload, plen, check);
		if (memcmp(check, buf + off + 4, JOURNAL_CHECK_LEN)) {
			f->damaged = 1;
			return 1;
		}
		for (int i = 0; i < 6 && !bad; i++)
			bad = take_field(&p, end, &at, &fields[i]);
		if (!bad && p == end)
			rc = audit_append_chained(st, chain, fields[0], fields[1], fields[2], fields[3], fields[4],
						  fields[5], err);
		if (bad || p != end) {
			f->damaged = 1;
			return 1;
		}
		if (rc) {
			/* a record the trail refuses (audit.c's checks) is not
			 * dropped: the whole copy fails, naming it */
			char msg[sizeof(err->message)];
			snprintf(msg, sizeof(msg), "%s", err->message);
			return sanad_error_set(err, rc, "audit journal %s, record at byte %lld: %s", f->name,
					       (long long)(f->done + (int64_t)off), msg);
		}
		off += whole;
		(*records)++;
	}
	*used = off;
	return 0;
}

/* Copy what f holds beyond f->done. */
static int ingest_file(struct storage *st, struct audit_chain *chain, struct journal_file *f, int64_t *records,
		       struct sanad_error *err)
{
	unsigned char *buf = NULL;
	char *scratch = xmalloc(RECORD_MAX + 6); /* a payload's fields, NUL-terminated */
	int rc = 0;

	while (f->done < f->size && !f->damaged && !f->end_seen) {
		size_t want = (size_t)(f->size - f->done > INGEST_CHUNK ? INGEST_CHUNK : f->size - f->done), got = 0, used;
		buf = xrealloc(buf, want > RECORD_HEAD + RECORD_MAX ? want : RECORD_HEAD + RECORD_MAX);
		while (got < want) {
			ssize_t r = pread(f->fd, buf + got, want - got, (off_t)(f->done + (int64_t)got));
			if (r < 0 && errno == EINTR)
				continue;
			if (r <= 0)
				break;
			got += (size_t)r;
		}
		if (got < want) {
			rc = sanad_error_set(err, SANAD_EIO, "cannot read the audit journal %s: %s", f->name,
					     strerror(errno ? errno : EIO));
			break;
		}
		if ((rc = copy_records(st, chain, f, buf, got, scratch, &used, records, err)) < 0)
			break;
		rc = 0;
		f->done += (int64_t)used;
		if (!used)
			break; /* only the start of a record is there */
	}
	if (!rc && f->version == 2 && f->size - f->done < RECORD_HEAD)
		f->end_seen = 1; /* too little room for a record: its writer went on in a new file */
	free(scratch);
	free(buf);
	return rc;
}

static int journal_state(struct storage *st, struct journal_file *f, struct sanad_error *err)
{
	struct strbuf key = STRBUF_INIT;
	char *value = NULL;
	int rc;
	strbuf_addf(&key, "audit_journal:%s", f->name);
	rc = storage_meta_get(st, key.buf, &value, err);
	strbuf_release(&key);
	if (rc)
		return rc;
	f->done = JOURNAL_MAGIC_LEN;
	if (value && parse_int64(value, JOURNAL_MAGIC_LEN, INT64_MAX, &f->done)) {
		free(value);
		return sanad_error_set(err, SANAD_EDB, "the copy state of audit journal %s is not a byte offset",
				       f->name);
	}
	free(value);
	return 0;
}

static int journal_state_save(struct storage *st, const struct journal_file *f, struct sanad_error *err)
{
	struct strbuf key = STRBUF_INIT;
	char value[32];
	int rc;
	strbuf_addf(&key, "audit_journal:%s", f->name);
	snprintf(value, sizeof(value), "%lld", (long long)f->done);
	rc = storage_meta_set(st, key.buf, value, err);
	strbuf_release(&key);
	return rc;
}

int audit_journal_pending(const char *db_path)
{
	struct journal_file *files;
	struct sanad_error err = { 0 };
	size_t n;
	if (journal_files(db_path, 0, &files, &n, &err))
		return 0;
	journal_files_free(files, n);
	return (int)n;
}

int audit_journal_ingest(struct storage *st, struct audit_ingest_result *res, struct sanad_error *err)
{
	struct journal_file *files;
	struct audit_chain chain = AUDIT_CHAIN_INIT;
	size_t n;
	int rc;

	memset(res, 0, sizeof(*res));
	if ((rc = journal_files(storage_path(st), 1, &files, &n, err)))
		return rc;
	if (!n) {
		free(files);
		return 0;
	}
	/* the write lock first: whoever copies, copies alone, and sees the
	 * state the last copier committed */
	if ((rc = storage_begin(st, err))) {
		journal_files_free(files, n);
		return rc;
	}
	for (size_t i = 0; i < n && !rc; i++) {
		struct journal_file *f = &files[i];
		struct stat sb;
		unsigned char magic[JOURNAL_MAGIC_LEN];
		/* take the lock before the size: once we hold it nothing more
		 * is appended, so the size read after it is final */
		f->finished = flock(f->fd, LOCK_EX | LOCK_NB) == 0;
		if (fstat(f->fd, &sb)) {
			rc = sanad_error_set(err, SANAD_EIO, "cannot read the audit journal %s: %s", f->name,
					     strerror(errno));
			break;
		}
		f->size = (int64_t)sb.st_size;
		if (f->size < JOURNAL_MAGIC_LEN) {
			f->done = f->size; /* being created; or created and never written: nothing in it */
			continue;
		}
		if (pread(f->fd, magic, sizeof(magic), 0) != (ssize_t)sizeof(magic)) {
			f->damaged = 1;
			continue;
		}
		if (!memcmp(magic, JOURNAL_MAGIC, JOURNAL_MAGIC_LEN)) {
			f->version = 2;
		} else if (!memcmp(magic, JOURNAL_MAGIC_V1, JOURNAL_MAGIC_LEN)) {
			f->version = 1;
		} else {
			f->damaged = 1;
			continue;
		}
		if ((rc = journal_state(st, f, err)))
			break;
		if (f->done > f->size) {
			/* shorter than what was copied from it: a power cut took
			 * pages of the file that never reached the disk, after the
			 * copy of them had been committed.  Nothing is left to copy */
			f->done = f->size;
			continue;
		}
		{
			int64_t before = f->done, copied = 0;
			if ((rc = ingest_file(st, &chain, f, &copied, err)))
				break;
			res->records += copied;
			if (f->done != before)
				rc = journal_state_save(st, f, err);
		}
	}
	if (!rc)
		rc = storage_commit(st, err);
	if (rc) {
		storage_rollback(st);
		journal_files_free(files, n);
		return rc;
	}
	/* committed: the finished files are in the trail (or kept aside) */
	for (size_t i = 0; i < n; i++) {
		struct journal_file *f = &files[i];
		if (!f->finished) {
			if (f->damaged)
				snprintf(res->warning, sizeof(res->warning),
					 "audit journal %s cannot be read past byte %lld; its writer is still running",
					 f->name, (long long)f->done);
			continue;
		}
		if (f->damaged || (f->done < f->size && !f->end_seen)) {
			/* a finished file whose end cannot be read (a record torn
			 * by a power cut, or damage): what could be read is in the
			 * trail; the rest is kept for an administrator, not deleted */
			struct strbuf aside = STRBUF_INIT;
			strbuf_addf(&aside, "%s.damaged", f->path);
			if (rename(f->path, aside.buf) == 0) {
				res->damaged++;
				snprintf(res->warning, sizeof(res->warning),
					 "audit journal %s could not be read past byte %lld of %lld; kept as %s", f->name,
					 (long long)f->done, (long long)f->size, aside.buf);
			}
			strbuf_release(&aside);
		} else {
			unlink(f->path);
			res->finished++;
		}
	}
	journal_files_free(files, n);
	return 0;
}
