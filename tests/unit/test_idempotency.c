/* test_idempotency.c - one answer per (user, Idempotency-Key) as a client that retries meets
 * it, against the real PostgreSQL as bgw_app (tests/unit/pgfix.h; skipped without it): a
 * first request runs, its retry gets the stored answer, a key used for another request is
 * refused, a withheld answer is not replayed, keys are per user, and an expired answer
 * lets the key run again.  The key's syntax is checked without a database. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/arena.h"
#include "http/idempotency.h"
#include "dbfix.h"
#include "pgfix.h"

struct world {
	pgfix *fx;
	bgw_db *db;
	bgw_arena *a;
	const char *alice, *bob;
};

static int
setup(void **state)
{
	struct world *w = calloc(1, sizeof(*w));
	const char *org;

	*state = w;
	if (!dbfix_open_all(&w->fx, &w->db, &w->a, false))
		return 0;
	org = pgfix_org(w->fx, "client");
	w->alice = pgfix_user(w->fx, org);
	w->bob = pgfix_user(w->fx, org);
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

/* One request as the router runs it: claim, then (if new) store answer; committed. */
static bgw_err
request(struct world *w, const char *user, const char *key, const char *method,
    const char *path, const idem_answer *answer, bool *replay, idem_answer *got)
{
	bgw_err err;

	assert_int_equal(db_begin(w->db, user), BGW_OK);
	err = idem_claim(w->db, w->a, user, key, method, path, replay, got);
	if (err == BGW_OK && !*replay)
		err = idem_store(w->db, w->a, user, key, NULL, answer);
	return dbfix_end(w->db, err);
}

static void
test_a_retry_gets_the_first_answer(void **state)
{
	struct world *w = *state;
	const char *key = pgfix_unique(w->fx, "retry");
	idem_answer first = {.status = 201, .content_type = "application/json",
		.body = "{\"id\":\"c1\"}"};
	idem_answer second = {.status = 500, .body = "other"}, got = {0};
	bool replay;

	DBFIX_NEED(w->db);
	assert_int_equal(request(w, w->alice, key, "POST", "/api/v1/projects", &first, &replay,
	    &got), BGW_OK);
	assert_false(replay);
	assert_int_equal(request(w, w->alice, key, "POST", "/api/v1/projects", &second, &replay,
	    &got), BGW_OK);
	assert_true(replay);
	assert_int_equal(got.status, 201);
	assert_string_equal(got.content_type, "application/json");
	assert_string_equal(got.body, "{\"id\":\"c1\"}");
}

static void
test_a_key_is_bound_to_its_request_and_its_user(void **state)
{
	struct world *w = *state;
	const char *key = pgfix_unique(w->fx, "bound");
	idem_answer ans = {.status = 200, .body = "{}"}, got = {0};
	bool replay;

	DBFIX_NEED(w->db);
	assert_int_equal(request(w, w->alice, key, "POST", "/a", &ans, &replay, &got), BGW_OK);
	assert_int_equal(request(w, w->alice, key, "POST", "/b", &ans, &replay, &got),
	    BGW_E_VALIDATION);
	assert_int_equal(request(w, w->alice, key, "PATCH", "/a", &ans, &replay, &got),
	    BGW_E_VALIDATION);
	/* another user's key of the same spelling is another key */
	assert_int_equal(request(w, w->bob, key, "POST", "/b", &ans, &replay, &got), BGW_OK);
	assert_false(replay);
}

static void
test_a_withheld_answer_is_not_replayed(void **state)
{
	struct world *w = *state;
	const char *key = pgfix_unique(w->fx, "secret");
	idem_answer ans = {.status = 201, .content_type = "application/json",
		.body = "{\"code\":\"123456\"}", .withheld = true}, got = {0};
	const char *p[2] = {w->alice, key};
	bool replay;

	DBFIX_NEED(w->db);
	assert_int_equal(request(w, w->alice, key, "POST", "/code", &ans, &replay, &got), BGW_OK);
	assert_int_equal(request(w, w->alice, key, "POST", "/code", &ans, &replay, &got),
	    BGW_E_REPLAY_WITHHELD);
	assert_true(replay);
	/* the secret never reached the table */
	assert_int_equal(pgfix_count(w->fx, "SELECT 1 FROM idempotency_keys WHERE user_id = $1 "
	    "AND key = $2 AND body IS NULL AND status = 201", 2, p), 1);
}

static void
test_an_expired_answer_lets_the_key_run_again(void **state)
{
	struct world *w = *state;
	const char *key = pgfix_unique(w->fx, "old");
	const char *p[2] = {w->alice, key};
	idem_answer ans = {.status = 200, .body = "{}"}, got = {0};
	long long removed = 0;
	bool replay;

	DBFIX_NEED(w->db);
	assert_int_equal(request(w, w->alice, key, "POST", "/x", &ans, &replay, &got), BGW_OK);
	(void)pgfix_sql(w->fx, "UPDATE idempotency_keys SET created_at = now() - interval "
	    "'25 hours' WHERE user_id = $1 AND key = $2", 2, p);
	/* a new request with that key runs anew, even for another path */
	assert_int_equal(request(w, w->alice, key, "POST", "/y", &ans, &replay, &got), BGW_OK);
	assert_false(replay);
	/* and the batch job's expiry removes what is old, not what is fresh */
	(void)pgfix_sql(w->fx, "UPDATE idempotency_keys SET created_at = now() - interval "
	    "'25 hours' WHERE user_id = $1 AND key = $2", 2, p);
	assert_int_equal(db_begin(w->db, w->alice), BGW_OK);
	assert_int_equal(idem_expire(w->db, w->a, "2999-01-01T00:00:00Z", &removed), BGW_OK);
	assert_int_equal(db_commit(w->db), BGW_OK);
	assert_int_equal(pgfix_count(w->fx, "SELECT 1 FROM idempotency_keys WHERE user_id = $1 "
	    "AND key = $2", 2, p), 0);
}

static void
test_key_syntax(void **state)
{
	(void)state;
	assert_true(idem_key_valid("abcdefgh"));
	assert_true(idem_key_valid("A1_b2.c3:d4-e5"));
	assert_false(idem_key_valid("short"));
	assert_false(idem_key_valid("with space"));
	assert_false(idem_key_valid("日本語のキーです"));
	assert_false(idem_key_valid(NULL));
	{
		char k[102];

		memset(k, 'a', 101);
		k[101] = '\0';
		assert_false(idem_key_valid(k));
		k[100] = '\0';
		assert_true(idem_key_valid(k));
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_a_retry_gets_the_first_answer),
		cmocka_unit_test(test_a_key_is_bound_to_its_request_and_its_user),
		cmocka_unit_test(test_a_withheld_answer_is_not_replayed),
		cmocka_unit_test(test_an_expired_answer_lets_the_key_run_again),
		cmocka_unit_test(test_key_syntax),
	};

	return cmocka_run_group_tests_name("idempotency", tests, setup, teardown);
}
