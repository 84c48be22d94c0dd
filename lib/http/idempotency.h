/* idempotency.h - one answer per (user, Idempotency-Key) for unsafe requests.
 *
 * The key's row is claimed in the request's transaction before the handler runs; the answer
 * is stored in the same transaction.  A retry that comes while the first is still running
 * waits on the row's primary key, then finds the stored answer and replays it.
 */
#ifndef BGW_IDEMPOTENCY_H
#define BGW_IDEMPOTENCY_H

#include <stdbool.h>

#include "core/arena.h"
#include "store/db.h"
#include "core/err.h"

/* An answer is kept and replayed for 24 hours (docs/api.md; IDEM_TTL_S in
 * store/stmt_idempotency.c): after that a request with the same key is new, and the batch
 * job deletes the row (idem_expire). */

typedef struct idem_answer {
	int status;
	const char *content_type;
	const char *body;
	bool withheld;            /* the answer carries a secret: keep only that the key ran */
} idem_answer;

/* Is key a well-formed Idempotency-Key (8..100 of [A-Za-z0-9_.:-])? */
bool idem_key_valid(const char *key);

/* Claim key for this request.  *replay false: the request is new (or its earlier answer
 * expired), run it and call idem_store.  *replay true: *answer is the stored answer to
 * send again.  BGW_E_VALIDATION when the key was used for another method or path;
 * BGW_E_REPLAY_WITHHELD (with *replay true) when it ran but its answer was withheld. */
bgw_err idem_claim(bgw_db *db, bgw_arena *a, const char *user_id, const char *key,
    const char *method, const char *path, bool *replay, idem_answer *answer);

/* Store the answer of the request that claimed key; project_id (or NULL) is the project
 * the request was about, whose purge deletes the row.  A withheld answer stores only its
 * status. */
bgw_err idem_store(bgw_db *db, bgw_arena *a, const char *user_id, const char *key,
    const char *project_id, const idem_answer *answer);

/* Delete the answers that expired by now (timestamptz text); *removed counts them. */
bgw_err idem_expire(bgw_db *db, bgw_arena *a, const char *now, long long *removed);


#endif
