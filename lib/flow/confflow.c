/* confflow.c - transitions, sending, answers and their seals. */
#include "flow/confflow.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "files/document.h"
#include "flow/certified.h"
#include "flow/confirmation.h"
#include "flow/confview.h"
#include "http/jsonout.h"
#include "http/fields.h"
#include "auth/invite.h"
#include "mail/mailq.h"
#include "core/money.h"
#include "auth/token.h"

#define RESPONSE_CANON_VERSION "bgw-response-v1"

bgw_err
conf_lock(bgw_db *db, bgw_arena *a, const char *id, conf_locked *out)
{
	db_rows *res;
	bgw_err err = db_exec(db, a, "flow_lock", 1, &id, &res);

	if (err != BGW_OK)
		return err;
	if (db_nrows(res) != 1)
		return BGW_E_NOT_FOUND;
	out->id = db_value(res, 0, 0);
	out->project_id = db_value(res, 0, 1);
	out->reference = db_value(res, 0, 2);
	out->type = db_value(res, 0, 3);
	out->form = db_value(res, 0, 4);
	out->org_id = db_value(res, 0, 5);
	out->email = db_value(res, 0, 6);
	out->name = db_value(res, 0, 7);
	out->as_of = db_value(res, 0, 8);
	out->due_date = db_value(res, 0, 9);
	out->version = db_value(res, 0, 11);
	out->locale = db_value(res, 0, 12);
	if (!wf_state_from_string(db_value(res, 0, 10), &out->status))
		return BGW_E_INTERNAL;
	return BGW_OK;
}

static bgw_err
log_event(bgw_db *db, bgw_arena *a, const conf_actor *who, const conf_locked *c,
    const char *action, const char *otype, const char *oid, const char *detail, char *hash_hex)
{
	audit_event ev = {.project_id = c->project_id, .actor_id = who->user_id, .action = action,
		.object_type = otype, .object_id = oid, .ip = who->ip, .detail_json = detail};

	return audit_append(db, a, &ev, hash_hex);
}

/* Move c to the state act leads to, and record it (detail: from and to, never reasons or
 * amounts: the log outlives the content). */
static bgw_err
apply(bgw_db *db, bgw_arena *a, const conf_actor *who, conf_locked *c, enum wf_action act,
    const char *reason, const char *alternative)
{
	enum wf_state to;
	const char *p[5];
	char *action, *detail;
	db_rows *res;
	bgw_err err = workflow_next(c->status, act, &to);

	if (err != BGW_OK)
		return err;
	p[0] = c->id;
	p[1] = wf_state_name(to);
	p[2] = reason;
	p[3] = alternative;
	p[4] = c->version;
	if ((err = db_exec(db, a, "flow_set_status", 5, p, &res)) != BGW_OK)
		return err;
	if (db_nrows(res) != 1)
		return BGW_E_INVALID_STATE; /* changed under us: the lock makes this a bug */
	action = bgw_arena_printf(a, "conf.%s", wf_action_name(act));
	detail = bgw_arena_printf(a, "{\"from\":\"%s\",\"to\":\"%s\"}", wf_state_name(c->status),
	    wf_state_name(to));
	if (action == NULL || detail == NULL)
		return BGW_E_NOMEM;
	err = log_event(db, a, who, c, action, "confirmation", c->id, detail, NULL);
	if (err == BGW_OK) {
		c->status = to;
		c->version = bgw_arena_printf(a, "%d", atoi(c->version) + 1);
		if (c->version == NULL)
			err = BGW_E_NOMEM;
	}
	return err;
}

bgw_err
conf_transition(bgw_db *db, bgw_arena *a, const conf_actor *who, const char *id,
    enum wf_action act, const char *reason, const char *alternative)
{
	conf_locked c;
	bgw_err err = act == WF_DECLINE ? conf_open(db, a, who, id) : BGW_OK;

	if (err == BGW_OK)
		err = conf_lock(db, a, id, &c);
	return err == BGW_OK ? apply(db, a, who, &c, act, reason, alternative) : err;
}

/* --- drafts and looks -------------------------------------------------------------------- */

static bgw_err
log_conf(bgw_db *db, bgw_arena *a, const conf_actor *who, const char *project_id,
    const char *action, const char *id)
{
	audit_event ev = {.project_id = project_id, .actor_id = who->user_id, .action = action,
		.object_type = "confirmation", .object_id = id, .ip = who->ip};

	return audit_append(db, a, &ev, NULL);
}

bgw_err
conf_draft_create(bgw_db *db, bgw_arena *a, const conf_actor *who, const char *project_id,
    const json_t *body, const char **id, bgw_kv **errors)
{
	conf_input in;
	bgw_err err = confinput_from_json(a, body, false, NULL, &in, errors);

	if (err == BGW_OK)
		err = conf_create(db, a, project_id, who->user_id, &in, id);
	return err == BGW_OK ? log_conf(db, a, who, project_id, "conf.create", *id) : err;
}

bgw_err
conf_draft_edit(bgw_db *db, bgw_arena *a, const conf_actor *who, const conf_edit_in *in,
    bgw_kv **errors)
{
	const char *form;
	conf_input ci;
	bool respondent_half;
	bgw_err err = conf_form(db, a, in->id, &form);

	*errors = NULL;
	if (err == BGW_OK)
		err = confinput_from_json(a, in->body, true, form, &ci, errors);
	if (err != BGW_OK)
		return err;
	if (strcmp(in->status, "draft") != 0)
		return BGW_E_INVALID_STATE;
	err = conf_update(db, a, in->id, in->project_id, &ci, in->side, who);
	/* The rules only the stored row can check (conf_update): the respondent's organisation
	 * and e-mail change together; the due date stays after the as-of date. */
	respondent_half = ci.email == NULL || ci.org_name == NULL;
	if (err == BGW_E_VALIDATION)
		return fields_error(a, errors, respondent_half ? "respondent" : "due_date",
		    respondent_half ? "organization and email change together" :
		    "before the as-of date");
	return err == BGW_OK ? log_conf(db, a, who, in->project_id, "conf.edit", in->id) : err;
}

