/* page_invite.c - the pages a mailed link opens: accepting an invitation (GET /invitation,
 * the link of lib/auth/invite.c) and resetting a password (GET /password-reset, the link of
 * account_request_reset).
 *
 * The forms run the use cases of the JSON routes (lib/auth/account.h through authglue.h:
 * the same token checks, password policy, KDF slots, throttles and audit events), then turn
 * their answer into a page.  The token rides in a hidden field: it is the proof of the
 * mailed link, as in the API body. */
#include "pages/page.h"
#include "pages/page_journey.h"

#include <string.h>

#include "auth/account.h"
#include "authglue.h"

static void
hidden(page *p, const char *name, const char *value)
{
	html_raw(&p->h, "<input type=\"hidden\"");
	html_attr(&p->h, "name", name);
	html_attr(&p->h, "value", value);
	html_raw(&p->h, ">");
}

/* The page of a link that no longer works (unknown, used or expired token). */
static bgw_err
dead_link(bgw_request *r, const char *title_key, bool offer_reset)
{
	page p;

	page_init(&p, r, title_key);
	html_fill(&p.h, "<div class=\"narrow\"><h1>{t}</h1><div class=\"alert err\" role=\"alert\">"
	    "<p>{m}</p></div>", {"t", p.title}, {"m", page_t(&p, "v.invalid_or_expired")});
	if (offer_reset)
		html_fill(&p.h, "<p><a href=\"/password-reset\">{l}</a></p>",
		    {"l", page_t(&p, "reset.again")});
	else
		html_fill(&p.h, "<p>{l}</p>", {"l", page_t(&p, "inv.ask_again")});
	html_raw(&p.h, "</div>");
	return page_send(&p, 422);
}

/* Read the invitation of token (in the route's transaction, bound to no user). */
static bgw_err
find_invitation(bgw_request *r, const char *token, account_invitation *inv)
{
	if (token == NULL || strlen(token) > 64)
		return BGW_E_VALIDATION;
	return account_invitation_find(r->app->db, r->a, token, inv);
}

static bgw_err
invitation_form(bgw_request *r, int status, const char *token, const account_invitation *inv)
{
	page p;

	page_init(&p, r, "inv.title");
	p.form = p.err_form = "inv";
	html_fill(&p.h, "<div class=\"narrow\"><h1>{t}</h1>", {"t", p.title});
	page_errors(&p);
	html_fill(&p.h, "<p>{i}</p><dl class=\"facts\"><dt>{el}</dt><dd>{e}</dd></dl>",
	    {"i", page_t(&p, inv->existing_user_id != NULL ? "inv.intro_existing" : "inv.intro_new")},
	    {"el", page_t(&p, "inv.email")}, {"e", inv->email});
	html_raw(&p.h, "<form method=\"post\" action=\"/invitations/accept\" class=\"card\">");
	hidden(&p, "token", token);
	if (inv->existing_user_id != NULL) {
		/* An existing account keeps its own name and password (account.h); the field is
		 * still required by the shared field list, so it carries the address. */
		hidden(&p, "name", inv->email);
	} else {
		page_input(&p, "name", "text", "inv.name", kv_get(r->form, "name"), "name", true);
		page_input(&p, "password", "password", "inv.password", NULL, "new-password", true);
	}
	html_fill(&p.h, "<button type=\"submit\" class=\"primary\">{s}</button></form></div>",
	    {"s", page_t(&p, inv->existing_user_id != NULL ? "inv.link" : "inv.submit")});
	return page_send(&p, status);
}

/* GET /invitation?token=... */
bgw_err
page_invitation(bgw_request *r)
{
	const char *token = kv_get(r->query, "token");
	account_invitation inv;
	account_journey j;
	bool journey = false;
	bgw_err err = find_invitation(r, token, &inv);

	if (err == BGW_E_VALIDATION)
		return dead_link(r, "inv.title", false);
	if (err != BGW_OK)
		return err;
	/* A request mail's invitation: the respondent's one-form first page. */
	if ((err = account_invitation_journey(r->app->db, r->a, &inv, &j, &journey)) != BGW_OK)
		return err;
	if (journey)
		return page_journey_form(r, 200, token, &inv, &j, NULL);
	return invitation_form(r, 200, token, &inv);
}

/* POST /invitations/accept from the journey's page (it sends a code). */
static bgw_err
journey_accept(bgw_request *r, const char *token)
{
	account_invitation inv;
	account_journey j;
	bool journey = false;
	bgw_err err = find_invitation(r, token, &inv);

	if (err == BGW_OK)
		err = account_invitation_journey(r->app->db, r->a, &inv, &j, &journey);
	if (err == BGW_E_VALIDATION || (err == BGW_OK && !journey))
		return dead_link(r, "inv.title", false);
	if (err != BGW_OK)
		return err;
	return page_journey_accept(r, token, &inv, &j);
}

