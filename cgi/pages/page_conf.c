/* page_conf.c - the confirmation page (facts, items, timeline, the answer) with ONLY the
 * actions this user may take now (policy_decide for who, workflow_allowed for the state),
 * and one POST route per action, each calling the same lib/flow/confflow.h use case as the
 * JSON handler and answering 303 back to the page (PRG). */
#include "pages/page.h"
#include "pages/page_conf_records.h"

#include <string.h>

#include <openssl/crypto.h>

#include "actor.h"
#include "flow/confflow.h"
#include "flow/confirmation.h"
#include "flow/reconcile.h"

static const char *
cid_of(const bgw_request *r)
{
	return r->target.confirmation_id;
}

static const char *
key2(bgw_arena *a, const char *prefix, const char *v)
{
	return bgw_arena_printf(a, "%s.%s", prefix, v != NULL ? v : "");
}

static void
dl_row(page *p, const char *label_key, const char *value)
{
	html_fill(&p->h, "<div><dt>{l}</dt><dd>{v}</dd></div>", {"l", page_t(p, label_key)},
	    {"v", value != NULL ? value : ""});
}

static void
facts(page *p, const json_t *c)
{
	const json_t *resp = json_object_get(c, "respondent");

	html_raw(&p->h, "<dl class=\"facts\">");
	dl_row(p, "conf.reference", page_js(c, "reference"));
	html_fill(&p->h, "<div><dt>{l}</dt><dd>", {"l", page_t(p, "conf.status")});
	page_status(p, page_js(c, "status"));
	html_raw(&p->h, "</dd></div>");
	dl_row(p, "conf.type", page_t(p, key2(p->r->a, "type", page_js(c, "type"))));
	dl_row(p, "conf.form", page_t(p, key2(p->r->a, "form", page_js(c, "form"))));
	html_fill(&p->h, "<div><dt>{l}</dt><dd>", {"l", page_t(p, "conf.as_of")});
	page_date(p, page_js(c, "as_of"));
	html_fill(&p->h, "</dd></div><div><dt>{l}</dt><dd>", {"l", page_t(p, "conf.due")});
	page_date(p, page_js(c, "due_date"));
	html_raw(&p->h, "</dd></div>");
	dl_row(p, "conf.respondent_org", page_js(resp, "organization"));
	dl_row(p, "conf.respondent_name", page_js(resp, "name"));
	dl_row(p, "conf.respondent_email", page_js(resp, "email"));
	if (page_js(c, "status_reason") != NULL)
		dl_row(p, "conf.status_reason", page_js(c, "status_reason"));
	if (page_js(c, "alternative_procedures") != NULL)
		dl_row(p, "conf.alternative", page_js(c, "alternative_procedures"));
	html_raw(&p->h, "</dl>");
	if (!page_jb(c, "sufficient_alone"))
		html_fill(&p->h, "<p class=\"alert warn\">{t}</p>", {"t", page_t(p, "conf.negative_flag")});
	if (page_jb(c, "shared_with_client"))
		html_fill(&p->h, "<p class=\"note\">{t}</p>", {"t", page_t(p, "conf.shared")});
}

/* The answer for item_id, if any. */
static const json_t *
answer_of(const json_t *response, const char *item_id)
{
	size_t i;
	json_t *a;

	json_array_foreach(json_object_get(response, "items"), i, a)
		if (page_js(a, "item_id") != NULL && strcmp(page_js(a, "item_id"), item_id) == 0)
			return a;
	return NULL;
}

