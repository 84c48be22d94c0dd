/* firm.c - a new firm and its first admin's invitation (firm.h). */
#include "auth/firm.h"

#include <string.h>

#include <openssl/crypto.h>

#include "auth/invite.h"
#include "auth/token.h"
#include "flow/audit.h"
#include "http/fields.h"
#include "mail/mailtpl.h"
#include "mail/outbox.h"

/* The name and e-mail with the same rules as the API; *email the normalised address. */
static bgw_err
check_input(bgw_arena *a, const firm_invite_in *in, const char **email, bgw_kv **errors)
{
	static const field_spec specs[] = {
		{.name = "name", .type = FIELD_STRING, .required = true, .max_len = 200},
		{.name = "email", .type = FIELD_EMAIL, .required = true},
		{.name = NULL},
	};
	bgw_kv *form = NULL, **tail = &form;
	field_value *vals;
	bgw_err err;

	if ((err = kv_append(a, &tail, "name", in->name, strlen(in->name))) != BGW_OK ||
	    (err = kv_append(a, &tail, "email", in->email, strlen(in->email))) != BGW_OK)
		return err;
	if ((err = fields_from_form(a, form, specs, &vals, errors)) == BGW_OK)
		*email = fields_get(vals, specs, "email")->s;
	return err;
}

static bgw_err
mail_invitation(bgw_db *db, bgw_arena *a, const char *name, const char *email,
    const char *link, const char *token)
{
	bgw_kv *vars = NULL, **tail = &vars;
	outbox_msg m = {.kind = "firm_invitation", .to = email};
	char *subject, *body;
	bgw_err err;

	if ((err = kv_append(a, &tail, "firm", name, strlen(name))) != BGW_OK ||
	    (err = kv_append(a, &tail, "link", link, strlen(link))) != BGW_OK ||
	    (err = kv_append(a, &tail, "name", email, strlen(email))) != BGW_OK)
		return err;
	if ((err = mailtpl_render(a, "firm_invitation", "ja", vars, &subject, &body)) != BGW_OK)
		return err;
	m.subject = subject;
	m.body = body;
	if ((m.natural_key = bgw_arena_printf(a, "firm_invitation:%s", token)) == NULL)
		return BGW_E_NOMEM;
	return outbox_enqueue(db, a, &m);
}

bgw_err
firm_invite(bgw_db *db, bgw_arena *a, const firm_invite_in *in, firm_invite_out *out,
    bgw_kv **errors)
{
	char token[TOKEN_LEN + 1];
	const char *email = NULL;
	invite_spec spec = {.admin = true};
	audit_event ev = {.action = in->operator ? "operator.invite" : "firm.create",
		.object_type = "organization"};
	db_rows *res;
	bgw_err err;

	memset(out, 0, sizeof(*out));
	if ((err = check_input(a, in, &email, errors)) != BGW_OK)
		return err;
	if (in->operator) {
		const char *org = FIRM_OPERATOR_ORG_NAME;

		err = db_exec(db, a, "operator_org", 1, &org, &res);
	} else
		err = db_exec(db, a, "firm_insert", 1, &in->name, &res);
	if (err != BGW_OK)
		return err;
	spec.email = email;
	spec.organization_id = ev.object_id = out->organization_id = db_value(res, 0, 0);
	if ((err = invite_create(db, a, &spec, token)) != BGW_OK)
		return err;
	if ((out->link = invite_link(a, in->base_url, token)) == NULL)
		err = BGW_E_NOMEM;
	else
		err = mail_invitation(db, a, in->name, email, out->link, token);
	OPENSSL_cleanse(token, sizeof(token));
	if (err != BGW_OK)
		return err;
	return audit_append(db, a, &ev, NULL);
}
