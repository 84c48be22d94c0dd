/* h_notify.c - the reminder schedule of a project (lib/mail/reminders.h), and the correction
 * of an undeliverable (未達) addressee followed by a new request to the corrected address
 * (lib/flow/readdress.h). */
#include "api/handlers.h"

#include <string.h>

#include "flow/confirmation.h"
#include "flow/readdress.h"
#include "mail/reminders.h"

const field_spec reminders_fields[] = {
	{.name = "days_before", .type = FIELD_INT},
	{.name = "days_after", .type = FIELD_INT},
	{.name = "every_days", .type = FIELD_INT},
	{.name = NULL},
};
const field_spec addressee_fields[] = {
	{.name = "email", .type = FIELD_EMAIL, .required = true, .max_len = 254},
	{.name = "name", .type = FIELD_STRING, .required = true, .max_len = 200},
	/* {method, note} as for POST .../address-check: how the audit admin checked the new
	 * address.  Absent: 409 address_not_checked, so that the answer names what is missing
	 * as sending does. */
	{.name = "address_check", .type = FIELD_OBJECT},
	{.name = NULL},
};

static bgw_err
reply_schedule(bgw_request *r, const reminders_schedule *s)
{
	json_t *o = jsonout_own(r->a, json_object()), *body;

	for (int i = 0; o != NULL && i < REMINDERS_NSLOTS; i++)
		if (json_object_set_new(o, reminders_names[i], s->on[i] ?
		    json_integer(s->days[i]) : json_null()) != 0)
			return BGW_E_NOMEM;
	if (o == NULL)
		return BGW_E_NOMEM;
	body = jsonout_own(r->a, json_pack("{s:O}", "reminders", o));
	return body != NULL ? request_reply_json(r, 200, body) : BGW_E_NOMEM;
}

bgw_err
h_reminders_get(bgw_request *r)
{
	reminders_schedule s;
	bgw_err err = reminders_get(r->app->db, r->a, r->target.project_id, &s);

	return err == BGW_OK ? reply_schedule(r, &s) : err;
}

bgw_err
h_reminders_set(bgw_request *r)
{
	reminders_set_in in;
	reminders_schedule s;
	bgw_err err;

	memset(&in, 0, sizeof(in)); /* every slot REMINDERS_KEEP */
	for (int i = 0; i < REMINDERS_NSLOTS; i++) {
		/* Absent: unchanged; null: that reminder off; a number: the new value. */
		const json_t *raw = json_object_get(r->json, reminders_names[i]);
		const field_value *v = fields_get(r->fields, reminders_fields, reminders_names[i]);

		if (raw == NULL)
			continue;
		in.change[i] = json_is_null(raw) ? REMINDERS_OFF : REMINDERS_SET;
		in.invalid[i] = v == NULL || !v->present;
		in.days[i] = in.invalid[i] ? 0 : v->i;
	}
	err = reminders_set(r->app->db, r->a, r->user_id, r->remote_addr, r->target.project_id,
	    &in, &s, &r->field_errors);
	return err == BGW_OK ? reply_schedule(r, &s) : err;
}

/* The check of the new address, from the body's address_check object (absent: NULLs). */
static bgw_err
readdress_check(bgw_request *r, conf_readdress_in *in)
{
	const field_value *chk = fields_get(r->fields, addressee_fields, "address_check");
	field_value *vals;
	bgw_kv *errs = NULL, **tail = &r->field_errors;
	bgw_err err;

	if (chk == NULL || !chk->present)
		return BGW_OK;
	err = fields_from_json(r->a, chk->j, address_check_fields, &vals, &errs);
	if (err == BGW_E_VALIDATION)
		return kv_append_prefixed(r->a, &tail, "address_check.", errs) == BGW_OK ? err :
		    BGW_E_NOMEM;
	if (err != BGW_OK)
		return err;
	in->method = fields_get(vals, address_check_fields, "method")->s;
	in->note = fields_get(vals, address_check_fields, "note")->s;
	return BGW_OK;
}

bgw_err
h_conf_addressee(bgw_request *r)
{
	const char *cid = r->target.confirmation_id;
	conf_readdress_in in = {
		.email = fields_get(r->fields, addressee_fields, "email")->s,
		.name = fields_get(r->fields, addressee_fields, "name")->s,
	};
	conf_actor who = {.user_id = r->user_id, .ip = r->remote_addr};
	conf_locked c;
	json_t *conf, *body;
	bgw_err err = readdress_check(r, &in);

	if (err != BGW_OK ||
	    (err = readdress_run(r->app->db, r->a, &who, cid, &in, r->app->cfg->base_url,
	    &c)) != BGW_OK)
		return err;
	if ((err = conf_get_json(r->app->db, r->a, cid, r->target.facts.side,
	    policy_may_see_response(&r->target.facts), &conf)) != BGW_OK)
		return err;
	body = jsonout_own(r->a, json_pack("{s:O}", "confirmation", conf));
	return body != NULL ? request_reply_json(r, 200, body) : BGW_E_NOMEM;
}
