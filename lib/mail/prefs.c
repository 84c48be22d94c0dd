/* prefs.c - notification preferences (prefs.h). */
#include "mail/prefs.h"

#include <string.h>

#include "http/fields.h"

const char *const prefs_digest_values[] = {"daily", "weekly", "off", NULL};

static bool
digest_ok(const char *s)
{
	for (const char *const *v = prefs_digest_values; *v != NULL; v++)
		if (strcmp(*v, s) == 0)
			return true;
	return false;
}

/* Row 0 of a prefs_get / prefs_set answer (digest, overdue_alerts, answer_mail). */
static bgw_err
read_row(db_rows *res, notify_prefs *out)
{
	if (db_nrows(res) != 1)
		return BGW_E_INTERNAL;
	out->digest = db_value(res, 0, 0);
	out->overdue_alerts = db_value(res, 0, 1)[0] == 't';
	out->answer_mail = db_value(res, 0, 2)[0] == 't';
	return BGW_OK;
}

bgw_err
prefs_get(bgw_db *db, bgw_arena *a, const char *user_id, notify_prefs *out)
{
	db_rows *res;
	bgw_err err = db_exec(db, a, "prefs_get", 1, &user_id, &res);

	return err == BGW_OK ? read_row(res, out) : err;
}

static const char *
tristate(int v)
{
	return v < 0 ? NULL : v ? "true" : "false";
}

bgw_err
prefs_set(bgw_db *db, bgw_arena *a, const char *user_id, const prefs_set_in *in,
    notify_prefs *out, bgw_kv **errors)
{
	const char *params[4] = {user_id, in->digest, tristate(in->overdue_alerts),
		tristate(in->answer_mail)};
	db_rows *res;
	bgw_err err;

	if (in->digest != NULL && !digest_ok(in->digest)) {
		err = fields_error(a, errors, "digest", "must be daily, weekly or off");
		return err == BGW_OK ? BGW_E_VALIDATION : err;
	}
	if ((err = db_exec(db, a, "prefs_set", 4, params, &res)) != BGW_OK)
		return err;
	return read_row(res, out);
}
