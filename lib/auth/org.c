/* org.c - a respondent organisation's users and units: the use cases of org.h. */
#include "auth/org.h"

#include <string.h>

#include <openssl/crypto.h>

#include "auth/invite.h"
#include "auth/policy.h"
#include "auth/token.h"
#include "flow/audit.h"
#include "http/fields.h"
#include "http/jsonout.h"
#include "mail/mailq.h"

/* When an invitation link stops working, as the mail says (INVITE_TTL_S). */
#define ORG_INVITE_EXPIRES_JA "7日後"

static bool
is_true(const db_rows *res, int row, int col)
{
	return strcmp(db_value(res, row, col), "t") == 0;
}

static const char *
value_or_null(const db_rows *res, int row, int col)
{
	return db_isnull(res, row, col) ? NULL : db_value(res, row, col);
}

static bool
same(const char *x, const char *y)
{
	return x == NULL ? y == NULL : y != NULL && strcmp(x, y) == 0;
}

/* The event of who's action, on the global chain (no project), naming the organisation. */
static bgw_err
log_org(bgw_db *db, bgw_arena *a, const org_actor *who, const char *action, const char *otype,
    const char *oid)
{
	json_t *d = jsonout_own(a, json_pack("{s:s}", "organization_id", who->org_id));
	char *detail = d != NULL ? jsonout_dump(a, d, NULL) : NULL;
	audit_event ev = {.actor_id = who->user_id, .action = action, .object_type = otype,
		.object_id = oid, .ip = who->ip, .detail_json = detail};

	return detail != NULL ? audit_append(db, a, &ev, NULL) : BGW_E_NOMEM;
}

bool
org_unit_code_valid(const char *code)
{
	if (code == NULL || strlen(code) != 3)
		return false;
	for (int i = 0; i < 3; i++)
		if (code[i] < '0' || code[i] > '9')
			return false;
	return true;
}

bgw_err
org_own(bgw_db *db, bgw_arena *a, const char **org_id)
{
	db_rows *res;
	bgw_err err = db_exec(db, a, "org_own", 0, NULL, &res);

	*org_id = NULL;
	if (err == BGW_OK && db_nrows(res) == 1)
		*org_id = value_or_null(res, 0, 0);
	return err;
}

static json_t *
unit_json(const db_rows *res, int r)
{
	return json_pack("{s:s, s:s, s:s?, s:s, s:s?, s:b}", "id", db_value(res, r, 0),
	    "kind", db_value(res, r, 1), "code", value_or_null(res, r, 2),
	    "name", db_value(res, r, 3), "email", value_or_null(res, r, 4),
	    "active", is_true(res, r, 5));
}

/* Append a JSON object per row of res, made by row_json, to array. */
static bgw_err
rows_json(const db_rows *res, json_t *(*row_json)(const db_rows *, int), json_t *array)
{
	for (int r = 0; r < db_nrows(res); r++) {
		json_t *item = row_json(res, r);

		if (item == NULL || json_array_append_new(array, item) != 0)
			return BGW_E_NOMEM;
	}
	return BGW_OK;
}

bgw_err
org_view(bgw_db *db, bgw_arena *a, const org_actor *who, json_t **out)
{
	db_rows *org, *units;
	json_t *items, *body;
	bgw_err err = db_exec(db, a, "org_get", 1, &who->org_id, &org);

	if (err != BGW_OK)
		return err;
	if (db_nrows(org) != 1)
		return BGW_E_NOT_FOUND;
	if ((err = db_exec(db, a, "org_units", 1, &who->org_id, &units)) != BGW_OK)
		return err;
	items = json_array();
	body = jsonout_own(a, json_pack("{s:{s:s, s:s}, s:{s:b, s:s?}, s:o}", "organization",
	    "id", db_value(org, 0, 0), "name", db_value(org, 0, 1), "me", "admin", who->admin,
	    "unit_id", who->unit_id, "units", items));
	if (body == NULL)
		return BGW_E_NOMEM;
	if ((err = rows_json(units, unit_json, items)) != BGW_OK)
		return err;
	*out = body;
	return BGW_OK;
}

static json_t *
member_json(const db_rows *res, int r)
{
	return json_pack("{s:{s:s, s:s, s:s}, s:b, s:s?, s:b}", "user", "id", db_value(res, r, 0),
	    "email", db_value(res, r, 1), "name", db_value(res, r, 2), "admin", is_true(res, r, 3),
	    "unit_id", value_or_null(res, r, 4), "active", is_true(res, r, 5));
}

