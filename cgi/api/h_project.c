/* h_project.c - projects, the first-access code, members, completion. */
#include "api/handlers.h"

#include <openssl/crypto.h>

#include "actor.h"
#include "flow/project.h"

static const char *const sides[] = {"audit", "client", "respondent", NULL};

const field_spec project_create_fields[] = {
	{.name = "name", .type = FIELD_STRING, .required = true, .max_len = 200},
	{.name = "client_name", .type = FIELD_STRING, .required = true, .max_len = 200},
	{.name = "period_end", .type = FIELD_DATE, .required = true},
	{.name = "retention_days", .type = FIELD_INT, .required = false},
	{.name = NULL},
};
const field_spec project_patch_fields[] = {
	{.name = "mfa_required", .type = FIELD_BOOL},
	{.name = "retention_days", .type = FIELD_INT},
	{.name = NULL},
};
const field_spec access_fields[] = {
	{.name = "code", .type = FIELD_STRING, .required = true, .max_len = 64},
	{.name = NULL},
};
const field_spec member_add_fields[] = {
	{.name = "email", .type = FIELD_EMAIL, .required = true},
	{.name = "side", .type = FIELD_ENUM, .required = true, .enum_values = sides},
	{.name = "admin", .type = FIELD_BOOL, .required = false},
	{.name = "organization", .type = FIELD_ID, .required = false},
	{.name = NULL},
};

static const field_value *
value(bgw_request *r, const field_spec *specs, const char *name)
{
	return fields_get(r->fields, specs, name);
}

/* Answer status with the project as the user now sees it. */
static bgw_err
reply_project(bgw_request *r, int status, const char *project_id)
{
	json_t *body;
	bgw_err err = project_get(r->app->db, r->a, project_id, &body);

	return err == BGW_OK ? request_reply_json(r, status, body) : err;
}

bgw_err
h_project_create(bgw_request *r)
{
	const field_value *retention = value(r, project_create_fields, "retention_days");
	project_actor who = actor_project(r);
	project_new in = {
		.name = value(r, project_create_fields, "name")->s,
		.client_name = value(r, project_create_fields, "client_name")->s,
		.period_end = value(r, project_create_fields, "period_end")->s,
		.has_retention = retention->present,
		.retention_days = retention->i,
	};
	project_created out;
	json_t *body = NULL;
	bgw_err err = project_create(r->app->db, r->a, &who, &in, &out, &r->field_errors);

	if (err == BGW_OK)
		err = project_get(r->app->db, r->a, out.id, &body);
	/* The code is shown this once; only its hash is kept. */
	if (err == BGW_OK && json_object_set_new(json_object_get(body, "project"),
	    "first_access_code", json_string(out.code)) != 0)
		err = BGW_E_NOMEM;
	OPENSSL_cleanse(out.code, sizeof(out.code));
	return err == BGW_OK ? request_reply_json(r, 201, body) : err;
}

bgw_err
h_project_list(bgw_request *r)
{
	long long page, per_page;
	json_t *body;
	bgw_err err = request_paging(r, &page, &per_page);

	if (err == BGW_OK)
		err = project_list(r->app->db, r->a, page, per_page, &body);
	return err == BGW_OK ? request_reply_json(r, 200, body) : err;
}

bgw_err
h_project_access(bgw_request *r)
{
	project_actor who = actor_project(r);
	bgw_err err = project_access(r->app->db, r->a, &who, r->target.project_id,
	    value(r, access_fields, "code")->s);

	/* A wrong code is counted and logged even though the answer is an error (the route is
	 * TX_KEEP_ON_ERROR). */
	if (err == BGW_OK)
		r->status = 204;
	return err;
}

bgw_err
h_project_get(bgw_request *r)
{
	return reply_project(r, 200, r->target.project_id);
}

bgw_err
h_project_patch(bgw_request *r)
{
	const field_value *mfa = value(r, project_patch_fields, "mfa_required");
	const field_value *ret = value(r, project_patch_fields, "retention_days");
	project_actor who = actor_project(r);
	project_update_in in = {.has_mfa_required = mfa->present, .mfa_required = mfa->b,
		.has_retention = ret->present, .retention_days = ret->i};
	bgw_err err = project_update(r->app->db, r->a, &who, r->target.project_id, &in,
	    &r->field_errors);

	return err == BGW_OK ? reply_project(r, 200, r->target.project_id) : err;
}

bgw_err
h_project_complete(bgw_request *r)
{
	project_actor who = actor_project(r);
	bgw_err err = project_complete(r->app->db, r->a, &who, r->target.project_id);

	return err == BGW_OK ? reply_project(r, 200, r->target.project_id) : err;
}

bgw_err
h_project_code_regenerate(bgw_request *r)
{
	project_actor who = actor_project(r);
	char code[PROJECT_CODE_DISPLAY_LEN + 1];
	json_t *body;
	bgw_err err = project_code_regenerate(r->app->db, r->a, &who, r->target.project_id, code);

	if (err != BGW_OK)
		return err;
	body = jsonout_own(r->a, json_pack("{s:s}", "first_access_code", code));
	OPENSSL_cleanse(code, sizeof(code));
	return body != NULL ? request_reply_json(r, 200, body) : BGW_E_NOMEM;
}

bgw_err
h_members_list(bgw_request *r)
{
	json_t *body;
	bgw_err err = project_members(r->app->db, r->a, r->target.project_id, &body);

	return err == BGW_OK ? request_reply_json(r, 200, body) : err;
}

bgw_err
h_member_add(bgw_request *r)
{
	const field_value *org = value(r, member_add_fields, "organization");
	project_actor who = actor_project(r);
	project_member_add_in in = {.email = value(r, member_add_fields, "email")->s,
		.side = value(r, member_add_fields, "side")->s,
		.admin = value(r, member_add_fields, "admin")->b,
		.organization = org->present ? org->s : NULL,
		.base_url = r->app->cfg->base_url};
	const char *org_id;
	json_t *body;
	bgw_err err = project_member_add(r->app->db, r->a, &who, r->target.project_id, &in,
	    &org_id, &r->field_errors);

	if (err != BGW_OK)
		return err;
	body = jsonout_own(r->a, json_pack("{s:s, s:s, s:b, s:s, s:s}", "email", in.email,
	    "side", in.side, "admin", in.admin, "organization_id", org_id, "status", "invited"));
	return body != NULL ? request_reply_json(r, 201, body) : BGW_E_NOMEM;
}

bgw_err
h_member_remove(bgw_request *r)
{
	project_actor who = actor_project(r);
	bgw_err err = project_member_remove(r->app->db, r->a, &who, r->target.project_id,
	    r->path_params[1]);

	if (err == BGW_OK)
		r->status = 204;
	return err;
}

bgw_err
h_member_unlock(bgw_request *r)
{
	project_actor who = actor_project(r);
	bgw_err err = project_member_unlock(r->app->db, r->a, &who, r->target.project_id,
	    r->path_params[1]);

	if (err == BGW_OK)
		r->status = 204;
	return err;
}
