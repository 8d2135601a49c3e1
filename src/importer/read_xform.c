/*
 * importer/read_xform.c: XForm submission instances — what ODK Collect,
 * KoboToolbox and Enketo send when someone fills in the HTCDS XForm
 * (shared/reference/htcds/htcds-xform.xml).
 *
 * A file holds one submission or several:
 *   - one: the root element is the instance, <data id="htcds_xlsform">
 *     ...</data> (a root with an id attribute, or one whose first child
 *     is a field rather than another instance);
 *   - several: any wrapper element whose children are instances, e.g.
 *     <submissions><data id="htcds_xlsform">...</data>...</submissions>
 *     (a child with an id attribute, or named data, starts wrapper mode).
 * Inside an instance every element without child elements is an answer,
 * found by its local name (prs_First_Name and prs_FirstName alike, any
 * namespace prefix dropped); group elements are walked through.  Multi-
 * select answers are space-separated codes; picklist questions the form
 * asks as free text may hold a label instead (see free_text_answer).  Fields of repeating groups
 * (hte_Type, ...) make one item per enclosing repeat element, or a new item
 * whenever a field comes round again.  start, end, __version__ and the
 * meta block are form machinery and are not imported, except
 * meta/instanceID: it becomes the case reference (snd_CaseRef) unless the
 * instance carries one, so importing the same submission twice is refused
 * as a duplicate instead of creating the case again.
 *
 * Safety: the file is parsed as a stream by libxml2's xmlTextReader with
 * the network off and no entity substitution or DTD loading; any
 * <!DOCTYPE or <!ENTITY is refused before libxml2 sees it (a submission
 * never has one, and that closes the door on entity expansion and
 * external entities).  Depth, element count, name length and text size
 * are limited.
 */
#include "importer/importer_internal.h"

#include <libxml/xmlreader.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_DEPTH 32
#define MAX_ELEMENTS 10000 /* answers in one submission */
#define MAX_NAME 128

enum mode { MODE_UNDECIDED, MODE_SINGLE, MODE_WRAPPER };

struct xform_reader {
	FILE *in;
	const char *name;
	struct import_sink *sink;

	/* input scanning for declarations */
	char carry[8];
	size_t ncarry;
	int declaration;
	int read_error;

	/* the first libxml2 error */
	char xml_error[256];
	int xml_error_line;

	enum mode mode;
	int in_submission;
	int sub_depth;           /* depth of the instance element */
	long submissions;
	struct case_record rec;
	long elements;
	long answers;            /* answers kept */
	struct strbuf note;      /* free text of picklist answers, for the details */
	int note_field;
	char *instance_id;

	/* the first problem of the current submission */
	int bad;
	char bad_column[MAX_NAME];
	char *bad_value;
	char bad_msg[300];

	/* the open elements: names, whether they have child elements, ids */
	char names[MAX_DEPTH + 1][MAX_NAME];
	int had_child[MAX_DEPTH + 1];
	long elem_id[MAX_DEPTH + 1];
	long next_elem_id;
	struct strbuf text;
	int text_over;

	/* repeating groups: the item being filled and its enclosing element */
	long item_container[GROUP_COUNT];
	int item_open[GROUP_COUNT];

	/* unknown element names, for one warning per file */
	char *unknown[20];
	int nunknown;
};

static int io_read(void *ctx, char *buf, int len)
{
	struct xform_reader *r = ctx;
	size_t n = fread(buf, 1, (size_t)len, r->in);
	char joined[32];
	size_t head;

	if (n == 0 && ferror(r->in)) {
		r->read_error = 1;
		return -1;
	}
	/* "<!DOCTYPE" and "<!ENTITY", also when split between two reads */
	head = n < 16 ? n : 16;
	memcpy(joined, r->carry, r->ncarry);
	memcpy(joined + r->ncarry, buf, head);
	for (size_t pass = 0; pass < 2; pass++) {
		const char *p = pass ? buf : joined;
		size_t plen = pass ? n : r->ncarry + head;
		const char *end = p + plen, *q = p;
		while ((q = memchr(q, '<', (size_t)(end - q))) != NULL) {
			if ((size_t)(end - q) >= 3 && q[1] == '!' && (q[2] == 'D' || q[2] == 'E')) {
				r->declaration = 1;
				return -1;
			}
			q++;
		}
	}
	{
		/* keep the last bytes seen for the next read */
		size_t take = n < sizeof(r->carry) ? n : sizeof(r->carry), t = r->ncarry + take;
		memcpy(joined, r->carry, r->ncarry);
		memcpy(joined + r->ncarry, buf + n - take, take);
		r->ncarry = t < sizeof(r->carry) ? t : sizeof(r->carry);
		memcpy(r->carry, joined + t - r->ncarry, r->ncarry);
	}
	return (int)n;
}

