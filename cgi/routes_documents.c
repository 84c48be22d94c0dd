/* routes_documents.c - the routes of uploaded documents. */
#include "api/handlers.h"
#include "route.h"

#define V1 "/api/v1"

const route routes_documents[] = {
	{"POST", V1 "/projects/{}/documents", ACT_DOC_UPLOAD, ROUTE_SIGNED_IN, true, BODY_STREAM,
	    NULL, h_doc_upload, ANSWER_KEPT, TX_WRITE, TARGET_PROJECT},
	{"GET", V1 "/projects/{}/documents", ACT_DOC_LIST, ROUTE_SIGNED_IN, false, BODY_NONE, NULL,
	    h_doc_list, ANSWER_KEPT, TX_WRITE, TARGET_PROJECT},
	{"POST", V1 "/confirmations/{}/documents", ACT_DOC_UPLOAD, ROUTE_SIGNED_IN, true,
	    BODY_STREAM, NULL, h_doc_upload, ANSWER_KEPT, TX_WRITE, TARGET_CONFIRMATION},
	{"GET", V1 "/confirmations/{}/documents", ACT_DOC_LIST, ROUTE_SIGNED_IN, false, BODY_NONE,
	    NULL, h_doc_list, ANSWER_KEPT, TX_WRITE, TARGET_CONFIRMATION},
	{"GET", V1 "/documents/{}", ACT_DOC_READ, ROUTE_SIGNED_IN, false, BODY_NONE, NULL,
	    h_doc_download, ANSWER_KEPT, TX_WRITE, TARGET_DOCUMENT},
	{NULL, NULL, ACT_PUBLIC, ROUTE_PUBLIC, false, BODY_NONE, NULL, NULL, ANSWER_KEPT, TX_NONE,
	    TARGET_NONE},
};
