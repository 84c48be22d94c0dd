/* upload.c - an upload's request glue (upload.h). */
#include "upload.h"

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

	if (err == BGW_E_INFECTED)
		r->in_transaction = res.in_transaction;
	*out = res.info;
	return err;
}
