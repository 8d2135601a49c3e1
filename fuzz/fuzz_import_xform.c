/*
 * fuzz/fuzz_import_xform.c: libFuzzer harness for the XForm submission
 * reader (importer/read_xform.c, on libxml2's streaming reader).  Each input
 * is read as a submission file through the whole import pipeline in
 * dry-run mode without a database: answers are normalised, records derived
 * and validated, problems reported to a discarded stream; nothing is
 * written.  No input may crash, leak, read out of bounds or reach the
 * network or the file system through entities.
 */
#include "fuzz_import.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_import(data, size, IMPORT_XFORM, "fuzz.xml");
	return 0;
}
