/* user.c - the users table as the rest of the program sees it. */
#include "auth/user.h"

#include <string.h>

#include "flow/audit.h"

void
user_from_row(const db_rows *res, int r, int c, bgw_user *u)
{
	memset(u, 0, sizeof(*u));
	u->id = db_value(res, r, c);
	u->email = db_value(res, r, c + 1);
	u->name = db_value(res, r, c + 2);
	u->locale = db_value(res, r, c + 3);
	u->password_hash = db_isnull(res, r, c + 4) ? NULL : db_value(res, r, c + 4);
	u->org_id = db_value(res, r, c + 5);
	u->org_name = db_value(res, r, c + 6);
	u->org_kind = db_value(res, r, c + 7);
	u->mfa_enabled = strcmp(db_value(res, r, c + 8), "t") == 0;
	u->operator = strcmp(db_value(res, r, c + 9), "t") == 0;
	u->locked = strcmp(db_value(res, r, c + 10), "t") == 0;
}

static bgw_err
load(bgw_db *db, bgw_arena *a, const char *stmt, const char *key, bgw_user *u)
{
	db_rows *res;
	bgw_err err = db_exec(db, a, stmt, 1, &key, &res);

	if (err != BGW_OK)
		return err;
	if (db_nrows(res) != 1)
		return BGW_E_NOT_FOUND;
	user_from_row(res, 0, 0, u);
	return BGW_OK;
}

bgw_err
user_by_email(bgw_db *db, bgw_arena *a, const char *email, bgw_user *out)
{
	return load(db, a, "user_by_email", email, out);
}

bgw_err
user_by_id(bgw_db *db, bgw_arena *a, const char *id, bgw_user *out)
{
	return load(db, a, "user_by_id", id, out);
}

bgw_err
user_record(bgw_db *db, bgw_arena *a, const char *project_id, const char *user_id,
    const char *action, const char *ip, const char *detail_json)
{
	audit_event ev = {.project_id = project_id, .actor_id = user_id, .action = action,
		.object_type = "user", .object_id = user_id, .ip = ip, .detail_json = detail_json};

	return audit_append(db, a, &ev, NULL);
}

json_t *
user_to_json(const bgw_user *u)
{
	return json_pack("{s:s, s:s, s:s, s:{s:s, s:s}, s:b, s:s}", "id", u->id, "email", u->email,
	    "name", u->name, "organization", "id", u->org_id, "name", u->org_name, "mfa",
	    u->mfa_enabled, "locale", u->locale);
}
