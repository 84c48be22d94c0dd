/* acctlock.h - an operator locks or unlocks an account by its e-mail from the command line
 * (bgw-admin lock / unlock), on the owner's connection (config db_owner): the account may
 * belong to any organisation, which row-level security would hide from bgw_app.
 */
#ifndef BGW_ACCTLOCK_H
#define BGW_ACCTLOCK_H

#include <stdbool.h>

#include "core/arena.h"
#include "core/err.h"
#include "store/db.h"

/* Lock (lock true) or unlock the account of email, with admin.lock / admin.unlock in the
 * global chain, in the caller's transaction; a locked account loses its sessions at once.
 * *user_id (may be NULL) is the account's id.  BGW_OK; BGW_E_NOT_FOUND when no account has
 * that e-mail; database errors. */
bgw_err acctlock_set(bgw_db *db, bgw_arena *a, const char *email, bool lock,
    const char **user_id);

#endif
