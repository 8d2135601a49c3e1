/*
 * exporter/export.c: the entry point shared by the formats — option checks,
 * the read snapshot that makes an export consistent, and the rule for which
 * fields an export writes.
 */
#include "exporter/exporter_internal.h"

#include <errno.h>
#include <string.h>

int export_format_parse(const char *name)
{
	if (!name)
		return -1;
	if (!strcmp(name, "htcds-csv"))
		return EXPORT_HTCDS_CSV;
	if (!strcmp(name, "json"))
		return EXPORT_JSON;
	return -1;
}

int export_field_included(const struct field_def *f, int no_identity)
{
	return !no_identity || !(f->flags & (FF_IDENTITY | FF_NARRATIVE));
}

int export_write(FILE *out, const char *data, size_t n, struct sanad_error *err)
{
	errno = 0;
	if (n && fwrite(data, 1, n, out) != n)
		return sanad_error_set(err, SANAD_EIO, "writing the export: %s",
				       errno ? strerror(errno) : "write failed");
	return 0;
}

int export_cases(struct storage *st, enum export_format fmt, const struct export_options *opt,
		 FILE *out, struct sanad_error *err)
{
	static const struct export_options everything = { 0 };
	int own_snapshot, rc;

	if (!opt)
		opt = &everything;
	if (fmt != EXPORT_HTCDS_CSV && fmt != EXPORT_JSON)
		return sanad_error_set(err, SANAD_EINVAL, "unknown export format %d", (int)fmt);
	/* one snapshot: the CSV column set, the organisations and the rows must
	 * describe the same database state (a caller's own transaction is one) */
	own_snapshot = !storage_in_transaction(st);
	if (own_snapshot && (rc = storage_begin_read(st, err)))
		return rc;
	if (opt->org_code) {
		struct organisation o;
		if ((rc = storage_org_get(st, opt->org_code, &o, err)))
			goto out;
		organisation_release(&o);
	}
	rc = fmt == EXPORT_JSON ? export_write_json(st, opt, out, err) : export_write_csv(st, opt, out, err);
	if (!rc && fflush(out) != 0)
		rc = sanad_error_set(err, SANAD_EIO, "writing the export: %s", strerror(errno));
out:
	if (own_snapshot)
		storage_rollback(st);
	return rc;
}
