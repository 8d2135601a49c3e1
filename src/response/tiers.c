/*
 * response/tiers.c: importing a published tier history, such as the TIP
 * Report placements 2001-2015 in reference/tip-tiers, so that the report's
 * summary table shows each country's real history next to Sanad's own
 * assessments.
 *
 * The file is CSV with a header naming at least the columns iso, year and
 * tier.  Its quirks, all handled here: alpha-3 country codes (the country
 * vocabulary has them as aliases; KOS for Kosovo too), labels with trailing
 * spaces ("Tier 2    "), the Watch List written "Watchlist", "NA" for a
 * year the country was not ranked, and country names with commas inside
 * quotes.
 */
#include "response/response_internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A tier history is a few thousand lines; anything far larger is not one. */
#define TIER_FILE_MAX (16 * 1024 * 1024)
#define TIER_FIELDS_MAX 32

/* Split one CSV record starting at *pos (RFC 4180: quoted fields, "" for a
 * quote, newlines inside quotes).  Fields are new strings in fields[];
 * returns the number of fields, 0 at the end of the text, -1 on an
 * unterminated quote or too many fields. */
static int csv_record(const char *text, size_t len, size_t *pos, char **fields)
{
	size_t p = *pos;
	int n = 0;
	struct strbuf cell = STRBUF_INIT;

	if (p >= len)
		return 0;
	for (;;) {
		int quoted = p < len && text[p] == '"';
		strbuf_reset(&cell);
		if (quoted) {
			p++;
			for (;;) {
				if (p >= len) {
					strbuf_release(&cell);
					for (int i = 0; i < n; i++)
						free(fields[i]);
					return -1;
				}
				if (text[p] == '"') {
					if (p + 1 < len && text[p + 1] == '"') {
						strbuf_addch(&cell, '"');
						p += 2;
						continue;
					}
					p++;
					break;
				}
				strbuf_addch(&cell, text[p++]);
			}
		}
		while (p < len && text[p] != ',' && text[p] != '\n' && text[p] != '\r')
			strbuf_addch(&cell, text[p++]);
		if (n == TIER_FIELDS_MAX) {
			strbuf_release(&cell);
			for (int i = 0; i < n; i++)
				free(fields[i]);
			return -1;
		}
		fields[n++] = xstrdup(strbuf_str(&cell));
		if (p < len && text[p] == ',') {
			p++;
			continue;
		}
		if (p < len && text[p] == '\r')
			p++;
		if (p < len && text[p] == '\n')
			p++;
		break;
	}
	strbuf_release(&cell);
	*pos = p;
	return n;
}

/* "Tier 1" -> "1" ... "Watchlist" -> "2WL"; "" for NA or empty; NULL if
 * the label is unknown. */
static const char *tier_code(char *label)
{
	static const struct {
		const char *label, *code;
	} labels[] = {
		{ "tier 1", "1" },	      { "1", "1" },	     { "tier 2", "2" },
		{ "2", "2" },		      { "watchlist", "2WL" }, { "watch list", "2WL" },
		{ "tier 2 watch list", "2WL" }, { "tier 2 watchlist", "2WL" }, { "tier 2wl", "2WL" },
		{ "2wl", "2WL" },	      { "tier 3", "3" },	     { "3", "3" },
		{ "na", "" },		      { "", "" },
	};
	trim_ascii(label);
	for (size_t i = 0; i < sizeof(labels) / sizeof(labels[0]); i++)
		if (!ascii_strcasecmp(label, labels[i].label))
			return labels[i].code;
	return NULL;
}

static int read_file(const char *path, char **text, size_t *len, struct sanad_error *err)
{
	FILE *f = fopen(path, "rb");
	struct strbuf sb = STRBUF_INIT;
	char buf[65536];
	size_t n;
	*text = NULL;
	if (!f)
		return sanad_error_set(err, SANAD_EIO, "cannot open %s: %s", path, strerror(errno));
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0) {
		if (sb.len + n > TIER_FILE_MAX) {
			fclose(f);
			strbuf_release(&sb);
			return sanad_error_set(err, SANAD_ELIMIT, "%s is larger than %d MB: not a tier history", path,
					       TIER_FILE_MAX / (1024 * 1024));
		}
		strbuf_add(&sb, buf, n);
	}
	if (ferror(f)) {
		fclose(f);
		strbuf_release(&sb);
		return sanad_error_set(err, SANAD_EIO, "cannot read %s", path);
	}
	fclose(f);
	*len = sb.len;
	*text = strbuf_detach(&sb);
	if (!*text)
		*text = xstrdup("");
	return 0;
}

