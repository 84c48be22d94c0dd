/* test_throttle.c - failure counters (lib/auth/throttle.h) against the real PostgreSQL: a key
 * is let through until its failures reach the limit inside the window, then locked for
 * lock_s whatever it sends; a success forgets its failures; keys and buckets do not share
 * counts; an old window starts again.  Without BGW_TEST_PG every case skips. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "auth/throttle.h"
#include "authfix.h"

static authfix *fx;

/* A rule of the tests' own bucket: three failures a minute lock for a minute. */
static const throttle_rule three = {"unit_test", 3, 60, 60};

static void
test_limit_locks_key(void **state)
{
	const char *key;

	(void)state;
	AUTHFIX_NEED(fx);
	key = pgfix_unique(fx->pg, "key");
	for (int i = 0; i < three.limit - 1; i++) {
		assert_int_equal(throttle_check(fx->db, fx->a, &three, key), BGW_OK);
		assert_int_equal(throttle_fail(fx->db, fx->a, &three, key), BGW_OK);
	}
	assert_int_equal(throttle_check(fx->db, fx->a, &three, key), BGW_OK);
	assert_int_equal(throttle_fail(fx->db, fx->a, &three, key), BGW_OK);
	assert_int_equal(throttle_check(fx->db, fx->a, &three, key), BGW_E_RATE_LIMITED);
	/* Clearing (after a success) forgets the lock too: callers check before they try. */
	assert_int_equal(throttle_clear(fx->db, fx->a, &three, key), BGW_OK);
	assert_int_equal(throttle_check(fx->db, fx->a, &three, key), BGW_OK);
}

static void
test_clear_forgets_failures(void **state)
{
	const char *key;

	(void)state;
	AUTHFIX_NEED(fx);
	key = pgfix_unique(fx->pg, "key");
	assert_int_equal(throttle_fail(fx->db, fx->a, &three, key), BGW_OK);
	assert_int_equal(throttle_fail(fx->db, fx->a, &three, key), BGW_OK);
	assert_int_equal(throttle_clear(fx->db, fx->a, &three, key), BGW_OK);
	/* Counting starts again: two more are still under the limit. */
	assert_int_equal(throttle_fail(fx->db, fx->a, &three, key), BGW_OK);
	assert_int_equal(throttle_fail(fx->db, fx->a, &three, key), BGW_OK);
	assert_int_equal(throttle_check(fx->db, fx->a, &three, key), BGW_OK);
}

static void
test_keys_and_buckets_apart(void **state)
{
	const char *key, *other;

	(void)state;
	AUTHFIX_NEED(fx);
	key = pgfix_unique(fx->pg, "key");
	other = pgfix_unique(fx->pg, "key");
	for (int i = 0; i < three.limit; i++)
		assert_int_equal(throttle_fail(fx->db, fx->a, &three, key), BGW_OK);
	assert_int_equal(throttle_check(fx->db, fx->a, &three, key), BGW_E_RATE_LIMITED);
	assert_int_equal(throttle_check(fx->db, fx->a, &three, other), BGW_OK);
	assert_int_equal(throttle_check(fx->db, fx->a, &THROTTLE_LOGIN_ACCOUNT, key), BGW_OK);
}

static void
test_old_window_starts_again(void **state)
{
	const char *key;
	const char *p[1];

	(void)state;
	AUTHFIX_NEED(fx);
	key = pgfix_unique(fx->pg, "key");
	p[0] = key;
	for (int i = 0; i < three.limit - 1; i++)
		assert_int_equal(throttle_fail(fx->db, fx->a, &three, key), BGW_OK);
	/* The window has passed: the next failure is the first of a new one. */
	pgfix_sql(fx->pg, "UPDATE throttle SET window_start = now() - interval '2 minutes' "
	    "WHERE bucket = 'unit_test' AND key = $1", 1, p);
	assert_int_equal(throttle_fail(fx->db, fx->a, &three, key), BGW_OK);
	assert_int_equal(throttle_check(fx->db, fx->a, &three, key), BGW_OK);
	assert_string_equal(pgfix_sql(fx->pg, "SELECT failures FROM throttle "
	    "WHERE bucket = 'unit_test' AND key = $1", 1, p), "1");
	/* And a lock ends when its time is up. */
	for (int i = 0; i < three.limit; i++)
		assert_int_equal(throttle_fail(fx->db, fx->a, &three, key), BGW_OK);
	assert_int_equal(throttle_check(fx->db, fx->a, &three, key), BGW_E_RATE_LIMITED);
	pgfix_sql(fx->pg, "UPDATE throttle SET locked_until = now() - interval '1 second' "
	    "WHERE bucket = 'unit_test' AND key = $1", 1, p);
	assert_int_equal(throttle_check(fx->db, fx->a, &three, key), BGW_OK);
}

static void
test_rules_as_documented(void **state)
{
	(void)state;
	/* docs/security.md: 5 failures in 15 minutes lock an account for 15. */
	assert_int_equal(THROTTLE_LOGIN_ACCOUNT.window_s, 15 * 60);
	assert_int_equal(THROTTLE_LOGIN_ACCOUNT.limit, 5);
	assert_int_equal(THROTTLE_LOGIN_ACCOUNT.lock_s, 15 * 60);
	assert_string_equal(THROTTLE_RESET_ADDRESS.bucket, "reset_address");
}

static int
setup(void **state)
{
	(void)state;
	fx = authfix_open();
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	authfix_close(fx);
	return 0;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_limit_locks_key),
		cmocka_unit_test(test_clear_forgets_failures),
		cmocka_unit_test(test_keys_and_buckets_apart),
		cmocka_unit_test(test_old_window_starts_again),
		cmocka_unit_test(test_rules_as_documented),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
