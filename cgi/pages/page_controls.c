/* page_controls.c - the project's controls that were reachable only through the JSON API
 * (issue 22 item 1): the settings page (reminder schedule, MFA required, retention, a new
 * access code), the audit log viewer, the project's documents, and the undeliverable (未達)
 * list with the address correction.
 *
 * Each page runs the use case its JSON route runs (lib/mail/reminders.h, lib/flow/
 * project.h, auditview.h, readdress.h, files/document.h): the same checks, audit events
 * and mail; the router has asked the policy layer for the route's action already. */
#include "pages/page.h"

#include <stdlib.h>
#include <string.h>

#include "actor.h"
#include "flow/audit.h"
#include "flow/auditview.h"
#include "flow/confirmation.h"
#include "flow/project.h"
#include "flow/readdress.h"
#include "mail/reminders.h"
#include "pages/page_conf_records.h"

#define LOG_MAX 5000     /* events read for the viewer; filters apply to these */
#define UNDELIVERABLE_MAX 500

static const char *
ppath(const bgw_request *r, const char *suffix)
{
	return bgw_arena_printf(r->a, "/projects/%s%s", r->target.project_id, suffix);
}

/* The back link to the project. */
static void
back_link(page *p)
{
	html_raw(&p->h, "<p><a");
	html_attr_url(&p->h, "href", ppath(p->r, ""));
	html_fill(&p->h, ">{t}</a></p>", {"t", page_t(p, "ctl.back")});
}

/* --- settings ------------------------------------------------------------------------- */

static void
days_input(page *p, const reminders_schedule *s, int slot, const char *label_key)
{
	const char *v = s->on[slot] ? bgw_arena_printf(p->r->a, "%lld", s->days[slot]) : "";

	page_input(p, reminders_names[slot], "number", label_key, v, "off", false);
}

/* The form's start: a form for who may change the settings; for everyone else (and on a
 * completed project) the same fields in a disabled fieldset, to read. */
static void
settings_form_open(page *p, bool may)
{
	if (!may) {
		html_fill(&p->h, "<p class=\"note\">{t}</p><fieldset disabled class=\"readonly\">"
		    "<legend class=\"sr\">{l}</legend>", {"t", page_t(p, "ctl.read_only")},
		    {"l", p->title});
		return;
	}
	html_raw(&p->h, "<form method=\"post\"");
	html_attr_url(&p->h, "action", ppath(p->r, "/settings"));
	html_raw(&p->h, ">");
	page_csrf(p);
}

