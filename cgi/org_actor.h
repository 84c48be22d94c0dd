/* org_actor.h - a respondent organisation's use cases (lib/auth/org.h) read from the
 * request: the one place its API handlers and its pages both turn a request into input. */
#ifndef BGW_ORG_ACTOR_H
#define BGW_ORG_ACTOR_H

#include "auth/org.h"
#include "request.h"

/* The signed-in user and what the policy layer found about it in the target organisation
 * (lib/auth/target.c, target_org). */
static inline org_actor
actor_org(const bgw_request *r)
{
	return (org_actor){.user_id = r->user_id, .ip = r->remote_addr,
		.org_id = r->target.member_org_id, .admin = r->target.facts.admin,
		.unit_id = r->target.org_unit_id};
}

/* A declared field's text, or NULL when absent or empty. */
static inline const char *
org_field(const bgw_request *r, const field_spec *specs, const char *name)
{
	const field_value *v = fields_get(r->fields, specs, name);

	return v != NULL && v->present && v->s != NULL && v->s[0] != '\0' ? v->s : NULL;
}

static inline bool
org_field_bool(const bgw_request *r, const field_spec *specs, const char *name)
{
	const field_value *v = fields_get(r->fields, specs, name);

	return v != NULL && v->present && v->b;
}

static inline bool
org_field_present(const bgw_request *r, const field_spec *specs, const char *name)
{
	const field_value *v = fields_get(r->fields, specs, name);

	return v != NULL && v->present;
}

static inline org_invite_in
actor_org_invite(const bgw_request *r, const field_spec *specs)
{
	return (org_invite_in){.email = org_field(r, specs, "email"),
		.admin = org_field_bool(r, specs, "admin"),
		.unit_id = org_field(r, specs, "unit_id"), .base_url = r->app->cfg->base_url};
}

/* The member named by the route's second parameter; a unit_id given empty moves it to the
 * whole organisation. */
static inline org_change_in
actor_org_change(const bgw_request *r, const field_spec *specs)
{
	return (org_change_in){.user_id = r->path_params[1],
		.set_admin = org_field_present(r, specs, "admin"),
		.admin = org_field_bool(r, specs, "admin"),
		.set_unit = org_field_present(r, specs, "unit_id"),
		.unit_id = org_field(r, specs, "unit_id")};
}

static inline org_unit_in
actor_org_unit(const bgw_request *r, const field_spec *specs)
{
	return (org_unit_in){.kind = org_field(r, specs, "kind"),
		.name = org_field(r, specs, "name"), .code = org_field(r, specs, "code"),
		.email = org_field(r, specs, "email")};
}

#endif
