/* storage/storage_internal.h: shared between the storage module's files only. */
#ifndef SANAD_STORAGE_INTERNAL_H
#define SANAD_STORAGE_INTERNAL_H

#include "storage/storage.h"

struct migration {
	int version;
	const char *summary;
	const char *sql;
};
extern const struct migration storage_migrations[];
extern const int storage_migration_count;

#endif
