/* stmt_core.c - statements every program needs. */
#include "store/stmt.h"

const db_stmt stmt_core[] = {
	/* /healthz: the connection answers a query. */
	{"health_ping", "SELECT 1", 0},
	{NULL, NULL, 0},
};
