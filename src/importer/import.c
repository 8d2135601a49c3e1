/*
 * importer/import.c: the import pipeline — opening the files, the one
 * transaction around them, and the sink every format reader hands its
 * records to.
 *
 * Design note.  A reader turns its format into struct case_record values
 * (canonical text, via field_normalise or vocabulary lookups) and calls
 * import_sink_accept once per record, or with rec = NULL and the column,
 * value and reason when it could not build the record.  The sink owns
 * everything after that: the owning organisation (the record's, else the
 * default one), derivation, the rules across fields, the insert, and the
 * report.  Invariants:
 *   - Everything, across all files of one command, happens inside one
 *     storage transaction, begun only after every file has been opened.
 *     Without skip_invalid a single rejected record, a file-level error or a
 *     database error rolls it back: the database is exactly as before.
 *     With skip_invalid only rejected records are left out; file-level and
 *     database errors still roll everything back.
 *   - Once a record has been rejected without skip_invalid, nothing more is
 *     inserted (it would be rolled back anyway) but every record is still
 *     read and checked, so one run reports all the problems.
 *   - Every byte that came from a file is made printable before it reaches
 *     the terminal or the rejects file: control characters, broken UTF-8
 *     and bidirectional overrides are escaped, long values cut short.
 *   - Readers stream and the sink keeps nothing per record, so memory does
 *     not grow with the file (the organisation table grows with the number
 *     of distinct organisations named, which is capped).
 */
#include "importer/importer_internal.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* Organisations a file may create on the fly: a typo repeated over many
 * rows is one organisation, but a million distinct codes is an attack. */
#define MAX_NEW_ORGS 100

struct org_slot {
	char *code;
	char *name;  /* name to give it if it has to be created, or NULL */
	int exists;  /* known to exist in the database */
};

struct import_sink {
	struct storage *st;
	const struct import_options *opt;
	struct import_result *res;
	const char *file;
	const char *record_word, *column_word;
	long max_reported;

	char *default_org;
	int org_count;            /* organisations in the database at the start */
	int org_field;            /* index of snd_Organisation */

	long reported;            /* problems printed */
	long inserted;
	int new_orgs;

	/* a database or file error that ends the import */
	int stop;
	int fatal_rc;
	struct sanad_error fatal;

	char *const *raw;
	int nraw;
	const char *(*namer)(void *ctx, const char *field);
	void *namer_ctx;

	struct org_slot *orgs;    /* open addressing over codes */
	size_t norgs, org_slots;

	struct strbuf line;       /* scratch for one report line */
};

int import_format_parse(const char *name)
{
	static const struct { const char *name; enum import_format f; } formats[] = {
		{ "htcds-csv", IMPORT_HTCDS_CSV }, { "ctdc", IMPORT_CTDC },
		{ "xform", IMPORT_XFORM }, { "json", IMPORT_JSON },
	};
	for (size_t i = 0; name && i < sizeof(formats) / sizeof(formats[0]); i++)
		if (!strcmp(name, formats[i].name))
			return (int)formats[i].f;
	return -1;
}

/* ---- making outside bytes safe to show ---- */

static int is_bidi_control(uint32_t cp)
{
	return cp == 0x200E || cp == 0x200F || (cp >= 0x202A && cp <= 0x202E) ||
	       (cp >= 0x2066 && cp <= 0x2069) || cp == 0x061C;
}

/* Append s to out with control characters, C1 controls, bidirectional
 * overrides and bytes that are not UTF-8 escaped (\n, \x1b, \u{202E}); at
 * most max code points (0: no limit), then "...". */