bgw_err
conf_view(bgw_db *db, bgw_arena *a, const conf_actor *who, const conf_view_in *in,
    json_t **out)
{
	bgw_err err;

	/* The respondent's first look opens the request (sent -> opened). */
	if (in->side == SIDE_RESPONDENT && !in->project_completed &&
	    (err = conf_open(db, a, who, in->id)) != BGW_OK)
		return err;
	if ((err = conf_get_json(db, a, in->id, in->side, in->with_response, out)) != BGW_OK)
		return err;
	/* Every view of an answer is recorded: decided by what is shown (an earlier version
	 * after "ask again" too), also in a completed project (confview.h). */
	return confview_record_answer(db, a, &(confview_who){.project_id = in->project_id,
	    .user_id = who->user_id, .ip = who->ip, .confirmation_id = in->id}, *out);
}

/* The receipt's copy of the confirmation: what it asked, not its workflow state. */
static const char *const receipt_keys[] = {"id", "reference", "type", "form", "as_of",
	"respondent", "items"};

bgw_err
conf_receipt(bgw_db *db, bgw_arena *a, const conf_actor *who, const conf_receipt_in *in,
    json_t **out)
{
	/* Read as in a completed project: the receipt shows a final answer only, so it never
	 * opens a request. */
	conf_view_in view = {.project_id = in->project_id, .id = in->id, .side = in->side,
		.project_completed = true, .with_response = true};
	json_t *c, *response, *conf;
	bgw_err err = conf_view(db, a, who, &view, &c);

	if (err != BGW_OK)
		return err;
	response = json_object_get(c, "response");
	if (response == NULL || !json_is_true(json_object_get(response, "final")))
		return BGW_E_INVALID_STATE;
	if ((conf = jsonout_own(a, json_object())) == NULL)
		return BGW_E_NOMEM;
	for (size_t i = 0; i < sizeof(receipt_keys) / sizeof(*receipt_keys); i++)
		if (json_object_set(conf, receipt_keys[i], json_object_get(c, receipt_keys[i])) != 0)
			return BGW_E_NOMEM;
	*out = jsonout_own(a, json_pack("{s:O, s:O}", "confirmation", conf, "response", response));
	return *out != NULL ? BGW_OK : BGW_E_NOMEM;
}

/* Insert the check of what c is addressed to now, lock the respondent, log it. */
static bgw_err
record_check(bgw_db *db, bgw_arena *a, const conf_actor *who, const conf_locked *c,
    const char *method, const char *note)
{
	const char *p[4] = {c->id, method, note, who->user_id};
	db_rows *res;
	char *detail;
	bgw_err err;

	if ((err = db_exec(db, a, "flow_address_check_insert", 4, p, &res)) != BGW_OK ||
	    (err = db_exec(db, a, "flow_respondent_lock", 1, &c->id, NULL)) != BGW_OK)
		return err;
	if (db_nrows(res) != 1)
		return BGW_E_NOT_FOUND;
	detail = bgw_arena_printf(a, "{\"check\":\"%s\",\"version\":%s}", db_value(res, 0, 0),
	    c->version);
	if (detail == NULL)
		return BGW_E_NOMEM;
	return log_event(db, a, who, c, "conf.address_check", "confirmation", c->id, detail, NULL);
}

bgw_err
conf_address_check(bgw_db *db, bgw_arena *a, const conf_actor *who, const char *id,
    const char *method, const char *note)
{
	conf_locked c;
	bgw_err err = conf_lock(db, a, id, &c);

	if (err != BGW_OK)
		return err;
	if (!workflow_allowed(c.status, WF_ADDRESS_CHECK))
		return BGW_E_INVALID_STATE;
	return record_check(db, a, who, &c, method, note);
}

bgw_err
conf_readdress(bgw_db *db, bgw_arena *a, const conf_actor *who, const char *id,
    const conf_readdress_in *in, conf_locked *out)
{
	const char *p[4];
	db_rows *res;
	bgw_err err = conf_lock(db, a, id, out);

	if (err != BGW_OK)
		return err;
	/* Only a request that was sent and bounced: anything else is corrected by editing the
	 * draft, or is past the point where the address matters. */
	if (out->status != WF_SENT && out->status != WF_OPENED)
		return BGW_E_INVALID_STATE;
	if (in->method == NULL || in->note == NULL)
		return BGW_E_ADDRESS_NOT_CHECKED;
	p[0] = id;
	p[1] = in->email;
	p[2] = in->name;
	p[3] = out->version;
	if ((err = db_exec(db, a, "flow_addressee_set", 4, p, &res)) != BGW_OK)
		return err;
	if (db_nrows(res) != 1)
		return BGW_E_INVALID_STATE; /* not undeliverable: nothing to correct */
	out->email = in->email;
	out->name = in->name;
	out->version = db_value(res, 0, 0);
	if ((err = conf_address_checks_void(db, a, who, out->project_id, id, "readdressed")) !=
	    BGW_OK ||
	    (err = log_event(db, a, who, out, "conf.addressee", "confirmation", id, NULL, NULL)) !=
	    BGW_OK)
		return err;
	return record_check(db, a, who, out, in->method, in->note);
}

