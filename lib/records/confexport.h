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

/* An export as the API makes it. */
typedef struct confexport_run_in {
	const char *project_id;
	const char *ip;
	const char *format;          /* "csv" or "xml": recorded with the event */
	bool audit_view;             /* the actor is on the audit team (else the client) */
} confexport_run_in;

/* The export use case: load what user_id may export of in's project (confexport_load,
 * every final answer for the audit team, only shared ones for the client) and record the
 * download as audit event project.export ({format, view}) in the caller's transaction:
 * answers are evidence, every view and download of one is logged.  Everything is read
 * before the caller writes a byte, so a database error is still an ordinary error answer.
 * BGW_OK with *out; database errors or BGW_E_NOMEM. */
bgw_err confexport_run(bgw_db *db, bgw_arena *a, const char *user_id,
    const confexport_run_in *in, confexport_set *out);

/* The audit team's work on one confirmation, for the XLSX export and the evidence pack;
 * every field may be NULL. */
typedef struct confexport_work {
	const char *review_result, *review_note;  /* the latest review */
	const char *reconciling;                  /* "kind CUR amount (note); ..." */
	const char *address_check;                /* "method, YYYY-MM-DD" of the valid check */
	const char *alternative_procedures;
} confexport_work;

/* The audit team's work on each confirmation of set (loaded by confexport_load for pid):
 * (*out)[i] belongs to set->list[i].  Only for the audit team's view: reviews and
 * reconciling items are its own.  BGW_E_INTERNAL when the rows do not line up with set
 * (a confirmation created in between cannot happen inside one transaction); database
 * errors, BGW_E_NOMEM. */
bgw_err confexport_load_work(bgw_db *db, bgw_arena *a, const char *pid,
    const confexport_set *set, confexport_work **out);

/* A file name for the download: "confirmations-<pid>.<ext>", with anything but
 * [A-Za-z0-9_-] in pid replaced by '_' (a header-safe, path-safe name).  Arena memory. */
char *confexport_filename(bgw_arena *a, const char *pid, const char *ext);


#endif
