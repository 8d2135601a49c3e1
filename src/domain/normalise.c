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

/* ---- cross-script skeleton (name search, issue 4; match keys, issue 5) ----
 * Arabic names written in Latin letters vary in their vowels (Mohammed,
 * Muhammad, Mohamed) and in how a consonant is spelt (kh/k, sh/ch, th/t),
 * while Arabic script mostly omits short vowels.  Reducing both to a string
 * of consonant classes makes the spellings meet: محمد, Mohammed, Muhammad
 * and Mohamed all become "mhmd".  The key is deliberately coarse; it finds
 * candidates, and the person searching looks at them.
 *
 * One vowel is kept: a long i (ي, Latin i/ee/ei/ai/ay...) before a word's
 * last consonant, written "y".  Without it حسن and حسين, Hassan and Hussein
 * - twins are often given these two names - share a key, and with the same
 * birth date and nationality two children would be counted as one person.
 * Latin cannot tell a long i from a short one (Karim كريم, Khalid خالد), so
 * a single Latin i counts as long: Khaled meets خالد, Khalid does not.
 * Elsewhere (Fatima, Khadija, Jamila) the i is dropped in both scripts.
 *
 * A word is first reduced to a "raw" string of classes with two markers,
 * then finished (see skeleton_finish). */

#define MARK_LONG_I 'Y'  /* a long i seen after a consonant: kept or dropped later */
#define MARK_OPEN 'V'    /* the word ends in a vowel (Jamila, عليا) */

/* Append a class to a raw string, collapsing repeats (Mohammed, Hassan,
 * shadda dropped in Arabic); repeats across dropped vowels collapse too
 * (Aziz -> "z" unless a long i between them is kept). */
static void raw_add(struct strbuf *raw, char k)
{
	if (raw->len && raw->buf[raw->len - 1] == k)
		return;
	strbuf_addch(raw, k);
}

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

static int latin_vowel(char c)
{
	return c && strchr("aeiouyw'", c) != NULL;
}

/* Latin letters of one normalised (lower-case, unaccented) word to a raw
 * class string; digraphs first. */
static void latin_raw(const char *w, size_t n, struct strbuf *raw)
{
	int consonant_seen = 0;
	for (size_t i = 0; i < n;) {
		char c = w[i], next = i + 1 < n ? w[i + 1] : 0;
		int k;
		if (latin_vowel(c)) {
			size_t j = i;
			int has_i = 0, e_count = 0;
			for (; j < n && latin_vowel(w[j]); j++) {
				has_i |= w[j] == 'i' || w[j] == 'y';
				e_count += w[j] == 'e';
			}
			if (j == n) {
				/* a lone final e after a consonant is the silent French e
				 * of Amine, Yassine: the word still ends in a consonant */
				if (!(j - i == 1 && c == 'e' && consonant_seen))
					raw_add(raw, MARK_OPEN);
			} else if (consonant_seen && (has_i || (j - i >= 2 && e_count))) {
				raw_add(raw, MARK_LONG_I); /* Karim, Kareem, Hussein, Saeed, Sayed */
			}
			i = j;
			continue;
		}
		if (next == 'h' && strchr("sckgtdp", c)) {
			k = c == 's' || c == 'c' ? 's' : c == 'k' ? 'k' : c == 'g' ? 'g' : c == 't' ? 't'
				: c == 'd' ? 'd' : 'f';
			i++;
		} else if (c == 'q' || c == 'c' || c == 'x') {
			k = 'k';
		} else if (c == 'g') {
			k = 'j'; /* Egyptian Gamal = Jamal */
		} else if (c == 'v') {
			k = 'f';
		} else if (c == 'p') {
			k = 'b';
		} else {
			k = (unsigned char)c;
		}
		raw_add(raw, (char)k);
		consonant_seen = 1;
		i++;
	}
}

/* Arabic letters of one normalised word to a raw class string. */
static void arabic_raw(const char *w, size_t n, struct strbuf *raw)
{
	int consonant_seen = 0;
	for (size_t i = 0; i < n;) {
		utf8proc_int32_t c;
		utf8proc_ssize_t len = utf8proc_iterate((const utf8proc_uint8_t *)w + i,
							(utf8proc_ssize_t)(n - i), &c);
		int k;
		if (len <= 0)
			return;
		i += (size_t)len;
		if (c == 0x064A) { /* ya: a consonant at the start (Yusuf), else a long i */
			if (consonant_seen)
				raw_add(raw, MARK_LONG_I);
			continue;
		}
		k = arabic_class(c);
		if (k < 0 && c < 0x80)
			k = c; /* a digit */
		if (k > 0) {
			raw_add(raw, (char)k);
			consonant_seen = 1;
		} else if (i == n && consonant_seen && (c == 0x0627 || c == 0x0648)) {
			raw_add(raw, MARK_OPEN); /* final alef or waw: عليا */
		}
	}
}

