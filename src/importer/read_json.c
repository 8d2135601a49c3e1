/*
 * importer/read_json.c: the reader for Sanad's own JSON export (format
 * "sanad-cases", version 1; the shape is described in exporter/exporter.h).
 *
 * Exports can be far larger than memory should hold, and jansson parses
 * whole documents only.  So a small scanner walks the top-level object and
 * its two arrays byte by byte, cuts out each organisation and each case
 * object (tracking strings, escapes and bracket depth, nothing more), and
 * hands that one element to jansson.  Memory is bounded by the largest
 * single case (MAX_CASE_BYTES), not by the file.
 *
 * Invariants: the scanner only decides where an element ends; jansson alone
 * decides whether the element is valid JSON.  A broken element is a
 * rejected record (row = its 1-based position in "cases"), and reading goes
 * on with the next one; a broken frame (no object, wrong format, a missing
 * bracket, end of file inside an element) stops the file.  "format" must be
 * the first key, so a file that is not an export is refused before any of
 * it reaches the sink.
 */
#include "importer/importer_internal.h"

#include <errno.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#define MAX_CASE_BYTES ((size_t)128 << 20)  /* one case object; the largest legal case is smaller */
#define MAX_SMALL_BYTES ((size_t)1 << 20)   /* a key, "format", "version", an organisation */
#define MAX_WARNED_KEYS 200                 /* distinct unknown keys reported by name */

struct json_scanner {
	FILE *in;
	const char *name;
	long line;     /* line of the next unread byte, from 1 */
	int ahead;     /* a byte read ahead and not yet consumed, or NO_BYTE */
	struct sanad_error *err;
};
#define NO_BYTE (-2)

static int peek_byte(struct json_scanner *s)
{
	if (s->ahead == NO_BYTE)
		s->ahead = getc(s->in);
	return s->ahead;
}

static int next_byte(struct json_scanner *s)
{
	int c = peek_byte(s);
	s->ahead = NO_BYTE;
	if (c == '\n')
		s->line++;
	return c;
}

/* The next byte that is not JSON white space, left unconsumed (or EOF). */
static int skip_space(struct json_scanner *s)
{
	int c;
	while ((c = peek_byte(s)) == ' ' || c == '\t' || c == '\n' || c == '\r')
		next_byte(s);
	return c;
}

static int frame_error(struct json_scanner *s, const char *what)
{
	if (ferror(s->in))
		return sanad_error_set(s->err, SANAD_EIO, "%s: read error at line %ld: %s", s->name,
				       s->line, strerror(errno));
	return sanad_error_set(s->err, SANAD_EINVAL, "%s: line %ld: %s", s->name, s->line, what);
}

static void keep(struct strbuf *out, int c)
{
	if (out)
		strbuf_addch(out, (char)c);
}

/* Consume one JSON value's bytes, appending them to out (NULL: discard).
 * Only the extent is found here; jansson judges the content.  Fails at end
 * of file inside the value, or when the value passes limit bytes. */
static int scan_value(struct json_scanner *s, struct strbuf *out, size_t limit, const char *what)
{
	size_t n = 0;
	long depth = 0;
	int in_string = 0, escaped = 0;
	int c = skip_space(s);

	if (c == EOF)
		return frame_error(s, "unexpected end of file");
	if (c == ',' || c == ':' || c == ']' || c == '}') {
		char msg[64];
		snprintf(msg, sizeof(msg), "expected a value, found '%c'", c);
		return frame_error(s, msg);
	}
	if (c != '"' && c != '{' && c != '[') {
		/* a number or a literal: runs to the next delimiter */
		while ((c = peek_byte(s)) != EOF && !strchr(",]}: \t\r\n", c)) {
			if (++n > limit)
				goto too_big;
			keep(out, next_byte(s));
		}
		return 0;
	}
	do {
		c = next_byte(s);
		if (c == EOF) {
			char msg[96];
			snprintf(msg, sizeof(msg), "end of file inside %s (a missing '%s'?)", what,
				 in_string ? "\"" : "]' or '}");
			return frame_error(s, msg);
		}
		if (++n > limit)
			goto too_big;
		keep(out, c);
		if (in_string) {
			if (escaped)
				escaped = 0;
			else if (c == '\\')
				escaped = 1;
			else if (c == '"')
				in_string = 0;
		} else if (c == '"') {
			in_string = 1;
		} else if (c == '{' || c == '[') {
			depth++;
		} else if (c == '}' || c == ']') {
			depth--;
		}
	} while (in_string || depth > 0);
	return 0;
too_big:
	return sanad_error_set(s->err, SANAD_ELIMIT, "%s: line %ld: %s is over the limit of %zu MiB",
			       s->name, s->line, what, limit >> 20);
}

