/* stats/engine.c: placeholder -- counts through stats_compute until the
 * bitmap engine lands (issue 5 item 5). */
#include "stats/stats.h"

#include <pthread.h>

struct stats_engine {
	pthread_mutex_t lock;
};

int stats_engine_open(struct stats_engine **out, struct sanad_error *err)
{
	(void)err;
	*out = xcalloc(1, sizeof(**out));
	pthread_mutex_init(&(*out)->lock, NULL);
	return 0;
}

void stats_engine_close(struct stats_engine *e)
{
	if (!e)
		return;
	pthread_mutex_destroy(&e->lock);
	free(e);
}

int stats_engine_compute(struct stats_engine *e, struct storage *st, const struct stats_query *q,
			 struct stats_table *out, struct sanad_error *err)
{
	int rc;
	pthread_mutex_lock(&e->lock);
	rc = stats_compute(st, q, out, err);
	pthread_mutex_unlock(&e->lock);
	return rc;
}
