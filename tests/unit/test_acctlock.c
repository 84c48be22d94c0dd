/* test_acctlock.c - an operator locks and unlocks an account from the command line
 * (bgw-admin lock / unlock), on the owner's connection, against the real PostgreSQL
 * (tests/unit/pgfix.h; skipped without it): the account is locked with no end and loses
 * its sessions, unlocking clears the failed attempts, both are on record, and an unknown
 * e-mail is not found. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

#include "auth/acctlock.h"
#include "core/arena.h"
#include "dbfix.h"
#include "pgfix.h"

struct world {
	pgfix *fx;
	bgw_db *db;
	bgw_arena *a;
};

static int
setup(void **state)
{
	struct world *w = calloc(1, sizeof(*w));

	*state = w;
	if (!dbfix_open_all(&w->fx, &w->db, &w->a, true))
		return 0;
	return 0;
}

static int
teardown(void **state)
{
	struct world *w = *state;

	dbfix_close_all(w->fx, w->db, w->a);
	free(w);
	return 0;
}

static bgw_err
set(struct world *w, const char *email, bool lock, const char **uid)
{
	bgw_err err;

	assert_int_equal(db_begin(w->db, NULL), BGW_OK);
	err = acctlock_set(w->db, w->a, email, lock, uid);
	return dbfix_end(w->db, err);
}

static void
test_lock_ends_sessions_and_unlock_clears_attempts(void **state)
{
	struct world *w = *state;
	const char *user, *email, *uid = NULL, *p[1];

	DBFIX_NEED(w->db);
	user = pgfix_user(w->fx, pgfix_org(w->fx, "client"));
	p[0] = user;
	email = pgfix_sql(w->fx, "SELECT email FROM users WHERE id = $1", 1, p);
	(void)pgfix_sql(w->fx, "INSERT INTO sessions (token_hash, user_id, csrf_hash, expires_at) "
	    "VALUES (gen_random_bytes(32), $1, gen_random_bytes(32), now() + interval '1 hour')",
	    1, p);
	(void)pgfix_sql(w->fx, "UPDATE users SET failed_logins = 3 WHERE id = $1", 1, p);

	assert_int_equal(set(w, email, true, &uid), BGW_OK);
	assert_string_equal(uid, user);
	assert_int_equal(pgfix_count(w->fx, "SELECT 1 FROM users WHERE id = $1 AND "
	    "locked_until = 'infinity'", 1, p), 1);
	assert_int_equal(pgfix_count(w->fx, "SELECT 1 FROM sessions WHERE user_id = $1", 1, p),
	    0);
	assert_int_equal(pgfix_count(w->fx, "SELECT 1 FROM audit_events WHERE object_id = $1 "
	    "AND action = 'admin.lock' AND project_id IS NULL", 1, p), 1);

	assert_int_equal(set(w, email, false, NULL), BGW_OK);
	assert_int_equal(pgfix_count(w->fx, "SELECT 1 FROM users WHERE id = $1 AND "
	    "locked_until IS NULL AND failed_logins = 0", 1, p), 1);
	assert_int_equal(pgfix_count(w->fx, "SELECT 1 FROM audit_events WHERE object_id = $1 "
	    "AND action = 'admin.unlock'", 1, p), 1);
}

static void
test_an_unknown_email_is_not_found(void **state)
{
	struct world *w = *state;

	DBFIX_NEED(w->db);
	assert_int_equal(set(w, "nobody-at-all@example.test", true, NULL), BGW_E_NOT_FOUND);
	assert_int_equal(set(w, "nobody-at-all@example.test", false, NULL), BGW_E_NOT_FOUND);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lock_ends_sessions_and_unlock_clears_attempts),
		cmocka_unit_test(test_an_unknown_email_is_not_found),
	};

	return cmocka_run_group_tests_name("acctlock", tests, setup, teardown);
}
