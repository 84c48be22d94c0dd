/* test_verifyref.c - references as people type them. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "flow/verifyref.h"

static void
test_valid(void **state)
{
	static const struct {
		const char *in, *want;
	} v[] = {
		{"ABCDEFGH23", "ABCDEFGH23"},
		{"abcdefgh23", "ABCDEFGH23"},
		{"ABCDE-FGH23", "ABCDEFGH23"},
		{"abc-def-gh2-3", "ABCDEFGH23"},
		{" ABCDE FGH23 ", "ABCDEFGH23"},
		{"ZZZZZZZZZ9", "ZZZZZZZZZ9"},
	};
	char out[VERIFYREF_LEN + 1];

	(void)state;
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		assert_int_equal(verifyref_normalise(v[i].in, out), 0);
		assert_string_equal(out, v[i].want);
	}
}

static void
test_invalid(void **state)
{
	static const char *const v[] = {
		"", "ABCDEFGH2", "ABCDEFGH234", "ABCDEFGHI2", "ABCDEFGHO2", "ABCDEFGH21",
		"ABCDEFGH20", "ABCDEFGH2_", "ABCDEFGH2.", "ABCDEFGH2\xc3\xa9",
		"A-B-C-D-E-F-G-H-2-3-A-B-C-D-E-F-G", "----------",
	};
	char out[VERIFYREF_LEN + 1] = "untouched";

	(void)state;
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++)
		assert_int_equal(verifyref_normalise(v[i], out), -1);
	assert_int_equal(verifyref_normalise(NULL, out), -1);
	assert_string_equal(out, "untouched");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_valid),
		cmocka_unit_test(test_invalid),
	};

	return cmocka_run_group_tests_name("verifyref", tests, NULL, NULL);
}
