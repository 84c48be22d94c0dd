/* stmt_org.c - the statements of lib/auth/org.c; all SQL text lives under lib/store/ (stmt.h). */
#include "store/stmt.h"

/* A member row: user id, e-mail, name, admin, unit, active. */
#define ORG_MEMBER_COLUMNS \
	"u.id, u.email, u.name, om.admin, om.unit_id, om.deactivated_at IS NULL "

const db_stmt stmt_org[] = {
	{"org_own", "SELECT org_member_org()", 0},
	{"org_get", "SELECT id, name FROM organizations WHERE id = $1", 1},
	{"org_units",
	    "SELECT id, kind, code, name, email, deactivated_at IS NULL FROM org_units "
	    "WHERE organization_id = $1 ORDER BY kind = 'desk' DESC, code NULLS LAST, name, id", 1},
	{"org_unit_live",
	    "SELECT id FROM org_units WHERE organization_id = $1 AND id = $2 "
	    "AND deactivated_at IS NULL", 2},
	{"org_unit_insert",
	    "INSERT INTO org_units (organization_id, kind, code, name, email) "
	    "VALUES ($1, $2, $3, $4, $5) RETURNING id", 5},
	{"org_members",
	    "SELECT " ORG_MEMBER_COLUMNS "FROM org_members om JOIN users u ON u.id = om.user_id "
	    "WHERE om.organization_id = $1 AND u.deleted_at IS NULL "
	    "ORDER BY om.deactivated_at IS NOT NULL, om.created_at, u.id", 1},
	/* Read, not locked: FOR UPDATE would hide a row the admin may see but not change (its
	 * own, another unit's) behind row-level security, a 404 where the answer is 403; the
	 * UPDATE that follows is itself bound by the policy. */
	{"org_member_get",
	    "SELECT " ORG_MEMBER_COLUMNS "FROM org_members om JOIN users u ON u.id = om.user_id "
	    "WHERE om.organization_id = $1 AND om.user_id = $2 AND u.deleted_at IS NULL", 2},
	/* An account at the invited address: its organisation, and whether it is a member. */
	{"org_user_by_email",
	    "SELECT u.id, u.organization_id, EXISTS (SELECT 1 FROM org_members om "
	    "WHERE om.user_id = u.id) FROM users u "
	    "WHERE u.email = $1::citext AND u.deleted_at IS NULL", 1},
	{"org_member_insert",
	    "INSERT INTO org_members (organization_id, user_id, unit_id, admin, created_by) "
	    "VALUES ($1, $2, $3, $4::boolean, $5)", 5},
	{"org_member_set",
	    "UPDATE org_members SET admin = $3::boolean, unit_id = $4 "
	    "WHERE organization_id = $1 AND user_id = $2 RETURNING user_id", 4},
	{"org_member_active",
	    "UPDATE org_members SET deactivated_at = CASE WHEN $3::boolean THEN NULL "
	    "ELSE coalesce(deactivated_at, now()) END "
	    "WHERE organization_id = $1 AND user_id = $2 RETURNING user_id", 3},
	/* The live admins of the whole organisation other than $2: one must remain. */
	{"org_other_admins",
	    "SELECT count(*) FROM org_members WHERE organization_id = $1 AND user_id <> $2 "
	    "AND admin AND unit_id IS NULL AND deactivated_at IS NULL", 2},
	{NULL, NULL, 0},
};
