/* opscount.h - the counts an operator's status shows (bgw-admin status): projects by state,
 * confirmations, answers, documents and their bytes, users, sessions, the outbox, the audit
 * log and the master keys, across every project (the owner's connection, config db_owner:
 * row-level security would hide most of it from bgw_app).
 */
#ifndef BGW_OPSCOUNT_H
#define BGW_OPSCOUNT_H

#include <stddef.h>

#include "core/arena.h"
#include "core/err.h"
#include "store/db.h"

#define OPSCOUNT_MAX 17 /* the lines opscount_read answers at most */

typedef struct opscount_line {
	const char *label;   /* "projects active", ... as a monitor greps them */
	const char *value;   /* a number, or NULL for none (e.g. no master key row yet) */
} opscount_line;

/* Read the counts into lines (OPSCOUNT_MAX entries), *n how many.  Arena memory.  BGW_OK or
 * database errors. */
bgw_err opscount_read(bgw_db *db, bgw_arena *a, opscount_line *lines, size_t *n);

#endif
