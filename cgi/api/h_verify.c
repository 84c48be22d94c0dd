/* h_verify.c - GET /verify/{reference}: anyone may check that a request is genuine.
 * nginx rate-limits the path; an unknown, malformed or unsent reference gets the same 404
 * as any missing object, so the route tells nothing beyond "a sent request exists". */
#include "api/handlers.h"

#include "flow/verifyref.h"

bgw_err
h_verify(bgw_request *r)
{
	char ref[VERIFYREF_LEN + 1];
	json_t *body;
	bgw_err err;

	if (verifyref_normalise(r->path_params[0], ref) != 0)
		return BGW_E_NOT_FOUND;
	/* A public route gets no transaction from the router; no user is bound, and the
	 * lookup function decides what an anonymous caller sees. */
	if ((err = db_ensure(r->app->db)) != BGW_OK || (err = db_begin(r->app->db, NULL)) != BGW_OK)
		return err;
	r->in_transaction = true;
	if ((err = verifyref_lookup(r->app->db, r->a, ref, &body)) != BGW_OK)
		return err;
	return request_reply_json(r, 200, body);
}