static void
items(page *p, const json_t *c, const json_t *response)
{
	size_t i;
	json_t *it;

	html_fill(&p->h, "<section aria-labelledby=\"h-items\"><h2 id=\"h-items\">{t}</h2>"
	    "<div class=\"scroll\" tabindex=\"0\"><table><thead><tr><th scope=\"col\">{a}</th><th scope=\"col\">{b}</th>"
	    "<th scope=\"col\" class=\"num\">{c}</th>",
	    {"t", page_t(p, "conf.items")}, {"a", page_t(p, "item.label")},
	    {"b", page_t(p, "item.reference")}, {"c", page_t(p, "item.amount")});
	if (response != NULL)
		html_fill(&p->h, "<th scope=\"col\">{a}</th><th scope=\"col\" class=\"num\">{b}</th>"
		    "<th scope=\"col\">{c}</th>", {"a", page_t(p, "resp.result")},
		    {"b", page_t(p, "resp.amount")}, {"c", page_t(p, "resp.note")});
	html_raw(&p->h, "</tr></thead><tbody>");
	json_array_foreach(json_object_get(c, "items"), i, it) {
		html_fill(&p->h, "<tr><th scope=\"row\">{l}</th><td>{r}</td><td class=\"num\">",
		    {"l", page_js(it, "label")}, {"r", page_js(it, "reference")});
		page_amount(p, page_js(it, "amount"), page_js(it, "currency"));
		html_raw(&p->h, "</td>");
		if (response != NULL) {
			const json_t *a = answer_of(response, page_js(it, "id"));

			html_raw(&p->h, "<td>");
			if (a != NULL)
				html_text(&p->h, page_t(p, page_jb(a, "agrees") ? "resp.agrees" :
				    "resp.differs"));
			html_raw(&p->h, "</td><td class=\"num\">");
			if (a != NULL && page_js(a, "amount") != NULL)
				page_amount(p, page_js(a, "amount"), page_js(it, "currency"));
			html_fill(&p->h, "</td><td>{n}</td>", {"n", a != NULL ? page_js(a, "note") : NULL});
		}
		html_raw(&p->h, "</tr>");
	}
	html_raw(&p->h, "</tbody></table></div></section>");
}

/* The answer: who, when, extra items, the seal. */
void
page_conf_response(page *p, const json_t *response)
{
	size_t i;
	json_t *x;
	const json_t *approver = json_object_get(response, "approver");

	html_fill(&p->h, "<section aria-labelledby=\"h-resp\"><h2 id=\"h-resp\">{t}</h2>",
	    {"t", page_t(p, "resp.title")});
	if (!page_jb(response, "final"))
		html_fill(&p->h, "<p class=\"alert warn\">{t}</p>", {"t", page_t(p, "resp.pending")});
	html_fill(&p->h, "<dl class=\"facts\"><div><dt>{a}</dt><dd>{n} {t}</dd></div>",
	    {"a", page_t(p, "resp.responder")},
	    {"n", page_js(json_object_get(response, "responder"), "name")},
	    {"t", page_js(json_object_get(response, "responder"), "title")});
	if (approver != NULL)
		html_fill(&p->h, "<div><dt>{a}</dt><dd>{n} {t}</dd></div>",
		    {"a", page_t(p, "resp.approver")}, {"n", page_js(approver, "name")},
		    {"t", page_js(approver, "title")});
	html_fill(&p->h, "<div><dt>{a}</dt><dd>", {"a", page_t(p, "resp.submitted_at")});
	page_datetime(p, page_js(response, "submitted_at"));
	html_fill(&p->h, "</dd></div><div><dt>{a}</dt><dd>", {"a", page_t(p, "resp.version")});
	html_int(&p->h, page_ji(response, "version"));
	html_raw(&p->h, "</dd></div>");
	if (page_js(response, "seal") != NULL)
		html_fill(&p->h, "<div><dt>{a}</dt><dd><code class=\"seal\">{s}</code></dd></div>",
		    {"a", page_t(p, "resp.seal")}, {"s", page_js(response, "seal")});
	html_raw(&p->h, "</dl>");
	if (json_array_size(json_object_get(response, "extra_items")) > 0) {
		html_fill(&p->h, "<h3>{t}</h3><div class=\"scroll\" tabindex=\"0\"><table><thead><tr>"
		    "<th scope=\"col\">{a}</th><th scope=\"col\" class=\"num\">{b}</th>"
		    "<th scope=\"col\">{c}</th></tr></thead><tbody>",
		    {"t", page_t(p, "resp.extra")}, {"a", page_t(p, "item.label")},
		    {"b", page_t(p, "resp.amount")}, {"c", page_t(p, "resp.note")});
		json_array_foreach(json_object_get(response, "extra_items"), i, x) {
			html_fill(&p->h, "<tr><th scope=\"row\">{l}</th><td class=\"num\">",
			    {"l", page_js(x, "label")});
			page_amount(p, page_js(x, "amount"), page_js(x, "currency"));
			html_fill(&p->h, "</td><td>{n}</td></tr>", {"n", page_js(x, "note")});
		}
		html_raw(&p->h, "</tbody></table></div>");
	}
	html_raw(&p->h, "</section>");
}

