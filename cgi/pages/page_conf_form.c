/* page_conf_form.c - the confirmation form: a new draft (GET/POST
 * /projects/{pid}/confirmations/new) and editing a draft (GET/POST /confirmations/{cid}/edit).
 *
 * The form's field names are the API's JSON paths ("respondent.email", "items[2].amount"),
 * so the form is turned into the API's JSON body and given to the same use case
 * (conf_draft_create, conf_draft_edit); every error it names lands beside the input of that
 * name. */
#include "pages/page.h"

#include <stdio.h>
#include <string.h>

#include "actor.h"
#include "flow/confflow.h"
#include "flow/confinput.h"
#include "flow/confirmation.h"
#include "flow/workflow.h"

#define FORM_ROWS 5 /* empty item rows of a new draft; an edit shows every item */

static const char *const item_keys[] = {"label", "reference", "currency", "amount", NULL};

/* A value of the stored confirmation (edit) or of the posted form (after an error). */
typedef struct values {
	const bgw_kv *form; /* the posted form, or NULL */
	const json_t *conf; /* the stored confirmation, or NULL */
} values;

static const char *
item_value(bgw_arena *a, const values *v, size_t i, const char *key)
{
	if (v->form != NULL)
		return kv_get(v->form, bgw_arena_printf(a, "items[%zu].%s", i, key));
	if (v->conf != NULL)
		return page_js(json_array_get(json_object_get(v->conf, "items"), i), key);
	return strcmp(key, "currency") == 0 ? "JPY" : NULL;
}

static const char *
value(const values *v, const char *name)
{
	const json_t *resp;

	if (v->form != NULL)
		return kv_get(v->form, name);
	if (v->conf == NULL)
		return NULL;
	resp = json_object_get(v->conf, "respondent");
	if (strncmp(name, "respondent.", 11) == 0)
		return page_js(resp, name + 11);
	return page_js(v->conf, name);
}

static const char *
key2(bgw_arena *a, const char *prefix, const char *v)
{
	return bgw_arena_printf(a, "%s.%s", prefix, v != NULL ? v : "");
}

/* The error text and aria attributes of a hand-written control. */
static void
ferr(page *p, const char *id, const char *name)
{
	const char *why = page_field_reason(p, name);

	if (why != NULL)
		html_fill(&p->h, "<p class=\"ferr\" id=\"{id}-err\">{w}</p>", {"id", id}, {"w", why});
}

static void
invalid(page *p, const char *id, const char *name)
{
	if (page_field_reason(p, name) != NULL) {
		html_raw(&p->h, " aria-invalid=\"true\"");
		html_attr(&p->h, "aria-describedby", bgw_arena_printf(p->r->a, "%s-err", id));
	}
}

/* A <select> of field name (id "f-conf-<id>") over names, each option labelled by the
 * catalogue's "<prefix>.<name>". */
static void
select_field(page *p, const char *name, const char *id, const char *label_key,
    const char *const *names, const char *prefix, const char *current)
{
	const char *fid = bgw_arena_printf(p->r->a, "f-conf-%s", id);

	html_raw(&p->h, "<div class=\"field\"><label");
	html_attr(&p->h, "for", fid);
	html_fill(&p->h, ">{l}</label>", {"l", page_t(p, label_key)});
	ferr(p, fid, name);
	html_raw(&p->h, "<select required");
	html_attr(&p->h, "id", fid);
	html_attr(&p->h, "name", name);
	invalid(p, fid, name);
	html_raw(&p->h, ">");
	for (int i = 0; names[i] != NULL; i++) {
		html_raw(&p->h, "<option");
		html_attr(&p->h, "value", names[i]);
		html_flag(&p->h, "selected", current != NULL && strcmp(current, names[i]) == 0);
		html_raw(&p->h, ">");
		html_text(&p->h, page_t(p, key2(p->r->a, prefix, names[i])));
		html_raw(&p->h, "</option>");
	}
	html_raw(&p->h, "</select></div>");
}

static void
type_select(page *p, const char *current)
{
	select_field(p, "type", "type", "conf.type", wf_type_names, "type", current);
}

static void
form_radios(page *p, const char *current)
{
	if (current == NULL)
		current = "positive";
	html_fill(&p->h, "<fieldset><legend>{l}</legend>", {"l", page_t(p, "conf.form")});
	ferr(p, "f-conf-form", "form");
	for (int i = 0; wf_form_names[i] != NULL; i++) {
		const char *id = bgw_arena_printf(p->r->a, "f-conf-form-%s", wf_form_names[i]);

		html_raw(&p->h, "<div class=\"check\"><input type=\"radio\" name=\"form\"");
		html_attr(&p->h, "id", i == 0 ? "f-conf-form" : id);
		html_attr(&p->h, "value", wf_form_names[i]);
		html_flag(&p->h, "checked", strcmp(current, wf_form_names[i]) == 0);
		html_raw(&p->h, "><label");
		html_attr(&p->h, "for", i == 0 ? "f-conf-form" : id);
		html_fill(&p->h, ">{t}</label></div>", {"t", page_t(p, key2(p->r->a, "form", wf_form_names[i]))});
	}
	html_fill(&p->h, "<p class=\"note\">{t}</p></fieldset>", {"t", page_t(p, "cform.form_help")});
}

