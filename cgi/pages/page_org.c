/* page_org.c - a respondent organisation's own page (issue 17): its users and units, and
 * for its admins inviting, changing, deactivating and reactivating users and adding units.
 *
 * Every form runs the use cases of lib/auth/org.h that the JSON routes run too (the same
 * unit rule, invitation mail and audit events); the buttons a row shows follow the same
 * rule (policy_may_manage_org_member), so the page offers only what the server allows. */
#include "pages/page.h"

#include <string.h>

#include "api/h_org.h"
#include "auth/policy.h"
#include "org_actor.h"

static const char *
path(const bgw_request *r, const char *suffix)
{
	return bgw_arena_printf(r->a, "/orgs/%s%s", r->target.member_org_id, suffix);
}

static bool
may_manage(const bgw_request *r, const char *unit)
{
	return policy_may_manage_org_member(r->target.facts.admin, r->target.org_unit_id, unit,
	    unit);
}

/* The name of unit id among units, or the desk's text for NULL. */
static const char *
unit_name(page *p, const json_t *units, const char *id)
{
	size_t i;
	json_t *u;

	if (id == NULL)
		return page_t(p, "org.whole");
	json_array_foreach(units, i, u)
		if (page_js(u, "id") != NULL && strcmp(page_js(u, "id"), id) == 0)
			return page_js(u, "name");
	return id;
}

/* The units a member may be put in by this admin: its own unit only, or every live unit
 * and the whole organisation for an admin of the whole; chosen is selected. */
static void
unit_options(page *p, const json_t *units, const char *chosen)
{
	const char *own = p->r->target.org_unit_id;
	size_t i;
	json_t *u;

	if (own == NULL) {
		html_raw(&p->h, "<option value=\"\"");
		html_flag(&p->h, "selected", chosen == NULL);
		html_fill(&p->h, ">{t}</option>", {"t", page_t(p, "org.whole")});
	}
	json_array_foreach(units, i, u) {
		const char *id = page_js(u, "id"), *kind = page_js(u, "kind");

		if (id == NULL || !page_jb(u, "active") || (kind != NULL && strcmp(kind, "desk") == 0) ||
		    (own != NULL && strcmp(own, id) != 0))
			continue;
		html_raw(&p->h, "<option");
		html_attr(&p->h, "value", id);
		html_flag(&p->h, "selected", chosen != NULL && strcmp(chosen, id) == 0);
		html_fill(&p->h, ">{n}</option>", {"n", page_js(u, "name")});
	}
}

/* A member's role and unit, changed in one small form of its row. */
static void
change_form(page *p, const json_t *m, const json_t *units)
{
	const json_t *u = json_object_get(m, "user");
	const char *uid = page_js(u, "id"), *name = page_js(u, "name");
	bool admin = page_jb(m, "admin");

	html_raw(&p->h, "<form method=\"post\" class=\"inline\"");
	html_attr_url(&p->h, "action", path(p->r, bgw_arena_printf(p->r->a, "/members/%s", uid)));
	html_raw(&p->h, ">");
	page_csrf(p);
	html_raw(&p->h, "<select name=\"admin\"");
	html_attr(&p->h, "aria-label", bgw_arena_printf(p->r->a, "%s %s", page_t(p, "mem.role"),
	    name != NULL ? name : ""));
	html_raw(&p->h, "><option value=\"false\"");
	html_flag(&p->h, "selected", !admin);
	html_fill(&p->h, ">{m}</option><option value=\"true\"", {"m", page_t(p, "role.member")});
	html_flag(&p->h, "selected", admin);
	html_fill(&p->h, ">{a}</option></select> <select name=\"unit_id\"",
	    {"a", page_t(p, "role.admin")});
	html_attr(&p->h, "aria-label", bgw_arena_printf(p->r->a, "%s %s", page_t(p, "org.unit"),
	    name != NULL ? name : ""));
	html_raw(&p->h, ">");
	unit_options(p, units, page_js(m, "unit_id"));
	html_fill(&p->h, "</select> <button type=\"submit\">{s}</button></form> ",
	    {"s", page_t(p, "org.change")});
}

static void
member_row(page *p, const json_t *m, const json_t *units)
{
	bgw_request *r = p->r;
	const json_t *u = json_object_get(m, "user");
	const char *uid = page_js(u, "id"), *name = page_js(u, "name");
	const char *unit = page_js(m, "unit_id");
	bool active = page_jb(m, "active");
	bool self = uid != NULL && r->user_id != NULL && strcmp(uid, r->user_id) == 0;

	html_fill(&p->h, "<tr><th scope=\"row\">{n}</th><td>{e}</td><td>{u}</td><td>{ro}</td>"
	    "<td>{st}</td><td>", {"n", name}, {"e", page_js(u, "email")},
	    {"u", unit_name(p, units, unit)},
	    {"ro", page_t(p, page_jb(m, "admin") ? "role.admin" : "role.member")},
	    {"st", page_t(p, active ? "org.active" : "org.inactive")});
	if (uid != NULL && !self && may_manage(r, unit) && active)
		change_form(p, m, units);
	if (uid != NULL && !self && may_manage(r, unit))
		page_row_button(p, path(r, bgw_arena_printf(r->a, "/members/%s/%s", uid,
		    active ? "deactivate" : "reactivate")),
		    active ? "org.deactivate" : "org.reactivate", name, active);
	html_raw(&p->h, "</td></tr>");
}

