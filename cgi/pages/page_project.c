/* page_project.c - the project list, a new project, the first-access code, the project
 * dashboard (counts, filters, search, pages, bulk authorisation), and completion. */
#include "pages/page.h"

#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "actor.h"
#include "flow/audit.h"
#include "flow/confflow.h"
#include "flow/confirmation.h"
#include "flow/project.h"
#include "core/urlenc.h"
#include "flow/workflow.h"

#define DASH_PER_PAGE 25
#define BULK_MAX 500


static bool
one_of(const char *s, const char *const *list)
{
	for (; s != NULL && *list != NULL; list++)
		if (strcmp(s, *list) == 0)
			return true;
	return false;
}

static const char *
key2(bgw_arena *a, const char *prefix, const char *v)
{
	return bgw_arena_printf(a, "%s.%s", prefix, v != NULL ? v : "");
}

static void
create_form(page *p)
{
	p->form = "new";
	html_fill(&p->h, "<section class=\"card\" aria-labelledby=\"h-new\"><h2 id=\"h-new\">{t}</h2>"
	    "<form method=\"post\" action=\"/projects\">", {"t", page_t(p, "projects.create")});
	page_csrf(p);
	page_input(p, "name", "text", "projects.name", kv_get(p->r->form, "name"), "off", true);
	page_input(p, "client_name", "text", "projects.client", kv_get(p->r->form, "client_name"),
	    "organization", true);
	page_input(p, "period_end", "date", "projects.period_end", kv_get(p->r->form, "period_end"),
	    "off", true);
	html_fill(&p->h, "<button type=\"submit\">{s}</button></form></section>",
	    {"s", page_t(p, "projects.create_submit")});
	p->form = NULL;
}

static bgw_err
list_page(bgw_request *r, int status)
{
	page p;
	json_t *body, *items;
	size_t i;
	json_t *it;
	bgw_err err = project_list(r->app->db, r->a, 1, 500, &body);

	if (err != BGW_OK)
		return err;
	page_init(&p, r, "projects.title");
	p.err_form = "new";
	html_fill(&p.h, "<h1>{t}</h1>", {"t", p.title});
	page_flash(&p);
	page_errors(&p);
	items = json_object_get(body, "items");
	if (json_array_size(items) == 0) {
		html_fill(&p.h, "<p>{t}</p>", {"t", page_t(&p, "projects.none")});
	} else {
		html_fill(&p.h, "<div class=\"scroll\" tabindex=\"0\"><table><caption class=\"sr\">{c}</caption><thead><tr>"
		    "<th scope=\"col\">{a}</th><th scope=\"col\">{b}</th><th scope=\"col\">{c2}</th>"
		    "<th scope=\"col\">{d}</th><th scope=\"col\">{e}</th></tr></thead><tbody>",
		    {"c", p.title}, {"a", page_t(&p, "projects.name")},
		    {"b", page_t(&p, "projects.client")}, {"c2", page_t(&p, "projects.period_end")},
		    {"d", page_t(&p, "projects.status")}, {"e", page_t(&p, "projects.role")});
		json_array_foreach(items, i, it) {
			html_raw(&p.h, "<tr><th scope=\"row\"><a");
			html_attr_url(&p.h, "href", bgw_arena_printf(r->a, "/projects/%s",
			    page_js(it, "id")));
			/* Before the code (and required MFA) only the asking audit firm is shown. */
			if (page_js(it, "name") == NULL)
				html_fill(&p.h, ">{n}</a></th><td>{c}</td><td>",
				    {"n", page_t(&p, page_jb(it, "code_entered") ?
				    "projects.locked_mfa" : "projects.locked_code")},
				    {"c", page_js(it, "audit_firm")});
			else
				html_fill(&p.h, ">{n}</a></th><td>{c}</td><td>",
				    {"n", page_js(it, "name")}, {"c", page_js(it, "client_name")});
			if (page_js(it, "period_end") != NULL)
				page_date(&p, page_js(it, "period_end"));
			html_fill(&p.h, "</td><td>{s}</td><td>{side}・{role}</td></tr>",
			    {"s", page_t(&p, key2(r->a, "pstatus", page_js(it, "status")))},
			    {"side", page_t(&p, key2(r->a, "side", page_js(it, "side")))},
			    {"role", page_t(&p, page_jb(it, "admin") ? "role.admin" : "role.member")});
		}
		html_raw(&p.h, "</tbody></table></div>");
	}
	if (page_subject(r).audit_firm_user)
		create_form(&p);
	return page_send(&p, status);
}

