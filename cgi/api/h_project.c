/* h_project.c - projects, the first-access code, members, completion. */
#include "api/handlers.h"

#include <stdio.h>
#include <string.h>

#include <openssl/crypto.h>

#include "flow/audit.h"
#include "auth/invite.h"
#include "mail/mailq.h"
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

#define RETENTION_MAX_DAYS 36500
/* Invitations go out in Japanese, the first language of the service (INVITE_TTL_S). */
#define INVITE_EXPIRES_JA "7日後"

static const field_value *
value(bgw_request *r, const field_spec *specs, const char *name)
{
	return fields_get(r->fields, specs, name);
}

static bgw_err
log_project(bgw_request *r, const char *project, const char *action, const char *otype,
    const char *oid)
{
	audit_event ev = {.project_id = project, .actor_id = r->user_id, .action = action,
		.object_type = otype, .object_id = oid, .ip = r->remote_addr};

	return audit_append(r->app->db, r->a, &ev, NULL);
}

bgw_err
h_project_create(bgw_request *r)
{
	const field_value *retention = value(r, project_create_fields, "retention_days");
	project_new p = {
		.name = value(r, project_create_fields, "name")->s,
		.client_name = value(r, project_create_fields, "client_name")->s,
		.period_end = value(r, project_create_fields, "period_end")->s,
		.retention_days = retention->present ? retention->i : PROJECT_RETENTION_DEFAULT_DAYS,
		.creator_id = r->user_id,
		.firm_id = r->user.org_id,
	};
	char code[PROJECT_CODE_DISPLAY_LEN + 1];
	const char *id;
	json_t *body;
	bgw_err err;

	if (p.retention_days < 1 || p.retention_days > RETENTION_MAX_DAYS)
		return request_field_error(r, "retention_days", "out_of_range");
	err = project_create(r->app->db, r->a, &p, &id, code);
	if (err == BGW_OK)
		err = log_project(r, id, "project.create", "project", id);
	if (err == BGW_OK)
		err = project_get(r->app->db, r->a, id, &body);
	if (err != BGW_OK)
		return err;
	/* The code is shown this once; only its hash is kept. */
	if (json_object_set_new(json_object_get(body, "project"), "first_access_code",
	    json_string(code)) != 0)
		return BGW_E_NOMEM;
	OPENSSL_cleanse(code, sizeof(code));
	return request_reply_json(r, 201, body);
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
	const char *pid = r->target.project_id;
	bgw_err err = project_code_check(r->app->db, r->a, pid,
	    value(r, access_fields, "code")->s);
	bgw_err logged;

	/* A wrong code is counted and logged even though the answer is an error (the route is
	 * TX_KEEP_ON_ERROR). */
	logged = log_project(r, pid, err == BGW_OK ? "project.code_ok" :
	    err == BGW_E_LOCKED ? "project.code_locked" : "project.code_wrong", "project", pid);
	if (err == BGW_OK && logged != BGW_OK)
		err = logged;
	if (err == BGW_OK)
		r->status = 204;
	return err;
}

bgw_err
h_project_get(bgw_request *r)
{
	json_t *body;
	bgw_err err = project_get(r->app->db, r->a, r->target.project_id, &body);

	return err == BGW_OK ? request_reply_json(r, 200, body) : err;
}

bgw_err
h_project_patch(bgw_request *r)
{
	const field_value *mfa = value(r, project_patch_fields, "mfa_required");
	const field_value *ret = value(r, project_patch_fields, "retention_days");
	const char *pid = r->target.project_id;
	char days[24];
	json_t *body;
	bgw_err err;

	if (ret->present && (ret->i < 1 || ret->i > RETENTION_MAX_DAYS))
		return request_field_error(r, "retention_days", "out_of_range");
	/* Requiring MFA of everyone starts with oneself: else the admin locks itself out. */
	if (mfa->present && mfa->b && !r->user.mfa_enabled)
		return request_field_error(r, "mfa_required", "enable_your_own_mfa_first");
	snprintf(days, sizeof(days), "%lld", ret->i);
	err = project_settings(r->app->db, r->a, pid, mfa->present ? (mfa->b ? "true" : "false") :
	    NULL, ret->present ? days : NULL);
	if (err == BGW_OK)
		err = log_project(r, pid, "project.settings", "project", pid);
	if (err == BGW_OK)
		err = project_get(r->app->db, r->a, pid, &body);
	return err == BGW_OK ? request_reply_json(r, 200, body) : err;
}

bgw_err
h_project_complete(bgw_request *r)
{
	const char *pid = r->target.project_id;
	json_t *body;
	bgw_err err = project_complete(r->app->db, r->a, pid);

	if (err == BGW_OK)
		err = log_project(r, pid, "project.complete", "project", pid);
	if (err == BGW_OK)
		err = project_get(r->app->db, r->a, pid, &body);
	return err == BGW_OK ? request_reply_json(r, 200, body) : err;
}

