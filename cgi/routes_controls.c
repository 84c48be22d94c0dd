/* routes_controls.c - the pages of the project's controls (issue 22 item 1): settings, the
 * audit log, project documents, undeliverable addressees and their correction.  Each uses
 * the action of its JSON twin, so the page and the API allow the same people. */
#include "api/handlers.h"
#include "route.h"

#define SIGNED ROUTE_SIGNED_IN
#define PROJ "/projects/{}"

const route routes_controls[] = {
	/* Read by every member, as GET /projects/{pid} and its reminders; changed by the
	 * audit admin (the page shows the form only to who may post it). */
	{"GET", PROJ "/settings", ACT_PROJECT_READ, SIGNED, false, BODY_NONE, NULL,
	    page_settings, ANSWER_KEPT, TX_WRITE, TARGET_PROJECT},
	{"POST", PROJ "/settings", ACT_PROJECT_SETTINGS, SIGNED, true, BODY_FORM, NULL,
	    page_settings_post, ANSWER_KEPT, TX_WRITE, TARGET_PROJECT},
	{"GET", PROJ "/audit-log", ACT_PROJECT_AUDIT_LOG, SIGNED, false, BODY_NONE, NULL,
	    page_audit_log, ANSWER_KEPT, TX_WRITE, TARGET_PROJECT},
	{"GET", PROJ "/documents", ACT_DOC_LIST, SIGNED, false, BODY_NONE, NULL,
	    page_project_documents, ANSWER_KEPT, TX_WRITE, TARGET_PROJECT},
	/* Multipart: the router checks the csrf_token field, sent before the file. */
	{"POST", PROJ "/documents", ACT_DOC_UPLOAD, SIGNED, true, BODY_MULTIPART, NULL,
	    page_doc_upload, ANSWER_KEPT, TX_WRITE, TARGET_PROJECT},
	{"GET", PROJ "/undeliverable", ACT_PROJECT_SETTINGS, SIGNED, false, BODY_NONE, NULL,
	    page_undeliverable, ANSWER_KEPT, TX_WRITE, TARGET_PROJECT},
	{"POST", "/confirmations/{}/addressee", ACT_CONF_READDRESS, SIGNED, true, BODY_FORM, NULL,
	    page_readdress, ANSWER_KEPT, TX_WRITE, TARGET_CONFIRMATION},
	{NULL, NULL, ACT_PUBLIC, ROUTE_PUBLIC, false, BODY_NONE, NULL, NULL, ANSWER_KEPT, TX_NONE,
	    TARGET_NONE},
};
