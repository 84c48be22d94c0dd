/* routes_records.c - the routes of comments, history, receipts, the public verify route, import, export, the audit log. */
#include "handlers.h"
#include "route.h"

const route routes_records[] = {
	{NULL, NULL, ACT_PUBLIC, ROUTE_PUBLIC, false, BODY_NONE, NULL, NULL},
};
