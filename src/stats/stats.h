/*
 * stats: counts of victims by year and by the disaggregation dimensions the
 * source documents ask for (CEDAW GR 38 para 110, SDG 16.2.2: sex, age,
 * disability, ethnicity, nationality, migration status, location,
 * socio-economic status, form of exploitation) and by the case facts a
 * coordinator reports on (stage, status, organisation, recruitment ...).
 *
 * One table of dimensions (dimensions.c) names each one, the case field it reads
 * and how its values are grouped and ordered; `sanad stats`, the future
 * HTTP API and the tests all go through it.  The core computes a struct
 * stats_table; the front ends print it (CLI) or serve stats_table_json (API).
 *
 * Counting rules, which every front end repeats to its reader:
 *   - a victim is a case; total_victims is the number of cases counted;
 *   - a case whose value is unknown counts in the group "unknown" (code
 *     NULL), shown last;
 *   - for a multi-valued dimension (nationality, form of exploitation ...)
 *     a case counts once under each of its values, so the rows of such a
 *     table add up to more than total_victims.
 * These are raw counts: small-cell suppression for publication is applied
 * by the publishing layer, not here.
 */
#ifndef SANAD_STATS_H
#define SANAD_STATS_H

#include <jansson.h>

#include "storage/storage.h"

/* Most dimensions one table may cross: beyond this, nearly every cell is
 * tiny and the table says nothing a reader could use. */
#define STATS_MAX_DIMS 6

enum stats_dim_kind {
	STATS_DIM_NUMBER, /* an integer field, ordered numerically (year) */
	STATS_DIM_PICK,   /* one vocabulary code, ordered as the list */
	STATS_DIM_MULTI,  /* several vocabulary codes; the case counts under each */
	STATS_DIM_BANDED, /* an age in years, grouped into the list's age bands */
	STATS_DIM_TEXT,   /* free text, ordered by its bytes */
	STATS_DIM_ORG,    /* the owning organisation's code, labelled with its name */
};

struct stats_dimension {
	const char *name;        /* as users type it: "nationality" */
	const char *alias;       /* another accepted name ("citizenship"), or NULL */
	const char *field;       /* case field of the domain registry */
	enum stats_dim_kind kind;
	const char *list;        /* vocabulary list of PICK, MULTI and BANDED, else NULL */
	const char *title[2];    /* column heading, English and Arabic (enum vocab_lang) */
	const char *description; /* one line for `sanad stats --list` */
};

/* The dimension table, in the order `sanad stats --list` shows it. */
const struct stats_dimension *stats_dimensions(int *count);
/* Find a dimension by name or alias (case-insensitive); NULL if none. */
const struct stats_dimension *stats_dimension_find(const char *name);

/* One value of a dimension in a result: the code as stored (NULL for the
 * "unknown" group) and its labels for display. */
struct stats_value {
	char *code;
	char *label[2]; /* English and Arabic; for codes without a label, the code */
};

struct stats_column {
	const struct stats_dimension *dim;
	char *name;                 /* the name the caller used ("gender"), for headers */
	struct stats_value *values; /* the values that occur, in display order */
	int nvalues;
};

/* Whose cases a table counts (issue 5 item 1, DOMAIN.md section 5). */
enum stats_scope {
	/* every case in the database: what an operator running `sanad stats`
	 * on a file sees (the default) */
	STATS_SCOPE_ALL = 0,
	/* one organisation's own cases (query.org_code), all of them: an
	 * organisation's figures on its own work need no pooling consent */
	STATS_SCOPE_ORG,
	/* the national pool: cases of organisations with in_pool = 1 whose
	 * victim's latest consent item of scope StatisticalUse is given, and a
	 * person recorded by several such cases (same match_key) counted once
	 * -- under the values of the lowest case id among them */
	STATS_SCOPE_NATIONAL,
};

/* What a table counts (issue 5 item 2).  Perpetrators and services count
 * items of the selected cases (figures.c), one per perpetrator or service
 * recorded; their tables use the dimensions of stats_subject_dimensions. */
enum stats_subject {
	STATS_COUNT_VICTIMS = 0,
	STATS_COUNT_PERPETRATORS,
	STATS_COUNT_SERVICES,
};

struct stats_row {
	int value[STATS_MAX_DIMS]; /* per column: index into its values[] */
	int64_t count;
};

struct stats_table {
	int ncolumns;
	struct stats_column columns[STATS_MAX_DIMS];
	struct stats_row *rows;     /* ordered by the columns' display order */
	size_t nrows;
	int64_t total_victims;      /* cases counted (each once, whatever the dimensions) */
	int year;                   /* the year filter, 0 when all years */
	enum stats_scope scope;     /* as asked */
	/* STATS_SCOPE_NATIONAL: pooled cases left out as another record of a
	 * person already counted (0 otherwise) */
	int64_t duplicates_merged;
	/* For tables with multi-valued columns: the sentence every front end
	 * shows under the table (rows add up to more than the victims), in
	 * English and Arabic; NULL otherwise. */
	char *note[2];
	/* what the counts count (victims unless the query asked otherwise);
	 * for perpetrators and services total_victims is the items counted */
	enum stats_subject subject;
};

