/* confview.h - every view of an answer is recorded (docs/design.md: the audit log records every
 * view of a response), wherever it is shown: the confirmation's JSON, its page, the receipt.
 */
#ifndef BGW_CONFVIEW_H
#define BGW_CONFVIEW_H

#include <jansson.h>

#include "core/arena.h"
#include "store/db.h"
#include "core/err.h"

/* Who looked, at what. */
typedef struct confview_who {
	const char *project_id;
	const char *user_id;
	const char *ip;              /* NULL or textual */
	const char *confirmation_id;
} confview_who;

/* conf is what the user is about to be shown (conf_get_json's object).  When it holds a
 * final answer, append one response.view event with the version shown, in the caller's
 * transaction; else nothing.  Whatever the confirmation's state (an answer asked again
 * still shows the earlier version) and the project's (the audit team keeps reading a
 * completed project, and those reads are recorded too).  Errors as audit_append. */
bgw_err confview_record_answer(bgw_db *db, bgw_arena *a, const confview_who *who,
    const json_t *conf);

/* The answer to item item_id in response (conf_get_json's "response": the member of its
 * "items" whose item_id matches), or NULL: for every place that shows an answer item by
 * item (the receipt page, the receipt PDF). */
const json_t *confview_answer_item(const json_t *response, const char *item_id);

#endif
