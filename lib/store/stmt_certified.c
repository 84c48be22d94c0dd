/* stmt_certified.c - the statements of lib/flow/certified.c (certified respondents and
 * their directory); all SQL text lives under lib/store/ (stmt.h). */
#include "store/stmt.h"

const db_stmt stmt_certified[] = {
	{"certified_org_insert",
	    "INSERT INTO organizations (kind, name) VALUES ('respondent', $1) RETURNING id", 1},
	{"certified_insert",
	    "INSERT INTO certified_respondents (organization_id, legal_name, corporate_number, "
	    "bank_code, certified_by) VALUES ($1, $2, $3, $4, $5)", 5},
	/* The desk is made with the organisation (0026's trigger); its address is the
	 * operator's to set. */
	{"certified_desk_set",
	    "UPDATE org_units SET email = $2, name = $3 WHERE organization_id = $1 "
	    "AND kind = 'desk' RETURNING id", 3},
	{"certified_unit_insert",
	    "INSERT INTO org_units (organization_id, kind, code, name, email) "
	    "VALUES ($1, $2, $3, $4, $5) RETURNING id", 5},
	/* $1 part of the name, $2 corporate number, $3 bank code, $4 a live branch's code;
	 * NULL: any.  Branches come as one JSON array per organisation. */
	{"certified_search",
	    "SELECT cr.organization_id, cr.legal_name, cr.corporate_number, cr.bank_code, "
	    "d.email::text, coalesce((SELECT json_agg(json_build_object('code', b.code, "
	    "'name', b.name, 'email', b.email) ORDER BY b.code, b.name) FROM org_units b "
	    "WHERE b.organization_id = cr.organization_id AND b.kind <> 'desk' "
	    "AND b.deactivated_at IS NULL), '[]')::text "
	    "FROM certified_respondents cr LEFT JOIN org_units d ON d.organization_id = "
	    "cr.organization_id AND d.kind = 'desk' AND d.deactivated_at IS NULL "
	    "WHERE ($1::text IS NULL OR strpos(lower(cr.legal_name), lower($1)) > 0) "
	    "AND ($2::text IS NULL OR cr.corporate_number = $2) "
	    "AND ($3::text IS NULL OR cr.bank_code = $3) "
	    "AND ($4::text IS NULL OR EXISTS (SELECT 1 FROM org_units u "
	    "  WHERE u.organization_id = cr.organization_id AND u.code = $4 "
	    "  AND u.deactivated_at IS NULL)) "
	    "ORDER BY cr.legal_name, cr.corporate_number LIMIT $5::int", 5},
	/* The unit a pick addresses: the desk ($2 NULL) or the live unit with code $2. */
	{"certified_unit_for_pick",
	    "SELECT cr.legal_name, cr.corporate_number, u.id, u.name, u.email::text, u.kind "
	    "FROM certified_respondents cr JOIN org_units u ON u.organization_id = "
	    "cr.organization_id AND u.deactivated_at IS NULL AND u.email IS NOT NULL "
	    "WHERE cr.organization_id = $1 AND CASE WHEN $2::text IS NULL THEN u.kind = 'desk' "
	    "ELSE u.code = $2 END ORDER BY u.created_at LIMIT 1", 2},
	/* $5 the unit: NULL = at the desk. */
	{"certified_conf_address",
	    "UPDATE confirmations SET respondent_org_id = $2, respondent_email = $3, "
	    "respondent_name = $4, respondent_unit_id = $5, version = version + 1, "
	    "updated_at = now() WHERE id = $1 AND sent_at IS NULL RETURNING version", 5},
	{"certified_code_waive", "SELECT certified_code_waive($1)", 1},
	{"certified_conf_is",
	    "SELECT 1 FROM confirmations c JOIN certified_respondents cr "
	    "ON cr.organization_id = c.respondent_org_id WHERE c.id = $1", 1},
	{NULL, NULL, 0},
};

/* The desk's statements (lib/flow/desk.c, lib/flow/certified.c's maker-checker). */
const db_stmt stmt_desk[] = {
	/* The user's place in a certified organisation: organisation, its name, unit id,
	 * code and name (NULL: the desk), admin. */
	{"desk_me",
	    "SELECT om.organization_id, o.name, om.unit_id, u.code, u.name, om.admin "
	    "FROM org_members om JOIN certified_respondents cr ON cr.organization_id = "
	    "om.organization_id JOIN organizations o ON o.id = om.organization_id "
	    "LEFT JOIN org_units u ON u.id = om.unit_id "
	    "WHERE om.user_id = app_user_id() AND om.deactivated_at IS NULL", 0},
	/* $1 the organisation, $2 a unit's code (NULL: all), $3 overdue only.  Row-level
	 * security keeps a branch to its own requests (0029). */
	{"desk_list",
	    "SELECT c.id, c.reference, c.project_id, f.name, c.type, c.status, c.as_of::text, "
	    "c.due_date::text, c.due_date < current_date AND c.status IN ('sent', 'opened', "
	    "'awaiting_respondent_approval'), u.code, u.name, c.respondent_unit_id IS NOT NULL "
	    "FROM confirmations c JOIN projects p ON p.id = c.project_id "
	    "JOIN organizations f ON f.id = p.audit_firm_id "
	    "LEFT JOIN org_units u ON u.id = c.respondent_unit_id "
	    "WHERE c.respondent_org_id = $1 AND c.sent_at IS NOT NULL AND p.status = 'active' "
	    "AND EXISTS (SELECT 1 FROM org_code_verifications v WHERE v.organization_id = $1 "
	    "  AND v.project_id = c.project_id) "
	    "AND ($2::text IS NULL OR u.code = $2) "
	    "AND (NOT $3::boolean OR (c.due_date < current_date "
	    "  AND c.status IN ('sent', 'opened', 'awaiting_respondent_approval'))) "
	    "ORDER BY c.due_date, c.reference LIMIT $4::int", 4},
	{"desk_units",
	    "SELECT code, name FROM org_units WHERE organization_id = $1 AND kind <> 'desk' "
	    "AND deactivated_at IS NULL ORDER BY code, name", 1},
	{"desk_unit_by_code",
	    "SELECT id FROM org_units WHERE organization_id = $1 AND code = $2 "
	    "AND deactivated_at IS NULL", 2},
	/* Only a request still waiting for its answer moves. */
	{"desk_route",
	    "UPDATE confirmations SET respondent_unit_id = $3, updated_at = now() "
	    "WHERE id = $1 AND respondent_org_id = $2 AND sent_at IS NOT NULL "
	    "AND status IN ('sent', 'opened') RETURNING project_id", 3},
	/* Maker-checker of a certified organisation's pending answer: is the user its maker,
	 * and is it an admin of the request's unit or of the whole organisation?  No row: not
	 * a certified organisation's, or nothing pending. */
	{"desk_checker",
	    "SELECT r.responder_id = app_user_id(), EXISTS (SELECT 1 FROM org_members om "
	    "  WHERE om.user_id = app_user_id() AND om.organization_id = c.respondent_org_id "
	    "  AND om.admin AND om.deactivated_at IS NULL "
	    "  AND (om.unit_id IS NULL OR om.unit_id = c.respondent_unit_id)) "
	    "FROM confirmations c JOIN certified_respondents cr "
	    "ON cr.organization_id = c.respondent_org_id "
	    "JOIN responses r ON r.confirmation_id = c.id AND NOT r.final AND r.returned_at IS NULL "
	    "WHERE c.id = $1", 1},
	{NULL, NULL, 0},
};
