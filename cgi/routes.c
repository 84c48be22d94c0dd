/* routes.c - the core route table, and the list of every table.  A route is served only
 * once it has a line in one of them, and the access tests (tests/integration/access.test.mjs)
 * read all of them through `bgw-fcgi --routes` and refuse to pass while a route has no
 * expected row in their matrix. */
#include "api/handlers.h"
#include "authglue.h"
#include "route.h"

#define V1 "/api/v1"

const route routes_core[] = {
	{"GET", "/healthz", ACT_PUBLIC, ROUTE_PUBLIC, false, BODY_NONE, NULL, h_health, ANSWER_KEPT,
	    TX_NONE, TARGET_NONE},

	/* sessions and accounts */
	{"POST", V1 "/session", ACT_PUBLIC, ROUTE_PUBLIC, false, BODY_JSON, login_fields,
	    h_session_create, ANSWER_KEPT, TX_NONE, TARGET_NONE},
	{"GET", V1 "/session", ACT_ACCOUNT, ROUTE_SIGNED_IN, false, BODY_NONE, NULL, h_session_get,
	    ANSWER_KEPT, TX_WRITE, TARGET_NONE},
	{"DELETE", V1 "/session", ACT_ACCOUNT, ROUTE_SIGNED_IN, true, BODY_NONE, NULL,
	    h_session_delete, ANSWER_KEPT, TX_WRITE, TARGET_NONE},
	{"POST", V1 "/password-reset", ACT_PUBLIC, ROUTE_PUBLIC, false, BODY_JSON, reset_fields,
	    h_password_reset, ANSWER_KEPT, TX_WRITE, TARGET_NONE},
	{"POST", V1 "/password-reset/complete", ACT_PUBLIC, ROUTE_PUBLIC, false, BODY_JSON,
	    reset_complete_fields, h_password_reset_complete, ANSWER_KEPT, TX_WRITE, TARGET_NONE},
	{"POST", V1 "/invitations/accept", ACT_PUBLIC, ROUTE_PUBLIC, false, BODY_JSON,
	    accept_fields, h_invitation_accept, ANSWER_KEPT, TX_WRITE, TARGET_NONE},
	{"PUT", V1 "/me/password", ACT_ACCOUNT, ROUTE_SIGNED_IN, true, BODY_JSON,
	    password_change_fields, h_password_change, ANSWER_KEPT, TX_WRITE, TARGET_NONE},
	{"POST", V1 "/me/mfa", ACT_ACCOUNT, ROUTE_SIGNED_IN, true, BODY_NONE, NULL, h_mfa_begin,
	    ANSWER_SECRET, TX_WRITE, TARGET_NONE},
	{"POST", V1 "/me/mfa/verify", ACT_ACCOUNT, ROUTE_SIGNED_IN, true, BODY_JSON, otp_fields,
	    h_mfa_verify, ANSWER_SECRET, TX_WRITE, TARGET_NONE},
	{"DELETE", V1 "/me/mfa", ACT_ACCOUNT, ROUTE_SIGNED_IN, true, BODY_JSON, mfa_off_fields,
	    h_mfa_disable, ANSWER_KEPT, TX_WRITE, TARGET_NONE},
	{"DELETE", V1 "/users/{}", ACT_ACCOUNT_DELETE, ROUTE_SIGNED_IN, true, BODY_NONE, NULL,
	    h_account_delete, ANSWER_KEPT, TX_WRITE, TARGET_NONE},

	/* projects and members */
	{"POST", V1 "/projects", ACT_PROJECT_CREATE, ROUTE_SIGNED_IN, true, BODY_JSON,
	    project_create_fields, h_project_create, ANSWER_SECRET, TX_WRITE, TARGET_NONE},
	{"GET", V1 "/projects", ACT_PROJECT_LIST, ROUTE_SIGNED_IN, false, BODY_NONE, NULL,
	    h_project_list, ANSWER_KEPT, TX_WRITE, TARGET_NONE},
	{"GET", V1 "/projects/{}", ACT_PROJECT_READ, ROUTE_SIGNED_IN, false, BODY_NONE, NULL,
	    h_project_get, ANSWER_KEPT, TX_WRITE, TARGET_PROJECT},
	{"PATCH", V1 "/projects/{}", ACT_PROJECT_SETTINGS, ROUTE_SIGNED_IN, true, BODY_JSON,
	    project_patch_fields, h_project_patch, ANSWER_KEPT, TX_WRITE, TARGET_PROJECT},
	{"POST", V1 "/projects/{}/access", ACT_PROJECT_ACCESS, ROUTE_SIGNED_IN, true, BODY_JSON,
	    access_fields, h_project_access, ANSWER_KEPT, TX_KEEP_ON_ERROR, TARGET_PROJECT},
	{"POST", V1 "/projects/{}/access-code", ACT_PROJECT_SETTINGS, ROUTE_SIGNED_IN, true,
	    BODY_NONE, NULL, h_project_code_regenerate, ANSWER_SECRET, TX_WRITE, TARGET_PROJECT},
	{"POST", V1 "/projects/{}/complete", ACT_PROJECT_COMPLETE, ROUTE_SIGNED_IN, true, BODY_NONE,
	    NULL, h_project_complete, ANSWER_KEPT, TX_WRITE, TARGET_PROJECT},
	{"GET", V1 "/projects/{}/members", ACT_MEMBERS_READ, ROUTE_SIGNED_IN, false, BODY_NONE,
	    NULL, h_members_list, ANSWER_KEPT, TX_WRITE, TARGET_PROJECT},
	{"POST", V1 "/projects/{}/members", ACT_MEMBERS_MANAGE, ROUTE_SIGNED_IN, true, BODY_JSON,
	    member_add_fields, h_member_add, ANSWER_KEPT, TX_WRITE, TARGET_PROJECT},
	{"DELETE", V1 "/projects/{}/members/{}", ACT_MEMBERS_MANAGE, ROUTE_SIGNED_IN, true,
	    BODY_NONE, NULL, h_member_remove, ANSWER_KEPT, TX_WRITE, TARGET_PROJECT},
	{"POST", V1 "/projects/{}/members/{}/unlock", ACT_MEMBER_UNLOCK, ROUTE_SIGNED_IN, true,
	    BODY_NONE, NULL, h_member_unlock, ANSWER_KEPT, TX_WRITE, TARGET_MEMBER},

	/* confirmations */
#define CONF V1 "/confirmations/{}"
#define SIGNED ROUTE_SIGNED_IN
	{"POST", V1 "/projects/{}/confirmations", ACT_CONF_CREATE, SIGNED, true, BODY_JSON, NULL,
	    h_conf_create, ANSWER_KEPT, TX_WRITE, TARGET_PROJECT},
	{"GET", V1 "/projects/{}/confirmations", ACT_CONF_LIST, SIGNED, false, BODY_NONE, NULL,
	    h_conf_list, ANSWER_KEPT, TX_READ, TARGET_PROJECT},
	{"GET", V1 "/inbox", ACT_INBOX, SIGNED, false, BODY_NONE, NULL, h_inbox, ANSWER_KEPT,
	    TX_WRITE, TARGET_NONE},
	{"GET", CONF, ACT_CONF_READ, SIGNED, false, BODY_NONE, NULL, h_conf_get, ANSWER_KEPT,
	    TX_WRITE, TARGET_CONFIRMATION},
	/* A receipt is a view of the answer (response.view): written, so TX_WRITE. */
	{"GET", CONF "/receipt", ACT_CONF_RECEIPT, SIGNED, false, BODY_NONE, NULL, h_conf_receipt,
	    ANSWER_KEPT, TX_WRITE, TARGET_CONFIRMATION},
	{"PATCH", CONF, ACT_CONF_EDIT, SIGNED, true, BODY_JSON, NULL, h_conf_patch, ANSWER_KEPT,
	    TX_WRITE, TARGET_CONFIRMATION},
	{"POST", CONF "/submit", ACT_CONF_EDIT, SIGNED, true, BODY_NONE, NULL, h_conf_submit,
	    ANSWER_KEPT, TX_WRITE, TARGET_CONFIRMATION},
	{"POST", CONF "/authorize", ACT_CONF_AUTHORIZE, SIGNED, true, BODY_NONE, NULL,
	    h_conf_authorize, ANSWER_KEPT, TX_WRITE, TARGET_CONFIRMATION},
	{"POST", CONF "/return", ACT_CONF_AUTHORIZE, SIGNED, true, BODY_JSON, reason_fields,
	    h_conf_return, ANSWER_KEPT, TX_WRITE, TARGET_CONFIRMATION},
	{"POST", CONF "/refuse", ACT_CONF_AUTHORIZE, SIGNED, true, BODY_JSON, reason_fields,
	    h_conf_refuse, ANSWER_KEPT, TX_WRITE, TARGET_CONFIRMATION},
	{"POST", CONF "/address-check", ACT_CONF_ADDRESS_CHECK, SIGNED, true, BODY_JSON,
	    address_check_fields, h_conf_address_check, ANSWER_KEPT, TX_WRITE, TARGET_CONFIRMATION},
	/* Both answers may carry the respondent's first-access code (code_channel phone or
	 * letter): never kept for a replay. */
	{"POST", CONF "/send", ACT_CONF_SEND, SIGNED, true, BODY_JSON, send_fields, h_conf_send,
	    ANSWER_SECRET, TX_WRITE, TARGET_CONFIRMATION},
	{"POST", CONF "/respondent-code", ACT_CONF_SEND, SIGNED, true, BODY_JSON,
	    respondent_code_fields, h_conf_respondent_code, ANSWER_SECRET, TX_WRITE,
	    TARGET_CONFIRMATION},
	{"POST", CONF "/response", ACT_CONF_RESPOND, SIGNED, true, BODY_JSON, NULL, h_conf_respond,
	    ANSWER_KEPT, TX_WRITE, TARGET_CONFIRMATION},
	{"POST", CONF "/response/approve", ACT_CONF_APPROVE, SIGNED, true, BODY_JSON,
	    approve_fields, h_conf_approve, ANSWER_KEPT, TX_WRITE, TARGET_CONFIRMATION},
	{"POST", CONF "/response/return", ACT_CONF_APPROVE, SIGNED, true, BODY_JSON, reason_fields,
	    h_conf_send_back, ANSWER_KEPT, TX_WRITE, TARGET_CONFIRMATION},
	{"POST", CONF "/decline", ACT_CONF_RESPOND, SIGNED, true, BODY_JSON, reason_fields,
	    h_conf_decline, ANSWER_KEPT, TX_WRITE, TARGET_CONFIRMATION},
	{"POST", CONF "/review", ACT_CONF_REVIEW, SIGNED, true, BODY_JSON, review_fields,
	    h_conf_review, ANSWER_KEPT, TX_WRITE, TARGET_CONFIRMATION},
	{"POST", CONF "/resolve", ACT_CONF_REVIEW, SIGNED, true, BODY_JSON, resolve_fields,
	    h_conf_resolve, ANSWER_KEPT, TX_WRITE, TARGET_CONFIRMATION},
	{"POST", CONF "/ask-again", ACT_CONF_REVIEW, SIGNED, true, BODY_JSON, reason_fields,
	    h_conf_ask_again, ANSWER_KEPT, TX_WRITE, TARGET_CONFIRMATION},
	{"POST", CONF "/close", ACT_CONF_REVIEW, SIGNED, true, BODY_JSON, close_fields,
	    h_conf_close, ANSWER_KEPT, TX_WRITE, TARGET_CONFIRMATION},
	{"POST", CONF "/remind", ACT_CONF_REVIEW, SIGNED, true, BODY_NONE, NULL, h_conf_remind,
	    ANSWER_KEPT, TX_WRITE, TARGET_CONFIRMATION},
	{"POST", CONF "/cancel", ACT_CONF_CANCEL, SIGNED, true, BODY_JSON, reason_fields,
	    h_conf_cancel, ANSWER_KEPT, TX_WRITE, TARGET_CONFIRMATION},
	{"POST", CONF "/share", ACT_CONF_REVIEW, SIGNED, true, BODY_JSON, share_fields,
	    h_conf_share, ANSWER_KEPT, TX_WRITE, TARGET_CONFIRMATION},

	/* operators */
	{"GET", V1 "/operator/firms", ACT_OPERATOR, ROUTE_OPERATOR, false, BODY_NONE, NULL,
	    h_operator_firms, ANSWER_KEPT, TX_WRITE, TARGET_NONE},
	{"GET", V1 "/operator/users", ACT_OPERATOR, ROUTE_OPERATOR, false, BODY_NONE, NULL,
	    h_operator_users, ANSWER_KEPT, TX_WRITE, TARGET_NONE},
	{"POST", V1 "/operator/users/{}/lock", ACT_OPERATOR, ROUTE_OPERATOR, true, BODY_NONE, NULL,
	    h_operator_lock, ANSWER_KEPT, TX_WRITE, TARGET_NONE},
	{"POST", V1 "/operator/users/{}/unlock", ACT_OPERATOR, ROUTE_OPERATOR, true, BODY_NONE,
	    NULL, h_operator_unlock, ANSWER_KEPT, TX_WRITE, TARGET_NONE},

	{NULL, NULL, ACT_PUBLIC, ROUTE_PUBLIC, false, BODY_NONE, NULL, NULL, ANSWER_KEPT, TX_NONE,
	    TARGET_NONE},
};

const route *const route_tables[] = {routes_core, routes_records, routes_documents, routes_pages,
	routes_pages_account, routes_notify, routes_ops, routes_pdf, routes_bulkanswer,
	routes_prefs, routes_mailact, routes_org, routes_certified, routes_controls, NULL};
