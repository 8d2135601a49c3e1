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
 *
 * Two threads.  Reading, normalising and validating a record and writing
 * it to SQLite take about the same time, so with two cores they overlap:
 * the reader (the calling thread) turns each call of the sink into an
 * item — a record to insert, a rejection, a warning — and hands items in
 * batches through a bounded queue (IMPORT_QUEUE_BATCHES of
 * IMPORT_BATCH_ITEMS: memory stays bounded) to a writer thread that owns
 * the database connection until the reader is done.  The writer handles
 * the items in the order they were made, and it alone counts, reports and
 * writes rejects, so the report, the rejects file and the all-or-nothing
 * rule are exactly those of one thread: a duplicate case reference found
 * by the insert is reported at its row among the reader's rejections, and
 * after the first rejection (without skip_invalid) nothing more is
 * inserted.  Calls that need the database's answer (import_sink_org) wait
 * for the writer.  With one core, no database (dry runs of the fuzzers)
 * or SANAD_IMPORT_THREADS=1, each item is handled as it is made, on the
 * calling thread: the same code, no thread.
 */
#include "importer/importer_internal.h"

#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Organisations a file may create on the fly: a typo repeated over many
 * rows is one organisation, but a million distinct codes is an attack. */
#define MAX_NEW_ORGS 100

/* The queue between reader and writer: a batch amortises the locking over
 * many records, and a few batches in flight let either side run ahead a
 * little without memory growing with the file.  Few and small: the writer
 * reads each record from the other core's cache, and 4,096 records in
 * flight (16 of 256, about 4 MB) had left it there for the slower shared
 * cache or memory; 512 made 1M-row imports about a tenth faster
 * (bench/README.md, eighth session). */
#define IMPORT_BATCH_ITEMS 64
#define IMPORT_QUEUE_BATCHES 8
/* Records the writer collects before writing them with one statement
 * (storage_case_insert_batch): at most a batch's, since a batch's records
 * are written before it goes back. */
#define IMPORT_PENDING IMPORT_BATCH_ITEMS

enum item_kind {
	ITEM_RECORD,   /* insert rec */
	ITEM_REJECT,   /* the reader rejected the record: column, value, text */
	ITEM_WARN,     /* a note for the report: text */
	ITEM_FATAL,    /* stop the import: text */
	ITEM_ORG_NAME, /* the name (value) to give organisation column if created */
	ITEM_ORG,      /* import_sink_org: the reader waits for rc/err */
};

/* One call of the sink, as the writer handles it. */
struct import_item {
	enum item_kind kind;
	long row;
	const char *file, *record_word, *column_word; /* live for the whole import */
	struct case_record rec;
	struct case_shape shape;         /* rec's, made by the reader */
	int default_org;                 /* rec belongs to the sink's default organisation */
	char *column, *value, *text;
	char *raw;                       /* the record as a rejects-file cell, or NULL */
	const struct organisation *org;
	int rc;
	struct sanad_error *err;         /* ITEM_ORG: the reader's, for the answer */
};

struct item_batch {
	struct import_item *items;
	int n;
	int wait;                        /* the reader waits until done is set */
	int done;
	struct item_batch *next;         /* in a list of batches given back */
};

struct import_queue {
	pthread_mutex_t mu;
	pthread_cond_t changed;
	struct item_batch *ring[IMPORT_QUEUE_BATCHES];
	int head, count;
	int closed;                      /* the reader has no more */
	/* batches the writer is done with, for the reader to release: memory
	 * is freed by the thread that allocated it, since a free from the
	 * other thread takes the allocator's lock that thread keeps using */
	struct item_batch *returned;
	pthread_t writer;
};

struct org_slot {
	char *code;
	char *name;  /* name to give it if it has to be created, or NULL */
	int exists;  /* known to exist in the database */
};

/* Fields are grouped by the thread that writes them, each group on its own
 * cache lines: a field the writer changes for every record must not share
 * a line with one the reader reads for every record. */
struct import_sink {
	/* set before the readers start, then only read */
	struct storage *st;
	const struct import_options *opt;
	struct import_result *res; /* counted by the writer */
	long max_reported;
	char *default_org;
	int org_count;            /* organisations in the database at the start */
	int org_field;            /* index of snd_Organisation */
	struct import_queue *queue; /* NULL: items are handled as they are made */

	/* a database or file error that ends the import: set by the writer,
	 * read by the reader too */
	_Alignas(64) atomic_int stop;
	int fatal_rc;
	struct sanad_error fatal;