/* Consume c (after white space) or fail saying what was expected. */
static int expect(struct json_scanner *s, int c, const char *what)
{
	if (skip_space(s) != c)
		return frame_error(s, what);
	next_byte(s);
	return 0;
}

/* ---- turning one case object into a record ---- */

struct key_set {
	char **keys;
	size_t count, alloc;
	int overflowed;
};

static void key_set_release(struct key_set *k)
{
	for (size_t i = 0; i < k->count; i++)
		free(k->keys[i]);
	free(k->keys);
	memset(k, 0, sizeof(*k));
}

/* 1 the first time key is offered (remembering it), 0 afterwards. */
static int key_set_first(struct key_set *k, const char *key)
{
	for (size_t i = 0; i < k->count; i++)
		if (!strcmp(k->keys[i], key))
			return 0;
	if (k->count >= MAX_WARNED_KEYS)
		return 0;
	ALLOC_GROW(k->keys, k->count + 1, k->alloc);
	k->keys[k->count++] = xstrdup(key);
	return 1;
}

/* What went wrong with one record, for import_sink_accept. */
struct json_problem {
	char column[160];
	char *value;                 /* owned; may be NULL */
	char message[1024];          /* the whole story, for a person reading one case */
	int refused;                 /* 1: field_normalise refused value ... */
	struct sanad_error refusal;  /* ... saying this (the import report names the column itself) */
};

/* Called for a key that is neither a field nor a group ("events.foo" for a
 * key inside an item).  Returns 0 to go on, non-zero to reject the case. */
typedef int (*unknown_key_fn)(const char *key, void *ctx, struct json_problem *p);

static const char *json_type_name(const json_t *v)
{
	switch (json_typeof(v)) {
	case JSON_OBJECT: return "an object";
	case JSON_ARRAY: return "a list";
	case JSON_STRING: return "text";
	case JSON_INTEGER: return "a whole number";
	case JSON_REAL: return "a number";
	case JSON_TRUE: return "true";
	case JSON_FALSE: return "false";
	case JSON_NULL: return "null";
	}
	return "a value";
}

/* The shortest decimal text that reads back as the same double. */
static void real_text(double d, struct strbuf *out)
{
	char buf[40];
	for (int prec = 1; prec <= 17; prec++) {
		snprintf(buf, sizeof(buf), "%.*g", prec, d);
		if (strtod(buf, NULL) == d)
			break;
	}
	strbuf_addstr(out, buf);
}

/* Raw text of scalar v as field input: text as it is, numbers in decimal,
 * booleans as "true"/"false".  Returns 0, or -1 for a type no field takes. */
static int scalar_text(const json_t *v, struct strbuf *out)
{
	switch (json_typeof(v)) {
	case JSON_STRING:
		strbuf_add(out, json_string_value(v), json_string_length(v));
		return 0;
	case JSON_INTEGER:
		strbuf_addf(out, "%lld", (long long)json_integer_value(v));
		return 0;
	case JSON_REAL:
		real_text(json_real_value(v), out);
		return 0;
	case JSON_TRUE:
	case JSON_FALSE:
		strbuf_addstr(out, json_is_true(v) ? "true" : "false");
		return 0;
	default:
		return -1;
	}
}

/* Set field i of rec (group g) from v.  column names it in problems
 * (hte_Type.2 for an item), where says which item ("events item 2") or is
 * NULL for a case field. */
