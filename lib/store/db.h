/* db.h - the PostgreSQL connection of one process, and its prepared statements.
 *
 * Every statement sits in a statement table (a db_stmt array ending with {NULL}) and is
 * prepared once per connection; callers run statements only by name with text parameters,
 * never SQL text.  A lost connection makes calls answer BGW_E_UNAVAILABLE; the next
 * db_ensure reconnects and prepares again, so a worker recovers by itself after a restart
 * of PostgreSQL.
 */
#ifndef BGW_DB_H
#define BGW_DB_H

#include <stddef.h>

#include "core/arena.h"
#include "core/err.h"

typedef struct db_stmt {
	const char *name; /* unique across all tables */
	const char *sql;  /* $1..$n placeholders only */
	int nparams;
} db_stmt;

typedef struct bgw_db bgw_db;

/* The rows a statement answered.  Opaque outside lib/store/ (it is libpq's result, whose
 * header only the store includes): read it with db_nrows, db_value, db_int, db_isnull. */
typedef struct pg_result db_rows;

/* A handle for conninfo using the NULL-terminated list of statement tables (which must
 * outlive the handle).  Does not connect yet; NULL only on out of memory. */
bgw_db *db_open(const char *conninfo, const db_stmt *const *tables);

/* The application_name the next connection reports to PostgreSQL (pg_stat_activity), by
 * default "balance-gateway"; name must outlive the handle (a string literal). */
void db_set_application_name(bgw_db *db, const char *name);

/* Connect to database dbname instead of conninfo's own (the setup steps reach "postgres"
 * first, then the new database).  Call before db_ensure; dbname must outlive the handle. */
void db_set_database(bgw_db *db, const char *dbname);

/* For the DDL that takes no parameters (db_run_script): name quoted as an SQL identifier,
 * value as a literal, and the SCRAM-SHA-256 verifier of a role's password computed here so
 * the password itself never reaches the server or its log.  Arena memory; NULL when not
 * connected (db_ensure first) or out of memory. */
char *db_quote_ident(bgw_db *db, bgw_arena *a, const char *name);
char *db_quote_literal(bgw_db *db, bgw_arena *a, const char *value);
char *db_password_verifier(bgw_db *db, bgw_arena *a, const char *user, const char *password);

/* Close the connection and free the handle.  NULL is allowed. */
void db_close(bgw_db *db);

/* Connect (or reconnect after a failure) and prepare every statement.  BGW_OK, or
 * BGW_E_UNAVAILABLE while PostgreSQL cannot be reached, or BGW_E_INTERNAL if a statement
 * does not prepare (a bug: logged with its name). */
bgw_err db_ensure(bgw_db *db);

/* Connect if need be and run a trivial query (health_ping of stmt_core, which the handle's
 * tables must include): BGW_OK when PostgreSQL answers, else db_ensure's or db_exec's
 * error.  For health checks and status lines. */
bgw_err db_ping(bgw_db *db, bgw_arena *a);

/* Prepare one more statement table (ending with {NULL}, outliving the handle) on the open
 * connection, for statements that can only be prepared once the objects they name exist
 * (the migration runner's own table).  A reconnect by db_ensure prepares it again.
 * BGW_OK; BGW_E_UNAVAILABLE if not connected or the connection is lost; BGW_E_INTERNAL if a
 * statement does not prepare (logged) or too many tables were added. */
bgw_err db_prepare(bgw_db *db, const db_stmt *table);

/* Run a script of SQL statements (a migration file: our own text from the installed
 * package, never user input) through the simple-query protocol, in the current transaction
 * if one is open.  what names it in the log ("apply migration 0001_x.sql"), where a failure
 * is logged with the server's whole message and its position.  BGW_OK, or the mapped
 * SQLSTATE, or BGW_E_UNAVAILABLE if the connection is lost.  Nothing else sends SQL text. */
bgw_err db_run_script(bgw_db *db, const char *what, const char *sql);

/* Run the prepared statement name with nparams text parameters (a NULL entry is SQL NULL).
 * nparams must match the table.  On BGW_OK and res != NULL, *res holds the result, freed by
 * the arena's reset; with res == NULL the result is freed at once.  Errors: SQLSTATE mapped
 * by db_map_sqlstate, BGW_E_UNAVAILABLE if the connection is lost (it will be re-made by the
 * next db_ensure). */
