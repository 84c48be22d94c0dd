/* comment.h - the two comment threads of a confirmation.
 *
 * audit_client: the audit team and the client.  audit_respondent: the audit team and the
 * respondent, which the client reads (never writes) while the confirmation is shared with
 * it.  Which threads a side reads and which one it writes is decided here, in one place;
 * row-level security (can_see_comments) is the second wall and agrees.
 */
#ifndef BGW_COMMENT_H
#define BGW_COMMENT_H

#include <jansson.h>
#include <stdbool.h>

#include "core/arena.h"
#include "store/db.h"
#include "core/err.h"
#include "core/kv.h"
#include "auth/policy.h"

#define COMMENT_BODY_MAX 10000
#define COMMENT_THREAD_CLIENT "audit_client"
#define COMMENT_THREAD_RESPONDENT "audit_respondent"

/* May side read thread (shared: the confirmation is shared with the client)? */
bool comment_may_read(enum policy_side side, bool shared, const char *thread);

/* The thread a side writes to when it names `asked` (NULL: not named).  Audit must name
 * one; the client writes audit_client, the respondent audit_respondent.  Returns the thread
 * (a static string); NULL with *err = BGW_E_VALIDATION (audit named none, or an unknown
 * name) or BGW_E_FORBIDDEN (a thread the side may not write). */
const char *comment_write_thread(enum policy_side side, const char *asked, bgw_err *err);

/* The comments of confirmation cid that side may read, oldest first:
 * {items: [{id, thread, body, author: {name, side}, created_at}], total}; arena-owned. */
bgw_err comment_list_json(bgw_db *db, bgw_arena *a, const char *cid, enum policy_side side,
    bool shared, json_t **out);

/* Add a comment by user_id (of side) to thread; *out is the new comment as listed. */
bgw_err comment_add(bgw_db *db, bgw_arena *a, const char *cid, const char *user_id,
    enum policy_side side, const char *thread, const char *body, json_t **out);


/* A comment as a user posts it on confirmation cid of project_id. */
typedef struct comment_post_in {
	const char *project_id, *cid;
	const char *user_id, *ip;   /* who, for the audit log */
	enum policy_side side;
	bool project_completed;
	const char *thread;         /* as named (NULL: none) */
	const char *body;
} comment_post_in;

/* Add the comment to the thread in->side writes (comment_write_thread) and log
 * comment.add with the comment's id and thread (never its text).  *out is the comment as
 * listed.  BGW_E_PROJECT_COMPLETED in a completed project (the audit team keeps reading
 * only); BGW_E_VALIDATION with "thread" in *errors when the audit team names none or an
 * unknown one; BGW_E_FORBIDDEN for a thread the side may not write. */
bgw_err comment_post(bgw_db *db, bgw_arena *a, const comment_post_in *in, json_t **out,
    bgw_kv **errors);

#endif
