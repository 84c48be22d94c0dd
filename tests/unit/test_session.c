/* test_session.c - sessions and the sign-in use cases (lib/auth/session.h) against the real
 * PostgreSQL, as the sign-in form and POST /api/v1/session meet them: a right password opens
 * a session, a wrong one is counted and recorded, five lock the account out, an account with
 * MFA needs its code (once), sign-out and rotation end sessions.  Without BGW_TEST_PG the
 * database cases skip; the CSRF binding is checked always. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "auth/mfa.h"
#include "auth/session.h"
#include "auth/throttle.h"
#include "authfix.h"

static authfix *fx;

static bgw_err
sign_in(const char *email, const char *password, const char *otp, bool pending,
    session_sign_in_out *out)
{
	session_sign_in_in in = {.email = email, .password = password, .otp = otp,
		.pending = pending};
	auth_caller who = authfix_caller(fx, NULL, NULL);

	return session_sign_in(fx->db, fx->a, &fx->env, &who, &in, out);
}

static long
failures(const char *key)
{
	const char *p[1] = {key};

	return atol(pgfix_sql(fx->pg, "SELECT coalesce(max(failures), 0) FROM throttle "
	    "WHERE bucket = 'login_account' AND key = $1", 1, p));
}

static const char *
detail_reason(const char *user_id)
{
	const char *p[1] = {user_id};

	return pgfix_sql(fx->pg, "SELECT detail->>'reason' FROM audit_events WHERE object_id = $1 "
	    "AND action = 'session.login_failed' ORDER BY id DESC LIMIT 1", 1, p);
}

static void
test_csrf_bound_to_token(void **state)
{
	bgw_session s = {0};
	char other[SESSION_TOKEN_LEN + 1];

	(void)state;
	session_csrf_for("token-one", s.csrf);
	session_csrf_for("token-two", other);
	assert_true(session_csrf_ok(&s, s.csrf));
	assert_false(session_csrf_ok(&s, other));
	assert_false(session_csrf_ok(&s, NULL));
	assert_int_equal(strlen(s.csrf), SESSION_TOKEN_LEN);
}

static void
test_right_password_opens_session(void **state)
{
	const char *email, *id;
	session_sign_in_out out;

	(void)state;
	AUTHFIX_NEED(fx);
	id = authfix_user(fx, "client", &email);
	assert_int_equal(sign_in(email, AUTHFIX_PASSWORD, NULL, false, &out), BGW_OK);
	assert_string_equal(out.user.id, id);
	assert_int_equal(strlen(out.token), SESSION_TOKEN_LEN);
	assert_int_equal(strlen(out.csrf), SESSION_TOKEN_LEN);
	assert_string_equal(out.pending, "");
	assert_true(authfix_session_live(fx, out.token));
	assert_int_equal(authfix_events(fx, "session.login", id), 1);
}

static void
test_wrong_password_counted_and_recorded(void **state)
{
	const char *email, *id;
	session_sign_in_out out;
	char upper[160];

	(void)state;
	AUTHFIX_NEED(fx);
	id = authfix_user(fx, "client", &email);
	assert_int_equal(sign_in(email, "not the password at all", NULL, false, &out),
	    BGW_E_INVALID_CREDENTIALS);
	assert_int_equal(authfix_events(fx, "session.login_failed", id), 1);
	assert_string_equal(detail_reason(id), "password");
	/* Every spelling of the address spends the account's one budget. */
	snprintf(upper, sizeof(upper), "%s", email);
	for (char *c = upper; *c != '\0'; c++)
		if (*c >= 'a' && *c <= 'z')
			*c = (char)(*c - 'a' + 'A');
	assert_int_equal(sign_in(upper, "still not the password", NULL, false, &out),
	    BGW_E_INVALID_CREDENTIALS);
	assert_int_equal(failures(bgw_arena_printf(fx->a, "user:%s", id)), 2);
	/* A success forgets them. */
	assert_int_equal(sign_in(email, AUTHFIX_PASSWORD, NULL, false, &out), BGW_OK);
	assert_int_equal(failures(bgw_arena_printf(fx->a, "user:%s", id)), 0);
}

