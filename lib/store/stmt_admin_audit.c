/* stmt_admin_audit.c - the statements of auditcp_chains (lib/flow/auditcp.c), run by bgw-admin audit-verify; all SQL text lives under lib/store/ (stmt.h). */
#include "store/stmt.h"

const db_stmt stmt_admin_audit[] = {
	/* A project's events outlive its content (purge keeps them), so chains are listed
	 * from the events as well as from the projects. */
	{"admin_audit_projects",
	    "SELECT id FROM projects UNION SELECT DISTINCT project_id FROM audit_events "
	    "WHERE project_id IS NOT NULL ORDER BY 1", 0},
	{"admin_audit_project", "SELECT id FROM projects WHERE id = $1 "
	    "UNION SELECT project_id FROM audit_events WHERE project_id = $1", 1},
	{NULL, NULL, 0},
};
