/* test_err.c - every error has the status and code docs/api.md gives it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/err.h"

static const struct {
	bgw_err e;
	int status;
	const char *code;
} vectors[] = {
	{BGW_E_BAD_REQUEST, 400, "bad_request"},
	{BGW_E_UNAUTHENTICATED, 401, "unauthenticated"},
	{BGW_E_INVALID_CREDENTIALS, 401, "invalid_credentials"},
	{BGW_E_OTP_REQUIRED, 401, "otp_required"},
	{BGW_E_CSRF, 403, "csrf"},
	{BGW_E_FORBIDDEN, 403, "forbidden"},
	{BGW_E_CODE_REQUIRED, 403, "first_access_code_required"},
	{BGW_E_NOT_FOUND, 404, "not_found"},
	{BGW_E_INVALID_STATE, 409, "invalid_state"},
	{BGW_E_PROJECT_COMPLETED, 409, "project_completed"},
	{BGW_E_ADDRESS_NOT_CHECKED, 409, "address_not_checked"},
	{BGW_E_RESPONDENT_LOCKED, 409, "respondent_locked"},
	{BGW_E_TOO_LARGE, 413, "too_large"},
	{BGW_E_UNSUPPORTED_TYPE, 415, "unsupported_type"},
	{BGW_E_VALIDATION, 422, "validation"},
	{BGW_E_INFECTED, 422, "infected"},
	{BGW_E_WRONG_CODE, 422, "wrong_code"},
	{BGW_E_LOCKED, 423, "locked"},
	{BGW_E_RATE_LIMITED, 429, "rate_limited"},
	{BGW_E_UNAVAILABLE, 503, "unavailable"},
	{BGW_E_SCANNER_UNAVAILABLE, 503, "scanner_unavailable"},
	{BGW_E_INTERNAL, 500, "internal"},
};

static void
test_api_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(vectors) / sizeof(vectors[0]); i++) {
		assert_int_equal(bgw_err_status(vectors[i].e), vectors[i].status);
		assert_string_equal(bgw_err_code(vectors[i].e), vectors[i].code);
	}
}

static void
test_every_error_has_text(void **state)
{
	(void)state;
	for (int e = 0; e < BGW_E__COUNT; e++) {
		assert_non_null(bgw_err_code((bgw_err)e));
		assert_non_null(bgw_err_message((bgw_err)e));
		assert_true(bgw_err_status((bgw_err)e) >= 200);
	}
	assert_int_equal(bgw_err_status((bgw_err)9999), 500);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_api_table),
		cmocka_unit_test(test_every_error_has_text),
	};

	return cmocka_run_group_tests_name("err", tests, NULL, NULL);
}