bgw_err
org_member_list(bgw_db *db, bgw_arena *a, const org_actor *who, json_t **out)
{
	db_rows *res;
	json_t *items, *body;
	bgw_err err = db_exec(db, a, "org_members", 1, &who->org_id, &res);

	if (err != BGW_OK)
		return err;
	items = json_array();
	body = jsonout_own(a, json_pack("{s:o, s:i}", "items", items, "total", db_nrows(res)));
	if (body == NULL)
		return BGW_E_NOMEM;
	if ((err = rows_json(res, member_json, items)) != BGW_OK)
		return err;
	*out = body;
	return BGW_OK;
}

/* Is unit_id NULL or a live unit of who's organisation?  BGW_E_VALIDATION if not. */
static bgw_err
unit_check(bgw_db *db, bgw_arena *a, const org_actor *who, const char *unit_id,
    bgw_kv **errors)
{
	const char *p[2] = {who->org_id, unit_id};
	db_rows *res;
	bgw_err err;

	if (unit_id == NULL)
		return BGW_OK;
	if ((err = db_exec(db, a, "org_unit_live", 2, p, &res)) != BGW_OK)
		return err;
	return db_nrows(res) == 1 ? BGW_OK : fields_error(a, errors, "unit_id", "unknown");
}

/* The invitation mail to in->email with token (outbox, in this transaction). */
static bgw_err
mail_invitation(bgw_db *db, bgw_arena *a, const char *org_name, const org_invite_in *in,
    const char *token)
{
	bgw_kv *vars = NULL, **tail = &vars;
	const char *link = invite_link(a, in->base_url, token);
	const char *key = bgw_arena_printf(a, "org_invitation:%s", token);
	bgw_err err;

	if (link == NULL || key == NULL)
		return BGW_E_NOMEM;
	if ((err = kv_append(a, &tail, "firm", org_name, strlen(org_name))) != BGW_OK ||
	    (err = kv_append(a, &tail, "name", in->email, strlen(in->email))) != BGW_OK ||
	    (err = kv_append(a, &tail, "link", link, strlen(link))) != BGW_OK ||
	    (err = kv_append(a, &tail, "expires", ORG_INVITE_EXPIRES_JA,
	    strlen(ORG_INVITE_EXPIRES_JA))) != BGW_OK)
		return err;
	return mailq_send(db, a, "org_invitation", "ja", in->email, key, NULL, vars);
}

/* No account at the address: a single-use invitation into the organisation. */
static bgw_err
invite_new(bgw_db *db, bgw_arena *a, const org_actor *who, const org_invite_in *in)
{
	invite_spec spec = {.email = in->email, .organization_id = who->org_id,
		.admin = in->admin, .created_by = who->user_id, .unit_id = in->unit_id};
	char token[TOKEN_LEN + 1];
	db_rows *org;
	bgw_err err = db_exec(db, a, "org_get", 1, &who->org_id, &org);

	if (err != BGW_OK)
		return err;
	if (db_nrows(org) != 1)
		return BGW_E_NOT_FOUND;
	if ((err = invite_create(db, a, &spec, token)) != BGW_OK)
		return err;
	err = mail_invitation(db, a, db_value(org, 0, 1), in, token);
	OPENSSL_cleanse(token, sizeof(token));
	return err;
}

bgw_err
org_member_invite(bgw_db *db, bgw_arena *a, const org_actor *who, const org_invite_in *in,
    const char **status, bgw_kv **errors)
{
	db_rows *res;
	bgw_err err;

	*errors = NULL;
	*status = NULL;
	if (!policy_may_manage_org_member(who->admin, who->unit_id, in->unit_id, in->unit_id))
		return BGW_E_FORBIDDEN;
	if ((err = unit_check(db, a, who, in->unit_id, errors)) != BGW_OK)
		return err;
	if ((err = db_exec(db, a, "org_user_by_email", 1, &in->email, &res)) != BGW_OK)
		return err;
	if (db_nrows(res) == 0) {
		if ((err = invite_new(db, a, who, in)) != BGW_OK)
			return err;
		*status = "invited";
		return log_org(db, a, who, "org.member_invite", "organization", who->org_id);
	}
	/* An account of another organisation, or a member already: nothing to add. */
	if (strcmp(db_value(res, 0, 1), who->org_id) != 0 || is_true(res, 0, 2))
		return fields_error(a, errors, "email", "unavailable");
	{
		const char *p[5] = {who->org_id, db_value(res, 0, 0), in->unit_id,
			in->admin ? "true" : "false", who->user_id};

		if ((err = db_exec(db, a, "org_member_insert", 5, p, NULL)) != BGW_OK)
			return err;
		*status = "added";
		return log_org(db, a, who, "org.member_add", "user", p[1]);
	}
}

