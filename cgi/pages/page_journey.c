/* page_journey.c - the first-time respondent's journey (issue 17): the one page a request
 * mail's link opens, and its form.
 *
 * Three screens from the mail to the receipt: this page (who asks, how to check it is
 * genuine, the organisation's first-access code and a new password, or the password of an
 * existing account, in one form), the answer form, the sealed receipt.  The form posts to
 * /invitations/accept like the plain invitation (page_invite.c dispatches on the code
 * field), runs the same use cases and leaves the same audit trail: the code is checked
 * first, on the invitation (lib/auth/account.h), so a wrong code creates nothing yet counts
 * towards the invitation's lockout; then the account is opened (or signed in), joins the
 * project as its organisation's admin, passes the membership's code check, and gets its
 * session.  The page is in the addressee's language unless the reader chose the other. */
#include "pages/page_journey.h"

#include <stdio.h>
#include <string.h>

#include <openssl/crypto.h>

#include "authglue.h"
#include "flow/project.h"

static const field_spec journey_fields[] = {
	{.name = "token", .type = FIELD_STRING, .required = true, .max_len = 64},
	{.name = "code", .type = FIELD_STRING, .required = true, .max_len = 64},
	{.name = "password", .type = FIELD_STRING, .required = true, .max_len = 1024},
	{.name = NULL},
};

/* An explicit choice (?lang=, the cookie) first; else the language the audit team chose
 * for the addressee, not the browser's. */
static enum i18n_lang
journey_lang(const bgw_request *r, const account_journey *j)
{
	enum i18n_lang l;

	if (i18n_parse(kv_get(r->query, I18N_COOKIE), &l) ||
	    i18n_parse(kv_get(r->cookies, I18N_COOKIE), &l))
		return l;
	return i18n_parse(j->locale, &l) ? l : I18N_JA;
}

static void
fact(page *p, const char *label_key, const char *value)
{
	html_fill(&p->h, "<dt>{l}</dt><dd>{v}</dd>", {"l", page_t(p, label_key)}, {"v", value});
}

/* Who asks, about what, and how to check that before typing anything. */
static void
who_asks(page *p, const account_invitation *inv, const account_journey *j)
{
	html_raw(&p->h, "<dl class=\"facts card\" id=\"journey-facts\">");
	fact(p, "jr.firm", j->firm);
	fact(p, "jr.client", j->client);
	fact(p, "jr.reference", j->reference);
	html_fill(&p->h, "<dt>{l}</dt><dd>", {"l", page_t(p, "jr.due")});
	page_date(p, j->due_date);
	html_raw(&p->h, "</dd>");
	fact(p, "jr.addressee", bgw_arena_printf(p->r->a, "%s <%s>", j->respondent_name,
	    inv->email));
	html_fill(&p->h, "</dl><section aria-labelledby=\"h-genuine\"><h2 id=\"h-genuine\">{h}</h2>"
	    "<p>{t}</p><p><a", {"h", page_t(p, "jr.genuine_h")}, {"t", page_t(p, "jr.genuine")});
	html_attr_url(&p->h, "href", bgw_arena_printf(p->r->a, "/verify?reference=%s",
	    j->reference));
	html_fill(&p->h, " id=\"journey-verify\">{l}</a></p></section>",
	    {"l", page_t(p, "jr.verify_link")});
}

bgw_err
page_journey_form(bgw_request *r, int status, const char *token,
    const account_invitation *inv, const account_journey *j, const char *alert_key)
{
	bool existing = inv->existing_user_id != NULL;
	page p;

	page_init(&p, r, NULL);
	p.lang = journey_lang(r, j);
	p.title = page_t(&p, "jr.title");
	p.form = p.err_form = "jr";
	html_fill(&p.h, "<div class=\"narrow\"><h1>{t}</h1><p>{i}</p>", {"t", p.title},
	    {"i", page_t(&p, "jr.intro")});
	if (alert_key != NULL)
		html_fill(&p.h, "<div class=\"alert err\" role=\"alert\" id=\"journey-alert\">"
		    "<p>{m}</p></div>", {"m", page_t(&p, alert_key)});
	page_errors(&p);
	who_asks(&p, inv, j);
	if (j->code_locked) {
		html_raw(&p.h, "</div>");
		return page_send(&p, status);
	}
	html_fill(&p.h, "<form method=\"post\" action=\"/invitations/accept\" class=\"card\" "
	    "id=\"journey-form\"><p>{i}</p><input type=\"hidden\" name=\"token\"",
	    {"i", page_t(&p, existing ? "jr.form_existing" : "jr.form_new")});
	html_attr(&p.h, "value", token);
	html_raw(&p.h, ">");
	page_input(&p, "code", "text", "jr.code", kv_get(r->form, "code"), "one-time-code", true);
	page_input(&p, "password", "password", existing ? "jr.password_existing" :
	    "jr.password_new", NULL, existing ? "current-password" : "new-password", true);
	html_fill(&p.h, "<button type=\"submit\" class=\"primary\">{s}</button></form></div>",
	    {"s", page_t(&p, "jr.submit")});
	return page_send(&p, status);
}

/* The answer to a first step that went wrong: the page again, with what went wrong beside
 * the field and said in words at the top. */
