/*
 * fuzz/fuzz_assess_json.c: libFuzzer harness for the assessment engine.
 * Any bytes are parsed as JSON and, when they parse, run through
 * assess_run: bad input must come back as an error, never a crash, a leak
 * or undefined behaviour.
 */
#include <stdint.h>
#include <stdlib.h>

#include "assess/assess.h"
#include "vocab/vocab.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sanad_error err = { 0 };
	json_error_t jerr;
	json_t *input, *output = NULL;

	if (vocab_load(&err))
		abort(); /* the embedded vocabulary is broken: nothing to fuzz */
	input = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES, &jerr);
	if (!input)
		return 0;
	if (assess_run(input, &output, &err) == 0) {
		/* formatting is part of the path a user hits */
		char *text = json_dumps(output, JSON_INDENT(2));
		free(text);
		json_decref(output);
	}
	json_decref(input);
	return 0;
}
