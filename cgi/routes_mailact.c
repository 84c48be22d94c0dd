/* routes_mailact.c - the routes mail links lead to (issue 22 item 6): the digest's signed
 * unsubscribe link (page_unsub.c).  Public and without a CSRF token on purpose: a mail
 * provider's one-click POST (RFC 8058) carries no session; the link's signature stands in
 * for both, and it can only turn one user's digest off. */
#include "api/handlers.h"
#include "route.h"

const route routes_mailact[] = {
	{"GET", "/unsubscribe/{}", ACT_PUBLIC, ROUTE_PUBLIC, false, BODY_NONE, NULL,
	    page_unsub_show, ANSWER_KEPT, TX_NONE, TARGET_NONE},
	{"POST", "/unsubscribe/{}", ACT_PUBLIC, ROUTE_PUBLIC, false, BODY_FORM, NULL,
	    page_unsub_post, ANSWER_KEPT, TX_WRITE, TARGET_NONE},
	{NULL, NULL, ACT_PUBLIC, ROUTE_PUBLIC, false, BODY_NONE, NULL, NULL, ANSWER_KEPT, TX_NONE,
	    TARGET_NONE},
};