bgw_err
conf_address_checks_void(bgw_db *db, bgw_arena *a, const conf_actor *who,
    const char *project_id, const char *id, const char *reason)
{
	const char *p[2] = {id, reason};
	audit_event ev = {.project_id = project_id, .actor_id = who->user_id,
		.action = "conf.address_check_void", .object_type = "confirmation", .object_id = id,
		.ip = who->ip};
	db_rows *res;
	bgw_err err = db_exec(db, a, "flow_address_checks_void", 2, p, &res);

	if (err != BGW_OK || db_nrows(res) == 0)
		return err;
	/* reason is one of the table's check values: a literal of ours, never user text. */
	ev.detail_json = bgw_arena_printf(a, "{\"reason\":\"%s\",\"checks\":%d}", reason,
	    db_nrows(res));
	if (ev.detail_json == NULL)
		return BGW_E_NOMEM;
	return audit_append(db, a, &ev, NULL);
}

static bgw_err
kv(bgw_arena *a, bgw_kv ***tail, const char *k, const char *v)
{
	return kv_append(a, tail, k, v != NULL ? v : "", v != NULL ? strlen(v) : 0);
}

/* Mail the addressee the request (kind "confirmation_request" or "reminder") with link. */
static bgw_err
mail_addressee(bgw_db *db, bgw_arena *a, const conf_locked *c, const conf_mailer *m,
    const char *kind, const char *link, const char *locale, const char *natural_key)
{
	bgw_kv *vars = NULL, **tail = &vars;
	char *verify = bgw_arena_printf(a, "%s/verify", m->base_url);
	bgw_err err;

	if (verify == NULL)
		return BGW_E_NOMEM;
	if ((err = kv(a, &tail, "name", c->name)) != BGW_OK ||
	    (err = kv(a, &tail, "firm", m->firm_name)) != BGW_OK ||
	    (err = kv(a, &tail, "client", m->client_name)) != BGW_OK ||
	    (err = kv(a, &tail, "reference", c->reference)) != BGW_OK ||
	    (err = kv(a, &tail, "as_of", c->as_of)) != BGW_OK ||
	    (err = kv(a, &tail, "due_date", c->due_date)) != BGW_OK ||
	    (err = kv(a, &tail, "link", link)) != BGW_OK ||
	    (err = kv(a, &tail, "verify_url", verify)) != BGW_OK)
		return err;
	return mailq_send(db, a, kind, locale, c->email, natural_key, c->project_id, vars);
}

bgw_err
conf_mailer_load(bgw_db *db, bgw_arena *a, const char *project_id, const char *base_url,
    conf_mailer *out)
{
	project_facts pf;
	bgw_err err = project_facts_get(db, a, project_id, &pf);

	if (err != BGW_OK)
		return err;
	out->base_url = base_url;
	out->firm_name = pf.firm_name;
	out->client_name = pf.client_name;
	return BGW_OK;
}

bgw_err
conf_send_with_code(bgw_db *db, bgw_arena *a, const conf_actor *who, const char *id,
    const conf_mailer *m, const char *channel, conf_code *code, bgw_kv **errors)
{
	bgw_err err = conf_send(db, a, who, id, m);
	bool certified = false;

	*errors = NULL;
	/* A certified respondent's desk was verified by the operator: no code (certified.h). */
	if (err == BGW_OK && (err = certified_code_waive(db, a, id, &certified)) == BGW_OK &&
	    certified) {
		*code = (conf_code){.issued = false};
		return BGW_OK;
	}
	if (err == BGW_OK)
		err = conf_respondent_code(db, a, who, id, m, channel, false, code);
	return err == BGW_E_VALIDATION ? fields_error(a, errors, "code_channel", "required") : err;
}

bgw_err
conf_addressee_link(bgw_db *db, bgw_arena *a, const conf_actor *who, const conf_locked *c,
    const char *email, const char *base_url, const char **link)
{
	db_rows *res;
	bgw_err err = db_exec(db, a, "flow_user_by_email", 1, &email, &res);

	if (err != BGW_OK)
		return err;
	if (db_nrows(res) == 1) {
		const char *p[4] = {c->project_id, db_value(res, 0, 0), c->org_id, who->user_id};

		if ((err = db_exec(db, a, "flow_membership_insert", 4, p, NULL)) != BGW_OK)
			return err;
		*link = bgw_arena_printf(a, "%s/confirmations/%s", base_url, c->id);
	} else {
		char token[TOKEN_LEN + 1];
		invite_spec spec = {.email = email, .organization_id = c->org_id,
			.project_id = c->project_id, .side = "respondent", .admin = true,
			.created_by = who->user_id, .confirmation_id = c->id, .locale = c->locale};

		if ((err = invite_create(db, a, &spec, token)) != BGW_OK)
			return err;
		*link = invite_link(a, base_url, token);
		OPENSSL_cleanse(token, sizeof(token));
	}
	return *link != NULL ? BGW_OK : BGW_E_NOMEM;
}

bgw_err
conf_send(bgw_db *db, bgw_arena *a, const conf_actor *who, const char *id, const conf_mailer *m)
{
	conf_locked c;
	db_rows *res;
	const char *link;
	bgw_err err = conf_lock(db, a, id, &c);

	if (err != BGW_OK)
		return err;
	if (!workflow_allowed(c.status, WF_SEND))
		return BGW_E_INVALID_STATE;
	if ((err = db_exec(db, a, "flow_address_checked", 1, &id, &res)) != BGW_OK)
		return err;
	if (db_nrows(res) == 0)
		return BGW_E_ADDRESS_NOT_CHECKED;
	if ((err = apply(db, a, who, &c, WF_SEND, NULL, NULL)) != BGW_OK)
		return err;
	if ((err = conf_addressee_link(db, a, who, &c, c.email, m->base_url, &link)) != BGW_OK)
		return err;
	return mail_addressee(db, a, &c, m, "confirmation_request", link, c.locale,
	    bgw_arena_printf(a, "confirmation_request:%s:%s", id, c.version));
}