static void add_printable(struct strbuf *out, const char *s, size_t max)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = strlen(s), shown = 0;

	for (size_t i = 0; i < n;) {
		unsigned char c = p[i];
		size_t len = c < 0x80 ? 1 : c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2;

		if (max && shown >= max) {
			strbuf_addstr(out, "...");
			return;
		}
		shown++;
		if (c < 0x80) {
			if (c == '\n')
				strbuf_addstr(out, "\\n");
			else if (c == '\r')
				strbuf_addstr(out, "\\r");
			else if (c == '\t')
				strbuf_addstr(out, "\\t");
			else if (c < 0x20 || c == 0x7f)
				strbuf_addf(out, "\\x%02x", c);
			else
				strbuf_addch(out, (char)c);
			i++;
			continue;
		}
		if (i + len > n || !utf8_valid(s + i, len, NULL)) {
			strbuf_addf(out, "\\x%02x", c);
			i++;
			continue;
		}
		{
			uint32_t cp = c & (len == 2 ? 0x1F : len == 3 ? 0x0F : 0x07);
			for (size_t k = 1; k < len; k++)
				cp = (cp << 6) | (p[i + k] & 0x3F);
			if ((cp >= 0x80 && cp < 0xA0) || is_bidi_control(cp))
				strbuf_addf(out, "\\u{%04X}", (unsigned)cp);
			else
				strbuf_add(out, s + i, len);
		}
		i += len;
	}
}

/* ---- organisations ---- */

static uint32_t hash_str(const char *s)
{
	uint32_t h = 2166136261u;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

static struct org_slot *org_slot(struct import_sink *s, const char *code, int create)
{
	if (create && (s->norgs + 1) * 2 > s->org_slots) {
		struct org_slot *old = s->orgs;
		size_t old_n = s->org_slots;
		s->org_slots = old_n ? old_n * 2 : 16;
		s->orgs = xcalloc(s->org_slots, sizeof(*s->orgs));
		for (size_t i = 0; i < old_n; i++)
			if (old[i].code) {
				size_t k = hash_str(old[i].code) & (s->org_slots - 1);
				while (s->orgs[k].code)
					k = (k + 1) & (s->org_slots - 1);
				s->orgs[k] = old[i];
			}
		free(old);
	}
	if (!s->org_slots)
		return NULL;
	for (size_t k = hash_str(code) & (s->org_slots - 1);; k = (k + 1) & (s->org_slots - 1)) {
		if (!s->orgs[k].code) {
			if (!create)
				return NULL;
			s->orgs[k].code = xstrdup(code);
			s->norgs++;
			return &s->orgs[k];
		}
		if (!strcmp(s->orgs[k].code, code))
			return &s->orgs[k];
	}
}

void import_sink_org_name(struct import_sink *sink, const char *code, const char *name)
{
	struct org_slot *o;
	if (!code || !*code || !name || !*name || sink->norgs >= 4 * MAX_NEW_ORGS)
		return;
	o = org_slot(sink, code, 1);
	if (!o->name && !o->exists)
		o->name = xstrdup(name);
}

int import_sink_org(struct import_sink *sink, const struct organisation *o, struct sanad_error *err)
{
	struct organisation existing, copy;
	struct org_slot *slot;
	int rc;

	if (!sink->st)
		return 0;
	slot = org_slot(sink, o->code ? o->code : "", 0);
	if (slot && slot->exists)
		return 0;
	rc = storage_org_get(sink->st, o->code ? o->code : "", &existing, err);
	if (rc == 0) {
		organisation_release(&existing);
	} else if (rc == SANAD_ENOTFOUND) {
		copy = *o;
		if ((rc = storage_org_add(sink->st, &copy, err)))
			return rc;
	} else {
		return rc;
	}
	org_slot(sink, o->code, 1)->exists = 1;
	return 0;
}

const char *import_sink_default_org(const struct import_sink *sink)
{
	return sink->default_org;
}

/* Make sure the organisation a record names exists, creating it (with a
 * warning) when it does not.  Returns 0, SANAD_EINVAL with err naming
 * the problem (the record is rejected), or a database error. */
static int ensure_org(struct import_sink *s, const char *code, struct sanad_error *err)
{
	struct org_slot *slot;
	struct organisation o = { 0 };
	int rc;

	if (s->default_org && !strcmp(code, s->default_org))
		return 0;
	slot = org_slot(s, code, 0);
	if (slot && slot->exists)
		return 0;
	rc = storage_org_get(s->st, code, &o, err);
	if (rc == 0) {
		organisation_release(&o);
		org_slot(s, code, 1)->exists = 1;
		return 0;
	}
	if (rc != SANAD_ENOTFOUND)
		return rc;
	if (s->new_orgs >= MAX_NEW_ORGS)
		return sanad_error_set(err, SANAD_EINVAL,
				       "organisation '%.64s' does not exist, and one import creates at most %d; add organisations with 'sanad org add'",
				       code, MAX_NEW_ORGS);
	o.code = (char *)code;
	o.name = slot && slot->name ? slot->name : (char *)code;
	if ((rc = storage_org_add(s->st, &o, err)))
		return rc == SANAD_EDB ? rc : SANAD_EINVAL;
	s->new_orgs++;
	import_sink_warn(s, "organisation '%s' did not exist and was created, named '%s'", code, o.name);
	org_slot(s, code, 1)->exists = 1;
	return 0;
}

/* ---- the report ---- */

void import_sink_raw(struct import_sink *sink, char *const *cells, int n)
{
	sink->raw = n ? cells : NULL;
	sink->nraw = n;
}

void import_sink_column_namer(struct import_sink *sink, const char *(*name)(void *ctx, const char *field),
			      void *ctx)
{
	sink->namer = name;
	sink->namer_ctx = ctx;
}

void import_sink_terms(struct import_sink *sink, const char *record_word, const char *column_word)
{
	sink->record_word = record_word;
	sink->column_word = column_word;
}

void import_sink_warn(struct import_sink *sink, const char *fmt, ...)
{
	struct strbuf msg = STRBUF_INIT;
	va_list ap;
	int n;

	sink->res->warnings++;
	if (sink->opt->quiet || !sink->opt->report)
		return;
	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n >= 0) {
		char *raw = xmalloc((size_t)n + 1);
		va_start(ap, fmt);
		vsnprintf(raw, (size_t)n + 1, fmt, ap);
		va_end(ap);
		add_printable(&msg, sink->file, 200);
		strbuf_addstr(&msg, ": warning: ");
		add_printable(&msg, raw, 2000);
		strbuf_addch(&msg, '\n');
		fputs(msg.buf, sink->opt->report);
		free(raw);
	}
	strbuf_release(&msg);
}

