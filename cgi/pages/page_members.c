/* page_members.c - a project's members: the list, inviting (per docs/api.md's side rules),
 * removing, and for the audit admin unlocking a member's first-access code and issuing a
 * new code.
 *
 * Adding, removing, unlocking and a new access code run the use cases of lib/flow/project.h
 * that the JSON routes run too (the same side rules, invitation mail and audit events);
 * which buttons a row shows follows the same rule (policy_may_manage), so the page offers
 * only what the server would allow. */
#include "pages/page.h"

#include <string.h>

#include <openssl/crypto.h>

#include "actor.h"
#include "flow/project.h"

static enum policy_side
side_of(const char *s)
{
	return s == NULL ? SIDE_NONE : strcmp(s, "audit") == 0 ? SIDE_AUDIT :
	    strcmp(s, "client") == 0 ? SIDE_CLIENT : strcmp(s, "respondent") == 0 ?
	    SIDE_RESPONDENT : SIDE_NONE;
}

static bool
may_manage(const bgw_request *r, const char *side, const char *org)
{
	const bgw_target *t = &r->target;

	return policy_may_manage(t->facts.side, t->facts.admin, side_of(side),
	    org != NULL && t->member_org_id != NULL && strcmp(org, t->member_org_id) == 0);
}

static bool
audit_admin(const bgw_request *r)
{
	return r->target.facts.side == SIDE_AUDIT && r->target.facts.admin;
}

static const char *
path(const bgw_request *r, const char *suffix)
{
	return bgw_arena_printf(r->a, "/projects/%s%s", r->target.project_id, suffix);
}

static void
member_table(page *p, const json_t *members)
{
	bgw_request *r = p->r;
	size_t i;
	json_t *m;

	html_fill(&p->h, "<div class=\"scroll\" tabindex=\"0\"><table><caption class=\"sr\">{c}</caption>"
	    "<thead><tr><th scope=\"col\">{n}</th><th scope=\"col\">{e}</th><th scope=\"col\">{o}</th>"
	    "<th scope=\"col\">{s}</th><th scope=\"col\">{ro}</th><th scope=\"col\">{a}</th></tr>"
	    "</thead><tbody>",
	    {"c", page_t(p, "mem.title")}, {"n", page_t(p, "mem.name")},
	    {"e", page_t(p, "mem.email")}, {"o", page_t(p, "mem.org")},
	    {"s", page_t(p, "mem.side")}, {"ro", page_t(p, "mem.role")},
	    {"a", page_t(p, "mem.actions")});
	json_array_foreach(json_object_get(members, "items"), i, m) {
		const json_t *u = json_object_get(m, "user");
		const char *uid = page_js(u, "id"), *side = page_js(m, "side");
		const char *org = page_js(json_object_get(u, "organization"), "id");
		const char *name = page_js(u, "name");
		bool self = uid != NULL && r->user_id != NULL && strcmp(uid, r->user_id) == 0;

		html_fill(&p->h, "<tr><th scope=\"row\">{n}</th><td>{e}</td><td>{o}</td>"
		    "<td>{s}</td><td>{ro}",
		    {"n", name}, {"e", page_js(u, "email")},
		    {"o", page_js(json_object_get(u, "organization"), "name")},
		    {"s", page_t(p, bgw_arena_printf(r->a, "side.%s", side != NULL ? side : ""))},
		    {"ro", page_t(p, page_jb(m, "admin") ? "role.admin" : "role.member")});
		if (page_jb(m, "locked"))
			html_fill(&p->h, " <span class=\"badge s-exception\">{l}</span>",
			    {"l", page_t(p, "mem.locked")});
		html_raw(&p->h, "</td><td>");
		if (uid != NULL && page_jb(m, "locked") && audit_admin(r))
			page_row_button(p, path(r, bgw_arena_printf(r->a, "/members/%s/unlock", uid)),
			    "mem.unlock", name, false);
		if (uid != NULL && !self && may_manage(r, side, org))
			page_row_button(p, path(r, bgw_arena_printf(r->a, "/members/%s/remove", uid)),
			    "mem.remove", name, true);
		html_raw(&p->h, "</td></tr>");
	}
	html_raw(&p->h, "</tbody></table></div>");
}

static void
side_option(page *p, const char *side, const char *chosen)
{
	html_raw(&p->h, "<option");
	html_attr(&p->h, "value", side);
	html_flag(&p->h, "selected", chosen != NULL && strcmp(chosen, side) == 0);
	html_fill(&p->h, ">{t}</option>", {"t", page_t(p, bgw_arena_printf(p->r->a, "side.%s",
	    side))});
}