static void free_fields(char **fields, int n)
{
	for (int i = 0; i < n; i++)
		free(fields[i]);
}

int response_import_tiers(struct storage *st, const char *path, struct response_tier_import *summary,
			  struct sanad_error *err)
{
	char *text, *fields[TIER_FIELDS_MAX];
	size_t len, pos = 0;
	int col_iso = -1, col_year = -1, col_tier = -1, ncols, line = 1, rc;

	memset(summary, 0, sizeof(*summary));
	if ((rc = read_file(path, &text, &len, err)))
		return rc;
	if (!utf8_valid(text, len, NULL)) {
		free(text);
		return sanad_error_set(err, SANAD_EINVAL, "%s is not UTF-8 text", path);
	}
	if (len >= 3 && !memcmp(text, "\xEF\xBB\xBF", 3))
		pos = 3; /* a spreadsheet's byte-order mark */
	ncols = csv_record(text, len, &pos, fields);
	if (ncols <= 0) {
		free(text);
		return sanad_error_set(err, SANAD_EINVAL, "%s: line 1: expected a header with the columns iso, year and tier",
				       path);
	}
	for (int i = 0; i < ncols; i++) {
		trim_ascii(fields[i]);
		if (!ascii_strcasecmp(fields[i], "iso"))
			col_iso = i;
		else if (!ascii_strcasecmp(fields[i], "year"))
			col_year = i;
		else if (!ascii_strcasecmp(fields[i], "tier"))
			col_tier = i;
	}
	free_fields(fields, ncols);
	if (col_iso < 0 || col_year < 0 || col_tier < 0) {
		free(text);
		return sanad_error_set(err, SANAD_EINVAL, "%s: line 1: the header must name the columns iso, year and tier",
				       path);
	}
	if ((rc = storage_begin(st, err))) {
		free(text);
		return rc;
	}
	while (!rc) {
		int n;
		line++;
		n = csv_record(text, len, &pos, fields);
		if (n == 0)
			break;
		if (n < 0) {
			rc = sanad_error_set(err, SANAD_EINVAL, "%s: line %d: unterminated quote or more than %d fields",
					     path, line, TIER_FIELDS_MAX);
			break;
		}
		if (n == 1 && !fields[0][0]) { /* blank line */
			free_fields(fields, n);
			continue;
		}
		summary->rows++;
		if (n <= col_iso || n <= col_year || n <= col_tier) {
			rc = sanad_error_set(err, SANAD_EINVAL, "%s: line %d: %d fields, expected at least %d", path,
					     line, n, 1 + (col_iso > col_year ? (col_iso > col_tier ? col_iso : col_tier)
									      : (col_year > col_tier ? col_year : col_tier)));
		} else {
			const struct vocab_entry *country;
			const char *tier;
			int64_t year;
			trim_ascii(fields[col_iso]);
			trim_ascii(fields[col_year]);
			tier = tier_code(fields[col_tier]);
			country = vocab_find("country", fields[col_iso]);
			if (parse_int64(fields[col_year], 1900, 2200, &year))
				rc = sanad_error_set(err, SANAD_EINVAL, "%s: line %d: year '%.20s' is not a year", path,
						     line, fields[col_year]);
			else if (year < ASSESS_YEAR_MIN || year > ASSESS_YEAR_MAX)
				summary->skipped++;
			else if (!tier)
				rc = sanad_error_set(err, SANAD_EINVAL,
						     "%s: line %d: unknown tier '%.40s' (expected Tier 1, Tier 2, "
						     "Watchlist, Tier 3 or NA)",
						     path, line, fields[col_tier]);
			else if (!*tier)
				summary->not_ranked++;
			else if (!country)
				rc = sanad_error_set(err, SANAD_EINVAL, "%s: line %d: unknown country code '%.20s'", path,
						     line, fields[col_iso]);
			else {
				struct tier_entry e = { 0 };
				snprintf(e.country, sizeof(e.country), "%s", country->code);
				e.year = (int)year;
				e.source = "tip_report";
				e.tier = (char *)tier;
				if (!(rc = storage_tier_put(st, &e, err)))
					summary->stored++;
			}
		}
		free_fields(fields, n);
	}
	free(text);
	if (!rc)
		rc = storage_commit(st, err);
	if (rc) {
		storage_rollback(st);
		memset(summary, 0, sizeof(*summary));
	}
	return rc;
}
