/* stmt_auditcp.c - the statements of lib/flow/auditcp.c; all SQL text lives under lib/store/ (stmt.h). */
#include "store/stmt.h"

const db_stmt stmt_auditcp[] = {
	{"auditcp_heads",
	    "SELECT h.project_id, h.last_seq, encode(h.last_hash, 'hex'), "
	    "to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') "
	    "FROM audit_chain_heads() h ORDER BY coalesce(h.project_id, '')", 0},
	{"auditcp_now",
	    "SELECT to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')", 0},
	{"auditcp_at",
	    "SELECT c.length, encode(c.hash, 'hex') FROM audit_chain_at($1, $2::bigint) c", 2},
	{"auditcp_recipients", "SELECT user_id, email FROM audit_checkpoint_recipients()", 0},
	{NULL, NULL, 0},
};
