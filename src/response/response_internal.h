/* response/response_internal.h: shared between the response module's files only. */
#ifndef SANAD_RESPONSE_INTERNAL_H
#define SANAD_RESPONSE_INTERNAL_H

#include "response/response.h"

/* The kinds of protection and prevention fact (vocab list response_fact, in
 * the same order): which pillar each belongs to and what value it takes. */
struct fact_kind {
	const char *code;
	const char *pillar;
	int counted; /* takes a count (victims identified ...) */
	int flagged; /* takes yes/no (procedures exist ...) */
};
extern const struct fact_kind response_fact_kinds[];
extern const int response_fact_kind_count;
/* Index in response_fact_kinds, or -1. */
int response_fact_kind_find(const char *code);

/* 1 if action (a code of action_kind) counts as an effort. */
int response_action_counts(const char *action);

/* Number in the report's style: integer without decimals, else up to two. */
void response_number(char out[32], double v);

#endif
