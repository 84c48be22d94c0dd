/* h_health.c - GET /healthz: are PostgreSQL and clamd reachable right now, and how old are
 * clamd's signatures.  Stale signatures do not make it 503 (uploads are still scanned, with
 * what clamd has); the BgwClamdSignaturesStale alert and "signatures": "stale" say it. */
#include "api/handlers.h"

#include "files/scan.h"

/* "current" | "stale" | "offline" (no official database: the test stack) | "unavailable";
 * *age_s is -1 when unknown. */
static const char *
signatures_state(const char *clamd_socket, json_int_t *age_s)
{
	time_t built;

	*age_s = -1;
	if (scan_signature_time(clamd_socket, &built) != BGW_OK)
		return "unavailable";
	if (built == 0)
		return "offline";
	*age_s = time(NULL) > built ? (json_int_t)(time(NULL) - built) : 0;
	return *age_s > SCAN_SIGNATURES_STALE_S ? "stale" : "current";
}

bgw_err
h_health(bgw_request *r)
{
	bgw_err db = db_ensure(r->app->db);
	bgw_err scan;
	const char *sigs;
	json_int_t age_s;
	json_t *body;
	bgw_err err;

	if (db == BGW_OK)
		db = db_exec(r->app->db, r->a, "health_ping", 0, NULL, NULL);
	scan = scan_ping(r->app->cfg->clamd_socket);
	age_s = -1;
	sigs = "unavailable";
	if (scan == BGW_OK)
		sigs = signatures_state(r->app->cfg->clamd_socket, &age_s);
	body = json_pack("{s:s, s:s, s:s, s:o}", "db", db == BGW_OK ? "ok" : "unavailable",
	    "scanner", scan == BGW_OK ? "ok" : "unavailable", "signatures", sigs,
	    "signature_age_s", age_s >= 0 ? json_integer(age_s) : json_null());
	if (body == NULL)
		return BGW_E_NOMEM;
	err = request_reply_json(r, db == BGW_OK && scan == BGW_OK ? 200 : 503, body);
	json_decref(body);
	return err;
}
