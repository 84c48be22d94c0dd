/* stmt_target.c - the statements of lib/auth/target.c; all SQL text lives under lib/store/ (stmt.h). */
#include "store/stmt.h"

/* Columns shared by every query: project id, project status, side, admin, code verified,
 * code locked, the member's organisation, whether the project requires MFA. */
#define MEMBER_COLUMNS \
	"p.id, p.status, m.side, m.admin, m.code_verified, m.code_locked, " \
	"m.organization_id, p.mfa_required "

/* The user's part in the project: its membership, or the part its respondent organisation
 * gives it (migration 0027: project_access, the rule row-level security reads too). */
#define MEMBER_JOIN \
	"CROSS JOIN LATERAL project_access(p.id) m "

const db_stmt stmt_target[] = {
	{"target_project",
	    "SELECT " MEMBER_COLUMNS ", p.list_version::text FROM projects p " MEMBER_JOIN
	    "WHERE p.id = $1", 1},
	{"target_confirmation",
	    "SELECT " MEMBER_COLUMNS ", c.id, c.status, c.respondent_org_id = m.organization_id, "
	    "c.sent_at IS NOT NULL, c.shared_with_client "
	    "FROM confirmations c JOIN projects p ON p.id = c.project_id " MEMBER_JOIN
	    "WHERE c.id = $1", 1},
	{"target_document",
	    "SELECT " MEMBER_COLUMNS ", c.id, c.status, "
	    "coalesce(c.respondent_org_id = m.organization_id, false), "
	    "coalesce(c.sent_at IS NOT NULL, false), coalesce(c.shared_with_client, false), d.side "
	    "FROM documents d JOIN projects p ON p.id = d.project_id " MEMBER_JOIN
	    "LEFT JOIN confirmations c ON c.id = d.confirmation_id WHERE d.id = $1", 1},
	/* A respondent organisation, for its live users only (migration 0026): the
	 * organisation, the admin flag, the user's unit. */
	{"target_org",
	    "SELECT om.organization_id, om.admin, om.unit_id FROM org_members om "
	    "JOIN users u ON u.id = om.user_id WHERE om.organization_id = $1 "
	    "AND om.user_id = app_user_id() AND om.deactivated_at IS NULL "
	    "AND u.deleted_at IS NULL", 1},
	{NULL, NULL, 0},
};