bgw_err
page_projects(bgw_request *r)
{
	return list_page(r, 200);
}

bgw_err
page_project_create(bgw_request *r)
{
	project_actor who = actor_project(r);
	project_new np = {.has_retention = false};
	project_created out;
	page p;
	bgw_err err = page_fields(r, project_create_fields);

	if (err == BGW_E_VALIDATION)
		return list_page(r, 422);
	if (err != BGW_OK)
		return err;
	np.name = fields_get(r->fields, project_create_fields, "name")->s;
	np.client_name = fields_get(r->fields, project_create_fields, "client_name")->s;
	np.period_end = fields_get(r->fields, project_create_fields, "period_end")->s;
	if ((err = project_create(r->app->db, r->a, &who, &np, &out, &r->field_errors)) != BGW_OK)
		return err;
	/* Not a redirect: the code is shown this once and is nowhere else to be read. */
	page_init(&p, r, "projects.create");
	html_fill(&p.h, "<h1>{n}</h1><div class=\"alert ok\" role=\"status\"><p>{t}</p>"
	    "<p class=\"code\">{code}</p></div><p><a",
	    {"n", np.name}, {"t", page_t(&p, "projects.created")}, {"code", out.code});
	OPENSSL_cleanse(out.code, sizeof(out.code));
	html_attr_url(&p.h, "href", bgw_arena_printf(r->a, "/projects/%s", out.id));
	html_fill(&p.h, ">{t}</a></p>", {"t", page_t(&p, "nav.projects")});
	return page_send(&p, 201);
}

static bgw_err
access_form(bgw_request *r, int status, const char *message_key)
{
	page p;
	const char *next = kv_get(r->form != NULL ? r->form : r->query, "next");

	page_init(&p, r, "access.title");
	html_fill(&p.h, "<div class=\"narrow\"><h1>{t}</h1><p>{h}</p>", {"t", p.title},
	    {"h", page_t(&p, "access.help")});
	if (message_key != NULL)
		html_fill(&p.h, "<div class=\"alert err\" role=\"alert\"><p>{m}</p></div>",
		    {"m", page_t(&p, message_key)});
	html_raw(&p.h, "<form method=\"post\" class=\"card\"");
	html_attr_url(&p.h, "action", bgw_arena_printf(r->a, "/projects/%s/access",
	    r->target.project_id));
	html_raw(&p.h, ">");
	page_csrf(&p);
	if (html_next_ok(next)) {
		html_raw(&p.h, "<input type=\"hidden\" name=\"next\"");
		html_attr(&p.h, "value", next);
		html_raw(&p.h, ">");
	}
	page_input(&p, "code", "text", "access.code", NULL, "off", true);
	html_fill(&p.h, "<button type=\"submit\" class=\"primary\">{s}</button></form></div>",
	    {"s", page_t(&p, "access.submit")});
	return page_send(&p, status);
}

bgw_err
page_access(bgw_request *r)
{
	return access_form(r, 200, NULL);
}

