/* stmt_firm.c - the statements of lib/auth/firm.c; all SQL text lives under lib/store/ (stmt.h). */
#include "store/stmt.h"

const db_stmt stmt_firm[] = {
	{"firm_insert",
	    "INSERT INTO organizations (kind, name) VALUES ('audit_firm', $1) RETURNING id", 1},
	/* The service's own staff share one organisation, made on first use. */
	{"operator_org",
	    "WITH found AS (SELECT id FROM organizations WHERE kind = 'operator' ORDER BY created_at "
	    "LIMIT 1), made AS (INSERT INTO organizations (kind, name) SELECT 'operator', $1 "
	    "WHERE NOT EXISTS (SELECT 1 FROM found) RETURNING id) "
	    "SELECT id FROM found UNION ALL SELECT id FROM made", 1},
	{NULL, NULL, 0},
};
