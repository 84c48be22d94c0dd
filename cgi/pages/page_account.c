/* page_account.c - account settings: who am I, change the password, turn two-factor
 * authentication on (QR code, setup key, a first code, the recovery codes shown once) and
 * off (password and a code).
 *
 * Every form runs the use case of its JSON route (lib/auth/account.h, mfa.h through
 * authglue.h: the same checks, KDF slots, session ends and audit events) and shows its
 * answer: the secret, the codes, or the form again with its errors. */
#include "pages/page.h"

#include <openssl/crypto.h>

#include "authglue.h"
#include "core/qr.h"

static void
profile(page *p)
{
	const bgw_user *u = &p->r->user;

	html_fill(&p->h, "<section class=\"card\" aria-labelledby=\"h-me\"><h2 id=\"h-me\">{t}</h2>"
	    "<dl class=\"facts\"><dt>{nl}</dt><dd>{n}</dd><dt>{el}</dt><dd>{e}</dd>"
	    "<dt>{ol}</dt><dd>{o}</dd></dl></section>",
	    {"t", page_t(p, "acct.profile")}, {"nl", page_t(p, "acct.name")}, {"n", u->name},
	    {"el", page_t(p, "login.email")}, {"e", u->email}, {"ol", page_t(p, "acct.org")},
	    {"o", u->org_name});
}

static void
password_form(page *p)
{
	p->form = "pw";
	html_fill(&p->h, "<section class=\"card\" aria-labelledby=\"h-pw\"><h2 id=\"h-pw\">{t}</h2>"
	    "<form method=\"post\" action=\"/me/password\">", {"t", page_t(p, "acct.password")});
	page_csrf(p);
	/* A hidden username lets password managers file the new password under the account. */
	html_raw(&p->h, "<input type=\"hidden\" name=\"username\" autocomplete=\"username\"");
	html_attr(&p->h, "value", p->r->user.email);
	html_raw(&p->h, ">");
	page_input(p, "current_password", "password", "acct.current", NULL, "current-password",
	    true);
	page_input(p, "new_password", "password", "acct.new", NULL, "new-password", true);
	html_fill(&p->h, "<button type=\"submit\">{s}</button></form></section>",
	    {"s", page_t(p, "acct.change")});
	p->form = NULL;
}

static void
mfa_section(page *p)
{
	const bgw_user *u = &p->r->user;

	html_fill(&p->h, "<section class=\"card\" aria-labelledby=\"h-mfa\"><h2 id=\"h-mfa\">{t}</h2>"
	    "<p>{s}</p>", {"t", page_t(p, "acct.mfa")},
	    {"s", page_t(p, u->mfa_enabled ? "acct.mfa_on" : "acct.mfa_off")});
	if (!u->mfa_enabled) {
		html_raw(&p->h, "<form method=\"post\" action=\"/me/mfa\">");
		page_csrf(p);
		html_fill(&p->h, "<button type=\"submit\" class=\"primary\">{s}</button></form>"
		    "</section>", {"s", page_t(p, "acct.mfa_begin")});
		return;
	}
	if (u->operator) {
		/* Operators always keep their second factor (mfa_turn_off refuses). */
		html_fill(&p->h, "<p class=\"note\">{n}</p></section>",
		    {"n", page_t(p, "acct.mfa_operator")});
		return;
	}
	p->form = "mfaoff";
	html_fill(&p->h, "<h3>{t}</h3><form method=\"post\" action=\"/me/mfa/disable\">",
	    {"t", page_t(p, "acct.mfa_disable")});
	page_csrf(p);
	page_input(p, "password", "password", "login.password", NULL, "current-password", true);
	page_input(p, "otp", "text", "login.otp", NULL, "one-time-code", true);
	html_fill(&p->h, "<button type=\"submit\">{s}</button></form></section>",
	    {"s", page_t(p, "acct.mfa_disable")});
	p->form = NULL;
}

/* The settings page; err_form names the form whose POST failed (its errors shown). */
static bgw_err
account_page(bgw_request *r, int status, const char *err_form)
{
	page p;

	page_init(&p, r, "acct.title");
	p.err_form = err_form;
	html_fill(&p.h, "<h1>{t}</h1>", {"t", p.title});
	page_flash(&p);
	if (err_form != NULL)
		page_errors(&p);
	profile(&p);
	password_form(&p);
	mfa_section(&p);
	page_prefs_section(&p);
	return page_send(&p, status);
}

bgw_err
page_account_again(bgw_request *r, int status, const char *err_form)
{
	return account_page(r, status, err_form);
}

/* GET /account */
bgw_err
page_account(bgw_request *r)
{
	return account_page(r, 200, NULL);
}

/* POST /me/password */
bgw_err
page_password_change(bgw_request *r)
{
	bgw_err err = page_fields(r, password_change_fields);

	if (err == BGW_OK)
		err = authglue_change_password(r);
	if (err == BGW_OK)
		return page_redirect(r, "/account?m=acct.changed");
	return err == BGW_E_VALIDATION ? account_page(r, 422, "pw") : err;
}

/* The form for the first code of an enrolment (after the QR code, or again after a wrong
 * code: the secret is not shown twice; "start again" makes a new one). */
