/*
 * fuzz/fuzz_import_json.c: libFuzzer harness for the Sanad JSON reader
 * (importer/read_json.c).  Each input is read as a whole export through the
 * import pipeline in dry-run mode without a database (every record is
 * normalised, derived and validated, every problem is reported to a
 * discarded stream, nothing is written), and as the single
 * case object `sanad case add --json` takes.  Neither may crash, leak or
 * read out of bounds, whatever the bytes.
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
	struct import_options opt = { .format = IMPORT_JSON, .dry_run = 1, .report = devnull,
				      .skip_invalid = (int)(size & 1), .rejects = devnull };
	struct import_result res;
	struct sanad_error err;
	struct case_record c;
	FILE *in;

	/* fmemopen refuses a zero size on some C libraries */
	in = size ? fmemopen((void *)data, size, "rb") : fmemopen(empty, 1, "rb");
	if (in) {
		import_stream(NULL, in, "fuzz.json", &opt, &res, &err);
		fclose(in);
	}
	import_json_case((const char *)data, size, &c, &err);
	case_record_release(&c);
	return 0;
}