	/* the reader's */
	_Alignas(64) const char *file;
	const char *record_word, *column_word;
	int reader_stop;          /* the reader made an ITEM_FATAL */
	long reader_rejected;     /* rejections the reader made */
	char *const *raw;
	int nraw;
	struct item_batch *batch; /* being filled (threaded) */
	struct item_batch *spare; /* empty batches */
	int nspare;
	const char *(*namer)(void *ctx, const char *field);
	void *namer_ctx;

	/* the writer's */
	_Alignas(64) long reported; /* problems printed */
	long inserted;
	int new_orgs;
	const char *w_file;       /* the current item's file */
	/* records not yet written: items of the batch being handled, which
	 * stay where the reader made them (with a writer thread), or copies
	 * in pending_own (without one) */
	struct import_item **pending;
	struct import_item *pending_own;
	struct case_record **pending_recs;
	struct case_shape *pending_shapes;
	size_t npending;
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

/* The writer's half of import_sink_org. */
static int writer_org(struct import_sink *sink, const struct organisation *o, struct sanad_error *err)
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

static void emit_warning(struct import_sink *s, const char *file, const char *raw);

/* Make sure the organisation a record names exists, creating it (with a
 * warning) when it does not.  Returns 0, SANAD_EINVAL with err naming
 * the problem (the record is rejected), or a database error. */
static int ensure_org(struct import_sink *s, const char *code, struct sanad_error *err)
{
	struct org_slot *slot;
	struct organisation o = { 0 };
	struct strbuf msg = STRBUF_INIT;
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
	strbuf_addf(&msg, "organisation '%s' did not exist and was created, named '%s'", code, o.name);
	emit_warning(s, s->w_file, msg.buf);
	strbuf_release(&msg);
	org_slot(s, code, 1)->exists = 1;
	return 0;
}

/* ---- the report (the writer's side) ---- */

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

static void emit_warning(struct import_sink *s, const char *file, const char *raw)
{
	struct strbuf msg = STRBUF_INIT;

	s->res->warnings++;
	if (s->opt->quiet || !s->opt->report)
		return;
	add_printable(&msg, file, 200);
	strbuf_addstr(&msg, ": warning: ");
	add_printable(&msg, raw, 2000);
	strbuf_addch(&msg, '\n');
	fputs(msg.buf, s->opt->report);
	strbuf_release(&msg);
}

static void write_reject(struct import_sink *s, const struct import_item *it, const char *column,
			 const char *value, const char *reason)
{
	struct strbuf *l = &s->line, tmp = STRBUF_INIT;

	strbuf_reset(l);
	add_printable(&tmp, it->file, 0);
	csv_cell(l, tmp.buf, 1);
	strbuf_addf(l, ",%ld,", it->row);
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
	if (it->raw)
		csv_cell(l, it->raw, 1);
	strbuf_addch(l, '\n');
	fwrite(l->buf, 1, l->len, s->opt->rejects);
	strbuf_release(&tmp);
}

/* Count and report one rejected record. */
static void reject(struct import_sink *s, const struct import_item *it, const char *column, const char *value,
		   const char *reason)
{
	struct strbuf *l = &s->line;

	s->res->rejected++;
	if (s->opt->skip_invalid && s->opt->rejects)
		write_reject(s, it, column, value, reason);
	if (!s->opt->report || s->reported >= s->max_reported) {
		s->reported++;
		return;
	}
	s->reported++;
	strbuf_reset(l);
	add_printable(l, it->file, 200);
	strbuf_addf(l, ": %s %ld", it->record_word, it->row);
	if (column) {
		strbuf_addf(l, ", %s ", it->column_word);
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

static void set_fatal(struct import_sink *s, const struct import_item *it, const char *message, int code)
{
	if (atomic_load(&s->stop))
		return;
	s->fatal_rc = code ? code : SANAD_EDB;
	sanad_error_set(&s->fatal, s->fatal_rc, "%s: %s %ld: %s", it->file, it->record_word, it->row, message);
	atomic_store(&s->stop, 1);
}

/* ---- the writer: one item at a time, in order ---- */

static void item_release(struct import_item *it)
{
	case_record_release(&it->rec);
	free(it->column);
	free(it->value);
	free(it->text);
	free(it->raw);
}

/* The reader is done with an item the writer handled: a case written goes
 * to the caller's hook before its record is freed. */
static void item_finish(struct import_sink *s, struct import_item *it)
{
	const struct import_hooks *h = s->opt->hooks;
	if (h && h->written && it->kind == ITEM_RECORD && it->rec.id > 0)
		h->written(h->ctx, &it->rec);
	item_release(it);
}

static struct item_batch *batch_new(int cap)
{
	struct item_batch *b = xcalloc(1, sizeof(*b));
	b->items = xcalloc((size_t)cap, sizeof(*b->items));
	return b;
}

static void give_back(struct import_sink *s, struct item_batch *b)
{
	pthread_mutex_lock(&s->queue->mu);
	b->next = s->queue->returned;
	s->queue->returned = b;
	pthread_mutex_unlock(&s->queue->mu);
}

/* Write the records waiting in s->pending, in order, reporting a duplicate
 * reference at its row as storage_case_insert's caller would. */
static void flush_pending(struct import_sink *s)
{
	size_t start = 0, n = s->npending;

	while (start < n && !atomic_load(&s->stop)) {
		struct sanad_error e = { 0 };
		struct import_item *bad;
		size_t done = 0;
		int rc;

		for (size_t i = start; i < n; i++) {
			s->pending_recs[i] = &s->pending[i]->rec;
			s->pending_shapes[i] = s->pending[i]->shape;
		}
		rc = storage_case_insert_batch(s->st, s->pending_recs + start, s->pending_shapes + start, n - start,
					       &done, &e);
		s->inserted += (long)done;
		if (!rc)
			break;
		bad = s->pending[start + done];
		if (rc != SANAD_EEXIST) {
			set_fatal(s, bad, e.message, e.code);
			break;
		}
		reject(s, bad, "snd_CaseRef", case_get(&bad->rec, "snd_CaseRef"), without_field_prefix(e.message));
		if (!s->opt->skip_invalid)
			break; /* nothing more is written after a rejection */
		start += done + 1;
	}
	/* with a writer thread the items go back to the reader with their
	 * batch (writer_main); without one they are done with here */
	if (!s->queue)
		for (size_t i = 0; i < n; i++)
			item_finish(s, s->pending[i]);
	s->npending = 0;
}

static void insert_record(struct import_sink *s, struct import_item *it)
{
	struct case_record *rec = &it->rec;
	struct sanad_error e = { 0 };
	const char *org;
	struct org_slot *slot;
	int rc;

	if (!s->st || (!s->opt->skip_invalid && s->res->rejected))
		return;
	/* the reader compared the organisation while the record was in its
	 * cache: the writer reads it only for another organisation */
	if (!it->default_org && !((slot = org_slot(s, org = rec->main.value[s->org_field], 0)) && slot->exists)) {
		/* ensure_org may report: what came before is reported first */
		flush_pending(s);
		if ((rc = ensure_org(s, org, &e))) {
			if (rc == SANAD_EINVAL)
				reject(s, it, "snd_Organisation", org, e.message);
			else
				set_fatal(s, it, e.message, e.code);
			return;
		}
	}
	if (atomic_load(&s->stop) || (!s->opt->skip_invalid && s->res->rejected))
		return;
	if (s->queue) {
		/* written before its batch goes back (writer_main) */
		s->pending[s->npending++] = it;
	} else {
		/* it is the caller's: the pending list takes its contents */
		struct import_item *own = &s->pending_own[s->npending];
		*own = *it;
		memset(&it->rec, 0, sizeof(it->rec));
		it->raw = NULL;
		it->column = it->value = it->text = NULL;
		s->pending[s->npending++] = own;
	}
	if (s->npending == IMPORT_PENDING)
		flush_pending(s);
}

static void handle_item(struct import_sink *s, struct import_item *it)
{
	s->w_file = it->file;
	if (atomic_load(&s->stop) && it->kind != ITEM_ORG)
		return; /* as if never read: the import ends here */
	if (it->kind != ITEM_RECORD && s->npending)
		flush_pending(s); /* keep the report in row order */
	switch (it->kind) {
	case ITEM_RECORD:
		s->res->records++;
		insert_record(s, it);
		break;
	case ITEM_REJECT:
		s->res->records++;
		reject(s, it, it->column, it->value, it->text);
		break;
	case ITEM_WARN:
		emit_warning(s, it->file, it->text);
		break;
	case ITEM_FATAL:
		s->res->records++;
		set_fatal(s, it, it->text, SANAD_EINVAL);
		break;
	case ITEM_ORG_NAME: {
		struct org_slot *o;
		if (s->norgs >= 4 * MAX_NEW_ORGS)
			break;
		o = org_slot(s, it->column, 1);
		if (!o->name && !o->exists)
			o->name = xstrdup(it->value);
		break;
	}
	case ITEM_ORG:
		it->rc = writer_org(s, it->org, it->err);
		break;
	}
}

static void *writer_main(void *arg)
{
	struct import_sink *s = arg;
	struct import_queue *q = s->queue;

	for (;;) {
		struct item_batch *b;
		pthread_mutex_lock(&q->mu);
		while (!q->count && !q->closed)
			pthread_cond_wait(&q->changed, &q->mu);
		if (!q->count) {
			pthread_mutex_unlock(&q->mu);
			return NULL;
		}
		b = q->ring[q->head];
		q->head = (q->head + 1) % IMPORT_QUEUE_BATCHES;
		q->count--;
		pthread_cond_broadcast(&q->changed);
		pthread_mutex_unlock(&q->mu);

		for (int i = 0; i < b->n; i++)
			handle_item(s, &b->items[i]);
		/* the records of the batch are written before it goes back:
		 * they are read where the reader left them, never copied */
		if (s->npending)
			flush_pending(s);
		if (b->wait) {
			pthread_mutex_lock(&q->mu);
			b->done = 1;
			pthread_cond_broadcast(&q->changed);
			pthread_mutex_unlock(&q->mu);
		} else {
			give_back(s, b);
		}
	}
}

/* ---- the reader's side: making items ---- */

/* Release what the writer gave back, keeping the batches for reuse. */
static void reclaim(struct import_sink *s)
{
	struct item_batch *b;

	pthread_mutex_lock(&s->queue->mu);
	b = s->queue->returned;
	s->queue->returned = NULL;
	pthread_mutex_unlock(&s->queue->mu);
	while (b) {
		struct item_batch *next = b->next;
		for (int i = 0; i < b->n; i++)
			item_finish(s, &b->items[i]);
		b->n = 0;
		if (s->nspare < 2 * IMPORT_QUEUE_BATCHES) {
			b->next = s->spare;
			s->spare = b;
			s->nspare++;
		} else {
			free(b->items);
			free(b);
		}
		b = next;
	}
}

static struct item_batch *batch_take(struct import_sink *s)
{
	struct item_batch *b;

	reclaim(s);
	if (!s->spare)
		return batch_new(IMPORT_BATCH_ITEMS);
	b = s->spare;
	s->spare = b->next;
	s->nspare--;
	b->next = NULL;
	return b;
}

static void queue_push(struct import_queue *q, struct item_batch *b)
{
	pthread_mutex_lock(&q->mu);
	while (q->count == IMPORT_QUEUE_BATCHES)
		pthread_cond_wait(&q->changed, &q->mu);
	q->ring[(q->head + q->count) % IMPORT_QUEUE_BATCHES] = b;
	q->count++;
	pthread_cond_broadcast(&q->changed);
	pthread_mutex_unlock(&q->mu);
}

static void flush_batch(struct import_sink *s)
{
	if (s->queue && s->batch && s->batch->n) {
		queue_push(s->queue, s->batch);
		s->batch = NULL;
	}
}

/* A new item with the reader's current file and words, to fill and then
 * pass to submit(). */
static struct import_item *new_item(struct import_sink *s, struct import_item *local, enum item_kind kind,
				    long row)
{
	struct import_item *it = local;
	if (s->queue) {
		if (!s->batch)
			s->batch = batch_take(s);
		it = &s->batch->items[s->batch->n];
	}
	memset(it, 0, sizeof(*it));
	it->kind = kind;
	it->row = row;
	it->file = s->file;
	it->record_word = s->record_word;
	it->column_word = s->column_word;
	return it;
}

/* The item is filled: hand it on (or handle it here without a writer). */
static void submit(struct import_sink *s, struct import_item *it)
{
	if (!s->queue) {
		handle_item(s, it);
		item_release(it);
		return;
	}
	if (++s->batch->n == IMPORT_BATCH_ITEMS)
		flush_batch(s);
}

static char *dup_or_null(const char *v)
{
	return v ? xstrdup(v) : NULL;
}

/* The raw cells of the current record as one CSV line (made printable), for
 * the rejects file; NULL when there is no rejects file or no raw record. */
static char *raw_record(struct import_sink *s)
{
	struct strbuf rec = STRBUF_INIT, tmp = STRBUF_INIT;

	if (!s->nraw || !s->opt->skip_invalid || !s->opt->rejects)
		return NULL;
	for (int i = 0; i < s->nraw; i++) {
		strbuf_reset(&tmp);
		add_printable(&tmp, s->raw[i], 0);
		if (i)
			strbuf_addch(&rec, ',');
		csv_cell(&rec, strbuf_str(&tmp), 0);
	}
	strbuf_release(&tmp);
	return strbuf_detach(&rec);
}

static void submit_reject(struct import_sink *s, long row, const char *column, const char *value,
			  const char *reason)
{
	struct import_item local, *it = new_item(s, &local, ITEM_REJECT, row);
	it->column = dup_or_null(column);
	it->value = dup_or_null(value);
	it->text = xstrdup(reason);
	it->raw = raw_record(s);
	s->reader_rejected++;
	submit(s, it);
}

static int reader_stopped(struct import_sink *s)
{
	return s->reader_stop || atomic_load(&s->stop);
}

void import_sink_raw(struct import_sink *sink, char *const *cells, int n)
{
	sink->raw = n ? cells : NULL;
	sink->nraw = n;
}

void import_sink_warn(struct import_sink *sink, const char *fmt, ...)
{
	struct import_item local, *it;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	it = new_item(sink, &local, ITEM_WARN, 0);
	if (n >= 0) {
		it->text = xmalloc((size_t)n + 1);
		va_start(ap, fmt);
		vsnprintf(it->text, (size_t)n + 1, fmt, ap);
		va_end(ap);
	} else {
		it->text = xstrdup("");
	}
	submit(sink, it);
}

void import_sink_org_name(struct import_sink *sink, const char *code, const char *name)
{
	struct import_item local, *it;
	if (!code || !*code || !name || !*name)
		return;
	it = new_item(sink, &local, ITEM_ORG_NAME, 0);
	it->column = xstrdup(code);
	it->value = xstrdup(name);
	submit(sink, it);
}

int import_sink_org(struct import_sink *sink, const struct organisation *o, struct sanad_error *err)
{
	struct item_batch *b;
	int rc;

	if (!sink->queue) {
		struct import_item local, *it = new_item(sink, &local, ITEM_ORG, 0);
		it->org = o;
		it->err = err;
		handle_item(sink, it);
		rc = it->rc;
		item_release(it);
		return rc;
	}
	/* the answer is needed now: wait for the writer (organisations come
	 * before the cases of a file, so this costs a round trip or two) */
	flush_batch(sink);
	b = batch_new(1);
	b->wait = 1;
	b->n = 1;
	b->items[0].kind = ITEM_ORG;
	b->items[0].file = sink->file;
	b->items[0].record_word = sink->record_word;
	b->items[0].column_word = sink->column_word;
	b->items[0].org = o;
	b->items[0].err = err;
	queue_push(sink->queue, b);
	pthread_mutex_lock(&sink->queue->mu);
	while (!b->done)
		pthread_cond_wait(&sink->queue->changed, &sink->queue->mu);
	pthread_mutex_unlock(&sink->queue->mu);
	rc = b->items[0].rc;
	free(b->items);
	free(b);
	return rc;
}

int import_sink_reject_value(struct import_sink *sink, long row, const char *column, const char *value,
			     const struct sanad_error *err)
{
	return import_sink_accept(sink, row, NULL, column, value, without_field_prefix(err->message));
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
		submit_reject(s, row, named ? named : column, case_get(c, column), colon + 2);
	} else {
		submit_reject(s, row, NULL, NULL, e->message);
	}
}

int import_sink_accept(struct import_sink *s, long row, struct case_record *rec, const char *column,
		       const char *value, const char *problem)
{
	struct sanad_error e = { 0 };
	struct import_item local, *it;
	int org_i = s->org_field;

	if (reader_stopped(s)) {
		if (rec)
			case_record_release(rec);
		return 1;
	}
	if (!rec) {
		submit_reject(s, row, column, value, problem ? problem : "invalid");
		return reader_stopped(s);
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
			it = new_item(s, &local, ITEM_FATAL, row);
			it->text = xstrdup(e.message);
			submit(s, it);
			s->reader_stop = 1;
			case_record_release(rec);
			return 1;
		}
		rec->main.value[org_i] = xstrdup(s->default_org);
	}
	case_record_derive(rec);
	if (case_record_validate(rec, &e)) {
		reject_rule(s, row, rec, &e);
		case_record_release(rec);
		return reader_stopped(s);
	}
	if (!s->st || (!s->opt->skip_invalid && s->reader_rejected)) {
		/* nothing will be written: the writer would only count it */
		it = new_item(s, &local, ITEM_RECORD, row);
		case_record_release(rec);
		submit(s, it);
		return reader_stopped(s);
	}
	it = new_item(s, &local, ITEM_RECORD, row);
	if (s->queue)
		case_record_flatten(rec); /* read by the writer as one stretch of memory */
	it->rec = *rec; /* the item takes the record's contents */
	memset(rec, 0, sizeof(*rec));
	case_record_shape(&it->rec, &it->shape);
	it->default_org = s->default_org && it->rec.main.value[org_i] && !strcmp(it->rec.main.value[org_i], s->default_org);
	it->raw = raw_record(s);
	submit(s, it);
	return reader_stopped(s);
}

/* Start the writer thread when it can help: a database to write and a
 * second core to write it on. */
static void pipeline_start(struct import_sink *s)
{
	const char *env = getenv("SANAD_IMPORT_THREADS");
	long cores = sysconf(_SC_NPROCESSORS_ONLN);

	if (!s->st || cores < 2 || (env && !strcmp(env, "1")))
		return;
	s->queue = xcalloc(1, sizeof(*s->queue));
	pthread_mutex_init(&s->queue->mu, NULL);
	pthread_cond_init(&s->queue->changed, NULL);
	if (pthread_create(&s->queue->writer, NULL, writer_main, s) != 0) {
		pthread_mutex_destroy(&s->queue->mu);
		pthread_cond_destroy(&s->queue->changed);
		free(s->queue);
		s->queue = NULL;
	}
}

/* Hand over what is left and wait for the writer to finish it: after this
 * the database connection is the calling thread's again. */
static void pipeline_finish(struct import_sink *s)
{
	struct import_queue *q = s->queue;
	if (!q) {
		flush_pending(s);
		return;
	}
	flush_batch(s);
	pthread_mutex_lock(&q->mu);
	q->closed = 1;
	pthread_cond_broadcast(&q->changed);
	pthread_mutex_unlock(&q->mu);
	pthread_join(q->writer, NULL);
	reclaim(s);
	while (s->spare) {
		struct item_batch *b = s->spare;
		s->spare = b->next;
		free(b->items);
		free(b);
	}
	s->nspare = 0;
	pthread_mutex_destroy(&q->mu);
	pthread_cond_destroy(&q->changed);
	free(q);
	s->queue = NULL;
}

/* ---- running the readers ---- */

static void sink_init(struct import_sink *s, struct storage *st, const struct import_options *opt,
		      struct import_result *res)
{
	memset(s, 0, sizeof(*s));
	atomic_init(&s->stop, 0);
	memset(res, 0, sizeof(*res));
	s->st = st;
	s->opt = opt;
	s->res = res;
	s->record_word = "row";
	s->column_word = "column";
	s->max_reported = opt->max_reported > 0 ? opt->max_reported : 100;
	s->file = "-";
	s->org_field = domain_field_index(GROUP_CASE, "snd_Organisation");
	s->pending = xcalloc(IMPORT_PENDING, sizeof(*s->pending));
	s->pending_own = xcalloc(IMPORT_PENDING, sizeof(*s->pending_own));
	s->pending_recs = xcalloc(IMPORT_PENDING, sizeof(*s->pending_recs));
	s->pending_shapes = xcalloc(IMPORT_PENDING, sizeof(*s->pending_shapes));
}

static void sink_release(struct import_sink *s)
{
	for (size_t i = 0; i < s->org_slots; i++) {
		free(s->orgs[i].code);
		free(s->orgs[i].name);
	}
	free(s->orgs);
	/* only copies can be left: a writer thread empties the list before
	 * each batch goes back */
	for (size_t i = 0; i < s->npending; i++)
		item_release(s->pending[i]);
	free(s->pending);
	free(s->pending_own);
	free(s->pending_recs);
	free(s->pending_shapes);
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
		if ((rc = storage_begin_bulk(st, opt->alone, err)))
			goto out;
		begun = 1;
		if (opt->hooks && opt->hooks->begun)
			opt->hooks->begun(opt->hooks->ctx, st);
	}
	if (opt->skip_invalid && opt->rejects)
		fputs("file,row,column,value,reason,record\n", opt->rejects);
	pipeline_start(&sink);
	for (int i = 0; i < n && !reader_stopped(&sink) && !rc; i++)
		rc = run_reader(&sink, in[i], names[i], err);
	pipeline_finish(&sink);
	if (!rc && atomic_load(&sink.stop)) {
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
	if (begun && opt->hooks && opt->hooks->committing)
		opt->hooks->committing(opt->hooks->ctx, st);
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
