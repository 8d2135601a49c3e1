/* util/csv.c: writing CSV cells, with spreadsheet formula guarding. */
#include "util/util.h"

#include <string.h>

static int needs_guard(const char *v)
{
	return v[0] == '=' || v[0] == '+' || v[0] == '-' || v[0] == '@' || v[0] == '\t' ||
	       v[0] == '\r' || v[0] == '\'';
}

void csv_cell(struct strbuf *sb, const char *value, int guard_formula)
{
	int guard = guard_formula && value[0] && needs_guard(value);
	int quote = strpbrk(value, ",\"\r\n") != NULL;

	if (quote)
		strbuf_addch(sb, '"');
	if (guard)
		strbuf_addch(sb, '\'');
	for (const char *p = value; *p; p++) {
		if (*p == '"')
			strbuf_addch(sb, '"');
		strbuf_addch(sb, *p);
	}
	if (quote)
		strbuf_addch(sb, '"');
}

void csv_unguard(char *value)
{
	if (value[0] == '\'')
		memmove(value, value + 1, strlen(value));
}
