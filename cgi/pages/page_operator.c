/* page_operator.c - the operators' pages: audit firms, users, lock and unlock.  Operators
 * see no project or confirmation content: these pages read the very statements of
 * h_operator.c (operator_firms, operator_users: names, addresses, organisations, flags) and
 * lock through lib/auth/account.h's account_lock / account_unlock (sessions ended, audit
 * events), as the API does. */
#include "pages/page.h"

#include "authglue.h"

#include <string.h>

static bool
is_true(db_rows *res, int row, int col)
{
	return strcmp(db_value(res, row, col), "t") == 0;
}

static void
firms(page *p, db_rows *res)
{
	html_fill(&p->h, "<section aria-labelledby=\"h-firms\"><h2 id=\"h-firms\">{t}</h2>"
	    "<div class=\"scroll\" tabindex=\"0\"><table><caption class=\"sr\">{t}</caption><thead>"
	    "<tr><th scope=\"col\">{n}</th><th scope=\"col\" class=\"num\">{u}</th></tr></thead>"
	    "<tbody>", {"t", page_t(p, "op.firms")}, {"n", page_t(p, "op.firm")},
	    {"u", page_t(p, "op.users_count")});
	for (int i = 0; i < db_nrows(res); i++)
		html_fill(&p->h, "<tr><th scope=\"row\">{n}</th><td class=\"num\">{c}</td></tr>",
		    {"n", db_value(res, i, 1)}, {"c", db_value(res, i, 2)});
	html_raw(&p->h, "</tbody></table></div></section>");
}

static void
lock_button(page *p, const char *uid, bool lock, const char *who)
{
	html_raw(&p->h, "<form method=\"post\" class=\"inline\"");
	html_attr_url(&p->h, "action", bgw_arena_printf(p->r->a, "/operator/users/%s/%s", uid,
	    lock ? "lock" : "unlock"));
	html_raw(&p->h, ">");
	page_csrf(p);
	/* The user in the accessible name (as in page_members.c: no hidden span in a table). */
	html_raw(&p->h, "<button type=\"submit\"");
	html_attr(&p->h, "aria-label", bgw_arena_printf(p->r->a, "%s %s",
	    page_t(p, lock ? "op.lock" : "op.unlock"), who));
	html_fill(&p->h, ">{t}</button></form>", {"t", page_t(p, lock ? "op.lock" : "op.unlock")});
}

static void
users(page *p, db_rows *res)
{
	html_fill(&p->h, "<section aria-labelledby=\"h-users\"><h2 id=\"h-users\">{t}</h2>"
	    "<div class=\"scroll\" tabindex=\"0\"><table><caption class=\"sr\">{t}</caption><thead>"
	    "<tr><th scope=\"col\">{e}</th><th scope=\"col\">{n}</th><th scope=\"col\">{o}</th>"
	    "<th scope=\"col\">{m}</th><th scope=\"col\">{s}</th><th scope=\"col\">{a}</th></tr>"
	    "</thead><tbody>", {"t", page_t(p, "op.users")}, {"e", page_t(p, "mem.email")},
	    {"n", page_t(p, "mem.name")}, {"o", page_t(p, "mem.org")},
	    {"m", page_t(p, "acct.mfa")}, {"s", page_t(p, "op.state")},
	    {"a", page_t(p, "mem.actions")});
	for (int i = 0; i < db_nrows(res); i++) {
		const char *uid = db_value(res, i, 0), *kind = db_value(res, i, 5);
		const char *kind_key = bgw_arena_printf(p->r->a, "okind.%s", kind);
		bool locked = is_true(res, i, 7), self = strcmp(uid, p->r->user_id) == 0;

		html_fill(&p->h, "<tr><th scope=\"row\">{e}</th><td>{n}</td><td>{o}（{k}）</td>"
		    "<td>{m}</td><td>", {"e", db_value(res, i, 1)}, {"n", db_value(res, i, 2)},
		    {"o", db_value(res, i, 4)}, {"k", i18n_has(kind_key) ? page_t(p, kind_key) : kind},
		    {"m", page_t(p, is_true(res, i, 6) ? "common.yes" : "common.no")});
		if (locked)
			html_fill(&p->h, "<span class=\"badge s-exception\">{t}</span>",
			    {"t", page_t(p, "op.locked")});
		else
			html_fill(&p->h, "{t}", {"t", page_t(p, "op.active")});
		html_raw(&p->h, "</td><td>");
		/* Operators are never locked by operators (operator_lock refuses them). */
		if (!self && strcmp(kind, "operator") != 0)
			lock_button(p, uid, !locked, db_value(res, i, 1));
		html_raw(&p->h, "</td></tr>");
	}
	html_raw(&p->h, "</tbody></table></div></section>");
}

/* GET /operator */
bgw_err
page_operator(bgw_request *r)
{
	db_rows *f, *u;
	page p;
	bgw_err err;

	if ((err = db_exec(r->app->db, r->a, "operator_firms", 0, NULL, &f)) != BGW_OK ||
	    (err = db_exec(r->app->db, r->a, "operator_users", 0, NULL, &u)) != BGW_OK)
		return err;
	page_init(&p, r, "op.title");
	html_fill(&p.h, "<h1>{t}</h1><p class=\"note\">{n}</p>", {"t", p.title},
	    {"n", page_t(&p, "op.note")});
	page_flash(&p);
	firms(&p, f);
	users(&p, u);
	return page_send(&p, 200);
}

/* POST /operator/users/{uid}/lock */
bgw_err
page_operator_lock(bgw_request *r)
{
	auth_caller who = authglue_caller(r);
	bgw_err err = account_lock(r->app->db, r->a, &who, r->path_params[0]);

	return err == BGW_OK ? page_redirect(r, "/operator?m=msg.done") : err;
}

/* POST /operator/users/{uid}/unlock */
bgw_err
page_operator_unlock(bgw_request *r)
{
	auth_caller who = authglue_caller(r);
	bgw_err err = account_unlock(r->app->db, r->a, &who, r->path_params[0]);

	return err == BGW_OK ? page_redirect(r, "/operator?m=msg.done") : err;
}
