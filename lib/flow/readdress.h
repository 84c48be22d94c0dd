/* readdress.h - the correction of an undeliverable (未達) addressee, followed by the request
 * again to the corrected address (POST /confirmations/{cid}/addressee).
 */
#ifndef BGW_READDRESS_H
#define BGW_READDRESS_H

#include "core/arena.h"
#include "core/err.h"
#include "flow/confflow.h"
#include "store/db.h"

/* The use case: readdress confirmation id (conf_readdress: the old checks void, the new
 * addressee set and its check recorded) and mail the request as at sending to the corrected
 * address: a known account joins the project as a respondent, anyone else is invited (a
 * new single-use link, as its organisation's admin).  All in the caller's transaction, the
 * mail through the outbox (idempotent per version of the confirmation).  *out is the
 * confirmation as changed.  conf_readdress's errors, database errors, BGW_E_NOMEM. */
bgw_err readdress_run(bgw_db *db, bgw_arena *a, const conf_actor *who, const char *id,
    const conf_readdress_in *in, const char *base_url, conf_locked *out);

#endif