static void write_reject(struct import_sink *s, long row, const char *column, const char *value,
			 const char *reason)
{
	struct strbuf *l = &s->line, tmp = STRBUF_INIT;

	strbuf_reset(l);
	add_printable(&tmp, s->file, 0);
	csv_cell(l, tmp.buf, 1);
	strbuf_addf(l, ",%ld,", row);
	strbuf_reset(&tmp);
	add_printable(&tmp, column ? column : "", 200);
	csv_cell(l, strbuf_str(&tmp), 1);
	strbuf_addch(l, ',');
	strbuf_reset(&tmp);
	add_printable(&tmp, value ? value : "", 200);
	csv_cell(l, strbuf_str(&tmp), 1);
	strbuf_addch(l, ',');
	strbuf_reset(&tmp);
	add_printable(&tmp, reason, 1000);
	csv_cell(l, strbuf_str(&tmp), 1);
	strbuf_addch(l, ',');
	if (s->nraw) {
		/* the record as a CSV line of its own, in one cell */
		struct strbuf rec = STRBUF_INIT;
		for (int i = 0; i < s->nraw; i++) {
			strbuf_reset(&tmp);
			add_printable(&tmp, s->raw[i], 0);
			if (i)
				strbuf_addch(&rec, ',');
			csv_cell(&rec, strbuf_str(&tmp), 0);
		}
		csv_cell(l, strbuf_str(&rec), 1);
		strbuf_release(&rec);
	}
	strbuf_addch(l, '\n');
	fwrite(l->buf, 1, l->len, s->opt->rejects);
	strbuf_release(&tmp);
}

