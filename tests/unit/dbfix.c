/* dbfix.c - the application's connection for use-case tests (dbfix.h). */
#include "dbfix.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

#include "mail/outbox.h"
#include "store/stmt.h"

/* As cgi/worker.c and tools/ prepare them: a use case may run any of them. */
static const db_stmt *const tables[] = {stmt_core, stmt_outbox, stmt_audit, stmt_session,
	stmt_throttle, stmt_user, stmt_target, stmt_mfa, stmt_account, stmt_invite, stmt_project,
	stmt_operator, stmt_confirmation, stmt_confflow, stmt_idempotency, stmt_document,
	stmt_metrics, stmt_h_notify, stmt_auditview, stmt_comment, stmt_confexport,
	stmt_confimport, stmt_verifyref, NULL};

bgw_db *
dbfix_open(void)
{
	const char *conninfo = getenv("BGW_TEST_PG");
	bgw_db *db;

	if (conninfo == NULL || conninfo[0] == '\0')
		return NULL;
	db = db_open(conninfo, tables);
	if (db == NULL)
		fail_msg("dbfix: out of memory");
	if (db_ensure(db) != BGW_OK)
		fail_msg("dbfix: cannot connect or prepare as the application");
	return db;
}
