/* test_user.c - users as the program reads them (lib/auth/user.h) against the real
 * PostgreSQL: by address (any case) and by id, with their organisation and flags; a deleted
 * account is gone; the API's user object; an event about the account on the audit log.
 * Without BGW_TEST_PG the database cases skip; the JSON shape is checked always. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "auth/user.h"
#include "authfix.h"

static authfix *fx;

static void
test_json_shape(void **state)
{
	bgw_user u = {.id = "u1", .email = "a@b.jp", .name = "山田", .locale = "ja",
		.password_hash = "secret-hash", .org_id = "o1", .org_name = "監査法人",
		.org_kind = "audit_firm", .mfa_enabled = true};
	json_t *j = user_to_json(&u);
	char *text;

	(void)state;
	assert_non_null(j);
	text = json_dumps(j, JSON_SORT_KEYS | JSON_COMPACT);
	assert_string_equal(text, "{\"email\":\"a@b.jp\",\"id\":\"u1\",\"locale\":\"ja\","
	    "\"mfa\":true,\"name\":\"山田\",\"organization\":{\"id\":\"o1\","
	    "\"name\":\"監査法人\"}}");
	/* Never the hash, the operator flag or the lock. */
	assert_null(strstr(text, "secret-hash"));
	free(text);
	json_decref(j);
}

static void
test_by_email_any_case(void **state)
{
	const char *id, *email;
	char upper[160];
	bgw_user u;

	(void)state;
	AUTHFIX_NEED(fx);
	id = authfix_user(fx, "respondent", &email);
	snprintf(upper, sizeof(upper), "%s", email);
	for (char *c = upper; *c != '\0'; c++)
		if (*c >= 'a' && *c <= 'z')
			*c = (char)(*c - 'a' + 'A');
	assert_int_equal(db_begin(fx->db, NULL), BGW_OK);
	assert_int_equal(user_by_email(fx->db, fx->a, upper, &u), BGW_OK);
	assert_string_equal(u.id, id);
	assert_string_equal(u.email, email);
	assert_string_equal(u.org_kind, "respondent");
	assert_string_equal(u.locale, "ja");
	assert_non_null(u.password_hash);
	assert_false(u.mfa_enabled);
	assert_false(u.operator);
	assert_false(u.locked);
	assert_int_equal(user_by_email(fx->db, fx->a, "nobody-at-all@example.test", &u),
	    BGW_E_NOT_FOUND);
	assert_int_equal(db_commit(fx->db), BGW_OK);
}

static void
test_by_id_flags(void **state)
{
	const char *id, *op;
	bgw_user u;

	(void)state;
	AUTHFIX_NEED(fx);
	id = authfix_user(fx, "client", NULL);
	op = authfix_user(fx, "operator", NULL);
	pgfix_sql(fx->pg, "UPDATE users SET locked_until = now() + interval '1 hour', "
	    "locale = 'en' WHERE id = $1", 1, &id);
	u = authfix_load(fx, id);
	assert_true(u.locked);
	assert_string_equal(u.locale, "en");
	assert_string_equal(u.org_kind, "client");
	u = authfix_load(fx, op);
	assert_true(u.operator);
	/* A lock that has ended is no lock. */
	pgfix_sql(fx->pg, "UPDATE users SET locked_until = now() - interval '1 second' "
	    "WHERE id = $1", 1, &id);
	assert_false(authfix_load(fx, id).locked);
}

static void
test_deleted_is_gone(void **state)
{
	const char *id, *email;
	bgw_user u;

	(void)state;
	AUTHFIX_NEED(fx);
	id = authfix_user(fx, "client", &email);
	pgfix_sql(fx->pg, "UPDATE users SET deleted_at = now() WHERE id = $1", 1, &id);
	assert_int_equal(db_begin(fx->db, NULL), BGW_OK);
	assert_int_equal(user_by_id(fx->db, fx->a, id, &u), BGW_E_NOT_FOUND);
	assert_int_equal(user_by_email(fx->db, fx->a, email, &u), BGW_E_NOT_FOUND);
	assert_int_equal(db_commit(fx->db), BGW_OK);
}

static void
test_record_on_the_log(void **state)
{
	const char *id;
	const char *p[1];

	(void)state;
	AUTHFIX_NEED(fx);
	id = authfix_user(fx, "audit_firm", NULL);
	p[0] = id;
	assert_int_equal(db_begin(fx->db, id), BGW_OK);
	assert_int_equal(user_record(fx->db, fx->a, NULL, id, "password.change", "192.0.2.7",
	    "{\"why\":\"test\"}"), BGW_OK);
	assert_int_equal(db_commit(fx->db), BGW_OK);
	assert_string_equal(pgfix_sql(fx->pg, "SELECT concat_ws('|', actor_id, object_type, "
	    "host(ip), detail->>'why', coalesce(project_id, 'global')) FROM audit_events "
	    "WHERE object_id = $1", 1, p),
	    pgfix_sql(fx->pg, "SELECT $1 || '|user|192.0.2.7|test|global'", 1, p));
	/* A rollback takes the event with it. */
	assert_int_equal(db_begin(fx->db, id), BGW_OK);
	assert_int_equal(user_record(fx->db, fx->a, NULL, id, "mfa.enable", NULL, NULL), BGW_OK);
	db_rollback(fx->db);
	assert_int_equal(authfix_events(fx, "mfa.enable", id), 0);
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
		cmocka_unit_test(test_json_shape),
		cmocka_unit_test(test_by_email_any_case),
		cmocka_unit_test(test_by_id_flags),
		cmocka_unit_test(test_deleted_is_gone),
		cmocka_unit_test(test_record_on_the_log),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
