/* target.h - the facts the policy layer needs about a route's target, loaded with one query
 * bound to the user (inside the request's transaction, so row-level security applies too). */
#ifndef BGW_TARGET_H
#define BGW_TARGET_H

#include "core/arena.h"
#include "store/db.h"
#include "auth/policy.h"

typedef struct bgw_target {
	policy_target facts;
	const char *project_id;       /* the project the target belongs to */
	const char *confirmation_id;  /* NULL unless the target is or belongs to one */
	const char *member_org_id;    /* the user's organisation in the project (respondents), or
	                               * the organisation of a TARGET_ORG target */
	const char *org_unit_id;      /* TARGET_ORG: the user's unit in it (NULL: the whole) */
	const char *status;           /* the confirmation's status, or the project's */
	const char *list_version;     /* a project target: its list's version (migration 0015) */
} bgw_target;

/* Load the target of kind named by id for the user bound to the transaction.  A target that
 * does not exist or is not visible leaves facts.exists false (the policy answers 404).
 * Errors are database errors only. */
bgw_err target_load(bgw_db *db, bgw_arena *a, enum policy_target_kind kind, const char *id,
    bgw_target *out);

/* The same in two halves, for a caller that sends the query in a batch with others
 * (cgi/router.c, with BEGIN and the session): the statement for kind (NULL: the kind has
 * no target) with id as its one parameter, and the target read from its result. */
const char *target_statement(enum policy_target_kind kind);
void target_from_result(const db_rows *res, enum policy_target_kind kind, bgw_target *out);


#endif
