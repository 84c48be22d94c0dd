/* admin_firm.c - bgw-admin firm-create: a new audit firm, and an invitation for its first
 * admin user, printed on stdout and mailed. */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "admin.h"
#include "flow/audit.h"
#include "store/db.h"
#include "http/fields.h"
#include "auth/invite.h"
#include "core/kv.h"
#include "mail/mailtpl.h"
#include "mail/outbox.h"
#include "store/stmt.h"

static const db_stmt *const tables[] = {stmt_core, stmt_firm, stmt_invite, stmt_outbox,
	stmt_audit, NULL};

static const char *
arg(int argc, char **argv, const char *name)
{
	for (int i = 1; i + 1 < argc; i++)
		if (strcmp(argv[i], name) == 0)
			return argv[i + 1];
	return NULL;
}

/* Validate the e-mail with the same rules as the API. */
static bgw_err
check_input(bgw_arena *a, const char *name, const char *email, const char **norm_email)
{
	static const field_spec specs[] = {
		{.name = "name", .type = FIELD_STRING, .required = true, .max_len = 200},
		{.name = "email", .type = FIELD_EMAIL, .required = true},
		{.name = NULL},
	};
	bgw_kv *form = NULL, **tail = &form, *errors = NULL;
	field_value *vals;
	bgw_err err;

	if ((err = kv_append(a, &tail, "name", name, strlen(name))) != BGW_OK ||
	    (err = kv_append(a, &tail, "email", email, strlen(email))) != BGW_OK)
		return err;
	err = fields_from_form(a, form, specs, &vals, &errors);
	for (bgw_kv *e = errors; e != NULL; e = e->next)
		fprintf(stderr, "bgw-admin: %s: %s\n", e->key, e->value);
	if (err == BGW_OK)
		*norm_email = fields_get(vals, specs, "email")->s;
	return err;
}

#define OPERATOR_ORG_NAME "Balance Gateway operations"

static bgw_err
create(bgw_db *db, bgw_arena *a, const bgw_config *cfg, const char *name, const char *email,
    bool operator, const char **link)
{
	char token[TOKEN_LEN + 1];
	invite_spec spec = {.email = email, .admin = true};
	audit_event ev = {.action = "firm.create", .object_type = "organization"};
	bgw_kv *vars = NULL, **tail = &vars;
	outbox_msg m = {.kind = "firm_invitation", .to = email};
	char *subject, *body;
	db_rows *res;
	bgw_err err;

	if (operator) {
		const char *org = OPERATOR_ORG_NAME;

		ev.action = "operator.invite";
		err = db_exec(db, a, "operator_org", 1, &org, &res);
	} else {
		err = db_exec(db, a, "firm_insert", 1, &name, &res);
	}
	if (err != BGW_OK)
		return err;
	spec.organization_id = ev.object_id = db_value(res, 0, 0);
	if ((err = invite_create(db, a, &spec, token)) != BGW_OK)
		return err;
	if ((*link = invite_link(a, cfg->base_url, token)) == NULL)
		return BGW_E_NOMEM;
	if ((err = kv_append(a, &tail, "firm", name, strlen(name))) != BGW_OK ||
	    (err = kv_append(a, &tail, "link", *link, strlen(*link))) != BGW_OK ||
	    (err = kv_append(a, &tail, "name", email, strlen(email))) != BGW_OK)
		return err;
	if ((err = mailtpl_render(a, "firm_invitation", "ja", vars, &subject, &body)) != BGW_OK)
		return err;
	m.subject = subject;
	m.body = body;
	m.natural_key = bgw_arena_printf(a, "firm_invitation:%s", token);
	if ((err = outbox_enqueue(db, a, &m)) != BGW_OK)
		return err;
	return audit_append(db, a, &ev, NULL);
}

static int
invite_first_user(const bgw_config *cfg, const char *name, const char *email, bool operator)
{
	const char *norm = NULL, *link = NULL;
	bgw_db *db;
	bgw_arena *a;
	bgw_err err;

	a = bgw_arena_new();
	db = db_open(cfg->db, tables);
	if (a == NULL || db == NULL)
		return 1;
	err = check_input(a, name, email, &norm);
	if (err == BGW_OK)
		err = db_ensure(db);
	if (err == BGW_OK)
		err = db_begin(db, NULL);
	if (err == BGW_OK)
		err = create(db, a, cfg, name, norm, operator, &link);
	if (err == BGW_OK)
		err = db_commit(db);
	else
		db_rollback(db);
	if (err == BGW_OK)
		printf("%s\n", link);
	else
		fprintf(stderr, "bgw-admin: cannot invite %s: %s\n", email, bgw_err_message(err));
	bgw_arena_free(a);
	db_close(db);
	return err == BGW_OK ? 0 : 1;
}

int
admin_firm_create(const bgw_config *cfg, int argc, char **argv)
{
	const char *name = arg(argc, argv, "--name"), *email = arg(argc, argv, "--email");

	if (name == NULL || email == NULL) {
		fprintf(stderr, "usage: bgw-admin firm-create --name NAME --email EMAIL\n");
		return 2;
	}
	return invite_first_user(cfg, name, email, false);
}

int
admin_operator_create(const bgw_config *cfg, int argc, char **argv)
{
	const char *email = arg(argc, argv, "--email");

	if (email == NULL) {
		fprintf(stderr, "usage: bgw-admin operator-create --email EMAIL\n");
		return 2;
	}
	return invite_first_user(cfg, OPERATOR_ORG_NAME, email, true);
}
