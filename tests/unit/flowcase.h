/* flowcase.h - what the lib/flow use-case tests share: the application's connection (as
 * bgw_app, so row-level security applies), the owner's fixture (pgfix.h) and an arena, and
 * running a use case the way the router does: inside db_begin(user) ... COMMIT/ROLLBACK.
 *
 * Static inline functions: each test program includes it once.  Without BGW_TEST_PG and
 * BGW_TEST_PG_OWNER (./dev test unit sets both) flowcase_setup leaves *state NULL and each
 * case skips. */
#ifndef BGW_TEST_FLOWCASE_H
#define BGW_TEST_FLOWCASE_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/arena.h"
#include "core/kv.h"
#include "store/db.h"
#include "mail/outbox.h"
#include "store/stmt.h"
#include "pgfix.h"

typedef struct flowcase {
	pgfix *f;
	bgw_db *db;
	bgw_arena *a;
} flowcase;

/* The worker's statement tables (cgi/worker.c), as the use cases need them. */
static const db_stmt *const flowcase_tables[] = {stmt_core, stmt_outbox, stmt_audit,
	stmt_session, stmt_throttle, stmt_user, stmt_target, stmt_mfa, stmt_account, stmt_invite,
	stmt_project, stmt_operator, stmt_confirmation, stmt_confflow, stmt_idempotency,
	stmt_document, stmt_auditview, stmt_comment, stmt_verifyref, stmt_certified, stmt_desk, NULL};

static inline int
flowcase_setup(void **state)
{
	const char *conninfo = getenv("BGW_TEST_PG");
	flowcase *c;

	*state = NULL;
	if (conninfo == NULL || conninfo[0] == '\0' || getenv("BGW_TEST_PG_OWNER") == NULL)
		return 0;
	c = calloc(1, sizeof(*c));
	if (c == NULL || (c->f = pgfix_open()) == NULL || (c->a = bgw_arena_new()) == NULL ||
	    (c->db = db_open(conninfo, flowcase_tables)) == NULL || db_ensure(c->db) != BGW_OK)
		return -1;
	*state = c;
	return 0;
}

static inline int
flowcase_teardown(void **state)
{
	flowcase *c = *state;

	if (c == NULL)
		return 0;
	db_close(c->db);
	bgw_arena_free(c->a);
	pgfix_close(c->f);
	free(c);
	return 0;
}

/* The case's fixture, or skip the case when there is no database. */
static inline flowcase *
flowcase_get(void **state)
{
	if (*state == NULL)
		skip();
	return *state;
}

/* Begin user_id's transaction (row-level security as that user), as the router does. */
static inline void
flowcase_begin(flowcase *c, const char *user_id)
{
	assert_int_equal(db_begin(c->db, user_id), BGW_OK);
}

/* End it: COMMIT, or ROLLBACK when commit is false (what a failed request does). */
static inline void
flowcase_end(flowcase *c, bool commit)
{
	if (commit)
		assert_int_equal(db_commit(c->db), BGW_OK);
	else
		db_rollback(c->db);
}

/* How many audit events of project_id have action (as the owner reads the log). */
static inline long
flowcase_events(flowcase *c, const char *project_id, const char *action)
{
	const char *p[] = {project_id, action};

	return pgfix_count(c->f, "SELECT 1 FROM audit_events WHERE project_id = $1 AND action = $2",
	    2, p);
}

/* The first field error's name ("" when none). */
static inline const char *
flowcase_field(const bgw_kv *errors)
{
	return errors != NULL ? errors->key : "";
}

#endif
