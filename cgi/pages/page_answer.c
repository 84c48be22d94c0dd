/* page_answer.c - GET/POST /confirmations/{cid}/answer: the respondent's answer form.
 *
 * Per item: agrees, or the actual amount and an explanation; a bank confirmation may add
 * items not asked for; the responder's name and title.  Field names are the API's JSON
 * paths ("items[1].amount", "responder.name"): the form becomes the API body and is checked
 * by the same resp_input_from_json, then stored by conf_respond (a member's answer waits
 * for the organisation's admin; an admin's is final at once).
 *
 * Attachments are part of the same form, so nothing typed is lost to an upload: its
 * "attach" button sends the whole form, multipart, to the documents route
 * (page_conf_records.c), which stores the file and shows this form again with what was
 * typed (page_answer_again).  Without scripting that is a page load; app.js sends it in the
 * background with a progress bar and swaps in only the attachments section.  A file chosen
 * but not attached when the answer itself is sent (urlencoded: only its name comes) stops
 * the answer with that said beside the field, rather than dropping the file unnoticed. */
#include "pages/page.h"
#include "pages/page_conf_records.h"

#include <string.h>

#include "actor.h"
#include "flow/confflow.h"
#include "flow/confinput.h"
#include "flow/confirmation.h"
#include "files/document.h"

#define EXTRA_ROWS 3

static const char *const extra_keys[] = {"label", "currency", "amount", "note", NULL};

static const char *
posted(const bgw_request *r, const char *name)
{
	return r->form != NULL ? kv_get(r->form, name) : NULL;
}

static void
agrees_radios(page *p, size_t i, const char *item_label)
{
	const char *name = bgw_arena_printf(p->r->a, "items[%zu].agrees", i);
	const char *now = posted(p->r, name), *why = page_field_reason(p, name);
	const char *id_yes = bgw_arena_printf(p->r->a, "f-ans-items-%zu--agrees", i);
	const char *id_no = bgw_arena_printf(p->r->a, "f-ans-items-%zu--differs", i);

	html_fill(&p->h, "<fieldset><legend>{l}</legend>", {"l", item_label});
	if (why != NULL)
		html_fill(&p->h, "<p class=\"ferr\">{w}</p>", {"w", why});
	html_raw(&p->h, "<div class=\"check\"><input type=\"radio\" value=\"true\" required");
	html_attr(&p->h, "id", id_yes);
	html_attr(&p->h, "name", name);
	html_flag(&p->h, "checked", now != NULL && strcmp(now, "true") == 0);
	html_raw(&p->h, "><label");
	html_attr(&p->h, "for", id_yes);
	html_fill(&p->h, ">{t}</label></div><div class=\"check\"><input type=\"radio\" "
	    "value=\"false\"", {"t", page_t(p, "ans.agree")});
	html_attr(&p->h, "id", id_no);
	html_attr(&p->h, "name", name);
	html_flag(&p->h, "checked", now != NULL && strcmp(now, "false") == 0);
	html_raw(&p->h, "><label");
	html_attr(&p->h, "for", id_no);
	html_fill(&p->h, ">{t}</label></div></fieldset>", {"t", page_t(p, "ans.differ")});
}

static void
item_block(page *p, size_t i, const json_t *it)
{
	const char *pre = bgw_arena_printf(p->r->a, "items[%zu].", i);
	const char *amount_name = bgw_arena_printf(p->r->a, "%samount", pre);
	const char *note_name = bgw_arena_printf(p->r->a, "%snote", pre);

	html_fill(&p->h, "<section class=\"card\"><h3>{l}</h3><p class=\"sub\">{ref} ",
	    {"l", page_js(it, "label")}, {"ref", page_js(it, "reference")});
	page_amount(p, page_js(it, "amount"), page_js(it, "currency"));
	html_raw(&p->h, "</p><input type=\"hidden\"");
	html_attr(&p->h, "name", bgw_arena_printf(p->r->a, "%sitem_id", pre));
	html_attr(&p->h, "value", page_js(it, "id"));
	html_raw(&p->h, ">");
	agrees_radios(p, i, bgw_arena_printf(p->r->a, "%s: %s", page_t(p, "resp.result"),
	    page_js(it, "label")));
	page_input(p, amount_name, "text", "ans.amount", posted(p->r, amount_name), "off", false);
	page_textarea(p, note_name, "resp.note", posted(p->r, note_name), false);
	html_raw(&p->h, "</section>");
}

