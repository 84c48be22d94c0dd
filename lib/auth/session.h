/* session.h - server-side sessions behind the __Host-bgw_session cookie.
 *
 * The cookie holds a 256-bit random token; the database holds only its SHA-256.  The CSRF
 * token is derived from the session token (SHA-256 over a label and the token), so it is
 * bound to the session, changes when the session rotates, can be shown again by
 * GET /session, and cannot be computed without the cookie.
 */
#ifndef BGW_SESSION_H
#define BGW_SESSION_H

#include <stdbool.h>

#include "core/arena.h"
#include "store/db.h"
#include "core/err.h"
#include "auth/authctx.h"
#include "auth/user.h"

#define SESSION_COOKIE "__Host-bgw_session"
#define SESSION_IDLE_S (30 * 60)
/* How stale the idle timer may be before a request moves it: a session ends between
 * SESSION_IDLE_S - SESSION_TOUCH_S and SESSION_IDLE_S after its last request. */
#define SESSION_TOUCH_S 60
#define SESSION_ABSOLUTE_S (12 * 60 * 60)
#define SESSION_TOKEN_LEN 43  /* base64url of 32 bytes, unpadded */

typedef struct bgw_session {
	const char *id;
	const char *user_id;
	bool idle_timer_due;    /* session_auth found the idle timer older than SESSION_TOUCH_S */
	char csrf[SESSION_TOKEN_LEN + 1];
} bgw_session;

/* A new session for user_id; token and csrf (each SESSION_TOKEN_LEN + 1 bytes) receive the
 * cookie value and the CSRF token.  Runs in the caller's transaction if one is open. */
bgw_err session_create(bgw_db *db, bgw_arena *a, const char *user_id, const char *ip,
    char *token, char *csrf);

/* Finding a cookie's session is the first statement of a signed-in request's transaction,
 * sent with BEGIN and the target's query in one round trip (db_begin_with):
 *
 *     session_auth sa;
 *     if (!session_auth_prepare(&sa, token)) -> no session
 *     db_call c = session_auth_call(&sa);   ... db_begin_with(db, a, &c, 1) ...
 *     session_auth_result(&sa, token, &session, &user)
 *
 * The statement finds the live session (not idle past SESSION_IDLE_S, not past its absolute
 * limit, its user neither deleted nor locked), binds its user for row-level security for
 * the rest of the transaction, and returns the user and whether its idle timer is due to
 * move (session_touch then moves it). */
typedef struct session_auth {
	char token_hash[65], idle[16], touch[16];
	const char *params[3];
	db_rows *res;          /* the call's result, owned by the arena given to the batch */
} session_auth;

/* Fill sa for token; false if token cannot be a session token (no session). */
bool session_auth_prepare(session_auth *sa, const char *token);

/* The call to send (its result lands in sa->res). */
db_call session_auth_call(session_auth *sa);

/* After the call ran: the session (s->csrf derived from token) and its user, both pointing
 * into sa->res.  BGW_E_UNAUTHENTICATED if there is no live session. */
bgw_err session_auth_result(const session_auth *sa, const char *token, bgw_session *s,
    bgw_user *u);

/* Move the idle timer of s on, when session_auth found it due (once a SESSION_TOUCH_S at
 * most); nothing otherwise.  In the caller's transaction if one is open. */
bgw_err session_touch(bgw_db *db, bgw_arena *a, const bgw_session *s);

/* End the session of a token (logout).  Unknown tokens are fine. */
bgw_err session_destroy(bgw_db *db, bgw_arena *a, const char *token);

/* End every session of a user but keep_id (NULL: all), e.g. after a password change. */
bgw_err session_destroy_user(bgw_db *db, bgw_arena *a, const char *user_id, const char *keep_id);

/* Rotate on a change of the account's privilege or credentials (MFA on or off): every
 * session of user_id ends, including the caller's, and a new one is created for the caller;
 * token and csrf (each SESSION_TOKEN_LEN + 1 bytes) receive the new cookie value and CSRF
 * token.  Whoever held any earlier token, for this browser or another, is signed out.  Runs
 * in the caller's transaction, so a rollback keeps the old sessions. */
bgw_err session_rotate(bgw_db *db, bgw_arena *a, const char *user_id, const char *ip,
    char *token, char *csrf);

