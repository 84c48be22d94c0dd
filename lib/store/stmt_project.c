/* stmt_project.c - the statements of lib/flow/project.c; all SQL text lives under lib/store/ (stmt.h). */
#include "store/stmt.h"

const db_stmt stmt_project[] = {
	{"project_new_id", "SELECT new_id()", 0},
	{"project_client_insert",
	    "INSERT INTO organizations (kind, name) VALUES ('client', $1) RETURNING id", 1},
	{"project_insert",
	    "INSERT INTO projects (id, name, client_name, client_org_id, audit_firm_id, period_end, "
	    "retention_days, first_access_code_hash, created_by) VALUES ($1, $2, $3, $4, $5, "
	    "$6::date, $7::int, decode($8, 'hex'), $9)", 9},
	{"project_creator_member",
	    "INSERT INTO memberships (project_id, user_id, side, admin) "
	    "VALUES ($1, $2, 'audit', true)", 2},
	{"project_set_code",
	    "UPDATE projects SET first_access_code_hash = decode($2, 'hex'), updated_at = now() "
	    "WHERE id = $1", 2},
	/* Migration 0019: the code state of a membership changes only in these functions. */
	{"project_code_check", "SELECT membership_code_check($1, $2)", 2},
	{"project_respcode_current",
	    "SELECT id, channel FROM respondent_codes WHERE project_id = $1 "
	    "AND organization_id = $2 AND replaced_at IS NULL", 2},
	{"project_respcode_replace",
	    "UPDATE respondent_codes SET replaced_at = now() WHERE project_id = $1 "
	    "AND organization_id = $2 AND replaced_at IS NULL", 2},
	{"project_respcode_insert",
	    "INSERT INTO respondent_codes (project_id, organization_id, confirmation_id, code_hash, "
	    "channel, issued_by) VALUES ($1, $2, $3, decode($4, 'hex'), $5, app_user_id()) "
	    "RETURNING id", 5},
	/* Column 9: MFA the project requires and the user has not set up; 10: the audit firm,
	 * which is all a user sees of a project before the code and MFA (project_list). */
	{"project_list",
	    "SELECT p.id, p.name, p.client_name, p.period_end, p.status, m.side, m.admin, "
	    "m.code_verified, count(*) OVER (), "
	    "p.mfa_required AND NOT u.mfa_enabled, f.name "
	    "FROM my_access() m JOIN projects p ON p.id = m.project_id "
	    "JOIN users u ON u.id = app_user_id() JOIN organizations f ON f.id = p.audit_firm_id "
	    "ORDER BY p.created_at DESC, p.id "
	    "LIMIT $1::int OFFSET $2::int", 2},
	{"project_get",
	    "SELECT id, name, client_name, period_end, status, retention_days, mfa_required, "
	    "remind_days_before, remind_days_after, remind_every_days, "
	    "to_char(completed_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') "
	    "FROM projects WHERE id = $1", 1},
	{"project_counts",
	    "SELECT status, count(*) FROM confirmations WHERE project_id = $1 GROUP BY status", 1},
	/* Migration 0014's kept counts: visible only to the sides that see every
	 * confirmation of the project; respondents get no rows and are counted row by row. */
	{"project_counts_kept",
	    "SELECT status, sum(n) FROM confirmation_counts WHERE project_id = $1 AND n > 0 "
	    "GROUP BY status", 1},
	{"project_settings",
	    "UPDATE projects SET mfa_required = coalesce($2::boolean, mfa_required), "
	    "retention_days = coalesce($3::int, retention_days), updated_at = now() "
	    "WHERE id = $1 AND status = 'active' RETURNING id", 3},
	{"project_complete",
	    "UPDATE projects SET status = 'completed', completed_at = now(), updated_at = now() "
	    "WHERE id = $1 AND status = 'active' RETURNING id", 1},
	{"project_members",
	    "SELECT u.id, u.email, u.name, o.id, o.name, m.side, m.admin, m.code_locked "
	    "FROM memberships m JOIN users u ON u.id = m.user_id "
	    "JOIN organizations o ON o.id = coalesce(m.organization_id, u.organization_id) "
	    "WHERE m.project_id = $1 ORDER BY m.side, u.name, u.id", 1},
	{"project_member_get",
	    "SELECT side, organization_id FROM memberships WHERE project_id = $1 AND user_id = $2", 2},
	{"project_audit_admins",
	    "SELECT count(*) FROM memberships WHERE project_id = $1 AND side = 'audit' AND admin "
	    "AND user_id <> $2", 2},
	{"project_member_remove",
	    "DELETE FROM memberships WHERE project_id = $1 AND user_id = $2 RETURNING user_id", 2},
	{"project_member_unlock", "SELECT membership_code_unlock($1, $2)", 2},
	{"project_facts",
	    "SELECT p.name, p.client_name, p.client_org_id, p.audit_firm_id, o.name "
	    "FROM projects p JOIN organizations o ON o.id = p.audit_firm_id WHERE p.id = $1", 1},
	{"project_has_respondent",
	    "SELECT 1 FROM confirmations WHERE project_id = $1 AND respondent_org_id = $2 LIMIT 1", 2},
	/* The language chosen for the organisation's latest addressee in the project (0034). */
	{"project_respondent_locale",
	    "SELECT addressee_locale FROM confirmations WHERE project_id = $1 "
	    "AND respondent_org_id = $2 ORDER BY sent_at DESC NULLS LAST, created_at DESC LIMIT 1",
	    2},
	{NULL, NULL, 0},
};
