/*
 * fuzz/fuzz_audit_journal.c: libFuzzer harness for reading the audit
 * journal (src/audit/journal.c).  The journal is a file beside the
 * database that a crash, a power cut or a hand with write access can leave
 * in any state; copying it into the trail must stop at what it cannot read,
 * never crash or read out of bounds.
 *
 * Input: the first byte's bit 0 clear, the rest is the file after the
 * magic as it is; set, the rest is cut into records (a length byte, then
 * that many bytes) framed with correct lengths and checks, so that the
 * field parser behind the check is reached too.  Bit 1 picks the layout:
 * version 1 (records back to back, the data ending with the file) or
 * version 2 (records on 4-byte boundaries, the data ending at a zero
 * length, as the server writes it through a mapping).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "audit/audit.h"
#include "crypto/crypto.h"

static struct storage *st;
static char db_path[256], journal_path[300], damaged_path[320];

static void put_u32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)v;
	p[1] = (unsigned char)(v >> 8);
	p[2] = (unsigned char)(v >> 16);
	p[3] = (unsigned char)(v >> 24);
}

static void remove_database(void)
{
	static const char *const suffixes[] = { "", "-wal", "-shm", ".key" };
	char path[300];
	storage_close(st);
	for (int i = 0; i < 4; i++) {
		snprintf(path, sizeof(path), "%s%s", db_path, suffixes[i]);
		unlink(path);
	}
}

static void open_database(void)
{
	struct sanad_error err = { 0 };
	snprintf(db_path, sizeof(db_path), "%s/sanad-fuzz-journal-%d.db", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp",
		 (int)getpid());
	unlink(db_path);
	if (storage_open(&st, db_path, STORAGE_CREATE, &err)) {
		fprintf(stderr, "fuzz_audit_journal: %s\n", err.message);
		abort();
	}
	atexit(remove_database);
	/* a finished file (nobody holds its lock): copied, then deleted or
	 * renamed .damaged */
	snprintf(journal_path, sizeof(journal_path), "%s.audit-journal.000000000001-0000000001-000000-00000000",
		 db_path);
	snprintf(damaged_path, sizeof(damaged_path), "%s.damaged", journal_path);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct audit_ingest_result res;
	struct sanad_error err = { 0 };
	FILE *f;

	if (!st)
		open_database();
	if (!(f = fopen(journal_path, "wb")))
		abort();
	int v2 = size && (data[0] & 2);
	fwrite(v2 ? "SNDAJ002" : "SNDAJ001", 1, 8, f);
	if (size && data[0] % 2) {
		size_t at = 1;
		while (at < size) {
			size_t len = data[at++];
			unsigned char head[20];
			char hex[CRYPTO_HASH_HEX];
			if (len > size - at)
				len = size - at;
			put_u32(head, (uint32_t)len);
			crypto_hash_hex(data + at, len, hex);
			memcpy(head + 4, hex, 16);
			fwrite(head, 1, sizeof(head), f);
			fwrite(data + at, 1, len, f);
			if (v2)
				fwrite("\0\0\0", 1, (4 - len % 4) % 4, f); /* the head is 20 bytes */
			at += len;
		}
	} else if (size > 1) {
		fwrite(data + 1, 1, size - 1, f);
	}
	if (v2)
		fwrite("\0\0\0\0\0\0\0\0", 1, 8, f); /* the reserved space after the data */
	fclose(f);
	(void)audit_journal_ingest(st, &res, &err);
	unlink(journal_path);
	unlink(damaged_path);
	return 0;
}