static void
tl_item(page *p, const char *key, const char *ts, const char *who)
{
	if (ts == NULL)
		return;
	html_raw(&p->h, "<li><span class=\"when\">");
	page_datetime(p, ts);
	html_fill(&p->h, "</span> {t}", {"t", page_t(p, key)});
	if (who != NULL)
		html_fill(&p->h, " — {w}", {"w", who});
	html_raw(&p->h, "</li>");
}

static void
timeline(page *p, const json_t *c, const json_t *response)
{
	const json_t *check = json_object_get(c, "address_check");

	html_fill(&p->h, "<section aria-labelledby=\"h-tl\"><h2 id=\"h-tl\">{t}</h2><ol class=\"tl\">",
	    {"t", page_t(p, "conf.timeline")});
	tl_item(p, "tl.created", page_js(c, "created_at"), NULL);
	if (check != NULL) {
		const json_t *what = json_object_get(check, "checked");
		bool valid = json_is_true(json_object_get(check, "valid"));

		/* What was checked is shown with the check: a reader compares it with the
		 * respondent above, and a void one says so in words, not only by colour. */
		tl_item(p, valid ? "tl.address_check" : "tl.address_check_void",
		    page_js(check, "checked_at"),
		    bgw_arena_printf(p->r->a, "%s: %s (%s / %s / %s)", page_js(check, "method"),
		    page_js(check, "note"), page_js(what, "organization"), page_js(what, "email"),
		    page_js(what, "name")));
		if (!valid)
			tl_item(p, "tl.address_check_voided", page_js(check, "voided_at"), NULL);
	}
	tl_item(p, "tl.sent", page_js(c, "sent_at"), NULL);
	if (response != NULL)
		tl_item(p, "tl.answered", page_js(response, "submitted_at"),
		    page_js(json_object_get(response, "responder"), "name"));
	tl_item(p, "tl.updated", page_js(c, "updated_at"), NULL);
	html_raw(&p->h, "</ol></section>");
}

static void
action_form(page *p, const char *verb, const char *button_key, bool with_reason,
    const char *cls)
{
	html_raw(&p->h, "<form method=\"post\"");
	html_attr_url(&p->h, "action", bgw_arena_printf(p->r->a, "/confirmations/%s/%s",
	    cid_of(p->r), verb));
	html_attr(&p->h, "class", cls != NULL ? cls : "act");
	html_raw(&p->h, ">");
	p->form = verb;
	page_csrf(p);
	if (with_reason)
		page_textarea(p, "reason", "f.reason", NULL, true);
	html_fill(&p->h, "<button type=\"submit\">{t}</button></form>", {"t", page_t(p, button_key)});
	p->form = NULL;
}

static void
action_open(page *p, const char *verb)
{
	html_raw(&p->h, "<form method=\"post\" class=\"act\"");
	html_attr_url(&p->h, "action", bgw_arena_printf(p->r->a, "/confirmations/%s/%s",
	    cid_of(p->r), verb));
	html_raw(&p->h, ">");
	p->form = verb;
	page_csrf(p);
}

static void
action_close(page *p, const char *button_key)
{
	html_fill(&p->h, "<button type=\"submit\">{t}</button></form>", {"t", page_t(p, button_key)});
	p->form = NULL;
}