/* How many item rows to show: FORM_ROWS, or every stored (or posted) item and one empty
 * row, so editing a draft with many items never drops any. */
static size_t
row_count(bgw_arena *a, const values *v)
{
	size_t n = 0;

	if (v->conf != NULL)
		n = json_array_size(json_object_get(v->conf, "items")) + 1;
	if (v->form != NULL)
		while (n < CONF_ITEMS_MAX &&
		    kv_get(v->form, bgw_arena_printf(a, "items[%zu].currency", n)) != NULL)
			n++;
	if (n > CONF_ITEMS_MAX)
		n = CONF_ITEMS_MAX;
	return n > FORM_ROWS ? n : FORM_ROWS;
}

static void
item_rows(page *p, const values *v)
{
	size_t rows = row_count(p->r->a, v);

	html_fill(&p->h, "<fieldset><legend>{l}</legend><p class=\"note\">{h}</p>",
	    {"l", page_t(p, "conf.items")}, {"h", page_t(p, "cform.items_help")});
	for (size_t i = 0; i < rows; i++) {
		html_fill(&p->h, "<fieldset class=\"card\"><legend>{t} ", {"t", page_t(p, "cform.item_n")});
		html_int(&p->h, (long long)i + 1);
		html_raw(&p->h, "</legend>");
		for (int k = 0; item_keys[k] != NULL; k++) {
			const char *name = bgw_arena_printf(p->r->a, "items[%zu].%s", i, item_keys[k]);

			page_input(p, name, "text", key2(p->r->a, "item", item_keys[k]),
			    item_value(p->r->a, v, i, item_keys[k]), "off", i == 0 &&
			    (strcmp(item_keys[k], "label") == 0 || strcmp(item_keys[k], "currency") == 0));
		}
		html_raw(&p->h, "</fieldset>");
	}
	html_raw(&p->h, "</fieldset>");
}

/* The form page; cid NULL for a new draft. */
static bgw_err
show(bgw_request *r, int status, const char *cid, const values *v)
{
	page p;
	const char *action = cid != NULL ? bgw_arena_printf(r->a, "/confirmations/%s/edit", cid) :
	    bgw_arena_printf(r->a, "/projects/%s/confirmations/new", r->target.project_id);
	const char *back = cid != NULL ? bgw_arena_printf(r->a, "/confirmations/%s", cid) :
	    bgw_arena_printf(r->a, "/projects/%s", r->target.project_id);

	page_init(&p, r, cid != NULL ? "cform.edit_title" : "cform.new_title");
	p.form = p.err_form = "conf";
	html_raw(&p.h, "<p class=\"crumbs\"><a");
	html_attr_url(&p.h, "href", back);
	html_fill(&p.h, ">{b}</a></p><h1>{t}</h1>", {"b", page_t(&p, "common.back")},
	    {"t", p.title});
	page_errors(&p);
	html_raw(&p.h, "<form method=\"post\" class=\"card\" novalidate");
	html_attr_url(&p.h, "action", action);
	html_raw(&p.h, ">");
	page_csrf(&p);
	type_select(&p, value(v, "type"));
	form_radios(&p, value(v, "form"));
	html_fill(&p.h, "<fieldset><legend>{l}</legend>", {"l", page_t(&p, "conf.respondent")});
	/* Said before the client types: after the audit team's check only it changes these. */
	if (r->target.facts.side != SIDE_AUDIT &&
	    json_is_true(json_object_get(v->conf, "respondent_locked")))
		html_fill(&p.h, "<p class=\"note\">{t}</p>", {"t", page_t(&p, "cform.respondent_locked")});
	page_input(&p, "respondent.organization", "text", "conf.respondent_org",
	    value(v, "respondent.organization"), "organization", true);
	page_input(&p, "respondent.email", "email", "conf.respondent_email",
	    value(v, "respondent.email"), "email", true);
	page_input(&p, "respondent.name", "text", "conf.respondent_name",
	    value(v, "respondent.name"), "name", false);
	select_field(&p, "respondent.locale", "respondent-locale", "cform.locale",
	    conf_locale_names, "cform.locale", value(v, "respondent.locale"));
	html_raw(&p.h, "</fieldset>");
	page_input(&p, "as_of", "date", "conf.as_of", value(v, "as_of"), "off", true);
	page_input(&p, "due_date", "date", "conf.due", value(v, "due_date"), "off", true);
	item_rows(&p, v);
	html_fill(&p.h, "<button type=\"submit\" class=\"primary\">{t}</button></form>",
	    {"t", page_t(&p, "cform.save")});
	return page_send(&p, status);
}

