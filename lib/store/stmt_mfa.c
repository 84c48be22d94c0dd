/* stmt_mfa.c - the statements of lib/auth/mfa.c; all SQL text lives under lib/store/ (stmt.h). */
#include "store/stmt.h"

const db_stmt stmt_mfa[] = {
	{"mfa_secret",
	    "SELECT encode(mfa_secret_enc, 'hex'), coalesce(mfa_last_step, -1), mfa_enabled, "
	    "mfa_key_version "
	    "FROM users WHERE id = $1 AND deleted_at IS NULL FOR UPDATE", 1},
	/* Only a later step may be used: the WHERE makes a concurrent reuse lose. */
	{"mfa_use_step",
	    "UPDATE users SET mfa_last_step = $2::bigint WHERE id = $1 "
	    "AND coalesce(mfa_last_step, -1) < $2::bigint RETURNING id", 2},
	{"mfa_use_recovery",
	    "UPDATE mfa_recovery_codes SET used_at = now() WHERE user_id = $1 "
	    "AND code_hash = decode($2, 'hex') AND used_at IS NULL RETURNING id", 2},
	{"mfa_store_secret",
	    "UPDATE users SET mfa_secret_enc = decode($2, 'hex'), mfa_key_version = $3::int, "
	    "mfa_enabled = false, mfa_last_step = NULL, updated_at = now() WHERE id = $1", 3},
	{"mfa_enable",
	    "UPDATE users SET mfa_enabled = true, updated_at = now() WHERE id = $1", 1},
	{"mfa_clear_codes", "DELETE FROM mfa_recovery_codes WHERE user_id = $1", 1},
	{"mfa_add_code",
	    "INSERT INTO mfa_recovery_codes (user_id, code_hash) VALUES ($1, decode($2, 'hex'))", 2},
	{"mfa_disable",
	    "UPDATE users SET mfa_enabled = false, mfa_secret_enc = NULL, mfa_key_version = NULL, "
	    "mfa_last_step = NULL, updated_at = now() WHERE id = $1", 1},
	{NULL, NULL, 0},
};
