/* test_account.c - the account use cases (lib/auth/account.h) against the real PostgreSQL:
 * password change, password reset (request, mail, single-use completion, the address's
 * budget), operator lock and unlock, as the account page, the reset pages and the operators
 * meet them.  Invitations are test_invite.c's.  Without BGW_TEST_PG every case skips. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "auth/account.h"
#include "auth/session.h"
#include "auth/throttle.h"
#include "auth/token.h"
#include "authfix.h"

#define NEW_PASSWORD "a brand new passphrase of mine"

static authfix *fx;

/* Does password sign email in?  (The sign-in use case, as the form runs it.) */
static bgw_err
try_sign_in(const char *email, const char *password)
{
	session_sign_in_in in = {.email = email, .password = password};
	session_sign_in_out out;
	auth_caller who = authfix_caller(fx, NULL, NULL);

	return session_sign_in(fx->db, fx->a, &fx->env, &who, &in, &out);
}

static bgw_err
change(const char *user_id, const char *session_id, const char *current, const char *fresh,
    bgw_kv **errors)
{
	bgw_user u = authfix_load(fx, user_id);
	auth_caller who = authfix_caller(fx, &u, session_id);
	account_password_in in = {.current = current, .fresh = fresh};
	bgw_err err;

	*errors = NULL;
	assert_int_equal(db_begin(fx->db, user_id), BGW_OK);
	err = account_change_password(fx->db, fx->a, &fx->env, &who, &in, errors);
	return authfix_end(fx, err);
}

static void
test_change_password(void **state)
{
	const char *email, *id, *mine, *mine_id, *other;
	bgw_kv *errors;

	(void)state;
	AUTHFIX_NEED(fx);
	id = authfix_user(fx, "client", &email);
	mine = authfix_session(fx, id, &mine_id);
	other = authfix_session(fx, id, NULL);
	/* The current password is checked first. */
	assert_int_equal(change(id, mine_id, "not my password", NEW_PASSWORD, &errors),
	    BGW_E_VALIDATION);
	assert_string_equal(kv_get(errors, "current_password"), "wrong");
	assert_null(kv_get(errors, "new_password"));
	/* The policy names its rule. */
	assert_int_equal(change(id, mine_id, AUTHFIX_PASSWORD, "short", &errors),
	    BGW_E_VALIDATION);
	assert_string_equal(kv_get(errors, "new_password"), PASSWORD_TOO_SHORT);
	assert_int_equal(change(id, mine_id, AUTHFIX_PASSWORD, "PasswordPassword", &errors),
	    BGW_E_VALIDATION);
	assert_string_equal(kv_get(errors, "new_password"), PASSWORD_TOO_COMMON);
	assert_int_equal(authfix_events(fx, "password.change", id), 0);
	assert_true(authfix_session_live(fx, other));
	/* Changed: the other sessions end, this one stays, the new password works. */
	assert_int_equal(change(id, mine_id, AUTHFIX_PASSWORD, NEW_PASSWORD, &errors), BGW_OK);
	assert_true(authfix_session_live(fx, mine));
	assert_false(authfix_session_live(fx, other));
	assert_int_equal(authfix_events(fx, "password.change", id), 1);
	assert_int_equal(try_sign_in(email, AUTHFIX_PASSWORD), BGW_E_INVALID_CREDENTIALS);
	assert_int_equal(try_sign_in(email, NEW_PASSWORD), BGW_OK);
}

/* Ask for a reset of email as the reset form does: the address's budget, then the request
 * in a transaction. */
static bgw_err
request_reset(const char *email)
{
	auth_caller who = authfix_caller(fx, NULL, NULL);
	bgw_err err = account_reset_admit(fx->db, fx->a, &who);

	if (err != BGW_OK)
		return err;
	assert_int_equal(db_begin(fx->db, NULL), BGW_OK);
	err = account_request_reset(fx->db, fx->a, &fx->env, &who, email);
	assert_int_equal(db_commit(fx->db), BGW_OK);
	return err;
}

/* The token of the reset link in the last mail to email. */
static const char *
mailed_token(const char *email)
{
	const char *p[1] = {email};

	return pgfix_sql(fx->pg, "SELECT substring(body from "
	    "'password-reset\\?token=([A-Za-z0-9_-]+)') FROM outbox WHERE to_address = $1 AND kind = 'password_reset' "
	    "ORDER BY created_at DESC LIMIT 1", 1, p);
}

static bgw_err
complete_reset(const char *token, const char *password, bgw_kv **errors)
{
	auth_caller who = authfix_caller(fx, NULL, NULL);
	account_reset_in in = {.token = token, .password = password};
	bgw_err err;

	*errors = NULL;
	assert_int_equal(db_begin(fx->db, NULL), BGW_OK);
	err = account_complete_reset(fx->db, fx->a, &fx->env, &who, &in, errors);
	return authfix_end(fx, err);
}

