/* err.h - the one project-wide error enum returned by lib/ functions.
 *
 * Every fallible lib/ function returns a bgw_err.  The router maps it to an HTTP status and
 * the docs/api.md error code exactly once (bgw_err_status, bgw_err_code); nothing else renders
 * errors.
 */
#ifndef BGW_ERR_H
#define BGW_ERR_H

typedef enum bgw_err {
	BGW_OK = 0,
	BGW_E_BAD_REQUEST,         /* 400 bad_request: not JSON / not UTF-8 / wrong types */
	BGW_E_UNAUTHENTICATED,     /* 401 unauthenticated */
	BGW_E_INVALID_CREDENTIALS, /* 401 invalid_credentials */
	BGW_E_OTP_REQUIRED,        /* 401 otp_required */
	BGW_E_CSRF,                /* 403 csrf */
	BGW_E_FORBIDDEN,           /* 403 forbidden */
	BGW_E_CODE_REQUIRED,       /* 403 first_access_code_required */
	BGW_E_NOT_FOUND,           /* 404 not_found (also: not visible to this user) */
	BGW_E_METHOD,              /* 405 method_not_allowed */
	BGW_E_INVALID_STATE,       /* 409 invalid_state */
	BGW_E_CONFLICT,            /* 409 conflict (unique violation) */
	BGW_E_PROJECT_COMPLETED,   /* 409 project_completed */
	BGW_E_ADDRESS_NOT_CHECKED, /* 409 address_not_checked: send before the address check */
	BGW_E_RESPONDENT_LOCKED,   /* 409 respondent_locked: the audit team has checked the address */

	BGW_E_REPLAY_WITHHELD,     /* 409 idempotency_key_used: done once; its secret not resent */
	BGW_E_TOO_LARGE,           /* 413 too_large */
	BGW_E_UNSUPPORTED_TYPE,    /* 415 unsupported_type */
	BGW_E_VALIDATION,          /* 422 validation */
	BGW_E_INFECTED,            /* 422 infected */
	BGW_E_WRONG_CODE,          /* 422 wrong_code */
	BGW_E_LOCKED,              /* 423 locked */
	BGW_E_RATE_LIMITED,        /* 429 rate_limited */
	BGW_E_UNAVAILABLE,         /* 503 unavailable: PostgreSQL down */
	BGW_E_SCANNER_UNAVAILABLE, /* 503 scanner_unavailable: clamd down */
	BGW_E_RETRY,               /* serialization failure: the caller retries once, else 503 */
	BGW_E_IO,                  /* 500 internal: local I/O failed */
	BGW_E_NOMEM,               /* 500 internal: out of memory */
	BGW_E_INTERNAL,            /* 500 internal: a bug or an unexpected dependency answer */
	BGW_E__COUNT
} bgw_err;

/* HTTP status for an error (200 for BGW_OK). */
int bgw_err_status(bgw_err e);

/* docs/api.md snake_case code for an error ("ok" for BGW_OK); a static string. */
const char *bgw_err_code(bgw_err e);

/* A short English message safe to show any user; a static string. */
const char *bgw_err_message(bgw_err e);

#endif
