/* idempotency.c - claim, replay and store answers by Idempotency-Key. */
#include "http/idempotency.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define IDEM_KEY_MIN 8
#define IDEM_KEY_MAX 100
/* IDEM_TTL_S as SQL text, for the statements. */
#define IDEM_STR(x) #x
#define IDEM_XSTR(x) IDEM_STR(x)
#define IDEM_TTL_SQL IDEM_XSTR(IDEM_TTL_S)

const db_stmt stmt_idempotency[] = {
	/* Waits for a concurrent claim of the same key to commit or roll back.  A key whose
	 * reply has expired is claimed anew, as if it had never been used. */
	{"idem_claim",
	    "INSERT INTO idempotency_keys AS k (user_id, key, method, path) "
	    "VALUES ($1, $2, $3, $4) "
	    "ON CONFLICT (user_id, key) DO UPDATE SET method = excluded.method, "
	    "path = excluded.path, status = NULL, content_type = NULL, body = NULL, "
	    "project_id = NULL, withheld = false, created_at = now() "
	    "WHERE k.created_at <= now() - make_interval(secs => " IDEM_TTL_SQL ") "
	    "RETURNING key", 4},
	{"idem_get",
	    "SELECT method, path, status, content_type, body, withheld FROM idempotency_keys "
	    "WHERE user_id = $1 AND key = $2", 2},
	/* $6: the project the request was about, or NULL; $7: withhold the answer. */
	{"idem_store",
	    "UPDATE idempotency_keys SET status = $3::int, content_type = $4, body = $5, "
	    "project_id = $6, withheld = $7::boolean "
	    "WHERE user_id = $1 AND key = $2", 7},
	/* A clock set ahead for a test (bgw-notify --now) deletes nothing early. */
	{"idem_expire",
	    "DELETE FROM idempotency_keys "
	    "WHERE created_at <= least($1::timestamptz, now()) "
	    "- make_interval(secs => " IDEM_TTL_SQL ")", 1},
	{NULL, NULL, 0},
};

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
	PGresult *res;
	bgw_err err = db_exec(db, a, "idem_claim", 4, p, &res);

	*replay = false;
	if (err != BGW_OK)
		return err;
	if (PQntuples(res) == 1)
		return BGW_OK;
	if ((err = db_exec(db, a, "idem_get", 2, p, &res)) != BGW_OK)
		return err;
	if (PQntuples(res) != 1 || strcmp(db_value(res, 0, 0), method) != 0 ||
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
	PGresult *res;
	bgw_err err = db_exec(db, a, "idem_expire", 1, &now, &res);

	*removed = err == BGW_OK ? strtoll(PQcmdTuples(res), NULL, 10) : 0;
	return err;
}
