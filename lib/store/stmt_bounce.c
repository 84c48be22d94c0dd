/* stmt_bounce.c - the statements of bounce handling (notify_read_bounce in
 * lib/mail/notify_bounce.c).  The job has no user bound: the functions of 0040_bounces.sql
 * do the writes row-level security would hide. */
#include "store/stmt.h"

const db_stmt stmt_bounce[] = {
	/* $1 outbox id, $2 reason */
	{"bounce_mark",
	    "SELECT confirmation_id, project_id FROM batch_mark_bounced($1, $2)", 2},
	/* $1 outbox id */
	{"bounce_count_transient",
	    "SELECT batch_count_transient_bounce($1)", 1},
	{NULL, NULL, 0},
};
