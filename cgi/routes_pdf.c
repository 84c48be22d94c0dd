/* routes_pdf.c - the routes of the PDF documents (issue 18): the sealed receipt and the
 * request letters (cgi/api/h_pdf.c). */
#include "api/handlers.h"
#include "route.h"

#define V1 "/api/v1"
#define SIGNED ROUTE_SIGNED_IN

const route routes_pdf[] = {
	/* The JSON receipt's policy and use case: a view of the answer, so TX_WRITE. */
	{"GET", V1 "/confirmations/{}/receipt.pdf", ACT_CONF_RECEIPT, SIGNED, false, BODY_NONE,
	    NULL, h_conf_receipt_pdf, ANSWER_KEPT, TX_WRITE, TARGET_CONFIRMATION},
	/* A letter carries a fresh first-access code (issued and logged in the route's
	 * transaction): never stored for an Idempotency-Key. */
	{"GET", V1 "/confirmations/{}/letter.pdf", ACT_CONF_LETTER, SIGNED, false, BODY_NONE,
	    NULL, h_conf_letter_pdf, ANSWER_SECRET, TX_WRITE, TARGET_CONFIRMATION},
	{"POST", V1 "/projects/{}/letters.pdf", ACT_PROJECT_LETTERS, SIGNED, true, BODY_JSON,
	    NULL, h_project_letters_pdf, ANSWER_SECRET, TX_WRITE, TARGET_PROJECT},
	/* The dashboard's form of the same print run (a page: CSRF token in the form). */
	{"POST", "/projects/{}/letters.pdf", ACT_PROJECT_LETTERS, SIGNED, true, BODY_FORM, NULL,
	    page_letters_pdf, ANSWER_SECRET, TX_WRITE, TARGET_PROJECT},
	{NULL, NULL, ACT_PUBLIC, ROUTE_PUBLIC, false, BODY_NONE, NULL, NULL, ANSWER_KEPT, TX_NONE,
	    TARGET_NONE},
};
