/* page_desk_queue.c - GET /desk: a certified respondent's desk queue (desk_list_json, as GET
 * /api/v1/desk), filterable by branch and overdue, with what waits for whom; the desk
 * selects requests and routes them to a branch (POST /desk/route, desk_route).  Answers and
 * their approval are on each confirmation's page.  No script needed. */
#include "pages/page.h"

#include <string.h>

#include "flow/desk.h"

#define DESK_FORM_IDS_MAX DESK_ROUTE_MAX

static const char *
unit_label(page *p, const json_t *unit)
{
	if (!json_is_object(unit))
		return page_t(p, "deskq.at_desk");
	return page_js(unit, "code") != NULL ? bgw_arena_printf(p->r->a, "%s %s",
	    page_js(unit, "code"), page_js(unit, "name")) : page_js(unit, "name");
}

/* The branch choices of a <select> named name, selected marking the current one. */
static void
unit_options(page *p, const json_t *units, const char *selected, const char *none_key)
{
	size_t i;
	json_t *u;

	html_fill(&p->h, "<option value=\"\">{t}</option>", {"t", page_t(p, none_key)});
	json_array_foreach(units, i, u) {
		const char *code = page_js(u, "code");

		if (code == NULL)
			continue;
		html_raw(&p->h, "<option");
		html_attr(&p->h, "value", code);
		if (selected != NULL && strcmp(selected, code) == 0)
			html_raw(&p->h, " selected");
		html_fill(&p->h, ">{t}</option>", {"t", unit_label(p, u)});
	}
}

static void
filters(page *p, const json_t *q, const desk_filter *f)
{
	html_fill(&p->h, "<form method=\"get\" class=\"filters\" role=\"search\" aria-label=\"{t}\">"
	    "<div class=\"field\"><label for=\"f-branch\">{b}</label><select id=\"f-branch\" "
	    "name=\"branch_code\">", {"t", page_t(p, "dash.filter")}, {"b", page_t(p, "deskq.branch")});
	unit_options(p, json_object_get(q, "units"), f->branch_code, "deskq.all_units");
	html_raw(&p->h, "</select></div><div class=\"field\"><label><input type=\"checkbox\" "
	    "name=\"overdue\" value=\"true\"");
	if (f->overdue)
		html_raw(&p->h, " checked");
	html_fill(&p->h, "> {o}</label></div><button type=\"submit\">{s}</button></form>",
	    {"o", page_t(p, "deskq.overdue_only")}, {"s", page_t(p, "deskq.apply")});
}

static void
row(page *p, const json_t *it, bool desk)
{
	const char *status = page_js(it, "status");
	const char *wait = bgw_arena_printf(p->r->a, "deskq.wait_%s", page_js(it, "waiting_for"));

	html_raw(&p->h, "<tr><td>");
	if (desk && (strcmp(status, "sent") == 0 || strcmp(status, "opened") == 0)) {
		html_raw(&p->h, "<input type=\"checkbox\" name=\"cid\" form=\"route\"");
		html_attr(&p->h, "value", page_js(it, "id"));
		html_attr(&p->h, "aria-label", bgw_arena_printf(p->r->a, "%s %s",
		    page_t(p, "dash.select_row"), page_js(it, "reference")));
		html_raw(&p->h, ">");
	}
	html_raw(&p->h, "</td><th scope=\"row\"><a");
	html_attr_url(&p->h, "href", bgw_arena_printf(p->r->a, "/confirmations/%s",
	    page_js(it, "id")));
	html_fill(&p->h, ">{r}</a></th><td>{firm}</td><td>", {"r", page_js(it, "reference")},
	    {"firm", page_js(it, "audit_firm")});
	page_date(p, page_js(it, "due_date"));
	if (page_jb(it, "overdue"))
		html_fill(&p->h, " <strong class=\"badge overdue\">{t}</strong>",
		    {"t", page_t(p, "deskq.overdue")});
	html_raw(&p->h, "</td><td>");
	page_status(p, status);
	html_fill(&p->h, "</td><td class=\"unit\">{u}</td><td class=\"wait\">{w}</td></tr>",
	    {"u", unit_label(p, json_object_get(it, "unit"))}, {"w", page_t(p, wait)});
}

