/* stmt_confirmation.c - the statements of lib/flow/confirmation.c; all SQL text lives under lib/store/ (stmt.h). */
#include "store/stmt.h"

#define TS(col) "to_char(" col " AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')"
/* The columns of a list row (conf_rows_text reads them by position). */
#define LIST_COLUMNS \
	"c.id, c.reference, c.type, c.form, c.status, o.name, c.respondent_email, " \
	"c.respondent_name, c.as_of, c.due_date, c.reminders_sent, c.undeliverable, " \
	"c.shared_with_client "

/* A project's requests are in the inbox once the user entered its first-access code and
 * set up the MFA it requires; before, only project_list's and the inbox's code_required
 * entries (the project id and the audit firm) say that they exist. */
#define INBOX_OPEN "(m.code_verified AND (NOT p.mfa_required OR u.mfa_enabled))"

/* Projects listed as waiting for a code, at most (a respondent is in a handful). */
#define INBOX_LOCKED_MAX "100"

#define LIST_FROM "FROM confirmations c JOIN organizations o ON o.id = c.respondent_org_id "
/* The filters of a project's list (status, type, search, overdue), for a page of it and for
 * its total alike. */
#define CONF_LIST_WHERE \
	"WHERE c.project_id = $1 AND ($2::text IS NULL OR c.status = $2) " \
	"AND ($3::text IS NULL OR c.type = $3) " \
	"AND ($4::text IS NULL OR strpos(lower(o.name), lower($4)) > 0 " \
	"  OR strpos(lower(c.respondent_email::text), lower($4)) > 0 " \
	"  OR strpos(lower(c.respondent_name), lower($4)) > 0) " \
	"AND (NOT $5::boolean OR (c.due_date < current_date " \
	"  AND c.status IN ('sent', 'opened', 'awaiting_respondent_approval'))) "