static void
link_button(page *p, const char *href, const char *key)
{
	html_raw(&p->h, "<p><a class=\"button\"");
	html_attr_url(&p->h, "href", href);
	html_fill(&p->h, ">{t}</a></p>", {"t", page_t(p, key)});
}

static void
reconciling_kinds(page *p)
{
	html_fill(&p->h, "<div class=\"field\"><label for=\"f-resolve-kind\">{l}</label>"
	    "<select id=\"f-resolve-kind\" name=\"kind\">", {"l", page_t(p, "f.rec_kind")});
	for (int i = 0; reconcile_kinds[i] != NULL; i++) {
		html_raw(&p->h, "<option");
		html_attr(&p->h, "value", reconcile_kinds[i]);
		html_raw(&p->h, ">");
		html_text(&p->h, page_t(p, key2(p->r->a, "kind", reconcile_kinds[i])));
		html_raw(&p->h, "</option>");
	}
	html_raw(&p->h, "</select></div>");
}

static bool
final_answer(const json_t *c)
{
	const json_t *resp = json_object_get(c, "response");

	return resp != NULL && page_jb(resp, "final");
}

/* A form with the way the respondent's first-access code is to travel: the send (the
 * channel needed when the organisation holds no code in this project yet; lib/flow/confflow.h)
 * and the audit admin's reissue of a lost code. */
static void
channel_form(page *p, const char *verb, const char *help_key, const char *button_key,
    const char *cls)
{
	static const char *const channels[][2] = {{"phone", "conf.channel_phone"},
		{"letter", "conf.channel_letter"}, {"mail", "conf.channel_mail"}};

	html_raw(&p->h, "<form method=\"post\"");
	html_attr_url(&p->h, "action", bgw_arena_printf(p->r->a, "/confirmations/%s/%s",
	    cid_of(p->r), verb));
	html_attr(&p->h, "class", cls);
	html_raw(&p->h, ">");
	p->form = verb;
	page_csrf(p);
	html_fill(&p->h, "<fieldset><legend>{t}</legend><p class=\"note\">{h}</p>",
	    {"t", page_t(p, "conf.code_channel")}, {"h", page_t(p, help_key)});
	for (size_t i = 0; i < sizeof(channels) / sizeof(channels[0]); i++) {
		const char *id = bgw_arena_printf(p->r->a, "f-%s-%s", verb, channels[i][0]);

		html_raw(&p->h, "<div class=\"check\"><input type=\"radio\" name=\"code_channel\"");
		html_attr(&p->h, "id", id);
		html_attr(&p->h, "value", channels[i][0]);
		html_raw(&p->h, "><label");
		html_attr(&p->h, "for", id);
		html_fill(&p->h, ">{t}</label></div>", {"t", page_t(p, channels[i][1])});
	}
	html_raw(&p->h, "</fieldset>");
	html_fill(&p->h, "<button type=\"submit\">{t}</button></form>", {"t", page_t(p, button_key)});
	p->form = NULL;
}

