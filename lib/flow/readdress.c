/* readdress.c - readdress and mail the request again (readdress.h). */
#include "flow/readdress.h"

#include <string.h>

#include <openssl/crypto.h>

#include "auth/invite.h"
#include "auth/token.h"
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
	db_rows *res;
	const char *link, *locale = "ja";
	bgw_kv *vars = NULL, **tail = &vars;
	char *verify = bgw_arena_printf(a, "%s/verify", base_url);
	char *key = bgw_arena_printf(a, "confirmation_request:%s:addressee%s", c->id, version);
	bgw_err err;

	if (verify == NULL || key == NULL)
		return BGW_E_NOMEM;
	if ((err = project_facts_get(db, a, c->project_id, &pf)) != BGW_OK ||
	    (err = db_exec(db, a, "flow_user_by_email", 1, &email, &res)) != BGW_OK)
		return err;
	if (db_nrows(res) == 1) {
		const char *uid = db_value(res, 0, 0);
		const char *p[4] = {c->project_id, uid, c->org_id, who->user_id};

		locale = db_value(res, 0, 1);
		if ((err = db_exec(db, a, "flow_membership_insert", 4, p, NULL)) != BGW_OK)
			return err;
		link = bgw_arena_printf(a, "%s/confirmations/%s", base_url, c->id);
	} else {
		char token[TOKEN_LEN + 1];
		invite_spec spec = {.email = email, .organization_id = c->org_id,
			.project_id = c->project_id, .side = "respondent", .admin = true,
			.created_by = who->user_id};

		if ((err = invite_create(db, a, &spec, token)) != BGW_OK)
			return err;
		link = invite_link(a, base_url, token);
		OPENSSL_cleanse(token, sizeof(token));
	}
	if (link == NULL)
		return BGW_E_NOMEM;
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
	return mailq_send(db, a, "confirmation_request", locale, email, key, c->project_id,
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
