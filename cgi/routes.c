/* routes.c - the route table.  A new route is not served, and the role-matrix test does not
 * build, until it has a line here. */
#include "handlers.h"
#include "route.h"

const route routes[] = {
	{"GET", "/healthz", ACT_PUBLIC, ROUTE_PUBLIC, false, BODY_NONE, NULL, h_health},
	{"POST", "/api/v1/session", ACT_PUBLIC, ROUTE_PUBLIC, false, BODY_JSON, login_fields,
	    h_session_create},
	{"GET", "/api/v1/session", ACT_ACCOUNT, ROUTE_SIGNED_IN, false, BODY_NONE, NULL,
	    h_session_get},
	{"DELETE", "/api/v1/session", ACT_ACCOUNT, ROUTE_SIGNED_IN, true, BODY_NONE, NULL,
	    h_session_delete},
	{NULL, NULL, ACT_PUBLIC, ROUTE_PUBLIC, false, BODY_NONE, NULL, NULL},
};