/* Keep only cases whose value of dim is one of values (codes as stored, or
 * anything vocab_find accepts for the dimension's list; "unknown" selects
 * cases without a value).  For a multi-valued dimension a case passes when
 * any of its values is listed.  Several filters must all pass. */
struct stats_filter {
	const char *dim; /* dimension name or alias */
	const char *const *values;
	int nvalues;     /* >= 1 */
};
#define STATS_MAX_FILTERS 16

struct stats_query {
	const char *const *dims; /* dimension names or aliases, as the user wrote them */
	int ndims;               /* 1..STATS_MAX_DIMS */
	int year;                /* 0: all years; else only cases registered that year */
	/* tuning, 0 for the defaults: threads scanning at once (default one
	 * per core, at most 8; set, it also skips the grouped count through an
	 * index) and fewest cases one thread takes (50,000) */
	int threads;
	int64_t min_per_thread;
	/* issue 5: whose cases, and which of them (0 / NULL: all cases) */
	enum stats_scope scope;
	const char *org_code;    /* STATS_SCOPE_ORG: the organisation's code */
	const struct stats_filter *filters;
	int nfilters;            /* 0..STATS_MAX_FILTERS */
	/* what to count (0: victims); not victims: see figures.c below */
	enum stats_subject subject;
};

/* ---- the aggregation engine (engine.c; issue 5 item 5) ----
 *
 * Per dimension, one Roaring bitmap of case ids per value (and one for
 * "unknown"), built on first use from a scan and saved in the database
 * (stats_bitmap) so the next process loads instead of scanning.  Kept
 * current through the stats_change log and the stats_mark high-water mark
 * (storage migration 6): before every computation the engine reads the
 * cases changed or added since it last looked -- a couple of indexed
 * reads when nothing changed.  A cross-tab is a walk over the value
 * bitmaps of its dimensions intersected with the scope and filter set,
 * counting cardinalities; no case row is read.
 *
 * One engine may be shared by the threads of a server: calls are
 * serialised inside.  st is the caller's connection for that call (the
 * engine keeps none). */
struct stats_engine;
int stats_engine_open(struct stats_engine **out, struct sanad_error *err);
void stats_engine_close(struct stats_engine *e);
/* Like stats_compute, through e: brings e up to date with st first. */
int stats_engine_compute(struct stats_engine *e, struct storage *st, const struct stats_query *q,
			 struct stats_table *out, struct sanad_error *err);

/* Bring the indexes of the dimensions names[0..n) up to date with st in
 * one scan, and save those built from nothing, so that the next process
 * counting by them loads instead of scanning (`sanad import` does this for
 * the publication dimensions while its log is checkpointed).  Fails naming
 * an unknown dimension. */
int stats_engine_prepare(struct stats_engine *e, struct storage *st, const char *const *names, int n,
			 struct sanad_error *err);

/* The same indexes built alongside a bulk insert instead of by a scan after
 * it: the import hands each case it wrote to the feed, whose values it
 * already holds, so nothing is read back (bench/README.md).  In order:
 *   - stats_feed_begin, inside st's write transaction before its first
 *     insert: brings the indexes of names[0..n) up to date with st (loads
 *     the saved ones; scans cases they lack);
 *   - stats_feed_add for each case written in the transaction, with its
 *     id and its values by case field index (canonical text, as stored);
 *     from any one thread at a time;
 *   - stats_feed_committing, inside the transaction just before the
 *     commit: lifts the log's mark over the new cases, checks that every
 *     case written was fed, and if so saves the indexes, all in the same
 *     transaction, so they commit or roll back with the cases;
 *   - stats_feed_end after the transaction ended (committed = 1 if it
 *     committed): unless the transaction committed with the check passed,
 *     forgets what was fed (the next count loads or scans), and says so
 *     when the check failed.  Frees the feed.
 * The engine's lock is held from begin to end: nothing else reads e then. */
struct stats_feed;
int stats_feed_begin(struct stats_engine *e, struct storage *st, const char *const *names, int n,
		     struct stats_feed **out, struct sanad_error *err);
void stats_feed_add(struct stats_feed *f, int64_t id, char *const *case_values);
int stats_feed_committing(struct stats_feed *f, struct storage *st, struct sanad_error *err);
int stats_feed_end(struct stats_feed *f, int committed, struct sanad_error *err);

/* The cases q's scope, year and filters select (q's dimensions are ignored
 * and may be absent): their ids, ascending, in *ids (new; free it), and
 * their number in *n.  What stats_engine_compute would count, for those
 * who count something else of exactly those cases (perpetrators,
 * services) or export them.  Errors as stats_compute's, and
 * SANAD_ENOTFOUND naming an unknown organisation of STATS_SCOPE_ORG. */
int stats_engine_select(struct stats_engine *e, struct storage *st, const struct stats_query *q,
			uint32_t **ids, size_t *n, struct sanad_error *err);
