/* confview.c - the response.view event (contract in confview.h). */
#include "flow/confview.h"

#include <string.h>

#include "flow/audit.h"

bgw_err
confview_record_answer(bgw_db *db, bgw_arena *a, const confview_who *who, const json_t *conf)
{
	const json_t *response = json_object_get(conf, "response");
	const json_t *version = json_object_get(response, "version");
	audit_event ev = {.project_id = who->project_id, .actor_id = who->user_id,
		.action = "response.view", .object_type = "confirmation",
		.object_id = who->confirmation_id, .ip = who->ip};

	/* A respondent's own answer waiting for approval is not the answer yet. */
	if (response == NULL || !json_is_true(json_object_get(response, "final")))
		return BGW_OK;
	/* The version shown: after "ask again" the earlier answers stay readable. */
	ev.detail_json = bgw_arena_printf(a, "{\"version\":%lld}",
	    json_is_integer(version) ? (long long)json_integer_value(version) : 0LL);
	if (ev.detail_json == NULL)
		return BGW_E_NOMEM;
	return audit_append(db, a, &ev, NULL);
}

const json_t *
confview_answer_item(const json_t *response, const char *item_id)
{
	size_t i;
	json_t *it;

	json_array_foreach(json_object_get(response, "items"), i, it) {
		const char *id = json_string_value(json_object_get(it, "item_id"));

		if (item_id != NULL && id != NULL && strcmp(id, item_id) == 0)
			return it;
	}
	return NULL;
}
