/* page_prefs.c - the notification preferences on the account page (issue 22): the section
 * with its form, and POST /me/notifications, which runs the use case of PATCH
 * /api/v1/me/notifications (lib/mail/prefs.h). */
#include "pages/page.h"

#include <stdio.h>
#include <string.h>

#include "mail/prefs.h"

static void
digest_select(page *p, const char *current)
{
	html_fill(&p->h, "<div class=\"field\"><label for=\"f-digest\">{l}</label>"
	    "<select id=\"f-digest\" name=\"digest\">", {"l", page_t(p, "prefs.digest")});
	for (int i = 0; prefs_digest_values[i] != NULL; i++) {
		char key[32];

		snprintf(key, sizeof(key), "prefs.digest_%s", prefs_digest_values[i]);
		html_raw(&p->h, "<option");
		html_attr(&p->h, "value", prefs_digest_values[i]);
		html_flag(&p->h, "selected", strcmp(current, prefs_digest_values[i]) == 0);
		html_raw(&p->h, ">");
		html_text(&p->h, page_t(p, key));
		html_raw(&p->h, "</option>");
	}
	html_raw(&p->h, "</select></div>");
}

/* One checkbox; name and id are compile-time literals. */
#define CHECKBOX(p, id, name, on, label_key) \
	do { \
		html_raw(&(p)->h, "<div class=\"check\"><input type=\"checkbox\" id=\"" id "\" " \
		    "name=\"" name "\" value=\"true\""); \
		html_flag(&(p)->h, "checked", (on)); \
		html_fill(&(p)->h, "><label for=\"" id "\">{l}</label></div>", \
		    {"l", page_t((p), (label_key))}); \
	} while (0)

void
page_prefs_section(page *p)
{
	notify_prefs np;

	if (prefs_get(p->r->app->db, p->r->a, p->r->user_id, &np) != BGW_OK)
		return; /* the rest of the page still helps; the error is logged by the store */
	p->form = "prefs";
	html_fill(&p->h, "<section class=\"card\" aria-labelledby=\"h-prefs\">"
	    "<h2 id=\"h-prefs\">{t}</h2><p>{h}</p>"
	    "<form method=\"post\" action=\"/me/notifications\">",
	    {"t", page_t(p, "prefs.title")}, {"h", page_t(p, "prefs.help")});
	page_csrf(p);
	digest_select(p, np.digest);
	CHECKBOX(p, "f-overdue-alerts", "overdue_alerts", np.overdue_alerts, "prefs.overdue");
	html_fill(&p->h, "<button type=\"submit\">{s}</button></form></section>",
	    {"s", page_t(p, "prefs.save")});
	p->form = NULL;
}

/* A checkbox of the form: absent means off (browsers send only checked boxes). */
static int
checked(const bgw_request *r, const char *name)
{
	const field_value *v = fields_get(r->fields, prefs_fields, name);

	return v != NULL && v->present && v->b;
}

/* POST /me/notifications */
bgw_err
page_prefs_save(bgw_request *r)
{
	const field_value *d;
	prefs_set_in in;
	notify_prefs np;
	bgw_err err = page_fields(r, prefs_fields);

	if (err == BGW_OK) {
		d = fields_get(r->fields, prefs_fields, "digest");
		in.digest = d != NULL && d->present ? d->s : NULL;
		in.overdue_alerts = checked(r, "overdue_alerts");
		/* Not on the form until the per-answer mail is sent (docs/api.md): unchanged. */
		in.answer_mail = -1;
		err = prefs_set(r->app->db, r->a, r->user_id, &in, &np, &r->field_errors);
	}
	if (err == BGW_OK)
		return page_redirect(r, "/account?m=msg.saved");
	return err == BGW_E_VALIDATION ? page_account_again(r, 422, "prefs") : err;
}