/* Every action this user may take now; nothing else is shown. */
static void
actions(page *p, const json_t *c)
{
	bgw_request *r = p->r;
	const char *st = page_js(c, "status");
	policy_subject s = page_subject(r);
	size_t before;

	html_fill(&p->h, "<section aria-labelledby=\"h-act\" class=\"actions-box\">"
	    "<h2 id=\"h-act\">{t}</h2>", {"t", page_t(p, "conf.actions")});
	before = p->h.len;
	if (page_may(r, st, WF_EDIT))
		link_button(p, bgw_arena_printf(r->a, "/confirmations/%s/edit", cid_of(r)), "act.edit");
	if (page_may(r, st, WF_SUBMIT))
		action_form(p, "submit", "act.submit", false, NULL);
	if (page_may(r, st, WF_AUTHORIZE))
		action_form(p, "authorize", "act.authorize", false, "act primary");
	if (page_may(r, st, WF_RETURN_TO_DRAFT))
		action_form(p, "return", "act.return", true, NULL);
	if (page_may(r, st, WF_REFUSE))
		action_form(p, "refuse", "act.refuse", true, NULL);
	if (page_may(r, st, WF_ADDRESS_CHECK)) {
		html_fill(&p->h, "<h3>{t}</h3>", {"t", page_t(p, "conf.address_check")});
		action_open(p, "address-check");
		page_input(p, "method", "text", "conf.check_method", NULL, "off", true);
		page_textarea(p, "note", "conf.check_note", NULL, true);
		action_close(p, "act.address_check");
	}
	if (page_may(r, st, WF_SEND))
		channel_form(p, "send", "conf.code_channel_help", "act.send", "act primary");
	if (page_may(r, st, r->target.facts.admin ? WF_RESPOND_ADMIN : WF_RESPOND_MEMBER) ||
	    (strcmp(st, "sent") == 0 && page_may(r, "opened", r->target.facts.admin ?
	    WF_RESPOND_ADMIN : WF_RESPOND_MEMBER)))
		link_button(p, bgw_arena_printf(r->a, "/confirmations/%s/answer", cid_of(r)),
		    "act.answer");
	if (page_may(r, st, WF_APPROVE)) {
		action_open(p, "approve");
		page_input(p, "approver_name", "text", "f.approver_name", r->user.name, "name", true);
		page_input(p, "approver_title", "text", "f.approver_title", NULL, "organization-title",
		    false);
		action_close(p, "act.approve");
	}
	if (page_may(r, st, WF_SEND_BACK))
		action_form(p, "send-back", "act.send_back", true, NULL);
	if (page_may(r, st, WF_DECLINE))
		action_form(p, "decline", "act.decline", true, NULL);
	if (page_may(r, st, WF_REVIEW_AGREED)) {
		action_open(p, "review");
		html_fill(&p->h, "<fieldset><legend>{t}</legend>"
		    "<div class=\"check\"><input type=\"radio\" id=\"f-review-agreed\" name=\"result\" "
		    "value=\"agreed\" required><label for=\"f-review-agreed\">{a}</label></div>"
		    "<div class=\"check\"><input type=\"radio\" id=\"f-review-exception\" name=\"result\" "
		    "value=\"exception\"><label for=\"f-review-exception\">{e}</label></div></fieldset>",
		    {"t", page_t(p, "act.review")}, {"a", page_t(p, "act.review_agreed")},
		    {"e", page_t(p, "act.review_exception")});
		page_textarea(p, "note", "f.note", NULL, false);
		action_close(p, "act.review");
	}
	if (page_may(r, st, WF_RESOLVE)) {
		html_fill(&p->h, "<h3>{t}</h3>", {"t", page_t(p, "act.resolve")});
		action_open(p, "resolve");
		reconciling_kinds(p);
		page_input(p, "currency", "text", "item.currency", "JPY", "off", true);
		page_input(p, "amount", "text", "f.rec_amount", NULL, "off", true);
		page_textarea(p, "note", "f.note", NULL, true);
		action_close(p, "act.resolve");
	}
	if (page_may(r, st, WF_ASK_AGAIN))
		action_form(p, "ask-again", "act.ask_again", true, NULL);
	if (page_may(r, st, WF_CLOSE_ALTERNATIVE)) {
		action_open(p, "close");
		page_textarea(p, "alternative_procedures", "f.alternative", NULL, true);
		action_close(p, "act.close");
	}
	if (page_may(r, st, WF_REMIND))
		action_form(p, "remind", "act.remind", false, NULL);
	if (page_may(r, st, WF_SHARE)) {
		action_open(p, "share");
		html_raw(&p->h, "<input type=\"hidden\" name=\"with_client\"");
		html_attr(&p->h, "value", page_jb(c, "shared_with_client") ? "false" : "true");
		html_raw(&p->h, ">");
		action_close(p, page_jb(c, "shared_with_client") ? "act.unshare" : "act.share");
	}
	if (page_may(r, st, WF_CANCEL))
		action_form(p, "cancel", "act.cancel", true, "act danger");
	/* A lost respondent code: the audit admin issues a new one once the request is out. */
	if (page_js(c, "sent_at") != NULL && !r->target.facts.project_completed &&
	    policy_decide(ACT_CONF_SEND, &s, &r->target.facts) == BGW_OK)
		channel_form(p, "respondent-code", "conf.code_reissue_help", "act.respondent_code",
		    "act");
	if (final_answer(c) && policy_decide(ACT_CONF_RECEIPT, &s, &r->target.facts) == BGW_OK) {
		link_button(p, bgw_arena_printf(r->a, "/confirmations/%s/receipt", cid_of(r)),
		    "act.receipt");
		link_button(p, bgw_arena_printf(r->a, "/api/v1/confirmations/%s/receipt.pdf",
		    cid_of(r)), "rcpt.pdf");
	}
	/* The paper bridge: a letter with a fresh respondent code, for a request still out. */
	if (st != NULL && (strcmp(st, "sent") == 0 || strcmp(st, "opened") == 0) &&
	    !r->target.facts.project_completed &&
	    policy_decide(ACT_CONF_LETTER, &s, &r->target.facts) == BGW_OK)
		link_button(p, bgw_arena_printf(r->a, "/api/v1/confirmations/%s/letter.pdf?code=new",
		    cid_of(r)), "letter.pdf");
	if (p->h.len == before)
		html_fill(&p->h, "<p>{t}</p>", {"t", page_t(p, "conf.no_actions")});
	html_raw(&p->h, "</section>");
}

