/* directory.c - the operators' directory (directory.h). */
#include "auth/directory.h"

#include <stdlib.h>
#include <string.h>

#include "http/jsonout.h"

/* {items, total} for the rows of statement name, each made by row_json. */
static bgw_err
list_json(bgw_db *db, bgw_arena *a, const char *name,
    json_t *(*row_json)(const db_rows *res, int i), json_t **out)
{
	db_rows *res;
	json_t *items, *body;
	bgw_err err = db_exec(db, a, name, 0, NULL, &res);

	if (err != BGW_OK)
		return err;
	items = json_array();
	body = jsonout_own(a, json_pack("{s:o, s:i}", "items", items, "total", db_nrows(res)));
	if (body == NULL)
		return BGW_E_NOMEM;
	for (int i = 0; i < db_nrows(res); i++)
		if (json_array_append_new(items, row_json(res, i)) != 0)
			return BGW_E_NOMEM;
	*out = body;
	return BGW_OK;
}

static json_t *
firm_json(const db_rows *res, int i)
{
	return json_pack("{s:s, s:s, s:I}", "id", db_value(res, i, 0), "name",
	    db_value(res, i, 1), "users", (json_int_t)db_int(res, i, 2));
}

static json_t *
user_json(const db_rows *res, int i)
{
	return json_pack("{s:s, s:s, s:s, s:{s:s, s:s, s:s}, s:b, s:b}",
	    "id", db_value(res, i, 0), "email", db_value(res, i, 1), "name",
	    db_value(res, i, 2), "organization", "id", db_value(res, i, 3), "name",
	    db_value(res, i, 4), "kind", db_value(res, i, 5), "mfa",
	    strcmp(db_value(res, i, 6), "t") == 0, "locked",
	    strcmp(db_value(res, i, 7), "t") == 0);
}

bgw_err
directory_firms_json(bgw_db *db, bgw_arena *a, json_t **out)
{
	return list_json(db, a, "operator_firms", firm_json, out);
}

bgw_err
directory_users_json(bgw_db *db, bgw_arena *a, json_t **out)
{
	return list_json(db, a, "operator_users", user_json, out);
}