bgw_err
page_access_post(bgw_request *r)
{
	const char *next = kv_get(r->form, "next");
	bgw_err err = page_fields(r, access_fields);

	if (err == BGW_E_VALIDATION) {
		r->field_errors = NULL;
		return access_form(r, 422, "access.wrong");
	}
	if (err == BGW_OK) {
		project_actor who = actor_project(r);

		/* A wrong code is counted and logged even though the answer is an error (the route
		 * is TX_KEEP_ON_ERROR). */
		err = project_access(r->app->db, r->a, &who, r->target.project_id,
		    fields_get(r->fields, access_fields, "code")->s);
	}

	if (err == BGW_OK)
		return page_redirect(r, html_next_ok(next) ? next :
		    bgw_arena_printf(r->a, "/projects/%s", r->target.project_id));
	/* The wrong code was counted and logged (TX_KEEP_ON_ERROR); answer with the form. */
	if (err == BGW_E_WRONG_CODE) {
		r->field_errors = NULL;
		err = access_form(r, 422, "access.wrong");
		return err;
	}
	return err;
}

/* The dashboard's own link with one query parameter changed. */
static const char *
dash_link(bgw_request *r, const conf_filter *f, long long page_no)
{
	return bgw_arena_printf(r->a, "/projects/%s?page=%lld%s%s%s%s%s%s%s",
	    r->target.project_id, page_no,
	    f->status != NULL ? "&status=" : "", f->status != NULL ? f->status : "",
	    f->type != NULL ? "&type=" : "", f->type != NULL ? f->type : "",
	    f->q != NULL ? "&q=" : "", f->q != NULL ? urlenc_encode(r->a, f->q) : "",
	    f->overdue ? "&overdue=true" : "");
}

static void
counts(page *p, const json_t *proj, long long overdue)
{
	const json_t *c = json_object_get(proj, "counts");
	long long total = 0;

	html_fill(&p->h, "<section aria-labelledby=\"h-counts\"><h2 id=\"h-counts\">{t}</h2>"
	    "<ul class=\"counts\">", {"t", page_t(p, "dash.counts")});
	for (int i = 0; wf_state_names[i] != NULL; i++) {
		long long n = json_integer_value(json_object_get(c, wf_state_names[i]));

		total += n;
		if (n == 0)
			continue;
		html_raw(&p->h, "<li><a");
		html_attr_url(&p->h, "href", bgw_arena_printf(p->r->a, "/projects/%s?status=%s",
		    p->r->target.project_id, wf_state_names[i]));
		html_raw(&p->h, "><span class=\"n\">");
		html_int(&p->h, n);
		html_raw(&p->h, "</span> ");
		html_text(&p->h, page_t(p, key2(p->r->a, "status", wf_state_names[i])));
		html_raw(&p->h, "</a></li>");
	}
	html_raw(&p->h, "<li class=\"warn\"><a");
	html_attr_url(&p->h, "href", bgw_arena_printf(p->r->a, "/projects/%s?overdue=true",
	    p->r->target.project_id));
	html_raw(&p->h, "><span class=\"n\">");
	html_int(&p->h, overdue);
	html_fill(&p->h, "</span> {t}</a></li>", {"t", page_t(p, "dash.overdue")});
	html_raw(&p->h, "<li class=\"warn\"><a");
	html_attr_url(&p->h, "href", bgw_arena_printf(p->r->a, "/projects/%s?status=exception",
	    p->r->target.project_id));
	html_raw(&p->h, "><span class=\"n\">");
	html_int(&p->h, json_integer_value(json_object_get(c, "exception")));
	html_fill(&p->h, "</span> {t}</a></li><li><span class=\"n\">", {"t", page_t(p,
	    "dash.exceptions")});
	html_int(&p->h, total);
	html_fill(&p->h, "</span> {t}</li></ul></section>", {"t", page_t(p, "common.total")});
}

static void
select_options(page *p, const char *prefix, const char *const *list, const char *current)
{
	html_fill(&p->h, "<option value=\"\">{t}</option>", {"t", page_t(p, "dash.all")});
	for (int i = 0; list[i] != NULL; i++) {
		html_raw(&p->h, "<option");
		html_attr(&p->h, "value", list[i]);
		html_flag(&p->h, "selected", current != NULL && strcmp(current, list[i]) == 0);
		html_raw(&p->h, ">");
		html_text(&p->h, page_t(p, key2(p->r->a, prefix, list[i])));
		html_raw(&p->h, "</option>");
	}
}