/* The page; err_form names the action whose POST failed validation (its errors shown);
 * code, when not NULL, is a respondent code just issued for the phone or a letter, shown
 * this once (nothing else can show it again). */
static bgw_err
view_code(bgw_request *r, int status, const char *err_form, const char *code)
{
	conf_actor who = actor_conf(r);
	conf_view_in in = actor_conf_view(r);
	json_t *c;
	const json_t *response;
	page p;
	bgw_err err = conf_view(r->app->db, r->a, &who, &in, &c);

	if (err != BGW_OK)
		return err;
	response = json_object_get(c, "response");
	page_init(&p, r, NULL);
	p.err_form = err_form;
	p.title = bgw_arena_printf(r->a, "%s %s", page_t(&p, "conf.title"), page_js(c, "reference"));
	html_fill(&p.h, "<p class=\"crumbs\"><a href=\"{home}\">{projects}</a></p><h1>{t}</h1>",
	    {"home", "/projects"}, {"projects", page_t(&p, "nav.projects")}, {"t", p.title});
	page_flash(&p);
	if (code != NULL)
		html_fill(&p.h, "<div class=\"alert ok\" role=\"status\" data-respondent-code>"
		    "<p>{t}</p><p class=\"code\">{code}</p></div>",
		    {"t", page_t(&p, "conf.code_shown")}, {"code", code});
	if (err_form != NULL) {
		p.form = err_form;
		page_errors(&p);
		p.form = NULL;
	}
	html_raw(&p.h, "<div class=\"cols\"><div class=\"main-col\">");
	facts(&p, c);
	items(&p, c, response);
	if (response != NULL)
		page_conf_response(&p, response);
	timeline(&p, c, response);
	if ((err = page_conf_history(&p)) != BGW_OK ||
	    (err = page_conf_documents(&p)) != BGW_OK ||
	    (err = page_conf_comments(&p)) != BGW_OK)
		return err;
	html_raw(&p.h, "</div><div class=\"side-col\">");
	actions(&p, c);
	html_raw(&p.h, "</div></div>");
	return page_send(&p, status);
}

static bgw_err
view(bgw_request *r, int status, const char *err_form)
{
	return view_code(r, status, err_form, NULL);
}

