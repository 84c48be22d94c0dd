/* page_desk.c - /inbox/desk: a respondent desk's bulk answers as plain HTML forms.
 *
 * The same use cases as the API (lib/records/bulkanswer.h): download the open requests as
 * a sheet (links to GET /api/v1/inbox/open.xlsx and open.csv), upload the filled-in sheet
 * (all or nothing, every bad row listed as an import's), and approve a selection of the
 * answers waiting for approval (all or nothing, a reason per request).  The upload form is
 * multipart (page_read_upload): the router has checked its CSRF token first. */
#include "pages/page.h"

#include <string.h>

#include "actor.h"
#include "flow/confirmation.h"
#include "records/bulkanswer.h"

#define DESK_WAITING_MAX 500            /* answers offered for approval on one page */
#define RESPONDER_TITLE_MAX 200         /* a name or title, as the responses table keeps it */

static void
downloads(page *p)
{
	html_fill(&p->h, "<section class=\"card\" aria-labelledby=\"h-dl\"><h2 id=\"h-dl\">{t}</h2>"
	    "<p>{h}</p><ul><li><a download href=\"/api/v1/inbox/open.xlsx\">{x}</a></li>"
	    "<li><a download href=\"/api/v1/inbox/open.csv\">{c}</a></li></ul></section>",
	    {"t", page_t(p, "desk.download")}, {"h", page_t(p, "desk.download_help")},
	    {"x", page_t(p, "desk.xlsx")}, {"c", page_t(p, "desk.csv")});
}

static void
upload_form(page *p)
{
	html_fill(&p->h, "<section class=\"card\" aria-labelledby=\"h-up\"><h2 id=\"h-up\">{t}</h2>"
	    "<p>{h}</p><form method=\"post\" action=\"/inbox/desk\" enctype=\"multipart/form-data\">",
	    {"t", page_t(p, "desk.upload")}, {"h", page_t(p, "desk.upload_help")});
	page_csrf(p);
	html_fill(&p->h, "<div class=\"field\"><label for=\"f-desk-title\">{tl}</label>"
	    "<input id=\"f-desk-title\" name=\"title\" type=\"text\" maxlength=\"200\"></div>"
	    "<div class=\"field\"><label for=\"f-desk-file\">{l}</label>"
	    "<input id=\"f-desk-file\" name=\"file\" type=\"file\" required "
	    "accept=\".csv,.xlsx,text/csv\"></div>",
	    {"tl", page_t(p, "desk.responder_title")}, {"l", page_t(p, "doc.file")});
	page_progress(p, "prog.importing");
	html_fill(&p->h, "<button type=\"submit\" class=\"primary\">{b}</button></form></section>",
	    {"b", page_t(p, "desk.upload_submit")});
}

/* The answers waiting for approval, as the inbox lists them, each with a checkbox. */
static bgw_err
approve_form(page *p)
{
	json_t *list, *it;
	size_t i, n = 0;
	bgw_err err = conf_inbox_json(p->r->app->db, p->r->a, 1, DESK_WAITING_MAX, &list);

	if (err != BGW_OK)
		return err;
	html_fill(&p->h, "<section class=\"card\" aria-labelledby=\"h-ap\"><h2 id=\"h-ap\">{t}</h2>",
	    {"t", page_t(p, "desk.approve")});
	json_array_foreach(json_object_get(list, "items"), i, it) {
		const char *id = page_js(it, "id");

		if (strcmp(page_js(it, "status"), "awaiting_respondent_approval") != 0)
			continue;
		if (n++ == 0) {
			html_raw(&p->h, "<form method=\"post\" action=\"/inbox/desk/approve\">");
			page_csrf(p);
			html_fill(&p->h, "<fieldset><legend>{l}</legend>", {"l", page_t(p,
			    "desk.select")});
		}
		html_raw(&p->h, "<div class=\"check\"><input type=\"checkbox\" name=\"id\"");
		html_attr(&p->h, "value", id);
		html_attr(&p->h, "id", bgw_arena_printf(p->r->a, "sel-%s", id));
		html_raw(&p->h, "><label");
		html_attr(&p->h, "for", bgw_arena_printf(p->r->a, "sel-%s", id));
		html_fill(&p->h, ">{r} {firm}</label></div>", {"r", page_js(it, "reference")},
		    {"firm", page_js(json_object_get(it, "project"), "audit_firm")});
	}
	if (n == 0) {
		html_fill(&p->h, "<p>{t}</p></section>", {"t", page_t(p, "desk.none_waiting")});
		return BGW_OK;
	}
	html_raw(&p->h, "</fieldset>");
	page_input(p, "approver_name", "text", "desk.approver_name", p->r->user.name, "name", true);
	page_input(p, "approver_title", "text", "desk.approver_title", NULL, "organization-title",
	    false);
	html_fill(&p->h, "<button type=\"submit\" class=\"primary\">{b}</button></form></section>",
	    {"b", page_t(p, "desk.approve_submit")});
	return BGW_OK;
}

