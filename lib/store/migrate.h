/* migrate.h - apply the numbered SQL files of db/migrations to a database, once each.
 *
 * A migration is a file NNNN_name.sql (four digits, then lower-case letters, digits and
 * '_').  Applied files are recorded in bgw.schema_migrations with their SHA-256; an applied
 * file may never change or disappear, and a new file may not be numbered below the newest
 * applied one.  The runner connects as the schema owner (bgw_owner, after db/roles.sql).
 */
#ifndef BGW_MIGRATE_H
#define BGW_MIGRATE_H

#include "core/err.h"

/* Apply, in numeric order, every migration of dir not yet applied to the database of
 * conninfo, each in its own transaction together with its record.  A session advisory lock
 * makes a second runner wait until the first is done (it then finds nothing to do).
 * *applied_count (may be NULL) is set to the number of files applied by this call.
 * Returns BGW_OK; BGW_E_IO if dir or a file cannot be read; BGW_E_VALIDATION if dir holds a
 * .sql file with a malformed name, two files of one number, a file too large or holding a
 * NUL byte; BGW_E_INVALID_STATE, with nothing applied, if an applied file changed, is
 * missing, or a new file is numbered below the newest applied one; BGW_E_UNAVAILABLE if
 * PostgreSQL cannot be reached; otherwise the error of the failed migration (its
 * transaction rolled back, earlier files of this run stay applied).  Every refusal is
 * logged naming the file. */
bgw_err migrate_apply(const char *conninfo, const char *dir, int *applied_count);

/* Check dir against the database as migrate_apply would, without applying anything:
 * *pending_count (may be NULL) is set to the number of files not yet applied.  The same
 * errors as migrate_apply; the schema_migrations table is not created if missing (all
 * files then count as pending). */
bgw_err migrate_status(const char *conninfo, const char *dir, int *pending_count);

#endif
