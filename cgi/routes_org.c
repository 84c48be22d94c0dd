/* routes_org.c - a respondent organisation's own users and units (issue 17): the API and
 * the pages.  The target is the organisation ({oid}, TARGET_ORG): the policy layer lets its
 * live users read (org.read) and its admins manage (org.manage); anyone else gets 404.
 * The organisation's confirmations are in the one inbox (GET /api/v1/inbox, /inbox). */
#include "api/h_org.h"
#include "route.h"

#define V1 "/api/v1"
#define ORG "/orgs/{}"
#define SIGNED ROUTE_SIGNED_IN

const route routes_org[] = {
	{"GET", V1 "/org", ACT_ACCOUNT, SIGNED, false, BODY_NONE, NULL, h_org_own, ANSWER_KEPT,
	    TX_WRITE, TARGET_NONE},
	{"GET", V1 ORG, ACT_ORG_READ, SIGNED, false, BODY_NONE, NULL, h_org_get, ANSWER_KEPT,
	    TX_WRITE, TARGET_ORG},
	{"GET", V1 ORG "/members", ACT_ORG_READ, SIGNED, false, BODY_NONE, NULL, h_org_members,
	    ANSWER_KEPT, TX_WRITE, TARGET_ORG},
	{"POST", V1 ORG "/members", ACT_ORG_MANAGE, SIGNED, true, BODY_JSON, org_invite_fields,
	    h_org_invite, ANSWER_KEPT, TX_WRITE, TARGET_ORG},
	{"PATCH", V1 ORG "/members/{}", ACT_ORG_MANAGE, SIGNED, true, BODY_JSON, org_change_fields,
	    h_org_change, ANSWER_KEPT, TX_WRITE, TARGET_ORG},
	{"POST", V1 ORG "/members/{}/deactivate", ACT_ORG_MANAGE, SIGNED, true, BODY_NONE, NULL,
	    h_org_deactivate, ANSWER_KEPT, TX_WRITE, TARGET_ORG},
	{"POST", V1 ORG "/members/{}/reactivate", ACT_ORG_MANAGE, SIGNED, true, BODY_NONE, NULL,
	    h_org_reactivate, ANSWER_KEPT, TX_WRITE, TARGET_ORG},
	{"POST", V1 ORG "/units", ACT_ORG_MANAGE, SIGNED, true, BODY_JSON, org_unit_fields,
	    h_org_unit_create, ANSWER_KEPT, TX_WRITE, TARGET_ORG},

	/* the pages (forms are BODY_FORM, each POST answers 303) */
	{"GET", "/org", ACT_ACCOUNT, SIGNED, false, BODY_NONE, NULL, page_org_own, ANSWER_KEPT,
	    TX_WRITE, TARGET_NONE},
	{"GET", ORG, ACT_ORG_READ, SIGNED, false, BODY_NONE, NULL, page_org, ANSWER_KEPT,
	    TX_WRITE, TARGET_ORG},
	{"POST", ORG "/members", ACT_ORG_MANAGE, SIGNED, true, BODY_FORM, NULL, page_org_invite,
	    ANSWER_KEPT, TX_WRITE, TARGET_ORG},
	{"POST", ORG "/members/{}", ACT_ORG_MANAGE, SIGNED, true, BODY_FORM, NULL, page_org_change,
	    ANSWER_KEPT, TX_WRITE, TARGET_ORG},
	{"POST", ORG "/members/{}/deactivate", ACT_ORG_MANAGE, SIGNED, true, BODY_FORM, NULL,
	    page_org_deactivate, ANSWER_KEPT, TX_WRITE, TARGET_ORG},
	{"POST", ORG "/members/{}/reactivate", ACT_ORG_MANAGE, SIGNED, true, BODY_FORM, NULL,
	    page_org_reactivate, ANSWER_KEPT, TX_WRITE, TARGET_ORG},
	{"POST", ORG "/units", ACT_ORG_MANAGE, SIGNED, true, BODY_FORM, NULL,
	    page_org_unit_create, ANSWER_KEPT, TX_WRITE, TARGET_ORG},
	{NULL, NULL, ACT_PUBLIC, ROUTE_PUBLIC, false, BODY_NONE, NULL, NULL, ANSWER_KEPT, TX_NONE,
	    TARGET_NONE},
};
