/* page_session.c - sign-in (with the TOTP step), sign-out.
 *
 * The sign-in page runs the use cases of POST /api/v1/session (lib/auth/session.h:
 * session_sign_in, session_sign_in_otp: the same throttles, KDF slots, audit events and
 * session rotation) on the form's fields, then turns their answer into a page: a redirect on
 * success, the TOTP step when the account has MFA, the form again with a message otherwise.
 * The TOTP step carries a pending sign-in's token (lib/auth/session.h), never the password. */
#include "pages/page.h"

#include <string.h>

#include "authglue.h"

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

/* The code step's form: the token of the pending sign-in and the code.  The password does
 * not ride along: after the first step it is nowhere but in the user's head. */
static const field_spec otp_step_fields[] = {
	{.name = "token", .type = FIELD_STRING, .required = true, .max_len = 64},
	{.name = "otp", .type = FIELD_STRING, .required = true, .max_len = 64},
	{.name = NULL},
};

/* The form: first step (e-mail, password) or, with pending, the code step (the pending
 * sign-in's token hidden, the code). */
static bgw_err
login_form(bgw_request *r, int status, const char *pending, const char *email, const char *next,
    const char *message_key)
{
	page p;

	page_init(&p, r, pending != NULL ? "login.otp_title" : "login.title");
	html_fill(&p.h, "<div class=\"narrow\"><h1>{t}</h1>", {"t", p.title});
	page_flash(&p);
	if (message_key != NULL)
		html_fill(&p.h, "<div class=\"alert err\" role=\"alert\"><p>{m}</p></div>",
		    {"m", page_t(&p, message_key)});
	html_raw(&p.h, "<form method=\"post\" action=\"/login\" class=\"card\">");
	hidden(&p, "next", next);
	if (pending != NULL) {
		hidden(&p, "token", pending);
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
	return login_form(r, 200, NULL, NULL, next_of(r->query), NULL);
}

/* The second step: the pending sign-in's token and the code. */
static bgw_err
login_otp_post(bgw_request *r, const char *next)
{
	session_sign_in_otp_in in = {0};
	session_sign_in_out out;
	bgw_err err = page_fields(r, otp_step_fields);

	if (err == BGW_E_VALIDATION)
		return login_form(r, 422, NULL, NULL, next, "login.pending_expired");
	if (err == BGW_OK) {
		in.pending = authglue_field(r, otp_step_fields, "token");
		in.otp = authglue_field(r, otp_step_fields, "otp");
		err = authglue_sign_in_otp(r, &in, &out);
	}
	switch (err) {
	case BGW_OK:
		return page_redirect(r, next != NULL ? next : "/projects");
	case BGW_E_INVALID_CREDENTIALS:
		/* A wrong code keeps the user at the code step, under a new token. */
		return login_form(r, 401, out.pending, NULL, next, "login.otp_failed");
	case BGW_E_VALIDATION:
		return login_form(r, 422, NULL, NULL, next, "login.pending_expired");
	case BGW_E_RATE_LIMITED:
		return login_form(r, 429, NULL, NULL, next, "err.rate_limited");
	default:
		return err;
	}
}

bgw_err
page_login_post(bgw_request *r)
{
	const char *next = next_of(r->form);
	session_sign_in_in in = {.pending = true};
	session_sign_in_out out;
	bgw_err err;

	if (kv_get(r->form, "token") != NULL)
		return login_otp_post(r, next);
	if ((err = page_fields(r, login_fields)) == BGW_E_VALIDATION)
		return login_form(r, 422, NULL, kv_get(r->form, "email"), next, "err.validation");
	if (err != BGW_OK)
		return err;
	in.email = authglue_field(r, login_fields, "email");
	in.password = authglue_field(r, login_fields, "password");
	err = authglue_sign_in(r, &in, &out);

	switch (err) {
	case BGW_OK:
		return page_redirect(r, next != NULL ? next : "/projects");
	case BGW_E_OTP_REQUIRED:
		return login_form(r, 200, out.pending, NULL, next, NULL);
	case BGW_E_INVALID_CREDENTIALS:
		return login_form(r, 401, NULL, in.email, next, "login.failed");
	case BGW_E_RATE_LIMITED:
		return login_form(r, 429, NULL, in.email, next, "err.rate_limited");
	default:
		return err;
	}
}

bgw_err
page_logout(bgw_request *r)
{
	bgw_err err = authglue_sign_out(r);

	return err == BGW_OK ? page_redirect(r, "/login?m=logout.done") : err;
}
