/* dbfix.c - the application's connection for use-case tests (dbfix.h). */
#include "dbfix.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "mail/outbox.h"
#include "store/stmt.h"

/* As cgi/worker.c and bgw-notify prepare them: a use case may run any of them. */
static const db_stmt *const tables[] = {stmt_core, stmt_outbox, stmt_audit, stmt_session,
	stmt_throttle, stmt_user, stmt_target, stmt_mfa, stmt_account, stmt_invite, stmt_project,
	stmt_operator, stmt_confirmation, stmt_confflow, stmt_idempotency, stmt_document,
	stmt_metrics, stmt_h_notify, stmt_auditview, stmt_comment, stmt_confexport,
	stmt_confimport, stmt_verifyref, stmt_bulkanswer, stmt_org, stmt_notify, stmt_auditcp, stmt_prefs,
	stmt_receiptpdf, stmt_certified, stmt_desk, NULL};

/* The tools' tables on top (bgw-admin's owner connection). */
static const db_stmt *const owner_tables[] = {stmt_core, stmt_outbox, stmt_audit,
	stmt_session, stmt_user, stmt_invite, stmt_project, stmt_operator, stmt_confirmation,
	stmt_confflow, stmt_document, stmt_metrics, stmt_admin_ops, stmt_admin_audit, stmt_firm,
	stmt_auditcp, stmt_notify, stmt_idempotency, NULL};

static bgw_db *
open_as(const char *conninfo, const db_stmt *const *list)
{
	bgw_db *db = db_open(conninfo, list);

	if (db == NULL)
		fail_msg("dbfix: out of memory");
	if (db_ensure(db) != BGW_OK)
		fail_msg("dbfix: cannot connect or prepare (%s)", conninfo);
	return db;
}

bgw_db *
dbfix_open_owner(void)
{
	const char *app = getenv("BGW_TEST_PG");
	const char *at;
	char conninfo[1024];

	if (app == NULL || app[0] == '\0')
		return NULL;
	if ((at = strstr(app, "user=bgw_app")) == NULL)
		fail_msg("dbfix: BGW_TEST_PG does not name user=bgw_app");
	snprintf(conninfo, sizeof(conninfo), "%.*suser=bgw_owner%s", (int)(at - app), app,
	    at + strlen("user=bgw_app"));
	return open_as(conninfo, owner_tables);
}

bgw_db *
dbfix_open(void)
{
	const char *conninfo = getenv("BGW_TEST_PG");

	if (conninfo == NULL || conninfo[0] == '\0')
		return NULL;
	return open_as(conninfo, tables);
}

bool
dbfix_open_all(pgfix **fx, bgw_db **db, bgw_arena **a, bool owner)
{
	*db = NULL;
	*a = NULL;
	if ((*fx = pgfix_open()) == NULL)
		return false;
	*db = owner ? dbfix_open_owner() : dbfix_open();
	if (*db == NULL)
		fail_msg("dbfix: BGW_TEST_PG_OWNER is set but BGW_TEST_PG is not");
	if ((*a = bgw_arena_new()) == NULL)
		fail_msg("dbfix: out of memory");
	return true;
}

void
dbfix_close_all(pgfix *fx, bgw_db *db, bgw_arena *a)
{
	if (a != NULL)
		bgw_arena_free(a);
	db_close(db);
	pgfix_close(fx);
}

bgw_err
dbfix_end(bgw_db *db, bgw_err err)
{
	if (err == BGW_OK)
		assert_int_equal(db_commit(db), BGW_OK);
	else
		db_rollback(db);
	return err;
}
