/* routes_pages.c - the routes of the HTML pages. */
#include "handlers.h"
#include "route.h"

const route routes_pages[] = {
	{NULL, NULL, ACT_PUBLIC, ROUTE_PUBLIC, false, BODY_NONE, NULL, NULL},
};