/* A pending sign-in: the password was right, the one-time code is still to come (the HTML
 * login's second step, so that its form carries this token instead of the password).  Only
 * the token's SHA-256 is stored, bound to user_id.  It ends at expires_at when given (the
 * expiry of the pending sign-in it replaces after a wrong code), else SESSION_PENDING_S from
 * now; token (SESSION_TOKEN_LEN + 1 bytes) receives it. */
#define SESSION_PENDING_S (5 * 60)
bgw_err session_pending_create(bgw_db *db, bgw_arena *a, const char *user_id,
    const char *expires_at, char *token);

/* Use up a pending sign-in: single use, whatever the code turns out to be.  *user_id and
 * *expires_at (its end, as text for session_pending_create) point into the arena.
 * BGW_E_VALIDATION for an unknown, used or expired token. */
bgw_err session_pending_take(bgw_db *db, bgw_arena *a, const char *token, const char **user_id,
    const char **expires_at);

/* --- use cases: sign-in, sign-out -------------------------------------------------------
 *
 * Sign-in runs on a public route, outside any transaction, and owns its writes: each
 * failure's count (throttle.h, autocommit) and its audit event (a transaction of its own)
 * must stay although the answer is an error.  Every failure answers alike
 * (BGW_E_INVALID_CREDENTIALS) whether the address exists, the password is wrong or the
 * account is locked, and is counted for the account (whatever the spelling of its address)
 * and for the caller's address; BGW_E_RATE_LIMITED while either is locked out. */

typedef struct session_sign_in_in {
	const char *email;
	const char *password;
	const char *otp;        /* the code of an account with MFA; NULL: none given */
	bool pending;           /* the HTML form's first step: an account with MFA gets a
	                         * pending sign-in (out->pending) instead, otp ignored */
	const char *old_token;  /* the browser's session cookie, ended by a sign-in; NULL */
} session_sign_in_in;

typedef struct session_sign_in_out {
	bgw_user user;                          /* the account signed in */
	char token[SESSION_TOKEN_LEN + 1];      /* the new session's cookie value (wipe it) */
	char csrf[SESSION_TOKEN_LEN + 1];       /* its CSRF token */
	char pending[SESSION_TOKEN_LEN + 1];    /* a pending sign-in's token, else "" */
} session_sign_in_out;

/* The password step (and, for the API, the code in the same request).  BGW_OK: a new
 * session (token, csrf), audit session.login, the account's failures forgotten.
 * BGW_E_OTP_REQUIRED: the password was right but the account has MFA and no code was given
 * (in->pending: out->pending holds the code step's token).  BGW_E_INVALID_CREDENTIALS
 * (audit session.login_failed, reason password, account_locked or otp),
 * BGW_E_RATE_LIMITED, database errors. */
bgw_err session_sign_in(bgw_db *db, bgw_arena *a, const auth_env *env, const auth_caller *who,
    const session_sign_in_in *in, session_sign_in_out *out);

typedef struct session_sign_in_otp_in {
	const char *pending;    /* the pending sign-in's token, used up whatever follows */
	const char *otp;
	const char *old_token;  /* as in session_sign_in_in */
} session_sign_in_otp_in;

/* The HTML form's code step.  BGW_OK as session_sign_in.  BGW_E_INVALID_CREDENTIALS for a
 * wrong code (counted as a failed sign-in), with out->pending the token of another try that
 * ends when the first would have.  BGW_E_VALIDATION when the pending sign-in is unknown,
 * used or expired, or its account was locked or lost MFA since (start again).
 * BGW_E_RATE_LIMITED while the account or address is locked out. */
bgw_err session_sign_in_otp(bgw_db *db, bgw_arena *a, const auth_env *env,
    const auth_caller *who, const session_sign_in_otp_in *in, session_sign_in_out *out);

/* Sign out who's session token: the session ends and session.logout is recorded, in the
 * caller's transaction. */
bgw_err session_sign_out(bgw_db *db, bgw_arena *a, const auth_caller *who, const char *token);

/* The CSRF token bound to a session token. */
void session_csrf_for(const char *token, char *csrf);

/* Does header (the X-CSRF-Token value, may be NULL) match the session's token?  Constant
 * time. */
bool session_csrf_ok(const bgw_session *s, const char *header);


#endif
