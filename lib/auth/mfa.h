/* mfa.h - TOTP second factor: enrolment, verification (each code once), recovery codes.
 *
 * The TOTP secret is stored encrypted (secretbox, AES-256-GCM under the master key, bound to
 * the user id).  A code is accepted at most once: the matched time step is stored and a
 * code of that step or an earlier one is refused.  Recovery codes are stored hashed and are
 * single use.
 */
#ifndef BGW_MFA_H
#define BGW_MFA_H

#include "core/arena.h"
#include "store/db.h"
#include "core/err.h"
#include "crypto/masterkey.h"
#include "auth/authctx.h"
#include "auth/session.h"

#define MFA_SECRET_BYTES 20           /* RFC 4226 recommends 160 bits */
#define MFA_SECRET_B32_LEN 32
#define MFA_RECOVERY_CODES 10
#define MFA_RECOVERY_CODE_LEN 12       /* shown as XXXX-XXXX-XXXX */
#define MFA_ISSUER "Balance Gateway"
#define MFA_URI_MAX 512

/* Check otp (a 6-digit TOTP code, or a recovery code) for user_id, consuming it.
 * BGW_OK, BGW_E_INVALID_CREDENTIALS (wrong, reused or MFA not set up), or db errors. */
bgw_err mfa_verify(bgw_db *db, bgw_arena *a, const masterkeys *keys,
    const char *user_id, const char *otp);

/* Start enrolment: a new secret, stored encrypted but not yet enabled.  secret_b32 gets
 * MFA_SECRET_B32_LEN + 1 bytes, uri MFA_URI_MAX bytes (otpauth://...). */
bgw_err mfa_enrol_begin(bgw_db *db, bgw_arena *a, const masterkeys *keys,
    const char *user_id, const char *email, char *secret_b32, char *uri);

/* Finish enrolment with a code from the authenticator: MFA is on from now, and *codes holds
 * MFA_RECOVERY_CODES new recovery codes (arena memory) to show once.
 * BGW_E_VALIDATION if no enrolment is pending, BGW_E_INVALID_CREDENTIALS if the code is
 * wrong. */
bgw_err mfa_enrol_finish(bgw_db *db, bgw_arena *a, const masterkeys *keys,
    const char *user_id, const char *otp, char ***codes);

/* Turn MFA off and forget the secret and recovery codes. */
bgw_err mfa_disable(bgw_db *db, bgw_arena *a, const char *user_id);

/* --- use cases: the signed-in caller's second factor --------------------------------------
 *
 * In the caller's transaction, with the caller's user bound.  Turning MFA on or off changes
 * what a session is worth: every session of the account ends (session_rotate) and the
 * caller gets a new one, whose cookie value and CSRF token come out in token and csrf. */

typedef struct mfa_start_out {
	char secret[MFA_SECRET_B32_LEN + 1];   /* the setup key, shown once (wipe it) */
	char uri[MFA_URI_MAX];                  /* otpauth:// for the QR code (wipe it) */
} mfa_start_out;

/* A new secret for the caller, not in force until mfa_confirm.  BGW_E_INVALID_STATE if MFA
 * is on already. */
bgw_err mfa_start(bgw_db *db, bgw_arena *a, const auth_env *env, const auth_caller *who,
    mfa_start_out *out);

typedef struct mfa_session_out {
	char **codes;                           /* mfa_confirm: MFA_RECOVERY_CODES, shown once */
	char token[SESSION_TOKEN_LEN + 1];      /* the caller's new session (wipe it) */
	char csrf[SESSION_TOKEN_LEN + 1];
} mfa_session_out;

/* MFA on with the authenticator's first code: the recovery codes, audit mfa.enable, the
 * sessions rotated.  Field errors: otp no_enrolment (no mfa_start pending) or wrong. */
bgw_err mfa_confirm(bgw_db *db, bgw_arena *a, const auth_env *env, const auth_caller *who,
    const char *otp, mfa_session_out *out, bgw_kv **errors);

/* MFA off, on the password and a code: audit mfa.disable, the sessions rotated.
 * BGW_E_INVALID_STATE if MFA is off; BGW_E_FORBIDDEN for an operator (operators always keep
 * their second factor).  Field errors: password wrong; otp wrong. */
bgw_err mfa_turn_off(bgw_db *db, bgw_arena *a, const auth_env *env, const auth_caller *who,
    const char *password, const char *otp, mfa_session_out *out, bgw_kv **errors);

#endif
