/*
 * fuzz/fuzz_import_csv.c: libFuzzer harness for the CSV readers (the libcsv
 * machinery of importer/read_csv.c, the HTCDS CSV reader and the CTDC
 * reader).  Each input is read both as an HTCDS CSV file and as a CTDC file
 * through the whole import pipeline in dry-run mode without a database:
 * every record is built, normalised, derived and validated, and every
 * problem is reported (to a discarded stream, so the escaping of hostile
 * bytes runs too), nothing is written.  No input may crash, leak or read
 * out of bounds.
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
	static const enum import_format formats[] = { IMPORT_HTCDS_CSV, IMPORT_CTDC };

	for (size_t i = 0; i < sizeof(formats) / sizeof(formats[0]); i++) {
		struct import_options opt = { .format = formats[i], .dry_run = 1, .report = devnull,
					      .skip_invalid = (int)(size & 1), .rejects = devnull };
		struct import_result res;
		struct sanad_error err;
		/* fmemopen refuses a zero size on some C libraries */
		FILE *in = size ? fmemopen((void *)data, size, "rb") : fmemopen(empty, 1, "rb");
		if (!in)
			continue;
		import_stream(NULL, in, "fuzz.csv", &opt, &res, &err);
		fclose(in);
	}
	return 0;
}