static bgw_err
again(bgw_request *r, int status, const char *token, const account_invitation *inv,
    const account_journey *j, const char *field, const char *alert_key)
{
	r->field_errors = NULL;
	if (field != NULL && request_field_error(r, field, "wrong") != BGW_E_VALIDATION)
		return BGW_E_NOMEM;
	return page_journey_form(r, status, token, inv, j, alert_key);
}

/* A new account: the addressee's name as the audit team wrote it (nothing more to type),
 * the chosen password (the policy's reasons as field errors), the addressee's language,
 * and a session. */
static bgw_err
open_account(bgw_request *r, const account_journey *j, const char *token, const char *password,
    const char **user_id)
{
	account_accept_in in = {.token = token, .name = j->respondent_name, .password = password};
	auth_env env = authglue_env(r);
	auth_caller who = authglue_caller(r);
	char cookie[SESSION_TOKEN_LEN + 1], csrf[SESSION_TOKEN_LEN + 1];
	bgw_user u;
	bgw_err err = account_accept_invitation(r->app->db, r->a, &env, &who, &in, &u,
	    &r->field_errors);

	if (err == BGW_OK)
		err = account_set_locale(r->app->db, r->a, u.id, j->locale);
	if (err == BGW_OK)
		err = session_create(r->app->db, r->a, u.id, r->remote_addr, cookie, csrf);
	OPENSSL_cleanse(csrf, sizeof(csrf));
	if (err != BGW_OK) {
		OPENSSL_cleanse(cookie, sizeof(cookie));
		return err;
	}
	*user_id = u.id;
	return authglue_cookie(r, cookie);
}

/* An existing account: its own password signs it in (throttles and lockout as at /login),
 * then the invitation adds the project to it. */
static bgw_err
sign_in_existing(bgw_request *r, const account_invitation *inv, const char *token,
    const char *password, const char **user_id)
{
	session_sign_in_in in = {.email = inv->email, .password = password, .pending = true};
	account_accept_in acc = {.token = token, .name = inv->email, .password = NULL};
	session_sign_in_out out;
	auth_env env = authglue_env(r);
	auth_caller who = authglue_caller(r);
	bgw_user u;
	bgw_err err = authglue_sign_in(r, &in, &out);

	if (err != BGW_OK)
		return err;
	err = account_accept_invitation(r->app->db, r->a, &env, &who, &acc, &u, &r->field_errors);
	if (err == BGW_OK)
		*user_id = u.id;
	return err;
}

/* The language the reader saw the page in is the one of the pages that follow. */
static bgw_err
keep_lang(bgw_request *r, const account_journey *j)
{
	char cookie[96];

	snprintf(cookie, sizeof(cookie), I18N_COOKIE "=%s; Path=/; Secure; HttpOnly; "
	    "SameSite=Lax; Max-Age=%ld", i18n_code(journey_lang(r, j)), PAGE_LANG_MAX_AGE);
	return request_add_header(r, "Set-Cookie", cookie);
}

bgw_err
page_journey_accept(bgw_request *r, const char *token, const account_invitation *inv,
    const account_journey *j)
{
	const char *code, *password;
	project_actor who = {.ip = r->remote_addr, .side = SIDE_RESPONDENT, .admin = true,
		.member_org_id = inv->organization_id};
	bgw_err err = page_fields(r, journey_fields);

	if (j->code_locked)
		return again(r, 423, token, inv, j, NULL, "jr.locked");
	if (err == BGW_E_VALIDATION)
		return page_journey_form(r, 422, token, inv, j, NULL);
	if (err != BGW_OK)
		return err;
	code = authglue_field(r, journey_fields, "code");
	password = authglue_field(r, journey_fields, "password");
	/* The code before anything else: a wrong one creates nothing (the count commits). */
	err = account_invitation_code(r->app->db, r->a, inv, code);
	if (err == BGW_E_WRONG_CODE)
		return again(r, 422, token, inv, j, "code", "jr.wrong_code");
	if (err == BGW_E_LOCKED) {
		account_journey locked = *j;

		locked.code_locked = true;
		return again(r, 423, token, inv, &locked, NULL, "jr.locked");
	}
	if (err != BGW_OK)
		return err;
	err = inv->existing_user_id == NULL ? open_account(r, j, token, password, &who.user_id) :
	    sign_in_existing(r, inv, token, password, &who.user_id);
	switch (err) {
	case BGW_OK:
		break;
	case BGW_E_VALIDATION:
		return page_journey_form(r, 422, token, inv, j, NULL);
	case BGW_E_INVALID_CREDENTIALS:
		return again(r, 401, token, inv, j, "password", "jr.wrong_password");
	case BGW_E_RATE_LIMITED:
		return again(r, 429, token, inv, j, NULL, "err.rate_limited");
	case BGW_E_OTP_REQUIRED:
		return again(r, 200, token, inv, j, NULL, "jr.mfa");
	default:
		return err;
	}
	/* The membership passes its own check with the same code (issue 10's record). */
	if ((err = project_access(r->app->db, r->a, &who, inv->project_id, code)) != BGW_OK)
		return err == BGW_E_WRONG_CODE || err == BGW_E_LOCKED ? BGW_E_INTERNAL : err;
	if ((err = keep_lang(r, j)) != BGW_OK)
		return err;
	return page_redirect(r, bgw_arena_printf(r->a, "/confirmations/%s/answer?then=receipt",
	    j->confirmation_id));
}