static int io_close(void *ctx)
{
	(void)ctx;
	return 0;
}

static void on_xml_error(void *ctx, xmlErrorPtr e)
{
	struct xform_reader *r = ctx;
	if (r->xml_error[0] || !e)
		return;
	snprintf(r->xml_error, sizeof(r->xml_error), "%s", e->message ? e->message : "not well-formed");
	r->xml_error[strcspn(r->xml_error, "\n")] = '\0';
	r->xml_error_line = e->line;
}

static void problem(struct xform_reader *r, const char *column, const char *value, const char *msg)
{
	if (r->bad)
		return;
	r->bad = 1;
	snprintf(r->bad_column, sizeof(r->bad_column), "%s", column ? column : "");
	free(r->bad_value);
	r->bad_value = value ? xstrndup(value, strnlen(value, 200)) : NULL;
	snprintf(r->bad_msg, sizeof(r->bad_msg), "%s", msg);
}

static void keep_note(struct xform_reader *r);

static void begin_submission(struct xform_reader *r, int depth)
{
	r->in_submission = 1;
	r->sub_depth = depth;
	r->submissions++;
	case_record_init(&r->rec);
	r->elements = r->answers = 0;
	r->bad = 0;
	strbuf_reset(&r->note);
	r->note_field = -1;
	free(r->instance_id);
	r->instance_id = NULL;
	for (int g = 0; g < GROUP_COUNT; g++)
		r->item_open[g] = 0;
}

static int end_submission(struct xform_reader *r)
{
	int stop;
	r->in_submission = 0;
	if (!r->bad && r->instance_id && !case_get(&r->rec, "snd_CaseRef")) {
		struct sanad_error e;
		if (case_set(&r->rec, "snd_CaseRef", r->instance_id, &e))
			problem(r, "instanceID", r->instance_id, e.message);
	}
	if (!r->bad && !r->answers)
		problem(r, NULL, NULL, "the submission holds no HTCDS answer");
	if (!r->bad)
		keep_note(r);
	if (r->bad) {
		case_record_release(&r->rec);
		return import_sink_accept(r->sink, r->submissions, NULL, r->bad_column[0] ? r->bad_column : NULL,
					  r->bad_value, r->bad_msg);
	}
	stop = import_sink_accept(r->sink, r->submissions, &r->rec, NULL, NULL, NULL);
	return stop;
}

static int is_machinery(const char *name)
{
	static const char *const names[] = { "start", "end", "today", "deviceid", "subscriberid",
					     "simserial", "phonenumber", "username", "audit",
					     "__version__", "instanceName", "deprecatedID" };
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcmp(name, names[i]))
			return 1;
	return 0;
}

static void note_unknown(struct xform_reader *r, const char *name)
{
	for (int i = 0; i < r->nunknown && i < 20; i++)
		if (!strcmp(r->unknown[i], name))
			return;
	if (r->nunknown < 20)
		r->unknown[r->nunknown] = xstrdup(name);
	r->nunknown++;
}

/* The HTCDS XForm asks some picklist fields as free text (prs_MailingCountry,
 * cas_ReasonForIncomingReferral are <input>s), so people type names, not
 * codes.  An answer that is no code or alias is matched against the
 * English and Arabic labels ("Jordan", "الأردن" -> JO); a referral reason
 * that matches nothing becomes Other, and its text is kept in the referral
 * details, so the answer is not lost.  Returns 0 when the answer was
 * placed, -1 when it remains a problem. */
static const struct {
	const char *field, *details;
} free_text_fields[] = {
	{ "cas_ReasonForIncomingReferral", "cas_IncomingReferralDetails" },
};

static int free_text_answer(struct xform_reader *r, struct record *rec, enum group_id g, int idx,
			    const char *text)
{
	const struct field_def *f = &domain_group(g)->fields[idx];
	const struct vocab_list *l = f->kind == FK_PICK ? vocab_list_find(f->list) : NULL;
	char *t;
	struct sanad_error e;
	int rc = -1;

	if (!l)
		return -1;
	t = trim_ascii(xstrdup(text));
	for (int i = 0; i < l->count && rc; i++)
		if (!ascii_strcasecmp(l->entries[i].label[VOCAB_EN], t) || !strcmp(l->entries[i].label[VOCAB_AR], t))
			rc = record_set(rec, g, idx, l->entries[i].code, &e) ? -1 : 0;
	for (size_t k = 0; rc && g == GROUP_CASE && k < sizeof(free_text_fields) / sizeof(free_text_fields[0]); k++)
		if (!strcmp(f->name, free_text_fields[k].field) && vocab_lookup(l, "Other") &&
		    !record_set(rec, g, idx, "Other", &e)) {
			strbuf_addf(&r->note, "%s%s: %s", r->note.len ? "\n" : "", f->name, t);
			r->note_field = domain_field_index(GROUP_CASE, free_text_fields[k].details);
			rc = 0;
		}
	free(t);
	return rc;
}