/* POST /invitations/accept */
bgw_err
page_invitation_accept(bgw_request *r)
{
	const char *token = kv_get(r->form, "token");
	account_invitation inv;
	bgw_user u;
	bgw_err err;

	if (kv_get(r->form, "code") != NULL)
		return journey_accept(r, token);
	err = page_fields(r, accept_fields);

	if (err == BGW_OK)
		err = authglue_accept_invitation(r, &u);
	if (err == BGW_OK)
		return page_redirect(r, "/login?m=inv.done");
	if (err != BGW_E_VALIDATION)
		return err;
	if (kv_get(r->field_errors, "token") != NULL)
		return dead_link(r, "inv.title", false);
	/* A field was wrong (nothing was written): the form again, with its errors. */
	if ((err = find_invitation(r, token, &inv)) == BGW_E_VALIDATION)
		return dead_link(r, "inv.title", false);
	if (err != BGW_OK)
		return err;
	return invitation_form(r, 422, token, &inv);
}

static bgw_err
reset_request_form(bgw_request *r, int status, const char *message_key)
{
	page p;

	page_init(&p, r, "reset.title");
	p.form = p.err_form = "reset";
	html_fill(&p.h, "<div class=\"narrow\"><h1>{t}</h1>", {"t", p.title});
	page_flash(&p);
	if (message_key != NULL)
		html_fill(&p.h, "<div class=\"alert err\" role=\"alert\"><p>{m}</p></div>",
		    {"m", page_t(&p, message_key)});
	page_errors(&p);
	html_fill(&p.h, "<p>{i}</p><form method=\"post\" action=\"/password-reset\" class=\"card\">",
	    {"i", page_t(&p, "reset.intro")});
	page_input(&p, "email", "email", "login.email", kv_get(r->form, "email"), "email", true);
	html_fill(&p.h, "<button type=\"submit\" class=\"primary\">{s}</button></form>"
	    "<p><a href=\"/login\">{b}</a></p></div>",
	    {"s", page_t(&p, "reset.submit")}, {"b", page_t(&p, "nav.signin")});
	return page_send(&p, status);
}

static bgw_err
reset_complete_form(bgw_request *r, int status, const char *token)
{
	page p;

	page_init(&p, r, "reset.new_title");
	p.form = p.err_form = "newpw";
	html_fill(&p.h, "<div class=\"narrow\"><h1>{t}</h1>", {"t", p.title});
	page_errors(&p);
	html_raw(&p.h, "<form method=\"post\" action=\"/password-reset/complete\" class=\"card\">");
	hidden(&p, "token", token);
	page_input(&p, "password", "password", "reset.new", NULL, "new-password", true);
	html_fill(&p.h, "<button type=\"submit\" class=\"primary\">{s}</button></form></div>",
	    {"s", page_t(&p, "reset.complete")});
	return page_send(&p, status);
}

/* GET /password-reset: the request form, or with ?token= (the mailed link) the new
 * password form.  The token is checked when the form is sent: looking it up here would
 * tell nothing the form does not. */
bgw_err
page_reset(bgw_request *r)
{
	const char *token = kv_get(r->query, "token");

	if (token != NULL && *token != '\0' && strlen(token) <= 64)
		return reset_complete_form(r, 200, token);
	return reset_request_form(r, 200, NULL);
}

/* POST /password-reset: always the same answer, whether the address is known or not. */
bgw_err
page_reset_post(bgw_request *r)
{
	bgw_err err = page_fields(r, reset_fields);

	if (err == BGW_E_VALIDATION)
		return reset_request_form(r, 422, NULL);
	if (err == BGW_OK)
		err = authglue_request_reset(r);
	if (err == BGW_E_RATE_LIMITED)
		return reset_request_form(r, 429, "err.rate_limited");
	if (err != BGW_OK)
		return err;
	return page_redirect(r, "/password-reset?m=reset.sent");
}

/* POST /password-reset/complete */
bgw_err
page_reset_complete(bgw_request *r)
{
	const char *token = kv_get(r->form, "token");
	bgw_err err = page_fields(r, reset_complete_fields);

	if (err == BGW_OK)
		err = authglue_complete_reset(r);
	if (err == BGW_OK)
		return page_redirect(r, "/login?m=reset.done");
	if (err != BGW_E_VALIDATION)
		return err;
	if (kv_get(r->field_errors, "token") != NULL || token == NULL || strlen(token) > 64)
		return dead_link(r, "reset.new_title", true);
	return reset_complete_form(r, 422, token);
}
