/* stmt_confexport.c - the statements of lib/records/confexport.c; all SQL text lives under lib/store/ (stmt.h). */
#include "store/stmt.h"

#define TS(col) "to_char(" col " AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')"
/* Every statement orders by the same key, so the rows merge in one pass. */
#define CONF_ORDER "c.created_at, c.id"

#define ANSWERS_OF "FROM responses r JOIN confirmations c ON c.id = r.confirmation_id " \
	"WHERE c.project_id = $1 AND r.final AND ($2::boolean OR c.shared_with_client)"

const db_stmt stmt_confexport[] = {
	{"confexport_confs",
	    "SELECT c.id, c.reference, c.status, c.type, c.form, o.name, c.respondent_email, "
	    "c.respondent_name, c.as_of::text, c.due_date::text, c.addressee_locale "
	    "FROM confirmations c JOIN organizations o ON o.id = c.respondent_org_id "
	    "WHERE c.project_id = $1 ORDER BY " CONF_ORDER, 1},
	{"confexport_items",
	    "SELECT i.confirmation_id, i.id, i.label, i.reference, i.currency, i.amount::text "
	    "FROM confirmation_items i JOIN confirmations c ON c.id = i.confirmation_id "
	    "WHERE c.project_id = $1 ORDER BY " CONF_ORDER ", i.position", 1},
	{"confexport_responses",
	    "SELECT r.confirmation_id, r.id, r.version, r.responder_name, r.responder_title, "
	    "r.approver_name, r.approver_title, " TS("r.submitted_at") ", encode(r.seal, 'hex') "
	    ANSWERS_OF " ORDER BY " CONF_ORDER ", r.version", 2},
	{"confexport_answers",
	    "SELECT r.id, ri.item_id, ri.agrees, ri.amount::text, ri.note "
	    "FROM response_items ri JOIN confirmation_items i ON i.id = ri.item_id, "
	    "responses r JOIN confirmations c ON c.id = r.confirmation_id "
	    "WHERE ri.response_id = r.id AND c.project_id = $1 AND r.final "
	    "AND ($2::boolean OR c.shared_with_client) "
	    "ORDER BY " CONF_ORDER ", r.version, i.position", 2},
	{"confexport_extra",
	    "SELECT r.id, x.label, x.currency, x.amount::text, x.note "
	    "FROM response_extra_items x, responses r JOIN confirmations c "
	    "ON c.id = r.confirmation_id WHERE x.response_id = r.id AND c.project_id = $1 "
	    "AND r.final AND ($2::boolean OR c.shared_with_client) "
	    "ORDER BY " CONF_ORDER ", r.version, x.position", 2},
	/* The audit team's work, one row per confirmation in confexport_confs' order. */
	{"confexport_work",
	    "SELECT c.id, "
	    "(SELECT v.result FROM reviews v WHERE v.confirmation_id = c.id "
	    "ORDER BY v.reviewed_at DESC, v.id DESC LIMIT 1), "
	    "(SELECT v.note FROM reviews v WHERE v.confirmation_id = c.id "
	    "ORDER BY v.reviewed_at DESC, v.id DESC LIMIT 1), "
	    "(SELECT string_agg(x.kind || ' ' || x.currency || ' ' || x.amount::text || "
	    "coalesce(' (' || x.note || ')', ''), '; ' ORDER BY x.created_at, x.id) "
	    "FROM reconciling_items x WHERE x.confirmation_id = c.id), "
	    "(SELECT a.method || ', ' || to_char(a.checked_at AT TIME ZONE 'UTC', 'YYYY-MM-DD') "
	    "FROM address_checks a WHERE a.confirmation_id = c.id AND " CONF_CHECK_VALID
	    " ORDER BY a.checked_at DESC LIMIT 1), c.alternative_procedures "
	    "FROM confirmations c WHERE c.project_id = $1 ORDER BY " CONF_ORDER, 1},
	/* The evidence pack (lib/records/evidence.c): the project's documents and the head of
	 * its audit chain. */
	{"evidence_documents",
	    "SELECT d.id, d.name FROM documents d WHERE d.project_id = $1 "
	    "ORDER BY d.created_at, d.id", 1},
	{"evidence_chain_head",
	    "SELECT e.seq, encode(e.hash, 'hex') FROM audit_events e WHERE e.project_id = $1 "
	    "ORDER BY e.seq DESC LIMIT 1", 1},
	{NULL, NULL, 0},
};
