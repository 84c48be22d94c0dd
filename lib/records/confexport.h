/* confexport.h - a project's confirmations loaded for export (lib/records/csv.h, lib/records/xmlio.h).
 *
 * The audit team's export carries every final answer; the client's carries an answer only
 * where the audit team shared it (row-level security agrees); answers waiting for the
 * respondent's approval are nobody's yet and never exported.  Everything is read in a few
 * set-based statements and merged in order, so a project of 10,000 confirmations costs five
 * queries, not 50,000.
 */
#ifndef BGW_CONFEXPORT_H
#define BGW_CONFEXPORT_H

#include <stdbool.h>
#include <stddef.h>

#include "core/arena.h"
#include "store/db.h"
#include "core/err.h"
#include "records/importrow.h"

typedef struct confexport_set {
	export_confirmation *list;  /* in creation order */
	size_t n;
} confexport_set;

/* Load project pid's confirmations as the user bound to the transaction sees them;
 * all_responses: the audit team's view (every final answer), else only shared ones.
 * Everything is arena memory.  Errors from the database or BGW_E_NOMEM. */
bgw_err confexport_load(bgw_db *db, bgw_arena *a, const char *pid, bool all_responses,
    confexport_set *out);

/* A file name for the download: "confirmations-<pid>.<ext>", with anything but
 * [A-Za-z0-9_-] in pid replaced by '_' (a header-safe, path-safe name).  Arena memory. */
char *confexport_filename(bgw_arena *a, const char *pid, const char *ext);


#endif
