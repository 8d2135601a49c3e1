/* util/error.c: the error struct that carries a human message upwards. */
#include "util/util.h"

#include <stdio.h>
#include <string.h>

int sanad_error_set(struct sanad_error *err, int code, const char *fmt, ...)
{
	if (err) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(err->message, sizeof(err->message), fmt, ap);
		va_end(ap);
		err->code = code;
	}
	return code;
}

int sanad_error_prefix(struct sanad_error *err, const char *fmt, ...)
{
	char prefix[512], old[sizeof(err->message)];
	va_list ap;

	if (!err)
		return SANAD_EINVAL;
	va_start(ap, fmt);
	vsnprintf(prefix, sizeof(prefix), fmt, ap);
	va_end(ap);
	memcpy(old, err->message, sizeof(old));
	{
		/* truncation is acceptable: messages are for people, and the
		 * prefix (the row or field) matters most */
		size_t n = strlen(prefix);
		if (n >= sizeof(err->message))
			n = sizeof(err->message) - 1;
		memcpy(err->message, prefix, n);
		size_t rest = sizeof(err->message) - 1 - n, olen = strlen(old);
		if (olen > rest)
			olen = rest;
		memcpy(err->message + n, old, olen);
		err->message[n + olen] = '\0';
	}
	return err->code;
}

void sanad_error_clear(struct sanad_error *err)
{
	if (err) {
		err->code = 0;
		err->message[0] = '\0';
	}
}

const char *sanad_status_name(int code)
{
	switch (code) {
	case SANAD_OK: return "ok";
	case SANAD_EINVAL: return "invalid";
	case SANAD_EIO: return "io";
	case SANAD_ENOTFOUND: return "not_found";
	case SANAD_EEXIST: return "exists";
	case SANAD_EDB: return "database";
	case SANAD_ELIMIT: return "limit";
	case SANAD_EPERM: return "forbidden";
	case SANAD_ECONFLICT: return "conflict";
	}
	return "error";
}
