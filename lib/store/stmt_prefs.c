/* stmt_prefs.c - the statements of notification preferences (lib/mail/prefs.c).  Row-level
 * security (0041) lets a user see and write only their own row. */
#include "store/stmt.h"

const db_stmt stmt_prefs[] = {
	/* $1 user: the row, or the defaults when there is none. */
	{"prefs_get",
	    "SELECT coalesce(p.digest, 'daily'), coalesce(p.overdue_alerts, true), "
	    "coalesce(p.answer_mail, false) "
	    "FROM (SELECT $1::text AS uid) x LEFT JOIN notification_prefs p ON p.user_id = x.uid",
	    1},
	/* $1 user, $2 digest, $3 overdue alerts, $4 answer mail; NULL: unchanged. */
	{"prefs_set",
	    "INSERT INTO notification_prefs AS p (user_id, digest, overdue_alerts, answer_mail) "
	    "VALUES ($1, coalesce($2, 'daily'), coalesce($3::boolean, true), "
	    "coalesce($4::boolean, false)) "
	    "ON CONFLICT (user_id) DO UPDATE SET digest = coalesce($2, p.digest), "
	    "overdue_alerts = coalesce($3::boolean, p.overdue_alerts), "
	    "answer_mail = coalesce($4::boolean, p.answer_mail), updated_at = now() "
	    "RETURNING digest, overdue_alerts, answer_mail",
	    4},
	{NULL, NULL, 0},
};
