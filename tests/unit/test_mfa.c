/* test_mfa.c - the second factor (lib/auth/mfa.h) against the real PostgreSQL, as the account
 * page and /api/v1/me/mfa meet it: enrolment (a secret, then a first code turns MFA on and
 * hands out recovery codes, every session rotated), codes used once, recovery codes single
 * use, and turning MFA off (the password and a code; never for an operator).  Without
 * BGW_TEST_PG every case skips. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "auth/mfa.h"
#include "authfix.h"

static authfix *fx;

static bool
mfa_on_in_db(const char *user_id)
{
	return strcmp(pgfix_sql(fx->pg, "SELECT mfa_enabled FROM users WHERE id = $1", 1,
	    &user_id), "t") == 0;
}

static bgw_err
confirm(const char *user_id, const char *otp, mfa_session_out *out, bgw_kv **errors)
{
	bgw_user u = authfix_load(fx, user_id);
	auth_caller who = authfix_caller(fx, &u, NULL);
	bgw_err err;

	*errors = NULL;
	assert_int_equal(db_begin(fx->db, user_id), BGW_OK);
	err = mfa_confirm(fx->db, fx->a, &fx->env, &who, otp, out, errors);
	return authfix_end(fx, err);
}

static bgw_err
start(const char *user_id, mfa_start_out *out)
{
	bgw_user u = authfix_load(fx, user_id);
	auth_caller who = authfix_caller(fx, &u, NULL);
	bgw_err err;

	assert_int_equal(db_begin(fx->db, user_id), BGW_OK);
	err = mfa_start(fx->db, fx->a, &fx->env, &who, out);
	return authfix_end(fx, err);
}

static bgw_err
turn_off(const char *user_id, const char *password, const char *otp, mfa_session_out *out,
    bgw_kv **errors)
{
	bgw_user u = authfix_load(fx, user_id);
	auth_caller who = authfix_caller(fx, &u, NULL);
	bgw_err err;

	*errors = NULL;
	assert_int_equal(db_begin(fx->db, user_id), BGW_OK);
	err = mfa_turn_off(fx->db, fx->a, &fx->env, &who, password, otp, out, errors);
	return authfix_end(fx, err);
}

/* Check otp for user_id as a sign-in's second step does (consuming it). */
static bgw_err
verify(const char *user_id, const char *otp)
{
	bgw_err err;

	assert_int_equal(db_begin(fx->db, NULL), BGW_OK);
	err = mfa_verify(fx->db, fx->a, &fx->keys, user_id, otp);
	assert_int_equal(db_commit(fx->db), BGW_OK);
	return err;
}

static void
test_enrolment_confirm_enables(void **state)
{
	const char *id, *before;
	mfa_start_out s;
	mfa_session_out out;
	bgw_kv *errors;
	char code[7];

	(void)state;
	AUTHFIX_NEED(fx);
	id = authfix_user(fx, "audit_firm", NULL);
	before = authfix_session(fx, id, NULL);
	/* No enrolment started: the code cannot be right. */
	assert_int_equal(confirm(id, "123456", &out, &errors), BGW_E_VALIDATION);
	assert_string_equal(kv_get(errors, "otp"), "no_enrolment");
	assert_int_equal(start(id, &s), BGW_OK);
	assert_int_equal(strlen(s.secret), MFA_SECRET_B32_LEN);
	assert_non_null(strstr(s.uri, "otpauth://totp/"));
	assert_non_null(strstr(s.uri, s.secret));
	/* Not on until a code proves the authenticator has the secret. */
	assert_false(mfa_on_in_db(id));
	assert_int_equal(confirm(id, "000000", &out, &errors), BGW_E_VALIDATION);
	assert_string_equal(kv_get(errors, "otp"), "wrong");
	assert_false(mfa_on_in_db(id));
	authfix_totp(s.secret, 0, code);
	assert_int_equal(confirm(id, code, &out, &errors), BGW_OK);
	assert_true(mfa_on_in_db(id));
	assert_int_equal(authfix_events(fx, "mfa.enable", id), 1);
	for (int i = 0; i < MFA_RECOVERY_CODES; i++)
		assert_int_equal(strlen(out.codes[i]), 14); /* XXXX-XXXX-XXXX */
	/* Every earlier session ended; the caller has a new one. */
	assert_false(authfix_session_live(fx, before));
	assert_true(authfix_session_live(fx, out.token));
	assert_int_equal(strlen(out.csrf), SESSION_TOKEN_LEN);
	/* A second enrolment while on is refused. */
	assert_int_equal(start(id, &s), BGW_E_INVALID_STATE);
}

