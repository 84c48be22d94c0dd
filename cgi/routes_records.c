/* routes_records.c - the routes of comments, history, the public verify route, import,
 * export, the import templates and the audit log. */
#include "api/handlers.h"
#include "route.h"

#define V1 "/api/v1"
#define SIGNED ROUTE_SIGNED_IN

const route routes_records[] = {
	{"GET", V1 "/confirmations/{}/comments", ACT_CONF_COMMENT, SIGNED, false, BODY_NONE, NULL,
	    h_comment_list, ANSWER_KEPT, TX_WRITE, TARGET_CONFIRMATION},
	{"POST", V1 "/confirmations/{}/comments", ACT_CONF_COMMENT, SIGNED, true, BODY_JSON,
	    comment_fields, h_comment_add, ANSWER_KEPT, TX_WRITE, TARGET_CONFIRMATION},
	{"GET", V1 "/confirmations/{}/history", ACT_CONF_HISTORY, SIGNED, false, BODY_NONE, NULL,
	    h_conf_history, ANSWER_KEPT, TX_WRITE, TARGET_CONFIRMATION},
	{"GET", V1 "/projects/{}/audit-log", ACT_PROJECT_AUDIT_LOG, SIGNED, false, BODY_NONE, NULL,
	    h_project_audit_log, ANSWER_KEPT, TX_WRITE, TARGET_PROJECT},
	{"GET", V1 "/projects/{}/export.csv", ACT_PROJECT_EXPORT, SIGNED, false, BODY_NONE, NULL,
	    h_export_csv, ANSWER_KEPT, TX_WRITE, TARGET_PROJECT},
	{"GET", V1 "/projects/{}/export.xml", ACT_PROJECT_EXPORT, SIGNED, false, BODY_NONE, NULL,
	    h_export_xml, ANSWER_KEPT, TX_WRITE, TARGET_PROJECT},
	{"GET", V1 "/projects/{}/export.xlsx", ACT_PROJECT_EXPORT, SIGNED, false, BODY_NONE, NULL,
	    h_export_xlsx, ANSWER_KEPT, TX_WRITE, TARGET_PROJECT},
	{"GET", V1 "/projects/{}/evidence.zip", ACT_PROJECT_EVIDENCE, SIGNED, false, BODY_NONE,
	    NULL, h_evidence_zip, ANSWER_KEPT, TX_WRITE, TARGET_PROJECT},
	/* The body is read by the handler, up to the import limit, not body_max_bytes. */
	{"POST", V1 "/projects/{}/confirmations/import", ACT_CONF_CREATE, SIGNED, true, BODY_STREAM,
	    NULL, h_conf_import, ANSWER_KEPT, TX_WRITE, TARGET_PROJECT},
	/* Public: the templates hold no data, and people fetch them before they have an
	 * account to fill them in. */
	{"GET", V1 "/import-templates/{}", ACT_PUBLIC, ROUTE_PUBLIC, false, BODY_NONE, NULL,
	    h_import_template, ANSWER_KEPT, TX_NONE, TARGET_NONE},
	/* Public and rate-limited by nginx (location /api/v1/verify/). */
	{"GET", V1 "/verify/{}", ACT_PUBLIC, ROUTE_PUBLIC, false, BODY_NONE, NULL, h_verify,
	    ANSWER_KEPT, TX_WRITE, TARGET_NONE},
	{NULL, NULL, ACT_PUBLIC, ROUTE_PUBLIC, false, BODY_NONE, NULL, NULL, ANSWER_KEPT, TX_NONE,
	    TARGET_NONE},
};
