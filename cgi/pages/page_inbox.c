/* page_inbox.c - GET /inbox: the confirmations addressed to the user's organisation, across
 * projects (conf_inbox_json, as GET /api/v1/inbox), newest first, page by page. */
#include "pages/page.h"

#include <stdlib.h>

#include "flow/confirmation.h"

#define INBOX_PER_PAGE 25

static const char *
key2(bgw_arena *a, const char *prefix, const char *v)
{
	return bgw_arena_printf(a, "%s.%s", prefix, v != NULL ? v : "");
}

static void
rows(page *p, const json_t *items)
{
	size_t i;
	json_t *it;

	json_array_foreach(items, i, it) {
		const json_t *pj = json_object_get(it, "project");

		html_raw(&p->h, "<tr><th scope=\"row\"><a");
		html_attr_url(&p->h, "href", bgw_arena_printf(p->r->a, "/confirmations/%s",
		    page_js(it, "id")));
		html_fill(&p->h, ">{r}</a></th><td>{firm}<br><span class=\"sub\">{client}</span></td>"
		    "<td>{type}</td><td>", {"r", page_js(it, "reference")},
		    {"firm", page_js(pj, "audit_firm")}, {"client", page_js(pj, "client_name")},
		    {"type", page_t(p, key2(p->r->a, "type", page_js(it, "type")))});
		page_date(p, page_js(it, "as_of"));
		html_raw(&p->h, "</td><td>");
		page_date(p, page_js(it, "due_date"));
		html_raw(&p->h, "</td><td>");
		page_status(p, page_js(it, "status"));
		html_raw(&p->h, "</td></tr>");
	}
}

/* Projects waiting for the first-access code (or MFA): the asking firm and a way in, and
 * nothing of the requests themselves until then. */
static void
locked(page *p, const json_t *list)
{
	size_t i;
	json_t *it;

	json_array_foreach(list, i, it) {
		bool mfa = page_jb(it, "mfa_setup_required");

		html_fill(&p->h, "<p class=\"alert\">{t}: {firm} <a",
		    {"t", page_t(p, mfa ? "projects.locked_mfa" : "projects.locked_code")},
		    {"firm", page_js(it, "audit_firm")});
		html_attr_url(&p->h, "href", mfa ? "/account" : bgw_arena_printf(p->r->a,
		    "/projects/%s/access?next=/inbox", page_js(it, "project_id")));
		html_fill(&p->h, ">{t}</a></p>", {"t", page_t(p, mfa ? "inbox.mfa_setup" :
		    "access.submit")});
	}
}

bgw_err
page_inbox(bgw_request *r)
{
	const char *pg = kv_get(r->query, "page");
	long long page_no = 1, total, pages;
	json_t *list;
	page p;
	bgw_err err;

	if (pg != NULL && atoll(pg) >= 1 && atoll(pg) <= 100000)
		page_no = atoll(pg);
	if ((err = conf_inbox_json(r->app->db, r->a, page_no, INBOX_PER_PAGE, &list)) != BGW_OK)
		return err;
	page_init(&p, r, "inbox.title");
	html_fill(&p.h, "<h1>{t}</h1>", {"t", p.title});
	page_flash(&p);
	locked(&p, json_object_get(list, "code_required"));
	/* a respondent organisation's users have a desk for bulk answers (page_desk.c) */
	if (r->subject.respondent_user)
		html_fill(&p.h, "<p><a href=\"/inbox/desk\">{t}</a></p>", {"t", page_t(&p, "desk.link")});
	total = page_ji(list, "total");
	if (json_array_size(json_object_get(list, "items")) == 0) {
		html_fill(&p.h, "<p>{t}</p>", {"t", page_t(&p, "inbox.none")});
		return page_send(&p, 200);
	}
	html_fill(&p.h, "<div class=\"scroll\" tabindex=\"0\"><table><caption class=\"sr\">{c}"
	    "</caption><thead><tr><th scope=\"col\">{a}</th><th scope=\"col\">{b}</th>"
	    "<th scope=\"col\">{t}</th><th scope=\"col\">{d}</th><th scope=\"col\">{e}</th>"
	    "<th scope=\"col\">{f}</th></tr></thead><tbody>",
	    {"c", p.title}, {"a", page_t(&p, "conf.reference")}, {"b", page_t(&p, "inbox.from")},
	    {"t", page_t(&p, "conf.type")}, {"d", page_t(&p, "conf.as_of")},
	    {"e", page_t(&p, "conf.due")}, {"f", page_t(&p, "conf.status")});
	rows(&p, json_object_get(list, "items"));
	html_raw(&p.h, "</tbody></table></div>");
	pages = (total + INBOX_PER_PAGE - 1) / INBOX_PER_PAGE;
	if (pages > 1) {
		html_fill(&p.h, "<nav class=\"pager\" aria-label=\"{t}\">", {"t", page_t(&p, "dash.page")});
		if (page_no > 1) {
			html_raw(&p.h, "<a rel=\"prev\"");
			html_attr_url(&p.h, "href", bgw_arena_printf(r->a, "/inbox?page=%lld", page_no - 1));
			html_fill(&p.h, ">{t}</a> ", {"t", page_t(&p, "dash.prev")});
		}
		html_fill(&p.h, "<span>{t} ", {"t", page_t(&p, "dash.page")});
		html_int(&p.h, page_no);
		html_raw(&p.h, " / ");
		html_int(&p.h, pages);
		html_raw(&p.h, "</span>");
		if (page_no < pages) {
			html_raw(&p.h, " <a rel=\"next\"");
			html_attr_url(&p.h, "href", bgw_arena_printf(r->a, "/inbox?page=%lld", page_no + 1));
			html_fill(&p.h, ">{t}</a>", {"t", page_t(&p, "dash.next")});
		}
		html_raw(&p.h, "</nav>");
	}
	return page_send(&p, 200);
}
