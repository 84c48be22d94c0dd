/* purge.h - the retention purge (bgw-admin purge): every project whose retention has passed
 * is destroyed but for its scrubbed row and its audit chain (docs/operations.md,
 * "Retention purge"; the list of what stays and goes is in purge.c).
 *
 * Runs on the owner's connection (config db_owner): the purge deletes rows bgw_app may
 * never delete, and row-level security would hide them from it.
 */
#ifndef BGW_PURGE_H
#define BGW_PURGE_H

#include "core/arena.h"
#include "core/err.h"
#include "files/blobstore.h"
#include "store/db.h"

/* The ids of the projects due for purge at now_ts (a timestamp PostgreSQL reads, or
 * "now"), in *ids (*n of them, arena memory).  BGW_E_VALIDATION-like database errors for a
 * now_ts that is not a timestamp. */
bgw_err purge_due(bgw_db *db, bgw_arena *a, const char *now_ts, const char ***ids, int *n);

/* What one project's purge did. */
typedef struct purge_result {
	int blobs_deleted;   /* deleted now, or already gone */
	int blobs_left;      /* could not be deleted (each logged): crypto-shredded, retry by hand */
} purge_result;

/* Purge project pid if its retention has passed by now_ts: its rows go and the project row
 * is scrubbed, with one project.purged event in the global chain counting what was
 * destroyed, in a transaction of its own (call it outside one: each project commits on its
 * own, so one failure leaves the others purged); then its blobs are deleted from bs.
 * BGW_OK (*out); BGW_E_NOT_FOUND when it was no longer due (another run purged it);
 * database errors (nothing changed). */
bgw_err purge_project(bgw_db *db, bgw_arena *a, blobstore *bs, const char *pid,
    const char *now_ts, purge_result *out);

#endif
