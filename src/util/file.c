/* util/file.c: writing a whole file so that it appears only when complete. */
#include "util/util.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int file_write_atomic(const char *path, const void *data, size_t len, struct sanad_error *err)
{
	size_t n = strlen(path) + 32;
	char *tmp = xmalloc(n);
	FILE *f;
	int ok;

	snprintf(tmp, n, "%s.tmp-%ld", path, (long)getpid());
	f = fopen(tmp, "wx");
	if (!f) {
		sanad_error_set(err, SANAD_EIO, "cannot create %s: %s", tmp, strerror(errno));
		free(tmp);
		return SANAD_EIO;
	}
	ok = fwrite(data, 1, len, f) == len;
	ok = (fclose(f) == 0) && ok;
	if (!ok || rename(tmp, path)) {
		sanad_error_set(err, SANAD_EIO, "cannot write %s: %s", path, strerror(errno));
		remove(tmp);
		free(tmp);
		return SANAD_EIO;
	}
	free(tmp);
	return 0;
}
