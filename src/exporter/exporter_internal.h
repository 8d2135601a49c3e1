/* exporter/exporter_internal.h: shared between the exporter's files only. */
#ifndef SANAD_EXPORTER_INTERNAL_H
#define SANAD_EXPORTER_INTERNAL_H

#include "exporter/exporter.h"

/* The format writers.  Called by export_cases inside its read snapshot,
 * after opt->org_code has been checked; they return 0 or an error. */
int export_write_csv(struct storage *st, const struct export_options *opt, FILE *out,
		     struct sanad_error *err);
int export_write_json(struct storage *st, const struct export_options *opt, FILE *out,
		      struct sanad_error *err);

/* Write n bytes to out; SANAD_EIO (with err filled) when the stream fails. */
int export_write(FILE *out, const char *data, size_t n, struct sanad_error *err);

#endif