static void
test_reset_by_mail_single_use(void **state)
{
	const char *email, *id, *token, *session;
	bgw_kv *errors;

	(void)state;
	AUTHFIX_NEED(fx);
	authfix_ip(fx);
	id = authfix_user(fx, "respondent", &email);
	session = authfix_session(fx, id, NULL);
	assert_int_equal(request_reset(email), BGW_OK);
	assert_int_equal(authfix_events(fx, "password.reset_requested", id), 1);
	token = mailed_token(email);
	assert_int_equal(strlen(token), TOKEN_LEN);
	/* A refused password gives the token back (the transaction rolls back). */
	assert_int_equal(complete_reset(token, "short", &errors), BGW_E_VALIDATION);
	assert_string_equal(kv_get(errors, "password"), PASSWORD_TOO_SHORT);
	assert_int_equal(complete_reset(token, NEW_PASSWORD, &errors), BGW_OK);
	assert_int_equal(authfix_events(fx, "password.reset", id), 1);
	/* Whoever had the old password is out; the new one works. */
	assert_false(authfix_session_live(fx, session));
	assert_int_equal(try_sign_in(email, NEW_PASSWORD), BGW_OK);
	/* The link works once. */
	assert_int_equal(complete_reset(token, "yet another passphrase", &errors),
	    BGW_E_VALIDATION);
	assert_string_equal(kv_get(errors, "token"), "invalid_or_expired");
	assert_int_equal(complete_reset("made-up", NEW_PASSWORD, &errors), BGW_E_VALIDATION);
	assert_string_equal(kv_get(errors, "token"), "invalid_or_expired");
}

static void
test_reset_newer_link_voids_older(void **state)
{
	const char *email, *first;
	bgw_kv *errors;

	(void)state;
	AUTHFIX_NEED(fx);
	authfix_ip(fx);
	authfix_user(fx, "client", &email);
	assert_int_equal(request_reset(email), BGW_OK);
	first = mailed_token(email);
	assert_int_equal(request_reset(email), BGW_OK);
	assert_string_not_equal(mailed_token(email), first);
	assert_int_equal(complete_reset(first, NEW_PASSWORD, &errors), BGW_E_VALIDATION);
	assert_int_equal(complete_reset(mailed_token(email), NEW_PASSWORD, &errors), BGW_OK);
}

static void
test_reset_unknown_address_same_answer(void **state)
{
	const char *email;
	const char *p[1];

	(void)state;
	AUTHFIX_NEED(fx);
	authfix_ip(fx);
	email = bgw_arena_printf(fx->a, "%s@example.test", pgfix_unique(fx->pg, "nobody"));
	p[0] = email;
	assert_int_equal(request_reset(email), BGW_OK);
	assert_int_equal(pgfix_count(fx->pg, "SELECT 1 FROM outbox WHERE to_address = $1", 1, p),
	    0);
}

static void
test_reset_address_budget(void **state)
{
	const char *email;

	(void)state;
	AUTHFIX_NEED(fx);
	authfix_ip(fx);
	email = bgw_arena_printf(fx->a, "%s@example.test", pgfix_unique(fx->pg, "nobody"));
	for (int i = 0; i < THROTTLE_RESET_ADDRESS.limit; i++)
		assert_int_equal(request_reset(email), BGW_OK);
	assert_int_equal(request_reset(email), BGW_E_RATE_LIMITED);
	/* Another address has its own budget. */
	authfix_ip(fx);
	assert_int_equal(request_reset(email), BGW_OK);
}

static bgw_err
operator_sets(const char *operator_id, const char *user_id, bool lock)
{
	bgw_user op = authfix_load(fx, operator_id);
	auth_caller who = authfix_caller(fx, &op, NULL);
	bgw_err err;

	assert_int_equal(db_begin(fx->db, operator_id), BGW_OK);
	err = lock ? account_lock(fx->db, fx->a, &who, user_id) :
	    account_unlock(fx->db, fx->a, &who, user_id);
	return authfix_end(fx, err);
}

static void
test_operator_lock_unlock(void **state)
{
	const char *op, *email, *id, *session, *other_op;

	(void)state;
	AUTHFIX_NEED(fx);
	op = authfix_user(fx, "operator", NULL);
	other_op = authfix_user(fx, "operator", NULL);
	id = authfix_user(fx, "audit_firm", &email);
	session = authfix_session(fx, id, NULL);
	assert_int_equal(operator_sets(op, id, true), BGW_OK);
	/* Locked: its sessions ended at once, the right password no longer signs in. */
	assert_false(authfix_session_live(fx, session));
	assert_int_equal(try_sign_in(email, AUTHFIX_PASSWORD), BGW_E_INVALID_CREDENTIALS);
	assert_int_equal(authfix_events(fx, "operator.lock", id), 1);
	assert_int_equal(operator_sets(op, id, false), BGW_OK);
	assert_int_equal(authfix_events(fx, "operator.unlock", id), 1);
	assert_int_equal(try_sign_in(email, AUTHFIX_PASSWORD), BGW_OK);
	/* Operators are never locked; an unknown account is not found. */
	assert_int_equal(operator_sets(op, other_op, true), BGW_E_NOT_FOUND);
	assert_int_equal(authfix_events(fx, "operator.lock", other_op), 0);
	assert_int_equal(operator_sets(op, "no-such-user", true), BGW_E_NOT_FOUND);
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
		cmocka_unit_test(test_change_password),
		cmocka_unit_test(test_reset_by_mail_single_use),
		cmocka_unit_test(test_reset_newer_link_voids_older),
		cmocka_unit_test(test_reset_unknown_address_same_answer),
		cmocka_unit_test(test_reset_address_budget),
		cmocka_unit_test(test_operator_lock_unlock),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