static int set_field(struct record *rec, enum group_id g, int i, const json_t *v, const char *column,
		     const char *where, struct json_problem *p)
{
	const struct field_def *f = &domain_group(g)->fields[i];
	struct strbuf text = STRBUF_INIT;
	struct sanad_error e = { 0 };
	int bad_type = 0;

	if (json_is_null(v)) {
		free(rec->value[i]);
		rec->value[i] = NULL;
		return 0;
	}
	if (json_is_array(v)) {
		/* a multi-select is a list of codes; the canonical form joins them with ';' */
		size_t k;
		json_t *item;
		if (f->kind != FK_MULTI) {
			bad_type = 1;
		} else {
			json_array_foreach(v, k, item) {
				if (k)
					strbuf_addch(&text, ';');
				if (!json_is_string(item) || scalar_text(item, &text)) {
					snprintf(p->column, sizeof(p->column), "%s", column);
					snprintf(p->message, sizeof(p->message),
						 "%s: item %zu of the list is %s, expected a code", column,
						 k + 1, json_type_name(item));
					strbuf_release(&text);
					return SANAD_EINVAL;
				}
			}
		}
	} else if (scalar_text(v, &text)) {
		bad_type = 1;
	}
	if (bad_type) {
		snprintf(p->column, sizeof(p->column), "%s", column);
		snprintf(p->message, sizeof(p->message), "%s: expected %s, got %s", column,
			 f->kind == FK_MULTI ? "a list of codes" : "a single value", json_type_name(v));
		strbuf_release(&text);
		return SANAD_EINVAL;
	}
	if (record_set(rec, g, i, strbuf_str(&text), &e)) {
		snprintf(p->column, sizeof(p->column), "%s", column);
		p->value = strbuf_detach(&text);
		p->refused = 1;
		p->refusal = e;
		/* the domain names the field; say which item it is in */
		if (where)
			snprintf(p->message, sizeof(p->message), "%s: %.900s", where, e.message);
		else
			snprintf(p->message, sizeof(p->message), "%s", e.message);
		return e.code ? e.code : SANAD_EINVAL;
	}
	strbuf_release(&text);
	return 0;
}

static int group_by_name(const char *key)
{
	for (int g = 1; g < GROUP_COUNT; g++)
		if (!strcmp(domain_group((enum group_id)g)->name, key))
			return g;
	return -1;
}

static int item_is_empty(const struct record *rec, enum group_id g)
{
	for (int i = 0; i < domain_group(g)->nfields; i++)
		if (rec->value[i])
			return 0;
	return 1;
}

static int read_items(struct case_record *c, enum group_id g, const json_t *items,
		      unknown_key_fn unknown, void *ctx, struct json_problem *p)
{
	const struct group_def *gd = domain_group(g);
	size_t k;
	json_t *item;

	if (!json_is_array(items)) {
		snprintf(p->column, sizeof(p->column), "%s", gd->name);
		snprintf(p->message, sizeof(p->message), "%s: expected a list of objects, got %s",
			 gd->name, json_type_name(items));
		return SANAD_EINVAL;
	}
	if (json_array_size(items) > (size_t)gd->max_items) {
		snprintf(p->column, sizeof(p->column), "%s", gd->name);
		snprintf(p->message, sizeof(p->message), "%s: %zu items is over the limit of %d",
			 gd->name, json_array_size(items), gd->max_items);
		return SANAD_ELIMIT;
	}
	json_array_foreach(items, k, item) {
		struct record *rec;
		const char *key;
		json_t *v;
		if (!json_is_object(item)) {
			snprintf(p->column, sizeof(p->column), "%s", gd->name);
			snprintf(p->message, sizeof(p->message), "%s item %zu: expected an object, got %s",
				 gd->name, k + 1, json_type_name(item));
			return SANAD_EINVAL;
		}
		rec = case_record_add_item(c, g);
		json_object_foreach(item, key, v) {
			int i = domain_field_index(g, key);
			char column[160], where[64];
			int rc;
			if (i < 0) {
				snprintf(column, sizeof(column), "%s.%.100s", gd->name, key);
				if ((rc = unknown(column, ctx, p)))
					return rc;
				continue;
			}
			/* same numbering as the CSV columns: hte_Type.1 */
			snprintf(column, sizeof(column), "%s.%zu", key, k + 1);
			snprintf(where, sizeof(where), "%s item %zu", gd->name, k + 1);
			if ((rc = set_field(rec, g, i, v, column, where, p)))
				return rc;
		}
		if (item_is_empty(rec, g)) {
			/* as in the CSV reader: an item with no values is no item */
			free(rec->value);
			c->child[g].count--;
		}
	}
	return 0;
}

/* Fill c (initialised by the caller) from case object obj. */
static int case_from_json(const json_t *obj, struct case_record *c, unknown_key_fn unknown, void *ctx,
			  struct json_problem *p)
{
	const char *key;
	json_t *v;

	if (!json_is_object(obj)) {
		snprintf(p->message, sizeof(p->message), "expected a case object, got %s",
			 json_type_name(obj));
		return SANAD_EINVAL;
	}
	json_object_foreach((json_t *)obj, key, v) {
		int i = domain_field_index(GROUP_CASE, key), g, rc;
		if (i >= 0)
			rc = set_field(&c->main, GROUP_CASE, i, v, key, NULL, p);
		else if ((g = group_by_name(key)) > 0)
			rc = read_items(c, (enum group_id)g, v, unknown, ctx, p);
		else
			rc = unknown(key, ctx, p);
		if (rc)
			return rc;
	}
	return 0;
}