static void
extra_rows(page *p)
{
	html_fill(&p->h, "<fieldset><legend>{l}</legend><p class=\"note\">{h}</p>",
	    {"l", page_t(p, "ans.extra")}, {"h", page_t(p, "ans.extra_help")});
	for (size_t j = 0; j < EXTRA_ROWS; j++) {
		html_fill(&p->h, "<fieldset class=\"card\"><legend>{t} ", {"t", page_t(p, "cform.item_n")});
		html_int(&p->h, (long long)j + 1);
		html_raw(&p->h, "</legend>");
		for (int k = 0; extra_keys[k] != NULL; k++) {
			const char *name = bgw_arena_printf(p->r->a, "extra_items[%zu].%s", j,
			    extra_keys[k]);
			const char *label = strcmp(extra_keys[k], "note") == 0 ? "resp.note" :
			    bgw_arena_printf(p->r->a, "item.%s", extra_keys[k]);

			page_input(p, name, "text", label, posted(p->r, name), "off", false);
		}
		html_raw(&p->h, "</fieldset>");
	}
	html_raw(&p->h, "</fieldset>");
}

/* The attachments already stored, the file field and its "attach" button, inside the
 * answer form (the last thing before its submit button, so that every typed field comes
 * before the file in the multipart body). */
static bgw_err
attachments(page *p, const char *attached)
{
	bgw_request *r = p->r;
	const char *why = page_field_reason(p, "file");
	json_t *list, *it;
	size_t i;
	bgw_err err = doc_list_json(r->app->db, r->a, r->target.project_id,
	    r->target.confirmation_id, &r->target.facts, &list);

	if (err != BGW_OK)
		return err;
	html_fill(&p->h, "<section class=\"card\" id=\"attachments\" aria-labelledby=\"h-att\">"
	    "<h2 id=\"h-att\">{t}</h2><p class=\"note\">{h}</p>",
	    {"t", page_t(p, "doc.attachments")}, {"h", page_t(p, "ans.attach_help")});
	if (attached != NULL)
		html_fill(&p->h, "<div class=\"alert ok\" role=\"status\"><p>{t} {n}</p></div>",
		    {"t", page_t(p, "ans.attached")}, {"n", attached});
	if (json_array_size(json_object_get(list, "items")) > 0) {
		html_raw(&p->h, "<ul class=\"docs\">");
		json_array_foreach(json_object_get(list, "items"), i, it) {
			html_raw(&p->h, "<li>");
			page_doc_link(p, it);
			html_raw(&p->h, "</span></li>");
		}
		html_raw(&p->h, "</ul>");
	}
	html_fill(&p->h, "<div class=\"field\"><label for=\"f-ans-file\">{l}</label>",
	    {"l", page_t(p, "doc.file")});
	if (why != NULL)
		html_fill(&p->h, "<p class=\"ferr\" id=\"f-ans-file-err\">{w}</p>", {"w", why});
	html_raw(&p->h, "<input id=\"f-ans-file\" name=\"file\" type=\"file\"");
	if (why != NULL)
		html_raw(&p->h, " aria-invalid=\"true\" aria-describedby=\"f-ans-file-err\"");
	html_raw(&p->h, "></div><button type=\"submit\" name=\"attach\" value=\"1\" "
	    "formenctype=\"multipart/form-data\" formnovalidate data-attach");
	html_attr_url(&p->h, "formaction", bgw_arena_printf(r->a,
	    "/confirmations/%s/documents?next=answer", r->target.confirmation_id));
	html_fill(&p->h, ">{b}</button>", {"b", page_t(p, "ans.attach")});
	page_progress(p, "prog.scanning");
	html_raw(&p->h, "</section>");
	return BGW_OK;
}