static bool
channel_known(const char *channel)
{
	static const char *const channels[] = {CONF_CODE_CHANNELS};

	for (size_t i = 0; channel != NULL && i < sizeof(channels) / sizeof(channels[0]); i++)
		if (strcmp(channels[i], channel) == 0)
			return true;
	return false;
}

/* The second mail: only the code and the reference, no link, so that the request mail
 * and this one each hold half of what opens the confirmation. */
static bgw_err
mail_code(bgw_db *db, bgw_arena *a, const conf_locked *c, const conf_mailer *m,
    const char *code, const char *code_id)
{
	bgw_kv *vars = NULL, **tail = &vars;
	bgw_err err;

	if ((err = kv(a, &tail, "name", c->name)) != BGW_OK ||
	    (err = kv(a, &tail, "firm", m->firm_name)) != BGW_OK ||
	    (err = kv(a, &tail, "client", m->client_name)) != BGW_OK ||
	    (err = kv(a, &tail, "reference", c->reference)) != BGW_OK ||
	    (err = kv(a, &tail, "code", code)) != BGW_OK)
		return err;
	return mailq_send(db, a, "respondent_code", c->locale, c->email,
	    bgw_arena_printf(a, "respondent_code:%s", code_id), c->project_id, vars);
}

bgw_err
conf_respondent_code(bgw_db *db, bgw_arena *a, const conf_actor *who, const char *id,
    const conf_mailer *m, const char *channel, bool fresh, conf_code *out)
{
	conf_locked c;
	db_rows *res;
	const char *current, *code_id, *detail;
	project_respcode rc;
	bgw_err err = conf_lock(db, a, id, &c);

	out->issued = false;
	out->channel = NULL;
	out->code[0] = '\0';
	if (err != BGW_OK)
		return err;
	if ((err = db_exec(db, a, "flow_was_sent", 1, &id, &res)) != BGW_OK)
		return err;
	if (db_nrows(res) == 0)
		return BGW_E_INVALID_STATE;
	if ((err = project_respcode_current(db, a, c.project_id, c.org_id, &current)) != BGW_OK)
		return err;
	if (current != NULL && !fresh) {
		out->channel = current;
		return BGW_OK;
	}
	if (!channel_known(channel))
		return BGW_E_VALIDATION;
	rc = (project_respcode){.project_id = c.project_id, .org_id = c.org_id,
		.confirmation_id = id, .channel = channel};
	if ((err = project_respcode_issue(db, a, &rc, &code_id, out->code)) != BGW_OK)
		return err;
	/* The channel is recorded, never the code. */
	detail = bgw_arena_printf(a, "{\"channel\":\"%s\",\"organization_id\":\"%s\","
	    "\"replaced\":%s}", channel, c.org_id, current != NULL ? "true" : "false");
	if (detail == NULL)
		err = BGW_E_NOMEM;
	if (err == BGW_OK)
		err = log_event(db, a, who, &c, "conf.respondent_code", "confirmation", id, detail,
		    NULL);
	if (err == BGW_OK && strcmp(channel, "mail") == 0) {
		err = mail_code(db, a, &c, m, out->code, code_id);
		OPENSSL_cleanse(out->code, sizeof(out->code));
		out->code[0] = '\0';
	}
	if (err != BGW_OK) {
		OPENSSL_cleanse(out->code, sizeof(out->code));
		return err;
	}
	out->issued = true;
	out->channel = channel;
	return BGW_OK;
}

bgw_err
conf_remind(bgw_db *db, bgw_arena *a, const conf_actor *who, const char *id,
    const conf_mailer *m)
{
	conf_locked c;
	db_rows *res;
	const char *link, *count;
	bgw_err err = conf_lock(db, a, id, &c);

	if (err != BGW_OK)
		return err;
	if (!workflow_allowed(c.status, WF_REMIND))
		return BGW_E_INVALID_STATE;
	if ((err = db_exec(db, a, "flow_remind", 1, &id, &res)) != BGW_OK)
		return err;
	count = db_value(res, 0, 0);
	link = bgw_arena_printf(a, "%s/confirmations/%s", m->base_url, id);
	if (link == NULL)
		return BGW_E_NOMEM;
	if ((err = log_event(db, a, who, &c, "conf.remind", "confirmation", id, NULL, NULL)) !=
	    BGW_OK)
		return err;
	return mail_addressee(db, a, &c, m, "reminder", link, c.locale,
	    bgw_arena_printf(a, "reminder:%s:manual:%s", id, count));
}

bgw_err
conf_open(bgw_db *db, bgw_arena *a, const conf_actor *who, const char *id)
{
	conf_locked c;
	bgw_err err = conf_lock(db, a, id, &c);

	if (err != BGW_OK || c.status != WF_SENT)
		return err;
	return apply(db, a, who, &c, WF_OPEN, NULL, NULL);
}

/* --- answers ----------------------------------------------------------------------------- */

