/* dbfix.h - what the use-case tests of records, files and mail share beside pgfix.h: the
 * application's connection (BGW_TEST_PG, every statement table prepared, as a worker has
 * it) and a request's transaction as the router runs it. */
#ifndef BGW_TEST_DBFIX_H
#define BGW_TEST_DBFIX_H

#include <stdbool.h>

#include "core/arena.h"
#include "store/db.h"
#include "pgfix.h"

/* The application role's connection with the worker's statement tables, connected; NULL
 * when BGW_TEST_PG is not set (the caller skips).  Failures end the test. */
bgw_db *dbfix_open(void);

/* The owner role's connection (bgw_owner, as the operators' tools run: config db_owner),
 * derived from BGW_TEST_PG, with the same tables and the tools' own; NULL when BGW_TEST_PG
 * is not set.  Row-level security does not apply to it: a test binds its own rows. */
bgw_db *dbfix_open_owner(void);

/* A use-case test's world in one call: the owner's fixture (pgfix_open), the application's
 * connection (owner: the owner role's, dbfix_open_owner) and an arena.  false, with
 * everything NULL, when the environment names no database (the cases skip: DBFIX_NEED). */
bool dbfix_open_all(pgfix **fx, bgw_db **db, bgw_arena **a, bool owner);

/* Close what dbfix_open_all opened (NULLs allowed). */
void dbfix_close_all(pgfix *fx, bgw_db *db, bgw_arena *a);

/* End a request's transaction as the router does: commit after BGW_OK (the case fails if
 * the commit does), roll back otherwise.  Answers err. */
bgw_err dbfix_end(bgw_db *db, bgw_err err);

/* Skip the case when there is no database. */
#define DBFIX_NEED(db) \
	do { \
		if ((db) == NULL) \
			skip(); \
	} while (0)

#endif
