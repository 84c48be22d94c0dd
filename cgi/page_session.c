/* page_session.c - sign-in (with the TOTP step), sign-out.
 *
 * The sign-in page runs the very code of POST /api/v1/session (h_session_create: the same
 * throttles, KDF slots, audit events and session rotation) on the form's fields, then turns
 * its answer into a page: a redirect on success, the TOTP step when the account has MFA, the
 * form again with a message otherwise. */
#include "page.h"

#include <string.h>

static const char *
next_of(const bgw_kv *src)
{
	const char *next = kv_get(src, "next");

	return html_next_ok(next) ? next : NULL;
}

static void
hidden(page *p, const char *name, const char *value)
{
	if (value == NULL)
		return;
	html_raw(&p->h, "<input type=\"hidden\"");
	html_attr(&p->h, "name", name);
	html_attr(&p->h, "value", value);
	html_raw(&p->h, ">");
}

/* The form: first step (e-mail, password) or, with otp_step, the code (the first step's
 * fields ride along hidden: the API takes all three at once). */
static bgw_err
login_form(bgw_request *r, int status, bool otp_step, const char *email, const char *password,
    const char *next, const char *message_key)
{
	page p;

	page_init(&p, r, otp_step ? "login.otp_title" : "login.title");
	html_fill(&p.h, "<div class=\"narrow\"><h1>{t}</h1>", {"t", p.title});
	page_flash(&p);
	if (message_key != NULL)
		html_fill(&p.h, "<div class=\"alert err\" role=\"alert\"><p>{m}</p></div>",
		    {"m", page_t(&p, message_key)});
	html_raw(&p.h, "<form method=\"post\" action=\"/login\" class=\"card\">");
	hidden(&p, "next", next);
	if (otp_step) {
		hidden(&p, "email", email);
		hidden(&p, "password", password);
		html_fill(&p.h, "<p id=\"otp-help\">{h}</p>", {"h", page_t(&p, "login.otp_help")});
		html_fill(&p.h, "<div class=\"field\"><label for=\"f-otp\">{l}</label>"
		    "<input id=\"f-otp\" name=\"otp\" type=\"text\" inputmode=\"numeric\" "
		    "autocomplete=\"one-time-code\" required autofocus aria-describedby=\"otp-help\">"
		    "</div>", {"l", page_t(&p, "login.otp")});
	} else {
		page_input(&p, "email", "email", "login.email", email, "username", true);
		page_input(&p, "password", "password", "login.password", NULL, "current-password",
		    true);
	}
	html_fill(&p.h, "<button type=\"submit\" class=\"primary\">{s}</button></form>"
	    "<p><a href=\"/password-reset\">{f}</a></p></div>",
	    {"s", page_t(&p, "login.submit")}, {"f", page_t(&p, "login.forgot")});
	return page_send(&p, status);
}

bgw_err
page_login(bgw_request *r)
{
	return login_form(r, 200, false, NULL, NULL, next_of(r->query), NULL);
}

bgw_err
page_login_post(bgw_request *r)
{
	const char *next = next_of(r->form);
	const char *email, *password;
	bool otp;
	bgw_err err = page_fields(r, login_fields);

	if (err == BGW_E_VALIDATION)
		return login_form(r, 422, false, kv_get(r->form, "email"), NULL, next, "err.validation");
	if (err != BGW_OK)
		return err;
	email = fields_get(r->fields, login_fields, "email")->s;
	password = fields_get(r->fields, login_fields, "password")->s;
	otp = fields_get(r->fields, login_fields, "otp")->present;
	err = h_session_create(r);

	switch (err) {
	case BGW_OK:
		return page_redirect(r, next != NULL ? next : "/projects");
	case BGW_E_OTP_REQUIRED:
		return login_form(r, 200, true, email, password, next, NULL);
	case BGW_E_INVALID_CREDENTIALS:
		/* A wrong code keeps the user at the code step; anything else starts again. */
		if (otp)
			return login_form(r, 401, true, email, password, next, "login.otp_failed");
		return login_form(r, 401, false, email, NULL, next, "login.failed");
	case BGW_E_RATE_LIMITED:
		return login_form(r, 429, false, email, NULL, next, "err.rate_limited");
	default:
		return err;
	}
}

bgw_err
page_logout(bgw_request *r)
{
	bgw_err err = h_session_delete(r);

	return err == BGW_OK ? page_redirect(r, "/login?m=logout.done") : err;
}