/* The page; rows: an upload's bad rows (or NULL); results: an approval's per-request
 * reasons (or NULL); message_key: an alert (or NULL). */
static bgw_err
show(bgw_request *r, int status, const json_t *rows, const bulk_approval *results, size_t n,
    const char *message_key)
{
	page p;
	bgw_err err;

	page_init(&p, r, "desk.title");
	html_raw(&p.h, "<p class=\"crumbs\"><a href=\"/inbox\">");
	html_fill(&p.h, "{b}</a></p><h1>{t}</h1>", {"b", page_t(&p, "common.back")},
	    {"t", p.title});
	page_flash(&p);
	if (message_key != NULL)
		html_fill(&p.h, "<div class=\"alert err\" role=\"alert\" id=\"errors\" tabindex=\"-1\">"
		    "<p>{m}</p></div>", {"m", page_t(&p, message_key)});
	page_import_rows(&p, rows);
	if (n > 0) {
		html_fill(&p.h, "<ul class=\"results\" aria-label=\"{t}\">", {"t", page_t(&p,
		    "desk.results")});
		for (size_t i = 0; i < n; i++)
			html_fill(&p.h, "<li><code>{id}</code>: {why}</li>", {"id", results[i].id},
			    {"why", page_t(&p, bgw_arena_printf(r->a, "desk.result.%s",
			    results[i].code))});
		html_raw(&p.h, "</ul>");
	}
	downloads(&p);
	upload_form(&p);
	if ((err = approve_form(&p)) != BGW_OK)
		return err;
	return page_send(&p, status);
}

bgw_err
page_desk(bgw_request *r)
{
	return show(r, 200, NULL, NULL, 0, NULL);
}

bgw_err
page_desk_upload(bgw_request *r)
{
	page_upload up;
	conf_actor who = actor_conf(r);
	bulkanswer_upload_in in = {.responder_name = r->user.name};
	bulkanswer_upload_out out;
	bgw_err err;

	if ((err = page_read_upload(r, (size_t)IMPORT_MAX_BYTES, &up)) != BGW_OK)
		return err;
	if (!up.has_file || up.len == 0)
		return show(r, 422, NULL, NULL, 0, "imp.no_file");
	in.format = confimport_format_of_name(up.filename);
	if (in.format != CONFIMPORT_CSV && in.format != CONFIMPORT_XLSX)
		return show(r, 415, NULL, NULL, 0, "desk.bad_type");
	in.buf = up.file;
	in.len = up.len;
	in.responder_title = kv_get(up.fields, "title");
	if (in.responder_title != NULL && strlen(in.responder_title) > RESPONDER_TITLE_MAX)
		return show(r, 422, NULL, NULL, 0, "desk.title_long");
	err = bulkanswer_upload(r->app->db, r->a, &r->subject, &who, &in, &out);
	if (out.refused_rows) {
		json_t *rows = jsonout_own(r->a, confimport_rows_json(&out.rows.result));

		return rows != NULL ? show(r, 422, rows, NULL, 0, "desk.failed") : BGW_E_NOMEM;
	}
	if (err != BGW_OK)
		return err;
	return page_redirect(r, "/inbox/desk?m=msg.saved");
}

bgw_err
page_desk_approve(bgw_request *r)
{
	conf_actor who = actor_conf(r);
	const char *name = kv_get(r->form, "approver_name"), *title = kv_get(r->form,
	    "approver_title");
	const char **ids;
	bulk_approval *res;
	size_t n = 0;
	bgw_err err;

	for (const bgw_kv *f = r->form; f != NULL; f = f->next)
		n += strcmp(f->key, "id") == 0;
	if (n == 0 || n > BULKANSWER_MAX_APPROVE || name == NULL || name[0] == '\0' ||
	    strlen(name) > RESPONDER_TITLE_MAX || (title != NULL && strlen(title) > RESPONDER_TITLE_MAX))
		return show(r, 422, NULL, NULL, 0, "desk.select_some");
	ids = bgw_arena_calloc(r->a, n, sizeof(*ids));
	res = bgw_arena_calloc(r->a, n, sizeof(*res));
	if (ids == NULL || res == NULL)
		return BGW_E_NOMEM;
	n = 0;
	for (const bgw_kv *f = r->form; f != NULL; f = f->next)
		if (strcmp(f->key, "id") == 0)
			ids[n++] = f->value;
	err = bulkanswer_approve(r->app->db, r->a, &r->subject, &who, ids, n, name,
	    title != NULL ? title : "", res);
	if (err == BGW_E_INVALID_STATE)
		return show(r, 409, NULL, res, n, "desk.not_approved");
	if (err == BGW_E_VALIDATION)
		return show(r, 422, NULL, NULL, 0, "desk.select_some");
	if (err != BGW_OK)
		return err;
	return page_redirect(r, "/inbox/desk?m=msg.done");
}
