/* page_layout.c - the layout every page shares, the language switch, redirects, form
 * helpers, and the error page the router calls for every non-API path. */
#include "pages/page.h"

#include <stdlib.h>
#include <string.h>

#include "core/log.h"
#include "core/money.h"
#include "core/urlenc.h"

#define LANG_COOKIE_MAX 96

static void
remember_lang(page *p)
{
	enum i18n_lang l;
	char cookie[LANG_COOKIE_MAX];

	/* Only an explicit switch is remembered; Accept-Language is asked again each time. */
	if (!i18n_parse(kv_get(p->r->query, I18N_COOKIE), &l))
		return;
	snprintf(cookie, sizeof(cookie), I18N_COOKIE "=%s; Path=/; Secure; HttpOnly; "
	    "SameSite=Lax; Max-Age=%ld", i18n_code(l), PAGE_LANG_MAX_AGE);
	request_add_header(p->r, "Set-Cookie", cookie);
}

void
page_init(page *p, bgw_request *r, const char *title_key)
{
	p->r = r;
	p->lang = i18n_pick(kv_get(r->query, I18N_COOKIE), kv_get(r->cookies, I18N_COOKIE),
	    request_param(r, "HTTP_ACCEPT_LANGUAGE"));
	html_init(&p->h, r->a);
	p->title = title_key != NULL ? i18n_t(p->lang, title_key) : "";
	p->form = p->err_form = NULL;
	remember_lang(p);
}

const char *
page_t(const page *p, const char *key)
{
	return i18n_t(p->lang, key);
}

void
page_tx(page *p, const char *key)
{
	html_text(&p->h, page_t(p, key));
}

const char *
page_self(const bgw_request *r)
{
	const char *q = request_param(r, "QUERY_STRING");

	if (strcmp(r->method, "GET") != 0 && strcmp(r->method, "HEAD") != 0)
		return NULL;
	if (q == NULL || *q == '\0')
		return r->path;
	return bgw_arena_printf(r->a, "%s?%s", r->path, q);
}

/* The link that switches to the other language: /lang/{code}?next=<this page>. */
static const char *
lang_link(const page *p)
{
	const char *self = page_self(p->r);
	const char *other = p->lang == I18N_JA ? "en" : "ja";

	if (self == NULL || !html_next_ok(self))
		return bgw_arena_printf(p->r->a, "/lang/%s", other);
	return bgw_arena_printf(p->r->a, "/lang/%s?next=%s", other, urlenc_encode(p->r->a, self));
}

static void
nav(page *p, html *h)
{
	bool in = p->r->user_id != NULL;

	html_fill(h, "<header class=\"top\"><div class=\"wrap top-in\">"
	    "<a class=\"brand\" href=\"{home}\">{name}</a>"
	    "<nav aria-label=\"{navlabel}\"><ul class=\"nav\">",
	    {"home", in ? "/projects" : "/login"}, {"name", page_t(p, "app.name")},
	    {"navlabel", page_t(p, "nav.main")});
	if (in) {
		html_fill(h, "<li><a href=\"/projects\">{a}</a></li><li><a href=\"/inbox\">{b}</a></li>"
		    "<li><a href=\"/account\">{c}</a></li>",
		    {"a", page_t(p, "nav.projects")}, {"b", page_t(p, "nav.inbox")},
		    {"c", page_t(p, "nav.account")});
		if (p->r->user.org_kind != NULL && strcmp(p->r->user.org_kind, "respondent") == 0)
			html_fill(h, "<li><a href=\"/org\">{t}</a></li>", {"t", page_t(p, "nav.org")});
		if (p->r->user.operator)
			html_fill(h, "<li><a href=\"/operator\">{t}</a></li>",
			    {"t", page_t(p, "nav.operator")});
		html_raw(h, "<li><form method=\"post\" action=\"/logout\" class=\"inline\">");
		html_raw(h, "<input type=\"hidden\" name=\"csrf_token\"");
		html_attr(h, "value", p->r->session.csrf);
		html_fill(h, "><button type=\"submit\" class=\"linklike\">{t}</button></form></li>",
		    {"t", page_t(p, "nav.signout")});
	} else {
		html_fill(h, "<li><a href=\"/login\">{a}</a></li><li><a href=\"/verify\">{b}</a></li>"
		    "<li><a href=\"/help\">{c}</a></li>",
		    {"a", page_t(p, "nav.signin")}, {"b", page_t(p, "nav.verify")},
		    {"c", page_t(p, "nav.help")});
	}
	html_raw(h, "<li><a");
	html_attr_url(h, "href", lang_link(p));
	html_attr(h, "lang", p->lang == I18N_JA ? "en" : "ja");
	html_attr(h, "hreflang", p->lang == I18N_JA ? "en" : "ja");
	html_fill(h, ">{t}</a></li></ul></nav>", {"t", page_t(p, "nav.lang_other")});
	if (in)
		html_fill(h, "<p class=\"who\">{l} {name}（{org}）</p>",
		    {"l", page_t(p, "nav.signed_in_as")}, {"name", p->r->user.name},
		    {"org", p->r->user.org_name});
	html_raw(h, "</div></header>");
}