static void
filters(page *p, const conf_filter *f)
{
	html_fill(&p->h, "<form method=\"get\" class=\"filters\" role=\"search\" aria-label=\"{t}\">",
	    {"t", page_t(p, "dash.filter")});
	html_fill(&p->h, "<div class=\"field\"><label for=\"f-q\">{l}</label><input id=\"f-q\" "
	    "name=\"q\" type=\"search\"", {"l", page_t(p, "dash.search")});
	html_attr(&p->h, "value", f->q != NULL ? f->q : "");
	html_fill(&p->h, "></div><div class=\"field\"><label for=\"f-status\">{l}</label>"
	    "<select id=\"f-status\" name=\"status\">", {"l", page_t(p, "conf.status")});
	select_options(p, "status", wf_state_names, f->status);
	html_fill(&p->h, "</select></div><div class=\"field\"><label for=\"f-type\">{l}</label>"
	    "<select id=\"f-type\" name=\"type\">", {"l", page_t(p, "conf.type")});
	select_options(p, "type", wf_type_names, f->type);
	html_raw(&p->h, "</select></div><div class=\"field check\"><input id=\"f-overdue\" "
	    "name=\"overdue\" type=\"checkbox\" value=\"true\"");
	html_flag(&p->h, "checked", f->overdue);
	html_fill(&p->h, "><label for=\"f-overdue\">{l}</label></div>"
	    "<button type=\"submit\">{b}</button></form>",
	    {"l", page_t(p, "dash.only_overdue")}, {"b", page_t(p, "dash.apply")});
}

/* What the dashboard's checkboxes select rows for: the client admin's bulk authorisation,
 * or the audit admin's print run of request letters (lane e1, issue 18). */
enum bulk_kind { BULK_NONE, BULK_AUTHORIZE, BULK_LETTERS };

/* Can row status be picked for bulk: awaiting the client for an authorisation, out with
 * the respondent and unanswered for a letter. */
static bool
pickable(enum bulk_kind bulk, const char *status)
{
	if (bulk == BULK_AUTHORIZE)
		return strcmp(status, "awaiting_client") == 0;
	return bulk == BULK_LETTERS &&
	    (strcmp(status, "sent") == 0 || strcmp(status, "opened") == 0);
}

static void
conf_rows(page *p, const json_t *items, enum bulk_kind bulk)
{
	size_t i;
	json_t *it;

	json_array_foreach(items, i, it) {
		const char *status = page_js(it, "status");
		const json_t *resp = json_object_get(it, "respondent");

		html_raw(&p->h, "<tr>");
		if (bulk != BULK_NONE) {
			html_raw(&p->h, "<td>");
			if (pickable(bulk, status)) {
				if (bulk == BULK_LETTERS)
					html_raw(&p->h, "<input type=\"checkbox\" name=\"ids\" class=\"pick\"");
				else
					html_raw(&p->h, "<input type=\"checkbox\" name=\"cid\" class=\"pick\"");
				html_attr(&p->h, "value", page_js(it, "id"));
				html_attr(&p->h, "id", bgw_arena_printf(p->r->a, "pick-%s", page_js(it, "id")));
				html_attr(&p->h, "aria-label", bgw_arena_printf(p->r->a, "%s %s",
				    page_t(p, "dash.select_row"), page_js(it, "reference")));
				html_raw(&p->h, ">");
			}
			html_raw(&p->h, "</td>");
		}
		html_raw(&p->h, "<th scope=\"row\"><a");
		html_attr_url(&p->h, "href", bgw_arena_printf(p->r->a, "/confirmations/%s",
		    page_js(it, "id")));
		html_fill(&p->h, ">{r}</a></th><td>{org}<br><span class=\"sub\">{email}</span></td>"
		    "<td>{type}</td><td>",
		    {"r", page_js(it, "reference")}, {"org", page_js(resp, "organization")},
		    {"email", page_js(resp, "email")},
		    {"type", page_t(p, key2(p->r->a, "type", page_js(it, "type")))});
		page_date(p, page_js(it, "due_date"));
		html_raw(&p->h, "</td><td>");
		page_status(p, status);
		html_raw(&p->h, "</td></tr>");
	}
}

