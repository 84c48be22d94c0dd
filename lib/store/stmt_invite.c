/* stmt_invite.c - the statements of lib/auth/invite.c; all SQL text lives under lib/store/ (stmt.h). */
#include "store/stmt.h"

const db_stmt stmt_invite[] = {
	{"invite_insert",
	    "INSERT INTO tokens (token_hash, kind, email, organization_id, project_id, side, admin, "
	    "created_by, expires_at, unit_id, confirmation_id, locale) VALUES (decode($1, 'hex'), "
	    "'invitation', $2, $3, $4, $5, $6::boolean, $7, now() + make_interval(secs => $8::int), "
	    "$9, $10, $11)", 11},
	{NULL, NULL, 0},
};