static void
member_table(page *p, const json_t *members, const json_t *units)
{
	size_t i;
	json_t *m;

	html_fill(&p->h, "<section aria-labelledby=\"h-users\"><h2 id=\"h-users\">{c}</h2>"
	    "<div class=\"scroll\" tabindex=\"0\"><table>"
	    "<thead><tr><th scope=\"col\">{n}</th><th scope=\"col\">{e}</th><th scope=\"col\">{u}</th>"
	    "<th scope=\"col\">{ro}</th><th scope=\"col\">{st}</th><th scope=\"col\">{a}</th></tr>"
	    "</thead><tbody>",
	    {"c", page_t(p, "org.users")}, {"n", page_t(p, "mem.name")},
	    {"e", page_t(p, "mem.email")}, {"u", page_t(p, "org.unit")},
	    {"ro", page_t(p, "mem.role")}, {"st", page_t(p, "org.state")},
	    {"a", page_t(p, "mem.actions")});
	json_array_foreach(json_object_get(members, "items"), i, m)
		member_row(p, m, units);
	html_raw(&p->h, "</tbody></table></div></section>");
}

static void
unit_table(page *p, const json_t *units)
{
	size_t i;
	json_t *u;

	html_fill(&p->h, "<section aria-labelledby=\"h-units\"><h2 id=\"h-units\">{c}</h2>"
	    "<div class=\"scroll\" tabindex=\"0\"><table><thead><tr><th scope=\"col\">{n}</th>"
	    "<th scope=\"col\">{k}</th><th scope=\"col\">{code}</th><th scope=\"col\">{e}</th>"
	    "</tr></thead><tbody>",
	    {"c", page_t(p, "org.units")}, {"n", page_t(p, "org.unit_name")},
	    {"k", page_t(p, "org.unit_kind")}, {"code", page_t(p, "org.unit_code")},
	    {"e", page_t(p, "org.unit_email")});
	json_array_foreach(units, i, u) {
		const char *kind = page_js(u, "kind");

		html_fill(&p->h, "<tr><th scope=\"row\">{n}</th><td>{k}</td><td>{c}</td><td>{e}</td>"
		    "</tr>", {"n", page_js(u, "name")},
		    {"k", page_t(p, bgw_arena_printf(p->r->a, "org.kind.%s", kind != NULL ? kind : ""))},
		    {"c", page_js(u, "code") != NULL ? page_js(u, "code") : ""},
		    {"e", page_js(u, "email") != NULL ? page_js(u, "email") : ""});
	}
	html_raw(&p->h, "</tbody></table></div></section>");
}

/* The unit select of the invitation form. */
static void
unit_select(page *p, const json_t *units)
{
	html_fill(&p->h, "<div class=\"field\"><label for=\"f-inv-unit_id\">{l}</label>"
	    "<select id=\"f-inv-unit_id\" name=\"unit_id\">", {"l", page_t(p, "org.unit")});
	unit_options(p, units, NULL);
	html_raw(&p->h, "</select></div>");
}

static void
invite_form(page *p, const json_t *units)
{
	bgw_request *r = p->r;

	p->form = "inv";
	html_fill(&p->h, "<section class=\"card\" aria-labelledby=\"h-inv\"><h2 id=\"h-inv\">{t}</h2>"
	    "<form method=\"post\"", {"t", page_t(p, "mem.invite")});
	html_attr_url(&p->h, "action", path(r, "/members"));
	html_raw(&p->h, ">");
	page_csrf(p);
	page_input(p, "email", "email", "mem.email", kv_get(r->form, "email"), "off", true);
	unit_select(p, units);
	html_raw(&p->h, "<div class=\"check\"><input type=\"checkbox\" id=\"f-inv-admin\" "
	    "name=\"admin\" value=\"true\"");
	html_flag(&p->h, "checked", kv_get(r->form, "admin") != NULL);
	html_fill(&p->h, "><label for=\"f-inv-admin\">{l}</label></div>"
	    "<button type=\"submit\" class=\"primary\">{s}</button></form></section>",
	    {"l", page_t(p, "org.admin")}, {"s", page_t(p, "mem.invite_submit")});
	p->form = NULL;
}