/* The invitation form, with only the sides this user may add. */
static void
invite_form(page *p)
{
	bgw_request *r = p->r;
	static const char *const sides[] = {"audit", "client", "respondent", NULL};
	const char *chosen = kv_get(r->form, "side"), *why;

	p->form = "inv";
	html_fill(&p->h, "<section class=\"card\" aria-labelledby=\"h-inv\"><h2 id=\"h-inv\">{t}</h2>"
	    "<form method=\"post\"", {"t", page_t(p, "mem.invite")});
	html_attr_url(&p->h, "action", path(r, "/members"));
	html_raw(&p->h, ">");
	page_csrf(p);
	page_input(p, "email", "email", "mem.email", kv_get(r->form, "email"), "off", true);
	html_fill(&p->h, "<div class=\"field\"><label for=\"f-inv-side\">{l}</label>",
	    {"l", page_t(p, "mem.side")});
	if ((why = page_field_reason(p, "side")) != NULL)
		html_fill(&p->h, "<p class=\"ferr\">{w}</p>", {"w", why});
	html_raw(&p->h, "<select id=\"f-inv-side\" name=\"side\" required>");
	for (int i = 0; sides[i] != NULL; i++)
		if (may_manage(r, sides[i], r->target.member_org_id))
			side_option(p, sides[i], chosen);
	html_raw(&p->h, "</select></div>");
	if (audit_admin(r))
		page_input(p, "organization", "text", "mem.organization",
		    kv_get(r->form, "organization"), "off", false);
	html_raw(&p->h, "<div class=\"check\"><input type=\"checkbox\" id=\"f-inv-admin\" "
	    "name=\"admin\" value=\"true\"");
	html_flag(&p->h, "checked", kv_get(r->form, "admin") != NULL);
	html_fill(&p->h, "><label for=\"f-inv-admin\">{l}</label></div>"
	    "<button type=\"submit\" class=\"primary\">{s}</button></form></section>",
	    {"l", page_t(p, "mem.admin")}, {"s", page_t(p, "mem.invite_submit")});
	p->form = NULL;
}

static void
code_form(page *p)
{
	html_fill(&p->h, "<section class=\"card danger\" aria-labelledby=\"h-code\">"
	    "<h2 id=\"h-code\">{t}</h2><p>{h}</p><form method=\"post\"",
	    {"t", page_t(p, "mem.code_title")}, {"h", page_t(p, "mem.code_help")});
	html_attr_url(&p->h, "action", path(p->r, "/access-code"));
	html_raw(&p->h, ">");
	page_csrf(p);
	html_fill(&p->h, "<button type=\"submit\">{s}</button></form></section>",
	    {"s", page_t(p, "mem.code_regenerate")});
}

static bgw_err
members_page(bgw_request *r, int status)
{
	project_facts pf;
	json_t *members;
	page p;
	bgw_err err;

	if ((err = project_facts_get(r->app->db, r->a, r->target.project_id, &pf)) != BGW_OK ||
	    (err = project_members(r->app->db, r->a, r->target.project_id, &members)) != BGW_OK)
		return err;
	page_init(&p, r, "mem.title");
	p.err_form = "inv";
	html_raw(&p.h, "<p class=\"crumbs\"><a");
	html_attr_url(&p.h, "href", path(r, ""));
	html_fill(&p.h, ">{n}</a></p><h1>{t}</h1>", {"n", pf.name}, {"t", p.title});
	page_flash(&p);
	page_errors(&p);
	member_table(&p, members);
	if (r->target.facts.admin && !r->target.facts.project_completed)
		invite_form(&p);
	if (audit_admin(r) && !r->target.facts.project_completed)
		code_form(&p);
	return page_send(&p, status);
}

/* GET /projects/{pid}/members */
bgw_err
page_members(bgw_request *r)
{
	return members_page(r, 200);
}

/* POST /projects/{pid}/members */
bgw_err
page_member_add(bgw_request *r)
{
	project_actor who = actor_project(r);
	project_member_add_in in = {.base_url = r->app->cfg->base_url};
	const field_value *org;
	const char *org_id;
	bgw_err err = page_fields(r, member_add_fields);

	if (err == BGW_OK) {
		org = fields_get(r->fields, member_add_fields, "organization");
		in.email = fields_get(r->fields, member_add_fields, "email")->s;
		in.side = fields_get(r->fields, member_add_fields, "side")->s;
		in.admin = fields_get(r->fields, member_add_fields, "admin")->b;
		in.organization = org->present ? org->s : NULL;
		err = project_member_add(r->app->db, r->a, &who, r->target.project_id, &in, &org_id,
		    &r->field_errors);
	}
	if (err == BGW_OK)
		return page_redirect(r, path(r, "/members?m=mem.invited"));
	return err == BGW_E_VALIDATION ? members_page(r, 422) : err;
}

/* POST /projects/{pid}/members/{uid}/remove */
bgw_err
page_member_remove(bgw_request *r)
{
	project_actor who = actor_project(r);
	bgw_err err = project_member_remove(r->app->db, r->a, &who, r->target.project_id,
	    r->path_params[1]);

	return err == BGW_OK ? page_redirect(r, path(r, "/members?m=msg.done")) : err;
}

/* POST /projects/{pid}/members/{uid}/unlock */
bgw_err
page_member_unlock(bgw_request *r)
{
	project_actor who = actor_project(r);
	bgw_err err = project_member_unlock(r->app->db, r->a, &who, r->target.project_id,
	    r->path_params[1]);

	return err == BGW_OK ? page_redirect(r, path(r, "/members?m=msg.done")) : err;
}

/* POST /projects/{pid}/access-code: a new code, shown on this answer only. */
bgw_err
page_code_regenerate(bgw_request *r)
{
	project_actor who = actor_project(r);
	char code[PROJECT_CODE_DISPLAY_LEN + 1];
	page p;
	bgw_err err = project_code_regenerate(r->app->db, r->a, &who, r->target.project_id, code);

	if (err != BGW_OK)
		return err;
	page_init(&p, r, "mem.code_title");
	html_fill(&p.h, "<h1>{t}</h1><div class=\"alert ok\" role=\"status\"><p>{m}</p>"
	    "<p class=\"code\" id=\"new-code\">{c}</p></div><p><a", {"t", p.title},
	    {"m", page_t(&p, "mem.code_new")}, {"c", code});
	OPENSSL_cleanse(code, sizeof(code));
	html_attr_url(&p.h, "href", path(r, "/members"));
	html_fill(&p.h, ">{b}</a></p>", {"b", page_t(&p, "mem.title")});
	return page_send(&p, 200);
}
