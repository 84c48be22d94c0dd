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
#include "auth/policy.h"

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


#endif
