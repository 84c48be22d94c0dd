/* admin_firm.c - bgw-admin firm-create and operator-create: a new audit firm (or the
 * operators' organisation) and an invitation for its first admin user (lib/auth/firm.h),
 * printed on stdout and mailed. */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "admin.h"
#include "auth/firm.h"
#include "mail/outbox.h"
#include "store/db.h"
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

static int
invite_first_user(const bgw_config *cfg, const char *name, const char *email, bool operator)
{
	firm_invite_in in = {.name = name, .email = email, .operator = operator,
		.base_url = cfg->base_url};
	firm_invite_out out;
	bgw_kv *errors = NULL;
	bgw_db *db;
	bgw_arena *a;
	bgw_err err;

	a = bgw_arena_new();
	db = db_open(cfg->db, tables);
	if (a == NULL || db == NULL)
		return 1;
	err = db_ensure(db);
	if (err == BGW_OK)
		err = db_begin(db, NULL);
	if (err == BGW_OK)
		err = firm_invite(db, a, &in, &out, &errors);
	if (err == BGW_OK)
		err = db_commit(db);
	else
		db_rollback(db);
	for (bgw_kv *e = errors; e != NULL; e = e->next)
		fprintf(stderr, "bgw-admin: %s: %s\n", e->key, e->value);
	if (err == BGW_OK)
		printf("%s\n", out.link);
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
	return invite_first_user(cfg, FIRM_OPERATOR_ORG_NAME, email, true);
}