/* At the end of a submission: the free text kept from picklist answers
 * goes after the details the submission gave itself. */
static void keep_note(struct xform_reader *r)
{
	struct strbuf all = STRBUF_INIT;
	const char *had;
	struct sanad_error e;

	if (!r->note.len || r->note_field < 0)
		return;
	had = r->rec.main.value[r->note_field];
	if (had)
		strbuf_addf(&all, "%s\n", had);
	strbuf_addstr(&all, r->note.buf);
	if (record_set(&r->rec.main, GROUP_CASE, r->note_field, all.buf, &e))
		problem(r, domain_group(GROUP_CASE)->fields[r->note_field].name, all.buf, e.message);
	strbuf_release(&all);
}

/* An element without child elements ended: it is an answer. */
static void answer(struct xform_reader *r, int depth, const char *text)
{
	const char *name = r->names[depth];
	int in_meta = 0;
	enum group_id g;
	int idx;
	struct record *rec;
	struct sanad_error e;

	for (int d = r->sub_depth + 1; d < depth; d++)
		if (!strcmp(r->names[d], "meta"))
			in_meta = 1;
	if (in_meta || !strcmp(name, "instanceID")) {
		if (!strcmp(name, "instanceID") && text[0]) {
			free(r->instance_id);
			r->instance_id = xstrdup(text);
		}
		return;
	}
	if (is_machinery(name))
		return;
	if (++r->elements > MAX_ELEMENTS) {
		char msg[80];
		snprintf(msg, sizeof(msg), "more than %d answers in one submission", MAX_ELEMENTS);
		problem(r, NULL, NULL, msg);
		return;
	}
	if (domain_field_find(name, &g, &idx) != 0) {
		note_unknown(r, name);
		return;
	}
	if (r->text_over) {
		problem(r, name, text, "text over 1 MiB");
		return;
	}
	{
		/* an empty answer is no answer: it must not open an item */
		size_t n = strspn(text, " \t\r\n");
		if (!text[n])
			return;
	}
	if (g == GROUP_CASE) {
		rec = &r->rec.main;
		if (rec->value[idx]) {
			problem(r, name, text, "answered twice in one submission");
			return;
		}
	} else {
		long container = r->elem_id[depth - 1];
		struct record_list *l = &r->rec.child[g];
		if (!r->item_open[g] || r->item_container[g] != container || l->items[l->count - 1].value[idx]) {
			if ((int)l->count >= domain_group(g)->max_items) {
				char msg[80];
				snprintf(msg, sizeof(msg), "more than %d %s", domain_group(g)->max_items,
					 domain_group(g)->name);
				problem(r, name, NULL, msg);
				return;
			}
			case_record_add_item(&r->rec, g);
			r->item_open[g] = 1;
			r->item_container[g] = container;
		}
		rec = &l->items[l->count - 1];
	}
	r->answers++;
	if (record_set(rec, g, idx, text, &e) && free_text_answer(r, rec, g, idx, text) != 0) {
		const char *colon = strstr(e.message, ": ");
		problem(r, name, text, colon && !strncmp(e.message, domain_group(g)->fields[idx].name,
							  (size_t)(colon - e.message))
					       ? colon + 2 : e.message);
	}
}

