/*
 * domain/normalise.c: names normalised for search and matching across the
 * spellings people actually type.  Arabic names arrive with and without
 * hamza, madda, harakat and tatweel, and with ta marbuta written as ha;
 * Latin names with and without accents and in any case.  Both reduce to one
 * key.  utf8proc does the Unicode work (NFKC, case folding, stripping marks).
 */
#include "domain/domain.h"

#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

static utf8proc_int32_t arabic_fold(utf8proc_int32_t c)
{
	switch (c) {
	case 0x0622: /* alef with madda */
	case 0x0623: /* alef with hamza above */
	case 0x0625: /* alef with hamza below */
	case 0x0671: /* alef wasla */
		return 0x0627;
	case 0x0624: /* waw with hamza */
		return 0x0648;
	case 0x0626: /* ya with hamza */
	case 0x0649: /* alef maqsura */
	case 0x06CC: /* Farsi ya */
		return 0x064A;
	case 0x0629: /* ta marbuta */
		return 0x0647;
	case 0x06A9: /* keheh */
		return 0x0643;
	}
	return c;
}

static int is_dropped(utf8proc_int32_t c)
{
	if (c == 0x0640) /* tatweel */
		return 1;
	if ((c >= 0x064B && c <= 0x065F) || c == 0x0670) /* harakat, superscript alef */
		return 1;
	if (c == 0x0621) /* lone hamza */
		return 1;
	return 0;
}

char *name_normalise(const char *s)
{
	utf8proc_uint8_t *folded = NULL;
	utf8proc_ssize_t n;
	struct strbuf out = STRBUF_INIT;
	int pending_space = 0;

	n = utf8proc_map((const utf8proc_uint8_t *)s, 0, &folded,
			 UTF8PROC_NULLTERM | UTF8PROC_STABLE | UTF8PROC_COMPAT | UTF8PROC_COMPOSE |
				 UTF8PROC_CASEFOLD | UTF8PROC_STRIPMARK | UTF8PROC_IGNORE);
	if (n < 0)
		return xstrdup("");
	for (utf8proc_ssize_t i = 0; i < n;) {
		utf8proc_int32_t c;
		utf8proc_ssize_t len = utf8proc_iterate(folded + i, n - i, &c);
		utf8proc_uint8_t enc[4];
		utf8proc_category_t cat;

		if (len <= 0)
			break;
		i += len;
		c = arabic_fold(c);
		if (is_dropped(c))
			continue;
		cat = utf8proc_category(c);
		if (cat == UTF8PROC_CATEGORY_LU || cat == UTF8PROC_CATEGORY_LL ||
		    cat == UTF8PROC_CATEGORY_LT || cat == UTF8PROC_CATEGORY_LO ||
		    cat == UTF8PROC_CATEGORY_LM || cat == UTF8PROC_CATEGORY_ND) {
			if (pending_space && out.len)
				strbuf_addch(&out, ' ');
			pending_space = 0;
			strbuf_add(&out, enc, (size_t)utf8proc_encode_char(c, enc));
		} else if (c == '\'' || c == 0x2019) {
			/* apostrophes inside names (O'Brien, ʿAbd) join, not split */
		} else {
			pending_space = 1;
		}
	}
	free(folded);
	return strbuf_detach(&out);
}
