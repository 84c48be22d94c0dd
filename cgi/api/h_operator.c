/* h_operator.c - the operators' view: firms and users, and locking accounts.  Operators see
 * no project or confirmation content (the policy layer hides it from them).  Locking is
 * lib/auth/account.h's (account_lock, account_unlock). */
#include "api/handlers.h"

#include "auth/directory.h"
#include "authglue.h"

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

bgw_err
h_operator_lock(bgw_request *r)
{
	auth_caller who = authglue_caller(r);
	bgw_err err = account_lock(r->app->db, r->a, &who, r->path_params[0]);

	if (err == BGW_OK)
		r->status = 204;
	return err;
}

bgw_err
h_operator_unlock(bgw_request *r)
{
	auth_caller who = authglue_caller(r);
	bgw_err err = account_unlock(r->app->db, r->a, &who, r->path_params[0]);

	if (err == BGW_OK)
		r->status = 204;
	return err;
}