static const field_spec resp_top[] = {
	{.name = "items", .type = FIELD_ARRAY, .required = true},
	{.name = "extra_items", .type = FIELD_ARRAY},
	{.name = "responder", .type = FIELD_OBJECT, .required = true},
	{.name = NULL},
};
static const field_spec resp_person[] = {
	{.name = "name", .type = FIELD_STRING, .required = true, .max_len = 200},
	{.name = "title", .type = FIELD_STRING, .max_len = 200},
	{.name = NULL},
};
static const field_spec resp_item[] = {
	{.name = "item_id", .type = FIELD_ID, .required = true},
	{.name = "agrees", .type = FIELD_BOOL, .required = true},
	{.name = "amount", .type = FIELD_STRING, .max_len = 40},
	{.name = "note", .type = FIELD_TEXT, .max_len = 2000},
	{.name = NULL},
};
static const field_spec resp_extra[] = {
	{.name = "label", .type = FIELD_STRING, .required = true, .max_len = 200},
	{.name = "currency", .type = FIELD_STRING, .required = true, .max_len = 3},
	{.name = "amount", .type = FIELD_STRING, .required = true, .max_len = 40},
	{.name = "note", .type = FIELD_TEXT, .max_len = 2000},
	{.name = NULL},
};

/* Validate o, element prefix ("items[2].") of an answer's array, against spec into *vals.
 * BGW_E_VALIDATION: its errors are appended under prefix and *result is set, and the
 * caller goes on with the next element (every bad element is reported); BGW_E_BAD_REQUEST
 * when o is not an object; BGW_E_NOMEM. */
static bgw_err
element_fields(bgw_arena *a, const json_t *o, const field_spec *spec, const char *prefix,
    field_value **vals, bgw_kv ***tail, bgw_err *result)
{
	bgw_kv *errs = NULL;
	bgw_err err;

	if (!json_is_object(o))
		return BGW_E_BAD_REQUEST;
	if (prefix == NULL)
		return BGW_E_NOMEM;
	err = fields_from_json(a, o, spec, vals, &errs);
	if (err == BGW_E_VALIDATION) {
		*result = err;
		if (kv_append_prefixed(a, tail, prefix, errs) != BGW_OK)
			return BGW_E_NOMEM;
	}
	return err;
}

static const char *
fv(const field_value *vals, const field_spec *specs, const char *name)
{
	const field_value *v = fields_get(vals, specs, name);

	return v != NULL && v->present ? v->s : NULL;
}

static bgw_err
fail(bgw_arena *a, bgw_kv ***tail, const char *name, const char *reason, bgw_err *result)
{
	*result = BGW_E_VALIDATION;
	return kv_append(a, tail, name, reason, strlen(reason));
}

/* amount in currency's canonical form into *out; NULL if it is not one. */
static const char *
canonical_amount(bgw_arena *a, const char *amount, const char *currency)
{
	char text[MONEY_TEXT_MAX];
	money m;

	if (amount == NULL || money_parse(amount, currency, &m) != BGW_OK ||
	    money_format(&m, text, sizeof(text)) != BGW_OK)
		return NULL;
	return bgw_arena_strdup(a, text);
}

static bgw_err
read_answer_items(bgw_arena *a, const json_t *arr, const db_rows *items, const char *form,
    resp_input *out, bgw_kv ***tail, bgw_err *result)
{
	int nitems = db_nrows(items);
	bool *seen = bgw_arena_calloc(a, (size_t)nitems + 1, sizeof(bool));

	out->nitems = json_array_size(arr);
	out->items = bgw_arena_calloc(a, out->nitems + 1, sizeof(*out->items));
	if (seen == NULL || out->items == NULL)
		return BGW_E_NOMEM;
	for (size_t i = 0; i < out->nitems; i++) {
		const json_t *o = json_array_get(arr, i);
		char *prefix = bgw_arena_printf(a, "items[%zu].", i);
		char *field;
		field_value *vals;
		resp_item_in *it = &out->items[i];
		const char *currency = NULL;
		int k;
		bgw_err err = element_fields(a, o, resp_item, prefix, &vals, tail, result);

		if (err == BGW_E_VALIDATION)
			continue;
		if (err != BGW_OK)
			return err;
		it->item_id = fv(vals, resp_item, "item_id");
		it->agrees = fields_get(vals, resp_item, "agrees")->b;
		it->note = fv(vals, resp_item, "note");
		for (k = 0; k < nitems; k++)
			if (strcmp(db_value(items, k, 0), it->item_id) == 0)
				break;
		field = bgw_arena_printf(a, "%sitem_id", prefix);
		if (field == NULL)
			return BGW_E_NOMEM;
		if (k == nitems || seen[k]) {
			if (fail(a, tail, field, k == nitems ? "not an item of this confirmation" :
			    "answered twice", result) != BGW_OK)
				return BGW_E_NOMEM;
			continue;
		}
		seen[k] = true;
		currency = db_value(items, k, 1);
		field = bgw_arena_printf(a, "%samount", prefix);
		if (field == NULL)
			return BGW_E_NOMEM;
		/* A difference states the actual amount; a blank form asks for every amount. */
		if (fv(vals, resp_item, "amount") != NULL) {
			it->amount = canonical_amount(a, fv(vals, resp_item, "amount"), currency);
			if (it->amount == NULL && fail(a, tail, field,
			    "not an exact amount with the currency's decimals", result) != BGW_OK)
				return BGW_E_NOMEM;
		} else if (!it->agrees || strcmp(form, "blank") == 0) {
			if (fail(a, tail, field, "required", result) != BGW_OK)
				return BGW_E_NOMEM;
		}
	}
	for (int k = 0; k < nitems; k++) {
		if (!seen[k]) {
			char *name = bgw_arena_printf(a, "items[%s]", db_value(items, k, 0));

			if (name == NULL || fail(a, tail, name, "not answered", result) != BGW_OK)
				return BGW_E_NOMEM;
		}
	}
	return BGW_OK;
}

