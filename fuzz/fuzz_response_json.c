/*
 * fuzz/fuzz_response_json.c: libFuzzer harness for the record JSON of the
 * national response (response/records.c), which analysts load in bulk with
 * `sanad response import`.  Any bytes are parsed as JSON and validated;
 * a document that validates is also imported into a scratch database and
 * exported again, so the write path and the export formatter run on
 * whatever the validator let through.  Nothing may crash, leak or read out
 * of bounds.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "response/response.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct storage *st;
static char path[256];

static void remove_scratch(void)
{
	char buf[300];
	storage_close(st);
	remove(path);
	snprintf(buf, sizeof(buf), "%s-wal", path);
	remove(buf);
	snprintf(buf, sizeof(buf), "%s-shm", path);
	remove(buf);
	snprintf(buf, sizeof(buf), "%s.key", path);
	remove(buf);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	struct sanad_error err = { 0 };
	(void)argc, (void)argv;
	if (vocab_load(&err) || response_strings_load(&err)) {
		fprintf(stderr, "built-in data: %s\n", err.message);
		abort();
	}
	snprintf(path, sizeof(path), "%s/sanad-fuzz-response-%ld.db", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp",
		 (long)getpid());
	remove(path);
	if (storage_open(&st, path, STORAGE_CREATE, &err)) {
		fprintf(stderr, "scratch database: %s\n", err.message);
		abort();
	}
	atexit(remove_scratch);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sanad_error err = { 0 };
	struct response_import_summary s;
	json_error_t jerr;
	json_t *doc = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES, &jerr), *out;

	if (!doc)
		return 0;
	if (response_validate(doc, &err) == 0 && response_import(st, doc, &s, &err) == 0 &&
	    response_export(st, NULL, ASSESS_YEAR_MIN, ASSESS_YEAR_MAX, &out, &err) == 0) {
		char *text = json_dumps(out, JSON_INDENT(2));
		free(text);
		json_decref(out);
	}
	json_decref(doc);
	return 0;
}