/* The journey's answer form (?then=receipt, and its form's field): a final answer goes on
 * to its sealed receipt, the journey's third screen. */
static bool
to_receipt(const bgw_request *r)
{
	const char *then = r->form != NULL ? kv_get(r->form, "then") : kv_get(r->query, "then");

	return then != NULL && strcmp(then, "receipt") == 0;
}

static bgw_err
show(bgw_request *r, int status, const char *attached)
{
	json_t *c;
	page p;
	size_t i;
	json_t *it;
	enum wf_type type;
	bool admin = r->target.facts.admin;
	bgw_err err = conf_get_json(r->app->db, r->a, r->target.confirmation_id,
	    r->target.facts.side, false, &c);

	if (err != BGW_OK)
		return err;
	if (!page_may(r, page_js(c, "status"), admin ? WF_RESPOND_ADMIN : WF_RESPOND_MEMBER))
		return BGW_E_INVALID_STATE;
	page_init(&p, r, "ans.title");
	p.form = p.err_form = "ans";
	html_raw(&p.h, "<p class=\"crumbs\"><a");
	html_attr_url(&p.h, "href", bgw_arena_printf(r->a, "/confirmations/%s",
	    r->target.confirmation_id));
	html_fill(&p.h, ">{ref}</a></p><h1>{t}</h1><p>{intro}</p>", {"ref", page_js(c, "reference")},
	    {"t", p.title}, {"intro", page_t(&p, "ans.intro")});
	page_flash(&p);
	page_errors(&p);
	if (!admin)
		html_fill(&p.h, "<p class=\"alert warn\">{t}</p>", {"t", page_t(&p, "ans.member_note")});
	html_raw(&p.h, "<form method=\"post\" novalidate");
	html_attr_url(&p.h, "action", bgw_arena_printf(r->a, "/confirmations/%s/answer",
	    r->target.confirmation_id));
	html_raw(&p.h, ">");
	page_csrf(&p);
	/* The first-time respondent's journey (page_journey.c) ends on the receipt. */
	if (to_receipt(r))
		html_raw(&p.h, "<input type=\"hidden\" name=\"then\" value=\"receipt\">");
	html_fill(&p.h, "<h2>{t}</h2>", {"t", page_t(&p, "conf.items")});
	json_array_foreach(json_object_get(c, "items"), i, it)
		item_block(&p, i, it);
	if (wf_type_from_string(page_js(c, "type"), &type) && workflow_extra_items_allowed(type))
		extra_rows(&p);
	html_fill(&p.h, "<fieldset><legend>{t}</legend>", {"t", page_t(&p, "resp.responder")});
	page_input(&p, "responder.name", "text", "ans.responder_name",
	    posted(r, "responder.name") != NULL ? posted(r, "responder.name") : r->user.name,
	    "name", true);
	page_input(&p, "responder.title", "text", "ans.responder_title", posted(r, "responder.title"),
	    "organization-title", false);
	html_raw(&p.h, "</fieldset>");
	if (!r->target.facts.project_completed && (err = attachments(&p, attached)) != BGW_OK)
		return err;
	html_fill(&p.h, "<button type=\"submit\" class=\"primary\">{t}</button></form>",
	    {"t", page_t(&p, admin ? "ans.submit" : "ans.submit_member")});
	return page_send(&p, status);
}

bgw_err
page_answer_again(bgw_request *r, int status, const char *attached)
{
	return show(r, status, attached);
}

