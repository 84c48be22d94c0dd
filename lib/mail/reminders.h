/* reminders.h - a project's reminder schedule: how many days before and after a
 * confirmation's due date the respondent is reminded, and how often after that (the batch
 * job, bgw-notify --once, sends them).  A NULL day count means that reminder is off.
 */
#ifndef BGW_REMINDERS_H
#define BGW_REMINDERS_H

#include <stdbool.h>

#include "core/arena.h"
#include "core/err.h"
#include "core/kv.h"
#include "store/db.h"

#define REMINDERS_DAYS_MAX 365 /* the table's checks say the same */

enum reminders_slot { REMINDERS_BEFORE, REMINDERS_AFTER, REMINDERS_EVERY, REMINDERS_NSLOTS };

/* The slots' names, as the API and the events name them: days_before, days_after,
 * every_days. */
extern const char *const reminders_names[REMINDERS_NSLOTS];

typedef struct reminders_schedule {
	bool on[REMINDERS_NSLOTS];         /* false: that reminder is off (NULL) */
	long long days[REMINDERS_NSLOTS];
} reminders_schedule;

/* What a change does to each slot. */
enum reminders_change { REMINDERS_KEEP, REMINDERS_OFF, REMINDERS_SET };

typedef struct reminders_set_in {
	enum reminders_change change[REMINDERS_NSLOTS];
	long long days[REMINDERS_NSLOTS];  /* for REMINDERS_SET */
	bool invalid[REMINDERS_NSLOTS];    /* the caller could not read a number there */
} reminders_set_in;

/* Project project_id's schedule as the user bound to the transaction sees it.  BGW_OK,
 * BGW_E_NOT_FOUND, database errors. */
bgw_err reminders_get(bgw_db *db, bgw_arena *a, const char *project_id,
    reminders_schedule *out);

/* The change use case: apply in to project project_id's schedule by user_id (from ip) with
 * audit event project.reminders, in the caller's transaction; *out is the new schedule.
 * BGW_E_VALIDATION with the first slot out of range (invalid, or a day count below its
 * minimum, 0, or 1 for every_days which repeats, or above REMINDERS_DAYS_MAX) named in
 * *errors ("out_of_range"), nothing changed; BGW_E_NOT_FOUND; database errors. */
bgw_err reminders_set(bgw_db *db, bgw_arena *a, const char *user_id, const char *ip,
    const char *project_id, const reminders_set_in *in, reminders_schedule *out,
    bgw_kv **errors);

#endif
