/* routes_pages.c - the routes of the HTML pages.
 *
 * Forms are BODY_FORM: the router reads the urlencoded body and checks the csrf_token field
 * on signed-in routes; the handlers validate the fields themselves (page_fields) so that a
 * form with a mistake comes back filled in with its errors instead of an error page.  Each
 * POST answers 303 to a page (PRG). */
#include "api/handlers.h"
#include "route.h"

#define SIGNED ROUTE_SIGNED_IN
#define PUBLIC ROUTE_PUBLIC
#define CONF "/confirmations/{}"

const route routes_pages[] = {
	{"GET", "/", ACT_PUBLIC, PUBLIC, false, BODY_NONE, NULL, page_home, ANSWER_KEPT, TX_NONE,
	    TARGET_NONE},
	{"GET", "/lang/{}", ACT_PUBLIC, PUBLIC, false, BODY_NONE, NULL, page_lang, ANSWER_KEPT,
	    TX_NONE, TARGET_NONE},
	{"GET", "/login", ACT_PUBLIC, PUBLIC, false, BODY_NONE, NULL, page_login, ANSWER_KEPT,
	    TX_NONE, TARGET_NONE},
	{"POST", "/login", ACT_PUBLIC, PUBLIC, false, BODY_FORM, NULL, page_login_post, ANSWER_KEPT,
	    TX_NONE, TARGET_NONE},
	{"POST", "/logout", ACT_ACCOUNT, SIGNED, true, BODY_FORM, NULL, page_logout, ANSWER_KEPT,
	    TX_WRITE, TARGET_NONE},

	/* projects */
	{"GET", "/projects", ACT_PROJECT_LIST, SIGNED, false, BODY_NONE, NULL, page_projects,
	    ANSWER_KEPT, TX_WRITE, TARGET_NONE},
	{"POST", "/projects", ACT_PROJECT_CREATE, SIGNED, true, BODY_FORM, NULL,
	    page_project_create, ANSWER_SECRET, TX_WRITE, TARGET_NONE},
	{"GET", "/projects/{}", ACT_PROJECT_READ, SIGNED, false, BODY_NONE, NULL, page_dashboard,
	    ANSWER_KEPT, TX_WRITE, TARGET_PROJECT},
	{"GET", "/projects/{}/access", ACT_PROJECT_ACCESS, SIGNED, false, BODY_NONE, NULL,
	    page_access, ANSWER_KEPT, TX_WRITE, TARGET_PROJECT},
	{"POST", "/projects/{}/access", ACT_PROJECT_ACCESS, SIGNED, true, BODY_FORM, NULL,
	    page_access_post, ANSWER_KEPT, TX_KEEP_ON_ERROR, TARGET_PROJECT},
	{"POST", "/projects/{}/authorize", ACT_CONF_LIST, SIGNED, true, BODY_FORM, NULL,
	    page_bulk_authorize, ANSWER_KEPT, TX_WRITE, TARGET_PROJECT},
	{"POST", "/projects/{}/complete", ACT_PROJECT_COMPLETE, SIGNED, true, BODY_FORM, NULL,
	    page_project_complete, ANSWER_KEPT, TX_WRITE, TARGET_PROJECT},

	/* a confirmation and its actions */
	{"GET", CONF, ACT_CONF_READ, SIGNED, false, BODY_NONE, NULL, page_conf, ANSWER_KEPT,
	    TX_WRITE, TARGET_CONFIRMATION},
	{"POST", CONF "/submit", ACT_CONF_EDIT, SIGNED, true, BODY_FORM, NULL, page_conf_submit,
	    ANSWER_KEPT, TX_WRITE, TARGET_CONFIRMATION},
	{"POST", CONF "/authorize", ACT_CONF_AUTHORIZE, SIGNED, true, BODY_FORM, NULL,
	    page_conf_authorize, ANSWER_KEPT, TX_WRITE, TARGET_CONFIRMATION},
	{"POST", CONF "/return", ACT_CONF_AUTHORIZE, SIGNED, true, BODY_FORM, NULL,
	    page_conf_return, ANSWER_KEPT, TX_WRITE, TARGET_CONFIRMATION},
	{"POST", CONF "/refuse", ACT_CONF_AUTHORIZE, SIGNED, true, BODY_FORM, NULL,
	    page_conf_refuse, ANSWER_KEPT, TX_WRITE, TARGET_CONFIRMATION},
	{"POST", CONF "/address-check", ACT_CONF_ADDRESS_CHECK, SIGNED, true, BODY_FORM, NULL,
	    page_conf_address_check, ANSWER_KEPT, TX_WRITE, TARGET_CONFIRMATION},
	{"POST", CONF "/send", ACT_CONF_SEND, SIGNED, true, BODY_FORM, NULL, page_conf_send,
	    ANSWER_SECRET, TX_WRITE, TARGET_CONFIRMATION},
	{"POST", CONF "/respondent-code", ACT_CONF_SEND, SIGNED, true, BODY_FORM, NULL,
	    page_conf_respondent_code, ANSWER_SECRET, TX_WRITE, TARGET_CONFIRMATION},
	{"POST", CONF "/approve", ACT_CONF_APPROVE, SIGNED, true, BODY_FORM, NULL,
	    page_conf_approve, ANSWER_KEPT, TX_WRITE, TARGET_CONFIRMATION},
	{"POST", CONF "/send-back", ACT_CONF_APPROVE, SIGNED, true, BODY_FORM, NULL,
	    page_conf_send_back, ANSWER_KEPT, TX_WRITE, TARGET_CONFIRMATION},
	{"POST", CONF "/decline", ACT_CONF_RESPOND, SIGNED, true, BODY_FORM, NULL,
	    page_conf_decline, ANSWER_KEPT, TX_WRITE, TARGET_CONFIRMATION},
	{"POST", CONF "/review", ACT_CONF_REVIEW, SIGNED, true, BODY_FORM, NULL, page_conf_review,
	    ANSWER_KEPT, TX_WRITE, TARGET_CONFIRMATION},
	{"POST", CONF "/resolve", ACT_CONF_REVIEW, SIGNED, true, BODY_FORM, NULL, page_conf_resolve,
	    ANSWER_KEPT, TX_WRITE, TARGET_CONFIRMATION},
	{"POST", CONF "/ask-again", ACT_CONF_REVIEW, SIGNED, true, BODY_FORM, NULL,
	    page_conf_ask_again, ANSWER_KEPT, TX_WRITE, TARGET_CONFIRMATION},
	{"POST", CONF "/close", ACT_CONF_REVIEW, SIGNED, true, BODY_FORM, NULL, page_conf_close,
	    ANSWER_KEPT, TX_WRITE, TARGET_CONFIRMATION},
	{"POST", CONF "/remind", ACT_CONF_REVIEW, SIGNED, true, BODY_FORM, NULL, page_conf_remind,
	    ANSWER_KEPT, TX_WRITE, TARGET_CONFIRMATION},
	{"POST", CONF "/cancel", ACT_CONF_CANCEL, SIGNED, true, BODY_FORM, NULL, page_conf_cancel,
	    ANSWER_KEPT, TX_WRITE, TARGET_CONFIRMATION},
	{"POST", CONF "/share", ACT_CONF_REVIEW, SIGNED, true, BODY_FORM, NULL, page_conf_share,
	    ANSWER_KEPT, TX_WRITE, TARGET_CONFIRMATION},


	/* confirmation side: the form, import, the inbox and the answer, records, receipt */
	{"GET", "/projects/{}/confirmations/new", ACT_CONF_CREATE, SIGNED, false, BODY_NONE, NULL,
	    page_conf_new, ANSWER_KEPT, TX_WRITE, TARGET_PROJECT},
	{"POST", "/projects/{}/confirmations/new", ACT_CONF_CREATE, SIGNED, true, BODY_FORM, NULL,
	    page_conf_new_post, ANSWER_KEPT, TX_WRITE, TARGET_PROJECT},
	{"GET", CONF "/edit", ACT_CONF_EDIT, SIGNED, false, BODY_NONE, NULL, page_conf_edit,
	    ANSWER_KEPT, TX_WRITE, TARGET_CONFIRMATION},
	{"POST", CONF "/edit", ACT_CONF_EDIT, SIGNED, true, BODY_FORM, NULL, page_conf_edit_post,
	    ANSWER_KEPT, TX_WRITE, TARGET_CONFIRMATION},
	{"GET", "/projects/{}/import", ACT_CONF_CREATE, SIGNED, false, BODY_NONE, NULL, page_import,
	    ANSWER_KEPT, TX_WRITE, TARGET_PROJECT},
	/* Multipart forms: the router reads the csrf_token field, which the form sends before
	 * the file, and refuses the request before the handler reads any of the body. */
	{"POST", "/projects/{}/import", ACT_CONF_CREATE, SIGNED, true, BODY_MULTIPART, NULL,
	    page_import_post, ANSWER_KEPT, TX_WRITE, TARGET_PROJECT},
	{"POST", CONF "/documents", ACT_DOC_UPLOAD, SIGNED, true, BODY_MULTIPART, NULL,
	    page_doc_upload, ANSWER_KEPT, TX_WRITE, TARGET_CONFIRMATION},
	{"POST", CONF "/comments", ACT_CONF_COMMENT, SIGNED, true, BODY_FORM, NULL,
	    page_comment_add, ANSWER_KEPT, TX_WRITE, TARGET_CONFIRMATION},
	{"GET", "/inbox", ACT_INBOX, SIGNED, false, BODY_NONE, NULL, page_inbox, ANSWER_KEPT,
	    TX_WRITE, TARGET_NONE},
	{"GET", CONF "/answer", ACT_CONF_RESPOND, SIGNED, false, BODY_NONE, NULL, page_answer,
	    ANSWER_KEPT, TX_WRITE, TARGET_CONFIRMATION},
	{"POST", CONF "/answer", ACT_CONF_RESPOND, SIGNED, true, BODY_FORM, NULL, page_answer_post,
	    ANSWER_KEPT, TX_WRITE, TARGET_CONFIRMATION},
	{"GET", CONF "/receipt", ACT_CONF_RECEIPT, SIGNED, false, BODY_NONE, NULL, page_receipt,
	    ANSWER_KEPT, TX_WRITE, TARGET_CONFIRMATION},

	{NULL, NULL, ACT_PUBLIC, ROUTE_PUBLIC, false, BODY_NONE, NULL, NULL, ANSWER_KEPT, TX_NONE,
	    TARGET_NONE},
};
