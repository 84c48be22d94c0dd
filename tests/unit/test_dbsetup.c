/* test_dbsetup.c - a new host's database as the superuser (lib/store/dbsetup.h) against the
 * real PostgreSQL of ./dev test unit: the database made once and found the second time, a
 * role's password set as a SCRAM verifier (never the password), a refused script reported,
 * an unreachable server told apart.  Skipped without BGW_TEST_PG_OWNER. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "store/dbsetup.h"
#include "pgfix.h"

static void
test_conninfo_get(void **state)
{
	char out[32];

	(void)state;
	assert_int_equal(dbsetup_conninfo_get("host=/run/x dbname=bgw user=bgw_app", "dbname",
	    out, sizeof(out)), BGW_OK);
	assert_string_equal(out, "bgw");
	assert_int_equal(dbsetup_conninfo_get("host=/run/x", "user", out, sizeof(out)), BGW_OK);
	assert_string_equal(out, "");
	assert_int_equal(dbsetup_conninfo_get("host='unterminated", "host", out, sizeof(out)),
	    BGW_E_VALIDATION);
	assert_int_equal(dbsetup_conninfo_get("dbname=a_name_longer_than_the_buffer_holds",
	    "dbname", out, 8), BGW_E_VALIDATION);
}

static void
test_database_once(void **state)
{
	const char *owner = getenv("BGW_TEST_PG_OWNER");
	pgfix *f = pgfix_open();
	char name[64], drop[96];
	const char *p[1] = {name};
	int created = -1;

	(void)state;
	if (f == NULL)
		skip();
	snprintf(name, sizeof(name), "bgw_setup_%ld", (long)getpid());
	assert_int_equal(dbsetup_database(owner, name, &created), BGW_OK);
	assert_int_equal(created, 1);
	assert_int_equal(pgfix_count(f, "SELECT 1 FROM pg_database WHERE datname = $1", 1, p), 1);
	/* Again: found, nothing made. */
	assert_int_equal(dbsetup_database(owner, name, &created), BGW_OK);
	assert_int_equal(created, 0);
	snprintf(drop, sizeof(drop), "DROP DATABASE %s", name);
	(void)pgfix_sql(f, drop, 0, NULL);
	pgfix_close(f);
}

static void
test_role_password_is_a_verifier(void **state)
{
	const char *owner = getenv("BGW_TEST_PG_OWNER");
	pgfix *f = pgfix_open();
	char role[64], create[128], drop[128];
	const char *p[1] = {role};
	dbsetup_role r = {.user = role, .password = "correct horse battery staple"};
	const char *stored;

	(void)state;
	if (f == NULL)
		skip();
	snprintf(role, sizeof(role), "bgw_setup_role_%ld", (long)getpid());
	snprintf(create, sizeof(create), "CREATE ROLE %s LOGIN", role);
	snprintf(drop, sizeof(drop), "DROP ROLE %s", role);
	(void)pgfix_sql(f, create, 0, NULL);
	assert_int_equal(dbsetup_roles(owner, "postgres", "SELECT 1; SELECT 2;", &r, 1), BGW_OK);
	stored = pgfix_sql(f, "SELECT rolpassword FROM pg_authid WHERE rolname = $1", 1, p);
	assert_int_equal(strncmp(stored, "SCRAM-SHA-256$", 14), 0);
	assert_null(strstr(stored, "horse"));
	/* A script the server refuses is an error, and nothing after it runs. */
	assert_int_not_equal(dbsetup_roles(owner, "postgres", "SELECT * FROM no_such_table;",
	    &r, 1), BGW_OK);
	(void)pgfix_sql(f, drop, 0, NULL);
	pgfix_close(f);
}

static void
test_unreachable(void **state)
{
	int created = -1;

	(void)state;
	assert_int_equal(dbsetup_database("host=/nonexistent-bgw-socket-dir dbname=x "
	    "connect_timeout=2", "x", &created), BGW_E_UNAVAILABLE);
	assert_int_equal(created, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_conninfo_get),
		cmocka_unit_test(test_database_once),
		cmocka_unit_test(test_role_password_is_a_verifier),
		cmocka_unit_test(test_unreachable),
	};

	return cmocka_run_group_tests_name("dbsetup", tests, NULL, NULL);
}
