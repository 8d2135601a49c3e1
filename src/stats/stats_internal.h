/* stats/stats_internal.h: shared between the stats module's files only
 * (engine.c counts, compute.c turns counts into a struct stats_table). */
#ifndef SANAD_STATS_INTERNAL_H
#define SANAD_STATS_INTERNAL_H

#include "stats/stats.h"

/* Check q's dimensions and fill t's columns' dim and name (t zeroed by the
 * caller).  Errors as stats_compute's. */
int stats_resolve_dims(const struct stats_query *q, struct stats_table *t, struct sanad_error *err);

/* One cell of a cross-tab as the engine counts it: per column an index into
 * that column's codes (stats_table_finish), and the count. */
struct stats_cell {
	uint32_t value[STATS_MAX_DIMS];
	int64_t count;
};

/* Complete t (columns resolved): column d's values are codes[d][0..ncodes[d])
 * (NULL: unknown), each occurring in some cell; the cells become the rows in
 * display order, with labels and the note.  Organisation names are read
 * from st for an organisation column. */
int stats_table_finish(struct stats_table *t, struct storage *st, char **const *codes, const uint32_t *ncodes,
		       const struct stats_cell *cells, size_t ncells, struct sanad_error *err);

/* e will answer one query and be closed: it may read only the values a
 * filter needs of an index used for nothing else. */
void stats_engine_one_shot(struct stats_engine *e);

/* stats_engine_select, also giving what duplicates_merged would be. */
int stats_engine_select_merged(struct stats_engine *e, struct storage *st, const struct stats_query *q,
			       uint32_t **ids, size_t *n, int64_t *merged, struct sanad_error *err);

#endif
