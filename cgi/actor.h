/* actor.h - who acts, as the lib use cases take it, read from the request: the one place
 * the API handlers and the pages both turn a request into an actor. */
#ifndef BGW_ACTOR_H
#define BGW_ACTOR_H

#include "flow/confflow.h"
#include "flow/project.h"
#include "request.h"

/* The signed-in user and what the policy layer found about them in the target project. */
static inline project_actor
actor_project(const bgw_request *r)
{
	return (project_actor){.user_id = r->user_id, .ip = r->remote_addr,
		.org_id = r->user.org_id, .mfa_enabled = r->user.mfa_enabled,
		.side = r->target.facts.side, .admin = r->target.facts.admin,
		.member_org_id = r->target.member_org_id};
}

/* The signed-in user, for a confirmation's audit events. */
static inline conf_actor
actor_conf(const bgw_request *r)
{
	return (conf_actor){.user_id = r->user_id, .ip = r->remote_addr};
}

#endif