bgw_err
page_conf(bgw_request *r)
{
	return view(r, 200, NULL);
}

static bgw_err
done(bgw_request *r, bgw_err err, const char *verb)
{
	if (err == BGW_E_VALIDATION)
		return view(r, 422, verb);
	if (err != BGW_OK)
		return err;
	return page_redirect(r, bgw_arena_printf(r->a, "/confirmations/%s?m=msg.done", cid_of(r)));
}

static bgw_err
plain(bgw_request *r, enum wf_action act, const char *verb, bool reason)
{
	conf_actor who = actor_conf(r);
	const char *why = NULL;
	static const field_spec none[] = {{.name = NULL}};
	bgw_err err = page_fields(r, reason ? reason_fields : none);

	if (err == BGW_OK && reason)
		why = fields_get(r->fields, reason_fields, "reason")->s;
	if (err == BGW_OK)
		err = conf_transition(r->app->db, r->a, &who, cid_of(r), act, why, NULL);
	return done(r, err, verb);
}

bgw_err page_conf_submit(bgw_request *r) { return plain(r, WF_SUBMIT, "submit", false); }
bgw_err page_conf_authorize(bgw_request *r) { return plain(r, WF_AUTHORIZE, "authorize", false); }
bgw_err page_conf_return(bgw_request *r) { return plain(r, WF_RETURN_TO_DRAFT, "return", true); }
bgw_err page_conf_refuse(bgw_request *r) { return plain(r, WF_REFUSE, "refuse", true); }
bgw_err page_conf_cancel(bgw_request *r) { return plain(r, WF_CANCEL, "cancel", true); }
bgw_err page_conf_ask_again(bgw_request *r) { return plain(r, WF_ASK_AGAIN, "ask-again", true); }
bgw_err page_conf_decline(bgw_request *r) { return plain(r, WF_DECLINE, "decline", true); }

bgw_err
page_conf_close(bgw_request *r)
{
	conf_actor who = actor_conf(r);
	bgw_err err = page_fields(r, close_fields);

	if (err == BGW_OK)
		err = conf_transition(r->app->db, r->a, &who, cid_of(r), WF_CLOSE_ALTERNATIVE, NULL,
		    fields_get(r->fields, close_fields, "alternative_procedures")->s);
	return done(r, err, "close");
}

bgw_err
page_conf_address_check(bgw_request *r)
{
	conf_actor who = actor_conf(r);
	bgw_err err = page_fields(r, address_check_fields);

	if (err == BGW_OK)
		err = conf_address_check(r->app->db, r->a, &who, cid_of(r),
		    fields_get(r->fields, address_check_fields, "method")->s,
		    fields_get(r->fields, address_check_fields, "note")->s);
	return done(r, err, "address-check");
}

bgw_err
page_conf_send(bgw_request *r)
{
	conf_actor who = actor_conf(r);
	conf_mailer m;
	conf_code code = {.code = ""};
	const field_value *channel;
	bgw_err err = page_fields(r, send_fields);

	if (err == BGW_OK)
		err = actor_mailer(r, &m);
	if (err == BGW_OK) {
		channel = fields_get(r->fields, send_fields, "code_channel");
		err = conf_send_with_code(r->app->db, r->a, &who, cid_of(r), &m,
		    channel->present ? channel->s : NULL, &code, &r->field_errors);
	}
	/* Phone or letter: the page after the send is the one place the code is shown. */
	if (err == BGW_OK && code.code[0] != '\0') {
		err = view_code(r, 200, NULL, code.code);
		OPENSSL_cleanse(code.code, sizeof(code.code));
		return err;
	}
	return done(r, err, "send");
}

