/* throttle.c - failure counters with a window and a lock, in the throttle table so every
 * worker on every host shares them. */
#include "auth/throttle.h"

#include <stdio.h>
#include <stdlib.h>

const throttle_rule THROTTLE_LOGIN_ACCOUNT = {"login_account", 5, 15 * 60, 15 * 60};
const throttle_rule THROTTLE_LOGIN_ADDRESS = {"login_address", 30, 15 * 60, 15 * 60};
const throttle_rule THROTTLE_RESET_ADDRESS = {"reset_address", 10, 60 * 60, 60 * 60};

bgw_err
throttle_check(bgw_db *db, bgw_arena *a, const throttle_rule *rule, const char *key)
{
	const char *p[2] = {rule->bucket, key};
	db_rows *res;
	bgw_err err = db_exec(db, a, "throttle_check", 2, p, &res);

	if (err != BGW_OK)
		return err;
	return db_nrows(res) > 0 ? BGW_E_RATE_LIMITED : BGW_OK;
}

bgw_err
throttle_fail(bgw_db *db, bgw_arena *a, const throttle_rule *rule, const char *key)
{
	char window[16], lock[16];
	const char *p[3] = {rule->bucket, key, window};
	db_rows *res;
	bgw_err err;

	snprintf(window, sizeof(window), "%d", rule->window_s);
	snprintf(lock, sizeof(lock), "%d", rule->lock_s);
	err = db_exec(db, a, "throttle_fail", 3, p, &res);
	if (err != BGW_OK)
		return err;
	if (db_nrows(res) == 1 && db_int(res, 0, 0) >= rule->limit) {
		p[2] = lock;
		err = db_exec(db, a, "throttle_lock", 3, p, NULL);
	}
	return err;
}

bgw_err
throttle_clear(bgw_db *db, bgw_arena *a, const throttle_rule *rule, const char *key)
{
	const char *p[2] = {rule->bucket, key};

	return db_exec(db, a, "throttle_clear", 2, p, NULL);
}
