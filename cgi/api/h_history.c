/* h_history.c - a confirmation's history and a project's audit log, with hashes. */
#include "api/handlers.h"

#include "flow/auditview.h"

bgw_err
h_conf_history(bgw_request *r)
{
	json_t *body;
	bgw_err err = auditview_history_json(r->app->db, r->a, r->target.project_id,
	    r->target.confirmation_id, &body);

	return err == BGW_OK ? request_reply_json(r, 200, body) : err;
}

bgw_err
h_project_audit_log(bgw_request *r)
{
	long long page, per_page;
	json_t *body;
	bgw_err err = request_paging(r, &page, &per_page);

	if (err == BGW_OK)
		err = auditview_log_json(r->app->db, r->a, r->target.project_id, page, per_page,
		    &body);
	return err == BGW_OK ? request_reply_json(r, 200, body) : err;
}
