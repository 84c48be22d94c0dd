/* h_prefs.c - the signed-in user's notification preferences (lib/mail/prefs.h). */
#include "api/handlers.h"

#include <string.h>

#include "mail/prefs.h"

const field_spec prefs_fields[] = {
	{.name = "digest", .type = FIELD_ENUM, .enum_values = prefs_digest_values},
	{.name = "overdue_alerts", .type = FIELD_BOOL},
	{.name = "answer_mail", .type = FIELD_BOOL},
	{.name = NULL},
};

static bgw_err
reply_prefs(bgw_request *r, const notify_prefs *p)
{
	json_t *body = jsonout_own(r->a, json_pack("{s:{s:s, s:b, s:b}}", "notifications",
	    "digest", p->digest, "overdue_alerts", p->overdue_alerts, "answer_mail",
	    p->answer_mail));

	return body != NULL ? request_reply_json(r, 200, body) : BGW_E_NOMEM;
}

bgw_err
h_prefs_get(bgw_request *r)
{
	notify_prefs p;
	bgw_err err = prefs_get(r->app->db, r->a, r->user_id, &p);

	return err == BGW_OK ? reply_prefs(r, &p) : err;
}

/* A boolean field: -1 when absent (unchanged). */
static int
tristate(const bgw_request *r, const char *name)
{
	const field_value *v = fields_get(r->fields, prefs_fields, name);

	return v == NULL || !v->present ? -1 : v->b;
}

bgw_err
h_prefs_set(bgw_request *r)
{
	const field_value *d = fields_get(r->fields, prefs_fields, "digest");
	prefs_set_in in = {.digest = d != NULL && d->present ? d->s : NULL,
		.overdue_alerts = tristate(r, "overdue_alerts"),
		.answer_mail = tristate(r, "answer_mail")};
	notify_prefs p;
	bgw_err err = prefs_set(r->app->db, r->a, r->user_id, &in, &p, &r->field_errors);

	return err == BGW_OK ? reply_prefs(r, &p) : err;
}
