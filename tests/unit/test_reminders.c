/* test_reminders.c - a project's reminder schedule as the audit admin edits it, against the
 * real PostgreSQL (tests/unit/pgfix.h; skipped without BGW_TEST_PG): read, changed slot by
 * slot (kept, off, set) with an event, refused out of range with the field named and
 * nothing changed, and invisible to an outsider. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/arena.h"
#include "mail/reminders.h"
#include "dbfix.h"
#include "pgfix.h"

struct world {
	pgfix *fx;
	bgw_db *db;
	bgw_arena *a;
	const char *firm, *client, *admin, *outsider;
};

static int
setup(void **state)
{
	struct world *w = calloc(1, sizeof(*w));

	*state = w;
	if (!dbfix_open_all(&w->fx, &w->db, &w->a, false))
		return 0;
	w->firm = pgfix_org(w->fx, "audit_firm");
	w->client = pgfix_org(w->fx, "client");
	w->admin = pgfix_user(w->fx, w->firm);
	w->outsider = pgfix_user(w->fx, pgfix_org(w->fx, "audit_firm"));
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

static const char *
project(struct world *w)
{
	const char *pid = pgfix_project(w->fx, w->firm, w->client);

	pgfix_member(w->fx, pid, w->admin, "audit", true, NULL);
	return pid;
}

static bgw_err
set(struct world *w, const char *user, const char *pid, const reminders_set_in *in,
    reminders_schedule *out, bgw_kv **errors)
{
	bgw_err err;

	assert_int_equal(db_begin(w->db, user), BGW_OK);
	err = reminders_set(w->db, w->a, user, "192.0.2.3", pid, in, out, errors);
	return dbfix_end(w->db, err);
}

static bgw_err
get(struct world *w, const char *user, const char *pid, reminders_schedule *out)
{
	bgw_err err;

	assert_int_equal(db_begin(w->db, user), BGW_OK);
	err = reminders_get(w->db, w->a, pid, out);
	db_rollback(w->db);
	return err;
}

static void
test_the_admin_changes_slot_by_slot_on_record(void **state)
{
	struct world *w = *state;
	reminders_set_in in;
	reminders_schedule s, before;
	bgw_kv *errors = NULL;
	const char *pid, *p[1];

	DBFIX_NEED(w->db);
	pid = project(w);
	p[0] = pid;
	assert_int_equal(get(w, w->admin, pid, &before), BGW_OK);
	memset(&in, 0, sizeof(in));
	in.change[REMINDERS_BEFORE] = REMINDERS_SET;
	in.days[REMINDERS_BEFORE] = 7;
	in.change[REMINDERS_EVERY] = REMINDERS_OFF;
	assert_int_equal(set(w, w->admin, pid, &in, &s, &errors), BGW_OK);
	assert_null(errors);
	assert_true(s.on[REMINDERS_BEFORE]);
	assert_int_equal(s.days[REMINDERS_BEFORE], 7);
	assert_false(s.on[REMINDERS_EVERY]);
	/* kept as it was */
	assert_int_equal(s.on[REMINDERS_AFTER], before.on[REMINDERS_AFTER]);
	assert_int_equal(s.days[REMINDERS_AFTER], before.days[REMINDERS_AFTER]);
	/* read back as stored, and on record */
	assert_int_equal(get(w, w->admin, pid, &s), BGW_OK);
	assert_int_equal(s.days[REMINDERS_BEFORE], 7);
	assert_false(s.on[REMINDERS_EVERY]);
	assert_int_equal(pgfix_count(w->fx, "SELECT 1 FROM audit_events WHERE project_id = $1 "
	    "AND action = 'project.reminders'", 1, p), 1);
	assert_string_equal(reminders_names[REMINDERS_EVERY], "every_days");
}

static void
test_out_of_range_names_the_field_and_changes_nothing(void **state)
{
	static const struct {
		enum reminders_slot slot;
		long long days;
		bool invalid;
	} bad[] = {
		{REMINDERS_BEFORE, -1, false},
		{REMINDERS_AFTER, REMINDERS_DAYS_MAX + 1, false},
		{REMINDERS_EVERY, 0, false}, /* every day forever */
		{REMINDERS_AFTER, 3, true},  /* not a number */
	};
	struct world *w = *state;
	const char *pid, *p[1];

	DBFIX_NEED(w->db);
	pid = project(w);
	p[0] = pid;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		reminders_set_in in;
		reminders_schedule s;
		bgw_kv *errors = NULL;

		memset(&in, 0, sizeof(in));
		in.change[REMINDERS_BEFORE] = REMINDERS_SET; /* a good one beside it */
		in.days[REMINDERS_BEFORE] = 3;
		in.change[bad[i].slot] = REMINDERS_SET;
		in.days[bad[i].slot] = bad[i].days;
		in.invalid[bad[i].slot] = bad[i].invalid;
		assert_int_equal(set(w, w->admin, pid, &in, &s, &errors), BGW_E_VALIDATION);
		assert_non_null(errors);
		assert_string_equal(errors->key, reminders_names[bad[i].slot]);
		assert_string_equal(errors->value, "out_of_range");
	}
	assert_int_equal(pgfix_count(w->fx, "SELECT 1 FROM audit_events WHERE project_id = $1 "
	    "AND action = 'project.reminders'", 1, p), 0);
}

static void
test_the_edges_of_the_range_are_allowed(void **state)
{
	struct world *w = *state;
	reminders_set_in in;
	reminders_schedule s;
	bgw_kv *errors = NULL;

	DBFIX_NEED(w->db);
	memset(&in, 0, sizeof(in));
	for (int i = 0; i < REMINDERS_NSLOTS; i++)
		in.change[i] = REMINDERS_SET;
	in.days[REMINDERS_BEFORE] = 0;
	in.days[REMINDERS_AFTER] = REMINDERS_DAYS_MAX;
	in.days[REMINDERS_EVERY] = 1;
	assert_int_equal(set(w, w->admin, project(w), &in, &s, &errors), BGW_OK);
	assert_int_equal(s.days[REMINDERS_AFTER], REMINDERS_DAYS_MAX);
	assert_int_equal(s.days[REMINDERS_EVERY], 1);
}

static void
test_an_outsider_finds_no_schedule(void **state)
{
	struct world *w = *state;
	reminders_schedule s;

	DBFIX_NEED(w->db);
	assert_int_equal(get(w, w->outsider, project(w), &s), BGW_E_NOT_FOUND);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_the_admin_changes_slot_by_slot_on_record),
		cmocka_unit_test(test_out_of_range_names_the_field_and_changes_nothing),
		cmocka_unit_test(test_the_edges_of_the_range_are_allowed),
		cmocka_unit_test(test_an_outsider_finds_no_schedule),
	};

	return cmocka_run_group_tests_name("reminders", tests, setup, teardown);
}