/* Count and report one rejected record. */
static void reject(struct import_sink *s, long row, const char *column, const char *value,
		   const char *reason)
{
	struct strbuf *l = &s->line;

	s->res->rejected++;
	if (s->opt->skip_invalid && s->opt->rejects)
		write_reject(s, row, column, value, reason);
	if (!s->opt->report || s->reported >= s->max_reported) {
		s->reported++;
		return;
	}
	s->reported++;
	strbuf_reset(l);
	add_printable(l, s->file, 200);
	strbuf_addf(l, ": %s %ld", s->record_word, row);
	if (column) {
		strbuf_addf(l, ", %s ", s->column_word);
		add_printable(l, column, 80);
	}
	if (value) {
		strbuf_addstr(l, ", value '");
		add_printable(l, value, 60);
		strbuf_addch(l, '\'');
	}
	strbuf_addstr(l, ": ");
	add_printable(l, reason, 400);
	strbuf_addch(l, '\n');
	fputs(l->buf, s->opt->report);
}

/* "prs_Gender: 'x' is not ..." -> "'x' is not ...", when the prefix is
 * the name of a field (the report names the column already). */
static const char *without_field_prefix(const char *msg)
{
	const char *colon = strstr(msg, ": ");
	enum group_id g;
	int i;
	char name[96];

	if (!colon || (size_t)(colon - msg) >= sizeof(name))
		return msg;
	memcpy(name, msg, (size_t)(colon - msg));
	name[colon - msg] = '\0';
	return domain_field_find(name, &g, &i) == 0 ? colon + 2 : msg;
}

int import_sink_reject_value(struct import_sink *sink, long row, const char *column, const char *value,
			     const struct sanad_error *err)
{
	return import_sink_accept(sink, row, NULL, column, value, without_field_prefix(err->message));
}

static void set_fatal(struct import_sink *s, const struct sanad_error *e, long row)
{
	if (s->stop)
		return;
	s->stop = 1;
	s->fatal_rc = e->code ? e->code : SANAD_EDB;
	sanad_error_set(&s->fatal, s->fatal_rc, "%s: %s %ld: %s", s->file, s->record_word, row, e->message);
}

/* A rule across fields failed: name the field (and its value) the message
 * starts with, as the report does for single fields. */
static void reject_rule(struct import_sink *s, long row, const struct case_record *c,
			const struct sanad_error *e)
{
	const char *colon = strstr(e->message, ": ");
	char column[96];

	if (colon && (size_t)(colon - e->message) < sizeof(column)) {
		const char *named;
		memcpy(column, e->message, (size_t)(colon - e->message));
		column[colon - e->message] = '\0';
		named = s->namer ? s->namer(s->namer_ctx, column) : NULL;
		reject(s, row, named ? named : column, case_get(c, column), colon + 2);
	} else {
		reject(s, row, NULL, NULL, e->message);
	}
}

