/* stmt_idempotency.c - the statements of lib/http/idempotency.c; all SQL text lives under lib/store/ (stmt.h). */
#include "store/stmt.h"

/* How long an answer is kept and replayed (docs/api.md): after that a request with the
 * same key is new, and the batch job deletes the row (idem_expire). */
#define IDEM_TTL_S 86400

/* IDEM_TTL_S as SQL text, for the statements. */
#define IDEM_STR(x) #x
#define IDEM_XSTR(x) IDEM_STR(x)
#define IDEM_TTL_SQL IDEM_XSTR(IDEM_TTL_S)

const db_stmt stmt_idempotency[] = {
	/* Waits for a concurrent claim of the same key to commit or roll back.  A key whose
	 * reply has expired is claimed anew, as if it had never been used. */
	{"idem_claim",
	    "INSERT INTO idempotency_keys AS k (user_id, key, method, path) "
	    "VALUES ($1, $2, $3, $4) "
	    "ON CONFLICT (user_id, key) DO UPDATE SET method = excluded.method, "
	    "path = excluded.path, status = NULL, content_type = NULL, body = NULL, "
	    "project_id = NULL, withheld = false, created_at = now() "
	    "WHERE k.created_at <= now() - make_interval(secs => " IDEM_TTL_SQL ") "
	    "RETURNING key", 4},
	{"idem_get",
	    "SELECT method, path, status, content_type, body, withheld FROM idempotency_keys "
	    "WHERE user_id = $1 AND key = $2", 2},
	/* $6: the project the request was about, or NULL; $7: withhold the answer. */
	{"idem_store",
	    "UPDATE idempotency_keys SET status = $3::int, content_type = $4, body = $5, "
	    "project_id = $6, withheld = $7::boolean "
	    "WHERE user_id = $1 AND key = $2", 7},
	/* A clock set ahead for a test (bgw-notify --now) deletes nothing early. */
	{"idem_expire",
	    "DELETE FROM idempotency_keys "
	    "WHERE created_at <= least($1::timestamptz, now()) "
	    "- make_interval(secs => " IDEM_TTL_SQL ")", 1},
	{NULL, NULL, 0},
};