bgw_err
h_project_code_regenerate(bgw_request *r)
{
	const char *pid = r->target.project_id;
	char code[PROJECT_CODE_DISPLAY_LEN + 1];
	json_t *body;
	bgw_err err = project_code_regenerate(r->app->db, r->a, pid, code);

	if (err == BGW_OK)
		err = log_project(r, pid, "project.code_regenerate", "project", pid);
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

static enum policy_side
side_named(const char *s)
{
	return strcmp(s, "audit") == 0 ? SIDE_AUDIT : strcmp(s, "client") == 0 ? SIDE_CLIENT :
	    strcmp(s, "respondent") == 0 ? SIDE_RESPONDENT : SIDE_NONE;
}

/* The organisation a new member of side joins: fixed for audit and client; for a
 * respondent, the admin's own, or one the audit team names from the project. */
static bgw_err
member_org(bgw_request *r, const project_facts *pf, const char *side, const char **org)
{
	const field_value *named = value(r, member_add_fields, "organization");
	bool known;
	bgw_err err;

	if (strcmp(side, "audit") == 0) {
		*org = pf->firm_id;
		return BGW_OK;
	}
	if (strcmp(side, "client") == 0) {
		*org = pf->client_org_id;
		return BGW_OK;
	}
	if (r->target.facts.side == SIDE_RESPONDENT) {
		*org = r->target.member_org_id;
		return BGW_OK;
	}
	if (!named->present)
		return request_field_error(r, "organization", "required");
	if ((err = project_has_respondent(r->app->db, r->a, r->target.project_id, named->s,
	    &known)) != BGW_OK)
		return err;
	if (!known)
		return request_field_error(r, "organization", "not_a_respondent_of_this_project");
	*org = named->s;
	return BGW_OK;
}

bgw_err
h_member_add(bgw_request *r)
{
	const char *pid = r->target.project_id;
	const char *email = value(r, member_add_fields, "email")->s;
	const char *side = value(r, member_add_fields, "side")->s;
	bool admin = value(r, member_add_fields, "admin")->b;
	invite_spec spec = {.email = email, .project_id = pid, .side = side, .admin = admin,
		.created_by = r->user_id};
	char token[TOKEN_LEN + 1];
	bgw_kv *vars = NULL, **tail = &vars;
	project_facts pf;
	const char *link;
	json_t *body;
	bgw_err err;

	if ((err = project_facts_get(r->app->db, r->a, pid, &pf)) != BGW_OK)
		return err;
	if ((err = member_org(r, &pf, side, &spec.organization_id)) != BGW_OK)
		return err;
	if (!policy_may_manage(r->target.facts.side, r->target.facts.admin, side_named(side),
	    r->target.member_org_id != NULL &&
	    strcmp(r->target.member_org_id, spec.organization_id) == 0))
		return BGW_E_FORBIDDEN;
	if ((err = invite_create(r->app->db, r->a, &spec, token)) != BGW_OK)
		return err;
	link = invite_link(r->a, r->app->cfg->base_url, token);
	if (link == NULL)
		return BGW_E_NOMEM;
	if ((err = kv_append(r->a, &tail, "firm", pf.firm_name, strlen(pf.firm_name))) != BGW_OK ||
	    (err = kv_append(r->a, &tail, "project", pf.name, strlen(pf.name))) != BGW_OK ||
	    (err = kv_append(r->a, &tail, "client", pf.client_name, strlen(pf.client_name))) != BGW_OK ||
	    (err = kv_append(r->a, &tail, "name", email, strlen(email))) != BGW_OK ||
	    (err = kv_append(r->a, &tail, "link", link, strlen(link))) != BGW_OK ||
	    (err = kv_append(r->a, &tail, "expires", INVITE_EXPIRES_JA, strlen(INVITE_EXPIRES_JA))) != BGW_OK)
		return err;
	err = mailq_send(r->app->db, r->a, "invitation", "ja", email,
	    bgw_arena_printf(r->a, "invitation:%s", token), pid, vars);
	OPENSSL_cleanse(token, sizeof(token));
	if (err == BGW_OK)
		err = log_project(r, pid, "member.invite", "project", pid);
	if (err != BGW_OK)
		return err;
	body = jsonout_own(r->a, json_pack("{s:s, s:s, s:b, s:s, s:s}", "email", email, "side", side,
	    "admin", admin, "organization_id", spec.organization_id, "status", "invited"));
	return body != NULL ? request_reply_json(r, 201, body) : BGW_E_NOMEM;
}

/* Who may remove or unlock whom follows the same side rules as adding. */
static bgw_err
check_manage(bgw_request *r, const char *uid)
{
	const char *side, *org;
	bgw_err err = project_member_get(r->app->db, r->a, r->target.project_id, uid, &side, &org);

	if (err != BGW_OK)
		return err;
	if (!policy_may_manage(r->target.facts.side, r->target.facts.admin, side_named(side),
	    org != NULL && r->target.member_org_id != NULL &&
	    strcmp(org, r->target.member_org_id) == 0))
		return BGW_E_FORBIDDEN;
	return BGW_OK;
}

bgw_err
h_member_remove(bgw_request *r)
{
	const char *pid = r->target.project_id, *uid = r->path_params[1];
	bgw_err err = check_manage(r, uid);

	if (err == BGW_OK)
		err = project_member_remove(r->app->db, r->a, pid, uid);
	if (err == BGW_OK)
		err = log_project(r, pid, "member.remove", "user", uid);
	if (err == BGW_OK)
		r->status = 204;
	return err;
}

bgw_err
h_member_unlock(bgw_request *r)
{
	const char *pid = r->target.project_id, *uid = r->path_params[1];
	bgw_err err = project_member_unlock(r->app->db, r->a, pid, uid);

	if (err == BGW_OK)
		err = log_project(r, pid, "member.unlock", "user", uid);
	if (err == BGW_OK)
		r->status = 204;
	return err;
}
