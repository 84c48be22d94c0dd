/* h_health.c - GET /healthz: are PostgreSQL and clamd reachable right now. */
#include "api/handlers.h"

#include "files/scan.h"

bgw_err
h_health(bgw_request *r)
{
	bgw_err db = db_ensure(r->app->db);
	bgw_err scan;
	json_t *body;
	bgw_err err;

	if (db == BGW_OK)
		db = db_exec(r->app->db, r->a, "health_ping", 0, NULL, NULL);
	scan = scan_ping(r->app->cfg->clamd_socket);
	body = json_pack("{s:s, s:s}", "db", db == BGW_OK ? "ok" : "unavailable",
	    "scanner", scan == BGW_OK ? "ok" : "unavailable");
	if (body == NULL)
		return BGW_E_NOMEM;
	err = request_reply_json(r, db == BGW_OK && scan == BGW_OK ? 200 : 503, body);
	json_decref(body);
	return err;
}