bgw_err
page_conf_respondent_code(bgw_request *r)
{
	conf_actor who = actor_conf(r);
	conf_mailer m;
	conf_code code = {.code = ""};
	bgw_err err = page_fields(r, respondent_code_fields);

	if (err == BGW_OK)
		err = actor_mailer(r, &m);
	if (err == BGW_OK)
		err = conf_respondent_code(r->app->db, r->a, &who, cid_of(r), &m,
		    fields_get(r->fields, respondent_code_fields, "code_channel")->s, true, &code);
	if (err == BGW_OK && code.code[0] != '\0') {
		err = view_code(r, 200, NULL, code.code);
		OPENSSL_cleanse(code.code, sizeof(code.code));
		return err;
	}
	return done(r, err, "respondent-code");
}

bgw_err
page_conf_remind(bgw_request *r)
{
	conf_actor who = actor_conf(r);
	conf_mailer m;
	bgw_err err = actor_mailer(r, &m);

	if (err == BGW_OK)
		err = conf_remind(r->app->db, r->a, &who, cid_of(r), &m);
	return done(r, err, "remind");
}

static const field_spec approve_form_fields[] = {
	{.name = "approver_name", .type = FIELD_STRING, .required = true, .max_len = 200},
	{.name = "approver_title", .type = FIELD_STRING, .max_len = 200},
	{.name = NULL},
};

bgw_err
page_conf_approve(bgw_request *r)
{
	conf_actor who = actor_conf(r);
	const field_value *title;
	bgw_err err = page_fields(r, approve_form_fields);

	if (err == BGW_OK) {
		title = fields_get(r->fields, approve_form_fields, "approver_title");
		err = conf_approve(r->app->db, r->a, &who, cid_of(r),
		    fields_get(r->fields, approve_form_fields, "approver_name")->s,
		    title->present ? title->s : "", NULL);
	}
	return done(r, err, "approve");
}

bgw_err
page_conf_send_back(bgw_request *r)
{
	conf_actor who = actor_conf(r);
	bgw_err err = page_fields(r, reason_fields);

	if (err == BGW_OK)
		err = conf_send_back(r->app->db, r->a, &who, cid_of(r),
		    fields_get(r->fields, reason_fields, "reason")->s);
	return done(r, err, "send-back");
}

bgw_err
page_conf_review(bgw_request *r)
{
	conf_actor who = actor_conf(r);
	const field_value *note;
	bgw_err err = page_fields(r, review_fields);

	if (err == BGW_OK) {
		note = fields_get(r->fields, review_fields, "note");
		err = conf_review(r->app->db, r->a, &who, cid_of(r),
		    strcmp(fields_get(r->fields, review_fields, "result")->s, "agreed") == 0,
		    note->present ? note->s : NULL);
	}
	return done(r, err, "review");
}

static const field_spec resolve_note_fields[] = {
	{.name = "note", .type = FIELD_TEXT, .required = true, .max_len = 10000},
	{.name = NULL},
};

/* One reconciling item from the form, checked by the API's own rules (lib/flow/reconcile.h). */
bgw_err
page_conf_resolve(bgw_request *r)
{
	conf_actor who = actor_conf(r);
	reconciling_in item;
	bgw_kv **tail;
	bgw_err err = page_fields(r, resolve_note_fields), err2;

	if (err != BGW_OK && err != BGW_E_VALIDATION)
		return done(r, err, "resolve");
	for (tail = &r->field_errors; *tail != NULL; tail = &(*tail)->next)
		;
	/* Both checks run, so the form shows every mistake at once. */
	err2 = reconcile_from_form(r->a, r->form, &item, &tail);
	if (err == BGW_OK)
		err = err2;
	if (err == BGW_OK)
		err = conf_resolve(r->app->db, r->a, &who, cid_of(r), &item, 1,
		    fields_get(r->fields, resolve_note_fields, "note")->s);
	return done(r, err, "resolve");
}

bgw_err
page_conf_share(bgw_request *r)
{
	conf_actor who = actor_conf(r);
	bgw_err err = page_fields(r, share_fields);

	if (err == BGW_OK)
		err = conf_share(r->app->db, r->a, &who, cid_of(r),
		    fields_get(r->fields, share_fields, "with_client")->b);
	return done(r, err, "share");
}
