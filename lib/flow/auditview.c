/* auditview.c - reading the audit chains for the API. */
#include "flow/auditview.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

#include "http/jsonout.h"

static json_t *
event_json(const db_rows *res, int r, bool with_prev)
{
	json_t *detail = json_loads(db_value(res, r, 7), 0, NULL);
	json_t *ev = json_pack("{s:I, s:s, s:{s:s?, s:s?}, s:s, s:s?, s:s?, s:o, s:s}",
	    "seq", (json_int_t)atoll(db_value(res, r, 0)), "at", db_value(res, r, 1),
	    "actor", "id", db_isnull(res, r, 2) ? NULL : db_value(res, r, 2),
	    "name", db_isnull(res, r, 3) ? NULL : db_value(res, r, 3),
	    "action", db_value(res, r, 4),
	    "object_type", db_isnull(res, r, 5) ? NULL : db_value(res, r, 5),
	    "object_id", db_isnull(res, r, 6) ? NULL : db_value(res, r, 6),
	    "detail", detail != NULL ? detail : json_object(), "hash", db_value(res, r, 8));

	if (ev != NULL && with_prev &&
	    json_object_set_new(ev, "prev_hash", json_string(db_value(res, r, 9))) != 0) {
		json_decref(ev);
		return NULL;
	}
	return ev;
}

/* total < 0: take it from the rows' window count. */
static bgw_err
list_json(bgw_arena *a, const db_rows *res, bool with_prev, long long total, json_t **out)
{
	int n = db_nrows(res);
	json_t *items = json_array();
	json_t *body;

	if (total < 0)
		total = n > 0 ? atoll(db_value(res, 0, 10)) : 0;
	body = jsonout_own(a, json_pack("{s:o, s:I}", "items", items, "total", (json_int_t)total));

	if (body == NULL)
		return BGW_E_NOMEM;
	for (int r = 0; r < n; r++)
		if (json_array_append_new(items, event_json(res, r, with_prev)) != 0)
			return BGW_E_NOMEM;
	*out = body;
	return BGW_OK;
}

bgw_err
auditview_history_json(bgw_db *db, bgw_arena *a, const char *pid, const char *cid,
    json_t **out)
{
	const char *p[2] = {pid, cid};
	db_rows *res;
	bgw_err err = db_exec(db, a, "auditview_history", 2, p, &res);

	return err == BGW_OK ? list_json(a, res, false, -1, out) : err;
}

bgw_err
auditview_log_json(bgw_db *db, bgw_arena *a, const char *pid, long long page,
    long long per_page, json_t **out)
{
	char limit[24], offset[24];
	const char *p[3] = {pid, limit, offset};
	db_rows *res, *count;
	bgw_err err;

	snprintf(limit, sizeof(limit), "%lld", per_page);
	snprintf(offset, sizeof(offset), "%lld", (page - 1) * per_page);
	/* Counted apart: a page past the end has no rows to carry a window count. */
	if ((err = db_exec(db, a, "auditview_log", 3, p, &res)) != BGW_OK ||
	    (err = db_exec(db, a, "auditview_count", 1, &pid, &count)) != BGW_OK)
		return err;
	return list_json(a, res, true, atoll(db_value(count, 0, 0)), out);
}
