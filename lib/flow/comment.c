/* comment.c - reading and writing the comment threads. */
#include "flow/comment.h"

#include <string.h>

#include "flow/audit.h"
#include "http/fields.h"
#include "http/jsonout.h"

static const char *
side_name(enum policy_side side)
{
	switch (side) {
	case SIDE_AUDIT: return "audit";
	case SIDE_CLIENT: return "client";
	case SIDE_RESPONDENT: return "respondent";
	default: return NULL;
	}
}

bool
comment_may_read(enum policy_side side, bool shared, const char *thread)
{
	bool client_thread = strcmp(thread, COMMENT_THREAD_CLIENT) == 0;

	switch (side) {
	case SIDE_AUDIT: return true;
	case SIDE_CLIENT: return client_thread || shared;
	case SIDE_RESPONDENT: return !client_thread;
	default: return false;
	}
}

const char *
comment_write_thread(enum policy_side side, const char *asked, bgw_err *err)
{
	const char *own;

	*err = BGW_OK;
	if (asked != NULL && strcmp(asked, COMMENT_THREAD_CLIENT) != 0 &&
	    strcmp(asked, COMMENT_THREAD_RESPONDENT) != 0) {
		*err = BGW_E_VALIDATION;
		return NULL;
	}
	switch (side) {
	case SIDE_AUDIT:
		/* Either thread could be the wrong audience for a note: the team says which. */
		if (asked == NULL)
			*err = BGW_E_VALIDATION;
		return asked;
	case SIDE_CLIENT: own = COMMENT_THREAD_CLIENT; break;
	case SIDE_RESPONDENT: own = COMMENT_THREAD_RESPONDENT; break;
	default:
		*err = BGW_E_FORBIDDEN;
		return NULL;
	}
	if (asked != NULL && strcmp(asked, own) != 0) {
		*err = BGW_E_FORBIDDEN;
		return NULL;
	}
	return own;
}

static json_t *
row_json(const db_rows *res, int r)
{
	const char *side = db_value(res, r, 4);

	return json_pack("{s:s, s:s, s:s, s:{s:s, s:s?}, s:s}", "id", db_value(res, r, 0),
	    "thread", db_value(res, r, 1), "body", db_value(res, r, 2),
	    "author", "name", db_value(res, r, 3), "side", *side != '\0' ? side : NULL,
	    "created_at", db_value(res, r, 5));
}

bgw_err
comment_list_json(bgw_db *db, bgw_arena *a, const char *cid, enum policy_side side,
    bool shared, json_t **out)
{
	const char *p[3] = {cid,
		comment_may_read(side, shared, COMMENT_THREAD_CLIENT) ? "true" : "false",
		comment_may_read(side, shared, COMMENT_THREAD_RESPONDENT) ? "true" : "false"};
	db_rows *res;
	json_t *items, *body;
	bgw_err err = db_exec(db, a, "comment_list", 3, p, &res);

	if (err != BGW_OK)
		return err;
	items = json_array();
	body = jsonout_own(a, json_pack("{s:o, s:I}", "items", items,
	    "total", (json_int_t)db_nrows(res)));
	if (body == NULL)
		return BGW_E_NOMEM;
	for (int r = 0; r < db_nrows(res); r++)
		if (json_array_append_new(items, row_json(res, r)) != 0)
			return BGW_E_NOMEM;
	*out = body;
	return BGW_OK;
}

bgw_err
comment_add(bgw_db *db, bgw_arena *a, const char *cid, const char *user_id,
    enum policy_side side, const char *thread, const char *body, json_t **out)
{
	const char *p[5] = {cid, thread, body, user_id, side_name(side)};
	db_rows *res;
	bgw_err err;

	if (p[4] == NULL)
		return BGW_E_FORBIDDEN;
	if ((err = db_exec(db, a, "comment_insert", 5, p, &res)) != BGW_OK)
		return err;
	if (db_nrows(res) != 1)
		return BGW_E_INTERNAL;
	*out = jsonout_own(a, row_json(res, 0));
	return *out != NULL ? BGW_OK : BGW_E_NOMEM;
}

bgw_err
comment_post(bgw_db *db, bgw_arena *a, const comment_post_in *in, json_t **out,
    bgw_kv **errors)
{
	audit_event ev = {.project_id = in->project_id, .actor_id = in->user_id,
		.action = "comment.add", .object_type = "confirmation", .object_id = in->cid,
		.ip = in->ip};
	const char *thread;
	bgw_err err;

	*errors = NULL;
	/* One action serves reading and writing, so the policy cannot refuse the write on a
	 * completed project: the audit team keeps read access only. */
	if (in->project_completed)
		return BGW_E_PROJECT_COMPLETED;
	thread = comment_write_thread(in->side, in->thread, &err);
	if (err == BGW_E_VALIDATION)
		return fields_error(a, errors, "thread", "required for the audit team");
	if (err != BGW_OK)
		return err;
	err = comment_add(db, a, in->cid, in->user_id, in->side, thread, in->body, out);
	if (err != BGW_OK)
		return err;
	/* The log holds ids and the thread, never the text. */
	ev.detail_json = bgw_arena_printf(a, "{\"comment_id\":\"%s\",\"thread\":\"%s\"}",
	    json_string_value(json_object_get(*out, "id")), thread);
	return ev.detail_json != NULL ? audit_append(db, a, &ev, NULL) : BGW_E_NOMEM;
}
