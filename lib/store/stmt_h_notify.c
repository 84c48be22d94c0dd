/* stmt_h_notify.c - the statements of lib/mail/reminders.c; all SQL text lives under lib/store/ (stmt.h). */
#include "store/stmt.h"

const db_stmt stmt_h_notify[] = {
	{"hnotify_reminders_get",
	    "SELECT remind_days_before, remind_days_after, remind_every_days FROM projects "
	    "WHERE id = $1", 1},
	/* $2..$4: the new value; $5..$7: 'keep' leaves a column as it is. */
	{"hnotify_reminders_set",
	    "UPDATE projects SET "
	    "remind_days_before = CASE WHEN $5 = 'keep' THEN remind_days_before ELSE $2::int END, "
	    "remind_days_after = CASE WHEN $6 = 'keep' THEN remind_days_after ELSE $3::int END, "
	    "remind_every_days = CASE WHEN $7 = 'keep' THEN remind_every_days ELSE $4::int END, "
	    "updated_at = now() WHERE id = $1 "
	    "RETURNING remind_days_before, remind_days_after, remind_every_days", 7},
	{NULL, NULL, 0},
};
