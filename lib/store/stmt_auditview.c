/* stmt_auditview.c - the statements of lib/flow/auditview.c; all SQL text lives under lib/store/ (stmt.h). */
#include "store/stmt.h"

#define TS(col) "to_char(" col " AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')"
#define EVENT_COLUMNS "e.seq, " TS("e.at") ", e.actor_id, u.name, e.action, e.object_type, " \
	"e.object_id, e.detail::text, encode(e.hash, 'hex'), encode(e.prev_hash, 'hex'), " \
	"count(*) OVER ()"

const db_stmt stmt_auditview[] = {
	/* The project id is bound as well as the object: an id alone could name an event of
	 * another chain. */
	{"auditview_history",
	    "SELECT " EVENT_COLUMNS " FROM audit_events e LEFT JOIN users u ON u.id = e.actor_id "
	    "WHERE e.project_id = $1 AND (e.object_id = $2 OR e.object_id IN "
	    "(SELECT r.id FROM responses r WHERE r.confirmation_id = $2)) ORDER BY e.seq", 2},
	{"auditview_log",
	    "SELECT " EVENT_COLUMNS " FROM audit_events e LEFT JOIN users u ON u.id = e.actor_id "
	    "WHERE e.project_id = $1 ORDER BY e.seq LIMIT $2::int OFFSET $3::int", 3},
	{"auditview_count", "SELECT count(*) FROM audit_events WHERE project_id = $1", 1},
	{NULL, NULL, 0},
};