static bgw_err
settings_page(bgw_request *r, int status)
{
	policy_subject sub = page_subject(r);
	bool may = policy_decide(ACT_PROJECT_SETTINGS, &sub, &r->target.facts) == BGW_OK;
	reminders_schedule s;
	json_t *proj, *pj;
	page p;
	bgw_err err;

	if ((err = project_get(r->app->db, r->a, r->target.project_id, &proj)) != BGW_OK ||
	    (err = reminders_get(r->app->db, r->a, r->target.project_id, &s)) != BGW_OK)
		return err;
	pj = json_object_get(proj, "project");
	page_init(&p, r, "ctl.settings");
	html_fill(&p.h, "<h1>{t}</h1><p class=\"sub\">{n}</p>", {"t", p.title},
	    {"n", page_js(pj, "name")});
	back_link(&p);
	page_flash(&p);
	if (status != 200)
		p.err_form = "settings";
	page_errors(&p);
	p.form = "settings";
	settings_form_open(&p, may);
	html_fill(&p.h, "<fieldset><legend>{l}</legend><p class=\"help\">{h}</p>",
	    {"l", page_t(&p, "ctl.reminders")}, {"h", page_t(&p, "ctl.reminders_help")});
	days_input(&p, &s, REMINDERS_BEFORE, "ctl.days_before");
	days_input(&p, &s, REMINDERS_AFTER, "ctl.days_after");
	days_input(&p, &s, REMINDERS_EVERY, "ctl.every_days");
	html_raw(&p.h, "</fieldset><div class=\"check\"><input type=\"checkbox\" "
	    "id=\"f-settings-mfa_required\" name=\"mfa_required\" value=\"true\"");
	html_flag(&p.h, "checked", page_jb(pj, "mfa_required"));
	html_fill(&p.h, "><label for=\"f-settings-mfa_required\">{l}</label></div>",
	    {"l", page_t(&p, "ctl.mfa_required")});
	if (page_field_reason(&p, "mfa_required") != NULL)
		html_fill(&p.h, "<p class=\"field-error\">{t}</p>", {"t", page_t(&p, "ctl.mfa_self")});
	page_input(&p, "retention_days", "number", "ctl.retention",
	    bgw_arena_printf(r->a, "%lld", page_ji(pj, "retention_days")), "off", true);
	p.form = NULL;
	if (!may) {
		html_raw(&p.h, "</fieldset>");
		return page_send(&p, status);
	}
	html_fill(&p.h, "<button type=\"submit\">{s}</button></form>",
	    {"s", page_t(&p, "prefs.save")});
	/* A new access code: the existing form of the members page, shown once there. */
	html_fill(&p.h, "<section aria-labelledby=\"h-code\"><h2 id=\"h-code\">{t}</h2>"
	    "<p class=\"help\">{h}</p><form method=\"post\"",
	    {"t", page_t(&p, "ctl.code")}, {"h", page_t(&p, "ctl.code_help")});
	html_attr_url(&p.h, "action", ppath(r, "/access-code"));
	html_raw(&p.h, ">");
	page_csrf(&p);
	html_fill(&p.h, "<button type=\"submit\" class=\"danger\">{b}</button></form></section>",
	    {"b", page_t(&p, "ctl.code_new")});
	return page_send(&p, status);
}

/* GET /projects/{pid}/settings */
bgw_err
page_settings(bgw_request *r)
{
	return settings_page(r, 200);
}

/* A day count of the form: empty means that reminder off. */
static void
form_days(const bgw_request *r, int slot, reminders_set_in *in)
{
	const char *v = kv_get(r->form, reminders_names[slot]);
	char *end;

	if (v == NULL || *v == '\0') {
		in->change[slot] = REMINDERS_OFF;
		return;
	}
	in->change[slot] = REMINDERS_SET;
	in->days[slot] = strtoll(v, &end, 10);
	in->invalid[slot] = *end != '\0' || strlen(v) > 6;
}

/* POST /projects/{pid}/settings: the use cases of PATCH /projects/{pid} and PATCH
 * /projects/{pid}/reminders, in the router's transaction. */
bgw_err
page_settings_post(bgw_request *r)
{
	const char *ret = kv_get(r->form, "retention_days"), *mfa = kv_get(r->form, "mfa_required");
	project_actor who = actor_project(r);
	project_update_in pin = {.has_mfa_required = true,
		.mfa_required = mfa != NULL && strcmp(mfa, "true") == 0};
	reminders_set_in in;
	reminders_schedule s;
	char *end = NULL;
	bgw_err err;

	memset(&in, 0, sizeof(in));
	for (int i = 0; i < REMINDERS_NSLOTS; i++)
		form_days(r, i, &in);
	if (ret != NULL && *ret != '\0') {
		pin.has_retention = true;
		pin.retention_days = strtoll(ret, &end, 10);
		if (*end != '\0' || strlen(ret) > 6)
			return request_field_error(r, "retention_days", "invalid") == BGW_E_VALIDATION ?
			    settings_page(r, 422) : BGW_E_NOMEM;
	}
	err = project_update(r->app->db, r->a, &who, r->target.project_id, &pin,
	    &r->field_errors);
	if (err == BGW_OK)
		err = reminders_set(r->app->db, r->a, r->user_id, r->remote_addr,
		    r->target.project_id, &in, &s, &r->field_errors);
	if (err == BGW_OK)
		return page_redirect(r, ppath(r, "/settings?m=msg.saved"));
	return err == BGW_E_VALIDATION ? settings_page(r, 422) : err;
}

