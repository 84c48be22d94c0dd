/* stmt_dbsetup.c - the statements of lib/store/dbsetup.c (a new host's database, as the
 * superuser); all SQL text lives under lib/store/ (stmt.h). */
#include "store/stmt.h"

const db_stmt stmt_dbsetup[] = {
	{"dbsetup_database_exists", "SELECT 1 FROM pg_database WHERE datname = $1", 1},
	{NULL, NULL, 0},
};
