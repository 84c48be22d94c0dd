/* dbfix.h - what the use-case tests of records, files and mail share beside pgfix.h: the
 * application's connection (BGW_TEST_PG, every statement table prepared, as a worker has
 * it) and a request's transaction as the router runs it. */
#ifndef BGW_TEST_DBFIX_H
#define BGW_TEST_DBFIX_H

#include "store/db.h"

/* The application role's connection with the worker's statement tables, connected; NULL
 * when BGW_TEST_PG is not set (the caller skips).  Failures end the test. */
bgw_db *dbfix_open(void);

/* The owner role's connection (bgw_owner, as the operators' tools run: config db_owner),
 * derived from BGW_TEST_PG, with the same tables and the tools' own; NULL when BGW_TEST_PG
 * is not set.  Row-level security does not apply to it: a test binds its own rows. */
bgw_db *dbfix_open_owner(void);

#endif
