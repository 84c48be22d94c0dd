/* test_directory.c - the operators' directory as the operator's page shows it, against the
 * real PostgreSQL (tests/unit/pgfix.h; skipped without it): firms with their users'
 * count, users with their organisation, MFA and lock state. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "auth/directory.h"
#include "core/arena.h"
#include "dbfix.h"
#include "pgfix.h"

static json_t *
find(json_t *body, const char *id)
{
	json_t *item;
	size_t i;

	json_array_foreach(json_object_get(body, "items"), i, item)
		if (strcmp(json_string_value(json_object_get(item, "id")), id) == 0)
			return item;
	return NULL;
}

static void
test_firms_and_users_as_the_operator_sees_them(void **state)
{
	pgfix *fx;
	bgw_db *db;
	bgw_arena *a;
	json_t *firms, *users, *f, *u;
	const char *firm, *alice, *bob, *p[1];

	(void)state;
	if (!dbfix_open_all(&fx, &db, &a, true))
		skip();
	firm = pgfix_org(fx, "audit_firm");
	alice = pgfix_user(fx, firm);
	bob = pgfix_user(fx, firm);
	p[0] = bob;
	(void)pgfix_sql(fx, "UPDATE users SET locked_until = 'infinity' WHERE id = $1", 1, p);

	assert_int_equal(db_begin(db, NULL), BGW_OK);
	assert_int_equal(directory_firms_json(db, a, &firms), BGW_OK);
	assert_int_equal(directory_users_json(db, a, &users), BGW_OK);
	db_rollback(db);

	f = find(firms, firm);
	assert_non_null(f);
	assert_int_equal(json_integer_value(json_object_get(f, "users")), 2);
	assert_int_equal(json_integer_value(json_object_get(firms, "total")),
	    (json_int_t)json_array_size(json_object_get(firms, "items")));
	u = find(users, alice);
	assert_non_null(u);
	assert_string_equal(json_string_value(json_object_get(json_object_get(u, "organization"),
	    "id")), firm);
	assert_string_equal(json_string_value(json_object_get(json_object_get(u, "organization"),
	    "kind")), "audit_firm");
	assert_true(json_is_false(json_object_get(u, "mfa")));
	assert_true(json_is_false(json_object_get(u, "locked")));
	assert_true(json_is_true(json_object_get(find(users, bob), "locked")));
	assert_null(find(firms, pgfix_org(fx, "client"))); /* only audit firms */
	dbfix_close_all(fx, db, a);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_firms_and_users_as_the_operator_sees_them),
	};

	return cmocka_run_group_tests_name("directory", tests, NULL, NULL);
}