/* ---- import_json_case: one case object for `sanad case add --json` ---- */

static int unknown_is_error(const char *key, void *ctx, struct json_problem *p)
{
	enum group_id g;
	int i;
	(void)ctx;
	snprintf(p->column, sizeof(p->column), "%s", key);
	if (!strchr(key, '.') && !domain_field_find(key, &g, &i) && g != GROUP_CASE)
		snprintf(p->message, sizeof(p->message), "'%s' is a field of the items of \"%s\", not of the case",
			 key, domain_group(g)->name);
	else
		snprintf(p->message, sizeof(p->message), "'%s' is not a field or group of a case", key);
	return SANAD_EINVAL;
}

int import_json_case(const char *text, size_t len, struct case_record *out, struct sanad_error *err)
{
	struct json_problem p = { 0 };
	json_error_t jerr;
	json_t *obj;
	int rc;

	case_record_init(out);
	obj = json_loadb(text, len, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY, &jerr);
	if (!obj)
		return sanad_error_set(err, SANAD_EINVAL, "not valid JSON: %s (line %d, column %d)",
				       jerr.text, jerr.line, jerr.column);
	rc = case_from_json(obj, out, unknown_is_error, NULL, &p);
	json_decref(obj);
	if (rc) {
		if (p.value)
			sanad_error_set(err, rc, "%s (value '%.80s')", p.message, p.value);
		else
			sanad_error_set(err, rc, "%s", p.message);
		free(p.value);
	}
	return rc;
}

/* ---- the file reader ---- */

struct json_reader {
	struct json_scanner scan;
	struct import_sink *sink;
	struct key_set warned;
	long cases;          /* elements of "cases" seen */
	struct strbuf element;
};

static int warn_unknown(const char *key, void *ctx, struct json_problem *p)
{
	struct json_reader *r = ctx;
	(void)p;
	if (key_set_first(&r->warned, key))
		import_sink_warn(r->sink, "%s: unknown key '%s' ignored", r->scan.name, key);
	else if (r->warned.count >= MAX_WARNED_KEYS && !r->warned.overflowed) {
		r->warned.overflowed = 1;
		import_sink_warn(r->sink, "%s: more unknown keys ignored without listing them",
				 r->scan.name);
	}
	return 0;
}

/* Parse the element in r->element (which started on line `line`). */
static json_t *parse_element(struct json_reader *r, long line, char *msg, size_t msgsize)
{
	json_error_t jerr;
	json_t *v = json_loadb(r->element.buf ? r->element.buf : "", r->element.len,
			       JSON_REJECT_DUPLICATES | JSON_DECODE_ANY, &jerr);
	if (!v)
		snprintf(msg, msgsize, "not valid JSON: %s (line %ld)", jerr.text,
			 line + (jerr.line > 0 ? jerr.line - 1 : 0));
	return v;
}

static int read_case(struct json_reader *r, long line)
{
	struct json_problem p = { 0 };
	struct case_record c;
	long row = ++r->cases;
	json_t *obj;
	int rc, stop;

	obj = parse_element(r, line, p.message, sizeof(p.message));
	if (!obj)
		return import_sink_accept(r->sink, row, NULL, NULL, NULL, p.message) ? 1 : 0;
	case_record_init(&c);
	rc = case_from_json(obj, &c, warn_unknown, r, &p);
	json_decref(obj);
	if (rc) {
		case_record_release(&c);
		if (p.refused)
			stop = import_sink_reject_value(r->sink, row, p.column, p.value, &p.refusal);
		else
			stop = import_sink_accept(r->sink, row, NULL, p.column[0] ? p.column : NULL, p.value,
						  p.message);
		free(p.value);
		return stop ? 1 : 0;
	}
	return import_sink_accept(r->sink, row, &c, NULL, NULL, NULL) ? 1 : 0;
}

static int org_text(json_t *obj, const char *key, int required, char **out, long index,
		    struct sanad_error *err)
{
	json_t *v = json_object_get(obj, key);
	*out = NULL;
	if (!v || json_is_null(v)) {
		if (required)
			return sanad_error_set(err, SANAD_EINVAL, "organisation %ld: \"%s\" is missing",
					       index, key);
		return 0;
	}
	if (!json_is_string(v))
		return sanad_error_set(err, SANAD_EINVAL, "organisation %ld: \"%s\" should be text, not %s",
				       index, key, json_type_name(v));
	*out = xstrdup(json_string_value(v));
	return 0;
}