/* --- the audit log -------------------------------------------------------------------- */

typedef struct log_filter {
	const char *conf, *actor, *action, *from, *to;
} log_filter;

static const char *
query_nonempty(const bgw_request *r, const char *name)
{
	const char *v = kv_get(r->query, name);

	return v != NULL && *v != '\0' ? v : NULL;
}

static bool
log_match(const log_filter *f, const json_t *ev)
{
	const char *at = page_js(ev, "at"), *oid = page_js(ev, "object_id");
	const char *name = page_js(json_object_get(ev, "actor"), "name");
	const char *act = page_js(ev, "action");
	const json_t *detail = json_object_get(ev, "detail");
	const char *dcid = page_js(detail, "confirmation_id");

	if (f->conf != NULL && !((oid != NULL && strcmp(oid, f->conf) == 0) ||
	    (dcid != NULL && strcmp(dcid, f->conf) == 0)))
		return false;
	if (f->actor != NULL && (name == NULL || strstr(name, f->actor) == NULL))
		return false;
	if (f->action != NULL && (act == NULL || strcmp(act, f->action) != 0))
		return false;
	/* "at" is ISO 8601: a date compares as the prefix it is. */
	if (f->from != NULL && (at == NULL || strncmp(at, f->from, strlen(f->from)) < 0))
		return false;
	if (f->to != NULL && (at == NULL || strncmp(at, f->to, strlen(f->to)) > 0))
		return false;
	return true;
}

static void
log_filters(page *p, const log_filter *f)
{
	html_raw(&p->h, "<form method=\"get\" class=\"filters\"");
	html_attr_url(&p->h, "action", ppath(p->r, "/audit-log"));
	html_raw(&p->h, ">");
	p->form = "log";
	page_input(p, "confirmation", "text", "ctl.f_conf", f->conf, "off", false);
	page_input(p, "actor", "text", "ctl.f_actor", f->actor, "off", false);
	page_input(p, "action", "text", "ctl.f_action", f->action, "off", false);
	page_input(p, "from", "date", "ctl.f_from", f->from, "off", false);
	page_input(p, "to", "date", "ctl.f_to", f->to, "off", false);
	p->form = NULL;
	html_fill(&p->h, "<button type=\"submit\">{b}</button></form>",
	    {"b", page_t(p, "ctl.filter")});
}

/* One event's row; broken: its prev_hash is not the hash of the event before it. */
static void
log_row(page *p, const json_t *ev, bool broken)
{
	const char *hash = page_js(ev, "hash");

	if (broken)
		html_raw(&p->h, "<tr class=\"tampered\"><td>");
	else
		html_raw(&p->h, "<tr><td>");
	html_int(&p->h, page_ji(ev, "seq"));
	if (broken)
		html_fill(&p->h, " <span class=\"badge s-exception\">{t}</span>",
		    {"t", page_t(p, "ctl.tampered")});
	html_raw(&p->h, "</td><td>");
	page_datetime(p, page_js(ev, "at"));
	html_fill(&p->h, "</td><td>{n}</td><td><code>{a}</code></td><td>{o}</td>"
	    "<td><code class=\"hash\">{h}</code></td></tr>",
	    {"n", page_js(json_object_get(ev, "actor"), "name")}, {"a", page_js(ev, "action")},
	    {"o", page_js(ev, "object_id")},
	    {"h", hash != NULL && strlen(hash) > 16 ? bgw_arena_printf(p->r->a, "%.16s…", hash) :
	    hash});
}

/* GET /projects/{pid}/audit-log.  The chain status is audit_verify_chain's, the check
 * `bgw-admin audit-verify` runs (each hash recomputed from the event's fields and the one
 * before), over the whole chain before any filter: the event it names is flagged. */
