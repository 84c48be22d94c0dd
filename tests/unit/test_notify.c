/* test_notify.c - the batch job's steps (bgw-notify --once) that a test can run beside
 * others, against the real PostgreSQL as bgw_app (tests/unit/pgfix.h; skipped without it):
 * the run's instant from --now or the database's clock, a bounced request flags its
 * confirmation undeliverable (未達) once and puts it on record, and the clean-up removes
 * expired sessions only.  (Queueing what is due scans every project: the integration
 * suite's notify.test.mjs runs it on a stack of its own.) */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/arena.h"
#include "mail/notify.h"
#include "records/confimport.h"
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
	if (!dbfix_open_all(&w->fx, &w->db, &w->a, false))
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

static void
test_the_runs_instant(void **state)
{
	struct world *w = *state;
	notify_run run = {.db = w->db, .a = w->a};

	DBFIX_NEED(w->db);
	assert_int_equal(notify_set_now(&run, "2026-05-01T09:00:00Z"), BGW_OK);
	assert_non_null(strstr(run.now, "2026-05-01"));
	assert_int_equal(notify_set_now(&run, NULL), BGW_OK);
	assert_true(strlen(run.now) >= 19);
	assert_int_equal(notify_set_now(&run, "2026-05-01 09:00"), BGW_E_VALIDATION);
	assert_int_equal(notify_set_now(&run, "2026-05-01T09:00:00+09"), BGW_E_VALIDATION);
	assert_int_not_equal(notify_set_now(&run, "2026-02-30T00:00:00Z"), BGW_OK);
}

static void
test_a_bounced_request_flags_its_confirmation_once(void **state)
{
	struct world *w = *state;
	static const char csv[] = "group,type,form,respondent_organization,respondent_email,"
	    "respondent_name,as_of,due_date,label,reference,currency,amount\r\n"
	    "1,bank,positive,銀行,bounce@example.test,担当,2026-03-31,2026-04-30,預金,,JPY,1\r\n";
	const char *firm = pgfix_org(w->fx, "audit_firm");
	const char *admin, *pid, *cid, *key, *outbox;
	confimport_run_in in = {.format = CONFIMPORT_CSV, .buf = csv, .len = sizeof(csv) - 1};
	confimport_run_out out;

	DBFIX_NEED(w->db);
	admin = pgfix_user(w->fx, firm);
	pid = pgfix_project(w->fx, firm, pgfix_org(w->fx, "client"));
	pgfix_member(w->fx, pid, admin, "audit", true, NULL);
	in.project_id = pid;
	assert_int_equal(db_begin(w->db, admin), BGW_OK);
	assert_int_equal(confimport_run(w->db, w->a, admin, &in, &out), BGW_OK);
	assert_int_equal(db_commit(w->db), BGW_OK);
	cid = pgfix_sql(w->fx, "UPDATE confirmations SET status = 'sent', sent_at = now() "
	    "WHERE project_id = $1 RETURNING id", 1, (const char *[]){pid});
	key = bgw_arena_printf(w->a, "confirmation_request:%s:%s", cid,
	    pgfix_unique(w->fx, "k"));
	outbox = pgfix_sql(w->fx, "INSERT INTO outbox (natural_key, kind, project_id, to_address, "
	    "subject, body, status, attempts) VALUES ($1, 'confirmation_request', $2, "
	    "'bounce@example.test', 's', 'b', 'failed', 1) RETURNING id", 2,
	    (const char *[]){key, pid});

	assert_int_equal(notify_mark_undeliverable(w->db, w->a, outbox), BGW_OK);
	assert_int_equal(pgfix_count(w->fx, "SELECT 1 FROM confirmations WHERE id = $1 AND "
	    "undeliverable", 1, (const char *[]){cid}), 1);
	assert_int_equal(pgfix_count(w->fx, "SELECT 1 FROM audit_events WHERE object_id = $1 AND "
	    "action = 'notify.undeliverable' AND actor_id IS NULL", 1, (const char *[]){cid}), 1);
	/* again: already flagged, no second event */
	assert_int_equal(notify_mark_undeliverable(w->db, w->a, outbox), BGW_OK);
	assert_int_equal(pgfix_count(w->fx, "SELECT 1 FROM audit_events WHERE object_id = $1 AND "
	    "action = 'notify.undeliverable'", 1, (const char *[]){cid}), 1);
}

static void
test_the_clean_up_removes_expired_sessions_only(void **state)
{
	struct world *w = *state;
	notify_run run = {.db = w->db, .a = w->a};
	const char *user, *p[1];
	long long removed = 0;

	DBFIX_NEED(w->db);
	user = pgfix_user(w->fx, pgfix_org(w->fx, "client"));
	p[0] = user;
	(void)pgfix_sql(w->fx, "INSERT INTO sessions (token_hash, user_id, csrf_hash, created_at, "
	    "expires_at) VALUES (gen_random_bytes(32), $1, gen_random_bytes(32), "
	    "now() - interval '2 hours', now() - interval '1 hour'), (gen_random_bytes(32), $1, "
	    "gen_random_bytes(32), now(), now() + interval '1 hour')", 1, p);
	assert_int_equal(notify_set_now(&run, NULL), BGW_OK);
	assert_int_equal(notify_clean(&run, &removed), BGW_OK);
	assert_true(removed >= 1);
	assert_int_equal(pgfix_count(w->fx, "SELECT 1 FROM sessions WHERE user_id = $1", 1, p),
	    1);
	assert_int_equal(pgfix_count(w->fx, "SELECT 1 FROM sessions WHERE user_id = $1 AND "
	    "expires_at > now()", 1, p), 1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_the_runs_instant),
		cmocka_unit_test(test_a_bounced_request_flags_its_confirmation_once),
		cmocka_unit_test(test_the_clean_up_removes_expired_sessions_only),
	};

	return cmocka_run_group_tests_name("notify", tests, setup, teardown);
}
