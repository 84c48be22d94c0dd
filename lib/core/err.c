/* err.c - the status, code and user-facing message of every bgw_err, in one table. */
#include "core/err.h"

static const struct {
	int status;
	const char *code;
	const char *message;
} table[BGW_E__COUNT] = {
	[BGW_OK] = {200, "ok", "ok"},
	[BGW_E_BAD_REQUEST] = {400, "bad_request", "the request body or parameters are malformed"},
	[BGW_E_UNAUTHENTICATED] = {401, "unauthenticated", "sign in first"},
	[BGW_E_INVALID_CREDENTIALS] = {401, "invalid_credentials", "e-mail or password is wrong"},
	[BGW_E_OTP_REQUIRED] = {401, "otp_required", "a one-time code is required"},
	[BGW_E_CSRF] = {403, "csrf", "the CSRF token is missing or wrong"},
	[BGW_E_FORBIDDEN] = {403, "forbidden", "you may not do this"},
	[BGW_E_CODE_REQUIRED] = {403, "first_access_code_required", "enter the project's first-access code"},
	[BGW_E_NOT_FOUND] = {404, "not_found", "not found"},
	[BGW_E_METHOD] = {405, "method_not_allowed", "method not allowed"},
	[BGW_E_INVALID_STATE] = {409, "invalid_state", "not allowed in the current state"},
	[BGW_E_CONFLICT] = {409, "conflict", "conflicts with existing data"},
	[BGW_E_PROJECT_COMPLETED] = {409, "project_completed", "the project is completed"},
	[BGW_E_ADDRESS_NOT_CHECKED] = {409, "address_not_checked",
	    "record how the respondent's address was checked before sending"},
	[BGW_E_RESPONDENT_LOCKED] = {409, "respondent_locked",
	    "the audit team has checked the respondent's address; ask it to change the respondent"},

	[BGW_E_REPLAY_WITHHELD] = {409, "idempotency_key_used",
	    "this request was already carried out; its answer held a secret and is not sent again"},
	[BGW_E_TOO_LARGE] = {413, "too_large", "the request is too large"},
	[BGW_E_UNSUPPORTED_TYPE] = {415, "unsupported_type", "this content type is not accepted"},
	[BGW_E_VALIDATION] = {422, "validation", "some fields are not valid"},
	[BGW_E_INFECTED] = {422, "infected", "the file was rejected by the virus scanner"},
	[BGW_E_WRONG_CODE] = {422, "wrong_code", "the code is wrong"},
	[BGW_E_LOCKED] = {423, "locked", "too many wrong codes; ask an audit admin to unlock"},
	[BGW_E_RATE_LIMITED] = {429, "rate_limited", "too many attempts; try again later"},
	[BGW_E_UNAVAILABLE] = {503, "unavailable", "the service is temporarily unavailable"},
	[BGW_E_SCANNER_UNAVAILABLE] = {503, "scanner_unavailable", "the virus scanner is unavailable; nothing was stored"},
	[BGW_E_RETRY] = {503, "unavailable", "the service is busy; try again"},
	[BGW_E_IO] = {500, "internal", "internal error"},
	[BGW_E_NOMEM] = {500, "internal", "internal error"},
	[BGW_E_INTERNAL] = {500, "internal", "internal error"},
};

static int
valid(bgw_err e)
{
	return (unsigned)e < BGW_E__COUNT;
}

int
bgw_err_status(bgw_err e)
{
	return valid(e) ? table[e].status : 500;
}

const char *
bgw_err_code(bgw_err e)
{
	return valid(e) ? table[e].code : "internal";
}

const char *
bgw_err_message(bgw_err e)
{
	return valid(e) ? table[e].message : "internal error";
}