bgw_err
page_answer(bgw_request *r)
{
	conf_actor who = actor_conf(r);
	bgw_err err;

	/* The answer form is a look at the request: it opens it (sent -> opened). */
	if (!r->target.facts.project_completed &&
	    (err = conf_open(r->app->db, r->a, &who, r->target.confirmation_id)) != BGW_OK)
		return err;
	return show(r, 200, NULL);
}

static json_t *
jstr(const char *s)
{
	return s != NULL && *s != '\0' ? json_string(s) : json_null();
}

static json_t *
jbool(const char *s)
{
	if (s == NULL)
		return json_null();
	return strcmp(s, "true") == 0 ? json_true() : strcmp(s, "false") == 0 ? json_false() :
	    json_string(s);
}

/* The form as the API's body: every item posted (by its hidden item_id), the filled
 * extra rows, the responder. */
static json_t *
body_of(bgw_request *r)
{
	json_t *items = json_array(), *extra = json_array();
	json_t *body = jsonout_own(r->a, json_pack("{s:o, s:o, s:{s:o, s:o}}", "items", items,
	    "extra_items", extra, "responder", "name", jstr(posted(r, "responder.name")),
	    "title", jstr(posted(r, "responder.title"))));
	size_t last = 0;

	if (body == NULL)
		return NULL;
	for (size_t i = 0; i < CONF_ITEMS_MAX; i++) {
		const char *pre = bgw_arena_printf(r->a, "items[%zu].", i);
		const char *id = posted(r, bgw_arena_printf(r->a, "%sitem_id", pre));

		if (id == NULL)
			break;
		json_array_append_new(items, json_pack("{s:s, s:o, s:o, s:o}", "item_id", id,
		    "agrees", jbool(posted(r, bgw_arena_printf(r->a, "%sagrees", pre))),
		    "amount", jstr(posted(r, bgw_arena_printf(r->a, "%samount", pre))),
		    "note", jstr(posted(r, bgw_arena_printf(r->a, "%snote", pre)))));
	}
	for (size_t j = 0; j < EXTRA_ROWS; j++)
		for (int k = 0; extra_keys[k] != NULL; k++) {
			const char *s = posted(r, bgw_arena_printf(r->a, "extra_items[%zu].%s", j,
			    extra_keys[k]));

			/* The currency alone does not make a row. */
			if (s != NULL && *s != '\0' && strcmp(extra_keys[k], "currency") != 0)
				last = j + 1;
		}
	for (size_t j = 0; j < last; j++) {
		json_t *x = json_object();

		for (int k = 0; extra_keys[k] != NULL; k++)
			json_object_set_new(x, extra_keys[k], jstr(posted(r,
			    bgw_arena_printf(r->a, "extra_items[%zu].%s", j, extra_keys[k]))));
		json_array_append_new(extra, x);
	}
	return body;
}

bgw_err
page_answer_post(bgw_request *r)
{
	conf_actor who = actor_conf(r);
	json_t *body = body_of(r);
	bgw_err err;

	if (body == NULL)
		return BGW_E_NOMEM;
	/* A file chosen but never attached (its name is all an urlencoded form sends). */
	if (posted(r, "file") != NULL && *posted(r, "file") != '\0') {
		if ((err = request_field_error(r, "file", "not_attached")) != BGW_E_VALIDATION)
			return err;
		return show(r, 422, NULL);
	}
	err = conf_answer(r->app->db, r->a, &who, r->target.confirmation_id,
	    r->target.facts.admin, body, NULL, &r->field_errors);
	if (err == BGW_E_VALIDATION)
		return show(r, 422, NULL);
	if (err != BGW_OK)
		return err;
	return page_redirect(r, bgw_arena_printf(r->a, r->target.facts.admin && to_receipt(r) ?
	    "/confirmations/%s/receipt?m=msg.done" : "/confirmations/%s?m=msg.done",
	    r->target.confirmation_id));
}