static void
test_unknown_address_answers_alike(void **state)
{
	session_sign_in_out out;
	const char *email;

	(void)state;
	AUTHFIX_NEED(fx);
	email = bgw_arena_printf(fx->a, "%s@Example.test", pgfix_unique(fx->pg, "nobody"));
	assert_int_equal(sign_in(email, AUTHFIX_PASSWORD, NULL, false, &out),
	    BGW_E_INVALID_CREDENTIALS);
	/* Counted under the address folded to lower case. */
	for (char *c = (char *)email; *c != '\0'; c++)
		if (*c >= 'A' && *c <= 'Z')
			*c = (char)(*c - 'A' + 'a');
	assert_int_equal(failures(bgw_arena_printf(fx->a, "email:%s", email)), 1);
}

static void
test_lockout_after_limit(void **state)
{
	const char *email, *id;
	session_sign_in_out out;

	(void)state;
	AUTHFIX_NEED(fx);
	id = authfix_user(fx, "audit_firm", &email);
	for (int i = 0; i < THROTTLE_LOGIN_ACCOUNT.limit; i++)
		assert_int_equal(sign_in(email, "a wrong password here", NULL, false, &out),
		    BGW_E_INVALID_CREDENTIALS);
	/* Locked out: even the right password is refused, and no session is made. */
	assert_int_equal(sign_in(email, AUTHFIX_PASSWORD, NULL, false, &out), BGW_E_RATE_LIMITED);
	assert_int_equal(authfix_events(fx, "session.login", id), 0);
	assert_int_equal(authfix_events(fx, "session.login_failed", id),
	    THROTTLE_LOGIN_ACCOUNT.limit);
}

static void
test_operator_lock_refuses_right_password(void **state)
{
	const char *email, *id;
	session_sign_in_out out;

	(void)state;
	AUTHFIX_NEED(fx);
	id = authfix_user(fx, "client", &email);
	pgfix_sql(fx->pg, "UPDATE users SET locked_until = 'infinity' WHERE id = $1", 1, &id);
	assert_int_equal(sign_in(email, AUTHFIX_PASSWORD, NULL, false, &out),
	    BGW_E_INVALID_CREDENTIALS);
	assert_string_equal(detail_reason(id), "account_locked");
}

static void
test_mfa_code_in_one_step(void **state)
{
	const char *email, *id;
	char secret[MFA_SECRET_B32_LEN + 1], code[7];
	session_sign_in_out out;

	(void)state;
	AUTHFIX_NEED(fx);
	id = authfix_user(fx, "audit_firm", &email);
	authfix_mfa_on(fx, id, secret, NULL);
	assert_int_equal(sign_in(email, AUTHFIX_PASSWORD, NULL, false, &out), BGW_E_OTP_REQUIRED);
	assert_string_equal(out.pending, "");
	assert_int_equal(sign_in(email, AUTHFIX_PASSWORD, "000000", false, &out),
	    BGW_E_INVALID_CREDENTIALS);
	assert_string_equal(detail_reason(id), "otp");
	authfix_totp(secret, 0, code);
	assert_int_equal(sign_in(email, AUTHFIX_PASSWORD, code, false, &out), BGW_OK);
	assert_true(authfix_session_live(fx, out.token));
	/* The same code again is refused: each code once. */
	assert_int_equal(sign_in(email, AUTHFIX_PASSWORD, code, false, &out),
	    BGW_E_INVALID_CREDENTIALS);
}

