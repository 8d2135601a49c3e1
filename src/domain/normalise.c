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

/* ---- cross-script skeleton (added for name search, issue 4) ----
 * Arabic names written in Latin letters vary in their vowels (Mohammed,
 * Muhammad, Mohamed) and in how a consonant is spelt (kh/k, sh/ch, th/t),
 * while Arabic script mostly omits short vowels.  Reducing both to a string
 * of consonant classes makes the spellings meet: محمد, Mohammed, Muhammad
 * and Mohamed all become "mhmd".  The key is deliberately coarse; it finds
 * candidates, and the person searching looks at them. */

/* The consonant class of an Arabic letter (after arabic_fold), 0 to drop it
 * (long vowels, alef, waw, ya, ain), or -1 if it is not an Arabic letter. */
static int arabic_class(utf8proc_int32_t c)
{
	switch (c) {
	case 0x0627: case 0x0648: case 0x064A: case 0x0639: /* alef waw ya ain */
		return 0;
	case 0x0628: return 'b';
	case 0x062A: case 0x0637: case 0x062B: return 't'; /* ta, tah, tha */
	case 0x062C: return 'j';
	case 0x062D: case 0x0647: return 'h';               /* hah, heh (and ta marbuta) */
	case 0x062E: case 0x0642: case 0x0643: return 'k';  /* khah, qaf, kaf */
	case 0x062F: case 0x0630: case 0x0636: return 'd';  /* dal, thal, dad */
	case 0x0631: return 'r';
	case 0x0632: case 0x0638: return 'z';               /* zain, zah */
	case 0x0633: case 0x0634: case 0x0635: return 's';  /* seen, sheen, sad */
	case 0x063A: return 'g';                            /* ghain */
	case 0x0641: return 'f';
	case 0x0644: return 'l';
	case 0x0645: return 'm';
	case 0x0646: return 'n';
	}
	return c >= 0x0600 && c <= 0x06FF ? 0 : -1;
}

/* Latin letters of one normalised (lower-case, unaccented) word to classes;
 * digraphs first. */
static void latin_skeleton(const char *w, size_t n, struct strbuf *out)
{
	for (size_t i = 0; i < n; i++) {
		char c = w[i], next = i + 1 < n ? w[i + 1] : 0;
		int k = 0;
		if (next == 'h' && strchr("sckgtdp", c)) {
			k = c == 's' || c == 'c' ? 's' : c == 'k' ? 'k' : c == 'g' ? 'g' : c == 't' ? 't'
				: c == 'd' ? 'd' : 'f';
			i++;
		} else if (strchr("aeiouyw'", c)) {
			k = 0;
		} else if (c == 'q' || c == 'c') {
			k = 'k';
		} else if (c == 'g') {
			k = 'j'; /* Egyptian Gamal = Jamal */
		} else if (c == 'v' || c == 'p') {
			k = c == 'v' ? 'f' : 'b';
		} else if (c == 'x') {
			k = 'k';
		} else {
			k = (unsigned char)c;
		}
		if (k && (!out->len || out->buf[out->len - 1] != k))
			strbuf_addch(out, (char)k);
	}
}

/* One normalised word to its skeleton (appended to out). */
static void word_skeleton(const char *w, size_t n, struct strbuf *out)
{
	size_t start = out->len;
	int arabic = 0, other = 0;
	for (size_t i = 0; i < n;) {
		utf8proc_int32_t c;
		utf8proc_ssize_t len = utf8proc_iterate((const utf8proc_uint8_t *)w + i, (utf8proc_ssize_t)(n - i), &c);
		if (len <= 0)
			return;
		if (arabic_class(c) >= 0)
			arabic = 1;
		else if (c >= 0x80)
			other = 1;
		i += (size_t)len;
	}
	if (other) { /* another script: no transliteration known, keep the word */
		strbuf_add(out, w, n);
		return;
	}
	if (!arabic) {
		latin_skeleton(w, n, out);
	} else {
		/* the article: الحسن is "al Hassan" in Latin, where "al" is dropped */
		if (n > 6 && !memcmp(w, "\xd8\xa7\xd9\x84", 4))
			w += 4, n -= 4;
		for (size_t i = 0; i < n;) {
			utf8proc_int32_t c;
			utf8proc_ssize_t len = utf8proc_iterate((const utf8proc_uint8_t *)w + i,
								(utf8proc_ssize_t)(n - i), &c);
			int k;
			i += (size_t)len;
			k = arabic_class(c);
			if (k < 0 && c < 0x80)
				k = c; /* a digit */
			if (k > 0 && (out->len == start || out->buf[out->len - 1] != k))
				strbuf_addch(out, (char)k);
		}
	}
	/* a final h is the ta marbuta of Fatimah / فاطمة, spelt or not in Latin */
	if (out->len > start + 1 && out->buf[out->len - 1] == 'h') {
		out->len--;
		out->buf[out->len] = '\0';
	}
}

char *name_skeleton(const char *s)
{
	char *norm = name_normalise(s);
	struct strbuf out = STRBUF_INIT;
	const char *p = norm;
	strbuf_addstr(&out, "");
	while (*p) {
		size_t n = strcspn(p, " ");
		size_t mark = out.len;
		int article = (n == 2 && (!memcmp(p, "al", 2) || !memcmp(p, "el", 2) || !memcmp(p, "ul", 2)));
		if (n && !article) {
			if (out.len)
				strbuf_addch(&out, ' ');
			word_skeleton(p, n, &out);
			if (out.len == mark + (mark ? 1 : 0)) { /* nothing left of the word */
				out.len = mark;
				out.buf[out.len] = '\0';
			}
		}
		p += n;
		while (*p == ' ')
			p++;
	}
	free(norm);
	return strbuf_detach(&out);
}
