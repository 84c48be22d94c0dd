/* h_confirmation.c - confirmations: create, read, list, edit, and every transition. */
#include "api/handlers.h"
#include "route.h"

#include <string.h>

#include <openssl/crypto.h>

#include "actor.h"
#include "core/gzip.h"
#include "flow/confflow.h"
#include "flow/confirmation.h"
#include "flow/reconcile.h"
#include "flow/workflow.h"

const field_spec reason_fields[] = {
	{.name = "reason", .type = FIELD_TEXT, .required = true, .max_len = 2000},
	{.name = NULL},
};
const field_spec address_check_fields[] = {
	{.name = "method", .type = FIELD_STRING, .required = true, .max_len = 100},
	{.name = "note", .type = FIELD_TEXT, .required = true, .max_len = 2000},
	{.name = NULL},
};
static const char *const code_channels[] = {CONF_CODE_CHANNELS, NULL};
/* Required only when the send issues a new respondent code: lib/flow/confflow.c decides. */
const field_spec send_fields[] = {
	{.name = "code_channel", .type = FIELD_ENUM, .enum_values = code_channels},
	{.name = NULL},
};
const field_spec respondent_code_fields[] = {
	{.name = "code_channel", .type = FIELD_ENUM, .required = true, .enum_values = code_channels},
	{.name = NULL},
};
const field_spec approve_fields[] = {
	{.name = "approver", .type = FIELD_OBJECT, .required = true},
	{.name = NULL},
};
static const char *const review_results[] = {"agreed", "exception", NULL};
const field_spec review_fields[] = {
	{.name = "result", .type = FIELD_ENUM, .required = true, .enum_values = review_results},
	{.name = "note", .type = FIELD_TEXT, .max_len = 10000},
	{.name = NULL},
};
const field_spec resolve_fields[] = {
	{.name = "reconciling_items", .type = FIELD_ARRAY, .required = true},
	{.name = "note", .type = FIELD_TEXT, .required = true, .max_len = 10000},
	{.name = NULL},
};
const field_spec close_fields[] = {
	{.name = "alternative_procedures", .type = FIELD_TEXT, .required = true, .max_len = 10000},
	{.name = NULL},
};
const field_spec share_fields[] = {
	{.name = "with_client", .type = FIELD_BOOL, .required = true},
	{.name = NULL},
};

static const char *
text(bgw_request *r, const field_spec *specs, const char *name)
{
	const field_value *v = fields_get(r->fields, specs, name);

	return v != NULL && v->present ? v->s : NULL;
}

/* Answer with the confirmation as the user now sees it. */
static bgw_err
send_conf(bgw_request *r, int status, json_t *conf)
{
	json_t *body = jsonout_own(r->a, json_pack("{s:O}", "confirmation", conf));

	return body != NULL ? request_reply_json(r, status, body) : BGW_E_NOMEM;
}

static bgw_err
reply_conf(bgw_request *r, int status, const char *id)
{
	json_t *conf;
	bgw_err err = conf_get_json(r->app->db, r->a, id, r->target.facts.side,
	    policy_may_see_response(&r->target.facts), &conf);

	return err != BGW_OK ? err : send_conf(r, status, conf);
}

bgw_err
h_conf_create(bgw_request *r)
{
	conf_actor who = actor_conf(r);
	const char *id;
	bgw_err err = conf_draft_create(r->app->db, r->a, &who, r->target.project_id, r->json,
	    &id, &r->field_errors);

	/* The creator sees it as a member of its side. */
	return err == BGW_OK ? reply_conf(r, 201, id) : err;
}


static bool
one_of(const char *s, const char *const *list)
{
	for (; *list != NULL; list++)
		if (strcmp(s, *list) == 0)
			return true;
	return false;
}

/* Whether a list page may be kept (and so compressed: gzip.h): not one that also depends
 * on the day or on free text (overdue, a search), which always runs. */
static bool
list_cacheable(const bgw_request *r, const conf_filter *f)
{
	return f->q == NULL && !f->overdue && r->target.list_version != NULL;
}

/* The key of a list page in the worker's page cache: everything the answer depends on but
 * the project's list version, which the cache compares separately.  The user (so one user's
 * page is never another's), what they may see (side, organisation, whether the project is
 * still open), the request, and whether it is kept gzip-encoded.  NULL for a page that is
 * not cacheable. */
