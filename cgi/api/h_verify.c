/* h_verify.c - GET /verify/{reference}: anyone may check that a request is genuine, and
 * with ?seal=HEX whether a receipt's seal is the seal of a final answer of that request.
 * nginx rate-limits the path; an unknown, malformed or unsent reference gets the same 404
 * as any missing object, so the route tells nothing beyond "a sent request exists" (and,
 * asked about a seal, "this seal is (not) one of its final answers, sealed on that day"). */
#include "api/handlers.h"

#include "flow/verifyref.h"

bgw_err
h_verify(bgw_request *r)
{
	char ref[VERIFYREF_LEN + 1];
	const char *seal = kv_get(r->query, "seal");
	json_t *body;
	bgw_err err;

	if (verifyref_normalise(r->path_params[0], ref) != 0)
		return BGW_E_NOT_FOUND;
	/* No user is bound (a public route): the lookup function decides what an anonymous
	 * caller sees. */
	if ((err = verifyref_lookup(r->app->db, r->a, ref, &body)) != BGW_OK)
		return err;
	if (seal == NULL)
		return request_reply_json(r, 200, body);
	/* A seal check answers the seal alone: not the firm, the client or the status. */
	err = verifyref_seal(r->app->db, r->a, ref, seal, &body);
	if (err == BGW_E_VALIDATION)
		return request_field_error(r, "seal", "64 hexadecimal digits");
	return err != BGW_OK ? err : request_reply_json(r, 200, body);
}