/* One download link of the exports' list. */
static void
export_link(page *p, const char *file, const char *label)
{
	html_raw(&p->h, "<li><a download");
	html_attr_url(&p->h, "href", bgw_arena_printf(p->r->a, "/api/v1/projects/%s/%s",
	    p->r->target.project_id, file));
	html_fill(&p->h, ">{t}</a></li>", {"t", page_t(p, label)});
}

/* The exports (CSV, XML, XLSX) for whoever may export, and the evidence pack for the audit
 * admin: links to the API routes, which check the policy again. */
static void
exports(page *p, const policy_subject *s)
{
	bool pack = policy_decide(ACT_PROJECT_EVIDENCE, s, &p->r->target.facts) == BGW_OK;

	if (policy_decide(ACT_PROJECT_EXPORT, s, &p->r->target.facts) != BGW_OK)
		return;
	html_fill(&p->h, "<section aria-labelledby=\"h-exports\"><h2 id=\"h-exports\">{t}</h2>"
	    "<ul class=\"exports\">", {"t", page_t(p, "dash.exports")});
	export_link(p, "export.csv", "dash.export_csv");
	export_link(p, "export.xml", "dash.export_xml");
	export_link(p, "export.xlsx", "dash.export_xlsx");
	if (pack)
		export_link(p, "evidence.zip", "dash.evidence");
	html_raw(&p->h, "</ul>");
	if (pack)
		html_fill(&p->h, "<p class=\"help\">{t}</p>", {"t", page_t(p, "dash.evidence_help")});
	html_raw(&p->h, "</section>");
}

