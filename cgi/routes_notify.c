/* routes_notify.c - the routes of reminder schedules and notification settings. */
#include "handlers.h"
#include "route.h"

const route routes_notify[] = {
	{NULL, NULL, ACT_PUBLIC, ROUTE_PUBLIC, false, BODY_NONE, NULL, NULL},
};
