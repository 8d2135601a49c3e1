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
#include "fuzz_import.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_import(data, size, IMPORT_HTCDS_CSV, "fuzz.csv");
	fuzz_import(data, size, IMPORT_CTDC, "fuzz.csv");
	return 0;
}