bgw_err
page_dashboard(bgw_request *r)
{
	conf_filter f = {.page = 1, .per_page = DASH_PER_PAGE};
	conf_filter od = {.overdue = true, .page = 1, .per_page = 1};
	const char *pg = kv_get(r->query, "page"), *ov = kv_get(r->query, "overdue");
	json_t *proj, *list, *late, *pj;
	policy_subject s = page_subject(r);
	enum bulk_kind bulk = r->target.facts.project_completed ? BULK_NONE :
	    r->target.facts.side == SIDE_CLIENT && r->target.facts.admin ? BULK_AUTHORIZE :
	    policy_decide(ACT_PROJECT_LETTERS, &s, &r->target.facts) == BGW_OK ? BULK_LETTERS :
	    BULK_NONE;
	long long total, pages;
	page p;
	bgw_err err;

	f.status = one_of(kv_get(r->query, "status"), wf_state_names) ? kv_get(r->query, "status") : NULL;
	f.type = one_of(kv_get(r->query, "type"), wf_type_names) ? kv_get(r->query, "type") : NULL;
	f.q = kv_get(r->query, "q");
	if (f.q != NULL && *f.q == '\0')
		f.q = NULL;
	f.overdue = ov != NULL && strcmp(ov, "true") == 0;
	f.sees_all = r->target.facts.side == SIDE_AUDIT || r->target.facts.side == SIDE_CLIENT;
	if (pg != NULL && atoll(pg) >= 1 && atoll(pg) <= 100000)
		f.page = atoll(pg);
	if ((err = project_get(r->app->db, r->a, r->target.project_id, &proj)) != BGW_OK ||
	    (err = conf_list_json(r->app->db, r->a, r->target.project_id, &f, &list)) != BGW_OK ||
	    (err = conf_list_json(r->app->db, r->a, r->target.project_id, &od, &late)) != BGW_OK)
		return err;
	pj = json_object_get(proj, "project");
	page_init(&p, r, NULL);
	p.title = page_js(pj, "name");
	html_fill(&p.h, "<h1>{n}</h1><p class=\"sub\">{c} · {pe} ", {"n", p.title},
	    {"c", page_js(pj, "client_name")}, {"pe", page_t(&p, "projects.period_end")});
	page_date(&p, page_js(pj, "period_end"));
	html_fill(&p.h, " · {s}</p>",
	    {"s", page_t(&p, key2(r->a, "pstatus", page_js(pj, "status")))});
	page_flash(&p);
	if (kv_get(r->query, "authorized") != NULL) {
		html_raw(&p.h, "<div class=\"alert ok\" role=\"status\"><p>");
		html_int(&p.h, atoll(kv_get(r->query, "authorized")));
		html_fill(&p.h, " {t}</p></div>", {"t", page_t(&p, "dash.authorized_n")});
	}
	html_raw(&p.h, "<p class=\"actions\">");
	if (policy_decide(ACT_CONF_CREATE, &s, &r->target.facts) == BGW_OK) {
		html_raw(&p.h, "<a class=\"button primary\"");
		html_attr_url(&p.h, "href", bgw_arena_printf(r->a, "/projects/%s/confirmations/new",
		    r->target.project_id));
		html_fill(&p.h, ">{t}</a> ", {"t", page_t(&p, "dash.new")});
		html_raw(&p.h, "<a class=\"button\"");
		html_attr_url(&p.h, "href", bgw_arena_printf(r->a, "/projects/%s/import",
		    r->target.project_id));
		html_fill(&p.h, ">{t}</a> ", {"t", page_t(&p, "dash.import")});
	}
	html_raw(&p.h, "<a class=\"button\"");
	html_attr_url(&p.h, "href", bgw_arena_printf(r->a, "/projects/%s/members",
	    r->target.project_id));
	html_fill(&p.h, ">{t}</a></p>", {"t", page_t(&p, "dash.members")});
	exports(&p, &s);
	counts(&p, pj, page_ji(late, "total"));
	html_fill(&p.h, "<section aria-labelledby=\"h-list\"><h2 id=\"h-list\">{t}</h2>",
	    {"t", page_t(&p, "dash.list")});
	filters(&p, &f);
	total = page_ji(list, "total");
	if (json_array_size(json_object_get(list, "items")) == 0) {
		html_fill(&p.h, "<p>{t}</p>", {"t", page_t(&p, "dash.none")});
	} else {
		if (bulk != BULK_NONE) {
			html_raw(&p.h, "<form method=\"post\" id=\"bulk\"");
			html_attr_url(&p.h, "action", bgw_arena_printf(r->a, bulk == BULK_LETTERS ?
			    "/projects/%s/letters.pdf" : "/projects/%s/authorize", r->target.project_id));
			html_raw(&p.h, ">");
			page_csrf(&p);
		}
		html_fill(&p.h, "<div class=\"scroll\" tabindex=\"0\"><table><caption class=\"sr\">{cap}</caption>"
		    "<thead><tr>", {"cap", page_t(&p, "dash.list")});
		if (bulk != BULK_NONE)
			html_fill(&p.h, "<th scope=\"col\">{t}</th>", {"t", page_t(&p, "dash.select")});
		html_fill(&p.h, "<th scope=\"col\">{a}</th><th scope=\"col\">{b}</th>"
		    "<th scope=\"col\">{c}</th><th scope=\"col\">{d}</th><th scope=\"col\">{e}</th>"
		    "</tr></thead><tbody>",
		    {"a", page_t(&p, "conf.reference")}, {"b", page_t(&p, "conf.respondent")},
		    {"c", page_t(&p, "conf.type")}, {"d", page_t(&p, "conf.due")},
		    {"e", page_t(&p, "conf.status")});
		conf_rows(&p, json_object_get(list, "items"), bulk);
		html_raw(&p.h, "</tbody></table></div>");
		if (bulk != BULK_NONE)
			html_fill(&p.h, "<button type=\"submit\" class=\"primary\">{t}</button></form>",
			    {"t", page_t(&p, bulk == BULK_LETTERS ? "letter.bulk" :
			    "dash.authorize_selected")});
	}
	pages = (total + DASH_PER_PAGE - 1) / DASH_PER_PAGE;
	if (pages > 1) {
		html_fill(&p.h, "<nav class=\"pager\" aria-label=\"{t}\">", {"t", page_t(&p, "dash.page")});
		if (f.page > 1) {
			html_raw(&p.h, "<a rel=\"prev\"");
			html_attr_url(&p.h, "href", dash_link(r, &f, f.page - 1));
			html_fill(&p.h, ">{t}</a> ", {"t", page_t(&p, "dash.prev")});
		}
		html_fill(&p.h, "<span>{t} ", {"t", page_t(&p, "dash.page")});
		html_int(&p.h, f.page);
		html_raw(&p.h, " / ");
		html_int(&p.h, pages);
		html_raw(&p.h, "</span>");
		if (f.page < pages) {
			html_raw(&p.h, " <a rel=\"next\"");
			html_attr_url(&p.h, "href", dash_link(r, &f, f.page + 1));
			html_fill(&p.h, ">{t}</a>", {"t", page_t(&p, "dash.next")});
		}
		html_raw(&p.h, "</nav>");
	}
	html_raw(&p.h, "</section>");
	if (policy_decide(ACT_PROJECT_COMPLETE, &s, &r->target.facts) == BGW_OK &&
	    !r->target.facts.project_completed) {
		html_fill(&p.h, "<section class=\"card danger\" aria-labelledby=\"h-complete\">"
		    "<h2 id=\"h-complete\">{t}</h2><p>{h}</p><form method=\"post\"",
		    {"t", page_t(&p, "dash.complete")}, {"h", page_t(&p, "dash.complete_help")});
		html_attr_url(&p.h, "action", bgw_arena_printf(r->a, "/projects/%s/complete",
		    r->target.project_id));
		html_raw(&p.h, ">");
		page_csrf(&p);
		html_fill(&p.h, "<button type=\"submit\">{t}</button></form></section>",
		    {"t", page_t(&p, "dash.complete")});
	}
	return page_send(&p, 200);
}

