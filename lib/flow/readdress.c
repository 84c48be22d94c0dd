/* readdress.c - readdress and mail the request again (readdress.h). */
#include "flow/readdress.h"

#include <string.h>

#include "flow/project.h"
#include "mail/mailq.h"

/* The corrected addressee gets the request as at sending: a known account joins the
 * project, anyone else is invited (a new single-use link). */
static bgw_err
resend(bgw_db *db, bgw_arena *a, const conf_actor *who, const char *base_url,
    const conf_locked *c, const char *email, const char *name,
    const char *version)
{
	project_facts pf;
	const char *link;
	bgw_kv *vars = NULL, **tail = &vars;
	char *verify = bgw_arena_printf(a, "%s/verify", base_url);
	char *key = bgw_arena_printf(a, "confirmation_request:%s:addressee%s", c->id, version);
	bgw_err err;

	if (verify == NULL || key == NULL)
		return BGW_E_NOMEM;
	if ((err = project_facts_get(db, a, c->project_id, &pf)) != BGW_OK ||
	    (err = conf_addressee_link(db, a, who, c, email, base_url, &link)) != BGW_OK)
		return err;
#define SLOT(k, v) \
	if ((err = kv_append(a, &tail, k, v, strlen(v))) != BGW_OK) \
		return err
	SLOT("name", name);
	SLOT("firm", pf.firm_name);
	SLOT("client", pf.client_name);
	SLOT("reference", c->reference);
	SLOT("as_of", c->as_of);
	SLOT("due_date", c->due_date);
	SLOT("link", link);
	SLOT("verify_url", verify);
#undef SLOT
	return mailq_send(db, a, "confirmation_request", c->locale, email, key, c->project_id,
	    vars);
}

bgw_err
readdress_run(bgw_db *db, bgw_arena *a, const conf_actor *who, const char *id,
    const conf_readdress_in *in, const char *base_url, conf_locked *out)
{
	bgw_err err = conf_readdress(db, a, who, id, in, out);

	if (err != BGW_OK)
		return err;
	return resend(db, a, who, base_url, out, in->email, in->name, out->version);
}
