/* stmt_audit.c - the statements of lib/flow/audit.c; all SQL text lives under lib/store/ (stmt.h). */
#include "store/stmt.h"

#define TS_FORMAT "'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"'"

const db_stmt stmt_audit[] = {
	{"audit_head",
	    "SELECT h.last_seq, encode(h.last_hash, 'hex'), "
	    "to_char(now() AT TIME ZONE 'UTC', " TS_FORMAT "), "
	    "coalesce($2::jsonb, '{}'::jsonb)::text, host($3::inet) "
	    "FROM audit_chain_head($1) h", 3},
	{"audit_insert",
	    "INSERT INTO audit_events (project_id, seq, at, actor_id, action, object_type, "
	    "object_id, ip, detail, prev_hash, hash) VALUES ($1, $2, $3::timestamptz, $4, $5, $6, "
	    "$7, $8::inet, $9::jsonb, decode($10, 'hex'), decode($11, 'hex'))", 11},
	{"audit_chain",
	    "SELECT seq, to_char(at AT TIME ZONE 'UTC', " TS_FORMAT "), actor_id, action, "
	    "object_type, object_id, host(ip), detail::text, encode(prev_hash, 'hex'), "
	    "encode(hash, 'hex'), id, project_id FROM audit_events "
	    "WHERE coalesce(project_id, '') = coalesce($1, '') ORDER BY seq", 1},
	{NULL, NULL, 0},
};
