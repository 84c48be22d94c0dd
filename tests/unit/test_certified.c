/* test_certified.c - certified respondents: the corporate number's check digit (法人番号の
 * 指定等に関する省令 第2条, 国税庁 checkdigit.pdf) and the bank and branch codes, table-driven;
 * the registry, directory and pick run end to end in tests/integration/certified.test.mjs. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "flow/certified.h"

static const struct {
	const char *s;
	bool valid;
} corpnums[] = {
	{"7123456789012", true},  /* 国税庁's worked example: sum 74, 74 mod 9 = 2, 9 - 2 = 7 */
	{"4011001098993", true},
	{"2120901007402", true},
	{"1000000000000", false}, /* sum 0: the check digit is 9 */
	{"9000000000000", true},
	{"8123456789012", false}, /* wrong check digit */
	{"7123456789013", false}, /* a base digit changed */
	{"7213456789012", false}, /* two neighbours swapped */
	{"0123456789012", false}, /* a check digit is 1..9 */
	{"712345678901", false},  /* 12 digits */
	{"71234567890123", false},
	{"71234567890a2", false},
	{"", false},
	{NULL, false},
};

static void
test_corporate_number_check_digit(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(corpnums) / sizeof(corpnums[0]); i++) {
		if (certified_corporate_number_valid(corpnums[i].s) != corpnums[i].valid)
			fail_msg("corporate number %s: want %s", corpnums[i].s ? corpnums[i].s : "NULL",
			    corpnums[i].valid ? "valid" : "invalid");
	}
}

static void
test_bank_and_branch_codes(void **state)
{
	(void)state;
	assert_true(certified_code_valid("0005", CERTIFIED_BANK_CODE_LEN));
	assert_true(certified_code_valid("001", CERTIFIED_BRANCH_CODE_LEN));
	assert_false(certified_code_valid("005", CERTIFIED_BANK_CODE_LEN));
	assert_false(certified_code_valid("00055", CERTIFIED_BANK_CODE_LEN));
	assert_false(certified_code_valid("00a", CERTIFIED_BRANCH_CODE_LEN));
	assert_false(certified_code_valid("０１２", CERTIFIED_BRANCH_CODE_LEN)); /* full-width */
	assert_false(certified_code_valid(NULL, CERTIFIED_BRANCH_CODE_LEN));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_corporate_number_check_digit),
		cmocka_unit_test(test_bank_and_branch_codes),
	};

	return cmocka_run_group_tests_name("certified", tests, NULL, NULL);
}