/* Pages say "same-origin", not nginx's default "no-referrer": under no-referrer Chromium
 * sends "Origin: null" with a form POST, which the router's origin check must refuse.  No
 * referrer still leaves for another site. */
static bgw_err
referrer_policy(bgw_request *r)
{
	return request_add_header(r, "Referrer-Policy", "same-origin");
}

bgw_err
page_send(page *p, int status)
{
	bgw_request *r = p->r;
	html doc;
	bgw_err err;

	html_init(&doc, r->a);
	html_raw(&doc, "<!DOCTYPE html>\n<html");
	html_attr(&doc, "lang", i18n_code(p->lang));
	html_raw(&doc, "><head><meta charset=\"utf-8\">"
	    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">");
	html_fill(&doc, "<title>{t} | {app}</title>", {"t", p->title},
	    {"app", page_t(p, "app.name")});
	html_raw(&doc, "<link rel=\"stylesheet\" href=\"" PAGE_CSS "\">"
	    "<script src=\"" PAGE_JS "\" defer></script></head><body>");
	html_fill(&doc, "<a class=\"skip\" href=\"#main\">{t}</a>", {"t", page_t(p, "nav.skip")});
	nav(p, &doc);
	html_raw(&doc, "<main id=\"main\" class=\"wrap\" tabindex=\"-1\">");
	html_frag(&doc, &p->h);
	html_raw(&doc, "</main>");
	html_fill(&doc, "<footer class=\"foot\"><div class=\"wrap\"><p>{note}</p>"
	    "<p><a href=\"/help\">{help}</a> · <a href=\"/verify\">{verify}</a></p></div></footer>"
	    "</body></html>\n",
	    {"note", page_t(p, "footer.note")}, {"help", page_t(p, "nav.help")},
	    {"verify", page_t(p, "nav.verify")});
	if ((err = referrer_policy(r)) != BGW_OK)
		return err;
	if ((err = html_finish(&doc, &r->resp_body, &r->resp_len)) != BGW_OK) {
		bgw_log(BGW_LOG_ERROR, "could not render page %s: %s", r->path, bgw_err_code(err));
		return err;
	}
	r->status = status;
	r->resp_type = "text/html; charset=utf-8";
	return BGW_OK;
}

bgw_err
page_redirect(bgw_request *r, const char *location)
{
	bgw_err err;

	if (!html_url_ok(location) || location[0] != '/')
		return BGW_E_INTERNAL;
	if ((err = request_add_header(r, "Location", location)) != BGW_OK ||
	    (err = referrer_policy(r)) != BGW_OK)
		return err;
	r->status = 303;
	r->resp_type = "text/plain; charset=utf-8";
	r->resp_body = "";
	r->resp_len = 0;
	return BGW_OK;
}

bgw_err
page_fields(bgw_request *r, const field_spec *specs)
{
	return fields_from_form(r->a, r->form, specs, &r->fields, &r->field_errors);
}

void
page_csrf(page *p)
{
	html_raw(&p->h, "<input type=\"hidden\" name=\"csrf_token\"");
	html_attr(&p->h, "value", p->r->session.csrf);
	html_raw(&p->h, ">");
}

/* A one-button form posting to action (the button's text, and the member's name for
 * screen readers, who would hear many identical buttons otherwise). */
void
page_row_button(page *p, const char *action, const char *label_key, const char *who,
    bool danger)
{
	html_raw(&p->h, "<form method=\"post\" class=\"inline\"");
	html_attr_url(&p->h, "action", action);
	html_raw(&p->h, ">");
	page_csrf(p);
	html_raw(&p->h, "<button type=\"submit\"");
	if (danger)
		html_raw(&p->h, " class=\"danger\"");
	/* aria-label, not a visually hidden span: absolutely positioned text inside the
	 * scrolling table would widen the page on a phone.  It starts with the visible text
	 * (WCAG 2.5.3, label in name). */
	html_attr(&p->h, "aria-label", bgw_arena_printf(p->r->a, "%s %s", page_t(p, label_key),
	    who != NULL ? who : ""));
	html_fill(&p->h, ">{t}</button></form> ", {"t", page_t(p, label_key)});
}