static int org_flag(json_t *obj, const char *key, int *out, long index, struct sanad_error *err)
{
	json_t *v = json_object_get(obj, key);
	*out = 0;
	if (!v || json_is_null(v))
		return 0;
	if (!json_is_boolean(v))
		return sanad_error_set(err, SANAD_EINVAL,
				       "organisation %ld: \"%s\" should be true or false, not %s", index,
				       key, json_type_name(v));
	*out = json_is_true(v);
	return 0;
}

static int read_organisation(struct json_reader *r, long index, long line)
{
	static const char *const known[] = { "code", "name", "name_ar", "org_type", "country",
					     "in_pool", "own_cases_only", NULL };
	struct sanad_error *err = r->scan.err;
	struct organisation o = { 0 };
	const char *key;
	json_t *obj, *v;
	char msg[512];
	int rc;

	obj = parse_element(r, line, msg, sizeof(msg));
	if (!obj)
		return sanad_error_set(err, SANAD_EINVAL, "%s: organisation %ld: %s", r->scan.name, index, msg);
	if (!json_is_object(obj)) {
		rc = sanad_error_set(err, SANAD_EINVAL, "%s: organisation %ld: expected an object, got %s",
				     r->scan.name, index, json_type_name(obj));
		goto out;
	}
	json_object_foreach(obj, key, v) {
		int k = 0;
		char name[160];
		while (known[k] && strcmp(known[k], key))
			k++;
		if (!known[k]) {
			snprintf(name, sizeof(name), "organisations.%.100s", key);
			warn_unknown(name, r, NULL);
		}
	}
	if ((rc = org_text(obj, "code", 1, &o.code, index, err)) ||
	    (rc = org_text(obj, "name", 1, &o.name, index, err)) ||
	    (rc = org_text(obj, "name_ar", 0, &o.name_ar, index, err)) ||
	    (rc = org_text(obj, "org_type", 0, &o.org_type, index, err)) ||
	    (rc = org_text(obj, "country", 0, &o.country, index, err)) ||
	    (rc = org_flag(obj, "in_pool", &o.in_pool, index, err)) ||
	    (rc = org_flag(obj, "own_cases_only", &o.own_cases_only, index, err))) {
		sanad_error_prefix(err, "%s: ", r->scan.name);
		goto out;
	}
	if ((rc = import_sink_org(r->sink, &o, err)))
		sanad_error_prefix(err, "%s: organisation %ld: ", r->scan.name, index);
out:
	organisation_release(&o);
	json_decref(obj);
	return rc;
}

/* Read the array that follows a key; each element goes to the organisation
 * or the case handler.  Returns 0, an error, or 1 when the sink said stop. */
static int read_array(struct json_reader *r, int cases)
{
	struct json_scanner *s = &r->scan;
	long index = 0;
	int rc, c;

	if ((rc = expect(s, '[', cases ? "\"cases\" should be a list of case objects"
				       : "\"organisations\" should be a list of objects")))
		return rc;
	if (skip_space(s) == ']') {
		next_byte(s);
		return 0;
	}
	for (;;) {
		long line;
		skip_space(s);
		line = s->line;
		strbuf_reset(&r->element);
		if ((rc = scan_value(s, &r->element, cases ? MAX_CASE_BYTES : MAX_SMALL_BYTES,
				     cases ? "a case" : "an organisation")))
			return rc;
		index++;
		rc = cases ? read_case(r, line) : read_organisation(r, index, line);
		if (rc)
			return rc;
		c = skip_space(s);
		next_byte(s);
		if (c == ']')
			return 0;
		if (c == EOF)
			return frame_error(s, cases ? "unexpected end of file: the list of cases has no ']'"
						    : "unexpected end of file: the list of organisations has no ']'");
		if (c != ',')
			return frame_error(s, cases ? "expected ',' or ']' after a case"
						    : "expected ',' or ']' after an organisation");
	}
}

/* Read a small value (a key, "format", "version") and parse it. */
static json_t *read_small(struct json_reader *r, const char *what, int *rc)
{
	json_error_t jerr;
	json_t *v;
	strbuf_reset(&r->element);
	if ((*rc = scan_value(&r->scan, &r->element, MAX_SMALL_BYTES, what)))
		return NULL;
	v = json_loadb(r->element.buf ? r->element.buf : "", r->element.len, JSON_DECODE_ANY, &jerr);
	if (!v) {
		char msg[300];
		snprintf(msg, sizeof(msg), "%s is not valid JSON: %s", what, jerr.text);
		*rc = frame_error(&r->scan, msg);
	}
	return v;
}

