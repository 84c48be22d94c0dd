/* stmt_session.c - the statements of lib/auth/session.c; all SQL text lives under lib/store/ (stmt.h). */
#include "store/stmt.h"

const db_stmt stmt_session[] = {
	{"session_insert",
	    "INSERT INTO sessions (token_hash, user_id, csrf_hash, expires_at, ip) "
	    "VALUES (decode($1, 'hex'), $2, decode($3, 'hex'), "
	    "now() + make_interval(secs => $4::int), $5::inet) RETURNING id", 5},
	/* One statement checks both timeouts and the user, binds the user for row-level
	 * security as db_set_user does, tells whether the idle timer is due to move (it moves at
	 * most once a SESSION_TOUCH_S, by session_touch: a write at every request would make
	 * every read wait for a WAL flush, and even an UPDATE that finds nothing to change costs
	 * a third of this statement), and returns the user: the first statement of a signed-in
	 * request's transaction. */
	{"session_auth",
	    "SELECT s.id, set_config('app.user_id', s.user_id, true), "
	    "s.last_seen_at < now() - make_interval(secs => $3::int), " USER_COLUMNS
	    "FROM sessions s JOIN users u ON u.id = s.user_id "
	    "JOIN organizations o ON o.id = u.organization_id "
	    "WHERE s.token_hash = decode($1, 'hex') AND s.expires_at > now() "
	    "AND s.last_seen_at > now() - make_interval(secs => $2::int) "
	    "AND u.deleted_at IS NULL AND (u.locked_until IS NULL OR u.locked_until < now())", 3},
	{"session_touch",
	    "UPDATE sessions SET last_seen_at = now() WHERE id = $1 "
	    "AND last_seen_at < now() - make_interval(secs => $2::int)", 2},
	{"session_delete", "DELETE FROM sessions WHERE token_hash = decode($1, 'hex')", 1},
	{"session_delete_user",
	    "DELETE FROM sessions WHERE user_id = $1 AND ($2::text IS NULL OR id <> $2)", 2},
	/* Pending sign-ins (db/migrations/0021_login_pending.sql).  Expired rows go whenever a
	 * new one is made: the table stays as small as the sign-ins of the last few minutes. */
	{"session_pending_purge", "DELETE FROM login_pending WHERE expires_at <= now()", 0},
	{"session_pending_insert",
	    "INSERT INTO login_pending (token_hash, user_id, expires_at) VALUES (decode($1, 'hex'), "
	    "$2, COALESCE($3::timestamptz, now() + make_interval(secs => $4::int)))", 4},
	{"session_pending_take",
	    "DELETE FROM login_pending WHERE token_hash = decode($1, 'hex') AND expires_at > now() "
	    "RETURNING user_id, expires_at::text", 1},
	{NULL, NULL, 0},
};
