/* stmt.h - the statement tables: every SQL statement of the project, by name.
 *
 * Each area keeps its statements in one table here (stmt_<area>.c), so a reviewer reads all
 * SQL in one place and db_ensure prepares it all at connect.  Names are unique across every
 * table; db.c also reserves the names starting with "db_" (db_begin, db_commit,
 * db_rollback, db_set_user).  Statements name tables without a schema: bgw_app's
 * search_path is "bgw, public" (db/roles.sql).
 */
#ifndef BGW_STMT_H
#define BGW_STMT_H

#include "store/db.h"

/* Statements every program needs (health checks); ends with {NULL}. */
extern const db_stmt stmt_core[];

#endif