static void
test_codes_once(void **state)
{
	const char *id;
	char secret[MFA_SECRET_B32_LEN + 1], code[7], **recovery;

	(void)state;
	AUTHFIX_NEED(fx);
	id = authfix_user(fx, "client", NULL);
	authfix_mfa_on(fx, id, secret, &recovery);
	authfix_totp(secret, 0, code);
	assert_int_equal(verify(id, code), BGW_OK);
	assert_int_equal(verify(id, code), BGW_E_INVALID_CREDENTIALS);
	/* A code of a step already passed is refused too. */
	authfix_totp(secret, -1, code);
	assert_int_equal(verify(id, code), BGW_E_INVALID_CREDENTIALS);
	/* A recovery code works once. */
	assert_int_equal(verify(id, recovery[0]), BGW_OK);
	assert_int_equal(verify(id, recovery[0]), BGW_E_INVALID_CREDENTIALS);
	assert_int_equal(verify(id, "not-a-code"), BGW_E_INVALID_CREDENTIALS);
}

static void
test_turn_off_needs_password_and_code(void **state)
{
	const char *id, *before;
	char secret[MFA_SECRET_B32_LEN + 1], code[7];
	mfa_session_out out;
	bgw_kv *errors;

	(void)state;
	AUTHFIX_NEED(fx);
	id = authfix_user(fx, "respondent", NULL);
	authfix_mfa_on(fx, id, secret, NULL);
	before = authfix_session(fx, id, NULL);
	authfix_totp(secret, 0, code);
	assert_int_equal(turn_off(id, "not my password", code, &out, &errors), BGW_E_VALIDATION);
	assert_string_equal(kv_get(errors, "password"), "wrong");
	assert_int_equal(turn_off(id, AUTHFIX_PASSWORD, "000000", &out, &errors),
	    BGW_E_VALIDATION);
	assert_string_equal(kv_get(errors, "otp"), "wrong");
	assert_true(mfa_on_in_db(id));
	assert_int_equal(turn_off(id, AUTHFIX_PASSWORD, code, &out, &errors), BGW_OK);
	assert_false(mfa_on_in_db(id));
	assert_int_equal(authfix_events(fx, "mfa.disable", id), 1);
	assert_false(authfix_session_live(fx, before));
	assert_true(authfix_session_live(fx, out.token));
	/* Off already. */
	assert_int_equal(turn_off(id, AUTHFIX_PASSWORD, code, &out, &errors),
	    BGW_E_INVALID_STATE);
}

static void
test_operator_keeps_mfa(void **state)
{
	const char *id;
	char secret[MFA_SECRET_B32_LEN + 1], code[7];
	mfa_session_out out;
	bgw_kv *errors;

	(void)state;
	AUTHFIX_NEED(fx);
	id = authfix_user(fx, "operator", NULL);
	authfix_mfa_on(fx, id, secret, NULL);
	authfix_totp(secret, 0, code);
	assert_int_equal(turn_off(id, AUTHFIX_PASSWORD, code, &out, &errors), BGW_E_FORBIDDEN);
	assert_true(mfa_on_in_db(id));
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
		cmocka_unit_test(test_enrolment_confirm_enables),
		cmocka_unit_test(test_codes_once),
		cmocka_unit_test(test_turn_off_needs_password_and_code),
		cmocka_unit_test(test_operator_keeps_mfa),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