static void
route_form(page *p, const json_t *q)
{
	html_fill(&p->h, "<form method=\"post\" action=\"/desk/route\" id=\"route\" class=\"card\">"
	    "<h2>{t}</h2><p>{h}</p>", {"t", page_t(p, "deskq.route")},
	    {"h", page_t(p, "deskq.route_help")});
	page_csrf(p);
	html_fill(&p->h, "<div class=\"field\"><label for=\"f-route-branch\">{b}</label>"
	    "<select id=\"f-route-branch\" name=\"branch_code\" required>",
	    {"b", page_t(p, "deskq.route_to")});
	unit_options(p, json_object_get(q, "units"), NULL, "deskq.choose_unit");
	html_fill(&p->h, "</select></div><button type=\"submit\">{s}</button></form>",
	    {"s", page_t(p, "deskq.route_submit")});
}

bgw_err
page_desk_queue(bgw_request *r)
{
	const char *overdue = kv_get(r->query, "overdue"), *routed = kv_get(r->query, "routed");
	desk_filter f = {.branch_code = kv_get(r->query, "branch_code"),
		.overdue = overdue != NULL && strcmp(overdue, "true") == 0};
	json_t *q, *items, *it;
	const json_t *org, *unit;
	bool desk;
	size_t i;
	page p;
	bgw_err err = desk_list_json(r->app->db, r->a, &f, &q);

	if (err != BGW_OK)
		return err;
	org = json_object_get(q, "organization");
	unit = json_object_get(q, "unit");
	desk = json_is_object(org) && !json_is_object(unit);
	page_init(&p, r, "deskq.title");
	html_fill(&p.h, "<h1>{t}</h1>", {"t", p.title});
	if (!json_is_object(org)) {
		html_fill(&p.h, "<p>{t}</p>", {"t", page_t(&p, "deskq.not_member")});
		return page_send(&p, 200);
	}
	html_fill(&p.h, "<p class=\"who\">{o} — {u}</p>", {"o", page_js(org, "name")},
	    {"u", unit_label(&p, unit)});
	if (routed != NULL)
		html_fill(&p.h, "<p class=\"notice\" role=\"status\">{t}: {n}</p>",
		    {"t", page_t(&p, "deskq.routed")}, {"n", routed});
	filters(&p, q, &f);
	items = json_object_get(q, "items");
	if (json_array_size(items) == 0) {
		html_fill(&p.h, "<p>{t}</p>", {"t", page_t(&p, "deskq.none")});
		return page_send(&p, 200);
	}
	html_fill(&p.h, "<div class=\"scroll\" tabindex=\"0\"><table id=\"queue\"><caption "
	    "class=\"sr\">{c}</caption><thead><tr><th scope=\"col\">{s}</th><th scope=\"col\">{a}"
	    "</th><th scope=\"col\">{b}</th><th scope=\"col\">{d}</th><th scope=\"col\">{e}</th>"
	    "<th scope=\"col\">{u}</th><th scope=\"col\">{w}</th></tr></thead><tbody>",
	    {"c", p.title}, {"s", page_t(&p, "deskq.select")}, {"a", page_t(&p, "conf.reference")},
	    {"b", page_t(&p, "inbox.from")}, {"d", page_t(&p, "conf.due")},
	    {"e", page_t(&p, "conf.status")}, {"u", page_t(&p, "deskq.at")},
	    {"w", page_t(&p, "deskq.waiting_for")});
	json_array_foreach(items, i, it)
		row(&p, it, desk);
	html_raw(&p.h, "</tbody></table></div>");
	if (desk)
		route_form(&p, q);
	return page_send(&p, 200);
}

bgw_err
page_desk_queue_route(bgw_request *r)
{
	conf_actor who = {.user_id = r->user_id, .ip = r->remote_addr};
	const char **ids = bgw_arena_alloc(r->a, (DESK_FORM_IDS_MAX + 1) * sizeof(*ids));
	size_t n = 0;
	bgw_err err;

	if (ids == NULL)
		return BGW_E_NOMEM;
	for (const bgw_kv *kv = r->form; kv != NULL; kv = kv->next)
		if (strcmp(kv->key, "cid") == 0) {
			if (n == DESK_FORM_IDS_MAX)
				return BGW_E_BAD_REQUEST;
			ids[n++] = kv->value;
		}
	err = desk_route(r->app->db, r->a, &who, ids, n, kv_get(r->form, "branch_code"),
	    &r->field_errors);
	return err == BGW_OK ? page_redirect(r, bgw_arena_printf(r->a, "/desk?routed=%zu", n)) :
	    err;
}
