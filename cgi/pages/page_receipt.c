/* page_receipt.c - GET /confirmations/{cid}/receipt: the printable A4 receipt of the final
 * answer with its seal, under the API receipt's policy (ACT_CONF_RECEIPT: the audit team
 * and the respondent).  The print layout is the stylesheet's @media print; the print button
 * is revealed by the script (data-print), and the browser's own print works without it. */
#include "pages/page.h"

#include <string.h>

#include "actor.h"
#include "flow/confflow.h"
#include "flow/confview.h"

static const char *
key2(bgw_arena *a, const char *prefix, const char *v)
{
	return bgw_arena_printf(a, "%s.%s", prefix, v != NULL ? v : "");
}

static void
row(page *p, const char *key, const char *v)
{
	html_fill(&p->h, "<div><dt>{l}</dt><dd>{v}</dd></div>", {"l", page_t(p, key)}, {"v", v});
}

static void
items(page *p, const json_t *c, const json_t *response)
{
	size_t i;
	json_t *it;

	html_fill(&p->h, "<h2>{t}</h2><div class=\"scroll\" tabindex=\"0\"><table><thead><tr><th scope=\"col\">{a}</th>"
	    "<th scope=\"col\" class=\"num\">{b}</th><th scope=\"col\">{c}</th>"
	    "<th scope=\"col\" class=\"num\">{d}</th><th scope=\"col\">{e}</th></tr></thead><tbody>",
	    {"t", page_t(p, "conf.items")}, {"a", page_t(p, "item.label")},
	    {"b", page_t(p, "item.amount")}, {"c", page_t(p, "resp.result")},
	    {"d", page_t(p, "resp.amount")}, {"e", page_t(p, "resp.note")});
	json_array_foreach(json_object_get(c, "items"), i, it) {
		const json_t *a = confview_answer_item(response, page_js(it, "id"));

		html_fill(&p->h, "<tr><th scope=\"row\">{l}</th><td class=\"num\">",
		    {"l", page_js(it, "label")});
		page_amount(p, page_js(it, "amount"), page_js(it, "currency"));
		html_fill(&p->h, "</td><td>{r}</td><td class=\"num\">", {"r", a == NULL ? NULL :
		    page_t(p, page_jb(a, "agrees") ? "resp.agrees" : "resp.differs")});
		if (a != NULL && page_js(a, "amount") != NULL)
			page_amount(p, page_js(a, "amount"), page_js(it, "currency"));
		html_fill(&p->h, "</td><td>{n}</td></tr>", {"n", a != NULL ? page_js(a, "note") : NULL});
	}
	html_raw(&p->h, "</tbody></table></div>");
}

bgw_err
page_receipt(bgw_request *r)
{
	const char *id = r->target.confirmation_id;
	conf_actor who = actor_conf(r);
	/* Only the audit team and the respondent reach a receipt (ACT_CONF_RECEIPT): both see
	 * the answer, and the JSON API's receipt is the same use case. */
	conf_receipt_in in = actor_conf_receipt(r);
	const json_t *c, *response, *resp;
	json_t *receipt;
	page p;
	bgw_err err = conf_receipt(r->app->db, r->a, &who, &in, &receipt);

	if (err == BGW_E_INVALID_STATE) {
		page_init(&p, r, "rcpt.title");
		html_fill(&p.h, "<h1>{t}</h1><p class=\"alert warn\">{m}</p><p><a",
		    {"t", p.title}, {"m", page_t(&p, "rcpt.no_answer")});
		html_attr_url(&p.h, "href", bgw_arena_printf(r->a, "/confirmations/%s", id));
		html_fill(&p.h, ">{b}</a></p>", {"b", page_t(&p, "common.back")});
		return page_send(&p, 409);
	}
	if (err != BGW_OK)
		return err;
	c = json_object_get(receipt, "confirmation");
	response = json_object_get(receipt, "response");
	page_init(&p, r, "rcpt.title");
	resp = json_object_get(c, "respondent");
	html_raw(&p.h, "<p class=\"crumbs noprint\"><a");
	html_attr_url(&p.h, "href", bgw_arena_printf(r->a, "/confirmations/%s", id));
	html_fill(&p.h, ">{b}</a> <button type=\"button\" data-print hidden>{pr}</button> <a",
	    {"b", page_t(&p, "common.back")}, {"pr", page_t(&p, "rcpt.print")});
	html_attr_url(&p.h, "href", bgw_arena_printf(r->a, "/api/v1/confirmations/%s/receipt.pdf",
	    id));
	html_fill(&p.h, " class=\"button\">{pdf}</a></p>"
	    "<article class=\"receipt\"><h1>{t}</h1>",
	    {"pdf", page_t(&p, "rcpt.pdf")}, {"t", p.title});
	page_flash(&p);
	html_raw(&p.h, "<dl class=\"facts\">");
	row(&p, "conf.reference", page_js(c, "reference"));
	row(&p, "conf.type", page_t(&p, key2(r->a, "type", page_js(c, "type"))));
	row(&p, "conf.form", page_t(&p, key2(r->a, "form", page_js(c, "form"))));
	row(&p, "conf.respondent_org", page_js(resp, "organization"));
	html_fill(&p.h, "<div><dt>{l}</dt><dd>", {"l", page_t(&p, "conf.as_of")});
	page_date(&p, page_js(c, "as_of"));
	html_raw(&p.h, "</dd></div></dl>");
	items(&p, c, response);
	page_conf_response(&p, response);
	html_fill(&p.h, "<p class=\"note\">{h}</p></article>", {"h", page_t(&p, "rcpt.seal_help")});
	return page_send(&p, 200);
}
