/* routes.c - the route table.  A new route is not served, and the role-matrix test does not
 * build, until it has a line here. */
#include "handlers.h"
#include "route.h"

const route routes[] = {
	{"GET", "/healthz", "health", ROUTE_PUBLIC, false, BODY_NONE, NULL, h_health},
	{NULL, NULL, NULL, ROUTE_PUBLIC, false, BODY_NONE, NULL, NULL},
};
