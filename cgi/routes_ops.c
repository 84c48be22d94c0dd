/* routes_ops.c - the routes of operations: metrics. */
#include "handlers.h"
#include "route.h"

const route routes_ops[] = {
	{NULL, NULL, ACT_PUBLIC, ROUTE_PUBLIC, false, BODY_NONE, NULL, NULL},
};
