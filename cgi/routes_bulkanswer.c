/* routes_bulkanswer.c - a respondent desk's bulk answers (issue 17, item 4): the sheet of
 * open requests, the upload of the filled-in sheet, the approval of a selection.  Each
 * request of the selection is judged by the policy layer inside the use case. */
#include "api/handlers.h"
#include "route.h"

#define V1 "/api/v1"

const route routes_bulkanswer[] = {
	{"GET", V1 "/inbox/open.csv", ACT_BULK_ANSWER, ROUTE_SIGNED_IN, false, BODY_NONE, NULL,
	    h_bulk_open_csv, ANSWER_KEPT, TX_WRITE, TARGET_NONE},
	{"GET", V1 "/inbox/open.xlsx", ACT_BULK_ANSWER, ROUTE_SIGNED_IN, false, BODY_NONE, NULL,
	    h_bulk_open_xlsx, ANSWER_KEPT, TX_WRITE, TARGET_NONE},
	/* The body is read by the handler, up to the import limit, not body_max_bytes. */
	{"POST", V1 "/inbox/answers", ACT_BULK_ANSWER, ROUTE_SIGNED_IN, true, BODY_STREAM, NULL,
	    h_bulk_answers, ANSWER_KEPT, TX_WRITE, TARGET_NONE},
	{"POST", V1 "/inbox/approve", ACT_BULK_APPROVE, ROUTE_SIGNED_IN, true, BODY_JSON,
	    bulk_approve_fields, h_bulk_approve, ANSWER_KEPT, TX_WRITE, TARGET_NONE},
	/* the same as pages (page_desk.c); the upload's CSRF token is its first form field */
	{"GET", "/inbox/desk", ACT_BULK_ANSWER, ROUTE_SIGNED_IN, false, BODY_NONE, NULL, page_desk,
	    ANSWER_KEPT, TX_WRITE, TARGET_NONE},
	{"POST", "/inbox/desk", ACT_BULK_ANSWER, ROUTE_SIGNED_IN, true, BODY_MULTIPART, NULL,
	    page_desk_upload, ANSWER_KEPT, TX_WRITE, TARGET_NONE},
	{"POST", "/inbox/desk/approve", ACT_BULK_APPROVE, ROUTE_SIGNED_IN, true, BODY_FORM, NULL,
	    page_desk_approve, ANSWER_KEPT, TX_WRITE, TARGET_NONE},
	{NULL, NULL, ACT_PUBLIC, ROUTE_PUBLIC, false, BODY_NONE, NULL, NULL, ANSWER_KEPT, TX_NONE,
	    TARGET_NONE},
};
