/* test_opscount.c - the counts of bgw-admin status as an operator greps them, against the
 * real PostgreSQL on the owner's connection (tests/unit/pgfix.h; skipped without it):
 * every line labelled, numbers where there are numbers, and the counts follow the rows
 * (a new user, a new locked user). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/arena.h"
#include "core/opscount.h"
#include "dbfix.h"
#include "pgfix.h"

static const char *
value_of(const opscount_line *lines, size_t n, const char *label)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(lines[i].label, label) == 0)
			return lines[i].value;
	fail_msg("no line %s", label);
	return NULL;
}

static void
test_every_line_is_labelled_and_counts_follow_the_rows(void **state)
{
	pgfix *fx;
	bgw_db *db;
	bgw_arena *a;
	opscount_line lines[OPSCOUNT_MAX];
	size_t n;
	long long users, locked;
	const char *p[1];

	(void)state;
	if (!dbfix_open_all(&fx, &db, &a, true))
		skip();
	assert_int_equal(opscount_read(db, a, lines, &n), BGW_OK);
	assert_int_equal(n, OPSCOUNT_MAX);
	assert_string_equal(lines[0].label, "projects active");
	assert_string_equal(lines[OPSCOUNT_MAX - 1].label, "documents under an old master key");
	for (size_t i = 0; i < n; i++)
		assert_true(lines[i].value == NULL || strspn(lines[i].value, "0123456789") ==
		    strlen(lines[i].value));
	assert_non_null(value_of(lines, n, "master key active")); /* migration 0001 made one */
	users = atoll(value_of(lines, n, "users"));
	locked = atoll(value_of(lines, n, "users locked"));

	/* Other test programs add rows meanwhile: the counts can only have grown. */
	p[0] = pgfix_user(fx, pgfix_org(fx, "client"));
	(void)pgfix_sql(fx, "UPDATE users SET locked_until = 'infinity' WHERE id = $1", 1, p);
	assert_int_equal(opscount_read(db, a, lines, &n), BGW_OK);
	assert_true(atoll(value_of(lines, n, "users")) >= users + 1);
	assert_true(atoll(value_of(lines, n, "users locked")) >= locked + 1);
	dbfix_close_all(fx, db, a);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_line_is_labelled_and_counts_follow_the_rows),
	};

	return cmocka_run_group_tests_name("opscount", tests, NULL, NULL);
}
