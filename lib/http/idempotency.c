/* idempotency.c - claim, replay and store answers by Idempotency-Key. */
#include "http/idempotency.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define IDEM_KEY_MIN 8
#define IDEM_KEY_MAX 100

bool
idem_key_valid(const char *key)
{
	size_t n = key != NULL ? strlen(key) : 0;

	if (n < IDEM_KEY_MIN || n > IDEM_KEY_MAX)
		return false;
	return strspn(key, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.:-") == n;
}

bgw_err
idem_claim(bgw_db *db, bgw_arena *a, const char *user_id, const char *key, const char *method,
    const char *path, bool *replay, idem_answer *answer)
{
	const char *p[4] = {user_id, key, method, path};
	db_rows *res;
	bgw_err err = db_exec(db, a, "idem_claim", 4, p, &res);

	*replay = false;
	if (err != BGW_OK)
		return err;
	if (db_nrows(res) == 1)
		return BGW_OK;
	if ((err = db_exec(db, a, "idem_get", 2, p, &res)) != BGW_OK)
		return err;
	if (db_nrows(res) != 1 || strcmp(db_value(res, 0, 0), method) != 0 ||
	    strcmp(db_value(res, 0, 1), path) != 0 || db_isnull(res, 0, 2))
		return BGW_E_VALIDATION;
	*replay = true;
	if (strcmp(db_value(res, 0, 5), "t") == 0)
		return BGW_E_REPLAY_WITHHELD;
	answer->status = atoi(db_value(res, 0, 2));
	answer->content_type = db_isnull(res, 0, 3) ? NULL : db_value(res, 0, 3);
	answer->body = db_isnull(res, 0, 4) ? NULL : db_value(res, 0, 4);
	return BGW_OK;
}

bgw_err
idem_store(bgw_db *db, bgw_arena *a, const char *user_id, const char *key,
    const char *project_id, const idem_answer *answer)
{
	char status[16];
	const char *p[7] = {user_id, key, status, answer->withheld ? NULL : answer->content_type,
		answer->withheld ? NULL : answer->body, project_id, answer->withheld ? "t" : "f"};

	snprintf(status, sizeof(status), "%d", answer->status);
	return db_exec(db, a, "idem_store", 7, p, NULL);
}

bgw_err
idem_expire(bgw_db *db, bgw_arena *a, const char *now, long long *removed)
{
	db_rows *res;
	bgw_err err = db_exec(db, a, "idem_expire", 1, &now, &res);

	*removed = err == BGW_OK ? db_affected(res) : 0;
	return err;
}
