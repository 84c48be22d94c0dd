/* rekey.h - master key rotation (bgw-admin rotate-master-key): a new master key version
 * becomes active and every document's file key and every user's MFA secret is re-wrapped
 * under it (lib/crypto/masterkey.h has the files' layout).
 *
 * Runs on the owner's connection (config db_owner): it rewrites wrapped keys bgw_app may
 * never update.  Each step commits on its own, so an interrupted rotation is taken up again
 * by a run with rewrap_only.
 */
#ifndef BGW_REKEY_H
#define BGW_REKEY_H

#include <stdbool.h>

#include "core/arena.h"
#include "core/err.h"
#include "crypto/masterkey.h"
#include "store/db.h"

/* The version to make active, in *version: a key file newer than every master_keys row is
 * an earlier rotation interrupted before its row was written, and is used again rather
 * than left as an orphan (so is the newest file with rewrap_only); otherwise a new key file
 * is written beside key_file (masterkey_create_next).  masterkey's and database errors. */
bgw_err rekey_next_version(bgw_db *db, bgw_arena *a, const char *key_file, bool rewrap_only,
    int *version);

/* Record version as the active master key (the older ones retired), in a transaction of
 * its own: the row first, so a reloaded worker wraps new files with the new key while the
 * existing ones are re-wrapped. */
bgw_err rekey_activate(bgw_db *db, bgw_arena *a, int version);

/* Re-wrap every document key, then every MFA secret, not yet under version (whose key ks
 * must hold), a batch per transaction; *docs and *users count what was re-wrapped (also on
 * failure).  A row that does not open stops the run (BGW_E_INTERNAL, logged): looping past
 * it would hide a damaged key.  The arena is reset between batches. */
bgw_err rekey_rewrap(bgw_db *db, bgw_arena *a, const masterkeys *ks, int version,
    long long *docs, long long *users);

/* The rotation on record: master_key.rotated in the global chain with the counts, in a
 * transaction of its own. */
bgw_err rekey_record(bgw_db *db, bgw_arena *a, int version, long long docs, long long users);

#endif
