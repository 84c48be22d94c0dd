/* authglue.h - the HTTP side of the account use cases (lib/auth/session.h, account.h,
 * mfa.h), shared by the JSON handlers (api/h_session.c, h_account.c, h_operator.c) and the
 * pages (pages/page_session.c, page_account.c, page_invite.c, page_operator.c): the fields
 * they declare, the use cases' context taken from the request, their field errors put on
 * the request, and the session cookie. */
#ifndef BGW_AUTHGLUE_H
#define BGW_AUTHGLUE_H

#include "auth/account.h"
#include "auth/authctx.h"
#include "auth/mfa.h"
#include "auth/session.h"
#include "request.h"

extern const field_spec login_fields[], accept_fields[], reset_fields[],
	reset_complete_fields[], password_change_fields[], otp_fields[], mfa_off_fields[];

/* The field named name of specs as the router or page_fields validated it, NULL if absent. */
const char *authglue_field(const bgw_request *r, const field_spec *specs, const char *name);

/* The process's settings and the request's caller, for a use case. */
auth_env authglue_env(const bgw_request *r);
auth_caller authglue_caller(const bgw_request *r);


/* Set the session cookie to token and wipe token; a NULL token ends the cookie. */
bgw_err authglue_cookie(bgw_request *r, char *token);

/* A sign-in step for the browser: the use case (in->old_token filled from the cookie) and,
 * on BGW_OK, the new session's cookie.  The use cases' answers. */
bgw_err authglue_sign_in(bgw_request *r, session_sign_in_in *in, session_sign_in_out *out);
bgw_err authglue_sign_in_otp(bgw_request *r, session_sign_in_otp_in *in,
    session_sign_in_out *out);

/* Sign out: the session ends and the cookie with it. */
bgw_err authglue_sign_out(bgw_request *r);

/* The public account flows in their transaction, the fields from r: invitation accept (*u
 * the account), reset request (throttled first, outside it), reset completion. */
bgw_err authglue_accept_invitation(bgw_request *r, bgw_user *u);
bgw_err authglue_request_reset(bgw_request *r);
bgw_err authglue_complete_reset(bgw_request *r);

/* The signed-in caller's password change (password_change_fields). */
bgw_err authglue_change_password(bgw_request *r);

/* MFA on (otp_fields) or off (mfa_off_fields): the use case and the rotated session's
 * cookie, its CSRF token left in r->session.csrf.  *codes (confirm) the recovery codes. */
bgw_err authglue_mfa_confirm(bgw_request *r, char ***codes);
bgw_err authglue_mfa_turn_off(bgw_request *r);

#endif
