/* notify_bounce.c - the batch job's housekeeping: 未達 flags from failed mail, and expired
 * sessions and tokens. */
#include "mail/notify.h"

#include <stdlib.h>

#include "flow/audit.h"
#include "http/idempotency.h"
#include "core/log.h"
#include "mail/bounce.h"
#include "mail/dsn.h"

bgw_err
notify_mark_undeliverable(bgw_db *db, bgw_arena *a, const char *outbox_id)
{
	db_rows *res;
	bgw_err err;

	if ((err = db_begin(db, NULL)) != BGW_OK)
		return err;
	err = db_exec(db, a, "notify_mark_undeliverable", 1, &outbox_id, &res);
	for (int r = 0; err == BGW_OK && r < db_nrows(res); r++) {
		char *detail = bgw_arena_printf(a, "{\"outbox_id\":\"%s\"}", outbox_id);
		audit_event ev = {.project_id = db_value(res, r, 1), .actor_id = NULL,
			.action = "notify.undeliverable", .object_type = "confirmation",
			.object_id = db_value(res, r, 0), .detail_json = detail};

		err = detail != NULL ? audit_append(db, a, &ev, NULL) : BGW_E_NOMEM;
		if (err == BGW_OK)
			bgw_log(BGW_LOG_WARN, "confirmation %s marked undeliverable", ev.object_id);
	}
	if (err != BGW_OK) {
		db_rollback(db);
		return err;
	}
	return db_commit(db);
}

/* A permanent report about outbox row id: record it and flag its confirmation, with the
 * reason in the event, in one transaction. */
static bgw_err
bounce_permanent(bgw_db *db, bgw_arena *a, const char *id, const dsn_report *r)
{
	const char *reason = bgw_arena_printf(a, "dsn %s: %s", r->status,
	    r->diagnostic != NULL ? r->diagnostic : "no diagnostic");
	const char *params[2] = {id, reason};
	db_rows *res;
	bgw_err err;

	if (reason == NULL)
		return BGW_E_NOMEM;
	if ((err = db_begin(db, NULL)) != BGW_OK)
		return err;
	err = db_exec(db, a, "bounce_mark", 2, params, &res);
	for (int i = 0; err == BGW_OK && i < db_nrows(res); i++) {
		/* id, status and the cleaned diagnostic hold no quote, backslash or control. */
		char *detail = bgw_arena_printf(a, "{\"outbox_id\":\"%s\",\"status\":\"%s\","
		    "\"reason\":\"%s\"}", id, r->status, reason);
		audit_event ev = {.project_id = db_value(res, i, 1), .actor_id = NULL,
			.action = "notify.undeliverable", .object_type = "confirmation",
			.object_id = db_value(res, i, 0), .detail_json = detail};

		err = detail != NULL ? audit_append(db, a, &ev, NULL) : BGW_E_NOMEM;
		if (err == BGW_OK)
			bgw_log(BGW_LOG_WARN, "confirmation %s marked undeliverable by a report (%s)",
			    ev.object_id, r->status);
	}
	if (err != BGW_OK) {
		db_rollback(db);
		return err;
	}
	return db_commit(db);
}

bgw_err
notify_read_bounce(bgw_db *db, bgw_arena *a, const unsigned char *bounce_key,
    const char *msg, size_t len, notify_bounce_outcome *out)
{
	char id[BOUNCE_ID_LEN + 1];
	const char *idp = id;
	dsn_report r;
	db_rows *res;
	bgw_err err = dsn_parse(a, msg, len, &r);

	*out = NOTIFY_BOUNCE_NOT_REPORT;
	if (err == BGW_E_VALIDATION || err == BGW_E_TOO_LARGE)
		return BGW_OK;
	if (err != BGW_OK)
		return err;
	err = bounce_match(bounce_key, r.to, id);
	if (err == BGW_E_NOT_FOUND || err == BGW_E_FORBIDDEN) {
		*out = err == BGW_E_FORBIDDEN ? NOTIFY_BOUNCE_FORGED : NOTIFY_BOUNCE_UNMATCHED;
		if (err == BGW_E_FORBIDDEN)
			bgw_log(BGW_LOG_WARN, "a delivery report with a forged return path was ignored");
		return BGW_OK;
	}
	if (err != BGW_OK)
		return err;
	if (r.cls == DSN_NONE) {
		*out = NOTIFY_BOUNCE_DELIVERED;
		return BGW_OK;
	}
	if (r.cls == DSN_PERMANENT) {
		*out = NOTIFY_BOUNCE_PERMANENT;
		return bounce_permanent(db, a, id, &r);
	}
	if ((err = db_exec(db, a, "bounce_count_transient", 1, &idp, &res)) != BGW_OK)
		return err;
	*out = db_nrows(res) == 1 ? NOTIFY_BOUNCE_TRANSIENT : NOTIFY_BOUNCE_UNMATCHED;
	return BGW_OK;
}

bgw_err
notify_clean(notify_run *run, long long *removed)
{
	db_rows *res;
	long long answers = 0;
	bgw_err err = db_exec(run->db, run->a, "notify_clean", 1, (const char *[]){run->now},
	    &res);

	*removed = err == BGW_OK ? db_int(res, 0, 0) : 0;
	/* Idempotency answers are kept 24 hours (docs/api.md), then go. */
	if (err == BGW_OK && (err = idem_expire(run->db, run->a, run->now, &answers)) == BGW_OK)
		*removed += answers;
	bgw_arena_reset(run->a);
	return err;
}