void
page_progress(page *p, const char *busy_key)
{
	/* The words come from the catalogue through data- attributes: the script has none. */
	html_raw(&p->h, "<div class=\"progress\" data-progress hidden");
	html_attr(&p->h, "data-sending", page_t(p, "prog.sending"));
	html_attr(&p->h, "data-busy", page_t(p, busy_key));
	html_attr(&p->h, "data-failed", page_t(p, "prog.failed"));
	html_fill(&p->h, "><label>{l}<progress max=\"100\"></progress></label>"
	    "<p class=\"note\" role=\"status\" aria-live=\"polite\"></p></div>",
	    {"l", page_t(p, "prog.label")});
}

/* A field-error reason in words; reasons we do not know read as "not valid". */
static const char *
reason_text(const page *p, const char *reason)
{
	static const char *const known[] = {"required", "too_short", "too_long", "too_common",
		"wrong", "invalid_or_expired", "not_attached", NULL};
	/* A refused file: the error's own words (err.*), the same as on an error page. */
	static const char *const errors[] = {"infected", "too_large", "unsupported_type",
		"scanner_unavailable", NULL};

	for (int i = 0; known[i] != NULL; i++)
		if (strcmp(reason, known[i]) == 0)
			return page_t(p, bgw_arena_printf(p->r->a, "v.%s", known[i]));
	for (int i = 0; errors[i] != NULL; i++)
		if (strcmp(reason, errors[i]) == 0)
			return page_t(p, bgw_arena_printf(p->r->a, "err.%s", errors[i]));
	return page_t(p, "v.invalid");
}

static bool
same(const char *a, const char *b)
{
	return (a == NULL && b == NULL) || (a != NULL && b != NULL && strcmp(a, b) == 0);
}

const char *
page_field_reason(const page *p, const char *name)
{
	const char *reason = same(p->form, p->err_form) ? kv_get(p->r->field_errors, name) : NULL;

	return reason != NULL ? reason_text(p, reason) : NULL;
}

/* Field ids: "f-", the form, and the name with brackets and dots made id-safe. */
static const char *
field_id_in(const page *p, const char *form, const char *name)
{
	char *id = form != NULL ? bgw_arena_printf(p->r->a, "f-%s-%s", form, name) :
	    bgw_arena_printf(p->r->a, "f-%s", name);

	for (char *c = id; c != NULL && *c != '\0'; c++)
		if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') ||
		    *c == '-'))
			*c = '-';
	return id;
}

static const char *
field_id(const page *p, const char *name)
{
	return field_id_in(p, p->form, name);
}

void
page_errors(page *p)
{
	if (p->r->field_errors == NULL)
		return;
	html_fill(&p->h, "<div class=\"alert err\" role=\"alert\" id=\"errors\" tabindex=\"-1\">"
	    "<p>{t}</p><ul>", {"t", page_t(p, "common.errors")});
	for (const bgw_kv *e = p->r->field_errors; e != NULL; e = e->next) {
		html_raw(&p->h, "<li><a");
		html_attr_url(&p->h, "href", bgw_arena_printf(p->r->a, "#%s",
		    field_id_in(p, p->err_form, e->key)));
		html_fill(&p->h, ">{f}: {why}</a></li>", {"f", e->key},
		    {"why", reason_text(p, e->value)});
	}
	html_raw(&p->h, "</ul></div>");
}

void
page_input(page *p, const char *name, const char *type, const char *label_key,
    const char *value, const char *autocomplete, bool required)
{
	const char *id = field_id(p, name), *why = page_field_reason(p, name);

	html_raw(&p->h, "<div class=\"field\"><label");
	html_attr(&p->h, "for", id);
	html_fill(&p->h, ">{l}</label>", {"l", page_t(p, label_key)});
	if (why != NULL) {
		html_raw(&p->h, "<p class=\"ferr\"");
		html_attr(&p->h, "id", bgw_arena_printf(p->r->a, "%s-err", id));
		html_fill(&p->h, ">{w}</p>", {"w", why});
	}
	html_raw(&p->h, "<input");
	html_attr(&p->h, "id", id);
	html_attr(&p->h, "name", name);
	html_attr(&p->h, "type", type);
	if (value != NULL && strcmp(type, "password") != 0)
		html_attr(&p->h, "value", value);
	if (autocomplete != NULL)
		html_attr(&p->h, "autocomplete", autocomplete);
	html_flag(&p->h, "required", required);
	if (why != NULL) {
		html_raw(&p->h, " aria-invalid=\"true\"");
		html_attr(&p->h, "aria-describedby", bgw_arena_printf(p->r->a, "%s-err", id));
	}
	html_raw(&p->h, "></div>");
}

