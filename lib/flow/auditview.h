/* auditview.h - the audit log as the audit team reads it: one confirmation's history, and
 * a project's whole chain page by page, each event with its hash so a reader can check
 * the chain by hand (audit.h describes how it is computed).
 */
#ifndef BGW_AUDITVIEW_H
#define BGW_AUDITVIEW_H

#include <jansson.h>

#include "core/arena.h"
#include "store/db.h"
#include "core/err.h"

/* The events of confirmation cid in project pid (object_id the confirmation, or one of its
 * answers), oldest first: {items: [{seq, at, actor: {id, name}, action, object_type,
 * object_id, detail, hash}], total}; arena-owned. */
bgw_err auditview_history_json(bgw_db *db, bgw_arena *a, const char *pid, const char *cid,
    json_t **out);

/* One page of project pid's chain, oldest first, with prev_hash too: {items, total}. */
bgw_err auditview_log_json(bgw_db *db, bgw_arena *a, const char *pid, long long page,
    long long per_page, json_t **out);


#endif
