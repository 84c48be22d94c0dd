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
	/* No user is bound (a public route): the lookup function decides what an anonymous
	 * caller sees. */
	if ((err = verifyref_lookup(r->app->db, r->a, ref, &body)) != BGW_OK)
		return err;
	return request_reply_json(r, 200, body);
}
