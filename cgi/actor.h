/* actor.h - who acts and on what, as the lib use cases take it, read from the request: the
 * one place the API handlers and the pages both turn a request into a use case's input. */
#ifndef BGW_ACTOR_H
#define BGW_ACTOR_H

#include "flow/comment.h"
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

/* The reader of the target confirmation, for conf_view. */
static inline conf_view_in
actor_conf_view(const bgw_request *r)
{
	return (conf_view_in){.project_id = r->target.project_id,
		.id = r->target.confirmation_id, .side = r->target.facts.side,
		.project_completed = r->target.facts.project_completed,
		.with_response = policy_may_see_response(&r->target.facts)};
}

/* The reader of the target confirmation's receipt, for conf_receipt. */
static inline conf_receipt_in
actor_conf_receipt(const bgw_request *r)
{
	return (conf_receipt_in){.project_id = r->target.project_id,
		.id = r->target.confirmation_id, .side = r->target.facts.side};
}

/* A change of the target draft with body, for conf_draft_edit. */
static inline conf_edit_in
actor_conf_edit(const bgw_request *r, const json_t *body)
{
	return (conf_edit_in){.project_id = r->target.project_id,
		.id = r->target.confirmation_id, .status = r->target.status,
		.side = r->target.facts.side, .body = body};
}

/* The mail settings of the target project, with the configured base URL. */
static inline bgw_err
actor_mailer(bgw_request *r, conf_mailer *m)
{
	return conf_mailer_load(r->app->db, r->a, r->target.project_id, r->app->cfg->base_url, m);
}

/* A comment by the signed-in user on the target confirmation, for comment_post. */
static inline comment_post_in
actor_comment(const bgw_request *r, const char *thread, const char *body)
{
	return (comment_post_in){.project_id = r->target.project_id,
		.cid = r->target.confirmation_id, .user_id = r->user_id, .ip = r->remote_addr,
		.side = r->target.facts.side,
		.project_completed = r->target.facts.project_completed, .thread = thread,
		.body = body};
}

#endif
