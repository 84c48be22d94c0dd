/* test_letters.c - the print run's input rules, which hold before the database is asked:
 * at least one id, at most LETTERS_MAX, no id twice.  (Codes, events and the project
 * check against PostgreSQL: tests/integration/pdf.test.mjs.) */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "flow/letters.h"

static bgw_err
prepare(const char *const *ids, size_t n)
{
	bgw_arena *a = bgw_arena_new();
	conf_actor who = {.user_id = "u1"};
	letters_in in = {.project_id = "p1", .ids = ids, .n = n, .base_url = "https://x"};
	letters_set set;
	/* No database: every case below is refused before one is needed. */
	bgw_err err = letters_prepare(NULL, a, &who, &in, &set);

	bgw_arena_free(a);
	return err;
}

static void
input_rules(void **state)
{
	static const char *ids[LETTERS_MAX + 1];
	const char *dup[] = {"c1", "c2", "c1"};
	const char *null_id[] = {"c1", NULL};

	(void)state;
	for (size_t i = 0; i <= LETTERS_MAX; i++)
		ids[i] = "c";
	assert_int_equal(prepare(ids, 0), BGW_E_VALIDATION);
	assert_int_equal(prepare(ids, LETTERS_MAX + 1), BGW_E_TOO_LARGE);
	assert_int_equal(prepare(dup, 3), BGW_E_VALIDATION);
	assert_int_equal(prepare(null_id, 2), BGW_E_VALIDATION);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(input_rules),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
