/*
 * domain: what a case is.  One registry describes every field Sanad keeps —
 * the HTCDS 2.0 fields under their standard names (prs_, vic_, per_, cas_,
 * cco_, hte_, spl_, con_) and Sanad's additions (snd_) that the source
 * documents ask for — grouped into the case itself and its repeating parts
 * (trafficking events, services, comments, support plans, consents,
 * referrals, perpetrators).  Import, export, validation, storage and the
 * statistics all walk this registry, so a field is added in one place.
 *
 * A record holds each field as canonical text (or NULL when unknown):
 *   text     trimmed UTF-8 without control characters, at most max_len code points
 *   int      decimal digits in [min, max]
 *   real     a decimal number as written (validated, not reformatted)
 *   date     YYYY-MM-DD, a real calendar day
 *   bool     "true" or "false"
 *   pick     a vocabulary code of field->list
 *   multi    vocabulary codes of field->list in list order, joined by ';'
 * so that export -> import -> export reproduces the same bytes.
 */
#ifndef SANAD_DOMAIN_H
#define SANAD_DOMAIN_H

#include "util/util.h"
#include "vocab/vocab.h"

enum field_kind { FK_TEXT, FK_LONGTEXT, FK_INT, FK_REAL, FK_DATE, FK_BOOL, FK_PICK, FK_MULTI };

enum field_flags {
	FF_IDENTITY = 1 << 0,  /* identifies a person: encrypted at rest, never in statistics */
	FF_NARRATIVE = 1 << 1, /* free text about the person: encrypted at rest */
	FF_REQUIRED = 1 << 2,  /* a record of this group is invalid without it */
	FF_SYSTEM = 1 << 3,    /* maintained by Sanad (references, owning organisation) */
};

enum group_id {
	GROUP_CASE = 0,
	GROUP_EVENT,       /* hte_: recruitment / transit / exploitation events */
	GROUP_SERVICE,     /* services delivered, with mode (in person, remote, phone) */
	GROUP_COMMENT,     /* cco_: case comments */
	GROUP_PLAN,        /* spl_: support plans */
	GROUP_CONSENT,     /* consent given or revoked, per scope */
	GROUP_REFERRAL,    /* outgoing referrals to other organisations */
	GROUP_PERPETRATOR, /* per_: perpetrators linked to the case */
	GROUP_COUNT
};

struct field_def {
	const char *name;  /* column name in CSV, JSON and the database */
	enum field_kind kind;
	const char *list;  /* vocabulary list for FK_PICK / FK_MULTI */
	unsigned flags;
	int64_t min, max;  /* FK_INT range; FK_TEXT/FK_LONGTEXT: max code points */
};

struct group_def {
	enum group_id id;
	const char *name;  /* JSON key of the repeating group, e.g. "events" */
	const char *table; /* database table */
	const struct field_def *fields;
	int nfields;
	int max_items;     /* most items one case may carry */
	int support_data;  /* 1: care and support data behind the firewall */
};

const struct group_def *domain_group(enum group_id id);
/* Find a field by name in any group.  Besides the exact name this accepts the
 * XForm spellings, which put underscores between words (prs_First_Name,
 * vic_Methods_of_Control).  Returns 0 and fills *group / *index, or
 * SANAD_ENOTFOUND. */
int domain_field_find(const char *name, enum group_id *group, int *index);
/* Index of the field called name within group, or -1. */
int domain_field_index(enum group_id group, const char *name);

/* Turn raw input into the canonical text of field f.  Empty input, and "-"
 * (CTDC's unknown), give *out = NULL (unknown).  On success *out is a new
 * string the caller frees.  On failure err names the value and the rule. */
int field_normalise(const struct field_def *f, const char *in, char **out,
		    struct sanad_error *err);

struct record {
	char **value; /* [group->nfields], each NULL or canonical text */
	size_t flat;  /* case_record_flatten: value is one block of this many bytes
	               * holding the texts too; 0: each text is its own allocation */
};

struct record_list {
	struct record *items;
	size_t count, alloc;
};

struct case_record {
	int64_t id;     /* storage row id, 0 before insertion */
	struct record main;
	struct record_list child[GROUP_COUNT]; /* child[GROUP_CASE] is unused */
};

