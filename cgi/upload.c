/* upload.c - an upload's request glue (upload.h). */
#include "upload.h"

#include "core/log.h"

doc_env
upload_env(bgw_request *r)
{
	return (doc_env){.db = r->app->db, .a = r->a, .bs = r->app->blobs, .keys = &r->app->keys,
		.clamd_socket = r->app->cfg->clamd_socket, .max_bytes = r->app->cfg->upload_max_bytes};
}

bgw_err
upload_store(bgw_request *r, const doc_reader *rd, size_t max_parts, doc_info *out,
    bgw_kv **errors)
{
	doc_env env = upload_env(r);
	doc_store_in in = {.project_id = r->target.project_id,
		.confirmation_id = r->target.confirmation_id,
		.side = policy_side_name(r->target.facts.side), .ip = r->remote_addr,
		.content_type = r->content_type, .body = rd, .max_parts = max_parts};
	doc_store_out res;
	bgw_err err = doc_store(&env, r->user_id, &in, &res, errors);

	/* Kept whatever the request's outcome: the router commits it with the request, or on
	 * its own after rolling the request back, so nothing of the upload stays. */
	if (err == BGW_E_INFECTED && (res.refusal.detail_json == NULL ||
	    request_keep_event(r, &res.refusal) != BGW_OK))
		bgw_log(BGW_LOG_ERROR, "could not record an infected upload in project %s",
		    r->target.project_id);
	*out = res.info;
	return err;
}