static void
verify_form(page *p)
{
	p->form = p->err_form = "mfa";
	html_raw(&p->h, "<form method=\"post\" action=\"/me/mfa/verify\" class=\"card\">");
	page_csrf(p);
	page_input(p, "otp", "text", "acct.mfa_code", NULL, "one-time-code", true);
	html_fill(&p->h, "<button type=\"submit\" class=\"primary\">{s}</button></form>",
	    {"s", page_t(p, "acct.mfa_verify")});
	p->form = NULL;
}

/* The setup key in groups of MFA_SECRET_GROUP, easier to read and type, and it wraps on a
 * phone; authenticator apps ignore the spaces. */
#define MFA_SECRET_GROUP 4
#define MFA_SECRET_SHOWN_MAX (MFA_SECRET_B32_LEN + MFA_SECRET_B32_LEN / MFA_SECRET_GROUP + 1)

static void
group_secret(const char *secret, char *out)
{
	size_t o = 0;

	for (size_t i = 0; secret[i] != '\0' && i < MFA_SECRET_B32_LEN; i++) {
		if (i > 0 && i % MFA_SECRET_GROUP == 0)
			out[o++] = ' ';
		out[o++] = secret[i];
	}
	out[o] = '\0';
}

/* POST /me/mfa: a new secret, shown as a QR code and as text, and the code form.  Not a
 * redirect: the secret is shown on this answer only. */
bgw_err
page_mfa_begin(bgw_request *r)
{
	auth_env env = authglue_env(r);
	auth_caller who = authglue_caller(r);
	mfa_start_out out;
	char shown[MFA_SECRET_SHOWN_MAX];
	page p;
	bgw_err err = mfa_start(r->app->db, r->a, &env, &who, &out);

	if (err != BGW_OK)
		return err;
	page_init(&p, r, "acct.mfa_begin");
	html_fill(&p.h, "<div class=\"narrow\"><h1>{t}</h1><p>{s}</p><figure class=\"qr\">",
	    {"t", p.title}, {"s", page_t(&p, "acct.mfa_scan")});
	err = qr_write_svg(&p.h, out.uri, page_t(&p, "acct.mfa_qr"));
	group_secret(out.secret, shown);
	html_fill(&p.h, "</figure><p>{l}</p><p class=\"code\" id=\"mfa-secret\">{s}</p>",
	    {"l", page_t(&p, "acct.mfa_secret")}, {"s", shown});
	OPENSSL_cleanse(&out, sizeof(out));
	OPENSSL_cleanse(shown, sizeof(shown));
	if (err != BGW_OK)
		return err;
	verify_form(&p);
	html_raw(&p.h, "</div>");
	return page_send(&p, 200);
}

/* POST /me/mfa/verify: MFA on, and the ten recovery codes, shown this once. */
bgw_err
page_mfa_verify(bgw_request *r)
{
	char **codes = NULL;
	page p;
	bgw_err err = page_fields(r, otp_fields);

	if (err == BGW_OK && (err = authglue_mfa_confirm(r, &codes)) == BGW_E_VALIDATION &&
	    kv_get(r->field_errors, "otp") != NULL) {
		/* No enrolment pending (otp no_enrolment) reads as a wrong code too; the page
		 * offers to start again either way. */
		r->field_errors = NULL;
		request_field_error(r, "otp", "wrong");
	}
	if (err == BGW_E_VALIDATION) {
		page_init(&p, r, "acct.mfa_begin");
		html_fill(&p.h, "<div class=\"narrow\"><h1>{t}</h1>", {"t", p.title});
		p.err_form = "mfa";
		page_errors(&p);
		verify_form(&p);
		html_raw(&p.h, "<form method=\"post\" action=\"/me/mfa\">");
		page_csrf(&p);
		html_fill(&p.h, "<button type=\"submit\">{s}</button></form></div>",
		    {"s", page_t(&p, "acct.mfa_restart")});
		return page_send(&p, 422);
	}
	if (err != BGW_OK)
		return err;
	page_init(&p, r, "acct.mfa_codes_title");
	html_fill(&p.h, "<div class=\"narrow\"><h1>{t}</h1><div class=\"alert ok\" role=\"status\">"
	    "<p>{ok}</p></div><p>{h}</p><ol class=\"codes card\">", {"t", p.title},
	    {"ok", page_t(&p, "acct.mfa_enabled")}, {"h", page_t(&p, "acct.mfa_codes")});
	for (int i = 0; i < MFA_RECOVERY_CODES; i++)
		html_fill(&p.h, "<li>{c}</li>", {"c", codes[i]});
	html_fill(&p.h, "</ol><p><a href=\"/account\">{b}</a></p></div>",
	    {"b", page_t(&p, "acct.back")});
	return page_send(&p, 200);
}

/* POST /me/mfa/disable (password and a code) */
bgw_err
page_mfa_disable(bgw_request *r)
{
	bgw_err err = page_fields(r, mfa_off_fields);

	if (err == BGW_OK)
		err = authglue_mfa_turn_off(r);
	if (err == BGW_OK) {
		r->user.mfa_enabled = false;
		return page_redirect(r, "/account?m=acct.mfa_disabled");
	}
	return err == BGW_E_VALIDATION ? account_page(r, 422, "mfaoff") : err;
}