void
page_textarea(page *p, const char *name, const char *label_key, const char *value,
    bool required)
{
	const char *id = field_id(p, name), *why = page_field_reason(p, name);

	html_raw(&p->h, "<div class=\"field\"><label");
	html_attr(&p->h, "for", id);
	html_fill(&p->h, ">{l}</label>", {"l", page_t(p, label_key)});
	if (why != NULL)
		html_fill(&p->h, "<p class=\"ferr\">{w}</p>", {"w", why});
	html_raw(&p->h, "<textarea rows=\"3\"");
	html_attr(&p->h, "id", id);
	html_attr(&p->h, "name", name);
	html_flag(&p->h, "required", required);
	if (why != NULL)
		html_raw(&p->h, " aria-invalid=\"true\"");
	html_raw(&p->h, ">");
	html_text(&p->h, value);
	html_raw(&p->h, "</textarea></div>");
}

void
page_date(page *p, const char *ymd)
{
	char buf[I18N_DATE_MAX];

	html_text(&p->h, i18n_date(p->lang, ymd, buf, sizeof(buf)) == BGW_OK ? buf : ymd);
}

void
page_datetime(page *p, const char *ts)
{
	char buf[I18N_DATE_MAX];

	html_text(&p->h, i18n_datetime(p->lang, ts, buf, sizeof(buf)) == BGW_OK ? buf : ts);
}

void
page_amount(page *p, const char *amount, const char *currency)
{
	char buf[MONEY_DISPLAY_MAX];

	if (amount == NULL) {
		html_text(&p->h, "—");
		return;
	}
	html_text(&p->h, i18n_amount(p->lang, amount, currency, buf, sizeof(buf)) == BGW_OK ?
	    buf : amount);
}

void
page_status(page *p, const char *status)
{
	const char *key = bgw_arena_printf(p->r->a, "status.%s", status != NULL ? status : "");

	html_raw(&p->h, "<span");
	html_attr(&p->h, "class", bgw_arena_printf(p->r->a, "badge s-%s", status));
	html_raw(&p->h, ">");
	html_text(&p->h, i18n_has(key) ? page_t(p, key) : status);
	html_raw(&p->h, "</span>");
}

void
page_flash(page *p)
{
	static const char *const keys[] = {"msg.saved", "msg.done", "logout.done", "inv.done",
		"reset.sent", "reset.done", "acct.changed", "acct.mfa_disabled", "mem.invited", NULL};
	const char *m = kv_get(p->r->query, "m");

	if (m == NULL)
		return;
	for (int i = 0; keys[i] != NULL; i++)
		if (strcmp(keys[i], m) == 0)
			html_fill(&p->h, "<div class=\"alert ok\" role=\"status\"><p>{t}</p></div>",
			    {"t", page_t(p, keys[i])});
}

const char *
page_js(const json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

long long
page_ji(const json_t *o, const char *key)
{
	return json_integer_value(json_object_get(o, key));
}

bool
page_jb(const json_t *o, const char *key)
{
	return json_is_true(json_object_get(o, key));
}

policy_subject
page_subject(const bgw_request *r)
{
	policy_subject s = {0};

	s.signed_in = r->user_id != NULL;
	s.operator = r->user.operator;
	s.mfa = r->user.mfa_enabled;
	s.audit_firm_user = r->user.org_kind != NULL && strcmp(r->user.org_kind, "audit_firm") == 0;
	return s;
}

bool
page_may(const bgw_request *r, const char *status, enum wf_action act)
{
	policy_subject s = page_subject(r);
	enum wf_state st;

	if (!wf_state_from_string(status, &st) || !workflow_allowed(st, act))
		return false;
	return policy_decide(workflow_policy_action(act), &s, &r->target.facts) == BGW_OK;
}

/* GET /lang/{code}?next=...: remember the language and go back. */
bgw_err
page_lang(bgw_request *r)
{
	enum i18n_lang l;
	const char *next = kv_get(r->query, "next");
	char cookie[LANG_COOKIE_MAX];
	bgw_err err;

	if (!i18n_parse(r->path_params[0], &l))
		return BGW_E_NOT_FOUND;
	snprintf(cookie, sizeof(cookie), I18N_COOKIE "=%s; Path=/; Secure; HttpOnly; "
	    "SameSite=Lax; Max-Age=%ld", i18n_code(l), PAGE_LANG_MAX_AGE);
	if ((err = request_add_header(r, "Set-Cookie", cookie)) != BGW_OK)
		return err;
	return page_redirect(r, html_next_ok(next) ? next : "/");
}

/* GET /: the project list when signed in, else sign-in. */
bgw_err
page_home(bgw_request *r)
{
	return page_redirect(r, kv_get(r->cookies, SESSION_COOKIE) != NULL ? "/projects" :
	    "/login");
}
