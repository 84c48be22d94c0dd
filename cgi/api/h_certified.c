/* h_certified.c - certified respondents: the operators' registry, the auditors' directory
 * and the pick of a directory entry for a confirmation (lib/flow/certified.h). */
#include "api/handlers.h"

#include <string.h>

#include "actor.h"
#include "flow/desk.h"
#include "flow/certified.h"
#include "flow/confirmation.h"

const field_spec certified_fields[] = {
	{.name = "legal_name", .type = FIELD_STRING, .required = true, .max_len = 200},
	{.name = "corporate_number", .type = FIELD_STRING, .required = true, .max_len = 13},
	{.name = "bank_code", .type = FIELD_STRING, .max_len = 4},
	{.name = "desk_email", .type = FIELD_EMAIL, .required = true},
	{.name = "branches", .type = FIELD_ARRAY},
	{.name = NULL},
};
const field_spec directory_pick_fields[] = {
	{.name = "organization_id", .type = FIELD_ID, .required = true},
	{.name = "branch_code", .type = FIELD_STRING, .max_len = 3},
	{.name = NULL},
};

static const field_value *
field(bgw_request *r, const field_spec *specs, const char *name)
{
	const field_value *v = fields_get(r->fields, specs, name);

	return v != NULL && v->present ? v : NULL;
}

static const char *
text(bgw_request *r, const field_spec *specs, const char *name)
{
	const field_value *v = field(r, specs, name);

	return v != NULL ? v->s : NULL;
}

/* The directory's filters from the query: q, corporate_number, bank_code, branch_code. */
static certified_query
query_of(const bgw_request *r)
{
	return (certified_query){.q = kv_get(r->query, "q"),
		.corporate_number = kv_get(r->query, "corporate_number"),
		.bank_code = kv_get(r->query, "bank_code"),
		.branch_code = kv_get(r->query, "branch_code")};
}

static bgw_err
reply_search(bgw_request *r, const certified_query *q, int status)
{
	json_t *body;
	bgw_err err = certified_search_json(r->app->db, r->a, q, &body);

	return err == BGW_OK ? request_reply_json(r, status, body) : err;
}

bgw_err
h_certified_register(bgw_request *r)
{
	conf_actor who = actor_conf(r);
	const field_value *branches = field(r, certified_fields, "branches");
	certified_register_in in = {.legal_name = text(r, certified_fields, "legal_name"),
		.corporate_number = text(r, certified_fields, "corporate_number"),
		.bank_code = text(r, certified_fields, "bank_code"),
		.desk_email = text(r, certified_fields, "desk_email"),
		.branches = branches != NULL ? branches->j : NULL};
	const char *org;
	certified_query q = {.corporate_number = in.corporate_number};
	bgw_err err = certified_register(r->app->db, r->a, who.user_id, who.ip, &in, &org,
	    &r->field_errors);

	/* The answer is the directory entry as the auditors will see it. */
	return err == BGW_OK ? reply_search(r, &q, 201) : err;
}

bgw_err
h_certified_list(bgw_request *r)
{
	certified_query q = query_of(r);

	return reply_search(r, &q, 200);
}

bgw_err
h_conf_directory_pick(bgw_request *r)
{
	conf_actor who = actor_conf(r);
	json_t *conf, *body;
	bgw_err err = certified_pick(r->app->db, r->a, &who, r->target.confirmation_id,
	    text(r, directory_pick_fields, "organization_id"),
	    text(r, directory_pick_fields, "branch_code"), &r->field_errors);

	if (err == BGW_OK)
		err = conf_get_json(r->app->db, r->a, r->target.confirmation_id,
		    r->target.facts.side, policy_may_see_response(&r->target.facts), &conf);
	if (err != BGW_OK)
		return err;
	body = jsonout_own(r->a, json_pack("{s:O}", "confirmation", conf));
	return body != NULL ? request_reply_json(r, 201, body) : BGW_E_NOMEM;
}

const field_spec desk_route_fields[] = {
	{.name = "ids", .type = FIELD_ARRAY, .required = true},
	{.name = "branch_code", .type = FIELD_STRING, .required = true, .max_len = 3},
	{.name = NULL},
};

/* GET /api/v1/desk: the user's desk queue (desk.h), ?branch_code= and ?overdue=true. */
bgw_err
h_desk_list(bgw_request *r)
{
	const char *overdue = kv_get(r->query, "overdue");
	desk_filter f = {.branch_code = kv_get(r->query, "branch_code"),
		.overdue = overdue != NULL && strcmp(overdue, "true") == 0};
	json_t *body;
	bgw_err err = desk_list_json(r->app->db, r->a, &f, &body);

	return err == BGW_OK ? request_reply_json(r, 200, body) : err;
}

/* POST /api/v1/desk/route: {ids: [confirmation ids], branch_code} → 200 the queue. */
bgw_err
h_desk_route(bgw_request *r)
{
	conf_actor who = actor_conf(r);
	const field_value *ids = field(r, desk_route_fields, "ids");
	size_t n = json_array_size(ids->j);
	const char **list = bgw_arena_alloc(r->a, (n + 1) * sizeof(*list));
	desk_filter all = {0};
	bgw_err err;

	if (list == NULL)
		return BGW_E_NOMEM;
	for (size_t i = 0; i < n; i++)
		if ((list[i] = json_string_value(json_array_get(ids->j, i))) == NULL)
			return BGW_E_BAD_REQUEST;
	err = desk_route(r->app->db, r->a, &who, list, n, text(r, desk_route_fields,
	    "branch_code"), &r->field_errors);
	if (err == BGW_OK) {
		json_t *body;

		if ((err = desk_list_json(r->app->db, r->a, &all, &body)) == BGW_OK)
			return request_reply_json(r, 200, body);
	}
	return err;
}
