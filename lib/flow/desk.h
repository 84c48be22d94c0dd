/* desk.h - a certified respondent's desk: its queue over every audit firm and project, the
 * routing of requests to branches and departments, and what waits for whom.
 *
 * The user's organisation and unit are its live org_members row (db/migrations/0026);
 * what a branch user may see is row-level security's (0029: a branch sees its own
 * requests only, the desk all of them), so the queue is one query bound to the user.
 * Routing is the desk's alone (0029's trigger is the second wall); answers go through
 * maker-checker (certified.h: certified_checker_check).
 */
#ifndef BGW_DESK_H
#define BGW_DESK_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "core/arena.h"
#include "core/err.h"
#include "core/kv.h"
#include "flow/confflow.h"
#include "store/db.h"

#define DESK_LIST_MAX "500"  /* requests in one view of the queue */
#define DESK_ROUTE_MAX 500   /* requests routed in one call */

/* Who a request waits for, from its status and whether it sits at a unit (not the desk). */
enum desk_wait {
	DESK_WAIT_DESK,     /* an answer, prepared at the desk */
	DESK_WAIT_BRANCH,   /* an answer, prepared at the branch or department */
	DESK_WAIT_APPROVER, /* the checker: an admin of the unit or of the whole organisation */
	DESK_WAIT_AUDIT,    /* answered: the audit team reviews */
	DESK_WAIT_NONE,     /* declined, closed or cancelled */
};

/* The wait of a request in status (the workflow's name) sitting at a unit or the desk. */
enum desk_wait desk_wait_of(const char *status, bool at_unit);

/* Its name in the JSON ("desk", "branch", "approver", "audit", "none"). */
const char *desk_wait_name(enum desk_wait w);

typedef struct desk_filter {
	const char *branch_code; /* NULL or "": every unit and the desk */
	bool overdue;            /* only requests past their due date still waiting */
} desk_filter;

/* The user's queue into *out: {organization: {id, name}|null, unit: {code, name}|null (null:
 * the desk), items: [{id, reference, project_id, audit_firm, type, status, as_of, due_date,
 * overdue, unit: {code, name}|null, waiting_for}], total, units: [{code, name}]}, by due
 * date.  A user of no certified organisation gets an empty queue. */
bgw_err desk_list_json(bgw_db *db, bgw_arena *a, const desk_filter *f, json_t **out);

/* Route the requests ids[0..n) of the user's organisation to its live unit branch_code,
 * all or nothing, each logged as conf.route.  BGW_E_FORBIDDEN unless the user is the desk
 * (a live member without a unit); BGW_E_VALIDATION with "branch_code": "unknown" or
 * "ids[i]": "not_routable" (not the organisation's, or no longer waiting for an answer). */
bgw_err desk_route(bgw_db *db, bgw_arena *a, const conf_actor *who, const char *const *ids,
    size_t n, const char *branch_code, bgw_kv **errors);

#endif
