/* routes_pages_account.c - the routes of the account-side HTML pages: invitation, password
 * reset, account settings and MFA, members, help, the public verify page, operator pages.
 * Conventions as in routes_pages.c (forms are BODY_FORM, each POST answers 303). */
#include "handlers.h"
#include "route.h"

const route routes_pages_account[] = {
	{NULL, NULL, ACT_PUBLIC, ROUTE_PUBLIC, false, BODY_NONE, NULL, NULL},
};
