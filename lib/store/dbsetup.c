/* dbsetup.c - the superuser's part of a new host's database (dbsetup.h), on db.c's one
 * connection path.  DDL cannot take parameters: names are quoted by db_quote_ident, the
 * verifier by db_quote_literal, and the scripts go through db_run_script.  (roles.sql's
 * "already exists, skipping" notices go to db.c's debug log, not the terminal.) */
#include "store/dbsetup.h"

#include <stdio.h>
#include <string.h>

#include <libpq-fe.h>

#include "core/arena.h"
#include "store/db.h"
#include "store/stmt.h"

static const db_stmt *const dbsetup_tables[] = {stmt_dbsetup, NULL};

bgw_err
dbsetup_conninfo_get(const char *conninfo, const char *keyword, char *out, size_t cap)
{
	PQconninfoOption *opts = PQconninfoParse(conninfo, NULL);
	bgw_err err = BGW_OK;

	out[0] = '\0';
	if (opts == NULL)
		return BGW_E_VALIDATION;
	for (PQconninfoOption *o = opts; o->keyword != NULL; o++)
		if (strcmp(o->keyword, keyword) == 0 && o->val != NULL &&
		    snprintf(out, cap, "%s", o->val) >= (int)cap)
			err = BGW_E_VALIDATION;
	PQconninfoFree(opts);
	return err;
}

/* A connection as the superuser to dbname, or NULL (*err set; logged by db.c). */
static bgw_db *
superuser_connect(const char *superuser, const char *dbname, bgw_err *err)
{
	bgw_db *db = db_open(superuser, dbsetup_tables);

	if (db == NULL) {
		*err = BGW_E_NOMEM;
		return NULL;
	}
	db_set_application_name(db, "bgw-admin setup");
	db_set_database(db, dbname);
	if ((*err = db_ensure(db)) != BGW_OK) {
		db_close(db);
		return NULL;
	}
	return db;
}

bgw_err
dbsetup_database(const char *superuser, const char *dbname, int *created)
{
	bgw_err err;
	bgw_db *db = superuser_connect(superuser, "postgres", &err);
	bgw_arena *a = bgw_arena_new();
	db_rows *res;
	char *ident, *sql;

	if (created != NULL)
		*created = 0;
	if (db == NULL || a == NULL) {
		db_close(db);
		bgw_arena_free(a);
		return db == NULL ? err : BGW_E_NOMEM;
	}
	err = db_exec(db, a, "dbsetup_database_exists", 1, &dbname, &res);
	if (err == BGW_OK && db_nrows(res) == 0) {
		ident = db_quote_ident(db, a, dbname);
		sql = ident != NULL ? bgw_arena_printf(a, "CREATE DATABASE %s", ident) : NULL;
		err = sql != NULL ? db_run_script(db, "create the database", sql) : BGW_E_NOMEM;
		if (err == BGW_OK && created != NULL)
			*created = 1;
	}
	db_close(db);
	bgw_arena_free(a);
	return err;
}

/* ALTER ROLE ... PASSWORD with the SCRAM verifier computed here. */
static bgw_err
role_password_set(bgw_db *db, bgw_arena *a, const dbsetup_role *r)
{
	char *verifier, *ident, *lit, *sql;

	if (r->password == NULL)
		return BGW_OK;
	verifier = db_password_verifier(db, a, r->user, r->password);
	ident = db_quote_ident(db, a, r->user);
	lit = verifier != NULL ? db_quote_literal(db, a, verifier) : NULL;
	sql = ident != NULL && lit != NULL ?
	    bgw_arena_printf(a, "ALTER ROLE %s PASSWORD %s", ident, lit) : NULL;
	return sql != NULL ? db_run_script(db, "set a role's password", sql) : BGW_E_INTERNAL;
}

bgw_err
dbsetup_roles(const char *superuser, const char *dbname, const char *roles_sql,
    const dbsetup_role *roles, int n)
{
	bgw_err err;
	bgw_db *db = superuser_connect(superuser, dbname, &err);
	bgw_arena *a = bgw_arena_new();

	if (db == NULL || a == NULL) {
		db_close(db);
		bgw_arena_free(a);
		return db == NULL ? err : BGW_E_NOMEM;
	}
	err = db_run_script(db, "run db/roles.sql", roles_sql);
	for (int i = 0; err == BGW_OK && i < n; i++)
		err = role_password_set(db, a, &roles[i]);
	db_close(db);
	bgw_arena_free(a);
	return err;
}
