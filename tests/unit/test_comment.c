/* test_comment.c - which side reads and writes which thread. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "flow/comment.h"

#define C COMMENT_THREAD_CLIENT
#define R COMMENT_THREAD_RESPONDENT

static void
test_read(void **state)
{
	static const struct {
		enum policy_side side;
		bool shared;
		const char *thread;
		bool want;
	} v[] = {
		{SIDE_AUDIT, false, C, true}, {SIDE_AUDIT, false, R, true},
		{SIDE_CLIENT, false, C, true}, {SIDE_CLIENT, false, R, false},
		{SIDE_CLIENT, true, R, true},
		{SIDE_RESPONDENT, false, R, true}, {SIDE_RESPONDENT, false, C, false},
		{SIDE_RESPONDENT, true, C, false},
		{SIDE_NONE, true, C, false}, {SIDE_NONE, true, R, false},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++)
		assert_int_equal(comment_may_read(v[i].side, v[i].shared, v[i].thread), v[i].want);
}

static void
test_write(void **state)
{
	static const struct {
		enum policy_side side;
		const char *asked, *want;
		bgw_err err;
	} v[] = {
		{SIDE_AUDIT, C, C, BGW_OK}, {SIDE_AUDIT, R, R, BGW_OK},
		{SIDE_AUDIT, NULL, NULL, BGW_E_VALIDATION},
		{SIDE_AUDIT, "other", NULL, BGW_E_VALIDATION},
		{SIDE_CLIENT, NULL, C, BGW_OK}, {SIDE_CLIENT, C, C, BGW_OK},
		{SIDE_CLIENT, R, NULL, BGW_E_FORBIDDEN},
		{SIDE_RESPONDENT, NULL, R, BGW_OK}, {SIDE_RESPONDENT, R, R, BGW_OK},
		{SIDE_RESPONDENT, C, NULL, BGW_E_FORBIDDEN},
		{SIDE_NONE, NULL, NULL, BGW_E_FORBIDDEN},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		bgw_err err;
		const char *got = comment_write_thread(v[i].side, v[i].asked, &err);

		assert_int_equal(err, v[i].err);
		if (v[i].want == NULL)
			assert_true(got == NULL || err != BGW_OK);
		else
			assert_string_equal(got, v[i].want);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_read),
		cmocka_unit_test(test_write),
	};

	return cmocka_run_group_tests_name("comment", tests, NULL, NULL);
}
