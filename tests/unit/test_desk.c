/* test_desk.c - what a certified respondent's request waits for, by status and place
 * (desk_wait_of, the desk view's "waiting for"); the queue and routing run end to end in
 * tests/integration/desk.test.mjs. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "flow/desk.h"

static void
test_waits(void **state)
{
	static const struct {
		const char *status;
		bool at_unit;
		const char *want;
	} cases[] = {
		{"sent", false, "desk"}, {"opened", false, "desk"}, {"sent", true, "branch"},
		{"opened", true, "branch"}, {"awaiting_respondent_approval", false, "approver"},
		{"awaiting_respondent_approval", true, "approver"}, {"answered", true, "audit"},
		{"agreed", false, "audit"}, {"exception", false, "audit"}, {"resolved", true, "audit"},
		{"declined", true, "none"}, {"cancelled", false, "none"},
		{"alternative_procedures", false, "none"}, {NULL, false, "none"},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		assert_string_equal(desk_wait_name(desk_wait_of(cases[i].status, cases[i].at_unit)),
		    cases[i].want);
	assert_string_equal(desk_wait_name((enum desk_wait)99), "none");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_waits),
	};

	return cmocka_run_group_tests_name("desk", tests, NULL, NULL);
}
