/* h_org.c - GET/POST/PATCH /api/v1/orgs/...: a respondent organisation's users and units. */
#include "api/h_org.h"

#include "auth/org.h"
#include "http/jsonout.h"
#include "org_actor.h"

static const char *const unit_kinds[] = {"branch", "department", NULL};

const field_spec org_invite_fields[] = {
	{.name = "email", .type = FIELD_EMAIL, .required = true},
	{.name = "admin", .type = FIELD_BOOL, .required = false},
	{.name = "unit_id", .type = FIELD_ID, .required = false},
	{.name = NULL},
};

/* unit_id "" moves the user to the whole organisation (the desk). */
const field_spec org_change_fields[] = {
	{.name = "admin", .type = FIELD_BOOL, .required = false},
	{.name = "unit_id", .type = FIELD_STRING, .required = false, .max_len = 64},
	{.name = NULL},
};

const field_spec org_unit_fields[] = {
	{.name = "kind", .type = FIELD_ENUM, .required = true, .enum_values = unit_kinds},
	{.name = "name", .type = FIELD_STRING, .required = true, .max_len = 200},
	{.name = "code", .type = FIELD_STRING, .required = false, .max_len = 3},
	{.name = "email", .type = FIELD_EMAIL, .required = false},
	{.name = NULL},
};

/* GET /api/v1/org: which respondent organisation the user belongs to (null: none, or
 * deactivated). */
bgw_err
h_org_own(bgw_request *r)
{
	const char *org_id;
	json_t *body;
	bgw_err err = org_own(r->app->db, r->a, &org_id);

	if (err != BGW_OK)
		return err;
	body = jsonout_own(r->a, json_pack("{s:s?}", "organization_id", org_id));
	return body != NULL ? request_reply_json(r, 200, body) : BGW_E_NOMEM;
}

bgw_err
h_org_get(bgw_request *r)
{
	org_actor who = actor_org(r);
	json_t *body;
	bgw_err err = org_view(r->app->db, r->a, &who, &body);

	return err == BGW_OK ? request_reply_json(r, 200, body) : err;
}

bgw_err
h_org_members(bgw_request *r)
{
	org_actor who = actor_org(r);
	json_t *body;
	bgw_err err = org_member_list(r->app->db, r->a, &who, &body);

	return err == BGW_OK ? request_reply_json(r, 200, body) : err;
}

bgw_err
h_org_invite(bgw_request *r)
{
	org_actor who = actor_org(r);
	org_invite_in in = actor_org_invite(r, org_invite_fields);
	const char *status;
	json_t *body;
	bgw_err err = org_member_invite(r->app->db, r->a, &who, &in, &status, &r->field_errors);

	if (err != BGW_OK)
		return err;
	body = jsonout_own(r->a, json_pack("{s:s, s:b, s:s?, s:s}", "email", in.email, "admin",
	    in.admin, "unit_id", in.unit_id, "status", status));
	return body != NULL ? request_reply_json(r, 201, body) : BGW_E_NOMEM;
}

bgw_err
h_org_change(bgw_request *r)
{
	org_actor who = actor_org(r);
	org_change_in in = actor_org_change(r, org_change_fields);
	bgw_err err = org_member_change(r->app->db, r->a, &who, &in, &r->field_errors);

	if (err == BGW_OK)
		r->status = 204;
	return err;
}

static bgw_err
activate(bgw_request *r, bool active)
{
	org_actor who = actor_org(r);
	bgw_err err = org_member_activate(r->app->db, r->a, &who, r->path_params[1], active);

	if (err == BGW_OK)
		r->status = 204;
	return err;
}

bgw_err
h_org_deactivate(bgw_request *r)
{
	return activate(r, false);
}

bgw_err
h_org_reactivate(bgw_request *r)
{
	return activate(r, true);
}

bgw_err
h_org_unit_create(bgw_request *r)
{
	org_actor who = actor_org(r);
	org_unit_in in = actor_org_unit(r, org_unit_fields);
	const char *id;
	json_t *body;
	bgw_err err = org_unit_create(r->app->db, r->a, &who, &in, &id, &r->field_errors);

	if (err != BGW_OK)
		return err;
	body = jsonout_own(r->a, json_pack("{s:s}", "id", id));
	return body != NULL ? request_reply_json(r, 201, body) : BGW_E_NOMEM;
}
