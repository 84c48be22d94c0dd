/* stmt_account.c - the statements of lib/auth/account.c; all SQL text lives under lib/store/ (stmt.h). */
#include "store/stmt.h"

const db_stmt stmt_account[] = {
	{"account_invitation",
	    "SELECT t.id, t.email, t.organization_id, t.project_id, t.side, t.admin, u.id "
	    "FROM tokens t LEFT JOIN users u ON u.email = t.email AND u.deleted_at IS NULL "
	    "WHERE t.token_hash = decode($1, 'hex') AND t.kind = 'invitation' "
	    "AND t.used_at IS NULL AND t.expires_at > now() FOR UPDATE OF t", 1},
	{"account_user_insert",
	    "INSERT INTO users (organization_id, email, name, password_hash, is_operator) "
	    "SELECT $1, $2, $3, $4, o.kind = 'operator' FROM organizations o WHERE o.id = $1 "
	    "RETURNING id", 4},
	{"account_membership_insert",
	    "INSERT INTO memberships (project_id, user_id, side, admin, organization_id) "
	    "VALUES ($1, $2, $3, $4::boolean, $5) ON CONFLICT (project_id, user_id) DO NOTHING", 5},
	{"account_token_use", "UPDATE tokens SET used_at = now() WHERE id = $1", 1},
	/* The first-time respondent's journey (0034). */
	{"account_invitation_journey",
	    "SELECT confirmation_id, reference, firm, client, due_date::text, respondent_name, "
	    "locale, code_locked FROM invitation_facts($1)", 1},
	{"account_invitation_code", "SELECT invitation_code_check($1, $2)", 2},
	{"account_user_locale", "UPDATE users SET locale = $2 WHERE id = $1", 2},
	{"account_reset_insert",
	    "INSERT INTO tokens (token_hash, kind, user_id, expires_at) VALUES (decode($1, 'hex'), "
	    "'password_reset', $2, now() + make_interval(secs => $3::int))", 3},
	/* Older unused reset links stop working when a new one is asked for. */
	{"account_reset_expire_old",
	    "UPDATE tokens SET used_at = now() WHERE user_id = $1 AND kind = 'password_reset' "
	    "AND used_at IS NULL", 1},
	{"account_reset_use",
	    "UPDATE tokens SET used_at = now() WHERE token_hash = decode($1, 'hex') "
	    "AND kind = 'password_reset' AND used_at IS NULL AND expires_at > now() "
	    "RETURNING user_id", 1},
	{"account_set_password",
	    "UPDATE users SET password_hash = $2, failed_logins = 0, locked_until = NULL, "
	    "updated_at = now() WHERE id = $1 AND deleted_at IS NULL RETURNING id", 2},
	/* Account deletion: db/migrations/0013_account_delete.sql. */
	{"account_delete_facts",
	    "SELECT found, self, same_org, admin, last_admin FROM account_delete_facts($1)", 1},
	{"account_delete", "SELECT account_delete($1)", 1},
	{NULL, NULL, 0},
};