static int on_node(struct xform_reader *r, xmlTextReaderPtr xr)
{
	int type = xmlTextReaderNodeType(xr);
	int depth = xmlTextReaderDepth(xr);

	if (depth > MAX_DEPTH) {
		if (r->in_submission)
			problem(r, NULL, NULL, "elements nested more than 32 deep");
		return 0;
	}
	if (type == XML_READER_TYPE_ELEMENT) {
		const char *name = (const char *)xmlTextReaderConstLocalName(xr);
		int empty = xmlTextReaderIsEmptyElement(xr);
		xmlChar *id = xmlTextReaderHasAttributes(xr) == 1 ? xmlTextReaderGetAttribute(xr, BAD_CAST "id") : NULL;
		int has_id = id != NULL;
		xmlFree(id);
		if (!name)
			name = "";
		if (depth == 0) {
			r->mode = has_id ? MODE_SINGLE : MODE_UNDECIDED;
			if (r->mode == MODE_SINGLE)
				begin_submission(r, 0);
			snprintf(r->names[0], MAX_NAME, "%s", name);
			r->elem_id[0] = ++r->next_elem_id;
			if (empty && r->in_submission)
				return end_submission(r);
			return 0;
		}
		if (depth == 1 && r->mode == MODE_UNDECIDED) {
			if (has_id || !strcmp(name, "data")) {
				r->mode = MODE_WRAPPER;
			} else {
				r->mode = MODE_SINGLE;
				begin_submission(r, 0);
			}
		}
		if (depth == 1 && r->mode == MODE_WRAPPER) {
			begin_submission(r, 1);
			snprintf(r->names[1], MAX_NAME, "%s", name);
			r->elem_id[1] = ++r->next_elem_id;
			if (empty)
				return end_submission(r);
			return 0;
		}
		if (!r->in_submission)
			return 0;
		if (strlen(name) >= MAX_NAME) {
			problem(r, NULL, NULL, "an element name is over 127 characters");
			return 0;
		}
		r->had_child[depth - 1] = 1;
		r->had_child[depth] = 0;
		snprintf(r->names[depth], MAX_NAME, "%s", name);
		r->elem_id[depth] = ++r->next_elem_id;
		strbuf_reset(&r->text);
		r->text_over = 0;
		if (empty)
			answer(r, depth, "");
		return 0;
	}
	if (!r->in_submission)
		return 0;
	if (type == XML_READER_TYPE_TEXT || type == XML_READER_TYPE_CDATA ||
	    type == XML_READER_TYPE_SIGNIFICANT_WHITESPACE || type == XML_READER_TYPE_WHITESPACE) {
		const char *v = (const char *)xmlTextReaderConstValue(xr);
		size_t n = v ? strlen(v) : 0;
		if (r->text.len + n > IMPORT_MAX_CELL)
			r->text_over = 1;
		else if (n)
			strbuf_add(&r->text, v, n);
		return 0;
	}
	if (type == XML_READER_TYPE_END_ELEMENT) {
		if (depth == r->sub_depth)
			return end_submission(r);
		if (depth > r->sub_depth && !r->had_child[depth])
			answer(r, depth, strbuf_str(&r->text));
		strbuf_reset(&r->text);
		return 0;
	}
	return 0;
}

int import_read_xform(FILE *in, const char *name, struct import_sink *sink, struct sanad_error *err)
{
	struct xform_reader r = { .in = in, .name = name, .sink = sink, .text = STRBUF_INIT, .note = STRBUF_INIT };
	xmlTextReaderPtr xr;
	int ret, rc = 0, stop = 0;

	import_sink_terms(sink, "submission", "element");
	LIBXML_TEST_VERSION
	xr = xmlReaderForIO(io_read, io_close, &r, NULL, NULL,
			    XML_PARSE_NONET | XML_PARSE_NOCDATA | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	if (!xr)
		return sanad_error_set(err, SANAD_EIO, "%s: cannot start the XML parser", name);
	xmlTextReaderSetStructuredErrorHandler(xr, on_xml_error, &r);
	while (!stop && (ret = xmlTextReaderRead(xr)) == 1)
		stop = on_node(&r, xr);
	if (!stop && ret != 0) {
		char msg[400];
		if (r.declaration)
			snprintf(msg, sizeof(msg), "a DOCTYPE or ENTITY declaration is not allowed in a submission");
		else if (r.read_error)
			snprintf(msg, sizeof(msg), "read error");
		else
			snprintf(msg, sizeof(msg), "not well-formed XML at line %d: %s", r.xml_error_line,
				 r.xml_error[0] ? r.xml_error : "parse error");
		if (r.in_submission) {
			case_record_release(&r.rec);
			r.in_submission = 0;
			import_sink_accept(sink, r.submissions, NULL, NULL, NULL, msg);
			if (!r.read_error && !r.declaration)
				import_sink_warn(sink, "the rest of the file after submission %ld was not read",
						 r.submissions);
			else
				rc = sanad_error_set(err, SANAD_EINVAL, "%s: %s", name, msg);
		} else {
			rc = sanad_error_set(err, r.read_error ? SANAD_EIO : SANAD_EINVAL, "%s: %s", name, msg);
		}
	}
	if (r.in_submission)
		case_record_release(&r.rec);
	if (!rc && r.nunknown) {
		struct strbuf list = STRBUF_INIT;
		for (int i = 0; i < r.nunknown && i < 20; i++)
			strbuf_addf(&list, "%s%s", i ? ", " : "", r.unknown[i]);
		import_sink_warn(sink, "%d unknown element%s ignored: %s%s", r.nunknown,
				 r.nunknown == 1 ? "" : "s", list.buf, r.nunknown > 20 ? ", ..." : "");
		strbuf_release(&list);
	}
	for (int i = 0; i < r.nunknown && i < 20; i++)
		free(r.unknown[i]);
	free(r.instance_id);
	free(r.bad_value);
	strbuf_release(&r.text);
	strbuf_release(&r.note);
	xmlFreeTextReader(xr);
	return rc;
}
