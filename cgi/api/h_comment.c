/* h_comment.c - GET and POST /confirmations/{cid}/comments: the two threads. */
#include "api/handlers.h"

#include <string.h>

#include "flow/audit.h"
#include "flow/comment.h"

static const char *const threads[] = {COMMENT_THREAD_CLIENT, COMMENT_THREAD_RESPONDENT, NULL};

const field_spec comment_fields[] = {
	{.name = "body", .type = FIELD_TEXT, .required = true, .max_len = COMMENT_BODY_MAX},
	{.name = "thread", .type = FIELD_ENUM, .enum_values = threads},
	{.name = NULL},
};

bgw_err
h_comment_list(bgw_request *r)
{
	json_t *body;
	bgw_err err = comment_list_json(r->app->db, r->a, r->target.confirmation_id,
	    r->target.facts.side, r->target.facts.shared_with_client, &body);

	return err == BGW_OK ? request_reply_json(r, 200, body) : err;
}

bgw_err
h_comment_add(bgw_request *r)
{
	const field_value *tv = fields_get(r->fields, comment_fields, "thread");
	const field_value *bv = fields_get(r->fields, comment_fields, "body");
	const char *thread, *detail;
	json_t *comment, *body;
	bgw_err err;

	/* One action serves reading and writing, so the policy cannot refuse the write on a
	 * completed project: the audit team keeps read access only. */
	if (r->target.facts.project_completed)
		return BGW_E_PROJECT_COMPLETED;
	thread = comment_write_thread(r->target.facts.side, tv->present ? tv->s : NULL, &err);
	if (err == BGW_E_VALIDATION)
		return request_field_error(r, "thread", "required for the audit team");
	if (err != BGW_OK)
		return err;
	err = comment_add(r->app->db, r->a, r->target.confirmation_id, r->user_id,
	    r->target.facts.side, thread, bv->s, &comment);
	if (err != BGW_OK)
		return err;
	/* The log holds ids and the thread, never the text. */
	detail = bgw_arena_printf(r->a, "{\"comment_id\":\"%s\",\"thread\":\"%s\"}",
	    json_string_value(json_object_get(comment, "id")), thread);
	if (detail == NULL)
		return BGW_E_NOMEM;
	{
		audit_event ev = {.project_id = r->target.project_id, .actor_id = r->user_id,
			.action = "comment.add", .object_type = "confirmation",
			.object_id = r->target.confirmation_id, .ip = r->remote_addr,
			.detail_json = detail};

		if ((err = audit_append(r->app->db, r->a, &ev, NULL)) != BGW_OK)
			return err;
	}
	body = jsonout_own(r->a, json_pack("{s:O}", "comment", comment));
	return body != NULL ? request_reply_json(r, 201, body) : BGW_E_NOMEM;
}
