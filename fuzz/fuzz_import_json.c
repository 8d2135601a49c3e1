/*
 * fuzz/fuzz_import_json.c: libFuzzer harness for the Sanad JSON reader
 * (importer/read_json.c).  Each input is read as a whole export through the
 * import pipeline in dry-run mode without a database (every record is
 * normalised, derived and validated, every problem is reported to a
 * discarded stream, nothing is written), and as the single
 * case object `sanad case add --json` takes.  Neither may crash, leak or
 * read out of bounds, whatever the bytes.
 */
#include "fuzz_import.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct case_record c;
	struct sanad_error err;
	fuzz_import(data, size, IMPORT_JSON, "fuzz.json");
	import_json_case((const char *)data, size, &c, &err);
	case_record_release(&c);
	return 0;
}
