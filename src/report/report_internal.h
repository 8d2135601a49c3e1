/* report/report_internal.h: shared between the report module's files only. */
#ifndef SANAD_REPORT_INTERNAL_H
#define SANAD_REPORT_INTERNAL_H

#include "report/report.h"
#include "response/response.h"

/* One recommendation of the report year and the programmes answering it. */
struct report_recommendation {
	const struct response_recommendation *rec; /* into report.rows */
	const struct programme **programmes;       /* into report.programmes */
	int nprogrammes;
};

struct report_country {
	char country[3];
	const struct response_finding *finding; /* into report.rows */
	struct response_figures fig;            /* this year */
	struct response_figures prev;           /* the year before */
	struct response_check checks[RESPONSE_CHECK_COUNT];
	const struct assess_record *record;     /* into report.assessment */
	const struct assess_result *result;
	struct report_recommendation *recs;
	int nrecs;
	/* tier of each history year (index 0: year - REPORT_HISTORY_YEARS + 1);
	 * "" when none, and whether it is Sanad's assessment */
	const char *history[REPORT_HISTORY_YEARS];
	int history_assessed[REPORT_HISTORY_YEARS];
	int watch_list_waived; /* the Watch List waiver kept it off Tier 3 this year */
};

struct report {
	int year;
	char from[11], to[11];   /* reporting period */
	char generated[11];      /* date the report was built */
	struct response_rows rows;             /* all years up to year, for the countries */
	struct response_assessment assessment; /* placements up to year */
	struct tier_entry *tiers;
	size_t ntiers;
	struct programme *programmes;
	size_t nprogrammes;
	struct report_country *countries;
	int ncountries;
};

/* ---- a rendered document: the blocks both HTML and PDF lay out ---- */
enum block_kind {
	BLOCK_TITLE,     /* the report's title */
	BLOCK_SUBTITLE,  /* period, date */
	BLOCK_COUNTRY,   /* a country's heading; starts a new page in print */
	BLOCK_HEADING,   /* a section of a country */
	BLOCK_PARAGRAPH,
	BLOCK_ITEM,      /* one item of a bulleted list */
	BLOCK_NOTE,      /* smaller explanatory text */
	BLOCK_TABLE,
};

struct block {
	enum block_kind kind;
	char *text;
	/* tables: nrows rows of ncols cells, row 0 the header, row-major */
	int ncols, nrows;
	char **cells;
	char *anchor; /* HTML id of a country heading, or NULL */
};

struct doc {
	enum vocab_lang lang;
	char *title;
	struct block *blocks;
	size_t nblocks, alloc;
};

/* The narrative of r in lang (narrative.c); release with doc_release. */
void report_doc(const struct report *r, enum vocab_lang lang, struct doc *out);
void doc_release(struct doc *d);

/* Fixed text of key in lang with slots filled (pairs as response_format);
 * a new string. */
char *report_text(const char *key, enum vocab_lang lang, const char *const *pairs);
/* The tier's name ("Tier 2 Watch List"), borrowed. */
const char *report_tier_name(const char *tier_code, enum vocab_lang lang);

#endif
