/* mailq.h - render a mail template and put it in the outbox, in one call. */
#ifndef BGW_MAILQ_H
#define BGW_MAILQ_H

#include "core/arena.h"
#include "store/db.h"
#include "core/err.h"
#include "core/kv.h"

/* Render template (ja or en) with vars and queue it to `to` under natural_key (a second
 * message with the same key is dropped: exactly once).  Runs in the caller's transaction, so
 * the mail leaves only if the change that caused it commits. */
bgw_err mailq_send(bgw_db *db, bgw_arena *a, const char *template_name, const char *locale,
    const char *to, const char *natural_key, const char *project_id, const bgw_kv *vars);

#endif
