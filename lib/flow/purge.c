/* purge.c - the retention purge (purge.h).
 *
 * What a purge leaves (docs/operations.md, "Retention purge"):
 *   - the projects row, scrubbed: name and client name replaced, the first-access code hash
 *     zeroed, status 'purged', purged_at set.  It stays because audit_events.project_id
 *     references it (ON DELETE RESTRICT) and because "this id was destroyed on ..." must
 *     remain answerable;
 *   - the project's audit chain, untouched: the table is append-only by trigger, and its
 *     events hold ids, actions and hashes only (never names, amounts or file content), so the
 *     chain still verifies after the purge and still proves what happened;
 *   - one "project.purged" event in the global chain with the counts destroyed.
 * Everything else of the project goes in one transaction: confirmations (and by cascade
 * their items, address checks, responses, response items, reviews, reconciling items,
 * comments, documents and notifications), project documents with their wrapped file keys,
 * memberships, invitations, notifications and the outbox mail of the project.  The blobs are
 * deleted after the commit: if that fails part way, the remaining blobs are ciphertext whose
 * keys no longer exist (crypto-shredded) and are listed in the log for a retry by hand.
 */
#include "flow/purge.h"

#include <stdlib.h>

#include "core/log.h"
#include "flow/audit.h"

static long long
count_at(const db_rows *res, int c)
{
	return strtoll(db_value(res, 0, c), NULL, 10);
}

/* Purge one project whose retention has passed by now_ts; its blob ids go to *blobs (arena).
 * BGW_OK; BGW_E_NOT_FOUND if it was no longer due (purged meanwhile by another run). */
static bgw_err
purge_rows(bgw_db *db, bgw_arena *a, const char *pid, const char *now_ts, db_rows **blobs)
{
	static const char *const deletes[] = {"ops_purge_documents", "ops_purge_confirmations",
		"ops_purge_notifications", "ops_purge_outbox", "ops_purge_tokens",
		"ops_purge_idempotency", "ops_purge_memberships", "ops_purge_respondent_codes",
		"ops_purge_scrub", NULL};
	const char *lock_params[2] = {pid, now_ts};
	db_rows *res = NULL, *counts = NULL;
	char *detail;
	bgw_err err;

	if ((err = db_begin(db, NULL)) != BGW_OK)
		return err;
	err = db_exec(db, a, "ops_purge_lock", 2, lock_params, &res);
	if (err == BGW_OK && db_nrows(res) != 1)
		err = BGW_E_NOT_FOUND;
	if (err == BGW_OK)
		err = db_exec(db, a, "ops_purge_blobs", 1, &pid, blobs);
	if (err == BGW_OK)
		err = db_exec(db, a, "ops_purge_counts", 1, &pid, &counts);
	for (int i = 0; err == BGW_OK && deletes[i] != NULL; i++)
		err = db_exec(db, a, deletes[i], 1, &pid, NULL);
	if (err == BGW_OK) {
		audit_event ev = {.action = "project.purged", .object_type = "project",
			.object_id = pid};

		detail = bgw_arena_printf(a, "{\"confirmations\":%lld,\"responses\":%lld,"
		    "\"documents\":%lld,\"memberships\":%lld,\"keys_destroyed\":%lld}",
		    count_at(counts, 0), count_at(counts, 1), count_at(counts, 2),
		    count_at(counts, 3), count_at(counts, 2));
		ev.detail_json = detail;
		err = detail == NULL ? BGW_E_NOMEM : audit_append(db, a, &ev, NULL);
	}
	if (err != BGW_OK) {
		db_rollback(db);
		return err;
	}
	return db_commit(db);
}

bgw_err
purge_due(bgw_db *db, bgw_arena *a, const char *now_ts, const char ***ids, int *n)
{
	db_rows *due;
	bgw_err err = db_exec(db, a, "ops_purge_due", 1, &now_ts, &due);

	if (err != BGW_OK)
		return err;
	return (*ids = db_column(a, due, 0, n)) != NULL ? BGW_OK : BGW_E_NOMEM;
}

bgw_err
purge_project(bgw_db *db, bgw_arena *a, blobstore *bs, const char *pid, const char *now_ts,
    purge_result *out)
{
	db_rows *blobs = NULL;
	bgw_err err = purge_rows(db, a, pid, now_ts, &blobs);

	out->blobs_deleted = out->blobs_left = 0;
	if (err != BGW_OK)
		return err;
	for (int b = 0; b < db_nrows(blobs); b++) {
		bgw_err berr = blobstore_delete(bs, db_value(blobs, b, 0));

		if (berr == BGW_OK || berr == BGW_E_NOT_FOUND) {
			out->blobs_deleted++;
		} else {
			bgw_log(BGW_LOG_ERROR, "could not delete blob %s of purged project %s: %s",
			    db_value(blobs, b, 0), pid, bgw_err_message(berr));
			out->blobs_left++;
		}
	}
	return BGW_OK;
}