static const char *
list_cache_key(bgw_request *r, const conf_filter *f, bool gzip)
{
	if (!list_cacheable(r, f))
		return NULL;
	return bgw_arena_printf(r->a, "%s|%s|%d|%s|%s|%s|%s|%lld|%lld|%s", r->user_id,
	    r->target.project_id, (int)r->target.facts.side,
	    r->target.member_org_id != NULL ? r->target.member_org_id : "",
	    r->target.status, f->status != NULL ? f->status : "", f->type != NULL ? f->type : "",
	    f->page, f->per_page, gzip ? "gzip" : "");
}

/* Answer a list page, gzip-encoded or as it is. */
static void
reply_list(bgw_request *r, bool gzip, const char *body, size_t len)
{
	if (gzip)
		request_reply_json_gzip(r, 200, body, len);
	else
		request_reply_json_text(r, 200, body, len);
}

/* The router runs this route without a request transaction (reads_on_its_own): the list
 * runs in a read of its own as the user, after the policy has admitted them with the
 * session and membership read in this request.  An unchanged page comes from the cache,
 * compressed for a client that accepts gzip. */
bgw_err
h_conf_list(bgw_request *r)
{
	conf_filter f = {0};
	const char *overdue = kv_get(r->query, "overdue");
	const char *key, *kept;
	char *text;
	size_t len;
	bool gzip;
	bgw_err err = request_paging(r, &f.page, &f.per_page);

	f.status = kv_get(r->query, "status");
	f.type = kv_get(r->query, "type");
	f.q = kv_get(r->query, "q");
	f.overdue = overdue != NULL && strcmp(overdue, "true") == 0;
	if (f.status != NULL && !one_of(f.status, wf_state_names))
		err = request_field_error(r, "status", "unknown status");
	if (f.type != NULL && !one_of(f.type, wf_type_names))
		err = request_field_error(r, "type", "unknown type");
	if (err != BGW_OK)
		return err;
	if (f.q != NULL && *f.q == '\0')
		f.q = NULL;
	f.sees_all = r->target.facts.side == SIDE_AUDIT || r->target.facts.side == SIDE_CLIENT;
	f.read_as = r->route->tx == TX_READ ? r->user_id : NULL;
	/* The answer depends on Accept-Encoding, for any cache between us and the client. */
	if ((err = request_add_header(r, "Vary", "Accept-Encoding")) != BGW_OK)
		return err;
	/* Only a page the cache may keep is compressed: it reflects none of the request's free
	 * text (gzip.h).  Kept compressed under a key of its own, so a kept page costs no
	 * compression. */
	gzip = list_cacheable(r, &f) && gzip_accepted(request_param(r, "HTTP_ACCEPT_ENCODING"));
	key = list_cache_key(r, &f, gzip);
	if ((kept = pagecache_get(r->app->pages, key, r->target.list_version, &len)) != NULL) {
		reply_list(r, gzip, kept, len);
		return BGW_OK;
	}
	if ((err = conf_list_text(r->app->db, r->a, r->target.project_id, &f, &text, &len)) !=
	    BGW_OK)
		return err;
	if (gzip && (err = gzip_encode(r->a, text, len, &text, &len)) != BGW_OK)
		return err;
	if (key != NULL)
		(void)pagecache_put(r->app->pages, key, r->target.list_version, text, len);
	reply_list(r, gzip, text, len);
	return BGW_OK;
}

bgw_err
h_inbox(bgw_request *r)
{
	long long page, per_page;
	json_t *body;
	bgw_err err = request_paging(r, &page, &per_page);

	if (err == BGW_OK &&
	    (err = conf_inbox_json(r->app->db, r->a, page, per_page, &body)) == BGW_OK)
		err = request_reply_json(r, 200, body);
	return err;
}

bgw_err
h_conf_get(bgw_request *r)
{
	conf_actor who = actor_conf(r);
	conf_view_in in = actor_conf_view(r);
	json_t *conf;
	bgw_err err = conf_view(r->app->db, r->a, &who, &in, &conf);

	return err == BGW_OK ? send_conf(r, 200, conf) : err;
}

/* GET /confirmations/{cid}/receipt: the final answer's receipt (conf_receipt), the JSON
 * twin of the printable page. */
bgw_err
h_conf_receipt(bgw_request *r)
{
	conf_actor who = actor_conf(r);
	conf_receipt_in in = actor_conf_receipt(r);
	json_t *receipt, *body;
	bgw_err err = conf_receipt(r->app->db, r->a, &who, &in, &receipt);

	if (err != BGW_OK)
		return err;
	body = jsonout_own(r->a, json_pack("{s:O}", "receipt", receipt));
	return body != NULL ? request_reply_json(r, 200, body) : BGW_E_NOMEM;
}

