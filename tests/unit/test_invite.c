/* test_invite.c - invitations (lib/auth/invite.h) and their acceptance
 * (account_accept_invitation, lib/auth/account.h) against the real PostgreSQL, as an audit
 * admin and the invited person meet them: the link, a new account with its name and password
 * and the membership the invitation names, an existing account linked without a password,
 * and the token used once.  Without BGW_TEST_PG the database cases skip. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "auth/account.h"
#include "auth/invite.h"
#include "auth/session.h"
#include "authfix.h"

static authfix *fx;

/* A project of a new audit firm with an audit admin; answers the project, *admin_id. */
static const char *
project(const char **admin_id, const char **client_org)
{
	const char *firm = pgfix_org(fx->pg, "audit_firm");
	const char *client = pgfix_org(fx->pg, "client");
	const char *pid = pgfix_project(fx->pg, firm, client);
	const char *p[2] = {firm, NULL};

	*admin_id = authfix_user(fx, "audit_firm", NULL);
	p[1] = *admin_id;
	pgfix_sql(fx->pg, "UPDATE users SET organization_id = $1 WHERE id = $2", 2, p);
	pgfix_member(fx->pg, pid, *admin_id, "audit", true, NULL);
	*client_org = client;
	return pid;
}

/* The audit admin invites email to pid's client side; answers the token (arena memory). */
static const char *
invite(const char *admin_id, const char *pid, const char *client_org, const char *email)
{
	invite_spec spec = {.email = email, .organization_id = client_org, .project_id = pid,
		.side = "client", .admin = true, .created_by = admin_id};
	char *token = bgw_arena_alloc(fx->a, TOKEN_LEN + 1);

	assert_int_equal(db_begin(fx->db, admin_id), BGW_OK);
	assert_int_equal(invite_create(fx->db, fx->a, &spec, token), BGW_OK);
	assert_int_equal(db_commit(fx->db), BGW_OK);
	return token;
}

static bgw_err
accept(const char *token, const char *name, const char *password, bgw_user *u,
    bgw_kv **errors)
{
	account_accept_in in = {.token = token, .name = name, .password = password};
	auth_caller who = authfix_caller(fx, NULL, NULL);
	bgw_err err;

	*errors = NULL;
	assert_int_equal(db_begin(fx->db, NULL), BGW_OK);
	err = account_accept_invitation(fx->db, fx->a, &fx->env, &who, &in, u, errors);
	return authfix_end(fx, err);
}

static long
memberships(const char *pid, const char *user_id)
{
	const char *p[2] = {pid, user_id};

	return pgfix_count(fx->pg, "SELECT 1 FROM memberships WHERE project_id = $1 "
	    "AND user_id = $2 AND side = 'client' AND admin", 2, p);
}

static void
test_link(void **state)
{
	bgw_arena *a = bgw_arena_new();

	(void)state;
	/* The page that opens it is GET /invitation (cgi/pages/page_invite.c). */
	assert_string_equal(invite_link(a, "https://bg.example", "tok-EN_1"),
	    "https://bg.example/invitation?token=tok-EN_1");
	bgw_arena_free(a);
}

static void
test_new_account(void **state)
{
	const char *admin, *client, *pid, *email, *token;
	bgw_user u;
	bgw_kv *errors;
	session_sign_in_in in = {0};
	session_sign_in_out out;
	auth_caller who;

	(void)state;
	AUTHFIX_NEED(fx);
	pid = project(&admin, &client);
	email = bgw_arena_printf(fx->a, "%s@example.test", pgfix_unique(fx->pg, "invited"));
	token = invite(admin, pid, client, email);
	assert_int_equal(strlen(token), TOKEN_LEN);
	/* A new account needs a password, and one the policy takes. */
	assert_int_equal(accept(token, "山田 花子", NULL, &u, &errors), BGW_E_VALIDATION);
	assert_string_equal(kv_get(errors, "password"), "required");
	assert_int_equal(accept(token, "山田 花子", "short", &u, &errors), BGW_E_VALIDATION);
	assert_string_equal(kv_get(errors, "password"), PASSWORD_TOO_SHORT);
	assert_int_equal(accept(token, "山田 花子", AUTHFIX_PASSWORD, &u, &errors), BGW_OK);
	assert_string_equal(u.email, email);
	assert_string_equal(u.name, "山田 花子");
	assert_string_equal(u.org_id, client);
	assert_int_equal(memberships(pid, u.id), 1);
	assert_int_equal(authfix_events(fx, "invitation.accept", u.id), 1);
	/* The password set is the one that signs in. */
	who = authfix_caller(fx, NULL, NULL);
	in.email = email;
	in.password = AUTHFIX_PASSWORD;
	assert_int_equal(session_sign_in(fx->db, fx->a, &fx->env, &who, &in, &out), BGW_OK);
	/* The link works once. */
	assert_int_equal(accept(token, "someone else", AUTHFIX_PASSWORD, &u, &errors),
	    BGW_E_VALIDATION);
	assert_string_equal(kv_get(errors, "token"), "invalid_or_expired");
	assert_int_equal(accept("made-up", "x", AUTHFIX_PASSWORD, &u, &errors), BGW_E_VALIDATION);
	assert_string_equal(kv_get(errors, "token"), "invalid_or_expired");
}

static void
test_existing_account_linked(void **state)
{
	const char *admin, *client, *pid, *email, *id, *token, *hash;
	bgw_user u;
	bgw_kv *errors;

	(void)state;
	AUTHFIX_NEED(fx);
	pid = project(&admin, &client);
	id = authfix_user(fx, "client", &email);
	hash = pgfix_sql(fx->pg, "SELECT password_hash FROM users WHERE id = $1", 1, &id);
	token = invite(admin, pid, client, email);
	/* No password asked: the account keeps its own (and its name). */
	assert_int_equal(accept(token, email, NULL, &u, &errors), BGW_OK);
	assert_string_equal(u.id, id);
	assert_string_not_equal(u.name, email);
	assert_string_equal(pgfix_sql(fx->pg, "SELECT password_hash FROM users WHERE id = $1", 1,
	    &id), hash);
	assert_int_equal(memberships(pid, id), 1);
}

static void
test_expired_invitation(void **state)
{
	const char *admin, *client, *pid, *email, *token;
	bgw_user u;
	bgw_kv *errors;
	const char *p[1];

	(void)state;
	AUTHFIX_NEED(fx);
	pid = project(&admin, &client);
	email = bgw_arena_printf(fx->a, "%s@example.test", pgfix_unique(fx->pg, "late"));
	token = invite(admin, pid, client, email);
	p[0] = email;
	pgfix_sql(fx->pg, "UPDATE tokens SET created_at = now() - interval '8 days', "
	    "expires_at = now() - interval '1 day' "
	    "WHERE email = $1", 1, p);
	assert_int_equal(accept(token, "遅い人", AUTHFIX_PASSWORD, &u, &errors), BGW_E_VALIDATION);
	assert_string_equal(kv_get(errors, "token"), "invalid_or_expired");
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
		cmocka_unit_test(test_link),
		cmocka_unit_test(test_new_account),
		cmocka_unit_test(test_existing_account_linked),
		cmocka_unit_test(test_expired_invitation),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
