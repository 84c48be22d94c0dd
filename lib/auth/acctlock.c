/* acctlock.c - lock and unlock from the command line (acctlock.h). */
#include "auth/acctlock.h"

#include "flow/audit.h"

bgw_err
acctlock_set(bgw_db *db, bgw_arena *a, const char *email, bool lock, const char **user_id)
{
	audit_event ev = {.action = lock ? "admin.lock" : "admin.unlock", .object_type = "user"};
	db_rows *res;
	bgw_err err = db_exec(db, a, lock ? "ops_lock" : "ops_unlock", 1, &email, &res);

	if (err != BGW_OK)
		return err;
	if (db_nrows(res) != 1)
		return BGW_E_NOT_FOUND;
	ev.object_id = db_value(res, 0, 0);
	if (user_id != NULL)
		*user_id = ev.object_id;
	/* A locked account loses its sessions at once. */
	if (lock && (err = db_exec(db, a, "ops_drop_sessions", 1, &ev.object_id, NULL)) != BGW_OK)
		return err;
	return audit_append(db, a, &ev, NULL);
}