int import_sink_accept(struct import_sink *s, long row, struct case_record *rec, const char *column,
		       const char *value, const char *problem)
{
	struct sanad_error e = { 0 };
	int org_i = s->org_field;
	int writing;
	int rc;

	if (s->stop) {
		if (rec)
			case_record_release(rec);
		return 1;
	}
	s->res->records++;
	if (!rec) {
		reject(s, row, column, value, problem ? problem : "invalid");
		return 0;
	}
	if (!rec->main.value[org_i] && s->st) {
		if (!s->default_org) {
			if (s->org_count == 0)
				sanad_error_set(&e, SANAD_EINVAL,
						"the records do not name their organisation and the database has none: add one with 'sanad org add' and name it with --org CODE");
			else
				sanad_error_set(&e, SANAD_EINVAL,
						"the records do not name their organisation and the database has %d: say which with --org CODE",
						s->org_count);
			set_fatal(s, &e, row);
			case_record_release(rec);
			return 1;
		}
		rec->main.value[org_i] = xstrdup(s->default_org);
	}
	case_record_derive(rec);
	if (case_record_validate(rec, &e)) {
		reject_rule(s, row, rec, &e);
		case_record_release(rec);
		return 0;
	}
	writing = s->st && (s->opt->skip_invalid || s->res->rejected == 0);
	if (writing && (rc = ensure_org(s, rec->main.value[org_i], &e))) {
		if (rc == SANAD_EINVAL)
			reject(s, row, "snd_Organisation", rec->main.value[org_i], e.message);
		else
			set_fatal(s, &e, row);
		case_record_release(rec);
		return s->stop;
	}
	if (writing) {
		rc = storage_case_insert(s->st, rec, &e);
		if (rc == SANAD_EEXIST) {
			reject(s, row, "snd_CaseRef", case_get(rec, "snd_CaseRef"), without_field_prefix(e.message));
		} else if (rc) {
			set_fatal(s, &e, row);
		} else {
			s->inserted++;
		}
	}
	case_record_release(rec);
	return s->stop;
}

/* ---- running the readers ---- */

static void sink_init(struct import_sink *s, struct storage *st, const struct import_options *opt,
		      struct import_result *res)
{
	memset(s, 0, sizeof(*s));
	memset(res, 0, sizeof(*res));
	s->st = st;
	s->opt = opt;
	s->res = res;
	s->record_word = "row";
	s->column_word = "column";
	s->max_reported = opt->max_reported > 0 ? opt->max_reported : 100;
	s->file = "-";
	s->org_field = domain_field_index(GROUP_CASE, "snd_Organisation");
}

static void sink_release(struct import_sink *s)
{
	for (size_t i = 0; i < s->org_slots; i++) {
		free(s->orgs[i].code);
		free(s->orgs[i].name);
	}
	free(s->orgs);
	free(s->default_org);
	strbuf_release(&s->line);
}

/* The organisation for records that name none: --org, else the only one. */
static int resolve_default_org(struct import_sink *s, struct sanad_error *err)
{
	struct organisation *list;
	size_t n;
	int rc;

	if (!s->st)
		return 0;
	if (s->opt->org_code) {
		struct organisation o;
		rc = storage_org_get(s->st, s->opt->org_code, &o, err);
		if (rc == SANAD_ENOTFOUND)
			return sanad_error_set(err, SANAD_ENOTFOUND,
					       "no organisation '%.64s' (see 'sanad org list')", s->opt->org_code);
		if (rc)
			return rc;
		s->default_org = xstrdup(o.code);
		organisation_release(&o);
		return 0;
	}
	if ((rc = storage_org_list(s->st, &list, &n, err)))
		return rc;
	s->org_count = (int)n;
	if (n == 1)
		s->default_org = xstrdup(list[0].code);
	for (size_t i = 0; i < n; i++)
		organisation_release(&list[i]);
	free(list);
	return 0;
}

static int run_reader(struct import_sink *s, FILE *in, const char *name, struct sanad_error *err)
{
	s->file = name;
	import_sink_terms(s, "row", "column");
	import_sink_column_namer(s, NULL, NULL);
	switch (s->opt->format) {
	case IMPORT_HTCDS_CSV:
		return import_read_htcds_csv(in, name, s, err);
	case IMPORT_CTDC:
		return import_read_ctdc(in, name, s, err);
	case IMPORT_XFORM:
		return import_read_xform(in, name, s, err);
	case IMPORT_JSON:
		return import_read_json(in, name, s, err);
	}
	return sanad_error_set(err, SANAD_EINVAL, "unknown import format %d", (int)s->opt->format);
}

