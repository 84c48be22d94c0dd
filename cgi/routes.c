/* routes.c - the core route table, and the list of every table.  A route is served only
 * once it has a line in one of them, and the access tests (tests/integration/access.test.mjs)
 * read all of them through `bgw-fcgi --routes` and refuse to pass while a route has no
 * expected row in their matrix. */
#include "handlers.h"
#include "route.h"

#define V1 "/api/v1"

const route routes_core[] = {
	{"GET", "/healthz", ACT_PUBLIC, ROUTE_PUBLIC, false, BODY_NONE, NULL, h_health},

	/* sessions and accounts */
	{"POST", V1 "/session", ACT_PUBLIC, ROUTE_PUBLIC, false, BODY_JSON, login_fields,
	    h_session_create},
	{"GET", V1 "/session", ACT_ACCOUNT, ROUTE_SIGNED_IN, false, BODY_NONE, NULL, h_session_get},
	{"DELETE", V1 "/session", ACT_ACCOUNT, ROUTE_SIGNED_IN, true, BODY_NONE, NULL,
	    h_session_delete},
	{"POST", V1 "/password-reset", ACT_PUBLIC, ROUTE_PUBLIC, false, BODY_JSON, reset_fields,
	    h_password_reset},
	{"POST", V1 "/password-reset/complete", ACT_PUBLIC, ROUTE_PUBLIC, false, BODY_JSON,
	    reset_complete_fields, h_password_reset_complete},
	{"POST", V1 "/invitations/accept", ACT_PUBLIC, ROUTE_PUBLIC, false, BODY_JSON,
	    accept_fields, h_invitation_accept},
	{"PUT", V1 "/me/password", ACT_ACCOUNT, ROUTE_SIGNED_IN, true, BODY_JSON,
	    password_change_fields, h_password_change},
	{"POST", V1 "/me/mfa", ACT_ACCOUNT, ROUTE_SIGNED_IN, true, BODY_NONE, NULL, h_mfa_begin},
	{"POST", V1 "/me/mfa/verify", ACT_ACCOUNT, ROUTE_SIGNED_IN, true, BODY_JSON, otp_fields,
	    h_mfa_verify},
	{"DELETE", V1 "/me/mfa", ACT_ACCOUNT, ROUTE_SIGNED_IN, true, BODY_JSON, mfa_off_fields,
	    h_mfa_disable},
	{"DELETE", V1 "/users/{}", ACT_ACCOUNT_DELETE, ROUTE_SIGNED_IN, true, BODY_NONE, NULL,
	    h_account_delete},

	/* projects and members */
	{"POST", V1 "/projects", ACT_PROJECT_CREATE, ROUTE_SIGNED_IN, true, BODY_JSON,
	    project_create_fields, h_project_create},
	{"GET", V1 "/projects", ACT_PROJECT_LIST, ROUTE_SIGNED_IN, false, BODY_NONE, NULL,
	    h_project_list},
	{"GET", V1 "/projects/{}", ACT_PROJECT_READ, ROUTE_SIGNED_IN, false, BODY_NONE, NULL,
	    h_project_get},
	{"PATCH", V1 "/projects/{}", ACT_PROJECT_SETTINGS, ROUTE_SIGNED_IN, true, BODY_JSON,
	    project_patch_fields, h_project_patch},
	{"POST", V1 "/projects/{}/access", ACT_PROJECT_ACCESS, ROUTE_SIGNED_IN, true, BODY_JSON,
	    access_fields, h_project_access},
	{"POST", V1 "/projects/{}/access-code", ACT_PROJECT_SETTINGS, ROUTE_SIGNED_IN, true,
	    BODY_NONE, NULL, h_project_code_regenerate},
	{"POST", V1 "/projects/{}/complete", ACT_PROJECT_COMPLETE, ROUTE_SIGNED_IN, true, BODY_NONE,
	    NULL, h_project_complete},
	{"GET", V1 "/projects/{}/members", ACT_MEMBERS_READ, ROUTE_SIGNED_IN, false, BODY_NONE,
	    NULL, h_members_list},
	{"POST", V1 "/projects/{}/members", ACT_MEMBERS_MANAGE, ROUTE_SIGNED_IN, true, BODY_JSON,
	    member_add_fields, h_member_add},
	{"DELETE", V1 "/projects/{}/members/{}", ACT_MEMBERS_MANAGE, ROUTE_SIGNED_IN, true,
	    BODY_NONE, NULL, h_member_remove},
	{"POST", V1 "/projects/{}/members/{}/unlock", ACT_MEMBER_UNLOCK, ROUTE_SIGNED_IN, true,
	    BODY_NONE, NULL, h_member_unlock},

	/* confirmations */
#define CONF V1 "/confirmations/{}"
#define SIGNED ROUTE_SIGNED_IN
	{"POST", V1 "/projects/{}/confirmations", ACT_CONF_CREATE, SIGNED, true, BODY_JSON, NULL,
	    h_conf_create},
	{"GET", V1 "/projects/{}/confirmations", ACT_CONF_LIST, SIGNED, false, BODY_NONE, NULL,
	    h_conf_list},
	{"GET", V1 "/inbox", ACT_INBOX, SIGNED, false, BODY_NONE, NULL, h_inbox},
	{"GET", CONF, ACT_CONF_READ, SIGNED, false, BODY_NONE, NULL, h_conf_get},
	{"PATCH", CONF, ACT_CONF_EDIT, SIGNED, true, BODY_JSON, NULL, h_conf_patch},
	{"POST", CONF "/submit", ACT_CONF_EDIT, SIGNED, true, BODY_NONE, NULL, h_conf_submit},
	{"POST", CONF "/authorize", ACT_CONF_AUTHORIZE, SIGNED, true, BODY_NONE, NULL,
	    h_conf_authorize},
	{"POST", CONF "/return", ACT_CONF_AUTHORIZE, SIGNED, true, BODY_JSON, reason_fields,
	    h_conf_return},
	{"POST", CONF "/refuse", ACT_CONF_AUTHORIZE, SIGNED, true, BODY_JSON, reason_fields,
	    h_conf_refuse},
	{"POST", CONF "/address-check", ACT_CONF_ADDRESS_CHECK, SIGNED, true, BODY_JSON,
	    address_check_fields, h_conf_address_check},
	{"POST", CONF "/send", ACT_CONF_SEND, SIGNED, true, BODY_JSON, send_fields, h_conf_send},
	{"POST", CONF "/respondent-code", ACT_CONF_SEND, SIGNED, true, BODY_JSON,
	    respondent_code_fields, h_conf_respondent_code},
	{"POST", CONF "/response", ACT_CONF_RESPOND, SIGNED, true, BODY_JSON, NULL,
	    h_conf_respond},
	{"POST", CONF "/response/approve", ACT_CONF_APPROVE, SIGNED, true, BODY_JSON,
	    approve_fields, h_conf_approve},
	{"POST", CONF "/response/return", ACT_CONF_APPROVE, SIGNED, true, BODY_JSON, reason_fields,
	    h_conf_send_back},
	{"POST", CONF "/decline", ACT_CONF_RESPOND, SIGNED, true, BODY_JSON, reason_fields,
	    h_conf_decline},
	{"POST", CONF "/review", ACT_CONF_REVIEW, SIGNED, true, BODY_JSON, review_fields,
	    h_conf_review},
	{"POST", CONF "/resolve", ACT_CONF_REVIEW, SIGNED, true, BODY_JSON, resolve_fields,
	    h_conf_resolve},
	{"POST", CONF "/ask-again", ACT_CONF_REVIEW, SIGNED, true, BODY_JSON, reason_fields,
	    h_conf_ask_again},
	{"POST", CONF "/close", ACT_CONF_REVIEW, SIGNED, true, BODY_JSON, close_fields,
	    h_conf_close},
	{"POST", CONF "/remind", ACT_CONF_REVIEW, SIGNED, true, BODY_NONE, NULL, h_conf_remind},
	{"POST", CONF "/cancel", ACT_CONF_CANCEL, SIGNED, true, BODY_JSON, reason_fields,
	    h_conf_cancel},
	{"POST", CONF "/share", ACT_CONF_REVIEW, SIGNED, true, BODY_JSON, share_fields,
	    h_conf_share},

	/* operators */
	{"GET", V1 "/operator/firms", ACT_OPERATOR, ROUTE_OPERATOR, false, BODY_NONE, NULL,
	    h_operator_firms},
	{"GET", V1 "/operator/users", ACT_OPERATOR, ROUTE_OPERATOR, false, BODY_NONE, NULL,
	    h_operator_users},
	{"POST", V1 "/operator/users/{}/lock", ACT_OPERATOR, ROUTE_OPERATOR, true, BODY_NONE, NULL,
	    h_operator_lock},
	{"POST", V1 "/operator/users/{}/unlock", ACT_OPERATOR, ROUTE_OPERATOR, true, BODY_NONE,
	    NULL, h_operator_unlock},

	{NULL, NULL, ACT_PUBLIC, ROUTE_PUBLIC, false, BODY_NONE, NULL, NULL},
};

const route *const route_tables[] = {routes_core, routes_records, routes_documents, routes_pages,
	routes_pages_account, routes_notify, routes_ops, NULL};
