#ifndef CHARGEPOINT_SQLITE_SHIM_H
#define CHARGEPOINT_SQLITE_SHIM_H
#include <sqlite3.h>

/* SQLITE_TRANSIENT is a cast macro Swift does not import: SQLite copies the bound text. */
static inline sqlite3_destructor_type cp_sqlite_transient(void) { return SQLITE_TRANSIENT; }

/* The group commit syncs the file system under the databases' write-ahead logs in one call. glibc declares
   syncfs only with _GNU_SOURCE, which Swift's Glibc module does not define. */
extern int syncfs(int fd);
static inline int cp_syncfs(int fd) { return syncfs(fd); }
#endif
