/* routes_notify.c - the routes of reminder schedules and undeliverable addressees. */
#include "api/handlers.h"
#include "route.h"

#define V1 "/api/v1"

const route routes_notify[] = {
	{"GET", V1 "/projects/{}/reminders", ACT_PROJECT_READ, ROUTE_SIGNED_IN, false, BODY_NONE,
	    NULL, h_reminders_get, ANSWER_KEPT, TX_WRITE, TARGET_PROJECT},
	{"PATCH", V1 "/projects/{}/reminders", ACT_PROJECT_SETTINGS, ROUTE_SIGNED_IN, true,
	    BODY_JSON, reminders_fields, h_reminders_set, ANSWER_KEPT, TX_WRITE, TARGET_PROJECT},
	{"POST", V1 "/confirmations/{}/addressee", ACT_CONF_READDRESS, ROUTE_SIGNED_IN, true,
	    BODY_JSON, addressee_fields, h_conf_addressee, ANSWER_KEPT, TX_WRITE,
	    TARGET_CONFIRMATION},
	{NULL, NULL, ACT_PUBLIC, ROUTE_PUBLIC, false, BODY_NONE, NULL, NULL, ANSWER_KEPT, TX_NONE,
	    TARGET_NONE},
};
