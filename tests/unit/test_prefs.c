/* test_prefs.c - notification preferences against PostgreSQL: the defaults of a user who
 * never chose, a partial change keeps the rest, a bad digest changes nothing, and one user
 * never sees or changes another's (row-level security).  Skipped without BGW_TEST_PG. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "mail/prefs.h"
#include "dbfix.h"

struct world {
	pgfix *fx;
	bgw_db *db;
	bgw_arena *a;
	const char *u1, *u2;
};

static int
setup(void **state)
{
	static struct world w;

	memset(&w, 0, sizeof(w));
	if (dbfix_open_all(&w.fx, &w.db, &w.a, false)) {
		const char *org = pgfix_org(w.fx, "audit_firm");

		w.u1 = pgfix_user(w.fx, org);
		w.u2 = pgfix_user(w.fx, org);
	}
	*state = &w;
	return 0;
}

static int
teardown(void **state)
{
	struct world *w = *state;

	dbfix_close_all(w->fx, w->db, w->a);
	return 0;
}

static void
test_defaults_then_partial_change(void **state)
{
	struct world *w = *state;
	prefs_set_in in = {.digest = "weekly", .overdue_alerts = -1, .answer_mail = 1};
	notify_prefs p;
	bgw_kv *errors = NULL;

	DBFIX_NEED(w->db);
	assert_int_equal(db_begin(w->db, w->u1), BGW_OK);
	assert_int_equal(prefs_get(w->db, w->a, w->u1, &p), BGW_OK);
	assert_string_equal(p.digest, "daily");
	assert_true(p.overdue_alerts);
	assert_false(p.answer_mail);
	assert_int_equal(prefs_set(w->db, w->a, w->u1, &in, &p, &errors), BGW_OK);
	assert_string_equal(p.digest, "weekly");
	assert_true(p.overdue_alerts);
	assert_true(p.answer_mail);
	in = (prefs_set_in){.digest = NULL, .overdue_alerts = 0, .answer_mail = -1};
	assert_int_equal(prefs_set(w->db, w->a, w->u1, &in, &p, &errors), BGW_OK);
	assert_string_equal(p.digest, "weekly");
	assert_false(p.overdue_alerts);
	assert_true(p.answer_mail);
	assert_int_equal(dbfix_end(w->db, BGW_OK), BGW_OK);

	assert_int_equal(db_begin(w->db, w->u1), BGW_OK);
	assert_int_equal(prefs_get(w->db, w->a, w->u1, &p), BGW_OK);
	assert_string_equal(p.digest, "weekly");
	assert_false(p.overdue_alerts);
	assert_int_equal(dbfix_end(w->db, BGW_OK), BGW_OK);
}

static void
test_bad_digest_changes_nothing(void **state)
{
	struct world *w = *state;
	prefs_set_in in = {.digest = "hourly", .overdue_alerts = 0, .answer_mail = -1};
	notify_prefs p;
	bgw_kv *errors = NULL;

	DBFIX_NEED(w->db);
	assert_int_equal(db_begin(w->db, w->u2), BGW_OK);
	assert_int_equal(prefs_set(w->db, w->a, w->u2, &in, &p, &errors), BGW_E_VALIDATION);
	assert_non_null(errors);
	assert_string_equal(errors->key, "digest");
	assert_int_equal(prefs_get(w->db, w->a, w->u2, &p), BGW_OK);
	assert_true(p.overdue_alerts);
	dbfix_end(w->db, BGW_E_VALIDATION);
}

/* Bound as u2, u1's row is invisible (the defaults come back) and cannot be written. */
static void
test_other_users_row_is_hidden(void **state)
{
	struct world *w = *state;
	prefs_set_in in = {.digest = "off", .overdue_alerts = -1, .answer_mail = -1};
	notify_prefs p;
	bgw_kv *errors = NULL;

	DBFIX_NEED(w->db);
	assert_int_equal(db_begin(w->db, w->u2), BGW_OK);
	assert_int_equal(prefs_get(w->db, w->a, w->u1, &p), BGW_OK);
	assert_string_equal(p.digest, "daily");
	assert_int_not_equal(prefs_set(w->db, w->a, w->u1, &in, &p, &errors), BGW_OK);
	dbfix_end(w->db, BGW_E_FORBIDDEN);
	assert_string_equal(pgfix_sql(w->fx, "SELECT digest FROM bgw.notification_prefs "
	    "WHERE user_id = $1", 1, &w->u1), "weekly");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults_then_partial_change),
		cmocka_unit_test(test_bad_digest_changes_nothing),
		cmocka_unit_test(test_other_users_row_is_hidden),
	};

	return cmocka_run_group_tests_name("prefs", tests, setup, teardown);
}