static bgw_err
read_extra_items(bgw_arena *a, const json_t *arr, resp_input *out, bgw_kv ***tail,
    bgw_err *result)
{
	out->nextra = json_array_size(arr);
	if (out->nextra > RESPONSE_EXTRA_MAX)
		return fail(a, tail, "extra_items", "too many items", result);
	out->extra = bgw_arena_calloc(a, out->nextra + 1, sizeof(*out->extra));
	if (out->extra == NULL)
		return BGW_E_NOMEM;
	for (size_t i = 0; i < out->nextra; i++) {
		const json_t *o = json_array_get(arr, i);
		char *prefix = bgw_arena_printf(a, "extra_items[%zu].", i);
		field_value *vals;
		resp_extra_in *x = &out->extra[i];
		bgw_err err = element_fields(a, o, resp_extra, prefix, &vals, tail, result);

		if (err == BGW_E_VALIDATION)
			continue;
		if (err != BGW_OK)
			return err;
		x->label = fv(vals, resp_extra, "label");
		x->currency = fv(vals, resp_extra, "currency");
		x->note = fv(vals, resp_extra, "note");
		if (!money_currency_valid(x->currency)) {
			char *name = bgw_arena_printf(a, "%scurrency", prefix);

			if (name == NULL || fail(a, tail, name, "not an ISO 4217 code", result) != BGW_OK)
				return BGW_E_NOMEM;
			continue;
		}
		x->amount = canonical_amount(a, fv(vals, resp_extra, "amount"), x->currency);
		if (x->amount == NULL) {
			char *name = bgw_arena_printf(a, "%samount", prefix);

			if (name == NULL || fail(a, tail, name,
			    "not an exact amount with the currency's decimals", result) != BGW_OK)
				return BGW_E_NOMEM;
		}
	}
	return BGW_OK;
}

bgw_err
resp_input_from_json(bgw_db *db, bgw_arena *a, const char *id, const json_t *body,
    resp_input *out, bgw_kv **errors)
{
	bgw_kv **tail = errors;
	field_value *vals, *pv;
	bgw_kv *errs = NULL;
	const field_value *v;
	db_rows *items;
	conf_locked c;
	bgw_err err, result = BGW_OK;

	memset(out, 0, sizeof(*out));
	*errors = NULL;
	if ((err = conf_lock(db, a, id, &c)) != BGW_OK ||
	    (err = db_exec(db, a, "flow_items", 1, &id, &items)) != BGW_OK)
		return err;
	err = fields_from_json(a, body, resp_top, &vals, errors);
	if (err != BGW_E_VALIDATION && err != BGW_OK)
		return err;
	result = err;
	while (*tail != NULL)
		tail = &(*tail)->next;
	v = fields_get(vals, resp_top, "responder");
	if (v->present) {
		err = fields_from_json(a, v->j, resp_person, &pv, &errs);
		if (err == BGW_E_VALIDATION) {
			result = err;
			if (kv_append_prefixed(a, &tail, "responder.", errs) != BGW_OK)
				return BGW_E_NOMEM;
		} else if (err != BGW_OK) {
			return err;
		} else {
			out->responder_name = fv(pv, resp_person, "name");
			out->responder_title = fv(pv, resp_person, "title");
			if (out->responder_title == NULL)
				out->responder_title = "";
		}
	}
	v = fields_get(vals, resp_top, "items");
	if (v->present && (err = read_answer_items(a, v->j, items, c.form, out, &tail, &result)) !=
	    BGW_OK)
		return err;
	v = fields_get(vals, resp_top, "extra_items");
	if (v->present && json_array_size(v->j) > 0) {
		/* Banks confirm what else they hold for the client: other accounts, loans. */
		enum wf_type type;

		if (!wf_type_from_string(c.type, &type) || !workflow_extra_items_allowed(type)) {
			if (fail(a, &tail, "extra_items", "only on bank confirmations", &result) != BGW_OK)
				return BGW_E_NOMEM;
		} else if ((err = read_extra_items(a, v->j, out, &tail, &result)) != BGW_OK) {
			return err;
		}
	}
	return result;
}

/* Canonical content of an answer: every stored field, length-prefixed, in a fixed order. */
static void
digest_field(EVP_MD_CTX *ctx, const char *s)
{
	char head[32];
	int n = snprintf(head, sizeof(head), "%zu:", strlen(s));

	EVP_DigestUpdate(ctx, head, (size_t)n);
	EVP_DigestUpdate(ctx, s, strlen(s));
	EVP_DigestUpdate(ctx, "\n", 1);
}

bgw_err
conf_response_digest(bgw_db *db, bgw_arena *a, const char *response_id,
    const char *approver_name, const char *approver_title, char *hex)
{
	db_rows *row, *items, *extra;
	unsigned char h[TOKEN_HASH_LEN];
	unsigned int len = sizeof(h);
	EVP_MD_CTX *ctx;
	bgw_err err;

	if ((err = db_exec(db, a, "flow_response_row", 1, &response_id, &row)) != BGW_OK ||
	    (err = db_exec(db, a, "flow_response_row_items", 1, &response_id, &items)) != BGW_OK ||
	    (err = db_exec(db, a, "flow_response_row_extra", 1, &response_id, &extra)) != BGW_OK)
		return err;
	if (db_nrows(row) != 1)
		return BGW_E_NOT_FOUND;
	if ((ctx = EVP_MD_CTX_new()) == NULL || EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) != 1) {
		EVP_MD_CTX_free(ctx);
		return BGW_E_NOMEM;
	}
	digest_field(ctx, RESPONSE_CANON_VERSION);
	for (int c = 0; c < 7; c++) {
		const char *v = db_value(row, 0, c);

		if (c == 4 && approver_name != NULL)
			v = approver_name;
		if (c == 5 && approver_title != NULL)
			v = approver_title;
		digest_field(ctx, v);
	}
	digest_field(ctx, "items");
	for (int r = 0; r < db_nrows(items); r++)
		for (int c = 0; c < 4; c++)
			digest_field(ctx, db_value(items, r, c));
	digest_field(ctx, "extra_items");
	for (int r = 0; r < db_nrows(extra); r++)
		for (int c = 0; c < 4; c++)
			digest_field(ctx, db_value(extra, r, c));
	EVP_DigestFinal_ex(ctx, h, &len);
	EVP_MD_CTX_free(ctx);
	return token_hex(h, sizeof(h), hex, TOKEN_HEX_LEN + 1);
}