bgw_err
h_conf_patch(bgw_request *r)
{
	conf_actor who = actor_conf(r);
	conf_edit_in in = actor_conf_edit(r, r->json);
	bgw_err err = conf_draft_edit(r->app->db, r->a, &who, &in, &r->field_errors);

	return err == BGW_OK ? reply_conf(r, 200, r->target.confirmation_id) : err;
}

/* A transition that takes no input, or only a reason. */
static bgw_err
transition(bgw_request *r, enum wf_action act, const char *reason)
{
	conf_actor who = actor_conf(r);
	bgw_err err = conf_transition(r->app->db, r->a, &who, r->target.confirmation_id, act,
	    reason, NULL);

	return err == BGW_OK ? reply_conf(r, 200, r->target.confirmation_id) : err;
}

bgw_err
h_conf_submit(bgw_request *r)
{
	return transition(r, WF_SUBMIT, NULL);
}

bgw_err
h_conf_authorize(bgw_request *r)
{
	return transition(r, WF_AUTHORIZE, NULL);
}

bgw_err
h_conf_return(bgw_request *r)
{
	return transition(r, WF_RETURN_TO_DRAFT, text(r, reason_fields, "reason"));
}

bgw_err
h_conf_refuse(bgw_request *r)
{
	return transition(r, WF_REFUSE, text(r, reason_fields, "reason"));
}

bgw_err
h_conf_cancel(bgw_request *r)
{
	return transition(r, WF_CANCEL, text(r, reason_fields, "reason"));
}

bgw_err
h_conf_ask_again(bgw_request *r)
{
	return transition(r, WF_ASK_AGAIN, text(r, reason_fields, "reason"));
}

bgw_err
h_conf_decline(bgw_request *r)
{
	return transition(r, WF_DECLINE, text(r, reason_fields, "reason"));
}

bgw_err
h_conf_close(bgw_request *r)
{
	conf_actor who = actor_conf(r);
	bgw_err err = conf_transition(r->app->db, r->a, &who, r->target.confirmation_id,
	    WF_CLOSE_ALTERNATIVE, NULL, text(r, close_fields, "alternative_procedures"));

	return err == BGW_OK ? reply_conf(r, 200, r->target.confirmation_id) : err;
}

bgw_err
h_conf_address_check(bgw_request *r)
{
	conf_actor who = actor_conf(r);
	bgw_err err = conf_address_check(r->app->db, r->a, &who, r->target.confirmation_id,
	    text(r, address_check_fields, "method"), text(r, address_check_fields, "note"));

	return err == BGW_OK ? reply_conf(r, 201, r->target.confirmation_id) : err;
}

/* The code part of a send's or a reissue's answer: which channel, whether a code was
 * issued, and for phone and letter the code itself, this once (only its hash is kept). */
static bgw_err
code_answer(json_t *body, conf_code *code)
{
	int bad = json_object_set_new(body, "code_issued", json_boolean(code->issued)) |
	    json_object_set_new(body, "code_channel",
	    code->channel != NULL ? json_string(code->channel) : json_null());

	if (code->code[0] != '\0')
		bad |= json_object_set_new(body, "respondent_code", json_string(code->code));
	OPENSSL_cleanse(code->code, sizeof(code->code));
	return bad != 0 ? BGW_E_NOMEM : BGW_OK;
}

/* Answer 200 with body and the code part, unless err; the code's clear text is wiped on
 * every path. */
static bgw_err
reply_with_code(bgw_request *r, bgw_err err, json_t *body, conf_code *code)
{
	if (err == BGW_OK)
		err = body != NULL ? code_answer(body, code) : BGW_E_NOMEM;
	OPENSSL_cleanse(code->code, sizeof(code->code));
	return err == BGW_OK ? request_reply_json(r, 200, body) : err;
}

static const char *
channel_field(bgw_request *r, const field_spec *specs)
{
	const field_value *v = fields_get(r->fields, specs, "code_channel");

	return v != NULL && v->present ? v->s : NULL;
}

bgw_err
h_conf_send(bgw_request *r)
{
	conf_actor who = actor_conf(r);
	conf_mailer m;
	conf_code code = {.code = ""};
	json_t *c, *body = NULL;
	bgw_err err = actor_mailer(r, &m);

	if (err == BGW_OK)
		err = conf_send_with_code(r->app->db, r->a, &who, r->target.confirmation_id, &m,
		    channel_field(r, send_fields), &code, &r->field_errors);
	if (err == BGW_OK)
		err = conf_get_json(r->app->db, r->a, r->target.confirmation_id,
		    r->target.facts.side, policy_may_see_response(&r->target.facts), &c);
	if (err == BGW_OK)
		body = jsonout_own(r->a, json_pack("{s:O}", "confirmation", c));
	return reply_with_code(r, err, body, &code);
}

