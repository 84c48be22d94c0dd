/* directory.h - the operators' directory: the audit firms and every user, with no project
 * or confirmation content (operators see none; the policy layer hides it from them).
 */
#ifndef BGW_DIRECTORY_H
#define BGW_DIRECTORY_H

#include <jansson.h>

#include "core/arena.h"
#include "core/err.h"
#include "store/db.h"

/* The live audit firms by name with their live users' count, as the API lists them:
 * {"items": [{"id", "name", "users"}], "total"}.  *out is owned by the arena.  Database
 * errors, BGW_E_NOMEM. */
bgw_err directory_firms_json(bgw_db *db, bgw_arena *a, json_t **out);

/* Every live user by organisation name and e-mail: {"items": [{"id", "email", "name",
 * "organization": {"id", "name", "kind"}, "mfa", "locked"}], "total"}.  *out is owned by
 * the arena.  Database errors, BGW_E_NOMEM. */
bgw_err directory_users_json(bgw_db *db, bgw_arena *a, json_t **out);

#endif
