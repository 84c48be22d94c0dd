/* h_operator.c - the operators' view: firms and users, and locking accounts.  Operators see
 * no project or confirmation content (the policy layer hides it from them). */
#include "api/handlers.h"

#include <stdlib.h>
#include <string.h>

#include "flow/audit.h"

bgw_err
h_operator_firms(bgw_request *r)
{
	db_rows *res;
	json_t *items, *body;
	bgw_err err = db_exec(r->app->db, r->a, "operator_firms", 0, NULL, &res);

	if (err != BGW_OK)
		return err;
	items = json_array();
	body = jsonout_own(r->a, json_pack("{s:o, s:i}", "items", items, "total", db_nrows(res)));
	if (body == NULL)
		return BGW_E_NOMEM;
	for (int i = 0; i < db_nrows(res); i++)
		if (json_array_append_new(items, json_pack("{s:s, s:s, s:I}", "id",
		    db_value(res, i, 0), "name", db_value(res, i, 1), "users",
		    (json_int_t)atoll(db_value(res, i, 2)))) != 0)
			return BGW_E_NOMEM;
	return request_reply_json(r, 200, body);
}

bgw_err
h_operator_users(bgw_request *r)
{
	db_rows *res;
	json_t *items, *body;
	bgw_err err = db_exec(r->app->db, r->a, "operator_users", 0, NULL, &res);

	if (err != BGW_OK)
		return err;
	items = json_array();
	body = jsonout_own(r->a, json_pack("{s:o, s:i}", "items", items, "total", db_nrows(res)));
	if (body == NULL)
		return BGW_E_NOMEM;
	for (int i = 0; i < db_nrows(res); i++)
		if (json_array_append_new(items, json_pack("{s:s, s:s, s:s, s:{s:s, s:s, s:s}, s:b, s:b}",
		    "id", db_value(res, i, 0), "email", db_value(res, i, 1), "name",
		    db_value(res, i, 2), "organization", "id", db_value(res, i, 3), "name",
		    db_value(res, i, 4), "kind", db_value(res, i, 5), "mfa",
		    strcmp(db_value(res, i, 6), "t") == 0, "locked",
		    strcmp(db_value(res, i, 7), "t") == 0)) != 0)
			return BGW_E_NOMEM;
	return request_reply_json(r, 200, body);
}

static bgw_err
set_lock(bgw_request *r, bool lock)
{
	const char *uid = r->path_params[0];
	audit_event ev = {.actor_id = r->user_id, .action = lock ? "operator.lock" :
		"operator.unlock", .object_type = "user", .object_id = uid, .ip = r->remote_addr};
	db_rows *res;
	bgw_err err = db_exec(r->app->db, r->a, lock ? "operator_lock" : "operator_unlock", 1, &uid,
	    &res);

	if (err != BGW_OK)
		return err;
	if (db_nrows(res) != 1)
		return BGW_E_NOT_FOUND;
	/* A locked account loses its sessions at once. */
	if (lock && (err = session_destroy_user(r->app->db, r->a, uid, NULL)) != BGW_OK)
		return err;
	if ((err = audit_append(r->app->db, r->a, &ev, NULL)) != BGW_OK)
		return err;
	r->status = 204;
	return BGW_OK;
}

bgw_err
h_operator_lock(bgw_request *r)
{
	return set_lock(r, true);
}

bgw_err
h_operator_unlock(bgw_request *r)
{
	return set_lock(r, false);
}
