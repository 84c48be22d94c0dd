/* stmt_operator.c - the operators' statements: the lists of cgi/api/h_operator.c and the
 * locks of lib/auth/account.c; all SQL text lives under lib/store/ (stmt.h). */
#include "store/stmt.h"

const db_stmt stmt_operator[] = {
	{"operator_firms",
	    "SELECT o.id, o.name, count(u.id) FROM organizations o "
	    "LEFT JOIN users u ON u.organization_id = o.id AND u.deleted_at IS NULL "
	    "WHERE o.kind = 'audit_firm' AND o.deleted_at IS NULL GROUP BY o.id ORDER BY o.name", 0},
	{"operator_users",
	    "SELECT u.id, u.email, u.name, o.id, o.name, o.kind, u.mfa_enabled, "
	    "coalesce(u.locked_until > now(), false) FROM users u "
	    "JOIN organizations o ON o.id = u.organization_id WHERE u.deleted_at IS NULL "
	    "ORDER BY o.name, u.email", 0},
	/* An operator's lock has no end; the throttle's own locks are short. */
	{"operator_lock",
	    "UPDATE users SET locked_until = 'infinity', updated_at = now() "
	    "WHERE id = $1 AND deleted_at IS NULL AND NOT is_operator RETURNING id", 1},
	{"operator_unlock",
	    "UPDATE users SET locked_until = NULL, failed_logins = 0, updated_at = now() "
	    "WHERE id = $1 AND deleted_at IS NULL RETURNING id", 1},
	{NULL, NULL, 0},
};
