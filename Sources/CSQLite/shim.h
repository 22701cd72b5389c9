#ifndef CHARGEPOINT_SQLITE_SHIM_H
#define CHARGEPOINT_SQLITE_SHIM_H
#include <sqlite3.h>

/* SQLITE_TRANSIENT is a cast macro Swift does not import: SQLite copies the bound text. */
static inline sqlite3_destructor_type cp_sqlite_transient(void) { return SQLITE_TRANSIENT; }
#endif
