/* stmt_user.c - the statements of lib/auth/user.c; all SQL text lives under lib/store/ (stmt.h). */
#include "store/stmt.h"

const db_stmt stmt_user[] = {
	{"user_by_email",
	    "SELECT " USER_COLUMNS "FROM users u JOIN organizations o ON o.id = u.organization_id "
	    "WHERE u.email = $1::citext AND u.deleted_at IS NULL", 1},
	{"user_by_id",
	    "SELECT " USER_COLUMNS "FROM users u JOIN organizations o ON o.id = u.organization_id "
	    "WHERE u.id = $1 AND u.deleted_at IS NULL", 1},
	{NULL, NULL, 0},
};
