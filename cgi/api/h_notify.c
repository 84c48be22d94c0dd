/* h_notify.c - the reminder schedule of a project, and the correction of an undeliverable
 * (未達) addressee followed by a new request to the corrected address. */
#include "api/handlers.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "flow/audit.h"
#include "flow/confflow.h"
#include "flow/confirmation.h"
#include "auth/invite.h"
#include "mail/mailq.h"
#include "flow/project.h"
#include "auth/token.h"

/* Bounds of the schedule (the table's checks say the same). */
#define REMIND_DAYS_MAX 365

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

static json_t *
schedule_json(const db_rows *res)
{
	json_t *o = json_object();

	for (int c = 0; o != NULL && c < 3; c++) {
		static const char *const names[] = {"days_before", "days_after", "every_days"};
		json_t *v = db_isnull(res, 0, c) ? json_null() :
		    json_integer(strtoll(db_value(res, 0, c), NULL, 10));

		if (json_object_set_new(o, names[c], v) != 0) {
			json_decref(o);
			return NULL;
		}
	}
	return o;
}

static bgw_err
reply_schedule(bgw_request *r, const db_rows *res)
{
	json_t *body;

	if (db_nrows(res) != 1)
		return BGW_E_NOT_FOUND;
	body = jsonout_own(r->a, json_pack("{s:o*}", "reminders", schedule_json(res)));
	return body != NULL ? request_reply_json(r, 200, body) : BGW_E_NOMEM;
}

bgw_err
h_reminders_get(bgw_request *r)
{
	db_rows *res;
	bgw_err err = db_exec(r->app->db, r->a, "hnotify_reminders_get", 1,
	    &r->target.project_id, &res);

	return err == BGW_OK ? reply_schedule(r, res) : err;
}

bgw_err
h_reminders_set(bgw_request *r)
{
	static const char *const names[] = {"days_before", "days_after", "every_days"};
	/* every_days repeats: 0 would mean every day forever, so it starts at 1. */
	static const long long mins[] = {0, 0, 1};
	const char *p[7] = {r->target.project_id};
	char num[3][24];
	audit_event ev = {.project_id = r->target.project_id, .actor_id = r->user_id,
		.action = "project.reminders", .object_type = "project",
		.object_id = r->target.project_id, .ip = r->remote_addr};
	db_rows *res;
	bgw_err err;
	int bad = 0;

	for (int i = 0; i < 3; i++) {
		/* Absent: unchanged; null: that reminder off; a number: the new value. */
		const json_t *raw = json_object_get(r->json, names[i]);
		const field_value *v = fields_get(r->fields, reminders_fields, names[i]);

		p[1 + i] = NULL;
		p[4 + i] = raw == NULL ? "keep" : "set";
		if (raw == NULL || json_is_null(raw))
			continue;
		if (v == NULL || !v->present || v->i < mins[i] || v->i > REMIND_DAYS_MAX) {
			if ((err = request_field_error(r, names[i], "out_of_range")) != BGW_OK)
				return err;
			bad = 1;
			continue;
		}
		snprintf(num[i], sizeof(num[i]), "%lld", v->i);
		p[1 + i] = num[i];
	}
	if (bad)
		return BGW_E_VALIDATION;
	if ((err = db_exec(r->app->db, r->a, "hnotify_reminders_set", 7, p, &res)) != BGW_OK)
		return err;
	if (db_nrows(res) != 1)
		return BGW_E_NOT_FOUND;
	if ((err = audit_append(r->app->db, r->a, &ev, NULL)) != BGW_OK)
		return err;
	return reply_schedule(r, res);
}

/* The corrected addressee gets the request as at sending: a known account joins the
 * project, anyone else is invited (a new single-use link). */
static bgw_err
resend(bgw_request *r, const conf_locked *c, const char *email, const char *name,
    const char *version)
{
	bgw_db *db = r->app->db;
	project_facts pf;
	db_rows *res;
	const char *link, *locale = "ja";
	bgw_kv *vars = NULL, **tail = &vars;
	char *verify = bgw_arena_printf(r->a, "%s/verify", r->app->cfg->base_url);
	char *key = bgw_arena_printf(r->a, "confirmation_request:%s:addressee%s", c->id, version);
	bgw_err err;

	if (verify == NULL || key == NULL)
		return BGW_E_NOMEM;
	if ((err = project_facts_get(db, r->a, c->project_id, &pf)) != BGW_OK ||
	    (err = db_exec(db, r->a, "flow_user_by_email", 1, &email, &res)) != BGW_OK)
		return err;
	if (db_nrows(res) == 1) {
		const char *uid = db_value(res, 0, 0);
		const char *p[4] = {c->project_id, uid, c->org_id, r->user_id};

		locale = db_value(res, 0, 1);
		if ((err = db_exec(db, r->a, "flow_membership_insert", 4, p, NULL)) != BGW_OK)
			return err;
		link = bgw_arena_printf(r->a, "%s/confirmations/%s", r->app->cfg->base_url, c->id);
	} else {
		char token[TOKEN_LEN + 1];
		invite_spec spec = {.email = email, .organization_id = c->org_id,
			.project_id = c->project_id, .side = "respondent", .admin = true,
			.created_by = r->user_id};

		if ((err = invite_create(db, r->a, &spec, token)) != BGW_OK)
			return err;
		link = invite_link(r->a, r->app->cfg->base_url, token);
		OPENSSL_cleanse(token, sizeof(token));
	}
	if (link == NULL)
		return BGW_E_NOMEM;
#define SLOT(k, v) \
	if ((err = kv_append(r->a, &tail, k, v, strlen(v))) != BGW_OK) \
		return err
	SLOT("name", name);
	SLOT("firm", pf.firm_name);
	SLOT("client", pf.client_name);
	SLOT("reference", c->reference);
	SLOT("as_of", c->as_of);
	SLOT("due_date", c->due_date);
	SLOT("link", link);
	SLOT("verify_url", verify);
#undef SLOT
	return mailq_send(db, r->a, "confirmation_request", locale, email, key, c->project_id,
	    vars);
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
	    (err = conf_readdress(r->app->db, r->a, &who, cid, &in, &c)) != BGW_OK ||
	    (err = resend(r, &c, in.email, in.name, c.version)) != BGW_OK)
		return err;
	if ((err = conf_get_json(r->app->db, r->a, cid, r->target.facts.side,
	    policy_may_see_response(&r->target.facts), &conf)) != BGW_OK)
		return err;
	body = jsonout_own(r->a, json_pack("{s:O}", "confirmation", conf));
	return body != NULL ? request_reply_json(r, 200, body) : BGW_E_NOMEM;
}