static int is_consonant_class(char k)
{
	return k && k != MARK_LONG_I && k != MARK_OPEN;
}

/* Finish a raw string into out: a long i is kept ("y") only just before the
 * word's last consonant (Hussein, كريم; not Khadija, Fatima, خديجة), the
 * markers go, a final h goes (the ta marbuta of Fatimah / فاطمة, spelt or
 * not in Latin), then a y left at the end goes (Rabih = ربيع), and repeats
 * that the dropped long i separated collapse. */
static void skeleton_finish(const struct strbuf *raw, struct strbuf *out)
{
	size_t start = out->len;
	for (size_t i = 0; i < raw->len; i++) {
		char k = raw->buf[i];
		if (k == MARK_OPEN)
			continue;
		if (k == MARK_LONG_I) {
			if (i + 2 == raw->len && is_consonant_class(raw->buf[i + 1]))
				strbuf_addch(out, 'y');
			continue;
		}
		if (out->len > start && out->buf[out->len - 1] == k)
			continue;
		strbuf_addch(out, k);
	}
	if (out->len > start + 1 && out->buf[out->len - 1] == 'h')
		out->len--;
	if (out->len > start + 1 && out->buf[out->len - 1] == 'y')
		out->len--;
	out->buf[out->len] = '\0';
}

enum script { SCRIPT_LATIN, SCRIPT_ARABIC, SCRIPT_OTHER };

static enum script word_script(const char *w, size_t n)
{
	int arabic = 0;
	for (size_t i = 0; i < n;) {
		utf8proc_int32_t c;
		utf8proc_ssize_t len = utf8proc_iterate((const utf8proc_uint8_t *)w + i, (utf8proc_ssize_t)(n - i), &c);
		if (len <= 0)
			return SCRIPT_OTHER;
		if (arabic_class(c) >= 0)
			arabic = 1;
		else if (c >= 0x80)
			return SCRIPT_OTHER;
		i += (size_t)len;
	}
	return arabic ? SCRIPT_ARABIC : SCRIPT_LATIN;
}

#define AR_AL "\xd8\xa7\xd9\x84"       /* ال */
#define AR_ABD "\xd8\xb9\xd8\xa8\xd8\xaf" /* عبد */
#define AR_ABU "\xd8\xa7\xd8\xa8\xd9\x88" /* ابو (أبو after normalising) */

static int starts_with(const char *w, size_t n, const char *prefix)
{
	size_t p = strlen(prefix);
	return n >= p && !memcmp(w, prefix, p);
}

static int is_word(const char *w, size_t n, const char *word)
{
	return n == strlen(word) && !memcmp(w, word, n);
}

/* The length of a leading article of w (ال, al, el; with after_abd also
 * the ul, ol, il of Abdulaziz, Abdelkader), 0 if none or nothing follows. */
static size_t article_len(const char *w, size_t n, enum script script, int after_abd)
{
	if (script == SCRIPT_ARABIC)
		return n > 4 && starts_with(w, n, AR_AL) ? 4 : 0;
	if (n <= 2)
		return 0;
	if (starts_with(w, n, "al") || starts_with(w, n, "el"))
		return 2;
	if (after_abd && (starts_with(w, n, "ul") || starts_with(w, n, "ol") || starts_with(w, n, "il")))
		return 2;
	return 0;
}

/* The finished skeleton of w without any article handling. */
static void plain_skeleton(const char *w, size_t n, enum script script, struct strbuf *out)
{
	struct strbuf raw = STRBUF_INIT;
	strbuf_addstr(&raw, "");
	if (script == SCRIPT_ARABIC)
		arabic_raw(w, n, &raw);
	else
		latin_raw(w, n, &raw);
	skeleton_finish(&raw, out);
	strbuf_release(&raw);
}

