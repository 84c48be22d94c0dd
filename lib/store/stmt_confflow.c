/* stmt_confflow.c - the statements of lib/flow/confflow.c; all SQL text lives under lib/store/ (stmt.h). */
#include "store/stmt.h"

#define TS(col) "to_char(" col " AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')"

const db_stmt stmt_confflow[] = {
	{"flow_lock",
	    "SELECT c.id, c.project_id, c.reference, c.type, c.form, c.respondent_org_id, "
	    "c.respondent_email, c.respondent_name, c.as_of, c.due_date, c.status, c.version, "
	    "c.addressee_locale FROM confirmations c WHERE c.id = $1 FOR UPDATE", 1},
	/* One UPDATE for every transition; the timestamps follow the new state. */
	{"flow_set_status",
	    "UPDATE confirmations SET status = $2, "
	    "status_reason = CASE WHEN $3::text IS NOT NULL THEN $3 ELSE status_reason END, "
	    "alternative_procedures = coalesce($4, alternative_procedures), "
	    "sent_at = CASE WHEN $2 = 'sent' AND sent_at IS NULL THEN now() ELSE sent_at END, "
	    "opened_at = CASE WHEN $2 = 'opened' AND opened_at IS NULL THEN now() ELSE opened_at END, "
	    "answered_at = CASE WHEN $2 = 'answered' THEN now() ELSE answered_at END, "
	    "version = version + 1, updated_at = now() WHERE id = $1 AND version = $5::int "
	    "RETURNING id", 5},
	/* What is checked is read from the row itself (locked by the caller), never from the
	 * request: a check names what the confirmation was addressed to when it was made. */
	{"flow_address_check_insert",
	    "INSERT INTO address_checks (confirmation_id, method, note, checked_by, email, "
	    "organization_id, organization_name, person_name, conf_version) "
	    "SELECT c.id, $2, $3, $4, c.respondent_email, c.respondent_org_id, o.name, "
	    "c.respondent_name, c.version FROM confirmations c "
	    "JOIN organizations o ON o.id = c.respondent_org_id WHERE c.id = $1 RETURNING id", 4},
	{"flow_respondent_lock",
	    "UPDATE confirmations SET respondent_locked_at = coalesce(respondent_locked_at, now()) "
	    "WHERE id = $1", 1},
	{"flow_address_checked",
	    "SELECT 1 FROM address_checks a JOIN confirmations c ON c.id = a.confirmation_id "
	    "WHERE a.confirmation_id = $1 AND " CONF_CHECK_VALID " LIMIT 1", 1},
	{"flow_addressee_set",
	    "UPDATE confirmations SET respondent_email = $2, respondent_name = $3, "
	    "undeliverable = false, version = version + 1, updated_at = now() "
	    "WHERE id = $1 AND version = $4::int AND undeliverable RETURNING version", 4},
	{"flow_address_checks_void",
	    "UPDATE address_checks SET voided_at = now(), void_reason = $2 "
	    "WHERE confirmation_id = $1 AND voided_at IS NULL RETURNING id", 2},
	{"flow_user_by_email",
	    "SELECT id, locale FROM users WHERE email = $1::citext AND deleted_at IS NULL", 1},
	{"flow_membership",
	    "SELECT 1 FROM memberships WHERE project_id = $1 AND user_id = $2", 2},
	{"flow_membership_insert",
	    "INSERT INTO memberships (project_id, user_id, side, admin, organization_id, created_by) "
	    "VALUES ($1, $2, 'respondent', true, $3, $4) ON CONFLICT DO NOTHING", 4},
	{"flow_remind",
	    "UPDATE confirmations SET reminders_sent = reminders_sent + 1, "
	    "last_reminded_at = now(), updated_at = now() WHERE id = $1 RETURNING reminders_sent", 1},
	/* Respondent codes: a confirmation is past sending once sent_at is set. */
	{"flow_was_sent", "SELECT 1 FROM confirmations WHERE id = $1 AND sent_at IS NOT NULL", 1},
	{"flow_items",
	    "SELECT id, currency FROM confirmation_items WHERE confirmation_id = $1 "
	    "ORDER BY position", 1},
	{"flow_response_insert",
	    "INSERT INTO responses (confirmation_id, version, responder_id, responder_name, "
	    "responder_title) SELECT $1, coalesce(max(version), 0) + 1, $2, $3, $4 "
	    "FROM responses WHERE confirmation_id = $1 RETURNING id, version", 4},
	{"flow_response_item_insert",
	    "INSERT INTO response_items (response_id, item_id, agrees, amount, note) "
	    "VALUES ($1, $2, $3::boolean, $4::numeric, $5)", 5},
	{"flow_response_extra_insert",
	    "INSERT INTO response_extra_items (response_id, position, label, currency, amount, note) "
	    "VALUES ($1, $2::int, $3, $4, $5::numeric, $6)", 6},
	{"flow_response_pending",
	    "SELECT id, version FROM responses WHERE confirmation_id = $1 AND NOT final "
	    "AND returned_at IS NULL", 1},
	{"flow_response_finalise",
	    "UPDATE responses SET final = true, seal = decode($2, 'hex'), "
	    "approver_id = $3, approver_name = $4, approver_title = $5, "
	    "approved_at = CASE WHEN $4::text IS NULL THEN NULL ELSE now() END "
	    "WHERE id = $1 AND NOT final", 5},
	{"flow_response_return",
	    "UPDATE responses SET returned_at = now(), return_reason = $2 WHERE id = $1", 2},
	{"flow_response_row",
	    "SELECT confirmation_id, version, responder_name, responder_title, "
	    "coalesce(approver_name, ''), coalesce(approver_title, ''), " TS("submitted_at") " "
	    "FROM responses WHERE id = $1", 1},
	{"flow_response_row_items",
	    "SELECT ri.item_id, ri.agrees, coalesce(ri.amount::text, ''), coalesce(ri.note, '') "
	    "FROM response_items ri JOIN confirmation_items i ON i.id = ri.item_id "
	    "WHERE ri.response_id = $1 ORDER BY i.position", 1},
	{"flow_response_row_extra",
	    "SELECT label, currency, amount::text, coalesce(note, '') FROM response_extra_items "
	    "WHERE response_id = $1 ORDER BY position", 1},
	{"flow_review_insert",
	    "INSERT INTO reviews (confirmation_id, response_id, result, note, reviewed_by) "
	    "SELECT $1, (SELECT id FROM responses WHERE confirmation_id = $1 AND final "
	    "ORDER BY version DESC LIMIT 1), $2, $3, $4", 4},
	{"flow_reconciling_insert",
	    "INSERT INTO reconciling_items (confirmation_id, kind, currency, amount, note, "
	    "created_by) VALUES ($1, $2, $3, $4::numeric, $5, $6)", 6},
	{"flow_share",
	    "UPDATE confirmations SET shared_with_client = $2::boolean, updated_at = now() "
	    "WHERE id = $1", 2},
	{"flow_final_responses",
	    "SELECT r.id, encode(r.seal, 'hex'), e.detail->>'content_sha256', encode(e.hash, 'hex') "
	    "FROM responses r JOIN confirmations c ON c.id = r.confirmation_id "
	    "LEFT JOIN audit_events e ON e.project_id = c.project_id "
	    "AND e.action = 'response.final' AND e.object_id = r.id "
	    "WHERE c.project_id = $1 AND r.final ORDER BY r.id", 1},
	{NULL, NULL, 0},
};
