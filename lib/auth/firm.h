/* firm.h - a new audit firm (or the operators' organisation) and an invitation for its
 * first admin user: how the service is opened to a customer (bgw-admin firm-create,
 * operator-create).
 */
#ifndef BGW_FIRM_H
#define BGW_FIRM_H

#include <stdbool.h>

#include "core/arena.h"
#include "core/err.h"
#include "core/kv.h"
#include "store/db.h"

/* The service's own staff share one organisation of this name, made on first use. */
#define FIRM_OPERATOR_ORG_NAME "Balance Gateway operations"

typedef struct firm_invite_in {
	const char *name;        /* the firm's name (an operator: FIRM_OPERATOR_ORG_NAME) */
	const char *email;       /* the first admin's address, checked as the API checks one */
	bool operator;           /* the operators' organisation instead of a new firm */
	const char *base_url;    /* the public origin, for the link */
} firm_invite_in;

typedef struct firm_invite_out {
	const char *organization_id;
	const char *link;        /* the single-use invitation link (also mailed) */
} firm_invite_out;

/* The use case: create the firm (or find or make the operators' organisation), invite
 * in->email as its admin, queue the invitation mail (firm_invitation, ja) in the outbox and
 * record firm.create (operator.invite), in the caller's transaction.  BGW_E_VALIDATION
 * with each bad field ("name", "email") in *errors; database errors; BGW_E_NOMEM. */
bgw_err firm_invite(bgw_db *db, bgw_arena *a, const firm_invite_in *in, firm_invite_out *out,
    bgw_kv **errors);

#endif
