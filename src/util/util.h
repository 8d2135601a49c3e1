/*
 * util: the small pieces every module needs — the error struct that carries a
 * human message up to the caller, allocation wrappers, a growable string
 * buffer, UTF-8 validation and calendar dates.
 *
 * Conventions (see docs/architecture.md): a fallible function returns 0 on
 * success or a negative SANAD_E* code, and fills the caller's struct
 * sanad_error with a message that names the row, field or limit at fault.
 * Library code never calls exit(); only main() and command functions do.
 */
#ifndef SANAD_UTIL_H
#define SANAD_UTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

enum sanad_status {
	SANAD_OK = 0,
	SANAD_EINVAL = -1,   /* input does not satisfy a rule */
	SANAD_EIO = -2,      /* file or device error */
	SANAD_ENOTFOUND = -3,
	SANAD_EEXIST = -4,
	SANAD_EDB = -5,      /* the database refused or failed */
	SANAD_ELIMIT = -6,   /* a size or count limit was exceeded */
	SANAD_EPERM = -7,    /* not allowed for this role or consent */
	SANAD_ECONFLICT = -8 /* someone else changed it first */
};

struct sanad_error {
	int code;
	char message[1024];
};

/* Fill err (which may be NULL) and return code, so callers can write
 * `return sanad_error_set(err, SANAD_EINVAL, "...")`. */
int sanad_error_set(struct sanad_error *err, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Prefix the message already in err with more context ("row 12: " + old). */
int sanad_error_prefix(struct sanad_error *err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void sanad_error_clear(struct sanad_error *err);
/* Short stable name for a status code, e.g. "invalid" for SANAD_EINVAL. */
const char *sanad_status_name(int code);

/* Allocation that aborts on out-of-memory: there is no sane recovery in a
 * case-management server that has run out of memory mid-request, and a
 * half-handled NULL is how data gets lost. */
void *xmalloc(size_t n);
void *xcalloc(size_t count, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
/* Grow *array (of elem_size elements) so that at least need fit. */
#define ALLOC_GROW(array, need, alloc) \
	do { \
		if ((size_t)(need) > (alloc)) { \
			size_t grow_ = (alloc) ? (alloc) * 2 : 16; \
			if (grow_ < (size_t)(need)) grow_ = (need); \
			(array) = xrealloc((array), grow_ * sizeof(*(array))); \
			(alloc) = grow_; \
		} \
	} while (0)

struct strbuf {
	char *buf; /* always NUL-terminated once initialised */
	size_t len;
	size_t alloc;
};
#define STRBUF_INIT { NULL, 0, 0 }
void strbuf_init(struct strbuf *sb);
/* Room for extra more bytes and a terminating NUL, without changing len. */
void strbuf_grow(struct strbuf *sb, size_t extra);
void strbuf_add(struct strbuf *sb, const void *data, size_t n);
void strbuf_addstr(struct strbuf *sb, const char *s);
void strbuf_addch(struct strbuf *sb, char c);
void strbuf_addf(struct strbuf *sb, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void strbuf_reset(struct strbuf *sb);
/* Hand the buffer to the caller (who frees it) and reset sb. */
char *strbuf_detach(struct strbuf *sb);
void strbuf_release(struct strbuf *sb);
/* The buffer's text; "" for a buffer that never grew. */
const char *strbuf_str(const struct strbuf *sb);

/* 1 if s[0..n) is well-formed UTF-8 (no overlongs, no surrogates). On
 * failure *bad_offset (if given) is the byte offset of the first bad byte. */
int utf8_valid(const char *s, size_t n, size_t *bad_offset);
/* Number of code points in well-formed UTF-8. */
size_t utf8_length(const char *s, size_t n);

/* Calendar dates (proleptic Gregorian, years 1900..2200).
 * date_parse accepts YYYY-MM-DD, and also an ISO timestamp whose first ten
 * characters are a date (XForm submissions send those). */
struct sanad_date { int year, month, day; };
int date_parse(const char *s, struct sanad_date *out, struct sanad_error *err);
int date_valid(int year, int month, int day);
void date_format(const struct sanad_date *d, char out[11]);
/* Today in UTC. */
struct sanad_date date_today(void);
/* Whole years between birth and at (age at a date), or -1 if at < birth. */
int date_years_between(const struct sanad_date *birth, const struct sanad_date *at);
/* Days since 1970-01-01 (for comparisons and durations). */
long date_to_days(const struct sanad_date *d);

/* Parse a whole decimal integer in [min, max]; no trailing junk. */
int parse_int64(const char *s, int64_t min, int64_t max, int64_t *out);

/* Case-insensitive ASCII comparison (locale-independent). */
int ascii_strcasecmp(const char *a, const char *b);
/* Trim ASCII white space at both ends, in place; returns s. */
char *trim_ascii(char *s);

/* Write len bytes to path through a temporary file beside it and a rename,
 * so a failure never leaves a half-written file where the old one was
 * (reports, assessments and exports written with --output). */
int file_write_atomic(const char *path, const void *data, size_t len, struct sanad_error *err);

/* CSV output (RFC 4180).  csv_cell appends one field to sb: quoted when it
 * holds a comma, quote, CR or LF.  With guard_formula, a value a spreadsheet
 * would run as a formula (starting with = + - @, tab or CR) or one starting
 * with an apostrophe gets a leading apostrophe, which readers of Sanad's
 * own exports strip again (csv_unguard). */
void csv_cell(struct strbuf *sb, const char *value, int guard_formula);
/* Undo csv_cell's formula guard in place: a leading apostrophe is removed. */
void csv_unguard(char *value);

#endif