static int read_document(struct json_reader *r)
{
	struct json_scanner *s = &r->scan;
	int rc, seen_cases = 0, seen_orgs = 0;
	long members = 0;

	if (peek_byte(s) == 0xEF) {
		/* a UTF-8 byte-order mark, as some editors write; nothing else
		 * valid starts with this byte */
		next_byte(s);
		if (next_byte(s) != 0xBB || next_byte(s) != 0xBF)
			return sanad_error_set(s->err, SANAD_EINVAL, "%s: not a Sanad JSON export", s->name);
	}
	if (skip_space(s) != '{')
		return sanad_error_set(s->err, SANAD_EINVAL,
				       "%s: not a Sanad JSON export (it should start with "
				       "{\"format\":\"sanad-cases\")", s->name);
	next_byte(s);
	if (skip_space(s) == '}')
		return sanad_error_set(s->err, SANAD_EINVAL,
				       "%s: not a Sanad JSON export (an empty object)", s->name);
	for (;;) {
		json_t *keyv, *v;
		const char *key;
		int c;

		keyv = read_small(r, "a key", &rc);
		if (!keyv)
			return rc;
		if (!json_is_string(keyv)) {
			json_decref(keyv);
			return frame_error(s, "expected a key in quotes");
		}
		key = json_string_value(keyv);
		if ((rc = expect(s, ':', "expected ':' after a key"))) {
			json_decref(keyv);
			return rc;
		}
		if (members++ == 0 && strcmp(key, "format")) {
			json_decref(keyv);
			return sanad_error_set(s->err, SANAD_EINVAL,
					       "%s: not a Sanad JSON export (the first key should be "
					       "\"format\", with the value \"sanad-cases\")", s->name);
		}
		if (!strcmp(key, "format") || !strcmp(key, "version")) {
			int is_format = key[0] == 'f';
			json_decref(keyv);
			if (!(v = read_small(r, is_format ? "\"format\"" : "\"version\"", &rc)))
				return rc;
			if (is_format && (!json_is_string(v) || strcmp(json_string_value(v), "sanad-cases")))
				rc = sanad_error_set(s->err, SANAD_EINVAL,
						     "%s: not a Sanad JSON export (\"format\" should be \"sanad-cases\")",
						     s->name);
			else if (!is_format && (!json_is_integer(v) || json_integer_value(v) != 1))
				rc = sanad_error_set(s->err, SANAD_EINVAL,
						     "%s: \"version\" should be 1; this sanad reads version 1 "
						     "exports only", s->name);
			json_decref(v);
			if (rc)
				return rc;
		} else if (!strcmp(key, "organisations") || !strcmp(key, "cases")) {
			int cases = key[0] == 'c';
			json_decref(keyv);
			if (cases ? seen_cases++ : seen_orgs++)
				return frame_error(s, cases ? "\"cases\" appears twice"
							    : "\"organisations\" appears twice");
			if ((rc = read_array(r, cases)))
				return rc > 0 ? 0 : rc; /* the sink asked to stop */
		} else {
			import_sink_warn(r->sink, "%s: unknown key '%.100s' ignored", s->name, key);
			json_decref(keyv);
			if ((rc = scan_value(s, NULL, (size_t)-1, "a value")))
				return rc;
		}
		c = skip_space(s);
		next_byte(s);
		if (c == '}')
			break;
		if (c == EOF)
			return frame_error(s, "unexpected end of file: the export has no closing '}'");
		if (c != ',')
			return frame_error(s, "expected ',' or '}' between the keys of the export");
	}
	if (skip_space(s) != EOF)
		return frame_error(s, "text after the end of the export");
	if (ferror(s->in))
		return frame_error(s, "read error");
	return 0;
}

int import_read_json(FILE *in, const char *name, struct import_sink *sink, struct sanad_error *err)
{
	struct json_reader r = { { in, name ? name : "input", 1, NO_BYTE, err }, sink,
				 { NULL, 0, 0, 0 }, 0, STRBUF_INIT };
	int rc;

	import_sink_terms(sink, "case", "field");
	rc = read_document(&r);
	key_set_release(&r.warned);
	strbuf_release(&r.element);
	return rc;
}
