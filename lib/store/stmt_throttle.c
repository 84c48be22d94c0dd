/* stmt_throttle.c - the statements of lib/auth/throttle.c; all SQL text lives under lib/store/ (stmt.h). */
#include "store/stmt.h"

const db_stmt stmt_throttle[] = {
	{"throttle_check",
	    "SELECT 1 FROM throttle WHERE bucket = $1 AND key = $2 AND locked_until > now()", 2},
	/* A window that has passed starts again at one failure. */
	{"throttle_fail",
	    "INSERT INTO throttle AS t (bucket, key, failures, window_start) "
	    "VALUES ($1, $2, 1, now()) ON CONFLICT (bucket, key) DO UPDATE SET "
	    "failures = CASE WHEN t.window_start < now() - make_interval(secs => $3::int) "
	    "  THEN 1 ELSE t.failures + 1 END, "
	    "window_start = CASE WHEN t.window_start < now() - make_interval(secs => $3::int) "
	    "  THEN now() ELSE t.window_start END "
	    "RETURNING failures", 3},
	{"throttle_lock",
	    "UPDATE throttle SET locked_until = now() + make_interval(secs => $3::int) "
	    "WHERE bucket = $1 AND key = $2", 3},
	{"throttle_clear", "DELETE FROM throttle WHERE bucket = $1 AND key = $2", 2},
	{NULL, NULL, 0},
};