/* A form value as JSON: a string, or null when empty (the API's "not given"). */
static json_t *
jstr(const char *s)
{
	return s != NULL && *s != '\0' ? json_string(s) : json_null();
}

static bool
row_empty(const bgw_kv *form, bgw_arena *a, size_t i)
{
	static const char *const filled[] = {"label", "reference", "amount", NULL};

	for (int k = 0; filled[k] != NULL; k++) {
		const char *s = kv_get(form, bgw_arena_printf(a, "items[%zu].%s", i, filled[k]));

		if (s != NULL && *s != '\0')
			return false;
	}
	return true;
}

/* The form as the API's JSON body.  Rows up to the last filled one are items (a blank row
 * between them is reported, not skipped, so error names match the rows on screen). */
static json_t *
body_of(bgw_request *r)
{
	const bgw_kv *f = r->form;
	json_t *items = json_array();
	json_t *body = jsonout_own(r->a, json_pack("{s:o, s:o, s:o, s:o, s:{s:o, s:o, s:o, s:o}, "
	    "s:o}",
	    "type", jstr(kv_get(f, "type")), "form", jstr(kv_get(f, "form")),
	    "as_of", jstr(kv_get(f, "as_of")), "due_date", jstr(kv_get(f, "due_date")),
	    "respondent", "organization", jstr(kv_get(f, "respondent.organization")),
	    "email", jstr(kv_get(f, "respondent.email")), "name", jstr(kv_get(f, "respondent.name")),
	    "locale", jstr(kv_get(f, "respondent.locale")),
	    "items", items));
	size_t last = 0;

	if (body == NULL)
		return NULL;
	for (size_t i = 0; i < CONF_ITEMS_MAX; i++)
		if (!row_empty(f, r->a, i))
			last = i + 1;
	for (size_t i = 0; i < last; i++) {
		json_t *it = json_object();

		for (int k = 0; item_keys[k] != NULL; k++)
			json_object_set_new(it, item_keys[k], jstr(kv_get(f,
			    bgw_arena_printf(r->a, "items[%zu].%s", i, item_keys[k]))));
		json_array_append_new(items, it);
	}
	return body;
}

bgw_err
page_conf_new(bgw_request *r)
{
	values v = {0};

	return show(r, 200, NULL, &v);
}

bgw_err
page_conf_new_post(bgw_request *r)
{
	values v = {.form = r->form};
	conf_actor who = actor_conf(r);
	const char *id;
	json_t *body = body_of(r);
	bgw_err err;

	if (body == NULL)
		return BGW_E_NOMEM;
	err = conf_draft_create(r->app->db, r->a, &who, r->target.project_id, body, &id,
	    &r->field_errors);
	if (err == BGW_E_VALIDATION)
		return show(r, 422, NULL, &v);
	if (err != BGW_OK)
		return err;
	return page_redirect(r, bgw_arena_printf(r->a, "/confirmations/%s?m=msg.saved", id));
}

bgw_err
page_conf_edit(bgw_request *r)
{
	json_t *c;
	values v = {0};
	bgw_err err;

	if (strcmp(r->target.status, "draft") != 0)
		return BGW_E_INVALID_STATE;
	err = conf_get_json(r->app->db, r->a, r->target.confirmation_id, r->target.facts.side,
	    false, &c);
	if (err != BGW_OK)
		return err;
	v.conf = c;
	return show(r, 200, r->target.confirmation_id, &v);
}

bgw_err
page_conf_edit_post(bgw_request *r)
{
	const char *id = r->target.confirmation_id;
	values v = {.form = r->form};
	conf_actor who = actor_conf(r);
	json_t *body = body_of(r);
	conf_edit_in in = actor_conf_edit(r, body);
	bgw_err err;

	if (body == NULL)
		return BGW_E_NOMEM;
	/* A page offers no form for anything but a draft: said before reading the form. */
	if (strcmp(r->target.status, "draft") != 0)
		return BGW_E_INVALID_STATE;
	err = conf_draft_edit(r->app->db, r->a, &who, &in, &r->field_errors);
	if (err == BGW_E_VALIDATION)
		return show(r, 422, id, &v);
	return err == BGW_OK ? page_redirect(r, bgw_arena_printf(r->a,
	    "/confirmations/%s?m=msg.saved", id)) : err;
}
