/* h_operator.c - the operators' view: firms and users, and locking accounts.  Operators see
 * no project or confirmation content (the policy layer hides it from them).  Locking is
 * lib/auth/account.h's (account_lock, account_unlock). */
#include "api/handlers.h"

#include <stdlib.h>
#include <string.h>

#include "authglue.h"

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
