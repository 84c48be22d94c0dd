/* routes_pages.c - the routes of the HTML pages.
 *
 * Forms are BODY_FORM: the router reads the urlencoded body and checks the csrf_token field
 * on signed-in routes; the handlers validate the fields themselves (page_fields) so that a
 * form with a mistake comes back filled in with its errors instead of an error page.  Each
 * POST answers 303 to a page (PRG). */
#include "handlers.h"
#include "route.h"

#define SIGNED ROUTE_SIGNED_IN
#define PUBLIC ROUTE_PUBLIC
#define CONF "/confirmations/{}"

const route routes_pages[] = {
	{"GET", "/", ACT_PUBLIC, PUBLIC, false, BODY_NONE, NULL, page_home},
	{"GET", "/lang/{}", ACT_PUBLIC, PUBLIC, false, BODY_NONE, NULL, page_lang},
	{"GET", "/login", ACT_PUBLIC, PUBLIC, false, BODY_NONE, NULL, page_login},
	{"POST", "/login", ACT_PUBLIC, PUBLIC, false, BODY_FORM, NULL, page_login_post},
	{"POST", "/logout", ACT_ACCOUNT, SIGNED, true, BODY_FORM, NULL, page_logout},

	/* projects */
	{"GET", "/projects", ACT_PROJECT_LIST, SIGNED, false, BODY_NONE, NULL, page_projects},
	{"POST", "/projects", ACT_PROJECT_CREATE, SIGNED, true, BODY_FORM, NULL,
	    page_project_create},
	{"GET", "/projects/{}", ACT_PROJECT_READ, SIGNED, false, BODY_NONE, NULL, page_dashboard},
	{"GET", "/projects/{}/access", ACT_PROJECT_ACCESS, SIGNED, false, BODY_NONE, NULL,
	    page_access},
	{"POST", "/projects/{}/access", ACT_PROJECT_ACCESS, SIGNED, true, BODY_FORM, NULL,
	    page_access_post},
	{"POST", "/projects/{}/authorize", ACT_CONF_LIST, SIGNED, true, BODY_FORM, NULL,
	    page_bulk_authorize},
	{"POST", "/projects/{}/complete", ACT_PROJECT_COMPLETE, SIGNED, true, BODY_FORM, NULL,
	    page_project_complete},

	/* a confirmation and its actions */
	{"GET", CONF, ACT_CONF_READ, SIGNED, false, BODY_NONE, NULL, page_conf},
	{"POST", CONF "/submit", ACT_CONF_EDIT, SIGNED, true, BODY_FORM, NULL, page_conf_submit},
	{"POST", CONF "/authorize", ACT_CONF_AUTHORIZE, SIGNED, true, BODY_FORM, NULL,
	    page_conf_authorize},
	{"POST", CONF "/return", ACT_CONF_AUTHORIZE, SIGNED, true, BODY_FORM, NULL,
	    page_conf_return},
	{"POST", CONF "/refuse", ACT_CONF_AUTHORIZE, SIGNED, true, BODY_FORM, NULL,
	    page_conf_refuse},
	{"POST", CONF "/address-check", ACT_CONF_ADDRESS_CHECK, SIGNED, true, BODY_FORM, NULL,
	    page_conf_address_check},
	{"POST", CONF "/send", ACT_CONF_SEND, SIGNED, true, BODY_FORM, NULL, page_conf_send},
	{"POST", CONF "/respondent-code", ACT_CONF_SEND, SIGNED, true, BODY_FORM, NULL,
	    page_conf_respondent_code},
	{"POST", CONF "/approve", ACT_CONF_APPROVE, SIGNED, true, BODY_FORM, NULL,
	    page_conf_approve},
	{"POST", CONF "/send-back", ACT_CONF_APPROVE, SIGNED, true, BODY_FORM, NULL,
	    page_conf_send_back},
	{"POST", CONF "/decline", ACT_CONF_RESPOND, SIGNED, true, BODY_FORM, NULL,
	    page_conf_decline},
	{"POST", CONF "/review", ACT_CONF_REVIEW, SIGNED, true, BODY_FORM, NULL, page_conf_review},
	{"POST", CONF "/resolve", ACT_CONF_REVIEW, SIGNED, true, BODY_FORM, NULL,
	    page_conf_resolve},
	{"POST", CONF "/ask-again", ACT_CONF_REVIEW, SIGNED, true, BODY_FORM, NULL,
	    page_conf_ask_again},
	{"POST", CONF "/close", ACT_CONF_REVIEW, SIGNED, true, BODY_FORM, NULL, page_conf_close},
	{"POST", CONF "/remind", ACT_CONF_REVIEW, SIGNED, true, BODY_FORM, NULL, page_conf_remind},
	{"POST", CONF "/cancel", ACT_CONF_CANCEL, SIGNED, true, BODY_FORM, NULL, page_conf_cancel},
	{"POST", CONF "/share", ACT_CONF_REVIEW, SIGNED, true, BODY_FORM, NULL, page_conf_share},


	/* confirmation side: the form, import, the inbox and the answer, records, receipt */
	{"GET", "/projects/{}/confirmations/new", ACT_CONF_CREATE, SIGNED, false, BODY_NONE, NULL,
	    page_conf_new},
	{"POST", "/projects/{}/confirmations/new", ACT_CONF_CREATE, SIGNED, true, BODY_FORM, NULL,
	    page_conf_new_post},
	{"GET", CONF "/edit", ACT_CONF_EDIT, SIGNED, false, BODY_NONE, NULL, page_conf_edit},
	{"POST", CONF "/edit", ACT_CONF_EDIT, SIGNED, true, BODY_FORM, NULL, page_conf_edit_post},
	{"GET", "/projects/{}/import", ACT_CONF_CREATE, SIGNED, false, BODY_NONE, NULL,
	    page_import},
	/* Multipart forms: the handler checks the csrf_token field, which the form sends
	 * before the file, before it reads any of the file (the router reads only urlencoded
	 * forms).  The Origin check still runs. */
	{"POST", "/projects/{}/import", ACT_CONF_CREATE, SIGNED, false, BODY_STREAM, NULL,
	    page_import_post},
	{"POST", CONF "/documents", ACT_DOC_UPLOAD, SIGNED, false, BODY_STREAM, NULL,
	    page_doc_upload},
	{"POST", CONF "/comments", ACT_CONF_COMMENT, SIGNED, true, BODY_FORM, NULL,
	    page_comment_add},
	{"GET", "/inbox", ACT_INBOX, SIGNED, false, BODY_NONE, NULL, page_inbox},
	{"GET", CONF "/answer", ACT_CONF_RESPOND, SIGNED, false, BODY_NONE, NULL, page_answer},
	{"POST", CONF "/answer", ACT_CONF_RESPOND, SIGNED, true, BODY_FORM, NULL,
	    page_answer_post},
	{"GET", CONF "/receipt", ACT_CONF_RECEIPT, SIGNED, false, BODY_NONE, NULL, page_receipt},

	{NULL, NULL, ACT_PUBLIC, ROUTE_PUBLIC, false, BODY_NONE, NULL, NULL},
};