/* An audit admin replaces the respondent organisation's code (the first one was lost). */
bgw_err
h_conf_respondent_code(bgw_request *r)
{
	conf_actor who = actor_conf(r);
	conf_mailer m;
	conf_code code = {.code = ""};
	json_t *body = NULL;
	bgw_err err = actor_mailer(r, &m);

	if (err == BGW_OK)
		err = conf_respondent_code(r->app->db, r->a, &who, r->target.confirmation_id, &m,
		    channel_field(r, respondent_code_fields), true, &code);
	if (err == BGW_OK)
		body = jsonout_own(r->a, json_object());
	return reply_with_code(r, err, body, &code);
}

bgw_err
h_conf_remind(bgw_request *r)
{
	conf_actor who = actor_conf(r);
	conf_mailer m;
	bgw_err err = actor_mailer(r, &m);

	if (err == BGW_OK)
		err = conf_remind(r->app->db, r->a, &who, r->target.confirmation_id, &m);
	return err == BGW_OK ? reply_conf(r, 200, r->target.confirmation_id) : err;
}

bgw_err
h_conf_respond(bgw_request *r)
{
	conf_actor who = actor_conf(r);
	bgw_err err = conf_answer(r->app->db, r->a, &who, r->target.confirmation_id,
	    r->target.facts.admin, r->json, NULL, &r->field_errors);

	return err == BGW_OK ? reply_conf(r, 201, r->target.confirmation_id) : err;
}

bgw_err
h_conf_approve(bgw_request *r)
{
	static const field_spec person[] = {
		{.name = "name", .type = FIELD_STRING, .required = true, .max_len = 200},
		{.name = "title", .type = FIELD_STRING, .max_len = 200},
		{.name = NULL},
	};
	const json_t *approver = fields_get(r->fields, approve_fields, "approver")->j;
	conf_actor who = actor_conf(r);
	field_value *vals;
	bgw_kv *errs = NULL, **tail = &r->field_errors;
	const char *title;
	bgw_err err = fields_from_json(r->a, approver, person, &vals, &errs);

	if (err == BGW_E_VALIDATION)
		return kv_append_prefixed(r->a, &tail, "approver.", errs) == BGW_OK ? err : BGW_E_NOMEM;
	if (err != BGW_OK)
		return err;
	title = fields_get(vals, person, "title")->present ? fields_get(vals, person, "title")->s : "";
	err = conf_approve(r->app->db, r->a, &who, r->target.confirmation_id,
	    fields_get(vals, person, "name")->s, title, NULL);
	return err == BGW_OK ? reply_conf(r, 200, r->target.confirmation_id) : err;
}

bgw_err
h_conf_send_back(bgw_request *r)
{
	conf_actor who = actor_conf(r);
	bgw_err err = conf_send_back(r->app->db, r->a, &who, r->target.confirmation_id,
	    text(r, reason_fields, "reason"));

	return err == BGW_OK ? reply_conf(r, 200, r->target.confirmation_id) : err;
}

bgw_err
h_conf_review(bgw_request *r)
{
	conf_actor who = actor_conf(r);
	bgw_err err = conf_review(r->app->db, r->a, &who, r->target.confirmation_id,
	    strcmp(text(r, review_fields, "result"), "agreed") == 0, text(r, review_fields, "note"));

	return err == BGW_OK ? reply_conf(r, 200, r->target.confirmation_id) : err;
}

bgw_err
h_conf_resolve(bgw_request *r)
{
	const json_t *arr = fields_get(r->fields, resolve_fields, "reconciling_items")->j;
	reconciling_in *items;
	size_t n;
	conf_actor who = actor_conf(r);
	bgw_kv **tail = &r->field_errors;
	bgw_err err = reconcile_from_json(r->a, arr, &items, &n, &tail);

	if (err == BGW_OK)
		err = conf_resolve(r->app->db, r->a, &who, r->target.confirmation_id, items, n,
		    text(r, resolve_fields, "note"));
	return err == BGW_OK ? reply_conf(r, 200, r->target.confirmation_id) : err;
}

bgw_err
h_conf_share(bgw_request *r)
{
	conf_actor who = actor_conf(r);
	bgw_err err = conf_share(r->app->db, r->a, &who, r->target.confirmation_id,
	    fields_get(r->fields, share_fields, "with_client")->b);

	return err == BGW_OK ? reply_conf(r, 200, r->target.confirmation_id) : err;
}
