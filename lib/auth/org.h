/* org.h - a respondent organisation's own users and units (issue 17; docs/design.md
 * "Respondent organisations").
 *
 * A respondent organisation is a tenant of its own: its admins invite, change and
 * deactivate its users once, independently of any project, and arrange them in units (one
 * desk, and branches or departments).  Its users then take part in every project in which
 * a request to the organisation was sent (migration 0027), so nothing here names a project.
 *
 * Every use case runs in the router's transaction, bound to the acting user: row-level
 * security (org_members, org_units) is the second wall behind the policy layer, which let
 * only the organisation's users (ACT_ORG_READ) or admins (ACT_ORG_MANAGE) in.  The unit
 * rule inside the organisation (a unit's admin manages its unit only) is
 * policy_may_manage_org_member.
 */
#ifndef BGW_ORG_H
#define BGW_ORG_H

#include <stdbool.h>

#include <jansson.h>

#include "core/arena.h"
#include "core/err.h"
#include "core/kv.h"
#include "store/db.h"

/* The unit kinds (org_units.kind, migration 0026); 'desk' exists once and is made with the
 * organisation, so a new unit is one of the other two. */
#define ORG_UNIT_KINDS "desk", "branch", "department"

typedef struct org_actor {
	const char *user_id;
	const char *ip;
	const char *org_id;  /* the organisation acted on: the route's target */
	bool admin;
	const char *unit_id; /* the actor's own unit; NULL: the whole organisation */
} org_actor;

typedef struct org_invite_in {
	const char *email;
	bool admin;
	const char *unit_id;  /* NULL: the whole organisation (the desk) */
	const char *base_url; /* the public origin, for the link */
} org_invite_in;

typedef struct org_change_in {
	const char *user_id;
	bool set_admin;       /* change the admin flag to admin */
	bool admin;
	bool set_unit;        /* move the user to unit_id */
	const char *unit_id;  /* NULL: the whole organisation */
} org_change_in;

typedef struct org_unit_in {
	const char *kind;     /* "branch" or "department" */
	const char *name;
	const char *code;     /* NULL, or a branch code of three digits */
	const char *email;    /* NULL, or the unit's desk address */
} org_unit_in;

/* Is code a branch code (three ASCII digits)?  NULL is not. */
bool org_unit_code_valid(const char *code);

/* The signed-in user's live organisation (NULL: none) into *org_id, in arena memory.
 * Database errors only. */
bgw_err org_own(bgw_db *db, bgw_arena *a, const char **org_id);

/* {organization: {id, name}, me: {admin, unit_id}, units: [{id, kind, code, name, email,
 * active}]} of who's organisation, owned by the arena.  Database errors; BGW_E_NOMEM. */
bgw_err org_view(bgw_db *db, bgw_arena *a, const org_actor *who, json_t **out);

/* {items: [{user: {id, email, name}, admin, unit_id, active}], total}: every user of the
 * organisation, deactivated ones too.  Database errors; BGW_E_NOMEM. */
bgw_err org_member_list(bgw_db *db, bgw_arena *a, const org_actor *who, json_t **out);

/* Add in->email to the organisation: a user of the organisation who is not yet a member
 * joins at once (*status "added"); anyone without an account is invited by mail
 * (org_invitation, a single-use link; *status "invited").  BGW_E_VALIDATION with "email"
 * (unavailable: an account of another organisation, or a member already) or "unit_id"
 * (unknown) in *errors; BGW_E_FORBIDDEN (a unit's admin adding outside its unit); database
 * errors. */
bgw_err org_member_invite(bgw_db *db, bgw_arena *a, const org_actor *who,
    const org_invite_in *in, const char **status, bgw_kv **errors);

/* Change a member's admin flag or unit.  BGW_E_NOT_FOUND (no such member);
 * BGW_E_FORBIDDEN (the unit rule, or the admin's own row); BGW_E_VALIDATION ("unit_id"
 * unknown); BGW_E_INVALID_STATE (it would leave the organisation without an admin of the
 * whole); database errors. */
bgw_err org_member_change(bgw_db *db, bgw_arena *a, const org_actor *who,
    const org_change_in *in, bgw_kv **errors);

/* Deactivate (active false) or reactivate a member: a deactivated user sees nothing of
 * the organisation from the next request on.  Errors as org_member_change. */
bgw_err org_member_activate(bgw_db *db, bgw_arena *a, const org_actor *who,
    const char *user_id, bool active);

/* A new branch or department; its id into *id.  BGW_E_VALIDATION ("kind", "name", "code",
 * "email"); BGW_E_FORBIDDEN (an admin of a unit: units are the whole organisation's
 * admins' to make); BGW_E_CONFLICT (the branch code is taken); database errors. */
bgw_err org_unit_create(bgw_db *db, bgw_arena *a, const org_actor *who, const org_unit_in *in,
    const char **id, bgw_kv **errors);

#endif