/* Read every stream, then commit or roll back as the design note says. */
static int import_run(struct storage *st, FILE *const *in, const char *const *names, int n,
		      const struct import_options *opt, struct import_result *res, struct sanad_error *err)
{
	struct import_sink sink;
	int rc = 0, begun = 0;

	sink_init(&sink, st, opt, res);
	if (!st && !opt->dry_run) {
		rc = sanad_error_set(err, SANAD_EINVAL, "import: no database");
		goto out;
	}
	if ((rc = resolve_default_org(&sink, err)))
		goto out;
	if (st) {
		if ((rc = storage_begin_bulk(st, err)))
			goto out;
		begun = 1;
	}
	if (opt->skip_invalid && opt->rejects)
		fputs("file,row,column,value,reason,record\n", opt->rejects);
	for (int i = 0; i < n && !sink.stop && !rc; i++)
		rc = run_reader(&sink, in[i], names[i], err);
	if (!rc && sink.stop) {
		*err = sink.fatal;
		rc = sink.fatal_rc;
	}
	if (!rc && opt->skip_invalid && opt->rejects &&
	    (fflush(opt->rejects) != 0 || ferror(opt->rejects)))
		rc = sanad_error_set(err, SANAD_EIO, "the rejected records could not be written: %s",
				     strerror(errno));
	if (opt->report && sink.reported > sink.max_reported)
		fprintf(opt->report, "... and %ld more problems not shown\n", sink.reported - sink.max_reported);
	if (!rc && res->rejected && (!opt->skip_invalid || opt->dry_run))
		rc = sanad_error_set(err, SANAD_EINVAL, "%ld of %ld records %s invalid", res->rejected,
				     res->records, res->rejected == 1 ? "is" : "are");
	if (rc || opt->dry_run) {
		if (begun)
			storage_rollback(st);
		if (rc && !opt->dry_run)
			sanad_error_prefix(err, "nothing was imported: ");
		goto out;
	}
	if (begun && (rc = storage_commit(st, err))) {
		storage_rollback(st);
		sanad_error_prefix(err, "nothing was imported: ");
		goto out;
	}
	res->imported = sink.inserted;
out:
	sink_release(&sink);
	return rc;
}

int import_stream(struct storage *st, FILE *in, const char *name, const struct import_options *opt,
		  struct import_result *res, struct sanad_error *err)
{
	return import_run(st, &in, &name, 1, opt, res, err);
}

int import_files(struct storage *st, const char *const *paths, const struct import_options *opt,
		 struct import_result *res, struct sanad_error *err)
{
	int n = 0, rc = 0, used_stdin = 0;
	FILE **in;

	memset(res, 0, sizeof(*res));
	while (paths[n])
		n++;
	if (!n)
		return sanad_error_set(err, SANAD_EINVAL, "no file to import");
	in = xcalloc((size_t)n, sizeof(*in));
	/* open everything first: a missing file must stop the import before
	 * the transaction begins */
	for (int i = 0; i < n && !rc; i++) {
		struct stat sb;
		if (!strcmp(paths[i], "-")) {
			if (used_stdin++)
				rc = sanad_error_set(err, SANAD_EINVAL, "standard input ('-') can be read only once");
			in[i] = stdin;
			continue;
		}
		if (stat(paths[i], &sb) != 0) {
			rc = sanad_error_set(err, SANAD_ENOTFOUND, "cannot read %s: %s", paths[i], strerror(errno));
		} else if (S_ISDIR(sb.st_mode)) {
			rc = sanad_error_set(err, SANAD_EINVAL, "%s is a directory, not a file", paths[i]);
		} else if (!(in[i] = fopen(paths[i], "rb"))) {
			rc = sanad_error_set(err, SANAD_EIO, "cannot read %s: %s", paths[i], strerror(errno));
		}
	}
	if (!rc)
		rc = import_run(st, in, paths, n, opt, res, err);
	for (int i = 0; i < n; i++)
		if (in[i] && in[i] != stdin)
			fclose(in[i]);
	free(in);
	return rc;
}
