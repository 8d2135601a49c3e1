/* util/text.c: UTF-8 validation, integers, dates and small string helpers. */
#include "util/util.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

int utf8_valid(const char *s, size_t n, size_t *bad_offset)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;

	while (i < n) {
		unsigned char c = p[i];
		size_t len;
		uint32_t cp;

		if (c < 0x80) {
			i++;
			continue;
		} else if (c >= 0xC2 && c <= 0xDF) {
			len = 2; cp = c & 0x1F;
		} else if (c >= 0xE0 && c <= 0xEF) {
			len = 3; cp = c & 0x0F;
		} else if (c >= 0xF0 && c <= 0xF4) {
			len = 4; cp = c & 0x07;
		} else {
			goto bad;
		}
		if (i + len > n)
			goto bad;
		for (size_t k = 1; k < len; k++) {
			if ((p[i + k] & 0xC0) != 0x80)
				goto bad;
			cp = (cp << 6) | (p[i + k] & 0x3F);
		}
		if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10FFFF)) ||
		    (cp >= 0xD800 && cp <= 0xDFFF))
			goto bad;
		i += len;
	}
	return 1;
bad:
	if (bad_offset)
		*bad_offset = i;
	return 0;
}

size_t utf8_length(const char *s, size_t n)
{
	size_t count = 0;
	for (size_t i = 0; i < n; i++)
		if (((unsigned char)s[i] & 0xC0) != 0x80)
			count++;
	return count;
}

int parse_int64(const char *s, int64_t min, int64_t max, int64_t *out)
{
	char *end;
	long long v;

	if (!s || !*s)
		return SANAD_EINVAL;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno || *end || end == s || v < min || v > max)
		return SANAD_EINVAL;
	*out = v;
	return 0;
}

int ascii_strcasecmp(const char *a, const char *b)
{
	for (;; a++, b++) {
		int ca = (unsigned char)*a, cb = (unsigned char)*b;
		if (ca >= 'A' && ca <= 'Z') ca += 32;
		if (cb >= 'A' && cb <= 'Z') cb += 32;
		if (ca != cb || !ca)
			return ca - cb;
	}
}

char *trim_ascii(char *s)
{
	char *start = s, *end;
	while (*start == ' ' || *start == '\t' || *start == '\r' || *start == '\n')
		start++;
	end = start + strlen(start);
	while (end > start && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\r' || end[-1] == '\n'))
		end--;
	memmove(s, start, (size_t)(end - start));
	s[end - start] = '\0';
	return s;
}

static int is_leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

int date_valid(int year, int month, int day)
{
	static const int mdays[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	if (year < 1900 || year > 2200 || month < 1 || month > 12 || day < 1)
		return 0;
	return day <= mdays[month - 1] + (month == 2 && is_leap(year));
}

static int two_digits(const char *s)
{
	if (s[0] < '0' || s[0] > '9' || s[1] < '0' || s[1] > '9')
		return -1;
	return (s[0] - '0') * 10 + (s[1] - '0');
}

int date_parse(const char *s, struct sanad_date *out, struct sanad_error *err)
{
	size_t n = strlen(s);
	int y1, y2, m, d;

	if (n < 10 || s[4] != '-' || s[7] != '-' || (n > 10 && s[10] != 'T' && s[10] != ' '))
		return sanad_error_set(err, SANAD_EINVAL,
				       "'%.40s' is not a date in the form YYYY-MM-DD", s);
	y1 = two_digits(s);
	y2 = two_digits(s + 2);
	m = two_digits(s + 5);
	d = two_digits(s + 8);
	if (y1 < 0 || y2 < 0 || m < 0 || d < 0)
		return sanad_error_set(err, SANAD_EINVAL,
				       "'%.40s' is not a date in the form YYYY-MM-DD", s);
	if (!date_valid(y1 * 100 + y2, m, d))
		return sanad_error_set(err, SANAD_EINVAL,
				       "'%.10s' is not a real calendar date (years 1900-2200)", s);
	out->year = y1 * 100 + y2;
	out->month = m;
	out->day = d;
	return 0;
}

void date_format(const struct sanad_date *d, char out[11])
{
	/* fields are range-checked by date_valid; clamp so the output always fits */
	unsigned y = (unsigned)d->year % 10000u, m = (unsigned)d->month % 100u, dd = (unsigned)d->day % 100u;
	out[0] = (char)('0' + y / 1000); out[1] = (char)('0' + y / 100 % 10);
	out[2] = (char)('0' + y / 10 % 10); out[3] = (char)('0' + y % 10); out[4] = '-';
	out[5] = (char)('0' + m / 10); out[6] = (char)('0' + m % 10); out[7] = '-';
	out[8] = (char)('0' + dd / 10); out[9] = (char)('0' + dd % 10); out[10] = '\0';
}

struct sanad_date date_today(void)
{
	time_t now = time(NULL);
	struct tm tm;
	struct sanad_date d;
	gmtime_r(&now, &tm);
	d.year = tm.tm_year + 1900;
	d.month = tm.tm_mon + 1;
	d.day = tm.tm_mday;
	return d;
}

int date_years_between(const struct sanad_date *birth, const struct sanad_date *at)
{
	int years = at->year - birth->year;
	if (at->month < birth->month || (at->month == birth->month && at->day < birth->day))
		years--;
	return years < 0 ? -1 : years;
}

long date_to_days(const struct sanad_date *d)
{
	/* Howard Hinnant's days_from_civil. */
	int y = d->year - (d->month <= 2);
	long era = (y >= 0 ? y : y - 399) / 400;
	unsigned yoe = (unsigned)(y - era * 400);
	unsigned doy = (153u * (unsigned)(d->month + (d->month > 2 ? -3 : 9)) + 2) / 5 + (unsigned)d->day - 1;
	unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (long)doe - 719468;
}