static void
unit_form(page *p)
{
	bgw_request *r = p->r;

	p->form = "unit";
	html_fill(&p->h, "<section class=\"card\" aria-labelledby=\"h-unit\"><h2 id=\"h-unit\">{t}</h2>"
	    "<form method=\"post\"", {"t", page_t(p, "org.unit_add")});
	html_attr_url(&p->h, "action", path(r, "/units"));
	html_raw(&p->h, ">");
	page_csrf(p);
	html_fill(&p->h, "<div class=\"field\"><label for=\"f-unit-kind\">{l}</label>"
	    "<select id=\"f-unit-kind\" name=\"kind\"><option value=\"branch\">{b}</option>"
	    "<option value=\"department\">{d}</option></select></div>",
	    {"l", page_t(p, "org.unit_kind")}, {"b", page_t(p, "org.kind.branch")},
	    {"d", page_t(p, "org.kind.department")});
	page_input(p, "name", "text", "org.unit_name", kv_get(r->form, "name"), "off", true);
	page_input(p, "code", "text", "org.unit_code", kv_get(r->form, "code"), "off", false);
	page_input(p, "email", "email", "org.unit_email", kv_get(r->form, "email"), "off", false);
	html_fill(&p->h, "<button type=\"submit\">{s}</button></form></section>",
	    {"s", page_t(p, "org.unit_add")});
	p->form = NULL;
}

static bgw_err
org_page(bgw_request *r, int status, const char *err_form)
{
	org_actor who = actor_org(r);
	json_t *org, *members, *units;
	page p;
	bgw_err err;

	if ((err = org_view(r->app->db, r->a, &who, &org)) != BGW_OK ||
	    (err = org_member_list(r->app->db, r->a, &who, &members)) != BGW_OK)
		return err;
	units = json_object_get(org, "units");
	page_init(&p, r, "org.title");
	p.err_form = err_form;
	html_fill(&p.h, "<h1>{t}</h1><p class=\"lead\">{n}</p><p>{h}</p><p><a href=\"/inbox\">{i}</a></p>",
	    {"t", p.title}, {"n", page_js(json_object_get(org, "organization"), "name")},
	    {"h", page_t(&p, "org.help")}, {"i", page_t(&p, "nav.inbox")});
	page_flash(&p);
	page_errors(&p);
	member_table(&p, members, units);
	unit_table(&p, units);
	if (who.admin)
		invite_form(&p, units);
	if (who.admin && who.unit_id == NULL)
		unit_form(&p);
	return page_send(&p, status);
}

/* GET /org: the user's own organisation; a user of none goes to its projects. */
bgw_err
page_org_own(bgw_request *r)
{
	const char *org_id;
	bgw_err err = org_own(r->app->db, r->a, &org_id);

	if (err != BGW_OK)
		return err;
	return page_redirect(r, org_id != NULL ? bgw_arena_printf(r->a, "/orgs/%s", org_id) :
	    "/projects");
}

/* GET /orgs/{oid} */
bgw_err
page_org(bgw_request *r)
{
	return org_page(r, 200, NULL);
}

/* POST /orgs/{oid}/members */
bgw_err
page_org_invite(bgw_request *r)
{
	org_actor who = actor_org(r);
	org_invite_in in;
	const char *status;
	bgw_err err = page_fields(r, org_invite_fields);

	if (err == BGW_OK) {
		in = actor_org_invite(r, org_invite_fields);
		err = org_member_invite(r->app->db, r->a, &who, &in, &status, &r->field_errors);
	}
	if (err == BGW_OK)
		return page_redirect(r, path(r, strcmp(status, "added") == 0 ? "?m=msg.done" :
		    "?m=mem.invited"));
	return err == BGW_E_VALIDATION ? org_page(r, 422, "inv") : err;
}

/* POST /orgs/{oid}/members/{uid}: a member's role and unit */
bgw_err
page_org_change(bgw_request *r)
{
	org_actor who = actor_org(r);
	org_change_in in;
	bgw_err err = page_fields(r, org_change_fields);

	if (err == BGW_OK) {
		in = actor_org_change(r, org_change_fields);
		err = org_member_change(r->app->db, r->a, &who, &in, &r->field_errors);
	}
	if (err == BGW_OK)
		return page_redirect(r, path(r, "?m=msg.done"));
	return err == BGW_E_VALIDATION ? org_page(r, 422, NULL) : err;
}

static bgw_err
activate(bgw_request *r, bool active)
{
	org_actor who = actor_org(r);
	bgw_err err = org_member_activate(r->app->db, r->a, &who, r->path_params[1], active);

	return err == BGW_OK ? page_redirect(r, path(r, "?m=msg.done")) : err;
}

/* POST /orgs/{oid}/members/{uid}/deactivate */
bgw_err
page_org_deactivate(bgw_request *r)
{
	return activate(r, false);
}

/* POST /orgs/{oid}/members/{uid}/reactivate */
bgw_err
page_org_reactivate(bgw_request *r)
{
	return activate(r, true);
}

/* POST /orgs/{oid}/units */
bgw_err
page_org_unit_create(bgw_request *r)
{
	org_actor who = actor_org(r);
	org_unit_in in;
	const char *id;
	bgw_err err = page_fields(r, org_unit_fields);

	if (err == BGW_OK) {
		in = actor_org_unit(r, org_unit_fields);
		err = org_unit_create(r->app->db, r->a, &who, &in, &id, &r->field_errors);
	}
	if (err == BGW_OK)
		return page_redirect(r, path(r, "?m=msg.done"));
	return err == BGW_E_VALIDATION ? org_page(r, 422, "unit") : err;
}
