/* notify_bounce.c - the batch job's housekeeping: 未達 flags from failed mail, and expired
 * sessions and tokens. */
#include "mail/notify.h"

#include <stdlib.h>

#include "flow/audit.h"
#include "http/idempotency.h"
#include "core/log.h"

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
