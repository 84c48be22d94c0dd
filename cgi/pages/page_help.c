/* page_help.c - the public pages for respondents: help ("why did I get this, is it genuine,
 * what do I do") and the verify page, which asks the same library call as
 * GET /api/v1/verify/{reference} (verifyref_lookup) and shows only what it answers: the
 * audit firm, the audited company and the date sent. */
#include "pages/page.h"

#include <string.h>

#include "flow/verifyref.h"

/* GET /help */
bgw_err
page_help(bgw_request *r)
{
	page p;

	page_init(&p, r, "help.title");
	html_fill(&p.h, "<div class=\"help narrow\"><h1>{t}</h1>"
	    "<h2>{h1}</h2><p>{p1}</p><h2>{h2}</h2><p>{p2}</p>"
	    "<p><a href=\"/verify\">{v}</a></p>"
	    "<h2>{h3}</h2><p>{p3}</p><h2>{h4}</h2><p>{p4}</p>"
	    "<p><a href=\"/login\">{s}</a> · <a href=\"/password-reset\">{f}</a></p></div>",
	    {"t", p.title}, {"h1", page_t(&p, "help.why_h")}, {"p1", page_t(&p, "help.why")},
	    {"h2", page_t(&p, "help.genuine_h")}, {"p2", page_t(&p, "help.genuine")},
	    {"v", page_t(&p, "nav.verify")}, {"h3", page_t(&p, "help.what_h")},
	    {"p3", page_t(&p, "help.what")}, {"h4", page_t(&p, "help.cost_h")},
	    {"p4", page_t(&p, "help.cost")}, {"s", page_t(&p, "nav.signin")},
	    {"f", page_t(&p, "login.forgot")});
	return page_send(&p, 200);
}

static void
verify_form(page *p, const char *typed, const char *seal)
{
	html_raw(&p->h, "<form method=\"get\" action=\"/verify\" class=\"card\">");
	p->form = "verify";
	page_input(p, "reference", "text", "verify.reference", typed, "off", true);
	/* Optional: the seal printed on a receipt (its QR code fills both in). */
	page_input(p, "seal", "text", "verify.seal", seal, "off", false);
	p->form = NULL;
	html_fill(&p->h, "<button type=\"submit\" class=\"primary\">{s}</button></form>",
	    {"s", page_t(p, "verify.submit")});
}

/* The lookup (in the route's transaction, bound to no user): BGW_OK with *found, or
 * BGW_E_NOT_FOUND for anything that is not a sent request. */
static bgw_err
lookup(bgw_request *r, const char *typed, json_t **found)
{
	char ref[VERIFYREF_LEN + 1];

	if (strlen(typed) > VERIFYREF_INPUT_MAX || verifyref_normalise(typed, ref) != 0)
		return BGW_E_NOT_FOUND;
	return verifyref_lookup(r->app->db, r->a, ref, found);
}

/* The answer to ?seal= for a sent request: valid (with the day it was sealed) or not; a
 * malformed seal is simply not valid.  The same call as GET /api/v1/verify/{ref}?seal=. */
static bgw_err
seal_result(bgw_request *r, page *p, const char *typed, const char *seal)
{
	char ref[VERIFYREF_LEN + 1];
	json_t *check = NULL;
	bgw_err err = verifyref_normalise(typed, ref) == 0 ?
	    verifyref_seal(r->app->db, r->a, ref, seal, &check) : BGW_E_VALIDATION;

	if (err != BGW_OK && err != BGW_E_VALIDATION)
		return err;
	if (check != NULL && json_is_true(json_object_get(check, "seal_valid"))) {
		html_fill(&p->h, "<div class=\"alert ok\" role=\"status\" id=\"seal-result\">"
		    "<p>{m}</p><p>{l} ", {"m", page_t(p, "verify.seal_valid")},
		    {"l", page_t(p, "verify.sealed_on")});
		page_date(p, page_js(check, "answered_on"));
		html_raw(&p->h, "</p></div>");
	} else {
		html_fill(&p->h, "<div class=\"alert err\" role=\"alert\" id=\"seal-result\">"
		    "<p>{m}</p></div>", {"m", page_t(p, "verify.seal_invalid")});
	}
	return BGW_OK;
}

/* GET /verify, and GET /verify?reference=...[&seal=...] (a GET form: the answer is a page
 * to keep). */
bgw_err
page_verify(bgw_request *r)
{
	const char *typed = kv_get(r->query, "reference");
	const char *seal = kv_get(r->query, "seal");
	json_t *found = NULL;
	int status = 200;
	page p;
	bgw_err err = BGW_OK;

	if (typed != NULL && *typed != '\0') {
		err = lookup(r, typed, &found);
		if (err != BGW_OK && err != BGW_E_NOT_FOUND)
			return err;
	}
	page_init(&p, r, "verify.title");
	html_fill(&p.h, "<div class=\"narrow\"><h1>{t}</h1><p>{i}</p>", {"t", p.title},
	    {"i", page_t(&p, "verify.intro")});
	if (found != NULL) {
		html_fill(&p.h, "<div class=\"alert ok\" role=\"status\" id=\"verify-result\"><p>{m}</p>"
		    "</div><dl class=\"facts card\"><dt>{rl}</dt><dd>{r}</dd><dt>{fl}</dt><dd>{f}</dd>"
		    "<dt>{cl}</dt><dd>{c}</dd><dt>{dl}</dt><dd>",
		    {"m", page_t(&p, "verify.found")}, {"rl", page_t(&p, "verify.reference")},
		    {"r", typed}, {"fl", page_t(&p, "verify.firm")},
		    {"f", page_js(found, "audit_firm")}, {"cl", page_t(&p, "projects.client")},
		    {"c", page_js(found, "client_name")}, {"dl", page_t(&p, "verify.sent_on")});
		page_date(&p, page_js(found, "sent_on") != NULL ? page_js(found, "sent_on") : "");
		html_raw(&p.h, "</dd></dl>");
	} else if (typed != NULL && *typed != '\0') {
		status = 404;
		html_fill(&p.h, "<div class=\"alert err\" role=\"alert\" id=\"verify-result\">"
		    "<p>{m}</p></div>", {"m", page_t(&p, "verify.not_found")});
	}
	if (found != NULL && seal != NULL && *seal != '\0' &&
	    (err = seal_result(r, &p, typed, seal)) != BGW_OK)
		return err;
	verify_form(&p, typed, seal);
	html_fill(&p.h, "<p><a href=\"/help\">{h}</a></p></div>", {"h", page_t(&p, "nav.help")});
	return page_send(&p, status);
}
