/* prefs.h - a user's notification preferences (issue 22): the status digest (daily,
 * weekly, off), overdue alerts (on, off), a mail on each answer (on, off).
 *
 * A user who never chose has the defaults, which are what the product did before there was
 * a choice: digest daily, overdue alerts on, no mail per answer.  The batch job reads them
 * in SQL (batch_due, db/migrations/0041_notification_prefs.sql).
 */
#ifndef BGW_PREFS_H
#define BGW_PREFS_H

#include <stdbool.h>

#include "core/arena.h"
#include "core/err.h"
#include "core/kv.h"
#include "store/db.h"

/* The digest values, as the API and the form spell them; ends with NULL. */
extern const char *const prefs_digest_values[];

typedef struct notify_prefs {
	const char *digest;   /* one of prefs_digest_values */
	bool overdue_alerts;
	bool answer_mail;
} notify_prefs;

/* A change: NULL / -1 leave a preference as it is. */
typedef struct prefs_set_in {
	const char *digest;   /* one of prefs_digest_values, or NULL */
	int overdue_alerts;   /* 0, 1, or -1 */
	int answer_mail;      /* 0, 1, or -1 */
} prefs_set_in;

/* The preferences of user_id (the signed-in user: row-level security shows no other) into
 * *out, strings in a.  Database errors. */
bgw_err prefs_get(bgw_db *db, bgw_arena *a, const char *user_id, notify_prefs *out);

/* Change the preferences of user_id as in says and return them all in *out.  In the
 * caller's transaction.  BGW_E_VALIDATION (*errors names "digest") for a digest that is
 * not one of prefs_digest_values; database errors. */
bgw_err prefs_set(bgw_db *db, bgw_arena *a, const char *user_id, const prefs_set_in *in,
    notify_prefs *out, bgw_kv **errors);

#endif