void case_record_init(struct case_record *c);
void case_record_release(struct case_record *c);
/* Append an empty item to a repeating group and return it. */
struct record *case_record_add_item(struct case_record *c, enum group_id g);
/* The record that holds group g's item (main for GROUP_CASE). */
struct record *case_record_item(struct case_record *c, enum group_id g, size_t item);
/* Canonical value of a case field by name, or NULL. */
const char *case_get(const struct case_record *c, const char *field);
/* Set a case field from raw input (normalised); value NULL clears it. */
int case_set(struct case_record *c, const char *field, const char *value,
	     struct sanad_error *err);
/* Set field index i of item rec in group g from raw input. */
int record_set(struct record *rec, enum group_id g, int i, const char *value,
	       struct sanad_error *err);
/* Deep copy. */
void case_record_copy(struct case_record *dst, const struct case_record *src);
/* Move the case's own values (not its repeating parts) into one allocation
 * with their array, so that a record handed to another thread is read
 * there as one stretch of memory and freed with one call (the importer's
 * writer; bench/README.md).  A record already flat is left as it is.  A
 * value set afterwards is its own allocation as usual: case_record_release
 * frees the texts outside the block and then the block.  Code that replaces a value of a flat record must not free a
 * text inside the block: only the importer and the storage insert path,
 * which never do, see flat records. */
void case_record_flatten(struct case_record *c);
/* case_record_init with the case's values (by field index, canonical text
 * or NULL; copied) already in one flat block, as case_record_flatten leaves
 * it: a reader that builds many records makes each with one allocation.
 * only[0..nonly), when given, lists the indexes that may be set (a field
 * may appear twice); values at other indexes are not read. */
void case_record_init_flat(struct case_record *c, const char *const *values, const int *only, int nonly);

/* Which of a case's own fields are set and whether it has repeating parts:
 * what a bulk writer needs to know about a record before it touches the
 * values.  Computed by the thread that built the record, while the record
 * is in that core's cache; read by the writer thread instead of the
 * record's hundred value slots (bench/README.md, eighth session).  It
 * describes the record as it was: a change made since makes it stale. */
struct case_shape {
	uint64_t present[2]; /* bit i set: main.value[i] is set */
	size_t children;     /* items in all repeating groups */
	int wide;            /* the case has more than 128 fields: present is empty */
};
void case_record_shape(const struct case_record *c, struct case_shape *shape);

/* Fill what follows from other fields and is missing: sex from gender, age at
 * identification from the birth date, age band and majority from the age,
 * registration year from the registration or identification date. */
void case_record_derive(struct case_record *c);
/* Rules across fields (dates in order, required fields of repeating items,
 * limits on items).  err names the field and, for items, the group and item
 * number. */
int case_record_validate(const struct case_record *c, struct sanad_error *err);

/* The CTDC age band ("18--20") for an age in years. */
const char *age_band_for(int age);

/* Normalise a person's name for search and matching: Unicode NFKC, case
 * folded, diacritics removed, Arabic letter variants unified (alef with
 * hamza or madda -> alef, ta marbuta -> ha, alef maqsura -> ya, hamza on
 * waw/ya -> waw/ya), tatweel and punctuation dropped, runs of space folded.
 * Returns a new string. */
char *name_normalise(const char *s);

/* The cross-script skeleton of a name, for search and duplicate matching
 * across Arabic and Latin spellings: the normalised name with each word
 * reduced to consonant classes, so محمد, Mohammed and Muhammad all give
 * "mhmd".  Vowels, alef, waw, ain and a word-initial ya are dropped;
 * kh/q/k/c/x, sh/ch/s/sad, th/t/tah, dh/d/dad, z/zah, g/j are grouped;
 * doubled letters and a final h (ta marbuta) are dropped.  A long i (ي; in
 * Latin i, ee, ei, ai, ay...) is kept as "y" only right before the word's
 * last consonant, so Hassan/حسن "hsn" and Hussein/حسين "hsyn" differ while
 * Fatima/فاطمة and Khadija/خديجة drop it; a single Latin i counts as long
 * (Khalid "klyd" misses خالد "kld", Khaled meets it).  The article al-, el-,
 * ال is dropped as a word of its own, and joined to a word when at least
 * two consonants remain (Alahmad = الأحمد = Ahmad; Ali, Alaa keep theirs).
 * عبد/Abd/Abdul/Abdel and ابو/Abu/Abou join the next word, with its
 * article dropped (Abd al-Rahman = Abdulrahman = عبد الرحمن "bdrhmn";
 * Abu Bakr = Abubakar = أبو بكر "bkr").  Ali and Alia both give "l".
 * Words of other scripts are kept as normalised.  Words are separated by
 * one space.  Returns a new string. */
char *name_skeleton(const char *s);

#endif
