/* h_comment.c - GET and POST /confirmations/{cid}/comments: the two threads. */
#include "api/handlers.h"

#include "actor.h"
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
	comment_post_in in = actor_comment(r, tv->present ? tv->s : NULL,
	    fields_get(r->fields, comment_fields, "body")->s);
	json_t *comment, *body;
	bgw_err err = comment_post(r->app->db, r->a, &in, &comment, &r->field_errors);

	if (err != BGW_OK)
		return err;
	body = jsonout_own(r->a, json_pack("{s:O}", "comment", comment));
	return body != NULL ? request_reply_json(r, 201, body) : BGW_E_NOMEM;
}