static bool
id_ok(const char *s)
{
	size_t n = s != NULL ? strlen(s) : 0;

	if (n == 0 || n > FIELDS_ID_MAX)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
		    (s[i] >= '0' && s[i] <= '9') || s[i] == '-' || s[i] == '_'))
			return false;
	return true;
}

/* POST /projects/{pid}/authorize: the client admin authorises many confirmations at once.
 * Each one is checked as if it had been posted alone (same policy, same transition); one
 * failure refuses them all (the router rolls back). */
bgw_err
page_bulk_authorize(bgw_request *r)
{
	policy_subject s = page_subject(r);
	conf_actor who = {.user_id = r->user_id, .ip = r->remote_addr};
	int n = 0;
	bgw_err err;

	for (const bgw_kv *kv = r->form; kv != NULL; kv = kv->next) {
		bgw_target t;

		if (strcmp(kv->key, "cid") != 0)
			continue;
		if (!id_ok(kv->value) || ++n > BULK_MAX)
			return BGW_E_BAD_REQUEST;
		if ((err = target_load(r->app->db, r->a, TARGET_CONFIRMATION, kv->value, &t)) != BGW_OK)
			return err;
		if (!t.facts.exists || t.project_id == NULL ||
		    strcmp(t.project_id, r->target.project_id) != 0)
			return BGW_E_NOT_FOUND;
		if ((err = policy_decide(ACT_CONF_AUTHORIZE, &s, &t.facts)) != BGW_OK)
			return err;
		if ((err = conf_transition(r->app->db, r->a, &who, kv->value, WF_AUTHORIZE, NULL,
		    NULL)) != BGW_OK)
			return err;
	}
	return page_redirect(r, bgw_arena_printf(r->a, "/projects/%s?authorized=%d",
	    r->target.project_id, n));
}

bgw_err
page_project_complete(bgw_request *r)
{
	project_actor who = actor_project(r);
	bgw_err err = project_complete(r->app->db, r->a, &who, r->target.project_id);

	return err == BGW_OK ? page_redirect(r, bgw_arena_printf(r->a, "/projects/%s?m=msg.done",
	    r->target.project_id)) : err;
}
