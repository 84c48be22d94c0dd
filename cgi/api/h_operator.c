/* h_operator.c - the operators' view: firms and users, and locking accounts.  Operators see
 * no project or confirmation content (the policy layer hides it from them). */
#include "api/handlers.h"

#include "auth/directory.h"
#include "flow/audit.h"

bgw_err
h_operator_firms(bgw_request *r)
{
	json_t *body;
	bgw_err err = directory_firms_json(r->app->db, r->a, &body);

	return err == BGW_OK ? request_reply_json(r, 200, body) : err;
}

bgw_err
h_operator_users(bgw_request *r)
{
	json_t *body;
	bgw_err err = directory_users_json(r->app->db, r->a, &body);

	return err == BGW_OK ? request_reply_json(r, 200, body) : err;
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