bgw_err
page_audit_log(bgw_request *r)
{
	log_filter f = {query_nonempty(r, "confirmation"), query_nonempty(r, "actor"),
		query_nonempty(r, "action"), query_nonempty(r, "from"), query_nonempty(r, "to")};
	char bad_id[64];
	long long bad = 0, count = 0, shown = 0;
	json_t *log, *ev;
	size_t i;
	page p;
	bgw_err err = audit_verify_chain(r->app->db, r->a, r->target.project_id, &count, &bad,
	    bad_id, sizeof(bad_id));

	if (err != BGW_OK && err != BGW_E_VALIDATION)
		return err;
	if (err == BGW_OK)
		bad = 0;
	if ((err = auditview_log_json(r->app->db, r->a, r->target.project_id, 1, LOG_MAX,
	    &log)) != BGW_OK)
		return err;
	page_init(&p, r, "ctl.audit_log");
	html_fill(&p.h, "<h1>{t}</h1>", {"t", p.title});
	back_link(&p);
	if (bad == 0)
		html_fill(&p.h, "<div class=\"alert ok\" role=\"status\"><p>{t} ",
		    {"t", page_t(&p, "ctl.chain_ok")});
	else
		html_fill(&p.h, "<div class=\"alert err\" role=\"alert\"><p>{t} ",
		    {"t", page_t(&p, "ctl.chain_bad")});
	html_fill(&p.h, "{t} ", {"t", page_t(&p, "ctl.events")});
	html_int(&p.h, page_ji(log, "total"));
	html_raw(&p.h, "</p></div>");
	log_filters(&p, &f);
	html_fill(&p.h, "<div class=\"scroll\" tabindex=\"0\"><table><caption class=\"sr\">{c}</caption>"
	    "<thead><tr><th scope=\"col\">#</th><th scope=\"col\">{at}</th><th scope=\"col\">{ac}</th>"
	    "<th scope=\"col\">{an}</th><th scope=\"col\">{o}</th><th scope=\"col\">{h}</th></tr>"
	    "</thead><tbody>", {"c", p.title}, {"at", page_t(&p, "ctl.at")},
	    {"ac", page_t(&p, "ctl.f_actor")}, {"an", page_t(&p, "ctl.f_action")},
	    {"o", page_t(&p, "ctl.object")}, {"h", page_t(&p, "ctl.hash")});
	json_array_foreach(json_object_get(log, "items"), i, ev) {
		if (!log_match(&f, ev))
			continue;
		log_row(&p, ev, bad != 0 && page_ji(ev, "seq") == bad);
		shown++;
	}
	html_raw(&p.h, "</tbody></table></div>");
	if (shown == 0)
		html_fill(&p.h, "<p>{t}</p>", {"t", page_t(&p, "ctl.none")});
	return page_send(&p, 200);
}

/* --- project documents ---------------------------------------------------------------- */

/* GET /projects/{pid}/documents: the list and the upload form of page_conf_documents,
 * for the project (no confirmation). */
bgw_err
page_project_documents(bgw_request *r)
{
	page p;
	bgw_err err;

	page_init(&p, r, "ctl.documents");
	html_fill(&p.h, "<h1>{t}</h1>", {"t", p.title});
	back_link(&p);
	page_flash(&p);
	if ((err = page_conf_documents(&p)) != BGW_OK)
		return err;
	return page_send(&p, 200);
}

/* --- undeliverable addressees --------------------------------------------------------- */

static void
readdress_form(page *p, const json_t *c)
{
	const char *cid = page_js(c, "id");

	html_raw(&p->h, "<form method=\"post\" class=\"readdress\"");
	html_attr_url(&p->h, "action", bgw_arena_printf(p->r->a, "/confirmations/%s/addressee",
	    cid));
	html_raw(&p->h, ">");
	page_csrf(p);
	p->form = bgw_arena_printf(p->r->a, "ra-%s", cid);
	page_input(p, "email", "email", "ctl.new_email", NULL, "off", true);
	page_input(p, "name", "text", "ctl.new_name",
	    page_js(json_object_get(c, "respondent"), "name"), "off", true);
	page_input(p, "method", "text", "ctl.check_method", NULL, "off", true);
	page_textarea(p, "note", "ctl.check_note", NULL, true);
	p->form = NULL;
	html_fill(&p->h, "<button type=\"submit\">{b}</button></form>",
	    {"b", page_t(p, "ctl.readdress")});
}

