/* routes_certified.c - certified respondents: the operators' registry, the auditors'
 * directory, and a pick from it as a confirmation's address check (lane rd). */
#include "api/handlers.h"
#include "route.h"

#define V1 "/api/v1"
#define SIGNED ROUTE_SIGNED_IN

const route routes_certified[] = {
	{"POST", V1 "/operator/certified-respondents", ACT_OPERATOR, ROUTE_OPERATOR, true,
	    BODY_JSON, certified_fields, h_certified_register, ANSWER_KEPT, TX_WRITE, TARGET_NONE},
	{"GET", V1 "/operator/certified-respondents", ACT_OPERATOR, ROUTE_OPERATOR, false,
	    BODY_NONE, NULL, h_certified_list, ANSWER_KEPT, TX_WRITE, TARGET_NONE},
	{"GET", V1 "/directory", ACT_DIRECTORY, SIGNED, false, BODY_NONE, NULL, h_certified_list,
	    ANSWER_KEPT, TX_WRITE, TARGET_NONE},
	/* The pick is the address check: the same action, the audit team's. */
	{"POST", V1 "/confirmations/{}/directory-pick", ACT_CONF_ADDRESS_CHECK, SIGNED, true,
	    BODY_JSON, directory_pick_fields, h_conf_directory_pick, ANSWER_KEPT, TX_WRITE,
	    TARGET_CONFIRMATION},
	/* The desk's queue and routing: the user's organisation and unit are its own
	 * (org_members); row-level security keeps a branch to its own requests. */
	{"GET", V1 "/desk", ACT_DESK, SIGNED, false, BODY_NONE, NULL, h_desk_list, ANSWER_KEPT,
	    TX_WRITE, TARGET_NONE},
	{"POST", V1 "/desk/route", ACT_DESK, SIGNED, true, BODY_JSON, desk_route_fields,
	    h_desk_route, ANSWER_KEPT, TX_WRITE, TARGET_NONE},
	{"GET", "/desk", ACT_DESK, SIGNED, false, BODY_NONE, NULL, page_desk_queue, ANSWER_KEPT,
	    TX_WRITE, TARGET_NONE},
	{"POST", "/desk/route", ACT_DESK, SIGNED, true, BODY_FORM, NULL, page_desk_queue_route,
	    ANSWER_KEPT, TX_WRITE, TARGET_NONE},
	{NULL, NULL, ACT_PUBLIC, ROUTE_PUBLIC, false, BODY_NONE, NULL, NULL, ANSWER_KEPT, TX_NONE,
	    TARGET_NONE},
};