static void
test_mfa_pending_step(void **state)
{
	const char *email, *id;
	char secret[MFA_SECRET_B32_LEN + 1], code[7], first[SESSION_TOKEN_LEN + 1];
	char again[SESSION_TOKEN_LEN + 1];
	session_sign_in_out out;
	session_sign_in_otp_in in = {0};
	auth_caller who;

	(void)state;
	AUTHFIX_NEED(fx);
	id = authfix_user(fx, "audit_firm", &email);
	authfix_mfa_on(fx, id, secret, NULL);
	who = authfix_caller(fx, NULL, NULL);
	/* The password step: no session yet, a pending sign-in for the code step. */
	assert_int_equal(sign_in(email, AUTHFIX_PASSWORD, NULL, true, &out), BGW_E_OTP_REQUIRED);
	assert_int_equal(strlen(out.pending), SESSION_TOKEN_LEN);
	assert_string_equal(out.token, "");
	strcpy(first, out.pending);
	/* A wrong code: counted, and another try under a new token. */
	in.pending = first;
	in.otp = "000000";
	assert_int_equal(session_sign_in_otp(fx->db, fx->a, &fx->env, &who, &in, &out),
	    BGW_E_INVALID_CREDENTIALS);
	assert_int_equal(strlen(out.pending), SESSION_TOKEN_LEN);
	assert_string_not_equal(out.pending, first);
	strcpy(again, out.pending);
	assert_int_equal(failures(bgw_arena_printf(fx->a, "user:%s", id)), 1);
	assert_string_equal(detail_reason(id), "otp");
	/* The first token was used up, even with the right code. */
	authfix_totp(secret, 0, code);
	in.otp = code;
	assert_int_equal(session_sign_in_otp(fx->db, fx->a, &fx->env, &who, &in, &out),
	    BGW_E_VALIDATION);
	/* The new one with the right code: signed in. */
	in.pending = again;
	assert_int_equal(session_sign_in_otp(fx->db, fx->a, &fx->env, &who, &in, &out), BGW_OK);
	assert_true(authfix_session_live(fx, out.token));
	assert_int_equal(authfix_events(fx, "session.login", id), 1);
	assert_int_equal(failures(bgw_arena_printf(fx->a, "user:%s", id)), 0);
	/* A replayed code at a new pending sign-in is refused. */
	assert_int_equal(sign_in(email, AUTHFIX_PASSWORD, NULL, true, &out), BGW_E_OTP_REQUIRED);
	in.pending = bgw_arena_strndup(fx->a, out.pending, SESSION_TOKEN_LEN);
	assert_int_equal(session_sign_in_otp(fx->db, fx->a, &fx->env, &who, &in, &out),
	    BGW_E_INVALID_CREDENTIALS);
}

static void
test_pending_void_once_locked(void **state)
{
	const char *email, *id;
	char secret[MFA_SECRET_B32_LEN + 1], code[7];
	session_sign_in_out out;
	session_sign_in_otp_in in = {0};
	auth_caller who;

	(void)state;
	AUTHFIX_NEED(fx);
	id = authfix_user(fx, "client", &email);
	authfix_mfa_on(fx, id, secret, NULL);
	who = authfix_caller(fx, NULL, NULL);
	assert_int_equal(sign_in(email, AUTHFIX_PASSWORD, NULL, true, &out), BGW_E_OTP_REQUIRED);
	pgfix_sql(fx->pg, "UPDATE users SET locked_until = 'infinity' WHERE id = $1", 1, &id);
	authfix_totp(secret, 0, code);
	in.pending = out.pending;
	in.otp = code;
	assert_int_equal(session_sign_in_otp(fx->db, fx->a, &fx->env, &who, &in, &out),
	    BGW_E_VALIDATION);
	in.pending = "not-a-token";
	assert_int_equal(session_sign_in_otp(fx->db, fx->a, &fx->env, &who, &in, &out),
	    BGW_E_VALIDATION);
}