const db_stmt stmt_confirmation[] = {
	{"conf_org_by_email",
	    "SELECT o.id FROM users u JOIN organizations o ON o.id = u.organization_id "
	    "WHERE u.email = $1::citext AND u.deleted_at IS NULL AND o.kind = 'respondent'", 1},
	{"conf_org_in_project",
	    "SELECT respondent_org_id FROM confirmations WHERE project_id = $1 "
	    "AND respondent_email = $2::citext ORDER BY created_at LIMIT 1", 2},
	{"conf_org_insert",
	    "INSERT INTO organizations (kind, name) VALUES ('respondent', $1) RETURNING id", 1},
	{"conf_insert",
	    "INSERT INTO confirmations (project_id, type, form, respondent_org_id, respondent_email, "
	    "respondent_name, as_of, due_date, created_by) VALUES ($1, $2, $3, $4, $5, $6, $7::date, "
	    "$8::date, $9) RETURNING id", 9},
	{"conf_item_insert",
	    "INSERT INTO confirmation_items (confirmation_id, position, label, reference, currency, "
	    "amount) VALUES ($1, $2::int, $3, $4, $5, $6::numeric)", 6},
	{"conf_items_delete", "DELETE FROM confirmation_items WHERE confirmation_id = $1", 1},
	{"conf_form", "SELECT form FROM confirmations WHERE id = $1", 1},
	/* The respondent before an edit, and whether the audit team has checked it; $2 the
	 * e-mail the edit gives (NULL: none), compared as the column compares (citext). */
	{"conf_respondent_now",
	    "SELECT coalesce(respondent_email = $2::citext, true), respondent_org_id, "
	    "respondent_name, respondent_locked_at IS NOT NULL FROM confirmations "
	    "WHERE id = $1 FOR UPDATE", 2},
	{"conf_update",
	    "UPDATE confirmations SET type = coalesce($2, type), form = coalesce($3, form), "
	    "respondent_org_id = coalesce($4, respondent_org_id), "
	    "respondent_email = coalesce($5, respondent_email), "
	    "respondent_name = coalesce($6, respondent_name), as_of = coalesce($7::date, as_of), "
	    "due_date = coalesce($8::date, due_date), version = version + 1, updated_at = now() "
	    "WHERE id = $1 AND status = 'draft' RETURNING due_date >= as_of", 8},
	{"conf_get",
	    "SELECT c.id, c.reference, c.project_id, c.type, c.form, c.status, o.name, "
	    "c.respondent_email, c.respondent_name, c.as_of, c.due_date, c.shared_with_client, "
	    "c.undeliverable, c.reminders_sent, " TS("c.created_at") ", " TS("c.updated_at") ", "
	    "c.status_reason, c.alternative_procedures, "
	    "(SELECT count(*) FROM responses r WHERE r.confirmation_id = c.id AND r.final), "
	    TS("c.sent_at") ", c.respondent_locked_at IS NOT NULL, c.status_reason_side, "
	    "c.addressee_locale "
	    "FROM confirmations c JOIN organizations o ON o.id = c.respondent_org_id "
	    "WHERE c.id = $1", 1},
	{"conf_set_locale",
	    "UPDATE confirmations SET addressee_locale = $2 WHERE id = $1", 2},
	{"conf_items",
	    "SELECT id, label, reference, currency, amount::text FROM confirmation_items "
	    "WHERE confirmation_id = $1 ORDER BY position", 1},
	/* The latest check, what it checked and whether it still holds (CONF_CHECK_VALID). */
	{"conf_address_check",
	    "SELECT a.method, a.note, coalesce(u.name, ''), " TS("a.checked_at") ", "
	    "a.email, a.organization_name, a.person_name, a.conf_version, "
	    CONF_CHECK_VALID ", " TS("a.voided_at") ", a.void_reason "
	    "FROM address_checks a JOIN confirmations c ON c.id = a.confirmation_id "
	    "LEFT JOIN users u ON u.id = a.checked_by "
	    "WHERE a.confirmation_id = $1 ORDER BY a.checked_at DESC, a.id DESC LIMIT 1", 1},
	/* The latest final answer; with $2 also one waiting for the respondent's approval. */
	{"conf_response",
	    "SELECT r.id, r.version, r.responder_name, r.responder_title, r.approver_name, "
	    "r.approver_title, " TS("r.submitted_at") ", encode(r.seal, 'hex'), r.final "
	    "FROM responses r WHERE r.confirmation_id = $1 "
	    "AND (r.final OR ($2::boolean AND r.returned_at IS NULL)) "
	    "ORDER BY r.version DESC LIMIT 1", 2},
	{"conf_response_items",
	    "SELECT ri.item_id, ri.agrees, ri.amount::text, ri.note, i.currency "
	    "FROM response_items ri "
	    "JOIN confirmation_items i ON i.id = ri.item_id WHERE ri.response_id = $1 "
	    "ORDER BY i.position", 1},
	{"conf_response_extra",
	    "SELECT label, currency, amount::text, note FROM response_extra_items "
	    "WHERE response_id = $1 ORDER BY position", 1},
	/* One page of the list, in the index's order: reads only the rows it returns. */
	{"conf_list",
	    "SELECT " LIST_COLUMNS LIST_FROM
	    CONF_LIST_WHERE "ORDER BY c.created_at, c.id LIMIT $6::int OFFSET $7::int", 7},
	/* conf_list without filters. */
	{"conf_list_plain",
	    "SELECT " LIST_COLUMNS LIST_FROM
	    "WHERE c.project_id = $1 ORDER BY c.created_at, c.id LIMIT $2::int OFFSET $3::int", 3},
	/* The total of the same filters, row by row (respondents, searches, overdue). */
	{"conf_list_count",
	    "SELECT count(*) " LIST_FROM CONF_LIST_WHERE, 5},
	/* The total by status and type from the kept counts (migration 0014). */
	{"conf_list_count_kept",
	    "SELECT coalesce(sum(n), 0) FROM confirmation_counts "
	    "WHERE project_id = $1 AND ($2::text IS NULL OR status = $2) "
	    "AND ($3::text IS NULL OR type = $3)", 3},
	{"conf_inbox",
	    "SELECT " LIST_COLUMNS ", count(*) OVER (), p.id, p.name, p.client_name, f.name "
	    LIST_FROM
	    "JOIN projects p ON p.id = c.project_id JOIN organizations f ON f.id = p.audit_firm_id "
	    "JOIN my_access() m ON m.project_id = c.project_id "
	    "AND m.side = 'respondent' AND m.organization_id = c.respondent_org_id "
	    "JOIN users u ON u.id = app_user_id() "
	    "WHERE p.status = 'active' AND c.sent_at IS NOT NULL AND " INBOX_OPEN " "
	    "ORDER BY c.due_date, c.id LIMIT $1::int OFFSET $2::int", 2},
	/* The projects whose requests wait for the code or for MFA: only the asking firm. */
	{"conf_inbox_locked",
	    "SELECT p.id, f.name, p.mfa_required AND NOT u.mfa_enabled "
	    "FROM my_access() m JOIN projects p ON p.id = m.project_id "
	    "JOIN organizations f ON f.id = p.audit_firm_id JOIN users u ON u.id = app_user_id() "
	    "WHERE m.side = 'respondent' AND p.status = 'active' "
	    "AND NOT " INBOX_OPEN " ORDER BY p.created_at, p.id LIMIT " INBOX_LOCKED_MAX, 0},
	{NULL, NULL, 0},
};
