/* stmt_migrate.c - the migration runner's statements (lib/store/migrate.c). */
#include "store/stmt.h"

/* Prepared at connect: nothing here names bgw.schema_migrations except m_create, a utility
 * statement, which PostgreSQL checks only when it runs. */
const db_stmt stmt_migrate[] = {
	{"m_search_path", "SELECT set_config('search_path', $1, false)", 1},
	{"m_try_lock", "SELECT pg_try_advisory_lock($1::bigint)", 1},
	{"m_lock", "SELECT pg_advisory_lock($1::bigint)", 1},
	{"m_exists", "SELECT to_regclass('bgw.schema_migrations') IS NOT NULL", 0},
	{"m_create", "CREATE TABLE bgw.schema_migrations ("
	    "version integer PRIMARY KEY CHECK (version > 0), "
	    "name text NOT NULL, "
	    "sha256 text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'), "
	    "applied_at timestamptz NOT NULL DEFAULT now())", 0},
	{NULL, NULL, 0},
};

/* Prepared (db_prepare) once the table is known to exist. */
const db_stmt stmt_migrate_table[] = {
	{"m_applied", "SELECT version, name, sha256 FROM bgw.schema_migrations ORDER BY version",
	    0},
	{"m_record", "INSERT INTO bgw.schema_migrations (version, name, sha256) "
	    "VALUES ($1::integer, $2, $3)", 3},
	{NULL, NULL, 0},
};