/* One word (or the part of a compound after عبد/abd) to its skeleton: a
 * leading article is dropped when at least two consonants remain (الحسين,
 * Elhussein, Alahmad = Hussein, Ahmad; but Alaa, Ali, Elena keep theirs),
 * and always right after abd (عبدالله, Abdullah, Abdelkader). */
static void component_skeleton(const char *w, size_t n, int after_abd, struct strbuf *out)
{
	enum script script = word_script(w, n);
	size_t art;
	if (script == SCRIPT_OTHER) { /* no transliteration known: keep the word */
		strbuf_add(out, w, n);
		return;
	}
	art = article_len(w, n, script, after_abd);
	if (art) {
		size_t mark = out->len;
		plain_skeleton(w + art, n - art, script, out);
		if (after_abd || out->len >= mark + 2)
			return;
		out->len = mark;
		out->buf[mark] = '\0';
	}
	plain_skeleton(w, n, script, out);
}

static int is_article_word(const char *w, size_t n)
{
	return is_word(w, n, "al") || is_word(w, n, "el") || is_word(w, n, "ul") || is_word(w, n, AR_AL);
}

/* The skeleton of a word that joins the next one: "bd" for عبد, Abd,
 * Abdul, Abdel...; "b" for ابو, Abu, Abou, Abul.  NULL if w is no such word. */
static const char *joining_word(const char *w, size_t n)
{
	static const char *const abd[] = { AR_ABD, "abd", "abdul", "abdel", "abdal", "abdol",
					   "abdil", "abdu", "abde" };
	static const char *const abu[] = { AR_ABU, "abu", "abou", "abo", "abul" };
	for (size_t i = 0; i < sizeof(abd) / sizeof(abd[0]); i++)
		if (is_word(w, n, abd[i]))
			return "bd";
	for (size_t i = 0; i < sizeof(abu) / sizeof(abu[0]); i++)
		if (is_word(w, n, abu[i]))
			return "b";
	return NULL;
}

/* Append the collapsed skeleton of one whole word (maybe a compound) to out. */
static void append_word(struct strbuf *out, const struct strbuf *word)
{
	size_t start;
	if (!word->len)
		return;
	if (out->len)
		strbuf_addch(out, ' ');
	start = out->len;
	for (size_t i = 0; i < word->len; i++)
		if (out->len == start || out->buf[out->len - 1] != word->buf[i])
			strbuf_addch(out, word->buf[i]);
	/* a compound's final h, which its last part kept as a word of its own:
	 * عبده = Abdo (a single word's was dropped by skeleton_finish) */
	if (out->len > start + 1 && out->buf[out->len - 1] == 'h')
		out->len--;
	out->buf[out->len] = '\0';
}

char *name_skeleton(const char *s)
{
	char *norm = name_normalise(s);
	struct strbuf out = STRBUF_INIT, word = STRBUF_INIT;
	const char *p = norm;
	strbuf_addstr(&out, "");
	strbuf_addstr(&word, "");
	while (*p) {
		size_t n = strcspn(p, " ");
		const char *join;
		word.len = 0;
		word.buf[0] = '\0';
		if (!n || is_article_word(p, n)) {
			/* al-, el- as a word of their own: dropped */
		} else if ((join = joining_word(p, n)) != NULL) {
			/* عبد الرحمن, Abd al-Rahman = Abdulrahman: the compound is one word */
			const char *q = p + n;
			size_t m = 0;
			for (;;) {
				while (*q == ' ')
					q++;
				m = strcspn(q, " ");
				if (!m || !is_article_word(q, m))
					break;
				q += m;
			}
			strbuf_addstr(&word, join);
			if (m) {
				component_skeleton(q, m, join[1] == 'd', &word);
				n = (size_t)(q + m - p);
			}
		} else if (n > 3 && (starts_with(p, n, "abd") || starts_with(p, n, AR_ABD)) &&
			   word_script(p, n) != SCRIPT_OTHER) {
			/* Abdullah, عبدالله: the same compound written as one word */
			size_t prefix = p[0] == 'a' ? 3 : strlen(AR_ABD);
			strbuf_addstr(&word, "bd");
			if (n > prefix)
				component_skeleton(p + prefix, n - prefix, 1, &word);
		} else {
			component_skeleton(p, n, 0, &word);
		}
		append_word(&out, &word);
		p += n;
		while (*p == ' ')
			p++;
	}
	strbuf_release(&word);
	free(norm);
	return strbuf_detach(&out);
}
