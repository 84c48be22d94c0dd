/* account.h - invitations accepted, password resets, password changes.
 *
 * Hashing (scrypt) and the password policy are the caller's: these functions take the
 * finished hash, so they stay quick inside their transaction.
 */
#ifndef BGW_ACCOUNT_H
#define BGW_ACCOUNT_H

#include <stdbool.h>

#include "core/arena.h"
#include "store/db.h"
#include "core/err.h"
#include "auth/authctx.h"
#include "core/kv.h"
#include "auth/policy.h"
#include "auth/user.h"

#define RESET_TTL_S (30 * 60)

typedef struct account_invitation {
	const char *token_id;
	const char *email;
	const char *organization_id;
	const char *project_id; /* NULL for a firm's first admin */
	const char *side;
	bool admin;
	const char *existing_user_id; /* an account with that e-mail already exists */
} account_invitation;

/* The live invitation of token, locked until the transaction ends.  BGW_E_VALIDATION if the
 * token is unknown, used or expired (docs/api.md: 422). */
bgw_err account_invitation_find(bgw_db *db, bgw_arena *a, const char *token,
    account_invitation *out);

/* What the first page of a request mail's invitation shows (issue 17: the first-time
 * respondent's journey): who asks, about which request, in which language.  Never an
 * amount. */
typedef struct account_journey {
	const char *confirmation_id, *reference, *firm, *client, *due_date;
	const char *respondent_name;  /* the addressee as the audit team named it */
	const char *locale;           /* "ja" or "en": the addressee's language */
	bool code_locked;             /* five wrong codes on this invitation */
} account_journey;

/* The request behind inv, if inv is a respondent's invitation carried by a request mail:
 * BGW_OK with *found (false for any other invitation). */
bgw_err account_invitation_journey(bgw_db *db, bgw_arena *a, const account_invitation *inv,
    account_journey *out, bool *found);

/* Check the respondent organisation's first-access code typed on inv's first page, before
 * any account exists: BGW_OK; BGW_E_WRONG_CODE (counted on the invitation: the caller
 * commits the count though it answers an error, and has written nothing else);
 * BGW_E_LOCKED at the fifth failure and after (the audit team sends a new invitation);
 * BGW_E_VALIDATION for an invitation that is no respondent's. */
bgw_err account_invitation_code(bgw_db *db, bgw_arena *a, const account_invitation *inv,
    const char *code);

/* Write a new account's language (the addressee's, chosen by the audit team). */
bgw_err account_set_locale(bgw_db *db, bgw_arena *a, const char *user_id, const char *locale);

/* Accept inv: create the user (name, password_hash) unless one exists, bind the transaction
 * to that user, grant the project membership, and use up the token.  *user_id receives the
 * account's id.  Runs in the caller's transaction. */
bgw_err account_invitation_accept(bgw_db *db, bgw_arena *a, const account_invitation *inv,
    const char *name, const char *password_hash, const char **user_id);

/* A single-use reset token for user_id (TOKEN_LEN + 1 bytes into token). */
bgw_err account_reset_create(bgw_db *db, bgw_arena *a, const char *user_id, char *token);

/* Use up a reset token (a cheap lookup of its SHA-256); *user_id receives the account.
 * BGW_E_VALIDATION if the token is unknown, used or expired.  Called before the new
 * password is hashed, inside the transaction that then sets it (account_set_password): a
 * bogus token costs no scrypt, and a rollback (a password the policy refuses) gives the
 * token back. */
bgw_err account_reset_claim(bgw_db *db, bgw_arena *a, const char *token, const char **user_id);

/* Set a user's password hash. */
bgw_err account_set_password(bgw_db *db, bgw_arena *a, const char *user_id,
    const char *password_hash);

/* The facts policy_account_delete judges, for deleting user_id by the transaction's user
 * (db_begin binds it).  BGW_OK with *out filled (all false for an unknown id). */
bgw_err account_delete_facts(bgw_db *db, bgw_arena *a, const char *user_id,
    policy_account_facts *out);

/* Delete user_id: pseudonymise the row (the id stays, so audit events, documents and
 * answers keep pointing at it; e-mail, name, password and MFA go), end its sessions,
 * memberships and pending tokens.  *memberships receives how many memberships ended.  The
 * database checks the same facts again and refuses (an error, the transaction must roll
 * back) if the policy would.  Runs in the caller's transaction. */
bgw_err account_delete(bgw_db *db, bgw_arena *a, const char *user_id, int *memberships);

/* --- use cases ----------------------------------------------------------------------------
 *
 * Each runs in the caller's open transaction (with the route's user bound, or none on a
 * public route) and writes its audit event there.  On BGW_E_VALIDATION, *errors names each
 * failing field with its reason (the 422's "fields"): nothing was written that should stay,
 * the caller rolls back. */

typedef struct account_accept_in {
	const char *token;     /* the mailed link's */
	const char *name;      /* a new account's name */
	const char *password;  /* a new account's password; NULL: none given */
} account_accept_in;

/* Accept an invitation: a new account (name, password: required, and the policy's) or the
 * existing account of the invited address, the membership granted, the token used up,
 * audit invitation.accept.  *user receives the account.  Field errors: token
 * invalid_or_expired; password required or a PASSWORD_* reason. */
bgw_err account_accept_invitation(bgw_db *db, bgw_arena *a, const auth_env *env,
    const auth_caller *who, const account_accept_in *in, bgw_user *user, bgw_kv **errors);

/* Count a reset request against the caller's address (THROTTLE_RESET_ADDRESS), before the
 * transaction of account_request_reset and outside it (autocommit: a request counts
 * whatever follows, found or not, so the limit does not reveal which is which).
 * BGW_E_RATE_LIMITED while the address is locked out. */
bgw_err account_reset_admit(bgw_db *db, bgw_arena *a, const auth_caller *who);

/* Ask for a reset link for email: for a live account, a new single-use token (any older one
 * expires), the mail password_reset in the outbox and audit password.reset_requested; for
 * an unknown address nothing, and the same BGW_OK. */
bgw_err account_request_reset(bgw_db *db, bgw_arena *a, const auth_env *env,
    const auth_caller *who, const char *email);

typedef struct account_reset_in {
	const char *token;     /* the mailed link's */
	const char *password;  /* the new one */
} account_reset_in;

/* Complete a reset: the token used up (checked first: a bogus token costs no scrypt), the
 * new password set, every session of the account ended, audit password.reset.  Field
 * errors: token invalid_or_expired; password a PASSWORD_* reason (the rollback gives the
 * token back). */
bgw_err account_complete_reset(bgw_db *db, bgw_arena *a, const auth_env *env,
    const auth_caller *who, const account_reset_in *in, bgw_kv **errors);

typedef struct account_password_in {
	const char *current;
	const char *fresh;
} account_password_in;

/* Change the signed-in caller's password: the current one checked, the new one set, every
 * other session of the account ended (the caller's stays), audit password.change.  Field
 * errors: current_password wrong; new_password a PASSWORD_* reason. */
bgw_err account_change_password(bgw_db *db, bgw_arena *a, const auth_env *env,
    const auth_caller *who, const account_password_in *in, bgw_kv **errors);

/* An operator locks user_id (no end; its sessions end at once; audit operator.lock) or
 * unlocks it (its failure count forgotten; audit operator.unlock).  BGW_E_NOT_FOUND for an
 * unknown or deleted account, and for locking an operator. */
bgw_err account_lock(bgw_db *db, bgw_arena *a, const auth_caller *who, const char *user_id);
bgw_err account_unlock(bgw_db *db, bgw_arena *a, const auth_caller *who, const char *user_id);

#endif
