/*
 * fuzz/fuzz_import_xform.c: libFuzzer harness for the XForm submission
 * reader (importer/read_xform.c, on libxml2's streaming reader).  Each input
 * is read as a submission file through the whole import pipeline in
 * dry-run mode without a database: answers are normalised, records derived
 * and validated, problems reported to a discarded stream; nothing is
 * written.  No input may crash, leak, read out of bounds or reach the
 * network or the file system through entities.
 */
#include "importer/importer.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static FILE *devnull;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	struct sanad_error err;
	(void)argc, (void)argv;
	if (vocab_load(&err)) {
		fprintf(stderr, "vocabulary: %s\n", err.message);
		abort();
	}
	devnull = fopen("/dev/null", "w");
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char empty[1];
	struct import_options opt = { .format = IMPORT_XFORM, .dry_run = 1, .report = devnull,
				      .skip_invalid = (int)(size & 1), .rejects = devnull };
	struct import_result res;
	struct sanad_error err;
	FILE *in = size ? fmemopen((void *)data, size, "rb") : fmemopen(empty, 1, "rb");

	if (in) {
		import_stream(NULL, in, "fuzz.xml", &opt, &res, &err);
		fclose(in);
	}
	return 0;
}
