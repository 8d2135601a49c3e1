/*
 * fuzz/fuzz_import.h: what the import fuzzers (fuzz_import_*.c) share -- the
 * libFuzzer start-up and one run of the import pipeline over the input.
 * Each fuzzer is a program of its own that includes this once, so the
 * definitions below live here rather than in a library the Makefile would
 * have to build for clang.
 */
#ifndef SANAD_FUZZ_IMPORT_H
#define SANAD_FUZZ_IMPORT_H

#include "importer/importer.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* where reports and rejects go: written, so the escaping of hostile bytes
 * runs too, but not kept */
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

/* Reads the input as a file (named name) of format through the whole
 * import pipeline in dry-run mode without a database; the input's lowest
 * bit chooses whether invalid records are skipped, so both paths run. */
static void fuzz_import(const uint8_t *data, size_t size, enum import_format format, const char *name)
{
	static char empty[1];
	struct import_options opt = { .format = format, .dry_run = 1, .report = devnull,
				      .skip_invalid = (int)(size & 1), .rejects = devnull };
	struct import_result res;
	struct sanad_error err;
	/* fmemopen refuses a zero size on some C libraries */
	FILE *in = size ? fmemopen((void *)data, size, "rb") : fmemopen(empty, 1, "rb");
	if (!in)
		return;
	import_stream(NULL, in, name, &opt, &res, &err);
	fclose(in);
}

#endif
