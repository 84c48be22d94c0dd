/* stmt_metrics.c - the statements of cgi/api/h_metrics.c; all SQL text lives under lib/store/ (stmt.h). */
#include "store/stmt.h"

const db_stmt stmt_metrics[] = {
	/* Mail waiting to leave and the age of the oldest waiting message (uses outbox_due). */
	{"metrics_outbox",
	    "SELECT count(*), coalesce(extract(epoch FROM now() - min(created_at)), 0), "
	    "count(*) FILTER (WHERE attempts > 0), "
	    "(SELECT count(*) FROM outbox WHERE status = 'failed') " /* uses outbox_failed */
	    "FROM outbox WHERE status IN ('queued', 'sending')", 0},
	{NULL, NULL, 0},
};