/* Seal a stored answer: its digest goes into a response.final event chained to the
 * confirmation's history, and that event's hash is the seal printed on the receipt.  act:
 * WF_APPROVE (an admin approves a member's answer) or WF_RESPOND_ADMIN (an admin answers
 * and approves in one step: approver = responder, recorded as such). */
static bgw_err
finalise(bgw_db *db, bgw_arena *a, const conf_actor *who, conf_locked *c, const char *rid,
    const char *version, const char *approver_name, const char *approver_title,
    enum wf_action act, char *seal)
{
	char digest[TOKEN_HEX_LEN + 1], hash[TOKEN_HEX_LEN + 1];
	const char *p[5] = {rid, hash, approver_name != NULL ? who->user_id : NULL, approver_name,
		approver_title};
	char *detail;
	bgw_err err = conf_response_digest(db, a, rid, approver_name != NULL ? approver_name : "",
	    approver_title != NULL ? approver_title : "", digest);

	if (err != BGW_OK)
		return err;
	/* And those the approver attached while it waited. */
	if ((err = doc_link_answer(db, a, c->id, rid)) != BGW_OK)
		return err;
	detail = bgw_arena_printf(a, "{\"confirmation_id\":\"%s\",\"version\":%s,"
	    "\"content_sha256\":\"%s\",\"self_approved\":%s}", c->id, version, digest,
	    act == WF_RESPOND_ADMIN ? "true" : "false");
	if (detail == NULL)
		return BGW_E_NOMEM;
	if ((err = log_event(db, a, who, c, "response.final", "response", rid, detail, hash)) !=
	    BGW_OK)
		return err;
	if ((err = db_exec(db, a, "flow_response_finalise", 5, p, NULL)) != BGW_OK)
		return err;
	if (seal != NULL)
		memcpy(seal, hash, sizeof(hash));
	return apply(db, a, who, c, act, NULL, NULL);
}

static bgw_err
store_answer(bgw_db *db, bgw_arena *a, const conf_actor *who, const conf_locked *c,
    const resp_input *in, const char **rid, const char **version)
{
	const char *p[4] = {c->id, who->user_id, in->responder_name, in->responder_title};
	db_rows *res;
	bgw_err err = db_exec(db, a, "flow_response_insert", 4, p, &res);

	if (err != BGW_OK)
		return err;
	*rid = db_value(res, 0, 0);
	*version = db_value(res, 0, 1);
	/* The files attached while this answer was prepared are part of it. */
	if ((err = doc_link_answer(db, a, c->id, *rid)) != BGW_OK)
		return err;
	for (size_t i = 0; i < in->nitems; i++) {
		const char *q[5] = {*rid, in->items[i].item_id, in->items[i].agrees ? "true" : "false",
			in->items[i].amount, in->items[i].note};

		if ((err = db_exec(db, a, "flow_response_item_insert", 5, q, NULL)) != BGW_OK)
			return err;
	}
	for (size_t i = 0; i < in->nextra; i++) {
		char pos[24];
		const char *q[6] = {*rid, pos, in->extra[i].label, in->extra[i].currency,
			in->extra[i].amount, in->extra[i].note};

		snprintf(pos, sizeof(pos), "%zu", i);
		if ((err = db_exec(db, a, "flow_response_extra_insert", 6, q, NULL)) != BGW_OK)
			return err;
	}
	return BGW_OK;
}

bgw_err
conf_answer(bgw_db *db, bgw_arena *a, const conf_actor *who, const char *id, bool admin,
    const json_t *body, char *seal_hex, bgw_kv **errors)
{
	resp_input in;
	bgw_err err = resp_input_from_json(db, a, id, body, &in, errors);

	return err == BGW_OK ? conf_respond(db, a, who, id, admin, &in, seal_hex) : err;
}

bgw_err
conf_respond(bgw_db *db, bgw_arena *a, const conf_actor *who, const char *id, bool admin,
    const resp_input *in, char *seal_hex)
{
	conf_locked c;
	const char *rid, *version;
	bool certified = false;
	bgw_err err = conf_lock(db, a, id, &c);

	if (err != BGW_OK)
		return err;
	/* A certified organisation's admin is a maker too: its answer waits for a checker. */
	if (admin && (err = certified_conf_is(db, a, id, &certified)) != BGW_OK)
		return err;
	admin = admin && !certified;
	if (c.status == WF_SENT && (err = apply(db, a, who, &c, WF_OPEN, NULL, NULL)) != BGW_OK)
		return err;
	if (!workflow_allowed(c.status, workflow_respond_action(admin)))
		return BGW_E_INVALID_STATE;
	if ((err = store_answer(db, a, who, &c, in, &rid, &version)) != BGW_OK)
		return err;
	if (seal_hex != NULL)
		seal_hex[0] = '\0';
	/* One person answers and approves: the answer is final at once. */
	if (admin)
		return finalise(db, a, who, &c, rid, version, in->responder_name,
		    in->responder_title != NULL ? in->responder_title : "", WF_RESPOND_ADMIN,
		    seal_hex);
	/* Maker-checker: the member's answer waits for an admin of the same organisation. */
	if ((err = log_event(db, a, who, &c, "response.submit", "response", rid, NULL, NULL)) !=
	    BGW_OK)
		return err;
	return apply(db, a, who, &c, WF_RESPOND_MEMBER, NULL, NULL);
}