static bgw_err
undeliverable_list(page *p, const char *status, long long *n)
{
	conf_filter f = {.status = status, .page = 1, .per_page = UNDELIVERABLE_MAX,
		.sees_all = true};
	json_t *list, *c;
	size_t i;
	bgw_err err = conf_list_json(p->r->app->db, p->r->a, p->r->target.project_id, &f, &list);

	if (err != BGW_OK)
		return err;
	json_array_foreach(json_object_get(list, "items"), i, c) {
		if (!page_jb(c, "undeliverable"))
			continue;
		html_raw(&p->h, "<section class=\"card\"><h2><a");
		html_attr_url(&p->h, "href", bgw_arena_printf(p->r->a, "/confirmations/%s",
		    page_js(c, "id")));
		html_fill(&p->h, ">{ref}</a></h2><p>{to} <span class=\"badge s-exception\">{u}</span>"
		    "</p>", {"ref", page_js(c, "reference")},
		    {"to", page_js(json_object_get(c, "respondent"), "email")}, {"u", page_t(p, "ctl.undeliverable")});
		readdress_form(p, c);
		html_raw(&p->h, "</section>");
		(*n)++;
	}
	return BGW_OK;
}

static bgw_err
undeliverable_page(bgw_request *r, int status)
{
	long long n = 0;
	page p;
	bgw_err err;

	page_init(&p, r, "ctl.undeliverable_title");
	html_fill(&p.h, "<h1>{t}</h1><p class=\"help\">{h}</p>", {"t", p.title},
	    {"h", page_t(&p, "ctl.undeliverable_help")});
	back_link(&p);
	page_flash(&p);
	page_errors(&p);
	if ((err = undeliverable_list(&p, "sent", &n)) != BGW_OK ||
	    (err = undeliverable_list(&p, "opened", &n)) != BGW_OK)
		return err;
	if (n == 0)
		html_fill(&p.h, "<p>{t}</p>", {"t", page_t(&p, "ctl.none")});
	return page_send(&p, status);
}

/* GET /projects/{pid}/undeliverable */
bgw_err
page_undeliverable(bgw_request *r)
{
	return undeliverable_page(r, 200);
}

static const char *
form_text(const bgw_request *r, const char *name)
{
	const char *v = kv_get(r->form, name);

	return v != NULL && *v != '\0' ? v : NULL;
}

/* POST /confirmations/{cid}/addressee (a form): readdress_run, as the JSON route, then
 * back to the project's list. */
bgw_err
page_readdress(bgw_request *r)
{
	conf_readdress_in in = {.email = form_text(r, "email"), .name = form_text(r, "name"),
		.method = form_text(r, "method"), .note = form_text(r, "note")};
	conf_actor who = {.user_id = r->user_id, .ip = r->remote_addr};
	conf_locked c;
	bgw_err err;

	if (in.email == NULL || strchr(in.email, '@') == NULL || in.name == NULL) {
		err = request_field_error(r, in.name == NULL ? "name" : "email", in.name == NULL ?
		    "required" : "invalid");
		return err == BGW_E_VALIDATION ? undeliverable_page(r, 422) : err;
	}
	if (in.method == NULL || in.note == NULL)
		in.method = in.note = NULL; /* the use case answers address_not_checked */
	err = readdress_run(r->app->db, r->a, &who, r->target.confirmation_id, &in,
	    r->app->cfg->base_url, &c);
	if (err != BGW_OK)
		return err;
	return page_redirect(r, ppath(r, "/undeliverable?m=msg.saved"));
}
