/* stmt_verifyref.c - the statements of lib/flow/verifyref.c; all SQL text lives under lib/store/ (stmt.h). */
#include "store/stmt.h"

/* verify_reference (db/migrations/0009_records.sql) runs as the owner, because the caller
 * has no user and row-level security shows it nothing; it returns one row or none. */
const db_stmt stmt_verifyref[] = {
	{"verifyref_lookup",
	    "SELECT audit_firm, client_name, sent_on::text, status FROM verify_reference($1)", 1},
	/* verify_seal (0036_seal_check.sql) likewise; $2 is the seal in hex, checked by the
	 * caller (verifyref_seal). */
	{"verifyref_seal", "SELECT sealed_on::text FROM verify_seal($1, decode($2, 'hex'))", 2},
	{NULL, NULL, 0},
};