bgw_err db_exec(bgw_db *db, bgw_arena *a, const char *name, int nparams,
    const char *const *params, db_rows **res);

/* One statement of a batch: name, its text parameters, and where to put its result (NULL:
 * not wanted). */
typedef struct db_call {
	const char *name;
	int nparams;
	const char *const *params;
	db_rows **res;
} db_call;

/* Run n statements in order in one round trip (libpq pipeline mode).  Each wanted result
 * is set as db_exec would set it (owned by the arena).  The first failure is returned and
 * the statements after it are not run; outside an explicit transaction the batch runs as
 * one implicit transaction, so a failure undoes the statements before it too.  Errors as
 * db_exec; a broken pipeline drops the connection (BGW_E_UNAVAILABLE). */
bgw_err db_exec_batch(bgw_db *db, bgw_arena *a, const db_call *calls, size_t n);

/* BEGIN a transaction and, when user_id is not NULL, bind it for row-level security with
 * set_config('app.user_id', user_id, true) so it ends with the transaction. */
bgw_err db_begin(bgw_db *db, const char *user_id);

/* BEGIN followed by up to DB_BEGIN_WITH_MAX calls, all in one round trip (a request's
 * session, user binding and target come back with its BEGIN).  Results as db_exec_batch;
 * on any error the transaction is rolled back.  A call that binds the user must do it as
 * db_set_user does: set_config('app.user_id', id, true). */
#define DB_BEGIN_WITH_MAX 4
bgw_err db_begin_with(bgw_db *db, bgw_arena *a, const db_call *calls, size_t n);

/* A read that needs no BEGIN and COMMIT of its own: up to DB_READ_MAX calls in one round
 * trip, run by PostgreSQL as one implicit transaction (everything up to a pipeline's Sync),
 * with user_id, when not NULL, bound first as db_begin binds it.  The binding, and any
 * set_config(..., true) of the calls, end with the round trip.  Reconnects first if needed
 * (db_ensure).  Results and errors as db_exec_batch; BGW_E_INTERNAL inside an open
 * transaction, whose statements belong in db_exec_batch. */
#define DB_READ_MAX 6
bgw_err db_read(bgw_db *db, bgw_arena *a, const char *user_id, const db_call *calls, size_t n);

/* COMMIT; on error the transaction is rolled back and the mapped error returned.  When the
 * answer to COMMIT is lost with the connection, the commit may have happened: db_commit
 * then reconnects and asks PostgreSQL (pg_xact_status) for up to 15 s, and answers BGW_OK
 * if it did commit, BGW_E_UNAVAILABLE if it did not or nobody could tell in time. */
bgw_err db_commit(bgw_db *db);

/* ROLLBACK if a transaction is open; safe to call at any time. */
void db_rollback(bgw_db *db);

/* Map a SQLSTATE once for the whole project: 23505 -> BGW_E_CONFLICT, 40001/40P01 ->
 * BGW_E_RETRY, class 08 / 57P0x -> BGW_E_UNAVAILABLE, 22xxx/23xxx -> BGW_E_VALIDATION, else
 * BGW_E_INTERNAL. */
bgw_err db_map_sqlstate(const char *sqlstate);

/* The number of rows of a result, and of its columns. */
int db_nrows(const db_rows *res);
int db_ncols(const db_rows *res);

/* The number of rows an INSERT, UPDATE or DELETE changed (0 for other statements). */
long long db_affected(const db_rows *res);

/* Value of row r, column c of a result as a string ("" for NULL; owned by the result). */
const char *db_value(const db_rows *res, int r, int c);

/* The same value as an integer, for integer and count columns: 0 for NULL or for text that
 * is not entirely a base-10 integer in range (which PostgreSQL never sends for those). */
long long db_int(const db_rows *res, int r, int c);

/* 1 if the value is SQL NULL. */
int db_isnull(const db_rows *res, int r, int c);

/* Column c of every row of a result as a NULL-terminated array in arena a (the strings stay
 * the result's), *n (may be NULL) the count: a list of ids.  NULL on out of memory. */
const char **db_column(bgw_arena *a, const db_rows *res, int c, int *n);

#endif
