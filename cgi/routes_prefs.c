/* routes_prefs.c - the routes of notification preferences (issue 22): the JSON pair here;
 * the account page's form posts to POST /me/notifications (routes_pages_account.c's
 * page_account shows it). */
#include "api/handlers.h"
#include "route.h"

#define V1 "/api/v1"

const route routes_prefs[] = {
	{"GET", V1 "/me/notifications", ACT_ACCOUNT, ROUTE_SIGNED_IN, false, BODY_NONE, NULL,
	    h_prefs_get, ANSWER_KEPT, TX_WRITE, TARGET_NONE},
	{"PATCH", V1 "/me/notifications", ACT_ACCOUNT, ROUTE_SIGNED_IN, true, BODY_JSON,
	    prefs_fields, h_prefs_set, ANSWER_KEPT, TX_WRITE, TARGET_NONE},
	/* the account page's form (page_prefs.c) */
	{"POST", "/me/notifications", ACT_ACCOUNT, ROUTE_SIGNED_IN, true, BODY_FORM, NULL,
	    page_prefs_save, ANSWER_KEPT, TX_WRITE, TARGET_NONE},
	{NULL, NULL, ACT_PUBLIC, ROUTE_PUBLIC, false, BODY_NONE, NULL, NULL, ANSWER_KEPT, TX_NONE,
	    TARGET_NONE},
};