static bgw_err
pending(bgw_db *db, bgw_arena *a, const char *id, const char **rid, const char **version)
{
	db_rows *res;
	bgw_err err = db_exec(db, a, "flow_response_pending", 1, &id, &res);

	if (err != BGW_OK)
		return err;
	if (db_nrows(res) != 1)
		return BGW_E_INVALID_STATE;
	*rid = db_value(res, 0, 0);
	*version = db_value(res, 0, 1);
	return BGW_OK;
}

bgw_err
conf_approve(bgw_db *db, bgw_arena *a, const conf_actor *who, const char *id,
    const char *approver_name, const char *approver_title, char *seal_hex)
{
	conf_locked c;
	const char *rid, *version;
	bgw_err err = conf_lock(db, a, id, &c);

	if (err != BGW_OK)
		return err;
	if (!workflow_allowed(c.status, WF_APPROVE))
		return BGW_E_INVALID_STATE;
	if ((err = pending(db, a, id, &rid, &version)) != BGW_OK ||
	    (err = certified_checker_check(db, a, id)) != BGW_OK)
		return err;
	return finalise(db, a, who, &c, rid, version, approver_name, approver_title, WF_APPROVE,
	    seal_hex);
}

bgw_err
conf_send_back(bgw_db *db, bgw_arena *a, const conf_actor *who, const char *id,
    const char *reason)
{
	conf_locked c;
	const char *rid, *version;
	const char *p[2];
	bgw_err err = conf_lock(db, a, id, &c);

	if (err != BGW_OK)
		return err;
	if (!workflow_allowed(c.status, WF_SEND_BACK))
		return BGW_E_INVALID_STATE;
	if ((err = pending(db, a, id, &rid, &version)) != BGW_OK)
		return err;
	p[0] = rid;
	p[1] = reason;
	if ((err = db_exec(db, a, "flow_response_return", 2, p, NULL)) != BGW_OK)
		return err;
	return apply(db, a, who, &c, WF_SEND_BACK, reason, NULL);
}

bgw_err
conf_review(bgw_db *db, bgw_arena *a, const conf_actor *who, const char *id, bool agreed,
    const char *note)
{
	const char *p[4] = {id, agreed ? "agreed" : "exception", note, who->user_id};
	conf_locked c;
	bgw_err err = conf_lock(db, a, id, &c);

	if (err != BGW_OK)
		return err;
	if ((err = apply(db, a, who, &c, agreed ? WF_REVIEW_AGREED : WF_REVIEW_EXCEPTION, NULL,
	    NULL)) != BGW_OK)
		return err;
	return db_exec(db, a, "flow_review_insert", 4, p, NULL);
}

bgw_err
conf_resolve(bgw_db *db, bgw_arena *a, const conf_actor *who, const char *id,
    const reconciling_in *items, size_t n, const char *note)
{
	const char *p[4] = {id, "resolved", note, who->user_id};
	conf_locked c;
	bgw_err err = conf_lock(db, a, id, &c);

	if (err != BGW_OK)
		return err;
	if ((err = apply(db, a, who, &c, WF_RESOLVE, NULL, NULL)) != BGW_OK)
		return err;
	for (size_t i = 0; i < n; i++) {
		const char *q[6] = {id, items[i].kind, items[i].currency, items[i].amount,
			items[i].note, who->user_id};

		if ((err = db_exec(db, a, "flow_reconciling_insert", 6, q, NULL)) != BGW_OK)
			return err;
	}
	return db_exec(db, a, "flow_review_insert", 4, p, NULL);
}

bgw_err
conf_share(bgw_db *db, bgw_arena *a, const conf_actor *who, const char *id, bool on)
{
	const char *p[2] = {id, on ? "true" : "false"};
	conf_locked c;
	bgw_err err = conf_lock(db, a, id, &c);

	if (err != BGW_OK)
		return err;
	if (!workflow_allowed(c.status, WF_SHARE))
		return BGW_E_INVALID_STATE;
	if ((err = db_exec(db, a, "flow_share", 2, p, NULL)) != BGW_OK)
		return err;
	return log_event(db, a, who, &c, on ? "conf.share" : "conf.unshare", "confirmation", id,
	    NULL, NULL);
}

bgw_err
conf_verify_responses(bgw_db *db, bgw_arena *a, const char *project_id, char *bad_id,
    size_t cap)
{
	db_rows *res;
	bgw_err err = db_exec(db, a, "flow_final_responses", 1, &project_id, &res);

	if (err != BGW_OK)
		return err;
	for (int r = 0; r < db_nrows(res); r++) {
		char digest[TOKEN_HEX_LEN + 1];
		const char *rid = db_value(res, r, 0);

		err = conf_response_digest(db, a, rid, NULL, NULL, digest);
		if (err != BGW_OK)
			return err;
		/* The stored content, the digest the event recorded, and the seal must agree. */
		if (db_isnull(res, r, 2) || strcmp(digest, db_value(res, r, 2)) != 0 ||
		    strcmp(db_value(res, r, 1), db_value(res, r, 3)) != 0) {
			snprintf(bad_id, cap, "%s", rid);
			return BGW_E_VALIDATION;
		}
	}
	return BGW_OK;
}