/* stats_engine_select through a temporary engine (loads the saved
 * bitmaps); *merged (if given) receives what stats_table.duplicates_merged
 * would. */
int stats_select(struct storage *st, const struct stats_query *q, uint32_t **ids, size_t *n,
		 int64_t *merged, struct sanad_error *err);

/* Count the cases of st by q's dimensions into *out (initialised here;
 * release it with stats_table_release, also after a failure).  Fails with
 * SANAD_EINVAL naming the dimension when one is unknown (the message lists
 * the valid ones) or given twice, and SANAD_ELIMIT beyond STATS_MAX_DIMS. */
int stats_compute(struct storage *st, const struct stats_query *q, struct stats_table *out,
		  struct sanad_error *err);
void stats_table_release(struct stats_table *t);

/* The table as JSON (a new reference, the caller decrefs):
 *   {"dimensions": ["year", "gender"], "year": null, "total_victims": N,
 *    "notes": ["..."], "rows": [{"year": 2002, "gender": "Female", "count": 12}, ...]}
 * Number dimensions are JSON numbers, unknown values null.  With labels,
 * each row also has "<name>_label" in lang. */
json_t *stats_table_json(const struct stats_table *t, int labels, enum vocab_lang lang);

/* ---- figures (figures.c) ----
 *
 * Counts of perpetrators and services (q->subject), and SDG indicator
 * 16.2.2.  The cases counted are those of the query's scope (the national
 * pool being consented, pooled, de-duplicated cases) and filters; each of
 * their perpetrator (service) items counts once, so total_victims of such a
 * table is the number of items counted, and the table's note says so. */

/* The dimensions of a subject's tables (for victims, stats_dimensions),
 * and one by name or alias (NULL if none). */
const struct stats_dimension *stats_subject_dimensions(enum stats_subject s, int *count);
const struct stats_dimension *stats_subject_dimension_find(enum stats_subject s, const char *name);
/* "victims", "perpetrators", "services" to the enum; -1 if none. */
int stats_subject_parse(const char *name);
/* stats_compute for q->subject other than victims (called by it). */
int stats_figures_compute(struct storage *st, const struct stats_query *q, struct stats_table *out,
			  struct sanad_error *err);

/* SDG indicator 16.2.2: victims of trafficking per 100,000 population, for
 * a year, by sex, age group and form of exploitation. */
enum stats_sdg_breakdown {
	STATS_SDG_TOTAL,
	STATS_SDG_SEX,
	STATS_SDG_AGE,          /* Minor/Adult, then the age bands */
	STATS_SDG_SEX_AGE,
	STATS_SDG_EXPLOITATION, /* over the total population */
};

enum stats_sdg_state {
	STATS_SDG_RATE = 0,       /* rate computed */
	STATS_SDG_NO_POPULATION,  /* no population figure for this group */
	STATS_SDG_SUPPRESSED,     /* published: the victim count is suppressed */
};

struct stats_sdg_row {
	enum stats_sdg_breakdown breakdown;
	/* the group: sex code, age group code, form of exploitation code
	 * (NULL where the breakdown does not have it) */
	const char *sex;
	const char *age_group;    /* code of majority_status or age_band */
	const char *exploitation;
	int64_t victims;          /* meaningful unless victims_suppressed */
	int victims_suppressed;
	int64_t population;       /* 0: no figure */
	double rate;              /* per 100,000; meaningful when state is STATS_SDG_RATE */
	enum stats_sdg_state state;
};

struct stats_sdg {
	int year;
	enum stats_scope scope;
	int64_t threshold;        /* > 0: published with this threshold */
	struct stats_sdg_row *rows;
	size_t nrows;
	char *note[2];            /* how to read it, English and Arabic */
};

/* Compute the indicator for year (required) over the cases of q's scope and
 * filters (q->dims, q->year and q->subject are ignored).  threshold > 0
 * publishes: the victim counts come from the same count tables `sanad
 * stats --publish` prints (year x sex x majority, year x age band, year x
 * exploitation), protected by disclosure_publish, and a rate whose count is
 * suppressed there is suppressed too. */
int stats_sdg_16_2_2(struct storage *st, const struct stats_query *q, int year, int64_t threshold,
		     struct stats_sdg *out, struct sanad_error *err);
void stats_sdg_release(struct stats_sdg *s);
/* The indicator as JSON: {"indicator": "16.2.2", "year": Y, "scope": ...,
 * "rows": [{"breakdown": "sex", "sex": "Female", "age_group": null,
 * "exploitation": null, "victims": N|null, "population": N|null,
 * "rate": R|null, "status": "rate"|"no population figure"|"suppressed"}]} */
json_t *stats_sdg_json(const struct stats_sdg *s, enum vocab_lang lang);
/* Name of a breakdown as in CSV and JSON ("total", "sex", "age_group",
 * "sex_age_group", "exploitation"). */
const char *stats_sdg_breakdown_name(enum stats_sdg_breakdown b);

#endif
