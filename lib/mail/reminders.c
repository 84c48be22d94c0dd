/* reminders.c - a project's reminder schedule (reminders.h). */
#include "mail/reminders.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "flow/audit.h"

const char *const reminders_names[REMINDERS_NSLOTS] = {"days_before", "days_after",
	"every_days"};

/* every_days repeats: 0 would mean every day forever, so it starts at 1. */
static const long long slot_min[REMINDERS_NSLOTS] = {0, 0, 1};

static bgw_err
schedule_of(const db_rows *res, reminders_schedule *out)
{
	if (db_nrows(res) != 1)
		return BGW_E_NOT_FOUND;
	for (int i = 0; i < REMINDERS_NSLOTS; i++) {
		out->on[i] = !db_isnull(res, 0, i);
		out->days[i] = out->on[i] ? strtoll(db_value(res, 0, i), NULL, 10) : 0;
	}
	return BGW_OK;
}

bgw_err
reminders_get(bgw_db *db, bgw_arena *a, const char *project_id, reminders_schedule *out)
{
	db_rows *res;
	bgw_err err = db_exec(db, a, "hnotify_reminders_get", 1, &project_id, &res);

	return err == BGW_OK ? schedule_of(res, out) : err;
}

static bgw_err
check(bgw_arena *a, const reminders_set_in *in, bgw_kv **errors)
{
	bgw_kv **tail = errors;

	while (*tail != NULL)
		tail = &(*tail)->next;
	for (int i = 0; i < REMINDERS_NSLOTS; i++) {
		if (in->change[i] != REMINDERS_SET)
			continue;
		if (!in->invalid[i] && in->days[i] >= slot_min[i] &&
		    in->days[i] <= REMINDERS_DAYS_MAX)
			continue;
		/* The first bad slot is named, as the API has always answered. */
		return kv_append(a, &tail, reminders_names[i], "out_of_range",
		    strlen("out_of_range")) == BGW_OK ? BGW_E_VALIDATION : BGW_E_NOMEM;
	}
	return BGW_OK;
}

bgw_err
reminders_set(bgw_db *db, bgw_arena *a, const char *user_id, const char *ip,
    const char *project_id, const reminders_set_in *in, reminders_schedule *out,
    bgw_kv **errors)
{
	const char *p[1 + 2 * REMINDERS_NSLOTS] = {project_id};
	char num[REMINDERS_NSLOTS][24];
	audit_event ev = {.project_id = project_id, .actor_id = user_id,
		.action = "project.reminders", .object_type = "project", .object_id = project_id,
		.ip = ip};
	db_rows *res;
	bgw_err err;

	if ((err = check(a, in, errors)) != BGW_OK)
		return err;
	for (int i = 0; i < REMINDERS_NSLOTS; i++) {
		/* $2..$4: the new value (NULL: off); $5..$7: 'keep' leaves a column as it is. */
		p[1 + i] = NULL;
		p[1 + REMINDERS_NSLOTS + i] = in->change[i] == REMINDERS_KEEP ? "keep" : "set";
		if (in->change[i] == REMINDERS_SET) {
			snprintf(num[i], sizeof(num[i]), "%lld", in->days[i]);
			p[1 + i] = num[i];
		}
	}
	if ((err = db_exec(db, a, "hnotify_reminders_set", 7, p, &res)) != BGW_OK ||
	    (err = schedule_of(res, out)) != BGW_OK)
		return err;
	return audit_append(db, a, &ev, NULL);
}