/* The member user_id of who's organisation: admin flag, unit, whether active.  BGW_E_NOT_FOUND
 * if none; BGW_E_FORBIDDEN for the actor itself (an admin does not demote, move or
 * deactivate itself: another admin does). */
static bgw_err
member_get(bgw_db *db, bgw_arena *a, const org_actor *who, const char *user_id, bool *admin,
    const char **unit_id, bool *active)
{
	const char *p[2] = {who->org_id, user_id};
	db_rows *res;
	bgw_err err;

	if (strcmp(user_id, who->user_id) == 0)
		return BGW_E_FORBIDDEN;
	if ((err = db_exec(db, a, "org_member_get", 2, p, &res)) != BGW_OK)
		return err;
	if (db_nrows(res) != 1)
		return BGW_E_NOT_FOUND;
	*admin = is_true(res, 0, 3);
	*unit_id = value_or_null(res, 0, 4);
	*active = is_true(res, 0, 5);
	return BGW_OK;
}

/* Would taking user_id's place as a live admin of the whole organisation leave none? */
static bgw_err
keeps_an_admin(bgw_db *db, bgw_arena *a, const org_actor *who, const char *user_id)
{
	const char *p[2] = {who->org_id, user_id};
	db_rows *res;
	bgw_err err = db_exec(db, a, "org_other_admins", 2, p, &res);

	if (err != BGW_OK)
		return err;
	return db_int(res, 0, 0) > 0 ? BGW_OK : BGW_E_INVALID_STATE;
}

bgw_err
org_member_change(bgw_db *db, bgw_arena *a, const org_actor *who, const org_change_in *in,
    bgw_kv **errors)
{
	bool admin, active, new_admin;
	const char *unit, *new_unit;
	bgw_err err;

	*errors = NULL;
	if ((err = member_get(db, a, who, in->user_id, &admin, &unit, &active)) != BGW_OK)
		return err;
	new_admin = in->set_admin ? in->admin : admin;
	new_unit = in->set_unit ? in->unit_id : unit;
	if (!policy_may_manage_org_member(who->admin, who->unit_id, unit, new_unit))
		return BGW_E_FORBIDDEN;
	if ((err = unit_check(db, a, who, new_unit, errors)) != BGW_OK)
		return err;
	if (active && admin && unit == NULL && (!new_admin || new_unit != NULL) &&
	    (err = keeps_an_admin(db, a, who, in->user_id)) != BGW_OK)
		return err;
	if (new_admin == admin && same(new_unit, unit))
		return BGW_OK;
	{
		const char *p[4] = {who->org_id, in->user_id, new_admin ? "true" : "false",
			new_unit};

		if ((err = db_exec(db, a, "org_member_set", 4, p, NULL)) != BGW_OK)
			return err;
	}
	return log_org(db, a, who, "org.member_change", "user", in->user_id);
}

bgw_err
org_member_activate(bgw_db *db, bgw_arena *a, const org_actor *who, const char *user_id,
    bool active)
{
	const char *p[3] = {who->org_id, user_id, active ? "true" : "false"};
	bool admin, was_active;
	const char *unit;
	bgw_err err = member_get(db, a, who, user_id, &admin, &unit, &was_active);

	if (err != BGW_OK)
		return err;
	if (!policy_may_manage_org_member(who->admin, who->unit_id, unit, unit))
		return BGW_E_FORBIDDEN;
	if (was_active == active)
		return BGW_OK;
	if (!active && admin && unit == NULL && (err = keeps_an_admin(db, a, who, user_id)) != BGW_OK)
		return err;
	if ((err = db_exec(db, a, "org_member_active", 3, p, NULL)) != BGW_OK)
		return err;
	return log_org(db, a, who, active ? "org.member_reactivate" : "org.member_deactivate",
	    "user", user_id);
}

bgw_err
org_unit_create(bgw_db *db, bgw_arena *a, const org_actor *who, const org_unit_in *in,
    const char **id, bgw_kv **errors)
{
	db_rows *res;
	bgw_err err;

	*errors = NULL;
	if (!who->admin || who->unit_id != NULL)
		return BGW_E_FORBIDDEN;
	if (strcmp(in->kind, "branch") != 0 && strcmp(in->kind, "department") != 0)
		return fields_error(a, errors, "kind", "invalid");
	if (in->code != NULL && !org_unit_code_valid(in->code))
		return fields_error(a, errors, "code", "invalid");
	{
		const char *p[5] = {who->org_id, in->kind, in->code, in->name, in->email};

		if ((err = db_exec(db, a, "org_unit_insert", 5, p, &res)) != BGW_OK)
			return err;
	}
	*id = db_value(res, 0, 0);
	return log_org(db, a, who, "org.unit_create", "org_unit", *id);
}