static void
test_sign_in_ends_planted_session(void **state)
{
	const char *email, *id, *planted;
	session_sign_in_out out;
	session_sign_in_in in = {0};
	auth_caller who;

	(void)state;
	AUTHFIX_NEED(fx);
	id = authfix_user(fx, "client", &email);
	planted = authfix_session(fx, id, NULL);
	who = authfix_caller(fx, NULL, NULL);
	in.email = email;
	in.password = AUTHFIX_PASSWORD;
	in.old_token = planted;
	assert_int_equal(session_sign_in(fx->db, fx->a, &fx->env, &who, &in, &out), BGW_OK);
	assert_false(authfix_session_live(fx, planted));
	assert_true(authfix_session_live(fx, out.token));
}

static void
test_sign_out(void **state)
{
	const char *id, *token, *sid, *other;
	bgw_user u;
	auth_caller who;

	(void)state;
	AUTHFIX_NEED(fx);
	id = authfix_user(fx, "respondent", NULL);
	token = authfix_session(fx, id, &sid);
	other = authfix_session(fx, id, NULL);
	u = authfix_load(fx, id);
	who = authfix_caller(fx, &u, sid);
	assert_int_equal(db_begin(fx->db, id), BGW_OK);
	assert_int_equal(session_sign_out(fx->db, fx->a, &who, token), BGW_OK);
	assert_int_equal(db_commit(fx->db), BGW_OK);
	assert_false(authfix_session_live(fx, token));
	assert_true(authfix_session_live(fx, other));
	assert_int_equal(authfix_events(fx, "session.logout", id), 1);
}

static void
test_rotate_ends_every_session(void **state)
{
	const char *id, *one, *two;
	char token[SESSION_TOKEN_LEN + 1], csrf[SESSION_TOKEN_LEN + 1];

	(void)state;
	AUTHFIX_NEED(fx);
	id = authfix_user(fx, "client", NULL);
	one = authfix_session(fx, id, NULL);
	two = authfix_session(fx, id, NULL);
	/* A rollback keeps the old sessions. */
	assert_int_equal(db_begin(fx->db, id), BGW_OK);
	assert_int_equal(session_rotate(fx->db, fx->a, id, fx->ip, token, csrf), BGW_OK);
	db_rollback(fx->db);
	assert_true(authfix_session_live(fx, one));
	assert_false(authfix_session_live(fx, token));
	assert_int_equal(db_begin(fx->db, id), BGW_OK);
	assert_int_equal(session_rotate(fx->db, fx->a, id, fx->ip, token, csrf), BGW_OK);
	assert_int_equal(db_commit(fx->db), BGW_OK);
	assert_false(authfix_session_live(fx, one));
	assert_false(authfix_session_live(fx, two));
	assert_true(authfix_session_live(fx, token));
}

static void
test_destroy_user_keeps_one(void **state)
{
	const char *id, *keep, *keep_id, *drop;

	(void)state;
	AUTHFIX_NEED(fx);
	id = authfix_user(fx, "client", NULL);
	keep = authfix_session(fx, id, &keep_id);
	drop = authfix_session(fx, id, NULL);
	assert_int_equal(session_destroy_user(fx->db, fx->a, id, keep_id), BGW_OK);
	assert_true(authfix_session_live(fx, keep));
	assert_false(authfix_session_live(fx, drop));
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
		cmocka_unit_test(test_csrf_bound_to_token),
		cmocka_unit_test(test_right_password_opens_session),
		cmocka_unit_test(test_wrong_password_counted_and_recorded),
		cmocka_unit_test(test_unknown_address_answers_alike),
		cmocka_unit_test(test_lockout_after_limit),
		cmocka_unit_test(test_operator_lock_refuses_right_password),
		cmocka_unit_test(test_mfa_code_in_one_step),
		cmocka_unit_test(test_mfa_pending_step),
		cmocka_unit_test(test_pending_void_once_locked),
		cmocka_unit_test(test_sign_in_ends_planted_session),
		cmocka_unit_test(test_sign_out),
		cmocka_unit_test(test_rotate_ends_every_session),
		cmocka_unit_test(test_destroy_user_keeps_one),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
